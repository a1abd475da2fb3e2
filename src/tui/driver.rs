//! The shell around the model: it feeds [`Msg`]s to `update`, carries out the [`Effect`]s
//! (starting a solo room, sending seat actions, saving history) and draws after every change.
//! Solo and hosted games are the same to it: a seat handle (`net::seat`), whose events one
//! forwarder turns into messages; hosting goes through `net::hosting`.
//! It reads terminal events from a channel and draws to any ratatui backend, so the local
//! terminal, a test's `TestBackend` or a remote front door can all drive the same app. Nothing
//! is drawn while nothing happens: there is no tick.

use std::future::Future;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, MouseEventKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::app::{self, App, Effect, HostRequest, JoinRequest, Msg, NetMsg};
use super::{history, journals, render};
use crate::game::text::sanitize;
use crate::game::{Difficulty, Game, Seat};
use crate::net::client::{Client, ClientConfig, Closed};
use crate::net::hosting::LocalHost;
use crate::net::seat::{self, SeatEvent, SeatEvents, SeatSender};
use crate::room::RoomConfig;
use crate::scenario;

/// What the shell needs besides the model.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where journals, postmortems, results and history go; none keeps nothing.
    pub data_dir: Option<PathBuf>,
    /// The cluster seed for every game; none picks a fresh one per game.
    pub seed: Option<u64>,
    /// Effects to carry out before the first key (`kombat join` starts by joining).
    pub first: Vec<Effect>,
    /// Set for a remote front door (`kombat host --ssh`): every join goes to this server,
    /// whatever the form says, and solo games and hosting are refused, since they would run
    /// on (and reach out from) the host's machine for a stranger.
    pub join_only: Option<String>,
}

const REMOTE_ONLY_JOINS: &str = "over SSH this screen only joins the rooms of the host you are connected to";

/// The game being played: a seat handle (a solo room in this process or a seat in a hosted
/// room) and the task that forwards what it hears to the model.
struct Playing {
    sender: SeatSender,
    forwarder: JoinHandle<()>,
}

/// A connection that finished its handshake, for the join attempt it answers.
struct Connected {
    attempt: u64,
    client: Client,
}

/// Everything the shell owns while the app runs.
struct Shell {
    settings: Settings,
    to_app: mpsc::Sender<Msg>,
    connected: mpsc::Sender<Connected>,
    playing: Option<Playing>,
    server: Option<LocalHost>,
    /// Counts join attempts; a connection that completes after its attempt was abandoned is left.
    attempt: u64,
}

/// Runs the app until it quits, its input ends or `shutdown` completes.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    mut app: App,
    mut input: mpsc::Receiver<TermEvent>,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<App>
where
    B::Error: Send + Sync + 'static,
{
    let (to_app, mut from_room) = mpsc::channel::<Msg>(256);
    let (connected, mut joined) = mpsc::channel::<Connected>(4);
    let first = settings.first.clone();
    let mut shell = Shell { settings, to_app, connected, playing: None, server: None, attempt: 0 };
    if let Ok(size) = terminal.size() {
        app::update(&mut app, Msg::Resize { width: size.width, height: size.height });
    }
    for effect in first {
        if let Some(msg) = shell.carry_out(effect).await {
            app::update(&mut app, msg);
        }
    }
    draw(terminal, &app)?;
    tracing::info!("first frame drawn");
    tokio::pin!(shutdown);
    // Ticks only while a turn timer counts down on the screen; otherwise nothing is drawn while
    // nothing happens.
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let counting = app.counting_down();
        let msg = tokio::select! {
            _ = ticks.tick(), if counting => Msg::Tick(std::time::Instant::now()),
            event = input.recv() => match event {
                None => break,
                Some(event) => match to_msg(&event) {
                    // A resize repaints everything: a terminal that reattached (SSH) has
                    // nothing of the last frame on it.
                    Some(msg @ Msg::Resize { .. }) => {
                        terminal.clear()?;
                        msg
                    }
                    Some(msg) => msg,
                    None => continue,
                },
            },
            Some(msg) = from_room.recv() => msg,
            Some(done) = joined.recv() => match shell.seat(done).await {
                Some(msg) => msg,
                None => continue,
            },
            () = &mut shutdown => {
                tracing::info!("shutting down on a signal");
                break;
            }
        };
        let mut pending = vec![msg];
        while let Some(msg) = pending.pop() {
            for effect in app::update(&mut app, msg) {
                if let Some(reply) = shell.carry_out(effect).await {
                    pending.push(reply);
                }
            }
        }
        if app.quit {
            break;
        }
        draw(terminal, &app)?;
    }
    shell.close().await;
    Ok(app)
}

fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &App) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    terminal.draw(|frame| {
        let area = frame.area();
        frame.render_widget(app, area);
        if let Some(at) = render::cursor(app, area) {
            frame.set_cursor_position(at);
        }
    })?;
    Ok(())
}

/// The messages worth waking the model for; mouse moves and focus changes are not.
fn to_msg(event: &TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) => Some(Msg::Key(*key)),
        TermEvent::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Msg::Wheel { up: true }),
            MouseEventKind::ScrollDown => Some(Msg::Wheel { up: false }),
            _ => None,
        },
        TermEvent::Resize(width, height) => Some(Msg::Resize { width: *width, height: *height }),
        _ => None,
    }
}

impl Shell {
    /// Does one effect; a message for the model comes back when it has something to say at once.
    async fn carry_out(&mut self, effect: Effect) -> Option<Msg> {
        match effect {
            Effect::Quit => None,
            Effect::LeaveGame => {
                let hosted = self.playing.as_ref().is_some_and(|p| !p.sender.is_local());
                self.leave().await;
                // The rooms this kombat hosts go on without this player; say until when.
                let server = self.server.as_ref().filter(|_| hosted)?;
                let at = server.shareable();
                Some(Msg::Net(NetMsg::Notice(format!("this kombat still hosts its rooms at {at} until you quit it"))))
            }
            // A stranger over SSH has no business with the host's journals.
            Effect::ListJournals | Effect::OpenReplay(_) if self.settings.join_only.is_some() => {
                Some(Msg::Journals(Err(REMOTE_ONLY_JOINS.to_owned())))
            }
            Effect::ListJournals => Some(Msg::Journals(match self.settings.data_dir.as_deref() {
                Some(data) => journals::list(data),
                None => Err(format!(
                    "there is no data directory, so no games were recorded (set {})",
                    crate::room::files::DATA_DIR_ENV
                )),
            })),
            Effect::OpenReplay(path) => {
                // Played off the screen's task: the keys keep answering meanwhile.
                let to_app = self.to_app.clone();
                tokio::spawn(async move {
                    let opened = journals::open_in_background(path).await;
                    let _ = to_app.send(Msg::Replay(opened)).await;
                });
                None
            }
            Effect::StartSolo { .. } if self.settings.join_only.is_some() => {
                Some(Msg::StartFailed(REMOTE_ONLY_JOINS.to_owned()))
            }
            Effect::Host(_) if self.settings.join_only.is_some() => {
                Some(Msg::Net(NetMsg::Failed(REMOTE_ONLY_JOINS.to_owned())))
            }
            Effect::StartRandom { .. } if self.settings.join_only.is_some() => {
                Some(Msg::StartFailed(REMOTE_ONLY_JOINS.to_owned()))
            }
            Effect::StartRandom { difficulty, seed, profile } => {
                self.leave().await;
                // The seed is the shell's when none was typed, never the game's stream.
                let seed = seed.unwrap_or_else(random_seed);
                match start_random(difficulty, seed, &self.settings).await {
                    Ok((scenario, sender, events)) => {
                        let _ = self.to_app.send(Msg::Drawn { scenario, seed }).await;
                        let forwarder = tokio::spawn(forward(events, self.to_app.clone()));
                        self.playing = Some(Playing { sender, forwarder });
                        // One command history for every random incident.
                        let dir = self.settings.data_dir.as_deref();
                        let lines = dir.map(|d| history::load(d, &profile, "random")).unwrap_or_default();
                        Some(Msg::History(lines))
                    }
                    Err(e) => {
                        tracing::warn!("cannot start a random incident (seed {seed}): {e:#}");
                        Some(Msg::StartFailed(format!("{e:#}")))
                    }
                }
            }
            Effect::StartSolo { scenario, difficulty, profile } => {
                self.leave().await;
                match start_solo(&scenario, difficulty, &self.settings).await {
                    Ok((sender, events)) => {
                        let forwarder = tokio::spawn(forward(events, self.to_app.clone()));
                        self.playing = Some(Playing { sender, forwarder });
                        let dir = self.settings.data_dir.as_deref();
                        let lines = dir.map(|d| history::load(d, &profile, &scenario)).unwrap_or_default();
                        Some(Msg::History(lines))
                    }
                    Err(e) => {
                        tracing::warn!("cannot start {scenario}: {e:#}");
                        Some(Msg::StartFailed(format!("{e:#}")))
                    }
                }
            }
            // The answer comes back as `SeatEvent::Done`.
            Effect::Act { seat, action } => match self.playing.as_mut()?.sender.act(seat, action).await {
                Ok(_) => None,
                Err(e) => Some(Msg::Net(NetMsg::Closed(e.to_string()))),
            },
            Effect::Lobby(request) => {
                let playing = self.playing.as_ref()?;
                playing.sender.lobby(request).await.err().map(|e| Msg::Net(NetMsg::Closed(e.to_string())))
            }
            Effect::Join(mut request) => {
                self.leave().await;
                if let Some(server) = &self.settings.join_only {
                    server.clone_into(&mut request.server);
                }
                self.join(request);
                None
            }
            Effect::Host(request) => {
                self.leave().await;
                match self.host(&request).await {
                    Ok((share, join)) => {
                        self.join(join);
                        Some(Msg::Net(NetMsg::Hosting { share }))
                    }
                    Err(e) => {
                        tracing::warn!("cannot host: {e:#}");
                        Some(Msg::Net(NetMsg::Failed(format!("{e:#}"))))
                    }
                }
            }
            Effect::LoadHistory { profile, scenario } => {
                let dir = self.settings.data_dir.as_deref()?;
                Some(Msg::History(history::load(dir, &profile, &scenario)))
            }
            Effect::ClearHistory { profile } => {
                let dir = self.settings.data_dir.as_deref()?;
                match history::clear(dir, &profile) {
                    Ok(()) => None,
                    Err(e) => Some(Msg::Warning(format!("cannot clear the command history: {e}"))),
                }
            }
            Effect::Remember { profile, scenario, line } => {
                let dir = self.settings.data_dir.as_deref()?;
                match history::append(dir, &profile, &scenario, &line) {
                    Ok(()) => None,
                    Err(e) => Some(Msg::Warning(format!("cannot save the command history: {e}"))),
                }
            }
        }
    }

