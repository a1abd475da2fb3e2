//! Random incidents: a difficulty and a seed draw a baseline, fault cards within a budget and
//! their targets, the composer (`scenario::compose`) makes the scenario, and the proof
//! (`game::prove`, what `kombat scenario test` runs) must pass it. A draw that fails the proof is
//! redrawn from the same seeded stream, a bounded number of times, so the same seed always gives
//! the same incident, byte for byte. Pure: no I/O, the randomness is the seed's.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::Difficulty;
use super::prove::{Check, InTurn, ProofStep, Runner};
use crate::scenario::card::targets;
use crate::scenario::cause::ObjectRef;
use crate::scenario::{Business, CardTemplate, ComposeError, Pick, Scenario, compose, validate};

/// Draws tried before giving up.
pub const MAX_ATTEMPTS: u32 = 12;

/// What to draw from.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub deck: &'a [CardTemplate],
    pub baselines: &'a [Business],
    /// A baseline by id; `None` draws one.
    pub baseline: Option<&'a str>,
    /// These cards (by id, in order), each aimed at a drawn target; empty draws cards.
    pub cards: &'a [String],
    pub difficulty: Difficulty,
    pub seed: u64,
}

/// A proven incident and how it was drawn.
#[derive(Clone, Debug)]
pub struct Drawn {
    pub scenario: Scenario,
    pub baseline: String,
    /// (card id, target) in the order they were composed.
    pub picks: Vec<(String, ObjectRef)>,
    /// 1 when the first draw proved.
    pub attempts: u32,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DrawError {
    #[error("no baseline named {0:?} (try `kombat scenario baselines`)")]
    UnknownBaseline(String),
    #[error("no card named {0:?} (try `kombat scenario cards`)")]
    UnknownCard(String),
    #[error("no baselines to draw from")]
    NoBaselines,
    #[error("no proven incident in {attempts} draws; the last failed: {last}")]
    Unproven { attempts: u32, last: String },
    #[error(transparent)]
    Compose(#[from] ComposeError),
}

/// Cards an incident at this difficulty has, at least and at most.
pub fn card_count(difficulty: Difficulty) -> (usize, usize) {
    match difficulty {
        Difficulty::Easy => (1, 1),
        Difficulty::Normal => (1, 2),
        Difficulty::Hard => (2, 3),
    }
}

/// The break budget at this difficulty: the most the cards' costs may add up to.
pub fn budget(difficulty: Difficulty) -> u32 {
    match difficulty {
        Difficulty::Easy => 2,
        Difficulty::Normal => 4,
        Difficulty::Hard => 7,
    }
}

/// Draws and proves an incident (see the module's header), the proof's checks one after the other.
pub fn draw(request: &Request<'_>) -> Result<Drawn, DrawError> {
    draw_with(request, &InTurn)
}

/// [`draw`], with each proof's checks run by `runner` (the same incident either way).
pub fn draw_with(request: &Request<'_>, runner: &dyn Runner) -> Result<Drawn, DrawError> {
    for id in request.cards {
        if !request.deck.iter().any(|c| &c.head.id == id) {
            return Err(DrawError::UnknownCard(id.clone()));
        }
    }
    if let Some(id) = request.baseline
        && !request.baselines.iter().any(|b| b.id == id)
    {
        return Err(DrawError::UnknownBaseline(id.to_owned()));
    }
    if request.baselines.is_empty() {
        return Err(DrawError::NoBaselines);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed);
    let mut last = String::new();
    for attempt in 1..=MAX_ATTEMPTS {
        match try_once(request, &mut rng) {
            Ok((business, picks)) => {
                let chosen: Vec<Pick<'_>> = picks.iter().map(|(card, target)| Pick { card, target }).collect();
                let id = format!("random-{}-{}", business.id, request.seed);
                let mut scenario = compose(business, &chosen, request.seed, &id)?;
                scenario.game.root_causes = root_cause_options(&scenario, request, business, &picks);
                match fair_with(&scenario, request.seed, runner) {
                    Ok(()) => {
                        return Ok(Drawn {
                            scenario,
                            baseline: business.id.clone(),
                            picks: picks.iter().map(|(c, t)| (c.head.id.clone(), t.clone())).collect(),
                            attempts: attempt,
                        });
                    }
                    Err(why) => {
                        let names: Vec<String> = picks.iter().map(|(c, t)| format!("{} on {t}", c.head.id)).collect();
                        last = format!("{} in {}: {why}", names.join(" + "), business.id);
                    }
                }
            }
            Err(why) => last = why,
        }
    }
    Err(DrawError::Unproven { attempts: MAX_ATTEMPTS, last })
}

/// Why a composed scenario is not fair, if it is not: validation, then the proof.
pub fn fair(scenario: &Scenario, seed: u64) -> Result<(), String> {
    fair_with(scenario, seed, &InTurn)
}

/// [`fair`], with `runner` running validation beside the proof and the proof's checks (the
/// verdict is the same: a validation problem comes first, then the proof's first failed step).
pub fn fair_with(scenario: &Scenario, seed: u64, runner: &dyn Runner) -> Result<(), String> {
    let checks: Vec<Check<'_>> = vec![
        Box::new(|| {
            let problems = validate(scenario);
            let first =
                problems.first().map(|p| ProofStep { name: INVALID.to_owned(), passed: false, detail: p.to_string() });
            first.into_iter().collect()
        }),
        Box::new(|| super::prove::prove_with(scenario, seed, runner).steps),
    ];
    let found = runner.run(checks);
    match found.iter().flatten().find(|s| !s.passed) {
        None => Ok(()),
        Some(step) if step.name == INVALID => Err(format!("invalid: {}", step.detail)),
        Some(step) => Err(format!("{} ({})", step.name, step.detail)),
    }
}

/// The name `fair_with` gives a validation problem among the proof's steps.
const INVALID: &str = "valid";

/// Wrong options the easy-mode multiple-choice declaration offers next to the right one.
pub const WRONG_ROOT_CAUSES: usize = 3;

/// The multiple-choice declaration easy mode offers (hand-written scenarios have one): the
/// drawn cards' root causes together as the right option, and the root causes of up to
/// [`WRONG_ROOT_CAUSES`] other cards of other modes, each aimed at an object of the same
/// baseline so it names real things, in an order drawn from the seed (the right one is not
/// always first). Its own stream, so the draw itself is the same with or without it.
fn root_cause_options(
    scenario: &Scenario,
    request: &Request<'_>,
    business: &Business,
    picks: &[(&CardTemplate, ObjectRef)],
) -> Vec<crate::scenario::layer::RootCause> {
    use crate::scenario::layer::RootCause;
    // A fixed tweak of the seed: another stream than the draw's.
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed ^ 0x05ee_d0fc_0a5e);
    let mut options =
        vec![RootCause { id: "cause-1".to_owned(), text: scenario.game.postmortem.root_cause.clone(), correct: true }];
    let Ok(cluster) = business.cluster() else { return Vec::new() };
    let mut others: Vec<&CardTemplate> =
        request.deck.iter().filter(|c| !picks.iter().any(|(p, _)| p.head.mode == c.head.mode)).collect();
    while options.len() <= WRONG_ROOT_CAUSES && !others.is_empty() {
        let card = others.swap_remove(rng.random_range(0..others.len()));
        let bindings = targets(&card.head, &cluster);
        if bindings.is_empty() {
            continue;
        }
        let binding = &bindings[rng.random_range(0..bindings.len())];
        let Ok(bound) = card.instantiate(binding) else { continue };
        let text = bound.postmortem.root_cause;
        if text.is_empty() || options.iter().any(|o| o.text == text) {
            continue;
        }
        options.push(RootCause { id: format!("cause-{}", options.len() + 1), text, correct: false });
    }
    // Shuffled (Fisher–Yates) and numbered in the new order, so neither place nor id tells.
    for i in (1..options.len()).rev() {
        let j = rng.random_range(0..=i);
        options.swap(i, j);
    }
    for (i, option) in options.iter_mut().enumerate() {
        option.id = format!("cause-{}", i + 1);
    }
    if options.iter().any(|o| o.text.is_empty()) { Vec::new() } else { options }
}

