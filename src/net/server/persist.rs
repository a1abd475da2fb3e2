//! Rooms that outlive their server process. Each room keeps a record in `<data>/rooms/<CODE>.json`
//! (its scenario's full text, seed and turn timer, whether its game started, the file name of its
//! journal, who sits where with their resume tokens, and with a break phase the customer team's
//! picks in the lobby or how the incident came about once started), replaced atomically whenever
//! who sits where, or the composition, changes; the game itself is in the journal, one line per accepted action. A restarted
//! server reads the records back ([`RoomDir::records`]) and rebuilds each room ([`revive`]): a
//! lobby as it was, a started game by replaying its journal. A lock on the directory keeps two
//! servers from sharing it (and `<data>/tournaments/` beside it, where each tournament keeps its
//! own record: `tournament`).
//!
//! ```text
//! {"format":"kombat-room","version":1,"code":"7K3QM-9XW2A","scenario":"first-deploy",
//!  "scenario_text":"…","seed":8812,"turn_timer_ms":null,"phase":{"Playing":{"journal":"first-deploy-8812-1.jsonl"}},
//!  "members":[{"seat":"Liaison","name":"Lee","token":"7K3QM-9XW2A.…","creator":true,"order":1,"ready":false}],
//!  "difficulty":"normal"}
//! ```

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::code;
use super::scenarios::{Scenarios, Shared};
use crate::game::breaking::Fairness;
use crate::game::journal::{self, Journal, JournalError};
use crate::game::tournament::BreakOrigin;
use crate::game::{Difficulty, Game, Phase, Seat};
use crate::room::files::{self, JournalFile};

/// What a record's `format` field says.
pub const FORMAT: &str = "kombat-room";
/// The newest record format this code writes and reads: version 2 added a room's break phase
/// (`breaking` in the lobby, `origin` once its game started). A record that holds neither is
/// still written as version 1, so that an older kombat resumes every room it can read.
pub const VERSION: u32 = 2;
/// The oldest record format this code reads.
pub const OLDEST_VERSION: u32 = 1;
/// The largest record file read: its scenario's text (at most `MAX_SCENARIO_FILE`) and room to
/// spare for the rest. A larger file, or one that is not a regular file, is refused unread.
pub const MAX_RECORD: u64 = files::MAX_SCENARIO_FILE + 256 * 1024;
/// The turn timer a record may hold, in milliseconds: what `kombat host --turn-timer` accepts
/// (5 to 3600 seconds).
pub const TURN_TIMER_MS: std::ops::RangeInclusive<u64> = 5_000..=3_600_000;
/// Players a record may hold (one of each seat a scenario can have, with room to spare).
const MAX_MEMBERS: usize = 1024;
/// The longest scenario id or journal file name a record may hold.
const MAX_FILE_NAME: usize = 255;
/// Picks a break phase's record may hold (a budget buys far fewer cards).
const MAX_PICKS: usize = 64;
/// Holds the lock on the rooms directory while a server keeps its rooms there.
const LOCK: &str = ".lock";

/// Where a room stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordPhase {
    Lobby,
    /// Its game runs; `journal` is the file name of its journal in `<data>/journals/`.
    Playing {
        journal: String,
    },
    /// Its game is over: nothing to resume.
    Ended,
}

/// A player in a seat, as the record keeps them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRecord {
    pub seat: Seat,
    pub name: String,
    /// None once the player gave the seat up during a game.
    pub token: Option<String>,
    pub creator: bool,
    pub order: u64,
    pub ready: bool,
}

/// A lobby's break phase, as the record keeps it: what the customer team has composed so far.
/// The deck is the built-in one and the budget the room's difficulty's; the composer and the
/// proof use the room's seed. The verdict is kept to say whether the picks had been proven: a
/// resumed room proves them again rather than take a file's word for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakRecord {
    /// The baseline's id (`kombat scenario baselines`).
    pub baseline: String,
    /// Each pick, in the order picked.
    pub picks: Vec<PickRecord>,
    /// The proof's verdict on the picks as they stand; none since the last change.
    #[serde(default)]
    pub fairness: Option<Fairness>,
}

/// A card played on a target (`KIND/NAMESPACE/NAME`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickRecord {
    pub card: String,
    pub target: String,
}

/// One room on disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomRecord {
    pub format: String,
    /// As read; a record is written in the oldest version that holds it (`to_text`).
    pub version: u32,
    pub code: String,
    /// The scenario's id.
    pub scenario: String,
    /// Its whole RON text, so that a scenario file changed or gone since cannot break a resume.
    /// Shared with the room and the other rooms of the same scenario, not copied.
    #[serde(serialize_with = "text_out", deserialize_with = "text_in")]
    pub scenario_text: Arc<str>,
    pub seed: u64,
    pub turn_timer_ms: Option<u64>,
    pub phase: RecordPhase,
    pub members: Vec<MemberRecord>,
    /// The room's difficulty; records from before it was kept were normal. A started game
    /// takes it from its journal's header.
    #[serde(default)]
    pub difficulty: Difficulty,
    /// In the lobby of a room with a break phase: the composition so far (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking: Option<BreakRecord>,
    /// Once a game behind a break phase started: how its incident came about (version 2). The
    /// composed incident itself is the record's scenario text, whose hash its journal holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<BreakOrigin>,
}

