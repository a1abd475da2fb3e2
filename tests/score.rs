//! Scoring and the postmortem on the default scenario: a good response (early honest updates in
//! the customer's terms, a hold-off, a quick fix and the right root cause) against a poor one (a
//! fix-time promise, no status updates, a needless cordon of a healthy node, hints, a wrong
//! hypothesis, the customer's own mishap). The parts carry the reasons, the good game grades
//! higher, and the postmortem lists every command and message and renders identically every time.
//! Deeds, not strings: a fix typed differently from the reference solution is a fix, stopping a
//! rogue actor is containment, a question is no statement of impact, an unasked hint costs
//! nothing, a team that does nothing fails, and the closing turn is scored.

use kombat::game::postmortem;
use kombat::game::score::{self, Grade, Score};
use kombat::game::{Action, Game, IncidentState, Outcome, Phase, Seat, Severity};
use kombat::scenario;

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";
const T: Seat = Seat::Troubleshooter(0);
const L: Seat = Seat::Liaison;

fn game() -> Game {
    game_of(scenario::DEFAULT_ID)
}

/// A shipped scenario started with a liaison (Lee) and a troubleshooter (Tam).
fn game_of(id: &str) -> Game {
    let s = scenario::builtin(id).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.start();
    g
}

/// The postmortem's summary section.
fn summary_of(pm: &str) -> &str {
    pm.split("## Summary").nth(1).and_then(|t| t.split("## Impact").next()).expect("a summary")
}

fn act(g: &mut Game, seat: Seat, action: &Action) {
    g.act(seat, action).unwrap_or_else(|e| panic!("{action:?} by {seat:?}: {e}"));
}

fn end_turn(g: &mut Game) {
    if matches!(g.phase, Phase::Ended(_)) {
        return;
    }
    act(g, L, &Action::EndTurn);
    if !matches!(g.phase, Phase::Ended(_)) {
        act(g, T, &Action::EndTurn);
    }
}

fn good_game() -> Game {
    let mut g = game();
    act(
        &mut g,
        L,
        &Action::CustomerChat(
            "Hi Dana, we're on it. Every visitor to the Storefront sees an error page. What changed recently?".into(),
        ),
    );
    act(&mut g, L, &Action::AskHoldOff);
    act(&mut g, L, &Action::SetSeverity(Severity::Sev1));
    act(
        &mut g,
        L,
        &Action::StatusUpdate {
            state: IncidentState::Investigating,
            text: "Users can't load the Storefront. We are investigating; next update in 4 minutes.".into(),
        },
    );
    act(&mut g, T, &Action::Command("describe pods -n shop -l app=web".into()));
    act(&mut g, T, &Action::TeamChat("The image tag 1.4.2x does not exist; setting it back to 1.4.2.".into()));
    act(&mut g, T, &Action::Command(FIX.into()));
    act(&mut g, T, &Action::DeclareRootCause("image-tag-typo".into()));
    end_turn(&mut g);
    act(
        &mut g,
        L,
        &Action::StatusUpdate {
            state: IncidentState::Monitoring,
            text: "A corrected release is rolling out and the Storefront is recovering. Next update in 4 minutes."
                .into(),
        },
    );
    for _ in 0..4 {
        end_turn(&mut g);
    }
    g
}

fn poor_game() -> Game {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("Don't worry, it will be fixed in 10 minutes.".into()));
    act(&mut g, T, &Action::Command("delete pods -l app=web -n shop".into()));
    act(&mut g, T, &Action::Command("cordon node-2".into()));
    act(&mut g, L, &Action::RequestHint);
    act(&mut g, T, &Action::RequestHint);
    act(&mut g, T, &Action::DeclareRootCause("registry-down".into()));
    for _ in 0..4 {
        end_turn(&mut g);
    }
    act(&mut g, T, &Action::Command("get pods -n shop".into()));
    act(&mut g, T, &Action::Command(FIX.into()));
    act(&mut g, T, &Action::DeclareRootCause("image-tag-typo".into()));
    for _ in 0..6 {
        end_turn(&mut g);
    }
    g
}

fn part<'a>(score: &'a Score, name: &str) -> (u32, u32, &'a str) {
    let p = score.part(name).unwrap_or_else(|| panic!("no part {name}"));
    (p.points, p.max, p.detail.as_str())
}

