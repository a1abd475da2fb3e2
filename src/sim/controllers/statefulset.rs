//! The stateful set controller: pods with stable names (`web-0`, `web-1`, …) started in order,
//! each once the one before is Running and Ready (`OrderedReady`; `Parallel` starts them all),
//! claims from `volumeClaimTemplates` (`data-web-0`) that outlive the pods, scale-down from the
//! highest ordinal, and a rolling update that replaces pods highest ordinal first, down to the
//! partition.

use super::revisions::{self, Owned};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{
    Meta, OwnerKind, PodManagement, PodTemplate, Pvc, PvcPhase, REVISION_HASH_LABEL, StatefulSet, StatefulSetStrategy,
    Volume, VolumeSource,
};

pub fn step(cluster: &mut Cluster) {
    if cluster.statefulsets().is_empty() {
        return;
    }
    let mut owned = revisions::owned_pods(cluster, OwnerKind::StatefulSet);
    let keys: Vec<(String, String)> = cluster.statefulsets().keys().cloned().collect();
    for k in keys {
        let pods = owned.remove(&k).unwrap_or_default();
        reconcile(cluster, &k, &pods);
    }
}

/// The ordinal of `pod` in set `name` (`web-2` → 2).
fn ordinal(name: &str, pod: &str) -> Option<u32> {
    pod.strip_prefix(name)?.strip_prefix('-')?.parse().ok()
}

/// The claim a template makes for one pod: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: u32) -> String {
    format!("{template}-{set}-{ordinal}")
}

fn reconcile(cluster: &mut Cluster, k: &(String, String), pods: &[Owned]) {
    let Some(sts) = cluster.statefulsets_mut_status_only().get_mut(k) else { return };
    revisions::track(&mut sts.status, &sts.template);
    let sts: StatefulSet = sts.clone();
    let (ns, name) = (k.0.as_str(), k.1.as_str());
    let by_ordinal = |i: u32| pods.iter().find(|p| ordinal(name, &p.name) == Some(i));
    let ordered = sts.pod_management_policy == PodManagement::OrderedReady;
    // Settled: every wanted pod exists, is Running and Ready, and nothing is going away.
    let mut settled = true;
    let mut create: Vec<u32> = Vec::new();
    for i in 0..sts.replicas {
        match by_ordinal(i) {
            None => {
                settled = false;
                create.push(i);
                if ordered {
                    break;
                }
            }
            Some(p) if p.terminating || !p.active || !p.ready => {
                settled = false;
                if ordered {
                    break;
                }
            }
            Some(_) => {}
        }
    }
    let mut doomed: Vec<String> = Vec::new();
    // Finished pods are replaced: delete them so the loop above makes them again.
    doomed.extend(pods.iter().filter(|p| !p.active && !p.terminating).map(|p| p.name.clone()));
    let mut extra: Vec<(u32, &Owned)> = pods
        .iter()
        .filter_map(|p| ordinal(name, &p.name).map(|i| (i, p)))
        .filter(|(i, p)| *i >= sts.replicas && !p.terminating)
        .collect();
    extra.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    if ordered {
        if settled && pods.iter().all(|p| !p.terminating) {
            doomed.extend(extra.first().map(|(_, p)| p.name.clone()));
        }
    } else {
        doomed.extend(extra.iter().map(|(_, p)| p.name.clone()));
    }
    // A rolling update replaces one pod at a time, highest ordinal first, once all are ready.
    if let StatefulSetStrategy::RollingUpdate { partition } = sts.update_strategy
        && settled
        && extra.is_empty()
    {
        let current = format!("{name}-{}", sts.status.current_hash);
        let stale = (partition..sts.replicas).rev().filter_map(by_ordinal).find(|p| p.hash != current);
        doomed.extend(stale.map(|p| p.name.clone()));
    }
    for i in create {
        create_pod(cluster, &sts, i);
    }
    for pod in doomed {
        cluster.terminate_pod(ns, &pod);
        let message = format!("delete Pod {pod} in StatefulSet {name} successful");
        cluster.record(ns, "StatefulSet", name, false, "SuccessfulDelete", &message, "statefulset-controller");
    }
    update_status(cluster, k);
}