type Chosen<'a> = (&'a Business, Vec<(&'a CardTemplate, ObjectRef)>);

/// One draw: a baseline, then cards and targets, without proving.
fn try_once<'a>(request: &Request<'a>, rng: &mut ChaCha8Rng) -> Result<Chosen<'a>, String> {
    let business = match request.baseline {
        Some(id) => request.baselines.iter().find(|b| b.id == id).ok_or_else(|| format!("no baseline {id}"))?,
        None => &request.baselines[rng.random_range(0..request.baselines.len())],
    };
    let cluster = business.cluster().map_err(|e| e.to_string())?;
    let mut picks: Vec<(&CardTemplate, ObjectRef)> = Vec::new();
    let free = |card: &CardTemplate, picks: &[(&CardTemplate, ObjectRef)]| -> Vec<ObjectRef> {
        targets(&card.head, &cluster)
            .into_iter()
            .map(|b| b.target)
            .filter(|t| !picks.iter().any(|(_, taken)| taken == t))
            .collect()
    };
    if request.cards.is_empty() {
        let (least, most) = card_count(request.difficulty);
        let wanted = rng.random_range(least..=most);
        let mut left = budget(request.difficulty);
        while picks.len() < wanted {
            let playable: Vec<&CardTemplate> = request
                .deck
                .iter()
                .filter(|c| c.head.cost <= left)
                .filter(|c| !picks.iter().any(|(p, _)| p.head.mode == c.head.mode))
                .filter(|c| !free(c, &picks).is_empty())
                .collect();
            if playable.is_empty() {
                break;
            }
            let card = playable[rng.random_range(0..playable.len())];
            let options = free(card, &picks);
            let target = options[rng.random_range(0..options.len())].clone();
            left -= card.head.cost;
            picks.push((card, target));
        }
        if picks.len() < least {
            return Err(format!("no {least} affordable cards fit baseline {}", business.id));
        }
    } else {
        for id in request.cards {
            let card = request.deck.iter().find(|c| &c.head.id == id).ok_or_else(|| format!("no card {id}"))?;
            let options = free(card, &picks);
            if options.is_empty() {
                return Err(format!("card {id} has no free target in baseline {}", business.id));
            }
            let target = options[rng.random_range(0..options.len())].clone();
            picks.push((card, target));
        }
    }
    Ok((business, picks))
}
