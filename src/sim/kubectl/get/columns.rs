//! The columns `kubectl get` prints for each kind, in kubectl 1.31's order and formats.

mod workloads;

use super::Item;
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::table::age;
use crate::sim::manifest::{node_port, timestamp};
use crate::sim::objects::{ContainerState, Labels, Pod, ServiceType};

/// Column headers for a kind (`wide` adds the `-o wide` ones).
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => {
            (&["NAME", "READY", "STATUS", "RESTARTS", "AGE"], &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"])
        }
        Kind::Deployment => {
            (&["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"])
        }
        Kind::ReplicaSet => (&["NAME", "DESIRED", "CURRENT", "READY", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        Kind::Service => (&["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], &["SELECTOR"]),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::EndpointSlice => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        ),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        Kind::Pvc => (
            &["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
            &["VOLUMEMODE"],
        ),
        Kind::Pv => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::StorageClass => {
            (&["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], &[])
        }
        Kind::Ingress => (&["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], &[]),
        Kind::IngressClass => (&["NAME", "CONTROLLER", "PARAMETERS", "AGE"], &[]),
        Kind::PriorityClass => (&["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"], &[]),
        Kind::NetworkPolicy => (&["NAME", "POD-SELECTOR", "AGE"], &[]),
        Kind::Hpa => (&["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], &[]),
        Kind::ResourceQuota => (&["NAME", "AGE", "REQUEST", "LIMIT"], &[]),
        Kind::LimitRange | Kind::Role | Kind::ClusterRole | Kind::CustomResourceDefinition => {
            (&["NAME", "CREATED AT"], &[])
        }
        Kind::Pdb => (&["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], &[]),
        Kind::Event => (
            &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            &["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"],
        ),
        Kind::ServiceAccount => (&["NAME", "SECRETS", "AGE"], &[]),
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            (&["NAME", "ROLE", "AGE"], &["USERS", "GROUPS", "SERVICEACCOUNTS"])
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => (&["NAME", "WEBHOOKS", "AGE"], &[]),
        Kind::DaemonSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::Job => (&["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], &["CONTAINERS", "IMAGES", "SELECTOR"]),
        Kind::CronJob => (
            &["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
    };
    let mut out = base.to_vec();
    if wide {
        if kind == Kind::Event {
            // Wide events put SUBOBJECT and SOURCE before MESSAGE.
            out = vec![
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ];
        } else {
            out.extend_from_slice(extra);
        }
    }
    out
}

pub(super) fn or_none(s: String) -> String {
    if s.is_empty() { "<none>".to_owned() } else { s }
}

pub fn selector_text(l: &Labels) -> String {
    l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn restarts(p: &Pod, now: i64) -> String {
    let n = p.restarts();
    let last = p
        .status
        .containers
        .iter()
        .filter_map(|c| match &c.last_state {
            Some(ContainerState::Terminated { finished_at, .. }) => Some(*finished_at),
            _ => None,
        })
        .max();
    match last {
        Some(t) if n > 0 => format!("{n} ({} ago)", age(now - t)),
        _ => n.to_string(),
    }
}

fn access(mode: &str) -> &str {
    match mode {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        other => other,
    }
}

/// One table row (without NAMESPACE or LABELS, which the caller adds).
pub fn row(cluster: &Cluster, item: &Item, wide: bool) -> Vec<String> {
    let now = cluster.now;
    let id = || key(&item.namespace, &item.name);
    let name = item.name.to_string();
    let age_s = age(now - item.created);
    let mut r: Vec<String> = match item.kind {
        Kind::Pod => {
            let Some(p) = item.pod.or_else(|| cluster.pods().get(&id())) else {
                return vec![name];
            };
            let mut r = vec![
                name,
                format!("{}/{}", p.ready_count(), p.spec.containers.len()),
                p.status_text(now),
                restarts(p, now),
                age_s,
            ];
            if wide {
                r.push(p.status.pod_ip.clone().unwrap_or_else(|| "<none>".to_owned()));
                r.push(
                    p.status.node.clone().or_else(|| p.spec.node_name.clone()).unwrap_or_else(|| "<none>".to_owned()),
                );
                r.push("<none>".to_owned());
                r.push("<none>".to_owned());
            }
            r
        }
        Kind::Deployment => {
            let Some(d) = cluster.deployments().get(&id()) else {
                return vec![name];
            };
            let s = &d.status;
            let mut r = vec![
                name,
                format!("{}/{}", s.ready, d.replicas),
                s.updated.to_string(),
                s.available.to_string(),
                age_s,
            ];
            if wide {
                let c = &d.template.spec.containers;
                r.push(c.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","));
                r.push(c.iter().map(|c| c.image.as_str()).collect::<Vec<_>>().join(","));
                r.push(or_none(selector_text(&d.selector)));
            }
            r
        }
        Kind::ReplicaSet => {
            let Some(rs) = cluster.replicasets().get(&id()) else {
                return vec![name];
            };
            let mut r = vec![name, rs.replicas.to_string(), rs.current.to_string(), rs.ready.to_string(), age_s];
            if wide {
                let c = &rs.template.spec.containers;
                r.push(c.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","));
                r.push(c.iter().map(|c| c.image.as_str()).collect::<Vec<_>>().join(","));
                r.push(or_none(selector_text(&rs.selector)));
            }
            r
        }
        Kind::Service => {
            let Some(s) = cluster.services().get(&id()) else {
                return vec![name];
            };
            let ports = s
                .ports
                .iter()
                .enumerate()
                .map(|(i, p)| match s.kind {
                    ServiceType::ClusterIP => format!("{}/{}", p.port, p.protocol),
                    _ => format!("{}:{}/{}", p.port, node_port(s.meta.uid, i), p.protocol),
                })
                .collect::<Vec<_>>()
                .join(",");
            let external = if s.kind == ServiceType::LoadBalancer { "<pending>" } else { "<none>" };
            let ip = if s.cluster_ip.is_empty() { "<none>".to_owned() } else { s.cluster_ip.clone() };
            let mut r = vec![name, s.kind.as_str().to_owned(), ip, external.to_owned(), or_none(ports), age_s];
            if wide {
                r.push(or_none(selector_text(&s.selector)));
            }
            r
        }
        Kind::Endpoints => {
            let Some(e) = cluster.endpoints().get(&id()) else {
                return vec![name];
            };
            vec![name, endpoints_text(e), age_s]
        }
        Kind::EndpointSlice => {
            let Some(s) = crate::sim::endpoint_slice::find(cluster, &item.namespace, &item.name) else {
                return vec![name];
            };
            vec![name, "IPv4".to_owned(), slice_ports_text(&s), slice_endpoints_text(&s), age_s]
        }
        Kind::Node => {
            let Some(n) = cluster.nodes().get(item.name.as_ref()) else {
                return vec![name];
            };
            let mut status = match n.condition("Ready") {
                None => "Unknown".to_owned(),
                Some(c) if c.status == "True" => "Ready".to_owned(),
                Some(_) => "NotReady".to_owned(),
            };
            if n.unschedulable {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<&str> = n
                .meta
                .labels
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("node-role.kubernetes.io/")
                        .or_else(|| (k == "kubernetes.io/role").then_some(v.as_str()))
                })
                .filter(|r| !r.is_empty())
                .collect();
            let mut r = vec![name, status, or_none(roles.join(",")), age_s, n.kubelet_version.clone()];
            if wide {
                use crate::sim::objects::NodeInfo;
                r.push(or_none(n.internal_ip.clone()));
                r.extend(
                    ["<none>", NodeInfo::OS_IMAGE, NodeInfo::KERNEL_VERSION, NodeInfo::CONTAINER_RUNTIME]
                        .map(str::to_owned),
                );
            }
            r
        }
        Kind::Namespace => {
            let Some(n) = cluster.namespaces().get(item.name.as_ref()) else {
                return vec![name];
            };
            let status = if n.meta.deleted.is_some() { "Terminating" } else { "Active" };
            vec![name, status.to_owned(), age_s]
        }
        Kind::ConfigMap => {
            let n = cluster.configmaps().get(&id()).map_or(0, |c| c.data.len());
            vec![name, n.to_string(), age_s]
        }
        Kind::Secret => {
            let Some(s) = cluster.secrets().get(&id()) else {
                return vec![name];
            };
            vec![name, s.kind.clone(), s.data.len().to_string(), age_s]
        }
        Kind::Pvc => {
            let Some(p) = cluster.pvcs().get(&id()) else {
                return vec![name];
            };
            let bound = p.phase == crate::sim::objects::PvcPhase::Bound;
            let mut r = vec![
                name,
                p.phase.as_str().to_owned(),
                p.volume.clone().unwrap_or_default(),
                if bound { p.size.to_string() } else { String::new() },
                if bound { access(&p.access_mode).to_owned() } else { String::new() },
                p.storage_class.clone().unwrap_or_default(),
                "<unset>".to_owned(),
                age_s,
            ];
            if wide {
                r.push("Filesystem".to_owned());
            }
            r
        }
        Kind::Pv => {
            let Some(v) = cluster.pvs().get(item.name.as_ref()) else {
                return vec![name];
            };
            let mut r = vec![
                name,
                v.size.to_string(),
                access(&v.access_mode).to_owned(),
                v.reclaim_policy.clone(),
                crate::sim::manifest::pv_phase(v).to_owned(),
                v.claim.clone().unwrap_or_default(),
                v.storage_class.clone().unwrap_or_default(),
                "<unset>".to_owned(),
                String::new(),
                age_s,
            ];
            if wide {
                r.push("Filesystem".to_owned());
            }
            r
        }
        Kind::StorageClass => {
            let Some(s) = cluster.storageclasses().get(item.name.as_ref()) else {
                return vec![name];
            };
            let shown = if s.is_default { format!("{name} (default)") } else { name };
            vec![
                shown,
                s.provisioner.clone(),
                s.reclaim_policy.clone(),
                s.volume_binding_mode.as_str().to_owned(),
                "false".to_owned(),
                age_s,
            ]
        }
        Kind::Ingress => {
            let Some(i) = cluster.ingresses().get(&id()) else {
                return vec![name];
            };
            let hosts: Vec<&str> =
                i.rules.iter().map(|r| if r.host.is_empty() { "*" } else { r.host.as_str() }).collect();
            let address = if crate::sim::ingress_class::served(cluster, i) {
                crate::sim::network::ingress_address(cluster).unwrap_or_default()
            } else {
                String::new()
            };
            let ports = if i.tls.is_empty() { "80" } else { "80, 443" };
            vec![name, or_none(i.class.clone()), or_none(hosts.join(",")), address, ports.to_owned(), age_s]
        }
        Kind::IngressClass => {
            let Some(c) = cluster.ingressclasses().get(item.name.as_ref()) else {
                return vec![name];
            };
            vec![name, c.controller.clone(), "<none>".to_owned(), age_s]
        }
        Kind::PriorityClass => {
            let Some(c) = cluster.priorityclasses().get(item.name.as_ref()) else {
                return vec![name];
            };
            vec![
                name,
                c.value.to_string(),
                c.global_default.to_string(),
                age_s,
                c.preemption_policy.as_str().to_owned(),
            ]
        }
        Kind::NetworkPolicy => {
            let Some(p) = cluster.netpols().get(&id()) else {
                return vec![name];
            };
            vec![name, p.pod_selector().format_label_selector(), age_s]
        }
        Kind::Hpa => {
            let Some(h) = cluster.hpas().get(&id()) else {
                return vec![name];
            };
            let current = h.status.current_cpu_percent.map_or_else(|| "<unknown>".to_owned(), |c| format!("{c}%"));
            vec![
                name,
                format!("Deployment/{}", h.target),
                format!("cpu: {current}/{}%", h.target_cpu_percent),
                h.min_replicas.to_string(),
                h.max_replicas.to_string(),
                h.status.current_replicas.to_string(),
                age_s,
            ]
        }
        Kind::ResourceQuota => {
            let Some(q) = cluster.quotas().get(&id()) else {
                return vec![name];
            };
            let usage = crate::sim::manifest::quota_usage(cluster, q);
            let part = |limits: bool| {
                usage
                    .iter()
                    .filter(|(r, _, _)| r.starts_with("limits.") == limits)
                    .map(|(r, h, u)| format!("{r}: {u}/{h}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            vec![name, age_s, part(false), part(true)]
        }
        Kind::LimitRange | Kind::Role | Kind::ClusterRole | Kind::CustomResourceDefinition => {
            vec![name, timestamp(item.created)]
        }
        Kind::Pdb => {
            let Some(p) = cluster.pdbs().get(&id()) else {
                return vec![name];
            };
            let (_, _, _, allowed) = crate::sim::manifest::pdb_status(cluster, p);
            let na = |v: Option<u32>| v.map_or_else(|| "N/A".to_owned(), |n| n.to_string());
            vec![name, na(p.min_available), na(p.max_unavailable), allowed.to_string(), age_s]
        }
        Kind::Event => {
            let Some(e) = item.event.and_then(|i| cluster.events.get(i)) else {
                return vec![name];
            };
            let object = format!("{}/{}", e.kind.to_ascii_lowercase(), e.name);
            let ty = if e.warning { "Warning" } else { "Normal" };
            let last = age(now - e.last);
            if wide {
                vec![
                    last,
                    ty.to_owned(),
                    e.reason.clone(),
                    object,
                    String::new(),
                    e.source.clone(),
                    e.message.clone(),
                    age(now - e.first),
                    e.count.to_string(),
                    name,
                ]
            } else {
                vec![last, ty.to_owned(), e.reason.clone(), object, e.message.clone()]
            }
        }
        Kind::ServiceAccount => vec![name, "0".to_owned(), age_s],
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let want_cluster = item.kind == Kind::ClusterRoleBinding;
            let Some(b) = cluster.rolebindings().values().find(|b| {
                b.cluster == want_cluster
                    && b.meta.name == item.name
                    && (want_cluster || b.meta.namespace == item.namespace)
            }) else {
                return vec![name];
            };
            let mut r = vec![name, format!("{}/{}", b.role.kind, b.role.name), age_s];
            if wide {
                let of = |kind: &str| {
                    b.subjects
                        .iter()
                        .filter(|s| s.kind == kind)
                        .map(|s| match (&s.namespace, kind) {
                            (Some(ns), "ServiceAccount") => format!("{ns}/{}", s.name),
                            _ => s.name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                r.extend([of("User"), of("Group"), of("ServiceAccount")]);
            }
            r
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let n = cluster.webhooks().get(item.name.as_ref()).map_or(0, |w| w.webhooks.len());
            vec![name, n.to_string(), age_s]
        }
        Kind::DaemonSet | Kind::StatefulSet | Kind::Job | Kind::CronJob => {
            workloads::row(cluster, item.kind, &id(), age_s, wide).unwrap_or_else(|| vec![name])
        }
    };
    r.truncate(headers(item.kind, wide).len());
    r
}

/// The ENDPOINTS column: `ip:port` for ready addresses, at most three, then `+ N more...`.
fn endpoints_text(e: &crate::sim::objects::Endpoints) -> String {
    if e.ready.is_empty() && e.not_ready.is_empty() {
        return "<none>".to_owned();
    }
    let mut list = Vec::new();
    let mut count = 0;
    let mut add = |s: String| {
        if list.len() < 3 {
            list.push(s);
        }
        count += 1;
    };
    if e.ports.is_empty() {
        e.ready.iter().for_each(|a| add(a.ip.clone()));
    } else {
        for (_, port) in &e.ports {
            e.ready.iter().for_each(|a| add(format!("{}:{port}", a.ip)));
        }
    }
    let shown = list.join(",");
    if count > 3 { format!("{shown} + {} more...", count - 3) } else { shown }
}

/// kubectl's `listWithMoreString`: at most three items, then `+ N more...`; `<unset>` for none.
fn at_most_three(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    match all.len() {
        0 => "<unset>".to_owned(),
        n if n > 3 => format!("{} + {} more...", all[..3].join(","), n - 3),
        _ => all.join(","),
    }
}

/// The PORTS column of an `EndpointSlice`: port numbers; a placeholder slice has `<unset>`.
fn slice_ports_text(s: &crate::sim::endpoint_slice::Slice<'_>) -> String {
    at_most_three(s.ports().iter().map(|(_, p)| p.to_string()))
}

/// The ENDPOINTS column of an `EndpointSlice`: every address, ready or not (unlike Endpoints).
fn slice_endpoints_text(s: &crate::sim::endpoint_slice::Slice<'_>) -> String {
    at_most_three(s.addresses().map(|(a, _)| a.ip.clone()))
}
