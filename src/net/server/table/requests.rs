//! What players ask of a table: readiness and chat in the lobby, starting the game, acting
//! (deduplicated by id and rate limited), kicking and leaving.

use tokio::time::Instant;

use super::{Flow, KICKED, MAX_REASON, RoomGone, Table};
use crate::game::breaking::NotYet;
use crate::game::state::ChatLine;
use crate::game::text::sanitize;
use crate::game::{Action, Seat};
use crate::net::protocol::{ClientMsg, ServerMsg, Update};
use crate::room::RoomError;

impl Table {
    pub(super) async fn message(&mut self, seat: Seat, message: ClientMsg) -> Result<Flow, RoomGone> {
        match message {
            ClientMsg::Ready(ready) => {
                // A ready that changes nothing costs its token and sends nothing: every lobby
                // change goes to every member, so it is worth a budget of its own too.
                if self.in_lobby(seat)
                    && self.allow(seat, false)
                    && self.members.get(&seat).is_some_and(|m| m.ready != ready)
                    && self.allow_lobby(seat)
                {
                    if let Some(member) = self.members.get_mut(&seat) {
                        member.ready = ready;
                    }
                    self.lobby_changed();
                }
            }
            ClientMsg::LobbyChat(text) => {
                if self.in_lobby(seat) && self.allow(seat, true) {
                    let text = sanitize(&text);
                    if text.is_empty() {
                        self.notice(seat, "the message is empty");
                    } else {
                        let from = self.members.get(&seat).map(|m| m.name.clone()).unwrap_or_default();
                        self.chat.push_back(ChatLine { turn: 0, second: 0, from, text });
                        while self.chat.len() > self.limits.lobby_chat {
                            self.chat.pop_front();
                        }
                        self.lobby_changed();
                    }
                }
            }
            ClientMsg::Start => return self.start(seat).await,
            ClientMsg::Break(request) => return Ok(self.break_request(seat, &request)),
            ClientMsg::Act { id, action } => return self.act(seat, id, action).await,
            ClientMsg::Kick { seat: target } => {
                if !self.allow(seat, false) {
                    return Ok(Flow::Continue);
                }
                if seat != Seat::GameMaster {
                    self.notice(seat, "only the game master can remove players");
                } else if target == seat {
                    self.notice(seat, "the game master cannot remove themselves; leave instead");
                } else if self.members.get(&target).is_none_or(|m| m.token.is_none()) {
                    self.notice(seat, &format!("nobody sits in the {} seat", target.label()));
                } else {
                    tracing::info!(code = %self.code, ?target, "kicked");
                    self.remove(target, Some(KICKED));
                    self.left_game(target).await?;
                }
            }
            ClientMsg::Move { from, to } => return self.move_player(seat, from, to).await,
            ClientMsg::PlayAgain { next } => return self.play_again(seat, next).await,
            ClientMsg::Leave => {
                super::super::quiet::log(|| tracing::info!(code = %self.code, ?seat, "left"));
                self.remove(seat, None);
                self.left_game(seat).await?;
            }
            // The handler answers these itself.
            ClientMsg::Hello { .. } | ClientMsg::Join { .. } | ClientMsg::Resume { .. } | ClientMsg::Ping { .. } => {}
        }
        Ok(Flow::Continue)
    }

    pub(super) fn in_lobby(&mut self, seat: Seat) -> bool {
        if self.started {
            self.notice(seat, "the game has started: that is for the lobby");
        }
        !self.started
    }

    pub(super) async fn start(&mut self, seat: Seat) -> Result<Flow, RoomGone> {
        if !self.allow(seat, false) {
            return Ok(Flow::Continue);
        }
        if self.started {
            self.notice(seat, "the game has already started");
            return Ok(Flow::Continue);
        }
        if !self.leads(seat) {
            self.notice(
                seat,
                "only the game master starts the game (or the room's creator, when there is no game master)",
            );
            return Ok(Flow::Continue);
        }
        if self.waits_for_next() {
            self.notice(seat, super::again::WAITS_FOR_NEXT);
            return Ok(Flow::Continue);
        }
        if self.team.as_ref().is_some_and(|t| t.sides.is_some()) {
            self.notice(seat, super::breaking::HOST_STARTS_SWAPPED);
            return Ok(Flow::Continue);
        }
        if self.unproven() {
            // Typed: each front end says how to prove a break in its own terms.
            self.send(seat, &ServerMsg::NotYet { reason: NotYet::Unproven });
            return Ok(Flow::Continue);
        }
        match self.begin_breaking().await? {
            Ok(flow) => Ok(flow),
            Err(why) => {
                self.notice(seat, &why);
                Ok(Flow::Continue)
            }
        }
    }

    /// Seats the players in the game and starts it (the checks of who may are the caller's).
    pub(super) async fn begin(&mut self) -> Result<Flow, RoomGone> {
        // Players take their seats in the game only now, so the lobby can change freely.
        let players: Vec<(Seat, String)> = self
            .members
            .iter()
            .filter(|(s, m)| !matches!(s, Seat::Spectator(_)) && m.token.is_some())
            .map(|(s, m)| (*s, m.name.clone()))
            .collect();
        for (seat, name) in players {
            self.room.join(seat, &name).await?;
        }
        self.room.start().await?;
        self.started = true;
        tracing::info!(code = %self.code, players = self.members.len(), "game started");
        Ok(Flow::Refresh)
    }

