//! Room records on disk: they read back what was written, are replaced whole, name their file in
//! every error, and revive a lobby or a started game (its journal replayed, a line cut by a crash
//! dropped, the acted ids found).

use std::path::PathBuf;

use super::*;
use crate::game::Action;
use crate::game::journal::{Entry, Header, SeatName};

const CODE: &str = "7K3QM-9XW2A";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn source() -> &'static str {
    crate::scenario::builtin_sources()
        .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
        .map(|(_, text)| text)
        .expect("the default scenario")
}

fn record() -> RoomRecord {
    let mut record = RoomRecord::new(CODE, crate::scenario::DEFAULT_ID, source(), 11, Some(Duration::from_secs(90)));
    record.members = vec![
        MemberRecord {
            seat: Seat::Liaison,
            name: "Lee".into(),
            token: Some(format!("{CODE}.{}", "a1".repeat(16))),
            creator: true,
            order: 1,
            ready: true,
        },
        MemberRecord {
            seat: Seat::Troubleshooter(0),
            name: "Tam".into(),
            token: None,
            creator: false,
            order: 2,
            ready: false,
        },
    ];
    record
}

#[test]
fn a_record_reads_back_what_was_written() {
    let dir = temp_dir("roundtrip");
    let rooms = RoomDir::open(&dir).expect("opens");
    let mut record = record();
    rooms.save(&record).expect("saves");
    record.phase = RecordPhase::Playing { journal: "first-deploy-11-1.jsonl".into() };
    rooms.save(&record).expect("replaces");
    let path = rooms.path_of(CODE);
    assert_eq!(path, dir.join("rooms").join(format!("{CODE}.json")));
    let text = std::fs::read_to_string(&path).expect("reads");
    assert_eq!(RoomRecord::parse(&path, &text).expect("parses"), record);
    assert_eq!(record.turn_timer(), Some(Duration::from_secs(90)));
    let listed = rooms.records().expect("lists");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, CODE);
    assert_eq!(listed[0].1.as_ref().expect("reads"), &record);
    rooms.remove(CODE).expect("removes");
    rooms.remove(CODE).expect("a room with no record is fine");
    assert!(rooms.records().expect("lists").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_records_are_errors_that_name_their_file() {
    let dir = temp_dir("bad");
    let rooms = RoomDir::open(&dir).expect("opens");
    let path = |name: &str| dir.join("rooms").join(name);
    let good = record().to_text();
    let cases: Vec<(&str, String, &str)> = vec![
        ("AAAAA-AAAAA.json", "{ torn".into(), "not a room record"),
        ("BBBBB-BBBBB.json", r#"{"format":"something else"}"#.into(), "not a kombat-room record"),
        ("CCCCC-CCCCC.json", good.replace("\"version\": 1", "\"version\": 9"), "version 9 is not supported"),
        ("DDDDD-DDDDD.json", good.clone(), "it is named for DDDDD-DDDDD but holds the room 7K3QM-9XW2A"),
        ("EEEEE-EEEEE.json", good.replace(CODE, "EEEEE-EEEEE").replace("\"Lee\"", "\"\\u001b[2J\""), "a name is"),
        ("FFFFF-FFFFF.json", good.replace("7K3QM-9XW2A\"", "FFFFF-FFFFF\""), "token is not one of this room's"),
    ];
    for (name, text, _) in &cases {
        std::fs::write(path(name), text).expect("writes");
    }
    // What a crash left while replacing a record.
    std::fs::write(path(".AAAAA-AAAAA.json.tmp"), "half").expect("writes");
    let listed = rooms.records().expect("lists");
    assert_eq!(listed.len(), cases.len(), "{listed:?}");
    for ((name, _, expected), (stem, result)) in cases.iter().zip(&listed) {
        assert_eq!(format!("{stem}.json"), *name);
        let message = result.as_ref().expect_err("refused").to_string();
        assert!(message.starts_with(&path(name).display().to_string()), "{message}");
        assert!(message.contains(expected), "{name}: {message}");
    }
    assert!(!path(".AAAAA-AAAAA.json.tmp").exists(), "temporary files are cleaned up");
    assert!(path("AAAAA-AAAAA.json").exists(), "bad records stay on disk");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_server_at_a_time_keeps_rooms_in_a_directory() {
    let dir = temp_dir("lock");
    let first = RoomDir::open(&dir).expect("opens");
    let second = RoomDir::open(&dir).expect_err("locked");
    assert!(matches!(second, RecordError::Locked { .. }), "{second}");
    assert!(second.to_string().ends_with("is in use by another kombat host"), "{second}");
    drop(first);
    RoomDir::open(&dir).expect("free again");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_lobby_revives_as_a_fresh_game_and_an_ended_room_does_not() {
    let dir = temp_dir("lobby");
    let mut record = record();
    let scenarios = Scenarios::default();
    let revived = revive(&record, &dir, &scenarios).expect("revives");
    assert_eq!(revived.game.phase, Phase::Lobby);
    assert!(revived.journal.is_none());
    let again = revive(&record, &dir, &scenarios).expect("revives");
    assert!(Arc::ptr_eq(&revived.game.world.scenario, &again.game.world.scenario), "one parse");
    assert!(Arc::ptr_eq(&revived.scenario_text, &again.scenario_text), "one text");
    record.phase = RecordPhase::Ended;
    assert!(matches!(revive(&record, &dir, &Scenarios::default()), Err(ReviveError::Ended)));
    record.phase = RecordPhase::Playing { journal: "missing.jsonl".into() };
    let err = revive(&record, &dir, &Scenarios::default()).err().expect("no journal");
    assert!(err.to_string().starts_with("cannot read its journal "), "{err}");
}

#[test]
fn a_started_game_revives_from_its_journal_without_a_cut_line() {
    let dir = temp_dir("started");
    let seats = vec![
        SeatName { seat: Seat::Liaison, name: "Lee".into() },
        SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
    ];
    let mut journal = Journal::new(Header::new(11, crate::scenario::DEFAULT_ID, source(), seats));
    let chat = |text: &str| Action::TeamChat(text.to_owned());
    journal.entries.push(Entry::Act { turn: 0, seat: Seat::Liaison, action: chat("one"), id: Some(1) });
    journal.entries.push(Entry::Act { turn: 0, seat: Seat::Troubleshooter(0), action: chat("two"), id: Some(1) });
    journal.entries.push(Entry::Act { turn: 0, seat: Seat::Liaison, action: chat("solo"), id: None });
    journal.entries.push(Entry::Act { turn: 0, seat: Seat::Liaison, action: chat("three"), id: Some(2) });
    let cut = Entry::Act { turn: 0, seat: Seat::Liaison, action: chat("never answered"), id: Some(3) }.to_line();
    let journals = files::journals_dir(&dir);
    std::fs::create_dir_all(&journals).expect("creates");
    let name = "first-deploy-11-1.jsonl";
    std::fs::write(journals.join(name), journal.to_text() + &cut[..cut.len() / 2]).expect("writes");
    let mut record = record();
    record.phase = RecordPhase::Playing { journal: name.into() };

    let scenarios = Scenarios::default();
    let lobby = revive(&RoomRecord { phase: RecordPhase::Lobby, ..record.clone() }, &dir, &scenarios).expect("revives");
    let revived = revive(&record, &dir, &scenarios).expect("revives");
    assert_eq!(revived.game.phase, Phase::Playing);
    assert!(Arc::ptr_eq(&revived.game.world.scenario, &lobby.game.world.scenario), "the replay's parse is shared");
    let said: Vec<&str> = revived.game.team_chat.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(said, vec!["one", "two", "solo", "three"]);
    assert_eq!(revived.acted.get(&Seat::Liaison), Some(&vec![1, 2]));
    assert_eq!(revived.acted.get(&Seat::Troubleshooter(0)), Some(&vec![1]));
    let mut file = revived.journal.expect("the journal goes on");
    assert_eq!(std::fs::read_to_string(&file.path).expect("reads"), journal.to_text(), "the cut line is gone");
    file.write_line(&Entry::ForcedTurnEnd { turn: 0 }.to_line()).expect("appends");
    journal.entries.push(Entry::ForcedTurnEnd { turn: 0 });
    assert_eq!(std::fs::read_to_string(&file.path).expect("reads"), journal.to_text());

    // A journal of another scenario text does not replay: the record is not resumed.
    record.scenario_text = format!("{} ", record.scenario_text).into();
    let err = revive(&record, &dir, &Scenarios::default()).err().expect("refused");
    assert!(err.to_string().contains("does not replay: the scenario first-deploy has changed"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tampered_records_are_refused_field_by_field() {
    let dir = temp_dir("tampered");
    let rooms = RoomDir::open(&dir).expect("opens");
    let good = record().to_text();
    let token = format!("{CODE}.{}", "a1".repeat(16));
    let cases: Vec<(&str, String)> = vec![
        ("turn timer of 0 ms", good.replace("\"turn_timer_ms\": 90000", "\"turn_timer_ms\": 0")),
        (
            "turn timer of 18446744073709551615 ms",
            good.replace("\"turn_timer_ms\": 90000", "\"turn_timer_ms\": 18446744073709551615"),
        ),
        ("is not a plain name", good.replace("\"scenario\": \"first-deploy\"", "\"scenario\": \"../../etc\"")),
        ("more than one creator", good.replace("\"creator\": false", "\"creator\": true")),
        ("join order 0", good.replace("\"order\": 2", "\"order\": 0")),
        ("join order 1", good.replace("\"order\": 2", "\"order\": 1")),
        ("token is not one of this room's", good.replace(&token, &format!("{CODE}.zz"))),
        ("spaces around it", good.replace("\"Tam\"", "\" Tam \"")),
    ];
    assert!(good.contains("\"turn_timer_ms\": 90000") && good.contains("\"order\": 2"), "{good}");
    for (expected, text) in cases {
        let path = rooms.path_of(CODE);
        std::fs::write(&path, &text).expect("writes");
        let listed = rooms.records().expect("lists");
        let message = listed[0].1.as_ref().expect_err(expected).to_string();
        assert!(message.contains(expected), "{expected}: {message}");
    }
    std::fs::write(rooms.path_of(CODE), &good).expect("writes");
    assert!(rooms.records().expect("lists")[0].1.is_ok(), "the untampered record reads");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_record_that_is_a_link_a_device_or_huge_is_not_read() {
    let dir = temp_dir("unbounded");
    let rooms = RoomDir::open(&dir).expect("opens");
    std::os::unix::fs::symlink("/dev/zero", rooms.path_of("AAAAA-AAAAA")).expect("links");
    std::os::unix::fs::symlink("/dev/null", rooms.path_of("BBBBB-BBBBB")).expect("links");
    let huge = File::create(rooms.path_of("CCCCC-CCCCC")).expect("creates");
    huge.set_len(MAX_RECORD + 1).expect("a sparse file");
    let listed = rooms.records().expect("lists, in bounded time and memory");
    let messages: Vec<String> = listed.iter().map(|(_, r)| r.as_ref().expect_err("refused").to_string()).collect();
    assert!(messages[0].contains("not a regular file"), "{messages:?}");
    assert!(messages[1].contains("not a regular file"), "{messages:?}");
    assert!(messages[2].contains("larger than"), "{messages:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_room_keeps_its_difficulty_and_older_records_read_as_normal() {
    let dir = temp_dir("difficulty");
    let rooms = RoomDir::open(&dir).expect("opens");
    let record = RoomRecord { difficulty: Difficulty::Hard, ..record() };
    rooms.save(&record).expect("saves");
    let path = rooms.path_of(CODE);
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(text.contains(r#""difficulty": "hard""#), "the record names it");
    let read = RoomRecord::parse(&path, &text).expect("parses");
    assert_eq!(read.difficulty, Difficulty::Hard);
    let lobby = revive(&read, &dir, &Scenarios::default()).expect("revives");
    assert_eq!((lobby.game.difficulty, lobby.game.points_per_turn()), (Difficulty::Hard, 3));

    // A record written before the field existed.
    let older = text.replace(r#""difficulty": "hard""#, r#""_unused": 0"#).replace(",\n  \"_unused\": 0", "");
    assert_ne!(older, text);
    assert_eq!(RoomRecord::parse(&path, &older).expect("parses").difficulty, Difficulty::Normal);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_break_phase_is_kept_in_version_2_and_older_records_still_read() {
    let path = PathBuf::from("rooms").join(format!("{CODE}.json"));
    // Without a break phase a record is written as version 1, which an older kombat reads.
    let plain = record();
    let text = plain.to_text();
    assert!(text.contains("\"version\": 1") && !text.contains("breaking") && !text.contains("origin"), "{text}");
    assert_eq!(RoomRecord::parse(&path, &text).expect("parses"), plain);
    // A lobby's break phase makes it version 2, and reads back whole.
    let mut lobby = record();
    lobby.breaking = Some(BreakRecord {
        baseline: "shop".into(),
        picks: vec![PickRecord { card: "image-tag-typo".into(), target: "Deployment/shop/web".into() }],
        fairness: Some(Fairness::Fair),
    });
    let text = lobby.to_text();
    assert!(text.contains("\"version\": 2"), "{text}");
    let read = RoomRecord::parse(&path, &text).expect("parses");
    assert_eq!((read.version, &read.breaking), (2, &lobby.breaking));
    // A version 1 record cannot claim one, and a started game keeps no lobby's picks.
    let err = RoomRecord::parse(&path, &text.replace("\"version\": 2", "\"version\": 1")).expect_err("refused");
    assert!(err.to_string().contains("cannot hold a break phase"), "{err}");
    let mut playing = lobby.clone();
    playing.phase = RecordPhase::Playing { journal: "break-shop-11-1.jsonl".into() };
    let err = RoomRecord::parse(&path, &playing.to_text()).expect_err("refused");
    assert!(err.to_string().contains("outside its lobby"), "{err}");
    // A started game behind a break keeps how its incident came about.
    playing.breaking = None;
    playing.origin = Some(BreakOrigin::Composed);
    let read = RoomRecord::parse(&path, &playing.to_text()).expect("parses");
    assert_eq!((read.version, read.origin), (2, Some(BreakOrigin::Composed)));
}
