//! Failure modes 18, 21–26, 28, 29, 31, 35, 36, 39 and 42–45 of docs/failure-catalog.md (DNS, ingress,
//! scheduling, storage, quota, disruption budgets, nodes, admission, RBAC, autoscaling and
//! rollouts), reproduced from cause: each fixture breaks a healthy cluster with a typed change,
//! the test reads the symptoms a player would see through the console, types the catalog's
//! canonical fix and checks that the symptoms clear and the scenario is won.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};
use kombat::game::World;
use kombat::sim::cluster::timestamp;

/// Every fixture this file owns, by file name under `tests/fixtures/`.
const FIXTURES: &[&str] = &[
    "modes/m18-coredns-down.ron",
    "modes/m21-ingress-backend.ron",
    "modes/m22-requests-too-big.ron",
    "modes/m23-untolerated-taint.ron",
    "modes/m24-node-selector.ron",
    "modes/m25-pvc-no-default-class.ron",
    "modes/m26-quota-exhausted.ron",
    "modes/m28-pdb-blocks-drain.ron",
    "modes/m29-kubelet-stopped.ron",
    "modes/m31-disk-pressure.ron",
    "modes/m35-webhook-down.ron",
    "modes/m36-webhook-reverts-image.ron",
    "modes/m39-rbac-forbidden.ron",
    "modes/m42-hpa-max-too-low.ron",
    "modes/m43-hpa-no-metrics.ron",
    "modes/m43-metrics-server-down.ron",
    "modes/m44-rollout-stuck.ron",
    "modes/m45-scaled-to-zero.ron",
];

/// Lets turns pass until every win condition holds at a turn end (the session is not over yet
/// because the conditions must hold for `hold_turns`), so the symptoms can be read again.
fn settle(s: &mut World, max_turns: u32) {
    for _ in 0..max_turns {
        if s.held > 0 {
            break;
        }
        wait(s, 1);
    }
    assert!(s.held > 0 && s.ending.is_none(), "the fix did not settle within {max_turns} turns:\n{}", s.status());
}

/// Whether the newest line of a log that contains `needle` is from the last minute: the error
/// is still being logged. (The app's lines start with their RFC 3339 time.)
fn logged_lately(s: &mut World, line: &str, needle: &str) -> bool {
    let since = timestamp(s.cluster.now - 60);
    let out = run(s, line);
    out.lines()
        .rfind(|l| l.contains(needle))
        .and_then(|l| l.split_whitespace().next())
        .is_some_and(|t| t >= since.as_str())
}

/// Asserts the customer sees healthy traffic again.
fn healthy(s: &mut World) {
    expect(s, "/status", &["100.0% ok"]);
}

#[test]
fn every_platform_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

#[test]
fn m18_coredns_down() {
    let mut s = session("modes/m18-coredns-down.ron");
    expect(&mut s, "/status", &["Checkout", "0.0% ok", "500 Internal Server Error"]);
    // The app itself looks healthy…
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("0/1"), "{pods}");
    // …but cannot resolve its database, because nobody answers DNS.
    expect(&mut s, "kubectl logs deploy/web -n shop", &["dial tcp: lookup db on 10.96.0.10:53", "i/o timeout"]);
    assert!(logged_lately(&mut s, "kubectl logs deploy/web -n shop", "lookup db on 10.96.0.10:53"));
    expect(&mut s, "kubectl get deploy coredns -n kube-system", &["coredns   0/0     0            0"]);
    // Only kube-proxy (the daemon set on every node) and the control plane's static pods are
    // left in kube-system.
    expect_not(&mut s, "kubectl get pods -n kube-system", &["coredns-"]);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-apiserver-control-plane", "kube-proxy-"]);
    expect(&mut s, "kubectl get events -n kube-system", &["Scaled down replica set coredns-", "to 0 from 2"]);

    ok(&mut s, "kubectl scale deploy coredns -n kube-system --replicas=2");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get deploy coredns -n kube-system", &["coredns   2/2     2            2"]);
    assert!(
        !logged_lately(&mut s, "kubectl logs deploy/web -n shop", "lookup db on 10.96.0.10:53"),
        "DNS errors are still logged"
    );
    healthy(&mut s);
    expect_not(&mut s, "/status", &["500 Internal Server Error"]);
    assert_wins(&mut s);
}

