//! The debrief score: how fast the customer heard from the team, how fast the cause was named and
//! fixed, what the incident cost (error budget, the customer's patience, collateral damage), how
//! the liaison communicated (cadence, no fix-time promises, impact in the customer's terms, a
//! workaround where one exists) and how many hints were needed. Every part carries its points and
//! the reason for them; the grade always comes with that breakdown, never as a bare number.
//!
//! Computed purely from the game's event log, its status page and the session (cluster, error
//! budget, scenario). Times are incident seconds.
//!
//! Deeds, not strings: collateral damage is judged on what the team's commands changed
//! (`collateral`), any change that made the win conditions hold is a fix, and stopping a rogue
//! actor is credited. Only hints the team asked for cost; the game master's unasked ones do not.
//! A team that does nothing earns nothing: every part scores 0 and the grade is F, so absence of
//! harm is never mistaken for a good response. A resolved incident is scored on its closing turn
//! too: a resolved update after recovery and no stakeholder question left open.
//!
//! A workaround "exists" when the scenario's postmortem material (summary, root cause,
//! contributing factors, action items) mentions one ("workaround", "in the meantime"); it is
//! "offered" when a liaison message or status update says "workaround" or "in the meantime". A
//! scenario without one does not score that part (its maximum is 0).

mod collateral;
mod liaison;

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use collateral::{Deed, Incident};
pub use liaison::{offers_workaround, promises_eta, states_impact};

use super::action::IncidentState;
use super::cause::Verdict;
use super::event::{Channel, Event, Outcome, Stamped};
use super::seat::Seat;
use super::state::Game;
use crate::game::clock;
use crate::scenario::Scenario;

/// A letter grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }

    /// The grade for a share of the points, in percent.
    fn from_percent(percent: u32) -> Grade {
        match percent {
            90.. => Grade::A,
            80..=89 => Grade::B,
            65..=79 => Grade::C,
            50..=64 => Grade::D,
            _ => Grade::F,
        }
    }
}

/// One scored aspect of the response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub points: u32,
    /// 0 when the part does not apply to this scenario.
    pub max: u32,
    /// Why these points, in words.
    pub detail: String,
}

impl Part {
    fn new(name: &str, points: u32, max: u32, detail: impl Into<String>) -> Part {
        Part { name: name.to_owned(), points: points.min(max), max, detail: detail.into() }
    }

    /// Whether this part went well (three quarters of its points or more).
    pub fn went_well(&self) -> bool {
        self.max > 0 && self.points * 4 >= self.max * 3
    }
}

/// The grade with its breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub grade: Grade,
    pub total: u32,
    pub max: u32,
    pub parts: Vec<Part>,
    /// Why the grade is lower than the points alone would give, if it is.
    pub note: Option<String>,
}

/// The best grade an incident that was not resolved can get.
const UNRESOLVED_CAP: Grade = Grade::D;

impl Score {
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The score for the console: grade, points and every part with its reason.
    pub fn render_text(&self) -> String {
        let percent = percent(self.total, self.max);
        let mut out = format!("Grade {}: {} of {} points ({percent}%)\n", self.grade.as_str(), self.total, self.max);
        let width = self.parts.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
        for p in &self.parts {
            let points = if p.max == 0 { "n/a".to_owned() } else { format!("{}/{}", p.points, p.max) };
            let _ = writeln!(out, "  {:<width$}  {points:>5}  {}", p.name, p.detail);
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "{note}");
        }
        out.pop();
        out
    }
}

fn percent(total: u32, max: u32) -> u32 {
    (total * 100).checked_div(max).unwrap_or(100)
}

