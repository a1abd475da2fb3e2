//! Swapped sides end to end (`kombat host --teams 2 --break`): a server in this process hosts a
//! tournament of two rooms, each with a break phase on the same baseline and seed. Team 1 responds
//! in room 1 and is the customer team of room 2; team 2 the other way round. The host's `start` is
//! refused while a break is not proven (and a player may not start a room alone); both customer
//! teams compose two cards and prove them fair (headless); `start` starts both rooms at once. Team
//! 1 fixes its incident with the composition's reference solution; team 2 waits and loses. The
//! board then ranks by fix + break: team 1 fixed and its break held team 2 to the end (the full
//! break), team 2's break took team 1 some turns. The projector shows both parts and whom each
//! team breaks for, and no responder nor the projector saw a card, target or verdict of the break
//! it faced before the debrief.

use std::fmt::Write as _;
use std::time::Duration;

use kombat::game::breaking::{BreakRequest, BreakView};
use kombat::game::draw::Drawn;
use kombat::game::tournament::{BREAK_MAX, BreakOrigin, Leaderboard, Status, TournamentView, break_points};
use kombat::game::view::RoleView;
use kombat::game::{Action, Difficulty, Outcome, Phase};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::{LobbyView, RoleWish};
use kombat::net::server::{Farewell, HostConsole, Server, ServerConfig, tournament_text};
use tokio::time::{Instant, timeout, timeout_at};

#[path = "support/breaks.rs"]
mod breaks;

const PATIENCE: Duration = Duration::from_secs(60);
const BASELINE: &str = "shop";

/// A client and everything it was sent before its game's debrief, as text.
struct Player {
    client: Client,
    lobby: Option<LobbyView>,
    view: Option<RoleView>,
    table: Option<BreakView>,
    board: Option<Leaderboard>,
    wall: Option<TournamentView>,
    seen: String,
}

impl Player {
    async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Player {
        let client = Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins");
        Player { client, lobby: None, view: None, table: None, board: None, wall: None, seen: String::new() }
    }

