//! What line mode answers by itself, from the newest views of the player's seats: `/status`, the
//! how to declare for `/declare`, and the closing block once the game is over. A solo player
//! holds two seats; their views are read together. Everything from a view is sanitized here,
//! since a remote view is a peer's text.

use std::fmt::Write as _;

use crate::game::text::{sanitize, sanitize_block};
use crate::game::view::{Board, Findings, Panel, RoleView};
use crate::game::words::{self, clock};
use crate::game::{HoldOff, Phase};

/// What `/status` shows.
pub fn status(views: &[RoleView], lobby_players: Option<usize>) -> String {
    let Some(first) = views.first() else {
        return match lobby_players {
            Some(n) => format!("In the lobby with {n} player(s); the game has not started."),
            None => "Waiting for the game to start.".to_owned(),
        };
    };
    let mut out = format!("{}, incident time {}", words::turn_label(first.turn, first.turn_limit), clock(first.second));
    match &first.phase {
        Phase::Paused => out.push_str(" (paused)"),
        Phase::Ended(_) => out.push_str(" (over)"),
        Phase::Closing => out.push_str(" (closing turn: service restored; post a resolved update, then end the turn)"),
        Phase::Lobby | Phase::Playing => {}
    }
    if let Some(board) = views.iter().find_map(|v| board(&v.panel)) {
        let _ = write!(out, "\nError budget left: {:.1}%", board.budget_left * 100.0);
        let alerts: Vec<String> = board.alerts.iter().map(|a| sanitize(&a.title)).collect();
        let alerts = if alerts.is_empty() { "none".to_owned() } else { alerts.join("; ") };
        let _ = write!(out, "\nAlerts firing: {alerts}");
        if let Some(state) = board.incident_state {
            let _ = write!(out, "\nStatus page: {}", state.as_str());
        }
        if let Some(s) = board.severity {
            let _ = write!(out, "\nSeverity: {}", words::severity(s));
        }
    }
    if let Some((name, mood, hold_off)) = views.iter().find_map(|v| customer(&v.panel)) {
        let _ = write!(out, "\nCustomer: {}, patience {mood}/100, {}", sanitize(name), hold_off_text(hold_off));
    }
    for view in views {
        // A player with one seat needs no seat named; the solo player has two.
        let whose = if views.len() > 1 { format!(" ({})", view.seat.label()) } else { String::new() };
        if let Some(points) = view.points_left {
            let _ = write!(out, "\nAction points left{whose}: {points}");
        }
        if view.seat.is_responder() {
            let _ = write!(out, "\nTurn ended{whose}: {}", if view.ended_turn { "yes" } else { "no" });
        }
    }
    if let Some(f) = views.iter().find_map(|v| findings(&v.panel)) {
        let _ = write!(out, "\nDifficulty: {}", f.difficulty);
        let _ = write!(out, "\nFindings: {} (/findings lists them)\nHints left: {}", f.clues.len(), f.hints_left);
        if let Some(option) = &f.declared {
            let _ = write!(out, "\nRoot cause declared: {}", sanitize(option));
        }
    }
    if !first.waiting.is_empty() {
        let waiting: Vec<String> = first.waiting.iter().map(|s| s.label()).collect();
        let _ = write!(out, "\nThe turn waits for: {}", waiting.join(", "));
    }
    let table: Vec<String> =
        first.table.iter().map(|s| format!("{} ({})", sanitize(&s.name), s.seat.label())).collect();
    let _ = write!(out, "\nAt the table: {}", table.join(", "));
    out
}

/// `/declare` alone: how to declare, the failure classes, and the multiple-choice options where
/// the seat's view offers them (easy difficulty, or the game master).
pub fn options(views: &[RoleView]) -> String {
    let mut out = super::lines::declare_help();
    let offered = offered_options(views);
    if !offered.is_empty() {
        out.push('\n');
        out.push_str(&offered);
    }
    out
}

