//! The traffic model: user requests enter through the ingress controller, follow ingress rules to
//! a service, its ready endpoints and their pods, and on to each app's dependencies. Each step
//! yields, per user-facing entrypoint, a success rate and a latency, which burn the error budget
//! and are what the customer sees.

use serde::{Deserialize, Serialize};

/// A user-facing endpoint of the customer's product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entrypoint {
    /// What the customer calls it ("Checkout").
    pub name: String,
    /// `https://shop.example.com/checkout`.
    pub url: String,
    pub rps: f64,
    /// Load multiplier over the incident, as (from minute, factor); the last one reached applies.
    #[serde(default)]
    pub load: Vec<(u32, f64)>,
}

/// What a user gets when an entrypoint's pods are asked for more than they serve.
pub const OVERLOADED: &str = "504 Gateway Time-out (overloaded)";

/// The figures the last step produced and the running error budget.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrafficState {
    pub results: Vec<EntrypointResult>,
    /// Failed requests the SLO allows over its window.
    pub budget_total: f64,
    /// Failed requests so far.
    pub budget_burned: f64,
    /// Requests per second each pod serves, by (namespace, pod).
    pub pod_load: std::collections::BTreeMap<(String, String), f64>,
    /// Each entrypoint's load factor when the figures were computed.
    pub factors: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntrypointResult {
    pub name: String,
    pub rps: f64,
    pub success: f64,
    pub latency_ms: u32,
    /// What a user sees when it fails: `502 Bad Gateway`, `503 Service Unavailable`, a timeout.
    pub failure: Option<String>,
}

impl TrafficState {
    /// Requests per second a pod is serving now.
    pub fn pod_rps(&self, namespace: &str, pod: &str) -> f64 {
        self.pod_load.get(&(namespace.to_owned(), pod.to_owned())).copied().unwrap_or(0.0)
    }

    /// The share of all user requests that fail now (0–1), weighted by each entrypoint's traffic.
    pub fn error_rate(&self) -> f64 {
        let total: f64 = self.results.iter().map(|r| r.rps).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let failing: f64 = self.results.iter().map(|r| r.rps * (1.0 - r.success)).sum();
        (failing / total).clamp(0.0, 1.0)
    }

    pub fn budget_remaining(&self) -> f64 {
        if self.budget_total <= 0.0 {
            return 1.0;
        }
        (1.0 - self.budget_burned / self.budget_total).max(0.0)
    }
}

use super::apps::AppRole;
use super::cluster::{Cluster, key};
use super::controllers::STEP_SECONDS;
use super::network::{self, HttpOutcome, Source};

type Load = std::collections::BTreeMap<(String, String), f64>;

/// Runs one step of user traffic: results per entrypoint, load per pod, budget burn.
pub fn step(cluster: &mut Cluster, world_changed: bool) {
    let minute = cluster.now.max(0) / 60;
    let factors: Vec<f64> = cluster
        .entrypoints()
        .iter()
        .map(|ep| ep.load.iter().rfind(|(m, _)| i64::from(*m) <= minute).map_or(1.0, |(_, f)| *f))
        .collect();
    if !world_changed
        && factors == cluster.traffic().factors
        && cluster.traffic().results.len() == cluster.entrypoints().len()
    {
        // Nothing that routes or serves requests changed: the last figures still hold.
        let burned: f64 =
            cluster.traffic().results.iter().map(|r| r.rps * (1.0 - r.success) * STEP_SECONDS as f64).sum();
        if cluster.now > 0 {
            cluster.traffic_mut_status_only().budget_burned += burned;
        }
        return;
    }
    cluster.traffic_mut_status_only().factors = factors;
    let mut load = Load::new();
    let mut results = Vec::with_capacity(cluster.entrypoints().len());
    let mut burned = 0.0;
    for ep in cluster.entrypoints() {
        let factor = ep.load.iter().rfind(|(m, _)| i64::from(*m) <= minute).map_or(1.0, |(_, f)| *f);
        let rps = ep.rps * factor;
        let result = evaluate(cluster, ep, rps, &mut load);
        burned += rps * (1.0 - result.success) * STEP_SECONDS as f64;
        results.push(result);
    }
    cluster.traffic_mut_status_only().results = results;
    // Load changes memory and CPU use, which kubelets and autoscalers must see.
    cluster.set_pod_load(load);
    if cluster.now > 0 {
        cluster.traffic_mut_status_only().budget_burned += burned;
    }
}

fn failed(ep: &Entrypoint, rps: f64, why: &str) -> EntrypointResult {
    EntrypointResult { name: ep.name.clone(), rps, success: 0.0, latency_ms: 0, failure: Some(why.to_owned()) }
}

