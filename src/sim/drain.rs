//! Draining a node, as `kubectl drain` sorts its pods: which to evict, which the flags let it
//! skip with a warning and which stop the drain. The console's `drain` and the `Drain` change a
//! scenario's fault makes (a drain left running) both use it.

use crate::sim::cluster::Cluster;
use crate::sim::objects::{OwnerKind, Pod, PodPhase, Selector, VolumeSource};

pub const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
pub const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
pub const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
pub const UNMANAGED_FATAL: &str = "Pods that declare no controller (use --force to override)";
pub const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// What the drain flags allow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub force: bool,
    pub disable_eviction: bool,
    pub pod_selector: Option<Selector>,
    /// `--timeout` in seconds; `None` (or 0) waits forever in kubectl.
    pub timeout: Option<u64>,
}

/// The pods on a node sorted into those to evict, warnings and refusals, as kubectl's pod
/// filters do. Warnings and errors are `message: ns/pod, ns/pod` groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodList {
    pub evict: Vec<(String, String)>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

pub fn on_node(pod: &Pod, node: &str) -> bool {
    pod.status.node.as_deref().or(pod.spec.node_name.as_deref()) == Some(node)
}

pub fn owner_kind(pod: &Pod) -> Option<OwnerKind> {
    pod.meta.owner.as_ref().map(|o| o.kind)
}

pub fn pods_for_deletion(cluster: &Cluster, node: &str, opts: &Options) -> PodList {
    let mut groups: Vec<(&'static str, bool, Vec<String>)> = Vec::new();
    let mut note = |msg: &'static str, fatal: bool, pod: &Pod| {
        let id = format!("{}/{}", pod.meta.namespace, pod.meta.name);
        match groups.iter_mut().find(|g| g.0 == msg) {
            Some(g) => g.2.push(id),
            None => groups.push((msg, fatal, vec![id])),
        }
    };
    let mut evict = Vec::new();
    for pod in cluster.pods().values() {
        if !on_node(pod, node) || pod.status.terminating_until.is_some() {
            continue;
        }
        if opts.pod_selector.as_ref().is_some_and(|s| !s.matches(&pod.meta.labels)) {
            continue;
        }
        let finished = matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed);
        if owner_kind(pod) == Some(OwnerKind::DaemonSet) {
            note(
                if opts.ignore_daemonsets { DAEMONSET_WARNING } else { DAEMONSET_FATAL },
                !opts.ignore_daemonsets,
                pod,
            );
            continue;
        }
        if owner_kind(pod) == Some(OwnerKind::Node) || pod.meta.annotations.contains_key("kubernetes.io/config.mirror")
        {
            continue;
        }
        let local = pod.spec.volumes.iter().any(|v| matches!(v.source, VolumeSource::EmptyDir));
        if local && !finished && !opts.delete_emptydir_data {
            note(LOCAL_STORAGE_FATAL, true, pod);
            continue;
        }
        if pod.meta.owner.is_none() && !finished {
            if opts.force {
                note(UNMANAGED_WARNING, false, pod);
            } else {
                note(UNMANAGED_FATAL, true, pod);
                continue;
            }
        }
        evict.push(pod.meta.key());
    }
    let mut list = PodList { evict, ..PodList::default() };
    for (msg, fatal, pods) in groups {
        if fatal {
            list.errors.push(format!("cannot delete {msg}: {}", pods.join(", ")));
        } else {
            list.warnings.push(format!("{msg}: {}", pods.join(", ")));
        }
    }
    list
}

/// Where a drain left running stands after one pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Nothing left to evict: the node is drained.
    Drained,
    /// Some evictions were refused (a disruption budget); kubectl retries them after 5 s.
    Retrying(Vec<String>),
    /// A pod the flags do not allow stopped the drain before it evicted anything.
    Stopped(Vec<String>),
}

