//! `kubectl label` and `kubectl annotate`: adding, changing and removing metadata entries,
//! with kubectl's `--overwrite` rule and its `labeled`/`unlabeled`/`not labeled` wording.

use std::collections::BTreeMap;

use super::target::{objects, scope, slash_name};
use super::{Plan, Step, execute};
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::objects::Meta;

pub(crate) const LABEL_FLAGS: &[FlagSpec] = &[
    flag::OVERWRITE,
    flag::ALL,
    flag::SELECTOR,
    flag::LIST,
    flag::LOCAL,
    flag::DRY_RUN,
    flag::OUTPUT,
    flag::RESOURCE_VERSION,
];

/// Which metadata map `label` or `annotate` edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaField {
    Labels,
    Annotations,
}

impl MetaField {
    fn noun(self) -> &'static str {
        match self {
            MetaField::Labels => "label",
            MetaField::Annotations => "annotation",
        }
    }
}

pub fn label(cluster: &mut Cluster, tokens: &[String], field: MetaField) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, LABEL_FLAGS)?;
    if args.switch(flag::LIST) {
        return Done::read(list_labels(cluster, &args, field)?);
    }
    let plan = plan_label(cluster, &args, field)?;
    execute(cluster, plan)
}

fn is_pair(w: &str) -> bool {
    w.contains('=') || (w.ends_with('-') && w.len() > 1)
}

/// A label value as the API validates it (annotations take anything).
fn valid_label_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

const NAME_PART: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// Why a label or annotation key is not a qualified name (`[prefix/]name`), in the API
/// server's words (apimachinery's `IsQualifiedName`).
fn qualified_name_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            return vec![format!(
                "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };
    let mut errors = Vec::new();
    if let Some(prefix) = prefix {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if prefix.is_empty() {
            errors.push("prefix part must be non-empty".to_owned());
        } else if prefix.len() > 253 {
            errors.push("prefix part must be no more than 253 characters".to_owned());
        } else if !prefix.split('.').all(label_ok) {
            errors.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned());
        }
    }
    if name.is_empty() {
        errors.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        errors.push("name part must be no more than 63 characters".to_owned());
    }
    let name_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !name.is_empty() && !name_ok {
        errors.push(NAME_PART.to_owned());
    }
    errors
}

/// The API server's refusal of keys that are not qualified names, for the object they were
/// meant for (`The Pod "web" is invalid: metadata.labels: Invalid value: "bad key": …`).
fn refuse_bad_keys(edits: &Edits, field: MetaField, kind: Kind, name: &str) -> Result<(), KubectlError> {
    let path = match field {
        MetaField::Labels => "metadata.labels",
        MetaField::Annotations => "metadata.annotations",
    };
    let causes: Vec<String> = edits
        .iter()
        .filter(|(_, v)| v.is_some())
        .flat_map(|(k, _)| {
            let shown = if field == MetaField::Annotations { k.to_lowercase() } else { k.clone() };
            qualified_name_errors(&shown).into_iter().map(move |e| format!("{path}: Invalid value: \"{shown}\": {e}"))
        })
        .collect();
    match causes.as_slice() {
        [] => Ok(()),
        [one] => Err(KubectlError::msg(format!("The {} \"{name}\" is invalid: {one}", kind.api_kind()))),
        many => Err(KubectlError::msg(format!("The {} \"{name}\" is invalid: [{}]", kind.api_kind(), many.join(", ")))),
    }
}

type Edits = Vec<(String, Option<String>)>;