    fn ended(&self) -> bool {
        self.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_)))
    }

    async fn until(&mut self, what: &str, mut done: impl FnMut(&ClientEvent, &Player) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let event = timeout_at(deadline, self.client.next_event())
                .await
                .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", self.client.seat()))
                .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
            let ended = self.ended();
            match &event {
                ClientEvent::Lobby(lobby) => self.lobby = Some(lobby.clone()),
                ClientEvent::View(view) => self.view = Some((**view).clone()),
                ClientEvent::Break(table) => self.table = Some((**table).clone()),
                ClientEvent::Leaderboard(board) => self.board = Some((**board).clone()),
                ClientEvent::Tournament(wall) => self.wall = Some((**wall).clone()),
                ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
                _ => {}
            }
            // Everything before this seat's debrief; the debrief tells everyone everything.
            if !ended && !self.ended() {
                match &event {
                    // A projector's picture: only the boards of games still going.
                    ClientEvent::Tournament(wall) => {
                        let _ = write!(self.seen, "{:?}", wall.leaderboard);
                        for team in &wall.teams {
                            if team.view.as_ref().is_some_and(|v| !matches!(v.phase, Phase::Ended(_))) {
                                let _ = write!(self.seen, "{team:?}");
                            }
                        }
                    }
                    event => {
                        let _ = write!(self.seen, "{event:?}");
                    }
                }
            }
            if done(&event, self) {
                return;
            }
        }
    }

    async fn ask(&mut self, request: BreakRequest) {
        self.client.send(ClientCommand::Break(request)).await.expect("sent");
    }

    /// Picks the composition's cards on their targets, then proves it.
    async fn compose(&mut self, drawn: &Drawn) {
        self.ask(BreakRequest::Show).await;
        self.until("the card table", |_, p| p.table.is_some()).await;
        for (card, target) in &drawn.picks {
            self.ask(BreakRequest::Pick { card: card.clone(), target: Some(target.to_string()) }).await;
            let n = self.table.as_ref().map_or(0, |t| t.picks.len()) + 1;
            self.until("the pick", |_, p| p.table.as_ref().is_some_and(|t| t.picks.len() == n)).await;
        }
        self.ask(BreakRequest::Prove).await;
        self.until("the verdict", |_, p| p.table.as_ref().is_some_and(|t| t.fairness.is_some())).await;
        let verdict = self.table.as_ref().and_then(|t| t.fairness.clone()).expect("a verdict");
        assert!(verdict.is_fair(), "{}", verdict.words());
    }

    async fn act(&mut self, action: Action) -> Result<(), String> {
        let what = format!("{action:?}");
        let id = self.client.act(action).await.expect("sent");
        let mut answer = None;
        self.until(&what, |e, _| match e {
            ClientEvent::Done { id: got, result } if *got == id => {
                answer = Some(result.clone());
                true
            }
            _ => false,
        })
        .await;
        answer.expect("an answer")
    }

    /// Ends the turn and waits for the next one (or the end).
    async fn next_turn(&mut self) {
        let turn = self.view.as_ref().map_or(0, |v| v.turn);
        self.act(Action::EndTurn).await.expect("ends the turn");
        self.until("the next turn", |_, p| p.view.as_ref().is_some_and(|v| v.turn > turn) || p.ended()).await;
    }

    /// Runs a console command, ending turns while the turn has too few action points for it.
    async fn command(&mut self, line: &str) {
        for _ in 0..5 {
            match self.act(Action::Command(line.to_owned())).await {
                Ok(()) => return,
                Err(why) if why.contains("action points") => {
                    self.next_turn().await;
                    if self.ended() {
                        return;
                    }
                }
                Err(why) => panic!("{line}: {why}"),
            }
        }
        panic!("{line}: never enough action points");
    }

    async fn play_out(&mut self) {
        for _ in 0..60 {
            if self.ended() {
                return;
            }
            self.next_turn().await;
        }
        panic!("the game did not end in 60 turns");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_break_for_each_other_and_the_board_counts_fix_and_break() {
    let (seed, drawn) = breaks::two_card_break(BASELINE);
    let config = ServerConfig {
        difficulty: Difficulty::Normal,
        break_phase: true,
        baseline: Some(BASELINE.to_owned()),
        ..ServerConfig::default()
    };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let rooms = server.rooms();
    let incident = rooms.incident("first-deploy", Some(seed), Difficulty::Normal).expect("the incident");
    // One team cannot break for another.
    let one = rooms.create_tournament(1, incident.clone()).await.expect_err("refused");
    assert!(format!("{one:#}").contains("at least 2 teams"), "{one:#}");
    let tournament = rooms.create_tournament(2, incident).await.expect("a tournament");
    let code = tournament.code.clone();
    let room: Vec<String> = tournament.teams.iter().map(|(_, r)| r.code.clone()).collect();
    assert!(tournament.swapped.is_some(), "swapped sides");
    // The host's lines say where each team responds and where it breaks.
    let said = tournament_text(&tournament, &addr);
    assert!(said.contains(&format!("team 1 responds in room {}", room[0])), "{said}");
    assert!(said.contains(&format!("team 1 breaks for team 2 in room {}", room[1])), "{said}");
    assert!(said.contains(&format!("--code {} --role customer", room[0])), "{said}");
    let opened = tournament.teams.iter().map(|(_, r)| r.clone()).collect();
    let mut console =
        HostConsole::new(rooms, addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, stopped) = tokio::sync::oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));

    // Team 1: Tam responds in room 1, Cat breaks room 2. Team 2: Ann responds in room 2, Dee
    // breaks room 1.
    let mut tam = Player::join(&addr, &room[0], "Tam", RoleWish::Troubleshooter).await;
    let mut cat = Player::join(&addr, &room[1], "Cat", RoleWish::Customer).await;
    let mut ann = Player::join(&addr, &room[1], "Ann", RoleWish::Troubleshooter).await;
    let mut dee = Player::join(&addr, &room[0], "Dee", RoleWish::Customer).await;
    let mut wall = Player::join(&addr, &code, "Wall", RoleWish::Spectator).await;
    wall.until("the first picture", |_, p| p.wall.is_some()).await;
    cat.until("the lobby", |_, p| p.lobby.as_ref().is_some_and(|l| l.summary.contains("Swapped sides"))).await;
    let summary = cat.lobby.as_ref().expect("a lobby").summary.clone();
    assert!(summary.contains("team 2 responds in this room; team 1's customer team breaks"), "{summary}");

    // Nothing starts before every break is proven, and nobody starts a room alone.
    let refused = console.answer("start").await;
    assert!(refused.contains("not proven fair yet") && refused.contains("nothing started"), "{refused}");
    tam.client.send(ClientCommand::Start).await.expect("sent");
    tam.until("no start alone", |e, _| matches!(e, ClientEvent::Notice(t) if t.contains("swapped sides"))).await;

    // Both customer teams compose and prove; the host hears each proof.
    cat.compose(&drawn).await;
    let half = console.answer("start").await;
    assert!(half.contains("team 1's room (broken by team 2)") && half.contains("nothing started"), "{half}");
    dee.compose(&drawn).await;
    let mut heard = Vec::new();
    while heard.iter().filter(|l: &&String| l.contains("proven fair, waiting for the start")).count() < 2 {
        heard.push(timeout(PATIENCE, console.board_news()).await.expect("in time").expect("a line"));
    }
    assert!(heard.iter().any(|l| l == "board: team 1's break for team 2: proven fair, waiting for the start"));
    assert_eq!(console.answer("start").await, "team 1: started\nteam 2: started");
    tam.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;
    ann.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;

    // Team 1 fixes its room's incident (team 2's composition); team 2 waits and loses.
    for line in &drawn.scenario.solution {
        match line.strip_prefix("/wait") {
            Some(n) => {
                for _ in 0..n.trim().parse::<u32>().unwrap_or(1) {
                    tam.next_turn().await;
                }
            }
            None => tam.command(line).await,
        }
        if tam.ended() {
            break;
        }
    }
    tam.play_out().await;
    let won = tam.view.as_ref().map(|v| v.phase.clone());
    assert!(matches!(won, Some(Phase::Ended(Outcome::Won { .. }))), "team 1 won: {won:?}");
    ann.play_out().await;
    let lost = ann.view.as_ref().map(|v| v.phase.clone());
    assert!(matches!(lost, Some(Phase::Ended(Outcome::Lost { .. }))), "team 2 lost: {lost:?}");

    // The projector's last picture: both over, ranked by fix + break.
    wall.until("both over", |_, p| {
        p.wall.as_ref().is_some_and(|w| w.leaderboard.rows.iter().all(|r| r.standing.status.is_over()))
    })
    .await;
    let view = wall.wall.clone().expect("a picture");
    let board = &view.leaderboard;
    let teams: Vec<&str> = board.rows.iter().map(|r| r.team.as_str()).collect();
    assert_eq!(teams, ["team 1", "team 2"]);
    let (first, second) = (&board.rows[0], &board.rows[1]);
    assert_eq!(first.standing.status, Status::Won);
    let team1_break = first.broke.as_ref().expect("team 1's break");
    assert_eq!((team1_break.for_team.as_str(), team1_break.origin), ("team 2", BreakOrigin::Composed));
    assert_eq!(team1_break.points, Some(BREAK_MAX), "team 2 never resolved team 1's break");
    let team2_break = second.broke.as_ref().expect("team 2's break");
    assert_eq!((team2_break.for_team.as_str(), team2_break.origin), ("team 1", BreakOrigin::Composed));
    let expected = break_points(BreakOrigin::Composed, &first.standing).expect("known once over");
    assert_eq!(team2_break.points, Some(expected));
    assert!(expected > 0 && expected < BREAK_MAX, "team 1 took some of the turns: {expected}");
    assert_eq!(first.total(), first.standing.points.expect("graded") + BREAK_MAX);
    assert!(first.total() > second.total(), "{board:?}");
    assert_eq!(board.totals[0].break_points, BREAK_MAX);
    let columns: Vec<Option<&str>> = view.teams.iter().map(|t| t.breaks_for.as_deref()).collect();
    assert_eq!(columns, [Some("team 2"), Some("team 1")]);

    // The host's board shows both parts and each break in words.
    let text = console.answer("board").await;
    assert!(text.contains("fix break total"), "{text}");
    assert!(
        text.contains("team 1 breaks for team 2: composed and proven fair; team 2 did not resolve it (lost at turn"),
        "{text}"
    );
    assert!(text.contains("team 2 breaks for team 1: composed and proven fair; team 1 resolved it at turn"), "{text}");
    // Each team's players get the same board for their debrief, the customer team in the room it broke too.
    for player in [&mut tam, &mut cat] {
        player
            .until("the final board", |_, p| {
                p.board.as_ref().is_some_and(|b| b.rows.iter().all(|r| r.standing.status.is_over()))
            })
            .await;
        let theirs = player.board.as_ref().expect("a board");
        assert_eq!(theirs.rows[0].broke, board.rows[0].broke);
    }

    // No responder and no projector saw a card, a target or the verdict before the debrief.
    let table = cat.table.clone().expect("a table");
    for pick in &table.picks {
        for secret in [&pick.card, &pick.title, &pick.target] {
            for (who, seen) in [("Tam", &tam.seen), ("Ann", &ann.seen), ("the projector", &wall.seen)] {
                assert!(!seen.contains(secret.as_str()), "{who} saw {secret:?}");
            }
        }
    }
    for words in ["proven fair: the game may start", "BreakView", "Fairness"] {
        for (who, seen) in [("Tam", &tam.seen), ("Ann", &ann.seen), ("the projector", &wall.seen)] {
            assert!(!seen.contains(words), "{who} saw {words:?}");
        }
    }
    assert!(tam.table.is_none() && ann.table.is_none(), "a responder never gets the card table");

    for player in [&tam, &cat, &ann, &dee, &wall] {
        let _ = player.client.send(ClientCommand::Leave).await;
    }
    let _ = stop.send(Farewell::Stopped);
    timeout(PATIENCE, serving).await.expect("stops").expect("cleanly");
}

