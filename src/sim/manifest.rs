//! Objects as Kubernetes manifests: the JSON the API would return for `-o json|yaml`, and the way
//! back for `kubectl patch` (strategic merge, JSON merge and JSON patch) over the fields the model
//! has.
//!
//! Emitting lives in the per-family submodules (`workload`, `network`, `storage`, `policy`);
//! reading a patched manifest back into the model lives beside each emitter, with shared
//! type-checking helpers in `read`, so a field that is printed is also a field that can be patched.

mod build;
mod classes;
mod crd;
mod merge;
mod network;
pub mod parse;
mod policy;
mod read;
mod storage;
mod workload;
mod yaml;

use serde_json::{Map, Value};

use super::change::{ApiError, PatchType};
use super::cluster::Cluster;
use super::kind::Kind;
use super::objects::{Labels, Meta, OwnerKind};

pub use build::{CREATABLE, object_from};
pub use merge::{json_patch, merge_patch, strategic_merge};
pub use policy::{pdb_status, quota_usage};
pub use storage::pv_phase;
pub use yaml::to_yaml;

/// The manifest of one object, or `None` if it does not exist. Cluster-scoped kinds ignore
/// `namespace`.
pub fn to_manifest(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Option<Value> {
    let body = match kind {
        Kind::Pod
        | Kind::Deployment
        | Kind::ReplicaSet
        | Kind::DaemonSet
        | Kind::StatefulSet
        | Kind::Job
        | Kind::CronJob => workload::emit(cluster, kind, namespace, name),
        Kind::Service | Kind::Endpoints | Kind::EndpointSlice | Kind::Ingress | Kind::NetworkPolicy => {
            network::emit(cluster, kind, namespace, name)
        }
        Kind::Node | Kind::Namespace | Kind::ConfigMap | Kind::Secret | Kind::Pvc | Kind::Pv | Kind::StorageClass => {
            storage::emit(cluster, kind, namespace, name)
        }
        Kind::IngressClass | Kind::PriorityClass => classes::emit(cluster, kind, name),
        Kind::CustomResourceDefinition => crd::emit(cluster, name),
        _ => policy::emit(cluster, kind, namespace, name),
    }?;
    let mut out = Map::new();
    out.insert("apiVersion".into(), Value::String(kind.api_version()));
    out.insert("kind".into(), Value::String(kind.api_kind().to_owned()));
    if let Value::Object(fields) = body {
        out.extend(fields);
    }
    let mut value = Value::Object(out);
    prune_nulls(&mut value);
    Some(value)
}

/// A pod template as it appears in a manifest (`spec.template`), for patches that put one back.
pub fn template_manifest(t: &super::objects::PodTemplate) -> Value {
    let mut v = workload::template(t);
    prune_nulls(&mut v);
    v
}

/// Pretty JSON as `kubectl -o json` prints it (four-space indent).
pub fn to_json(value: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if value.serialize(&mut ser).is_err() {
        return value.to_string();
    }
    String::from_utf8(buf).unwrap_or_else(|_| value.to_string())
}

/// Applies a patch to an object (through its manifest) and writes the fields back. Nothing
/// changes unless the whole patched object is valid.
pub fn patch(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    patch_type: PatchType,
    patch: &str,
) -> Result<(), ApiError> {
    let before = to_manifest(cluster, kind, namespace, name).ok_or_else(|| ApiError::not_found(kind, name))?;
    let doc: Value =
        serde_json::from_str(patch).map_err(|e| ApiError::Client(format!("unable to parse \"{patch}\": {e}")))?;
    let after = match patch_type {
        PatchType::Merge => {
            require_object(&doc, patch)?;
            merge_patch(&before, &doc)
        }
        PatchType::Strategic => {
            require_object(&doc, patch)?;
            strategic_merge(&before, &doc)
        }
        PatchType::Json => json_patch(&before, &doc).map_err(ApiError::BadRequest)?,
    };
    let new_name = after.pointer("/metadata/name").and_then(Value::as_str);
    if new_name != Some(name) {
        return Err(ApiError::BadRequest(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            new_name.unwrap_or("")
        )));
    }
    if kind.namespaced() {
        let new_ns = after.pointer("/metadata/namespace").and_then(Value::as_str);
        if new_ns != Some(namespace) {
            return Err(ApiError::BadRequest(
                "the namespace of the provided object does not match the namespace sent on the request".to_owned(),
            ));
        }
    }
    write(cluster, kind, namespace, name, &after).map_err(|b| b.into_api(kind, name))
}

/// Writes a whole manifest onto the object it names, through its family's reader.
fn write(cluster: &mut Cluster, kind: Kind, namespace: &str, name: &str, after: &Value) -> Result<(), read::Bad> {
    match kind {
        Kind::Pod
        | Kind::Deployment
        | Kind::ReplicaSet
        | Kind::DaemonSet
        | Kind::StatefulSet
        | Kind::Job
        | Kind::CronJob => workload::write(cluster, kind, namespace, name, after),
        Kind::Service | Kind::Endpoints | Kind::EndpointSlice | Kind::Ingress | Kind::NetworkPolicy => {
            network::write(cluster, kind, namespace, name, after)
        }
        Kind::Node | Kind::Namespace | Kind::ConfigMap | Kind::Secret | Kind::Pvc | Kind::Pv | Kind::StorageClass => {
            storage::write(cluster, kind, namespace, name, after)
        }
        Kind::IngressClass | Kind::PriorityClass => classes::write(cluster, kind, name, after),
        Kind::CustomResourceDefinition => crd::write(cluster, name, after),
        _ => policy::write(cluster, kind, namespace, name, after),
    }
}

