//! The journal of a game: JSON lines that record what is needed to play it again (the seed, the
//! scenario and a hash of its text, the seats, then every accepted action and every turn the
//! room's timer ended), and the replay that rebuilds the game from them. Pure: the room writes the
//! lines to a file and `kombat replay` reads them back.
//!
//! ```text
//! {"format":"kombat-journal","version":1,"seed":1,"scenario":"first-deploy","hash":"…","seats":[…],"difficulty":"normal"}
//! {"turn":0,"seat":"Liaison","action":{"CustomerChat":"what changed?"}}
//! {"turn":0,"seat":{"Troubleshooter":0},"action":{"Command":"get pods"},"id":7}
//! {"turn":0,"forced_turn_end":true}
//! {"turn":1,"left":"Liaison"}
//! {"turn":2,"reseated":{"Troubleshooter":1},"name":"Ana"}
//! ```
//!
//! An action sent over the network carries the client's id for it (`"id"`), written in the same
//! line as the action so that a server restarted after a crash knows which acts it already
//! answered; replay ignores it, and lines without it (solo games, older journals) read the same.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::action::Action;
use super::difficulty::Difficulty;
use super::event::Stamped;
use super::rules::RuleError;
use super::seat::Seat;
use super::state::Game;

/// What the first line's `format` field says.
pub const FORMAT: &str = "kombat-journal";
/// The journal format this code writes and reads.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    #[error("the journal is empty: not a kombat journal")]
    Empty,
    #[error("line 1: not a kombat journal")]
    NotAJournal,
    #[error("line 1: journal format version {0} is not supported (this kombat reads version {VERSION})")]
    Version(u64),
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("truncated: the last line is incomplete")]
    Truncated,
    #[error(
        "the scenario {id} has changed since this game was recorded (its content hash is {actual}, the journal says {recorded})"
    )]
    ScenarioChanged { id: String, recorded: String, actual: String },
    #[error("cannot build the scenario: {0}")]
    Scenario(String),
    #[error("line {line}: the game refused the action: {error}")]
    Refused { line: usize, error: RuleError },
    #[error("line {line}: the journal says turn {recorded} but the game is at turn {actual}")]
    TurnMismatch { line: usize, recorded: u32, actual: u32 },
}

/// A seat and the name of who sat there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatName {
    pub seat: Seat,
    pub name: String,
}

/// The first line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub seed: u64,
    /// The scenario's id.
    pub scenario: String,
    /// FNV-1a 64 of the scenario's RON text, 16 hex digits.
    pub hash: String,
    pub seats: Vec<SeatName>,
    /// How much help the team got; journals from before it was recorded were played at normal.
    #[serde(default)]
    pub difficulty: Difficulty,
}

impl Header {
    pub fn new(seed: u64, scenario: &str, scenario_text: &str, seats: Vec<SeatName>) -> Self {
        Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            seed,
            scenario: scenario.to_owned(),
            hash: content_hash(scenario_text),
            seats,
            difficulty: Difficulty::Normal,
        }
    }

    /// The header of a game's journal, from its seats.
    pub fn for_game(game: &Game, seed: u64, scenario_text: &str) -> Self {
        let seats = game.seats.iter().map(|(seat, name)| SeatName { seat: *seat, name: name.clone() }).collect();
        Header { difficulty: game.difficulty, ..Header::new(seed, &game.scenario().id, scenario_text, seats) }
    }

    /// The header as one JSON line (without the newline).
    pub fn to_line(&self) -> String {
        to_json(self)
    }
}

