//! Finding objects for `get`: listing a kind in a namespace, and `--field-selector`.

use serde_json::Value;

use super::{Item, jsonpath, msg};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::KubectlError;
use crate::sim::manifest::{event_name, to_manifest};
use crate::sim::objects::Labels;

/// Every object of a kind in a namespace (`None`: all namespaces), in kubectl's order.
pub fn list<'a>(cluster: &'a Cluster, kind: Kind, namespace: Option<&str>) -> Vec<Item<'a>> {
    let in_ns = |ns: &str| !kind.namespaced() || namespace.is_none_or(|n| n == ns);
    let mut out = Vec::with_capacity(if kind == Kind::Pod { cluster.pods().len() } else { 16 });
    let mut push = |m: &'a crate::sim::objects::Meta, pod: Option<&'a crate::sim::objects::Pod>| {
        if in_ns(&m.namespace) {
            out.push(Item {
                kind,
                namespace: if kind.namespaced() {
                    std::borrow::Cow::Borrowed(m.namespace.as_str())
                } else {
                    std::borrow::Cow::Borrowed("")
                },
                name: std::borrow::Cow::Borrowed(m.name.as_str()),
                labels: std::borrow::Cow::Borrowed(&m.labels),
                created: m.created,
                event: None,
                pod,
            });
        }
    };
    match kind {
        Kind::Pod => cluster.pods().values().for_each(|o| push(&o.meta, Some(o))),
        Kind::Deployment => cluster.deployments().values().for_each(|o| push(&o.meta, None)),
        Kind::ReplicaSet => cluster.replicasets().values().for_each(|o| push(&o.meta, None)),
        Kind::Service => cluster.services().values().for_each(|o| push(&o.meta, None)),
        Kind::Endpoints => cluster.endpoints().values().for_each(|o| push(&o.meta, None)),
        Kind::Node => cluster.nodes().values().for_each(|o| push(&o.meta, None)),
        Kind::Namespace => cluster.namespaces().values().for_each(|o| push(&o.meta, None)),
        Kind::ConfigMap => cluster.configmaps().values().for_each(|o| push(&o.meta, None)),
        Kind::Secret => cluster.secrets().values().for_each(|o| push(&o.meta, None)),
        Kind::Pvc => cluster.pvcs().values().for_each(|o| push(&o.meta, None)),
        Kind::Pv => cluster.pvs().values().for_each(|o| push(&o.meta, None)),
        Kind::StorageClass => cluster.storageclasses().values().for_each(|o| push(&o.meta, None)),
        Kind::IngressClass => cluster.ingressclasses().values().for_each(|o| push(&o.meta, None)),
        Kind::PriorityClass => cluster.priorityclasses().values().for_each(|o| push(&o.meta, None)),
        Kind::CustomResourceDefinition => cluster.crds().values().for_each(|o| push(&o.meta, None)),
        Kind::Ingress => cluster.ingresses().values().for_each(|o| push(&o.meta, None)),
        Kind::NetworkPolicy => cluster.netpols().values().for_each(|o| push(&o.meta, None)),
        Kind::Hpa => cluster.hpas().values().for_each(|o| push(&o.meta, None)),
        Kind::ResourceQuota => cluster.quotas().values().for_each(|o| push(&o.meta, None)),
        Kind::LimitRange => cluster.limitranges().values().for_each(|o| push(&o.meta, None)),
        Kind::Pdb => cluster.pdbs().values().for_each(|o| push(&o.meta, None)),
        Kind::DaemonSet => cluster.daemonsets().values().for_each(|o| push(&o.meta, None)),
        Kind::StatefulSet => cluster.statefulsets().values().for_each(|o| push(&o.meta, None)),
        Kind::Job => cluster.jobs().values().for_each(|o| push(&o.meta, None)),
        Kind::CronJob => cluster.cronjobs().values().for_each(|o| push(&o.meta, None)),
        Kind::ServiceAccount => cluster.serviceaccounts().values().for_each(|o| push(&o.meta, None)),
        Kind::Role | Kind::ClusterRole => {
            let want = kind == Kind::ClusterRole;
            cluster.roles().values().filter(|r| r.cluster == want).for_each(|o| push(&o.meta, None));
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let want = kind == Kind::ClusterRoleBinding;
            cluster.rolebindings().values().filter(|r| r.cluster == want).for_each(|o| push(&o.meta, None));
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let want = if kind == Kind::MutatingWebhook {
                crate::sim::objects::WebhookKind::Mutating
            } else {
                crate::sim::objects::WebhookKind::Validating
            };
            cluster.webhooks().values().filter(|w| w.kind == want).for_each(|o| push(&o.meta, None));
        }
        Kind::EndpointSlice => {
            let mut slices: Vec<Item> = crate::sim::endpoint_slice::all(cluster)
                .into_iter()
                .filter(|s| in_ns(&s.meta.namespace))
                .map(|s| Item {
                    kind,
                    namespace: std::borrow::Cow::Owned(s.meta.namespace),
                    name: std::borrow::Cow::Owned(s.meta.name),
                    labels: std::borrow::Cow::Owned(s.meta.labels),
                    created: s.meta.created,
                    event: None,
                    pod: None,
                })
                .collect();
            slices.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
            return slices;
        }
        Kind::Event => {
            let mut events: Vec<Item> = cluster
                .events
                .iter()
                .enumerate()
                .filter(|(_, e)| in_ns(&e.namespace))
                .filter_map(|(i, e)| {
                    Some(Item {
                        kind,
                        namespace: std::borrow::Cow::Borrowed(e.namespace.as_str()),
                        name: std::borrow::Cow::Owned(event_name(cluster, i)?),
                        labels: std::borrow::Cow::Owned(Labels::new()),
                        created: e.first,
                        event: Some(i),
                        pod: None,
                    })
                })
                .collect();
            events.sort_by_key(|i| i.event.and_then(|x| cluster.events.get(x)).map_or(0, |e| e.last));
            if namespace.is_none() {
                events.sort_by(|a, b| a.namespace.cmp(&b.namespace));
            }
            return events;
        }
    }
    // Cluster-scoped roles and bindings may sit under any key; show each name once.
    if !kind.namespaced() {
        out.dedup_by(|a, b| a.name == b.name);
    }
    out
}

