//! The customer's screen: their site as their users see it (each endpoint's success rate,
//! latency and the error users get, coloured by health), the chat with the liaison, the team's
//! status page with the ratings given, their brief with the secrets only they know, the mishap
//! cards they may still play, and — when the team asked — the hold-off question with its keys.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Widget, Wrap};

use super::console::Voices;
use super::game::{SeatArea, render_chat};
use super::{pane, text};
use crate::game::HoldOff;
use crate::game::text::sanitize;
use crate::game::view::{CustomerPanel, PortalEndpoint, RoleView};
use crate::tui::action::Action;
use crate::tui::app::{App, GameScreen, Target};
use crate::tui::theme::Theme;

pub fn render(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &CustomerPanel,
    parts: &SeatArea,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let asked = panel.hold_off == HoldOff::Asked;
    let portal_rows = portal_height(panel);
    let [question, portal, chat] = Layout::vertical([
        Constraint::Length(if asked { 3 } else { 0 }),
        Constraint::Length(portal_rows),
        Constraint::Fill(1),
    ])
    .areas(parts.main);
    if asked {
        render_question(app, question, buf);
    }
    render_portal(&panel.portal, theme, portal, buf);
    let voices = Voices { me: &view.name, customer: Some(&panel.character), clock: true };
    render_chat(
        " Chat with the liaison ",
        &panel.chat,
        &voices,
        game.scroll,
        game.target() == Target::Reply,
        app,
        chat,
        buf,
    );

    let Some(side) = parts.side else { return };
    let status_rows = status_height(panel, side.height);
    let mishap_rows = (mishap_lines(app, panel, side.width).len() as u16 + 2).clamp(3, 8);
    let [brief, status, mishaps] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(status_rows), Constraint::Length(mishap_rows)])
            .areas(side);
    render_brief(panel, theme, brief, buf);
    render_status_page(app, panel, status, buf);
    render_mishaps(app, panel, mishaps, buf);
}

/// "The team asks you to hold off changes", with the key that answers.
fn render_question(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let loud = theme.warn.add_modifier(Modifier::BOLD);
    let block = pane(Line::styled(" The team asks: hold off changes? ", loud), theme, true)
        .border_style(theme.warn)
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let line = Line::from(vec![
        Span::styled(app.keymap.label(Action::AnswerHoldOff), theme.accent),
        Span::raw(", then "),
        Span::styled("y", theme.accent),
        Span::raw(" accept · "),
        Span::styled("n", theme.accent),
        Span::raw(" refuse"),
    ]);
    line.render(inner, buf);
}

/// Rows above the chat: the hold-off question when asked, and the portal.
pub fn top_rows(panel: &CustomerPanel) -> u16 {
    portal_height(panel) + if panel.hold_off == HoldOff::Asked { 3 } else { 0 }
}

/// Borders, a row per endpoint and a row for the error its users get.
fn portal_height(panel: &CustomerPanel) -> u16 {
    let rows: u16 = panel.portal.iter().map(|e| 1 + u16::from(e.failure.is_some())).sum();
    rows.max(1) + 2
}

/// How an endpoint is doing for its users.
fn health(endpoint: &PortalEndpoint, theme: &Theme) -> (Style, &'static str) {
    match endpoint.success_percent {
        None => (theme.muted, "○"),
        Some(p) if p >= 99.0 => (theme.ok, "●"),
        Some(p) if p >= 90.0 => (theme.warn, "◐"),
        Some(_) => (theme.bad, "✖"),
    }
}

fn render_portal(portal: &[PortalEndpoint], theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = pane(" Your site, as your users see it ", theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width).max(1);
    if portal.is_empty() {
        Line::styled("no endpoints", theme.muted).render(inner, buf);
        return;
    }
    let mut lines = Vec::new();
    for endpoint in portal {
        let (style, mark) = health(endpoint, theme);
        let figures = match (endpoint.success_percent, endpoint.latency_ms) {
            // A request that fails at once has no latency worth showing.
            (Some(p), Some(ms)) if p > 0.0 => format!("{p:.1}% ok  {ms} ms"),
            (Some(p), _) => format!("{p:.1}% ok"),
            _ => "no figures yet".to_owned(),
        };
        let name = sanitize(&endpoint.name);
        let url = sanitize(&endpoint.url);
        let used = text::width(&name) + text::width(&figures) + 6;
        let url = text::truncate(&url, width.saturating_sub(used));
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(name, style.add_modifier(Modifier::BOLD)),
            Span::raw("  "),
            Span::styled(url, theme.muted),
            Span::raw("  "),
            Span::styled(figures, style),
        ]));
        if let Some(failure) = &endpoint.failure {
            let said = text::truncate(&format!("users see: {}", sanitize(failure)), width.saturating_sub(2));
            lines.push(Line::from(vec![Span::raw("  "), Span::styled(said, theme.bad)]));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}

