//! `kubectl get --raw PATH`: the API server's answer for a path, as its body: the health
//! checks, `/version`, discovery (`/api`, `/apis`, a group version's resources) and objects
//! and lists under `/api/v1/…` and `/apis/GROUP/VERSION/…`, as compact JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{compact, group_versions, server_version, verbs_of};
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
        "/apis" => Done::read(groups()),
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
fn groups() -> String {
    let groups: Vec<String> = group_versions()
        .iter()
        .filter_map(|gv| gv.split_once('/'))
        .map(|(group, version)| {
            let gv = format!("{{\"groupVersion\":\"{group}/{version}\",\"version\":\"{version}\"}}");
            format!("{{\"name\":\"{group}\",\"versions\":[{gv}],\"preferredVersion\":{gv}}}")
        })
        .collect();
    format!("{{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{}]}}", groups.join(","))
}

/// A group version's resource list (`/api/v1`, `/apis/apps/v1`).
fn resource_list(group_version: &str) -> String {
    let resources: Vec<Value> = Kind::ALL
        .iter()
        .filter(|k| k.api_version() == group_version)
        .map(|k| {
            json!({
                "name": k.plural(), "singularName": k.singular(), "namespaced": k.namespaced(),
                "kind": k.api_kind(), "verbs": verbs_of(*k), "shortNames": k.short_names(),
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
    if !group_versions().contains(&group_version) {
        return Err(not_found());
    }
    let kind_of =
        |plural: &str| Kind::ALL.iter().copied().find(|k| k.plural() == plural && k.api_version() == group_version);
    let (namespace, plural, name) = match rest {
        [] => return Done::read(resource_list(&group_version)),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Err(not_found()),
    };
    let kind = kind_of(plural).ok_or_else(not_found)?;
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
