//! Stepping through a finished game, for the debrief on the projector (`kombat replay --screen`,
//! "Replay a game"): the game at step K is the game folded over the journal's first K entries
//! (step 0 is the start), so any seat's view as it was then is `view::for_seat` of it. A
//! [`Replay`] plays the journal once, keeping what each step did (its words and the moments of
//! the timeline it holds) and a copy of the game every [`CHECKPOINT_EVERY`] steps; a [`Cursor`]
//! holds the game at one step and moves to another by folding from the cursor or the nearest
//! copy, so a step is one action and a jump at most a few. Pure, like the rest of `game`.

use std::fmt;

use super::event::{Event, Stamped};
use super::journal::{self, Entry, Journal, JournalError};
use super::seat::Seat;
use super::state::Game;
use super::text::sanitize;
use super::{Action, outcome_text};

/// How many steps apart the kept copies of the game are: a jump folds fewer actions than this.
pub const CHECKPOINT_EVERY: usize = 8;

/// A point of the timeline worth jumping to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// The incident as the team found it.
    Start,
    /// Incident time moved on: turn of play `n` begins (as the screens number turns).
    Turn(u32),
    /// A command the API accepted changes from: a fix, or damage.
    Change,
    /// The team declared a root cause.
    CauseDeclared,
    /// Every win condition held: service is restored and the closing turn begins.
    Resolved,
    /// The game ended.
    Ended,
}

impl Moment {
    /// A word or two for the timeline.
    pub fn label(self) -> String {
        match self {
            Moment::Start => "start".to_owned(),
            Moment::Turn(n) => format!("turn {n}"),
            Moment::Change => "change".to_owned(),
            Moment::CauseDeclared => "cause declared".to_owned(),
            Moment::Resolved => "service restored".to_owned(),
            Moment::Ended => "end".to_owned(),
        }
    }
}

/// What one step of the journal did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepInfo {
    /// Turns completed after the step.
    pub turn: u32,
    /// Incident time after the step, in seconds.
    pub second: i64,
    /// Who acted (none: the start, the room's timer).
    pub seat: Option<Seat>,
    /// The step in words, sanitized: who did what, and what it brought (a new turn, the end).
    pub what: String,
    /// The moments this step holds, in the order their events came.
    pub moments: Vec<Moment>,
}

/// A finished game, ready to be stepped through.
#[derive(Clone)]
pub struct Replay {
    scenario: String,
    title: String,
    entries: Vec<Entry>,
    steps: Vec<StepInfo>,
    /// The game at the start.
    origin: Game,
    /// The game at steps `CHECKPOINT_EVERY`, 2×`CHECKPOINT_EVERY`, ….
    checkpoints: Vec<Game>,
    seats: Vec<Seat>,
}

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("scenario", &self.scenario)
            .field("steps", &self.steps.len())
            .field("checkpoints", &(self.checkpoints.len() + 1))
            .finish_non_exhaustive()
    }
}

impl Replay {
    /// Plays `journal` on the scenario's text once. A journal the game does not accept (another
    /// scenario's text, a refused action, a turn out of place) is the error `journal::replay`
    /// gives, naming the line.
    pub fn new(journal: &Journal, scenario_text: &str) -> Result<Replay, JournalError> {
        let mut steps = Vec::with_capacity(journal.entries.len() + 1);
        let mut checkpoints = Vec::new();
        let game = journal::replay_with(journal, scenario_text, |game, events| {
            let index = steps.len();
            if index % CHECKPOINT_EVERY == 0 {
                checkpoints.push(game.clone());
            }
            let entry = index.checked_sub(1).and_then(|i| journal.entries.get(i));
            steps.push(describe(game, entry, events));
        })?;
        let mut copies = checkpoints.into_iter();
        // `replay_with` shows the start before any entry, so the first copy is there.
        let origin = copies.next().ok_or(JournalError::Empty)?;
        let scenario = game.scenario();
        Ok(Replay {
            origin,
            checkpoints: copies.collect(),
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            entries: journal.entries.clone(),
            steps,
            seats: seats_of(&game),
        })
    }

    /// The scenario's id.
    pub fn scenario(&self) -> &str {
        &self.scenario
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    /// Every step, the start first: one more than the journal has entries.
    pub fn steps(&self) -> &[StepInfo] {
        &self.steps
    }

    /// The last step's index.
    pub fn last(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }

    /// The seats whose views the replay shows, in the order a screen offers them: the
    /// responders who sat, the customer (a person or the scripted one), the game master, and a
    /// spectator for the public board.
    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }

