//! Synthetic keys through `update`, with views of a real game of `first-deploy`: the title menu,
//! the picker, the prompt and its targets, the overlays, the end of the game and the debrief.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::game::view::{self, Panel};
use crate::game::{Action as GameAction, Declaration, FailureClass, Game, ObjectRef, Phase};
use crate::tui::catalog;

const SCENARIO: &str = "first-deploy";
const TS: Seat = Seat::Troubleshooter(0);

/// The library without the tutorial, so the picker's first scenario is the default one these
/// tests play (the tutorial's place in the picker is `catalog`'s and `tests/tui_screens.rs`'s).
fn app() -> App {
    let library = catalog::builtin(None).into_iter().filter(|e| e.id != crate::scenario::TUTORIAL_ID).collect();
    App::new(Keymap::default(), Theme::monochrome(), library)
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

/// A started solo game, seated as the TUI seats it.
fn game() -> Game {
    let scenario = crate::scenario::builtin(SCENARIO).expect("built in").expect("parses");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(TS, "you");
    game.start();
    game
}

/// The views the shell sends, in the order of `GameScreen::seats`.
fn views(game: &Game) -> Vec<RoleView> {
    [Seat::Liaison, TS].into_iter().map(|seat| view::for_seat(game, seat)).collect()
}

/// The title, Solo, the first scenario, and the game's first views.
fn playing(game: &Game) -> App {
    let mut app = app();
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::StartSolo {
            scenario: SCENARIO.to_owned(),
            difficulty: Difficulty::Normal,
            profile: "player".to_owned()
        }]
    );
    update(&mut app, Msg::Views(views(game)));
    app
}

fn screen(app: &App) -> &GameScreen {
    match &app.screen {
        Screen::Game(game) => game,
        other => panic!("not the game screen: {other:?}"),
    }
}

fn debrief(app: &App) -> &DebriefScreen {
    match &app.screen {
        Screen::Debrief(d) => d,
        other => panic!("not the debrief: {other:?}"),
    }
}

fn input(app: &App) -> &str {
    screen(app).input.value()
}

fn act(seat: Seat, action: GameAction) -> Effect {
    Effect::Act { seat, action }
}

/// Plays the scenario's solution and ends turns until the game is over.
fn finished() -> Game {
    let mut game = game();
    for line in [
        "get pods -n shop",
        "describe pod -n shop -l app=web",
        "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop",
    ] {
        game.act(TS, &GameAction::Command(line.to_owned())).expect("a legal command");
    }
    for _ in 0..60 {
        if !matches!(game.phase, Phase::Playing | Phase::Closing) {
            break;
        }
        for seat in [Seat::Liaison, TS] {
            if !view::for_seat(&game, seat).ended_turn {
                game.act(seat, &GameAction::EndTurn).expect("ends the turn");
            }
        }
    }
    assert!(views(&game).iter().any(|v| v.debrief.is_some()), "the game ended with a debrief");
    game
}

#[test]
fn the_title_menu_wraps_and_opens_the_picker() {
    let mut app = app();
    assert!(matches!(app.screen, Screen::Title { selected: 0 }));
    press(&mut app, KeyCode::Up);
    assert!(matches!(app.screen, Screen::Title { selected } if selected == MenuItem::ALL.len() - 1));
    press(&mut app, KeyCode::Down);
    assert!(matches!(app.screen, Screen::Title { selected: 0 }));
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.screen, Screen::Title { selected: 1 }));
    press(&mut app, KeyCode::Char('k'));
    assert!(matches!(app.screen, Screen::Title { selected: 0 }));
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(matches!(app.screen, Screen::Picker { selected: 0, browse: false }));
    // Esc goes back to the title.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Title { selected: 0 }));
}

#[test]
fn host_and_join_open_their_forms_and_esc_comes_back() {
    let mut app = app();
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(matches!(app.screen, Screen::HostSetup(_)), "{:?}", app.screen);
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert!(matches!(app.screen, Screen::Title { .. }));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(matches!(app.screen, Screen::Join(_)), "{:?}", app.screen);
}

