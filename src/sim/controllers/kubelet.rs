//! The kubelet: for each pod on a healthy node, mounts volumes, runs init containers in order,
//! pulls images, resolves config, starts containers, and from the app profile decides what
//! happens next: a crash with the app's log line, an OOM kill, failing probes, a clean exit.
//! Crashes restart with back-off (10 s doubling to 5 min).

mod container;
mod env;

pub use container::container_usage;

use crate::sim::cluster::Cluster;
use crate::sim::objects::WaitingReason;
use crate::sim::objects::{ContainerState, KubeletState, Pod, PodPhase, RestartPolicy};

/// The longest a crashing container waits before its next restart.
pub const MAX_BACKOFF: u32 = 300;
/// Lines of log kept per container instance.
pub const LOG_LINES: usize = 200;

pub fn step(cluster: &mut Cluster) {
    let (world, now) = (cluster.world(), cluster.now);
    // A quiet step: the last pass found every pod asleep, the world has not moved and no pod is
    // due yet, so this pass would skip them all too.
    if cluster.kubelet_asleep_until().is_some_and(|wake| now < wake) {
        return;
    }
    // A settled pod sleeps until the world changes or its next timed transition. Pods are taken
    // in key order; a settled pod woken only because the world changed stays settled unless the
    // change reaches it (a dependency, its config, its load): then it gets a full sync.
    //
    // Whether a change reaches a pod whose apps call no dependencies reads only that pod, the
    // app profiles, its load, API permissions and mounted files, none of which another pod's sync
    // writes: it is decided for all of them in one pass, before any sync, with the same answer it
    // would have in turn. A pod whose app calls a dependency reads other pods (the backends it
    // reaches), so it is decided in its turn, after the syncs before it.
    //
    // A pod the kubelet last found unaffected keeps that verdict when all that changed since are
    // other pods none of its reads reach (`sim::changes`): it is marked at once, unasked.
    //
    // Once a sync in this pass may have changed what other pods read (the pod is one a service
    // selects), the pods after it that read other pods are asked in their turn again.
    //
    // This pass visits every pod whenever the world changed, so its per-pod checks are kept to
    // a field compare or a hash lookup (ARCHITECTURE.md, "Invariants", the change counter).
    let mut quiet = QuietSince::default();
    // The pods the last pass left synced and unaffected keep their verdict without asking, as
    // long as no pod a service sees was written since (`sim::changes::KubeletGroup`), and are
    // left as they are: they read as synced at this pass's world once it is recorded.
    let held = held_group(cluster);
    if held.is_none() && cluster.kubelet_alias().is_some_and(|g| g.world != world) {
        // The group does not carry over: its pods store the world they read before they are asked.
        settle_group(cluster);
    }
    // What a pod's `synced_world` reads as, and the worlds that read as the group's.
    let alias = cluster.kubelet_alias().cloned();
    let synced_world = |p: &Pod| alias.as_ref().map_or(p.status.synced_world, |g| g.synced_world(p));
    let group_since = cluster.kubelet_group_since();
    let mut earlier_work_seen = false;
    // Pods found unaffected now, to mark: by index, and by key while they are few.
    let mut untouched: Vec<usize> = Vec::new();
    let mut untouched_keys: Vec<(String, String)> = Vec::new();
    let mut newly_unaffected: Vec<u64> = Vec::new();
    // Pods of the last group looked at and left as they were: (key, the world they read as, uid).
    let mut left: Vec<((String, String), u64, u64)> = Vec::new();
    let mut work: Vec<((String, String), Decide)> = Vec::new();
    // Whether every pod is asleep, and the earliest any of them wakes.
    let mut all_asleep = true;
    let mut earliest_wake = i64::MAX;
    {
        let mut live_nodes: LiveNodes<'_> = LiveNodes::default();
        let mut nodes_known = false;
        for (i, (k, p)) in cluster.pods().iter().enumerate() {
            // A verdict that holds is asked first: it holds only while nothing but other pods was
            // written since the pod's last look, when it was active on a live node (no node and
            // none of its own fields changed since: those writes are broad or logged), so the
            // checks below would pass too. What `quiet.verdict` would answer, `Some(false)`, for
            // a pod of the group that was not written since, while no earlier work was seen: it
            // is not asleep (the world moved since its look), and stays of the group.
            if let Some(held) = &held
                && !earlier_work_seen
                && now < p.status.wake_at
                && held.holds(p)
            {
                all_asleep = false;
                continue;
            }
            let synced_at = synced_world(p);
            if synced_at == world && now < p.status.wake_at {
                earliest_wake = earliest_wake.min(p.status.wake_at);
                continue;
            }
            // A finished pod past its wake time is passed over below without a look (no verdict
            // is asked, it is not active), and stays so until something writes it: asleep too.
            all_asleep = all_asleep && now >= p.status.wake_at && !p.is_active();
            let verdict = if now < p.status.wake_at { quiet.verdict(cluster, p, synced_at, k) } else { None };
            if let Some(seen) = verdict
                && ((!seen && !earlier_work_seen) || !container::reads_other_pods(cluster, p))
            {
                mark(&mut untouched, &mut untouched_keys, i, k);
                continue;
            }
            if !nodes_known {
                // Only once some pod is to be looked at this way: most steps look at none.
                live_nodes.extend(
                    cluster
                        .nodes()
                        .values()
                        .filter(|n| n.kubelet == KubeletState::Running)
                        .map(|n| n.meta.name.as_str()),
                );
                nodes_known = true;
            }
            if !p.is_active() || !p.status.node.as_deref().is_some_and(|n| live_nodes.contains(n)) {
                if synced_at != world && group_since.is_some_and(|since| p.status.synced_world >= since) {
                    left.push((k.clone(), synced_at, p.meta.uid));
                }
                continue;
            }
            let decide = if container::reads_other_pods(cluster, p) {
                Decide::InTurn
            } else if now < p.status.wake_at && container::unaffected(cluster, p) {
                mark(&mut untouched, &mut untouched_keys, i, k);
                newly_unaffected.push(p.meta.uid);
                continue;
            } else {
                Decide::Sync
            };
            earlier_work_seen = earlier_work_seen || crate::sim::changes::seen_by_services(cluster, k, Some(p));
            work.push((k.clone(), decide));
        }
    }
    // Nothing below runs when every pod was asleep: no write, so the world is still `world`.
    cluster.note_kubelet_asleep(all_asleep.then_some((world, earliest_wake)));
    // Only their bookkeeping changes, which nothing in a sync reads: mark them all at once.
    if untouched.len() == untouched_keys.len() {
        for k in &untouched_keys {
            if let Some(p) = cluster.pods_mut_status_only().get_mut(k) {
                p.status.synced_world = world;
            }
        }
    } else if let Some(&last) = untouched.last() {
        let mut marks = untouched.iter().copied().peekable();
        for (i, p) in cluster.pods_mut_status_only().values_mut().enumerate().take(last + 1) {
            if marks.next_if_eq(&i).is_some() {
                p.status.synced_world = world;
            }
        }
    }
    // A pod whose verdict held is recorded already.
    cluster.note_kubelet_unaffected(newly_unaffected);
    // A pod of the group left as it was keeps reading the world it does: stored, as an exception.
    let left: Vec<u64> = left
        .into_iter()
        .map(|(k, synced_at, uid)| {
            if let Some(p) = cluster.pods_mut_status_only().get_mut(&k) {
                p.status.synced_world = synced_at;
            }
            uid
        })
        .collect();
    let mut synced = Vec::new();
    for (k, decide) in work {
        let untouched = decide == Decide::InTurn
            && cluster.pods().get(&k).is_some_and(|p| {
                now < p.status.wake_at
                    && (quiet.verdict(cluster, p, synced_world(p), &k) == Some(false)
                        || container::unaffected(cluster, p))
            });
        if untouched {
            if let Some(p) = cluster.pods_mut_status_only().get_mut(&k) {
                p.status.synced_world = world;
                let uid = p.meta.uid;
                cluster.note_kubelet_unaffected([uid]);
            }
        } else {
            synced.extend(cluster.pods().get(&k).map(|p| p.meta.uid));
            sync_pod(cluster, &k, world);
        }
    }
    if cluster.note_kubelet_group(world, synced, left, held.is_some()) {
        settle_group(cluster);
    }
}

