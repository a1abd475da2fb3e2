//! Autoscalers, quotas, limit ranges, disruption budgets, events, service accounts, RBAC and
//! admission webhooks as manifests, and back. Also the figures `get` shows for quotas and
//! disruption budgets, computed once here so the table and the manifest agree.

use serde_json::{Value, json};

use super::read::{self, Bad, R, field, index, join};
use super::{event_name, labels, meta, nonempty, timestamp, uid};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{
    FailurePolicy, Pdb, PolicyRuleSpec, ResourceQuota, Role, RoleBinding, RoleRef, Selector, Subject, Webhook,
    WebhookConfiguration, WebhookKind,
};

/// Quota lines as (resource, hard, used), sorted by resource name like the API.
pub fn quota_usage(cluster: &Cluster, q: &ResourceQuota) -> Vec<(String, String, String)> {
    let pods: Vec<_> =
        cluster.pods().values().filter(|p| p.meta.namespace == q.meta.namespace && p.is_active()).collect();
    let req = pods.iter().fold((0, 0), |(c, m), p| {
        let (pc, pm) = p.requests();
        (c + pc.0, m + pm.0)
    });
    let lim = pods.iter().fold((0, 0), |(c, m), p| {
        let (pc, pm) = p.spec.limits();
        (c + pc.0, m + pm.0)
    });
    let cpu = |v: u64| crate::sim::quantity::Millicores(v).to_string();
    let mem = |v: u64| {
        if v == 0 { "0".to_owned() } else { crate::sim::quantity::Mebibytes(v).to_string() }
    };
    let mut out = Vec::new();
    if let Some(h) = q.limits_cpu {
        out.push(("limits.cpu".to_owned(), h.to_string(), cpu(lim.0)));
    }
    if let Some(h) = q.limits_memory {
        out.push(("limits.memory".to_owned(), h.to_string(), mem(lim.1)));
    }
    if let Some(h) = q.pods {
        out.push(("pods".to_owned(), h.to_string(), pods.len().to_string()));
    }
    if let Some(h) = q.requests_cpu {
        out.push(("requests.cpu".to_owned(), h.to_string(), cpu(req.0)));
    }
    if let Some(h) = q.requests_memory {
        out.push(("requests.memory".to_owned(), h.to_string(), mem(req.1)));
    }
    out
}

/// A disruption budget's (expected pods, healthy pods, desired healthy, allowed disruptions).
pub fn pdb_status(cluster: &Cluster, p: &Pdb) -> (u32, u32, u32, u32) {
    let sel = Selector::from_labels(&p.selector);
    let matching: Vec<_> = cluster
        .pods()
        .values()
        .filter(|x| x.meta.namespace == p.meta.namespace && x.is_active() && sel.matches(&x.meta.labels))
        .collect();
    let expected = matching.len() as u32;
    let healthy = matching.iter().filter(|x| x.is_ready()).count() as u32;
    let desired = match (p.min_available, p.max_unavailable) {
        (Some(min), _) => min,
        (None, Some(max)) => expected.saturating_sub(max),
        (None, None) => expected,
    };
    (expected, healthy, desired, healthy.saturating_sub(desired))
}

fn find_role<'a>(cluster: &'a Cluster, cluster_scoped: bool, ns: &str, name: &str) -> Option<&'a Role> {
    if cluster_scoped {
        cluster.roles().values().find(|r| r.cluster && r.meta.name == name)
    } else {
        cluster.roles().get(&key(ns, name)).filter(|r| !r.cluster)
    }
}

fn find_binding<'a>(cluster: &'a Cluster, cluster_scoped: bool, ns: &str, name: &str) -> Option<&'a RoleBinding> {
    if cluster_scoped {
        cluster.rolebindings().values().find(|r| r.cluster && r.meta.name == name)
    } else {
        cluster.rolebindings().get(&key(ns, name)).filter(|r| !r.cluster)
    }
}

fn find_webhook<'a>(cluster: &'a Cluster, kind: Kind, name: &str) -> Option<&'a WebhookConfiguration> {
    let want = if kind == Kind::MutatingWebhook { WebhookKind::Mutating } else { WebhookKind::Validating };
    cluster.webhooks().get(name).filter(|w| w.kind == want)
}

