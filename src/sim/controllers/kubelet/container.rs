//! One container's life under the kubelet: pull, configure, start, run as its app profile
//! dictates, and restart with back-off when it dies.

use crate::sim::apps::{AppProfile, ImageLookup};
use crate::sim::cluster::{Cluster, key, timestamp};
use crate::sim::network::{self, Source};
use crate::sim::objects::{Container, ContainerState, ContainerStatus, Pod, Probe};
use crate::sim::quantity::{Mebibytes, Millicores};

use super::{LOG_LINES, MAX_BACKOFF, env};
use crate::sim::controllers::STEP_SECONDS;
use crate::sim::objects::WaitingReason;

/// Events a sync produced, recorded on the pod afterwards.
#[derive(Default)]
pub struct Events {
    pub list: Vec<(bool, &'static str, String)>,
}

impl Events {
    pub fn warn(&mut self, reason: &'static str, message: String) {
        self.list.push((true, reason, message));
    }
    pub fn normal(&mut self, reason: &'static str, message: String) {
        self.list.push((false, reason, message));
    }
}

/// CPU and memory a running container uses, from its app profile and the traffic it serves.
pub fn container_usage(cluster: &Cluster, pod: &Pod, container: &str) -> (Millicores, Mebibytes) {
    let Some(status) = pod.status.containers.iter().find(|c| c.name == container) else {
        return (Millicores(0), Mebibytes(0));
    };
    if !matches!(status.state, ContainerState::Running { .. }) {
        return (Millicores(0), Mebibytes(0));
    }
    let Some(app) = cluster.app_for_image(&status.image) else {
        return (Millicores(1), Mebibytes(8));
    };
    let rps = cluster.traffic().pod_rps(&pod.meta.namespace, &pod.meta.name);
    let cpu = app.cpu.0 as f64 + app.cpu_per_rps * rps;
    let mem = app.memory.0 as f64 + app.memory_per_rps * rps;
    (Millicores(cpu.round() as u64), Mebibytes(mem.round() as u64))
}

/// Whether a pod's containers are all running, ready and past every timed transition, so the
/// kubelet has nothing to do until something in the world changes.
pub fn settled(cluster: &Cluster, pod: &Pod) -> bool {
    pod.spec.containers.iter().zip(&pod.status.containers).all(|(spec, status)| {
        let ContainerState::Running { started_at } = status.state else { return false };
        let Some(app) = cluster.app_for_image(&spec.image) else { return status.ready };
        let past_probes = [&spec.liveness, &spec.readiness]
            .iter()
            .all(|p| p.as_ref().is_none_or(|p| cluster.now - started_at > i64::from(p.initial_delay_seconds)));
        let fits =
            spec.resources.limits.memory.is_none_or(|limit| container_usage(cluster, pod, &spec.name).1 <= limit);
        status.ready && status.liveness_failures == 0 && past_probes && fits && app.exits_after.is_none()
    })
}

/// Whether a settled pod is unaffected by a change in the world: still settled, and nothing it
/// depends on (dependencies, API permissions, mounted files) fails for it now.
pub fn unaffected(cluster: &Cluster, pod: &Pod) -> bool {
    if !settled(cluster, pod) {
        return false;
    }
    let source = Source::Pod { namespace: &pod.meta.namespace, name: &pod.meta.name };
    pod.spec.containers.iter().all(|spec| {
        let Some(app) = cluster.app_for_image(&spec.image) else { return true };
        app.dependencies.iter().all(|d| network::dependency_error(cluster, source, d).is_none())
            && (app.dependencies.is_empty() || !cluster.traffic().upstream_errors.contains_key(&pod.meta.key()))
            && (app.api_calls.is_empty() || {
                let user = format!("system:serviceaccount:{}:{}", pod.meta.namespace, pod.spec.service_account);
                app.api_calls.iter().all(|call| {
                    let (verb, resource) = call.split_once(' ').unwrap_or(("get", call));
                    crate::sim::rbac::allowed(cluster, &user, verb, resource, &pod.meta.namespace)
                })
            })
            && app.required_files.iter().all(|f| env::file_present(cluster, pod, spec, f))
    })
}

/// Whether [`unaffected`] reads other pods for this pod: its apps call dependencies, whose
/// backends' state decides whether the calls get through.
pub fn reads_other_pods(cluster: &Cluster, pod: &Pod) -> bool {
    pod.spec
        .containers
        .iter()
        .any(|spec| cluster.app_for_image(&spec.image).is_some_and(|a| !a.dependencies.is_empty()))
}

fn status_mut(pod: &mut Pod, index: usize, init: bool) -> Option<&mut ContainerStatus> {
    if init { pod.status.init_statuses.get_mut(index) } else { pod.status.containers.get_mut(index) }
}

fn spec_of(pod: &Pod, index: usize, init: bool) -> Option<&Container> {
    if init { pod.spec.init_containers.get(index) } else { pod.spec.containers.get(index) }
}

fn log(status: &mut ContainerStatus, now: i64, line: &str) {
    status.log.push(format!("{} {line}", timestamp(now)));
    if status.log.len() > LOG_LINES {
        let extra = status.log.len() - LOG_LINES;
        status.log.drain(..extra);
    }
}

/// Moves one container forward by a step.
pub fn sync(cluster: &Cluster, pod: &mut Pod, index: usize, init: bool, events: &mut Events) {
    let now = cluster.now;
    let Some(spec) = spec_of(pod, index, init).cloned() else { return };
    let pod_id = format!("{}_{}({})", pod.meta.name, pod.meta.namespace, crate::sim::manifest::uid(pod.meta.uid));
    let policy = pod.spec.restart_policy;
    let Some(status) = status_mut(pod, index, init) else { return };
    match status.state.clone() {
        ContainerState::Running { started_at } => {
            run(cluster, pod, index, init, &spec, started_at, events);
        }
        ContainerState::Terminated { exit_code: 0, .. } if init => {}
        // A job's container that exited stays exited unless its restart policy says otherwise.
        ContainerState::Terminated { exit_code, .. } if !init && !policy.restarts(exit_code) => {}
        ContainerState::Terminated { .. } | ContainerState::Waiting { .. } if status.next_start > now => {
            let waiting = match &status.state {
                ContainerState::Waiting { reason, .. }
                    if *reason == WaitingReason::ImagePullBackOff || *reason == WaitingReason::ErrImagePull =>
                {
                    "ImagePullBackOff"
                }
                ContainerState::Waiting { reason, .. } if *reason == WaitingReason::CrashLoopBackOff => {
                    "CrashLoopBackOff"
                }
                ContainerState::Terminated { .. } => "CrashLoopBackOff",
                _ => "",
            };
            if waiting == "ImagePullBackOff" {
                status.state = ContainerState::Waiting {
                    reason: WaitingReason::ImagePullBackOff,
                    message: format!("Back-off pulling image \"{}\"", spec.image),
                };
                events.normal("BackOff", format!("Back-off pulling image \"{}\"", spec.image));
                events.warn("Failed", "Error: ImagePullBackOff".to_owned());
            } else if waiting == "CrashLoopBackOff" {
                if let ContainerState::Terminated { .. } = status.state {
                    status.last_state = Some(status.state.clone());
                }
                status.state = ContainerState::Waiting {
                    reason: WaitingReason::CrashLoopBackOff,
                    message: format!(
                        "back-off {}s restarting failed container={} pod={pod_id}",
                        status.backoff_seconds, spec.name
                    ),
                };
                events.warn("BackOff", format!("Back-off restarting failed container {} in pod {pod_id}", spec.name));
            }
        }
        _ => start(cluster, pod, index, init, &spec, events),
    }
}

fn next_backoff(status: &mut ContainerStatus) -> u32 {
    status.backoff_seconds =
        if status.backoff_seconds == 0 { 10 } else { (status.backoff_seconds * 2).min(MAX_BACKOFF) };
    status.backoff_seconds
}

fn start(cluster: &Cluster, pod: &mut Pod, index: usize, init: bool, spec: &Container, events: &mut Events) {
    let now = cluster.now;
    let ns = pod.meta.namespace.clone();
    let pull_error = pull(cluster, pod, spec);
    let env_result = env::resolve_env(cluster, &ns, spec);
    let app = cluster.app_for_image(&spec.image);
    let Some(status) = status_mut(pod, index, init) else { return };
    let restarting = match &status.state {
        ContainerState::Terminated { .. } => true,
        ContainerState::Waiting { reason, .. } => *reason == WaitingReason::CrashLoopBackOff,
        ContainerState::Running { .. } => false,
    };
    if let Err(message) = pull_error {
        events.normal("Pulling", format!("Pulling image \"{}\"", spec.image));
        events.warn("Failed", format!("Failed to pull image \"{}\": {message}", spec.image));
        events.warn("Failed", "Error: ErrImagePull".to_owned());
        status.state = ContainerState::Waiting {
            reason: WaitingReason::ErrImagePull,
            message: format!("rpc error: code = NotFound desc = {message}"),
        };
        let backoff = next_backoff(status);
        status.next_start = now + i64::from(backoff);
        return;
    }
    if matches!(&status.state, ContainerState::Waiting { reason, .. } if *reason == WaitingReason::ContainerCreating || *reason == WaitingReason::ErrImagePull || *reason == WaitingReason::ImagePullBackOff)
    {
        events.normal("Pulling", format!("Pulling image \"{}\"", spec.image));
        events.normal(
            "Pulled",
            format!(
                "Successfully pulled image \"{}\" in 1.204s (1.204s including waiting). Image size: 48213507 bytes.",
                spec.image
            ),
        );
        status.backoff_seconds = 0;
    }
    let env = match env_result {
        Ok(env) => env,
        Err(message) => {
            events.warn("Failed", format!("Error: {message}"));
            status.state = ContainerState::Waiting { reason: WaitingReason::CreateContainerConfigError, message };
            return;
        }
    };
    // A restart keeps the dead instance's log as `--previous`.
    if restarting {
        if let ContainerState::Terminated { .. } = status.state {
            status.last_state = Some(status.state.clone());
        }
        status.previous_log = std::mem::take(&mut status.log);
        status.restart_count += 1;
    }
    let executables: &[String] = app.map_or(&[], |a| &a.executables);
    if let Some(cmd) = spec.command.first()
        && !executables.is_empty()
        && !executables.iter().any(|e| e == cmd || e.rsplit('/').next() == Some(cmd.as_str()))
    {
        let message = format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{cmd}\": executable file not found in $PATH: unknown"
        );
        events.normal("Created", format!("Created container: {}", spec.name));
        events.warn("Failed", format!("Error: {message}"));
        status.state = ContainerState::Terminated {
            reason: "StartError".to_owned(),
            exit_code: 128,
            message,
            started_at: now,
            finished_at: now,
        };
        let backoff = next_backoff(status);
        status.next_start = now + i64::from(backoff);
        return;
    }
    events.normal("Created", format!("Created container: {}", spec.name));
    events.normal("Started", format!("Started container {}", spec.name));
    status.state = ContainerState::Running { started_at: now };
    status.ready = false;
    status.liveness_failures = 0;
    if let Some(app) = app {
        for line in &app.start_logs {
            log(status, now, line);
        }
        // An app missing required config says so on its first line and exits.
        if let Some(missing) = app.required_env.iter().find(|k| !env.contains_key(*k)) {
            log(status, now, &app.missing_env_log.replace("{name}", missing));
        }
    }
}