/// The template a pod with this ordinal gets: the current revision, or below the partition the
/// revision the set ran before.
fn template_for(sts: &StatefulSet, ordinal: u32) -> (String, PodTemplate) {
    let s = &sts.status;
    if let StatefulSetStrategy::RollingUpdate { partition } = sts.update_strategy
        && ordinal < partition
        && let Some((_, hash, template)) = s.history.iter().find(|(_, h, _)| *h == s.previous_hash)
    {
        return (hash.clone(), template.clone());
    }
    (s.current_hash.clone(), sts.template.clone())
}

fn create_pod(cluster: &mut Cluster, sts: &StatefulSet, i: u32) {
    let (ns, name) = (sts.meta.namespace.as_str(), sts.meta.name.as_str());
    let pod_name = format!("{name}-{i}");
    let (hash, mut template) = template_for(sts, i);
    template.labels.insert(REVISION_HASH_LABEL.to_owned(), format!("{name}-{hash}"));
    template.labels.insert("statefulset.kubernetes.io/pod-name".to_owned(), pod_name.clone());
    template.labels.insert("apps.kubernetes.io/pod-index".to_owned(), i.to_string());
    for claim in &sts.volume_claim_templates {
        let claim_name = claim_name(&claim.meta.name, name, i);
        if !cluster.pvcs().contains_key(&key(ns, &claim_name)) {
            let mut pvc = Pvc {
                meta: Meta::new(claim_name.clone(), ns),
                storage_class: claim.storage_class.clone(),
                size: claim.size,
                access_mode: claim.access_mode.clone(),
                phase: PvcPhase::Pending,
                volume: None,
            };
            pvc.meta.labels = sts.selector.clone();
            cluster.stamp(&mut pvc.meta);
            pvc.meta.created = cluster.now;
            cluster.pvcs_mut().insert(pvc.meta.key(), pvc);
            let message = format!("create Claim {claim_name} Pod {pod_name} in StatefulSet {name} success");
            cluster.record(ns, "StatefulSet", name, false, "SuccessfulCreate", &message, "statefulset-controller");
        }
        template.spec.volumes.retain(|v| v.name != claim.meta.name);
        template.spec.volumes.push(Volume { name: claim.meta.name.clone(), source: VolumeSource::Pvc(claim_name) });
    }
    let placed = revisions::create_pod(cluster, OwnerKind::StatefulSet, (ns, name), &pod_name, &template, |_| {});
    let (warning, reason, message) = match placed {
        Ok(()) => (false, "SuccessfulCreate", format!("create Pod {pod_name} in StatefulSet {name} successful")),
        Err(e) => (
            true,
            "FailedCreate",
            format!("create Pod {pod_name} in StatefulSet {name} failed error: {}", e.reason_text()),
        ),
    };
    cluster.record(ns, "StatefulSet", name, warning, reason, &message, "statefulset-controller");
}