/// Writes into every pod of the group (`sim::changes::KubeletGroup`) the world it reads as
/// synced at, so each pod stores what it reads: before a pass the group's verdicts do not hold
/// for, and when its list of exceptions grows long. Only bookkeeping changes: the world does not
/// move.
fn settle_group(cluster: &mut Cluster) {
    let Some(group) = cluster.take_kubelet_group() else { return };
    let synced = match &group.synced {
        Some(others) if group.aliased() => {
            // Of the exceptions, only those that store the group's world still need listing.
            let mut still = Vec::new();
            for p in cluster.pods_mut_status_only().values_mut() {
                p.status.synced_world = group.synced_world(p);
                if p.status.synced_world == group.world && others.binary_search(&p.meta.uid).is_ok() {
                    still.push(p.meta.uid);
                }
            }
            still.sort_unstable();
            Some(still)
        }
        _ => group.synced.clone(),
    };
    cluster.settled_kubelet_group(group.world, synced);
}

/// The most pods marked by key rather than in a walk over all of them.
const MARKED_BY_KEY: usize = 16;

/// Notes a pod found unaffected, to mark after the walk.
fn mark(untouched: &mut Vec<usize>, keys: &mut Vec<(String, String)>, i: usize, k: &(String, String)) {
    if untouched.len() == keys.len() && keys.len() < MARKED_BY_KEY {
        keys.push(k.clone());
    }
    untouched.push(i);
}

