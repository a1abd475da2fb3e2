//! The cron job controller: on the incident's clock, makes a job each time the schedule comes
//! due (named `<cronjob>-<minutes since 1970>`, as the real controller names them), honours
//! `suspend`, `startingDeadlineSeconds` and the concurrency policy (under `Allow`, jobs that
//! never finish pile up), notices finished jobs, and keeps only the newest finished jobs the
//! history limits allow.

use super::STEP_SECONDS;
use crate::sim::apply::owned_by;
use crate::sim::cluster::{Cluster, INCIDENT_START_UNIX};
use crate::sim::cron::Schedule;
use crate::sim::kind::Kind;
use crate::sim::objects::{ConcurrencyPolicy, CronJob, Job, JobOutcome, JobStatus, Meta, OwnerKind, OwnerRef};

/// Runs every step: schedules are read off the clock, not off changes.
pub fn step(cluster: &mut Cluster) {
    if cluster.cronjobs().is_empty() {
        return;
    }
    let keys: Vec<(String, String)> = cluster.cronjobs().keys().cloned().collect();
    for k in keys {
        reconcile(cluster, &k);
    }
}

/// A job a cron job owns: its name, when it was made, and how and when it ended.
type OwnedJob = (String, i64, Option<(i64, JobOutcome)>);

/// The jobs a cron job owns, oldest first.
fn owned_jobs(cluster: &Cluster, cj: &CronJob) -> Vec<OwnedJob> {
    let mut jobs: Vec<_> = cluster
        .jobs()
        .values()
        .filter(|j| j.meta.namespace == cj.meta.namespace && owned_by(&j.meta, OwnerKind::CronJob, &cj.meta.name))
        .map(|j| (j.meta.name.clone(), j.meta.created, j.status.outcome.clone()))
        .collect();
    jobs.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    jobs
}

fn reconcile(cluster: &mut Cluster, k: &(String, String)) {
    let now = cluster.now;
    let Some(cj) = cluster.cronjobs().get(k).cloned() else { return };
    let (ns, name) = (k.0.as_str(), k.1.as_str());
    let jobs = owned_jobs(cluster, &cj);
    // Jobs that finished since the last step.
    let mut last_successful = cj.status.last_successful;
    for (job, _, outcome) in &jobs {
        if let Some((at, outcome)) = outcome
            && *at >= now - STEP_SECONDS
        {
            let condition = match outcome {
                JobOutcome::Complete => {
                    last_successful = Some(*at);
                    "Complete"
                }
                JobOutcome::Failed { .. } => "Failed",
            };
            let message = format!("Saw completed job: {job}, condition: {condition}");
            cluster.record(ns, "CronJob", name, false, "SawCompletedJob", &message, "cronjob-controller");
        }
    }
    // The history limits: the oldest finished jobs beyond them go.
    let finished = |complete: bool| {
        jobs.iter()
            .filter(move |(_, _, o)| o.as_ref().is_some_and(|(_, o)| (*o == JobOutcome::Complete) == complete))
            .map(|(n, _, _)| n.clone())
            .collect::<Vec<_>>()
    };
    let mut doomed = Vec::new();
    for (list, limit) in
        [(finished(true), cj.successful_jobs_history_limit), (finished(false), cj.failed_jobs_history_limit)]
    {
        doomed.extend(list.iter().take(list.len().saturating_sub(limit as usize)).cloned());
    }
    for job in doomed {
        delete_job(cluster, ns, name, &job);
    }
    let from = cj.status.checked_until.unwrap_or(now - STEP_SECONDS);
    let due = Schedule::parse(&cj.schedule).ok().and_then(|s| s.latest_in(from, now));
    if let Some(c) = cluster.cronjobs_mut_status_only().get_mut(k) {
        c.status.checked_until = Some(now);
        c.status.last_successful = last_successful;
    }
    let Some(due) = due else { return };
    if cj.suspend || cj.starting_deadline_seconds.is_some_and(|d| now - due > i64::from(d)) {
        return;
    }
    let active: Vec<String> = jobs.iter().filter(|(_, _, o)| o.is_none()).map(|(n, _, _)| n.clone()).collect();
    if !active.is_empty() {
        match cj.concurrency_policy {
            ConcurrencyPolicy::Allow => {}
            ConcurrencyPolicy::Forbid => {
                let message = "Not starting job because prior execution is running and concurrency policy is Forbid";
                cluster.record(ns, "CronJob", name, false, "JobAlreadyActive", message, "cronjob-controller");
                return;
            }
            ConcurrencyPolicy::Replace => {
                for job in &active {
                    delete_job(cluster, ns, name, job);
                }
            }
        }
    }
    let job_name = format!("{name}-{}", (INCIDENT_START_UNIX + due).div_euclid(60));
    let mut meta = Meta::new(job_name.clone(), ns);
    meta.labels = cj.job_labels.clone();
    meta.owner = Some(OwnerRef { kind: OwnerKind::CronJob, name: name.to_owned() });
    meta.annotations
        .insert("batch.kubernetes.io/cronjob-scheduled-timestamp".to_owned(), crate::sim::cluster::timestamp(due));
    let job = Job { meta, spec: cj.job_template.clone(), status: JobStatus::default() };
    match cluster.create_job(job) {
        Ok(()) => {
            let message = format!("Created job {job_name}");
            cluster.record(ns, "CronJob", name, false, "SuccessfulCreate", &message, "cronjob-controller");
            if let Some(c) = cluster.cronjobs_mut_status_only().get_mut(k) {
                c.status.last_schedule = Some(due);
            }
        }
        Err(e) => {
            let message = format!("Error creating job: {}", e.reason_text());
            cluster.record(ns, "CronJob", name, true, "FailedCreate", &message, "cronjob-controller");
        }
    }
}

