//! How requests flow on past the entry pods: each pod calls its app's dependencies (`fan_out`
//! calls per request), so load reaches every tier; and how well each tier answers, so an
//! overloaded or CPU-starved backend slows its callers and, past their timeout, fails them.
//! Load spreads level by level with demand summed per service, and each service's answer is
//! worked out once: both are linear in pods plus dependency edges (times the depth cap).

use std::collections::BTreeMap;

use crate::sim::apps::AppProfile;
use crate::sim::cluster::{Cluster, key};
use crate::sim::network::{self, Source};
use crate::sim::objects::Pod;

use super::{Load, cause};

/// How many tiers past the entry pods load and trouble travel (a loop of calls stops here).
const MAX_DEPTH: u8 = 4;

/// A dependency `host:port` as (namespace, service, port); a bare host is in the caller's
/// namespace, `name.ns` and `name.ns.svc.cluster.local` name theirs.
fn dependency_service(caller_namespace: &str, dependency: &str) -> (String, String, u16) {
    let (host, port) = match dependency.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(80)),
        None => (dependency, 80),
    };
    let mut parts = host.split('.');
    let name = parts.next().unwrap_or_default();
    let ns = parts.next().unwrap_or(caller_namespace);
    (ns.to_owned(), name.to_owned(), port)
}

/// The ready pods behind a service port and the pod port it forwards to.
fn backends<'a>(cluster: &'a Cluster, ns: &str, name: &str, port: u16) -> Option<(Vec<&'a Pod>, u16)> {
    let svc = cluster.services().get(&key(ns, name))?;
    let target = svc.ports.iter().find(|p| p.port == port).map_or(port, crate::sim::objects::ServicePort::target);
    let eps = cluster.endpoints().get(&key(ns, name))?;
    let pods: Vec<&Pod> = eps.ready.iter().filter_map(|a| cluster.pods().get(&key(ns, &a.pod))).collect();
    Some((pods, target))
}

/// The app that answers on a pod's port (else its first container's, for older profiles).
pub fn serving_app<'a>(cluster: &'a Cluster, pod: &Pod, port: u16) -> Option<&'a AppProfile> {
    let apps = || pod.spec.containers.iter().filter_map(|c| cluster.app_for_image(&c.image));
    apps().find(|a| a.port == Some(port)).or_else(|| apps().next())
}

/// Calls per request an app makes to one of its dependencies.
fn fan_out(app: &AppProfile, dependency: &str) -> f64 {
    app.fan_out.get(dependency).copied().unwrap_or(1.0).max(0.0)
}

/// Adds the load the entry pods take (by pod, with the port they serve it on) and everything it
/// causes downstream to `load`.
pub fn propagate(cluster: &Cluster, entry: Vec<(&Pod, u16, f64)>, load: &mut Load) {
    let mut level: Vec<(&Pod, u16, f64)> = entry;
    for _ in 0..=MAX_DEPTH {
        let mut demand: BTreeMap<(String, String, u16), f64> = BTreeMap::new();
        for (pod, port, rps) in &level {
            *load.entry(pod.meta.key()).or_default() += rps;
            let Some(app) = serving_app(cluster, pod, *port) else { continue };
            for dep in &app.dependencies {
                *demand.entry(dependency_service(&pod.meta.namespace, dep)).or_default() += rps * fan_out(app, dep);
            }
        }
        level = Vec::new();
        for ((ns, name, port), rps) in demand {
            let Some((pods, target)) = backends(cluster, &ns, &name, port) else { continue };
            let share = rps / pods.len().max(1) as f64;
            level.extend(pods.into_iter().map(|p| (p, target, share)));
        }
        if level.is_empty() {
            break;
        }
    }
}

