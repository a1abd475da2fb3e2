//! Tests for `kubectl get`: exact tables, output formats, filters and kubectl's errors.

use proptest::prelude::*;

use crate::sim::cluster::Cluster;
use crate::sim::kubectl::run;
use crate::sim::manifest::fixture::fixture;

fn get_in(c: &mut Cluster, line: &str) -> (bool, String) {
    let out = run(c, line);
    assert!(!out.changed, "get never changes the cluster: {line}");
    (out.ok, out.output)
}

fn get(line: &str) -> String {
    let (ok, out) = get_in(&mut fixture(), line);
    assert!(ok, "{line} failed: {out}");
    out
}

fn get_err(line: &str) -> String {
    let (ok, out) = get_in(&mut fixture(), line);
    assert!(!ok, "{line} should fail: {out}");
    out
}

const PODS: &str = "\
NAME                   READY   STATUS             RESTARTS      AGE
db-0                   1/1     Running            0             2d
web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m
web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m";

#[test]
fn pods_table() {
    assert_eq!(get("get pods -n shop"), PODS);
    assert_eq!(get("kubectl get po --namespace=shop"), PODS);
    assert_eq!(get("get pod -nshop"), PODS);
}

#[test]
fn pods_wide() {
    assert_eq!(
        get("get pods -n shop -o wide"),
        "\
NAME                   READY   STATUS             RESTARTS      AGE   IP           NODE     NOMINATED NODE   READINESS GATES
db-0                   1/1     Running            0             2d    10.244.1.9   node-1   <none>           <none>
web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m    10.244.1.5   node-1   <none>           <none>
web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m    10.244.2.3   node-2   <none>           <none>"
    );
}

#[test]
fn pods_show_labels_selector_and_field_selector() {
    assert_eq!(
        get("get po -n shop --show-labels"),
        "\
NAME                   READY   STATUS             RESTARTS      AGE   LABELS
db-0                   1/1     Running            0             2d    app=db
web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m    app=web
web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m    app=web"
    );
    let web = "\
NAME                   READY   STATUS             RESTARTS      AGE
web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m
web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m";
    assert_eq!(get("get pods -n shop -l app=web"), web);
    assert_eq!(get("get pods -n shop --selector 'app in (web)'"), web);
    assert_eq!(
        get("get pods -n shop --field-selector spec.nodeName=node-1"),
        "\
NAME                   READY   STATUS    RESTARTS   AGE
db-0                   1/1     Running   0          2d
web-7d4b9c8f6b-x2x4k   1/1     Running   0          5m"
    );
    assert_eq!(get("get pods -n shop --field-selector status.phase!=Running"), "No resources found in shop namespace.");
    assert_eq!(
        get("get pods -n shop --field-selector status.phase=Running,metadata.name=db-0 --no-headers"),
        "db-0   1/1   Running   0   2d"
    );
    assert_eq!(
        get_err("get pods -n shop --field-selector foo=bar"),
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"foo=bar\": field label not supported: foo"
    );
    assert_eq!(get_err("get pods -n shop -l 'a b'"), "error: unable to parse requirement: \"a b\"");
}

#[test]
fn pods_sorted_all_namespaces_and_no_headers() {
    assert_eq!(
        get("get pods -n shop --sort-by=.status.podIP"),
        "\
NAME                   READY   STATUS             RESTARTS      AGE
web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m
db-0                   1/1     Running            0             2d
web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m"
    );
    assert_eq!(get("get pods -n shop --sort-by=.status.containerStatuses[0].restartCount"), PODS);
    assert_eq!(
        get("get pods -n shop --sort-by {.metadata.creationTimestamp} -o name"),
        "pod/db-0\npod/web-7d4b9c8f6b-x2x4k\npod/web-7d4b9c8f6b-zq9pl"
    );
    assert_eq!(
        get_err("get pods -n shop --sort-by=.spec.nope"),
        "error: couldn't find any field with path \"{.spec.nope}\" in the list of objects"
    );
    assert_eq!(
        get("get pods -A"),
        "\
NAMESPACE   NAME                   READY   STATUS             RESTARTS      AGE
shop        db-0                   1/1     Running            0             2d
shop        web-7d4b9c8f6b-x2x4k   1/1     Running            0             5m
shop        web-7d4b9c8f6b-zq9pl   0/1     CrashLoopBackOff   3 (45s ago)   5m"
    );
    assert_eq!(
        get("get pods -n shop --no-headers"),
        "\
db-0                   1/1   Running            0             2d
web-7d4b9c8f6b-x2x4k   1/1   Running            0             5m
web-7d4b9c8f6b-zq9pl   0/1   CrashLoopBackOff   3 (45s ago)   5m"
    );
}