#[test]
fn q_and_the_quit_item_quit_from_the_title() {
    let mut app = app();
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    assert!(app.quit);
    let mut app = self::app();
    press(&mut app, KeyCode::Up);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn the_picker_starts_the_chosen_scenario() {
    let mut app = app();
    assert_eq!(app.catalog.first().map(|e| e.id.as_str()), Some(SCENARIO));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::StartSolo {
            scenario: SCENARIO.to_owned(),
            difficulty: Difficulty::Normal,
            profile: "player".to_owned()
        }]
    );
    let game = screen(&app);
    assert_eq!(game.scenario, SCENARIO);
    assert_eq!(game.seats, [Seat::Liaison, TS]);
    assert_eq!(game.seat(), TS, "a newcomer starts at the console");
    assert!(game.views.is_empty());
    // The picker wraps too, to "Random incident" below the scenarios.
    let mut app = self::app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert!(matches!(app.screen, Screen::Picker { selected, .. } if selected == app.catalog.len()));
}

#[test]
fn the_random_incident_row_takes_a_seed_and_starts_a_draw() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    // Digits only, no leading zero, Backspace takes one back.
    type_text(&mut app, "0a7x31");
    assert_eq!(app.random_seed, "731");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.typed_seed(), Some(73));
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.difficulty, Difficulty::Hard, "the difficulty key still works on the row");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::StartRandom { difficulty: Difficulty::Hard, seed: Some(73), profile: "player".to_owned() }]
    );
    assert_eq!(screen(&app).random, Some(RandomIncident { difficulty: Difficulty::Hard, seed: Some(73) }));
    // The shell says what it drew; the header shows the seed from then on.
    update(&mut app, Msg::Drawn { scenario: "random-shop-73".to_owned(), seed: 73 });
    assert_eq!(screen(&app).scenario, "random-shop-73");
    assert_eq!(screen(&app).history_key(), "random");
    // With nothing typed the shell picks the seed.
    let mut app = self::app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::StartRandom { difficulty: Difficulty::Normal, seed: None, profile: "player".to_owned() }]
    );
    // In "Scenarios" (browsing) there is no random row: Up wraps to the last scenario.
    let mut app = self::app();
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert!(matches!(app.screen, Screen::Picker { selected, browse: true } if selected == app.catalog.len() - 1));
}

#[test]
fn a_command_goes_to_the_console_and_the_history() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(screen(&app).views.len(), 2);
    type_text(&mut app, "get pods");
    assert_eq!(input(&app), "get pods");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![
            act(TS, GameAction::Command("get pods".to_owned())),
            Effect::Remember {
                profile: "player".to_owned(),
                scenario: SCENARIO.to_owned(),
                line: "get pods".to_owned()
            },
        ]
    );
    assert_eq!(input(&app), "");
    assert_eq!(screen(&app).history.entries(), ["get pods"]);
    // An empty line sends nothing.
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
}

#[test]
fn tab_completes_a_command_and_switches_seats_on_an_empty_prompt() {
    let game = game();
    let mut app = playing(&game);
    type_text(&mut app, "desc");
    assert_eq!(press(&mut app, KeyCode::Tab), Vec::new());
    assert_eq!(input(&app), "describe ", "Tab with text completes");
    assert_eq!(screen(&app).seat(), TS);
    // Ambiguous: the alternatives are kept for the screen to list, typing clears them.
    type_text(&mut app, "deploy");
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).candidates, ["deploy", "deployment", "deployments"]);
    type_text(&mut app, "/");
    assert!(screen(&app).candidates.is_empty());

    let mut app = playing(&game);
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).seat(), Seat::Liaison, "Tab on an empty prompt switches seat");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(screen(&app).seat(), TS);
}

#[test]
fn printable_keys_type_at_the_prompt() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(press(&mut app, KeyCode::Char('q')), Vec::new());
    assert_eq!(input(&app), "q");
    assert!(!app.quit && app.overlay.is_none());
    for c in ['r', 'n', 'j', 'k'] {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(input(&app), "qrnjk");
    // `?` types inside text…
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(input(&app), "qrnjk?");
    assert_eq!(app.overlay, None);
    // …and opens the help on an empty prompt.
    let mut app = playing(&game);
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    assert_eq!(input(&app), "");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, Some(Overlay::Help));
    // Keys other than the closing ones do nothing under the help.
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, None);
}

