//! The registry: one task that owns the map from join codes to tables, and to tournaments (whose
//! codes come from the same space and never collide with a room's). It makes each new room's
//! code (retrying on the unlikely collision), takes back a room restored after a restart under its
//! old code (and a tournament restored likewise), finds a table for a code, lists the open tables (for the host's console), forgets a
//! table when it ends, and on shutdown closes every table at once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::Limits;
use super::code;
use super::persist::RoomDir;
use super::report::GameEnd;
use super::table::{Farewell, Opening, Start, TableHandle};
use super::tournament::{TeamLink, TournamentHandle};
use crate::game::Game;
use crate::room::RoomConfig;

enum Command {
    Create {
        game: Box<Game>,
        config: RoomConfig,
        keep: Option<Arc<RoomDir>>,
        ends: Option<mpsc::UnboundedSender<GameEnd>>,
        team: Option<TeamLink>,
        reply: oneshot::Sender<(anyhow::Result<String>, Option<TableHandle>)>,
    },
    /// A tournament under a fresh code (from the same codes as rooms): `open` starts it.
    CreateTournament {
        open: Box<dyn FnOnce(String) -> TournamentHandle + Send>,
        reply: oneshot::Sender<anyhow::Result<String>>,
    },
    /// A tournament under the code it had before a restart.
    AdoptTournament {
        code: String,
        handle: TournamentHandle,
        reply: oneshot::Sender<anyhow::Result<()>>,
    },
    FindTournament {
        code: String,
        reply: oneshot::Sender<Option<TournamentHandle>>,
    },
    Adopt {
        code: String,
        opening: Box<Opening>,
        reply: oneshot::Sender<anyhow::Result<()>>,
    },
    Find {
        code: String,
        reply: oneshot::Sender<Option<TableHandle>>,
    },
    List {
        reply: oneshot::Sender<Vec<(String, TableHandle)>>,
    },
    Shutdown {
        reason: String,
        farewell: Farewell,
        reply: oneshot::Sender<()>,
    },
}

/// Talks to the registry. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Registry {
    commands: mpsc::Sender<Command>,
}

impl Registry {
    pub fn spawn(limits: &Limits) -> Registry {
        let (commands, inbox) = mpsc::channel(256);
        tokio::spawn(run(inbox, Arc::new(*limits)));
        Registry { commands }
    }

    /// A table for `game` under a fresh join code, a team in a tournament when `team` is given;
    /// with `keep`, its record is kept there; `ends` hears its game's end. With its handle.
    pub async fn create_team(
        &self,
        game: Game,
        config: RoomConfig,
        keep: Option<Arc<RoomDir>>,
        ends: Option<mpsc::UnboundedSender<GameEnd>>,
        team: Option<TeamLink>,
    ) -> anyhow::Result<(String, TableHandle)> {
        let (reply, answer) = oneshot::channel();
        let command = Command::Create { game: Box::new(game), config, keep, ends, team, reply };
        self.commands.send(command).await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?;
        match answer.await.map_err(|_| anyhow::anyhow!("the server is shutting down"))? {
            (Ok(code), Some(table)) => Ok((code, table)),
            (Ok(_), None) => Err(anyhow::anyhow!("the server is shutting down")),
            (Err(e), _) => Err(e),
        }
    }

    /// A tournament under a fresh code; `open` starts it with that code.
    pub async fn create_tournament(
        &self,
        open: impl FnOnce(String) -> TournamentHandle + Send + 'static,
    ) -> anyhow::Result<String> {
        let (reply, answer) = oneshot::channel();
        let command = Command::CreateTournament { open: Box::new(open), reply };
        self.commands.send(command).await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?;
        answer.await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?
    }

    /// A tournament restored after a restart, under its old code (so its projectors join again
    /// with the code they had).
    pub async fn adopt_tournament(&self, code: String, handle: TournamentHandle) -> anyhow::Result<()> {
        let (reply, answer) = oneshot::channel();
        let command = Command::AdoptTournament { code, handle, reply };
        self.commands.send(command).await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?;
        answer.await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?
    }

    /// The tournament with this (canonical) code, if it is open.
    pub async fn find_tournament(&self, code: &str) -> Option<TournamentHandle> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::FindTournament { code: code.to_owned(), reply }).await.ok()?;
        answer.await.ok().flatten()
    }

    /// A table under the code it had before a restart.
    pub async fn adopt(&self, code: String, opening: Opening) -> anyhow::Result<()> {
        let (reply, answer) = oneshot::channel();
        let command = Command::Adopt { code, opening: Box::new(opening), reply };
        self.commands.send(command).await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?;
        answer.await.map_err(|_| anyhow::anyhow!("the server is shutting down"))?
    }

    /// The table with this (canonical) code, if it is open.
    pub async fn find(&self, code: &str) -> Option<TableHandle> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Find { code: code.to_owned(), reply }).await.ok()?;
        answer.await.ok().flatten()
    }

    /// Every open table with its code, in the order of their codes.
    pub async fn list(&self) -> Vec<(String, TableHandle)> {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::List { reply }).await.is_err() {
            return Vec::new();
        }
        answer.await.unwrap_or_default()
    }

    /// Closes every table (telling its players `reason`, as `farewell` says); later lookups find
    /// nothing.
    pub async fn shutdown(&self, reason: &str, farewell: Farewell) {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Shutdown { reason: reason.to_owned(), farewell, reply }).await.is_ok() {
            let _ = answer.await;
        }
    }
}

