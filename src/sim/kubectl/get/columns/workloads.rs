//! Rows of `kubectl get` for daemon sets, stateful sets, jobs and cron jobs, as kubectl 1.31
//! prints them.

use super::{or_none, selector_text};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::table::age;
use crate::sim::objects::{OwnerKind, PodTemplate};

/// `CONTAINERS` and `IMAGES` of `-o wide`.
fn containers_and_images(t: &PodTemplate) -> [String; 2] {
    let c = &t.spec.containers;
    [
        c.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","),
        c.iter().map(|c| c.image.as_str()).collect::<Vec<_>>().join(","),
    ]
}

/// One row, or `None` if the object is gone.
pub fn row(cluster: &Cluster, kind: Kind, id: &(String, String), age_s: String, wide: bool) -> Option<Vec<String>> {
    let now = cluster.now;
    let name = id.1.clone();
    Some(match kind {
        Kind::DaemonSet => {
            let ds = cluster.daemonsets().get(id)?;
            let s = &ds.status;
            let mut r = vec![
                name,
                s.desired.to_string(),
                s.current.to_string(),
                s.ready.to_string(),
                s.updated.to_string(),
                s.available.to_string(),
                or_none(selector_text(&ds.template.spec.node_selector)),
                age_s,
            ];
            if wide {
                r.extend(containers_and_images(&ds.template));
                r.push(or_none(selector_text(&ds.selector)));
            }
            r
        }
        Kind::StatefulSet => {
            let sts = cluster.statefulsets().get(id)?;
            let mut r = vec![name, format!("{}/{}", sts.status.ready, sts.replicas), age_s];
            if wide {
                r.extend(containers_and_images(&sts.template));
            }
            r
        }
        Kind::Job => {
            let job = cluster.jobs().get(id)?;
            let s = &job.status;
            let duration = match (s.start_time, s.completion_time) {
                (Some(start), Some(end)) => age(end - start),
                (Some(start), None) => age(now - start),
                _ => String::new(),
            };
            let mut r = vec![
                name,
                job.status_text().to_owned(),
                format!("{}/{}", s.succeeded, job.spec.completions),
                duration,
                age_s,
            ];
            if wide {
                r.extend(containers_and_images(&job.spec.template));
                r.push(format!("batch.kubernetes.io/controller-uid={}", crate::sim::manifest::uid(job.meta.uid)));
            }
            r
        }
        Kind::CronJob => {
            let cj = cluster.cronjobs().get(id)?;
            let active = cluster
                .jobs()
                .values()
                .filter(|j| {
                    j.meta.namespace == id.0
                        && !j.finished()
                        && crate::sim::apply::owned_by(&j.meta, OwnerKind::CronJob, &id.1)
                })
                .count();
            let last = cj.status.last_schedule.map_or_else(|| "<none>".to_owned(), |t| age(now - t));
            let mut r = vec![
                name,
                cj.schedule.clone(),
                cj.time_zone.clone().unwrap_or_else(|| "<none>".to_owned()),
                if cj.suspend { "True" } else { "False" }.to_owned(),
                active.to_string(),
                last,
                age_s,
            ];
            if wide {
                r.extend(containers_and_images(&cj.job_template.template));
                r.push("<none>".to_owned());
            }
            r
        }
        _ => return None,
    })
}
