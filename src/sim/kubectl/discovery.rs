//! What the API server tells about itself: `api-resources`, `api-versions`, `version`,
//! `cluster-info` and `get --raw` for the common paths. The resource list is the kind table's
//! (`sim::kind`), so a kind the simulation gains is listed without a change here.

mod raw;

use std::fmt::Write as _;

use serde_json::json;

use super::args::{Args, FlagSpec};
use super::config::api_server;
use super::{Done, KubectlError, flag, table};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::manifest::to_yaml;

pub use raw::raw;

pub(super) const API_RESOURCES_FLAGS: &[FlagSpec] = &[
    flag::OUTPUT,
    flag::NAMESPACED,
    flag::API_GROUP,
    flag::VERBS,
    flag::SORT_BY,
    flag::NO_HEADERS,
    flag::CACHED,
    flag::CATEGORIES,
];
pub(super) const VERSION_FLAGS: &[FlagSpec] = &[flag::CLIENT, flag::OUTPUT];
pub(super) const DUMP_FLAGS: &[FlagSpec] = &[flag::OUTPUT, flag::OUTPUT_DIRECTORY];

/// The release the simulated client and server are.
/// What kubectl (the client) reports: the version the cluster is installed at.
pub const KUBERNETES_VERSION: &str = crate::sim::objects::KUBERNETES_VERSION;
pub(super) const KUSTOMIZE_VERSION: &str = "v5.4.2";

fn msg(text: impl Into<String>) -> KubectlError {
    KubectlError::msg(text)
}

/// What a resource of a kind allows, as discovery lists it: namespaces cannot be deleted as a
/// collection; everything else the simulation has takes every verb.
fn verbs_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Namespace => &["create", "delete", "get", "list", "patch", "update", "watch"],
        _ => &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    }
}

/// One resource as discovery lists it: a built-in kind's, or one a custom resource definition
/// serves (at each of its versions' group/version, the storage version's listed).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Resource {
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub group: String,
    pub version: String,
    pub namespaced: bool,
    pub kind: String,
    pub verbs: &'static [&'static str],
    /// In the `all` category (`get all`).
    pub in_all: bool,
}

impl Resource {
    fn of_kind(k: Kind) -> Resource {
        let api_version = k.api_version();
        let version = api_version.rsplit('/').next().unwrap_or("v1").to_owned();
        Resource {
            plural: k.plural().to_owned(),
            singular: k.singular().to_owned(),
            short_names: k.short_names().iter().map(|s| (*s).to_owned()).collect(),
            group: k.group().to_owned(),
            version,
            namespaced: k.namespaced(),
            kind: k.api_kind().to_owned(),
            verbs: verbs_of(k),
            in_all: super::get::ALL.contains(&k),
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    fn qualified_plural(&self) -> String {
        if self.group.is_empty() { self.plural.clone() } else { format!("{}.{}", self.plural, self.group) }
    }
}

/// Every resource in discovery's order: the core group first, then the groups by name,
/// resources by name within each; the resources of the cluster's custom resource definitions
/// among them.
pub(super) fn discovered(cluster: &Cluster) -> Vec<Resource> {
    let mut all: Vec<Resource> = Kind::ALL.iter().map(|k| Resource::of_kind(*k)).collect();
    for crd in cluster.crds().values() {
        for version in &crd.versions {
            all.push(Resource {
                plural: crd.plural.clone(),
                singular: crd.singular_name(),
                short_names: crd.short_names.clone(),
                group: crd.group.clone(),
                version: version.clone(),
                namespaced: crd.namespaced(),
                kind: crd.kind.clone(),
                verbs: &["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
                in_all: false,
            });
        }
    }
    all.sort_by(|a, b| (!a.group.is_empty(), &a.group, &a.plural).cmp(&(!b.group.is_empty(), &b.group, &b.plural)));
    all
}

/// `api-resources` lists each resource once, at its group's preferred (first declared) version.
fn preferred(cluster: &Cluster) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for r in discovered(cluster) {
        if !out.iter().any(|o| o.group == r.group && o.plural == r.plural) {
            out.push(r);
        }
    }
    out
}

/// `kubectl api-resources`.
pub fn api_resources(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, API_RESOURCES_FLAGS)?;
    if let Some(word) = args.positional.first() {
        return Err(msg(format!("error: unexpected args: [{word}]")));
    }
    let output = args.value(flag::OUTPUT).unwrap_or("");
    if !["", "wide", "name"].contains(&output) {
        return Err(msg(format!("error: --output {output} is not available")));
    }
    // A switch that filters only when given: `--namespaced` alone means true.
    let namespaced = args.value(flag::NAMESPACED).map(|v| v == "true");
    let verbs: Vec<&str> =
        args.values(flag::VERBS).iter().flat_map(|v| v.split(',')).filter(|v| !v.is_empty()).collect();
    let categories: Vec<&str> =
        args.values(flag::CATEGORIES).iter().flat_map(|v| v.split(',')).filter(|v| !v.is_empty()).collect();
    let mut kinds: Vec<Resource> = preferred(cluster)
        .into_iter()
        .filter(|k| namespaced.is_none_or(|n| k.namespaced == n))
        .filter(|k| args.value(flag::API_GROUP).is_none_or(|g| k.group == g))
        .filter(|k| verbs.iter().all(|v| k.verbs.contains(v)))
        .filter(|k| categories.iter().all(|c| *c == "all" && k.in_all))
        .collect();
    match args.value(flag::SORT_BY) {
        None => {}
        Some("name") => kinds.sort_by(|a, b| a.plural.cmp(&b.plural)),
        Some("kind") => kinds.sort_by(|a, b| a.kind.cmp(&b.kind)),
        Some(_) => return Err(msg("error: --sort-by accepts only name or kind")),
    }
    if output == "name" {
        return Done::read(kinds.iter().map(Resource::qualified_plural).collect::<Vec<_>>().join("\n"));
    }
    let wide = output == "wide";
    let mut header = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
    if wide {
        header.extend(["VERBS", "CATEGORIES"]);
    }
    let rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|k| {
            let mut row = vec![
                k.plural.clone(),
                k.short_names.join(","),
                k.api_version(),
                k.namespaced.to_string(),
                k.kind.clone(),
            ];
            if wide {
                row.push(format!("[{}]", k.verbs.join(" ")));
                row.push(if k.in_all { "all".to_owned() } else { String::new() });
            }
            row
        })
        .collect();
    Done::read(table::render(&header, &rows, args.switch(flag::NO_HEADERS)))
}