async fn run(mut inbox: mpsc::Receiver<Command>, limits: Arc<Limits>) {
    let mut tables: HashMap<String, TableHandle> = HashMap::new();
    let mut tournaments: HashMap<String, TournamentHandle> = HashMap::new();
    let (gone_tx, mut gone) = mpsc::unbounded_channel::<String>();
    let mut open = true;
    loop {
        let command = tokio::select! {
            command = inbox.recv() => command,
            Some(code) = gone.recv() => {
                // A table says so once, as it ends; codes are never reused.
                tables.remove(&code);
                continue;
            }
        };
        let Some(command) = command else { break };
        match command {
            Command::Create { game, config, keep, ends, team, reply } => {
                if !open {
                    let _ = reply.send((Err(anyhow::anyhow!("the server is shutting down")), None));
                    continue;
                }
                tables.retain(|_, t| !t.is_closed());
                let code = fresh_code(&tables, &tournaments);
                let mut opened = None;
                if let Ok(code) = &code {
                    let opening = Opening { config, keep, start: Start::Fresh(*game), ends, team };
                    let table = TableHandle::open(code.clone(), opening, &limits, gone_tx.clone());
                    tables.insert(code.clone(), table.clone());
                    opened = Some(table);
                }
                let _ = reply.send((code, opened));
            }
            Command::CreateTournament { open: start, reply } => {
                if !open {
                    let _ = reply.send(Err(anyhow::anyhow!("the server is shutting down")));
                    continue;
                }
                let code = fresh_code(&tables, &tournaments);
                if let Ok(code) = &code {
                    tournaments.insert(code.clone(), start(code.clone()));
                }
                let _ = reply.send(code);
            }
            Command::AdoptTournament { code, handle, reply } => {
                let answer = if !open {
                    Err(anyhow::anyhow!("the server is shutting down"))
                } else if tournaments.contains_key(&code) || tables.get(&code).is_some_and(|t| !t.is_closed()) {
                    Err(anyhow::anyhow!("a room or tournament with the code {code} is already open"))
                } else {
                    tournaments.insert(code, handle);
                    Ok(())
                };
                let _ = reply.send(answer);
            }
            Command::FindTournament { code, reply } => {
                let _ = reply.send(tournaments.get(&code).cloned());
            }
            Command::Adopt { code, opening, reply } => {
                let answer = if !open {
                    Err(anyhow::anyhow!("the server is shutting down"))
                } else if tables.get(&code).is_some_and(|t| !t.is_closed()) {
                    Err(anyhow::anyhow!("a room with the code {code} is already open"))
                } else {
                    let table = TableHandle::open(code.clone(), *opening, &limits, gone_tx.clone());
                    tables.insert(code, table);
                    Ok(())
                };
                let _ = reply.send(answer);
            }
            Command::Find { code, reply } => {
                let table = tables.get(&code).filter(|t| !t.is_closed()).cloned();
                if table.is_none() {
                    tables.remove(&code);
                }
                let _ = reply.send(table);
            }
            Command::List { reply } => {
                let mut open: Vec<(String, TableHandle)> =
                    tables.iter().filter(|(_, t)| !t.is_closed()).map(|(c, t)| (c.clone(), t.clone())).collect();
                open.sort_by(|a, b| a.0.cmp(&b.0));
                let _ = reply.send(open);
            }
            Command::Shutdown { reason, farewell, reply } => {
                let grace = limits.shutdown_grace;
                open = false;
                let closing = tables.drain().map(|(_, table)| {
                    let reason = reason.clone();
                    async move {
                        let wait = grace.max(Duration::from_millis(100));
                        let _ = tokio::time::timeout(wait, table.shutdown(&reason, farewell)).await;
                    }
                });
                futures_util::future::join_all(closing).await;
                let watching = tournaments.drain().map(|(_, tournament)| {
                    let reason = reason.clone();
                    async move {
                        let wait = grace.max(Duration::from_millis(100));
                        let _ = tokio::time::timeout(wait, tournament.shutdown(&reason, farewell)).await;
                    }
                });
                futures_util::future::join_all(watching).await;
                let _ = reply.send(());
            }
        }
    }
}

/// A join code no open room or tournament has.
fn fresh_code(
    tables: &HashMap<String, TableHandle>,
    tournaments: &HashMap<String, TournamentHandle>,
) -> anyhow::Result<String> {
    loop {
        match code::new_code() {
            Ok(code) if tables.contains_key(&code) || tournaments.contains_key(&code) => {}
            Ok(code) => return Ok(code),
            Err(e) => return Err(anyhow::anyhow!("cannot make a join code: {e}")),
        }
    }
}