fn delete_job(cluster: &mut Cluster, ns: &str, cronjob: &str, job: &str) {
    if cluster.delete_workload(Kind::Job, ns, job).is_ok() {
        let message = format!("Deleted job {job}");
        cluster.record(ns, "CronJob", cronjob, false, "SuccessfulDelete", &message, "cronjob-controller");
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::Object;
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{batch_app, cluster_with, create, job_spec, messages, node, web_app};
    use crate::sim::objects::{ConcurrencyPolicy, CronJob, Meta};

    fn cron(image: &str, policy: ConcurrencyPolicy) -> Cluster {
        let apps = [("report:v1", batch_app(20, 0)), ("report:hang", web_app())];
        let mut c = cluster_with(vec![node("node-1")], &apps, Vec::new());
        let cj = CronJob {
            meta: Meta::new("report", "default"),
            schedule: "*/5 * * * *".into(),
            time_zone: None,
            concurrency_policy: policy,
            suspend: false,
            successful_jobs_history_limit: 3,
            failed_jobs_history_limit: 1,
            starting_deadline_seconds: None,
            job_labels: std::collections::BTreeMap::default(),
            job_template: job_spec("report", image),
            status: crate::sim::objects::CronJobStatus::default(),
        };
        create(&mut c, Object::CronJob(cj));
        c
    }

    fn jobs(c: &Cluster) -> Vec<(String, &'static str)> {
        c.jobs().values().map(|j| (j.meta.name.clone(), j.status_text())).collect()
    }

    #[test]
    fn makes_a_job_each_time_the_schedule_comes_due_and_keeps_three() {
        let mut c = cron("report:v1", ConcurrencyPolicy::Allow);
        c.advance_seconds(5 * 60 * 5 + 60);
        // Due at 09:05, 09:10, … on the incident clock; job names are minutes since 1970.
        let first = (crate::sim::cluster::INCIDENT_START_UNIX + 300) / 60;
        let names: Vec<String> = jobs(&c).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("report-")));
        assert!(!names.contains(&format!("report-{first}")), "the oldest went: {names:?}");
        assert!(jobs(&c).iter().all(|(_, s)| *s == "Complete"));
        let created = messages(&c, "CronJob", "report", "SuccessfulCreate");
        assert_eq!(created.len(), 5);
        assert_eq!(created[0], format!("Created job report-{first}"));
        assert_eq!(
            messages(&c, "CronJob", "report", "SawCompletedJob")[0],
            format!("Saw completed job: report-{first}, condition: Complete")
        );
        assert_eq!(
            messages(&c, "CronJob", "report", "SuccessfulDelete"),
            [format!("Deleted job report-{first}"), format!("Deleted job report-{}", first + 5)]
        );
        let cj = &c.cronjobs()[&key("default", "report")];
        assert_eq!(cj.status.last_schedule, Some(1500));
    }

    #[test]
    fn jobs_that_never_finish_pile_up_under_allow() {
        let mut c = cron("report:hang", ConcurrencyPolicy::Allow);
        c.advance_seconds(30 * 60);
        let running = jobs(&c).iter().filter(|(_, s)| *s == "Running").count();
        assert_eq!(running, 6, "one per five minutes, none finished, none cleaned up");
        let pods = c.pods().values().filter(|p| p.is_active()).count();
        assert_eq!(pods, 6);
    }

    #[test]
    fn forbid_skips_and_replace_swaps_a_running_job() {
        let mut c = cron("report:hang", ConcurrencyPolicy::Forbid);
        c.advance_seconds(16 * 60);
        assert_eq!(jobs(&c).len(), 1);
        assert_eq!(messages(&c, "CronJob", "report", "JobAlreadyActive").len(), 1, "one event, counted");
        let mut c = cron("report:hang", ConcurrencyPolicy::Replace);
        c.advance_seconds(16 * 60);
        assert_eq!(jobs(&c).len(), 1);
        assert_eq!(messages(&c, "CronJob", "report", "SuccessfulDelete").len(), 2);
    }

    #[test]
    fn a_suspended_cron_job_makes_no_jobs() {
        let mut c = cron("report:v1", ConcurrencyPolicy::Allow);
        if let Some(cj) = c.cronjobs_mut().get_mut(&key("default", "report")) {
            cj.suspend = true;
        }
        c.advance_seconds(20 * 60);
        assert!(jobs(&c).is_empty());
    }
}
