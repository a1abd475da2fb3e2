//! `describe job` and `describe cronjob`, in kubectl 1.31's layout.

use super::{W, clock, pod};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::table::age;
use crate::sim::objects::{JobSpec, OwnerKind};

pub fn job(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(job) = cluster.jobs().get(&key(ns, name)) else { return };
    let (spec, s) = (&job.spec, &job.status);
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("Selector:\tbatch.kubernetes.io/controller-uid={}", crate::sim::manifest::uid(job.meta.uid)));
    w.labels("Labels", &job.meta.labels);
    w.annotations("Annotations", &job.meta.annotations);
    if let Some(owner) = &job.meta.owner {
        w.line(0, &format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    w.line(0, &format!("Parallelism:\t{}", spec.parallelism));
    w.line(0, &format!("Completions:\t{}", spec.completions));
    w.line(0, "Completion Mode:\tNonIndexed");
    w.line(0, &format!("Suspend:\t{}", spec.suspend));
    w.line(0, &format!("Backoff Limit:\t{}", spec.backoff_limit));
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        w.line(0, &format!("TTL Seconds After Finished:\t{ttl}"));
    }
    if let Some(start) = s.start_time {
        w.line(0, &format!("Start Time:\t{}", clock::rfc1123z(start)));
    }
    if let Some(end) = s.completion_time {
        w.line(0, &format!("Completed At:\t{}", clock::rfc1123z(end)));
        if let Some(start) = s.start_time {
            w.line(0, &format!("Duration:\t{}", age(end - start)));
        }
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{deadline}s"));
    }
    w.line(
        0,
        &format!(
            "Pods Statuses:\t{} Active ({} Ready) / {} Succeeded / {} Failed",
            s.active, s.ready, s.succeeded, s.failed
        ),
    );
    pod::template(w, &spec.template);
}

/// A job template's defaults print as `<unset>`, as the API keeps them unset.
fn unset_if_default(value: u32) -> String {
    if value == 1 { "<unset>".to_owned() } else { value.to_string() }
}

fn job_template(w: &mut W, spec: &JobSpec) {
    w.line(0, "Selector:\t<unset>");
    w.line(0, &format!("Parallelism:\t{}", unset_if_default(spec.parallelism)));
    w.line(0, &format!("Completions:\t{}", unset_if_default(spec.completions)));
    if let Some(deadline) = spec.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{deadline}s"));
    }
    pod::template(w, &spec.template);
}

pub fn cronjob(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(cj) = cluster.cronjobs().get(&key(ns, name)) else { return };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &cj.meta.labels);
    w.annotations("Annotations", &cj.meta.annotations);
    w.line(0, &format!("Schedule:\t{}", cj.schedule));
    w.line(0, &format!("Concurrency Policy:\t{}", cj.concurrency_policy.as_str()));
    w.line(0, &format!("Suspend:\t{}", if cj.suspend { "True" } else { "False" }));
    w.line(0, &format!("Successful Job History Limit:\t{}", cj.successful_jobs_history_limit));
    w.line(0, &format!("Failed Job History Limit:\t{}", cj.failed_jobs_history_limit));
    match cj.starting_deadline_seconds {
        Some(s) => w.line(0, &format!("Starting Deadline Seconds:\t{s}s")),
        None => w.line(0, "Starting Deadline Seconds:\t<unset>"),
    }
    job_template(w, &cj.job_template);
    match cj.status.last_schedule {
        Some(t) => w.line(0, &format!("Last Schedule Time:\t{}", clock::rfc1123z(t))),
        None => w.line(0, "Last Schedule Time:\t<unset>"),
    }
    let active: Vec<&str> = cluster
        .jobs()
        .values()
        .filter(|j| {
            j.meta.namespace == ns && !j.finished() && crate::sim::apply::owned_by(&j.meta, OwnerKind::CronJob, name)
        })
        .map(|j| j.meta.name.as_str())
        .collect();
    w.line(0, &format!("Active Jobs:\t{}", if active.is_empty() { "<none>".to_owned() } else { active.join(", ") }));
}
