//! The break phase of a hosted game (`kombat host --break`): in the lobby, the customer team
//! composes the incident on a baseline, within the budget its difficulty sets
//! (`draw::budget`), and gets each composition proven fair before the game may start.
//!
//! A request goes the way an action does (ARCHITECTURE.md, "Events carry results"):
//! [`Breaking::execute`] checks it and works out its [`BreakEvent`], which carries the result
//! (the proof runs there, once: compose + prove are pure and seeded, so the same picks always
//! get the same verdict), and [`Breaking::apply`] only folds the event. What the customer team
//! sees of it is [`Breaking::view`]; responders get nothing of it (the table sends it to customer
//! seats only) until the debrief, whose postmortem tells the composed incident's story.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Difficulty;
use super::draw::budget;
use super::prove::{InTurn, Runner};
use crate::scenario::Baseline;
use crate::scenario::card::targets;
use crate::scenario::cause::ObjectRef;
use crate::scenario::{Business, CardTemplate, Pick, Scenario, compose, validate};

/// What a customer seat asks of the break phase (the line mode's `/cards`, `/pick`, `/drop`,
/// `/budget`, `/prove`; the reads only ask for a fresh [`BreakView`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakRequest {
    /// Send the card table again.
    Show,
    /// Play `card` on `target` (`KIND/NAMESPACE/NAME`); none takes its first free target.
    Pick { card: String, target: Option<String> },
    /// Take `card` back.
    Drop(String),
    /// Compose the picks and prove the incident fair.
    Prove,
}

/// Why a request changed nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BreakError {
    #[error("no card named {0:?} (type /cards for the hand)")]
    UnknownCard(String),
    #[error("{target} is not a target of {card} on this baseline (its targets: {valid})")]
    NotATarget { card: String, target: String, valid: String },
    #[error("{card} has no free target left on this baseline")]
    NoFreeTarget { card: String },
    #[error("{target} already takes a card: one object takes one card")]
    TargetTaken { target: String },
    #[error("{card} costs {cost} and {left} of the budget is left")]
    OverBudget { card: String, cost: u32, left: u32 },
    #[error("{0} is already picked (drop it first to aim it elsewhere)")]
    AlreadyPicked(String),
    #[error("{0} is not picked")]
    NotPicked(String),
    #[error("pick at least one card before proving (type /cards)")]
    NothingPicked,
}

/// Why a room with a break phase may not start yet, as the server tells the player who asked. It
/// is typed, not worded, because each front end says how to get past it in its own terms (line
/// mode's `/pick` and `/prove`, the game screen's keys); [`NotYet::words`] is the plain sentence
/// for the host's console and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotYet {
    /// A customer sits at the table and its composition is not proven fair.
    Unproven,
}

impl NotYet {
    /// The reason in words that name no front end's commands or keys.
    pub fn words(self) -> &'static str {
        match self {
            NotYet::Unproven => {
                "the customer team's break is not proven fair yet: it picks its cards and proves them first"
            }
        }
    }
}

/// A card played, as the customer team's table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picked {
    pub card: String,
    pub title: String,
    pub cost: u32,
    pub target: String,
}

/// The proof's verdict on the composition as it stood, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fairness {
    /// Every check of the proof passed: the game may start.
    Fair,
    /// A break nobody could find: the customer never gives the key clue away when asked.
    Unfindable(String),
    /// A break that cannot be fixed: its fix does not win the game.
    Unfixable(String),
    /// A break that wins by itself: the game is won at the start or by waiting.
    WinsByItself(String),
    /// A break a wrong fix also mends: it can be fixed without finding it.
    FixedByGuessing(String),
    /// The composition does not make a valid scenario (two cards fighting over an object).
    Broken(String),
}

impl Fairness {
    pub fn is_fair(&self) -> bool {
        matches!(self, Fairness::Fair)
    }

    /// The verdict in plain words, and the proof's detail.
    pub fn words(&self) -> String {
        match self {
            Fairness::Fair => "proven fair: the game may start".to_owned(),
            Fairness::Unfindable(d) => format!("unfair, a break nobody could find ({d})"),
            Fairness::Unfixable(d) => format!("unfair, a break that cannot be fixed ({d})"),
            Fairness::WinsByItself(d) => format!("unfair, a break that wins by itself ({d})"),
            Fairness::FixedByGuessing(d) => format!("unfair, a wrong fix also mends it ({d})"),
            Fairness::Broken(d) => format!("unfair, the cards do not compose ({d})"),
        }
    }

