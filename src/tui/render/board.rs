//! The side column's widgets, shared by the seats: the board (error budget, error rate over the
//! turns, alerts, incident status and severity, the status page), the findings (clues, the
//! declared cause, hints) and the liaison's view of the customer's mood.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Padding, Paragraph, Sparkline, Widget};

use super::{pane, text};
use crate::game::HoldOff;
use crate::game::state::ChatLine;
use crate::game::text::sanitize;
use crate::game::view::{Board, Findings};
use crate::tui::theme::Theme;

/// The board's inner rows at this width: `tall` gives the sparkline and the status page more room.
fn rows(board: &Board, tall: bool, width: u16) -> [u16; 5] {
    let width = usize::from(width.saturating_sub(6)).max(1);
    let alerts = board.alerts.iter().map(|a| text::wrap(&sanitize(&a.title), width).len().min(2) as u16).sum::<u16>();
    [1, if tall { 3 } else { 1 }, alerts.max(1), 1, if tall { 2 } else { 1 }]
}

/// Rows the board needs at this size, borders included.
pub fn board_height(board: &Board, tall: bool, width: u16) -> u16 {
    rows(board, tall, width).iter().sum::<u16>() + 2
}

/// A fraction for a gauge: NaN and out-of-range values would make ratatui panic.
pub fn unit(value: f64) -> f64 {
    if value.is_finite() { value.clamp(0.0, 1.0) } else { 0.0 }
}

/// A one-line gauge: the label, then the bar.
pub fn line_gauge<'a>(ratio: f64, label: String, style: Style, theme: &Theme) -> LineGauge<'a> {
    LineGauge::default()
        .ratio(unit(ratio))
        .label(Span::styled(label, style))
        .filled_symbol(symbols::line::THICK.horizontal)
        .unfilled_symbol(symbols::line::NORMAL.horizontal)
        .filled_style(style)
        .unfilled_style(theme.muted)
}

/// The error-rate sparkline's data, newest last, at most `width` samples.
/// The last `width` turns' error rates, in thousandths, for a sparkline.
pub fn error_rates(board: &Board, width: usize) -> Vec<u64> {
    let skip = board.history.len().saturating_sub(width);
    board.history[skip..].iter().map(|s| (unit(s.error_rate) * 1000.0).round() as u64).collect()
}

/// The error rate at the latest turn (0–1).
pub fn error_now(board: &Board) -> f64 {
    board.history.last().map_or(0.0, |s| unit(s.error_rate))
}

pub fn budget_style(theme: &Theme, budget: f64) -> Style {
    level_style(theme, budget, 0.5, 0.2)
}

pub fn error_style(theme: &Theme, rate: f64) -> Style {
    level_style(theme, 1.0 - rate, 0.95, 0.5)
}

/// `investigating · SEV2`, or what is missing.
fn state_line(board: &Board, theme: &Theme) -> Vec<Span<'static>> {
    let state = match board.incident_state {
        Some(s) => Span::styled(s.as_str(), theme.accent),
        None => Span::styled("no update yet", theme.warn),
    };
    let severity = match board.severity {
        Some(s) => Span::styled(crate::game::words::severity(s), theme.accent),
        None => Span::styled("no severity", theme.warn),
    };
    vec![state, Span::styled(" · ", theme.muted), severity]
}