/// The names of the parts, in order.
pub const FIRST_RESPONSE: &str = "First customer response";
pub const ROOT_CAUSE: &str = "Root cause";
pub const RESOLUTION: &str = "Resolution";
pub const BUDGET: &str = "Error budget";
pub const SATISFACTION: &str = "Customer satisfaction";
pub const CADENCE: &str = "Update cadence";
pub const NO_ETA: &str = "No fix-time promises";
pub const IMPACT: &str = "Impact in the customer's terms";
pub const WORKAROUND: &str = "Workaround offered";
pub const COLLATERAL: &str = "Collateral damage";
pub const MISHAPS: &str = "Customer mishaps prevented";
pub const HINTS: &str = "Hints";
pub const CLOSING: &str = "Closed with the customer";

/// Scores a game (finished or not).
pub fn score(game: &Game) -> Score {
    let parts = vec![
        first_response(game),
        root_cause(game),
        resolution(game),
        budget(game),
        satisfaction(game),
        cadence(game),
        no_eta(game),
        impact(game),
        workaround(game),
        collateral_damage(game),
        mishaps(game),
        hints(game),
        closing(game),
    ];
    let responded = responded(game);
    let parts: Vec<Part> = if responded {
        parts
    } else {
        // Nothing the team did earned these: no harm done and no promise broken by a team that
        // did nothing is not a good response.
        parts
            .into_iter()
            .map(|p| {
                if p.points == 0 {
                    return p;
                }
                Part { points: 0, detail: format!("{} (not credited: the team did nothing)", p.detail), ..p }
            })
            .collect()
    };
    let total = parts.iter().map(|p| p.points).sum();
    let max = parts.iter().map(|p| p.max).sum();
    let by_points = Grade::from_percent(percent(total, max));
    let resolved = matches!(ending(game), Some((_, Outcome::Won { .. })));
    let (grade, note) = if !responded {
        (Grade::F, Some("Nobody on the team did anything: a team that does nothing fails.".to_owned()))
    } else if !resolved && by_points < UNRESOLVED_CAP {
        let note = format!(
            "The points alone would give {}; an unresolved incident grades {} at best.",
            by_points.as_str(),
            UNRESOLVED_CAP.as_str()
        );
        (UNRESOLVED_CAP, Some(note))
    } else {
        (by_points, None)
    };
    Score { grade, total, max, parts, note }
}

/// Whether the team did anything at all: a responder wrote, ran a command, posted an update, set
/// the severity, asked for a hold-off or declared a cause. Ending turns, taking hints and leaving
/// are not a response.
pub fn responded(game: &Game) -> bool {
    game.log.iter().any(|s| {
        let deed = match &s.event {
            Event::Chat { .. } => author(game, s).is_some(),
            Event::Command { .. }
            | Event::StatusUpdate { .. }
            | Event::Severity(_)
            | Event::HoldOffAsked
            | Event::RootCauseDeclared { .. }
            | Event::CauseDeclared { .. }
            | Event::FindingShared { .. } => true,
            // Ending turns (and what a turn's end brings, stamped with the seat that ended it
            // last), hints and leaving are not a response.
            _ => false,
        };
        deed && s.seat.is_some_and(Seat::is_responder)
    })
}

/// How often the customer expects news, in minutes: every `patience.idle_turns` turns (after that
/// many turns without news they nag). One source for the score's cadence and the ready-made
/// status updates, which promise the next one in this many minutes.
pub fn update_interval_minutes(scenario: &Scenario) -> u32 {
    scenario.game.customer.npc.patience.idle_turns.max(1).saturating_mul(scenario.minutes_per_turn.max(1))
}

/// The name a seat writes under.
pub fn display_name(game: &Game, seat: Seat) -> String {
    game.seats.get(&seat).cloned().unwrap_or_else(|| seat.label())
}

/// The seat that wrote a chat message. Follow-ups (the scripted customer's answer, a visitor)
/// carry the seat whose action caused them, so the author is only that seat if the names match.
pub fn author(game: &Game, stamped: &Stamped) -> Option<Seat> {
    let Event::Chat { from, .. } = &stamped.event else { return None };
    stamped.seat.filter(|s| display_name(game, *s) == *from)
}

