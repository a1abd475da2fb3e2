//! `kombat host --ssh`: the game screen served over SSH, so players join with nothing but an
//! ssh client (`ssh -p 2222 CODE@HOST`). A listener with the game server's per-address gate in
//! front of russh; one task per connection (`session`), each screen joining its room through the
//! game server like `kombat join` (one seat path). The host key is kept in the data directory
//! (`hostkey`); keystrokes are parsed by termwiz (`input`); frames go out through a bounded
//! queue to a backend sized by the pty (`screen`).

mod hostkey;
mod input;
mod screen;
mod session;

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::{HashAlg, PrivateKey};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use hostkey::{FILE as HOST_KEY_FILE, HostKeyError, load_or_create as host_key};
pub use screen::{COLS, QUEUE_BYTES, ROWS, clamp};
pub use session::TOO_SLOW;

use crate::net::server::{DoorHandle, Gate, HostOptions, Limits, Rate, check_bind};

/// The address `--ssh` listens on when none is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:2222";

/// How the front door behaves.
#[derive(Clone, Debug)]
pub struct DoorConfig {
    /// The game server the screens join through.
    pub game: SocketAddr,
    /// Connections one address may hold and open per 10 s (as the game server's gate).
    pub per_address: u32,
    /// How long the screen of a player who dropped off waits for them.
    pub grace: Duration,
    /// Authentication attempts per connection.
    pub auth_attempts: usize,
    /// The bytes of frames one client may have waiting before it is dropped as too slow.
    pub frame_budget: usize,
}

impl DoorConfig {
    pub fn new(game: SocketAddr) -> DoorConfig {
        DoorConfig {
            game,
            per_address: 16,
            grace: Duration::from_secs(300),
            auth_attempts: 6,
            frame_budget: screen::QUEUE_BYTES,
        }
    }
}

/// A running SSH front door.
pub struct SshDoor {
    bound: SocketAddr,
    fingerprint: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SshDoor {
    /// Listens on `addr` and serves until [`SshDoor::stop`].
    pub async fn start(addr: SocketAddr, key: PrivateKey, config: DoorConfig) -> anyhow::Result<SshDoor> {
        let listener =
            TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr} for SSH: {e}"))?;
        let bound = listener.local_addr()?;
        let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
        let ssh = Arc::new(russh::server::Config {
            server_id: russh::SshId::Standard("SSH-2.0-kombat".into()),
            keys: vec![key],
            max_auth_attempts: config.auth_attempts,
            auth_rejection_time: Duration::from_millis(300),
            auth_rejection_time_initial: Some(Duration::ZERO),
            inactivity_timeout: Some(Duration::from_secs(3600)),
            keepalive_interval: Some(Duration::from_secs(30)),
            nodelay: true,
            ..russh::server::Config::default()
        });
        let (stop, stopping) = watch::channel(false);
        let mut shared = session::Shared::new(config.game, config.grace, stopping.clone());
        shared.frame_budget = config.frame_budget;
        let shared = Arc::new(shared);
        let limits = Limits {
            per_address: usize::try_from(config.per_address).unwrap_or(usize::MAX),
            connects: Rate { burst: config.per_address, per: Duration::from_secs(10) },
            ..Limits::default()
        };
        let task = tokio::spawn(accept(listener, ssh, shared, limits, stopping));
        tracing::info!(%bound, %fingerprint, "serving the game screen over SSH");
        Ok(SshDoor { bound, fingerprint, stop, task })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.bound
    }

    /// The host key's SHA256 fingerprint, as `ssh` shows it on first contact.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Ends every screen (each player's terminal is given back) and stops listening.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(Duration::from_secs(5), &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

#[allow(clippy::large_types_passed_by_value, reason = "moved into the accept task, which owns it")]
/// Lets connections in through the gate, one task each, until the door stops; then waits a
/// little for the screens to give their terminals back.
async fn accept(
    listener: TcpListener,
    ssh: Arc<russh::server::Config>,
    shared: Arc<session::Shared>,
    limits: Limits,
    stopping: watch::Receiver<bool>,
) {
    let mut gate = Gate::new(&limits);
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            () = session::stopped(stopping.clone()) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!("cannot accept an SSH connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let pass = match gate.admit(peer.ip(), Instant::now()) {
            Ok(pass) => pass,
            Err(refusal) => {
                tracing::info!(%peer, "SSH connection turned away: {}", refusal.reason(&limits));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = session::Connection::new(Arc::clone(&shared), peer);
        let (ssh, stopping) = (Arc::clone(&ssh), stopping.clone());
        connections.spawn(async move {
            let _pass = pass;
            let running = match russh::server::run_stream(ssh, stream, handler).await {
                Ok(running) => running,
                Err(e) => {
                    tracing::info!(%peer, "SSH handshake failed: {e}");
                    return;
                }
            };
            let handle = running.handle();
            tokio::pin!(running);
            tokio::select! {
                _ = &mut running => {}
                () = session::stopped(stopping) => {
                    // The screen gives the terminal back and closes its channel; then hang up.
                    let _ = tokio::time::timeout(Duration::from_secs(3), &mut running).await;
                    let _ = handle.disconnect(russh::Disconnect::ByApplication, "the host is stopping".into(), String::new()).await;
                }
            }
        });
    }
    let _ =
        tokio::time::timeout(Duration::from_secs(4), async { while connections.join_next().await.is_some() {} }).await;
}

/// `kombat host --ssh`: the game server, and the SSH front door beside it.
pub fn host(options: HostOptions) -> anyhow::Result<ExitCode> {
    let Some(addr) = options.ssh else { return crate::net::server::host(options) };
    check_bind(addr, options.public).map_err(anyhow::Error::msg)?;
    let dir = crate::room::files::data_dir().ok_or_else(|| {
        anyhow::anyhow!("kombat host --ssh keeps its host key in the data directory, and there is none")
    })?;
    let (key, made) = host_key(&dir)?;
    let per_address = options.per_address;
    let door: crate::net::server::FrontDoor = Box::new(move |game| {
        Box::pin(async move {
            let config = DoorConfig { per_address, ..DoorConfig::new(game) };
            let door = SshDoor::start(addr, key, config).await?;
            let lines = door_lines(&door, made, &dir);
            let stop: crate::net::server::StopDoor = Box::new(move || Box::pin(door.stop()));
            Ok(DoorHandle { lines, stop })
        })
    });
    crate::net::server::host_with(options, Some(door))
}

/// What `kombat host` prints about the SSH door.
fn door_lines(door: &SshDoor, made: bool, dir: &Path) -> Vec<String> {
    let bound = door.local_addr();
    let shown = crate::net::lan::shareable(bound);
    let host = shown.rsplit_once(':').map_or(shown.as_str(), |(h, _)| h).to_owned();
    let key = if made { "made" } else { "kept" };
    vec![
        format!(
            "kombat host: SSH on {bound}; host key {} ({key} in {})",
            door.fingerprint(),
            dir.join(HOST_KEY_FILE).display()
        ),
        format!("kombat host: players join with only ssh: ssh -p {} CODE@{host}", bound.port()),
    ]
}
