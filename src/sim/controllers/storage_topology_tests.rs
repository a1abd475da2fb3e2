//! Storage topology across the volume controller and the scheduler: volumes' node affinity pins
//! pods, and `WaitForFirstConsumer` claims bind where their first pod is scheduled.

use std::collections::BTreeMap;

use crate::sim::change::{Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::controllers::test_support::{
    apply, cluster_with, container, get_pod, messages, node, pod, pod_spec, web_app,
};
use crate::sim::objects::{
    Meta, Node, PersistentVolume, PodSpec, Pvc, PvcPhase, StorageClass, Volume, VolumeBindingMode, VolumeSource,
};
use crate::sim::quantity::Mebibytes;

fn class(name: &str, provisioner: &str, mode: VolumeBindingMode) -> Object {
    Object::StorageClass(StorageClass {
        meta: Meta::new(name, ""),
        provisioner: provisioner.to_owned(),
        is_default: false,
        reclaim_policy: "Retain".to_owned(),
        volume_binding_mode: mode,
    })
}

fn claim(class: &str) -> Object {
    claim_named("data", class)
}

fn claim_named(name: &str, class: &str) -> Object {
    Object::Pvc(Pvc {
        meta: Meta::new(name, "default"),
        storage_class: Some(class.to_owned()),
        size: Mebibytes(1024),
        access_mode: "ReadWriteOnce".to_owned(),
        phase: PvcPhase::Pending,
        volume: None,
    })
}

/// A local volume on `on_node`, optionally reserved for `default/data`.
fn local_pv(name: &str, class: &str, on_node: &str, reserved: bool) -> Object {
    Object::Pv(PersistentVolume {
        meta: Meta::new(name, ""),
        size: Mebibytes(10 * 1024),
        storage_class: Some(class.to_owned()),
        access_mode: "ReadWriteOnce".to_owned(),
        reclaim_policy: "Retain".to_owned(),
        claim: reserved.then(|| "default/data".to_owned()),
        released: false,
        node_affinity: BTreeMap::from([("kubernetes.io/hostname".to_owned(), vec![on_node.to_owned()])]),
        local_path: Some("/mnt/disks/ssd1".to_owned()),
    })
}

fn db_pod() -> Object {
    let mut spec: PodSpec = pod_spec(vec![container("web", "web:v1")]);
    spec.volumes.push(Volume { name: "data".to_owned(), source: VolumeSource::Pvc("data".to_owned()) });
    Object::Pod(pod("default", "db", spec))
}

fn nodes(n: usize) -> Vec<Node> {
    (1..=n).map(|i| node(&format!("node-{i}"))).collect()
}

fn cluster(n: usize, objects: Vec<Object>) -> Cluster {
    cluster_with(nodes(n), &[("web:v1", web_app())], objects)
}

fn data(c: &Cluster) -> &Pvc {
    c.pvcs().get(&key("default", "data")).expect("claim data")
}

fn placed(c: &Cluster) -> Option<String> {
    get_pod(c, "default", "db").status.node.clone()
}

/// The cordoned node fails `NodeUnschedulable` first; `VolumeBinding` rejects the rest.
#[test]
fn a_pod_whose_local_volume_is_on_a_cordoned_node_stays_pending_with_the_schedulers_reasons() {
    let mut c = cluster(3, vec![class("local", "kubernetes.io/no-provisioner", VolumeBindingMode::Immediate)]);
    apply(&mut c, Change::Cordon { node: "node-1".to_owned(), unschedulable: true });
    for o in [local_pv("db-local", "local", "node-1", true), claim("local"), db_pod()] {
        apply(&mut c, Change::Create(o));
    }
    c.step();
    c.step();
    assert_eq!(data(&c).phase, PvcPhase::Bound);
    assert_eq!(placed(&c), None);
    assert_eq!(
        messages(&c, "Pod", "db", "FailedScheduling").last().map(String::as_str),
        Some(
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        )
    );
    apply(&mut c, Change::Cordon { node: "node-1".to_owned(), unschedulable: false });
    c.step();
    assert_eq!(placed(&c).as_deref(), Some("node-1"), "the data stays on node-1, so the pod goes there");
}

#[test]
fn a_pod_whose_volume_node_is_gone_conflicts_on_every_node() {
    let mut c = cluster(2, vec![local_pv("db-local", "local", "node-9", true), claim("local"), db_pod()]);
    c.step();
    c.step();
    assert_eq!(placed(&c), None);
    assert_eq!(
        messages(&c, "Pod", "db", "FailedScheduling").last().map(String::as_str),
        Some(
            "0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        )
    );
}

#[test]
fn a_wait_for_first_consumer_claim_waits_for_a_pod_then_is_provisioned_on_its_node() {
    let mut c = cluster(2, vec![class("local-path", "rancher.io/local-path", VolumeBindingMode::WaitForFirstConsumer)]);
    apply(&mut c, Change::Create(claim("local-path")));
    c.step();
    assert_eq!(data(&c).phase, PvcPhase::Pending);
    assert!(c.pvs().is_empty());
    let waiting: Vec<_> = c.events.iter().filter(|e| e.reason == "WaitForFirstConsumer").collect();
    assert_eq!(waiting.len(), 1);
    assert!(!waiting[0].warning, "kubectl shows it as Normal");
    assert_eq!(waiting[0].message, "waiting for first consumer to be created before binding");

    apply(&mut c, Change::Cordon { node: "node-1".to_owned(), unschedulable: true });
    apply(&mut c, Change::Create(db_pod()));
    c.step();
    assert_eq!(placed(&c).as_deref(), Some("node-2"));
    assert_eq!(data(&c).phase, PvcPhase::Bound);
    let volume = data(&c).volume.clone().expect("bound");
    let pv = c.pvs().get(&volume).expect("provisioned");
    assert_eq!(pv.node_affinity, BTreeMap::from([("kubernetes.io/hostname".to_owned(), vec!["node-2".to_owned()])]));
}

#[test]
fn a_network_disk_is_provisioned_in_the_consumers_zone() {
    let mut zoned = nodes(1);
    zoned[0].meta.labels.insert("topology.kubernetes.io/zone".to_owned(), "eu-west-1b".to_owned());
    let mut c = cluster_with(
        zoned,
        &[("web:v1", web_app())],
        vec![class("ssd", "ebs.csi.aws.com", VolumeBindingMode::WaitForFirstConsumer), claim("ssd"), db_pod()],
    );
    c.step();
    let volume = data(&c).volume.clone().expect("bound once the pod is scheduled");
    let pv = c.pvs().get(&volume).expect("provisioned");
    assert_eq!(
        pv.node_affinity,
        BTreeMap::from([("topology.kubernetes.io/zone".to_owned(), vec!["eu-west-1b".to_owned()])])
    );
}

/// With no provisioner, the scheduler only picks nodes where a free local volume lives, and the
/// claim binds to that node's volume.
#[test]
fn a_wait_for_first_consumer_claim_binds_the_free_local_volume_on_the_chosen_node() {
    let mut c = cluster(
        3,
        vec![
            class("local", "kubernetes.io/no-provisioner", VolumeBindingMode::WaitForFirstConsumer),
            local_pv("disk-1", "local", "node-1", false),
            local_pv("disk-3", "local", "node-3", false),
            claim("local"),
        ],
    );
    apply(&mut c, Change::Cordon { node: "node-1".to_owned(), unschedulable: true });
    apply(&mut c, Change::Create(db_pod()));
    c.step();
    assert_eq!(placed(&c).as_deref(), Some("node-3"));
    assert_eq!((data(&c).phase, data(&c).volume.as_deref()), (PvcPhase::Bound, Some("disk-3")));

    // A second claim finds no free volume on any schedulable node.
    apply(&mut c, Change::Create(claim_named("logs", "local")));
    let mut spec: PodSpec = pod_spec(vec![container("web", "web:v1")]);
    spec.volumes.push(Volume { name: "logs".to_owned(), source: VolumeSource::Pvc("logs".to_owned()) });
    apply(&mut c, Change::Create(Object::Pod(pod("default", "logger", spec))));
    c.step();
    assert_eq!(
        messages(&c, "Pod", "logger", "FailedScheduling"),
        [
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        ]
    );
}
