//! The game rules on the default scenario: the communication topology, action points, turn
//! resolution, the scripted customer (reveals, nags, mood, mishaps, hold-off), root-cause
//! declarations, hints and the end of the game, with the exact events each action produces.

use kombat::game::words::{self, Audience, Context};
use kombat::game::{
    Action, Channel, Declaration, Difficulty, Event, FailureClass, Game, IncidentState, ObjectRef, Outcome, Phase,
    RuleError, Seat, view,
};
use kombat::scenario;

fn game() -> Game {
    game_at(Difficulty::Normal)
}

fn game_at(difficulty: Difficulty) -> Game {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds").with_difficulty(difficulty);
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.start();
    g
}

fn events(stamped: &[kombat::game::Stamped]) -> Vec<Event> {
    stamped.iter().map(|s| s.event.clone()).collect()
}

fn end_turn(g: &mut Game) -> Vec<Event> {
    let mut out = events(&g.act(Seat::Liaison, &Action::EndTurn).expect("liaison ends"));
    out.extend(events(&g.act(Seat::Troubleshooter(0), &Action::EndTurn).expect("troubleshooter ends")));
    out
}

#[test]
fn the_customer_opens_the_game() {
    let g = game();
    assert_eq!(g.phase, Phase::Playing);
    assert_eq!(g.customer_chat.len(), 1);
    assert!(g.customer_chat[0].text.starts_with("Hi, this is Dana"));
    assert!(g.alerts.contains("storefront-errors"), "the outage alert fires from the start");
}

#[test]
fn troubleshooters_cannot_reach_the_customer() {
    let mut g = game();
    let err = g.act(Seat::Troubleshooter(0), &Action::CustomerChat("hello".into())).expect_err("refused");
    assert_eq!(err, RuleError::NotYourRole("troubleshooter".into()));
    let err = g.act(Seat::Liaison, &Action::Command("get pods -A".into())).expect_err("refused");
    assert_eq!(err, RuleError::NotYourRole("liaison".into()));
    let err = g.act(Seat::Customer(0), &Action::Reply("hi".into())).expect_err("no such seat");
    assert_eq!(err, RuleError::NoSeat);
}

#[test]
fn asking_what_changed_reveals_the_clue() {
    let mut g = game();
    let got =
        events(&g.act(Seat::Liaison, &Action::CustomerChat("Hi Dana, what changed recently?".into())).expect("ok"));
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(matches!(&got[0], Event::Chat { channel: Channel::Customer, from, .. } if from == "Lee"));
    assert!(
        matches!(&got[1], Event::Chat { from, text, .. } if from == "Dana (Shop team)" && text.contains("by hand"))
    );
    assert_eq!(got[2], Event::DialogueSaid { line: 0 });
    assert!(matches!(&got[3], Event::ClueFound { id, .. } if id == "hand-typed-tag"));
    // Said once: asking again gets the answer quoted, not a second reveal (and never silence).
    let again = events(&g.act(Seat::Liaison, &Action::CustomerChat("what changed?".into())).expect("ok"));
    assert_eq!(again.len(), 2, "{again:?}");
    assert!(matches!(&again[1], Event::Chat { text, .. } if text.starts_with("Like I said: We shipped 1.4.2")));
}

#[test]
fn commands_cost_action_points_and_find_clues() {
    let mut g = game();
    let got = events(
        &g.act(Seat::Troubleshooter(0), &Action::Command("describe pods -n shop -l app=web".into())).expect("ok"),
    );
    // The event carries what the command produced: its output, success and cost.
    assert!(
        matches!(&got[0], Event::Command { line, output, ok: true, cost: 1, .. }
            if line == "describe pods -n shop -l app=web" && output.contains("ImagePullBackOff")),
        "{:?}",
        got[0]
    );
    assert_eq!(
        g.console.last().map(|c| c.output.as_str()),
        match &got[0] {
            Event::Command { output, .. } => Some(output.as_str()),
            _ => None,
        }
    );
    assert!(got.iter().any(|e| matches!(e, Event::ClueFound { id, .. } if id == "image-pull")), "{got:?}");
    assert_eq!(g.points[&Seat::Troubleshooter(0)], 3);
    g.act(
        Seat::Troubleshooter(0),
        &Action::Command("set image deploy/web web=registry.example.com/shop/web:1.4.2 -n shop".into()),
    )
    .expect("a change costs 2");
    assert_eq!(g.points[&Seat::Troubleshooter(0)], 1);
    let err = g
        .act(Seat::Troubleshooter(0), &Action::Command("rollout restart deploy/web -n shop".into()))
        .expect_err("too dear");
    assert_eq!(err, RuleError::NoPoints { needed: 2, left: 1 });
}

