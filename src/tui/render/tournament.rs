//! The tournament's projector, and the leaderboard the debrief of each team shows: the ranked
//! table (place, team, status, time, budget, mood, grade; with swapped sides also the fix, break
//! and total points, each team's column naming the team it breaks for; and the totals once a
//! round is over),
//! then every team's public board side by side, each as a spectator of its room sees it. It
//! draws only what `TournamentView` carries, which is public by construction (the server sends
//! spectators' views and `Leaderboard::public`).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Padding, Paragraph, Row, Table, Widget};

use super::board::{board_height, budget_style, percent, render_board, unit};
use super::{pane, text};
use crate::game::Seat;
use crate::game::score::Grade;
use crate::game::text::sanitize;
use crate::game::tournament::{BreakOrigin, Leaderboard, Status, TeamBoard, TournamentView, ended_text, minutes};
use crate::game::view::Panel;
use crate::game::words::{self, Audience, Context};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Rows the leaderboard pane takes: its table, the totals when any round is over, borders.
pub fn leaderboard_height(board: &Leaderboard) -> u16 {
    let totals = if board.totals.iter().any(|t| t.rounds > 0) { board.totals.len() + 2 } else { 0 };
    (board.rows.len() + 1 + totals + 2) as u16
}

pub fn render(app: &App, view: &TournamentView, area: Rect, buf: &mut Buffer) {
    let wanted = leaderboard_height(&view.leaderboard).min(area.height / 2);
    let [top, teams] = Layout::vertical([Constraint::Length(wanted), Constraint::Fill(1)]).areas(area);
    render_leaderboard(&app.theme, &view.leaderboard, top, buf);
    if view.teams.is_empty() {
        return;
    }
    let columns = Layout::horizontal(view.teams.iter().map(|_| Constraint::Fill(1))).split(teams);
    for (team, column) in view.teams.iter().zip(columns.iter()) {
        render_team(&app.theme, team, *column, buf);
    }
}

/// The ranked board in a pane: `Leaderboard · round N: TITLE` (`· swapped sides`).
pub fn render_leaderboard(theme: &Theme, board: &Leaderboard, area: Rect, buf: &mut Buffer) {
    let swapped = board.swapped();
    let sides = if swapped { " · swapped sides" } else { "" };
    let title = format!(" Leaderboard · round {}: {}{sides} ", board.round, sanitize(&board.title));
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut rows: Vec<Row> = board
        .rows
        .iter()
        .enumerate()
        .map(|(place, row)| {
            let s = &row.standing;
            let status_style = match s.status {
                Status::Won => theme.ok,
                Status::Lost | Status::Stopped => theme.bad,
                Status::Playing => theme.accent,
                Status::Lobby => theme.muted,
            };
            let grade = s
                .grade
                .map_or_else(|| Span::styled("-", theme.muted), |g| Span::styled(g.as_str(), grade_style(theme, g)));
            let mood = s.mood.map_or_else(|| "-".to_owned(), |m| format!("{m}/100"));
            let budget = unit(s.budget_left);
            let mut cells = vec![
                Cell::from(format!("{}", place + 1)),
                Cell::from(sanitize(&row.team)),
                Cell::from(Span::styled(s.status_text(), status_style)),
                Cell::from(minutes(s.second)),
                Cell::from(Span::styled(percent(budget), budget_style(theme, budget))),
                Cell::from(mood),
                Cell::from(grade),
            ];
            if let Some(broke) = row.broke.as_ref().filter(|_| swapped) {
                let fix = s.points.map_or_else(|| Span::styled("-", theme.muted), |p| Span::raw(p.to_string()));
                let earned = match (broke.origin, broke.points) {
                    (BreakOrigin::Drawn, _) => Span::styled("drawn", theme.muted),
                    (_, Some(points)) => Span::raw(points.to_string()),
                    (_, None) => Span::styled("-", theme.muted),
                };
                cells.push(Cell::from(fix));
                cells.push(Cell::from(earned));
                cells.push(Cell::from(Span::styled(row.total().to_string(), theme.title)));
            }
            Row::new(cells)
        })
        .collect();
    if board.totals.iter().any(|t| t.rounds > 0) {
        rows.push(Row::new(vec![Cell::from("")]));
        rows.push(Row::new(vec![Cell::from(Span::styled("totals", theme.title))]));
        for (place, total) in board.totals.iter().enumerate() {
            let cells = if swapped {
                let fix = total.points.saturating_sub(total.break_points);
                vec![
                    Cell::from(format!("{}", place + 1)),
                    Cell::from(sanitize(&total.team)),
                    Cell::from(format!("{}/{} won", total.resolved, total.rounds)),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(""),
                    Cell::from(fix.to_string()),
                    Cell::from(total.break_points.to_string()),
                    Cell::from(Span::styled(total.points.to_string(), theme.title)),
                ]
            } else {
                vec![
                    Cell::from(format!("{}", place + 1)),
                    Cell::from(sanitize(&total.team)),
                    Cell::from(format!("{} points", total.points)),
                    Cell::from(format!("{}/{} won", total.resolved, total.rounds)),
                ]
            };
            rows.push(Row::new(cells));
        }
    }
    let mut header = vec!["#", "team", "status", "time", "budget", "mood", "grade"];
    // Narrower columns with swapped sides, so that fix, break and total fit at 80 columns.
    let mut widths = if swapped {
        vec![
            Constraint::Length(2),
            Constraint::Length(8),
            Constraint::Length(18),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(7),
            Constraint::Length(5),
        ]
    } else {
        vec![
            Constraint::Length(2),
            Constraint::Length(12),
            Constraint::Length(20),
            Constraint::Length(10),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Length(5),
        ]
    };
    if swapped {
        header.extend(["fix", "break", "total"]);
        widths.extend([Constraint::Length(3), Constraint::Length(5), Constraint::Length(5)]);
    }
    let header = Row::new(header).style(theme.muted);
    Widget::render(Table::new(rows, widths).header(header).column_spacing(1), inner, buf);
}

