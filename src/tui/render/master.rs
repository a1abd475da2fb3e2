//! The game master's screen: everything, in tabs over the main pane (overview, every console
//! command, both chats, the customer's script with the injects and hints to come, the event
//! log), and on a wide terminal both chats in the side column so the game master can follow
//! the talk while looking at anything else. The prompt runs commands for free, writes in either
//! chat, or speaks as the customer.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::board::{board_height, line_gauge, render_board};
use super::console::{Chunk, Voices, entry_rows, tail};
use super::game::{SeatArea, render_chat, render_scrollback};
use super::{pane, text};
use crate::game::event::Stamped;
use crate::game::format::{InjectWhat, InjectWhen, MishapWhen};
use crate::game::state::ConsoleEntry;
use crate::game::text::sanitize;
use crate::game::view::{GameMasterPanel, RoleView};
use crate::game::words::{Audience, Context};
use crate::game::{HoldOff, Seat};
use crate::tui::app::{App, GameScreen, MasterTab, Target};
use crate::tui::theme::Theme;

pub fn render(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &GameMasterPanel,
    parts: &SeatArea,
    buf: &mut Buffer,
) {
    let [tabs, content] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(parts.main);
    render_tabs(app, game.tab, tabs, buf);
    let wide = parts.side.is_some();
    match game.tab {
        MasterTab::Overview => render_overview(app, panel, game.scroll, parts.tall, content, buf),
        MasterTab::Console => render_console(app, game, panel, content, buf),
        MasterTab::Chats => render_chats(app, game, view, panel, wide, content, buf),
        MasterTab::Script => render_script(app, panel, game.scroll, content, buf),
        MasterTab::Log => render_log(app, panel, game.scroll, content, buf),
    }
    if let Some(side) = parts.side {
        let [customer, team] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(side);
        render_both_chats(app, game, view, panel, 0, customer, team, buf);
    }
}

/// `[ overview ]  console  chats  script  event log   tab next`.
fn render_tabs(app: &App, current: MasterTab, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut spans = Vec::new();
    for tab in MasterTab::ALL {
        if tab == current {
            spans.push(Span::styled(format!("[ {} ]", tab.label()), theme.selected));
        } else {
            spans.push(Span::styled(format!("  {}  ", tab.label()), theme.muted));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans).render(area, buf);
}

/// The board and the customer on the left; win conditions, the root cause, clues and points on
/// the right.
fn render_overview(app: &App, panel: &GameMasterPanel, scroll: usize, tall: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let left_width = (area.width / 2).min(52);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Fill(1)]).areas(area);
    let board_rows = board_height(&panel.board, tall, left.width);
    let [board, customer, _] =
        Layout::vertical([Constraint::Length(board_rows), Constraint::Length(6), Constraint::Fill(1)]).areas(left);
    render_board(&panel.board, tall, theme, board, buf);
    render_customer(panel, theme, customer, buf);

    let block = pane(" State of play ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(right);
    block.render(right, buf);
    let lines = overview_lines(panel, theme);
    Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll as u16, 0)).render(inner, buf);
}

/// The customer as the script plays them: mood, patience and the hold-off.
fn render_customer(panel: &GameMasterPanel, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let c = &panel.customer;
    let who = if c.npc { "scripted" } else { "a player" };
    let name = text::truncate(&sanitize(&c.name), usize::from(area.width.saturating_sub(16)));
    let block = pane(format!(" {name} · {who} "), theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let [mood, patience, recovery, hold] = Layout::vertical([Constraint::Length(1); 4]).areas(inner);
    let [label, gauge] = Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(mood);
    Span::styled("mood", theme.muted).render(label, buf);
    let ratio = f64::from(c.mood.min(100)) / 100.0;
    let style = if ratio >= 0.6 {
        theme.ok
    } else if ratio >= 0.3 {
        theme.warn
    } else {
        theme.bad
    };
    line_gauge(ratio, format!("{:>3}/100", c.mood.min(100)), style, theme).render(gauge, buf);
    let p = &c.patience;
    let said = format!("-{}/turn after {} idle turns", p.decay, p.idle_turns);
    Line::from(vec![Span::styled("patience ", theme.muted), Span::raw(said)]).render(patience, buf);
    Line::raw(format!("         +{} per status update", p.recovery)).render(recovery, buf);
    let (said, style) = match c.hold_off {
        HoldOff::NotAsked => ("not asked", theme.muted),
        HoldOff::Asked => ("asked, no answer yet", theme.warn),
        HoldOff::Accepted => ("accepted", theme.ok),
        HoldOff::Refused => ("refused", theme.bad),
    };
    Line::from(vec![Span::styled("hold off ", theme.muted), Span::styled(said, style)]).render(hold, buf);
}

fn tick(done: bool, theme: &Theme) -> Span<'static> {
    if done { Span::styled("✔ ", theme.ok) } else { Span::styled("· ", theme.muted) }
}

fn heading(title: String, theme: &Theme) -> Line<'static> {
    Line::styled(title, theme.title.add_modifier(Modifier::BOLD))
}

