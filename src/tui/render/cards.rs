//! The break phase's card table in a customer seat's lobby: the baseline and the budget, the
//! picks and the hand (each card's id, cost and target; the selected card's title and every
//! target it may take), the proof's last verdict, and the keys. The list scrolls to keep the
//! selected row in sight, so the table works at 80×24. Card and target names come from scenario
//! files: sanitized here.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{pane, text};
use crate::game::breaking::Fairness;
use crate::game::text::sanitize;
use crate::tui::action::Action;
use crate::tui::app::{App, CardRow, CardTable};

/// The columns of a card's id and its cost.
const CARD_WIDTH: u16 = 26;
const COST_WIDTH: u16 = 4;
/// The rows the list keeps before the selected card's details show.
const LIST_ROWS: u16 = 5;
/// The list's height from which its column headings show.
const HEADINGS_FROM: u16 = 10;
/// The largest budget drawn as a row of squares.
const GAUGE_MAX: u32 = 20;
/// The list's width from which each card's title has a column.
const TITLES_FROM: u16 = 110;

pub fn render(app: &App, table: &CardTable, focused: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let view = &table.view;
    let title = format!(" Break · {} ({}) ", sanitize(&view.baseline_title), sanitize(&view.baseline));
    // The keys go in the bottom border: on a short screen every row counts.
    let keys = keys_line(app, focused, usize::from(area.width.saturating_sub(4)));
    let block = pane(title, theme, focused).title_bottom(keys);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width).max(1);
    let detail = detail_lines(app, table, width);
    let verdict = verdict_lines(app, table, width);
    // The list keeps five rows when it can; the selected card's details give way first.
    let room = inner.height.saturating_sub(1 + LIST_ROWS + verdict.len() as u16);
    let detail_rows = (detail.len() as u16).min(room);
    let [budget_area, list_area, detail_area, verdict_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail_rows),
        Constraint::Length(verdict.len() as u16),
    ])
    .areas(inner);
    budget_line(app, table).render(budget_area, buf);
    render_list(app, table, focused, list_area, buf);
    Paragraph::new(detail).render(detail_area, buf);
    Paragraph::new(verdict).render(verdict_area, buf);
}

/// `Budget ■■□□ 2 of 4 points spent, 2 left`.
fn budget_line(app: &App, table: &CardTable) -> Line<'static> {
    let theme = &app.theme;
    let (budget, left) = (table.view.budget, table.view.left);
    let spent = table.spent();
    // One square a point; a budget too large for squares (the server's word) gets none.
    let gauge = if budget <= GAUGE_MAX {
        format!("{}{} ", "■".repeat(spent as usize), "□".repeat(left.min(budget) as usize))
    } else {
        String::new()
    };
    Line::from(vec![
        Span::styled("Budget ", theme.muted),
        Span::styled(gauge, if left == 0 { theme.warn } else { theme.accent }),
        Span::styled(format!("{spent} of {budget} points spent, {left} left"), theme.text),
    ])
}

fn render_list(app: &App, table: &CardTable, focused: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rows = table.rows();
    // A wide table gives each card's title its own column; a narrow one, the details line.
    let titled = area.width >= TITLES_FROM;
    let mut shown = Vec::new();
    let mut selected_row = None;
    let heading = |label: String| Row::new([Cell::from(Span::styled(label, theme.title))]);
    if !table.view.picks.is_empty() {
        shown.push(heading("Picked".to_owned()));
    }
    for (i, row) in rows.iter().enumerate() {
        if matches!(row, CardRow::Hand(_)) && (i == 0 || matches!(rows.get(i - 1), Some(CardRow::Picked(_)))) {
            let left = table.view.left;
            shown.push(heading(format!("Hand: what {left} point{} afford", if left == 1 { "" } else { "s" })));
        }
        if i == table.selected {
            selected_row = Some(shown.len());
        }
        shown.push(card_row(app, table, *row, i == table.selected && focused, titled));
    }
    if table.view.hand.is_empty() {
        let why = if table.view.left == 0 { "the budget is spent" } else { "no card left that the budget affords" };
        shown.push(Row::new([Cell::from(Span::styled(format!("Hand: {why}"), theme.muted))]));
    }
    let mut widths = vec![Constraint::Length(CARD_WIDTH), Constraint::Length(COST_WIDTH), Constraint::Fill(2)];
    let mut headings = vec!["Card", "Cost", "Target"];
    if titled {
        widths.push(Constraint::Fill(3));
        headings.push("Story");
    }
    let mut list = Table::new(shown, widths);
    if area.height >= HEADINGS_FROM {
        list = list.header(Row::new(headings).style(theme.muted));
    }
    let list = list.row_highlight_style(if focused { theme.selected } else { Style::default() }).highlight_symbol("▸ ");
    let mut state = TableState::default().with_selected(selected_row);
    StatefulWidget::render(list, area, buf, &mut state);
}

