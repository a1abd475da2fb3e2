//! The game server, in mini-redis's shape: a [`Server`] owns the listening socket and runs an
//! accept loop; each connection gets its own `handler` task (handshake, reads, a writer task
//! behind a bounded queue); each room is a `table` task that owns who sits where and drives the
//! room actor that owns the game; a `registry` task maps join codes to tables. Nothing here
//! waits on a client: a stalled client fills its own queue and is dropped, a panicking room takes
//! only its own players with it, and shutdown tells every client why before it hangs up.
//!
//! A server may keep each room's record on disk ([`Server::resume_rooms`]), so that after a
//! restart, even after `kill -9`, it opens the same rooms again under the same codes and their
//! players resume their seats; `kombat host` does.
//!
//! `kombat host` is [`host`] (module `host`); tests and the TUI's "Host a game" use [`Server`]
//! directly.

mod bucket;
mod code;
mod fit;
mod gate;
mod handler;
mod host;
mod outbox;
mod persist;
mod quiet;
mod registry;
mod report;
mod resume;
mod scenarios;
mod table;
mod tournament;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use super::codec;
use super::protocol::ServerMsg;
use crate::game::tournament::broken_by;
use crate::game::{Difficulty, Game};
use crate::room::RoomConfig;
use crate::scenario;
use persist::RoomDir;
use scenarios::{Scenarios, Shared};
use table::TableHandle;

pub use bucket::Rate;
pub use code::{check_name, normalize_code};
pub use fit::{MAX_OUTPUT, fit_lobby, fit_view};
pub use gate::{Gate, Pass, Refusal};
pub use host::{
    DoorHandle, FrontDoor, HostConsole, HostOptions, StopDoor, check_bind, host, host_with, tournament_text,
};
pub use report::{GameEnd, PlayerAt, PlayerStatus, RoomPhase, RoomStatus};
pub use table::Farewell;
pub use tournament::{Incident, TournamentHandle};

/// Every number the server enforces. The defaults suit a game night; tests shrink the deadlines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// For `Hello`, and again for `Join` or `Resume` after it.
    pub handshake: Duration,
    /// A joined client from which nothing arrives for this long is dropped (clients ping every 10 s).
    pub heartbeat: Duration,
    /// A frame that cannot be written for this long drops the client.
    pub write_timeout: Duration,
    /// Frames waiting to be written to one client; when full, the client is dropped.
    pub queue: usize,
    /// Open connections at once; more are turned away.
    pub max_connections: usize,
    /// `SO_SNDBUF` of accepted connections (none: the kernel's own sizing).
    pub send_buffer: Option<u32>,
    /// Chat per player: lobby chat and every chat-like action (messages, status updates).
    pub chat: Rate,
    /// Every other request per player (acts, ready, start, kick).
    pub acts: Rate,
    /// Lobby changes (ready toggles) per player; each goes to every member of the lobby.
    pub lobby: Rate,
    /// Joins per room (a flood of spectators joins would rewrite the room and its lobby for all).
    pub room_joins: Rate,
    /// Connections open at once from one address; more are turned away with a reason.
    pub per_address: usize,
    /// New connections per address; more are turned away with a reason.
    pub connects: Rate,
    /// Pings per connection; more are ignored.
    pub pings: Rate,
    /// Refused requests in a row (rate limited) before a flooding client is dropped.
    pub flood: u32,
    /// Act ids remembered per seat, so a resent act is answered without acting twice.
    pub dedupe: usize,
    /// Lobby chat lines kept.
    pub lobby_chat: usize,
    /// How long shutdown waits for connections to say goodbye.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake: Duration::from_secs(5),
            heartbeat: Duration::from_secs(30),
            write_timeout: Duration::from_secs(10),
            queue: 64,
            max_connections: 10_000,
            send_buffer: None,
            chat: Rate { burst: 5, per: Duration::from_secs(10) },
            acts: Rate { burst: 20, per: Duration::from_secs(2) },
            lobby: Rate { burst: 6, per: Duration::from_secs(10) },
            room_joins: Rate { burst: 40, per: Duration::from_secs(10) },
            per_address: 64,
            connects: Rate { burst: 64, per: Duration::from_secs(10) },
            pings: Rate { burst: 5, per: Duration::from_secs(5) },
            flood: 50,
            dedupe: 256,
            lobby_chat: 50,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// How the server's rooms are set up.
