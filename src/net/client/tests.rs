//! The client against a scripted fake server on `127.0.0.1:0`: refusals and a server of another
//! version are clear errors; duplicate updates are dropped and gaps reported; a dropped
//! connection is resumed with the token and the last `seq`, and the unanswered act is resent with
//! its id; a server that hangs up is resumed until it refuses the seat; a silent server is left;
//! reconnecting gives up in the end; leaving says so.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_util::codec::{Framed, LengthDelimitedCodec};

use super::*;
use crate::game::{Action, Seat};
use crate::net::codec::{self, framing};
use crate::net::protocol::{ClientMsg, LobbyView, PROTOCOL_VERSION, ServerMsg, Update};

type Conn = Framed<TcpStream, LengthDelimitedCodec>;

const PATIENCE: Duration = Duration::from_secs(10);

async fn listen() -> (TcpListener, ClientConfig) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("addr");
    let mut config = ClientConfig::new(addr.to_string(), "ABCDE-FGHJK", "Ana", RoleWish::Troubleshooter);
    config.backoff =
        Backoff { first: Duration::from_millis(10), max: Duration::from_millis(40), give_up_after: PATIENCE };
    (listener, config)
}

async fn accept(listener: &TcpListener) -> Conn {
    let (socket, _) = timeout(PATIENCE, listener.accept()).await.expect("a client comes").expect("accepts");
    Framed::new(socket, framing())
}

async fn recv(conn: &mut Conn) -> ClientMsg {
    let frame = timeout(PATIENCE, conn.next()).await.expect("a frame comes").expect("open").expect("a frame");
    codec::decode(&frame).expect("a client message")
}

async fn send(conn: &mut Conn, message: ServerMsg) {
    conn.send(codec::encode(&message).expect("encodes")).await.expect("sends");
}

/// Hello and Welcome, then whatever the client asks for (its `Join` or `Resume`), answered with
/// a troubleshooter's seat and `token`.
async fn handshake(conn: &mut Conn, token: &str) -> ClientMsg {
    assert_eq!(recv(conn).await, ClientMsg::Hello { protocol_version: PROTOCOL_VERSION });
    send(conn, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION }).await;
    let asked = recv(conn).await;
    let seat = Seat::Troubleshooter(0);
    send(conn, ServerMsg::Joined { code: "ABCDE-FGHJK".into(), seat, token: token.into() }).await;
    asked
}

fn lobby(title: &str) -> Update {
    Update::Lobby(LobbyView {
        code: "ABCDE-FGHJK".into(),
        title: title.into(),
        summary: String::new(),
        players: vec![],
        limits: vec![],
        chat: vec![],
        npc_customer: true,
    })
}

async fn next(client: &mut Client) -> ClientEvent {
    timeout(PATIENCE, client.next_event()).await.expect("an event comes").expect("the session goes on")
}

/// The next event that is not about reconnecting.
async fn next_settled(client: &mut Client) -> ClientEvent {
    loop {
        match next(client).await {
            ClientEvent::Reconnecting { .. } => {}
            event => return event,
        }
    }
}

fn title(event: &ClientEvent) -> &str {
    match event {
        ClientEvent::Lobby(l) => &l.title,
        other => panic!("expected a lobby, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refusal_is_a_clear_error() {
    let (listener, config) = listen().await;
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        recv(&mut conn).await;
        send(&mut conn, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION }).await;
        recv(&mut conn).await;
        send(&mut conn, ServerMsg::Refused { reason: "no room has the code ABCDE-FGHJK".into() }).await;
    });
    let err = Client::connect(config).await.expect_err("refused");
    assert_eq!(err.to_string(), "the server refused: no room has the code ABCDE-FGHJK");
    server.await.expect("the fake server ran");
}

#[tokio::test]
async fn a_server_of_another_version_is_named() {
    let (listener, config) = listen().await;
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        recv(&mut conn).await;
        send(&mut conn, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION + 1 }).await;
    });
    let err = Client::connect(config).await.expect_err("another version");
    let other = PROTOCOL_VERSION + 1;
    assert!(matches!(err, ClientError::Version { server } if server == other), "{err:?}");
    let said = format!("the server speaks protocol version {other}, this kombat speaks version {PROTOCOL_VERSION}");
    assert!(err.to_string().starts_with(&said), "{err}");
    server.await.expect("the fake server ran");
}

