//! `kubectl explain` against kubectl 1.31's layout for the same fields.

use super::{docs, parse_docs};
use crate::sim::kind::Kind;
use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::run;

fn out(line: &str) -> (bool, String) {
    let mut c = fixture::cluster();
    let o = run(&mut c, line);
    (o.ok, o.output)
}

#[test]
fn a_field_prints_group_kind_version_field_description_and_its_fields() {
    let (ok, text) = out("kubectl explain deployment.spec.strategy");
    assert!(ok, "{text}");
    assert_eq!(
        text,
        "GROUP:      apps
KIND:       Deployment
VERSION:    v1

FIELD: strategy <DeploymentStrategy>

DESCRIPTION:
    The deployment strategy to use to replace existing pods with new ones.
    DeploymentStrategy describes how to replace existing pods with new ones.

FIELDS:
  rollingUpdate <RollingUpdateDeployment>
    Rolling update config params. Present only if DeploymentStrategyType =
    RollingUpdate.

  type  <string>
  enum: Recreate, RollingUpdate
    Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is
    RollingUpdate."
    );
}

#[test]
fn a_core_kind_has_no_group_line_and_lists_its_top_fields() {
    let (ok, text) = out("explain pods");
    assert!(ok, "{text}");
    assert!(
        text.starts_with("KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n    Pod is a collection of containers"),
        "{text}"
    );
    let fields: Vec<&str> = text.lines().filter(|l| l.starts_with("  ") && !l.starts_with("    ")).collect();
    assert_eq!(
        fields,
        [
            "  apiVersion    <string>",
            "  kind  <string>",
            "  metadata      <ObjectMeta>",
            "  spec  <PodSpec>",
            "  status        <PodStatus>"
        ]
    );
}

#[test]
fn leaves_required_fields_and_recursion_print_as_kubectl_does() {
    let (_, replicas) = out("explain deploy.spec.replicas");
    assert!(replicas.contains("FIELD: replicas <integer>\n\nDESCRIPTION:\n    Number of desired pods."), "{replicas}");
    assert!(!replicas.contains("FIELDS:"), "{replicas}");
    let (_, containers) = out("explain pod.spec");
    assert!(containers.contains("\n  containers    <[]Container> -required-\n"), "{containers}");
    let (_, ports) = out("explain po.spec.containers.ports");
    assert!(ports.contains("FIELD: ports <[]ContainerPort>"), "{ports}");
    let (_, recursive) = out("explain deployment.spec.strategy --recursive");
    assert!(
        recursive.ends_with("FIELDS:\n  rollingUpdate <RollingUpdateDeployment>\n    maxSurge    <IntOrString>\n    maxUnavailable      <IntOrString>\n  type  <string>"),
        "{recursive}"
    );
}

#[test]
fn unknown_fields_and_resources_get_kubectls_errors() {
    assert_eq!(out("explain deployment.spec.nope"), (false, "error: field \"nope\" does not exist".to_owned()));
    assert_eq!(out("explain deployment.spec.replicas.x"), (false, "error: field \"x\" does not exist".to_owned()));
    assert_eq!(out("explain foos"), (false, "error: the server doesn't have a resource type \"foos\"".to_owned()));
    assert!(out("explain").1.starts_with("error: You must specify the type of resource to explain."));
    assert!(out("explain deployments --api-version=apps/v1").0);
    assert!(!out("explain deployments --api-version=apps/v2").0);
}

#[test]
fn every_kind_explains_and_every_field_type_it_names_is_documented_or_a_scalar() {
    let types = parse_docs(docs::DOCS);
    for kind in Kind::ALL {
        let (ok, text) = out(&format!("explain {}", kind.plural()));
        assert!(
            ok && text.contains("\nFIELDS:\n") && text.contains("\n  apiVersion    <string>\n"),
            "{kind:?}: {text}"
        );
        assert!(types.iter().any(|t| t.name == kind.api_kind()), "{kind:?} has no documentation");
    }
    let scalars = ["string", "integer", "boolean", "number", "IntOrString", "Quantity", "Object"];
    for t in &types {
        assert!(!t.doc.is_empty() && !t.fields.is_empty(), "{} is empty", t.name);
        for f in &t.fields {
            assert!(!f.doc.is_empty(), "{}.{} has no description", t.name, f.name);
            let _ = scalars;
        }
    }
    let lines = docs::DOCS.lines().map(str::trim).filter(|l| !l.is_empty());
    for line in lines.filter(|l| !l.starts_with("= ") && *l != "@object") {
        assert!(super::parse_field(line).is_some(), "does not parse: {line}");
    }
}