#[test]
fn terminating_pods_still_show() {
    let mut c = fixture();
    if let Some(p) = c.pods_mut().get_mut(&("shop".to_owned(), "db-0".to_owned())) {
        p.status.terminating_until = Some(630);
    }
    let (_, out) = get_in(&mut c, "get pod db-0 -n shop");
    assert_eq!(out, "NAME   READY   STATUS        RESTARTS   AGE\ndb-0   1/1     Terminating   0          2d");
}

#[test]
fn several_types_print_kind_prefixed_tables() {
    let both = "\
NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web   1/2     2            1           30d

NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
service/web   ClusterIP   10.96.0.20   <none>        80/TCP    30d";
    assert_eq!(get("get deploy,svc -n shop"), both);
    assert_eq!(get("get deploy/web svc/web -n shop"), both);
    assert_eq!(get("get deploy,svc web -n shop"), both);
    assert_eq!(
        get("get deploy/web -n shop"),
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    1/2     2            1           30d"
    );
    assert_eq!(
        get("get deploy -n shop -o wide"),
        "\
NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                                           SELECTOR
web    1/2     2            1           30d   web,proxy    registry.example.com/shop/web:1.4.2,envoy:1.30   app=web"
    );
    let all = get("get all -n shop");
    assert!(
        all.starts_with("NAME                       READY   STATUS             RESTARTS      AGE\npod/db-0 "),
        "{all}"
    );
    assert!(all.contains("\n\nNAME                             DESIRED   CURRENT   READY   AGE\nreplicaset.apps/web-7d4b9c8f6b   2         2         1       5m\n"), "{all}");
    assert!(all.contains("horizontalpodautoscaler.autoscaling/web   Deployment/web   cpu: 250%/50%"), "{all}");
}

#[test]
fn endpoints_nodes_hpa_events_and_others() {
    assert_eq!(get("get ep -n shop"), "NAME   ENDPOINTS         AGE\nweb    10.244.1.5:8080   30d");
    let mut c = fixture();
    if let Some(e) = c.endpoints_mut().get_mut(&("shop".to_owned(), "web".to_owned())) {
        let a = e.ready[0].clone();
        e.ready = (1..=5)
            .map(|i| crate::sim::objects::EndpointAddress { ip: format!("10.244.1.{i}"), ..a.clone() })
            .collect();
    }
    assert_eq!(
        get_in(&mut c, "get endpoints web -n shop").1,
        "NAME   ENDPOINTS                                                     AGE\nweb    10.244.1.1:8080,10.244.1.2:8080,10.244.1.3:8080 + 2 more...   30d"
    );
    if let Some(e) = c.endpoints_mut().get_mut(&("shop".to_owned(), "web".to_owned())) {
        e.ready.clear();
        e.not_ready.clear();
    }
    assert_eq!(get_in(&mut c, "get ep -n shop").1, "NAME   ENDPOINTS   AGE\nweb    <none>      30d");
    assert_eq!(
        get("get nodes"),
        "\
NAME     STATUS                        ROLES           AGE   VERSION
node-1   Ready                         control-plane   30d   v1.31.0
node-2   NotReady,SchedulingDisabled   <none>          30d   v1.31.0"
    );
    assert_eq!(
        get("get no node-1 -o wide"),
        "\
NAME     STATUS   ROLES           AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION     CONTAINER-RUNTIME
node-1   Ready    control-plane   30d   v1.31.0   192.168.49.2   <none>        Ubuntu 24.04.1 LTS   6.8.0-45-generic   containerd://1.7.22"
    );
    assert_eq!(
        get("get hpa -n shop"),
        "NAME   REFERENCE        TARGETS         MINPODS   MAXPODS   REPLICAS   AGE\nweb    Deployment/web   cpu: 250%/50%   2         2         2          30d"
    );
    assert_eq!(
        get("get events -n shop"),
        "\
LAST SEEN   TYPE      REASON              OBJECT                     MESSAGE
8m20s       Normal    Scheduled           pod/web-7d4b9c8f6b-zq9pl   Successfully assigned shop/web-7d4b9c8f6b-zq9pl to node-2
60s         Warning   BackOff             pod/web-7d4b9c8f6b-zq9pl   Back-off restarting failed container web in pod web-7d4b9c8f6b-zq9pl_shop
40s         Normal    ScalingReplicaSet   deployment/web             Scaled up replica set web-7d4b9c8f6b to 2"
    );
    assert_eq!(get("get secrets -n shop"), "NAME       TYPE     DATA   AGE\ndb-creds   Opaque   1      30d");
    assert_eq!(
        get("get ns --show-labels"),
        "\
NAME      STATUS   AGE   LABELS
default   Active   30d   kubernetes.io/metadata.name=default
shop      Active   30d   kubernetes.io/metadata.name=shop"
    );
    assert_eq!(
        get("get validatingwebhookconfigurations"),
        "NAME           WEBHOOKS   AGE\npolicy-check   1          24h"
    );
    assert_eq!(get("get mutatingwebhookconfigurations"), "No resources found");
}