#[test]
fn up_and_down_walk_the_history() {
    let game = game();
    let mut app = playing(&game);
    update(&mut app, Msg::History(vec!["get pods -A".to_owned(), "get nodes".to_owned()]));
    type_text(&mut app, "des");
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "get nodes");
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "get pods -A");
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "get pods -A", "the oldest line stays");
    press(&mut app, KeyCode::Down);
    assert_eq!(input(&app), "get nodes");
    press(&mut app, KeyCode::Down);
    assert_eq!(input(&app), "des", "past the newest, the draft comes back");
}

#[test]
fn ctrl_t_switches_where_the_prompt_sends() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(screen(&app).target(), Target::Console);
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::TeamChat);
    type_text(&mut app, "looking at pods");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(TS, GameAction::TeamChat("looking at pods".to_owned()))]);
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::Console);

    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).seat(), Seat::Liaison);
    assert_eq!(screen(&app).target(), Target::CustomerChat);
    type_text(&mut app, "hello");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(Seat::Liaison, GameAction::CustomerChat("hello".to_owned()))]);
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::TeamChat);
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::CustomerChat);
    // Each seat keeps its own target.
    press(&mut app, KeyCode::Tab);
    assert_eq!(screen(&app).target(), Target::Console);
}

fn editor(app: &App) -> &StatusEditor {
    screen(app).editor.as_ref().expect("the status-update editor is open")
}

#[test]
fn a_status_update_is_written_on_several_lines_and_posted_with_its_key() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(press(&mut app, KeyCode::F(4)), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::Incident { selected: 0 }));
    assert_eq!(IncidentItem::ALL[0].label(), "Status update: investigating");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert_eq!(app.overlay, None);
    // The first-deploy customer expects news every 2 turns of 2 minutes: the score's cadence.
    let template = status_template(IncidentState::Investigating, 4);
    assert!(template.ends_with("Next update in 4 minutes."), "{template}");
    assert_eq!(editor(&app).value(), template);
    assert_eq!(screen(&app).seat(), Seat::Liaison);
    assert_eq!(screen(&app).target(), Target::Status(IncidentState::Investigating));
    // Ctrl-U clears the line back to its start, as at a shell prompt.
    ctrl(&mut app, 'u');
    assert_eq!(editor(&app).value(), "");
    type_text(&mut app, &template);
    // Enter starts a new line; it does not post.
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    type_text(&mut app, "Checkout is affected.");
    assert_eq!(editor(&app).value(), format!("{template}\nCheckout is affected."));
    assert_eq!(
        ctrl(&mut app, 's'),
        vec![act(
            Seat::Liaison,
            GameAction::StatusUpdate {
                state: IncidentState::Investigating,
                text: format!("{template}\nCheckout is affected."),
            }
        )]
    );
    assert!(screen(&app).editor.is_none());
    assert_eq!(screen(&app).target(), Target::CustomerChat);
    // A refused update comes back into the editor as it was.
    update(&mut app, Msg::Rejected("the game is paused".to_owned()));
    assert_eq!(editor(&app).value(), format!("{template}\nCheckout is affected."));
    // Esc puts it away without posting.
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert!(screen(&app).editor.is_none());
    assert_eq!(app.overlay, None);
    // Alt-Enter posts too (where the terminal sends it), and an empty update is not sent.
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Enter);
    for _ in 0..template.len() + 5 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(editor(&app).value(), "");
    let alt_enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT);
    assert_eq!(update(&mut app, Msg::Key(alt_enter)), Vec::new());
    type_text(&mut app, "q?");
    assert_eq!(
        update(&mut app, Msg::Key(alt_enter)),
        vec![act(
            Seat::Liaison,
            GameAction::StatusUpdate { state: IncidentState::Investigating, text: "q?".to_owned() }
        )]
    );
}