fn card_row(app: &App, table: &CardTable, row: CardRow<'_>, aiming: bool, titled: bool) -> Row<'static> {
    let theme = &app.theme;
    let title = |title: &str| titled.then(|| Cell::from(Span::styled(sanitize(title), theme.muted)));
    match row {
        CardRow::Picked(p) => Row::new(
            [
                Cell::from(Span::styled(format!("✓ {}", sanitize(&p.card)), theme.ok)),
                Cell::from(p.cost.to_string()),
                Cell::from(sanitize(&p.target)),
            ]
            .into_iter()
            .chain(title(&p.title)),
        ),
        CardRow::Hand(c) => {
            let target = sanitize(table.target_of(c).unwrap_or("its first free target"));
            let count = c.targets.len();
            let target = if aiming && count > 1 {
                format!("◂ {target} ▸ {}/{count}", table.aim_of(c) + 1)
            } else if count > 1 {
                format!("{target} (+{})", count - 1)
            } else {
                target
            };
            Row::new(
                [
                    Cell::from(format!("  {}", sanitize(&c.card))),
                    Cell::from(c.cost.to_string()),
                    Cell::from(Span::styled(target, theme.text)),
                ]
                .into_iter()
                .chain(title(&c.title)),
            )
        }
    }
}

/// The selected card's title, and for a card of the hand every target it may take.
fn detail_lines(app: &App, table: &CardTable, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(row) = table.selected_row() else { return Vec::new() };
    let said = match row {
        CardRow::Picked(p) => format!("{}: {}, on {}", p.card, p.title, p.target),
        CardRow::Hand(c) => format!("{}: {}; targets: {}", c.card, c.title, c.targets.join(", ")),
    };
    text::wrap(&sanitize(&said), width).into_iter().take(2).map(|r| Line::styled(r, theme.muted)).collect()
}

/// The proof's verdict (or that one is awaited, or what to do first), up to three rows.
fn verdict_lines(app: &App, table: &CardTable, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let prove = app.keymap.label(Action::Prove);
    let (said, style) = match &table.view.fairness {
        _ if table.proving => ("proving: the proof plays the composed incident through…".to_owned(), theme.warn),
        Some(f @ Fairness::Fair) => (format!("✓ {}", f.words()), theme.ok),
        Some(f) => (format!("✗ {}", f.words()), theme.bad),
        None if table.view.picks.is_empty() => {
            ("not proven: pick cards from the hand, then prove them fair".to_owned(), theme.muted)
        }
        None => (format!("not proven yet: {prove} proves the picks fair before the game may start"), theme.warn),
    };
    text::wrap(&sanitize(&said), width).into_iter().take(3).map(|r| Line::styled(r, style)).collect()
}

fn keys_line(app: &App, focused: bool, width: usize) -> Line<'static> {
    let key = |a: Action| app.keymap.label(a);
    let said = if focused {
        format!(
            "{}/{} card · ←/→ target · {} pick/drop · {} prove · {} chat",
            key(Action::Up),
            key(Action::Down),
            key(Action::PickCard),
            key(Action::Prove),
            key(Action::NextPane)
        )
    } else {
        format!("{} back to the cards · {} prove", key(Action::NextPane), key(Action::Prove))
    };
    Line::styled(text::truncate(&said, width), app.theme.accent)
}
