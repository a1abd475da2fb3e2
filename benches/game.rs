//! Benchmarks of the game on the 1,000-pod cluster: a full turn (every responder ends the turn,
//! the cluster advances, alerts, the customer's mood, nags and mishaps and injects resolve, and
//! then the view of every seat is computed; target ≤ 1 ms), and one troubleshooter's command, a
//! read and a change, as the rules execute and apply it. Figures in docs/performance.md.

// Measure with the allocator the binary ships with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kombat::game::{Action, Game, Seat, view};

#[path = "support/large.rs"]
mod large;

const SEATS: [Seat; 4] = [Seat::Liaison, Seat::Troubleshooter(0), Seat::Spectator(0), Seat::GameMaster];

fn game() -> Game {
    let mut g = Game::new(large::large_scenario(), 1).expect("builds");
    for (seat, name) in SEATS.iter().zip(["Lee", "Tam", "Sky", "Gil"]) {
        g.seat(*seat, name);
    }
    g.start();
    // Settle the large cluster, then talk to the customer so the turn has chat and mood to resolve.
    g.world.cluster.advance_seconds(240);
    g.act(Seat::Liaison, &Action::CustomerChat("Hi Dana, what changed recently?".into())).expect("liaison may chat");
    assert!(g.world.cluster.pods.len() >= 1000);
    g
}

fn turn(g: &mut Game) -> usize {
    let mut n = 0;
    for seat in [Seat::Liaison, Seat::Troubleshooter(0)] {
        n += g.act(seat, &Action::EndTurn).map_or(0, |e| e.len());
    }
    // Every seat, the customer's too (played by the NPC here, but its view is still computed).
    for seat in SEATS.into_iter().chain([Seat::Customer(0)]) {
        std::hint::black_box(view::for_seat(g, seat));
        n += 1;
    }
    n
}

fn benches(c: &mut Criterion) {
    let base = game();
    c.bench_function("game turn with NPC and views for every seat, 1000 pods", |b| {
        b.iter_batched_ref(|| base.clone(), turn, BatchSize::LargeInput);
    });
    for (name, line) in [
        ("a troubleshooter's read command in a game, 1000 pods", "get pods -n shop"),
        ("a troubleshooter's change command in a game, 1000 pods", "scale deployment/web --replicas=4 -n shop"),
    ] {
        c.bench_function(name, |b| {
            b.iter_batched_ref(
                || base.clone(),
                |g| g.act(Seat::Troubleshooter(0), &Action::Command(line.to_owned())).map_or(0, |e| e.len()),
                BatchSize::LargeInput,
            );
        });
    }
}

criterion_group!(game_turn, benches);
criterion_main!(game_turn);