#[test]
fn a_good_response_scores_every_part() {
    let g = good_game();
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    let s = score::score(&g);
    assert_eq!(
        part(&s, score::FIRST_RESPONSE),
        (10, 10, "first word to the customer at +0m00s (full points within 5 minutes)")
    );
    assert_eq!(part(&s, score::ROOT_CAUSE), (10, 10, "`image-tag-typo` declared at +0m00s"));
    let (points, max, detail) = part(&s, score::RESOLUTION);
    assert_eq!((points, max), (20, 20), "{detail}");
    assert!(detail.starts_with("resolved at +4m00s (turn 2) of the 30m00s allowed"), "{detail}");
    assert_eq!(part(&s, score::CADENCE).0, 10, "{}", part(&s, score::CADENCE).2);
    assert!(part(&s, score::CADENCE).2.starts_with("2 status update(s), 30.0 per incident hour; longest gap 2m00s"));
    assert_eq!(part(&s, score::NO_ETA), (5, 5, "no fix-time promise in 3 message(s) and update(s)"));
    let (points, _, detail) = part(&s, score::IMPACT);
    assert_eq!(points, 5);
    assert!(detail.contains("Every visitor to the Storefront sees an error page"), "{detail}");
    assert_eq!(part(&s, score::WORKAROUND), (0, 0, "no workaround exists in this scenario (not scored)"));
    assert_eq!(part(&s, score::COLLATERAL), (5, 5, "no change beyond what the incident is about"));
    assert_eq!(part(&s, score::MISHAPS), (5, 5, "no customer-side change; hold-off asked at +0m00s"));
    assert_eq!(part(&s, score::HINTS), (5, 5, "no hint asked for"));
    let (points, max, detail) = part(&s, score::CLOSING);
    assert_eq!((points, max), (2, 5), "no resolved update was posted: {detail}");
    assert!(detail.starts_with("no resolved update after users recovered at +2m00s"), "{detail}");
    assert_eq!(s.max, 100, "the workaround part does not count");
    assert_eq!(s.grade, Grade::A, "{}", s.render_text());
    assert!(s.note.is_none());
}

#[test]
fn a_poor_response_loses_points_with_reasons() {
    let g = poor_game();
    let s = score::score(&g);
    let (points, _, detail) = part(&s, score::NO_ETA);
    assert_eq!(points, 0);
    assert_eq!(detail, "a fix time was promised at +0m00s: \"Don't worry, it will be fixed in 10 minutes.\"");
    assert_eq!(part(&s, score::CADENCE), (0, 10, "no status update was posted"));
    assert_eq!(part(&s, score::IMPACT).0, 0);
    let (points, _, detail) = part(&s, score::COLLATERAL);
    assert_eq!(points, 3, "deleting the broken web's pods is part of the incident; the cordon is not");
    assert_eq!(detail, "`cordon node-2` at +0m00s cordoned node node-2, which the incident is not about (-2 each)");
    assert_eq!(part(&s, score::HINTS), (1, 5, "2 hint(s) asked for (-2 each)"));
    let (points, _, detail) = part(&s, score::MISHAPS);
    assert_eq!(points, 2);
    assert!(detail.contains("`rerun-pipeline` at +6m00s"), "{detail}");
    let (points, _, detail) = part(&s, score::ROOT_CAUSE);
    assert!(points < 10);
    assert!(detail.ends_with("after 1 other hypothesis(es) (-2 each)"), "{detail}");
    assert!(part(&s, score::SATISFACTION).0 < 7, "{}", part(&s, score::SATISFACTION).2);
}

#[test]
fn the_good_response_grades_higher_and_never_as_a_bare_number() {
    let good = score::score(&good_game());
    let poor = score::score(&poor_game());
    assert!(good.total > poor.total, "{} vs {}", good.total, poor.total);
    assert!(good.grade < poor.grade, "A is best: {:?} vs {:?}", good.grade, poor.grade);
    let text = poor.render_text();
    assert!(
        text.starts_with(&format!("Grade {}: {} of {} points", poor.grade.as_str(), poor.total, poor.max)),
        "{text}"
    );
    for p in &poor.parts {
        assert!(text.contains(&p.name) && text.contains(&p.detail), "{} missing from\n{text}", p.name);
    }
}

