//! Tests for `logs` and `top`.

use crate::sim::apps::{AppProfile, Image};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::describe::fixture::{cluster, running_status};
use crate::sim::objects::WaitingReason;
use crate::sim::objects::{Container, ContainerState, ContainerStatus};
use crate::sim::quantity::{Mebibytes, Millicores};

const CRASHING: &str = "web-6d4cf56db6-x7k2p";
const HEALTHY: &str = "web-6d4cf56db6-4xk2p";

fn logs(c: &mut Cluster, line: &str) -> Result<String, String> {
    let args: Vec<String> = shlex::split(line).unwrap_or_default();
    super::run(c, &args).map(|d| d.output).map_err(|e| e.to_string())
}

fn top(c: &mut Cluster, line: &str) -> Result<String, String> {
    let outcome = crate::sim::kubectl::run(c, &format!("top {line}"));
    if outcome.ok { Ok(outcome.output) } else { Err(outcome.output) }
}

fn with_logs() -> Cluster {
    let mut c = cluster();
    for (name, _) in [(HEALTHY, 0), ("web-6d4cf56db6-9zqtw", 1)] {
        if let Some(p) = c.pods_mut().get_mut(&key("default", name)) {
            p.status.containers[0].log = (1..=12).map(|i| format!("{name} GET /checkout 200 ({i})")).collect();
        }
    }
    c
}

fn set_waiting(c: &mut Cluster, reason: WaitingReason) {
    if let Some(p) = c.pods_mut().get_mut(&key("default", HEALTHY)) {
        p.status.containers[0] = ContainerStatus {
            state: ContainerState::Waiting { reason, message: String::new() },
            ..ContainerStatus::new("web", "shop/web:1.4.2")
        };
    }
}

#[test]
fn previous_shows_the_last_terminated_run() {
    let mut c = with_logs();
    assert_eq!(
        logs(&mut c, &format!("{CRASHING} --previous")),
        Ok("starting web 1.4.2\nlistening on :8080\nloading catalog into memory".to_owned())
    );
    assert_eq!(logs(&mut c, &format!("{CRASHING} -p --tail=1")), Ok("loading catalog into memory".to_owned()));
    assert_eq!(
        logs(&mut c, &format!("pod/{CRASHING} --tail 2 -c web -p")),
        Ok("listening on :8080\nloading catalog into memory".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --previous")),
        Err(format!(
            "Error from server (BadRequest): previous terminated container \"web\" in pod \"{HEALTHY}\" not found"
        ))
    );
}

#[test]
fn waiting_containers_have_no_logs_yet() {
    for (reason, why) in [
        (WaitingReason::ImagePullBackOff, "trying and failing to pull image"),
        (WaitingReason::ErrImagePull, "trying and failing to pull image"),
        (WaitingReason::ContainerCreating, "ContainerCreating"),
        (WaitingReason::CreateContainerConfigError, "CreateContainerConfigError"),
    ] {
        let mut c = with_logs();
        set_waiting(&mut c, reason);
        assert_eq!(
            logs(&mut c, HEALTHY),
            Err(format!(
                "Error from server (BadRequest): container \"web\" in pod \"{HEALTHY}\" is waiting to start: {why}"
            )),
            "{reason}"
        );
    }
}

#[test]
fn logs_errors_match_kubectl() {
    let mut c = with_logs();
    assert_eq!(logs(&mut c, "nope"), Err("Error from server (NotFound): pods \"nope\" not found".to_owned()));
    assert_eq!(
        logs(&mut c, "deploy/nope"),
        Err("Error from server (NotFound): deployments.apps \"nope\" not found".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} -c db")),
        Err(format!("error: container db is not valid for pod {HEALTHY}"))
    );
    assert!(logs(&mut c, &format!("{HEALTHY} -f")).is_err_and(|e| e.starts_with("error: --follow is not supported")));
    assert!(
        logs(&mut c, "")
            .is_err_and(|e| { e.starts_with("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.") })
    );
    assert_eq!(
        logs(&mut c, "--tail=x web"),
        Err("error: invalid argument \"x\" for \"--tail\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"
            .to_owned())
    );
}

#[test]
fn multi_container_pods_default_to_the_first_container() {
    let mut c = with_logs();
    if let Some(p) = c.pods_mut().get_mut(&key("default", HEALTHY)) {
        p.spec.containers.push(Container {
            name: "sidecar".to_owned(),
            image: "envoy:1.30".to_owned(),
            ..Container::default()
        });
        let mut side = running_status("sidecar", "envoy:1.30", 305);
        side.log = vec!["envoy ready".to_owned()];
        p.status.containers.push(side);
    }
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --tail=1")),
        Ok(format!("Defaulted container \"web\" out of: web, sidecar\n{HEALTHY} GET /checkout 200 (12)"))
    );
    assert_eq!(logs(&mut c, &format!("{HEALTHY} sidecar")), Ok("envoy ready".to_owned()));
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --all-containers --tail=1 --prefix")),
        Ok(format!("[pod/{HEALTHY}/web] {HEALTHY} GET /checkout 200 (12)\n[pod/{HEALTHY}/sidecar] envoy ready"))
    );
}

