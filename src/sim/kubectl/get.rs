//! `kubectl get`: resolves the types and names asked for, filters them by namespace, label and
//! field selectors, sorts them, and prints them as kubectl 1.31 does (tables, `-o wide`, `name`,
//! `yaml`, `json`, `jsonpath`, `custom-columns`).

mod columns;
mod gotemplate;
mod jsonpath;
pub(super) mod select;

use serde_json::{Value, json};

use super::args::{Args, FlagSpec};
use super::{Done, KubectlError, table};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::manifest::{to_json, to_manifest, to_yaml};
use crate::sim::objects::{Labels, Selector};

use crate::sim::kubectl::flag;
pub(super) use jsonpath::Template;
use select::{check_fields, fields_match, list, parse_fields};

pub(super) const FLAGS: &[FlagSpec] = &[
    flag::OUTPUT,
    flag::SELECTOR,
    flag::FIELD_SELECTOR,
    flag::SORT_BY,
    flag::SHOW_LABELS,
    flag::NO_HEADERS,
    flag::WATCH,
    flag::WATCH_ONLY,
    flag::IGNORE_NOT_FOUND,
    flag::LABEL_COLUMNS,
    flag::SHOW_KIND,
    flag::CHUNK_SIZE,
    flag::RAW_PATH,
    flag::TEMPLATE,
    flag::SHOW_MANAGED_FIELDS,
];

/// What `get all` lists, in kubectl's order: the kinds in the `all` category.
pub(super) const ALL: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::Hpa,
    Kind::CronJob,
    Kind::Job,
];

/// One object found, with what filtering and tables need.
#[derive(Clone, Debug)]
pub struct Item<'a> {
    pub kind: Kind,
    pub namespace: std::borrow::Cow<'a, str>,
    pub name: std::borrow::Cow<'a, str>,
    pub labels: std::borrow::Cow<'a, Labels>,
    pub created: i64,
    /// Index into `cluster.events` for events.
    pub event: Option<usize>,
    /// The pod itself, for pods, so rows need no second lookup.
    pub pod: Option<&'a crate::sim::objects::Pod>,
}

enum Output {
    Table {
        wide: bool,
    },
    Name,
    Json,
    Yaml,
    JsonPath(Template),
    /// `-o jsonpath-as-json=…`: what the template selects, as a JSON list.
    JsonPathAsJson(Template),
    GoTemplate(gotemplate::GoTemplate),
    Columns(Vec<(String, Template)>),
}

struct Request {
    kind: Kind,
    names: Vec<String>,
}

/// A resource a `CustomResourceDefinition` serves. The simulation stores no custom objects, so
/// it always lists as empty and every name is not found, as on a cluster where none were created.
struct CustomRequest {
    /// `crontabs.stable.example.com`.
    resource: String,
    namespaced: bool,
    names: Vec<String>,
}

fn msg(text: impl Into<String>) -> KubectlError {
    KubectlError::msg(text)
}

pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let a = Args::parse(args, FLAGS)?;
    if let Some(path) = a.value(flag::RAW_PATH) {
        if !a.positional.is_empty() {
            return Err(msg("error: arguments may not be passed when --raw is specified"));
        }
        return super::discovery::raw(cluster, path);
    }
    if a.switch(flag::WATCH) || a.switch(flag::WATCH_ONLY) {
        return Err(msg("error: watch is not supported in this console; run the command again"));
    }
    let output = parse_output(a.value(flag::OUTPUT), a.value(flag::TEMPLATE))?;
    let (requests, custom) = resolve(cluster, &a.positional)?;
    let all_ns = a.all_namespaces();
    let ns = a.namespace();
    let selector = match a.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| msg(format!("error: {e}")))?),
        None => None,
    };
    let named = requests.iter().any(|r| !r.names.is_empty()) || custom.iter().any(|r| !r.names.is_empty());
    if named && selector.is_some() {
        return Err(msg("error: name cannot be provided when a selector is specified"));
    }
    if named && all_ns {
        return Err(msg("error: a resource cannot be retrieved by name across all namespaces"));
    }
    let fields = match a.value(flag::FIELD_SELECTOR) {
        Some(f) => parse_fields(f)?,
        None => Vec::new(),
    };
    for r in &requests {
        check_fields(
            r.kind,
            &fields,
            a.value(flag::SELECTOR).unwrap_or(""),
            a.value(flag::FIELD_SELECTOR).unwrap_or(""),
        )?;
    }

    // `--as USER`: the API server authorizes the request as that user.
    if let Some(user) = a.value(flag::AS) {
        for r in &requests {
            let verb = if r.names.is_empty() { "list" } else { "get" };
            let scope = if r.kind.namespaced() && !all_ns { ns } else { "" };
            if !super::auth::allowed(cluster, user, verb, r.kind.plural(), scope) {
                let group = r.kind.group();
                let place = if scope.is_empty() {
                    "at the cluster scope".to_owned()
                } else {
                    format!("in the namespace \"{scope}\"")
                };
                let what = match r.names.first() {
                    Some(name) => format!("{} \"{name}\"", r.kind.qualified_plural()),
                    None => r.kind.qualified_plural(),
                };
                return Err(ApiError::Forbidden(format!(
                    "{what} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{group}\" {place}",
                    r.kind.plural()
                ))
                .into());
            }
        }
    }

    let mut items = Vec::new();
    let mut errors = Vec::new();
    for r in &requests {
        if r.names.is_empty() {
            let scope = (!all_ns).then_some(ns);
            items.extend(list(cluster, r.kind, scope).into_iter().filter(|i| {
                selector.as_ref().is_none_or(|s| s.matches(&i.labels)) && fields_match(cluster, i, &fields)
            }));
        } else {
            for name in &r.names {
                match list(cluster, r.kind, Some(ns)).into_iter().find(|i| &i.name == name) {
                    Some(i) => items.push(i),
                    None if a.switch(flag::IGNORE_NOT_FOUND) => {}
                    None => errors.push(ApiError::not_found(r.kind, name).to_string()),
                }
            }
        }
    }
    if !a.switch(flag::IGNORE_NOT_FOUND) {
        for r in &custom {
            for name in &r.names {
                errors.push(format!("Error from server (NotFound): {} \"{name}\" not found", r.resource));
            }
        }
    }

    if let Some(path) = a.value(flag::SORT_BY) {
        sort_items(cluster, &mut items, path)?;
    }

    // Named objects none of which exist: only the errors, as kubectl prints (no empty list).
    if named && items.is_empty() && !errors.is_empty() && !matches!(output, Output::Table { .. }) {
        return Err(msg(errors.join("\n")));
    }
    let single = requests.len() == 1 && requests[0].names.len() == 1 && items.len() == 1;
    let text = match &output {
        Output::Table { wide } => {
            if items.is_empty() && errors.is_empty() {
                if named {
                    return Done::read("");
                }
                return Done::read(no_resources(&requests, &custom, all_ns, ns));
            }
            tables(cluster, &items, *wide, &a, all_ns)
        }
        Output::Name => {
            items.iter().map(|i| format!("{}/{}", i.kind.qualified(), i.name)).collect::<Vec<_>>().join("\n")
        }
        Output::Json => to_json(&document(cluster, &items, single)),
        Output::Yaml => to_yaml(&document(cluster, &items, single)).trim_end().to_owned(),
        Output::JsonPath(t) => t.render(&document(cluster, &items, single)),
        Output::JsonPathAsJson(t) => to_json(&Value::Array(t.values(&document(cluster, &items, single)))),
        Output::GoTemplate(t) => t.render(&document(cluster, &items, single)),
        Output::Columns(cols) => custom_columns(cluster, &items, cols, a.switch(flag::NO_HEADERS)),
    };
    if errors.is_empty() {
        Done::read(text)
    } else {
        let errs = errors.join("\n");
        Err(msg(if text.is_empty() { errs } else { format!("{text}\n{errs}") }))
    }
}

/// The manifests of every object of a kind, in one namespace or all (`None`), as a list would
/// hold them.
pub(super) fn manifests(cluster: &Cluster, kind: Kind, namespace: Option<&str>) -> Vec<Value> {
    list(cluster, kind, namespace).iter().filter_map(|i| to_manifest(cluster, i.kind, &i.namespace, &i.name)).collect()
}

fn no_resources(requests: &[Request], custom: &[CustomRequest], all_ns: bool, ns: &str) -> String {
    if all_ns || (requests.iter().all(|r| !r.kind.namespaced()) && custom.iter().all(|r| !r.namespaced)) {
        "No resources found".to_owned()
    } else {
        format!("No resources found in {ns} namespace.")
    }
}

