//! What changed since the controllers last looked, finer than the cluster's change counter: the
//! pods written one by one (by key) and whether anything else was written. A step whose changes
//! are only some pods (a cron job's pod scheduled, started, finished) lets each controller skip
//! the parts those pods cannot reach, so one batch pod does not make every controller look at the
//! storefront's thousand pods again (ARCHITECTURE.md, "Invariants", the change counter).
//!
//! The log is bookkeeping derived from the writes: it never decides an outcome, only whether a
//! controller may take its "nothing new" path, which must give the same world as its full pass
//! (`tests/incremental_controllers.rs` steps clusters both ways and compares them).

use std::collections::BTreeMap;

use super::cluster::Cluster;
use super::objects::{OwnerKind, Pod};

/// The writes since the last reconciled world, by change-counter value.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct Changes {
    /// The counter's value at the last write that is not narrowed to pods: any store through its
    /// `_mut()` accessor (job and cron job stores aside, which only their own controllers read),
    /// a plain `touch`, the whole pod store.
    broad: u64,
    /// Entries at or below this value were dropped; questions about older worlds are answered
    /// "anything may have changed".
    floor: u64,
    /// Pods written by key, with the counter's value at their last write and what they were
    /// before each write (owner kind and node), so a pod removed or moved is still placed.
    pods: BTreeMap<(String, String), PodWrite>,
    /// The uids of the pods the kubelet found unaffected at its last look (rather than syncing
    /// them), for [`Cluster::kubelet_found_unaffected`].
    unaffected: std::collections::HashSet<u64, std::hash::BuildHasherDefault<super::cluster::SampleHasher>>,
    /// The kubelet's last pass found every pod asleep (synced at this world, none due before
    /// this time): (world, earliest wake). While the world stays and that time has not come, a
    /// pass would find the same, so it is skipped ([`Cluster::kubelet_asleep_until`]).
    kubelet_asleep: Option<(u64, i64)>,
    /// What the kubelet's last pass leaves behind for its next one ([`KubeletGroup`]).
    kubelet_group: Option<KubeletGroup>,
    /// The earliest time a pod's graceful deletion ends (`None`: no pod is terminating), as of
    /// a world ([`Cluster::earliest_termination`]).
    termination: Option<(u64, Option<i64>)>,
    /// The world at which the scheduler last found no pod waiting for it
    /// ([`Cluster::nothing_to_schedule`]).
    scheduled: Option<u64>,
    /// Every controller takes its full pass (the differential test's reference).
    pub full_passes: bool,
}

/// The pods the kubelet's last pass left synced at one world: every pod that reads as synced
/// at `world` ([`KubeletGroup::synced_world`]) is among the pods it found unaffected
/// (`Changes::unaffected`), except the few it synced (`synced`, by uid). Only the kubelet writes
/// `synced_world` and only a sync drops a verdict, and a pod written since is in the log (or the
/// write was broad), so the next pass knows such a pod's verdict holds without asking for it
/// pod by pod.
///
/// A pass whose verdicts held for the group leaves the group's pods as they were rather than
/// writing the new world into each: their `synced_world` stays what it was, at or after `since`
/// (every pass since then carried the group over, so every `synced_world` written since is a
/// world the group had), and reads as `world`. A pod with a `synced_world` at or after `since`
/// that is not of the group (synced, or looked at and left as it was) is listed in `synced`.
/// The kubelet writes what the pods read into the pods (`kubelet::settle_group`), when the group's
/// verdicts do not hold or its list grows long.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct KubeletGroup {
    /// The world the pass ran at.
    pub world: u64,
    /// The first world of the passes that carried the group over: a `synced_world` at or after
    /// it reads as `world`.
    pub since: u64,
    /// The pods with a `synced_world` at or after `since` that are not of the group, by uid, sorted;
    /// `None` when a pod may have had such a `synced_world` from before the pass without a
    /// verdict (the world had not moved since a pass that left no group).
    pub synced: Option<Vec<u64>>,
}

impl KubeletGroup {
    /// The world the kubelet last synced a pod against, as its passes read it: a pod of the group
    /// reads as synced at the group's world.
    pub fn synced_world(&self, pod: &Pod) -> u64 {
        let stored = pod.status.synced_world;
        match &self.synced {
            Some(others)
                if stored != self.world && stored >= self.since && others.binary_search(&pod.meta.uid).is_err() =>
            {
                self.world
            }
            _ => stored,
        }
    }

