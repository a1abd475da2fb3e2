//! `kombat loadtest`: many rooms of headless clients against one server on this machine, to see
//! whether hosting holds up. By default it starts `kombat host` as a child process with one room
//! per load room; or it loads a server already running (`--server` with `--codes-file`). Every
//! room is seated (game master, responders, customer, spectators), readied and started; then each
//! room acts `--rate` times a second for `--seconds`, rooms spread evenly across the second, and
//! each act is timed until the last view it caused reached its room's clients. The report gives
//! the latency percentiles, the server's CPU and peak memory, and what every room counted; any
//! protocol error or dropped client fails the run. `--ssh` loads the SSH front door instead
//! (`ssh`): SSH sessions playing the game screen, keystroke to frame timed.
//!
//! What is timed, exactly: from just before an `Act` is written until the last `Update { View }`
//! that any client of that room received before the room's next act (an act's views all arrive
//! long before the next act, one period later). Clients whose view the act did not change get
//! nothing and are not waited for.

mod host;
mod plan;
mod procfs;
mod report;
mod room;
mod ssh;
mod term;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::Instant;

pub use report::{Counts, Percentiles, Report, Setup, Target};
pub use ssh::{SshCounts, SshReport};

use self::host::ChildServer;
use self::room::{Go, Schedule};

/// Rooms being seated at once: enough to start quickly, few enough not to flood the listen queue.
const SEATING_AT_ONCE: usize = 32;
/// After the last act, how long its views are awaited.
const DRAIN: Duration = Duration::from_secs(1);
/// Errors listed one by one in the report; the rest are counted.
const ERRORS_LISTED: usize = 20;

/// When, and the CPU seconds the server (if it is a child) and this process had used by then.
type CpuMark = (Instant, Option<f64>, Option<f64>);

fn cpu_mark(server_pid: Option<u32>) -> CpuMark {
    (Instant::now(), server_pid.and_then(|p| procfs::cpu_seconds(Some(p))), procfs::cpu_seconds(None))
}

/// Keeps the first `ERRORS_LISTED` errors and says how many more there were.
fn cap_errors(errors: &mut Vec<String>) {
    if errors.len() > ERRORS_LISTED {
        let more = errors.len() - ERRORS_LISTED;
        errors.truncate(ERRORS_LISTED);
        errors.push(format!("… and {more} more"));
    }
}

/// The measured window's length in seconds, the server's and this process's CPU in cores over
/// it, and the load average at its end (none measured: the run was cancelled).
fn window_costs(window: Option<(CpuMark, CpuMark, Option<f64>)>) -> (f64, Option<f64>, Option<f64>, Option<f64>) {
    let per_core = |wall: f64, a: Option<f64>, b: Option<f64>| Some((b? - a?) / wall).filter(|_| wall > 0.0);
    match window {
        Some(((t0, server0, self0), (t1, server1, self1), load)) => {
            let wall = (t1 - t0).as_secs_f64();
            (wall, per_core(wall, server0, server1), per_core(wall, self0, self1), load)
        }
        None => (0.0, None, None, procfs::load_average()),
    }
}

/// `kombat loadtest`.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadtestOptions {
    /// How many rooms to load.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=10_000))]
    pub rooms: u16,
    /// Clients in each room: the game master, the liaison, troubleshooters, the customer, then spectators.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(1..=64))]
    pub clients_per_room: u8,
    /// How long to measure, in seconds (the default scenario's turn limit is reached after about 4 minutes).
    #[arg(long, default_value_t = 60.0)]
    pub seconds: f64,
    /// Acts per room and second.
    #[arg(long, default_value_t = 1.0)]
    pub rate: f64,
    /// The scenario of every room (a built-in id or a .ron file); for the child server only.
    #[arg(long, default_value = crate::scenario::DEFAULT_ID)]
    pub scenario: String,
    /// Load a server already running here instead of starting one (CPU and memory are then n/a).
    #[arg(long, requires = "codes_file")]
    pub server: Option<SocketAddr>,
    /// The join codes of that server's rooms: `kombat host`'s output, or one code a line.
    #[arg(long, requires = "server")]
    pub codes_file: Option<PathBuf>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Load the SSH front door instead (`kombat host --ssh`): `--sessions` russh clients with a
    /// pty, in rooms of `--sessions-per-room` (a game master and troubleshooters), typing
    /// console commands; keystroke to frame is timed.
    #[arg(long, conflicts_with_all = ["server", "codes_file"])]
    pub ssh: bool,
    /// SSH sessions (with --ssh).
    #[arg(long, default_value_t = 200, requires = "ssh", value_parser = clap::value_parser!(u16).range(1..=5000))]
    pub sessions: u16,
    /// SSH sessions in each room: the game master, then troubleshooters (with --ssh).
    #[arg(long, default_value_t = 4, requires = "ssh", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub sessions_per_room: u8,
    /// Keystrokes each SSH session types a second (with --ssh).
    #[arg(long, default_value_t = 5.0, requires = "ssh")]
    pub keys_per_second: f64,
}