/// Pulls the image, or says why not.
fn pull(cluster: &Cluster, pod: &Pod, spec: &Container) -> Result<(), String> {
    let image = &spec.image;
    match cluster.registry().resolve(image) {
        ImageLookup::NoRepository | ImageLookup::NoTag => Err(format!(
            "failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"
        )),
        ImageLookup::Found { private: true, .. } if !has_pull_secret(cluster, pod) => {
            let (repo, _) = crate::sim::apps::split_image(image);
            Err(format!(
                "failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed: {repo}"
            ))
        }
        ImageLookup::Found { .. } => Ok(()),
    }
}

fn has_pull_secret(cluster: &Cluster, pod: &Pod) -> bool {
    let ns = &pod.meta.namespace;
    let from_sa = cluster
        .serviceaccounts()
        .get(&key(ns, &pod.spec.service_account))
        .map(|sa| sa.image_pull_secrets.clone())
        .unwrap_or_default();
    pod.spec
        .image_pull_secrets
        .iter()
        .chain(from_sa.iter())
        .any(|name| cluster.secrets().get(&key(ns, name)).is_some_and(|s| s.kind == "kubernetes.io/dockerconfigjson"))
}

/// Deterministic jitter in seconds from a pod's identity, so replicas do not die in lockstep.
fn jitter(pod: &Pod, restarts: u32, span: u32) -> i64 {
    let h = pod.meta.uid.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(u64::from(restarts) * 7919);
    i64::from((h % u64::from(span.max(1))) as u32)
}

