//! The baseline must be healthy: before any fault, every pod runs and is ready and every
//! entrypoint serves its users. Otherwise the incident has a cause the scenario does not state
//! (a dependency typo, a pod no node can take), which shows up only as a lost game when its
//! reference solution is played; validation names the first object that is not healthy, in the
//! words a responder would see.

use crate::sim::change::Object;
use crate::sim::cluster::Cluster;
use crate::sim::network::{self, HttpOutcome};
use crate::sim::objects::{ContainerState, OwnerKind, Pod, PodPhase};
use crate::sim::traffic::OVERLOADED;

use super::{Problem, problem};
use crate::scenario::format::Scenario;

/// How long a baseline that is not healthy yet gets to settle further (seconds), so a slow start
/// (a long readiness delay) is not mistaken for a broken one.
const GRACE_SECONDS: i64 = 5 * 60;
const GRACE_STEP_SECONDS: i64 = 60;

/// The first unhealthy object of the settled baseline, if any.
pub fn check(s: &Scenario, settled: &Cluster) -> Option<Problem> {
    let mut trouble = first_problem(s, settled)?;
    let mut later = settled.clone();
    let mut waited = 0;
    while waited < GRACE_SECONDS {
        later.advance_seconds(GRACE_STEP_SECONDS);
        waited += GRACE_STEP_SECONDS;
        // Named as it stands once the grace is over, if it never got better.
        trouble = first_problem(s, &later)?;
    }
    Some(trouble)
}

fn first_problem(s: &Scenario, cluster: &Cluster) -> Option<Problem> {
    let mut pods: Vec<(usize, &Pod)> = cluster.pods().values().map(|p| (declared_by(s, cluster, p), p)).collect();
    pods.sort_by(|a, b| (a.0, &a.1.meta.name).cmp(&(b.0, &b.1.meta.name)));
    for (index, pod) in pods {
        if let Some(why) = pod_trouble(cluster, pod) {
            let path =
                if index == usize::MAX { "cluster.system".to_owned() } else { format!("cluster.objects[{index}]") };
            return Some(problem(
                path,
                format!("baseline is not healthy: pod {}/{} is {why}", pod.meta.namespace, pod.meta.name),
            ));
        }
    }
    for (i, ep) in cluster.entrypoints().iter().enumerate() {
        let Some(result) = cluster.traffic().results.iter().find(|r| r.name == ep.name) else { continue };
        // Capacity is not the baseline's to prove: a scale incident's story may bring more users
        // than the baseline's limits serve (an autoscaler capped too low is its cause). What
        // must work is the path: routing, endpoints, pods and their dependencies.
        if result.success >= 0.99 || result.failure.as_deref() == Some(OVERLOADED) {
            continue;
        }
        let why = served(cluster, &ep.url).or_else(|| result.failure.clone()).unwrap_or_else(|| "failing".to_owned());
        return Some(problem(
            format!("cluster.entrypoints[{i}]"),
            format!(
                "baseline is not healthy: entrypoint {:?} ({}) serves {:.1}% of requests: {why}",
                ep.name,
                ep.url,
                result.success * 100.0
            ),
        ));
    }
    None
}

/// Index into `cluster.objects` of the deployment or bare pod that declares this pod;
/// `usize::MAX` for the system's own (sorted last).
fn declared_by(s: &Scenario, cluster: &Cluster, pod: &Pod) -> usize {
    let ns = &pod.meta.namespace;
    let owner = match &pod.meta.owner {
        None => Some((true, pod.meta.name.clone())),
        Some(o) if o.kind == OwnerKind::ReplicaSet => cluster
            .replicasets()
            .get(&(ns.clone(), o.name.clone()))
            .and_then(|rs| rs.meta.owner.as_ref())
            .filter(|d| d.kind == OwnerKind::Deployment)
            .map(|d| (false, d.name.clone())),
        Some(_) => None,
    };
    let Some((bare, name)) = owner else { return usize::MAX };
    s.cluster
        .objects
        .iter()
        .position(|o| match o {
            Object::Pod(p) => bare && p.meta.namespace == *ns && p.meta.name == name,
            Object::Deployment(d) => !bare && d.meta.namespace == *ns && d.meta.name == name,
            _ => false,
        })
        .unwrap_or(usize::MAX)
}

