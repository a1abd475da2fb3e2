//! The commands that take manifests: `apply -f -`, `create -f -`, `replace -f -` and
//! `diff -f -`, reading the line's here-document ([`super::heredoc`]), and `edit`, which shows an
//! object's YAML and takes the edited text back the same way. New objects go through the same
//! admission as `kubectl create`, changes to existing ones are `Change::Patch`es through the
//! same readers as `kubectl patch`, and each prints what kubectl prints.

mod diff;
mod edit;

pub(super) use diff::diff;
pub(super) use edit::{EDIT_FLAGS, edit};

use serde_json::{Value, json};

use super::mutate::create::admit;
use super::mutate::target::{find, slash_name};
use super::mutate::{ACTOR, api_message};
use super::{Args, Done, FlagSpec, KubectlError, flag};
use crate::sim::change::{ApiError, Change, PatchType};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::manifest::parse::{ParseError, documents};
use crate::sim::manifest::{object_from, strategic_merge, to_manifest};

pub(crate) const APPLY_FLAGS: &[FlagSpec] =
    &[flag::FILENAME, flag::DRY_RUN, flag::OUTPUT, flag::FORCE, flag::VALIDATE, flag::FIELD_MANAGER, flag::RECURSIVE];
pub(crate) const REPLACE_FLAGS: &[FlagSpec] =
    &[flag::FILENAME, flag::DRY_RUN, flag::OUTPUT, flag::FORCE, flag::VALIDATE, flag::FIELD_MANAGER, flag::SAVE_CONFIG];
/// `create`'s own flags with `-f`.
pub(crate) const CREATE_FLAGS: &[FlagSpec] = &[
    flag::FILENAME,
    flag::DRY_RUN,
    flag::OUTPUT,
    flag::SAVE_CONFIG,
    flag::VALIDATE,
    flag::FIELD_MANAGER,
    flag::RECURSIVE,
];
pub(crate) const DIFF_FLAGS: &[FlagSpec] = &[flag::FILENAME, flag::FIELD_MANAGER, flag::RECURSIVE];

/// Where kubectl says a manifest read from standard input came from.
const SOURCE: &str = "STDIN";

/// One object a manifest describes.
#[derive(Clone, Debug)]
pub(super) struct Doc {
    pub kind: Kind,
    /// Where it lives (empty for cluster-scoped kinds).
    pub namespace: String,
    pub name: String,
    pub manifest: Value,
}

/// What a verb did to the documents it was given: a line per object, the errors after them.
#[derive(Default)]
struct Report {
    lines: Vec<String>,
    errors: Vec<String>,
    changed: bool,
}

impl Report {
    /// The command's result: it fails when nothing but errors came of it.
    fn done(self) -> Result<Done, KubectlError> {
        let failed = !self.errors.is_empty();
        let only_errors = self.lines.is_empty();
        let mut out = self.lines;
        out.extend(self.errors);
        let output = out.join("\n");
        if failed && only_errors {
            return Err(KubectlError::msg(output));
        }
        Ok(Done { output, changed: self.changed, failed })
    }
}

/// The objects in a command's `-f -` input, read and checked as kubectl reads them.
pub(super) fn read_docs(args: &Args, input: Option<&str>, verb: &str) -> Result<Vec<Doc>, KubectlError> {
    let files = args.values(flag::FILENAME);
    if files.is_empty() {
        return Err(KubectlError::msg("error: must specify one of -f and -k"));
    }
    if let Some(path) = files.iter().find(|f| *f != "-") {
        return Err(KubectlError::msg(format!("error: the path \"{path}\" does not exist")));
    }
    let values = parse_input(input.unwrap_or_default())?;
    if values.is_empty() {
        return Err(KubectlError::msg(format!("error: no objects passed to {verb}")));
    }
    values.into_iter().map(|v| doc(args, v)).collect()
}

/// Text to JSON values, with kubectl's wording for text it cannot read.
pub(super) fn parse_input(text: &str) -> Result<Vec<Value>, KubectlError> {
    documents(text).map_err(|e| match e {
        ParseError::Yaml { .. } => {
            KubectlError::msg(format!("error: error parsing {SOURCE}: error converting YAML to JSON: {e}"))
        }
        ParseError::TooLarge => KubectlError::msg(format!("error: error parsing {SOURCE}: {e}")),
    })
}

