//! The game client's API: a [`Client`] holds one seat in a hosted room. Its networking runs in
//! one tokio task that owns the connection; the caller talks to it through channels (commands
//! in, [`ClientEvent`]s out). Front ends reach it through the seat handle (`net::seat::remote`).
//! The lobby types it shows (`LobbyView`, `RoleWish`) are part of this API.
//! The task pings the server, drops duplicate updates, notices gaps, and after a dropped
//! connection reconnects with backoff and resumes the seat with its token, resending the acts
//! that were never answered (the server deduplicates them by id).
//!
//! Everything the server sends is untrusted text: whoever prints or draws it sanitizes it first
//! (`game::text::sanitize` for one-line text, `sanitize_block` for command output).

mod connection;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use connection::{Client, ClientCommand, ClientError, ClientEvent, ClientHandle, Closed};

pub use super::protocol::{LobbyPlayer, LobbyView, RoleWish};

/// The port `kombat host` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7878;

/// The longest name at the table, in characters.
pub const MAX_NAME: usize = 24;

/// How long a reconnecting client waits between attempts, and when it gives up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    /// Giving up once this long has passed since the connection dropped.
    pub give_up_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(5),
            give_up_after: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// The wait before attempt `n` (from 0): `first`, doubling, capped at `max`.
    pub fn delay(&self, n: u32) -> Duration {
        self.first.saturating_mul(2u32.saturating_pow(n.min(16))).min(self.max)
    }
}

/// Where to connect, who to be, and the timings.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// HOST or HOST:PORT.
    pub server: String,
    pub code: String,
    pub name: String,
    pub role: RoleWish,
    /// For the TCP connection, and again for each answer of the handshake.
    pub connect_timeout: Duration,
    /// How often to ping the server.
    pub ping_every: Duration,
    /// A server heard nothing from for this long is taken for gone, and the client reconnects.
    pub silence: Duration,
    pub backoff: Backoff,
    /// Where the postmortem the host sends at the end is kept (its `postmortems/`); none keeps
    /// it nowhere (the player is told so).
    pub data_dir: Option<std::path::PathBuf>,
}

impl ClientConfig {
    pub fn new(server: impl Into<String>, code: impl Into<String>, name: impl Into<String>, role: RoleWish) -> Self {
        ClientConfig {
            server: server.into(),
            code: code.into(),
            name: name.into(),
            role,
            connect_timeout: Duration::from_secs(5),
            ping_every: Duration::from_secs(10),
            silence: Duration::from_secs(35),
            backoff: Backoff::default(),
            data_dir: None,
        }
    }
}

/// `HOST[:PORT]` as a host and a port; an IPv6 address needs brackets to carry a port.
pub fn split_server(server: &str) -> Result<(String, u16), ClientError> {
    let server = server.trim();
    let bad = || ClientError::Address(server.to_owned());
    if let Ok(addr) = server.parse::<std::net::SocketAddr>() {
        return Ok((addr.ip().to_string(), addr.port()));
    }
    if let Ok(ip) = server.parse::<std::net::IpAddr>() {
        return Ok((ip.to_string(), DEFAULT_PORT));
    }
    let (host, port) = match server.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
        None => (server, DEFAULT_PORT),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok((host.to_owned(), port))
}

/// Whether a character may be in a name at the table.
pub fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-')
}

/// A name from the allowlist made out of `raw` (the login name, say): other characters dropped,
/// spaces folded, at most [`MAX_NAME`] characters; `player` when nothing is left.
pub fn allowed_name(raw: &str) -> String {
    let kept: String = raw.chars().filter(|c| name_char(*c)).collect();
    let folded: String = kept.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_NAME).collect();
    let folded = folded.trim().to_owned();
    if folded.is_empty() { "player".to_owned() } else { folded }
}
