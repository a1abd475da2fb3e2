//! Keys on the hosted seats' game screens, through `update`, with views of real games: each
//! becomes the right game action for the seat, the seat's windows open and close as they
//! should, and keys that belong to other seats do nothing.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::*;
use crate::game::view;
use crate::game::{Action as GameAction, Game, IncidentState, Phase};
use crate::tui::catalog;

const CUSTOMER: Seat = Seat::Customer(0);

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert_eq!(press(app, KeyCode::Char(c)), Vec::new(), "typing {c:?}");
    }
}

/// A started game of `scenario` with every kind of seat taken.
fn table(scenario: &str) -> Game {
    let scenario = crate::scenario::builtin(scenario).expect("built in").expect("parses");
    let mut game = Game::new(scenario, 1).expect("builds");
    for (seat, name) in [
        (Seat::Liaison, "Lee"),
        (Seat::Troubleshooter(0), "Tam"),
        (CUSTOMER, "Dana"),
        (Seat::GameMaster, "Gil"),
        (Seat::Spectator(0), "Wall"),
    ] {
        game.seat(seat, name);
    }
    game.start();
    game
}

fn act_in(game: &mut Game, seat: Seat, action: &GameAction) {
    game.act(seat, action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

/// Two status updates posted and the customer asked to hold off.
fn with_updates(scenario: &str) -> Game {
    let mut game = table(scenario);
    for state in [IncidentState::Investigating, IncidentState::Identified] {
        let update = GameAction::StatusUpdate { state, text: format!("{} update", state.as_str()) };
        act_in(&mut game, Seat::Liaison, &update);
    }
    act_in(&mut game, Seat::Liaison, &GameAction::AskHoldOff);
    game
}

/// A hosted game screen holding `seat`, with its view of `game`.
fn seated(game: &Game, seat: Seat) -> App {
    let mut app = App::new(Keymap::default(), Theme::monochrome(), catalog::builtin(None));
    app.screen = Screen::Game(Box::new(GameScreen::hosted("first-deploy".to_owned(), seat)));
    update(&mut app, Msg::Views(vec![view::for_seat(game, seat)]));
    app
}

fn screen(app: &App) -> &GameScreen {
    match &app.screen {
        Screen::Game(game) => game,
        other => panic!("not the game screen: {other:?}"),
    }
}

fn act(seat: Seat, action: GameAction) -> Vec<Effect> {
    vec![Effect::Act { seat, action }]
}

#[test]
fn the_customer_prompt_replies_to_the_liaison() {
    let mut app = seated(&table("first-deploy"), CUSTOMER);
    assert_eq!(screen(&app).target(), Target::Reply);
    type_text(&mut app, "It broke after the release");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        act(CUSTOMER, GameAction::Reply("It broke after the release".to_owned()))
    );
    assert_eq!(screen(&app).input.value(), "");
    // Nowhere else to send: switching the target keeps the reply.
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::Reply);
}

#[test]
fn the_customer_rates_a_status_update_with_a_digit() {
    let mut app = seated(&with_updates("first-deploy"), CUSTOMER);
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.overlay, Some(Overlay::Rate { selected: 1 }), "the newest update comes selected");
    press(&mut app, KeyCode::Up);
    assert_eq!(app.overlay, Some(Overlay::Rate { selected: 0 }));
    for not_a_rating in ['0', '6', 'x'] {
        assert_eq!(press(&mut app, KeyCode::Char(not_a_rating)), Vec::new());
        assert_eq!(app.overlay, Some(Overlay::Rate { selected: 0 }));
    }
    assert_eq!(press(&mut app, KeyCode::Char('3')), act(CUSTOMER, GameAction::RateUpdate { update: 0, stars: 3 }));
    assert_eq!(app.overlay, None);
}

#[test]
fn nothing_to_rate_says_so() {
    let mut app = seated(&table("first-deploy"), CUSTOMER);
    assert_eq!(press(&mut app, KeyCode::F(4)), Vec::new());
    assert_eq!(app.overlay, None);
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("status update")), "{:?}", app.notice);
}

#[test]
fn a_mishap_needs_a_confirmation() {
    let mut app = seated(&table("first-deploy"), CUSTOMER);
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.overlay, Some(Overlay::Mishaps { selected: 0 }));
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    let confirm = Some(Overlay::ConfirmMishap { id: "rerun-pipeline".to_owned() });
    assert_eq!(app.overlay, confirm);
    assert_eq!(press(&mut app, KeyCode::Char('n')), Vec::new(), "no plays nothing");
    assert_eq!(app.overlay, Some(Overlay::Mishaps { selected: 0 }), "and goes back to the cards");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        act(CUSTOMER, GameAction::CauseMishap("rerun-pipeline".to_owned()))
    );
    assert_eq!(app.overlay, None);
}

