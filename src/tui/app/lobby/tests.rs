//! Synthetic keys and network news through `update`: the join and host forms, the lobby's
//! chat, ready, start and kick, the way into the game screen and back out when the room closes.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::{App, DebriefScreen, Effect, Msg, Screen, update};
use super::*;
use crate::game::view;
use crate::game::{Game, Phase};
use crate::net::client::LobbyPlayer;
use crate::tui::catalog;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

fn app() -> App {
    let mut app = App::new(Keymap::default(), Theme::monochrome(), catalog::builtin(None));
    "alice".clone_into(&mut app.player_name);
    app
}

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

/// From the title to the menu entry `item` (by its place in the menu).
fn open(app: &mut App, item: MenuItem) {
    let at = MenuItem::ALL.iter().position(|m| *m == item).expect("in the menu");
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    assert_eq!(press(app, KeyCode::Enter), Vec::new());
}

use super::super::MenuItem;

fn lobby(app: &App) -> &LobbyScreen {
    match &app.screen {
        Screen::Lobby(lobby) => lobby,
        other => panic!("not the lobby: {other:?}"),
    }
}

fn lobby_view(players: &[(Seat, &str, bool)]) -> LobbyView {
    LobbyView {
        code: "ABCDE-FGHJK".to_owned(),
        title: "Friday afternoon release".to_owned(),
        summary: "The shop team shipped a release.".to_owned(),
        players: players
            .iter()
            .map(|(seat, name, ready)| LobbyPlayer {
                seat: *seat,
                name: (*name).to_owned(),
                ready: *ready,
                connected: true,
            })
            .collect(),
        limits: vec![(RoleWish::Liaison, 1), (RoleWish::Troubleshooter, 3)],
        chat: Vec::new(),
        npc_customer: true,
    }
}

/// Joined as `seat` through the join form, with the lobby as the server first shows it.
fn seated(seat: Seat) -> App {
    let mut app = app();
    open(&mut app, MenuItem::Join);
    type_text(&mut app, "ABCDE-FGHJK");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::Join(_)]), "{effects:?}");
    update(&mut app, Msg::Net(NetMsg::Joined { seat, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view(&[(seat, "alice", false), (Seat::Liaison, "bob", false)]))));
    app
}

#[test]
fn the_join_form_sends_what_was_typed_and_keeps_it_after_a_refusal() {
    let mut app = app();
    open(&mut app, MenuItem::Join);
    let Screen::Join(form) = &app.screen else { panic!("not the join form: {:?}", app.screen) };
    assert_eq!(form.focus, 1, "the code is typed first");
    // Enter without a code says what is missing and stays.
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("join code")), "{:?}", app.notice);
    type_text(&mut app, "abcde-fghjk");
    // The name field types `q`, `k` and `?` like any letter.
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "qk?");
    // The role cycles with the arrows: any → liaison → troubleshooter.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    let effects = press(&mut app, KeyCode::Enter);
    let expected = JoinRequest {
        server: "127.0.0.1:7878".to_owned(),
        code: "abcde-fghjk".to_owned(),
        name: "aliceqk?".to_owned(),
        role: RoleWish::Troubleshooter,
    };
    assert_eq!(effects, vec![Effect::Join(expected.clone())]);
    assert_eq!(lobby(&app).link, Link::Connecting);
    update(&mut app, Msg::Net(NetMsg::Failed("the server refused: no room has that code".to_owned())));
    let Screen::Join(form) = &app.screen else { panic!("not back on the form: {:?}", app.screen) };
    assert_eq!(form.request(), Ok(expected));
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("no room has that code")));
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert!(matches!(app.screen, Screen::Title { .. }));
}

#[test]
fn the_host_form_hosts_the_chosen_scenario_in_the_chosen_seat() {
    let mut app = app();
    open(&mut app, MenuItem::Host);
    // The form opens on the default incident; Right picks the one after it.
    let default = app.catalog.iter().position(|e| e.id == crate::scenario::DEFAULT_ID).expect("the default is listed");
    press(&mut app, KeyCode::Right);
    let second = app.catalog.get(default + 1).expect("a scenario after the default").id.clone();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "90");
    let effects = press(&mut app, KeyCode::Enter);
    let role = *HOST_ROLES.last().expect("roles");
    let expected = HostRequest {
        scenario: second,
        bind: "127.0.0.1:7878".to_owned(),
        name: "alice".to_owned(),
        role,
        difficulty: crate::game::Difficulty::Normal,
        turn_timer: Some(90),
        break_phase: None,
    };
    assert_eq!(effects, vec![Effect::Host(expected)]);
    update(&mut app, Msg::Net(NetMsg::Hosting { share: "kombat join 127.0.0.1:7878 --code X".to_owned() }));
    assert_eq!(lobby(&app).share.as_deref(), Some("kombat join 127.0.0.1:7878 --code X"));
}

#[test]
fn the_host_forms_turn_timer_is_blank_for_none_and_bounded() {
    let mut app = app();
    open(&mut app, MenuItem::Host);
    let Some(Effect::Host(request)) = press(&mut app, KeyCode::Enter).pop() else { panic!("hosts") };
    assert_eq!(request.turn_timer, None, "blank: no timer");
    for (typed, refused) in [("3", true), ("3601", true), ("soon", true), ("5", false), ("off", false)] {
        let mut app = self::app();
        open(&mut app, MenuItem::Host);
        for _ in 0..4 {
            press(&mut app, KeyCode::Down);
        }
        type_text(&mut app, typed);
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(effects.is_empty(), refused, "{typed}: {effects:?}");
        if refused {
            assert!(matches!(app.screen, Screen::HostSetup(_)));
            let said = app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
            assert!(said.contains("5 to 3600 seconds"), "{typed}: {said}");
        }
    }
}

