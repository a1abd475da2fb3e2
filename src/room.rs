//! A room: the actor that owns one game. One tokio task holds the `Game`; a cloneable
//! [`RoomHandle`] sends it commands over a channel and gets each reply on a oneshot channel, so
//! no lock guards the game. The room is the imperative shell around the pure rules: it keeps the
//! turn timer on the shell's clock (and calls `Game::force_turn` when it runs out), appends every
//! accepted action to the game's journal as it goes, writes the postmortem when the game ends,
//! and broadcasts what was applied to whoever subscribed. Solo play and multiplayer share it.
//!
//! The game master's timer controls are game actions, so the journal has them and a replay ends
//! the same: skipping a turn is the turn's end in the log, and extending or setting the timer is
//! an event the room follows by moving its deadline (`Room::follow_timer`). A pause keeps what
//! was left of the turn and a resume hands it back.
//!
//! An action's journal line is written before its caller hears the answer, so an action whose
//! answer went out is on disk: a server restarted after a crash replays the journal and goes on
//! appending to it ([`RoomHandle::restore`]).

pub mod files;
pub mod proof;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::Instant;

use crate::game::journal::{Entry, Header};
use crate::game::view::{self, RoleView};
use crate::game::{Action, Event, Game, Phase, RuleError, Seat, Stamped};

/// Broadcasts a subscriber may fall behind by before it hears `Lagged`. A server's table and the
/// TUI then refresh their views from the game, and `kombat console` says what it missed. An
/// action broadcasts one batch and at most a few warnings, and every subscriber reads between
/// actions, so a few slots do; tokio allocates them all up front, and 1,024 of them were a
/// quarter of an idle server room's memory.
pub(crate) const EVENT_BACKLOG: usize = 16;

/// How a room is set up.
#[derive(Clone, Debug, Default)]
pub struct RoomConfig {
    /// The seed the game's cluster was built from (for the journal).
    pub seed: u64,
    /// The scenario's RON text (the journal records its hash); rooms of one scenario may share it.
    pub scenario_text: Arc<str>,
    /// Where journals and postmortems go; none keeps nothing on disk.
    pub data_dir: Option<PathBuf>,
    /// Ends every turn after this long, for everyone.
    pub turn_timer: Option<Duration>,
    /// Appends the ended game to the data directory's results file (solo play's best grades).
    /// Hosted rooms leave it alone: `kombat host` keeps its own per-night file.
    pub keep_result: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("the room is closed")]
    Closed,
    #[error("the game has already started")]
    Started,
    #[error("this game has no turn timer to extend; set one first")]
    NoTimer,
    #[error(transparent)]
    Rule(#[from] RuleError),
}

/// What a batch of applied events brought; each event carries its results (a command's output).
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub events: Vec<Stamped>,
}

/// What subscribers hear.
#[derive(Clone, Debug, PartialEq)]
pub enum RoomEvent {
    Applied(Applied),
    /// Something the shell could not do (write the journal, the postmortem); the game goes on.
    Warning(String),
    /// The postmortem of the ended game was written here.
    Postmortem(PathBuf),
}

/// What a subscriber heard.
#[derive(Clone, Debug, PartialEq)]
pub enum Heard {
    Event(RoomEvent),
    /// Broadcasts were missed (the subscriber fell behind): what it shows must be made afresh.
    Missed,
    /// The room is gone.
    Closed,
}

/// A subscription to a room's broadcasts. Every listener reads it the same way (a hosted table,
/// a local seat): wait for one broadcast with [`Subscription::recv`], then take every one
/// already waiting with [`Subscription::waiting`], so that one fresh view covers a run of
/// batches.
#[derive(Debug)]
pub struct Subscription {
    rx: broadcast::Receiver<RoomEvent>,
}

impl Subscription {
    /// The next broadcast, waiting for it.
    pub async fn recv(&mut self) -> Heard {
        match self.rx.recv().await {
            Ok(event) => Heard::Event(event),
            Err(broadcast::error::RecvError::Lagged(_)) => Heard::Missed,
            Err(broadcast::error::RecvError::Closed) => Heard::Closed,
        }
    }