/// One line after the header.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// An action the game accepted, taken at `turn`; `id` is the client's id for it, when a
    /// client over the network sent it.
    Act { turn: u32, seat: Seat, action: Action, id: Option<u64> },
    /// The room's timer ended turn `turn` for everyone.
    ForcedTurnEnd { turn: u32 },
    /// The player in `seat` left the game for good at `turn`.
    Left { turn: u32, seat: Seat },
    /// `name` took `seat` at `turn` (a latecomer, or a player moved there; `Game::reseat`).
    Reseated { turn: u32, seat: Seat, name: String },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActLine {
    turn: u32,
    seat: Seat,
    action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeftLine {
    turn: u32,
    left: Seat,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReseatedLine {
    turn: u32,
    reseated: Seat,
    name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForcedLine {
    turn: u32,
    forced_turn_end: bool,
}

impl Entry {
    /// The entry as one JSON line (without the newline).
    pub fn to_line(&self) -> String {
        match self {
            Entry::Act { turn, seat, action, id } => {
                to_json(&ActLine { turn: *turn, seat: *seat, action: action.clone(), id: *id })
            }
            Entry::ForcedTurnEnd { turn } => to_json(&ForcedLine { turn: *turn, forced_turn_end: true }),
            Entry::Left { turn, seat } => to_json(&LeftLine { turn: *turn, left: *seat }),
            Entry::Reseated { turn, seat, name } => {
                to_json(&ReseatedLine { turn: *turn, reseated: *seat, name: name.clone() })
            }
        }
    }

    pub fn turn(&self) -> u32 {
        match self {
            Entry::Act { turn, .. }
            | Entry::ForcedTurnEnd { turn }
            | Entry::Left { turn, .. }
            | Entry::Reseated { turn, .. } => *turn,
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain structs of strings, numbers and enums always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

/// FNV-1a 64 of a scenario's text, as 16 hex digits.
pub fn content_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A parsed journal.
#[derive(Clone, Debug, PartialEq)]
pub struct Journal {
    pub header: Header,
    pub entries: Vec<Entry>,
}

/// A `serde_json` message without its `at line 1 column N` (each journal line is one JSON text).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(stem) if e.line() == 1 => format!("{stem} at column {}", e.column()),
        Some(stem) => stem.to_owned(),
        None => text,
    }
}

impl Journal {
    pub fn new(header: Header) -> Self {
        Journal { header, entries: Vec::new() }
    }

    /// The client ids of the accepted actions, with the seat each was taken for, in order.
    pub fn ids(&self) -> impl Iterator<Item = (Seat, u64)> + '_ {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Act { seat, id: Some(id), .. } => Some((*seat, *id)),
            _ => None,
        })
    }

    /// The whole journal as text, one line each, every line ending in a newline.
    pub fn to_text(&self) -> String {
        let mut out = self.header.to_line();
        out.push('\n');
        for entry in &self.entries {
            out.push_str(&entry.to_line());
            out.push('\n');
        }
        out
    }

    /// Reads a journal. Errors name the line; a last line cut short (no newline, not JSON) is
    /// reported as truncated.
    pub fn parse(text: &str) -> Result<Journal, JournalError> {
        let pieces: Vec<&str> = text.split('\n').collect();
        // The piece after the last newline; empty when the text ends with a newline.
        let last = pieces.len() - 1;
        let mut header = None;
        let mut entries = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            let line = index + 1;
            let piece = piece.strip_suffix('\r').unwrap_or(piece);
            let incomplete = index == last;
            if incomplete && piece.is_empty() {
                break;
            }
            let value = match serde_json::from_str::<Value>(piece) {
                Ok(v) => v,
                Err(_) if line == 1 && text.trim().is_empty() => return Err(JournalError::Empty),
                Err(_) if line == 1 && !piece.trim_start().starts_with('{') => return Err(JournalError::NotAJournal),
                Err(_) if incomplete && !piece.trim().is_empty() => return Err(JournalError::Truncated),
                Err(_) if line == 1 => return Err(JournalError::NotAJournal),
                Err(_) if piece.trim().is_empty() => {
                    return Err(JournalError::Line { line, message: "empty line".to_owned() });
                }
                Err(e) => {
                    return Err(JournalError::Line {
                        line,
                        message: format!("expected an action: {}", json_message(&e)),
                    });
                }
            };
            if line == 1 {
                header = Some(parse_header(value)?);
            } else {
                entries.push(parse_entry(line, value)?);
            }
        }
        let header = header.ok_or(JournalError::Empty)?;
        Ok(Journal { header, entries })
    }
}