#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    /// Where rooms keep journals and postmortems; none keeps nothing on disk.
    pub data_dir: Option<PathBuf>,
    /// Ends every turn after this long, in every room.
    pub turn_timer: Option<Duration>,
    pub limits: Limits,
    /// The difficulty of a room opened without one (`kombat host --difficulty`).
    pub difficulty: Difficulty,
    /// Rooms open with a break phase (`kombat host --break`): the customer team composes the
    /// incident in the lobby (see `table::breaking`).
    pub break_phase: bool,
    /// The baseline a break phase composes on (`--baseline`); none lets each room's seed pick.
    pub baseline: Option<String>,
}

/// A room's break phase (`kombat host --break`, or the game screen's Host form): the customer
/// team composes the incident in its lobby, on this baseline or on the one the room's seed picks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BreakPhase {
    pub baseline: Option<String>,
}

/// A room just created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRoom {
    /// The join code, as `XXXXX-XXXXX`.
    pub code: String,
    pub scenario: String,
    pub title: String,
}

/// A tournament just opened (`kombat host --teams N`).
#[derive(Debug)]
pub struct NewTournament {
    /// The projector's code: spectators who join with it see every team.
    pub code: String,
    /// The incident every team plays.
    pub scenario: String,
    pub title: String,
    pub seed: u64,
    /// Each team's name and room, in team order.
    pub teams: Vec<(String, NewRoom)>,
    /// With swapped sides (`--break`): the baseline's title every room composes on.
    pub swapped: Option<String>,
    pub handle: TournamentHandle,
    /// What the host should be told as standings change, one line each.
    pub lines: mpsc::UnboundedReceiver<String>,
    /// The difficulty every round is played at.
    pub difficulty: Difficulty,
    /// With swapped sides, the baseline the last `next NAME` named (none: the host's
    /// `--baseline`, or the one each round's seed picks).
    pub baseline: Option<String>,
    /// The current round: 1 for a new tournament, later for one resumed after a restart.
    pub round: u32,
}

/// What became of a room that an earlier server left on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resumption {
    /// Open again under its code; its seats wait for their players to resume them.
    Resumed(NewRoom),
    /// Left on disk as it is: the file's name for the room, and why.
    NotResumed { code: String, why: String },
    /// A tournament left on disk as it is (its rooms resume as loose rooms): the file's name for
    /// it, and why. A tournament that resumed is in [`Server::resumed_tournaments`].
    TournamentNotResumed { code: String, why: String },
}

/// Creates rooms on a running server. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Rooms {
    registry: registry::Registry,
    config: Arc<ServerConfig>,
    /// Where each room's record is kept, when rooms outlive the server.
    keep: Option<Arc<RoomDir>>,
    /// The scenarios open rooms use, each parsed once and shared.
    scenarios: Arc<Scenarios>,
    /// Hears each game's end (see [`Server::game_ends`]).
    ends: Option<mpsc::UnboundedSender<GameEnd>>,
}

impl Rooms {
    /// A new room in its lobby for `scenario` (a built-in id or a .ron file), with a fresh join code.
    pub async fn create(&self, scenario: &str) -> anyhow::Result<NewRoom> {
        self.create_at(scenario, self.config.difficulty).await
    }

    /// A new room like [`Rooms::create`], its incident made with `seed` (`kombat host --seed`).
    pub async fn create_seeded(&self, scenario: &str, seed: u64) -> anyhow::Result<NewRoom> {
        let incident = self.incident(scenario, Some(seed), self.config.difficulty)?;
        let game = Game::new(Arc::clone(&incident.scenario), seed)
            .map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?
            .with_difficulty(incident.difficulty);
        let config = RoomConfig {
            seed,
            scenario_text: Arc::clone(&incident.text),
            data_dir: self.config.data_dir.clone(),
            turn_timer: self.config.turn_timer,
            keep_result: false,
        };
        let (code, table) = self.registry.create_team(game, config, self.keep.clone(), self.ends.clone(), None).await?;
        let title = self.arm_break(&table, seed, incident.difficulty, self.configured_break().as_ref()).await?;
        let (id, title) = (incident.scenario.id.clone(), title.unwrap_or_else(|| incident.scenario.title.clone()));
        tracing::info!(code = %code, scenario = %id, seed, "room created");
        Ok(NewRoom { code, scenario: id, title })
    }

