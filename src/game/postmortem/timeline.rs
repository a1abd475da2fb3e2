//! The postmortem's timeline: every command, message, status update, inject, alert and state
//! change from the game's log, with incident time, the UTC clock, the turn and the seat, in the
//! postmortem's words (`words::event` for `Audience::Postmortem`). Left out: seating, a seat
//! marking itself done with a turn (the turn's end is listed) and the scripted customer's
//! bookkeeping of which line it said (the line itself is listed).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::super::event::{Event, Outcome, Stamped};
use super::super::score::{author, display_name};
use super::super::seat::Seat;
use super::super::state::Game;
use super::super::words::{self, Audience, Context};
use crate::game::clock;
use crate::sim::cluster::timestamp;

/// A seat with its player's name: `troubleshooter 1 (Tam)`.
pub fn seat_label(game: &Game, seat: Seat) -> String {
    let name = display_name(game, seat);
    let label = seat.label();
    if name == label || name.is_empty() { label } else { format!("{label} ({name})") }
}

/// Text made safe for one Markdown table cell.
pub fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

pub use super::super::words::code;

/// Incident time and the UTC clock time: `+12m00s`, `09:12:00`.
pub fn times(second: i64) -> (String, String) {
    let stamp = timestamp(second);
    (clock(second), stamp.get(11..19).unwrap_or(&stamp).to_owned())
}

/// Who did it, for the seat column.
fn actor(game: &Game, stamped: &Stamped) -> String {
    let by_seat = || stamped.seat.map_or_else(|| "—".to_owned(), |s| seat_label(game, s));
    match &stamped.event {
        Event::Chat { from, .. } => match author(game, stamped) {
            Some(seat) => seat_label(game, seat),
            None if stamped.seat == Some(Seat::GameMaster) => format!("game master (as {from})"),
            None if *from == game.customer_name() => "customer (scripted)".to_owned(),
            None => "visitor".to_owned(),
        },
        Event::Mood { .. } | Event::Mishap { .. } => "customer".to_owned(),
        Event::HoldOffAnswered { .. } | Event::Rated { .. } => match stamped.seat {
            Some(s @ Seat::Customer(_)) => seat_label(game, s),
            _ => "customer (scripted)".to_owned(),
        },
        Event::Alert { .. } => "alerting".to_owned(),
        Event::Inject { .. } if stamped.seat.is_none() => "scenario".to_owned(),
        Event::TurnAdvanced { .. } | Event::Ended(Outcome::Won { .. } | Outcome::Lost { .. }) => "—".to_owned(),
        _ => by_seat(),
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Incident time: `+12m00s`.
    pub incident: String,
    /// The wall clock of the incident, `09:12:00`.
    pub utc: String,
    pub turn: u32,
    pub seat: String,
    pub what: String,
}

/// The timeline, oldest first.
pub fn rows(game: &Game) -> Vec<Row> {
    let context = Context { root_causes: &game.scenario().game.root_causes };
    let mut out = Vec::new();
    for stamped in &game.log {
        let Some(what) = words::event(stamped, Audience::Postmortem, context) else { continue };
        // A turn's end is stamped when its last responder ended it, before incident time moved
        // on; list it at the moment it ends, under its own number (`words::turn_of_play`).
        let (second, turn) = match &stamped.event {
            Event::TurnAdvanced { turn, sample, .. } => (sample.second, *turn),
            _ => (stamped.second, words::turn_of_play(stamped.turn)),
        };
        let (incident, utc) = times(second);
        out.push(Row { incident, utc, turn, seat: actor(game, stamped), what });
    }
    out
}

/// The timeline as a Markdown table.
pub fn render(game: &Game) -> String {
    let mut out = String::from("| Time | UTC | Turn | Seat | What happened |\n|---|---|---|---|---|\n");
    for row in rows(game) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.incident,
            row.utc,
            row.turn,
            cell(&row.seat),
            cell(&row.what)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_cells_survive_markdown() {
        assert_eq!(code("get pods"), "`get pods`");
        assert_eq!(code("echo `x`"), "`` echo `x` ``");
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(times(720), ("+12m00s".to_owned(), "09:12:00".to_owned()));
    }
}
