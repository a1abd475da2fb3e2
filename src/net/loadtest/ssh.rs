//! `kombat loadtest --ssh`: the SSH front door under load. A child `kombat host --ssh` serves
//! the rooms; each load session is a russh client with a pty, playing as a person with an ssh
//! client would: it lands on the join form (the SSH user name is the room's code), types a name,
//! picks a role and presses Enter. In each room the game master joins first (the room's creator
//! may take that seat), then the troubleshooters; the game master starts the game once the lobby
//! shows them all. Then, for the measured window,
//! every session types console commands a key at a time (`--keys-per-second`, sessions spread
//! evenly across each interval): the game master presses Enter on each command (its commands cost
//! nothing, so the game goes on), the troubleshooters erase theirs with Backspace.
//!
//! What is timed, exactly: from just before a keystroke is written to the channel until the
//! session's screen (what the bytes received so far draw, `term::Term`) shows the prompt with the
//! text that keystroke made; for Enter, until the prompt is empty again. A keystroke whose frame
//! does not come within [`ECHO_PATIENCE`] is an error, as is any session the host closes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use russh::{ChannelMsg, client};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::{Instant, sleep_until, timeout_at};

use super::report::{Costs, Percentiles, Target, closing_rows, histogram, or_na};
use super::term::Term;
use super::{cap_errors, cpu_mark, procfs, window_costs};

/// The pty every load session asks for.
const COLS: u16 = 100;
const ROWS: u16 = 30;
/// How long seating a session (connect, join form, lobby) may take.
const SEATING: Duration = Duration::from_secs(60);
/// How long the game may take to start once the game master asks.
const STARTING: Duration = Duration::from_secs(60);
/// A keystroke not drawn in this long is broken, not slow.
pub const ECHO_PATIENCE: Duration = Duration::from_secs(10);
/// Sessions connecting at once.
const CONNECTING_AT_ONCE: usize = 16;
/// What the sessions type, in rotation (read commands every scenario's cluster answers).
const LINES: [&str; 3] = ["kubectl get pods", "kubectl get nodes", "kubectl get svc"];

/// Keys as a terminal sends them.
const DOWN: &[u8] = b"\x1b[B";
const LEFT: &[u8] = b"\x1b[D";
const RIGHT: &[u8] = b"\x1b[C";
const ENTER: &[u8] = b"\r";
const BACKSPACE: &[u8] = b"\x7f";
const F5_READY: &[u8] = b"\x1b[15~";
const F6_START: &[u8] = b"\x1b[17~";

/// The target of the issue for keystroke to frame, on the project's 2-core machine.
pub const TARGET_P99_MS: f64 = 10.0;

/// What the run is asked to do.
#[derive(Clone, Debug)]
pub struct SshLoad {
    pub sessions: usize,
    pub per_room: usize,
    pub seconds: f64,
    pub keys_per_second: f64,
    pub scenario: String,
}

/// What one session counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SshCounts {
    /// Keystrokes sent in the measured window (Enter and Backspace included).
    pub keys: u64,
    /// Keystrokes whose frame came.
    pub drawn: u64,
    /// Commands the game master sessions ran (Enter).
    pub commands: u64,
    /// Bytes of screen received in the window.
    pub bytes: u64,
    /// Sessions the host closed.
    pub disconnects: u64,
}

impl SshCounts {
    fn add(&mut self, other: &SshCounts) {
        self.keys += other.keys;
        self.drawn += other.drawn;
        self.commands += other.commands;
        self.bytes += other.bytes;
        self.disconnects += other.disconnects;
    }
}

/// Everything an SSH load run measured, for the table and `--json`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SshReport {
    pub sessions: usize,
    pub rooms: usize,
    pub sessions_per_room: usize,
    pub seconds: f64,
    pub keys_per_second: f64,
    pub scenario: String,
    pub server: String,
    pub cores: usize,
    pub fd_limit: Option<u64>,
    /// Seconds to connect every session, seat it and start every room.
    pub setup_seconds: f64,
    pub window_seconds: f64,
    pub counts: SshCounts,
    /// A typed character (or Backspace) until the frame showing it.
    pub key_to_frame: Percentiles,
    /// Enter until the frame with the prompt emptied (the command sent).
    pub enter_to_frame: Percentiles,
    pub server_cpu_cores: Option<f64>,
    pub server_peak_rss_mib: Option<f64>,
    pub client_cpu_cores: Option<f64>,
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    pub targets: Vec<Target>,
    pub errors: Vec<String>,
}

