//! Config maps, secrets and storage: claims, volumes and classes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Meta;
use crate::sim::quantity::Mebibytes;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigMap {
    pub meta: Meta,
    #[serde(default)]
    pub data: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub meta: Meta,
    #[serde(default = "opaque")]
    pub kind: String,
    /// Plain values; output shows them base64-encoded as the API does.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
}

fn opaque() -> String {
    "Opaque".to_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pvc {
    pub meta: Meta,
    #[serde(default)]
    pub storage_class: Option<String>,
    pub size: Mebibytes,
    #[serde(default = "rwo")]
    pub access_mode: String,
    #[serde(skip)]
    pub phase: PvcPhase,
    #[serde(skip)]
    pub volume: Option<String>,
}

fn rwo() -> String {
    "ReadWriteOnce".to_owned()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PvcPhase {
    #[default]
    Pending,
    Bound,
    Lost,
}

impl PvcPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PvcPhase::Pending => "Pending",
            PvcPhase::Bound => "Bound",
            PvcPhase::Lost => "Lost",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentVolume {
    pub meta: Meta,
    pub size: Mebibytes,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(default = "rwo")]
    pub access_mode: String,
    #[serde(default = "delete")]
    pub reclaim_policy: String,
    /// `namespace/name` of the claim bound to it.
    #[serde(default)]
    pub claim: Option<String>,
    /// Whether the volume holds the app's data (gone when a `Delete`-policy claim is deleted).
    #[serde(skip)]
    pub released: bool,
    /// Required node affinity: node label → accepted values (one `In` requirement per label, all
    /// of which must hold). A pod using the volume can only run on a node that matches.
    #[serde(default)]
    pub node_affinity: BTreeMap<String, Vec<String>>,
    /// `spec.local.path`: a local disk on one node (its data stays there); none is a host path.
    #[serde(default)]
    pub local_path: Option<String>,
}

impl PersistentVolume {
    /// Whether a node with these labels satisfies the volume's node affinity.
    pub fn fits_node(&self, node_labels: &BTreeMap<String, String>) -> bool {
        self.node_affinity.iter().all(|(k, values)| node_labels.get(k).is_some_and(|v| values.contains(v)))
    }
}

/// When a class binds and provisions a claim: at once, or once a pod that uses it is scheduled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolumeBindingMode {
    #[default]
    Immediate,
    WaitForFirstConsumer,
}

impl VolumeBindingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeBindingMode::Immediate => "Immediate",
            VolumeBindingMode::WaitForFirstConsumer => "WaitForFirstConsumer",
        }
    }
}

fn delete() -> String {
    "Delete".to_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageClass {
    pub meta: Meta,
    #[serde(default = "provisioner")]
    pub provisioner: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default = "delete")]
    pub reclaim_policy: String,
    #[serde(default)]
    pub volume_binding_mode: VolumeBindingMode,
}

fn provisioner() -> String {
    "rancher.io/local-path".to_owned()
}