/// The multiple-choice options a view offers, or nothing.
fn offered_options(views: &[RoleView]) -> String {
    let options: Vec<(String, String)> = views
        .iter()
        .find_map(|v| match &v.panel {
            Panel::GameMaster(p) => Some(p.root_causes.iter().map(|o| (o.id.clone(), o.text.clone())).collect()),
            panel => findings(panel).map(|f| f.root_causes.iter().map(|o| (o.id.clone(), o.text.clone())).collect()),
        })
        .unwrap_or_default();
    if options.is_empty() {
        return String::new();
    }
    let width = options.iter().map(|(id, _)| id.chars().count()).max().unwrap_or(0);
    let mut out = "Or choose an option (/declare ID):".to_owned();
    for (id, text) in options {
        let _ = write!(out, "\n  {:<width$}  {}", sanitize(&id), sanitize(&text));
    }
    out
}

/// The outcome and the grade with its breakdown, once a view brings the debrief.
pub fn closing(views: &[RoleView]) -> Option<String> {
    let debrief = views.iter().find_map(|v| v.debrief.as_deref())?;
    Some(format!(
        "\nOutcome: {}\n{}{}",
        sanitize(&words::outcome_text(&debrief.outcome)),
        crate::cli::transcript::lessons_line(&debrief.lessons),
        sanitize_block(&debrief.score.render_text())
    ))
}

/// `/score`: the grade once the incident is over.
pub fn score(views: &[RoleView]) -> String {
    match views.iter().find_map(|v| v.debrief.as_deref()) {
        Some(debrief) => sanitize_block(&debrief.score.render_text()),
        None => "The score is worked out from what the team did, at the end of the incident; \
                 the debrief shows it with every reason."
            .to_owned(),
    }
}

/// `/findings`: each of the player's seats' findings, numbered as `/share N` names them, each
/// fact with where it came from and whether the whole team has it.
pub fn findings_list(views: &[RoleView]) -> String {
    let mut out = String::new();
    for view in views {
        let Some(f) = findings(&view.panel) else { continue };
        let whose = if views.len() > 1 { format!(" ({})", view.seat.label()) } else { String::new() };
        if !out.is_empty() {
            out.push('\n');
        }
        if f.clues.is_empty() {
            let _ = write!(out, "No findings yet{whose}.");
            continue;
        }
        let _ = write!(out, "Findings{whose}:");
        for (n, clue) in f.clues.iter().enumerate() {
            let shared = if clue.shared { ", shared with the team" } else { "" };
            let _ =
                write!(out, "\n  {}. {}\n     {}{shared}", n + 1, words::one_line(&clue.fact), sanitize(&clue.source));
        }
    }
    if out.is_empty() { "Only the liaison and the troubleshooters hold findings.".to_owned() } else { out }
}

fn board(panel: &Panel) -> Option<&Board> {
    match panel {
        Panel::Troubleshooter(p) => Some(&p.board),
        Panel::Liaison(p) => Some(&p.board),
        Panel::GameMaster(p) => Some(&p.board),
        Panel::Spectator(b) => Some(b),
        Panel::Customer(_) => None,
    }
}

fn findings(panel: &Panel) -> Option<&Findings> {
    match panel {
        Panel::Troubleshooter(p) => Some(&p.findings),
        Panel::Liaison(p) => Some(&p.findings),
        _ => None,
    }
}

fn customer(panel: &Panel) -> Option<(&str, u32, HoldOff)> {
    match panel {
        Panel::Liaison(p) => Some((&p.customer, p.mood, p.hold_off)),
        Panel::GameMaster(p) => Some((&p.customer.name, p.customer.mood, p.customer.hold_off)),
        _ => None,
    }
}

fn hold_off_text(hold_off: HoldOff) -> &'static str {
    match hold_off {
        HoldOff::NotAsked => "not asked to hold off changes",
        HoldOff::Asked => "asked to hold off changes",
        HoldOff::Accepted => "holding off changes",
        HoldOff::Refused => "refused to hold off changes",
    }
}
