//! Drawing: `impl Widget for &App` turns the model into a frame and nothing else (it cannot
//! change the model), and [`cursor`] says where the terminal's cursor goes. Each screen has its
//! module; the footer under every screen is generated from the keymap and the actions the model
//! says matter now. Text that came from a scenario or a player is sanitized here again before it
//! is drawn (ARCHITECTURE.md, "Untrusted text").

mod board;
mod cards;
mod console;
mod customer;
mod debrief;
mod game;
mod lobby;
mod master;
mod menu;
mod overlay;
mod projector;
mod replay;
mod text;
mod tournament;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};

use super::action::Action;
use super::app::{App, Screen};
use super::theme::Theme;
use crate::game::Phase;

/// The smallest terminal every screen is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.text);
        if too_small(area) {
            render_too_small(area, &self.theme, buf);
            return;
        }
        let regions = Regions::of(self, area);
        match &self.screen {
            Screen::Title { selected } => menu::render_title(self, *selected, regions.body, buf),
            Screen::Picker { selected, browse } => menu::render_picker(self, *selected, *browse, regions.body, buf),
            Screen::Game(game) => game::render(self, game, regions.body, buf),
            Screen::Debrief(d) => debrief::render(self, d, regions.body, buf),
            Screen::Join(form) => lobby::render_join(self, form, regions.body, buf),
            Screen::HostSetup(form) => lobby::render_host(self, form, regions.body, buf),
            Screen::Lobby(lobby) => lobby::render_lobby(self, lobby, regions.body, buf),
            Screen::Journals(list) => replay::render_journals(self, list, regions.body, buf),
            Screen::Replay(screen) => replay::render(self, screen, regions.body, buf),
            Screen::Tournament(view) => tournament::render(self, view, regions.body, buf),
        }
        if let Some(overlay) = &self.overlay {
            overlay::render(self, overlay, regions.body, buf);
        }
        if let Some(status) = regions.status {
            render_status(self, status, buf);
        }
        render_footer(self, regions.footer, buf);
    }
}

/// Where the terminal cursor belongs: at the prompt on the game screen, nowhere else.
pub fn cursor(app: &App, area: Rect) -> Option<Position> {
    if too_small(area) || app.overlay.is_some() {
        return None;
    }
    match &app.screen {
        Screen::Game(game) => game::cursor(game, Regions::of(app, area).body),
        Screen::Join(form) => lobby::join_cursor(form, Regions::of(app, area).body),
        Screen::HostSetup(form) => lobby::host_cursor(form, Regions::of(app, area).body),
        Screen::Lobby(lobby) => lobby::lobby_cursor(lobby, Regions::of(app, area).body),
        _ => None,
    }
}

/// Rows a page of scrolling moves on the current screen: the height of the pane that scrolls,
/// as it is drawn at the terminal's last known size (at least one).
pub fn page_rows(app: &App) -> usize {
    let body = Regions::of(app, app.area).body;
    let rows = match &app.screen {
        Screen::Game(game) => game::scrolled_rows(game, body),
        Screen::Debrief(d) => debrief::page_rows(app, d, body),
        Screen::Replay(r) => game::scrolled_rows(&r.shown, replay::body(body)),
        _ => body.height.saturating_sub(8),
    };
    usize::from(rows).max(1)
}

fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The body of the screen, the optional status line (a notice, or the game is paused) and the
/// footer of key hints.
struct Regions {
    body: Rect,
    status: Option<Rect>,
    footer: Rect,
}

impl Regions {
    fn of(app: &App, area: Rect) -> Regions {
        if status_text(app).is_some() {
            let [body, status, footer] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)]).areas(area);
            Regions { body, status: Some(status), footer }
        } else {
            let [body, footer] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
            Regions { body, status: None, footer }
        }
    }
}

/// The line above the footer: the model's notice, else that this is the closing turn of a
/// resolved incident, else that the game master paused the game.
fn status_text(app: &App) -> Option<(String, Style)> {
    if let Some(notice) = &app.notice {
        let style = if notice.error { app.theme.bad } else { app.theme.accent };
        return Some((crate::game::text::sanitize(&notice.text), style));
    }
    let Screen::Game(game) = &app.screen else { return None };
    if game.views.iter().any(|v| v.phase == Phase::Closing) {
        let text =
            "closing turn: service is restored; post a resolved update and answer open questions, then end the turn";
        return Some((text.to_owned(), app.theme.ok));
    }
    let paused = game.views.iter().any(|v| v.phase == Phase::Paused);
    paused.then(|| ("paused by the game master".to_owned(), app.theme.warn))
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    if let Some((text, style)) = status_text(app) {
        let shown = text::truncate(&text, usize::from(area.width.saturating_sub(1)));
        Line::from(Span::styled(format!(" {shown}"), style)).render(area, buf);
    }
}

/// `F5 end turn  F2 root cause  …`, from the keymap. When the hints do not fit, the last ones
/// give way, but the help's key always shows: the help lists everything.
fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let hint = |a: Action| (app.keymap.label(a), a.short());
    let mut hints: Vec<(String, &str)> = app.footer_actions().into_iter().map(hint).collect();
    let width = |hints: &[(String, &str)]| -> usize {
        hints.iter().map(|(k, s)| text::width(k) + 1 + s.len() + 2).sum::<usize>() + 1
    };
    let help = hint(Action::Help);
    while width(&hints) > usize::from(area.width) && hints.len() > 1 {
        let at = hints.iter().rposition(|h| *h != help).unwrap_or(hints.len() - 1);
        hints.remove(at);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, short)) in hints.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, app.theme.accent));
        spans.push(Span::styled(format!(" {short}"), app.theme.muted));
    }
    Line::from(spans).render(area, buf);
}

fn render_too_small(area: Rect, theme: &Theme, buf: &mut Buffer) {
    let message = format!(
        "kombat needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} (this one is {}×{}). Make the window bigger.",
        area.width, area.height
    );
    let rows = text::wrap(&message, usize::from(area.width.saturating_sub(2)).max(1));
    let height = (rows.len() as u16).min(area.height);
    let at = area.centered_vertically(Constraint::Length(height));
    Paragraph::new(rows.into_iter().map(Line::from).collect::<Vec<_>>()).style(theme.warn).centered().render(at, buf);
}

/// A bordered pane with a title; `focus` marks where the keys go.
fn pane<'a>(title: impl Into<Line<'a>>, theme: &Theme, focus: bool) -> Block<'a> {
    let border = if focus { theme.focus } else { theme.border };
    Block::bordered().border_type(BorderType::Rounded).border_style(border).title(title.into().style(if focus {
        theme.focus
    } else {
        theme.title
    }))
}