    /// Every broadcast already waiting, without waiting; ends with `Closed` when the room is gone.
    pub fn waiting(&mut self) -> Vec<Heard> {
        let mut heard = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(event) => heard.push(Heard::Event(event)),
                Err(broadcast::error::TryRecvError::Lagged(_)) => heard.push(Heard::Missed),
                Err(broadcast::error::TryRecvError::Empty) => return heard,
                Err(broadcast::error::TryRecvError::Closed) => {
                    heard.push(Heard::Closed);
                    return heard;
                }
            }
        }
    }
}

/// Where the room keeps its records once it closes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    pub journal: Option<PathBuf>,
    pub postmortem: Option<PathBuf>,
}

type Inspect = Box<dyn FnOnce(&Game) + Send>;

enum Command {
    Join { seat: Seat, name: String, reply: oneshot::Sender<Result<(), RoomError>> },
    Start { reply: oneshot::Sender<Result<Vec<Stamped>, RoomError>> },
    Act { seat: Seat, action: Action, id: Option<u64>, reply: oneshot::Sender<Result<Vec<Stamped>, RoomError>> },
    Leave { seat: Seat, reply: oneshot::Sender<Vec<Stamped>> },
    Reseat { seat: Seat, name: String, reply: oneshot::Sender<Vec<Stamped>> },
    Journal { reply: oneshot::Sender<Option<PathBuf>> },
    Subscribe { reply: oneshot::Sender<broadcast::Receiver<RoomEvent>> },
    Inspect(Inspect),
    TurnLeft { reply: oneshot::Sender<Option<Duration>> },
    Records { reply: oneshot::Sender<Records> },
    End { reply: oneshot::Sender<Records> },
}

/// Talks to a room. Cheap to clone; the room stops when every handle is dropped or on `end`.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    commands: mpsc::Sender<Command>,
}

impl RoomHandle {
    /// Starts a room for `game` on the current tokio runtime.
    pub fn spawn(game: Game, config: RoomConfig) -> RoomHandle {
        let (commands, inbox) = mpsc::channel(64);
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        let room = Room {
            game,
            config,
            events,
            journal: None,
            journal_path: None,
            postmortem: None,
            deadline: None,
            frozen: None,
        };
        tokio::spawn(room.run(inbox));
        RoomHandle { commands }
    }

