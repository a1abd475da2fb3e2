//! The console commands that change the cluster: `set`, `scale`, `patch`, `label`, `annotate`,
//! `delete`, `cordon`, `uncordon`, `drain`, `taint` and `create`. Each command parses its line
//! into a [`Plan`] of typed [`Change`]s (testable without the API), then [`execute`] applies them
//! through [`Cluster::apply`] and prints what kubectl prints.

pub(super) mod create;
pub(super) mod delete;
pub(super) mod drain;
pub(super) mod edit;
pub(super) mod expose;
#[cfg(test)]
pub(super) mod fixture;
pub(super) mod label;
pub(super) mod node;
pub(super) mod run;
pub(super) mod set;
pub(super) mod target;

use super::{Done, KubectlError};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::Cluster;

/// Who the audit log names for console changes.
pub(super) const ACTOR: &str = "kubectl";

/// One change and the line kubectl prints once it succeeds (if any). A step without a change
/// only prints (`pod/x not labeled`).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Step {
    pub change: Option<Change>,
    pub line: Option<String>,
}

impl Step {
    pub fn new(change: Change, line: impl Into<String>) -> Self {
        Step { change: Some(change), line: Some(line.into()) }
    }

    pub fn print(line: impl Into<String>) -> Self {
        Step { change: None, line: Some(line.into()) }
    }
}

/// What a command will do: lines printed before any change (warnings), then the steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Plan {
    pub preamble: Vec<String>,
    pub steps: Vec<Step>,
    /// Printed after the steps (or alone, when there is nothing to change).
    pub epilogue: Vec<String>,
    /// Errors found while planning (objects not found), printed last as kubectl's aggregated
    /// error; the command fails if nothing was changed.
    pub errors: Vec<String>,
    /// Whether a refused change ends the command (a batch on one object) or only that object
    /// (commands that visit several objects, which kubectl continues through).
    pub keep_going: bool,
}

impl Plan {
    /// A plan of one change printing one line.
    pub fn single(change: Change, line: impl Into<String>) -> Self {
        Plan { steps: vec![Step::new(change, line)], ..Plan::default() }
    }

    /// Several changes that together print one line (after the last).
    pub fn batch(changes: Vec<Change>, line: impl Into<String>) -> Self {
        let n = changes.len();
        let line = line.into();
        let steps = changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| Step { change: Some(change), line: (i + 1 == n).then(|| line.clone()) })
            .collect();
        Plan { steps, ..Plan::default() }
    }

    /// A plan that changes nothing and prints `line`.
    pub fn nothing(line: impl Into<String>) -> Self {
        Plan { epilogue: vec![line.into()], ..Plan::default() }
    }

    /// A plan over several objects: a refusal for one does not stop the others.
    pub fn per_object() -> Self {
        Plan { keep_going: true, ..Plan::default() }
    }

    pub fn changes(&self) -> Vec<Change> {
        self.steps.iter().filter_map(|s| s.change.clone()).collect()
    }
}

/// Applies a plan's changes in order and prints the lines of those that went through. A refusal
/// ends a batch; in a per-object plan it is kept and printed at the end with the planning
/// errors, as kubectl prints its aggregated error after working through every object. The
/// command fails when it printed errors and changed nothing.
pub(super) fn execute(cluster: &mut Cluster, plan: Plan) -> Result<Done, KubectlError> {
    let mut out = plan.preamble;
    let mut errors = plan.errors;
    let mut applied = 0;
    for step in plan.steps {
        let Some(change) = step.change else {
            out.extend(step.line);
            continue;
        };
        match cluster.apply(change, ACTOR) {
            Ok(()) => {
                applied += 1;
                out.extend(step.line);
            }
            Err(e) if out.is_empty() && errors.is_empty() && !plan.keep_going => {
                return Err(e.into());
            }
            Err(e) => {
                errors.push(e.to_string());
                if !plan.keep_going {
                    break;
                }
            }
        }
    }
    out.extend(plan.epilogue);
    let failed = !errors.is_empty();
    out.extend(errors);
    let output = out.join("\n");
    if failed && applied == 0 {
        return Err(KubectlError::msg(output));
    }
    Ok(Done { output, changed: applied > 0, failed })
}

