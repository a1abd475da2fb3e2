//! `kombat join`: one seat of a hosted game, on the game screen or, with `--headless`, in line
//! mode. The shell's wiring only: the connection and the seat are `net::client`'s, the screen is
//! `tui`'s.

use std::process::ExitCode;

use std::io::IsTerminal;

use super::line::{self, LineMode, Style};
use super::safe::print_safe;
use crate::game::text::sanitize;
use crate::net::client::{Client, ClientConfig, RoleWish, allowed_name};
use crate::net::seat;
use crate::tui;

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
    /// Line mode on stdin and stdout, for bots and scripts (without it: the game screen).
    #[arg(long)]
    pub headless: bool,
}

/// The name to play under: `--name` as given (the server has the last word on it), else `$USER`.
fn name_for(name: Option<String>) -> String {
    match name {
        Some(name) => name.trim().to_owned(),
        None => allowed_name(&std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default()),
    }
}

/// `kombat join`: the game screen, or line mode with `--headless`.
pub fn run(options: JoinOptions) -> anyhow::Result<ExitCode> {
    let JoinOptions { server, code, name, role: wish, headless } = options;
    let Some(role) = RoleWish::parse(&wish) else {
        anyhow::bail!("unknown role {wish:?}; choose liaison, troubleshooter, customer, game-master, spectator or any");
    };
    let name = name_for(name);
    if !headless {
        let request = tui::app::JoinRequest { server, code: code.trim().to_owned(), name, role };
        return tui::launch::run(tui::launch::Options { join: Some(request), ..Default::default() });
    }
    let mut config = ClientConfig::new(server, code.trim(), name, role);
    // The postmortem the host sends at the end is kept where solo postmortems go.
    config.data_dir = crate::room::files::data_dir();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let client = Client::connect(config).await?;
        print_safe(&format!("Joined room {} as {}.", sanitize(client.code()), client.seat().label()));
        let (sender, events) = seat::remote(client);
        let style = Style { interactive: std::io::stdin().is_terminal() };
        let finished = LineMode::new(sender, events, std::io::stdout(), style).run(line::stdin_lines()).await?;
        Ok(finished.code)
    })
}
