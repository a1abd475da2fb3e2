//! What the game master does with the table itself, rather than with the game: move or swap
//! players between seats (in the lobby, or during the game, where the game hears who now sits
//! where: `Game::reseat`, `Game::leave`), and play again in the same room once a game is over (a
//! new game of the same scenario or the next built-in one, with a new seed, every player keeping
//! their seat and going back to the lobby without reconnecting).

use std::sync::Arc;

use super::seating::{self, SeatLimits};
use super::{Flow, RoomGone, Table};
use crate::game::{Game, Seat};
use crate::net::protocol::{RoleWish, Update};
use crate::net::server::code;
use crate::net::server::tournament::Incident;
use crate::room::{RoomConfig, RoomHandle};
use crate::scenario::Scenario;

pub const IN_A_TOURNAMENT: &str =
    "this room is a team in a tournament: the host starts the next round for every team at once";
/// A team's room that came back after a restart once its game of the round was over
/// (`tournament::WAITING`) plays again only in the next round.
pub const WAITS_FOR_NEXT: &str =
    "this team's game of the round is over: the host's `next` starts the next round for every team";
pub const NOT_OVER: &str = "the game is not over yet: play again once it has ended";
pub const ONLY_THE_LEAD: &str = "only the game master does that (or the room's creator, when there is no game master)";

impl Table {
    /// Whether the room waits for its tournament's next round (see [`WAITS_FOR_NEXT`]).
    pub(super) fn waits_for_next(&self) -> bool {
        self.team.as_ref().is_some_and(|t| t.round == crate::net::server::tournament::WAITING)
    }

    /// Whether `seat` leads the table: the game master, or the room's creator without one.
    pub(super) fn leads(&self, seat: Seat) -> bool {
        seat == Seat::GameMaster
            || (!self.members.contains_key(&Seat::GameMaster) && self.members.get(&seat).is_some_and(|m| m.creator))
    }

    /// The seat whose player's connection is `conn` (its latest one), if they still hold it.
    pub(super) fn seat_of(&self, conn: u64) -> Option<Seat> {
        self.members.iter().find(|(_, m)| m.conn == conn && m.token.is_some()).map(|(s, _)| *s)
    }

    /// Moves the player in `from` to `to`, swapping with whoever sits there.
    pub(super) async fn move_player(&mut self, by: Seat, from: Seat, to: Seat) -> Result<Flow, RoomGone> {
        if !self.allow(by, false) {
            return Ok(Flow::Continue);
        }
        if let Err(reason) = self.check_move(by, from, to) {
            self.notice(by, &reason);
            return Ok(Flow::Continue);
        }
        let Some(mover) = self.members.remove(&from) else { return Ok(Flow::Continue) };
        // A seat left empty during the game keeps a member without a token: nobody is there.
        let other = self.members.remove(&to).filter(|m| m.token.is_some());
        let (mover_name, other_name) = (mover.name.clone(), other.as_ref().map(|m| m.name.clone()));
        self.members.insert(to, mover);
        if let Some(other) = other {
            self.members.insert(from, other);
        }
        tracing::info!(code = %self.code, ?from, ?to, swapped = other_name.is_some(), "moved");
        if self.started {
            // The new seat first: the old one emptied cannot end a turn the new one still holds.
            if !matches!(to, Seat::Spectator(_)) {
                self.room.reseat(to, &mover_name).await?;
            }
            if !matches!(from, Seat::Spectator(_)) {
                match &other_name {
                    Some(name) => {
                        self.room.reseat(from, name).await?;
                    }
                    None => {
                        self.room.leave(from).await?;
                    }
                }
            }
        }
        self.push(to, Update::Moved { seat: to });
        if other_name.is_some() {
            self.push(from, Update::Moved { seat: from });
        }
        if self.started {
            self.refresh(Some(to)).await?;
            if other_name.is_some() {
                self.refresh(Some(from)).await?;
            }
        } else {
            self.lobby_changed();
        }
        Ok(Flow::Continue)
    }