    /// The verdict of the proof `game::prove` gave, by the first step that failed.
    fn of_proof(proof: &super::Proof) -> Fairness {
        let Some(step) = proof.steps.iter().find(|s| !s.passed) else { return Fairness::Fair };
        let detail = format!("{}: {}", step.name, step.detail);
        match step.name.as_str() {
            "not won at start" | "not won by waiting" => Fairness::WinsByItself(detail),
            "won by the reference solution" => Fairness::Unfixable(detail),
            n if n.starts_with("not won by wrong fix") => Fairness::FixedByGuessing(detail),
            "builds" | super::prove::GAME_CONTENT | "ignoring the customer leads to a mishap" => {
                Fairness::Broken(detail)
            }
            _ => Fairness::Unfindable(detail),
        }
    }
}

/// What the break phase did: each event carries its result.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakEvent {
    Picked(Picked),
    Dropped {
        card: String,
    },
    /// The proof ran on the picks as they are; the scenario is there when it was found fair.
    Proven {
        fairness: Fairness,
        scenario: Option<Arc<Scenario>>,
    },
}

/// One row of the hand: a card the team may still afford (or has picked), what it costs and
/// where it can go on this baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandCard {
    pub card: String,
    pub title: String,
    pub cost: u32,
    /// Its valid targets on this baseline, free ones only.
    pub targets: Vec<String>,
}

/// The customer team's card table (sent only to customer seats).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakView {
    pub baseline: String,
    pub baseline_title: String,
    pub budget: u32,
    pub left: u32,
    /// The cards affordable with what is left that have a free target, in deck order.
    pub hand: Vec<HandCard>,
    pub picks: Vec<Picked>,
    /// The proof's verdict on the current picks; none since the last change.
    pub fairness: Option<Fairness>,
}

/// The break phase's state: the baseline, the deck, and the composition so far.
#[derive(Clone, Debug)]
pub struct Breaking {
    deck: Arc<Vec<CardTemplate>>,
    business: Arc<Business>,
    cluster: Baseline,
    budget: u32,
    seed: u64,
    picks: Vec<(String, ObjectRef)>,
    fairness: Option<Fairness>,
    proven: Option<Arc<Scenario>>,
}

impl Breaking {
    /// A break phase on `business` with `deck`, its budget by `difficulty`; `seed` is the room's
    /// (the composer draws the faults' minutes from it, the proof runs with it).
    pub fn new(
        deck: Arc<Vec<CardTemplate>>,
        business: Arc<Business>,
        difficulty: Difficulty,
        seed: u64,
    ) -> Result<Breaking, String> {
        let cluster = business.cluster().map_err(|e| e.to_string())?;
        Ok(Breaking {
            deck,
            business,
            cluster,
            budget: budget(difficulty),
            seed,
            picks: Vec::new(),
            fairness: None,
            proven: None,
        })
    }

    /// The cards the team may play.
    pub fn deck(&self) -> &[CardTemplate] {
        &self.deck
    }

    pub fn business(&self) -> &Business {
        &self.business
    }

    /// The scenario the current picks were proven fair as; none before a passing proof or
    /// since the picks changed.
    pub fn proven(&self) -> Option<&Arc<Scenario>> {
        self.proven.as_ref()
    }

    /// The id the composed scenario takes.
    pub fn scenario_id(&self) -> String {
        format!("break-{}-{}", self.business.id, self.seed)
    }

    fn card(&self, id: &str) -> Option<&CardTemplate> {
        self.deck.iter().find(|c| c.head.id == id)
    }

    fn spent(&self) -> u32 {
        self.picks.iter().filter_map(|(id, _)| self.card(id)).map(|c| c.head.cost).sum()
    }

    /// The card's targets on this baseline that no pick takes yet.
    fn free_targets(&self, card: &CardTemplate) -> Vec<ObjectRef> {
        targets(&card.head, &self.cluster)
            .into_iter()
            .map(|b| b.target)
            .filter(|t| !self.picks.iter().any(|(_, taken)| taken == t))
            .collect()
    }

    /// Checks `request` and works out its event (none for a request that only reads), a proof's
    /// checks one after the other.
    pub fn execute(&self, request: &BreakRequest) -> Result<Option<BreakEvent>, BreakError> {
        self.execute_with(request, &InTurn)
    }

