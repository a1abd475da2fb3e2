//! Skeletons of daemon sets, stateful sets, jobs and cron jobs for `kubectl apply|create -f`:
//! the parts of the manifest that the patch readers keep from the object as it was (selectors,
//! a daemon set's update strategy, a stateful set's service, pod management and claim templates,
//! a job's template and completions, a cron job's schedule, time zone and job labels) are read
//! here, before the create; the readers then write the rest onto the created object.

use serde_json::{Value, json};

use super::super::read::{self, Bad, R};
use super::super::workload::read_template;
use crate::sim::change::{ApiError, Object};
use crate::sim::kind::Kind;
use crate::sim::objects::{
    ConcurrencyPolicy, CronJob, CronJobStatus, DaemonSet, DaemonSetStrategy, Job, JobSpec, JobStatus, Meta,
    PodManagement, PodTemplate, Pvc, PvcPhase, SetStatus, StatefulSet, StatefulSetStrategy,
};

/// The object to create first for one of the four workload kinds, or `None` for another kind.
pub(super) fn skeleton(kind: Kind, ns: &str, name: &str, manifest: &Value) -> Option<Result<Object, ApiError>> {
    let built = match kind {
        Kind::DaemonSet => daemonset(ns, name, manifest),
        Kind::StatefulSet => statefulset(ns, name, manifest),
        Kind::Job => job(ns, name, manifest),
        Kind::CronJob => cronjob(ns, name, manifest),
        _ => return None,
    };
    Some(built.map_err(|b| b.into_api(kind, name)))
}

/// The selector, required as the API requires it, and a template carrying its labels so that
/// the readers' immutability check passes for the manifest's own selector.
fn selector_and_template(spec: &Value) -> R<(crate::sim::objects::Labels, PodTemplate)> {
    let selector = read::match_labels(spec, "selector", "spec")?;
    if selector.is_empty() {
        return Err(Bad::required("spec.selector"));
    }
    let template = PodTemplate { labels: selector.clone(), ..PodTemplate::default() };
    Ok((selector, template))
}

fn daemonset(ns: &str, name: &str, manifest: &Value) -> R<Object> {
    let spec = read::obj(manifest, "spec", "")?;
    let (selector, template) = selector_and_template(spec)?;
    let strategy = read::obj(spec, "updateStrategy", "spec")?;
    let update_strategy = match read::opt_str(strategy, "type", "spec.updateStrategy")?.as_deref() {
        Some("OnDelete") => DaemonSetStrategy::OnDelete,
        None | Some("RollingUpdate") => {
            let ru = read::obj(strategy, "rollingUpdate", "spec.updateStrategy")?;
            let max_unavailable = match read::field(ru, "maxUnavailable") {
                None => "1".to_owned(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) if n.as_u64().is_some() => n.to_string(),
                Some(other) => {
                    return Err(Bad::invalid(
                        "spec.updateStrategy.rollingUpdate.maxUnavailable",
                        other,
                        "must be an integer or percentage (e.g '5%')",
                    ));
                }
            };
            DaemonSetStrategy::RollingUpdate { max_unavailable }
        }
        Some(other) => {
            return Err(Bad::unsupported("spec.updateStrategy.type", &json!(other), &["OnDelete", "RollingUpdate"]));
        }
    };
    Ok(Object::DaemonSet(DaemonSet {
        meta: Meta::new(name, ns),
        selector,
        template,
        update_strategy,
        status: SetStatus::default(),
    }))
}

