//! Role views: each seat's view holds exactly what its role may see. Unit tests pin the shape of
//! every role's view on the default scenario; a property test plants canary strings in the
//! customer's brief and secrets, the postmortem root cause, a manual inject and an unsaid NPC
//! line, runs random action sequences, and checks after every step that no serialized view of a
//! seat that may not see a canary contains it, while the game master's view always does, and
//! that a tournament's projector view of the game (its public leaderboard and the spectator's
//! board) holds no more than a spectator may see.

use kombat::game::tournament;
use kombat::game::view::{self, Panel, Public, RoleView};
use kombat::game::{Action, Game, HoldOff, IncidentState, Phase, Seat, Severity};
use kombat::scenario::{self, Scenario};
use proptest::prelude::*;

fn default_scenario() -> Scenario {
    scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses")
}

fn game_with(scenario: Scenario, human_customer: bool) -> Game {
    let mut g = Game::new(scenario, 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.seat(Seat::Spectator(0), "Sol");
    g.seat(Seat::GameMaster, "Gia");
    if human_customer {
        g.seat(Seat::Customer(0), "Cory");
    }
    g.start();
    g
}

fn game() -> Game {
    game_with(default_scenario(), false)
}

fn json(game: &Game, seat: Seat) -> String {
    serde_json::to_string(&view::for_seat(game, seat)).expect("a view serializes")
}

const OPENING: &str = "Hi, this is Dana";
const COMMAND: &str = "get pods -n shop";

#[test]
fn a_troubleshooter_sees_the_console_and_team_chat_but_not_the_customer() {
    let mut g = game();
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    g.act(Seat::Liaison, &Action::TeamChat("customer says it broke at 08:52".into())).expect("ok");
    let v = view::for_seat(&g, Seat::Troubleshooter(0));
    assert_eq!(v.seat, Seat::Troubleshooter(0));
    assert_eq!(v.name, "Tam");
    assert_eq!(v.points_left, Some(3), "a read costs 1 of 4");
    let Panel::Troubleshooter(p) = &v.panel else { panic!("troubleshooter panel: {:?}", v.panel) };
    assert_eq!(p.console.len(), 1);
    assert_eq!(p.console[0].seat, Seat::Troubleshooter(0));
    assert_eq!(p.console[0].line, COMMAND);
    assert!(p.console[0].output.starts_with("NAME "), "{}", p.console[0].output);
    assert_eq!(p.team_chat.len(), 1);
    assert_eq!(p.team_chat[0].from, "Lee");
    assert_eq!(p.team_chat[0].text, "customer says it broke at 08:52");
    assert_eq!(p.findings.root_causes.len(), 0, "the multiple choice is only offered at easy difficulty");
    assert_eq!(p.findings.hints_left, 3);
    let text = json(&g, Seat::Troubleshooter(0));
    assert!(!text.contains(OPENING), "the customer's opening message leaked to a troubleshooter");
    assert!(!text.contains("customer_chat"));
}

#[test]
fn the_liaison_sees_both_chats_and_the_board_but_no_console() {
    let mut g = game();
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    g.act(Seat::Troubleshooter(0), &Action::TeamChat("pods are in ImagePullBackOff".into())).expect("ok");
    g.act(Seat::Liaison, &Action::CustomerChat("What changed recently?".into())).expect("ok");
    g.act(Seat::Liaison, &Action::AskHoldOff).expect("ok");
    let v = view::for_seat(&g, Seat::Liaison);
    assert_eq!(v.points_left, None);
    let Panel::Liaison(p) = &v.panel else { panic!("liaison panel: {:?}", v.panel) };
    assert_eq!(p.customer, "Dana (Shop team)");
    assert_eq!(p.mood, 70);
    assert_eq!(p.hold_off, HoldOff::Accepted);
    let said: Vec<(&str, &str)> = p.customer_chat.iter().map(|l| (l.from.as_str(), l.text.as_str())).collect();
    assert_eq!(said.len(), 4, "{said:?}");
    assert!(said[0].1.starts_with(OPENING));
    assert_eq!(said[1], ("Lee", "What changed recently?"));
    assert!(said[2].1.contains("by hand"));
    assert_eq!(said[3], ("Dana (Shop team)", "OK, we won't touch anything until you say so."));
    assert_eq!(p.team_chat[0].text, "pods are in ImagePullBackOff");
    // The customer's finding is their own words, from them; the console's are not the liaison's.
    let clues: Vec<(&str, &str)> = p.findings.clues.iter().map(|c| (c.fact.as_str(), c.source.as_str())).collect();
    assert_eq!(clues, [(said[2].1, "from Dana (Shop team) (customer chat)")]);
    assert_eq!(p.board.alerts.len(), 1);
    assert_eq!(p.board.alerts[0].id, "storefront-errors");
    assert!(p.board.budget_left > 0.0 && p.board.budget_left <= 0.6, "{}", p.board.budget_left);
    let text = json(&g, Seat::Liaison);
    assert!(!text.contains(COMMAND), "a console command leaked to the liaison");
    assert!(!text.contains("\"console\""));
}

#[test]
fn a_customer_clue_reaches_the_troubleshooters_only_when_the_liaison_shares_it() {
    let mut g = game();
    let t = Seat::Troubleshooter(0);
    g.act(Seat::Liaison, &Action::CustomerChat("What changed recently?".into())).expect("ok");
    let Panel::Liaison(p) = &view::for_seat(&g, Seat::Liaison).panel else { panic!("liaison panel") };
    let secret = p.findings.clues[0].fact.clone();
    assert!(secret.contains("by hand"), "{secret}");
    // Before the share: not in the troubleshooter's view, nor in its share of the events.
    assert!(!json(&g, t).contains(&secret), "the customer's words reached the troubleshooter unshared");
    assert!(!g.log.iter().any(|s| view::sees(t, s) && serde_json::to_string(s).expect("ok").contains(&secret)));
    assert_eq!(g.act(t, &Action::ShareFinding(0)), Err(kombat::game::RuleError::NoSuchFinding(1)));
    let shared = g.act(Seat::Liaison, &Action::ShareFinding(0)).expect("the liaison shares it");
    assert!(shared.iter().all(|s| view::sees(t, s)));
    let Panel::Troubleshooter(p) = &view::for_seat(&g, t).panel else { panic!("troubleshooter panel") };
    assert_eq!(p.findings.clues.len(), 1);
    assert_eq!((p.findings.clues[0].fact.as_str(), p.findings.clues[0].shared), (secret.as_str(), true));
    assert_eq!(p.findings.clues[0].source, "from Dana (Shop team) (customer chat)");
    assert_eq!(g.act(Seat::Liaison, &Action::ShareFinding(0)), Err(kombat::game::RuleError::AlreadyShared(1)));
    assert!(g.act(Seat::Spectator(0), &Action::ShareFinding(0)).is_err());
}

#[test]
fn quoting_the_customer_in_team_chat_passes_the_finding_on() {
    let mut g = game();
    let t = Seat::Troubleshooter(0);
    g.act(Seat::Liaison, &Action::CustomerChat("What changed recently?".into())).expect("ok");
    let Panel::Liaison(p) = &view::for_seat(&g, Seat::Liaison).panel else { panic!("liaison panel") };
    let said = p.findings.clues[0].fact.clone();
    g.act(Seat::Liaison, &Action::TeamChat("they are looking at it".into())).expect("ok");
    let Panel::Troubleshooter(p) = &view::for_seat(&g, t).panel else { panic!("troubleshooter panel") };
    assert!(p.findings.clues.is_empty(), "a message that quotes nothing shares nothing");
    g.act(Seat::Liaison, &Action::TeamChat(format!("Dana: \"{said}\""))).expect("ok");
    let Panel::Troubleshooter(p) = &view::for_seat(&g, t).panel else { panic!("troubleshooter panel") };
    assert_eq!(p.findings.clues.iter().map(|c| c.fact.as_str()).collect::<Vec<_>>(), [said.as_str()]);
}

#[test]
fn completion_offers_only_names_the_team_has_seen_or_typed() {
    use kombat::sim::kind::Kind;
    let mut g = game();
    let t = Seat::Troubleshooter(0);
    let names = |g: &Game| -> Vec<(Kind, String)> {
        let Panel::Troubleshooter(p) = &view::for_seat(g, t).panel else { panic!("troubleshooter panel") };
        p.names.iter().map(|o| (o.kind, o.name.clone())).collect()
    };
    let start = names(&g);
    assert!(start.iter().all(|(k, _)| *k == Kind::Namespace), "before a look, only namespaces: {start:?}");
    assert!(start.contains(&(Kind::Namespace, "shop".to_owned())));
    // The game master's own commands are not the team's console.
    g.act(Seat::GameMaster, &Action::Command("get deploy -n shop".into())).expect("ok");
    assert!(!names(&g).contains(&(Kind::Deployment, "web".to_owned())));
    g.act(t, &Action::Command("get deploy -n shop".into())).expect("ok");
    let seen = names(&g);
    assert!(seen.contains(&(Kind::Deployment, "web".to_owned())), "{seen:?}");
    assert!(!seen.iter().any(|(k, _)| *k == Kind::Pod), "no pod was listed yet: {seen:?}");
    g.act(t, &Action::Command("describe configmap nosuch -n shop".into())).expect("ok");
    assert!(names(&g).iter().all(|(_, n)| n != "nosuch"), "only objects that exist");
}

#[test]
fn a_console_finding_is_the_output_line_and_the_troubleshooters_until_shared() {
    let mut g = game();
    let t = Seat::Troubleshooter(0);
    let describe = "describe pods -n shop -l app=web";
    g.act(t, &Action::Command(describe.into())).expect("ok");
    let Panel::Troubleshooter(p) = &view::for_seat(&g, t).panel else { panic!("troubleshooter panel") };
    let finding = p.findings.clues.first().expect("describe shows the pull error");
    assert!(finding.fact.contains("1.4.2x: not found"), "{}", finding.fact);
    assert!(!finding.fact.contains('\n') && !finding.fact.contains("Name:"), "only the line that matched");
    assert_eq!(finding.source, format!("from Tam (troubleshooter 1): $ kubectl {describe}"));
    let scenario = default_scenario();
    for clue in &scenario.game.clues {
        assert!(!json(&g, t).contains(&clue.text), "the authored clue text is not a finding: {}", clue.text);
    }
    let Panel::Liaison(p) = &view::for_seat(&g, Seat::Liaison).panel else { panic!("liaison panel") };
    assert!(p.findings.clues.is_empty(), "the liaison does not see the console");
    g.act(t, &Action::ShareFinding(0)).expect("shares");
    let Panel::Liaison(p) = &view::for_seat(&g, Seat::Liaison).panel else { panic!("liaison panel") };
    assert_eq!(p.findings.clues.len(), 1);
    assert_eq!(g.points[&t], 3, "sharing costs no action points");
}

#[test]
fn a_spectator_sees_the_public_board_and_neither_chat() {
    let mut g = game();
    g.act(Seat::Liaison, &Action::TeamChat("team only".into())).expect("ok");
    g.act(Seat::Liaison, &Action::CustomerChat("customer only".into())).expect("ok");
    g.act(
        Seat::Liaison,
        &Action::StatusUpdate { state: IncidentState::Investigating, text: "We are looking into errors.".into() },
    )
    .expect("ok");
    g.act(Seat::Liaison, &Action::SetSeverity(Severity::Sev2)).expect("ok");
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    g.act(Seat::Liaison, &Action::EndTurn).expect("ok");
    g.act(Seat::Troubleshooter(0), &Action::EndTurn).expect("ok");
    let v = view::for_seat(&g, Seat::Spectator(0));
    assert_eq!(v.name, "Sol");
    assert_eq!(v.turn, 1);
    assert_eq!(v.second, 120);
    let Panel::Spectator(board) = &v.panel else { panic!("spectator panel: {:?}", v.panel) };
    assert_eq!(board.incident_state, Some(IncidentState::Investigating));
    assert_eq!(board.severity, Some(Severity::Sev2));
    assert_eq!(board.status_page.len(), 1);
    let what: Vec<&Public> = board.timeline.iter().map(|e| &e.what).collect();
    assert_eq!(
        what,
        vec![
            &Public::Alert { title: "Storefront error rate above 5%".into(), firing: true },
            &Public::Status { state: IncidentState::Investigating, text: "We are looking into errors.".into() },
            &Public::Severity(Severity::Sev2),
            &Public::Turn(1),
        ]
    );
    let names: Vec<(Seat, &str)> = v.table.iter().map(|s| (s.seat, s.name.as_str())).collect();
    assert_eq!(
        names,
        vec![
            (Seat::Liaison, "Lee"),
            (Seat::Troubleshooter(0), "Tam"),
            (Seat::GameMaster, "Gia"),
            (Seat::Spectator(0), "Sol")
        ]
    );
    let text = json(&g, Seat::Spectator(0));
    for hidden in ["team only", "customer only", OPENING, COMMAND, "\"correct\"", "\"brief\"", "secrets"] {
        assert!(!text.contains(hidden), "{hidden:?} leaked to a spectator");
    }
}

#[test]
fn the_customer_sees_their_portal_brief_chat_and_mishap_cards() {
    let mut g = game_with(default_scenario(), true);
    g.act(Seat::Liaison, &Action::CustomerChat("Hi, we're on it.".into())).expect("ok");
    g.act(Seat::Liaison, &Action::StatusUpdate { state: IncidentState::Identified, text: "A bad release.".into() })
        .expect("ok");
    g.act(Seat::Customer(0), &Action::RateUpdate { update: 0, stars: 4 }).expect("ok");
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    let v = view::for_seat(&g, Seat::Customer(0));
    assert_eq!(v.name, "Cory");
    let Panel::Customer(p) = &v.panel else { panic!("customer panel: {:?}", v.panel) };
    assert_eq!(p.character, "Dana (Shop team)");
    assert!(p.brief.starts_with("You are Dana"));
    assert_eq!(p.secrets, vec!["The image tag was typed by hand into the CI variables: 1.4.2x (a typo).".to_owned()]);
    assert_eq!(p.portal.len(), 1);
    assert_eq!(p.portal[0].name, "Storefront");
    assert_eq!(p.portal[0].url, "https://shop.example.com/");
    assert!(p.portal[0].success_percent.is_some_and(|s| s < 5.0), "the shop is down: {:?}", p.portal[0]);
    assert!(p.portal[0].failure.is_some());
    // A human customer: no scripted opening; the liaison's message is there.
    assert_eq!(p.chat.len(), 1);
    assert_eq!(p.chat[0].text, "Hi, we're on it.");
    assert_eq!(p.status_page[0].rating, Some(4));
    assert_eq!(p.mishaps.len(), 1);
    assert_eq!(p.mishaps[0].id, "rerun-pipeline");
    assert_eq!(p.hold_off, HoldOff::NotAsked);
    let text = json(&g, Seat::Customer(0));
    assert!(!text.contains(COMMAND) && !text.contains("\"console\""), "the console leaked to the customer");
    g.act(Seat::Customer(0), &Action::CauseMishap("rerun-pipeline".into())).expect("ok");
    let Panel::Customer(p) = view::for_seat(&g, Seat::Customer(0)).panel else { panic!("customer panel") };
    assert!(p.mishaps.is_empty(), "a mishap card is used up");
}

#[test]
fn the_game_master_sees_everything() {
    let mut g = game();
    g.act(Seat::Liaison, &Action::DeclareRootCause("registry-down".into())).expect("ok");
    g.act(Seat::Liaison, &Action::RequestHint).expect("ok");
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    let v = view::for_seat(&g, Seat::GameMaster);
    let Panel::GameMaster(p) = &v.panel else { panic!("game master panel: {:?}", v.panel) };
    assert!(p.customer.brief.starts_with("You are Dana"));
    assert_eq!(p.customer.secrets.len(), 1);
    assert!(p.customer.npc);
    let correct: Vec<&str> = p.root_causes.iter().filter(|o| o.correct).map(|o| o.id.as_str()).collect();
    assert_eq!(correct, vec!["image-tag-typo"]);
    let declared = p.declared.as_ref().expect("declared");
    assert_eq!((declared.option.as_str(), declared.correct), ("registry-down", false));
    assert_eq!(p.hints.iter().map(|h| (h.tier, h.given)).collect::<Vec<_>>(), vec![(1, true), (2, false), (3, false)]);
    assert!(p.postmortem.root_cause.contains("1.4.2x"));
    assert_eq!(p.dialogue.len(), 7);
    assert!(p.dialogue.iter().all(|l| !l.said));
    assert_eq!(p.mishaps[0].id, "rerun-pipeline");
    assert!(!p.mishaps[0].happened);
    assert_eq!(p.console.len(), 1);
    assert!(p.customer_chat[0].text.starts_with(OPENING));
    assert_eq!(p.points.len(), 1);
    assert_eq!((p.points[0].seat, p.points[0].points), (Seat::Troubleshooter(0), 3));
    assert_eq!(p.log.len(), g.log.len());
    // The responders see which option they declared but not whether it was right.
    let Panel::Liaison(l) = view::for_seat(&g, Seat::Liaison).panel else { panic!("liaison panel") };
    assert_eq!(l.findings.declared.as_deref(), Some("registry-down"));
    assert_eq!(l.findings.hints.len(), 1);
    assert_eq!(l.findings.hints_left, 2);
    assert!(!json(&g, Seat::Liaison).contains("\"correct\""));
}

#[test]
fn common_parts_follow_the_game() {
    let mut g = game();
    let v = view::for_seat(&g, Seat::Liaison);
    assert_eq!(v.title, "Friday afternoon release");
    assert_eq!((v.turn, v.turn_limit, v.minutes_per_turn, v.second), (0, 15, 2, 0));
    assert_eq!(v.phase, Phase::Playing);
    assert!(!v.ended_turn);
    g.act(Seat::Liaison, &Action::EndTurn).expect("ok");
    assert!(view::for_seat(&g, Seat::Liaison).ended_turn);
    assert!(!view::for_seat(&g, Seat::Troubleshooter(0)).ended_turn);
    // An empty seat still gets a view, under its label.
    assert_eq!(view::for_seat(&g, Seat::Troubleshooter(1)).name, "troubleshooter 2");
}

#[test]
fn views_round_trip_through_json() {
    let mut g = game_with(default_scenario(), true);
    g.act(Seat::Troubleshooter(0), &Action::Command(COMMAND.into())).expect("ok");
    g.act(Seat::Liaison, &Action::StatusUpdate { state: IncidentState::Investigating, text: "Looking.".into() })
        .expect("ok");
    for seat in [Seat::Liaison, Seat::Troubleshooter(0), Seat::Customer(0), Seat::Spectator(0), Seat::GameMaster] {
        let v = view::for_seat(&g, seat);
        let back: RoleView = serde_json::from_str(&serde_json::to_string(&v).expect("serializes")).expect("parses");
        assert_eq!(back, v, "{seat:?}");
    }
}

// ---- The canary property test ----

const BRIEF: &str = "canary-brief-q7Zk";
const SECRET: &str = "canary-secret-W3pX";
const ROOT: &str = "canary-rootcause-M9vB";
const INJECT: &str = "canary-inject-H2cR";
const DIALOGUE: &str = "canary-dialogue-L5tN";
/// A namespace only console commands mention (in the line and in kubectl's answer).
const CONSOLE: &str = "zconsolecanary";
const TEAM: &str = "canary-team-chat";
const CUSTOMER_CHAT: &str = "canary-customer-chat";
/// The key that would say which option is right.
const CORRECT: &str = "\"correct\":";

fn planted() -> Scenario {
    let mut s = default_scenario();
    let layer = &mut s.game;
    layer.customer.brief = format!("{} {BRIEF}", layer.customer.brief);
    layer.customer.secrets.push(format!("Only if asked: {SECRET}"));
    layer.postmortem.root_cause = format!("{} {ROOT}", layer.postmortem.root_cause);
    let inject = format!("(id: \"gm-only\", when: Manual, what: Message(\"Our auditor asks: {INJECT}\"))");
    layer.injects.push(ron::from_str(&inject).expect("an inject"));
    let line = format!("(when: [\"xyzzy-never-typed\"], say: \"{DIALOGUE}\")");
    layer.customer.npc.lines.push(ron::from_str(&line).expect("a dialogue line"));
    s
}

const SEATS: [Seat; 4] = [Seat::Liaison, Seat::Troubleshooter(0), Seat::Customer(0), Seat::Spectator(0)];

const COMMANDS: [&str; 6] = [
    "get pods -n shop",
    "describe pods -n shop -l app=web",
    "get pods -n zconsolecanary",
    "rollout history deploy/web -n shop",
    "set image deploy/web web=registry.example.com/shop/web:1.4.2 -n shop",
    "logs deploy/web -n shop",
];

const TO_CUSTOMER: [&str; 5] = [
    "canary-customer-chat hello",
    "What changed recently?",
    "Which image tag did you deploy?",
    "How many users are affected?",
    "Can we roll back?",
];

const OPTIONS: [&str; 5] = ["image-tag-typo", "registry-down", "bad-code", "capacity", "aliens"];

fn action(kind: usize, p: usize) -> Action {
    let states =
        [IncidentState::Investigating, IncidentState::Identified, IncidentState::Monitoring, IncidentState::Resolved];
    match kind {
        0 => Action::TeamChat(format!("{TEAM} {p}")),
        1 => Action::CustomerChat(TO_CUSTOMER[p % TO_CUSTOMER.len()].to_owned()),
        2 => Action::Command(COMMANDS[p % COMMANDS.len()].to_owned()),
        3 => Action::StatusUpdate {
            state: states[p % states.len()],
            text: format!("Update {p}: we are working on the storefront errors."),
        },
        4 => Action::EndTurn,
        5 => Action::DeclareRootCause(OPTIONS[p % OPTIONS.len()].to_owned()),
        6 => Action::RequestHint,
        7 => Action::AskHoldOff,
        8 => Action::Reply(format!("{CUSTOMER_CHAT} reply {p}")),
        9 => Action::RateUpdate { update: p % 3, stars: (p % 6) as u8 },
        10 => Action::CauseMishap("rerun-pipeline".to_owned()),
        11 => Action::AnswerHoldOff { accept: p.is_multiple_of(2) },
        _ => Action::SetSeverity([Severity::Sev1, Severity::Sev2, Severity::Sev3, Severity::Sev4][p % 4]),
    }
}

/// What each seat must never see.
fn forbidden(seat: Seat) -> &'static [&'static str] {
    match seat {
        Seat::Liaison => &[BRIEF, SECRET, ROOT, INJECT, DIALOGUE, CONSOLE, CORRECT],
        Seat::Troubleshooter(_) => &[BRIEF, SECRET, ROOT, INJECT, DIALOGUE, CUSTOMER_CHAT, CORRECT],
        Seat::Customer(_) => &[ROOT, INJECT, DIALOGUE, CONSOLE, TEAM, CORRECT],
        Seat::Spectator(_) => &[BRIEF, SECRET, ROOT, INJECT, DIALOGUE, CONSOLE, TEAM, CUSTOMER_CHAT, CORRECT],
        Seat::GameMaster => &[],
    }
}

