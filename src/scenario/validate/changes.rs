//! The changes of the game layer, the customer's mishaps and the injects' faults, must name
//! objects that exist and must be able to matter. They happen during play, on a cluster the team
//! may have repaired or contained: a mishap that re-applies the fault (re-running a broken
//! release, re-creating a rogue job the team deleted, re-applying an autoscaler's old limits)
//! changes nothing when the incident starts and is still right, because it undoes the team's
//! work. So a change here is wrong only when it is wrong on every cluster it could meet, judged on
//! two ends of the incident:
//!
//! * refused: the API refuses it both on the healthy baseline and on the incident's cluster (its
//!   object exists in neither, a typo, or the API refuses it for another reason it states);
//! * changes nothing: neither it nor any other change of its mishap or inject changes anything on
//!   the incident's cluster (before any fix), on the cluster the reference solution leaves behind
//!   (after the fix) or on the healthy baseline (what a rollback returns to: re-running a release
//!   the team rolled back matters even when the reference solution fixes forward). The changes of
//!   one mishap tell one story, so a mishap that does something somewhere keeps its changes that
//!   re-assert a value (re-creating a job and scaling it back to 1 guards against a team that
//!   scaled it to 0, which no cluster here shows); one that never does anything is a mistake.

use crate::scenario::effect::{Effect, apply_and_compare};
use crate::scenario::format::Scenario;
use crate::scenario::layer::InjectWhat;
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;

use super::{Problem, problem};

/// Every mishap and inject change that is refused, or changes nothing, wherever it could happen,
/// at its field path.
pub fn check(s: &Scenario, baseline: &Cluster, incident: &Cluster) -> Vec<Problem> {
    let mishaps = s
        .game
        .customer
        .npc
        .mishaps
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("game.customer.npc.mishaps[{i}].changes"), m.changes.as_slice(), "customer"));
    let injects = s.game.injects.iter().enumerate().filter_map(|(i, inj)| match &inj.what {
        InjectWhat::Fault(changes) => Some((format!("game.injects[{i}].what.Fault"), changes.as_slice(), "inject")),
        _ => None,
    });
    let groups: Vec<_> = mishaps.chain(injects).collect();
    if groups.is_empty() {
        return Vec::new();
    }
    let solved = solved(s, incident);
    let mut out = Vec::new();
    for (path, changes, actor) in groups {
        let mut on_baseline = baseline.clone();
        let mut on_incident = incident.clone();
        let mut on_solved = solved.clone();
        let mut inert = Vec::new();
        let mut matters = false;
        for (j, change) in changes.iter().enumerate() {
            let then = apply_and_compare(&mut on_incident, change, actor);
            let before = apply_and_compare(&mut on_baseline, change, actor);
            let after_fix = apply_and_compare(&mut on_solved, change, actor);
            matters |= [&then, &before, &after_fix].contains(&&Effect::Changed);
            if let Some(message) = refused_everywhere(&then, &before) {
                out.push(problem(format!("{path}[{j}]"), message));
            } else if then == Effect::Unchanged {
                inert.push(problem(format!("{path}[{j}]"), unchanged_message(change)));
            }
        }
        if !matters {
            out.extend(inert);
        }
    }
    out
}

/// The incident's cluster after its reference solution: each console line run as a responder
/// runs it, `/wait N` moving the clock N turns. A line that fails is skipped, as it would be in
/// play (proving that the solution wins is `kombat scenario test`'s job, not this one's).
fn solved(s: &Scenario, incident: &Cluster) -> Cluster {
    let mut cluster = incident.clone();
    let turn_seconds = i64::from(s.minutes_per_turn) * 60;
    for line in &s.solution {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("/wait") {
            // The same bounds the console enforces (1 to 1000 turns).
            let turns = match rest.trim() {
                "" => 1,
                n => n.parse::<i64>().ok().filter(|n| (1..=1000).contains(n)).unwrap_or(0),
            };
            cluster.advance_seconds(turns * turn_seconds);
            continue;
        }
        if line.starts_with('/') {
            continue;
        }
        let _ = crate::sim::kubectl::run(&mut cluster, line);
    }
    cluster
}

/// The API's refusal when a change is refused both on the baseline and on the incident's cluster:
/// it names an object that is in neither (or is wrong in another way the API tells).
fn refused_everywhere(on_incident: &Effect, on_baseline: &Effect) -> Option<String> {
    match (on_incident, on_baseline) {
        (Effect::Refused(e), Effect::Refused(_)) => Some(e.to_string()),
        _ => None,
    }
}

fn unchanged_message(change: &Change) -> String {
    let (kind, namespace, name) = change.target();
    let shown = if kind.namespaced() { format!("{namespace}/{name}") } else { name.to_owned() };
    format!(
        "changes nothing: {} {shown} is already like this in the baseline, when the incident starts and after the reference solution",
        kind.singular()
    )
}