fn parse_header(value: Value) -> Result<Header, JournalError> {
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(JournalError::NotAJournal);
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => return Err(JournalError::Version(v)),
        None => return Err(JournalError::Line { line: 1, message: "the header has no format version".to_owned() }),
    }
    serde_json::from_value(value)
        .map_err(|e| JournalError::Line { line: 1, message: format!("bad header: {}", json_message(&e)) })
}

fn parse_entry(line: usize, value: Value) -> Result<Entry, JournalError> {
    if value.get("left").is_some() {
        let left: LeftLine = serde_json::from_value(value).map_err(|e| JournalError::Line {
            line,
            message: format!("expected a player leaving: {}", json_message(&e)),
        })?;
        return Ok(Entry::Left { turn: left.turn, seat: left.left });
    }
    if value.get("reseated").is_some() {
        let taken: ReseatedLine = serde_json::from_value(value).map_err(|e| JournalError::Line {
            line,
            message: format!("expected a player taking a seat: {}", json_message(&e)),
        })?;
        return Ok(Entry::Reseated { turn: taken.turn, seat: taken.reseated, name: taken.name });
    }
    if value.get("forced_turn_end").is_some() {
        let forced: ForcedLine = serde_json::from_value(value).map_err(|e| JournalError::Line {
            line,
            message: format!("expected a forced turn end: {}", json_message(&e)),
        })?;
        if !forced.forced_turn_end {
            return Err(JournalError::Line {
                line,
                message: "expected a forced turn end: forced_turn_end is false".to_owned(),
            });
        }
        return Ok(Entry::ForcedTurnEnd { turn: forced.turn });
    }
    let act: ActLine = serde_json::from_value(value)
        .map_err(|e| JournalError::Line { line, message: format!("expected an action: {}", json_message(&e)) })?;
    Ok(Entry::Act { turn: act.turn, seat: act.seat, action: act.action, id: act.id })
}

/// Rebuilds a game from its journal and the scenario's text.
pub fn replay(journal: &Journal, scenario_text: &str) -> Result<Game, JournalError> {
    replay_with(journal, scenario_text, |_, _| {})
}

/// Like [`replay`], calling `each` with the game and the events of every step: first the start,
/// then each entry in order. A transcript printed from these is the one the room printed.
pub fn replay_with(
    journal: &Journal,
    scenario_text: &str,
    mut each: impl FnMut(&Game, &[Stamped]),
) -> Result<Game, JournalError> {
    let header = &journal.header;
    let actual = content_hash(scenario_text);
    if actual != header.hash {
        return Err(JournalError::ScenarioChanged {
            id: header.scenario.clone(),
            recorded: header.hash.clone(),
            actual,
        });
    }
    let file = format!("scenarios/{}.ron", header.scenario);
    let scenario = crate::scenario::parse(&file, scenario_text).map_err(|e| JournalError::Scenario(e.to_string()))?;
    let mut game = Game::new(scenario, header.seed)
        .map_err(|e| JournalError::Scenario(e.to_string()))?
        .with_difficulty(header.difficulty);
    for SeatName { seat, name } in &header.seats {
        game.seat(*seat, name);
    }
    let started = game.start();
    each(&game, &started);
    for (index, entry) in journal.entries.iter().enumerate() {
        // The header is line 1.
        let line = index + 2;
        if entry.turn() != game.turn() {
            return Err(JournalError::TurnMismatch { line, recorded: entry.turn(), actual: game.turn() });
        }
        let events = apply_entry(&mut game, entry).map_err(|error| JournalError::Refused { line, error })?;
        each(&game, &events);
    }
    Ok(game)
}