    /// A new room like [`Rooms::create`], played at `difficulty`.
    pub async fn create_at(&self, scenario: &str, difficulty: Difficulty) -> anyhow::Result<NewRoom> {
        self.create_timed(scenario, difficulty, self.config.turn_timer).await
    }

    /// A new room like [`Rooms::create_at`], its turns timed by `turn_timer` rather than the
    /// server's (the game screen's Host form sets it per room).
    pub async fn create_timed(
        &self,
        scenario: &str,
        difficulty: Difficulty,
        turn_timer: Option<Duration>,
    ) -> anyhow::Result<NewRoom> {
        self.create_hosted(scenario, difficulty, turn_timer, self.configured_break()).await
    }

    /// A new room like [`Rooms::create_timed`], with a break phase of its own or none rather
    /// than the server's (the game screen's Host form sets it per room).
    pub async fn create_hosted(
        &self,
        scenario: &str,
        difficulty: Difficulty,
        turn_timer: Option<Duration>,
        break_phase: Option<BreakPhase>,
    ) -> anyhow::Result<NewRoom> {
        // The text first: a room of a scenario already open shares its parse.
        let (file, text) = crate::room::files::scenario_text(scenario)?;
        let Shared { text, scenario: parsed } = self.scenarios.share(&text, |text| scenario::parse(&file, text))?;
        if let Some(problem) = scenario::validate(&parsed).first() {
            anyhow::bail!("scenario {scenario} is invalid: {problem}");
        }
        let seed = code::random_seed().map_err(|e| anyhow::anyhow!("cannot seed the room: {e}"))?;
        let id = parsed.id.clone();
        let mut title = parsed.title.clone();
        let game = Game::new(parsed, seed)
            .map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?
            .with_difficulty(difficulty);
        let config = RoomConfig {
            seed,
            scenario_text: text,
            data_dir: self.config.data_dir.clone(),
            turn_timer,
            // Hosted games go in the host's night file, not its own solo results.
            keep_result: false,
        };
        let (code, table) = self.registry.create_team(game, config, self.keep.clone(), self.ends.clone(), None).await?;
        if let Some(baseline) = self.arm_break(&table, seed, difficulty, break_phase.as_ref()).await? {
            title = baseline;
        }
        tracing::info!(code = %code, scenario = %id, seed, difficulty = %difficulty, "room created");
        Ok(NewRoom { code, scenario: id, title })
    }

    /// The break phase `kombat host --break [--baseline ID]` gives every room it opens.
    fn configured_break(&self) -> Option<BreakPhase> {
        self.config.break_phase.then(|| BreakPhase { baseline: self.config.baseline.clone() })
    }

    /// With a break phase, gives the new room's lobby one on its baseline, or on the one the
    /// room's seed picks; the baseline's title then.
    async fn arm_break(
        &self,
        table: &TableHandle,
        seed: u64,
        difficulty: Difficulty,
        break_phase: Option<&BreakPhase>,
    ) -> anyhow::Result<Option<String>> {
        let Some(breaking) = Self::breaking_for(seed, difficulty, break_phase)? else { return Ok(None) };
        let title = breaking.business().title.clone();
        table.open_break(breaking).await.map_err(|_| anyhow::anyhow!("the room closed"))?;
        Ok(Some(title))
    }

    /// With a break phase (`kombat host --break`), the break phase a room opened with `seed`
    /// gets: the configured baseline, or the one the seed picks, and the whole deck.
    pub fn breaking(
        &self,
        seed: u64,
        difficulty: Difficulty,
    ) -> anyhow::Result<Option<crate::game::breaking::Breaking>> {
        Self::breaking_for(seed, difficulty, self.configured_break().as_ref())
    }

