//! Line mode for `kombat join --headless`: bots and scripts play a seat on stdin and stdout with
//! the solo console's vocabulary (see `lines`). Each new snapshot prints what is new in it (see
//! `news`); a refused act prints `error: REASON`. A line that acts waits for the server's answer
//! (and, when it was done, for the view it brings, a second at most) before the next line is
//! read, so a script's output follows its input. Connection troubles go to stderr.

mod lines;

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use self::lines::{HELP, Intent, parse};
use super::connection::{Client, ClientCommand, ClientEvent, Closed};
use super::news::{self, News};
use crate::game::text::sanitize;
use crate::game::view::{Panel, RoleView};
use crate::game::{Phase, Seat};

/// How long a done act's view is waited for before the next line is read anyway.
const VIEW_GRACE: Duration = Duration::from_secs(1);

/// What holds the next line back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// The answer to this act.
    Done(u64),
    /// The view an act that was done brings, until this moment.
    View(Instant),
}

/// Lines of stdin, read on their own thread so the game (a connection, a room's timer) runs
/// while the player thinks. `kombat console` reads its input this way too.
pub fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match stdin.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_owned();
                    if tx.blocking_send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Plays the client's seat with `lines` as input, printing to stdout.
pub async fn run(client: Client, lines: mpsc::Receiver<String>) -> anyhow::Result<ExitCode> {
    let echo = !std::io::stdin().is_terminal();
    Headless { client, out: std::io::stdout(), echo, news: News::default(), waiting: None }.run(lines).await
}

struct Headless<W: Write> {
    client: Client,
    out: W,
    /// Whether to repeat lines whose answer is local (input that is not a terminal is not seen).
    echo: bool,
    news: News,
    /// What comes before the next line is read.
    waiting: Option<Wait>,
}

impl<W: Write> Headless<W> {
    async fn run(mut self, mut lines: mpsc::Receiver<String>) -> anyhow::Result<ExitCode> {
        let mut stdin_open = true;
        let seat = self.client.seat();
        writeln!(self.out, "Joined room {} as {}.", sanitize(self.client.code()), seat.label())?;
        self.out.flush()?;
        loop {
            if !stdin_open && self.news.ended() {
                let _ = self.client.send(ClientCommand::Leave).await;
                return Ok(ExitCode::SUCCESS);
            }
            let grace = match self.waiting {
                Some(Wait::View(until)) => until,
                _ => Instant::now() + VIEW_GRACE,
            };
            tokio::select! {
                biased;
                event = self.client.next_event() => {
                    let Some(event) = event else {
                        anyhow::bail!("the connection to the server ended");
                    };
                    if let Some(code) = self.event(event)? {
                        return Ok(code);
                    }
                }
                () = tokio::time::sleep_until(grace), if matches!(self.waiting, Some(Wait::View(_))) => {
                    self.waiting = None;
                }
                line = lines.recv(), if stdin_open && self.waiting.is_none() => match line {
                    None => stdin_open = false,
                    Some(line) => {
                        if !self.line(&line, seat).await? {
                            let _ = self.client.send(ClientCommand::Leave).await;
                            return Ok(ExitCode::SUCCESS);
                        }
                    }
                },
            }
            self.out.flush()?;
        }
    }

