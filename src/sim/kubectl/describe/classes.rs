//! `kubectl describe` of the cluster's classes: an ingress class (its controller) and a priority
//! class (its value, default and preemption policy), laid out as kubectl's describers do.

use super::W;
use crate::sim::cluster::Cluster;

pub fn ingress_class(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(c) = cluster.ingressclasses().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.labels("Labels", &c.meta.labels);
    w.annotations("Annotations", &c.meta.annotations);
    w.line(0, &format!("Controller:\t{}", c.controller));
}

pub fn priority_class(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(c) = cluster.priorityclasses().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Value:\t{}", c.value));
    w.line(0, &format!("GlobalDefault:\t{}", c.global_default));
    w.line(0, &format!("PreemptionPolicy:\t{}", c.preemption_policy.as_str()));
    w.line(0, &format!("Description:\t{}", c.description));
    // kubectl prints these with labels.FormatLabels: `k=v,…` on one line, `<none>` when empty.
    let annotations = c.meta.annotations.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    w.line(0, &format!("Annotations:\t{}", if annotations.is_empty() { "<none>" } else { &annotations }));
}
