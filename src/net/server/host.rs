//! `kombat host`: a server for a game night on this machine. It resumes the rooms an earlier
//! `kombat host` left in the data directory (or opens `--rooms` new ones), prints the line each
//! player joins with, and then reads a few operator commands on stdin while it serves (the
//! [`HostConsole`]: `new` opens another room, `rooms` shows where each stands, `broadcast` tells
//! every player something, `quit` stops for good) until SIGTERM, ctrl-c or `quit`. It prints each
//! game's end as it happens and keeps it in the night's results file (`nights/` in the data
//! directory), not in the host's own solo results.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::report::{GameEnd, PlayerAt, RoomStatus};
use super::table::Farewell;
use super::{Limits, NewRoom, NewTournament, Resumption, Rooms, Server, ServerConfig, TournamentHandle};
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
    /// Teams racing: opens N rooms on the same incident (the --scenario, --seed and
    /// --difficulty), each team's with its own join code, and a tournament around them with a
    /// code of its own: spectators who join that code see every team's board and the
    /// leaderboard (the projector). The console's `board`, `start` and `next` run it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub teams: Option<u16>,
    /// The incident's seed (with --teams, every team's first round): the same seed and scenario
    /// make the same incident. A random one when left out.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// A break phase in each room's lobby: the customer team composes the incident from fault
    /// cards on a baseline, within the budget --difficulty sets, and proves it fair before the
    /// game starts (`/cards`, `/pick`, `/drop`, `/budget`, `/prove`). Without a human customer
    /// the scripted customer draws one at the room's difficulty. With --teams (2 or more):
    /// swapped sides, each team breaks the cloud for the next team (it joins that team's room as
    /// customer), and the leaderboard adds what its break earned to what its fix did.
    #[arg(long = "break")]
    pub break_phase: bool,
    /// With --break, the baseline to compose on (`kombat scenario baselines` lists them); each
    /// room's seed picks one when left out.
    #[arg(long, value_name = "ID", requires = "break_phase")]
    pub baseline: Option<String>,
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
    let HostOptions {
        bind,
        scenario,
        turn_timer,
        public,
        rooms,
        per_address,
        difficulty,
        ssh: _,
        teams,
        seed,
        break_phase,
        baseline,
    } = options;
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
            break_phase,
            baseline,
        };
        let data_dir = config.data_dir.clone();
        let mut server =
            Server::bind(bind, config).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        // Before any room opens, so that every game's end is heard.
        let ends = server.game_ends();
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
                Resumption::TournamentNotResumed { code, why } => {
                    println!("tournament {} not resumed: {}", sanitize(&code), sanitize(&why));
                }
            }
        }
        // A tournament from before the restart goes on (the console runs the first); `--teams`
        // opens a new one only when none did.
        let mut resumed = server.resumed_tournaments().into_iter();
        let restored = resumed.next();
        for other in resumed {
            println!("{}", tournament_text(&other, &shown));
            println!(
                "  (resumed; the console runs tournament {} only)",
                restored.as_ref().map_or("", |t| t.code.as_str())
            );
        }
        // A tournament's teams are its rooms; without one, `--rooms` new ones unless rooms resumed.
        let fresh = if opened.is_empty() && teams.is_none() { rooms } else { 0 };
        for _ in 0..fresh {
            let room = match seed {
                Some(seed) => server.rooms().create_seeded(&scenario, seed).await?,
                None => server.rooms().create(&scenario).await?,
            };
            println!("{}", room_line(&room, &shown, false));
            opened.push(room);
        }
        let tournament = match (restored, teams) {
            (Some(tournament), _) => {
                println!("{}", tournament_text(&tournament, &shown));
                for (_, room) in &tournament.teams {
                    if !opened.iter().any(|r| r.code == room.code) {
                        opened.push(room.clone());
                    }
                }
                Some(tournament)
            }
            (None, Some(teams)) => {
                let incident = server.rooms().incident(&scenario, seed, difficulty)?;
                let tournament = server.rooms().create_tournament(teams, incident).await?;
                println!("{}", tournament_text(&tournament, &shown));
                opened.extend(tournament.teams.iter().map(|(_, room)| room.clone()));
                Some(tournament)
            }
            (None, None) => None,
        };
        let night = data_dir.as_deref().map(|data| {
            let started =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
            crate::room::files::nights_dir(data).join(crate::room::files::night_file_name(started))
        });
        match &night {
            Some(path) => println!("kombat host: each game's result goes to {}", sanitize(&path.display().to_string())),
            None => println!("kombat host: no data directory, so the night's results are only printed here"),
        }
        println!("kombat host: type `help` for the host's commands (`rooms`, `broadcast TEXT`, `quit`, …)");
        tracing::info!(%bound, "hosting");
        let (quit, quitting) = oneshot::channel();
        let mut console = HostConsole::new(server.rooms(), shown, scenario, opened, night);
        if let Some(tournament) = tournament {
            console = console.with_tournament(tournament);
        }
        let console = tokio::spawn(console.run(crate::net::stdin::lines(), ends, quit));
        server
            .run_until(async {
                tokio::select! {
                    // A signal may be a restart: players try to resume.
                    () = signals() => Farewell::Restart,
                    // Stdin ending (a host run in the background) drops the sender: not a `quit`.
                    Ok(()) = quitting => Farewell::Stopped,
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

/// What the host is told about a new tournament: its code, its incident, each team's join line
/// (with swapped sides, its responders' and its customer team's, in the room it breaks) and the
/// projector's.
pub fn tournament_text(tournament: &NewTournament, shown: &str) -> String {
    let code = &tournament.code;
    let resumed =
        if tournament.round > 1 { format!(" — resumed in round {}", tournament.round) } else { String::new() };
    let mut lines = vec![match &tournament.swapped {
        Some(baseline) => format!(
            "tournament {code}: {} teams, swapped sides, each breaking the cloud for the next on {} (seed {}){resumed}",
            tournament.teams.len(),
            sanitize(baseline),
            tournament.seed
        ),
        None => format!(
            "tournament {code}: {} teams on {} ({}, seed {}){resumed}",
            tournament.teams.len(),
            sanitize(&tournament.title),
            sanitize(&tournament.scenario),
            tournament.seed
        ),
    }];
    let count = tournament.teams.len();
    for (k, (team, room)) in tournament.teams.iter().enumerate() {
        let room_code = &room.code;
        if tournament.swapped.is_none() {
            lines.push(format!("  {team}: room {room_code} — join with: kombat join {shown} --code {room_code}"));
            continue;
        }
        let Some((other, broken)) = tournament.teams.get(crate::game::tournament::breaks_for(k, count)) else {
            continue;
        };
        let broken = &broken.code;
        lines.push(format!("  {team} responds in room {room_code}: kombat join {shown} --code {room_code}"));
        lines.push(format!(
            "  {team} breaks for {other} in room {broken}: kombat join {shown} --code {broken} --role customer"
        ));
    }
    lines.push(format!("  projector: kombat join {shown} --code {code} --role spectator"));
    if tournament.swapped.is_some() {
        lines.push(
            "  type `board` to see whose break is proven, `start` once every break is (every team starts at once)"
                .to_owned(),
        );
    } else {
        lines.push("  type `start` to start every team at once, `board` for the leaderboard".to_owned());
    }
    lines.join("\n")
}

/// A tournament run from the console.
struct Running {
    code: String,
    handle: TournamentHandle,
    /// The scenario `next` plays again when none is named.
    scenario: String,
    /// Swapped sides: `next` opens a new break phase in every room.
    swapped: bool,
    /// With swapped sides, the baseline the last `next NAME` named: a bare `next` breaks on it
    /// again (none: the host's `--baseline`, or the one each round's seed picks).
    baseline: Option<String>,
    /// Every round's difficulty (a tournament resumed keeps its own, whatever the restarted
    /// host's `--difficulty`).
    difficulty: Difficulty,
}

/// The host's console: what the person running `kombat host` can type while it serves, and
/// what it says when a game ends. Public so tests drive it as the host would.
pub struct HostConsole {
    rooms: Rooms,
    /// The address players join at.
    shown: String,
    /// The scenario `new` opens when none is named.
    scenario: String,
    opened: Vec<NewRoom>,
    /// The latest ended game of each room, kept after the room closes.
    ended: BTreeMap<String, GameEnd>,
    /// The night's results file: one line per ended game.
    night: Option<PathBuf>,
    quitting: bool,
    tournament: Option<Running>,
    /// What the tournament says as standings change.
    board_lines: Option<mpsc::UnboundedReceiver<String>>,
}

/// The longest message `broadcast` sends, in characters.
pub const MAX_BROADCAST: usize = 500;

/// One line of the night's results file: the game's end and when (seconds since the epoch).
#[derive(serde::Serialize)]
struct NightLine<'a> {
    ended_at: u64,
    #[serde(flatten)]
    end: &'a GameEnd,
}

impl HostConsole {
    /// A console for `rooms` (`opened` so far), keeping each ended game in `night`.
    pub fn new(rooms: Rooms, shown: String, scenario: String, opened: Vec<NewRoom>, night: Option<PathBuf>) -> Self {
        HostConsole {
            rooms,
            shown,
            scenario,
            opened,
            ended: BTreeMap::new(),
            night,
            quitting: false,
            tournament: None,
            board_lines: None,
        }
    }

    /// The console of a night with a tournament: `board`, `start` and `next` run it, and what it
    /// says as standings change is printed (or taken with [`HostConsole::board_news`]).
    #[must_use]
    pub fn with_tournament(mut self, tournament: NewTournament) -> Self {
        let NewTournament { code, scenario, handle, lines, swapped, baseline, difficulty, .. } = tournament;
        self.tournament = Some(Running { code, handle, scenario, swapped: swapped.is_some(), baseline, difficulty });
        self.board_lines = Some(lines);
        self
    }

    /// The next line the tournament has for the host as standings change (none without one, or
    /// once it is gone).
    pub async fn board_news(&mut self) -> Option<String> {
        self.board_lines.as_mut()?.recv().await
    }

    /// Answers each line on stdin and reports each game's end until `quit` (then `quit` hears
    /// it); the end of stdin stops reading lines, not the server.
    async fn run(
        mut self,
        mut lines: mpsc::Receiver<String>,
        mut ends: mpsc::UnboundedReceiver<GameEnd>,
        quit: oneshot::Sender<()>,
    ) {
        let mut reading = true;
        loop {
            tokio::select! {
                line = lines.recv(), if reading => match line {
                    Some(line) => {
                        let answer = self.answer(&line).await;
                        if !answer.is_empty() {
                            println!("{answer}");
                        }
                        if self.quitting {
                            let _ = quit.send(());
                            return;
                        }
                    }
                    None => reading = false,
                },
                Some(end) = ends.recv() => println!("{}", self.game_ended(end)),
                Some(line) = async { self.board_lines.as_mut()?.recv().await } => println!("{}", sanitize(&line)),
                else => return,
            }
        }
    }

    /// Whether `quit` was typed.
    pub fn quitting(&self) -> bool {
        self.quitting
    }

    /// A game ended: keeps it in the night's file, and says so in one line (room, scenario,
    /// result with the game's time, where the postmortem is).
    pub fn game_ended(&mut self, end: GameEnd) -> String {
        let mut said = format!(
            "room {} ({}) is over: {}; postmortem: {}",
            sanitize(&end.room),
            sanitize(&end.scenario),
            sanitize(&end.result()),
            end.postmortem
                .as_deref()
                .map_or_else(|| "not kept (no data directory)".to_owned(), |p| sanitize(&p.display().to_string())),
        );
        if let Some(night) = &self.night {
            let ended_at =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
            let written = serde_json::to_string(&NightLine { ended_at, end: &end })
                .map_err(std::io::Error::other)
                .and_then(|line| crate::room::files::append_line(night, &line));
            if let Err(e) = written {
                tracing::warn!("cannot keep the result in {}: {e}", night.display());
                let _ = write!(said, "\n(cannot keep it in {}: {})", night.display(), sanitize(&e.to_string()));
            }
        }
        self.ended.insert(end.room.clone(), end);
        said
    }

    /// The answer to one line typed at the console (empty for an empty line).
    pub async fn answer(&mut self, line: &str) -> String {
        let line = line.trim();
        let (word, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(w, r)| (w, r.trim()));
        match (word, rest) {
            ("", _) => String::new(),
            ("new", scenario) if !scenario.contains(char::is_whitespace) => {
                let scenario = if scenario.is_empty() { self.scenario.clone() } else { scenario.to_owned() };
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
            ("rooms", "") => self.rooms_text().await,
            ("broadcast", "") => "usage: broadcast TEXT (sent to every player in every room)".to_owned(),
            ("broadcast", text) => {
                let text: String = sanitize(text).chars().take(MAX_BROADCAST).collect();
                match self.rooms.broadcast(&text).await {
                    0 => "no room is open: nobody to tell".to_owned(),
                    1 => "sent to the players of 1 room".to_owned(),
                    n => format!("sent to the players of {n} rooms"),
                }
            }
            ("quit" | "stop" | "exit", "") => {
                self.quitting = true;
                "kombat host: stopping (players are told the host stopped)".to_owned()
            }
            ("board" | "leaderboard", "") => self.board_text().await,
            ("start", "") => match &self.tournament {
                Some(running) => match running.handle.start_all().await {
                    Ok(lines) => lines.iter().map(|l| sanitize(l)).collect::<Vec<_>>().join("\n"),
                    Err(_) => "the tournament has closed".to_owned(),
                },
                None => NO_TOURNAMENT.to_owned(),
            },
            ("next", scenario) if !scenario.contains(char::is_whitespace) => self.next_round(scenario).await,
            ("help", "") if self.tournament.is_some() => format!("{HELP}\n{TOURNAMENT_HELP}"),
            ("help", "") => HELP.to_owned(),
            (word, _) => format!("{}: not a host command; try `help`", sanitize(word)),
        }
    }

    /// The tournament's leaderboard as the host sees it, with each team's room.
    async fn board_text(&self) -> String {
        let Some(running) = &self.tournament else { return NO_TOURNAMENT.to_owned() };
        match running.handle.board().await {
            Ok(board) => {
                let mut lines = vec![format!("tournament {}", running.code)];
                // `lines` sanitizes what it quotes and keeps the columns' spacing.
                lines.extend(board.lines());
                lines.join("\n")
            }
            Err(_) => "the tournament has closed".to_owned(),
        }
    }

    /// `next [SCENARIO]`: every team's room plays a new incident (the tournament's scenario with
    /// a new seed, or SCENARIO), its players kept. With swapped sides the rooms compose their
    /// incident, so SCENARIO names the baseline they break instead: a baseline's id, or a
    /// scenario a baseline is built on.
    async fn next_round(&mut self, named: &str) -> String {
        let Some(running) = &mut self.tournament else { return NO_TOURNAMENT.to_owned() };
        let difficulty = running.difficulty;
        let baseline = if named.is_empty() { running.baseline.clone() } else { Some(named.to_owned()) };
        let scenario = if named.is_empty() || running.swapped { running.scenario.clone() } else { named.to_owned() };
        let incident = match self.rooms.incident(&scenario, None, difficulty) {
            Ok(incident) => incident,
            Err(e) => return format!("cannot start {}: {}", sanitize(&scenario), sanitize(&format!("{e:#}"))),
        };
        let breaking = match (running.swapped, &baseline) {
            (false, _) => Ok(None),
            (true, Some(name)) => self.rooms.breaking_on(name, incident.seed, difficulty).map(Some),
            // The host's `--baseline`, or the seed's pick (also on a host restarted without `--break`).
            (true, None) => {
                let phase = super::BreakPhase { baseline: self.rooms.config.baseline.clone() };
                Rooms::breaking_for(incident.seed, difficulty, Some(&phase))
            }
        };
        let breaking = match breaking {
            Ok(breaking) => breaking,
            Err(e) => return format!("cannot open the break phase: {}", sanitize(&format!("{e:#}"))),
        };
        let round = super::tournament::NextRound {
            incident,
            breaking,
            scenario: scenario.clone(),
            baseline: if running.swapped { baseline.clone() } else { None },
        };
        match running.handle.next(round).await {
            Ok(Ok(said)) => {
                running.scenario = scenario;
                if running.swapped {
                    running.baseline = baseline;
                }
                sanitize(&said)
            }
            Ok(Err(why)) => format!("not yet: {}", sanitize(&why)),
            Err(_) => "the tournament has closed".to_owned(),
        }
    }

    /// Each room opened here, where it stands: phase, turn, players and result.
    async fn rooms_text(&self) -> String {
        if self.opened.is_empty() {
            return "no rooms yet: `new [SCENARIO]` opens one".to_owned();
        }
        let open: BTreeMap<String, RoomStatus> =
            self.rooms.status().await.into_iter().map(|status| (status.code.clone(), status)).collect();
        let mut lines = Vec::new();
        for room in &self.opened {
            let (head, players) = match (open.get(&room.code), self.ended.get(&room.code)) {
                (Some(status), _) => {
                    let result = status.result.as_deref().map(|r| format!(": {}", sanitize(r))).unwrap_or_default();
                    let phase = status.phase.as_str();
                    let turn = status.turn;
                    let head = match status.phase {
                        super::RoomPhase::Lobby => phase.to_owned(),
                        _ => format!("{phase}, turn {turn}{result}"),
                    };
                    let players: Vec<String> = status
                        .players
                        .iter()
                        .map(|p| player_text(&p.player, if p.connected { "" } else { ", away" }))
                        .collect();
                    (head, players)
                }
                (None, Some(end)) => (
                    format!("ended, turn {}: {} (everyone has left)", end.turn, sanitize(&end.result())),
                    end.players.iter().map(|p| player_text(p, "")).collect(),
                ),
                (None, None) => ("closed".to_owned(), Vec::new()),
            };
            let players = if players.is_empty() { "nobody".to_owned() } else { players.join(", ") };
            lines.push(format!("room {} ({}): {head}\n  players: {players}", room.code, sanitize(&room.scenario)));
        }
        lines.join("\n")
    }
}

/// `Lee (liaison)`.
fn player_text(player: &PlayerAt, more: &str) -> String {
    format!("{} ({}{more})", sanitize(&player.name), player.seat)
}

const HELP: &str = "new [SCENARIO]   open another room (the --scenario one unless named)\n\
     rooms            each room: its phase, turn, players (name and seat) and result\n\
     broadcast TEXT   send a message to every player in every room\n\
     quit             tell every player the host stopped, and stop\n\
     help             this list";

const TOURNAMENT_HELP: &str = "board            the tournament's leaderboard (also `leaderboard`)\n\
     start            start every team's game at once (the players who joined its room; with swapped\n\
     \x20                sides only once every team's break is proven fair)\n\
     next [SCENARIO]  the next round: every team's room gets a new incident (the same scenario with a\n\
     \x20                new seed, or SCENARIO); players keep their seats and go back to the lobby (with\n\
     \x20                swapped sides, to a new break phase, on the baseline SCENARIO names if given)";

const NO_TOURNAMENT: &str = "there is no tournament: start the host with --teams N";

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
