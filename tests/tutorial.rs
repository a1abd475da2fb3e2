//! The guided tutorial (`scenarios/tutorial.ron`): its steps advance when the player does what
//! each asks, and only then (ending turns does not do a console command for anyone); no step
//! names the incident's answer; a hosted seat's view on the wire carries no step; and the real
//! binary's line mode prints each step once, in order, through to the debrief.

use std::io::Write;
use std::process::{Command, Stdio};

use kombat::game::view::{self, RoleView};
use kombat::game::{Action, Declaration, FailureClass, Game, IncidentState, ObjectRef, Phase, Seat};
use kombat::scenario;
use kombat::sim::kind::Kind;

const TAM: Seat = Seat::Troubleshooter(0);

fn tutorial() -> Game {
    let s = scenario::builtin(scenario::TUTORIAL_ID).expect("built in").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(Seat::Liaison, "you");
    g.seat(TAM, "you");
    g.start();
    g
}

fn step(g: &Game, seat: Seat) -> Option<usize> {
    view::for_seat(g, seat).tutorial.map(|p| p.step)
}

#[allow(clippy::needless_pass_by_value)] // Every caller builds the action in place.
fn act(g: &mut Game, seat: Seat, action: Action) {
    g.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

fn end_turn(g: &mut Game) {
    act(g, Seat::Liaison, Action::EndTurn);
    act(g, TAM, Action::EndTurn);
}

#[test]
fn each_step_waits_for_the_player_to_do_it() {
    let mut g = tutorial();
    let first = view::for_seat(&g, TAM).tutorial.expect("a tutorial prompts");
    assert_eq!((first.step, first.steps), (1, 9));
    assert_eq!(step(&g, Seat::Liaison), Some(1), "both of the solo player's seats see it");
    // Time passing does nothing for the player: the first step still waits for a command.
    end_turn(&mut g);
    assert_eq!(step(&g, TAM), Some(1));

    act(&mut g, TAM, Action::Command("get pods -A".into()));
    assert_eq!(step(&g, TAM), Some(2), "a console command moves on to looking closer");
    act(&mut g, TAM, Action::Command("get deploy -n bakery".into()));
    assert_eq!(step(&g, TAM), Some(2), "a get is not a describe");
    act(&mut g, TAM, Action::Command("describe deployment orders -n bakery".into()));
    assert_eq!(step(&g, TAM), Some(3));
    act(&mut g, Seat::Liaison, Action::TeamChat("looking at the orders deployment".into()));
    assert_eq!(step(&g, TAM), Some(3), "team chat is not asking the customer");
    act(&mut g, Seat::Liaison, Action::CustomerChat("Hi Robin, did anything change this morning?".into()));
    assert_eq!(step(&g, TAM), Some(4));
    act(
        &mut g,
        Seat::Liaison,
        Action::StatusUpdate {
            state: IncidentState::Investigating,
            text: "The order site is down; we are on it.".into(),
        },
    );
    assert_eq!(step(&g, TAM), Some(5));
    act(&mut g, Seat::Liaison, Action::AskHoldOff);
    // The first turn already ended above, so ending one is done too: on to the declaration.
    assert_eq!(step(&g, TAM), Some(7));
    let declaration = Declaration {
        objects: vec![ObjectRef { kind: Kind::Deployment, namespace: "bakery".into(), name: "orders".into() }],
        class: FailureClass::Scaling,
        changed_by: Some("sam".into()),
    };
    act(&mut g, Seat::Liaison, Action::DeclareCause(declaration));
    assert_eq!(step(&g, TAM), Some(8));
    end_turn(&mut g);
    act(&mut g, TAM, Action::Command("scale deployment/orders --replicas=2 -n bakery".into()));
    assert_eq!(step(&g, TAM), Some(9), "a change to the cluster is the fix step done");
    for _ in 0..8 {
        if matches!(g.phase, Phase::Ended(_)) {
            break;
        }
        end_turn(&mut g);
    }
    assert!(matches!(g.phase, Phase::Ended(kombat::game::Outcome::Won { .. })), "{:?}", g.phase);
    assert_eq!(step(&g, TAM), None, "every step is done once the debrief is up");
}

#[test]
fn no_step_names_the_answer_and_ordinary_scenarios_have_none() {
    let s = scenario::builtin(scenario::TUTORIAL_ID).expect("built in").expect("parses");
    assert!(s.game.tutorial.len() >= 7, "the tutorial walks through the game");
    for step in &s.game.tutorial {
        let text = step.text.to_lowercase();
        for answer in ["scale", "replicas", "zero", " 0 ", "sam"] {
            assert!(!text.contains(answer), "a step gives the answer ({answer}): {}", step.text);
        }
    }
    let plain = Game::new(scenario::builtin(scenario::DEFAULT_ID).expect("built in").expect("parses"), 1);
    let mut plain = plain.expect("builds");
    plain.seat(TAM, "you");
    plain.start();
    assert_eq!(view::for_seat(&plain, TAM).tutorial, None);
}

#[test]
fn the_step_stays_off_the_wire() {
    let g = tutorial();
    let v = view::for_seat(&g, TAM);
    assert!(v.tutorial.is_some());
    let bytes = postcard::to_stdvec(&v).expect("encodes");
    let back: RoleView = postcard::from_bytes(&bytes).expect("decodes");
    assert_eq!(back.tutorial, None, "a hosted seat hears no tutorial step");
    assert_eq!(RoleView { tutorial: None, ..v }, back, "and everything else as before");
}

const LINE_MODE_SCRIPT: &str = "\
get pods -A
describe deployment orders -n bakery
/tell Hi Robin, did anything change this morning?
/update investigating The order site does not answer; we are looking into it.
/hold
/end
/declare deployment/bakery/orders scaling by sam
scale deployment/orders --replicas=2 -n bakery
/wait 3
/update resolved The order site takes orders again.
/wait 2
";

#[test]
fn line_mode_prints_each_step_once_in_order_to_the_end() {
    let dir = std::env::temp_dir().join(format!("kombat-tutorial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["console", "tutorial"])
        .env("KOMBAT_DATA_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    child.stdin.take().expect("stdin").write_all(LINE_MODE_SCRIPT.as_bytes()).expect("writes the script");
    let out = child.wait_with_output().expect("kombat finishes");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let steps: Vec<&str> = text.lines().filter(|l| l.starts_with("[tutorial ")).collect();
    let numbers: Vec<String> = steps.iter().map(|l| l.split(']').next().unwrap_or_default().to_owned()).collect();
    let expected: Vec<String> = (1..=9).map(|n| format!("[tutorial {n}/9")).collect();
    assert_eq!(numbers, expected, "each step once, in order:\n{text}");
    // The first step comes before the first command's output, and the game is won.
    let first = text.find("[tutorial 1/9]").expect("the first step");
    let pods = text.find("$ kubectl get pods -A").or_else(|| text.find("get pods -A")).expect("the command");
    assert!(first < pods, "{text}");
    assert!(text.contains("RESOLVED"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
