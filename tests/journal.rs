//! The journal: it reads back what it writes; every corrupt or truncated journal gets its exact
//! error with the line; replay refuses a changed scenario, a refused action and a turn out of
//! step; and replaying the journal of any random game rebuilds the same game (log, console,
//! chats, cluster time, score and postmortem text) — a property test over random action sequences.

use kombat::game::journal::{self, Entry, Header, Journal, JournalError, SeatName};
use kombat::game::{Action, Game, IncidentState, RuleError, Seat, Severity};
use kombat::scenario;
use proptest::prelude::*;

fn source() -> &'static str {
    scenario::builtin_sources().find(|(id, _)| *id == scenario::DEFAULT_ID).map(|(_, t)| t).expect("default exists")
}

fn seats() -> Vec<SeatName> {
    vec![
        SeatName { seat: Seat::Liaison, name: "Lee".into() },
        SeatName { seat: Seat::Troubleshooter(0), name: "Tam".into() },
    ]
}

fn header(seed: u64) -> Header {
    Header::new(seed, scenario::DEFAULT_ID, source(), seats())
}

fn new_game(seed: u64) -> Game {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, seed).expect("builds");
    for SeatName { seat, name } in seats() {
        g.seat(seat, &name);
    }
    g.start();
    g
}

/// A small journal: the header, two actions and a forced turn end.
fn sample() -> String {
    let mut j = Journal::new(header(1));
    j.entries.push(Entry::Act {
        turn: 0,
        seat: Seat::Liaison,
        action: Action::CustomerChat("what changed?".into()),
        id: None,
    });
    j.entries.push(Entry::Act {
        turn: 0,
        seat: Seat::Troubleshooter(0),
        action: Action::Command("get pods -n shop".into()),
        id: None,
    });
    j.entries.push(Entry::ForcedTurnEnd { turn: 0 });
    j.to_text()
}

/// The sample with line `n` (1-based) replaced.
fn with_line(n: usize, line: &str) -> String {
    let text = sample();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[n - 1] = line;
    lines.join("\n") + "\n"
}

fn line_error(line: usize, message: &str) -> JournalError {
    JournalError::Line { line, message: message.to_owned() }
}

