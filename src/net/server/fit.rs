//! Snapshots that fit in a frame. A view grows with the game (console output, chats, the
//! timeline), and one that would not fit in a frame must still go out: one command's output is
//! capped, and the oldest entries of the longest lists go first until the view fits, so the
//! newest console entries and chat lines are the ones kept.

use std::fmt::Write;

use serde::Serialize;

use crate::game::state::ConsoleEntry;
use crate::game::view::{Board, Panel, RoleView};
use crate::net::protocol::LobbyView;

/// The most of one command's output a view carries.
pub const MAX_OUTPUT: usize = 16 * 1024;
/// The most of one command line a view carries.
const MAX_LINE: usize = 1024;
/// The most of the scenario's own texts a view carries when nothing else is left to trim.
const MAX_BRIEFING: usize = 4096;

fn encoded_len<T: Serialize + ?Sized>(value: &T) -> usize {
    postcard::experimental::serialized_size(value).unwrap_or(usize::MAX)
}

/// A list whose oldest entries may go.
trait Trim {
    fn bytes(&self) -> usize;
    /// Drops entries from the front until at least `bytes` are freed (or none are left).
    fn drop_oldest(&mut self, bytes: usize);
}

impl<T: Serialize> Trim for Vec<T> {
    fn bytes(&self) -> usize {
        self.iter().map(encoded_len).sum()
    }

    fn drop_oldest(&mut self, bytes: usize) {
        let mut freed = 0;
        let mut n = 0;
        for item in self.iter() {
            if freed >= bytes {
                break;
            }
            freed += encoded_len(item);
            n += 1;
        }
        self.drain(..n);
    }
}

fn board<'a>(board: &'a mut Board, out: &mut Vec<&'a mut dyn Trim>) {
    out.push(&mut board.timeline);
    out.push(&mut board.status_page);
    out.push(&mut board.history);
}

fn lists(view: &mut RoleView) -> Vec<&mut dyn Trim> {
    let mut out: Vec<&mut dyn Trim> = Vec::new();
    match &mut view.panel {
        Panel::Customer(p) => {
            out.push(&mut p.chat);
            out.push(&mut p.status_page);
        }
        Panel::Liaison(p) => {
            board(&mut p.board, &mut out);
            out.push(&mut p.team_chat);
            out.push(&mut p.customer_chat);
        }
        Panel::Troubleshooter(p) => {
            board(&mut p.board, &mut out);
            out.push(&mut p.console);
            out.push(&mut p.team_chat);
            out.push(&mut p.names);
        }
        Panel::Spectator(b) => board(b, &mut out),
        Panel::GameMaster(p) => {
            board(&mut p.board, &mut out);
            out.push(&mut p.console);
            out.push(&mut p.team_chat);
            out.push(&mut p.customer_chat);
            out.push(&mut p.log);
        }
    }
    if let Some(debrief) = &mut view.debrief {
        out.push(&mut debrief.timeline);
        out.push(&mut debrief.samples);
    }
    out
}

/// Cuts `text` to at most `max` bytes on a character boundary; says so when it cut.
fn cap(text: &mut String, max: usize, what: &str) {
    if text.len() <= max {
        return;
    }
    let total = text.len();
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    let _ = write!(text, "\n({what} truncated: {end} of {total} bytes shown)");
}

fn cap_console(console: &mut [ConsoleEntry]) {
    for entry in console {
        cap(&mut entry.output, MAX_OUTPUT, "output");
        cap(&mut entry.line, MAX_LINE, "line");
    }
}

/// `view`, made to encode in at most `max_bytes`: each command's output capped at
/// [`MAX_OUTPUT`], then the oldest entries of the longest lists dropped until it fits.
pub fn fit_view(mut view: RoleView, max_bytes: usize) -> RoleView {
    match &mut view.panel {
        Panel::Troubleshooter(p) => cap_console(&mut p.console),
        Panel::GameMaster(p) => cap_console(&mut p.console),
        _ => {}
    }
    // Each round empties at least one list or frees the excess, so this ends.
    for _ in 0..64 {
        let size = encoded_len(&view);
        if size <= max_bytes {
            return view;
        }
        let mut lists = lists(&mut view);
        let Some(longest) = lists.iter_mut().filter(|l| l.bytes() > 0).max_by_key(|l| l.bytes()) else { break };
        longest.drop_oldest(size - max_bytes);
    }
    // Only the scenario's own texts are left to blame.
    cap(&mut view.summary, MAX_BRIEFING, "summary");
    match &mut view.panel {
        Panel::Customer(p) => cap(&mut p.brief, MAX_BRIEFING, "brief"),
        Panel::GameMaster(p) => {
            p.dialogue.clear();
            p.injects.clear();
            cap(&mut p.customer.brief, MAX_BRIEFING, "brief");
        }
        _ => {}
    }
    if let Some(debrief) = &mut view.debrief {
        cap(&mut debrief.summary, MAX_BRIEFING, "summary");
        cap(&mut debrief.root_cause, MAX_BRIEFING, "root cause");
    }
    view
}