/// Every `group/version` the server serves, sorted as `kubectl api-versions` prints them.
pub fn group_versions(cluster: &Cluster) -> Vec<String> {
    let mut versions: Vec<String> = discovered(cluster).iter().map(Resource::api_version).collect();
    versions.sort();
    versions.dedup();
    versions
}

/// `kubectl api-versions`.
pub fn api_versions(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, &[])?;
    if let Some(word) = args.positional.first() {
        return Err(msg(format!("error: unexpected arguments: [{word}]")));
    }
    Done::read(group_versions(cluster).join("\n"))
}

/// The version block the server and client report (`/version`, `version -o json`), in the
/// order Go marshals it.
fn version_info(indent: &str, git_version: &str) -> String {
    let minor = minor_of(git_version);
    let fields = [
        ("major", "1"),
        ("minor", minor.as_str()),
        ("gitVersion", git_version),
        ("gitCommit", "9edcffcde5595e8a5b1a35f88c421764e575afce"),
        ("gitTreeState", "clean"),
        ("buildDate", "2024-08-13T07:28:49Z"),
        ("goVersion", "go1.22.5"),
        ("compiler", "gc"),
        ("platform", "linux/amd64"),
    ];
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{indent}  \"{k}\": \"{v}\"")).collect();
    format!("{{\n{}\n{indent}}}", body.join(",\n"))
}

/// The same block as YAML, keys sorted as kubectl's YAML printer sorts them.
fn version_yaml(indent: &str, git_version: &str) -> String {
    let value = json!({
        "buildDate": "2024-08-13T07:28:49Z", "compiler": "gc",
        "gitCommit": "9edcffcde5595e8a5b1a35f88c421764e575afce", "gitTreeState": "clean",
        "gitVersion": git_version, "goVersion": "go1.22.5", "major": "1", "minor": minor_of(git_version),
        "platform": "linux/amd64",
    });
    to_yaml(&value).lines().map(|l| format!("{indent}{l}")).collect::<Vec<_>>().join("\n")
}

/// `kubectl version [--client] [-o json|yaml]`.
pub fn version(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, VERSION_FLAGS)?;
    if let Some(word) = args.positional.first() {
        return Err(msg(format!("error: extra arguments: [{word}]")));
    }
    let server = !args.switch(flag::CLIENT);
    // The server is whatever the control plane runs (an upgrade changes it); the client is ours.
    let server_version = crate::sim::control_plane::server_version(cluster);
    let text = match args.value(flag::OUTPUT) {
        None => {
            let mut text = format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}");
            if server {
                let _ = write!(text, "\nServer Version: {server_version}");
            }
            text
        }
        Some("json") => {
            let mut text = format!(
                "{{\n  \"clientVersion\": {},\n  \"kustomizeVersion\": \"{KUSTOMIZE_VERSION}\"",
                version_info("  ", KUBERNETES_VERSION)
            );
            if server {
                let _ = write!(text, ",\n  \"serverVersion\": {}", version_info("  ", &server_version));
            }
            text.push_str("\n}");
            text
        }
        Some("yaml") => {
            let mut text = format!(
                "clientVersion:\n{}\nkustomizeVersion: {KUSTOMIZE_VERSION}",
                version_yaml("  ", KUBERNETES_VERSION)
            );
            if server {
                let _ = write!(text, "\nserverVersion:\n{}", version_yaml("  ", &server_version));
            }
            text
        }
        Some(_) => return Err(msg("error: --output must be 'yaml' or 'json'")),
    };
    Done::read(text)
}

/// `/version` as the server answers it.
fn server_version(cluster: &Cluster) -> String {
    version_info("", &crate::sim::control_plane::server_version(cluster))
}

/// The minor version of `v1.31.2` (`31`), as the version block reports it.
fn minor_of(git_version: &str) -> String {
    git_version.trim_start_matches('v').split('.').nth(1).unwrap_or("31").to_owned()
}

/// `kubectl cluster-info`: where the control plane and the cluster's add-on services answer.
pub fn cluster_info(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, &[])?;
    if let Some(word) = args.positional.first() {
        return Err(msg(format!("error: unknown command \"{word}\" for \"kubectl cluster-info\"")));
    }
    let server = api_server(cluster);
    let mut text = format!("Kubernetes control plane is running at {server}\n");
    if cluster.services().contains_key(&crate::sim::cluster::key("kube-system", "kube-dns")) {
        let _ =
            writeln!(text, "CoreDNS is running at {server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy");
    }
    text.push_str("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    Done::read(text)
}

/// `kubectl cluster-info dump`: the real one writes every object and log of the cluster; here
/// it says where those are read one at a time.
pub fn cluster_info_dump(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    Args::parse(args, DUMP_FLAGS)?;
    Err(msg(
        "error: cluster-info dump prints every object and log in the cluster, more than this console shows; use get -A, describe, events -A and logs",
    ))
}

/// A JSON document as the API server sends it with `get --raw`: compact, on one line.
fn compact(value: &serde_json::Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests;