#[tokio::test]
async fn nobody_listening_is_a_clear_error() {
    let (listener, config) = listen().await;
    drop(listener);
    let err = Client::connect(config.clone()).await.expect_err("nobody there");
    assert!(err.to_string().starts_with(&format!("cannot reach {}: ", config.server)), "{err}");
}

#[tokio::test]
async fn duplicate_updates_are_dropped_and_gaps_reported() {
    let (listener, config) = listen().await;
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        let join = handshake(&mut conn, "t1").await;
        assert_eq!(
            join,
            ClientMsg::Join { code: "ABCDE-FGHJK".into(), name: "Ana".into(), role: RoleWish::Troubleshooter }
        );
        for (seq, name) in [(1, "one"), (1, "one again"), (3, "three"), (2, "two, late")] {
            send(&mut conn, ServerMsg::Update { seq, update: lobby(name) }).await;
        }
        send(&mut conn, ServerMsg::Update { seq: 4, update: Update::Removed { reason: "kicked".into() } }).await;
        conn
    });
    let mut client = Client::connect(config).await.expect("joins");
    assert_eq!(client.seat(), Seat::Troubleshooter(0));
    assert_eq!(client.code(), "ABCDE-FGHJK");
    assert_eq!(title(&next(&mut client).await), "one");
    assert_eq!(next(&mut client).await, ClientEvent::Gap { from: 2, to: 2 });
    assert_eq!(title(&next(&mut client).await), "three");
    assert_eq!(next(&mut client).await, ClientEvent::Closed(Closed::Removed("kicked".into())));
    assert_eq!(timeout(PATIENCE, client.next_event()).await.expect("ends"), None);
    drop(server.await.expect("the fake server ran"));
}

#[tokio::test]
async fn a_dropped_connection_resumes_the_seat_and_resends_the_unanswered_act() {
    let (listener, config) = listen().await;
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        send(&mut conn, ServerMsg::Update { seq: 1, update: lobby("one") }).await;
        send(&mut conn, ServerMsg::Update { seq: 2, update: lobby("two") }).await;
        let act = recv(&mut conn).await;
        assert_eq!(act, ClientMsg::Act { id: 1, action: Action::Command("get pods".into()) });
        // The connection drops before the act is answered.
        drop(conn);
        let mut conn = accept(&listener).await;
        let resume = handshake(&mut conn, "t2").await;
        assert_eq!(resume, ClientMsg::Resume { token: "t1".into(), last_seq: 2 });
        assert_eq!(recv(&mut conn).await, act, "the unanswered act comes again, with its id");
        send(&mut conn, ServerMsg::Done { id: 1, result: Ok(()) }).await;
        send(&mut conn, ServerMsg::Update { seq: 2, update: lobby("two again") }).await;
        send(&mut conn, ServerMsg::Update { seq: 3, update: lobby("three") }).await;
        // The next drop resumes with the new token.
        drop(conn);
        let mut conn = accept(&listener).await;
        let resume = handshake(&mut conn, "t3").await;
        assert_eq!(resume, ClientMsg::Resume { token: "t2".into(), last_seq: 3 });
        assert_eq!(recv(&mut conn).await, ClientMsg::Ready(true), "held while reconnecting, sent after");
        assert_eq!(recv(&mut conn).await, ClientMsg::Leave);
    });
    let mut client = Client::connect(config).await.expect("joins");
    assert_eq!(title(&next(&mut client).await), "one");
    assert_eq!(title(&next(&mut client).await), "two");
    assert_eq!(client.act(Action::Command("get pods".into())).await.expect("sent"), 1);
    match next(&mut client).await {
        ClientEvent::Reconnecting { attempt: 1, after, .. } => assert_eq!(after, Duration::from_millis(10)),
        other => panic!("expected to reconnect, got {other:?}"),
    }
    assert_eq!(next_settled(&mut client).await, ClientEvent::Resumed);
    assert_eq!(next(&mut client).await, ClientEvent::Done { id: 1, result: Ok(()) });
    assert_eq!(title(&next(&mut client).await), "three", "the duplicate of 2 was dropped");
    assert!(matches!(next(&mut client).await, ClientEvent::Reconnecting { .. }));
    client.send(ClientCommand::Ready(true)).await.expect("held");
    assert_eq!(next_settled(&mut client).await, ClientEvent::Resumed);
    client.send(ClientCommand::Leave).await.expect("sent");
    assert_eq!(next(&mut client).await, ClientEvent::Closed(Closed::Left));
    server.await.expect("the fake server ran");
}

