//! The manifest editor pane, driven by keys: `kubectl edit deploy/web` at the console fetches
//! the object (a read through the seat path) and opens its YAML under kubectl's editor header;
//! ctrl-s sends the edit, which the game applies; an edit the API rejects comes back into the
//! pane with kubectl's error as `# ` lines on top; `apply -f -` opens it empty and Esc sends
//! nothing. The effects the model returns are carried out on a real game, as the driver would.

mod screen;

use screen::{draw, draw_buffer};

use insta::assert_snapshot;
use kombat::game::view::{self, RoleView};
use kombat::game::{Action, Game, Seat};
use kombat::tui::app::{App, Effect, Msg, Screen, update};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::render;
use kombat::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn new_game() -> Game {
    let scenario = kombat::scenario::builtin("first-deploy").expect("built in").expect("valid");
    let mut game = Game::new(scenario, 1).expect("builds");
    game.seat(Seat::Liaison, "you");
    game.seat(Seat::Troubleshooter(0), "you");
    game.start();
    game
}

fn views(game: &Game) -> Vec<RoleView> {
    vec![view::for_seat(game, Seat::Liaison), view::for_seat(game, Seat::Troubleshooter(0))]
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Carries out what the model asked of the game, then hands it the fresh views; the console
/// lines sent, in order.
fn carry_out(app: &mut App, game: &mut Game, effects: Vec<Effect>) -> Vec<String> {
    let mut sent = Vec::new();
    for effect in effects {
        if let Effect::Act { seat, action } = effect {
            if let Action::Command(line) = &action {
                sent.push(line.clone());
            }
            game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
        }
    }
    update(app, Msg::Views(views(game)));
    sent
}

fn in_game(game: &Game) -> App {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Views(views(game)));
    app
}

fn pane_text(app: &App) -> Option<String> {
    match &app.screen {
        Screen::Game(game) => game.manifest.as_ref().map(kombat::tui::app::ManifestEditor::value),
        _ => None,
    }
}

/// Opens `kubectl edit deploy/web -n shop` and lets the read fill the pane.
fn open_edit(app: &mut App, game: &mut Game) {
    type_text(app, "kubectl edit deploy/web -n shop");
    let effects = press(app, KeyCode::Enter);
    assert!(draw(app, 80, 24).contains("Fetching the object…"), "the pane waits for the object");
    let sent = carry_out(app, game, effects);
    assert_eq!(sent, ["kubectl edit deploy/web -n shop"], "the object is fetched as a read");
}

/// Moves the cursor to the first line starting with `prefix` and replaces the rest of it.
fn rewrite_line(app: &mut App, prefix: &str, with: &str) {
    let text = pane_text(app).expect("pane open");
    let row = text.lines().position(|l| l.starts_with(prefix)).expect("line in the YAML");
    for _ in 0..row {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::End);
    let len = text.lines().nth(row).map_or(0, |l| l.chars().count());
    for _ in 0..len {
        press(app, KeyCode::Backspace);
    }
    type_text(app, with);
}

fn replicas(game: &Game) -> u32 {
    let line =
        kombat::sim::kubectl::run_read(&game.world.cluster, "get deploy web -n shop -o jsonpath={.spec.replicas}");
    line.expect("a read").output.parse().expect("a number")
}

