//! One seat path (ARCHITECTURE.md, "One seat path"): the handle every front end plays through.
//! A player holds one or more seats at a table (the solo player holds the liaison's and the
//! first troubleshooter's); the table is a room in this process or one hosted elsewhere behind
//! the network. Either way a front end sends actions and lobby requests through a [`SeatSender`]
//! and reads [`SeatEvent`]s from [`SeatEvents`]: the lobby, fresh views of its seats, the events
//! its seats may see, the answer to each act, and the connection's ups and downs. The game
//! screen, `kombat console` and `kombat join --headless` are written against this alone.
//!
//! The input checks are the same on every path because they live below it: the game cleans and
//! bounds what an action carries (`game::text`), and a hosted table adds the rate limits a
//! shared server needs.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use super::client::{Client, ClientCommand, ClientEvent, ClientHandle, Closed, LobbyView};
use crate::game::tournament::{Leaderboard, TournamentView};
use crate::game::view::{self, RoleView};
use crate::game::{Action, Game, Seat, Stamped};
use crate::room::{Heard, Records, RoomConfig, RoomError, RoomEvent, RoomHandle, Subscription};

/// What a front end hears from its seats.
#[derive(Clone, Debug, PartialEq)]
pub enum SeatEvent {
    /// The lobby, as it is now (hosted rooms only).
    Lobby(LobbyView),
    /// A fresh view of each seat held, in the order of [`SeatSender::seats`].
    Views(Vec<RoleView>),
    /// How long the room's turn timer gives the current turn, from when this was heard (sent
    /// after the views, when the room has a timer); none while no turn runs (paused, over).
    /// The game has no clock: a front end counts down from here on its own.
    TurnTimer(Option<Duration>),
    /// What happened, as far as the seats held may see it, oldest first.
    Events(Vec<Stamped>),
    /// The answer to the act with this id: done, or why not.
    Done { id: u64, result: Result<(), String> },
    /// Something to know that changes nothing (a warning from the room, a server's notice).
    Notice(String),
    /// The game may not start yet (hosted rooms): a front end says why, and how to get past it,
    /// in its own terms.
    NotYet(crate::game::breaking::NotYet),
    /// The ended game's postmortem was written here (a local room), or kept here after the host
    /// sent it (a hosted one).
    Postmortem(PathBuf),
    /// Updates `from..=to` never arrived; the next view covers them, their events are lost.
    Gap { from: u64, to: u64 },
    /// The connection dropped; the next attempt is after `after`.
    Reconnecting { attempt: u32, after: Duration, reason: String },
    /// The seat is back after a dropped connection.
    Resumed,
    /// Nothing follows.
    Closed(Closed),
    /// The player now sits in this seat (hosted rooms: the game master moved them); the lobby
    /// or the new seat's view follows. A front end hands it to [`SeatSender::moved`].
    Moved(Seat),
    /// The room is a team in a tournament: the leaderboard as anyone may see it, as it is now.
    Leaderboard(Box<Leaderboard>),
    /// A projector on a tournament's code: every team's public board and the leaderboard.
    Tournament(Box<TournamentView>),
    /// The break phase's card table (a customer seat in the lobby of a room with a break phase).
    Break(Box<crate::game::breaking::BreakView>),
}

/// What a player in the lobby may ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LobbyRequest {
    Ready(bool),
    Chat(String),
    Start,
    Kick(Seat),
    /// After the game: a new game in the same room, of the same scenario or (`next`) the next
    /// built-in one; everyone keeps their seat and goes back to the lobby.
    PlayAgain {
        next: bool,
    },
    /// Move the player in `from` to `to`, swapping with whoever sits there (the game master's).
    Move {
        from: Seat,
        to: Seat,
    },
    /// The break phase: a customer seat composes the incident (`kombat host --break`).
    Break(crate::game::breaking::BreakRequest),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SeatError {
    #[error("the game is over or the connection closed")]
    Closed,
    #[error("there is no lobby in a solo game")]
    NoLobby,
    #[error("this player does not sit in that seat")]
    NotYourSeat,
}

/// The sending half: acts, lobby requests, leaving.
#[derive(Debug)]
pub struct SeatSender {
    seats: Vec<Seat>,
    code: Option<String>,
    table: Table,
}

#[derive(Debug)]
enum Table {
    Local { room: RoomHandle, answers: mpsc::UnboundedSender<SeatEvent>, next_id: u64 },
    Remote(ClientHandle),
}

