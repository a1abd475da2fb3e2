//! Logs go to a file, never to the screen the TUI owns: `<data dir>/logs/kombat.log`, at the
//! level `KOMBAT_LOG` names (error, warn, info, debug, trace; default info).

use std::path::Path;
use std::str::FromStr;

/// Starts logging to the data directory; without one, or if the file cannot be opened,
/// nothing is logged and the game goes on.
pub fn init(data_dir: Option<&Path>) {
    let Some(dir) = data_dir else { return };
    let dir = dir.join("logs");
    if std::fs::create_dir_all(&dir).is_err() {
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
