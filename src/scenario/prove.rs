//! `kombat scenario test`: proves a scenario fair. Not won at the start, not won by waiting out
//! the turn limit, won by its reference solution, not won by any of its wrong fixes.

use super::format::Scenario;
use super::session::{Ending, LineResult, Session};

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

/// Runs every check of a scenario with the given seed.
pub fn prove(scenario: &Scenario, seed: u64) -> Proof {
    let mut steps = Vec::new();
    let fresh = || Session::new(scenario.clone(), seed);
    let session = match fresh() {
        Ok(s) => s,
        Err(e) => {
            steps.push(ProofStep { name: "builds".to_owned(), passed: false, detail: e.to_string() });
            return Proof { steps };
        }
    };
    let already = session.win_conditions().iter().all(|(_, holds)| *holds);
    steps.push(ProofStep {
        name: "not won at start".to_owned(),
        passed: !already,
        detail: if already { "every win condition already holds".to_owned() } else { "some win condition fails".to_owned() },
    });
    let mut waiting = session;
    while waiting.ending.is_none() {
        waiting.end_turn();
    }
    let waited_won = matches!(waiting.ending, Some(Ending::Won { .. }));
    steps.push(ProofStep {
        name: "not won by waiting".to_owned(),
        passed: !waited_won,
        detail: waiting.ending.as_ref().map(super::session::ending_text).unwrap_or_default(),
    });
    if let Ok(session) = fresh() {
        steps.push(run_script("won by the reference solution", session, &scenario.solution, true));
    }
    for fix in &scenario.wrong_fixes {
        if let Ok(session) = fresh() {
            steps.push(run_script(&format!("not won by wrong fix: {}", fix.name), session, &fix.commands, false));
        }
    }
    Proof { steps }
}

fn run_script(name: &str, mut session: Session, lines: &[String], should_win: bool) -> ProofStep {
    for (i, line) in lines.iter().enumerate() {
        if let LineResult::Error(e) = session.run_line(line)
            && should_win {
                return ProofStep { name: name.to_owned(), passed: false, detail: format!("line {} `{line}` failed: {e}", i + 1) };
            }
        if session.ending.is_some() {
            break;
        }
    }
    while session.ending.is_none() {
        session.end_turn();
    }
    let won = matches!(session.ending, Some(Ending::Won { .. }));
    let detail = session.ending.as_ref().map(super::session::ending_text).unwrap_or_default();
    ProofStep { name: name.to_owned(), passed: won == should_win, detail }
}
