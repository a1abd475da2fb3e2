//! The one place an event is put into words. Every front end that shows what happened asks here:
//! the solo console and `kombat replay` (the transcript), the headless client (the events the
//! server sent its seat), the game master's event log and the postmortem's timeline. Whether an
//! audience may see an event at all is [`super::view::sees`]; this module only words what it may.
//!
//! Text that came from players or files is passed through [`sanitize`] here, so a caller can
//! print the result on a terminal as it is (ARCHITECTURE.md, "Untrusted text").

use std::fmt::Write as _;

use super::event::{Channel, Event, Outcome, Stamped};
use super::format::RootCause;
use super::seat::Seat;
use super::text::{sanitize, sanitize_block};
use super::view;
use super::{IncidentState, Severity};

/// Who reads the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The player in one seat (the headless client, the game master's log).
    Seat(Seat),
    /// The solo player, who sits as the liaison and the troubleshooter at once.
    Solo,
    /// The postmortem: prose for a Markdown table, everything included.
    Postmortem,
}

impl Audience {
    /// Whether this audience may see `stamped` at all.
    pub fn sees(self, stamped: &Stamped) -> bool {
        match self {
            Audience::Seat(seat) => view::sees(seat, stamped),
            Audience::Solo => view::sees(Seat::Liaison, stamped) || view::sees(Seat::Troubleshooter(0), stamped),
            Audience::Postmortem => true,
        }
    }
}

/// What the words may refer to besides the event: the scenario's root-cause options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    pub root_causes: &'a [RootCause],
}

/// `stamped` in words for `audience`; none when the audience may not see it or it is not worth a
/// line for them (a seat marking its turn done, the scripted customer's bookkeeping).
pub fn event(stamped: &Stamped, audience: Audience, context: Context<'_>) -> Option<String> {
    if !audience.sees(stamped) {
        return None;
    }
    match audience {
        Audience::Postmortem => prose(stamped, context),
        Audience::Seat(seat) => console(stamped, Some(seat)),
        Audience::Solo => console(stamped, None),
    }
}

