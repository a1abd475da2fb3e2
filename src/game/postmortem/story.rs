//! The story of this game, from its log: when users started failing (the first fault, which is
//! before the team was called) and when they stopped, how the incident ended, the changes that
//! fixed it and who made them, what was tried before without bringing service back (and what was
//! undone), and any rogue actor stopped. The scenario's own text is background only; nothing here
//! claims a deed the log does not hold.
//!
//! The fix is found from the win rule, not from command text: a won incident's win conditions held
//! at the end of its last `hold_turns` turns and not at the turn before them, so the changes that
//! made them hold are the team's last changes before that run began (those to what the incident is
//! about, when there are any). Changes before those were followed by a turn end at which the win
//! conditions still did not hold: tried, and not enough on their own.

use std::fmt::Write as _;

use super::super::event::{Event, Outcome};
use super::super::score::{self, Incident};
use super::super::seat::Seat;
use super::super::state::Game;
use super::timeline::{code, seat_label};
use crate::game::clock;
use crate::sim::change::Change;
use crate::sim::cluster::timestamp;

/// One change command of the team's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deed {
    pub turn: u32,
    pub second: i64,
    /// The seat that ran it, with its player's name.
    pub who: String,
    pub line: String,
    /// Whether it changed something the incident is about.
    pub concerns_incident: bool,
    /// The later command that rolled its deployment back, if one did.
    pub undone_by: Option<String>,
}

/// What happened, from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    /// When users started failing: the first fault (incident seconds, negative before the team
    /// was called).
    pub failing_since: i64,
    /// When users were back within the SLO for good; none while they still fail.
    pub recovered: Option<i64>,
    /// The changes after which the win conditions started holding (won games only).
    pub fix: Vec<Deed>,
    /// Changes before the fix (or all of them in a game not won) after which the win conditions
    /// still did not hold, and changes the team undid.
    pub tried: Vec<Deed>,
    /// Other changes: beside the fix in its turn, or while service was already recovering.
    pub others: Vec<Deed>,
    /// Rogue actors stopped, with when and how.
    pub contained: Vec<String>,
}

/// The deployment a change rolls back, if it is a rollback.
fn undo_of(change: &Change) -> Option<(&str, &str)> {
    match change {
        Change::RolloutUndo { namespace, deployment, .. } => Some((namespace, deployment)),
        _ => None,
    }
}

/// The story of a game.
pub fn of(game: &Game) -> Story {
    let scenario = game.scenario();
    let incident = Incident::of(scenario);
    let failing_since =
        scenario.faults.iter().map(|f| i64::from(f.at_minute) * 60).min().or_else(|| first_failing(game)).unwrap_or(0);
    let recovered = score::recovered_at(game);
    let mut deeds: Vec<(Deed, &[Change])> = Vec::new();
    for s in &game.log {
        let Event::Command { line, changes, .. } = &s.event else { continue };
        if changes.is_empty() || !s.seat.is_some_and(Seat::is_responder) {
            continue;
        }
        let who = s.seat.map_or_else(|| "the team".to_owned(), |seat| seat_label(game, seat));
        let concerns_incident = changes.iter().any(|c| incident.concerns(c));
        let deed = Deed { turn: s.turn, second: s.second, who, line: line.clone(), concerns_incident, undone_by: None };
        deeds.push((deed, changes.as_slice()));
    }
    // A rollback undoes the template edits made to its deployment before it.
    for i in 0..deeds.len() {
        let undone: Vec<(String, String)> =
            deeds[i].1.iter().filter_map(undo_of).map(|(ns, name)| (ns.to_owned(), name.to_owned())).collect();
        for (ns, name) in undone {
            let by = format!("{} at {}", code(&deeds[i].0.line), clock(deeds[i].0.second));
            for earlier in deeds.iter_mut().take(i) {
                let edits = earlier.1.iter().filter_map(Change::edited_template).any(|(n, d)| n == ns && d == name);
                if edits && earlier.0.undone_by.is_none() {
                    earlier.0.undone_by = Some(by.clone());
                }
            }
        }
    }
    let deeds: Vec<Deed> = deeds.into_iter().map(|(d, _)| d).collect();
    let won_turn = match (score::ending(game), &game.world.ending) {
        (Some((_, Outcome::Won { turn })), _) => Some(*turn),
        (None, Some(Outcome::Won { turn })) if game.in_closing_turn() => Some(*turn),
        _ => None,
    };
    let (fix, tried, others) = match won_turn {
        Some(turn) => {
            // The win conditions held from the end of turn `held_from` on, and not at the end
            // of the turn before: the changes made before then brought them about.
            let held_from = turn.saturating_sub(scenario.win.hold_turns.max(1)) + 1;
            let before: Vec<&Deed> = deeds.iter().filter(|d| d.turn < held_from).collect();
            let any_concerns = before.iter().any(|b| b.concerns_incident);
            let relevant = |d: &Deed| d.concerns_incident || !any_concerns;
            let fix_turn = before.iter().filter(|d| relevant(d)).map(|d| d.turn).max();
            // With several independent causes each needs its own fix, often turns apart: every
            // change to the incident's objects that stayed is part of the fix.
            let several = scenario.game.all_causes().len() > 1 && any_concerns;
            let fix: Vec<Deed> = before
                .iter()
                .filter(|d| several || Some(d.turn) == fix_turn)
                .filter(|d| relevant(d) && d.undone_by.is_none())
                .map(|d| (*d).clone())
                .collect();
            let (tried, others): (Vec<Deed>, Vec<Deed>) = deeds
                .iter()
                .filter(|d| !fix.contains(d))
                .cloned()
                .partition(|d| d.undone_by.is_some() || fix_turn.is_some_and(|t| d.turn < t));
            (fix, tried, others)
        }
        None => (Vec::new(), deeds, Vec::new()),
    };
    let (_, contained) = score::deeds(game);
    Story { failing_since, recovered, fix, tried, others, contained }
}

