//! Difficulty on every shipped scenario: a good team (the scenario's reference solution, a turn
//! ended whenever the next command does not fit the points left, a status update every turn so
//! the customer hears from them, the customer asked to hold off changes at the start) wins at easy, normal and hard, and hard never needs fewer turns
//! than normal. The turn counts this prints are the ones docs/difficulty.md records:
//! `cargo test --test difficulty -- --nocapture`.

use std::fmt::Write as _;

use kombat::game::{Action, Difficulty, Game, IncidentState, Outcome, Phase, Seat};
use kombat::scenario::{self, Scenario};
use kombat::sim::kubectl;

const LIAISON: Seat = Seat::Liaison;
const TS: Seat = Seat::Troubleshooter(0);

fn end_turn(game: &mut Game) {
    for seat in [LIAISON, TS] {
        if matches!(game.phase, Phase::Playing | Phase::Closing) && !game.ended.contains(&seat) {
            game.act(seat, &Action::EndTurn).expect("ends the turn");
        }
    }
}

fn update(game: &mut Game) {
    if game.phase == Phase::Playing {
        let text = "Users see errors on the affected service; we are working on it and will update you again soon.";
        let action = Action::StatusUpdate { state: IncidentState::Investigating, text: text.to_owned() };
        game.act(LIAISON, &action).expect("the liaison may post");
    }
}

/// Plays the reference solution; the turn the game was won at, or how it ended otherwise.
fn play(scenario: &Scenario, difficulty: Difficulty) -> Result<u32, String> {
    let mut game = Game::new(scenario.clone(), 1).map_err(|e| e.to_string())?.with_difficulty(difficulty);
    game.seat(LIAISON, "liaison");
    game.seat(TS, "troubleshooter");
    game.start();
    update(&mut game);
    // A good liaison asks the customer to keep their hands off while the team works.
    game.act(LIAISON, &Action::AskHoldOff).map_err(|e| e.to_string())?;
    for line in &scenario.solution {
        if game.phase != Phase::Playing {
            break;
        }
        if let Some(turns) = line.strip_prefix("/wait") {
            for _ in 0..turns.trim().parse::<u32>().unwrap_or(1) {
                end_turn(&mut game);
                update(&mut game);
            }
            continue;
        }
        let cost = kubectl::parse(line.strip_prefix("kubectl ").unwrap_or(line)).cost();
        if game.points.get(&TS).copied().unwrap_or(0) < cost {
            end_turn(&mut game);
            update(&mut game);
        }
        game.act(TS, &Action::Command(line.clone())).map_err(|e| format!("{line}: {e}"))?;
    }
    while matches!(game.phase, Phase::Playing | Phase::Closing) && game.turn() <= scenario.turn_limit + 1 {
        end_turn(&mut game);
        update(&mut game);
    }
    match &game.phase {
        Phase::Ended(Outcome::Won { turn }) => Ok(*turn),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn a_good_team_wins_every_scenario_at_every_difficulty() {
    let mut table = String::from("| scenario | turn limit | easy | normal | hard |\n|---|---|---|---|---|\n");
    for (id, text) in scenario::builtin_sources() {
        let scenario = scenario::parse(&format!("{id}.ron"), text).expect("parses");
        let results: Vec<Result<u32, String>> = Difficulty::ALL.iter().map(|d| play(&scenario, *d)).collect();
        let turns: Vec<u32> = results
            .into_iter()
            .zip(Difficulty::ALL)
            .map(|(r, d)| r.unwrap_or_else(|e| panic!("{id} at {d}: not won: {e}")))
            .collect();
        assert_eq!(turns[0], turns[1], "{id}: easy and normal have the same points");
        assert!(turns[2] >= turns[1], "{id}: hard needs at least as many turns as normal: {turns:?}");
        let _ = writeln!(table, "| {id} | {} | {} | {} | {} |", scenario.turn_limit, turns[0], turns[1], turns[2]);
    }
    println!("{table}");
}
