//! The replica set controller: creates pods (through admission, so quota and webhooks apply)
//! until the active count matches, and deletes the least useful extras.

use crate::sim::apply::new_pod_status;
use crate::sim::cluster::Cluster;
use crate::sim::objects::{Meta, OwnerKind, OwnerRef, Pod};

/// Pods created per replica set per step, like the controller's slow-start batches.
const BURST: u32 = 100;

pub fn step(cluster: &mut Cluster) {
    // Active pods per owning replica set, counted once per step.
    let mut active: std::collections::HashMap<(&str, &str), u32> = std::collections::HashMap::new();
    for p in cluster.pods().values().filter(|p| p.is_active()) {
        if let Some(owner) = p.meta.owner.as_ref().filter(|o| o.kind == OwnerKind::ReplicaSet) {
            *active.entry((p.meta.namespace.as_str(), owner.name.as_str())).or_default() += 1;
        }
    }
    let work: Vec<((String, String), u32)> = cluster
        .replicasets()
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
    let Some(rs) = cluster.replicasets().get(k) else { return };
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
            meta.owner = Some(OwnerRef { kind: OwnerKind::ReplicaSet, name: name.clone() });
            let pod = Pod { meta, spec: template.spec.clone(), status: crate::sim::objects::PodStatus::default() };
            match cluster.admit_pod(pod) {
                Ok(mut pod) => {
                    cluster.stamp(&mut pod.meta);
                    pod.meta.created = cluster.now;
                    pod.status = new_pod_status(&pod);
                    cluster.insert_pod(pod);
                    cluster.record(
                        &ns,
                        "ReplicaSet",
                        &name,
                        false,
                        "SuccessfulCreate",
                        &format!("Created pod: {pod_name}"),
                        "replicaset-controller",
                    );
                }
                Err(e) => {
                    let message = format!("Error creating: {}", e.reason_text());
                    cluster.record(&ns, "ReplicaSet", &name, true, "FailedCreate", &message, "replicaset-controller");
                    error = Some(message);
                    break;
                }
            }
        }
        if let Some(rs) = cluster.replicasets_mut_status_only().get_mut(k) {
            rs.create_error = error;
        }
    } else {
        if let Some(rs) = cluster.replicasets_mut_status_only().get_mut(k) {
            rs.create_error = None;
        }
        if active > want {
            let mut victims: Vec<(bool, bool, i64, String)> = cluster
                .pods()
                .values()
                .filter(|p| {
                    p.meta.namespace == ns
                        && p.is_active()
                        && p.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::ReplicaSet && o.name == name)
                })
                .map(|p| (p.status.node.is_some(), p.is_ready(), -p.meta.created, p.meta.name.clone()))
                .collect();
            victims.sort();
            for (_, _, _, pod) in victims.into_iter().take((active - want) as usize) {
                cluster.terminate_pod(&ns, &pod);
                cluster.record(
                    &ns,
                    "ReplicaSet",
                    &name,
                    false,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {pod}"),
                    "replicaset-controller",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{
        apply, cluster_with, deployment, get_deployment, messages, node, pods, web_app,
    };
    use crate::sim::kind::Kind;
    use crate::sim::objects::{Meta, ResourceQuota};

    fn web(replicas: u32, extra: Vec<Object>) -> Cluster {
        let mut objects = extra;
        objects.push(Object::Deployment(deployment("default", "web", "web:v1", replicas)));
        cluster_with(vec![node("node-1")], &[("web:v1", web_app())], objects)
    }

    fn rs_name(c: &Cluster) -> String {
        c.replicasets().keys().next().map(|k| k.1.clone()).unwrap_or_default()
    }

    fn scale(c: &mut Cluster, replicas: u32) {
        let (namespace, name) = ("default".to_owned(), "web".to_owned());
        apply(c, Change::Scale { kind: Kind::Deployment, namespace, name, replicas });
    }

    #[test]
    fn creates_the_missing_pods_with_an_event_each() {
        let mut c = web(3, Vec::new());
        c.step();
        let rs = rs_name(&c);
        let names: Vec<String> = pods(&c, "default", &rs).iter().map(|p| p.meta.name.clone()).collect();
        assert_eq!(names.len(), 3);
        let mut created = messages(&c, "ReplicaSet", &rs, "SuccessfulCreate");
        created.sort();
        assert_eq!(created, names.iter().map(|n| format!("Created pod: {n}")).collect::<Vec<_>>());
        for p in pods(&c, "default", &rs) {
            assert_eq!(
                p.meta.owner.as_ref().map(|o| (o.kind, o.name.as_str())),
                Some((crate::sim::objects::OwnerKind::ReplicaSet, rs.as_str()))
            );
            assert_eq!(p.meta.labels.get("app").map(String::as_str), Some("web"));
        }
    }

    #[test]
    fn deletes_extras_unready_ones_first() {
        let mut c = web(3, Vec::new());
        c.advance_seconds(60);
        let rs = rs_name(&c);
        // An older pod that is not ready (as the node controller leaves one on a lost node)
        // goes before newer ready ones.
        let names: Vec<String> = pods(&c, "default", &rs).iter().map(|p| p.meta.name.clone()).collect();
        let unready = names[1].clone();
        if let Some(p) = c.pods_mut().get_mut(&key("default", &unready)) {
            p.status.containers[0].ready = false;
        }
        scale(&mut c, 2);
        c.step();
        assert_eq!(messages(&c, "ReplicaSet", &rs, "SuccessfulDelete"), vec![format!("Deleted pod: {unready}")]);
        let active: Vec<String> = c.pods().values().filter(|p| p.is_active()).map(|p| p.meta.name.clone()).collect();
        assert_eq!(active, names.iter().filter(|n| **n != unready).cloned().collect::<Vec<_>>());
        assert_eq!(
            c.pods().get(&key("default", &unready)).map(|p| p.status_text(c.now)),
            Some("Terminating".to_owned())
        );
    }

    #[test]
    fn quota_refusal_is_a_failed_create_and_a_replica_failure() {
        let quota = ResourceQuota {
            meta: Meta::new("team-quota", "default"),
            pods: Some(2),
            requests_cpu: None,
            requests_memory: None,
            limits_cpu: None,
            limits_memory: None,
        };
        let mut c = web(3, vec![Object::ResourceQuota(quota)]);
        c.advance_seconds(60);
        let rs = rs_name(&c);
        assert_eq!(pods(&c, "default", &rs).len(), 2);
        let failed = messages(&c, "ReplicaSet", &rs, "FailedCreate");
        assert!(!failed.is_empty());
        let prefix = format!("Error creating: pods \"{rs}-");
        let suffix = "\" is forbidden: exceeded quota: team-quota, requested: pods=1, used: pods=2, limited: pods=2";
        for m in &failed {
            assert!(m.starts_with(&prefix) && m.ends_with(suffix), "{m}");
            assert_eq!(m.len(), prefix.len() + 5 + suffix.len(), "{m}");
        }
        assert!(c.events.iter().filter(|e| e.reason == "FailedCreate").all(|e| e.warning));
        let d = get_deployment(&c, "default", "web");
        assert_eq!((d.status.replicas, d.status.available), (2, 2));
        let failure = d.condition("ReplicaFailure").expect("ReplicaFailure condition");
        assert_eq!((failure.status.as_str(), failure.reason.as_str()), ("True", "FailedCreate"));
        assert_eq!(Some(&failure.message), failed.last());
        let available = d.condition("Available").expect("Available condition");
        assert_eq!((available.status.as_str(), available.reason.as_str()), ("False", "MinimumReplicasUnavailable"));
        // Raising the quota lets the third pod in and clears the condition.
        apply(
            &mut c,
            Change::Delete {
                kind: Kind::ResourceQuota,
                namespace: "default".to_owned(),
                name: "team-quota".to_owned(),
                force: false,
            },
        );
        c.advance_seconds(30);
        assert_eq!(pods(&c, "default", &rs).len(), 3);
        let d = get_deployment(&c, "default", "web");
        assert!(d.condition("ReplicaFailure").is_none());
        assert_eq!(d.status.available, 3);
    }
}