/// Messages and status updates the customer received from the responders or the game master, as
/// (incident second, text).
pub fn liaison_texts(game: &Game) -> Vec<(i64, &str)> {
    game.log
        .iter()
        .filter_map(|s| match &s.event {
            Event::Chat { channel: Channel::Customer, text, .. }
                if author(game, s).is_some_and(|a| a.is_responder() || a == Seat::GameMaster) =>
            {
                Some((s.second, text.as_str()))
            }
            Event::StatusUpdate { text, .. } => Some((s.second, text.as_str())),
            _ => None,
        })
        .collect()
}

/// When and how the game ended.
pub fn ending(game: &Game) -> Option<(i64, &Outcome)> {
    // Views ask after every action; a game that has not ended need not search its log.
    if !matches!(game.phase, crate::game::Phase::Ended(_)) {
        return None;
    }
    game.log.iter().rev().find_map(|s| if let Event::Ended(o) = &s.event { Some((s.second, o)) } else { None })
}

/// The incident's length so far: to its end, or to now.
pub fn end_second(game: &Game) -> i64 {
    ending(game).map_or(game.second(), |(s, _)| s)
}

/// The time the scenario allows before it is lost.
fn time_limit(game: &Game) -> i64 {
    let s = game.scenario();
    (i64::from(s.turn_limit) * i64::from(s.minutes_per_turn) * 60).max(60)
}

/// Full points within a quarter of the time limit, then three quarters, half, a quarter.
fn speed_points(second: i64, limit: i64, max: u32) -> u32 {
    let limit = limit.max(1);
    let quarters = (second.max(0).saturating_mul(4).saturating_add(limit - 1) / limit).clamp(1, 4);
    match quarters {
        1 => max,
        2 => max * 3 / 4,
        3 => max / 2,
        _ => max / 4,
    }
}

fn first_response(game: &Game) -> Part {
    const MAX: u32 = 10;
    let Some((second, _)) = liaison_texts(game).into_iter().next() else {
        return Part::new(FIRST_RESPONSE, 0, MAX, "the customer received no message or status update");
    };
    let points = match second {
        ..=300 => MAX,
        301..=600 => 7,
        601..=1200 => 4,
        _ => 2,
    };
    Part::new(
        FIRST_RESPONSE,
        points,
        MAX,
        format!("first word to the customer at {} (full points within 5 minutes)", clock(second)),
    )
}

fn root_cause(game: &Game) -> Part {
    let structured: Vec<(i64, &Verdict)> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::CauseDeclared { verdict: Some(verdict), .. } => Some((s.second, verdict)),
            _ => None,
        })
        .collect();
    if structured.is_empty() { root_cause_by_option(game) } else { root_cause_declared(game, &structured) }
}

/// Declarations in the taxonomy's terms: each of the scenario's causes earns the best credit any
/// declaration got for it, at the speed of the declaration that earned it; every declaration
/// with nothing right (neither class nor object) costs 2 points.
fn root_cause_declared(game: &Game, declared: &[(i64, &Verdict)]) -> Part {
    const MAX: u32 = 10;
    let causes = game.scenario().game.all_causes().len().max(1);
    let mut earned = 0;
    let mut credits = Vec::new();
    for cause in 0..causes {
        let best = declared
            .iter()
            .filter(|(_, v)| v.cause == Some(cause))
            .max_by_key(|(second, v)| (v.credit(), std::cmp::Reverse(*second)));
        let (points, credit) = best.map_or((0, 0), |(second, v)| {
            (speed_points(*second, time_limit(game), MAX) * v.credit() / 100, v.credit())
        });
        earned += points;
        credits.push(format!("{credit}%"));
    }
    let wrong = declared.iter().filter(|(_, v)| v.is_wrong()).count();
    let penalty = u32::try_from(wrong).unwrap_or(u32::MAX).saturating_mul(2);
    let points = (earned / u32::try_from(causes).unwrap_or(1)).saturating_sub(penalty);
    let what = if causes == 1 { "the cause" } else { "the causes" };
    let mut detail = format!("{} declaration(s); best match for {what}: {}", declared.len(), credits.join(", "));
    if wrong > 0 {
        let _ = write!(detail, "; {wrong} with nothing right (-2 each)");
    }
    Part::new(ROOT_CAUSE, points, MAX, detail)
}

