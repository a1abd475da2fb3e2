//! Windows over the screen: the help (the actions that apply here with their keys, and how to
//! play this seat), the root-cause picker, the incident window, "leave this game?", and the
//! hosted seats' windows: rating a status update, the mishap cards, the hold-off question, the
//! game master's controls and injects, "end the game?".

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Clear, List, ListItem, ListState, Paragraph, Row, StatefulWidget, Table, Widget};

use super::customer::stars;
use super::master::{inject_what, inject_when};
use super::{pane, text};
use crate::game::Seat;
use crate::game::text::sanitize;

use crate::tui::action::Action;
use crate::tui::app::{
    App, DeclareField, DeclareForm, IncidentItem, MasterControl, Overlay, Screen, TIMER_TYPING, TimerChoice,
    customer_panel, declare_fields, declare_options, help_actions, master_panel,
};

pub fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Help => render_help(app, area, buf),
        Overlay::Declare(form) => render_declare(app, form, area, buf),
        Overlay::Incident { selected } => render_incident(app, *selected, area, buf),
        Overlay::ConfirmLeave => render_confirm(app, area, buf),
        Overlay::Rate { selected } => render_rate(app, *selected, area, buf),
        Overlay::Mishaps { selected } => render_mishaps(app, *selected, area, buf),
        Overlay::ConfirmMishap { id } => render_confirm_mishap(app, id, area, buf),
        Overlay::HoldOff => render_hold_off(app, area, buf),
        Overlay::Master { selected } => render_master(app, *selected, area, buf),
        Overlay::Injects { selected } => render_injects(app, *selected, area, buf),
        Overlay::Remove { selected } => render_remove(app, *selected, area, buf),
        Overlay::ConfirmEnd => render_confirm_end(app, area, buf),
        Overlay::Timer { selected, typed } => render_timer(app, *selected, typed, area, buf),
        Overlay::Hints { selected } => render_hints(app, *selected, area, buf),
        Overlay::MovePlayer { selected } => render_move_player(app, *selected, area, buf),
        Overlay::MoveTo { from, selected } => render_move_to(app, *from, *selected, area, buf),
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

/// The seat the game screen is playing, if any.
fn playing_seat(app: &App) -> Option<Seat> {
    match &app.screen {
        Screen::Game(game) => Some(game.seat()),
        _ => None,
    }
}

