//! The game screen, drawn from the active seat's role view only: a header (seats, turn, clock,
//! action points), the seat's main pane (the troubleshooter's console, the liaison's customer
//! chat, the customer's portal and chat, the game master's tabs), the prompt with where it
//! sends, and a side column with the board and the findings. A spectator's screen is the
//! projector board alone (`projector`), with no prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Widget};

use super::board::{board_height, render_board, render_findings, render_mood, render_strip};
use super::console::{Chunk, Tail, Voices, chat_rows, entry_rows, tail};
use super::{customer, master, pane, projector, text};
use crate::game::Seat;
use crate::game::state::ChatLine;
use crate::game::text::sanitize;
use crate::game::view::{LiaisonPanel, Panel, RoleView, TroubleshooterPanel};
use crate::game::words;
use crate::tui::action::Action;
use crate::tui::app::{App, GameScreen, Target};

/// Where the game screen's parts go; [`render`] and [`cursor`] share it so the cursor always
/// sits in the prompt that was drawn.
struct GameLayout {
    header: Rect,
    /// The board in two rows over a full-width console (a narrow troubleshooter screen).
    strip: Option<Rect>,
    main: Rect,
    candidates: Option<Rect>,
    /// A tutorial's next step, above the prompt.
    tutorial: Option<Rect>,
    /// None for a seat that only watches.
    prompt: Option<Rect>,
    /// The board and findings column (none when the strip stands in for it).
    side: Option<Rect>,
    /// Enough height for the roomier board.
    tall: bool,
}

/// The most rows the candidates of an ambiguous completion take above the prompt.
const CANDIDATE_ROWS: usize = 3;

/// What an ambiguous completion could mean, wrapped to `width` in at most [`CANDIDATE_ROWS`]
/// rows; when they do not all fit, the last row says how many more there are.
fn candidate_lines(game: &GameScreen, width: u16) -> Vec<String> {
    let width = usize::from(width.saturating_sub(2)).max(8);
    let names: Vec<String> = game.candidates.iter().map(|c| sanitize(c)).collect();
    let mut rows: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let last_row = rows.len() == CANDIDATE_ROWS;
        let more = format!("  … +{} more", names.len() - i);
        match rows.last_mut() {
            Some(row) if text::width(row) + 2 + text::width(name) <= width => {
                // On the last row, keep room to say how many did not fit.
                let after = if i + 1 < names.len() && last_row { text::width(&more) } else { 0 };
                if text::width(row) + 2 + text::width(name) + after <= width {
                    row.push_str("  ");
                    row.push_str(name);
                    continue;
                }
                row.push_str(&more);
                return rows;
            }
            Some(row) if last_row => {
                row.push_str(&more);
                return rows;
            }
            _ => rows.push(text::truncate(name, width)),
        }
    }
    rows
}

/// The most rows a tutorial's prompt takes above the prompt.
const TUTORIAL_ROWS: usize = 3;

/// A tutorial's next step, `Tutorial 2/8: …`, wrapped to `width` in at most [`TUTORIAL_ROWS`]
/// rows; none outside a tutorial.
fn tutorial_lines(game: &GameScreen, width: u16) -> Vec<String> {
    let Some(prompt) = game.view().and_then(|v| v.tutorial.as_ref()) else { return Vec::new() };
    let width = usize::from(width.saturating_sub(2)).max(8);
    let said = format!("Tutorial {}/{}: {}", prompt.step, prompt.steps, sanitize(&prompt.text));
    let mut rows = text::wrap(&said, width);
    if rows.len() > TUTORIAL_ROWS {
        rows.truncate(TUTORIAL_ROWS);
        if let Some(last) = rows.last_mut() {
            *last = text::truncate(&format!("{last} …"), width);
        }
    }
    rows
}

/// The status-update editor's height, borders included.
const EDITOR_ROWS: u16 = 8;

/// Below this width kubectl's tables would wrap beside a side column, so a troubleshooter gets
/// the whole width and the board as a strip.
const SIDE_COLUMN_MIN_WIDTH: u16 = 110;

