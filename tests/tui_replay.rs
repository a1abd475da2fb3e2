//! The replay screen (the debrief on the projector): a finished game's journal stepped through
//! on the game screen, any seat's view as it was at that step. Snapshots of a seat's view at
//! several moments (the start, after the first command, the end) and of switching seats; the
//! title menu's "Replay a game" and its list of journals; a bad or truncated journal is a clear
//! error on the screen and on the command line, never a panic.

mod screen;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use insta::assert_snapshot;
use kombat::game::journal::{Entry, Header, Journal, SeatName};
use kombat::game::replay::{Moment, Replay};
use kombat::game::{Action, Game, Phase, Seat};
use kombat::scenario;
use kombat::tui::app::{App, Effect, JournalFile, MenuItem, Msg, ReplayScreen, Screen, update};
use kombat::tui::catalog;
use kombat::tui::journals;
use kombat::tui::keymap::Keymap;
use kombat::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use screen::draw;

fn source() -> &'static str {
    scenario::builtin_sources().find(|(id, _)| *id == scenario::DEFAULT_ID).map(|(_, t)| t).expect("default exists")
}

/// A game of the default scenario played to its end, as its journal: the troubleshooter looks,
/// the liaison asks the customer, the cause is declared and fixed, and turns end until the game
/// is over.
fn played() -> Journal {
    let seats = vec![
        SeatName { seat: Seat::Liaison, name: "Lee".into() },
        SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
    ];
    let mut journal = Journal::new(Header::new(5, scenario::DEFAULT_ID, source(), seats.clone()));
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let cause = s.game.all_causes().first().cloned().expect("a cause");
    let mut game = Game::new(s, 5).expect("builds");
    for SeatName { seat, name } in &seats {
        game.seat(*seat, name);
    }
    game.start();
    let mut act = |game: &mut Game, seat: Seat, action: Action| {
        journal.entries.push(Entry::Act { turn: game.turn(), seat, action: action.clone(), id: None });
        game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
    };
    let ts = Seat::Troubleshooter(0);
    act(&mut game, ts, Action::Command("get pods -n shop".into()));
    act(&mut game, Seat::Liaison, Action::CustomerChat("Hi Dana, we are on it. What changed recently?".into()));
    act(&mut game, ts, Action::TeamChat("web pods cannot pull their image".into()));
    act(&mut game, Seat::Liaison, Action::DeclareCause(cause));
    act(
        &mut game,
        ts,
        Action::Command("set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop".into()),
    );
    for _ in 0..10 {
        if matches!(game.phase, Phase::Ended(_)) {
            break;
        }
        act(&mut game, Seat::Liaison, Action::EndTurn);
        act(&mut game, ts, Action::EndTurn);
    }
    assert!(matches!(game.phase, Phase::Ended(_)), "the game ends");
    journal
}

fn replay() -> Arc<Replay> {
    Arc::new(Replay::new(&played(), source()).expect("replays"))
}

