//! The cluster autoscaler (failure mode 22 with a node pool that can grow): it adds nodes for
//! unschedulable pods within its `--nodes` flags, the nodes join `NotReady` and become `Ready`, and
//! it fails the way the real one does: at the group's maximum, for a pod no template fits, and
//! not at all (silently) when its own pod is not running. Everything is read through the console.

mod common;

use common::{SEED, assert_proven, load};
use kombat::sim::Cluster;
use kombat::sim::kubectl;

const FIXTURE: &str = "modes/m22-autoscaler-at-max.ron";
const RAISE_MAX: &str = "patch deployment cluster-autoscaler -n kube-system --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/args/4\",\"value\":\"--nodes=3:5:pool-a\"}]'";

fn incident() -> Cluster {
    kombat::scenario::build_cluster(&load(FIXTURE), SEED).expect("the fixture builds")
}

fn console(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line);
    assert!(out.ok, "{line}: {}", out.output);
    out.output
}

/// The `get nodes` row of a node, if it is registered.
fn node_row(c: &mut Cluster, name: &str) -> Option<String> {
    console(c, "get nodes --no-headers").lines().find(|l| l.split_whitespace().next() == Some(name)).map(str::to_owned)
}

fn pending_pods(c: &mut Cluster) -> Vec<String> {
    console(c, "get pods -n shop --no-headers")
        .lines()
        .filter(|l| l.contains("Pending"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Autoscaler events recorded at or after `since`.
fn autoscaler_events_since(c: &Cluster, since: i64) -> Vec<String> {
    c.events.iter().filter(|e| e.source == "cluster-autoscaler" && e.last >= since).map(|e| e.message.clone()).collect()
}

#[test]
fn the_fixture_is_proven() {
    assert_proven(FIXTURE);
}

#[test]
fn at_its_maximum_the_autoscaler_says_so_and_adds_nothing() {
    let mut c = incident();
    let pending = pending_pods(&mut c);
    assert_eq!(pending.len(), 2, "{pending:?}");
    let describe = console(&mut c, &format!("describe pod {} -n shop", pending[0]));
    assert!(describe.contains("Insufficient cpu"), "{describe}");
    assert!(describe.contains("NotTriggerScaleUp"), "{describe}");
    assert!(describe.contains("pod didn't trigger scale-up: 1 max node group size reached"), "{describe}");
    let status = console(&mut c, "get configmap cluster-autoscaler-status -n kube-system -o yaml");
    for needle in ["autoscalerStatus: Running", "- name: pool-a", "cloudProviderTarget: 3", "minSize: 3", "maxSize: 3"]
    {
        assert!(status.contains(needle), "{needle}:\n{status}");
    }
    let logs = console(&mut c, "logs -n kube-system deploy/cluster-autoscaler --tail=20");
    assert!(logs.contains("Skipping node group pool-a - max size reached"), "{logs}");
    assert!(logs.contains("No expansion options"), "{logs}");
    assert!(logs.contains(&format!("Pod shop/{} is unschedulable", pending[0])), "{logs}");
    let deploy = console(&mut c, "get deployment cluster-autoscaler -n kube-system -o yaml");
    assert!(deploy.contains("- --nodes=3:3:pool-a"), "{deploy}");
    c.advance_seconds(600);
    assert_eq!(node_row(&mut c, "pool-a-4"), None);
    assert_eq!(pending_pods(&mut c).len(), 2);
}

#[test]
fn raising_the_maximum_adds_a_node_that_joins_not_ready_then_takes_the_pods() {
    let mut c = incident();
    let pending = pending_pods(&mut c);
    console(&mut c, RAISE_MAX);
    let mut joined_at = None;
    for _ in 0..12 {
        c.step();
        if node_row(&mut c, "pool-a-4").is_some() {
            joined_at = Some(c.now);
            break;
        }
    }
    assert!(joined_at.is_some(), "no node within two minutes:\n{}", console(&mut c, "get nodes"));
    c.step();
    let row = node_row(&mut c, "pool-a-4").unwrap_or_default();
    assert!(row.contains("NotReady"), "{row}");
    let node = console(&mut c, "describe node pool-a-4");
    assert!(node.contains("KubeletNotReady"), "{node}");
    assert!(node.contains("node.kubernetes.io/not-ready:NoSchedule"), "{node}");
    assert!(node.contains("node.kubernetes.io/instance-type=m5.large"), "{node}");
    // Both pending pods fit one new m5.large (with its kube-proxy), so one node is enough.
    for pod in &pending {
        let describe = console(&mut c, &format!("describe pod {pod} -n shop"));
        assert!(describe.contains("TriggeredScaleUp"), "{describe}");
        assert!(describe.contains("pod triggered scale-up: [{pool-a 3->4 (max: 5)}]"), "{describe}");
    }
    let logs = console(&mut c, "logs -n kube-system deploy/cluster-autoscaler --tail=30");
    assert!(logs.contains("Final scale-up plan: [{pool-a 3->4 (max: 5)}]"), "{logs}");
    assert!(logs.contains("Scale-up: setting group pool-a size to 4"), "{logs}");
    let status = console(&mut c, "get configmap cluster-autoscaler-status -n kube-system -o yaml");
    assert!(status.contains("cloudProviderTarget: 4"), "{status}");
    assert!(status.contains("maxSize: 5"), "{status}");
    assert!(status.contains("notStarted: 1"), "{status}");
    c.advance_seconds(120);
    let row = node_row(&mut c, "pool-a-4").unwrap_or_default();
    assert!(row.split_whitespace().nth(1) == Some("Ready"), "{row}");
    assert!(pending_pods(&mut c).is_empty(), "{}", console(&mut c, "get pods -n shop -o wide"));
    let wide = console(&mut c, "get pods -n shop -o wide");
    assert_eq!(wide.lines().filter(|l| l.contains("pool-a-4")).count(), 2, "{wide}");
    assert_eq!(node_row(&mut c, "pool-a-5"), None, "one node was enough");
    let events = console(&mut c, "get events -A");
    assert!(events.contains("Node pool-a-4 status is now: NodeReady"), "{events}");
}

#[test]
fn a_pod_no_template_fits_does_not_trigger_a_scale_up() {
    let mut c = incident();
    console(&mut c, RAISE_MAX);
    let trainer = "apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: trainer\n  namespace: shop\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: trainer\n  template:\n    metadata:\n      labels:\n        app: trainer\n    spec:\n      nodeSelector:\n        accelerator: nvidia-a100\n      containers:\n      - name: trainer\n        image: registry.example.com/shop/web:3.2.0\n        resources:\n          requests:\n            cpu: 100m\nEOF";
    console(&mut c, trainer);
    c.advance_seconds(180);
    let describe = console(&mut c, "describe pod -n shop -l app=trainer");
    assert!(describe.contains("didn't match Pod's node affinity/selector"), "{describe}");
    assert!(
        describe.contains("pod didn't trigger scale-up: 1 node(s) didn't match Pod's node affinity/selector"),
        "{describe}"
    );
    // The storefront's pods, which the template does fit, still got their node.
    assert!(pending_pods(&mut c).iter().all(|p| p.starts_with("trainer-")), "{}", console(&mut c, "get pods -n shop"));
    assert!(node_row(&mut c, "pool-a-4").is_some());
    assert_eq!(node_row(&mut c, "pool-a-5"), None, "no node for the pod nothing fits");
}

#[test]
fn an_autoscaler_that_is_not_running_does_nothing_and_says_nothing() {
    let mut c = incident();
    console(&mut c, "scale deployment cluster-autoscaler -n kube-system --replicas=0");
    c.advance_seconds(60);
    let since = c.now;
    let status_before = console(&mut c, "get configmap cluster-autoscaler-status -n kube-system -o yaml");
    console(&mut c, RAISE_MAX);
    c.advance_seconds(600);
    assert_eq!(node_row(&mut c, "pool-a-4"), None);
    assert_eq!(pending_pods(&mut c).len(), 2);
    assert_eq!(autoscaler_events_since(&c, since), Vec::<String>::new());
    let status_after = console(&mut c, "get configmap cluster-autoscaler-status -n kube-system -o yaml");
    assert_eq!(status_before, status_after, "nobody updates the status of a stopped autoscaler");
    // Scaled back up with the raised maximum, it does its job.
    console(&mut c, "scale deployment cluster-autoscaler -n kube-system --replicas=1");
    c.advance_seconds(240);
    assert!(node_row(&mut c, "pool-a-4").is_some(), "{}", console(&mut c, "get nodes"));
    assert!(pending_pods(&mut c).is_empty(), "{}", console(&mut c, "get pods -n shop"));
}

#[test]
fn the_same_seed_adds_the_same_nodes_at_the_same_times() {
    let run = || {
        let mut c = incident();
        console(&mut c, RAISE_MAX);
        c.advance_seconds(300);
        console(&mut c, "get nodes -o wide")
    };
    assert_eq!(run(), run());
}

/// Settled after the ceiling was raised: four pool nodes, every storefront pod running.
fn grown() -> Cluster {
    let mut c = incident();
    console(&mut c, RAISE_MAX);
    c.advance_seconds(300);
    assert!(node_row(&mut c, "pool-a-4").is_some(), "{}", console(&mut c, "get nodes"));
    assert!(pending_pods(&mut c).is_empty());
    c
}

fn pool_nodes(c: &mut Cluster) -> usize {
    console(c, "get nodes --no-headers").lines().filter(|l| l.starts_with("pool-a-")).count()
}

#[test]
fn an_underutilised_node_is_removed_after_ten_minutes_and_its_pods_move() {
    let mut c = grown();
    console(&mut c, "scale deployment web -n shop --replicas=4");
    c.advance_seconds(300);
    assert_eq!(pool_nodes(&mut c), 4, "not before ten minutes unneeded");
    let status = console(&mut c, "get configmap cluster-autoscaler-status -n kube-system -o yaml");
    assert!(status.contains("status: CandidatesPresent"), "{status}");
    c.advance_seconds(1500);
    assert_eq!(pool_nodes(&mut c), 3, "{}", console(&mut c, "get nodes"));
    let logs = console(&mut c, "logs -n kube-system deploy/cluster-autoscaler --tail=200");
    assert!(logs.contains("Scale-down: removing node pool-a-"), "{logs}");
    let events = console(&mut c, "get events -A");
    assert!(events.contains("marked the node as toBeDeleted/unschedulable"), "{events}");
    assert!(pending_pods(&mut c).is_empty(), "{}", console(&mut c, "get pods -n shop -o wide"));
    assert_eq!(console(&mut c, "get pods -n shop --no-headers").lines().filter(|l| l.contains("Running")).count(), 4);
    // Never below the group's minimum.
    c.advance_seconds(1800);
    assert_eq!(pool_nodes(&mut c), 3);
}

#[test]
fn an_underutilised_node_running_a_kube_system_pod_is_kept() {
    let mut c = grown();
    // One storefront pod fewer leaves pool-a-2 under half used; it also runs the autoscaler.
    console(&mut c, "scale deployment web -n shop --replicas=7");
    c.advance_seconds(1800);
    let logs = console(&mut c, "logs -n kube-system deploy/cluster-autoscaler --tail=200");
    assert!(logs.contains("pool-a-2 was unneeded for"), "{logs}");
    assert!(
        logs.contains(
            "Node pool-a-2 cannot be removed: non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: cluster-autoscaler-"
        ),
        "{logs}"
    );
    assert_eq!(pool_nodes(&mut c), 4, "{}", console(&mut c, "get nodes"));
    assert!(!console(&mut c, "get events -A").contains("marked the node as toBeDeleted/unschedulable"));
}
