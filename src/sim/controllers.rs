//! The controllers that move the cluster through time. Time advances in fixed steps; each step
//! runs the node lifecycle, rogue in-cluster actors, the autoscaler, cron jobs, deployments and
//! replica sets, daemon sets, stateful sets, storage binding, jobs, the scheduler, the kubelets,
//! endpoints and finally traffic.

mod actors;
mod cluster_autoscaler;
mod cronjob;
mod daemonset;
mod deployment;
mod endpoints;
mod hpa;
mod job;
mod kubelet;
mod namespaces;
mod nodes;
mod replicaset;
mod revisions;
mod scheduler;
mod statefulset;
mod static_pods;
mod storage;
#[cfg(test)]
mod storage_topology_tests;
#[cfg(test)]
pub(crate) mod test_support;

pub use cluster_autoscaler::{GroupLimits, STATUS_CONFIG_MAP, node_group_flags};
pub use kubelet::container_usage;

use super::cluster::Cluster;
use super::control_plane::{self, Component};
use super::objects::OwnerKind;

/// Seconds of incident time one controller step covers.
pub const STEP_SECONDS: i64 = 10;

/// kube-scheduler's `podMaxInUnschedulablePodsDuration`: how long an unschedulable pod waits
/// before it is tried again when no cluster event moved it.
const UNSCHEDULABLE_RETRY_SECONDS: i64 = 300;

impl Cluster {
    /// Advances incident time by `seconds` (rounded up to whole steps).
    pub fn advance_seconds(&mut self, seconds: i64) {
        let steps = (seconds + STEP_SECONDS - 1) / STEP_SECONDS;
        for _ in 0..steps.max(0) {
            self.step();
        }
    }

    /// Runs every controller once and moves time forward by one step.
    pub fn step(&mut self) {
        self.now += STEP_SECONDS;
        self.refresh_image_index();
        self.refresh_node_files();
        // Level-triggered controllers only look again when the world changed; deployment status
        // also once a minute, for what time alone changes (progress deadlines).
        let minute_tick = self.now % 60 == 0;
        let seen = self.reconciled_world();
        super::kubelet_config::restart_failed(self);
        if !super::api_server::answers(self) {
            self.step_without_api_server(seen);
            return;
        }
        let quota = super::etcd::quota(self);
        let alarm_before = self.etcd().refuses_writes();
        let now = self.now;
        self.etcd_mut().step(now, quota, STEP_SECONDS);
        if self.etcd().refuses_writes() {
            if !alarm_before {
                self.touch();
            }
            // etcd takes reads only: nothing that writes to the API server gets anywhere, so no
            // controller makes progress; the containers keep running and serving.
            let changed = self.world() != seen;
            super::traffic::step(self, changed);
            return;
        }
        nodes::step(self);
        actors::step(self);
        hpa::step(self);
        cronjob::step(self);
        // Changes made later in this step are seen by these controllers in the next one.
        let at_start = self.world();
        // When only some pods were written (and jobs), each controller looks only if one of
        // them is its own (`sim::changes`); its full pass would find nothing else to do.
        let narrow = if at_start == seen { None } else { self.narrow_since(seen) };
        let skips = |kind: OwnerKind| narrow.as_ref().is_some_and(|n| !n.owned_by(kind));
        if at_start != seen {
            static_pods::step(self);
            let control_plane = control_plane::Status::read(self);
            namespaces::step(self, &control_plane);
            // A controller the controller manager does not run (it is down, or its
            // `--controllers` flag leaves it out) does nothing: no pods, no events.
            if control_plane.controller_enabled("deployment") && !skips(OwnerKind::ReplicaSet) {
                deployment::step(self);
            }
            // A replica set that failed to create pods retries on any change (quota a finished
            // pod freed, say).
            let retrying = self.replicasets().values().any(|rs| rs.create_error.is_some());
            if control_plane.controller_enabled("replicaset") && (retrying || !skips(OwnerKind::ReplicaSet)) {
                replicaset::step(self);
            }
            if control_plane.controller_enabled("daemonset") && !skips(OwnerKind::DaemonSet) {
                daemonset::step(self);
            }
            if control_plane.controller_enabled("statefulset") && !skips(OwnerKind::StatefulSet) {
                statefulset::step(self);
            }
            storage::step(self);
        }
        job::step(self, at_start != seen);
        if at_start != seen {
            if control_plane::runs(self, Component::Scheduler) {
                scheduler::step(self);
            }
        } else if self.now % UNSCHEDULABLE_RETRY_SECONDS == 0 && control_plane::runs(self, Component::Scheduler) {
            // The scheduler retries unschedulable pods at least this often even when nothing
            // changed, so a pod still Pending keeps a fresh FailedScheduling event.
            scheduler::step(self);
        } else {
            scheduler::carry(self);
        }
        // After the scheduler, so it sees this step's `FailedScheduling` verdicts.
        cluster_autoscaler::step(self);
        self.continue_drains();
        kubelet::step(self);
        collect_garbage(self);
        let changed = self.world() != seen;
        // What changed over the whole step, when it was only pods: if no service selects any of
        // them, no endpoints and no route changed.
        let narrow = if changed { self.narrow_since(seen) } else { None };
        let unseen = narrow.as_ref().is_some_and(|n| !n.seen_by_services(self));
        if changed && !unseen {
            endpoints::step(self);
        }
        if changed && narrow.as_ref().is_some_and(|n| !n.owned_by(OwnerKind::ReplicaSet)) {
            // No replica set's pods changed, so their counts stand: only what time changes.
            deployment::update_deployments(self);
        } else if changed || (minute_tick && deployment::deadline_passing(self)) {
            deployment::update_status(self);
        }
        // Traffic is the same unless a node the pods ran on now shares its CPU differently.
        let traffic_changed =
            changed && !(unseen && narrow.as_ref().is_some_and(|n| super::traffic::cpu_unchanged(self, &n.nodes())));
        super::traffic::step(self, traffic_changed);
        self.mark_reconciled(at_start);
    }