/// The last pass's group (`sim::changes::KubeletGroup`) when its verdicts hold for this pass.
struct Held {
    /// The first world its pods may carry (`KubeletGroup::since`).
    since: u64,
    /// The pods of it that do not go without asking (its exceptions, and the pods
    /// written since), by uid, sorted.
    written: crate::sim::changes::Uids,
}

impl Held {
    /// Whether the pod is of the group and was not written since.
    fn holds(&self, p: &Pod) -> bool {
        p.status.synced_world >= self.since && !self.written.contains(p.meta.uid)
    }
}

/// The last pass's group when its verdicts hold for this pass: `None` when anything but pods was
/// written since, or a pod a service sees (then a pod that reads other pods must be asked).
fn held_group(cluster: &Cluster) -> Option<Held> {
    let group = cluster.kubelet_group()?;
    if group.world == cluster.world() {
        // Its pods are asleep, synced at this world: the pass passes over them anyway.
        return None;
    }
    let narrow = cluster.narrow_since(group.world)?;
    if narrow.seen_by_services(cluster) {
        return None;
    }
    let mut written = group.synced.clone().unwrap_or_default();
    written.extend(narrow.pods.iter().filter_map(|t| cluster.pods().get(&t.key)).map(|p| p.meta.uid));
    Some(Held { since: group.since, written: crate::sim::changes::Uids::new(written) })
}

/// Whether a pod's last verdict, unaffected, still holds: the kubelet found it unaffected at its
/// last look (its `synced_world`), and since then only other pods were written. The answer says
/// whether a service selects any of them (what matters to a pod that reads other pods through
/// its dependencies), `None` if the verdict does not hold. Answers are kept per (pod's world,
/// cluster's world), which most pods share.
#[derive(Default)]
struct QuietSince {
    answers: Vec<((u64, u64), Option<crate::sim::changes::Narrow>, bool)>,
    /// The answer the last pod asked for: the pods in a row mostly share it.
    last: usize,
}