    /// Connects in the background (the screen keeps answering keys meanwhile); the connection
    /// comes back through `connected`, a refusal straight to the app.
    fn join(&mut self, request: JoinRequest) {
        self.attempt += 1;
        let attempt = self.attempt;
        let mut config =
            ClientConfig::new(request.server.clone(), request.code.trim(), request.name.trim(), request.role);
        // The postmortem the host sends at the end is kept where solo postmortems go.
        config.data_dir.clone_from(&self.settings.data_dir);
        let connected = self.connected.clone();
        let to_app = self.to_app.clone();
        tokio::spawn(async move {
            match Client::connect(config).await {
                Ok(client) => {
                    if let Err(mpsc::error::SendError(done)) = connected.send(Connected { attempt, client }).await {
                        let _ = seat::remote(done.client).0.leave().await;
                    }
                }
                Err(e) => {
                    tracing::info!(server = %request.server, "cannot join: {e}");
                    let _ = to_app.send(Msg::Net(NetMsg::Failed(e.to_string()))).await;
                }
            }
        });
    }

    /// Takes the seat a finished handshake brought, unless the player gave up on it meanwhile.
    async fn seat(&mut self, done: Connected) -> Option<Msg> {
        let Connected { attempt, client } = done;
        let seat = client.seat();
        let code = client.code().to_owned();
        let (sender, events) = seat::remote(client);
        if attempt != self.attempt || self.playing.is_some() {
            let _ = sender.leave().await;
            return None;
        }
        tracing::info!(code = %code, ?seat, "joined a hosted room");
        let forwarder = tokio::spawn(forward(events, self.to_app.clone()));
        self.playing = Some(Playing { sender, forwarder });
        Some(Msg::Net(NetMsg::Joined { seat, code }))
    }

    /// Starts this TUI's server (once) and a room on it; says what to tell the players and how
    /// this player joins.
    async fn host(&mut self, request: &HostRequest) -> anyhow::Result<(String, JoinRequest)> {
        if self.server.is_none() {
            self.server = Some(LocalHost::start(&request.bind, self.settings.data_dir.clone()).await?);
        }
        let server = self.server.as_ref().ok_or_else(|| anyhow::anyhow!("the server did not start"))?;
        let turn_timer = request.turn_timer.map(|s| std::time::Duration::from_secs(u64::from(s)));
        let room = server.open(&request.scenario, request.difficulty, turn_timer, request.break_phase.clone()).await?;
        let join = JoinRequest { server: room.server, code: room.code, name: request.name.clone(), role: request.role };
        Ok((room.share, join))
    }

    /// Ends the current game: closes a solo room, gives up a hosted seat (and any join under way).
    async fn leave(&mut self) {
        self.attempt += 1;
        if let Some(playing) = self.playing.take() {
            playing.forwarder.abort();
            let _ = playing.sender.leave().await;
        }
    }

    /// Leaves the game and stops this TUI's server (its players are told the host stopped).
    async fn close(&mut self) {
        self.leave().await;
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }
}