#[test]
fn edit_opens_the_yaml_saves_with_ctrl_s_and_a_rejected_edit_comes_back_with_its_error() {
    let mut game = new_game();
    let mut app = in_game(&game);
    open_edit(&mut app, &mut game);
    let text = pane_text(&app).expect("the pane opened with the object");
    assert!(text.starts_with("# Please edit the object below."), "{text}");
    assert!(text.contains("\nkind: Deployment\n"), "{text}");
    let shown = draw(&app, 80, 24);
    assert!(shown.contains("kubectl edit deploy/web -n shop"), "the pane names its command:\n{shown}");
    assert!(shown.contains("ctrl-s saves · enter new line · esc cancels"), "and its keys:\n{shown}");
    assert_eq!(render::cursor(&app, draw_buffer(&app, 80, 24).area), None, "the editor draws its own cursor");
    assert_snapshot!("manifest_editor_80x24", shown);

    let before = replicas(&game);
    rewrite_line(&mut app, "  replicas:", &format!("  replicas: {}", before + 2));
    let effects = key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(pane_text(&app).is_none(), "saving closes the pane");
    let sent = carry_out(&mut app, &mut game, effects);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].starts_with("kubectl edit deploy/web -n shop <<'EOF'\n# Please edit"), "{}", sent[0]);
    assert_eq!(replicas(&game), before + 2, "the edit was applied");
    assert!(pane_text(&app).is_none(), "an accepted edit does not reopen the pane");

    // A value the API refuses: the pane comes back with kubectl's error on top.
    act_end_turn(&mut game);
    update(&mut app, Msg::Views(views(&game)));
    open_edit(&mut app, &mut game);
    rewrite_line(&mut app, "  replicas:", "  replicas: many");
    let effects = key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    carry_out(&mut app, &mut game, effects);
    let text = pane_text(&app).expect("the rejected edit reopens");
    assert!(text.starts_with("# error: deployments.apps \"web\" was not valid:\n# * "), "{text}");
    assert!(text.contains("  replicas: many"), "the edit is kept:\n{text}");
    assert_eq!(replicas(&game), before + 2, "nothing changed");
    assert_snapshot!("manifest_editor_rejected_80x24", draw(&app, 80, 24));
    // Esc cancels: the pane closes and nothing is sent.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(pane_text(&app).is_none());
}

fn act_end_turn(game: &mut Game) {
    for seat in [Seat::Liaison, Seat::Troubleshooter(0)] {
        game.act(seat, &Action::EndTurn).expect("ends the turn");
    }
}

#[test]
fn apply_from_stdin_opens_an_empty_pane_that_sends_the_manifest_or_nothing() {
    let mut game = new_game();
    let mut app = in_game(&game);
    type_text(&mut app, "kubectl apply -f -");
    assert!(press(&mut app, KeyCode::Enter).is_empty() || pane_text(&app).is_some());
    assert_eq!(pane_text(&app).as_deref(), Some(""), "the pane opens empty");
    for (i, line) in
        ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: flags", "  namespace: shop"].iter().enumerate()
    {
        if i > 0 {
            press(&mut app, KeyCode::Enter);
        }
        type_text(&mut app, line);
    }
    // Esc: nothing sent, nothing created.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(pane_text(&app).is_none());
    let missing = kombat::sim::kubectl::run_read(&game.world.cluster, "get cm flags -n shop").expect("read");
    assert!(!missing.ok);

    type_text(&mut app, "kubectl apply -f -");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "apiVersion: v1");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "kind: ConfigMap");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "metadata: {name: flags, namespace: shop}");
    let effects = key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let sent = carry_out(&mut app, &mut game, effects);
    assert_eq!(
        sent,
        ["kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop}\nEOF"]
    );
    let listed = kombat::sim::kubectl::run_read(&game.world.cluster, "get cm -n shop").expect("read");
    assert!(listed.output.lines().any(|l| l.starts_with("flags ")), "{}", listed.output);
    let shown = draw(&app, 160, 48);
    assert!(shown.contains("configmap/flags created"), "the console shows kubectl's answer:\n{shown}");
}

#[test]
fn the_yaml_fetched_for_the_editor_stays_out_of_the_scrollback() {
    let mut game = new_game();
    let mut app = in_game(&game);
    open_edit(&mut app, &mut game);
    let before = replicas(&game);
    rewrite_line(&mut app, "  replicas:", &format!("  replicas: {}", before + 1));
    let effects = key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    carry_out(&mut app, &mut game, effects);
    assert!(pane_text(&app).is_none(), "the edit was saved");
    let shown = draw(&app, 160, 48);
    // The fetch leaves a one-line trace, its command; the saved edit shows as sent and answered.
    assert_eq!(shown.matches("$ kubectl edit deploy/web -n shop").count(), 2, "{shown}");
    assert!(shown.contains("$ kubectl edit deploy/web -n shop <<'EOF'  (+"), "{shown}");
    assert!(shown.contains("deployment.apps/web edited"), "{shown}");
    for yaml in ["# Please edit the object below.", "kind: Deployment", "apiVersion: apps/v1"] {
        assert!(!shown.contains(yaml), "the fetched YAML is not in the scrollback ({yaml}):\n{shown}");
    }
    // The game's console keeps what the command answered, for the journal and other seats.
    let fetched = game.console.iter().find(|e| e.line == "kubectl edit deploy/web -n shop").expect("logged");
    assert!(fetched.output.contains("kind: Deployment"));
}