/// One pass of a drain left running on `node`: evicts what it may through the eviction API,
/// as `actor`, and says what is left. The messages are kubectl's.
pub fn pass(cluster: &mut Cluster, node: &str, run: crate::sim::objects::DrainRun, actor: &str) -> Pass {
    let opts = Options {
        ignore_daemonsets: run.ignore_daemonsets,
        delete_emptydir_data: run.delete_emptydir_data,
        ..Options::default()
    };
    let list = pods_for_deletion(cluster, node, &opts);
    if !list.errors.is_empty() {
        return Pass::Stopped(
            list.errors.iter().map(|e| format!("error: unable to drain node \"{node}\" due to error: {e}")).collect(),
        );
    }
    let mut refused = Vec::new();
    for (ns, name) in list.evict {
        let change = crate::sim::change::Change::Evict { namespace: ns.clone(), pod: name.clone() };
        if let Err(e) = cluster.apply(change, actor) {
            refused.push(format!(
                "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}",
                e.reason_text()
            ));
        }
    }
    if refused.is_empty() { Pass::Drained } else { Pass::Retrying(refused) }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{apply, cluster_with, deployment, node, pods, web_app};
    use crate::sim::objects::{Pdb, Volume, VolumeSource};

    /// Two replicas of `web` on two nodes, settled.
    fn spread(extra: Vec<Object>) -> Cluster {
        let mut objects = vec![Object::Deployment(deployment("default", "web", "web:v1", 2))];
        objects.extend(extra);
        let mut c = cluster_with(vec![node("node-1"), node("node-2")], &[("web:v1", web_app())], objects);
        c.advance_seconds(60);
        c
    }

    /// The node the pods run on (the scheduler packs equal nodes in name order).
    const NODE: &str = "node-1";

    fn drain(c: &mut Cluster) {
        apply(c, Change::Drain { node: NODE.into(), ignore_daemonsets: true, delete_emptydir_data: false });
    }

    fn on_node(c: &Cluster, prefix: &str) -> usize {
        pods(c, "default", prefix).iter().filter(|p| p.status.node.as_deref() == Some(NODE) && p.is_active()).count()
    }

    /// kubectl drain's loop: a budget refuses, the drain retries every step and finishes once the
    /// budget allows it, with no one typing anything.
    #[test]
    fn a_drain_left_running_retries_until_the_budget_allows() {
        let pdb = Pdb {
            meta: crate::sim::objects::Meta::new("web", "default"),
            selector: [("app".to_owned(), "web".to_owned())].into(),
            min_available: Some(2),
            max_unavailable: None,
        };
        let mut c = spread(vec![Object::Pdb(pdb)]);
        assert_eq!(on_node(&c, "web-"), 2, "both replicas on one node");
        drain(&mut c);
        c.advance_seconds(60);
        assert!(c.nodes()[NODE].unschedulable);
        assert!(c.nodes()[NODE].draining.is_some(), "still draining");
        assert_eq!(on_node(&c, "web-"), 2);
        assert!(c.audit.iter().any(|(_, who, what)| who == "kubectl-drain"
            && what.ends_with(
                "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
            )));
        let relax = Change::Patch {
            kind: crate::sim::kind::Kind::Pdb,
            namespace: "default".into(),
            name: "web".into(),
            patch_type: crate::sim::change::PatchType::Merge,
            patch: r#"{"spec":{"minAvailable":1}}"#.into(),
        };
        apply(&mut c, relax);
        c.advance_seconds(120);
        assert_eq!(on_node(&c, "web-"), 0);
        assert!(c.nodes()[NODE].draining.is_none(), "the drain finished");
        assert!(c.audit.iter().any(|(_, who, what)| who == "kubectl-drain" && what == "node/node-1 drained"));
    }

    /// A pod with `emptyDir` data stops the drain at once, as kubectl does without
    /// `--delete-emptydir-data`; the node stays cordoned.
    #[test]
    fn local_storage_stops_a_drain_without_its_flag() {
        let mut d = deployment("default", "cache", "web:v1", 2);
        d.template.spec.volumes = vec![Volume { name: "scratch".into(), source: VolumeSource::EmptyDir }];
        let mut c = spread(vec![Object::Deployment(d)]);
        drain(&mut c);
        assert!(c.nodes()[NODE].unschedulable);
        assert!(c.nodes()[NODE].draining.is_none(), "kubectl gave up");
        assert_eq!(on_node(&c, "web-"), 2, "nothing was evicted");
        assert!(c.audit.iter().any(|(_, _, what)| what.contains(
            "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache-"
        )));
    }
}
