//! Every TUI screen as the player sees it, at 80×24 and 160×48: the model is driven by synthetic
//! keys through `update`, the game screens get role views of a real game of the default
//! scenario, and the frame drawn by `impl Widget for &App` into a `TestBackend` is compared with
//! an insta snapshot. Snapshots hold text only, so the colours that matter are asserted on the
//! buffer, and player text with escape and bidi characters is checked to arrive harmless.

mod screen;

use screen::{draw, draw_buffer, text_of};

use insta::assert_snapshot;
use kombat::game::view::{self, Panel, RoleView};
use kombat::game::{Action, Game, IncidentState, Seat};
use kombat::tui::app::{App, Msg, Screen, update};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::render;
use kombat::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app() -> App {
    App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None))
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
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

/// A real game of the default scenario with both responder seats held by one player.
fn new_game() -> Game {
    let scenario = kombat::scenario::builtin("first-deploy").expect("built in").expect("valid");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(Seat::Troubleshooter(0), "you");
    game.start();
    game
}

#[allow(clippy::needless_pass_by_value)] // Every caller builds the action in place.
fn act(game: &mut Game, seat: Seat, action: Action) {
    game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

fn command(game: &mut Game, line: &str) {
    act(game, Seat::Troubleshooter(0), Action::Command(line.to_owned()));
}

fn end_turn(game: &mut Game) {
    act(game, Seat::Liaison, Action::EndTurn);
    act(game, Seat::Troubleshooter(0), Action::EndTurn);
}

/// The views of the seats the solo screen holds, in its order.
fn views(game: &Game) -> Vec<RoleView> {
    vec![view::for_seat(game, Seat::Liaison), view::for_seat(game, Seat::Troubleshooter(0))]
}

/// A game some minutes in: the team looked at the pods, ran a command that failed, talked.
fn investigating() -> Game {
    let mut game = new_game();
    command(&mut game, "describe pod -n shop -l app=web");
    end_turn(&mut game);
    command(&mut game, "get pods -n nowhere --frobnicate");
    command(&mut game, "get pods -n shop");
    act(&mut game, Seat::Liaison, Action::CustomerChat("Hi Dana, we are on it. What changed recently?".to_owned()));
    act(
        &mut game,
        Seat::Liaison,
        Action::StatusUpdate {
            state: IncidentState::Investigating,
            text: "We are aware that every visitor to the storefront sees an error page and we are investigating."
                .to_owned(),
        },
    );
    act(&mut game, Seat::Troubleshooter(0), Action::TeamChat("web pods cannot pull their image".to_owned()));
    game
}

/// Title → Solo practice → the first scenario: the game screen, then the given views.
fn in_game(views: Vec<RoleView>) -> App {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Game(_)), "Enter on the picker starts a game");
    update(&mut app, Msg::Views(views));
    app
}

#[test]
fn title() {
    let app = new_app();
    snapshot_both("title", &app);
}

#[test]
fn title_with_a_notice() {
    // Removed from a hosted room: back at the title, with why.
    let mut app = new_app();
    update(&mut app, Msg::Net(kombat::tui::app::NetMsg::Closed("kicked by the game master".to_owned())));
    assert!(matches!(app.screen, Screen::Title { .. }));
    assert!(app.notice.is_some(), "the title says why");
    assert_snapshot!("title_notice_80x24", draw(&app, 80, 24));
}

#[test]
fn picker_solo() {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    assert!(matches!(app.screen, Screen::Picker { selected: 1, browse: false }));
    snapshot_both("picker_solo", &app);
}

/// Solo practice ends with "Random incident": the difficulty and the seed being typed.
#[test]
fn picker_random_incident() {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert!(matches!(app.screen, Screen::Picker { selected, browse: false } if selected == app.catalog.len()));
    snapshot_both("picker_random_fresh_seed", &app);
    type_text(&mut app, "4x2");
    assert_eq!(app.random_seed, "42", "only digits go into the seed");
    snapshot_both("picker_random_seed_typed", &app);
}

