//! The title screen (art, menu, version) and the scenario picker (the list and the selected
//! scenario's details).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{pane, text};
use crate::game::text::sanitize;
use crate::tui::action::Action;
use crate::tui::app::{App, MenuItem};
use crate::tui::catalog::{self, CatalogEntry};

/// The title art, at most 70 columns by 8 rows.
const TITLE_ART: &str = include_str!("../../../assets/title.txt");

const TAGLINE: &str = "Practise Kubernetes incident response as a team, one turn at a time.";

pub fn render_title(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let art: Vec<&str> = TITLE_ART.lines().collect();
    let art_width = art.iter().map(|l| text::width(l)).max().unwrap_or(0) as u16;
    let menu_height = MenuItem::ALL.len() as u16;
    // Art, gap, tagline, gap, menu, gap, description.
    let content = art.len() as u16 + 1 + 1 + 2 + menu_height + 1 + 1;
    let top = area.height.saturating_sub(content) / 2;
    let [_, art_area, _, tagline_area, _, menu_area, _, describe_area, _, version_area] = Layout::vertical([
        Constraint::Length(top),
        Constraint::Length(art.len() as u16),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(menu_height),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);

    let art_area = art_area.centered_horizontally(Constraint::Length(art_width));
    Paragraph::new(art.iter().map(|l| Line::styled(*l, theme.title)).collect::<Vec<_>>()).render(art_area, buf);
    Line::styled(TAGLINE, theme.accent).centered().render(tagline_area, buf);

    let label_width = MenuItem::ALL.iter().map(|m| m.label().len()).max().unwrap_or(0) as u16 + 6;
    let menu_area = menu_area.centered_horizontally(Constraint::Length(label_width));
    for (i, (item, row)) in MenuItem::ALL.iter().zip(menu_area.rows()).enumerate() {
        let line = if i == selected {
            Line::styled(format!(" ▸ {:<w$} ", item.label(), w = label_width as usize - 4), theme.selected)
        } else {
            Line::styled(format!("   {}", item.label()), theme.text)
        };
        line.render(row, buf);
    }
    let describe = MenuItem::ALL.get(selected).map_or("", |m| m.describe());
    Line::styled(describe, theme.muted).centered().render(describe_area, buf);
    let version = format!("kombat {} ", env!("CARGO_PKG_VERSION"));
    Line::styled(version, theme.muted).right_aligned().render(version_area, buf);
}

pub fn render_picker(app: &App, selected: usize, browse: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let heading = if browse { "Scenarios" } else { "Solo practice: pick a scenario" };
    let list_width = (area.width * 45 / 100).clamp(42, 70);
    // Borders, the highlight symbol, the best and next columns and the spacing between them.
    let title_width = usize::from(list_width).saturating_sub(2 + 2 + 4 + 4 + 2);
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(area);

    // One heading row per difficulty group: the table's row of catalog entry `i` is `i` plus the
    // headings above it.
    let groups = catalog::groups(&app.catalog);
    let next = catalog::suggested(&app.catalog);
    let mut rows = Vec::new();
    let mut selected_row = 0;
    for (i, e) in app.catalog.iter().enumerate() {
        if let Some((_, level)) = groups.iter().find(|(start, _)| *start == i) {
            rows.push(Row::new([Cell::from(Span::styled(group_label(level), difficulty_style(app, level)))]));
        }
        if i == selected {
            selected_row = rows.len();
        }
        let best = e.best.map_or("—", |g| g.as_str());
        let mark = if next == Some(i) { "next" } else { "" };
        rows.push(Row::new([
            Cell::from(text::truncate(&sanitize(&e.title), title_width)),
            Cell::from(best),
            Cell::from(Span::styled(mark, theme.accent)),
        ]));
    }
    // Solo play ends the list with a new incident every time, under its own heading.
    if !browse {
        rows.push(Row::new([Cell::from(Span::styled("Random", theme.muted))]));
        if selected == app.catalog.len() {
            selected_row = rows.len();
        }
        rows.push(Row::new([
            Cell::from(Span::styled("Random incident", theme.accent)),
            Cell::from(""),
            Cell::from(""),
        ]));
    }
    let header = Row::new(["Scenario", "Best", ""]).style(theme.muted);
    let table = Table::new(rows, [Constraint::Fill(1), Constraint::Length(4), Constraint::Length(4)])
        .header(header)
        .block(pane(format!(" {heading} "), theme, true))
        .row_highlight_style(theme.selected)
        .highlight_symbol("▸ ");
    let mut state = TableState::default().with_selected(Some(selected_row));
    StatefulWidget::render(table, list_area, buf, &mut state);

    let block = pane(" Details ", theme, false);
    let inner = block.inner(detail_area);
    block.render(detail_area, buf);
    match app.catalog.get(selected) {
        Some(entry) => render_detail(app, entry, next == Some(selected), inner, buf),
        None if !browse && selected == app.catalog.len() => render_random(app, inner, buf),
        None => Line::styled("No scenarios found.", theme.muted).render(inner, buf),
    }
}

/// The "Random incident" row's details: what it is, the difficulty and the seed being typed.
fn render_random(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let label = |name: &'static str| Span::styled(format!("{name:<11}"), theme.muted);
    let seed = if app.random_seed.is_empty() {
        Span::styled("a fresh one (type digits to choose)", theme.muted)
    } else {
        Span::styled(format!("{}▏", app.random_seed), theme.accent)
    };
    let mut lines = vec![
        Line::styled("Random incident", theme.title),
        Line::default(),
        Line::from(vec![
            label("Difficulty"),
            Span::styled(app.difficulty.as_str(), theme.accent),
            Span::styled(format!(" ({} to change)", app.keymap.label(Action::Difficulty)), theme.muted),
        ]),
        Line::from(vec![label("Seed"), seed]),
        Line::default(),
    ];
    let about = "A healthy cluster with a business around it, broken by fault cards drawn from the seed and \
                 proven fair before you play: it can be found, it can be fixed, and it does not fix itself. \
                 The game shows its seed: the same seed and difficulty give friends the same incident.";
    lines.extend(text::wrap(about, width).into_iter().map(Line::from));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(app.keymap.label(Action::Select), theme.accent),
        Span::raw(": draw and play"),
    ]));
    let inner = area.inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 });
    Paragraph::new(lines).render(inner, buf);
}