/// The brief, then the secrets, marked as the customer's alone.
fn render_brief(panel: &CustomerPanel, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let name = text::truncate(&sanitize(&panel.character), usize::from(area.width.saturating_sub(12)));
    let block = pane(format!(" You are {name} "), theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = Vec::new();
    for secret in &panel.secrets {
        lines.push(Line::from(vec![
            Span::styled("only you know: ", theme.warn.add_modifier(Modifier::BOLD)),
            Span::styled(sanitize(secret), theme.warn),
        ]));
    }
    lines.push(Line::styled(sanitize(&panel.brief), theme.text));
    Paragraph::new(lines).wrap(Wrap { trim: true }).render(inner, buf);
}

/// Rows for the status page: two per update, within a third of the column.
fn status_height(panel: &CustomerPanel, column: u16) -> u16 {
    let wanted = (panel.status_page.len() as u16 * 2).max(1) + 2;
    wanted.min((column / 3).max(4))
}

/// `★★★☆☆`, or that it is not rated yet.
pub fn stars(rating: Option<u8>) -> String {
    match rating {
        Some(n) => {
            let n = usize::from(n.min(5));
            format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
        }
        None => "not rated".to_owned(),
    }
}

/// The team's status updates, newest at the bottom, each with its rating.
fn render_status_page(app: &App, panel: &CustomerPanel, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let title = format!(" Status page · {} rates ", app.keymap.label(Action::Rate));
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    if panel.status_page.is_empty() {
        Line::styled("nothing posted yet", theme.muted).render(inner, buf);
        return;
    }
    let width = usize::from(inner.width).max(1);
    let keep = usize::from(inner.height / 2).max(1);
    let skip = panel.status_page.len().saturating_sub(keep);
    let mut lines = Vec::new();
    for entry in &panel.status_page[skip..] {
        let rating = stars(entry.rating);
        let rating_style = if entry.rating.is_some() { theme.accent } else { theme.muted };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", crate::game::clock(entry.second)), theme.muted),
            Span::styled(entry.state.as_str(), theme.accent),
            Span::raw("  "),
            Span::styled(rating, rating_style),
        ]));
        lines.push(Line::raw(text::truncate(&sanitize(&entry.text), width)));
    }
    Paragraph::new(lines).render(inner, buf);
}

fn render_mishaps(app: &App, panel: &CustomerPanel, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let title = format!(" Mishap cards · {} plays ", app.keymap.label(Action::Mishap));
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    Paragraph::new(mishap_lines(app, panel, area.width)).render(inner, buf);
}

/// Each card's id and what the customer says, wrapped to a pane `width` wide (two rows each at
/// most, so a long card cannot push the others out).
fn mishap_lines(app: &App, panel: &CustomerPanel, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    if panel.mishaps.is_empty() {
        return vec![Line::styled("none left", theme.muted)];
    }
    let width = usize::from(width.saturating_sub(6)).max(1);
    let mut lines = Vec::new();
    for card in &panel.mishaps {
        let mut rows = text::wrap(&format!("{}: {}", sanitize(&card.id), sanitize(&card.say)), width);
        if rows.len() > 2 {
            rows.truncate(2);
            rows[1] = text::truncate(&format!("{}…", rows[1]), width);
        }
        for (i, row) in rows.into_iter().enumerate() {
            let bullet = if i == 0 { Span::styled("▪ ", theme.bad) } else { Span::raw("  ") };
            lines.push(Line::from(vec![bullet, Span::raw(row)]));
        }
    }
    lines
}