/// The lines a newcomer needs, with the keys from the keymap, for the seat they play.
fn how_to_play(app: &App) -> Vec<String> {
    let key = |a: Action| app.keymap.label(a);
    if matches!(app.screen, Screen::Replay(_)) {
        return vec![
            "A finished game, played again from its journal: every screen is as that seat saw it then.".to_owned(),
            format!(
                "{} and {} step back and forward; {} and {} jump a turn.",
                key(Action::StepBack),
                key(Action::StepForward),
                key(Action::PrevTurn),
                key(Action::NextTurn)
            ),
            format!(
                "{} and {} jump between moments: a turn, a change to the cluster, the cause declared, \
                 service restored, the end.",
                key(Action::PrevMoment),
                key(Action::NextMoment)
            ),
            format!(
                "{} shows the next seat: liaison, troubleshooters, customer, game master, the public board.",
                key(Action::NextSeat)
            ),
        ];
    }
    match playing_seat(app) {
        Some(Seat::Customer(_)) => {
            return vec![
                "You are the customer: your site is broken and the team's liaison is your only contact.".to_owned(),
                "Type at the prompt to answer the liaison; your brief says what you know and keep to yourself."
                    .to_owned(),
                format!("Rate the team's status updates ({}): were they honest and useful?", key(Action::Rate)),
                format!("When the team asks you to hold off changes, {} answers.", key(Action::AnswerHoldOff)),
                format!(
                    "Mishap cards ({}) make things worse: play them as a real customer might.",
                    key(Action::Mishap)
                ),
            ];
        }
        Some(Seat::GameMaster) => {
            return vec![
                "You run the game: you see everything, including what the players must find out.".to_owned(),
                format!("{} shows the next tab: overview, console, chats, script, event log.", key(Action::NextPane)),
                format!(
                    "{} sends the prompt to the console (free), a chat, or as the customer.",
                    key(Action::SwitchTarget)
                ),
                format!(
                    "{} opens the controls: pause, skip a turn, the timer, injects, hints, speak as the customer, end.",
                    key(Action::Master)
                ),
            ];
        }
        Some(Seat::Spectator(_)) => {
            return vec![
                "You are watching: this board is what the whole room may see.".to_owned(),
                format!("{} switches the theme; {} leaves.", key(Action::Theme), key(Action::Quit)),
            ];
        }
        _ => {}
    }
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
        "Findings are yours until /share N passes one to the team.".to_owned(),
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
    let actions = help_actions(app);
    let full_rows = actions.len() as u16 + 1;
    let full = area.height >= full_rows + how_rows + 5;
    let table_rows = if full { full_rows } else { actions.len().div_ceil(2) as u16 + 1 };
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

    let key_width = actions.iter().map(|a| text::width(&app.keymap.labels(*a))).max().unwrap_or(0) as u16;
    if full {
        let rows = actions.iter().map(|a| {
            Row::new([Cell::from(Span::styled(app.keymap.labels(*a), theme.accent)), Cell::from(a.describe())])
        });
        let table = Table::new(rows, [Constraint::Length(key_width), Constraint::Fill(1)])
            .header(Row::new(["Keys", "What it does"]).style(theme.title))
            .column_spacing(2);
        Widget::render(table, keys_area, buf);
    } else {
        let half = actions.len().div_ceil(2);
        let short_width = actions.iter().map(|a| a.short().len()).max().unwrap_or(0) as u16;
        let rows = (0..half).map(|i| {
            let cell = |a: Option<&Action>| match a {
                Some(a) => [Cell::from(Span::styled(app.keymap.labels(*a), theme.accent)), Cell::from(a.short())],
                None => [Cell::default(), Cell::default()],
            };
            let [k1, s1] = cell(actions.get(i));
            let [k2, s2] = cell(actions.get(i + half));
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

/// The end of `value` in at most `max` characters: where the typing happens stays in sight.
fn tail(value: &str, max: usize) -> String {
    let count = value.chars().count();
    if count <= max {
        return value.to_owned();
    }
    let kept: String = value.chars().skip(count + 1 - max).collect();
    format!("…{kept}")
}

/// The declaration form: one row per field, the focused one marked, then the keys.
fn render_declare(app: &App, form: &DeclareForm, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let options = declare_options(app);
    let rows = declare_fields(options.len());
    let width = area.width.saturating_sub(8).min(90);
    let value_width = usize::from(width.saturating_sub(18)).max(8);
    let inner = window(app, "Declare the root cause", width, rows.len() as u16 + 8, area, buf);
    let mut lines =
        vec![Line::styled("What broke, what kind of failure, and who changed it?", theme.muted), Line::default()];
    for field in &rows {
        let focused = *field == form.field;
        let (label, value) = match field {
            DeclareField::Objects => {
                let shown = if form.objects.is_empty() && !focused {
                    "kind/namespace/name".to_owned()
                } else {
                    form.objects.clone()
                };
                ("Objects", shown)
            }
            DeclareField::Class => ("Class", format!("◂ {} ▸", form.class().label())),
            DeclareField::ChangedBy => ("Changed by", form.changed_by.clone()),
            DeclareField::Option => {
                let text = options.get(form.option).map_or(String::new(), |o| o.text.clone());
                ("Or choose", format!("◂ {text} ▸"))
            }
        };
        let mut value = tail(&sanitize(&value), value_width);
        if focused && matches!(field, DeclareField::Objects | DeclareField::ChangedBy) {
            value.push('▏');
        }
        let marker = if focused { "▸ " } else { "  " };
        let style = if focused { theme.selected } else { theme.text };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{label:<11}"), theme.muted),
            Span::styled(value, style),
        ]));
    }
    lines.push(Line::default());
    let hint = match form.field {
        DeclareField::Objects => "←/→: names seen so far · several: separate with commas",
        DeclareField::Class | DeclareField::Option => "←/→: choose",
        DeclareField::ChangedBy => "a person, a pipeline, a job (optional)",
    };
    lines.push(Line::styled(hint, theme.muted));
    lines.push(Line::from(vec![
        Span::styled(app.keymap.label(Action::Select), theme.accent),
        Span::raw(": declare · Tab: next field · "),
        Span::styled(app.keymap.label(Action::Back), theme.accent),
        Span::raw(": cancel"),
    ]));
    Paragraph::new(lines).render(inner, buf);
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

/// A list window: an intro line over `items`, the selection highlighted.
#[allow(clippy::too_many_arguments)]
fn render_list(
    app: &App,
    title: &str,
    intro: &str,
    items: Vec<ListItem>,
    selected: usize,
    width: u16,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let count = items.len();
    let rows: u16 = items.iter().map(|i| i.height() as u16).sum();
    let inner = window(app, title, width, rows + 4, area, buf);
    let [intro_area, list_area] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    Line::styled(intro.to_owned(), theme.muted).render(intro_area, buf);
    let list = List::new(items).highlight_style(theme.selected).highlight_symbol("▸ ");
    let mut state = ListState::default().with_selected(Some(selected.min(count.saturating_sub(1))));
    StatefulWidget::render(list, list_area, buf, &mut state);
}

/// A yes-or-no window: the question (wrapped), then the keys.
fn render_question(app: &App, title: &str, question: &str, yes: &str, no: &str, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(8).min(64);
    let rows = text::wrap(question, usize::from(width.saturating_sub(4)).max(1));
    let inner = window(app, title, width, rows.len() as u16 + 4, area, buf);
    let [question_area, _, keys] =
        Layout::vertical([Constraint::Length(rows.len() as u16), Constraint::Length(1), Constraint::Length(1)])
            .areas(inner);
    Paragraph::new(rows.into_iter().map(Line::from).collect::<Vec<_>>()).style(theme.text).render(question_area, buf);
    Line::from(vec![
        Span::styled(format!("{}/y", app.keymap.label(Action::Select)), theme.accent),
        Span::raw(format!(": {yes}   ")),
        Span::styled(format!("{}/n", app.keymap.label(Action::Back)), theme.accent),
        Span::raw(format!(": {no}")),
    ])
    .render(keys, buf);
}

fn render_rate(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(panel) = customer_panel(app) else { return };
    let width = area.width.saturating_sub(8).min(90);
    let text_width = usize::from(width.saturating_sub(8)).max(1);
    let items: Vec<ListItem> = panel
        .status_page
        .iter()
        .map(|entry| {
            let head = Line::from(vec![
                Span::styled(format!("{} ", crate::game::clock(entry.second)), theme.muted),
                Span::styled(entry.state.as_str(), theme.accent),
                Span::raw("  "),
                Span::styled(stars(entry.rating), theme.warn),
            ]);
            let mut lines = vec![head];
            lines.extend(text::wrap(&sanitize(&entry.text), text_width).into_iter().take(3).map(Line::from));
            ListItem::new(Text::from(lines))
        })
        .collect();
    render_list(
        app,
        "Rate a status update",
        "Press 1 to 5 to give the selected update that many stars.",
        items,
        selected,
        width,
        area,
        buf,
    );
}

fn render_mishaps(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(panel) = customer_panel(app) else { return };
    let width = area.width.saturating_sub(8).min(90);
    let text_width = usize::from(width.saturating_sub(8)).max(1);
    let items: Vec<ListItem> = panel
        .mishaps
        .iter()
        .map(|m| {
            let mut lines = vec![Line::styled(sanitize(&m.id), theme.bad)];
            lines.extend(text::wrap(&format!("\"{}\"", sanitize(&m.say)), text_width).into_iter().map(Line::from));
            ListItem::new(Text::from(lines))
        })
        .collect();
    let intro = "Each card changes something on your side and makes things worse.";
    render_list(app, "Mishap cards", intro, items, selected, width, area, buf);
}

fn render_confirm_mishap(app: &App, id: &str, area: Rect, buf: &mut Buffer) {
    let say = customer_panel(app)
        .and_then(|c| c.mishaps.iter().find(|m| m.id == id))
        .map_or_else(String::new, |m| format!(" You will say: \"{}\"", sanitize(&m.say)));
    let question = format!("Play {}? It breaks the cluster further and cannot be undone.{say}", sanitize(id));
    render_question(app, "Play a mishap", &question, "play it", "not now", area, buf);
}

fn render_hold_off(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let inner = window(app, "Hold off changes?", 60, 7, area, buf);
    let [question, _, keys, later] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(inner);
    Paragraph::new("The team asks you not to change anything on your side while they work.")
        .wrap(ratatui::widgets::Wrap { trim: true })
        .render(question, buf);
    Line::from(vec![
        Span::styled("y", theme.accent),
        Span::raw(": hold off   "),
        Span::styled("n", theme.accent),
        Span::raw(": refuse"),
    ])
    .render(keys, buf);
    Line::from(vec![
        Span::styled(app.keymap.label(Action::Back), theme.accent),
        Span::styled(": answer later", theme.muted),
    ])
    .render(later, buf);
}

fn render_master(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let paused = match &app.screen {
        Screen::Game(game) => game.view().is_some_and(|v| v.phase == crate::game::Phase::Paused),
        _ => false,
    };
    let panel = master_panel(app);
    let items: Vec<ListItem> = MasterControl::all(paused)
        .into_iter()
        .map(|control| {
            let note = match (control, panel) {
                (MasterControl::FireInject, Some(p)) => {
                    format!("  {} of {} fired", p.injects.iter().filter(|i| i.fired).count(), p.injects.len())
                }
                (MasterControl::GrantHint, Some(p)) => {
                    format!("  {} of {} given", p.hints.iter().filter(|h| h.given).count(), p.hints.len())
                }
                _ => String::new(),
            };
            ListItem::new(Line::from(vec![Span::raw(control.label()), Span::styled(note, theme.muted)]))
        })
        .collect();
    render_list(app, "Game controls", "What happens next is up to you.", items, selected, 52, area, buf);
}

fn render_injects(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(panel) = master_panel(app) else { return };
    let width = area.width.saturating_sub(8).min(100);
    let text_width = usize::from(width.saturating_sub(8)).max(1);
    let items: Vec<ListItem> = panel
        .injects
        .iter()
        .map(|inject| {
            let (mark, style) = if inject.fired { ("fired  ", theme.muted) } else { ("ready  ", theme.ok) };
            let head = Line::from(vec![Span::styled(mark, style), Span::styled(sanitize(&inject.id), theme.accent)]);
            let mut lines = vec![head];
            let said = format!("{}: {}", inject_when(&inject.when), inject_what(&inject.what));
            let mut rows = text::wrap(&said, text_width);
            if rows.len() > 3 {
                rows.truncate(3);
                rows[2] = text::truncate(&format!("{}…", rows[2]), text_width);
            }
            lines.extend(rows.into_iter().map(Line::from));
            ListItem::new(Text::from(lines))
        })
        .collect();
    render_list(app, "Fire an inject", "Something new happens to the team, now.", items, selected, width, area, buf);
}

fn render_remove(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(8).min(70);
    let items: Vec<ListItem> = crate::tui::app::removable(app)
        .into_iter()
        .map(|(seat, name)| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<18}", seat.label()), theme.accent),
                Span::styled(sanitize(&name), theme.text),
            ]))
        })
        .collect();
    let say = "For a player who cannot come back: their seat stops holding up the turn (the scripted \
               customer takes over a customer's seat).";
    render_list(app, "Remove a player", say, items, selected, width, area, buf);
}