fn evaluate(cluster: &Cluster, ep: &Entrypoint, rps: f64, load: &mut Load) -> EntrypointResult {
    let Some((_, host, _, path)) = network::parse_url(&ep.url) else {
        return failed(ep, rps, "invalid URL");
    };
    let controllers: Vec<&super::objects::Pod> = cluster
        .pods()
        .values()
        .filter(|p| {
            p.is_ready()
                && p.status
                    .containers
                    .iter()
                    .any(|s| cluster.app_for_image(&s.image).is_some_and(|a| a.role == AppRole::IngressController))
        })
        .collect();
    if controllers.is_empty() {
        return failed(ep, rps, "connection refused (the site is down)");
    }
    for c in &controllers {
        *load.entry(c.meta.key()).or_default() += rps / controllers.len() as f64;
    }
    let Some((ns, (svc_name, port))) = network::route(cluster, &host, &path) else {
        return failed(ep, rps, "404 Not Found");
    };
    let Some(svc) = cluster.services().get(&key(&ns, &svc_name)) else {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    };
    let Some(sp) = svc.ports.iter().find(|p| p.port == port) else {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    };
    let target_port = sp.target();
    let ready = cluster.endpoints().get(&key(&ns, &svc_name)).map(|e| e.ready.clone()).unwrap_or_default();
    if ready.is_empty() {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    }
    let share = rps / ready.len() as f64;
    let mut success = 0.0;
    let mut latency = 0.0;
    let mut failures: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    for addr in &ready {
        let Some(pod) = cluster.pods().get(&key(&ns, &addr.pod)) else { continue };
        *load.entry(pod.meta.key()).or_default() += share;
        let app = pod
            .spec
            .containers
            .iter()
            .find_map(|c| cluster.app_for_image(&c.image).filter(|a| a.port == Some(target_port)));
        match network::request_pod(cluster, Source::Ingress, pod, target_port, &path) {
            HttpOutcome::Response { status, .. } if status < 400 => {
                let (capacity, base, error_rate) =
                    app.map_or((100.0, 50.0, 0.0), |a| (a.capacity_rps, f64::from(a.latency_ms), a.error_rate));
                let utilization = share / capacity.max(0.001);
                let served = if utilization > 1.0 { 1.0 / utilization } else { 1.0 };
                let slow = if utilization > 0.7 { 1.0 + 12.0 * (utilization - 0.7) } else { 1.0 };
                success += served * (1.0 - error_rate);
                latency += base * slow;
                if utilization > 1.0 {
                    *failures.entry(OVERLOADED).or_default() += 1;
                } else if error_rate > 0.0 {
                    *failures.entry("wrong or stale page").or_default() += 1;
                }
                for dep in app.map(|a| a.dependencies.clone()).unwrap_or_default() {
                    add_dependency_load(cluster, &ns, &dep, share, load, 0);
                }
            }
            HttpOutcome::Response { status, .. } => {
                latency += 30.0;
                *failures
                    .entry(match status {
                        404 => "404 Not Found",
                        500 => "500 Internal Server Error",
                        _ => "502 Bad Gateway",
                    })
                    .or_default() += 1;
            }
            HttpOutcome::Refused { .. } | HttpOutcome::DnsError { .. } => {
                *failures.entry("502 Bad Gateway").or_default() += 1;
            }
            HttpOutcome::Timeout { .. } => {
                latency += 60_000.0;
                *failures.entry("504 Gateway Time-out").or_default() += 1;
            }
        }
    }
    let n = ready.len() as f64;
    let success = (success / n).clamp(0.0, 1.0);
    let failure =
        if success >= 0.999 { None } else { failures.iter().max_by_key(|(_, c)| **c).map(|(f, _)| (*f).to_owned()) };
    EntrypointResult { name: ep.name.clone(), rps, success, latency_ms: (latency / n).round() as u32, failure }
}

