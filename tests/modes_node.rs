//! Failure modes of the nodes and the objects' lifecycle, reproduced from cause (docs/failure-catalog.md
//! rows 9, 27, 30, 32 and 33): each fixture breaks what a real cluster has (a finalizer nobody
//! removes, a quota and a limit range, the kubelet's config, the CNI config, swap), the test reads the symptoms
//! through the console, applies the catalog's fix and checks the symptoms clear.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

const FIXTURES: &[&str] = &[
    "modes/m09-finalizer-stuck.ron",
    "modes/m27-quota-demands-limits.ron",
    "modes/m30-cni-config-missing.ron",
    "modes/m32-kubelet-reserves-everything.ron",
    "modes/m33-swap-kubelet-refuses.ron",
];

#[test]
fn every_node_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

/// Mode 9: a deleted pod with a finalizer stays `Terminating`, out of its service's endpoints,
/// and its `StatefulSet` cannot make a new one under the same name; even a forced deletion leaves
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
    expect(
        &mut s,
        "kubectl get pod db-0 -n shop -o yaml",
        &["deletionTimestamp:", "finalizers:", "- backup.example.com/snapshot-protection"],
    );
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
    let refused = run(
        &mut s,
        r#"kubectl patch pod db-0 -n shop --type=merge -p '{"metadata":{"finalizers":["a.example.com/x","backup.example.com/snapshot-protection"]}}'"#,
    );
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

