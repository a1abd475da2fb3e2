//! Jobs and cron jobs: pods that run to completion, counted against completions and a back-off
//! limit, and the schedule (on the incident clock) that makes jobs.

use serde::{Deserialize, Serialize};

use super::{Labels, Meta, PodTemplate};

/// What a job runs and how many times. Shared by jobs and the cron job's `job_template`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// Its pod spec must set `restart_policy` to `Never` or `OnFailure`, as the API insists.
    pub template: PodTemplate,
    #[serde(default = "one")]
    pub completions: u32,
    #[serde(default = "one")]
    pub parallelism: u32,
    /// Failed pods (or container restarts under `OnFailure`) tolerated before the job fails.
    #[serde(default = "six")]
    pub backoff_limit: u32,
    #[serde(default)]
    pub active_deadline_seconds: Option<u32>,
    /// A finished job is deleted this long after it finished.
    #[serde(default)]
    pub ttl_seconds_after_finished: Option<u32>,
    #[serde(default)]
    pub suspend: bool,
}

fn one() -> u32 {
    1
}
fn six() -> u32 {
    6
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    pub meta: Meta,
    pub spec: JobSpec,
    #[serde(skip)]
    pub status: JobStatus,
}

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobOutcome {
    Complete,
    /// `BackoffLimitExceeded` or `DeadlineExceeded`, with the controller's message.
    Failed {
        reason: String,
        message: String,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub active: u32,
    pub ready: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub start_time: Option<i64>,
    pub completion_time: Option<i64>,
    /// When the job finished and how; `None` while it runs.
    pub outcome: Option<(i64, JobOutcome)>,
    /// After a failed pod, the next one is not made before this (10 s doubling, at most 6 min).
    pub retry_at: Option<i64>,
}

impl Job {
    pub fn finished(&self) -> bool {
        self.status.outcome.is_some()
    }

    /// The STATUS column of `kubectl get jobs` (kubectl 1.28+).
    pub fn status_text(&self) -> &'static str {
        match &self.status.outcome {
            Some((_, JobOutcome::Complete)) => "Complete",
            Some((_, JobOutcome::Failed { .. })) => "Failed",
            None if self.spec.suspend => "Suspended",
            None => "Running",
        }
    }
}

/// What a cron job does when a run is due while an earlier one is still active.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConcurrencyPolicy {
    /// Start it anyway: jobs that never finish pile up.
    #[default]
    Allow,
    /// Skip the run.
    Forbid,
    /// Delete the running job and start the new one.
    Replace,
}

impl ConcurrencyPolicy {
    pub const fn as_str(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Allow => "Allow",
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CronJob {
    pub meta: Meta,
    /// Cron syntax in UTC on the incident's clock: `*/5 * * * *`, `0 3 * * *`, `@hourly`.
    pub schedule: String,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub concurrency_policy: ConcurrencyPolicy,
    #[serde(default)]
    pub suspend: bool,
    #[serde(default = "three")]
    pub successful_jobs_history_limit: u32,
    #[serde(default = "one")]
    pub failed_jobs_history_limit: u32,
    #[serde(default)]
    pub starting_deadline_seconds: Option<u32>,
    /// Labels the jobs it makes carry.
    #[serde(default)]
    pub job_labels: Labels,
    pub job_template: JobSpec,
    #[serde(skip)]
    pub status: CronJobStatus,
}

fn three() -> u32 {
    3
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CronJobStatus {
    pub last_schedule: Option<i64>,
    pub last_successful: Option<i64>,
    /// Incident time up to which the schedule has been looked at.
    pub checked_until: Option<i64>,
}