#[test]
fn a_bad_listen_address_is_refused_on_the_form() {
    let mut app = app();
    open(&mut app, MenuItem::Host);
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "x");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(matches!(app.screen, Screen::HostSetup(_)));
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("not an address")), "{:?}", app.notice);
}

#[test]
fn the_lobby_chats_readies_starts_and_kicks() {
    let mut app = seated(Seat::GameMaster);
    assert_eq!(lobby(&app).seat, Some(Seat::GameMaster));
    type_text(&mut app, "hello q");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Lobby(LobbyRequest::Chat("hello q".to_owned()))]);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new(), "an empty line sends nothing");
    assert_eq!(press(&mut app, KeyCode::F(5)), vec![Effect::Lobby(LobbyRequest::Ready(true))]);
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view(&[(Seat::GameMaster, "alice", true)]))));
    assert_eq!(press(&mut app, KeyCode::F(5)), vec![Effect::Lobby(LobbyRequest::Ready(false))]);
    assert_eq!(press(&mut app, KeyCode::F(6)), vec![Effect::Lobby(LobbyRequest::Start)]);
    update(
        &mut app,
        Msg::Net(NetMsg::Lobby(lobby_view(&[(Seat::GameMaster, "alice", true), (Seat::Liaison, "bob", false)]))),
    );
    // Kicking yourself is refused before it reaches the server.
    assert_eq!(ctrl(&mut app, 'k'), Vec::new());
    press(&mut app, KeyCode::Down);
    assert_eq!(ctrl(&mut app, 'k'), vec![Effect::Lobby(LobbyRequest::Kick(Seat::Liaison))]);
}

#[test]
fn only_the_game_master_kicks() {
    let mut app = seated(Seat::Liaison);
    press(&mut app, KeyCode::Down);
    assert_eq!(ctrl(&mut app, 'k'), Vec::new());
    assert!(app.notice.as_ref().is_some_and(|n| n.text.contains("only the game master")), "{:?}", app.notice);
}

#[test]
fn the_first_view_opens_the_seat_s_game_screen_and_the_debrief_offers_only_the_menu() {
    let mut app = seated(Seat::Liaison);
    let scenario = crate::scenario::builtin("first-deploy").expect("built in").expect("parses");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "alice");
    game.seat(Seat::Troubleshooter(0), "bob");
    game.seat(Seat::GameMaster, "gm");
    game.start();
    let effects = update(&mut app, Msg::Views(vec![view::for_seat(&game, Seat::Liaison)]));
    assert_eq!(effects, vec![Effect::LoadHistory { profile: "alice".to_owned(), scenario: HOSTED_HISTORY.to_owned() }]);
    let Screen::Game(screen) = &app.screen else { panic!("not the game screen: {:?}", app.screen) };
    assert_eq!(screen.seats, vec![Seat::Liaison]);
    assert_eq!(screen.seat(), Seat::Liaison);
    // The game master ends it: the debrief of a hosted game has no "play again".
    game.act(Seat::GameMaster, &crate::game::Action::EndGame).expect("the game master may end the game");
    assert!(matches!(game.phase, Phase::Ended(_)));
    update(&mut app, Msg::Views(vec![view::for_seat(&game, Seat::Liaison)]));
    let Screen::Debrief(d) = &app.screen else { panic!("not the debrief: {:?}", app.screen) };
    let d: &DebriefScreen = d;
    assert!(d.hosted);
    assert_eq!(d.buttons(), &[super::super::DebriefButton::Menu]);
    assert_eq!(press(&mut app, KeyCode::Char('r')), Vec::new(), "no playing again from a hosted debrief");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::LeaveGame]);
    assert!(matches!(app.screen, Screen::Title { .. }));
    assert_eq!(app.hosted, None);
}

#[test]
fn a_closed_room_goes_back_to_the_title_and_says_why() {
    let mut app = seated(Seat::Liaison);
    let effects = update(&mut app, Msg::Net(NetMsg::Closed("kicked by the game master".to_owned())));
    assert_eq!(effects, vec![Effect::LeaveGame]);
    assert!(matches!(app.screen, Screen::Title { .. }));
    assert!(app.notice.as_ref().is_some_and(|n| n.text.contains("kicked by the game master")));
    assert_eq!(app.hosted, None);
}

#[test]
fn reconnecting_is_shown_and_cleared() {
    let mut app = seated(Seat::Liaison);
    update(&mut app, Msg::Net(NetMsg::Reconnecting { attempt: 2, reason: "connection reset".to_owned() }));
    assert!(matches!(lobby(&app).link, Link::Reconnecting { attempt: 2, .. }));
    update(&mut app, Msg::Net(NetMsg::Resumed));
    assert_eq!(lobby(&app).link, Link::Connected);
}

#[test]
fn leaving_the_lobby_asks_first() {
    let mut app = seated(Seat::Liaison);
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert_eq!(app.overlay, Some(super::super::Overlay::ConfirmLeave));
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::LeaveGame]);
    assert!(matches!(app.screen, Screen::Title { .. }));
}
