//! The scheduler: places pending pods on nodes that pass every filter (readiness and cordons,
//! taints, node selectors, requested resources, pod count, bound claims and their volumes' node
//! affinity), least-allocated first, and explains each failure the way `FailedScheduling` does.
//! Claims that wait for their first consumer are bound once their pod has a node.

use std::collections::BTreeMap;

use super::storage;
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Node, PersistentVolume, Pod, PvcPhase, Taint, TaintEffect, Toleration, VolumeSource};

/// What a pod's claims ask of the node it lands on.
enum VolumeNeed {
    /// A bound volume: the node must satisfy its node affinity.
    Bound(Box<PersistentVolume>),
    /// A claim waiting for its first consumer that only static volumes can satisfy (its class has
    /// no provisioner): the node must satisfy one of theirs.
    StaticOnly(Vec<PersistentVolume>),
}

/// A pod this scheduler is to place.
fn waiting(pod: &Pod) -> bool {
    pod.status.node.is_none()
        && pod.is_active()
        && pod.spec.scheduler_name.as_deref().is_none_or(|s| s == "default-scheduler")
}

/// On a step the scheduler sits out, carries forward that no pod waits for it (the change log
/// forgets old writes, so what it knew would otherwise be lost and the next step would look at
/// every pod).
pub fn carry(cluster: &mut Cluster) {
    if cluster.nothing_to_schedule(waiting) {
        cluster.note_scheduling(false);
    }
}