/// One team's column: who plays, the turn and clock, its public board.
fn render_team(theme: &Theme, team: &TeamBoard, area: Rect, buf: &mut Buffer) {
    let name = match &team.breaks_for {
        Some(other) => format!("{} (breaks for {})", sanitize(&team.team), sanitize(other)),
        None => sanitize(&team.team),
    };
    let Some(view) = &team.view else {
        let block = pane(format!(" {name} "), theme, false);
        let inner = block.inner(area);
        block.render(area, buf);
        Line::styled("waiting for the room…", theme.muted).render(inner, buf);
        return;
    };
    let players: Vec<String> = view.table.iter().map(|s| sanitize(&s.name)).collect();
    let players = if players.is_empty() { "nobody yet".to_owned() } else { players.join(", ") };
    let title = text::truncate(&format!(" {name} · {players} "), usize::from(area.width.saturating_sub(4)));
    let block = pane(title, theme, false).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let Panel::Spectator(board) = &view.panel else { return };
    let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let head_line = match &view.phase {
        // Over: the turn the outcome names, as the leaderboard says it (the closing turn after a
        // win is not the turn it was won in).
        crate::game::Phase::Ended(outcome) => Line::from(vec![
            Span::styled(ended_text(outcome), theme.accent),
            Span::styled(format!("  {}", crate::game::clock(view.second)), theme.muted),
        ]),
        phase => {
            let turn = words::turn_of_play(view.turn).min(view.turn_limit.max(1));
            Line::from(vec![
                Span::styled(format!("turn {turn}/{}", view.turn_limit), theme.accent),
                Span::styled(format!("  {}", crate::game::clock(view.second)), theme.muted),
                Span::styled(format!("  {}", phase_text(phase)), theme.muted),
            ])
        }
    };
    head_line.render(head, buf);
    let height = board_height(board, false, rest.width).min(rest.height);
    let [board_area, timeline] = Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(rest);
    render_board(board, false, theme, board_area, buf);
    // The public timeline's newest entries, in the game's own words.
    let width = usize::from(timeline.width).max(1);
    let mut lines: Vec<Line> = Vec::new();
    for event in board.timeline.iter().rev().take(usize::from(timeline.height)) {
        let said = words::event(&event.as_stamped(), Audience::Seat(Seat::Spectator(0)), Context::default())
            .unwrap_or_default();
        lines.push(Line::styled(
            text::truncate(&format!("{} {said}", crate::game::clock(event.second)), width),
            theme.muted,
        ));
    }
    lines.reverse();
    Paragraph::new(lines).render(timeline, buf);
}

fn phase_text(phase: &crate::game::Phase) -> &'static str {
    match phase {
        crate::game::Phase::Lobby => "lobby",
        crate::game::Phase::Playing => "playing",
        crate::game::Phase::Paused => "paused",
        crate::game::Phase::Closing => "closing turn",
        crate::game::Phase::Ended(_) => "over",
    }
}

fn grade_style(theme: &Theme, grade: Grade) -> ratatui::style::Style {
    match grade {
        Grade::A | Grade::B => theme.ok,
        Grade::C => theme.warn,
        Grade::D | Grade::F => theme.bad,
    }
}