pub fn render_board(board: &Board, tall: bool, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = pane(" Board ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let [budget_row, spark_area, alerts_area, state_row, page_area] =
        Layout::vertical(rows(board, tall, area.width).map(Constraint::Length)).areas(inner);

    // Error budget.
    let [label, gauge] = Layout::horizontal([Constraint::Length(7), Constraint::Fill(1)]).areas(budget_row);
    Span::styled("budget", theme.muted).render(label, buf);
    let budget = unit(board.budget_left);
    line_gauge(budget, format!("{:>4}", percent(budget)), budget_style(theme, budget), theme).render(gauge, buf);

    // Error rate over the turns.
    let [label, spark, rate] =
        Layout::horizontal([Constraint::Length(7), Constraint::Fill(1), Constraint::Length(6)]).areas(spark_area);
    Span::styled("errors", theme.muted).render(label, buf);
    let now = error_now(board);
    let style = error_style(theme, now);
    Sparkline::default().data(error_rates(board, usize::from(spark.width))).max(1000).style(style).render(spark, buf);
    let rate_row = Rect { y: rate.bottom().saturating_sub(1), height: 1, ..rate };
    Line::styled(percent(now), style).right_aligned().render(rate_row, buf);

    // Alerts firing.
    if board.alerts.is_empty() {
        Span::styled("no alerts firing", theme.ok).render(alerts_area, buf);
    } else {
        let width = usize::from(alerts_area.width.saturating_sub(2)).max(1);
        Paragraph::new(alert_lines(board, width, theme.bad, theme.bad)).render(alerts_area, buf);
    }

    // Incident status and severity.
    Line::from(state_line(board, theme)).render(state_row, buf);

    // The status page's last entry.
    let lines = match board.status_page.last() {
        Some(entry) => {
            let said = format!("page {}: {}", crate::game::clock(entry.second), sanitize(&entry.text));
            clipped(&said, page_area, theme.muted)
        }
        None => vec![Line::styled("status page: nothing posted", theme.muted)],
    };
    Paragraph::new(lines).render(page_area, buf);
}

/// The board in two rows, for a console that needs the whole width: budget, error rate and
/// alerts, then status, findings and the newest team chat line.
pub fn render_strip(
    board: &Board,
    findings: &Findings,
    team: Option<&ChatLine>,
    seed: Option<u64>,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let [first, second] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let budget = unit(board.budget_left);
    let now = error_now(board);
    let [label, gauge, _, label2, spark, rate, _, alerts] = Layout::horizontal([
        Constraint::Length(7),
        Constraint::Length(18),
        Constraint::Length(2),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(5),
        Constraint::Length(2),
        Constraint::Fill(1),
    ])
    .areas(first);
    Span::styled(" budget", theme.muted).render(label, buf);
    line_gauge(budget, format!("{:>4}", percent(budget)), budget_style(theme, budget), theme).render(gauge, buf);
    Span::styled("errors ", theme.muted).render(label2, buf);
    let style = error_style(theme, now);
    Sparkline::default().data(error_rates(board, usize::from(spark.width))).max(1000).style(style).render(spark, buf);
    Line::styled(percent(now), style).right_aligned().render(rate, buf);
    let alert = match board.alerts.as_slice() {
        [] => Span::styled("no alerts firing", theme.ok),
        [one] => Span::styled(format!("▲ {}", sanitize(&one.title)), theme.bad),
        [first, rest @ ..] => Span::styled(format!("▲ {} (+{} more)", sanitize(&first.title), rest.len()), theme.bad),
    };
    let shown = text::truncate(&alert.content, usize::from(alerts.width));
    Span::styled(shown, alert.style).render(alerts, buf);

    let mut spans = vec![Span::raw(" ")];
    spans.extend(state_line(board, theme));
    spans.push(Span::styled("  │ ", theme.border));
    let clues = findings.clues.len();
    spans.push(Span::styled(format!("{clues} finding{}", if clues == 1 { "" } else { "s" }), theme.ok));
    if let Some(id) = &findings.declared {
        spans.push(Span::styled(format!(", declared {}", sanitize(id)), theme.accent));
    }
    // A random incident's seed, so friends can play the same one (the header has no room for
    // it on a narrow terminal).
    if let Some(seed) = seed {
        spans.push(Span::styled("  │ ", theme.border));
        spans.push(Span::styled(format!("seed {seed}"), theme.accent));
    }
    if let Some(line) = team {
        spans.push(Span::styled("  │ team ", theme.border));
        // One row: a line too long for it ends in `…` rather than losing its end unseen.
        let used: usize = spans.iter().map(Span::width).sum();
        let said = format!("{}: {}", sanitize(&line.from), sanitize(&line.text));
        let shown = text::truncate(&said, usize::from(area.width).saturating_sub(used));
        spans.push(Span::raw(shown));
    }
    Line::from(spans).render(second, buf);
}

/// `text` word-wrapped to the area, the last row ending in `…` when it does not fit.
fn clipped(text: &str, area: Rect, style: Style) -> Vec<Line<'static>> {
    let width = usize::from(area.width).max(1);
    let rows = text::wrap(text, width);
    let keep = usize::from(area.height);
    let cut = rows.len() > keep;
    rows.into_iter()
        .take(keep)
        .enumerate()
        .map(|(i, row)| {
            let row = if cut && i + 1 == keep { text::truncate(&format!("{row} …"), width) } else { row };
            Line::styled(row, style)
        })
        .collect()
}