    fn say(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// Prints one event; an exit code once the session is over.
    fn event(&mut self, event: ClientEvent) -> anyhow::Result<Option<ExitCode>> {
        match event {
            ClientEvent::Lobby(lobby) => {
                if matches!(self.waiting, Some(Wait::View(_))) {
                    self.waiting = None;
                }
                for line in self.news.lobby(lobby) {
                    self.say(&line)?;
                }
            }
            ClientEvent::View(view) => {
                if matches!(self.waiting, Some(Wait::View(_))) {
                    self.waiting = None;
                }
                for line in self.news.view(*view) {
                    self.say(&line)?;
                }
            }
            ClientEvent::Done { id, result } => {
                if self.waiting == Some(Wait::Done(id)) {
                    self.waiting = result.is_ok().then(|| Wait::View(Instant::now() + VIEW_GRACE));
                }
                if let Err(reason) = result {
                    self.say(&format!("error: {}", sanitize(&reason)))?;
                }
            }
            ClientEvent::Notice(text) => self.say(&format!("[notice] {}", sanitize(&text)))?,
            ClientEvent::Gap { from, to } => {
                eprintln!("kombat: updates {from} to {to} never arrived; showing the newest");
            }
            ClientEvent::Reconnecting { reason, .. } if self.news.ended() => {
                // Nothing is left to play: no need to wait for the server to come back.
                eprintln!("kombat: the server hung up after the game ended: {}", sanitize(&reason));
                return Ok(Some(ExitCode::SUCCESS));
            }
            ClientEvent::Reconnecting { attempt, after, reason } => {
                eprintln!(
                    "kombat: {}; reconnecting in {:.1} s (attempt {attempt})",
                    sanitize(&reason),
                    after.as_secs_f32()
                );
            }
            ClientEvent::Resumed => eprintln!("kombat: reconnected; the seat is yours again"),
            ClientEvent::Closed(closed) => {
                self.out.flush()?;
                let ended = self.news.ended();
                return Ok(Some(match closed {
                    Closed::Left => ExitCode::SUCCESS,
                    Closed::Removed(reason) => {
                        self.say(&format!("[removed] {}", sanitize(&reason)))?;
                        if ended { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                    }
                    Closed::Refused(reason) => {
                        eprintln!("kombat: the server refused: {}", sanitize(&reason));
                        if ended { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                    }
                    Closed::Lost(reason) => {
                        eprintln!("kombat: lost the connection to the server: {}", sanitize(&reason));
                        ExitCode::FAILURE
                    }
                }));
            }
        }
        Ok(None)
    }

    /// Handles one input line; false to leave.
    async fn line(&mut self, line: &str, seat: Seat) -> anyhow::Result<bool> {
        let Some(intent) = parse(line, seat) else { return Ok(true) };
        match intent {
            Intent::Act(action) => self.waiting = Some(Wait::Done(self.client.act(action).await?)),
            Intent::Send(command) => self.client.send(command).await?,
            Intent::Quit => return Ok(false),
            Intent::Help => self.local(line, HELP)?,
            Intent::Status => {
                let text = status(self.news.view_now(), self.news.lobby_now().map(|l| l.players.len()));
                self.local(line, &text)?;
            }
            Intent::Options => {
                let text = options(self.news.view_now());
                self.local(line, &text)?;
            }
            Intent::Usage(text) => self.local(line, &format!("error: {text}"))?,
        }
        Ok(true)
    }

    /// An answer that does not come from the server, after the line when it was not seen.
    fn local(&mut self, line: &str, text: &str) -> std::io::Result<()> {
        if self.echo {
            self.say(&format!("> {}", sanitize(line)))?;
        }
        self.say(text)
    }
}

/// What `/status` shows, from the newest view.
pub fn status(view: Option<&RoleView>, lobby_players: Option<usize>) -> String {
    let Some(v) = view else {
        return match lobby_players {
            Some(n) => format!("In the lobby with {n} player(s); the game has not started."),
            None => "Waiting for the server.".to_owned(),
        };
    };
    let mut out = format!("Turn {}/{}, incident time {}", v.turn, v.turn_limit, news::clock_of(v.second));
    match &v.phase {
        Phase::Paused => out.push_str(" (paused)"),
        Phase::Ended(_) => out.push_str(" (over)"),
        Phase::Lobby | Phase::Playing => {}
    }
    if let Some(points) = v.points_left {
        let _ = write!(out, "\nAction points left: {points}");
    }
    if v.seat.is_responder() {
        let _ = write!(out, "\nTurn ended: {}", if v.ended_turn { "yes" } else { "no" });
    }
    if let Some(board) = news::board(&v.panel) {
        let _ = write!(out, "\nError budget left: {:.1}%", board.budget_left * 100.0);
        let alerts: Vec<String> = board.alerts.iter().map(|a| sanitize(&a.title)).collect();
        let alerts = if alerts.is_empty() { "none".to_owned() } else { alerts.join("; ") };
        let _ = write!(out, "\nAlerts firing: {alerts}");
        if let Some(state) = board.incident_state {
            let _ = write!(out, "\nStatus page: {}", state.as_str());
        }
        if let Some(s) = board.severity {
            let _ = write!(out, "\nSeverity: {}", news::severity(s));
        }
    }
    if let Some(mood) = news::mood(&v.panel) {
        let _ = write!(out, "\nCustomer's patience: {mood}/100");
    }
    if let Some(text) = news::hold_off(&v.panel).and_then(news::hold_off_text) {
        let _ = write!(out, "\n{}", text.trim_start_matches("[hold-off] "));
    }
    if let Some(f) = news::findings(&v.panel) {
        let _ = write!(out, "\nClues found: {}\nHints left: {}", f.clues.len(), f.hints_left);
        if let Some(option) = &f.declared {
            let _ = write!(out, "\nRoot cause declared: {}", sanitize(option));
        }
    }
    let table: Vec<String> = v.table.iter().map(|s| format!("{} ({})", sanitize(&s.name), s.seat.label())).collect();
    let _ = write!(out, "\nAt the table: {}", table.join(", "));
    out
}

/// The root-cause options, for `/declare` alone.
pub fn options(view: Option<&RoleView>) -> String {
    let options: Vec<(String, String)> = match view.map(|v| &v.panel) {
        Some(Panel::GameMaster(p)) => p.root_causes.iter().map(|o| (o.id.clone(), o.text.clone())).collect(),
        Some(panel) => news::findings(panel)
            .map(|f| f.root_causes.iter().map(|o| (o.id.clone(), o.text.clone())).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    if options.is_empty() {
        return "No root-cause options to declare from here.".to_owned();
    }
    let width = options.iter().map(|(id, _)| id.chars().count()).max().unwrap_or(0);
    let mut out = "Root-cause options (/declare ID):".to_owned();
    for (id, text) in options {
        let _ = write!(out, "\n  {:<width$}  {}", sanitize(&id), sanitize(&text));
    }
    out
}
