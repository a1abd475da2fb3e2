//! What is new in the lobby: the server sends the whole lobby each time it changes, and line
//! mode prints only what changed (players, chat). The game itself is printed from the events the
//! seat hears, not from snapshots. Every piece of text from the server is sanitized here, since
//! it is printed as it is.

use crate::game::text::{sanitize, sanitize_block};
use crate::net::client::{LobbyPlayer, LobbyView, RoleWish};

/// The last lobby printed.
#[derive(Debug, Default)]
pub struct News {
    lobby: Option<LobbyView>,
}

impl News {
    pub fn lobby_now(&self) -> Option<&LobbyView> {
        self.lobby.as_ref()
    }

    /// The lines a new lobby snapshot brings.
    pub fn lobby(&mut self, lobby: LobbyView) -> Vec<String> {
        let mut out = Vec::new();
        let before = self.lobby.as_ref();
        // A room that plays again on another scenario is a new lobby to tell.
        if before.is_none_or(|b| b.title != lobby.title) {
            out.push(format!("== lobby {}: {} ==", sanitize(&lobby.code), sanitize(&lobby.title)));
            out.push(sanitize_block(lobby.summary.trim_end()));
            out.push(format!("[lobby] seats: {}", limits(&lobby.limits, lobby.npc_customer)));
        }
        if before.is_none_or(|b| b.players != lobby.players) {
            out.push(format!("[lobby] players: {}", players(&lobby.players)));
        }
        let old = before.map_or(&[][..], |b| &b.chat);
        let shown = if lobby.chat.len() >= old.len() && lobby.chat[..old.len()] == *old {
            &lobby.chat[old.len()..]
        } else {
            // Trimmed at the front: the largest overlap with the end of what was shown is old.
            let agree = |k: usize| old[old.len() - k..] == lobby.chat[..k];
            let k = (0..=old.len().min(lobby.chat.len())).rev().find(|k| agree(*k)).unwrap_or(0);
            &lobby.chat[k..]
        };
        for line in shown {
            out.push(format!("[lobby] {}: {}", sanitize(&line.from), sanitize(&line.text)));
        }
        self.lobby = Some(lobby);
        out
    }
}

fn players(players: &[LobbyPlayer]) -> String {
    if players.is_empty() {
        return "nobody yet".to_owned();
    }
    let each = players.iter().map(|p| {
        let mut text = format!("{} ({}", sanitize(&p.name), p.seat.label());
        if p.ready {
            text.push_str(", ready");
        }
        if !p.connected {
            text.push_str(", away");
        }
        text.push(')');
        text
    });
    each.collect::<Vec<_>>().join(", ")
}

fn limits(limits: &[(RoleWish, u8)], npc_customer: bool) -> String {
    let mut text = limits
        .iter()
        .map(|(role, n)| {
            let name = match role {
                RoleWish::Liaison => "liaison",
                RoleWish::Troubleshooter => "troubleshooter",
                RoleWish::Customer => "customer",
                RoleWish::GameMaster => "game master",
                RoleWish::Spectator => "spectator",
                RoleWish::Any => "any",
            };
            format!("{name} {n}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    if npc_customer {
        text.push_str("; the scripted customer plays unless someone takes the seat");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Seat;
    use crate::game::state::ChatLine;

    const TAM: Seat = Seat::Troubleshooter(0);

    #[test]
    fn lobby_changes_are_brief() {
        let player = |name: &str, seat, ready| LobbyPlayer { seat, name: name.into(), ready, connected: true };
        let mut lobby = LobbyView {
            code: "K7QF-M2XD".into(),
            title: "Release".into(),
            summary: "Errors.".into(),
            players: vec![player("Ana", Seat::Liaison, false)],
            limits: vec![(RoleWish::Liaison, 1), (RoleWish::Troubleshooter, 3)],
            chat: vec![],
            npc_customer: true,
        };
        let mut news = News::default();
        let first = news.lobby(lobby.clone());
        assert_eq!(first[0], "== lobby K7QF-M2XD: Release ==");
        assert_eq!(first[3], "[lobby] players: Ana (liaison)");
        lobby.players.push(player("Bo\u{202e}", TAM, true));
        lobby.chat.push(ChatLine { turn: 0, second: 0, from: "Bo".into(), text: "hi".into() });
        assert_eq!(
            news.lobby(lobby.clone()),
            ["[lobby] players: Ana (liaison), Bo (troubleshooter 1, ready)", "[lobby] Bo: hi"]
        );
        assert!(news.lobby(lobby).is_empty());
    }
}
