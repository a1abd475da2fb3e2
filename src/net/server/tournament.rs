//! A tournament: `kombat host --teams N` opens N rooms on the same incident (one scenario value,
//! one seed, one difficulty, so a composed scenario plugs in as well as a built-in one) and this
//! task around them. Each team's table reports its game's standing and its public board
//! (a spectator's view of the room) after every batch ([`TeamNews`]); the tournament ranks them
//! (`game::tournament`), sends the public leaderboard to every team's players, and the public
//! boards with the leaderboard to the projectors: spectators who joined with the tournament's own
//! code. The host's console asks it for the board, starts every team at once (`start`), and starts
//! the next round in every room at once (`next`), keeping each round's results for the totals.
//!
//! With swapped sides (`kombat host --teams N --break`) every room has a break phase, and team k
//! is also the customer team of room k+1 (`game::tournament::breaks_for`): each table reports how
//! its incident came about (composing, proven, composed or drawn), the board adds each team's
//! break to its fix, and `start` starts the rooms only once every room can start (every break
//! with a human customer proven fair), all at once. `next` opens a new break phase in every room.
//!
//! With a data directory the tournament keeps its record (`persist::tournament`): written when it
//! opens, when a team's game changes status (a start, a result) or its break's origin, and at each
//! `next`, so that a restarted server opens it again under its code ([`Opening::resumed`]).
//!
//! Only public things leave here: the boards are spectators' views, and the leaderboard is
//! `Leaderboard::public` (the mood and grade show once a team's game is over, as its debrief
//! shows them). The host's own console gets the full board.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::code;
use super::fit::fit_view;
use super::outbox::Outbox;
use super::persist::RoomDir;
use super::persist::tournament::{SwapRecord, TOURNAMENT_FORMAT, TOURNAMENT_VERSION, TeamRecord, TournamentRecord};
use super::table::{Farewell, TableHandle};
use crate::game::breaking::Breaking;
use crate::game::tournament::{
    BreakOrigin, Leaderboard, RoundResult, Standing, Status, TeamBoard, TeamRow, TournamentView, breaks_for,
    swapped_rows,
};
use crate::game::view::RoleView;
use crate::game::{Difficulty, Seat};
use crate::net::protocol::{MAX_FRAME, ServerMsg, Update};
use crate::scenario::Scenario;

/// What a team's table reports after a batch, when it changed.
#[derive(Debug)]
pub struct TeamNews {
    pub team: usize,
    /// The round the table's game belongs to (news from a round already closed are ignored).
    pub round: u32,
    pub standing: Standing,
    /// A spectator's view of the room.
    pub board: Box<RoleView>,
    /// How the room's incident came about, in a room with a break phase.
    pub origin: Option<BreakOrigin>,
}

/// The round a team's room reports in while it waits for the next round: its game of the
/// current round was over when the host stopped, and it came back after the restart as a lobby
/// whose news are no round's (the round's result is the tournament's record).
pub const WAITING: u32 = 0;

/// What a table of a tournament holds to report to it.
#[derive(Clone, Debug)]
pub struct TeamLink {
    pub team: usize,
    /// The round its game belongs to (from 1), or [`WAITING`].
    pub round: u32,
    pub news: mpsc::UnboundedSender<TeamNews>,
    /// With swapped sides: who responds in this room and who breaks it.
    pub sides: Option<Sides>,
}

/// Who plays which side in a room of a swapped-sides tournament.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    /// The team that responds here (`team 2`).
    pub responders: String,
    /// The team whose customer team breaks the cloud here (`team 1`).
    pub breakers: String,
}

impl Sides {
    /// What the room's lobby tells everyone who joins it.
    pub fn lobby_text(&self) -> String {
        format!(
            "Swapped sides: {} responds in this room; {}'s customer team breaks the cloud for it \
             (join this room as customer to break, as any other role to respond).",
            self.responders, self.breakers
        )
    }
}

/// The incident every team plays in a round.
#[derive(Clone, Debug)]
pub struct Incident {
    pub scenario: Arc<Scenario>,
    /// The scenario's RON, kept with each room's journal.
    pub text: Arc<str>,
    pub seed: u64,
    pub difficulty: Difficulty,
}

