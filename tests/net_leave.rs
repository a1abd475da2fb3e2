//! Players who leave a game under way, over the network: a kicked troubleshooter stops holding
//! up the turn, and when the human customer leaves, the scripted customer answers the liaison
//! again. The room journals both, so a replay reaches the same game.

use std::time::Duration;

use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientError, ClientEvent, Closed};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{Server, ServerConfig};

const WAIT: Duration = Duration::from_secs(10);

async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Client {
    let client = Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins");
    assert!(!matches!(client.seat(), Seat::Spectator(_)), "{name} got a seat");
    client
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

async fn done(client: &mut Client, action: Action) {
    let id = client.act(action.clone()).await.expect("sends");
    let answer = until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
    assert_eq!(answer, ClientEvent::Done { id, result: Ok(()) }, "{action:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn players_who_leave_mid_game_do_not_stall_it() {
    let dir = std::env::temp_dir().join(format!("kombat-net-leave-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = ServerConfig { data_dir: Some(dir.clone()), ..ServerConfig::default() };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let mut gil = join(&addr, &code, "Gil", RoleWish::GameMaster).await;
    let mut lee = join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = join(&addr, &code, "Tam", RoleWish::Troubleshooter).await;
    let dee = join(&addr, &code, "Dee", RoleWish::Customer).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    view_where(&mut lee, "the first view", |_| true).await;

    // Lee ends the turn; it waits for Tam, who is then removed: the turn moves on.
    done(&mut lee, Action::EndTurn).await;
    let waiting = view_where(&mut lee, "the turn ended", |v| v.ended_turn).await;
    assert_eq!(waiting.turn, 0);
    gil.send(ClientCommand::Kick(tam.seat())).await.expect("kicks");
    let closed = until(&mut tam, "the kick", |e| matches!(e, ClientEvent::Closed(_))).await;
    assert!(matches!(closed, ClientEvent::Closed(Closed::Removed(_))), "{closed:?}");
    view_where(&mut lee, "the next turn", |v| v.turn == 1).await;
    // From now on Lee alone ends the turn.
    done(&mut lee, Action::EndTurn).await;
    view_where(&mut lee, "turn 2", |v| v.turn == 2).await;

    // The human customer answers nothing once gone; the scripted one takes over.
    dee.send(ClientCommand::Leave).await.expect("leaves");
    view_where(&mut gil, "the scripted customer back", |v| matches!(&v.panel, Panel::GameMaster(m) if m.customer.npc))
        .await;
    done(&mut lee, Action::CustomerChat("Hi Dana, what changed recently?".into())).await;
    let answered = view_where(
        &mut lee,
        "the scripted answer",
        |v| matches!(&v.panel, Panel::Liaison(l) if l.customer_chat.iter().any(|c| c.text.contains("by hand"))),
    )
    .await;
    assert_eq!(answered.turn, 2);

    // The journal holds both departures; replayed, it reaches the same turn.
    let _ = stop.send(());
    tokio::time::timeout(WAIT, serving).await.expect("stops").expect("cleanly");
    let journals: Vec<_> = std::fs::read_dir(dir.join("journals")).expect("journals").flatten().collect();
    let text = std::fs::read_to_string(journals.first().expect("a journal").path()).expect("reads");
    assert!(text.contains(r#""left":{"Troubleshooter":0}"#) && text.contains(r#""left":{"Customer":0}"#), "{text}");
    let journal = kombat::game::journal::Journal::parse(&text).expect("parses");
    let scenario = kombat::scenario::BUILTIN.iter().find(|(id, _)| *id == "first-deploy").expect("built in").1;
    let game = kombat::game::journal::replay(&journal, scenario).expect("replays");
    assert_eq!(game.turn(), 2);
    assert!(game.npc);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_room_closes_once_everyone_has_gone() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let mut gil = join(&addr, &code, "Gil", RoleWish::GameMaster).await;
    let mut lee = join(&addr, &code, "Lee", RoleWish::Liaison).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    view_where(&mut lee, "the first view", |_| true).await;
    done(&mut gil, Action::EndGame).await;
    view_where(&mut lee, "the debrief", |v| v.debrief.is_some()).await;
    // While someone is still there, the room is there: a spectator may still come and look.
    let watcher = Client::connect(ClientConfig::new(addr.as_str(), code.as_str(), "Wes", RoleWish::Spectator)).await;
    let watcher = watcher.expect("a spectator joins a finished room someone is still in");
    for client in [gil, lee, watcher] {
        client.send(ClientCommand::Leave).await.expect("leaves");
    }
    // Then it closes: its code no longer seats anybody.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match Client::connect(ClientConfig::new(addr.as_str(), code.as_str(), "Late", RoleWish::Spectator)).await {
            Err(ClientError::Refused(reason)) => {
                // Gone from the registry, or caught closing.
                assert!(reason.contains("no room has the code") || reason.contains("has closed"), "{reason}");
                break;
            }
            Ok(late) => {
                late.send(ClientCommand::Leave).await.expect("leaves");
                assert!(tokio::time::Instant::now() < deadline, "the finished room stayed open");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(other) => panic!("{other}"),
        }
    }
    let _ = stop.send(());
    tokio::time::timeout(WAIT, serving).await.expect("stops").expect("cleanly");
}