fn update_status(cluster: &mut Cluster, k: &(String, String)) {
    let Some(sts) = cluster.statefulsets().get(k) else { return };
    let hash = format!("{}-{}", sts.meta.name, sts.status.current_hash);
    let (mut current, mut ready, mut updated) = (0, 0, 0);
    for p in cluster.pods().values().filter(|p| {
        p.meta.namespace == k.0
            && p.is_active()
            && p.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::StatefulSet && o.name == k.1)
    }) {
        current += 1;
        if p.is_ready() {
            ready += 1;
        }
        if p.meta.labels.get(REVISION_HASH_LABEL) == Some(&hash) {
            updated += 1;
        }
    }
    if let Some(sts) = cluster.statefulsets_mut_status_only().get_mut(k) {
        let s = &mut sts.status;
        s.desired = sts.replicas;
        s.current = current;
        s.ready = ready;
        s.updated = updated;
        s.available = ready;
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object, PatchType};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{apply, cluster_with, deployment, messages, node, web_app};
    use crate::sim::kind::Kind;
    use crate::sim::objects::{Meta, PodManagement, Pvc, PvcPhase, StatefulSet, StatefulSetStrategy, StorageClass};
    use crate::sim::quantity::Mebibytes;

    fn web(replicas: u32) -> Cluster {
        let d = deployment("default", "web", "web:v1", 1);
        let sts = StatefulSet {
            meta: d.meta,
            replicas,
            selector: d.selector,
            service_name: "web".into(),
            template: d.template,
            volume_claim_templates: vec![Pvc {
                meta: Meta::new("data", "default"),
                storage_class: Some("standard".into()),
                size: Mebibytes(1024),
                access_mode: "ReadWriteOnce".into(),
                phase: PvcPhase::Pending,
                volume: None,
            }],
            pod_management_policy: PodManagement::OrderedReady,
            update_strategy: StatefulSetStrategy::default(),
            status: crate::sim::objects::SetStatus::default(),
        };
        let sc = StorageClass {
            meta: Meta::new("standard", ""),
            provisioner: "rancher.io/local-path".into(),
            is_default: true,
            reclaim_policy: "Delete".into(),
            volume_binding_mode: crate::sim::objects::VolumeBindingMode::Immediate,
        };
        cluster_with(
            vec![node("node-1")],
            &[("web:v1", web_app()), ("web:v2", web_app())],
            vec![Object::StorageClass(sc), Object::StatefulSet(sts)],
        )
    }

    fn names(c: &Cluster) -> Vec<String> {
        c.pods().values().filter(|p| p.is_active()).map(|p| p.meta.name.clone()).collect()
    }

    #[test]
    fn starts_pods_in_order_each_after_the_one_before_is_ready() {
        let mut c = web(3);
        c.step();
        assert_eq!(names(&c), ["web-0"]);
        let mut order = Vec::new();
        for _ in 0..60 {
            c.step();
            for n in names(&c) {
                if !order.contains(&n) {
                    // The one before is ready when the next appears.
                    if let Some(prev) = order.last() {
                        assert!(c.pods()[&key("default", prev)].is_ready(), "{n} came before {prev} was ready");
                    }
                    order.push(n);
                }
            }
        }
        assert_eq!(order, ["web-0", "web-1", "web-2"]);
        assert_eq!(
            messages(&c, "StatefulSet", "web", "SuccessfulCreate")[..2],
            [
                "create Claim data-web-0 Pod web-0 in StatefulSet web success",
                "create Pod web-0 in StatefulSet web successful"
            ]
        );
        assert_eq!(c.statefulsets()[&key("default", "web")].status.ready, 3);
    }

    #[test]
    fn claims_survive_pod_and_set_deletion_and_pods_keep_their_names() {
        let mut c = web(2);
        c.advance_seconds(120);
        let pod = |c: &Cluster| c.pods()[&key("default", "web-1")].meta.uid;
        let before = pod(&c);
        apply(
            &mut c,
            Change::Delete { kind: Kind::Pod, namespace: "default".into(), name: "web-1".into(), force: false },
        );
        c.advance_seconds(60);
        assert_ne!(pod(&c), before, "a new web-1");
        assert!(c.pvcs().contains_key(&key("default", "data-web-1")));
        apply(
            &mut c,
            Change::Delete { kind: Kind::StatefulSet, namespace: "default".into(), name: "web".into(), force: false },
        );
        c.advance_seconds(30);
        assert!(names(&c).is_empty());
        assert!(
            c.pvcs().contains_key(&key("default", "data-web-0"))
                && c.pvcs().contains_key(&key("default", "data-web-1"))
        );
        assert!(c.data_lost.is_empty());
    }

    #[test]
    fn scales_down_from_the_highest_ordinal_and_updates_in_reverse_order() {
        let mut c = web(3);
        c.advance_seconds(120);
        apply(
            &mut c,
            Change::Scale { kind: Kind::StatefulSet, namespace: "default".into(), name: "web".into(), replicas: 2 },
        );
        c.advance_seconds(30);
        assert_eq!(names(&c), ["web-0", "web-1"]);
        let patch = r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:v2"}]}}}}"#;
        let patch = Change::Patch {
            kind: Kind::StatefulSet,
            namespace: "default".into(),
            name: "web".into(),
            patch_type: PatchType::Strategic,
            patch: patch.into(),
        };
        apply(&mut c, patch);
        c.advance_seconds(600);
        assert_eq!(
            messages(&c, "StatefulSet", "web", "SuccessfulDelete"),
            [
                "delete Pod web-2 in StatefulSet web successful",
                "delete Pod web-1 in StatefulSet web successful",
                "delete Pod web-0 in StatefulSet web successful"
            ]
        );
        let images: Vec<String> =
            c.pods().values().filter(|p| p.is_active()).map(|p| p.spec.containers[0].image.clone()).collect();
        assert_eq!(images, ["web:v2", "web:v2"]);
    }
}
