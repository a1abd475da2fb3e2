//! Pod priority and preemption. A pod's `priorityClassName` is resolved to its `priority` when it
//! is admitted (a class that does not exist refuses the pod; a pod that names none gets the
//! `globalDefault` class, if one is marked); the scheduler asks [`victims`] which lower-priority
//! pods to evict from a node so a pending pod fits there.

use super::change::ApiError;
use super::cluster::Cluster;
use super::objects::{Node, Pod, PreemptionPolicy, PriorityClass};

/// The API server refuses a second `globalDefault` class, as its admission plugin does.
pub fn check_new_class(cluster: &Cluster, class: &PriorityClass) -> Result<(), ApiError> {
    if class.global_default
        && let Some(other) = cluster.priorityclasses().values().find(|c| c.global_default)
    {
        return Err(ApiError::Forbidden(format!(
            "priorityclasses.scheduling.k8s.io \"{}\" is forbidden: PriorityClass {} is already marked as default. Only one default can exist",
            class.meta.name, other.meta.name
        )));
    }
    Ok(())
}

/// Admission: sets the pod's priority from its class, or from the global default.
pub fn admit(cluster: &Cluster, pod: &mut Pod) -> Result<(), ApiError> {
    let class = match &pod.spec.priority_class_name {
        Some(name) => Some(cluster.priorityclasses().get(name).ok_or_else(|| {
            ApiError::Forbidden(format!(
                "pods \"{}\" is forbidden: no PriorityClass with name {name} was found",
                pod.meta.name
            ))
        })?),
        None => cluster.priorityclasses().values().find(|c| c.global_default),
    };
    if let Some(class) = class {
        pod.spec.priority_class_name = Some(class.meta.name.clone());
        pod.spec.priority = Some(class.value);
    }
    Ok(())
}

/// A pod's priority; 0 when it has none, as the scheduler counts it.
pub fn of(pod: &Pod) -> i32 {
    pod.spec.priority.unwrap_or(0)
}

/// Whether the pod may preempt others: `preemptionPolicy: Never` on its class says it may not.
pub fn may_preempt(cluster: &Cluster, pod: &Pod) -> bool {
    pod.spec
        .priority_class_name
        .as_ref()
        .and_then(|name| cluster.priorityclasses().get(name))
        .is_none_or(|c| c.preemption_policy != PreemptionPolicy::Never)
}

/// The fewest lower-priority pods on `node` whose eviction makes room for `pod` (lowest priority
/// first, then the youngest), or `None` if evicting all of them would not be enough.
/// `used` is what the node's active pods request: (cpu millicores, memory MiB, pods).
pub fn victims<'c>(cluster: &'c Cluster, node: &Node, pod: &Pod, used: (u64, u64, u32)) -> Option<Vec<&'c Pod>> {
    let (cpu, mem) = pod.spec.requests();
    let priority = of(pod);
    let mut lower: Vec<&Pod> = cluster
        .pods()
        .values()
        .filter(|p| p.is_active() && p.status.node.as_deref() == Some(node.meta.name.as_str()) && of(p) < priority)
        .collect();
    lower.sort_by_key(|p| (of(p), std::cmp::Reverse(p.meta.created), p.meta.name.clone()));
    let (mut ucpu, mut umem, mut upods) = used;
    let fits = |ucpu: u64, umem: u64, upods: u32| {
        ucpu + cpu.0 <= node.cpu.0 && umem + mem.0 <= node.memory.0 && upods < node.max_pods
    };
    let mut chosen = Vec::new();
    for victim in lower {
        if fits(ucpu, umem, upods) {
            break;
        }
        let (vcpu, vmem) = victim.spec.requests();
        ucpu = ucpu.saturating_sub(vcpu.0);
        umem = umem.saturating_sub(vmem.0);
        upods = upods.saturating_sub(1);
        chosen.push(victim);
    }
    fits(ucpu, umem, upods).then_some(chosen)
}