/// A random incident's game shows its seed in the header, so friends can play the same one.
#[test]
fn random_incident_shows_its_seed() {
    use kombat::game::Difficulty;
    use kombat::game::draw::{Request, draw as draw_incident};
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    type_text(&mut app, "42");
    let effects = update(&mut app, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert_eq!(
        effects,
        vec![kombat::tui::app::Effect::StartRandom {
            difficulty: Difficulty::Normal,
            seed: Some(42),
            profile: "player".to_owned()
        }]
    );
    let deck = kombat::scenario::cards().expect("cards");
    let baselines = kombat::scenario::baselines().expect("baselines");
    let request = Request {
        deck: &deck,
        baselines: &baselines,
        baseline: None,
        cards: &[],
        difficulty: Difficulty::Normal,
        seed: 42,
    };
    let drawn = draw_incident(&request).expect("seed 42 draws");
    update(&mut app, Msg::Drawn { scenario: drawn.scenario.id.clone(), seed: 42 });
    let mut game = Game::new(drawn.scenario, 42).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(Seat::Troubleshooter(0), "you");
    game.start();
    update(&mut app, Msg::Views(views(&game)));
    let Screen::Game(screen) = &app.screen else { panic!("in game") };
    assert!(screen.scenario.starts_with("random-"), "{}", screen.scenario);
    for (w, h) in SIZES {
        let frame = draw(&app, w, h);
        assert!(frame.lines().take(3).any(|l| l.contains("seed 42")), "{frame}");
        assert_snapshot!(format!("random_incident_game_{w}x{h}"), frame);
    }
}

/// A new player: the picker opens on the tutorial, the suggested next, grouped by difficulty,
/// and tells what the tutorial teaches only once it has been played.
#[test]
fn picker_fresh_player_opens_on_the_tutorial() {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Picker { selected: 0, browse: false }));
    assert_eq!(app.catalog[0].id, kombat::scenario::TUTORIAL_ID);
    let shown = draw(&app, 160, 48);
    assert!(shown.contains("Start here") && shown.contains("Medium") && shown.contains("Hard"), "{shown}");
    assert!(shown.contains("told once you have played it"), "{shown}");
    snapshot_both("picker_fresh", &app);
}

/// A player who played the tutorial and the first easy one: their grades show, the next
/// unplayed scenario is suggested and preselected, and a played one tells what it teaches.
#[test]
fn picker_with_results_suggests_the_next_and_tells_what_was_learnt() {
    let mut app = new_app();
    app.catalog[0].best = Some(kombat::game::score::Grade::A);
    app.catalog[1].best = Some(kombat::game::score::Grade::C);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Picker { selected: 2, browse: false }), "the next unplayed one");
    snapshot_both("picker_with_results", &app);
    press(&mut app, KeyCode::Up);
    let shown = draw(&app, 160, 48);
    let teaches = app.catalog[1].teaches.clone().expect("the shipped scenarios say what they teach");
    let start: String = teaches.chars().take(30).collect();
    assert!(shown.contains(&start), "a played scenario tells what it teaches:\n{shown}");
}

/// The tutorial's first screen: the first step above the prompt.
#[test]
fn tutorial_first_screen() {
    let scenario = kombat::scenario::builtin(kombat::scenario::TUTORIAL_ID).expect("built in").expect("valid");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(Seat::Troubleshooter(0), "you");
    game.start();
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Views(views(&game)));
    let shown = draw(&app, 160, 48);
    assert!(shown.contains("Tutorial 1/9: Welcome!"), "{shown}");
    snapshot_both("tutorial_first_screen", &app);
}

#[test]
fn picker_browse() {
    let mut app = new_app();
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Picker { selected: 0, browse: true }));
    snapshot_both("picker_browse", &app);
}

#[test]
fn starting() {
    let mut app = new_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!("starting_80x24", draw(&app, 80, 24));
}

#[test]
fn game_troubleshooter() {
    let mut app = in_game(views(&investigating()));
    type_text(&mut app, "get deploy -n shop");
    snapshot_both("game_troubleshooter", &app);
}