/// A difficulty group's heading in the list.
fn group_label(level: &str) -> String {
    match level {
        "tutorial" => "Start here".to_owned(),
        "easy" => "Easy".to_owned(),
        "medium" => "Medium".to_owned(),
        "hard" => "Hard".to_owned(),
        other => sanitize(other),
    }
}

fn difficulty_style(app: &App, difficulty: &str) -> Style {
    match difficulty {
        "easy" | "tutorial" => app.theme.ok,
        "medium" => app.theme.warn,
        _ => app.theme.bad,
    }
}

fn render_detail(app: &App, entry: &CatalogEntry, next: bool, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let label = |name: &'static str| Span::styled(format!("{name:<11}"), theme.muted);
    let tags = text::wrap(&sanitize(&entry.tags.join(", ")), width.saturating_sub(11));
    let mut lines = vec![
        // The title only: an id such as `two-problems` would tell the twist before play.
        Line::styled(sanitize(&entry.title), theme.title),
        Line::default(),
        Line::from(vec![
            label("Level"),
            Span::styled(sanitize(&entry.difficulty), difficulty_style(app, &entry.difficulty)),
        ]),
    ];
    for (i, row) in tags.into_iter().enumerate() {
        lines.push(Line::from(vec![if i == 0 { label("Tags") } else { label("") }, Span::raw(row)]));
    }
    lines.extend([
        Line::from(vec![
            label("Expected"),
            Span::raw(entry.minutes.map_or_else(|| "—".to_owned(), |m| format!("about {m} minutes"))),
        ]),
        Line::from(vec![
            label("Best grade"),
            match entry.best {
                Some(g) => Span::styled(g.as_str(), theme.accent),
                None => Span::styled("— (not played yet)", theme.muted),
            },
        ]),
    ]);
    if next {
        lines.push(Line::from(vec![label("Next"), Span::styled("suggested: the next one to play", theme.accent)]));
    }
    match entry.teaches_now() {
        Some(teaches) => {
            for (i, row) in text::wrap(&sanitize(teaches), width.saturating_sub(11)).into_iter().enumerate() {
                lines.push(Line::from(vec![if i == 0 { label("Teaches") } else { label("") }, Span::raw(row)]));
            }
        }
        None if entry.teaches.is_some() => {
            lines.push(Line::from(vec![label("Teaches"), Span::styled("told once you have played it", theme.muted)]));
        }
        None => {}
    }
    lines.extend([
        Line::from(vec![
            label("Play at"),
            Span::styled(app.difficulty.as_str(), theme.accent),
            Span::styled(format!(" ({} to change)", app.keymap.label(Action::Difficulty)), theme.muted),
        ]),
        Line::default(),
    ]);
    let summary = crate::game::text::sanitize_block(&entry.summary);
    lines.extend(text::wrap_block(&summary, width).into_iter().map(Line::from));
    let play = Line::from(vec![Span::styled(app.keymap.label(Action::Select), theme.accent), Span::raw(": play solo")]);
    let inner = area.inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 });
    // The way to start stays in sight even when the summary is longer than the pane.
    if lines.len() + 2 > usize::from(inner.height) {
        let [text, action] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
        Paragraph::new(lines).render(text, buf);
        play.render(action, buf);
    } else {
        lines.push(Line::default());
        lines.push(play);
        Paragraph::new(lines).render(inner, buf);
    }
}