#[test]
fn selectors_and_workloads_pick_pods() {
    let mut c = with_logs();
    let out = logs(&mut c, "-l app=web").unwrap_or_default();
    let lines: Vec<&str> = out.lines().collect();
    // Ten lines per pod by default, without prefixes, pods in name order.
    assert_eq!(lines.len(), 21);
    assert_eq!(lines[0], format!("{HEALTHY} GET /checkout 200 (3)"));
    assert_eq!(lines[20], "listening on :8080");
    assert_eq!(
        logs(&mut c, "deploy/web --tail=1"),
        Ok(format!("Found 3 pods, using pod/{HEALTHY}\n{HEALTHY} GET /checkout 200 (12)"))
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --tail=1 --timestamps")),
        Ok(format!("2026-11-22T09:05:05.000000000Z {HEALTHY} GET /checkout 200 (12)"))
    );
    assert_eq!(logs(&mut c, "-l app=nothing"), Ok("No resources found in default namespace.".to_owned()));
}

fn with_apps() -> Cluster {
    let mut c = cluster();
    c.registry_mut().images.push(Image {
        repository: "shop/web".to_owned(),
        tags: [("1.4.2".to_owned(), "web".to_owned())].into(),
        private: false,
    });
    c.apps_mut().insert(
        "web".to_owned(),
        AppProfile {
            cpu: Millicores(12),
            cpu_per_rps: 1.0,
            memory: Mebibytes(100),
            memory_per_rps: 2.0,
            ..AppProfile::default()
        },
    );
    let mut load = c.traffic().pod_load.clone();
    load.insert(("default".to_owned(), HEALTHY.to_owned()), 10.0);
    c.set_pod_load(load);
    c
}

#[test]
fn top_pods_follows_the_app_profile_and_load() {
    let mut c = with_apps();
    assert_eq!(
        top(&mut c, "pods"),
        Ok("NAME                   CPU(cores)   MEMORY(bytes)\nweb-6d4cf56db6-4xk2p   22m          120Mi\nweb-6d4cf56db6-9zqtw   12m          100Mi".to_owned())
    );
    assert_eq!(
        top(&mut c, "pod -A --sort-by=memory --containers"),
        Ok("NAMESPACE   POD                    NAME   CPU(cores)   MEMORY(bytes)\ndefault     web-6d4cf56db6-4xk2p   web    22m          120Mi\ndefault     web-6d4cf56db6-9zqtw   web    12m          100Mi".to_owned())
    );
    // A heavier load runs into the 128Mi memory limit.
    let mut load = c.traffic().pod_load.clone();
    load.insert(("default".to_owned(), HEALTHY.to_owned()), 50.0);
    c.set_pod_load(load);
    let pod = c.pods().get(&key("default", HEALTHY)).cloned();
    assert_eq!(pod.map(|p| super::top::container_usage(&c, &p, "web")), Some((Millicores(62), Mebibytes(128))));
}

#[test]
fn top_nodes_adds_system_use() {
    let mut c = with_apps();
    assert_eq!(
        top(&mut c, "nodes"),
        Ok("NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\nnode-1   134m         3%       1229Mi          15%".to_owned())
    );
    if let Some(n) = c.nodes_mut().get_mut("node-1") {
        n.kubelet = crate::sim::objects::KubeletState::Stopped;
    }
    assert_eq!(
        top(&mut c, "nodes"),
        Ok("NAME     CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)\nnode-1   <unknown>    <unknown>   <unknown>       <unknown>".to_owned())
    );
}

