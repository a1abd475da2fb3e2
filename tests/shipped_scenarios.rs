//! Every shipped scenario is fair and solvable: not won at the start, not won by waiting out the
//! turn limit, won by its reference solution, and not won by any of its wrong fixes.

use kombat::scenario;

#[test]
fn every_shipped_scenario_is_proven() {
    let mut proven = 0;
    for (id, _) in scenario::builtin_sources() {
        let s = scenario::builtin(id).expect("listed").unwrap_or_else(|e| panic!("{e}"));
        let proof = kombat::game::prove(&s, 1);
        for step in &proof.steps {
            assert!(step.passed, "{id}: {} failed: {}", step.name, step.detail);
        }
        assert!(proof.steps.len() >= 4, "{id}: a proof has at least four checks");
        proven += 1;
    }
    assert!(proven >= 6, "at least six scenarios ship");
}

#[test]
fn shipped_scenarios_cover_at_least_ten_failure_modes() {
    let mut modes = std::collections::BTreeSet::new();
    for (id, _) in scenario::builtin_sources() {
        let s = scenario::builtin(id).expect("listed").unwrap_or_else(|e| panic!("{e}"));
        modes.extend(s.modes);
    }
    assert!(modes.len() >= 10, "modes covered: {modes:?}");
}
