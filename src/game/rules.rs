//! The rules: `check` says whether a seat may take an action now (and changes nothing);
//! `execute` turns a legal action into events; `Game::act` applies them and resolves what
//! follows (clues found in command output, the end of a turn and everything it brings).

use super::action::Action;
use super::event::{Channel, Event, Outcome, Stamped};
use super::format::{AlertRule, InjectWhat, InjectWhen};
use super::npc;
use super::seat::{Role, Seat};
use super::state::{Game, HoldOff, Phase};
use super::text::{MAX_TEXT, sanitize};
use crate::sim::kubectl;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the game has not started yet")]
    NotStarted,
    #[error("the game is paused")]
    Paused,
    #[error("the game is over")]
    Over,
    #[error("nobody sits in that seat")]
    NoSeat,
    #[error("the {0} cannot do that")]
    NotYourRole(String),
    #[error("not enough action points: this needs {needed}, {left} left this turn")]
    NoPoints { needed: u32, left: u32 },
    #[error("you already ended this turn")]
    AlreadyEnded,
    #[error("the message is empty")]
    Empty,
    #[error("the message is too long (at most {MAX_TEXT} characters)")]
    TooLong,
    #[error("no root-cause option {0:?}; the options are: {1}")]
    UnknownOption(String, String),
    #[error("no hints left")]
    NoHints,
    #[error("no status update number {0}")]
    NoSuchUpdate(usize),
    #[error("ratings go from 1 to 5 stars")]
    BadRating,
    #[error("no mishap {0:?} (or it already happened)")]
    UnknownMishap(String),
    #[error("no inject {0:?} (or it already fired)")]
    UnknownInject(String),
    #[error("nobody asked you to hold off")]
    NotAsked,
}

fn role_name(seat: Seat) -> String {
    match seat.role() {
        Role::Liaison => "liaison",
        Role::Troubleshooter => "troubleshooter",
        Role::Customer => "customer",
        Role::GameMaster => "game master",
        Role::Spectator => "spectator",
    }
    .to_owned()
}

fn text_ok(text: &str) -> Result<(), RuleError> {
    if text.chars().count() > MAX_TEXT * 4 {
        return Err(RuleError::TooLong);
    }
    if sanitize(text).is_empty() {
        return Err(RuleError::Empty);
    }
    Ok(())
}

