//! `kubectl get --raw PATH`: the API server's answer for a path, as its body: the health
//! checks, `/version`, discovery (`/api`, `/apis`, a group version's resources) and objects
//! and lists under `/api/v1/…` and `/apis/GROUP/VERSION/…`, as compact JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{compact, discovered, group_versions, server_version};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::config::api_server;
use crate::sim::kubectl::{Done, KubectlError};
use crate::sim::manifest::to_manifest;

/// The checks the health endpoints run, as `?verbose` lists them.
const CHECKS: &[&str] = &[
    "ping",
    "log",
    "etcd",
    "poststarthook/start-apiserver-admission-initializer",
    "poststarthook/generic-apiserver-start-informers",
    "poststarthook/priority-and-fairness-config-consumer",
    "poststarthook/priority-and-fairness-filter",
    "poststarthook/storage-object-count-tracker-hook",
    "poststarthook/start-apiextensions-informers",
    "poststarthook/start-apiextensions-controllers",
    "poststarthook/crd-informer-synced",
    "poststarthook/start-system-namespaces-controller",
    "poststarthook/bootstrap-controller",
    "poststarthook/rbac/bootstrap-roles",
    "poststarthook/scheduling/bootstrap-system-priority-classes",
    "poststarthook/start-cluster-authentication-info-controller",
    "poststarthook/aggregator-reload-proxy-client-cert",
    "poststarthook/apiservice-registration-controller",
    "poststarthook/apiservice-discovery-controller",
    "autoregister-completion",
];

fn not_found() -> KubectlError {
    KubectlError::msg("Error from server (NotFound): the server could not find the requested resource")
}

/// The answer for `get --raw PATH`.
pub fn raw(cluster: &Cluster, path: &str) -> Result<Done, KubectlError> {
    if !path.starts_with('/') {
        return Err(KubectlError::msg(format!("error: --raw must be a path starting with \"/\", got \"{path}\"")));
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.trim_end_matches('/');
    let verbose = query.split('&').any(|q| q == "verbose" || q == "verbose=true" || q == "verbose=1");
    match path {
        "/healthz" | "/livez" | "/readyz" => Done::read(health(&path[1..], verbose)),
        "/version" => Done::read(server_version(cluster)),
        "/api" => {
            let address = api_server(cluster).trim_start_matches("https://").to_owned();
            Done::read(format!(
                "{{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[{{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"{address}\"}}]}}"
            ))
        }
        "/apis" => Done::read(groups(cluster)),
        _ => resources(cluster, path),
    }
}

fn health(endpoint: &str, verbose: bool) -> String {
    if !verbose {
        return "ok".to_owned();
    }
    let mut text = String::new();
    for check in CHECKS {
        let _ = writeln!(text, "[+]{check} ok");
    }
    if endpoint == "readyz" {
        text.push_str("[+]shutdown ok\n");
    }
    let _ = write!(text, "{endpoint} check passed");
    text
}

/// `/apis`: every group but the core one, with its version, in the order the server writes
/// the fields.
fn groups(cluster: &Cluster) -> String {
    let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
    for gv in group_versions(cluster) {
        let Some((group, version)) = gv.split_once('/') else { continue };
        match by_group.iter_mut().find(|(g, _)| g == group) {
            Some((_, versions)) => versions.push(version.to_owned()),
            None => by_group.push((group.to_owned(), vec![version.to_owned()])),
        }
    }
    let entry =
        |group: &str, version: &str| format!("{{\"groupVersion\":\"{group}/{version}\",\"version\":\"{version}\"}}");
    let groups: Vec<String> = by_group
        .iter()
        .map(|(group, versions)| {
            let listed: Vec<String> = versions.iter().map(|v| entry(group, v)).collect();
            let preferred = entry(group, &versions[0]);
            format!("{{\"name\":\"{group}\",\"versions\":[{}],\"preferredVersion\":{preferred}}}", listed.join(","))
        })
        .collect();
    format!("{{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{}]}}", groups.join(","))
}

/// A group version's resource list (`/api/v1`, `/apis/apps/v1`).
fn resource_list(cluster: &Cluster, group_version: &str) -> String {
    let resources: Vec<Value> = discovered(cluster)
        .iter()
        .filter(|k| k.api_version() == group_version)
        .map(|k| {
            json!({
                "name": k.plural, "singularName": k.singular, "namespaced": k.namespaced,
                "kind": k.kind, "verbs": k.verbs, "shortNames": k.short_names,
            })
        })
        .collect();
    compact(&json!({"kind": "APIResourceList", "groupVersion": group_version, "resources": resources}))
}

/// Objects and lists under a group version: `[namespaces/NS/]PLURAL[/NAME]`.
fn resources(cluster: &Cluster, path: &str) -> Result<Done, KubectlError> {
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let (group, rest) = match parts.as_slice() {
        ["api", "v1", rest @ ..] => ("", rest),
        ["apis", group, _version, rest @ ..] => (*group, rest),
        _ => return Err(not_found()),
    };
    let group_version =
        if group.is_empty() { "v1".to_owned() } else { parts.get(1..3).map(|p| p.join("/")).unwrap_or_default() };
    if !group_versions(cluster).contains(&group_version) {
        return Err(not_found());
    }
    let kind_of =
        |plural: &str| Kind::ALL.iter().copied().find(|k| k.plural() == plural && k.api_version() == group_version);
    let (namespace, plural, name) = match rest {
        [] => return Done::read(resource_list(cluster, &group_version)),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Err(not_found()),
    };
    let Some(kind) = kind_of(plural) else {
        return custom_resources(cluster, &group_version, namespace, plural, name);
    };
    if namespace.is_some() && !kind.namespaced() {
        return Err(not_found());
    }
    let Some(name) = name else {
        let items = crate::sim::kubectl::get::manifests(cluster, kind, namespace);
        let items: Vec<String> = items.iter().map(compact).collect();
        return Done::read(format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{group_version}\",\"metadata\":{{\"resourceVersion\":\"{}\"}},\"items\":[{}]}}",
            kind.api_kind(),
            cluster.now.max(0) + 1000,
            items.join(",")
        ));
    };
    let ns = if kind.namespaced() { namespace.unwrap_or("default") } else { "" };
    let manifest =
        to_manifest(cluster, kind, ns, name).ok_or_else(|| KubectlError::from(ApiError::not_found(kind, name)))?;
    Done::read(compact(&manifest))
}

