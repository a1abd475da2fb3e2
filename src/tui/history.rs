//! The prompt's command history: ↑ and ↓ walk it like a shell's, and it is kept per player
//! profile and scenario in the data directory (`history/<profile>/<scenario>.txt`, one line
//! each, the newest last) so a second run remembers the first, and the next player on a shared
//! machine does not find the previous one's fix under ↑. A profile's history is cleared on
//! request (`/history clear` at the console, `kombat history --clear`).

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

/// A name made safe for one path component: ASCII letters, digits, `-` and `_` only.
fn stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(64)
        .collect();
    if stem.is_empty() { "_".to_owned() } else { stem }
}

/// The directory of a player profile's histories.
pub fn profile_dir(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir.join("history").join(stem(profile))
}

/// The history file of a profile's scenario.
pub fn path(data_dir: &Path, profile: &str, scenario: &str) -> PathBuf {
    profile_dir(data_dir, profile).join(format!("{}.txt", stem(scenario)))
}

/// Forgets every line the profile kept; a profile with nothing kept is not an error.
pub fn clear(data_dir: &Path, profile: &str) -> io::Result<()> {
    match std::fs::remove_dir_all(profile_dir(data_dir, profile)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A history file's text: a regular file of at most 1 MiB (`room::files::read_bounded`).
fn read(file: &Path) -> Result<String, crate::room::files::ReadError> {
    crate::room::files::read_bounded(file, 1024 * 1024, "a history is a short list of lines")
}

/// The profile's saved lines of the scenario, oldest first; none when there is no file yet.
pub fn load(data_dir: &Path, profile: &str, scenario: &str) -> Vec<String> {
    let text = read(&path(data_dir, profile, scenario)).unwrap_or_default();
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    History::new(lines).entries
}

/// Appends a line to the scenario's file, trimming the file to the newest `MAX_LINES` when it
/// has grown well past that.
pub fn append(data_dir: &Path, profile: &str, scenario: &str, line: &str) -> io::Result<()> {
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.trim().is_empty() {
        return Ok(());
    }
    let file = path(data_dir, profile, scenario);
    if let Some(dir) = file.parent() {
        crate::room::files::create_private_dir(dir)?;
    }
    let mut out = crate::room::files::open_private_append(&file)?;
    writeln!(out, "{line}")?;
    drop(out);
    // A file too large to read (or not a file) is started afresh.
    if read(&file).map_or(usize::MAX, |t| t.lines().count()) > MAX_LINES * 2 {
        crate::room::files::write_private(&file, (load(data_dir, profile, scenario).join("\n") + "\n").as_bytes())?;
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
    fn the_file_keeps_lines_per_profile_and_scenario_across_runs() {
        let dir = std::env::temp_dir().join(format!("kombat-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        append(&dir, "ana", "first-deploy", "get pods -A").expect("append");
        append(&dir, "ana", "first-deploy", "logs web\u{1b}[2J").expect("append");
        append(&dir, "ana", "other", "get nodes").expect("append");
        append(&dir, "bo", "first-deploy", "rollout undo deployment/web -n shop").expect("append");
        assert_eq!(load(&dir, "ana", "first-deploy"), ["get pods -A", "logs web[2J"]);
        assert_eq!(load(&dir, "ana", "other"), ["get nodes"]);
        // Another player on the same machine does not see the first one's lines.
        assert_eq!(load(&dir, "bo", "first-deploy"), ["rollout undo deployment/web -n shop"]);
        assert_eq!(load(&dir, "cy", "first-deploy"), Vec::<String>::new());
        assert_eq!(load(&dir, "ana", "../../etc"), Vec::<String>::new());
        assert!(path(&dir, "../..", "../../etc").starts_with(dir.join("history")));
        assert!(path(&dir, "", "x").starts_with(dir.join("history")));
        for i in 0..(MAX_LINES * 2 + 5) {
            append(&dir, "ana", "big", &format!("get pod p{i}")).expect("append");
        }
        let kept = load(&dir, "ana", "big");
        assert_eq!(kept.len(), MAX_LINES);
        assert_eq!(kept.last().map(String::as_str), Some(format!("get pod p{}", MAX_LINES * 2 + 4).as_str()));
        // Clearing forgets one profile's lines, every scenario's, and nobody else's.
        clear(&dir, "ana").expect("clear");
        assert_eq!(load(&dir, "ana", "first-deploy"), Vec::<String>::new());
        assert_eq!(load(&dir, "ana", "big"), Vec::<String>::new());
        assert_eq!(load(&dir, "bo", "first-deploy").len(), 1);
        clear(&dir, "nobody").expect("clearing nothing is fine");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
