//! The tournament's screens at 80×24 and 160×48 (insta snapshots of a `TestBackend`): the
//! projector, a spectator on the tournament's code, with the leaderboard over every team's public
//! board; and a team's debrief with the leaderboard under its own result. The teams are real
//! games of `first-deploy`: team 1 fixed it and won, team 2 is a turn in. With swapped sides the
//! same two games stand for the rooms each team broke for the other: the board adds fix, break
//! and total columns and each team's column says whom it breaks for.

mod screen;

use screen::draw;

use insta::assert_snapshot;
use kombat::game::tournament::{
    BreakOrigin, Leaderboard, TeamBoard, TeamRow, TournamentView, swapped_rows, team_report,
};
use kombat::game::{Action, Game, IncidentState, Seat};
use kombat::tui::app::{App, Msg, NetMsg, Overlay, Screen, update};
use kombat::tui::catalog;
use kombat::tui::keymap::Keymap;
use kombat::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app() -> App {
    let mut app = App::new(Keymap::default(), Theme::choose(None, false), catalog::builtin(None));
    "wall".clone_into(&mut app.player_name);
    app
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn snapshot_both(name: &str, app: &App) {
    for (w, h) in SIZES {
        assert_snapshot!(format!("{name}_{w}x{h}"), draw(app, w, h));
    }
}

#[allow(clippy::needless_pass_by_value)] // Every caller builds the action in place.
fn act(game: &mut Game, seat: Seat, action: Action) {
    game.act(seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

fn team(liaison: &str, troubleshooter: &str) -> Game {
    let scenario = kombat::scenario::builtin("first-deploy").expect("built in").expect("valid");
    let mut game = Game::new(scenario, 42).expect("builds");
    game.seat(Seat::Liaison, liaison);
    game.seat(Seat::Troubleshooter(0), troubleshooter);
    game.start();
    game
}

fn end_turn(game: &mut Game) {
    act(game, Seat::Liaison, Action::EndTurn);
    act(game, Seat::Troubleshooter(0), Action::EndTurn);
}

/// Team 1: found the typo, told the customer, fixed it, and played on to the end.
fn winners() -> Game {
    let mut game = team("Lee", "Tam");
    act(&mut game, Seat::Troubleshooter(0), Action::Command("get pods -n shop".into()));
    let text = "Every visitor to the storefront gets an error page; we found the cause and are fixing it.";
    act(&mut game, Seat::Liaison, Action::StatusUpdate { state: IncidentState::Identified, text: text.into() });
    act(
        &mut game,
        Seat::Troubleshooter(0),
        Action::Command("set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop".into()),
    );
    for _ in 0..4 {
        if matches!(game.phase, kombat::game::Phase::Ended(_)) {
            break;
        }
        end_turn(&mut game);
    }
    assert!(matches!(game.phase, kombat::game::Phase::Ended(_)), "team 1 is done");
    game
}

/// Team 2: a turn in, still looking.
fn chasers() -> Game {
    let mut game = team("Ann", "Bo");
    act(&mut game, Seat::Troubleshooter(0), Action::Command("get pods -n shop".into()));
    end_turn(&mut game);
    game
}

fn tournament() -> TournamentView {
    let games = [("team 1", winners()), ("team 2", chasers())];
    let mut rows = Vec::new();
    let mut teams = Vec::new();
    for (name, game) in &games {
        let (standing, board) = team_report(game);
        rows.push(TeamRow::fix(name, standing));
        teams.push(TeamBoard { team: (*name).to_owned(), breaks_for: None, view: Some(Box::new(board)) });
    }
    // Team 2 first, as the server lists teams; the board ranks them.
    rows.reverse();
    let leaderboard = Leaderboard::new(1, "Friday afternoon release", rows, Vec::new()).public();
    TournamentView { leaderboard, teams }
}

/// Swapped sides: team 1 responds in room 1 (won) and broke room 2 (still playing), team 2 the
/// other way round; room 1's break was composed by team 2 and proven fair, room 2's drawn.
fn swapped() -> TournamentView {
    let games = [winners(), chasers()];
    let names = ["team 1".to_owned(), "team 2".to_owned()];
    let reports: Vec<_> = games.iter().map(team_report).collect();
    let rooms =
        vec![(reports[0].0.clone(), Some(BreakOrigin::Composed)), (reports[1].0.clone(), Some(BreakOrigin::Drawn))];
    let rows = swapped_rows(&names, &rooms);
    let leaderboard = Leaderboard::new(1, "Shop", rows, Vec::new()).public();
    let teams = names
        .iter()
        .zip(reports)
        .enumerate()
        .map(|(k, (name, (_, board)))| TeamBoard {
            team: name.clone(),
            breaks_for: Some(names[(k + 1) % 2].clone()),
            view: Some(Box::new(board)),
        })
        .collect();
    TournamentView { leaderboard, teams }
}

/// A TUI that joined the tournament's code as a spectator and got its first picture.
fn projector() -> App {
    projector_of(tournament())
}

fn projector_of(view: TournamentView) -> App {
    let mut app = new_app();
    for _ in 0..10 {
        if let Screen::Title { selected } = app.screen
            && kombat::tui::app::MenuItem::ALL.get(selected).is_some_and(|m| m.label() == "Join a game")
        {
            press(&mut app, KeyCode::Enter);
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    for c in "3QK7M-ZP2WA".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::Spectator(0), code: "3QK7M-ZP2WA".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Tournament(Box::new(view))));
    app
}

#[test]
fn with_swapped_sides_the_projector_shows_fix_and_break() {
    let mut app = projector_of(swapped());
    app.notice = None;
    snapshot_both("tournament_swapped", &app);
    let text = draw(&app, 160, 48);
    assert!(text.contains("swapped sides"), "{text}");
    for column in ["fix", "break", "total"] {
        assert!(text.contains(column), "no {column} column:\n{text}");
    }
    // Team 2 broke room 1 (composed, and team 1 won there): its break earned points; team 1's
    // break of room 2 waits for team 2's game to end, and room 2's was drawn anyway.
    assert!(text.contains("drawn"), "{text}");
    assert!(text.contains("team 1 (breaks for team 2)"), "{text}");
    assert!(text.contains("team 2 (breaks for team 1)"), "{text}");
    let narrow = draw(&app, 80, 24);
    assert!(narrow.contains("total"), "the columns fit at 80 columns:\n{narrow}");
}

#[test]
fn the_projector_shows_the_leaderboard_over_every_teams_board() {
    let mut app = projector();
    assert!(matches!(app.screen, Screen::Tournament(_)), "the projector takes over");
    app.notice = None;
    snapshot_both("tournament_projector", &app);
    let text = draw(&app, 160, 48);
    let first = text.find("team 1").expect("team 1 on the board");
    let second = text.find("team 2").expect("team 2 on the board");
    assert!(first < second, "the winner ranks first:\n{text}");
    // The winner's board and the leaderboard name the same turn (the closing turn after the win
    // is not the turn it was won in).
    assert_eq!(text.matches("won at turn 2").count(), 2, "board and leaderboard agree:\n{text}");
    assert!(!text.contains("turn 3/15"), "{text}");
    // What only the team's own seats saw stays off the wall.
    assert!(!text.contains("image updated"), "{text}");
    // A projector only watches: its one key leaves, after asking.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave));
}

#[test]
fn a_teams_debrief_shows_the_leaderboard() {
    let mut app = new_app();
    for _ in 0..10 {
        if let Screen::Title { selected } = app.screen
            && kombat::tui::app::MenuItem::ALL.get(selected).is_some_and(|m| m.label() == "Join a game")
        {
            press(&mut app, KeyCode::Enter);
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    for c in "D64CS-K9DR8".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Net(NetMsg::Joined { seat: Seat::Liaison, code: "D64CS-K9DR8".to_owned() }));
    update(&mut app, Msg::Net(NetMsg::Leaderboard(Box::new(tournament().leaderboard))));
    let game = winners();
    update(&mut app, Msg::Views(vec![kombat::game::view::for_seat(&game, Seat::Liaison)]));
    assert!(matches!(app.screen, Screen::Debrief(_)), "the debrief takes over");
    app.notice = None;
    snapshot_both("tournament_debrief", &app);
    let text = draw(&app, 160, 48);
    assert!(text.contains("Leaderboard · round 1"), "{text}");
}