/// `next NAME` in a swapped tournament opens every room's new break phase on the baseline NAME
/// names (its id, or a scenario a baseline is built on); a bare `next` keeps that baseline; a
/// name that is neither changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_with_a_name_moves_every_rooms_break_to_that_baseline() {
    let config = ServerConfig {
        difficulty: Difficulty::Normal,
        break_phase: true,
        baseline: Some(BASELINE.to_owned()),
        ..ServerConfig::default()
    };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let rooms = server.rooms();
    let incident = rooms.incident("first-deploy", Some(5), Difficulty::Normal).expect("the incident");
    let tournament = rooms.create_tournament(2, incident).await.expect("a tournament");
    let room: Vec<String> = tournament.teams.iter().map(|(_, r)| r.code.clone()).collect();
    let opened = tournament.teams.iter().map(|(_, r)| r.clone()).collect();
    let mut console =
        HostConsole::new(rooms, addr.clone(), "first-deploy".into(), opened, None).with_tournament(tournament);
    let (stop, stopped) = tokio::sync::oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));
    let mut breakers = vec![
        Player::join(&addr, &room[0], "Dee", RoleWish::Customer).await,
        Player::join(&addr, &room[1], "Cat", RoleWish::Customer).await,
    ];
    for player in &mut breakers {
        player.ask(BreakRequest::Show).await;
        player.until("the first table", |_, p| p.table.as_ref().is_some_and(|t| t.baseline == BASELINE)).await;
    }

    // By a baseline's id, then by the scenario a baseline is built on, then again bare.
    let bakery_scenario = kombat::scenario::baselines()
        .expect("baselines")
        .into_iter()
        .find(|b| b.id == "bakery")
        .and_then(|b| match b.cluster {
            kombat::scenario::business::ClusterSource::Scenario(id) => Some(id),
            kombat::scenario::business::ClusterSource::Inline(_) => None,
        })
        .expect("the bakery is built on a scenario");
    for (line, baseline) in
        [("next lockers", "lockers"), (&*format!("next {bakery_scenario}"), "bakery"), ("next", "bakery")]
    {
        let said = console.answer(line).await;
        assert!(said.contains("a new break phase"), "{line}: {said}");
        for player in &mut breakers {
            player.ask(BreakRequest::Show).await;
            player
                .until(&format!("the table on {baseline}"), |_, p| {
                    p.table.as_ref().is_some_and(|t| t.baseline == baseline && t.picks.is_empty())
                })
                .await;
        }
    }
    let refused = console.answer("next no-such-place").await;
    assert!(refused.starts_with("cannot open the break phase") && refused.contains("lockers"), "{refused}");
    let board = console.answer("board").await;
    assert!(board.contains("round 4"), "a refused next opens no round: {board}");

    for player in &breakers {
        let _ = player.client.send(ClientCommand::Leave).await;
    }
    let _ = stop.send(Farewell::Stopped);
    timeout(PATIENCE, serving).await.expect("stops").expect("cleanly");
}