#[test]
fn an_unresolved_incident_grades_d_at_best() {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows errors to users; next update in 4 minutes.".into()));
    act(
        &mut g,
        L,
        &Action::StatusUpdate { state: IncidentState::Investigating, text: "Storefront errors, investigating.".into() },
    );
    act(&mut g, L, &Action::AskHoldOff);
    let s = score::score(&g);
    assert_eq!(part(&s, score::RESOLUTION), (0, 20, "still open at +0m00s"));
    assert!(s.grade >= Grade::D, "{}", s.render_text());
}

/// Every command, chat message and status update of a game appears in its postmortem timeline.
fn assert_complete_timeline(g: &Game, pm: &str) {
    let timeline = pm.split("## Timeline").nth(1).and_then(|t| t.split("## Root cause").next()).expect("a timeline");
    assert!(!g.console.is_empty());
    for c in &g.console {
        assert!(timeline.contains(&format!("Command `{}`", c.line)), "command {:?} missing", c.line);
    }
    for m in &g.team_chat {
        assert!(timeline.contains(&format!("Team chat, {}: {}", m.from, m.text)), "team message {:?} missing", m.text);
    }
    for m in &g.customer_chat {
        assert!(
            timeline.contains(&format!("Customer chat, {}: {}", m.from, m.text)),
            "customer message {:?} missing",
            m.text
        );
    }
    for u in &g.status_page {
        assert!(
            timeline.contains(&format!("Status update ({}): {}", u.state.as_str(), u.text)),
            "update {:?} missing",
            u.text
        );
    }
}

#[test]
fn the_postmortem_lists_everything_and_is_deterministic() {
    for g in [good_game(), poor_game()] {
        let s = score::score(&g);
        let pm = postmortem::render(&g, &s);
        assert_complete_timeline(&g, &pm);
        assert_eq!(pm, postmortem::render(&g, &s), "rendering twice gives the same text");
        // Blameless wording in the postmortem's own words; quoted output (code) is what it is.
        let own_words: String = pm.split('`').step_by(2).collect();
        assert!(!own_words.contains("failed to"), "blameless wording");
    }
    let again = good_game();
    assert_eq!(
        postmortem::render(&good_game(), &score::score(&good_game())),
        postmortem::render(&again, &score::score(&again)),
        "the same game renders the same postmortem"
    );
}

#[test]
fn the_postmortem_tells_the_story() {
    let g = good_game();
    let pm = postmortem::render(&g, &score::score(&g));
    assert!(pm.starts_with("# Postmortem: Friday afternoon release (2026-11-22)\n"), "{pm}");
    assert!(
        pm.contains(
            "## Summary\n\nUsers started failing at -8m00s (2026-11-22T08:52:00Z), 8m00s before the team was called. \
             The incident was resolved at +4m00s (turn 2); users were back within the SLO from +2m00s. The fix: \
             `set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop` (troubleshooter 1 (Tam), +0m00s).\n"
        ),
        "{pm}"
    );
    assert!(pm.contains("\nBackground: A release of the storefront used a mistyped image tag."), "{pm}");
    assert!(
        pm.contains(
            "- Duration: 12m00s, from the first fault at 2026-11-22T08:52:00Z to the end at 2026-11-22T09:04:00Z; \
             the team was called at 2026-11-22T09:00:00Z."
        ),
        "the duration counts from the first fault:\n{pm}"
    );
    assert!(pm.contains("- Users failing: from 2026-11-22T08:52:00Z to 2026-11-22T09:02:00Z (10m00s)."), "{pm}");
    assert!(
        pm.contains("| Storefront (https://shop.example.com/) | from +0m00s, back by +2m00s | 0.0% |"),
        "what users saw:\n{pm}"
    );
    assert!(pm.contains("- `image-tag-typo` at +0m00s by troubleshooter 1 (Tam): the root cause"), "{pm}");
    assert!(
        pm.contains("| +0m00s | 09:00:00 | 1 | troubleshooter 1 (Tam) | Command `describe pods -n shop -l app=web` |"),
        "{pm}"
    );
    assert!(
        pm.contains("| +2m00s | 09:02:00 | 1 | — | Turn 1 ends |\n| +2m00s | 09:02:00 | 2 | alerting | Alert cleared"),
        "{pm}"
    );
    assert!(pm.contains("Alert cleared: Storefront error rate above 5%"), "{pm}");
    assert!(pm.contains("- [ ] Use a RollingUpdate strategy with maxUnavailable 0 for the storefront."), "{pm}");
    let poor = poor_game();
    let pm = postmortem::render(&poor, &score::score(&poor));
    assert!(pm.contains("the customer made a change of their own at +6m00s: `rerun-pipeline`"), "{pm}");
    assert!(pm.contains("## What to improve\n\n"), "{pm}");
    assert!(pm.contains("- No fix-time promises (0/5): a fix time was promised at +0m00s"), "{pm}");
}

