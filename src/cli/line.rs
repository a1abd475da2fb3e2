//! Line mode: seats on stdin and stdout, for scripts, pipes and screen readers. `kombat console`
//! (a solo game: the player holds the liaison's and a troubleshooter's seats) and
//! `kombat join --headless` (one seat of a hosted game) are this one front end over a seat handle
//! (`net::seat`; ARCHITECTURE.md, "One seat path").
//!
//! What happened is printed from the events the seats hear, in their words (`game::words`); a
//! refused act prints `error: REASON`. Lines answered here (`/help`, `/status`, a usage error)
//! are echoed first when input is not a terminal, so a script's output follows its input. An act
//! waits for its answer (and, from a server, for the view it brings, a second at most) before the
//! next line is read. Connection troubles go to stderr.

mod lines;
mod news;
mod status;

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use self::lines::{HELP, Intent, SOLO_HELP, parse};
use self::news::News;
use super::safe::{eprint_safe, write_safe};
use crate::game::text::{MAX_COMMAND_BODY, sanitize};
use crate::game::tournament::{Leaderboard, TeamBoard};
use crate::game::view::{Panel, RoleView};
use crate::game::words::{self, Audience, Context};
use crate::game::{Action, Event, Outcome, Phase, RuleError, Seat};
use crate::net::client::Closed;
use crate::net::seat::{SeatEvent, SeatEvents, SeatSender};
use crate::sim::kubectl::heredoc;

/// How long a done act's view is waited for before the next line is read anyway.
const VIEW_GRACE: Duration = Duration::from_secs(1);

pub use crate::net::stdin::lines as stdin_lines;

/// How line mode talks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Input is a terminal: show a prompt, do not echo lines answered here.
    pub interactive: bool,
}

/// What holds the next line back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// The answer to this act.
    Done(u64),
    /// The view an act that was done brings, until this moment.
    View(Instant),
}

/// One act still to send, from a line that asked for several (`/end` for two seats, `/wait 3`).
#[derive(Clone, Debug)]
struct Queued {
    seat: Seat,
    action: Action,
    /// An end of turn the seat already made is no error here.
    quiet_if_ended: bool,
}

/// How line mode ended.
pub struct Finished {
    pub code: ExitCode,
}

pub struct LineMode<W: Write> {
    sender: SeatSender,
    events: SeatEvents,
    out: W,
    style: Style,
    /// Who speaks in `/say`, `/declare` and `/hint`.
    speaker: Seat,
    news: News,
    views: Vec<RoleView>,
    waiting: Option<Wait>,
    /// Whether a `Done` that refused the current act should be shown.
    quiet: bool,
    queue: VecDeque<Queued>,
    ended: Option<Outcome>,
    closing_shown: bool,
    postmortem: Option<PathBuf>,
    /// The room's turn timer as last heard: the time it left, and when it was heard.
    timer: Option<(Duration, Instant)>,
    /// The turn whose timer was last announced, so each timed turn is announced once.
    timer_told: Option<u32>,
    /// Events heard before the first view, printed after the view's banner.
    early: Vec<crate::game::Stamped>,
    /// A command's here-document being read (`kubectl apply -f - <<EOF` … `EOF`).
    heredoc: Option<Gathering>,
    /// The tournament's leaderboard as last printed (a team's room, or a projector).
    board: Option<Leaderboard>,
    /// The tutorial step last printed, so each prompt is printed once, when it comes up.
    tutorial_told: Option<usize>,
    /// The break phase's card table as last printed, and whether the next one was asked for
    /// (`/cards` with the hand, `/budget` without).
    break_table: Option<crate::game::breaking::BreakView>,
    break_asked: Option<bool>,
}

/// A here-document being read, line by line, until its terminator.
struct Gathering {
    /// The line that opened it.
    first: String,
    word: String,
    strip_tabs: bool,
    body: String,
}