impl QuietSince {
    /// `synced_at`: the world the pod reads as synced at (`Cluster::kubelet_synced_world`).
    fn verdict(&mut self, cluster: &Cluster, pod: &Pod, synced_at: u64, k: &(String, String)) -> Option<bool> {
        if !cluster.kubelet_found_unaffected(pod.meta.uid) {
            return None;
        }
        let asked = (synced_at, cluster.world());
        let at = if self.answers.get(self.last).is_some_and(|(a, _, _)| *a == asked) {
            self.last
        } else if let Some(at) = self.answers.iter().position(|(a, _, _)| *a == asked) {
            at
        } else {
            let narrow = cluster.narrow_since(asked.0);
            let seen = narrow.as_ref().is_none_or(|n| n.seen_by_services(cluster));
            self.answers.push((asked, narrow, seen));
            self.answers.len() - 1
        };
        self.last = at;
        let (_, narrow, seen) = self.answers.get(at)?;
        narrow.as_ref().filter(|n| !n.contains(k)).map(|_| *seen)
    }
}

/// The nodes whose kubelet runs, by name: a hash lookup per pod instead of a walk comparing names.
type LiveNodes<'a> =
    std::collections::HashSet<&'a str, std::hash::BuildHasherDefault<crate::sim::cluster::SampleHasher>>;

/// What the kubelet does with a pod the world's change woke.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decide {
    /// Sync it: it is not settled, or the change reaches it.
    Sync,
    /// Ask in its turn whether the change reaches it (it reads other pods).
    InTurn,
}

fn sync_pod(cluster: &mut Cluster, k: &(String, String), world: u64) {
    let Some(uid) = cluster.pods().get(k).map(|p| p.meta.uid) else { return };
    // Synced, not found unaffected: its next look asks again.
    cluster.forget_kubelet_verdict(uid);
    let Some(pod) = cluster.pods().get(k) else { return };
    let mut events = container::Events::default();
    let retry_at = cluster.now + crate::sim::controllers::STEP_SECONDS;
    if let Some(error) = env::volume_error(cluster, pod) {
        events.warn("FailedMount", error.clone());
        let pod = cluster.pods_mut_status_only().get_mut(k);
        if let Some(pod) = pod {
            pod.status.volume_error = Some(error);
            pod.status.synced_world = world;
            pod.status.wake_at = retry_at;
        }
        flush(cluster, k, events);
        return;
    }
    if let Some(error) = crate::sim::cni::sandbox_error(cluster, pod) {
        // No sandbox without a network: the pod stays ContainerCreating and the kubelet retries.
        events.warn("FailedCreatePodSandBox", error.clone());
        if let Some(pod) = cluster.pods_mut_status_only().get_mut(k) {
            pod.status.volume_error = Some(error);
            pod.status.synced_world = world;
            pod.status.wake_at = retry_at;
        }
        flush(cluster, k, events);
        return;
    }
    let needs_ip = pod.status.pod_ip.is_none();
    let node_index = pod.status.node.as_ref().and_then(|n| cluster.nodes().get(n)).map_or(0, |n| n.index);
    if needs_ip {
        // The sandbox's resolv.conf names the DNS server the kubelet's config says (clusterDNS).
        let dns = pod
            .status
            .node
            .as_ref()
            .and_then(|n| cluster.nodes().get(n))
            .map(crate::sim::control_plane::cluster_dns)
            .filter(|ip| ip != crate::sim::network::DNS_IP);
        let n = cluster.allocate_pod_ip();
        if let Some(pod) = cluster.pod_mut(k) {
            pod.status.pod_ip = Some(format!("10.244.{}.{}", node_index, 2 + n % 250));
            pod.status.volume_error = None;
            pod.status.dns_server = dns;
        }
    }
    let Some(pod) = cluster.pods().get(k) else { return };
    let mut updated = pod.clone();
    // Init containers run one at a time, each to completion.
    let mut init_done = true;
    for i in 0..updated.spec.init_containers.len() {
        let completed = matches!(
            updated.status.init_statuses.get(i).map(|s| &s.state),
            Some(ContainerState::Terminated { exit_code: 0, .. })
        );
        if completed {
            continue;
        }
        container::sync(cluster, &mut updated, i, true, &mut events);
        let completed = matches!(
            updated.status.init_statuses.get(i).map(|s| &s.state),
            Some(ContainerState::Terminated { exit_code: 0, .. })
        );
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
            c.state = ContainerState::Waiting { reason: WaitingReason::PodInitializing, message: String::new() };
        }
    }
    let ever_started =
        updated.status.containers.iter().any(|c| {
            c.restart_count > 0 || matches!(c.state, ContainerState::Running { .. }) || c.last_state.is_some()
        });
    let policy = updated.spec.restart_policy;
    let all_done = !updated.status.containers.is_empty()
        && updated.status.containers.iter().all(|c| matches!(c.state, ContainerState::Terminated { exit_code: 0, .. }))
        && (policy != RestartPolicy::Always
            || updated
                .spec
                .containers
                .iter()
                .all(|c| cluster.app_for_image(&c.image).is_some_and(|a| a.exits_after.is_some())));
    // Under `Never`, a pod whose containers have all exited, one of them in error, has failed.
    let failed = policy == RestartPolicy::Never
        && !updated.status.containers.is_empty()
        && updated.status.containers.iter().all(|c| matches!(c.state, ContainerState::Terminated { .. }))
        && updated
            .status
            .containers
            .iter()
            .any(|c| matches!(c.state, ContainerState::Terminated { exit_code, .. } if exit_code != 0));
    updated.status.phase = if failed {
        PodPhase::Failed
    } else if all_done {
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
    // Unchanged: the sync wrote nothing new, and the pod was synced at this world already (as
    // the kubelet reads it: a pod of its group may store an older one).
    updated.status.wake_at = before.wake_at;
    let unchanged = cluster.kubelet_synced_world(pod) == world && *before == updated.status;
    updated.status.synced_world = world;
    let settled = unchanged && init_done && container::settled(cluster, &updated);
    updated.status.wake_at = if settled { i64::MAX } else { next_wake(&updated.status, retry_at) };
    if let Some(slot) = cluster.pods_mut_status_only().get_mut(k) {
        *slot = updated;
    }
    if readiness_changed {
        cluster.touch_pod(k);
    }
    flush(cluster, k, events);
}

