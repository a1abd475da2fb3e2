//! `describe daemonset` and `describe statefulset`, in kubectl 1.31's layout.

use super::{W, clock, pod, selector_text};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{OwnerKind, PodPhase, StatefulSetStrategy};

/// `N Running / N Waiting / N Succeeded / N Failed` over the pods `owner/name` owns.
pub fn pods_status(cluster: &Cluster, ns: &str, owner: OwnerKind, name: &str) -> String {
    let mut counts = [0u32; 4];
    for p in cluster
        .pods()
        .values()
        .filter(|p| p.meta.namespace == ns && p.meta.owner.as_ref().is_some_and(|o| o.kind == owner && o.name == name))
    {
        let i = match p.status.phase {
            PodPhase::Running => 0,
            PodPhase::Pending => 1,
            PodPhase::Succeeded => 2,
            PodPhase::Failed => 3,
        };
        counts[i] += 1;
    }
    format!("{} Running / {} Waiting / {} Succeeded / {} Failed", counts[0], counts[1], counts[2], counts[3])
}

pub fn daemonset(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(ds) = cluster.daemonsets().get(&key(ns, name)) else { return };
    let s = &ds.status;
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Selector:\t{}", selector_text(&ds.selector)));
    let node_selector = selector_text(&ds.template.spec.node_selector);
    w.line(
        0,
        &format!(
            "Node-Selector:\t{}",
            if ds.template.spec.node_selector.is_empty() { "<none>" } else { &node_selector }
        ),
    );
    w.labels("Labels", &ds.meta.labels);
    let mut annotations = ds.meta.annotations.clone();
    annotations.insert("deprecated.daemonset.template.generation".to_owned(), s.generation.max(1).to_string());
    w.annotations("Annotations", &annotations);
    // kubectl writes these five without a tab, so they are not aligned with the rest.
    w.line(0, &format!("Desired Number of Nodes Scheduled: {}", s.desired));
    w.line(0, &format!("Current Number of Nodes Scheduled: {}", s.current));
    w.line(0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}", s.updated));
    w.line(0, &format!("Number of Nodes Scheduled with Available Pods: {}", s.available));
    w.line(0, &format!("Number of Nodes Misscheduled: {}", s.misscheduled));
    w.line(0, &format!("Pods Status:\t{}", pods_status(cluster, ns, OwnerKind::DaemonSet, name)));
    pod::template(w, &ds.template);
}

pub fn statefulset(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(sts) = cluster.statefulsets().get(&key(ns, name)) else { return };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("CreationTimestamp:\t{}", clock::rfc1123z(sts.meta.created)));
    w.line(0, &format!("Selector:\t{}", selector_text(&sts.selector)));
    w.labels("Labels", &sts.meta.labels);
    w.annotations("Annotations", &sts.meta.annotations);
    w.line(0, &format!("Replicas:\t{} desired | {} total", sts.replicas, sts.status.current));
    match &sts.update_strategy {
        StatefulSetStrategy::RollingUpdate { partition } => {
            w.line(0, "Update Strategy:\tRollingUpdate");
            w.line(1, &format!("Partition:\t{partition}"));
        }
        StatefulSetStrategy::OnDelete => w.line(0, "Update Strategy:\tOnDelete"),
    }
    w.line(0, &format!("Pods Status:\t{}", pods_status(cluster, ns, OwnerKind::StatefulSet, name)));
    pod::template(w, &sts.template);
    if sts.volume_claim_templates.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    } else {
        w.line(0, "Volume Claims:");
        for claim in &sts.volume_claim_templates {
            w.line(1, &format!("Name:\t{}", claim.meta.name));
            w.line(1, &format!("StorageClass:\t{}", claim.storage_class.as_deref().unwrap_or("")));
            w.labels("  Labels", &claim.meta.labels);
            w.annotations("  Annotations", &claim.meta.annotations);
            w.line(1, &format!("Capacity:\t{}", claim.size));
            w.line(1, &format!("Access Modes:\t[{}]", claim.access_mode));
        }
    }
}