/// Turns what the seats hear into messages for the model.
async fn forward(mut events: SeatEvents, to_app: mpsc::Sender<Msg>) {
    while let Some(event) = events.next().await {
        let msg = match event {
            SeatEvent::Lobby(lobby) => Msg::Net(NetMsg::Lobby(lobby)),
            SeatEvent::Views(views) => Msg::Views(views),
            SeatEvent::TurnTimer(left) => Msg::TurnTimer { left, now: std::time::Instant::now() },
            SeatEvent::Events(_) | SeatEvent::Done { result: Ok(()), .. } => continue,
            SeatEvent::Done { result: Err(reason), .. } => Msg::Rejected(sanitize(&reason)),
            SeatEvent::Notice(text) => Msg::Net(NetMsg::Notice(sanitize(&text))),
            SeatEvent::NotYet(reason) => Msg::Net(NetMsg::NotYet(reason)),
            SeatEvent::Postmortem(path) => Msg::Postmortem(path),
            SeatEvent::Gap { from, to } => {
                tracing::info!(from, to, "updates skipped; the next snapshot covers them");
                continue;
            }
            SeatEvent::Reconnecting { attempt, reason, .. } => {
                Msg::Net(NetMsg::Reconnecting { attempt, reason: sanitize(&reason) })
            }
            SeatEvent::Resumed => Msg::Net(NetMsg::Resumed),
            SeatEvent::Moved(seat) => Msg::Net(NetMsg::Moved(seat)),
            SeatEvent::Leaderboard(board) => Msg::Net(NetMsg::Leaderboard(board)),
            SeatEvent::Tournament(view) => Msg::Net(NetMsg::Tournament(view)),
            SeatEvent::Break(view) => Msg::Net(NetMsg::Break(view)),
            SeatEvent::Closed(Closed::Left) => return,
            SeatEvent::Closed(closed) => {
                let why = match closed {
                    Closed::Removed(reason) | Closed::Refused(reason) => sanitize(&reason),
                    Closed::Lost(reason) => format!("the connection is lost ({})", sanitize(&reason)),
                    Closed::HostStopped(reason) => format!("the host stopped ({})", sanitize(&reason)),
                    Closed::Left => String::new(),
                };
                Msg::Net(NetMsg::Closed(why))
            }
        };
        if to_app.send(msg).await.is_err() {
            return;
        }
    }
}

const SOLO_SEATS: [Seat; 2] = [Seat::Liaison, Seat::Troubleshooter(0)];
const PLAYER: &str = "you";

async fn start_solo(id: &str, difficulty: Difficulty, settings: &Settings) -> anyhow::Result<(SeatSender, SeatEvents)> {
    let source = crate::room::files::scenario_source(id)?;
    if let Some(problem) = scenario::validate(&source.scenario).first() {
        anyhow::bail!("scenario {id} is invalid: {problem}");
    }
    let seed = settings.seed.unwrap_or_else(fresh_seed);
    let game = Game::new(source.scenario, seed)
        .map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?
        .with_difficulty(difficulty);
    let config = RoomConfig {
        seed,
        scenario_text: source.text,
        data_dir: settings.data_dir.clone(),
        turn_timer: None,
        keep_result: true,
    };
    let seat = seat::solo(game, config, &SOLO_SEATS, PLAYER).await?;
    tracing::info!(scenario = id, seed, %difficulty, "solo game started");
    Ok(seat)
}

/// Draws, proves and starts a random incident seeded with `seed` (the game too, as
/// `kombat console --random` does); answers with the scenario's id.
async fn start_random(
    difficulty: Difficulty,
    seed: u64,
    settings: &Settings,
) -> anyhow::Result<(String, SeatSender, SeatEvents)> {
    let deck = scenario::cards()?;
    let baselines = scenario::baselines()?;
    let request =
        crate::game::draw::Request { deck: &deck, baselines: &baselines, baseline: None, cards: &[], difficulty, seed };
    let drawn = crate::game::draw::draw_with(&request, &crate::room::proof::SideBySide)?;
    let text = scenario::to_ron(&drawn.scenario).map_err(|e| anyhow::anyhow!("cannot print the incident: {e}"))?;
    let id = drawn.scenario.id.clone();
    let game = Game::new(drawn.scenario, seed)
        .map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?
        .with_difficulty(difficulty);
    let config = RoomConfig {
        seed,
        scenario_text: text.into(),
        data_dir: settings.data_dir.clone(),
        turn_timer: None,
        keep_result: true,
    };
    let seat = seat::solo(game, config, &SOLO_SEATS, PLAYER).await?;
    tracing::info!(scenario = id, seed, %difficulty, "random incident started");
    Ok((id, seat.0, seat.1))
}

/// A seed for a random incident nobody typed one for: small enough to read out to a friend.
fn random_seed() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    (now.as_secs() ^ u64::from(now.subsec_nanos())) % 1_000_000
}

/// A seed from the clock, so each solo game's cluster differs a little (pod names, timing).
fn fresh_seed() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64 % 1_000_000 + 1)
}