pub fn step(cluster: &mut Cluster) {
    // Most changing steps have no pod to place: known from the pods written since the last look.
    if cluster.nothing_to_schedule(waiting) {
        cluster.note_scheduling(false);
        return;
    }
    let pending: Vec<(String, String)> = cluster
        .pods()
        .iter()
        .filter(|(_, p)| waiting(p))
        .map(|(k, p)| (std::cmp::Reverse(crate::sim::priority::of(p)), k.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        // The scheduling queue pops the highest priority first.
        .map(|(_, k)| k)
        .collect();
    // Placed or not, the pods are looked at again next time.
    cluster.note_scheduling(!pending.is_empty());
    if pending.is_empty() {
        return;
    }
    // Requested resources and pod counts per node.
    // Summed under borrowed names, copied once per node: a copy per pod was most of the pass.
    // Hashed: a search of a sorted map compared names several times per pod (integer sums, so the
    // order they are added in does not matter).
    let mut used_by_name: crate::sim::cluster::IndexMap<&str, (u64, u64, u32)> =
        crate::sim::cluster::IndexMap::default();
    for p in cluster.pods().values().filter(|p| p.is_active()) {
        if let Some(n) = &p.status.node {
            let (cpu, mem) = p.spec.requests();
            let e = used_by_name.entry(n.as_str()).or_default();
            e.0 += cpu.0;
            e.1 += mem.0;
            e.2 += 1;
        }
    }
    let mut used: BTreeMap<String, (u64, u64, u32)> =
        used_by_name.into_iter().map(|(n, u)| (n.to_owned(), u)).collect();
    for k in pending {
        let Some(pod) = cluster.pods().get(&k) else { continue };
        if let Err(reason) = claims_ready(cluster, pod) {
            let total = cluster.nodes().len();
            let message = format!(
                "0/{total} nodes are available: {reason}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
            );
            cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
            continue;
        }
        let needs = volume_needs(cluster, pod);
        let (cpu, mem) = pod.spec.requests();
        let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
        let mut resource_failures: u32 = 0;
        // Nodes that failed only for want of resources, where evicting pods could make room.
        let mut short_of_room: Vec<String> = Vec::new();
        let mut best: Option<(u64, String)> = None;
        for node in cluster.nodes().values() {
            let (ucpu, umem, upods) = used.get(&node.meta.name).copied().unwrap_or_default();
            let fits = filter(node, pod, (cpu.0, mem.0), (ucpu, umem, upods))
                .and_then(|()| volumes_fit(node, &needs).map_err(|why| vec![why]));
            match fits {
                Ok(()) => {
                    let free = node.memory.0.saturating_sub(umem) * 1000 / node.memory.0.max(1);
                    if best.as_ref().is_none_or(|(f, _)| free > *f) {
                        best = Some((free, node.meta.name.clone()));
                    }
                }
                Err(why) => {
                    // Preemption could only help a node that lacks resources.
                    if why.iter().any(|w| w.starts_with("Insufficient") || w == "Too many pods") {
                        resource_failures += 1;
                        short_of_room.push(node.meta.name.clone());
                    }
                    for w in why {
                        *reasons.entry(w).or_default() += 1;
                    }
                }
            }
        }
        if let Some((_, node_name)) = best {
            let host_ip = cluster.nodes().get(&node_name).map(|n| n.internal_ip.clone());
            let e = used.entry(node_name.clone()).or_default();
            e.0 += cpu.0;
            e.1 += mem.0;
            e.2 += 1;
            let now = cluster.now;
            if let Some(p) = cluster.pod_mut(&k) {
                p.status.node = Some(node_name.clone());
                p.status.host_ip = host_ip;
                p.status.scheduled_at = Some(now);
                p.status.nominated_node = None;
            }
            for claim in waiting_claims(cluster, &k) {
                storage::bind_for_node(cluster, &claim, &node_name);
            }
            cluster.record(
                &k.0,
                "Pod",
                &k.1,
                false,
                "Scheduled",
                &format!("Successfully assigned {}/{} to {node_name}", k.0, k.1),
                "default-scheduler",
            );
        } else {
            let total = cluster.nodes().len();
            // The scheduler sorts the "count reason" strings as a whole, as it does for preemption.
            let mut listed: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            listed.sort();
            let not_helpful = (total as u32).saturating_sub(resource_failures);
            if resource_failures > 0 && crate::sim::priority::may_preempt(cluster, pod) {
                if let Some(node) = preempt(cluster, &k, &short_of_room, &used) {
                    // The pod waits for its victims to go; the event carries the fit error alone.
                    let message = format!("0/{total} nodes are available: {}.", listed.join(", "));
                    cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
                    if let Some(p) = cluster.pod_mut(&k) {
                        p.status.nominated_node = Some(node);
                    }
                    continue;
                }
            } else if resource_failures > 0 {
                let message = format!(
                    "0/{total} nodes are available: {}. preemption: not eligible due to preemptionPolicy=Never.",
                    listed.join(", ")
                );
                cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
                continue;
            }
            let mut preemption = Vec::new();
            if resource_failures > 0 {
                preemption.push(format!("{resource_failures} No preemption victims found for incoming pod"));
            }
            if not_helpful > 0 {
                preemption.push(format!("{not_helpful} Preemption is not helpful for scheduling"));
            }
            preemption.sort();
            let preemption = preemption.join(", ");
            let message = if total == 0 {
                "no nodes available to schedule pods".to_owned()
            } else {
                format!(
                    "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {preemption}.",
                    listed.join(", ")
                )
            };
            cluster.record(&k.0, "Pod", &k.1, true, "FailedScheduling", &message, "default-scheduler");
        }
    }
}

fn claims_ready(cluster: &Cluster, pod: &Pod) -> Result<(), String> {
    for v in &pod.spec.volumes {
        if let VolumeSource::Pvc(claim) = &v.source {
            match cluster.pvcs().get(&key(&pod.meta.namespace, claim)) {
                None => return Err(format!("persistentvolumeclaim \"{claim}\" not found")),
                // A claim waiting for its first consumer binds once this pod has a node.
                Some(c) if c.phase == PvcPhase::Pending && storage::waits_for_consumer(cluster, c) => {}
                Some(c) if c.phase != PvcPhase::Bound => {
                    return Err("pod has unbound immediate PersistentVolumeClaims".to_owned());
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

fn volume_needs(cluster: &Cluster, pod: &Pod) -> Vec<VolumeNeed> {
    let mut needs = Vec::new();
    for v in &pod.spec.volumes {
        let VolumeSource::Pvc(claim) = &v.source else { continue };
        let Some(c) = cluster.pvcs().get(&key(&pod.meta.namespace, claim)) else { continue };
        // Its volume, or the one reserved for it (`claimRef` set) that it is about to bind.
        let claim_ref = format!("{}/{claim}", pod.meta.namespace);
        let volume = c
            .volume
            .as_ref()
            .and_then(|name| cluster.pvs().get(name))
            .or_else(|| cluster.pvs().values().find(|pv| pv.claim.as_deref() == Some(claim_ref.as_str())));
        if let Some(pv) = volume {
            needs.push(VolumeNeed::Bound(Box::new(pv.clone())));
            continue;
        }
        let static_only = storage::class_of(cluster, c)
            .and_then(|class| cluster.storageclasses().get(&class))
            .is_some_and(|sc| sc.provisioner == storage::NO_PROVISIONER);
        if static_only {
            needs.push(VolumeNeed::StaticOnly(storage::candidates(cluster, c).into_iter().cloned().collect()));
        }
    }
    needs
}

/// The volume binding filter: bound volumes pin the pod to the nodes their affinity names.
fn volumes_fit(node: &Node, needs: &[VolumeNeed]) -> Result<(), String> {
    for need in needs {
        match need {
            VolumeNeed::Bound(pv) if !pv.fits_node(&node.meta.labels) => {
                return Err("node(s) had volume node affinity conflict".to_owned());
            }
            VolumeNeed::StaticOnly(pvs) if !pvs.iter().any(|pv| pv.fits_node(&node.meta.labels)) => {
                return Err("node(s) didn't find available persistent volumes to bind".to_owned());
            }
            _ => {}
        }
    }
    Ok(())
}

/// The pod's claims still waiting for their first consumer.
fn waiting_claims(cluster: &Cluster, pod: &(String, String)) -> Vec<(String, String)> {
    let Some(p) = cluster.pods().get(pod) else { return Vec::new() };
    p.spec
        .volumes
        .iter()
        .filter_map(|v| match &v.source {
            VolumeSource::Pvc(claim) => Some(key(&pod.0, claim)),
            _ => None,
        })
        .filter(|k| cluster.pvcs().get(k).is_some_and(|c| c.phase == PvcPhase::Pending))
        .collect()
}

/// Why a node cannot take the pod, in the scheduler's words; empty means it fits.
pub(super) fn filter(
    node: &Node,
    pod: &Pod,
    (cpu, mem): (u64, u64),
    (ucpu, umem, upods): (u64, u64, u32),
) -> Result<(), Vec<String>> {
    if node.unschedulable {
        return Err(vec!["node(s) were unschedulable".to_owned()]);
    }
    if let Some(t) =
        node.taints.iter().find(|t| t.effect != TaintEffect::PreferNoSchedule && !tolerated(t, &pod.spec.tolerations))
    {
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
    if ucpu + cpu > node.allocatable_cpu().0 {
        why.push("Insufficient cpu".to_owned());
    }
    if umem + mem > node.allocatable_memory().0 {
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

/// A preemption candidate: (victims, highest victim priority, node, the victims' keys).
type Choice = (usize, i32, String, Vec<(String, String)>);

/// Preemption: on the node among `candidates` that needs the fewest evictions (then the lowest
/// highest victim priority), evicts the lower-priority pods that make room for the pending pod,
/// each with the scheduler's `Preempted` event. Returns the node it nominated.
fn preempt(
    cluster: &mut Cluster,
    pod: &(String, String),
    candidates: &[String],
    used: &BTreeMap<String, (u64, u64, u32)>,
) -> Option<String> {
    use crate::sim::priority;
    let preemptor = cluster.pods().get(pod)?;
    let uid = crate::sim::manifest::uid(preemptor.meta.uid);
    let mut best: Option<Choice> = None;
    for name in candidates {
        let Some(node) = cluster.nodes().get(name) else { continue };
        let room = used.get(name).copied().unwrap_or_default();
        let Some(victims) = priority::victims(cluster, node, preemptor, room) else { continue };
        let top = victims.iter().map(|v| priority::of(v)).max().unwrap_or(i32::MIN);
        if best.as_ref().is_none_or(|(n, t, _, _)| (victims.len(), top) < (*n, *t)) {
            let ids = victims.iter().map(|v| (v.meta.namespace.clone(), v.meta.name.clone())).collect();
            best = Some((victims.len(), top, name.clone(), ids));
        }
    }
    let (_, _, node, victims) = best?;
    for (ns, name) in victims {
        let message = format!("Preempted by pod {uid} on node {node}");
        cluster.record(&ns, "Pod", &name, false, "Preempted", &message, "default-scheduler");
        cluster.terminate_pod(&ns, &name);
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{
        apply, cluster_with, container, get_pod, labels, messages, node, pod, pod_spec, web_app,
    };
    use crate::sim::objects::{
        Meta, Node, PodSpec, Pvc, PvcPhase, Taint, TaintEffect, Toleration, Volume, VolumeSource,
    };
    use crate::sim::quantity::Mebibytes;

    fn gpu_taint() -> Taint {
        Taint { key: "dedicated".to_owned(), value: Some("gpu".to_owned()), effect: TaintEffect::NoSchedule }
    }

    fn tainted(name: &str) -> Node {
        let mut n = node(name);
        n.taints.push(gpu_taint());
        n
    }

    fn spec() -> PodSpec {
        pod_spec(vec![container("web", "web:v1")])
    }

    /// Two nodes, then one step with pod `web` of this spec pending.
    fn schedule(nodes: Vec<Node>, spec: PodSpec, extra: Vec<Object>) -> Cluster {
        let mut objects = extra;
        objects.push(Object::Pod(pod("default", "web", spec)));
        let mut c = cluster_with(nodes, &[("web:v1", web_app())], objects);
        c.step();
        c
    }

    fn failed(c: &Cluster) -> Vec<String> {
        messages(c, "Pod", "web", "FailedScheduling")
    }

    fn placed(c: &Cluster) -> Option<String> {
        get_pod(c, "default", "web").status.node.clone()
    }

    #[test]
    fn requests_larger_than_any_node_leave_the_pod_pending() {
        let mut s = spec();
        s.containers[0].resources.requests.memory = Some(Mebibytes(16 * 1024));
        let c = schedule(vec![node("node-1"), node("node-2")], s, Vec::new());
        assert_eq!(placed(&c), None);
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Pending");
        assert_eq!(
            failed(&c),
            [
                "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
            ]
        );
    }

    /// kube-scheduler moves an unschedulable pod back to its active queue at least every five
    /// minutes, so a pod still Pending keeps a fresh `FailedScheduling` event (`x3 over 10m`).
    #[test]
    fn a_pod_still_pending_is_retried_and_its_event_stays_fresh() {
        let mut s = spec();
        s.containers[0].resources.requests.memory = Some(Mebibytes(16 * 1024));
        let mut c = schedule(vec![node("node-1")], s, Vec::new());
        c.advance_seconds(15 * 60);
        let event = c.events.iter().find(|e| e.reason == "FailedScheduling").expect("a FailedScheduling event");
        assert!(event.count >= 3, "retried every five minutes: {event:?}");
        assert!(c.now - event.last <= 300, "the event is at most five minutes old: {event:?}");
    }

    #[test]
    fn untolerated_taints_are_named() {
        let c = schedule(vec![tainted("node-1"), tainted("node-2")], spec(), Vec::new());
        assert_eq!(placed(&c), None);
        assert_eq!(
            failed(&c),
            [
                "0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
            ]
        );
    }

    #[test]
    fn mixed_reasons_are_counted_per_node_and_sorted() {
        let mut s = spec();
        s.containers[0].resources.requests.memory = Some(Mebibytes(16 * 1024));
        let c = schedule(vec![tainted("node-1"), node("node-2"), node("node-3")], s, Vec::new());
        assert_eq!(
            failed(&c),
            [
                "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
            ]
        );
    }

    #[test]
    fn a_node_selector_nobody_matches_is_reported() {
        let mut s = spec();
        s.node_selector = labels(&[("disktype", "ssd")]);
        let c = schedule(vec![node("node-1"), node("node-2")], s, Vec::new());
        assert_eq!(placed(&c), None);
        assert_eq!(
            failed(&c),
            [
                "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
            ]
        );
    }

    #[test]
    fn a_matching_toleration_lets_the_pod_onto_a_tainted_node() {
        let mut s = spec();
        s.tolerations.push(Toleration {
            key: Some("dedicated".to_owned()),
            value: Some("gpu".to_owned()),
            effect: Some(TaintEffect::NoSchedule),
            seconds: None,
        });
        let c = schedule(vec![tainted("node-1"), tainted("node-2")], s, Vec::new());
        assert_eq!(placed(&c).as_deref(), Some("node-1"));
        assert!(failed(&c).is_empty());
        assert_eq!(messages(&c, "Pod", "web", "Scheduled"), ["Successfully assigned default/web to node-1"]);
    }

    #[test]
    fn cordoned_nodes_are_skipped() {
        let mut c = cluster_with(vec![node("node-1"), node("node-2")], &[("web:v1", web_app())], Vec::new());
        apply(&mut c, Change::Cordon { node: "node-1".to_owned(), unschedulable: true });
        apply(&mut c, Change::Create(Object::Pod(pod("default", "web", spec()))));
        c.step();
        assert_eq!(placed(&c).as_deref(), Some("node-2"));
        assert_eq!(messages(&c, "Pod", "web", "Scheduled"), ["Successfully assigned default/web to node-2"]);
        apply(&mut c, Change::Cordon { node: "node-2".to_owned(), unschedulable: true });
        apply(&mut c, Change::Create(Object::Pod(pod("default", "api", spec()))));
        c.step();
        assert_eq!(
            messages(&c, "Pod", "api", "FailedScheduling"),
            [
                "0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
            ]
        );
    }

    #[test]
    fn a_pod_waits_for_its_unbound_claim() {
        let claim = Pvc {
            meta: Meta::new("data", "default"),
            storage_class: None,
            size: Mebibytes(1024),
            access_mode: "ReadWriteOnce".to_owned(),
            phase: PvcPhase::Pending,
            volume: None,
        };
        let mut s = spec();
        s.volumes.push(Volume { name: "data".to_owned(), source: VolumeSource::Pvc("data".to_owned()) });
        let c = schedule(vec![node("node-1"), node("node-2")], s, vec![Object::Pvc(claim)]);
        assert_eq!(placed(&c), None);
        assert_eq!(
            failed(&c),
            [
                "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
            ]
        );
    }
}