/// How a pod (or a service, averaged over its ready pods) answers the requests it gets.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// Fraction answered successfully.
    pub served: f64,
    /// Mean time to a successful answer.
    pub latency_ms: f64,
    /// What that time is when nothing is slow: an app's `latency_ms` already includes its
    /// healthy dependencies, so a caller adds only how much slower a dependency got.
    pub healthy_ms: f64,
    /// Failures never get an answer (an overloaded queue): the caller waits out its timeout.
    /// Otherwise they come back (a 500) after `fail_ms`.
    pub failures_hang: bool,
    pub fail_ms: f64,
    /// The pod itself is past its capacity (not only its dependencies).
    pub overloaded: bool,
}

impl Answer {
    const FINE: Answer =
        Answer { served: 1.0, latency_ms: 0.0, healthy_ms: 0.0, failures_hang: false, fail_ms: 0.0, overloaded: false };
}

/// The queueing slow-down at a utilisation: flat to 70 %, then climbing.
fn queueing(utilization: f64) -> f64 {
    if utilization > 0.7 { 1.0 + 12.0 * (utilization - 0.7) } else { 1.0 }
}

/// Works out answers with the load and CPU shares of this step, each service once.
pub struct Judge<'a> {
    cluster: &'a Cluster,
    load: &'a Load,
    speed: &'a BTreeMap<(String, String), f64>,
    services: BTreeMap<(String, String, u16), Answer>,
    /// Pods whose calls to a dependency time out, with the error they log.
    pub upstream_errors: BTreeMap<(String, String), String>,
}

impl<'a> Judge<'a> {
    pub fn new(cluster: &'a Cluster, load: &'a Load, speed: &'a BTreeMap<(String, String), f64>) -> Self {
        Judge { cluster, load, speed, services: BTreeMap::new(), upstream_errors: BTreeMap::new() }
    }

    /// How a pod answers: its own queue (load over capacity, slowed by CPU it does not get),
    /// then each dependency's answer as this app's client sees it. At depth 0 the pod is an
    /// entry pod whose dependencies the ingress's request already found reachable.
    pub fn pod(&mut self, pod: &Pod, app: &AppProfile, depth: u8) -> Answer {
        let pod_key = pod.meta.key();
        let rps = self.load.get(&pod_key).copied().unwrap_or(0.0);
        let speed = self.speed.get(&pod_key).copied().unwrap_or(1.0).max(0.01);
        let utilization = rps / (app.capacity_rps * speed).max(0.001);
        let mut answer = Answer {
            served: if utilization > 1.0 { 1.0 / utilization } else { 1.0 },
            latency_ms: f64::from(app.latency_ms) / speed * queueing(utilization),
            healthy_ms: f64::from(app.latency_ms),
            failures_hang: utilization > 1.0,
            fail_ms: 0.0,
            overloaded: utilization > 1.0,
        };
        if depth >= MAX_DEPTH {
            return answer;
        }
        let timeout = f64::from(app.timeout_seconds) * 1000.0;
        let from = Source::Pod { namespace: &pod.meta.namespace, name: &pod.meta.name };
        for dep in &app.dependencies {
            let calls = fan_out(app, dep);
            if calls <= 0.0 {
                continue;
            }
            // An entry pod (depth 0) answered the ingress below 400, so `request_pod` already
            // found its dependencies reachable: asking again would only double the work.
            let unreachable = if depth == 0 { None } else { network::dependency_error(self.cluster, from, dep) };
            let (served, ok_ms, fail_ms, error) = if let Some(error) = unreachable {
                (0.0, 0.0, cause::dependency_failure_ms(&error, timeout), None)
            } else {
                let (ns, name, port) = dependency_service(&pod.meta.namespace, dep);
                let callee = self.service(&ns, &name, port, depth + 1);
                if callee.latency_ms > timeout {
                    (0.0, 0.0, timeout, Some(timeout_error(self.cluster, pod, dep, &ns, &name, port)))
                } else {
                    let fail = if callee.failures_hang { timeout } else { callee.fail_ms.min(timeout) };
                    let error = (callee.failures_hang && callee.served < 0.999)
                        .then(|| timeout_error(self.cluster, pod, dep, &ns, &name, port));
                    (callee.served, (callee.latency_ms - callee.healthy_ms).max(0.0), fail, error)
                }
            };
            if let Some(error) = error {
                self.upstream_errors.entry(pod_key.clone()).or_insert(error);
            }
            let ok = served.powf(calls);
            let before = answer.served;
            answer.served *= ok;
            answer.latency_ms += calls * ok_ms;
            // Requests that fail here come back as a 500 once the failing call gave up.
            if before > answer.served {
                answer.fail_ms = answer.fail_ms.max(answer.latency_ms - calls * ok_ms + fail_ms);
                if !answer.overloaded {
                    answer.failures_hang = false;
                }
            }
        }
        answer
    }