#[test]
fn a_journal_reads_back_what_it_writes() {
    let text = sample();
    let journal = Journal::parse(&text).expect("parses");
    assert_eq!(journal.header, header(1));
    assert_eq!(journal.entries.len(), 3);
    assert_eq!(journal.to_text(), text, "writing the parsed journal gives the same bytes");
    assert_eq!(
        text.lines().nth(2),
        Some(r#"{"turn":0,"seat":{"Troubleshooter":0},"action":{"Command":"get pods -n shop"}}"#)
    );
    // Every action the game knows survives the trip, text with newlines and quotes included.
    let actions = vec![
        Action::TeamChat("line one\nline \"two\"".into()),
        Action::StatusUpdate { state: IncidentState::Monitoring, text: "fix deployed".into() },
        Action::SetSeverity(Severity::Sev2),
        Action::AskHoldOff,
        Action::DeclareRootCause("image-tag-typo".into()),
        Action::RequestHint,
        Action::EndTurn,
        Action::Reply("ok".into()),
        Action::RateUpdate { update: 0, stars: 4 },
        Action::CauseMishap("rerun-pipeline".into()),
        Action::AnswerHoldOff { accept: false },
        Action::Pause,
        Action::Resume,
        Action::FireInject("x".into()),
        Action::GrantHint,
        Action::SpeakAsCustomer("hi".into()),
        Action::EndGame,
    ];
    let mut j = Journal::new(header(9));
    for (i, action) in actions.into_iter().enumerate() {
        j.entries.push(Entry::Act { turn: i as u32, seat: Seat::GameMaster, action, id: None });
    }
    assert_eq!(Journal::parse(&j.to_text()), Ok(j));
}

#[test]
fn corrupt_journals_get_their_exact_error_with_the_line() {
    let cases: Vec<(String, JournalError)> = vec![
        (String::new(), JournalError::Empty),
        ("\n\n".into(), JournalError::Empty),
        ("hello world\n".into(), JournalError::NotAJournal),
        ("hello".into(), JournalError::NotAJournal),
        (with_line(1, r#"{"format":"something-else","version":1}"#), JournalError::NotAJournal),
        (with_line(1, r#"{"format":"kombat-journal","version":2}"#), JournalError::Version(2)),
        (with_line(1, r#"{"format":"kombat-journal"}"#), line_error(1, "the header has no format version")),
        (
            with_line(1, r#"{"format":"kombat-journal","version":1,"scenario":"first-deploy","hash":"0","seats":[]}"#),
            line_error(1, "bad header: missing field `seed`"),
        ),
        (with_line(3, r#"{"turn":0,"seat":"Liaison"}"#), line_error(3, "expected an action: missing field `action`")),
        (
            with_line(2, r#"{"turn":0,"seat":"Liaison","action":"Dance"}"#),
            line_error(
                2,
                "expected an action: unknown variant `Dance`, expected one of `TeamChat`, `CustomerChat`, `Command`, `StatusUpdate`, `SetSeverity`, `AskHoldOff`, `DeclareRootCause`, `RequestHint`, `EndTurn`, `Reply`, `RateUpdate`, `CauseMishap`, `AnswerHoldOff`, `Pause`, `Resume`, `FireInject`, `GrantHint`, `SpeakAsCustomer`, `EndGame`, `ShareFinding`, `DeclareCause`, `SkipTurn`, `ExtendTurn`, `SetTurnTimer`, `GrantHintTier`, `InjectMessage`",
            ),
        ),
        (
            with_line(2, r#"{"turn":0,"seat":"Janitor","action":"EndTurn"}"#),
            line_error(
                2,
                "expected an action: unknown variant `Janitor`, expected one of `Liaison`, `Troubleshooter`, `Customer`, `GameMaster`, `Spectator`",
            ),
        ),
        (
            with_line(3, r#"{"turn":-1,"seat":"Liaison","action":"EndTurn"}"#),
            line_error(3, "expected an action: invalid value: integer `-1`, expected u32"),
        ),
        (with_line(3, r#"{"turn":0,"#), line_error(3, "expected an action: EOF while parsing a value at column 10")),
        (with_line(2, "not json"), line_error(2, "expected an action: expected ident at column 2")),
        (with_line(3, ""), line_error(3, "empty line")),
        (
            with_line(4, r#"{"turn":0,"forced_turn_end":false}"#),
            line_error(4, "expected a forced turn end: forced_turn_end is false"),
        ),
        (
            with_line(4, r#"{"turn":0,"forced_turn_end":true,"extra":1}"#),
            line_error(4, "expected a forced turn end: unknown field `extra`, expected `turn` or `forced_turn_end`"),
        ),
        (
            with_line(2, r#"{"turn":0,"seat":"Liaison","action":"EndTurn","by":"me"}"#),
            line_error(2, "expected an action: unknown field `by`, expected one of `turn`, `seat`, `action`, `id`"),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(Journal::parse(&text), Err(expected), "for:\n{text}");
    }
    // The messages name the line, as `kombat replay` prints them.
    assert_eq!(
        Journal::parse(&with_line(3, r#"{"turn":0,"seat":"Liaison"}"#)).expect_err("bad").to_string(),
        "line 3: expected an action: missing field `action`"
    );
    assert_eq!(Journal::parse("hello\n").expect_err("bad").to_string(), "line 1: not a kombat journal");
}

#[test]
fn a_journal_cut_short_is_reported_as_truncated() {
    let text = sample();
    let last_line_start = text.trim_end().rfind('\n').expect("several lines") + 1;
    // Cut anywhere inside the last line (but not after its closing brace).
    for cut in last_line_start + 1..text.trim_end().len() {
        let err = Journal::parse(&text[..cut]).expect_err("truncated");
        assert_eq!(err, JournalError::Truncated, "cut at {cut}: {:?}", &text[last_line_start..cut]);
        assert_eq!(err.to_string(), "truncated: the last line is incomplete");
    }
    // Cut inside the header of a one-line journal.
    assert_eq!(Journal::parse(&text[..40]), Err(JournalError::Truncated));
    // Cut right after a complete line (its newline lost): nothing is missing.
    assert_eq!(Journal::parse(text.trim_end()).map(|j| j.entries.len()), Ok(3));
    // Cut in the middle of an earlier line, then more lines: that line is corrupt, not truncated.
    let broken = format!("{}\n{}", &text[..last_line_start - 5], &text[last_line_start..]);
    assert!(
        matches!(Journal::parse(&broken), Err(JournalError::Line { line: 3, .. })),
        "{:?}",
        Journal::parse(&broken)
    );
}

#[test]
fn replay_refuses_a_changed_scenario_a_refused_action_and_a_turn_out_of_step() {
    let journal = Journal::parse(&sample()).expect("parses");
    let changed = format!("{}\n// edited\n", source());
    let err = journal::replay(&journal, &changed).err().expect("refused");
    assert_eq!(
        err,
        JournalError::ScenarioChanged {
            id: "first-deploy".into(),
            recorded: journal::content_hash(source()),
            actual: journal::content_hash(&changed),
        }
    );
    assert!(err.to_string().starts_with("the scenario first-deploy has changed since this game was recorded"));

    let refused = Journal::parse(&with_line(3, r#"{"turn":0,"seat":"Liaison","action":{"Command":"get pods"}}"#))
        .expect("parses");
    let err = journal::replay(&refused, source()).err().expect("refused");
    assert_eq!(err, JournalError::Refused { line: 3, error: RuleError::NotYourRole("liaison".into()) });
    assert_eq!(err.to_string(), "line 3: the game refused the action: the liaison cannot do that");

    let late = Journal::parse(&with_line(2, r#"{"turn":4,"seat":"Liaison","action":"EndTurn"}"#)).expect("parses");
    let err = journal::replay(&late, source()).err().expect("refused");
    assert_eq!(err, JournalError::TurnMismatch { line: 2, recorded: 4, actual: 0 });
    assert_eq!(err.to_string(), "line 2: the journal says turn 4 but the game is at turn 0");

    let replayed = journal::replay(&journal, source()).expect("replays");
    assert_eq!(replayed.turn(), 1, "the forced turn end advanced the game");
    assert_eq!(replayed.clues, vec!["hand-typed-tag".to_owned()]);
}

/// What a player might do, for the property test.
fn step() -> impl Strategy<Value = Option<(Seat, Action)>> {
    let liaison = Seat::Liaison;
    let tam = Seat::Troubleshooter(0);
    prop_oneof![
        Just(Some((tam, Action::Command("get pods -n shop".into())))),
        Just(Some((tam, Action::Command("describe pod -n shop -l app=web".into())))),
        Just(Some((tam, Action::Command("rollout history deployment/web -n shop".into())))),
        Just(Some((
            tam,
            Action::Command("set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop".into())
        ))),
        Just(Some((tam, Action::Command("rollout undo deployment/web -n shop".into())))),
        Just(Some((tam, Action::Command("delete pod -n shop -l app=web".into())))),
        Just(Some((tam, Action::Command("nonsense --flag".into())))),
        Just(Some((liaison, Action::CustomerChat("what changed recently?".into())))),
        Just(Some((liaison, Action::CustomerChat("which image tag did you use?".into())))),
        Just(Some((liaison, Action::CustomerChat("fixed in 10 minutes!".into())))),
        Just(Some((
            liaison,
            Action::StatusUpdate { state: IncidentState::Identified, text: "Checkout is down for everyone.".into() }
        ))),
        Just(Some((liaison, Action::AskHoldOff))),
        Just(Some((liaison, Action::TeamChat("look at the pods".into())))),
        Just(Some((tam, Action::DeclareRootCause("registry-down".into())))),
        Just(Some((liaison, Action::DeclareRootCause("image-tag-typo".into())))),
        Just(Some((tam, Action::RequestHint))),
        Just(Some((liaison, Action::EndTurn))),
        Just(Some((tam, Action::EndTurn))),
        Just(Some((Seat::Customer(0), Action::Reply("hello".into())))),
        // The room's timer.
        Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_journal_rebuilds_the_same_game(seed in 0u64..1000, steps in prop::collection::vec(step(), 0..40)) {
        // Play, recording what the room would record: accepted actions and forced turn ends.
        let mut game = new_game(seed);
        let mut recorded = Journal::new(header(seed));
        for step in steps {
            let turn = game.turn();
            match step {
                Some((seat, action)) => {
                    if game.act(seat, &action).is_ok() {
                        recorded.entries.push(Entry::Act { turn, seat, action, id: None });
                    }
                }
                None => {
                    if !game.force_turn().is_empty() {
                        recorded.entries.push(Entry::ForcedTurnEnd { turn });
                    }
                }
            }
        }
        let text = recorded.to_text();
        let parsed = Journal::parse(&text).expect("parses");
        prop_assert_eq!(&parsed, &recorded);
        let replayed = journal::replay(&parsed, source()).expect("replays");
        prop_assert_eq!(&replayed.log, &game.log);
        prop_assert_eq!(&replayed.console, &game.console);
        prop_assert_eq!(&replayed.customer_chat, &game.customer_chat);
        prop_assert_eq!(&replayed.phase, &game.phase);
        prop_assert_eq!(replayed.second(), game.second());
        prop_assert_eq!(replayed.mood, game.mood);
        let score = kombat::game::score::score(&game);
        prop_assert_eq!(&kombat::game::score::score(&replayed), &score);
        prop_assert_eq!(
            kombat::game::postmortem::render(&replayed, &score),
            kombat::game::postmortem::render(&game, &score)
        );
    }
}

/// The game master's controls are in the journal as actions: a replay rebuilds a game with a
/// free-form inject, a skipped turn, a hint of a chosen tier and timer changes, event for event,
/// and writes the same postmortem, whose timeline tells the inject and the skip.
#[test]
fn the_game_masters_controls_replay_to_the_same_game() {
    let gm = SeatName { seat: Seat::GameMaster, name: "Gil".into() };
    let mut seated = seats();
    seated.push(gm.clone());
    let header = Header::new(7, scenario::DEFAULT_ID, source(), seated.clone());
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut game = Game::new(s, 7).expect("builds");
    for SeatName { seat, name } in &seated {
        game.seat(*seat, name);
    }
    game.start();
    let mut recorded = Journal::new(header);
    let plays = [
        (Seat::Troubleshooter(0), Action::Command("get pods -n shop".into())),
        (Seat::GameMaster, Action::InjectMessage("Legal asks whether customer data leaked".into())),
        (Seat::GameMaster, Action::ExtendTurn(45)),
        (Seat::Liaison, Action::EndTurn),
        (Seat::GameMaster, Action::SkipTurn),
        (Seat::GameMaster, Action::GrantHintTier(3)),
        (Seat::GameMaster, Action::SetTurnTimer(Some(120))),
        (Seat::GameMaster, Action::SetTurnTimer(None)),
        (Seat::GameMaster, Action::EndGame),
    ];
    for (seat, action) in plays {
        let turn = game.turn();
        game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
        recorded.entries.push(Entry::Act { turn, seat, action, id: None });
    }
    assert_eq!(game.turn(), 1, "the skip ended turn 0");
    let text = recorded.to_text();
    assert!(text.contains(r#"{"turn":0,"seat":"GameMaster","action":"SkipTurn"}"#), "{text}");
    let replayed = journal::replay(&Journal::parse(&text).expect("parses"), source()).expect("replays");
    assert_eq!(replayed.log, game.log);
    assert_eq!(replayed.phase, game.phase);
    let score = kombat::game::score::score(&game);
    let postmortem = kombat::game::postmortem::render(&game, &score);
    assert_eq!(kombat::game::postmortem::render(&replayed, &score), postmortem);
    for said in [
        "| game master (Gil) | Inject from the game master: Legal asks whether customer data leaked |",
        "| game master (Gil) | The game master ended the turn for everyone |",
        "| game master (Gil) | Hint (tier 3): ",
        "| game master (Gil) | The game master gave the turn 45 seconds more |",
    ] {
        assert!(postmortem.contains(said), "{said} is not in the postmortem:\n{postmortem}");
    }
}
