//! A guided tutorial's progress: which of the scenario's steps (`scenario::layer::TutorialStep`)
//! the player has done, read from the game's events, and the prompt for the next one. A step is
//! done once anything in the log does what it asks, in any order, so a player who runs ahead is
//! never held back; the prompt is the first step not yet done. The game only points: it never
//! acts for the player, and the steps never name the incident's answer (docs/scenario-format.md,
//! "Tutorial steps").

use serde::{Deserialize, Serialize};

use super::event::{Channel, Event, Stamped};
use super::seat::{Role, Seat};
use super::state::Game;
use crate::scenario::layer::{StepDone, TutorialStep};

/// The step a tutorial points at now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TutorialPrompt {
    /// 1-based.
    pub step: usize,
    pub steps: usize,
    pub text: String,
}

/// Whether the events in `log` include one that does what `done` asks.
pub fn done(done: &StepDone, log: &[Stamped]) -> bool {
    log.iter().any(|s| does(done, s))
}

fn does(done: &StepDone, stamped: &Stamped) -> bool {
    let by_responder = stamped.seat.is_some_and(|s| matches!(s.role(), Role::Liaison | Role::Troubleshooter));
    match (done, &stamped.event) {
        (StepDone::Command, Event::Command { .. }) => by_troubleshooter(stamped.seat),
        (StepDone::CommandWith(word), Event::Command { line, .. }) => {
            by_troubleshooter(stamped.seat) && line.split_whitespace().any(|w| w.eq_ignore_ascii_case(word))
        }
        (StepDone::Change, Event::Command { changes, .. }) => by_troubleshooter(stamped.seat) && !changes.is_empty(),
        (StepDone::AskedCustomer, Event::Chat { channel: Channel::Customer, .. }) => {
            stamped.seat == Some(Seat::Liaison)
        }
        (StepDone::StatusUpdate, Event::StatusUpdate { .. }) => by_responder,
        (StepDone::AskedHoldOff, Event::HoldOffAsked) => by_responder,
        (StepDone::FoundClue, Event::ClueFound { .. }) => true,
        (StepDone::Declared, Event::CauseDeclared { .. } | Event::RootCauseDeclared { .. }) => by_responder,
        (StepDone::Hint, Event::Hint { .. }) => true,
        (StepDone::TurnEnded, Event::TurnAdvanced { .. }) => true,
        (StepDone::Resolved, Event::ClosingTurn { .. }) => true,
        (StepDone::Ended, Event::Ended(_)) => true,
        _ => false,
    }
}

fn by_troubleshooter(seat: Option<Seat>) -> bool {
    matches!(seat, Some(Seat::Troubleshooter(_)))
}

/// How many of `steps` the events in `log` have done.
pub fn steps_done(steps: &[TutorialStep], log: &[Stamped]) -> usize {
    steps.iter().filter(|s| done(&s.done, log)).count()
}

/// The first of `steps` not yet done, as the player sees it; none when every step is done or
/// there are none.
pub fn next(steps: &[TutorialStep], log: &[Stamped]) -> Option<TutorialPrompt> {
    let (i, step) = steps.iter().enumerate().find(|(_, s)| !done(&s.done, log))?;
    Some(TutorialPrompt { step: i + 1, steps: steps.len(), text: step.text.clone() })
}

/// The prompt a responder of `game` sees now: a tutorial's next step, while the game is on.
pub fn prompt(game: &Game, seat: Seat) -> Option<TutorialPrompt> {
    let steps = &game.scenario().game.tutorial;
    if steps.is_empty() || !matches!(seat.role(), Role::Liaison | Role::Troubleshooter) {
        return None;
    }
    next(steps, &game.log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamped(seat: Option<Seat>, event: Event) -> Stamped {
        Stamped { turn: 0, second: 0, seat, event }
    }

    fn command(line: &str) -> Event {
        Event::Command { line: line.into(), output: String::new(), ok: true, cost: 1, changes: Vec::new() }
    }

    #[test]
    fn a_command_with_a_word_needs_that_word_from_a_troubleshooter() {
        let tam = Some(Seat::Troubleshooter(0));
        let describe = StepDone::CommandWith("describe".into());
        assert!(!done(&describe, &[stamped(tam, command("get pods -A"))]));
        assert!(done(&describe, &[stamped(tam, command("kubectl describe pod x"))]));
        // Words, not substrings: a name that contains the verb is not the verb.
        assert!(!done(&describe, &[stamped(tam, command("get pod describer"))]));
        assert!(!done(&describe, &[stamped(Some(Seat::GameMaster), command("describe pod x"))]));
    }

    #[test]
    fn the_prompt_is_the_first_step_not_done() {
        let steps = vec![
            TutorialStep { text: "run".into(), done: StepDone::Command },
            TutorialStep { text: "ask".into(), done: StepDone::AskedCustomer },
            TutorialStep { text: "end".into(), done: StepDone::TurnEnded },
        ];
        assert_eq!(next(&steps, &[]).map(|p| (p.step, p.steps, p.text)), Some((1, 3, "run".to_owned())));
        let chat = Event::Chat { channel: Channel::Customer, from: "Lee".into(), text: "what changed?".into() };
        // Done out of order: the first step still leads until it is done too.
        let log = vec![stamped(Some(Seat::Liaison), chat)];
        assert_eq!(next(&steps, &log).map(|p| p.step), Some(1));
        let log = [log, vec![stamped(Some(Seat::Troubleshooter(0)), command("get pods"))]].concat();
        assert_eq!(next(&steps, &log).map(|p| p.step), Some(3));
        assert_eq!(steps_done(&steps, &log), 2);
        // The customer's own words are not the liaison asking.
        let reply = Event::Chat { channel: Channel::Customer, from: "Dana".into(), text: "hi".into() };
        assert!(!done(&StepDone::AskedCustomer, &[stamped(Some(Seat::Customer(0)), reply)]));
    }
}
