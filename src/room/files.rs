//! Where a room keeps its records: the user's data directory (or `KOMBAT_DATA_DIR`), numbered
//! journal and postmortem files that never overwrite an earlier game, and a journal writer that
//! flushes every line so a crash loses at most the line being written.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Overrides the data directory (tests point it at a temporary directory).
pub const DATA_DIR_ENV: &str = "KOMBAT_DATA_DIR";

/// The directory for journals and postmortems: `KOMBAT_DATA_DIR`, else the platform's data
/// directory for kombat. None when neither is known (no home directory).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "kombat").map(|d| d.data_dir().to_path_buf())
}

pub fn journals_dir(data: &Path) -> PathBuf {
    data.join("journals")
}

pub fn postmortems_dir(data: &Path) -> PathBuf {
    data.join("postmortems")
}

/// Keeps only characters that are safe in a file name.
fn file_stem(scenario: &str, seed: u64) -> String {
    let id: String = scenario
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(64)
        .collect();
    format!("{id}-{seed}")
}

/// Creates `dir/<scenario>-<seed>-<n>.<ext>` with the first `n` (from 1) not taken yet.
pub fn create_numbered(dir: &Path, scenario: &str, seed: u64, ext: &str) -> io::Result<(PathBuf, File)> {
    std::fs::create_dir_all(dir)?;
    let stem = file_stem(scenario, seed);
    for n in 1..=100_000u32 {
        let path = dir.join(format!("{stem}-{n}.{ext}"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("too many files for {stem} in {}", dir.display())))
}

/// Writes `text` to a new numbered file and returns its path.
pub fn write_numbered(dir: &Path, scenario: &str, seed: u64, ext: &str, text: &str) -> io::Result<PathBuf> {
    let (path, mut file) = create_numbered(dir, scenario, seed, ext)?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(path)
}

/// One finished game, as the results file keeps it (for the picker's best grade).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GameResult {
    pub scenario: String,
    pub seed: u64,
    pub grade: crate::game::score::Grade,
    pub total: u32,
    pub max: u32,
}

pub fn results_path(data: &Path) -> PathBuf {
    data.join("results.jsonl")
}

/// Appends a finished game to the results file.
pub fn record_result(data: &Path, result: &GameResult) -> io::Result<()> {
    std::fs::create_dir_all(data)?;
    let mut file = OpenOptions::new().create(true).append(true).open(results_path(data))?;
    let line = serde_json::to_string(result).map_err(io::Error::other)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.flush()
}

/// Every result recorded so far; lines that do not read (a hand edit, a torn write) are skipped.
pub fn read_results(data: &Path) -> Vec<GameResult> {
    let text = std::fs::read_to_string(results_path(data)).unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

/// A journal being written, one flushed line at a time.
pub struct JournalFile {
    pub path: PathBuf,
    file: File,
}

impl JournalFile {
    pub fn create(data: &Path, scenario: &str, seed: u64) -> io::Result<JournalFile> {
        let (path, file) = create_numbered(&journals_dir(data), scenario, seed, "jsonl")?;
        Ok(JournalFile { path, file })
    }

    pub fn write_line(&mut self, line: &str) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_files_never_overwrite() {
        let dir = std::env::temp_dir().join(format!("kombat-files-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = write_numbered(&dir, "first-deploy", 3, "md", "one").expect("writes");
        let b = write_numbered(&dir, "first-deploy", 3, "md", "two").expect("writes");
        assert_eq!(a, dir.join("first-deploy-3-1.md"));
        assert_eq!(b, dir.join("first-deploy-3-2.md"));
        assert_eq!(std::fs::read_to_string(&a).expect("reads"), "one");
        let mut j = JournalFile::create(&dir, "../evil id", 1).expect("creates");
        assert_eq!(j.path, dir.join("journals").join("___evil_id-1-1.jsonl"));
        j.write_line("{}").expect("writes");
        assert_eq!(std::fs::read_to_string(&j.path).expect("reads"), "{}\n");
        let result =
            GameResult { scenario: "a".into(), seed: 1, grade: crate::game::score::Grade::B, total: 8, max: 10 };
        record_result(&dir, &result).expect("records");
        std::fs::write(results_path(&dir), std::fs::read_to_string(results_path(&dir)).expect("reads") + "torn{\n")
            .expect("writes");
        record_result(&dir, &result).expect("records");
        assert_eq!(read_results(&dir), vec![result.clone(), result]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
