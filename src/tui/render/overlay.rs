//! Windows over the screen: the help (every action with its keys, and how to play), the
//! root-cause picker, the incident window and "leave this game?".

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Clear, List, ListItem, ListState, Paragraph, Row, StatefulWidget, Table, Widget};

use super::{pane, text};
use crate::game::text::sanitize;
use crate::game::view::{OptionView, Panel};
use crate::tui::action::Action;
use crate::tui::app::{App, IncidentItem, Overlay, Screen};

pub fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Help => render_help(app, area, buf),
        Overlay::Declare { selected } => render_declare(app, *selected, area, buf),
        Overlay::Incident { selected } => render_incident(app, *selected, area, buf),
        Overlay::ConfirmLeave => render_confirm(app, area, buf),
    }
}

/// A window of at most `width`×`height` in the middle of `area`, cleared and framed.
fn window(app: &App, title: &str, width: u16, height: u16, area: Rect, buf: &mut Buffer) -> Rect {
    let at = area.centered(
        Constraint::Length(width.min(area.width.saturating_sub(2))),
        Constraint::Length(height.min(area.height)),
    );
    Clear.render(at, buf);
    buf.set_style(at, app.theme.text);
    let block = pane(format!(" {title} "), &app.theme, true);
    let inner = block.inner(at);
    block.render(at, buf);
    inner.inner(Margin { horizontal: 1, vertical: 0 })
}

/// Six lines a newcomer needs, with the keys from the keymap.
fn how_to_play(app: &App) -> Vec<String> {
    let key = |a: Action| app.keymap.label(a);
    // At the prompt only a printable help key opens the help, and only when the prompt is empty.
    let typed_help = app.keymap.keys(Action::Help).iter().find(|k| k.printable().is_some()).map(ToString::to_string);
    let last = match typed_help {
        Some(k) => format!("Keys type at the prompt; {k} on an empty prompt opens this help."),
        None => format!("Keys type at the prompt; {} opens this help.", key(Action::Help)),
    };
    vec![
        format!("You hold two seats, liaison and troubleshooter; {} switches.", key(Action::NextSeat)),
        "The troubleshooter types kubectl commands: get, describe, logs, set…".to_owned(),
        format!("The liaison talks to the customer and posts status updates ({}).", key(Action::Incident)),
        format!("End the turn ({}) to let the cluster move; commands cost points.", key(Action::EndTurn)),
        format!("Declare the root cause ({}) and fix it; {} asks for a hint.", key(Action::Declare), key(Action::Hint)),
        last,
    ]
}

