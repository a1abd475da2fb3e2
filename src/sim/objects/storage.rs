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
}

fn provisioner() -> String {
    "rancher.io/local-path".to_owned()
}