/// A pod whose containers all sit in back-off sleeps until the first back-off ends.
fn next_wake(status: &crate::sim::objects::PodStatus, retry_at: i64) -> i64 {
    let backing_off = |c: &crate::sim::objects::ContainerStatus| {
        matches!(&c.state, ContainerState::Waiting { reason, .. } if *reason == WaitingReason::ImagePullBackOff || *reason == WaitingReason::CrashLoopBackOff)
            && c.next_start >= retry_at
    };
    let waiting: Vec<&crate::sim::objects::ContainerStatus> = status
        .init_statuses
        .iter()
        .chain(&status.containers)
        .filter(|c| !matches!(c.state, ContainerState::Terminated { exit_code: 0, .. }))
        .collect();
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

#[cfg(test)]
mod tests {
    use crate::sim::apps::AppProfile;
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{
        apply, cluster_with, container, get_pod, messages, node, pod, pod_spec, state_of, web_app,
    };
    use crate::sim::objects::WaitingReason;
    use crate::sim::objects::{
        ConfigMap, Container, ContainerState, ContainerStatus, EnvVar, KeyRef, Meta, Volume, VolumeMount, VolumeSource,
    };
    use crate::sim::quantity::Mebibytes;

    /// One node and a bare pod `web` running these containers; `apps` by image.
    fn run_pod(apps: &[(&str, AppProfile)], containers: Vec<Container>, extra: Vec<Object>) -> Cluster {
        let mut objects = extra;
        objects.push(Object::Pod(pod("default", "web", pod_spec(containers))));
        cluster_with(vec![node("node-1")], apps, objects)
    }

    fn status(c: &Cluster) -> &ContainerStatus {
        &get_pod(c, "default", "web").status.containers[0]
    }

    fn events(c: &Cluster) -> Vec<(bool, String, String)> {
        c.events_for("default", "Pod", "web").iter().map(|e| (e.warning, e.reason.clone(), e.message.clone())).collect()
    }

    fn ev(warning: bool, reason: &str, message: &str) -> (bool, String, String) {
        (warning, reason.to_owned(), message.to_owned())
    }

    #[test]
    fn a_missing_tag_is_err_image_pull_then_image_pull_back_off() {
        let mut c = run_pod(&[("web:v1", web_app())], vec![container("web", "web:v9")], Vec::new());
        c.step();
        let pull =
            "failed to pull and unpack image \"web:v9\": failed to resolve reference \"web:v9\": web:v9: not found";
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "ErrImagePull");
        assert_eq!(
            status(&c).state,
            ContainerState::Waiting {
                reason: WaitingReason::ErrImagePull,
                message: format!("rpc error: code = NotFound desc = {pull}")
            }
        );
        assert_eq!(
            events(&c),
            vec![
                ev(false, "Scheduled", "Successfully assigned default/web to node-1"),
                ev(false, "Pulling", "Pulling image \"web:v9\""),
                ev(true, "Failed", &format!("Failed to pull image \"web:v9\": {pull}")),
                ev(true, "Failed", "Error: ErrImagePull"),
            ]
        );
        c.advance_seconds(20);
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "ImagePullBackOff");
        assert_eq!(
            status(&c).state,
            ContainerState::Waiting {
                reason: WaitingReason::ImagePullBackOff,
                message: "Back-off pulling image \"web:v9\"".to_owned()
            }
        );
        let back_off = events(&c);
        assert!(back_off.contains(&ev(false, "BackOff", "Back-off pulling image \"web:v9\"")));
        assert!(back_off.contains(&ev(true, "Failed", "Error: ImagePullBackOff")));
        assert!(!status(&c).ready);
    }

    fn crashing_app() -> AppProfile {
        AppProfile {
            required_env: vec!["DATABASE_URL".to_owned()],
            start_logs: vec!["starting web".to_owned()],
            ..AppProfile::default()
        }
    }

    #[test]
    fn crash_loop_back_off_doubles_from_10_s_to_at_most_300_s() {
        let mut c = run_pod(&[("web:v1", crashing_app())], vec![container("web", "web:v1")], Vec::new());
        // (finished, next start) of each dead instance, and when each instance started.
        let mut deaths: Vec<(i64, i64)> = Vec::new();
        let mut starts: Vec<i64> = Vec::new();
        while c.now < 1400 {
            c.step();
            match status(&c).state {
                ContainerState::Terminated { finished_at, .. } if deaths.last().is_none_or(|d| d.0 != finished_at) => {
                    deaths.push((finished_at, status(&c).next_start));
                }
                ContainerState::Running { started_at } if starts.last() != Some(&started_at) => starts.push(started_at),
                _ => {}
            }
        }
        let delays: Vec<i64> = deaths.iter().map(|(died, next)| next - died).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 300, 300, 300, 300]);
        // Each restart happens exactly when its back-off ends.
        let restarts: Vec<i64> = deaths.iter().map(|d| d.1).collect();
        assert_eq!(starts[1..], restarts[..starts.len() - 1]);
        assert_eq!(starts[..4], [10, 30, 60, 110]);
        assert_eq!(status(&c).restart_count, starts.len() as u32 - 1);
    }

    #[test]
    fn a_crashed_instance_leaves_its_log_and_last_state_behind() {
        let mut c = run_pod(&[("web:v1", crashing_app())], vec![container("web", "web:v1")], Vec::new());
        c.advance_seconds(20);
        assert_eq!(
            status(&c).state,
            ContainerState::Terminated {
                reason: "Error".to_owned(),
                exit_code: 1,
                message: String::new(),
                started_at: 10,
                finished_at: 20
            }
        );
        c.advance_seconds(30);
        let uid = crate::sim::manifest::uid(get_pod(&c, "default", "web").meta.uid);
        let s = status(&c);
        assert_eq!(s.restart_count, 1);
        assert_eq!(
            s.previous_log,
            [
                "2026-11-22T09:00:10Z starting web",
                "2026-11-22T09:00:10Z FATAL: environment variable DATABASE_URL is not set"
            ]
        );
        assert_eq!(
            s.log,
            [
                "2026-11-22T09:00:30Z starting web",
                "2026-11-22T09:00:30Z FATAL: environment variable DATABASE_URL is not set"
            ]
        );
        // The second instance died at 40 and waits 20 s, until 60.
        assert_eq!(
            s.last_state,
            Some(ContainerState::Terminated {
                reason: "Error".to_owned(),
                exit_code: 1,
                message: String::new(),
                started_at: 30,
                finished_at: 40
            })
        );
        assert_eq!(
            s.state,
            ContainerState::Waiting {
                reason: WaitingReason::CrashLoopBackOff,
                message: format!("back-off 20s restarting failed container=web pod=web_default({uid})"),
            }
        );
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "CrashLoopBackOff");
        assert_eq!(
            messages(&c, "Pod", "web", "BackOff"),
            [format!("Back-off restarting failed container web in pod web_default({uid})")]
        );
    }

    fn hungry_container(limit: u64) -> Container {
        let mut web = container("web", "web:v1");
        web.resources.limits.memory = Some(Mebibytes(limit));
        web
    }

    #[test]
    fn usage_over_the_memory_limit_is_oom_killed_with_exit_code_137() {
        let app = AppProfile { memory: Mebibytes(300), ..AppProfile::default() };
        let mut c = run_pod(&[("web:v1", app.clone())], vec![hungry_container(256)], Vec::new());
        let mut killed = None;
        for _ in 0..8 {
            c.step();
            if let ContainerState::Terminated { reason, exit_code, started_at, finished_at, .. } = &status(&c).state {
                killed = Some((reason.clone(), *exit_code, *started_at, *finished_at));
                break;
            }
        }
        let (reason, code, started, finished) = killed.expect("the container is killed within 80 s");
        assert_eq!((reason.as_str(), code, started), ("OOMKilled", 137, 10));
        assert!(finished - started >= 10, "killed after it started ({finished})");
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "OOMKilled");
        c.advance_seconds(20);
        let s = status(&c);
        assert_eq!(s.restart_count, 1);
        assert!(
            matches!(&s.last_state, Some(ContainerState::Terminated { reason, exit_code: 137, .. }) if reason == "OOMKilled")
        );
        // Under a limit it fits, it runs on.
        let mut c = run_pod(&[("web:v1", app)], vec![hungry_container(512)], Vec::new());
        c.advance_seconds(300);
        assert_eq!(
            (state_of(get_pod(&c, "default", "web")), status(&c).restart_count, status(&c).ready),
            ("Running".to_owned(), 0, true)
        );
    }

    fn with_config_key(map: &str, key: &str) -> Container {
        let mut web = container("web", "web:v1");
        web.env.push(EnvVar {
            name: "DB_URL".to_owned(),
            value: None,
            config_map_key: Some(KeyRef { name: map.to_owned(), key: key.to_owned(), optional: false }),
            secret_key: None,
        });
        web
    }

    fn config_map(name: &str, pairs: &[(&str, &str)]) -> ConfigMap {
        ConfigMap {
            meta: Meta::new(name, "default"),
            data: pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    #[test]
    fn missing_config_is_create_container_config_error() {
        let mut c = run_pod(&[("web:v1", web_app())], vec![with_config_key("app-config", "DB_URL")], Vec::new());
        c.step();
        let config_error = |message: &str| ContainerState::Waiting {
            reason: WaitingReason::CreateContainerConfigError,
            message: message.to_owned(),
        };
        assert_eq!(status(&c).state, config_error("configmap \"app-config\" not found"));
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "CreateContainerConfigError");
        assert_eq!(messages(&c, "Pod", "web", "Failed"), ["Error: configmap \"app-config\" not found"]);
        // The map appears with a differently named key.
        apply(
            &mut c,
            Change::Create(Object::ConfigMap(config_map("app-config", &[("DATABASE_URL", "postgres://db")]))),
        );
        c.step();
        let missing_key = "couldn't find key DB_URL in ConfigMap default/app-config";
        assert_eq!(status(&c).state, config_error(missing_key));
        assert_eq!(
            messages(&c, "Pod", "web", "Failed").last().map(String::as_str),
            Some(format!("Error: {missing_key}").as_str())
        );
        // Adding the key lets the container start.
        let (namespace, config_map) = ("default".to_owned(), "app-config".to_owned());
        let value = Some("postgres://db".to_owned());
        apply(&mut c, Change::SetConfigData { namespace, config_map, key: "DB_URL".to_owned(), value });
        c.advance_seconds(20);
        assert_eq!(state_of(get_pod(&c, "default", "web")), "Running");
        assert!(status(&c).ready);
    }

    #[test]
    fn init_containers_complete_before_the_main_container_starts() {
        let migrate = AppProfile { port: None, exits_after: Some(10), ..AppProfile::default() };
        let mut spec = pod_spec(vec![container("web", "web:v1")]);
        spec.init_containers.push(container("migrate", "migrate:v1"));
        let apps = [("web:v1", web_app()), ("migrate:v1", migrate)];
        let mut c = cluster_with(vec![node("node-1")], &apps, vec![Object::Pod(pod("default", "web", spec))]);
        let mut seen_initializing = 0;
        loop {
            c.step();
            let p = get_pod(&c, "default", "web");
            if let ContainerState::Terminated { exit_code: 0, finished_at, reason, .. } =
                &p.status.init_statuses[0].state
            {
                assert_eq!(reason, "Completed");
                let ContainerState::Running { started_at } = p.status.containers[0].state else {
                    panic!("main container not started after init: {:?}", p.status.containers[0].state)
                };
                assert!(started_at >= *finished_at);
                assert_eq!(*finished_at, 30);
                break;
            }
            assert_eq!(state_of(p), "PodInitializing");
            assert_eq!(p.status_text(c.now), "Init:0/1");
            seen_initializing += 1;
            assert!(c.now < 100, "init container never completed");
        }
        assert_eq!(seen_initializing, 2);
        assert_eq!(get_pod(&c, "default", "web").status.init_statuses[0].log, ["2026-11-22T09:00:30Z done"]);
        c.step();
        assert_eq!(get_pod(&c, "default", "web").status_text(c.now), "Running");
    }

    #[test]
    fn a_settled_pod_sleeps_until_its_config_map_changes() {
        let app = AppProfile { required_files: vec!["/etc/app/config.yaml".to_owned()], ..AppProfile::default() };
        let mut web = container("web", "web:v1");
        web.volume_mounts.push(VolumeMount { name: "config".to_owned(), mount_path: "/etc/app".to_owned() });
        let mut spec = pod_spec(vec![web]);
        spec.volumes
            .push(Volume { name: "config".to_owned(), source: VolumeSource::ConfigMap("app-config".to_owned()) });
        let objects = vec![
            Object::ConfigMap(config_map("app-config", &[("config.yaml", "port: 8080")])),
            Object::Pod(pod("default", "web", spec)),
        ];
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", app)], objects);
        c.advance_seconds(40);
        let settled = get_pod(&c, "default", "web").status.clone();
        assert_eq!(settled.wake_at, i64::MAX);
        assert!(settled.containers[0].ready);
        // A change elsewhere in the world leaves it asleep and untouched.
        apply(&mut c, Change::Create(Object::ConfigMap(config_map("other", &[("a", "b")]))));
        c.advance_seconds(30);
        let now = get_pod(&c, "default", "web").status.clone();
        assert_eq!(c.kubelet_synced_world(get_pod(&c, "default", "web")), c.world());
        assert_eq!(crate::sim::objects::PodStatus { synced_world: settled.synced_world, ..now }, settled);
        // Removing the file it reads wakes it: it fails to open it and exits.
        let (namespace, config_map) = ("default".to_owned(), "app-config".to_owned());
        apply(&mut c, Change::SetConfigData { namespace, config_map, key: "config.yaml".to_owned(), value: None });
        c.step();
        let s = status(&c);
        assert!(matches!(&s.state, ContainerState::Terminated { reason, exit_code: 1, .. } if reason == "Error"));
        assert_eq!(
            s.log.last().map(String::as_str),
            Some("2026-11-22T09:01:20Z FATAL: open /etc/app/config.yaml: no such file or directory")
        );
        assert_ne!(get_pod(&c, "default", "web").status.wake_at, i64::MAX);
    }
}
