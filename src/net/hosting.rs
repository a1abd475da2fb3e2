//! The small facade through which a front end hosts games in its own process: the game screen's
//! "Host a game" starts one server here (once), opens rooms on it and learns what to tell the
//! players and how to join its own room, without knowing the server's types (ARCHITECTURE.md,
//! "One seat path"). The host then plays like everyone else: through a client and a seat handle.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::lan;
pub use super::server::BreakPhase;
use super::server::{Farewell, Rooms, Server, ServerConfig};
use crate::game::Difficulty;

/// A server running in this process until [`LocalHost::stop`] (or the process ends).
pub struct LocalHost {
    bound: SocketAddr,
    rooms: Rooms,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// A room opened on a [`LocalHost`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedRoom {
    pub code: String,
    /// The line to tell the players: `kombat join 192.168.1.20:7878 --code …`.
    pub share: String,
    /// Where this process's own client connects.
    pub server: String,
}

impl LocalHost {
    /// Listens on `bind` (`127.0.0.1:7878`, `0.0.0.0:7878`, …) and serves until stopped.
    pub async fn start(bind: &str, data_dir: Option<PathBuf>) -> anyhow::Result<LocalHost> {
        let bind: SocketAddr =
            bind.trim().parse().map_err(|_| anyhow::anyhow!("{bind:?} is not an address to listen on"))?;
        let config = ServerConfig { data_dir, ..ServerConfig::default() };
        let server = Server::bind(bind, config).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let bound = server.local_addr()?;
        let rooms = server.rooms();
        let (stop, stopped) = oneshot::channel::<()>();
        // Nothing restarts a server hosted in this process: its players are told it stopped.
        let task = tokio::spawn(server.run_until(async {
            let _ = stopped.await;
            Farewell::Stopped
        }));
        tracing::info!(%bound, "hosting in this process");
        Ok(LocalHost { bound, rooms, stop: Some(stop), task })
    }

    /// Opens a room for a built-in scenario, its turns timed by `turn_timer` (none: untimed),
    /// with a break phase in its lobby when one is given (as `kombat host --break` opens them).
    pub async fn open(
        &self,
        scenario: &str,
        difficulty: Difficulty,
        turn_timer: Option<Duration>,
        break_phase: Option<BreakPhase>,
    ) -> anyhow::Result<HostedRoom> {
        let room = self.rooms.create_hosted(scenario, difficulty, turn_timer, break_phase).await?;
        let share = format!("kombat join {} --code {}", lan::shareable(self.bound), room.code);
        Ok(HostedRoom { code: room.code, share, server: lan::local(self.bound).to_string() })
    }

    /// Where players on the network reach this server.
    pub fn shareable(&self) -> String {
        lan::shareable(self.bound)
    }

    /// Stops the server; its players are told the host stopped (their clients do not reconnect).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(Duration::from_secs(7), &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}