#[test]
fn the_hold_off_is_answered_only_when_asked() {
    let mut app = seated(&table("first-deploy"), CUSTOMER);
    assert!(!app.footer_actions().contains(&Action::AnswerHoldOff));
    assert_eq!(press(&mut app, KeyCode::F(6)), Vec::new());
    assert_eq!(app.overlay, None);
    assert!(app.notice.as_ref().is_some_and(|n| n.error));

    let mut app = seated(&with_updates("first-deploy"), CUSTOMER);
    assert_eq!(app.footer_actions().first(), Some(&Action::AnswerHoldOff), "the question leads the footer");
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.overlay, Some(Overlay::HoldOff));
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new(), "Enter does not guess the answer");
    assert_eq!(app.overlay, Some(Overlay::HoldOff));
    assert_eq!(press(&mut app, KeyCode::Char('n')), act(CUSTOMER, GameAction::AnswerHoldOff { accept: false }));
    assert_eq!(app.overlay, None);
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None, "Esc leaves the answer for later");
}

#[test]
fn a_customer_has_no_responder_keys() {
    let mut app = seated(&with_updates("first-deploy"), CUSTOMER);
    for key in [KeyCode::F(5), KeyCode::F(3), KeyCode::Tab] {
        assert_eq!(press(&mut app, key), Vec::new(), "{key:?}");
        assert_eq!(app.overlay, None, "{key:?}");
    }
    assert!(!help_actions(&app).contains(&Action::EndTurn));
    assert!(help_actions(&app).contains(&Action::Rate));
}

#[test]
fn the_game_master_prompt_goes_to_console_chats_or_the_customers_voice() {
    let mut app = seated(&table("first-deploy"), Seat::GameMaster);
    let gm = Seat::GameMaster;
    type_text(&mut app, "get pods -A");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![
            Effect::Act { seat: gm, action: GameAction::Command("get pods -A".to_owned()) },
            Effect::Remember {
                profile: String::new(),
                scenario: "first-deploy".to_owned(),
                line: "get pods -A".to_owned()
            },
        ]
    );
    let expected = [
        (Target::TeamChat, GameAction::TeamChat("hi".to_owned())),
        (Target::CustomerChat, GameAction::CustomerChat("hi".to_owned())),
        (Target::AsCustomer, GameAction::SpeakAsCustomer("hi".to_owned())),
        (Target::Inject, GameAction::InjectMessage("hi".to_owned())),
    ];
    for (target, action) in expected {
        ctrl(&mut app, 't');
        assert_eq!(screen(&app).target(), target);
        type_text(&mut app, "hi");
        assert_eq!(press(&mut app, KeyCode::Enter), act(gm, action));
    }
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::Console, "and round again");
}

#[test]
fn speaking_as_the_customer_from_the_controls_and_back() {
    let mut app = seated(&table("first-deploy"), Seat::GameMaster);
    press(&mut app, KeyCode::F(4));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(screen(&app).target(), Target::AsCustomer);
    assert_eq!(screen(&app).tab, MasterTab::Chats, "the chat being written in shows");
    press(&mut app, KeyCode::Esc);
    assert_eq!(screen(&app).target(), Target::Console);
    assert_eq!(app.overlay, None, "Esc leaves the customer's voice, not the game");
}

#[test]
fn the_controls_pause_resume_hint_and_end() {
    let mut game = table("first-deploy");
    let gm = Seat::GameMaster;
    let mut app = seated(&game, gm);
    press(&mut app, KeyCode::F(4));
    assert_eq!(press(&mut app, KeyCode::Enter), act(gm, GameAction::Pause));

    act_in(&mut game, gm, &GameAction::Pause);
    update(&mut app, Msg::Views(vec![view::for_seat(&game, gm)]));
    assert_eq!(screen(&app).view().map(|v| v.phase.clone()), Some(Phase::Paused));
    press(&mut app, KeyCode::F(4));
    assert_eq!(press(&mut app, KeyCode::Enter), act(gm, GameAction::Resume), "paused, the first control resumes");

    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), act(gm, GameAction::GrantHint));

    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Up);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::ConfirmEnd));
    assert_eq!(press(&mut app, KeyCode::Char('n')), Vec::new());
    assert_eq!(app.overlay, None);
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert_eq!(press(&mut app, KeyCode::Enter), act(gm, GameAction::EndGame));
}

