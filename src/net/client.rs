//! The game client (being written).

use std::process::ExitCode;

/// `kombat join`.
#[derive(clap::Args, Debug, Clone)]
pub struct JoinOptions {
    /// The server: HOST or HOST:PORT (port 7878 when left out).
    pub server: String,
    /// The room's join code, as the host printed it.
    #[arg(long)]
    pub code: String,
    /// Your name at the table (letters, digits, spaces, . _ -; at most 24).
    #[arg(long)]
    pub name: Option<String>,
    /// The role to ask for: liaison, troubleshooter, customer, game-master, spectator, any.
    #[arg(long, default_value = "any")]
    pub role: String,
    /// Line mode on stdin and stdout, for bots and scripts.
    #[arg(long)]
    pub headless: bool,
}

pub fn join(_options: JoinOptions) -> anyhow::Result<ExitCode> {
    anyhow::bail!("joining is being written")
}
