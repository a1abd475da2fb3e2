//! Benchmark of a random incident (issue 14): draw a baseline and cards from a seed, compose the
//! scenario and prove it (`game::draw::draw_with` and the shell's `room::proof::SideBySide`, what "Random incident", `kombat console --random`
//! and `kombat scenario generate` run), at each difficulty; target ≤ 50 ms. The seeds rotate
//! over a fixed range so the figure is an average over many incidents, redraws included.
//! Figures in docs/performance.md.

// Measure with the allocator the binary ships with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use kombat::game::Difficulty;
use kombat::game::draw::{Request, draw_with};
use kombat::room::proof::SideBySide;

/// Seeds the measured draws cycle through.
const SEEDS: u64 = 50;

fn compose_and_prove(c: &mut Criterion) {
    let deck = kombat::scenario::cards().expect("the built-in cards read");
    let baselines = kombat::scenario::baselines().expect("the built-in baselines read");
    let mut group = c.benchmark_group("compose and prove one incident");
    group.sample_size(20);
    for difficulty in Difficulty::ALL {
        let mut seed = 0;
        group.bench_function(difficulty.as_str(), |b| {
            b.iter(|| {
                seed = seed % SEEDS + 1;
                let request =
                    Request { deck: &deck, baselines: &baselines, baseline: None, cards: &[], difficulty, seed };
                std::hint::black_box(draw_with(&request, &SideBySide).expect("draws a proven incident"))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, compose_and_prove);
criterion_main!(benches);