    /// A break phase on the baseline `name` names for a room opened with `seed` (a swapped
    /// tournament's `next NAME`): a baseline's id, or a built-in scenario whose healthy cluster a
    /// baseline is built on (`first-deploy` names `shop`).
    pub fn breaking_on(
        &self,
        name: &str,
        seed: u64,
        difficulty: Difficulty,
    ) -> anyhow::Result<crate::game::breaking::Breaking> {
        let baselines = scenario::baselines().map_err(|e| anyhow::anyhow!("the baselines do not load: {e}"))?;
        let found = baselines.iter().find(|b| b.id == name).or_else(|| {
            baselines
                .iter()
                .find(|b| matches!(&b.cluster, scenario::business::ClusterSource::Scenario(id) if id == name))
        });
        let Some(business) = found else {
            let ids: Vec<&str> = baselines.iter().map(|b| b.id.as_str()).collect();
            anyhow::bail!(
                "{name:?} is neither a baseline nor a scenario one is built on (baselines: {})",
                ids.join(", ")
            );
        };
        let phase = BreakPhase { baseline: Some(business.id.clone()) };
        Self::breaking_for(seed, difficulty, Some(&phase))?.ok_or_else(|| anyhow::anyhow!("no break phase"))
    }

    /// The break phase `break_phase` (none: no break phase) gives a room opened with `seed`.
    fn breaking_for(
        seed: u64,
        difficulty: Difficulty,
        break_phase: Option<&BreakPhase>,
    ) -> anyhow::Result<Option<crate::game::breaking::Breaking>> {
        let Some(break_phase) = break_phase else { return Ok(None) };
        let deck = Arc::new(scenario::cards().map_err(|e| anyhow::anyhow!("the fault cards do not load: {e}"))?);
        let mut baselines = scenario::baselines().map_err(|e| anyhow::anyhow!("the baselines do not load: {e}"))?;
        let business = match &break_phase.baseline {
            Some(id) => baselines
                .into_iter()
                .find(|b| &b.id == id)
                .ok_or_else(|| anyhow::anyhow!("no baseline named {id:?} (try `kombat scenario baselines`)"))?,
            None if baselines.is_empty() => anyhow::bail!("no baselines to break"),
            None => {
                let at = usize::try_from(seed % baselines.len() as u64).unwrap_or(0);
                baselines.swap_remove(at)
            }
        };
        let breaking = crate::game::breaking::Breaking::new(deck, Arc::new(business), difficulty, seed)
            .map_err(|e| anyhow::anyhow!("the baseline does not build: {e}"))?;
        Ok(Some(breaking))
    }

    /// The incident `scenario` (a built-in id or a .ron file) makes with `seed` (a random one
    /// when none) at `difficulty`: parsed once, valid, its cluster built.
    pub fn incident(&self, scenario: &str, seed: Option<u64>, difficulty: Difficulty) -> anyhow::Result<Incident> {
        let (file, text) = crate::room::files::scenario_text(scenario)?;
        let Shared { text, scenario: parsed } = self.scenarios.share(&text, |text| scenario::parse(&file, text))?;
        if let Some(problem) = scenario::validate(&parsed).first() {
            anyhow::bail!("scenario {scenario} is invalid: {problem}");
        }
        let seed = match seed {
            Some(seed) => seed,
            None => code::random_seed().map_err(|e| anyhow::anyhow!("cannot seed the incident: {e}"))?,
        };
        // Built once here so that a scenario whose cluster does not build is refused up front.
        Game::new(Arc::clone(&parsed), seed).map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?;
        Ok(Incident { scenario: parsed, text, seed, difficulty })
    }

