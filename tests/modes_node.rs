//! Failure modes of the nodes and the objects' lifecycle, reproduced from cause (docs/failure-catalog.md
//! rows 9, 27, 30, 32 and 33): each fixture breaks what a real cluster has (a finalizer nobody
//! removes, the kubelet's config, swap, the CNI config, a quota or limit range), the test reads
//! the symptoms through the console, applies the catalog's fix and checks the symptoms clear.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

const FIXTURES: &[&str] = &["modes/m09-finalizer-stuck.ron"];

#[test]
fn every_node_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

/// Mode 9: a deleted pod with a finalizer stays `Terminating`, out of its service's endpoints,
/// and its StatefulSet cannot make a new one under the same name; even a forced deletion leaves
/// it; removing the finalizer lets it go and the set replaces it.
#[test]
fn m09_finalizer_holds_a_deleted_pod() {
    let mut s = session("modes/m09-finalizer-stuck.ron");
    assert!(s.ending.is_none());
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n shop", &["db-0", "0/1", "Terminating"]);
    expect(
        &mut s,
        "kubectl get pod db-0 -n shop -o jsonpath='{.metadata.finalizers}'",
        &[r#"["backup.example.com/snapshot-protection"]"#],
    );
    expect(&mut s, "kubectl get pod db-0 -n shop -o yaml", &["deletionTimestamp:", "finalizers:", "- backup.example.com/snapshot-protection"]);
    expect(&mut s, "kubectl describe pod db-0 -n shop", &["Terminating (lasts ", "Termination Grace Period:"]);
    let eps = run(&mut s, "kubectl get endpoints db -n shop");
    assert!(eps.contains("<none>"), "a terminating pod is no endpoint:\n{eps}");
    // Forcing the deletion does not remove a finalizer: kubectl warns, says so, and the pod stays.
    let forced = ok(&mut s, "kubectl delete pod db-0 -n shop --force --grace-period=0");
    assert!(forced.contains("Immediate deletion does not wait for confirmation"), "{forced}");
    assert!(forced.contains("pod \"db-0\" force deleted"), "{forced}");
    wait(&mut s, 2);
    expect(&mut s, "kubectl get pods -n shop", &["db-0", "Terminating"]);
    // A deleting object may lose finalizers, never gain one.
    let refused = run(&mut s, r#"kubectl patch pod db-0 -n shop --type=merge -p '{"metadata":{"finalizers":["a.example.com/x","backup.example.com/snapshot-protection"]}}'"#);
    assert!(
        refused.contains(r#"metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.example.com/x"}"#),
        "{refused}"
    );
    ok(&mut s, r#"kubectl patch pod db-0 -n shop --type=merge -p '{"metadata":{"finalizers":null}}'"#);
    wait(&mut s, 1);
    let pods = expect_not(&mut s, "kubectl get pods -n shop", &["Terminating"]);
    assert!(pods.contains("db-0"), "the set made a new db-0:\n{pods}");
    let fresh = ok(&mut s, "kubectl get pod db-0 -n shop -o jsonpath='{.metadata.finalizers}'");
    assert_eq!(fresh.trim(), "", "the new db-0 has no finalizer");
    assert_wins(&mut s);
}

/// Mode 9, by a JSON patch: removing the one finalizer by its path works as well.
#[test]
fn m09_json_patch_removes_the_finalizer() {
    let mut s = session("modes/m09-finalizer-stuck.ron");
    ok(&mut s, r#"kubectl patch pod db-0 -n shop --type=json -p '[{"op":"remove","path":"/metadata/finalizers/0"}]'"#);
    wait(&mut s, 1);
    expect_not(&mut s, "kubectl get pods -n shop", &["Terminating"]);
    assert_wins(&mut s);
}
