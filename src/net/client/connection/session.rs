//! The session task: it owns the socket and what outlives a connection (the token, the last
//! `seq`, the acts not yet answered); it serves one connection at a time, and when one drops it
//! reconnects with backoff and resumes the seat.

use std::collections::{BTreeMap, VecDeque};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{ClientCommand, ClientError, ClientEvent, Closed, Conn, HELD, open, send};
use crate::game::{Action, Seat};
use crate::net::client::ClientConfig;
use crate::net::codec;
use crate::net::protocol::{ClientMsg, ServerMsg, Update};

/// How a connected stretch ended.
enum Stop {
    /// The session is over.
    Closed(Closed),
    /// The connection broke, with why; the seat may be resumed.
    Dropped(String),
}

/// The seat's session across connections.
pub(super) struct Session {
    config: ClientConfig,
    token: String,
    /// The seat the player holds now (the game master may move them).
    seat: Seat,
    last_seq: u64,
    /// Acts sent and not yet answered, resent after a resume.
    pending: BTreeMap<u64, Action>,
    /// Other commands given while reconnecting.
    held: VecDeque<ClientCommand>,
    nonce: u64,
    commands: mpsc::Receiver<ClientCommand>,
    events: mpsc::Sender<ClientEvent>,
}

impl Session {
    pub(super) fn new(
        config: ClientConfig,
        token: String,
        seat: Seat,
        commands: mpsc::Receiver<ClientCommand>,
        events: mpsc::Sender<ClientEvent>,
    ) -> Session {
        Session {
            config,
            token,
            seat,
            last_seq: 0,
            pending: BTreeMap::new(),
            held: VecDeque::new(),
            nonce: 0,
            commands,
            events,
        }
    }

    pub(super) async fn run(mut self, mut conn: Conn) {
        loop {
            let closed = match self.serve(&mut conn).await {
                Stop::Closed(closed) => closed,
                Stop::Dropped(reason) => match self.reconnect(reason).await {
                    Ok(next) => {
                        conn = next;
                        continue;
                    }
                    Err(closed) => closed,
                },
            };
            let _ = self.events.send(ClientEvent::Closed(closed)).await;
            return;
        }
    }

    async fn emit(&self, event: ClientEvent) {
        // A caller that stopped listening gets nothing; the session still ends properly.
        let _ = self.events.send(event).await;
    }

    /// Serves one connection until it ends.
    async fn serve(&mut self, conn: &mut Conn) -> Stop {
        let every = self.config.ping_every;
        let mut ping = tokio::time::interval_at(Instant::now() + every, every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                frame = conn.next() => {
                    let bytes = match frame {
                        None => return Stop::Dropped("the server closed the connection".to_owned()),
                        Some(Err(e)) => return Stop::Dropped(format!("the connection failed: {e}")),
                        Some(Ok(bytes)) => bytes,
                    };
                    heard = Instant::now();
                    let message = match codec::decode::<ServerMsg>(&bytes) {
                        Ok(message) => message,
                        Err(e) => return Stop::Dropped(format!("the server sent a bad frame: {e}")),
                    };
                    if let Some(stop) = self.receive(message).await {
                        return stop;
                    }
                }
                command = self.commands.recv() => {
                    // The caller dropped its handle: that is leaving too.
                    let command = command.unwrap_or(ClientCommand::Leave);
                    if let Some(stop) = self.command(conn, command).await {
                        return stop;
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() >= self.config.silence {
                        let secs = heard.elapsed().as_secs();
                        return Stop::Dropped(format!("nothing heard from the server for {secs} s"));
                    }
                    self.nonce += 1;
                    if send(conn, &ClientMsg::Ping { nonce: self.nonce }).await.is_err() {
                        return Stop::Dropped("the connection failed".to_owned());
                    }
                }
            }
        }
    }

    /// Handles one message from the server; `Some` when the connection ends.
    async fn receive(&mut self, message: ServerMsg) -> Option<Stop> {
        match message {
            ServerMsg::Update { seq, update } => {
                if seq <= self.last_seq {
                    return None;
                }
                if seq > self.last_seq + 1 {
                    self.emit(ClientEvent::Gap { from: self.last_seq + 1, to: seq - 1 }).await;
                }
                self.last_seq = seq;
                match update {
                    Update::Lobby(lobby) => self.emit(ClientEvent::Lobby(lobby)).await,
                    Update::View(view) => self.emit(ClientEvent::View(view)).await,
                    Update::Events(events) => self.emit(ClientEvent::Events(events)).await,
                    Update::Removed { reason } => return Some(Stop::Closed(Closed::Removed(reason))),
                    Update::TurnTimer { left_ms } => {
                        self.emit(ClientEvent::TurnTimer(left_ms.map(std::time::Duration::from_millis))).await;
                    }
                    Update::Moved { seat } => {
                        self.seat = seat;
                        self.emit(ClientEvent::Moved(seat)).await;
                    }
                    Update::Leaderboard(board) => self.emit(ClientEvent::Leaderboard(board)).await,
                    Update::Tournament(view) => self.emit(ClientEvent::Tournament(view)).await,
                    Update::Break(view) => self.emit(ClientEvent::Break(view)).await,
                }
            }
            ServerMsg::Done { id, result } => {
                self.pending.remove(&id);
                self.emit(ClientEvent::Done { id, result }).await;
            }
            ServerMsg::Notice { text } => self.emit(ClientEvent::Notice(text)).await,
            ServerMsg::NotYet { reason } => self.emit(ClientEvent::NotYet(reason)).await,
            // The server hangs up after it. Whatever made it (shutting down for a restart, a
            // flood), resuming is worth a try; a refused resume ends the session.
            ServerMsg::Refused { reason } => return Some(Stop::Dropped(format!("the server hung up: {reason}"))),
            ServerMsg::Stopped { reason } => return Some(Stop::Closed(Closed::HostStopped(reason))),
            ServerMsg::Postmortem { name, text } => {
                let saved = match &self.config.data_dir {
                    Some(data) => crate::room::files::save_received_postmortem(data, &name, &text)
                        .map_err(|e| format!("cannot keep the postmortem in {}: {e}", data.display())),
                    None => {
                        Err("the host sent the postmortem, but there is no data directory to keep it in".to_owned())
                    }
                };
                self.emit(ClientEvent::Postmortem(saved)).await;
            }
            ServerMsg::Joined { token, .. } => self.token = token,
            ServerMsg::Pong { .. } | ServerMsg::Welcome { .. } => {}
        }
        None
    }