#[test]
fn output_name_yaml_json_and_jsonpath() {
    assert_eq!(
        get("get pods,deploy -n shop -o name"),
        "pod/db-0\npod/web-7d4b9c8f6b-x2x4k\npod/web-7d4b9c8f6b-zq9pl\ndeployment.apps/web"
    );
    let yaml = get("get pod db-0 -n shop -o yaml");
    assert!(
        yaml.starts_with(
            "\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: \"2026-11-20T09:00:00Z\"
  labels:
    app: db
  name: db-0
  namespace: shop
  resourceVersion: \"1374\"
  uid: c09581dd-bcf3-46e3-b862-62c5e5b221a3
spec:
  containers:
  - env:
    - name: DB_HOST
      valueFrom:
        configMapKeyRef:
          key: db_host
          name: app-config
    image: registry.example.com/shop/web:1.4.2
"
        ),
        "{yaml}"
    );
    assert!(yaml.ends_with("  podIP: 10.244.1.9\n  podIPs:\n  - ip: 10.244.1.9\n  qosClass: Burstable\n  startTime: \"2026-11-20T09:00:00Z\""), "{yaml}");
    let list = get("get pods -n shop -l app=web -o yaml");
    assert!(list.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n"), "{list}");
    assert!(list.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\""), "{list}");
    let json: serde_json::Value = serde_json::from_str(&get("get deploy web -n shop -o json")).expect("json");
    assert_eq!(json["spec"]["replicas"], 2);
    assert!(get("get deploy web -n shop -o json").starts_with("{\n    \"apiVersion\": \"apps/v1\",\n"));
    assert_eq!(get("get deploy web -n shop -o jsonpath={..image}"), "registry.example.com/shop/web:1.4.2 envoy:1.30");
    assert_eq!(get("get deploy web -n shop -o jsonpath='{.spec.replicas}'"), "2");
    assert_eq!(
        get("get pods -n shop -o jsonpath={.items[*].metadata.name}"),
        "db-0 web-7d4b9c8f6b-x2x4k web-7d4b9c8f6b-zq9pl"
    );
    assert_eq!(
        get(
            r#"get pods -n shop -l app=web -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.containerStatuses[0].restartCount}{"\n"}{end}'"#
        ),
        // The console drops the final newline of every output.
        "web-7d4b9c8f6b-x2x4k\t0\nweb-7d4b9c8f6b-zq9pl\t3"
    );
    assert_eq!(get("get secret db-creds -n shop -o jsonpath={.data.password}"), "aHVudGVyMg==");
    assert_eq!(
        get("get pods -n shop -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName"),
        "NAME                   NODE\ndb-0                   node-1\nweb-7d4b9c8f6b-x2x4k   node-1\nweb-7d4b9c8f6b-zq9pl   node-2"
    );
}

