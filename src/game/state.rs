//! The state of one game: the scenario session (cluster, turns, win tracking), the seats, the
//! chats, the status page, the customer's mood and everything found so far. It changes only
//! through [`Game::apply`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::action::{IncidentState, Severity};
use super::event::{Channel, Event, Outcome, Stamped};
use super::seat::Seat;
use crate::scenario::{Ending, Scenario, Session};
use crate::sim::kubectl;

/// Where the game is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Lobby,
    Playing,
    Paused,
    Ended(Outcome),
}

/// Whether the customer agreed to stop changing things.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoldOff {
    NotAsked,
    Asked,
    Accepted,
    Refused,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatLine {
    pub turn: u32,
    pub second: i64,
    pub from: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleEntry {
    pub seat: Seat,
    pub line: String,
    pub output: String,
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub turn: u32,
    pub second: i64,
    pub state: IncidentState,
    pub text: String,
    pub rating: Option<u8>,
}

/// The user-facing figures at one moment: the start of the incident or of a turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnSample {
    pub turn: u32,
    pub second: i64,
    /// Share of user requests failing (0–1).
    pub error_rate: f64,
    /// Share of the error budget left (0–1).
    pub budget_left: f64,
}

impl TurnSample {
    fn of(session: &Session) -> TurnSample {
        let traffic = &session.cluster.traffic;
        TurnSample {
            turn: session.turn,
            second: session.cluster.now,
            error_rate: traffic.error_rate(),
            budget_left: traffic.budget_remaining(),
        }
    }
}

#[derive(Clone)]
pub struct Game {
    pub session: Session,
    pub phase: Phase,
    /// Who sits where (display names).
    pub seats: BTreeMap<Seat, String>,
    /// True when the scripted customer plays the customer.
    pub npc: bool,
    pub points: BTreeMap<Seat, u32>,
    /// Responders who ended the current turn.
    pub ended: BTreeSet<Seat>,
    /// Seats whose player left the game for good.
    pub absent: BTreeSet<Seat>,
    pub log: Vec<Stamped>,
    pub console: Vec<ConsoleEntry>,
    pub team_chat: Vec<ChatLine>,
    pub customer_chat: Vec<ChatLine>,
    pub status_page: Vec<StatusEntry>,
    pub severity: Option<Severity>,
    pub mood: u32,
    /// The turn of the last status update or message the customer received.
    pub last_contact: u32,
    pub hold_off: HoldOff,
    pub clues: Vec<String>,
    pub declared: Option<(String, bool)>,
    pub hints_given: u8,
    pub alerts: BTreeSet<String>,
    pub said: BTreeSet<usize>,
    pub mishaps: BTreeSet<String>,
    pub injects: BTreeSet<String>,
    /// The figures at the start and at every turn since, for charts.
    pub samples: Vec<TurnSample>,
}

/// Action points a troubleshooter gets per turn unless the scenario says otherwise.
pub const DEFAULT_POINTS: u32 = 4;

impl Game {
    /// A game in its lobby, with the scenario's cluster built from `seed`. The scenario may be
    /// shared with other games (an `Arc`): play never changes it.
    pub fn new(scenario: impl Into<Arc<Scenario>>, seed: u64) -> Result<Self, crate::scenario::BuildError> {
        let scenario = scenario.into();
        let mood = scenario.game.customer.npc.patience.start;
        let session = Session::new(scenario, seed)?;
        let samples = vec![TurnSample::of(&session)];
        Ok(Game {
            samples,
            session,
            phase: Phase::Lobby,
            seats: BTreeMap::new(),
            npc: true,
            points: BTreeMap::new(),
            ended: BTreeSet::new(),
            absent: BTreeSet::new(),
            log: Vec::new(),
            console: Vec::new(),
            team_chat: Vec::new(),
            customer_chat: Vec::new(),
            status_page: Vec::new(),
            severity: None,
            mood,
            last_contact: 0,
            hold_off: HoldOff::NotAsked,
            clues: Vec::new(),
            declared: None,
            hints_given: 0,
            alerts: BTreeSet::new(),
            said: BTreeSet::new(),
            mishaps: BTreeSet::new(),
            injects: BTreeSet::new(),
        })
    }

    pub fn scenario(&self) -> &Scenario {
        &self.session.scenario
    }

    pub fn turn(&self) -> u32 {
        self.session.turn
    }

    pub fn second(&self) -> i64 {
        self.session.cluster.now
    }

    /// Action points a troubleshooter starts each turn with.
    pub fn points_per_turn(&self) -> u32 {
        self.scenario().game.action_points.unwrap_or(DEFAULT_POINTS)
    }

    /// The customer's display name.
    pub fn customer_name(&self) -> String {
        let name = &self.scenario().game.customer.name;
        if name.is_empty() { "customer".to_owned() } else { name.clone() }
    }

