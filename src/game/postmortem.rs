//! The debrief as a blameless Markdown postmortem, built from the game's events and the
//! scenario's postmortem material: summary, impact, a timeline of everything that happened, root
//! cause and contributing factors, what went well and what to improve (from the score), and
//! action items. Summary, impact and resolution are written from the log (`story`): when users
//! started failing (the first fault, before the team was called) and stopped, the changes that
//! fixed it and who made them, what was tried, and whether it was resolved or lost. The scenario's
//! text is background only (its `postmortem.summary`, root cause, factors and action items). Deterministic: the date and times come from incident time
//! (`sim::cluster::timestamp`), never from a clock, so the same game always renders the same text.
//!
//! Blameless: the text says what happened and what the system allowed, naming seats only to
//! place events in time, never as the subject of a failure.

mod impact;
pub mod story;
pub mod timeline;

use std::fmt::Write as _;

use super::event::Event;
use super::score::{self, Score};
use super::state::Game;
use crate::game::clock;
use crate::sim::cluster::timestamp;

pub use super::state::Sample;
pub use impact::samples;
pub use timeline::code;

/// The postmortem in Markdown, made safe as a whole: it quotes the scenario's title, alerts and
/// root causes, which come from a file, and a postmortem is read with `cat` as often as in an
/// editor (ARCHITECTURE.md, "Untrusted text").
pub fn render(game: &Game, score: &Score) -> String {
    super::text::sanitize_block(&render_raw(game, score))
}

fn render_raw(game: &Game, score: &Score) -> String {
    let scenario = game.scenario();
    let start = timestamp(0);
    let date = start.get(..10).unwrap_or(&start);
    let mut out = format!("# Postmortem: {} ({date})\n\n", scenario.title.trim());
    let _ = writeln!(
        out,
        "Scenario {}, seed {}. Blameless format: it describes what happened and what the system allowed, not who is at fault. \
         Times are incident time from {start}, with the UTC clock beside them.\n",
        code(&scenario.id),
        game.world.cluster.seed
    );
    summary(&mut out, game, score);
    impact_section(&mut out, game);
    out.push_str("## Timeline\n\n");
    out.push_str(&timeline::render(game));
    root_cause(&mut out, game);
    learnings(&mut out, score);
    out.push_str("\n## Action items\n\n");
    let items = &scenario.game.postmortem.action_items;
    if items.is_empty() {
        out.push_str("The scenario lists no action items.\n");
    }
    for item in items {
        let _ = writeln!(out, "- [ ] {}", one_line(item));
    }
    out.push_str("\n## Score\n\n");
    let text = score.render_text();
    let fence = "~".repeat(longest_run(&text, '~').max(2) + 1);
    let _ = writeln!(out, "{fence}text\n{text}\n{fence}");
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn summary(out: &mut String, game: &Game, score: &Score) {
    let _ = writeln!(out, "## Summary\n\n{}\n", story::of(game).render(game));
    let _ = writeln!(
        out,
        "The response was graded {} ({} of {} points; breakdown below).\n",
        score.grade.as_str(),
        score.total,
        score.max
    );
    let background = &game.scenario().game.postmortem.summary;
    if !background.trim().is_empty() {
        let _ = writeln!(out, "Background: {}\n", one_line(background));
    }
}

/// The summary the debrief shows: the story of this game, then the scenario's background.
pub fn summary_text(game: &Game) -> String {
    let mut text = story::of(game).render(game);
    let background = &game.scenario().game.postmortem.summary;
    if !background.trim().is_empty() {
        let _ = write!(text, "\n\nBackground: {}", one_line(background));
    }
    text
}

fn impact_section(out: &mut String, game: &Game) {
    let end = score::end_second(game);
    let (start_budget, left) = score::budget_figures(game);
    let story = story::of(game);
    let since = story.failing_since.min(end);
    out.push_str("## Impact\n\n");
    let _ = writeln!(
        out,
        "- Duration: {}, from the first fault at {} to the end at {}; the team was called at {}.",
        clock(end - since).trim_start_matches('+'),
        timestamp(since),
        timestamp(end),
        timestamp(0)
    );
    match story.recovered.filter(|back| *back <= end) {
        Some(back) => {
            let _ = writeln!(
                out,
                "- Users failing: from {} to {} ({}).",
                timestamp(since),
                timestamp(back),
                clock(back - since).trim_start_matches('+')
            );
        }
        None => {
            let _ = writeln!(out, "- Users failing: from {} and still at the end.", timestamp(since));
        }
    }
    let _ = writeln!(
        out,
        "- Error budget: {:.1}% left at the start, {:.1}% at the end ({:.1} points of the {}-day budget burned).",
        start_budget * 100.0,
        left * 100.0,
        (start_budget - left).max(0.0) * 100.0,
        game.scenario().slo.window_days
    );
    let severity = game.log.iter().rev().find_map(|s| match s.event {
        Event::Severity(sev) => Some((sev, s.second)),
        _ => None,
    });
    match severity {
        Some((sev, second)) => {
            let _ = writeln!(out, "- Severity: {} (last set at {}).", super::words::severity(sev), clock(second));
        }
        None => out.push_str("- Severity: not set.\n"),
    }
    let alerts: Vec<String> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::Alert { title, firing, .. } => {
                Some(format!("{} {} at {}", title, if *firing { "fired" } else { "cleared" }, clock(s.second)))
            }
            _ => None,
        })
        .collect();
    if alerts.is_empty() {
        out.push_str("- Alerts: none fired.\n");
    } else {
        let _ = writeln!(out, "- Alerts: {}.", alerts.join("; "));
    }
    let reported = game.log.iter().find_map(|s| match &s.event {
        Event::Chat { channel: super::event::Channel::Customer, text, .. }
            if score::author(game, s).is_none_or(|a| !a.is_responder()) =>
        {
            Some(text.as_str())
        }
        _ => None,
    });
    if let Some(text) = reported {
        let _ = writeln!(out, "- The customer reported: \"{}\"", one_line(text));
    }
    out.push_str("\nWhat users saw:\n\n");
    out.push_str(&impact::render(game));
    out.push_str("\n\n");
}

