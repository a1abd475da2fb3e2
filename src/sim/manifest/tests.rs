//! Tests for manifests, YAML and patches.

use serde_json::json;

use super::fixture::fixture;
use super::*;
use crate::sim::cluster::key;
use crate::sim::objects::{FailurePolicy, IntOrString};

#[test]
fn timestamps_and_base64() {
    assert_eq!(timestamp(0), "2026-11-22T09:00:00Z");
    assert_eq!(timestamp(-30 * 86_400), "2026-10-23T09:00:00Z");
    assert_eq!(timestamp(15 * 3600 + 61), "2026-11-23T00:01:01Z");
    assert_eq!(timestamp(40 * 86_400), "2027-01-01T09:00:00Z");
    assert_eq!(parse_timestamp("2026-11-22T09:10:00Z"), Some(600));
    assert_eq!(base64_encode(b"hunter2"), "aHVudGVyMg==");
    assert_eq!(base64_encode(b"abc"), "YWJj");
    assert_eq!(base64_encode(b""), "");
    assert_eq!(base64_decode("aHVudGVyMg=="), Ok(b"hunter2".to_vec()));
    assert_eq!(base64_decode("YWJj"), Ok(b"abc".to_vec()));
    assert_eq!(base64_decode("YW=j"), Err(2));
    assert_eq!(base64_decode("YWJ"), Err(0));
    assert!(base64_decode("!!!!").is_err());
}

#[test]
fn pod_manifest_has_the_api_shape() {
    let c = fixture();
    let m = to_manifest(&c, Kind::Pod, "shop", "web-7d4b9c8f6b-zq9pl").expect("pod");
    assert_eq!(m["apiVersion"], "v1");
    assert_eq!(m["kind"], "Pod");
    assert_eq!(m["metadata"]["name"], "web-7d4b9c8f6b-zq9pl");
    assert_eq!(m["metadata"]["namespace"], "shop");
    assert_eq!(m["metadata"]["creationTimestamp"], "2026-11-22T09:05:00Z");
    assert_eq!(m["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(m["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    assert_eq!(m["metadata"]["ownerReferences"][0]["uid"], uid(11));
    let c0 = &m["spec"]["containers"][0];
    assert_eq!(c0["resources"]["limits"]["memory"], "256Mi");
    assert_eq!(c0["resources"]["requests"]["cpu"], "100m");
    assert_eq!(c0["readinessProbe"]["httpGet"], json!({"path": "/healthz", "port": 8080, "scheme": "HTTP"}));
    assert_eq!(c0["ports"], json!([{"containerPort": 8080, "protocol": "TCP"}]));
    assert_eq!(c0["env"][0]["valueFrom"]["configMapKeyRef"], json!({"name": "app-config", "key": "db_host"}));
    assert_eq!(m["spec"]["nodeName"], "node-2");
    let cs = &m["status"]["containerStatuses"][0];
    assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(cs["restartCount"], 3);
    assert_eq!(m["status"]["podIP"], "10.244.2.3");
    assert_eq!(m["status"]["qosClass"], "Burstable");
    assert!(to_manifest(&c, Kind::Pod, "shop", "nope").is_none());
}

#[test]
fn deployment_service_secret_webhook_manifests() {
    let c = fixture();
    let d = to_manifest(&c, Kind::Deployment, "shop", "web").expect("deploy");
    assert_eq!(d["apiVersion"], "apps/v1");
    assert_eq!(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["spec"]["selector"], json!({"matchLabels": {"app": "web"}}));
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(d["spec"]["template"]["spec"]["containers"][1]["image"], "envoy:1.30");
    assert_eq!(d["status"]["readyReplicas"], 1);
    let s = to_manifest(&c, Kind::Service, "shop", "web").expect("svc");
    assert_eq!(s["spec"]["selector"], json!({"app": "web"}));
    assert_eq!(s["spec"]["ports"], json!([{"port": 80, "targetPort": 8080, "protocol": "TCP"}]));
    assert_eq!(s["spec"]["clusterIP"], "10.96.0.20");
    let sec = to_manifest(&c, Kind::Secret, "shop", "db-creds").expect("secret");
    assert_eq!(sec["data"]["password"], "aHVudGVyMg==");
    let hook = to_manifest(&c, Kind::ValidatingWebhook, "", "policy-check").expect("webhook");
    assert_eq!(hook["webhooks"][0]["clientConfig"]["service"]["name"], "checker");
    assert_eq!(hook["webhooks"][0]["failurePolicy"], "Fail");
    assert_eq!(hook["webhooks"][0]["rules"][0]["resources"], json!(["pods"]));
    assert!(to_manifest(&c, Kind::MutatingWebhook, "", "policy-check").is_none());
    let name = event_name(&c, 1).expect("event");
    let e = to_manifest(&c, Kind::Event, "shop", &name).expect("event manifest");
    assert_eq!(e["reason"], "BackOff");
    assert_eq!(e["involvedObject"]["name"], "web-7d4b9c8f6b-zq9pl");
    assert_eq!(e["type"], "Warning");
    for kind in Kind::ALL {
        let _ = to_manifest(&c, kind, "shop", "web");
    }
}

#[test]
fn yaml_prints_like_kubectl() {
    let v = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"rev": "1", "empty": "", "flag": "true", "star": "*", "colon": "a: b"}},
        "spec": {"containers": [{"name": "web", "ports": [{"containerPort": 80}], "args": ["--x", "- y"]}], "emptyDir": {}, "list": []},
        "data": {"Corefile": ".:53 {\n    errors\n}\n", "nonl": "a\nb"},
    });
    let want = "\
apiVersion: v1
data:
  Corefile: |
    .:53 {
        errors
    }
  nonl: |-
    a
    b
