//! One connection, start to end. The handler reads frames with a deadline on each (the handshake
//! deadline for `Hello` and then `Join` or `Resume`; the heartbeat once joined), answers pings,
//! and passes everything else to its table. A spectator who joined a tournament's code is a
//! projector: it only watches, and the tournament sends it its pictures. A writer task owns the
//! socket's other half and writes what the connection's [`Outbox`] queues. A frame that is too
//! long or does not decode ends this connection only, with a `Refused` saying why where one can
//! still be sent.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;
use tokio::time::Instant;
use tokio_util::codec::{FramedRead, LengthDelimitedCodec};
use tokio_util::sync::CancellationToken;

use super::Limits;
use super::bucket::Bucket;
use super::code::{self, check_name, normalize_code};
use super::outbox::{Outbox, write_loop};
use super::registry::Registry;
use super::table::TableHandle;
use super::tournament::TournamentHandle;
use crate::net::codec;
use crate::net::protocol::{ClientMsg, MAX_FRAME, PROTOCOL_VERSION, RoleWish, ServerMsg};

pub const SHUTTING_DOWN: &str = "the server is shutting down";
/// What a projector hears when it asks for more than watching.
pub const PROJECTOR_ONLY_WATCHES: &str = "this is a tournament's projector: it only watches";

/// Where a connection sits once joined.
enum Seated {
    /// A seat at a room's table.
    Table(TableHandle),
    /// A projector on a tournament.
    Projector(TournamentHandle),
}

/// What every handler shares.
pub struct Context {
    pub registry: Registry,
    pub limits: Limits,
}

/// The read buffer a connection starts with (tokio-util's default is 8 KiB, which thousands of
/// connections would hold for frames of a few bytes).
const READ_BUFFER: usize = 256;

/// The longest frame a connection may send before it has joined: `Hello`, `Join` and `Resume`
/// are a few hundred bytes, and a connection that has not joined must not make the server hold
/// a frame of [`MAX_FRAME`] for it.
pub const MAX_HANDSHAKE_FRAME: usize = 4096;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// Serves one connection until it ends; returns once its socket is closed.
pub async fn serve(socket: TcpStream, peer: SocketAddr, context: Arc<Context>, stop: CancellationToken) {
    let conn = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    let (read, write) = socket.into_split();
    let (outbox, queue) = Outbox::new(conn, context.limits.queue);
    let writer = tokio::spawn(write_loop(write, queue, outbox.token(), context.limits.write_timeout));
    let pings = Bucket::new(context.limits.pings, Instant::now());
    let mut framing = codec::framing();
    framing.set_max_frame_length(MAX_HANDSHAKE_FRAME);
    let mut handler = Handler {
        // Clients send small frames; the buffer grows for a larger one when it comes.
        frames: FramedRead::with_capacity(read, framing, READ_BUFFER),
        outbox,
        limits: context.limits,
        context,
        stop,
        conn,
        pings,
    };
    let end = handler.run().await;
    super::quiet::log(|| tracing::info!(%peer, conn, "connection closed: {end}"));
    handler.outbox.close();
    drop(handler);
    let _ = writer.await;
}

struct Handler {
    frames: FramedRead<OwnedReadHalf, LengthDelimitedCodec>,
    outbox: Outbox,
    context: Arc<Context>,
    limits: Limits,
    stop: CancellationToken,
    conn: u64,
    pings: Bucket,
}

/// What one read brought.
enum Read {
    Message(ClientMsg),
    /// The client closed the connection.
    Closed,
    /// Nothing arrived in time.
    Silent,
    /// A frame too long or not a message.
    Bad(String),
    /// The server is shutting down.
    Stopping,
    /// The table dropped this connection (kicked, replaced, not reading, room closed).
    Dropped,
}

impl Handler {
    async fn read(&mut self, within: Duration) -> Read {
        tokio::select! {
            () = self.stop.cancelled() => Read::Stopping,
            () = self.outbox.closed() => Read::Dropped,
            next = tokio::time::timeout(within, self.frames.next()) => match next {
                Err(_) => Read::Silent,
                Ok(None) => Read::Closed,
                Ok(Some(Err(e))) => Read::Bad(format!("unreadable frame: {e}")),
                Ok(Some(Ok(frame))) => match codec::decode::<ClientMsg>(&frame) {
                    Ok(message) => Read::Message(message),
                    Err(e) => Read::Bad(e.to_string()),
                },
            },
        }
    }

    fn refuse(&self, reason: &str) {
        self.outbox.send(&ServerMsg::Refused { reason: reason.to_owned() });
    }

    /// Why a read ended the connection, for the log; tells the client where that helps.
    fn ended(&self, read: Read) -> String {
        match read {
            Read::Stopping => {
                self.refuse(SHUTTING_DOWN);
                SHUTTING_DOWN.to_owned()
            }
            Read::Dropped => "dropped by its room".to_owned(),
            Read::Silent => "nothing arrived in time".to_owned(),
            Read::Closed => "closed by the client".to_owned(),
            Read::Bad(e) => {
                self.refuse(&format!("{e}; closing the connection"));
                e
            }
            Read::Message(_) => {
                self.refuse("that message is not expected now; closing the connection");
                "an unexpected message".to_owned()
            }
        }
    }

