//! A table on its own, with outboxes read directly: a room that panics takes only its own
//! players with it, and they are told.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use super::*;
use crate::game::Action;
use crate::net::codec;
use crate::net::protocol::Update;
use crate::scenario;

fn game() -> Game {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    Game::new(s, 3).expect("builds")
}

fn table(code: &str, gone: mpsc::UnboundedSender<String>) -> TableHandle {
    TableHandle::spawn(code.to_owned(), game(), RoomConfig::default(), &Limits::default(), gone)
}

async fn next(queue: &mut mpsc::Receiver<Bytes>) -> ServerMsg {
    let frame = tokio::time::timeout(Duration::from_secs(10), queue.recv())
        .await
        .expect("a message in time")
        .expect("the queue is open");
    codec::decode(&BytesMut::from(&frame[..])).expect("decodes")
}

/// Joins as the liaison and starts the game; returns the connection's outbox and queue.
async fn play(table: &TableHandle, conn: u64) -> (Outbox, mpsc::Receiver<Bytes>) {
    let (outbox, mut queue) = Outbox::new(conn, 64);
    let seat = table.join("Lee".into(), RoleWish::Liaison, outbox.clone()).await.expect("open").expect("seated");
    assert_eq!(seat, Seat::Liaison);
    assert!(matches!(next(&mut queue).await, ServerMsg::Joined { seat: Seat::Liaison, .. }));
    assert!(matches!(next(&mut queue).await, ServerMsg::Update { seq: 1, update: Update::Lobby(_) }));
    table.message(conn, ClientMsg::Start).await.expect("open");
    let ServerMsg::Update { seq: 2, update: Update::Events(events) } = next(&mut queue).await else {
        panic!("the opening events")
    };
    assert!(matches!(events[0].event, crate::game::Event::Started { .. }), "{events:?}");
    let ServerMsg::Update { seq: 3, update: Update::View(view) } = next(&mut queue).await else { panic!("a view") };
    assert_eq!(view.phase, crate::game::Phase::Playing);
    (outbox, queue)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_room_removes_its_players_and_other_rooms_go_on() {
    let (gone_tx, mut gone) = mpsc::unbounded_channel();
    let failing = table("AAAAA-AAAAA", gone_tx.clone());
    let healthy = table("BBBBB-BBBBB", gone_tx);
    let (outbox_a, mut queue_a) = play(&failing, 1).await;
    let (_outbox_b, mut queue_b) = play(&healthy, 2).await;

    failing
        .with_room(|room| {
            tokio::spawn(async move {
                let _ = room.inspect(|_| panic!("a bug in the game (this panic is part of the test)")).await;
            });
        })
        .await;
    let ServerMsg::Update { seq: 4, update: Update::Removed { reason } } = next(&mut queue_a).await else {
        panic!("the failing room's player is told")
    };
    assert_eq!(reason, ROOM_FAILED);
    tokio::time::timeout(Duration::from_secs(10), outbox_a.closed()).await.expect("and their connection is closed");
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(10), gone.recv()).await.ok().flatten().as_deref(),
        Some("AAAAA-AAAAA")
    );

    let act = ClientMsg::Act { id: 1, action: Action::TeamChat("still here".into()) };
    healthy.message(2, act).await.expect("the other room is open");
    assert_eq!(next(&mut queue_b).await, ServerMsg::Done { id: 1, result: Ok(()) });
    assert!(matches!(next(&mut queue_b).await, ServerMsg::Update { seq: 4, update: Update::Events(_) }));
    assert!(matches!(next(&mut queue_b).await, ServerMsg::Update { seq: 5, update: Update::View(_) }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_that_falls_behind_its_room_catches_up_with_a_fresh_view() {
    let (gone_tx, _gone) = mpsc::unbounded_channel();
    let table = table("CCCCC-CCCCC", gone_tx);
    let (_outbox, mut queue) = play(&table, 1).await;
    let said = 3 * crate::room::EVENT_BACKLOG;
    // The table waits (blocked inside its own task) while the room broadcasts far more batches
    // than its subscription holds: it hears `Lagged` when it reads again.
    table
        .with_room(move |room| {
            let acting = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
                runtime.block_on(async {
                    for i in 0..said {
                        room.act(Seat::Liaison, Action::TeamChat(format!("line {i}"))).await.expect("said");
                    }
                });
            });
            let _ = acting.join();
        })
        .await;
    // The events it did hear come first (the lagged ones are lost), then one fresh view.
    let ServerMsg::Update { seq: 4, update: Update::Events(heard) } = next(&mut queue).await else {
        panic!("the events the table heard")
    };
    assert!(heard.len() < said, "{} of {said}", heard.len());
    let ServerMsg::Update { seq: 5, update: Update::View(view) } = next(&mut queue).await else {
        panic!("one fresh view covers what the table missed")
    };
    let crate::game::view::Panel::Liaison(panel) = &view.panel else { panic!("the liaison's panel") };
    // The newest lines, as many as a hosted view carries.
    assert_eq!(panel.team_chat.len(), said.min(crate::game::view::Limits::HOSTED.lines));
    assert_eq!(panel.team_chat.last().map(|l| l.text.as_str()), Some(format!("line {}", said - 1).as_str()));
}

