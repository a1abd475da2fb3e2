//! `kubectl rollout status|history|restart|undo` on daemon sets and stateful sets, whose
//! revisions live in the set's template history (`ControllerRevision`s in a real cluster).
//! Restart and undo are patches of the set's template, as kubectl sends them.

use std::fmt::Write as _;

use serde_json::json;

use crate::sim::change::{ApiError, Change, PatchType};
use crate::sim::cluster::{Cluster, key, timestamp};
use crate::sim::kind::Kind;
use crate::sim::kubectl::KubectlError;
use crate::sim::kubectl::describe::tabwriter;
use crate::sim::kubectl::mutate::target::slash_name;
use crate::sim::objects::{DaemonSetStrategy, PodTemplate, SetStatus, StatefulSetStrategy};

/// Whether `kind` is one of the sets this module handles.
pub fn handles(kind: Kind) -> bool {
    matches!(kind, Kind::DaemonSet | Kind::StatefulSet)
}

fn status_of<'c>(
    cluster: &'c Cluster,
    kind: Kind,
    ns: &str,
    name: &str,
) -> Result<(&'c SetStatus, &'c PodTemplate), KubectlError> {
    let k = key(ns, name);
    let found = match kind {
        Kind::DaemonSet => cluster.daemonsets().get(&k).map(|d| (&d.status, &d.template)),
        _ => cluster.statefulsets().get(&k).map(|s| (&s.status, &s.template)),
    };
    found.ok_or_else(|| ApiError::not_found(kind, name).into())
}

/// The line kubectl's daemon set or stateful set status viewer prints now.
pub fn status(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Result<String, KubectlError> {
    let k = key(ns, name);
    if kind == Kind::DaemonSet {
        let ds = cluster.daemonsets().get(&k).ok_or_else(|| ApiError::not_found(kind, name))?;
        if ds.update_strategy == DaemonSetStrategy::OnDelete {
            return Err(KubectlError::msg("error: rollout status is only available for RollingUpdate strategy type"));
        }
        let s = &ds.status;
        return Ok(if s.generation > s.observed_generation {
            "Waiting for daemon set spec update to be observed...".to_owned()
        } else if s.updated < s.desired {
            format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {} out of {} new pods have been updated...",
                s.updated, s.desired
            )
        } else if s.available < s.desired {
            format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {} of {} updated pods are available...",
                s.available, s.desired
            )
        } else {
            format!("daemon set \"{name}\" successfully rolled out")
        });
    }
    let sts = cluster.statefulsets().get(&k).ok_or_else(|| ApiError::not_found(kind, name))?;
    let s = &sts.status;
    let StatefulSetStrategy::RollingUpdate { partition } = sts.update_strategy else {
        return Err(KubectlError::msg("error: rollout status is only available for RollingUpdate strategy type"));
    };
    Ok(if s.observed_generation == 0 || s.generation > s.observed_generation {
        "Waiting for statefulset spec update to be observed...".to_owned()
    } else if s.ready < sts.replicas {
        format!("Waiting for {} pods to be ready...", sts.replicas - s.ready)
    } else if s.updated < sts.replicas.saturating_sub(partition) {
        format!(
            "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
            s.updated,
            sts.replicas.saturating_sub(partition)
        )
    } else {
        format!("partitioned roll out complete: {} new pods have been updated...", s.updated)
    })
}

/// `rollout history`: the revisions the set's template has been through.
pub fn history(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Result<String, KubectlError> {
    let (status, _) = status_of(cluster, kind, ns, name)?;
    let title = slash_name(kind, name);
    if status.history.is_empty() {
        return Ok(format!("{title}\nNo rollout history found."));
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE");
    for (revision, _, _) in &status.history {
        let _ = write!(text, "\n{revision}\t<none>");
    }
    Ok(format!("{title}\n{}", tabwriter::align(&text, 0, 2)))
}

fn patch(kind: Kind, ns: &str, name: &str, patch_type: PatchType, patch: &serde_json::Value) -> Change {
    Change::Patch { kind, namespace: ns.to_owned(), name: name.to_owned(), patch_type, patch: patch.to_string() }
}

/// `rollout restart`: a new `restartedAt` annotation on the template, so every pod is replaced.
pub fn restart(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Result<(Change, String), KubectlError> {
    status_of(cluster, kind, ns, name)?;
    let body = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": timestamp(cluster.now),
    }}}}});
    Ok((patch(kind, ns, name, PatchType::Strategic, &body), format!("{} restarted", slash_name(kind, name))))
}

/// `rollout undo`: the template of the revision asked for (by default the one before the
/// current), or kubectl's `skipped rollback` line when it is already the set's template.
pub fn undo(
    cluster: &Cluster,
    kind: Kind,
    ns: &str,
    name: &str,
    to: u32,
) -> Result<(Option<Change>, String), KubectlError> {
    let (status, template) = status_of(cluster, kind, ns, name)?;
    let current = status.revision();
    let target = if to > 0 {
        status.history.iter().find(|(r, _, _)| *r == to)
    } else {
        status.history.iter().rev().find(|(r, _, _)| *r != current)
    };
    let Some((revision, _, old)) = target else {
        return Err(KubectlError::msg(if to > 0 {
            format!("error: unable to find specified revision {to} in history")
        } else {
            format!("error: no rollout history found for {} \"{name}\"", kind.singular())
        }));
    };
    if old == template {
        let line = format!(
            "{} skipped rollback (current template already matches revision {revision})",
            slash_name(kind, name)
        );
        return Ok((None, line));
    }
    let body =
        json!([{"op": "replace", "path": "/spec/template", "value": crate::sim::manifest::template_manifest(old)}]);
    Ok((Some(patch(kind, ns, name, PatchType::Json, &body)), format!("{} rolled back", slash_name(kind, name))))
}
