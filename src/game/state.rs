//! The state of one game: the world (cluster, turns, win tracking), the seats, the chats, the
//! status page, the customer's mood and everything found so far. It changes only through
//! [`Game::apply`], a fold over the events `rules::execute` produced: it decides nothing and
//! runs nothing (ARCHITECTURE.md, "Events carry results").

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::action::{IncidentState, Severity};
use super::cause::Verdict;
use super::difficulty::Difficulty;
use super::event::{Channel, Event, Outcome, Stamped, TurnSample};
use super::findings::Finding;
use super::seat::Seat;
use super::world::World;
use crate::scenario::Scenario;
use crate::sim::traffic::EntrypointResult;

/// Where the game is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Lobby,
    Playing,
    Paused,
    Ended(Outcome),
    /// The incident is resolved and the responders have their closing turn (see
    /// `Event::ClosingTurn`); the game ends when it does.
    Closing,
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

#[derive(Clone)]
pub struct Game {
    /// The cluster and the turns; replaced whole by `apply` when an event carries a new one.
    pub world: World,
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
    /// Where in the log the public board's events are, so a view need not search the log.
    pub public: Vec<usize>,
    /// Where in the log the hints given are.
    pub hint_events: Vec<usize>,
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
    /// Every word the team's console has shown or been typed (the game master's own commands
    /// aside): the names a troubleshooter's Tab completion may offer (`view::console_words`).
    pub seen_words: BTreeSet<String>,
    /// What the clues were found as (`clues` gives their ids, in the same order): the fact, its
    /// source, and whether it was shared.
    pub findings: Vec<Finding>,
    /// The team's latest root-cause declaration in words, and whether it was entirely right
    /// (a later declaration replaces it; the score reads every one from the log). The one
    /// source every screen shows the declared cause from; only the debrief shows the verdict.
    pub declared: Option<(String, bool)>,
    /// How much help the team gets (hints, multiple choice, points, patience).
    pub difficulty: Difficulty,
    pub hints_given: u8,
    pub alerts: BTreeSet<String>,
    pub said: BTreeSet<usize>,
    pub mishaps: BTreeSet<String>,
    pub injects: BTreeSet<String>,
    /// The figures at the start and at every turn since, for charts.
    pub samples: Vec<TurnSample>,
    /// What users saw per entrypoint at the start and at every turn since, for the postmortem.
    pub figures: Vec<Sample>,
}

/// The traffic figures per entrypoint at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub second: i64,
    pub results: Vec<EntrypointResult>,
}

/// Action points a troubleshooter gets per turn unless the scenario says otherwise.
pub const DEFAULT_POINTS: u32 = 4;

impl Game {
    /// A game in its lobby, with the scenario's cluster built from `seed`. The scenario may be
    /// shared with other games (an `Arc`): play never changes it.
    pub fn new(scenario: impl Into<Arc<Scenario>>, seed: u64) -> Result<Self, crate::scenario::BuildError> {
        Ok(Game::with_world(World::new(scenario, seed)?))
    }

    /// A game in its lobby played in `world`, a scenario's world as `World::new` built it (the
    /// proof builds one and plays copies of it: building is most of a short play's cost).
    pub fn with_world(world: World) -> Self {
        let mood = world.scenario.game.customer.npc.patience.start;
        let samples = vec![TurnSample::of(&world)];
        let figures = vec![Sample { second: world.cluster.now, results: world.cluster.traffic().results.clone() }];
        Game {
            samples,
            figures,
            world,
            phase: Phase::Lobby,
            seats: BTreeMap::new(),
            npc: true,
            points: BTreeMap::new(),
            ended: BTreeSet::new(),
            absent: BTreeSet::new(),
            log: Vec::new(),
            public: Vec::new(),
            hint_events: Vec::new(),
            console: Vec::new(),
            team_chat: Vec::new(),
            customer_chat: Vec::new(),
            status_page: Vec::new(),
            severity: None,
            mood,
            last_contact: 0,
            hold_off: HoldOff::NotAsked,
            clues: Vec::new(),
            seen_words: BTreeSet::new(),
            findings: Vec::new(),
            declared: None,
            difficulty: Difficulty::Normal,
            hints_given: 0,
            alerts: BTreeSet::new(),
            said: BTreeSet::new(),
            mishaps: BTreeSet::new(),
            injects: BTreeSet::new(),
        }
    }

    /// The same game at `difficulty`: the customer's starting patience follows it. Only in the
    /// lobby, before anything was applied (the journal's header records it, so a replay sets it
    /// the same way).
    #[must_use]
    pub fn with_difficulty(mut self, difficulty: Difficulty) -> Self {
        if self.phase == Phase::Lobby && self.log.is_empty() {
            self.difficulty = difficulty;
            self.mood = difficulty.starting_patience(self.scenario().game.customer.npc.patience.start);
        }
        self
    }

    pub fn scenario(&self) -> &Scenario {
        &self.world.scenario
    }

    pub fn turn(&self) -> u32 {
        self.world.turn
    }

    pub fn second(&self) -> i64 {
        self.world.cluster.now
    }

    /// Whether the responders are in the closing turn of a resolved incident (paused in it, too).
    pub fn in_closing_turn(&self) -> bool {
        match self.phase {
            Phase::Closing => true,
            Phase::Paused => matches!(self.world.ending, Some(Outcome::Won { .. })),
            _ => false,
        }
    }

    /// Whether the team was given the scenario's hint of `tier`.
    pub fn hint_given(&self, tier: u8) -> bool {
        self.hint_events
            .iter()
            .filter_map(|i| self.log.get(*i))
            .any(|s| matches!(s.event, Event::Hint { tier: given, .. } if given == tier))
    }

