//! `cargo bench --bench render`: the TUI's speed, with percentiles rather than criterion's mean.
//!
//! * frame: a full in-game frame at 200×60 (the troubleshooter's console after `get pods -A` on
//!   the 1,006-pod cluster, chat, a status update), drawn through ratatui into the crossterm
//!   backend writing to memory; the scroll position alternates so every frame really changes.
//! * startup: the release binary in a pseudo-terminal, from spawn to the title on the screen.
//! * idle: the same binary on the game screen, left alone for 10 s; the CPU time it used.
//!
//! `--test` (as CI runs benches) does each once, quickly.

#[path = "support/large.rs"]
mod large;

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kombat::game::view::for_seat;
use kombat::game::{Action as GameAction, Game, IncidentState, Seat};
use kombat::tui::app::{self, App, Msg};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::theme::Theme;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const TROUBLESHOOTER: Seat = Seat::Troubleshooter(0);

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The app on the game screen with the large cluster's views.
fn busy_app() -> App {
    let mut game = Game::new(large::large_scenario(), 1).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(TROUBLESHOOTER, "you");
    game.start();
    let act = |game: &mut Game, seat: Seat, action: GameAction| {
        let _ = game.act(seat, &action);
    };
    act(&mut game, TROUBLESHOOTER, GameAction::Command("get pods -A".into()));
    act(&mut game, TROUBLESHOOTER, GameAction::Command("describe deployment web -n shop".into()));
    act(&mut game, TROUBLESHOOTER, GameAction::TeamChat("the new pods cannot pull their image".into()));
    act(&mut game, Seat::Liaison, GameAction::CustomerChat("Hi, which tag did you deploy?".into()));
    act(
        &mut game,
        Seat::Liaison,
        GameAction::StatusUpdate {
            state: IncidentState::Investigating,
            text: "Your shoppers see errors on the storefront; we are investigating.".into(),
        },
    );
    let views = vec![for_seat(&game, Seat::Liaison), for_seat(&game, TROUBLESHOOTER)];
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    for msg in [key(KeyCode::Enter), key(KeyCode::Enter), Msg::Views(views)] {
        let _ = app::update(&mut app, msg);
    }
    app
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<28} n={:<5} p50={:>10.3?} p99={:>10.3?} max={:>10.3?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default()
    );
}

fn frames(quick: bool) {
    let mut app = busy_app();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(std::io::sink()),
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 200, 60)) },
    )
    .expect("terminal");
    let n = if quick { 20 } else { 5_000 };
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        // Alternate the scroll position so each frame differs from the last.
        let page = if i % 2 == 0 { KeyCode::PageUp } else { KeyCode::PageDown };
        let _ = app::update(&mut app, key(page));
        let start = Instant::now();
        terminal.draw(|f| f.render_widget(&app, f.area())).expect("draws");
        samples.push(start.elapsed());
    }
    report("frame 200x60 (full draw)", samples);
}

struct Pty {
    screen: Arc<Mutex<vt100::Parser>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    _pair: portable_pty::PtyPair,
}

fn spawn(dir: &std::path::Path) -> Pty {
    let pair =
        native_pty_system().openpty(PtySize { rows: 60, cols: 200, pixel_width: 0, pixel_height: 0 }).expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kombat"));
    cmd.env("KOMBAT_DATA_DIR", dir);
    cmd.env("KOMBAT_CONFIG_DIR", dir);
    cmd.env("TERM", "xterm-256color");
    let child = pair.slave.spawn_command(cmd).expect("spawn");
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let writer = pair.master.take_writer().expect("writer");
    let screen = Arc::new(Mutex::new(vt100::Parser::new(nonzero(60), nonzero(200), 0)));
    let into = Arc::clone(&screen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().expect("screen").process(&buf[..n]);
        }
    });
    Pty { screen, child, writer, _pair: pair }
}

impl Pty {
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if self.screen.lock().expect("screen").screen().contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        panic!("{text:?} never appeared");
    }
}

fn startup(quick: bool, dir: &std::path::Path) {
    let n = if quick { 1 } else { 20 };
    let mut samples = Vec::new();
    for _ in 0..n {
        let start = Instant::now();
        let mut pty = spawn(dir);
        pty.wait_for("Solo practice");
        samples.push(start.elapsed());
        let _ = pty.child.kill();
        let _ = pty.child.wait();
    }
    report("start to first frame", samples);
}

/// user + system CPU seconds of a process, from /proc.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn idle(quick: bool, dir: &std::path::Path) {
    let mut pty = spawn(dir);
    pty.wait_for("Solo practice");
    // Into a game: the screen with the most on it.
    let _ = pty.writer.write_all(b"\r");
    pty.wait_for("Friday afternoon release");
    let _ = pty.writer.write_all(b"\r");
    pty.wait_for("console");
    std::thread::sleep(Duration::from_secs(1));
    let pid = pty.child.process_id().expect("pid");
    let seconds = if quick { 1 } else { 10 };
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(seconds));
    let after = cpu_seconds(pid);
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "idle on the game screen       {seconds} s: {:.3} s of CPU ({:.2}% of a core)",
            a - b,
            (a - b) / seconds as f64 * 100.0
        ),
        _ => println!("idle: /proc is not available here"),
    }
    let _ = pty.child.kill();
    let _ = pty.child.wait();
}

use std::io::Write as _;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--test");
    let wanted = |name: &str| {
        let filters: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
        filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
    };
    let dir = std::env::temp_dir().join(format!("kombat-render-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    if wanted("frame") {
        frames(quick);
    }
    if wanted("startup") {
        startup(quick, &dir);
    }
    if wanted("idle") {
        idle(quick, &dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a screen has a size")
}
