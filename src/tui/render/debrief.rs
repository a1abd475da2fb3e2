//! The debrief screen: the grade and why, the error rate and budget over the turns, how long the
//! customer waited for a word, the cause and the fix, what really happened, the timeline, where
//! the postmortem is, and what to do next. A roomy terminal gets panes side by side with a chart;
//! a small one gets the same material as one report to scroll through.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Cell, Chart, Dataset, GraphType, Padding, Paragraph, Row, Table, Widget};

use super::{pane, text, tournament};
use crate::game::Outcome;
use crate::game::clock;
use crate::game::debrief::Debrief;
use crate::game::score::Grade;
use crate::game::text::{sanitize, sanitize_block};
use crate::tui::app::{App, DebriefScreen};
use crate::tui::theme::Theme;

/// Big letters for the grade, three rows each.
fn glyph(grade: Grade) -> [&'static str; 3] {
    match grade {
        Grade::A => ["▄▀▀▄", "█▄▄█", "█  █"],
        Grade::B => ["█▀▀▄", "█▀▀▄", "█▄▄▀"],
        Grade::C => ["▄▀▀▀", "█   ", "▀▄▄▄"],
        Grade::D => ["█▀▀▄", "█  █", "█▄▄▀"],
        Grade::F => ["█▀▀▀", "█▀▀ ", "█   "],
    }
}

fn grade_style(theme: &Theme, grade: Grade) -> Style {
    match grade {
        Grade::A | Grade::B => theme.ok,
        Grade::C => theme.warn,
        Grade::D | Grade::F => theme.bad,
    }
}

pub fn render(app: &App, d: &DebriefScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(debrief) = d.view.debrief.as_deref() else {
        let at = area.centered_vertically(Constraint::Length(1));
        Line::styled("The debrief is on its way…", theme.accent).centered().render(at, buf);
        return;
    };
    let wide = is_wide(area);
    let [header, body, postmortem, buttons] = outer(area);
    // A team in a tournament: the leaderboard under the team's own debrief.
    let body = match app.leaderboard.as_deref().filter(|_| d.hosted) {
        Some(board) => {
            let height = tournament::leaderboard_height(board).min(body.height / 2);
            let [body, below] = Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(body);
            tournament::render_leaderboard(&app.theme, board, below, buf);
            body
        }
        None => body,
    };
    render_header(app, d, debrief, wide, header, buf);
    if wide {
        render_wide(app, d, debrief, body, buf);
    } else {
        render_report(app, d, debrief, body, buf);
    }
    render_postmortem(app, d, postmortem, buf);
    render_buttons(app, d, buttons, buf);
}

fn outcome_text(outcome: &Outcome) -> (String, bool) {
    match outcome {
        Outcome::Won { turn } => {
            (format!("Resolved at turn {turn}: the root cause is fixed and service is healthy."), true)
        }
        Outcome::Lost { turn, reason } => (format!("Lost at turn {turn}: {}.", sanitize(reason)), false),
        Outcome::Stopped { turn } => (format!("Stopped at turn {turn} by the game master."), false),
    }
}

fn render_header(app: &App, d: &DebriefScreen, debrief: &Debrief, wide: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let score = &debrief.score;
    let style = grade_style(theme, score.grade);
    let [big, _, lines] =
        Layout::horizontal([Constraint::Length(5), Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    let big = Rect { x: big.x + 1, ..big };
    Paragraph::new(glyph(score.grade).map(|row| Line::styled(row, style)).to_vec()).render(big, buf);
    let (outcome, won) = outcome_text(&debrief.outcome);
    let third = match &score.note {
        Some(note) => Line::styled(sanitize(note), theme.warn),
        None if wide => Line::styled("Below: the score and why, the turns in figures, what happened.", theme.muted),
        None => times_line(debrief, theme),
    };
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled(format!("Grade {}", score.grade.as_str()), style),
            Span::styled(format!("   {} of {} points", score.total, score.max), theme.text),
            Span::styled(format!("   {}", sanitize(&d.view.title)), theme.muted),
        ]),
        Line::styled(outcome, if won { theme.ok } else { theme.bad }),
        third,
    ])
    .render(lines, buf);
}

/// `first word +2m00s  root cause +10m00s  resolved +30m00s`, for a small screen's header.
fn times_line(debrief: &Debrief, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for ((_, at), label) in times(debrief).into_iter().zip(["first word", "root cause", "resolved"]) {
        spans.push(Span::styled(format!("{label} "), theme.muted));
        spans.push(Span::styled(format!("{}   ", at.map_or_else(|| "—".to_owned(), clock)), theme.text));
    }
    Line::from(spans)
}

