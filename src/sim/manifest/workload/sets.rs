//! Daemon sets, stateful sets, jobs and cron jobs as manifests, and the fields a patch may
//! change read back (templates, replicas, partition, suspend, schedule, history limits).

use serde_json::{Value, json};

use super::super::read::{self, Bad, R};
use super::super::{labels, meta, nonempty, timestamp, uid};
use super::{check_selector, int_or_percent, nonzero, read_template, template};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::objects::{
    ConcurrencyPolicy, DaemonSetStrategy, JobOutcome, JobSpec, OwnerKind, Pvc, StatefulSetStrategy,
};

const DS_GENERATION: &str = "deprecated.daemonset.template.generation";

pub fn emit(cluster: &Cluster, kind: Kind, id: &(String, String)) -> Option<Value> {
    match kind {
        Kind::DaemonSet => {
            let ds = cluster.daemonsets().get(id)?;
            let s = &ds.status;
            let mut m = meta(cluster, kind, &ds.meta);
            m["annotations"][DS_GENERATION] = s.generation.max(1).to_string().into();
            m["generation"] = s.generation.max(1).into();
            let strategy = match &ds.update_strategy {
                DaemonSetStrategy::RollingUpdate { max_unavailable } => json!({
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": 0, "maxUnavailable": int_or_percent(max_unavailable)},
                }),
                DaemonSetStrategy::OnDelete => json!({"type": "OnDelete"}),
            };
            Some(json!({
                "metadata": m,
                "spec": {
                    "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": labels(&ds.selector)},
                    "template": template(&ds.template),
                    "updateStrategy": strategy,
                },
                "status": {
                    "currentNumberScheduled": s.current,
                    "desiredNumberScheduled": s.desired,
                    "numberAvailable": nonzero(s.available),
                    "numberMisscheduled": s.misscheduled,
                    "numberReady": s.ready,
                    "numberUnavailable": nonzero(s.desired.saturating_sub(s.available)),
                    "observedGeneration": s.observed_generation,
                    "updatedNumberScheduled": nonzero(s.updated),
                },
            }))
        }
        Kind::StatefulSet => {
            let sts = cluster.statefulsets().get(id)?;
            let s = &sts.status;
            let mut m = meta(cluster, kind, &sts.meta);
            m["generation"] = s.generation.max(1).into();
            let strategy = match &sts.update_strategy {
                StatefulSetStrategy::RollingUpdate { partition } => {
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
                }
                StatefulSetStrategy::OnDelete => json!({"type": "OnDelete"}),
            };
            let revision =
                |hash: &str| if hash.is_empty() { Value::Null } else { format!("{}-{hash}", sts.meta.name).into() };
            let done = s.updated >= s.current;
            let current = if done { &s.current_hash } else { &s.previous_hash };
            let at_current = if done { s.current } else { s.current - s.updated };
            Some(json!({
                "metadata": m,
                "spec": {
                    "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                    "podManagementPolicy": sts.pod_management_policy.as_str(),
                    "replicas": sts.replicas,
                    "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": labels(&sts.selector)},
                    "serviceName": sts.service_name,
                    "template": template(&sts.template),
                    "updateStrategy": strategy,
                    "volumeClaimTemplates": nonempty(sts.volume_claim_templates.iter().map(claim_template).collect()),
                },
                "status": {
                    "availableReplicas": s.available,
                    "collisionCount": 0,
                    "currentReplicas": nonzero(at_current),
                    "currentRevision": revision(current),
                    "observedGeneration": s.observed_generation,
                    "readyReplicas": nonzero(s.ready),
                    "replicas": s.current,
                    "updateRevision": revision(&s.current_hash),
                    "updatedReplicas": nonzero(s.updated),
                },
            }))
        }
        Kind::Job => {
            let job = cluster.jobs().get(id)?;
            let s = &job.status;
            let controller_uid = uid(job.meta.uid);
            let conditions: Vec<Value> = match &s.outcome {
                None => Vec::new(),
                Some((at, outcome)) => {
                    let (first, last, reason, message) = match outcome {
                        JobOutcome::Complete => (
                            "SuccessCriteriaMet",
                            "Complete",
                            "CompletionsReached",
                            "Reached expected number of succeeded pods",
                        ),
                        JobOutcome::Failed { reason, message } => {
                            ("FailureTarget", "Failed", reason.as_str(), message.as_str())
                        }
                    };
                    [first, last]
                        .iter()
                        .map(|t| {
                            json!({
                                "type": t, "status": "True", "reason": reason, "message": message,
                                "lastProbeTime": timestamp(*at), "lastTransitionTime": timestamp(*at),
                            })
                        })
                        .collect()
                }
            };
            let mut spec = job_spec(&job.spec);
            spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": controller_uid}});
            spec["manualSelector"] = false.into();
            spec["podReplacementPolicy"] = "TerminatingOrFailed".into();
            Some(json!({
                "metadata": meta(cluster, kind, &job.meta),
                "spec": spec,
                "status": {
                    "active": nonzero(s.active),
                    "completionTime": s.completion_time.map(timestamp),
                    "conditions": nonempty(conditions),
                    "failed": nonzero(s.failed),
                    "ready": s.ready,
                    "startTime": s.start_time.map(timestamp),
                    "succeeded": nonzero(s.succeeded),
                    "terminating": 0,
                    "uncountedTerminatedPods": {},
                },
            }))
        }
        Kind::CronJob => {
            let cj = cluster.cronjobs().get(id)?;
            let active: Vec<Value> = cluster
                .jobs()
                .values()
                .filter(|j| {
                    j.meta.namespace == id.0
                        && !j.finished()
                        && crate::sim::apply::owned_by(&j.meta, OwnerKind::CronJob, &id.1)
                })
                .map(|j| {
                    json!({
                        "apiVersion": "batch/v1", "kind": "Job", "name": j.meta.name,
                        "namespace": j.meta.namespace, "resourceVersion": (1000 + j.meta.uid * 17).to_string(),
                        "uid": uid(j.meta.uid),
                    })
                })
                .collect();
            let mut job_meta = json!({"creationTimestamp": Value::Null});
            if !cj.job_labels.is_empty() {
                job_meta["labels"] = labels(&cj.job_labels);
            }
            Some(json!({
                "metadata": meta(cluster, kind, &cj.meta),
                "spec": {
                    "concurrencyPolicy": cj.concurrency_policy.as_str(),
                    "failedJobsHistoryLimit": cj.failed_jobs_history_limit,
                    "jobTemplate": {"metadata": job_meta, "spec": job_spec(&cj.job_template)},
                    "schedule": cj.schedule,
                    "startingDeadlineSeconds": cj.starting_deadline_seconds,
                    "successfulJobsHistoryLimit": cj.successful_jobs_history_limit,
                    "suspend": cj.suspend,
                    "timeZone": cj.time_zone,
                },
                "status": {
                    "active": nonempty(active),
                    "lastScheduleTime": cj.status.last_schedule.map(timestamp),
                    "lastSuccessfulTime": cj.status.last_successful.map(timestamp),
                },
            }))
        }
        _ => None,
    }
}

