//! Scoring and the postmortem on the default scenario: a good response (early honest updates in
//! the customer's terms, a hold-off, a quick fix and the right root cause) against a poor one (a
//! fix-time promise, no status updates, a destructive command, hints, a wrong hypothesis, the
//! customer's own mishap). The parts carry the reasons, the good game grades higher, and the
//! postmortem lists every command and message and renders identically every time.

use kombat::game::postmortem;
use kombat::game::score::{self, Grade, Score};
use kombat::game::{Action, Game, IncidentState, Outcome, Phase, Seat, Severity};
use kombat::scenario;

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";
const T: Seat = Seat::Troubleshooter(0);
const L: Seat = Seat::Liaison;

fn game() -> Game {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(L, "Lee");
    g.seat(T, "Tam");
    g.start();
    g
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
    assert_eq!(part(&s, score::COLLATERAL), (5, 5, "no destructive command beyond the fix"));
    assert_eq!(part(&s, score::MISHAPS), (5, 5, "no customer-side change; hold-off asked at +0m00s"));
    assert_eq!(part(&s, score::HINTS), (5, 5, "no hint used"));
    assert_eq!(s.max, 95, "the workaround part does not count");
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
    assert_eq!(points, 3);
    assert_eq!(detail, "`delete pods -l app=web -n shop` at +0m00s deletes objects (-2 each)");
    assert_eq!(part(&s, score::HINTS), (1, 5, "2 hint(s) used (-2 each)"));
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
        pm.contains("Service was restored and the incident resolved at +4m00s (turn 2, 2026-11-22T09:04:00Z)."),
        "{pm}"
    );
    assert!(pm.contains("- Duration: 4m00s, from 2026-11-22T09:00:00Z to 2026-11-22T09:04:00Z."), "{pm}");
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