/// The console's words: `[customer] Dana: …`, `$ kubectl get pods` and its output, `-- turn 2 ends … --`.
/// `reader` is the seat reading (commands of other seats are marked with theirs); none for the
/// solo player.
fn console(stamped: &Stamped, reader: Option<Seat>) -> Option<String> {
    let master = reader == Some(Seat::GameMaster);
    let text = match &stamped.event {
        Event::Seated { .. } | Event::Started { .. } => return None,
        Event::Chat { channel, from, text } => {
            format!("[{}] {}: {}", channel_name(*channel), sanitize(from), sanitize(text))
        }
        Event::Command { line, output, .. } => {
            // A here-document's body shows below its command, as a terminal shows it.
            let (first, body) = line.split_once('\n').map_or((line.as_str(), None), |(f, b)| (f, Some(b)));
            let mut line = sanitize(first);
            if let Some(body) = body {
                line.push('\n');
                line.push_str(sanitize_block(body).trim_end());
            }
            let shown = line.strip_prefix("kubectl ").unwrap_or(&line).trim_start();
            // `ssh` is the console's, not kubectl's: it shows as typed.
            let program = if shown.starts_with("ssh ") { "" } else { "kubectl " };
            let mut text = match (stamped.seat, reader) {
                (Some(by), Some(reader)) if by != reader => format!("[{}] $ {program}{shown}", by.label()),
                _ => format!("$ {program}{shown}"),
            };
            let output = sanitize_block(output);
            let output = output.trim_end_matches('\n');
            if !output.is_empty() {
                text.push('\n');
                text.push_str(output);
            }
            text
        }
        Event::StatusUpdate { state, text } => {
            format!("[status page] {}: {}", capitalized(state.as_str()), sanitize(text))
        }
        Event::Severity(s) => format!("[severity] set to {}", severity(*s)),
        Event::HoldOffAsked => "[hold-off] asked the customer to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: true } => "[hold-off] the customer agreed to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: false } => "[hold-off] the customer refused to hold off changes".to_owned(),
        // The players hear only what was declared: the verdict is the debrief's (DESIGN.md §2).
        // The game master, who holds the answer anyway, sees it.
        Event::RootCauseDeclared { option, correct } if master => {
            let verdict = if *correct { "correct" } else { "not the root cause" };
            format!("[root cause] declared {}: {verdict}", sanitize(option))
        }
        Event::RootCauseDeclared { option, .. } => format!("[root cause] declared {}", sanitize(option)),
        Event::CauseDeclared { declaration, verdict: Some(verdict) } if master => {
            format!("[root cause] declared {}: {}% right", sanitize(&declaration.to_string()), verdict.credit())
        }
        Event::CauseDeclared { declaration, .. } => format!("Declared: {}", sanitize(&declaration.to_string())),
        Event::Hint { tier, text } => format!("[hint {tier}/3] {}", sanitize(text)),
        Event::TurnEnded if master => {
            format!("[turn] {} ended the turn", stamped.seat.map_or_else(|| "someone".to_owned(), Seat::label))
        }
        Event::DialogueSaid { line } if master => format!("[script] customer line {} said", line + 1),
        Event::TurnEnded | Event::DialogueSaid { .. } => return None,
        Event::TurnAdvanced { turn, sample, .. } => {
            format!("-- turn {turn} ends, incident time {} --", clock(sample.second))
        }
        Event::Alert { title, firing: true, .. } => format!("[alert] FIRING: {}", sanitize(title)),
        Event::Alert { title, firing: false, .. } => format!("[alert] resolved: {}", sanitize(title)),
        Event::Mood { value } => format!("[mood] the customer's patience: {value}/100"),
        Event::ClueFound { fact, source, .. } => format!("[finding] {} ({})", one_line(fact), source.describe()),
        Event::FindingShared { fact, source, .. } => {
            let by = stamped.seat.map_or_else(|| "someone".to_owned(), Seat::label);
            format!("[shared by the {by}] {} ({})", one_line(fact), source.describe())
        }
        Event::Mishap { id } => format!("[mishap] the customer changed the cluster ({})", sanitize(id)),
        Event::Inject { id } => format!("[inject] {}", sanitize(id)),
        Event::Rated { update, stars } => format!("[status page] update {} rated {stars}/5", update + 1),
        Event::Paused => "[game] paused".to_owned(),
        Event::Resumed => "[game] resumed".to_owned(),
        Event::Left { seat } => format!("[game] the {} left the game", seat.label()),
        Event::Reseated { seat, name, .. } => format!("[game] {} took the {} seat", sanitize(name), seat.label()),
        Event::Ended(outcome) => format!("== {} ==", sanitize(&outcome_text(outcome))),
        Event::ClosingTurn { .. } => CLOSING_TURN.to_owned(),
        Event::TurnSkipped => "[game] the game master ended this turn for everyone".to_owned(),
        Event::TurnTimerExtended { seconds } => format!("[game] the game master gave this turn {seconds} s more"),
        Event::TurnTimerSet { seconds: Some(seconds) } => {
            format!("[game] the turn timer is now {seconds} s a turn, starting with this one")
        }
        Event::TurnTimerSet { seconds: None } => "[game] the turn timer is off".to_owned(),
        Event::MessageInjected { text } => format!("[inject] {}", sanitize(text)),
    };
    Some(text)
}

/// What every seat reads when the closing turn begins.
pub const CLOSING_TURN: &str = "== Service is restored. Closing turn: post a resolved update and answer the customer's open \
                                questions; the game ends when this turn ends ==";

