//! The break phase's card table in a hosted room's lobby (`kombat host --break`), as a customer
//! seat holds it: the server's [`BreakView`] (baseline, budget, the hand, the picks, the last
//! verdict) and what the keys chose on it, the row and each card's target. Keys become the same
//! [`BreakRequest`]s line mode's `/pick`, `/drop` and `/prove` send (ARCHITECTURE.md, "One seat
//! path"); the server checks them, and only its next card table changes what shows.

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyEvent;

use super::lobby::{LobbyFocus, LobbyRequest, arrow};
use super::{App, Effect, Overlay, Screen};
use crate::game::breaking::{BreakRequest, BreakView, HandCard, NotYet, Picked};
use crate::tui::action::Action;
use crate::tui::keymap::Key;

/// Why the game may not start yet, in the game screen's terms: the card table's keys for a
/// customer seat that holds it, who must act for anyone else (the server names no keys).
pub fn not_yet_words(reason: NotYet, holds_table: bool) -> &'static str {
    match (reason, holds_table) {
        (NotYet::Unproven, true) => "not proven fair yet: enter picks cards, F2 proves them",
        (NotYet::Unproven, false) => "the customer team has not proven its break fair yet; the game waits for it",
    }
}

/// The customer seat's card table and its selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardTable {
    pub view: BreakView,
    /// The row the keys act on, in [`CardTable::rows`] order: the picks, then the hand.
    pub selected: usize,
    /// The target chosen with ←/→ for a card of the hand, by card id: an index into its targets.
    pub aim: BTreeMap<String, usize>,
    /// A proof was asked for and no verdict (nor refusal) has come back yet.
    pub proving: bool,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardRow<'a> {
    Picked(&'a Picked),
    Hand(&'a HandCard),
}

impl CardRow<'_> {
    pub fn card(&self) -> &str {
        match self {
            CardRow::Picked(p) => &p.card,
            CardRow::Hand(c) => &c.card,
        }
    }
}

impl CardTable {
    pub fn new(view: BreakView) -> CardTable {
        CardTable { view, selected: 0, aim: BTreeMap::new(), proving: false }
    }

    /// The picks first, then the hand, as the table lists them.
    pub fn rows(&self) -> Vec<CardRow<'_>> {
        self.view.picks.iter().map(CardRow::Picked).chain(self.view.hand.iter().map(CardRow::Hand)).collect()
    }

    pub fn selected_row(&self) -> Option<CardRow<'_>> {
        self.rows().get(self.selected).copied()
    }

    /// The server's new table: the selection follows its card (a card just picked moves from the
    /// hand to the picks), a target chosen stays chosen while it is still free.
    pub fn update(&mut self, view: BreakView) {
        let card = self.selected_row().map(|r| r.card().to_owned());
        let aimed: BTreeMap<String, String> =
            self.view.hand.iter().filter_map(|c| Some((c.card.clone(), self.target_of(c)?.to_owned()))).collect();
        self.view = view;
        self.proving = false;
        self.aim = self
            .view
            .hand
            .iter()
            .filter_map(|c| {
                let target = aimed.get(&c.card)?;
                Some((c.card.clone(), c.targets.iter().position(|t| t == target)?))
            })
            .collect();
        let rows = self.rows();
        self.selected = card
            .and_then(|card| rows.iter().position(|r| r.card() == card))
            .unwrap_or(self.selected)
            .min(rows.len().saturating_sub(1));
    }

    /// Which of a card's targets it would be played on: the one chosen, else its first.
    pub fn aim_of(&self, card: &HandCard) -> usize {
        self.aim.get(&card.card).copied().filter(|at| *at < card.targets.len()).unwrap_or(0)
    }

    /// The target a card of the hand would be played on: the one chosen, else its first.
    pub fn target_of<'a>(&self, card: &'a HandCard) -> Option<&'a str> {
        card.targets.get(self.aim_of(card)).map(String::as_str)
    }

    /// Moves the selection up or down a row.
    pub fn step(&mut self, down: bool) {
        let last = self.rows().len().saturating_sub(1);
        self.selected = if down { (self.selected + 1).min(last) } else { self.selected.saturating_sub(1) };
    }

    /// Aims the selected card of the hand at its next (or previous) free target; false when the
    /// selection is not a card of the hand with a choice of targets.
    pub fn cycle_target(&mut self, forward: bool) -> bool {
        let Some(CardRow::Hand(card)) = self.selected_row() else { return false };
        let count = card.targets.len();
        if count < 2 {
            return false;
        }
        let (id, at) = (card.card.clone(), self.aim_of(card));
        let next = if forward { (at + 1) % count } else { at.checked_sub(1).unwrap_or(count - 1) };
        self.aim.insert(id, next);
        true
    }

    /// What Enter asks on the selected row: to play a card of the hand on its target, or to take
    /// a picked card back.
    pub fn toggle(&self) -> Option<BreakRequest> {
        match self.selected_row()? {
            CardRow::Picked(p) => Some(BreakRequest::Drop(p.card.clone())),
            CardRow::Hand(c) => {
                Some(BreakRequest::Pick { card: c.card.clone(), target: self.target_of(c).map(str::to_owned) })
            }
        }
    }

    /// The request to prove the picks; none while nothing is picked (the reason, then).
    pub fn prove(&mut self) -> Result<BreakRequest, &'static str> {
        if self.view.picks.is_empty() {
            return Err("pick at least one card before proving");
        }
        self.proving = true;
        Ok(BreakRequest::Prove)
    }

    /// The budget spent so far.
    pub fn spent(&self) -> u32 {
        self.view.budget.saturating_sub(self.view.left)
    }
}

