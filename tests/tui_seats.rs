//! The hosted seats' game screens as their players see them, at 80×24 and 160×48: the customer,
//! the game master and a spectator's projector board, each with its windows. The model is a
//! hosted game screen holding one seat, fed role views of a real game of a shipped scenario
//! with every seat taken, and driven by synthetic keys; the frame drawn into a `TestBackend`
//! is compared with an insta snapshot. The projector is also checked never to show a secret.

mod screen;

use screen::draw;

use insta::assert_snapshot;
use kombat::game::view::{self, Panel};
use kombat::game::{Action, Game, IncidentState, Seat};
use kombat::tui::app::{App, Effect, GameScreen, Msg, Overlay, Screen, update};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::render;
use kombat::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
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

/// A game of `scenario` with every kind of seat taken by a person.
fn full_table(scenario: &str) -> Game {
    let scenario = kombat::scenario::builtin(scenario).expect("built in").expect("valid");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "Lee");
    game.seat(Seat::Troubleshooter(0), "Tam");
    game.seat(Seat::Customer(0), "Dana");
    game.seat(Seat::GameMaster, "Gil");
    game.seat(Seat::Spectator(0), "Wall");
    game.start();
    game
}

#[allow(clippy::needless_pass_by_value)] // Every caller builds the action in place.
fn act(game: &mut Game, seat: Seat, action: Action) {
    game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

/// A few minutes in: a command, a turn, talk with the customer, a status update the customer
/// rated, a severity, the hold-off question waiting for an answer, a word from the game master.
fn under_way(scenario: &str) -> Game {
    let mut game = full_table(scenario);
    act(&mut game, Seat::Troubleshooter(0), Action::Command("get pods -A".to_owned()));
    act(&mut game, Seat::Liaison, Action::EndTurn);
    act(&mut game, Seat::Troubleshooter(0), Action::EndTurn);
    act(&mut game, Seat::Liaison, Action::CustomerChat("Hi Dana, we are on it. What changed recently?".to_owned()));
    act(&mut game, Seat::Customer(0), Action::Reply("We shipped 1.4.2 this morning.".to_owned()));
    act(
        &mut game,
        Seat::Liaison,
        Action::StatusUpdate {
            state: IncidentState::Investigating,
            text: "We are aware that every visitor to the storefront sees an error page and we are investigating."
                .to_owned(),
        },
    );
    act(&mut game, Seat::Customer(0), Action::RateUpdate { update: 0, stars: 4 });
    act(&mut game, Seat::Liaison, Action::SetSeverity(kombat::game::Severity::Sev2));
    act(&mut game, Seat::Troubleshooter(0), Action::TeamChat("web pods cannot pull their image".to_owned()));
    act(&mut game, Seat::GameMaster, Action::TeamChat("Remember the customer is waiting.".to_owned()));
    act(&mut game, Seat::Liaison, Action::AskHoldOff);
    game
}

/// A hosted game screen holding `seat`, with its view of `game`.
fn seated(game: &Game, seat: Seat) -> App {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    app.screen = Screen::Game(Box::new(GameScreen::hosted("first-deploy".to_owned(), seat)));
    update(&mut app, Msg::Views(vec![view::for_seat(game, seat)]));
    app
}

#[test]
fn customer_screen() {
    let mut app = seated(&under_way("first-deploy"), Seat::Customer(0));
    type_text(&mut app, "It started right after the release.");
    snapshot_both("customer", &app);
}

#[test]
fn customer_windows() {
    let game = under_way("first-deploy");
    let mut app = seated(&game, Seat::Customer(0));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.overlay, Some(Overlay::Rate { selected: 0 }));
    snapshot_both("customer_rate", &app);
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::F(2));
    snapshot_both("customer_mishaps", &app);
    press(&mut app, KeyCode::Enter);
    snapshot_both("customer_confirm_mishap", &app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::F(6));
    snapshot_both("customer_hold_off", &app);
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects, vec![Effect::Act { seat: Seat::Customer(0), action: Action::AnswerHoldOff { accept: true } }]);

    press(&mut app, KeyCode::F(1));
    snapshot_both("customer_help", &app);
}

#[test]
fn master_tabs() {
    let mut app = seated(&under_way("first-deploy"), Seat::GameMaster);
    snapshot_both("master_overview", &app);
    for tab in ["console", "chats", "script", "log"] {
        press(&mut app, KeyCode::Tab);
        snapshot_both(&format!("master_{tab}"), &app);
    }
    press(&mut app, KeyCode::Tab);
    let Screen::Game(game) = &app.screen else { panic!("still in the game") };
    assert_eq!(game.tab, kombat::tui::app::MasterTab::Overview, "the tabs go round");
}

