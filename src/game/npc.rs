//! The scripted customer: hears what the liaison asks (`intent`), answers it from the scenario's
//! dialogue (and so reveals clues) or in character when it has no answer, agrees to hold off
//! changes when asked in plain words and still patient, and watches its own users: it nags while
//! they suffer, asks whether it is fixed once they are fine, waits for a "resolved" update, and
//! causes its mishaps when nobody stopped it.

use super::action::IncidentState;
use super::event::{Channel, Event};
use super::format::{DialogueLine, Intent, MishapWhen, Npc};
use super::intent::{self, Heard};
use super::state::{Game, HoldOff, Sample};

/// An entrypoint serving at least this share of requests is fine for its users (as
/// `Predicate::EntrypointHealthy` has it by default).
const HEALTHY: f64 = 0.99;

/// Below this mood the customer refuses to hold off.
const COOPERATIVE_MOOD: u32 = 30;

/// At most this many questions of one message get an answer; the rest wait for the next one.
const MAX_ANSWERS: usize = 3;

fn npc(game: &Game) -> &Npc {
    &game.scenario().game.customer.npc
}

fn say(game: &Game, text: &str) -> Event {
    Event::Chat { channel: Channel::Customer, from: game.customer_name(), text: text.to_owned() }
}

/// Whether every entrypoint served its users at the start of this turn and the one before: the
/// customer trusts relief that lasts, not a good minute between failures (a leak that crashes
/// pods now and then).
pub fn users_fine(game: &Game) -> bool {
    let n = game.figures.len();
    n >= 2 && game.figures[n - 2..].iter().all(all_fine)
}

fn all_fine(sample: &Sample) -> bool {
    !sample.results.is_empty() && sample.results.iter().all(|r| r.success >= HEALTHY)
}

/// Whether the team has told the customer it is resolved (the latest status update says so).
fn resolved_posted(game: &Game) -> bool {
    game.status_page.last().is_some_and(|s| s.state == IncidentState::Resolved)
}

/// The customer's answer to a liaison message: a hold-off agreed or refused, the dialogue lines
/// that answer what it asks (with the clues they reveal), in-character replies to questions
/// they cannot answer, or, for a message that asks nothing, a short acknowledgement at most
/// once a turn.
pub fn answer(game: &Game, message: &str) -> Vec<Event> {
    let heard = intent::hear(message);
    let mut events = Vec::new();
    if heard.asked(Intent::HoldOff) {
        if game.hold_off == HoldOff::Accepted {
            events.push(say(game, "We're not touching anything, as agreed. Tell us when we may."));
        } else {
            events.push(Event::HoldOffAsked);
            events.extend(hold_off(game));
        }
    }
    let mut replies: Vec<String> = Vec::new();
    let mut repeats: Vec<String> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let questions: Vec<Intent> = heard
        .intents
        .iter()
        .copied()
        .filter(|i| !matches!(i, Intent::HoldOff | Intent::Greeting))
        .take(MAX_ANSWERS)
        .collect();
    for &asked in &questions {
        let chosen = lines.clone();
        match pick(game, &heard, |i, l| l.intents.contains(&asked) && !chosen.contains(&i)) {
            Some(Pick::New(index)) => lines.push(index),
            Some(Pick::Again(index)) if asked != Intent::IsItFixed => {
                repeats.push(format!("Like I said: {}", npc(game).lines[index].say));
            }
            _ => replies.push(unknown(game, asked)),
        }
    }
    if lines.is_empty() && heard.asks {
        // A question about a topic the game hears no question in ("and the janitor?"), or one
        // an older scenario only has trigger words for.
        let topical = pick(game, &heard, |_, l| !l.about.is_empty()).or_else(|| by_keyword(game, message));
        if let Some(Pick::New(index)) = topical {
            replies.clear();
            lines.push(index);
        }
    }
    let mut text: Vec<String> = lines.iter().map(|&i| npc(game).lines[i].say.clone()).collect();
    // Something new to say is the answer; an old answer is quoted again only when there is
    // nothing new (never glued onto fresh news).
    if text.is_empty() {
        text.extend(repeats);
    }
    text.extend(replies);
    if text.is_empty() && events.is_empty() {
        if heard.asks && questions.is_empty() {
            text.push(intent::not_understood(game.turn()).to_owned());
        } else if !acknowledged_this_turn(game) {
            let acks = intent::acknowledgements();
            text.push(acks[game.turn() as usize % acks.len()].to_owned());
        }
    }
    if !text.is_empty() {
        events.push(say(game, &text.join(" ")));
    }
    for index in lines {
        events.push(Event::DialogueSaid { line: index });
        if let Some(id) = &npc(game).lines[index].reveals
            && !game.clues.contains(id)
            && let Some(clue) = game.scenario().game.clues.iter().find(|c| &c.id == id)
        {
            events.push(super::findings::from_customer(&clue.id, &game.customer_name(), &npc(game).lines[index].say));
        }
    }
    events
}

/// A dialogue line that answers, new or said before (a line said once only is quoted again
/// rather than met with silence).
enum Pick {
    New(usize),
    Again(usize),
}