fn parse_output(value: Option<&str>, template_flag: Option<&str>) -> Result<Output, KubectlError> {
    let Some(v) = value else {
        return Ok(Output::Table { wide: false });
    };
    let template = |t: &str| Template::parse(t).map_err(|e| msg(format!("error: {e}")));
    let go_template = |t: &str| gotemplate::GoTemplate::parse(t).map_err(|e| msg(format!("error: {e}")));
    // `-o jsonpath --template=…`, `-o go-template --template=…`: the template in its own flag.
    let v = match (v, template_flag) {
        ("jsonpath" | "jsonpath-as-json" | "go-template" | "template", Some(t)) => format!("{v}={t}"),
        _ => v.to_owned(),
    };
    let v = v.as_str();
    Ok(match v {
        "wide" => Output::Table { wide: true },
        "name" => Output::Name,
        "json" => Output::Json,
        "yaml" => Output::Yaml,
        _ => {
            if let Some(t) = v.strip_prefix("jsonpath=") {
                Output::JsonPath(template(t)?)
            } else if let Some(t) = v.strip_prefix("jsonpath-as-json=") {
                Output::JsonPathAsJson(template(t)?)
            } else if let Some(t) = v.strip_prefix("go-template=").or_else(|| v.strip_prefix("template=")) {
                Output::GoTemplate(go_template(t)?)
            } else if let Some(file) = ["custom-columns-file=", "jsonpath-file=", "go-template-file=", "templatefile="]
                .iter()
                .find_map(|p| v.strip_prefix(p))
            {
                return Err(msg(format!("error: open {file}: no such file or directory")));
            } else if let Some(spec) = v.strip_prefix("custom-columns=") {
                let mut cols = Vec::new();
                for part in spec.split(',') {
                    let Some((header, path)) = part.split_once(':') else {
                        return Err(msg(format!(
                            "error: expected <header>:<json-path-expr> for the column spec, got \"{part}\""
                        )));
                    };
                    cols.push((header.to_owned(), template(path)?));
                }
                Output::Columns(cols)
            } else if ["jsonpath", "jsonpath-as-json", "custom-columns", "go-template", "template"].contains(&v) {
                return Err(msg("error: template format specified but no template given"));
            } else {
                return Err(msg(format!(
                    "error: unable to match a printer suitable for the output format \"{v}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
                )));
            }
        }
    })
}

fn unknown_type(t: &str) -> KubectlError {
    msg(format!("error: the server doesn't have a resource type \"{t}\""))
}

/// The built-in kinds and the custom resources the type words name.
fn resolve(cluster: &Cluster, positional: &[String]) -> Result<(Vec<Request>, Vec<CustomRequest>), KubectlError> {
    // A type word no built-in kind answers to may name a resource a CRD serves.
    let custom_of = |t: &str| {
        cluster.crds().values().find(|c| c.answers_to(t)).map(|c| CustomRequest {
            resource: c.qualified_plural(),
            namespaced: c.namespaced(),
            names: Vec::new(),
        })
    };
    let mut custom: Vec<CustomRequest> = Vec::new();
    let Some(first) = positional.first() else {
        return Err(msg(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples",
        ));
    };
    let mut kinds_of = |text: &str| -> Result<Vec<Kind>, KubectlError> {
        let mut out = Vec::new();
        let mut any = false;
        for t in text.split(',') {
            if t.is_empty() {
                continue;
            }
            any = true;
            if t == "all" {
                out.extend_from_slice(ALL);
            } else if let Some(k) = Kind::parse(t) {
                out.push(k);
            } else {
                let c = custom_of(t).ok_or_else(|| unknown_type(t))?;
                if !custom.iter().any(|x| x.resource == c.resource) {
                    custom.push(c);
                }
            }
        }
        if !any {
            return Err(unknown_type(text));
        }
        Ok(out)
    };
    if first.contains('/') {
        let mut out: Vec<Request> = Vec::new();
        for p in positional {
            let Some((t, name)) = p.split_once('/') else {
                return Err(msg(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
                ));
            };
            if t.is_empty() || name.is_empty() || t.contains(',') || t == "all" {
                return Err(msg("error: arguments in resource/name form must have a single resource and name"));
            }
            let Some(kind) = Kind::parse(t) else {
                let c = custom_of(t).ok_or_else(|| unknown_type(t))?;
                match custom.iter_mut().find(|r| r.resource == c.resource) {
                    Some(r) => r.names.push(name.to_owned()),
                    None => custom.push(CustomRequest { names: vec![name.to_owned()], ..c }),
                }
                continue;
            };
            match out.iter_mut().find(|r| r.kind == kind) {
                Some(r) => r.names.push(name.to_owned()),
                None => out.push(Request { kind, names: vec![name.to_owned()] }),
            }
        }
        return Ok((out, custom));
    }
    let names: Vec<String> = positional[1..].to_vec();
    if names.iter().any(|n| n.contains('/')) {
        return Err(msg(
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    let mut kinds = kinds_of(first)?;
    kinds.dedup();
    for c in &mut custom {
        c.names.clone_from(&names);
    }
    Ok((kinds.into_iter().map(|kind| Request { kind, names: names.clone() }).collect(), custom))
}

fn sort_items(cluster: &Cluster, items: &mut Vec<Item>, path: &str) -> Result<(), KubectlError> {
    let template = Template::parse(path).map_err(|e| msg(format!("error: {e}")))?;
    let mut keyed: Vec<(Option<Value>, Item)> = items
        .drain(..)
        .map(|i| {
            let v = to_manifest(cluster, i.kind, &i.namespace, &i.name)
                .and_then(|m| template.values(&m).into_iter().next());
            (v, i)
        })
        .collect();
    if !keyed.is_empty() && keyed.iter().all(|(v, _)| v.is_none()) {
        let shown = if path.contains('{') { path.to_owned() } else { format!("{{{path}}}") };
        return Err(msg(format!("error: couldn't find any field with path \"{shown}\" in the list of objects")));
    }
    keyed.sort_by(|(a, _), (b, _)| compare(a.as_ref(), b.as_ref()));
    items.extend(keyed.into_iter().map(|(_, i)| i));
    Ok(())
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().unwrap_or(0.0).partial_cmp(&y.as_f64().unwrap_or(0.0)).unwrap_or(Ordering::Equal)
        }
        (Some(x), Some(y)) => jsonpath::text(x).cmp(&jsonpath::text(y)),
    }
}

fn tables(cluster: &Cluster, items: &[Item], wide: bool, a: &Args, all_ns: bool) -> String {
    let with_kind = items.windows(2).any(|w| w[0].kind != w[1].kind) || a.switch(flag::SHOW_KIND);
    let no_headers = a.switch(flag::NO_HEADERS);
    let show_labels = a.switch(flag::SHOW_LABELS);
    let label_columns: Vec<String> = a
        .values(flag::LABEL_COLUMNS)
        .iter()
        .flat_map(|v| v.split(','))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let mut kinds: Vec<Kind> = Vec::new();
    for i in items {
        if !kinds.contains(&i.kind) {
            kinds.push(i.kind);
        }
    }
    let mut out = Vec::new();
    for kind in kinds {
        let mut header: Vec<String> = columns::headers(kind, wide).into_iter().map(str::to_owned).collect();
        let ns_col = all_ns && kind.namespaced();
        if ns_col {
            header.insert(0, "NAMESPACE".to_owned());
        }
        header.extend(label_columns.iter().map(|l| l.rsplit('/').next().unwrap_or(l).to_uppercase()));
        if show_labels {
            header.push("LABELS".to_owned());
        }
        let rows: Vec<Vec<String>> = items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| {
                let mut row = columns::row(cluster, i, wide);
                if with_kind
                    && kind != Kind::Event
                    && let Some(first) = row.first_mut()
                {
                    *first = format!("{}/{first}", kind.qualified());
                }
                if ns_col {
                    row.insert(0, i.namespace.to_string());
                }
                row.extend(label_columns.iter().map(|l| i.labels.get(l).cloned().unwrap_or_default()));
                if show_labels {
                    row.push(label_text(i));
                }
                row
            })
            .collect();
        out.push(render(&header, &rows, no_headers));
    }
    out.join(if no_headers { "\n" } else { "\n\n" })
}