fn new_app() -> App {
    App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn replay_of(app: &App) -> &ReplayScreen {
    match &app.screen {
        Screen::Replay(r) => r,
        other => panic!("not the replay screen: {other:?}"),
    }
}

/// The replay screen as `kombat replay FILE --screen` opens it.
fn on_screen() -> App {
    let mut app = new_app();
    app.screen = Screen::Replay(Box::new(ReplayScreen::new(replay(), true)));
    app
}

#[test]
fn a_seat_s_view_at_the_start_after_the_first_command_and_at_the_end() {
    let mut app = on_screen();
    assert_eq!((replay_of(&app).step(), replay_of(&app).seat()), (0, Seat::Liaison));
    assert_snapshot!("replay_start_liaison_80x24", draw(&app, 80, 24));
    assert_snapshot!("replay_start_liaison_160x48", draw(&app, 160, 48));

    // The troubleshooter's console is empty at the start and holds the command one step later.
    press(&mut app, KeyCode::Tab);
    assert_eq!(replay_of(&app).seat(), Seat::Troubleshooter(0));
    let start = draw(&app, 160, 48);
    assert!(!start.contains("$ get pods -n shop"), "{start}");
    press(&mut app, KeyCode::Right);
    assert_eq!(replay_of(&app).step(), 1);
    let after = draw(&app, 160, 48);
    assert!(after.contains("get pods -n shop"), "{after}");
    assert_snapshot!("replay_first_command_troubleshooter_160x48", after);
    assert_snapshot!("replay_first_command_troubleshooter_80x24", draw(&app, 80, 24));

    // Back one step is the start again; the last moment is the end, with the outcome.
    press(&mut app, KeyCode::Left);
    assert_eq!(draw(&app, 160, 48), start, "stepping back shows the step as it was");
    while replay_of(&app).step() < replay_of(&app).replay.last() {
        press(&mut app, KeyCode::Char(']'));
    }
    let end = draw(&app, 160, 48);
    assert!(end.contains("RESOLVED"), "{end}");
    assert_snapshot!("replay_end_troubleshooter_160x48", end);
    // Past the end nothing moves.
    press(&mut app, KeyCode::Right);
    assert_eq!(replay_of(&app).step(), replay_of(&app).replay.last());
}

#[test]
fn switching_seats_shows_what_each_role_saw_at_the_same_step() {
    let mut app = on_screen();
    // After the liaison's question to the customer (step 2).
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    let step = replay_of(&app).step();
    let mut seen = Vec::new();
    for _ in 0..replay_of(&app).replay.seats().len() {
        let seat = replay_of(&app).seat();
        let frame = draw(&app, 160, 48);
        let name = match seat {
            Seat::Liaison => "liaison",
            Seat::Troubleshooter(_) => "troubleshooter",
            Seat::Customer(_) => "customer",
            Seat::GameMaster => "game_master",
            Seat::Spectator(_) => "board",
        };
        assert_snapshot!(format!("replay_seat_{name}_160x48"), frame.clone());
        seen.push((seat, frame));
        press(&mut app, KeyCode::Tab);
        assert_eq!(replay_of(&app).step(), step, "switching seats keeps the step");
    }
    assert_eq!(replay_of(&app).seat(), Seat::Liaison, "the seats go round");
    // The seat's screen under the replay's three rows (which say what the step did, for all).
    let frame_of = |wanted: Seat| {
        let frame = seen.iter().find(|(s, _)| *s == wanted).map(|(_, f)| f.as_str()).expect("shown");
        frame.lines().skip(3).collect::<Vec<_>>().join("\n")
    };
    // The liaison and the customer saw the question; the troubleshooter's screen has no
    // customer chat, and the public board shows neither.
    assert!(frame_of(Seat::Liaison).contains("What changed recently?"));
    assert!(frame_of(Seat::Customer(0)).contains("What changed recently?"));
    assert!(!frame_of(Seat::Troubleshooter(0)).contains("What changed recently?"));
    assert!(!frame_of(Seat::Spectator(0)).contains("What changed recently?"));
}

#[test]
fn turns_and_moments_jump_and_the_help_lists_the_replay_keys() {
    let mut app = on_screen();
    press(&mut app, KeyCode::Char('.'));
    let turn_two = replay_of(&app).step();
    let info = replay_of(&app).info().expect("a step").clone();
    assert!(info.what.contains("turn 2 begins"), "{info:?}");
    press(&mut app, KeyCode::Char(','));
    assert_eq!(replay_of(&app).step(), 0, "back to the start of the game");
    // The commands and chats before it are no moments: the next one is the cause declared.
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(replay_of(&app).step(), 4);
    assert_eq!(replay_of(&app).info().map(|i| i.moments.clone()), Some(vec![Moment::CauseDeclared]));
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(replay_of(&app).info().map(|i| i.moments.clone()), Some(vec![Moment::Change]), "the fix");
    press(&mut app, KeyCode::Char('?'));
    let help = draw(&app, 160, 48);
    assert!(help.contains("step back") || help.contains("one step back"), "{help}");
    assert!(turn_two > 0);
}

#[test]
fn the_menu_lists_the_journals_and_opens_one() {
    let mut app = new_app();
    let at = MenuItem::ALL.iter().position(|m| *m == MenuItem::Replay).expect("in the menu");
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    assert_snapshot!("replay_title_80x24", draw(&app, 80, 24));
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::ListJournals]);
    assert!(matches!(app.screen, Screen::Journals(_)));
    let files = vec![
        JournalFile {
            path: PathBuf::from("/data/journals/first-deploy-5-2.jsonl"),
            name: "first-deploy-5-2.jsonl".into(),
        },
        JournalFile {
            path: PathBuf::from("/data/journals/first-deploy-5-1.jsonl"),
            name: "first-deploy-5-1.jsonl".into(),
        },
    ];
    update(&mut app, Msg::Journals(Ok(files)));
    assert_snapshot!("replay_journals_80x24", draw(&app, 80, 24));
    press(&mut app, KeyCode::Down);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::OpenReplay(PathBuf::from("/data/journals/first-deploy-5-1.jsonl"))]
    );
    update(&mut app, Msg::Replay(Ok(replay())));
    assert_eq!(replay_of(&app).step(), 0);
    assert!(!replay_of(&app).standalone);
    // Leaving a replay opened from the menu goes back to the menu, not out of kombat.
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert!(matches!(app.screen, Screen::Title { .. }));
    assert!(!app.quit);

    // From the command line, leaving quits.
    let mut app = on_screen();
    assert_eq!(press(&mut app, KeyCode::Esc), vec![Effect::Quit]);
    assert!(app.quit);
}