fn job_spec(spec: &JobSpec) -> Value {
    json!({
        "activeDeadlineSeconds": spec.active_deadline_seconds,
        "backoffLimit": spec.backoff_limit,
        "completionMode": "NonIndexed",
        "completions": spec.completions,
        "parallelism": spec.parallelism,
        "suspend": spec.suspend,
        "template": template(&spec.template),
        "ttlSecondsAfterFinished": spec.ttl_seconds_after_finished,
    })
}

fn claim_template(c: &Pvc) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"creationTimestamp": Value::Null, "name": c.meta.name},
        "spec": {
            "accessModes": [c.access_mode],
            "resources": {"requests": {"storage": c.size.to_string()}},
            "storageClassName": c.storage_class,
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Pending"},
    })
}

/// Reads what a patch may change in a job's spec (`suspend`, `parallelism`) or a cron job's
/// job template, keeping the rest.
fn read_job_spec(spec: &Value, path: &str, old: &JobSpec) -> R<JobSpec> {
    let mut out = old.clone();
    out.suspend = read::opt_bool(spec, "suspend", path)?.unwrap_or(false);
    out.parallelism = read::opt_u32(spec, "parallelism", path)?.unwrap_or(1);
    out.backoff_limit = read::opt_u32(spec, "backoffLimit", path)?.unwrap_or(6);
    out.active_deadline_seconds = read::opt_u32(spec, "activeDeadlineSeconds", path)?;
    out.ttl_seconds_after_finished = read::opt_u32(spec, "ttlSecondsAfterFinished", path)?;
    Ok(out)
}

