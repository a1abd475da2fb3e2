//! Nodes: capacity, taints, the kubelet's health and the disk it fills.

use std::collections::{BTreeMap, BTreeSet};

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
    /// The kubelet's version (`v1.31.0`), which `get nodes` prints and the skew rules judge.
    #[serde(default = "default_kubelet_version")]
    pub kubelet_version: String,
    /// Small text files on the node that change what runs there (static pod manifests under
    /// `/etc/kubernetes/manifests`, the kubelet's `/var/lib/kubelet/config.yaml`), by path; the
    /// node shell reads and edits them.
    #[serde(default)]
    pub config_files: BTreeMap<String, String>,
    /// Whether swap is on (`swapon`, or `/etc/fstab` at boot); a kubelet refuses to start with it.
    #[serde(default)]
    pub swap: bool,
    /// The Kubernetes packages apt manages on the node: which are held, and the versions of
    /// `kubeadm` and `kubectl` (the kubelet's is `kubelet_version`).
    #[serde(default)]
    pub packages: Packages,
    /// What the kubelet process read when it last started, or the error it exited with.
    #[serde(skip)]
    pub kubelet_process: KubeletProcess,
    #[serde(skip)]
    pub internal_ip: String,
    #[serde(skip)]
    pub index: u32,
    /// When the kubelet last posted status; the node goes `NotReady` 40 s after it stops.
    #[serde(skip)]
    pub last_heartbeat: i64,
    #[serde(skip)]
    pub conditions: Vec<NodeCondition>,
    /// A drain left running against the node (a `Drain` change), retried every step.
    #[serde(skip)]
    pub draining: Option<DrainRun>,
}

/// The node's Kubernetes packages as dpkg knows them. kubeadm's install guide holds all three
/// (`apt-mark hold kubelet kubeadm kubectl`), so an upgrade starts with `apt-mark unhold`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packages {
    /// Packages on hold, which `apt-get install -y` refuses to change.
    #[serde(default = "default_holds")]
    pub held: BTreeSet<String>,
    /// Installed versions (`v1.31.0`) of `kubeadm` and `kubectl`; one not listed matches the kubelet.
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
}

/// The packages kubeadm's install guide puts on the node, in dpkg's order.
pub const KUBERNETES_PACKAGES: [&str; 3] = ["kubeadm", "kubectl", "kubelet"];

fn default_holds() -> BTreeSet<String> {
    KUBERNETES_PACKAGES.iter().map(|p| (*p).to_owned()).collect()
}

impl Default for Packages {
    fn default() -> Self {
        Self { held: default_holds(), versions: BTreeMap::new() }
    }
}

impl Node {
    /// The installed version (`v1.31.0`) of one of [`KUBERNETES_PACKAGES`].
    pub fn package_version(&self, package: &str) -> &str {
        match package {
            "kubelet" => &self.kubelet_version,
            other => self.packages.versions.get(other).map_or(&self.kubelet_version, String::as_str),
        }
    }

    /// Records kubeadm's and kubectl's versions before the kubelet's changes, as they do not
    /// follow it: until then they are taken to match it.
    pub fn pin_packages_besides_the_kubelet(&mut self) {
        for package in KUBERNETES_PACKAGES.into_iter().filter(|p| *p != "kubelet") {
            self.packages.versions.entry(package.to_owned()).or_insert_with(|| self.kubelet_version.clone());
        }
    }
}

/// A `kubectl drain` still running against a node: what its flags let it evict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrainRun {
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
}

fn default_max_pods() -> u32 {
    110
}
fn default_disk() -> u32 {
    100
}
fn default_kubelet_version() -> String {
    KUBERNETES_VERSION.to_owned()
}

/// The Kubernetes version a cluster runs unless a scenario says otherwise (control plane and
/// kubelets alike).
pub const KUBERNETES_VERSION: &str = "v1.31.0";

/// What every node reports about its machine (`status.nodeInfo`): one place, so `get nodes -o
/// wide`, `describe node`, `-o yaml` and the node's own shell tell the same story.
pub struct NodeInfo;

impl NodeInfo {
    pub const OS_IMAGE: &'static str = "Ubuntu 24.04.1 LTS";
    pub const OS_VERSION_ID: &'static str = "24.04";
    pub const KERNEL_VERSION: &'static str = "6.8.0-45-generic";
    pub const CONTAINER_RUNTIME: &'static str = "containerd://1.7.22";
    pub const OPERATING_SYSTEM: &'static str = "linux";
    pub const ARCHITECTURE: &'static str = "amd64";

    /// `/etc/os-release` as Ubuntu 24.04.1 ships it.
    pub fn os_release() -> String {
        format!(
            "PRETTY_NAME=\"{}\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{}\"\nVERSION=\"24.04.1 LTS (Noble Numbat)\"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo",
            Self::OS_IMAGE,
            Self::OS_VERSION_ID
        )
    }
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
    /// Exited at start (a configuration it cannot load, swap on); systemd restarts it every ten
    /// seconds.
    Failed,
}

/// The kubelet process on a node: what it read at its last start (see `sim::kubelet_config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KubeletProcess {
    /// The settings it runs on; `None` until it first (re)starts in the incident, when it runs on
    /// the file as it was when the node was built.
    pub settings: Option<crate::sim::kubelet_config::KubeletSettings>,
    /// Why it last exited at start.
    pub error: Option<String>,
    /// When it last (re)started.
    pub started: Option<i64>,
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

    /// Allocatable CPU: Capacity less what the running kubelet reserves.
    pub fn allocatable_cpu(&self) -> Millicores {
        let reserved = self.kubelet_process.settings.as_ref().map_or(0, |s| s.reserved_cpu.0);
        Millicores(self.cpu.0.saturating_sub(reserved))
    }

    /// Allocatable memory: Capacity less what the running kubelet reserves.
    pub fn allocatable_memory(&self) -> Mebibytes {
        let reserved = self.kubelet_process.settings.as_ref().map_or(0, |s| s.reserved_memory.0);
        Mebibytes(self.memory.0.saturating_sub(reserved))
    }

    pub fn role(&self) -> &str {
        if self.meta.labels.contains_key("node-role.kubernetes.io/control-plane") { "control-plane" } else { "<none>" }
    }
}
