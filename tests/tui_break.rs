//! The break phase in the game screen (issue 14 item 4): the customer seat's card table in a
//! hosted lobby at 80×24 and 160×48 (fresh, after a pick, after a refused proof, after a proven
//! one), a responder's lobby in the same room (no table), and the Host form's break field. The
//! server's side is played by `game::breaking` itself: each request the keys send is checked and
//! applied there, and its card table is what the screen gets next, as the table task does.

mod screen;

use screen::draw;

use std::sync::Arc;

use insta::assert_snapshot;
use kombat::game::breaking::{BreakRequest, BreakView, Breaking, Fairness, NotYet};
use kombat::game::draw::{Request, draw as draw_incident};
use kombat::game::{Difficulty, Seat};
use kombat::net::client::LobbyView;
use kombat::net::hosting::BreakPhase;
use kombat::net::protocol::{LobbyPlayer, RoleWish};
use kombat::tui::app::{App, CardRow, Effect, LobbyFocus, LobbyRequest, MenuItem, Msg, NetMsg, Screen, update};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const BASELINE: &str = "shop";
const SEED: u64 = 7;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(key(code)))
}

fn snapshot_both(name: &str, app: &App) {
    for (w, h) in SIZES {
        assert_snapshot!(format!("{name}_{w}x{h}"), draw(app, w, h));
    }
}

/// The room's break phase as the server keeps it: the shop baseline at normal difficulty.
fn breaking() -> Breaking {
    let deck = Arc::new(kombat::scenario::cards().expect("the cards load"));
    let business = kombat::scenario::baselines()
        .expect("the baselines load")
        .into_iter()
        .find(|b| b.id == BASELINE)
        .expect("the shop baseline");
    Breaking::new(deck, Arc::new(business), Difficulty::Normal, SEED).expect("the baseline builds")
}

/// What the server does with a customer seat's request: checks it, applies its event, and sends
/// the card table again (a refusal comes back as a notice).
fn serve(breaking: &mut Breaking, app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        let Effect::Lobby(LobbyRequest::Break(request)) = effect else { panic!("not a break request: {effect:?}") };
        match breaking.execute(&request) {
            Ok(event) => {
                if let Some(event) = event {
                    breaking.apply(event);
                }
                update(app, Msg::Net(NetMsg::Break(Box::new(breaking.view()))));
            }
            Err(refused) => {
                update(app, Msg::Net(NetMsg::Notice(refused.to_string())));
            }
        }
    }
}

fn player(seat: Seat, name: &str, ready: bool) -> LobbyPlayer {
    LobbyPlayer { seat, name: name.to_owned(), ready, connected: true }
}

/// The lobby of a room with a break phase, as the table describes it to everyone.
fn lobby_view(breaking: &Breaking) -> LobbyView {
    let business = breaking.business();
    LobbyView {
        code: "ABCDE-FGHJK".to_owned(),
        title: business.title.clone(),
        summary: format!(
            "{}\n\nBreak phase: the customer team is composing the incident; the game starts once it is proven fair.",
            business.summary
        ),
        players: vec![
            player(Seat::GameMaster, "gm", true),
            player(Seat::Liaison, "lee", false),
            player(Seat::Troubleshooter(0), "tess", true),
            player(Seat::Customer(0), "cass", false),
        ],
        limits: vec![
            (RoleWish::Liaison, 1),
            (RoleWish::Troubleshooter, 2),
            (RoleWish::Customer, 1),
            (RoleWish::GameMaster, 1),
            (RoleWish::Spectator, 50),
        ],
        chat: vec![kombat::game::state::ChatLine {
            turn: 0,
            second: 0,
            from: "lee".to_owned(),
            text: "ready when you are".to_owned(),
        }],
        npc_customer: false,
    }
}

