//! `apply`, `create`, `replace`, `diff` and `edit` with manifests, against what real kubectl
//! prints for the same input.

use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::heredoc::wrap;
use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::{Outcome, run};

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: shop\ndata:\n  mode: fast\n";

fn with(cluster: &mut Cluster, command: &str, body: &str) -> Outcome {
    run(cluster, &wrap(command, body))
}

#[test]
fn apply_creates_then_configures_then_leaves_unchanged_like_kubectl() {
    let mut c = fixture::cluster();
    // kubectl apply -f - (new object) → `configmap/flags created`.
    let out = with(&mut c, "kubectl apply -f -", CM);
    assert_eq!((out.output.as_str(), out.changed, out.cost, out.ok), ("configmap/flags created", true, 2, true));
    assert_eq!(c.configmaps()[&key("shop", "flags")].data["mode"], "fast");
    // The same manifest again → `configmap/flags unchanged`, a read's price.
    let out = with(&mut c, "kubectl apply -f -", CM);
    assert_eq!((out.output.as_str(), out.changed), ("configmap/flags unchanged", false));
    // A changed field → `configmap/flags configured`.
    let out = with(&mut c, "kubectl apply -f -", &CM.replace("fast", "slow"));
    assert_eq!((out.output.as_str(), out.changed), ("configmap/flags configured", true));
    assert_eq!(c.configmaps()[&key("shop", "flags")].data["mode"], "slow");
}

#[test]
fn apply_patches_a_deployment_with_the_fields_given() {
    let mut c = fixture::cluster();
    let body =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 5\n";
    let out = with(&mut c, "kubectl apply -f -", body);
    assert_eq!(out.output, "deployment.apps/web configured");
    let d = &c.deployments()[&key("shop", "web")];
    assert_eq!(d.replicas, 5);
    assert_eq!(d.template.spec.containers.len(), 1, "fields not given are kept");
}

#[test]
fn apply_takes_several_documents_and_the_namespace_flag() {
    let mut c = fixture::cluster();
    let body = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: probe\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: probe\n  template:\n    metadata:\n      labels:\n        app: probe\n    spec:\n      containers:\n      - name: probe\n        image: busybox:1.36\n";
    let out = with(&mut c, "kubectl apply -n tools -f -", body);
    assert_eq!(out.output, "namespace/tools created\nconfigmap/a created\ndeployment.apps/probe created");
    assert!(c.configmaps().contains_key(&key("tools", "a")));
    let d = &c.deployments()[&key("tools", "probe")];
    assert_eq!((d.replicas, d.template.spec.containers[0].image.as_str()), (2, "busybox:1.36"));
}

#[test]
fn create_from_a_manifest_refuses_what_exists_as_kubectl_does() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl create -f -", CM);
    assert_eq!(out.output, "configmap/flags created");
    let out = with(&mut c, "kubectl create -f -", CM);
    assert!(!out.ok);
    assert_eq!(
        out.output,
        "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"flags\" already exists"
    );
    // Into a namespace that does not exist.
    let out = with(&mut c, "kubectl create -f -", &CM.replace("shop", "nope"));
    assert_eq!(
        out.output,
        "Error from server (NotFound): error when creating \"STDIN\": namespaces \"nope\" not found"
    );
    // A deployment without a selector is invalid.
    let body = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: shop\nspec:\n  replicas: 1\n";
    let out = with(&mut c, "kubectl create -f -", body);
    assert!(out.output.contains("spec.selector: Required value"), "{}", out.output);
}

#[test]
fn replace_needs_the_object_and_sets_it_whole() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl replace -f -", CM);
    assert_eq!(
        out.output,
        "Error from server (NotFound): error when replacing \"STDIN\": configmaps \"flags\" not found"
    );
    with(&mut c, "kubectl apply -f -", &CM.replace("mode: fast", "mode: fast\n  extra: x"));
    let out = with(&mut c, "kubectl replace -f -", CM);
    assert_eq!((out.output.as_str(), out.changed), ("configmap/flags replaced", true));
    assert!(!c.configmaps()[&key("shop", "flags")].data.contains_key("extra"), "replace drops what the file lacks");
}