/// The lobby, made to encode in at most `max_bytes` by dropping its oldest chat lines.
pub fn fit_lobby(mut lobby: LobbyView, max_bytes: usize) -> LobbyView {
    let size = encoded_len(&lobby);
    if size > max_bytes {
        lobby.chat.drop_oldest(size - max_bytes);
    }
    cap(&mut lobby.summary, MAX_BRIEFING, "summary");
    lobby
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::state::ChatLine;
    use crate::game::{Game, Seat};
    use crate::net::protocol::MAX_FRAME;

    fn view(seat: Seat) -> RoleView {
        let s = crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses");
        let mut game = Game::new(s, 1).expect("builds");
        game.seat(Seat::Liaison, "Lee");
        game.seat(Seat::Troubleshooter(0), "Tam");
        game.start();
        crate::game::view::for_seat(&game, seat)
    }

    #[test]
    fn a_small_view_is_left_alone() {
        let v = view(Seat::Troubleshooter(0));
        assert_eq!(fit_view(v.clone(), MAX_FRAME), v);
    }

    #[test]
    fn a_huge_view_keeps_the_newest_entries_that_fit() {
        let mut v = view(Seat::Troubleshooter(0));
        let Panel::Troubleshooter(p) = &mut v.panel else { panic!("a troubleshooter's panel") };
        for i in 0..40 {
            p.console.push(ConsoleEntry {
                seat: Seat::Troubleshooter(0),
                line: format!("get pods # {i}"),
                output: format!("entry {i}\n{}", "x".repeat(if i == 39 { 100_000 } else { 3000 })),
                ok: true,
            });
            p.team_chat.push(ChatLine {
                turn: 0,
                second: 0,
                from: "Tam".into(),
                text: format!("line {i} {}", "y".repeat(400)),
            });
        }
        let max = MAX_FRAME - 64;
        let fitted = fit_view(v, max);
        assert!(encoded_len(&fitted) <= max, "{} bytes", encoded_len(&fitted));
        let Panel::Troubleshooter(p) = &fitted.panel else { panic!("still a troubleshooter's panel") };
        let newest = p.console.last().expect("the newest entry is kept");
        assert_eq!(newest.line, "get pods # 39");
        assert!(newest.output.len() < MAX_OUTPUT + 100);
        assert!(
            newest.output.ends_with("(output truncated: 16384 of 100009 bytes shown)"),
            "{}",
            &newest.output[16_000..]
        );
        assert!(p.console.len() < 41 && p.console.len() > 2, "{} entries", p.console.len());
        let lines: Vec<&str> = p.console.iter().map(|e| e.line.as_str()).collect();
        let first: usize = lines[0].trim_start_matches("get pods # ").parse().expect("a number");
        let expected: Vec<String> = (first..40).map(|i| format!("get pods # {i}")).collect();
        assert_eq!(lines, expected, "a contiguous run of the newest");
        assert_eq!(p.team_chat.last().map(|c| c.text.starts_with("line 39 ")), Some(true));
    }

    #[test]
    fn the_lobby_drops_its_oldest_chat() {
        let lobby = LobbyView {
            code: "7K3QM-9XW2A".into(),
            title: "t".into(),
            summary: "s".into(),
            players: Vec::new(),
            limits: Vec::new(),
            chat: (0..300)
                .map(|i| ChatLine { turn: 0, second: 0, from: "a".into(), text: format!("{i} {}", "z".repeat(490)) })
                .collect(),
            npc_customer: true,
        };
        let fitted = fit_lobby(lobby, 20_000);
        assert!(encoded_len(&fitted) <= 20_000);
        assert!(fitted.chat.last().is_some_and(|c| c.text.starts_with("299 ")));
    }
}