#[test]
fn a_turn_ends_when_every_responder_ends_it() {
    let mut g = game();
    let first = events(&g.act(Seat::Liaison, &Action::EndTurn).expect("ok"));
    assert_eq!(first, vec![Event::TurnEnded]);
    assert_eq!(g.act(Seat::Liaison, &Action::EndTurn).expect_err("twice"), RuleError::AlreadyEnded);
    let second = events(&g.act(Seat::Troubleshooter(0), &Action::EndTurn).expect("ok"));
    assert_eq!(second[0], Event::TurnEnded);
    assert!(
        matches!(&second[1], Event::TurnAdvanced { turn: 1, sample, points: 4, .. } if sample.turn == 1 && sample.second == g.second()),
        "{:?}",
        second[1]
    );
    assert_eq!(g.turn(), 1);
    assert_eq!(g.points[&Seat::Troubleshooter(0)], 4, "points refill");
}

#[test]
fn an_ignored_customer_nags_loses_patience_and_reruns_the_deploy() {
    let mut g = game();
    let mut all = Vec::new();
    for _ in 0..3 {
        all.extend(end_turn(&mut g));
    }
    assert!(
        all.iter().any(|e| matches!(e, Event::Chat { text, .. } if text.contains("update") || text.contains("ETA"))),
        "nags: {all:?}"
    );
    assert!(g.mood < 70, "mood dropped to {}", g.mood);
    assert!(all.contains(&Event::Mishap { id: "rerun-pipeline".into() }), "{all:?}");
    assert!(g.world.cluster.audit.iter().any(|(_, who, what)| who == "customer" && what.contains("1.4.2x")));
}

#[test]
fn a_customer_asked_to_hold_off_does_not_rerun_the_deploy() {
    let mut g = game();
    let got = events(&g.act(Seat::Liaison, &Action::AskHoldOff).expect("ok"));
    assert_eq!(got[0], Event::HoldOffAsked);
    assert_eq!(got[1], Event::HoldOffAnswered { accepted: true });
    let mut all = Vec::new();
    for _ in 0..4 {
        g.act(
            Seat::Liaison,
            &Action::StatusUpdate {
                state: IncidentState::Investigating,
                text: "We are looking into the errors.".into(),
            },
        )
        .expect("ok");
        all.extend(end_turn(&mut g));
    }
    assert!(!all.iter().any(|e| matches!(e, Event::Mishap { .. })), "{all:?}");
}

#[test]
fn root_cause_options_are_an_easy_difficulty_aid() {
    let mut g = game_at(Difficulty::Easy);
    let got = events(&g.act(Seat::Liaison, &Action::DeclareRootCause("registry-down".into())).expect("ok"));
    assert_eq!(got, vec![Event::RootCauseDeclared { option: "registry-down".into(), correct: false }]);
    let got = events(&g.act(Seat::Troubleshooter(0), &Action::DeclareRootCause("image-tag-typo".into())).expect("ok"));
    assert_eq!(got, vec![Event::RootCauseDeclared { option: "image-tag-typo".into(), correct: true }]);
    assert!(matches!(
        g.act(Seat::Liaison, &Action::DeclareRootCause("aliens".into())),
        Err(RuleError::UnknownOption(..))
    ));
    // Normal offers no options: an unknown one is refused without listing them (a known one is
    // still accepted, so that journals from before the difficulty replay).
    let mut g = game();
    let refused = g.act(Seat::Liaison, &Action::DeclareRootCause("aliens".into())).expect_err("refused");
    assert_eq!(refused, RuleError::NoOptionsAtDifficulty("normal"));
    assert!(!refused.to_string().contains("registry-down"), "{refused}");
    let mut g = game_at(Difficulty::Hard);
    assert!(matches!(
        g.act(Seat::Liaison, &Action::DeclareRootCause("image-tag-typo".into())),
        Err(RuleError::NoOptionsAtDifficulty("hard"))
    ));
}