/// Spreads the calls a pod makes to a dependency over that service's ready endpoints.
fn add_dependency_load(cluster: &Cluster, namespace: &str, dependency: &str, rps: f64, load: &mut Load, depth: u8) {
    if depth > 3 {
        return;
    }
    let host = dependency.rsplit_once(':').map_or(dependency, |(h, _)| h);
    let mut parts = host.split('.');
    let name = parts.next().unwrap_or_default();
    let ns = parts.next().unwrap_or(namespace);
    let ready = cluster.endpoints().get(&key(ns, name)).map(|e| e.ready.clone()).unwrap_or_default();
    if ready.is_empty() {
        return;
    }
    let share = rps / ready.len() as f64;
    for addr in &ready {
        *load.entry(key(ns, &addr.pod)).or_default() += share;
        let deps = cluster
            .pods()
            .get(&key(ns, &addr.pod))
            .and_then(|p| p.spec.containers.first())
            .and_then(|c| cluster.app_for_image(&c.image))
            .map(|a| a.dependencies.clone())
            .unwrap_or_default();
        for d in deps {
            add_dependency_load(cluster, ns, &d, share, load, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{apply, labels, pods, shop};
    use crate::sim::kind::Kind;
    use crate::sim::network::{HttpOutcome, request_ingress};
    use crate::sim::objects::{Meta, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, PolicyType};

    fn result(c: &Cluster) -> (f64, Option<String>) {
        let r = &c.traffic().results[0];
        (r.success, r.failure.clone())
    }

    fn ingress_status(c: &Cluster) -> (u16, String) {
        match request_ingress(c, "shop.example.com", "/") {
            HttpOutcome::Response { status, body, .. } => (status, body),
            other => panic!("no answer from the ingress: {other:?}"),
        }
    }

    fn db_policy(name: &str, rules: Vec<PolicyRule>) -> Object {
        Object::NetworkPolicy(NetworkPolicy {
            meta: Meta::new(name, "shop"),
            pod_selector: labels(&[("app", "db")]),
            policy_types: vec![PolicyType::Ingress],
            ingress: rules,
            egress: Vec::new(),
        })
    }

    #[test]
    fn a_healthy_shop_serves_every_request() {
        let c = shop();
        assert_eq!(result(&c), (1.0, None));
        assert_eq!(c.traffic().results[0].latency_ms, 40);
        // The load is spread: 10 rps over the two web pods, and their calls on to db.
        let web = pods(&c, "shop", "web-")[0].meta.key();
        let db = pods(&c, "shop", "db-")[0].meta.key();
        assert_eq!((c.traffic().pod_load.get(&web), c.traffic().pod_load.get(&db)), (Some(&5.0), Some(&10.0)));
    }

    #[test]
    fn a_default_deny_policy_on_a_dependency_fails_the_entrypoint_until_the_source_is_allowed() {
        let mut c = shop();
        let burned = c.traffic().budget_burned;
        apply(&mut c, Change::Create(db_policy("default-deny", Vec::new())));
        c.step();
        assert_eq!(result(&c), (0.0, Some("500 Internal Server Error".to_owned())));
        // Every one of 10 requests per second failed for 10 s.
        assert!((c.traffic().budget_burned - burned - 100.0).abs() < 1e-9);
        let db_ip =
            c.services().values().find(|s| s.meta.name == "db").map(|s| s.cluster_ip.clone()).unwrap_or_default();
        let web = pods(&c, "shop", "web-")[0];
        let line = format!("2026-11-22T09:01:10Z ERROR request failed: dial tcp {db_ip}:5432: i/o timeout");
        assert_eq!(web.status.containers[0].log.last(), Some(&line));
        let allow = PolicyRule {
            peers: vec![PolicyPeer { pod_selector: Some(labels(&[("app", "web")])), namespace_selector: None }],
            ports: vec![PolicyPort { port: 5432, protocol: "TCP".to_owned() }],
        };
        apply(&mut c, Change::Create(db_policy("allow-web", vec![allow])));
        c.step();
        assert_eq!(result(&c), (1.0, None));
    }

    #[test]
    fn no_ready_endpoints_is_503() {
        let mut c = shop();
        let (namespace, name) = ("shop".to_owned(), "web".to_owned());
        apply(&mut c, Change::Scale { kind: Kind::Deployment, namespace, name, replicas: 0 });
        c.advance_seconds(20);
        assert_eq!(result(&c), (0.0, Some("503 Service Temporarily Unavailable".to_owned())));
        assert_eq!(ingress_status(&c), (503, "503 Service Temporarily Unavailable (nginx)".to_owned()));
    }

    #[test]
    fn a_wrong_target_port_is_502() {
        let mut c = shop();
        let (namespace, service) = ("shop".to_owned(), "web".to_owned());
        apply(&mut c, Change::SetServiceTargetPort { namespace, service, port: 80, target_port: 9090 });
        c.step();
        assert_eq!(result(&c), (0.0, Some("502 Bad Gateway".to_owned())));
        assert_eq!(ingress_status(&c), (502, "502 Bad Gateway (nginx)".to_owned()));
        let eps = c.endpoints().values().find(|e| e.meta.name == "web").expect("endpoints web");
        assert_eq!((eps.ready.len(), eps.ports.clone()), (2, vec![(None, 9090)]));
    }
}