#[test]
fn injects_fire_once() {
    let mut game = table("two-problems");
    let gm = Seat::GameMaster;
    let mut app = seated(&game, gm);
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Some(Overlay::Injects { selected: 0 }));
    let first = "head-of-operations".to_owned();
    assert_eq!(press(&mut app, KeyCode::Enter), act(gm, GameAction::FireInject(first.clone())));

    act_in(&mut game, gm, &GameAction::FireInject(first));
    update(&mut app, Msg::Views(vec![view::for_seat(&game, gm)]));
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Some(Overlay::Injects { selected: 1 }), "the first one not fired comes selected");
    press(&mut app, KeyCode::Up);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new(), "a fired inject does not fire again");
    assert!(app.notice.as_ref().is_some_and(|n| n.error), "{:?}", app.notice);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::Master { selected: 1 }), "Esc goes back to the controls");
}

#[test]
fn tab_switches_the_masters_tabs_unless_completing_a_command() {
    let mut app = seated(&table("first-deploy"), Seat::GameMaster);
    assert_eq!(screen(&app).tab, MasterTab::Overview);
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).tab, MasterTab::Console);
    type_text(&mut app, "desc");
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).tab, MasterTab::Console, "Tab completed instead");
    assert_eq!(screen(&app).input.value(), "describe ");
}

#[test]
fn the_masters_script_scrolls_down_from_its_top() {
    let mut app = seated(&table("first-deploy"), Seat::GameMaster);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(screen(&app).tab, MasterTab::Script);
    press(&mut app, KeyCode::PageDown);
    let page = crate::tui::render::page_rows(&app);
    assert!(page > 10, "a page is the pane's height: {page}");
    assert_eq!(screen(&app).scroll, page, "page down reads on");
    press(&mut app, KeyCode::PageUp);
    assert_eq!(screen(&app).scroll, 0);
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).tab, MasterTab::Log);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(screen(&app).scroll, 0, "the log's newest line is already at the bottom");
}

#[test]
fn a_spectator_only_watches() {
    let mut app = seated(&with_updates("first-deploy"), Seat::Spectator(0));
    for c in "hello".chars() {
        assert_eq!(press(&mut app, KeyCode::Char(c)), Vec::new());
    }
    assert_eq!(screen(&app).input.value(), "", "nothing types");
    for key in [KeyCode::Enter, KeyCode::F(5), KeyCode::F(4), KeyCode::F(2), KeyCode::Tab] {
        assert_eq!(press(&mut app, key), Vec::new(), "{key:?}");
        assert_eq!(app.overlay, None, "{key:?}");
    }
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    assert_eq!(
        help_actions(&app),
        vec![Action::Help, Action::Quit, Action::Back, Action::PageUp, Action::PageDown, Action::Theme]
    );
}

#[test]
fn the_solo_help_lists_no_hosted_seat_keys() {
    let mut app = App::new(Keymap::default(), Theme::monochrome(), catalog::builtin(None));
    app.screen = Screen::Game(Box::new(GameScreen::new("first-deploy".to_owned())));
    let listed = help_actions(&app);
    for hosted in [Action::Rate, Action::Mishap, Action::AnswerHoldOff, Action::Master, Action::NextPane] {
        assert!(!listed.contains(&hosted), "{hosted:?}");
    }
    assert!(listed.contains(&Action::EndTurn) && listed.contains(&Action::Declare));
    assert_eq!(app.footer_actions().first(), Some(&Action::NextSeat), "solo play holds two seats");
    let hosted = GameScreen::hosted("first-deploy".to_owned(), Seat::Liaison);
    app.screen = Screen::Game(Box::new(hosted));
    assert!(!app.footer_actions().contains(&Action::NextSeat), "one seat: nothing to switch to");
}

#[test]
fn the_game_master_removes_a_player_from_the_controls() {
    let game = table("first-deploy");
    let gm = Seat::GameMaster;
    let mut app = seated(&game, gm);
    press(&mut app, KeyCode::F(4));
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::Remove { selected: 0 }));
    let players = removable(&app);
    assert!(!players.iter().any(|(seat, _)| *seat == gm), "the game master is not on the list: {players:?}");
    let at = players.iter().position(|(seat, _)| *seat == Seat::Troubleshooter(0)).expect("Tam is listed");
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Lobby(LobbyRequest::Kick(Seat::Troubleshooter(0)))]);
    assert_eq!(app.overlay, None);
}