fn rule(r: &PolicyRuleSpec) -> Value {
    let groups = if r.api_groups.is_empty() { vec![String::new()] } else { r.api_groups.clone() };
    json!({"apiGroups": groups, "resources": r.resources, "verbs": r.verbs})
}

pub fn emit(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Option<Value> {
    let id = key(ns, name);
    match kind {
        Kind::Hpa => {
            let h = cluster.hpas().get(&id)?;
            let s = &h.status;
            let conditions: Vec<Value> = s
                .conditions
                .iter()
                .map(|(t, st, reason, message)| json!({"type": t, "status": st, "reason": reason, "message": message, "lastTransitionTime": timestamp(h.meta.created)}))
                .collect();
            Some(json!({
                "metadata": meta(cluster, kind, &h.meta),
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": h.target},
                    "minReplicas": h.min_replicas,
                    "maxReplicas": h.max_replicas,
                    "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": h.target_cpu_percent}}}],
                },
                "status": {
                    "currentReplicas": s.current_replicas,
                    "desiredReplicas": s.desired_replicas,
                    "currentMetrics": s.current_cpu_percent.map(|c| json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}}])),
                    "lastScaleTime": s.last_scale.map(timestamp),
                    "conditions": nonempty(conditions),
                },
            }))
        }
        Kind::ResourceQuota => {
            let q = cluster.quotas().get(&id)?;
            let usage = quota_usage(cluster, q);
            let hard: serde_json::Map<String, Value> = usage.iter().map(|(r, h, _)| (r.clone(), json!(h))).collect();
            let used: serde_json::Map<String, Value> = usage.iter().map(|(r, _, u)| (r.clone(), json!(u))).collect();
            Some(json!({
                "metadata": meta(cluster, kind, &q.meta),
                "spec": {"hard": hard},
                "status": {"hard": hard, "used": used},
            }))
        }
        Kind::LimitRange => {
            let l = cluster.limitranges().get(&id)?;
            let pair = |c: Option<crate::sim::quantity::Millicores>, m: Option<crate::sim::quantity::Mebibytes>| {
                if c.is_none() && m.is_none() {
                    Value::Null
                } else {
                    json!({"cpu": c.map(|q| q.to_string()), "memory": m.map(|q| q.to_string())})
                }
            };
            Some(json!({
                "metadata": meta(cluster, kind, &l.meta),
                "spec": {"limits": [{
                    "type": "Container",
                    "default": pair(l.default_cpu, l.default_memory),
                    "defaultRequest": pair(l.default_request_cpu, l.default_request_memory),
                    "max": pair(None, l.max_memory),
                }]},
            }))
        }
        Kind::Pdb => {
            let p = cluster.pdbs().get(&id)?;
            let (expected, healthy, desired, allowed) = pdb_status(cluster, p);
            Some(json!({
                "metadata": meta(cluster, kind, &p.meta),
                "spec": {"selector": {"matchLabels": labels(&p.selector)}, "minAvailable": p.min_available, "maxUnavailable": p.max_unavailable},
                "status": {"currentHealthy": healthy, "desiredHealthy": desired, "disruptionsAllowed": allowed, "expectedPods": expected, "observedGeneration": 1},
            }))
        }
        Kind::Event => {
            let (i, e) = cluster
                .events
                .iter()
                .enumerate()
                .find(|(i, e)| e.namespace == ns && event_name(cluster, *i).as_deref() == Some(name))?;
            Some(json!({
                "metadata": {
                    "name": name, "namespace": ns, "uid": uid(1_000_000 + i as u64),
                    "resourceVersion": (500 + i).to_string(), "creationTimestamp": timestamp(e.first),
                },
                "involvedObject": {"kind": e.kind, "name": e.name, "namespace": e.namespace, "apiVersion": if matches!(e.kind.as_str(), "Deployment" | "ReplicaSet") { "apps/v1" } else { "v1" }},
                "reason": e.reason,
                "message": e.message,
                "type": if e.warning { "Warning" } else { "Normal" },
                "count": e.count,
                "firstTimestamp": timestamp(e.first),
                "lastTimestamp": timestamp(e.last),
                "source": {"component": e.source},
                "reportingComponent": e.source,
                "reportingInstance": "",
                "eventTime": Value::Null,
            }))
        }
        Kind::ServiceAccount => {
            let s = cluster.serviceaccounts().get(&id)?;
            Some(json!({
                "metadata": meta(cluster, kind, &s.meta),
                "imagePullSecrets": nonempty(s.image_pull_secrets.iter().map(|n| json!({"name": n})).collect()),
            }))
        }
        Kind::Role | Kind::ClusterRole => {
            let r = find_role(cluster, kind == Kind::ClusterRole, ns, name)?;
            Some(
                json!({"metadata": meta(cluster, kind, &r.meta), "rules": r.rules.iter().map(rule).collect::<Vec<_>>()}),
            )
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let b = find_binding(cluster, kind == Kind::ClusterRoleBinding, ns, name)?;
            let subjects: Vec<Value> = b
                .subjects
                .iter()
                .map(|s| {
                    json!({
                        "kind": s.kind,
                        "name": s.name,
                        "namespace": s.namespace,
                        "apiGroup": if s.kind == "ServiceAccount" { None } else { Some("rbac.authorization.k8s.io") },
                    })
                })
                .collect();
            Some(json!({
                "metadata": meta(cluster, kind, &b.meta),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": b.role.kind, "name": b.role.name},
                "subjects": nonempty(subjects),
            }))
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let w = find_webhook(cluster, kind, name)?;
            Some(
                json!({"metadata": meta(cluster, kind, &w.meta), "webhooks": w.webhooks.iter().map(webhook).collect::<Vec<_>>()}),
            )
        }
        _ => None,
    }
}

