//! The structured root cause on every shipped scenario: each states its answer in the taxonomy's
//! terms; declaring exactly that is entirely right and earns the score's "Root cause" points, a
//! declaration with nothing right costs points; and a scenario whose answer names an object the
//! incident's cluster does not have fails validation with the field's path.

use kombat::game::score::{self, ROOT_CAUSE};
use kombat::game::{Action, Event, Game, Seat};
use kombat::scenario;

fn started(s: scenario::Scenario) -> Game {
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.start();
    g
}

fn root_cause_points(g: &Game) -> u32 {
    score::score(g).parts.iter().find(|p| p.name == ROOT_CAUSE).map(|p| p.points).expect("a root cause part")
}

#[test]
fn every_shipped_scenario_states_its_cause_and_declaring_it_is_right() {
    for (id, text) in scenario::builtin_sources() {
        let s = scenario::parse(&format!("{id}.ron"), text).expect("parses");
        let causes = s.game.all_causes();
        assert!(!causes.is_empty(), "{id}: no cause stated");
        let mut g = started(s);
        assert_eq!(root_cause_points(&g), 0, "{id}: nothing declared yet");
        for cause in &causes {
            let events = g.act(Seat::Liaison, &Action::DeclareCause(cause.clone())).expect("accepted");
            let Event::CauseDeclared { verdict: Some(v), .. } = &events[0].event else { panic!("{id}: {events:?}") };
            assert!(v.is_right(), "{id}: {cause} judged {v:?}");
        }
        assert_eq!(root_cause_points(&g), 10, "{id}: every cause declared at once earns the part");
    }
}

#[test]
fn a_declaration_with_nothing_right_costs_points() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let right = s.game.all_causes()[0].clone();
    let mut g = started(s);
    let wrong = kombat::game::Declaration {
        objects: vec![kombat::game::ObjectRef::parse("svc/shop/web").expect("parses")],
        class: kombat::game::FailureClass::Dns,
        changed_by: None,
    };
    g.act(Seat::Liaison, &Action::DeclareCause(wrong)).expect("accepted");
    g.act(Seat::Liaison, &Action::DeclareCause(right)).expect("accepted");
    assert_eq!(root_cause_points(&g), 8, "10 for the right one, -2 for the wrong one");
}

#[test]
fn a_cause_naming_a_missing_object_is_invalid() {
    let (_, text) =
        scenario::builtin_sources().find(|(id, _)| *id == scenario::DEFAULT_ID).expect("the default scenario");
    let broken = text.replace(
        r#"cause: (objects: [(kind: Deployment, namespace: "shop", name: "web")]"#,
        r#"cause: (objects: [(kind: Deployment, namespace: "shop", name: "api")]"#,
    );
    assert_ne!(broken, text);
    let s = scenario::parse("first-deploy.ron", &broken).expect("parses");
    let problems: Vec<String> = scenario::validate(&s).iter().map(ToString::to_string).collect();
    assert_eq!(problems, vec!["game.cause.objects[0]: deployment/shop/api does not exist in the incident's cluster"]);
}
