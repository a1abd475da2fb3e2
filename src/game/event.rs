//! What happened in a game. Rules produce events; state changes only by applying them; the
//! journal, the views and the postmortem timeline are all built from the same list.

use serde::{Deserialize, Serialize};

use super::action::{IncidentState, Severity};
use super::seat::Seat;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Liaison and troubleshooters.
    Team,
    /// Liaison (and game master) with the customer.
    Customer,
}

/// How a game ended.
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
    Chat {
        channel: Channel,
        from: String,
        text: String,
    },
    /// A console command; it runs against the cluster when applied.
    Command {
        line: String,
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
    /// Incident time moves on by a turn; the cluster advances when applied.
    TurnAdvanced {
        turn: u32,
    },
    Alert {
        id: String,
        title: String,
        firing: bool,
    },
    Mood {
        value: u32,
    },
    ClueFound {
        id: String,
        text: String,
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