impl SshReport {
    pub fn judge(&mut self) {
        let p99 = (self.key_to_frame.count > 0).then_some(self.key_to_frame.p99_ms);
        self.targets = vec![
            Target::new("p99 keystroke to frame", TARGET_P99_MS, "ms", p99),
            Target::new("server CPU", super::report::TARGET_SERVER_CORES, "cores", self.server_cpu_cores),
            Target::new("server peak RSS", super::report::TARGET_RSS_MIB, "MiB", self.server_peak_rss_mib),
        ];
    }

    /// Failed: errors, dropped sessions, or no keystroke drawn at all. Latency never fails it.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.counts.disconnects > 0 || self.counts.drawn == 0
    }

    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let mut row = |label: &str, value: String| {
            let _ = writeln!(out, "{label:<28} {value}");
        };
        row(
            "run",
            format!(
                "{} SSH sessions in {} rooms of {}, {:.0} s at {} keys/s per session, scenario {}, server {}",
                self.sessions,
                self.rooms,
                self.sessions_per_room,
                self.seconds,
                self.keys_per_second,
                self.scenario,
                self.server
            ),
        );
        row(
            "machine",
            format!(
                "{} cores, load {} before, {} after; open files {}",
                self.cores,
                or_na(self.load_before, 2),
                or_na(self.load_after, 2),
                self.fd_limit.map_or_else(|| "n/a".to_owned(), |l| l.to_string())
            ),
        );
        row("setup", format!("{:.1} s to connect, seat and start every session", self.setup_seconds));
        let c = &self.counts;
        row(
            "keys",
            format!(
                "{} sent, {} drawn, {} commands run, {:.1} MiB of screen received",
                c.keys,
                c.drawn,
                c.commands,
                c.bytes as f64 / 1_048_576.0
            ),
        );
        row("disconnects", c.disconnects.to_string());
        let latencies = [("keystroke → frame (ms)", &self.key_to_frame), ("Enter → frame (ms)", &self.enter_to_frame)];
        let costs = Costs {
            server_cpu_cores: self.server_cpu_cores,
            server_peak_rss_mib: self.server_peak_rss_mib,
            client_cpu_cores: self.client_cpu_cores,
        };
        closing_rows(&mut row, &latencies, &costs, &self.targets, &self.errors, self.failed());
        out
    }
}

/// The rooms a run needs: `per_room` sessions each, the last room taking what is left.
pub fn rooms_for(sessions: usize, per_room: usize) -> usize {
    sessions.div_ceil(per_room.max(1))
}

/// When the sessions type: from `go` (each at its own offset) until `end`.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    go: Instant,
    end: Instant,
    interval: Duration,
}

#[derive(Clone, Copy, Debug)]
enum Go {
    Wait,
    Run(Window),
    Cancel,
}

/// What a session measured.
#[derive(Default)]
struct Outcome {
    counts: SshCounts,
    key_us: Vec<u64>,
    enter_us: Vec<u64>,
    error: Option<String>,
}

/// Accepts whatever host key the child server shows: it was started by this run, on loopback.
struct TrustTheChild;

impl client::Handler for TrustTheChild {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _key: &russh::keys::PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// One load session: its channel and what its screen shows.
struct Session {
    _handle: client::Handle<TrustTheChild>,
    channel: russh::Channel<client::Msg>,
    term: Term,
    /// Bytes received since counting began (none before the window).
    bytes: u64,
    counting: bool,
    name: String,
}

impl Session {
    async fn open(ssh: SocketAddr, code: &str, name: &str) -> Result<Session, String> {
        let config = Arc::new(client::Config { nodelay: true, ..client::Config::default() });
        let mut handle =
            client::connect(config, ssh, TrustTheChild).await.map_err(|e| format!("{name}: cannot connect: {e}"))?;
        // The join code is the gate: any password gets in.
        let auth = handle.authenticate_password(code, "").await.map_err(|e| format!("{name}: auth: {e}"))?;
        if !auth.success() {
            return Err(format!("{name}: the host refused the login"));
        }
        let channel = handle.channel_open_session().await.map_err(|e| format!("{name}: no session: {e}"))?;
        channel
            .request_pty(true, "xterm-256color", u32::from(COLS), u32::from(ROWS), 0, 0, &[])
            .await
            .map_err(|e| format!("{name}: pty: {e}"))?;
        channel.request_shell(true).await.map_err(|e| format!("{name}: shell: {e}"))?;
        Ok(Session {
            _handle: handle,
            channel,
            term: Term::new(COLS, ROWS),
            bytes: 0,
            counting: false,
            name: name.to_owned(),
        })
    }