/// The API's message without kubectl's `Error from server (Reason): ` prefix, as `%v` of a
/// status error prints inside other messages.
pub(super) fn api_message(e: &ApiError) -> String {
    match e {
        ApiError::NotFound { kind, name } => format!("{kind} \"{name}\" not found"),
        ApiError::NamespaceNotFound(ns) => format!("namespaces \"{ns}\" not found"),
        ApiError::AlreadyExists { kind, name } => format!("{kind} \"{name}\" already exists"),
        ApiError::Internal(m) => format!("Internal error occurred: {m}"),
        ApiError::Invalid(m)
        | ApiError::BadRequest(m)
        | ApiError::Forbidden(m)
        | ApiError::TooManyRequests(m)
        | ApiError::Client(m) => m.clone(),
    }
}

/// kubectl's error when a command needs a resource and got none.
pub(super) fn no_resources_error() -> KubectlError {
    KubectlError::msg(
        "error: You must provide one or more resources by argument or filename.\n\
         Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    )
}

/// cobra's answer to an unknown subcommand of a command group.
pub(super) fn unknown_subcommand(group: &str, word: &str) -> KubectlError {
    KubectlError::msg(format!("error: unknown command \"{word}\"\nSee 'kubectl {group} -h' for help and examples"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_messages_drop_the_server_prefix() {
        let e =
            ApiError::TooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.".to_owned());
        assert_eq!(api_message(&e), "Cannot evict pod as it would violate the pod's disruption budget.");
        let e = ApiError::not_found(crate::sim::kind::Kind::Pod, "web-x");
        assert_eq!(api_message(&e), "pods \"web-x\" not found");
    }

    #[test]
    fn batches_print_their_line_once_after_the_last_change() {
        let changes = vec![
            Change::Cordon { node: "a".into(), unschedulable: true },
            Change::Cordon { node: "b".into(), unschedulable: true },
        ];
        let plan = Plan::batch(changes.clone(), "done");
        assert_eq!(plan.changes(), changes);
        assert_eq!(plan.steps[0].line, None);
        assert_eq!(plan.steps[1].line.as_deref(), Some("done"));
    }

    #[test]
    fn dry_runs_print_what_kubectl_prints_and_change_nothing() {
        use crate::sim::kubectl::run;
        let mut c = fixture::cluster();
        // kubectl create deployment x --image=nginx --dry-run=client → `deployment.apps/x created (dry run)`.
        let out = run(&mut c, "create deployment x --image=nginx --dry-run=client -n shop");
        assert_eq!((out.output.as_str(), out.changed, out.cost), ("deployment.apps/x created (dry run)", false, 1));
        let out = run(&mut c, "kubectl scale deploy/web --replicas=5 -n shop --dry-run=server");
        assert_eq!(out.output, "deployment.apps/web scaled (server dry run)");
        let out = run(&mut c, "kubectl delete deploy web -n shop --dry-run");
        assert_eq!(out.output, "deployment.apps \"web\" deleted (dry run)");
        let out = run(&mut c, "kubectl label deploy web -n shop a=b --dry-run=none");
        assert!(out.changed, "--dry-run=none runs for real");
        let out = run(&mut c, "create deployment x --image=nginx --dry-run=client -o yaml -n shop");
        assert!(out.output.starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"), "{}", out.output);
        assert!(out.output.contains("  name: x\n"), "{}", out.output);
        let out = run(&mut c, "create cm y --dry-run=client -o name -n shop");
        assert_eq!(out.output, "configmap/y");
        assert!(c.deployments().get(&crate::sim::cluster::key("shop", "x")).is_none());
        assert_eq!(c.deployments()[&crate::sim::cluster::key("shop", "web")].replicas, 3);
        // A refusal is still a refusal: server dry run runs admission.
        let out = run(&mut c, "create deployment web --image=nginx --dry-run=server -n shop");
        assert!(!out.ok);
        assert_eq!(out.output, "Error from server (AlreadyExists): deployments.apps \"web\" already exists");
        let out = run(&mut c, "kubectl scale deploy/web --replicas=5 -n shop --dry-run=sometimes");
        assert_eq!(
            out.output,
            "error: Invalid dry-run value (sometimes). Must be \"none\", \"server\", or \"client\"."
        );
    }
}