#[test]
fn master_windows() {
    let game = under_way("two-problems");
    let mut app = seated(&game, Seat::GameMaster);
    press(&mut app, KeyCode::F(4));
    snapshot_both("master_controls", &app);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Injects { .. })), "{:?}", app.overlay);
    snapshot_both("master_injects", &app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, Some(Overlay::ConfirmEnd));
    snapshot_both("master_confirm_end", &app);
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::F(1));
    snapshot_both("master_help", &app);
}

/// Opens the game master's controls and chooses `control`.
fn choose(app: &mut App, control: kombat::tui::app::MasterControl) -> Vec<Effect> {
    press(app, KeyCode::F(4));
    let at = kombat::tui::app::MasterControl::all(false).iter().position(|c| *c == control).expect("a control");
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter)
}

fn by_master(action: Action) -> Vec<Effect> {
    vec![Effect::Act { seat: Seat::GameMaster, action }]
}

#[test]
fn master_timer_hints_skip_and_inject() {
    use kombat::tui::app::MasterControl;
    let mut app = seated(&under_way("first-deploy"), Seat::GameMaster);
    assert_eq!(choose(&mut app, MasterControl::TurnTimer), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::Timer { selected: 0, typed: String::new() }));
    snapshot_both("master_timer", &app);
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), by_master(Action::ExtendTurn(60)));
    assert_eq!(choose(&mut app, MasterControl::TurnTimer), Vec::new());
    press(&mut app, KeyCode::Up);
    assert_eq!(press(&mut app, KeyCode::Enter), by_master(Action::SetTurnTimer(None)), "the last choice: off");

    assert_eq!(choose(&mut app, MasterControl::ChooseHint), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::Hints { selected: 0 }));
    snapshot_both("master_hints", &app);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), by_master(Action::GrantHintTier(3)));

    assert_eq!(choose(&mut app, MasterControl::SkipTurn), by_master(Action::SkipTurn));

    assert_eq!(choose(&mut app, MasterControl::InjectMessage), Vec::new());
    type_text(&mut app, "The payments team reports a spike in refunds.");
    snapshot_both("master_inject", &app);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        by_master(Action::InjectMessage("The payments team reports a spike in refunds.".to_owned()))
    );
}

#[test]
fn master_types_a_timer_value() {
    use kombat::tui::app::MasterControl;
    let mut app = seated(&under_way("first-deploy"), Seat::GameMaster);
    for (typed, action) in [
        ("90", Action::SetTurnTimer(Some(90))),
        ("2m", Action::SetTurnTimer(Some(120))),
        ("1m30s", Action::SetTurnTimer(Some(90))),
        ("+45", Action::ExtendTurn(45)),
        ("+1m", Action::ExtendTurn(60)),
        ("OFF", Action::SetTurnTimer(None)),
    ] {
        choose(&mut app, MasterControl::TurnTimer);
        type_text(&mut app, typed);
        assert_eq!(press(&mut app, KeyCode::Enter), by_master(action), "{typed}");
        assert_eq!(app.overlay, None, "{typed}");
    }
    // A bad value changes nothing: no effect, the window stays with the text to mend, and says why.
    choose(&mut app, MasterControl::TurnTimer);
    type_text(&mut app, "2 mins");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::Timer { selected: 0, typed: "2 mins".to_owned() }));
    snapshot_both("master_timer_typed_error", &app);
    // Letters that are keys elsewhere (`q` quits) are typed here; Backspace mends.
    for _ in 0.."2 mins".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "4000");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new(), "out of range: refused before it is sent");
    assert!(draw(&app, 80, 24).contains("a turn timer runs 5 to 3600 s a turn"), "{}", draw(&app, 80, 24));
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "q");
    assert!(matches!(&app.overlay, Some(Overlay::Timer { typed, .. }) if typed == "q"), "{:?}", app.overlay);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    // Esc leaves without sending; the presets still work with nothing typed.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Master { .. })), "{:?}", app.overlay);
    press(&mut app, KeyCode::Esc);
    choose(&mut app, MasterControl::TurnTimer);
    type_text(&mut app, "3m");
    snapshot_both("master_timer_typed", &app);
    assert_eq!(press(&mut app, KeyCode::Enter), by_master(Action::SetTurnTimer(Some(180))));
}