    async fn key(&mut self, bytes: &'static [u8]) -> Result<(), String> {
        self.channel.data_bytes(bytes).await.map_err(|e| format!("{}: cannot type: {e}", self.name))
    }

    async fn keys(&mut self, keys: &[&'static [u8]]) -> Result<(), String> {
        for key in keys {
            self.key(key).await?;
        }
        Ok(())
    }

    /// Reads what the host sends until the screen satisfies `shown`, or `deadline`.
    async fn until(&mut self, what: &str, deadline: Instant, shown: impl Fn(&Term) -> bool) -> Result<(), String> {
        while !shown(&self.term) {
            match timeout_at(deadline, self.channel.wait()).await {
                Err(_) => {
                    return Err(format!(
                        "{}: no {what} in time; the cursor's row: {:?}",
                        self.name,
                        self.term.cursor_row().trim_end()
                    ));
                }
                Ok(None) => return Err(format!("{}: the host closed the session waiting for {what}", self.name)),
                Ok(Some(ChannelMsg::Data { data })) => {
                    if self.counting {
                        self.bytes += data.len() as u64;
                    }
                    self.term.feed(&data);
                }
                Ok(Some(ChannelMsg::ExitStatus { exit_status })) => {
                    return Err(format!("{}: the screen ended (status {exit_status}) waiting for {what}", self.name));
                }
                Ok(Some(ChannelMsg::Eof | ChannelMsg::Close)) => {
                    return Err(format!("{}: the host closed the session waiting for {what}", self.name));
                }
                Ok(Some(_)) => {}
            }
        }
        Ok(())
    }

    /// Fills in the join form (the code is in already: the user name was the code).
    async fn join(&mut self, code: &str, role_keys: &[&'static [u8]]) -> Result<(), String> {
        let deadline = Instant::now() + SEATING;
        self.until("join form", deadline, |t| t.shows(code)).await?;
        for c in self.name.clone().bytes() {
            self.channel.data_bytes(vec![c]).await.map_err(|e| format!("{}: cannot type: {e}", self.name))?;
        }
        self.key(DOWN).await?;
        self.keys(role_keys).await?;
        self.key(ENTER).await?;
        let me = format!("{} (you)", self.name);
        self.until("lobby", deadline, |t| t.shows(&me)).await?;
        self.key(F5_READY).await
    }
}

/// Connects, seats and starts one room, then types on the window. `ready` hears once.
async fn room(
    ssh: SocketAddr,
    code: String,
    first: usize,
    size: usize,
    connecting: Arc<Semaphore>,
    ready: mpsc::UnboundedSender<Result<(), String>>,
    go: watch::Receiver<Go>,
) -> Vec<Outcome> {
    let seated = seat_room(ssh, &code, first, size, &connecting).await;
    let sessions = match seated {
        Ok(sessions) => sessions,
        Err(e) => {
            let _ = ready.send(Err(e.clone()));
            return vec![Outcome { error: Some(e), ..Outcome::default() }];
        }
    };
    let _ = ready.send(Ok(()));
    let tasks: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(i, (index, session))| tokio::spawn(type_on(session, i == 0, index, go.clone())))
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap_or_else(|e| Outcome {
            error: Some(format!("a session's task failed: {e}")),
            ..Outcome::default()
        }));
    }
    outcomes
}

/// The game master joins first (the room's creator may take that seat), then the
/// troubleshooters; the game master starts the game once its lobby shows them all, and every
/// session waits for its console. The game master is first in the list returned, each with its
/// session number.
async fn seat_room(
    ssh: SocketAddr,
    code: &str,
    first: usize,
    size: usize,
    connecting: &Semaphore,
) -> Result<Vec<(usize, Session)>, String> {
    let permit = connecting.acquire().await.map_err(|e| e.to_string())?;
    let mut gm = Session::open(ssh, code, "gm").await?;
    drop(permit);
    // Left once from "any" (round to the end): game master.
    gm.join(code, &[LEFT]).await?;
    let mut sessions = vec![(first, gm)];
    for i in 1..size {
        let permit = connecting.acquire().await.map_err(|e| e.to_string())?;
        let mut session = Session::open(ssh, code, &format!("t{i}")).await?;
        drop(permit);
        // Right twice from "any": troubleshooter.
        session.join(code, &[RIGHT, RIGHT]).await?;
        sessions.push((first + i, session));
    }
    let names: Vec<String> = sessions.iter().skip(1).map(|(_, s)| format!("{} ", s.name)).collect();
    let gm = &mut sessions[0].1;
    gm.until("every troubleshooter in the lobby", Instant::now() + SEATING, |t| names.iter().all(|n| t.shows(n)))
        .await?;
    gm.key(F6_START).await?;
    let deadline = Instant::now() + STARTING;
    for (_, session) in &mut sessions {
        session.until("console", deadline, |t| t.shows("console $")).await?;
    }
    Ok(sessions)
}