/// The first figures at which users failed, when no fault says when they started.
fn first_failing(game: &Game) -> Option<i64> {
    let objective = game.scenario().slo.objective / 100.0;
    game.figures.iter().find(|s| s.results.iter().any(|r| r.success < objective)).map(|s| s.second)
}

fn deed_text(deed: &Deed) -> String {
    format!("{} ({}, {})", code(&deed.line), deed.who, clock(deed.second))
}

fn list(deeds: &[Deed]) -> String {
    deeds.iter().map(deed_text).collect::<Vec<_>>().join(", ")
}

impl Story {
    /// The summary's paragraphs: when users failed, how it ended and with what fix, what was
    /// tried before, and any rogue actor contained.
    pub fn render(&self, game: &Game) -> String {
        let mut out = String::new();
        let since = self.failing_since;
        let _ = write!(out, "Users started failing at {} ({})", clock(since), timestamp(since));
        if since < 0 {
            let _ = write!(out, ", {} before the team was called", clock(-since).trim_start_matches('+'));
        }
        out.push_str(". ");
        match score::ending(game) {
            Some((second, Outcome::Won { turn })) => {
                let _ = write!(out, "The incident was resolved at {} (turn {turn})", clock(second));
                if let Some(back) = self.recovered {
                    let _ = write!(out, "; users were back within the SLO from {}", clock(back));
                }
                out.push_str(". ");
            }
            Some((second, Outcome::Lost { turn, reason })) => {
                let _ = write!(out, "The incident was lost at {} (turn {turn}): {reason}. ", clock(second));
                out.push_str(self.users_at_the_end());
            }
            Some((second, Outcome::Stopped { turn })) => {
                let _ = write!(out, "The game master stopped the exercise at {} (turn {turn}). ", clock(second));
                out.push_str(self.users_at_the_end());
            }
            None => {
                let _ = write!(
                    out,
                    "The incident was still open at {} (turn {}). ",
                    clock(game.second()),
                    super::super::words::turn_of_play(game.turn())
                );
                out.push_str(self.users_at_the_end());
            }
        }
        match self.fix.as_slice() {
            [] if score::ending(game).is_some_and(|(_, o)| matches!(o, Outcome::Won { .. })) => {
                out.push_str("The team made no change before service came back.");
            }
            [] => {}
            [one] => {
                let _ = write!(out, "The fix: {}.", deed_text(one));
            }
            many => {
                let _ = write!(out, "The fix, together: {}.", list(many));
            }
        }
        let out = out.trim_end().to_owned();
        let mut paragraphs = vec![out];
        if !self.tried.is_empty() {
            let tried: Vec<String> = self
                .tried
                .iter()
                .map(|d| match &d.undone_by {
                    Some(by) => format!("{} (undone by {by})", deed_text(d)),
                    None => deed_text(d),
                })
                .collect();
            let lead =
                if self.fix.is_empty() { "Changes the team made" } else { "Tried before, not resolving it on its own" };
            paragraphs.push(format!("{lead}: {}.", tried.join(", ")));
        }
        if !self.others.is_empty() {
            paragraphs.push(format!("Other changes: {}.", list(&self.others)));
        }
        if !self.contained.is_empty() {
            paragraphs.push(format!("Rogue actor contained: {}.", self.contained.join(", ")));
        }
        paragraphs.join("\n\n")
    }

    fn users_at_the_end(&self) -> &'static str {
        if self.recovered.is_some() {
            "Users were back within the SLO by then. "
        } else {
            "Users were still failing when it ended. "
        }
    }
}
