//! `describe deployment` and `describe replicaset`.

use super::{W, clock, pod, selector_text};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Deployment, OwnerKind, PodPhase, ReplicaSet, Strategy};

/// The replica sets a deployment owns, newest revision last.
pub fn owned_replicasets<'a>(cluster: &'a Cluster, d: &Deployment) -> Vec<&'a ReplicaSet> {
    let mut list: Vec<&ReplicaSet> = cluster
        .replicasets()
        .values()
        .filter(|rs| {
            rs.meta.namespace == d.meta.namespace
                && rs.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::Deployment && o.name == d.meta.name)
        })
        .collect();
    list.sort_by_key(|rs| (rs.revision, rs.meta.created));
    list
}

/// The replica set running the deployment's current template.
pub fn new_replicaset<'a>(cluster: &'a Cluster, d: &Deployment) -> Option<&'a ReplicaSet> {
    let owned = owned_replicasets(cluster, d);
    owned
        .iter()
        .rev()
        .find(|rs| rs.template.spec == d.template.spec)
        .or_else(|| owned.iter().rev().find(|rs| rs.revision == d.status.revision && d.status.revision > 0))
        .copied()
}

fn rs_summary(list: &[&ReplicaSet]) -> String {
    if list.is_empty() {
        return "<none>".to_owned();
    }
    list.iter()
        .map(|rs| format!("{} ({}/{} replicas created)", rs.meta.name, rs.current, rs.replicas))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn deployment(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(d) = cluster.deployments().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", d.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("CreationTimestamp:\t{}", clock::rfc1123z(d.meta.created)));
    w.labels("Labels", &d.meta.labels);
    let mut annotations = d.meta.annotations.clone();
    if d.status.revision > 0 {
        annotations
            .entry("deployment.kubernetes.io/revision".to_owned())
            .or_insert_with(|| d.status.revision.to_string());
    }
    w.annotations("Annotations", &annotations);
    let selector = if d.selector.is_empty() { &d.template.labels } else { &d.selector };
    w.line(0, &format!("Selector:\t{}", selector_text(selector)));
    let s = &d.status;
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.replicas,
            s.updated,
            s.replicas,
            s.available,
            s.replicas.saturating_sub(s.available)
        ),
    );
    match &d.strategy {
        Strategy::RollingUpdate { max_surge, max_unavailable } => {
            w.line(0, "StrategyType:\tRollingUpdate");
            w.line(0, "MinReadySeconds:\t0");
            w.line(0, &format!("RollingUpdateStrategy:\t{max_unavailable} max unavailable, {max_surge} max surge"));
        }
        Strategy::Recreate => {
            w.line(0, "StrategyType:\tRecreate");
            w.line(0, "MinReadySeconds:\t0");
        }
    }
    pod::template(w, &d.template);
    if !s.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in &s.conditions {
            w.line(1, &format!("{} \t{}\t{}", c.kind, c.status, c.reason));
        }
    }
    let newest = new_replicaset(cluster, d);
    let old: Vec<&ReplicaSet> = owned_replicasets(cluster, d)
        .into_iter()
        .filter(|rs| {
            Some(rs.meta.name.as_str()) != newest.map(|n| n.meta.name.as_str()) && (rs.replicas > 0 || rs.current > 0)
        })
        .collect();
    w.line(0, &format!("OldReplicaSets:\t{}", rs_summary(&old)));
    w.line(0, &format!("NewReplicaSet:\t{}", rs_summary(&newest.into_iter().collect::<Vec<_>>())));
}

pub fn replicaset(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(rs) = cluster.replicasets().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", rs.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("Selector:\t{}", selector_text(&rs.selector)));
    w.labels("Labels", &rs.meta.labels);
    let mut annotations = rs.meta.annotations.clone();
    annotations.entry("deployment.kubernetes.io/revision".to_owned()).or_insert_with(|| rs.revision.to_string());
    w.annotations("Annotations", &annotations);
    if let Some(owner) = &rs.meta.owner {
        w.line(0, &format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    w.line(0, &format!("Replicas:\t{} current / {} desired", rs.current, rs.replicas));
    let mut counts = [0u32; 4];
    for p in cluster.pods().values().filter(|p| {
        p.meta.namespace == ns
            && p.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::ReplicaSet && o.name == rs.meta.name)
    }) {
        let i = match p.status.phase {
            PodPhase::Running => 0,
            PodPhase::Pending => 1,
            PodPhase::Succeeded => 2,
            PodPhase::Failed => 3,
        };
        counts[i] += 1;
    }
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            counts[0], counts[1], counts[2], counts[3]
        ),
    );
    pod::template(w, &rs.template);
    if rs.create_error.is_some() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        w.line(1, "ReplicaFailure \tTrue\tFailedCreate");
    }
}