/// A key in a lobby with a card table: Tab moves between the table and the chat prompt; while
/// the table has the keys, ↑/↓ choose a card, ←/→ its target, Enter (or space) picks or drops it,
/// and nothing types. The prove key works from either. None: the lobby's own keys handle it.
pub(super) fn lobby_key(app: &mut App, event: &KeyEvent, actions: &[Action]) -> Option<Vec<Effect>> {
    let Screen::Lobby(lobby) = &mut app.screen else { return None };
    let table = lobby.break_table.as_mut()?;
    let has = |a: Action| actions.contains(&a);
    let printable = Key::from_event(event).and_then(Key::printable);
    // A prove key that types (a user's keymap may bind one) types at the chat prompt.
    if has(Action::Prove) && (lobby.focus == LobbyFocus::Cards || printable.is_none()) {
        return Some(match table.prove() {
            Ok(request) => vec![Effect::Lobby(LobbyRequest::Break(request))],
            Err(why) => {
                app.show(why, true);
                Vec::new()
            }
        });
    }
    // Tab: the keys Complete, NextSeat and NextPane share.
    if has(Action::NextPane) || has(Action::Complete) || has(Action::NextSeat) {
        lobby.focus = match lobby.focus {
            LobbyFocus::Cards => LobbyFocus::Chat,
            LobbyFocus::Chat => LobbyFocus::Cards,
        };
        return Some(Vec::new());
    }
    if lobby.focus != LobbyFocus::Cards {
        return None;
    }
    if let Some(forward) = arrow(event) {
        table.cycle_target(forward);
        return Some(Vec::new());
    }
    if has(Action::PickCard) {
        return Some(table.toggle().map(|r| vec![Effect::Lobby(LobbyRequest::Break(r))]).unwrap_or_default());
    }
    if has(Action::Up) || has(Action::Down) {
        table.step(has(Action::Down));
        return Some(Vec::new());
    }
    if has(Action::Help) {
        app.overlay = Some(Overlay::Help);
        return Some(Vec::new());
    }
    // Other printable keys would type; at the table they do nothing (Tab goes to the chat).
    printable.map(|_| Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::breaking::Fairness;

    fn hand(card: &str, cost: u32, targets: &[&str]) -> HandCard {
        HandCard {
            card: card.to_owned(),
            title: format!("{card} title"),
            cost,
            targets: targets.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    fn view(picks: Vec<Picked>, hand: Vec<HandCard>) -> BreakView {
        let spent: u32 = picks.iter().map(|p| p.cost).sum();
        BreakView {
            baseline: "shop".to_owned(),
            baseline_title: "A shop".to_owned(),
            budget: 4,
            left: 4 - spent,
            hand,
            picks,
            fairness: None,
        }
    }

    fn picked(card: &str, cost: u32, target: &str) -> Picked {
        Picked { card: card.to_owned(), title: format!("{card} title"), cost, target: target.to_owned() }
    }

    #[test]
    fn enter_picks_the_selected_card_on_the_target_chosen_and_drops_a_pick() {
        let mut table =
            CardTable::new(view(vec![], vec![hand("a", 1, &["x/n/1", "x/n/2", "x/n/3"]), hand("b", 2, &[])]));
        assert_eq!(table.toggle(), Some(BreakRequest::Pick { card: "a".into(), target: Some("x/n/1".into()) }));
        assert!(table.cycle_target(false), "left wraps to the last target");
        assert_eq!(table.toggle(), Some(BreakRequest::Pick { card: "a".into(), target: Some("x/n/3".into()) }));
        table.step(true);
        assert!(!table.cycle_target(true), "b has no targets to cycle");
        assert_eq!(table.toggle(), Some(BreakRequest::Pick { card: "b".into(), target: None }));
        table.step(true);
        assert_eq!(table.selected, 1, "the last row is the last");

        // The server took the pick of `a`: the selection follows it into the picks.
        table.step(false);
        table.update(view(vec![picked("a", 1, "x/n/3")], vec![hand("b", 2, &["x/n/1"])]));
        assert_eq!(table.selected, 0);
        assert_eq!(table.toggle(), Some(BreakRequest::Drop("a".into())));
    }

    #[test]
    fn a_chosen_target_stays_while_it_is_free_and_proving_needs_a_pick() {
        let mut table = CardTable::new(view(vec![], vec![hand("a", 1, &["x/n/1", "x/n/2"]), hand("b", 1, &["x/n/2"])]));
        table.cycle_target(true);
        assert_eq!(table.prove(), Err("pick at least one card before proving"));
        assert!(!table.proving);
        // Another customer picked b on x/n/1's neighbour: a's choice is still free.
        table.update(view(vec![picked("b", 1, "x/n/9")], vec![hand("a", 1, &["x/n/0", "x/n/2"])]));
        let Some(CardRow::Hand(a)) = table.rows().get(1).copied() else { panic!("a is in the hand") };
        assert_eq!(table.target_of(a), Some("x/n/2"));
        assert_eq!(table.spent(), 1);
        assert_eq!(table.prove(), Ok(BreakRequest::Prove));
        assert!(table.proving);
        let mut proven = view(vec![picked("b", 1, "x/n/9")], vec![]);
        proven.fairness = Some(Fairness::Fair);
        table.update(proven);
        assert!(!table.proving, "the verdict came back");
        assert_eq!(table.selected, 0, "the selection stays in the table");
    }
}
