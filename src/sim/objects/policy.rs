//! Policy and control objects: autoscalers, quotas, limit ranges, disruption budgets, RBAC and
//! admission webhooks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Labels, Meta};
use crate::sim::quantity::{Mebibytes, Millicores};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hpa {
    pub meta: Meta,
    /// The deployment it scales.
    pub target: String,
    #[serde(default = "one")]
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub target_cpu_percent: u32,
    #[serde(skip)]
    pub status: HpaStatus,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HpaStatus {
    /// Average CPU utilisation as a percentage of requests; `None` when it cannot be computed.
    pub current_cpu_percent: Option<u32>,
    pub current_replicas: u32,
    pub desired_replicas: u32,
    /// `AbleToScale`, `ScalingActive` and `ScalingLimited` as (status, reason, message).
    pub conditions: Vec<(String, String, String, String)>,
    pub last_scale: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceQuota {
    pub meta: Meta,
    #[serde(default)]
    pub pods: Option<u32>,
    #[serde(default)]
    pub requests_cpu: Option<Millicores>,
    #[serde(default)]
    pub requests_memory: Option<Mebibytes>,
    #[serde(default)]
    pub limits_cpu: Option<Millicores>,
    #[serde(default)]
    pub limits_memory: Option<Mebibytes>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitRange {
    pub meta: Meta,
    #[serde(default)]
    pub default_cpu: Option<Millicores>,
    #[serde(default)]
    pub default_memory: Option<Mebibytes>,
    #[serde(default)]
    pub default_request_cpu: Option<Millicores>,
    #[serde(default)]
    pub default_request_memory: Option<Mebibytes>,
    #[serde(default)]
    pub max_memory: Option<Mebibytes>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pdb {
    pub meta: Meta,
    pub selector: Labels,
    #[serde(default)]
    pub min_available: Option<u32>,
    #[serde(default)]
    pub max_unavailable: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    pub meta: Meta,
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub meta: Meta,
    /// A `ClusterRole` when true (its namespace is ignored).
    #[serde(default)]
    pub cluster: bool,
    pub rules: Vec<PolicyRuleSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRuleSpec {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    #[serde(default)]
    pub api_groups: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleBinding {
    pub meta: Meta,
    #[serde(default)]
    pub cluster: bool,
    pub role: RoleRef,
    pub subjects: Vec<Subject>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRef {
    /// `Role` or `ClusterRole`.
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// `ServiceAccount`, `User` or `Group`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookKind {
    Validating,
    Mutating,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfiguration {
    pub meta: Meta,
    pub kind: WebhookKind,
    pub webhooks: Vec<Webhook>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub name: String,
    /// The service that answers it, as `namespace/name`.
    pub service: String,
    #[serde(default = "port443")]
    pub port: u16,
    #[serde(default)]
    pub failure_policy: FailurePolicy,
    /// Resources it intercepts, like `pods` or `deployments`.
    pub resources: Vec<String>,
    /// Namespaces it applies to; empty means all.
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub mutation: Option<WebhookMutation>,
}

fn port443() -> u16 {
    443
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailurePolicy {
    #[default]
    Fail,
    Ignore,
}

impl FailurePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            FailurePolicy::Fail => "Fail",
            FailurePolicy::Ignore => "Ignore",
        }
    }
}

/// What a mutating webhook does to the pods it admits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum WebhookMutation {
    /// Pins the image of containers with this name.
    SetImage { container: String, image: String },
    /// Adds or overwrites labels.
    AddLabels(BTreeMap<String, String>),
}