/// The easy-difficulty multiple choice (and journals from before the declaration).
fn root_cause_by_option(game: &Game) -> Part {
    const MAX: u32 = 10;
    let declared: Vec<(i64, &str, bool)> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::RootCauseDeclared { option, correct } => Some((s.second, option.as_str(), *correct)),
            _ => None,
        })
        .collect();
    let wrong_before = declared.iter().take_while(|(_, _, c)| !c).count();
    let Some((second, option, _)) = declared.iter().find(|(_, _, c)| *c) else {
        let detail = if declared.is_empty() {
            "no root cause was declared".to_owned()
        } else {
            format!("{wrong_before} declaration(s), none of them the root cause")
        };
        return Part::new(ROOT_CAUSE, 0, MAX, detail);
    };
    let penalty = u32::try_from(wrong_before).unwrap_or(u32::MAX).saturating_mul(2);
    let points = speed_points(*second, time_limit(game), MAX).saturating_sub(penalty).max(2);
    let mut detail = format!("`{option}` declared at {}", clock(*second));
    if wrong_before > 0 {
        let _ = write!(detail, " after {wrong_before} other hypothesis(es) (-2 each)");
    }
    Part::new(ROOT_CAUSE, points, MAX, detail)
}

fn resolution(game: &Game) -> Part {
    const MAX: u32 = 20;
    let (points, detail) = match ending(game) {
        Some((second, Outcome::Won { turn })) => {
            let limit = time_limit(game);
            (
                speed_points(second, limit, MAX),
                format!(
                    "resolved at {} (turn {turn}) of the {} allowed",
                    clock(second),
                    clock(limit).trim_start_matches('+')
                ),
            )
        }
        Some((second, Outcome::Lost { reason, .. })) => (0, format!("lost at {}: {reason}", clock(second))),
        Some((second, Outcome::Stopped { .. })) => (0, format!("stopped by the game master at {}", clock(second))),
        None => (0, format!("still open at {}", clock(game.second()))),
    };
    Part::new(RESOLUTION, points, MAX, detail)
}

/// The error budget at the start and now, as fractions of the SLO's whole budget.
pub fn budget_figures(game: &Game) -> (f64, f64) {
    let start = game.scenario().slo.budget_left.clamp(0.0, 1.0);
    (start, game.world.cluster.traffic().budget_remaining())
}

fn budget(game: &Game) -> Part {
    const MAX: u32 = 10;
    let (start, left) = budget_figures(game);
    let kept = if start > 0.0 { (left / start).clamp(0.0, 1.0) } else { 1.0 };
    let points = (kept * f64::from(MAX)).round() as u32;
    let detail = format!(
        "{:.1}% of the error budget left ({:.1}% at the start, {:.1} points burned)",
        left * 100.0,
        start * 100.0,
        (start - left).max(0.0) * 100.0
    );
    Part::new(BUDGET, points, MAX, detail)
}

fn satisfaction(game: &Game) -> Part {
    const MAX: u32 = 10;
    let ratings: Vec<u8> = game.status_page.iter().filter_map(|s| s.rating).collect();
    let mood = f64::from(game.mood.min(100));
    if ratings.is_empty() {
        let points = (mood / 10.0).round() as u32;
        return Part::new(SATISFACTION, points, MAX, format!("customer mood {}/100; no update was rated", game.mood));
    }
    let average = ratings.iter().map(|r| f64::from(*r)).sum::<f64>() / ratings.len() as f64;
    let points = (mood / 100.0 * 6.0 + average / 5.0 * 4.0).round() as u32;
    let detail = format!(
        "customer mood {}/100; updates rated {average:.1}/5 on average ({} rating(s))",
        game.mood,
        ratings.len()
    );
    Part::new(SATISFACTION, points, MAX, detail)
}