fn times(debrief: &Debrief) -> [(&'static str, Option<i64>); 3] {
    [
        ("first word to the customer", debrief.acknowledged),
        ("root cause named right", debrief.diagnosed),
        ("resolved", debrief.resolved),
    ]
}

fn is_wide(area: Rect) -> bool {
    area.width >= 120 && area.height >= 40
}

/// The debrief's header, body, postmortem line and buttons.
fn outer(area: Rect) -> [Rect; 4] {
    let [header, _, body, postmortem, buttons] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(u16::from(is_wide(area))),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    [header, body, postmortem, buttons]
}

/// The rows the timeline always keeps on a wide debrief: a long score table gives way to it.
const TIMELINE_MIN_ROWS: u16 = 8;

/// The wide debrief's bands: the score and chart, what happened and the times, the timeline.
fn wide_bands(debrief: &Debrief, area: Rect, theme: &Theme) -> [Rect; 3] {
    let [left, _] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let score_rows: u16 = score_rows(debrief, left.width, theme).iter().map(|(_, h)| *h).sum::<u16>() + 3;
    let happened = happened_lines(debrief, usize::from(left.width.saturating_sub(4)).max(1), theme);
    let room = area.height.saturating_sub(TIMELINE_MIN_ROWS);
    let middle_rows = (happened.len() as u16 + 2).clamp(7, 12).min(room.saturating_sub(score_rows).max(7));
    let score_rows = score_rows.min(room.saturating_sub(middle_rows));
    Layout::vertical([Constraint::Length(score_rows), Constraint::Length(middle_rows), Constraint::Fill(1)]).areas(area)
}

/// Rows a page of scrolling moves on the debrief: the timeline pane's on a wide screen, the
/// report's otherwise.
pub fn page_rows(app: &App, d: &DebriefScreen, area: Rect) -> u16 {
    let [_, body, _, _] = outer(area);
    match d.view.debrief.as_deref() {
        Some(debrief) if is_wide(area) => wide_bands(debrief, body, &app.theme)[2].height.saturating_sub(2),
        _ => body.height.saturating_sub(2),
    }
}

/// How long the incident ran, for scaling the time bars.
fn incident_length(d: &DebriefScreen, debrief: &Debrief) -> i64 {
    let last = debrief.samples.last().map_or(0, |s| s.second);
    debrief.resolved.unwrap_or(0).max(last).max(d.view.second).max(1)
}

fn render_wide(app: &App, d: &DebriefScreen, debrief: &Debrief, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let [left, _] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let score = score_rows(debrief, left.width, theme);
    let happened = happened_lines(debrief, usize::from(left.width.saturating_sub(4)).max(1), theme);
    let [top, middle, timeline] = wide_bands(debrief, area, theme);
    let [score_area, chart_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
    render_score_table(app, debrief, score, score_area, buf);
    render_chart(debrief, theme, chart_area, buf);
    let [happened_area, times_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(middle);
    let block = pane(" What happened ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(happened_area);
    block.render(happened_area, buf);
    Paragraph::new(happened).render(inner, buf);
    let block = pane(" Times ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(times_area);
    block.render(times_area, buf);
    Paragraph::new(time_bars(d, debrief, usize::from(inner.width), theme)).render(inner, buf);

    let block = pane(" Timeline ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(timeline);
    let rows = timeline_lines(debrief, usize::from(inner.width), theme);
    let height = usize::from(inner.height);
    let scroll = d.scroll.min(rows.len().saturating_sub(height));
    scrolled_title(block, scroll, rows.len(), height, theme).render(timeline, buf);
    Paragraph::new(rows).scroll((scroll as u16, 0)).render(inner, buf);
}

/// Adds `lines a–b of n` to a pane's title when it does not show everything.
fn scrolled_title<'a>(
    block: ratatui::widgets::Block<'a>,
    scroll: usize,
    total: usize,
    height: usize,
    theme: &Theme,
) -> ratatui::widgets::Block<'a> {
    if total <= height {
        return block;
    }
    let note = format!(" lines {}–{} of {total} ", scroll + 1, (scroll + height).min(total));
    block.title(Line::styled(note, theme.muted).right_aligned())
}

/// Width of the score table's points column.
const POINTS_WIDTH: u16 = 6;

/// The score table's rows for a pane `width` wide, the reasons wrapped, with their heights.
fn score_rows(debrief: &Debrief, width: u16, theme: &Theme) -> Vec<(Row<'static>, u16)> {
    let name_width = name_width(debrief);
    let why_width = usize::from(width.saturating_sub(2 + name_width + POINTS_WIDTH + 4)).max(10);
    debrief
        .score
        .parts
        .iter()
        .map(|part| {
            let (points, style) = points_of(part.points, part.max, theme);
            let why: Vec<Line<'static>> = text::wrap(&sanitize(&part.detail), why_width)
                .into_iter()
                .map(|row| Line::styled(row, theme.muted))
                .collect();
            let height = why.len().max(1) as u16;
            let row = Row::new([
                Cell::from(sanitize(&part.name)),
                Cell::from(Line::styled(points, style).right_aligned()),
                Cell::from(ratatui::text::Text::from(why)),
            ])
            .height(height);
            (row, height)
        })
        .collect()
}

fn name_width(debrief: &Debrief) -> u16 {
    debrief.score.parts.iter().map(|p| text::width(&sanitize(&p.name))).max().unwrap_or(0) as u16
}

fn render_score_table(app: &App, debrief: &Debrief, rows: Vec<(Row<'static>, u16)>, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let widths = [Constraint::Length(name_width(debrief)), Constraint::Length(POINTS_WIDTH), Constraint::Fill(1)];
    Table::new(rows.into_iter().map(|(row, _)| row), widths)
        .header(Row::new(["Part", "Points", "Why"]).style(theme.title))
        .column_spacing(2)
        .block(pane(" Score ", theme, false))
        .render(area, buf);
}

/// `7/10` in the colour of how well it went, or `n/a` for a part that does not apply.
fn points_of(points: u32, max: u32, theme: &Theme) -> (String, Style) {
    if max == 0 {
        return ("n/a".to_owned(), theme.muted);
    }
    let style = if points == max {
        theme.ok
    } else if points * 2 >= max {
        theme.warn
    } else {
        theme.bad
    };
    (format!("{points}/{max}"), style)
}

fn render_chart(debrief: &Debrief, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let errors: Vec<(f64, f64)> =
        debrief.samples.iter().map(|s| (f64::from(s.turn), (s.error_rate * 100.0).clamp(0.0, 100.0))).collect();
    let budget: Vec<(f64, f64)> =
        debrief.samples.iter().map(|s| (f64::from(s.turn), (s.budget_left * 100.0).clamp(0.0, 100.0))).collect();
    let first = debrief.samples.first().map_or(0, |s| s.turn);
    let last = debrief.samples.last().map_or(1, |s| s.turn).max(first + 1);
    let datasets = vec![
        Dataset::default()
            .name("error rate %")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.bad)
            .data(&errors),
        Dataset::default()
            .name("budget left %")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.ok)
            .data(&budget),
    ];
    Chart::new(datasets)
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)))
        .block(pane(" Error rate and budget over the turns ", theme, false))
        .x_axis(
            Axis::default()
                .title(Span::styled("turn", theme.muted))
                .style(theme.border)
                .bounds([f64::from(first), f64::from(last)])
                .labels([first.to_string(), last.to_string()]),
        )
        .y_axis(Axis::default().style(theme.border).bounds([0.0, 100.0]).labels(["0", "50", "100"]))
        .render(area, buf);
}

