//! One room under load, driven by one task that owns all of the room's connections, so that the
//! arrival of every frame is timed on one clock without any locking. The task connects and seats
//! the room's clients (game master first, then responders, the customer, spectators), readies
//! them and starts the game, and reports ready; at the shared go time it acts on the room's
//! schedule, times each act until the last view it caused, and pings every connection the way a
//! real client does. Anything off the protocol, and any connection the server closes, is an error.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use futures_util::stream::{self, SelectAll};
use futures_util::{SinkExt, Stream, StreamExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::{Instant, timeout};
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};

use super::plan::{Plan, Step};
use super::report::Counts;
use super::wire::{Incoming, Snapshot, classify};
use crate::game::Seat;
use crate::net::codec;
use crate::net::protocol::{ClientMsg, PROTOCOL_VERSION, RoleWish, ServerMsg, Update};

/// How long each step of seating a client may take.
const HANDSHAKE: Duration = Duration::from_secs(20);
/// How long the game may take to start once asked.
const STARTING: Duration = Duration::from_secs(60);
/// Pings keep the server's heartbeat happy, as a real client's do.
const PING_EVERY: Duration = Duration::from_secs(10);

/// The room to load.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    pub code: String,
    /// The room's number, from 0, of `rooms` (rooms act evenly spread across each period).
    pub index: usize,
    pub rooms: usize,
    pub clients: usize,
}

/// When rooms act: from `go`, this room first at `go + offset`, then every `period` until `end`;
/// then views are still awaited for `drain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub go: Instant,
    pub period: Duration,
    pub end: Instant,
    pub drain: Duration,
}

/// What the go signal says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Go {
    Wait,
    Run(Schedule),
    /// Another room failed to start: stop.
    Cancel,
}

