//! The debrief: what the end screen teaches from a finished game. The grade with its reasons,
//! the error rate and budget over the turns, when the customer first heard from the team, when
//! the cause was named and when the incident was resolved, the whole timeline, and what really
//! happened (the scenario's own root-cause story). Everyone may see it once the game is over.

use serde::{Deserialize, Serialize};

use super::event::TurnSample;
use super::event::{Event, Outcome};
use super::postmortem::timeline::{self, Row};
use super::score::{self, Score};
use super::state::Game;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Debrief {
    pub outcome: Outcome,
    pub score: Score,
    pub samples: Vec<TurnSample>,
    /// Incident second of the first word to the customer.
    pub acknowledged: Option<i64>,
    /// Incident second the right root cause was declared.
    pub diagnosed: Option<i64>,
    /// Incident second the incident was won.
    pub resolved: Option<i64>,
    pub timeline: Vec<Row>,
    /// What happened in this game, from its log, then the scenario's background.
    pub summary: String,
    pub root_cause: String,
    /// The scenario's causes in the taxonomy's terms.
    pub causes: Vec<String>,
    /// The declarations the team made (the newest `MAX_DECLARATIONS`), in order, with their
    /// credit (0–100).
    pub declarations: Vec<(String, u32)>,
    pub action_items: Vec<String>,
    /// What the incident was about underneath (the scenario's `lessons`), kept from the
    /// picker's tags so they give nothing away before play.
    pub lessons: Vec<String>,
}

/// Declarations the debrief lists at most (the newest).
pub const MAX_DECLARATIONS: usize = 20;

/// The debrief of an ended game; none while it is still going.
pub fn for_game(game: &Game) -> Option<Debrief> {
    let (end, outcome) = score::ending(game)?;
    let material = &game.scenario().game.postmortem;
    let diagnosed = game.log.iter().find_map(|s| match &s.event {
        Event::RootCauseDeclared { correct: true, .. } => Some(s.second),
        Event::CauseDeclared { verdict: Some(v), .. } if v.is_right() => Some(s.second),
        _ => None,
    });
    let mut declarations: Vec<(String, u32)> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::CauseDeclared { declaration, verdict } => {
                Some((declaration.to_string(), verdict.as_ref().map_or(0, super::cause::Verdict::credit)))
            }
            Event::RootCauseDeclared { option, correct } => {
                Some((format!("option {option}"), if *correct { 100 } else { 0 }))
            }
            _ => None,
        })
        .collect();
    // The newest ones: a hosted debrief must fit a frame however often a team declared.
    declarations.drain(..declarations.len().saturating_sub(MAX_DECLARATIONS));
    Some(Debrief {
        outcome: outcome.clone(),
        score: score::score(game),
        samples: game.samples.clone(),
        acknowledged: score::liaison_texts(game).first().map(|(second, _)| *second),
        diagnosed,
        resolved: matches!(outcome, Outcome::Won { .. }).then_some(end),
        timeline: timeline::rows(game),
        summary: super::postmortem::summary_text(game),
        root_cause: material.root_cause.clone(),
        causes: game.scenario().game.all_causes().iter().map(ToString::to_string).collect(),
        declarations,
        action_items: material.action_items.clone(),
        lessons: game.scenario().lessons.clone(),
    })
}
