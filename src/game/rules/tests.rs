//! The game master's controls over a running game, by the rules and the fold: skipping a turn,
//! the turn timer's settings as events, a hint of a chosen tier, and a free-form inject that
//! every seat sees.

use super::*;
use crate::game::view;
use crate::game::words::{self, Audience, Context};
use crate::scenario;

const GM: Seat = Seat::GameMaster;
const TS: Seat = Seat::Troubleshooter(0);

fn game() -> Game {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut g = Game::new(s, 1).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(TS, "Tam");
    g.seat(GM, "Gil");
    g.seat(Seat::Spectator(0), "Wall");
    g.start();
    g
}

fn events(stamped: &[Stamped]) -> Vec<Event> {
    stamped.iter().map(|s| s.event.clone()).collect()
}

#[test]
fn skipping_ends_the_turn_for_everyone_and_only_the_game_master_may() {
    let mut g = game();
    g.act(Seat::Liaison, &Action::EndTurn).expect("the liaison is done");
    assert_eq!(g.act(TS, &Action::SkipTurn), Err(RuleError::NotYourRole("troubleshooter".into())));
    let got = events(&g.act(GM, &Action::SkipTurn).expect("skips"));
    assert_eq!(got[0], Event::TurnSkipped);
    assert!(matches!(got[1], Event::TurnAdvanced { turn: 1, .. }), "{got:?}");
    assert_eq!(g.turn(), 1);
    assert!(g.ended.is_empty(), "a new turn: nobody has ended it yet");
    assert_eq!(g.log.iter().filter(|s| s.event == Event::TurnSkipped).count(), 1, "the log keeps the skip");

    g.act(GM, &Action::Pause).expect("pauses");
    assert_eq!(g.act(GM, &Action::SkipTurn), Err(RuleError::Paused), "a paused turn is not skipped");
}

#[test]
fn a_skipped_closing_turn_ends_the_won_game() {
    let mut g = game();
    g.act(TS, &Action::Command("set image deploy/web web=registry.example.com/shop/web:1.4.2 -n shop".into()))
        .expect("fixes");
    for _ in 0..4 {
        if g.phase == Phase::Closing {
            break;
        }
        g.act(GM, &Action::SkipTurn).expect("skips");
    }
    assert_eq!(g.phase, Phase::Closing);
    let got = events(&g.act(GM, &Action::SkipTurn).expect("skips the closing turn"));
    assert!(matches!(got.as_slice(), [Event::TurnSkipped, Event::Ended(Outcome::Won { .. })]), "{got:?}");
}

#[test]
fn the_timer_settings_are_events_in_range_and_change_nothing_else() {
    let mut g = game();
    let before = view::for_seat(&g, TS);
    assert_eq!(
        events(&g.act(GM, &Action::ExtendTurn(30)).expect("ok")),
        vec![Event::TurnTimerExtended { seconds: 30 }]
    );
    assert_eq!(
        events(&g.act(GM, &Action::SetTurnTimer(Some(90))).expect("ok")),
        vec![Event::TurnTimerSet { seconds: Some(90) }]
    );
    assert_eq!(
        events(&g.act(GM, &Action::SetTurnTimer(None)).expect("ok")),
        vec![Event::TurnTimerSet { seconds: None }]
    );
    assert_eq!(g.act(GM, &Action::ExtendTurn(0)), Err(RuleError::ExtendRange));
    assert_eq!(g.act(GM, &Action::ExtendTurn(3601)), Err(RuleError::ExtendRange));
    assert_eq!(g.act(GM, &Action::SetTurnTimer(Some(4))), Err(RuleError::TimerRange));
    assert_eq!(g.act(GM, &Action::SetTurnTimer(Some(3601))), Err(RuleError::TimerRange));
    assert_eq!(g.act(Seat::Liaison, &Action::ExtendTurn(30)), Err(RuleError::NotYourRole("liaison".into())));
    let after = view::for_seat(&g, TS);
    assert_eq!((after.turn, after.second, &after.waiting), (before.turn, before.second, &before.waiting));
    // The game master may set the clock while the game is paused.
    g.act(GM, &Action::Pause).expect("pauses");
    g.act(GM, &Action::ExtendTurn(10)).expect("extends while paused");
    g.act(GM, &Action::SetTurnTimer(Some(60))).expect("sets while paused");
    // Every seat hears of it, in words.
    let last = g.log.last().expect("logged");
    for seat in [Seat::Liaison, TS, Seat::Spectator(0)] {
        assert!(view::sees(seat, last), "{seat:?}");
    }
    let said = words::event(last, Audience::Seat(TS), Context::default());
    assert_eq!(said.as_deref(), Some("[game] the turn timer is now 60 s a turn, starting with this one"));
}

