//! Custom resource definitions as manifests: the spec as the API server defaults it (conversion
//! `None`, `listKind`, a schema that keeps unknown fields) and the status it reports once the
//! names are accepted, and what a patch may change (metadata, names other than the plural, the
//! version list; the scope is immutable, and the name must stay `<plural>.<group>`).

use serde_json::{Value, json};

use super::read::{self, Bad, R};
use super::{meta, timestamp};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::objects::{CrdScope, CustomResourceDefinition};

fn names(c: &CustomResourceDefinition) -> Value {
    let mut names = json!({
        "kind": c.kind,
        "listKind": c.list_kind(),
        "plural": c.plural,
        "singular": c.singular_name(),
    });
    if !c.short_names.is_empty() {
        names["shortNames"] = json!(c.short_names);
    }
    names
}

pub fn emit(cluster: &Cluster, name: &str) -> Option<Value> {
    let c = cluster.crds().get(name)?;
    let mut m = meta(cluster, Kind::CustomResourceDefinition, &c.meta);
    m["generation"] = 1.into();
    let versions: Vec<Value> = c
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({
                "name": v,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "served": true,
                "storage": i == 0,
            })
        })
        .collect();
    let established = timestamp(c.meta.created);
    Some(json!({
        "metadata": m,
        "spec": {
            "conversion": {"strategy": "None"},
            "group": c.group,
            "names": names(c),
            "scope": c.scope.as_str(),
            "versions": versions,
        },
        "status": {
            "acceptedNames": names(c),
            "conditions": [
                {
                    "lastTransitionTime": established,
                    "message": "no conflicts found",
                    "reason": "NoConflicts",
                    "status": "True",
                    "type": "NamesAccepted",
                },
                {
                    "lastTransitionTime": established,
                    "message": "the initial names have been accepted",
                    "reason": "InitialNamesAccepted",
                    "status": "True",
                    "type": "Established",
                },
            ],
            "storedVersions": [c.storage_version()],
        },
    }))
}

pub fn write(cluster: &mut Cluster, name: &str, m: &Value) -> R<()> {
    let Some(old) = cluster.crds().get(name) else { return Ok(()) };
    let spec = read::obj(m, "spec", "")?;
    let names = read::obj(spec, "names", "spec")?;
    let scope = match read::opt_str(spec, "scope", "spec")?.as_deref() {
        Some("Namespaced") => CrdScope::Namespaced,
        Some("Cluster") => CrdScope::Cluster,
        Some(other) => return Err(Bad::unsupported("spec.scope", &json!(other), &["Cluster", "Namespaced"])),
        None => return Err(Bad::required("spec.scope")),
    };
    if scope != old.scope {
        return Err(Bad::invalid("spec.scope", &json!(scope.as_str()), "field is immutable"));
    }
    let mut versions = Vec::new();
    for (i, v) in read::list(spec, "versions", "spec")?.into_iter().enumerate() {
        versions.push(read::req_str(v, "name", &read::index("spec.versions", i))?);
    }
    let mut c = old.clone();
    c.meta = read::meta(m, &old.meta, &[])?;
    c.group = read::req_str(spec, "group", "spec")?;
    c.kind = read::req_str(names, "kind", "spec.names")?;
    c.plural = read::req_str(names, "plural", "spec.names")?;
    c.singular = read::opt_str(names, "singular", "spec.names")?.unwrap_or_default();
    c.short_names = read::str_list(names, "shortNames", "spec.names")?;
    c.versions = versions;
    if let Some(problem) = c.problems().into_iter().next() {
        let (path, detail) = problem.split_once(": ").unwrap_or(("spec", problem.as_str()));
        return Err(Bad { path: path.to_owned(), detail: detail.to_owned() });
    }
    cluster.crds_mut().insert(name.to_owned(), c);
    Ok(())
}