kind: Pod
metadata:
  annotations:
    colon: 'a: b'
    empty: \"\"
    flag: \"true\"
    rev: \"1\"
    star: '*'
  labels:
    app: web
  name: web
spec:
  containers:
  - args:
    - --x
    - '- y'
    name: web
    ports:
    - containerPort: 80
  emptyDir: {}
  list: []
";
    assert_eq!(to_yaml(&v), want);
    assert_eq!(
        to_yaml(&json!({"at": "2026-11-22T09:00:00Z", "day": "2026-11-22", "ver": "2026-11"})),
        "at: \"2026-11-22T09:00:00Z\"\nday: \"2026-11-22\"\nver: 2026-11\n"
    );
    assert_eq!(to_yaml(&json!({"a": [[1, 2], [3]]})), "a:\n- - 1\n  - 2\n- - 3\n");
    assert_eq!(
        to_yaml(&json!({"v": "1.5", "w": "1e3", "x": "v1.31", "y": "yes", "z": "0x1F", "t": "12:30"})),
        "t: \"12:30\"\nv: \"1.5\"\nw: \"1e3\"\nx: v1.31\n\"y\": \"yes\"\nz: \"0x1F\"\n"
    );
}

#[test]
fn json_is_four_space_indented() {
    assert_eq!(to_json(&json!({"a": [1]})), "{\n    \"a\": [\n        1\n    ]\n}");
}

#[test]
fn strategic_merge_sets_one_containers_image() {
    let mut c = fixture();
    patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.31"}]}}}}"#,
    )
    .expect("patch");
    let d = &c.deployments()[&key("shop", "web")];
    assert_eq!(d.template.spec.containers.len(), 2);
    assert_eq!(d.template.spec.containers[0].image, "registry.example.com/shop/web:1.4.2");
    assert_eq!(d.template.spec.containers[1].image, "envoy:1.31");
    // The revision annotation is the server's, not stored on the object.
    assert!(d.meta.annotations.is_empty());
    // A merge patch of the same shape replaces the whole list instead.
    patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Merge,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.32"}]}}}}"#,
    )
    .expect("merge patch");
    let d = &c.deployments()[&key("shop", "web")];
    assert_eq!(d.template.spec.containers.len(), 1);
    assert_eq!(d.template.spec.containers[0].name, "proxy");
}

