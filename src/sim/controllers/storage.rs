//! The persistent volume controller: binds claims to volumes, provisions volumes through storage
//! classes, and assigns the default class to claims that name none. A claim whose class waits for
//! its first consumer is bound by the scheduler, through [`bind_for_node`], once a pod using it has
//! a node: to a volume whose node affinity fits that node, or to one provisioned there.

use std::collections::BTreeMap;

use crate::sim::cluster::Cluster;
use crate::sim::objects::{Meta, PersistentVolume, Pvc, PvcPhase, VolumeBindingMode};

/// The provisioner of classes that only bind pre-made (static) volumes.
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

pub fn step(cluster: &mut Cluster) {
    let pending: Vec<(String, String)> =
        cluster.pvcs().iter().filter(|(_, c)| c.phase == PvcPhase::Pending).map(|(k, _)| k.clone()).collect();
    for k in pending {
        bind(cluster, &k);
    }
}

/// The class a claim binds through: its own, or the default one.
pub fn class_of(cluster: &Cluster, claim: &Pvc) -> Option<String> {
    claim
        .storage_class
        .clone()
        .or_else(|| cluster.storageclasses().values().find(|sc| sc.is_default).map(|sc| sc.meta.name.clone()))
}

/// Whether binding this claim waits until a pod that uses it is scheduled.
pub fn waits_for_consumer(cluster: &Cluster, claim: &Pvc) -> bool {
    class_of(cluster, claim)
        .and_then(|c| cluster.storageclasses().get(&c).map(|sc| sc.volume_binding_mode))
        .is_some_and(|m| m == VolumeBindingMode::WaitForFirstConsumer)
}

/// Free static volumes that could take the claim (any node).
pub fn candidates<'a>(cluster: &'a Cluster, claim: &Pvc) -> Vec<&'a PersistentVolume> {
    cluster
        .pvs()
        .values()
        .filter(|pv| {
            pv.claim.is_none() && !pv.released && pv.size >= claim.size && pv.storage_class == claim.storage_class
        })
        .collect()
}

/// The volume reserved for the claim (`claimRef` set ahead of binding), if any.
fn reserved(cluster: &Cluster, claim_ref: &str) -> Option<String> {
    cluster.pvs().values().find(|pv| pv.claim.as_deref() == Some(claim_ref)).map(|pv| pv.meta.name.clone())
}

fn bind(cluster: &mut Cluster, k: &(String, String)) {
    let Some(claim) = cluster.pvcs().get(k).cloned() else { return };
    let claim_ref = format!("{}/{}", k.0, k.1);
    if let Some(pv_name) = reserved(cluster, &claim_ref) {
        finish(cluster, k, &pv_name, &claim_ref);
        return;
    }
    if waits_for_consumer(cluster, &claim) {
        cluster.record(
            &k.0,
            "PersistentVolumeClaim",
            &k.1,
            false,
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
            "persistentvolume-controller",
        );
        return;
    }
    let free = candidates(cluster, &claim).first().map(|pv| pv.meta.name.clone());
    if let Some(pv_name) = free {
        finish(cluster, k, &pv_name, &claim_ref);
        return;
    }
    provision(cluster, k, &claim, None);
}

/// Binds a claim that waited for its first consumer, now that the consumer runs on `node`.
pub fn bind_for_node(cluster: &mut Cluster, k: &(String, String), node: &str) {
    let Some(claim) = cluster.pvcs().get(k).cloned() else { return };
    if claim.phase != PvcPhase::Pending {
        return;
    }
    let labels = cluster.nodes().get(node).map(|n| n.meta.labels.clone()).unwrap_or_default();
    let claim_ref = format!("{}/{}", k.0, k.1);
    if let Some(pv_name) = reserved(cluster, &claim_ref) {
        finish(cluster, k, &pv_name, &claim_ref);
        return;
    }
    let fitting =
        candidates(cluster, &claim).into_iter().find(|pv| pv.fits_node(&labels)).map(|pv| pv.meta.name.clone());
    match fitting {
        Some(pv_name) => finish(cluster, k, &pv_name, &claim_ref),
        None => provision(cluster, k, &claim, Some((node, &labels))),
    }
}

fn provision(
    cluster: &mut Cluster,
    k: &(String, String),
    claim: &Pvc,
    node: Option<(&str, &BTreeMap<String, String>)>,
) {
    let claim_ref = format!("{}/{}", k.0, k.1);
    let class = class_of(cluster, claim);
    let Some(class) = class else {
        cluster.record(
            &k.0,
            "PersistentVolumeClaim",
            &k.1,
            false,
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            "persistentvolume-controller",
        );
        return;
    };
    if !cluster.storageclasses().contains_key(&class) {
        cluster.record(
            &k.0,
            "PersistentVolumeClaim",
            &k.1,
            true,
            "ProvisioningFailed",
            &format!("storageclass.storage.k8s.io \"{class}\" not found"),
            "persistentvolume-controller",
        );
        return;
    }
    let reclaim =
        cluster.storageclasses().get(&class).map_or_else(|| "Delete".to_owned(), |sc| sc.reclaim_policy.clone());
    let provisioner = cluster.storageclasses().get(&class).map_or_else(String::new, |sc| sc.provisioner.clone());
    if provisioner == NO_PROVISIONER {
        return;
    }
    // A volume provisioned for a consumer lives where it runs: on its node for local-path
    // volumes, in its zone for network disks.
    let node_affinity: BTreeMap<String, Vec<String>> = match node {
        None => BTreeMap::new(),
        Some((name, labels)) => match labels.get(ZONE_LABEL) {
            Some(zone) if provisioner != "rancher.io/local-path" => {
                BTreeMap::from([(ZONE_LABEL.to_owned(), vec![zone.clone()])])
            }
            _ => BTreeMap::from([(HOSTNAME_LABEL.to_owned(), vec![name.to_owned()])]),
        },
    };
    let pv_name = format!("pvc-{}", uuid_like(cluster));
    let mut meta = Meta::new(pv_name.clone(), "");
    cluster.stamp(&mut meta);
    meta.created = cluster.now;
    meta.namespace = String::new();
    cluster.pvs_mut().insert(
        pv_name.clone(),
        PersistentVolume {
            meta,
            size: claim.size,
            storage_class: Some(class.clone()),
            access_mode: claim.access_mode.clone(),
            reclaim_policy: reclaim,
            claim: Some(claim_ref.clone()),
            released: false,
            node_affinity,
            local_path: None,
        },
    );
    if let Some(c) = cluster.pvcs_mut().get_mut(k) {
        c.storage_class = Some(class);
    }
    cluster.record(
        &k.0,
        "PersistentVolumeClaim",
        &k.1,
        false,
        "ProvisioningSucceeded",
        &format!("Successfully provisioned volume {pv_name} using {provisioner}"),
        &provisioner,
    );
    finish(cluster, k, &pv_name, &claim_ref);
}

