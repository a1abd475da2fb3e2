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
use super::objects::IntOrString;

type Load = std::collections::BTreeMap<(String, String), f64>;

/// Runs one step of user traffic: results per entrypoint, load per pod, budget burn.
pub fn step(cluster: &mut Cluster, world_changed: bool) {
    let minute = cluster.now.max(0) / 60;
    let factors: Vec<f64> = cluster
        .entrypoints
        .iter()
        .map(|ep| ep.load.iter().rfind(|(m, _)| i64::from(*m) <= minute).map_or(1.0, |(_, f)| *f))
        .collect();
    if !world_changed && factors == cluster.traffic.factors && cluster.traffic.results.len() == cluster.entrypoints.len() {
        // Nothing that routes or serves requests changed: the last figures still hold.
        let burned: f64 = cluster.traffic.results.iter().map(|r| r.rps * (1.0 - r.success) * STEP_SECONDS as f64).sum();
        if cluster.now > 0 {
            cluster.traffic.budget_burned += burned;
        }
        return;
    }
    cluster.traffic.factors = factors;
    let mut load = Load::new();
    let mut results = Vec::with_capacity(cluster.entrypoints.len());
    let mut burned = 0.0;
    for ep in &cluster.entrypoints {
        let factor = ep.load.iter().rfind(|(m, _)| i64::from(*m) <= minute).map_or(1.0, |(_, f)| *f);
        let rps = ep.rps * factor;
        let result = evaluate(cluster, ep, rps, &mut load);
        burned += rps * (1.0 - result.success) * STEP_SECONDS as f64;
        results.push(result);
    }
    cluster.traffic.results = results;
    if cluster.traffic.pod_load != load {
        // Load changes memory and CPU use, which kubelets and autoscalers must see.
        cluster.traffic.pod_load = load;
        cluster.touch();
    }
    if cluster.now > 0 {
        cluster.traffic.budget_burned += burned;
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
        .pods
        .values()
        .filter(|p| p.is_ready() && p.status.containers.iter().any(|s| cluster.app_for_image(&s.image).is_some_and(|a| a.role == AppRole::IngressController)))
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
    let Some(svc) = cluster.services.get(&key(&ns, &svc_name)) else {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    };
    let Some(sp) = svc.ports.iter().find(|p| p.port == port) else {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    };
    let target_port = match &sp.target_port {
        IntOrString::Int(n) => *n,
        IntOrString::Str(s) => s.parse().unwrap_or(port),
    };
    let ready = cluster.endpoints.get(&key(&ns, &svc_name)).map(|e| e.ready.clone()).unwrap_or_default();
    if ready.is_empty() {
        return failed(ep, rps, "503 Service Temporarily Unavailable");
    }
    let share = rps / ready.len() as f64;
    let mut success = 0.0;
    let mut latency = 0.0;
    let mut failures: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    for addr in &ready {
        let Some(pod) = cluster.pods.get(&key(&ns, &addr.pod)) else { continue };
        *load.entry(pod.meta.key()).or_default() += share;
        let app = pod.spec.containers.iter().find_map(|c| cluster.app_for_image(&c.image).filter(|a| a.port == Some(target_port)));
        match network::request_pod(cluster, Source::Ingress, pod, target_port, &path) {
            HttpOutcome::Response { status, .. } if status < 400 => {
                let (capacity, base, error_rate) = app.map_or((100.0, 50.0, 0.0), |a| (a.capacity_rps, f64::from(a.latency_ms), a.error_rate));
                let utilization = share / capacity.max(0.001);
                let served = if utilization > 1.0 { 1.0 / utilization } else { 1.0 };
                let slow = if utilization > 0.7 { 1.0 + 12.0 * (utilization - 0.7) } else { 1.0 };
                success += served * (1.0 - error_rate);
                latency += base * slow;
                if utilization > 1.0 {
                    *failures.entry("504 Gateway Time-out (overloaded)").or_default() += 1;
                } else if error_rate > 0.0 {
                    *failures.entry("wrong or stale page").or_default() += 1;
                }
                for dep in app.map(|a| a.dependencies.clone()).unwrap_or_default() {
                    add_dependency_load(cluster, &ns, &dep, share, load, 0);
                }
            }
            HttpOutcome::Response { status, .. } => {
                latency += 30.0;
                *failures.entry(match status {
                    404 => "404 Not Found",
                    500 => "500 Internal Server Error",
                    _ => "502 Bad Gateway",
                }).or_default() += 1;
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
    let failure = if success >= 0.999 { None } else { failures.iter().max_by_key(|(_, c)| **c).map(|(f, _)| (*f).to_owned()) };
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
    let ready = cluster.endpoints.get(&key(ns, name)).map(|e| e.ready.clone()).unwrap_or_default();
    if ready.is_empty() {
        return;
    }
    let share = rps / ready.len() as f64;
    for addr in &ready {
        *load.entry(key(ns, &addr.pod)).or_default() += share;
        let deps = cluster
            .pods
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