    /// A step while the API server does not answer: only the kubelets work, running their static
    /// pods and the containers they already have (which keep serving traffic); everything that
    /// talks to the API server waits. The world is not marked reconciled, so the controllers
    /// catch up once it answers again.
    fn step_without_api_server(&mut self, seen: u64) {
        static_pods::step(self);
        kubelet::step(self);
        let changed = self.world() != seen;
        super::traffic::step(self, changed);
    }

    /// Drains left running (a `Drain` fault) retry their evictions, as kubectl does every 5 s.
    fn continue_drains(&mut self) {
        let draining: Vec<(String, crate::sim::objects::DrainRun)> =
            self.nodes().values().filter_map(|n| n.draining.map(|d| (n.meta.name.clone(), d))).collect();
        for (node, run) in draining {
            self.continue_drain(&node, run);
        }
    }

    /// Runs the controllers that fill namespaces (`kube-root-ca.crt`, the `default` account)
    /// now, so a scenario's baseline namespaces have them from the start.
    pub fn fill_namespaces(&mut self) {
        let control_plane = control_plane::Status::read(self);
        namespaces::step(self, &control_plane);
    }

    /// Brings a freshly built cluster to a steady state before the incident: runs the
    /// controllers without advancing the incident clock's meaning (time is reset to 0 after).
    pub fn settle(&mut self, seconds: i64) {
        let start = self.now;
        self.now = start - seconds;
        self.advance_seconds(seconds);
        self.now = start;
        self.traffic_mut_status_only().budget_burned = 0.0;
        self.events.clear();
    }
}

/// Removes pods whose graceful deletion finished (their kubelet confirmed, no finalizer left)
/// and old events.
fn collect_garbage(cluster: &mut Cluster) {
    let now = cluster.now;
    // Most steps no deletion is due: known without a pass over the pods (`sim::changes`).
    let earliest = cluster.earliest_termination();
    if earliest.is_some_and(|t| t <= now) {
        let ready_nodes: std::collections::BTreeSet<String> =
            cluster.nodes().values().filter(|n| n.is_ready()).map(|n| n.meta.name.clone()).collect();
        // A pod on a dead node stays Terminating: nobody can confirm it stopped.
        let gone: Vec<(String, String)> = cluster
            .pods()
            .iter()
            .filter(|(_, p)| {
                p.status.terminating_until.is_some_and(|t| t <= now)
                    && p.status.node.as_ref().is_none_or(|n| ready_nodes.contains(n))
                    // A finalizer holds the object until whoever owns it removes it.
                    && p.meta.finalizers.is_empty()
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in gone {
            cluster.remove_pod(&k);
        }
        cluster.forget_kubelet_verdicts();
        let left = cluster.pods().values().filter_map(|p| p.status.terminating_until).min();
        cluster.note_earliest_termination(left);
    } else {
        cluster.note_earliest_termination(earliest);
    }
    // Evicted (Failed) pods of a replica set beyond a handful are cleaned up, as the pod GC does.
    let cutoff = now - 3600;
    cluster.events.retain(|e| e.last >= cutoff);
}
