//! Tournaments that outlive their server process. Each tournament keeps a record in
//! `<data>/tournaments/<CODE>.json`, replaced atomically (like a room's record) when it opens,
//! whenever a team's game changes status or its break's origin changes (a start, a round's
//! results closing), and at each `next`: its code, the incident of the current round (the
//! scenario's whole text, so a composed or file scenario comes back as it was, its seed and
//! difficulty), what a bare `next` plays again, with swapped sides the baseline's title and the
//! baseline a `next NAME` named, the round, every past round's results, and each team's name, room
//! code and standing in the current round as last heard. The games themselves are the rooms'
//! records and journals. A restarted server reads the records back
//! ([`RoomDir::tournament_records`]) and opens each tournament again under its code around its
//! rooms (`Server::resume_rooms`). A tournament has no end but the host's: its record stays.
//!
//! ```text
//! {"format":"kombat-tournament","version":1,"code":"7K3QM-9XW2A","next_scenario":"first-deploy",
//!  "scenario":"first-deploy","scenario_text":"…","seed":42,"difficulty":"normal","swapped":null,
//!  "round":2,"past":[{"round":1,"title":"…","rows":[…]}],
//!  "teams":[{"name":"team 1","code":"9XW2A-7K3QM","standing":null,"origin":null}]}
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{MAX_FILE_NAME, RecordError, io_error, json_files, plain_file_name, read_bounded, text_in, text_out};
use crate::game::Difficulty;
use crate::game::tournament::{BreakOrigin, RoundResult, Standing};
use crate::net::server::code;
use crate::room::files;

/// What a tournament record's `format` field says.
pub const TOURNAMENT_FORMAT: &str = "kombat-tournament";
/// The tournament record format this code writes and reads.
pub const TOURNAMENT_VERSION: u32 = 1;
/// Teams a record may hold (`kombat host --teams` takes 1 to 64).
const MAX_TEAMS: usize = 64;
/// Past rounds a record may hold (a game night plays a handful).
const MAX_ROUNDS: usize = 10_000;
/// The longest team name, title or scenario name a record may hold.
const MAX_TEXT: usize = 4096;
/// The largest tournament record read: its scenario's text and room for many rounds of results.
pub const MAX_TOURNAMENT_RECORD: u64 = files::MAX_SCENARIO_FILE + 8 * 1024 * 1024;

/// With swapped sides: what the rounds break.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwapRecord {
    /// The current round's baseline's title, which the board shows.
    pub title: String,
    /// The current round's baseline's id: a room opened again in this round's lobby breaks on it.
    pub round_baseline: String,
    /// The baseline the last `next NAME` named, which a bare `next` breaks on again; none: the
    /// host's `--baseline`, or the one each round's seed picks.
    pub baseline: Option<String>,
}

/// A team, its room and where it stands in the current round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRecord {
    /// `team 1`, …
    pub name: String,
    /// Its room's join code: the room's own record is `<data>/rooms/<code>.json`.
    pub code: String,
    /// Its standing in the current round as the tournament last heard it; none before its room
    /// reported.
    pub standing: Option<Standing>,
    /// With swapped sides, how its room's incident came about.
    pub origin: Option<BreakOrigin>,
}

/// One tournament on disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentRecord {
    pub format: String,
    pub version: u32,
    /// The projector's code.
    pub code: String,
    /// What a bare `next` plays again: the host's `--scenario`, or the last `next SCENARIO`.
    pub next_scenario: String,
    /// The current round's scenario id.
    pub scenario: String,
    /// Its whole RON text.
    #[serde(serialize_with = "text_out", deserialize_with = "text_in")]
    pub scenario_text: Arc<str>,
    pub seed: u64,
    pub difficulty: Difficulty,
    /// With swapped sides (`--teams N --break`).
    pub swapped: Option<SwapRecord>,
    /// The current round, from 1.
    pub round: u32,
    /// The rounds played before it.
    pub past: Vec<RoundResult>,
    /// In team order.
    pub teams: Vec<TeamRecord>,
}