#[tokio::test]
async fn a_server_that_hangs_up_is_resumed_until_it_refuses_the_seat() {
    let (listener, config) = listen().await;
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        send(&mut conn, ServerMsg::Update { seq: 1, update: lobby("one") }).await;
        send(&mut conn, ServerMsg::Refused { reason: "the server is shutting down".into() }).await;
        drop(conn);
        let mut conn = accept(&listener).await;
        assert_eq!(recv(&mut conn).await, ClientMsg::Hello { protocol_version: PROTOCOL_VERSION });
        send(&mut conn, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION }).await;
        assert_eq!(recv(&mut conn).await, ClientMsg::Resume { token: "t1".into(), last_seq: 1 });
        send(&mut conn, ServerMsg::Refused { reason: "that seat's room is gone".into() }).await;
    });
    let mut client = Client::connect(config).await.expect("joins");
    assert_eq!(title(&next(&mut client).await), "one");
    match next(&mut client).await {
        ClientEvent::Reconnecting { reason, .. } => {
            assert_eq!(reason, "the server hung up: the server is shutting down");
        }
        other => panic!("expected to reconnect, got {other:?}"),
    }
    assert_eq!(
        next_settled(&mut client).await,
        ClientEvent::Closed(Closed::Refused("that seat's room is gone".into()))
    );
    server.await.expect("the fake server ran");
}

#[tokio::test]
async fn a_silent_server_is_left_and_pings_go_out() {
    let (listener, mut config) = listen().await;
    config.ping_every = Duration::from_millis(20);
    config.silence = Duration::from_millis(150);
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        assert!(matches!(recv(&mut conn).await, ClientMsg::Ping { nonce: 1 }));
        assert!(matches!(recv(&mut conn).await, ClientMsg::Ping { nonce: 2 }));
        // Never answered: the client gives up on this connection and comes back.
        let mut again = accept(&listener).await;
        let resume = handshake(&mut again, "t2").await;
        (conn, resume)
    });
    let mut client = Client::connect(config).await.expect("joins");
    match next(&mut client).await {
        ClientEvent::Reconnecting { reason, .. } => assert!(reason.starts_with("nothing heard from the server")),
        other => panic!("expected to reconnect, got {other:?}"),
    }
    assert_eq!(next_settled(&mut client).await, ClientEvent::Resumed);
    let (_, resume) = server.await.expect("the fake server ran");
    assert_eq!(resume, ClientMsg::Resume { token: "t1".into(), last_seq: 0 });
}

#[tokio::test]
async fn reconnecting_gives_up_in_the_end() {
    let (listener, mut config) = listen().await;
    config.backoff.give_up_after = Duration::from_millis(200);
    let server = tokio::spawn(async move {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        // The server goes away for good.
    });
    let mut client = Client::connect(config).await.expect("joins");
    server.await.expect("the fake server ran");
    let mut attempts = 0;
    loop {
        match next(&mut client).await {
            ClientEvent::Reconnecting { attempt, .. } => attempts = attempt,
            ClientEvent::Closed(Closed::Lost(reason)) => {
                assert!(reason.starts_with("cannot reach "), "{reason}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(attempts >= 3, "backoff doubles from 10 ms to 40 ms: several tries in 200 ms, not {attempts}");
}

#[test]
fn backoff_doubles_to_its_cap() {
    let b = Backoff::default();
    let ms = |n| b.delay(n).as_millis();
    assert_eq!([ms(0), ms(1), ms(2), ms(3), ms(4), ms(5), ms(40)], [500, 1000, 2000, 4000, 5000, 5000, 5000]);
    assert_eq!(b.give_up_after, Duration::from_secs(120));
}

#[test]
fn server_addresses_and_names() {
    let split = |s: &str| split_server(s).ok();
    assert_eq!(split("example.org"), Some(("example.org".into(), 7878)));
    assert_eq!(split("example.org:9000"), Some(("example.org".into(), 9000)));
    assert_eq!(split("127.0.0.1:5"), Some(("127.0.0.1".into(), 5)));
    assert_eq!(split("::1"), Some(("::1".into(), 7878)));
    assert_eq!(split("[::1]:9000"), Some(("::1".into(), 9000)));
    assert_eq!(split("host:port"), None);
    assert_eq!(split(""), None);
    assert_eq!(allowed_name("ana.b_c-d"), "ana.b_c-d");
    assert_eq!(allowed_name("  J\u{1b}[2Jo  \u{202e}ë  "), "J2Jo");
    assert_eq!(allowed_name("\u{1b}"), "player");
    assert_eq!(allowed_name(&"x".repeat(40)).len(), MAX_NAME);
}
