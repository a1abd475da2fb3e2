//! Logs go to a file, never to the screen the TUI owns: `<data dir>/logs/kombat.YYYY-MM-DD-HH.log`,
//! a new file each hour and only the last [`KEEP_FILES`] kept, at the level `KOMBAT_LOG` names
//! (error, warn, info, debug, trace; default info). Each hour's file holds at most [`HOURLY_BYTES`]:
//! past that, lines are dropped until the next hour (one line says so), so the log's size is
//! bounded whatever a flood of clients makes the server say. The server limits its own
//! per-connection lines as well (`net::server`), so the cap is a backstop. The log holds every
//! join code: its folder is made 0700 and each file 0600 (`room::files`).

use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;

/// Log files kept: a day of hourly files.
pub const KEEP_FILES: usize = 24;
/// The most one hour's file grows to (so the logs directory stays under 24 × 16 MiB).
pub const HOURLY_BYTES: u64 = 16 * 1024 * 1024;

/// Starts logging to the data directory; without one, or if the file cannot be opened,
/// nothing is logged and the game goes on.
pub fn init(data_dir: Option<&Path>) {
    let Some(dir) = data_dir else { return };
    let dir = dir.join("logs");
    if crate::room::files::create_private_dir(&dir).is_err() {
        return;
    }
    let level = std::env::var("KOMBAT_LOG")
        .ok()
        .and_then(|l| tracing::Level::from_str(&l).ok())
        .unwrap_or(tracing::Level::INFO);
    let Some(writer) = Capped::open(&dir, HOURLY_BYTES) else { return };
    // A log an older kombat (or another umask) left readable is made private too.
    private_logs(&dir);
    let _ = tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_max_level(level).try_init();
}

/// An hourly rolling appender that writes at most `cap` bytes an hour.
pub struct Capped {
    inner: RollingFileAppender,
    /// Where the files are, to make each new one private.
    dir: std::path::PathBuf,
    cap: u64,
    /// The hour (since the epoch) being counted, the bytes written in it, and whether the
    /// "dropped" line was written.
    state: Mutex<(u64, u64, bool)>,
}

impl Capped {
    pub fn open(dir: &Path, cap: u64) -> Option<Capped> {
        let inner = RollingFileAppender::builder()
            .rotation(Rotation::HOURLY)
            .max_log_files(KEEP_FILES)
            .filename_prefix("kombat")
            .filename_suffix("log")
            .build(dir)
            .ok()?;
        Some(Capped { inner, dir: dir.to_path_buf(), cap, state: Mutex::new((0, 0, false)) })
    }

    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let hour = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 3600);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let new_hour = state.0 != hour;
        if new_hour {
            *state = (hour, 0, false);
        }
        let mut out = self.inner.make_writer();
        if new_hour {
            // The appender opens a new file each hour with the process's default mode; the log
            // holds join codes, so each is made private as soon as it exists.
            let written = out.write_all(line);
            state.1 += line.len() as u64;
            private_logs(&self.dir);
            return written;
        }
        if state.1 + line.len() as u64 <= self.cap {
            state.1 += line.len() as u64;
            return out.write_all(line);
        }
        if !state.2 {
            state.2 = true;
            let note =
                format!("this hour's log reached {} bytes; further lines are dropped until the next hour\n", self.cap);
            return out.write_all(note.as_bytes());
        }
        Ok(())
    }
}

/// One line's writer: the formatter writes a whole line, then drops it.
pub struct CappedWriter<'a> {
    capped: &'a Capped,
    line: Vec<u8>,
}

impl Write for CappedWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for CappedWriter<'_> {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            let _ = self.capped.write_line(&self.line);
        }
    }
}

impl<'a> MakeWriter<'a> for Capped {
    type Writer = CappedWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        CappedWriter { capped: self, line: Vec::new() }
    }
}

/// Makes every log file in `dir` readable by its owner only.
fn private_logs(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_log = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("kombat"));
        if is_log && path.is_file() {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_of_log_stops_at_its_cap_and_says_so() {
        let dir = std::env::temp_dir().join(format!("kombat-logging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a directory");
        let capped = Capped::open(&dir, 10_000).expect("opens");
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        for _ in 0..1000 {
            let mut w = capped.make_writer();
            w.write_all(&line).expect("writes");
        }
        let total: u64 = std::fs::read_dir(&dir)
            .expect("lists")
            .map(|e| e.expect("an entry").metadata().expect("a file").len())
            .sum();
        // An hour may turn during the test: then two hours' caps.
        assert!(total <= 2 * (10_000 + 200), "{total} bytes for a cap of 10,000");
        assert!(total >= 10_000, "{total}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