    /// How a service port answers: the mean over its ready pods, worked out once per step. A
    /// loop of calls meets its own entry as healthy.
    pub fn service(&mut self, ns: &str, name: &str, port: u16, depth: u8) -> Answer {
        let id = (ns.to_owned(), name.to_owned(), port);
        if let Some(a) = self.services.get(&id) {
            return a.clone();
        }
        self.services.insert(id.clone(), Answer::FINE);
        let cluster = self.cluster;
        let answer = match backends(cluster, ns, name, port) {
            Some((pods, target)) if !pods.is_empty() => {
                let n = pods.len() as f64;
                let mut sum = Answer { served: 0.0, ..Answer::FINE };
                for pod in pods {
                    let Some(app) = serving_app(cluster, pod, target) else {
                        sum.served += 1.0;
                        continue;
                    };
                    let a = self.pod(pod, app, depth);
                    sum.served += a.served / n;
                    sum.latency_ms += a.latency_ms / n;
                    sum.healthy_ms += a.healthy_ms / n;
                    sum.fail_ms = sum.fail_ms.max(a.fail_ms);
                    sum.failures_hang |= a.failures_hang;
                    sum.overloaded |= a.overloaded;
                }
                sum.served = sum.served.min(1.0);
                sum
            }
            // Unreachable services are the network's business (`dependency_error`).
            _ => Answer::FINE,
        };
        self.services.insert(id, answer.clone());
        answer
    }
}

/// What a Go client logs when a dependency does not answer in time: an HTTP client's deadline,
/// or a read on a plain TCP connection (a database) timing out.
fn timeout_error(cluster: &Cluster, pod: &Pod, dependency: &str, ns: &str, name: &str, port: u16) -> String {
    let host = dependency.rsplit_once(':').map_or(dependency, |(h, _)| h);
    if matches!(port, 80 | 8080 | 443 | 8443 | 3000 | 5000 | 9000) {
        let scheme = if matches!(port, 443 | 8443) { "https" } else { "http" };
        return format!("Get \"{scheme}://{dependency}/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            .replace(&format!("{host}:80/"), &format!("{host}/"));
    }
    let service_ip = cluster.services().get(&key(ns, name)).map(|s| s.cluster_ip.clone()).unwrap_or_default();
    let pod_ip = pod.status.pod_ip.clone().unwrap_or_default();
    // Each connection has its own ephemeral port, filled in when the line is logged.
    format!("read tcp {pod_ip}:{}->{service_ip}:{port}: i/o timeout", super::LOCAL_PORT)
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the figures compared are computed exactly (copies, or short sums of the inputs)")]
mod tests {
    use super::*;

    #[test]
    fn dependencies_name_their_namespace_or_the_callers() {
        assert_eq!(dependency_service("shop", "db:5432"), ("shop".into(), "db".into(), 5432));
        assert_eq!(dependency_service("shop", "api.backend:80"), ("backend".into(), "api".into(), 80));
        assert_eq!(dependency_service("shop", "api.backend.svc.cluster.local"), ("backend".into(), "api".into(), 80));
        assert_eq!(dependency_service("shop", "db:nope"), ("shop".into(), "db".into(), 80));
    }

    #[test]
    fn queues_slow_down_past_seventy_percent() {
        assert_eq!(queueing(0.5), 1.0);
        assert!((queueing(0.9) - 3.4).abs() < 1e-9);
    }
}
