//! What a table sends: the lobby to everyone in it, each seat's fresh view after a batch, and
//! answers and notices to one seat. Every frame goes through the seat's outbox without waiting;
//! a seat whose queue is full loses its connection, not the room its pace.
//!
//! Views are the bulk of the traffic, so each is encoded once, straight into its frame, and a
//! connection is not sent a view identical to the last one it got (most acts change only some
//! seats' views: a troubleshooter's command changes neither the liaison's nor the customer's).
//! Identity is judged by a keyed 64-bit hash of the encoded view, kept with the connection.

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;

use bytes::Bytes;
use serde::Serialize;

use super::{MAX_SNAPSHOT, ROOM_FAILED, RoomGone, Table};
use crate::game::view::{self, RoleView};
use crate::game::{Event, Seat, Stamped};
use crate::net::codec;
use crate::net::protocol::{LobbyPlayer, LobbyView, MAX_FRAME, ServerMsg, Update};
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
            let Some(body) = snapshot_body(&lobby) else {
                tracing::error!(code = %self.code, "the lobby did not fit in a frame even trimmed");
                return;
            };
            let connected: Vec<Seat> =
                self.members.iter().filter(|(_, m)| m.outbox.is_some()).map(|(s, _)| *s).collect();
            let mut dropped = false;
            for seat in connected {
                dropped |= !self.push_snapshot(seat, LOBBY, &body, None);
            }
            if !dropped {
                // The customer team's card table follows its lobby (a join, a resume).
                self.push_break(None);
                return;
            }
        }
    }

    /// Fresh views for `only` that seat, or for every connected seat; with every seat's views
    /// go the events since the last ones, each seat's share (what `view::sees` lets it see).
    pub(super) async fn refresh(&mut self, only: Option<Seat>) -> Result<(), RoomGone> {
        let seats: Vec<Seat> = match only {
            Some(seat) => vec![seat],
            None => self.members.iter().filter(|(_, m)| m.outbox.is_some()).map(|(s, _)| *s).collect(),
        };
        if only.is_none() {
            let fresh = std::mem::take(&mut self.fresh);
            for seat in &seats {
                let share: Vec<Stamped> = fresh.iter().filter_map(|s| view::share(*seat, s)).collect();
                if !share.is_empty() {
                    self.push(*seat, Update::Events(fit_events(share, MAX_SNAPSHOT)));
                }
            }
        }
        if seats.is_empty() {
            return Ok(());
        }
        let views: Vec<RoleView> = self
            .room
            .inspect(move |game| seats.iter().map(|s| view::for_seat_within(game, *s, view::Limits::HOSTED)).collect())
            .await?;
        // Asked before the views go out, so the time left is never later than what they show.
        let left = if self.timed { Some(self.room.turn_left().await?) } else { None };
        for view in views {
            let seat = view.seat;
            let body = snapshot_body(&view).or_else(|| snapshot_body(&fit_view(view, MAX_SNAPSHOT)));
            let Some(body) = body else {
                tracing::error!(code = %self.code, ?seat, "a view did not fit in a frame even trimmed");
                continue;
            };
            self.push_snapshot(seat, VIEW, &body, Some(fingerprint(&body)));
            if let Some(left) = left {
                let left_ms = left.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                self.push(seat, Update::TurnTimer { left_ms });
            }
        }
        Ok(())
    }

    /// Queues an encoded snapshot (`Update::Lobby` or `Update::View`, by `kind`) as the seat's
    /// next update; a view is skipped when the connection's last view had the same fingerprint.
    /// False when the client was dropped for a full queue.
    fn push_snapshot(&mut self, seat: Seat, kind: u32, body: &[u8], view: Option<u64>) -> bool {
        let Some(member) = self.members.get_mut(&seat) else { return true };
        let Some(outbox) = &member.outbox else { return true };
        if view.is_some() && view == outbox.last_view() {
            return true;
        }
        let Some(seq) = member.seq.checked_add(1) else { return drop_exhausted(&self.code, seat, member) };
        let Some(frame) = snapshot_frame(seq, kind, body) else {
            tracing::error!(code = %self.code, ?seat, "an update did not fit in a frame");
            return true;
        };
        if outbox.send_frame(frame) {
            member.seq = seq;
            if let Some(fingerprint) = view {
                outbox.set_last_view(fingerprint);
            }
            return true;
        }
        tracing::info!(code = %self.code, ?seat, "dropped: it is not reading (its queue is full); the seat waits");
        if let Some(outbox) = member.outbox.take() {
            outbox.close();
        }
        false
    }

    /// Queues the seat's next update; false when its client was dropped for a full queue.
    pub(super) fn push(&mut self, seat: Seat, update: Update) -> bool {
        let Some(member) = self.members.get_mut(&seat) else { return true };
        let Some(outbox) = &member.outbox else { return true };
        let Some(seq) = member.seq.checked_add(1) else { return drop_exhausted(&self.code, seat, member) };
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

/// A seat whose numbering ran out (it cannot, short of a client claiming a `last_seq` near the
/// top): its connection is closed rather than the numbers wrapping; the seat waits for a resume.
fn drop_exhausted(code: &str, seat: Seat, member: &mut super::seating::Member) -> bool {
    tracing::warn!(code = %code, ?seat, "dropped: its update numbers ran out");
    if let Some(outbox) = member.outbox.take() {
        outbox.send(&ServerMsg::Refused { reason: "this connection's update numbers ran out; resume".to_owned() });
        outbox.close();
    }
    false
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

/// The events of a batch, cut to fit a frame: long command outputs are shortened first, then
/// the oldest events dropped (the view that follows still shows everything).
fn fit_events(mut events: Vec<Stamped>, max: usize) -> Vec<Stamped> {
    const LONG_OUTPUT: usize = 4096;
    if encoded_size(&events) <= max {
        return events;
    }
    for stamped in &mut events {
        if let Event::Command { output, .. } = &mut stamped.event
            && output.len() > LONG_OUTPUT
        {
            let cut = (0..=LONG_OUTPUT).rev().find(|i| output.is_char_boundary(*i)).unwrap_or(0);
            output.truncate(cut);
            output.push_str("\n… (the output was cut here; the console shows it whole)");
        }
    }
    while encoded_size(&events) > max && !events.is_empty() {
        events.remove(0);
    }
    events
}

/// Postcard's variant indexes of `ServerMsg::Update`, `Update::Lobby` and `Update::View`
/// (pinned by a test against the encoding of whole messages).
const UPDATE: u32 = 3;
const LOBBY: u32 = 0;
const VIEW: u32 = 1;

/// A snapshot's postcard bytes, when they fit in a frame's snapshot.
fn snapshot_body<T: Serialize>(snapshot: &T) -> Option<Vec<u8>> {
    postcard::to_stdvec(snapshot).ok().filter(|body| body.len() <= MAX_SNAPSHOT)
}

/// The frame of `Update { seq, update }` for a snapshot already encoded: postcard writes an enum
/// as its variant index (a varint) followed by its fields, so the message is a short header
/// followed by the snapshot's own bytes, the same bytes `codec::encode` would produce.
fn snapshot_frame(seq: u64, kind: u32, body: &[u8]) -> Option<Bytes> {
    let mut frame = postcard::to_stdvec(&(UPDATE, seq, kind)).ok()?;
    frame.extend_from_slice(body);
    (frame.len() <= MAX_FRAME).then(|| Bytes::from(frame))
}

/// A keyed hash of an encoded view (the key is random per server, so nobody can aim at it).
fn fingerprint(body: &[u8]) -> u64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    KEY.get_or_init(RandomState::new).hash_one(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Game;

    fn game() -> Game {
        let s = crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses");
        Game::new(s, 3).expect("builds")
    }

    #[test]
    fn a_snapshot_frame_is_the_whole_message_encoded() {
        let view = view::for_seat(&game(), Seat::Troubleshooter(0));
        let body = snapshot_body(&view).expect("fits");
        for seq in [1, 127, 128, 70_000, u64::MAX] {
            let whole = codec::encode(&ServerMsg::Update { seq, update: Update::View(Box::new(view.clone())) });
            assert_eq!(snapshot_frame(seq, VIEW, &body), whole.ok(), "seq {seq}");
        }
        let lobby = LobbyView {
            code: "7K3QM-9XW2A".into(),
            title: "t".into(),
            summary: "s".into(),
            players: Vec::new(),
            limits: Vec::new(),
            chat: Vec::new(),
            npc_customer: true,
        };
        let body = snapshot_body(&lobby).expect("fits");
        let whole = codec::encode(&ServerMsg::Update { seq: 4, update: Update::Lobby(lobby) });
        assert_eq!(snapshot_frame(4, LOBBY, &body), whole.ok());
    }

    #[test]
    fn only_a_changed_view_has_a_new_fingerprint() {
        let mut game = game();
        let before = snapshot_body(&view::for_seat(&game, Seat::Liaison)).expect("fits");
        assert_eq!(fingerprint(&before), fingerprint(&before.clone()));
        game.seat(Seat::Liaison, "Lee");
        let after = snapshot_body(&view::for_seat(&game, Seat::Liaison)).expect("fits");
        assert_ne!(fingerprint(&before), fingerprint(&after));
    }

    #[test]
    fn a_snapshot_too_large_for_a_frame_has_no_body() {
        let huge = vec![0u8; MAX_SNAPSHOT + 1];
        assert!(snapshot_body(&huge).is_none());
        assert!(snapshot_body(&vec![0u8; 100]).is_some());
    }
}