#[test]
fn game_troubleshooter_scrolled_back() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::PageUp);
    assert_snapshot!("game_troubleshooter_scrolled_80x24", draw(&app, 80, 24));
}

#[test]
fn game_liaison() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Which image tag did you set?");
    snapshot_both("game_liaison", &app);
}

#[test]
fn help_overlay() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::F(1));
    snapshot_both("help", &app);
}

#[test]
fn declare_overlay() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::F(2));
    for c in "deployment/shop/web".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    snapshot_both("declare", &app);
}

#[test]
fn incident_overlay() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::F(4));
    snapshot_both("incident", &app);
}

#[test]
fn confirm_leave() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::Esc);
    snapshot_both("confirm_leave", &app);
}

/// The reference solution of the default scenario, with the liaison's part.
fn won() -> Game {
    let mut game = new_game();
    act(&mut game, Seat::Liaison, Action::CustomerChat("Hi Dana, what changed?".to_owned()));
    act(&mut game, Seat::Liaison, Action::CustomerChat("Which image tag did you set?".to_owned()));
    command(&mut game, "get pods -n shop");
    command(&mut game, "describe pod -n shop -l app=web");
    act(
        &mut game,
        Seat::Liaison,
        Action::StatusUpdate {
            state: IncidentState::Identified,
            text: "Every visitor to the storefront gets an error page; we found the cause and are fixing it."
                .to_owned(),
        },
    );
    act(
        &mut game,
        Seat::Troubleshooter(0),
        Action::TeamChat("the tag 1.4.2x does not exist, setting 1.4.2".to_owned()),
    );
    act(&mut game, Seat::Liaison, Action::DeclareRootCause("image-tag-typo".to_owned()));
    command(&mut game, "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop");
    for _ in 0..3 {
        if view::for_seat(&game, Seat::Liaison).debrief.is_some() {
            break;
        }
        end_turn(&mut game);
    }
    game
}

#[test]
fn debrief_of_a_won_game() {
    let game = won();
    let views = views(&game);
    assert!(views[0].debrief.is_some(), "the game is over");
    let app = in_game(views);
    assert!(matches!(app.screen, Screen::Debrief(_)), "the debrief takes over");
    snapshot_both("debrief", &app);
}

#[test]
fn debrief_scrolls_and_selects() {
    let mut app = in_game(views(&won()));
    for _ in 0..3 {
        press(&mut app, KeyCode::PageDown);
    }
    press(&mut app, KeyCode::Tab);
    assert_snapshot!("debrief_scrolled_80x24", draw(&app, 80, 24));
}

#[test]
fn too_small() {
    let app = new_app();
    assert_snapshot!("too_small_79x24", draw(&app, 79, 24));
    let game = in_game(views(&investigating()));
    let text = draw(&game, 120, 20);
    assert!(text.contains("(this one is 120×20)"), "{text}");
    assert_eq!(render::cursor(&game, Rect::new(0, 0, 79, 24)), None);
}

/// The first cell whose row, read from there, starts with `needle`.
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let row: Vec<&str> = (area.left()..area.right()).map(|x| buffer[(x, y)].symbol()).collect();
        for x in 0..row.len() {
            if row[x..].concat().starts_with(needle) {
                return Some((area.left() + x as u16, y));
            }
        }
    }
    None
}

fn style_at(buffer: &Buffer, at: (u16, u16)) -> Style {
    buffer[at].style()
}

#[test]
fn failing_pod_statuses_and_errors_are_drawn_in_the_bad_colour() {
    let app = in_game(views(&investigating()));
    let buffer = draw_buffer(&app, 160, 48);
    let bad = app.theme.bad.fg.expect("the dark theme colours bad");
    let status =
        ["ImagePullBackOff", "ErrImagePull"].iter().find_map(|s| find(&buffer, s)).expect("a pull error shows");
    assert_eq!(style_at(&buffer, status).fg, Some(bad));
    let error = find(&buffer, "error: unknown flag")
        .unwrap_or_else(|| panic!("the failing command's error:\n{}", text_of(&buffer)));
    assert_eq!(style_at(&buffer, error).fg, Some(bad));
    let running = find(&buffer, "$ get pods -n shop").expect("the command line");
    assert_eq!(style_at(&buffer, running).fg, app.theme.accent.fg);
}

