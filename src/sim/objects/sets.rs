//! Daemon sets and stateful sets: the specs authors write and the statuses their controllers
//! compute. A daemon set runs one pod per eligible node; a stateful set runs pods with stable
//! names (`web-0`, `web-1`) and claims (`data-web-0`) that outlive them.

use serde::{Deserialize, Serialize};

use super::{Labels, Meta, PodTemplate, Pvc};

/// How a daemon set replaces its pods when its template changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DaemonSetStrategy {
    /// `maxUnavailable` as a count or a percentage of the nodes (`"1"`, `"10%"`).
    RollingUpdate { max_unavailable: String },
    /// Old pods stay until someone deletes them.
    OnDelete,
}

impl Default for DaemonSetStrategy {
    fn default() -> Self {
        DaemonSetStrategy::RollingUpdate { max_unavailable: "1".to_owned() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonSet {
    pub meta: Meta,
    /// `matchLabels`; defaults to the template's labels.
    #[serde(default)]
    pub selector: Labels,
    pub template: PodTemplate,
    #[serde(default)]
    pub update_strategy: DaemonSetStrategy,
    #[serde(skip)]
    pub status: SetStatus,
}

/// How a stateful set starts and stops its pods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PodManagement {
    /// One at a time: `web-1` starts once `web-0` is Running and Ready; scale-down in reverse.
    #[default]
    OrderedReady,
    Parallel,
}

impl PodManagement {
    pub const fn as_str(self) -> &'static str {
        match self {
            PodManagement::OrderedReady => "OrderedReady",
            PodManagement::Parallel => "Parallel",
        }
    }
}

/// How a stateful set replaces its pods when its template changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StatefulSetStrategy {
    /// Pods with an ordinal at or above `partition` are replaced, highest first.
    RollingUpdate {
        #[serde(default)]
        partition: u32,
    },
    OnDelete,
}

impl Default for StatefulSetStrategy {
    fn default() -> Self {
        StatefulSetStrategy::RollingUpdate { partition: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatefulSet {
    pub meta: Meta,
    #[serde(default = "one")]
    pub replicas: u32,
    /// `matchLabels`; defaults to the template's labels.
    #[serde(default)]
    pub selector: Labels,
    /// The headless service that gives the pods their DNS names.
    #[serde(default)]
    pub service_name: String,
    pub template: PodTemplate,
    /// Claims made per pod, named `<template>-<set>-<ordinal>`; they outlive the pods and the set.
    #[serde(default)]
    pub volume_claim_templates: Vec<Pvc>,
    #[serde(default)]
    pub pod_management_policy: PodManagement,
    #[serde(default)]
    pub update_strategy: StatefulSetStrategy,
    #[serde(skip)]
    pub status: SetStatus,
}

fn one() -> u32 {
    1
}

/// What the daemon set and stateful set controllers last counted, and the template history
/// their rollouts move through (`ControllerRevision`s in a real cluster).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetStatus {
    /// Daemon sets: nodes that should run a pod. Stateful sets: replicas asked for.
    pub desired: u32,
    pub current: u32,
    pub ready: u32,
    pub updated: u32,
    pub available: u32,
    /// Daemon sets: pods on nodes that should not run one.
    pub misscheduled: u32,
    pub generation: u64,
    pub observed_generation: u64,
    /// `controller-revision-hash` of the current template.
    pub current_hash: String,
    /// Stateful sets: the hash the pods below the newest revision still run.
    pub previous_hash: String,
    /// Every template the set has run, oldest first: (revision, hash, template).
    pub history: Vec<(u32, String, PodTemplate)>,
}

impl SetStatus {
    /// The revision number of the current template.
    pub fn revision(&self) -> u32 {
        self.history.iter().find(|(_, h, _)| *h == self.current_hash).map_or(0, |(r, _, _)| *r)
    }
}

/// The label that ties a pod to the template revision it was made from.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
