//! Nodes: capacity, taints, the kubelet's health and the disk it fills.

use serde::{Deserialize, Serialize};

use super::Meta;
use crate::sim::quantity::{Mebibytes, Millicores};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub meta: Meta,
    pub cpu: Millicores,
    pub memory: Mebibytes,
    #[serde(default = "default_max_pods")]
    pub max_pods: u32,
    #[serde(default)]
    pub taints: Vec<Taint>,
    #[serde(default)]
    pub unschedulable: bool,
    #[serde(default = "default_disk")]
    pub disk_gib: u32,
    /// Files on the node's disk (paths and sizes), which `ssh NODE -- du` lists and `rm` frees.
    #[serde(default)]
    pub files: Vec<DiskFile>,
    #[serde(default)]
    pub kubelet: KubeletState,
    #[serde(skip)]
    pub internal_ip: String,
    #[serde(skip)]
    pub index: u32,
    /// When the kubelet last posted status; the node goes `NotReady` 40 s after it stops.
    #[serde(skip)]
    pub last_heartbeat: i64,
    #[serde(skip)]
    pub conditions: Vec<NodeCondition>,
}

fn default_max_pods() -> u32 {
    110
}
fn default_disk() -> u32 {
    100
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFile {
    pub path: String,
    pub gib: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KubeletState {
    #[default]
    Running,
    /// Stopped by someone (`systemctl stop kubelet`); `systemctl start kubelet` brings it back.
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taint {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
    pub effect: TaintEffect,
}

impl Taint {
    pub fn to_display(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={v}:{}", self.key, self.effect.as_str()),
            None => format!("{}:{}", self.key, self.effect.as_str()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "NoSchedule" => Some(TaintEffect::NoSchedule),
            "PreferNoSchedule" => Some(TaintEffect::PreferNoSchedule),
            "NoExecute" => Some(TaintEffect::NoExecute),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeCondition {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub since: i64,
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    pub fn condition(&self, kind: &str) -> Option<&NodeCondition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    pub fn disk_used_gib(&self) -> u32 {
        // The OS, images and logs take a fifth of the disk before any file a scenario adds.
        self.disk_gib / 5 + self.files.iter().map(|f| f.gib).sum::<u32>()
    }

    pub fn role(&self) -> &str {
        if self.meta.labels.contains_key("node-role.kubernetes.io/control-plane") { "control-plane" } else { "<none>" }
    }
}