/// A table that keeps its record in a fresh directory.
fn kept_table(code: &str, name: &str, limits: &Limits) -> (TableHandle, Arc<RoomDir>, std::path::PathBuf) {
    let data = std::env::temp_dir().join(format!("kombat-table-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let dir = Arc::new(RoomDir::open(&data).expect("opens"));
    let opening = Opening {
        config: RoomConfig::default(),
        keep: Some(Arc::clone(&dir)),
        start: Start::Fresh(game()),
        ends: None,
        team: None,
    };
    let (gone, _) = mpsc::unbounded_channel();
    (TableHandle::open(code.to_owned(), opening, limits, gone), dir, data)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spectators_joining_do_not_rewrite_the_room_record() {
    let (table, dir, data) = kept_table("DDDDD-DDDDD", "spectators", &Limits::default());
    let (lee, _lee_queue) = Outbox::new(1, 64);
    table.join("Lee".into(), RoleWish::Liaison, lee).await.expect("open").expect("seated");
    let after_player = dir.saves();
    assert!(after_player >= 1, "a player's token is on disk before they hear it");
    let mut queues = Vec::new();
    for conn in 2..20 {
        let (outbox, queue) = Outbox::new(conn, 64);
        queues.push(queue);
        let joined = table.join(format!("Wes{conn}"), RoleWish::Spectator, outbox).await.expect("open");
        assert!(joined.is_ok(), "{joined:?}");
    }
    // A player's join after them: the table has handled every spectator's join by then.
    let (tam, _tam_queue) = Outbox::new(99, 64);
    table.join("Tam".into(), RoleWish::Troubleshooter, tam).await.expect("open").expect("seated");
    assert_eq!(dir.saves(), after_player + 1, "18 spectators wrote nothing; the second player one record");
    drop(queues);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_to_one_room_are_rate_limited() {
    let limits = Limits {
        room_joins: crate::net::server::Rate { burst: 3, per: Duration::from_secs(600) },
        ..Limits::default()
    };
    let table = TableHandle::spawn(
        "EEEEE-EEEEE".to_owned(),
        game(),
        RoomConfig::default(),
        &limits,
        mpsc::unbounded_channel().0,
    );
    let mut queues = Vec::new();
    for conn in 1..=3 {
        let (outbox, queue) = Outbox::new(conn, 64);
        queues.push(queue);
        assert!(table.join(format!("Wes{conn}"), RoleWish::Spectator, outbox).await.expect("open").is_ok());
    }
    let (outbox, _queue) = Outbox::new(4, 64);
    let refused = table.join("Late".into(), RoleWish::Spectator, outbox).await.expect("open");
    assert_eq!(refused, Err(TOO_MANY_JOINS.to_owned()));
}

#[tokio::test(flavor = "current_thread")]
async fn a_timed_room_sends_each_seat_the_time_left_after_its_view() {
    let (gone, _gone) = mpsc::unbounded_channel();
    let config = RoomConfig { turn_timer: Some(Duration::from_secs(90)), ..RoomConfig::default() };
    let table = TableHandle::spawn("CCCCC-CCCCC".to_owned(), game(), config, &Limits::default(), gone);
    let (_outbox, mut queue) = play(&table, 1).await;
    let ServerMsg::Update { seq: 4, update: Update::TurnTimer { left_ms: Some(left) } } = next(&mut queue).await else {
        panic!("the time left after the view")
    };
    assert!((80_000..=90_000).contains(&left), "{left} ms");
}

#[tokio::test(flavor = "current_thread")]
async fn an_untimed_room_sends_no_time() {
    let (gone, _gone) = mpsc::unbounded_channel();
    let table = table("DDDDD-DDDDD", gone);
    let (_outbox, mut queue) = play(&table, 1).await;
    table.message(1, ClientMsg::Act { id: 1, action: Action::EndTurn }).await.expect("open");
    loop {
        match next(&mut queue).await {
            ServerMsg::Update { update: Update::TurnTimer { .. }, .. } => panic!("no timer, no time"),
            ServerMsg::Done { id: 1, .. } => break,
            _ => {}
        }
    }
}