#[test]
fn errors_read_like_kubectl() {
    assert_eq!(get_err("get foos"), "error: the server doesn't have a resource type \"foos\"");
    assert_eq!(get_err("get pods,foos"), "error: the server doesn't have a resource type \"foos\"");
    assert_eq!(get_err("get deploy nope -n shop"), "Error from server (NotFound): deployments.apps \"nope\" not found");
    assert_eq!(get_err("get nodes node-9"), "Error from server (NotFound): nodes \"node-9\" not found");
    assert_eq!(
        get_err("get pods db-0 nope -n shop"),
        "NAME   READY   STATUS    RESTARTS   AGE\ndb-0   1/1     Running   0          2d\nError from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(get("get pods nope -n shop --ignore-not-found"), "");
    assert_eq!(get("get pods -n empty"), "No resources found in empty namespace.");
    assert_eq!(get("get pvc -A"), "No resources found");
    assert_eq!(get("get pv"), "No resources found");
    assert_eq!(get_err("get pods -w"), "error: watch is not supported in this console; run the command again");
    assert_eq!(
        get_err("get pods --watch -n shop"),
        "error: watch is not supported in this console; run the command again"
    );
    assert_eq!(get_err("get pods --foo"), "error: unknown flag: --foo\nSee 'kubectl --help' for usage.");
    assert!(get_err("get").starts_with("You must specify the type of resource to get."));
    assert!(
        get_err("get pods -o foo")
            .starts_with("error: unable to match a printer suitable for the output format \"foo\"")
    );
    assert_eq!(get_err("get pods db-0 -A"), "error: a resource cannot be retrieved by name across all namespaces");
    assert_eq!(get_err("get pods db-0 -l app=db"), "error: name cannot be provided when a selector is specified");
    assert!(get_err("get pods -o jsonpath={.items[}").starts_with("error: error parsing jsonpath"));
}

proptest! {
    #[test]
    fn flagish_input_never_panics(tokens in proptest::collection::vec(
        prop_oneof![
            Just("get".to_owned()), Just("pods".to_owned()), Just("po,svc".to_owned()), Just("deploy/web".to_owned()),
            Just("all".to_owned()), Just("-n".to_owned()), Just("shop".to_owned()), Just("-A".to_owned()),
            Just("-o".to_owned()), Just("wide".to_owned()), Just("yaml".to_owned()), Just("json".to_owned()),
            Just("-ojsonpath={..image}".to_owned()), Just("--sort-by=.metadata.name".to_owned()),
            Just("-l".to_owned()), Just("app=web".to_owned()), Just("--field-selector=status.phase=Running".to_owned()),
            Just("--show-labels".to_owned()), Just("--no-headers".to_owned()), Just("/".to_owned()), Just("=".to_owned()),
            Just("-".to_owned()), Just("--".to_owned()), Just("{".to_owned()), Just("[".to_owned()),
            "[a-z./=,{}\\[\\]*?@-]{0,12}",
        ],
        0..8,
    )) {
        let mut c = fixture();
        let mut line = "get".to_owned();
        for t in &tokens {
            line.push(' ');
            line.push_str(t);
        }
        let out = run(&mut c, &line);
        prop_assert!(!out.changed);
        let quoted = tokens.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(" ");
        let _ = run(&mut c, &format!("get {quoted}"));
    }
}

#[test]
fn global_flags_before_the_verb_work_as_in_kubectl() {
    assert_eq!(get("kubectl -n shop get pods"), PODS);
    assert_eq!(get("kubectl --namespace=shop get pods"), PODS);
    assert_eq!(get("kubectl -v=6 --request-timeout=5s -n shop get pods"), PODS);
    assert_eq!(get("k --context kubernetes-admin@kubernetes -n shop get po"), PODS);
    // -A is get's flag, not kubectl's: cobra takes `get` as its value and looks for `pods`.
    assert_eq!(
        get_err("kubectl -A get pods"),
        "error: unknown command \"pods\" for \"kubectl\"\nRun 'kubectl --help' for usage."
    );
    assert_eq!(get_err("kubectl --frob=1 get pods"), "error: unknown flag: --frob\nSee 'kubectl --help' for usage.");
    assert!(get("kubectl -n shop").starts_with("kubectl controls the (simulated) Kubernetes cluster."));
    assert_eq!(get("get pods -n shop -w=false"), PODS);
    assert_eq!(get("get pods -n shop --watch=false"), PODS);
}

#[test]
fn a_missing_object_in_yaml_or_json_prints_only_the_not_found_error() {
    assert_eq!(get_err("get pod nope -n shop -o yaml"), "Error from server (NotFound): pods \"nope\" not found");
    assert_eq!(get_err("get pod nope -n shop -o json"), "Error from server (NotFound): pods \"nope\" not found");
}

#[test]
fn go_templates_and_jsonpath_as_json_print_as_kubectl_does() {
    assert_eq!(
        get(r#"get pods -n shop -o go-template='{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}'"#),
        "db-0\nweb-7d4b9c8f6b-x2x4k\nweb-7d4b9c8f6b-zq9pl"
    );
    assert_eq!(get("get pod db-0 -n shop -o go-template={{.metadata.name}}"), "db-0");
    assert_eq!(get("get pod db-0 -n shop -o go-template --template={{.status.phase}}"), "Running");
    assert_eq!(get("get pod db-0 -n shop -o jsonpath-as-json={.metadata.name}"), "[\n    \"db-0\"\n]");
    assert_eq!(get_err("get pods -o custom-columns-file=cols.txt"), "error: open cols.txt: no such file or directory");
    assert_eq!(get("get pod db-0 -n shop --show-managed-fields -o name"), "pod/db-0");
}

#[test]
fn as_another_user_the_api_server_authorizes_the_read() {
    assert_eq!(get("get pods -n shop --as=kubernetes-admin"), PODS);
    assert_eq!(
        get_err("kubectl --as=system:serviceaccount:shop:nobody -n shop get pods"),
        "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:shop:nobody\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""
    );
    assert_eq!(
        get_err("get deploy web -n shop --as jane"),
        "Error from server (Forbidden): deployments.apps \"web\" is forbidden: User \"jane\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"shop\""
    );
    assert_eq!(
        get_err("get nodes --as jane"),
        "Error from server (Forbidden): nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
    );
}
