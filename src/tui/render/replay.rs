//! The replay screen: three rows over the game screen as the chosen seat saw it at that step
//! (drawn by the game screen's own renderers, without a prompt). The rows are the seats to pick
//! from with the step counter, what this step did, and the whole game's timeline with its
//! moments (a turn, a change to the cluster, the cause declared, service restored, the end) and
//! where the replay stands. Also the list of journals "Replay a game" opens.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, StatefulWidget, Widget};

use super::{game, pane, text};
use crate::game::Seat;
use crate::game::replay::{Moment, StepInfo};
use crate::game::text::sanitize;
use crate::game::words;
use crate::tui::action::Action;
use crate::tui::app::{App, JournalList, ReplayScreen};

/// Rows above the replayed game screen.
const BAR_ROWS: u16 = 3;

/// The replayed game screen's area within the replay screen's.
pub fn body(area: Rect) -> Rect {
    let [_, body] = Layout::vertical([Constraint::Length(BAR_ROWS), Constraint::Fill(1)]).areas(area);
    body
}

pub fn render(app: &App, screen: &ReplayScreen, area: Rect, buf: &mut Buffer) {
    let [seats, what, timeline, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)])
            .areas(area);
    render_seats(app, screen, seats, buf);
    render_what(app, screen, what, buf);
    render_timeline(app, screen, timeline, buf);
    game::render(app, &screen.shown, body, buf);
}

/// How a seat is named on the replay's tabs: the spectator's view is the public board.
fn seat_name(seat: Seat, single_troubleshooter: bool) -> String {
    match seat {
        Seat::Spectator(_) => "public board".to_owned(),
        Seat::Troubleshooter(_) if single_troubleshooter => "troubleshooter".to_owned(),
        other => other.label(),
    }
}

/// `REPLAY  [ liaison ]  troubleshooter  customer  game master  public board      step 4/31`.
fn render_seats(app: &App, screen: &ReplayScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let seats = screen.replay.seats();
    let single = seats.iter().filter(|s| matches!(s, Seat::Troubleshooter(_))).count() == 1;
    let mut spans = vec![Span::styled(" REPLAY ", theme.selected), Span::raw(" ")];
    for (i, seat) in seats.iter().enumerate() {
        let name = seat_name(*seat, single);
        if i == screen.seat {
            spans.push(Span::styled(format!("[ {name} ]"), theme.focus));
        } else {
            spans.push(Span::styled(format!("  {name}  "), theme.muted));
        }
    }
    let step = format!(" step {}/{} ", screen.step(), screen.replay.last());
    let room = usize::from(area.width).saturating_sub(text::width(&step));
    if Line::from(spans.clone()).width() > room {
        // Too narrow for every tab: the chosen one, and the key that switches.
        let name = seat_name(screen.seat(), single);
        spans.truncate(2);
        spans.push(Span::styled(format!("[ {name} ]"), theme.focus));
        spans.push(Span::styled(format!("  {} next seat", app.keymap.label(Action::NextSeat)), theme.muted));
    }
    Line::from(spans).render(area, buf);
    let at = Rect { x: area.right().saturating_sub(text::width(&step) as u16), ..area };
    Line::styled(step, theme.accent).render(at, buf);
}

/// `▸ turn 3 · +12m00s  troubleshooter: ran “get pods -n shop”`.
fn render_what(app: &App, screen: &ReplayScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(info) = screen.info() else { return };
    let when = format!(" ▸ turn {} · {} ", words::turn_of_play(info.turn), words::clock(info.second));
    let room = usize::from(area.width).saturating_sub(text::width(&when) + 1);
    let what = text::truncate(&sanitize(&info.what), room);
    Line::from(vec![Span::styled(when, theme.accent), Span::styled(what, theme.text)]).render(area, buf);
}

/// The mark a step leaves on the timeline: the weightiest of its moments.
fn mark(info: &StepInfo) -> Option<(char, u8)> {
    info.moments
        .iter()
        .map(|m| match m {
            Moment::Ended => ('■', 5),
            Moment::Resolved => ('✓', 4),
            Moment::CauseDeclared => ('◆', 3),
            Moment::Change => ('•', 2),
            Moment::Start | Moment::Turn(_) => ('┼', 1),
        })
        .max_by_key(|(_, weight)| *weight)
}

/// The game from its start to its end across the row, each step at its column: turns `┼`,
/// changes `•`, the cause declared `◆`, service restored `✓`, the end `■`, and `●` where the
/// replay stands.
fn render_timeline(app: &App, screen: &ReplayScreen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let steps = screen.replay.steps();
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let last = screen.replay.last().max(1);
    let column = |step: usize| step.saturating_mul(width - 1) / last;
    let mut row: Vec<(char, u8)> = vec![('─', 0); width];
    for (i, info) in steps.iter().enumerate() {
        if let (Some(cell), Some(marked)) = (row.get_mut(column(i)), mark(info))
            && marked.1 > cell.1
        {
            *cell = marked;
        }
    }
    let here = column(screen.step()).min(width - 1);
    let before: String = row.iter().take(here).map(|(c, _)| *c).collect();
    let after: String = row.iter().skip(here + 1).map(|(c, _)| *c).collect();
    Line::from(vec![
        Span::raw(" "),
        Span::styled(before, theme.accent),
        Span::styled("●", theme.selected),
        Span::styled(after, theme.muted),
    ])
    .render(area, buf);
}

/// "Replay a game": the journals kept in the data directory, newest first.
pub fn render_journals(app: &App, list: &JournalList, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(100);
    let at = area.centered_horizontally(Constraint::Length(width));
    let block = pane(" Replay a game: pick a journal ", theme, true);
    let inner = block.inner(at);
    block.render(at, buf);
    let intro_text = "Every game played here is kept as a journal. Step through one turn by turn and show what \
                      each seat saw; `kombat replay FILE --screen` opens any other.";
    let lines: Vec<Line> =
        text::wrap(intro_text, usize::from(inner.width.saturating_sub(2)).max(1)).into_iter().map(Line::from).collect();
    let [intro, _, rows] =
        Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Length(1), Constraint::Fill(1)])
            .areas(inner);
    ratatui::widgets::Paragraph::new(lines).style(theme.muted).render(intro.inner(margin()), buf);
    if list.loading {
        Line::styled(" Looking for journals…", theme.muted).render(rows, buf);
        return;
    }
    if let Some(opening) = &list.opening {
        let name = opening.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Line::styled(format!(" Replaying {}…", sanitize(&name)), theme.accent).render(rows, buf);
        return;
    }
    if list.files.is_empty() {
        Line::styled(" No games recorded yet: play one, and its journal shows here.", theme.muted).render(rows, buf);
        return;
    }
    let room = usize::from(rows.width.saturating_sub(4));
    let items: Vec<ListItem> =
        list.files.iter().map(|f| ListItem::new(text::truncate(&sanitize(&f.name), room))).collect();
    let mut state = ListState::default().with_selected(Some(list.selected));
    StatefulWidget::render(
        List::new(items).highlight_style(theme.selected).highlight_symbol("▸ "),
        rows,
        buf,
        &mut state,
    );
}

fn margin() -> ratatui::layout::Margin {
    ratatui::layout::Margin { horizontal: 1, vertical: 0 }
}
