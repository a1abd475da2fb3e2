//! The hosted game's screens before the game: the join form, the host form and the lobby (the
//! room's code to share, who sits where and who is ready, the seats the scenario offers, the
//! lobby chat and its prompt). Player names and chat come from other people: sanitized here.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use tui_input::Input;

use super::{pane, text};
use crate::game::text::sanitize;
use crate::net::client::RoleWish;
use crate::tui::action::Action;
use crate::tui::app::{App, HOST_ROLES, HostForm, JOIN_ROLES, JoinForm, Link, LobbyScreen, role_label};

/// The width of a form's box.
const FORM_WIDTH: u16 = 72;
/// The width of a form's labels.
const LABEL: usize = 10;

/// One row of a form: a label and either a text field or a choice.
struct Row<'a> {
    label: &'a str,
    value: Value<'a>,
    help: String,
}

enum Value<'a> {
    Text(&'a Input),
    Choice(String),
}

pub fn render_join(app: &App, form: &JoinForm, area: Rect, buf: &mut Buffer) {
    let rows = join_rows(form);
    let intro = "Join a room someone hosts: the address and the code are what `kombat host` (or their \
                 Host a game screen) shows.";
    render_form(app, " Join a game ", intro, &rows, form.focus, area, buf);
}

pub fn render_host(app: &App, form: &HostForm, area: Rect, buf: &mut Buffer) {
    let rows = host_rows(app, form);
    let intro = "Host a room on this machine: kombat runs the server while this screen stays open, and \
                 shows the code the other players join with.";
    render_form(app, " Host a game ", intro, &rows, form.focus, area, buf);
}

fn join_rows(form: &JoinForm) -> Vec<Row<'_>> {
    vec![
        Row {
            label: "Server",
            value: Value::Text(&form.server),
            help: "HOST or HOST:PORT, as the host gave it".into(),
        },
        Row { label: "Code", value: Value::Text(&form.code), help: "the room's join code, like ABCDE-FGHJK".into() },
        Row {
            label: "Name",
            value: Value::Text(&form.name),
            help: "letters, digits, spaces, . _ -; at most 24".into(),
        },
        Row { label: "Role", value: Value::Choice(choice(&JOIN_ROLES, form.role)), help: "←/→ to choose".into() },
    ]
}

fn host_rows<'a>(app: &'a App, form: &'a HostForm) -> Vec<Row<'a>> {
    let scenario = app.catalog.get(form.scenario);
    let breaking = form.break_phase().is_some();
    let scenario_label = match scenario {
        _ if breaking => "(the customer team composes it)".to_owned(),
        Some(e) => sanitize(&e.title),
        None => "(none)".to_owned(),
    };
    let scenario_help = match scenario {
        _ if breaking => "with a break phase, the incident is composed in the lobby".to_owned(),
        Some(e) => format!("←/→ to choose · {}", sanitize(&e.difficulty)),
        None => String::new(),
    };
    let budget = crate::game::draw::budget(app.difficulty);
    let break_help = format!("←/→ · customers compose the incident: {budget} points ({})", app.difficulty.as_str());
    let loopback = form.bind.value().trim().parse::<std::net::SocketAddr>().is_ok_and(|a| a.ip().is_loopback());
    let bind_help = if loopback {
        "127.0.0.1: players on this machine only; 0.0.0.0:7878 lets your network in".to_owned()
    } else {
        "other machines can join: the game has no passwords or encryption, use a network you trust".to_owned()
    };
    vec![
        Row { label: "Scenario", value: Value::Choice(format!("◂ {scenario_label} ▸")), help: scenario_help },
        Row { label: "Listen on", value: Value::Text(&form.bind), help: bind_help },
        Row { label: "Name", value: Value::Text(&form.name), help: "your name at the table".into() },
        Row {
            label: "Your seat", value: Value::Choice(choice(&HOST_ROLES, form.role)), help: "←/→ to choose".into()
        },
        Row {
            label: "Turn timer",
            value: Value::Text(&form.turn_timer),
            help: "seconds a turn lasts at most (5-3600); blank for none".into(),
        },
        Row {
            label: "Break",
            value: Value::Choice(format!("◂ {} ▸", sanitize(&form.break_label()))),
            help: break_help,
        },
    ]
}

