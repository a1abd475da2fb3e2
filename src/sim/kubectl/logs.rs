//! `kubectl logs` (from the container statuses the kubelet fills) and `kubectl top` (usage
//! derived from each running app's profile and the traffic it serves).

mod since;
pub mod top;

use std::fmt::Write as _;

use super::args::{Args, FlagSpec};
use super::describe::clock;
use super::{Done, KubectlError};
use crate::sim::change::ApiError;
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::objects::{ContainerState, ContainerStatus, Labels, Pod, Selector};

pub(super) const FLAGS: &[FlagSpec] = &[
    flag::PREVIOUS,
    flag::CONTAINER,
    flag::TAIL,
    flag::SELECTOR,
    flag::ALL_CONTAINERS,
    flag::TIMESTAMPS,
    flag::FOLLOW,
    flag::PREFIX,
    flag::IGNORE_ERRORS,
    flag::SINCE,
    flag::SINCE_TIME,
    flag::LIMIT_BYTES,
    flag::MAX_LOG_REQUESTS,
    flag::POD_RUNNING_TIMEOUT,
];

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";

/// What to print for each pod.
struct Options<'a> {
    container: Option<&'a str>,
    all_containers: bool,
    previous: bool,
    tail: Option<usize>,
    timestamps: bool,
    prefix: bool,
    /// `--since`/`--since-time`: the incident time a line must be written at or after.
    since: Option<i64>,
    /// `--limit-bytes`: how much of each container's log to print.
    limit_bytes: Option<usize>,
}

/// Runs `kubectl logs`.
pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    if args.switch(flag::FOLLOW) {
        return Err(KubectlError::msg(
            "error: --follow is not supported in this console: logs show what was written until now; run the command again to see new lines",
        ));
    }
    let ns = args.namespace();
    let since = since(cluster, &args)?;
    let limit_bytes: Option<i64> = args.number(flag::LIMIT_BYTES)?;
    if limit_bytes.is_some_and(|n| n < 0) {
        return Err(KubectlError::msg("error: --limit-bytes must be greater than 0"));
    }
    let tail: Option<i64> = args.number(flag::TAIL)?;
    if tail.is_some_and(|n| n < -1) {
        return Err(KubectlError::msg("error: --tail must be greater than or equal to -1"));
    }
    let selector = args.value(flag::SELECTOR);
    let default_tail = if selector.is_some() { 10 } else { -1 };
    let tail = tail.unwrap_or(default_tail);
    let mut opts = Options {
        container: args.value(flag::CONTAINER),
        all_containers: args.switch(flag::ALL_CONTAINERS),
        previous: args.switch(flag::PREVIOUS),
        tail: usize::try_from(tail).ok(),
        timestamps: args.switch(flag::TIMESTAMPS),
        prefix: args.switch(flag::PREFIX),
        since,
        limit_bytes: limit_bytes.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0),
    };
    if let Some(sel) = selector {
        if !args.positional.is_empty() {
            return Err(KubectlError::msg("error: only one of -l or POD may be specified"));
        }
        let sel = Selector::parse(sel).map_err(|e| KubectlError::msg(format!("error: {e}")))?;
        let mut pods: Vec<&Pod> =
            cluster.pods().values().filter(|p| p.meta.namespace == ns && sel.matches(&p.meta.labels)).collect();
        if pods.is_empty() {
            return Done::read(format!("No resources found in {ns} namespace."));
        }
        pods.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        let mut out: Vec<String> = Vec::new();
        for pod in pods {
            match pod_logs(cluster, pod, &opts, false) {
                Ok((_, lines)) => out.extend(lines),
                Err(e) if args.switch(flag::IGNORE_ERRORS) => {
                    let _ = e;
                }
                Err(e) => {
                    out.push(e.to_string());
                    return Err(KubectlError::msg(out.join("\n")));
                }
            }
        }
        return Done::read(out.join("\n"));
    }
    let Some(target) = args.positional.first() else {
        return Err(KubectlError::msg(USAGE));
    };
    if let Some(c) = args.positional.get(1) {
        if opts.container.is_some() {
            return Err(KubectlError::msg(format!(
                "error: only one of -c or an inline [CONTAINER] arg is allowed\nSee 'kubectl logs -h' for help and examples (got {c})"
            )));
        }
        opts.container = Some(c.as_str());
    }
    let (pod, mut notes) = resolve_pod(cluster, ns, target)?;
    let (more_notes, lines) = pod_logs(cluster, pod, &opts, true)?;
    notes.extend(more_notes);
    notes.extend(lines);
    Done::read(notes.join("\n"))
}