#[test]
fn a_refused_line_stays_on_the_prompt_and_its_notice_goes_with_the_moment() {
    let mut game = game();
    let mut app = playing(&game);
    type_text(&mut app, "get pods --frobnicate");
    assert_eq!(press(&mut app, KeyCode::Enter).len(), 2);
    assert_eq!(input(&app), "");
    update(&mut app, Msg::Rejected("unknown flag --frobnicate".to_owned()));
    assert_eq!(input(&app), "get pods --frobnicate", "the refused line is back to be fixed");
    assert!(app.notice.as_ref().is_some_and(|n| n.error));
    // An accepted line is not brought back by a later refusal of something else.
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "X");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects.len(), 2);
    game.act(TS, &GameAction::Command("get pods".to_owned())).expect("legal");
    update(&mut app, Msg::Views(views(&game)));
    update(&mut app, Msg::Rejected("nothing to do".to_owned()));
    assert_eq!(input(&app), "");
    // A chat line the room refused comes back to the chat it was meant for.
    ctrl(&mut app, 't');
    type_text(&mut app, "on it");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 't');
    assert_eq!(screen(&app).target(), Target::Console);
    update(&mut app, Msg::Rejected("the game is paused".to_owned()));
    assert_eq!(screen(&app).target(), Target::TeamChat);
    assert_eq!(input(&app), "on it");
    // The refusal's notice is about that moment: it goes when the game moves on, key or not.
    assert!(app.notice.is_some());
    update(&mut app, Msg::Views(views(&game)));
    assert!(app.notice.is_some(), "the same moment: the notice stays");
    for seat in [Seat::Liaison, TS] {
        game.act(seat, &GameAction::EndTurn).expect("ends the turn");
    }
    update(&mut app, Msg::Views(views(&game)));
    assert_eq!(app.notice, None, "a new turn: the refusal is stale");
}

#[test]
fn up_recalls_the_lines_sent_to_the_same_chat() {
    let game = game();
    let mut app = playing(&game);
    update(&mut app, Msg::History(vec!["get pods -A".to_owned()]));
    ctrl(&mut app, 't');
    type_text(&mut app, "looking at pods");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "looking at pods");
    press(&mut app, KeyCode::Down);
    assert_eq!(input(&app), "");
    ctrl(&mut app, 't');
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "get pods -A", "the console walks commands only");
    press(&mut app, KeyCode::Down);
    // The liaison's customer chat has its own lines.
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "hi, we are on it");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 't');
    type_text(&mut app, "customer is upset");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "customer is upset");
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "looking at pods", "the team chat's lines, from either seat the player holds");
    press(&mut app, KeyCode::Down);
    ctrl(&mut app, 't');
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "hi, we are on it");
}

#[test]
fn history_clear_at_the_console_forgets_the_profiles_lines() {
    let game = game();
    let mut app = playing(&game);
    update(&mut app, Msg::History(vec!["get pods -A".to_owned()]));
    type_text(&mut app, CLEAR_HISTORY);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::ClearHistory { profile: "player".to_owned() }]);
    assert!(screen(&app).history.entries().is_empty());
    assert!(app.notice.as_ref().is_some_and(|n| !n.error && n.text.contains("cleared")));
    press(&mut app, KeyCode::Up);
    assert_eq!(input(&app), "");
}

#[test]
fn share_at_the_prompt_passes_a_finding_to_the_team() {
    let game = game();
    let mut app = playing(&game);
    type_text(&mut app, "/share 2");
    let seat = screen(&app).seat();
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::Act { seat, action: GameAction::ShareFinding(1) }],
        "findings are numbered from 1 on screen"
    );
    type_text(&mut app, "/share x");
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("usage: /share N")));
    assert_eq!(input(&app), "/share x", "a bad line stays on the prompt");
}

#[test]
fn the_incident_window_sets_severity_and_asks_to_hold_off() {
    let game = game();
    let mut app = playing(&game);
    let at = |item| IncidentItem::ALL.iter().position(|i| *i == item).expect("listed");
    press(&mut app, KeyCode::F(4));
    for _ in 0..at(IncidentItem::Severity(Severity::Sev2)) {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(Seat::Liaison, GameAction::SetSeverity(Severity::Sev2))]);
    // Up from the top wraps to the last item, the hold-off.
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.overlay, Some(Overlay::Incident { selected: at(IncidentItem::HoldOff) }));
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(Seat::Liaison, GameAction::AskHoldOff)]);
    // Esc closes the window without acting.
    press(&mut app, KeyCode::F(4));
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert_eq!(app.overlay, None);
}