/// The listening half. Reading it is cancel-safe: a local room's broadcasts are folded into
/// events and views by a task of their own, so a front end may wait on it in a `select!`.
#[derive(Debug)]
pub struct SeatEvents {
    source: Source,
}

#[derive(Debug)]
enum Source {
    Local(mpsc::Receiver<SeatEvent>),
    Remote(mpsc::Receiver<ClientEvent>),
}

/// How many folded events may wait for a slow front end before the fold waits for it.
const LOCAL_EVENTS: usize = 64;

/// A solo game: a room in this process for `game`, the player seated in `seats` as `name`, and
/// the game started. The opening events and views are the first things [`SeatEvents`] yields.
pub async fn solo(
    game: Game,
    config: RoomConfig,
    seats: &[Seat],
    name: &str,
) -> Result<(SeatSender, SeatEvents), RoomError> {
    let room = RoomHandle::spawn(game, config);
    for seat in seats {
        room.join(*seat, name).await?;
    }
    let heard = room.subscribe().await?;
    room.start().await?;
    let (answers_tx, answers) = mpsc::unbounded_channel();
    let (events_tx, events) = mpsc::channel(LOCAL_EVENTS);
    let sender = SeatSender {
        seats: seats.to_vec(),
        code: None,
        table: Table::Local { room: room.clone(), answers: answers_tx, next_id: 1 },
    };
    let fold = Fold { room, seats: seats.to_vec(), heard, answers, out: events_tx, timed: false };
    tokio::spawn(fold.run());
    Ok((sender, SeatEvents { source: Source::Local(events) }))
}

/// The seat a client holds in a hosted room.
pub fn remote(client: Client) -> (SeatSender, SeatEvents) {
    let seat = client.seat();
    let code = client.code().to_owned();
    let (handle, events) = client.split();
    let sender = SeatSender { seats: vec![seat], code: Some(code), table: Table::Remote(handle) };
    (sender, SeatEvents { source: Source::Remote(events) })
}

impl SeatSender {
    /// The seats this player holds; the first is where views start.
    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }

    /// The hosted room's join code; none for a local room.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    pub fn is_local(&self) -> bool {
        matches!(self.table, Table::Local { .. })
    }

    /// Takes an action for one of the player's seats; the answer comes as
    /// [`SeatEvent::Done`] with the returned id, after the events the action caused.
    pub async fn act(&mut self, seat: Seat, action: Action) -> Result<u64, SeatError> {
        // A hosted seat is the server's to say (the connection acts as whatever seat it holds).
        if self.is_local() && !self.seats.contains(&seat) {
            return Err(SeatError::NotYourSeat);
        }
        match &mut self.table {
            Table::Local { room, answers, next_id } => {
                let id = *next_id;
                *next_id += 1;
                let result = match room.act(seat, action).await {
                    Ok(_) => Ok(()),
                    Err(RoomError::Rule(e)) => Err(e.to_string()),
                    Err(e @ (RoomError::Started | RoomError::NoTimer)) => Err(e.to_string()),
                    Err(RoomError::Closed) => return Err(SeatError::Closed),
                };
                answers.send(SeatEvent::Done { id, result }).map_err(|_| SeatError::Closed)?;
                Ok(id)
            }
            Table::Remote(handle) => handle.act(action).await.map_err(|_| SeatError::Closed),
        }
    }

    /// The player now sits in `seat` (a hosted room told so: [`SeatEvent::Moved`]).
    pub fn moved(&mut self, seat: Seat) {
        if !self.is_local() {
            self.seats = vec![seat];
        }
    }

    /// Asks something of the lobby (hosted rooms only).
    pub async fn lobby(&self, request: LobbyRequest) -> Result<(), SeatError> {
        let Table::Remote(handle) = &self.table else { return Err(SeatError::NoLobby) };
        let command = match request {
            LobbyRequest::Ready(ready) => ClientCommand::Ready(ready),
            LobbyRequest::Chat(text) => ClientCommand::LobbyChat(text),
            LobbyRequest::Start => ClientCommand::Start,
            LobbyRequest::Kick(seat) => ClientCommand::Kick(seat),
            LobbyRequest::PlayAgain { next } => ClientCommand::PlayAgain { next },
            LobbyRequest::Move { from, to } => ClientCommand::Move { from, to },
            LobbyRequest::Break(request) => ClientCommand::Break(request),
        };
        handle.send(command).await.map_err(|_| SeatError::Closed)
    }

    /// Leaves for good: a local room closes (its records are returned), a hosted seat is given
    /// up.
    pub async fn leave(self) -> Records {
        match self.table {
            Table::Local { room, .. } => room.end().await.unwrap_or_default(),
            Table::Remote(handle) => {
                let _ = handle.send(ClientCommand::Leave).await;
                Records::default()
            }
        }
    }
}

