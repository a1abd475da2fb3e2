//! The real binary in a pseudo-terminal, read back through a virtual screen (vt100): a newcomer
//! opens kombat, picks the default scenario, wins it with keystrokes alone and sees the debrief;
//! the terminal is given back exactly once, on quitting and on SIGINT, SIGQUIT, SIGTERM and
//! SIGHUP (raw mode off, the main screen back, mouse reports off, the cursor shown). Waits poll the screen
//! for text (with a generous deadline), never sleep for a fixed time.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const COLS: u16 = 120;
const ROWS: u16 = 40;
/// How long any one thing may take to appear on a slow CI machine.
const DEADLINE: Duration = Duration::from_secs(60);

const ENTER: &str = "\r";
const TAB: &str = "\t";
const DOWN: &str = "\x1b[B";
const F2: &str = "\x1bOQ";
const F4: &str = "\x1bOS";
const F5: &str = "\x1b[15~";
/// Ctrl-S: posts the status update being written (Enter starts a new line there).
const CTRL_S: &str = "\x13";
/// Leaving the alternate screen: written once when the terminal is restored.
const LEAVE_ALTERNATE: &[u8] = b"\x1b[?1049l";

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Reads the terminal until kombat's side of it is closed (it exits).
    reader: std::thread::JoinHandle<()>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

/// Polls `check` every 20 ms until it gives a value; after `DEADLINE`, fails saying what was
/// awaited and what `shown` shows then.
fn poll_until<T>(what: &str, shown: impl Fn() -> String, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(start.elapsed() < DEADLINE, "waited {DEADLINE:?} for {what}; the screen shows:\n{}", shown());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

impl Session {
    fn start(dir: &std::path::Path) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kombat"));
        cmd.args(["--seed", "1"]);
        cmd.env("KOMBAT_DATA_DIR", dir.join("data"));
        cmd.env("KOMBAT_CONFIG_DIR", dir.join("config"));
        cmd.env("TERM", "xterm-256color");
        // The command history is kept per player profile, the login name.
        cmd.env("USER", "ana");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("kombat starts");
        // Only kombat holds the terminal's other side: when it exits, the reader sees the end.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (Arc::clone(&screen), Arc::clone(&raw));
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen_in.lock().expect("screen").process(&buf[..n]);
                raw_in.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Session { screen, raw, reader, writer, child, master: pair.master }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Waits until the screen shows `text`; on timeout, fails with the screen as it is.
    fn wait_for(&self, text: &str) {
        poll_until(&format!("{text:?}"), || self.contents(), || self.contents().contains(text).then_some(()));
    }

    /// Waits until the screen shows one of `texts`; returns the one it showed.
    fn wait_for_any<'t>(&self, texts: &[&'t str]) -> &'t str {
        poll_until(
            &format!("any of {texts:?}"),
            || self.contents(),
            || {
                let screen = self.contents();
                texts.iter().find(|t| screen.contains(**t)).copied()
            },
        )
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys reach kombat");
        self.writer.flush().expect("flush");
    }

    /// Types a line at the prompt and sends it.
    fn line(&mut self, text: &str) {
        self.send(text);
        self.send(ENTER);
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let screen = Arc::clone(&self.screen);
        let child = &mut self.child;
        poll_until(
            "kombat to exit",
            || screen.lock().expect("screen").screen().contents(),
            || child.try_wait().expect("child status"),
        )
    }

    /// How often `needle` was written to the terminal, counted once kombat has exited and the
    /// reader has taken in everything it wrote.
    fn raw_count(&self, needle: &[u8]) -> usize {
        poll_until("the terminal's last bytes", || self.contents(), || self.reader.is_finished().then_some(()));
        let raw = self.raw.lock().expect("raw");
        raw.windows(needle.len()).filter(|w| *w == needle).count()
    }
}

