//! The game server (being written).

use std::process::ExitCode;

/// `kombat host`.
#[derive(clap::Args, Debug, Clone)]
pub struct HostOptions {
    /// Where to listen. Loopback unless --public is given too.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// The scenario of the first room (a built-in id or a .ron file).
    #[arg(long, default_value = crate::scenario::DEFAULT_ID)]
    pub scenario: String,
    /// End every turn after this many seconds.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(5..=3600))]
    pub turn_timer: Option<u64>,
    /// Allow binding an address other than loopback (players on other machines).
    #[arg(long)]
    pub public: bool,
}

pub fn host(_options: HostOptions) -> anyhow::Result<ExitCode> {
    anyhow::bail!("hosting is being written")
}