#[test]
fn the_declare_form_declares_objects_class_and_who() {
    let game = game();
    let mut app = playing(&game);
    press(&mut app, KeyCode::F(2));
    assert!(matches!(&app.overlay, Some(Overlay::Declare(form)) if form.field == DeclareField::Objects));
    // Nothing typed: the form says what is missing and stays open.
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(app.notice.as_ref().is_some_and(|n| n.error));
    assert!(matches!(app.overlay, Some(Overlay::Declare(_))));
    type_text(&mut app, "deploy/shop/web");
    press(&mut app, KeyCode::Tab);
    // The class list starts at "wrong image"; → moves on, ← comes back.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "dana");
    let declared = Declaration {
        objects: vec![ObjectRef::parse("deployment/shop/web").expect("parses")],
        class: FailureClass::WrongImage,
        changed_by: Some("dana".to_owned()),
    };
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(TS, GameAction::DeclareCause(declared))]);
    assert_eq!(app.overlay, None);
    // ctrl-r opens it too, empty again; at normal difficulty there is no multiple choice.
    ctrl(&mut app, 'r');
    assert_eq!(app.overlay, Some(Overlay::Declare(Box::default())));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert!(matches!(&app.overlay, Some(Overlay::Declare(form)) if form.field == DeclareField::Objects));
}

#[test]
fn the_declare_form_completes_names_the_seat_has_seen() {
    let game = game();
    let mut app = playing(&game);
    let seen: Vec<String> = match &screen(&app).views[1].panel {
        Panel::Troubleshooter(t) => t
            .names
            .iter()
            .filter(|n| n.kind == crate::sim::kind::Kind::Deployment)
            .map(|n| ObjectRef { kind: n.kind, namespace: n.namespace.clone(), name: n.name.clone() }.to_string())
            .collect(),
        other => panic!("not a troubleshooter panel: {other:?}"),
    };
    let Some(first) = seen.iter().min().cloned() else { return };
    press(&mut app, KeyCode::F(2));
    type_text(&mut app, "deployment/");
    press(&mut app, KeyCode::Right);
    assert!(matches!(&app.overlay, Some(Overlay::Declare(form)) if form.objects == first), "{:?}", app.overlay);
}

#[test]
fn at_easy_difficulty_the_declare_form_offers_the_options() {
    let scenario = crate::scenario::builtin(SCENARIO).expect("built in").expect("parses");
    let mut game = Game::new(scenario, 1).expect("builds").with_difficulty(Difficulty::Easy);
    game.seat(Seat::Liaison, "you");
    game.seat(TS, "you");
    game.start();
    let mut app = playing(&game);
    let options = match &screen(&app).views[1].panel {
        Panel::Troubleshooter(t) => t.findings.root_causes.clone(),
        other => panic!("not a troubleshooter panel: {other:?}"),
    };
    assert!(options.len() > 1);
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::BackTab);
    assert!(matches!(&app.overlay, Some(Overlay::Declare(form)) if form.field == DeclareField::Option));
    press(&mut app, KeyCode::Right);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![act(TS, GameAction::DeclareRootCause(options[1].id.clone()))]);
}

#[test]
fn the_picker_cycles_the_difficulty_and_starts_the_game_at_it() {
    let mut app = app();
    assert_eq!(press(&mut app, KeyCode::Enter), Vec::new());
    assert!(app.footer_actions().contains(&Action::Difficulty));
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.difficulty, Difficulty::Hard);
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.difficulty, Difficulty::Easy);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::StartSolo {
            scenario: SCENARIO.to_owned(),
            difficulty: Difficulty::Easy,
            profile: "player".to_owned()
        }]
    );
}

#[test]
fn f5_ends_the_turn_for_each_seat_that_has_not() {
    let mut game = game();
    let mut app = playing(&game);
    assert_eq!(
        press(&mut app, KeyCode::F(5)),
        vec![act(Seat::Liaison, GameAction::EndTurn), act(TS, GameAction::EndTurn)]
    );
    game.act(Seat::Liaison, &GameAction::EndTurn).expect("ends the turn");
    update(&mut app, Msg::Views(views(&game)));
    assert!(screen(&app).views[0].ended_turn);
    assert_eq!(press(&mut app, KeyCode::F(5)), vec![act(TS, GameAction::EndTurn)]);
    assert_eq!(ctrl(&mut app, 'e'), vec![act(TS, GameAction::EndTurn)]);
}