#[test]
fn strategic_merge_env_and_delete_directive() {
    let mut c = fixture();
    patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"LOG","value":"debug"}]}]}}}}"#,
    )
    .expect("patch");
    let env = &c.deployments()[&key("shop", "web")].template.spec.containers[0].env;
    assert_eq!(env.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["DB_HOST", "LOG"]);
    patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"proxy","$patch":"delete"}]}}}}"#,
    )
    .expect("delete");
    assert_eq!(c.deployments()[&key("shop", "web")].template.spec.containers.len(), 1);
}

#[test]
fn json_patch_replaces_webhook_failure_policy() {
    let mut c = fixture();
    patch(
        &mut c,
        Kind::ValidatingWebhook,
        "",
        "policy-check",
        PatchType::Json,
        r#"[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]"#,
    )
    .expect("patch");
    let w = &c.webhooks()["policy-check"];
    assert_eq!(w.webhooks[0].failure_policy, FailurePolicy::Ignore);
    assert_eq!(w.webhooks[0].service, "policy/checker");
    // test/add/remove, pointer escapes and `-`.
    patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Json,
        r#"[
        {"op":"test","path":"/spec/replicas","value":2},
        {"op":"add","path":"/metadata/labels/team~1owner","value":"payments"},
        {"op":"add","path":"/spec/template/spec/containers/0/args","value":["--verbose"]},
        {"op":"add","path":"/spec/template/spec/containers/0/ports/-","value":{"containerPort":9090}},
        {"op":"remove","path":"/spec/template/spec/containers/1"}
    ]"#,
    )
    .expect("json patch");
    let d = &c.deployments()[&key("shop", "web")];
    assert_eq!(d.meta.labels.get("team/owner").map(String::as_str), Some("payments"));
    assert_eq!(d.template.spec.containers.len(), 1);
    assert_eq!(d.template.spec.containers[0].args, ["--verbose"]);
    assert_eq!(d.template.spec.containers[0].ports, [8080, 9090]);
    let failed = patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Json,
        r#"[{"op":"test","path":"/spec/replicas","value":9}]"#,
    );
    assert_eq!(failed, Err(ApiError::BadRequest("testing value /spec/replicas failed: test failed".to_owned())));
    let missing = patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Json,
        r#"[{"op":"replace","path":"/spec/nope","value":1}]"#,
    );
    assert!(matches!(missing, Err(ApiError::BadRequest(m)) if m.contains("missing")));
}