fn webhook(w: &Webhook) -> Value {
    let (sns, sname) = w.service.split_once('/').unwrap_or(("default", &w.service));
    let ns_selector = if w.namespaces.is_empty() {
        json!({})
    } else {
        json!({"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": w.namespaces}]})
    };
    json!({
        "name": w.name,
        "clientConfig": {"service": {"namespace": sns, "name": sname, "port": w.port, "path": "/validate"}},
        "failurePolicy": w.failure_policy.as_str(),
        "rules": [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["CREATE", "UPDATE"], "resources": w.resources, "scope": "*"}],
        "namespaceSelector": ns_selector,
        "sideEffects": "None",
        "admissionReviewVersions": ["v1"],
        "timeoutSeconds": 10,
        "matchPolicy": "Equivalent",
    })
}

pub fn write(cluster: &mut Cluster, kind: Kind, ns: &str, name: &str, m: &Value) -> R<()> {
    let id = key(ns, name);
    let spec = read::obj(m, "spec", "")?;
    match kind {
        Kind::Hpa => {
            let Some(old) = cluster.hpas().get(&id) else {
                return Ok(());
            };
            let mut h = old.clone();
            h.meta = read::meta(m, &old.meta, &[])?;
            h.min_replicas = read::opt_u32(spec, "minReplicas", "spec")?.unwrap_or(1);
            h.max_replicas =
                read::opt_u32(spec, "maxReplicas", "spec")?.ok_or_else(|| Bad::required("spec.maxReplicas"))?;
            if h.min_replicas < 1 {
                return Err(Bad::invalid(
                    "spec.minReplicas",
                    &json!(h.min_replicas),
                    "must be greater than or equal to 1",
                ));
            }
            if h.max_replicas < h.min_replicas {
                return Err(Bad::invalid(
                    "spec.maxReplicas",
                    &json!(h.max_replicas),
                    "must be greater than or equal to `minReplicas`",
                ));
            }
            let target = read::obj(spec, "scaleTargetRef", "spec")?;
            h.target = read::req_str(target, "name", "spec.scaleTargetRef")?;
            let metrics = read::list(spec, "metrics", "spec")?;
            if let Some(first) = metrics.first() {
                let p = "spec.metrics[0].resource.target";
                let t =
                    read::obj(read::obj(first, "resource", "spec.metrics[0]")?, "target", "spec.metrics[0].resource")?;
                h.target_cpu_percent = read::opt_u32(t, "averageUtilization", p)?
                    .ok_or_else(|| Bad::required(&join(p, "averageUtilization")))?;
            }
            cluster.hpas_mut().insert(id, h);
        }
        Kind::ResourceQuota => {
            let Some(old) = cluster.quotas().get(&id) else {
                return Ok(());
            };
            let mut q = old.clone();
            q.meta = read::meta(m, &old.meta, &[])?;
            let hard = read::obj(spec, "hard", "spec")?;
            let p = "spec.hard";
            q.pods = match field(hard, "pods") {
                Some(Value::String(s)) => {
                    Some(s.parse().map_err(|_| Bad::invalid("spec.hard.pods", &json!(s), "must be an integer"))?)
                }
                _ => read::opt_u32(hard, "pods", p)?,
            };
            q.requests_cpu = read::cpu(hard, "requests.cpu", p)?.or(read::cpu(hard, "cpu", p)?);
            q.requests_memory = read::memory(hard, "requests.memory", p)?.or(read::memory(hard, "memory", p)?);
            q.limits_cpu = read::cpu(hard, "limits.cpu", p)?;
            q.limits_memory = read::memory(hard, "limits.memory", p)?;
            cluster.quotas_mut().insert(id, q);
        }
        Kind::LimitRange => {
            let Some(old) = cluster.limitranges().get(&id) else {
                return Ok(());
            };
            let mut l = old.clone();
            l.meta = read::meta(m, &old.meta, &[])?;
            let limits = read::list(spec, "limits", "spec")?;
            let item = limits.first().copied().unwrap_or(&Value::Null);
            let p = "spec.limits[0]";
            let d = read::obj(item, "default", p)?;
            let dr = read::obj(item, "defaultRequest", p)?;
            let max = read::obj(item, "max", p)?;
            l.default_cpu = read::cpu(d, "cpu", &join(p, "default"))?;
            l.default_memory = read::memory(d, "memory", &join(p, "default"))?;
            l.default_request_cpu = read::cpu(dr, "cpu", &join(p, "defaultRequest"))?;
            l.default_request_memory = read::memory(dr, "memory", &join(p, "defaultRequest"))?;
            l.max_memory = read::memory(max, "memory", &join(p, "max"))?;
            cluster.limitranges_mut().insert(id, l);
        }
        Kind::Pdb => {
            let Some(old) = cluster.pdbs().get(&id) else {
                return Ok(());
            };
            let mut p = old.clone();
            p.meta = read::meta(m, &old.meta, &[])?;
            p.selector = read::match_labels(spec, "selector", "spec")?;
            p.min_available = read::opt_u32(spec, "minAvailable", "spec")?;
            p.max_unavailable = read::opt_u32(spec, "maxUnavailable", "spec")?;
            if p.min_available.is_some() && p.max_unavailable.is_some() {
                return Err(Bad::invalid(
                    "spec",
                    &json!(p.min_available),
                    "minAvailable and maxUnavailable cannot be both set",
                ));
            }
            cluster.pdbs_mut().insert(id, p);
        }
        Kind::ServiceAccount => {
            let Some(old) = cluster.serviceaccounts().get(&id) else {
                return Ok(());
            };
            let mut s = old.clone();
            s.meta = read::meta(m, &old.meta, &[])?;
            s.image_pull_secrets = read::list(m, "imagePullSecrets", "")?
                .into_iter()
                .enumerate()
                .map(|(i, x)| read::req_str(x, "name", &index("imagePullSecrets", i)))
                .collect::<R<Vec<_>>>()?;
            cluster.serviceaccounts_mut().insert(id, s);
        }
        Kind::Role | Kind::ClusterRole => {
            let scoped = kind == Kind::ClusterRole;
            let Some(old) = find_role(cluster, scoped, ns, name) else {
                return Ok(());
            };
            let mut r = old.clone();
            r.meta = read::meta(m, &old.meta, &[])?;
            r.rules = read::list(m, "rules", "")?
                .into_iter()
                .enumerate()
                .map(|(i, x)| {
                    let p = index("rules", i);
                    Ok(PolicyRuleSpec {
                        verbs: read::str_list(x, "verbs", &p)?,
                        resources: read::str_list(x, "resources", &p)?,
                        api_groups: read::str_list(x, "apiGroups", &p)?.into_iter().filter(|g| !g.is_empty()).collect(),
                    })
                })
                .collect::<R<Vec<_>>>()?;
            let store_key = r.meta.key();
            let slot = cluster
                .roles_mut()
                .iter_mut()
                .find(|(sk, v)| v.cluster == scoped && v.meta.name == name && (scoped || **sk == store_key));
            if let Some((_, v)) = slot {
                *v = r;
            }
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let scoped = kind == Kind::ClusterRoleBinding;
            let Some(old) = find_binding(cluster, scoped, ns, name) else {
                return Ok(());
            };
            let mut b = old.clone();
            b.meta = read::meta(m, &old.meta, &[])?;
            let rr = read::obj(m, "roleRef", "")?;
            let role =
                RoleRef { kind: read::req_str(rr, "kind", "roleRef")?, name: read::req_str(rr, "name", "roleRef")? };
            if role != old.role {
                return Err(Bad::invalid(
                    "roleRef",
                    &json!({"kind": role.kind, "name": role.name}),
                    "cannot change roleRef",
                ));
            }
            b.subjects = read::list(m, "subjects", "")?
                .into_iter()
                .enumerate()
                .map(|(i, x)| {
                    let p = index("subjects", i);
                    Ok(Subject {
                        kind: read::req_str(x, "kind", &p)?,
                        name: read::req_str(x, "name", &p)?,
                        namespace: read::opt_str(x, "namespace", &p)?,
                    })
                })
                .collect::<R<Vec<_>>>()?;
            let store_key = b.meta.key();
            let slot = cluster
                .rolebindings_mut()
                .iter_mut()
                .find(|(sk, v)| v.cluster == scoped && v.meta.name == name && (scoped || **sk == store_key));
            if let Some((_, v)) = slot {
                *v = b;
            }
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let Some(old) = find_webhook(cluster, kind, name) else {
                return Ok(());
            };
            let mut w = old.clone();
            w.meta = read::meta(m, &old.meta, &[])?;
            w.webhooks = read::list(m, "webhooks", "")?
                .into_iter()
                .enumerate()
                .map(|(i, x)| read_webhook(x, &index("webhooks", i), old))
                .collect::<R<Vec<_>>>()?;
            cluster.webhooks_mut().insert(name.to_owned(), w);
        }
        _ => {}
    }
    Ok(())
}