impl Incident {
    /// A team's room on this incident, in its lobby: the game and the room's configuration (a
    /// tournament keeps the results itself, so the room keeps none).
    pub fn team_room(
        &self,
        data_dir: Option<std::path::PathBuf>,
        turn_timer: Option<std::time::Duration>,
    ) -> anyhow::Result<(crate::game::Game, crate::room::RoomConfig)> {
        let game = crate::game::Game::new(Arc::clone(&self.scenario), self.seed)
            .map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?
            .with_difficulty(self.difficulty);
        let config = crate::room::RoomConfig {
            seed: self.seed,
            scenario_text: Arc::clone(&self.text),
            data_dir,
            turn_timer,
            keep_result: false,
        };
        Ok((game, config))
    }
}

/// A team as the host knows it.
#[derive(Clone, Debug)]
pub struct Team {
    /// `team 1`, …
    pub name: String,
    /// Its room's join code.
    pub code: String,
    pub table: TableHandle,
}

enum Command {
    Watch { name: String, outbox: Outbox, reply: oneshot::Sender<Result<Seat, String>> },
    Resume { token: String, last_seq: u64, outbox: Outbox, reply: oneshot::Sender<Result<Seat, String>> },
    Gone { conn: u64 },
    Board { reply: oneshot::Sender<Leaderboard> },
    StartAll { reply: oneshot::Sender<Vec<String>> },
    Next { round: Box<NextRound>, reply: oneshot::Sender<Result<String, String>> },
    Shutdown { reason: String, farewell: Farewell, reply: oneshot::Sender<()> },
}

/// What `next` plays: the incident, with swapped sides the break phase every room opens, and what
/// the record keeps for the `next` after it.
pub struct NextRound {
    pub incident: Incident,
    pub breaking: Option<Breaking>,
    /// What a bare `next` plays again.
    pub scenario: String,
    /// With swapped sides, the baseline a `next NAME` named (none: the host's or the seed's).
    pub baseline: Option<String>,
}

/// What a tournament opens with.
pub struct Opening {
    pub code: String,
    pub teams: Vec<Team>,
    /// The current round's incident.
    pub incident: Incident,
    /// With swapped sides: the baseline's title.
    pub swapped: Option<String>,
    pub news: mpsc::UnboundedReceiver<TeamNews>,
    /// Hears what the host should be told as standings change.
    pub lines: mpsc::UnboundedSender<String>,
    /// Where the tournament's record is kept, if anywhere.
    pub keep: Option<Kept>,
    /// After a restart: where the tournament stood.
    pub resumed: Option<Resumed>,
}

/// Where a tournament keeps its record, and what the console's `next` needs from it.
pub struct Kept {
    pub dir: Arc<RoomDir>,
    /// What a bare `next` plays again.
    pub next_scenario: String,
    /// With swapped sides, the baseline a `next NAME` named.
    pub baseline: Option<String>,
    /// With swapped sides, the id of the baseline the current round breaks on.
    pub round_baseline: Option<String>,
}

/// Where a tournament stood when its record was last written.
pub struct Resumed {
    pub round: u32,
    pub past: Vec<RoundResult>,
    /// Each team's standing and break origin in the current round, in team order.
    pub standings: Vec<(Option<Standing>, Option<BreakOrigin>)>,
}

/// Talks to a tournament. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TournamentHandle {
    commands: mpsc::Sender<Command>,
}

/// The tournament is gone.
#[derive(Debug)]
pub struct Gone;

/// Projectors on one tournament at most.
const MAX_WATCHERS: usize = 64;
/// The longest title a board shows.
const MAX_TITLE: usize = 200;

