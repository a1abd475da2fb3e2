//! New objects from manifests (`kubectl apply|create -f`): the model reads a manifest onto an
//! object that exists, so a new one starts as the smallest object of its kind, is created on a
//! copy of the cluster and has the manifest written onto it there, through the same per-kind
//! readers and validation as `kubectl patch`. What comes out is the `Object` a
//! `Change::Create` then creates for real.

mod workloads;

use serde_json::{Value, json};

use super::read::{self, Bad};
use crate::sim::change::{ApiError, Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{Deployment, Meta, PodTemplate, Strategy};

/// The kinds a manifest may create here (pods, replica sets, endpoints and nodes belong to
/// controllers and the scenario; events to the cluster).
pub const CREATABLE: &[Kind] = &[
    Kind::Namespace,
    Kind::ConfigMap,
    Kind::Secret,
    Kind::ServiceAccount,
    Kind::Deployment,
    Kind::DaemonSet,
    Kind::StatefulSet,
    Kind::Job,
    Kind::CronJob,
    Kind::Service,
    Kind::Ingress,
    Kind::NetworkPolicy,
    Kind::Pvc,
    Kind::Pv,
    Kind::StorageClass,
    Kind::Hpa,
    Kind::ResourceQuota,
    Kind::LimitRange,
    Kind::Pdb,
    Kind::Role,
    Kind::ClusterRole,
    Kind::RoleBinding,
    Kind::ClusterRoleBinding,
];

/// The object `manifest` describes, as the API would admit it, or the API's refusal. `namespace`
/// is ignored for cluster-scoped kinds. The cluster is not changed.
pub fn object_from(
    cluster: &Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    manifest: &Value,
) -> Result<Object, ApiError> {
    let ns = if kind.namespaced() { namespace } else { "" };
    let skeleton = skeleton(kind, ns, name, manifest)?;
    let mut scratch = cluster.clone();
    scratch.recording = None;
    scratch.apply(Change::Create(skeleton), "kubectl")?;
    let mut full = manifest.clone();
    if let Some(meta) = full.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("name".into(), name.into());
        if kind.namespaced() {
            meta.insert("namespace".into(), ns.into());
        }
    }
    super::write(&mut scratch, kind, ns, name, &full).map_err(|b| b.into_api(kind, name))?;
    let mut object = take(&scratch, kind, ns, name).ok_or_else(|| ApiError::not_found(kind, name))?;
    let meta = meta_mut(&mut object);
    meta.uid = 0;
    meta.created = 0;
    meta.age_minutes = None;
    Ok(object)
}

/// The smallest object of `kind`, with what the manifest says that the readers cannot change
/// afterwards (a deployment's selector; see [`workloads`] for the other workload kinds).
fn skeleton(kind: Kind, ns: &str, name: &str, manifest: &Value) -> Result<Object, ApiError> {
    if let Some(workload) = workloads::skeleton(kind, ns, name, manifest) {
        return workload;
    }
    let meta = json!({ "name": name, "namespace": ns });
    let (tag, extra) = match kind {
        Kind::Deployment => return deployment(ns, name, manifest),
        Kind::Namespace => ("Namespace", json!({})),
        Kind::ConfigMap => ("ConfigMap", json!({})),
        Kind::Secret => ("Secret", json!({})),
        Kind::ServiceAccount => ("ServiceAccount", json!({})),
        Kind::Service => ("Service", json!({ "selector": {}, "ports": [] })),
        Kind::Ingress => ("Ingress", json!({ "rules": [] })),
        Kind::NetworkPolicy => ("NetworkPolicy", json!({ "policy_types": [] })),
        Kind::Pvc => ("Pvc", json!({ "size": 0 })),
        Kind::Pv => ("Pv", json!({ "size": 0 })),
        Kind::StorageClass => ("StorageClass", storage_class(name, manifest)?),
        Kind::Hpa => ("Hpa", json!({ "target": "", "max_replicas": 1, "target_cpu_percent": 80 })),
        Kind::ResourceQuota => ("ResourceQuota", json!({})),
        Kind::LimitRange => ("LimitRange", json!({})),
        Kind::Pdb => ("Pdb", json!({ "selector": {} })),
        Kind::Role | Kind::ClusterRole => ("Role", json!({ "cluster": kind == Kind::ClusterRole, "rules": [] })),
        Kind::RoleBinding | Kind::ClusterRoleBinding => (
            "RoleBinding",
            json!({ "cluster": kind == Kind::ClusterRoleBinding, "role": { "kind": "Role", "name": "" }, "subjects": [] }),
        ),
        other => {
            return Err(ApiError::BadRequest(format!(
                "this console does not create {} from manifests",
                other.plural()
            )));
        }
    };
    let mut body = extra;
    if let Some(o) = body.as_object_mut() {
        o.insert("meta".into(), meta);
    }
    serde_json::from_value(json!({ tag: body })).map_err(|e| ApiError::Internal(e.to_string()))
}

