//! The scripted customer: answers the liaison when a message matches a dialogue trigger (and so
//! reveals clues), nags when left without news, loses patience, agrees to hold off changes while
//! still patient, and causes its mishaps when nobody stopped it.

use super::event::{Channel, Event};
use super::format::{MishapWhen, Npc};
use super::state::{Game, HoldOff};

/// Below this mood the customer refuses to hold off.
const COOPERATIVE_MOOD: u32 = 30;

fn npc(game: &Game) -> &Npc {
    &game.scenario().game.customer.npc
}

fn say(game: &Game, text: &str) -> Event {
    Event::Chat { channel: Channel::Customer, from: game.customer_name(), text: text.to_owned() }
}

/// The customer's answer to a liaison message, if a dialogue line matches.
pub fn answer(game: &Game, message: &str) -> Vec<Event> {
    let lower = message.to_lowercase();
    let turn = game.turn();
    let cluster = &game.world.cluster;
    let Some((index, line)) = npc(game).lines.iter().enumerate().find(|(i, l)| {
        (!l.once || !game.said.contains(i))
            && l.from_turn.is_none_or(|t| turn >= t)
            && l.only_if.as_ref().is_none_or(|p| p.holds(cluster))
            && l.when.iter().any(|w| lower.contains(&w.to_lowercase()))
    }) else {
        return Vec::new();
    };
    let mut events = vec![say(game, &line.say), Event::DialogueSaid { line: index }];
    if let Some(id) = &line.reveals
        && !game.clues.contains(id)
        && let Some(clue) = game.scenario().game.clues.iter().find(|c| &c.id == id)
    {
        events.push(super::findings::from_customer(&clue.id, &game.customer_name(), &line.say));
    }
    events
}

/// The customer's answer to being asked to hold off changes.
pub fn hold_off(game: &Game) -> Vec<Event> {
    let accepted = game.mood >= COOPERATIVE_MOOD;
    let text = if accepted {
        "OK, we won't touch anything until you say so."
    } else {
        "Honestly, we've waited long enough. We'll do what we have to."
    };
    vec![Event::HoldOffAnswered { accepted }, say(game, text)]
}

/// What the customer does at the start of a new turn: mood, nags, mishaps.
pub fn turn(game: &Game) -> Vec<Event> {
    let n = npc(game);
    let turn = game.turn();
    let mut events = Vec::new();
    let idle = turn.saturating_sub(game.last_contact);
    let mut mood = game.mood;
    if idle >= n.patience.idle_turns.max(1) {
        mood = mood.saturating_sub(n.patience.decay);
        events.push(Event::Mood { value: mood });
        if game.npc && !n.nags.is_empty() {
            let nag = &n.nags[(turn as usize) % n.nags.len()];
            events.push(say(game, nag));
        }
    }
    if game.npc {
        let held_off = game.hold_off == HoldOff::Accepted;
        for m in &n.mishaps {
            if game.mishaps.contains(&m.id) {
                continue;
            }
            let due = match m.when {
                MishapWhen::NotHeldOffBy(t) => turn >= t && !held_off,
                MishapWhen::PatienceBelow(p) => mood < p,
            };
            if due {
                events.push(say(game, &m.say));
                events.push(Event::Mishap { id: m.id.clone() });
            }
        }
    }
    events
}

/// Mood after an honest status update.
pub fn recovered(game: &Game) -> u32 {
    (game.mood + npc(game).patience.recovery).min(100)
}
