//! Where a room keeps its records: the user's data directory (or `KOMBAT_DATA_DIR`), numbered
//! journal and postmortem files that never overwrite an earlier game, a journal writer that hands
//! every line to the OS in one write so a crash loses at most the line being written (and can
//! reopen a journal after a crash, cutting that line), and files replaced atomically. The data
//! directory and every folder kombat makes in it are created 0700 and its files 0600 on unix:
//! journals hold the whole customer chat, the log every join code. Files kombat reads back
//! (scenarios, journals) are read with a size bound and only when they are regular files, so a
//! device or a FIFO is refused at once instead of filling memory or blocking.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::scenario::{LoadError, Scenario, Source};

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

/// Where `kombat host` keeps one results file per game night (one line per hosted game).
pub fn nights_dir(data: &Path) -> PathBuf {
    data.join("nights")
}

/// The night file's name for a host started `unix_secs` after the epoch: `YYYY-MM-DD-HHMM.jsonl`,
/// in UTC (the shell's clock; no time zone database is read).
pub fn night_file_name(unix_secs: u64) -> String {
    let days = i64::try_from(unix_secs / 86_400).unwrap_or(i64::MAX / 2);
    let of_day = unix_secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}-{:02}{:02}.jsonl", of_day / 3600, of_day % 3600 / 60)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
}

/// Appends one line (a JSON record, without its newline) to `path`, creating it and its folder
/// private; the line goes to the OS in one write.
pub fn append_line(path: &Path, line: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut file = open_private_append(path)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.flush()
}

/// Keeps a postmortem a host sent in `data`'s postmortems folder and says where. `name` comes
/// from the peer: only its safe characters make the file name, and an existing file is never
/// overwritten. The same postmortem sent again (after a reconnect) finds its earlier file.
pub fn save_received_postmortem(data: &Path, name: &str, text: &str) -> io::Result<PathBuf> {
    let dir = postmortems_dir(data);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let stem: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(64).collect();
    let stem = if stem.is_empty() { "hosted".to_owned() } else { format!("hosted-{stem}") };
    for n in 1..=1000u32 {
        let file = if n == 1 { format!("{stem}.md") } else { format!("{stem}-{n}.md") };
        match write_new(&dir, &file, text) {
            Ok(path) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let path = dir.join(&file);
                let same = read_bounded(&path, MAX_POSTMORTEM_FILE, "a postmortem").is_ok_and(|kept| kept == text);
                if same {
                    return Ok(path);
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("too many postmortems named {stem} in {}", dir.display())))
}

/// The largest postmortem file read back (to compare a postmortem sent again with its file).
const MAX_POSTMORTEM_FILE: u64 = 1024 * 1024;

/// Where a server keeps a record of each of its rooms, to resume them after a restart.
pub fn rooms_dir(data: &Path) -> PathBuf {
    data.join("rooms")
}

/// Replaces `path` with `bytes` atomically (a temporary file beside it, then a rename), so a crash
/// leaves the old contents or the new, never a mix. Only the owner may read the file on unix: it
/// may hold secrets.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| io::Error::other(format!("{} is not a file", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(".tmp");
    let temp = path.with_file_name(temp_name);
    // A temporary file left by a crash may have other permissions: start afresh.
    let _ = std::fs::remove_file(&temp);
    let written = private_options().write(true).create_new(true).open(&temp).and_then(|mut file| file.write_all(bytes));
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(())
}

