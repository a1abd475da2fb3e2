//! The solo player's transcript: applied events as plain text lines, the `/status` panel and the
//! closing block. The console prints these as the room broadcasts, and `kombat replay` prints the
//! same from a journal, so both transcripts match line for line. Pure: strings in, strings out.

use std::fmt::Write as _;

use crate::game::score;
use crate::game::state::ConsoleEntry;
use crate::game::{Channel, Event, Game, HoldOff, Outcome, Phase, Severity, Stamped};
use crate::scenario::{Scenario, clock};

/// The lines shown for one batch of applied events; `outputs` are the console entries of the
/// batch's commands, in order. Empty when nothing in the batch is worth showing.
pub fn render(events: &[Stamped], outputs: &[ConsoleEntry], minutes_per_turn: u32) -> String {
    let mut outputs = outputs.iter();
    let mut lines: Vec<String> = Vec::new();
    for stamped in events {
        let line = match &stamped.event {
            Event::Chat { channel: Channel::Customer, from, text } => format!("[customer] {from}: {text}"),
            Event::Chat { channel: Channel::Team, from, text } => format!("[team] {from}: {text}"),
            Event::Command { line } => {
                let shown = line.strip_prefix("kubectl ").unwrap_or(line).trim_start();
                let mut text = format!("$ kubectl {shown}");
                if let Some(entry) = outputs.next()
                    && !entry.output.is_empty()
                {
                    text.push('\n');
                    text.push_str(entry.output.trim_end_matches('\n'));
                }
                text
            }
            Event::StatusUpdate { state, text } => format!("[status page] {}: {text}", capitalized(state.as_str())),
            Event::Severity(s) => format!("[severity] set to {}", severity(*s)),
            Event::HoldOffAsked => "[hold-off] asked the customer to hold off changes".to_owned(),
            Event::HoldOffAnswered { accepted: true } => {
                "[hold-off] the customer agreed to hold off changes".to_owned()
            }
            Event::HoldOffAnswered { accepted: false } => {
                "[hold-off] the customer refused to hold off changes".to_owned()
            }
            Event::RootCauseDeclared { option, correct: true } => format!("[root cause] declared {option}: correct"),
            Event::RootCauseDeclared { option, correct: false } => {
                format!("[root cause] declared {option}: that is not the root cause")
            }
            Event::Hint { tier, text } => format!("[hint {tier}/3] {text}"),
            Event::TurnEnded | Event::DialogueSaid { .. } => continue,
            Event::TurnAdvanced { turn } => {
                let now = stamped.second + i64::from(minutes_per_turn) * 60;
                format!("-- turn {turn}, incident time {} --", clock(now))
            }
            Event::Alert { title, firing: true, .. } => format!("[alert] FIRING: {title}"),
            Event::Alert { title, firing: false, .. } => format!("[alert] resolved: {title}"),
            Event::Mood { value } => format!("[mood] the customer's patience: {value}/100"),
            Event::ClueFound { text, .. } => format!("[clue] {text}"),
            Event::Mishap { id } => format!("[mishap] the customer changed the cluster ({id})"),
            Event::Inject { id } => format!("[inject] {id}"),
            Event::Rated { update, stars } => format!("[status page] update {} rated {stars}/5", update + 1),
            Event::Paused => "[game] paused".to_owned(),
            Event::Resumed => "[game] resumed".to_owned(),
            Event::Left { seat } => format!("[game] the {} left the game", seat.label()),
            Event::Ended(outcome) => format!("== {} ==", outcome_text(outcome)),
        };
        lines.push(line);
    }
    lines.join("\n")
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "SEV1",
        Severity::Sev2 => "SEV2",
        Severity::Sev3 => "SEV3",
        Severity::Sev4 => "SEV4",
    }
}

pub fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Won { turn } => format!("RESOLVED at turn {turn}: the root cause is fixed and service is healthy."),
        Outcome::Lost { turn, reason } => format!("LOST at turn {turn}: {reason}."),
        Outcome::Stopped { turn } => format!("STOPPED at turn {turn} by the game master."),
    }
}

