//! Findings: facts a seat discovered, with where they came from, never the scenario's
//! conclusion. A clue found in a command's output is the output line(s) that matched, the command
//! and who ran it; a clue the customer gave is the customer's own words. The clue's authored
//! `text` is for the debrief and the game master only (DESIGN.md §2, "the game tests, it never
//! tells").
//!
//! A finding belongs to the side of the team that saw it happen: the console's findings to the
//! troubleshooters (the liaison does not see the console), the customer's to the liaison (the
//! troubleshooters do not see the customer chat). It reaches the rest of the team when a seat
//! that holds it passes it on: explicitly (`Action::ShareFinding`, `/share N` in line mode), or
//! by quoting it in team chat ([`quotes`]: the whole fact, or six words of it in a row, in any
//! case and spacing), which every front end can do. [`visible_to`] is the one rule; the views and
//! `view::sees` follow it.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::seat::{Role, Seat};
use super::text::{sanitize, sanitize_block};

/// At most this many lines of output make one finding; a clue's pattern is one line or a few.
const MAX_FACT_LINES: usize = 4;
/// And at most this many characters.
const MAX_FACT_CHARS: usize = 600;

/// Where a finding came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FindingSource {
    /// A console command's output: the line as run, the seat that ran it and its player's name.
    Console { line: String, seat: Seat, by: String },
    /// The customer's chat: who said it.
    Customer { from: String },
}

impl FindingSource {
    /// `from Tam (troubleshooter 1): $ kubectl get pods -n shop`, `from Dana (customer chat)`.
    pub fn describe(&self) -> String {
        match self {
            FindingSource::Console { line, seat, by } => {
                let line = sanitize(line);
                let shown = line.strip_prefix("kubectl ").unwrap_or(&line).trim_start();
                let who = if sanitize(by).is_empty() || *by == seat.label() {
                    seat.label()
                } else {
                    format!("{} ({})", sanitize(by), seat.label())
                };
                format!("from {who}: $ kubectl {shown}")
            }
            FindingSource::Customer { from } => format!("from {} (customer chat)", sanitize(from)),
        }
    }
}

/// A fact the team holds, in the game's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The scenario's clue it stands for (for scoring and the debrief; never shown).
    pub clue: String,
    /// What was seen: the output line(s), or the customer's words.
    pub fact: String,
    pub source: FindingSource,
    /// Whether a seat passed it on to the rest of the team.
    pub shared: bool,
}

/// Whether `seat` holds `finding`: the side of the team that saw it, everyone on the team once it
/// is shared, and the game master always. The game master's own commands are not the team's
/// console, so what they show is the game master's alone.
pub fn visible_to(seat: Seat, source: &FindingSource, shared: bool) -> bool {
    match seat.role() {
        Role::GameMaster => true,
        Role::Troubleshooter => {
            shared || matches!(source, FindingSource::Console { seat, .. } if *seat != Seat::GameMaster)
        }
        Role::Liaison => shared || matches!(source, FindingSource::Customer { .. }),
        Role::Customer | Role::Spectator => false,
    }
}

/// Words in a row that make a quote of a longer fact.
const QUOTED_WORDS: usize = 6;

/// Whether `message` passes `fact` on: it holds the whole fact, or [`QUOTED_WORDS`] of its words
/// in a row, ignoring case, spacing and punctuation around words.
pub fn quotes(message: &str, fact: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (said, fact) = (words(message), words(fact));
    if fact.is_empty() {
        return false;
    }
    let run = QUOTED_WORDS.min(fact.len());
    fact.windows(run).any(|quote| said.windows(run).any(|w| w == quote))
}

/// The finding a command's output gives for a clue whose pattern it contains: the lines the
/// pattern spans (bounded), with the command and who ran it.
pub fn from_output(clue: &str, pattern: &str, output: &str, line: &str, seat: Seat, by: &str) -> Event {
    Event::ClueFound {
        id: clue.to_owned(),
        fact: matched_lines(output, pattern),
        source: FindingSource::Console { line: line.to_owned(), seat, by: by.to_owned() },
    }
}

