//! Objects as Kubernetes manifests: the JSON the API would return for `-o json|yaml`, and the way
//! back for `kubectl patch` (strategic merge, JSON merge and JSON patch) over the fields the model
//! has.

use serde_json::Value;

use super::change::{ApiError, PatchType};
use super::cluster::Cluster;
use super::kind::Kind;

/// The manifest of one object, or `None` if it does not exist.
pub fn to_manifest(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Option<Value> {
    let _ = (cluster, kind, namespace, name);
    None
}

/// Renders a JSON value as YAML the way kubectl prints it.
pub fn to_yaml(value: &Value) -> String {
    value.to_string()
}

/// Applies a patch to an object (through its manifest) and writes the fields back.
pub fn patch(cluster: &mut Cluster, kind: Kind, namespace: &str, name: &str, patch_type: PatchType, patch: &str) -> Result<(), ApiError> {
    let _ = (cluster, kind, namespace, name, patch_type, patch);
    Err(ApiError::BadRequest("patch not implemented".to_owned()))
}
