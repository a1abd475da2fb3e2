//! `kubectl rollout status|history|undo|restart|pause|resume` on deployments, and `status`,
//! `history`, `undo` and `restart` on daemon sets and stateful sets (`sets`). `status` and
//! `history` read the deployment and its replica sets; the others are typed changes applied
//! through [`Cluster::apply`]. The console does not block, so `status` prints the line kubectl
//! would print now and returns.

mod history;
mod sets;

use super::mutate::target::{resolve_one, slash_name};
use super::mutate::{ACTOR, no_resources_error, unknown_subcommand};
use super::{Args, Done, FlagSpec, KubectlError};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::objects::{Deployment, OwnerKind, PodTemplate, ReplicaSet};

pub(super) const STATUS_FLAGS: &[FlagSpec] = &[flag::WATCH, flag::REVISION, flag::TIMEOUT];
pub(super) const HISTORY_FLAGS: &[FlagSpec] = &[flag::REVISION, flag::OUTPUT];
pub(super) const UNDO_FLAGS: &[FlagSpec] = &[flag::TO_REVISION, flag::DRY_RUN];
pub(super) const PLAIN_FLAGS: &[FlagSpec] = &[flag::SELECTOR, flag::DRY_RUN];

const HELP: &str = "Manage the rollout of one or many resources.

 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]";

/// `kubectl rollout` without a subcommand it knows: its help, or cobra's error.
pub fn group(_: &Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    match tokens.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => Done::read(HELP),
        Some(other) => Err(unknown_subcommand("rollout", other)),
    }
}

/// Runs `kubectl rollout status`.
pub fn run_status(cluster: &Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    Done::read(status(cluster, &Args::parse(rest, STATUS_FLAGS)?)?)
}

/// Runs `kubectl rollout history`.
pub fn run_history(cluster: &Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    history::run(cluster, &Args::parse(rest, HISTORY_FLAGS)?)
}

/// Runs `kubectl rollout undo`.
pub fn run_undo(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, UNDO_FLAGS)?;
    match plan_undo(cluster, &args)? {
        Undo { change: Some(change), line } => apply(cluster, change, line),
        Undo { change: None, line } => Done::read(line),
    }
}

/// Runs `kubectl rollout restart|pause|resume` (`sub`).
pub fn run_simple(cluster: &mut Cluster, sub: &str, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, PLAIN_FLAGS)?;
    let (change, line) = plan_simple(cluster, sub, &args)?;
    apply(cluster, change, line)
}

fn apply(cluster: &mut Cluster, change: Change, line: String) -> Result<Done, KubectlError> {
    cluster.apply(change, ACTOR)?;
    Done::changed(line)
}

/// The `schema.GroupKind` string kubectl names unsupported kinds by (`Pod`, `ReplicaSet.apps`).
fn group_kind(kind: Kind) -> String {
    if kind.group().is_empty() { kind.api_kind().to_owned() } else { format!("{}.{}", kind.api_kind(), kind.group()) }
}

/// The deployment a rollout subcommand names; `unsupported` words the error for other kinds.
fn deployment<'c>(
    cluster: &'c Cluster,
    args: &Args,
    unsupported: impl FnOnce(Kind, &str) -> String,
) -> Result<&'c Deployment, KubectlError> {
    if args.positional.is_empty() {
        return Err(no_resources_error());
    }
    let (kind, name) = resolve_one(&args.positional)?;
    let ns = args.namespace();
    if kind != Kind::Deployment {
        if super::mutate::target::find(cluster, kind, ns, &name).is_none() {
            return Err(ApiError::not_found(kind, &name).into());
        }
        return Err(KubectlError::msg(unsupported(kind, &name)));
    }
    cluster.deployments().get(&key(ns, &name)).ok_or_else(|| ApiError::not_found(Kind::Deployment, &name).into())
}

/// The daemon set or stateful set a rollout subcommand names, if it names one.
fn set_target(args: &Args) -> Result<Option<(Kind, String)>, KubectlError> {
    if args.positional.is_empty() {
        return Ok(None);
    }
    let (kind, name) = resolve_one(&args.positional)?;
    Ok(sets::handles(kind).then_some((kind, name)))
}

/// The replica sets a deployment owns, oldest revision first.
pub(super) fn owned<'c>(cluster: &'c Cluster, d: &Deployment) -> Vec<&'c ReplicaSet> {
    let mut list: Vec<&ReplicaSet> = cluster
        .replicasets()
        .values()
        .filter(|rs| {
            rs.meta.namespace == d.meta.namespace
                && rs.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::Deployment && o.name == d.meta.name)
        })
        .collect();
    list.sort_by_key(|rs| rs.revision);
    list
}

/// `rollout status`: the line kubectl's deployment status viewer prints for the current state.
pub fn status(cluster: &Cluster, args: &Args) -> Result<String, KubectlError> {
    if let Some((kind, name)) = set_target(args)? {
        return sets::status(cluster, kind, args.namespace(), &name);
    }
    let d = deployment(cluster, args, |k, _| {
        format!("error: no status viewer has been implemented for {}", group_kind(k))
    })?;
    status_line(d)
}