fn choice(roles: &[RoleWish], at: usize) -> String {
    let role = roles.get(at).copied().unwrap_or(RoleWish::Any);
    format!("◂ {} ▸", role_label(role))
}

/// Where the form's box goes, and its rows.
fn form_area(area: Rect, rows: usize) -> (Rect, Vec<Rect>) {
    // Intro (3), gap, two lines per row, gap, the hint.
    let height = (3 + 1 + 2 * rows + 1 + 1 + 2) as u16;
    let boxed = area
        .centered_horizontally(Constraint::Length(FORM_WIDTH.min(area.width)))
        .centered_vertically(Constraint::Length(height.min(area.height)));
    let inner = boxed.inner(ratatui::layout::Margin { horizontal: 2, vertical: 1 });
    let row_areas = (0..rows)
        .map(|i| Rect { y: inner.y + 4 + 2 * i as u16, height: 1, ..inner })
        .filter(|r| r.y < inner.bottom())
        .collect();
    (boxed, row_areas)
}

fn render_form(app: &App, title: &str, intro: &str, rows: &[Row], focus: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (boxed, row_areas) = form_area(area, rows.len());
    ratatui::widgets::Clear.render(boxed, buf);
    pane(title, theme, true).render(boxed, buf);
    let inner = boxed.inner(ratatui::layout::Margin { horizontal: 2, vertical: 1 });
    let intro_lines: Vec<Line> = text::wrap(intro, usize::from(inner.width)).into_iter().map(Line::from).collect();
    Paragraph::new(intro_lines).style(theme.muted).render(Rect { height: 3.min(inner.height), ..inner }, buf);
    for (i, (row, at)) in rows.iter().zip(row_areas).enumerate() {
        let focused = i == focus;
        let label_style = if focused { theme.focus } else { theme.title };
        let marker = if focused { "▸ " } else { "  " };
        Span::styled(format!("{marker}{:<LABEL$}", row.label), label_style).render(at, buf);
        let field = field_area(at);
        match &row.value {
            Value::Text(input) => {
                let (shown, _) = visible(input, usize::from(field.width));
                let style = if focused { theme.selected } else { theme.text };
                buf.set_style(field, style);
                Span::styled(shown, style).render(field, buf);
            }
            Value::Choice(label) => {
                let style = if focused { theme.selected } else { theme.accent };
                Span::styled(text::truncate(label, usize::from(field.width)), style).render(field, buf);
            }
        }
        if focused && at.y + 1 < inner.bottom() {
            let help = Rect { y: at.y + 1, ..field };
            Span::styled(text::truncate(&row.help, usize::from(help.width)), theme.muted).render(help, buf);
        }
    }
    let hint = format!(
        "{} {} · {} next field · {} back",
        app.keymap.label(Action::Select),
        if title.contains("Host") { "host" } else { "join" },
        app.keymap.label(Action::Down),
        app.keymap.label(Action::Back)
    );
    let hint_area = Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner };
    Line::styled(hint, theme.accent).render(hint_area, buf);
}

fn field_area(row: Rect) -> Rect {
    let offset = (LABEL + 3) as u16;
    Rect { x: row.x + offset, width: row.width.saturating_sub(offset), ..row }
}

/// What of a text field fits in `width` columns, sanitized, and where its cursor is.
fn visible(input: &Input, width: usize) -> (String, u16) {
    let width = width.max(1).saturating_sub(1).max(1);
    let scroll = input.visual_scroll(width);
    let shown: String =
        input.value().chars().map(|c| if c.is_control() { ' ' } else { c }).skip(scroll).collect::<String>();
    let shown = sanitize(&shown);
    let cursor = input.visual_cursor().saturating_sub(scroll) as u16;
    (text::truncate(&shown, width + 1), cursor)
}

pub fn join_cursor(form: &JoinForm, area: Rect) -> Option<Position> {
    let input = match form.focus {
        0 => &form.server,
        1 => &form.code,
        2 => &form.name,
        _ => return None,
    };
    form_cursor(input, form.focus, JoinForm::FIELDS, area)
}

pub fn host_cursor(form: &HostForm, area: Rect) -> Option<Position> {
    let input = match form.focus {
        1 => &form.bind,
        2 => &form.name,
        4 => &form.turn_timer,
        _ => return None,
    };
    form_cursor(input, form.focus, HostForm::FIELDS, area)
}