/// `ok` above `good`, `warn` above `poor`, `bad` below.
fn level_style(theme: &Theme, value: f64, good: f64, poor: f64) -> Style {
    if value >= good {
        theme.ok
    } else if value >= poor {
        theme.warn
    } else {
        theme.bad
    }
}

pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p > 0.0 && p < 10.0 { format!("{p:.1}%") } else { format!("{p:.0}%") }
}

/// The seat's findings (numbered as `/share N` names them, each fact with where it came from),
/// the declared cause and hints, newest finding first when they do not all fit.
pub fn render_findings(findings: &Findings, theme: &Theme, declare_key: &str, area: Rect, buf: &mut Buffer) {
    let unshared = findings.clues.iter().any(|c| !c.shared);
    let title = if unshared {
        format!(" Findings: {} · /share N ", findings.clues.len())
    } else {
        format!(" Findings: {} ", findings.clues.len())
    };
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width).max(1);
    let mut lines = Vec::new();
    lines.push(match findings.declared.as_deref().map(sanitize) {
        Some(id) => Line::from(vec![Span::styled("declared ", theme.muted), Span::styled(id, theme.accent)]),
        None => Line::from(vec![
            Span::styled("root cause ", theme.muted),
            Span::styled(format!("not declared ({declare_key})"), theme.warn),
        ]),
    });
    lines.push(Line::styled(format!("hints {} used, {} left", findings.hints.len(), findings.hints_left), theme.muted));
    for (n, clue) in findings.clues.iter().enumerate().rev() {
        let number = format!("{} ", n + 1);
        let indent = " ".repeat(number.len());
        let fact = crate::game::words::one_line(&clue.fact);
        let inner_width = width.saturating_sub(number.len()).max(1);
        for (i, row) in text::wrap(&fact, inner_width).into_iter().enumerate() {
            let bullet = if i == 0 { Span::styled(number.clone(), theme.ok) } else { Span::raw(indent.clone()) };
            lines.push(Line::from(vec![bullet, Span::raw(row)]));
        }
        let shared = if clue.shared { ", shared" } else { "" };
        let source = format!("{}{shared}", sanitize(&clue.source));
        for row in text::wrap(&source, inner_width) {
            lines.push(Line::from(vec![Span::raw(indent.clone()), Span::styled(row, theme.muted)]));
        }
    }
    for hint in findings.hints.iter().rev() {
        let said = format!("hint {}: {}", hint.tier, sanitize(&hint.text));
        for (i, row) in text::wrap(&said, width.saturating_sub(2)).into_iter().enumerate() {
            let bullet = if i == 0 { Span::styled("? ", theme.warn) } else { Span::raw("  ") };
            lines.push(Line::from(vec![bullet, Span::styled(row, theme.muted)]));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}

/// The customer's mood as a gauge, and whether they agreed to hold off changes.
pub fn render_mood(customer: &str, mood: u32, hold_off: HoldOff, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let name = text::truncate(&sanitize(customer), usize::from(area.width.saturating_sub(4)));
    let block = pane(format!(" {name} "), theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let [mood_row, hold_row] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    let [label, gauge] = Layout::horizontal([Constraint::Length(7), Constraint::Fill(1)]).areas(mood_row);
    Span::styled("mood", theme.muted).render(label, buf);
    let ratio = f64::from(mood.min(100)) / 100.0;
    let style = level_style(theme, ratio, 0.6, 0.3);
    line_gauge(ratio, format!("{:>3}/100", mood.min(100)), style, theme).render(gauge, buf);
    let (said, style) = match hold_off {
        HoldOff::NotAsked => ("not asked to hold off", theme.muted),
        HoldOff::Asked => ("asked to hold off: waiting", theme.warn),
        HoldOff::Accepted => ("holding off changes", theme.ok),
        HoldOff::Refused => ("refused to hold off", theme.bad),
    };
    Line::styled(said, style).render(hold_row, buf);
}

/// Each firing alert after a `▲`, its title wrapped to `width` columns in two rows at most.
pub fn alert_lines(board: &Board, width: usize, mark: Style, title: Style) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for alert in &board.alerts {
        let mut rows = text::wrap(&sanitize(&alert.title), width);
        if rows.len() > 2 {
            rows.truncate(2);
            rows[1] = text::truncate(&format!("{}…", rows[1]), width);
        }
        for (i, row) in rows.into_iter().enumerate() {
            let lead = if i == 0 { Span::styled("▲ ", mark) } else { Span::raw("  ") };
            lines.push(Line::from(vec![lead, Span::styled(row, title)]));
        }
    }
    lines
}