impl RoomRecord {
    /// A record in this format's version.
    pub fn new(
        code: &str,
        scenario: &str,
        scenario_text: impl Into<Arc<str>>,
        seed: u64,
        turn_timer: Option<Duration>,
    ) -> Self {
        RoomRecord {
            format: FORMAT.to_owned(),
            version: OLDEST_VERSION,
            code: code.to_owned(),
            scenario: scenario.to_owned(),
            scenario_text: scenario_text.into(),
            seed,
            turn_timer_ms: turn_timer.map(|t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
            phase: RecordPhase::Lobby,
            members: Vec::new(),
            difficulty: Difficulty::Normal,
            breaking: None,
            origin: None,
        }
    }

    /// The oldest format version that holds everything this record says.
    pub fn version_needed(&self) -> u32 {
        if self.breaking.is_some() || self.origin.is_some() { VERSION } else { OLDEST_VERSION }
    }

    pub fn turn_timer(&self) -> Option<Duration> {
        self.turn_timer_ms.map(Duration::from_millis)
    }

    /// Reads a record; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<RoomRecord, RecordError> {
        let bad = |message: String| RecordError::Format { path: path.to_path_buf(), message };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
            return Err(bad(format!("not a {FORMAT} record")));
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if (u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&v) => {}
            Some(version) => return Err(RecordError::Version { path: path.to_path_buf(), version }),
            None => return Err(bad("the record has no format version".to_owned())),
        }
        let mut record: RoomRecord = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        if record.version < record.version_needed() {
            return Err(bad(format!("a version {} record cannot hold a break phase", record.version)));
        }
        record.check().map_err(bad)?;
        // As `to_text` would write it.
        record.version = record.version_needed();
        Ok(record)
    }

    /// What a hand edit or a stray file could get wrong.
    /// Every field is checked, as a tampered file could set any of them.
    fn check(&self) -> Result<(), String> {
        if code::normalize_code(&self.code).as_deref() != Some(self.code.as_str()) {
            return Err(format!("{:?} is not a join code", code::shown(&self.code)));
        }
        if !plain_file_name(&self.scenario) || self.scenario.len() > MAX_FILE_NAME {
            return Err(format!("the scenario id {:?} is not a plain name", code::shown(&self.scenario)));
        }
        if self.scenario_text.len() as u64 > files::MAX_SCENARIO_FILE {
            return Err(format!("its scenario text is longer than {} KiB", files::MAX_SCENARIO_FILE / 1024));
        }
        if let Some(ms) = self.turn_timer_ms
            && !TURN_TIMER_MS.contains(&ms)
        {
            return Err(format!(
                "its turn timer of {ms} ms is not between {} and {} seconds",
                TURN_TIMER_MS.start() / 1000,
                TURN_TIMER_MS.end() / 1000
            ));
        }
        if let RecordPhase::Playing { journal } = &self.phase
            && (!plain_file_name(journal) || journal.len() > MAX_FILE_NAME)
        {
            return Err(format!("the journal {:?} is not a file name", code::shown(journal)));
        }
        if self.members.len() > MAX_MEMBERS {
            return Err(format!("it holds {} players, more than {MAX_MEMBERS}", self.members.len()));
        }
        if self.members.iter().filter(|m| m.creator).count() > 1 {
            return Err("it has more than one creator".to_owned());
        }
        if let Some(breaking) = &self.breaking {
            if !matches!(self.phase, RecordPhase::Lobby) {
                return Err("it keeps a break phase outside its lobby".to_owned());
            }
            if !plain_file_name(&breaking.baseline) || breaking.baseline.len() > MAX_FILE_NAME {
                return Err(format!("the baseline {:?} is not a plain name", code::shown(&breaking.baseline)));
            }
            if breaking.picks.len() > MAX_PICKS {
                return Err(format!("its break phase holds {} picks, more than {MAX_PICKS}", breaking.picks.len()));
            }
            if let Some(pick) = breaking
                .picks
                .iter()
                .find(|p| !plain_file_name(&p.card) || p.card.len() > MAX_FILE_NAME || p.target.len() > MAX_FILE_NAME)
            {
                return Err(format!("the pick {:?} is not a card and a target", code::shown(&pick.card)));
            }
        }
        let mut seats = std::collections::BTreeSet::new();
        let mut orders = std::collections::BTreeSet::new();
        for member in &self.members {
            if !seats.insert(member.seat) {
                return Err(format!("two players in the {} seat", member.seat.label()));
            }
            if member.order == 0 || member.order > MAX_MEMBERS as u64 * 1024 || !orders.insert(member.order) {
                return Err(format!("the {} seat's join order {} is out of place", member.seat.label(), member.order));
            }
            if code::check_name(&member.name)? != member.name {
                return Err(format!("the {} seat's name has spaces around it", member.seat.label()));
            }
            if let Some(token) = &member.token
                && code::token_room(token).as_deref() != Some(self.code.as_str())
            {
                return Err(format!("the {} seat's token is not one of this room's", member.seat.label()));
            }
        }
        Ok(())
    }

    /// The record's text, in the oldest format version that holds it.
    pub fn to_text(&self) -> String {
        let record = RoomRecord { version: self.version_needed(), ..self.clone() };
        // Plain structs of strings, numbers and enums always serialize.
        serde_json::to_string_pretty(&record).unwrap_or_default()
    }
}