#[test]
fn merge_patch_raises_hpa_max_replicas() {
    let mut c = fixture();
    patch(&mut c, Kind::Hpa, "shop", "web", PatchType::Merge, r#"{"spec":{"maxReplicas":6}}"#).expect("patch");
    assert_eq!(c.hpas()[&key("shop", "web")].max_replicas, 6);
    let too_low = patch(&mut c, Kind::Hpa, "shop", "web", PatchType::Merge, r#"{"spec":{"maxReplicas":1}}"#);
    assert_eq!(
        too_low,
        Err(ApiError::Invalid(
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`".to_owned()
        ))
    );
    assert_eq!(c.hpas()[&key("shop", "web")].max_replicas, 6);
}

#[test]
fn bad_patches_change_nothing() {
    let mut c = fixture();
    let before = c.deployments().clone();
    let wrong_type =
        patch(&mut c, Kind::Deployment, "shop", "web", PatchType::Merge, r#"{"spec":{"replicas":"three"}}"#);
    assert_eq!(
        wrong_type,
        Err(ApiError::Invalid(
            "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: \"three\": must be of type integer"
                .to_owned()
        ))
    );
    let negative = patch(&mut c, Kind::Deployment, "shop", "web", PatchType::Merge, r#"{"spec":{"replicas":-1}}"#);
    assert_eq!(
        negative,
        Err(ApiError::Invalid(
            "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
                .to_owned()
        ))
    );
    let bad_json = patch(&mut c, Kind::Deployment, "shop", "web", PatchType::Merge, r#"{"spec":"#);
    assert!(matches!(bad_json, Err(ApiError::Client(m)) if m.starts_with("unable to parse")));
    let no_image = patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":""}]}}}}"#,
    );
    assert!(
        matches!(no_image, Err(ApiError::Invalid(m)) if m.ends_with("spec.template.spec.containers[0].image: Required value"))
    );
    let memory = patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","resources":{"limits":{"memory":"lots"}}}]}}}}"#,
    );
    assert!(
        matches!(memory, Err(ApiError::Invalid(m)) if m.contains("resources.limits.memory: Invalid value: \"lots\": quantities must match"))
    );
    let selector = patch(
        &mut c,
        Kind::Deployment,
        "shop",
        "web",
        PatchType::Merge,
        r#"{"spec":{"template":{"metadata":{"labels":{"app":"other"}}}}}"#,
    );
    assert!(matches!(selector, Err(ApiError::Invalid(m)) if m.contains("`selector` does not match template `labels`")));
    let renamed = patch(&mut c, Kind::Deployment, "shop", "web", PatchType::Merge, r#"{"metadata":{"name":"api"}}"#);
    assert!(matches!(renamed, Err(ApiError::BadRequest(_))));
    let missing = patch(&mut c, Kind::Deployment, "shop", "nope", PatchType::Merge, "{}");
    assert_eq!(missing, Err(ApiError::not_found(Kind::Deployment, "nope")));
    assert_eq!(c.deployments(), &before);
}

#[test]
fn patches_write_back_other_kinds() {
    let mut c = fixture();
    patch(
        &mut c,
        Kind::Service,
        "shop",
        "web",
        PatchType::Merge,
        r#"{"spec":{"selector":{"app":"web","tier":"front"}}}"#,
    )
    .expect("svc");
    assert_eq!(c.services()[&key("shop", "web")].selector.len(), 2);
    patch(
        &mut c,
        Kind::Service,
        "shop",
        "web",
        PatchType::Strategic,
        r#"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#,
    )
    .expect("svc port");
    assert_eq!(c.services()[&key("shop", "web")].ports[0].target_port, IntOrString::Int(9090));
    patch(
        &mut c,
        Kind::Secret,
        "shop",
        "db-creds",
        PatchType::Merge,
        r#"{"data":{"user":"YWRtaW4="},"stringData":{"host":"db"}}"#,
    )
    .expect("secret");
    let s = &c.secrets()[&key("shop", "db-creds")];
    assert_eq!(s.data.get("user").map(String::as_str), Some("admin"));
    assert_eq!(s.data.get("password").map(String::as_str), Some("hunter2"));
    assert_eq!(s.data.get("host").map(String::as_str), Some("db"));
    patch(&mut c, Kind::Node, "", "node-2", PatchType::Merge, r#"{"spec":{"unschedulable":null}}"#).expect("node");
    assert!(!c.nodes()["node-2"].unschedulable);
    patch(&mut c, Kind::Pod, "shop", "db-0", PatchType::Merge, r#"{"metadata":{"labels":{"app":"db","x":"y"}}}"#)
        .expect("pod labels");
    assert_eq!(c.pods()[&key("shop", "db-0")].meta.labels.len(), 2);
    let forbidden =
        patch(&mut c, Kind::Pod, "shop", "db-0", PatchType::Merge, r#"{"spec":{"serviceAccountName":"admin"}}"#);
    assert!(
        matches!(forbidden, Err(ApiError::Invalid(m)) if m.starts_with("Pod \"db-0\" is invalid: spec: Forbidden: pod updates may not change fields"))
    );
}