impl TournamentHandle {
    /// The tournament `code` around `teams`, all playing `incident`; `lines` hears what the host
    /// should be told as standings change. With `swapped`, the teams play swapped sides on the
    /// baseline of that title. Resumed, it goes on from the round and results it had.
    pub fn spawn(opening: Opening) -> TournamentHandle {
        let Opening { code, teams, incident, swapped, news, lines, keep, resumed } = opening;
        let (commands, inbox) = mpsc::channel(64);
        let (round, past, boards) = match resumed {
            Some(Resumed { round, past, standings }) => {
                let mut boards: Vec<Slot> =
                    standings.into_iter().map(|(standing, origin)| Slot { standing, board: None, origin }).collect();
                boards.resize_with(teams.len(), Slot::default);
                (round, past, boards)
            }
            None => (1, Vec::new(), teams.iter().map(|_| Slot::default()).collect()),
        };
        let tournament = Tournament {
            code,
            teams,
            boards,
            incident,
            swapped,
            round,
            past,
            watchers: BTreeMap::new(),
            next_spectator: 0,
            sent_public: None,
            lines,
            last_order: Vec::new(),
            keep,
        };
        // On disk before anyone hears its code.
        tournament.save();
        tokio::spawn(tournament.run(inbox, news));
        TournamentHandle { commands }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, Gone> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).await.map_err(|_| Gone)?;
        answer.await.map_err(|_| Gone)
    }

    /// A projector joins: it gets a spectator's seat number and the tournament's view.
    pub async fn watch(&self, name: String, outbox: Outbox) -> Result<Result<Seat, String>, Gone> {
        self.ask(|reply| Command::Watch { name, outbox, reply }).await
    }

    /// A projector comes back on a new connection.
    pub async fn resume(&self, token: String, last_seq: u64, outbox: Outbox) -> Result<Result<Seat, String>, Gone> {
        self.ask(|reply| Command::Resume { token, last_seq, outbox, reply }).await
    }

    pub async fn gone(&self, conn: u64) {
        let _ = self.commands.send(Command::Gone { conn }).await;
    }

    /// The board as the host sees it (the mood while teams play).
    pub async fn board(&self) -> Result<Leaderboard, Gone> {
        self.ask(|reply| Command::Board { reply }).await
    }

    /// Starts every team's game that is in its lobby, at once; a line per team.
    pub async fn start_all(&self) -> Result<Vec<String>, Gone> {
        self.ask(|reply| Command::StartAll { reply }).await
    }

    /// The next round: every room plays `incident`, its players kept, back in the lobby; with
    /// swapped sides, each room with a break phase of its own on `breaking`.
    pub async fn next(&self, round: NextRound) -> Result<Result<String, String>, Gone> {
        self.ask(|reply| Command::Next { round: Box::new(round), reply }).await
    }

    pub async fn shutdown(&self, reason: &str, farewell: Farewell) {
        let reason = reason.to_owned();
        let _ = self.ask(|reply| Command::Shutdown { reason, farewell, reply }).await;
    }
}

/// What the tournament last heard of a team's room.
#[derive(Default)]
struct Slot {
    standing: Option<Standing>,
    board: Option<Box<RoleView>>,
    origin: Option<BreakOrigin>,
}

struct Watcher {
    token: String,
    name: String,
    conn: u64,
    outbox: Option<Outbox>,
    seq: u64,
}

struct Tournament {
    code: String,
    teams: Vec<Team>,
    boards: Vec<Slot>,
    incident: Incident,
    /// With swapped sides: the baseline's title, which the board shows for the round.
    swapped: Option<String>,
    round: u32,
    past: Vec<RoundResult>,
    /// Projectors by their spectator number.
    watchers: BTreeMap<u16, Watcher>,
    next_spectator: u16,
    /// The public board the teams were last sent.
    sent_public: Option<Leaderboard>,
    lines: mpsc::UnboundedSender<String>,
    /// The teams in rank order when the host was last told.
    last_order: Vec<String>,
    /// Where the record is kept, if anywhere.
    keep: Option<Kept>,
}

impl Tournament {
    async fn run(mut self, mut inbox: mpsc::Receiver<Command>, mut news: mpsc::UnboundedReceiver<TeamNews>) {
        loop {
            tokio::select! {
                command = inbox.recv() => {
                    let Some(command) = command else { break };
                    if self.handle(command).await {
                        break;
                    }
                }
                Some(heard) = news.recv() => {
                    let mut all = vec![heard];
                    while let Ok(more) = news.try_recv() {
                        all.push(more);
                    }
                    let mut moved = false;
                    for heard in all {
                        moved |= self.heard(heard);
                    }
                    if moved {
                        self.save();
                    }
                    self.changed().await;
                }
            }
        }
        tracing::info!(code = %self.code, "tournament closed");
    }

