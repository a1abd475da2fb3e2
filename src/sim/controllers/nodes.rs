//! Node lifecycle: heartbeats and the `Ready` condition, `unreachable` taints and eviction of
//! pods from lost nodes after their toleration, and the kubelet's disk-pressure eviction.

use crate::sim::cluster::Cluster;
use crate::sim::control_plane::{self, Skew};
use crate::sim::objects::{KubeletState, NodeCondition, PodPhase, Taint, TaintEffect};

const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// How long pods tolerate an unreachable node by default.
const DEFAULT_TOLERATION: i64 = 300;
const GRACE_PERIOD: i64 = 40;

pub fn step(cluster: &mut Cluster) {
    let now = cluster.now;
    let names: Vec<String> = cluster.nodes().keys().cloned().collect();
    let api_server = control_plane::minor(&control_plane::server_version(cluster));
    // Machines the cluster autoscaler added whose network plugin is still starting.
    let joining: std::collections::BTreeSet<String> =
        cluster.cloud().joining.iter().filter(|(_, until)| **until > now).map(|(n, _)| n.clone()).collect();
    let cni_managed = crate::sim::cni::managed(cluster);
    // Whether each node's CNI config loads, read before the loop writes their status.
    let network_ready: std::collections::BTreeSet<String> = cluster
        .nodes()
        .values()
        .filter(|n| cni_managed && crate::sim::cni::network_ready_in(cluster, n))
        .map(|n| n.meta.name.clone())
        .collect();
    for name in names {
        let mut events = Vec::new();
        let Some(node) = cluster.nodes_mut_status_only().get_mut(&name) else { continue };
        // A kubelet newer than the API server is outside the version skew policy: the API server
        // does not accept its status, so to the cluster it is as if it had stopped.
        let refused =
            control_plane::skew(control_plane::minor(&node.kubelet_version), api_server) == Skew::NewerThanApiServer;
        let running = node.kubelet == KubeletState::Running && !refused;
        if running {
            node.last_heartbeat = now;
        }
        let lost = now - node.last_heartbeat > GRACE_PERIOD;
        let disk_pct = u64::from(node.disk_used_gib()) * 100 / u64::from(node.disk_gib.max(1));
        let pressure = running && disk_pct >= 85;
        // The runtime reloads its network config as it changes, so the kubelet reports it at once.
        // A machine still joining has no network plugin running yet either.
        let network_down =
            running && !lost && (joining.contains(&name) || (cni_managed && !network_ready.contains(&name)));
        let ready = if lost {
            ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
        } else if network_down {
            ("False", "KubeletNotReady", crate::sim::cni::NOT_READY_MESSAGE)
        } else {
            ("True", "KubeletReady", "kubelet is posting ready status")
        };
        let disk = if lost {
            ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
        } else if pressure {
            ("True", "KubeletHasDiskPressure", "kubelet has disk pressure")
        } else {
            ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")
        };
        let memory = if lost {
            ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
        } else {
            ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
        };
        let pid = if lost {
            ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
        } else {
            ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available")
        };
        let was_ready = node.is_ready() || node.conditions.is_empty();
        let fingerprint = |n: &crate::sim::objects::Node| {
            n.conditions.iter().fold(n.taints.len() as u64, |h, c| {
                h.wrapping_mul(31).wrapping_add(c.since as u64) ^ c.status.len() as u64
            })
        };
        let before = fingerprint(node);
        for (kind, (status, reason, message)) in
            [("MemoryPressure", memory), ("DiskPressure", disk), ("PIDPressure", pid), ("Ready", ready)]
        {
            set_condition(&mut node.conditions, kind, status, reason, message, now);
        }
        set_taint(&mut node.taints, UNREACHABLE, TaintEffect::NoSchedule, lost);
        set_taint(&mut node.taints, UNREACHABLE, TaintEffect::NoExecute, lost);
        set_taint(&mut node.taints, DISK_PRESSURE, TaintEffect::NoSchedule, pressure);
        set_taint(&mut node.taints, NOT_READY, TaintEffect::NoSchedule, network_down);
        let after = fingerprint(node);
        let changed = before != after;
        if lost && was_ready {
            events.push((true, "NodeNotReady", format!("Node {name} status is now: NodeNotReady"), "node-controller"));
        } else if network_down && was_ready {
            events.push((false, "NodeNotReady", format!("Node {name} status is now: NodeNotReady"), "kubelet"));
        } else if !lost && !network_down && !was_ready {
            events.push((false, "NodeReady", format!("Node {name} status is now: NodeReady"), "kubelet"));
        }
        if pressure {
            events.push((
                true,
                "EvictionThresholdMet",
                "Attempting to reclaim ephemeral-storage".to_owned(),
                "kubelet",
            ));
        }
        let lost_since = node.condition("Ready").map_or(now, |c| c.since);
        let free_gib = node.disk_gib.saturating_sub(node.disk_used_gib());
        // Pressure starts at 85 % used: the eviction threshold is 15 % of the disk available.
        let threshold_gib = node.disk_gib.saturating_mul(15) / 100;
        for (warning, reason, message, source) in events {
            cluster.record("", "Node", &name, warning, reason, &message, source);
        }
        if changed {
            cluster.touch();
        }
        if lost {
            mark_pods_not_ready(cluster, &name);
        }
        if lost && now - lost_since >= DEFAULT_TOLERATION {
            evict_lost_pods(cluster, &name);
        }
        if pressure {
            evict_for_disk(cluster, &name, free_gib, threshold_gib);
        }
    }
}

