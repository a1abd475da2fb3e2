//! Discovery against what kubectl 1.31 prints for the same resources.

use crate::sim::kind::Kind;
use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::run;

fn out(line: &str) -> (bool, String) {
    let mut c = fixture::cluster();
    let o = run(&mut c, line);
    (o.ok, o.output)
}

#[test]
fn api_resources_lists_every_kind_core_first_in_kubectls_columns() {
    let (ok, text) = out("kubectl api-resources");
    assert!(ok, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), Kind::ALL.len() + 1);
    assert!(
        lines[0].starts_with("NAME ")
            && lines[0].ends_with("   SHORTNAMES   APIVERSION                        NAMESPACED   KIND"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("configmaps "), "{}", lines[1]);
    let row = |name: &str| lines.iter().find(|l| l.starts_with(&format!("{name} "))).copied().unwrap_or_default();
    let cells = |name: &str| row(name).split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(cells("deployments"), ["deployments", "deploy", "apps/v1", "true", "Deployment"]);
    assert_eq!(cells("nodes"), ["nodes", "no", "v1", "false", "Node"]);
    assert_eq!(cells("secrets"), ["secrets", "v1", "true", "Secret"]);
    assert_eq!(
        cells("horizontalpodautoscalers"),
        ["horizontalpodautoscalers", "hpa", "autoscaling/v2", "true", "HorizontalPodAutoscaler"]
    );
    let core_last = lines.iter().rposition(|l| l.contains(" v1 ")).unwrap_or(0);
    let apps_first = lines.iter().position(|l| l.contains(" apps/v1 ")).unwrap_or(0);
    assert!(core_last < apps_first, "the core group comes first");
}

#[test]
fn api_resources_filters_and_formats_as_kubectl_does() {
    let (_, names) = out("api-resources -o name --api-group=apps");
    assert_eq!(names, "daemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps");
    let (_, cluster_wide) = out("api-resources --namespaced=false -o name");
    assert!(cluster_wide.lines().all(|n| Kind::ALL.iter().any(|k| !k.namespaced() && k.qualified_plural() == n)));
    assert!(cluster_wide.contains("nodes\n") && !cluster_wide.contains("pods"));
    let (_, core) = out("api-resources --api-group= -o name --namespaced=true");
    assert!(core.lines().all(|n| !n.contains('.')) && core.contains("pods"), "{core}");
    let (_, wide) = out("api-resources -o wide --no-headers");
    let pods = wide.lines().find(|l| l.starts_with("pods ")).unwrap_or_default();
    assert!(
        pods.ends_with(
            "Pod                              [create delete deletecollection get list patch update watch]   all"
        ),
        "{pods}"
    );
    let (_, collections) = out("api-resources --verbs=deletecollection -o name");
    assert!(!collections.lines().any(|n| n == "namespaces") && collections.contains("pods"));
    let (_, by_kind) = out("api-resources --sort-by=kind -o name");
    assert!(by_kind.starts_with("clusterroles.rbac.authorization.k8s.io\nclusterrolebindings"), "{by_kind}");
    assert_eq!(out("api-resources -o json"), (false, "error: --output json is not available".to_owned()));
    assert_eq!(out("api-resources --sort-by=age"), (false, "error: --sort-by accepts only name or kind".to_owned()));
}

#[test]
fn api_versions_lists_each_group_version_once_sorted() {
    let (ok, text) = out("api-versions");
    assert!(ok);
    let lines: Vec<&str> = text.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(lines, sorted);
    for expected in ["apps/v1", "autoscaling/v2", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "v1"] {
        assert!(lines.contains(&expected), "{expected} in {text}");
    }
}

#[test]
fn version_prints_the_client_alone_with_client_and_as_json_or_yaml() {
    assert_eq!(out("version --client"), (true, "Client Version: v1.31.0\nKustomize Version: v5.4.2".to_owned()));
    assert_eq!(
        out("version"),
        (true, "Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0".to_owned())
    );
    let (_, json) = out("version --client -o json");
    assert!(
        json.starts_with(
            "{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"31\",\n    \"gitVersion\": \"v1.31.0\","
        ),
        "{json}"
    );
    assert!(json.ends_with("  },\n  \"kustomizeVersion\": \"v5.4.2\"\n}"), "{json}");
    let parsed: serde_json::Value = serde_json::from_str(&out("version -o json").1).expect("valid json");
    assert_eq!(parsed["serverVersion"]["gitVersion"], "v1.31.0");
    let (_, yaml) = out("version --client -o yaml");
    assert!(yaml.starts_with("clientVersion:\n  buildDate: \"2024-08-13T07:28:49Z\"\n  compiler: gc\n"), "{yaml}");
    assert!(yaml.ends_with("kustomizeVersion: v5.4.2"), "{yaml}");
    assert_eq!(out("version -o wide"), (false, "error: --output must be 'yaml' or 'json'".to_owned()));
}

#[test]
fn cluster_info_names_the_control_plane_and_coredns() {
    let mut c = fixture::cluster();
    assert_eq!(
        run(&mut c, "cluster-info").output,
        "Kubernetes control plane is running at https://192.168.49.10:6443\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."
    );
    let dns: crate::sim::objects::Service = fixture::ron(
        r#"(meta: (name: "kube-dns", namespace: "kube-system"), selector: {"k8s-app": "kube-dns"}, ports: [(port: 53, target_port: 53)])"#,
    );
    c.services_mut().insert(dns.meta.key(), dns);
    assert_eq!(
        run(&mut c, "cluster-info").output.lines().nth(1),
        Some(
            "CoreDNS is running at https://192.168.49.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
        )
    );
    assert!(!run(&mut c, "cluster-info dump").ok);
}

#[test]
fn get_raw_answers_the_common_paths() {
    assert_eq!(out("get --raw /healthz"), (true, "ok".to_owned()));
    assert_eq!(out("get --raw='/readyz'"), (true, "ok".to_owned()));
    assert!(out("get --raw /api/v1/namespaces/shop/pods").1.starts_with("{\"kind\":\"PodList\",\"apiVersion\":\"v1\""));
    assert_eq!(
        out("get pods --raw /healthz"),
        (false, "error: arguments may not be passed when --raw is specified".to_owned())
    );
}

#[test]
fn namespaced_is_a_switch_that_filters_only_when_given() {
    let (_, bare) = out("api-resources --namespaced -o name");
    assert_eq!(bare, out("api-resources --namespaced=true -o name").1);
    assert!(!bare.contains("nodes"));
    assert_eq!(
        out("api-resources --namespaced=maybe"),
        (
            false,
            "error: invalid argument \"maybe\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
                .to_owned()
        )
    );
}