    /// Goes on with a game rebuilt from `journal` after a restart: its actions are appended to
    /// the same file, and the turn timer starts again from now.
    pub fn restore(game: Game, mut config: RoomConfig, journal: files::JournalFile) -> RoomHandle {
        config.turn_timer = turn_timer_of(&game, config.turn_timer);
        let (commands, inbox) = mpsc::channel(64);
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        let deadline = config
            .turn_timer
            .filter(|_| matches!(game.phase, Phase::Playing | Phase::Closing))
            .map(|timer| Instant::now() + timer);
        let journal_path = Some(journal.path.clone());
        let room = Room {
            game,
            config,
            events,
            journal: Some(journal),
            journal_path,
            postmortem: None,
            deadline,
            frozen: None,
        };
        tokio::spawn(room.run(inbox));
        RoomHandle { commands }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, RoomError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).await.map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)
    }

    /// Seats a player (in the lobby only).
    pub async fn join(&self, seat: Seat, name: &str) -> Result<(), RoomError> {
        let name = name.to_owned();
        self.ask(|reply| Command::Join { seat, name, reply }).await?
    }

    /// Starts the game; returns the opening events.
    pub async fn start(&self) -> Result<Vec<Stamped>, RoomError> {
        self.ask(|reply| Command::Start { reply }).await?
    }

    /// Takes an action for a seat; returns the events it caused.
    pub async fn act(&self, seat: Seat, action: Action) -> Result<Vec<Stamped>, RoomError> {
        self.act_tagged(seat, action, None).await
    }

    /// Like [`RoomHandle::act`], with the client's id for the action written in its journal line.
    pub async fn act_tagged(&self, seat: Seat, action: Action, id: Option<u64>) -> Result<Vec<Stamped>, RoomError> {
        self.ask(|reply| Command::Act { seat, action, id, reply }).await?
    }

    /// The journal being written; none before the game starts, without a data directory, or
    /// once writing it failed (the rest of the game is not recorded).
    /// The player in `seat` left the game for good (see `Game::leave`); returns what it caused.
    pub async fn leave(&self, seat: Seat) -> Result<Vec<Stamped>, RoomError> {
        self.ask(|reply| Command::Leave { seat, reply }).await
    }

    /// A player takes `seat` during the game (see `Game::reseat`); returns what it caused.
    pub async fn reseat(&self, seat: Seat, name: &str) -> Result<Vec<Stamped>, RoomError> {
        let name = name.to_owned();
        self.ask(|reply| Command::Reseat { seat, name, reply }).await
    }

    pub async fn journal(&self) -> Result<Option<PathBuf>, RoomError> {
        self.ask(|reply| Command::Journal { reply }).await
    }

    /// Every batch of applied events from now on.
    pub async fn subscribe(&self) -> Result<Subscription, RoomError> {
        let rx = self.ask(|reply| Command::Subscribe { reply }).await?;
        Ok(Subscription { rx })
    }

    /// Runs `f` on the game inside the room (read-only) and returns what it computed.
    pub async fn inspect<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Game) -> R + Send + 'static,
    ) -> Result<R, RoomError> {
        let (reply, answer) = oneshot::channel();
        let job: Inspect = Box::new(move |game| {
            let _ = reply.send(f(game));
        });
        self.commands.send(Command::Inspect(job)).await.map_err(|_| RoomError::Closed)?;
        answer.await.map_err(|_| RoomError::Closed)
    }

    /// What `seat` may see now.
    pub async fn view(&self, seat: Seat) -> Result<RoleView, RoomError> {
        self.inspect(move |game| view::for_seat(game, seat)).await
    }

    /// How long the turn timer gives the current turn, from now; none without a timer, or while
    /// no turn is being played (paused, over). The game has no clock, so this is the room's.
    pub async fn turn_left(&self) -> Result<Option<Duration>, RoomError> {
        self.ask(|reply| Command::TurnLeft { reply }).await
    }

    /// Where the room's records are so far, the room going on. Asked after the event that ended
    /// the game, it names the postmortem (the room writes it before it takes another command).
    pub async fn records(&self) -> Result<Records, RoomError> {
        self.ask(|reply| Command::Records { reply }).await
    }

    /// Closes the room and says where its records are.
    pub async fn end(&self) -> Result<Records, RoomError> {
        self.ask(|reply| Command::End { reply }).await
    }
}

struct Room {
    game: Game,
    config: RoomConfig,
    events: broadcast::Sender<RoomEvent>,
    journal: Option<files::JournalFile>,
    journal_path: Option<PathBuf>,
    postmortem: Option<PathBuf>,
    /// When the turn timer runs out.
    deadline: Option<Instant>,
    /// What the paused turn had left when the game master paused it.
    frozen: Option<Duration>,
}