/// Whether `seat` may take `action` now. Changes nothing.
pub fn check(game: &Game, seat: Seat, action: &Action) -> Result<(), RuleError> {
    if !game.seats.contains_key(&seat) || game.absent.contains(&seat) {
        return Err(RuleError::NoSeat);
    }
    let gm_only = matches!(
        action,
        Action::Pause
            | Action::Resume
            | Action::FireInject(_)
            | Action::GrantHint
            | Action::SpeakAsCustomer(_)
            | Action::EndGame
    );
    match &game.phase {
        Phase::Lobby => return Err(RuleError::NotStarted),
        Phase::Ended(_) => return Err(RuleError::Over),
        Phase::Paused if !matches!(action, Action::Resume | Action::EndGame | Action::TeamChat(_)) => {
            return Err(RuleError::Paused);
        }
        _ => {}
    }
    let role = seat.role();
    let allowed = match action {
        Action::TeamChat(_) => matches!(role, Role::Liaison | Role::Troubleshooter | Role::GameMaster),
        Action::CustomerChat(_) | Action::StatusUpdate { .. } | Action::AskHoldOff => {
            matches!(role, Role::Liaison | Role::GameMaster)
        }
        Action::Command(_) => matches!(role, Role::Troubleshooter | Role::GameMaster),
        Action::SetSeverity(_) | Action::DeclareRootCause(_) | Action::RequestHint | Action::EndTurn => {
            seat.is_responder()
        }
        Action::Reply(_) | Action::RateUpdate { .. } | Action::CauseMishap(_) | Action::AnswerHoldOff { .. } => {
            role == Role::Customer
        }
        _ if gm_only => role == Role::GameMaster,
        _ => false,
    };
    if !allowed {
        return Err(RuleError::NotYourRole(role_name(seat)));
    }
    match action {
        Action::TeamChat(t) | Action::CustomerChat(t) | Action::Reply(t) | Action::SpeakAsCustomer(t) => text_ok(t),
        Action::StatusUpdate { text, .. } => text_ok(text),
        Action::Command(line) => {
            if line.trim().is_empty() {
                return Err(RuleError::Empty);
            }
            if role == Role::GameMaster {
                return Ok(());
            }
            let needed = kubectl::cost_of(line);
            let left = game.points.get(&seat).copied().unwrap_or(0);
            if needed > left { Err(RuleError::NoPoints { needed, left }) } else { Ok(()) }
        }
        Action::EndTurn if game.ended.contains(&seat) => Err(RuleError::AlreadyEnded),
        Action::DeclareRootCause(option) => {
            let options = &game.scenario().game.root_causes;
            if options.iter().any(|o| &o.id == option) {
                Ok(())
            } else {
                Err(RuleError::UnknownOption(
                    option.clone(),
                    options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "),
                ))
            }
        }
        Action::RequestHint | Action::GrantHint => {
            if usize::from(game.hints_given) < game.scenario().game.hints.len() {
                Ok(())
            } else {
                Err(RuleError::NoHints)
            }
        }
        Action::RateUpdate { update, stars } => {
            if *update >= game.status_page.len() {
                Err(RuleError::NoSuchUpdate(*update))
            } else if !(1..=5).contains(stars) {
                Err(RuleError::BadRating)
            } else {
                Ok(())
            }
        }
        Action::CauseMishap(id) => {
            let known = game.scenario().game.customer.npc.mishaps.iter().any(|m| &m.id == id);
            if known && !game.mishaps.contains(id) { Ok(()) } else { Err(RuleError::UnknownMishap(id.clone())) }
        }
        Action::AnswerHoldOff { .. } if game.hold_off != HoldOff::Asked => Err(RuleError::NotAsked),
        Action::FireInject(id) => {
            let known = game.scenario().game.injects.iter().any(|i| &i.id == id);
            if known && !game.injects.contains(id) { Ok(()) } else { Err(RuleError::UnknownInject(id.clone())) }
        }
        _ => Ok(()),
    }
}

/// The events a legal action produces (before the follow-up that `Game::act` resolves).
pub fn execute(game: &Game, seat: Seat, action: &Action) -> Vec<Event> {
    let from = game.seats.get(&seat).cloned().unwrap_or_else(|| seat.label());
    match action {
        Action::TeamChat(t) => vec![Event::Chat { channel: Channel::Team, from, text: sanitize(t) }],
        Action::CustomerChat(t) => {
            let text = sanitize(t);
            let mut events = vec![Event::Chat { channel: Channel::Customer, from, text: text.clone() }];
            if game.npc {
                events.extend(npc::answer(game, &text));
            }
            events
        }
        Action::Command(line) => vec![Event::Command { line: line.trim().to_owned() }],
        Action::StatusUpdate { state, text } => {
            let mut events = vec![Event::StatusUpdate { state: *state, text: sanitize(text) }];
            let mood = npc::recovered(game);
            if mood != game.mood {
                events.push(Event::Mood { value: mood });
            }
            events
        }
        Action::SetSeverity(s) => vec![Event::Severity(*s)],
        Action::AskHoldOff => {
            let mut events = vec![Event::HoldOffAsked];
            if game.npc {
                events.extend(npc::hold_off(game));
            }
            events
        }
        Action::DeclareRootCause(option) => {
            let correct = game.scenario().game.root_causes.iter().any(|o| &o.id == option && o.correct);
            vec![Event::RootCauseDeclared { option: option.clone(), correct }]
        }
        Action::RequestHint | Action::GrantHint => {
            let mut hints = game.scenario().game.hints.clone();
            hints.sort_by_key(|h| h.tier);
            hints
                .get(usize::from(game.hints_given))
                .map(|h| vec![Event::Hint { tier: h.tier, text: h.text.clone() }])
                .unwrap_or_default()
        }
        Action::EndTurn => {
            let mut events = vec![Event::TurnEnded];
            if game.present_responders().all(|s| s == seat || game.ended.contains(&s)) {
                events.push(Event::TurnAdvanced { turn: game.turn() + 1 });
            }
            events
        }
        Action::Reply(t) => vec![Event::Chat { channel: Channel::Customer, from, text: sanitize(t) }],
        Action::SpeakAsCustomer(t) => {
            vec![Event::Chat { channel: Channel::Customer, from: game.customer_name(), text: sanitize(t) }]
        }
        Action::RateUpdate { update, stars } => vec![Event::Rated { update: *update, stars: *stars }],
        Action::CauseMishap(id) => vec![Event::Mishap { id: id.clone() }],
        Action::AnswerHoldOff { accept } => vec![Event::HoldOffAnswered { accepted: *accept }],
        Action::Pause => vec![Event::Paused],
        Action::Resume => vec![Event::Resumed],
        Action::FireInject(id) => inject_events(game, id),
        Action::EndGame => vec![Event::Ended(Outcome::Stopped { turn: game.turn() })],
    }
}