/// What one room measured.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub counts: Counts,
    /// Per accepted act: microseconds until the last view it caused.
    pub views_us: Vec<u64>,
    /// Per answered act: microseconds until its `Done`.
    pub done_us: Vec<u64>,
    /// The first `Notice` a client got, to show what the notices were about.
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The roles clients ask for, in joining order: the game master first (the first to join may
/// take it), responders wherever there is room, the customer, then spectators.
pub fn roles(clients: usize) -> Vec<RoleWish> {
    (0..clients)
        .map(|i| match i {
            0 => RoleWish::GameMaster,
            1..=4 => RoleWish::Any,
            5 => RoleWish::Customer,
            _ => RoleWish::Spectator,
        })
        .collect()
}

type Reader = FramedRead<OwnedReadHalf, LengthDelimitedCodec>;
type Writer = FramedWrite<OwnedWriteHalf, LengthDelimitedCodec>;
/// Frames of every connection, tagged with the client; `None` when that connection ended.
type Frames = SelectAll<Pin<Box<dyn Stream<Item = (usize, Option<std::io::Result<BytesMut>>)> + Send>>>;

async fn send(writer: &mut Writer, message: &ClientMsg) -> Result<(), String> {
    let frame = codec::encode(message).map_err(|e| e.to_string())?;
    writer.send(frame).await.map_err(|e| format!("cannot send: {e}"))
}

async fn receive(reader: &mut Reader) -> Result<ServerMsg, String> {
    match timeout(HANDSHAKE, reader.next()).await {
        Err(_) => Err(format!("the server did not answer within {HANDSHAKE:?}")),
        Ok(None) => Err("the server closed the connection".to_owned()),
        Ok(Some(Err(e))) => Err(format!("cannot read: {e}")),
        Ok(Some(Ok(frame))) => codec::decode(&frame).map_err(|e| e.to_string()),
    }
}

enum Seating {
    Refused(String),
    Failed(String),
}

/// Connects, says hello and takes a seat.
async fn seat(addr: SocketAddr, code: &str, name: &str, role: RoleWish) -> Result<(Reader, Writer, Seat), Seating> {
    let stream = match timeout(HANDSHAKE, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return Err(Seating::Failed(format!("cannot connect: {e}"))),
        Err(_) => return Err(Seating::Failed("connecting took too long".to_owned())),
    };
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, codec::framing());
    let mut writer = FramedWrite::new(write, codec::framing());
    send(&mut writer, &ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await.map_err(Seating::Failed)?;
    match receive(&mut reader).await.map_err(Seating::Failed)? {
        ServerMsg::Welcome { .. } => {}
        ServerMsg::Refused { reason } => return Err(Seating::Failed(format!("refused at hello: {reason}"))),
        other => return Err(Seating::Failed(format!("expected Welcome, got {other:?}"))),
    }
    let join = ClientMsg::Join { code: code.to_owned(), name: name.to_owned(), role };
    send(&mut writer, &join).await.map_err(Seating::Failed)?;
    match receive(&mut reader).await.map_err(Seating::Failed)? {
        ServerMsg::Joined { seat, .. } => Ok((reader, writer, seat)),
        ServerMsg::Refused { reason } => Err(Seating::Refused(reason)),
        other => Err(Seating::Failed(format!("expected Joined, got {other:?}"))),
    }
}

struct Client {
    writer: Writer,
    seat: Seat,
    /// The last `seq` received.
    seq: u64,
    viewed: bool,
}

/// The act awaiting its `Done` and views.
struct Pending {
    id: u64,
    step: Step,
    sent: Instant,
    /// When `Done` came, and whether the act was accepted.
    done: Option<(Instant, bool)>,
    last_view: Option<Instant>,
    /// Which clients got a view since (bit = client index; `--clients-per-room` is at most 64).
    seen: u64,
}

/// What the room learns from a frame while starting.
enum Signal {
    /// Every client is seated and ready (the first client's lobby says so).
    AllReady,
    /// A troubleshooter's first view: the action points of a turn.
    Points(u32),
}

enum Phase {
    /// Waiting for every client's first view.
    Starting {
        until: Instant,
        points: Option<u32>,
    },
    Waiting,
    Running {
        next_act: Instant,
        schedule: Schedule,
    },
    Draining {
        until: Instant,
    },
}

struct Room {
    index: usize,
    rooms: usize,
    clients: Vec<Client>,
    plan: Option<Plan>,
    pending: Option<Pending>,
    next_id: u64,
    measuring: bool,
    outcome: Outcome,
}

/// Runs one room to the end of its schedule. `ready` hears once: seated and started, or why not.
pub async fn run(
    target: Target,
    seating: Arc<Semaphore>,
    ready: mpsc::UnboundedSender<Result<(), String>>,
    go: watch::Receiver<Go>,
) -> Outcome {
    let permit = seating.acquire_owned().await.ok();
    let (mut room, frames) = match connect(&target).await {
        Ok(pair) => pair,
        Err(e) => {
            let e = format!("room {}: {e}", target.index);
            let _ = ready.send(Err(e.clone()));
            return Outcome { error: Some(e), ..Outcome::default() };
        }
    };
    let error = room.drive(frames, permit, &ready, go).await.err();
    room.outcome.counts.clients_with_views = room.clients.iter().filter(|c| c.viewed).count() as u64;
    if let Some(e) = &error {
        // Harmless when the room had reported ready already: main stops listening then.
        let _ = ready.send(Err(e.clone()));
    }
    room.outcome.error = error;
    room.outcome
}

async fn connect(target: &Target) -> Result<(Room, Frames), String> {
    let mut clients = Vec::with_capacity(target.clients);
    let mut frames: Frames = SelectAll::new();
    for (i, role) in roles(target.clients).into_iter().enumerate() {
        let name = format!("r{}-c{i}", target.index);
        let seated = match seat(target.addr, &target.code, &name, role).await {
            // A scenario without a customer seat: watch instead.
            Err(Seating::Refused(_)) if role == RoleWish::Customer => {
                seat(target.addr, &target.code, &name, RoleWish::Spectator).await
            }
            other => other,
        };
        let (reader, writer, seat) = match seated {
            Ok(triple) => triple,
            Err(Seating::Refused(reason)) => return Err(format!("client {i} ({role:?}) refused: {reason}")),
            Err(Seating::Failed(e)) => return Err(format!("client {i} ({role:?}): {e}")),
        };
        let tagged = reader.map(move |frame| (i, Some(frame))).chain(stream::once(async move { (i, None) }));
        frames.push(Box::pin(tagged));
        clients.push(Client { writer, seat, seq: 0, viewed: false });
    }
    let room = Room {
        index: target.index,
        rooms: target.rooms,
        clients,
        plan: None,
        pending: None,
        next_id: 1,
        measuring: false,
        outcome: Outcome::default(),
    };
    Ok((room, frames))
}

impl Room {
    async fn drive(
        &mut self,
        mut frames: Frames,
        mut permit: Option<tokio::sync::OwnedSemaphorePermit>,
        ready: &mpsc::UnboundedSender<Result<(), String>>,
        mut go: watch::Receiver<Go>,
    ) -> Result<(), String> {
        for i in 0..self.clients.len() {
            self.send(i, &ClientMsg::Ready(true)).await?;
        }
        let mut phase = Phase::Starting { until: Instant::now() + STARTING, points: None };
        let mut next_ping = Instant::now() + PING_EVERY + Duration::from_millis((self.index % 1000) as u64 * 10);
        let sleep = tokio::time::sleep_until(next_ping);
        tokio::pin!(sleep);
        loop {
            let deadline = match &phase {
                Phase::Starting { until, .. } | Phase::Draining { until } => next_ping.min(*until),
                Phase::Waiting => next_ping,
                Phase::Running { next_act, .. } => next_ping.min(*next_act),
            };
            if sleep.deadline() != deadline {
                sleep.as_mut().reset(deadline);
            }
            let waiting = matches!(phase, Phase::Waiting);
            tokio::select! {
                item = frames.next() => {
                    let Some((i, frame)) = item else { return Err(self.fail("no connection left")) };
                    let frame = match frame {
                        Some(Ok(frame)) => frame,
                        Some(Err(e)) => return Err(self.dropped(i, &format!("cannot read: {e}"))),
                        None => return Err(self.dropped(i, "the server closed the connection")),
                    };
                    let signal = self.on_frame(i, &frame, Instant::now())?;
                    if let Phase::Starting { points: known, .. } = &mut phase {
                        match signal {
                            // The first to join is the game master, or the creator who may start
                            // without one. Readiness goes first, so that no `Ready` reaches a
                            // started game.
                            Some(Signal::AllReady) => self.send(0, &ClientMsg::Start).await?,
                            Some(Signal::Points(points)) => *known = known.or(Some(points)),
                            None => {}
                        }
                        if self.clients.iter().all(|c| c.viewed) {
                            let seats: Vec<Seat> = self.clients.iter().map(|c| c.seat).collect();
                            self.plan = Some(Plan::new(&seats, known.unwrap_or(1)));
                            permit.take();
                            let _ = ready.send(Ok(()));
                            phase = Phase::Waiting;
                        }
                    }
                }
                changed = go.changed(), if waiting => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    let signal = *go.borrow_and_update();
                    match signal {
                        Go::Wait => {}
                        Go::Cancel => return Ok(()),
                        Go::Run(schedule) => {
                            self.measuring = true;
                            let offset = schedule.period.mul_f64(self.index as f64 / self.rooms.max(1) as f64);
                            phase = Phase::Running { next_act: schedule.go + offset, schedule };
                        }
                    }
                }
                () = &mut sleep => {
                    let now = Instant::now();
                    if now >= next_ping {
                        for i in 0..self.clients.len() {
                            self.send(i, &ClientMsg::Ping { nonce: self.next_id }).await?;
                        }
                        next_ping += PING_EVERY;
                    }
                    match &mut phase {
                        Phase::Starting { until, .. } if now >= *until => {
                            return Err(self.fail("the game did not start in time"));
                        }
                        Phase::Running { next_act, schedule } if now >= *next_act => {
                            self.settle();
                            if *next_act < schedule.end {
                                self.act().await?;
                                *next_act += schedule.period;
                            } else {
                                phase = Phase::Draining { until: schedule.end + schedule.drain };
                            }
                        }
                        Phase::Draining { until } if now >= *until => {
                            self.settle();
                            return Ok(());
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn fail(&mut self, why: &str) -> String {
        format!("room {}: {why}", self.index)
    }

    fn dropped(&mut self, client: usize, why: &str) -> String {
        self.outcome.counts.disconnects += 1;
        let seat = self.clients.get(client).map(|c| c.seat.label()).unwrap_or_default();
        format!("room {}: client {client} ({seat}) dropped: {why}", self.index)
    }

    async fn send(&mut self, client: usize, message: &ClientMsg) -> Result<(), String> {
        let index = self.index;
        let Some(c) = self.clients.get_mut(client) else { return Ok(()) };
        send(&mut c.writer, message).await.map_err(|e| format!("room {index}: client {client}: {e}"))
    }

    async fn act(&mut self) -> Result<(), String> {
        let Some((client, action, step)) = self.plan.as_mut().and_then(Plan::next) else { return Ok(()) };
        let id = self.next_id;
        self.next_id += 1;
        self.outcome.counts.sent += 1;
        let sent = Instant::now();
        self.pending = Some(Pending { id, step, sent, done: None, last_view: None, seen: 0 });
        self.send(client, &ClientMsg::Act { id, action }).await
    }

    /// Closes the books on the act in flight.
    fn settle(&mut self) {
        let Some(p) = self.pending.take() else { return };
        let counts = &mut self.outcome.counts;
        let Some((done_at, accepted)) = p.done else {
            counts.unanswered += 1;
            return;
        };
        self.outcome.done_us.push(micros(done_at - p.sent));
        if !accepted {
            return;
        }
        match p.last_view {
            Some(at) => {
                self.outcome.views_us.push(micros(at - p.sent));
                counts.views_after_acts += u64::from(p.seen.count_ones());
            }
            None => counts.without_view += 1,
        }
    }

    /// Takes in one frame from client `i`; says what the room must know while starting.
    fn on_frame(&mut self, i: usize, frame: &BytesMut, now: Instant) -> Result<Option<Signal>, String> {
        let index = self.index;
        let counts = &mut self.outcome.counts;
        if self.measuring {
            counts.bytes += frame.len() as u64 + 4;
        }
        let incoming = classify(frame).map_err(|e| format!("room {index}: client {i}: {e}"))?;
        let seated = self.clients.len();
        let Some(client) = self.clients.get_mut(i) else { return Ok(None) };
        match incoming {
            Incoming::Update { seq, snapshot } => {
                if seq <= client.seq {
                    return Err(format!("room {index}: client {i}: update {seq} after {}", client.seq));
                }
                if seq != client.seq + 1 {
                    counts.gaps += 1;
                }
                client.seq = seq;
                match snapshot {
                    Snapshot::Lobby if i == 0 => match codec::decode::<ServerMsg>(frame) {
                        Ok(ServerMsg::Update { update: Update::Lobby(lobby), .. })
                            if lobby.players.len() == seated && lobby.players.iter().all(|p| p.ready) =>
                        {
                            Ok(Some(Signal::AllReady))
                        }
                        _ => Ok(None),
                    },
                    Snapshot::Lobby | Snapshot::Events | Snapshot::TurnTimer => Ok(None),
                    Snapshot::Removed(reason) => {
                        counts.disconnects += 1;
                        Err(format!("room {index}: client {i} removed: {reason}"))
                    }
                    Snapshot::View => {
                        if self.measuring {
                            counts.updates += 1;
                        }
                        if let Some(p) = &mut self.pending {
                            p.last_view = Some(now);
                            p.seen |= 1 << i;
                        }
                        if client.viewed {
                            return Ok(None);
                        }
                        client.viewed = true;
                        if !matches!(client.seat, Seat::Troubleshooter(_)) {
                            return Ok(None);
                        }
                        // Once per troubleshooter: the points of a turn, from its first view.
                        match codec::decode::<ServerMsg>(frame) {
                            Ok(ServerMsg::Update { update: Update::View(view), .. }) => {
                                Ok(view.points_left.map(Signal::Points))
                            }
                            _ => Ok(None),
                        }
                    }
                }
            }
            Incoming::Other(ServerMsg::Done { id, result }) => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.id == id && p.done.is_none()) {
                    p.done = Some((now, result.is_ok()));
                    if result.is_ok() {
                        counts.accepted += 1;
                    } else {
                        counts.refused += 1;
                        if p.step == Step::Command
                            && let Some(plan) = &mut self.plan
                        {
                            plan.command_refused();
                        }
                    }
                }
                Ok(None)
            }
            Incoming::Other(ServerMsg::Pong { .. }) => Ok(None),
            Incoming::Other(ServerMsg::Notice { text }) => {
                counts.notices += 1;
                self.outcome.notice.get_or_insert(text);
                Ok(None)
            }
            Incoming::Other(ServerMsg::Refused { reason }) => {
                counts.disconnects += 1;
                Err(format!("room {index}: client {i} refused: {reason}"))
            }
            Incoming::Other(other) => Err(format!("room {index}: client {i}: unexpected {other:?}")),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_game_master_joins_first_then_responders_then_the_customer() {
        assert_eq!(
            roles(6),
            vec![RoleWish::GameMaster, RoleWish::Any, RoleWish::Any, RoleWish::Any, RoleWish::Any, RoleWish::Customer]
        );
        assert_eq!(roles(8)[6..], [RoleWish::Spectator, RoleWish::Spectator]);
        assert_eq!(roles(2), vec![RoleWish::GameMaster, RoleWish::Any]);
    }
}
