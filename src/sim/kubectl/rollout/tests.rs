//! Tests of `kubectl rollout`: status lines, history, and the changes undo/restart/pause build.

use super::*;
use crate::sim::kubectl::mutate::fixture;
use crate::sim::objects::DeploymentCondition;

fn args(line: &str, specs: &[FlagSpec]) -> Args {
    let toks: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    Args::parse(&toks, specs).expect("parses")
}

fn web(c: &mut Cluster) -> &mut Deployment {
    c.deployments_mut().get_mut(&key("shop", "web")).expect("fixture has web")
}

fn run_line(c: &mut Cluster, line: &str) -> Result<String, String> {
    let outcome = crate::sim::kubectl::run(c, &format!("rollout {line}"));
    if outcome.ok { Ok(outcome.output) } else { Err(outcome.output) }
}

#[test]
fn status_prints_the_current_line_once() {
    let mut c = fixture::cluster();
    assert_eq!(
        run_line(&mut c, "status deploy/web -n shop").as_deref(),
        Ok("deployment \"web\" successfully rolled out")
    );
    web(&mut c).status.updated = 1;
    assert_eq!(
        run_line(&mut c, "status deployment web -n shop").as_deref(),
        Ok("Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...")
    );
    let d = web(&mut c);
    d.status.updated = 3;
    d.status.replicas = 4;
    assert_eq!(
        status_line(d).ok().as_deref(),
        Some("Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...")
    );
    d.status.replicas = 3;
    d.status.available = 2;
    assert_eq!(
        status_line(d).ok().as_deref(),
        Some("Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...")
    );
    d.status.generation = 5;
    assert_eq!(status_line(d).ok().as_deref(), Some("Waiting for deployment spec update to be observed..."));
    d.status.observed_generation = 5;
    d.status.conditions = vec![DeploymentCondition {
        kind: "Progressing".into(),
        status: "False".into(),
        reason: "ProgressDeadlineExceeded".into(),
        message: "ReplicaSet \"web-7c9b\" has timed out progressing.".into(),
        since: 0,
    }];
    assert_eq!(
        run_line(&mut c, "status deploy/web -n shop"),
        Err("error: deployment \"web\" exceeded its progress deadline".to_owned())
    );
}

#[test]
fn status_errors() {
    let mut c = fixture::cluster();
    assert_eq!(
        run_line(&mut c, "status deploy/api -n shop"),
        Err("Error from server (NotFound): deployments.apps \"api\" not found".to_owned())
    );
    assert_eq!(
        run_line(&mut c, "status pod/web-7c9b-aaaaa -n shop"),
        Err("error: no status viewer has been implemented for Pod".to_owned())
    );
    assert_eq!(
        run_line(&mut c, "status deploy -n shop"),
        Err("error: resource(s) were provided, but no name was specified".to_owned())
    );
    assert_eq!(
        run_line(&mut c, "frob deploy/web"),
        Err("error: unknown command \"frob\"\nSee 'kubectl rollout -h' for help and examples".to_owned())
    );
}

#[test]
fn history_lists_revisions_with_change_causes() {
    let mut c = fixture::cluster();
    assert_eq!(
        run_line(&mut c, "history deploy/web -n shop").as_deref(),
        Ok(
            "deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deploy/web web=repo/web:1.4.1"
        )
    );
    let web = c.deployments()[&key("shop", "web")].clone();
    let mut bare = fixture::cluster();
    bare.replicasets_mut().clear();
    assert_eq!(history::table(&bare, &web), "deployment.apps/web\nNo rollout history found.");
    assert_eq!(
        run_line(&mut c, "history deploy/web --revision=9 -n shop"),
        Err("error: unable to find the specified revision".to_owned())
    );
}