// serde's `rc` feature is off: a shared text reads and writes as the string it holds.
fn text_out<S: Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

fn text_in<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<str>, D::Error> {
    String::deserialize(deserializer).map(Arc::from)
}

fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a room record: {message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("{}: room record version {version} is not supported (this kombat reads versions {OLDEST_VERSION} to {VERSION})", path.display())]
    Version { path: PathBuf, version: u64 },
    #[error("{}: not a tournament record: {message}", path.display())]
    Tournament { path: PathBuf, message: String },
    #[error("{}: tournament record version {version} is not supported (this kombat reads version {})", path.display(), tournament::TOURNAMENT_VERSION)]
    TournamentVersion { path: PathBuf, version: u64 },
    #[error("{} is in use by another kombat host", path.display())]
    Locked { path: PathBuf },
}

/// The `.json` files of a record folder, by stem, sorted; the temporary files `write_private`
/// leaves behind when a write is cut short (`.<NAME>.json.tmp`) are removed.
fn json_files(dir: &Path, entries: std::fs::ReadDir) -> Result<Vec<(String, PathBuf)>, RecordError> {
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error(dir))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') && name.to_ascii_lowercase().ends_with(".tmp") {
            let _ = std::fs::remove_file(&path);
        } else if let Some(stem) = name.strip_suffix(".json") {
            paths.push((stem.to_owned(), path));
        }
    }
    paths.sort();
    Ok(paths)
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> RecordError + '_ {
    move |source| RecordError::Io { path: path.to_path_buf(), source }
}

/// A record file's name for its room (the part before `.json`), and the record, or why it does
/// not read.
pub type Listed = (String, Result<RoomRecord, RecordError>);

/// The rooms directory of a data directory, locked for this server while it lives.
#[derive(Debug)]
pub struct RoomDir {
    dir: PathBuf,
    _lock: File,
    /// Records written so far (tests bound how often rooms rewrite theirs).
    saves: std::sync::atomic::AtomicU64,
}