    /// Sends one command; `Some` when the connection ends.
    async fn command(&mut self, conn: &mut Conn, command: ClientCommand) -> Option<Stop> {
        let act = match &command {
            ClientCommand::Act { id, .. } => Some(*id),
            _ => None,
        };
        let message = match command {
            ClientCommand::Act { id, action } => ClientMsg::Act { id, action },
            ClientCommand::Ready(ready) => ClientMsg::Ready(ready),
            ClientCommand::LobbyChat(text) => ClientMsg::LobbyChat(text),
            ClientCommand::Start => ClientMsg::Start,
            ClientCommand::Kick(seat) => ClientMsg::Kick { seat },
            ClientCommand::PlayAgain { next } => ClientMsg::PlayAgain { next },
            ClientCommand::Move { from, to } => ClientMsg::Move { from, to },
            ClientCommand::Break(request) => ClientMsg::Break(request),
            ClientCommand::Leave => {
                let _ = send(conn, &ClientMsg::Leave).await;
                let _ = SinkExt::<bytes::Bytes>::close(conn).await;
                return Some(Stop::Closed(Closed::Left));
            }
        };
        let bytes = match codec::encode(&message) {
            Ok(bytes) => bytes,
            Err(e) => {
                let event = match act {
                    Some(id) => ClientEvent::Done { id, result: Err(format!("not sent: {e}")) },
                    None => ClientEvent::Notice(format!("not sent: {e}")),
                };
                self.emit(event).await;
                return None;
            }
        };
        if let ClientMsg::Act { id, action } = message {
            self.pending.insert(id, action);
        }
        match conn.send(bytes).await {
            Ok(()) => None,
            Err(_) => Some(Stop::Dropped("the connection failed".to_owned())),
        }
    }

    /// Reconnects with backoff and resumes the seat; the connection to serve next, or why not.
    async fn reconnect(&mut self, mut reason: String) -> Result<Conn, Closed> {
        let backoff = self.config.backoff;
        let since = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            let after = backoff.delay(attempt);
            if since.elapsed() + after > backoff.give_up_after {
                return Err(Closed::Lost(reason));
            }
            attempt = attempt.saturating_add(1);
            self.emit(ClientEvent::Reconnecting { attempt, after, reason: reason.clone() }).await;
            let wake = Instant::now() + after;
            // Commands keep coming while waiting: acts wait in `pending`, leaving ends it all.
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(wake) => break,
                    command = self.commands.recv() => match command.unwrap_or(ClientCommand::Leave) {
                        ClientCommand::Leave => return Err(Closed::Left),
                        ClientCommand::Act { id, action } => { self.pending.insert(id, action); }
                        other => {
                            if self.held.len() == HELD {
                                self.held.pop_front();
                            }
                            self.held.push_back(other);
                        }
                    }
                }
            }
            let resume = ClientMsg::Resume { token: self.token.clone(), last_seq: self.last_seq };
            match open(&self.config, resume).await {
                Ok(opened) => {
                    self.token = opened.token;
                    let mut conn = opened.conn;
                    self.emit(ClientEvent::Resumed).await;
                    if opened.seat != self.seat {
                        // Moved while the connection was down: the resume says where to.
                        self.seat = opened.seat;
                        self.emit(ClientEvent::Moved(opened.seat)).await;
                    }
                    if self.resend(&mut conn).await.is_err() {
                        "the connection failed".clone_into(&mut reason);
                        continue;
                    }
                    return Ok(conn);
                }
                Err(e) if e.is_transient() => reason = e.to_string(),
                Err(ClientError::Refused(why)) => return Err(Closed::Refused(why)),
                Err(e) => return Err(Closed::Lost(e.to_string())),
            }
        }
    }

    /// After a resume: the acts never answered (same ids, so none acts twice), then what was held.
    async fn resend(&mut self, conn: &mut Conn) -> Result<(), ClientError> {
        for (id, action) in &self.pending {
            send(conn, &ClientMsg::Act { id: *id, action: action.clone() }).await?;
        }
        while let Some(command) = self.held.pop_front() {
            let message = match command {
                ClientCommand::Ready(ready) => ClientMsg::Ready(ready),
                ClientCommand::LobbyChat(text) => ClientMsg::LobbyChat(text),
                ClientCommand::Start => ClientMsg::Start,
                ClientCommand::Kick(seat) => ClientMsg::Kick { seat },
                ClientCommand::PlayAgain { next } => ClientMsg::PlayAgain { next },
                ClientCommand::Move { from, to } => ClientMsg::Move { from, to },
                ClientCommand::Break(request) => ClientMsg::Break(request),
                ClientCommand::Act { .. } | ClientCommand::Leave => continue,
            };
            send(conn, &message).await?;
        }
        Ok(())
    }
}