/// Why a pod is not healthy, as `kubectl get pods` and `describe` show it.
fn pod_trouble(cluster: &Cluster, pod: &Pod) -> Option<String> {
    if pod.status.terminating_until.is_some() || pod.status.phase == PodPhase::Succeeded {
        return None;
    }
    let status = pod.status_text(cluster.now);
    let waiting = pod.status.containers.iter().chain(&pod.status.init_statuses).find_map(|c| match &c.state {
        ContainerState::Waiting { message, .. } if !message.is_empty() => Some(message.clone()),
        _ => None,
    });
    let event = || {
        cluster
            .events_for(&pod.meta.namespace, "Pod", &pod.meta.name)
            .into_iter()
            .rev()
            .find(|e| e.warning)
            .map(|e| format!("{}: {}", e.reason, e.message))
    };
    let detail = || {
        waiting
            .clone()
            .or_else(|| pod.status.volume_error.clone())
            .or_else(|| pod.status.message.clone())
            .or_else(event)
    };
    let with = |head: String| match detail() {
        Some(d) => format!("{head}: {d}"),
        None => head,
    };
    if status != "Running" {
        return Some(with(status));
    }
    if !pod.is_ready() {
        let total = pod.status.containers.len();
        return Some(with(format!("Running but not ready ({}/{total})", pod.ready_count())));
    }
    let restarts = pod.restarts();
    if restarts > 0 {
        let last = pod.status.containers.iter().find_map(|c| match &c.last_state {
            Some(ContainerState::Terminated { reason, exit_code, .. }) => {
                Some(format!("{reason}, exit code {exit_code}"))
            }
            _ => None,
        });
        return Some(match last {
            Some(l) => format!("restarting ({restarts} restarts; last: {l})"),
            None => format!("restarting ({restarts} restarts)"),
        });
    }
    None
}

/// What a user's request to `url` gets when it fails, with the cause the failing pod gives
/// (`500 Internal Server Error: dial tcp: lookup payments on 10.96.0.10:53: no such host`).
fn served(cluster: &Cluster, url: &str) -> Option<String> {
    let (_, host, _, path) = network::parse_url(url)?;
    match network::request_ingress(cluster, &host, &path) {
        HttpOutcome::Response { status, body, .. } if status >= 400 => Some(body),
        HttpOutcome::Response { .. } => None,
        HttpOutcome::Refused { addr } => Some(format!("dial tcp {addr}: connect: connection refused")),
        HttpOutcome::Timeout { addr } => Some(format!("dial tcp {addr}: i/o timeout")),
        HttpOutcome::DnsError { message, .. } => Some(message),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::validate;
    use crate::sim::change::Object;

    fn first_deploy() -> crate::scenario::Scenario {
        crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses")
    }

    fn web(s: &mut crate::scenario::Scenario) -> &mut crate::sim::objects::Container {
        let Some(Object::Deployment(d)) = s.cluster.objects.get_mut(3) else {
            panic!("objects[3] is the web deployment")
        };
        &mut d.template.spec.containers[0]
    }

    #[test]
    fn a_slow_start_is_given_time_to_settle() {
        let mut s = first_deploy();
        if let Some(probe) = &mut web(&mut s).readiness {
            probe.initial_delay_seconds = 240;
        }
        assert!(validate(&s).is_empty(), "{:?}", validate(&s));
    }

    #[test]
    fn a_crash_before_any_fault_is_named_at_the_deployment_that_declares_the_pod() {
        let mut s = first_deploy();
        if let Some(app) = s.cluster.apps.get_mut("web") {
            app.required_env = vec!["DATABASE_URL".to_owned()];
        }
        let problems = validate(&s);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "cluster.objects[3]");
        assert!(problems[0].message.starts_with("baseline is not healthy: pod shop/web-"), "{}", problems[0].message);
        assert!(problems[0].message.contains(" is CrashLoopBackOff: back-off "), "{}", problems[0].message);
    }

    #[test]
    fn an_overloaded_baseline_is_not_refused_but_a_broken_path_is() {
        let mut s = first_deploy();
        // 3 pods of 80 requests per second each: 900 is more than they serve.
        s.cluster.entrypoints[0].rps = 900.0;
        assert!(validate(&s).is_empty(), "{:?}", validate(&s));
        // No ingress rule for this host: the controller answers 404 itself.
        s.cluster.entrypoints[0].url = "https://shop.example.org/".to_owned();
        let problems: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "cluster.entrypoints[0]: baseline is not healthy: entrypoint \"Storefront\" (https://shop.example.org/) serves 0.0% of requests: 404 Not Found (nginx)"
            ]
        );
    }
}