fn declaration(objects: &[&str], class: FailureClass, by: Option<&str>) -> Declaration {
    Declaration {
        objects: objects.iter().map(|o| ObjectRef::parse(o).expect("well-formed")).collect(),
        class,
        changed_by: by.map(str::to_owned),
    }
}

#[test]
fn a_declaration_is_judged_but_the_players_are_not_told() {
    let mut g = game();
    let wrong = declaration(&["svc/shop/web"], FailureClass::Dns, None);
    let got = events(&g.act(Seat::Liaison, &Action::DeclareCause(wrong.clone())).expect("ok"));
    let [Event::CauseDeclared { declaration: recorded, verdict: Some(verdict) }] = got.as_slice() else {
        panic!("{got:?}")
    };
    assert_eq!(recorded, &wrong);
    assert!(verdict.is_wrong());
    let right = declaration(&["deployment/shop/web"], FailureClass::WrongImage, Some("Dana"));
    let got = g.act(Seat::Troubleshooter(0), &Action::DeclareCause(right.clone())).expect("ok");
    let Event::CauseDeclared { verdict: Some(verdict), .. } = &got[0].event else { panic!("{got:?}") };
    assert!(verdict.is_right(), "{verdict:?}");
    // A later declaration replaces the earlier one in what the team sees.
    assert_eq!(g.declared.as_ref().map(|(text, _)| text.as_str()), Some(right.to_string().as_str()));
    // The players' share of the event carries no verdict, and no seat's words say right or wrong.
    for seat in [Seat::Liaison, Seat::Troubleshooter(0)] {
        let shared = view::share(seat, &got[0]).expect("a responder sees it");
        assert!(matches!(&shared.event, Event::CauseDeclared { verdict: None, .. }));
        let said = words::event(&got[0], Audience::Seat(seat), Context::default()).expect("worded");
        assert_eq!(said, format!("Declared: {right}"));
        let status = view::for_seat(&g, seat);
        let text = format!("{status:?}");
        assert!(!text.contains("verdict") && !text.contains("credit"), "{seat:?}");
    }
    assert!(view::share(Seat::Customer(0), &got[0]).is_none());
    assert!(matches!(
        view::share(Seat::GameMaster, &got[0]).map(|s| s.event),
        Some(Event::CauseDeclared { verdict: Some(_), .. })
    ));
}

#[test]
fn malformed_declarations_are_refused_and_cost_nothing() {
    let mut g = game();
    let none = Declaration { objects: Vec::new(), class: FailureClass::Dns, changed_by: None };
    assert_eq!(g.act(Seat::Liaison, &Action::DeclareCause(none)).expect_err("refused"), RuleError::ObjectCount);
    let mut bad = declaration(&["deploy/shop/web"], FailureClass::Dns, None);
    bad.objects[0].name = "Web!".into();
    assert!(matches!(g.act(Seat::Liaison, &Action::DeclareCause(bad)), Err(RuleError::BadObject(_))));
    let mut scoped = declaration(&["deploy/shop/web"], FailureClass::Dns, None);
    scoped.objects[0].namespace = String::new();
    assert!(matches!(g.act(Seat::Liaison, &Action::DeclareCause(scoped)), Err(RuleError::BadObject(_))));
    let mut long = declaration(&["deploy/shop/web"], FailureClass::Dns, None);
    long.changed_by = Some("x".repeat(5000));
    assert_eq!(g.act(Seat::Liaison, &Action::DeclareCause(long)).expect_err("refused"), RuleError::TooLong);
    assert!(g.log.iter().all(|s| !matches!(s.event, Event::CauseDeclared { .. })));
}

