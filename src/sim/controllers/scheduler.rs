//! The scheduler: places pending pods on nodes that pass every filter (readiness and cordons,
//! taints, node selectors, requested resources, pod count, bound claims), least-allocated first,
//! and explains each failure the way `FailedScheduling` does.

use std::collections::BTreeMap;

use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Node, Pod, PvcPhase, Taint, TaintEffect, Toleration, VolumeSource};

pub fn step(cluster: &mut Cluster) {
    let pending: Vec<(String, String)> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.status.node.is_none() && p.is_active())
        .filter(|(_, p)| p.spec.scheduler_name.as_deref().is_none_or(|s| s == "default-scheduler"))
        .map(|(k, _)| k.clone())
        .collect();
    if pending.is_empty() {
        return;
    }
    // Requested resources and pod counts per node.
    let mut used: BTreeMap<String, (u64, u64, u32)> = BTreeMap::new();
    for p in cluster.pods.values().filter(|p| p.is_active()) {
        if let Some(n) = &p.status.node {
            let (cpu, mem) = p.spec.requests();
            let e = used.entry(n.clone()).or_default();
            e.0 += cpu.0;
            e.1 += mem.0;
            e.2 += 1;
        }
    }
    for k in pending {
        let Some(pod) = cluster.pods.get(&k) else { continue };
        if let Err(reason) = claims_ready(cluster, pod) {
            let total = cluster.nodes.len();
            let message = format!("0/{total} nodes are available: {reason}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.");
            cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
            continue;
        }
        let (cpu, mem) = pod.spec.requests();
        let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
        let mut resource_failures = 0;
        let mut best: Option<(u64, String)> = None;
        for node in cluster.nodes.values() {
            let (ucpu, umem, upods) = used.get(&node.meta.name).copied().unwrap_or_default();
            match filter(node, pod, (cpu.0, mem.0), (ucpu, umem, upods)) {
                Ok(()) => {
                    let free = node.memory.0.saturating_sub(umem) * 1000 / node.memory.0.max(1);
                    if best.as_ref().is_none_or(|(f, _)| free > *f) {
                        best = Some((free, node.meta.name.clone()));
                    }
                }
                Err(why) => {
                    for w in why {
                        if w.starts_with("Insufficient") || w == "Too many pods" {
                            resource_failures += 1;
                        }
                        *reasons.entry(w).or_default() += 1;
                    }
                }
            }
        }
        if let Some((_, node_name)) = best {
            let host_ip = cluster.nodes.get(&node_name).map(|n| n.internal_ip.clone());
            let e = used.entry(node_name.clone()).or_default();
            e.0 += cpu.0;
            e.1 += mem.0;
            e.2 += 1;
            let now = cluster.now;
            if let Some(p) = cluster.pods.get_mut(&k) {
                p.status.node = Some(node_name.clone());
                p.status.host_ip = host_ip;
                p.status.scheduled_at = Some(now);
            }
            cluster.touch();
            cluster.record(&k.0, "Pod", &k.1, false, "Scheduled", &format!("Successfully assigned {}/{} to {node_name}", k.0, k.1), "default-scheduler");
        } else {
            let total = cluster.nodes.len();
            let listed: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            let preemption = if resource_failures > 0 {
                format!("{total} No preemption victims found for incoming pod")
            } else {
                format!("{total} Preemption is not helpful for scheduling")
            };
            let message = if total == 0 {
                "no nodes available to schedule pods".to_owned()
            } else {
                format!("0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {preemption}.", listed.join(", "))
            };
            cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
        }
    }
}

fn claims_ready(cluster: &Cluster, pod: &Pod) -> Result<(), String> {
    for v in &pod.spec.volumes {
        if let VolumeSource::Pvc(claim) = &v.source {
            match cluster.pvcs.get(&key(&pod.meta.namespace, claim)) {
                None => return Err(format!("persistentvolumeclaim \"{claim}\" not found")),
                Some(c) if c.phase != PvcPhase::Bound => return Err("pod has unbound immediate PersistentVolumeClaims".to_owned()),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// Why a node cannot take the pod, in the scheduler's words; empty means it fits.
fn filter(node: &Node, pod: &Pod, (cpu, mem): (u64, u64), (ucpu, umem, upods): (u64, u64, u32)) -> Result<(), Vec<String>> {
    if node.unschedulable {
        return Err(vec!["node(s) were unschedulable".to_owned()]);
    }
    if let Some(t) = node.taints.iter().find(|t| t.effect != TaintEffect::PreferNoSchedule && !tolerated(t, &pod.spec.tolerations)) {
        let value = t.value.clone().unwrap_or_default();
        return Err(vec![format!("node(s) had untolerated taint {{{}: {value}}}", t.key)]);
    }
    if !pod.spec.node_selector.iter().all(|(k, v)| node.meta.labels.get(k) == Some(v)) {
        return Err(vec!["node(s) didn't match Pod's node affinity/selector".to_owned()]);
    }
    if let Some(wanted) = &pod.spec.node_name
        && wanted != &node.meta.name
    {
        return Err(vec!["node(s) didn't match the requested node name".to_owned()]);
    }
    let mut why = Vec::new();
    if upods + 1 > node.max_pods {
        why.push("Too many pods".to_owned());
    }
    if ucpu + cpu > node.cpu.0 {
        why.push("Insufficient cpu".to_owned());
    }
    if umem + mem > node.memory.0 {
        why.push("Insufficient memory".to_owned());
    }
    if why.is_empty() { Ok(()) } else { Err(why) }
}

fn tolerated(taint: &Taint, tolerations: &[Toleration]) -> bool {
    tolerations.iter().any(|t| {
        let key_ok = t.key.as_ref().is_none_or(|k| k == &taint.key);
        let value_ok = t.value.is_none() || t.value == taint.value;
        let effect_ok = t.effect.is_none_or(|e| e == taint.effect);
        key_ok && value_ok && effect_ok
    })
}