#[test]
fn a_newcomer_wins_the_default_scenario_with_keys_and_reads_the_debrief() {
    let dir = temp_dir("win");
    let mut kombat = Session::start(&dir);
    kombat.wait_for("Solo practice");
    kombat.send(ENTER);
    // The picker opens on the tutorial, suggested to a newcomer; the default incident is next.
    kombat.wait_for("Friday afternoon release");
    kombat.send(DOWN);
    kombat.send(ENTER);
    // The game opens at the troubleshooter's console.
    kombat.wait_for("console");
    kombat.line("get pods -n shop");
    kombat.wait_for("ImagePullBackOff");
    kombat.line("describe pod -n shop -l app=web");
    kombat.wait_for("1.4.2x");
    // Over to the liaison: talk to the customer, then a status update from the quick messages.
    kombat.send(TAB);
    kombat.wait_for("to customer");
    kombat.line("Hi Dana, which image tag did you set?");
    kombat.wait_for("Hi Dana, which image tag");
    kombat.send(F4);
    kombat.wait_for("Status update: identified");
    kombat.send(DOWN);
    kombat.send(ENTER);
    kombat.wait_for("status update (identified)");
    kombat.send(CTRL_S);
    kombat.wait_for("page +0m00s");
    // Declare the root cause in the form: the object, the class (wrong image is the first), who.
    kombat.send(F2);
    kombat.wait_for("What broke");
    kombat.send("deployment/shop/web");
    kombat.wait_for("deployment/shop/web");
    kombat.send(TAB);
    kombat.wait_for("wrong image or tag");
    kombat.send(TAB);
    kombat.send("dana");
    kombat.send(ENTER);
    kombat.wait_for("declared deployment/shop/web");
    // Back to the console for the fix, then let the turns pass.
    kombat.send(TAB);
    kombat.wait_for("console");
    kombat.line("set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop");
    kombat.wait_for("image updated");
    // Each F5 ends a turn for both seats: wait for the next turn (or the end) before the next.
    for next in 2..8 {
        kombat.send(F5);
        if kombat.wait_for_any(&[&format!("turn {next}/15"), "Grade"]) == "Grade" {
            break;
        }
    }
    kombat.wait_for("Grade");
    // The debrief's buttons are the frame's last rows: a frame read half-drawn may lack them.
    kombat.wait_for("Play again");
    kombat.wait_for("postmortems");
    // Back to the menu, and quit.
    kombat.send("\x1b");
    kombat.wait_for("Solo practice");
    kombat.send("q");
    let status = kombat.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(kombat.raw_count(LEAVE_ALTERNATE), 1, "the terminal is restored exactly once");
    let postmortems = std::fs::read_dir(dir.join("data").join("postmortems")).expect("postmortems").count();
    assert_eq!(postmortems, 1);
    let kept = dir.join("data").join("history").join("ana");
    let history = std::fs::read_to_string(kept.join("first-deploy.txt")).expect("history");
    assert!(history.starts_with("get pods -n shop\n"), "{history}");
    // Only the player may read what they typed (ARCHITECTURE.md: the data directory is private).
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: PathBuf| std::fs::metadata(&p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(dir.join("data").join("history")), 0o700);
        assert_eq!(mode(kept.clone()), 0o700);
        assert_eq!(mode(kept.join("first-deploy.txt")), 0o600);
        assert_eq!(mode(dir.join("data").join("results.jsonl")), 0o600);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_gives_the_terminal_back_once() {
    let dir = temp_dir("sigterm");
    let mut kombat = Session::start(&dir);
    kombat.wait_for("Solo practice");
    let pid = kombat.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill runs");
    assert!(killed.success());
    kombat.wait_exit();
    assert_eq!(kombat.raw_count(LEAVE_ALTERNATE), 1, "the terminal is restored exactly once");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the terminal is in canonical (cooked) mode, as the pty's termios says; raw mode
/// clears ICANON. None where the pty cannot tell.
fn canonical(kombat: &Session) -> Option<bool> {
    let termios = kombat.master.get_termios()?;
    Some(format!("{:?}", termios.local_flags).contains("ICANON"))
}

/// A signal that ends a program, sent by `kill` while the title screen is up: the terminal comes
/// back whole, once, and kombat exits with 128 and the signal's number.
fn a_signal_gives_the_terminal_back(name: &str, number: u32) {
    let dir = temp_dir(&format!("signal-{name}"));
    let mut kombat = Session::start(&dir);
    kombat.wait_for("Solo practice");
    #[cfg(target_os = "linux")]
    assert!(canonical(&kombat).is_some(), "a Linux pty tells its termios");
    assert_ne!(canonical(&kombat), Some(true), "raw mode while kombat runs");
    let pid = kombat.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status();
    assert!(killed.expect("kill runs").success());
    let status = kombat.wait_exit();
    assert_eq!(status.exit_code(), 128 + number, "{status:?}");
    assert_eq!(kombat.raw_count(LEAVE_ALTERNATE), 1, "the terminal is restored exactly once");
    // The last bytes written restore everything entering turned on, in the order restoring uses.
    let mut restore = Vec::new();
    kombat::tui::terminal::write_restore(&mut restore).expect("writes");
    let raw = kombat.raw.lock().expect("raw").clone();
    assert!(
        raw.ends_with(&restore),
        "the output ends with {restore:?}; it ends with {:?}",
        &raw[raw.len().saturating_sub(64)..]
    );
    assert!(restore.windows(8).any(|w| w == b"\x1b[?1000l"), "mouse reports off: {restore:?}");
    assert!(restore.ends_with(b"\x1b[?25h"), "the cursor shown last: {restore:?}");
    assert_ne!(canonical(&kombat), Some(false), "raw mode is off after {name}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigint_gives_the_terminal_back_whole() {
    a_signal_gives_the_terminal_back("INT", 2);
}

#[test]
fn sigquit_gives_the_terminal_back_whole() {
    a_signal_gives_the_terminal_back("QUIT", 3);
}

#[test]
fn sighup_gives_the_terminal_back_whole() {
    a_signal_gives_the_terminal_back("HUP", 1);
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a screen has a size")
}
