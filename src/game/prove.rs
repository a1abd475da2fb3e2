//! `kombat scenario test`: proves a scenario fair. Not won at the start, not won by waiting out
//! the turn limit, won by its reference solution, not won by any of its wrong fixes. For the game
//! around it: the scenario has game content, asking the customer the canonical question in plain
//! words reveals the key clue, and ignoring the customer long enough makes them cause a mishap.
//!
//! Each check after the build plays its own copy of the built world, so the checks are
//! independent: a [`Runner`] runs them, one after the other here ([`InTurn`]) or side by side in
//! the shell (ARCHITECTURE.md, "The proof on every core"). Either way the proof is the same.

use super::world::{LineResult, World};
use super::{Action, Event, Game, Outcome, Phase, Seat};
use crate::scenario::Scenario;

/// The name of the step that fails for a scenario without a game layer.
pub const GAME_CONTENT: &str = "has game content";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofStep {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub steps: Vec<ProofStep>,
}

impl Proof {
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.passed)
    }
}

/// One independent part of a proof: it plays its own copy of the world and says what it found.
pub type Check<'a> = Box<dyn FnOnce() -> Vec<ProofStep> + Send + 'a>;

/// Runs a proof's independent checks and gives back what each found, in the order of the checks.
pub trait Runner: Sync {
    fn run(&self, checks: Vec<Check<'_>>) -> Vec<Vec<ProofStep>>;
}

/// Runs the checks one after the other on the caller's thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct InTurn;

impl Runner for InTurn {
    fn run(&self, checks: Vec<Check<'_>>) -> Vec<Vec<ProofStep>> {
        checks.into_iter().map(|check| check()).collect()
    }
}

/// Runs every check of a scenario with the given seed, one after the other.
pub fn prove(scenario: &Scenario, seed: u64) -> Proof {
    prove_with(scenario, seed, &InTurn)
}

/// [`prove`], with the checks after the build run by `runner`.
pub fn prove_with(scenario: &Scenario, seed: u64, runner: &dyn Runner) -> Proof {
    let mut steps = Vec::new();
    // Built once: every check plays a copy of the same world, which is what building it again
    // from the scenario and the seed would give (the build is deterministic and pure).
    let built = match World::new(scenario.clone(), seed) {
        Ok(s) => s,
        Err(e) => {
            steps.push(ProofStep { name: "builds".to_owned(), passed: false, detail: e.to_string() });
            return Proof { steps };
        }
    };
    let already = built.win_conditions().iter().all(|(_, holds)| *holds);
    steps.push(ProofStep {
        name: "not won at start".to_owned(),
        passed: !already,
        detail: if already {
            "every win condition already holds".to_owned()
        } else {
            "some win condition fails".to_owned()
        },
    });
    let built = &built;
    // The plays that must not win, each played once: waiting (no lines) first, then every wrong
    // fix whose played part no earlier one has.
    let plays = must_not_win_plays(scenario);
    let mut checks: Vec<Check<'_>> = vec![Box::new(move || {
        vec![run_script("won by the reference solution", built.clone(), &scenario.solution, true)]
    })];
    for &lines in &plays.distinct {
        checks.push(Box::new(move || vec![run_script("", built.clone(), lines, false)]));
    }
    match game_content(built) {
        Ok(content) => {
            checks.push(Box::new(move || vec![content]));
            checks.push(Box::new(move || vec![canonical_question(built)]));
            checks.push(Box::new(move || vec![ignored_customer(built)]));
        }
        Err(missing) => checks.push(Box::new(move || vec![missing])),
    }
    let mut found = runner.run(checks).into_iter();
    let solution = found.next().unwrap_or_default();
    let played: Vec<Vec<ProofStep>> = found.by_ref().take(plays.distinct.len()).collect();
    let verdict = |i: usize, name: String| {
        let step = played.get(i).and_then(|p| p.first());
        ProofStep {
            name,
            passed: step.is_some_and(|s| s.passed),
            detail: step.map(|s| s.detail.clone()).unwrap_or_default(),
        }
    };
    steps.push(verdict(0, "not won by waiting".to_owned()));
    steps.extend(solution);
    for (fix, &i) in scenario.wrong_fixes.iter().zip(&plays.of_fix) {
        steps.push(verdict(i, format!("not won by wrong fix: {}", fix.name)));
    }
    steps.extend(found.flatten());
    Proof { steps }
}