/// The turn timer a game runs with: the last one its game master set (the log has it), else the
/// room's configured one. A room restored after a restart goes on with the game master's.
pub fn turn_timer_of(game: &Game, configured: Option<Duration>) -> Option<Duration> {
    let set = game.log.iter().rev().find_map(|s| match s.event {
        Event::TurnTimerSet { seconds } => Some(seconds),
        _ => None,
    });
    match set {
        Some(seconds) => seconds.map(|s| Duration::from_secs(u64::from(s))),
        None => configured,
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

impl Room {
    async fn run(mut self, mut inbox: mpsc::Receiver<Command>) {
        loop {
            tokio::select! {
                command = inbox.recv() => {
                    let Some(command) = command else { break };
                    if let Command::End { reply } = command {
                        let _ = reply.send(self.records());
                        break;
                    }
                    self.handle(command);
                }
                () = until(self.deadline) => self.timer_ran_out(),
            }
        }
    }

    fn records(&self) -> Records {
        Records { journal: self.journal_path.clone(), postmortem: self.postmortem.clone() }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Join { seat, name, reply } => {
                let result = if self.game.phase == Phase::Lobby {
                    self.game.seat(seat, &name);
                    Ok(())
                } else {
                    Err(RoomError::Started)
                };
                let _ = reply.send(result);
            }
            Command::Start { reply } => {
                if self.game.phase != Phase::Lobby {
                    let _ = reply.send(Err(RoomError::Started));
                    return;
                }
                self.open_journal();
                let events = self.game.start();
                self.after(&events);
                let _ = reply.send(Ok(events));
            }
            Command::Act { seat, action, id, reply } => {
                if matches!(action, Action::ExtendTurn(_)) && self.config.turn_timer.is_none() {
                    let _ = reply.send(Err(RoomError::NoTimer));
                    return;
                }
                let turn = self.game.turn();
                let result = self.game.act(seat, &action);
                if let Ok(events) = &result {
                    // Before the reply: an answered action is always on disk.
                    self.record(&Entry::Act { turn, seat, action, id });
                    self.after(events);
                }
                let _ = reply.send(result.map_err(RoomError::from));
            }
            Command::Leave { seat, reply } => {
                let turn = self.game.turn();
                let events = self.game.leave(seat);
                if !events.is_empty() {
                    self.record(&Entry::Left { turn, seat });
                    self.after(&events);
                }
                let _ = reply.send(events);
            }
            Command::Reseat { seat, name, reply } => {
                let turn = self.game.turn();
                let events = self.game.reseat(seat, &name);
                if !events.is_empty() {
                    self.record(&Entry::Reseated { turn, seat, name });
                    self.after(&events);
                }
                let _ = reply.send(events);
            }
            Command::Journal { reply } => {
                let _ = reply.send(self.journal.as_ref().map(|file| file.path.clone()));
            }
            Command::Subscribe { reply } => {
                let _ = reply.send(self.events.subscribe());
            }
            Command::Inspect(job) => job(&self.game),
            Command::TurnLeft { reply } => {
                let playing = self.game.phase == Phase::Playing;
                let left = self.deadline.filter(|_| playing).map(|d| d.saturating_duration_since(Instant::now()));
                let _ = reply.send(left);
            }
            Command::Records { reply } | Command::End { reply } => {
                let _ = reply.send(self.records());
            }
        }
    }

    fn timer_ran_out(&mut self) {
        self.deadline = None;
        let turn = self.game.turn();
        let events = self.game.force_turn();
        if !events.is_empty() {
            self.record(&Entry::ForcedTurnEnd { turn });
        }
        self.after(&events);
    }

    /// Broadcasts a batch, restarts the turn timer on a new turn, writes the postmortem at the end.
    fn after(&mut self, events: &[Stamped]) {
        for stamped in events {
            self.follow_timer(&stamped.event);
        }
        let new_turn = events.iter().any(|s| matches!(s.event, Event::TurnAdvanced { .. }));
        if let Some(timer) = self.config.turn_timer
            && matches!(self.game.phase, Phase::Playing | Phase::Closing)
            && (new_turn || self.deadline.is_none())
        {
            self.deadline = Some(Instant::now() + timer);
        }
        if events.is_empty() {
            return;
        }
        let _ = self.events.send(RoomEvent::Applied(Applied { events: events.to_vec() }));
        if matches!(self.game.phase, Phase::Ended(_)) {
            self.deadline = None;
            if self.postmortem.is_none() {
                self.write_postmortem();
            }
        }
    }

    /// Moves the deadline as an applied event asks: the game master's timer controls, and a
    /// pause, which keeps what the turn had left for the resume.
    fn follow_timer(&mut self, event: &Event) {
        let now = Instant::now();
        match event {
            Event::TurnTimerSet { seconds } => {
                let timer = seconds.map(|s| Duration::from_secs(u64::from(s)));
                self.config.turn_timer = timer;
                if self.game.phase == Phase::Paused {
                    self.frozen = timer;
                } else {
                    self.deadline = timer.map(|t| now + t);
                }
            }
            Event::TurnTimerExtended { seconds } => {
                let more = Duration::from_secs(u64::from(*seconds));
                if let Some(deadline) = &mut self.deadline {
                    *deadline += more;
                } else if let Some(left) = &mut self.frozen {
                    *left += more;
                } else if let Some(timer) = self.config.turn_timer.filter(|_| self.game.phase == Phase::Paused) {
                    // Paused with nothing kept (a game restored paused): the resumed turn gets
                    // a whole turn and the extra.
                    self.frozen = Some(timer + more);
                }
            }
            Event::Paused => self.frozen = self.deadline.take().map(|d| d.saturating_duration_since(now)),
            Event::Resumed => {
                if let Some(left) = self.frozen.take() {
                    self.deadline = Some(now + left);
                }
            }
            _ => {}
        }
    }

    fn warn(&self, text: String) {
        let _ = self.events.send(RoomEvent::Warning(text));
    }

    fn open_journal(&mut self) {
        let Some(dir) = self.config.data_dir.clone() else { return };
        let header = Header::for_game(&self.game, self.config.seed, &self.config.scenario_text);
        let opened = files::JournalFile::create(&dir, &self.game.scenario().id, self.config.seed)
            .and_then(|mut file| file.write_line(&header.to_line()).map(|()| file));
        match opened {
            Ok(file) => {
                // A scenario that is not built in (composed by a break phase or drawn at random)
                // is kept beside its journal, where `kombat replay` looks for it.
                if crate::scenario::builtin_sources().all(|(id, _)| id != self.game.scenario().id) {
                    let beside = files::scenario_beside(&file.path);
                    if let Err(e) = files::write_private(&beside, self.config.scenario_text.as_bytes()) {
                        self.warn(format!(
                            "cannot keep the scenario beside the journal, {}: {e}; give it to `kombat replay` with --scenario",
                            beside.display()
                        ));
                    }
                }
                self.journal_path = Some(file.path.clone());
                self.journal = Some(file);
            }
            Err(e) => {
                let dir = files::journals_dir(&dir);
                self.warn(format!("cannot start the journal in {}: {e}; this game is not recorded", dir.display()));
            }
        }
    }

    fn record(&mut self, entry: &Entry) {
        let Some(file) = &mut self.journal else { return };
        if let Err(e) = file.write_line(&entry.to_line()) {
            let path = file.path.display().to_string();
            self.journal = None;
            self.warn(format!("cannot write the journal {path}: {e}; the rest of this game is not recorded"));
        }
    }

    fn write_postmortem(&mut self) {
        let Some(dir) = self.config.data_dir.clone() else { return };
        let score = crate::game::score::score(&self.game);
        if self.config.keep_result {
            let result = files::GameResult {
                scenario: self.game.scenario().id.clone(),
                seed: self.config.seed,
                grade: score.grade,
                total: score.total,
                max: score.max,
            };
            if let Err(e) = files::record_result(&dir, &result) {
                self.warn(format!("cannot record the result in {}: {e}", files::results_path(&dir).display()));
            }
        }
        let text = postmortem_with(&self.game, &score);
        let dir = files::postmortems_dir(&dir);
        // Named after the game's journal (`first-deploy-7-2.jsonl` → `first-deploy-7-2.md`), so a
        // facilitator finds one from the other; numbered anew only without a journal.
        let beside_journal = self.journal_path.as_deref().and_then(Path::file_stem).map(|s| s.to_string_lossy());
        let numbered = || files::write_numbered(&dir, &self.game.scenario().id, self.config.seed, "md", &text);
        let written = match beside_journal {
            Some(stem) => files::write_new(&dir, &format!("{stem}.md"), &text).or_else(|_| numbered()),
            None => numbered(),
        };
        match written {
            Ok(path) => {
                self.postmortem = Some(path.clone());
                let _ = self.events.send(RoomEvent::Postmortem(path));
            }
            Err(e) => self.warn(format!("cannot write the postmortem in {}: {e}", dir.display())),
        }
    }
}

/// The postmortem of an ended game, as `kombat replay` also renders it.
pub fn postmortem_text(game: &Game) -> String {
    postmortem_with(game, &crate::game::score::score(game))
}

fn postmortem_with(game: &Game, score: &crate::game::score::Score) -> String {
    crate::game::postmortem::render(game, score)
}

#[cfg(test)]
mod tests;