#[allow(clippy::too_many_arguments)]
fn run(
    cluster: &Cluster,
    pod: &mut Pod,
    index: usize,
    init: bool,
    spec: &Container,
    started_at: i64,
    events: &mut Events,
) {
    let now = cluster.now;
    let default_app;
    let app = if let Some(a) = cluster.app_for_image(&spec.image) {
        a
    } else {
        default_app = AppProfile::default();
        &default_app
    };
    let view: &Pod = pod;
    let ip = view.status.pod_ip.clone().unwrap_or_default();
    let up_for = now - started_at;
    let started = up_for >= i64::from(app.startup_seconds);
    // The environment is read once, at start.
    let missing_env = up_for <= STEP_SECONDS
        && !app.required_env.is_empty()
        && env::resolve_env(cluster, &view.meta.namespace, spec)
            .is_ok_and(|env| app.required_env.iter().any(|k| !env.contains_key(k)));
    let missing_file = app.required_files.iter().find(|f| !env::file_present(cluster, view, spec, f)).cloned();
    // CoreDNS reads its Corefile once, at start, and exits on a syntax error.
    let config_error = (up_for <= STEP_SECONDS && app.role == crate::sim::apps::AppRole::Dns)
        .then(|| env::corefile_error(cluster, view, spec))
        .flatten()
        // A control-plane binary parses its command line at start and exits on a flag it lacks.
        .or_else(|| {
            (up_for <= STEP_SECONDS
                && view.meta.annotations.contains_key(crate::sim::controllers::static_pods::MIRROR_ANNOTATION))
            .then(|| crate::sim::api_server::command_error(&spec.command))
            .flatten()
        });
    let restarts = view.status.containers.get(index).map_or(0, |c| c.restart_count);
    let oom_due = !init
        && spec.resources.limits.memory.is_some_and(|limit| container_usage(cluster, view, &spec.name).1 > limit)
        && up_for >= i64::from(app.startup_seconds) + 5 + jitter(view, restarts, 40);
    let source = Source::Pod { namespace: &view.meta.namespace, name: &view.meta.name };
    let mut dependency_errors: Vec<String> = if started || app.exits_after.is_some() {
        app.dependencies.iter().filter_map(|d| network::dependency_error(cluster, source, d)).collect()
    } else {
        Vec::new()
    };
    // A dependency that answers too slowly (overloaded, starved of CPU) times out its calls.
    if dependency_errors.is_empty() && started && app.exits_after.is_none() && !app.dependencies.is_empty() {
        dependency_errors.extend(cluster.traffic().upstream_error(&view.meta.namespace, &view.meta.name, now));
    }
    let api_errors: Vec<String> = if app.api_calls.is_empty() {
        Vec::new()
    } else {
        let ns = &view.meta.namespace;
        let user = format!("system:serviceaccount:{ns}:{}", view.spec.service_account);
        app.api_calls
            .iter()
            .filter_map(|call| {
                let (verb, resource) = call.split_once(' ').unwrap_or(("get", call));
                (!crate::sim::rbac::allowed(cluster, &user, verb, resource, ns)).then(|| {
                    format!(
                        "E reflector.go:158] Failed to watch: failed to list: {}",
                        crate::sim::rbac::forbidden_message(&user, verb, resource, ns)
                    )
                })
            })
            .collect()
    };
    let Some(status) = status_mut(pod, index, init) else { return };
    let crash = |status: &mut ContainerStatus, reason: &str, code: i32| {
        status.state = ContainerState::Terminated {
            reason: reason.to_owned(),
            exit_code: code,
            message: String::new(),
            started_at,
            finished_at: now,
        };
        status.ready = false;
        if up_for >= 600 {
            status.backoff_seconds = 0;
        }
        let backoff = next_backoff(status);
        status.next_start = now + i64::from(backoff);
    };
    // Missing configuration: the app logged why at start and exits. A process reads its
    // environment once, at start, so a config change later does not kill a running container.
    if missing_env {
        crash(status, "Error", 1);
        return;
    }
    if let Some(error) = config_error {
        // CoreDNS parses its Corefile before it prints its banner (a control-plane binary its flags).
        status.log.clear();
        log(status, now, &error);
        crash(status, "Error", 1);
        return;
    }
    if let Some(file) = missing_file {
        log(status, now, &format!("FATAL: open {file}: no such file or directory"));
        crash(status, "Error", 1);
        return;
    }
    if oom_due {
        crash(status, "OOMKilled", 137);
        return;
    }
    // An app refused by the API server logs the refusal instead of doing its work.
    let refused = !api_errors.is_empty();
    for line in &api_errors {
        log(status, now, line);
    }
    if let Some(after) = app.exits_after {
        if up_for >= i64::from(app.startup_seconds + after) {
            if let Some(error) = dependency_errors.first() {
                log(status, now, &format!("ERROR: {error}"));
                crash(status, "Error", 1);
            } else if app.exit_code != 0 && !init {
                log(status, now, &format!("ERROR: exiting with code {}", app.exit_code));
                crash(status, "Error", app.exit_code);
            } else {
                log(status, now, "done");
                status.state = ContainerState::Terminated {
                    reason: "Completed".to_owned(),
                    exit_code: 0,
                    message: String::new(),
                    started_at,
                    finished_at: now,
                };
            }
        }
        return;
    }
    for error in &dependency_errors {
        log(status, now, &format!("ERROR request failed: {error}"));
    }
    if dependency_errors.is_empty()
        && !refused
        && started
        && let Some(line) = &app.serve_log
        && now.rem_euclid(60) < STEP_SECONDS
    {
        log(status, now, line);
    }
    if let Some(probe) = &spec.liveness
        && up_for >= i64::from(probe.initial_delay_seconds)
        && let Err(why) = probe_result(app, probe, &ip, started)
    {
        let period = i64::from(probe.period_seconds.max(1));
        status.liveness_failures += (STEP_SECONDS / period).max(1) as u32;
        events.warn("Unhealthy", format!("Liveness probe failed: {why}"));
        if status.liveness_failures >= probe.failure_threshold {
            events.normal("Killing", format!("Container {} failed liveness probe, will be restarted", spec.name));
            log(status, now, "Received SIGTERM, shutting down gracefully");
            crash(status, "Error", 137);
            status.liveness_failures = 0;
            return;
        }
    } else {
        status.liveness_failures = 0;
    }
    status.ready = match &spec.readiness {
        None => started,
        Some(probe) if up_for < i64::from(probe.initial_delay_seconds) => false,
        Some(probe) => match probe_result(app, probe, &ip, started) {
            Ok(()) => true,
            Err(why) => {
                events.warn("Unhealthy", format!("Readiness probe failed: {why}"));
                false
            }
        },
    };
}

/// What the kubelet's HTTP or TCP probe gets from the app.
fn probe_result(app: &AppProfile, probe: &Probe, ip: &str, started: bool) -> Result<(), String> {
    let path = probe.path.clone().unwrap_or_default();
    let listening = started && app.port == Some(probe.port);
    if !listening {
        return Err(match &probe.path {
            Some(_) => format!(
                "Get \"http://{ip}:{}{path}\": dial tcp {ip}:{}: connect: connection refused",
                probe.port, probe.port
            ),
            None => format!("dial tcp {ip}:{}: connect: connection refused", probe.port),
        });
    }
    if probe.path.is_some() && !app.paths.iter().any(|p| p == &path || (p != "/" && path.starts_with(&format!("{p}/"))))
    {
        return Err("HTTP probe failed with statuscode: 404".to_owned());
    }
    Ok(())
}