impl GameLayout {
    fn of(game: &GameScreen, area: Rect) -> GameLayout {
        let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let panel = game.view().map(|v| &v.panel);
        if matches!(panel, Some(Panel::Spectator(_))) {
            return GameLayout {
                header: Rect { height: 0, ..area },
                strip: None,
                main: area,
                candidates: None,
                tutorial: None,
                prompt: None,
                side: None,
                tall: area.height >= 40,
            };
        }
        let console = matches!(panel, Some(Panel::Troubleshooter(_)));
        let tabs = matches!(panel, Some(Panel::GameMaster(_)));
        let (strip, left, side) = if console && area.width < SIDE_COLUMN_MIN_WIDTH {
            let [strip, left] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(body);
            (Some(strip), left, None)
        } else if tabs && area.width < SIDE_COLUMN_MIN_WIDTH {
            (None, body, None)
        } else {
            let side_width = (area.width * 30 / 100).clamp(32, 56);
            let [left, side] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(side_width)]).areas(body);
            (None, left, Some(side))
        };
        if game.watching {
            return GameLayout {
                header,
                strip,
                main: left,
                candidates: None,
                tutorial: None,
                prompt: None,
                side,
                tall: area.height >= 40,
            };
        }
        let candidate_rows = candidate_lines(game, left.width).len() as u16;
        let tutorial_rows = tutorial_lines(game, left.width).len() as u16;
        // The status-update editor has room for a few lines; the prompt is one.
        let prompt_rows = if game.editor.is_some() { EDITOR_ROWS } else { 3 };
        let [main, tutorial, candidates, prompt] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(tutorial_rows),
            Constraint::Length(candidate_rows),
            Constraint::Length(prompt_rows),
        ])
        .areas(left);
        GameLayout {
            header,
            strip,
            main,
            candidates: (candidate_rows > 0).then_some(candidates),
            tutorial: (tutorial_rows > 0).then_some(tutorial),
            prompt: Some(prompt),
            side,
            tall: area.height >= 40,
        }
    }
}

pub fn render(app: &App, game: &GameScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(view) = game.view() else {
        let at = area.centered_vertically(Constraint::Length(1));
        Line::styled("Starting the incident…", theme.accent).centered().render(at, buf);
        return;
    };
    let layout = GameLayout::of(game, area);
    if layout.header.height > 0 {
        render_header(app, game, view, layout.header, buf);
    }
    match &view.panel {
        Panel::Troubleshooter(panel) => render_troubleshooter(app, game, view, panel, &layout, buf),
        Panel::Liaison(panel) => render_liaison(app, game, view, panel, &layout, buf),
        Panel::Customer(panel) => {
            let parts = SeatArea { main: layout.main, side: layout.side, tall: layout.tall };
            customer::render(app, game, view, panel, &parts, buf);
        }
        Panel::GameMaster(panel) => {
            let parts = SeatArea { main: layout.main, side: layout.side, tall: layout.tall };
            master::render(app, game, view, panel, &parts, buf);
        }
        Panel::Spectator(board) => {
            projector::render(app, game, view, board, layout.main, buf);
            return;
        }
    }
    if let Some(rows) = layout.tutorial {
        for (row, line) in rows.rows().zip(tutorial_lines(game, rows.width)) {
            Line::from(vec![Span::raw(" "), Span::styled(line, theme.accent)]).render(row, buf);
        }
    }
    if let Some(rows) = layout.candidates {
        for (row, line) in rows.rows().zip(candidate_lines(game, rows.width)) {
            Line::from(vec![Span::raw(" "), Span::styled(line, theme.muted)]).render(row, buf);
        }
    }
    if let Some(prompt) = layout.prompt {
        render_prompt(app, game, prompt, buf);
    }
    if let Some(pane) = &game.manifest {
        render_manifest(app, pane, layout.main, buf);
    }
}

/// The manifest editor over the main pane: the command it goes with, the text, and its keys.
fn render_manifest(app: &App, editor: &crate::tui::app::ManifestEditor, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    ratatui::widgets::Clear.render(area, buf);
    let title = format!(" {} ", sanitize(&editor.command));
    let keys = format!(
        " {} saves · enter new line · {} cancels ",
        app.keymap.label(Action::SaveManifest),
        app.keymap.label(Action::Back)
    );
    let block = pane(Line::styled(title, theme.warn), theme, true)
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    if editor.loading.is_some() {
        Line::styled("Fetching the object…", theme.muted).render(inner, buf);
        return;
    }
    let mut text = editor.text.clone();
    text.set_style(theme.text);
    text.set_cursor_line_style(theme.text);
    text.set_cursor_style(theme.selected);
    (&text).render(inner, buf);
}

