//! Shared helpers for the integration tests: load a fixture scenario, drive a session through
//! console lines, and assert on what the console prints.

#![allow(dead_code)]

use kombat::game::{LineResult, Outcome, World};
use kombat::scenario::{self, Scenario};

pub const SEED: u64 = 7;

/// Loads and validates a scenario file under `tests/fixtures/`.
pub fn load(relative: &str) -> Scenario {
    let path = format!("{}/tests/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let s = scenario::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let problems = scenario::validate(&s);
    assert!(problems.is_empty(), "{path} is invalid: {problems:?}");
    s
}

pub fn session(relative: &str) -> World {
    World::new(load(relative), SEED).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Runs a console line and returns what it printed (errors included).
pub fn run(s: &mut World, line: &str) -> String {
    match s.run_line(line) {
        LineResult::Text(t) | LineResult::Error(t) => t,
        LineResult::Quit => String::new(),
    }
}

/// Runs a console line and asserts its output contains every needle.
pub fn expect(s: &mut World, line: &str, needles: &[&str]) -> String {
    let out = run(s, line);
    for n in needles {
        assert!(out.contains(n), "`{line}` should print {n:?}; it printed:\n{out}");
    }
    out
}

/// Runs a console line and asserts its output contains none of the needles.
pub fn expect_not(s: &mut World, line: &str, needles: &[&str]) -> String {
    let out = run(s, line);
    for n in needles {
        assert!(!out.contains(n), "`{line}` should no longer print {n:?}; it printed:\n{out}");
    }
    out
}

/// Runs a command that must succeed (kubectl exit status 0).
pub fn ok(s: &mut World, line: &str) -> String {
    match s.run_line(line) {
        LineResult::Text(t) => t,
        LineResult::Error(e) => panic!("`{line}` failed: {e}"),
        LineResult::Quit => String::new(),
    }
}

pub fn wait(s: &mut World, turns: u32) {
    for _ in 0..turns {
        s.end_turn();
    }
}

/// Ends turns until the session is over and asserts it was won.
pub fn assert_wins(s: &mut World) {
    while s.ending.is_none() {
        s.end_turn();
    }
    assert!(matches!(s.ending, Some(Outcome::Won { .. })), "expected a win, got {:?}\n{}", s.ending, s.status());
}

/// Asserts `kombat scenario test` passes for a fixture. Fixtures test the cluster only, so the
/// step that demands a game layer (which shipped scenarios must have) does not count.
pub fn assert_proven(relative: &str) {
    let proof = kombat::game::prove(&load(relative), SEED);
    let failed: Vec<_> = proof.steps.iter().filter(|s| !s.passed && s.name != "has game content").collect();
    assert!(failed.is_empty(), "{relative}: {failed:#?}");
}