fn read_webhook(x: &Value, path: &str, old: &WebhookConfiguration) -> R<Webhook> {
    let name = read::req_str(x, "name", path)?;
    let prior = old.webhooks.iter().find(|w| w.name == name);
    let svc = read::obj(read::obj(x, "clientConfig", path)?, "service", &join(path, "clientConfig"))?;
    let sp = join(path, "clientConfig.service");
    let service = format!(
        "{}/{}",
        read::opt_str(svc, "namespace", &sp)?.unwrap_or_else(|| "default".to_owned()),
        read::req_str(svc, "name", &sp)?
    );
    let failure_policy = match read::opt_str(x, "failurePolicy", path)?.as_deref() {
        None | Some("Fail") => FailurePolicy::Fail,
        Some("Ignore") => FailurePolicy::Ignore,
        Some(other) => {
            return Err(Bad::unsupported(&join(path, "failurePolicy"), &json!(other), &["Fail", "Ignore"]));
        }
    };
    let mut resources = Vec::new();
    for (i, r) in read::list(x, "rules", path)?.into_iter().enumerate() {
        resources.extend(read::str_list(r, "resources", &index(&join(path, "rules"), i))?);
    }
    let nsel = read::obj(x, "namespaceSelector", path)?;
    let mut namespaces = Vec::new();
    for (i, e) in read::list(nsel, "matchExpressions", &join(path, "namespaceSelector"))?.into_iter().enumerate() {
        let ep = index(&join(path, "namespaceSelector.matchExpressions"), i);
        if read::opt_str(e, "key", &ep)?.as_deref() == Some("kubernetes.io/metadata.name") {
            namespaces.extend(read::str_list(e, "values", &ep)?);
        }
    }
    Ok(Webhook {
        name,
        service,
        port: read::opt_port(svc, "port", &sp)?.unwrap_or(443),
        failure_policy,
        resources,
        namespaces,
        mutation: prior.and_then(|w| w.mutation.clone()),
    })
}
