//! What a table sends: the lobby to everyone in it, each seat's fresh view after a batch, and
//! answers and notices to one seat. Every frame goes through the seat's outbox without waiting;
//! a seat whose queue is full loses its connection, not the room its pace.

use bytes::Bytes;

use super::{MAX_SNAPSHOT, ROOM_FAILED, RoomGone, Table};
use crate::game::Seat;
use crate::game::view::{self, RoleView};
use crate::net::codec;
use crate::net::protocol::{LobbyPlayer, LobbyView, ServerMsg, Update};
use crate::net::server::fit::{fit_lobby, fit_view};

impl Table {
    pub(super) fn lobby_view(&self) -> LobbyView {
        LobbyView {
            code: self.code.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            players: self
                .members
                .iter()
                .map(|(seat, m)| LobbyPlayer {
                    seat: *seat,
                    name: m.name.clone(),
                    ready: m.ready,
                    connected: m.outbox.is_some(),
                })
                .collect(),
            limits: self.seats.listed(),
            chat: self.chat.iter().cloned().collect(),
            npc_customer: !self.members.keys().any(|s| matches!(s, Seat::Customer(_))),
        }
    }

    /// Sends the lobby to everyone connected, while the game has not started.
    pub(super) fn lobby_changed(&mut self) {
        if self.started {
            return;
        }
        // A client dropped on the way changes the lobby again; each round drops one more at most.
        loop {
            let lobby = fit_lobby(self.lobby_view(), MAX_SNAPSHOT);
            let connected: Vec<Seat> =
                self.members.iter().filter(|(_, m)| m.outbox.is_some()).map(|(s, _)| *s).collect();
            let mut dropped = false;
            for seat in connected {
                dropped |= !self.push(seat, Update::Lobby(lobby.clone()));
            }
            if !dropped {
                return;
            }
        }
    }

    /// Fresh views for `only` that seat, or for every connected seat.
    pub(super) async fn refresh(&mut self, only: Option<Seat>) -> Result<(), RoomGone> {
        let seats: Vec<Seat> = match only {
            Some(seat) => vec![seat],
            None => self.members.iter().filter(|(_, m)| m.outbox.is_some()).map(|(s, _)| *s).collect(),
        };
        if seats.is_empty() {
            return Ok(());
        }
        let views: Vec<RoleView> =
            self.room.inspect(move |game| seats.iter().map(|s| view::for_seat(game, *s)).collect()).await?;
        for view in views {
            let seat = view.seat;
            self.push(seat, Update::View(Box::new(view)));
        }
        Ok(())
    }

    /// Queues the seat's next update; false when its client was dropped for a full queue.
    pub(super) fn push(&mut self, seat: Seat, update: Update) -> bool {
        let Some(member) = self.members.get_mut(&seat) else { return true };
        let Some(outbox) = &member.outbox else { return true };
        let seq = member.seq + 1;
        let Some(frame) = update_frame(seq, update) else {
            tracing::error!(code = %self.code, ?seat, "an update did not fit in a frame even trimmed");
            return true;
        };
        if outbox.send_frame(frame) {
            member.seq = seq;
            return true;
        }
        tracing::info!(code = %self.code, ?seat, "dropped: it is not reading (its queue is full); the seat waits");
        if let Some(outbox) = member.outbox.take() {
            outbox.close();
        }
        false
    }

    pub(super) fn send(&mut self, seat: Seat, message: &ServerMsg) {
        let Some(member) = self.members.get_mut(&seat) else { return };
        let Some(outbox) = &member.outbox else { return };
        if !outbox.send(message) {
            tracing::info!(code = %self.code, ?seat, "dropped: it is not reading (its queue is full); the seat waits");
            if let Some(outbox) = member.outbox.take() {
                outbox.close();
            }
            self.lobby_changed();
        }
    }

    pub(super) fn notice(&mut self, seat: Seat, text: &str) {
        self.send(seat, &ServerMsg::Notice { text: text.to_owned() });
    }

    /// The room died: its players are told, and the table ends.
    pub(super) fn fail(&mut self) {
        tracing::error!(code = %self.code, "the room failed; closing it");
        let seats: Vec<Seat> = self.members.keys().copied().collect();
        for seat in seats {
            self.push(seat, Update::Removed { reason: ROOM_FAILED.to_owned() });
            if let Some(outbox) = self.members.get_mut(&seat).and_then(|m| m.outbox.take()) {
                outbox.close();
            }
        }
    }
}

/// `Update { seq, update }` as a frame, with a view or lobby trimmed to fit.
fn update_frame(seq: u64, update: Update) -> Option<Bytes> {
    let update = match update {
        Update::View(view) if encoded_size(&view) > MAX_SNAPSHOT => {
            Update::View(Box::new(fit_view(*view, MAX_SNAPSHOT)))
        }
        Update::Lobby(lobby) if encoded_size(&lobby) > MAX_SNAPSHOT => Update::Lobby(fit_lobby(lobby, MAX_SNAPSHOT)),
        other => other,
    };
    codec::encode(&ServerMsg::Update { seq, update }).ok()
}

fn encoded_size<T: serde::Serialize>(value: &T) -> usize {
    postcard::experimental::serialized_size(value).unwrap_or(usize::MAX)
}
