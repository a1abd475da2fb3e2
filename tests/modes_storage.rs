//! Storage topology (issue 12): a local volume's node affinity pins its pod to one node, so a pod
//! whose volume's node is cordoned stays Pending with the scheduler's `volume node affinity
//! conflict`, and the data never moves. Failure mode 24 of docs/failure-catalog.md reached through
//! a volume rather than a node selector, reproduced from cause and fixed by uncordoning the node.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

const FIXTURE: &str = "modes/m24-local-volume-cordoned.ron";

#[test]
fn the_local_volume_fixture_is_proven() {
    assert_proven(FIXTURE);
}

/// kube-scheduler's `NodeUnschedulable` filter rejects the cordoned node and `TaintToleration` the
/// kubeadm control plane before `VolumeBinding` gets to them; `VolumeBinding` rejects the other
/// workers because the bound local volume's `nodeAffinity` names only node-1.
#[test]
fn a_database_pinned_by_its_local_volume_to_a_cordoned_node_stays_pending_until_uncordoned() {
    let mut s = session(FIXTURE);
    expect(&mut s, "kubectl get pods -n shop -l app=db", &["0/1     Pending"]);
    expect(
        &mut s,
        "kubectl describe pods -n shop -l app=db",
        &[
            "FailedScheduling",
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
        ],
    );
    // The claim is bound; it is the volume behind it that lives on node-1 only.
    expect(&mut s, "kubectl get pvc db-data -n shop", &["Bound", "db-local"]);
    expect(
        &mut s,
        "kubectl describe pv db-local",
        &[
            "Node Affinity:",
            "Required Terms:",
            "Term 0:",
            "kubernetes.io/hostname in [node-1]",
            "LocalVolume (a persistent volume backed by local storage on a node)",
            "/mnt/disks/ssd1",
        ],
    );
    let yaml = ok(&mut s, "kubectl get pv db-local -o yaml");
    for needle in [
        "  local:\n    path: /mnt/disks/ssd1\n",
        "  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: kubernetes.io/hostname\n          operator: In\n          values:\n          - node-1\n",
    ] {
        assert!(yaml.contains(needle), "{needle:?} in:\n{yaml}");
    }
    assert!(!yaml.contains("hostPath"), "a local volume has no hostPath:\n{yaml}");
    expect(&mut s, "kubectl get sc", &["VOLUMEBINDINGMODE", "WaitForFirstConsumer"]);
    expect(&mut s, "kubectl get nodes", &["node-1          Ready,SchedulingDisabled"]);

    // Deleting the pod only makes another one that cannot go anywhere either.
    ok(&mut s, "kubectl delete pods -n shop -l app=db");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n shop -l app=db", &["Pending"]);
    expect_not(&mut s, "kubectl get pods -n shop -l app=db -o wide", &["node-2", "node-3"]);

    ok(&mut s, "kubectl uncordon node-1");
    // Until the win conditions start holding (the incident then ends a few turns later).
    for _ in 0..3 {
        if s.held > 0 {
            break;
        }
        wait(&mut s, 1);
    }
    assert!(s.held > 0, "uncordoning did not fix it:\n{}", s.status());
    expect(&mut s, "kubectl get pods -n shop -l app=db -o wide", &["1/1     Running", "node-1"]);
    let events = run(&mut s, "kubectl get events -n shop");
    assert!(events.contains("Successfully assigned shop/db-"), "{events}");
    assert_wins(&mut s);
}