    /// A tournament: `teams` rooms, `team 1` to `team N`, each with its own join code and all on
    /// `incident`, and the tournament around them under a code of its own. With a break phase
    /// (`kombat host --teams N --break`), swapped sides: every room opens a break phase on the
    /// same baseline at the incident's seed, and team k is also the customer team of room k+1
    /// (`game::tournament::breaks_for`).
    pub async fn create_tournament(&self, teams: u16, incident: Incident) -> anyhow::Result<NewTournament> {
        if teams == 0 {
            anyhow::bail!("a tournament needs at least one team");
        }
        let breaking = self.breaking(incident.seed, incident.difficulty)?;
        if breaking.is_some() && teams < 2 {
            anyhow::bail!(
                "swapped sides (--teams with --break) need at least 2 teams: each team breaks another's room"
            );
        }
        let names: Vec<String> = (1..=teams).map(|k| format!("team {k}")).collect();
        let (news, heard) = mpsc::unbounded_channel();
        let mut opened = Vec::new();
        let mut handles = Vec::new();
        for team in 0..usize::from(teams) {
            let (game, config) = incident.team_room(self.config.data_dir.clone(), self.config.turn_timer)?;
            let name = names.get(team).cloned().unwrap_or_default();
            let sides = breaking.as_ref().map(|_| tournament::Sides {
                responders: name.clone(),
                breakers: names.get(broken_by(team, names.len())).cloned().unwrap_or_default(),
            });
            let link = tournament::TeamLink { team, round: 1, news: news.clone(), sides };
            let (code, table) =
                self.registry.create_team(game, config, self.keep.clone(), self.ends.clone(), Some(link)).await?;
            let mut title = incident.scenario.title.clone();
            if let Some(breaking) = &breaking {
                title.clone_from(&breaking.business().title);
                table.open_break(breaking.clone()).await.map_err(|_| anyhow::anyhow!("the room closed"))?;
            }
            let room = NewRoom { code: code.clone(), scenario: incident.scenario.id.clone(), title };
            handles.push(tournament::Team { name: name.clone(), code, table });
            opened.push((name, room));
        }
        let (lines_tx, lines) = mpsc::unbounded_channel();
        let swapped = breaking.as_ref().map(|b| b.business().title.clone());
        let (scenario, seed) = (incident.scenario.id.clone(), incident.seed);
        let title = swapped.clone().unwrap_or_else(|| incident.scenario.title.clone());
        let (made_tx, made) = tokio::sync::oneshot::channel();
        let sides = swapped.clone();
        let difficulty = incident.difficulty;
        let keep = self.keep.clone().map(|dir| tournament::Kept {
            dir,
            next_scenario: incident.scenario.id.clone(),
            baseline: None,
            round_baseline: breaking.as_ref().map(|b| b.business().id.clone()),
        });
        let code = self
            .registry
            .create_tournament(move |code| {
                let handle = TournamentHandle::spawn(tournament::Opening {
                    code,
                    teams: handles,
                    incident,
                    swapped: sides,
                    news: heard,
                    lines: lines_tx,
                    keep,
                    resumed: None,
                });
                let _ = made_tx.send(handle.clone());
                handle
            })
            .await?;
        let handle = made.await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?;
        tracing::info!(code = %code, scenario = %scenario, seed, teams, swapped = swapped.is_some(), "tournament created");
        Ok(NewTournament {
            code,
            scenario,
            title,
            seed,
            teams: opened,
            swapped,
            handle,
            lines,
            difficulty,
            baseline: None,
            round: 1,
        })
    }

    /// Where each open room stands, in the order of their codes. A room that does not answer
    /// within a second (busy, or closing) is left out.
    pub async fn status(&self) -> Vec<RoomStatus> {
        let mut all = Vec::new();
        for (_, table) in self.registry.list().await {
            if let Ok(Ok(status)) = tokio::time::timeout(Duration::from_secs(1), table.status()).await {
                all.push(status);
            }
        }
        all
    }

    /// Sends `text` to every player of every open room, as a notice from the host; says how many
    /// rooms it went to.
    pub async fn broadcast(&self, text: &str) -> usize {
        let mut reached = 0;
        for (_, table) in self.registry.list().await {
            if table.broadcast(text).await.is_ok() {
                reached += 1;
            }
        }
        reached
    }
}