fn overview_lines(panel: &GameMasterPanel, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let won = panel.win_conditions.iter().filter(|(_, holds)| *holds).count();
    lines.push(heading(format!("Win conditions {won}/{}", panel.win_conditions.len()), theme));
    for (what, holds) in &panel.win_conditions {
        let mark = if *holds { Span::styled("✔ ", theme.ok) } else { Span::styled("✘ ", theme.bad) };
        lines.push(Line::from(vec![mark, Span::raw(sanitize(what))]));
    }
    lines.push(Line::raw(""));
    lines.push(heading("Root cause".to_owned(), theme));
    lines.push(match &panel.declared {
        Some(d) if d.correct => Line::from(vec![
            Span::styled("declared ", theme.muted),
            Span::styled(sanitize(&d.option), theme.accent),
            Span::styled(" (right)", theme.ok),
        ]),
        Some(d) => Line::from(vec![
            Span::styled("declared ", theme.muted),
            Span::styled(sanitize(&d.option), theme.accent),
            Span::styled(" (wrong)", theme.bad),
        ]),
        None => Line::styled("not declared yet", theme.warn),
    });
    for option in &panel.root_causes {
        let mark = if option.correct { Span::styled("★ ", theme.ok) } else { Span::styled("  ", theme.muted) };
        lines.push(Line::from(vec![mark, Span::raw(sanitize(&option.id))]));
    }
    lines.push(Line::raw(""));
    let found = panel.clues.iter().filter(|c| c.found).count();
    lines.push(heading(format!("Clues found {found}/{}", panel.clues.len()), theme));
    for clue in &panel.clues {
        lines.push(Line::from(vec![tick(clue.found, theme), Span::raw(sanitize(&clue.text))]));
    }
    lines.push(Line::raw(""));
    let given = panel.hints.iter().filter(|h| h.given).count();
    lines.push(heading(format!("Hints given {given}/{}", panel.hints.len()), theme));
    lines.push(heading("Action points left".to_owned(), theme));
    for seat in &panel.points {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<18}", seat.seat.label()), theme.muted),
            Span::raw(seat.points.to_string()),
        ]));
    }
    lines
}

/// Every console command, whoever ran it (`# troubleshooter 1` after the command).
fn render_console(app: &App, game: &GameScreen, panel: &GameMasterPanel, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let height = usize::from(area.height.saturating_sub(2));
    let entries = panel.console.iter().rev().map(|e| {
        move |need| {
            let signed = ConsoleEntry { line: format!("{}  # {}", e.line, e.seat.label()), ..e.clone() };
            entry_rows(&signed, width, theme, need)
        }
    });
    let shown = tail(entries, height, game.scroll);
    let empty =
        panel.console.is_empty().then(|| "No commands yet. Yours are free: they cost no action points.".to_owned());
    let focus = game.target() == Target::Console;
    render_scrollback(" Console: every seat ", &shown, empty, focus, 0, app, area, buf);
}

fn render_chats(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &GameMasterPanel,
    wide: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let [customer, team] = if wide || area.width >= 100 {
        Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(area)
    } else {
        Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(area)
    };
    render_both_chats(app, game, view, panel, game.scroll, customer, team, buf);
}

#[allow(clippy::too_many_arguments)]
fn render_both_chats(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &GameMasterPanel,
    scroll: usize,
    customer: Rect,
    team: Rect,
    buf: &mut Buffer,
) {
    let voices = Voices { me: &view.name, customer: Some(&panel.customer.name), clock: true };
    let focus = matches!(game.target(), Target::CustomerChat | Target::AsCustomer);
    render_chat(" Customer chat ", &panel.customer_chat, &voices, scroll, focus, app, customer, buf);
    let voices = Voices { me: &view.name, customer: None, clock: true };
    render_chat(" Team chat ", &panel.team_chat, &voices, scroll, game.target() == Target::TeamChat, app, team, buf);
}