impl RoomDir {
    /// Creates `<data>/rooms` if need be and locks it; another server holding it is an error.
    pub fn open(data: &Path) -> Result<RoomDir, RecordError> {
        let dir = files::rooms_dir(data);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let lock_path = dir.join(LOCK);
        let lock =
            File::options().create(true).truncate(false).write(true).open(&lock_path).map_err(io_error(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(RecordError::Locked { path: dir }),
            Err(std::fs::TryLockError::Error(source)) => return Err(RecordError::Io { path: lock_path, source }),
        }
        Ok(RoomDir { dir, _lock: lock, saves: std::sync::atomic::AtomicU64::new(0) })
    }

    pub fn path_of(&self, code: &str) -> PathBuf {
        self.dir.join(format!("{code}.json"))
    }

    /// Writes a room's record in place of the one before.
    pub fn save(&self, record: &RoomRecord) -> Result<(), RecordError> {
        let path = self.path_of(&record.code);
        self.saves.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        files::write_private(&path, record.to_text().as_bytes()).map_err(io_error(&path))
    }

    /// How many records were written through this directory.
    #[cfg(test)]
    pub fn saves(&self) -> u64 {
        self.saves.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Forgets a room; a room with no record is fine.
    pub fn remove(&self, code: &str) -> Result<(), RecordError> {
        let path = self.path_of(code);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(RecordError::Io { path, source: e }),
            _ => Ok(()),
        }
    }

    /// Every record, by file name, with the name the file gives its room; temporary files a crash
    /// left behind are removed.
    pub fn records(&self) -> Result<Vec<Listed>, RecordError> {
        let entries = std::fs::read_dir(&self.dir).map_err(io_error(&self.dir))?;
        Ok(json_files(&self.dir, entries)?
            .into_iter()
            .map(|(stem, path)| {
                let record = read_bounded(&path, MAX_RECORD).and_then(|text| RoomRecord::parse(&path, &text)).and_then(
                    |record| {
                        if record.code == stem {
                            Ok(record)
                        } else {
                            let message = format!("it is named for {stem} but holds the room {}", record.code);
                            Err(RecordError::Format { path: path.clone(), message })
                        }
                    },
                );
                (stem, record)
            })
            .collect())
    }
}

/// A record file's text: a regular file (not a symlink, a device or a directory) of at most
/// `max` bytes ([`MAX_RECORD`] for a room's), read no further than that whatever it claims.
fn read_bounded(path: &Path, max: u64) -> Result<String, RecordError> {
    use std::io::Read;
    let refuse = |message: String| RecordError::Format { path: path.to_path_buf(), message };
    let meta = std::fs::symlink_metadata(path).map_err(io_error(path))?;
    if !meta.file_type().is_file() {
        return Err(refuse("it is not a regular file (a link, a device or a directory); left unread".to_owned()));
    }
    let too_large = || refuse(format!("it is larger than {} KiB; left unread", max / 1024));
    if meta.len() > max {
        return Err(too_large());
    }
    let file = File::open(path).map_err(io_error(path))?;
    let mut text = String::new();
    file.take(max + 1).read_to_string(&mut text).map_err(io_error(path))?;
    if text.len() as u64 > max {
        return Err(too_large());
    }
    Ok(text)
}

/// A room rebuilt from its record.
pub struct Revived {
    pub game: Game,
    /// The record's scenario text, shared with the other rooms of that text.
    pub scenario_text: Arc<str>,
    /// The journal to go on writing, for a started game.
    pub journal: Option<JournalFile>,
    /// The client ids of each seat's accepted actions, oldest first.
    pub acted: BTreeMap<Seat, Vec<u64>>,
}

/// Why a room cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ReviveError {
    #[error("its game had ended")]
    Ended,
    #[error("its scenario does not build: {0}")]
    Scenario(String),
    #[error("cannot read its journal {}: {source}", path.display())]
    JournalFile { path: PathBuf, source: io::Error },
    #[error("its journal {} does not replay: {source}", path.display())]
    Replay { path: PathBuf, source: JournalError },
}

/// Rebuilds a room's game: a fresh one for a lobby, its journal replayed for a started game (a
/// last line cut by a crash is dropped: it was never answered, and its client sends it again).
/// The game shares its scenario with the other rooms of the same text (`scenarios`).
pub fn revive(record: &RoomRecord, data: &Path, scenarios: &Scenarios) -> Result<Revived, ReviveError> {
    let journal_name = match &record.phase {
        RecordPhase::Ended => return Err(ReviveError::Ended),
        RecordPhase::Lobby => None,
        RecordPhase::Playing { journal } => Some(journal),
    };
    let file = format!("{}.ron", record.scenario);
    let Shared { text, scenario } = scenarios
        .share(&record.scenario_text, |text| crate::scenario::parse(&file, text))
        .map_err(|e| ReviveError::Scenario(e.to_string()))?;
    let Some(name) = journal_name else {
        let game = Game::new(scenario, record.seed)
            .map_err(|e| ReviveError::Scenario(e.to_string()))?
            .with_difficulty(record.difficulty);
        return Ok(Revived { game, scenario_text: text, journal: None, acted: BTreeMap::new() });
    };
    let path = files::journals_dir(data).join(name);
    let (file, reopened) =
        JournalFile::reopen(&path).map_err(|source| ReviveError::JournalFile { path: path.clone(), source })?;
    if let Some(cut) = &reopened.cut {
        tracing::warn!(
            code = %record.code,
            journal = %path.display(),
            "the journal's last line was cut by a crash ({} bytes); dropped: its action was never answered",
            cut.len()
        );
    }
    let replayed =
        Journal::parse(&reopened.text).and_then(|journal| journal::replay(&journal, &text).map(|game| (journal, game)));
    let (journal, mut game) = replayed.map_err(|source| ReviveError::Replay { path: path.clone(), source })?;
    if matches!(game.phase, Phase::Ended(_)) {
        return Err(ReviveError::Ended);
    }
    // The replay parsed its own copy of the same text (it checked the journal's hash of it), and
    // a parse depends on the text alone: keep the shared one instead.
    game.world.scenario = scenario;
    let mut acted: BTreeMap<Seat, Vec<u64>> = BTreeMap::new();
    for (seat, id) in journal.ids() {
        acted.entry(seat).or_default().push(id);
    }
    Ok(Revived { game, scenario_text: text, journal: Some(file), acted })
}

pub mod tournament;

#[cfg(test)]
mod tests;
