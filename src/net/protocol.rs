//! The messages of the wire protocol, as serde enums encoded with postcard. Postcard is not
//! self-describing: adding a field or a variant changes the bytes, so every such change bumps
//! [`PROTOCOL_VERSION`], and both sides refuse a peer of another version at the handshake.
//! `docs/protocol.md` describes each message; tests pin their exact bytes.

use serde::{Deserialize, Serialize};

use crate::game::breaking::{BreakRequest, BreakView, NotYet};
use crate::game::state::ChatLine;
use crate::game::tournament::{Leaderboard, TournamentView};
use crate::game::view::RoleView;
use crate::game::{Action, Seat, Stamped};

/// Bumped on every change to the messages below.
pub const PROTOCOL_VERSION: u16 = 9;

/// The largest frame either side sends or accepts, header excluded.
pub const MAX_FRAME: usize = 64 * 1024;

/// The role a player asks for when joining; the server picks the seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleWish {
    Liaison,
    Troubleshooter,
    Customer,
    GameMaster,
    Spectator,
    /// Whatever responder seat is free, else a spectator's.
    Any,
}

impl RoleWish {
    /// The role a seat belongs to.
    pub fn of_seat(seat: Seat) -> RoleWish {
        match seat {
            Seat::Liaison => RoleWish::Liaison,
            Seat::Troubleshooter(_) => RoleWish::Troubleshooter,
            Seat::Customer(_) => RoleWish::Customer,
            Seat::GameMaster => RoleWish::GameMaster,
            Seat::Spectator(_) => RoleWish::Spectator,
        }
    }

    pub fn parse(text: &str) -> Option<RoleWish> {
        match text.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "liaison" => Some(RoleWish::Liaison),
            "troubleshooter" | "ts" => Some(RoleWish::Troubleshooter),
            "customer" => Some(RoleWish::Customer),
            "gamemaster" | "gm" => Some(RoleWish::GameMaster),
            "spectator" => Some(RoleWish::Spectator),
            "any" => Some(RoleWish::Any),
            _ => None,
        }
    }
}

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first frame of every connection.
    Hello { protocol_version: u16 },
    /// Take a seat in the room with this join code.
    Join { code: String, name: String, role: RoleWish },
    /// Take back a seat after a dropped connection: the token from `Joined`, and the last `seq`
    /// received, so nothing is missed and nothing comes twice.
    Resume { token: String, last_seq: u64 },
    /// In the lobby: ready to start or not.
    Ready(bool),
    /// In the lobby: a line of chat for everyone in the room.
    LobbyChat(String),
    /// Start the game (the game master, or the room's creator when there is none).
    Start,
    /// Act as the seat. The id is the client's own; a repeated id is answered again without
    /// acting twice.
    Act { id: u64, action: Action },
    /// The game master removes a player from a seat.
    Kick { seat: Seat },
    /// Keeps the connection alive; answered with `Pong`.
    Ping { nonce: u64 },
    /// Leaving for good: the seat is freed (in the lobby) or left empty (in a game).
    Leave,
    /// After the game ended: a new game in the same room with a new seed, every player keeping
    /// their seat; the same scenario, or (`next`) the one after it in the built-in library. The
    /// game master may, or the room's creator when there is none. Everyone goes back to the lobby.
    PlayAgain { next: bool },
    /// The game master moves the player in `from` to `to`, in the lobby or during the game; when
    /// someone sits in `to`, the two swap. Each moved player's connection is told its new seat
    /// (`Update::Moved`) and gets that seat's view from then on.
    Move { from: Seat, to: Seat },
    /// In the lobby of a room with a break phase (`kombat host --break`), a customer seat
    /// composes the incident: show the card table, pick or drop a card, prove the composition.
    /// Answered with `Update::Break` to the customer seats (or a `Notice` saying why not).
    Break(BreakRequest),
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The answer to `Hello`.
    Welcome {
        protocol_version: u16,
    },
    /// The connection is refused or being closed, with why; the server hangs up after it.
    Refused {
        reason: String,
    },
    /// A seat was taken (or resumed). The token resumes it after a dropped connection.
    Joined {
        code: String,
        seat: Seat,
        token: String,
    },
    /// New state for this seat, numbered from 1 per seat with no gaps.
    Update {
        seq: u64,
        update: Update,
    },
    /// The answer to `Act { id, .. }`: done, or the rule's reason it was not.
    Done {
        id: u64,
        result: Result<(), String>,
    },
    Pong {
        nonce: u64,
    },
    /// Something the player should know that changes nothing (rate limited, a warning, a
    /// message the host broadcast to every room).
    Notice {
        text: String,
    },
    /// The ended game's postmortem (Markdown), sent once to each player when the game ends (or
    /// when they come back to the ended room); the client keeps it in its own data directory.
    /// `name` is the host's file name for it, a hint the client need not trust.
    Postmortem {
        name: String,
        text: String,
    },
    /// The host stopped for good (`quit` on its console): do not reconnect. The server hangs up
    /// after it. (A server stopped by a signal sends `Refused` instead: it may be restarted, and
    /// its players resume.)
    Stopped {
        reason: String,
    },
    /// The game may not start yet, for a reason each front end words in its own terms (9: a
    /// `Start` in a room whose break is not proven fair).
    NotYet {
        reason: NotYet,
    },
}

/// New state for one seat: the lobby before the game, the seat's view during and after it, and
/// the events that led to each view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Update {
    Lobby(LobbyView),
    View(Box<RoleView>),
    /// The player was removed from the seat (kicked, or the room closed); the server hangs up.
    Removed {
        reason: String,
    },
    /// What a batch of the game brought, as far as the seat may see it (`game::view::sees`),
    /// oldest first; sent before the view it leads to. Line-mode clients print these.
    Events(Vec<Stamped>),
    /// The room's turn timer: the milliseconds the current turn has left as this is sent (none
    /// while no turn runs: paused, over). Sent after each view when the room has a timer; the
    /// game has no clock, so a client counts down from it on its own.
    TurnTimer {
        left_ms: Option<u64>,
    },
    /// This connection's player now sits in `seat` (the game master moved them, or swapped them
    /// with another player); the lobby or the new seat's view follows. The resume token stays.
    Moved {
        seat: Seat,
    },
    /// The room is a team in a tournament (`kombat host --teams N`): the leaderboard as anyone
    /// may see it (`Leaderboard::public`), sent when it changes and after a player (re)joins.
    Leaderboard(Box<Leaderboard>),
    /// The projector's whole picture, to a spectator of a tournament's code: every team's public
    /// board (each team's spectator view) and the leaderboard; sent when any of it changes.
    Tournament(Box<TournamentView>),
    /// The break phase's card table (the baseline, the hand the budget affords, the picks and
    /// the proof's verdict); sent to customer seats only, in the lobby of a room with a break
    /// phase, after each change and on `ClientMsg::Break(Show)`. Responders never get it.
    Break(Box<BreakView>),
}

/// The lobby as every player in the room sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LobbyView {
    pub code: String,
    pub title: String,
    pub summary: String,
    pub players: Vec<LobbyPlayer>,
    /// How many of each role the scenario allows.
    pub limits: Vec<(RoleWish, u8)>,
    pub chat: Vec<ChatLine>,
    /// Whether the customer is the scripted NPC (no human took the seat).
    pub npc_customer: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LobbyPlayer {
    pub seat: Seat,
    pub name: String,
    pub ready: bool,
    pub connected: bool,
}