fn set_condition(conditions: &mut Vec<NodeCondition>, kind: &str, status: &str, reason: &str, message: &str, now: i64) {
    match conditions.iter_mut().find(|c| c.kind == kind) {
        Some(c) if c.status == status => {
            if c.reason != reason || c.message != message {
                reason.clone_into(&mut c.reason);
                message.clone_into(&mut c.message);
            }
        }
        Some(c) => {
            *c = NodeCondition {
                kind: kind.to_owned(),
                status: status.to_owned(),
                reason: reason.to_owned(),
                message: message.to_owned(),
                since: now,
            };
        }
        None => conditions.push(NodeCondition {
            kind: kind.to_owned(),
            status: status.to_owned(),
            reason: reason.to_owned(),
            message: message.to_owned(),
            since: now,
        }),
    }
}

fn set_taint(taints: &mut Vec<Taint>, key: &str, effect: TaintEffect, present: bool) {
    let has = taints.iter().any(|t| t.key == key && t.effect == effect);
    if present && !has {
        taints.push(Taint { key: key.to_owned(), value: None, effect });
    } else if !present && has {
        taints.retain(|t| !(t.key == key && t.effect == effect));
    }
}

/// The node lifecycle controller marks the pods of a node that stopped posting status not ready
/// (`MarkPodsNotReady`); its kubelet re-evaluates them once it is back.
fn mark_pods_not_ready(cluster: &mut Cluster, node: &str) {
    let mut changed = false;
    for pod in cluster.pods_mut_status_only().values_mut().filter(|p| p.status.node.as_deref() == Some(node)) {
        for c in pod.status.containers.iter_mut().filter(|c| c.ready) {
            c.ready = false;
            changed = true;
        }
    }
    if changed {
        cluster.touch();
    }
}

/// The taint-eviction controller: pods on a node unreachable past their toleration are deleted
/// (and, with no kubelet to confirm, stay `Terminating`).
fn evict_lost_pods(cluster: &mut Cluster, node: &str) {
    let victims: Vec<(String, String)> = cluster
        .pods()
        .values()
        .filter(|p| p.status.node.as_deref() == Some(node) && p.status.terminating_until.is_none())
        .filter(|p| {
            !p.spec.tolerations.iter().any(|t| {
                // No key tolerates every taint, as a node debugging pod does.
                t.key.as_deref().is_none_or(|k| k == UNREACHABLE)
                    && t.effect.is_none_or(|e| e == TaintEffect::NoExecute)
                    && t.seconds.is_none()
            })
        })
        .map(|p| p.meta.key())
        .collect();
    for (ns, name) in victims {
        cluster.record(
            &ns,
            "Pod",
            &name,
            false,
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {ns}/{name}"),
            "taint-eviction-controller",
        );
        cluster.terminate_pod(&ns, &name);
    }
}