pub fn status_line(d: &Deployment) -> Result<String, KubectlError> {
    let name = &d.meta.name;
    let s = &d.status;
    if s.generation > s.observed_generation {
        return Ok("Waiting for deployment spec update to be observed...".to_owned());
    }
    if d.condition("Progressing").is_some_and(|c| c.reason == "ProgressDeadlineExceeded") {
        return Err(KubectlError::msg(format!("error: deployment \"{name}\" exceeded its progress deadline")));
    }
    Ok(if s.updated < d.replicas {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} out of {} new replicas have been updated...",
            s.updated, d.replicas
        )
    } else if s.replicas > s.updated {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
            s.replicas - s.updated
        )
    } else if s.available < s.updated {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...",
            s.available, s.updated
        )
    } else {
        format!("deployment \"{name}\" successfully rolled out")
    })
}

/// What `rollout undo` will do: a change and its line, or (when the target revision's template
/// is already the deployment's) only kubectl's `skipped rollback` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Undo {
    pub change: Option<Change>,
    pub line: String,
}

/// Templates compared as kubectl's `equalIgnoreHash` does.
fn same_template(a: &PodTemplate, b: &PodTemplate) -> bool {
    let strip = |t: &PodTemplate| {
        let mut t = t.clone();
        t.labels.remove("pod-template-hash");
        t
    };
    strip(a) == strip(b)
}

pub fn plan_undo(cluster: &Cluster, args: &Args) -> Result<Undo, KubectlError> {
    let to_revision = args.number::<i64>(flag::TO_REVISION)?.unwrap_or(0);
    if let Some((kind, name)) = set_target(args)? {
        let Ok(to) = u32::try_from(to_revision) else {
            return Err(KubectlError::msg(format!(
                "error: unable to find specified revision {to_revision} in history"
            )));
        };
        let (change, line) = sets::undo(cluster, kind, args.namespace(), &name, to)?;
        return Ok(Undo { change, line });
    }
    let d = deployment(cluster, args, |k, _| {
        format!("error: no rollbacker has been implemented for \"{}\"", group_kind(k))
    })?;
    let name = &d.meta.name;
    let Ok(to) = u32::try_from(to_revision) else {
        return Err(KubectlError::msg(format!("error: unable to find specified revision {to_revision} in history")));
    };
    if d.paused {
        return Err(KubectlError::msg(
            "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
        ));
    }
    let history: Vec<&ReplicaSet> = owned(cluster, d).into_iter().filter(|rs| rs.revision > 0).collect();
    let target = if to > 0 {
        history
            .iter()
            .find(|rs| rs.revision == to)
            .ok_or_else(|| KubectlError::msg(format!("error: unable to find specified revision {to} in history")))?
    } else {
        // The second newest revision.
        let n = history.len();
        if n < 2 {
            return Err(KubectlError::msg(format!("error: no rollout history found for deployment \"{name}\"")));
        }
        &history[n - 2]
    };
    if same_template(&target.template, &d.template) {
        let line = format!(
            "{} skipped rollback (current template already matches revision {})",
            slash_name(Kind::Deployment, name),
            target.revision
        );
        return Ok(Undo { change: None, line });
    }
    let change = Change::RolloutUndo {
        namespace: d.meta.namespace.clone(),
        deployment: name.clone(),
        to_revision: (to > 0).then_some(to),
    };
    Ok(Undo { change: Some(change), line: format!("{} rolled back", slash_name(Kind::Deployment, name)) })
}

/// `rollout restart|pause|resume`.
pub fn plan_simple(cluster: &Cluster, sub: &str, args: &Args) -> Result<(Change, String), KubectlError> {
    if sub == "restart"
        && let Some((kind, name)) = set_target(args)?
    {
        return sets::restart(cluster, kind, args.namespace(), &name);
    }
    let gerund = match sub {
        "restart" => "restarting",
        "pause" => "pausing",
        _ => "resuming",
    };
    let d =
        deployment(cluster, args, |k, n| format!("error: {} \"{n}\" {gerund} is not supported", k.qualified_plural()))?;
    let (ns, name) = (d.meta.namespace.clone(), d.meta.name.clone());
    let refuse = |why: &str| KubectlError::msg(format!("error: deployments.apps \"{name}\" {why}"));
    let target = slash_name(Kind::Deployment, &name);
    match sub {
        "restart" if d.paused => Err(refuse("can't restart paused deployment (run rollout resume first)")),
        "restart" => {
            Ok((Change::RolloutRestart { namespace: ns, deployment: name.clone() }, format!("{target} restarted")))
        }
        "pause" if d.paused => Err(refuse("is already paused")),
        "pause" => Ok((
            Change::RolloutPause { namespace: ns, deployment: name.clone(), paused: true },
            format!("{target} paused"),
        )),
        _ if !d.paused => Err(refuse("is not paused")),
        _ => Ok((
            Change::RolloutPause { namespace: ns, deployment: name.clone(), paused: false },
            format!("{target} resumed"),
        )),
    }
}

#[cfg(test)]
mod tests;
