//! The shell's side of the replay screen: listing the journals kept in the data directory and
//! reading one into a `game::replay::Replay` (its scenario built in, or the file given). Reading
//! is bounded and for regular files only (`room::files::journal_text`); every failure is a
//! sentence for the screen or the command line, never a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::app::JournalFile;
use crate::game::journal::Journal;
use crate::game::replay::Replay;
use crate::room::files;
use crate::scenario;

/// The most journals "Replay a game" lists (the newest).
pub const MAX_LISTED: usize = 200;

/// The journals in `data`'s journals directory, newest first; none when it does not exist yet.
pub fn list(data: &Path) -> Result<Vec<JournalFile>, String> {
    let dir = files::journals_dir(data);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list the journals in {}: {e}", dir.display())),
    };
    let mut found: Vec<(std::time::SystemTime, JournalFile)> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "jsonl"))
        .filter_map(|entry| {
            let meta = entry.metadata().ok().filter(std::fs::Metadata::is_file)?;
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            let name = entry.file_name().to_string_lossy().into_owned();
            Some((modified, JournalFile { path: entry.path(), name }))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(found.into_iter().take(MAX_LISTED).map(|(_, file)| file).collect())
}

/// Reads and plays the journal at `path`, on the scenario file `scenario_file` or else the
/// built-in scenario the journal names. The error names the file and what is wrong with it.
pub fn open(path: &Path, scenario_file: Option<&str>) -> Result<Replay, String> {
    let shown = path.display();
    let text = files::journal_text(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let journal = Journal::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    let id = &journal.header.scenario;
    let beside = files::scenario_beside(path);
    let beside = beside.to_string_lossy();
    let scenario_file = match scenario_file {
        Some(given) => given,
        None if scenario::builtin_sources().any(|(builtin, _)| builtin == id) => id.as_str(),
        // A composed or random incident's room kept its scenario beside the journal.
        None if Path::new(beside.as_ref()).is_file() => beside.as_ref(),
        None => {
            return Err(format!(
                "{shown}: the scenario {id:?} is not built in and not kept beside the journal; give its file with --scenario FILE"
            ));
        }
    };
    let source = files::scenario_source(scenario_file).map_err(|e| format!("{shown}: {e}"))?;
    Replay::new(&journal, &source.text).map_err(|e| format!("{shown}: {e}"))
}

/// [`open`] for the screen, off the async runtime's thread (playing a long game takes a moment).
pub async fn open_in_background(path: PathBuf) -> Result<Arc<Replay>, String> {
    tokio::task::spawn_blocking(move || open(&path, None).map(Arc::new))
        .await
        .map_err(|e| format!("the replay stopped: {e}"))?
}