/// The postmortem's words: whole sentences, commands as inline code, one line each.
fn prose(stamped: &Stamped, context: Context<'_>) -> Option<String> {
    let text = match &stamped.event {
        Event::Seated { .. } | Event::Started { .. } | Event::TurnEnded | Event::DialogueSaid { .. } => return None,
        Event::Chat { channel, from, text } => {
            let which = match channel {
                Channel::Team => "Team chat",
                Channel::Customer => "Customer chat",
            };
            format!("{which}, {from}: {text}")
        }
        Event::Command { line, output, ok, .. } => {
            let (first, body) = line.split_once('\n').unwrap_or((line, ""));
            let mut out = format!("Command {}", code(first));
            if !body.is_empty() {
                let _ = write!(out, " with {} lines of input", body.lines().count());
            }
            if !ok {
                let first = output.lines().next().unwrap_or_default();
                let short: String = first.chars().take(120).collect();
                let _ = write!(out, " (not carried out: {short})");
            }
            out
        }
        Event::StatusUpdate { state, text } => format!("Status update ({}): {text}", state.as_str()),
        Event::Severity(s) => format!("Severity set to {}", severity(*s)),
        Event::HoldOffAsked => "The customer was asked to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: true } => "The customer agreed to hold off changes".to_owned(),
        Event::HoldOffAnswered { accepted: false } => "The customer declined to hold off changes".to_owned(),
        Event::RootCauseDeclared { option, correct } => {
            let text = context.root_causes.iter().find(|o| &o.id == option).map_or("", |o| o.text.as_str());
            let verdict = if *correct { "the root cause" } else { "not the root cause" };
            format!("Root cause declared: {} ({text}): {verdict}", code(option))
        }
        Event::CauseDeclared { declaration, verdict } => {
            let credit = verdict.as_ref().map_or(0, super::cause::Verdict::credit);
            format!("Root cause declared: {} ({credit}% right)", sanitize(&declaration.to_string()))
        }
        Event::Hint { tier, text } => format!("Hint (tier {tier}): {text}"),
        Event::TurnAdvanced { turn, .. } => format!("Turn {turn} ends"),
        Event::Alert { title, firing: true, .. } => format!("Alert firing: {title}"),
        Event::Alert { title, firing: false, .. } => format!("Alert cleared: {title}"),
        Event::Mood { value } => format!("Customer mood now {value}/100"),
        // The fact is quoted as it was seen (output, the customer's words), as code.
        Event::ClueFound { fact, source, .. } => format!("Found {} ({})", code(&one_line(fact)), source.describe()),
        Event::FindingShared { fact, source, .. } => {
            format!("Shared with the team: {} ({})", code(&one_line(fact)), source.describe())
        }
        Event::Mishap { id } => format!("Customer-side change during the incident: {}", code(id)),
        Event::Inject { id } => format!("Inject {}", code(id)),
        Event::Rated { update, stars } => format!("Status update #{} rated {stars}/5", update + 1),
        Event::Paused => "Game paused".to_owned(),
        Event::Resumed => "Game resumed".to_owned(),
        Event::Left { seat } => format!("The {} left the game", seat.label()),
        Event::Reseated { seat, name, .. } => format!("{} took the {} seat", sanitize(name), seat.label()),
        Event::Ended(Outcome::Won { .. }) => "Incident resolved".to_owned(),
        Event::Ended(Outcome::Lost { reason, .. }) => format!("Incident lost: {reason}"),
        Event::Ended(Outcome::Stopped { .. }) => "Exercise stopped by the game master".to_owned(),
        Event::ClosingTurn { turn } => {
            format!("Service restored; the closing turn (turn {}) begins", turn_of_play(*turn))
        }
        Event::TurnSkipped => "The game master ended the turn for everyone".to_owned(),
        Event::TurnTimerExtended { seconds } => format!("The game master gave the turn {seconds} seconds more"),
        Event::TurnTimerSet { seconds: Some(seconds) } => format!("Turn timer set to {seconds} seconds a turn"),
        Event::TurnTimerSet { seconds: None } => "Turn timer turned off".to_owned(),
        Event::MessageInjected { text } => format!("Inject from the game master: {text}"),
    };
    Some(sanitize(&text))
}

/// A finding's fact on one line: the lines it spans joined with ` / `, sanitized.
pub fn one_line(fact: &str) -> String {
    let lines: Vec<String> = fact.lines().map(|l| sanitize(l.trim())).filter(|l| !l.is_empty()).collect();
    lines.join(" / ")
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Team => "team",
        Channel::Customer => "customer",
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A severity as incident tooling writes it: `SEV2`.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "SEV1",
        Severity::Sev2 => "SEV2",
        Severity::Sev3 => "SEV3",
        Severity::Sev4 => "SEV4",
    }
}

/// An incident state as a status page heads it: `Investigating`.
pub fn incident_state(state: IncidentState) -> String {
    capitalized(state.as_str())
}

/// How a game ended, as one sentence.
pub fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Won { turn } => format!("RESOLVED at turn {turn}: the root cause is fixed and service is healthy."),
        Outcome::Lost { turn, reason } => format!("LOST at turn {turn}: {reason}."),
        Outcome::Stopped { turn } => format!("STOPPED at turn {turn} by the game master."),
    }
}

/// The turn of play a game is in after `completed` turns, as every screen numbers it: the first
/// turn of play is turn 1 (internally `World::turn` and `Stamped::turn` count completed turns).
/// A turn that ended (`TurnAdvanced`, an outcome) is already counted in its own number.
pub fn turn_of_play(completed: u32) -> u32 {
    completed.saturating_add(1)
}

/// The turn of play against the limit, `Turn 1/15`: what `/status`, the game screen's header and
/// the headless client show. It stays at the limit once the last turn is played.
pub fn turn_label(completed: u32, limit: u32) -> String {
    format!("Turn {}/{limit}", turn_of_play(completed).min(limit.max(1)))
}