#[test]
fn m21_ingress_backend_wrong() {
    let mut s = session("modes/m21-ingress-backend.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503 Service Temporarily Unavailable"]);
    expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    expect(&mut s, "kubectl describe ingress web -n shop", &["web-svc:80 (<error: endpoints \"web-svc\" not found>)"]);
    // The service the ingress should name exists and has endpoints.
    expect(&mut s, "kubectl get svc -n shop", &["web    ClusterIP"]);
    expect(&mut s, "kubectl get endpoints web -n shop", &[":8080"]);

    ok(
        &mut s,
        r#"kubectl patch ingress web -n shop --type=json -p '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"web"}]'"#,
    );
    settle(&mut s, 3);
    let out = expect(&mut s, "kubectl describe ingress web -n shop", &["web:80 ("]);
    assert!(!out.contains("<error:"), "{out}");
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m22_requests_exceed_capacity() {
    let mut s = session("modes/m22-requests-too-big.ron");
    expect(&mut s, "/status", &["Reports", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "Pending"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=reports",
        &[
            "FailedScheduling",
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory.",
            "memory:     12Gi",
        ],
    );
    // No node has 12Gi: each has 8Gi allocatable.
    expect(
        &mut s,
        "kubectl describe node node-1",
        &["Allocatable:", "memory:             8388608Ki", "Allocated resources:"],
    );

    ok(&mut s, "kubectl set resources deployment/reports -n shop --requests=memory=512Mi --limits=memory=1Gi");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("Pending"), "{pods}");
    expect_not(&mut s, "kubectl describe pod -n shop -l app=reports", &["FailedScheduling"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m23_untolerated_taint() {
    let mut s = session("modes/m23-untolerated-taint.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "Pending"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had untolerated taint {dedicated: gpu}.",
        ],
    );
    expect(&mut s, "kubectl describe nodes | grep Taints", &["Taints:             dedicated=gpu:NoSchedule"]);

    expect(&mut s, "kubectl taint node node-1 dedicated-", &["node/node-1 untainted"]);
    expect(&mut s, "kubectl taint node node-2 dedicated-", &["node/node-2 untainted"]);
    settle(&mut s, 3);
    expect_not(&mut s, "kubectl describe nodes | grep Taints", &["dedicated"]);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("Pending"), "{pods}");
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m24_node_selector_mismatch() {
    let mut s = session("modes/m24-node-selector.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "Pending"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "FailedScheduling",
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector.",
            "disktype=ssd",
        ],
    );
    // The clue: the pods want a label no node has.
    expect(
        &mut s,
        "kubectl get deploy web -n shop -o jsonpath='{.spec.template.spec.nodeSelector}'",
        &["disktype", "ssd"],
    );
    expect_not(&mut s, "kubectl get nodes --show-labels", &["disktype"]);

    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop --type=json -p '[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]'"#,
    );
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("Pending"), "{pods}");
    healthy(&mut s);
    assert_wins(&mut s);
}

/// The symptoms of mode 25 before any fix.
fn m25_symptoms(s: &mut World) {
    expect(s, "/status", &["Checkout", "0.0% ok", "500 Internal Server Error"]);
    expect(s, "kubectl get pvc -n shop", &["db-data-v2   Pending"]);
    expect(
        s,
        "kubectl describe pvc db-data-v2 -n shop",
        &["FailedBinding", "no persistent volumes available for this claim and no storage class is set"],
    );
    expect(s, "kubectl get pods -n shop -l app=db", &["0/1", "Pending"]);
    expect(s, "kubectl describe pod -n shop -l app=db", &["pod has unbound immediate PersistentVolumeClaims"]);
    expect(s, "kubectl logs deploy/web -n shop --tail=1", &["5432: connect: connection refused"]);
    expect_not(s, "kubectl get storageclass", &["(default)"]);
}

/// The symptoms of mode 25 after the fix, and the win.
fn m25_cleared(s: &mut World) {
    settle(s, 3);
    expect(s, "kubectl get storageclass", &["standard (default)"]);
    expect(s, "kubectl get pvc -n shop", &["db-data-v2   Bound"]);
    expect(s, "kubectl get pods -n shop -l app=db", &["1/1", "Running"]);
    healthy(s);
    assert_wins(s);
}

#[test]
fn m25_pvc_pending_without_default_class() {
    let mut s = session("modes/m25-pvc-no-default-class.ron");
    m25_symptoms(&mut s);
    ok(
        &mut s,
        r#"kubectl patch storageclass standard -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'"#,
    );
    m25_cleared(&mut s);
}