fn statefulset(ns: &str, name: &str, manifest: &Value) -> R<Object> {
    let spec = read::obj(manifest, "spec", "")?;
    let (selector, template) = selector_and_template(spec)?;
    let pod_management_policy = match read::opt_str(spec, "podManagementPolicy", "spec")?.as_deref() {
        None | Some("OrderedReady") => PodManagement::OrderedReady,
        Some("Parallel") => PodManagement::Parallel,
        Some(other) => {
            return Err(Bad::unsupported("spec.podManagementPolicy", &json!(other), &["OrderedReady", "Parallel"]));
        }
    };
    let mut volume_claim_templates = Vec::new();
    for (i, claim) in read::list(spec, "volumeClaimTemplates", "spec")?.into_iter().enumerate() {
        volume_claim_templates.push(claim_template(claim, &format!("spec.volumeClaimTemplates[{i}]"), ns)?);
    }
    Ok(Object::StatefulSet(StatefulSet {
        meta: Meta::new(name, ns),
        replicas: 1,
        selector,
        service_name: read::opt_str(spec, "serviceName", "spec")?.unwrap_or_default(),
        template,
        volume_claim_templates,
        pod_management_policy,
        update_strategy: StatefulSetStrategy::default(),
        status: SetStatus::default(),
    }))
}

/// One of a stateful set's `volumeClaimTemplates`: a claim's name, class, access mode and size.
fn claim_template(claim: &Value, path: &str, ns: &str) -> R<Pvc> {
    let meta = read::obj(claim, "metadata", path)?;
    let name = read::req_str(meta, "name", &format!("{path}.metadata"))?;
    let spec = read::obj(claim, "spec", path)?;
    let spec_path = format!("{path}.spec");
    let requests = read::obj(read::obj(spec, "resources", &spec_path)?, "requests", &format!("{spec_path}.resources"))?;
    let size = read::memory(requests, "storage", &format!("{spec_path}.resources.requests"))?
        .ok_or_else(|| Bad::required(&format!("{spec_path}.resources.requests.storage")))?;
    let access_mode = read::str_list(spec, "accessModes", &spec_path)?
        .into_iter()
        .next()
        .ok_or_else(|| Bad::required(&format!("{spec_path}.accessModes")))?;
    Ok(Pvc {
        meta: Meta::new(name, ns),
        storage_class: read::opt_str(spec, "storageClassName", &spec_path)?,
        size,
        access_mode,
        phase: PvcPhase::default(),
        volume: None,
    })
}

/// A job spec's parts the readers keep: its pod template and completions.
fn job_spec(spec: &Value, path: &str) -> R<JobSpec> {
    Ok(JobSpec {
        template: read_template(spec, &PodTemplate::default())?,
        completions: read::opt_u32(spec, "completions", path)?.unwrap_or(1),
        parallelism: 1,
        backoff_limit: 6,
        active_deadline_seconds: None,
        ttl_seconds_after_finished: None,
        suspend: false,
    })
}

fn job(ns: &str, name: &str, manifest: &Value) -> R<Object> {
    let spec = read::obj(manifest, "spec", "")?;
    Ok(Object::Job(Job { meta: Meta::new(name, ns), spec: job_spec(spec, "spec")?, status: JobStatus::default() }))
}

fn cronjob(ns: &str, name: &str, manifest: &Value) -> R<Object> {
    let spec = read::obj(manifest, "spec", "")?;
    let job_template = read::obj(spec, "jobTemplate", "spec")?;
    let job_meta = read::obj(job_template, "metadata", "spec.jobTemplate")?;
    Ok(Object::CronJob(CronJob {
        meta: Meta::new(name, ns),
        schedule: read::req_str(spec, "schedule", "spec")?,
        time_zone: read::opt_str(spec, "timeZone", "spec")?,
        concurrency_policy: ConcurrencyPolicy::Allow,
        suspend: false,
        successful_jobs_history_limit: 3,
        failed_jobs_history_limit: 1,
        starting_deadline_seconds: None,
        job_labels: read::string_map(job_meta, "labels", "spec.jobTemplate.metadata")?,
        job_template: job_spec(read::obj(job_template, "spec", "spec.jobTemplate")?, "spec.jobTemplate.spec")?,
        status: CronJobStatus::default(),
    }))
}
