//! The kubelet's static pods: every manifest in the control-plane node's
//! `/etc/kubernetes/manifests` runs as a pod on that node, and the kubelet mirrors it into the API
//! (`kube-apiserver-NODE` in `kube-system`, owned by the Node). A manifest removed stops its pod;
//! a manifest edited restarts it; a mirror pod deleted through the API comes straight back.

use std::collections::BTreeMap;

use crate::sim::cluster::Cluster;
use crate::sim::control_plane::{self, StaticPod};
use crate::sim::objects::{Container, KubeletState, Meta, OwnerKind, OwnerRef, Pod, PodSpec, ResourceList, Resources};

/// The annotation that marks a mirror pod, as the kubelet sets it.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

pub fn step(cluster: &mut Cluster) {
    let Some(node) = control_plane::node(cluster) else {
        return;
    };
    if node.kubelet != KubeletState::Running {
        return;
    }
    let node_name = node.meta.name.clone();
    let ip = node.internal_ip.clone();
    // Each manifest's mirror pod by key, with its config hash: all the comparison below reads.
    // The pod itself is built only for a manifest whose mirror is missing (most steps, none).
    // The hashes come from the step's parse of the node's files while they are unchanged.
    let wanted: BTreeMap<(String, String), (String, std::sync::Arc<StaticPod>)> = match cluster.node_files(node) {
        Some(parsed) => parsed
            .static_pods
            .iter()
            .zip(&parsed.static_pod_hashes)
            .map(|((_, s), hash)| (mirror_key(s, &node_name), (hash.clone(), std::sync::Arc::clone(s))))
            .collect(),
        None => control_plane::static_pods_of(cluster, node)
            .into_iter()
            .map(|(_, s)| (mirror_key(&s, &node_name), (s.config_hash(), s)))
            .collect(),
    };
    // Mirror pods live in kube-system: look only there, not at every pod in the cluster.
    let range = ("kube-system".to_owned(), String::new())..("kube-system\u{0}".to_owned(), String::new());
    let existing: Vec<(String, String)> = cluster
        .pods()
        .range(range)
        .filter(|(_, p)| {
            p.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::Node && o.name == node_name)
                && p.meta.annotations.contains_key(MIRROR_ANNOTATION)
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in &existing {
        let stale = match (wanted.get(k), cluster.pods().get(k)) {
            (Some((hash, _)), Some(have)) => Some(hash) != have.meta.annotations.get(MIRROR_ANNOTATION),
            _ => true,
        };
        if stale {
            cluster.pods_mut().remove(k);
        }
    }
    let now = cluster.now;
    for (k, (_, manifest)) in wanted {
        if cluster.pods().contains_key(&k) || !cluster.namespace_exists(&k.0) {
            continue;
        }
        let mut pod = mirror_pod(&manifest, &node_name);
        cluster.stamp(&mut pod.meta);
        pod.status = crate::sim::apply::new_pod_status(&pod);
        pod.status.node = Some(node_name.clone());
        pod.status.pod_ip = Some(ip.clone());
        pod.status.host_ip = Some(ip.clone());
        pod.status.scheduled_at = Some(now);
        cluster.pods_mut().insert(k, pod);
    }
}

/// The key of the mirror pod of a manifest on `node`, as [`mirror_pod`] names it.
fn mirror_key(s: &StaticPod, node: &str) -> (String, String) {
    ("kube-system".to_owned(), format!("{}-{node}", s.name))
}

/// The pod the kubelet runs for a manifest, with the mirror annotations it sets: the config hash
/// changes with the manifest, which is how an edit restarts the pod.
fn mirror_pod(s: &StaticPod, node: &str) -> Pod {
    let hash = s.config_hash();
    let labels = s.labels.iter().cloned().collect();
    let annotations = BTreeMap::from([
        ("kubernetes.io/config.hash".to_owned(), hash.clone()),
        (MIRROR_ANNOTATION.to_owned(), hash),
        ("kubernetes.io/config.seen".to_owned(), "2026-10-23T09:00:00.000000000Z".to_owned()),
        ("kubernetes.io/config.source".to_owned(), "file".to_owned()),
    ]);
    let container = Container {
        name: s.container.clone(),
        image: s.image.clone(),
        command: s.command.clone(),
        resources: Resources {
            requests: ResourceList { cpu: s.cpu, memory: s.memory },
            limits: ResourceList::default(),
        },
        ..Container::default()
    };
    Pod {
        meta: Meta {
            labels,
            annotations,
            owner: Some(OwnerRef { kind: OwnerKind::Node, name: node.to_owned() }),
            ..Meta::new(format!("{}-{node}", s.name), "kube-system")
        },
        spec: PodSpec { containers: vec![container], node_name: Some(node.to_owned()), ..PodSpec::default() },
        status: crate::sim::objects::PodStatus::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_compared_each_step_is_the_mirror_pods_own_and_its_hash_the_mirror_annotation() {
        let s = StaticPod {
            name: "kube-apiserver".to_owned(),
            labels: vec![("component".to_owned(), "kube-apiserver".to_owned())],
            container: "kube-apiserver".to_owned(),
            image: "registry.k8s.io/kube-apiserver:v1.31.0".to_owned(),
            command: vec!["kube-apiserver".to_owned()],
            cpu: None,
            memory: None,
        };
        let pod = mirror_pod(&s, "control-plane");
        assert_eq!(mirror_key(&s, "control-plane"), pod.meta.key());
        assert_eq!(pod.meta.annotations.get(MIRROR_ANNOTATION), Some(&s.config_hash()));
    }
}
