//! The pod template of any workload kind, read and edited in one place, so `kubectl set
//! image|env|resources` and the scenario's `Set*` changes reach a daemon set, a stateful set or a
//! cron job's job template as they reach a deployment. A job's template is immutable, as the API
//! server holds it.

use super::super::change::ApiError;
use super::super::cluster::{Cluster, key};
use super::super::kind::Kind;
use super::super::objects::{Container, Meta, PodTemplate};

/// The kinds whose objects carry a pod template that `kubectl set` edits.
pub const TEMPLATE_KINDS: [Kind; 5] = [Kind::Deployment, Kind::DaemonSet, Kind::StatefulSet, Kind::Job, Kind::CronJob];

impl Cluster {
    /// A workload's metadata and pod template (a cron job's is its job template's), if it exists.
    pub fn pod_template(&self, kind: Kind, namespace: &str, name: &str) -> Option<(&Meta, &PodTemplate)> {
        let id = key(namespace, name);
        match kind {
            Kind::Deployment => self.deployments().get(&id).map(|d| (&d.meta, &d.template)),
            Kind::DaemonSet => self.daemonsets().get(&id).map(|d| (&d.meta, &d.template)),
            Kind::StatefulSet => self.statefulsets().get(&id).map(|s| (&s.meta, &s.template)),
            Kind::Job => self.jobs().get(&id).map(|j| (&j.meta, &j.spec.template)),
            Kind::CronJob => self.cronjobs().get(&id).map(|c| (&c.meta, &c.job_template.template)),
            _ => None,
        }
    }

    /// Edits the containers `container` names (all when `None` or `*`) in a workload's pod
    /// template, through admission; the workload's controller rolls out the new template.
    pub(super) fn edit_template_containers(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        container: Option<&str>,
        mut edit: impl FnMut(&mut Container),
    ) -> Result<(), ApiError> {
        let Some((_, old)) = self.pod_template(kind, namespace, name) else {
            return Err(if TEMPLATE_KINDS.contains(&kind) {
                ApiError::not_found(kind, name)
            } else {
                ApiError::Client(format!("{} have no pod template", kind.plural()))
            });
        };
        let mut template = old.clone();
        let mut found = false;
        for c in &mut template.spec.containers {
            if container.is_none_or(|n| n == "*" || n == c.name) {
                edit(c);
                found = true;
            }
        }
        if !found {
            return Err(ApiError::Client(format!(
                "unable to find container named \"{}\"",
                container.unwrap_or_default()
            )));
        }
        let changed = template != *old;
        let id = key(namespace, name);
        match kind {
            Kind::Deployment => {
                return self.edit_deployment(namespace, name, |d| {
                    d.template = template;
                    Ok(())
                });
            }
            // The API server validates a job's template as immutable once the job exists.
            Kind::Job if changed => {
                return Err(ApiError::Invalid(format!(
                    "Job.batch \"{name}\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{{…}}: field is immutable"
                )));
            }
            _ => {}
        }
        self.admit_write(namespace, kind.plural())?;
        match kind {
            Kind::DaemonSet => {
                if let Some(ds) = self.daemonsets_mut().get_mut(&id) {
                    ds.template = template;
                    ds.status.generation += u64::from(changed);
                }
            }
            Kind::StatefulSet => {
                if let Some(sts) = self.statefulsets_mut().get_mut(&id) {
                    sts.template = template;
                    sts.status.generation += u64::from(changed);
                }
            }
            Kind::CronJob => {
                if let Some(cj) = self.cronjobs_mut().get_mut(&id) {
                    cj.job_template.template = template;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
