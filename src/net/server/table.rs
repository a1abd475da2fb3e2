//! A table: the server's side of one room. One task per room owns who sits where (see
//! `seating`), the lobby and its chat, and drives the room actor that owns the game. Handlers
//! send it what their clients asked for; it answers through each client's [`Outbox`] with
//! `try_send` and never waits on a client, so a stalled one is dropped (its seat waits for a
//! `Resume`) and never slows the room. After every batch the room applies, each connected seat's
//! view is made afresh, and sent only if it differs from the last one that seat's connection got
//! (see `fanout`); batches that arrive together are covered by one view. When the room
//! actor dies (a panic), its players are told and the table ends; other tables go on. A table
//! whose game is over closes once its last player has gone, so a long game night does not keep
//! every finished room.
//!
//! A table may keep its room's record on disk (see `persist`): written before a new player hears
//! their token, and again whenever who sits where or the game's phase changes (spectators are not
//! kept: their joins write nothing, and after a restart they join again), so that a restarted
//! server opens the table again as it was ([`TableHandle::open`] with a restored start), its
//! lobby's break phase with the customer team's picks included (rewritten as they change). The
//! record goes when the room closes after its game ended, or fails; a tournament's team room stays
//! open and keeps its record once its game ended, for the next round (`resume`).

mod again;
mod breaking;
mod fanout;
mod requests;
mod seating;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use self::seating::{Member, SeatLimits};
use super::Limits;
use super::bucket::Bucket;
use super::code;
use super::outbox::Outbox;
use super::persist::{BreakRecord, MemberRecord, PickRecord, RecordPhase, Revived, RoomDir, RoomRecord};
use super::report::{self, GameEnd, PlayerAt, PlayerStatus, RoomStatus};
use super::tournament::{Incident, TeamLink, TeamNews};
use crate::game::state::ChatLine;
use crate::game::tournament::{BreakOrigin, Leaderboard, Standing};
use crate::game::view::RoleView;
use crate::game::{Event, Game, Phase, Seat, Stamped};
use crate::net::protocol::{ClientMsg, MAX_FRAME, RoleWish, ServerMsg, Update};
use crate::room::{Heard, RoomConfig, RoomError, RoomEvent, RoomHandle};

/// What a snapshot may take so that `Update { seq, .. }` around it still fits in a frame.
const MAX_SNAPSHOT: usize = MAX_FRAME - 32;
/// The longest refusal reason sent back in `Done`.
const MAX_REASON: usize = 2000;
/// The highest `last_seq` a resume may claim for a seat restored after a restart (a room sends
/// far fewer updates than this in any game), so that the next `seq` can never wrap.
const MAX_RESUME_SEQ: u64 = 1 << 48;

pub const ROOM_FAILED: &str = "the room failed; other rooms go on";
pub const KICKED: &str = "kicked by the game master";
pub const HOST_TROUBLE: &str = "the host cannot keep this game on disk (the host's log says why): \
     the game goes on, but a restart of the server may lose it";
pub const TOO_MANY_JOINS: &str = "too many players are joining this room at once; try again in a few seconds";
/// The most of a postmortem sent to a player, so that the message fits a frame.
const MAX_POSTMORTEM: usize = MAX_FRAME - 1024;

/// How a table's players are sent off when the server stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Farewell {
    /// The server may come back (a restart): `Refused`, and clients try to resume.
    Restart,
    /// The host stopped for good (`quit`): `Stopped`, and clients exit.
    Stopped,
}

