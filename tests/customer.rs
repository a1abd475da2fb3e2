//! The scripted customer in play: it answers natural questions with what it knows (the key clue of
//! every shipped scenario, asked in words no scenario file contains), replies in character to a
//! question it cannot answer, acknowledges a statement at most once a turn, agrees to hold off
//! when asked in plain words, and watches its users: no outage nag while every entrypoint is
//! healthy, "is it fixed?" once they recover, quiet after a "resolved" update.

use kombat::game::{Action, Channel, Event, Game, HoldOff, IncidentState, Phase, Seat, Stamped};
use kombat::scenario::{self, Scenario};

fn load(id: &str) -> Scenario {
    scenario::builtin(id).expect("shipped").unwrap_or_else(|e| panic!("{e}"))
}

fn game(s: &Scenario) -> Game {
    let mut g = Game::new(s.clone(), 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.seat(Seat::GameMaster, "Gil");
    g.start();
    g
}

fn ask(g: &mut Game, text: &str) -> Vec<Stamped> {
    g.act(Seat::Liaison, &Action::CustomerChat(text.to_owned())).expect("the liaison may talk")
}

/// What the customer said in these events.
fn replies(g: &Game, events: &[Stamped]) -> Vec<String> {
    let name = g.customer_name();
    events
        .iter()
        .filter_map(|s| match &s.event {
            Event::Chat { channel: Channel::Customer, from, text } if *from == name => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn reveals(events: &[Stamped], clue: &str) -> bool {
    events.iter().any(|s| matches!(&s.event, Event::ClueFound { id, .. } if id == clue))
}

/// Per shipped scenario: a question a liaison might really ask, in none of the scenario's words,
/// and the key clue the customer gives for it.
const KEY_QUESTIONS: &[(&str, &str, &str)] = &[
    ("tutorial", "Did anyone on your side change something this morning?", "tidying"),
    ("first-deploy", "Hi Dana, did your team roll anything out in the past hour?", "hand-typed-tag"),
    ("config-drift", "Were there any edits to your setup this morning?", "renamed-key"),
    ("memory-leak-friday", "Has someone on your side pushed a new version today?", "session-cache"),
    ("dns-cleanup-job", "Did anybody install something new on the cluster recently?", "janitor-installed"),
    ("two-problems", "Has anyone modified anything in your environment today?", "label-migration"),
    ("black-friday-scale", "Is anything set up differently compared to your last big sale?", "max-reset"),
    ("library-loans", "Was anything new released or merged on your side today?", "two-prs"),
    ("print-lab", "Did you ship something new this morning?", "release-520"),
    ("broker-quotes", "Has another team modified anything this morning?", "pr-88"),
    ("lorem-ipsum", "Has someone on your side deployed or set up anything new lately?", "preview-deployed"),
    ("course-rename", "Were any updates made to your setup last night?", "maintenance-notice"),
    ("prod-deleted", "Has anything been modified in your environment today?", "wrong-context"),
    ("ferry-fares", "Who else has access to your cluster, and did they change anything?", "platform-changes"),
    (
        "sticky-image",
        "Is there any third-party software running in your cluster, from a vendor maybe?",
        "image-guard-trial",
    ),
    ("appointments-portal", "Has anything been modified in your setup lately?", "private-repository"),
    ("stop-the-presses", "Did your team deploy something new this morning?", "distroless-release"),
    ("vanishing-trucks", "Did some other group alter anything today, for example in monitoring?", "obs-88"),
    ("empty-shelves", "Were there any edits to the catalogue setup since yesterday?", "chart-upgrade"),
    ("payday-on-hold", "Was any maintenance done on the servers this morning?", "kernel-patching"),
    ("exam-morning", "Did another team introduce new rules or limits for your namespace yesterday?", "guardrails"),
    ("presale-autoscale", "Did anything happen in the cluster overnight?", "janitor"),
    ("results-pending", "Was something else deployed in the same window, perhaps a batch job?", "export-release"),
    ("rack-maintenance", "Were there any modifications on your side since yesterday?", "rack-b-maintenance"),
    ("silent-feeds", "Did anybody on your side make modifications yesterday?", "extra-logging"),
    ("new-node-pool", "Has your team or anybody altered something since Friday?", "pool-migration"),
    ("exam-morning-nodes", "What did your team modify before the exams began?", "added-servers"),
    ("clinic-after-reboot", "Did your team ship anything lately?", "release-6-1"),
    ("on-sale-frozen", "Were there any edits on your side before the rush?", "scale-did-nothing"),
    ("lunch-rush-rollout", "Has anything been rolled out on your side today?", "release-5"),
    ("upgrade-day", "Did your team modify anything in the past hour?", "drain-hangs"),
];

#[test]
fn every_shipped_scenario_gives_its_key_clue_for_a_plain_question() {
    let shipped: Vec<&str> = scenario::BUILTIN.iter().map(|(id, _)| *id).collect();
    for id in &shipped {
        assert!(KEY_QUESTIONS.iter().any(|(k, _, _)| k == id), "{id}: no plain key question here");
    }
    for (id, question, clue) in KEY_QUESTIONS {
        let s = load(id);
        for line in &s.game.customer.npc.lines {
            assert!(line.when.is_empty(), "{id}: still a keyword line: {:?}", line.when);
        }
        let mut g = game(&s);
        let events = ask(&mut g, question);
        assert!(reveals(&events, clue), "{id}: {question:?} did not reveal {clue}: {:?}", replies(&g, &events));
    }
}

#[test]
fn a_question_without_an_answer_gets_an_in_character_reply() {
    let s = load("first-deploy");
    let mut g = game(&s);
    let events = ask(&mut g, "Were any passwords or certificates rotated recently?");
    assert_eq!(replies(&g, &events), ["Not that I know of. I'd have to ask who looks after our credentials."]);
    // The scenario's own words win over the game's.
    let events = ask(&mut g, "Is there a workaround your customers could use meanwhile?");
    let said = replies(&g, &events);
    assert_eq!(said.len(), 1);
    assert!(said[0].starts_with("Not really. Without the storefront"), "{said:?}");
    // A question the game cannot make out still gets an answer.
    let events = ask(&mut g, "Where are your offices?");
    assert_eq!(replies(&g, &events).len(), 1, "{events:?}");
}

#[test]
fn a_line_already_said_is_quoted_again_rather_than_met_with_silence() {
    let s = load("first-deploy");
    let mut g = game(&s);
    ask(&mut g, "How many users are affected?");
    let events = ask(&mut g, "Sorry, how many customers did you say are hit?");
    let said = replies(&g, &events);
    assert_eq!(said, ["Like I said: Every visitor gets an error page. Nobody can check out."]);
}

#[test]
fn a_statement_is_acknowledged_at_most_once_a_turn() {
    let s = load("first-deploy");
    let mut g = game(&s);
    let first = ask(&mut g, "We are aware of the errors and are looking into it.");
    assert_eq!(replies(&g, &first).len(), 1, "{first:?}");
    let second = ask(&mut g, "Our troubleshooters are on the cluster now.");
    assert!(replies(&g, &second).is_empty(), "{second:?}");
    assert!(!second.iter().any(|s| matches!(s.event, Event::ClueFound { .. })));
}

#[test]
fn asking_to_hold_off_in_plain_words_is_a_hold_off() {
    let s = load("first-deploy");
    let mut g = game(&s);
    let events = ask(&mut g, "Please don't re-run anything until we get back to you.");
    assert!(events.iter().any(|s| s.event == Event::HoldOffAsked), "{events:?}");
    assert_eq!(g.hold_off, HoldOff::Accepted);
    assert_eq!(replies(&g, &events), ["OK, we won't touch anything until you say so."]);
    // Held off, the customer does not re-run the pipeline at turn 3.
    for _ in 0..4 {
        g.force_turn();
    }
    assert!(g.mishaps.is_empty(), "{:?}", g.mishaps);
    // The command still works too.
    let mut g = game(&s);
    g.act(Seat::Liaison, &Action::AskHoldOff).expect("the liaison may ask");
    assert_eq!(g.hold_off, HoldOff::Accepted);
}

const FIRST_DEPLOY_FIX: &str = "kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";

/// A shipped scenario with the win held off long enough to watch the customer, who was asked to
/// hold off (so no mishap muddles what it says).
fn watched(id: &str) -> Game {
    let mut s = load(id);
    s.win.hold_turns = 50;
    s.turn_limit = 60;
    let mut g = game(&s);
    g.act(Seat::Liaison, &Action::AskHoldOff).expect("the liaison may ask");
    g
}

/// The game master runs a command (a fix the test needs, not a player's move).
fn gm(g: &mut Game, line: &str) {
    g.act(Seat::GameMaster, &Action::Command(line.to_owned())).expect("a game master may run commands");
}

/// What the customer says over `n` turns that pass.
fn turns(g: &mut Game, n: usize) -> Vec<String> {
    let mut said = Vec::new();
    for _ in 0..n {
        let events = g.force_turn();
        said.extend(replies(g, &events));
    }
    said
}

fn users_fine_now(g: &Game) -> bool {
    g.figures.last().is_some_and(|f| f.results.iter().all(|r| r.success >= 0.99))
}

/// first-deploy fixed at the start.
fn fixed_first_deploy() -> Game {
    let mut g = watched("first-deploy");
    gm(&mut g, FIRST_DEPLOY_FIX);
    g
}

#[test]
fn the_customer_asks_whether_it_is_fixed_once_users_recover_and_never_nags_about_an_outage() {
    let mut g = fixed_first_deploy();
    let outage_nags = g.scenario().game.customer.npc.nags.clone();
    let name = g.customer_name();
    let said = turns(&mut g, 8);
    assert_eq!(g.phase, Phase::Playing);
    let fine_from = g.figures.iter().position(|f| f.results.iter().all(|r| r.success >= 0.99));
    assert!(fine_from.is_some(), "the fix should bring the users back");
    assert!(!said.iter().any(|s| outage_nags.contains(s)), "an outage nag while users are fine: {said:?}");
    assert!(said.iter().any(|s| s.contains("Is it fixed?")), "no question whether it is fixed: {said:?}");
    assert!(!said.iter().any(|s| s.to_lowercase().contains("screenshot")), "{said:?}");
    // Asked, the customer confirms from what its users see.
    let events = ask(&mut g, "Is it working for you now?");
    assert_eq!(replies(&g, &events), ["The storefront loads again and orders are coming in. Thank you!"]);
    // After "resolved" the customer is quiet, however long nobody writes.
    g.act(Seat::Liaison, &Action::StatusUpdate { state: IncidentState::Resolved, text: "Fixed.".to_owned() })
        .expect("the liaison may post");
    let before = g.customer_chat.len();
    for _ in 0..6 {
        g.force_turn();
    }
    let after: Vec<_> = g.customer_chat[before..].iter().filter(|c| c.from == name).collect();
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn while_users_still_fail_the_customer_nags_about_the_outage_and_says_it_is_not_fixed() {
    let s = load("first-deploy");
    let mut g = game(&s);
    g.act(Seat::Liaison, &Action::AskHoldOff).expect("the liaison may ask");
    let events = ask(&mut g, "Is it working for you now?");
    assert_eq!(replies(&g, &events), ["No, we're still seeing the same problem."]);
    let nags = s.game.customer.npc.nags.clone();
    let mut said = Vec::new();
    for _ in 0..4 {
        let events = g.force_turn();
        said.extend(replies(&g, &events));
    }
    assert!(said.iter().any(|s| nags.contains(s)), "no outage nag while users fail: {said:?}");
}

#[test]
fn a_topic_narrows_a_line_to_questions_about_it() {
    let s = load("first-deploy");
    let mut g = game(&s);
    let events = ask(&mut g, "Could you check the exact value of that setting for us?");
    assert!(!reveals(&events, "typo"), "no topic named: {:?}", replies(&g, &events));
    assert_eq!(replies(&g, &events), ["I'm not sure where to look for that, I'd have to ask one of our developers."]);
    let events = ask(&mut g, "Could you look up which image tag is in your pipeline variables?");
    assert!(reveals(&events, "typo"), "{:?}", replies(&g, &events));
}

#[test]
fn one_message_gets_every_answer_it_asks_for_in_one_reply() {
    let s = load("first-deploy");
    let mut g = game(&s);
    let events = ask(&mut g, "Hi Dana, what changed this morning? And how many users are affected?");
    let said = replies(&g, &events);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("We shipped 1.4.2") && said[0].contains("Every visitor gets an error page"), "{said:?}");
    assert!(reveals(&events, "hand-typed-tag"));
}

#[test]
fn an_older_scenario_with_trigger_words_still_answers() {
    let mut s = load("first-deploy");
    let line = &mut s.game.customer.npc.lines[0];
    line.intents.clear();
    line.when = vec!["release job".to_owned()];
    let mut g = game(&s);
    let events = ask(&mut g, "What about the release job?");
    assert!(reveals(&events, "hand-typed-tag"), "{:?}", replies(&g, &events));
}

#[test]
fn a_timed_complaint_waits_while_users_are_fine() {
    let mut g = watched("memory-leak-friday");
    gm(&mut g, "kubectl set resources deployment/checkout -n shop --limits=memory=512Mi --requests=memory=384Mi");
    let said = turns(&mut g, 6);
    assert!(users_fine_now(&g), "fixed");
    assert!(!said.iter().any(|s| s.to_lowercase().contains("screenshot")), "{said:?}");
    // Unfixed, the same complaint comes at its turn.
    let said = turns(&mut watched("memory-leak-friday"), 4);
    assert!(said.iter().any(|s| s.to_lowercase().contains("screenshot")), "{said:?}");
}

#[test]
fn no_outage_nag_the_moment_the_errors_stop() {
    let mut g = watched("first-deploy");
    let outage_nags = g.scenario().game.customer.npc.nags.clone();
    turns(&mut g, 2);
    gm(&mut g, FIRST_DEPLOY_FIX);
    let said = turns(&mut g, 3);
    assert!(users_fine_now(&g), "fixed");
    assert!(!said.iter().any(|s| outage_nags.contains(s)), "an outage nag after the fix: {said:?}");
}

#[test]
fn fresh_news_is_not_glued_to_an_old_answer() {
    let s = load("first-deploy");
    let mut g = game(&s);
    ask(&mut g, "What changed on your side?");
    let events = ask(&mut g, "What changed, and when did it start?");
    let said = replies(&g, &events).join(" ");
    assert!(!said.contains("Like I said"), "{said}");
    let events = ask(&mut g, "Sorry, what changed again?");
    assert!(replies(&g, &events).join(" ").starts_with("Like I said"), "nothing new: the old answer again");
}
