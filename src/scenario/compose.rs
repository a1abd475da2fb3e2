//! The composer: a baseline (`Business`), fault cards aimed at its objects and a seed make an
//! ordinary [`Scenario`], the same type a RON file gives, so validation, the proof
//! (`game::prove`), the console and the room take it like any other. Pure: the seed draws the
//! believable minute of each fault and nothing else; the same input gives the same scenario.
//! What the responders see first (title, summary, the customer's opening, alerts) comes from the
//! baseline, so it never names a card (DESIGN.md §2, "The game tests; it never tells").

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::business::Business;
use super::card::{CardTemplate, targets};
use super::cause::ObjectRef;
use super::format::{Difficulty, Fault, Scenario, Win};
use super::layer::{Alert, AlertRule, Customer, DialogueLine, GameLayer, Intent, MishapWhen, Npc, PostmortemMaterial};
use super::load::LoadError;
use crate::sim::predicate::Predicate;

/// One card aimed at one object.
#[derive(Clone, Copy, Debug)]
pub struct Pick<'a> {
    pub card: &'a CardTemplate,
    pub target: &'a ObjectRef,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ComposeError {
    #[error("no cards picked")]
    NoPicks,
    #[error(
        "card {card} cannot be aimed at {target} in baseline {baseline} (try `kombat scenario cards --baseline {baseline}`)"
    )]
    NotATarget { card: String, target: String, baseline: String },
    #[error("{target} is picked twice: one object takes one card")]
    SameTarget { target: String },
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// How many turns each card after the first adds to the baseline's turn limit.
const TURNS_PER_EXTRA_CARD: u32 = 5;
/// How many turns apart the cards' mishaps come when nobody holds the customer off.
const MISHAP_SPACING: u32 = 2;