    /// Whether pods may read as synced at another world than they store.
    pub fn aliased(&self) -> bool {
        self.since < self.world
    }
}

/// The longest list of exceptions a group keeps: a longer one would cost the next pass more than
/// it saves.
const MOST_EXCEPTIONS: usize = 64;

/// A set of pod uids asked about for every pod of a pass: a 256-bit filter answers most
/// questions, the sorted list the rest.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct Uids {
    filter: [u64; 4],
    sorted: Vec<u64>,
}

impl Uids {
    pub fn new(mut uids: Vec<u64>) -> Uids {
        uids.sort_unstable();
        uids.dedup();
        let mut filter = [0; 4];
        for uid in &uids {
            let bit = uid % 256;
            filter[(bit / 64) as usize] |= 1 << (bit % 64);
        }
        Uids { filter, sorted: uids }
    }

    pub fn contains(&self, uid: u64) -> bool {
        let bit = uid % 256;
        self.filter[(bit / 64) as usize] & (1 << (bit % 64)) != 0 && self.sorted.binary_search(&uid).is_ok()
    }
}

#[derive(Clone, Debug, Default)]
struct PodWrite {
    world: u64,
    owners: Vec<OwnerKind>,
    nodes: Vec<String>,
}

/// The pods written since a given world, when nothing else was: owned copies, so controllers can
/// take the cluster mutably while holding them.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct Narrow {
    pub pods: Vec<TouchedPod>,
}

/// One pod written since a given world: its key, and every owner kind and node it had then or
/// has now (none if it is gone and was never placed).
#[derive(Clone, Debug)]
pub(in crate::sim) struct TouchedPod {
    pub key: (String, String),
    pub owners: Vec<OwnerKind>,
    pub nodes: Vec<String>,
}

impl Narrow {
    /// Whether any of the pods is or was owned by a controller of `kind`.
    pub fn owned_by(&self, kind: OwnerKind) -> bool {
        self.pods.iter().any(|p| p.owners.contains(&kind))
    }

    /// The nodes the pods ran on or run on.
    pub fn nodes(&self) -> std::collections::BTreeSet<&str> {
        self.pods.iter().flat_map(|p| p.nodes.iter().map(String::as_str)).collect()
    }

    /// Whether `key` is among the pods written.
    pub fn contains(&self, key: &(String, String)) -> bool {
        // Names first: the pods written share their namespace with most others.
        self.pods.iter().any(|p| p.key.1 == key.1 && p.key.0 == key.0)
    }

    /// Whether what other pods and traffic see could have changed through these pods: see
    /// [`seen_by_services`]. If not, no pod's dependencies, no endpoints and no route changed.
    pub fn seen_by_services(&self, cluster: &Cluster) -> bool {
        self.pods.iter().any(|t| seen_by_services(cluster, &t.key, cluster.pods().get(&t.key)))
    }
}

/// Whether other pods and traffic may see a change to this pod: it is in `kube-system` (DNS, the
/// control plane), a service selects it (now, or its endpoints still name it), or it runs the
/// ingress controller.
pub(in crate::sim) fn seen_by_services(cluster: &Cluster, key: &(String, String), pod: Option<&Pod>) -> bool {
    let (namespace, name) = (&key.0, &key.1);
    if namespace == "kube-system" {
        return true;
    }
    let selected = pod.is_some_and(|p| {
        cluster.services().values().any(|s| {
            &s.meta.namespace == namespace
                && !s.selector.is_empty()
                // `Selector::from_labels(..).matches(..)`, without building the selector.
                && s.selector.iter().all(|(k, v)| p.meta.labels.get(k) == Some(v))
        })
    });
    selected
        || pod.is_some_and(|p| runs_ingress_controller(cluster, p))
        || cluster
            .endpoints()
            .iter()
            .filter(|(k, _)| &k.0 == namespace)
            .any(|(_, e)| e.ready.iter().chain(&e.not_ready).any(|a| super::objects::same_name(&a.pod, name)))
}