/// A bound server with its rooms, not yet accepting.
pub struct Server {
    listener: TcpListener,
    rooms: Rooms,
    /// Tournaments `resume_rooms` opened again, until taken.
    resumed: Vec<NewTournament>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free one) and starts the room registry. Async because it
    /// spawns the registry on the runtime it is called from.
    #[allow(clippy::unused_async)]
    pub async fn bind(addr: SocketAddr, config: ServerConfig) -> io::Result<Server> {
        let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        if let Some(size) = config.limits.send_buffer {
            // Accepted connections inherit it.
            socket.set_send_buffer_size(size)?;
        }
        socket.bind(addr)?;
        let listener = socket.listen(1024)?;
        let registry = registry::Registry::spawn(&config.limits);
        let scenarios = Arc::new(Scenarios::default());
        let rooms = Rooms { registry, config: Arc::new(config), keep: None, scenarios, ends: None };
        Ok(Server { listener, rooms, resumed: Vec::new() })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Each game's end from now on, as it happens (rooms resumed or created after this call; a
    /// [`Rooms`] handle taken before does not report). `kombat host` prints them and keeps them
    /// in its night file.
    pub fn game_ends(&mut self) -> mpsc::UnboundedReceiver<GameEnd> {
        let (ends, heard) = mpsc::unbounded_channel();
        self.rooms.ends = Some(ends);
        heard
    }

    /// A handle that creates rooms, also while the server runs.
    pub fn rooms(&self) -> Rooms {
        self.rooms.clone()
    }

    /// A new room for `scenario`; returns its join code.
    pub async fn create_room(&self, scenario: &str) -> anyhow::Result<String> {
        Ok(self.rooms.create(scenario).await?.code)
    }

    /// Accepts connections until `shutdown` completes, then stops accepting, tells every client
    /// the server is shutting down (they try to resume: it may be a restart), ends the rooms and
    /// waits (a bounded while) for connections to close.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        self.run_until(async {
            shutdown.await;
            Farewell::Restart
        })
        .await;
    }

    /// Like [`Server::run`], with `shutdown` saying how the players are sent off: told to resume
    /// later (a restart) or that the host stopped for good.
    pub async fn run_until(self, shutdown: impl Future<Output = Farewell>) {
        let Server { listener, rooms, .. } = self;
        let limits = rooms.config.limits;
        let stop = CancellationToken::new();
        // Every handler holds a clone; when all are dropped, every connection is closed.
        let (alive, mut all_closed) = mpsc::channel::<()>(1);
        let permits = Arc::new(Semaphore::new(limits.max_connections));
        let mut gate = gate::Gate::new(&limits);
        let context = Arc::new(handler::Context { registry: rooms.registry.clone(), limits });
        tokio::pin!(shutdown);
        // Says now and then how many per-connection lines the log left out, even when no line
        // passes (a flood that goes on for long).
        let mut summary = tokio::time::interval_at(tokio::time::Instant::now() + SUMMARY, SUMMARY);
        let farewell = loop {
            let accepted = tokio::select! {
                farewell = &mut shutdown => break farewell,
                _ = summary.tick() => {
                    quiet::flush();
                    continue;
                }
                accepted = listener.accept() => accepted,
            };
            let (socket, peer) = match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let pass = match gate.admit(peer.ip(), tokio::time::Instant::now()) {
                Ok(pass) => pass,
                Err(refusal) => {
                    let reason = refusal.reason(&limits);
                    quiet::log(|| tracing::warn!(%peer, "turned away: {reason}"));
                    turn_away(&socket, &reason);
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                quiet::log(|| tracing::warn!(%peer, "turned away: {} connections open", limits.max_connections));
                turn_away(&socket, FULL);
                continue;
            };
            let _ = socket.set_nodelay(true);
            let context = Arc::clone(&context);
            let stop = stop.clone();
            let alive = alive.clone();
            tokio::spawn(async move {
                handler::serve(socket, peer, context, stop).await;
                drop(permit);
                drop(pass);
                drop(alive);
            });
        };
        drop(listener);
        tracing::info!(?farewell, "shutting down: no new connections");
        let reason = match farewell {
            Farewell::Restart => "the server is shutting down",
            Farewell::Stopped => HOST_STOPPED,
        };
        rooms.registry.shutdown(reason, farewell).await;
        stop.cancel();
        drop(alive);
        if tokio::time::timeout(limits.shutdown_grace, all_closed.recv()).await.is_err() {
            tracing::warn!("some connections did not close within {:?}", limits.shutdown_grace);
        }
        quiet::flush();
        tracing::info!("server stopped");
    }
}

/// How often the count of per-connection log lines left out is logged.
const SUMMARY: Duration = Duration::from_secs(60);

const FULL: &str = "the server is full; try again later";
/// What players are told when the host stops for good.
pub const HOST_STOPPED: &str = "the host ended the game night";

/// Tells a connection why it is turned away, if its socket takes the frame at once; never waits.
fn turn_away(socket: &tokio::net::TcpStream, reason: &str) {
    let refused = ServerMsg::Refused { reason: reason.to_owned() };
    if let Ok(payload) = codec::encode(&refused) {
        let mut frame = u32::try_from(payload.len()).unwrap_or(u32::MAX).to_be_bytes().to_vec();
        frame.extend_from_slice(&payload);
        let _ = socket.try_write(&frame);
    }
}