fn form_cursor(input: &Input, focus: usize, rows: usize, area: Rect) -> Option<Position> {
    let (_, row_areas) = form_area(area, rows);
    let field = field_area(*row_areas.get(focus)?);
    let (_, column) = visible(input, usize::from(field.width));
    Some(Position { x: (field.x + column).min(field.right().saturating_sub(1)), y: field.y })
}

pub fn render_lobby(app: &App, lobby: &LobbyScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let at = lobby_layout(lobby, area);
    render_lobby_head(app, lobby, at.head, buf);
    if let (Some(table), Some(cards)) = (&lobby.break_table, at.cards) {
        super::cards::render(app, table, lobby.cards_focused(), cards, buf);
    }
    render_players(app, lobby, at.players, buf);
    if let Some(seats) = at.seats {
        render_seats(app, lobby, seats, buf);
    }
    render_lobby_chat(app, lobby, at.chat, buf);
    let typing = !lobby.cards_focused();
    let block = pane(" lobby chat ", theme, typing);
    let inner = block.inner(at.prompt);
    block.render(at.prompt, buf);
    if typing || !lobby.input.value().is_empty() {
        let (shown, _) = visible(&lobby.input, usize::from(inner.width.saturating_sub(2)));
        Line::from(vec![Span::styled("> ", theme.ok), Span::styled(shown, theme.text)]).render(inner, buf);
    } else {
        let hint = format!("{} to chat (everyone in the room reads it)", app.keymap.label(Action::NextPane));
        Line::styled(text::truncate(&hint, usize::from(inner.width)), theme.muted).render(inner, buf);
    }
}

/// Where the lobby's panes go.
struct LobbyAreas {
    head: Rect,
    /// The break phase's card table, for a customer seat composing.
    cards: Option<Rect>,
    players: Rect,
    /// The seats by role; left out beside a card table on a short screen.
    seats: Option<Rect>,
    chat: Rect,
    prompt: Rect,
}

/// The screen height under which a card table squeezes the rest of the lobby.
const SHORT: u16 = 34;

/// The head (its height follows the briefing, up to a third of the screen), the players and
/// seats, the chat, and the prompt. With a card table, the table comes under the head and takes
/// most of the screen; on a short screen the head keeps only its first lines, and the chat sits
/// beside the players in place of the seats.
fn lobby_layout(lobby: &LobbyScreen, area: Rect) -> LobbyAreas {
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let summary = lobby.lobby.as_ref().map_or(0, |l| text::wrap(&sanitize(&l.summary), width).len());
    let first = 1 + usize::from(lobby.share.is_some());
    let rows = first + summary;
    let head = (rows as u16 + 2).clamp(4, (area.height / 3).max(4));
    if lobby.break_table.is_none() {
        let [head, middle, chat, prompt] = Layout::vertical([
            Constraint::Length(head),
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(3),
        ])
        .areas(area);
        let [players, seats] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(middle);
        return LobbyAreas { head, cards: None, players, seats: Some(seats), chat, prompt };
    }
    if area.height < SHORT {
        let head = first as u16 + 2;
        let [head, cards, bottom, prompt] = Layout::vertical([
            Constraint::Length(head),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(3),
        ])
        .areas(area);
        let [players, chat] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(bottom);
        return LobbyAreas { head, cards: Some(cards), players, seats: None, chat, prompt };
    }
    let [head, cards, middle, chat, prompt] = Layout::vertical([
        Constraint::Length(head),
        Constraint::Fill(3),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(3),
    ])
    .areas(area);
    let [players, seats] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(middle);
    LobbyAreas { head, cards: Some(cards), players, seats: Some(seats), chat, prompt }
}