fn render_timer(app: &App, selected: usize, typed: &str, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let items: Vec<ListItem> = TimerChoice::ALL.iter().map(|choice| ListItem::new(choice.label())).collect();
    let count = items.len();
    let inner = window(app, "Turn timer", 64, count as u16 + 7, area, buf);
    let [intro_area, list_area, _, typed_area, hint_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(count as u16),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    Line::styled("Every seat's countdown follows the change.", theme.muted).render(intro_area, buf);
    // The list's choice goes with Enter while nothing is typed; a typed value wins.
    let mut state = ListState::default().with_selected(typed.is_empty().then_some(selected.min(count - 1)));
    StatefulWidget::render(
        List::new(items).highlight_style(theme.selected).highlight_symbol("▸ "),
        list_area,
        buf,
        &mut state,
    );
    Line::from(vec![
        Span::styled("or type: ", theme.accent),
        Span::styled(sanitize(typed), theme.text),
        Span::styled("▏", theme.accent),
    ])
    .render(typed_area, buf);
    Line::styled(TIMER_TYPING, theme.muted).render(hint_area, buf);
}

fn render_move_player(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(8).min(70);
    let items: Vec<ListItem> = crate::tui::app::removable(app)
        .into_iter()
        .map(|(seat, name)| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<18}", seat.label()), theme.accent),
                Span::styled(sanitize(&name), theme.text),
            ]))
        })
        .collect();
    let say = "Whom to move? The game goes on; they play the new seat from now.";
    render_list(app, "Move a player", say, items, selected, width, area, buf);
}