fn cadence(game: &Game) -> Part {
    const MAX: u32 = 10;
    let expected = i64::from(update_interval_minutes(game.scenario())) * 60;
    let updates: Vec<i64> = game.status_page.iter().map(|u| u.second).collect();
    let Some(first) = updates.first() else {
        return Part::new(CADENCE, 0, MAX, "no status update was posted");
    };
    let end = end_second(game).max(*first);
    let mut longest = end - updates.last().copied().unwrap_or(*first);
    for pair in updates.windows(2) {
        longest = longest.max(pair[1] - pair[0]);
    }
    let points = match longest {
        g if g <= expected => MAX,
        g if g <= 2 * expected => 7,
        g if g <= 4 * expected => 4,
        _ => 2,
    };
    let per_hour = updates.len() as f64 * 3600.0 / end.max(60) as f64;
    let detail = format!(
        "{} status update(s), {per_hour:.1} per incident hour; longest gap {} (the customer expects news every {})",
        updates.len(),
        clock(longest).trim_start_matches('+'),
        clock(expected).trim_start_matches('+')
    );
    Part::new(CADENCE, points, MAX, detail)
}

fn no_eta(game: &Game) -> Part {
    const MAX: u32 = 5;
    let texts = liaison_texts(game);
    if texts.is_empty() {
        return Part::new(NO_ETA, 0, MAX, "nothing was said to the customer, so there is nothing to credit");
    }
    match texts.iter().find(|(_, t)| promises_eta(t)) {
        Some((second, text)) => {
            Part::new(NO_ETA, 0, MAX, format!("a fix time was promised at {}: \"{text}\"", clock(*second)))
        }
        None => Part::new(NO_ETA, MAX, MAX, format!("no fix-time promise in {} message(s) and update(s)", texts.len())),
    }
}

fn impact(game: &Game) -> Part {
    const MAX: u32 = 5;
    let entrypoints: Vec<String> = game.world.cluster.entrypoints().iter().map(|e| e.name.clone()).collect();
    match liaison_texts(game).into_iter().find(|(_, t)| states_impact(t, &entrypoints)) {
        Some((second, text)) => Part::new(IMPACT, MAX, MAX, format!("at {}: \"{text}\"", clock(second))),
        None => Part::new(IMPACT, 0, MAX, "no message said what users experience or named an affected service"),
    }
}

fn workaround(game: &Game) -> Part {
    const MAX: u32 = 5;
    let pm = &game.scenario().game.postmortem;
    let mut material: Vec<&str> = vec![pm.summary.as_str(), pm.root_cause.as_str()];
    material.extend(pm.contributing_factors.iter().map(String::as_str));
    material.extend(pm.action_items.iter().map(String::as_str));
    if !liaison::workaround_exists(&material) {
        return Part::new(WORKAROUND, 0, 0, "no workaround exists in this scenario (not scored)");
    }
    match liaison_texts(game).into_iter().find(|(_, t)| offers_workaround(t)) {
        Some((second, _)) => Part::new(WORKAROUND, MAX, MAX, format!("a workaround was offered at {}", clock(second))),
        None => Part::new(WORKAROUND, 0, MAX, "a workaround existed but none was offered"),
    }
}

/// Console commands from the log with the seat that ran them and whether they succeeded.
pub fn commands(game: &Game) -> Vec<(&Stamped, &str, bool)> {
    game.log
        .iter()
        .filter_map(|s| match &s.event {
            Event::Command { line, ok, .. } => Some((s, line.as_str(), *ok)),
            _ => None,
        })
        .collect()
}

