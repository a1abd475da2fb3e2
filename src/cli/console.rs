//! `kombat console`: a solo game through a room. The player holds the liaison and troubleshooter
//! seats at once; a line is a kubectl command (as the troubleshooter) unless it starts with `/`.
//! What the room applies is printed as it arrives. Piped input gets no prompt, and the same seed
//! and input give the same transcript.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::broadcast;

use super::transcript;
use crate::game::{Action, Event, Game, IncidentState, Outcome, Phase, RuleError, Seat};
use crate::room::{RoomConfig, RoomError, RoomEvent, RoomHandle, files};
use crate::scenario::{self, Source};

/// The player's name at both seats.
pub const PLAYER: &str = "you";
const TROUBLESHOOTER: Seat = Seat::Troubleshooter(0);

pub const HELP: &str = "A line is a kubectl command, run as the troubleshooter (the `kubectl` prefix is optional), or:
  /as liaison|troubleshooter   who speaks in /say, /declare and /hint (default: liaison)
  /say TEXT                    write to the team chat
  /tell TEXT                   write to the customer (as the liaison)
  /update STATE TEXT           post a status update: investigating|identified|monitoring|resolved
  /hold                        ask the customer to hold off changes
  /severity 1-4                set the incident's severity
  /declare [OPTION]            declare the root cause (lists the options when none is given)
  /hint                        ask for a hint (it costs points in the score)
  /end                         end the turn for both seats
  /wait [N]                    end N turns (default 1)
  /status                      turn, clock, budget, alerts, the customer, points, win conditions
  /score                       the score so far, with its breakdown
  /help                        this text
  /quit                        leave";

/// `ID|FILE`: a built-in id first, else a path.
pub fn load(arg: &str) -> anyhow::Result<Source> {
    Ok(scenario::source(arg)?)
}

