//! Starting the TUI on the local terminal: check that there is a terminal, read the keymap
//! and pick the theme before touching the screen (so a bad keymap file is a plain error
//! message), take the terminal over, run the driver until the player quits or a signal that
//! ends a program arrives (SIGINT, SIGQUIT, SIGTERM, SIGHUP), and give the terminal back
//! exactly once.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event as TermEvent};
use tokio::sync::mpsc;

use super::app::{self, App, JoinRequest};
use super::catalog;
use super::driver::{self, Settings};
use super::keymap::Keymap;
use super::terminal::TerminalGuard;
use super::theme::{self, Theme};
use crate::room::files;

/// Overrides the config directory (where `keymap.ron` is read from).
pub const CONFIG_DIR_ENV: &str = "KOMBAT_CONFIG_DIR";

/// What the command line chose.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub theme: Option<String>,
    pub seed: Option<u64>,
    /// The difficulty the picker starts at.
    pub difficulty: crate::game::Difficulty,
    /// Open on this hosted room's lobby instead of the title (`kombat join`).
    pub join: Option<JoinRequest>,
    /// Open on this finished game's replay instead of the title (`kombat replay --screen`);
    /// leaving it quits.
    pub replay: Option<std::sync::Arc<crate::game::replay::Replay>>,
}

/// Where kombat reads its settings: `KOMBAT_CONFIG_DIR`, else the platform's config directory.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "kombat").map(|d| d.config_dir().to_path_buf())
}

/// The user's keymap file (it may not exist).
pub fn keymap_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("keymap.ron"))
}

/// What to do instead when there is no terminal to draw on.
pub const NOT_A_TERMINAL: &str = "kombat: the game screen needs a terminal, and this output is not one.
To play in line mode (pipes, scripts, screen readers), use the console:
  kombat console                 the default scenario; /help lists the commands
  kombat console config-drift    another scenario (kombat scenario list shows them all)
  echo 'get pods -A' | kombat console";

/// Runs the TUI on this terminal.
pub fn run(options: Options) -> anyhow::Result<ExitCode> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        match &options.join {
            _ if options.replay.is_some() => eprintln!(
                "kombat: the replay screen needs a terminal, and this output is not one. Without --screen, \
                 kombat replay FILE prints the game's transcript."
            ),
            Some(request) => eprintln!(
                "kombat: the game screen needs a terminal, and this output is not one. For line mode (bots, \
                 scripts, screen readers) add --headless:\n  kombat join {} --code {} --headless",
                request.server, request.code
            ),
            None => println!("{NOT_A_TERMINAL}"),
        }
        return Ok(ExitCode::from(2));
    }
    let keymap = Keymap::load(keymap_path().as_deref())?;
    let asked = options.theme.or_else(|| std::env::var("KOMBAT_THEME").ok());
    if let Some(name) = &asked
        && Theme::named(name).is_none()
    {
        anyhow::bail!("unknown theme `{name}`; the themes are: {}", Theme::names().join(", "));
    }
    let theme = Theme::choose(asked.as_deref(), theme::no_color_requested());
    let data_dir = files::data_dir();
    let mut app = App::new(keymap, theme, catalog::builtin(data_dir.as_deref()));
    app.player_name = profile_name();
    app.difficulty = options.difficulty;
    let mut first = Vec::new();
    if let Some(request) = options.join {
        first.push(app::open_lobby(&mut app, request));
    }
    if let Some(replay) = options.replay {
        app.screen = app::Screen::Replay(Box::new(app::ReplayScreen::new(replay, true)));
    }
    let settings = Settings { data_dir, seed: options.seed, first, join_only: None };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    // Before the terminal is taken: from here on no signal ends the process behind our back.
    let signals = {
        let _context = runtime.enter();
        Signals::register()?
    };
    let caught = std::cell::Cell::new(None);
    let guard = TerminalGuard::enter()?;
    let result = runtime.block_on(async {
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let shutdown = async { caught.set(Some(signals.recv().await)) };
        driver::run(&mut terminal, app, read_terminal(), settings, shutdown).await
    });
    drop(guard);
    result?;
    tracing::info!("left the TUI");
    // A signal's exit status, as a shell reports a program it ended: 128 and its number.
    Ok(caught.get().map_or(ExitCode::SUCCESS, |signal: u8| ExitCode::from(128 + signal)))
}

/// Who is at the keyboard, for the name the forms start with.
/// The player profile a solo game keeps its command history under: the login name, made a
/// name the game accepts.
pub fn profile_name() -> String {
    crate::net::client::allowed_name(&login_name())
}

fn login_name() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default()
}

/// Terminal events, read on their own thread (crossterm's read blocks). The thread ends with
/// the process: it is parked in a read when the app quits.
fn read_terminal() -> mpsc::Receiver<TermEvent> {
    let (tx, rx) = mpsc::channel(64);
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            if tx.blocking_send(event).is_err() {
                break;
            }
        }
    });
    rx
}

/// The signals that end the TUI. Their default action ends the process at once, with the
/// terminal still in raw mode on the alternate screen with mouse reports on; handled, they stop
/// the driver and the terminal is restored once. In raw mode Ctrl-C and Ctrl-\\ are keys, so
/// SIGINT and SIGQUIT come from `kill` or a supervisor; SIGHUP means the terminal went away.
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Takes the four signals over (inside a tokio runtime).
    fn register() -> io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// Completes with the number of the first signal that arrives.
    async fn recv(mut self) -> u8 {
        tokio::select! {
            _ = self.interrupt.recv() => 2,
            _ = self.quit.recv() => 3,
            _ = self.terminate.recv() => 15,
            _ = self.hangup.recv() => 1,
        }
    }
}
