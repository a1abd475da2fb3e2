//! Logs go to a file, never to the screen the TUI owns: `<data dir>/logs/kombat.log`, at the
//! level `KOMBAT_LOG` names (error, warn, info, debug, trace; default info). The log holds every
//! join code: its folder is made 0700 and the file 0600 (`room::files`).

use std::path::Path;
use std::str::FromStr;

/// The log's file name: the appender's prefix and suffix, never rotated.
const LOG_FILE: &str = "kombat.log";

/// Starts logging to the data directory; without one, or if the file cannot be opened,
/// nothing is logged and the game goes on.
pub fn init(data_dir: Option<&Path>) {
    let Some(dir) = data_dir else { return };
    let dir = dir.join("logs");
    if crate::room::files::create_private_dir(&dir).is_err() {
        return;
    }
    // The appender opens the file it is given the name of; made here first, it keeps this mode.
    if crate::room::files::open_private_append(&dir.join(LOG_FILE)).is_err() {
        return;
    }
    let level = std::env::var("KOMBAT_LOG")
        .ok()
        .and_then(|l| tracing::Level::from_str(&l).ok())
        .unwrap_or(tracing::Level::INFO);
    let Ok(appender) = tracing_appender::rolling::RollingFileAppender::builder()
        .filename_prefix("kombat")
        .filename_suffix("log")
        .build(&dir)
    else {
        return;
    };
    let _ = tracing_subscriber::fmt().with_writer(appender).with_ansi(false).with_max_level(level).try_init();
}