/// The customer's brief and script, mishaps, hints and injects, and the postmortem material:
/// what the game master needs to play the customer and to steer the game.
fn render_script(app: &App, panel: &GameMasterPanel, scroll: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let block = pane(" Script ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    Paragraph::new(script_lines(panel, theme)).wrap(Wrap { trim: false }).scroll((scroll as u16, 0)).render(inner, buf);
}

fn script_lines(panel: &GameMasterPanel, theme: &Theme) -> Vec<Line<'static>> {
    let c = &panel.customer;
    let mut lines = vec![heading(format!("The customer: {}", sanitize(&c.name)), theme)];
    lines.push(Line::raw(sanitize(&c.brief)));
    for secret in &c.secrets {
        lines.push(Line::from(vec![Span::styled("secret: ", theme.warn), Span::raw(sanitize(secret))]));
    }
    lines.push(Line::from(vec![Span::styled("opens: ", theme.muted), Span::raw(sanitize(&c.opening))]));
    lines.push(Line::raw(""));
    let said = panel.dialogue.iter().filter(|l| l.said).count();
    lines.push(heading(format!("Dialogue {said}/{} said", panel.dialogue.len()), theme));
    for line in &panel.dialogue {
        let mut when = format!("when {}", sanitize(&line.when.join(" | ")));
        if let Some(turn) = line.from_turn {
            let _ = write!(when, ", from turn {turn}");
        }
        if let Some(condition) = &line.only_if {
            let _ = write!(when, ", only if {}", sanitize(condition));
        }
        if let Some(clue) = &line.reveals {
            let _ = write!(when, ", reveals {}", sanitize(clue));
        }
        lines.push(Line::from(vec![tick(line.said, theme), Span::styled(when, theme.muted)]));
        lines.push(Line::raw(format!("  \"{}\"", sanitize(&line.say))));
    }
    for nag in &c.nags {
        lines.push(Line::from(vec![Span::styled("nag: ", theme.muted), Span::raw(sanitize(nag))]));
    }
    lines.push(Line::from(vec![Span::styled("churns: ", theme.muted), Span::raw(sanitize(&c.churn))]));
    lines.push(Line::raw(""));
    lines.push(heading("Mishaps".to_owned(), theme));
    for mishap in &panel.mishaps {
        let when = match mishap.when {
            MishapWhen::NotHeldOffBy(turn) => format!("at turn {turn} unless held off"),
            MishapWhen::PatienceBelow(mood) => format!("when the mood drops below {mood}"),
        };
        lines.push(Line::from(vec![
            tick(mishap.happened, theme),
            Span::styled(sanitize(&mishap.id), theme.accent),
            Span::styled(format!(" {when}: "), theme.muted),
            Span::raw(sanitize(&mishap.say)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(heading("Injects".to_owned(), theme));
    if panel.injects.is_empty() {
        lines.push(Line::styled("none in this scenario", theme.muted));
    }
    for inject in &panel.injects {
        lines.push(Line::from(vec![
            tick(inject.fired, theme),
            Span::styled(sanitize(&inject.id), theme.accent),
            Span::styled(format!(" {}: ", inject_when(&inject.when)), theme.muted),
            Span::raw(inject_what(&inject.what)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(heading("Hints".to_owned(), theme));
    for hint in &panel.hints {
        lines.push(Line::from(vec![
            tick(hint.given, theme),
            Span::styled(format!("tier {} ", hint.tier), theme.muted),
            Span::raw(sanitize(&hint.text)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(heading("For the postmortem".to_owned(), theme));
    lines.push(Line::raw(sanitize(&panel.postmortem.summary)));
    lines.push(Line::from(vec![
        Span::styled("root cause: ", theme.muted),
        Span::raw(sanitize(&panel.postmortem.root_cause)),
    ]));
    lines
}

pub fn inject_when(when: &InjectWhen) -> String {
    match when {
        InjectWhen::AtTurn(turn) => format!("at turn {turn}"),
        InjectWhen::OnCondition(p) => format!("when {}", sanitize(&p.describe())),
        InjectWhen::Manual => "when you fire it".to_owned(),
    }
}

pub fn inject_what(what: &InjectWhat) -> String {
    match what {
        InjectWhat::Message(text) => format!("the customer says \"{}\"", sanitize(text)),
        InjectWhat::Fault(changes) => {
            format!("{} change{} to the cluster", changes.len(), if changes.len() == 1 { "" } else { "s" })
        }
        InjectWhat::Visitor { name, say } => format!("{} joins: \"{}\"", sanitize(name), sanitize(say)),
    }
}

/// The whole event log, one row each, newest at the bottom; events with nothing to say (a
/// player taking a seat) have no row.
fn render_log(app: &App, panel: &GameMasterPanel, scroll: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width.saturating_sub(4)).max(1);
    let height = usize::from(area.height.saturating_sub(2));
    let said: Vec<(&Stamped, String)> = panel.log.iter().filter_map(|s| describe(s).map(|words| (s, words))).collect();
    let rows =
        said.iter().rev().map(|(s, words)| move |need| Chunk::last(vec![log_line(s, words, width, theme)], need));
    let shown = tail(rows, height, scroll);
    let empty = said.is_empty().then(|| "Nothing has happened yet.".to_owned());
    render_scrollback(" Event log ", &shown, empty, false, 1, app, area, buf);
}

/// One row: when, then what happened in the words the game master reads (they name who).
fn log_line(stamped: &Stamped, words: &str, width: usize, theme: &Theme) -> Line<'static> {
    let stamp =
        format!("{} t{:<2} ", crate::game::clock(stamped.second), crate::game::words::turn_of_play(stamped.turn));
    let room = width.saturating_sub(text::width(&stamp));
    Line::from(vec![Span::styled(stamp, theme.muted), Span::raw(text::truncate(words, room))])
}

/// An event in a few words, for the log: the first line of what the game master reads.
pub fn describe(stamped: &Stamped) -> Option<String> {
    let words = crate::game::words::event(stamped, Audience::Seat(Seat::GameMaster), Context::default())?;
    words.lines().next().map(str::to_owned)
}
