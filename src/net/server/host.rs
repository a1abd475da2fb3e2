//! `kombat host`: a server for a game night on this machine. It resumes the rooms an earlier
//! `kombat host` left in the data directory (or opens `--rooms` new ones), prints the line each
//! player joins with, and then reads a few operator commands on stdin while it serves (`new`
//! opens another room, `rooms` lists them, `quit` stops) until SIGTERM, ctrl-c or `quit`.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::{Limits, NewRoom, Resumption, Rooms, Server, ServerConfig};
use crate::game::Difficulty;
use crate::game::text::sanitize;
use crate::net::lan;

/// `kombat host`.
#[derive(clap::Args, Debug, Clone)]
pub struct HostOptions {
    /// Where to listen. Loopback unless --public is given too.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// The scenario of the first room (a built-in id or a .ron file).
    #[arg(long, default_value = crate::scenario::DEFAULT_ID)]
    pub scenario: String,
    /// End every turn after this many seconds.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(5..=3600))]
    pub turn_timer: Option<u64>,
    /// Allow binding an address other than loopback (players on other machines).
    #[arg(long)]
    pub public: bool,
    /// How many rooms to open at start, each with its own join code (type `new` while it runs
    /// for more). When rooms from before a restart are resumed (kept in the data directory's
    /// rooms/), they replace these: no new room is opened.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=10_000))]
    pub rooms: u16,
    /// Connections one address may hold open at once, and open per 10 seconds (one machine,
    /// or one network behind one router, must not take every place). Raise it for a load test
    /// run from one machine.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub per_address: u32,
    /// How much help the teams get in the rooms opened here: easy (hints, multiple-choice root
    /// causes, a patient customer), normal, or hard (no hints, an action point fewer, an
    /// impatient customer).
    #[arg(long, value_name = "LEVEL", default_value_t = Difficulty::Normal)]
    pub difficulty: Difficulty,
    /// Also serve the game screen over SSH, so players join with only an ssh client
    /// (`ssh -p 2222 CODE@HOST`); the address defaults to 127.0.0.1:2222, loopback unless
    /// --public is given too. The host key is made once and kept in the data directory.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:2222")]
    pub ssh: Option<SocketAddr>,
}

/// Stops a front door; completes when its players were told.
pub type StopDoor = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// A front door that `kombat host` serves beside the game server (the SSH one is `cli::ssh`):
/// started with the game server's address once it listens.
pub type FrontDoor =
    Box<dyn FnOnce(SocketAddr) -> Pin<Box<dyn Future<Output = anyhow::Result<DoorHandle>> + Send>> + Send>;

/// A started front door: what to print about it, and how to stop it.
pub struct DoorHandle {
    pub lines: Vec<String>,
    pub stop: StopDoor,
}

/// Whether `kombat host` may bind `addr`: loopback always, anything else only with `--public`.
pub fn check_bind(addr: SocketAddr, public: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || public {
        Ok(())
    } else {
        Err(format!(
            "{addr} is reachable from other machines, and the game has no passwords or encryption; \
             add --public to host there anyway (on a network you trust), or bind 127.0.0.1"
        ))
    }
}

/// `kombat host`: the rooms an earlier `kombat host` left in the data directory, else `--rooms`
/// new rooms for `--scenario`; then serve until SIGTERM, ctrl-c or `quit` on stdin.
pub fn host(options: HostOptions) -> anyhow::Result<ExitCode> {
    host_with(options, None)
}