/// The line that answers: one about a topic the message names before a general one, a line not
/// yet said before one already said.
fn pick(game: &Game, heard: &Heard, answers: impl Fn(usize, &DialogueLine) -> bool) -> Option<Pick> {
    let turn = game.turn();
    let cluster = &game.world.cluster;
    let candidates: Vec<(usize, &DialogueLine, bool)> = npc(game)
        .lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            answers(*i, l)
                && l.from_turn.is_none_or(|t| turn >= t)
                && l.only_if.as_ref().is_none_or(|p| p.holds(cluster))
        })
        .filter_map(|(i, l)| {
            let on_topic = l.about.iter().any(|a| heard.names(a));
            (l.about.is_empty() || on_topic).then_some((i, l, on_topic))
        })
        .collect();
    let fresh = |(i, l, _): &&(usize, &DialogueLine, bool)| !l.once || !game.said.contains(i);
    let best = candidates
        .iter()
        .filter(|c| c.2)
        .find(fresh)
        .or_else(|| candidates.iter().filter(|c| !c.2).find(fresh))
        .map(|c| Pick::New(c.0));
    best.or_else(|| candidates.first().map(|c| Pick::Again(c.0)))
}

/// Older scenarios' trigger words, matched as substrings: only where no intent answers.
fn by_keyword(game: &Game, message: &str) -> Option<Pick> {
    let lower = message.to_lowercase();
    let turn = game.turn();
    let cluster = &game.world.cluster;
    npc(game)
        .lines
        .iter()
        .enumerate()
        .find(|(i, l)| {
            (!l.once || !game.said.contains(i))
                && l.from_turn.is_none_or(|t| turn >= t)
                && l.only_if.as_ref().is_none_or(|p| p.holds(cluster))
                && l.when.iter().any(|w| !w.trim().is_empty() && lower.contains(&w.to_lowercase()))
        })
        .map(|(i, _)| Pick::New(i))
}

/// The customer's reply to a question no line of theirs answers: the scenario's own words for
/// it, or the game's.
fn unknown(game: &Game, asked: Intent) -> String {
    npc(game).unknown.get(&asked).cloned().unwrap_or_else(|| intent::default_reply(asked, users_fine(game)).to_owned())
}

/// Whether the customer already acknowledged a message this turn.
fn acknowledged_this_turn(game: &Game) -> bool {
    let name = game.customer_name();
    game.customer_chat
        .iter()
        .rev()
        .take_while(|c| c.turn == game.turn())
        .any(|c| c.from == name && intent::acknowledgements().contains(&c.text.as_str()))
}

/// A liaison's natural question that a line answers: the game's plain question for the line's
/// first intent, naming the line's first topic when it has topics. The proof and the content
/// tests ask it through the classifier, as a player would.
pub fn question_for(line: &DialogueLine) -> Option<String> {
    let asked = intent::sample_question(*line.intents.first()?);
    Some(match line.about.first() {
        Some(topic) => format!("{asked} And about the {topic}?"),
        None => asked.to_owned(),
    })
}

/// What the scripted customer listens for in a line, in words for the game master.
pub fn triggers(line: &DialogueLine) -> Vec<String> {
    let mut out: Vec<String> = line.intents.iter().map(|i| i.name().to_owned()).collect();
    if !line.about.is_empty() {
        out.push(format!("about {}", line.about.join(", ")));
    }
    out.extend(line.when.iter().cloned());
    out
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

/// The customer's nags once their users are fine again: the scenario's, or the game's.
fn recovered_nag(game: &Game, index: usize) -> String {
    let own = &npc(game).recovered_nags;
    if own.is_empty() {
        let nags = intent::recovered_nags();
        nags[index % nags.len()].to_owned()
    } else {
        own[index % own.len()].clone()
    }
}

/// Whether the customer's users were failing just before they were fine: the turn users became
/// fine (for two turns running) is the turn the customer asks whether it is fixed.
fn users_failed_before(game: &Game) -> bool {
    let earlier = game.figures.len().checked_sub(3).and_then(|i| game.figures.get(i));
    earlier.is_some_and(|s| !all_fine(s))
}

/// What the customer does at the start of a new turn: mood, nags, mishaps. While users fail
/// they nag about the outage; the turn they are fine again they ask whether it is fixed; after
/// that, until a "resolved" update, they nag for the all-clear (and lose patience at half the
/// pace); once told it is resolved they are quiet.
pub fn turn(game: &Game) -> Vec<Event> {
    let n = npc(game);
    let turn = game.turn();
    let mut events = Vec::new();
    let idle = turn.saturating_sub(game.last_contact);
    let mut mood = game.mood;
    let fine = users_fine(game);
    // Users fine at this turn's start, if not yet for long: no outage nag ("still losing orders")
    // the moment the errors stop.
    let fine_now = game.figures.last().is_some_and(all_fine);
    let waiting = fine && !resolved_posted(game);
    let recovered_now = fine && users_failed_before(game);
    if recovered_now {
        mood = (mood + n.patience.recovery).min(100);
        if mood != game.mood {
            events.push(Event::Mood { value: mood });
        }
        if game.npc && waiting {
            events.push(say(game, &recovered_nag(game, 0)));
        }
    } else if idle >= n.patience.idle_turns.max(1) && (!fine || waiting) {
        let decay = if fine || fine_now { n.patience.decay / 2 } else { n.patience.decay };
        mood = mood.saturating_sub(decay);
        events.push(Event::Mood { value: mood });
        if game.npc {
            if fine {
                events.push(say(game, &recovered_nag(game, turn as usize)));
            } else if !n.nags.is_empty() && !fine_now {
                events.push(say(game, &n.nags[(turn as usize) % n.nags.len()]));
            }
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