    /// [`Self::execute`], with a proof's checks run by `runner` (the same verdict either way).
    pub fn execute_with(&self, request: &BreakRequest, runner: &dyn Runner) -> Result<Option<BreakEvent>, BreakError> {
        match request {
            BreakRequest::Show => Ok(None),
            BreakRequest::Pick { card, target } => {
                let template = self.card(card).ok_or_else(|| BreakError::UnknownCard(card.clone()))?;
                if self.picks.iter().any(|(id, _)| id == card) {
                    return Err(BreakError::AlreadyPicked(card.clone()));
                }
                let left = self.budget.saturating_sub(self.spent());
                if template.head.cost > left {
                    return Err(BreakError::OverBudget { card: card.clone(), cost: template.head.cost, left });
                }
                let target = match target {
                    None => self
                        .free_targets(template)
                        .into_iter()
                        .next()
                        .ok_or_else(|| BreakError::NoFreeTarget { card: card.clone() })?,
                    Some(text) => {
                        let all: Vec<ObjectRef> =
                            targets(&template.head, &self.cluster).into_iter().map(|b| b.target).collect();
                        let wanted = ObjectRef::parse(text).ok().and_then(|r| all.iter().find(|t| **t == r).cloned());
                        let Some(wanted) = wanted else {
                            let valid: Vec<String> = all.iter().map(ToString::to_string).collect();
                            return Err(BreakError::NotATarget {
                                card: card.clone(),
                                target: crate::game::text::sanitize(text),
                                valid: if valid.is_empty() { "none".to_owned() } else { valid.join(", ") },
                            });
                        };
                        if self.picks.iter().any(|(_, taken)| *taken == wanted) {
                            return Err(BreakError::TargetTaken { target: wanted.to_string() });
                        }
                        wanted
                    }
                };
                Ok(Some(BreakEvent::Picked(Picked {
                    card: card.clone(),
                    title: template.head.title.clone(),
                    cost: template.head.cost,
                    target: target.to_string(),
                })))
            }
            BreakRequest::Drop(card) => {
                if !self.picks.iter().any(|(id, _)| id == card) {
                    return Err(BreakError::NotPicked(crate::game::text::sanitize(card)));
                }
                Ok(Some(BreakEvent::Dropped { card: card.clone() }))
            }
            BreakRequest::Prove => {
                if self.picks.is_empty() {
                    return Err(BreakError::NothingPicked);
                }
                let (fairness, scenario) = self.prove(runner);
                Ok(Some(BreakEvent::Proven { fairness, scenario: scenario.map(Arc::new) }))
            }
        }
    }

    /// Composes the picks and runs the proof: validation, then every step of `game::prove`.
    fn prove(&self, runner: &dyn Runner) -> (Fairness, Option<Scenario>) {
        let mut chosen = Vec::new();
        for (id, target) in &self.picks {
            match self.card(id) {
                Some(card) => chosen.push(Pick { card, target }),
                None => return (Fairness::Broken(format!("no card {id}")), None),
            }
        }
        let scenario = match compose(&self.business, &chosen, self.seed, &self.scenario_id()) {
            Ok(s) => s,
            Err(e) => return (Fairness::Broken(e.to_string()), None),
        };
        if let Some(problem) = validate(&scenario).first() {
            return (Fairness::Broken(problem.to_string()), None);
        }
        let fairness = Fairness::of_proof(&super::prove::prove_with(&scenario, self.seed, runner));
        let fair = fairness.is_fair();
        (fairness, fair.then_some(scenario))
    }

    /// Folds an event in; decides nothing.
    pub fn apply(&mut self, event: BreakEvent) {
        match event {
            BreakEvent::Picked(picked) => {
                if let Ok(target) = ObjectRef::parse(&picked.target) {
                    self.picks.push((picked.card, target));
                }
                self.fairness = None;
                self.proven = None;
            }
            BreakEvent::Dropped { card } => {
                self.picks.retain(|(id, _)| *id != card);
                self.fairness = None;
                self.proven = None;
            }
            BreakEvent::Proven { fairness, scenario } => {
                self.fairness = Some(fairness);
                self.proven = scenario;
            }
        }
    }

    /// The composition as it stands: each pick's card and target (`KIND/NAMESPACE/NAME`), in
    /// the order picked, and the proof's verdict on them (none since the last change). What a
    /// room's record keeps of its break phase across a restart.
    pub fn composition(&self) -> (Vec<(String, String)>, Option<&Fairness>) {
        let picks = self.picks.iter().map(|(card, target)| (card.clone(), target.to_string())).collect();
        (picks, self.fairness.as_ref())
    }

