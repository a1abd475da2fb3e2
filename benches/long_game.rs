//! A long game master session: the cost of one action as the game goes on. The game master runs
//! `describe` thousands of times on the default scenario while a liaison and a troubleshooter sit
//! at the table; after each action every seat's view is made (with a hosted seat's limits) and
//! encoded, as a hosted table does.
//! The cost per action must stay flat: the last 100 of 2,000 actions within 20 % of the first 100
//! (issue 16). Its own harness, because the figure is a ratio of two windows of one run, which
//! criterion's per-iteration means cannot give. `--test` runs a short session.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use kombat::game::{Action, Game, Seat, view};

const SEATS: [Seat; 4] = [Seat::Liaison, Seat::Troubleshooter(0), Seat::GameMaster, Seat::Customer(0)];

fn game() -> Game {
    let scenario = kombat::scenario::builtin(kombat::scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(scenario, 1).expect("builds");
    for (seat, name) in [(Seat::Liaison, "Lee"), (Seat::Troubleshooter(0), "Tam"), (Seat::GameMaster, "Gil")] {
        g.seat(seat, name);
    }
    g.start();
    g
}

/// One action and what a table does after it: every seat's view, made and encoded.
fn act(g: &mut Game, n: usize) -> usize {
    // A chat now and then, so the lists that grow with the game do grow.
    let action = if n.is_multiple_of(3) {
        Action::TeamChat(format!("note {n}: the web pods are still pulling"))
    } else {
        Action::Command("describe deployment web -n shop".to_owned())
    };
    let mut bytes = g.act(Seat::GameMaster, &action).map_or(0, |e| e.len());
    for seat in SEATS {
        let v = view::for_seat_within(g, seat, view::Limits::HOSTED);
        bytes += postcard::to_stdvec(&v).map_or(0, |b| b.len());
    }
    bytes
}

fn mean(samples: &[Duration]) -> Duration {
    samples.iter().sum::<Duration>() / u32::try_from(samples.len().max(1)).unwrap_or(u32::MAX)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let actions = if quick { 300 } else { 2000 };
    let window = 100;
    // Several sessions, taking each action's fastest time, so that a hiccup of the machine does
    // not count as the game getting slower.
    let rounds = if quick { 1 } else { 5 };
    let mut best = vec![Duration::MAX; actions];
    let mut sink = 0usize;
    for _ in 0..rounds {
        let mut g = game();
        for (n, slot) in best.iter_mut().enumerate() {
            let start = Instant::now();
            sink = sink.wrapping_add(act(&mut g, n));
            *slot = (*slot).min(start.elapsed());
        }
    }
    let first = mean(&best[..window]);
    let last = mean(&best[actions - window..]);
    let ratio = last.as_secs_f64() / first.as_secs_f64();
    // The windows between, to see where the cost levels off.
    for start in (0..=actions - window).step_by(window.max(actions / 10)) {
        eprintln!(
            "actions {start}..{}: {:.1} µs",
            start + window,
            mean(&best[start..start + window]).as_secs_f64() * 1e6
        );
    }
    println!(
        "long game master session, {actions} actions, views for 4 seats made and encoded after each: \
         first {window} {:.1} µs per action, last {window} {:.1} µs per action, ratio {ratio:.2} (target ≤ 1.20){}",
        first.as_secs_f64() * 1e6,
        last.as_secs_f64() * 1e6,
        if sink == 0 { " (nothing encoded?)" } else { "" }
    );
}