#[test]
fn f3_asks_for_a_hint() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(press(&mut app, KeyCode::F(3)), vec![act(TS, GameAction::RequestHint)]);
    press(&mut app, KeyCode::Tab);
    assert_eq!(ctrl(&mut app, 'g'), vec![act(Seat::Liaison, GameAction::RequestHint)]);
}

#[test]
fn esc_asks_before_leaving_the_game() {
    let game = game();
    let mut app = playing(&game);
    assert_eq!(press(&mut app, KeyCode::Esc), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.overlay, None);
    assert!(matches!(app.screen, Screen::Game(_)));
    press(&mut app, KeyCode::Esc);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::LeaveGame]);
    assert_eq!(app.overlay, None);
    assert!(matches!(app.screen, Screen::Title { selected: 0 }));
}

#[test]
fn the_rooms_messages_show_as_notices() {
    let game = game();
    let mut app = playing(&game);
    update(&mut app, Msg::Rejected("not your turn".to_owned()));
    assert_eq!(
        app.notice,
        Some(Notice { text: "not your turn".to_owned(), error: true, during: Some((Phase::Playing, 0)) })
    );
    update(&mut app, Msg::Warning("disk full".to_owned()));
    assert_eq!(app.notice, Some(Notice { text: "warning: disk full".to_owned(), error: true, during: None }));
    update(&mut app, Msg::StartFailed("no such scenario".to_owned()));
    assert!(matches!(app.screen, Screen::Picker { .. }));
    assert!(app.notice.as_ref().is_some_and(|n| n.error && n.text.contains("no such scenario")));
}

#[test]
fn the_end_of_the_game_opens_the_debrief() {
    let game = finished();
    let mut app = playing(&self::game());
    press(&mut app, KeyCode::F(4));
    update(&mut app, Msg::Postmortem("/tmp/postmortem.md".into()));
    update(&mut app, Msg::Views(views(&game)));
    let d = debrief(&app);
    assert_eq!(d.scenario, SCENARIO);
    assert!(d.view.debrief.is_some());
    assert_eq!(d.postmortem.as_deref(), Some(std::path::Path::new("/tmp/postmortem.md")));
    assert_eq!(app.overlay, None, "an overlay of the game does not outlive it");
    let grade = d.view.debrief.as_ref().map(|d| d.score.grade);
    let entry = app.catalog.iter().find(|e| e.id == SCENARIO).expect("in the catalog");
    assert_eq!(entry.best, grade, "the picker shows the new best grade at once");

    assert_eq!(
        press(&mut app, KeyCode::Char('r')),
        vec![
            Effect::LeaveGame,
            Effect::StartSolo {
                scenario: SCENARIO.to_owned(),
                difficulty: Difficulty::Normal,
                profile: "player".to_owned()
            }
        ]
    );
    assert_eq!(screen(&app).scenario, SCENARIO);

    update(&mut app, Msg::Views(views(&game)));
    let next = app.catalog[1].id.clone();
    assert_eq!(
        press(&mut app, KeyCode::Char('n')),
        vec![
            Effect::LeaveGame,
            Effect::StartSolo { scenario: next.clone(), difficulty: Difficulty::Normal, profile: "player".to_owned() }
        ]
    );
    assert_eq!(screen(&app).scenario, next);

    // The buttons: Tab moves along them, Enter on Menu goes to the title.
    update(&mut app, Msg::Views(views(&game)));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(DebriefButton::ALL[debrief(&app).selected], DebriefButton::Menu);
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::LeaveGame]);
    assert!(matches!(app.screen, Screen::Title { .. }));
}

#[test]
fn the_last_scenario_is_followed_by_the_first() {
    let game = finished();
    let mut app = playing(&self::game());
    update(&mut app, Msg::Views(views(&game)));
    let last = app.catalog.last().map(|e| e.id.clone()).expect("scenarios");
    if let Screen::Debrief(d) = &mut app.screen {
        d.scenario.clone_from(&last);
    }
    assert_eq!(
        press(&mut app, KeyCode::Char('n')),
        vec![
            Effect::LeaveGame,
            Effect::StartSolo {
                scenario: SCENARIO.to_owned(),
                difficulty: Difficulty::Normal,
                profile: "player".to_owned()
            }
        ]
    );
}

