//! The changes of the game layer, the customer's mishaps and the injects' faults, must name
//! objects that exist. They happen during play, on a cluster the team may have repaired or
//! contained: a mishap that re-applies the fault (re-running a broken release, re-creating a
//! rogue job the team deleted, re-applying an autoscaler's old limits) changes nothing when the
//! incident starts and is still right, because it undoes the team's work. So a change here is
//! wrong only when the API refuses it both on the healthy baseline and on the incident's cluster:
//! its object exists in neither (a typo), or the API refuses it for another reason it states.

use crate::scenario::effect::{Effect, apply_and_compare};
use crate::scenario::format::Scenario;
use crate::scenario::layer::InjectWhat;
use crate::sim::cluster::Cluster;

use super::{Problem, problem};

/// Every mishap and inject change the API refuses wherever it could happen, at its field path.
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
    let mut out = Vec::new();
    for (path, changes, actor) in mishaps.chain(injects) {
        let mut on_baseline = baseline.clone();
        let mut on_incident = incident.clone();
        for (j, change) in changes.iter().enumerate() {
            let then = apply_and_compare(&mut on_incident, change, actor);
            let before = apply_and_compare(&mut on_baseline, change, actor);
            if let Some(message) = refused_everywhere(&then, &before) {
                out.push(problem(format!("{path}[{j}]"), message));
            }
        }
    }
    out
}

/// The API's refusal when a change is refused both on the baseline and on the incident's cluster:
/// it names an object that is in neither (or is wrong in another way the API tells).
fn refused_everywhere(on_incident: &Effect, on_baseline: &Effect) -> Option<String> {
    match (on_incident, on_baseline) {
        (Effect::Refused(e), Effect::Refused(_)) => Some(e.to_string()),
        _ => None,
    }
}
