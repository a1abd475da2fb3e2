//! `describe` for autoscalers, disruption budgets, RBAC objects and admission webhooks.

use super::{W, clock, pod::effective_requests, selector_text};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{Pdb, Role, RoleBinding, WebhookKind};

pub fn hpa(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(h) = cluster.hpas().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", h.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &h.meta.labels);
    w.annotations("Annotations", &h.meta.annotations);
    w.line(0, &format!("CreationTimestamp:\t{}", clock::rfc1123z(h.meta.created)));
    w.line(0, &format!("Reference:\tDeployment/{}", h.target));
    w.line(0, "Metrics:\t( current / target )");
    let current = match h.status.current_cpu_percent {
        None => "<unknown>".to_owned(),
        Some(p) => {
            let request: u64 = cluster.deployments().get(&key(ns, &h.target)).map_or(0, |d| {
                d.template.spec.containers.iter().map(|c| effective_requests(c).cpu.unwrap_or_default().0).sum()
            });
            format!("{p}% ({}m)", u64::from(p) * request / 100)
        }
    };
    w.line(1, &format!("resource cpu on pods  (as a percentage of request):\t{current} / {}%", h.target_cpu_percent));
    w.line(0, &format!("Min replicas:\t{}", h.min_replicas));
    w.line(0, &format!("Max replicas:\t{}", h.max_replicas));
    w.line(
        0,
        &format!("Deployment pods:\t{} current / {} desired", h.status.current_replicas, h.status.desired_replicas),
    );
    if !h.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason\tMessage");
        w.line(1, "----\t------\t------\t-------");
        for (kind, status, reason, message) in &h.status.conditions {
            w.line(1, &format!("{kind}\t{status}\t{reason}\t{message}"));
        }
    }
}

/// (allowed disruptions, current healthy, desired healthy, expected pods).
pub fn pdb_status(cluster: &Cluster, p: &Pdb) -> (u32, u32, u32, u32) {
    let pods: Vec<_> = cluster
        .pods()
        .values()
        .filter(|x| {
            x.meta.namespace == p.meta.namespace
                && x.is_active()
                && !p.selector.is_empty()
                && crate::sim::objects::Selector::from_labels(&p.selector).matches(&x.meta.labels)
        })
        .collect();
    let expected = pods.len() as u32;
    let healthy = pods.iter().filter(|x| x.is_ready()).count() as u32;
    let desired = match (p.min_available, p.max_unavailable) {
        (Some(m), _) => m,
        (None, Some(u)) => expected.saturating_sub(u),
        (None, None) => 0,
    };
    (healthy.saturating_sub(desired), healthy, desired, expected)
}

pub fn pdb(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(p) = cluster.pdbs().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", p.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    if let Some(m) = p.min_available {
        w.line(0, &format!("Min available:\t{m}"));
    } else if let Some(m) = p.max_unavailable {
        w.line(0, &format!("Max unavailable:\t{m}"));
    }
    if p.selector.is_empty() {
        w.line(0, "Selector:\t<unset>");
    } else {
        w.line(0, &format!("Selector:\t{}", selector_text(&p.selector)));
    }
    let (allowed, current, desired, total) = pdb_status(cluster, p);
    w.line(0, "Status:");
    w.line(2, &format!("Allowed disruptions:\t{allowed}"));
    w.line(2, &format!("Current:\t{current}"));
    w.line(2, &format!("Desired:\t{desired}"));
    w.line(2, &format!("Total:\t{total}"));
}

fn find_role<'a>(cluster: &'a Cluster, kind: Kind, ns: &str, name: &str) -> Option<&'a Role> {
    let cluster_scoped = kind == Kind::ClusterRole;
    cluster
        .roles()
        .values()
        .find(|r| r.cluster == cluster_scoped && r.meta.name == name && (cluster_scoped || r.meta.namespace == ns))
}

