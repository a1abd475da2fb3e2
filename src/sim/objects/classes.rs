//! Cluster-wide classes that other objects name: the ingress class an ingress asks for (which
//! controller serves it) and the priority class a pod asks for (its scheduling priority).

use serde::{Deserialize, Serialize};

use super::meta::Meta;

/// The controller the ingress-nginx controller answers to; an ingress of a class with another
/// controller is not its to serve.
pub const NGINX_CONTROLLER: &str = "k8s.io/ingress-nginx";

/// The annotation that makes an ingress class the one for ingresses that name none.
pub const DEFAULT_INGRESS_CLASS: &str = "ingressclass.kubernetes.io/is-default-class";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressClass {
    pub meta: Meta,
    /// `spec.controller`.
    #[serde(default = "nginx_controller")]
    pub controller: String,
    /// Kept as the default-class annotation, as `is_default` is for storage classes.
    #[serde(default)]
    pub is_default: bool,
}

fn nginx_controller() -> String {
    NGINX_CONTROLLER.to_owned()
}

/// `preemptionPolicy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreemptionPolicy {
    #[default]
    PreemptLowerPriority,
    Never,
}

impl PreemptionPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PreemptionPolicy::PreemptLowerPriority => "PreemptLowerPriority",
            PreemptionPolicy::Never => "Never",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityClass {
    pub meta: Meta,
    pub value: i32,
    #[serde(default)]
    pub global_default: bool,
    #[serde(default)]
    pub preemption_policy: PreemptionPolicy,
    #[serde(default)]
    pub description: String,
}

/// The classes the API server creates at start-up, as (name, value, description).
pub const BUILTIN_PRIORITY_CLASSES: [(&str, i32, &str); 2] = [
    (
        "system-cluster-critical",
        2_000_000_000,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
    (
        "system-node-critical",
        2_000_001_000,
        "Used for system critical pods that must not be moved from their current node.",
    ),
];
