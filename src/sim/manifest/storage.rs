//! Nodes, namespaces, config maps, secrets and storage (claims, volumes, classes) as manifests,
//! and back.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::read::{self, Bad, R, index, join};
use super::{base64_decode, base64_encode, labels, meta, nonempty, timestamp};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{NodeInfo, PvcPhase, Taint, TaintEffect};

const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
const NS_LABEL: &str = "kubernetes.io/metadata.name";

pub fn emit(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Option<Value> {
    let id = key(ns, name);
    match kind {
        Kind::Node => {
            let n = cluster.nodes().get(name)?;
            let capacity = json!({
                "cpu": n.cpu.to_string(),
                "memory": n.memory.to_string(),
                "pods": n.max_pods.to_string(),
                "ephemeral-storage": format!("{}Gi", n.disk_gib),
            });
            let conditions: Vec<Value> = n
                .conditions
                .iter()
                .map(|c| {
                    json!({
                        "type": c.kind, "status": c.status, "reason": c.reason, "message": c.message,
                        "lastTransitionTime": timestamp(c.since),
                        "lastHeartbeatTime": timestamp(n.last_heartbeat.max(c.since)),
                    })
                })
                .collect();
            Some(json!({
                "metadata": meta(cluster, kind, &n.meta),
                "spec": {
                    "podCIDR": format!("10.244.{}.0/24", n.index),
                    "taints": nonempty(n.taints.iter().map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect.as_str()})).collect()),
                    "unschedulable": if n.unschedulable { Some(true) } else { None },
                },
                "status": {
                    "addresses": [{"type": "InternalIP", "address": n.internal_ip}, {"type": "Hostname", "address": n.meta.name}],
                    "capacity": capacity,
                    "allocatable": json!({
                        "cpu": n.allocatable_cpu().to_string(),
                        "memory": n.allocatable_memory().to_string(),
                        "pods": n.max_pods.to_string(),
                        "ephemeral-storage": format!("{}Gi", n.disk_gib),
                    }),
                    "conditions": conditions,
                    "nodeInfo": {
                        "architecture": NodeInfo::ARCHITECTURE,
                        "containerRuntimeVersion": NodeInfo::CONTAINER_RUNTIME,
                        "kernelVersion": NodeInfo::KERNEL_VERSION,
                        "kubeProxyVersion": "",
                        "kubeletVersion": n.kubelet_version,
                        "operatingSystem": NodeInfo::OPERATING_SYSTEM,
                        "osImage": NodeInfo::OS_IMAGE,
                    },
                },
            }))
        }
        Kind::Namespace => {
            let n = cluster.namespaces().get(name)?;
            let mut m = meta(cluster, kind, &n.meta);
            if !n.meta.labels.contains_key(NS_LABEL) {
                m["labels"][NS_LABEL] = json!(name);
            }
            let phase = if n.meta.deleted.is_some() { "Terminating" } else { "Active" };
            Some(json!({"metadata": m, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": phase}}))
        }
        Kind::ConfigMap => {
            let c = cluster.configmaps().get(&id)?;
            Some(
                json!({"metadata": meta(cluster, kind, &c.meta), "data": if c.data.is_empty() { Value::Null } else { labels(&c.data) }}),
            )
        }
        Kind::Secret => {
            let s = cluster.secrets().get(&id)?;
            let data: serde_json::Map<String, Value> =
                s.data.iter().map(|(k, v)| (k.clone(), Value::String(base64_encode(v.as_bytes())))).collect();
            Some(json!({
                "metadata": meta(cluster, kind, &s.meta),
                "type": s.kind,
                "data": if data.is_empty() { Value::Null } else { Value::Object(data) },
            }))
        }
        Kind::Pvc => {
            let p = cluster.pvcs().get(&id)?;
            let bound = p.phase == PvcPhase::Bound;
            let size = p.size.to_string();
            Some(json!({
                "metadata": meta(cluster, kind, &p.meta),
                "spec": {
                    "accessModes": [p.access_mode],
                    "resources": {"requests": {"storage": size}},
                    "storageClassName": p.storage_class,
                    "volumeMode": "Filesystem",
                    "volumeName": p.volume,
                },
                "status": {
                    "phase": p.phase.as_str(),
                    "accessModes": if bound { json!([p.access_mode]) } else { Value::Null },
                    "capacity": if bound { json!({"storage": size}) } else { Value::Null },
                },
            }))
        }
        Kind::Pv => {
            let v = cluster.pvs().get(name)?;
            let claim = v.claim.as_ref().map(|c| {
                let (cns, cname) = c.split_once('/').unwrap_or(("default", c));
                json!({"kind": "PersistentVolumeClaim", "namespace": cns, "name": cname})
            });
            Some(json!({
                "metadata": meta(cluster, kind, &v.meta),
                "spec": {
                    "capacity": {"storage": v.size.to_string()},
                    "accessModes": [v.access_mode],
                    "persistentVolumeReclaimPolicy": v.reclaim_policy,
                    "storageClassName": v.storage_class,
                    "volumeMode": "Filesystem",
                    "claimRef": claim,
                    "hostPath": if v.local_path.is_some() { Value::Null } else {
                        json!({"path": format!("/var/local-path-provisioner/{}", v.meta.name), "type": "DirectoryOrCreate"})
                    },
                    "local": v.local_path.as_ref().map(|path| json!({"path": path})),
                    "nodeAffinity": node_affinity(&v.node_affinity),
                },
                "status": {"phase": pv_phase(v)},
            }))
        }
        Kind::StorageClass => {
            let s = cluster.storageclasses().get(name)?;
            let mut m = meta(cluster, kind, &s.meta);
            if s.is_default {
                m["annotations"][DEFAULT_CLASS] = json!("true");
            }
            Some(json!({
                "metadata": m,
                "provisioner": s.provisioner,
                "reclaimPolicy": s.reclaim_policy,
                "volumeBindingMode": s.volume_binding_mode.as_str(),
            }))
        }
        _ => None,
    }
}

/// `spec.nodeAffinity` of a volume: one required term with an `In` requirement per label.
fn node_affinity(affinity: &BTreeMap<String, Vec<String>>) -> Value {
    if affinity.is_empty() {
        return Value::Null;
    }
    let expressions: Vec<Value> =
        affinity.iter().map(|(k, values)| json!({"key": k, "operator": "In", "values": values})).collect();
    json!({"required": {"nodeSelectorTerms": [{"matchExpressions": expressions}]}})
}

/// `spec.nodeAffinity.required`: one term of `In` requirements, the part the simulation models.
fn read_node_affinity(spec: &Value) -> R<BTreeMap<String, Vec<String>>> {
    let affinity = read::obj(spec, "nodeAffinity", "spec")?;
    let required = read::obj(affinity, "required", "spec.nodeAffinity")?;
    let terms_path = "spec.nodeAffinity.required.nodeSelectorTerms";
    let mut out = BTreeMap::new();
    for (i, term) in read::list(required, "nodeSelectorTerms", "spec.nodeAffinity.required")?.into_iter().enumerate() {
        let term_path = index(terms_path, i);
        if i > 0 {
            return Err(Bad::invalid(&term_path, term, "this console models one node selector term"));
        }
        let expressions = join(&term_path, "matchExpressions");
        for (j, e) in read::list(term, "matchExpressions", &term_path)?.into_iter().enumerate() {
            let path = index(&expressions, j);
            let label = read::req_str(e, "key", &path)?;
            let operator = read::req_str(e, "operator", &path)?;
            if operator != "In" {
                return Err(Bad::unsupported(&join(&path, "operator"), &json!(operator), &["In"]));
            }
            out.insert(label, read::str_list(e, "values", &path)?);
        }
    }
    Ok(out)
}

/// `Bound`, `Released` or `Available`, as `kubectl get pv` shows.
pub fn pv_phase(v: &crate::sim::objects::PersistentVolume) -> &'static str {
    if v.released {
        "Released"
    } else if v.claim.is_some() {
        "Bound"
    } else {
        "Available"
    }
}