#[test]
fn top_without_running_pods_explains_itself() {
    let mut c = with_apps();
    for p in c.pods_mut().values_mut() {
        p.status.containers[0].state =
            ContainerState::Waiting { reason: WaitingReason::CrashLoopBackOff, message: String::new() };
    }
    assert_eq!(
        top(&mut c, "pods"),
        Err("error: Metrics not available for pod default/web-6d4cf56db6-4xk2p, age: 5m0s".to_owned())
    );
    assert_eq!(
        top(&mut c, &format!("pod {CRASHING}")),
        Err(format!("error: Metrics not available for pod default/{CRASHING}, age: 5m0s"))
    );
    assert_eq!(top(&mut c, "pods -n shop"), Ok("No resources found in shop namespace.".to_owned()));
    assert_eq!(top(&mut c, "pod nope"), Err("Error from server (NotFound): pods \"nope\" not found".to_owned()));
}

#[test]
fn top_without_a_ready_metrics_server_says_the_metrics_api_is_not_available() {
    // kubectl checks discovery for metrics.k8s.io first: even a missing pod gets this error.
    let mut c = with_apps();
    c.apps_mut().insert(
        "metrics-server".into(),
        AppProfile { role: crate::sim::apps::AppRole::MetricsServer, ..AppProfile::default() },
    );
    for line in ["pods", "pod nope -n shop", "nodes", "node node-1"] {
        assert_eq!(top(&mut c, line), Err("error: Metrics API not available".to_owned()), "top {line}");
    }
    // Usage errors still come first.
    assert_eq!(top(&mut c, "pods --bogus").map_err(|e| e.contains("Metrics API")), Err(false));
}

/// The healthy pod with a line a minute from 09:06 to 09:10 (the fixture's clock is 09:10).
fn with_timed_logs() -> Cluster {
    let mut c = cluster();
    if let Some(p) = c.pods_mut().get_mut(&key("default", HEALTHY)) {
        p.status.containers[0].log =
            (6..=10).map(|m| format!("2026-11-22T09:{m:02}:00Z GET /checkout 200 ({m})")).collect();
    }
    c
}

#[test]
fn since_keeps_the_lines_written_in_the_last_duration() {
    let mut c = with_timed_logs();
    // kubectl logs --since=2m at 09:10:00: the lines of 09:08, 09:09 and 09:10.
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since=2m")),
        Ok("2026-11-22T09:08:00Z GET /checkout 200 (8)\n2026-11-22T09:09:00Z GET /checkout 200 (9)\n2026-11-22T09:10:00Z GET /checkout 200 (10)".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since 1h --tail=1")),
        Ok("2026-11-22T09:10:00Z GET /checkout 200 (10)".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since-time=2026-11-22T09:09:30Z")),
        Ok("2026-11-22T09:10:00Z GET /checkout 200 (10)".to_owned())
    );
    // An offset is the same moment.
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since-time=2026-11-22T10:09:30+01:00 --timestamps")),
        Ok("2026-11-22T09:10:00.000000000Z 2026-11-22T09:10:00Z GET /checkout 200 (10)".to_owned())
    );
    assert_eq!(logs(&mut c, &format!("{HEALTHY} --since-time=2026-11-22T09:10:01Z")), Ok(String::new()));
}

#[test]
fn limit_bytes_cuts_the_stream() {
    let mut c = with_timed_logs();
    // kubectl cuts at the byte, mid-line if need be.
    assert_eq!(logs(&mut c, &format!("{HEALTHY} --limit-bytes=25")), Ok("2026-11-22T09:06:00Z GET ".to_owned()));
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --limit-bytes=45 --tail=2")),
        Ok("2026-11-22T09:09:00Z GET /checkout 200 (9)\n20".to_owned())
    );
}

#[test]
fn bad_time_flags_get_kubectls_errors() {
    let mut c = with_timed_logs();
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since=abc")),
        Err("error: invalid argument \"abc\" for \"--since\" flag: time: invalid duration \"abc\"".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since=5")),
        Err("error: invalid argument \"5\" for \"--since\" flag: time: missing unit in duration \"5\"".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since=5m --since-time=2026-11-22T09:00:00Z")),
        Err("error: at most one of `sinceTime` or `sinceSeconds` may be specified".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --since-time=yesterday")),
        Err("error: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\"".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --limit-bytes=-1")),
        Err("error: --limit-bytes must be greater than 0".to_owned())
    );
    assert_eq!(
        logs(&mut c, &format!("{HEALTHY} --tail=-2")),
        Err("error: --tail must be greater than or equal to -1".to_owned())
    );
}