fn require_object(doc: &Value, text: &str) -> Result<(), ApiError> {
    if doc.is_object() {
        Ok(())
    } else {
        Err(ApiError::Client(format!("unable to parse \"{text}\": a patch must be a JSON object")))
    }
}

/// Removes `null` members so absent optional fields do not print.
fn prune_nulls(value: &mut Value) {
    match value {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// Seconds since 1970 of the incident's start, 2026-11-22T09:00:00Z.
const INCIDENT_EPOCH: i64 = days_from_civil(2026, 11, 22) * 86_400 + 9 * 3600;

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub use super::cluster::timestamp;

/// Parses what [`timestamp`] prints back into incident seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    Some(secs - INCIDENT_EPOCH)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as secret data is shown.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64; the error is the offset of the first bad byte.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, usize> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(bytes.len() / 4 * 4);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if c == b'=' && i >= 2 && (pad > 0 || i == 3 || chunk[3] == b'=') {
                pad += 1;
                0
            } else if pad > 0 {
                return Err(ci * 4 + i);
            } else {
                B64.iter().position(|&x| x == c).ok_or(ci * 4 + i)? as u32
            };
            n = (n << 6) | v;
        }
        if pad > 0 && ci + 1 != bytes.len() / 4 {
            return Err(ci * 4 + 4 - pad);
        }
        let got = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&got[..3 - pad]);
    }
    Ok(out)
}

/// A uid that looks like Kubernetes' UUIDs, stable per object.
pub fn uid(n: u64) -> String {
    let a = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D_4C95_7F2D;
    let b = a.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 40) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// The node port a `NodePort`/`LoadBalancer` service gets for its `index`-th port.
pub fn node_port(service_uid: u64, index: usize) -> u16 {
    let spread = service_uid.wrapping_mul(7919).wrapping_add(index as u64 * 131) % 2768;
    30000 + spread as u16
}

/// The name of the `index`-th event in `cluster.events`, like `web-7d4b9.17a1b2c3d4e5f6a7`.
pub fn event_name(cluster: &Cluster, index: usize) -> Option<String> {
    let e = cluster.events.get(index)?;
    let stamp = (INCIDENT_EPOCH + e.first).unsigned_abs() * 1_000_000_007 + index as u64;
    Some(format!("{}.{:016x}", e.name, stamp | 0x1700_0000_0000_0000))
}

/// `metadata` as the API returns it.
fn meta(cluster: &Cluster, kind: Kind, m: &Meta) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), m.name.clone().into());
    if kind.namespaced() {
        o.insert("namespace".into(), m.namespace.clone().into());
    }
    o.insert("uid".into(), uid(m.uid).into());
    o.insert("resourceVersion".into(), (1000 + m.uid * 17).to_string().into());
    o.insert("creationTimestamp".into(), timestamp(m.created).into());
    if !m.labels.is_empty() {
        o.insert("labels".into(), labels(&m.labels));
    }
    if !m.annotations.is_empty() {
        o.insert("annotations".into(), labels(&m.annotations));
    }
    if let Some(owner) = &m.owner {
        let owner_key = (m.namespace.clone(), owner.name.clone());
        let api = owner.kind.api_version();
        let owner_uid = match owner.kind {
            OwnerKind::ReplicaSet => cluster.replicasets().get(&owner_key).map_or(0, |r| r.meta.uid),
            OwnerKind::Deployment => cluster.deployments().get(&owner_key).map_or(0, |d| d.meta.uid),
            OwnerKind::Node => cluster.nodes().get(&owner.name).map_or(0, |n| n.meta.uid),
            OwnerKind::DaemonSet => cluster.daemonsets().get(&owner_key).map_or(0, |d| d.meta.uid),
            OwnerKind::StatefulSet => cluster.statefulsets().get(&owner_key).map_or(0, |d| d.meta.uid),
            OwnerKind::Job => cluster.jobs().get(&owner_key).map_or(0, |d| d.meta.uid),
            OwnerKind::CronJob => cluster.cronjobs().get(&owner_key).map_or(0, |d| d.meta.uid),
        };
        o.insert(
            "ownerReferences".into(),
            serde_json::json!([{
                "apiVersion": api,
                "kind": owner.kind.as_str(),
                "name": owner.name,
                "uid": uid(owner_uid),
                "controller": true,
                "blockOwnerDeletion": true,
            }]),
        );
    }
    if let Some(d) = m.deleted {
        o.insert("deletionTimestamp".into(), timestamp(d).into());
        o.insert("deletionGracePeriodSeconds".into(), 30.into());
    }
    if !m.finalizers.is_empty() {
        o.insert("finalizers".into(), m.finalizers.clone().into());
    }
    Value::Object(o)
}

fn labels(l: &Labels) -> Value {
    Value::Object(l.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

/// `Some(list)` unless empty, so empty lists do not print.
fn nonempty(items: Vec<Value>) -> Value {
    if items.is_empty() { Value::Null } else { Value::Array(items) }
}

/// A label map unless empty.
fn nonempty_map(l: &Labels) -> Value {
    if l.is_empty() { Value::Null } else { labels(l) }
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