#[test]
fn the_selected_menu_item_uses_the_selected_style() {
    let mut app = new_app();
    press(&mut app, KeyCode::Down);
    let buffer = draw_buffer(&app, 80, 24);
    let host = find(&buffer, "Host a game").expect("the menu");
    assert_eq!(style_at(&buffer, host).bg, app.theme.selected.bg);
    assert_eq!(style_at(&buffer, host).fg, app.theme.selected.fg);
    let solo = find(&buffer, "Solo practice").expect("the menu");
    assert_ne!(style_at(&buffer, solo).bg, app.theme.selected.bg);
}

#[test]
fn chat_text_with_escapes_and_bidi_overrides_is_drawn_harmless() {
    let mut views = views(&investigating());
    let Panel::Liaison(panel) = &mut views[0].panel else { panic!("the liaison's view") };
    let mut line = panel.customer_chat[0].clone();
    line.text = "evil\u{1b}[2J text\u{202e}reversed\u{200b}".to_owned();
    panel.customer_chat.push(line);
    let Panel::Troubleshooter(panel) = &mut views[1].panel else { panic!("the troubleshooter's view") };
    panel.console.last_mut().expect("commands ran").output.push_str("\n\u{1b}]0;pwned\u{7}\u{202e}tail");
    let mut app = in_game(views);
    for round in 0..2 {
        let buffer = draw_buffer(&app, 160, 48);
        for cell in buffer.content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || c == '\u{200b}'),
                "round {round}: {:?} drawn",
                cell.symbol()
            );
        }
        let text = text_of(&buffer);
        if round == 0 {
            assert!(text.contains("]0;pwnedtail"), "the printable rest stays visible:\n{text}");
        } else {
            assert!(text.contains("evil[2J textreversed"), "the printable rest stays visible:\n{text}");
        }
        press(&mut app, KeyCode::Tab);
    }
}

#[test]
fn completion_candidates_show_above_the_prompt_and_the_cursor_follows_the_input() {
    let mut app = in_game(views(&investigating()));
    type_text(&mut app, "get po");
    let Screen::Game(game) = &mut app.screen else { panic!("game") };
    game.candidates = vec!["pods".to_owned(), "poddisruptionbudgets".to_owned()];
    let buffer = draw_buffer(&app, 80, 24);
    let prompt = find(&buffer, "console $ get po").expect("the prompt");
    let candidates = find(&buffer, "pods  poddisruptionbudgets").expect("the candidates");
    assert_eq!(candidates.1 + 2, prompt.1, "one row above the prompt's box:\n{}", text_of(&buffer));
    let cursor = render::cursor(&app, buffer.area).expect("a cursor at the prompt");
    assert_eq!((cursor.x, cursor.y), (prompt.0 + "console $ get po".len() as u16, prompt.1));

    // A line longer than the prompt scrolls so the cursor stays in the box.
    type_text(&mut app, &" x".repeat(60));
    let cursor = render::cursor(&app, buffer.area).expect("a cursor at the prompt");
    assert_eq!((cursor.x, cursor.y), (78, prompt.1), "the cursor stays in the prompt's box");
    let text = draw(&app, 80, 24);
    assert!(text.contains("x x x"), "{text}");
}

