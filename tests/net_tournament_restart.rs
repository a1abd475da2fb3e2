//! A tournament survives a host restart (issue 14): `kombat host --teams 2` with a data directory,
//! played in this process through the library. Round 1 is played to a result (team 1 fixes the
//! incident and wins, team 2 waits it out), the host stops and starts again from the same data
//! directory: the tournament comes back under its code (a projector joins with it), its
//! leaderboard still lists both teams with round 1's results, the teams' players take their seats
//! back by name, and `next` starts round 2 in both rooms. Stopped again during round 2, it comes
//! back in round 2 with round 1 among the past rounds and both games going on. Everything waits on
//! channels with deadlines.

use std::path::Path;
use std::time::Duration;

use kombat::game::tournament::{Status, TeamRow, TournamentView};
use kombat::game::{Action, Difficulty, Outcome, Phase};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{Farewell, HostConsole, NewTournament, Resumption, Server};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout, timeout_at};

#[path = "support/resuming.rs"]
mod resuming;

const PATIENCE: Duration = Duration::from_secs(60);

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";

async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Client {
    Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins")
}

/// Events until `done` says so of one.
async fn until(client: &mut Client, what: &str, mut done: impl FnMut(&ClientEvent) -> bool) -> ClientEvent {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let event = timeout_at(deadline, client.next_event())
            .await
            .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", client.seat()))
            .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
        if let ClientEvent::Closed(closed) = &event {
            panic!("closed while waiting for {what}: {closed:?}");
        }
        if done(&event) {
            return event;
        }
    }
}

async fn act(client: &mut Client, action: Action) {
    let id = client.act(action.clone()).await.expect("sent");
    let answer = until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
    assert_eq!(answer, ClientEvent::Done { id, result: Ok(()) }, "{action:?}");
}

/// Ends the turn until the game is over (`also` ends its turn first); the outcome.
async fn play_out(client: &mut Client, mut also: Option<&mut Client>) -> Outcome {
    for _ in 0..40 {
        if let Some(other) = also.as_deref_mut() {
            act(other, Action::EndTurn).await;
        }
        act(client, Action::EndTurn).await;
        if let ClientEvent::View(view) = until(client, "a view", |e| matches!(e, ClientEvent::View(_))).await
            && let Phase::Ended(outcome) = &view.phase
        {
            return outcome.clone();
        }
    }
    panic!("the game did not end in 40 turns");
}

fn order(rows: &[TeamRow]) -> Vec<(&str, Status)> {
    rows.iter().map(|r| (r.team.as_str(), r.standing.status)).collect()
}

/// A server on the data directory, with what it resumed and the tournaments among it.
async fn serve_resuming(dir: &Path) -> (String, Vec<Resumption>, Vec<NewTournament>, Server) {
    serve_resuming_with(dir, None).await
}

/// Like [`serve_resuming`], with a break phase on `baseline` (`kombat host --break --baseline`).
async fn serve_resuming_with(
    dir: &Path,
    baseline: Option<&str>,
) -> (String, Vec<Resumption>, Vec<NewTournament>, Server) {
    let (addr, outcomes, mut server) = resuming::serve_resuming(dir, baseline).await;
    let tournaments = server.resumed_tournaments();
    (addr, outcomes, tournaments, server)
}

fn run(server: Server) -> (oneshot::Sender<Farewell>, JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));
    (stop, serving)
}

/// Stops the host as a restart would (its players are told to resume later).
async fn restart(stop: oneshot::Sender<Farewell>, serving: JoinHandle<()>) {
    let _ = stop.send(Farewell::Restart);
    timeout(PATIENCE, serving).await.expect("stops in time").expect("cleanly");
}