impl Gathering {
    /// Opens one when `line` is a console command ending in `<<WORD`.
    fn open(line: &str, seat: Seat) -> Option<Gathering> {
        let Some(Intent::Act(Action::Command(_))) = parse(line, seat) else { return None };
        let (word, strip_tabs) = heredoc::terminator(line)?;
        Some(Gathering { first: line.trim().to_owned(), word, strip_tabs, body: String::new() })
    }

    /// Takes one more line: the whole command once the terminator came. A body past the game's
    /// bound is not kept growing (the game would cut it anyway).
    fn take(&mut self, line: &str) -> Option<String> {
        let line = if self.strip_tabs { line.trim_start_matches('\t') } else { line };
        if line == self.word {
            let command = heredoc::split(&self.first).command;
            return Some(heredoc::wrap(&command, &self.body));
        }
        if self.body.len() + line.len() < MAX_COMMAND_BODY {
            self.body.push_str(line);
            self.body.push('\n');
        }
        None
    }
}

impl<W: Write> LineMode<W> {
    pub fn new(sender: SeatSender, events: SeatEvents, out: W, style: Style) -> Self {
        let speaker = sender.seats().first().copied().unwrap_or(Seat::Liaison);
        LineMode {
            sender,
            events,
            out,
            style,
            speaker,
            news: News::default(),
            views: Vec::new(),
            waiting: None,
            quiet: false,
            queue: VecDeque::new(),
            ended: None,
            closing_shown: false,
            postmortem: None,
            timer: None,
            timer_told: None,
            early: Vec::new(),
            heredoc: None,
            board: None,
            tutorial_told: None,
            break_table: None,
            break_asked: None,
        }
    }

    fn solo(&self) -> bool {
        self.sender.seats().len() > 1
    }

    fn audience(&self) -> Audience {
        if self.solo() { Audience::Solo } else { Audience::Seat(self.sender.seats()[0]) }
    }

    /// Plays until the input ends (and, for a local game, until it is over or the player quits).
    pub async fn run(mut self, mut lines: mpsc::Receiver<String>) -> anyhow::Result<Finished> {
        let mut stdin_open = true;
        loop {
            let local = self.sender.is_local();
            if (local && self.ended.is_some() && self.waiting.is_none()) || (!stdin_open && (local || self.over())) {
                return self.finish(ExitCode::SUCCESS).await;
            }
            if self.waiting.is_none()
                && let Some(next) = self.queue.pop_front()
            {
                self.send(next).await?;
                continue;
            }
            self.prompt()?;
            let grace = match self.waiting {
                Some(Wait::View(until)) => until,
                _ => Instant::now() + VIEW_GRACE,
            };
            tokio::select! {
                biased;
                event = self.events.next() => {
                    let Some(event) = event else {
                        if local {
                            return self.finish(ExitCode::SUCCESS).await;
                        }
                        anyhow::bail!("the connection to the server ended");
                    };
                    if let Some(code) = self.event(event)? {
                        return self.finish(code).await;
                    }
                }
                () = tokio::time::sleep_until(grace), if matches!(self.waiting, Some(Wait::View(_))) => {
                    self.waiting = None;
                }
                line = lines.recv(), if stdin_open && self.waiting.is_none() && self.queue.is_empty() && self.opened() => match line {
                    None => stdin_open = false,
                    Some(line) => {
                        let Some(line) = self.gather(line) else { continue };
                        if !self.line(&line).await? {
                            return self.finish(ExitCode::SUCCESS).await;
                        }
                    }
                },
            }
            self.out.flush()?;
        }
    }

    /// A line as line mode acts on it: a command that opens a here-document waits for its body
    /// and terminator, then goes as one command.
    fn gather(&mut self, line: String) -> Option<String> {
        if let Some(open) = self.heredoc.as_mut() {
            let whole = open.take(&line)?;
            self.heredoc = None;
            return Some(whole);
        }
        let seats = self.sender.seats();
        let primary = seats.iter().copied().find(|s| matches!(s, Seat::Troubleshooter(_))).or(seats.first().copied());
        match primary.and_then(|seat| Gathering::open(&line, seat)) {
            Some(open) => {
                self.heredoc = Some(open);
                None
            }
            None => Some(line),
        }
    }