fn finish(cluster: &mut Cluster, k: &(String, String), pv_name: &str, claim_ref: &str) {
    if let Some(pv) = cluster.pvs_mut().get_mut(pv_name) {
        pv.claim = Some(claim_ref.to_owned());
    }
    if let Some(c) = cluster.pvcs_mut().get_mut(k) {
        c.phase = PvcPhase::Bound;
        c.volume = Some(pv_name.to_owned());
    }
}

fn uuid_like(cluster: &mut Cluster) -> String {
    let a = cluster.name_suffix(8);
    let b = cluster.name_suffix(4);
    let c = cluster.name_suffix(4);
    let d = cluster.name_suffix(12);
    format!("{a}-{b}-{c}-{d}")
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{apply, cluster_with, messages, node};
    use crate::sim::kind::Kind;
    use crate::sim::objects::{Meta, Pvc, PvcPhase, StorageClass};
    use crate::sim::quantity::Mebibytes;

    fn claim(class: Option<&str>) -> Object {
        Object::Pvc(Pvc {
            meta: Meta::new("data", "default"),
            storage_class: class.map(str::to_owned),
            size: Mebibytes(1024),
            access_mode: "ReadWriteOnce".to_owned(),
            phase: PvcPhase::Pending,
            volume: None,
        })
    }

    fn standard() -> Object {
        Object::StorageClass(StorageClass {
            meta: Meta::new("standard", ""),
            provisioner: "rancher.io/local-path".to_owned(),
            is_default: false,
            reclaim_policy: "Delete".to_owned(),
            volume_binding_mode: crate::sim::objects::VolumeBindingMode::Immediate,
        })
    }

    fn data(c: &Cluster) -> &Pvc {
        c.pvcs().get(&key("default", "data")).expect("claim data")
    }

    fn assert_provisioned(c: &Cluster) {
        let pvc = data(c);
        assert_eq!((pvc.phase, pvc.storage_class.as_deref()), (PvcPhase::Bound, Some("standard")));
        let volume = pvc.volume.clone().expect("bound to a volume");
        let pv = c.pvs().get(&volume).expect("the volume exists");
        assert_eq!(pv.claim.as_deref(), Some("default/data"));
        assert_eq!(
            (pv.size, pv.storage_class.as_deref(), pv.reclaim_policy.as_str()),
            (Mebibytes(1024), Some("standard"), "Delete")
        );
        assert!(volume.starts_with("pvc-") && volume.len() == 4 + 8 + 1 + 4 + 1 + 4 + 1 + 12, "{volume}");
        assert_eq!(
            messages(c, "PersistentVolumeClaim", "data", "ProvisioningSucceeded"),
            [format!("Successfully provisioned volume {volume} using rancher.io/local-path")]
        );
    }

    #[test]
    fn a_claim_naming_a_class_is_provisioned_and_bound() {
        let mut c = cluster_with(vec![node("node-1")], &[], vec![standard(), claim(Some("standard"))]);
        c.step();
        assert_provisioned(&c);
    }

    #[test]
    fn a_claim_naming_a_missing_class_fails_to_provision() {
        let mut c = cluster_with(vec![node("node-1")], &[], vec![standard(), claim(Some("fast"))]);
        c.step();
        assert_eq!(data(&c).phase, PvcPhase::Pending);
        assert_eq!(
            messages(&c, "PersistentVolumeClaim", "data", "ProvisioningFailed"),
            ["storageclass.storage.k8s.io \"fast\" not found"]
        );
        assert!(c.pvs().is_empty());
    }

    #[test]
    fn without_a_class_or_a_default_the_claim_waits_until_a_class_is_made_default() {
        let mut c = cluster_with(vec![node("node-1")], &[], vec![standard(), claim(None)]);
        c.advance_seconds(30);
        assert_eq!((data(&c).phase, data(&c).volume.as_deref()), (PvcPhase::Pending, None));
        let failed: Vec<_> = c.events.iter().filter(|e| e.reason == "FailedBinding").collect();
        assert_eq!(failed.len(), 1);
        assert!(!failed[0].warning);
        assert_eq!(failed[0].message, "no persistent volumes available for this claim and no storage class is set");
        apply(
            &mut c,
            Change::Annotate {
                kind: Kind::StorageClass,
                namespace: String::new(),
                name: "standard".to_owned(),
                annotations: vec![("storageclass.kubernetes.io/is-default-class".to_owned(), Some("true".to_owned()))],
                overwrite: false,
            },
        );
        c.step();
        assert_provisioned(&c);
    }
}
