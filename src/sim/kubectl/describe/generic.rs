//! kubectl's generic describer, the one it falls back to for kinds without their own (custom
//! resource definitions among them): the name, namespace, labels and annotations, then every
//! field of the object's manifest in sorted order, labelled the way kubectl's `smartLabelFor`
//! turns `lastTransitionTime` into `Last Transition Time`.

use serde_json::Value;

use super::W;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::manifest::to_manifest;

/// The metadata the header already printed, which the field walk skips.
const SKIPPED: &[&str] =
    &[".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

pub fn describe(cluster: &Cluster, kind: Kind, namespace: &str, name: &str, w: &mut W) {
    let Some(manifest) = to_manifest(cluster, kind, namespace, name) else {
        return;
    };
    let meta = manifest.get("metadata");
    let labels = string_map(meta.and_then(|m| m.get("labels")));
    let annotations = string_map(meta.and_then(|m| m.get("annotations")));
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Namespace:\t{namespace}"));
    w.labels("Labels", &labels);
    w.annotations("Annotations", &annotations);
    if let Value::Object(fields) = &manifest {
        content(w, 0, fields, "");
    }
}

fn string_map(v: Option<&Value>) -> crate::sim::objects::Labels {
    v.and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default()
}

/// `printUnstructuredContent`: maps open a section, lists print their maps one level in (with
/// no separator between items) or their scalars one per line, scalars print as `Label:\tvalue`.
fn content(w: &mut W, level: usize, fields: &serde_json::Map<String, Value>, prefix: &str) {
    let mut keys: Vec<&String> = fields.keys().collect();
    keys.sort();
    for key in keys {
        let path = format!("{prefix}.{key}");
        if SKIPPED.contains(&path.as_str()) {
            continue;
        }
        match &fields[key] {
            Value::Object(inner) => {
                w.line(level, &format!("{}:", smart_label(key)));
                content(w, level + 1, inner, &path);
            }
            Value::Array(items) => {
                w.line(level, &format!("{}:", smart_label(key)));
                for item in items {
                    match item {
                        Value::Object(inner) => content(w, level + 1, inner, &path),
                        other => w.line(level + 1, &scalar(other)),
                    }
                }
            }
            other => w.line(level, &format!("{}:\t{}", smart_label(key), scalar(other))),
        }
    }
}

/// A value as Go's `%v` prints it.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_owned(),
        other => other.to_string(),
    }
}

/// kubectl's `smartLabelFor`: a field with anything but letters and `-` stays as it is;
/// otherwise it is split where the character class changes (camelcase.Split), each part title
/// cased or, for a common acronym, upper cased, and joined with spaces.
pub(crate) fn smart_label(field: &str) -> String {
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_owned();
    }
    camel_split(field)
        .into_iter()
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = part.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// fatih/camelcase's `Split`: runs of one character class (lower, upper, digit, other), with an
/// upper-case run followed by lower case giving its last letter to the next word
/// (`APIVersion` → `API`, `Version`).
fn camel_split(s: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Lower,
        Upper,
        Digit,
        Other,
    }
    let class = |c: char| {
        if c.is_lowercase() {
            Class::Lower
        } else if c.is_uppercase() {
            Class::Upper
        } else if c.is_ascii_digit() {
            Class::Digit
        } else {
            Class::Other
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last: Option<Class> = None;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if last == Some(k) => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = Some(k);
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_run = runs[i].first().is_some_and(|c| c.is_uppercase());
        let lower_next = runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_run
            && lower_next
            && let Some(c) = runs[i].pop()
        {
            runs[i + 1].insert(0, c);
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::smart_label;

    #[test]
    fn labels_read_as_kubectls_smart_labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("lastTransitionTime"), "Last Transition Time");
        assert_eq!(smart_label("shortNames"), "Short Names");
        assert_eq!(smart_label("openAPIV3Schema"), "openAPIV3Schema", "a digit keeps the field as it is");
        assert_eq!(smart_label("x-kubernetes-preserve-unknown-fields"), "X - Kubernetes - Preserve - Unknown - Fields");
        assert_eq!(smart_label("storedVersions"), "Stored Versions");
    }
}