/// Runs a solo console game on stdin and stdout.
pub fn run(arg: &str, seed: u64, turn_seconds: Option<u64>) -> anyhow::Result<ExitCode> {
    let source = load(arg)?;
    if let Some(p) = scenario::validate(&source.scenario).first() {
        anyhow::bail!("scenario {arg} is invalid: {p}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    runtime.block_on(play(source, seed, turn_seconds.map(Duration::from_secs)))
}

async fn play(source: Source, seed: u64, timer: Option<Duration>) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    let mut out = std::io::stdout();
    writeln!(out, "{}", transcript::banner(&source.scenario, seed))?;
    writeln!(out, "You are the liaison and the troubleshooter: lines are kubectl commands, /help lists the rest.\n")?;
    let data_dir = files::data_dir();
    if data_dir.is_none() {
        eprintln!("kombat: warning: no data directory (set {}); this game is not recorded", files::DATA_DIR_ENV);
    }
    let game =
        Game::new(source.scenario, seed).map_err(|e| anyhow::anyhow!("cannot build the scenario's cluster: {e}"))?;
    let config = RoomConfig { seed, scenario_text: source.text, data_dir, turn_timer: timer };
    let room = RoomHandle::spawn(game, config);
    room.join(Seat::Liaison, PLAYER).await?;
    room.join(TROUBLESHOOTER, PLAYER).await?;
    let events = room.subscribe().await?;
    let mut console = Console { room, events, out, interactive, speaker: Seat::Liaison, ended: None, postmortem: None };
    console.room.start().await?;
    console.drain()?;
    let mut lines = crate::net::client::stdin_lines();
    while console.ended.is_none() {
        console.prompt()?;
        tokio::select! {
            biased;
            event = console.events.recv() => {
                if matches!(event, Err(broadcast::error::RecvError::Closed)) {
                    break;
                }
                console.show(event)?;
            }
            line = lines.recv() => {
                let Some(line) = line else { break };
                if !console.line(&line).await? {
                    break;
                }
            }
        }
    }
    console.finish().await
}

struct Console {
    room: RoomHandle,
    events: broadcast::Receiver<RoomEvent>,
    out: std::io::Stdout,
    interactive: bool,
    /// Who speaks in /say, /declare and /hint.
    speaker: Seat,
    ended: Option<Outcome>,
    postmortem: Option<std::path::PathBuf>,
}

impl Console {
    fn prompt(&mut self) -> anyhow::Result<()> {
        if self.interactive {
            let who = if self.speaker == Seat::Liaison { "liaison" } else { "troubleshooter" };
            write!(self.out, "{who}> ")?;
            self.out.flush()?;
        }
        Ok(())
    }

    fn say(&mut self, text: &str) -> anyhow::Result<()> {
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    /// Prints one thing the room broadcast.
    fn show(&mut self, event: Result<RoomEvent, broadcast::error::RecvError>) -> anyhow::Result<()> {
        match event {
            Ok(RoomEvent::Applied(applied)) => {
                for s in &applied.events {
                    if let Event::Ended(o) = &s.event {
                        self.ended = Some(o.clone());
                    }
                }
                let text = transcript::render(&applied.events);
                if !text.is_empty() {
                    self.say(&text)?;
                }
            }
            Ok(RoomEvent::Warning(w)) => eprintln!("kombat: warning: {w}"),
            Ok(RoomEvent::Postmortem(path)) => self.postmortem = Some(path),
            Err(broadcast::error::RecvError::Lagged(n)) => eprintln!("kombat: warning: {n} updates were not shown"),
            Err(broadcast::error::RecvError::Closed) => {}
        }
        Ok(())
    }

    /// Prints everything the room has broadcast so far.
    fn drain(&mut self) -> anyhow::Result<()> {
        loop {
            match self.events.try_recv() {
                Ok(e) => self.show(Ok(e))?,
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    self.show(Err(broadcast::error::RecvError::Lagged(n)))?;
                }
                Err(_) => return Ok(()),
            }
        }
    }

    /// Takes an action and prints what it caused (or why it was refused).
    async fn act(&mut self, seat: Seat, action: Action) -> anyhow::Result<bool> {
        let result = self.room.act(seat, action).await;
        self.drain()?;
        match result {
            Ok(_) => Ok(true),
            Err(RoomError::Rule(e)) => {
                self.say(&format!("error: {e}"))?;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Echoes a line that does not show up as an event (piped input has no prompt to show it).
    fn echo(&mut self, line: &str) -> anyhow::Result<()> {
        if !self.interactive {
            self.say(&format!("> {line}"))?;
        }
        Ok(())
    }

    /// Handles one input line; false to stop.
    async fn line(&mut self, raw: &str) -> anyhow::Result<bool> {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(true);
        }
        if !line.starts_with('/') {
            self.act(TROUBLESHOOTER, Action::Command(line.to_owned())).await?;
            return Ok(true);
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        match word {
            "/say" => self.act(self.speaker, Action::TeamChat(rest.to_owned())).await.map(|_| true),
            "/tell" => self.act(Seat::Liaison, Action::CustomerChat(rest.to_owned())).await.map(|_| true),
            "/update" => {
                let (state, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                match IncidentState::parse(state) {
                    Some(state) => {
                        let action = Action::StatusUpdate { state, text: text.trim().to_owned() };
                        self.act(Seat::Liaison, action).await.map(|_| true)
                    }
                    None => self.usage(line, "usage: /update investigating|identified|monitoring|resolved TEXT"),
                }
            }
            "/hold" => self.act(Seat::Liaison, Action::AskHoldOff).await.map(|_| true),
            "/severity" | "/sev" => match rest.trim_start_matches(['s', 'S', 'e', 'E', 'v', 'V']) {
                "1" => self.act(self.speaker, Action::SetSeverity(crate::game::Severity::Sev1)).await.map(|_| true),
                "2" => self.act(self.speaker, Action::SetSeverity(crate::game::Severity::Sev2)).await.map(|_| true),
                "3" => self.act(self.speaker, Action::SetSeverity(crate::game::Severity::Sev3)).await.map(|_| true),
                "4" => self.act(self.speaker, Action::SetSeverity(crate::game::Severity::Sev4)).await.map(|_| true),
                _ => self.usage(line, "usage: /severity 1|2|3|4"),
            },
            "/declare" if rest.is_empty() => {
                self.echo(line)?;
                let text = self.room.inspect(transcript::options).await?;
                self.say(&text).map(|()| true)
            }
            "/declare" => self.act(self.speaker, Action::DeclareRootCause(rest.to_owned())).await.map(|_| true),
            "/hint" => self.act(self.speaker, Action::RequestHint).await.map(|_| true),
            "/end" => self.end_turn().await.map(|_| true),
            "/wait" => match rest.parse::<u32>() {
                _ if rest.is_empty() => self.end_turn().await.map(|_| true),
                Ok(n) if (1..=1000).contains(&n) => {
                    for _ in 0..n {
                        if !self.end_turn().await? || self.ended.is_some() {
                            break;
                        }
                    }
                    Ok(true)
                }
                _ => self.usage(line, "usage: /wait [N]   (N turns, 1 to 1000)"),
            },
            "/as" => match rest {
                "liaison" => self.switch(line, Seat::Liaison, "You speak as the liaison."),
                "troubleshooter" => self.switch(line, TROUBLESHOOTER, "You speak as the troubleshooter."),
                _ => self.usage(line, "usage: /as liaison|troubleshooter"),
            },
            "/status" => {
                self.echo(line)?;
                let text = self.room.inspect(transcript::status).await?;
                self.say(&text).map(|()| true)
            }
            "/score" => {
                self.echo(line)?;
                let text = self.room.inspect(|g| crate::game::score::score(g).render_text()).await?;
                self.say(&text).map(|()| true)
            }
            "/help" => {
                self.echo(line)?;
                self.say(HELP).map(|()| true)
            }
            "/quit" | "/exit" => Ok(false),
            _ => self.usage(line, &format!("unknown console command {word}; try /help")),
        }
    }

    fn usage(&mut self, line: &str, text: &str) -> anyhow::Result<bool> {
        self.echo(line)?;
        self.say(&format!("error: {text}"))?;
        Ok(true)
    }

    fn switch(&mut self, line: &str, seat: Seat, text: &str) -> anyhow::Result<bool> {
        self.echo(line)?;
        self.speaker = seat;
        self.say(text)?;
        Ok(true)
    }

    /// Ends the turn for both seats (a seat that already ended it is skipped).
    async fn end_turn(&mut self) -> anyhow::Result<bool> {
        for seat in [Seat::Liaison, TROUBLESHOOTER] {
            if self.ended.is_some() {
                break;
            }
            match self.room.act(seat, Action::EndTurn).await {
                Ok(_) | Err(RoomError::Rule(RuleError::AlreadyEnded)) => {}
                Err(RoomError::Rule(e)) => {
                    self.drain()?;
                    self.say(&format!("error: {e}"))?;
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            }
            self.drain()?;
        }
        Ok(true)
    }

    /// The closing block: outcome, grade, where the postmortem and journal are.
    async fn finish(mut self) -> anyhow::Result<ExitCode> {
        self.drain()?;
        let (closing, phase) = self.room.inspect(|g| (transcript::closing(g), g.phase.clone())).await?;
        let records = self.room.end().await?;
        self.say(&closing)?;
        if let Some(path) = self.postmortem.take().or(records.postmortem) {
            self.say(&format!("Postmortem: {}", path.display()))?;
        }
        if let Some(path) = records.journal {
            self.say(&format!("Journal: {}", path.display()))?;
        }
        Ok(match phase {
            Phase::Ended(Outcome::Lost { .. }) => ExitCode::from(2),
            _ => ExitCode::SUCCESS,
        })
    }
}