#[test]
fn input_errors_read_like_kubectl() {
    let mut c = fixture::cluster();
    let cases = [
        ("kubectl apply -f web.yaml", None, "error: the path \"web.yaml\" does not exist"),
        ("kubectl apply", None, "error: must specify one of -f and -k"),
        ("kubectl apply -f -", None, "error: no objects passed to apply"),
        ("kubectl create -f -", Some("# only a comment\n"), "error: no objects passed to create"),
        (
            "kubectl apply -f -",
            Some("kind: ConfigMap\nmetadata:\n  name: x\n"),
            "error: error validating \"STDIN\": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            "kubectl apply -f -",
            Some("apiVersion: v1\nkind: Widget\nmetadata:\n  name: x\n"),
            "error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"Widget\" in version \"v1\"\nensure CRDs are installed first",
        ),
        (
            "kubectl apply -n default -f -",
            Some(CM),
            "error: the namespace from the provided object \"shop\" does not match the namespace \"default\". You must pass '--namespace=shop' to perform this operation.",
        ),
    ];
    for (line, body, want) in cases {
        let text = body.map_or_else(|| line.to_owned(), |b| wrap(line, b));
        let out = run(&mut c, &text);
        assert_eq!((out.output.as_str(), out.ok, out.cost), (want, false, 0), "{line}");
    }
    let out = with(&mut c, "kubectl apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: name: x\n");
    assert!(
        out.output.starts_with("error: error parsing STDIN: error converting YAML to JSON: yaml: line 3: "),
        "{}",
        out.output
    );
}

#[test]
fn dry_runs_of_apply_change_nothing_and_cost_a_read() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl apply --dry-run=client -f -", CM);
    assert_eq!((out.output.as_str(), out.changed, out.cost), ("configmap/flags created (dry run)", false, 1));
    let out = with(&mut c, "kubectl apply --dry-run=server -f -", CM);
    assert_eq!(out.output, "configmap/flags created (server dry run)");
    let out = with(&mut c, "kubectl apply --dry-run=client -o yaml -f -", CM);
    assert!(out.output.contains("kind: ConfigMap\n") && out.output.contains("  mode: fast"), "{}", out.output);
    assert!(!c.configmaps().contains_key(&key("shop", "flags")));
}

#[test]
fn diff_prints_a_unified_diff_and_changes_nothing() {
    let mut c = fixture::cluster();
    let body =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 5\n";
    let out = with(&mut c, "kubectl diff -f -", body);
    assert_eq!((out.changed, out.cost), (false, 1));
    let lines: Vec<&str> = out.output.lines().collect();
    assert_eq!(
        lines[0],
        "diff -u -N /tmp/LIVE-2026112209/apps.v1.Deployment.shop.web /tmp/MERGED-2026112209/apps.v1.Deployment.shop.web"
    );
    assert!(lines[1].starts_with("--- /tmp/LIVE-2026112209/apps.v1.Deployment.shop.web\t"));
    assert!(lines[2].starts_with("+++ /tmp/MERGED-2026112209/apps.v1.Deployment.shop.web\t"));
    assert!(lines.contains(&"-  replicas: 3") && lines.contains(&"+  replicas: 5"), "{}", out.output);
    assert_eq!(c.deployments()[&key("shop", "web")].replicas, 3);
    // Nothing to change: kubectl diff prints nothing.
    let out = with(&mut c, "kubectl diff -f -", &body.replace('5', "3"));
    assert_eq!((out.output.as_str(), out.ok), ("", true));
}

#[test]
fn edit_shows_the_object_then_applies_the_edited_text() {
    let mut c = fixture::cluster();
    let shown = run(&mut c, "kubectl edit deploy/web -n shop");
    assert_eq!((shown.changed, shown.cost), (false, 1));
    assert!(shown.output.starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"));
    assert!(shown.output.contains("\nkind: Deployment\n"), "{}", shown.output);
    // Sending it back untouched is real kubectl's `Edit cancelled, no changes made.`
    let out = with(&mut c, "kubectl edit deploy/web -n shop", &shown.output);
    assert_eq!((out.output.as_str(), out.changed), ("Edit cancelled, no changes made.", false));
    let edited = shown.output.replace("  replicas: 3\n", "  replicas: 4\n");
    let out = with(&mut c, "kubectl edit deployment web -n shop", &edited);
    assert_eq!((out.output.as_str(), out.changed, out.cost), ("deployment.apps/web edited", true, 2));
    assert_eq!(c.deployments()[&key("shop", "web")].replicas, 4);
    // A rejected edit returns the API's reason and changes nothing.
    let bad = shown.output.replace("  replicas: 3\n", "  replicas: many\n");
    let out = with(&mut c, "kubectl edit deploy/web -n shop", &bad);
    assert!(!out.ok);
    assert!(out.output.starts_with("error: deployments.apps \"web\" was not valid:\n* "), "{}", out.output);
    assert_eq!(c.deployments()[&key("shop", "web")].replicas, 4);
    let out = with(&mut c, "kubectl edit deploy/web -n shop", &shown.output.replace("name: web\n", "name: other\n"));
    assert_eq!(out.output, "error: At least one of apiVersion, kind and name was changed");
    let out = run(&mut c, "kubectl edit deploy/nope -n shop");
    assert_eq!(out.output, "Error from server (NotFound): deployments.apps \"nope\" not found");
}