/// The moment `--since` or `--since-time` asks for lines from, in incident seconds, with
/// kubectl's errors (a bad duration is refused as cobra refuses a flag's value).
fn since(cluster: &Cluster, args: &Args) -> Result<Option<i64>, KubectlError> {
    let duration =
        match args.value(flag::SINCE) {
            None => None,
            Some(text) => Some(since::parse_duration(text).map_err(|e| {
                KubectlError::msg(format!("error: invalid argument \"{text}\" for \"--since\" flag: {e}"))
            })?),
        };
    let time = match args.value(flag::SINCE_TIME) {
        None => None,
        Some(text) => Some(since::parse_rfc3339(text).map_err(|e| KubectlError::msg(format!("error: {e}")))?),
    };
    match (duration, time) {
        (Some(d), Some(_)) if d != 0 => {
            Err(KubectlError::msg("error: at most one of `sinceTime` or `sinceSeconds` may be specified"))
        }
        (Some(d), _) if d < 0 => Err(KubectlError::msg("error: --since must be greater than 0")),
        (Some(d), None) if d > 0 => Ok(Some(cluster.now - d)),
        (_, time) => Ok(time),
    }
}

/// When a log line was written: the timestamp it starts with, else `fallback` (the line
/// before it, or its container's start).
fn line_time(line: &str, fallback: i64) -> i64 {
    line.split_whitespace().next().and_then(crate::sim::manifest::parse_timestamp).unwrap_or(fallback)
}

/// Picks the pod `logs`/`exec` talks to: `NAME`, `pod/NAME`, or the first pod of a
/// deployment, replica set, daemon set, stateful set, job or service (with kubectl's `Found N pods, using pod/…` note).
pub(crate) fn resolve_pod<'a>(
    cluster: &'a Cluster,
    ns: &str,
    target: &str,
) -> Result<(&'a Pod, Vec<String>), KubectlError> {
    let (kind, name) = match target.split_once('/') {
        None => (Kind::Pod, target),
        Some((t, n)) => (
            Kind::parse(t)
                .ok_or_else(|| KubectlError::msg(format!("error: the server doesn't have a resource type \"{t}\"")))?,
            n,
        ),
    };
    let selector: Labels = match kind {
        Kind::Pod => {
            return cluster
                .pods()
                .get(&key(ns, name))
                .map(|p| (p, Vec::new()))
                .ok_or_else(|| ApiError::not_found(Kind::Pod, name).into());
        }
        Kind::Deployment => {
            let d = cluster.deployments().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?;
            if d.selector.is_empty() { d.template.labels.clone() } else { d.selector.clone() }
        }
        Kind::ReplicaSet => {
            cluster.replicasets().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?.selector.clone()
        }
        Kind::Service => {
            cluster.services().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?.selector.clone()
        }
        Kind::DaemonSet => {
            cluster.daemonsets().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?.selector.clone()
        }
        Kind::StatefulSet => {
            cluster.statefulsets().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?.selector.clone()
        }
        Kind::Job => {
            let job = cluster.jobs().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(kind, name))?;
            Labels::from([("batch.kubernetes.io/job-name".to_owned(), job.meta.name.clone())])
        }
        other => {
            return Err(KubectlError::msg(format!("error: cannot get the logs from {}", other.qualified_plural())));
        }
    };
    let sel = Selector::from_labels(&selector);
    let mut pods: Vec<&Pod> = cluster
        .pods()
        .values()
        .filter(|p| p.meta.namespace == ns && !selector.is_empty() && sel.matches(&p.meta.labels))
        .collect();
    // Like kubectl's ByLogging: running and ready pods first, then older ones.
    pods.sort_by_key(|p| (!p.is_ready(), p.status.node.is_none(), p.meta.created, p.meta.name.clone()));
    let Some(first) = pods.first() else {
        return Err(KubectlError::msg(format!("error: timed out waiting for the condition (no pods match {target})")));
    };
    let notes = if pods.len() > 1 {
        vec![format!("Found {} pods, using pod/{}", pods.len(), first.meta.name)]
    } else {
        Vec::new()
    };
    Ok((first, notes))
}

/// The container `logs`/`exec` use when none is named, and the note kubectl prints.
pub(crate) fn default_container(pod: &Pod) -> (Option<&str>, Option<String>) {
    let named = pod.meta.annotations.get("kubectl.kubernetes.io/default-container").map(String::as_str);
    let first = named.or_else(|| pod.spec.containers.first().map(|c| c.name.as_str()));
    let total = pod.spec.containers.len() + pod.spec.init_containers.len();
    let note = match first {
        Some(f) if total > 1 && named.is_none() => {
            let mut names: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
            names.extend(pod.spec.init_containers.iter().map(|c| format!("{} (init)", c.name)));
            Some(format!("Defaulted container \"{f}\" out of: {}", names.join(", ")))
        }
        _ => None,
    };
    (first, note)
}

fn status_of<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    pod.status
        .containers
        .iter()
        .chain(&pod.status.init_statuses)
        .chain(&pod.status.ephemeral_statuses)
        .find(|s| s.name == container)
}

fn bad_request(text: String) -> KubectlError {
    KubectlError::Api(ApiError::BadRequest(text))
}

