//! The spectator's screen, made to be read across a room on a projector: the incident state and
//! severity in block letters, a big error-budget gauge, the error rate over the turns, the
//! alerts firing, the public timeline, who sits where, the turn and the clock. It draws the
//! public board and the table only, so nothing secret can reach the wall.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Padding, Paragraph, Sparkline, Widget};

use super::board::{budget_style, error_now, error_rates, error_style, percent, unit};
use super::console::{Chunk, tail};
use super::game::render_scrollback;
use super::{pane, text};
use crate::game::event::Outcome;
use crate::game::text::sanitize;
use crate::game::view::{Board, Public, PublicEvent, RoleView};
use crate::game::words::{self, Audience, Context};
use crate::game::{Phase, Seat};
use crate::tui::app::{App, GameScreen};
use crate::tui::theme::Theme;

/// Rows of a block letter.
const GLYPH_ROWS: usize = 5;

/// A 3×5 block letter for `c` (letters, digits and a little punctuation; anything else blank).
fn glyph(c: char) -> [&'static str; GLYPH_ROWS] {
    match c.to_ascii_uppercase() {
        'A' => ["▄▀▄", "█ █", "█▀█", "█ █", "▀ ▀"],
        'B' => ["█▀▄", "█ █", "█▀▄", "█ █", "▀▀ "],
        'C' => ["▄▀▀", "█  ", "█  ", "█  ", " ▀▀"],
        'D' => ["█▀▄", "█ █", "█ █", "█ █", "▀▀ "],
        'E' => ["█▀▀", "█  ", "█▀ ", "█  ", "▀▀▀"],
        'F' => ["█▀▀", "█  ", "█▀ ", "█  ", "▀  "],
        'G' => ["▄▀▀", "█  ", "█ ▄", "█ █", " ▀▀"],
        'H' => ["█ █", "█ █", "█▀█", "█ █", "▀ ▀"],
        'I' => ["▀█▀", " █ ", " █ ", " █ ", "▀▀▀"],
        'J' => ["  █", "  █", "  █", "█ █", " ▀ "],
        'K' => ["█ █", "█▄▀", "█▀▄", "█ █", "▀ ▀"],
        'L' => ["█  ", "█  ", "█  ", "█  ", "▀▀▀"],
        'M' => ["█▄█", "█▀█", "█ █", "█ █", "▀ ▀"],
        'N' => ["█▀▄", "█ █", "█ █", "█ █", "▀ ▀"],
        'O' => ["▄▀▄", "█ █", "█ █", "█ █", " ▀ "],
        'P' => ["█▀▄", "█ █", "█▀ ", "█  ", "▀  "],
        'Q' => ["▄▀▄", "█ █", "█ █", "█▄█", " ▀▀"],
        'R' => ["█▀▄", "█ █", "█▀▄", "█ █", "▀ ▀"],
        'S' => ["▄▀▀", "█  ", " ▀▄", "  █", "▀▀ "],
        'T' => ["▀█▀", " █ ", " █ ", " █ ", " ▀ "],
        'U' => ["█ █", "█ █", "█ █", "█ █", " ▀ "],
        'V' => ["█ █", "█ █", "█ █", "▀▄▀", " ▀ "],
        'W' => ["█ █", "█ █", "█ █", "█▀█", "▀ ▀"],
        'X' => ["█ █", "▀▄▀", " █ ", "▄▀▄", "▀ ▀"],
        'Y' => ["█ █", "█ █", "▀▄▀", " █ ", " ▀ "],
        'Z' => ["▀▀█", "  █", " █ ", "█  ", "▀▀▀"],
        '0' => ["▄▀▄", "█ █", "█ █", "█ █", " ▀ "],
        '1' => ["▄█ ", " █ ", " █ ", " █ ", "▀▀▀"],
        '2' => ["▄▀▄", "  █", " ▄▀", "█  ", "▀▀▀"],
        '3' => ["▀▀▄", "  █", " ▀▄", "  █", "▀▀ "],
        '4' => ["█ █", "█ █", "▀▀█", "  █", "  ▀"],
        '5' => ["█▀▀", "█  ", "▀▀▄", "  █", "▀▀ "],
        '6' => ["▄▀▀", "█  ", "█▀▄", "█ █", " ▀ "],
        '7' => ["▀▀█", "  █", " █ ", " █ ", " ▀ "],
        '8' => ["▄▀▄", "█ █", "▄▀▄", "█ █", " ▀ "],
        '9' => ["▄▀▄", "█ █", " ▀█", "  █", "▀▀ "],
        '%' => ["█ ▄", "  █", " █ ", "█  ", "▀ ▀"],
        '-' => ["   ", "   ", "▀▀▀", "   ", "   "],
        '·' | '.' => ["   ", "   ", "   ", "   ", " ▀ "],
        _ => ["   ", "   ", "   ", "   ", "   "],
    }
}