/// A custom resource's path: its list is empty and any name is not found, since the simulation
/// stores no custom objects.
fn custom_resources(
    cluster: &Cluster,
    group_version: &str,
    namespace: Option<&str>,
    plural: &str,
    name: Option<&str>,
) -> Result<Done, KubectlError> {
    let crd = cluster
        .crds()
        .values()
        .find(|c| c.plural == plural && c.versions.iter().any(|v| format!("{}/{v}", c.group) == group_version))
        .ok_or_else(not_found)?;
    if namespace.is_some() && !crd.namespaced() {
        return Err(not_found());
    }
    match name {
        None => Done::read(format!(
            "{{\"apiVersion\":\"{group_version}\",\"items\":[],\"kind\":\"{}\",\"metadata\":{{\"continue\":\"\",\"resourceVersion\":\"{}\"}}}}",
            crd.list_kind(),
            cluster.now.max(0) + 1000
        )),
        Some(name) => Err(KubectlError::msg(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            crd.qualified_plural()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kubectl::config::API_PORT;
    use crate::sim::kubectl::mutate::fixture;

    fn text(c: &Cluster, path: &str) -> Result<String, String> {
        raw(c, path).map(|d| d.output).map_err(|e| e.to_string())
    }

    #[test]
    fn health_endpoints_answer_ok_and_list_their_checks_when_verbose() {
        let c = fixture::cluster();
        assert_eq!(text(&c, "/healthz"), Ok("ok".to_owned()));
        assert_eq!(text(&c, "/livez"), Ok("ok".to_owned()));
        let ready = text(&c, "/readyz?verbose").expect("answers");
        assert!(ready.starts_with("[+]ping ok\n[+]log ok\n[+]etcd ok\n"), "{ready}");
        assert!(ready.ends_with("[+]shutdown ok\nreadyz check passed"), "{ready}");
        assert!(text(&c, "/livez?verbose").expect("answers").ends_with("ok\nlivez check passed"));
    }

    #[test]
    fn discovery_paths_answer_as_the_api_server_does() {
        let c = fixture::cluster();
        let version: Value = serde_json::from_str(&text(&c, "/version").expect("answers")).expect("json");
        assert_eq!(version["gitVersion"], "v1.31.0");
        let api: Value = serde_json::from_str(&text(&c, "/api").expect("answers")).expect("json");
        assert_eq!(api["versions"], json!(["v1"]));
        assert!(text(&c, "/api").expect("answers").starts_with("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"));
        assert!(text(&c, "/apis").expect("answers").starts_with(
            "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"admissionregistration.k8s.io\","
        ));
        assert_eq!(api["serverAddressByClientCIDRs"][0]["serverAddress"], "192.168.49.10:6443");
        let apis: Value = serde_json::from_str(&text(&c, "/apis").expect("answers")).expect("json");
        assert!(apis["groups"].as_array().expect("groups").iter().any(|g| g["name"] == "apps"));
        let apps: Value = serde_json::from_str(&text(&c, "/apis/apps/v1").expect("answers")).expect("json");
        assert!(apps["resources"].as_array().expect("list").iter().any(|r| r["name"] == "deployments"));
        assert_eq!(API_PORT, 6443);
    }

    #[test]
    fn objects_and_lists_come_as_compact_json() {
        let c = fixture::cluster();
        let pods: Value =
            serde_json::from_str(&text(&c, "/api/v1/namespaces/shop/pods").expect("answers")).expect("json");
        assert_eq!(pods["kind"], "PodList");
        assert!(!pods["items"].as_array().expect("items").is_empty());
        let deploy = text(&c, "/apis/apps/v1/namespaces/shop/deployments/web").expect("answers");
        assert!(!deploy.contains('\n') && deploy.contains("\"name\":\"web\""), "{deploy}");
        assert_eq!(
            text(&c, "/api/v1/namespaces/shop/pods/nope"),
            Err("Error from server (NotFound): pods \"nope\" not found".to_owned())
        );
        assert_eq!(
            text(&c, "/metrics"),
            Err("Error from server (NotFound): the server could not find the requested resource".to_owned())
        );
        assert_eq!(
            text(&c, "/apis/apps/v1/namespaces/shop/pods"),
            Err("Error from server (NotFound): the server could not find the requested resource".to_owned())
        );
    }
}