/// Creates `dir` and its missing parents, each readable only by its owner on unix. A directory
/// that already exists keeps its permissions (it may be one the user chose and shares).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Options that create a file only its owner may read and write (on unix).
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Opens `path` to append, creating it 0600; an existing file is made 0600 too (an older
/// kombat made its files readable by everyone).
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let file = private_options().create(true).append(true).open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
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
    create_private_dir(dir)?;
    let stem = file_stem(scenario, seed);
    for n in 1..=100_000u32 {
        let path = dir.join(format!("{stem}-{n}.{ext}"));
        match private_options().write(true).create_new(true).open(&path) {
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

/// Writes `text` to `dir/name`, a file that must not exist yet (no overwrite).
pub fn write_new(dir: &Path, name: &str, text: &str) -> io::Result<PathBuf> {
    create_private_dir(dir)?;
    let path = dir.join(name);
    let mut file = private_options().write(true).create_new(true).open(&path)?;
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
    create_private_dir(data)?;
    let mut file = open_private_append(&results_path(data))?;
    let line = serde_json::to_string(result).map_err(io::Error::other)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.flush()
}

/// Every result recorded so far; lines that do not read (a hand edit, a torn write) are skipped.
pub fn read_results(data: &Path) -> Vec<GameResult> {
    let text =
        read_bounded(&results_path(data), MAX_JOURNAL_FILE, "a results file has one line per game").unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

/// A journal reopened after a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reopened {
    /// Every whole line.
    pub text: String,
    /// The last line, cut short by a crash, that was taken out of the file.
    pub cut: Option<String>,
}

/// Where the scenario of the journal at `journal` is kept when it is not built in: the same name,
/// `.ron` for `.jsonl` (`journals/random-shop-7-7-1.jsonl` → `journals/random-shop-7-7-1.ron`).
pub fn scenario_beside(journal: &Path) -> PathBuf {
    journal.with_extension("ron")
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

    /// Reopens a journal to go on with its game after the server stopped, and returns its text.
    /// A last line without its newline was cut by a crash while being written; it is cut from the
    /// file (and returned apart) so that the next line starts on a line of its own. Such a line
    /// was never answered: the room answers an action only once its line is written whole.
    pub fn reopen(path: &Path) -> io::Result<(JournalFile, Reopened)> {
        let text = journal_text(path)?;
        let keep = text.rfind('\n').map_or(0, |i| i + 1);
        let cut = (keep < text.len()).then(|| text[keep..].to_owned());
        if cut.is_some() {
            let file = OpenOptions::new().write(true).open(path)?;
            file.set_len(keep as u64)?;
        }
        let file = OpenOptions::new().append(true).open(path)?;
        let mut text = text;
        text.truncate(keep);
        Ok((JournalFile { path: path.to_path_buf(), file }, Reopened { text, cut }))
    }

    /// Writes a line and its newline in one write: a crash leaves the whole line, or a cut one
    /// that [`JournalFile::reopen`] removes, never a line that runs into the next.
    pub fn write_line(&mut self, line: &str) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.flush()
    }
}

/// The largest scenario file read: far beyond any real scenario, and a device or a runaway file
/// is refused before it fills memory.
pub const MAX_SCENARIO_FILE: u64 = 1024 * 1024;

/// The largest journal read (by `kombat replay` and a server resuming a game): a long game with
/// every command is a few MiB; anything far larger is not a journal kombat wrote.
pub const MAX_JOURNAL_FILE: u64 = 64 * 1024 * 1024;

/// Why a bounded read refused a file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("not a regular file")]
    NotRegular,
    #[error("larger than {} KiB; {what}", limit / 1024)]
    TooLarge { limit: u64, what: &'static str },
    #[error("not UTF-8 text")]
    NotText,
    #[error("{0}")]
    Io(String),
}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> io::Error {
        let kind = match &e {
            ReadError::Io(_) => io::ErrorKind::Other,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e.to_string())
    }
}

/// The text of a regular file of at most `limit` bytes. The type is checked before the file is
/// opened (opening a FIFO would wait for a writer) and again on the opened file (in case it was
/// swapped); the read stops one byte past the limit, so a file that grows cannot fill memory.
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<String, ReadError> {
    let io = |e: io::Error| ReadError::Io(e.to_string());
    let too_large = || ReadError::TooLarge { limit, what };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(too_large());
    }
    let file = File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

/// A journal's text, bounded by [`MAX_JOURNAL_FILE`], from a regular file only.
pub fn journal_text(path: &Path) -> io::Result<String> {
    Ok(read_bounded(path, MAX_JOURNAL_FILE, "a journal is a text file of one line per action")?)
}

/// A scenario file's text: a regular file of at most [`MAX_SCENARIO_FILE`] bytes. Errors name
/// the file as given.
pub fn scenario_file_text(path: &Path) -> Result<String, LoadError> {
    read_bounded(path, MAX_SCENARIO_FILE, "a scenario is a small text file")
        .map_err(|e| LoadError::Io { file: path.display().to_string(), message: e.to_string() })
}

/// The text of `ID|FILE` without parsing it, and the file name parse errors should give: a
/// built-in id first, else a path to a regular file of at most [`MAX_SCENARIO_FILE`] bytes.
pub fn scenario_text(arg: &str) -> Result<(String, std::borrow::Cow<'static, str>), LoadError> {
    if let Some((id, text)) = crate::scenario::builtin_sources().find(|(id, _)| *id == arg) {
        return Ok((format!("scenarios/{id}.ron"), std::borrow::Cow::Borrowed(text)));
    }
    let path = Path::new(arg);
    if !path.exists() {
        return Err(LoadError::Unknown(arg.to_owned()));
    }
    let text = scenario_file_text(path)?;
    Ok((arg.to_owned(), std::borrow::Cow::Owned(text)))
}

/// Reads `ID|FILE` with its text: a built-in id first, else a path.
pub fn scenario_source(arg: &str) -> Result<Source, LoadError> {
    let (file, text) = scenario_text(arg)?;
    let scenario = crate::scenario::parse(&file, &text)?;
    Ok(Source { scenario, text: text.into() })
}

/// Resolves `ID|FILE` to a scenario and the name its errors give.
pub fn resolve_scenario(arg: &str) -> Result<(String, Scenario), LoadError> {
    if let Some(s) = crate::scenario::builtin(arg) {
        return Ok((format!("<built-in>/{arg}.ron"), s?));
    }
    let (file, text) = scenario_text(arg)?;
    Ok((file.clone(), crate::scenario::parse(&file, &text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_files_are_named_by_the_utc_date_and_minute() {
        assert_eq!(night_file_name(0), "1970-01-01-0000.jsonl");
        // 2026-12-03 07:10:13 UTC.
        assert_eq!(night_file_name(1_796_281_813), "2026-12-03-0710.jsonl");
        // A leap day, a minute before midnight.
        assert_eq!(night_file_name(951_868_740), "2000-02-29-2359.jsonl");
    }

    #[test]
    fn a_received_postmortem_keeps_safe_names_and_is_kept_once() {
        let dir = std::env::temp_dir().join(format!("kombat-received-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = save_received_postmortem(&dir, "../../etc/first-deploy-7-1.md", "# pm").expect("saved");
        assert_eq!(path, postmortems_dir(&dir).join("hosted-etcfirst-deploy-7-1.md"));
        // Sent again after a reconnect: the same file.
        assert_eq!(save_received_postmortem(&dir, "../../etc/first-deploy-7-1.md", "# pm").expect("saved"), path);
        // Another game under the same name: a new file, the first one untouched.
        let other = save_received_postmortem(&dir, "../../etc/first-deploy-7-1.md", "# other").expect("saved");
        assert_eq!(other, postmortems_dir(&dir).join("hosted-etcfirst-deploy-7-1-2.md"));
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "# pm");
        assert_eq!(save_received_postmortem(&dir, "/.", "x").expect("saved"), postmortems_dir(&dir).join("hosted.md"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_new_file_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("kombat-new-{}", std::process::id()));
        let path = write_new(&dir, "s-1-2.md", "first").expect("written");
        assert_eq!(path, dir.join("s-1-2.md"));
        assert!(write_new(&dir, "s-1-2.md", "second").is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "first");
        let _ = std::fs::remove_dir_all(&dir);
    }

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

    #[test]
    fn a_journal_reopens_without_its_cut_line_and_goes_on() {
        let dir = std::env::temp_dir().join(format!("kombat-files-reopen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut j = JournalFile::create(&dir, "s", 1).expect("creates");
        j.write_line("{\"a\":1}").expect("writes");
        drop(j);
        let path = journals_dir(&dir).join("s-1-1.jsonl");
        let (mut again, reopened) = JournalFile::reopen(&path).expect("reopens");
        assert_eq!(reopened, Reopened { text: "{\"a\":1}\n".into(), cut: None });
        again.write_line("{\"b\":2}").expect("writes");
        std::fs::write(&path, std::fs::read_to_string(&path).expect("reads") + "{\"c\":").expect("a torn line");
        let (mut again, reopened) = JournalFile::reopen(&path).expect("reopens");
        assert_eq!(reopened.cut.as_deref(), Some("{\"c\":"));
        assert_eq!(reopened.text, "{\"a\":1}\n{\"b\":2}\n");
        again.write_line("{\"d\":4}").expect("writes");
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "{\"a\":1}\n{\"b\":2}\n{\"d\":4}\n");
        assert!(JournalFile::reopen(&dir.join("missing.jsonl")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn private_files_are_replaced_whole_and_only_the_owner_reads_them() {
        let dir = std::env::temp_dir().join(format!("kombat-files-private-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creates");
        let path = dir.join("R.json");
        write_private(&path, b"first").expect("writes");
        write_private(&path, b"second").expect("replaces");
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "second");
        let names: Vec<_> = std::fs::read_dir(&dir).expect("lists").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("R.json")], "no temporary file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A directory in the way: an error, and the old file is untouched.
        std::fs::create_dir_all(dir.join("D.json")).expect("creates");
        assert!(write_private(&dir.join("D.json"), b"x").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