    fn check_move(&self, by: Seat, from: Seat, to: Seat) -> Result<(), String> {
        if !self.leads(by) {
            return Err(ONLY_THE_LEAD.to_owned());
        }
        if from == to {
            return Err(format!("the player is already in the {} seat", to.label()));
        }
        if from == Seat::GameMaster || to == Seat::GameMaster {
            return Err("the game master's seat stays with the game master".to_owned());
        }
        if self.members.get(&from).is_none_or(|m| m.token.is_none()) {
            return Err(format!("nobody sits in the {} seat", from.label()));
        }
        if !fits(to, self.seats) {
            return Err(format!("this room has no {} seat", to.label()));
        }
        Ok(())
    }

    /// A new game in this room once the last one is over: the same scenario, or the next one in
    /// the built-in library (`next`), with a new seed. Players keep their seats (those the new
    /// scenario has no room for are seated again as the lobby would seat them) and go back to
    /// the lobby; players who left the last game are gone.
    pub(super) async fn play_again(&mut self, by: Seat, next: bool) -> Result<Flow, RoomGone> {
        if !self.allow(by, false) {
            return Ok(Flow::Continue);
        }
        if !self.leads(by) {
            self.notice(by, ONLY_THE_LEAD);
            return Ok(Flow::Continue);
        }
        if !self.ended {
            self.notice(by, NOT_OVER);
            return Ok(Flow::Continue);
        }
        if self.team.is_some() {
            // Every team plays the same incident: the host starts the next round for all.
            self.notice(by, IN_A_TOURNAMENT);
            return Ok(Flow::Continue);
        }
        let (current, difficulty) =
            self.room.inspect(|game| (Arc::clone(&game.world.scenario), game.difficulty)).await?;
        let (scenario, text) = if next {
            match next_builtin(&current.id) {
                Ok(pair) => pair,
                Err(reason) => {
                    self.notice(by, &reason);
                    return Ok(Flow::Continue);
                }
            }
        } else {
            (current, Arc::clone(&self.config.scenario_text))
        };
        let Ok(seed) = code::random_seed() else {
            self.notice(by, "the server cannot seed a new game right now; try again");
            return Ok(Flow::Continue);
        };
        match self.renew(Incident { scenario, text, seed, difficulty }, None).await {
            Ok(flow) => Ok(flow),
            Err(reason) => {
                self.notice(by, &reason);
                Ok(Flow::Continue)
            }
        }
    }

    /// A new game of `incident` in this room (play again, or a tournament's next round), behind
    /// a new break phase on `breaking` if given: players keep their seats (those the new scenario,
    /// or the break's baseline, has no room for are seated again as the lobby would seat them) and
    /// go back to the lobby; players who left the last game are gone.
    pub(super) async fn renew(
        &mut self,
        incident: Incident,
        breaking: Option<crate::game::breaking::Breaking>,
    ) -> Result<Flow, String> {
        let Incident { scenario, text, seed, difficulty } = incident;
        let game = match Game::new(Arc::clone(&scenario), seed) {
            Ok(game) => game.with_difficulty(difficulty),
            Err(e) => {
                tracing::warn!(code = %self.code, "cannot build the next game: {e}");
                return Err(format!("the scenario {} does not build: {e}", scenario.id));
            }
        };
        let config = RoomConfig { seed, scenario_text: Arc::clone(&text), ..self.config.clone() };
        let _ = self.room.end().await;
        self.room = RoomHandle::spawn(game, config.clone());
        self.config = config;
        self.title.clone_from(&scenario.title);
        self.summary.clone_from(&scenario.summary);
        self.seats = SeatLimits::of(&scenario);
        self.started = false;
        self.ended = false;
        self.breaking = None;
        self.origin = None;
        if let Some(breaking) = breaking {
            // Before the misfits are seated again: the break's baseline decides the seats.
            self.arm_break(breaking);
        }
        // The last game's end and whom its postmortem reached (`Table::finish`) are not this one's.
        self.scenario.clone_from(&scenario.id);
        self.seed = seed;
        self.finished = None;
        self.delivered.clear();
        self.fresh.clear();
        self.members.retain(|_, m| m.token.is_some());
        for member in self.members.values_mut() {
            member.ready = false;
        }
        self.reseat_misfits();
        self.pass_creator();
        if let Some(keeping) = &mut self.keeping {
            keeping.record.scenario.clone_from(&scenario.id);
            keeping.record.scenario_text = text;
            keeping.record.seed = seed;
            keeping.record.difficulty = difficulty;
            keeping.saved = false;
        }
        self.dirty = true;
        tracing::info!(code = %self.code, scenario = %scenario.id, seed, "playing again");
        self.lobby_changed();
        Ok(Flow::Renewed)
    }