fn render_lobby_head(app: &App, lobby: &LobbyScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let code = lobby.code.as_deref().unwrap_or(lobby.request.code.as_str());
    let title = match &lobby.lobby {
        Some(l) => format!(" Lobby · {} · {} ", sanitize(&l.title), sanitize(&l.code)),
        None if code.is_empty() => " Lobby ".to_owned(),
        None => format!(" Lobby · {} ", sanitize(code)),
    };
    let block = pane(title, theme, false);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    let (link, link_style) = match &lobby.link {
        Link::Connecting => (format!("connecting to {}…", sanitize(&lobby.request.server)), theme.warn),
        Link::Connected => match lobby.seat {
            Some(seat) => (format!("connected · you sit in the {} seat", seat.label()), theme.ok),
            None => ("connected".to_owned(), theme.ok),
        },
        Link::Reconnecting { attempt, reason } => {
            (format!("connection lost ({}); reconnecting, attempt {attempt}…", sanitize(reason)), theme.bad)
        }
    };
    lines.push(Line::styled(text::truncate(&link, width), link_style));
    if let Some(share) = &lobby.share {
        lines.push(Line::from(vec![
            Span::styled("Tell the players: ", theme.muted),
            Span::styled(text::truncate(&sanitize(share), width.saturating_sub(18)), theme.accent),
        ]));
    }
    if let Some(l) = &lobby.lobby {
        for row in text::wrap(&sanitize(&l.summary), width) {
            lines.push(Line::styled(row, theme.text));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}

fn render_players(app: &App, lobby: &LobbyScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let block = pane(" Players ", theme, false);
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(view) = &lobby.lobby else {
        Line::styled("waiting for the room…", theme.muted).render(inner, buf);
        return;
    };
    let mut lines = Vec::new();
    for (i, player) in view.players.iter().enumerate() {
        let me = lobby.seat == Some(player.seat);
        let (mark, mark_style) = match (player.connected, player.ready) {
            (false, _) => ("away ", theme.bad),
            (true, true) => ("ready", theme.ok),
            (true, false) => ("     ", theme.muted),
        };
        let name = format!("{}{}", sanitize(&player.name), if me { " (you)" } else { "" });
        let row = format!(" {:<16} {:<20} ", player.seat.label(), text::truncate(&name, 20));
        let style = if i == lobby.selected { theme.selected } else { theme.text };
        lines.push(Line::from(vec![Span::styled(row, style), Span::styled(mark, mark_style)]));
    }
    if view.npc_customer {
        lines.push(Line::styled(" customer         the scripted customer (NPC)", theme.muted));
    }
    if view.players.is_empty() {
        lines.push(Line::styled("nobody yet", theme.muted));
    }
    Paragraph::new(lines).render(inner, buf);
}

fn render_seats(app: &App, lobby: &LobbyScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let block = pane(" Seats ", theme, false);
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(view) = &lobby.lobby else { return };
    let mut lines = Vec::new();
    for (role, limit) in &view.limits {
        let taken = view.players.iter().filter(|p| RoleWish::of_seat(p.seat) == *role).count();
        let style = if taken >= usize::from(*limit) { theme.muted } else { theme.text };
        lines.push(Line::styled(format!(" {:<16} {taken}/{limit}", role_label(*role)), style));
    }
    // Spectators watch; only the players at the table get ready.
    let playing: Vec<_> = view.players.iter().filter(|p| !matches!(p.seat, crate::game::Seat::Spectator(_))).collect();
    let ready = playing.iter().filter(|p| p.ready).count();
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!(" {ready} of {} players ready", playing.len()), theme.accent));
    let starter = if view.players.iter().any(|p| p.seat == crate::game::Seat::GameMaster) {
        "the game master starts the game"
    } else {
        "the room's creator starts the game"
    };
    lines.push(Line::styled(format!(" {starter} ({})", app.keymap.label(Action::StartGame)), theme.muted));
    Paragraph::new(lines).render(inner, buf);
}

fn render_lobby_chat(app: &App, lobby: &LobbyScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let block = pane(" Chat ", theme, false);
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(view) = &lobby.lobby else { return };
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    for line in &view.chat {
        let from = sanitize(&line.from);
        let said = format!("{from}: {}", sanitize(&line.text));
        lines.extend(text::wrap(&said, width).into_iter().map(|row| Line::styled(row, theme.text)));
    }
    let skip = lines.len().saturating_sub(usize::from(inner.height));
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).style(Style::default()).render(inner, buf);
}

/// At the chat prompt, unless the card table has the keys.
pub fn lobby_cursor(lobby: &LobbyScreen, area: Rect) -> Option<Position> {
    if lobby.cards_focused() {
        return None;
    }
    let inner = lobby_layout(lobby, area).prompt.inner(ratatui::layout::Margin { horizontal: 1, vertical: 1 });
    let (_, column) = visible(&lobby.input, usize::from(inner.width.saturating_sub(2)));
    Some(Position { x: (inner.x + 2 + column).min(inner.right().saturating_sub(1)), y: inner.y })
}