impl SeatEvents {
    /// The next thing to hear, waiting for it; none once nothing more can come.
    pub async fn next(&mut self) -> Option<SeatEvent> {
        match &mut self.source {
            Source::Local(events) => events.recv().await,
            Source::Remote(events) => events.recv().await.map(from_client),
        }
    }

    /// Whatever is already waiting, without waiting for more.
    pub fn ready(&mut self) -> Vec<SeatEvent> {
        let mut out = Vec::new();
        match &mut self.source {
            Source::Local(events) => {
                while let Ok(event) = events.try_recv() {
                    out.push(event);
                }
            }
            Source::Remote(events) => {
                while let Ok(event) = events.try_recv() {
                    out.push(from_client(event));
                }
            }
        }
        out
    }
}

/// The task that turns a local room's broadcasts into events and views for the seats held, and
/// passes on the answers to acts after everything the act caused: the room broadcasts a batch
/// before it answers, so whatever is waiting when an answer arrives is folded first.
struct Fold {
    room: RoomHandle,
    seats: Vec<Seat>,
    heard: Subscription,
    answers: mpsc::UnboundedReceiver<SeatEvent>,
    out: mpsc::Sender<SeatEvent>,
    /// The room has shown a turn timer: its countdown follows every view from then on.
    timed: bool,
}

impl Fold {
    async fn run(mut self) {
        loop {
            let (first, answer) = tokio::select! {
                biased;
                first = self.heard.recv() => (Some(first), None),
                answer = self.answers.recv() => match answer {
                    Some(answer) => (None, Some(answer)),
                    None => return,
                },
            };
            let mut heard: Vec<Heard> = first.into_iter().collect();
            heard.extend(self.heard.waiting());
            let mut made = self.fold(heard).await;
            made.extend(answer);
            let closed = made.iter().any(|e| matches!(e, SeatEvent::Closed(_)));
            for event in made {
                if self.out.send(event).await.is_err() {
                    return;
                }
            }
            if closed {
                return;
            }
        }
    }

    /// Events for the seats held and one fresh view of each, for a run of broadcasts.
    async fn fold(&mut self, heard: Vec<Heard>) -> Vec<SeatEvent> {
        let mut stale = false;
        let mut closed = false;
        let mut events = Vec::new();
        let mut others = Vec::new();
        for h in heard {
            match h {
                Heard::Event(RoomEvent::Applied(applied)) => {
                    stale = true;
                    let seats = &self.seats;
                    events.extend(
                        applied.events.iter().filter_map(|s| seats.iter().find_map(|seat| view::share(*seat, s))),
                    );
                }
                Heard::Event(RoomEvent::Warning(text)) => others.push(SeatEvent::Notice(text)),
                Heard::Event(RoomEvent::Postmortem(path)) => others.push(SeatEvent::Postmortem(path)),
                Heard::Missed => stale = true,
                Heard::Closed => closed = true,
            }
        }
        let mut made = Vec::new();
        if !events.is_empty() {
            made.push(SeatEvent::Events(events));
        }
        if stale {
            let seats = self.seats.clone();
            match self.room.inspect(move |game| seats.iter().map(|s| view::for_seat(game, *s)).collect()).await {
                Ok(views) => made.push(SeatEvent::Views(views)),
                Err(_) => closed = true,
            }
            match self.room.turn_left().await {
                Ok(left) if left.is_some() || self.timed => {
                    self.timed = true;
                    made.push(SeatEvent::TurnTimer(left));
                }
                Ok(_) => {}
                Err(_) => closed = true,
            }
        }
        made.extend(others);
        if closed {
            made.push(SeatEvent::Closed(Closed::Left));
        }
        made
    }
}

