//! `kombat console`: a solo game in line mode. The player holds the liaison and troubleshooter
//! seats at once through a local seat handle; a line is a kubectl command (as the troubleshooter)
//! unless it starts with `/`. Piped input gets no prompt, and the same seed and input give the
//! same transcript.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use super::line::{self, LineMode, Style};
use super::safe::write_safe;
use super::transcript;
use crate::game::{Difficulty, Game, Seat};
use crate::net::seat;
use crate::room::{RoomConfig, files};
use crate::scenario::{self, Source};

/// The player's name at both seats.
pub const PLAYER: &str = "you";
/// The seats a solo player holds.
const SEATS: [Seat; 2] = [Seat::Liaison, Seat::Troubleshooter(0)];

/// `ID|FILE`: a built-in id first, else a path.
pub fn load(arg: &str) -> anyhow::Result<Source> {
    Ok(crate::room::files::scenario_source(arg)?)
}

/// Runs a solo console game on a random incident drawn with `seed` (which also seeds the game).
pub fn run_random(seed: u64, turn_seconds: Option<u64>, difficulty: Difficulty) -> anyhow::Result<ExitCode> {
    let source = super::random::source(difficulty, seed)?;
    eprintln!(
        "kombat: a random incident at {difficulty} difficulty, seed {seed}: `kombat console --random --difficulty {difficulty} --seed {seed}` plays it again"
    );
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    runtime.block_on(play(source, seed, turn_seconds.map(Duration::from_secs), difficulty))
}

/// Runs a solo console game on stdin and stdout.
pub fn run(arg: &str, seed: u64, turn_seconds: Option<u64>, difficulty: Difficulty) -> anyhow::Result<ExitCode> {
    let source = load(arg)?;
    if let Some(p) = scenario::validate(&source.scenario).first() {
        anyhow::bail!("scenario {arg} is invalid: {p}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    runtime.block_on(play(source, seed, turn_seconds.map(Duration::from_secs), difficulty))
}

async fn play(source: Source, seed: u64, timer: Option<Duration>, difficulty: Difficulty) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    let mut out = std::io::stdout();
    write_safe(&mut out, &transcript::banner(&source.scenario, seed))?;
    writeln!(out, "You are the liaison and the troubleshooter: lines are kubectl commands, /help lists the rest.\n")?;
    let data_dir = files::data_dir();
    if data_dir.is_none() {
        eprintln!("kombat: warning: no data directory (set {}); this game is not recorded", files::DATA_DIR_ENV);
    }
    let game = Game::new(source.scenario, seed)
        .map_err(|e| anyhow::anyhow!("cannot build the scenario's cluster: {e}"))?
        .with_difficulty(difficulty);
    let config = RoomConfig { seed, scenario_text: source.text, data_dir, turn_timer: timer, keep_result: true };
    let (sender, events) = seat::solo(game, config, &SEATS, PLAYER).await?;
    let finished = LineMode::new(sender, events, out, Style { interactive }).run(line::stdin_lines()).await?;
    Ok(finished.code)
}