pub fn write(cluster: &mut Cluster, kind: Kind, id: &(String, String), m: &Value, spec: &Value) -> R<()> {
    match kind {
        Kind::DaemonSet => {
            let Some(old) = cluster.daemonsets().get(id) else { return Ok(()) };
            let mut ds = old.clone();
            ds.meta = read::meta(m, &old.meta, &[DS_GENERATION])?;
            ds.selector = read::match_labels(spec, "selector", "spec")?;
            ds.template = read_template(spec, &old.template)?;
            check_selector(&ds.selector, &old.selector, &ds.template)?;
            if ds.template != old.template {
                ds.status.generation += 1;
            }
            cluster.daemonsets_mut().insert(id.clone(), ds);
        }
        Kind::StatefulSet => {
            let Some(old) = cluster.statefulsets().get(id) else { return Ok(()) };
            let mut sts = old.clone();
            sts.meta = read::meta(m, &old.meta, &[])?;
            sts.replicas = read::opt_u32(spec, "replicas", "spec")?.unwrap_or(1);
            sts.selector = read::match_labels(spec, "selector", "spec")?;
            sts.template = read_template(spec, &old.template)?;
            check_selector(&sts.selector, &old.selector, &sts.template)?;
            let strategy = read::obj(spec, "updateStrategy", "spec")?;
            sts.update_strategy = match read::opt_str(strategy, "type", "spec.updateStrategy")?.as_deref() {
                Some("OnDelete") => StatefulSetStrategy::OnDelete,
                None | Some("RollingUpdate") => {
                    let ru = read::obj(strategy, "rollingUpdate", "spec.updateStrategy")?;
                    let partition = read::opt_u32(ru, "partition", "spec.updateStrategy.rollingUpdate")?;
                    StatefulSetStrategy::RollingUpdate { partition: partition.unwrap_or(0) }
                }
                Some(other) => {
                    return Err(Bad::unsupported(
                        "spec.updateStrategy.type",
                        &json!(other),
                        &["OnDelete", "RollingUpdate"],
                    ));
                }
            };
            if sts.template != old.template {
                sts.status.generation += 1;
            }
            cluster.statefulsets_mut().insert(id.clone(), sts);
        }
        Kind::Job => {
            let Some(old) = cluster.jobs().get(id) else { return Ok(()) };
            let mut job = old.clone();
            job.meta = read::meta(m, &old.meta, &[])?;
            job.spec = read_job_spec(spec, "spec", &old.spec)?;
            cluster.jobs_mut().insert(id.clone(), job);
        }
        Kind::CronJob => {
            let Some(old) = cluster.cronjobs().get(id) else { return Ok(()) };
            let mut cj = old.clone();
            cj.meta = read::meta(m, &old.meta, &[])?;
            let schedule = read::req_str(spec, "schedule", "spec")?;
            if let Err(why) = crate::sim::cron::Schedule::parse(&schedule) {
                return Err(Bad::invalid("spec.schedule", &json!(schedule), &why));
            }
            cj.schedule = schedule;
            cj.suspend = read::opt_bool(spec, "suspend", "spec")?.unwrap_or(false);
            cj.concurrency_policy = match read::opt_str(spec, "concurrencyPolicy", "spec")?.as_deref() {
                None | Some("Allow") => ConcurrencyPolicy::Allow,
                Some("Forbid") => ConcurrencyPolicy::Forbid,
                Some("Replace") => ConcurrencyPolicy::Replace,
                Some(other) => {
                    return Err(Bad::unsupported(
                        "spec.concurrencyPolicy",
                        &json!(other),
                        &["Allow", "Forbid", "Replace"],
                    ));
                }
            };
            cj.successful_jobs_history_limit = read::opt_u32(spec, "successfulJobsHistoryLimit", "spec")?.unwrap_or(3);
            cj.failed_jobs_history_limit = read::opt_u32(spec, "failedJobsHistoryLimit", "spec")?.unwrap_or(1);
            cj.starting_deadline_seconds = read::opt_u32(spec, "startingDeadlineSeconds", "spec")?;
            let jt = read::obj(read::obj(spec, "jobTemplate", "spec")?, "spec", "spec.jobTemplate")?;
            let mut job_spec = read_job_spec(jt, "spec.jobTemplate.spec", &old.job_template)?;
            job_spec.template = read_template(jt, &old.job_template.template)?;
            cj.job_template = job_spec;
            cluster.cronjobs_mut().insert(id.clone(), cj);
        }
        _ => {}
    }
    Ok(())
}