fn runs_ingress_controller(cluster: &Cluster, pod: &Pod) -> bool {
    pod.spec
        .containers
        .iter()
        .chain(&pod.spec.init_containers)
        .any(|c| cluster.app_for_image(&c.image).is_some_and(|a| a.role == super::apps::AppRole::IngressController))
}

impl Changes {
    /// Notes a write that may reach anything.
    pub fn broad(&mut self, world: u64) {
        self.broad = world;
        // Nothing older than a broad write is ever asked for again.
        self.pods.clear();
    }

    /// Notes a write to one pod, as it was before the write (`None` if it did not exist).
    pub fn pod(&mut self, world: u64, key: &(String, String), before: Option<&Pod>) {
        let entry = match self.pods.get_mut(key) {
            Some(entry) => entry,
            None => self.pods.entry(key.clone()).or_default(),
        };
        entry.world = world;
        if let Some(pod) = before {
            if let Some(owner) = &pod.meta.owner
                && !entry.owners.contains(&owner.kind)
            {
                entry.owners.push(owner.kind);
            }
            if let Some(node) = &pod.status.node
                && !entry.nodes.contains(node)
            {
                entry.nodes.push(node.clone());
            }
        }
    }

    /// Drops what no question will ask about again: writes at or before the reconciled world.
    pub fn reconciled(&mut self, world: u64) {
        if world > self.floor {
            self.floor = world;
            self.pods.retain(|_, w| w.world > world);
        }
    }
}

impl Cluster {
    /// The pods written since `world` when nothing but pods (and jobs and cron jobs) was, or
    /// `None` when anything else may have changed (or every pass is to run in full).
    pub(in crate::sim) fn narrow_since(&self, world: u64) -> Option<Narrow> {
        let changes = self.changes();
        if changes.full_passes || changes.broad > world || world < changes.floor {
            return None;
        }
        let pods = changes
            .pods
            .iter()
            .filter(|(_, w)| w.world > world)
            .map(|(key, w)| {
                let mut owners = w.owners.clone();
                let mut nodes = w.nodes.clone();
                if let Some(pod) = self.pods().get(key) {
                    if let Some(owner) = &pod.meta.owner
                        && !owners.contains(&owner.kind)
                    {
                        owners.push(owner.kind);
                    }
                    if let Some(node) = &pod.status.node
                        && !nodes.contains(node)
                    {
                        nodes.push(node.clone());
                    }
                }
                TouchedPod { key: key.clone(), owners, nodes }
            })
            .collect();
        Some(Narrow { pods })
    }

    /// Whether the kubelet found the pod with this uid unaffected at its last look (its
    /// `synced_world`): the verdict still holds while nothing the pod reads changed.
    pub(in crate::sim) fn kubelet_found_unaffected(&self, uid: u64) -> bool {
        self.changes().unaffected.contains(&uid)
    }

    /// Records that the kubelet found these pods unaffected.
    pub(in crate::sim) fn note_kubelet_unaffected(&mut self, uids: impl IntoIterator<Item = u64>) {
        self.changes_mut().unaffected.extend(uids);
    }

    /// Records that the kubelet synced this pod rather than finding it unaffected.
    pub(in crate::sim) fn forget_kubelet_verdict(&mut self, uid: u64) {
        self.changes_mut().unaffected.remove(&uid);
    }

    /// Until when (exclusive) every pod stays asleep for the kubelet if the world stays as it is
    /// now: its last pass found them all synced at this world with nothing due before then (or
    /// finished and past their wake time, which a pass does not look at). Only
    /// the kubelet writes a pod's `synced_world` and `wake_at`, and any other write to the pods
    /// (a new pod, a removed one) moves the world. `None` (look at the pods) in the full passes.
    pub(in crate::sim) fn kubelet_asleep_until(&self) -> Option<i64> {
        let changes = self.changes();
        changes.kubelet_asleep.filter(|(world, _)| !changes.full_passes && *world == self.world()).map(|(_, wake)| wake)
    }

    /// Records the kubelet's last pass: every pod was asleep at `world` until `wake` at the
    /// earliest, or (`None`) some pod was looked at.
    pub(in crate::sim) fn note_kubelet_asleep(&mut self, asleep: Option<(u64, i64)>) {
        self.changes_mut().kubelet_asleep = asleep;
    }

