//! `kombat replay FILE`: plays a journal again and prints the transcript the console printed, then
//! writes the postmortem anew (byte for byte the one the game wrote). Errors name the line.
//! `kombat replay FILE --screen` steps through it on the game screen instead (`tui::app::ReplayScreen`).

use std::process::ExitCode;

use anyhow::Context as _;

use super::console::load;
use super::safe::{eprint_safe, write_safe};
use super::transcript;
use crate::game::journal::{self, Journal};
use crate::game::{Outcome, Phase};
use crate::room::{self, files};
use crate::scenario;
use crate::scenario::Source;

pub fn run(file: &str, scenario_file: Option<&str>) -> anyhow::Result<ExitCode> {
    let text = files::journal_text(std::path::Path::new(file)).with_context(|| format!("cannot read {file}"))?;
    let journal = Journal::parse(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let header = &journal.header;
    let beside = files::scenario_beside(std::path::Path::new(file));
    let beside = beside.to_string_lossy();
    let scenario_file = match scenario_file {
        Some(given) => given,
        None if scenario::builtin_sources().any(|(id, _)| id == header.scenario) => header.scenario.as_str(),
        // A composed or random incident's room kept its scenario beside the journal.
        None if std::path::Path::new(beside.as_ref()).is_file() => beside.as_ref(),
        None => anyhow::bail!(
            "{file}: the scenario {:?} is not built in and not kept beside the journal ({beside}); give its file with --scenario FILE",
            header.scenario
        ),
    };
    let source = load(scenario_file)?;
    let Source { scenario, text: scenario_text } = source;
    let mut out = std::io::stdout().lock();
    // The journal, its file name and the scenario are all untrusted: everything printed is made
    // safe (the words for events already are).
    write_safe(&mut out, &transcript::banner(&scenario, header.seed))?;
    write_safe(&mut out, &format!("Replaying {file}.\n"))?;
    let mut failed = None;
    let game = journal::replay_with(&journal, &scenario_text, |_, events| {
        if failed.is_some() {
            return;
        }
        let shown = transcript::render(events);
        if !shown.is_empty() {
            failed = write_safe(&mut out, &shown).err();
        }
    })
    .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    write_safe(&mut out, &transcript::closing(&game))?;
    if matches!(game.phase, Phase::Ended(_)) {
        let text = room::postmortem_text(&game);
        match files::data_dir() {
            Some(data) => {
                let dir = files::postmortems_dir(&data);
                match files::write_numbered(&dir, &game.scenario().id, header.seed, "md", &text) {
                    Ok(path) => write_safe(&mut out, &format!("Postmortem: {}", path.display()))?,
                    Err(e) => {
                        eprint_safe(&format!("kombat: warning: cannot write the postmortem in {}: {e}", dir.display()));
                    }
                }
            }
            None => eprintln!(
                "kombat: warning: no data directory (set {}); the postmortem is not written",
                files::DATA_DIR_ENV
            ),
        }
    }
    Ok(match game.phase {
        Phase::Ended(Outcome::Lost { .. }) => ExitCode::from(2),
        _ => ExitCode::SUCCESS,
    })
}

/// `kombat replay FILE --screen`: the journal is read and played before the terminal is taken, so
/// a bad or truncated one is a plain error message.
pub fn screen(file: &str, scenario_file: Option<&str>, theme: Option<String>) -> anyhow::Result<ExitCode> {
    let replay = crate::tui::journals::open(std::path::Path::new(file), scenario_file).map_err(anyhow::Error::msg)?;
    let replay = Some(std::sync::Arc::new(replay));
    let options = crate::tui::launch::Options { theme, replay, ..crate::tui::launch::Options::default() };
    crate::tui::launch::run(options)
}
