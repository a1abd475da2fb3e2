//! The postmortem's timeline: every command, message, status update, inject, alert and state
//! change from the game's log, with incident time, the UTC clock, the turn and the seat.
//! Left out: a seat marking itself done with a turn (the turn's start is listed) and the
//! scripted customer's bookkeeping of which line it said (the line itself is listed).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::super::event::{Channel, Event, Outcome, Stamped};
use super::super::score::{author, display_name};
use super::super::seat::Seat;
use super::super::state::Game;
use crate::scenario::clock;
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

/// Inline code that survives backticks in the text.
pub fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    if longest > 0 { format!("{ticks} {text} {ticks}") } else { format!("{ticks}{text}{ticks}") }
}

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

/// What happened, in words.
fn describe(game: &Game, stamped: &Stamped, console: Option<(bool, &str)>) -> String {
    match &stamped.event {
        Event::Chat { channel, from, text } => {
            let which = match channel {
                Channel::Team => "Team chat",
                Channel::Customer => "Customer chat",
            };
            format!("{which}, {from}: {text}")
        }
        Event::Command { line } => {
            let mut out = format!("Command {}", code(line));
            if let Some((false, output)) = console {
                let first = output.lines().next().unwrap_or_default();
                let short: String = first.chars().take(120).collect();
                let _ = write!(out, " (not carried out: {short})");
            }
            out
        }
        Event::StatusUpdate { state, text } => format!("Status update ({}): {text}", state.as_str()),
        Event::Severity(s) => format!("Severity set to {}", format!("{s:?}").to_uppercase()),
        Event::HoldOffAsked => "The customer was asked to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: true } => "The customer agreed to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: false } => "The customer declined to hold off changes".to_owned(),
        Event::RootCauseDeclared { option, correct } => {
            let text =
                game.scenario().game.root_causes.iter().find(|o| &o.id == option).map_or("", |o| o.text.as_str());
            let verdict = if *correct { "the root cause" } else { "not the root cause" };
            format!("Root cause declared: {} ({text}): {verdict}", code(option))
        }
        Event::Hint { tier, text } => format!("Hint (tier {tier}): {text}"),
        Event::TurnEnded => "Turn ended".to_owned(),
        Event::TurnAdvanced { turn } => format!("Turn {turn} begins"),
        Event::Alert { title, firing: true, .. } => format!("Alert firing: {title}"),
        Event::Alert { title, firing: false, .. } => format!("Alert cleared: {title}"),
        Event::Mood { value } => format!("Customer mood now {value}/100"),
        Event::ClueFound { text, .. } => format!("Clue found: {text}"),
        Event::DialogueSaid { line } => format!("Customer line {line} said"),
        Event::Mishap { id } => format!("Customer-side change during the incident: {}", code(id)),
        Event::Inject { id } => format!("Inject {}", code(id)),
        Event::Rated { update, stars } => format!("Status update #{} rated {stars}/5", update + 1),
        Event::Paused => "Game paused".to_owned(),
        Event::Resumed => "Game resumed".to_owned(),
        Event::Left { seat } => format!("The {} left the game", seat.label()),
        Event::Ended(Outcome::Won { .. }) => "Incident resolved".to_owned(),
        Event::Ended(Outcome::Lost { reason, .. }) => format!("Incident lost: {reason}"),
        Event::Ended(Outcome::Stopped { .. }) => "Exercise stopped by the game master".to_owned(),
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
    let mut out = Vec::new();
    let mut commands = 0;
    let turn_seconds = i64::from(game.scenario().minutes_per_turn) * 60;
    for stamped in &game.log {
        let console = if matches!(stamped.event, Event::Command { .. }) {
            commands += 1;
            game.console.get(commands - 1).map(|c| (c.ok, c.output.as_str()))
        } else {
            None
        };
        if matches!(stamped.event, Event::TurnEnded | Event::DialogueSaid { .. }) {
            continue;
        }
        // A turn's start is stamped when the last responder ended the turn before; list it
        // at the moment it begins.
        let (second, turn) = match stamped.event {
            Event::TurnAdvanced { turn } => (stamped.second + turn_seconds, turn),
            _ => (stamped.second, stamped.turn),
        };
        let (incident, utc) = times(second);
        out.push(Row { incident, utc, turn, seat: actor(game, stamped), what: describe(game, stamped, console) });
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