/// A storage class's fields that cannot change after creation, from the manifest.
fn storage_class(name: &str, manifest: &Value) -> Result<Value, ApiError> {
    let invalid = |b: Bad| b.into_api(Kind::StorageClass, name);
    let mut fields = serde_json::Map::new();
    if let Some(p) = read::opt_str(manifest, "provisioner", "").map_err(invalid)? {
        fields.insert("provisioner".into(), p.into());
    }
    if let Some(p) = read::opt_str(manifest, "reclaimPolicy", "").map_err(invalid)? {
        fields.insert("reclaim_policy".into(), p.into());
    }
    if let Some(mode) = read::opt_str(manifest, "volumeBindingMode", "").map_err(invalid)? {
        if !matches!(mode.as_str(), "Immediate" | "WaitForFirstConsumer") {
            let supported = ["Immediate", "WaitForFirstConsumer"];
            return Err(invalid(Bad::unsupported("volumeBindingMode", &json!(mode), &supported)));
        }
        fields.insert("volume_binding_mode".into(), mode.into());
    }
    Ok(Value::Object(fields))
}

/// A deployment whose selector and template labels are the manifest's, so that writing the
/// manifest onto it keeps the selector it was created with (selectors are immutable).
fn deployment(ns: &str, name: &str, manifest: &Value) -> Result<Object, ApiError> {
    let invalid = |b: Bad| b.into_api(Kind::Deployment, name);
    let spec = read::obj(manifest, "spec", "").map_err(invalid)?;
    let selector = read::match_labels(spec, "selector", "spec").map_err(invalid)?;
    if selector.is_empty() {
        return Err(invalid(Bad::required("spec.selector")));
    }
    Ok(Object::Deployment(Deployment {
        meta: Meta::new(name, ns),
        replicas: 1,
        selector: selector.clone(),
        template: PodTemplate { labels: selector, ..PodTemplate::default() },
        strategy: Strategy::default(),
        progress_deadline_seconds: 600,
        paused: false,
        status: crate::sim::objects::DeploymentStatus::default(),
    }))
}

/// The object of `kind` called `name`, as stored.
fn take(c: &Cluster, kind: Kind, ns: &str, name: &str) -> Option<Object> {
    let id = key(ns, name);
    Some(match kind {
        Kind::Namespace => Object::Namespace(c.namespaces().get(name)?.clone()),
        Kind::ConfigMap => Object::ConfigMap(c.configmaps().get(&id)?.clone()),
        Kind::Secret => Object::Secret(c.secrets().get(&id)?.clone()),
        Kind::ServiceAccount => Object::ServiceAccount(c.serviceaccounts().get(&id)?.clone()),
        Kind::Deployment => Object::Deployment(c.deployments().get(&id)?.clone()),
        Kind::DaemonSet => Object::DaemonSet(c.daemonsets().get(&id)?.clone()),
        Kind::StatefulSet => Object::StatefulSet(c.statefulsets().get(&id)?.clone()),
        Kind::Job => Object::Job(c.jobs().get(&id)?.clone()),
        Kind::CronJob => Object::CronJob(c.cronjobs().get(&id)?.clone()),
        Kind::Service => Object::Service(c.services().get(&id)?.clone()),
        Kind::Ingress => Object::Ingress(c.ingresses().get(&id)?.clone()),
        Kind::NetworkPolicy => Object::NetworkPolicy(c.netpols().get(&id)?.clone()),
        Kind::Pvc => Object::Pvc(c.pvcs().get(&id)?.clone()),
        Kind::Pv => Object::Pv(c.pvs().get(name)?.clone()),
        Kind::StorageClass => Object::StorageClass(c.storageclasses().get(name)?.clone()),
        Kind::Hpa => Object::Hpa(c.hpas().get(&id)?.clone()),
        Kind::ResourceQuota => Object::ResourceQuota(c.quotas().get(&id)?.clone()),
        Kind::LimitRange => Object::LimitRange(c.limitranges().get(&id)?.clone()),
        Kind::Pdb => Object::Pdb(c.pdbs().get(&id)?.clone()),
        Kind::Role | Kind::ClusterRole => Object::Role(c.roles().get(&id)?.clone()),
        Kind::RoleBinding | Kind::ClusterRoleBinding => Object::RoleBinding(c.rolebindings().get(&id)?.clone()),
        _ => return None,
    })
}

fn meta_mut(object: &mut Object) -> &mut Meta {
    match object {
        Object::Namespace(o) => &mut o.meta,
        Object::Node(o) => &mut o.meta,
        Object::Deployment(o) => &mut o.meta,
        Object::DaemonSet(o) => &mut o.meta,
        Object::StatefulSet(o) => &mut o.meta,
        Object::Job(o) => &mut o.meta,
        Object::CronJob(o) => &mut o.meta,
        Object::IngressClass(o) => &mut o.meta,
        Object::PriorityClass(o) => &mut o.meta,
        Object::CustomResourceDefinition(o) => &mut o.meta,
        Object::Pod(o) => &mut o.meta,
        Object::Service(o) => &mut o.meta,
        Object::ConfigMap(o) => &mut o.meta,
        Object::Secret(o) => &mut o.meta,
        Object::Pvc(o) => &mut o.meta,
        Object::Pv(o) => &mut o.meta,
        Object::StorageClass(o) => &mut o.meta,
        Object::Ingress(o) => &mut o.meta,
        Object::NetworkPolicy(o) => &mut o.meta,
        Object::Hpa(o) => &mut o.meta,
        Object::ResourceQuota(o) => &mut o.meta,
        Object::LimitRange(o) => &mut o.meta,
        Object::Pdb(o) => &mut o.meta,
        Object::ServiceAccount(o) => &mut o.meta,
        Object::Role(o) => &mut o.meta,
        Object::RoleBinding(o) => &mut o.meta,
        Object::Webhook(o) => &mut o.meta,
    }
}
