//! The prompt's command history: ↑ and ↓ walk it like a shell's, and it is kept per scenario in
//! the data directory (`history/<scenario>.txt`, one line each, the newest last) so a second run
//! remembers the first.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many lines a scenario's history keeps.
pub const MAX_LINES: usize = 500;

/// Lines typed at the prompt and where ↑/↓ is in them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    /// The entry shown, counted from the oldest; none while editing a new line.
    cursor: Option<usize>,
    /// The line being typed before ↑ was first pressed.
    draft: String,
}

impl History {
    pub fn new(mut entries: Vec<String>) -> History {
        if entries.len() > MAX_LINES {
            entries.drain(..entries.len() - MAX_LINES);
        }
        History { entries, cursor: None, draft: String::new() }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Adds a sent line (not twice in a row) and goes back to editing a new line.
    pub fn push(&mut self, line: &str) {
        self.cursor = None;
        self.draft.clear();
        if line.is_empty() || self.entries.last().is_some_and(|l| l == line) {
            return;
        }
        self.entries.push(line.to_owned());
        if self.entries.len() > MAX_LINES {
            self.entries.remove(0);
        }
    }

    /// The line before the one shown (`current` is kept as the draft on the first step).
    pub fn older(&mut self, current: &str) -> Option<String> {
        let at = match self.cursor {
            None => {
                current.clone_into(&mut self.draft);
                self.entries.len().checked_sub(1)?
            }
            Some(at) => at.checked_sub(1)?,
        };
        self.cursor = Some(at);
        self.entries.get(at).cloned()
    }

    /// The line after the one shown; past the newest, the draft again.
    pub fn newer(&mut self) -> Option<String> {
        let at = self.cursor? + 1;
        if at >= self.entries.len() {
            self.cursor = None;
            return Some(std::mem::take(&mut self.draft));
        }
        self.cursor = Some(at);
        self.entries.get(at).cloned()
    }
}

/// The history file of a scenario.
pub fn path(data_dir: &Path, scenario: &str) -> PathBuf {
    let stem: String = scenario
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(64)
        .collect();
    data_dir.join("history").join(format!("{stem}.txt"))
}

/// A history file's text: a regular file of at most 1 MiB (`room::files::read_bounded`).
fn read(file: &Path) -> Result<String, crate::room::files::ReadError> {
    crate::room::files::read_bounded(file, 1024 * 1024, "a history is a short list of lines")
}

/// The scenario's saved lines, oldest first; none when there is no file yet.
pub fn load(data_dir: &Path, scenario: &str) -> Vec<String> {
    let text = read(&path(data_dir, scenario)).unwrap_or_default();
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    History::new(lines).entries
}

/// Appends a line to the scenario's file, trimming the file to the newest `MAX_LINES` when it
/// has grown well past that.
pub fn append(data_dir: &Path, scenario: &str, line: &str) -> io::Result<()> {
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.trim().is_empty() {
        return Ok(());
    }
    let file = path(data_dir, scenario);
    if let Some(dir) = file.parent() {
        crate::room::files::create_private_dir(dir)?;
    }
    let mut out = crate::room::files::open_private_append(&file)?;
    writeln!(out, "{line}")?;
    drop(out);
    // A file too large to read (or not a file) is started afresh.
    if read(&file).map_or(usize::MAX, |t| t.lines().count()) > MAX_LINES * 2 {
        crate::room::files::write_private(&file, (load(data_dir, scenario).join("\n") + "\n").as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_walk_the_history_and_come_back_to_the_draft() {
        let mut h = History::new(vec!["get pods".into(), "describe pod web".into()]);
        assert_eq!(h.older("get no").as_deref(), Some("describe pod web"));
        assert_eq!(h.older("").as_deref(), Some("get pods"));
        assert_eq!(h.older(""), None);
        assert_eq!(h.newer().as_deref(), Some("describe pod web"));
        assert_eq!(h.newer().as_deref(), Some("get no"));
        assert_eq!(h.newer(), None);
        h.push("get nodes");
        h.push("get nodes");
        assert_eq!(h.entries().len(), 3);
        assert_eq!(History::default().older("x"), None);
    }

    #[test]
    fn the_file_keeps_lines_per_scenario_across_runs() {
        let dir = std::env::temp_dir().join(format!("kombat-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        append(&dir, "first-deploy", "get pods -A").expect("append");
        append(&dir, "first-deploy", "logs web\u{1b}[2J").expect("append");
        append(&dir, "other", "get nodes").expect("append");
        assert_eq!(load(&dir, "first-deploy"), ["get pods -A", "logs web[2J"]);
        assert_eq!(load(&dir, "other"), ["get nodes"]);
        assert_eq!(load(&dir, "../../etc"), Vec::<String>::new());
        assert!(path(&dir, "../../etc").starts_with(dir.join("history")));
        for i in 0..(MAX_LINES * 2 + 5) {
            append(&dir, "big", &format!("get pod p{i}")).expect("append");
        }
        let kept = load(&dir, "big");
        assert_eq!(kept.len(), MAX_LINES);
        assert_eq!(kept.last().map(String::as_str), Some(format!("get pod p{}", MAX_LINES * 2 + 4).as_str()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