fn label_text(item: &Item) -> String {
    let mut labels = item.labels.clone().into_owned();
    if item.kind == Kind::Namespace {
        labels.entry("kubernetes.io/metadata.name".to_owned()).or_insert_with(|| item.name.to_string());
    }
    if labels.is_empty() {
        return "<none>".to_owned();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn document(cluster: &Cluster, items: &[Item], single: bool) -> Value {
    let manifests: Vec<Value> =
        items.iter().filter_map(|i| to_manifest(cluster, i.kind, &i.namespace, &i.name)).collect();
    if single {
        if let Some(m) = manifests.into_iter().next() {
            return m;
        }
        return json!({});
    }
    json!({"apiVersion": "v1", "items": manifests, "kind": "List", "metadata": {"resourceVersion": ""}})
}

fn custom_columns(cluster: &Cluster, items: &[Item], cols: &[(String, Template)], no_headers: bool) -> String {
    let header: Vec<String> = cols.iter().map(|(h, _)| h.clone()).collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let m = to_manifest(cluster, i.kind, &i.namespace, &i.name).unwrap_or(Value::Null);
            cols.iter()
                .map(|(_, t)| {
                    let vals = t.values(&m);
                    if vals.is_empty() {
                        "<none>".to_owned()
                    } else {
                        vals.iter().map(jsonpath::text).collect::<Vec<_>>().join(",")
                    }
                })
                .collect()
        })
        .collect();
    render(&header, &rows, no_headers)
}

/// `table::render`, except that without headers the header does not widen the columns.
fn render(header: &[String], rows: &[Vec<String>], no_headers: bool) -> String {
    let header: Vec<&str> = header.iter().map(|h| if no_headers { "" } else { h.as_str() }).collect();
    table::render(&header, rows, no_headers)
}

#[cfg(test)]
mod tests;