/// One document as an object: its kind from `apiVersion` and `kind`, its namespace from the
/// manifest or `-n`, which must agree.
fn doc(args: &Args, manifest: Value) -> Result<Doc, KubectlError> {
    let text = |key: &str| manifest.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (api_version, kind_name) = (text("apiVersion"), text("kind"));
    let missing: Vec<&str> = [("apiVersion", &api_version), ("kind", &kind_name)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        let what = match missing.as_slice() {
            [one] => format!("{one} not set"),
            many => format!("[{}]", many.iter().map(|m| format!("{m} not set")).collect::<Vec<_>>().join(", ")),
        };
        return Err(KubectlError::msg(format!(
            "error: error validating \"{SOURCE}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false"
        )));
    }
    let meta = manifest.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default().to_owned();
    let own_ns = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str).filter(|n| !n.is_empty());
    let Some(kind) = Kind::ALL.into_iter().find(|k| k.api_kind() == kind_name && k.api_version() == api_version) else {
        return Err(KubectlError::msg(format!(
            "error: resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{SOURCE}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first",
            own_ns.unwrap_or_default()
        )));
    };
    if name.is_empty() {
        return Err(KubectlError::msg(format!(
            "error: error when retrieving current configuration of \"{SOURCE}\": {} \"\" is invalid: metadata.name: Required value: name or generateName is required",
            kind.api_kind()
        )));
    }
    let namespace = match (own_ns, args.value(flag::NAMESPACE)) {
        _ if !kind.namespaced() => String::new(),
        (Some(own), Some(flag)) if own != flag => {
            return Err(KubectlError::msg(format!(
                "error: the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
            )));
        }
        (Some(own), _) => own.to_owned(),
        (None, _) => args.namespace().to_owned(),
    };
    Ok(Doc { kind, namespace, name, manifest })
}

/// The manifest as far as a client can change it: no status and none of the fields the server
/// keeps (`uid`, `resourceVersion`, timestamps, owners), so a live object and a manifest compare.
pub(super) fn comparable(manifest: &Value) -> Value {
    let mut m = manifest.clone();
    if let Some(obj) = m.as_object_mut() {
        obj.remove("status");
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in [
                "uid",
                "resourceVersion",
                "generation",
                "managedFields",
                "creationTimestamp",
                "ownerReferences",
                "selfLink",
            ] {
                meta.remove(field);
            }
            if meta.get("annotations").and_then(Value::as_object).is_some_and(serde_json::Map::is_empty) {
                meta.remove("annotations");
            }
            if meta.get("labels").and_then(Value::as_object).is_some_and(serde_json::Map::is_empty) {
                meta.remove("labels");
            }
        }
    }
    m
}

/// The manifest with its name and namespace as the request names them, the way a write sends it.
fn addressed(d: &Doc) -> Value {
    let mut m = comparable(&d.manifest);
    if let Some(obj) = m.as_object_mut() {
        let meta = obj.entry("metadata").or_insert_with(|| json!({}));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("name".into(), d.name.clone().into());
            if d.kind.namespaced() {
                meta.insert("namespace".into(), d.namespace.clone().into());
            }
        }
    }
    m
}

/// The live object's manifest, compared as [`comparable`] does.
fn live(cluster: &Cluster, d: &Doc) -> Option<Value> {
    to_manifest(cluster, d.kind, &d.namespace, &d.name).map(|m| comparable(&m))
}

/// Creates the object a document describes, through `kubectl create`'s admission.
fn create_one(cluster: &mut Cluster, d: &Doc) -> Result<(), KubectlError> {
    admit(cluster, d.kind, &d.namespace, &d.name)?;
    let object = object_from(cluster, d.kind, &d.namespace, &d.name, &addressed(d))?;
    cluster.apply(Change::Create(object), ACTOR)?;
    Ok(())
}

/// Replaces the object a document names with it: each top-level field the manifest has is set,
/// each it lacks (besides the server's own) removed, as a JSON patch through the usual readers.
fn replace_one(cluster: &mut Cluster, d: &Doc) -> Result<(), ApiError> {
    let Some(live) = live(cluster, d) else {
        return Err(ApiError::not_found(d.kind, &d.name));
    };
    let wanted = addressed(d);
    let mut ops = Vec::new();
    if let (Some(live), Some(wanted)) = (live.as_object(), wanted.as_object()) {
        for (key, value) in wanted.iter().filter(|(k, _)| !matches!(k.as_str(), "apiVersion" | "kind")) {
            ops.push(json!({"op": "add", "path": format!("/{key}"), "value": value}));
        }
        for key in live.keys().filter(|k| !wanted.contains_key(*k) && !matches!(k.as_str(), "apiVersion" | "kind")) {
            ops.push(json!({"op": "remove", "path": format!("/{key}")}));
        }
    }
    let change = Change::Patch {
        kind: d.kind,
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        patch_type: PatchType::Json,
        patch: Value::Array(ops).to_string(),
    };
    cluster.apply(change, ACTOR)
}