#[test]
fn the_game_master_grants_the_hint_of_a_chosen_tier() {
    let mut g = game();
    let tier_text = |g: &Game, tier: u8| {
        g.scenario().game.hints.iter().find(|h| h.tier == tier).map(|h| h.text.clone()).expect("the tier exists")
    };
    let got = events(&g.act(GM, &Action::GrantHintTier(2)).expect("grants"));
    assert_eq!(got, vec![Event::Hint { tier: 2, text: tier_text(&g, 2) }]);
    assert!(g.hint_given(2) && !g.hint_given(1));
    assert_eq!(g.act(GM, &Action::GrantHintTier(2)), Err(RuleError::HintGiven(2)));
    assert_eq!(g.act(GM, &Action::GrantHintTier(4)), Err(RuleError::NoSuchHintTier(4, "1, 2, 3".into())));
    assert_eq!(g.act(Seat::Liaison, &Action::GrantHintTier(1)), Err(RuleError::NotYourRole("liaison".into())));
    // The next hint asked for is the lowest tier not given: 1, then 3.
    let next = events(&g.act(Seat::Liaison, &Action::RequestHint).expect("asks"));
    assert_eq!(next, vec![Event::Hint { tier: 1, text: tier_text(&g, 1) }]);
    let next = events(&g.act(GM, &Action::GrantHint).expect("grants"));
    assert_eq!(next, vec![Event::Hint { tier: 3, text: tier_text(&g, 3) }]);
    assert_eq!(g.act(GM, &Action::GrantHint), Err(RuleError::NoHints));
    assert_eq!(g.hints_given, 3);
    let master = match view::for_seat(&g, GM).panel {
        view::Panel::GameMaster(m) => m,
        other => panic!("{other:?}"),
    };
    assert!(master.hints.iter().all(|h| h.given), "{:?}", master.hints);
}

#[test]
fn a_free_form_inject_reaches_every_seat_and_the_public_board() {
    let mut g = game();
    let got = events(&g.act(GM, &Action::InjectMessage("The CEO joined the call \u{1b}[2J".into())).expect("ok"));
    assert_eq!(got, vec![Event::MessageInjected { text: "The CEO joined the call [2J".into() }]);
    let last = g.log.last().expect("logged");
    for seat in [Seat::Liaison, TS, Seat::Customer(0), Seat::Spectator(0), GM] {
        assert!(view::sees(seat, last), "{seat:?}");
    }
    let view::Panel::Spectator(board) = view::for_seat(&g, Seat::Spectator(0)).panel else { panic!("a board") };
    let injected =
        board.timeline.iter().any(|e| e.what == view::Public::Injected("The CEO joined the call [2J".into()));
    assert!(injected, "{:?}", board.timeline);
    let said = words::event(last, Audience::Seat(TS), Context::default());
    assert_eq!(said.as_deref(), Some("[inject] The CEO joined the call [2J"));
    assert_eq!(g.act(GM, &Action::InjectMessage("\u{1b}".into())), Err(RuleError::Empty));
    assert_eq!(g.act(TS, &Action::InjectMessage("hi".into())), Err(RuleError::NotYourRole("troubleshooter".into())));
}
