//! The job controller: keeps up to `parallelism` pods running until `completions` of them have
//! succeeded (the job is then `Complete`), and fails the job when more pods failed than
//! `backoffLimit` allows (`BackoffLimitExceeded`) or it ran past `activeDeadlineSeconds`
//! (`DeadlineExceeded`). A failed pod is replaced after a back-off (10 s, doubling, at most six
//! minutes). A finished job with `ttlSecondsAfterFinished` is deleted after it.

use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::objects::{Job, JobOutcome, OwnerKind, PodPhase, RestartPolicy};

/// Runs every step: what pods did is only read when the world changed (`changed`), but
/// deadlines and time-to-live run on the clock.
pub fn step(cluster: &mut Cluster, changed: bool) {
    if cluster.jobs().is_empty() {
        return;
    }
    let now = cluster.now;
    let keys: Vec<(String, String)> = cluster
        .jobs()
        .iter()
        .filter(|(_, j)| changed || timed_out(j, now) || expired(j, now) || j.status.retry_at.is_some_and(|t| now >= t))
        .map(|(k, _)| k.clone())
        .collect();
    if keys.is_empty() {
        return;
    }
    let mut counts = counts(cluster);
    for k in keys {
        let c = counts.remove(&k).unwrap_or_default();
        reconcile(cluster, &k, &c);
    }
}

fn timed_out(job: &Job, now: i64) -> bool {
    !job.finished()
        && job.spec.active_deadline_seconds.zip(job.status.start_time).is_some_and(|(d, s)| now - s >= i64::from(d))
}

fn expired(job: &Job, now: i64) -> bool {
    match (job.spec.ttl_seconds_after_finished, &job.status.outcome) {
        (Some(ttl), Some((at, _))) => now - at >= i64::from(ttl),
        _ => false,
    }
}

/// What a job's pods add up to.
#[derive(Default)]
struct Counts {
    active: Vec<String>,
    ready: u32,
    succeeded: u32,
    /// Failed pods, plus container restarts of pods that restart on failure.
    failed: u32,
    /// When the last failed pod's container stopped.
    last_failure: Option<i64>,
}

fn counts(cluster: &Cluster) -> std::collections::HashMap<(String, String), Counts> {
    let mut out: std::collections::HashMap<(String, String), Counts> = std::collections::HashMap::new();
    for p in cluster.pods().values() {
        let Some(owner) = p.meta.owner.as_ref().filter(|o| o.kind == OwnerKind::Job) else { continue };
        let c = out.entry((p.meta.namespace.clone(), owner.name.clone())).or_default();
        match p.status.phase {
            PodPhase::Succeeded => c.succeeded += 1,
            PodPhase::Failed => {
                c.failed += 1;
                let stopped = p.status.containers.iter().filter_map(|s| match s.state {
                    crate::sim::objects::ContainerState::Terminated { finished_at, .. } => Some(finished_at),
                    _ => None,
                });
                c.last_failure = c.last_failure.max(stopped.max());
            }
            _ if p.status.terminating_until.is_some() => {}
            _ => {
                c.active.push(p.meta.name.clone());
                c.ready += u32::from(p.is_ready());
                if p.spec.restart_policy == RestartPolicy::OnFailure {
                    c.failed += p.restarts();
                }
            }
        }
    }
    out
}

fn finish(cluster: &mut Cluster, k: &(String, String), outcome: JobOutcome, active: &[String]) {
    let now = cluster.now;
    let (ns, name) = (k.0.as_str(), k.1.as_str());
    let (warning, reason, message) = match &outcome {
        JobOutcome::Complete => (false, "Completed".to_owned(), "Job completed".to_owned()),
        JobOutcome::Failed { reason, message } => (true, reason.clone(), message.clone()),
    };
    for pod in active {
        cluster.terminate_pod(ns, pod);
        let deleted = format!("Deleted pod: {pod}");
        cluster.record(ns, "Job", name, false, "SuccessfulDelete", &deleted, "job-controller");
    }
    if let Some(job) = cluster.jobs_mut().get_mut(k) {
        if outcome == JobOutcome::Complete {
            job.status.completion_time = Some(now);
        }
        job.status.outcome = Some((now, outcome));
        job.status.active = 0;
        job.status.ready = 0;
    }
    cluster.record(ns, "Job", name, warning, &reason, &message, "job-controller");
}