/// Mode 32: the kubelets reserve nearly the whole machine and take five pods at most. The new
/// release's pods stay Pending though the nodes look idle; `describe node` shows Allocatable far
/// below Capacity. Fixing the file changes nothing until the kubelet restarts and reads it.
#[test]
fn m32_kubelet_config_shrinks_allocatable() {
    let mut s = session("modes/m32-kubelet-reserves-everything.ron");
    wait(&mut s, 1);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["Pending"]);
    let pending = pods
        .lines()
        .find(|l| l.contains("Pending"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    let described = ok(&mut s, &format!("kubectl describe pod {pending} -n shop"));
    assert!(described.contains("FailedScheduling"), "{described}");
    assert!(described.contains("Insufficient cpu") || described.contains("Too many pods"), "{described}");
    let node = ok(&mut s, "kubectl describe node node-1");
    let allocatable = node.split("Allocatable:").nth(1).unwrap_or_default();
    assert!(node.contains("Capacity:\n  cpu:                4\n"), "{node}");
    assert!(allocatable.starts_with("\n  cpu:                500m\n"), "{node}");
    assert!(allocatable.contains("  pods:               5\n"), "{node}");
    expect(
        &mut s,
        "ssh node-1 -- cat /var/lib/kubelet/config.yaml",
        &["maxPods: 5\nsystemReserved: {cpu: 3500m, memory: 14Gi}"],
    );
    for n in ["node-1", "node-2"] {
        ok(&mut s, &format!("ssh {n} -- sed -i 's/maxPods: 5/maxPods: 110/' /var/lib/kubelet/config.yaml"));
        ok(
            &mut s,
            &format!(
                "ssh {n} -- sed -i 's/systemReserved: {{cpu: 3500m, memory: 14Gi}}/systemReserved: {{cpu: 100m, memory: 256Mi}}/' /var/lib/kubelet/config.yaml"
            ),
        );
    }
    // The file is fixed, but the running kubelets read it when they started.
    wait(&mut s, 2);
    expect(&mut s, "kubectl describe node node-1", &["  pods:               5\n"]);
    expect(&mut s, "kubectl get pods -n shop", &["Pending"]);
    for n in ["node-1", "node-2"] {
        ok(&mut s, &format!("ssh {n} -- systemctl restart kubelet"));
    }
    expect(&mut s, "kubectl describe node node-1", &["  cpu:                3900m\n", "  pods:               110\n"]);
    expect(&mut s, "ssh node-1 -- systemctl status kubelet", &["Active: active (running)"]);
    assert_wins(&mut s);
}

/// A kubelet config the kubelet cannot decode: the restart fails with the kubelet's own error in
/// `journalctl` and `systemctl status`, the node goes `NotReady`, and systemd's retry brings the
/// kubelet back once the file is fixed.
#[test]
fn m32_invalid_kubelet_config_fails_the_restart() {
    let mut s = session("modes/m32-kubelet-reserves-everything.ron");
    ok(&mut s, "ssh node-1 -- sed -i 's/maxPods: 5/maxPods: five/' /var/lib/kubelet/config.yaml");
    ok(&mut s, "ssh node-1 -- systemctl restart kubelet");
    expect(
        &mut s,
        "ssh node-1 -- systemctl status kubelet",
        &["Active: activating (auto-restart) (Result: exit-code)", "(code=exited, status=1/FAILURE)"],
    );
    expect(
        &mut s,
        "ssh node-1 -- journalctl -u kubelet",
        &[
            r#"run.go:72] "command failed" err="failed to load kubelet config file, path: /var/lib/kubelet/config.yaml, error: failed to load Kubelet config file /var/lib/kubelet/config.yaml, error failed to decode: json: cannot unmarshal string into Go struct field KubeletConfiguration.maxPods of type int32""#,
            "kubelet.service: Main process exited, code=exited, status=1/FAILURE",
        ],
    );
    wait(&mut s, 1);
    expect(&mut s, "kubectl get nodes", &["node-1          NotReady"]);
    expect(&mut s, "ssh node-1 -- journalctl -u kubelet", &["Scheduled restart job, restart counter is at"]);
    ok(&mut s, "ssh node-1 -- sed -i 's/maxPods: five/maxPods: 110/' /var/lib/kubelet/config.yaml");
    wait(&mut s, 1);
    expect(&mut s, "ssh node-1 -- systemctl is-active kubelet", &["active"]);
    expect_not(&mut s, "kubectl get nodes", &["NotReady"]);
}

/// Mode 33: swap came on at boot from `/etc/fstab`; the kubelet refuses to start with it, so the
/// node goes `NotReady`. `swapoff -a` and an fstab edit, then a restart, bring it back, and a
/// reboot afterwards keeps it.
#[test]
fn m33_swap_stops_the_kubelet() {
    let mut s = session("modes/m33-swap-kubelet-refuses.ron");
    expect(&mut s, "kubectl get nodes", &["node-2          NotReady"]);
    expect(
        &mut s,
        "kubectl describe node node-2",
        &["Kubelet stopped posting node status.", "node.kubernetes.io/unreachable"],
    );
    expect(
        &mut s,
        "ssh node-2 -- journalctl -u kubelet",
        &[
            r#""command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false""#,
        ],
    );
    expect(&mut s, "ssh node-2 -- systemctl status kubelet", &["activating (auto-restart) (Result: exit-code)"]);
    expect(&mut s, "ssh node-2 -- swapon --show", &["/swap.img file   4G   0B   -2"]);
    expect(&mut s, "ssh node-2 -- cat /proc/swaps", &["/swap.img"]);
    expect(&mut s, "ssh node-2 -- free -h", &["Swap:         4095Mi"]);
    expect(&mut s, "ssh node-2 -- cat /etc/fstab", &["/swap.img\tnone\tswap\tsw\t0\t0"]);
    // Restarting alone fails again.
    ok(&mut s, "ssh node-2 -- systemctl restart kubelet");
    expect(&mut s, "ssh node-2 -- systemctl is-active kubelet", &["activating"]);
    ok(&mut s, "ssh node-2 -- swapoff -a");
    assert_eq!(ok(&mut s, "ssh node-2 -- swapon --show"), "");
    ok(&mut s, "ssh node-2 -- sed -i 's|/swap.img|#/swap.img|' /etc/fstab");
    ok(&mut s, "ssh node-2 -- systemctl restart kubelet");
    expect(&mut s, "ssh node-2 -- systemctl status kubelet", &["Active: active (running)"]);
    // The fstab edit keeps swap off across a reboot.
    ok(&mut s, "ssh node-2 -- reboot");
    expect(&mut s, "ssh node-2 -- systemctl is-active kubelet", &["active"]);
    assert_wins(&mut s);
}

/// Mode 33, the half fix: swap off but still in `/etc/fstab`, so the next reboot loses the node
/// again.
#[test]
fn m33_swapoff_without_fstab_does_not_survive_a_reboot() {
    let mut s = session("modes/m33-swap-kubelet-refuses.ron");
    ok(&mut s, "ssh node-2 -- swapoff -a");
    ok(&mut s, "ssh node-2 -- systemctl restart kubelet");
    expect(&mut s, "ssh node-2 -- systemctl is-active kubelet", &["active"]);
    let closed = ok(&mut s, "ssh node-2 -- reboot");
    assert_eq!(closed, "Connection to node-2 closed by remote host.");
    expect(&mut s, "ssh node-2 -- systemctl is-active kubelet", &["activating"]);
    expect(&mut s, "ssh node-2 -- swapon --show", &["/swap.img"]);
}

/// Mode 27: a quota that counts limits refuses pods without them, and a `LimitRange` refuses a
/// limit above its maximum; both show as the replica set's `FailedCreate` events in the API
/// server's words. Limits within the range let the release roll out.
#[test]
fn m27_quota_demands_limits_and_limit_range_caps_them() {
    let mut s = session("modes/m27-quota-demands-limits.ron");
    wait(&mut s, 1);
    let events = ok(&mut s, "kubectl get events -n shop");
    assert!(events.contains("FailedCreate"), "{events}");
    assert!(
        events.contains("is forbidden: failed quota: q: must specify limits.cpu for: web; limits.memory for: web"),
        "{events}"
    );
    expect_not(&mut s, "kubectl get pods -n shop", &["Pending", "ContainerCreating"]);
    ok(&mut s, "kubectl set resources deployment/web -n shop --limits=cpu=500m,memory=2Gi");
    wait(&mut s, 1);
    expect(
        &mut s,
        "kubectl get events -n shop",
        &["is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi"],
    );
    ok(&mut s, "kubectl set resources deployment/web -n shop --limits=cpu=500m,memory=512Mi");
    assert_wins(&mut s);
}

/// Mode 30: flannel's config renamed aside on both workers. containerd loads no network, so the
/// kubelets report the nodes `NotReady` with the runtime's words and the not-ready taint keeps new
/// pods off them; the old pods still serve. A pod forced onto such a node gets no sandbox.
/// Renaming the file back is enough: containerd reloads it, no restart needed.
#[test]
fn m30_missing_cni_config_makes_the_workers_not_ready() {
    let mut s = session("modes/m30-cni-config-missing.ron");
    assert!(s.ending.is_none());
    wait(&mut s, 1);
    let nodes = ok(&mut s, "kubectl get nodes");
    for n in ["node-1", "node-2"] {
        let line = nodes.lines().find(|l| l.starts_with(n)).unwrap_or_default();
        assert!(line.contains("NotReady"), "{n} is NotReady:\n{nodes}");
    }
    expect(
        &mut s,
        "kubectl describe node node-1",
        &[
            "node.kubernetes.io/not-ready:NoSchedule",
            "KubeletNotReady",
            "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
        ],
    );
    expect(&mut s, "kubectl get pods -n shop", &["Pending", "Running"]);
    expect(
        &mut s,
        "kubectl get events -n shop",
        &["FailedScheduling", "untolerated taint {node.kubernetes.io/not-ready: }"],
    );
    expect(&mut s, "ssh node-1 -- ls /etc/cni/net.d", &["10-flannel.conflist.bak"]);
    expect(&mut s, "ssh node-1 -- ls /opt/cni/bin", &["flannel", "portmap", "loopback", "bridge"]);
    expect(
        &mut s,
        "ssh control-plane -- cat /etc/cni/net.d/10-flannel.conflist",
        &["\"type\": \"flannel\"", "\"name\": \"cbr0\""],
    );
    // Running pods keep serving: the storefront is up on the old release.
    let eps = ok(&mut s, "kubectl get endpoints web -n shop");
    assert!(!eps.contains("<none>"), "the old pods still serve:\n{eps}");

    // Taking the taint off does not last: the kubelet's condition puts it back.
    ok(&mut s, "kubectl taint nodes node-1 node.kubernetes.io/not-ready:NoSchedule-");
    wait(&mut s, 1);
    expect(&mut s, "kubectl describe node node-1", &["node.kubernetes.io/not-ready:NoSchedule"]);
    // Tolerating the taint places the new pods, but they get no sandbox without a network.
    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoSchedule"}]}}}}'"#,
    );
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n shop", &["ContainerCreating"]);
    expect(
        &mut s,
        "kubectl get events -n shop",
        &[
            "FailedCreatePodSandBox",
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"",
            "\": cni plugin not initialized",
        ],
    );
    expect(&mut s, "kubectl describe node node-1", &["node.kubernetes.io/not-ready:NoSchedule"]);

    for n in ["node-1", "node-2"] {
        ok(&mut s, &format!("ssh {n} -- mv /etc/cni/net.d/10-flannel.conflist.bak /etc/cni/net.d/10-flannel.conflist"));
    }
    wait(&mut s, 1);
    expect_not(&mut s, "kubectl get nodes", &["NotReady"]);
    expect_not(&mut s, "kubectl describe node node-1", &["not-ready", "NetworkPluginNotReady"]);
    wait(&mut s, 3);
    expect_not(&mut s, "kubectl get pods -n shop", &["Pending", "ContainerCreating"]);
    assert_wins(&mut s);
}