    /// Stamps an event with the current time.
    pub fn stamp(&self, seat: Option<Seat>, event: Event) -> Stamped {
        Stamped { turn: self.turn(), second: self.second(), seat, event }
    }

    /// Applies one event. This is the only way game state changes.
    pub fn apply(&mut self, stamped: Stamped) {
        let (turn, second) = (self.turn(), self.second());
        match &stamped.event {
            Event::Chat { channel, from, text } => {
                let line = ChatLine { turn, second, from: from.clone(), text: text.clone() };
                match channel {
                    Channel::Team => self.team_chat.push(line),
                    Channel::Customer => {
                        if stamped.seat.is_some_and(|s| s.is_responder() || s == Seat::GameMaster) {
                            self.last_contact = turn;
                        }
                        self.customer_chat.push(line);
                    }
                }
            }
            Event::Command { line } => {
                let outcome = kubectl::run(&mut self.session.cluster, line);
                if let Some(seat) = stamped.seat
                    && let Some(points) = self.points.get_mut(&seat)
                {
                    *points = points.saturating_sub(outcome.cost);
                }
                self.console.push(ConsoleEntry {
                    seat: stamped.seat.unwrap_or(Seat::GameMaster),
                    line: line.clone(),
                    output: outcome.output,
                    ok: outcome.ok,
                });
            }
            Event::StatusUpdate { state, text } => {
                self.last_contact = turn;
                self.status_page.push(StatusEntry { turn, second, state: *state, text: text.clone(), rating: None });
            }
            Event::Severity(s) => self.severity = Some(*s),
            Event::HoldOffAsked => self.hold_off = HoldOff::Asked,
            Event::HoldOffAnswered { accepted } => {
                self.hold_off = if *accepted { HoldOff::Accepted } else { HoldOff::Refused };
            }
            Event::RootCauseDeclared { option, correct } => self.declared = Some((option.clone(), *correct)),
            Event::Hint { .. } => self.hints_given += 1,
            Event::TurnEnded => {
                if let Some(seat) = stamped.seat {
                    self.ended.insert(seat);
                }
            }
            Event::TurnAdvanced { .. } => {
                self.session.end_turn();
                self.samples.push(TurnSample::of(&self.session));
                self.ended.clear();
                let points = self.points_per_turn();
                for (seat, p) in &mut self.points {
                    if matches!(seat, Seat::Troubleshooter(_)) {
                        *p = points;
                    }
                }
            }
            Event::Alert { id, firing, .. } => {
                if *firing {
                    self.alerts.insert(id.clone());
                } else {
                    self.alerts.remove(id);
                }
            }
            Event::Mood { value } => self.mood = *value,
            Event::ClueFound { id, .. } => {
                if !self.clues.contains(id) {
                    self.clues.push(id.clone());
                }
            }
            Event::DialogueSaid { line } => {
                self.said.insert(*line);
            }
            Event::Mishap { id } => {
                self.mishaps.insert(id.clone());
                let changes = self
                    .scenario()
                    .game
                    .customer
                    .npc
                    .mishaps
                    .iter()
                    .find(|m| &m.id == id)
                    .map(|m| m.changes.clone())
                    .unwrap_or_default();
                for change in changes {
                    // A mishap the cluster refuses simply does not happen.
                    let _ = self.session.cluster.apply(change, "customer");
                }
            }
            Event::Inject { id } => {
                self.injects.insert(id.clone());
                let faults = self.scenario().game.injects.iter().find(|i| &i.id == id).and_then(|i| match &i.what {
                    super::format::InjectWhat::Fault(changes) => Some(changes.clone()),
                    _ => None,
                });
                for change in faults.unwrap_or_default() {
                    let _ = self.session.cluster.apply(change, "inject");
                }
            }
            Event::Rated { update, stars } => {
                if let Some(entry) = self.status_page.get_mut(*update) {
                    entry.rating = Some(*stars);
                }
            }
            Event::Paused => self.phase = Phase::Paused,
            Event::Resumed => self.phase = Phase::Playing,
            Event::Left { seat } => {
                self.absent.insert(*seat);
                let customer_here =
                    self.seats.keys().any(|s| matches!(s, Seat::Customer(_)) && !self.absent.contains(s));
                if matches!(seat, Seat::Customer(_)) && !customer_here {
                    self.npc = true;
                }
            }
            Event::Ended(outcome) => self.phase = Phase::Ended(outcome.clone()),
        }
        self.log.push(stamped);
    }

    /// The outcome the session reached on its own (win, budget, turn limit), if any.
    pub fn session_outcome(&self) -> Option<Outcome> {
        self.session.ending.as_ref().map(|e| match e {
            Ending::Won { turn } => Outcome::Won { turn: *turn },
            Ending::Lost { turn, reason } => Outcome::Lost { turn: *turn, reason: reason.clone() },
        })
    }
}
