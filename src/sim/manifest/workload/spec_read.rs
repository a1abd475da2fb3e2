//! Reading a patched pod spec (containers, env, probes, volumes, tolerations) back into the model.

use serde_json::{Value, json};

use crate::sim::manifest::read::{self, Bad, R, field, index, join};
use crate::sim::objects::{
    Container, EnvFrom, EnvVar, KeyRef, PodSpec, Probe, ResourceList, Resources, RestartPolicy, TaintEffect,
    Toleration, Volume, VolumeMount, VolumeSource,
};

pub fn read_pod_spec(v: &Value, path: &str, old: &PodSpec) -> R<PodSpec> {
    let containers = read_containers(v, "containers", path)?;
    if containers.is_empty() {
        return Err(Bad::required(&join(path, "containers")));
    }
    let scheduler = read::opt_str(v, "schedulerName", path)?;
    let tolerations = read::list(v, "tolerations", path)?
        .into_iter()
        .enumerate()
        .map(|(i, t)| read_toleration(t, &index(&join(path, "tolerations"), i)))
        .collect::<R<Vec<_>>>()?;
    let pull = read::list(v, "imagePullSecrets", path)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| read::req_str(s, "name", &index(&join(path, "imagePullSecrets"), i)))
        .collect::<R<Vec<_>>>()?;
    let volumes = read::list(v, "volumes", path)?
        .into_iter()
        .enumerate()
        .map(|(i, x)| read_volume(x, &index(&join(path, "volumes"), i)))
        .collect::<R<Vec<_>>>()?;
    let restart_policy = match read::opt_str(v, "restartPolicy", path)?.as_deref() {
        None | Some("Always") => RestartPolicy::Always,
        Some("OnFailure") => RestartPolicy::OnFailure,
        Some("Never") => RestartPolicy::Never,
        Some(other) => {
            return Err(Bad::unsupported(
                &join(path, "restartPolicy"),
                &json!(other),
                &["Always", "OnFailure", "Never"],
            ));
        }
    };
    Ok(PodSpec {
        containers,
        init_containers: read_containers(v, "initContainers", path)?,
        node_selector: read::string_map(v, "nodeSelector", path)?,
        node_name: read::opt_str(v, "nodeName", path)?,
        tolerations,
        service_account: read::opt_str(v, "serviceAccountName", path)?
            .or(read::opt_str(v, "serviceAccount", path)?)
            .unwrap_or_else(|| "default".to_owned()),
        image_pull_secrets: pull,
        volumes,
        scheduler_name: match scheduler {
            Some(s) if s == "default-scheduler" && old.scheduler_name.is_none() => None,
            other => other,
        },
        restart_policy,
        // Only the ephemeralcontainers subresource adds them; an update never removes them.
        ephemeral_containers: old.ephemeral_containers.clone(),
        priority_class_name: read::opt_str(v, "priorityClassName", path)?,
        // Admission sets it from the class; a manifest read back keeps what admission set.
        priority: old.priority,
        host_network: read::opt_bool(v, "hostNetwork", path)?.unwrap_or(false),
        host_pid: read::opt_bool(v, "hostPID", path)?.unwrap_or(false),
        host_ipc: read::opt_bool(v, "hostIPC", path)?.unwrap_or(false),
    })
}

fn read_toleration(t: &Value, path: &str) -> R<Toleration> {
    let effect = match read::opt_str(t, "effect", path)? {
        None => None,
        Some(e) if e.is_empty() => None,
        Some(e) => Some(TaintEffect::parse(&e).ok_or_else(|| {
            Bad::unsupported(&join(path, "effect"), &json!(e), &["NoSchedule", "PreferNoSchedule", "NoExecute"])
        })?),
    };
    Ok(Toleration {
        key: read::opt_str(t, "key", path)?,
        value: read::opt_str(t, "value", path)?,
        effect,
        seconds: read::opt_u32(t, "tolerationSeconds", path)?,
    })
}

fn read_volume(v: &Value, path: &str) -> R<Volume> {
    let name = read::req_str(v, "name", path)?;
    let source = if let Some(c) = field(v, "configMap") {
        VolumeSource::ConfigMap(read::req_str(c, "name", &join(path, "configMap"))?)
    } else if let Some(s) = field(v, "secret") {
        VolumeSource::Secret(read::req_str(s, "secretName", &join(path, "secret"))?)
    } else if let Some(p) = field(v, "persistentVolumeClaim") {
        VolumeSource::Pvc(read::req_str(p, "claimName", &join(path, "persistentVolumeClaim"))?)
    } else if field(v, "emptyDir").is_some() {
        VolumeSource::EmptyDir
    } else if let Some(h) = field(v, "hostPath") {
        VolumeSource::HostPath(read::req_str(h, "path", &join(path, "hostPath"))?)
    } else {
        return Err(Bad::required(&format!("{path}.emptyDir")));
    };
    Ok(Volume { name, source })
}

fn read_containers(v: &Value, key: &str, path: &str) -> R<Vec<Container>> {
    let p = join(path, key);
    let list = read::list(v, key, path)?;
    let mut out: Vec<Container> = Vec::with_capacity(list.len());
    for (i, c) in list.into_iter().enumerate() {
        let c = read_container(c, &index(&p, i))?;
        if out.iter().any(|o| o.name == c.name) {
            return Err(Bad {
                path: format!("{}.name", index(&p, i)),
                detail: format!("Duplicate value: \"{}\"", c.name),
            });
        }
        out.push(c);
    }
    Ok(out)
}