/// A TUI joined to the room in `seat`, its lobby shown.
fn joined(seat: Seat, name: &str, breaking: &Breaking) -> App {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    name.clone_into(&mut app.player_name);
    let request = kombat::tui::app::JoinRequest {
        server: "127.0.0.1:7878".to_owned(),
        code: "ABCDE-FGHJK".to_owned(),
        name: name.to_owned(),
        role: RoleWish::of_seat(seat),
    };
    kombat::tui::app::open_lobby(&mut app, request);
    update(&mut app, Msg::Net(NetMsg::Joined { seat, code: "ABCDE-FGHJK".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Lobby(lobby_view(breaking))));
    app
}

/// The customer's TUI with the room's first card table.
fn customer(breaking: &Breaking) -> App {
    let mut app = joined(Seat::Customer(0), "cass", breaking);
    update(&mut app, Msg::Net(NetMsg::Break(Box::new(breaking.view()))));
    app
}

fn table(app: &App) -> &kombat::tui::app::CardTable {
    let Screen::Lobby(lobby) = &app.screen else { panic!("not in the lobby: {:?}", app.screen) };
    lobby.break_table.as_ref().expect("a card table")
}

/// Down to the row of `card`, then right until it aims at `target`.
fn aim(app: &mut App, card: &str, target: &str) {
    for _ in 0..40 {
        if table(app).selected_row().is_some_and(|r| r.card() == card) {
            break;
        }
        press(app, KeyCode::Down);
    }
    let Some(CardRow::Hand(hand)) = table(app).selected_row() else { panic!("{card} is not in the hand") };
    assert_eq!(hand.card, card, "no row for {card}");
    for _ in 0..hand.targets.len() {
        if table(app)
            .selected_row()
            .is_some_and(|r| matches!(r, CardRow::Hand(c) if table(app).target_of(c) == Some(target)))
        {
            return;
        }
        press(app, KeyCode::Right);
    }
    panic!("{card} cannot aim at {target}");
}

#[test]
fn the_card_table_fresh_and_after_a_pick() {
    let mut server = breaking();
    let mut app = customer(&server);
    snapshot_both("break_fresh", &app);

    // The second card of the hand on its second target: ↓, →, Enter send the pick line mode's
    // `/pick CARD TARGET` sends.
    let view = server.view();
    let second =
        view.hand.iter().find(|c| c.targets.len() > 1 && c.card != view.hand[0].card).expect("a card with targets");
    aim(&mut app, &second.card, &second.targets[1]);
    let effects = press(&mut app, KeyCode::Enter);
    let pick = BreakRequest::Pick { card: second.card.clone(), target: Some(second.targets[1].clone()) };
    assert_eq!(effects, vec![Effect::Lobby(LobbyRequest::Break(pick))]);
    serve(&mut server, &mut app, effects);
    assert_eq!(table(&app).view.picks.len(), 1);
    assert_eq!(
        table(&app).selected_row().map(|r| r.card().to_owned()),
        Some(second.card.clone()),
        "the selection follows it"
    );
    snapshot_both("break_after_pick", &app);

    // Enter on the pick takes it back (`/drop CARD`), and the budget with it.
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Lobby(LobbyRequest::Break(BreakRequest::Drop(second.card.clone())))]);
    serve(&mut server, &mut app, effects);
    assert_eq!(table(&app).view.left, table(&app).view.budget);
}

#[test]
fn keys_at_the_table_do_not_type_and_tab_goes_to_the_chat() {
    let server = breaking();
    let mut app = customer(&server);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    let Screen::Lobby(lobby) = &app.screen else { panic!("lobby") };
    assert_eq!(lobby.input.value(), "", "nothing typed at the table");
    press(&mut app, KeyCode::Tab);
    for c in "hi".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Lobby(LobbyRequest::Chat("hi".to_owned()))]);
    // The prove key works from the chat too; with nothing picked it says so and sends nothing.
    assert!(press(&mut app, KeyCode::F(2)).is_empty());
    assert!(app.notice.as_ref().is_some_and(|n| n.text.contains("pick at least one card")), "{:?}", app.notice);
    press(&mut app, KeyCode::Tab);
    let Screen::Lobby(lobby) = &app.screen else { panic!("lobby") };
    assert_eq!(lobby.focus, LobbyFocus::Cards);
}

/// The cards the scripted customer would draw on this baseline at normal: a fair composition.
fn fair_picks(server: &Breaking) -> Vec<(String, String)> {
    let drawn = draw_incident(&Request {
        deck: server.deck(),
        baselines: std::slice::from_ref(server.business()),
        baseline: Some(BASELINE),
        cards: &[],
        difficulty: Difficulty::Normal,
        seed: SEED,
    })
    .expect("a fair incident draws");
    drawn.picks.into_iter().map(|(card, target)| (card, target.to_string())).collect()
}

#[test]
fn a_proven_composition_and_a_refused_start() {
    let mut server = breaking();
    let mut app = customer(&server);
    for (card, target) in fair_picks(&server) {
        aim(&mut app, &card, &target);
        let effects = press(&mut app, KeyCode::Enter);
        serve(&mut server, &mut app, effects);
        // Back to the top for the next card.
        for _ in 0..40 {
            press(&mut app, KeyCode::Up);
        }
    }
    // Before the proof: the server refuses the start, and the screen says why in its own keys.
    assert_eq!(press(&mut app, KeyCode::F(6)), vec![Effect::Lobby(LobbyRequest::Start)]);
    update(&mut app, Msg::Net(NetMsg::NotYet(NotYet::Unproven)));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("enter picks cards, F2 proves them") && !screen.contains("/prove"), "{screen}");
    snapshot_both("break_start_refused", &app);

    let effects = press(&mut app, KeyCode::F(2));
    assert_eq!(effects, vec![Effect::Lobby(LobbyRequest::Break(BreakRequest::Prove))]);
    assert!(table(&app).proving);
    assert!(draw(&app, 80, 24).contains("proving"), "{}", draw(&app, 80, 24));
    serve(&mut server, &mut app, effects);
    assert_eq!(table(&app).view.fairness, Some(Fairness::Fair));
    assert!(server.proven().is_some(), "the server may start the game now");
    snapshot_both("break_proven", &app);
}