#[test]
fn master_moves_a_player_mid_game() {
    use kombat::net::protocol::RoleWish;
    use kombat::tui::app::{Hosted, JoinRequest, LobbyRequest};
    let mut app = seated(&under_way("first-deploy"), Seat::GameMaster);
    // What the room's lobby listed before the game: two troubleshooters' seats, one customer's.
    app.hosted = Some(Hosted {
        code: "ABCDE-FGHJK".to_owned(),
        seat: Seat::GameMaster,
        request: JoinRequest {
            server: "127.0.0.1:7878".to_owned(),
            code: "ABCDE-FGHJK".to_owned(),
            name: "Gil".to_owned(),
            role: RoleWish::GameMaster,
        },
        limits: vec![(RoleWish::Liaison, 1), (RoleWish::Troubleshooter, 2), (RoleWish::Customer, 1)],
    });
    assert!(press(&mut app, KeyCode::F(8)).is_empty());
    assert_eq!(app.overlay, Some(Overlay::MovePlayer { selected: 0 }));
    let players = kombat::tui::app::removable(&app);
    let tam = players.iter().position(|(seat, _)| *seat == Seat::Troubleshooter(0)).expect("Tam is listed");
    for _ in 0..tam {
        press(&mut app, KeyCode::Down);
    }
    snapshot_both("master_move_player", &app);
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.overlay, Some(Overlay::MoveTo { from: Seat::Troubleshooter(0), selected: 0 }));
    let seats = kombat::tui::app::move_destinations(&app, Seat::Troubleshooter(0));
    assert_eq!(
        seats,
        vec![
            (Seat::Liaison, Some("Lee".to_owned())),
            (Seat::Troubleshooter(1), None),
            (Seat::Customer(0), Some("Dana".to_owned())),
        ]
    );
    snapshot_both("master_move_to", &app);
    // Esc goes back to the players, with Tam still selected.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::MovePlayer { selected: tam }));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    let moved = LobbyRequest::Move { from: Seat::Troubleshooter(0), to: Seat::Troubleshooter(1) };
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Lobby(moved)]);
    assert_eq!(app.overlay, None);
    // Only the game master has the key in a game.
    let mut lee = seated(&under_way("first-deploy"), Seat::Liaison);
    assert!(press(&mut lee, KeyCode::F(8)).is_empty());
    assert!(!matches!(lee.overlay, Some(Overlay::MovePlayer { .. })));
}

#[test]
fn master_speaks_as_the_customer() {
    let mut app = seated(&under_way("first-deploy"), Seat::GameMaster);
    press(&mut app, KeyCode::F(4));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Any news? My boss keeps asking.");
    snapshot_both("master_as_customer", &app);
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Act {
            seat: Seat::GameMaster,
            action: Action::SpeakAsCustomer("Any news? My boss keeps asking.".to_owned())
        }]
    );
}

#[test]
fn projector() {
    let app = seated(&under_way("first-deploy"), Seat::Spectator(0));
    snapshot_both("projector", &app);
}

#[test]
fn projector_keys_do_not_type() {
    let mut app = seated(&under_way("first-deploy"), Seat::Spectator(0));
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    snapshot_both("projector_help", &app);
    press(&mut app, KeyCode::Esc);
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "a spectator sends nothing");
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave));
    assert!(render::cursor(&app, ratatui::layout::Rect::new(0, 0, 80, 24)).is_none());
}

/// Every scenario, late in a game with the answer found and declared: the projector shows none
/// of the customer's secrets, the root cause's explanation or the hints.
#[test]
fn the_projector_shows_no_secrets() {
    for scenario in ["first-deploy", "two-problems", "config-drift"] {
        let mut game = under_way(scenario);
        act(&mut game, Seat::Liaison, Action::RequestHint);
        let master = view::for_seat(&game, Seat::GameMaster);
        let Panel::GameMaster(panel) = &master.panel else { panic!("a game master's view") };
        let right = panel.root_causes.iter().find(|o| o.correct).expect("a right answer").id.clone();
        act(&mut game, Seat::Liaison, Action::DeclareRootCause(right));
        let master = view::for_seat(&game, Seat::GameMaster);
        let Panel::GameMaster(panel) = &master.panel else { panic!("a game master's view") };
        let mut secrets: Vec<String> = panel.customer.secrets.clone();
        secrets.extend(panel.root_causes.iter().map(|o| o.text.clone()));
        secrets.push(panel.postmortem.root_cause.clone());
        secrets.extend(panel.hints.iter().map(|h| h.text.clone()));
        secrets.push(panel.customer.brief.clone());

        let app = seated(&game, Seat::Spectator(0));
        for (w, h) in SIZES {
            let shown = draw(&app, w, h).split_whitespace().collect::<Vec<_>>().join(" ");
            for secret in &secrets {
                // A screen row can cut a long text, so look for its first words.
                let start: String = secret.split_whitespace().take(5).collect::<Vec<_>>().join(" ");
                assert!(!shown.contains(&start), "{scenario} at {w}×{h} shows {start:?}");
            }
        }
    }
}