    /// Brings a composition kept across a restart back: each pick goes through the same checks
    /// and events as a customer's (a card or target the deck or baseline no longer has is refused
    /// and left out), and a composition that had been proven is proven again, so the verdict and
    /// the composed incident are this code's own, never a file's. The requests refused.
    pub fn restore(&mut self, picks: &[(String, String)], proven: bool) -> Vec<BreakError> {
        let mut refused = Vec::new();
        for (card, target) in picks {
            let request = BreakRequest::Pick { card: card.clone(), target: Some(target.clone()) };
            match self.execute(&request) {
                Ok(Some(event)) => self.apply(event),
                Ok(None) => {}
                Err(e) => refused.push(e),
            }
        }
        if proven {
            match self.execute(&BreakRequest::Prove) {
                Ok(Some(event)) => self.apply(event),
                Ok(None) => {}
                Err(e) => refused.push(e),
            }
        }
        refused
    }

    /// The card table the customer team sees.
    pub fn view(&self) -> BreakView {
        let left = self.budget.saturating_sub(self.spent());
        let hand = self
            .deck
            .iter()
            .filter(|c| c.head.cost <= left && !self.picks.iter().any(|(id, _)| *id == c.head.id))
            .filter_map(|c| {
                let free = self.free_targets(c);
                (!free.is_empty()).then(|| HandCard {
                    card: c.head.id.clone(),
                    title: c.head.title.clone(),
                    cost: c.head.cost,
                    targets: free.iter().map(ToString::to_string).collect(),
                })
            })
            .collect();
        let picks = self
            .picks
            .iter()
            .filter_map(|(id, target)| {
                let card = self.card(id)?;
                Some(Picked {
                    card: id.clone(),
                    title: card.head.title.clone(),
                    cost: card.head.cost,
                    target: target.to_string(),
                })
            })
            .collect();
        BreakView {
            baseline: self.business.id.clone(),
            baseline_title: self.business.title.clone(),
            budget: self.budget,
            left,
            hand,
            picks,
            fairness: self.fairness.clone(),
        }
    }
}