/// Bars for the three times, relative to the incident's length.
fn time_bars(d: &DebriefScreen, debrief: &Debrief, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let length = incident_length(d, debrief);
    let label_width = 27;
    let bar_width = width.saturating_sub(label_width + 9).max(4);
    let mut lines = Vec::new();
    for (label, at) in times(debrief) {
        let mut spans = vec![Span::styled(format!("{label:<label_width$}"), theme.muted)];
        if let Some(second) = at {
            let filled = ((second.max(0) as f64 / length as f64) * bar_width as f64).round() as usize;
            let filled = filled.min(bar_width);
            // A time of zero still gets a mark, so the bar reads as "at once", not "missing".
            let (bar, rest) = if filled == 0 {
                ("▏".to_owned(), bar_width - 1)
            } else {
                ("█".repeat(filled), bar_width - filled)
            };
            spans.push(Span::styled(bar, theme.accent));
            spans.push(Span::styled("░".repeat(rest), theme.muted));
            spans.push(Span::styled(format!(" {:>8}", clock(second)), theme.text));
        } else {
            spans.push(Span::styled("░".repeat(bar_width), theme.muted));
            spans.push(Span::styled(format!(" {:>8}", "—"), theme.warn));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// The scenario author's story: the summary, then the root cause.
fn happened_lines(debrief: &Debrief, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> =
        text::wrap_block(&sanitize_block(&debrief.summary), width).into_iter().map(Line::from).collect();
    let cause = format!("Root cause: {}", sanitize(&debrief.root_cause));
    for (i, row) in text::wrap(&cause, width).into_iter().enumerate() {
        lines.push(match row.strip_prefix("Root cause:") {
            Some(rest) if i == 0 => {
                Line::from(vec![Span::styled("Root cause:", theme.accent), Span::raw(rest.to_owned())])
            }
            _ => Line::from(row),
        });
    }
    // The answer in the taxonomy's terms, then what the team declared and how right it was: the
    // first place a player learns it (the game itself never says); then the lessons.
    let lessons = (!debrief.lessons.is_empty()).then(|| ("Lessons:", sanitize(&debrief.lessons.join(", "))));
    for (label, text) in debrief
        .causes
        .iter()
        .map(|c| ("Answer:", sanitize(c)))
        .chain(
            debrief.declarations.iter().map(|(d, credit)| ("Declared:", format!("{} ({credit}% right)", sanitize(d)))),
        )
        .chain(lessons)
    {
        for (i, row) in text::wrap(&format!("{label} {text}"), width).into_iter().enumerate() {
            lines.push(match row.strip_prefix(label) {
                Some(rest) if i == 0 => Line::from(vec![Span::styled(label, theme.accent), Span::raw(rest.to_owned())]),
                _ => Line::from(row),
            });
        }
    }
    lines
}

/// `+12m00s  troubleshooter 1  what`, the last column wrapped.
fn timeline_lines(debrief: &Debrief, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let seat_width = debrief.timeline.iter().map(|r| text::width(&sanitize(&r.seat))).max().unwrap_or(0).min(22);
    let time_width = debrief.timeline.iter().map(|r| text::width(&r.incident)).max().unwrap_or(7);
    let indent = time_width + seat_width + 4;
    let what_width = width.saturating_sub(indent).max(10);
    let mut lines = Vec::new();
    for row in &debrief.timeline {
        let seat = text::truncate(&sanitize(&row.seat), seat_width);
        for (i, piece) in text::wrap(&sanitize(&row.what), what_width).into_iter().enumerate() {
            if i == 0 {
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<time_width$}  ", sanitize(&row.incident)), theme.muted),
                    Span::styled(format!("{seat:<seat_width$}  "), theme.accent),
                    Span::raw(piece),
                ]));
            } else {
                lines.push(Line::from(vec![Span::raw(" ".repeat(indent)), Span::raw(piece)]));
            }
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("Nothing happened.", theme.muted));
    }
    lines
}