/// Reads the tournament's lines for the host until each of `wanted` has accepted one, in
/// whatever order they come: the rooms report on their own, so two teams' news may arrive
/// either way round.
async fn board_lines(console: &mut HostConsole, wanted: &[&dyn Fn(&str) -> bool]) {
    let mut seen = vec![false; wanted.len()];
    while seen.contains(&false) {
        let line = timeout(PATIENCE, console.board_news()).await.expect("in time").expect("a line");
        for (accepts, seen) in wanted.iter().zip(&mut seen) {
            *seen |= accepts(&line);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tournament_survives_a_host_restart_with_its_code_results_and_rounds() {
    let dir = std::env::temp_dir().join(format!("kombat-net-tournament-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    // Round 1, to a result: team 1 wins, team 2 waits it out.
    let (addr, outcomes, resumed, server) = serve_resuming(&dir).await;
    assert!(outcomes.is_empty() && resumed.is_empty());
    let rooms = server.rooms();
    let incident = rooms.incident("first-deploy", Some(42), Difficulty::Normal).expect("the incident");
    let tournament = rooms.create_tournament(2, incident).await.expect("a tournament");
    let code = tournament.code.clone();
    let teams: Vec<String> = tournament.teams.iter().map(|(_, room)| room.code.clone()).collect();
    let opened = tournament.teams.iter().map(|(_, room)| room.clone()).collect();
    let record = dir.join("tournaments").join(format!("{code}.json"));
    assert!(record.is_file(), "the tournament's record is written when it opens");
    let mut console =
        HostConsole::new(rooms, addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, serving) = run(server);
    let mut lee = join(&addr, &teams[0], "Lee", RoleWish::Liaison).await;
    let mut tam = join(&addr, &teams[0], "Tam", RoleWish::Troubleshooter).await;
    let mut ann = join(&addr, &teams[1], "Ann", RoleWish::Troubleshooter).await;
    assert_eq!(console.answer("start").await, "team 1: started\nteam 2: started");
    act(&mut tam, Action::Command(FIX.into())).await;
    let won = play_out(&mut tam, Some(&mut lee)).await;
    assert!(matches!(won, Outcome::Won { .. }), "{won:?}");
    let lost = play_out(&mut ann, None).await;
    assert!(!matches!(lost, Outcome::Won { .. }), "{lost:?}");
    board_lines(
        &mut console,
        &[&|l| l.starts_with("board: team 1 won"), &|l| l.starts_with("board: team 2 ") && !l.contains("playing")],
    )
    .await;
    // Asked after the news that carried the result: the record holds it by now.
    let before = console.answer("board").await;
    let text = std::fs::read_to_string(&record).expect("the record");
    assert!(text.contains("\"Won\"") && text.contains("\"round\": 1"), "{text}");
    restart(stop, serving).await;
    // The console's handle on the rooms holds the data directory, as the host's does until it exits.
    drop((lee, tam, ann, console));
    for room in &teams {
        assert!(dir.join("rooms").join(format!("{room}.json")).is_file(), "a team's room keeps its record once over");
    }

    // Restarted: the same tournament, its rooms, its results.
    let (addr, outcomes, mut resumed, server) = serve_resuming(&dir).await;
    let mut back: Vec<String> = outcomes
        .iter()
        .map(|o| match o {
            Resumption::Resumed(room) => room.code.clone(),
            other => panic!("not resumed: {other:?}"),
        })
        .collect();
    back.sort();
    let mut expected = teams.clone();
    expected.sort();
    assert_eq!(back, expected, "both teams' rooms come back");
    assert_eq!(resumed.len(), 1, "the tournament comes back");
    let tournament = resumed.remove(0);
    assert_eq!((tournament.code.as_str(), tournament.round, tournament.seed), (code.as_str(), 1, 42));
    let codes: Vec<&str> = tournament.teams.iter().map(|(_, room)| room.code.as_str()).collect();
    assert_eq!(codes, teams.iter().map(String::as_str).collect::<Vec<_>>(), "each team in its own room");
    let opened = tournament.teams.iter().map(|(_, room)| room.clone()).collect();
    let mut console =
        HostConsole::new(server.rooms(), addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, serving) = run(server);
    assert_eq!(console.answer("board").await, before, "the host's board as it was");

    // A projector joins with the tournament's code, and sees round 1's results.
    let mut wall = join(&addr, &code, "Wall", RoleWish::Spectator).await;
    assert_eq!(wall.code(), code);
    let event = until(&mut wall, "the board", |e| matches!(e, ClientEvent::Tournament(_))).await;
    let ClientEvent::Tournament(view) = event else { unreachable!() };
    let view: TournamentView = *view;
    assert_eq!(view.leaderboard.round, 1);
    assert_eq!(order(&view.leaderboard.rows)[0], ("team 1", Status::Won));
    assert!(view.leaderboard.rows[1].standing.status.is_over(), "{:?}", view.leaderboard.rows);
    assert_eq!(view.teams.iter().map(|t| t.team.as_str()).collect::<Vec<_>>(), ["team 1", "team 2"]);

    // The players take their seats back by name, and `next` starts round 2 in both rooms.
    let mut tam = join(&addr, &teams[0], "Tam", RoleWish::Troubleshooter).await;
    let mut ann = join(&addr, &teams[1], "Ann", RoleWish::Troubleshooter).await;
    let event = until(&mut tam, "team 1's lobby", |e| matches!(e, ClientEvent::Lobby(_))).await;
    let ClientEvent::Lobby(lobby) = event else { unreachable!() };
    // The room whose game was over came back with its players: Lee's seat waits for Lee.
    assert!(lobby.players.iter().any(|p| p.name == "Lee" && !p.connected), "{:?}", lobby.players);
    // It plays again only in the next round: the host's `start` leaves it be.
    let refused = console.answer("start").await;
    assert!(refused.starts_with("team 1: not started: this team's game of the round is over"), "{refused}");
    let said = console.answer("next").await;
    assert!(said.starts_with("round 2: Friday afternoon release (seed "), "{said}");
    let event =
        until(&mut wall, "round 2", |e| matches!(e, ClientEvent::Tournament(v) if v.leaderboard.round == 2)).await;
    let ClientEvent::Tournament(view) = event else { unreachable!() };
    let board = &view.leaderboard;
    assert_eq!(board.past.len(), 1, "round 1 is among the past rounds");
    assert_eq!(order(&board.past[0].rows)[0], ("team 1", Status::Won));
    assert_eq!(board.totals[0].team, "team 1");
    assert_eq!((board.totals[0].resolved, board.totals[0].rounds), (1, 1));
    assert!(board.rows.iter().all(|r| r.standing.status == Status::Lobby), "{:?}", board.rows);
    assert_eq!(console.answer("start").await, "team 1: started\nteam 2: started");
    until(&mut tam, "round 2's game", |e| matches!(e, ClientEvent::View(v) if v.phase == Phase::Playing)).await;
    until(&mut ann, "round 2's game", |e| matches!(e, ClientEvent::View(v) if v.phase == Phase::Playing)).await;
    board_lines(
        &mut console,
        &[&|l| l.starts_with("board: team 1 playing"), &|l| l.starts_with("board: team 2 playing")],
    )
    .await;
    restart(stop, serving).await;
    drop((tam, ann, wall, console));

    // Restarted in round 2: round 1 among the past, both games going on.
    let (addr, outcomes, mut resumed, server) = serve_resuming(&dir).await;
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Resumption::Resumed(_))).count(), 2, "{outcomes:?}");
    let tournament = resumed.pop().expect("the tournament");
    assert_eq!((tournament.code.as_str(), tournament.round), (code.as_str(), 2));
    let opened = tournament.teams.iter().map(|(_, room)| room.clone()).collect();
    let mut console =
        HostConsole::new(server.rooms(), addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, serving) = run(server);
    let mut ann = join(&addr, &teams[1], "Ann", RoleWish::Troubleshooter).await;
    until(&mut ann, "round 2's game again", |e| matches!(e, ClientEvent::View(v) if v.phase == Phase::Playing)).await;
    let board = console.answer("board").await;
    let lines: Vec<&str> = board.lines().collect();
    assert_eq!(lines[1], "round 2: Friday afternoon release", "{board}");
    assert!(lines[3].contains(" playing, turn ") && lines[4].contains(" playing, turn "), "{board}");
    assert_eq!(lines[5], "totals:", "{board}");
    assert!(lines[6].starts_with(" 1  team 1 ") && lines[6].ends_with(", 1 of 1 resolved"), "{board}");
    let refused = console.answer("next").await;
    assert!(refused.starts_with("not yet: team 1, team 2 still playing"), "{refused}");

    let _ = ann.send(ClientCommand::Leave).await;
    let _ = stop.send(Farewell::Stopped);
    timeout(PATIENCE, serving).await.expect("stops").expect("cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With swapped sides (`--teams 2 --break --baseline shop`), restarted by a host without
/// `--break`, and with one team's room record lost: the tournament comes back swapped, the lost
/// room is reported and opened again empty under its code with its break phase (its customer team
/// gets the card table), `next` opens a new break phase in both rooms, and the baseline a `next
/// NAME` names is what the next restart's console breaks on again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapped_tournament_survives_a_restart_and_a_lost_room_comes_back_empty() {
    let dir = std::env::temp_dir().join(format!("kombat-net-tournament-swap-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let shop = kombat::scenario::baselines()
        .expect("baselines")
        .into_iter()
        .find(|b| b.id == "shop")
        .map(|b| b.title)
        .expect("the shop baseline");

    let (addr, _, _, server) = serve_resuming_with(&dir, Some("shop")).await;
    let rooms = server.rooms();
    let incident = rooms.incident("first-deploy", Some(7), Difficulty::Normal).expect("the incident");
    let tournament = rooms.create_tournament(2, incident).await.expect("a tournament");
    assert_eq!(tournament.swapped.as_deref(), Some(shop.as_str()));
    let code = tournament.code.clone();
    let teams: Vec<String> = tournament.teams.iter().map(|(_, room)| room.code.clone()).collect();
    drop((rooms, tournament));
    let (stop, serving) = run(server);
    let cat = join(&addr, &teams[0], "Cat", RoleWish::Customer).await;
    restart(stop, serving).await;
    drop(cat);
    std::fs::remove_file(dir.join("rooms").join(format!("{}.json", teams[1]))).expect("team 2's room record");

    // Restarted without --break: still swapped; team 2's room reported and back empty.
    let (addr, outcomes, mut resumed, server) = serve_resuming_with(&dir, None).await;
    assert!(
        outcomes.iter().any(|o| matches!(o, Resumption::Resumed(r) if r.code == teams[0] && r.title == shop)),
        "{outcomes:?}"
    );
    let lost = outcomes
        .iter()
        .find_map(|o| match o {
            Resumption::NotResumed { code, why } if *code == teams[1] => Some(why.clone()),
            _ => None,
        })
        .expect("the lost room is reported");
    assert!(lost.starts_with("its record is missing: team 2 of tournament "), "{lost}");
    let tournament = resumed.pop().expect("the tournament");
    assert_eq!((tournament.code.as_str(), tournament.swapped.as_deref()), (code.as_str(), Some(shop.as_str())));
    assert_eq!(tournament.teams.iter().map(|(_, r)| r.title.as_str()).collect::<Vec<_>>(), [&shop, &shop]);
    let opened = tournament.teams.iter().map(|(_, room)| room.clone()).collect();
    let mut console =
        HostConsole::new(server.rooms(), addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, serving) = run(server);
    let board = console.answer("board").await;
    assert!(board.contains("(swapped sides: each team breaks the cloud for the next)"), "{board}");
    let mut dee = join(&addr, &teams[1], "Dee", RoleWish::Customer).await;
    until(&mut dee, "the card table of team 2's room", |e| matches!(e, ClientEvent::Break(_))).await;
    let mut wall = join(&addr, &code, "Wall", RoleWish::Spectator).await;
    let event = until(&mut wall, "the board", |e| matches!(e, ClientEvent::Tournament(_))).await;
    let ClientEvent::Tournament(view) = event else { unreachable!() };
    let breaks: Vec<Option<&str>> = view.teams.iter().map(|t| t.breaks_for.as_deref()).collect();
    assert_eq!(breaks, [Some("team 2"), Some("team 1")]);

    // `next` on the host's (absent) baseline, then `next first-deploy` (the scenario the shop
    // baseline is built on): kept for the restart after.
    let said = console.answer("next").await;
    assert!(said.starts_with("round 2: a new break phase on "), "{said}");
    until(&mut dee, "round 2's card table", |e| matches!(e, ClientEvent::Break(_))).await;
    let said = console.answer("next first-deploy").await;
    assert!(said.starts_with(&format!("round 3: a new break phase on {shop} (seed ")), "{said}");
    restart(stop, serving).await;
    drop((dee, wall, console));

    let (_, outcomes, mut resumed, _server) = serve_resuming_with(&dir, None).await;
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Resumption::Resumed(_))).count(), 2, "{outcomes:?}");
    let tournament = resumed.pop().expect("the tournament");
    assert_eq!(tournament.round, 3);
    assert_eq!(tournament.baseline.as_deref(), Some("first-deploy"), "what `next NAME` named is kept");
    assert_eq!(tournament.swapped.as_deref(), Some(shop.as_str()));
    let _ = std::fs::remove_dir_all(&dir);
}