pub fn write(cluster: &mut Cluster, kind: Kind, ns: &str, name: &str, m: &Value) -> R<()> {
    let id = key(ns, name);
    let spec = read::obj(m, "spec", "")?;
    match kind {
        Kind::Node => {
            let Some(old) = cluster.nodes().get(name) else {
                return Ok(());
            };
            let mut n = old.clone();
            n.meta = read::meta(m, &old.meta, &[])?;
            n.unschedulable = read::opt_bool(spec, "unschedulable", "spec")?.unwrap_or(false);
            n.taints = read::list(spec, "taints", "spec")?
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    let p = index("spec.taints", i);
                    let effect = read::req_str(t, "effect", &p)?;
                    Ok(Taint {
                        key: read::req_str(t, "key", &p)?,
                        value: read::opt_str(t, "value", &p)?.filter(|v| !v.is_empty()),
                        effect: TaintEffect::parse(&effect).ok_or_else(|| {
                            Bad::unsupported(
                                &join(&p, "effect"),
                                &json!(effect),
                                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                            )
                        })?,
                    })
                })
                .collect::<R<Vec<_>>>()?;
            cluster.nodes_mut().insert(name.to_owned(), n);
        }
        Kind::Namespace => {
            let Some(old) = cluster.namespaces().get(name) else {
                return Ok(());
            };
            let mut meta = read::meta(m, &old.meta, &[])?;
            if !old.meta.labels.contains_key(NS_LABEL) && meta.labels.get(NS_LABEL).is_some_and(|v| v == name) {
                meta.labels.remove(NS_LABEL);
            }
            if let Some(n) = cluster.namespaces_mut().get_mut(name) {
                n.meta = meta;
            }
        }
        Kind::ConfigMap => {
            let Some(old) = cluster.configmaps().get(&id) else {
                return Ok(());
            };
            let mut c = old.clone();
            c.meta = read::meta(m, &old.meta, &[])?;
            c.data = read::string_map(m, "data", "")?;
            cluster.configmaps_mut().insert(id, c);
        }
        Kind::Secret => {
            let Some(old) = cluster.secrets().get(&id) else {
                return Ok(());
            };
            let mut s = old.clone();
            s.meta = read::meta(m, &old.meta, &[])?;
            let ty = read::opt_str(m, "type", "")?.unwrap_or_else(|| "Opaque".to_owned());
            if ty != old.kind {
                return Err(Bad::invalid("type", &json!(ty), "field is immutable"));
            }
            let mut data = BTreeMap::new();
            for (key, encoded) in read::string_map(m, "data", "")? {
                let bytes = base64_decode(&encoded).map_err(|at| Bad {
                    path: join("data", &key),
                    detail: format!("Invalid value: \"{encoded}\": illegal base64 data at input byte {at}"),
                })?;
                data.insert(key, String::from_utf8_lossy(&bytes).into_owned());
            }
            data.extend(read::string_map(m, "stringData", "")?);
            s.data = data;
            cluster.secrets_mut().insert(id, s);
        }
        Kind::Pvc => {
            let Some(old) = cluster.pvcs().get(&id) else {
                return Ok(());
            };
            let mut p = old.clone();
            p.meta = read::meta(m, &old.meta, &[])?;
            let class = read::opt_str(spec, "storageClassName", "spec")?;
            let requests = read::obj(read::obj(spec, "resources", "spec")?, "requests", "spec.resources")?;
            let size = read::memory(requests, "storage", "spec.resources.requests")?
                .ok_or_else(|| Bad::required("spec.resources.requests.storage"))?;
            let modes = read::str_list(spec, "accessModes", "spec")?;
            let mode = modes.first().cloned().ok_or_else(|| Bad::required("spec.accessModes"))?;
            if old.phase == PvcPhase::Bound && (class != old.storage_class || mode != old.access_mode) {
                return Err(Bad::forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
                ));
            }
            if size < old.size && old.phase == PvcPhase::Bound {
                return Err(Bad::forbidden(
                    "spec.resources.requests.storage",
                    "field can not be less than previous value",
                ));
            }
            p.storage_class = class;
            p.access_mode = mode;
            p.size = size;
            cluster.pvcs_mut().insert(id, p);
        }
        Kind::Pv => {
            let Some(old) = cluster.pvs().get(name) else {
                return Ok(());
            };
            let mut v = old.clone();
            v.meta = read::meta(m, &old.meta, &[])?;
            let policy =
                read::opt_str(spec, "persistentVolumeReclaimPolicy", "spec")?.unwrap_or_else(|| "Retain".to_owned());
            if !matches!(policy.as_str(), "Retain" | "Delete" | "Recycle") {
                return Err(Bad::unsupported(
                    "spec.persistentVolumeReclaimPolicy",
                    &json!(policy),
                    &["Delete", "Recycle", "Retain"],
                ));
            }
            v.reclaim_policy = policy;
            v.storage_class = read::opt_str(spec, "storageClassName", "spec")?;
            v.local_path = read::opt_str(read::obj(spec, "local", "spec")?, "path", "spec.local")?;
            v.node_affinity = read_node_affinity(spec)?;
            let claim = read::obj(spec, "claimRef", "spec")?;
            v.claim = match read::opt_str(claim, "name", "spec.claimRef")? {
                None => None,
                Some(n) => Some(format!(
                    "{}/{n}",
                    read::opt_str(claim, "namespace", "spec.claimRef")?.unwrap_or_else(|| "default".to_owned())
                )),
            };
            cluster.pvs_mut().insert(name.to_owned(), v);
        }
        Kind::StorageClass => {
            let Some(old) = cluster.storageclasses().get(name) else {
                return Ok(());
            };
            let mut s = old.clone();
            s.meta = read::meta(m, &old.meta, &[])?;
            s.is_default = s.meta.annotations.remove(DEFAULT_CLASS).is_some_and(|v| v == "true");
            let provisioner = read::opt_str(m, "provisioner", "")?.unwrap_or_default();
            let policy = read::opt_str(m, "reclaimPolicy", "")?.unwrap_or_else(|| "Delete".to_owned());
            if provisioner != old.provisioner {
                return Err(Bad::forbidden("provisioner", "updates to provisioner are forbidden."));
            }
            if policy != old.reclaim_policy {
                return Err(Bad::forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
            }
            let mode = read::opt_str(m, "volumeBindingMode", "")?;
            if mode.is_some_and(|mode| mode != old.volume_binding_mode.as_str()) {
                return Err(Bad::forbidden("volumeBindingMode", "updates to volumeBindingMode are forbidden."));
            }
            cluster.storageclasses_mut().insert(name.to_owned(), s);
        }
        _ => {}
    }
    Ok(())
}