/// The kubelet evicts one pod per step while the node is under disk pressure, best-effort pods
/// (no requests) first.
fn evict_for_disk(cluster: &mut Cluster, node: &str, free_gib: u32, threshold_gib: u32) {
    let now = cluster.now;
    let victim = cluster
        .pods()
        .values()
        .filter(|p| p.status.node.as_deref() == Some(node) && p.is_active() && p.meta.namespace != "kube-system")
        .min_by_key(|p| {
            let (cpu, mem) = p.spec.requests();
            (cpu.0 + mem.0 > 0, p.meta.created, p.meta.name.clone())
        })
        .map(|p| p.meta.key());
    let Some((ns, name)) = victim else { return };
    let message = format!(
        "The node was low on resource: ephemeral-storage. Threshold quantity: {threshold_gib}Gi, available: {free_gib}Gi. "
    );
    if let Some(pod) = cluster.pods_mut().get_mut(&(ns.clone(), name.clone())) {
        pod.status.phase = PodPhase::Failed;
        pod.status.reason = Some("Evicted".to_owned());
        pod.status.message = Some(message.clone());
        pod.status.pod_ip = None;
        for c in &mut pod.status.containers {
            c.ready = false;
            c.state = crate::sim::objects::ContainerState::Terminated {
                reason: "ContainerStatusUnknown".to_owned(),
                exit_code: 137,
                message: "The container could not be located when the pod was terminated".to_owned(),
                started_at: now,
                finished_at: now,
            };
        }
    }
    cluster.record(&ns, "Pod", &name, true, "Evicted", message.trim_end(), "kubelet");
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{
        apply, cluster_with, container, deployment, get_pod, messages, node, pod, pod_spec, web_app,
    };
    use crate::sim::objects::{Node, PodPhase, Taint, TaintEffect};

    fn node_1(c: &Cluster) -> &Node {
        c.nodes().get("node-1").expect("node-1")
    }

    fn condition(c: &Cluster, kind: &str) -> (String, String, String) {
        let cond = node_1(c).condition(kind).expect("condition");
        (cond.status.clone(), cond.reason.clone(), cond.message.clone())
    }

    fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.to_owned(), b.to_owned(), c.to_owned())
    }

    fn taint(key: &str, effect: TaintEffect) -> Taint {
        Taint { key: key.to_owned(), value: None, effect }
    }

    #[test]
    fn a_stopped_kubelet_makes_the_node_unknown_then_its_pods_are_evicted() {
        let objects = vec![Object::Pod(pod("default", "web", pod_spec(vec![container("web", "web:v1")])))];
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", web_app())], objects);
        c.advance_seconds(30);
        assert!(get_pod(&c, "default", "web").is_ready());
        apply(&mut c, Change::Kubelet { node: "node-1".to_owned(), running: false });
        // The last heartbeat was at 30; the node is lost once it is more than 40 s old.
        c.advance_seconds(40);
        assert_eq!(condition(&c, "Ready"), triple("True", "KubeletReady", "kubelet is posting ready status"));
        c.step();
        let lost = triple("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
        for kind in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
            assert_eq!(condition(&c, kind), lost, "{kind}");
        }
        assert_eq!(
            node_1(&c).taints,
            [
                taint("node.kubernetes.io/unreachable", TaintEffect::NoSchedule),
                taint("node.kubernetes.io/unreachable", TaintEffect::NoExecute)
            ]
        );
        assert_eq!(messages(&c, "Node", "node-1", "NodeNotReady"), ["Node node-1 status is now: NodeNotReady"]);
        assert!(!get_pod(&c, "default", "web").is_ready());
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Running");
        // Pods tolerate an unreachable node for 300 s, then they are deleted; with no kubelet
        // to confirm they stay Terminating.
        c.advance_seconds(290);
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Running");
        c.step();
        assert_eq!(c.now, 380);
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Terminating");
        assert_eq!(messages(&c, "Pod", "web", "TaintManagerEviction"), ["Marking for deletion Pod default/web"]);
        c.advance_seconds(60);
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Terminating");
        // The kubelet comes back: the node is Ready again and the deletion completes.
        apply(&mut c, Change::Kubelet { node: "node-1".to_owned(), running: true });
        c.advance_seconds(20);
        assert_eq!(condition(&c, "Ready"), triple("True", "KubeletReady", "kubelet is posting ready status"));
        assert!(node_1(&c).taints.is_empty());
        assert_eq!(messages(&c, "Node", "node-1", "NodeReady"), ["Node node-1 status is now: NodeReady"]);
        assert!(c.pods().is_empty());
    }

    #[test]
    fn a_full_disk_is_disk_pressure_with_a_taint_and_an_eviction() {
        let objects = vec![Object::Deployment(deployment("default", "web", "web:v1", 2))];
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", web_app())], objects);
        c.advance_seconds(30);
        assert_eq!(
            condition(&c, "DiskPressure"),
            triple("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")
        );
        // 20 GiB of system files plus 70 GiB of logs: 90 % of 100 GiB.
        let (node, path) = ("node-1".to_owned(), "/var/log/app/huge.log".to_owned());
        apply(&mut c, Change::WriteFile { node: node.clone(), path: path.clone(), gib: 70 });
        c.step();
        assert_eq!(
            condition(&c, "DiskPressure"),
            triple("True", "KubeletHasDiskPressure", "kubelet has disk pressure")
        );
        assert_eq!(node_1(&c).taints, [taint("node.kubernetes.io/disk-pressure", TaintEffect::NoSchedule)]);
        assert_eq!(messages(&c, "Node", "node-1", "EvictionThresholdMet"), ["Attempting to reclaim ephemeral-storage"]);
        let evicted: Vec<_> = c.pods().values().filter(|p| p.status.reason.as_deref() == Some("Evicted")).collect();
        assert_eq!(evicted.len(), 1);
        let why = "The node was low on resource: ephemeral-storage. Threshold quantity: 15Gi, available: 10Gi.";
        assert_eq!(evicted[0].status.phase, PodPhase::Failed);
        assert_eq!(evicted[0].status_text(c.now), "Evicted");
        assert_eq!(evicted[0].status.message.as_deref(), Some(format!("{why} ").as_str()));
        let victim = evicted[0].meta.name.clone();
        assert_eq!(messages(&c, "Pod", &victim, "Evicted"), [why]);
        // Freeing the space clears the pressure and the taint; the replacement pod runs.
        apply(&mut c, Change::RemoveFile { node, path });
        c.step();
        assert_eq!(
            condition(&c, "DiskPressure"),
            triple("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")
        );
        assert!(node_1(&c).taints.is_empty());
        c.advance_seconds(30);
        assert_eq!(c.pods().values().filter(|p| p.is_ready()).count(), 2);
        assert_eq!(c.pods().values().filter(|p| p.status.reason.as_deref() == Some("Evicted")).count(), 1);
    }
}
