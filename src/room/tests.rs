//! The room as an actor: seats, actions and refusals through the handle, broadcasts, the journal it
//! writes (and that it replays to the same game), the turn timer on paused tokio time.

use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::game::journal::{self, Journal};
use crate::scenario;

fn source() -> &'static str {
    scenario::builtin_sources()
        .find(|(id, _)| *id == scenario::DEFAULT_ID)
        .map(|(_, text)| text)
        .expect("default exists")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-room-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn room(dir: &std::path::Path, timer: Option<Duration>) -> RoomHandle {
    room_keeping(dir, timer, true)
}

fn room_keeping(dir: &std::path::Path, timer: Option<Duration>, keep_result: bool) -> RoomHandle {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let game = Game::new(s, 5).expect("builds");
    let config = RoomConfig {
        seed: 5,
        scenario_text: source().into(),
        data_dir: Some(dir.to_path_buf()),
        turn_timer: timer,
        keep_result,
    };
    RoomHandle::spawn(game, config)
}

#[tokio::test(flavor = "current_thread")]
async fn only_a_room_that_keeps_results_adds_to_the_results_file() {
    for keep in [true, false] {
        let dir = temp_dir(&format!("results-{keep}"));
        let handle = room_keeping(&dir, None, keep);
        handle.join(Seat::Liaison, "Lee").await.expect("joins");
        handle.join(Seat::GameMaster, "Gil").await.expect("joins");
        handle.start().await.expect("starts");
        assert_eq!(handle.records().await.expect("open").postmortem, None, "not before the end");
        handle.act(Seat::GameMaster, Action::EndGame).await.expect("ends");
        // Asked after the end, the postmortem is written, whether or not the result is kept.
        let records = handle.records().await.expect("still open");
        let postmortem = records.postmortem.expect("a postmortem");
        assert!(postmortem.starts_with(files::postmortems_dir(&dir)), "{}", postmortem.display());
        assert_eq!(files::read_results(&dir).len(), usize::from(keep), "keep_result {keep}");
        assert_eq!(handle.end().await.expect("ends").postmortem, Some(postmortem));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_room_plays_journals_and_replays_to_the_same_game() {
    let dir = temp_dir("play");
    let handle = room(&dir, None);
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    handle.join(Seat::Troubleshooter(0), "Tam").await.expect("joins");
    let mut events = handle.subscribe().await.expect("subscribes");
    let opening = handle.start().await.expect("starts");
    assert!(matches!(opening[0].event, Event::Started { points: 4 }));
    assert!(matches!(&opening[1].event, Event::Chat { text, .. } if text.starts_with("Hi, this is Dana")));
    assert_eq!(handle.join(Seat::Spectator(0), "late").await, Err(RoomError::Started));
    assert_eq!(handle.start().await, Err(RoomError::Started));

    let err = handle.act(Seat::Liaison, Action::Command("get pods".into())).await.expect_err("refused");
    assert_eq!(err, RoomError::Rule(RuleError::NotYourRole("liaison".into())));
    handle.act(Seat::Liaison, Action::CustomerChat("what changed?".into())).await.expect("ok");
    handle.act(Seat::Troubleshooter(0), Action::Command("get pods -n shop".into())).await.expect("ok");
    handle.act(Seat::Liaison, Action::EndTurn).await.expect("ok");
    let last = handle.act(Seat::Troubleshooter(0), Action::EndTurn).await.expect("ok");
    assert!(last.iter().any(|s| matches!(s.event, Event::TurnAdvanced { turn: 1, .. })));

    // Subscribers hear every batch, with the console output of its commands.
    let mut batches = Vec::new();
    for heard in events.waiting() {
        let Heard::Event(RoomEvent::Applied(a)) = heard else { continue };
        batches.push(a);
    }
    assert_eq!(batches.len(), 5, "start, chat, command and two turn ends");
    let outputs: Vec<&str> = batches[2]
        .events
        .iter()
        .filter_map(|s| match &s.event {
            Event::Command { output, .. } => Some(output.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(outputs.len(), 1);
    assert!(outputs[0].starts_with("NAME "), "{outputs:?}");

    let view = handle.view(Seat::Troubleshooter(0)).await.expect("view");
    assert_eq!(view.turn, 1);
    let log = handle.inspect(|g| g.log.clone()).await.expect("inspects");
    let records = handle.end().await.expect("ends");
    assert_eq!(handle.act(Seat::Liaison, Action::EndTurn).await, Err(RoomError::Closed));

    let path = records.journal.expect("a journal was written");
    assert_eq!(path, dir.join("journals").join("first-deploy-5-1.jsonl"));
    let text = std::fs::read_to_string(&path).expect("reads");
    assert_eq!(text.lines().count(), 5, "the header and four accepted actions:\n{text}");
    assert_eq!(text.lines().nth(1), Some(r#"{"turn":0,"seat":"Liaison","action":{"CustomerChat":"what changed?"}}"#));
    let parsed = Journal::parse(&text).expect("parses");
    let replayed = journal::replay(&parsed, source()).expect("replays");
    assert_eq!(replayed.log, log);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_turn_timer_ends_turns_for_everyone() {
    let dir = temp_dir("timer");
    let handle = room(&dir, Some(Duration::from_secs(60)));
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    handle.join(Seat::Troubleshooter(0), "Tam").await.expect("joins");
    let mut events = handle.subscribe().await.expect("subscribes");
    handle.start().await.expect("starts");
    let _ = events.recv().await;
    assert_eq!(handle.turn_left().await, Ok(Some(Duration::from_secs(60))), "the whole turn is left");
    tokio::time::sleep(Duration::from_secs(59)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(0), "not yet");
    assert_eq!(handle.turn_left().await, Ok(Some(Duration::from_secs(1))), "the room counts down");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let Heard::Event(RoomEvent::Applied(applied)) = events.recv().await else { panic!("expected a forced turn") };
    assert!(matches!(applied.events[0].event, Event::TurnAdvanced { turn: 1, .. }));
    assert_eq!(applied.events[0].seat, None);
    // The timer restarts with the new turn.
    tokio::time::sleep(Duration::from_secs(61)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(2));
    let records = handle.end().await.expect("ends");
    let text = std::fs::read_to_string(records.journal.expect("journal")).expect("reads");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines, vec![r#"{"turn":0,"forced_turn_end":true}"#, r#"{"turn":1,"forced_turn_end":true}"#]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[allow(clippy::unnecessary_wraps, reason = "a turn timer is an Option; the tests compare against it")]
fn secs(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_game_master_extends_skips_pauses_and_changes_the_turn_timer() {
    let dir = temp_dir("gm-timer");
    let handle = room(&dir, secs(60));
    for (seat, name) in [(Seat::Liaison, "Lee"), (Seat::Troubleshooter(0), "Tam"), (Seat::GameMaster, "Gil")] {
        handle.join(seat, name).await.expect("joins");
    }
    handle.start().await.expect("starts");
    let gm = |action: Action| {
        let handle = handle.clone();
        async move { handle.act(Seat::GameMaster, action).await }
    };

    // Extend: the current turn gets more time, once.
    tokio::time::sleep(Duration::from_secs(50)).await;
    assert_eq!(handle.turn_left().await, Ok(secs(10)));
    gm(Action::ExtendTurn(30)).await.expect("extends");
    assert_eq!(handle.turn_left().await, Ok(secs(40)), "every seat's countdown reads this after the next view");
    tokio::time::sleep(Duration::from_secs(39)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(0), "the extra time holds the turn open");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(1));
    assert_eq!(handle.turn_left().await, Ok(secs(59)), "the next turn, a second in, got the timer's whole turn");

    // Change: the current turn gets the new figure from now, and so does every turn after it.
    gm(Action::SetTurnTimer(Some(20))).await.expect("sets");
    assert_eq!(handle.turn_left().await, Ok(secs(20)));
    tokio::time::sleep(Duration::from_secs(21)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(2));
    assert_eq!(handle.turn_left().await, Ok(secs(19)), "a second into a turn of 20");

    // Skip: the turn ends now, for everyone, and the next one starts with a whole turn.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let skipped = gm(Action::SkipTurn).await.expect("skips");
    assert_eq!(skipped[0].event, Event::TurnSkipped);
    assert!(matches!(skipped[1].event, Event::TurnAdvanced { turn: 3, .. }), "{skipped:?}");
    assert_eq!(handle.turn_left().await, Ok(secs(20)));

    // Pause: the turn keeps what it had left, however long the pause, and gets it back.
    tokio::time::sleep(Duration::from_secs(5)).await;
    gm(Action::Pause).await.expect("pauses");
    assert_eq!(handle.turn_left().await, Ok(None), "no countdown while paused");
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(3), "a paused game's turn does not run out");
    gm(Action::ExtendTurn(10)).await.expect("extends while paused");
    gm(Action::Resume).await.expect("resumes");
    assert_eq!(handle.turn_left().await, Ok(secs(25)), "15 s were left, and 10 more given");

    // Off: no countdown and no forced turn ends; nothing left to extend.
    gm(Action::SetTurnTimer(None)).await.expect("turns it off");
    assert_eq!(handle.turn_left().await, Ok(None));
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(3));
    assert_eq!(gm(Action::ExtendTurn(30)).await, Err(RoomError::NoTimer));
    assert_eq!(gm(Action::ExtendTurn(0)).await, Err(RoomError::NoTimer), "the room refuses first");
    gm(Action::SetTurnTimer(Some(45))).await.expect("sets again");
    assert_eq!(handle.turn_left().await, Ok(secs(45)));
    assert_eq!(gm(Action::SetTurnTimer(Some(1))).await, Err(RoomError::Rule(RuleError::TimerRange)));

    let log = handle.inspect(|g| g.log.clone()).await.expect("inspects");
    let records = handle.end().await.expect("ends");
    let text = std::fs::read_to_string(records.journal.expect("journal")).expect("reads");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        lines,
        vec![
            r#"{"turn":0,"seat":"GameMaster","action":{"ExtendTurn":30}}"#,
            r#"{"turn":0,"forced_turn_end":true}"#,
            r#"{"turn":1,"seat":"GameMaster","action":{"SetTurnTimer":20}}"#,
            r#"{"turn":1,"forced_turn_end":true}"#,
            r#"{"turn":2,"seat":"GameMaster","action":"SkipTurn"}"#,
            r#"{"turn":3,"seat":"GameMaster","action":"Pause"}"#,
            r#"{"turn":3,"seat":"GameMaster","action":{"ExtendTurn":10}}"#,
            r#"{"turn":3,"seat":"GameMaster","action":"Resume"}"#,
            r#"{"turn":3,"seat":"GameMaster","action":{"SetTurnTimer":null}}"#,
            r#"{"turn":3,"seat":"GameMaster","action":{"SetTurnTimer":45}}"#,
        ]
    );
    let replayed = journal::replay(&Journal::parse(&text).expect("parses"), source()).expect("replays");
    assert_eq!(replayed.log, log);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_timer_the_game_master_set_survives_a_restore() {
    let dir = temp_dir("gm-restore");
    let handle = room(&dir, None);
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    handle.join(Seat::GameMaster, "Gil").await.expect("joins");
    handle.start().await.expect("starts");
    handle.act(Seat::GameMaster, Action::SetTurnTimer(Some(30))).await.expect("sets");
    let path = handle.journal().await.expect("open").expect("a journal");
    drop(handle);

    let (file, reopened) = files::JournalFile::reopen(&path).expect("reopens");
    let game = journal::replay(&Journal::parse(&reopened.text).expect("parses"), source()).expect("replays");
    assert_eq!(turn_timer_of(&game, None), secs(30));
    let config = RoomConfig {
        seed: 5,
        scenario_text: source().into(),
        data_dir: Some(dir.clone()),
        turn_timer: secs(90),
        keep_result: true,
    };
    let handle = RoomHandle::restore(game, config, file);
    assert_eq!(handle.turn_left().await, Ok(secs(30)), "the game master's timer, not the host's");
    let _ = handle.end().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "current_thread")]
async fn a_room_without_a_data_dir_keeps_nothing_on_disk() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let handle = RoomHandle::spawn(Game::new(s, 1).expect("builds"), RoomConfig::default());
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    handle.start().await.expect("starts");
    assert_eq!(handle.turn_left().await, Ok(None), "no timer, no countdown");
    assert_eq!(handle.end().await, Ok(Records::default()));
}

#[tokio::test(flavor = "current_thread")]
async fn an_unwritable_data_dir_is_reported_not_fatal() {
    let file = std::env::temp_dir().join(format!("kombat-room-notadir-{}", std::process::id()));
    std::fs::write(&file, "a file, not a directory").expect("writes");
    let handle = room(&file, None);
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    let mut events = handle.subscribe().await.expect("subscribes");
    handle.start().await.expect("starts");
    let Heard::Event(RoomEvent::Warning(w)) = events.recv().await else { panic!("expected a warning") };
    assert!(w.starts_with("cannot start the journal in "), "{w}");
    assert!(handle.act(Seat::Liaison, Action::TeamChat("still playing".into())).await.is_ok());
    let _ = std::fs::remove_file(&file);
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_restored_room_goes_on_with_the_same_journal_and_restarts_the_timer() {
    let dir = temp_dir("restore");
    let handle = room(&dir, None);
    handle.join(Seat::Liaison, "Lee").await.expect("joins");
    handle.join(Seat::Troubleshooter(0), "Tam").await.expect("joins");
    assert_eq!(handle.journal().await, Ok(None), "no journal before the start");
    handle.start().await.expect("starts");
    handle.act_tagged(Seat::Liaison, Action::TeamChat("before".into()), Some(4)).await.expect("ok");
    let refused = handle.act_tagged(Seat::Liaison, Action::Command("get pods".into()), Some(5)).await;
    assert!(refused.is_err(), "refused acts are not journaled");
    let path = handle.journal().await.expect("open").expect("a journal");
    // The server dies: the room is dropped without ending.
    drop(handle);

    let (file, reopened) = files::JournalFile::reopen(&path).expect("reopens");
    let parsed = Journal::parse(&reopened.text).expect("parses");
    assert_eq!(parsed.ids().collect::<Vec<_>>(), vec![(Seat::Liaison, 4)]);
    let game = journal::replay(&parsed, source()).expect("replays");
    let config = RoomConfig {
        seed: 5,
        scenario_text: source().into(),
        data_dir: Some(dir.clone()),
        turn_timer: Some(Duration::from_secs(60)),
        keep_result: false,
    };
    let handle = RoomHandle::restore(game, config, file);
    assert_eq!(handle.journal().await, Ok(Some(path.clone())));
    let mut events = handle.subscribe().await.expect("subscribes");
    handle.act_tagged(Seat::Troubleshooter(0), Action::TeamChat("after".into()), Some(1)).await.expect("ok");
    let _ = events.recv().await;
    tokio::time::sleep(Duration::from_secs(59)).await;
    assert_eq!(handle.inspect(Game::turn).await, Ok(0), "the timer started again at the restore");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let Heard::Event(RoomEvent::Applied(applied)) = events.recv().await else { panic!("expected a forced turn") };
    assert!(matches!(applied.events[0].event, Event::TurnAdvanced { turn: 1, .. }));
    let said = handle.inspect(|g| g.team_chat.iter().map(|l| l.text.clone()).collect::<Vec<_>>()).await;
    assert_eq!(said, Ok(vec!["before".to_owned(), "after".to_owned()]));
    let log = handle.inspect(|g| g.log.clone()).await.expect("inspects");
    let records = handle.end().await.expect("ends");
    assert_eq!(records.journal.as_ref(), Some(&path), "the same file");

    let text = std::fs::read_to_string(&path).expect("reads");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        lines,
        vec![
            r#"{"turn":0,"seat":"Liaison","action":{"TeamChat":"before"},"id":4}"#,
            r#"{"turn":0,"seat":{"Troubleshooter":0},"action":{"TeamChat":"after"},"id":1}"#,
            r#"{"turn":0,"forced_turn_end":true}"#,
        ]
    );
    let replayed = journal::replay(&Journal::parse(&text).expect("parses"), source()).expect("replays");
    assert_eq!(replayed.log, log);
    let _ = std::fs::remove_dir_all(&dir);
}