    /// The pods the kubelet's last pass left synced and unaffected ([`KubeletGroup`]); `None` in
    /// the full passes and when its exceptions are not known.
    pub(in crate::sim) fn kubelet_group(&self) -> Option<&KubeletGroup> {
        let changes = self.changes();
        changes.kubelet_group.as_ref().filter(|g| !changes.full_passes && g.synced.is_some())
    }

    /// The group whose pods may read as synced at another world than they store, to read their
    /// synced world through ([`KubeletGroup::synced_world`]); `None` when every pod reads as it
    /// stores.
    pub(in crate::sim) fn kubelet_alias(&self) -> Option<&KubeletGroup> {
        self.changes().kubelet_group.as_ref().filter(|g| g.aliased())
    }

    /// The first world of the kubelet's last group ([`KubeletGroup::since`]), whether its
    /// verdicts hold or not: `None` when there is none.
    pub(in crate::sim) fn kubelet_group_since(&self) -> Option<u64> {
        self.changes().kubelet_group.as_ref().map(|g| g.since)
    }

    /// The world the kubelet last synced this pod against, as its passes read it (a pod whose
    /// verdict held keeps the `synced_world` it had: [`KubeletGroup`]).
    pub fn kubelet_synced_world(&self, pod: &Pod) -> u64 {
        self.kubelet_alias().map_or(pod.status.synced_world, |g| g.synced_world(pod))
    }

    /// The kubelet's group, to write into its pods (`kubelet::settle_group`).
    pub(in crate::sim) fn take_kubelet_group(&mut self) -> Option<KubeletGroup> {
        self.changes_mut().kubelet_group.take()
    }

    /// Records the kubelet's group as its pods now store it: each reads the world it stores.
    pub(in crate::sim) fn settled_kubelet_group(&mut self, world: u64, synced: Option<Vec<u64>>) {
        let synced = synced.filter(|s| s.len() <= MOST_EXCEPTIONS);
        self.changes_mut().kubelet_group = Some(KubeletGroup { world, since: world, synced });
    }

    /// Records what the kubelet's pass at `world` leaves behind for its next one: it synced
    /// these pods (by uid), found every other pod it wrote unaffected, and looked at `left`
    /// without writing them (pods of the last group it left as they were). With `carried`, the
    /// last group's verdicts held for the pass: its pods not written stay of the group. True when
    /// its list of exceptions grew long: then the group is to be written into its pods.
    #[must_use]
    pub(in crate::sim) fn note_kubelet_group(
        &mut self,
        world: u64,
        synced: Vec<u64>,
        left: Vec<u64>,
        carried: bool,
    ) -> bool {
        let changes = self.changes_mut();
        let mut group = match changes.kubelet_group.take() {
            // Pods synced at this world before the pass (it had not moved) stay exceptions, and
            // a group carried over keeps its pods and exceptions.
            Some(last) if last.world == world || carried => last,
            Some(_) => KubeletGroup { world, since: world, synced: Some(Vec::new()) },
            None => KubeletGroup { world, since: world, synced: None },
        };
        group.world = world;
        if let Some(others) = &mut group.synced {
            others.extend(synced);
            others.extend(left);
            others.sort_unstable();
            others.dedup();
        }
        let long = group.synced.as_ref().is_none_or(|s| s.len() > MOST_EXCEPTIONS);
        changes.kubelet_group = Some(group);
        long
    }

    /// When the first graceful deletion under way ends (`None`: no pod is terminating). Known
    /// from the last answer and the pods written since when only pods were: only a write to a
    /// pod sets its `terminating_until`. The bound may be early (a pod that was removed since),
    /// never late; the garbage collector's pass decides exactly and records what it leaves.
    pub(in crate::sim) fn earliest_termination(&self) -> Option<i64> {
        let changes = self.changes();
        let since = changes.termination.and_then(|(world, earliest)| {
            if world == self.world() {
                return Some(earliest);
            }
            let narrow = self.narrow_since(world)?;
            let written = narrow.pods.iter().filter_map(|t| self.pods().get(&t.key)?.status.terminating_until);
            Some(written.chain(earliest).min())
        });
        since.unwrap_or_else(|| self.pods().values().filter_map(|p| p.status.terminating_until).min())
    }

