//! The proof on every core: runs the independent checks of `game::prove` side by side on rayon's
//! pool, so `/prove`, "Random incident" and `kombat scenario generate` use the whole machine. The
//! shell's side of `game::prove::Runner` (ARCHITECTURE.md, "The proof on every core"): each check
//! is pure and plays its own copy of the built world, so the proof is the one `InTurn` gives,
//! step for step, in the same order.

use rayon::prelude::*;

use crate::game::prove::{Check, ProofStep, Runner};

/// Runs a proof's checks on rayon's pool (one thread per core).
#[derive(Clone, Copy, Debug, Default)]
pub struct SideBySide;

impl Runner for SideBySide {
    fn run(&self, checks: Vec<Check<'_>>) -> Vec<Vec<ProofStep>> {
        checks.into_par_iter().map(|check| check()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::prove::{InTurn, prove, prove_with};

    #[test]
    fn side_by_side_proves_what_in_turn_proves_step_for_step() {
        for id in ["first-deploy", "two-problems", "prod-deleted"] {
            let scenario = crate::scenario::builtin(id).and_then(Result::ok).expect("a shipped scenario parses");
            let alone = prove(&scenario, 3);
            assert!(alone.steps.len() >= 8, "{id}: {:#?}", alone.steps);
            assert_eq!(prove_with(&scenario, 3, &SideBySide), alone, "{id}");
            assert_eq!(prove_with(&scenario, 3, &InTurn), alone, "{id}");
        }
    }

    #[test]
    fn a_failing_check_is_reported_where_it_stands() {
        let mut scenario =
            crate::scenario::builtin("first-deploy").and_then(Result::ok).expect("the default scenario parses");
        // The solution that does nothing cannot win: the third step fails, side by side too.
        scenario.solution.clear();
        let proof = prove_with(&scenario, 1, &SideBySide);
        let failed: Vec<&str> = proof.steps.iter().filter(|s| !s.passed).map(|s| s.name.as_str()).collect();
        assert_eq!(failed, ["won by the reference solution"]);
        assert_eq!(proof, prove(&scenario, 1));
    }
}