    pub(super) async fn act(&mut self, seat: Seat, id: u64, action: Action) -> Result<Flow, RoomGone> {
        if let Some(result) = self.members.get(&seat).and_then(|m| m.recent.get(id)).cloned() {
            // Answering from memory is cheap but not free: a resent id spends from the same
            // budget as a new act, so replaying one id is no way around the rate limit.
            if !self.allow(seat, false) {
                let reason = "slow down: too many actions at once; this one was not taken".to_owned();
                self.send(seat, &ServerMsg::Done { id, result: Err(reason) });
                return Ok(Flow::Continue);
            }
            self.send(seat, &ServerMsg::Done { id, result });
            return Ok(Flow::Continue);
        }
        let refusal = if !self.started {
            Some("the game has not started yet")
        } else if matches!(seat, Seat::Spectator(_)) {
            Some("spectators watch the game; they cannot act")
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.send(seat, &ServerMsg::Done { id, result: Err(reason.to_owned()) });
            return Ok(Flow::Continue);
        }
        let chatty = matches!(
            action,
            Action::TeamChat(_)
                | Action::CustomerChat(_)
                | Action::Reply(_)
                | Action::SpeakAsCustomer(_)
                | Action::StatusUpdate { .. }
                | Action::InjectMessage(_)
        );
        if !self.allow(seat, false) || (chatty && !self.allow(seat, true)) {
            let reason = "slow down: too many actions at once; this one was not taken".to_owned();
            self.send(seat, &ServerMsg::Done { id, result: Err(reason) });
            return Ok(Flow::Continue);
        }
        // The game itself cleans and bounds what an action carries, on every path to it.
        // The room journals the id with the action, so a restarted server still knows the answer.
        let result = match self.room.act_tagged(seat, action, Some(id)).await {
            Ok(_) => Ok(()),
            Err(RoomError::Rule(e)) => Err(e.to_string().chars().take(MAX_REASON).collect()),
            Err(e @ (RoomError::Started | RoomError::NoTimer)) => Err(e.to_string()),
            Err(RoomError::Closed) => return Err(RoomGone),
        };
        if let Some(member) = self.members.get_mut(&seat) {
            member.recent.put(id, result.clone());
        }
        self.send(seat, &ServerMsg::Done { id, result });
        Ok(Flow::Continue)
    }

    /// Spends one of the seat's tokens for chat or for other requests; says so when there is none.
    pub(super) fn allow(&mut self, seat: Seat, chat: bool) -> bool {
        let Some(member) = self.members.get_mut(&seat) else { return false };
        let now = Instant::now();
        let ok = if chat { member.chat.take(now) } else { member.acts.take(now) };
        if ok {
            member.strikes = 0;
            return true;
        }
        member.strikes += 1;
        if member.strikes > self.limits.flood {
            tracing::warn!(code = %self.code, ?seat, "dropped for flooding");
            if let Some(outbox) = member.outbox.take() {
                outbox.send(&ServerMsg::Refused { reason: "too many messages; reconnect to go on".to_owned() });
                outbox.close();
            }
            self.lobby_changed();
        } else {
            let what = if chat { "chat" } else { "requests" };
            self.notice(seat, &format!("slow down: too much {what} at once; that was not taken"));
        }
        false
    }

    /// Spends one of the seat's lobby-change tokens (ready toggles); says so when there is none.
    pub(super) fn allow_lobby(&mut self, seat: Seat) -> bool {
        let Some(member) = self.members.get_mut(&seat) else { return false };
        if member.lobby.take(Instant::now()) {
            return true;
        }
        self.notice(seat, "slow down: too many ready changes at once; that was not taken");
        false
    }

    /// Takes `seat` from its player: freed in the lobby (and for spectators), left empty in a
    /// game. With a reason, the player is told they were removed.
    pub(super) fn remove(&mut self, seat: Seat, reason: Option<&str>) {
        if let Some(reason) = reason {
            self.push(seat, Update::Removed { reason: reason.to_owned() });
        }
        let Some(member) = self.members.get_mut(&seat) else { return };
        if let Some(outbox) = member.outbox.take() {
            outbox.close();
        }
        if self.started && !matches!(seat, Seat::Spectator(_)) {
            member.token = None;
            member.ready = false;
            return;
        }
        self.members.remove(&seat);
        self.pass_creator();
        self.lobby_changed();
    }

    /// A player gone for good from a game under way: their seat stops holding up the turn, and
    /// the scripted customer takes over a customer's seat (the room journals it and broadcasts
    /// what it caused, which refreshes everyone's view).
    async fn left_game(&mut self, seat: Seat) -> Result<(), RoomGone> {
        if self.started && !matches!(seat, Seat::Spectator(_)) {
            self.room.leave(seat).await?;
        }
        Ok(())
    }

    /// When the creator is gone, the earliest player still here becomes the creator.
    pub(super) fn pass_creator(&mut self) {
        if self.members.values().any(|m| m.creator) {
            return;
        }
        if let Some(next) = self.members.values_mut().filter(|m| m.token.is_some()).min_by_key(|m| m.order) {
            next.creator = true;
        }
    }
}
