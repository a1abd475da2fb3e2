//! The break phase at a table (`kombat host --break`): the lobby keeps the customer team's
//! composition (`game::breaking`, pure), changes it only by a customer seat's requests (checked
//! and executed into events that carry their results, then applied), and sends its card table to
//! the customer seats alone: responders hear nothing of it before the debrief.
//!
//! Starting swaps the room's game for the composed incident: the proven composition when a
//! customer sits at the table, else one the scripted customer draws at the room's difficulty from
//! the room's seed (`game::draw`). The composed scenario's RON is the room's scenario text from
//! then on, so its journal records its hash and the room saves it beside the journal
//! (`room`, "the journal file"), where `kombat replay` finds it.
//!
//! In a tournament with swapped sides the room's lobby says which team responds and which breaks
//! here, the table reports how its incident came about (`BreakOrigin`), and only the host starts
//! it, with every other room (`tournament`).

use std::sync::Arc;

use super::{Flow, RoomGone, Table};
use crate::game::Seat;
use crate::game::breaking::{BreakRequest, Breaking, NotYet};
use crate::game::draw::{Request, draw_with};
use crate::game::tournament::BreakOrigin;
use crate::net::protocol::Update;
use crate::room::{RoomConfig, RoomHandle};
use crate::scenario::{Scenario, to_ron};

pub const NO_BREAK_PHASE: &str = "this room has no break phase (the host starts one with `kombat host --break`)";
pub const CUSTOMERS_ONLY: &str = "only the customer team composes the break";
pub const HOST_STARTS_SWAPPED: &str = "this room is a team in a tournament with swapped sides: the host starts \
     every team at once, once every team's break is proven fair";

impl Table {
    /// The room gets a break phase on this baseline and deck (before its game starts).
    pub(super) fn open_break(&mut self, breaking: Breaking) {
        if self.started {
            return;
        }
        self.arm_break(breaking);
        self.lobby_changed();
    }

    /// Sets the lobby up for a break phase (its title, summary and seats), without telling anyone.
    pub(super) fn arm_break(&mut self, breaking: Breaking) {
        let business = breaking.business();
        self.title.clone_from(&business.title);
        let sides = self.team.as_ref().and_then(|t| t.sides.as_ref()).map(|s| format!("\n\n{}", s.lobby_text()));
        self.summary = format!(
            "{}\n\nBreak phase: the customer team is composing the incident; the game starts once it is proven fair.{}",
            business.summary,
            sides.unwrap_or_default()
        );
        self.seats = super::seating::SeatLimits::of_counts(
            business.players.troubleshooters,
            business.players.customers,
            business.players.spectators,
        );
        self.breaking = Some(breaking);
        self.origin = None;
        // The record keeps the break phase.
        self.dirty = true;
    }

    /// A customer seat's request in the lobby; a change to the composition refreshes what the
    /// tournament hears of the room (composing or proven).
    pub(super) fn break_request(&mut self, seat: Seat, request: &BreakRequest) -> Flow {
        if !self.in_lobby(seat) || !self.allow(seat, false) {
            return Flow::Continue;
        }
        let Some(breaking) = &self.breaking else {
            self.notice(seat, NO_BREAK_PHASE);
            return Flow::Continue;
        };
        if !matches!(seat, Seat::Customer(_)) {
            self.notice(seat, CUSTOMERS_ONLY);
            return Flow::Continue;
        }
        match breaking.execute_with(request, &crate::room::proof::SideBySide) {
            Err(e) => self.notice(seat, &e.to_string()),
            Ok(None) => self.push_break(Some(seat)),
            Ok(Some(event)) => {
                if let Some(breaking) = &mut self.breaking {
                    breaking.apply(event);
                }
                // A restart brings the composition back as it is now.
                self.dirty = true;
                self.push_break(None);
                return Flow::Refresh;
            }
        }
        Flow::Continue
    }

    /// Whether the game must wait for the customer team's proof: a break phase whose picks are not
    /// proven fair, with a customer at the table (a room without one draws its break).
    pub(super) fn unproven(&self) -> bool {
        self.breaking.as_ref().is_some_and(|b| b.proven().is_none()) && self.human_customer()
    }

    /// Whether a customer holds a seat at the table (else the scripted customer draws the break).
    fn human_customer(&self) -> bool {
        self.members.iter().any(|(s, m)| matches!(s, Seat::Customer(_)) && m.token.is_some())
    }

    /// How the room's incident came about: in the lobby, whether the break is proven yet; once
    /// started, composed or drawn. None for a room without a break phase.
    pub(super) fn break_origin(&self) -> Option<BreakOrigin> {
        if self.started {
            return self.origin;
        }
        let breaking = self.breaking.as_ref()?;
        Some(if breaking.proven().is_some() { BreakOrigin::Proven } else { BreakOrigin::Composing })
    }

