//! Fault cards, baselines and the composer (ARCHITECTURE.md, "scenario"): every built-in card
//! reads, every baseline is healthy, every card composed alone on every object of every
//! baseline it can target proves fair, as `kombat scenario test` proves a scenario, and every
//! clue a command can find shows in what the console really prints for the card's own reads.

use kombat::game::draw::fair;
use kombat::game::world::World;
use kombat::scenario::card::targets;
use kombat::scenario::{Pick, baselines, cards, compose, validate};

#[test]
fn every_card_and_baseline_reads() {
    let deck = cards().expect("the built-in cards read");
    assert!(deck.len() >= 30, "at least thirty cards, not {}", deck.len());
    let mut modes: Vec<u32> = deck.iter().map(|c| c.head.mode).collect();
    modes.sort_unstable();
    modes.dedup();
    assert_eq!(modes.len(), deck.len(), "each card is a different catalog mode");
    assert!(modes.len() >= 25, "at least 25 catalog modes, not {}", modes.len());
    for business in baselines().expect("the built-in baselines read") {
        business.cluster().unwrap_or_else(|e| panic!("{}: {e}", business.id));
    }
}

/// Every card on every target of every baseline, alone: validates and proves.
#[test]
fn every_card_proves_on_every_target() {
    let deck = cards().expect("cards");
    let mut failures = Vec::new();
    let mut proven = 0;
    for business in baselines().expect("baselines") {
        let cluster = business.cluster().expect("cluster");
        for card in &deck {
            for binding in targets(&card.head, &cluster) {
                let pick = Pick { card, target: &binding.target };
                let name = format!("{} on {} in {}", card.head.id, binding.target, business.id);
                match compose(&business, &[pick], 7, "card-test") {
                    Err(e) => failures.push(format!("{name}: {e}")),
                    Ok(s) => match fair(&s, 7) {
                        Ok(()) => proven += 1,
                        Err(why) => failures.push(format!("{name}: {why}")),
                    },
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} proven, {} failed:\n{}", proven, failures.len(), failures.join("\n"));
    assert!(proven >= 10);
}

/// How many turns after the start a clue may take to show (a container must crash a few times
/// before its last state says `OOMKilled`, a node must miss its status updates).
const CLUE_TURNS: u32 = 3;

/// Every clue with `output_contains`, for every card on every target of every baseline: the
/// reads of the card's fix (its lines before the first one that changes the cluster), run
/// through the real console on the broken incident, print that text within a few turns, and
/// the reads that print it there do not print it on the healthy baseline (else the clue would
/// be found without the fault, and would tell nothing).
#[test]
fn every_clue_shows_in_real_console_output() {
    let deck = cards().expect("cards");
    let mut failures = Vec::new();
    let mut checked = 0;
    for business in baselines().expect("baselines") {
        let cluster = business.cluster().expect("cluster");
        for card in &deck {
            for binding in targets(&card.head, &cluster) {
                let name = format!("{} on {} in {}", card.head.id, binding.target, business.id);
                let scenario = compose(&business, &[Pick { card, target: &binding.target }], 7, "clue-test")
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let clues: Vec<(String, String)> = scenario
                    .game
                    .clues
                    .iter()
                    .filter_map(|c| Some((c.id.clone(), c.output_contains.clone()?)))
                    .collect();
                if clues.is_empty() {
                    failures.push(format!("{name}: no clue a command can find"));
                    continue;
                }
                let mut broken = World::new(scenario.clone(), 7).unwrap_or_else(|e| panic!("{name}: {e}"));
                let reads = fix_reads(&broken, &scenario.solution);
                if reads.is_empty() {
                    failures.push(format!("{name}: the fix reads nothing before it changes the cluster"));
                    continue;
                }
                // Each clue, and the reads that print it (by index), once it shows.
                let mut shown: Vec<(&str, &str, Vec<usize>)> = Vec::new();
                let mut outputs = Vec::new();
                for turn in 0..=CLUE_TURNS {
                    outputs = console_outputs(&broken, &reads);
                    for (id, pattern) in &clues {
                        let by: Vec<usize> = printing(&outputs, pattern);
                        if !by.is_empty() && !shown.iter().any(|(i, _, _)| i == id) {
                            shown.push((id, pattern, by));
                        }
                    }
                    if shown.len() == clues.len() || turn == CLUE_TURNS {
                        break;
                    }
                    broken.end_turn();
                }
                for (id, pattern) in clues.iter().filter(|(id, _)| !shown.iter().any(|(i, _, _)| i == id)) {
                    let printed: Vec<&str> = outputs.iter().flatten().map(String::as_str).collect();
                    failures.push(format!(
                        "{name}: clue {id}: {pattern:?} is in none of the outputs of {reads:?} by turn {CLUE_TURNS}; \
                         they print:\n{}",
                        printed.join("\n---\n")
                    ));
                }
                let mut healthy = scenario.clone();
                healthy.faults.clear();
                let healthy = World::new(healthy, 7).unwrap_or_else(|e| panic!("{name} without its fault: {e}"));
                let calm = console_outputs(&healthy, &reads);
                for (id, pattern, by) in &shown {
                    if let Some(i) = printing(&calm, pattern).into_iter().find(|i| by.contains(i)) {
                        failures.push(format!(
                            "{name}: clue {id}: {pattern:?} shows in `{}` on the healthy baseline too:\n{}",
                            reads[i],
                            calm[i].as_deref().unwrap_or_default()
                        ));
                    }
                }
                checked += clues.len();
            }
        }
    }
    assert!(failures.is_empty(), "{} clues checked, {} failed:\n{}", checked, failures.len(), failures.join("\n\n"));
    assert!(checked >= 30, "only {checked} clues checked");
}

/// The fix's console lines up to the first one that changes the cluster or waits: the reads a
/// responder runs to diagnose. Each is tried on a copy, so nothing here changes `world`.
fn fix_reads(world: &World, solution: &[String]) -> Vec<String> {
    let mut reads = Vec::new();
    for line in solution {
        if line.trim_start().starts_with('/') || world.clone().command(line).changed {
            break;
        }
        reads.push(line.clone());
    }
    reads
}

/// What the console prints for each line, `None` for a line that fails (only a command that
/// succeeds finds a clue in the game), on a copy of `world`.
fn console_outputs(world: &World, lines: &[String]) -> Vec<Option<String>> {
    let mut world = world.clone();
    lines
        .iter()
        .map(|line| {
            let outcome = world.command(line);
            outcome.ok.then_some(outcome.output)
        })
        .collect()
}

/// The indices of the outputs that contain `pattern`.
fn printing(outputs: &[Option<String>], pattern: &str) -> Vec<usize> {
    outputs
        .iter()
        .enumerate()
        .filter(|(_, o)| o.as_deref().is_some_and(|o| o.contains(pattern)))
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn every_card_has_a_target_in_some_baseline() {
    let deck = cards().expect("cards");
    let all = baselines().expect("baselines");
    for card in &deck {
        let aimed = all.iter().any(|b| !targets(&card.head, &b.cluster().expect("cluster")).is_empty());
        assert!(aimed, "{} has no target in any baseline", card.head.id);
    }
    for business in &all {
        let s = kombat::scenario::Scenario { ..compose_first(business) };
        assert!(validate(&s).is_empty(), "{}: {:?}", business.id, validate(&s));
    }
}

fn compose_first(business: &kombat::scenario::Business) -> kombat::scenario::Scenario {
    let deck = cards().expect("cards");
    let cluster = business.cluster().expect("cluster");
    let (card, binding) = deck
        .iter()
        .find_map(|c| targets(&c.head, &cluster).into_iter().next().map(|b| (c, b)))
        .expect("some card fits every baseline");
    compose(business, &[Pick { card, target: &binding.target }], 1, "first").expect("composes")
}