#[test]
fn difficulty_sets_points_hints_and_patience() {
    let easy = game_at(Difficulty::Easy);
    let normal = game();
    let mut hard = game_at(Difficulty::Hard);
    assert_eq!((easy.points_per_turn(), normal.points_per_turn(), hard.points_per_turn()), (4, 4, 3));
    assert_eq!(hard.points.get(&Seat::Troubleshooter(0)), Some(&3));
    assert!(easy.mood > normal.mood && normal.mood > hard.mood, "{} {} {}", easy.mood, normal.mood, hard.mood);
    assert_eq!(
        hard.act(Seat::Liaison, &Action::RequestHint).expect_err("no hints"),
        RuleError::NoHintsAtDifficulty("hard")
    );
    let findings = |g: &Game| match view::for_seat(g, Seat::Liaison).panel {
        view::Panel::Liaison(l) => l.findings,
        other => panic!("not the liaison's panel: {other:?}"),
    };
    assert_eq!((findings(&hard).hints_left, findings(&hard).difficulty), (0, Difficulty::Hard));
    let options = |g: &Game| Some(findings(g).root_causes.len());
    assert_eq!(options(&normal), Some(0));
    assert_eq!(options(&hard), Some(0));
    assert!(options(&easy).is_some_and(|n| n > 1));
}

#[test]
fn hints_come_in_tiers_and_run_out() {
    let mut g = game();
    for tier in 1..=3 {
        let got = events(&g.act(Seat::Liaison, &Action::RequestHint).expect("ok"));
        assert!(matches!(&got[0], Event::Hint { tier: t, .. } if *t == tier));
    }
    assert_eq!(g.act(Seat::Liaison, &Action::RequestHint).expect_err("none left"), RuleError::NoHints);
}

#[test]
fn fixing_the_cause_wins_the_game() {
    let mut g = game();
    g.act(
        Seat::Troubleshooter(0),
        &Action::Command("set image deploy/web web=registry.example.com/shop/web:1.4.2 -n shop".into()),
    )
    .expect("ok");
    let mut all = Vec::new();
    for _ in 0..3 {
        if matches!(g.phase, Phase::Ended(_)) {
            break;
        }
        all.extend(end_turn(&mut g));
    }
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    assert!(all.iter().any(|e| matches!(e, Event::Alert { id, firing: false, .. } if id == "storefront-errors")));
    assert_eq!(g.act(Seat::Liaison, &Action::EndTurn).expect_err("over"), RuleError::Over);
}

#[test]
fn chat_is_sanitized_and_bounded() {
    let mut g = game();
    let got = events(&g.act(Seat::Liaison, &Action::TeamChat("look \u{1b}[2J here\u{202e}".into())).expect("ok"));
    assert_eq!(got, vec![Event::Chat { channel: Channel::Team, from: "Lee".into(), text: "look [2J here".into() }]);
    assert_eq!(g.act(Seat::Liaison, &Action::TeamChat("\u{1b}\u{7}".into())).expect_err("empty"), RuleError::Empty);
}

#[test]
fn a_responder_who_left_no_longer_holds_up_the_turn() {
    let mut g = game();
    let turn = g.turn();
    let got = events(&g.act(Seat::Liaison, &Action::EndTurn).expect("liaison ends"));
    assert_eq!(got, vec![Event::TurnEnded], "the troubleshooter has not ended the turn yet");
    // The troubleshooter's player leaves: everyone left has ended the turn, so it moves on.
    let got = events(&g.leave(Seat::Troubleshooter(0)));
    assert_eq!(got.first(), Some(&Event::Left { seat: Seat::Troubleshooter(0) }));
    assert!(got.iter().any(|e| matches!(e, Event::TurnAdvanced { turn: t, .. } if *t == turn + 1)), "{got:?}");
    assert_eq!(g.turn(), turn + 1);
    // From now on the liaison alone ends each turn.
    let got = events(&g.act(Seat::Liaison, &Action::EndTurn).expect("liaison ends"));
    assert!(got.iter().any(|e| matches!(e, Event::TurnAdvanced { turn: t, .. } if *t == turn + 2)), "{got:?}");
    // Leaving twice, or a seat nobody holds, changes nothing.
    assert_eq!(g.leave(Seat::Troubleshooter(0)), Vec::new());
    assert_eq!(g.leave(Seat::Troubleshooter(2)), Vec::new());
    // The table every seat sees no longer lists the player who left.
    let table = view::for_seat(&g, Seat::Liaison).table;
    assert!(!table.iter().any(|s| s.seat == Seat::Troubleshooter(0)), "{table:?}");
    assert!(table.iter().any(|s| s.seat == Seat::Liaison), "{table:?}");
}