/// What the responders' commands did, judged against the incident: per command that did damage,
/// the command and the damage; and every rogue actor stopped, with when.
pub fn deeds(game: &Game) -> (Vec<String>, Vec<String>) {
    let incident = Incident::of(game.scenario());
    let (mut harmful, mut contained): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut stopped: Vec<String> = Vec::new();
    for s in &game.log {
        let Event::Command { line, changes, .. } = &s.event else { continue };
        if !s.seat.is_some_and(Seat::is_responder) {
            continue;
        }
        let mut harms: Vec<String> = Vec::new();
        for change in changes {
            match incident.judge(change) {
                Some(Deed::Harm(what)) if !harms.contains(&what) => harms.push(what),
                Some(Deed::Containment(what)) if !stopped.contains(&what) => {
                    contained.push(format!("{what} at {} (`{line}`)", clock(s.second)));
                    stopped.push(what);
                }
                _ => {}
            }
        }
        if !harms.is_empty() {
            harmful.push(format!("`{line}` at {} {}", clock(s.second), harms.join(", ")));
        }
    }
    (harmful, contained)
}

fn collateral_damage(game: &Game) -> Part {
    const MAX: u32 = 5;
    let (harmful, contained) = deeds(game);
    let credit =
        if contained.is_empty() { String::new() } else { format!("; containment credited: {}", contained.join(", ")) };
    let lost = &game.world.cluster.data_lost;
    if !lost.is_empty() {
        return Part::new(COLLATERAL, 0, MAX, format!("data was destroyed: {}{credit}", lost.join(", ")));
    }
    if harmful.is_empty() {
        return Part::new(COLLATERAL, MAX, MAX, format!("no change beyond what the incident is about{credit}"));
    }
    let penalty = u32::try_from(harmful.len()).unwrap_or(u32::MAX).saturating_mul(2);
    Part::new(COLLATERAL, MAX.saturating_sub(penalty), MAX, format!("{} (-2 each){credit}", harmful.join("; ")))
}

fn mishaps(game: &Game) -> Part {
    const MAX: u32 = 5;
    let happened: Vec<String> = game
        .log
        .iter()
        .filter_map(|s| match &s.event {
            Event::Mishap { id } => Some(format!("`{id}` at {}", clock(s.second))),
            _ => None,
        })
        .collect();
    if happened.is_empty() {
        if game.scenario().game.customer.npc.mishaps.is_empty() {
            return Part::new(MISHAPS, 0, 0, "the customer has no risky moves in this scenario (not scored)");
        }
        let asked = game.log.iter().find(|s| matches!(s.event, Event::HoldOffAsked));
        let detail = match asked {
            Some(s) => format!("no customer-side change; hold-off asked at {}", clock(s.second)),
            None => "no customer-side change happened".to_owned(),
        };
        return Part::new(MISHAPS, MAX, MAX, detail);
    }
    let penalty = u32::try_from(happened.len()).unwrap_or(u32::MAX).saturating_mul(3);
    let detail = format!("the customer changed things during the incident: {} (-3 each)", happened.join(", "));
    Part::new(MISHAPS, MAX.saturating_sub(penalty), MAX, detail)
}

fn hints(game: &Game) -> Part {
    const MAX: u32 = 5;
    // A hint the game master granted unasked is stamped with the game master's seat: not the
    // team's doing, so it costs nothing.
    let (granted, asked): (Vec<&Stamped>, Vec<&Stamped>) = game
        .log
        .iter()
        .filter(|s| matches!(s.event, Event::Hint { .. }))
        .partition(|s| s.seat == Some(Seat::GameMaster));
    let used = asked.len();
    let penalty = u32::try_from(used).unwrap_or(u32::MAX).saturating_mul(2);
    let mut detail =
        if used == 0 { "no hint asked for".to_owned() } else { format!("{used} hint(s) asked for (-2 each)") };
    if !granted.is_empty() {
        let _ = write!(detail, "; {} granted unasked by the game master (no cost)", granted.len());
    }
    Part::new(HINTS, MAX.saturating_sub(penalty), MAX, detail)
}