/// Builds the incident: `business`'s cluster with each pick's faults, its customer told each
/// card's story, and the win, solution, wrong fixes, clues, causes, hints and postmortem of every
/// card combined. `id` names the scenario.
pub fn compose(business: &Business, picks: &[Pick<'_>], seed: u64, id: &str) -> Result<Scenario, ComposeError> {
    if picks.is_empty() {
        return Err(ComposeError::NoPicks);
    }
    let cluster = business.cluster()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut seen: Vec<&ObjectRef> = Vec::new();
    let mut s = Scenario {
        id: id.to_owned(),
        title: business.title.clone(),
        summary: business.summary.clone(),
        difficulty: Difficulty::Easy,
        tags: business.tags.clone(),
        lessons: Vec::new(),
        minutes_per_turn: business.minutes_per_turn,
        turn_limit: business.turn_limit,
        expected_minutes: None,
        teaches: None,
        modes: Vec::new(),
        slo: business.slo.clone(),
        cluster: cluster.clone(),
        faults: Vec::new(),
        win: Win { all: Vec::new(), hold_turns: 2 },
        lose: Vec::new(),
        solution: Vec::new(),
        wrong_fixes: Vec::new(),
        game: GameLayer { action_points: business.action_points, ..GameLayer::default() },
        players: business.players,
    };
    let persona = &business.customer;
    let mut card_lines = Vec::new();
    let mut mishaps = Vec::new();
    let mut symptoms = Vec::new();
    let mut did = Vec::new();
    let mut secrets = Vec::new();
    let mut difficulty = 0;
    let mut earliest = 0;
    let mut postmortem = PostmortemMaterial::default();
    for (i, pick) in picks.iter().enumerate() {
        let head = &pick.card.head;
        if seen.contains(&pick.target) {
            return Err(ComposeError::SameTarget { target: pick.target.to_string() });
        }
        seen.push(pick.target);
        let binding = targets(head, &cluster).into_iter().find(|b| &b.target == pick.target).ok_or_else(|| {
            ComposeError::NotATarget {
                card: head.id.clone(),
                target: pick.target.to_string(),
                baseline: business.id.clone(),
            }
        })?;
        let card = pick.card.instantiate(&binding)?;
        let (lo, hi) = (card.at_minute.0.min(card.at_minute.1), card.at_minute.0.max(card.at_minute.1));
        let minute = rng.random_range(lo..=hi);
        earliest = earliest.min(minute);
        for change in card.changes {
            s.faults.push(Fault {
                at_minute: minute,
                by: card.by.clone(),
                change_cause: card.change_cause.clone(),
                change,
            });
        }
        // Clue and mishap ids are per pick, so the same card on two targets keeps them apart and
        // no id names the card.
        let prefix = format!("f{}-", i + 1);
        for mut clue in card.clues {
            clue.id = format!("{prefix}{}", clue.id);
            s.game.clues.push(clue);
        }
        for mut line in card.lines {
            line.reveals = line.reveals.map(|r| format!("{prefix}{r}"));
            card_lines.push(line);
        }
        let spacing = MISHAP_SPACING * u32::try_from(i).unwrap_or(u32::MAX);
        for mut mishap in card.mishaps {
            mishap.id = format!("{prefix}{}", mishap.id);
            if let MishapWhen::NotHeldOffBy(turn) = mishap.when {
                mishap.when = MishapWhen::NotHeldOffBy(turn.saturating_add(spacing));
            }
            mishaps.push(mishap);
        }
        s.win.all.extend(card.win);
        s.solution.extend(card.fix);
        s.wrong_fixes.extend(card.wrong_fixes);
        // A scenario has one hint per tier: each tier says what every card says at it.
        for hint in card.hints {
            match s.game.hints.iter_mut().find(|h| h.tier == hint.tier) {
                Some(same) => join_into(&mut same.text, &hint.text),
                None => s.game.hints.push(hint),
            }
        }
        if s.game.cause.is_none() {
            s.game.cause = Some(card.cause);
        } else {
            s.game.causes.push(card.cause);
        }
        symptoms.extend(card.symptoms);
        did.push(card.did);
        secrets.extend(card.secrets);
        join_into(&mut postmortem.summary, &card.postmortem.summary);
        join_into(&mut postmortem.root_cause, &card.postmortem.root_cause);
        postmortem.contributing_factors.extend(card.postmortem.contributing_factors);
        postmortem.action_items.extend(card.postmortem.action_items);
        for lesson in card.lessons {
            if !s.lessons.contains(&lesson) {
                s.lessons.push(lesson);
            }
        }
        if !s.modes.contains(&card.mode) {
            s.modes.push(card.mode);
        }
        difficulty += card.difficulty;
    }
    // The cluster applies faults in order: keep the timeline's.
    s.faults.sort_by_key(|f| f.at_minute);
    s.win.all.push(Predicate::AllEntrypointsHealthy);
    s.game.hints.sort_by_key(|h| h.tier);
    s.game.postmortem = postmortem;
    let extra = u32::try_from(picks.len() - 1).unwrap_or(u32::MAX);
    s.turn_limit = business.turn_limit.saturating_add(TURNS_PER_EXTRA_CARD.saturating_mul(extra));
    s.expected_minutes = Some(5 + 10 * (extra + 1));
    s.difficulty = match difficulty {
        0..=1 => Difficulty::Easy,
        2..=3 => Difficulty::Medium,
        _ => Difficulty::Hard,
    };
    s.game.alerts = if business.alerts.is_empty() { default_alerts(&s) } else { business.alerts.clone() };
    let fixed = Predicate::All(s.win.all.clone());
    let mut lines = card_lines;
    lines.extend(persona.lines.iter().cloned());
    lines.push(said(&[Intent::Symptoms, Intent::Impact], symptoms.join(" ")));
    lines.push(said(&[Intent::WhenStarted], started(earliest)));
    lines.push(DialogueLine {
        only_if: Some(fixed),
        ..said(&[Intent::IsItFixed], "It looks good from here: our users are fine again. Thank you!".to_owned())
    });
    s.game.customer = Customer {
        name: persona.name.clone(),
        brief: format!("{}\n\nWhat happened on your side:\n- {}", persona.brief, did.join("\n- ")),
        secrets,
        npc: Npc {
            opening: persona.opening.clone(),
            lines,
            nags: persona.nags.clone(),
            recovered_nags: persona.recovered_nags.clone(),
            unknown: persona.unknown.clone(),
            patience: persona.patience.clone(),
            mishaps,
            churn: persona.churn.clone(),
        },
    };
    Ok(s)
}

fn join_into(into: &mut String, more: &str) {
    if !into.is_empty() && !more.is_empty() {
        into.push(' ');
    }
    into.push_str(more);
}

fn said(intents: &[Intent], say: String) -> DialogueLine {
    DialogueLine {
        intents: intents.to_vec(),
        about: Vec::new(),
        when: Vec::new(),
        say,
        reveals: None,
        from_turn: None,
        only_if: None,
        once: true,
    }
}

/// The customer's sense of when it started: the earliest fault, rounded as people round.
fn started(earliest: i32) -> String {
    let ago = earliest.unsigned_abs();
    match ago {
        0..=2 => "Just now, a couple of minutes ago.".to_owned(),
        3..=45 => format!("About {} minutes ago, as far as I can tell.", ago.div_ceil(5) * 5),
        _ => "Earlier today; I'm not sure exactly when, we noticed it late.".to_owned(),
    }
}

/// One alert per entrypoint when its success drops below 95 %, and one on the error budget.
fn default_alerts(s: &Scenario) -> Vec<Alert> {
    let mut alerts: Vec<Alert> = s
        .cluster
        .entrypoints
        .iter()
        .enumerate()
        .map(|(i, e)| Alert {
            id: format!("entrypoint-{}", i + 1),
            title: format!("{} error rate above 5%", e.name),
            rule: AlertRule::SuccessBelow { entrypoint: e.name.clone(), fraction: 0.95 },
        })
        .collect();
    alerts.push(Alert {
        id: "budget".to_owned(),
        title: "Error budget below 50%".to_owned(),
        rule: AlertRule::BudgetBelow(0.5),
    });
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_is_rounded_as_people_round() {
        assert_eq!(started(-1), "Just now, a couple of minutes ago.");
        assert_eq!(started(-12), "About 15 minutes ago, as far as I can tell.");
        assert_eq!(started(-90), "Earlier today; I'm not sure exactly when, we noticed it late.");
    }
}