/// The plays that must not win, each once: `distinct[0]` is waiting (no lines), and wrong fix
/// `k` is played by `distinct[of_fix[k]]`.
struct MustNotWin<'a> {
    distinct: Vec<&'a [String]>,
    of_fix: Vec<usize>,
}

/// Wrong fixes that differ only in the console lines at their end that change nothing but time
/// play the same game: a play that must not win ends turns until the game ends after its lines
/// anyway, and `/wait N` is N turn ends stopping at the ending (`World::run_line`). So each is
/// keyed by its lines without those, and a key seen before (or empty, which is waiting) is not
/// played again: its verdict and outcome are the earlier play's.
fn must_not_win_plays(scenario: &Scenario) -> MustNotWin<'_> {
    let mut distinct: Vec<&[String]> = vec![&[]];
    let mut of_fix = Vec::with_capacity(scenario.wrong_fixes.len());
    for fix in &scenario.wrong_fixes {
        let played = played_part(&fix.commands);
        let i = distinct.iter().position(|d| *d == played).unwrap_or_else(|| {
            distinct.push(played);
            distinct.len() - 1
        });
        of_fix.push(i);
    }
    MustNotWin { distinct, of_fix }
}

/// A script without its trailing lines that only let time pass or read: `/wait`, `/status`,
/// `/help`, comments and blank lines.
fn played_part(lines: &[String]) -> &[String] {
    let idle = |line: &String| {
        let line = line.trim();
        line.is_empty()
            || line.starts_with('#')
            || matches!(line.split_whitespace().next(), Some("/wait" | "/status" | "/help"))
    };
    let kept = lines.iter().rposition(|l| !idle(l)).map_or(0, |i| i + 1);
    &lines[..kept]
}

fn run_script(name: &str, mut session: World, lines: &[String], should_win: bool) -> ProofStep {
    for (i, line) in lines.iter().enumerate() {
        if let LineResult::Error(e) = session.run_line(line)
            && should_win
        {
            return ProofStep {
                name: name.to_owned(),
                passed: false,
                detail: format!("line {} `{line}` failed: {e}", i + 1),
            };
        }
        if session.ending.is_some() {
            break;
        }
    }
    while session.ending.is_none() {
        session.end_turn();
    }
    let won = matches!(session.ending, Some(Outcome::Won { .. }));
    let detail = session.ending.as_ref().map(super::words::outcome_text).unwrap_or_default();
    ProofStep { name: name.to_owned(), passed: won == should_win, detail }
}

/// The game layer's first check: it has content (the step that says how much), or the step that
/// fails for a scenario without a customer to talk to.
fn game_content(built: &World) -> Result<ProofStep, ProofStep> {
    let layer = &built.scenario.game;
    let npc = &layer.customer.npc;
    if npc.lines.is_empty() {
        return Err(step(
            GAME_CONTENT,
            false,
            "no customer dialogue: add a `game:` section with the customer, clues and hints".to_owned(),
        ));
    }
    Ok(step(
        GAME_CONTENT,
        true,
        [
            count(npc.lines.len(), "dialogue line"),
            count(layer.clues.len(), "clue"),
            count(layer.root_causes.len(), "root-cause option"),
            count(layer.hints.len(), "hint"),
            count(npc.mishaps.len(), "mishap"),
        ]
        .join(", "),
    ))
}

fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn step(name: &str, passed: bool, detail: String) -> ProofStep {
    ProofStep { name: name.to_owned(), passed, detail }
}