    /// The next step after `step` that holds a moment; none after the last.
    pub fn next_moment(&self, step: usize) -> Option<usize> {
        (step + 1..self.steps.len()).find(|&i| self.steps.get(i).is_some_and(|s| !s.moments.is_empty()))
    }

    /// The step before `step` that holds a moment; none before the start.
    pub fn previous_moment(&self, step: usize) -> Option<usize> {
        (0..step.min(self.steps.len())).rev().find(|&i| self.steps.get(i).is_some_and(|s| !s.moments.is_empty()))
    }

    /// The steps that begin a turn of play (the start first), for jumping turn by turn.
    pub fn turn_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.moments.iter().any(|m| matches!(m, Moment::Start | Moment::Turn(_))).then_some(i))
    }

    /// A cursor at the start.
    pub fn start(&self) -> Cursor {
        Cursor { step: 0, game: self.origin.clone() }
    }

    /// Moves `cursor` to `step` (at most the last): by folding on from where it is when that is
    /// the shorter way, else from the nearest copy before `step`.
    pub fn seek(&self, cursor: &mut Cursor, step: usize) {
        let step = step.min(self.last());
        let copy = step / CHECKPOINT_EVERY;
        let from_copy = step - copy * CHECKPOINT_EVERY;
        let onward = step >= cursor.step && step - cursor.step <= from_copy;
        if !onward {
            let game = match copy.checked_sub(1) {
                None => &self.origin,
                Some(later) => match self.checkpoints.get(later) {
                    Some(game) => game,
                    None => return,
                },
            };
            cursor.game = game.clone();
            cursor.step = copy * CHECKPOINT_EVERY;
        }
        while cursor.step < step {
            let Some(entry) = self.entries.get(cursor.step) else { return };
            // Every entry was accepted when the replay was built, and the game is deterministic,
            // so this folds as it did then.
            let _ = journal::apply_entry(&mut cursor.game, entry);
            cursor.step += 1;
        }
    }
}

/// The game at one step of a replay.
#[derive(Clone)]
pub struct Cursor {
    step: usize,
    game: Game,
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor").field("step", &self.step).finish_non_exhaustive()
    }
}

impl Cursor {
    pub fn step(&self) -> usize {
        self.step
    }

    /// The game as it was after this many steps.
    pub fn game(&self) -> &Game {
        &self.game
    }
}

/// The seats a replay shows, from the game's table.
fn seats_of(game: &Game) -> Vec<Seat> {
    let mut seats: Vec<Seat> = Vec::new();
    let sat = |wanted: fn(&Seat) -> bool| -> Vec<Seat> { game.seats.keys().copied().filter(wanted).collect() };
    seats.push(Seat::Liaison);
    let troubleshooters = sat(|s| matches!(s, Seat::Troubleshooter(_)));
    if troubleshooters.is_empty() {
        seats.push(Seat::Troubleshooter(0));
    }
    seats.extend(troubleshooters);
    let customers = sat(|s| matches!(s, Seat::Customer(_)));
    if customers.is_empty() {
        seats.push(Seat::Customer(0));
    }
    seats.extend(customers);
    seats.push(Seat::GameMaster);
    seats.push(Seat::Spectator(0));
    seats
}

/// A step in words, from its entry (none: the start) and the events it brought.
fn describe(game: &Game, entry: Option<&Entry>, events: &[Stamped]) -> StepInfo {
    let mut moments = Vec::new();
    let mut parts = Vec::new();
    let seat = match entry {
        None => {
            moments.push(Moment::Start);
            parts.push("the incident begins".to_owned());
            None
        }
        Some(Entry::Act { seat, action, .. }) => {
            parts.push(format!("{}: {}", seat.label(), action_words(action)));
            Some(*seat)
        }
        Some(Entry::ForcedTurnEnd { .. }) => {
            parts.push("the turn timer ended the turn".to_owned());
            None
        }
        Some(Entry::Left { seat, .. }) => {
            parts.push(format!("{} left the game", seat.label()));
            Some(*seat)
        }
        Some(Entry::Reseated { seat, name, .. }) => {
            parts.push(format!("{} took the {} seat", super::text::sanitize(name), seat.label()));
            Some(*seat)
        }
    };
    for stamped in events {
        match &stamped.event {
            Event::TurnAdvanced { turn, .. } => {
                let n = super::words::turn_of_play(*turn);
                moments.push(Moment::Turn(n));
                parts.push(format!("turn {n} begins"));
            }
            Event::Command { changes, .. } if !changes.is_empty() => moments.push(Moment::Change),
            Event::CauseDeclared { .. } | Event::RootCauseDeclared { .. } => moments.push(Moment::CauseDeclared),
            Event::ClosingTurn { .. } => {
                moments.push(Moment::Resolved);
                parts.push("service is restored".to_owned());
            }
            Event::Ended(outcome) => {
                moments.push(Moment::Ended);
                parts.push(outcome_text(outcome));
            }
            _ => {}
        }
    }
    StepInfo { turn: game.turn(), second: game.world.cluster.now, seat, what: parts.join(" · "), moments }
}

