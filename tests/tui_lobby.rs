//! The hosted game's screens before the game (the join form, the host form, the lobby) as the
//! player sees them at 80×24 and 160×48, and the TUI's network session end to end: the real
//! driver, drawing to a `TestBackend`, joins a room on a real server on 127.0.0.1:0 next to a
//! library client, readies and starts the game, and a TUI that hosts gets a room to share. Those
//! wait for what the screen shows (the backend publishes each frame the driver draws) or what
//! the other client receives, never for a fixed time.

mod screen;

use screen::{Watched, draw, text_of, until_shown};

use std::time::Duration;

use insta::assert_snapshot;
use kombat::game::Seat;
use kombat::game::state::ChatLine;
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::{LobbyPlayer, LobbyView, RoleWish};
use kombat::net::server::{Server, ServerConfig};
use kombat::tui::app::{App, Effect, HostRequest, JoinRequest, Link, LobbyRequest, Msg, NetMsg, Screen, update};
use kombat::tui::catalog;
use kombat::tui::driver::{self, Settings};
use kombat::tui::keymap::Keymap;
use kombat::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::{mpsc, watch};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app() -> App {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    "alice".clone_into(&mut app.player_name);
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(key(code)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn snapshot_both(name: &str, app: &App) {
    for (w, h) in SIZES {
        assert_snapshot!(format!("{name}_{w}x{h}"), draw(app, w, h));
    }
}

/// Down to the menu entry with this label, then Enter.
fn open_menu(app: &mut App, label: &str) {
    for _ in 0..10 {
        if let Screen::Title { selected } = app.screen
            && kombat::tui::app::MenuItem::ALL.get(selected).is_some_and(|m| m.label() == label)
        {
            press(app, KeyCode::Enter);
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("no menu entry {label}");
}

fn player(seat: Seat, name: &str, ready: bool, connected: bool) -> LobbyPlayer {
    LobbyPlayer { seat, name: name.to_owned(), ready, connected }
}

fn lobby_view() -> LobbyView {
    LobbyView {
        code: "ABCDE-FGHJK".to_owned(),
        title: "Friday afternoon release".to_owned(),
        summary: "The shop team shipped version 1.4.2 of the storefront ten minutes ago. Since then the site \
                  answers with errors."
            .to_owned(),
        players: vec![
            player(Seat::GameMaster, "alice", true, true),
            player(Seat::Liaison, "bob", false, true),
            player(Seat::Troubleshooter(0), "carol\u{1b}]0;pwned\u{7}", true, false),
        ],
        limits: vec![
            (RoleWish::Liaison, 1),
            (RoleWish::Troubleshooter, 3),
            (RoleWish::Customer, 1),
            (RoleWish::GameMaster, 1),
            (RoleWish::Spectator, 50),
        ],
        chat: vec![
            ChatLine { turn: 0, second: 0, from: "bob".to_owned(), text: "hi all".to_owned() },
            ChatLine { turn: 0, second: 0, from: "carol".to_owned(), text: "brb \u{1b}[2J\u{202e}coffee".to_owned() },
        ],
        npc_customer: true,
    }
}

#[test]
fn the_join_form() {
    let mut app = new_app();
    open_menu(&mut app, "Join a game");
    type_text(&mut app, "ABCDE-FGHJK");
    snapshot_both("join_form", &app);
}

#[test]
fn the_host_form() {
    let mut app = new_app();
    open_menu(&mut app, "Host a game");
    snapshot_both("host_form", &app);
    press(&mut app, KeyCode::Down);
    for _ in 0..9 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "0.0.0.0:7878");
    let text = draw(&app, 80, 24);
    assert!(text.contains("other machines can join"), "{text}");
}

#[test]
fn the_lobby_of_a_hosted_room() {
    let mut app = new_app();
    open_menu(&mut app, "Host a game");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::Host(_)]), "{effects:?}");
    assert!(draw(&app, 80, 24).contains("connecting to 127.0.0.1:7878"));
    update(&mut app, Msg::Net(NetMsg::Hosting { share: "kombat join 192.0.2.7:7878 --code ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::GameMaster, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    type_text(&mut app, "welcome!");
    snapshot_both("lobby_host", &app);
    // Escape, bell and bidi controls never reach a cell; what is left of them is plain text.
    let text = draw(&app, 160, 48);
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "control characters reached the screen:\n{text}");
}

#[test]
fn the_lobby_while_reconnecting() {
    let mut app = new_app();
    open_menu(&mut app, "Join a game");
    type_text(&mut app, "ABCDE-FGHJK");
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::Liaison, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    update(&mut app, Msg::Net(NetMsg::Reconnecting { attempt: 3, reason: "connection reset by peer".to_owned() }));
    let text = draw(&app, 80, 24);
    assert!(text.contains("reconnecting, attempt 3"), "{text}");
}

/// How long any one awaited thing may take, on a slow machine.
const PATIENCE: Duration = Duration::from_secs(20);

/// The driver on a watched `TestBackend`, fed keys through a channel; returns the app and its
/// last frame when input ends, and shows each frame it draws as it draws it.
fn spawn_driver(
    app: App,
    settings: Settings,
    width: u16,
    height: u16,
) -> (mpsc::Sender<TermEvent>, tokio::task::JoinHandle<(App, String)>, watch::Receiver<String>) {
    let (keys, input) = mpsc::channel(64);
    let (backend, frames) = Watched::new(width, height);
    let task = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend).expect("terminal");
        let app =
            driver::run(&mut terminal, app, input, settings, std::future::pending()).await.expect("the driver runs");
        let shown = text_of(terminal.backend().buffer());
        (app, shown)
    });
    (keys, task, frames)
}

