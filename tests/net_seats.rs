//! Seats in a hosted room, over the network: the game master plays again in the same room (the
//! players keep their seats, the game gets a new seed), moves and swaps players between seats
//! during the game (each client then gets its new seat's view, and only that), and a latecomer
//! takes a responder's seat left empty and plays.

use std::path::Path;
use std::time::Duration;

use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientError, ClientEvent, LobbyView};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{Server, ServerConfig};

const WAIT: Duration = Duration::from_secs(10);

struct Served {
    addr: String,
    code: String,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<()>,
}

async fn serve(data_dir: Option<&Path>) -> Served {
    let config = ServerConfig { data_dir: data_dir.map(Path::to_path_buf), ..ServerConfig::default() };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Served { addr, code, stop, serving }
}

impl Served {
    async fn join(&self, name: &str, role: RoleWish) -> Client {
        Client::connect(ClientConfig::new(self.addr.as_str(), self.code.as_str(), name, role)).await.expect("joins")
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(WAIT, self.serving).await.expect("stops").expect("cleanly");
    }
}

/// Events until one matches, within `WAIT`.
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
    tokio::time::timeout(WAIT, wait).await.unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
}

async fn view_where(client: &mut Client, what: &str, mut wanted: impl FnMut(&RoleView) -> bool) -> RoleView {
    match until(client, what, |e| matches!(e, ClientEvent::View(v) if wanted(v))).await {
        ClientEvent::View(view) => *view,
        _ => unreachable!("until returns a match"),
    }
}

async fn lobby_where(client: &mut Client, what: &str, mut wanted: impl FnMut(&LobbyView) -> bool) -> LobbyView {
    match until(client, what, |e| matches!(e, ClientEvent::Lobby(l) if wanted(l))).await {
        ClientEvent::Lobby(lobby) => lobby,
        _ => unreachable!("until returns a match"),
    }
}

async fn notice(client: &mut Client, what: &str, needle: &str) -> String {
    match until(client, what, |e| matches!(e, ClientEvent::Notice(t) if t.contains(needle))).await {
        ClientEvent::Notice(text) => text,
        _ => unreachable!("until returns a match"),
    }
}

async fn done(client: &mut Client, action: Action) {
    let id = client.act(action.clone()).await.expect("sends");
    let answer = until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
    assert_eq!(answer, ClientEvent::Done { id, result: Ok(()) }, "{action:?}");
}

/// The seats of the lobby's players, by name.
fn seating(lobby: &LobbyView) -> Vec<(String, Seat)> {
    let mut seats: Vec<(String, Seat)> = lobby.players.iter().map(|p| (p.name.clone(), p.seat)).collect();
    seats.sort();
    seats
}