fn read_container(c: &Value, path: &str) -> R<Container> {
    let mut ports = Vec::new();
    let mut port_names = std::collections::BTreeMap::new();
    for (i, p) in read::list(c, "ports", path)?.into_iter().enumerate() {
        let pp = index(&join(path, "ports"), i);
        let number = read::req_port(p, "containerPort", &pp)?;
        if let Some(name) = read::opt_str(p, "name", &pp)? {
            if let Some(why) = read::port_name_problem(&name) {
                return Err(Bad::invalid(&join(&pp, "name"), &serde_json::json!(name), why));
            }
            if port_names.insert(name.clone(), number).is_some() {
                return Err(Bad { path: join(&pp, "name"), detail: format!("Duplicate value: {name:?}") });
            }
        }
        ports.push(number);
    }
    let env = read::list(c, "env", path)?
        .into_iter()
        .enumerate()
        .map(|(i, e)| read_env(e, &index(&join(path, "env"), i)))
        .collect::<R<Vec<_>>>()?;
    let env_from = read::list(c, "envFrom", path)?
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let p = index(&join(path, "envFrom"), i);
            if let Some(r) = field(e, "configMapRef") {
                Ok(EnvFrom::ConfigMap(read::req_str(r, "name", &join(&p, "configMapRef"))?))
            } else if let Some(r) = field(e, "secretRef") {
                Ok(EnvFrom::Secret(read::req_str(r, "name", &join(&p, "secretRef"))?))
            } else {
                Err(Bad::required(&join(&p, "configMapRef")))
            }
        })
        .collect::<R<Vec<_>>>()?;
    let res = read::obj(c, "resources", path)?;
    let rp = join(path, "resources");
    let list = |key: &str| -> R<ResourceList> {
        let l = read::obj(res, key, &rp)?;
        let lp = join(&rp, key);
        Ok(ResourceList { cpu: read::cpu(l, "cpu", &lp)?, memory: read::memory(l, "memory", &lp)? })
    };
    let mounts = read::list(c, "volumeMounts", path)?
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let p = index(&join(path, "volumeMounts"), i);
            Ok(VolumeMount { name: read::req_str(m, "name", &p)?, mount_path: read::req_str(m, "mountPath", &p)? })
        })
        .collect::<R<Vec<_>>>()?;
    Ok(Container {
        name: read::req_str(c, "name", path)?,
        image: read::req_str(c, "image", path)?,
        command: read::str_list(c, "command", path)?,
        args: read::str_list(c, "args", path)?,
        ports,
        env,
        env_from,
        resources: Resources { requests: list("requests")?, limits: list("limits")? },
        liveness: read_probe(c, "livenessProbe", path)?,
        readiness: read_probe(c, "readinessProbe", path)?,
        volume_mounts: mounts,
        port_names,
    })
}

fn read_env(e: &Value, path: &str) -> R<EnvVar> {
    let name = read::req_str(e, "name", path)?;
    let from = read::obj(e, "valueFrom", path)?;
    let fp = join(path, "valueFrom");
    let key_ref = |key: &str| -> R<Option<KeyRef>> {
        let Some(r) = field(from, key) else {
            return Ok(None);
        };
        let p = join(&fp, key);
        Ok(Some(KeyRef {
            name: read::req_str(r, "name", &p)?,
            key: read::req_str(r, "key", &p)?,
            optional: read::opt_bool(r, "optional", &p)?.unwrap_or(false),
        }))
    };
    let config_map_key = key_ref("configMapKeyRef")?;
    let secret_key = key_ref("secretKeyRef")?;
    let value = read::opt_str(e, "value", path)?;
    if value.as_ref().is_some_and(|v| !v.is_empty()) && (config_map_key.is_some() || secret_key.is_some()) {
        return Err(Bad::invalid(
            &join(path, "valueFrom"),
            &Value::String(String::new()),
            "may not be specified when `value` is not empty",
        ));
    }
    let value = if config_map_key.is_some() || secret_key.is_some() { None } else { value };
    Ok(EnvVar { name, value, config_map_key, secret_key })
}

fn read_probe(c: &Value, key: &str, path: &str) -> R<Option<Probe>> {
    let Some(p) = field(c, key) else {
        return Ok(None);
    };
    let pp = join(path, key);
    let (path_field, port) = if let Some(h) = field(p, "httpGet") {
        let hp = join(&pp, "httpGet");
        (Some(read::opt_str(h, "path", &hp)?.unwrap_or_else(|| "/".to_owned())), read::req_port(h, "port", &hp)?)
    } else if let Some(t) = field(p, "tcpSocket") {
        (None, read::req_port(t, "port", &join(&pp, "tcpSocket"))?)
    } else {
        return Err(Bad { path: pp, detail: "Required value: must specify a handler type".to_owned() });
    };
    let threshold = read::opt_u32(p, "failureThreshold", &pp)?.unwrap_or(3);
    let period = read::opt_u32(p, "periodSeconds", &pp)?.unwrap_or(10);
    for (k, n) in [("failureThreshold", threshold), ("periodSeconds", period)] {
        if n == 0 {
            return Err(Bad::invalid(&join(&pp, k), &json!(0), "must be greater than or equal to 1"));
        }
    }
    Ok(Some(Probe {
        path: path_field,
        port,
        initial_delay_seconds: read::opt_u32(p, "initialDelaySeconds", &pp)?.unwrap_or(0),
        period_seconds: period,
        failure_threshold: threshold,
    }))
}