/// Keys reach the driver in order, and it handles each before reading the next: no waits
/// between them.
async fn send_keys(keys: &mpsc::Sender<TermEvent>, codes: impl IntoIterator<Item = KeyCode>) {
    for code in codes {
        keys.send(TermEvent::Key(key(code))).await.expect("the driver listens");
    }
}

fn chars(text: &str) -> impl Iterator<Item = KeyCode> + '_ {
    text.chars().map(KeyCode::Char)
}

/// Events until one matches, within a deadline.
async fn until(client: &mut Client, what: &str, mut matches: impl FnMut(&ClientEvent) -> bool) -> ClientEvent {
    let wait = async {
        loop {
            match client.next_event().await {
                Some(event) if matches(&event) => return event,
                Some(_) => {}
                None => panic!("the session ended while waiting for {what}"),
            }
        }
    };
    tokio::time::timeout(PATIENCE, wait).await.unwrap_or_else(|_| panic!("no {what} in {PATIENCE:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_joins_a_hosted_room_readies_starts_and_plays() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("addr");
    let code = server.create_room("first-deploy").await.expect("room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    // The TUI joins first, so it is the room's creator and may take the game master's seat.
    let request = JoinRequest {
        server: addr.to_string(),
        code: code.clone(),
        name: "alice".to_owned(),
        role: RoleWish::GameMaster,
    };
    let mut app = new_app();
    let join = kombat::tui::app::open_lobby(&mut app, request);
    let settings = Settings { first: vec![join], ..Settings::default() };
    let (keys, tui, mut frames) = spawn_driver(app, settings, 120, 40);
    // The first to join is the room's creator: bob joins once the TUI sits in the lobby.
    until_shown(&mut frames, "alice seated in the lobby", PATIENCE, |f| f.contains("alice (you)")).await;

    let config = ClientConfig::new(addr.to_string(), code.clone(), "bob", RoleWish::Troubleshooter);
    let mut bob = Client::connect(config).await.expect("bob joins");
    until(&mut bob, "alice in the lobby", |e| {
        matches!(e, ClientEvent::Lobby(l) if l.players.iter().any(|p| p.name == "alice" && p.seat == Seat::GameMaster))
    })
    .await;

    // Lobby chat and ready from the TUI reach bob.
    send_keys(&keys, chars("hello bob").chain([KeyCode::Enter, KeyCode::F(5)])).await;
    until(&mut bob, "alice's chat and ready", |e| {
        matches!(e, ClientEvent::Lobby(l)
            if l.chat.iter().any(|c| c.text == "hello bob") && l.players.iter().any(|p| p.name == "alice" && p.ready))
    })
    .await;

    // F6 starts the game once the server has bob's ready: bob gets his troubleshooter's view.
    bob.send(ClientCommand::Ready(true)).await.expect("ready");
    until(
        &mut bob,
        "bob's own ready",
        |e| matches!(e, ClientEvent::Lobby(l) if l.players.iter().any(|p| p.name == "bob" && p.ready)),
    )
    .await;
    send_keys(&keys, [KeyCode::F(6)]).await;
    until(&mut bob, "the game's first view", |e| matches!(e, ClientEvent::View(_))).await;
    until_shown(&mut frames, "the game master's screen at the console", PATIENCE, |f| {
        f.contains("[ game master ]") && f.contains("console $")
    })
    .await;
    // Team chat from the game master's screen (ctrl-t: from the console to the team chat)
    // reaches bob's view, and bob's reaches the game master's screen.
    keys.send(TermEvent::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL))).await.expect("keys");
    bob.act(kombat::game::Action::TeamChat("web pods cannot pull their image".to_owned())).await.expect("bob acts");
    send_keys(&keys, chars("look at the web pods").chain([KeyCode::Enter])).await;
    until(
        &mut bob,
        "the game master's words",
        |e| matches!(e, ClientEvent::View(v) if format!("{:?}", v.panel).contains("look at the web pods")),
    )
    .await;
    // Chat lines wrap in the team chat panel: its first words will do.
    until_shown(&mut frames, "bob's chat", PATIENCE, |f| f.contains("# bob: web pods")).await;
    drop(keys);
    let (app, shown) = tui.await.expect("the driver ends");
    let Screen::Game(game) = &app.screen else { panic!("not on the game screen: {:?}\n{shown}", app.screen) };
    assert_eq!(game.seats, vec![Seat::GameMaster]);
    assert_eq!(app.hosted.as_ref().map(|h| h.seat), Some(Seat::GameMaster));
    assert!(shown.contains("Friday afternoon release"), "{shown}");
    let seen = game.views.first().map(|v| format!("{:?}", v.panel)).unwrap_or_default();
    assert!(seen.contains("web pods cannot pull their image"), "bob's chat is not in the view: {seen}");

    let _ = stop.send(());
    let _ = tokio::time::timeout(PATIENCE, serving).await;
}

/// The game master's F8 during a hosted game: the player, then the seat, and the move is the
/// room's (`LobbyRequest::Move`, as `/move` sends it): the player moved plays the new seat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_game_master_moves_a_player_mid_game_from_the_tui() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("addr");
    let code = server.create_room("first-deploy").await.expect("room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let request = JoinRequest {
        server: addr.to_string(),
        code: code.clone(),
        name: "alice".to_owned(),
        role: RoleWish::GameMaster,
    };
    let mut app = new_app();
    let join = kombat::tui::app::open_lobby(&mut app, request);
    let settings = Settings { first: vec![join], ..Settings::default() };
    let (keys, tui, mut frames) = spawn_driver(app, settings, 120, 40);
    until_shown(&mut frames, "alice seated in the lobby", PATIENCE, |f| f.contains("alice (you)")).await;
    let config = ClientConfig::new(addr.to_string(), code.clone(), "bob", RoleWish::Troubleshooter);
    let mut bob = Client::connect(config).await.expect("bob joins");
    until(&mut bob, "alice in the lobby", |e| {
        matches!(e, ClientEvent::Lobby(l) if l.players.iter().any(|p| p.name == "alice" && p.seat == Seat::GameMaster))
    })
    .await;
    bob.send(ClientCommand::Ready(true)).await.expect("ready");
    until(
        &mut bob,
        "bob's own ready",
        |e| matches!(e, ClientEvent::Lobby(l) if l.players.iter().any(|p| p.name == "bob" && p.ready)),
    )
    .await;
    send_keys(&keys, [KeyCode::F(6)]).await;
    until(
        &mut bob,
        "the game's first view",
        |e| matches!(e, ClientEvent::View(v) if v.seat == Seat::Troubleshooter(0)),
    )
    .await;
    until_shown(&mut frames, "the game master's screen", PATIENCE, |f| f.contains("[ game master ]")).await;

    // F8: bob is the only other player; the liaison's seat, nobody's, is the first listed.
    send_keys(&keys, [KeyCode::F(8)]).await;
    until_shown(&mut frames, "the players to move", PATIENCE, |f| f.contains("Whom to move?") && f.contains("bob"))
        .await;
    send_keys(&keys, [KeyCode::Enter]).await;
    until_shown(&mut frames, "the seats to move bob to", PATIENCE, |f| {
        f.contains("Move the troubleshooter 1 to which seat?") && f.contains("liaison") && f.contains("free")
    })
    .await;
    send_keys(&keys, [KeyCode::Enter]).await;
    until(&mut bob, "bob moved", |e| matches!(e, ClientEvent::Moved(Seat::Liaison))).await;
    let view =
        until(&mut bob, "the liaison's view", |e| matches!(e, ClientEvent::View(v) if v.seat == Seat::Liaison)).await;
    let ClientEvent::View(view) = view else { unreachable!("matched a view") };
    assert!(matches!(view.panel, kombat::game::view::Panel::Liaison(_)), "bob plays the liaison now");
    assert!(view.table.iter().any(|s| s.seat == Seat::Liaison && s.name == "bob"), "{:?}", view.table);
    // The game master's screen follows: the window is closed, and the turn waits for the liaison.
    until_shown(&mut frames, "the turn waiting for the liaison", PATIENCE, |f| {
        f.contains("waits for liaison") && !f.contains("Move the")
    })
    .await;
    drop(keys);
    let _ = tokio::time::timeout(PATIENCE, tui).await;
    let _ = stop.send(());
    let _ = tokio::time::timeout(PATIENCE, serving).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_hosts_a_room_and_sits_in_it() {
    let dir = std::env::temp_dir().join(format!("kombat-tui-host-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let request = HostRequest {
        scenario: "first-deploy".to_owned(),
        bind: "127.0.0.1:0".to_owned(),
        name: "alice".to_owned(),
        role: RoleWish::GameMaster,
        difficulty: kombat::game::Difficulty::Hard,
        turn_timer: Some(60),
        break_phase: None,
    };
    let settings = Settings { data_dir: Some(dir.clone()), first: vec![Effect::Host(request)], ..Settings::default() };
    // The driver carries out `first` before it reads keys; the lobby screen is what `Host`
    // leaves the model on, so put the app there the way the host form does.
    let mut app = new_app();
    open_menu(&mut app, "Host a game");
    press(&mut app, KeyCode::Enter);
    let (keys, task, mut frames) = spawn_driver(app, settings, 120, 40);
    until_shown(&mut frames, "alice seated in her own room", PATIENCE, |f| {
        f.contains("alice (you)") && f.contains("connected · you sit in the game master seat")
    })
    .await;
    drop(keys);
    let (app, shown) = tokio::time::timeout(PATIENCE, task).await.expect("ends").expect("runs");
    let Screen::Lobby(lobby) = &app.screen else { panic!("not in the lobby: {:?}", app.screen) };
    let share = lobby.share.clone().expect("a line to share");
    let code = lobby.code.clone().expect("joined");
    assert!(share.starts_with("kombat join 127.0.0.1:") && share.ends_with(&format!("--code {code}")), "{share}");
    assert_eq!(lobby.seat, Some(Seat::GameMaster));
    assert_eq!(lobby.link, Link::Connected);
    let players = lobby.lobby.as_ref().map(|l| l.players.clone()).unwrap_or_default();
    assert_eq!(players.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["alice"]);
    assert!(shown.contains(&code), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The view `seat` has of a hosted game the game master ended.
fn ended_view(seat: Seat) -> kombat::game::view::RoleView {
    let scenario = kombat::scenario::builtin(kombat::scenario::DEFAULT_ID).expect("exists").expect("parses");
    let mut game = kombat::game::Game::new(scenario, 7).expect("builds");
    game.seat(Seat::GameMaster, "alice");
    game.seat(Seat::Liaison, "Lee");
    game.start();
    game.act(Seat::GameMaster, &kombat::game::Action::EndGame).expect("the game master ends it");
    kombat::game::view::for_seat(&game, seat)
}

/// A TUI in a hosted room's game, seated in `seat`, shown the end of the game.
fn hosted_debrief(seat: Seat) -> App {
    let mut app = new_app();
    open_menu(&mut app, "Join a game");
    type_text(&mut app, "ABCDE-FGHJK");
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    update(&mut app, Msg::Views(vec![ended_view(seat)]));
    app
}

#[test]
fn the_game_master_plays_again_from_a_hosted_debrief() {
    let mut app = hosted_debrief(Seat::GameMaster);
    assert!(matches!(app.screen, Screen::Debrief(_)), "the debrief takes over");
    snapshot_both("debrief_hosted_game_master", &app);
    let effects = press(&mut app, KeyCode::Char('r'));
    assert_eq!(effects, vec![Effect::Lobby(LobbyRequest::PlayAgain { next: false })]);
    assert!(matches!(app.screen, Screen::Debrief(_)), "the debrief stays until the room answers");
    let effects = press(&mut app, KeyCode::Char('n'));
    assert_eq!(effects, vec![Effect::Lobby(LobbyRequest::PlayAgain { next: true })]);

    // The room plays again: the lobby comes back, the seat and the room as they were.
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    let Screen::Lobby(lobby) = &app.screen else { panic!("back in the lobby") };
    assert_eq!(lobby.seat, Some(Seat::GameMaster));
    assert_eq!(lobby.code.as_deref(), Some("ABCDE-FGHJK"));
    assert_eq!(lobby.link, Link::Connected);
    assert!(draw(&app, 80, 24).contains("plays again"));
}

#[test]
fn a_player_at_a_table_with_a_game_master_waits_for_them_to_play_again() {
    let mut app = hosted_debrief(Seat::Liaison);
    let Screen::Debrief(debrief) = &app.screen else { panic!("the debrief takes over") };
    assert_eq!(debrief.buttons(), &[kombat::tui::app::DebriefButton::Menu]);
    assert!(press(&mut app, KeyCode::Char('r')).is_empty(), "no play again for the liaison");
    // Moved by the game master meanwhile: the next lobby shows the new seat.
    update(&mut app, Msg::Net(NetMsg::Moved(Seat::Troubleshooter(0))));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    let Screen::Lobby(lobby) = &app.screen else { panic!("back in the lobby") };
    assert_eq!(lobby.seat, Some(Seat::Troubleshooter(0)));
}

#[test]
fn the_game_master_moves_the_selected_player_to_the_next_seat() {
    let mut app = new_app();
    open_menu(&mut app, "Host a game");
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::GameMaster, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    // The footer offers it to the game master.
    assert!(draw(&app, 160, 48).contains("move"), "{}", draw(&app, 160, 48));
    press(&mut app, KeyCode::Down);
    let effects = press(&mut app, KeyCode::F(8));
    let to_first_troubleshooter = LobbyRequest::Move { from: Seat::Liaison, to: Seat::Troubleshooter(0) };
    assert_eq!(effects, vec![Effect::Lobby(to_first_troubleshooter)]);
    press(&mut app, KeyCode::Down);
    let effects = press(&mut app, KeyCode::F(8));
    let on = LobbyRequest::Move { from: Seat::Troubleshooter(0), to: Seat::Troubleshooter(1) };
    assert_eq!(effects, vec![Effect::Lobby(on)]);
    // After the last customer seat comes the liaison's again; the game master's never moves.
    let lobby = lobby_view();
    assert_eq!(kombat::tui::app::next_seat(&lobby, Seat::Customer(0)), Some(Seat::Liaison));
    assert_eq!(kombat::tui::app::next_seat(&lobby, Seat::Spectator(4)), Some(Seat::Liaison));
    assert_eq!(kombat::tui::app::next_seat(&lobby, Seat::GameMaster), None);
}

#[test]
fn only_the_game_master_moves_players_in_the_lobby() {
    let mut app = new_app();
    open_menu(&mut app, "Join a game");
    type_text(&mut app, "ABCDE-FGHJK");
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::Liaison, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view())));
    assert!(press(&mut app, KeyCode::F(8)).is_empty());
    assert!(draw(&app, 80, 24).contains("only the game master moves players"));
}
