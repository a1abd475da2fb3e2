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
    /// Minutes before 0 shape the warm-up before the incident (see `shape`).
    #[serde(default)]
    pub load: Vec<(i32, f64)>,
    /// The day's rhythm: (hour of day UTC, factor) points on the wall clock, joined by straight
    /// lines; multiplies `load`. Empty: flat.
    #[serde(default)]
    pub daily: Vec<(u8, f64)>,
}

/// Stands for a connection's local port in a stored upstream error until it is logged.
const LOCAL_PORT: &str = "<local-port>";

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
    /// Nodes whose pods want more CPU than they have: the fraction of it each gets.
    #[serde(default)]
    pub node_cpu: std::collections::BTreeMap<String, f64>,
    /// Pods whose calls to a dependency time out (it is overloaded or starved), with the error
    /// the app logs for it.
    #[serde(default)]
    pub upstream_errors: std::collections::BTreeMap<(String, String), String>,
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

    /// The share of its CPU demand a node's pods get (1.0 unless the node is over-committed).
    pub fn node_cpu_share(&self, node: &str) -> f64 {
        self.node_cpu.get(node).copied().unwrap_or(1.0)
    }

    /// The error a pod logs at `now` for a dependency that does not answer in time.
    pub fn upstream_error(&self, namespace: &str, pod: &str, now: i64) -> Option<String> {
        let error = self.upstream_errors.get(&(namespace.to_owned(), pod.to_owned()))?;
        // A connection's ephemeral port (Linux's 32768–60999 range), a new one each time.
        let port = 32_768 + (now.unsigned_abs().wrapping_mul(2_654_435_761) ^ pod.len() as u64) % 28_232;
        Some(error.replace(LOCAL_PORT, &port.to_string()))
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

mod cause;
pub mod cpu;
mod flow;
mod shape;

use super::apps::AppRole;
use super::cluster::{Cluster, key};
use super::controllers::STEP_SECONDS;
use super::network::{self, HttpOutcome, Source};
use super::objects::Pod;

type Load = std::collections::BTreeMap<(String, String), f64>;

/// Runs one step of user traffic: results per entrypoint, load per pod, budget burn.
///
/// Cost: routing each entrypoint, then one pass spreading load over pods and dependency edges
/// (per tier, up to the depth cap), one pass over pods for CPU shares and one judging each
/// service once: linear in pods plus edges. It runs only when the world or the load changed.
pub fn step(cluster: &mut Cluster, world_changed: bool) {
    let factors: Vec<f64> = cluster.entrypoints().iter().map(|ep| shape::factor(ep, cluster.now)).collect();
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
    let (results, load, shares, upstream_errors) = evaluate_all(cluster, &factors);
    let burned: f64 = results.iter().map(|r| r.rps * (1.0 - r.success) * STEP_SECONDS as f64).sum();
    let state = cluster.traffic_mut_status_only();
    state.factors = factors;
    state.results = results;
    state.node_cpu = shares.nodes;
    let errors_changed = state.upstream_errors != upstream_errors;
    state.upstream_errors = upstream_errors;
    if errors_changed {
        // The apps whose calls now time out (or no longer do) log it.
        cluster.touch();
    }
    // Load changes memory and CPU use, which kubelets and autoscalers must see.
    cluster.set_pod_load(load);
    if cluster.now > 0 {
        cluster.traffic_mut_status_only().budget_burned += burned;
    }
}

/// Whether the nodes `nodes` share their CPU as the last traffic step found (under the load it
/// found): when only pods no service selects changed, nothing else the step reads did.
pub(in crate::sim) fn cpu_unchanged(cluster: &Cluster, nodes: &std::collections::BTreeSet<&str>) -> bool {
    let state = cluster.traffic();
    let fresh = cpu::node_shares(cluster, &state.pod_load, nodes);
    nodes.iter().all(|n| fresh.get(*n).map(|s| s.to_bits()) == state.node_cpu.get(*n).map(|s| s.to_bits()))
}

fn failed(ep: &Entrypoint, rps: f64, why: &str) -> EntrypointResult {
    EntrypointResult { name: ep.name.clone(), rps, success: 0.0, latency_ms: 0, failure: Some(why.to_owned()) }
}

/// An entrypoint the ingress routes to ready pods: each pod with what the ingress got from it.
struct Routed<'a> {
    rps: f64,
    target_port: u16,
    pods: Vec<(&'a Pod, HttpOutcome)>,
}

type Evaluated = (Vec<EntrypointResult>, Load, cpu::CpuShares, std::collections::BTreeMap<(String, String), String>);

fn evaluate_all(cluster: &Cluster, factors: &[f64]) -> Evaluated {
    let mut load = Load::new();
    let controllers: Vec<&Pod> = cluster
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
    // Route every entrypoint, and spread its load over its pods and on through their dependencies.
    let mut routed: Vec<Result<Routed<'_>, EntrypointResult>> = Vec::new();
    let mut entry: Vec<(&Pod, u16, f64)> = Vec::new();
    for (ep, factor) in cluster.entrypoints().iter().zip(factors) {
        let rps = ep.rps * factor;
        let r = route(cluster, ep, rps, &controllers, &mut load);
        if let Ok(r) = &r {
            let share = rps / r.pods.len() as f64;
            for (pod, outcome) in &r.pods {
                match outcome {
                    HttpOutcome::Response { status, .. } if *status < 400 => entry.push((pod, r.target_port, share)),
                    _ => *load.entry(pod.meta.key()).or_default() += share,
                }
            }
        }
        routed.push(r);
    }
    flow::propagate(cluster, entry, &mut load);
    let shares = cpu::shares(cluster, &load);
    let mut judge = flow::Judge::new(cluster, &load, &shares.pods);
    let results = cluster
        .entrypoints()
        .iter()
        .zip(routed)
        .map(|(ep, r)| match r {
            Ok(r) => answer(cluster, &mut judge, ep, &r),
            Err(result) => result,
        })
        .collect();
    let upstream_errors = std::mem::take(&mut judge.upstream_errors);
    drop(judge);
    (results, load, shares, upstream_errors)
}

fn route<'a>(
    cluster: &'a Cluster,
    ep: &Entrypoint,
    rps: f64,
    controllers: &[&Pod],
    load: &mut Load,
) -> Result<Routed<'a>, EntrypointResult> {
    let Some((_, host, _, path)) = network::parse_url(&ep.url) else {
        return Err(failed(ep, rps, "invalid URL"));
    };
    if controllers.is_empty() {
        return Err(failed(ep, rps, "connection refused (the site is down)"));
    }
    for c in controllers {
        *load.entry(c.meta.key()).or_default() += rps / controllers.len() as f64;
    }
    let Some((ns, (svc_name, port))) = network::route(cluster, &host, &path) else {
        return Err(failed(ep, rps, "404 Not Found"));
    };
    let Some(svc) = cluster.services().get(&key(&ns, &svc_name)) else {
        return Err(failed(ep, rps, "503 Service Temporarily Unavailable"));
    };
    let Some(sp) = svc.ports.iter().find(|p| p.port == port) else {
        return Err(failed(ep, rps, "503 Service Temporarily Unavailable"));
    };
    let target_port = sp.target();
    let ready = cluster.endpoints().get(&key(&ns, &svc_name)).map(|e| e.ready.clone()).unwrap_or_default();
    let pods: Vec<(&Pod, HttpOutcome)> = ready
        .iter()
        .filter_map(|addr| cluster.pods().get(&key(&ns, &addr.pod)))
        .map(|pod| (pod, network::request_pod(cluster, Source::Ingress, pod, target_port, &path)))
        .collect();
    if pods.is_empty() {
        return Err(failed(ep, rps, "503 Service Temporarily Unavailable"));
    }
    Ok(Routed { rps, target_port, pods })
}

