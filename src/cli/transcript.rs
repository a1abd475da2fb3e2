//! The solo player's transcript: applied events as plain text lines, the `/status` panel and the
//! closing block. The console prints these as the room broadcasts, and `kombat replay` prints the
//! same from a journal, so both transcripts match line for line. Pure: strings in, strings out.

use std::fmt::Write as _;

use crate::game::score;
use crate::game::words::{self, Audience, Context};
use crate::game::{Game, HoldOff, Phase, Stamped};
use crate::scenario::Scenario;

/// The lines shown for one batch of applied events, in the solo player's words. Empty when
/// nothing in the batch is for the player to see.
pub fn render(events: &[Stamped]) -> String {
    let lines: Vec<String> =
        events.iter().filter_map(|stamped| words::event(stamped, Audience::Solo, Context::default())).collect();
    lines.join("\n")
}

pub use crate::game::outcome_text;

/// The title lines both the console and the replay start with.
pub fn banner(scenario: &Scenario, seed: u64) -> String {
    format!("== {} ({}), seed {seed} ==\n{}\n", scenario.title, scenario.id, scenario.summary.trim_end())
}

/// What `/status` shows: turn, clock, budget and users' experience, alerts, the customer, action
/// points and how many findings the team has. Never the win conditions, nor how many clues the
/// scenario hides: that is for the debrief.
pub fn status(game: &Game) -> String {
    let mut out = game.world.status();
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
    let _ = writeln!(out, "Findings: {}", game.clues.len());
    let hints = game.scenario().game.hints.len().saturating_sub(usize::from(game.hints_given));
    let _ = write!(out, "Hints left: {hints}");
    // What was declared, never whether it is right: that is the debrief's.
    if let Some((declared, _)) = &game.declared {
        let _ = write!(out, "\nRoot cause declared: {declared}");
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
        _ => format!("Left at turn {} before the incident was resolved.", words::turn_of_play(game.turn())),
    };
    let lessons = lessons_line(&game.scenario().lessons);
    format!("\nOutcome: {outcome}\n{lessons}{}", score::score(game).render_text())
}

/// `Lessons: dns, rogue-actor` for the closing block, once the game is over; nothing when the
/// scenario names none.
pub fn lessons_line(lessons: &[String]) -> String {
    if lessons.is_empty() {
        String::new()
    } else {
        format!("Lessons: {}\n", crate::game::text::sanitize(&lessons.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Channel, Event, IncidentState, Outcome, Seat, TurnSample};

    fn at(second: i64, event: Event) -> Stamped {
        Stamped { turn: 0, second, seat: Some(Seat::Liaison), event }
    }

    #[test]
    fn events_render_as_plain_lines() {
        let sample = TurnSample { turn: 3, second: 900, error_rate: 0.0, budget_left: 1.0 };
        let events = vec![
            at(0, Event::Chat { channel: Channel::Customer, from: "Dana".into(), text: "Help!".into() }),
            at(
                0,
                Event::Command {
                    line: "kubectl get ns".into(),
                    output: "NAME\nshop\n".into(),
                    ok: true,
                    cost: 1,
                    changes: Vec::new(),
                },
            ),
            at(0, Event::TurnEnded),
            at(0, Event::StatusUpdate { state: IncidentState::Identified, text: "Found it.".into() }),
            at(600, Event::TurnAdvanced { turn: 3, sample, points: 4, entrypoints: Vec::new() }),
            at(600, Event::Alert { id: "a".into(), title: "Errors".into(), firing: false }),
            at(600, Event::Ended(Outcome::Won { turn: 3 })),
        ];
        assert_eq!(
            render(&events),
            "[customer] Dana: Help!\n$ kubectl get ns\nNAME\nshop\n[status page] Identified: Found it.\n\
             -- turn 3 ends, incident time +15m00s --\n[alert] resolved: Errors\n\
             == RESOLVED at turn 3: the root cause is fixed and service is healthy. =="
        );
        assert_eq!(render(&[at(0, Event::TurnEnded)]), "");
    }
}