fn parse_pairs(pairs: &[String], field: MetaField) -> Result<Edits, KubectlError> {
    let noun = field.noun();
    let mut edits: Edits = Vec::new();
    for p in pairs {
        let edit = match p.split_once('=') {
            Some((k, v)) => {
                if k.is_empty() || (field == MetaField::Labels && v.contains('=')) {
                    return Err(KubectlError::msg(format!("error: invalid {noun} spec: {p}")));
                }
                if field == MetaField::Labels && !valid_label_value(v) {
                    return Err(KubectlError::msg(format!(
                        "error: invalid label value: \"{p}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                    )));
                }
                (k.to_owned(), Some(v.to_owned()))
            }
            None => (p.trim_end_matches('-').to_owned(), None),
        };
        if edits.iter().any(|(k, v)| *k == edit.0 && v.is_some() != edit.1.is_some()) {
            return Err(KubectlError::msg(format!(
                "error: can not both modify and remove {} in the same command",
                if field == MetaField::Labels { "a label" } else { "an annotation" }
            )));
        }
        edits.push(edit);
    }
    Ok(edits)
}

fn field_of(meta: &Meta, field: MetaField) -> &BTreeMap<String, String> {
    match field {
        MetaField::Labels => &meta.labels,
        MetaField::Annotations => &meta.annotations,
    }
}

pub fn plan_label(cluster: &Cluster, args: &Args, field: MetaField) -> Result<Plan, KubectlError> {
    let (pairs, words): (Vec<String>, Vec<String>) = args.positional.iter().cloned().partition(|w| is_pair(w));
    if words.is_empty() {
        return Err(super::no_resources_error());
    }
    if pairs.is_empty() {
        return Err(KubectlError::msg(format!("error: at least one {} update is required", field.noun())));
    }
    let edits = parse_pairs(&pairs, field)?;
    let overwrite = args.switch(flag::OVERWRITE);
    let found = objects(cluster, args, &words)?;
    if found.is_empty() {
        return Ok(Plan::nothing("No resources found"));
    }
    let mut plan = Plan::per_object();
    for (kind, meta) in found {
        refuse_bad_keys(&edits, field, kind, &meta.name)?;
        let old = field_of(&meta, field);
        if !overwrite {
            for (k, v) in &edits {
                if let (Some(v), Some(cur)) = (v, old.get(k))
                    && v != cur
                {
                    return Err(KubectlError::msg(format!(
                        "error: '{k}' already has a value ({cur}), and --overwrite is false"
                    )));
                }
            }
        }
        let mut new = old.clone();
        for (k, v) in &edits {
            match v {
                Some(v) => {
                    new.insert(k.clone(), v.clone());
                }
                None => {
                    if new.remove(k).is_none() && field == MetaField::Labels {
                        plan.steps.push(Step::print(format!("label \"{k}\" not found.")));
                    }
                }
            }
        }
        let target = slash_name(kind, &meta.name);
        let line = match field {
            MetaField::Annotations => format!("{target} annotated"),
            MetaField::Labels if new == *old => format!("{target} not labeled"),
            MetaField::Labels if !overwrite && json_len(&new) < json_len(old) => {
                format!("{target} unlabeled")
            }
            MetaField::Labels => format!("{target} labeled"),
        };
        if new == *old {
            plan.steps.push(Step::print(line));
            continue;
        }
        let (namespace, name) = (scope(kind, &meta.namespace), meta.name.clone());
        let change = match field {
            MetaField::Labels => Change::Label { kind, namespace, name, labels: edits.clone(), overwrite },
            MetaField::Annotations => Change::Annotate { kind, namespace, name, annotations: edits.clone(), overwrite },
        };
        plan.steps.push(Step::new(change, line));
    }
    Ok(plan)
}

/// kubectl tells `unlabeled` from `labeled` by whether the object's JSON got shorter.
fn json_len(map: &BTreeMap<String, String>) -> usize {
    if map.is_empty() {
        return 0;
    }
    serde_json::to_string(map).map_or(0, |s| s.len())
}

/// `label --list`: the object's labels (or annotations) as `key=value` lines.
fn list_labels(cluster: &Cluster, args: &Args, field: MetaField) -> Result<String, KubectlError> {
    let words: Vec<String> = args.positional.iter().filter(|w| !is_pair(w)).cloned().collect();
    if words.is_empty() {
        return Err(super::no_resources_error());
    }
    let mut out = Vec::new();
    for (kind, meta) in objects(cluster, args, &words)? {
        out.push(format!("Listing {}s on {}:", field.noun(), slash_name(kind, &meta.name)));
        out.extend(field_of(&meta, field).iter().map(|(k, v)| format!("{k}={v}")));
    }
    Ok(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::sim::cluster::key;

    fn args(line: &str, specs: &[FlagSpec]) -> Args {
        let toks: Vec<String> = shlex::split(line).expect("quotes");
        Args::parse(&toks, specs).expect("parses")
    }

    fn err(r: Result<Plan, KubectlError>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn label_adds_removes_and_refuses_overwrites() {
        let c = fixture::cluster();
        let plan = plan_label(&c, &args("pod web-7c9b-aaaaa tier=front -n shop", LABEL_FLAGS), MetaField::Labels)
            .expect("plan");
        assert_eq!(
            plan.changes(),
            vec![Change::Label {
                kind: Kind::Pod,
                namespace: "shop".into(),
                name: "web-7c9b-aaaaa".into(),
                labels: vec![("tier".into(), Some("front".into()))],
                overwrite: false,
            }]
        );
        assert_eq!(plan.steps[0].line.as_deref(), Some("pod/web-7c9b-aaaaa labeled"));
        let plan =
            plan_label(&c, &args("pod/web-7c9b-aaaaa app- -n shop", LABEL_FLAGS), MetaField::Labels).expect("rm");
        assert_eq!(plan.steps[0].line.as_deref(), Some("pod/web-7c9b-aaaaa unlabeled"));
        let plan =
            plan_label(&c, &args("pod/web-7c9b-aaaaa app=web -n shop", LABEL_FLAGS), MetaField::Labels).expect("same");
        assert!(plan.changes().is_empty());
        assert_eq!(plan.steps[0].line.as_deref(), Some("pod/web-7c9b-aaaaa not labeled"));
        assert_eq!(
            err(plan_label(&c, &args("pod/web-7c9b-aaaaa app=api -n shop", LABEL_FLAGS), MetaField::Labels)),
            "error: 'app' already has a value (web), and --overwrite is false"
        );
        let plan =
            plan_label(&c, &args("pod/web-7c9b-aaaaa app=api --overwrite -n shop", LABEL_FLAGS), MetaField::Labels)
                .expect("overwrite");
        assert_eq!(plan.steps[0].line.as_deref(), Some("pod/web-7c9b-aaaaa labeled"));
        assert_eq!(
            err(plan_label(&c, &args("pod/web-7c9b-aaaaa -n shop", LABEL_FLAGS), MetaField::Labels)),
            "error: at least one label update is required"
        );
    }

    #[test]
    fn label_by_selector_and_annotate() {
        let c = fixture::cluster();
        let plan =
            plan_label(&c, &args("pods -l app=web tier=front -n shop", LABEL_FLAGS), MetaField::Labels).expect("sel");
        assert_eq!(plan.changes().len(), 3);
        let plan = plan_label(&c, &args("node n1 zone=a", LABEL_FLAGS), MetaField::Labels).expect("node");
        assert_eq!(plan.steps[0].line.as_deref(), Some("node/n1 labeled"));
        let plan =
            plan_label(&c, &args("deploy web note=hello -n shop", LABEL_FLAGS), MetaField::Annotations).expect("ann");
        assert_eq!(
            plan.changes(),
            vec![Change::Annotate {
                kind: Kind::Deployment,
                namespace: "shop".into(),
                name: "web".into(),
                annotations: vec![("note".into(), Some("hello".into()))],
                overwrite: false,
            }]
        );
        assert_eq!(plan.steps[0].line.as_deref(), Some("deployment.apps/web annotated"));
        assert_eq!(
            err(plan_label(&c, &args("pods tier=x -n shop", LABEL_FLAGS), MetaField::Labels)),
            "error: resource(s) were provided, but no name was specified"
        );
    }

    #[test]
    fn label_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl label pod web-7c9b-aaaaa tier=front -n shop");
        assert_eq!(out.output, "pod/web-7c9b-aaaaa labeled");
        assert_eq!(c.pods()[&key("shop", "web-7c9b-aaaaa")].meta.labels.get("tier").map(String::as_str), Some("front"));
    }

    #[test]
    fn keys_that_are_not_qualified_names_get_the_api_servers_validation_error() {
        let c = fixture::cluster();
        let label = |line: &str| err(plan_label(&c, &args(line, LABEL_FLAGS), MetaField::Labels));
        // kubectl label pod web 'bad key=v': kubectl sends it, the API server refuses it.
        assert_eq!(
            label("pod/web-7c9b-aaaaa 'bad key=v' -n shop"),
            format!("The Pod \"web-7c9b-aaaaa\" is invalid: metadata.labels: Invalid value: \"bad key\": {NAME_PART}")
        );
        assert!(
            label("pod/web-7c9b-aaaaa Example.com/x=1 -n shop").contains(
                "metadata.labels: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain"
            )
        );
        assert!(label("pod/web-7c9b-aaaaa a/b/c=1 -n shop").contains("a qualified name must consist of"));
        assert!(
            label(&format!("pod/web-7c9b-aaaaa {}=1 -n shop", "k".repeat(64)))
                .ends_with("name part must be no more than 63 characters")
        );
        // Two bad keys are listed together, as the API server aggregates its causes.
        assert_eq!(
            label("pod/web-7c9b-aaaaa x_=1 _y=2 -n shop"),
            format!(
                "The Pod \"web-7c9b-aaaaa\" is invalid: [metadata.labels: Invalid value: \"x_\": {NAME_PART}, metadata.labels: Invalid value: \"_y\": {NAME_PART}]"
            )
        );
        let annotate = |line: &str| err(plan_label(&c, &args(line, LABEL_FLAGS), MetaField::Annotations));
        assert_eq!(
            annotate("pod/web-7c9b-aaaaa 'why not=x' -n shop"),
            format!(
                "The Pod \"web-7c9b-aaaaa\" is invalid: metadata.annotations: Invalid value: \"why not\": {NAME_PART}"
            )
        );
        // Good keys, with and without a prefix, pass.
        assert!(
            plan_label(
                &c,
                &args("pod/web-7c9b-aaaaa example.com/team=a app.kubernetes.io/part-of=shop -n shop", LABEL_FLAGS),
                MetaField::Labels
            )
            .is_ok()
        );
    }
}