/// What the run measured, before the server is stopped.
struct Measured {
    setup_seconds: f64,
    window_seconds: f64,
    counts: Counts,
    act_to_views: Percentiles,
    act_to_done: Percentiles,
    server_cpu_cores: Option<f64>,
    client_cpu_cores: Option<f64>,
    load_after: Option<f64>,
    notice: Option<String>,
    errors: Vec<String>,
}

/// `kombat loadtest`.
pub fn run(options: &LoadtestOptions) -> anyhow::Result<ExitCode> {
    if !(options.seconds > 0.0 && options.seconds <= 3600.0) {
        anyhow::bail!("--seconds must be more than 0 and at most 3600");
    }
    if !(options.rate > 0.0 && options.rate <= 100.0) {
        anyhow::bail!("--rate must be more than 0 and at most 100 acts per room and second");
    }
    if options.ssh {
        return run_ssh(options);
    }
    let clients = usize::from(options.clients_per_room);
    let wanted_rooms = usize::from(options.rooms);
    let fd = procfs::raise_fd_limit(2 * (wanted_rooms * clients) as u64 + 64);
    let load_before = procfs::load_average();
    let (child, addr, codes, server_label) = if let (Some(addr), Some(file)) = (&options.server, &options.codes_file) {
        // A list of join codes: a megabyte holds far more than any server's rooms.
        let text = crate::room::files::read_bounded(file, 1024 * 1024, "a list of join codes is a small text file")
            .with_context(|| format!("cannot read {}", file.display()))?;
        let codes = host::parse_codes(&text);
        if codes.is_empty() {
            anyhow::bail!("{} holds no join codes", file.display());
        }
        (None, *addr, codes, addr.to_string())
    } else {
        let child = ChildServer::spawn(options.rooms, &options.scenario, false)?;
        let (addr, codes) = (child.addr, child.codes.clone());
        (Some(child), addr, codes, format!("child kombat host on {addr}"))
    };
    let codes: Vec<String> = codes.into_iter().take(wanted_rooms).collect();
    let server_pid = child.as_ref().map(ChildServer::pid);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let measured = runtime.block_on(drive(addr, &codes, clients, options, server_pid));
    let server_peak_rss_mib = server_pid.and_then(procfs::peak_rss).map(|b| b as f64 / 1_048_576.0);
    drop(child);
    drop(runtime);
    let mut report = Report {
        setup: Setup {
            rooms: codes.len(),
            clients_per_room: clients,
            seconds: options.seconds,
            rate: options.rate,
            scenario: if options.server.is_some() { "(the server's)".to_owned() } else { options.scenario.clone() },
            server: server_label,
            cores: std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
            fd_limit: fd.soft,
            fd_enough: fd.enough,
        },
        setup_seconds: measured.setup_seconds,
        window_seconds: measured.window_seconds,
        counts: measured.counts,
        act_to_views: measured.act_to_views,
        act_to_done: measured.act_to_done,
        server_cpu_cores: measured.server_cpu_cores,
        server_peak_rss_mib,
        client_cpu_cores: measured.client_cpu_cores,
        load_before,
        load_after: measured.load_after,
        notice: measured.notice,
        targets: Vec::new(),
        errors: measured.errors,
    };
    report.judge();
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    Ok(if report.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `kombat loadtest --ssh`: a child `kombat host --ssh`, and SSH sessions typing on it.
fn run_ssh(options: &LoadtestOptions) -> anyhow::Result<ExitCode> {
    if !(options.keys_per_second > 0.0 && options.keys_per_second <= 50.0) {
        anyhow::bail!("--keys-per-second must be more than 0 and at most 50");
    }
    let load = ssh::SshLoad {
        sessions: usize::from(options.sessions),
        per_room: usize::from(options.sessions_per_room),
        seconds: options.seconds,
        keys_per_second: options.keys_per_second,
        scenario: options.scenario.clone(),
    };
    let rooms = ssh::rooms_for(load.sessions, load.per_room);
    // Each session is an SSH connection and, inside the host, a game connection: both ends of
    // each are on this machine.
    let fd = procfs::raise_fd_limit(4 * load.sessions as u64 + 64);
    let load_before = procfs::load_average();
    let child = ChildServer::spawn(u16::try_from(rooms).unwrap_or(u16::MAX), &load.scenario, true)?;
    let ssh_addr = child.ssh.context("the child host has no SSH front door")?;
    let server = format!("child kombat host --ssh on {ssh_addr}");
    let pid = child.pid();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let measured = runtime.block_on(ssh::drive(ssh_addr, &child.codes, &load, Some(pid)));
    let server_peak_rss_mib = procfs::peak_rss(pid).map(|b| b as f64 / 1_048_576.0);
    drop(child);
    drop(runtime);
    let mut report = SshReport {
        sessions: load.sessions,
        rooms,
        sessions_per_room: load.per_room,
        seconds: load.seconds,
        keys_per_second: load.keys_per_second,
        scenario: load.scenario,
        server,
        cores: std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        fd_limit: fd.soft,
        setup_seconds: measured.setup_seconds,
        window_seconds: measured.window_seconds,
        counts: measured.counts,
        key_to_frame: measured.key_to_frame,
        enter_to_frame: measured.enter_to_frame,
        server_cpu_cores: measured.server_cpu_cores,
        server_peak_rss_mib,
        client_cpu_cores: measured.client_cpu_cores,
        load_before,
        load_after: measured.load_after,
        targets: Vec::new(),
        errors: measured.errors,
    };
    report.judge();
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    Ok(if report.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Seats and starts every room, runs the schedule, and gathers what the rooms measured.
async fn drive(
    addr: SocketAddr,
    codes: &[String],
    clients: usize,
    options: &LoadtestOptions,
    server_pid: Option<u32>,
) -> Measured {
    let started = Instant::now();
    let seating = Arc::new(Semaphore::new(SEATING_AT_ONCE));
    let (ready_tx, mut ready) = mpsc::unbounded_channel();
    let (go_tx, go_rx) = watch::channel(Go::Wait);
    let tasks: Vec<_> = codes
        .iter()
        .enumerate()
        .map(|(index, code)| {
            let target = room::Target { addr, code: code.clone(), index, rooms: codes.len(), clients };
            tokio::spawn(room::run(target, Arc::clone(&seating), ready_tx.clone(), go_rx.clone()))
        })
        .collect();
    drop(ready_tx);
    let (mut seated, mut failed) = (0, 0);
    while seated + failed < codes.len() {
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
        let end = go + Duration::from_secs_f64(options.seconds);
        let period = Duration::from_secs_f64(1.0 / options.rate);
        let _ = go_tx.send(Go::Run(Schedule { go, period, end, drain: DRAIN }));
        tokio::time::sleep_until(go).await;
        let before = cpu_mark(server_pid);
        tokio::time::sleep_until(end).await;
        let after = cpu_mark(server_pid);
        window = Some((before, after, procfs::load_average()));
    }
    let mut counts = Counts::default();
    let (mut views, mut done) = (report::histogram(), report::histogram());
    let mut errors = Vec::new();
    let mut notice = None;
    for task in tasks {
        match task.await {
            Ok(outcome) => {
                counts.add(&outcome.counts);
                for us in outcome.views_us {
                    views.saturating_record(us);
                }
                for us in outcome.done_us {
                    done.saturating_record(us);
                }
                errors.extend(outcome.error);
                notice = notice.or(outcome.notice);
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
        act_to_views: Percentiles::of(&views),
        act_to_done: Percentiles::of(&done),
        server_cpu_cores,
        client_cpu_cores,
        load_after,
        notice,
        errors,
    }
}
