//! What happened in a game. `rules::execute` produces events that carry their results (a
//! command's output and cost, a turn's figures); state changes only by applying them; the views,
//! the transcript, the game master's log and the postmortem timeline are all built from the same
//! list, and [`super::words`] is the one place that puts an event into words.

use serde::{Deserialize, Serialize};

use super::action::{IncidentState, Severity};
use super::cause::{Declaration, Verdict};
pub use super::findings::FindingSource;
use super::seat::Seat;
use super::world::World;
use crate::sim::change::Change;
use crate::sim::traffic::EntrypointResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Liaison and troubleshooters.
    Team,
    /// Liaison (and game master) with the customer.
    Customer,
}

/// How a game ended. `turn` is the turn of play it ended in, numbered as every screen numbers
/// turns (`words::turn_of_play`): the last turn played for an ending at a turn's end, the turn in
/// progress for one during it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Won {
        turn: u32,
    },
    Lost {
        turn: u32,
        reason: String,
    },
    /// The game master ended it.
    Stopped {
        turn: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A player took a seat (in the lobby).
    Seated {
        seat: Seat,
        name: String,
    },
    /// The game started; each troubleshooter has `points` action points for the first turn.
    Started {
        points: u32,
    },
    Chat {
        channel: Channel,
        from: String,
        text: String,
    },
    /// A console command and what it produced: its output (or error text), whether it
    /// succeeded and the action points it cost. The cluster it changed travels beside the event
    /// (`state::Step`); the command ran once.
    Command {
        line: String,
        output: String,
        ok: bool,
        cost: u32,
        /// The changes the API accepted from this command, in order, as they were asked for
        /// (none for a read or a refused change): what the team did, for the score and the
        /// postmortem, which judge deeds rather than command text.
        changes: Vec<Change>,
    },
    StatusUpdate {
        state: IncidentState,
        text: String,
    },
    Severity(Severity),
    HoldOffAsked,
    HoldOffAnswered {
        accepted: bool,
    },
    RootCauseDeclared {
        option: String,
        correct: bool,
    },
    Hint {
        tier: u8,
        text: String,
    },
    TurnEnded,
    /// Incident time moved on to `turn`: the figures users saw at its start, and the action
    /// points each troubleshooter has for it. The advanced cluster travels beside the event
    /// (`state::Step`); alerts and the ending follow as events of their own.
    TurnAdvanced {
        turn: u32,
        sample: TurnSample,
        points: u32,
        /// What users saw per entrypoint at the turn's start.
        entrypoints: Vec<EntrypointResult>,
    },
    Alert {
        id: String,
        title: String,
        firing: bool,
    },
    Mood {
        value: u32,
    },
    /// A seat found a fact that stands for one of the scenario's clues: `fact` is what it saw
    /// (the output line(s), the customer's words), `source` where (`game::findings`). The clue's
    /// authored text is not here: it is the debrief's.
    ClueFound {
        id: String,
        fact: String,
        source: FindingSource,
    },
    DialogueSaid {
        line: usize,
    },
    Mishap {
        id: String,
    },
    Inject {
        id: String,
    },
    Rated {
        update: usize,
        stars: u8,
    },
    Paused,
    Resumed,
    Ended(Outcome),
    /// The player in `seat` left the game for good (they left, or the game master removed them):
    /// the seat no longer holds up the turn, and a customer's seat goes back to the scripted
    /// customer.
    Left {
        seat: Seat,
    },
    /// Every win condition held long enough at the start of `turn`: the incident is resolved,
    /// and the responders get this one closing turn to post a resolved update and answer open
    /// questions before the game ends. Nothing more breaks in it (no injects, mishaps or nags)
    /// and the cluster only reads.
    ClosingTurn {
        turn: u32,
    },
    /// A seat passed finding `index` (of the game's findings, in the order found) to the rest of
    /// the team: it carries the fact and its source, so seats that did not hold it get them.
    FindingShared {
        index: usize,
        fact: String,
        source: FindingSource,
    },
    /// A root cause declared in the taxonomy's terms, with its verdict against the scenario's
    /// causes. Only the debrief, the score and the postmortem show the verdict; a player's share
    /// of the events goes out without it (`view::share`), so it is `None` there.
    CauseDeclared {
        declaration: Declaration,
        verdict: Option<Verdict>,
    },
    /// A player took `seat` during the game: a latecomer in a seat nobody held or one left
    /// empty, or a player the game master moved or swapped there. The seat holds up the turn
    /// again; a troubleshooter's seat that never had action points gets this turn's (`points`).
    Reseated {
        seat: Seat,
        name: String,
        points: Option<u32>,
    },
    /// The game master ended the current turn for everyone; the turn's end follows.
    TurnSkipped,
    /// The game master gave the current turn `seconds` more on the room's turn timer.
    TurnTimerExtended {
        seconds: u32,
    },
    /// The game master set the room's turn timer to `seconds` a turn (none: off); the current
    /// turn gets them from now.
    TurnTimerSet {
        seconds: Option<u32>,
    },
    /// A free-form inject: the game master's own message, which every seat receives.
    MessageInjected {
        text: String,
    },
}

/// An event with when it happened and who caused it (none: the world or the NPC).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stamped {
    pub turn: u32,
    /// Incident time in seconds.
    pub second: i64,
    pub seat: Option<Seat>,
    pub event: Event,
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
    pub fn of(world: &World) -> TurnSample {
        let traffic = world.cluster.traffic();
        TurnSample {
            turn: world.turn,
            second: world.cluster.now,
            error_rate: traffic.error_rate(),
            budget_left: traffic.budget_remaining(),
        }
    }
}