fn inject_events(game: &Game, id: &str) -> Vec<Event> {
    let Some(inject) = game.scenario().game.injects.iter().find(|i| i.id == id) else { return Vec::new() };
    let mut events = vec![Event::Inject { id: id.to_owned() }];
    match &inject.what {
        InjectWhat::Message(text) => {
            events.push(Event::Chat { channel: Channel::Customer, from: game.customer_name(), text: text.clone() });
        }
        InjectWhat::Visitor { name, say } => {
            events.push(Event::Chat { channel: Channel::Customer, from: name.clone(), text: say.clone() });
        }
        InjectWhat::Fault(_) => {}
    }
    events
}

/// What the start of a new turn brings: alerts, the customer's turn, injects, the outcome.
fn resolve_turn(game: &Game) -> Vec<Event> {
    let mut events = alert_events(game);
    if game.session.ending.is_some() {
        // The incident is over: nobody nags, nothing more breaks.
        return events;
    }
    events.extend(npc::turn(game));
    let turn = game.turn();
    for inject in &game.scenario().game.injects {
        if game.injects.contains(&inject.id) {
            continue;
        }
        let due = match &inject.when {
            InjectWhen::AtTurn(t) => turn >= *t,
            InjectWhen::OnCondition(p) => p.holds(&game.session.cluster),
            InjectWhen::Manual => false,
        };
        if due {
            events.extend(inject_events(game, &inject.id));
        }
    }
    events
}

/// Alerts that start or stop firing.
fn alert_events(game: &Game) -> Vec<Event> {
    let cluster = &game.session.cluster;
    let result = |name: &str| cluster.traffic.results.iter().find(|r| r.name == name);
    game.scenario()
        .game
        .alerts
        .iter()
        .filter_map(|a| {
            let firing = match &a.rule {
                AlertRule::SuccessBelow { entrypoint, fraction } => {
                    result(entrypoint).is_some_and(|r| r.success < *fraction)
                }
                AlertRule::LatencyAbove { entrypoint, ms } => result(entrypoint).is_some_and(|r| r.latency_ms > *ms),
                AlertRule::BudgetBelow(f) => cluster.traffic.budget_remaining() < *f,
                AlertRule::Cluster(p) => p.holds(cluster),
            };
            (firing != game.alerts.contains(&a.id)).then(|| Event::Alert {
                id: a.id.clone(),
                title: a.title.clone(),
                firing,
            })
        })
        .collect()
}

/// Clues that the newest console output reveals.
fn clue_events(game: &Game) -> Vec<Event> {
    let Some(entry) = game.console.last() else { return Vec::new() };
    game.scenario()
        .game
        .clues
        .iter()
        .filter(|c| !game.clues.contains(&c.id))
        .filter(|c| c.output_contains.as_ref().is_some_and(|p| entry.ok && entry.output.contains(p.as_str())))
        .map(|c| Event::ClueFound { id: c.id.clone(), text: c.text.clone() })
        .collect()
}

impl Game {
    /// Seats a player. Only in the lobby.
    pub fn seat(&mut self, seat: Seat, name: &str) {
        if matches!(seat, Seat::Customer(_)) {
            self.npc = false;
        }
        self.seats.insert(seat, sanitize(name));
    }