    /// Players in seats the room's scenario no longer has take the seat the lobby would give
    /// them (the same role first), and hear where they are now.
    fn reseat_misfits(&mut self) {
        let misfits: Vec<Seat> = self.members.keys().copied().filter(|s| !fits(*s, self.seats)).collect();
        for seat in misfits {
            let Some(member) = self.members.remove(&seat) else { continue };
            let wish = RoleWish::of_seat(seat);
            let to = seating::choose(&self.members, self.seats, wish, false)
                .or_else(|_| seating::choose(&self.members, self.seats, RoleWish::Any, false));
            if let Ok(to) = to {
                self.members.insert(to, member);
                self.push(to, Update::Moved { seat: to });
            } else {
                // No seat at all is left: the player is told, and goes.
                self.members.insert(seat, member);
                self.remove(seat, Some("the next scenario has no seat left for you"));
            }
        }
    }
}

/// Whether the room has `seat` at all, by its scenario's limits.
fn fits(seat: Seat, limits: SeatLimits) -> bool {
    match seat {
        Seat::Liaison | Seat::GameMaster => true,
        Seat::Troubleshooter(n) => n < limits.troubleshooters,
        Seat::Customer(n) => n < limits.customers,
        Seat::Spectator(n) => n < limits.spectators,
    }
}

/// The built-in scenario after `id` in the library (the first one after the last, or after a
/// scenario that is not built in), parsed and valid, with its text.
fn next_builtin(id: &str) -> Result<(Arc<Scenario>, Arc<str>), String> {
    let library: Vec<(&str, &str)> = crate::scenario::builtin_sources().collect();
    let at = library.iter().position(|(i, _)| *i == id).map_or(0, |p| p + 1);
    let Some((next, text)) = library.get(at % library.len().max(1)).copied() else {
        return Err("the scenario library is empty".to_owned());
    };
    let scenario = crate::scenario::parse(&format!("{next}.ron"), text)
        .map_err(|e| format!("the next scenario ({next}) does not load: {e}"))?;
    if let Some(problem) = crate::scenario::validate(&scenario).first() {
        return Err(format!("the next scenario ({next}) is invalid: {problem}"));
    }
    Ok((Arc::new(scenario), Arc::from(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_scenario_follows_in_the_library_and_wraps() {
        let ids: Vec<&str> = crate::scenario::builtin_sources().map(|(id, _)| id).collect();
        let (second, _) = next_builtin(ids[0]).expect("the second loads");
        assert_eq!(second.id, ids[1 % ids.len()]);
        let (first, _) = next_builtin(ids[ids.len() - 1]).expect("wraps");
        assert_eq!(first.id, ids[0]);
        let (from_elsewhere, _) = next_builtin("not-built-in").expect("the first");
        assert_eq!(from_elsewhere.id, ids[0]);
    }

    #[test]
    fn only_seats_the_scenario_has_fit() {
        let limits = SeatLimits { troubleshooters: 2, customers: 0, spectators: 3 };
        assert!(fits(Seat::Troubleshooter(1), limits));
        assert!(!fits(Seat::Troubleshooter(2), limits));
        assert!(!fits(Seat::Customer(0), limits));
        assert!(fits(Seat::Spectator(2), limits));
        assert!(!fits(Seat::Spectator(3), limits));
    }
}
