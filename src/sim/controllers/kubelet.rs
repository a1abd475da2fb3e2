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
    let (world, now) = (cluster.world, cluster.now);
    // A settled pod sleeps until the world changes or its next timed transition.
    let keys: Vec<(String, String)> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.status.synced_world != world || now >= p.status.wake_at)
        .filter(|(_, p)| p.is_active() && p.status.node.as_ref().is_some_and(|n| live_nodes.contains(n)))
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        // A settled pod woken only because the world changed stays settled unless the change
        // reaches it (a dependency, its config, its load): then it gets a full sync.
        let untouched = cluster
            .pods
            .get(&k)
            .is_some_and(|p| now < p.status.wake_at && container::unaffected(cluster, p));
        if untouched {
            if let Some(p) = cluster.pods.get_mut(&k) {
                p.status.synced_world = world;
            }
        } else {
            sync_pod(cluster, &k, world);
        }
    }
}

fn sync_pod(cluster: &mut Cluster, k: &(String, String), world: u64) {
    let Some(pod) = cluster.pods.get(k) else { return };
    let mut events = container::Events::default();
    let retry_at = cluster.now + crate::sim::controllers::STEP_SECONDS;
    if let Some(error) = env::volume_error(cluster, pod) {
        events.warn("FailedMount", error.clone());
        let pod = cluster.pods.get_mut(k);
        if let Some(pod) = pod {
            pod.status.volume_error = Some(error);
            pod.status.synced_world = world;
            pod.status.wake_at = retry_at;
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
        cluster.touch();
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
    let before = &pod.status;
    let readiness_changed = before.phase != updated.status.phase
        || before.containers.iter().zip(&updated.status.containers).any(|(a, b)| a.ready != b.ready);
    updated.status.synced_world = world;
    updated.status.wake_at = before.wake_at;
    let unchanged = *before == updated.status;
    let settled = unchanged && init_done && container::settled(cluster, &updated);
    updated.status.wake_at = if settled { i64::MAX } else { next_wake(&updated.status, retry_at) };
    if let Some(slot) = cluster.pods.get_mut(k) {
        *slot = updated;
    }
    if readiness_changed {
        cluster.touch();
    }
    flush(cluster, k, events);
}

/// A pod whose containers all sit in back-off sleeps until the first back-off ends.
fn next_wake(status: &crate::sim::objects::PodStatus, retry_at: i64) -> i64 {
    let backing_off = |c: &crate::sim::objects::ContainerStatus| {
        matches!(&c.state, ContainerState::Waiting { reason, .. } if reason == "ImagePullBackOff" || reason == "CrashLoopBackOff")
            && c.next_start >= retry_at
    };
    let waiting: Vec<&crate::sim::objects::ContainerStatus> =
        status.init_statuses.iter().chain(&status.containers).filter(|c| !matches!(c.state, ContainerState::Terminated { exit_code: 0, .. })).collect();
    if !waiting.is_empty() && waiting.iter().all(|c| backing_off(c)) {
        waiting.iter().map(|c| c.next_start).min().unwrap_or(retry_at)
    } else {
        retry_at
    }
}

fn flush(cluster: &mut Cluster, k: &(String, String), events: container::Events) {
    for (warning, reason, message) in events.list {
        cluster.record(&k.0, "Pod", &k.1, warning, reason, &message, "kubelet");
    }
}