    /// The responders whose players have not left the game.
    pub fn present_responders(&self) -> impl Iterator<Item = Seat> + '_ {
        self.seats.keys().copied().filter(|s| s.is_responder() && !self.absent.contains(s))
    }

    /// The player in `seat` left for good during the game: the seat stops holding up the turn
    /// (the turn moves on if everyone else has ended it), and a departed customer's seat goes
    /// back to the scripted customer. Nothing happens in the lobby (the seat is simply freed
    /// there), after the game, or for a seat nobody holds.
    pub fn leave(&mut self, seat: Seat) -> Vec<Stamped> {
        if !matches!(self.phase, Phase::Playing | Phase::Paused)
            || !self.seats.contains_key(&seat)
            || self.absent.contains(&seat)
        {
            return Vec::new();
        }
        let mut events = vec![Event::Left { seat }];
        let others: Vec<Seat> = self.present_responders().filter(|s| *s != seat).collect();
        if self.phase == Phase::Playing
            && seat.is_responder()
            && !others.is_empty()
            && others.iter().all(|s| self.ended.contains(s))
        {
            events.push(Event::TurnAdvanced { turn: self.turn() + 1 });
        }
        self.apply_all(Some(seat), events)
    }

    /// Starts the game: the customer's opening message and the first alerts.
    pub fn start(&mut self) -> Vec<Stamped> {
        if self.phase != Phase::Lobby {
            return Vec::new();
        }
        self.phase = Phase::Playing;
        let points = self.points_per_turn();
        let troubleshooters: Vec<Seat> =
            self.seats.keys().copied().filter(|s| matches!(s, Seat::Troubleshooter(_))).collect();
        for s in troubleshooters {
            self.points.insert(s, points);
        }
        let mut events = Vec::new();
        let opening = self.scenario().game.customer.npc.opening.clone();
        if self.npc && !opening.is_empty() {
            events.push(Event::Chat { channel: Channel::Customer, from: self.customer_name(), text: opening });
        }
        events.extend(alert_events(self));
        self.apply_all(None, events)
    }

    /// Takes an action for a seat: check, execute, apply, then resolve what follows.
    pub fn act(&mut self, seat: Seat, action: &Action) -> Result<Vec<Stamped>, RuleError> {
        check(self, seat, action)?;
        let events = execute(self, seat, action);
        Ok(self.apply_all(Some(seat), events))
    }

    /// Ends the turn for everyone (the room's turn timer ran out).
    pub fn force_turn(&mut self) -> Vec<Stamped> {
        if self.phase != Phase::Playing {
            return Vec::new();
        }
        let next = self.turn() + 1;
        self.apply_all(None, vec![Event::TurnAdvanced { turn: next }])
    }

    fn apply_all(&mut self, seat: Option<Seat>, events: Vec<Event>) -> Vec<Stamped> {
        let mut applied = Vec::new();
        for event in events {
            let follow_up = match &event {
                Event::Command { .. } => Some(FollowUp::Clues),
                Event::TurnAdvanced { .. } => Some(FollowUp::Turn),
                _ => None,
            };
            let stamped = self.stamp(seat, event);
            self.apply(stamped.clone());
            applied.push(stamped);
            let more = match follow_up {
                Some(FollowUp::Clues) => clue_events(self),
                Some(FollowUp::Turn) => resolve_turn(self),
                None => Vec::new(),
            };
            for e in more {
                let s = self.stamp(None, e);
                self.apply(s.clone());
                applied.push(s);
            }
            if let Some(outcome) = self.outcome_now()
                && !matches!(self.phase, Phase::Ended(_))
            {
                let s = self.stamp(None, Event::Ended(outcome));
                self.apply(s.clone());
                applied.push(s);
            }
        }
        applied
    }

    /// Whether the game just ended: the session's own outcome, or the customer churned.
    fn outcome_now(&self) -> Option<Outcome> {
        if matches!(self.phase, Phase::Ended(_)) {
            return None;
        }
        if let Some(o) = self.session_outcome() {
            return Some(o);
        }
        if self.mood == 0 {
            return Some(Outcome::Lost { turn: self.turn(), reason: "the customer ran out of patience".to_owned() });
        }
        None
    }
}

enum FollowUp {
    Clues,
    Turn,
}