/// At most this many characters of a player's text in a step's words.
const QUOTE: usize = 60;

/// What an action did, in a few words; text the players wrote is quoted, cleaned and cut.
fn action_words(action: &Action) -> String {
    let quote = |text: &str| {
        let clean = super::words::one_line(&sanitize(text));
        let cut: String = clean.chars().take(QUOTE).collect();
        if cut.len() < clean.len() { format!("“{cut}…”") } else { format!("“{cut}”") }
    };
    match action {
        Action::TeamChat(text) => format!("in team chat {}", quote(text)),
        Action::CustomerChat(text) => format!("to the customer {}", quote(text)),
        Action::Command(line) => format!("ran {}", quote(line.lines().next().unwrap_or_default())),
        Action::StatusUpdate { state, .. } => format!("posted a status update ({})", state.as_str()),
        Action::SetSeverity(s) => format!("set the severity to {}", super::words::severity(*s)),
        Action::AskHoldOff => "asked the customer to hold off changes".to_owned(),
        Action::DeclareRootCause(_) | Action::DeclareCause(_) => "declared the root cause".to_owned(),
        Action::RequestHint => "asked for a hint".to_owned(),
        Action::EndTurn => "ended the turn".to_owned(),
        Action::Reply(text) => format!("replied {}", quote(text)),
        Action::RateUpdate { update, stars } => format!("rated status update {} with {stars} stars", update + 1),
        Action::CauseMishap(_) => "played a mishap card".to_owned(),
        Action::AnswerHoldOff { accept: true } => "agreed to hold off changes".to_owned(),
        Action::AnswerHoldOff { accept: false } => "refused to hold off changes".to_owned(),
        Action::Pause => "paused the game".to_owned(),
        Action::Resume => "resumed the game".to_owned(),
        Action::FireInject(_) => "fired an inject".to_owned(),
        Action::GrantHint => "granted a hint".to_owned(),
        Action::SpeakAsCustomer(text) => format!("spoke as the customer {}", quote(text)),
        Action::EndGame => "ended the game".to_owned(),
        Action::ShareFinding(n) => format!("shared finding {}", n + 1),
        Action::SkipTurn => "skipped to the next turn".to_owned(),
        Action::ExtendTurn(seconds) => format!("gave the turn {seconds} s more"),
        Action::SetTurnTimer(Some(seconds)) => format!("set the turn timer to {seconds} s"),
        Action::SetTurnTimer(None) => "turned the turn timer off".to_owned(),
        Action::GrantHintTier(tier) => format!("granted the tier {tier} hint"),
        Action::InjectMessage(text) => format!("sent an inject {}", quote(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::journal::{Header, SeatName};
    use crate::game::view;

    fn source() -> &'static str {
        crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, text)| text)
            .expect("the default scenario")
    }

    /// A short game of the default scenario played to its end, as its journal: the team looks,
    /// talks, declares the cause, fixes it and ends turns until the game is over.
    fn played() -> Journal {
        let seats = vec![
            SeatName { seat: Seat::Liaison, name: "Lee".into() },
            SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
        ];
        let mut journal = Journal::new(Header::new(5, crate::scenario::DEFAULT_ID, source(), seats.clone()));
        let scenario = crate::scenario::parse("first-deploy.ron", source()).expect("parses");
        let cause = scenario.game.all_causes().first().cloned().expect("a cause");
        let mut game = Game::new(scenario, 5).expect("builds");
        for SeatName { seat, name } in &seats {
            game.seat(*seat, name);
        }
        game.start();
        let mut act = |game: &mut Game, seat: Seat, action: Action| {
            journal.entries.push(Entry::Act { turn: game.turn(), seat, action: action.clone(), id: None });
            game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
        };
        let ts = Seat::Troubleshooter(0);
        act(&mut game, ts, Action::Command("get pods -n shop".into()));
        act(&mut game, Seat::Liaison, Action::CustomerChat("Hi, what changed?".into()));
        act(&mut game, Seat::Liaison, Action::DeclareCause(cause));
        act(
            &mut game,
            ts,
            Action::Command("set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop".into()),
        );
        for _ in 0..10 {
            if matches!(game.phase, crate::game::Phase::Ended(_)) {
                break;
            }
            act(&mut game, Seat::Liaison, Action::EndTurn);
            act(&mut game, ts, Action::EndTurn);
        }
        assert!(matches!(game.phase, crate::game::Phase::Ended(_)), "the game ends");
        journal
    }

    #[test]
    fn every_step_shows_the_game_folded_over_that_many_entries() {
        let journal = played();
        let replay = Replay::new(&journal, source()).expect("replays");
        assert_eq!(replay.steps().len(), journal.entries.len() + 1);
        // Forward, then backward, then jumping about: always the game a fresh replay of the
        // first K entries gives.
        let order: Vec<usize> =
            (0..=replay.last()).chain((0..=replay.last()).rev()).chain([3, 17, 1, 9, 0, 12]).collect();
        let mut cursor = replay.start();
        for step in order {
            let step = step.min(replay.last());
            replay.seek(&mut cursor, step);
            let first = Journal { header: journal.header.clone(), entries: journal.entries[..step].to_vec() };
            let fresh = journal::replay(&first, source()).expect("replays");
            assert_eq!(cursor.step(), step);
            for seat in replay.seats() {
                assert_eq!(
                    view::for_seat(cursor.game(), *seat),
                    view::for_seat(&fresh, *seat),
                    "step {step}, {seat:?}"
                );
            }
        }
        replay.seek(&mut cursor, usize::MAX);
        assert_eq!(cursor.step(), replay.last(), "a step past the end is the end");
    }

    #[test]
    fn the_timeline_holds_the_moments_in_order() {
        let replay = Replay::new(&played(), source()).expect("replays");
        let moments: Vec<Moment> = replay.steps().iter().flat_map(|s| s.moments.clone()).collect();
        let at = |m: Moment| moments.iter().position(|x| *x == m).unwrap_or_else(|| panic!("{m:?} in {moments:?}"));
        assert_eq!(moments.first(), Some(&Moment::Start));
        assert!(at(Moment::CauseDeclared) < at(Moment::Change), "declared, then fixed: {moments:?}");
        assert!(at(Moment::Change) < at(Moment::Turn(2)));
        assert!(at(Moment::Turn(2)) < at(Moment::Resolved));
        assert_eq!(moments.last(), Some(&Moment::Ended));
        assert_eq!(replay.steps()[1].what, "troubleshooter 1: ran “get pods -n shop”");
        assert_eq!(replay.steps()[2].what, "liaison: to the customer “Hi, what changed?”");
        // Jumping moment by moment visits every step that holds one, and stops at the ends.
        let mut visited = vec![0];
        while let Some(next) = replay.next_moment(*visited.last().unwrap_or(&0)) {
            visited.push(next);
        }
        let holding: Vec<usize> =
            replay.steps().iter().enumerate().filter(|(_, s)| !s.moments.is_empty()).map(|(i, _)| i).collect();
        assert_eq!(visited, holding);
        assert_eq!(replay.previous_moment(0), None);
        assert_eq!(replay.previous_moment(replay.last()), holding.iter().rev().nth(1).copied());
        assert_eq!(
            replay.seats(),
            [Seat::Liaison, Seat::Troubleshooter(0), Seat::Customer(0), Seat::GameMaster, Seat::Spectator(0)]
        );
    }

    #[test]
    fn a_journal_the_game_refuses_is_an_error_naming_its_line() {
        let mut journal = played();
        // The troubleshooter speaks to the customer: not theirs to do.
        journal.entries.insert(
            1,
            Entry::Act { turn: 0, seat: Seat::Troubleshooter(0), action: Action::CustomerChat("hi".into()), id: None },
        );
        let error = Replay::new(&journal, source()).expect_err("refused");
        assert!(matches!(error, JournalError::Refused { line: 3, .. }), "{error:?}");
        let changed = Replay::new(&played(), "(id: \"first-deploy\")").expect_err("another text");
        assert!(matches!(changed, JournalError::ScenarioChanged { .. }), "{changed:?}");
    }
}