/// Types on the window: a command a key at a time; the game master runs it, a troubleshooter
/// erases it. Every keystroke is timed until its frame.
async fn type_on(mut session: Session, runs_commands: bool, index: usize, mut go: watch::Receiver<Go>) -> Outcome {
    let mut outcome = Outcome::default();
    let window = loop {
        match *go.borrow_and_update() {
            Go::Run(window) => break window,
            Go::Cancel => return outcome,
            Go::Wait => {}
        }
        if go.changed().await.is_err() {
            return outcome;
        }
    };
    session.counting = true;
    let result = typing(&mut session, runs_commands, index, window, &mut outcome).await;
    outcome.counts.bytes = session.bytes;
    if let Err(e) = result {
        if e.contains("closed") || e.contains("ended") {
            outcome.counts.disconnects += 1;
        }
        outcome.error = Some(e);
    }
    outcome
}

async fn typing(
    session: &mut Session,
    runs_commands: bool,
    index: usize,
    window: Window,
    outcome: &mut Outcome,
) -> Result<(), String> {
    // Sessions spread evenly across one interval, so the keys do not all land at once.
    let offset = window.interval.mul_f64((index as f64 * 0.618_034).fract());
    let mut next = window.go + offset;
    let mut line_no = index;
    'lines: loop {
        let line = LINES[line_no % LINES.len()];
        line_no += 1;
        let mut typed = String::new();
        for c in line.chars() {
            if !wait_for_turn(&mut next, window).await {
                break 'lines;
            }
            typed.push(c);
            let key = &line[typed.len() - c.len_utf8()..typed.len()];
            let sent = Instant::now();
            session
                .channel
                .data_bytes(key.as_bytes().to_vec())
                .await
                .map_err(|e| format!("{}: cannot type: {e}", session.name))?;
            outcome.counts.keys += 1;
            session.until("frame for a typed key", sent + ECHO_PATIENCE, |t| t.prompt_is("$ ", &typed)).await?;
            outcome.counts.drawn += 1;
            outcome.key_us.push(micros(sent.elapsed()));
        }
        if runs_commands {
            if !wait_for_turn(&mut next, window).await {
                break;
            }
            let sent = Instant::now();
            session.key(ENTER).await?;
            outcome.counts.keys += 1;
            outcome.counts.commands += 1;
            session
                .until("frame with the prompt emptied after Enter", sent + ECHO_PATIENCE, |t| t.prompt_is("$ ", ""))
                .await?;
            outcome.counts.drawn += 1;
            outcome.enter_us.push(micros(sent.elapsed()));
        } else {
            while !typed.is_empty() {
                if !wait_for_turn(&mut next, window).await {
                    break 'lines;
                }
                typed.pop();
                let sent = Instant::now();
                session.key(BACKSPACE).await?;
                outcome.counts.keys += 1;
                session.until("frame for a Backspace", sent + ECHO_PATIENCE, |t| t.prompt_is("$ ", &typed)).await?;
                outcome.counts.drawn += 1;
                outcome.key_us.push(micros(sent.elapsed()));
            }
        }
    }
    Ok(())
}