/// `kombat host` with a front door served beside the game server and stopped with it.
pub fn host_with(options: HostOptions, door: Option<FrontDoor>) -> anyhow::Result<ExitCode> {
    let HostOptions { bind, scenario, turn_timer, public, rooms, per_address, difficulty, ssh: _ } = options;
    check_bind(bind, public).map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let config = ServerConfig {
            data_dir: crate::room::files::data_dir(),
            turn_timer: turn_timer.map(Duration::from_secs),
            limits: Limits {
                per_address: usize::try_from(per_address).unwrap_or(usize::MAX),
                connects: super::Rate { burst: per_address, ..Limits::default().connects },
                ..Limits::default()
            },
            difficulty,
        };
        let mut server =
            Server::bind(bind, config).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let bound = server.local_addr()?;
        let shown = lan::shareable(bound);
        println!("kombat host: listening on {bound}");
        if bound.ip().is_unspecified() {
            println!("kombat host: players on your network join at {shown}");
        }
        let door = match door {
            Some(start) => {
                let handle = start(lan::local(bound)).await?;
                for line in &handle.lines {
                    println!("{line}");
                }
                Some(handle.stop)
            }
            None => None,
        };
        let outcomes = server.resume_rooms().await.unwrap_or_else(|e| {
            tracing::warn!("rooms are not kept across restarts: {e:#}");
            println!("kombat host: rooms are not kept across restarts: {}", sanitize(&format!("{e:#}")));
            Vec::new()
        });
        let mut opened = Vec::new();
        for outcome in outcomes {
            match outcome {
                Resumption::Resumed(room) => {
                    println!("{}", room_line(&room, &shown, true));
                    opened.push(room);
                }
                Resumption::NotResumed { code, why } => {
                    println!("room {} not resumed: {}", sanitize(&code), sanitize(&why));
                }
            }
        }
        let fresh = if opened.is_empty() { rooms } else { 0 };
        for _ in 0..fresh {
            let room = server.rooms().create(&scenario).await?;
            println!("{}", room_line(&room, &shown, false));
            opened.push(room);
        }
        println!("kombat host: type `new [SCENARIO]` for another room, `rooms` to list them, `quit` to stop");
        tracing::info!(%bound, "hosting");
        let (quit, quitting) = oneshot::channel();
        let operator = Operator { rooms: server.rooms(), shown, scenario, opened, quit: Some(quit) };
        let console = tokio::spawn(operator.run(crate::net::stdin::lines()));
        server
            .run(async {
                tokio::select! {
                    () = signals() => {}
                    // Stdin ending (a host run in the background) drops the sender: not a `quit`.
                    Ok(()) = quitting => {}
                }
            })
            .await;
        console.abort();
        if let Some(stop) = door {
            stop().await;
        }
        println!("kombat host: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// The line that tells players how to join a room.
fn room_line(room: &NewRoom, shown: &str, resumed: bool) -> String {
    let (code, title) = (&room.code, sanitize(&room.title));
    let resumed = if resumed { " — resumed" } else { "" };
    format!("room {code}: {title}{resumed} — join with: kombat join {shown} --code {code}")
}

/// What the person running `kombat host` can type while it serves.
struct Operator {
    rooms: Rooms,
    /// The address players join at.
    shown: String,
    /// The scenario `new` opens when none is named.
    scenario: String,
    opened: Vec<NewRoom>,
    quit: Option<oneshot::Sender<()>>,
}

impl Operator {
    /// Answers each line on stdin; stops reading at its end (the server goes on).
    async fn run(mut self, mut lines: mpsc::Receiver<String>) {
        while let Some(line) = lines.recv().await {
            let answer = self.answer(&line).await;
            if !answer.is_empty() {
                println!("{answer}");
            }
            if self.quit.is_none() {
                return;
            }
        }
    }

    async fn answer(&mut self, line: &str) -> String {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (None, ..) => String::new(),
            (Some("new"), scenario, None) => {
                let scenario = scenario.map_or_else(|| self.scenario.clone(), str::to_owned);
                match self.rooms.create(&scenario).await {
                    Ok(room) => {
                        let said = room_line(&room, &self.shown, false);
                        self.opened.push(room);
                        said
                    }
                    Err(e) => {
                        format!("cannot open a room for {}: {}", sanitize(&scenario), sanitize(&format!("{e:#}")))
                    }
                }
            }
            (Some("rooms"), None, _) => {
                if self.opened.is_empty() {
                    "no rooms yet: `new [SCENARIO]` opens one".to_owned()
                } else {
                    self.opened.iter().map(|r| room_line(r, &self.shown, false)).collect::<Vec<_>>().join("\n")
                }
            }
            (Some("quit" | "stop" | "exit"), None, _) => {
                if let Some(quit) = self.quit.take() {
                    let _ = quit.send(());
                }
                "kombat host: stopping (players are told)".to_owned()
            }
            (Some("help"), None, _) => "new [SCENARIO]   open another room (the --scenario one unless named)\n\
                 rooms            the rooms opened since this host started\n\
                 quit             tell every player and stop"
                .to_owned(),
            (Some(word), ..) => format!("{}: not a host command; try `help`", sanitize(word)),
        }
    }
}

/// Completes on ctrl-c or SIGTERM.
async fn signals() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_binds_without_public() {
        let loopback: SocketAddr = "127.0.0.1:7878".parse().expect("addr");
        let v6: SocketAddr = "[::1]:7878".parse().expect("addr");
        let any: SocketAddr = "0.0.0.0:7878".parse().expect("addr");
        assert_eq!(check_bind(loopback, false), Ok(()));
        assert_eq!(check_bind(v6, false), Ok(()));
        let err = check_bind(any, false).expect_err("refused");
        assert!(err.starts_with("0.0.0.0:7878 is reachable from other machines"), "{err}");
        assert!(err.contains("--public"), "{err}");
        assert_eq!(check_bind(any, true), Ok(()));
    }
}