fn root_cause(out: &mut String, game: &Game) {
    let layer = &game.scenario().game;
    out.push_str("\n## Root cause\n\n");
    if !layer.postmortem.root_cause.trim().is_empty() {
        let _ = writeln!(out, "{}\n", one_line(&layer.postmortem.root_cause));
    }
    let correct: Vec<String> = layer
        .root_causes
        .iter()
        .filter(|o| o.correct)
        .map(|o| format!("{} ({})", code(&o.id), one_line(&o.text)))
        .collect();
    let causes: Vec<String> = layer.all_causes().iter().map(|c| one_line(&c.to_string())).collect();
    if !causes.is_empty() {
        let _ = writeln!(out, "In the failure taxonomy: {}.\n", causes.join("; and "));
    }
    if !correct.is_empty() {
        let _ = writeln!(out, "The matching option: {}.\n", correct.join(", or "));
    }
    let declared: Vec<String> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::RootCauseDeclared { option, correct } => Some(format!(
                "- {} at {} by {}: {}",
                code(option),
                clock(s.second),
                s.seat.map_or_else(|| "the team".to_owned(), |seat| timeline::seat_label(game, seat)),
                if *correct { "the root cause" } else { "a hypothesis that was ruled out" }
            )),
            Event::CauseDeclared { declaration, verdict } => Some(format!(
                "- {} at {} by {}: {}% right",
                one_line(&declaration.to_string()),
                clock(s.second),
                s.seat.map_or_else(|| "the team".to_owned(), |seat| timeline::seat_label(game, seat)),
                verdict.as_ref().map_or(0, super::cause::Verdict::credit)
            )),
            _ => None,
        })
        .collect();
    if declared.is_empty() {
        out.push_str("No root cause was declared during the game.\n");
    } else {
        out.push_str("Declared during the game:\n\n");
        for line in declared {
            let _ = writeln!(out, "{line}");
        }
    }
    out.push_str("\n### Contributing factors\n\n");
    for factor in &layer.postmortem.contributing_factors {
        let _ = writeln!(out, "- {}", one_line(factor));
    }
    for (i, s) in game.log.iter().enumerate() {
        if let Event::Mishap { id } = &s.event {
            let said =
                layer.customer.npc.mishaps.iter().find(|m| &m.id == id).map(|m| format!(" (\"{}\")", one_line(&m.say)));
            let held = game.log[..i].iter().rev().find_map(|e| match e.event {
                Event::HoldOffAnswered { accepted } => Some(accepted),
                _ => None,
            });
            let hold = if held == Some(true) {
                "even though a hold-off on changes had been agreed"
            } else {
                "no hold-off on changes was in place"
            };
            let _ = writeln!(
                out,
                "- During the incident the customer made a change of their own at {}: {}{}; {hold}.",
                clock(s.second),
                code(id),
                said.unwrap_or_default()
            );
        }
    }
    if layer.postmortem.contributing_factors.is_empty()
        && !game.log.iter().any(|s| matches!(s.event, Event::Mishap { .. }))
    {
        out.push_str("The scenario lists none.\n");
    }
}

