//! The kubelet: for each pod on a healthy node, mounts volumes, runs init containers in order,
//! pulls images, resolves config, starts containers, and from the app profile decides what
//! happens next: a crash with the app's log line, an OOM kill, failing probes, a clean exit.
//! Crashes restart with back-off (10 s doubling to 5 min).

mod container;
mod env;

pub use container::container_usage;

use crate::sim::cluster::Cluster;
use crate::sim::objects::{ContainerState, KubeletState, PodPhase};

/// The longest a crashing container waits before its next restart.
pub const MAX_BACKOFF: u32 = 300;
/// Lines of log kept per container instance.
pub const LOG_LINES: usize = 200;

pub fn step(cluster: &mut Cluster) {
    let live_nodes: std::collections::BTreeSet<String> = cluster
        .nodes
        .values()
        .filter(|n| n.kubelet == KubeletState::Running)
        .map(|n| n.meta.name.clone())
        .collect();
    let keys: Vec<(String, String)> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.is_active() && p.status.node.as_ref().is_some_and(|n| live_nodes.contains(n)))
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        sync_pod(cluster, &k);
    }
}

fn sync_pod(cluster: &mut Cluster, k: &(String, String)) {
    let Some(pod) = cluster.pods.get(k) else { return };
    let mut events = container::Events::default();
    if let Some(error) = env::volume_error(cluster, pod) {
        events.warn("FailedMount", error.clone());
        let pod = cluster.pods.get_mut(k);
        if let Some(pod) = pod {
            pod.status.volume_error = Some(error);
        }
        flush(cluster, k, events);
        return;
    }
    let needs_ip = pod.status.pod_ip.is_none();
    let node_index = pod.status.node.as_ref().and_then(|n| cluster.nodes.get(n)).map_or(0, |n| n.index);
    if needs_ip {
        let n = cluster.next_pod_ip;
        cluster.next_pod_ip += 1;
        if let Some(pod) = cluster.pods.get_mut(k) {
            pod.status.pod_ip = Some(format!("10.244.{}.{}", node_index, 2 + n % 250));
            pod.status.volume_error = None;
        }
    }
    let Some(pod) = cluster.pods.get(k) else { return };
    let mut updated = pod.clone();
    // Init containers run one at a time, each to completion.
    let mut init_done = true;
    for i in 0..updated.spec.init_containers.len() {
        let completed = matches!(updated.status.init_statuses.get(i).map(|s| &s.state), Some(ContainerState::Terminated { exit_code: 0, .. }));
        if completed {
            continue;
        }
        container::sync(cluster, &mut updated, i, true, &mut events);
        let completed = matches!(updated.status.init_statuses.get(i).map(|s| &s.state), Some(ContainerState::Terminated { exit_code: 0, .. }));
        if !completed {
            init_done = false;
        }
        break;
    }
    if init_done {
        for i in 0..updated.spec.containers.len() {
            container::sync(cluster, &mut updated, i, false, &mut events);
        }
    } else {
        for c in &mut updated.status.containers {
            c.state = ContainerState::Waiting { reason: "PodInitializing".to_owned(), message: String::new() };
        }
    }
    let ever_started = updated
        .status
        .containers
        .iter()
        .any(|c| c.restart_count > 0 || matches!(c.state, ContainerState::Running { .. }) || c.last_state.is_some());
    let all_done = !updated.status.containers.is_empty()
        && updated.status.containers.iter().all(|c| matches!(c.state, ContainerState::Terminated { exit_code: 0, .. }))
        && updated.spec.containers.iter().all(|c| cluster.app_for_image(&c.image).is_some_and(|a| a.exits_after.is_some()));
    updated.status.phase = if all_done {
        PodPhase::Succeeded
    } else if init_done && ever_started {
        PodPhase::Running
    } else {
        PodPhase::Pending
    };
    if updated.status.phase == PodPhase::Running && updated.status.started_at.is_none() {
        updated.status.started_at = Some(cluster.now);
    }
    if let Some(slot) = cluster.pods.get_mut(k) {
        *slot = updated;
    }
    flush(cluster, k, events);
}

fn flush(cluster: &mut Cluster, k: &(String, String), events: container::Events) {
    for (warning, reason, message) in events.list {
        cluster.record(&k.0, "Pod", &k.1, warning, reason, &message, "kubelet");
    }
}
