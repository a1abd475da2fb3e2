//! Creating and deleting daemon sets, stateful sets, jobs and cron jobs as the API server does:
//! defaulting and validating the spec, then the write; deleting cascades to what each owns
//! (pods, or a cron job's jobs), except a stateful set's claims, which stay.

use super::super::change::ApiError;
use super::super::cluster::{Cluster, key};
use super::super::kind::Kind;
use super::super::objects::{
    CronJob, DaemonSet, Job, JobSpec, Labels, Meta, OwnerKind, PodTemplate, RestartPolicy, Selector, StatefulSet,
};

/// Labels the template gets when it has none (`app=<name>`), and the selector that defaults to
/// them; an explicit selector must match the template.
fn default_selector(
    kind: Kind,
    meta: &Meta,
    selector: &mut Labels,
    template: &mut PodTemplate,
) -> Result<(), ApiError> {
    if template.labels.is_empty() {
        template.labels.insert("app".to_owned(), meta.name.clone());
    }
    if selector.is_empty() {
        selector.clone_from(&template.labels);
    }
    if Selector::from_labels(selector).matches(&template.labels) {
        Ok(())
    } else {
        Err(ApiError::Invalid(format!(
            "{}.{} \"{}\" is invalid: spec.template.metadata.labels: Invalid value: {:?}: `selector` does not match template `labels`",
            kind.api_kind(),
            kind.group(),
            meta.name,
            template.labels
        )))
    }
}

/// A job's pods must not restart forever: the API refuses `restartPolicy: Always`.
fn check_job_spec(kind: Kind, name: &str, spec: &JobSpec, path: &str) -> Result<(), ApiError> {
    if spec.template.spec.restart_policy == RestartPolicy::Always {
        return Err(ApiError::Invalid(format!(
            "{}.{} \"{name}\" is invalid: {path}.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
            kind.api_kind(),
            kind.group()
        )));
    }
    Ok(())
}

/// The labels a job's pods carry, as the job controller sets them.
pub fn job_labels(template: &mut PodTemplate, job: &str) {
    template.labels.insert("batch.kubernetes.io/job-name".to_owned(), job.to_owned());
    template.labels.insert("job-name".to_owned(), job.to_owned());
}

impl Cluster {
    fn check_new(&self, kind: Kind, meta: &Meta, exists: bool) -> Result<(), ApiError> {
        if !self.namespace_exists(&meta.namespace) {
            return Err(ApiError::NamespaceNotFound(meta.namespace.clone()));
        }
        if exists {
            return Err(ApiError::AlreadyExists { kind: kind.qualified_plural(), name: meta.name.clone() });
        }
        self.admit_write(&meta.namespace, kind.plural())
    }

    pub(super) fn create_daemonset(&mut self, mut ds: DaemonSet) -> Result<(), ApiError> {
        default_selector(Kind::DaemonSet, &ds.meta, &mut ds.selector, &mut ds.template)?;
        self.check_new(Kind::DaemonSet, &ds.meta, self.daemonsets().contains_key(&ds.meta.key()))?;
        ds.status.generation = 1;
        self.stamp(&mut ds.meta);
        self.daemonsets_mut().insert(ds.meta.key(), ds);
        Ok(())
    }

    pub(super) fn create_statefulset(&mut self, mut sts: StatefulSet) -> Result<(), ApiError> {
        default_selector(Kind::StatefulSet, &sts.meta, &mut sts.selector, &mut sts.template)?;
        self.check_new(Kind::StatefulSet, &sts.meta, self.statefulsets().contains_key(&sts.meta.key()))?;
        sts.status.generation = 1;
        self.stamp(&mut sts.meta);
        self.statefulsets_mut().insert(sts.meta.key(), sts);
        Ok(())
    }

    pub(in crate::sim) fn create_job(&mut self, mut job: Job) -> Result<(), ApiError> {
        check_job_spec(Kind::Job, &job.meta.name, &job.spec, "spec")?;
        self.check_new(Kind::Job, &job.meta, self.jobs().contains_key(&job.meta.key()))?;
        job_labels(&mut job.spec.template, &job.meta.name);
        self.stamp(&mut job.meta);
        let controller_uid = super::super::manifest::uid(job.meta.uid);
        let labels = &mut job.spec.template.labels;
        labels.insert("batch.kubernetes.io/controller-uid".to_owned(), controller_uid.clone());
        labels.insert("controller-uid".to_owned(), controller_uid);
        if job.meta.labels.is_empty() {
            job.meta.labels.clone_from(labels);
        }
        self.jobs_mut().insert(job.meta.key(), job);
        Ok(())
    }

    pub(super) fn create_cronjob(&mut self, mut cj: CronJob) -> Result<(), ApiError> {
        check_job_spec(Kind::CronJob, &cj.meta.name, &cj.job_template, "spec.jobTemplate.spec")?;
        if let Err(why) = super::super::cron::Schedule::parse(&cj.schedule) {
            return Err(ApiError::Invalid(format!(
                "CronJob.batch \"{}\" is invalid: spec.schedule: Invalid value: {:?}: {why}",
                cj.meta.name, cj.schedule
            )));
        }
        self.check_new(Kind::CronJob, &cj.meta, self.cronjobs().contains_key(&cj.meta.key()))?;
        self.stamp(&mut cj.meta);
        self.cronjobs_mut().insert(cj.meta.key(), cj);
        Ok(())
    }

    /// Deletes one of the four kinds and what it owns.
    pub(in crate::sim) fn delete_workload(&mut self, kind: Kind, namespace: &str, name: &str) -> Result<(), ApiError> {
        let k = key(namespace, name);
        let missing = || ApiError::not_found(kind, name);
        let owner = match kind {
            Kind::DaemonSet => {
                self.daemonsets_mut().remove(&k).ok_or_else(missing)?;
                OwnerKind::DaemonSet
            }
            Kind::StatefulSet => {
                self.statefulsets_mut().remove(&k).ok_or_else(missing)?;
                OwnerKind::StatefulSet
            }
            Kind::Job => {
                self.jobs_mut().remove(&k).ok_or_else(missing)?;
                OwnerKind::Job
            }
            Kind::CronJob => {
                self.cronjobs_mut().remove(&k).ok_or_else(missing)?;
                let owned: Vec<String> = self
                    .jobs()
                    .values()
                    .filter(|j| j.meta.namespace == namespace && owned_by(&j.meta, OwnerKind::CronJob, name))
                    .map(|j| j.meta.name.clone())
                    .collect();
                for job in owned {
                    self.delete_workload(Kind::Job, namespace, &job)?;
                }
                return Ok(());
            }
            other => return Err(ApiError::not_found(other, name)),
        };
        self.terminate_owned(namespace, owner, name);
        Ok(())
    }

    /// Starts graceful deletion of every pod `owner/name` owns in `namespace`.
    pub(in crate::sim) fn terminate_owned(&mut self, namespace: &str, owner: OwnerKind, name: &str) {
        let owned: Vec<String> = self
            .pods()
            .values()
            .filter(|p| p.meta.namespace == namespace && owned_by(&p.meta, owner, name))
            .map(|p| p.meta.name.clone())
            .collect();
        for p in owned {
            self.terminate_pod(namespace, &p);
        }
    }
}

/// Whether `meta`'s controller is `kind/name`.
pub fn owned_by(meta: &Meta, kind: OwnerKind, name: &str) -> bool {
    meta.owner.as_ref().is_some_and(|o| o.kind == kind && o.name == name)
}