#[test]
fn m25_default_class_by_annotation_also_fixes_it() {
    let mut s = session("modes/m25-pvc-no-default-class.ron");
    m25_symptoms(&mut s);
    ok(&mut s, "kubectl annotate storageclass standard storageclass.kubernetes.io/is-default-class=true --overwrite");
    m25_cleared(&mut s);
}

#[test]
fn m26_resource_quota_exhausted() {
    let mut s = session("modes/m26-quota-exhausted.ron");
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect_not(&mut s, "/status", &["100.0% ok"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    2/4"]);
    expect(
        &mut s,
        "kubectl describe rs -n shop -l app=web",
        &["FailedCreate", "is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=2, limited: pods=2"],
    );
    expect(&mut s, "kubectl describe deploy web -n shop", &["ReplicaFailure   True    FailedCreate"]);
    expect(&mut s, "kubectl describe quota team-quota -n shop", &["pods        2     2"]);

    ok(&mut s, r#"kubectl patch resourcequota team-quota -n shop -p '{"spec":{"hard":{"pods":"10"}}}'"#);
    settle(&mut s, 3);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    4/4"]);
    expect(&mut s, "kubectl describe quota team-quota -n shop", &["pods        4     10"]);
    expect_not(&mut s, "kubectl describe deploy web -n shop", &["ReplicaFailure"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m28_pdb_blocks_drain() {
    let mut s = session("modes/m28-pdb-blocks-drain.ron");
    assert_condition(&s, "node node-1 is drained", false);
    expect(&mut s, "kubectl get nodes", &["node-1          Ready,SchedulingDisabled"]);
    expect(
        &mut s,
        "kubectl drain node-1 --ignore-daemonsets",
        &[
            "Cannot evict pod as it would violate the pod's disruption budget.",
            "error: unable to drain node \"node-1\"",
        ],
    );
    expect(&mut s, "kubectl get pdb -n shop", &["web    2               N/A               0"]);
    expect(&mut s, "kubectl get pods -n shop -o wide", &["node-1"]);

    ok(&mut s, r#"kubectl patch pdb web -n shop -p '{"spec":{"minAvailable":1}}'"#);
    expect(&mut s, "kubectl drain node-1 --ignore-daemonsets", &["evicted", "node/node-1 drained"]);
    settle(&mut s, 3);
    expect_not(&mut s, "kubectl get pods -n shop -o wide", &["node-1"]);
    // `--ignore-daemonsets` leaves the daemon set's pod on the node, as in a real cluster.
    expect(&mut s, "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=node-1", &["kube-proxy-"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    2/2"]);
    assert_condition(&s, "node node-1 is drained", true);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m28_scaling_up_also_lets_the_drain_through() {
    let mut s = session("modes/m28-pdb-blocks-drain.ron");
    expect(
        &mut s,
        "kubectl drain node-1 --ignore-daemonsets",
        &["Cannot evict pod as it would violate the pod's disruption budget."],
    );
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=3");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pdb -n shop", &["web    2               N/A               1"]);
    expect(&mut s, "kubectl drain node-1 --ignore-daemonsets", &["node/node-1 drained"]);
    settle(&mut s, 3);
    expect_not(&mut s, "kubectl get pods -n shop -o wide", &["node-1"]);
    // `--ignore-daemonsets` leaves the daemon set's pod on the node, as in a real cluster.
    expect(&mut s, "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=node-1", &["kube-proxy-"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    3/3"]);
    assert_wins(&mut s);
}

#[test]
fn m29_kubelet_stopped() {
    let mut s = session("modes/m29-kubelet-stopped.ron");
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect(&mut s, "kubectl get nodes", &["node-2          NotReady"]);
    expect(
        &mut s,
        "kubectl describe node node-2",
        &[
            "Ready            Unknown",
            "NodeStatusUnknown   Kubelet stopped posting node status.",
            "node.kubernetes.io/unreachable:NoExecute",
            "Node node-2 status is now: NodeNotReady",
        ],
    );
    // The node lifecycle controller marked its pods not ready.
    expect(&mut s, "kubectl get pods -n shop -o wide", &["0/1     Running", "node-2"]);
    expect(&mut s, "ssh node-2 -- systemctl status kubelet", &["inactive (dead)"]);

    ok(&mut s, "ssh node-2 -- systemctl start kubelet");
    settle(&mut s, 3);
    expect_not(&mut s, "kubectl get nodes", &["NotReady"]);
    expect(&mut s, "kubectl describe node node-2", &["KubeletReady"]);
    expect_not(&mut s, "kubectl describe node node-2", &["node.kubernetes.io/unreachable"]);
    expect(&mut s, "ssh node-2 -- systemctl status kubelet", &["active (running)"]);
    expect_not(&mut s, "kubectl get pods -n shop", &["0/1"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

/// Mode 29, left alone: five minutes after the node was lost, the taint manager evicts its pods.
/// They stay Terminating (no kubelet on the node confirms), and the replica set starts their
/// replacements on the node that is left.
#[test]
fn m29_a_lost_nodes_pods_are_evicted_after_their_toleration() {
    let mut s = session("modes/m29-kubelet-stopped.ron");
    expect_not(&mut s, "kubectl get events -n shop", &["TaintManagerEviction"]);
    wait(&mut s, 3);
    expect(&mut s, "kubectl get events -n shop", &["TaintManagerEviction", "Marking for deletion Pod shop/web-"]);
    let pods = ok(&mut s, "kubectl get pods -n shop -o wide");
    assert!(pods.lines().any(|l| l.contains("Terminating") && l.contains("node-2")), "{pods}");
    assert!(
        pods.lines()
            .any(|l| l.contains("1/1") && l.contains("Running") && l.contains("node-1") && l.starts_with("web-")),
        "{pods}"
    );
}

#[test]
fn m31_disk_pressure() {
    let mut s = session("modes/m31-disk-pressure.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok"]);
    expect(&mut s, "kubectl get pods -n shop", &["Evicted", "Pending"]);
    expect(
        &mut s,
        "kubectl describe node node-1",
        &["DiskPressure     True", "KubeletHasDiskPressure", "node.kubernetes.io/disk-pressure:NoSchedule"],
    );
    expect(&mut s, "kubectl get events -n shop", &["Evicted", "The node was low on resource: ephemeral-storage."]);
    expect(&mut s, "ssh node-1 -- du -sh /var/log/*", &["70G     /var/log/app"]);

    ok(&mut s, "ssh node-1 -- rm /var/log/app/debug.log");
    settle(&mut s, 4);
    expect(&mut s, "kubectl describe node node-1", &["DiskPressure     False", "KubeletHasNoDiskPressure"]);
    expect_not(&mut s, "kubectl describe node node-1", &["node.kubernetes.io/disk-pressure"]);
    let pods = expect(&mut s, "kubectl get pods -n shop --field-selector status.phase=Running", &["1/1", "Running"]);
    assert_eq!(pods.matches("1/1").count(), 2, "{pods}");
    healthy(&mut s);
    assert_wins(&mut s);
}

/// The symptoms of mode 35 before any fix.
fn m35_symptoms(s: &mut World) {
    expect(s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(s, "kubectl get pods -n shop", &["No resources found in shop namespace."]);
    expect(
        s,
        "kubectl get events -n shop",
        &[
            "FailedCreate",
            "Error creating: Internal error occurred: failed calling webhook \"validate.policy.example.com\"",
        ],
    );
    // Every deploy fails, the rollback included.
    expect(
        s,
        "kubectl rollout undo deployment/web -n shop",
        &[
            "Internal error occurred: failed calling webhook \"validate.policy.example.com\"",
            "connect: connection refused",
        ],
    );
    expect(s, "kubectl get validatingwebhookconfigurations", &["policy-check"]);
    expect(s, "kubectl get endpoints policy-webhook -n policy", &["<none>"]);
}

#[test]
fn m35_admission_webhook_down() {
    let mut s = session("modes/m35-webhook-down.ron");
    m35_symptoms(&mut s);
    ok(&mut s, "kubectl delete validatingwebhookconfiguration policy-check");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    expect_not(&mut s, "kubectl get validatingwebhookconfigurations", &["policy-check"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m35_failure_policy_ignore_also_fixes_it() {
    let mut s = session("modes/m35-webhook-down.ron");
    m35_symptoms(&mut s);
    ok(
        &mut s,
        r#"kubectl patch validatingwebhookconfiguration policy-check --type=json -p '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'"#,
    );
    settle(&mut s, 3);
    expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m36_mutating_webhook_reverts_image() {
    let mut s = session("modes/m36-webhook-reverts-image.ron");
    expect(&mut s, "/status", &["Storefront", "wrong or stale page"]);
    expect_not(&mut s, "/status", &["100.0% ok"]);
    let pods =
        expect(&mut s, "kubectl get pods -n shop -o jsonpath='{..image}'", &["registry.example.com/shop/web:2.3.0"]);
    assert!(!pods.contains("2.3.1"), "{pods}");
    expect(&mut s, "kubectl get deploy web -n shop -o jsonpath='{..image}'", &["registry.example.com/shop/web:2.3.1"]);
    expect(&mut s, "kubectl get mutatingwebhookconfigurations", &["cert-rotator-injector"]);
    // "Your fix didn't stick": re-deploying succeeds, yet the pods run the old image again.
    ok(&mut s, "kubectl rollout restart deployment/web -n shop");
    wait(&mut s, 2);
    let pods =
        expect(&mut s, "kubectl get pods -n shop -o jsonpath='{..image}'", &["registry.example.com/shop/web:2.3.0"]);
    assert!(!pods.contains("2.3.1"), "{pods}");
    // Deleting the webhook alone does not last: its controller puts it back.
    ok(&mut s, "kubectl delete mutatingwebhookconfiguration cert-rotator-injector");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get mutatingwebhookconfigurations", &["cert-rotator-injector"]);

    ok(&mut s, "kubectl delete deployment cert-rotator -n platform-tools");
    ok(&mut s, "kubectl delete mutatingwebhookconfiguration cert-rotator-injector");
    ok(&mut s, "kubectl rollout restart deployment/web -n shop");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get mutatingwebhookconfigurations", &["No resources found"]);
    let pods =
        expect(&mut s, "kubectl get pods -n shop -o jsonpath='{..image}'", &["registry.example.com/shop/web:2.3.1"]);
    assert!(!pods.contains("2.3.0"), "{pods}");
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m39_rbac_forbidden() {
    let mut s = session("modes/m39-rbac-forbidden.ron");
    assert_condition(&s, "system:serviceaccount:shop:log-shipper may list pods in shop", false);
    expect(
        &mut s,
        "kubectl logs deploy/log-shipper -n shop --tail=1",
        &[
            r#"pods is forbidden: User "system:serviceaccount:shop:log-shipper" cannot list resource "pods" in API group "" in the namespace "shop""#,
        ],
    );
    assert!(logged_lately(&mut s, "kubectl logs deploy/log-shipper -n shop", "pods is forbidden"));
    expect(&mut s, "kubectl auth can-i list pods --as=system:serviceaccount:shop:log-shipper -n shop", &["no"]);
    expect(&mut s, "kubectl get rolebindings -n shop", &["No resources found in shop namespace."]);

    ok(&mut s, "kubectl create role pod-reader --verb=get,list,watch --resource=pods -n shop");
    ok(
        &mut s,
        "kubectl create rolebinding log-shipper-pod-reader --role=pod-reader --serviceaccount=shop:log-shipper -n shop",
    );
    expect(&mut s, "kubectl auth can-i list pods --as=system:serviceaccount:shop:log-shipper -n shop", &["yes"]);
    settle(&mut s, 3);
    assert!(
        !logged_lately(&mut s, "kubectl logs deploy/log-shipper -n shop", "pods is forbidden"),
        "RBAC errors are still logged"
    );
    assert_condition(&s, "system:serviceaccount:shop:log-shipper may list pods in shop", true);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m42_hpa_max_too_low() {
    let mut s = session("modes/m42-hpa-max-too-low.ron");
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect_not(&mut s, "/status", &["100.0% ok"]);
    // TARGETS far over the target, REPLICAS = MAXPODS.
    expect(&mut s, "kubectl get hpa -n shop", &["cpu: 117%/50%", "2         3         3"]);
    expect(
        &mut s,
        "kubectl describe hpa web -n shop",
        &["ScalingLimited  True    TooManyReplicas   the desired replica count is more than the maximum replica count"],
    );

    ok(&mut s, r#"kubectl patch hpa web -n shop -p '{"spec":{"maxReplicas":10}}'"#);
    settle(&mut s, 4);
    let hpa = expect(&mut s, "kubectl get hpa -n shop", &["2         10"]);
    assert!(!hpa.contains("117%"), "{hpa}");
    expect_not(&mut s, "kubectl describe hpa web -n shop", &["TooManyReplicas"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m43_hpa_without_metrics() {
    let mut s = session("modes/m43-hpa-no-metrics.ron");
    expect(&mut s, "kubectl get hpa -n shop", &["cpu: <unknown>/50%"]);
    expect(
        &mut s,
        "kubectl describe hpa web -n shop",
        &[
            "ScalingActive  False   FailedGetResourceMetric",
            "failed to get cpu utilization: missing request for cpu in container web of Pod web-",
        ],
    );
    // The campaign traffic arrives and nothing scales.
    wait(&mut s, 1);
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    2/2"]);

    ok(&mut s, "kubectl set resources deployment/web -n shop --requests=cpu=100m");
    settle(&mut s, 5);
    expect_not(&mut s, "kubectl get hpa -n shop", &["<unknown>"]);
    expect(&mut s, "kubectl describe hpa web -n shop", &["SuccessfulRescale", "ScalingActive   True"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m43_metrics_server_down() {
    let mut s = session("modes/m43-metrics-server-down.ron");
    expect(&mut s, "kubectl get hpa -n shop", &["cpu: <unknown>/50%"]);
    expect(
        &mut s,
        "kubectl describe hpa web -n shop",
        &[
            "AbleToScale    True    SucceededGetScale",
            "ScalingActive  False   FailedGetResourceMetric",
            "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)",
            "FailedGetResourceMetric",
        ],
    );
    expect(&mut s, "kubectl top pods -n shop", &["error: Metrics API not available"]);
    expect(&mut s, "kubectl top nodes", &["error: Metrics API not available"]);
    expect(&mut s, "kubectl get deploy metrics-server -n kube-system", &["metrics-server   0/0"]);
    // The campaign traffic arrives and nothing scales.
    wait(&mut s, 1);
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    2/2"]);

    ok(&mut s, "kubectl scale deploy metrics-server -n kube-system --replicas=1");
    settle(&mut s, 5);
    expect_not(&mut s, "kubectl get hpa -n shop", &["<unknown>"]);
    expect(&mut s, "kubectl describe hpa web -n shop", &["SuccessfulRescale", "ScalingActive   True"]);
    expect(&mut s, "kubectl top pods -n shop", &["NAME", "CPU(cores)", "web-"]);
    expect_not(&mut s, "kubectl get deploy web -n shop", &["web    2/2"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m44_rollout_stuck() {
    let mut s = session("modes/m44-rollout-stuck.ron");
    expect(&mut s, "/status", &["Storefront", "504 Gateway Time-out (overloaded)"]);
    expect(&mut s, "kubectl get pods -n shop", &["ImagePullBackOff", "1/1     Running"]);
    expect(
        &mut s,
        "kubectl rollout status deployment/web -n shop",
        &["error: deployment \"web\" exceeded its progress deadline"],
    );
    expect(&mut s, "kubectl describe deployment web -n shop", &["Progressing    False   ProgressDeadlineExceeded"]);
    expect(
        &mut s,
        "kubectl get deployment web -n shop -o yaml",
        &[r#"message: ReplicaSet "web-"#, "has timed out progressing."],
    );
    expect(&mut s, "kubectl rollout history deployment/web -n shop", &["release 2.4.0"]);

    ok(&mut s, "kubectl rollout undo deployment/web -n shop");
    settle(&mut s, 4);
    expect(&mut s, "kubectl rollout status deployment/web -n shop", &["successfully rolled out"]);
    expect_not(&mut s, "kubectl get pods -n shop", &["ImagePull"]);
    expect_not(&mut s, "kubectl describe deployment web -n shop", &["ProgressDeadlineExceeded"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

#[test]
fn m45_scaled_to_zero_by_a_rogue_actor() {
    let mut s = session("modes/m45-scaled-to-zero.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    0/0"]);
    expect(&mut s, "kubectl get events -n shop", &["Scaled down replica set web-", "to 0 from 3"]);
    expect(
        &mut s,
        "kubectl logs deploy/cost-saver -n shop",
        &["scaling idle workloads to zero", "deployment shop/web"],
    );
    // Something keeps re-scaling it: scaling back up does not last.
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=3");
    expect(&mut s, "kubectl get deploy web -n shop", &["web    0/3"]);
    wait(&mut s, 1);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    0/0"]);
    expect(&mut s, "/status", &["0.0% ok"]);

    ok(&mut s, "kubectl delete deployment cost-saver -n shop");
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=3");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    3/3"]);
    healthy(&mut s);
    assert_wins(&mut s);
}

/// Whether the win condition worded `text` holds (the game master's view of them; `/status` does
/// not show them to players).
fn assert_condition(s: &World, text: &str, holds: bool) {
    let conditions = s.win_conditions();
    assert!(conditions.contains(&(text.to_owned(), holds)), "{text} should hold: {holds}; conditions: {conditions:?}");
}