/// The seed in the header of every journal in `dir`, in no particular order.
fn journal_seeds(dir: &Path) -> Vec<u64> {
    let journals = std::fs::read_dir(dir.join("journals")).expect("journals");
    journals
        .flatten()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).expect("reads");
            let journal = kombat::game::journal::Journal::parse(&text).expect("parses");
            journal.header.seed
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn play_again_keeps_the_players_in_their_seats_with_a_new_seed() {
    let dir = std::env::temp_dir().join(format!("kombat-net-seats-again-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let served = serve(Some(&dir)).await;
    let mut gil = served.join("Gil", RoleWish::GameMaster).await;
    let mut lee = served.join("Lee", RoleWish::Liaison).await;
    let mut tam = served.join("Tam", RoleWish::Troubleshooter).await;
    let before = lobby_where(&mut gil, "everyone in the lobby", |l| l.players.len() == 3).await;

    // Not before the game is over, and not by a player who does not lead the table.
    gil.send(ClientCommand::Start).await.expect("starts");
    view_where(&mut tam, "the first view", |_| true).await;
    gil.send(ClientCommand::PlayAgain { next: false }).await.expect("sends");
    notice(&mut gil, "the refusal", "not over yet").await;
    done(&mut gil, Action::EndGame).await;
    view_where(&mut lee, "the debrief", |v| v.debrief.is_some()).await;
    lee.send(ClientCommand::PlayAgain { next: false }).await.expect("sends");
    notice(&mut lee, "the refusal", "only the game master").await;

    gil.send(ClientCommand::PlayAgain { next: false }).await.expect("sends");
    for client in [&mut gil, &mut lee, &mut tam] {
        let again = lobby_where(client, "the lobby again", |_| true).await;
        assert_eq!(seating(&again), seating(&before), "everyone keeps their seat");
        assert_eq!(again.title, before.title, "the same scenario");
        assert!(again.players.iter().all(|p| !p.ready && p.connected), "{again:?}");
    }

    // The new game plays, on the same connections.
    gil.send(ClientCommand::Start).await.expect("starts again");
    let first = view_where(&mut tam, "the new game's first view", |v| v.debrief.is_none()).await;
    assert_eq!((first.seat, first.turn), (Seat::Troubleshooter(0), 0));
    done(&mut tam, Action::Command("kubectl get pods".into())).await;
    let seeds = journal_seeds(&dir);
    assert_eq!(seeds.len(), 2, "one journal per game");
    assert_ne!(seeds[0], seeds[1], "the new game has a new seed");

    // The next scenario of the library, this time.
    done(&mut gil, Action::EndGame).await;
    view_where(&mut tam, "the second debrief", |v| v.debrief.is_some()).await;
    gil.send(ClientCommand::PlayAgain { next: true }).await.expect("sends");
    let ids: Vec<&str> = kombat::scenario::builtin_sources().map(|(id, _)| id).collect();
    let at = ids.iter().position(|id| *id == "first-deploy").expect("built in");
    let next_id = ids[(at + 1) % ids.len()];
    let next = kombat::scenario::builtin(next_id).expect("built in").expect("parses");
    let lobby = lobby_where(&mut tam, "the next scenario's lobby", |_| true).await;
    assert_eq!(lobby.title, next.title);
    assert!(lobby.players.iter().any(|p| p.name == "Tam" && p.seat == Seat::Troubleshooter(0)), "{lobby:?}");

    served.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swap_after_the_start_gives_each_client_the_other_seats_view() {
    let served = serve(None).await;
    let gil = served.join("Gil", RoleWish::GameMaster).await;
    let mut lee = served.join("Lee", RoleWish::Liaison).await;
    let mut tam = served.join("Tam", RoleWish::Troubleshooter).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    let liaison = view_where(&mut lee, "the liaison's view", |_| true).await;
    assert!(matches!(liaison.panel, Panel::Liaison(_)));
    view_where(&mut tam, "the troubleshooter's view", |_| true).await;

    // Only the game master moves players.
    tam.send(ClientCommand::Move { from: Seat::Liaison, to: Seat::Troubleshooter(0) }).await.expect("sends");
    notice(&mut tam, "the refusal", "only the game master").await;

    gil.send(ClientCommand::Move { from: Seat::Liaison, to: Seat::Troubleshooter(0) }).await.expect("sends");
    let moved = until(&mut lee, "Lee's move", |e| matches!(e, ClientEvent::Moved(_))).await;
    assert_eq!(moved, ClientEvent::Moved(Seat::Troubleshooter(0)));
    let now = view_where(&mut lee, "Lee's new view", |v| v.seat == Seat::Troubleshooter(0)).await;
    assert!(matches!(now.panel, Panel::Troubleshooter(_)), "Lee sees the console now, and no customer chat");
    assert_eq!(now.name, "Lee");
    let moved = until(&mut tam, "Tam's move", |e| matches!(e, ClientEvent::Moved(_))).await;
    assert_eq!(moved, ClientEvent::Moved(Seat::Liaison));
    let now = view_where(&mut tam, "Tam's new view", |v| v.seat == Seat::Liaison).await;
    assert!(matches!(now.panel, Panel::Liaison(_)), "Tam sees the customer chat now, and no console");
    assert!(now.table.iter().any(|s| s.seat == Seat::Troubleshooter(0) && s.name == "Lee"), "{:?}", now.table);

    // Each acts as the new seat: Lee runs a command, Tam talks to the customer.
    done(&mut lee, Action::Command("kubectl get pods".into())).await;
    done(&mut tam, Action::CustomerChat("We are looking into it.".into())).await;
    let refused_id = lee.act(Action::CustomerChat("hello?".into())).await.expect("sends");
    let refused =
        until(&mut lee, "the refusal", |e| matches!(e, ClientEvent::Done { id, .. } if *id == refused_id)).await;
    assert!(matches!(refused, ClientEvent::Done { result: Err(_), .. }), "a troubleshooter has no customer chat");

    // A move to an empty seat leaves the old one empty: Lee goes on to the second troubleshooter.
    gil.send(ClientCommand::Move { from: Seat::Troubleshooter(0), to: Seat::Troubleshooter(1) }).await.expect("sends");
    view_where(&mut lee, "Lee's third seat", |v| v.seat == Seat::Troubleshooter(1)).await;
    done(&mut lee, Action::Command("kubectl get deploy".into())).await;
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latecomer_takes_an_empty_troubleshooter_seat_and_runs_a_command() {
    let served = serve(None).await;
    let mut gil = served.join("Gil", RoleWish::GameMaster).await;
    let mut lee = served.join("Lee", RoleWish::Liaison).await;
    let tam = served.join("Tam", RoleWish::Troubleshooter).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    view_where(&mut lee, "the first view", |_| true).await;

    // Tam leaves the game: the seat stays in it, empty, for whoever comes next.
    tam.send(ClientCommand::Leave).await.expect("leaves");
    view_where(&mut gil, "Tam gone", |v| v.waiting.iter().all(|s| *s != Seat::Troubleshooter(0))).await;

    let mut ana = served.join("Ana", RoleWish::Troubleshooter).await;
    assert_eq!(ana.seat(), Seat::Troubleshooter(0), "the seat Tam left");
    let first = view_where(&mut ana, "Ana's view", |_| true).await;
    assert!(matches!(first.panel, Panel::Troubleshooter(_)));
    assert_eq!(first.name, "Ana");
    assert!(first.points_left.is_some_and(|p| p > 0), "{:?}", first.points_left);
    done(&mut ana, Action::Command("kubectl get pods".into())).await;
    let ran = view_where(
        &mut ana,
        "the command's output",
        |v| matches!(&v.panel, Panel::Troubleshooter(t) if t.console.iter().any(|c| c.line.contains("get pods"))),
    )
    .await;
    assert_eq!(ran.seat, Seat::Troubleshooter(0));

    // Any free responder seat: the second troubleshooter's was never taken.
    let bo = served.join("Bo", RoleWish::Any).await;
    assert_eq!(bo.seat(), Seat::Troubleshooter(1));
    // The customer's seat is settled at the start.
    let cy = Client::connect(ClientConfig::new(served.addr.as_str(), served.code.as_str(), "Cy", RoleWish::Customer));
    match cy.await {
        Err(ClientError::Refused(reason)) => assert!(reason.contains("already started"), "{reason}"),
        other => panic!("a customer joining late: {other:?}"),
    }
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moved_players_and_latecomers_resume_their_new_seats_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("kombat-net-seats-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = || ServerConfig { data_dir: Some(dir.clone()), ..ServerConfig::default() };
    let mut server = Server::bind("127.0.0.1:0".parse().expect("addr"), config()).await.expect("binds");
    server.resume_rooms().await.expect("keeps rooms");
    let bound = server.local_addr().expect("bound");
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let served = Served { addr: bound.to_string(), code, stop, serving };
    let gil = served.join("Gil", RoleWish::GameMaster).await;
    let mut lee = served.join("Lee", RoleWish::Liaison).await;
    let _tam = served.join("Tam", RoleWish::Troubleshooter).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    view_where(&mut lee, "the first view", |_| true).await;
    gil.send(ClientCommand::Move { from: Seat::Liaison, to: Seat::Troubleshooter(1) }).await.expect("sends");
    view_where(&mut lee, "Lee's new seat", |v| v.seat == Seat::Troubleshooter(1)).await;
    let mut ana = served.join("Ana", RoleWish::Any).await;
    assert_eq!(ana.seat(), Seat::Liaison, "the seat Lee left");
    view_where(&mut ana, "Ana's view", |_| true).await;

    // The server stops and a new one takes the rooms back from disk, on the same address.
    let (addr, code) = (served.addr.clone(), served.code.clone());
    served.stop().await;
    // The old server's tables let go of the rooms directory as they end, just after it stops.
    let mut tries = 0;
    let (server, resumed) = loop {
        let mut server = Server::bind(bound, config()).await.expect("binds again");
        match server.resume_rooms().await {
            Ok(resumed) => break (server, resumed),
            Err(e) if tries < 100 && e.to_string().contains("in use by another kombat host") => {
                tries += 1;
                drop(server);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("resuming the rooms: {e:#}"),
        }
    };
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let served = Served { addr, code, stop, serving };

    until(&mut lee, "Lee's resume", |e| *e == ClientEvent::Resumed).await;
    let back = view_where(&mut lee, "Lee's seat back", |_| true).await;
    assert_eq!((back.seat, back.name.as_str()), (Seat::Troubleshooter(1), "Lee"));
    done(&mut lee, Action::Command("kubectl get pods".into())).await;
    until(&mut ana, "Ana's resume", |e| *e == ClientEvent::Resumed).await;
    let back = view_where(&mut ana, "Ana's seat back", |_| true).await;
    assert_eq!((back.seat, back.name.as_str()), (Seat::Liaison, "Ana"));
    done(&mut ana, Action::CustomerChat("We are on it.".into())).await;
    served.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