/// Ends turns until the game is over (the closing turn included), at most `limit` times.
fn play_out(g: &mut Game, limit: usize) {
    for _ in 0..limit {
        if matches!(g.phase, Phase::Ended(_)) {
            return;
        }
        end_turn(g);
    }
}

fn won_by_rollout_undo() -> Game {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows an error page to every visitor; we are on it.".into()));
    act(&mut g, T, &Action::Command("kubectl rollout undo deployment/web -n shop".into()));
    play_out(&mut g, 20);
    g
}

#[test]
fn rollout_undo_is_a_fix_with_full_collateral_points_and_the_postmortem_names_it() {
    let g = won_by_rollout_undo();
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    let s = score::score(&g);
    assert_eq!(part(&s, score::COLLATERAL), (5, 5, "no change beyond what the incident is about"));
    let pm = postmortem::render(&g, &s);
    let summary = summary_of(&pm);
    assert!(
        summary.contains("The fix: `kubectl rollout undo deployment/web -n shop` (troubleshooter 1 (Tam), +0m00s)."),
        "{summary}"
    );
    assert!(!summary.contains("image was corrected") && !summary.contains("set image"), "{summary}");
}

#[test]
fn what_was_tried_before_the_fix_is_told_apart_from_the_fix() {
    let mut g = game();
    act(&mut g, T, &Action::Command("rollout restart deployment/web -n shop".into()));
    end_turn(&mut g);
    act(&mut g, T, &Action::Command(FIX.into()));
    act(&mut g, T, &Action::Command("cordon node-2".into()));
    play_out(&mut g, 20);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    let pm = postmortem::render(&g, &score::score(&g));
    assert!(pm.contains("Other changes: `cordon node-2` (troubleshooter 1 (Tam), +2m00s)."), "{pm}");
    assert!(pm.contains(&format!("The fix: `{FIX}` (troubleshooter 1 (Tam), +2m00s).")), "{pm}");
    assert!(
        pm.contains(
            "Tried before, not resolving it on its own: \
             `rollout restart deployment/web -n shop` (troubleshooter 1 (Tam), +0m00s)."
        ),
        "{pm}"
    );
}

#[test]
fn a_lost_game_says_it_was_lost_and_claims_no_fix() {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows errors to your users; we are looking.".into()));
    act(&mut g, T, &Action::Command("rollout restart deployment/web -n shop".into()));
    play_out(&mut g, 40);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Lost { .. })), "{:?}", g.phase);
    let pm = postmortem::render(&g, &score::score(&g));
    let summary = summary_of(&pm);
    assert!(summary.contains("The incident was lost at"), "{summary}");
    assert!(summary.contains("Users were still failing when it ended."), "{summary}");
    assert!(
        summary.contains(
            "Changes the team made: `rollout restart deployment/web -n shop` (troubleshooter 1 (Tam), +0m00s)."
        ),
        "{summary}"
    );
    assert!(
        !summary.contains("The fix") && !summary.contains("resolved") && !summary.contains("restored"),
        "{summary}"
    );
    assert!(pm.contains("- Users failing: from 2026-11-22T08:52:00Z and still at the end."), "{pm}");
}

#[test]
fn a_question_naming_a_service_states_no_impact() {
    let mut g = game();
    act(
        &mut g,
        L,
        &Action::CustomerChat("Hi, on it now. What exactly changed this morning besides checkout 3.2.0?".into()),
    );
    let s = score::score(&g);
    assert_eq!(part(&s, score::IMPACT), (0, 5, "no message said what users experience or named an affected service"));
    act(&mut g, L, &Action::CustomerChat("Every visitor to the Storefront gets an error page right now.".into()));
    assert_eq!(part(&score::score(&g), score::IMPACT).0, 5);
}