/// Rows inside the pane the active seat scrolls (the console, the customer chat, a game
/// master's tab), borders excluded.
pub fn scrolled_rows(game: &GameScreen, area: Rect) -> u16 {
    let layout = GameLayout::of(game, area);
    let main = layout.main.height;
    let pane = match game.view().map(|v| &v.panel) {
        Some(Panel::Liaison(_)) => main.saturating_sub(liaison_team_rows(main)),
        Some(Panel::Customer(panel)) => main.saturating_sub(customer::top_rows(panel)),
        // The tabs' row.
        Some(Panel::GameMaster(_)) => main.saturating_sub(1),
        _ => main,
    };
    pane.saturating_sub(2)
}

/// The liaison's team chat pane under the customer chat.
fn liaison_team_rows(main: u16) -> u16 {
    (main / 3).max(5)
}

/// Where a hosted seat's screen draws its own parts: the main pane (above the prompt) and the
/// side column, when there is room for one.
pub struct SeatArea {
    pub main: Rect,
    pub side: Option<Rect>,
    /// Enough height for the roomier board.
    pub tall: bool,
}

/// The turn timer's countdown (`⏱ 0:42`) and whom the turn still waits for, as spans that
/// start with their own gap; every seat's header shows them. `compact` words them shorter for
/// a narrow header.
pub(super) fn turn_spans(app: &App, game: &GameScreen, view: &RoleView, compact: bool) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let mut spans = Vec::new();
    if let Some(left) = app.turn_left().filter(|_| view.phase == crate::game::Phase::Playing) {
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let style = if secs <= 10 {
            theme.bad
        } else if secs <= 30 {
            theme.warn
        } else {
            theme.text
        };
        spans.push(Span::styled(format!("  ⏱ {}:{:02}", secs / 60, secs % 60), style));
    }
    let ended = match (view.ended_turn, compact) {
        (false, _) => "",
        (true, false) => "turn ended, ",
        (true, true) => "ended, ",
    };
    match waiting_for(game, view) {
        Some(who) if compact => spans.push(Span::styled(format!("  {ended}waits: {who}"), theme.warn)),
        Some(who) => spans.push(Span::styled(format!("  {ended}waits for {who}"), theme.warn)),
        None if view.ended_turn => spans.push(Span::styled("  turn ended", theme.warn)),
        None => {}
    }
    spans
}

/// Whom the turn waits for, in words: `you` for the seats this player holds, the others by
/// seat; none when it waits for nobody.
pub(super) fn waiting_for(game: &GameScreen, view: &RoleView) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    for seat in &view.waiting {
        // A replay is watched, not played: nobody at it is "you".
        let name = if game.seats.contains(seat) && !game.watching { "you".to_owned() } else { seat.label() };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => None,
        1 | 2 => Some(names.join(" and ")),
        n => Some(format!("{n} players")),
    }
}

/// Seat tabs and the scenario on the left; turn, clock, action points on the right.
fn render_header(app: &App, game: &GameScreen, view: &RoleView, area: Rect, buf: &mut Buffer) {
    let full = header_right(app, game, view, false);
    let tabs = usize::from(game.seats.len() as u16) * 18;
    // The seat tabs come first; a right side that would run into them is worded shorter.
    let right =
        if full.width() + tabs.min(34) > usize::from(area.width) { header_right(app, game, view, true) } else { full };
    render_header_with(app, game, view, right, area, buf);
}

/// The header's right side: turn, clock, action points, the countdown and whom the turn waits for.
fn header_right(app: &App, game: &GameScreen, view: &RoleView, compact: bool) -> Line<'static> {
    let theme = &app.theme;
    let mut right = vec![
        Span::styled(words::turn_label(view.turn, view.turn_limit).to_lowercase(), theme.text),
        Span::styled("  ", theme.muted),
        Span::styled(crate::game::clock(view.second), theme.accent),
    ];
    if let Some(points) = view.points_left {
        let style = if points == 0 { theme.warn } else { theme.text };
        let left = if compact { "" } else { " left" };
        right.push(Span::styled(format!("  {points} AP{left}"), style));
    }
    right.extend(turn_spans(app, game, view, compact));
    right.push(Span::raw(" "));
    Line::from(right)
}