/// The card table as lines of text (the line mode's `/cards` and `/budget`).
pub fn table_lines(view: &BreakView, with_hand: bool) -> Vec<String> {
    let mut out = vec![format!(
        "[break] baseline {} ({}); budget {} of {} left",
        view.baseline, view.baseline_title, view.left, view.budget
    )];
    if view.picks.is_empty() {
        out.push("[break] no cards picked yet".to_owned());
    }
    for p in &view.picks {
        out.push(format!("[break] picked {} (cost {}) on {}: {}", p.card, p.cost, p.target, p.title));
    }
    match &view.fairness {
        Some(f) => out.push(format!("[break] verdict: {}", f.words())),
        None if !view.picks.is_empty() => out.push("[break] verdict: not proven yet (/prove)".to_owned()),
        None => {}
    }
    if with_hand {
        if view.hand.is_empty() {
            out.push("[break] no card left that the budget affords".to_owned());
        }
        for c in &view.hand {
            out.push(format!(
                "[break] card {} (cost {}): {}; targets {}",
                c.card,
                c.cost,
                c.title,
                c.targets.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaking(difficulty: Difficulty) -> Breaking {
        let deck = Arc::new(crate::scenario::cards().expect("cards load"));
        let business = crate::scenario::baselines().expect("baselines load").remove(0);
        Breaking::new(deck, Arc::new(business), difficulty, 7).expect("builds")
    }

    fn run(b: &mut Breaking, request: &BreakRequest) -> Result<(), BreakError> {
        if let Some(event) = b.execute(request)? {
            b.apply(event);
        }
        Ok(())
    }

    #[test]
    fn unknown_cards_targets_and_overspending_change_nothing() {
        let mut b = breaking(Difficulty::Easy);
        let before = b.view();
        let unknown = BreakRequest::Pick { card: "no-such-card".into(), target: None };
        assert!(matches!(b.execute(&unknown), Err(BreakError::UnknownCard(_))));
        let card = before.hand[0].card.clone();
        let bad = BreakRequest::Pick { card: card.clone(), target: Some("deployment/nowhere/nothing".into()) };
        assert!(matches!(b.execute(&bad), Err(BreakError::NotATarget { .. })));
        assert!(matches!(b.execute(&BreakRequest::Drop(card)), Err(BreakError::NotPicked(_))));
        assert_eq!(b.execute(&BreakRequest::Prove), Err(BreakError::NothingPicked));
        let dear = b.deck.iter().find(|c| c.head.cost > b.budget).map(|c| c.head.id.clone());
        if let Some(dear) = dear {
            let over = BreakRequest::Pick { card: dear, target: None };
            assert!(matches!(b.execute(&over), Err(BreakError::OverBudget { .. })));
        }
        assert_eq!(run(&mut b, &BreakRequest::Show), Ok(()));
        assert_eq!(b.view(), before, "refused requests change nothing");
    }

    #[test]
    fn a_pick_spends_the_budget_and_a_drop_gives_it_back() {
        let mut b = breaking(Difficulty::Hard);
        let first = b.view().hand[0].clone();
        run(&mut b, &BreakRequest::Pick { card: first.card.clone(), target: None }).expect("picks");
        let view = b.view();
        assert_eq!(view.left, view.budget - first.cost);
        assert_eq!(view.picks[0].target, first.targets[0], "the first valid target by default");
        assert!(view.hand.iter().all(|c| c.card != first.card && c.cost <= view.left));
        run(&mut b, &BreakRequest::Drop(first.card)).expect("drops");
        assert_eq!(b.view().left, b.view().budget);
    }

    #[test]
    fn a_proven_composition_is_fair_and_deterministic_and_a_change_unproves_it() {
        let drawn = |b: &Breaking| {
            let d = crate::game::draw::draw(&crate::game::draw::Request {
                deck: &b.deck,
                baselines: std::slice::from_ref(b.business.as_ref()),
                baseline: Some(&b.business.id),
                cards: &[],
                difficulty: Difficulty::Normal,
                seed: 3,
            })
            .expect("draws");
            d.picks
        };
        let mut b = breaking(Difficulty::Hard);
        for (card, target) in drawn(&b) {
            run(&mut b, &BreakRequest::Pick { card, target: Some(target.to_string()) }).expect("picks");
        }
        let proved = b.execute(&BreakRequest::Prove).expect("proves");
        assert_eq!(b.execute(&BreakRequest::Prove).expect("proves"), proved, "the same picks, the same verdict");
        b.apply(proved.expect("an event"));
        let fairness = b.view().fairness.expect("a verdict");
        assert!(fairness.is_fair(), "{}", fairness.words());
        assert!(b.proven().is_some());
        let card = b.view().picks[0].card.clone();
        run(&mut b, &BreakRequest::Drop(card)).expect("drops");
        assert!(b.proven().is_none() && b.view().fairness.is_none());
    }

    #[test]
    fn a_restored_composition_is_the_same_picks_and_verdict() {
        let mut b = breaking(Difficulty::Hard);
        let first = b.view().hand[0].clone();
        run(&mut b, &BreakRequest::Pick { card: first.card.clone(), target: Some(first.targets[0].clone()) })
            .expect("picks");
        run(&mut b, &BreakRequest::Prove).expect("proves");
        let (picks, fairness) = b.composition();
        let proven = fairness.is_some();
        let mut again = breaking(Difficulty::Hard);
        assert!(again.restore(&picks, proven).is_empty(), "every pick restores");
        assert_eq!(again.view(), b.view(), "the same table, verdict and all");
        assert_eq!(again.proven().is_some(), b.proven().is_some());
        let bad = vec![("no-such-card".to_owned(), first.targets[0].clone())];
        let mut other = breaking(Difficulty::Hard);
        let refused = other.restore(&bad, false);
        assert!(matches!(refused.as_slice(), [BreakError::UnknownCard(_)]), "{refused:?}");
        assert!(other.view().picks.is_empty());
    }

    #[test]
    fn the_proofs_failures_read_as_plain_words() {
        let proof = |name: &str| super::super::Proof {
            steps: vec![super::super::ProofStep { name: name.to_owned(), passed: false, detail: "d".to_owned() }],
        };
        assert!(matches!(Fairness::of_proof(&proof("not won at start")), Fairness::WinsByItself(_)));
        assert!(matches!(Fairness::of_proof(&proof("won by the reference solution")), Fairness::Unfixable(_)));
        let clue = proof("asking the canonical question reveals the key clue");
        assert!(Fairness::of_proof(&clue).words().contains("a break nobody could find"));
        assert!(Fairness::of_proof(&proof("won by the reference solution")).words().contains("cannot be fixed"));
        assert!(Fairness::of_proof(&proof("not won by waiting")).words().contains("wins by itself"));
    }
}