    /// Records the earliest time a graceful deletion under way ends, as of now.
    pub(in crate::sim) fn note_earliest_termination(&mut self, earliest: Option<i64>) {
        let world = self.world();
        self.changes_mut().termination = Some((world, earliest));
    }

    /// Whether no pod waits for the scheduler (`waiting`), known without a pass over the pods:
    /// none did when it last looked, and of the pods written since (only pods were), none does.
    /// Only a write to a pod makes it wait: a new pod, or one written without a node.
    pub(in crate::sim) fn nothing_to_schedule(&self, waiting: impl Fn(&Pod) -> bool) -> bool {
        let Some(world) = self.changes().scheduled else { return false };
        self.narrow_since(world).is_some_and(|n| !n.pods.iter().any(|t| self.pods().get(&t.key).is_some_and(&waiting)))
    }

    /// Records whether the scheduler found pods waiting for it, as of now.
    pub(in crate::sim) fn note_scheduling(&mut self, waiting: bool) {
        let world = self.world();
        self.changes_mut().scheduled = (!waiting).then_some(world);
    }

    /// Forgets the kubelet's verdicts on pods that are gone.
    pub(in crate::sim) fn forget_kubelet_verdicts(&mut self) {
        if self.changes().unaffected.len() > self.pods().len() + 64 {
            let uids: std::collections::HashSet<u64> = self.pods().values().map(|p| p.meta.uid).collect();
            self.changes_mut().unaffected.retain(|uid| uids.contains(uid));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::settled;
    use crate::sim::objects::OwnerKind;

    fn some_pod(c: &Cluster) -> (String, String) {
        c.pods().keys().find(|k| k.1.starts_with("web-")).cloned().expect("a web pod")
    }

    #[test]
    fn the_kubelets_group_reads_as_the_full_passes_write_it() {
        // One cluster stepped narrowly, a copy with full passes, through random writes: a pod
        // written (the other pods' verdicts hold, and they are left as they were), a pod held by
        // a finalizer and deleted (looked at and left), its finalizer removed, a broad write.
        // After every step every pod reads as synced at the same world.
        use crate::sim::change::Object;
        use crate::sim::controllers::test_support::{cluster_with, deployment, node, web_app};
        use rand::{RngExt, SeedableRng};
        let read = |c: &Cluster| {
            c.pods().values().map(|p| (p.meta.name.clone(), c.kubelet_synced_world(p))).collect::<Vec<_>>()
        };
        let mut left_as_they_were = 0;
        for seed in 0..24 {
            // Workers that exit and restart with a back-off: pods with a next look due.
            let worker = crate::sim::apps::AppProfile { exits_after: Some(20), exit_code: 1, ..web_app() };
            let objects = vec![
                Object::Deployment(deployment("default", "web", "web:v1", 6)),
                Object::Deployment(deployment("default", "worker", "worker:v1", 3)),
            ];
            let mut narrow =
                cluster_with(vec![node("node-1")], &[("web:v1", web_app()), ("worker:v1", worker)], objects);
            narrow.advance_seconds(120);
            let mut full = narrow.clone();
            full.set_full_passes(true);
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            for round in 0..30 {
                let (op, pick) = (rng.random_range(0..6), rng.random_range(0..64usize));
                for c in [&mut narrow, &mut full] {
                    let keys: Vec<(String, String)> = c.pods().keys().cloned().collect();
                    let Some(k) = keys.get(pick % keys.len().max(1)).cloned() else { continue };
                    match op {
                        1 => drop(c.pod_mut(&k)),
                        2 => {
                            if let Some(p) = c.pod_mut(&k) {
                                p.meta.finalizers.push("example.com/hold".to_owned());
                            }
                            c.terminate_pod(&k.0, &k.1);
                        }
                        3 => {
                            if let Some(p) = c.pod_mut(&k) {
                                p.meta.finalizers.clear();
                            }
                        }
                        4 => c.touch(),
                        _ => {}
                    }
                    c.step();
                }
                if narrow.kubelet_alias().is_some_and(|g| g.synced.as_ref().is_some_and(|s| !s.is_empty())) {
                    left_as_they_were += 1;
                }
                assert_eq!(read(&narrow), read(&full), "seed {seed}, round {round}");
            }
            assert!(full.kubelet_alias().is_none(), "the full passes write every pod");
        }
        assert!(left_as_they_were > 0, "the group's pods were left as they were");
    }

    #[test]
    fn a_pod_written_by_key_is_all_that_changed() {
        let mut c = settled();
        let since = c.world();
        let k = some_pod(&c);
        let _ = c.pod_mut(&k);
        let narrow = c.narrow_since(since).expect("only a pod changed");
        assert!(narrow.contains(&k));
        assert!(narrow.owned_by(OwnerKind::ReplicaSet) && !narrow.owned_by(OwnerKind::Job));
        assert_eq!(narrow.nodes().into_iter().collect::<Vec<_>>(), ["node-1"]);
        assert!(c.narrow_since(c.world()).is_some_and(|n| n.pods.is_empty()), "nothing since now");
    }

    #[test]
    fn anything_else_written_is_not_narrow() {
        let mut c = settled();
        let since = c.world();
        let k = some_pod(&c);
        let _ = c.pod_mut(&k);
        let _ = c.configmaps_mut();
        assert!(c.narrow_since(since).is_none());
        let since = c.world();
        let _ = c.pods_mut();
        assert!(c.narrow_since(since).is_none(), "the whole pod store is not one pod");
        let since = c.world();
        let _ = c.jobs_mut();
        assert!(c.narrow_since(since).is_some_and(|n| n.pods.is_empty()), "jobs are read by their controllers only");
    }

    #[test]
    fn a_removed_pod_keeps_its_owner_and_node() {
        let mut c = settled();
        let since = c.world();
        let k = some_pod(&c);
        assert!(c.remove_pod(&k).is_some());
        let narrow = c.narrow_since(since).expect("only a pod changed");
        assert!(narrow.owned_by(OwnerKind::ReplicaSet));
        assert!(narrow.nodes().contains("node-1"));
    }

    #[test]
    fn worlds_before_the_reconciled_one_are_not_answered() {
        let mut c = settled();
        let old = c.world();
        let k = some_pod(&c);
        let _ = c.pod_mut(&k);
        c.mark_reconciled(c.world());
        assert!(c.narrow_since(old).is_none(), "dropped, so anything may have changed");
        assert!(c.narrow_since(c.world()).is_some());
    }

    #[test]
    fn the_kubelet_sleeps_through_quiet_steps_until_the_world_moves_or_a_pod_is_due() {
        let mut c = settled();
        c.step();
        c.step();
        let wake = c.kubelet_asleep_until().expect("a settled cluster's pods all sleep");
        assert!(c.now < wake);
        // Every pod is asleep as the pass would find it (or finished, which it passes over).
        assert!(c.pods().values().all(|p| {
            (c.kubelet_synced_world(p) == c.world() && p.status.wake_at >= wake)
                || (!p.is_active() && p.status.wake_at <= c.now)
        }));
        let k = some_pod(&c);
        let _ = c.pod_mut(&k);
        assert_eq!(c.kubelet_asleep_until(), None, "a pod was written: the pass looks again");
        c.step();
        c.step();
        assert!(c.kubelet_asleep_until().is_some());
        c.set_full_passes(true);
        assert_eq!(c.kubelet_asleep_until(), None, "the full passes always look");
    }

    #[test]
    fn the_earliest_termination_follows_pods_written_since_and_the_collector() {
        let mut c = settled();
        c.step();
        assert_eq!(c.earliest_termination(), None, "nothing is terminating");
        let k = some_pod(&c);
        c.terminate_pod(&k.0, &k.1);
        let due = c.pods().get(&k).and_then(|p| p.status.terminating_until).expect("terminating");
        assert_eq!(c.earliest_termination(), Some(due), "known from the pod written since");
        c.step();
        assert!(!c.pods().contains_key(&k), "collected once its grace period ended");
        assert_eq!(c.earliest_termination(), c.pods().values().filter_map(|p| p.status.terminating_until).min());
    }

    #[test]
    fn full_passes_are_never_narrow() {
        let mut c = settled();
        c.set_full_passes(true);
        let since = c.world();
        let _ = c.pod_mut(&key("default", "nothing"));
        assert!(c.narrow_since(since).is_none());
    }
}