fn render_move_to(app: &App, from: Seat, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(8).min(70);
    let items: Vec<ListItem> = crate::tui::app::move_destinations(app, from)
        .into_iter()
        .map(|(seat, holder)| {
            let (who, style) = match holder {
                Some(name) => (format!("swap with {}", sanitize(&name)), theme.text),
                None => ("free".to_owned(), theme.ok),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<18}", seat.label()), theme.accent),
                Span::styled(who, style),
            ]))
        })
        .collect();
    let say = format!("Move the {} to which seat?", from.label());
    render_list(app, "Move a player", &say, items, selected, width, area, buf);
}

fn render_hints(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(panel) = master_panel(app) else { return };
    let width = area.width.saturating_sub(8).min(100);
    let text_width = usize::from(width.saturating_sub(8)).max(1);
    let items: Vec<ListItem> = panel
        .hints
        .iter()
        .map(|hint| {
            let (mark, style) = if hint.given { ("given  ", theme.muted) } else { ("ready  ", theme.ok) };
            let head =
                Line::from(vec![Span::styled(mark, style), Span::styled(format!("tier {}", hint.tier), theme.accent)]);
            let mut lines = vec![head];
            let mut rows = text::wrap(&sanitize(&hint.text), text_width);
            if rows.len() > 3 {
                rows.truncate(3);
                rows[2] = text::truncate(&format!("{}…", rows[2]), text_width);
            }
            lines.extend(rows.into_iter().map(Line::from));
            ListItem::new(Text::from(lines))
        })
        .collect();
    render_list(app, "Grant a hint", "The team gets this tier's hint, now.", items, selected, width, area, buf);
}

fn render_confirm_end(app: &App, area: Rect, buf: &mut Buffer) {
    let question = "End the game for everyone now? The debrief follows; it counts as stopped, not won.";
    render_question(app, "End the game", question, "end it", "keep playing", area, buf);
}