/// Sleeps until the next keystroke is due; false once the window is over. A session that fell
/// behind types its next key at once rather than catching up with a burst.
async fn wait_for_turn(next: &mut Instant, window: Window) -> bool {
    let now = Instant::now();
    if *next < now {
        *next = now;
    }
    if *next >= window.end {
        return false;
    }
    sleep_until(*next).await;
    *next += window.interval;
    true
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// What the run measured.
pub struct Measured {
    pub setup_seconds: f64,
    pub window_seconds: f64,
    pub counts: SshCounts,
    pub key_to_frame: Percentiles,
    pub enter_to_frame: Percentiles,
    pub server_cpu_cores: Option<f64>,
    pub client_cpu_cores: Option<f64>,
    pub load_after: Option<f64>,
    pub errors: Vec<String>,
}

/// Seats every room's sessions, runs the window, and gathers what the sessions measured.
pub async fn drive(ssh: SocketAddr, codes: &[String], load: &SshLoad, server_pid: Option<u32>) -> Measured {
    let started = Instant::now();
    let connecting = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let (ready_tx, mut ready) = mpsc::unbounded_channel();
    let (go_tx, go_rx) = watch::channel(Go::Wait);
    let per_room = load.per_room.max(1);
    let mut tasks = Vec::new();
    let mut first = 0;
    for code in codes {
        let size = per_room.min(load.sessions - first);
        if size == 0 {
            break;
        }
        tasks.push(tokio::spawn(room(
            ssh,
            code.clone(),
            first,
            size,
            Arc::clone(&connecting),
            ready_tx.clone(),
            go_rx.clone(),
        )));
        first += size;
    }
    drop(ready_tx);
    let (mut seated, mut failed) = (0, 0);
    while seated + failed < tasks.len() {
        match ready.recv().await {
            Some(Ok(())) => seated += 1,
            Some(Err(_)) => failed += 1,
            None => break,
        }
    }
    let setup_seconds = started.elapsed().as_secs_f64();
    let mut window = None;
    if failed > 0 {
        let _ = go_tx.send(Go::Cancel);
    } else {
        let go = Instant::now() + Duration::from_millis(200);
        let end = go + Duration::from_secs_f64(load.seconds);
        let interval = Duration::from_secs_f64(1.0 / load.keys_per_second);
        let _ = go_tx.send(Go::Run(Window { go, end, interval }));
        sleep_until(go).await;
        let before = cpu_mark(server_pid);
        sleep_until(end).await;
        let after = cpu_mark(server_pid);
        window = Some((before, after, procfs::load_average()));
    }
    let mut counts = SshCounts::default();
    let (mut keys, mut enters) = (histogram(), histogram());
    let mut errors = Vec::new();
    for task in tasks {
        match task.await {
            Ok(outcomes) => {
                for outcome in outcomes {
                    counts.add(&outcome.counts);
                    outcome.key_us.iter().for_each(|us| keys.saturating_record(*us));
                    outcome.enter_us.iter().for_each(|us| enters.saturating_record(*us));
                    errors.extend(outcome.error);
                }
            }
            Err(e) => errors.push(format!("a room's task failed: {e}")),
        }
    }
    cap_errors(&mut errors);
    let (window_seconds, server_cpu_cores, client_cpu_cores, load_after) = window_costs(window);
    Measured {
        setup_seconds,
        window_seconds,
        counts,
        key_to_frame: Percentiles::of(&keys),
        enter_to_frame: Percentiles::of(&enters),
        server_cpu_cores,
        client_cpu_cores,
        load_after,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_fill_rooms_of_the_size_asked() {
        assert_eq!(rooms_for(200, 4), 50);
        assert_eq!(rooms_for(201, 4), 51);
        assert_eq!(rooms_for(3, 4), 1);
        assert_eq!(rooms_for(5, 0), 5, "a zero room size is taken as one");
    }

    #[test]
    fn the_report_fails_on_drops_and_errors_not_on_latency() {
        let mut slow = histogram();
        slow.saturating_record(50_000);
        let mut report = SshReport {
            sessions: 4,
            rooms: 1,
            sessions_per_room: 4,
            seconds: 2.0,
            keys_per_second: 5.0,
            scenario: "first-deploy".into(),
            server: "child".into(),
            cores: 2,
            fd_limit: Some(1024),
            setup_seconds: 1.0,
            window_seconds: 2.0,
            counts: SshCounts { keys: 40, drawn: 40, ..SshCounts::default() },
            key_to_frame: Percentiles::of(&slow),
            enter_to_frame: Percentiles::default(),
            server_cpu_cores: None,
            server_peak_rss_mib: None,
            client_cpu_cores: None,
            load_before: None,
            load_after: None,
            targets: Vec::new(),
            errors: Vec::new(),
        };
        report.judge();
        assert_eq!(report.targets[0].met, Some(false), "50 ms misses the target");
        assert!(!report.failed(), "a missed latency target does not fail the run");
        assert!(report.table().contains("(MISSED)"));
        report.counts.disconnects = 1;
        assert!(report.failed());
        report.counts.disconnects = 0;
        report.errors.push("t1: no a typed key drawn in time".into());
        assert!(report.failed());
        assert!(report.table().contains("ERROR"));
    }
}
