//! The shell around the model: it feeds [`Msg`]s to `update`, carries out the [`Effect`]s
//! (starting a solo room, sending seat actions, saving history) and draws after every change.
//! It reads terminal events from a channel and draws to any ratatui backend, so the local
//! terminal, a test's `TestBackend` or a remote front door can all drive the same app. Nothing
//! is drawn while nothing happens: there is no tick.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, MouseEventKind};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use super::app::{self, App, Effect, HostRequest, JoinRequest, LobbyRequest, Msg, NetMsg};
use super::{history, render};
use crate::game::text::sanitize;
use crate::game::view::RoleView;
use crate::game::{Game, Seat};
use crate::net::client::{Client, ClientCommand, ClientConfig, ClientEvent, ClientHandle, Closed};
use crate::net::server::{Rooms, Server, ServerConfig};
use crate::room::{RoomConfig, RoomError, RoomEvent, RoomHandle};
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
}

/// The solo game being played.
struct Solo {
    room: RoomHandle,
    forwarder: JoinHandle<()>,
}

/// A seat in a hosted room.
struct Seated {
    handle: ClientHandle,
    forwarder: JoinHandle<()>,
}

/// The game being played: a solo room in this process, or a seat in a hosted room.
enum Session {
    Solo(Solo),
    Hosted(Seated),
}