#[test]
fn an_ambiguous_completion_lists_its_candidates_on_up_to_three_rows() {
    let mut app = in_game(views(&investigating()));
    type_text(&mut app, "get pods -");
    press(&mut app, KeyCode::Tab);
    let Screen::Game(game) = &app.screen else { panic!("game") };
    assert!(game.candidates.len() > 10, "Tab on `-` is ambiguous: {:?}", game.candidates);
    let shown = game.candidates.clone();
    let text = draw(&app, 80, 24);
    assert!(text.contains(&shown[0]) && text.contains(&shown[1]), "the first candidates show:\n{text}");
    let Screen::Game(game) = &mut app.screen else { panic!("game") };
    game.candidates = (0..60).map(|i| format!("name-{i}")).collect();
    let text = draw(&app, 80, 24);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("name-")).collect();
    assert_eq!(rows.len(), 3, "three rows at most:\n{text}");
    assert!(rows[2].contains("more"), "the last says how many more:\n{text}");
    let shown = rows.iter().map(|r| r.matches("name-").count()).sum::<usize>();
    assert!(rows[2].contains(&format!("+{} more", 60 - shown)), "{shown} shown:\n{text}");
}

#[test]
fn the_status_update_editor_holds_several_lines_and_says_how_to_post() {
    let mut app = in_game(views(&investigating()));
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Checkout is affected; browsing works.");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Next: rollback.");
    let text = draw(&app, 80, 24);
    assert!(text.contains("╭ status update (investigating) ─"), "the editor says what it writes:\n{text}");
    assert!(text.contains("ctrl-s posts · enter new line · esc cancels"), "and how to post:\n{text}");
    assert!(text.contains("[ liaison ]"), "the update goes out from the liaison's seat:\n{text}");
    for line in ["update in 4 minutes.", "Checkout is affected; browsing works.", "Next: rollback."] {
        assert!(text.contains(line), "{line:?} shows in the editor:\n{text}");
    }
    let buffer = draw_buffer(&app, 80, 24);
    assert_eq!(render::cursor(&app, buffer.area), None, "the editor draws its own cursor");
    snapshot_both("status_editor", &app);
}

#[test]
fn every_seat_shows_the_turn_timer_and_whom_the_turn_waits_for() {
    use std::time::{Duration, Instant};
    let mut app = in_game(views(&investigating()));
    let text = draw(&app, 80, 24);
    assert!(text.contains("waits for you"), "solo: the turn waits for the player:\n{text}");
    assert!(!text.contains('⏱'), "no timer, no countdown:\n{text}");
    let now = Instant::now();
    update(&mut app, Msg::TurnTimer { left: Some(Duration::from_millis(41_500)), now });
    let text = draw(&app, 80, 24);
    assert!(text.contains("⏱ 0:42"), "the countdown shows, rounded up:\n{text}");
    update(&mut app, Msg::Tick(now + Duration::from_secs(30)));
    let text = draw(&app, 80, 24);
    assert!(text.contains("⏱ 0:12"), "and counts down on the shell's clock:\n{text}");
    snapshot_both("turn_timer", &app);
}

#[test]
fn paused_games_ended_turns_and_errors_are_said_plainly() {
    let mut views = views(&investigating());
    for view in &mut views {
        view.phase = kombat::game::Phase::Paused;
        view.ended_turn = true;
        // A paused turn waits for nobody.
        view.waiting.clear();
    }
    let mut app = in_game(views);
    let text = draw(&app, 80, 24);
    assert!(text.contains("paused by the game master"), "{text}");
    assert!(text.contains("turn ended"), "{text}");

    update(&mut app, Msg::Rejected("you have no action points left this turn".to_owned()));
    let buffer = draw_buffer(&app, 80, 24);
    let at = find(&buffer, "you have no action points left").expect("the notice");
    assert_eq!(style_at(&buffer, at).fg, app.theme.bad.fg);
    assert!(text_of(&buffer).contains("F1 help"), "the footer stays under the notice");
}

#[test]
fn the_closing_turn_is_said_plainly() {
    let mut game = new_game();
    command(&mut game, "rollout undo deployment/web -n shop");
    while game.phase == kombat::game::Phase::Playing {
        end_turn(&mut game);
    }
    assert_eq!(game.phase, kombat::game::Phase::Closing);
    let app = in_game(views(&game));
    let text = draw(&app, 160, 48);
    assert!(
        text.contains("closing turn: service is restored; post a resolved update and answer open questions"),
        "{text}"
    );
}