fn render_header_with(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    right: Line<'static>,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let right_width = right.width() as u16;

    let mut left = Vec::new();
    let single_troubleshooter = game.seats.iter().filter(|s| matches!(s, Seat::Troubleshooter(_))).count() == 1;
    for (i, seat) in game.seats.iter().enumerate() {
        let label = match seat {
            Seat::Troubleshooter(_) if single_troubleshooter => "troubleshooter".to_owned(),
            other => other.label(),
        };
        if i == game.active {
            left.push(Span::styled(format!("[ {label} ]"), theme.selected));
        } else {
            left.push(Span::styled(format!("  {label}  "), theme.muted));
        }
        left.push(Span::raw(" "));
    }
    let tabs_width: usize = left.iter().map(Span::width).sum();
    let room = usize::from(area.width.saturating_sub(right_width)).saturating_sub(tabs_width + 3);
    if room > 4 {
        left.push(Span::styled("│ ", theme.border));
        // A random incident's seed, so friends can play the same one.
        let title = match game.random.and_then(|r| r.seed) {
            Some(seed) => format!("{} · seed {seed}", sanitize(&view.title)),
            None => sanitize(&view.title),
        };
        left.push(Span::styled(text::truncate(&title, room), theme.title));
    }
    Line::from(left).render(area, buf);
    let right_area = Rect { x: area.right().saturating_sub(right_width), width: right_width.min(area.width), ..area };
    right.render(right_area, buf);
}

fn render_troubleshooter(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &TroubleshooterPanel,
    layout: &GameLayout,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    // The console.
    let console_focus = game.target() == Target::Console;
    let width = usize::from(layout.main.width.saturating_sub(2)).max(1);
    let height = usize::from(layout.main.height.saturating_sub(2));
    let entries = panel.console.iter().rev().map(|e| move |need| entry_rows(e, width, theme, need));
    let shown = tail(entries, height, game.scroll);
    let empty = panel
        .console
        .is_empty()
        .then(|| format!("Type a kubectl command and press {}: try `get pods -A`.", app.keymap.label(Action::Select)));
    render_scrollback(" Console ", &shown, empty, console_focus, 0, app, layout.main, buf);

    let Some(side) = layout.side else {
        if let Some(strip) = layout.strip {
            let seed = game.random.and_then(|r| r.seed);
            render_strip(&panel.board, &panel.findings, panel.team_chat.last(), seed, theme, strip, buf);
        }
        return;
    };
    // Side column: board, team chat, findings.
    let board_rows = board_height(&panel.board, layout.tall, side.width);
    let findings_rows = (side.height / 3).max(6);
    let [board, chat, findings] =
        Layout::vertical([Constraint::Length(board_rows), Constraint::Fill(1), Constraint::Length(findings_rows)])
            .areas(side);
    render_board(&panel.board, layout.tall, theme, board, buf);
    let voices = Voices { me: &view.name, customer: None, clock: false };
    render_chat(" Team chat ", &panel.team_chat, &voices, 0, game.target() == Target::TeamChat, app, chat, buf);
    render_findings(&panel.findings, theme, &app.keymap.label(Action::Declare), findings, buf);
}

fn render_liaison(
    app: &App,
    game: &GameScreen,
    view: &RoleView,
    panel: &LiaisonPanel,
    layout: &GameLayout,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let team_rows = liaison_team_rows(layout.main.height);
    let [customer, team] = Layout::vertical([Constraint::Fill(1), Constraint::Length(team_rows)]).areas(layout.main);
    let customer_focus = matches!(game.target(), Target::CustomerChat | Target::Status(_));
    let voices = Voices { me: &view.name, customer: Some(&panel.customer), clock: true };
    let room = usize::from(customer.width.saturating_sub(22));
    let title = format!(" Customer: {} ", text::truncate(&sanitize(&panel.customer), room));
    render_chat(&title, &panel.customer_chat, &voices, game.scroll, customer_focus, app, customer, buf);
    let voices = Voices { me: &view.name, customer: None, clock: true };
    render_chat(" Team chat ", &panel.team_chat, &voices, 0, game.target() == Target::TeamChat, app, team, buf);

    let Some(side) = layout.side else { return };
    let board_rows = board_height(&panel.board, layout.tall, side.width);
    let [board, mood, findings] =
        Layout::vertical([Constraint::Length(board_rows), Constraint::Length(4), Constraint::Fill(1)]).areas(side);
    render_board(&panel.board, layout.tall, theme, board, buf);
    render_mood(&panel.customer, panel.mood, panel.hold_off, theme, mood, buf);
    render_findings(&panel.findings, theme, &app.keymap.label(Action::Declare), findings, buf);
}

