//! Resolving a container's environment and files from its spec, config maps and secrets, with
//! the kubelet's errors for what is missing (`CreateContainerConfigError`).

use std::collections::BTreeMap;

use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Container, EnvFrom, Pod, VolumeSource};

/// The environment a container would start with, or the config error that stops it.
pub fn resolve_env(
    cluster: &Cluster,
    namespace: &str,
    container: &Container,
) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    for source in &container.env_from {
        match source {
            EnvFrom::ConfigMap(name) => {
                let cm = cluster
                    .configmaps()
                    .get(&key(namespace, name))
                    .ok_or_else(|| format!("configmap \"{name}\" not found"))?;
                env.extend(cm.data.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            EnvFrom::Secret(name) => {
                let s = cluster
                    .secrets()
                    .get(&key(namespace, name))
                    .ok_or_else(|| format!("secret \"{name}\" not found"))?;
                env.extend(s.data.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }
    for var in &container.env {
        if let Some(r) = &var.config_map_key {
            match cluster.configmaps().get(&key(namespace, &r.name)) {
                None if r.optional => {}
                None => return Err(format!("configmap \"{}\" not found", r.name)),
                Some(cm) => match cm.data.get(&r.key) {
                    Some(v) => {
                        env.insert(var.name.clone(), v.clone());
                    }
                    None if r.optional => {}
                    None => return Err(format!("couldn't find key {} in ConfigMap {namespace}/{}", r.key, r.name)),
                },
            }
        } else if let Some(r) = &var.secret_key {
            match cluster.secrets().get(&key(namespace, &r.name)) {
                None if r.optional => {}
                None => return Err(format!("secret \"{}\" not found", r.name)),
                Some(s) => match s.data.get(&r.key) {
                    Some(v) => {
                        env.insert(var.name.clone(), v.clone());
                    }
                    None if r.optional => {}
                    None => return Err(format!("couldn't find key {} in Secret {namespace}/{}", r.key, r.name)),
                },
            }
        } else {
            env.insert(var.name.clone(), var.value.clone().unwrap_or_default());
        }
    }
    Ok(env)
}

/// Why a pod's volumes cannot be mounted (`MountVolume.SetUp failed …`).
pub fn volume_error(cluster: &Cluster, pod: &Pod) -> Option<String> {
    let ns = &pod.meta.namespace;
    pod.spec.volumes.iter().find_map(|v| match &v.source {
        VolumeSource::ConfigMap(name) if !cluster.configmaps().contains_key(&key(ns, name)) => {
            Some(format!("MountVolume.SetUp failed for volume \"{}\" : configmap \"{name}\" not found", v.name))
        }
        VolumeSource::Secret(name) if !cluster.secrets().contains_key(&key(ns, name)) => {
            Some(format!("MountVolume.SetUp failed for volume \"{}\" : secret \"{name}\" not found", v.name))
        }
        _ => None,
    })
}

/// Whether a file path is provided by one of the container's mounts (a config map or secret
/// key, or any path inside another kind of volume).
pub fn file_present(cluster: &Cluster, pod: &Pod, container: &Container, path: &str) -> bool {
    container.volume_mounts.iter().any(|m| {
        let Some(rest) = path.strip_prefix(m.mount_path.trim_end_matches('/')) else { return false };
        let file = rest.trim_start_matches('/');
        let Some(volume) = pod.spec.volumes.iter().find(|v| v.name == m.name) else { return false };
        match &volume.source {
            VolumeSource::ConfigMap(name) => {
                cluster.configmaps().get(&key(&pod.meta.namespace, name)).is_some_and(|c| c.data.contains_key(file))
            }
            VolumeSource::Secret(name) => {
                cluster.secrets().get(&key(&pod.meta.namespace, name)).is_some_and(|s| s.data.contains_key(file))
            }
            VolumeSource::Pvc(_) | VolumeSource::EmptyDir | VolumeSource::HostPath(_) => true,
        }
    })
}

/// The error `CoreDNS` stops with when the Corefile mounted into `container` does not parse.
pub fn corefile_error(cluster: &Cluster, pod: &Pod, container: &Container) -> Option<String> {
    let dir = crate::sim::corefile::PATH.rsplit_once('/').map_or("", |(d, _)| d);
    let mount = container.volume_mounts.iter().find(|m| m.mount_path.trim_end_matches('/') == dir)?;
    let volume = pod.spec.volumes.iter().find(|v| v.name == mount.name)?;
    let VolumeSource::ConfigMap(name) = &volume.source else {
        return None;
    };
    let text = cluster.configmaps().get(&key(&pod.meta.namespace, name))?.data.get("Corefile")?;
    crate::sim::corefile::parse(text).err()
}