pub fn role(cluster: &Cluster, kind: Kind, ns: &str, name: &str, w: &mut W) {
    let Some(r) = find_role(cluster, kind, ns, name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.labels("Labels", &r.meta.labels);
    w.annotations("Annotations", &r.meta.annotations);
    w.line(0, "PolicyRule:");
    w.line(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs");
    w.line(1, "---------\t-----------------\t--------------\t-----");
    // Broken down per resource and group, verbs merged, as kubectl compacts rules.
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for rule in &r.rules {
        let groups: Vec<&str> =
            if rule.api_groups.is_empty() { vec![""] } else { rule.api_groups.iter().map(String::as_str).collect() };
        for res in &rule.resources {
            for g in &groups {
                let combined = if g.is_empty() { res.clone() } else { format!("{res}.{g}") };
                let i = if let Some(i) = rows.iter().position(|(n, _)| *n == combined) {
                    i
                } else {
                    rows.push((combined, Vec::new()));
                    rows.len() - 1
                };
                let entry = &mut rows[i].1;
                for v in &rule.verbs {
                    if !entry.contains(v) {
                        entry.push(v.clone());
                    }
                }
            }
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (res, verbs) in rows {
        w.line(1, &format!("{res}\t[]\t[]\t[{}]", verbs.join(" ")));
    }
}

fn find_binding<'a>(cluster: &'a Cluster, kind: Kind, ns: &str, name: &str) -> Option<&'a RoleBinding> {
    let cluster_scoped = kind == Kind::ClusterRoleBinding;
    cluster
        .rolebindings()
        .values()
        .find(|r| r.cluster == cluster_scoped && r.meta.name == name && (cluster_scoped || r.meta.namespace == ns))
}

pub fn rolebinding(cluster: &Cluster, kind: Kind, ns: &str, name: &str, w: &mut W) {
    let Some(b) = find_binding(cluster, kind, ns, name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.labels("Labels", &b.meta.labels);
    w.annotations("Annotations", &b.meta.annotations);
    w.line(0, "Role:");
    w.line(1, &format!("Kind:\t{}", b.role.kind));
    w.line(1, &format!("Name:\t{}", b.role.name));
    w.line(0, "Subjects:");
    w.line(1, "Kind\tName\tNamespace");
    w.line(1, "----\t----\t---------");
    for s in &b.subjects {
        w.line(1, &format!("{}\t{}\t{}", s.kind, s.name, s.namespace.clone().unwrap_or_default()));
    }
}

pub fn webhook(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(cfg) = cluster.webhooks().get(name) else {
        return;
    };
    let kind = match cfg.kind {
        WebhookKind::Validating => "ValidatingWebhookConfiguration",
        WebhookKind::Mutating => "MutatingWebhookConfiguration",
    };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, "Namespace:\t");
    w.labels("Labels", &cfg.meta.labels);
    w.annotations("Annotations", &cfg.meta.annotations);
    w.line(0, "API Version:\tadmissionregistration.k8s.io/v1");
    w.line(0, &format!("Kind:\t{kind}"));
    w.line(0, "Metadata:");
    w.line(1, &format!("Creation Timestamp:\t{}", clock_rfc3339(cfg.meta.created)));
    w.line(1, &format!("Generation:\t{}", 1));
    w.line(0, "Webhooks:");
    for hook in &cfg.webhooks {
        let (svc_ns, svc_name) = hook.service.split_once('/').unwrap_or(("default", hook.service.as_str()));
        w.line(1, "Admission Review Versions:");
        w.line(2, "v1");
        w.line(1, "Client Config:");
        w.line(2, "Service:");
        w.line(3, &format!("Name:\t{svc_name}"));
        w.line(3, &format!("Namespace:\t{svc_ns}"));
        w.line(3, "Path:\t/");
        w.line(3, &format!("Port:\t{}", hook.port));
        w.line(1, &format!("Failure Policy:\t{}", hook.failure_policy.as_str()));
        w.line(1, "Match Policy:\tEquivalent");
        w.line(1, &format!("Name:\t{}", hook.name));
        w.line(1, "Namespace Selector:");
        if !hook.namespaces.is_empty() {
            w.line(2, "Match Expressions:");
            w.line(3, "Key:\tkubernetes.io/metadata.name");
            w.line(3, "Operator:\tIn");
            w.line(3, "Values:");
            for n in &hook.namespaces {
                w.line(4, n);
            }
        }
        w.line(1, "Object Selector:");
        w.line(1, "Rules:");
        w.line(2, "API Groups:");
        w.line(3, "*");
        w.line(2, "API Versions:");
        w.line(3, "*");
        w.line(2, "Operations:");
        w.line(3, "CREATE");
        w.line(3, "UPDATE");
        w.line(2, "Resources:");
        for r in &hook.resources {
            w.line(3, r);
        }
        w.line(2, "Scope:\t*");
        w.line(1, "Side Effects:\tNone");
        w.line(1, "Timeout Seconds:\t10");
    }
}

fn clock_rfc3339(t: i64) -> String {
    let c = clock::civil(t);
    format!("{}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second)
}