/// The server this TUI runs after "Host a game"; it serves until the TUI quits.
struct LocalServer {
    bound: SocketAddr,
    rooms: Rooms,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
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
    session: Option<Session>,
    server: Option<LocalServer>,
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
    let mut shell = Shell { settings, to_app, connected, session: None, server: None, attempt: 0 };
    for effect in first {
        if let Some(msg) = shell.carry_out(effect).await {
            app::update(&mut app, msg);
        }
    }
    draw(terminal, &app)?;
    tracing::info!("first frame drawn");
    tokio::pin!(shutdown);
    loop {
        let msg = tokio::select! {
            event = input.recv() => match event {
                None => break,
                Some(event) => match to_msg(&event) {
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
        TermEvent::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

impl Shell {
    /// Does one effect; a message for the model comes back when it has something to say at once.
    async fn carry_out(&mut self, effect: Effect) -> Option<Msg> {
        match effect {
            Effect::Quit => None,
            Effect::LeaveGame => {
                let hosted = matches!(self.session, Some(Session::Hosted(_)));
                self.leave().await;
                // The rooms this kombat hosts go on without this player; say until when.
                let server = self.server.as_ref().filter(|_| hosted)?;
                let at = crate::net::lan::shareable(server.bound);
                Some(Msg::Net(NetMsg::Notice(format!("this kombat still hosts its rooms at {at} until you quit it"))))
            }
            Effect::StartSolo { scenario } => {
                self.leave().await;
                match start_solo(&scenario, &self.settings, self.to_app.clone()).await {
                    Ok(game) => {
                        self.session = Some(Session::Solo(game));
                        let dir = self.settings.data_dir.as_deref();
                        let lines = dir.map(|d| history::load(d, &scenario)).unwrap_or_default();
                        Some(Msg::History(lines))
                    }
                    Err(e) => {
                        tracing::warn!("cannot start {scenario}: {e:#}");
                        Some(Msg::StartFailed(format!("{e:#}")))
                    }
                }
            }
            Effect::Act { seat, action } => match self.session.as_mut()? {
                Session::Solo(game) => match game.room.act(seat, action).await {
                    Ok(_) => None,
                    Err(RoomError::Rule(e)) => Some(Msg::Rejected(e.to_string())),
                    Err(e) => Some(Msg::Warning(e.to_string())),
                },
                // The answer comes back as `ClientEvent::Done`.
                Session::Hosted(seated) => match seated.handle.act(action).await {
                    Ok(_) => None,
                    Err(e) => Some(Msg::Net(NetMsg::Closed(e.to_string()))),
                },
            },
            Effect::Lobby(request) => {
                let Some(Session::Hosted(seated)) = &self.session else { return None };
                let command = match request {
                    LobbyRequest::Ready(ready) => ClientCommand::Ready(ready),
                    LobbyRequest::Chat(text) => ClientCommand::LobbyChat(text),
                    LobbyRequest::Start => ClientCommand::Start,
                    LobbyRequest::Kick(seat) => ClientCommand::Kick(seat),
                };
                seated.handle.send(command).await.err().map(|e| Msg::Net(NetMsg::Closed(e.to_string())))
            }
            Effect::Join(request) => {
                self.leave().await;
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
            Effect::LoadHistory { scenario } => {
                let dir = self.settings.data_dir.as_deref()?;
                Some(Msg::History(history::load(dir, &scenario)))
            }
            Effect::Remember { scenario, line } => {
                let dir = self.settings.data_dir.as_deref()?;
                match history::append(dir, &scenario, &line) {
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
        let config = ClientConfig::new(request.server.clone(), request.code.trim(), request.name.trim(), request.role);
        let connected = self.connected.clone();
        let to_app = self.to_app.clone();
        tokio::spawn(async move {
            match Client::connect(config).await {
                Ok(client) => {
                    if let Err(mpsc::error::SendError(done)) = connected.send(Connected { attempt, client }).await {
                        let _ = done.client.handle.send(ClientCommand::Leave).await;
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
        if attempt != self.attempt || self.session.is_some() {
            let _ = client.handle.send(ClientCommand::Leave).await;
            return None;
        }
        let seat = client.seat();
        let code = client.code().to_owned();
        tracing::info!(code = %code, ?seat, "joined a hosted room");
        let (handle, events) = client.split();
        let forwarder = tokio::spawn(forward_net(events, self.to_app.clone()));
        self.session = Some(Session::Hosted(Seated { handle, forwarder }));
        Some(Msg::Net(NetMsg::Joined { seat, code }))
    }

    /// Starts this TUI's server (once) and a room on it; says what to tell the players and how
    /// this player joins.
    async fn host(&mut self, request: &HostRequest) -> anyhow::Result<(String, JoinRequest)> {
        if self.server.is_none() {
            let bind: SocketAddr = request
                .bind
                .parse()
                .map_err(|_| anyhow::anyhow!("{:?} is not an address to listen on", request.bind))?;
            let config = ServerConfig {
                data_dir: self.settings.data_dir.clone(),
                turn_timer: None,
                limits: crate::net::server::Limits::default(),
            };
            let server =
                Server::bind(bind, config).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
            let bound = server.local_addr()?;
            let rooms = server.rooms();
            let (stop, stopped) = oneshot::channel::<()>();
            let task = tokio::spawn(server.run(async {
                let _ = stopped.await;
            }));
            tracing::info!(%bound, "hosting from the TUI");
            self.server = Some(LocalServer { bound, rooms, stop: Some(stop), task });
        }
        let server = self.server.as_ref().ok_or_else(|| anyhow::anyhow!("the server did not start"))?;
        let room = server.rooms.create(&request.scenario).await?;
        let share = format!("kombat join {} --code {}", crate::net::lan::shareable(server.bound), room.code);
        let join = JoinRequest {
            server: crate::net::lan::local(server.bound).to_string(),
            code: room.code,
            name: request.name.clone(),
            role: request.role,
        };
        Ok((share, join))
    }

    /// Ends the current game: closes a solo room, gives up a hosted seat (and any join under way).
    async fn leave(&mut self) {
        self.attempt += 1;
        match self.session.take() {
            Some(Session::Solo(game)) => close(game).await,
            Some(Session::Hosted(seated)) => {
                seated.forwarder.abort();
                let _ = seated.handle.send(ClientCommand::Leave).await;
            }
            None => {}
        }
    }

    /// Leaves the game and stops this TUI's server (its players are told it is shutting down).
    async fn close(&mut self) {
        self.leave().await;
        if let Some(mut server) = self.server.take() {
            if let Some(stop) = server.stop.take() {
                let _ = stop.send(());
            }
            if tokio::time::timeout(Duration::from_secs(7), &mut server.task).await.is_err() {
                server.task.abort();
            }
        }
    }
}

/// Turns a hosted seat's events into messages for the model.
async fn forward_net(mut events: mpsc::Receiver<ClientEvent>, to_app: mpsc::Sender<Msg>) {
    while let Some(event) = events.recv().await {
        let msg = match event {
            ClientEvent::Lobby(lobby) => Msg::Net(NetMsg::Lobby(lobby)),
            ClientEvent::View(view) => Msg::Views(vec![*view]),
            ClientEvent::Done { result: Err(reason), .. } => Msg::Rejected(sanitize(&reason)),
            ClientEvent::Done { result: Ok(()), .. } => continue,
            ClientEvent::Notice(text) => Msg::Net(NetMsg::Notice(sanitize(&text))),
            ClientEvent::Gap { from, to } => {
                tracing::info!(from, to, "updates skipped; the next snapshot covers them");
                continue;
            }
            ClientEvent::Reconnecting { attempt, reason, .. } => {
                Msg::Net(NetMsg::Reconnecting { attempt, reason: sanitize(&reason) })
            }
            ClientEvent::Resumed => Msg::Net(NetMsg::Resumed),
            ClientEvent::Closed(Closed::Left) => return,
            ClientEvent::Closed(closed) => {
                let why = match closed {
                    Closed::Removed(reason) | Closed::Refused(reason) => sanitize(&reason),
                    Closed::Lost(reason) => format!("the connection is lost ({})", sanitize(&reason)),
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

async fn start_solo(id: &str, settings: &Settings, to_app: mpsc::Sender<Msg>) -> anyhow::Result<Solo> {
    let source = scenario::source(id)?;
    if let Some(problem) = scenario::validate(&source.scenario).first() {
        anyhow::bail!("scenario {id} is invalid: {problem}");
    }
    let seed = settings.seed.unwrap_or_else(fresh_seed);
    let game = Game::new(source.scenario, seed).map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?;
    let config = RoomConfig { seed, scenario_text: source.text, data_dir: settings.data_dir.clone(), turn_timer: None };
    let room = RoomHandle::spawn(game, config);
    for seat in SOLO_SEATS {
        room.join(seat, PLAYER).await?;
    }
    let events = room.subscribe().await?;
    room.start().await?;
    tracing::info!(scenario = id, seed, "solo game started");
    let forwarder = tokio::spawn(forward(room.clone(), events, to_app));
    Ok(Solo { room, forwarder })
}

/// A seed from the clock, so each solo game's cluster differs a little (pod names, timing).
fn fresh_seed() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64 % 1_000_000 + 1)
}

/// Turns the room's broadcasts into messages: fresh views after every applied batch.
async fn forward(room: RoomHandle, mut events: broadcast::Receiver<RoomEvent>, to_app: mpsc::Sender<Msg>) {
    // The opening events were broadcast before this task listened; start from a view.
    let mut stale = true;
    loop {
        let mut others = Vec::new();
        if !stale {
            match events.recv().await {
                Ok(RoomEvent::Applied(_)) | Err(broadcast::error::RecvError::Lagged(_)) => stale = true,
                Ok(other) => others.push(other),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
        // Several batches may be waiting; one fresh view covers them all.
        loop {
            match events.try_recv() {
                Ok(RoomEvent::Applied(_)) | Err(broadcast::error::TryRecvError::Lagged(_)) => stale = true,
                Ok(other) => others.push(other),
                Err(_) => break,
            }
        }
        let mut msgs = Vec::new();
        if stale {
            let Some(views) = views(&room).await else { return };
            msgs.push(Msg::Views(views));
            stale = false;
        }
        msgs.extend(others.into_iter().filter_map(|event| match event {
            RoomEvent::Warning(text) => Some(Msg::Warning(text)),
            RoomEvent::Postmortem(path) => Some(Msg::Postmortem(path)),
            RoomEvent::Applied(_) => None,
        }));
        for msg in msgs {
            if to_app.send(msg).await.is_err() {
                return;
            }
        }
    }
}

async fn views(room: &RoomHandle) -> Option<Vec<RoleView>> {
    room.inspect(|game| SOLO_SEATS.iter().map(|s| crate::game::view::for_seat(game, *s)).collect()).await.ok()
}

async fn close(game: Solo) {
    game.forwarder.abort();
    let _ = game.room.end().await;
}