/// A started game with a liaison and one troubleshooter, played in a copy of the built world.
fn new_game(built: &World) -> Game {
    let mut game = Game::with_world(built.clone());
    game.seat(Seat::Liaison, "liaison");
    game.seat(Seat::Troubleshooter(0), "troubleshooter");
    game.start();
    game
}

/// The canonical question is a liaison's natural question (`intent::sample_question`) for the
/// first intent of the first dialogue line that reveals a clue, naming the line's first topic
/// when it has topics; asking it at the start must make the customer, hearing it through the
/// classifier, reveal that clue.
fn canonical_question(built: &World) -> ProofStep {
    const NAME: &str = "asking the canonical question reveals the key clue";
    let scenario = &built.scenario;
    let line = scenario.game.customer.npc.lines.iter().find(|l| l.reveals.is_some());
    let Some((line, clue)) = line.and_then(|l| Some((l, l.reveals.as_ref()?))) else {
        return step(NAME, false, "no dialogue line reveals a clue".to_owned());
    };
    let Some(question) = super::npc::question_for(line) else {
        return step(NAME, false, format!("the line that reveals {clue} answers no intent"));
    };
    let mut game = new_game(built);
    match game.act(Seat::Liaison, &Action::CustomerChat(question.clone())) {
        Ok(events) => {
            let found = events.iter().any(|s| matches!(&s.event, Event::ClueFound { id, .. } if id == clue));
            let detail = if found {
                format!("{question:?} reveals {clue}")
            } else {
                format!("{question:?} did not reveal {clue}")
            };
            step(NAME, found, detail)
        }
        Err(e) => step(NAME, false, format!("{question:?} was refused: {e}")),
    }
}