    /// Whether the host may start the game now (the same checks as its start): the reason when not.
    pub(super) fn start_check(&self) -> Result<(), String> {
        if self.started {
            return Err("the game has already started".to_owned());
        }
        if self.waits_for_next() {
            return Err(super::again::WAITS_FOR_NEXT.to_owned());
        }
        if !self.members.iter().any(|(s, m)| !matches!(s, Seat::Spectator(_)) && m.token.is_some()) {
            return Err("nobody has joined the team yet".to_owned());
        }
        if self.unproven() {
            return Err(NotYet::Unproven.words().to_owned());
        }
        Ok(())
    }

    /// Sends the card table to `only` that customer seat, or to every connected one.
    pub(super) fn push_break(&mut self, only: Option<Seat>) {
        let Some(breaking) = &self.breaking else { return };
        if self.started {
            return;
        }
        let view = Box::new(breaking.view());
        let seats: Vec<Seat> = self
            .members
            .iter()
            .filter(|(s, m)| matches!(s, Seat::Customer(_)) && m.outbox.is_some())
            .map(|(s, _)| *s)
            .filter(|s| only.is_none_or(|o| o == *s))
            .collect();
        for seat in seats {
            self.push(seat, Update::Break(view.clone()));
        }
    }

    /// Before the game starts in a room with a break phase: the incident it plays and how it came
    /// about. `Ok(None)` for a room without one; the reason when the game may not start yet.
    pub(super) async fn break_incident(
        &mut self,
    ) -> Result<Result<Option<(Arc<Scenario>, BreakOrigin)>, String>, RoomGone> {
        if self.breaking.is_none() {
            return Ok(Ok(None));
        }
        let human = self.human_customer();
        let Some(breaking) = &self.breaking else { return Ok(Ok(None)) };
        if human {
            let proven = breaking.proven().cloned().map(|s| Some((s, BreakOrigin::Composed)));
            return Ok(proven.ok_or_else(|| NotYet::Unproven.words().to_owned()));
        }
        let difficulty = self.room.inspect(|game| game.difficulty).await?;
        let business = breaking.business().clone();
        let request = Request {
            deck: breaking.deck(),
            baselines: std::slice::from_ref(&business),
            baseline: Some(&business.id),
            cards: &[],
            difficulty,
            seed: self.seed,
        };
        let drawn = draw_with(&request, &crate::room::proof::SideBySide);
        Ok(match drawn {
            Ok(drawn) => Ok(Some((Arc::new(drawn.scenario), BreakOrigin::Drawn))),
            Err(e) => Err(format!("the scripted customer could not draw a fair break: {e}")),
        })
    }

    /// Swaps the room's game for `scenario`'s, in its lobby and at the room's seed and difficulty,
    /// subscribing to the new room before anything happens in it.
    pub(super) async fn install_break(&mut self, scenario: Arc<Scenario>) -> Result<Result<(), String>, RoomGone> {
        let text: Arc<str> = match to_ron(&scenario) {
            Ok(text) => Arc::from(text),
            Err(e) => return Ok(Err(format!("cannot write the composed incident: {e}"))),
        };
        let difficulty = self.room.inspect(|game| game.difficulty).await?;
        let game = match crate::game::Game::new(Arc::clone(&scenario), self.seed) {
            Ok(game) => game.with_difficulty(difficulty),
            Err(e) => return Ok(Err(format!("the composed incident does not build: {e}"))),
        };
        let config = RoomConfig { scenario_text: Arc::clone(&text), ..self.config.clone() };
        let _ = self.room.end().await;
        self.room = RoomHandle::spawn(game, config.clone());
        self.next_events = Some(self.room.subscribe().await?);
        self.config = config;
        self.scenario.clone_from(&scenario.id);
        self.title.clone_from(&scenario.title);
        self.summary.clone_from(&scenario.summary);
        if let Some(keeping) = &mut self.keeping {
            keeping.record.scenario.clone_from(&scenario.id);
            keeping.record.scenario_text = text;
            keeping.saved = false;
        }
        self.breaking = None;
        self.dirty = true;
        tracing::info!(code = %self.code, scenario = %scenario.id, "the break is composed; the game starts on it");
        Ok(Ok(()))
    }

    /// Starts the game, on the composed incident in a room with a break phase (the checks of
    /// who may are the caller's). The reason when it may not start yet.
    pub(super) async fn begin_breaking(&mut self) -> Result<Result<Flow, String>, RoomGone> {
        let (scenario, origin) = match self.break_incident().await? {
            Err(why) => return Ok(Err(why)),
            Ok(None) => return Ok(Ok(self.begin().await?)),
            Ok(Some(incident)) => incident,
        };
        if let Err(why) = self.install_break(scenario).await? {
            return Ok(Err(why));
        }
        self.origin = Some(origin);
        self.begin().await?;
        // The table listens to the new room from now on (`Table::next_events`).
        Ok(Ok(Flow::Renewed))
    }
}