/// Incident time as `+12m00s`; any number is shown without a panic.
pub fn clock(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "+" };
    let s = seconds.unsigned_abs();
    format!("{sign}{}m{:02}s", s / 60, s % 60)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::TurnSample;

    fn at(seat: Option<Seat>, event: Event) -> Stamped {
        Stamped { turn: 1, second: 150, seat, event }
    }

    fn command(seat: Seat) -> Stamped {
        let event = Event::Command {
            line: "get pods".into(),
            output: "NAME\nweb".into(),
            ok: true,
            cost: 1,
            changes: Vec::new(),
        };
        at(Some(seat), event)
    }

    #[test]
    fn a_command_reads_as_the_console_shows_it_and_names_another_seat() {
        let mine =
            event(&command(Seat::Troubleshooter(0)), Audience::Seat(Seat::Troubleshooter(0)), Context::default());
        assert_eq!(mine.as_deref(), Some("$ kubectl get pods\nNAME\nweb"));
        let theirs =
            event(&command(Seat::Troubleshooter(1)), Audience::Seat(Seat::Troubleshooter(0)), Context::default());
        assert_eq!(theirs.as_deref(), Some("[troubleshooter 2] $ kubectl get pods\nNAME\nweb"));
        assert_eq!(event(&command(Seat::Troubleshooter(0)), Audience::Solo, Context::default()), mine);
    }

    #[test]
    fn audiences_see_only_their_share() {
        let customer_chat =
            at(Some(Seat::Liaison), Event::Chat { channel: Channel::Customer, from: "Lee".into(), text: "hi".into() });
        assert_eq!(event(&customer_chat, Audience::Seat(Seat::Troubleshooter(0)), Context::default()), None);
        assert!(event(&customer_chat, Audience::Seat(Seat::Customer(0)), Context::default()).is_some());
        assert_eq!(event(&command(Seat::Troubleshooter(0)), Audience::Seat(Seat::Liaison), Context::default()), None);
        assert_eq!(
            event(&command(Seat::Troubleshooter(0)), Audience::Seat(Seat::Spectator(0)), Context::default()),
            None
        );
        let ended = at(None, Event::TurnEnded);
        assert_eq!(event(&ended, Audience::Solo, Context::default()), None);
        assert!(event(&ended, Audience::Seat(Seat::GameMaster), Context::default()).is_some());
    }

    #[test]
    fn a_turn_says_when_it_ends_and_the_postmortem_says_why_a_command_failed() {
        let sample = TurnSample { turn: 2, second: 240, error_rate: 0.0, budget_left: 1.0 };
        let turn = at(None, Event::TurnAdvanced { turn: 2, sample, points: 4, entrypoints: Vec::new() });
        assert_eq!(
            event(&turn, Audience::Solo, Context::default()).as_deref(),
            Some("-- turn 2 ends, incident time +4m00s --")
        );
        let failed = at(
            Some(Seat::Troubleshooter(0)),
            Event::Command {
                line: "get pod x".into(),
                output: "Error from server (NotFound)\nmore".into(),
                ok: false,
                cost: 1,
                changes: Vec::new(),
            },
        );
        assert_eq!(
            event(&failed, Audience::Postmortem, Context::default()).as_deref(),
            Some("Command `get pod x` (not carried out: Error from server (NotFound))")
        );
    }

    #[test]
    fn escape_sequences_never_reach_the_words() {
        let chat = at(
            Some(Seat::Liaison),
            Event::Chat { channel: Channel::Team, from: "\u{1b}]0;pwned\u{7}Lee".into(), text: "\u{1b}[2Jhi".into() },
        );
        for audience in [Audience::Solo, Audience::Postmortem, Audience::Seat(Seat::GameMaster)] {
            let words = event(&chat, audience, Context::default()).expect("shown");
            assert!(!words.contains('\u{1b}') && !words.contains('\u{7}'), "{words:?}");
        }
    }

    #[test]
    fn clock_formats_any_second() {
        assert_eq!(clock(0), "+0m00s");
        assert_eq!(clock(-61), "-1m01s");
        assert!(clock(i64::MIN).starts_with('-'));
    }

    #[test]
    fn turns_are_numbered_from_one_and_stop_at_the_limit() {
        assert_eq!(turn_of_play(0), 1);
        assert_eq!(turn_label(0, 15), "Turn 1/15");
        assert_eq!(turn_label(14, 15), "Turn 15/15");
        assert_eq!(turn_label(15, 15), "Turn 15/15");
        assert_eq!(turn_label(u32::MAX, 0), "Turn 1/0");
    }
}
