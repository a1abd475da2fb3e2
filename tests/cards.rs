//! Fault cards, baselines and the composer (ARCHITECTURE.md, "scenario"): every built-in card
//! reads, every baseline is healthy, and every card composed alone on every object of every
//! baseline it can target proves fair, as `kombat scenario test` proves a scenario.

use kombat::game::draw::fair;
use kombat::scenario::card::targets;
use kombat::scenario::{Pick, baselines, cards, compose, validate};

#[test]
fn every_card_and_baseline_reads() {
    let deck = cards().expect("the built-in cards read");
    assert!(deck.len() >= 10, "at least ten cards, not {}", deck.len());
    let mut modes: Vec<u32> = deck.iter().map(|c| c.head.mode).collect();
    modes.sort_unstable();
    modes.dedup();
    assert_eq!(modes.len(), deck.len(), "each card is a different catalog mode");
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