#[test]
fn only_hints_the_team_asked_for_cost() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.seat(Seat::GameMaster, "Gina");
    g.start();
    act(&mut g, L, &Action::CustomerChat("We see errors on the Storefront for your users.".into()));
    act(&mut g, Seat::GameMaster, &Action::GrantHint);
    act(&mut g, Seat::GameMaster, &Action::GrantHint);
    assert_eq!(g.hints_given, 2);
    assert_eq!(
        part(&score::score(&g), score::HINTS),
        (5, 5, "no hint asked for; 2 granted unasked by the game master (no cost)")
    );
    act(&mut g, T, &Action::RequestHint);
    assert_eq!(
        part(&score::score(&g), score::HINTS),
        (3, 5, "1 hint(s) asked for (-2 each); 2 granted unasked by the game master (no cost)")
    );
}

#[test]
fn a_team_that_does_nothing_fails_with_nothing_gone_well() {
    let mut g = game();
    play_out(&mut g, 40);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Lost { .. })), "{:?}", g.phase);
    let s = score::score(&g);
    assert_eq!(s.grade, Grade::F, "{}", s.render_text());
    assert_eq!(s.total, 0, "{}", s.render_text());
    assert!(s.parts.iter().all(|p| !p.went_well()), "{}", s.render_text());
    assert_eq!(s.note.as_deref(), Some("Nobody on the team did anything: a team that does nothing fails."));
    let (_, _, collateral) = part(&s, score::COLLATERAL);
    assert!(collateral.ends_with("(not credited: the team did nothing)"), "{collateral}");
    let pm = postmortem::render(&g, &s);
    assert!(pm.contains("## What went well\n\nNothing scored three quarters of its points"), "{pm}");
    // One honest word to the customer is a response: absence of harm counts again.
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("We see errors on the Storefront for your users and are on it.".into()));
    let s = score::score(&g);
    assert_eq!(part(&s, score::COLLATERAL).0, 5);
    assert!(s.note.is_none());
}

#[test]
fn the_closing_turn_gives_the_liaison_the_last_word_and_is_scored() {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows errors to every visitor; we are on it.".into()));
    act(&mut g, T, &Action::Command(FIX.into()));
    while g.phase == Phase::Playing {
        end_turn(&mut g);
    }
    assert_eq!(g.phase, Phase::Closing, "a won incident gives a closing turn first");
    assert!(score::ending(&g).is_none(), "the game has not ended yet");
    let turn = g.turn();
    // The cluster only reads now; nothing more breaks.
    act(&mut g, T, &Action::Command("get pods -n shop".into()));
    assert_eq!(
        g.act(T, &Action::Command("scale deployment/web --replicas=0 -n shop".into())),
        Err(kombat::game::RuleError::Closing)
    );
    act(&mut g, L, &Action::CustomerChat("Is there anything else you need from us?".into()));
    act(
        &mut g,
        L,
        &Action::StatusUpdate {
            state: IncidentState::Resolved,
            text: "Resolved: every visitor can use the Storefront again.".into(),
        },
    );
    let scored = score::score(&g);
    let (points, max, detail) = part(&scored, score::CLOSING);
    assert_eq!((points, max), (5, 5), "{detail}");
    assert!(detail.contains("no stakeholder question left open"), "{detail}");
    end_turn(&mut g);
    assert_eq!(g.phase, Phase::Ended(Outcome::Won { turn }), "the closing turn's end ends the game, won");
    assert_eq!(g.turn(), turn, "no incident time passes in the closing turn");
}

#[test]
fn an_open_question_at_the_end_costs_closing_points() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    let customer = Seat::Customer(0);
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.seat(customer, "Dana");
    g.start();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows errors to every visitor; we are on it.".into()));
    act(&mut g, T, &Action::Command(FIX.into()));
    while g.phase == Phase::Playing {
        end_turn(&mut g);
    }
    assert_eq!(g.phase, Phase::Closing);
    let resolved = "Resolved: the Storefront works for your users again.";
    act(&mut g, L, &Action::StatusUpdate { state: IncidentState::Resolved, text: resolved.into() });
    act(&mut g, customer, &Action::Reply("Great! Will we get a written postmortem?".into()));
    let scored = score::score(&g);
    let (points, _, detail) = part(&scored, score::CLOSING);
    assert_eq!(points, 3, "{detail}");
    assert!(
        detail.ends_with("1 question(s) left open, first: \"Great! Will we get a written postmortem?\""),
        "{detail}"
    );
    act(&mut g, L, &Action::CustomerChat("Yes, within two days.".into()));
    assert_eq!(part(&score::score(&g), score::CLOSING).0, 5);
    end_turn(&mut g);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
}

