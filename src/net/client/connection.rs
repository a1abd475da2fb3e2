//! A client's connection: the caller's side (the [`Client`], its [`ClientHandle`] and the events
//! and commands that pass between them) and the handshake. One task (`session`) owns the socket
//! and turns frames into [`ClientEvent`]s and [`ClientCommand`]s into frames.

mod session;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::codec::{Framed, LengthDelimitedCodec};

use self::session::Session;
use super::{ClientConfig, split_server};
use crate::game::text::sanitize;
use crate::game::tournament::{Leaderboard, TournamentView};
use crate::game::view::RoleView;
use crate::game::{Action, Seat, Stamped};
use crate::net::codec::{self, framing};
use crate::net::protocol::{ClientMsg, LobbyView, PROTOCOL_VERSION, ServerMsg};

type Conn = Framed<TcpStream, LengthDelimitedCodec>;

/// How many events may wait for the caller before the task waits for it.
const EVENTS: usize = 256;
/// How many commands may wait for the task.
const COMMANDS: usize = 64;
/// Commands other than acts kept while reconnecting; older ones are dropped beyond this.
const HELD: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0:?} is not a server address; give HOST or HOST:PORT")]
    Address(String),
    #[error("cannot reach {server}: {source}")]
    Connect { server: String, source: std::io::Error },
    #[error("{server} did not answer within {} s", .after.as_secs_f32())]
    Timeout { server: String, after: Duration },
    /// With the server's reason, sanitized (this error is printed as it is).
    #[error("the server refused: {0}")]
    Refused(String),
    #[error(
        "the server speaks protocol version {server}, this kombat speaks version {PROTOCOL_VERSION}; \
         use the same kombat release as the host"
    )]
    Version { server: u16 },
    #[error("the server broke the protocol: {0}")]
    Protocol(String),
    #[error("the connection to the server is closed")]
    Closed,
}

impl ClientError {
    /// Whether trying again later could help (the network), or not (the server said no).
    fn is_transient(&self) -> bool {
        matches!(self, ClientError::Connect { .. } | ClientError::Timeout { .. } | ClientError::Closed)
    }
}

/// What the caller hears from the connection task.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientEvent {
    /// The lobby, as it is now.
    Lobby(LobbyView),
    /// The seat's view, as it is now.
    View(Box<RoleView>),
    /// How long the room's turn timer gives the current turn, from when this arrived.
    TurnTimer(Option<Duration>),
    /// What happened since the last view, as far as the seat may see it.
    Events(Vec<Stamped>),
    /// The answer to the act with this id.
    Done {
        id: u64,
        result: Result<(), String>,
    },
    Notice(String),
    /// The game may not start yet; the front end says why in its own terms.
    NotYet(crate::game::breaking::NotYet),
    /// Updates `from..=to` never arrived (the snapshot after them did, so nothing is missing
    /// from what is shown; this only says the numbering skipped).
    Gap {
        from: u64,
        to: u64,
    },
    /// The connection dropped; the next attempt is after `after`.
    Reconnecting {
        attempt: u32,
        after: Duration,
        reason: String,
    },
    /// The seat is back after a dropped connection.
    Resumed,
    /// The host sent the ended game's postmortem: where it was kept in the data directory, or
    /// why it was not.
    Postmortem(Result<std::path::PathBuf, String>),
    /// The session is over; nothing follows.
    Closed(Closed),
    /// The player now sits in this seat (the game master moved them); its lobby or view follows.
    Moved(Seat),
    /// The room is a team in a tournament: the leaderboard as it is now.
    Leaderboard(Box<Leaderboard>),
    /// A projector on a tournament's code: every team's public board and the leaderboard.
    Tournament(Box<TournamentView>),
    /// The break phase's card table (customer seats in a room with a break phase).
    Break(Box<crate::game::breaking::BreakView>),
}

/// Why a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The player left.
    Left,
    /// Removed from the seat (kicked, or the room closed), with the server's reason.
    Removed(String),
    /// The server refused to give the seat back, with its reason.
    Refused(String),
    /// Reconnecting did not work out, with the last reason.
    Lost(String),
    /// The host stopped for good, with its reason; there is nothing to reconnect to.
    HostStopped(String),
}

/// What the caller asks of the connection task.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientCommand {
    Act {
        id: u64,
        action: Action,
    },
    Ready(bool),
    LobbyChat(String),
    Start,
    Kick(Seat),
    Leave,
    /// After the game: a new one in the same room (`next`: the next built-in scenario).
    PlayAgain {
        next: bool,
    },
    /// Move the player in `from` to `to` (swapping with whoever is there).
    Move {
        from: Seat,
        to: Seat,
    },
    /// The break phase: a request of a customer seat in the lobby.
    Break(crate::game::breaking::BreakRequest),
}

/// The sending half: give it to whatever produces actions. Ids of acts count up from 1.
#[derive(Debug)]
pub struct ClientHandle {
    commands: mpsc::Sender<ClientCommand>,
    next_id: u64,
}

impl ClientHandle {
    /// Sends an action as the seat; the answer comes as `ClientEvent::Done` with the returned id.
    pub async fn act(&mut self, action: Action) -> Result<u64, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(ClientCommand::Act { id, action }).await?;
        Ok(id)
    }

    /// Sends anything else (an `Act` built by hand keeps its own id).
    pub async fn send(&self, command: ClientCommand) -> Result<(), ClientError> {
        self.commands.send(command).await.map_err(|_| ClientError::Closed)
    }

    /// Whether the connection task has ended.
    pub fn is_closed(&self) -> bool {
        self.commands.is_closed()
    }
}