#[test]
fn the_scripted_customer_takes_over_from_a_customer_who_left() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.seat(Seat::Customer(0), "Dee");
    g.start();
    assert!(!g.npc, "a human plays the customer");
    let asked = events(&g.act(Seat::Liaison, &Action::CustomerChat("what changed recently?".into())).expect("ok"));
    assert_eq!(asked.len(), 1, "nobody scripted answers a human customer's chat: {asked:?}");
    assert_eq!(events(&g.leave(Seat::Customer(0))), vec![Event::Left { seat: Seat::Customer(0) }]);
    assert!(g.npc, "the scripted customer plays from now on");
    let asked = events(&g.act(Seat::Liaison, &Action::CustomerChat("what changed recently?".into())).expect("ok"));
    assert!(asked.len() > 1, "the scripted customer answers: {asked:?}");
    let err = g.act(Seat::Customer(0), &Action::Reply("I'm back".into())).expect_err("refused");
    assert_eq!(err, RuleError::NoSeat, "a departed player's seat does not act");
}

#[test]
fn leaving_in_the_lobby_or_after_the_game_changes_nothing() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::GameMaster, "Gil");
    assert_eq!(g.leave(Seat::Liaison), Vec::new());
    g.start();
    g.act(Seat::GameMaster, &Action::EndGame).expect("the game master ends the game");
    assert!(matches!(g.phase, Phase::Ended(_)));
    assert_eq!(g.leave(Seat::Liaison), Vec::new());
}

#[test]
fn help_unknown_flags_and_failed_commands_cost_no_action_points() {
    let mut g = game();
    let t = Seat::Troubleshooter(0);
    for line in [
        "kubectl get --help",
        "kubectl get pods --frobnicate",
        "kubectl get pod nosuchpod -n shop",
        "kubectl frobnicate",
        "kubectl delete deploy/nosuch -n shop",
    ] {
        let got = events(&g.act(t, &Action::Command(line.into())).expect("runs"));
        assert!(matches!(&got[0], Event::Command { cost: 0, .. }), "{line}: {:?}", got[0]);
        assert_eq!(g.points[&t], 4, "{line} left 4 of 4");
    }
    // With no points left, asking for usage or mistyping a flag is still answered.
    g.act(t, &Action::Command("get pods -n shop".into())).expect("read");
    g.act(t, &Action::Command("scale deploy/web -n shop --replicas=3".into())).expect("change");
    g.act(t, &Action::Command("get pods -n shop".into())).expect("read");
    assert_eq!(g.points[&t], 0);
    let got = events(&g.act(t, &Action::Command("kubectl rollout undo --help".into())).expect("free"));
    assert!(matches!(&got[0], Event::Command { output, ok: true, cost: 0, .. } if output.contains("Usage:")));
    g.act(t, &Action::Command("kubectl get pods --frobnicate".into())).expect("free");
    let err = g.act(t, &Action::Command("kubectl get pods".into())).expect_err("a read costs");
    assert_eq!(err, RuleError::NoPoints { needed: 1, left: 0 });
}

#[test]
fn status_at_the_start_shows_turn_one_and_no_win_conditions() {
    let g = game();
    let status = g.world.status();
    assert!(status.starts_with("Turn 1/"), "{status}");
    assert!(!status.contains("Win conditions") && !status.contains("rolled out"), "{status}");
    assert!(!status.contains("conditions held"), "{status}");
}