#[test]
fn history_of_one_revision_shows_its_pod_template() {
    let mut c = fixture::cluster();
    let out = run_line(&mut c, "history deploy/web --revision=1 -n shop").unwrap_or_else(|e| e);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("deployment.apps/web with revision #1"));
    assert_eq!(lines.next(), Some("Pod Template:"));
    assert!(out.contains("repo/web:1.4.0"), "{out}");
    assert!(!out.contains("repo/web:1.4.1"), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("Labels:") && l.ends_with("app=web")), "{out}");
}

#[test]
fn undo_targets_the_previous_or_a_given_revision() {
    let c = fixture::cluster();
    let plan = plan_undo(&c, &args("deploy/web -n shop", UNDO_FLAGS)).expect("plan");
    assert_eq!(
        plan,
        Undo {
            change: Some(Change::RolloutUndo { namespace: "shop".into(), deployment: "web".into(), to_revision: None }),
            line: "deployment.apps/web rolled back".into(),
        }
    );
    let plan = plan_undo(&c, &args("deploy/web --to-revision=1 -n shop", UNDO_FLAGS)).expect("plan");
    assert!(matches!(plan.change, Some(Change::RolloutUndo { to_revision: Some(1), .. })));
    assert_eq!(
        plan_undo(&c, &args("deploy/web --to-revision=9 -n shop", UNDO_FLAGS)).err().map(|e| e.to_string()).as_deref(),
        Some("error: unable to find specified revision 9 in history")
    );
    assert_eq!(
        plan_undo(&c, &args("deploy/web --to-revision=2 -n shop", UNDO_FLAGS)).ok(),
        Some(Undo {
            change: None,
            line: "deployment.apps/web skipped rollback (current template already matches revision 2)".into(),
        })
    );
}

#[test]
fn undo_refuses_paused_deployments_and_missing_history() {
    let mut c = fixture::cluster();
    c.replicasets_mut().retain(|k, _| k.1 != "web-5d8f");
    assert_eq!(
        plan_undo(&c, &args("deploy/web -n shop", UNDO_FLAGS)).err().map(|e| e.to_string()).as_deref(),
        Some("error: no rollout history found for deployment \"web\"")
    );
    web(&mut c).paused = true;
    assert_eq!(
        plan_undo(&c, &args("deploy/web -n shop", UNDO_FLAGS)).err().map(|e| e.to_string()).as_deref(),
        Some(
            "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
        )
    );
}

#[test]
fn restart_pause_and_resume() {
    let mut c = fixture::cluster();
    let a = args("deploy/web -n shop", PLAIN_FLAGS);
    assert_eq!(
        plan_simple(&c, "restart", &a).ok(),
        Some((
            Change::RolloutRestart { namespace: "shop".into(), deployment: "web".into() },
            "deployment.apps/web restarted".into()
        ))
    );
    assert_eq!(
        plan_simple(&c, "pause", &a).ok(),
        Some((
            Change::RolloutPause { namespace: "shop".into(), deployment: "web".into(), paused: true },
            "deployment.apps/web paused".into()
        ))
    );
    assert_eq!(
        plan_simple(&c, "resume", &a).err().map(|e| e.to_string()).as_deref(),
        Some("error: deployments.apps \"web\" is not paused")
    );
    web(&mut c).paused = true;
    assert_eq!(plan_simple(&c, "resume", &a).ok().map(|p| p.1).as_deref(), Some("deployment.apps/web resumed"));
    assert_eq!(
        plan_simple(&c, "restart", &a).err().map(|e| e.to_string()).as_deref(),
        Some("error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)")
    );
    assert_eq!(
        plan_simple(&c, "pause", &a).err().map(|e| e.to_string()).as_deref(),
        Some("error: deployments.apps \"web\" is already paused")
    );
}

#[test]
fn undo_end_to_end() {
    let mut c = fixture::cluster();
    let out = crate::sim::kubectl::run(&mut c, "kubectl rollout undo deploy/web -n shop");
    assert_eq!(out.output, "deployment.apps/web rolled back");
    assert!(out.changed);
    assert_eq!(c.deployments()[&key("shop", "web")].template.spec.containers[0].image, "repo/web:1.4.0");
}