/// One seat in a hosted room.
#[derive(Debug)]
pub struct Client {
    pub handle: ClientHandle,
    pub events: mpsc::Receiver<ClientEvent>,
    seat: Seat,
    code: String,
}

/// What a completed handshake brought.
struct Opened {
    conn: Conn,
    code: String,
    seat: Seat,
    token: String,
}

impl Client {
    /// Connects, says hello and takes a seat; errors here are final (a wrong code, a full room, a
    /// server of another version). Then the connection task runs until the session ends.
    pub async fn connect(config: ClientConfig) -> Result<Client, ClientError> {
        let join = ClientMsg::Join { code: config.code.clone(), name: config.name.clone(), role: config.role };
        let opened = open(&config, join).await?;
        let (commands_tx, commands) = mpsc::channel(COMMANDS);
        let (events_tx, events) = mpsc::channel(EVENTS);
        let seat = opened.seat;
        let code = opened.code.clone();
        tokio::spawn(Session::new(config, opened.token, seat, commands, events_tx).run(opened.conn));
        Ok(Client { handle: ClientHandle { commands: commands_tx, next_id: 1 }, events, seat, code })
    }

    pub fn seat(&self) -> Seat {
        self.seat
    }

    /// The room's join code.
    pub fn code(&self) -> &str {
        &self.code
    }

    pub async fn act(&mut self, action: Action) -> Result<u64, ClientError> {
        self.handle.act(action).await
    }

    pub async fn send(&self, command: ClientCommand) -> Result<(), ClientError> {
        self.handle.send(command).await
    }

    /// The next event; none once the session is over and every event was taken.
    pub async fn next_event(&mut self) -> Option<ClientEvent> {
        self.events.recv().await
    }

    /// The two halves, for a caller that sends from one place and listens in another.
    pub fn split(self) -> (ClientHandle, mpsc::Receiver<ClientEvent>) {
        (self.handle, self.events)
    }
}

/// Connects and goes through the handshake, ending with `first` (a `Join` or a `Resume`).
async fn open(config: &ClientConfig, first: ClientMsg) -> Result<Opened, ClientError> {
    let (host, port) = split_server(&config.server)?;
    let server = config.server.clone();
    let stream = match timeout(config.connect_timeout, TcpStream::connect((host.as_str(), port))).await {
        Err(_) => return Err(ClientError::Timeout { server, after: config.connect_timeout }),
        Ok(Err(source)) => return Err(ClientError::Connect { server, source }),
        Ok(Ok(stream)) => stream,
    };
    let _ = stream.set_nodelay(true);
    let mut conn = Framed::new(stream, framing());
    send(&mut conn, &ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await?;
    match receive(&mut conn, config).await? {
        ServerMsg::Welcome { protocol_version } if protocol_version == PROTOCOL_VERSION => {}
        ServerMsg::Welcome { protocol_version } => return Err(ClientError::Version { server: protocol_version }),
        ServerMsg::Refused { reason } => return Err(ClientError::Refused(sanitize(&reason))),
        other => return Err(ClientError::Protocol(format!("expected Welcome, got {}", kind(&other)))),
    }
    send(&mut conn, &first).await?;
    loop {
        match receive(&mut conn, config).await? {
            ServerMsg::Joined { code, seat, token } => return Ok(Opened { conn, code, seat, token }),
            ServerMsg::Refused { reason } | ServerMsg::Stopped { reason } => {
                return Err(ClientError::Refused(sanitize(&reason)));
            }
            ServerMsg::Notice { .. } | ServerMsg::Pong { .. } => {}
            other => return Err(ClientError::Protocol(format!("expected Joined, got {}", kind(&other)))),
        }
    }
}

async fn send(conn: &mut Conn, message: &ClientMsg) -> Result<(), ClientError> {
    let bytes = codec::encode(message).map_err(|e| ClientError::Protocol(e.to_string()))?;
    conn.send(bytes).await.map_err(|_| ClientError::Closed)
}

/// The next message of the handshake, within the connect timeout.
async fn receive(conn: &mut Conn, config: &ClientConfig) -> Result<ServerMsg, ClientError> {
    let after = config.connect_timeout;
    match timeout(after, conn.next()).await {
        Err(_) => Err(ClientError::Timeout { server: config.server.clone(), after }),
        Ok(None | Some(Err(_))) => Err(ClientError::Closed),
        Ok(Some(Ok(frame))) => codec::decode(&frame).map_err(|e| ClientError::Protocol(e.to_string())),
    }
}

/// A message's name, for errors (never its contents, which may be long or hostile).
fn kind(message: &ServerMsg) -> &'static str {
    match message {
        ServerMsg::Welcome { .. } => "Welcome",
        ServerMsg::Refused { .. } => "Refused",
        ServerMsg::Joined { .. } => "Joined",
        ServerMsg::Update { .. } => "Update",
        ServerMsg::Done { .. } => "Done",
        ServerMsg::Pong { .. } => "Pong",
        ServerMsg::Notice { .. } => "Notice",
        ServerMsg::Postmortem { .. } => "Postmortem",
        ServerMsg::Stopped { .. } => "Stopped",
        ServerMsg::NotYet { .. } => "NotYet",
    }
}