    /// Takes a team's news; tells the host when its status changed. Whether the record should be
    /// written again: a status or an origin changed.
    fn heard(&mut self, news: TeamNews) -> bool {
        if news.round != self.round {
            return false;
        }
        let Some(slot) = self.boards.get_mut(news.team) else { return false };
        let was = slot.standing.as_ref().map(|s| s.status);
        let now = news.standing.status;
        let origin_was = slot.origin;
        slot.standing = Some(news.standing);
        slot.board = Some(news.board);
        slot.origin = news.origin;
        let breakers = crate::game::tournament::broken_by(news.team, self.teams.len());
        if self.swapped.is_some()
            && news.origin != origin_was
            && let Some(origin) = news.origin
            && let (Some(by), Some(room)) = (self.teams.get(breakers), self.teams.get(news.team))
        {
            let _ = self.lines.send(format!("board: {}'s break for {}: {}", by.name, room.name, origin.words()));
        }
        let moved = was != Some(now) || news.origin != origin_was;
        if was.is_some_and(|w| w != now) || (was.is_none() && now != Status::Lobby) {
            let board = self.leaderboard();
            let Some(name) = self.teams.get(news.team).map(|t| t.name.clone()) else { return moved };
            let place = board.rows.iter().position(|r| r.team == name).map_or(0, |p| p + 1);
            let Some(row) = board.rows.iter().find(|r| r.team == name) else { return moved };
            let s = &row.standing;
            let grade = s.grade.map(|g| format!(", grade {}", g.as_str())).unwrap_or_default();
            let _ = self.lines.send(format!(
                "board: {name} {}{grade} ({} of incident time, {:.1}% budget left); place {place} of {}",
                s.status_text(),
                crate::game::tournament::minutes(s.second),
                s.budget_left * 100.0,
                board.rows.len()
            ));
        }
        moved
    }

    /// Writes the tournament's record, when it keeps one. A failure is logged: the night goes on,
    /// only a restart would lose the tournament.
    fn save(&self) {
        let Some(keep) = &self.keep else { return };
        let record = TournamentRecord {
            format: TOURNAMENT_FORMAT.to_owned(),
            version: TOURNAMENT_VERSION,
            code: self.code.clone(),
            next_scenario: keep.next_scenario.clone(),
            scenario: self.incident.scenario.id.clone(),
            scenario_text: Arc::clone(&self.incident.text),
            seed: self.incident.seed,
            difficulty: self.incident.difficulty,
            swapped: self.swapped.as_ref().map(|title| SwapRecord {
                title: title.clone(),
                round_baseline: keep.round_baseline.clone().unwrap_or_default(),
                baseline: keep.baseline.clone(),
            }),
            round: self.round,
            past: self.past.clone(),
            teams: self
                .teams
                .iter()
                .zip(&self.boards)
                .map(|(team, slot)| TeamRecord {
                    name: team.name.clone(),
                    code: team.code.clone(),
                    standing: slot.standing.clone(),
                    origin: slot.origin,
                })
                .collect(),
        };
        if let Err(e) = keep.dir.save_tournament(&record) {
            tracing::warn!(code = %self.code, "cannot keep the tournament's record, so a restart loses it: {e}");
        }
    }

    /// The board as it stands (full: the host's).
    fn leaderboard(&self) -> Leaderboard {
        let standing = |slot: &Slot| slot.standing.clone().unwrap_or_else(|| lobby_standing(&self.incident));
        let rows = if self.swapped.is_some() {
            let names: Vec<String> = self.teams.iter().map(|t| t.name.clone()).collect();
            let rooms: Vec<(Standing, Option<BreakOrigin>)> =
                self.boards.iter().map(|slot| (standing(slot), slot.origin)).collect();
            swapped_rows(&names, &rooms)
        } else {
            self.teams.iter().zip(&self.boards).map(|(team, slot)| TeamRow::fix(&team.name, standing(slot))).collect()
        };
        let title = self.swapped.as_deref().unwrap_or(&self.incident.scenario.title);
        let title: String = title.chars().take(MAX_TITLE).collect();
        Leaderboard::new(self.round, &title, rows, self.past.clone())
    }

    /// After news: the teams get the public board if it changed, the projectors the whole view,
    /// and the host a line when the order changed.
    async fn changed(&mut self) {
        let board = self.leaderboard();
        let order: Vec<String> = board.rows.iter().map(|r| r.team.clone()).collect();
        let started = board.rows.iter().any(|r| r.standing.status != Status::Lobby);
        if started && !self.last_order.is_empty() && order != self.last_order {
            let _ = self.lines.send(format!("board: the order is now {}", order.join(", ")));
        }
        self.last_order = order;
        let public = board.public();
        if self.sent_public.as_ref() != Some(&public) {
            for team in &self.teams {
                let _ = team.table.leaderboard(public.clone()).await;
            }
            self.sent_public = Some(public.clone());
        }
        let seats: Vec<u16> = self.watchers.keys().copied().collect();
        if seats.is_empty() {
            return;
        }
        let view = self.view(public);
        for seat in seats {
            self.push(seat, &view);
        }
    }