/// What handlers ask of a table.
pub enum Command {
    Join {
        name: String,
        role: RoleWish,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Seat, String>>,
    },
    Resume {
        token: String,
        last_seq: u64,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Seat, String>>,
    },
    /// A message from the client on connection `conn` (the table knows which seat its player
    /// holds now: the game master may have moved them).
    Message {
        conn: u64,
        message: ClientMsg,
    },
    /// The connection `conn` closed.
    Gone {
        conn: u64,
    },
    Shutdown {
        reason: String,
        farewell: Farewell,
        reply: oneshot::Sender<()>,
    },
    /// Where the room stands, for the host's console.
    Status {
        reply: oneshot::Sender<RoomStatus>,
    },
    /// A message from the host to every player in the room.
    Broadcast {
        text: String,
    },
    /// The tournament's public leaderboard, for every player in the room (and each who joins).
    Leaderboard(Box<Leaderboard>),
    /// The host starts the game (a tournament's `start`), without a seat that leads.
    HostStart {
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// A tournament's next round: a new game of `incident` in this room, the players kept; with
    /// `breaking`, behind a new break phase.
    Renew {
        incident: Box<Incident>,
        round: u32,
        breaking: Option<Box<crate::game::breaking::Breaking>>,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// Whether the host could start the game now (a swapped-sides tournament starts every room
    /// at once, so it asks each first): the reason when not.
    CanStart {
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// The room gets a break phase (`kombat host --break`), before its game starts.
    OpenBreak(Box<crate::game::breaking::Breaking>),
    /// Runs `f` inside the room actor (tests use it to make the room fail).
    #[cfg(test)]
    Room(Box<dyn FnOnce(RoomHandle) + Send>),
}

/// Talks to a table. Cheap to clone; the table ends when every handle is dropped.
#[derive(Clone, Debug)]
pub struct TableHandle {
    commands: mpsc::Sender<Command>,
}

/// The table is gone.
#[derive(Debug)]
pub struct Closed;

/// What a table opens with.
pub struct Opening {
    pub config: RoomConfig,
    /// Keeps the room's record there, so that a restarted server resumes it.
    pub keep: Option<Arc<RoomDir>>,
    pub start: Start,
    /// Hears the game's end, once (`kombat host`'s console and night file).
    pub ends: Option<mpsc::UnboundedSender<GameEnd>>,
    /// The room is a team in a tournament, which hears its standing and public board.
    pub team: Option<TeamLink>,
}

pub enum Start {
    /// A new room, its game in the lobby.
    Fresh(Game),
    /// A room as its record and journal left it before a restart; every player is disconnected.
    /// A lobby's break phase comes back as `breaking`; a started game behind one keeps `origin`.
    Restored {
        revived: Revived,
        members: Vec<MemberRecord>,
        breaking: Option<Box<crate::game::breaking::Breaking>>,
        origin: Option<BreakOrigin>,
    },
}

impl TableHandle {
    /// A table for a game in its lobby, keeping nothing on disk; `gone` hears its code when it ends.
    #[cfg(test)]
    pub fn spawn(
        code: String,
        game: Game,
        config: RoomConfig,
        limits: &Limits,
        gone: mpsc::UnboundedSender<String>,
    ) -> TableHandle {
        let opening = Opening { config, keep: None, start: Start::Fresh(game), ends: None, team: None };
        TableHandle::open(code, opening, limits, gone)
    }

    /// A table for a new room or a restored one; `gone` hears its code when it ends.
    pub fn open(code: String, opening: Opening, limits: &Limits, gone: mpsc::UnboundedSender<String>) -> TableHandle {
        let (commands, inbox) = mpsc::channel(256);
        let Opening { config, keep, start, ends, team } = opening;
        let (game, journal, members, acted, breaking, origin) = match start {
            Start::Fresh(game) => (game, None, Vec::new(), BTreeMap::new(), None, None),
            Start::Restored { revived, members, breaking, origin } => {
                (revived.game, revived.journal, members, revived.acted, breaking, origin)
            }
        };
        let scenario = game.scenario();
        let keeping = keep.map(|dir| {
            let text = Arc::clone(&config.scenario_text);
            let record = RoomRecord {
                difficulty: game.difficulty,
                ..RoomRecord::new(&code, &scenario.id, text, config.seed, config.turn_timer)
            };
            Keeping { dir, record, saved: false }
        });
        let members: BTreeMap<Seat, Member> = members
            .iter()
            .map(|m| (m.seat, Member::restored(m, acted.get(&m.seat).map_or(&[], Vec::as_slice), limits)))
            .collect();
        let timed = crate::room::turn_timer_of(&game, config.turn_timer).is_some();
        let seed = config.seed;
        let mut table = Table {
            scenario: scenario.id.clone(),
            seed,
            ends,
            finished: None,
            delivered: BTreeSet::new(),
            config: config.clone(),
            timed,
            title: scenario.title.clone(),
            summary: scenario.summary.clone(),
            seats: SeatLimits::of(scenario),
            joined: members.values().map(|m| m.order).max().unwrap_or(0),
            members,
            started: journal.is_some(),
            room: match journal {
                Some(journal) => RoomHandle::restore(game, config, journal),
                None => RoomHandle::spawn(game, config),
            },
            code,
            chat: VecDeque::new(),
            joins: Bucket::new(limits.room_joins, tokio::time::Instant::now()),
            limits: *limits,
            ended: false,
            keeping,
            dirty: true,
            fresh: Vec::new(),
            team,
            reported: None,
            board: None,
            breaking: None,
            origin: None,
            next_events: None,
        };
        if let Some(breaking) = breaking {
            table.arm_break(*breaking);
        }
        table.origin = origin;
        tokio::spawn(table.run(inbox, gone));
        TableHandle { commands }
    }

    pub fn is_closed(&self) -> bool {
        self.commands.is_closed()
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, Closed> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).await.map_err(|_| Closed)?;
        answer.await.map_err(|_| Closed)
    }

    pub async fn join(&self, name: String, role: RoleWish, outbox: Outbox) -> Result<Result<Seat, String>, Closed> {
        self.ask(|reply| Command::Join { name, role, outbox, reply }).await
    }

    pub async fn resume(&self, token: String, last_seq: u64, outbox: Outbox) -> Result<Result<Seat, String>, Closed> {
        self.ask(|reply| Command::Resume { token, last_seq, outbox, reply }).await
    }

    pub async fn message(&self, conn: u64, message: ClientMsg) -> Result<(), Closed> {
        self.commands.send(Command::Message { conn, message }).await.map_err(|_| Closed)
    }

    pub async fn gone(&self, conn: u64) {
        let _ = self.commands.send(Command::Gone { conn }).await;
    }

    /// Tells every player why, closes their connections and ends the room.
    pub async fn shutdown(&self, reason: &str, farewell: Farewell) {
        let reason = reason.to_owned();
        let _ = self.ask(|reply| Command::Shutdown { reason, farewell, reply }).await;
    }

    /// Where the room stands.
    pub async fn status(&self) -> Result<RoomStatus, Closed> {
        self.ask(|reply| Command::Status { reply }).await
    }

    /// Sends every player in the room a notice from the host.
    pub async fn broadcast(&self, text: &str) -> Result<(), Closed> {
        self.commands.send(Command::Broadcast { text: text.to_owned() }).await.map_err(|_| Closed)
    }

    /// Sends every player in the room the tournament's leaderboard.
    pub async fn leaderboard(&self, board: Leaderboard) -> Result<(), Closed> {
        self.commands.send(Command::Leaderboard(Box::new(board))).await.map_err(|_| Closed)
    }

    /// Starts the game for the host (a tournament's `start`): the rule's reason when it cannot.
    pub async fn host_start(&self) -> Result<Result<(), String>, Closed> {
        self.ask(|reply| Command::HostStart { reply }).await
    }

    /// A tournament's next round in this room, behind a new break phase on `breaking` if given.
    pub async fn renew(
        &self,
        incident: Incident,
        round: u32,
        breaking: Option<crate::game::breaking::Breaking>,
    ) -> Result<Result<(), String>, Closed> {
        let breaking = breaking.map(Box::new);
        self.ask(|reply| Command::Renew { incident: Box::new(incident), round, breaking, reply }).await
    }

    /// Whether the host could start the game now: the reason when not.
    pub async fn can_start(&self) -> Result<Result<(), String>, Closed> {
        self.ask(|reply| Command::CanStart { reply }).await
    }

    /// Gives the room a break phase: the customer team composes its incident in the lobby.
    pub async fn open_break(&self, breaking: crate::game::breaking::Breaking) -> Result<(), Closed> {
        self.commands.send(Command::OpenBreak(Box::new(breaking))).await.map_err(|_| Closed)
    }

    #[cfg(test)]
    pub async fn with_room(&self, f: impl FnOnce(RoomHandle) + Send + 'static) {
        let _ = self.commands.send(Command::Room(Box::new(f))).await;
    }
}

/// The room actor stopped answering.
struct RoomGone;

impl From<RoomError> for RoomGone {
    fn from(_: RoomError) -> Self {
        RoomGone
    }
}

enum Flow {
    Continue,
    /// The game changed in a way the room did not broadcast: send fresh views.
    Refresh,
    /// The table plays a new game in a new room (play again): listen to that one from now on.
    Renewed,
    Stop,
}

struct Table {
    code: String,
    /// The scenario's id.
    scenario: String,
    seed: u64,
    /// Hears the game's end (see [`Opening::ends`]).
    ends: Option<mpsc::UnboundedSender<GameEnd>>,
    /// The ended game: its result and postmortem, worked out once.
    finished: Option<Finished>,
    /// The connections that were sent the postmortem.
    delivered: BTreeSet<u64>,
    /// How the current room was set up (a new game in the room starts from it).
    config: RoomConfig,
    title: String,
    summary: String,
    seats: SeatLimits,
    room: RoomHandle,
    members: BTreeMap<Seat, Member>,
    started: bool,
    chat: VecDeque<ChatLine>,
    limits: Limits,
    /// Joins to this room (`Limits::room_joins`).
    joins: Bucket,
    /// Players who joined so far (orders the creator's succession).
    joined: u64,
    /// The game is over.
    ended: bool,
    /// The room's record on disk, if it keeps one.
    keeping: Option<Keeping>,
    /// Who sits where, or the phase, may have changed since the record was written.
    dirty: bool,
    /// Events applied since the last views went out; each seat gets its share before its view.
    fresh: Vec<Stamped>,
    /// The room has a turn timer: each seat's views are followed by the time the turn has left.
    timed: bool,
    /// The room is a team in a tournament.
    team: Option<TeamLink>,
    /// What the tournament was last told (so an unchanged board is not sent again).
    reported: Option<(Standing, Box<RoleView>, Option<BreakOrigin>)>,
    /// The tournament's public leaderboard, as last heard.
    board: Option<Box<Leaderboard>>,
    /// The lobby's break phase, until the game starts (see `breaking`).
    breaking: Option<crate::game::breaking::Breaking>,
    /// How the game's incident came about, once a game behind a break phase started.
    origin: Option<BreakOrigin>,
    /// A room swapped in that the run loop has not listened to yet, subscribed before anything
    /// happened in it.
    next_events: Option<crate::room::Subscription>,
}

/// An ended game, as its players and the host get it.
struct Finished {
    end: GameEnd,
    /// The postmortem's file name on the host (a hint for the players' own file).
    name: String,
    text: String,
}

/// A room's record and where it goes.
struct Keeping {
    dir: Arc<RoomDir>,
    /// As last written, once `saved`.
    record: RoomRecord,
    saved: bool,
}

impl Table {
    async fn run(mut self, mut inbox: mpsc::Receiver<Command>, gone: mpsc::UnboundedSender<String>) {
        let Ok(mut events) = self.room.subscribe().await else {
            self.fail();
            self.forget("the room failed");
            let _ = gone.send(self.code);
            return;
        };
        // For good: the room failed, so there is nothing to resume.
        let mut failed = self.keep().await.is_err() || self.report_team().await.is_err();
        while !failed {
            let mut stale = false;
            let mut renewed = false;
            let mut heard = Vec::new();
            tokio::select! {
                biased;
                first = events.recv() => heard.push(first),
                command = inbox.recv() => {
                    let Some(command) = command else {
                        let _ = self.room.end().await;
                        break;
                    };
                    match self.handle(command).await {
                        Ok(Flow::Continue) => {}
                        Ok(Flow::Refresh) => stale = true,
                        Ok(Flow::Renewed) => renewed = true,
                        Ok(Flow::Stop) => break,
                        Err(RoomGone) => {
                            self.fail();
                            failed = true;
                            break;
                        }
                    }
                }
            }
            if renewed {
                // What the old room still had to say is about a game that is over.
                heard.clear();
                // A room swapped in by the break phase was subscribed to before its game started.
                stale |= self.started;
                if let Some(subscription) = self.next_events.take() {
                    events = subscription;
                } else if let Ok(subscription) = self.room.subscribe().await {
                    events = subscription;
                } else {
                    self.fail();
                    failed = true;
                    break;
                }
            }
            // Batches that arrived meanwhile: one fresh view covers them all.
            heard.extend(events.waiting());
            for heard in heard {
                match heard {
                    Heard::Event(event) => stale |= self.note(event),
                    Heard::Missed => {
                        // Perhaps the end was among what was missed.
                        stale = true;
                        self.dirty = true;
                    }
                    Heard::Closed => failed = true,
                }
            }
            // The disk first, then the players: what they see is what a restart brings back.
            failed |= self.dirty && self.keep().await.is_err();
            if failed || (stale && self.started && self.refresh(None).await.is_err()) {
                self.fail();
                failed = true;
                break;
            }
            if (stale || renewed) && self.report_team().await.is_err() {
                self.fail();
                failed = true;
                break;
            }
            // After the debrief's views: the postmortem, and the host hears of the end.
            if self.ended && self.finished.is_none() && self.finish().await.is_err() {
                self.fail();
                failed = true;
                break;
            }
            // Over, and everyone has seen the debrief and gone: nothing is left to serve (but a
            // team's room, which its tournament's next round renews).
            if self.ended && self.team.is_none() && self.members.values().all(|m| m.outbox.is_none()) {
                tracing::info!(code = %self.code, "the game is over and every player has gone");
                let _ = self.room.end().await;
                break;
            }
        }
        if failed {
            self.forget("the room failed");
        } else if self.ended && self.team.is_none() {
            // A team's room keeps its record: a restarted tournament brings it back, its players
            // kept, for the next round.
            self.forget("its game is over");
        }
        tracing::info!(code = %self.code, "room closed");
        let _ = gone.send(self.code);
    }

    /// Whether the event calls for fresh views.
    fn note(&mut self, event: RoomEvent) -> bool {
        match event {
            RoomEvent::Applied(applied) => {
                if applied.events.iter().any(|s| matches!(s.event, Event::Ended(_))) {
                    self.ended = true;
                    self.dirty = true;
                }
                // A game master who sets a timer in an untimed room: the countdown follows every
                // view from then on (and says "none" once it is turned off).
                if applied.events.iter().any(|s| matches!(s.event, Event::TurnTimerSet { .. })) {
                    self.timed = true;
                }
                self.fresh.extend(applied.events);
                true
            }
            RoomEvent::Warning(text) => {
                // Perhaps the journal could not be written: the record must not promise a resume.
                self.dirty = true;
                tracing::warn!(code = %self.code, "{text}");
                let host = self
                    .members
                    .contains_key(&Seat::GameMaster)
                    .then_some(Seat::GameMaster)
                    .or_else(|| self.members.iter().find(|(_, m)| m.creator).map(|(s, _)| *s));
                if let Some(seat) = host {
                    // The warning names the host's directories; the log has it whole, the player
                    // (perhaps on another machine) only what it means for the game.
                    self.notice(seat, HOST_TROUBLE);
                }
                false
            }
            RoomEvent::Postmortem(path) => {
                // The players get the text itself when the table finishes the game (`finish`).
                tracing::info!(code = %self.code, "postmortem written to {}", path.display());
                false
            }
        }
    }

    async fn handle(&mut self, command: Command) -> Result<Flow, RoomGone> {
        match command {
            Command::Join { name, role, outbox, reply } => self.join(name, role, outbox, reply).await,
            Command::Resume { token, last_seq, outbox, reply } => self.resume(&token, last_seq, outbox, reply).await,
            Command::Message { conn, message } => {
                // The seat's latest connection may still speak after the table stopped writing to
                // it (it closed while the table was busy): a `Leave` or an act still counts, and a
                // resent act is answered after a `Resume`. A replaced connection or a removed
                // player does not speak for the seat. The seat is the one the connection's player
                // holds now: the game master may have moved them since the handler learned it.
                let Some(seat) = self.seat_of(conn) else { return Ok(Flow::Continue) };
                let seating = matches!(
                    message,
                    ClientMsg::Ready(_)
                        | ClientMsg::Start
                        | ClientMsg::Kick { .. }
                        | ClientMsg::Leave
                        | ClientMsg::Move { .. }
                        | ClientMsg::PlayAgain { .. }
                );
                let flow = self.message(seat, message).await?;
                if seating {
                    // Before the table takes anything else: whoever saw the change, the disk has it.
                    self.keep().await?;
                }
                Ok(flow)
            }
            Command::Gone { conn } => {
                let seat = self.members.iter().find(|(_, m)| m.outbox.as_ref().is_some_and(|o| o.id == conn));
                if let Some(seat) = seat.map(|(s, _)| *s)
                    && let Some(member) = self.members.get_mut(&seat)
                {
                    member.outbox = None;
                    super::quiet::log(|| tracing::info!(code = %self.code, ?seat, "disconnected; the seat waits"));
                    self.lobby_changed();
                }
                Ok(Flow::Continue)
            }
            Command::Shutdown { reason, farewell, reply } => {
                let goodbye = match farewell {
                    Farewell::Restart => ServerMsg::Refused { reason },
                    Farewell::Stopped => ServerMsg::Stopped { reason },
                };
                for member in self.members.values_mut() {
                    if let Some(outbox) = member.outbox.take() {
                        outbox.send(&goodbye);
                        outbox.close();
                    }
                }
                let _ = self.room.end().await;
                let _ = reply.send(());
                Ok(Flow::Stop)
            }
            Command::Status { reply } => {
                let _ = reply.send(self.status().await?);
                Ok(Flow::Continue)
            }
            Command::Broadcast { text } => {
                let text = format!("from the host: {text}");
                let seats: Vec<Seat> = self.members.keys().copied().collect();
                for seat in seats {
                    self.notice(seat, &text);
                }
                Ok(Flow::Continue)
            }
            Command::Leaderboard(board) => {
                let seats: Vec<Seat> =
                    self.members.iter().filter(|(_, m)| m.outbox.is_some()).map(|(s, _)| *s).collect();
                for seat in seats {
                    self.push(seat, Update::Leaderboard(board.clone()));
                }
                self.board = Some(board);
                Ok(Flow::Continue)
            }
            Command::CanStart { reply } => {
                let _ = reply.send(self.start_check());
                Ok(Flow::Continue)
            }
            Command::HostStart { reply } => {
                if let Err(why) = self.start_check() {
                    let _ = reply.send(Err(why));
                    return Ok(Flow::Continue);
                }
                let flow = match self.begin_breaking().await? {
                    Ok(flow) => flow,
                    Err(why) => {
                        let _ = reply.send(Err(why));
                        return Ok(Flow::Continue);
                    }
                };
                let _ = reply.send(Ok(()));
                self.keep().await?;
                Ok(flow)
            }
            Command::Renew { incident, round, breaking, reply } => {
                if self.started && !self.ended {
                    let _ = reply.send(Err("its game is still being played".to_owned()));
                    return Ok(Flow::Continue);
                }
                let flow = self.renew(*incident, breaking.map(|b| *b)).await;
                let flow = match flow {
                    Ok(flow) => flow,
                    Err(why) => {
                        let _ = reply.send(Err(why));
                        return Ok(Flow::Continue);
                    }
                };
                if let Some(team) = &mut self.team {
                    team.round = round;
                }
                self.reported = None;
                let _ = reply.send(Ok(()));
                self.keep().await?;
                Ok(flow)
            }
            Command::OpenBreak(breaking) => {
                self.open_break(*breaking);
                Ok(Flow::Continue)
            }
            #[cfg(test)]
            Command::Room(f) => {
                f(self.room.clone());
                Ok(Flow::Continue)
            }
        }
    }

    async fn join(
        &mut self,
        name: String,
        wish: RoleWish,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Seat, String>>,
    ) -> Result<Flow, RoomGone> {
        if !self.joins.take(tokio::time::Instant::now()) {
            super::quiet::log(|| tracing::info!(code = %self.code, "join refused: too many joins to this room"));
            let _ = reply.send(Err(TOO_MANY_JOINS.to_owned()));
            return Ok(Flow::Continue);
        }
        if let Some(seat) = self.reclaimable(&name, wish) {
            return self.reclaim(seat, outbox, reply).await;
        }
        let mut choice = seating::choose(&self.held(), self.seats, wish, self.started);
        if choice.is_err() && matches!(wish, RoleWish::Spectator | RoleWish::Any) {
            // Spectators who dropped and did not come back make room for new ones.
            self.members.retain(|seat, m| !matches!(seat, Seat::Spectator(_)) || m.outbox.is_some());
            self.pass_creator();
            choice = seating::choose(&self.held(), self.seats, wish, self.started);
        }
        let seat = match choice {
            Ok(seat) => seat,
            Err(reason) => {
                let _ = reply.send(Err(reason));
                return Ok(Flow::Continue);
            }
        };
        let Ok(token) = code::new_token(&self.code) else {
            let _ = reply.send(Err("the server cannot make a resume token right now".to_owned()));
            return Ok(Flow::Continue);
        };
        if self.started && !matches!(seat, Seat::Spectator(_)) {
            // A latecomer in a responder's seat nobody holds: the game seats them (and journals
            // it) before the record names them, so a restart never finds a player the game lacks.
            self.room.reseat(seat, &name).await?;
        }
        let creator = !self.members.values().any(|m| m.creator);
        self.joined += 1;
        super::quiet::log(|| tracing::info!(code = %self.code, ?seat, name = %name, creator, "joined"));
        let joined = ServerMsg::Joined { code: self.code.clone(), seat, token: token.clone() };
        self.members.insert(seat, Member::new(name, token, creator, self.joined, outbox.clone(), &self.limits));
        // On disk before the player holds the token: a restarted server knows it.
        self.keep().await?;
        outbox.send(&joined);
        let _ = reply.send(Ok(seat));
        self.seated(seat).await
    }

    /// The seat a joining player takes back by name: one a room brought back by a restart still
    /// holds for a player of that name who has not come back on it since (their client, stopped
    /// by the host's `quit`, no longer holds the token), and that the wish allows. A name is a weak
    /// proof, so it only counts while nobody has the seat: once its player is back (or the game
    /// master removed them) the seat is held or free as any other.
    fn reclaimable(&self, name: &str, wish: RoleWish) -> Option<Seat> {
        let name = name.trim();
        self.members
            .iter()
            .filter(|(_, m)| m.conn == 0 && m.outbox.is_none() && m.token.is_some())
            .filter(|(_, m)| !name.is_empty() && m.name.trim().eq_ignore_ascii_case(name))
            .map(|(seat, _)| *seat)
            .find(|seat| matches!(wish, RoleWish::Any) || RoleWish::of_seat(*seat) == wish)
    }

    /// Gives a restored seat back to its player, joining by name: a new token (the old one, which
    /// the player's stopped client forgot, resumes nothing any more), and the game as it stands.
    async fn reclaim(
        &mut self,
        seat: Seat,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Seat, String>>,
    ) -> Result<Flow, RoomGone> {
        let Ok(token) = code::new_token(&self.code) else {
            let _ = reply.send(Err("the server cannot make a resume token right now".to_owned()));
            return Ok(Flow::Continue);
        };
        let Some(member) = self.members.get_mut(&seat) else { return Ok(Flow::Continue) };
        member.token = Some(token.clone());
        member.seq = 0;
        member.conn = outbox.id;
        member.outbox = Some(outbox.clone());
        super::quiet::log(|| tracing::info!(code = %self.code, ?seat, "a restored seat taken back by its player"));
        // On disk before the player holds the token, as for a join.
        self.keep().await?;
        outbox.send(&ServerMsg::Joined { code: self.code.clone(), seat, token });
        let _ = reply.send(Ok(seat));
        self.seated(seat).await
    }

    /// A seat was taken or taken back: its player gets the game as it stands, or everyone in
    /// the lobby sees the new table.
    async fn seated(&mut self, seat: Seat) -> Result<Flow, RoomGone> {
        if self.started {
            self.refresh(Some(seat)).await?;
            // Back after the end on a new connection: the postmortem it has not had.
            self.deliver_postmortem(seat);
        } else {
            self.lobby_changed();
        }
        if let Some(board) = self.board.clone() {
            self.push(seat, Update::Leaderboard(board));
        }
        Ok(Flow::Continue)
    }

    /// A team in a tournament: tells it the game's standing, public board and (with a break
    /// phase) how its incident came about, when they changed.
    async fn report_team(&mut self) -> Result<(), RoomGone> {
        let Some(team) = &self.team else { return Ok(()) };
        let (standing, board) = self
            .room
            .inspect(|game| {
                let (standing, board) = crate::game::tournament::team_report(game);
                (standing, Box::new(board))
            })
            .await?;
        let origin = self.break_origin();
        if self.reported.as_ref().is_some_and(|(s, b, o)| *s == standing && *b == board && *o == origin) {
            return Ok(());
        }
        let news =
            TeamNews { team: team.team, round: team.round, standing: standing.clone(), board: board.clone(), origin };
        // The tournament may be gone (the host stopped): the game goes on without it.
        let _ = team.news.send(news);
        self.reported = Some((standing, board, origin));
        Ok(())
    }

    async fn resume(
        &mut self,
        token: &str,
        last_seq: u64,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Seat, String>>,
    ) -> Result<Flow, RoomGone> {
        let found = self.members.iter().find(|(_, m)| m.token.as_deref().is_some_and(|t| code::same_token(t, token)));
        let Some(seat) = found.map(|(s, _)| *s) else {
            let _ = reply
                .send(Err("that seat cannot be resumed: the token is not known here, or the seat was given up".into()));
            return Ok(Flow::Continue);
        };
        let Some(member) = self.members.get_mut(&seat) else { return Ok(Flow::Continue) };
        // The client says which update it saw last; it cannot have seen one never sent. A seat
        // restored after a restart (no connection since, `conn` 0) does not know what the server
        // before sent, so any number a room could reach is believed there.
        let most = if member.conn == 0 { MAX_RESUME_SEQ } else { member.seq };
        if last_seq > most {
            super::quiet::log(
                || tracing::info!(code = %self.code, ?seat, last_seq, "resume refused: a seq never sent"),
            );
            let _ = reply
                .send(Err(format!("that seat cannot be resumed from update {last_seq}: the server sent only {most}")));
            return Ok(Flow::Continue);
        }
        if let Some(old) = member.outbox.take() {
            old.send(&ServerMsg::Refused { reason: "this seat was taken back on another connection".to_owned() });
            old.close();
        }
        // Updates are snapshots: whatever the old connection missed, the next one covers.
        member.seq = last_seq;
        outbox.send(&ServerMsg::Joined { code: self.code.clone(), seat, token: token.to_owned() });
        member.conn = outbox.id;
        member.outbox = Some(outbox);
        super::quiet::log(|| tracing::info!(code = %self.code, ?seat, last_seq, "resumed"));
        let _ = reply.send(Ok(seat));
        self.seated(seat).await
    }
}

impl Table {
    /// The game ended: works out its result and postmortem once, sends the postmortem to each
    /// connected player and tells the host.
    async fn finish(&mut self) -> Result<(), RoomGone> {
        let (end, text) = self.room.inspect(|game| (GameEnd::of(game), crate::room::postmortem_text(game))).await?;
        let Some(mut end) = end else {
            // `ended` came from a missed broadcast that was not the end after all.
            self.ended = false;
            return Ok(());
        };
        // Asked after the end was applied, the room has written its postmortem by now.
        end.postmortem = self.room.records().await?.postmortem;
        end.room.clone_from(&self.code);
        end.seed = self.seed;
        end.players = self
            .members
            .iter()
            .filter(|(seat, _)| !matches!(seat, Seat::Spectator(_)))
            .map(|(seat, m)| PlayerAt::new(&m.name, *seat))
            .collect();
        let name = end
            .postmortem
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| format!("{}-{}.md", self.scenario, self.seed), |n| n.to_string_lossy().into_owned());
        let text = fit_postmortem(text);
        tracing::info!(code = %self.code, result = %end.result(), "game over");
        if let Some(ends) = &self.ends {
            let _ = ends.send(end.clone());
        }
        self.finished = Some(Finished { end, name, text });
        let seats: Vec<Seat> = self.members.keys().copied().collect();
        for seat in seats {
            self.deliver_postmortem(seat);
        }
        Ok(())
    }

    /// Sends `seat`'s connection the ended game's postmortem, unless it had it.
    fn deliver_postmortem(&mut self, seat: Seat) {
        let Some(finished) = &self.finished else { return };
        let Some(conn) = self.members.get(&seat).filter(|m| m.outbox.is_some()).map(|m| m.conn) else { return };
        if !self.delivered.insert(conn) {
            return;
        }
        let message = ServerMsg::Postmortem { name: finished.name.clone(), text: finished.text.clone() };
        self.send(seat, &message);
    }

    /// Where the room stands, for the host.
    async fn status(&self) -> Result<RoomStatus, RoomGone> {
        let (phase, turn) = self.room.inspect(report::standing).await?;
        let players = self
            .members
            .iter()
            .map(|(seat, m)| PlayerStatus { player: PlayerAt::new(&m.name, *seat), connected: m.outbox.is_some() })
            .collect();
        Ok(RoomStatus {
            code: self.code.clone(),
            scenario: self.scenario.clone(),
            phase,
            turn,
            players,
            result: self.finished.as_ref().map(|f| f.end.result()),
        })
    }

    /// The seats a player holds now (a seat left empty during a game is free to take).
    fn held(&self) -> BTreeMap<Seat, &str> {
        self.members.iter().filter(|(_, m)| m.token.is_some()).map(|(s, m)| (*s, m.name.as_str())).collect()
    }

    /// Writes the room's record if who sits where or the phase changed since it was last written.
    async fn keep(&mut self) -> Result<(), RoomGone> {
        self.dirty = false;
        if self.keeping.is_none() {
            return Ok(());
        }
        if self.started && !self.ended {
            self.ended = self.room.inspect(|game| matches!(game.phase, Phase::Ended(_))).await?;
        }
        let phase = if self.ended {
            RecordPhase::Ended
        } else if self.started {
            let journal = self.room.journal().await?;
            let Some(name) = journal.as_deref().and_then(Path::file_name) else {
                self.forget("its game has no journal to resume from");
                return Ok(());
            };
            RecordPhase::Playing { journal: name.to_string_lossy().into_owned() }
        } else {
            RecordPhase::Lobby
        };
        // Spectators are not kept: a restart loses nothing of theirs a new join does not give
        // back, and a stream of them joining would otherwise rewrite the whole record each time.
        let members: Vec<MemberRecord> = self
            .members
            .iter()
            .filter(|(seat, _)| !matches!(seat, Seat::Spectator(_)))
            .map(|(seat, m)| m.record(*seat))
            .collect();
        let breaking = if self.started { None } else { self.breaking.as_ref().map(break_record) };
        let origin = if self.started { self.origin } else { None };
        let Some(keeping) = &mut self.keeping else { return Ok(()) };
        let record = &keeping.record;
        if keeping.saved
            && record.phase == phase
            && record.members == members
            && record.breaking == breaking
            && record.origin == origin
        {
            return Ok(());
        }
        keeping.record.phase = phase;
        keeping.record.members = members;
        keeping.record.breaking = breaking;
        keeping.record.origin = origin;
        match keeping.dir.save(&keeping.record) {
            Ok(()) => keeping.saved = true,
            Err(e) => tracing::warn!(code = %self.code, "cannot keep the room's record, so a restart loses it: {e}"),
        }
        Ok(())
    }

    /// Stops keeping the room's record, and removes it: there is nothing to resume.
    fn forget(&mut self, why: &str) {
        let Some(keeping) = self.keeping.take() else { return };
        match keeping.dir.remove(&self.code) {
            Ok(()) => tracing::info!(code = %self.code, "room record removed: {why}"),
            Err(e) => tracing::warn!(code = %self.code, "cannot remove the room's record ({why}): {e}"),
        }
    }
}

/// What a room's record keeps of its lobby's break phase.
fn break_record(breaking: &crate::game::breaking::Breaking) -> BreakRecord {
    let (picks, fairness) = breaking.composition();
    BreakRecord {
        baseline: breaking.business().id.clone(),
        picks: picks.into_iter().map(|(card, target)| PickRecord { card, target }).collect(),
        fairness: fairness.cloned(),
    }
}

/// The postmortem cut to what a message carries, with a note where it was cut.
fn fit_postmortem(mut text: String) -> String {
    if text.len() > MAX_POSTMORTEM {
        let mut cut = MAX_POSTMORTEM;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("\n\n(cut short to fit the connection: the host's copy is whole)\n");
    }
    text
}

#[cfg(test)]
mod tests;