/// What the users of one entrypoint get: per pod, its answer (and its dependencies') or why the
/// ingress got none, with the time each failure takes by its cause.
fn answer(cluster: &Cluster, judge: &mut flow::Judge<'_>, ep: &Entrypoint, r: &Routed<'_>) -> EntrypointResult {
    let n = r.pods.len() as f64;
    let mut success = 0.0;
    let mut latency = 0.0;
    let mut failures: std::collections::BTreeMap<&'static str, f64> = std::collections::BTreeMap::new();
    let mut fail = |why: &'static str, share: f64| *failures.entry(why).or_default() += share;
    for (pod, outcome) in &r.pods {
        let app = flow::serving_app(cluster, pod, r.target_port);
        let base = app.map_or(50.0, |a| f64::from(a.latency_ms));
        match outcome {
            HttpOutcome::Response { status, .. } if *status < 400 => {
                let Some(app) = app else {
                    success += 1.0;
                    latency += base;
                    continue;
                };
                let a = judge.pod(pod, app, 0);
                if a.latency_ms > cause::INGRESS_READ_TIMEOUT_MS {
                    // Slower than the ingress waits: every request is a 504 after its read timeout.
                    latency += cause::INGRESS_READ_TIMEOUT_MS;
                    fail("504 Gateway Time-out", 1.0);
                    continue;
                }
                let served = a.served * (1.0 - app.error_rate);
                let fail_ms = if a.failures_hang { cause::INGRESS_READ_TIMEOUT_MS } else { a.fail_ms };
                success += served;
                latency += a.served * a.latency_ms + (1.0 - a.served) * fail_ms;
                if a.overloaded {
                    fail(OVERLOADED, 1.0 - a.served);
                } else if a.served < 0.999 {
                    fail(
                        if a.failures_hang { "504 Gateway Time-out" } else { "500 Internal Server Error" },
                        1.0 - a.served,
                    );
                }
                if app.error_rate > 0.0 {
                    fail("wrong or stale page", a.served * app.error_rate);
                }
            }
            HttpOutcome::Response { status: 500, body, .. } => {
                // A dependency it cannot reach: the app answers once its call gave up.
                let timeout = app.map_or(30_000.0, |a| f64::from(a.timeout_seconds) * 1000.0);
                let took = base + cause::dependency_failure_ms(body, timeout);
                if took > cause::INGRESS_READ_TIMEOUT_MS {
                    latency += cause::INGRESS_READ_TIMEOUT_MS;
                    fail("504 Gateway Time-out", 1.0);
                } else {
                    latency += took;
                    fail("500 Internal Server Error", 1.0);
                }
            }
            HttpOutcome::Response { status, .. } => {
                latency += base;
                fail(if *status == 404 { "404 Not Found" } else { "502 Bad Gateway" }, 1.0);
            }
            HttpOutcome::Refused { .. } | HttpOutcome::DnsError { .. } => {
                latency += cause::REFUSED_MS;
                fail("502 Bad Gateway", 1.0);
            }
            HttpOutcome::Timeout { .. } => {
                latency += cause::ingress_connect_timeouts_ms(r.pods.len());
                fail("504 Gateway Time-out", 1.0);
            }
        }
    }
    let success = (success / n).clamp(0.0, 1.0);
    let failure = if success >= 0.999 {
        None
    } else {
        failures.iter().max_by(|a, b| a.1.total_cmp(b.1)).map(|(f, _)| (*f).to_owned())
    };
    EntrypointResult { name: ep.name.clone(), rps: r.rps, success, latency_ms: (latency / n).round() as u32, failure }
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the figures compared are computed exactly (copies, or short sums of the inputs)")]
mod tests {
    use super::OVERLOADED;
    use crate::sim::apps::AppProfile;
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::cluster::key;
    use crate::sim::controllers::test_support::{apply, labels, pods, shop, shop_with};
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
            pod_selector_expressions: Vec::new(),
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
        // The dropped connection costs web its 30 s dial timeout before it answers 500.
        assert_eq!(c.traffic().results[0].latency_ms, 30_040);
        // Every one of 10 requests per second failed for 10 s.
        assert!((c.traffic().budget_burned - burned - 100.0).abs() < 1e-9);
        let db_ip =
            c.services().values().find(|s| s.meta.name == "db").map(|s| s.cluster_ip.clone()).unwrap_or_default();
        let web = pods(&c, "shop", "web-")[0];
        let line = format!("2026-11-22T09:01:10Z ERROR request failed: dial tcp {db_ip}:5432: i/o timeout");
        assert_eq!(web.status.containers[0].log.last(), Some(&line));
        let allow = PolicyRule {
            peers: vec![PolicyPeer { pod_selector: Some(labels(&[("app", "web")])), ..PolicyPeer::default() }],
            ports: vec![PolicyPort::tcp(5432)],
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
        // Nothing listens there: refused at once.
        assert_eq!(c.traffic().results[0].latency_ms, 1);
        assert_eq!(ingress_status(&c), (502, "502 Bad Gateway (nginx)".to_owned()));
        let eps = c.endpoints().values().find(|e| e.meta.name == "web").expect("endpoints web");
        assert_eq!((eps.ready.len(), eps.ports.clone()), (2, vec![(None, 9090)]));
    }

    fn scale(c: &mut Cluster, namespace: &str, name: &str, replicas: u32) {
        let (namespace, name) = (namespace.to_owned(), name.to_owned());
        apply(c, Change::Scale { kind: Kind::Deployment, namespace, name, replicas });
        c.advance_seconds(40);
    }

    fn latency(c: &Cluster) -> u32 {
        c.traffic().results[0].latency_ms
    }

    /// web (two pods, plenty of capacity) calls db (one pod that serves 5 rps) for each of 10
    /// requests a second: the bottleneck is the backend, not the entry pods.
    fn slow_db_shop() -> Cluster {
        let web = AppProfile { dependencies: vec!["db:5432".to_owned()], ..AppProfile::default() };
        let db = AppProfile { port: Some(5432), capacity_rps: 5.0, ..AppProfile::default() };
        shop_with(web, db, 10.0)
    }

    #[test]
    fn an_overloaded_backend_times_out_its_callers_until_it_is_scaled() {
        let mut c = slow_db_shop();
        let web = pods(&c, "shop", "web-")[0].meta.key();
        let db = pods(&c, "shop", "db-")[0].meta.key();
        assert_eq!((c.traffic().pod_rps(&web.0, &web.1), c.traffic().pod_rps(&db.0, &db.1)), (5.0, 10.0));
        // db answers half; the rest wait out web's 30 s timeout and web answers 500.
        let (success, failure) = result(&c);
        assert!((success - 0.5).abs() < 1e-9, "{success}");
        assert_eq!(failure.as_deref(), Some("500 Internal Server Error"));
        assert!(latency(&c) > 15_000, "{}", latency(&c));
        let db_ip = c.services().get(&key("shop", "db")).map(|s| s.cluster_ip.clone()).unwrap_or_default();
        c.advance_seconds(20);
        let line = c.pods().get(&web).and_then(|p| p.status.containers[0].log.last().cloned()).unwrap_or_default();
        assert!(
            line.contains("ERROR request failed: read tcp 10.")
                && line.ends_with(&format!("->{db_ip}:5432: i/o timeout")),
            "{line}"
        );
        // Two db pods serve it, queueing (slower than healthy) but answering everything.
        scale(&mut c, "shop", "db", 2);
        assert_eq!(result(&c), (1.0, None));
        assert!(latency(&c) > 100, "{}", latency(&c));
        assert_eq!(c.traffic().upstream_error(&web.0, &web.1, c.now), None);
        scale(&mut c, "shop", "db", 4);
        assert_eq!((result(&c), latency(&c)), ((1.0, None), 40));
    }

    #[test]
    fn fan_out_multiplies_the_load_on_a_dependency() {
        let web = AppProfile {
            dependencies: vec!["db:5432".to_owned()],
            fan_out: [("db:5432".to_owned(), 3.0)].into(),
            ..AppProfile::default()
        };
        let c = shop_with(web, AppProfile { port: Some(5432), ..AppProfile::default() }, 10.0);
        let db = pods(&c, "shop", "db-")[0].meta.key();
        assert_eq!(c.traffic().pod_rps(&db.0, &db.1), 30.0);
    }

    #[test]
    fn the_entry_pods_queue_before_they_fail() {
        let web = AppProfile { capacity_rps: 6.0, ..AppProfile::default() };
        let c = shop_with(web, AppProfile { port: Some(5432), ..AppProfile::default() }, 10.0);
        // 5 rps on a pod that serves 6: 83 % busy, slower, still all served.
        assert_eq!(result(&c), (1.0, None));
        assert_eq!(latency(&c), 104);
        let web = AppProfile { capacity_rps: 2.5, ..AppProfile::default() };
        let c = shop_with(web, AppProfile { port: Some(5432), ..AppProfile::default() }, 10.0);
        assert_eq!(result(&c), (0.5, Some(OVERLOADED.to_owned())));
        // Half are served slowly; the other half wait out the ingress's 60 s read timeout.
        assert!(latency(&c) > 30_000, "{}", latency(&c));
    }

    #[test]
    fn dropped_connections_wait_for_the_timeout_and_a_dns_outage_for_the_resolver() {
        let mut c = shop();
        let web_policy = Object::NetworkPolicy(NetworkPolicy {
            meta: Meta::new("deny-web", "shop"),
            pod_selector: labels(&[("app", "web")]),
            policy_types: vec![PolicyType::Ingress],
            ingress: Vec::new(),
            egress: Vec::new(),
            pod_selector_expressions: Vec::new(),
        });
        apply(&mut c, Change::Create(web_policy));
        c.step();
        // The ingress tries both web pods, 5 s each, then answers 504.
        assert_eq!((result(&c), latency(&c)), ((0.0, Some("504 Gateway Time-out".to_owned())), 10_000));
        let mut c = shop();
        scale(&mut c, "kube-system", "coredns", 0);
        // web cannot resolve db: 5 s × 2 attempts, then 500.
        assert_eq!((result(&c), latency(&c)), ((0.0, Some("500 Internal Server Error".to_owned())), 10_040));
    }

    #[test]
    fn the_daily_curve_moves_the_load_on_the_wall_clock() {
        let mut c = shop();
        c.entrypoints_mut()[0].daily = vec![(9, 1.0), (10, 2.0), (20, 1.0)];
        c.advance_seconds(30 * 60 - c.now);
        // 09:30: halfway up to the 10:00 peak, 15 rps over the two web pods.
        assert_eq!(c.traffic().factors, vec![1.5]);
        let web = pods(&c, "shop", "web-")[0].meta.key();
        assert_eq!(c.traffic().pod_rps(&web.0, &web.1), 7.5);
    }
}