    /// The projector's picture: each team's board cut to its share of a frame.
    fn view(&self, leaderboard: Leaderboard) -> TournamentView {
        let share = (MAX_FRAME - 4096 - encoded_size(&leaderboard)) / self.teams.len().max(1);
        let teams = self
            .teams
            .iter()
            .zip(&self.boards)
            .enumerate()
            .map(|(k, (team, slot))| TeamBoard {
                team: team.name.clone(),
                breaks_for: self
                    .swapped
                    .as_ref()
                    .and_then(|_| self.teams.get(breaks_for(k, self.teams.len())))
                    .map(|t| t.name.clone()),
                view: slot.board.as_ref().map(|v| {
                    if encoded_size(v) > share { Box::new(fit_view((**v).clone(), share)) } else { v.clone() }
                }),
            })
            .collect();
        TournamentView { leaderboard, teams }
    }

    fn push(&mut self, seat: u16, view: &TournamentView) {
        let Some(watcher) = self.watchers.get_mut(&seat) else { return };
        let Some(outbox) = &watcher.outbox else { return };
        let seq = watcher.seq + 1;
        let message = ServerMsg::Update { seq, update: Update::Tournament(Box::new(view.clone())) };
        if outbox.send(&message) {
            watcher.seq = seq;
        } else {
            tracing::info!(code = %self.code, seat, "projector dropped: it is not reading");
            if let Some(outbox) = watcher.outbox.take() {
                outbox.close();
            }
        }
    }