/// `text` in block letters, a column between letters; the rows are `3 × letters + gaps` wide.
pub fn big(text: &str) -> [String; GLYPH_ROWS] {
    let mut rows: [String; GLYPH_ROWS] = Default::default();
    for (i, c) in text.chars().enumerate() {
        for (row, piece) in rows.iter_mut().zip(glyph(c)) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(piece);
        }
    }
    rows
}

/// Columns `big(text)` needs.
fn big_width(text: &str) -> usize {
    let n = text.chars().count();
    if n == 0 { 0 } else { n * 4 - 1 }
}

/// `text` in block letters when it fits `area`, otherwise in bold on one row.
fn render_big(text: &str, style: Style, area: Rect, buf: &mut Buffer) {
    if big_width(text) <= usize::from(area.width) && usize::from(area.height) >= GLYPH_ROWS {
        let lines: Vec<Line> = big(text).into_iter().map(|r| Line::styled(r, style)).collect();
        Paragraph::new(lines).render(area, buf);
    } else {
        Line::styled(text.to_owned(), style.add_modifier(Modifier::BOLD)).render(area, buf);
    }
}

pub fn render(app: &App, game: &GameScreen, view: &RoleView, board: &Board, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let tall = area.height >= 40;
    let spark_rows = if tall { 8 } else { 3 };
    let [top, _, headline, _, figures, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(tall)),
        Constraint::Length(GLYPH_ROWS as u16),
        Constraint::Length(1),
        Constraint::Length(spark_rows + 2),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_top(app, game, view, top, buf);
    render_headline(theme, view, board, headline, buf);
    let [budget, errors] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(figures);
    render_budget(theme, board, budget, buf);
    render_errors(theme, board, errors, buf);
    let side_width = (rest.width / 3).clamp(30, 50);
    let [timeline, side] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(side_width)]).areas(rest);
    render_timeline(app, board, game.scroll, timeline, buf);
    let alert_rows = (alert_lines(theme, board, side.width).len() as u16).max(1) + 2;
    let [alerts, table] = Layout::vertical([Constraint::Length(alert_rows), Constraint::Fill(1)]).areas(side);
    render_alerts(theme, board, alerts, buf);
    render_table(theme, view, table, buf);
}

/// The scenario's title on the left; the turn and the incident clock on the right.
fn render_top(app: &App, game: &GameScreen, view: &RoleView, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let phase = match &view.phase {
        Phase::Lobby => Span::styled("  waiting to start", theme.muted),
        Phase::Playing => Span::raw(""),
        Phase::Paused => Span::styled("  PAUSED", theme.warn.add_modifier(Modifier::BOLD)),
        Phase::Ended(_) => Span::styled("  OVER", theme.accent.add_modifier(Modifier::BOLD)),
        Phase::Closing => Span::styled("  CLOSING TURN", theme.ok.add_modifier(Modifier::BOLD)),
    };
    let right = Line::from(vec![
        Span::styled(words::turn_label(view.turn, view.turn_limit).to_lowercase(), theme.text),
        Span::raw("  "),
        Span::styled(crate::game::clock(view.second), theme.accent.add_modifier(Modifier::BOLD)),
        phase,
    ]);
    let mut right = right;
    right.spans.extend(super::game::turn_spans(app, game, view, area.width < 100));
    right.spans.push(Span::raw(" "));
    let right_width = right.width() as u16;
    let room = usize::from(area.width.saturating_sub(right_width + 2));
    Line::styled(
        format!(" {}", text::truncate(&sanitize(&view.title), room)),
        theme.title.add_modifier(Modifier::BOLD),
    )
    .render(area, buf);
    right.right_aligned().render(area, buf);
}

/// The incident's state and severity, big.
fn render_headline(theme: &Theme, view: &RoleView, board: &Board, area: Rect, buf: &mut Buffer) {
    let (state, state_style) = match (&view.phase, board.incident_state) {
        (Phase::Ended(Outcome::Won { .. }), _) => ("RESOLVED".to_owned(), theme.ok),
        (Phase::Ended(Outcome::Lost { .. }), _) => ("LOST".to_owned(), theme.bad),
        (Phase::Ended(Outcome::Stopped { .. }), _) => ("STOPPED".to_owned(), theme.muted),
        (_, Some(s)) => (s.as_str().to_uppercase(), theme.accent),
        (_, None) => ("NO UPDATE".to_owned(), theme.warn),
    };
    let severity = board.severity.map_or_else(|| "SEV-".to_owned(), |s| crate::game::words::severity(s).to_owned());
    let severity_style = match board.severity {
        Some(crate::game::Severity::Sev1) => theme.bad,
        Some(crate::game::Severity::Sev2) => theme.warn,
        Some(_) => theme.accent,
        None => theme.muted,
    };
    let severity_width = big_width(&severity) as u16 + 2;
    let [left, _, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(2), Constraint::Length(severity_width)])
            .areas(area.inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 }));
    render_big(&state, state_style.add_modifier(Modifier::BOLD), left, buf);
    render_big(&severity, severity_style.add_modifier(Modifier::BOLD), right, buf);
}

