//! What the host hears about its rooms: each game's end as it happens ([`GameEnd`], one line of
//! `kombat host`'s per-night results file and one line on its console) and each room's state when
//! asked ([`RoomStatus`], the console's `rooms`). Tables make them from their game; nothing here
//! goes over the wire.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::game::score::{self, Grade};
use crate::game::{Game, Outcome, Phase, Seat, words};

/// A player at a table, as the host sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerAt {
    pub name: String,
    /// The seat's label (`liaison`, `troubleshooter 1`, …).
    pub seat: String,
}

impl PlayerAt {
    pub fn new(name: &str, seat: Seat) -> PlayerAt {
        PlayerAt { name: name.to_owned(), seat: seat.label() }
    }
}

/// A hosted game that ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameEnd {
    /// The room's join code.
    pub room: String,
    /// The scenario's id.
    pub scenario: String,
    pub seed: u64,
    /// Everyone seated when it ended, spectators aside.
    pub players: Vec<PlayerAt>,
    /// `resolved`, `lost: REASON` or `stopped by the game master`.
    pub outcome: String,
    pub grade: Grade,
    pub total: u32,
    pub max: u32,
    /// The turn of play it ended in, as every screen numbers turns.
    pub turn: u32,
    /// The incident clock when it ended, in seconds.
    pub incident_seconds: i64,
    /// Where the host wrote the postmortem; none without a data directory (or if writing failed).
    pub postmortem: Option<PathBuf>,
}

impl GameEnd {
    /// The end of `game` (none while it goes on), without the room's own facts filled in.
    pub fn of(game: &Game) -> Option<GameEnd> {
        let (second, outcome) = score::ending(game)?;
        let score = score::score(game);
        let (turn, outcome) = match outcome {
            Outcome::Won { turn } => (*turn, "resolved".to_owned()),
            Outcome::Lost { turn, reason } => (*turn, format!("lost: {reason}")),
            Outcome::Stopped { turn } => (*turn, "stopped by the game master".to_owned()),
        };
        Some(GameEnd {
            room: String::new(),
            scenario: game.scenario().id.clone(),
            seed: 0,
            players: Vec::new(),
            outcome,
            grade: score.grade,
            total: score.total,
            max: score.max,
            turn,
            incident_seconds: second,
            postmortem: None,
        })
    }

    /// `grade B (61/100), resolved at turn 5 (incident time 25:00)`.
    pub fn result(&self) -> String {
        let (minutes, seconds) = (self.incident_seconds.max(0) / 60, self.incident_seconds.max(0) % 60);
        format!(
            "grade {} ({}/{}), {} at turn {} (incident time {minutes}:{seconds:02})",
            self.grade.as_str(),
            self.total,
            self.max,
            self.outcome,
            self.turn
        )
    }
}

/// Where a room's game stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomPhase {
    Lobby,
    Playing,
    Paused,
    /// The closing turn after a won incident.
    Closing,
    Ended,
}

impl RoomPhase {
    pub fn of(phase: &Phase) -> RoomPhase {
        match phase {
            Phase::Lobby => RoomPhase::Lobby,
            Phase::Playing => RoomPhase::Playing,
            Phase::Paused => RoomPhase::Paused,
            Phase::Closing => RoomPhase::Closing,
            Phase::Ended(_) => RoomPhase::Ended,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RoomPhase::Lobby => "lobby",
            RoomPhase::Playing => "playing",
            RoomPhase::Paused => "paused",
            RoomPhase::Closing => "closing",
            RoomPhase::Ended => "ended",
        }
    }
}

/// A player in a room's status, with whether they are connected now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerStatus {
    pub player: PlayerAt,
    pub connected: bool,
}

/// A room as the host's `rooms` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomStatus {
    pub code: String,
    pub scenario: String,
    pub phase: RoomPhase,
    /// The turn of play (1 for the first), as every screen numbers turns.
    pub turn: u32,
    pub players: Vec<PlayerStatus>,
    /// The ended game's result ([`GameEnd::result`]).
    pub result: Option<String>,
}

/// Where a game stands: its phase and the turn of play.
pub fn standing(game: &Game) -> (RoomPhase, u32) {
    let turn = match score::ending(game) {
        Some((_, Outcome::Won { turn } | Outcome::Lost { turn, .. } | Outcome::Stopped { turn })) => *turn,
        None => words::turn_of_play(game.turn()),
    };
    (RoomPhase::of(&game.phase), turn)
}
