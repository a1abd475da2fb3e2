//! The rules: `check` says whether a seat may take an action now (and changes nothing);
//! `execute` runs a legal action: it works out each event from the game as it stands, runs the
//! simulation once where the event needs it (a command, a new turn, a mishap or an inject), and
//! hands the event with its results to `Game::apply`, so what follows (clues found in a
//! command's output, everything a new turn brings, the ending) sees the game after it.
//! Seating, starting, leaving and the turn timer go the same way (ARCHITECTURE.md, "Events
//! carry results").

use super::action::Action;
use super::cause::{self, Declaration, ObjectRef};
use super::difficulty::Difficulty;
use super::event::{Channel, Event, Outcome, Stamped, TurnSample};
use super::findings;
use super::format::{AlertRule, InjectWhat, InjectWhen};
use super::npc;
use super::seat::{Role, Seat};
use super::state::{Game, HoldOff, Phase, Step};
use super::text::{MAX_TEXT, clean_command, sanitize};
use super::world::World;
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
    #[error("no hints at {0} difficulty")]
    NoHintsAtDifficulty(&'static str),
    #[error("no multiple choice at {0} difficulty: declare the objects and the failure class")]
    NoOptionsAtDifficulty(&'static str),
    #[error("a declaration names one to {MAX_OBJECTS} objects")]
    ObjectCount,
    #[error("{0}")]
    BadObject(String),
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
    #[error("the incident is resolved: in the closing turn the cluster is only read, and nothing more changes")]
    Closing,
    #[error("no finding number {0} in your Findings")]
    NoSuchFinding(usize),
    #[error("finding number {0} is already shared with the whole team")]
    AlreadyShared(usize),
    #[error("a turn timer runs {} to {} seconds a turn", TURN_TIMER_SECS.start(), TURN_TIMER_SECS.end())]
    TimerRange,
    #[error("a turn may get {} to {} more seconds", EXTEND_SECS.start(), EXTEND_SECS.end())]
    ExtendRange,
    #[error("no hint of tier {0}: the scenario's hints are tiers {1}")]
    NoSuchHintTier(u8, String),
    #[error("the tier {0} hint was already given")]
    HintGiven(u8),
}

/// How long a turn timer may run, in seconds: what `kombat host --turn-timer` accepts too.
pub const TURN_TIMER_SECS: std::ops::RangeInclusive<u32> = 5..=3600;
/// How many seconds the game master may add to a turn at once.
pub const EXTEND_SECS: std::ops::RangeInclusive<u32> = 1..=3600;

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
/// A legal action as [`check`] found it: a command's line cleaned and parsed once, so that
/// running it does not read it again.
pub struct Checked {
    command: Option<(String, kubectl::Line)>,
}

/// Whether `seat` may take `action` now; what `execute` needs of it when it may. Changes
/// nothing.
pub fn check(game: &Game, seat: Seat, action: &Action) -> Result<Checked, RuleError> {
    check_action(game, seat, action)?;
    let command = match action {
        Action::Command(line) => {
            let line = clean_command(line);
            let parsed = kubectl::parse(&line);
            if game.phase == Phase::Closing && parsed.effect() == kubectl::Effect::Change {
                return Err(RuleError::Closing);
            }
            if seat.role() != Role::GameMaster {
                let needed = parsed.cost();
                let left = game.points.get(&seat).copied().unwrap_or(0);
                if needed > left {
                    return Err(RuleError::NoPoints { needed, left });
                }
            }
            Some((line, parsed))
        }
        _ => None,
    };
    Ok(Checked { command })
}

fn check_action(game: &Game, seat: Seat, action: &Action) -> Result<(), RuleError> {
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
            | Action::SkipTurn
            | Action::ExtendTurn(_)
            | Action::SetTurnTimer(_)
            | Action::GrantHintTier(_)
            | Action::InjectMessage(_)
    );
    match &game.phase {
        Phase::Lobby => return Err(RuleError::NotStarted),
        Phase::Ended(_) => return Err(RuleError::Over),
        // The game master may set the clock while the game stands still: the room keeps the
        // paused turn's time and hands it back on resume.
        Phase::Paused
            if !matches!(
                action,
                Action::Resume
                    | Action::EndGame
                    | Action::TeamChat(_)
                    | Action::ExtendTurn(_)
                    | Action::SetTurnTimer(_)
            ) =>
        {
            return Err(RuleError::Paused);
        }
        // Nothing more breaks in the closing turn.
        Phase::Closing if matches!(action, Action::CauseMishap(_) | Action::FireInject(_)) => {
            return Err(RuleError::Closing);
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
        Action::SetSeverity(_)
        | Action::DeclareRootCause(_)
        | Action::DeclareCause(_)
        | Action::RequestHint
        | Action::EndTurn
        | Action::ShareFinding(_) => seat.is_responder(),
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
        Action::TeamChat(t)
        | Action::CustomerChat(t)
        | Action::Reply(t)
        | Action::SpeakAsCustomer(t)
        | Action::InjectMessage(t) => text_ok(t),
        Action::ExtendTurn(seconds) if !EXTEND_SECS.contains(seconds) => Err(RuleError::ExtendRange),
        Action::SetTurnTimer(Some(seconds)) if !TURN_TIMER_SECS.contains(seconds) => Err(RuleError::TimerRange),
        Action::GrantHintTier(tier) => {
            let hints = &game.scenario().game.hints;
            if !hints.iter().any(|h| h.tier == *tier) {
                let mut tiers: Vec<String> = hints.iter().map(|h| h.tier.to_string()).collect();
                tiers.sort();
                let tiers = if tiers.is_empty() { "none".to_owned() } else { tiers.join(", ") };
                Err(RuleError::NoSuchHintTier(*tier, tiers))
            } else if game.hint_given(*tier) {
                Err(RuleError::HintGiven(*tier))
            } else {
                Ok(())
            }
        }
        Action::StatusUpdate { text, .. } => text_ok(text),
        Action::Command(line) if clean_command(line).is_empty() => Err(RuleError::Empty),
        Action::EndTurn if game.ended.contains(&seat) => Err(RuleError::AlreadyEnded),
        // Normal accepts the options too, though no screen offers them there: journals from
        // before the difficulty setting read as normal and must replay.
        Action::DeclareRootCause(option) if !game.difficulty.multiple_choice() => {
            let known = game.scenario().game.root_causes.iter().any(|o| &o.id == option);
            if known && game.difficulty == Difficulty::Normal {
                Ok(())
            } else {
                // The refusal must not list the options the difficulty withholds.
                Err(RuleError::NoOptionsAtDifficulty(game.difficulty.as_str()))
            }
        }
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
        Action::DeclareCause(declaration) => check_declaration(declaration),
        Action::RequestHint if !game.difficulty.hints() => {
            Err(RuleError::NoHintsAtDifficulty(game.difficulty.as_str()))
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
        Action::ShareFinding(n) => match own_finding(game, seat, *n) {
            None => Err(RuleError::NoSuchFinding(n.saturating_add(1))),
            Some((_, finding)) if finding.shared => Err(RuleError::AlreadyShared(n.saturating_add(1))),
            Some(_) => Ok(()),
        },
        Action::FireInject(id) => {
            let known = game.scenario().game.injects.iter().any(|i| &i.id == id);
            if known && !game.injects.contains(id) { Ok(()) } else { Err(RuleError::UnknownInject(id.clone())) }
        }
        _ => Ok(()),
    }
}

/// Most objects one declaration may name.
pub const MAX_OBJECTS: usize = 8;

/// A declaration names known kinds and well-formed names (an object that does not exist is
/// simply a wrong answer, and saying so would tell).
fn check_declaration(declaration: &Declaration) -> Result<(), RuleError> {
    if declaration.objects.is_empty() || declaration.objects.len() > MAX_OBJECTS {
        return Err(RuleError::ObjectCount);
    }
    for object in &declaration.objects {
        // The kind is a closed enum already; the shape and names are checked as typed.
        ObjectRef::parse(&object.to_string()).map_err(|e| RuleError::BadObject(e.to_string()))?;
    }
    match &declaration.changed_by {
        Some(by) if by.chars().count() > MAX_TEXT => Err(RuleError::TooLong),
        _ => Ok(()),
    }
}

/// What a legal action will bring, worked out from the game before it: events, and the steps
/// whose results only running the simulation can tell.
fn plan(game: &Game, seat: Seat, action: &Action, checked: Checked) -> Vec<Planned> {
    if let Some((line, parsed)) = checked.command {
        return vec![Planned::Command(line, parsed)];
    }
    match action {
        Action::EndTurn => {
            let mut planned = vec![Planned::Event(Event::TurnEnded)];
            if game.present_responders().all(|s| s == seat || game.ended.contains(&s)) {
                planned.push(turn_over(game));
            }
            planned
        }
        // What the turn timer does when it runs out, in the journal as the game master's action.
        Action::SkipTurn => vec![Planned::Event(Event::TurnSkipped), turn_over(game)],
        _ => events_of(game, seat, action).into_iter().map(Planned::Event).collect(),
    }
}

fn events_of(game: &Game, seat: Seat, action: &Action) -> Vec<Event> {
    let from = game.seats.get(&seat).cloned().unwrap_or_else(|| seat.label());
    match action {
        Action::TeamChat(t) => {
            let text = sanitize(t);
            let mut events = vec![Event::Chat { channel: Channel::Team, from, text: text.clone() }];
            // Quoting a finding in team chat passes it on (`game::findings`).
            let held =
                game.findings.iter().enumerate().filter(|(_, f)| findings::visible_to(seat, &f.source, f.shared));
            events.extend(
                held.filter(|(_, f)| !f.shared && findings::quotes(&text, &f.fact))
                    .map(|(index, f)| Event::FindingShared { index, fact: f.fact.clone(), source: f.source.clone() }),
            );
            events
        }
        Action::CustomerChat(t) => {
            let text = sanitize(t);
            let mut events = vec![Event::Chat { channel: Channel::Customer, from, text: text.clone() }];
            if game.npc {
                events.extend(npc::answer(game, &text));
            }
            events
        }
        Action::Command(_) => Vec::new(),
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
        Action::DeclareCause(declared) => {
            let declaration = Declaration {
                objects: declared.objects.clone(),
                class: declared.class,
                changed_by: declared.changed_by.as_deref().map(sanitize).filter(|by| !by.is_empty()),
            };
            let verdict = cause::judge_all(&game.scenario().game.all_causes(), &declaration);
            vec![Event::CauseDeclared { declaration, verdict: Some(verdict) }]
        }
        // The next hint is the lowest tier not given yet: given in order, that is the next one,
        // as it always was (journals from before chosen tiers replay the same).
        Action::RequestHint | Action::GrantHint => {
            let hints = &game.scenario().game.hints;
            hints
                .iter()
                .filter(|h| !game.hint_given(h.tier))
                .min_by_key(|h| h.tier)
                .map(|h| vec![Event::Hint { tier: h.tier, text: h.text.clone() }])
                .unwrap_or_default()
        }
        Action::GrantHintTier(tier) => {
            let hints = &game.scenario().game.hints;
            hints
                .iter()
                .find(|h| h.tier == *tier)
                .map(|h| vec![Event::Hint { tier: h.tier, text: h.text.clone() }])
                .unwrap_or_default()
        }
        Action::SkipTurn => vec![Event::TurnSkipped],
        Action::ExtendTurn(seconds) => vec![Event::TurnTimerExtended { seconds: *seconds }],
        Action::SetTurnTimer(seconds) => vec![Event::TurnTimerSet { seconds: *seconds }],
        Action::InjectMessage(text) => vec![Event::MessageInjected { text: sanitize(text) }],
        Action::EndTurn => {
            let events = vec![Event::TurnEnded];
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
        Action::ShareFinding(n) => own_finding(game, seat, *n)
            .map(|(index, f)| vec![Event::FindingShared { index, fact: f.fact.clone(), source: f.source.clone() }])
            .unwrap_or_default(),
        // Ending the closing turn ends a resolved incident: it stays won. An outcome names the turn
        // of play it came in, as every screen numbers turns.
        Action::EndGame => vec![Event::Ended(
            closing_outcome(game).unwrap_or(Outcome::Stopped { turn: super::words::turn_of_play(game.turn()) }),
        )],
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

/// What ends the current turn once every responder is done (or the timer runs out): incident
/// time moves on, or, in the closing turn, the resolved game ends.
fn turn_over(game: &Game) -> Planned {
    match closing_outcome(game) {
        Some(outcome) => Planned::Event(Event::Ended(outcome)),
        None => Planned::Advance,
    }
}

/// The outcome a game in its closing turn ends with (the world's: won); none in any other phase.
fn closing_outcome(game: &Game) -> Option<Outcome> {
    if !game.in_closing_turn() {
        return None;
    }
    Some(game.world.ending.clone().unwrap_or(Outcome::Won { turn: game.turn() }))
}

/// What the start of a new turn brings: alerts, the customer's turn, injects, the outcome.
fn resolve_turn(game: &Game) -> Vec<Event> {
    let mut events = alert_events(game);
    if game.world.ending.is_some() {
        // The incident is over: nobody nags, nothing more breaks.
        return events;
    }
    events.extend(npc::turn(game));
    let turn = game.turn();
    // The scripted customer sees its users: a timed complaint ("people are posting screenshots
    // of the error page") waits while every entrypoint is fine, and comes if they fail again.
    let users_fine = npc::users_fine(game);
    for inject in &game.scenario().game.injects {
        if game.injects.contains(&inject.id) {
            continue;
        }
        let complaint = game.npc && matches!(inject.what, InjectWhat::Message(_));
        let due = match &inject.when {
            InjectWhen::AtTurn(t) => turn >= *t && !(complaint && users_fine),
            InjectWhen::OnCondition(p) => p.holds(&game.world.cluster),
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
    let cluster = &game.world.cluster;
    let result = |name: &str| cluster.traffic().results.iter().find(|r| r.name == name);
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
                AlertRule::BudgetBelow(f) => cluster.traffic().budget_remaining() < *f,
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

/// Finding `n` of the ones `seat` holds (in the order they were found), with its index among
/// all the game's findings.
fn own_finding(game: &Game, seat: Seat, n: usize) -> Option<(usize, &findings::Finding)> {
    game.findings.iter().enumerate().filter(|(_, f)| findings::visible_to(seat, &f.source, f.shared)).nth(n)
}

/// Clues that a command's output reveals, each as the finding the seat that ran `line` made: the
/// output line(s) that matched, the command and who ran it.
fn clue_events(game: &Game, seat: Option<Seat>, line: &str, output: &str, ok: bool) -> Vec<Event> {
    let seat = seat.unwrap_or(Seat::Troubleshooter(0));
    let by = game.seats.get(&seat).cloned().unwrap_or_else(|| seat.label());
    game.scenario()
        .game
        .clues
        .iter()
        .filter(|c| !game.clues.contains(&c.id))
        .filter_map(|c| c.output_contains.as_ref().filter(|p| ok && output.contains(p.as_str())).map(|p| (c, p)))
        .map(|(c, pattern)| findings::from_output(&c.id, pattern, output, line, seat, &by))
        .collect()
}

/// A step whose event is known before it happens, or one that only running the simulation can
/// tell.
enum Planned {
    Event(Event),
    /// A console line (as kept, and parsed once), run against the cluster.
    Command(String, kubectl::Line),
    /// Incident time moves on by a turn.
    Advance,
}

/// Runs the simulation where a planned step needs it, once: the step's event with its results,
/// and the world after it when the step may have changed it. A read runs on the world as it is;
/// a change, a new turn, a mishap or an inject takes the world out of the game (a move, not a
/// copy: a 1,000-pod cluster costs more to copy than to advance), runs on it, and hands it back
/// with the event for `Game::apply` to install. Nothing reads the game in between.
fn realize(game: &mut Game, planned: Planned) -> (Event, Option<World>) {
    match planned {
        Planned::Command(line, parsed) => {
            if let Some(outcome) = parsed.run_read(&game.world.cluster) {
                let event = Event::Command {
                    line,
                    output: outcome.output,
                    ok: outcome.ok,
                    cost: outcome.cost,
                    changes: Vec::new(),
                };
                return (event, None);
            }
            let mut world = game.world.take();
            world.cluster.recording = Some(Vec::new());
            let outcome = parsed.run(&mut world.cluster);
            let changes = world.cluster.recording.take().unwrap_or_default();
            let event = Event::Command { line, output: outcome.output, ok: outcome.ok, cost: outcome.cost, changes };
            (event, Some(world))
        }
        Planned::Advance => {
            let (turn, points) = (game.turn() + 1, game.points_per_turn());
            let mut world = game.world.take();
            world.end_turn();
            let event = Event::TurnAdvanced {
                turn,
                sample: TurnSample::of(&world),
                points,
                entrypoints: world.cluster.traffic().results.clone(),
            };
            (event, Some(world))
        }
        Planned::Event(event) => {
            let changes = match &event {
                Event::Mishap { id } => {
                    let mishaps = &game.scenario().game.customer.npc.mishaps;
                    mishaps.iter().find(|m| &m.id == id).map(|m| (m.changes.clone(), "customer"))
                }
                Event::Inject { id } => {
                    game.scenario().game.injects.iter().find(|i| &i.id == id).and_then(|i| match &i.what {
                        InjectWhat::Fault(changes) => Some((changes.clone(), "inject")),
                        _ => None,
                    })
                }
                _ => None,
            };
            let world = changes.map(|(changes, actor)| {
                let mut world = game.world.take();
                for change in changes {
                    // A change the cluster refuses simply does not happen (a mishap that deletes
                    // what is already gone).
                    let _ = world.cluster.apply(change, actor);
                }
                world
            });
            (event, world)
        }
    }
}

impl Game {
    /// Seats a player. Only in the lobby.
    pub fn seat(&mut self, seat: Seat, name: &str) {
        if self.phase != Phase::Lobby {
            return;
        }
        let name = sanitize(name);
        self.run(Some(seat), vec![Planned::Event(Event::Seated { seat, name })]);
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
        if !matches!(self.phase, Phase::Playing | Phase::Paused | Phase::Closing)
            || !self.seats.contains_key(&seat)
            || self.absent.contains(&seat)
        {
            return Vec::new();
        }
        let mut planned = vec![Planned::Event(Event::Left { seat })];
        let others: Vec<Seat> = self.present_responders().filter(|s| *s != seat).collect();
        if matches!(self.phase, Phase::Playing | Phase::Closing)
            && seat.is_responder()
            && !others.is_empty()
            && others.iter().all(|s| self.ended.contains(s))
        {
            planned.push(turn_over(self));
        }
        self.run(Some(seat), planned)
    }

    /// A player takes `seat` during the game (a latecomer, or a player moved or swapped there
    /// by the game master): the seat is present again under their name. Nothing happens in the
    /// lobby (seating is `seat` there), after the game, or for a spectator's seat, which the
    /// game does not know.
    pub fn reseat(&mut self, seat: Seat, name: &str) -> Vec<Stamped> {
        if !matches!(self.phase, Phase::Playing | Phase::Paused | Phase::Closing) || matches!(seat, Seat::Spectator(_))
        {
            return Vec::new();
        }
        let name = sanitize(name);
        let points = (matches!(seat, Seat::Troubleshooter(_)) && !self.points.contains_key(&seat))
            .then(|| self.points_per_turn());
        self.run(Some(seat), vec![Planned::Event(Event::Reseated { seat, name, points })])
    }

    /// Starts the game: the customer's opening message and the first alerts.
    pub fn start(&mut self) -> Vec<Stamped> {
        if self.phase != Phase::Lobby {
            return Vec::new();
        }
        let mut events = vec![Event::Started { points: self.points_per_turn() }];
        let opening = self.scenario().game.customer.npc.opening.clone();
        if self.npc && !opening.is_empty() {
            events.push(Event::Chat { channel: Channel::Customer, from: self.customer_name(), text: opening });
        }
        events.extend(alert_events(self));
        self.run(None, events.into_iter().map(Planned::Event).collect())
    }

    /// Takes an action for a seat: check, then execute.
    pub fn act(&mut self, seat: Seat, action: &Action) -> Result<Vec<Stamped>, RuleError> {
        let checked = check(self, seat, action)?;
        Ok(execute(self, seat, action, checked))
    }

    /// Ends the turn for everyone (the room's turn timer ran out); a closing turn's end ends the
    /// game.
    pub fn force_turn(&mut self) -> Vec<Stamped> {
        if !matches!(self.phase, Phase::Playing | Phase::Closing) {
            return Vec::new();
        }
        let planned = turn_over(self);
        self.run(None, vec![planned])
    }

    /// Realizes and applies each planned step, then what it brings about: clues in a command's
    /// output, everything a new turn brings, and the ending once the game has one.
    fn run(&mut self, seat: Option<Seat>, planned: Vec<Planned>) -> Vec<Stamped> {
        let mut applied = Vec::new();
        for step in planned {
            let event = self.realize_and_apply(seat, step, &mut applied);
            let more = match &event {
                Event::Command { line, output, ok, .. } => clue_events(self, seat, line, output, *ok),
                Event::TurnAdvanced { .. } => resolve_turn(self),
                _ => Vec::new(),
            };
            for e in more {
                self.realize_and_apply(None, Planned::Event(e), &mut applied);
            }
            if let Some(outcome) = self.outcome_now() {
                // A won incident does not end at once: the responders get a closing turn.
                let event = match outcome {
                    Outcome::Won { turn } if self.phase == Phase::Playing => Event::ClosingTurn { turn },
                    outcome => Event::Ended(outcome),
                };
                self.realize_and_apply(None, Planned::Event(event), &mut applied);
            }
        }
        applied
    }

    fn realize_and_apply(&mut self, seat: Option<Seat>, planned: Planned, applied: &mut Vec<Stamped>) -> Event {
        // Stamped with the time before the step: the world may be out of the game meanwhile.
        let (turn, second) = (self.turn(), self.second());
        let (event, world) = realize(self, planned);
        let stamped = Stamped { turn, second, seat, event };
        applied.push(stamped.clone());
        let event = stamped.event.clone();
        self.apply(Step { stamped, world: world.map(Box::new) });
        event
    }

    /// Whether the game just ended: the world's own outcome, or the customer churned. Never in
    /// the closing turn, which only the responders, the timer or the game master end.
    fn outcome_now(&self) -> Option<Outcome> {
        if !matches!(self.phase, Phase::Playing | Phase::Paused) || self.in_closing_turn() {
            return None;
        }
        if let Some(o) = &self.world.ending {
            return Some(o.clone());
        }
        if self.mood == 0 {
            let turn = super::words::turn_of_play(self.turn());
            return Some(Outcome::Lost { turn, reason: "the customer ran out of patience".to_owned() });
        }
        None
    }
}

/// Runs a legal action for `seat`: each event is worked out from the game as it stands and
/// applied before the next, and the applied events are returned. Call [`check`] first
/// (`Game::act` does); what it found goes in with the action.
pub fn execute(game: &mut Game, seat: Seat, action: &Action, checked: Checked) -> Vec<Stamped> {
    let planned = plan(game, seat, action, checked);
    game.run(Some(seat), planned)
}

#[cfg(test)]
mod tests;