fn learnings(out: &mut String, score: &Score) {
    let scored = || score.parts.iter().filter(|p| p.max > 0);
    out.push_str("\n## What went well\n\n");
    let well: Vec<_> = scored().filter(|p| p.went_well()).collect();
    if well.is_empty() {
        out.push_str("Nothing scored three quarters of its points this time; see below.\n");
    }
    for p in well {
        let _ = writeln!(out, "- {} ({}/{}): {}", p.name, p.points, p.max, p.detail);
    }
    out.push_str("\n## What to improve\n\n");
    let improve: Vec<_> = scored().filter(|p| !p.went_well()).collect();
    if improve.is_empty() {
        out.push_str("Every part of the response scored three quarters of its points or more.\n");
    }
    for p in improve {
        let _ = writeln!(out, "- {} ({}/{}): {}", p.name, p.points, p.max, p.detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Action, Seat};

    fn game() -> Game {
        let Some(Ok(s)) = crate::scenario::builtin(crate::scenario::DEFAULT_ID) else { panic!("default scenario") };
        let Ok(mut g) = Game::new(s, 7) else { panic!("builds") };
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Troubleshooter(0), "Tam");
        g.start();
        g
    }

    #[test]
    fn the_replay_passes_through_the_same_states() {
        let mut g = game();
        let fix = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";
        g.act(Seat::Troubleshooter(0), &Action::Command(fix.into())).expect("ok");
        for _ in 0..2 {
            g.act(Seat::Liaison, &Action::EndTurn).expect("ok");
            g.act(Seat::Troubleshooter(0), &Action::EndTurn).expect("ok");
        }
        let samples = samples(&g);
        assert_eq!(samples.len(), 3, "the start and two turns");
        assert_eq!(samples[0].second, 0);
        assert!(samples[0].results.iter().any(|r| r.success < 0.5), "the storefront is down at the start");
        let last = samples.last().expect("samples");
        assert_eq!(last.second, g.second());
        assert_eq!(last.results, g.world.cluster.traffic().results);
    }

    #[test]
    fn the_postmortem_has_every_section_in_order() {
        let mut g = game();
        g.act(
            Seat::Liaison,
            &Action::CustomerChat("We see the errors on the Storefront. Next update in 10 minutes.".into()),
        )
        .expect("ok");
        let text = render(&g, &score::score(&g));
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                "# Postmortem: Friday afternoon release (2026-11-22)",
                "## Summary",
                "## Impact",
                "## Timeline",
                "## Root cause",
                "### Contributing factors",
                "## What went well",
                "## What to improve",
                "## Action items",
                "## Score",
            ]
        );
        assert!(text.contains("| +0m00s | 09:00:00 | 1 | liaison (Lee) | Customer chat, Lee: We see the errors on the Storefront. Next update in 10 minutes. |"), "{text}");
        assert!(
            text.contains(
                "| +0m00s | 09:00:00 | 1 | customer (scripted) | Customer chat, Dana (Shop team): Hi, this is Dana"
            ),
            "{text}"
        );
        assert!(text.contains("The incident was still open at +0m00s (turn 1)"));
        assert!(text.contains("- [ ] Verify in CI that the image exists before deploying."));
        assert!(!text.contains("failed to"), "blameless wording");
    }
}