/// Only ending turns, never talking to the customer, must lead to one of their mishaps before the
/// game ends.
fn ignored_customer(built: &World) -> ProofStep {
    const NAME: &str = "ignoring the customer leads to a mishap";
    let scenario = &built.scenario;
    if scenario.game.customer.npc.mishaps.is_empty() {
        return step(NAME, false, "the customer has no mishaps".to_owned());
    }
    let mut game = new_game(built);
    while game.phase == Phase::Playing && game.turn() < scenario.turn_limit {
        for seat in [Seat::Liaison, Seat::Troubleshooter(0)] {
            if game.phase != Phase::Playing {
                break;
            }
            match game.act(seat, &Action::EndTurn) {
                Ok(events) => {
                    if let Some(id) = events.iter().find_map(|s| match &s.event {
                        Event::Mishap { id } => Some(id),
                        _ => None,
                    }) {
                        return step(NAME, true, format!("{id} at turn {}", game.turn()));
                    }
                }
                Err(e) => return step(NAME, false, format!("ending turn {} failed: {e}", game.turn())),
            }
        }
    }
    let end = match &game.phase {
        Phase::Ended(outcome) => format!("{outcome:?}"),
        _ => format!("turn {}", game.turn()),
    };
    step(NAME, false, format!("no mishap before the game ended ({end})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::format::MishapWhen;

    fn first_deploy() -> Scenario {
        crate::scenario::builtin("first-deploy").and_then(Result::ok).expect("the default scenario parses")
    }

    fn built(scenario: Scenario) -> World {
        World::new(scenario, 1).expect("the scenario builds")
    }

    fn summary(steps: &[ProofStep]) -> Vec<(String, bool, String)> {
        steps.iter().map(|s| (s.name.clone(), s.passed, s.detail.clone())).collect()
    }

    #[test]
    fn the_default_scenario_proves_its_game_layer() {
        let world = built(first_deploy());
        let steps = [game_content(&world).expect("has content"), canonical_question(&world), ignored_customer(&world)];
        assert_eq!(
            summary(&steps),
            vec![
                (
                    GAME_CONTENT.to_owned(),
                    true,
                    "7 dialogue lines, 4 clues, 4 root-cause options, 3 hints, 1 mishap".to_owned()
                ),
                (
                    "asking the canonical question reveals the key clue".to_owned(),
                    true,
                    "\"Did anything change on your side recently?\" reveals hand-typed-tag".to_owned()
                ),
                ("ignoring the customer leads to a mishap".to_owned(), true, "rerun-pipeline at turn 3".to_owned()),
            ]
        );
    }

    #[test]
    fn a_scenario_without_game_content_fails() {
        let mut s = first_deploy();
        s.game = crate::game::GameLayer::default();
        let proof = prove(&s, 1);
        assert!(!proof.passed());
        let failed: Vec<&str> = proof.steps.iter().filter(|p| !p.passed).map(|p| p.name.as_str()).collect();
        assert_eq!(failed, vec![GAME_CONTENT], "only the game layer is missing: {:#?}", proof.steps);
    }

    #[test]
    fn a_gated_canonical_answer_fails() {
        let mut s = first_deploy();
        s.game.customer.npc.lines[0].from_turn = Some(2);
        let step = canonical_question(&built(s));
        assert!(!step.passed);
        assert_eq!(step.detail, "\"Did anything change on your side recently?\" did not reveal hand-typed-tag");
    }

    #[test]
    fn a_customer_without_reveals_fails() {
        let mut s = first_deploy();
        for line in &mut s.game.customer.npc.lines {
            line.reveals = None;
        }
        let step = canonical_question(&built(s));
        assert_eq!((step.passed, step.detail.as_str()), (false, "no dialogue line reveals a clue"));
    }

    #[test]
    fn a_mishap_that_comes_too_late_fails() {
        let mut s = first_deploy();
        s.game.customer.npc.mishaps[0].when = MishapWhen::NotHeldOffBy(99);
        let step = ignored_customer(&built(s.clone()));
        assert!(!step.passed);
        assert!(step.detail.starts_with("no mishap before the game ended (Lost"), "{}", step.detail);
        s.game.customer.npc.mishaps.clear();
        assert_eq!(ignored_customer(&built(s)).detail, "the customer has no mishaps");
    }

    #[test]
    fn only_the_lines_that_change_something_are_played() {
        let lines = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let script =
            lines(&["kubectl delete pod web", "/wait 2", "kubectl get pods", "/wait 3", "", "# done", "/status"]);
        assert_eq!(played_part(&script), &script[..3]);
        assert!(played_part(&lines(&["/wait 4", "/wait"])).is_empty());
        assert!(played_part(&[]).is_empty());
    }

    #[test]
    fn a_wrong_fix_that_plays_like_another_is_played_once_and_reported_under_its_name() {
        let mut s = first_deploy();
        let first = s.wrong_fixes[0].clone();
        let mut longer_wait = first.clone();
        longer_wait.name = "the same, waiting longer".to_owned();
        longer_wait.commands.push("/wait 5".to_owned());
        let mut only_waiting = first.clone();
        only_waiting.name = "just wait".to_owned();
        only_waiting.commands = vec!["/wait 3".to_owned()];
        s.wrong_fixes.extend([longer_wait, only_waiting]);
        let plays = must_not_win_plays(&s);
        let last = plays.of_fix.len() - 1;
        assert_eq!(plays.of_fix[0], plays.of_fix[last - 1], "{:?}", plays.of_fix);
        assert_eq!(plays.of_fix[last], 0, "waiting is the play of a fix that only waits");
        assert_eq!(plays.distinct.len(), 1 + s.wrong_fixes.len() - 2);
        let proof = prove(&s, 1);
        let step = |name: &str| proof.steps.iter().find(|p| p.name == name).cloned().expect(name);
        let same = step("not won by wrong fix: the same, waiting longer");
        let original = step(&format!("not won by wrong fix: {}", first.name));
        assert_eq!((same.passed, &same.detail), (original.passed, &original.detail));
        let (waited, waiting) = (step("not won by wrong fix: just wait"), step("not won by waiting"));
        assert_eq!((waited.passed, waited.detail), (waiting.passed, waiting.detail));
        assert_eq!(proof.steps.len(), 2 + 1 + s.wrong_fixes.len() + 3, "{:#?}", proof.steps);
        assert!(proof.passed(), "{:#?}", proof.steps);
    }
}