/// When users last stopped failing: the first figures after the last ones below the SLO (the
/// incident's start when they never were). None while they still fail.
pub fn recovered_at(game: &Game) -> Option<i64> {
    let objective = game.scenario().slo.objective / 100.0;
    let failing = |sample: &super::state::Sample| sample.results.iter().any(|r| r.success < objective);
    match game.figures.iter().rposition(failing) {
        None => game.figures.first().map(|s| s.second),
        Some(last) => game.figures.get(last + 1).map(|s| s.second),
    }
}

/// Stakeholder questions still open: messages from the customer or a visitor with a question
/// mark since the last message or status update the liaison (or game master) sent them.
pub fn open_questions(game: &Game) -> Vec<&str> {
    let from_team = |s: &Stamped| match &s.event {
        Event::Chat { channel: Channel::Customer, .. } => {
            author(game, s).is_some_and(|a| a.is_responder() || a == Seat::GameMaster)
        }
        Event::StatusUpdate { .. } => true,
        _ => false,
    };
    let since = game.log.iter().rposition(from_team).map_or(0, |i| i + 1);
    game.log[since..]
        .iter()
        .filter_map(|s| match &s.event {
            Event::Chat { channel: Channel::Customer, text, .. } if !from_team(s) && text.contains('?') => {
                Some(text.as_str())
            }
            _ => None,
        })
        .collect()
}

fn closing(game: &Game) -> Part {
    const MAX: u32 = 5;
    let won = matches!(ending(game), Some((_, Outcome::Won { .. }))) || game.in_closing_turn();
    if !won {
        return Part::new(CLOSING, 0, 0, "the incident was not resolved (not scored)");
    }
    let recovered = recovered_at(game).unwrap_or_else(|| game.second());
    let resolved_update =
        game.status_page.iter().find(|u| u.state == IncidentState::Resolved && u.second >= recovered).map(|u| u.second);
    let open = open_questions(game);
    let mut points = 0;
    let mut detail = match resolved_update {
        Some(second) => {
            points += 3;
            format!("resolved update at {} after users recovered at {}", clock(second), clock(recovered))
        }
        None => format!("no resolved update after users recovered at {}", clock(recovered)),
    };
    match open.as_slice() {
        [] => {
            points += 2;
            detail.push_str("; no stakeholder question left open");
        }
        [first, ..] => {
            let _ = write!(detail, "; {} question(s) left open, first: \"{first}\"", open.len());
        }
    }
    Part::new(CLOSING, points, MAX, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_share_of_points() {
        assert_eq!(Grade::from_percent(100), Grade::A);
        assert_eq!(Grade::from_percent(90), Grade::A);
        assert_eq!(Grade::from_percent(89), Grade::B);
        assert_eq!(Grade::from_percent(70), Grade::C);
        assert_eq!(Grade::from_percent(50), Grade::D);
        assert_eq!(Grade::from_percent(49), Grade::F);
    }

    #[test]
    fn faster_is_better_in_quarters_of_the_limit() {
        assert_eq!(speed_points(0, 1800, 20), 20);
        assert_eq!(speed_points(450, 1800, 20), 20);
        assert_eq!(speed_points(451, 1800, 20), 15);
        assert_eq!(speed_points(1200, 1800, 20), 10);
        assert_eq!(speed_points(5000, 1800, 20), 5);
    }

    #[test]
    fn render_text_shows_every_part_with_its_reason() {
        let score = Score {
            grade: Grade::B,
            total: 8,
            max: 10,
            parts: vec![
                Part::new("Hints", 3, 5, "1 hint(s) used (-2 each)"),
                Part::new("Root cause", 5, 5, "`x` declared at +4m00s"),
                Part::new("Workaround offered", 0, 0, "not scored"),
            ],
            note: None,
        };
        assert_eq!(
            score.render_text(),
            "Grade B: 8 of 10 points (80%)\n  Hints                 3/5  1 hint(s) used (-2 each)\n  Root cause            5/5  `x` declared at +4m00s\n  Workaround offered    n/a  not scored"
        );
    }
}