/// A fresh directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-replay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("writes");
}

#[test]
fn a_bad_or_truncated_journal_is_a_clear_error() {
    let dir = scratch("bad");
    let good = played().to_text();
    let truncated = dir.join("truncated.jsonl");
    write(&truncated, &good[..good.len() - 20]);
    let error = journals::open(&truncated, None).expect_err("truncated");
    assert!(error.contains("truncated: the last line is incomplete"), "{error}");
    assert!(error.contains("truncated.jsonl"), "the error names the file: {error}");

    let garbage = dir.join("garbage.jsonl");
    write(&garbage, "this is not a journal\n");
    let error = journals::open(&garbage, None).expect_err("not a journal");
    assert!(error.ends_with("line 1: not a kombat journal"), "{error}");
    let missing = journals::open(&dir.join("missing.jsonl"), None).expect_err("missing");
    assert!(missing.starts_with("cannot read"), "{missing}");
    let good_file = dir.join("good.jsonl");
    write(&good_file, &good);
    assert!(journals::open(&good_file, None).is_ok());

    // On the screen: the list stays, with the reason under it.
    let mut app = new_app();
    app.screen = Screen::Journals(Box::default());
    update(&mut app, Msg::Replay(Err(error.clone())));
    assert!(matches!(app.screen, Screen::Journals(_)));
    let frame = draw(&app, 160, 48);
    assert!(frame.contains("not a kombat journal"), "{frame}");

    // On the command line: an error before the terminal is touched, no panic.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["replay", "--screen"])
        .arg(&truncated)
        .env("KOMBAT_DATA_DIR", &dir)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("truncated: the last line is incomplete"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_journals_are_listed_newest_first() {
    let dir = scratch("list");
    assert_eq!(journals::list(&dir), Ok(Vec::new()), "no journals directory yet: nothing to list");
    let journals_dir = dir.join("journals");
    std::fs::create_dir_all(&journals_dir).expect("creates");
    write(&journals_dir.join("old.jsonl"), "{}\n");
    write(&journals_dir.join("notes.txt"), "not a journal\n");
    let old = std::fs::File::options().write(true).open(journals_dir.join("old.jsonl")).expect("opens");
    old.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000)).expect("sets");
    write(&journals_dir.join("new.jsonl"), "{}\n");
    let names: Vec<String> = journals::list(&dir).expect("lists").into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["new.jsonl", "old.jsonl"]);
    let _ = std::fs::remove_dir_all(&dir);
}