impl TournamentRecord {
    /// Reads a record; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<TournamentRecord, RecordError> {
        let bad = |message: String| RecordError::Tournament { path: path.to_path_buf(), message };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(TOURNAMENT_FORMAT) {
            return Err(bad(format!("not a {TOURNAMENT_FORMAT} record")));
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(TOURNAMENT_VERSION) => {}
            Some(version) => return Err(RecordError::TournamentVersion { path: path.to_path_buf(), version }),
            None => return Err(bad("the record has no format version".to_owned())),
        }
        let record: TournamentRecord = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        record.check().map_err(bad)?;
        Ok(record)
    }

    /// What a hand edit or a stray file could get wrong: every field, as a tampered file could
    /// set any of them.
    fn check(&self) -> Result<(), String> {
        let is_code = |c: &str| code::normalize_code(c).as_deref() == Some(c);
        let plain_text = |t: &str| t.len() <= MAX_TEXT && !t.chars().any(char::is_control);
        if !is_code(&self.code) {
            return Err(format!("{:?} is not a join code", code::shown(&self.code)));
        }
        if !plain_file_name(&self.scenario) || self.scenario.len() > MAX_FILE_NAME {
            return Err(format!("the scenario id {:?} is not a plain name", code::shown(&self.scenario)));
        }
        if self.next_scenario.is_empty() || !plain_text(&self.next_scenario) {
            return Err("what `next` plays again is not a scenario's name".to_owned());
        }
        if self.scenario_text.len() as u64 > files::MAX_SCENARIO_FILE {
            return Err(format!("its scenario text is longer than {} KiB", files::MAX_SCENARIO_FILE / 1024));
        }
        if let Some(swapped) = &self.swapped {
            if !plain_text(&swapped.title) {
                return Err("the baseline's title is not one line of text".to_owned());
            }
            if !plain_file_name(&swapped.round_baseline) || swapped.round_baseline.len() > MAX_FILE_NAME {
                return Err(format!("the baseline {:?} is not a plain name", code::shown(&swapped.round_baseline)));
            }
            if let Some(baseline) = &swapped.baseline
                && (!plain_file_name(baseline) || baseline.len() > MAX_FILE_NAME)
            {
                return Err(format!("the baseline {:?} is not a plain name", code::shown(baseline)));
            }
        }
        if self.teams.is_empty() || self.teams.len() > MAX_TEAMS {
            return Err(format!("it holds {} teams, not 1 to {MAX_TEAMS}", self.teams.len()));
        }
        if self.swapped.is_some() && self.teams.len() < 2 {
            return Err("swapped sides need at least 2 teams".to_owned());
        }
        let mut codes = std::collections::BTreeSet::from([self.code.as_str()]);
        for team in &self.teams {
            if team.name.is_empty() || !plain_text(&team.name) {
                return Err("a team's name is not one line of text".to_owned());
            }
            if !is_code(&team.code) || !codes.insert(team.code.as_str()) {
                return Err(format!(
                    "{}'s room {:?} is not a join code of its own",
                    team.name,
                    code::shown(&team.code)
                ));
            }
        }
        if self.round == 0 || self.past.len() >= self.round as usize || self.past.len() > MAX_ROUNDS {
            return Err(format!("round {} comes after {} rounds played", self.round, self.past.len()));
        }
        if let Some(past) = self
            .past
            .iter()
            .find(|p| p.round == 0 || p.round >= self.round || p.rows.len() > self.teams.len() || !plain_text(&p.title))
        {
            return Err(format!("the results of round {} do not fit the tournament", past.round));
        }
        Ok(())
    }

    /// The record's text.
    pub fn to_text(&self) -> String {
        // Plain structs of strings, numbers and enums always serialize (a budget left that is not
        // a number writes as null and is refused on reading, never a panic).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A record file's name for its tournament (the part before `.json`), and the record, or why it
/// does not read.
pub type ListedTournament = (String, Result<TournamentRecord, RecordError>);

impl super::RoomDir {
    /// Where tournament records are kept: `<data>/tournaments`, beside `rooms/`, under the same lock.
    fn tournaments(&self) -> PathBuf {
        self.dir.with_file_name("tournaments")
    }

    pub fn tournament_path(&self, code: &str) -> PathBuf {
        self.tournaments().join(format!("{code}.json"))
    }

    /// Writes a tournament's record in place of the one before.
    pub fn save_tournament(&self, record: &TournamentRecord) -> Result<(), RecordError> {
        let dir = self.tournaments();
        files::create_private_dir(&dir).map_err(io_error(&dir))?;
        let path = self.tournament_path(&record.code);
        files::write_private(&path, record.to_text().as_bytes()).map_err(io_error(&path))
    }

    /// Every tournament record, by file name; temporary files a crash left behind are removed. No
    /// directory: none.
    pub fn tournament_records(&self) -> Result<Vec<ListedTournament>, RecordError> {
        let dir = self.tournaments();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(RecordError::Io { path: dir, source: e }),
        };
        Ok(json_files(&dir, entries)?
            .into_iter()
            .map(|(stem, path)| {
                let record = read_bounded(&path, MAX_TOURNAMENT_RECORD)
                    .map_err(|e| match e {
                        RecordError::Format { path, message } => RecordError::Tournament { path, message },
                        other => other,
                    })
                    .and_then(|text| TournamentRecord::parse(&path, &text))
                    .and_then(|record| {
                        if record.code == stem {
                            Ok(record)
                        } else {
                            let message = format!("it is named for {stem} but holds the tournament {}", record.code);
                            Err(RecordError::Tournament { path: path.clone(), message })
                        }
                    });
                (stem, record)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::RoomDir;
    use super::*;
    use crate::game::tournament::{Status, TeamRow};

    const CODE: &str = "7K3QM-9XW2A";
    const ROOMS: [&str; 2] = ["9XW2A-7K3QM", "AAAAA-BBBBB"];

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kombat-tournament-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn won() -> Standing {
        Standing {
            status: Status::Won,
            turn: 6,
            turn_limit: 12,
            second: 1500,
            budget_left: 0.75,
            mood: Some(80),
            grade: None,
            points: Some(640),
        }
    }

    fn record() -> TournamentRecord {
        let text = crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, text)| text)
            .expect("the default scenario");
        TournamentRecord {
            format: TOURNAMENT_FORMAT.to_owned(),
            version: TOURNAMENT_VERSION,
            code: CODE.to_owned(),
            next_scenario: "first-deploy".to_owned(),
            scenario: crate::scenario::DEFAULT_ID.to_owned(),
            scenario_text: Arc::from(text),
            seed: 42,
            difficulty: Difficulty::Hard,
            swapped: Some(SwapRecord {
                title: "A shop".to_owned(),
                round_baseline: "shop".to_owned(),
                baseline: Some("first-deploy".to_owned()),
            }),
            round: 2,
            past: vec![RoundResult {
                round: 1,
                title: "Friday afternoon release".to_owned(),
                rows: vec![TeamRow::fix("team 1", won())],
            }],
            teams: vec![
                TeamRecord {
                    name: "team 1".to_owned(),
                    code: ROOMS[0].to_owned(),
                    standing: Some(won()),
                    origin: Some(BreakOrigin::Composed),
                },
                TeamRecord { name: "team 2".to_owned(), code: ROOMS[1].to_owned(), standing: None, origin: None },
            ],
        }
    }

    #[test]
    fn a_tournament_record_reads_back_what_was_written() {
        let dir = temp_dir("roundtrip");
        let rooms = RoomDir::open(&dir).expect("opens");
        assert!(rooms.tournament_records().expect("lists").is_empty(), "no directory yet: no tournaments");
        let mut record = record();
        rooms.save_tournament(&record).expect("saves");
        record.round = 3;
        record.past.push(RoundResult { round: 2, title: "again".to_owned(), rows: Vec::new() });
        rooms.save_tournament(&record).expect("replaces");
        let path = rooms.tournament_path(CODE);
        assert_eq!(path, dir.join("tournaments").join(format!("{CODE}.json")));
        let listed = rooms.tournament_records().expect("lists");
        assert_eq!(listed.len(), 1, "replaced, not added");
        let (name, read) = &listed[0];
        assert_eq!(name, CODE);
        assert_eq!(read.as_ref().expect("reads"), &record);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a private file");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_or_unknown_tournament_record_is_skipped_naming_its_file() {
        let dir = temp_dir("corrupt");
        let rooms = RoomDir::open(&dir).expect("opens");
        rooms.save_tournament(&record()).expect("saves");
        let tournaments = dir.join("tournaments");
        let newer = record().to_text().replace("\"version\": 1", "\"version\": 9");
        let misnamed = record().to_text();
        let mut doubled = record();
        doubled.teams[1].code = ROOMS[0].to_owned();
        let mut early = record();
        early.round = 1;
        let cases = [
            ("AAAAA-AAAAA.json", "{ torn".to_owned(), "not a tournament record"),
            ("BBBBB-BBBBB.json", newer, "tournament record version 9 is not supported"),
            ("CCCCC-CCCCC.json", misnamed, "named for CCCCC-CCCCC but holds the tournament"),
            ("DDDDD-DDDDD.json", doubled.to_text().replace(CODE, "DDDDD-DDDDD"), "not a join code of its own"),
            ("EEEEE-EEEEE.json", early.to_text().replace(CODE, "EEEEE-EEEEE"), "round 1 comes after 1 rounds"),
            ("FFFFF-FFFFF.json", "{\"format\":\"kombat-room\",\"version\":1}".to_owned(), "not a kombat-tournament"),
        ];
        for (file, text, _) in &cases {
            std::fs::write(tournaments.join(file), text).expect("writes");
        }
        std::fs::write(tournaments.join(".GGGGG-GGGGG.json.tmp"), "half").expect("writes");
        let listed = rooms.tournament_records().expect("lists");
        assert_eq!(listed.len(), cases.len() + 1, "{listed:?}");
        for (file, _, says) in &cases {
            let stem = file.trim_end_matches(".json");
            let (_, read) = listed.iter().find(|(name, _)| name == stem).expect("listed");
            let error = read.as_ref().expect_err("refused").to_string();
            assert!(error.starts_with(&tournaments.join(file).display().to_string()), "{error}");
            assert!(error.contains(says), "{file}: {error}");
        }
        let (_, good) = listed.iter().find(|(name, _)| name == CODE).expect("the good one");
        assert_eq!(good.as_ref().expect("reads"), &record());
        assert!(!tournaments.join(".GGGGG-GGGGG.json.tmp").exists(), "a crash's temporary file is removed");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