/// The finding the customer's words give: what they said, from them.
pub fn from_customer(clue: &str, from: &str, said: &str) -> Event {
    Event::ClueFound {
        id: clue.to_owned(),
        fact: said.to_owned(),
        source: FindingSource::Customer { from: from.to_owned() },
    }
}

/// The whole lines of `output` that the first match of `pattern` spans, trimmed and bounded;
/// the pattern itself when it is not there (a caller only asks when it is).
fn matched_lines(output: &str, pattern: &str) -> String {
    let Some(at) = output.find(pattern).filter(|_| !pattern.is_empty()) else { return sanitize(pattern) };
    let start = output[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = output[at + pattern.len()..].find('\n').map_or(output.len(), |i| at + pattern.len() + i);
    let lines: Vec<&str> = output[start..end].lines().map(str::trim_end).take(MAX_FACT_LINES).collect();
    let fact = sanitize_block(&lines.join("\n"));
    if fact.chars().count() > MAX_FACT_CHARS {
        let cut: String = fact.chars().take(MAX_FACT_CHARS).collect();
        format!("{cut}…")
    } else {
        fact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_console_finding_is_the_matching_line_and_where_it_came_from() {
        let output = "NAME   READY   STATUS\nweb-1  0/1     ImagePullBackOff\nweb-2  1/1     Running";
        let event = from_output(
            "image-pull",
            "ImagePullBackOff",
            output,
            "kubectl get pods -n shop",
            Seat::Troubleshooter(0),
            "Tam",
        );
        let Event::ClueFound { fact, source, .. } = event else { panic!("a clue") };
        assert_eq!(fact, "web-1  0/1     ImagePullBackOff");
        assert_eq!(source.describe(), "from Tam (troubleshooter 1): $ kubectl get pods -n shop");
    }

    #[test]
    fn a_pattern_over_two_lines_gives_both_and_long_output_is_bounded() {
        let output = "a\nReason: OOMKilled\nExit Code: 137\nb";
        assert_eq!(matched_lines(output, "OOMKilled\nExit Code: 137"), "Reason: OOMKilled\nExit Code: 137");
        let long = "x".repeat(2000);
        assert!(matched_lines(&long, "xx").chars().count() <= MAX_FACT_CHARS + 1);
        assert_eq!(matched_lines("abc", "zzz"), "zzz");
    }

    #[test]
    fn a_team_message_quotes_a_finding_with_six_words_in_a_row_or_all_of_a_short_one() {
        let said = "Honestly, I typed the new tag into the CI variables by hand this morning.";
        assert!(quotes("Dana says: \"I typed the NEW tag into the CI variables\" — check it", said));
        assert!(!quotes("Dana typed something by hand", said));
        assert!(quotes("look: web-1 0/1 ImagePullBackOff", "web-1  0/1  ImagePullBackOff"));
        assert!(!quotes("ImagePullBackOff", "web-1  0/1  ImagePullBackOff"));
        assert!(!quotes("anything", ""));
    }

    #[test]
    fn a_customer_finding_is_their_words_and_the_liaisons_until_shared() {
        let Event::ClueFound { fact, source, .. } = from_customer("typo", "Dana", "I typed 1.4.2x by hand.") else {
            panic!("a clue")
        };
        assert_eq!(fact, "I typed 1.4.2x by hand.");
        assert_eq!(source.describe(), "from Dana (customer chat)");
        assert!(visible_to(Seat::Liaison, &source, false));
        assert!(!visible_to(Seat::Troubleshooter(0), &source, false));
        assert!(visible_to(Seat::Troubleshooter(0), &source, true));
        assert!(!visible_to(Seat::Spectator(0), &source, true));
        assert!(!visible_to(Seat::Customer(0), &source, true));
        let by_master = FindingSource::Console { line: "get pods".into(), seat: Seat::GameMaster, by: "Gil".into() };
        assert!(!visible_to(Seat::Troubleshooter(0), &by_master, false));
        assert!(visible_to(Seat::GameMaster, &by_master, false));
    }
}
