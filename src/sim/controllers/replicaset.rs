//! The replica set controller: creates pods (through admission, so quota and webhooks apply)
//! until the active count matches, and deletes the least useful extras.

use crate::sim::apply::new_pod_status;
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Meta, OwnerRef, Pod};

/// Pods created per replica set per step, like the controller's slow-start batches.
const BURST: u32 = 100;

pub fn step(cluster: &mut Cluster) {
    // Active pods per owning replica set, counted once per step.
    let mut active: std::collections::HashMap<(&str, &str), u32> = std::collections::HashMap::new();
    for p in cluster.pods.values().filter(|p| p.is_active()) {
        if let Some(owner) = p.meta.owner.as_ref().filter(|o| o.kind == "ReplicaSet") {
            *active.entry((p.meta.namespace.as_str(), owner.name.as_str())).or_default() += 1;
        }
    }
    let work: Vec<((String, String), u32)> = cluster
        .replicasets
        .iter()
        .filter_map(|(k, rs)| {
            let n = active.get(&(k.0.as_str(), k.1.as_str())).copied().unwrap_or(0);
            (n != rs.replicas || rs.create_error.is_some()).then(|| (k.clone(), n))
        })
        .collect();
    for (k, n) in work {
        reconcile(cluster, &k, n);
    }
}

fn reconcile(cluster: &mut Cluster, k: &(String, String), active: u32) {
    let Some(rs) = cluster.replicasets.get(k) else { return };
    let (ns, name) = k.clone();
    let want = rs.replicas;
    if active < want {
        let template = rs.template.clone();
        let mut error = None;
        for _ in 0..(want - active).min(BURST) {
            let pod_name = format!("{name}-{}", cluster.name_suffix(5));
            let mut meta = Meta::new(pod_name.clone(), ns.clone());
            meta.labels = template.labels.clone();
            meta.annotations = template.annotations.clone();
            meta.owner = Some(OwnerRef { kind: "ReplicaSet".to_owned(), name: name.clone() });
            let pod = Pod { meta, spec: template.spec.clone(), status: crate::sim::objects::PodStatus::default() };
            match cluster.admit_pod(pod) {
                Ok(mut pod) => {
                    cluster.stamp(&mut pod.meta);
                    pod.meta.created = cluster.now;
                    pod.status = new_pod_status(&pod);
                    cluster.pods.insert(key(&ns, &pod_name), pod);
                    cluster.touch();
                    cluster.record(&ns, "ReplicaSet", &name, false, "SuccessfulCreate", &format!("Created pod: {pod_name}"), "replicaset-controller");
                }
                Err(e) => {
                    let message = format!("Error creating: {}", e.reason_text());
                    cluster.record(&ns, "ReplicaSet", &name, true, "FailedCreate", &message, "replicaset-controller");
                    error = Some(message);
                    break;
                }
            }
        }
        if let Some(rs) = cluster.replicasets.get_mut(k) {
            rs.create_error = error;
        }
    } else {
        if let Some(rs) = cluster.replicasets.get_mut(k) {
            rs.create_error = None;
        }
        if active > want {
            let mut victims: Vec<(bool, bool, i64, String)> = cluster
                .pods
                .values()
                .filter(|p| p.meta.namespace == ns && p.is_active() && p.meta.owner.as_ref().is_some_and(|o| o.kind == "ReplicaSet" && o.name == name))
                .map(|p| (p.status.node.is_some(), p.is_ready(), -p.meta.created, p.meta.name.clone()))
                .collect();
            victims.sort();
            for (_, _, _, pod) in victims.into_iter().take((active - want) as usize) {
                cluster.terminate_pod(&ns, &pod);
                cluster.record(&ns, "ReplicaSet", &name, false, "SuccessfulDelete", &format!("Deleted pod: {pod}"), "replicaset-controller");
            }
        }
    }
}