#[test]
fn a_refused_proof_says_why_in_plain_words() {
    let server = breaking();
    let mut app = customer(&server);
    // The proof's verdict as the server sends it on an unfair composition.
    let mut view = server.view();
    let card = view.hand.remove(0);
    view.left -= card.cost;
    view.picks.push(kombat::game::breaking::Picked {
        card: card.card.clone(),
        title: card.title.clone(),
        cost: card.cost,
        target: card.targets[0].clone(),
    });
    view.fairness = Some(Fairness::Unfixable(
        "won by the reference solution: the game is not won after the reference fix".to_owned(),
    ));
    update(&mut app, Msg::Net(NetMsg::Break(Box::new(view))));
    let text = draw(&app, 80, 24);
    assert!(text.contains("a break that cannot be fixed"), "{text}");
    snapshot_both("break_refused_proof", &app);
}

#[test]
fn a_responder_in_a_break_room_sees_no_card_table() {
    let server = breaking();
    let app = joined(Seat::Troubleshooter(0), "tess", &server);
    snapshot_both("break_responder_lobby", &app);
    // A responder who leads the room and starts too early hears whom the game waits for, and
    // no keys of a table it does not have.
    let mut early = app.clone();
    update(&mut early, Msg::Net(NetMsg::NotYet(NotYet::Unproven)));
    let text = draw(&early, 80, 24);
    assert!(text.contains("the game waits for it") && !text.contains("F2"), "{text}");
    for (w, h) in SIZES {
        let text = draw(&app, w, h);
        assert!(text.contains("composing"), "{text}");
        assert!(!text.contains("Break ·") && !text.contains("Budget"), "{text}");
        for card in &server.view().hand {
            assert!(!text.contains(&card.card), "{} shows to a responder:\n{text}", card.card);
        }
    }
    // A customer the game master moves to a responder's seat loses the table at once.
    let mut app = customer(&server);
    assert!(draw(&app, 80, 24).contains("Budget"));
    update(&mut app, Msg::Net(NetMsg::Moved(Seat::Troubleshooter(1))));
    let text = draw(&app, 160, 48);
    assert!(!text.contains("Budget"), "{text}");
}

#[test]
fn the_host_form_hosts_with_a_break_phase() {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    "alice".clone_into(&mut app.player_name);
    for _ in 0..MenuItem::ALL.len() {
        if matches!(app.screen, Screen::Title { selected } if MenuItem::ALL.get(selected) == Some(&MenuItem::Host)) {
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    // Up from the scenario wraps to the last field: the break phase.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Right);
    snapshot_both("host_form_break", &app);
    let Some(Effect::Host(request)) = press(&mut app, KeyCode::Enter).pop() else { panic!("hosts") };
    assert_eq!(request.break_phase, Some(BreakPhase { baseline: None }), "the room's seed picks the baseline");

    // Back on the form: one more → names a baseline, as `--baseline` does.
    update(&mut app, Msg::Net(NetMsg::Failed("test".to_owned())));
    let Screen::HostSetup(form) = &app.screen else { panic!("back on the form: {:?}", app.screen) };
    let first = form.baselines.first().map(|(id, _)| id.clone());
    press(&mut app, KeyCode::Right);
    assert!(draw(&app, 80, 24).contains("on, baseline"));
    let Some(Effect::Host(request)) = press(&mut app, KeyCode::Enter).pop() else { panic!("hosts") };
    assert_eq!(request.break_phase, Some(BreakPhase { baseline: first }));
    let Screen::Lobby(_) = &app.screen else { panic!("the lobby opens") };
    update(&mut app, Msg::Net(NetMsg::Failed("test".to_owned())));
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    let Some(Effect::Host(request)) = press(&mut app, KeyCode::Enter).pop() else { panic!("hosts") };
    assert_eq!(request.break_phase, None, "off");
}

/// The card table keeps the view it was sent: nothing in it is made up on the screen.
#[test]
fn the_table_shows_the_servers_view() {
    let server = breaking();
    let app = customer(&server);
    let view: &BreakView = &table(&app).view;
    assert_eq!(*view, server.view());
    let text = draw(&app, 160, 48);
    assert!(text.contains(&format!("0 of {} points spent", view.budget)), "{text}");
    assert!(text.contains(&view.hand[0].card), "{text}");
}