/// kubectl's line for an API refusal while working through a manifest (`error when creating
/// "STDIN": …`).
fn refusal(e: &KubectlError, doing: &str) -> String {
    match e {
        KubectlError::Api(ApiError::Client(m)) => format!("error: {m}"),
        KubectlError::Api(api) => {
            let full = api.to_string();
            let reason = full.split_once("): ").map_or("", |(head, _)| head);
            format!("{reason}): error when {doing} \"{SOURCE}\": {}", api_message(api))
        }
        KubectlError::Message(m) => m.clone(),
    }
}

/// `kubectl apply -f -`: creates what is missing, patches what exists with the fields given.
pub(super) fn apply(cluster: &mut Cluster, words: &[String], input: Option<&str>) -> Result<Done, KubectlError> {
    let args = Args::parse(words, APPLY_FLAGS)?;
    let docs = read_docs(&args, input, "apply")?;
    let mut report = Report::default();
    for d in &docs {
        let what = slash_name(d.kind, &d.name);
        let Some(before) = live(cluster, d) else {
            match create_one(cluster, d) {
                Ok(()) => {
                    report.changed = true;
                    report.lines.push(format!("{what} created"));
                }
                Err(e) => report.errors.push(refusal(&e, "creating")),
            }
            continue;
        };
        let patch = addressed(d);
        if comparable(&strategic_merge(&before, &patch)) == before {
            report.lines.push(format!("{what} unchanged"));
            continue;
        }
        let change = Change::Patch {
            kind: d.kind,
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            patch_type: PatchType::Strategic,
            patch: patch.to_string(),
        };
        match cluster.apply(change, ACTOR) {
            Ok(()) if live(cluster, d).as_ref() == Some(&before) => report.lines.push(format!("{what} unchanged")),
            Ok(()) => {
                report.changed = true;
                report.lines.push(format!("{what} configured"));
            }
            Err(e) => report.errors.push(refusal(&e.into(), "patching")),
        }
    }
    report.done()
}

/// `kubectl create` without a subcommand: from a manifest with `-f`, else kubectl's errors.
pub(super) fn create_group(cluster: &mut Cluster, words: &[String], input: Option<&str>) -> Result<Done, KubectlError> {
    let takes_file =
        words.iter().any(|w| w == "-f" || w.starts_with("--filename") || (w.starts_with("-f") && w.len() > 2));
    if takes_file { create(cluster, words, input) } else { super::mutate::create::group(cluster, words) }
}

/// `kubectl create -f -`: each object is new, or the API says it already exists.
pub(super) fn create(cluster: &mut Cluster, words: &[String], input: Option<&str>) -> Result<Done, KubectlError> {
    let args = Args::parse(words, APPLY_FLAGS)?;
    let docs = read_docs(&args, input, "create")?;
    let mut report = Report::default();
    for d in &docs {
        match create_one(cluster, d) {
            Ok(()) => {
                report.changed = true;
                report.lines.push(format!("{} created", slash_name(d.kind, &d.name)));
            }
            Err(e) => report.errors.push(refusal(&e, "creating")),
        }
    }
    report.done()
}

/// `kubectl replace -f -`: each object must exist and becomes what the manifest says.
pub(super) fn replace(cluster: &mut Cluster, words: &[String], input: Option<&str>) -> Result<Done, KubectlError> {
    let args = Args::parse(words, REPLACE_FLAGS)?;
    let docs = read_docs(&args, input, "replace")?;
    let mut report = Report::default();
    for d in &docs {
        match replace_one(cluster, d) {
            Ok(()) => {
                report.changed = true;
                report.lines.push(format!("{} replaced", slash_name(d.kind, &d.name)));
            }
            Err(e) => report.errors.push(refusal(&e.into(), "replacing")),
        }
    }
    report.done()
}

/// Whether an object named by a document exists (for `diff`).
fn exists(cluster: &Cluster, d: &Doc) -> bool {
    find(cluster, d.kind, &d.namespace, &d.name).is_some()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod workload_tests;