fn reconcile(cluster: &mut Cluster, k: &(String, String), c: &Counts) {
    let now = cluster.now;
    let (ns, name) = (k.0.as_str(), k.1.as_str());
    // A finished job (most of a cron job's history) is only waiting for its time to live: asked
    // without a copy.
    let Some(job) = cluster.jobs().get(k) else { return };
    if job.finished() {
        if expired(job, now) {
            let _ = cluster.delete_workload(Kind::Job, ns, name);
        }
        return;
    }
    let job = job.clone();
    let started = job.status.start_time.unwrap_or(now);
    if let Some(j) = cluster.jobs_mut_status_only().get_mut(k) {
        j.status.start_time = Some(started);
        j.status.succeeded = c.succeeded;
        j.status.failed = c.failed;
        j.status.active = c.active.len() as u32;
        j.status.ready = c.ready;
    }
    let spec = &job.spec;
    if c.failed > spec.backoff_limit {
        let outcome = JobOutcome::Failed {
            reason: "BackoffLimitExceeded".to_owned(),
            message: "Job has reached the specified backoff limit".to_owned(),
        };
        finish(cluster, k, outcome, &c.active);
        return;
    }
    if timed_out(&job, now) {
        let outcome = JobOutcome::Failed {
            reason: "DeadlineExceeded".to_owned(),
            message: "Job was active longer than specified deadline".to_owned(),
        };
        finish(cluster, k, outcome, &c.active);
        return;
    }
    if c.succeeded >= spec.completions {
        finish(cluster, k, JobOutcome::Complete, &c.active);
        return;
    }
    let want = if spec.suspend { 0 } else { spec.parallelism.min(spec.completions - c.succeeded) } as usize;
    // The job controller's back-off before replacing failed pods: 10 s, doubling, at most 6 min.
    let retry_at = c.last_failure.filter(|_| c.failed > 0).map(|t| {
        let exponent = (c.failed - 1).min(6);
        t + (10i64 << exponent).min(360)
    });
    let waiting = retry_at.is_some_and(|t| now < t);
    if let Some(j) = cluster.jobs_mut_status_only().get_mut(k) {
        j.status.retry_at = retry_at.filter(|_| waiting);
    }
    if c.active.len() < want && !waiting {
        let template = spec.template.clone();
        for _ in c.active.len()..want {
            let pod_name = format!("{name}-{}", cluster.name_suffix(5));
            match super::revisions::create_pod(cluster, OwnerKind::Job, (ns, name), &pod_name, &template, |_| {}) {
                Ok(()) => {
                    let message = format!("Created pod: {pod_name}");
                    cluster.record(ns, "Job", name, false, "SuccessfulCreate", &message, "job-controller");
                }
                Err(e) => {
                    let message = format!("Error creating: {}", e.reason_text());
                    cluster.record(ns, "Job", name, true, "FailedCreate", &message, "job-controller");
                    break;
                }
            }
        }
    } else if c.active.len() > want {
        for pod in &c.active[want..] {
            cluster.terminate_pod(ns, pod);
            let message = format!("Deleted pod: {pod}");
            cluster.record(ns, "Job", name, false, "SuccessfulDelete", &message, "job-controller");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{
        apply, batch_app, cluster_with, create, job, messages, node, pods, web_app,
    };
    use crate::sim::kind::Kind;
    use crate::sim::objects::{Job, JobOutcome, PodPhase};

    fn cluster() -> Cluster {
        let apps = [("migrate:ok", batch_app(20, 0)), ("migrate:bad", batch_app(5, 1)), ("server:v1", web_app())];
        cluster_with(vec![node("node-1")], &apps, Vec::new())
    }

    fn get(c: &Cluster, name: &str) -> Job {
        c.jobs()[&key("default", name)].clone()
    }

    #[test]
    fn runs_its_pods_to_the_completions_asked_for() {
        let mut c = cluster();
        let mut j = job("default", "migrate", "migrate:ok");
        j.spec.completions = 3;
        j.spec.parallelism = 2;
        create(&mut c, Object::Job(j));
        c.step();
        assert_eq!(pods(&c, "default", "migrate-").len(), 2, "parallelism 2");
        c.advance_seconds(300);
        let j = get(&c, "migrate");
        assert_eq!(j.status_text(), "Complete");
        assert_eq!((j.status.succeeded, j.status.active, j.status.failed), (3, 0, 0));
        assert!(pods(&c, "default", "migrate-").iter().all(|p| p.status.phase == PodPhase::Succeeded));
        assert_eq!(pods(&c, "default", "migrate-")[0].status_text(c.now), "Completed");
        assert_eq!(messages(&c, "Job", "migrate", "Completed"), ["Job completed"]);
        assert_eq!(messages(&c, "Job", "migrate", "SuccessfulCreate").len(), 3);
    }

    #[test]
    fn failing_pods_past_the_backoff_limit_fail_the_job() {
        let mut c = cluster();
        let mut j = job("default", "migrate", "migrate:bad");
        j.spec.backoff_limit = 2;
        create(&mut c, Object::Job(j));
        c.advance_seconds(600);
        let j = get(&c, "migrate");
        assert_eq!(j.status_text(), "Failed");
        assert_eq!(j.status.failed, 3);
        assert!(
            matches!(&j.status.outcome, Some((_, JobOutcome::Failed { reason, .. })) if reason == "BackoffLimitExceeded")
        );
        assert_eq!(
            messages(&c, "Job", "migrate", "BackoffLimitExceeded"),
            ["Job has reached the specified backoff limit"]
        );
        let failed = pods(&c, "default", "migrate-");
        assert_eq!(failed.len(), 3);
        assert!(failed.iter().all(|p| p.status_text(c.now) == "Error"), "pods under Never are not restarted");
        // Each replacement waits twice as long as the one before (10 s, then 20 s).
        let mut created: Vec<i64> = failed.iter().map(|p| p.meta.created).collect();
        created.sort_unstable();
        assert!(created[2] - created[1] >= created[1] - created[0] + 10, "{created:?}");
    }

    #[test]
    fn a_job_that_never_finishes_runs_into_its_deadline() {
        let mut c = cluster();
        let mut j = job("default", "serve", "server:v1");
        j.spec.active_deadline_seconds = Some(60);
        create(&mut c, Object::Job(j));
        c.advance_seconds(50);
        assert_eq!(get(&c, "serve").status_text(), "Running");
        c.advance_seconds(30);
        assert_eq!(get(&c, "serve").status_text(), "Failed");
        assert_eq!(messages(&c, "Job", "serve", "DeadlineExceeded"), ["Job was active longer than specified deadline"]);
        c.advance_seconds(30);
        assert!(pods(&c, "default", "serve-").is_empty(), "its pod was deleted");
    }

    #[test]
    fn a_finished_job_goes_after_its_time_to_live_and_deleting_a_job_deletes_its_pods() {
        let mut c = cluster();
        let mut j = job("default", "migrate", "migrate:ok");
        j.spec.ttl_seconds_after_finished = Some(60);
        create(&mut c, Object::Job(j));
        create(&mut c, Object::Job(job("default", "serve", "server:v1")));
        c.advance_seconds(200);
        assert!(!c.jobs().contains_key(&key("default", "migrate")));
        apply(
            &mut c,
            Change::Delete { kind: Kind::Job, namespace: "default".into(), name: "serve".into(), force: false },
        );
        c.advance_seconds(20);
        assert!(pods(&c, "default", "serve-").is_empty());
    }

    #[test]
    fn the_api_refuses_a_job_whose_pods_restart_always() {
        let mut c = cluster();
        let mut j = job("default", "migrate", "migrate:ok");
        j.spec.template.spec.restart_policy = crate::sim::objects::RestartPolicy::Always;
        let refused = c.apply(Change::Create(Object::Job(j)), "kubectl").map_err(|e| e.to_string());
        // kubectl create -f job.yaml with restartPolicy: Always.
        assert_eq!(
            refused,
            Err("Error from server (Invalid): Job.batch \"migrate\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"".to_owned())
        );
    }
}