/// The small screen's report: score with reasons, times, what happened, then the timeline.
fn render_report(app: &App, d: &DebriefScreen, debrief: &Debrief, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let block = pane(" Debrief ", theme, false);
    let inner = block.inner(area).inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 });
    let width = usize::from(inner.width).max(1);
    let mut lines = vec![Line::styled("Score", theme.title)];
    let name_width = debrief.score.parts.iter().map(|p| text::width(&p.name)).max().unwrap_or(0);
    for part in &debrief.score.parts {
        let (points, style) = points_of(part.points, part.max, theme);
        lines.push(Line::from(vec![
            Span::raw(format!("{:<name_width$}  ", sanitize(&part.name))),
            Span::styled(format!("{points:>5}"), style),
        ]));
        for row in text::wrap(&sanitize(&part.detail), width.saturating_sub(4)) {
            lines.push(Line::styled(format!("    {row}"), theme.muted));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled("Times", theme.title));
    lines.extend(time_bars(d, debrief, width, theme));
    lines.push(Line::default());
    lines.push(Line::styled("What happened", theme.title));
    lines.extend(happened_lines(debrief, width, theme));
    lines.push(Line::default());
    lines.push(Line::styled("Timeline", theme.title));
    lines.extend(timeline_lines(debrief, width, theme));
    let height = usize::from(inner.height);
    let scroll = d.scroll.min(lines.len().saturating_sub(height));
    let total = lines.len();
    scrolled_title(block, scroll, total, height, theme).render(area, buf);
    Paragraph::new(lines).scroll((scroll as u16, 0)).render(inner, buf);
}

fn render_postmortem(app: &App, d: &DebriefScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    // The room reports the path once the file is written; until then there is nothing to open.
    let (said, style) = match &d.postmortem {
        Some(path) => (sanitize(&path.display().to_string()), theme.text),
        // The host sends it once the game is over, and the client keeps it in the data directory.
        None if d.hosted => ("on its way from the host…".to_owned(), theme.muted),
        None => ("being written…".to_owned(), theme.muted),
    };
    let room = usize::from(area.width).saturating_sub(14);
    Line::from(vec![Span::styled(" Postmortem: ", theme.muted), Span::styled(text::truncate(&said, room), style)])
        .render(area, buf);
}

fn render_buttons(app: &App, d: &DebriefScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, button) in d.buttons().iter().enumerate() {
        let style = if i == d.selected { theme.selected } else { theme.accent };
        spans.push(Span::styled(format!("[ {} ]", button.label()), style));
        spans.push(Span::raw("  "));
    }
    Line::from(spans).render(area, buf);
}