/// Notes and log lines of the chosen containers of one pod.
fn pod_logs(
    cluster: &Cluster,
    pod: &Pod,
    opts: &Options<'_>,
    with_notes: bool,
) -> Result<(Vec<String>, Vec<String>), KubectlError> {
    let pod_name = &pod.meta.name;
    let mut notes = Vec::new();
    let containers: Vec<&str> = if let Some(c) = opts.container {
        let ephemeral = pod.spec.ephemeral_containers.iter().map(|e| &e.container);
        let exists = pod.spec.containers.iter().chain(&pod.spec.init_containers).chain(ephemeral).any(|x| x.name == c);
        if !exists {
            return Err(KubectlError::msg(format!("error: container {c} is not valid for pod {pod_name}")));
        }
        vec![c]
    } else if opts.all_containers {
        pod.spec.init_containers.iter().chain(&pod.spec.containers).map(|c| c.name.as_str()).collect()
    } else {
        let (first, note) = default_container(pod);
        if let (Some(n), true) = (note, with_notes) {
            notes.push(n);
        }
        first.into_iter().collect()
    };
    let mut lines = Vec::new();
    for c in containers {
        let status = status_of(pod, c);
        let (log, started) = container_log(pod, c, status, opts.previous)?;
        let mut log: Vec<String> = log.to_vec();
        if !opts.previous
            && let Some(status) = status
        {
            log.extend(serving_lines(cluster, status, log.last()));
        }
        // Each line's time, for --since and --timestamps.
        let mut at = started;
        let timed: Vec<(i64, &String)> = log
            .iter()
            .map(|line| {
                at = line_time(line, at);
                (at, line)
            })
            .filter(|(t, _)| opts.since.is_none_or(|since| *t >= since))
            .collect();
        let skip = opts.tail.map_or(0, |n| timed.len().saturating_sub(n));
        let mut budget = opts.limit_bytes.unwrap_or(usize::MAX);
        for (time, line) in &timed[skip..] {
            if budget == 0 {
                break;
            }
            let mut l = String::new();
            if opts.prefix {
                let _ = write!(l, "[pod/{pod_name}/{c}] ");
            }
            if opts.timestamps {
                l.push_str(&clock::rfc3339_nano(*time));
                l.push(' ');
            }
            l.push_str(line);
            // --limit-bytes cuts the stream, mid-line if need be (the newline counts).
            if l.len() + 1 > budget {
                let mut end = budget.min(l.len());
                while !l.is_char_boundary(end) {
                    end -= 1;
                }
                l.truncate(end);
                budget = 0;
            } else {
                budget -= l.len() + 1;
            }
            lines.push(l);
        }
    }
    Ok((notes, lines))
}

/// What a healthy serving app has written since its last recorded line: its request log once a
/// minute. The kubelet leaves settled pods alone, so these are produced when read.
fn serving_lines(cluster: &Cluster, status: &ContainerStatus, last: Option<&String>) -> Vec<String> {
    let Some(app) = cluster.app_for_image(&status.image) else { return Vec::new() };
    let (Some(line), ContainerState::Running { started_at }, true) = (&app.serve_log, &status.state, status.ready)
    else {
        return Vec::new();
    };
    let last_time = last
        .and_then(|l| l.split_whitespace().next())
        .and_then(crate::sim::manifest::parse_timestamp)
        .unwrap_or(*started_at)
        .max(*started_at);
    let first = (last_time / 60 + 1) * 60;
    let mut out = Vec::new();
    let mut t = first.max(cluster.now - 20 * 60);
    while t <= cluster.now {
        out.push(format!("{} {line}", crate::sim::cluster::timestamp(t)));
        t += 60;
    }
    out
}

/// The log lines and start time of one container, or the API server's refusal.
fn container_log<'a>(
    pod: &Pod,
    container: &str,
    status: Option<&'a ContainerStatus>,
    previous: bool,
) -> Result<(&'a [String], i64), KubectlError> {
    let pod_name = &pod.meta.name;
    let Some(status) = status else {
        let reason =
            if pod.status.init_statuses.is_empty() || pod.spec.init_containers.iter().any(|c| c.name == container) {
                "ContainerCreating"
            } else {
                "PodInitializing"
            };
        return Err(bad_request(format!(
            "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {reason}"
        )));
    };
    if previous {
        return match &status.last_state {
            Some(ContainerState::Terminated { started_at, .. }) => Ok((&status.previous_log, *started_at)),
            _ => Err(bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
            ))),
        };
    }
    match &status.state {
        ContainerState::Running { started_at } => Ok((&status.log, *started_at)),
        ContainerState::Terminated { started_at, .. } => Ok((&status.log, *started_at)),
        ContainerState::Waiting { reason, .. } => {
            let ran_before = status.restart_count > 0 || status.last_state.is_some() || !status.log.is_empty();
            if ran_before {
                let started = match &status.last_state {
                    Some(ContainerState::Terminated { started_at, .. }) => *started_at,
                    _ => pod.status.started_at.unwrap_or(0),
                };
                return Ok((&status.log, started));
            }
            let why = match reason.as_str() {
                "ImagePullBackOff" | "ErrImagePull" | "ErrImageNeverPull" | "InvalidImageName" => {
                    "trying and failing to pull image"
                }
                "" => "ContainerCreating",
                other => other,
            };
            Err(bad_request(format!("container \"{container}\" in pod \"{pod_name}\" is waiting to start: {why}")))
        }
    }
}

#[cfg(test)]
mod tests;
