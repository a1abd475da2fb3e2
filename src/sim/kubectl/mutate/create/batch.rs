//! `kubectl create job|cronjob`: a job running an image (or instantiated by hand from a cron
//! job's template), and a cron job running an image on a schedule, as kubectl builds them.

use std::collections::BTreeMap;

use super::{Creation, admit, create_flags, created, one_name};
use crate::sim::change::{ApiError, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::mutate::target::parse_kind;
use crate::sim::kubectl::{Args, FlagSpec, KubectlError};
use crate::sim::objects::{
    ConcurrencyPolicy, Container, CronJob, CronJobStatus, Job, JobSpec, JobStatus, Meta, OwnerKind, OwnerRef, PodSpec,
    PodTemplate, RestartPolicy,
};

pub(crate) const JOB_FLAGS: &[FlagSpec] = create_flags![flag::IMAGE, flag::FROM];
pub(crate) const CRONJOB_FLAGS: &[FlagSpec] = create_flags![flag::IMAGE, flag::SCHEDULE, flag::RESTART];

/// The annotation kubectl puts on a job made from a cron job by hand.
pub const INSTANTIATE_ANNOTATION: &str = "cronjob.kubernetes.io/instantiate";

/// The job spec kubectl writes for `--image`: one container named after the object, running
/// the words after `--` as its command, with the given restart policy.
fn job_spec(name: &str, image: &str, command: &[String], restart_policy: RestartPolicy) -> JobSpec {
    let container =
        Container { name: name.to_owned(), image: image.to_owned(), command: command.to_vec(), ..Container::default() };
    JobSpec {
        template: PodTemplate {
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            spec: PodSpec {
                containers: vec![container],
                service_account: "default".to_owned(),
                restart_policy,
                ..PodSpec::default()
            },
        },
        completions: 1,
        parallelism: 1,
        backoff_limit: 6,
        active_deadline_seconds: None,
        ttl_seconds_after_finished: None,
        suspend: false,
    }
}

/// `kubectl create job NAME --image=IMG [-- COMMAND ARGS]` or `--from=cronjob/CJ`.
pub fn job(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, JOB_FLAGS)?;
    let name = one_name(&args, "job")?;
    let ns = args.namespace();
    let image = args.value(flag::IMAGE).filter(|i| !i.is_empty());
    let from = args.value(flag::FROM).filter(|f| !f.is_empty());
    let (spec, meta) = match (image, from) {
        (Some(image), None) => {
            (job_spec(&name, image, &args.after_dashdash, RestartPolicy::Never), Meta::new(&name, ns))
        }
        (None, Some(from)) => {
            if !args.after_dashdash.is_empty() {
                return Err(KubectlError::msg("error: cannot specify --from and command"));
            }
            let cronjob = from_cronjob(cluster, ns, from)?;
            let mut meta = Meta::new(&name, ns);
            meta.labels.clone_from(&cronjob.job_labels);
            meta.annotations.insert(INSTANTIATE_ANNOTATION.to_owned(), "manual".to_owned());
            meta.owner = Some(OwnerRef { kind: OwnerKind::CronJob, name: cronjob.meta.name.clone() });
            (cronjob.job_template.clone(), meta)
        }
        _ => return Err(KubectlError::msg("error: either --image or --from must be specified")),
    };
    admit(cluster, Kind::Job, ns, &name)?;
    let job = Job { meta, spec, status: JobStatus::default() };
    Ok(created(Kind::Job, Object::Job(job), &name, None))
}

/// The cron job `--from=cronjob/NAME` names; kubectl takes no other kind.
fn from_cronjob<'c>(cluster: &'c Cluster, ns: &str, from: &str) -> Result<&'c CronJob, KubectlError> {
    let Some((kind_word, name)) = from.split_once('/').filter(|(k, n)| !k.is_empty() && !n.is_empty()) else {
        return Err(KubectlError::msg("error: from must be an existing cronjob"));
    };
    let kind = parse_kind(kind_word)?;
    if kind != Kind::CronJob {
        return Err(KubectlError::msg(format!(
            "error: from must be an existing cronjob: no kind \"{}\" is registered for version \"batch/v1\" in scheme \"k8s.io/kubectl/pkg/scheme/scheme.go:28\"",
            kind.api_kind()
        )));
    }
    cluster.cronjobs().get(&key(ns, name)).ok_or_else(|| ApiError::not_found(Kind::CronJob, name).into())
}

/// `kubectl create cronjob NAME --image=IMG --schedule=CRON [--restart=OnFailure|Never] [-- COMMAND]`.
pub fn cronjob(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, CRONJOB_FLAGS)?;
    // cobra checks required flags before the command runs and counts its NAME.
    let missing: Vec<&str> =
        [flag::IMAGE, flag::SCHEDULE].into_iter().filter(|f| args.value(*f).is_none()).map(|f| f.long).collect();
    let (Some(image), Some(schedule)) = (args.value(flag::IMAGE), args.value(flag::SCHEDULE)) else {
        return Err(KubectlError::msg(format!("error: required flag(s) \"{}\" not set", missing.join("\", \""))));
    };
    let name = one_name(&args, "cronjob")?;
    let restart_policy = match args.value(flag::RESTART).unwrap_or("OnFailure") {
        "" | "OnFailure" => RestartPolicy::OnFailure,
        "Never" => RestartPolicy::Never,
        other => {
            return Err(ApiError::Invalid(format!(
                "CronJob.batch \"{name}\" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"{other}\": supported values: \"OnFailure\", \"Never\""
            ))
            .into());
        }
    };
    let ns = args.namespace();
    admit(cluster, Kind::CronJob, ns, &name)?;
    let cronjob = CronJob {
        meta: Meta::new(&name, ns),
        schedule: schedule.to_owned(),
        time_zone: None,
        concurrency_policy: ConcurrencyPolicy::Allow,
        suspend: false,
        successful_jobs_history_limit: 3,
        failed_jobs_history_limit: 1,
        starting_deadline_seconds: None,
        job_labels: BTreeMap::new(),
        job_template: job_spec(&name, image, &args.after_dashdash, restart_policy),
        status: CronJobStatus::default(),
    };
    Ok(created(Kind::CronJob, Object::CronJob(cronjob), &name, None))
}