/// Plays one journal entry on `game`, as the room did: the events it brought, or the rule that
/// refused it. The caller checks the turn.
pub fn apply_entry(game: &mut Game, entry: &Entry) -> Result<Vec<Stamped>, RuleError> {
    Ok(match entry {
        Entry::Act { seat, action, .. } => game.act(*seat, action)?,
        Entry::ForcedTurnEnd { .. } => game.force_turn(),
        Entry::Left { seat, .. } => game.leave(*seat),
        Entry::Reseated { seat, name, .. } => game.reseat(*seat, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header::new(
            7,
            "first-deploy",
            "(id: \"first-deploy\")",
            vec![SeatName { seat: Seat::Liaison, name: "Lee".into() }],
        )
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(content_hash(""), "cbf29ce484222325");
        assert_eq!(content_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(content_hash("foobar"), "85944171f73967e8");
    }

    #[test]
    fn lines_look_like_the_documented_format() {
        assert_eq!(
            header().to_line(),
            r#"{"format":"kombat-journal","version":1,"seed":7,"scenario":"first-deploy","hash":"#.to_owned()
                + &format!("\"{}\"", content_hash("(id: \"first-deploy\")"))
                + r#","seats":[{"seat":"Liaison","name":"Lee"}],"difficulty":"normal"}"#
        );
        let act =
            Entry::Act { turn: 2, seat: Seat::Troubleshooter(0), action: Action::Command("get pods".into()), id: None };
        assert_eq!(act.to_line(), r#"{"turn":2,"seat":{"Troubleshooter":0},"action":{"Command":"get pods"}}"#);
        let tagged = Entry::Act { turn: 2, seat: Seat::Liaison, action: Action::EndTurn, id: Some(7) };
        assert_eq!(tagged.to_line(), r#"{"turn":2,"seat":"Liaison","action":"EndTurn","id":7}"#);
        assert_eq!(Entry::ForcedTurnEnd { turn: 3 }.to_line(), r#"{"turn":3,"forced_turn_end":true}"#);
        let left = Entry::Left { turn: 2, seat: Seat::Troubleshooter(1) };
        assert_eq!(left.to_line(), r#"{"turn":2,"left":{"Troubleshooter":1}}"#);
        let parsed = parse_entry(3, serde_json::from_str(&left.to_line()).expect("json")).expect("parses");
        assert_eq!(parsed, left);
        let taken = Entry::Reseated { turn: 2, seat: Seat::Troubleshooter(1), name: "Ana".into() };
        assert_eq!(taken.to_line(), r#"{"turn":2,"reseated":{"Troubleshooter":1},"name":"Ana"}"#);
        let parsed = parse_entry(4, serde_json::from_str(&taken.to_line()).expect("json")).expect("parses");
        assert_eq!(parsed, taken);
    }

    #[test]
    fn a_latecomer_in_an_empty_troubleshooter_seat_acts_and_replays() {
        let text = crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, t)| t)
            .expect("a built-in");
        let scenario = crate::scenario::parse("s.ron", text).expect("parses");
        let mut game = Game::new(scenario, 5).expect("builds");
        game.seat(Seat::Liaison, "Lee");
        game.seat(Seat::Troubleshooter(0), "Tam");
        game.start();
        let late = Seat::Troubleshooter(1);
        assert!(game.act(late, &Action::Command("kubectl get pods".into())).is_err(), "nobody sits there yet");
        let events = game.reseat(late, "Ana");
        assert!(matches!(&events[..], [s] if matches!(&s.event, crate::game::Event::Reseated { points: Some(_), .. })));
        assert_eq!(game.seats.get(&late).map(String::as_str), Some("Ana"));
        game.act(late, &Action::Command("kubectl get pods".into())).expect("the latecomer runs a command");
        let mut journal = Journal::new(Header::for_game(&game, 5, text));
        journal.header.seats.retain(|s| s.seat != late);
        journal.entries.push(Entry::Reseated { turn: 0, seat: late, name: "Ana".into() });
        journal.entries.push(Entry::Act {
            turn: 0,
            seat: late,
            action: Action::Command("kubectl get pods".into()),
            id: None,
        });
        let replayed = replay(&journal, text).expect("replays");
        assert_eq!(replayed.seats, game.seats);
        assert_eq!(replayed.points, game.points);
        assert_eq!(replayed.console.len(), game.console.len());
    }

    #[test]
    fn parse_reads_back_what_to_text_writes() {
        let mut journal = Journal::new(header());
        journal.entries.push(Entry::Act {
            turn: 0,
            seat: Seat::Liaison,
            action: Action::CustomerChat("a\nb \"c\"".into()),
            id: Some(u64::MAX),
        });
        journal.entries.push(Entry::ForcedTurnEnd { turn: 0 });
        journal.entries.push(Entry::Act { turn: 1, seat: Seat::Liaison, action: Action::EndTurn, id: None });
        assert_eq!(Journal::parse(&journal.to_text()), Ok(journal.clone()));
        // A complete last line without its newline still counts.
        let text = journal.to_text();
        assert_eq!(Journal::parse(text.trim_end()), Ok(journal));
    }

    #[test]
    fn ids_are_optional_and_replay_ignores_them() {
        let text = format!(
            "{}\n{}\n{}\n",
            header().to_line(),
            r#"{"turn":0,"seat":"Liaison","action":{"TeamChat":"old line, no id"}}"#,
            r#"{"turn":0,"seat":"Liaison","action":{"TeamChat":"new line"},"id":42}"#,
        );
        let journal = Journal::parse(&text).expect("both kinds of line read");
        assert_eq!(
            journal.entries,
            vec![
                Entry::Act {
                    turn: 0,
                    seat: Seat::Liaison,
                    action: Action::TeamChat("old line, no id".into()),
                    id: None
                },
                Entry::Act { turn: 0, seat: Seat::Liaison, action: Action::TeamChat("new line".into()), id: Some(42) },
            ]
        );
        assert_eq!(journal.ids().collect::<Vec<_>>(), vec![(Seat::Liaison, 42)]);
        assert!(matches!(Journal::parse(&text.replace("42", "\"x\"")), Err(JournalError::Line { line: 3, .. })));

        let source = crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, text)| text)
            .expect("the default scenario");
        let seats = vec![SeatName { seat: Seat::Liaison, name: "Lee".into() }];
        let mut with = Journal::new(Header::new(3, crate::scenario::DEFAULT_ID, source, seats));
        let mut without = with.clone();
        for (n, text) in ["one", "two"].iter().enumerate() {
            let action = Action::TeamChat((*text).to_owned());
            with.entries.push(Entry::Act { turn: 0, seat: Seat::Liaison, action: action.clone(), id: Some(n as u64) });
            without.entries.push(Entry::Act { turn: 0, seat: Seat::Liaison, action, id: None });
        }
        let a = replay(&with, source).expect("replays");
        let b = replay(&without, source).expect("replays");
        assert_eq!(a.log, b.log);
        assert_eq!(a.team_chat.len(), 2);
    }

    #[test]
    fn the_difficulty_is_recorded_and_old_headers_read_as_normal() {
        let source = crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, text)| text)
            .expect("the default scenario");
        let seats = vec![
            SeatName { seat: Seat::Liaison, name: "Lee".into() },
            SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
        ];
        let hard =
            Header { difficulty: Difficulty::Hard, ..Header::new(3, crate::scenario::DEFAULT_ID, source, seats) };
        let line = hard.to_line();
        assert!(line.ends_with(r#""difficulty":"hard"}"#), "{line}");
        let game = replay(&Journal::new(hard.clone()), source).expect("replays");
        assert_eq!((game.difficulty, game.points_per_turn()), (Difficulty::Hard, 3));

        // A header written before the field existed.
        let old = line.replace(r#","difficulty":"hard""#, "");
        let journal = Journal::parse(&format!("{old}\n")).expect("reads");
        assert_eq!(journal.header.difficulty, Difficulty::Normal);
        let game = replay(&journal, source).expect("replays");
        assert_eq!((game.difficulty, game.points_per_turn()), (Difficulty::Normal, 4));
    }
}
