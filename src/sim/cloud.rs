//! The cloud provider behind the cluster, as far as the cluster autoscaler sees it: node groups
//! (an auto scaling group, a managed instance group) that make machines from a template, and
//! the machines still joining. No kubectl verb reads it: responders see only what the
//! autoscaler makes of it (its flags, logs, status config map and events) and the nodes it adds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::objects::{Meta, Node, Taint};
use super::quantity::{Mebibytes, Millicores};

/// The machine a node group makes: what its kubelet registers (capacity, labels, taints).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeTemplate {
    pub cpu: Millicores,
    pub memory: Mebibytes,
    #[serde(default = "default_max_pods")]
    pub max_pods: u32,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub taints: Vec<Taint>,
}

fn default_max_pods() -> u32 {
    110
}

/// Seconds a new machine's kubelet reports `NotReady` after it registered (its CNI starting).
pub const JOIN_SECONDS: i64 = 30;

/// The cloud side: node group templates by group name, and machines still joining.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cloud {
    pub templates: BTreeMap<String, NodeTemplate>,
    /// Nodes that registered but are not Ready yet, with the time they become Ready.
    pub joining: BTreeMap<String, i64>,
    /// Nodes the autoscaler found unneeded (underutilised), with the time it first did.
    pub unneeded: BTreeMap<String, i64>,
    /// When the autoscaler last grew a group: scale-down waits a while after it.
    pub last_scale_up: Option<i64>,
}

impl Cloud {
    /// The group a node belongs to: machines of a group are named `<group>-<n>`.
    pub fn group_of(&self, node: &str) -> Option<&str> {
        self.templates.keys().find(|g| is_member(g, node)).map(String::as_str)
    }

    /// Whether the node has registered but its kubelet is not Ready yet.
    pub fn is_joining(&self, node: &str, now: i64) -> bool {
        self.joining.get(node).is_some_and(|until| *until > now)
    }
}

/// Whether `node` is one of `group`'s machines (`pool-a-3` of `pool-a`).
pub fn is_member(group: &str, node: &str) -> bool {
    node.strip_prefix(group)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl NodeTemplate {
    /// The node a machine from this template registers as.
    pub fn node(&self, name: &str) -> Node {
        let mut labels = self.labels.clone();
        labels.insert("kubernetes.io/hostname".to_owned(), name.to_owned());
        let mut node = Node {
            meta: Meta { labels, ..Meta::new(name, "") },
            cpu: self.cpu,
            memory: self.memory,
            max_pods: self.max_pods,
            taints: self.taints.clone(),
            unschedulable: false,
            disk_gib: 100,
            files: Vec::new(),
            kubelet: super::objects::KubeletState::Running,
            kubelet_version: super::objects::KUBERNETES_VERSION.to_owned(),
            packages: super::objects::Packages::default(),
            config_files: BTreeMap::new(),
            swap: false,
            kubelet_process: super::objects::KubeletProcess::default(),
            internal_ip: String::new(),
            index: 0,
            last_heartbeat: 0,
            conditions: Vec::new(),
            draining: None,
        };
        // The network daemon set's pod writes its config as the machine joins (`sim::cni`).
        crate::sim::cni::install(&mut node);
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_named_after_their_group() {
        assert!(is_member("pool-a", "pool-a-3"));
        assert!(is_member("pool-a", "pool-a-12"));
        assert!(!is_member("pool-a", "pool-ab-1"));
        assert!(!is_member("pool-a", "pool-a-"));
        assert!(!is_member("pool-a", "pool-a-x1"));
        assert!(!is_member("pool", "pool-a-1"));
    }
}