    /// Action points a troubleshooter starts each turn with.
    pub fn points_per_turn(&self) -> u32 {
        self.difficulty.action_points(self.scenario().game.action_points.unwrap_or(DEFAULT_POINTS))
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

    /// Applies one step: installs the world it carries, if any, then folds its event into the
    /// game. This is the only way game state changes; it decides nothing and runs nothing.
    pub fn apply(&mut self, step: Step) {
        if let Some(world) = step.world {
            self.world = *world;
        }
        self.fold(step.stamped);
    }

    fn fold(&mut self, stamped: Stamped) {
        let (turn, second) = (stamped.turn, stamped.second);
        match &stamped.event {
            Event::Seated { seat, name } => {
                if matches!(seat, Seat::Customer(_)) {
                    self.npc = false;
                }
                self.seats.insert(*seat, name.clone());
            }
            Event::Started { points } => {
                self.phase = Phase::Playing;
                for seat in self.seats.keys().filter(|s| matches!(s, Seat::Troubleshooter(_))) {
                    self.points.insert(*seat, *points);
                }
            }
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
            Event::Command { line, output, ok, cost, .. } => {
                if let Some(seat) = stamped.seat
                    && let Some(points) = self.points.get_mut(&seat)
                {
                    *points = points.saturating_sub(*cost);
                }
                if stamped.seat.is_some_and(|s| s != Seat::GameMaster) {
                    for word in super::view::console_words(line).chain(super::view::console_words(output)) {
                        if !self.seen_words.contains(word) {
                            self.seen_words.insert(word.to_owned());
                        }
                    }
                }
                self.console.push(ConsoleEntry {
                    seat: stamped.seat.unwrap_or(Seat::GameMaster),
                    line: line.clone(),
                    output: output.clone(),
                    ok: *ok,
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
            Event::CauseDeclared { declaration, verdict } => {
                self.declared = Some((declaration.to_string(), verdict.as_ref().is_some_and(Verdict::is_right)));
            }
            Event::Hint { .. } => self.hints_given += 1,
            Event::TurnEnded => {
                if let Some(seat) = stamped.seat {
                    self.ended.insert(seat);
                }
            }
            Event::TurnAdvanced { sample, points, entrypoints, .. } => {
                self.samples.push(sample.clone());
                self.figures.push(Sample { second: sample.second, results: entrypoints.clone() });
                self.ended.clear();
                for (seat, p) in &mut self.points {
                    if matches!(seat, Seat::Troubleshooter(_)) {
                        *p = *points;
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
            Event::ClueFound { id, fact, source } => {
                if !self.clues.contains(id) {
                    self.clues.push(id.clone());
                    let finding =
                        Finding { clue: id.clone(), fact: fact.clone(), source: source.clone(), shared: false };
                    self.findings.push(finding);
                }
            }
            Event::FindingShared { index, .. } => {
                if let Some(finding) = self.findings.get_mut(*index) {
                    finding.shared = true;
                }
            }
            Event::DialogueSaid { line } => {
                self.said.insert(*line);
            }
            Event::Mishap { id } => {
                self.mishaps.insert(id.clone());
            }
            Event::Inject { id } => {
                self.injects.insert(id.clone());
            }
            Event::Rated { update, stars } => {
                if let Some(entry) = self.status_page.get_mut(*update) {
                    entry.rating = Some(*stars);
                }
            }
            Event::Paused => self.phase = Phase::Paused,
            // A pause in the closing turn goes back to it: the incident stays resolved.
            Event::Resumed if self.in_closing_turn() => self.phase = Phase::Closing,
            Event::Resumed => self.phase = Phase::Playing,
            Event::Left { seat } => {
                self.absent.insert(*seat);
                let customer_here =
                    self.seats.keys().any(|s| matches!(s, Seat::Customer(_)) && !self.absent.contains(s));
                if matches!(seat, Seat::Customer(_)) && !customer_here {
                    self.npc = true;
                }
            }
            Event::Reseated { seat, name, points } => {
                self.seats.insert(*seat, name.clone());
                self.absent.remove(seat);
                if let Some(points) = points {
                    self.points.insert(*seat, *points);
                }
                if matches!(seat, Seat::Customer(_)) {
                    self.npc = false;
                }
            }
            Event::Ended(outcome) => self.phase = Phase::Ended(outcome.clone()),
            Event::ClosingTurn { .. } => {
                self.phase = Phase::Closing;
                self.ended.clear();
            }
            // The log keeps them: the turn timer is the room's, and an inject message is only
            // words (the views, the transcript and the postmortem read them from the log).
            Event::TurnSkipped
            | Event::TurnTimerExtended { .. }
            | Event::TurnTimerSet { .. }
            | Event::MessageInjected { .. } => {}
        }
        if super::view::is_public(&stamped.event) {
            self.public.push(self.log.len());
        }
        if matches!(stamped.event, Event::Hint { .. }) {
            self.hint_events.push(self.log.len());
        }
        self.log.push(stamped);
    }
}

/// One event as `rules::execute` produced it, with the world after it when the event moved the
/// simulation (a command that changed the cluster, a new turn, a mishap or an inject that broke
/// something). `apply` installs that world as it is: the simulation ran once, in `execute`.
pub struct Step {
    pub stamped: Stamped,
    pub world: Option<Box<World>>,
}

impl Step {
    pub fn event(stamped: Stamped) -> Step {
        Step { stamped, world: None }
    }
}
