//! Pods, deployments and replica sets as manifests, and patched manifests back into them.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::read::{self, Bad, R, field};
use super::{labels, meta, nonempty, nonempty_map, timestamp};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{
    Container, ContainerState, ContainerStatus, EnvFrom, KeyRef, Pod, PodSpec, PodTemplate, Probe, ResourceList,
    Strategy, TaintEffect, Toleration, Volume, VolumeSource,
};

mod sets;
mod spec_read;

use spec_read::read_pod_spec;

const REVISION: &str = "deployment.kubernetes.io/revision";

pub fn emit(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Option<Value> {
    let id = key(ns, name);
    match kind {
        Kind::Pod => {
            let p = cluster.pods().get(&id)?;
            let node = p.spec.node_name.as_deref().or(p.status.node.as_deref());
            Some(json!({
                "metadata": meta(cluster, kind, &p.meta),
                "spec": pod_spec(&p.spec, node),
                "status": pod_status(p),
            }))
        }
        Kind::Deployment => {
            let d = cluster.deployments().get(&id)?;
            let mut m = meta(cluster, kind, &d.meta);
            if d.status.revision > 0 {
                m["annotations"][REVISION] = d.status.revision.to_string().into();
            }
            m["generation"] = d.status.generation.max(1).into();
            let strategy = match &d.strategy {
                Strategy::Recreate => json!({"type": "Recreate"}),
                Strategy::RollingUpdate { max_surge, max_unavailable } => json!({
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": int_or_percent(max_surge), "maxUnavailable": int_or_percent(max_unavailable)},
                }),
            };
            let s = &d.status;
            let conditions: Vec<Value> = s
                .conditions
                .iter()
                .map(|c| {
                    json!({
                        "type": c.kind, "status": c.status, "reason": c.reason, "message": c.message,
                        "lastTransitionTime": timestamp(c.since), "lastUpdateTime": timestamp(c.since),
                    })
                })
                .collect();
            let unavailable = d.replicas.saturating_sub(s.available);
            Some(json!({
                "metadata": m,
                "spec": {
                    "replicas": d.replicas,
                    "selector": {"matchLabels": labels(&d.selector)},
                    "template": template(&d.template),
                    "strategy": strategy,
                    "progressDeadlineSeconds": d.progress_deadline_seconds,
                    "revisionHistoryLimit": 10,
                    "paused": if d.paused { Value::Bool(true) } else { Value::Null },
                },
                "status": {
                    "observedGeneration": s.observed_generation,
                    "replicas": nonzero(s.replicas),
                    "updatedReplicas": nonzero(s.updated),
                    "readyReplicas": nonzero(s.ready),
                    "availableReplicas": nonzero(s.available),
                    "unavailableReplicas": nonzero(unavailable),
                    "conditions": nonempty(conditions),
                },
            }))
        }
        Kind::ReplicaSet => {
            let r = cluster.replicasets().get(&id)?;
            let mut m = meta(cluster, kind, &r.meta);
            m["annotations"][REVISION] = r.revision.to_string().into();
            Some(json!({
                "metadata": m,
                "spec": {
                    "replicas": r.replicas,
                    "selector": {"matchLabels": labels(&r.selector)},
                    "template": template(&r.template),
                },
                "status": {
                    "replicas": r.current,
                    "fullyLabeledReplicas": nonzero(r.current),
                    "readyReplicas": nonzero(r.ready),
                    "availableReplicas": nonzero(r.available),
                    "observedGeneration": 1,
                },
            }))
        }
        _ => sets::emit(cluster, kind, &id),
    }
}

pub(super) fn nonzero(n: u32) -> Value {
    if n == 0 { Value::Null } else { n.into() }
}

pub(super) fn int_or_percent(s: &str) -> Value {
    s.parse::<u32>().map_or_else(|_| Value::String(s.to_owned()), Value::from)
}

pub(super) fn template(t: &PodTemplate) -> Value {
    json!({
        "metadata": {"labels": nonempty_map(&t.labels), "annotations": nonempty_map(&t.annotations)},
        "spec": pod_spec(&t.spec, t.spec.node_name.as_deref()),
    })
}

fn pod_spec(spec: &PodSpec, node: Option<&str>) -> Value {
    json!({
        "containers": spec.containers.iter().map(container).collect::<Vec<_>>(),
        "initContainers": nonempty(spec.init_containers.iter().map(container).collect()),
        "ephemeralContainers": nonempty(spec.ephemeral_containers.iter().map(ephemeral_container).collect()),
        "nodeName": node,
        "nodeSelector": nonempty_map(&spec.node_selector),
        "tolerations": nonempty(spec.tolerations.iter().map(toleration).collect()),
        // Static pods' mirrors run under no account, and the API server leaves the field out.
        "serviceAccountName": (!spec.service_account.is_empty()).then_some(&spec.service_account),
        "imagePullSecrets": nonempty(spec.image_pull_secrets.iter().map(|s| json!({"name": s})).collect()),
        "volumes": nonempty(spec.volumes.iter().map(volume).collect()),
        "schedulerName": spec.scheduler_name.as_deref().unwrap_or("default-scheduler"),
        "restartPolicy": spec.restart_policy.as_str(),
        "priorityClassName": spec.priority_class_name,
        "priority": spec.priority,
        "dnsPolicy": "ClusterFirst",
        "hostNetwork": spec.host_network.then_some(true),
        "hostPID": spec.host_pid.then_some(true),
        "hostIPC": spec.host_ipc.then_some(true),
        "terminationGracePeriodSeconds": 30,
    })
}

fn toleration(t: &Toleration) -> Value {
    json!({
        "key": t.key,
        "operator": if t.value.is_some() { "Equal" } else { "Exists" },
        "value": t.value,
        "effect": t.effect.map(TaintEffect::as_str),
        "tolerationSeconds": t.seconds,
    })
}

fn volume(v: &Volume) -> Value {
    let mut out = json!({"name": v.name});
    match &v.source {
        VolumeSource::ConfigMap(n) => out["configMap"] = json!({"name": n, "defaultMode": 420}),
        VolumeSource::Secret(n) => out["secret"] = json!({"secretName": n, "defaultMode": 420}),
        VolumeSource::Pvc(n) => out["persistentVolumeClaim"] = json!({"claimName": n}),
        VolumeSource::EmptyDir => out["emptyDir"] = json!({}),
        VolumeSource::HostPath(path) => out["hostPath"] = json!({"path": path, "type": ""}),
    }
    out
}

fn container(c: &Container) -> Value {
    let env: Vec<Value> = c
        .env
        .iter()
        .map(|e| {
            let key_ref = |r: &KeyRef| json!({"name": r.name, "key": r.key, "optional": if r.optional { Some(true) } else { None }});
            if let Some(r) = &e.config_map_key {
                json!({"name": e.name, "valueFrom": {"configMapKeyRef": key_ref(r)}})
            } else if let Some(r) = &e.secret_key {
                json!({"name": e.name, "valueFrom": {"secretKeyRef": key_ref(r)}})
            } else {
                json!({"name": e.name, "value": e.value})
            }
        })
        .collect();
    let env_from: Vec<Value> = c
        .env_from
        .iter()
        .map(|f| match f {
            EnvFrom::ConfigMap(n) => json!({"configMapRef": {"name": n}}),
            EnvFrom::Secret(n) => json!({"secretRef": {"name": n}}),
        })
        .collect();
    json!({
        "name": c.name,
        "image": c.image,
        "imagePullPolicy": "IfNotPresent",
        "command": nonempty(c.command.iter().map(|s| json!(s)).collect()),
        "args": nonempty(c.args.iter().map(|s| json!(s)).collect()),
        "ports": nonempty(
            c.ports
                .iter()
                .map(|p| {
                    let name = c.port_names.iter().find(|(_, n)| *n == p).map(|(name, _)| name);
                    json!({"containerPort": p, "name": name, "protocol": "TCP"})
                })
                .collect()
        ),
        "env": nonempty(env),
        "envFrom": nonempty(env_from),
        "resources": {"limits": resource_list(&c.resources.limits), "requests": resource_list(&c.resources.requests)},
        "livenessProbe": c.liveness.as_ref().map(probe),
        "readinessProbe": c.readiness.as_ref().map(probe),
        "volumeMounts": nonempty(c.volume_mounts.iter().map(|m| json!({"name": m.name, "mountPath": m.mount_path})).collect()),
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    })
}

/// An ephemeral container as the API returns it: no ports, probes or resources of its own.
fn ephemeral_container(e: &crate::sim::objects::EphemeralContainer) -> Value {
    let c = &e.container;
    let latest = crate::sim::apps::split_image(&c.image).1 == "latest";
    json!({
        "name": c.name,
        "image": c.image,
        "imagePullPolicy": if latest { "Always" } else { "IfNotPresent" },
        "command": nonempty(c.command.iter().map(|s| json!(s)).collect()),
        "resources": {},
        "targetContainerName": e.target,
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    })
}

fn resource_list(r: &ResourceList) -> Value {
    if r.cpu.is_none() && r.memory.is_none() {
        return Value::Null;
    }
    json!({"cpu": r.cpu.map(|q| q.to_string()), "memory": r.memory.map(|q| q.to_string())})
}

fn probe(p: &Probe) -> Value {
    let mut out = json!({
        "initialDelaySeconds": p.initial_delay_seconds,
        "periodSeconds": p.period_seconds,
        "failureThreshold": p.failure_threshold,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    });
    match &p.path {
        Some(path) => out["httpGet"] = json!({"path": path, "port": p.port, "scheme": "HTTP"}),
        None => out["tcpSocket"] = json!({"port": p.port}),
    }
    out
}

fn pod_status(p: &Pod) -> Value {
    let s = &p.status;
    let ready = p.is_ready();
    let tf = |b: bool| if b { "True" } else { "False" };
    let since = s.started_at.or(s.scheduled_at).unwrap_or(p.meta.created);
    let inits_done = s.init_statuses.iter().all(|c| matches!(c.state, ContainerState::Terminated { exit_code: 0, .. }));
    let conditions = if s.node.is_some() {
        json!([
            {"type": "Initialized", "status": tf(inits_done), "lastTransitionTime": timestamp(since)},
            {"type": "Ready", "status": tf(ready), "lastTransitionTime": timestamp(since)},
            {"type": "ContainersReady", "status": tf(ready), "lastTransitionTime": timestamp(since)},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": timestamp(s.scheduled_at.unwrap_or(p.meta.created))},
        ])
    } else {
        json!([{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastTransitionTime": timestamp(p.meta.created)}])
    };
    json!({
        "phase": s.phase.as_str(),
        "reason": s.reason,
        "message": s.message,
        "hostIP": s.host_ip,
        "podIP": s.pod_ip,
        "podIPs": s.pod_ip.as_ref().map(|ip| json!([{"ip": ip}])),
        "startTime": s.scheduled_at.map(timestamp),
        "conditions": conditions,
        "qosClass": qos_class(&p.spec),
        "initContainerStatuses": nonempty(p.reported_statuses().1.iter().map(container_status).collect()),
        "containerStatuses": nonempty(p.reported_statuses().0.iter().map(container_status).collect()),
        "ephemeralContainerStatuses": nonempty(p.status.ephemeral_statuses.iter().map(container_status).collect()),
    })
}

fn qos_class(spec: &PodSpec) -> &'static str {
    let all = spec.containers.iter().chain(&spec.init_containers);
    let mut none = true;
    let mut guaranteed = true;
    for c in all {
        let r = &c.resources;
        if r.limits.cpu.is_some()
            || r.limits.memory.is_some()
            || r.requests.cpu.is_some()
            || r.requests.memory.is_some()
        {
            none = false;
        }
        let cpu_ok = r.limits.cpu.is_some() && r.requests.cpu.is_none_or(|q| Some(q) == r.limits.cpu);
        let mem_ok = r.limits.memory.is_some() && r.requests.memory.is_none_or(|q| Some(q) == r.limits.memory);
        guaranteed &= cpu_ok && mem_ok;
    }
    if none {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn state(s: &ContainerState) -> Value {
    match s {
        ContainerState::Waiting { reason, message } => json!({"waiting": {
            "reason": reason,
            "message": if message.is_empty() { None } else { Some(message) },
        }}),
        ContainerState::Running { started_at } => {
            json!({"running": {"startedAt": timestamp(*started_at)}})
        }
        ContainerState::Terminated { reason, exit_code, message, started_at, finished_at } => json!({"terminated": {
            "reason": reason,
            "exitCode": exit_code,
            "message": if message.is_empty() { None } else { Some(message) },
            "startedAt": timestamp(*started_at),
            "finishedAt": timestamp(*finished_at),
        }}),
    }
}

fn container_status(c: &ContainerStatus) -> Value {
    let running = matches!(c.state, ContainerState::Running { .. });
    json!({
        "name": c.name,
        "image": c.image,
        "imageID": if running { image_id(&c.image) } else { String::new() },
        "ready": c.ready,
        "started": running,
        "restartCount": c.restart_count,
        "state": state(&c.state),
        "lastState": c.last_state.as_ref().map_or_else(|| json!({}), state),
    })
}

/// A digest-pinned image reference, stable per image.
fn image_id(image: &str) -> String {
    let repo = image.rsplit_once(':').map_or(image, |(r, _)| r);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut digest = String::new();
    for round in 0..4u8 {
        for b in image.bytes().chain([round]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let _ = write!(digest, "{h:016x}");
    }
    format!("{repo}@sha256:{digest}")
}

// ---- reading back ----

pub fn write(cluster: &mut Cluster, kind: Kind, ns: &str, name: &str, m: &Value) -> R<()> {
    let id = key(ns, name);
    let spec = read::obj(m, "spec", "")?;
    match kind {
        Kind::Pod => {
            let Some(old) = cluster.pods().get(&id) else {
                return Ok(());
            };
            let meta = read::meta(m, &old.meta, &[])?;
            let new_spec = read_pod_spec(spec, "spec", &old.spec)?;
            // Pods are immutable except for images, as the API server insists.
            let mut check = new_spec.clone();
            for (c, o) in check.containers.iter_mut().zip(&old.spec.containers) {
                c.image.clone_from(&o.image);
            }
            for (c, o) in check.init_containers.iter_mut().zip(&old.spec.init_containers) {
                c.image.clone_from(&o.image);
            }
            check.node_name.clone_from(&old.spec.node_name);
            if check != old.spec {
                return Err(Bad::forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                ));
            }
            let mut pod = old.clone();
            pod.meta = meta;
            pod.spec.containers = new_spec.containers;
            pod.spec.init_containers = new_spec.init_containers;
            cluster.pods_mut().insert(id, pod);
        }
        Kind::Deployment => {
            let Some(old) = cluster.deployments().get(&id) else {
                return Ok(());
            };
            let mut d = old.clone();
            d.meta = read::meta(m, &old.meta, &[REVISION])?;
            d.replicas = read::opt_u32(spec, "replicas", "spec")?.unwrap_or(1);
            d.selector = read::match_labels(spec, "selector", "spec")?;
            d.template = read_template(spec, &old.template)?;
            d.strategy = read_strategy(spec)?;
            d.progress_deadline_seconds = read::opt_u32(spec, "progressDeadlineSeconds", "spec")?.unwrap_or(600);
            d.paused = read::opt_bool(spec, "paused", "spec")?.unwrap_or(false);
            check_selector(&d.selector, &old.selector, &d.template)?;
            cluster.deployments_mut().insert(id, d);
        }
        Kind::ReplicaSet => {
            let Some(old) = cluster.replicasets().get(&id) else {
                return Ok(());
            };
            let mut r = old.clone();
            r.meta = read::meta(m, &old.meta, &[REVISION])?;
            r.replicas = read::opt_u32(spec, "replicas", "spec")?.unwrap_or(1);
            r.selector = read::match_labels(spec, "selector", "spec")?;
            r.template = read_template(spec, &old.template)?;
            check_selector(&r.selector, &old.selector, &r.template)?;
            cluster.replicasets_mut().insert(id, r);
        }
        _ => sets::write(cluster, kind, &id, m, spec)?,
    }
    Ok(())
}

pub(super) fn check_selector(
    new: &crate::sim::objects::Labels,
    old: &crate::sim::objects::Labels,
    t: &PodTemplate,
) -> R<()> {
    if new.is_empty() {
        return Err(Bad::required("spec.selector"));
    }
    if new != old {
        return Err(Bad::invalid("spec.selector", &json!({"matchLabels": labels(new)}), "field is immutable"));
    }
    if !new.iter().all(|(k, v)| t.labels.get(k) == Some(v)) {
        return Err(Bad::invalid(
            "spec.template.metadata.labels",
            &labels(&t.labels),
            "`selector` does not match template `labels`",
        ));
    }
    Ok(())
}

fn read_strategy(spec: &Value) -> R<Strategy> {
    let s = read::obj(spec, "strategy", "spec")?;
    let ty = read::opt_str(s, "type", "spec.strategy")?;
    match ty.as_deref() {
        Some("Recreate") => Ok(Strategy::Recreate),
        None | Some("RollingUpdate") => {
            let ru = read::obj(s, "rollingUpdate", "spec.strategy")?;
            let part = |key: &str| -> R<String> {
                match field(ru, key) {
                    None => Ok("25%".to_owned()),
                    Some(Value::String(x)) => Ok(x.clone()),
                    Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.to_string()),
                    Some(x) => Err(Bad::invalid(
                        &format!("spec.strategy.rollingUpdate.{key}"),
                        x,
                        "must be an integer or percentage (e.g '5%')",
                    )),
                }
            };
            Ok(Strategy::RollingUpdate { max_surge: part("maxSurge")?, max_unavailable: part("maxUnavailable")? })
        }
        Some(other) => Err(Bad::unsupported("spec.strategy.type", &json!(other), &["Recreate", "RollingUpdate"])),
    }
}

pub(super) fn read_template(spec: &Value, old: &PodTemplate) -> R<PodTemplate> {
    let t = read::obj(spec, "template", "spec")?;
    let tm = read::obj(t, "metadata", "spec.template")?;
    Ok(PodTemplate {
        labels: read::string_map(tm, "labels", "spec.template.metadata")?,
        annotations: read::string_map(tm, "annotations", "spec.template.metadata")?,
        spec: read_pod_spec(read::obj(t, "spec", "spec.template")?, "spec.template.spec", &old.spec)?,
    })
}
