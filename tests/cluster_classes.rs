//! The cluster-scoped kinds a scenario declares beside its workloads, as the console shows them:
//! custom resource definitions (in `get crd`, `describe`, `-o yaml|json`, discovery, `explain`,
//! and the empty lists of the resources they serve), ingress classes and priority classes. The
//! snapshots are pinned against what kubectl 1.31 prints: `get crd` is NAME and CREATED AT,
//! `describe crd` is kubectl's generic describer (every field in sorted order, smart labels),
//! `get ingressclass` is NAME CONTROLLER PARAMETERS AGE, `get priorityclass` is NAME VALUE
//! GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.

mod common;

use common::{load, ok, run, session};
use kombat::game::World;

const FIXTURE: &str = "kinds/crds-and-classes.ron";

fn world() -> World {
    session(FIXTURE)
}

#[test]
fn a_scenario_declaring_custom_resource_definitions_validates() {
    let scenario = load(FIXTURE);
    let declared = scenario
        .cluster
        .objects
        .iter()
        .filter(|o| matches!(o, kombat::sim::Object::CustomResourceDefinition(_)))
        .count();
    assert_eq!(declared, 2);
}

#[test]
fn get_crd_lists_the_definitions_with_their_creation_time() {
    let mut s = world();
    let table = ok(&mut s, "kubectl get crd");
    insta::assert_snapshot!("get_crd", table);
    assert_eq!(ok(&mut s, "kubectl get crds"), table, "crds is a short name too");
    assert_eq!(ok(&mut s, "kubectl get customresourcedefinitions.apiextensions.k8s.io"), table);
    assert_eq!(
        ok(&mut s, "kubectl get crd -o name"),
        "customresourcedefinition.apiextensions.k8s.io/clusterissuers.cert-manager.io\ncustomresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com"
    );
}

#[test]
fn describe_and_manifests_of_a_crd() {
    let mut s = world();
    insta::assert_snapshot!("describe_crd", ok(&mut s, "kubectl describe crd crontabs.stable.example.com"));
    insta::assert_snapshot!("yaml_crd", ok(&mut s, "kubectl get crd crontabs.stable.example.com -o yaml"));
    insta::assert_snapshot!("json_crd", ok(&mut s, "kubectl get crd clusterissuers.cert-manager.io -o json"));
    assert_eq!(
        run(&mut s, "kubectl get crd widgets.example.com"),
        "Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io \"widgets.example.com\" not found"
    );
}

#[test]
fn discovery_lists_each_crds_resource_and_versions() {
    let mut s = world();
    insta::assert_snapshot!(
        "api_resources_crds",
        ok(&mut s, "kubectl api-resources --api-group=stable.example.com")
            + "\n---\n"
            + &ok(&mut s, "kubectl api-resources --api-group=cert-manager.io")
            + "\n---\n"
            + &ok(&mut s, "kubectl api-resources --api-group=apiextensions.k8s.io")
    );
    let versions = ok(&mut s, "kubectl api-versions");
    let listed: Vec<&str> = versions.lines().collect();
    for gv in ["apiextensions.k8s.io/v1", "cert-manager.io/v1", "stable.example.com/v1", "stable.example.com/v1beta1"] {
        assert!(listed.contains(&gv), "{gv} in api-versions:\n{versions}");
    }
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(listed, sorted, "api-versions prints them sorted");
    // Everything api-resources lists appears once.
    let all = ok(&mut s, "kubectl api-resources -o name");
    assert_eq!(all.lines().filter(|l| *l == "crontabs.stable.example.com").count(), 1, "{all}");
    assert!(all.lines().any(|l| l == "customresourcedefinitions.apiextensions.k8s.io"));
}

#[test]
fn a_crds_resource_answers_as_an_empty_list() {
    let mut s = world();
    for line in
        ["kubectl get crontabs", "kubectl get ct", "kubectl get crontab", "kubectl get crontabs.stable.example.com"]
    {
        assert_eq!(ok(&mut s, line), "No resources found in default namespace.", "{line}");
    }
    assert_eq!(ok(&mut s, "kubectl get ct -n shop"), "No resources found in shop namespace.");
    assert_eq!(ok(&mut s, "kubectl get CronTab -A"), "No resources found");
    assert_eq!(ok(&mut s, "kubectl get clusterissuers"), "No resources found", "cluster-scoped");
    assert_eq!(
        run(&mut s, "kubectl get ct nightly"),
        "Error from server (NotFound): crontabs.stable.example.com \"nightly\" not found"
    );
    assert_eq!(
        run(&mut s, "kubectl get clusterissuer/letsencrypt"),
        "Error from server (NotFound): clusterissuers.cert-manager.io \"letsencrypt\" not found"
    );
    assert_eq!(ok(&mut s, "kubectl get ct nightly --ignore-not-found"), "");
    assert_eq!(ok(&mut s, "kubectl describe crontabs -n shop"), "No resources found in shop namespace.");
    assert_eq!(
        run(&mut s, "kubectl describe ct nightly"),
        "Error from server (NotFound): crontabs.stable.example.com \"nightly\" not found"
    );
    insta::assert_snapshot!("yaml_empty_custom_list", ok(&mut s, "kubectl get ct -o yaml"));
    insta::assert_snapshot!("explain_custom_kind", ok(&mut s, "kubectl explain crontab"));
    assert_eq!(
        run(&mut s, "kubectl get widgets"),
        "error: the server doesn't have a resource type \"widgets\"",
        "a resource no CRD serves is still unknown"
    );
}

#[test]
fn a_kubeadm_cluster_ships_no_crds() {
    let mut s = session("modes/m45-scaled-to-zero.ron");
    assert_eq!(ok(&mut s, "kubectl get crd"), "No resources found");
    assert_eq!(run(&mut s, "kubectl get crontabs"), "error: the server doesn't have a resource type \"crontabs\"");
}

#[test]
fn ingress_classes_as_kubectl_prints_them() {
    let mut s = world();
    insta::assert_snapshot!("get_ingressclass", ok(&mut s, "kubectl get ingressclass"));
    insta::assert_snapshot!("describe_ingressclass", ok(&mut s, "kubectl describe ingressclass nginx"));
    insta::assert_snapshot!("yaml_ingressclass", ok(&mut s, "kubectl get ingressclass nginx -o yaml"));
}

#[test]
fn priority_classes_as_kubectl_prints_them() {
    let mut s = world();
    insta::assert_snapshot!("get_priorityclass", ok(&mut s, "kubectl get priorityclass"));
    insta::assert_snapshot!("describe_priorityclass", ok(&mut s, "kubectl describe priorityclass shop-critical"));
    insta::assert_snapshot!("yaml_priorityclass", ok(&mut s, "kubectl get pc system-node-critical -o yaml"));
}