/// Mode 30, garbled: a config that no longer parses is skipped as a missing one is; mending it
/// with `sed` brings the node back, again without a restart.
#[test]
fn m30_a_garbled_cni_config_is_no_config() {
    let mut s = session("modes/m30-cni-config-missing.ron");
    ok(
        &mut s,
        r#"ssh node-2 -- sed -i 's/"type": "flannel",/"type": "flannel"/' /etc/cni/net.d/10-flannel.conflist.bak"#,
    );
    for n in ["node-1", "node-2"] {
        ok(&mut s, &format!("ssh {n} -- mv /etc/cni/net.d/10-flannel.conflist.bak /etc/cni/net.d/10-flannel.conflist"));
    }
    wait(&mut s, 1);
    let nodes = ok(&mut s, "kubectl get nodes");
    let line = |name: &str| nodes.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_owned();
    assert!(!line("node-1").contains("NotReady"), "node-1 has its config back:\n{nodes}");
    assert!(line("node-2").contains("NotReady"), "a garbled config is no config:\n{nodes}");
    expect(&mut s, "kubectl describe node node-2", &["cni plugin not initialized"]);
    ok(&mut s, r#"ssh node-2 -- sed -i 's/"type": "flannel"/"type": "flannel",/' /etc/cni/net.d/10-flannel.conflist"#);
    wait(&mut s, 1);
    expect_not(&mut s, "kubectl get nodes", &["NotReady"]);
    wait(&mut s, 3);
    assert_wins(&mut s);
}