fn render_help(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(110);
    let inner_width = usize::from(width.saturating_sub(4)).max(1);
    let how: Vec<String> = how_to_play(app).iter().flat_map(|l| text::wrap(l, inner_width.saturating_sub(2))).collect();
    let how_rows = how.len() as u16;
    // The full table needs a row per action; on a small screen the keys go in two columns with
    // their short names instead.
    let full_rows = Action::ALL.len() as u16 + 1;
    let full = area.height >= full_rows + how_rows + 5;
    let table_rows = if full { full_rows } else { Action::ALL.len().div_ceil(2) as u16 + 1 };
    let height = table_rows + how_rows + 5;
    let inner = window(app, "Help", width, height, area, buf);
    let [how_title, how_area, _, keys_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(how_rows),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    Line::styled("How to play", theme.title).render(how_title, buf);
    let how_lines: Vec<Line> = how_to_play(app)
        .iter()
        .flat_map(|l| {
            text::wrap(l, inner_width.saturating_sub(2))
                .into_iter()
                .enumerate()
                .map(|(i, row)| {
                    Line::from(vec![Span::styled(if i == 0 { "• " } else { "  " }, theme.accent), Span::raw(row)])
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Paragraph::new(how_lines).render(how_area, buf);

    let key_width = Action::ALL.iter().map(|a| text::width(&app.keymap.labels(*a))).max().unwrap_or(0) as u16;
    if full {
        let rows = Action::ALL.iter().map(|a| {
            Row::new([Cell::from(Span::styled(app.keymap.labels(*a), theme.accent)), Cell::from(a.describe())])
        });
        let table = Table::new(rows, [Constraint::Length(key_width), Constraint::Fill(1)])
            .header(Row::new(["Keys", "What it does"]).style(theme.title))
            .column_spacing(2);
        Widget::render(table, keys_area, buf);
    } else {
        let half = Action::ALL.len().div_ceil(2);
        let short_width = Action::ALL.iter().map(|a| a.short().len()).max().unwrap_or(0) as u16;
        let rows = (0..half).map(|i| {
            let cell = |a: Option<&Action>| match a {
                Some(a) => [Cell::from(Span::styled(app.keymap.labels(*a), theme.accent)), Cell::from(a.short())],
                None => [Cell::default(), Cell::default()],
            };
            let [k1, s1] = cell(Action::ALL.get(i));
            let [k2, s2] = cell(Action::ALL.get(i + half));
            Row::new([k1, s1, k2, s2])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(key_width),
                Constraint::Length(short_width + 2),
                Constraint::Length(key_width),
                Constraint::Length(short_width),
            ],
        )
        .header(Row::new(["Keys", "", "Keys", ""]).style(theme.title))
        .column_spacing(2);
        Widget::render(table, keys_area, buf);
    }
}

/// The root-cause options from the views the player holds.
fn options(app: &App) -> Vec<OptionView> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    game.views
        .iter()
        .find_map(|v| match &v.panel {
            Panel::Liaison(l) => Some(l.findings.root_causes.clone()),
            Panel::Troubleshooter(t) => Some(t.findings.root_causes.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn render_declare(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let options = options(app);
    let width = area.width.saturating_sub(8).min(90);
    let text_width = usize::from(width.saturating_sub(8)).max(1);
    let items: Vec<ListItem> = options
        .iter()
        .map(|o| {
            let mut lines = vec![Line::styled(sanitize(&o.id), theme.accent)];
            lines.extend(text::wrap(&sanitize(&o.text), text_width).into_iter().map(Line::from));
            ListItem::new(Text::from(lines))
        })
        .collect();
    let rows: u16 = items.iter().map(|i| i.height() as u16).sum();
    let inner = window(app, "Declare the root cause", width, rows + 4, area, buf);
    let [intro, list_area] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    Line::styled("Which of these caused the incident? A wrong answer costs points.", theme.muted).render(intro, buf);
    let list = List::new(items).highlight_style(theme.selected).highlight_symbol("▸ ");
    let mut state = ListState::default().with_selected(Some(selected.min(options.len().saturating_sub(1))));
    StatefulWidget::render(list, list_area, buf, &mut state);
}

fn render_incident(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let items: Vec<ListItem> = IncidentItem::ALL.iter().map(|i| ListItem::new(i.label())).collect();
    let width = IncidentItem::ALL.iter().map(|i| text::width(&i.label())).max().unwrap_or(0) as u16 + 10;
    let inner = window(app, "Incident", width.max(44), IncidentItem::ALL.len() as u16 + 4, area, buf);
    let [intro, list_area] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    Line::styled("Tell the customer where things stand.", theme.muted).render(intro, buf);
    let list = List::new(items).highlight_style(theme.selected).highlight_symbol("▸ ");
    let mut state = ListState::default().with_selected(Some(selected.min(IncidentItem::ALL.len() - 1)));
    StatefulWidget::render(list, list_area, buf, &mut state);
}

fn render_confirm(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let inner = window(app, "Leave", 56, 6, area, buf);
    let [question, _, keys] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    Line::styled("Leave this game? The incident stays unresolved.", theme.text).render(question, buf);
    Line::from(vec![
        Span::styled(format!("{}/y", app.keymap.label(Action::Select)), theme.accent),
        Span::raw(": leave   "),
        Span::styled(format!("{}/n", app.keymap.label(Action::Back)), theme.accent),
        Span::raw(": stay"),
    ])
    .render(keys, buf);
}