    async fn run(&mut self) -> String {
        let handshake = self.limits.handshake;
        match self.read(handshake).await {
            Read::Message(ClientMsg::Hello { protocol_version }) if protocol_version == PROTOCOL_VERSION => {
                self.outbox.send(&ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION });
            }
            Read::Message(ClientMsg::Hello { protocol_version }) => {
                self.refuse(&format!(
                    "this server speaks protocol version {PROTOCOL_VERSION} and your client speaks version \
                     {protocol_version}: use the same kombat release as the host"
                ));
                return format!("protocol version {protocol_version}");
            }
            other => return self.ended(other),
        }
        let joined = match self.read(handshake).await {
            Read::Message(ClientMsg::Join { code, name, role }) => self.join(&code, &name, role).await,
            Read::Message(ClientMsg::Resume { token, last_seq }) => self.resume(&token, last_seq).await,
            other => return self.ended(other),
        };
        // The table follows which seat the player holds from here (the game master may move them).
        let table = match joined {
            Ok(Seated::Table(table)) => table,
            Ok(Seated::Projector(tournament)) => {
                let end = self.watch().await;
                tournament.gone(self.conn).await;
                return end;
            }
            Err(reason) => {
                self.refuse(&reason);
                return format!("refused: {reason}");
            }
        };
        // Joined: a frame may be as long as the protocol allows.
        self.frames.decoder_mut().set_max_frame_length(MAX_FRAME);
        let end = self.play(&table).await;
        table.gone(self.conn).await;
        end
    }

    /// A projector on a tournament's code: it only watches. Pings are answered, `Leave` ends it,
    /// and anything else is told it does nothing here.
    async fn watch(&mut self) -> String {
        let heartbeat = self.limits.heartbeat;
        loop {
            match self.read(heartbeat).await {
                Read::Message(ClientMsg::Ping { nonce }) => {
                    if self.pings.take(Instant::now()) && !self.outbox.send(&ServerMsg::Pong { nonce }) {
                        return "its queue is full".to_owned();
                    }
                }
                Read::Message(ClientMsg::Leave) => return "left".to_owned(),
                Read::Message(ClientMsg::Hello { .. } | ClientMsg::Join { .. } | ClientMsg::Resume { .. }) => {
                    self.refuse("this connection already has a seat; closing it");
                    return "a second handshake".to_owned();
                }
                Read::Message(_) => {
                    if self.pings.take(Instant::now()) {
                        self.outbox.send(&ServerMsg::Notice { text: PROJECTOR_ONLY_WATCHES.to_owned() });
                    }
                }
                other => return self.ended(other),
            }
        }
    }

    async fn join(&self, code: &str, name: &str, role: RoleWish) -> Result<Seated, String> {
        let name = check_name(name)?;
        let Some(code) = normalize_code(code) else {
            return Err(format!("no room has the code {}", code::shown(code)));
        };
        let Some(table) = self.context.registry.find(&code).await else {
            let tournament = self
                .context
                .registry
                .find_tournament(&code)
                .await
                .ok_or_else(|| format!("no room has the code {code}"))?;
            if role != RoleWish::Spectator {
                return Err(format!(
                    "{code} is a tournament's code: join it as a spectator to watch every team (the \
                     projector), or join a team with its room's code"
                ));
            }
            return match tournament.watch(name.clone(), self.outbox.clone()).await {
                Ok(Ok(_)) => Ok(Seated::Projector(tournament)),
                Ok(Err(reason)) => Err(reason),
                Err(_) => Err("that tournament has closed".to_owned()),
            };
        };
        match table.join(name, role, self.outbox.clone()).await {
            Ok(Ok(_)) => Ok(Seated::Table(table)),
            Ok(Err(reason)) => Err(reason),
            Err(_) => Err("that room has closed".to_owned()),
        }
    }

    async fn resume(&self, token: &str, last_seq: u64) -> Result<Seated, String> {
        let unknown = || "that seat cannot be resumed: the token is not known here".to_owned();
        let code = code::token_room(token).ok_or_else(unknown)?;
        let gone = || "that seat's room is gone (the server may have restarted)".to_owned();
        let Some(table) = self.context.registry.find(&code).await else {
            let tournament = self.context.registry.find_tournament(&code).await.ok_or_else(gone)?;
            return match tournament.resume(token.to_owned(), last_seq, self.outbox.clone()).await {
                Ok(Ok(_)) => Ok(Seated::Projector(tournament)),
                Ok(Err(reason)) => Err(reason),
                Err(_) => Err("that tournament has closed".to_owned()),
            };
        };
        match table.resume(token.to_owned(), last_seq, self.outbox.clone()).await {
            Ok(Ok(_)) => Ok(Seated::Table(table)),
            Ok(Err(reason)) => Err(reason),
            Err(_) => Err("that room has closed".to_owned()),
        }
    }

    /// Joined: pings are answered here, everything else goes to the table.
    async fn play(&mut self, table: &TableHandle) -> String {
        let heartbeat = self.limits.heartbeat;
        loop {
            match self.read(heartbeat).await {
                Read::Message(ClientMsg::Ping { nonce }) => {
                    if self.pings.take(Instant::now()) && !self.outbox.send(&ServerMsg::Pong { nonce }) {
                        return "its queue is full".to_owned();
                    }
                }
                Read::Message(ClientMsg::Hello { .. } | ClientMsg::Join { .. } | ClientMsg::Resume { .. }) => {
                    self.refuse("this connection already has a seat; closing it");
                    return "a second handshake".to_owned();
                }
                Read::Message(ClientMsg::Leave) => {
                    let _ = table.message(self.conn, ClientMsg::Leave).await;
                    return "left".to_owned();
                }
                Read::Message(message) => {
                    if table.message(self.conn, message).await.is_err() {
                        self.refuse("the room has closed");
                        return "its room has closed".to_owned();
                    }
                }
                other => return self.ended(other),
            }
        }
    }
}