/// The title lines both the console and the replay start with.
pub fn banner(scenario: &Scenario, seed: u64) -> String {
    format!("== {} ({}), seed {seed} ==\n{}\n", scenario.title, scenario.id, scenario.summary.trim_end())
}

/// What `/status` shows: turn, clock, budget and users' experience, alerts, the customer, action
/// points, clues and the win conditions.
pub fn status(game: &Game) -> String {
    let mut out = game.session.status();
    out.push('\n');
    let alerts: Vec<&str> =
        game.scenario().game.alerts.iter().filter(|a| game.alerts.contains(&a.id)).map(|a| a.title.as_str()).collect();
    let alerts = if alerts.is_empty() { "none".to_owned() } else { alerts.join("; ") };
    let _ = writeln!(out, "Alerts firing: {alerts}");
    let hold_off = match game.hold_off {
        HoldOff::NotAsked => "not asked to hold off changes",
        HoldOff::Asked => "asked to hold off changes",
        HoldOff::Accepted => "holding off changes",
        HoldOff::Refused => "refused to hold off changes",
    };
    let _ = writeln!(out, "Customer: {}, patience {}/100, {hold_off}", game.customer_name(), game.mood);
    for (seat, points) in &game.points {
        let _ = writeln!(out, "Action points left ({}): {points} of {}", seat.label(), game.points_per_turn());
    }
    let _ = writeln!(out, "Clues found: {} of {}", game.clues.len(), game.scenario().game.clues.len());
    let hints = game.scenario().game.hints.len().saturating_sub(usize::from(game.hints_given));
    let _ = write!(out, "Hints left: {hints}");
    if let Some((option, correct)) = &game.declared {
        let verdict = if *correct { "correct" } else { "not the root cause" };
        let _ = write!(out, "\nRoot cause declared: {option} ({verdict})");
    }
    if let Phase::Paused = game.phase {
        out.push_str("\nThe game is paused.");
    }
    out
}

/// The root-cause options, for `/declare` without an argument.
pub fn options(game: &Game) -> String {
    let options = &game.scenario().game.root_causes;
    if options.is_empty() {
        return "This scenario has no root-cause options.".to_owned();
    }
    let width = options.iter().map(|o| o.id.chars().count()).max().unwrap_or(0);
    let mut out = "Root-cause options (/declare ID):".to_owned();
    for o in options {
        let _ = write!(out, "\n  {:<width$}  {}", o.id, o.text);
    }
    out
}

/// The closing block: the outcome and the grade with its breakdown.
pub fn closing(game: &Game) -> String {
    let outcome = match &game.phase {
        Phase::Ended(o) => outcome_text(o),
        _ => format!("Left at turn {} before the incident was resolved.", game.turn()),
    };
    format!("\nOutcome: {outcome}\n{}", score::score(game).render_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{IncidentState, Seat};

    fn at(second: i64, event: Event) -> Stamped {
        Stamped { turn: 0, second, seat: Some(Seat::Liaison), event }
    }

    #[test]
    fn events_render_as_plain_lines() {
        let entry = ConsoleEntry {
            seat: Seat::Troubleshooter(0),
            line: "get ns".into(),
            output: "NAME\nshop\n".into(),
            ok: true,
        };
        let events = vec![
            at(0, Event::Chat { channel: Channel::Customer, from: "Dana".into(), text: "Help!".into() }),
            at(0, Event::Command { line: "kubectl get ns".into() }),
            at(0, Event::TurnEnded),
            at(0, Event::StatusUpdate { state: IncidentState::Identified, text: "Found it.".into() }),
            at(600, Event::TurnAdvanced { turn: 3 }),
            at(600, Event::Alert { id: "a".into(), title: "Errors".into(), firing: false }),
            at(600, Event::Ended(Outcome::Won { turn: 3 })),
        ];
        assert_eq!(
            render(&events, &[entry], 5),
            "[customer] Dana: Help!\n$ kubectl get ns\nNAME\nshop\n[status page] Identified: Found it.\n\
             -- turn 3, incident time +15m00s --\n[alert] resolved: Errors\n\
             == RESOLVED at turn 3: the root cause is fixed and service is healthy. =="
        );
        assert_eq!(render(&[at(0, Event::TurnEnded)], &[], 5), "");
    }
}