    /// Answers one command; true when the tournament ends.
    async fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Watch { name, outbox, reply } => {
                self.watchers.retain(|_, w| w.outbox.is_some());
                if self.watchers.len() >= MAX_WATCHERS {
                    let _ = reply.send(Err("this tournament has as many projectors as it takes".to_owned()));
                    return false;
                }
                let Ok(token) = code::new_token(&self.code) else {
                    let _ = reply.send(Err("the server cannot make a resume token right now".to_owned()));
                    return false;
                };
                let seat = self.next_spectator;
                self.next_spectator = self.next_spectator.wrapping_add(1);
                outbox.send(&ServerMsg::Joined {
                    code: self.code.clone(),
                    seat: Seat::Spectator(seat),
                    token: token.clone(),
                });
                tracing::info!(code = %self.code, seat, name = %name, "projector joined");
                self.watchers.insert(seat, Watcher { token, name, conn: outbox.id, outbox: Some(outbox), seq: 0 });
                let _ = reply.send(Ok(Seat::Spectator(seat)));
                let view = self.view(self.leaderboard().public());
                self.push(seat, &view);
            }
            Command::Resume { token, last_seq, outbox, reply } => {
                let found = self.watchers.iter().find(|(_, w)| code::same_token(&w.token, &token)).map(|(s, _)| *s);
                let Some(seat) = found else {
                    let _ = reply.send(Err("that seat cannot be resumed: the token is not known here".to_owned()));
                    return false;
                };
                let Some(watcher) = self.watchers.get_mut(&seat) else { return false };
                if last_seq > watcher.seq {
                    let _ = reply.send(Err(format!(
                        "that seat cannot be resumed from update {last_seq}: the server sent only {}",
                        watcher.seq
                    )));
                    return false;
                }
                if let Some(old) = watcher.outbox.take() {
                    old.close();
                }
                outbox.send(&ServerMsg::Joined { code: self.code.clone(), seat: Seat::Spectator(seat), token });
                watcher.seq = last_seq;
                watcher.conn = outbox.id;
                watcher.outbox = Some(outbox);
                tracing::info!(code = %self.code, seat, name = %watcher.name, "projector resumed");
                let _ = reply.send(Ok(Seat::Spectator(seat)));
                let view = self.view(self.leaderboard().public());
                self.push(seat, &view);
            }
            Command::Gone { conn } => {
                for watcher in self.watchers.values_mut() {
                    if watcher.conn == conn {
                        watcher.outbox = None;
                    }
                }
            }
            Command::Board { reply } => {
                let _ = reply.send(self.leaderboard());
            }
            Command::StartAll { reply } => {
                if self.swapped.is_some()
                    && let Err(said) = self.all_can_start().await
                {
                    let _ = reply.send(said);
                    return false;
                }
                let mut said = Vec::new();
                for team in &self.teams {
                    let line = match team.table.host_start().await {
                        Ok(Ok(())) => format!("{}: started", team.name),
                        Ok(Err(why)) => format!("{}: not started: {why}", team.name),
                        Err(_) => format!("{}: its room has closed", team.name),
                    };
                    said.push(line);
                }
                let _ = reply.send(said);
            }
            Command::Next { round, reply } => {
                let NextRound { incident, breaking, scenario, baseline } = *round;
                let said = self.next(incident, breaking.as_ref()).await;
                if said.is_ok() {
                    if let Some(keep) = &mut self.keep {
                        keep.next_scenario = scenario;
                        keep.baseline = baseline;
                        if let Some(breaking) = &breaking {
                            keep.round_baseline = Some(breaking.business().id.clone());
                        }
                    }
                    self.save();
                }
                let _ = reply.send(said);
            }
            Command::Shutdown { reason, farewell, reply } => {
                let goodbye = match farewell {
                    Farewell::Restart => ServerMsg::Refused { reason },
                    Farewell::Stopped => ServerMsg::Stopped { reason },
                };
                for watcher in self.watchers.values_mut() {
                    if let Some(outbox) = watcher.outbox.take() {
                        outbox.send(&goodbye);
                        outbox.close();
                    }
                }
                let _ = reply.send(());
                return true;
            }
        }
        false
    }

    /// With swapped sides, whether every room can start now (each break with a human customer
    /// proven fair): a line per room that cannot, and that nothing started, when one cannot.
    async fn all_can_start(&self) -> Result<(), Vec<String>> {
        let mut waiting = Vec::new();
        for (k, team) in self.teams.iter().enumerate() {
            let breakers = crate::game::tournament::broken_by(k, self.teams.len());
            let by = self.teams.get(breakers).map_or("", |t| t.name.as_str());
            match team.table.can_start().await {
                Ok(Ok(())) => {}
                Ok(Err(why)) => waiting.push(format!("{}'s room (broken by {by}): {why}", team.name)),
                Err(_) => waiting.push(format!("{}: its room has closed", team.name)),
            }
        }
        if waiting.is_empty() {
            return Ok(());
        }
        waiting.push("nothing started: with swapped sides every team starts at once, once every room can".to_owned());
        Err(waiting)
    }

    /// Closes this round (its standings go to the past rounds) and renews every room with
    /// `incident` (and, with swapped sides, a new break phase on `breaking`); refused while a
    /// team still plays.
    async fn next(&mut self, incident: Incident, breaking: Option<&Breaking>) -> Result<String, String> {
        let board = self.leaderboard();
        let playing: Vec<&str> =
            board.rows.iter().filter(|r| r.standing.status == Status::Playing).map(|r| r.team.as_str()).collect();
        if !playing.is_empty() {
            return Err(format!(
                "{} still playing: the next round starts once every team's game is over",
                playing.join(", ")
            ));
        }
        let round = self.round + 1;
        for team in &self.teams {
            match team.table.renew(incident.clone(), round, breaking.cloned()).await {
                Ok(Ok(())) => {}
                Ok(Err(why)) => return Err(format!("{}: {why}", team.name)),
                Err(_) => return Err(format!("{}: its room has closed", team.name)),
            }
        }
        // Only a round that was played counts.
        if board.rows.iter().any(|r| r.standing.status.is_over()) {
            self.past.push(RoundResult { round: self.round, title: board.title.clone(), rows: board.rows });
        }
        self.round = round;
        self.incident = incident;
        if let (Some(title), Some(breaking)) = (&mut self.swapped, breaking) {
            title.clone_from(&breaking.business().title);
        }
        for slot in &mut self.boards {
            *slot = Slot::default();
        }
        self.last_order.clear();
        self.changed().await;
        if let Some(title) = &self.swapped {
            return Ok(format!(
                "round {round}: a new break phase on {title} (seed {}) in every team's room; players are back in \
                 their lobbies, each customer team composes again (type `start` once every break is proven)",
                self.incident.seed
            ));
        }
        Ok(format!(
            "round {round}: {} (seed {}) in every team's room; players are back in their lobbies (type `start` to start them all)",
            self.incident.scenario.title, self.incident.seed
        ))
    }
}

/// A team whose room has not reported yet: in the lobby, with the scenario's starting budget.
fn lobby_standing(incident: &Incident) -> Standing {
    Standing {
        status: Status::Lobby,
        turn: 1,
        turn_limit: incident.scenario.turn_limit,
        second: 0,
        budget_left: incident.scenario.slo.budget_left.clamp(0.0, 1.0),
        mood: None,
        grade: None,
        points: None,
    }
}

fn encoded_size<T: serde::Serialize>(value: &T) -> usize {
    postcard::experimental::serialized_size(value).unwrap_or(usize::MAX)
}