#[test]
fn paging_and_the_wheel_scroll() {
    let mut game = game();
    for line in ["describe pod -n shop -l app=web", "get pods -n shop"] {
        game.act(TS, &GameAction::Command(line.to_owned())).expect("a legal command");
    }
    let mut app = playing(&game);
    // A page is the console's height: 80×24 leaves it 15 rows, 160×48 leaves it 41.
    assert_eq!(crate::tui::render::page_rows(&app), 15);
    update(&mut app, Msg::Resize { width: 160, height: 48 });
    assert_eq!(crate::tui::render::page_rows(&app), 41);
    update(&mut app, Msg::Resize { width: 80, height: 24 });
    press(&mut app, KeyCode::PageUp);
    assert_eq!(screen(&app).scroll, 15);
    update(&mut app, Msg::Wheel { up: true });
    assert_eq!(screen(&app).scroll, 18);
    update(&mut app, Msg::Wheel { up: false });
    press(&mut app, KeyCode::PageDown);
    assert_eq!(screen(&app).scroll, 0);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(screen(&app).scroll, 0, "never below the newest line");
    // No further back than the text goes, so the way down is never longer than the way up.
    for _ in 0..1000 {
        press(&mut app, KeyCode::PageUp);
    }
    let top = screen(&app).scroll;
    assert!((20..600).contains(&top), "{top}");
    // Sending a line jumps back to the newest.
    press(&mut app, KeyCode::PageUp);
    type_text(&mut app, "get pods");
    press(&mut app, KeyCode::Enter);
    assert_eq!(screen(&app).scroll, 0);

    update(&mut app, Msg::Views(views(&finished())));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(debrief(&app).scroll, 16, "the debrief's page at 80×24: the report pane inside its borders");
    update(&mut app, Msg::Wheel { up: false });
    assert_eq!(debrief(&app).scroll, 19);
    press(&mut app, KeyCode::PageUp);
    update(&mut app, Msg::Wheel { up: true });
    assert_eq!(debrief(&app).scroll, 0);
    press(&mut app, KeyCode::Down);
    assert_eq!(debrief(&app).scroll, 1);
}

#[test]
fn status_templates_state_the_impact_and_promise_no_fix_time() {
    use crate::game::score::{promises_eta, states_impact};
    for state in
        [IncidentState::Investigating, IncidentState::Identified, IncidentState::Monitoring, IncidentState::Resolved]
    {
        let text = status_template(state, 4);
        assert!(!promises_eta(&text), "{state:?} promises a fix time: {text}");
        assert!(states_impact(&text, &[]), "{state:?} does not say what users see: {text}");
    }
}

#[test]
fn key_releases_are_ignored() {
    use ratatui::crossterm::event::KeyEventKind;
    let mut app = app();
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(update(&mut app, Msg::Key(release)), Vec::new());
    assert!(!app.quit);
}

#[test]
fn the_turn_timer_counts_down_on_the_shells_clock_and_says_whom_the_turn_waits_for() {
    use std::time::{Duration, Instant};
    let mut game = game();
    let mut app = playing(&game);
    assert_eq!(app.turn_left(), None, "no timer: no countdown");
    assert!(!app.counting_down());
    assert_eq!(screen(&app).view().map(|v| v.waiting.clone()), Some(vec![Seat::Liaison, TS]));
    let start = Instant::now();
    update(&mut app, Msg::TurnTimer { left: Some(Duration::from_secs(60)), now: start });
    assert_eq!(app.turn_left(), Some(Duration::from_secs(60)));
    assert!(app.counting_down());
    update(&mut app, Msg::Tick(start + Duration::from_secs(17)));
    assert_eq!(app.turn_left(), Some(Duration::from_secs(43)));
    update(&mut app, Msg::Tick(start + Duration::from_secs(90)));
    assert_eq!(app.turn_left(), Some(Duration::ZERO), "never below zero");
    assert!(!app.counting_down(), "nothing left to count: the shell stops ticking");
    // The liaison ended the turn: it waits for the troubleshooter alone.
    game.act(Seat::Liaison, &GameAction::EndTurn).expect("ends the turn");
    update(&mut app, Msg::Views(views(&game)));
    assert_eq!(screen(&app).view().map(|v| v.waiting.clone()), Some(vec![TS]));
    update(&mut app, Msg::TurnTimer { left: None, now: start });
    assert_eq!(app.turn_left(), None, "a paused or ended game shows no countdown");
}