#[allow(clippy::too_many_arguments)]
pub(super) fn render_chat(
    title: &str,
    lines: &[ChatLine],
    voices: &Voices<'_>,
    scroll: usize,
    focus: bool,
    app: &App,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = usize::from(area.width.saturating_sub(4)).max(1);
    let height = usize::from(area.height.saturating_sub(2));
    let messages = lines.iter().rev().map(|l| move |need| Chunk::last(chat_rows(l, width, voices, &app.theme), need));
    let shown = tail(messages, height, scroll);
    let empty = lines.is_empty().then(|| "Nothing said yet.".to_owned());
    render_scrollback(title, &shown, empty, focus, 1, app, area, buf);
}

/// A bordered scrollback pane with `padding` columns each side; its title says when it is
/// scrolled back.
#[allow(clippy::too_many_arguments)]
pub(super) fn render_scrollback(
    title: &str,
    shown: &Tail<'_>,
    empty: Option<String>,
    focus: bool,
    padding: u16,
    app: &App,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let mut block = pane(title.to_owned(), theme, focus).padding(Padding::horizontal(padding));
    if shown.scroll > 0 {
        let note = format!(" ↑ {} back · {} ", shown.scroll, app.keymap.label(Action::PageDown));
        block = block.title(Line::styled(note, theme.warn).right_aligned());
    } else if shown.more_above {
        let note = format!(" ↑ {} ", app.keymap.label(Action::PageUp));
        block = block.title(Line::styled(note, theme.muted).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if let Some(hint) = empty {
        Line::styled(hint, theme.muted).render(inner, buf);
        return;
    }
    for (row, line) in inner.rows().zip(&shown.rows) {
        line.render(row, buf);
    }
}

/// Where the prompt sends, and the sign before the text: `console $ `, `team chat > `.
fn prompt_label(target: Target) -> (String, &'static str) {
    match target {
        Target::Console => ("console".to_owned(), "$ "),
        Target::TeamChat => ("team chat".to_owned(), "> "),
        Target::CustomerChat => ("to customer".to_owned(), "> "),
        Target::Status(state) => (format!("status update ({})", state.as_str()), "> "),
        Target::Reply => ("to liaison".to_owned(), "> "),
        Target::AsCustomer => ("as customer".to_owned(), "> "),
        Target::Inject => ("inject".to_owned(), "> "),
    }
}

/// How the prompt is laid out: the label before the text when it leaves room to type,
/// otherwise only the sign (the box's title always says where the line goes).
struct PromptGeometry {
    inner: Rect,
    /// The label (with its sign) or the sign alone, before the text.
    inline: String,
    /// Columns of the text field, the cursor's last column included.
    input_width: usize,
}

fn prompt_geometry(game: &GameScreen, prompt: Rect) -> PromptGeometry {
    let inner = prompt.inner(ratatui::layout::Margin { horizontal: 1, vertical: 1 });
    let (label, sign) = prompt_label(game.target());
    let full = format!("{label} {sign}");
    let inline = if text::width(&full) * 3 <= usize::from(inner.width) { full } else { sign.to_owned() };
    let used = text::width(&inline) as u16;
    let input_width = usize::from(inner.width.saturating_sub(used).saturating_sub(1)).max(1);
    PromptGeometry { inner, inline, input_width }
}

/// The prompt's colour for where it sends.
fn target_style(target: Target, theme: &crate::tui::theme::Theme) -> ratatui::style::Style {
    match target {
        Target::Console => theme.accent,
        Target::Status(_) | Target::AsCustomer | Target::CustomerChat | Target::Reply | Target::Inject => theme.warn,
        Target::TeamChat => theme.ok,
    }
}

/// Where a line typed at `target` goes, in words for the prompt's title.
fn destination(target: Target) -> String {
    match target {
        Target::Console => "the console".to_owned(),
        Target::TeamChat => "the team chat".to_owned(),
        Target::CustomerChat => "the customer".to_owned(),
        Target::Status(state) => format!("the status page ({})", state.as_str()),
        Target::Reply => "the liaison".to_owned(),
        Target::AsCustomer => "the customer chat, as the customer".to_owned(),
        Target::Inject => "every seat (inject)".to_owned(),
    }
}

/// The prompt's title: where the line goes, and where the switch key sends it instead, so a
/// prompt left on the team chat is never taken for the customer's (and the other way round).
fn prompt_title(app: &App, game: &GameScreen) -> String {
    let options = crate::tui::app::targets_of(game.seat());
    let here = game.target();
    let at = options.iter().position(|t| *t == here);
    let next = at.and_then(|i| options.get((i + 1) % options.len())).filter(|t| **t != here);
    match next {
        Some(next) => format!(
            " sends to {} · {}: {} ",
            destination(here),
            app.keymap.label(Action::SwitchTarget),
            destination(*next)
        ),
        None => format!(" sends to {} ", destination(here)),
    }
}

/// The status update being written: several lines, with the keys that post it and put it away.
fn render_editor(app: &App, editor: &crate::tui::app::StatusEditor, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let title = format!(" status update ({}) ", editor.state.as_str());
    let keys = format!(
        " {} posts · enter new line · {} cancels ",
        app.keymap.label(Action::PostUpdate),
        app.keymap.label(Action::Back)
    );
    let block = pane(Line::styled(title, theme.warn), theme, true)
        .title_bottom(Line::styled(keys, theme.muted).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let mut text = editor.text.clone();
    text.set_style(theme.text);
    text.set_cursor_line_style(theme.text);
    text.set_cursor_style(theme.selected);
    (&text).render(inner, buf);
}

fn render_prompt(app: &App, game: &GameScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    if let Some(editor) = &game.editor {
        render_editor(app, editor, area, buf);
        return;
    }
    let geometry = prompt_geometry(game, area);
    let label_style = target_style(game.target(), theme);
    let title = prompt_title(app, game);
    let block = pane(Line::styled(title, label_style), theme, true);
    block.render(area, buf);
    let inner = geometry.inner;
    Span::styled(geometry.inline.clone(), label_style).render(inner, buf);
    let used = text::width(&geometry.inline) as u16;
    let scroll = game.input.visual_scroll(geometry.input_width);
    let visible = skip_columns(&sanitize_input(game.input.value()), scroll);
    let field = Rect { x: inner.x + used, width: inner.width.saturating_sub(used), ..inner };
    Span::styled(visible, theme.text).render(field, buf);
}

/// The prompt as typed, with anything that is not printable shown as a space (the input widget
/// keeps what was typed, the screen must not act on it).
fn sanitize_input(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            let mut tmp = [0u8; 4];
            if crate::game::text::sanitize_block(c.encode_utf8(&mut tmp)).is_empty() || c == '\n' { ' ' } else { c }
        })
        .collect()
}

/// `text` without its first `columns` columns.
fn skip_columns(value: &str, columns: usize) -> String {
    if columns == 0 {
        return value.to_owned();
    }
    let mut used = 0;
    let mut out = String::new();
    for c in value.chars() {
        if used >= columns {
            out.push(c);
        } else {
            let mut tmp = [0u8; 4];
            used += text::width(c.encode_utf8(&mut tmp));
        }
    }
    out
}

/// The cursor in the prompt.
pub fn cursor(game: &GameScreen, area: Rect) -> Option<Position> {
    game.view()?;
    if game.editor.is_some() || game.manifest.is_some() {
        // The editors draw their own cursor.
        return None;
    }
    let layout = GameLayout::of(game, area);
    let geometry = prompt_geometry(game, layout.prompt?);
    let inner = geometry.inner;
    let scroll = game.input.visual_scroll(geometry.input_width);
    let column = game.input.visual_cursor().saturating_sub(scroll) as u16;
    let x = (inner.x + text::width(&geometry.inline) as u16 + column).min(inner.right().saturating_sub(1));
    Some(Position { x, y: inner.y })
}
