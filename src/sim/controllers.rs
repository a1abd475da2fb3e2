//! The controllers that move the cluster through time. Time advances in fixed steps; each step
//! runs the node lifecycle, rogue in-cluster actors, the autoscaler, deployments and replica
//! sets, storage binding, the scheduler, the kubelets, endpoints and finally traffic.

mod actors;
mod deployment;
mod endpoints;
mod hpa;
mod kubelet;
mod nodes;
mod replicaset;
mod scheduler;
mod storage;

pub use kubelet::container_usage;

use super::cluster::Cluster;

/// Seconds of incident time one controller step covers.
pub const STEP_SECONDS: i64 = 10;

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
        nodes::step(self);
        actors::step(self);
        hpa::step(self);
        deployment::step(self);
        replicaset::step(self);
        storage::step(self);
        scheduler::step(self);
        kubelet::step(self);
        collect_garbage(self);
        endpoints::step(self);
        deployment::update_status(self);
        super::traffic::step(self);
    }

    /// Brings a freshly built cluster to a steady state before the incident: runs the
    /// controllers without advancing the incident clock's meaning (time is reset to 0 after).
    pub fn settle(&mut self, seconds: i64) {
        let start = self.now;
        self.now = start - seconds;
        self.advance_seconds(seconds);
        self.now = start;
        self.traffic.budget_burned = 0.0;
        self.events.clear();
    }
}

/// Removes pods whose graceful deletion finished (their kubelet confirmed) and old events.
fn collect_garbage(cluster: &mut Cluster) {
    let now = cluster.now;
    let ready_nodes: std::collections::BTreeSet<String> =
        cluster.nodes.values().filter(|n| n.is_ready()).map(|n| n.meta.name.clone()).collect();
    cluster.pods.retain(|_, p| match p.status.terminating_until {
        // A pod on a dead node stays Terminating: nobody can confirm it stopped.
        Some(t) => t > now || p.status.node.as_ref().is_some_and(|n| !ready_nodes.contains(n)),
        None => true,
    });
    // Evicted (Failed) pods of a replica set beyond a handful are cleaned up, as the pod GC does.
    let cutoff = now - 3600;
    cluster.events.retain(|e| e.last >= cutoff);
}