#[test]
fn the_timer_or_the_game_master_end_the_closing_turn_won() {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.seat(Seat::GameMaster, "Gina");
    g.start();
    act(&mut g, T, &Action::Command(FIX.into()));
    while g.phase == Phase::Playing {
        g.force_turn();
    }
    assert_eq!(g.phase, Phase::Closing);
    // Nothing more breaks in the closing turn.
    assert_eq!(g.act(Seat::GameMaster, &Action::FireInject("any".into())), Err(kombat::game::RuleError::Closing));
    let mut paused = g.clone();
    act(&mut paused, Seat::GameMaster, &Action::Pause);
    act(&mut paused, Seat::GameMaster, &Action::Resume);
    assert_eq!(paused.phase, Phase::Closing, "a pause goes back to the closing turn");
    act(&mut paused, Seat::GameMaster, &Action::EndGame);
    assert!(
        matches!(paused.phase, Phase::Ended(Outcome::Won { .. })),
        "the game master ends it won: {:?}",
        paused.phase
    );
    g.force_turn();
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "the timer ends it won: {:?}", g.phase);
}

#[test]
fn stopping_the_rogue_janitor_is_credited_containment() {
    let s = scenario::builtin("dns-cleanup-job").expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.start();
    act(&mut g, L, &Action::CustomerChat("Checkout fails for every visitor; we are on it.".into()));
    act(&mut g, T, &Action::Command("scale deployment/cleanup --replicas=0 -n platform-tools".into()));
    act(&mut g, T, &Action::Command("scale deployment/coredns --replicas=2 -n kube-system".into()));
    play_out(&mut g, 20);
    let s = score::score(&g);
    let (points, max, detail) = part(&s, score::COLLATERAL);
    assert_eq!((points, max), (5, 5), "{detail}");
    assert!(detail.contains("containment credited: stopped the rogue platform-tools/cleanup at +0m00s"), "{detail}");
    let pm = postmortem::render(&g, &s);
    assert!(pm.contains("Rogue actor contained: stopped the rogue platform-tools/cleanup"), "{pm}");
}

#[test]
fn a_change_rolled_back_later_is_told_as_undone() {
    let mut g = game();
    act(&mut g, L, &Action::CustomerChat("The Storefront shows errors to every visitor; we are on it.".into()));
    act(&mut g, L, &Action::AskHoldOff);
    act(&mut g, T, &Action::Command("set env deployment/web DEBUG=1 -n shop".into()));
    end_turn(&mut g);
    act(&mut g, T, &Action::Command("rollout undo deployment/web -n shop".into()));
    end_turn(&mut g);
    act(&mut g, T, &Action::Command(FIX.into()));
    play_out(&mut g, 20);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    let pm = postmortem::render(&g, &score::score(&g));
    assert!(pm.contains(&format!("The fix: `{FIX}` (troubleshooter 1 (Tam), +4m00s).")), "{pm}");
    assert!(
        pm.contains(
            "`set env deployment/web DEBUG=1 -n shop` (troubleshooter 1 (Tam), +0m00s) \
             (undone by `rollout undo deployment/web -n shop` at +2m00s)"
        ),
        "{pm}"
    );
}

#[test]
fn with_two_causes_both_fixes_are_the_fix() {
    let mut g = game_of("two-problems");
    let selector =
        r#"kubectl patch svc locker-api -n lockers -p '{"spec":{"selector":{"app.kubernetes.io/name":"locker-api"}}}'"#;
    let policy = "kubectl delete networkpolicy allow-ingress-nginx -n lockers";
    act(&mut g, T, &Action::Command(selector.into()));
    end_turn(&mut g);
    end_turn(&mut g);
    act(&mut g, T, &Action::Command(policy.into()));
    play_out(&mut g, 20);
    assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", g.phase);
    let pm = postmortem::render(&g, &score::score(&g));
    let summary = summary_of(&pm);
    let fix = summary
        .split("The fix")
        .nth(1)
        .unwrap_or_else(|| panic!("no fix in: {summary}"))
        .split(".\n")
        .next()
        .unwrap_or_default();
    assert!(fix.contains("patch svc locker-api") && fix.contains("delete networkpolicy"), "{summary}");
    assert!(!summary.contains("Tried before"), "{summary}");
}