fn from_client(event: ClientEvent) -> SeatEvent {
    match event {
        ClientEvent::Lobby(lobby) => SeatEvent::Lobby(lobby),
        ClientEvent::View(view) => SeatEvent::Views(vec![*view]),
        ClientEvent::TurnTimer(left) => SeatEvent::TurnTimer(left),
        ClientEvent::Events(events) => SeatEvent::Events(events),
        ClientEvent::Done { id, result } => SeatEvent::Done { id, result },
        ClientEvent::Notice(text) => SeatEvent::Notice(text),
        ClientEvent::NotYet(reason) => SeatEvent::NotYet(reason),
        ClientEvent::Gap { from, to } => SeatEvent::Gap { from, to },
        ClientEvent::Reconnecting { attempt, after, reason } => SeatEvent::Reconnecting { attempt, after, reason },
        ClientEvent::Resumed => SeatEvent::Resumed,
        ClientEvent::Postmortem(Ok(path)) => SeatEvent::Postmortem(path),
        ClientEvent::Postmortem(Err(why)) => SeatEvent::Notice(why),
        ClientEvent::Closed(closed) => SeatEvent::Closed(closed),
        ClientEvent::Moved(seat) => SeatEvent::Moved(seat),
        ClientEvent::Leaderboard(board) => SeatEvent::Leaderboard(board),
        ClientEvent::Tournament(view) => SeatEvent::Tournament(view),
        ClientEvent::Break(view) => SeatEvent::Break(view),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Event;

    fn solo_game() -> (Game, RoomConfig) {
        let scenario = crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses");
        (Game::new(scenario, 1).expect("builds"), RoomConfig { seed: 1, ..RoomConfig::default() })
    }

    const SEATS: [Seat; 2] = [Seat::Liaison, Seat::Troubleshooter(0)];

    /// Everything heard up to and with the next answer.
    async fn until_done(events: &mut SeatEvents) -> Vec<SeatEvent> {
        let mut heard = Vec::new();
        while let Some(event) = events.next().await {
            let done = matches!(event, SeatEvent::Done { .. });
            heard.push(event);
            if done {
                break;
            }
        }
        heard
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_solo_seat_hears_its_events_then_a_view_then_the_answer() {
        let (game, config) = solo_game();
        let (mut sender, mut events) = solo(game, config, &SEATS, "you").await.expect("starts");
        let opening = events.next().await.expect("the opening");
        assert!(matches!(&opening, SeatEvent::Events(e) if matches!(e[0].event, Event::Started { .. })), "{opening:?}");
        assert!(matches!(events.next().await, Some(SeatEvent::Views(v)) if v.len() == 2));

        let id = sender.act(Seat::Troubleshooter(0), Action::Command("get pods -n shop".into())).await.expect("sent");
        let heard = until_done(&mut events).await;
        assert!(
            matches!(&heard[0], SeatEvent::Events(e) if matches!(&e[0].event, Event::Command { output, .. } if output.starts_with("NAME"))),
            "{heard:?}"
        );
        assert!(matches!(heard[1], SeatEvent::Views(_)), "{heard:?}");
        assert_eq!(heard.last(), Some(&SeatEvent::Done { id, result: Ok(()) }));

        // A refused act is answered with the rule's reason and changes nothing.
        let id = sender.act(Seat::Liaison, Action::Command("get pods".into())).await.expect("sent");
        assert_eq!(
            until_done(&mut events).await,
            vec![SeatEvent::Done { id, result: Err("the liaison cannot do that".into()) }]
        );
        assert_eq!(sender.act(Seat::Customer(0), Action::EndTurn).await, Err(SeatError::NotYourSeat));
        assert_eq!(sender.lobby(LobbyRequest::Start).await, Err(SeatError::NoLobby));
        let _ = sender.leave().await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_timed_room_tells_its_seats_the_time_left_after_each_view() {
        let (game, mut config) = solo_game();
        config.turn_timer = Some(Duration::from_secs(60));
        let (mut sender, mut events) = solo(game, config, &SEATS, "you").await.expect("starts");
        assert!(matches!(events.next().await, Some(SeatEvent::Events(_))));
        assert!(matches!(events.next().await, Some(SeatEvent::Views(v)) if v[0].waiting == SEATS));
        let Some(SeatEvent::TurnTimer(Some(left))) = events.next().await else { panic!("the time left") };
        assert!(left <= Duration::from_secs(60) && left > Duration::from_secs(50), "{left:?}");
        sender.act(Seat::Liaison, Action::EndTurn).await.expect("sent");
        let heard = until_done(&mut events).await;
        let views = heard.iter().position(|e| matches!(e, SeatEvent::Views(v) if v[0].waiting == [SEATS[1]]));
        let timer = heard.iter().position(|e| matches!(e, SeatEvent::TurnTimer(Some(_))));
        assert!(views.is_some() && timer > views, "the views, then the time left: {heard:?}");
        let _ = sender.leave().await;
    }
}
