//! Break-phase fixtures shared by the hosted break tests (`net_break`, `net_swap`).

use kombat::game::Difficulty;
use kombat::game::draw::{Drawn, Request, draw};

/// A seed whose normal draw on `baseline` is exactly two cards: a composition a customer team
/// can play (the same picks and seed compose the same incident the draw proved).
pub fn two_card_break(baseline: &str) -> (u64, Drawn) {
    let deck = kombat::scenario::cards().expect("cards");
    let baselines = kombat::scenario::baselines().expect("baselines");
    for seed in 1..200 {
        let request = Request {
            deck: &deck,
            baselines: &baselines,
            baseline: Some(baseline),
            cards: &[],
            difficulty: Difficulty::Normal,
            seed,
        };
        if let Ok(drawn) = draw(&request)
            && drawn.picks.len() == 2
        {
            return (seed, drawn);
        }
    }
    panic!("no two-card normal draw on {baseline}");
}