fn render_budget(theme: &Theme, board: &Board, area: Rect, buf: &mut Buffer) {
    let budget = unit(board.budget_left);
    let style = budget_style(theme, budget);
    let title = format!(" Error budget · SLO {}% ", board.slo_objective);
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    Gauge::default()
        .ratio(budget)
        .label(Span::styled(
            format!("{} left", percent(budget)),
            style.add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ))
        .gauge_style(style)
        .use_unicode(true)
        .render(inner, buf);
}

fn render_errors(theme: &Theme, board: &Board, area: Rect, buf: &mut Buffer) {
    let now = error_now(board);
    let style = error_style(theme, now);
    let block = pane(
        Line::from(vec![
            Span::styled(" Errors now ", theme.title),
            Span::styled(format!("{} ", percent(now)), style.add_modifier(Modifier::BOLD)),
        ]),
        theme,
        false,
    )
    .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let data = error_rates(board, usize::from(inner.width));
    Sparkline::default().data(data).max(1000).style(style).render(inner, buf);
}

fn render_alerts(theme: &Theme, board: &Board, area: Rect, buf: &mut Buffer) {
    let block = pane(" Alerts ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    Paragraph::new(alert_lines(theme, board, area.width)).render(inner, buf);
}

/// Each firing alert in bold, wrapped to a pane `width` wide, two rows at most.
fn alert_lines(theme: &Theme, board: &Board, width: u16) -> Vec<Line<'static>> {
    if board.alerts.is_empty() {
        return vec![Line::styled("none firing", theme.ok)];
    }
    let width = usize::from(width.saturating_sub(6)).max(1);
    super::board::alert_lines(board, width, theme.bad, theme.bad.add_modifier(Modifier::BOLD))
}

/// Who sits where.
fn render_table(theme: &Theme, view: &RoleView, area: Rect, buf: &mut Buffer) {
    let block = pane(" At the table ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = view
        .table
        .iter()
        .map(|s| {
            let label = s.seat.label();
            let name = text::truncate(&sanitize(&s.name), width.saturating_sub(18));
            Line::from(vec![Span::styled(format!("{label:<17} "), theme.muted), Span::styled(name, theme.text)])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// What anyone may know happened, newest at the bottom.
fn render_timeline(app: &App, board: &Board, scroll: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width.saturating_sub(4)).max(1);
    let height = usize::from(area.height.saturating_sub(2));
    let events = board.timeline.iter().rev().map(|e| move |need| Chunk::last(timeline_rows(e, width, theme), need));
    let shown = tail(events, height, scroll);
    let empty = board.timeline.is_empty().then(|| "Nothing public has happened yet.".to_owned());
    render_scrollback(" Timeline ", &shown, empty, false, 1, app, area, buf);
}

fn timeline_rows(event: &PublicEvent, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let stamp = format!("{} ", crate::game::clock(event.second));
    // The words are the ones every screen uses (`game::words`), as a spectator reads them.
    let said =
        words::event(&event.as_stamped(), Audience::Seat(Seat::Spectator(0)), Context::default()).unwrap_or_default();
    let style = match &event.what {
        Public::Status { .. } => theme.accent,
        Public::Severity(_) | Public::Paused | Public::Injected(_) => theme.warn,
        Public::Alert { firing: true, .. } | Public::Ended(Outcome::Lost { .. }) => theme.bad,
        Public::Alert { firing: false, .. } | Public::Ended(Outcome::Won { .. }) | Public::Closing(_) => theme.ok,
        Public::Turn(_) | Public::Resumed | Public::Ended(Outcome::Stopped { .. }) => theme.muted,
    };
    let indent = stamp.len();
    text::wrap(&said, width.saturating_sub(indent).max(1))
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let lead = if i == 0 { Span::styled(stamp.clone(), theme.muted) } else { Span::raw(" ".repeat(indent)) };
            Line::from(vec![lead, Span::styled(row, style)])
        })
        .collect()
}