fn check_views(g: &Game) -> Result<(), TestCaseError> {
    for seat in [Seat::Liaison, Seat::Troubleshooter(0), Seat::Customer(0), Seat::Spectator(0)] {
        let text = json(g, seat);
        for canary in forbidden(seat) {
            prop_assert!(!text.contains(canary), "{canary} leaked into the view of {seat:?}");
        }
    }
    // A tournament's projector and leaderboard show a team only as a spectator of its room may
    // see it (`game::tournament`).
    let (standing, board) = tournament::team_report(g);
    let row = tournament::TeamRow::fix("team 1", standing.clone());
    let leaderboard = tournament::Leaderboard::new(1, &g.scenario().title, vec![row], Vec::new()).public();
    if !matches!(g.phase, Phase::Ended(_)) {
        prop_assert!(leaderboard.rows[0].standing.mood.is_none(), "the mood is public while the team plays");
        prop_assert!(leaderboard.rows[0].standing.grade.is_none());
    }
    // With swapped sides the same game stands for both rooms, each broken by the other team:
    // the break's columns carry only how the incident came about and the points.
    let names = ["team 1".to_owned(), "team 2".to_owned()];
    let rooms = vec![
        (standing.clone(), Some(tournament::BreakOrigin::Composed)),
        (standing, Some(tournament::BreakOrigin::Drawn)),
    ];
    let swapped = tournament::Leaderboard::new(1, "Shop", tournament::swapped_rows(&names, &rooms), Vec::new());
    let board = Box::new(board);
    for (leaderboard, breaks_for) in [(leaderboard, None), (swapped.public(), Some("team 2".to_owned()))] {
        let wall = tournament::TournamentView {
            leaderboard,
            teams: vec![tournament::TeamBoard { team: "team 1".into(), breaks_for, view: Some(board.clone()) }],
        };
        let text = serde_json::to_string(&wall).expect("serializes");
        for canary in forbidden(Seat::Spectator(0)) {
            prop_assert!(!text.contains(canary), "{canary} leaked onto the tournament's projector");
        }
    }
    let customer = json(g, Seat::Customer(0));
    prop_assert!(customer.contains(BRIEF) && customer.contains(SECRET), "the customer lost their brief");
    let master = json(g, Seat::GameMaster);
    for canary in [BRIEF, SECRET, ROOT, INJECT, DIALOGUE, CORRECT] {
        prop_assert!(master.contains(canary), "the game master's view lacks {canary}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_view_leaks_what_its_seat_may_not_see(
        human_customer in any::<bool>(),
        steps in prop::collection::vec((0..SEATS.len(), 0..13usize, 0..12usize), 1..40),
    ) {
        let mut g = game_with(planted(), human_customer);
        check_views(&g)?;
        // Each channel must reach the seats that may see it, so the absence checks mean something.
        let mut reached: Vec<(Seat, &str)> = Vec::new();
        for (seat, kind, p) in steps {
            let seat = SEATS[seat];
            let action = action(kind, p);
            if g.act(seat, &action).is_ok() {
                match &action {
                    Action::TeamChat(_) => reached.extend([(Seat::Liaison, TEAM), (Seat::Troubleshooter(0), TEAM)]),
                    Action::Command(line) if line.contains(CONSOLE) => reached.push((Seat::Troubleshooter(0), CONSOLE)),
                    Action::CustomerChat(text) | Action::Reply(text) if text.contains(CUSTOMER_CHAT) => {
                        reached.extend([(Seat::Liaison, CUSTOMER_CHAT), (Seat::Customer(0), CUSTOMER_CHAT)]);
                    }
                    _ => {}
                }
            }
            check_views(&g)?;
            for (seat, marker) in &reached {
                prop_assert!(json(&g, *seat).contains(marker), "{marker} should reach {seat:?}");
                prop_assert!(json(&g, Seat::GameMaster).contains(marker), "{marker} should reach the game master");
            }
        }
    }
}

/// A long game master session (issue 16, finding 7): a hosted seat's view does not grow with the
/// game, so making and sending it after every action costs the same after 2,000 actions as after
/// 300. Sizes, not times: the bench `long_game` measures the cost.
#[test]
fn a_hosted_view_stays_the_same_size_however_long_the_game() {
    let mut g = game();
    let size = |g: &Game, seat: Seat| {
        let v = view::for_seat_within(g, seat, view::Limits::HOSTED);
        postcard::to_stdvec(&v).expect("encodes").len()
    };
    let act = |g: &mut Game, n: usize| {
        let action = if n.is_multiple_of(3) {
            Action::TeamChat(format!("note {n}: still pulling"))
        } else {
            Action::Command("describe deployment web -n shop".into())
        };
        g.act(Seat::GameMaster, &action).expect("the game master may");
    };
    for n in 0..300 {
        act(&mut g, n);
    }
    let seats = [Seat::GameMaster, Seat::Liaison, Seat::Troubleshooter(0), Seat::Spectator(0)];
    let early: Vec<usize> = seats.iter().map(|s| size(&g, *s)).collect();
    for n in 300..2000 {
        act(&mut g, n);
    }
    let late: Vec<usize> = seats.iter().map(|s| size(&g, *s)).collect();
    for ((seat, before), after) in seats.iter().zip(&early).zip(&late) {
        // The numbers in the lines grow a digit or two (one per kept line at most); nothing else may.
        let digits = (before / 50).max(view::Limits::HOSTED.lines);
        assert!(*after <= before + digits, "{seat:?}: {before} bytes after 300 actions, {after} after 2,000");
    }
    // The game itself keeps everything: the debrief tells the whole story.
    assert!(g.log.len() >= 2000);
}