/// `(field, equals, value)` terms of `--field-selector`.
pub fn parse_fields(text: &str) -> Result<Vec<(String, bool, String)>, KubectlError> {
    let mut out = Vec::new();
    for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let parsed = if let Some((k, v)) = term.split_once("!=") {
            (k, false, v)
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            (k, true, v)
        } else {
            return Err(msg(format!("error: invalid selector: '{text}'; can't understand '{term}'")));
        };
        out.push((parsed.0.trim().to_owned(), parsed.1, parsed.2.trim().to_owned()));
    }
    Ok(out)
}

pub fn check_fields(
    kind: Kind,
    fields: &[(String, bool, String)],
    labels: &str,
    text: &str,
) -> Result<(), KubectlError> {
    let extra: &[&str] = match kind {
        Kind::Pod => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        Kind::Event => &[
            "involvedObject.kind",
            "involvedObject.name",
            "involvedObject.namespace",
            "involvedObject.apiVersion",
            "reason",
            "type",
            "source",
            "reportingComponent",
        ],
        Kind::Node => &["spec.unschedulable"],
        Kind::Secret => &["type"],
        Kind::Namespace => &["status.phase"],
        Kind::ReplicaSet => &["status.replicas"],
        _ => &[],
    };
    for (f, _, _) in fields {
        if f != "metadata.name" && f != "metadata.namespace" && !extra.contains(&f.as_str()) {
            let version = kind.api_version();
            let gv = if version.contains('/') { version } else { format!("/{version}") };
            return Err(ApiError::BadRequest(format!(
                "Unable to find \"{gv}, Resource={}\" that match label selector \"{labels}\", field selector \"{text}\": field label not supported: {f}",
                kind.plural()
            ))
            .into());
        }
    }
    Ok(())
}

pub fn fields_match(cluster: &Cluster, item: &Item, fields: &[(String, bool, String)]) -> bool {
    if fields.is_empty() {
        return true;
    }
    let Some(m) = to_manifest(cluster, item.kind, &item.namespace, &item.name) else {
        return false;
    };
    fields.iter().all(|(f, eq, want)| {
        let pointer = format!("/{}", f.replace('.', "/"));
        let got = match m.pointer(&pointer) {
            None | Some(Value::Null) => String::new(),
            Some(v) => jsonpath::text(v),
        };
        let got = if f == "spec.unschedulable" && got.is_empty() { "false".to_owned() } else { got };
        (got == *want) == *eq
    })
}
