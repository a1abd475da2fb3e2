//! Teams racing (`kombat host --teams 2`) over the network: a tournament of two rooms on the
//! same incident (`first-deploy`, seed 42). Headless clients play both teams: team 1 fixes the
//! incident and wins, team 2 waits. The host's console `start`s both at once, prints a line when
//! a team's standing changes and a `board` with both teams in the documented order; a projector
//! (a spectator on the tournament's code) sees both teams' public boards and the same order, and
//! nothing that only a team's own seats may see; team 1's players get the leaderboard for their
//! debrief. Then `next` refuses while a team plays, and once both are over starts round 2 in both
//! rooms, keeping round 1 in the totals. Everything waits on channels with deadlines.

use std::time::Duration;

use kombat::game::tournament::{Status, TeamRow, TournamentView};
use kombat::game::{Action, Difficulty, Outcome, Phase, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{Farewell, HostConsole, Server, ServerConfig};
use tokio::time::{Instant, timeout, timeout_at};

const PATIENCE: Duration = Duration::from_secs(30);

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";

/// Text only the team's own seats see: the console's answer to the fix, and team chat.
const SECRETS: [&str; 3] = ["deployment.apps/web image updated", "psst: the tag is wrong", "ImagePullBackOff"];

async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Client {
    Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins")
}

/// Events until `done` says so of one; the projector's pictures before it, as JSON (what reached
/// the client while the games went on).
async fn until(client: &mut Client, what: &str, mut done: impl FnMut(&ClientEvent) -> bool) -> (ClientEvent, String) {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = String::new();
    loop {
        let event = timeout_at(deadline, client.next_event())
            .await
            .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", client.seat()))
            .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
        match &event {
            ClientEvent::Tournament(view) => {
                // While each game goes on: the debrief at the end tells everyone everything.
                seen.push_str(&serde_json::to_string(&view.leaderboard).expect("serializes"));
                for team in &view.teams {
                    if team.view.as_ref().is_some_and(|v| !matches!(v.phase, Phase::Ended(_))) {
                        seen.push_str(&serde_json::to_string(team).expect("serializes"));
                    }
                }
            }
            ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
            _ => {}
        }
        if done(&event) {
            return (event, seen);
        }
    }
}

async fn act(client: &mut Client, action: Action) {
    let id = client.act(action.clone()).await.expect("sent");
    let (answer, _) =
        until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
    assert_eq!(answer, ClientEvent::Done { id, result: Ok(()) }, "{action:?}");
}

/// Ends the turn until the game is over; the seat's last view.
async fn play_out(client: &mut Client, also: Option<&mut Client>) -> Outcome {
    let mut also = also;
    for _ in 0..40 {
        if let Some(other) = also.as_deref_mut() {
            let id = other.act(Action::EndTurn).await.expect("sent");
            until(other, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
        }
        let id = client.act(Action::EndTurn).await.expect("sent");
        let (_, _) = until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
        let (event, _) = until(client, "a view", |e| matches!(e, ClientEvent::View(_))).await;
        if let ClientEvent::View(view) = event
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_race_on_one_incident_and_one_leaderboard() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let rooms = server.rooms();
    let incident = rooms.incident("first-deploy", Some(42), Difficulty::Normal).expect("the incident");
    let tournament = rooms.create_tournament(2, incident).await.expect("a tournament");
    assert_eq!(tournament.seed, 42);
    let code = tournament.code.clone();
    let teams: Vec<String> = tournament.teams.iter().map(|(_, room)| room.code.clone()).collect();
    assert_eq!(tournament.teams.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["team 1", "team 2"]);
    assert_ne!(teams[0], teams[1]);
    assert!(!teams.contains(&code), "the tournament has a code of its own");
    let opened = tournament.teams.iter().map(|(_, room)| room.clone()).collect();
    let mut console =
        HostConsole::new(rooms, addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, stopped) = tokio::sync::oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));

    // A player cannot take a seat with the tournament's code: it is the projector's.
    let refused = Client::connect(ClientConfig::new(&addr, &code, "Zed", RoleWish::Troubleshooter)).await;
    assert!(format!("{:?}", refused.err()).contains("tournament"), "a seat on the tournament's code");

    let mut lee = join(&addr, &teams[0], "Lee", RoleWish::Liaison).await;
    let mut tam = join(&addr, &teams[0], "Tam", RoleWish::Troubleshooter).await;
    let mut ann = join(&addr, &teams[1], "Ann", RoleWish::Troubleshooter).await;
    let mut wall = join(&addr, &code, "Wall", RoleWish::Spectator).await;
    assert!(matches!(wall.seat(), Seat::Spectator(_)));
    assert_eq!(wall.code(), code);
    until(&mut wall, "the first board", |e| matches!(e, ClientEvent::Tournament(v) if v.teams.len() == 2)).await;

    // The host starts both teams at once; both play the same incident.
    assert_eq!(console.answer("start").await, "team 1: started\nteam 2: started");
    let (first, _) = until(&mut tam, "team 1's game", |e| matches!(e, ClientEvent::View(_))).await;
    let (other, _) = until(&mut ann, "team 2's game", |e| matches!(e, ClientEvent::View(_))).await;
    let (ClientEvent::View(first), ClientEvent::View(other)) = (first, other) else { unreachable!() };
    assert_eq!((first.title.as_str(), first.turn_limit), (other.title.as_str(), other.turn_limit));
    let started = timeout(PATIENCE, console.board_news()).await.expect("in time").expect("a line");
    assert!(started.starts_with("board: team "), "{started}");
    assert!(started.contains("playing, turn 1"), "{started}");

    // Team 1 fixes it (with a word in team chat only its own seats see) and wins; team 2 waits.
    act(&mut lee, Action::TeamChat("psst: the tag is wrong".into())).await;
    act(&mut tam, Action::Command("get pods -n shop".into())).await;
    act(&mut tam, Action::Command(FIX.into())).await;
    let outcome = play_out(&mut tam, Some(&mut lee)).await;
    assert!(matches!(outcome, Outcome::Won { .. }), "{outcome:?}");

    // The host's console says so, and its board ranks the winner first.
    let mut heard = Vec::new();
    while !heard.iter().any(|l: &String| l.starts_with("board: team 1 won")) {
        heard.push(timeout(PATIENCE, console.board_news()).await.expect("in time").expect("a line"));
    }
    let board = console.answer("board").await;
    let lines: Vec<&str> = board.lines().collect();
    assert_eq!(lines[0], format!("tournament {code}"));
    assert_eq!(lines[1], "round 1: Friday afternoon release");
    assert!(lines[3].starts_with(" 1  team 1     won at turn "), "{board}");
    assert!(lines[4].starts_with(" 2  team 2     playing, turn 1 "), "{board}");
    // The host sees team 2's customer's mood while it plays; the grade comes at the end.
    assert!(!lines[4].trim_end().ends_with("-     -"), "{board}");
    assert!(lines[4].trim_end().ends_with('-'), "{board}");

    // The projector: both boards, the same order, the mood hidden while team 2 plays.
    let (event, seen) = until(
        &mut wall,
        "team 1 first",
        |e| matches!(e, ClientEvent::Tournament(v) if v.leaderboard.rows[0].standing.status == Status::Won),
    )
    .await;
    let ClientEvent::Tournament(view) = event else { unreachable!() };
    let view: TournamentView = *view;
    assert_eq!(order(&view.leaderboard.rows), [("team 1", Status::Won), ("team 2", Status::Playing)]);
    assert_eq!(view.leaderboard.rows[1].standing.mood, None, "a playing team's mood is not public");
    assert!(view.leaderboard.rows[0].standing.grade.is_some());
    let names: Vec<&str> = view.teams.iter().map(|t| t.team.as_str()).collect();
    assert_eq!(names, ["team 1", "team 2"]);
    let team1 = view.teams[0].view.as_ref().expect("team 1's board");
    assert!(team1.table.iter().any(|s| s.name == "Tam"), "{:?}", team1.table);
    assert!(team1.debrief.is_some(), "the ended game's debrief is public");
    let team2 = view.teams[1].view.as_ref().expect("team 2's board");
    assert!(team2.table.iter().any(|s| s.name == "Ann"));
    // Nothing only a team's own seats saw reached the wall while the games went on.
    for secret in SECRETS {
        assert!(!seen.contains(secret), "the projector saw {secret:?}");
    }

    // Team 1's players get the board for their debrief.
    until(
        &mut lee,
        "the leaderboard",
        |e| matches!(e, ClientEvent::Leaderboard(b) if b.rows[0].standing.status == Status::Won),
    )
    .await;

    // The next round waits for team 2.
    let refused = console.answer("next").await;
    assert_eq!(refused, "not yet: team 2 still playing: the next round starts once every team's game is over");
    let lost = play_out(&mut ann, None).await;
    assert!(!matches!(lost, Outcome::Won { .. }), "waiting does not win: {lost:?}");
    until(
        &mut wall,
        "both over",
        |e| matches!(e, ClientEvent::Tournament(v) if v.leaderboard.rows.iter().all(|r| r.standing.status.is_over())),
    )
    .await;
    let said = console.answer("next").await;
    assert!(said.starts_with("round 2: Friday afternoon release (seed "), "{said}");
    until(&mut lee, "the lobby of round 2", |e| matches!(e, ClientEvent::Lobby(_))).await;
    until(&mut ann, "the lobby of round 2", |e| matches!(e, ClientEvent::Lobby(_))).await;
    let (event, _) =
        until(&mut wall, "round 2", |e| matches!(e, ClientEvent::Tournament(v) if v.leaderboard.round == 2)).await;
    let ClientEvent::Tournament(view) = event else { unreachable!() };
    let board = &view.leaderboard;
    assert_eq!(board.past.len(), 1);
    assert_eq!(order(&board.past[0].rows)[0], ("team 1", Status::Won));
    assert_eq!(board.totals[0].team, "team 1");
    assert_eq!((board.totals[0].resolved, board.totals[0].rounds), (1, 1));
    assert!(board.rows.iter().all(|r| r.standing.status == Status::Lobby), "{:?}", board.rows);

    for client in [&lee, &tam, &ann, &wall] {
        let _ = client.send(ClientCommand::Leave).await;
    }
    let _ = stop.send(Farewell::Stopped);
    timeout(PATIENCE, serving).await.expect("stops").expect("cleanly");
}