    /// Whether input may be read: a local game's opening is printed first, so that the same
    /// input always gives the same transcript.
    fn opened(&self) -> bool {
        !self.sender.is_local() || !self.views.is_empty()
    }

    fn over(&self) -> bool {
        self.ended.is_some() || self.views.iter().any(|v| matches!(v.phase, Phase::Ended(_)))
    }

    fn prompt(&mut self) -> std::io::Result<()> {
        // Only a local game waits for the player between lines; a hosted one prints as things
        // happen, where a prompt would end up in the middle of other players' lines.
        if self.style.interactive && self.heredoc.is_some() {
            // The shell's secondary prompt, while a here-document is read.
            write!(self.out, "> ")?;
            self.out.flush()?;
        } else if self.style.interactive && self.sender.is_local() && self.waiting.is_none() && self.queue.is_empty() {
            let who = self.speaker.label();
            write!(self.out, "{}> ", who.trim_end_matches(" 1"))?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// Everything line mode prints goes through here: what a peer, a journal or a scenario
    /// said is made safe, whichever path brought it.
    fn say(&mut self, text: &str) -> std::io::Result<()> {
        write_safe(&mut self.out, text)
    }

    /// A tutorial's next step, when it is new: `[tutorial 2/8] …`.
    fn tell_tutorial(&mut self) -> std::io::Result<()> {
        let Some(prompt) = self.views.iter().find_map(|v| v.tutorial.clone()) else { return Ok(()) };
        if self.tutorial_told == Some(prompt.step) {
            return Ok(());
        }
        self.tutorial_told = Some(prompt.step);
        self.say(&format!("[tutorial {}/{}] {}", prompt.step, prompt.steps, sanitize(&prompt.text)))
    }

    async fn send(&mut self, queued: Queued) -> anyhow::Result<()> {
        if self.ended.is_some() {
            self.queue.clear();
            return Ok(());
        }
        self.quiet = queued.quiet_if_ended;
        match self.sender.act(queued.seat, queued.action).await {
            Ok(id) => self.waiting = Some(Wait::Done(id)),
            Err(e) => self.say(&format!("error: {e}"))?,
        }
        Ok(())
    }

    /// Prints what one event brings; an exit code once the session is over.
    fn event(&mut self, event: SeatEvent) -> anyhow::Result<Option<ExitCode>> {
        match event {
            SeatEvent::Break(view) => {
                // Printed when asked for, or when it changed (a pick, a drop, a verdict); the
                // lobby sends it again on every change of its own.
                let asked = self.break_asked.take();
                if asked.is_some() || self.break_table.as_ref() != Some(&*view) {
                    for line in crate::game::breaking::table_lines(&view, asked.unwrap_or(self.break_table.is_none())) {
                        self.say(&line)?;
                    }
                }
                self.break_table = Some(*view);
            }
            SeatEvent::Lobby(lobby) => {
                if !self.views.is_empty() {
                    // The room plays again: a new game starts from its lobby, and is told anew.
                    self.views.clear();
                    self.ended = None;
                    self.closing_shown = false;
                    self.postmortem = None;
                    self.timer = None;
                    self.timer_told = None;
                    self.say("[lobby] the room plays again: a new game, everyone in their seats")?;
                }
                for line in self.news.lobby(lobby) {
                    self.say(&line)?;
                }
            }
            SeatEvent::Views(views) => {
                if matches!(self.waiting, Some(Wait::View(_))) {
                    self.waiting = None;
                }
                if self.views.is_empty()
                    && !self.solo()
                    && let Some(view) = views.first()
                {
                    let banner = format!(
                        "== {} ==\n{}\nYou are {}, the {}.",
                        sanitize(&view.title),
                        crate::game::text::sanitize_block(view.summary.trim_end()),
                        sanitize(&view.name),
                        view.seat.label()
                    );
                    self.say(&banner)?;
                }
                let first = self.views.is_empty();
                self.views = views;
                if first {
                    let early = std::mem::take(&mut self.early);
                    self.print_events(&early)?;
                }
                if !self.closing_shown
                    && let Some(text) = status::closing(&self.views)
                {
                    self.closing_shown = true;
                    self.say(&text)?;
                }
                self.tell_tutorial()?;
            }
            SeatEvent::Events(events) if self.views.is_empty() && !self.solo() => self.early.extend(events),
            SeatEvent::Events(events) => self.print_events(&events)?,
            SeatEvent::Done { id, result } => {
                if self.waiting == Some(Wait::Done(id)) {
                    let remote = !self.sender.is_local();
                    self.waiting = (result.is_ok() && remote).then(|| Wait::View(Instant::now() + VIEW_GRACE));
                }
                if let Err(reason) = result {
                    let already = reason == RuleError::AlreadyEnded.to_string();
                    if !(self.quiet && already) {
                        self.queue.clear();
                        self.say(&format!("error: {}", sanitize(&reason)))?;
                    }
                }
            }
            SeatEvent::Notice(text) => self.say(&format!("[notice] {}", sanitize(&text)))?,
            SeatEvent::NotYet(reason) => self.say(&format!("[notice] {}", lines::not_yet_words(reason)))?,
            // Line mode prints no running countdown: it announces each timed turn once, and
            // `/status` says what is left.
            SeatEvent::TurnTimer(left) => {
                self.timer = left.map(|l| (l, Instant::now()));
                let turn = self.views.first().map(|v| v.turn);
                if let Some(left) = left
                    && turn.is_some()
                    && turn != self.timer_told
                {
                    self.timer_told = turn;
                    self.say(&format!(
                        "[timer] this turn ends in {} unless every responder ends it first",
                        timer_text(left)
                    ))?;
                }
            }
            SeatEvent::Postmortem(path) => {
                // A hosted game's postmortem comes from the host at the end: say where it went now.
                if !self.sender.is_local() {
                    self.say(&format!("[postmortem] the host sent the postmortem; kept in {}", path.display()))?;
                }
                self.postmortem = Some(path);
            }
            SeatEvent::Gap { from, to } => {
                eprint_safe(&format!("kombat: updates {from} to {to} never arrived; showing the newest"));
            }
            SeatEvent::Reconnecting { reason, .. } if self.over() => {
                // Nothing is left to play: no need to wait for the server to come back.
                eprint_safe(&format!("kombat: the server hung up after the game ended: {}", sanitize(&reason)));
                return Ok(Some(ExitCode::SUCCESS));
            }
            SeatEvent::Reconnecting { attempt, after, reason } => {
                eprint_safe(&format!(
                    "kombat: {}; reconnecting in {:.1} s (attempt {attempt})",
                    sanitize(&reason),
                    after.as_secs_f32()
                ));
            }
            SeatEvent::Resumed => eprint_safe("kombat: reconnected; the seat is yours again"),
            // A team's room: the board is printed once the seat's game is over (its debrief),
            // and again as it changes after that.
            SeatEvent::Leaderboard(board) => {
                let board = *board;
                if self.over() && self.board.as_ref() != Some(&board) {
                    // `lines` sanitizes what it quotes and keeps the columns' spacing.
                    for line in board.lines() {
                        self.say(&format!("[board] {line}"))?;
                    }
                }
                self.board = Some(board);
            }
            // A projector: the board as it changes, and a line per team.
            SeatEvent::Tournament(view) => {
                if self.board.as_ref() != Some(&view.leaderboard) {
                    for line in view.leaderboard.lines() {
                        self.say(&format!("[board] {line}"))?;
                    }
                    for team in &view.teams {
                        self.say(&format!("[team] {}", sanitize(&team_line(team))))?;
                    }
                    self.board = Some(view.leaderboard);
                }
            }
            SeatEvent::Moved(seat) => {
                self.sender.moved(seat);
                self.speaker = seat;
                self.say(&format!("[seat] the game master moved you: you are the {} now", seat.label()))?;
            }
            SeatEvent::Closed(closed) => {
                self.out.flush()?;
                let ended = self.over();
                return Ok(Some(match closed {
                    Closed::Left => ExitCode::SUCCESS,
                    Closed::Removed(reason) => {
                        self.say(&format!("[removed] {}", sanitize(&reason)))?;
                        if ended { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                    }
                    Closed::Refused(reason) => {
                        eprint_safe(&format!("kombat: the server refused: {}", sanitize(&reason)));
                        if ended { ExitCode::SUCCESS } else { ExitCode::FAILURE }
                    }
                    Closed::Lost(reason) => {
                        eprint_safe(&format!("kombat: lost the connection to the server: {}", sanitize(&reason)));
                        ExitCode::FAILURE
                    }
                    Closed::HostStopped(reason) => {
                        self.say(&format!("[host] the host stopped: {}", sanitize(&reason)))?;
                        ExitCode::SUCCESS
                    }
                }));
            }
        }
        Ok(None)
    }

    fn print_events(&mut self, events: &[crate::game::Stamped]) -> std::io::Result<()> {
        let audience = self.audience();
        for stamped in events {
            if let Event::Ended(outcome) = &stamped.event {
                self.ended = Some(outcome.clone());
            }
            if let Some(text) = words::event(stamped, audience, Context::default()) {
                self.say(&text)?;
            }
        }
        Ok(())
    }

    /// The seat a solo player's action is taken at.
    fn seat_for(&self, action: &Action) -> Seat {
        let seats = self.sender.seats();
        let held = |seat: Seat| seats.contains(&seat).then_some(seat);
        let troubleshooter = seats.iter().copied().find(|s| matches!(s, Seat::Troubleshooter(_)));
        match action {
            Action::Command(_) => troubleshooter.or(held(Seat::GameMaster)).unwrap_or(self.speaker),
            Action::CustomerChat(_) | Action::StatusUpdate { .. } | Action::AskHoldOff => {
                held(Seat::Liaison).or(held(Seat::GameMaster)).unwrap_or(self.speaker)
            }
            _ => self.speaker,
        }
    }

    /// Handles one input line; false to leave.
    async fn line(&mut self, raw: &str) -> anyhow::Result<bool> {
        let seats = self.sender.seats().to_vec();
        let primary = seats.iter().copied().find(|s| matches!(s, Seat::Troubleshooter(_))).unwrap_or(seats[0]);
        let Some(intent) = parse(raw, primary) else { return Ok(true) };
        let line = raw.trim();
        match intent {
            Intent::Act(Action::EndTurn) => self.end_turns(1),
            Intent::Wait(n) => self.end_turns(n),
            Intent::Act(action) => {
                let seat = self.seat_for(&action);
                self.queue.push_back(Queued { seat, action, quiet_if_ended: false });
            }
            Intent::Send(request) => {
                if let Err(e) = self.sender.lobby(request).await {
                    self.local(line, &format!("error: {e}"))?;
                }
            }
            Intent::BreakTable { hand } => {
                self.break_asked = Some(hand);
                let show = crate::net::seat::LobbyRequest::Break(crate::game::breaking::BreakRequest::Show);
                if let Err(e) = self.sender.lobby(show).await {
                    self.local(line, &format!("error: {e}"))?;
                }
            }
            Intent::Quit => return Ok(false),
            Intent::Help => {
                let help = if self.solo() { SOLO_HELP } else { HELP };
                self.local(line, help)?;
            }
            Intent::Status => {
                let mut text = status::status(&self.views, self.news.lobby_now().map(|l| l.players.len()));
                if let Some((left, heard)) = self.timer {
                    text = format!("{text}\nTurn timer: {} left", timer_text(left.saturating_sub(heard.elapsed())));
                }
                self.local(line, &text)?;
            }
            Intent::Options => {
                let text = status::options(&self.views);
                self.local(line, &text)?;
            }
            Intent::Findings => {
                let text = status::findings_list(&self.views);
                self.local(line, &text)?;
            }
            Intent::Score => {
                let text = status::score(&self.views);
                self.local(line, &text)?;
            }
            Intent::As(role) => match seats.iter().copied().find(|s| s.label().starts_with(role.as_str())) {
                Some(seat) if !role.is_empty() => {
                    self.speaker = seat;
                    self.local(line, &format!("You speak as the {}.", seat.label().trim_end_matches(" 1")))?;
                }
                _ => {
                    let roles: Vec<String> =
                        seats.iter().map(|s| s.label().trim_end_matches(" 1").to_owned()).collect();
                    self.local(line, &format!("error: usage: /as {}", roles.join("|")))?;
                }
            },
            Intent::Usage(text) => self.local(line, &format!("error: {text}"))?,
        }
        Ok(true)
    }

    /// Ends `turns` turns for every responder seat the player holds.
    fn end_turns(&mut self, turns: u32) {
        let responders: Vec<Seat> = self.sender.seats().iter().copied().filter(|s| s.is_responder()).collect();
        let seats = if responders.is_empty() { vec![self.speaker] } else { responders };
        let quiet = seats.len() > 1 || turns > 1;
        for _ in 0..turns {
            for seat in &seats {
                self.queue.push_back(Queued { seat: *seat, action: Action::EndTurn, quiet_if_ended: quiet });
            }
        }
    }

    /// An answer that does not come from the game, after the line when it was not seen.
    fn local(&mut self, line: &str, text: &str) -> std::io::Result<()> {
        if !self.style.interactive {
            self.say(&format!("> {}", sanitize(line)))?;
        }
        self.say(text)
    }

    /// Leaves: the closing block if the game is over and it was not shown, and where the records
    /// of a local game are.
    async fn finish(mut self, code: ExitCode) -> anyhow::Result<Finished> {
        for event in self.events.ready() {
            if let SeatEvent::Postmortem(path) = event {
                self.postmortem = Some(path);
            } else if !matches!(event, SeatEvent::Closed(_)) {
                let _ = self.event(event)?;
            }
        }
        if self.sender.is_local() && !self.closing_shown {
            let turn = self.views.first().map_or(0, |v| v.turn);
            let turn = crate::game::words::turn_of_play(turn);
            self.say(&format!("\nOutcome: Left at turn {turn} before the incident was resolved."))?;
        }
        let lost = self.sender.is_local() && matches!(self.ended, Some(Outcome::Lost { .. }));
        let LineMode { sender, mut out, postmortem, .. } = self;
        let records = sender.leave().await;
        let postmortem = postmortem.or(records.postmortem);
        if let Some(path) = &postmortem {
            write_safe(&mut out, &format!("Postmortem: {}", path.display()))?;
        }
        if let Some(path) = &records.journal {
            write_safe(&mut out, &format!("Journal: {}", path.display()))?;
        }
        out.flush()?;
        let code = if lost { ExitCode::from(2) } else { code };
        Ok(Finished { code })
    }
}

/// `1:05`: minutes and seconds, rounded up so a turn with time left never reads `0:00`.
fn timer_text(left: Duration) -> String {
    let seconds = left.as_millis().div_ceil(1000);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A team's public board in one line: its name, players, status page and alerts.
fn team_line(team: &TeamBoard) -> String {
    use std::fmt::Write as _;
    let Some(view) = &team.view else { return format!("{}: no board yet", team.team) };
    let players: Vec<&str> = view.table.iter().map(|s| s.name.as_str()).collect();
    let players = if players.is_empty() { "nobody yet".to_owned() } else { players.join(", ") };
    let mut line = format!("{} ({players}): turn {}", team.team, words::turn_of_play(view.turn));
    if let Panel::Spectator(board) = &view.panel {
        let state = board.incident_state.map_or("no status posted", |s| s.as_str());
        let _ = write!(line, ", status page: {state}, {} alert(s) firing", board.alerts.len());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timer_reads_in_minutes_and_seconds_rounded_up() {
        assert_eq!(timer_text(Duration::from_secs(65)), "1:05");
        assert_eq!(timer_text(Duration::from_millis(41_500)), "0:42");
        assert_eq!(timer_text(Duration::from_millis(1)), "0:01");
        assert_eq!(timer_text(Duration::ZERO), "0:00");
    }
}
