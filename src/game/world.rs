//! The world a game is played in: the scenario's cluster, the turns of incident time that have
//! passed, and the rules that end an incident (won once every win condition has held long
//! enough; lost when data is destroyed, the error budget runs out, a lose condition holds or the
//! turn limit passes). The game advances it only inside `rules::execute`, which moves it out of
//! the game and hands it back with the resulting event to `Game::apply` (ARCHITECTURE.md,
//! "Events carry results").
//! Without the game layer it is also a bare console session, which the scenario proof and the
//! simulation's tests drive directly.

use std::fmt::Write as _;
use std::sync::Arc;

use super::event::Outcome;
use super::words::{clock, outcome_text, turn_label};
use crate::scenario::{BuildError, Scenario, build_cluster};
use crate::sim::cluster::Cluster;
use crate::sim::kubectl;

#[derive(Clone)]
pub struct World {
    /// Never changed by play, so sessions of one scenario may share it (a server's rooms do).
    pub scenario: Arc<Scenario>,
    pub cluster: Cluster,
    /// Turns completed.
    pub turn: u32,
    /// Consecutive turn ends at which every win condition held.
    pub held: u32,
    pub ending: Option<Outcome>,
}

/// What the end of a turn brought.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnReport {
    pub turn: u32,
    pub minute: i64,
    pub ending: Option<Outcome>,
}

impl World {
    pub fn new(scenario: impl Into<Arc<Scenario>>, seed: u64) -> Result<Self, BuildError> {
        let scenario = scenario.into();
        let cluster = build_cluster(&scenario, seed)?;
        Ok(World { scenario, cluster, turn: 0, held: 0, ending: None })
    }

    /// Takes the world out, leaving a hollow one (the same scenario and turn, an empty cluster)
    /// until `Game::apply` puts the world back: the rules move the world through a step instead
    /// of copying it.
    pub(crate) fn take(&mut self) -> World {
        let hollow = World {
            scenario: Arc::clone(&self.scenario),
            cluster: Cluster::new(self.cluster.seed),
            turn: self.turn,
            held: self.held,
            ending: self.ending.clone(),
        };
        std::mem::replace(self, hollow)
    }

    /// Runs one console command.
    pub fn command(&mut self, line: &str) -> kubectl::Outcome {
        if let Some(ending) = &self.ending {
            return kubectl::Outcome {
                output: format!("The incident is over ({}).", outcome_text(ending)),
                changed: false,
                cost: 0,
                ok: false,
            };
        }
        kubectl::run(&mut self.cluster, line)
    }

    /// Whether every win condition holds right now.
    pub fn win_conditions(&self) -> Vec<(String, bool)> {
        self.scenario.win.all.iter().map(|p| (p.describe(), p.holds(&self.cluster))).collect()
    }

    /// Ends the turn: incident time moves on and the outcome is checked.
    pub fn end_turn(&mut self) -> TurnReport {
        if self.ending.is_none() {
            self.cluster.advance_seconds(i64::from(self.scenario.minutes_per_turn) * 60);
            self.turn += 1;
            self.ending = self.check();
        }
        TurnReport { turn: self.turn, minute: self.cluster.now / 60, ending: self.ending.clone() }
    }

    fn check(&mut self) -> Option<Outcome> {
        let turn = self.turn;
        if !self.cluster.data_lost.is_empty() {
            return Some(Outcome::Lost {
                turn,
                reason: format!("data was destroyed ({})", self.cluster.data_lost.join(", ")),
            });
        }
        if self.cluster.traffic().budget_remaining() <= 0.0 {
            return Some(Outcome::Lost { turn, reason: "the error budget is exhausted".to_owned() });
        }
        if let Some(p) = self.scenario.lose.iter().find(|p| p.holds(&self.cluster)) {
            return Some(Outcome::Lost { turn, reason: p.describe() });
        }
        if self.scenario.win.all.iter().all(|p| p.holds(&self.cluster)) {
            self.held += 1;
        } else {
            self.held = 0;
        }
        if self.held >= self.scenario.win.hold_turns.max(1) {
            return Some(Outcome::Won { turn });
        }
        if turn >= self.scenario.turn_limit {
            return Some(Outcome::Lost { turn, reason: "the turn limit was reached".to_owned() });
        }
        None
    }

    /// Turn, clock, SLO, error budget, what users see, and the win conditions.
    pub fn status(&self) -> String {
        let c = &self.cluster;
        let mut out = format!(
            "{}  incident time {}  ({} min per turn)\nSLO {}%  error budget left {:.1}%\n",
            turn_label(self.turn, self.scenario.turn_limit),
            clock(c.now),
            self.scenario.minutes_per_turn,
            self.scenario.slo.objective,
            c.traffic().budget_remaining() * 100.0
        );
        for r in &c.traffic().results {
            let failure = r.failure.as_deref().map(|f| format!("  ({f})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<20} {:>6.1}% ok  {:>5} ms  {:.0} req/s{failure}",
                r.name,
                r.success * 100.0,
                r.latency_ms,
                r.rps
            );
        }
        // The win conditions, and whether they held, are the game master's to see: telling the
        // team would give the fix away (DESIGN.md §2, "the game tests, it never tells").
        if let Some(e) = &self.ending {
            let _ = writeln!(out, "Outcome: {}", outcome_text(e));
        }
        out.pop();
        out
    }

    /// Runs a console line: a command, or `/wait [N]` / `/status`. Returns the text to show.
    pub fn run_line(&mut self, line: &str) -> LineResult {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return LineResult::Text(String::new());
        }
        let mut words = line.split_whitespace();
        match words.next() {
            Some("/wait") => {
                let n = match words.next().map(str::parse::<u32>) {
                    None => 1,
                    Some(Ok(n)) if (1..=1000).contains(&n) => n,
                    Some(_) => return LineResult::Error("usage: /wait [N]   (N turns, 1 to 1000)".to_owned()),
                };
                let mut out = Vec::new();
                for _ in 0..n {
                    let report = self.end_turn();
                    out.push(format!("-- turn {} ends, incident time {} --", report.turn, clock(self.cluster.now)));
                    if report.ending.is_some() {
                        break;
                    }
                }
                if let Some(e) = &self.ending {
                    out.push(outcome_text(e));
                }
                LineResult::Text(out.join("\n"))
            }
            Some("/status") => LineResult::Text(self.status()),
            Some("/quit" | "/exit") => LineResult::Quit,
            Some("/help") => LineResult::Text(CONSOLE_HELP.to_owned()),
            Some(w) if w.starts_with('/') => LineResult::Error(format!("unknown console command {w}; try /help")),
            _ => {
                let outcome = self.command(line);
                if outcome.ok { LineResult::Text(outcome.output) } else { LineResult::Error(outcome.output) }
            }
        }
    }
}

/// What a console line produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineResult {
    Text(String),
    Error(String),
    Quit,
}

pub const CONSOLE_HELP: &str = "Type kubectl commands (the `kubectl` prefix is optional), or:
  /wait [N]   let N turns of incident time pass (default 1)
  /status     turn, clock, SLO, error budget, what users see, win conditions
  /help       this text
  /quit       leave";
