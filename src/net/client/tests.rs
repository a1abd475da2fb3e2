//! The client against a scripted fake server on `127.0.0.1:0`: refusals and a server of another
//! version are clear errors; duplicate updates are dropped and gaps reported; a dropped
//! connection is resumed with the token and the last `seq`, and the unanswered act is resent with
//! its id; a server that hangs up is resumed until it refuses the seat; a silent server is left;
//! reconnecting gives up in the end; leaving says so.
//!
//! Waits are reads with a deadline, never sleeps. Tests in which the client's timers run (pings,
//! silence, backoff) use tokio's paused clock held still (see [`StillClock`]): time moves only
//! when the test advances it, so each deadline is asserted to the millisecond, however slow the
//! machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::{Instant, advance, timeout};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

use super::*;
use crate::game::{Action, Seat};
use crate::net::codec::{self, framing};
use crate::net::protocol::{ClientMsg, LobbyView, PROTOCOL_VERSION, ServerMsg, Update};

type Conn = Framed<TcpStream, LengthDelimitedCodec>;

const PATIENCE: Duration = Duration::from_secs(10);

/// How long, in real time, a [`StillClock`] holds the clock at most.
const HOLD_AT_MOST: std::time::Duration = std::time::Duration::from_secs(120);

/// Keeps tokio's paused clock from advancing by itself while it lives, for tests that assert on
/// time over real sockets. A paused clock jumps to the next timer whenever the runtime waits,
/// also when it waits for bytes already on their way over loopback, which would fire deadlines
/// (the client's pings, silence and backoff, this file's read timeouts) that never passed; a
/// blocking task in flight stops those jumps (`tokio::time::pause`, "Preventing auto-advance"),
/// so time moves only by `tokio::time::advance`. After `HOLD_AT_MOST` of real time the hold
/// ends, so that a test stuck on a read is not stuck for ever; a test that gets past such a
/// wait only because time then jumped still fails, when the `StillClock` is dropped.
struct StillClock {
    _release: std::sync::mpsc::Sender<()>,
    let_go: Arc<AtomicBool>,
}

impl StillClock {
    /// Call it first in a `start_paused` test.
    fn hold() -> StillClock {
        let (release, released) = std::sync::mpsc::channel::<()>();
        let let_go = Arc::new(AtomicBool::new(false));
        let timed_out = Arc::clone(&let_go);
        tokio::task::spawn_blocking(move || {
            // Returns at once when the sender is dropped.
            if released.recv_timeout(HOLD_AT_MOST) == Err(RecvTimeoutError::Timeout) {
                timed_out.store(true, Ordering::SeqCst);
            }
        });
        StillClock { _release: release, let_go }
    }
}

impl Drop for StillClock {
    fn drop(&mut self) {
        let let_go = self.let_go.load(Ordering::SeqCst);
        assert!(!let_go || std::thread::panicking(), "a wait outlasted the held clock ({HOLD_AT_MOST:?} of real time)");
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Moves the held clock on by `d`, then lets the tasks whose timers fired take their turn
/// before the test goes on (after `advance` the runtime polls the test before the tasks it woke),
/// so that what a check finds missing was not merely still queued.
async fn elapse(d: Duration) {
    advance(d).await;
    tokio::task::yield_now().await;
}

async fn listen() -> (TcpListener, ClientConfig) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("addr");
    let mut config = ClientConfig::new(addr.to_string(), "ABCDE-FGHJK", "Ana", RoleWish::Troubleshooter);
    config.backoff = Backoff { first: ms(10), max: ms(40), give_up_after: PATIENCE };
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

/// Waits for the client to hang up.
async fn closed(conn: &mut Conn) {
    let frame = timeout(PATIENCE, conn.next()).await.expect("the client hangs up");
    assert!(matches!(frame, None | Some(Err(_))), "expected the end, got {frame:?}");
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

/// Proves, on the held clock, that the client is still serving `conn` now and has nothing new to
/// say: a chat line given to it now is the next frame the server reads (so no ping and no
/// hang-up was due before it), and no event waits.
async fn still_serving(client: &mut Client, conn: &mut Conn, when: &str) {
    let line = format!("still there at {when}?");
    client.send(ClientCommand::LobbyChat(line.clone())).await.expect("the session goes on");
    tokio::select! {
        message = recv(conn) => assert_eq!(message, ClientMsg::LobbyChat(line), "at {when}"),
        event = client.next_event() => panic!("at {when}, the client said {event:?} instead"),
    }
    assert_eq!(client.events.try_recv(), Err(TryRecvError::Empty), "at {when}");
}

/// Proves, on the held clock, that the client has not connected yet: a probe connected now is
/// the first connection the listener takes (they queue in the order they were made).
async fn nobody_waits(listener: &TcpListener, when: &str) {
    let probe = TcpStream::connect(listener.local_addr().expect("addr")).await.expect("the probe connects");
    let (_, from) = timeout(PATIENCE, listener.accept()).await.expect("the probe comes").expect("accepts");
    assert_eq!(from, probe.local_addr().expect("addr"), "the client connected before {when}");
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
    // A port bound and held by this test but not listened on: connecting is refused, and no other
    // program can take the port meanwhile, as it could a released one.
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.bind("127.0.0.1:0".parse().expect("an address")).expect("binds");
    let addr = socket.local_addr().expect("addr");
    let config = ClientConfig::new(addr.to_string(), "ABCDE-FGHJK", "Ana", RoleWish::Troubleshooter);
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

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_resumes_the_seat_and_resends_the_unanswered_act() {
    let _still = StillClock::hold();
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
    let reason = "the server closed the connection".to_owned();
    assert_eq!(
        next(&mut client).await,
        ClientEvent::Reconnecting { attempt: 1, after: ms(10), reason: reason.clone() }
    );
    let dropped = Instant::now();
    elapse(ms(10)).await;
    assert_eq!(next(&mut client).await, ClientEvent::Resumed);
    assert_eq!(dropped.elapsed(), ms(10), "back after the backoff");
    assert_eq!(next(&mut client).await, ClientEvent::Done { id: 1, result: Ok(()) });
    assert_eq!(title(&next(&mut client).await), "three", "the duplicate of 2 was dropped");
    // Attempts count from 1 again after a resume.
    assert_eq!(next(&mut client).await, ClientEvent::Reconnecting { attempt: 1, after: ms(10), reason });
    let dropped = Instant::now();
    client.send(ClientCommand::Ready(true)).await.expect("held");
    elapse(ms(10)).await;
    assert_eq!(next(&mut client).await, ClientEvent::Resumed);
    assert_eq!(dropped.elapsed(), ms(10), "back after the backoff");
    client.send(ClientCommand::Leave).await.expect("sent");
    assert_eq!(next(&mut client).await, ClientEvent::Closed(Closed::Left));
    server.await.expect("the fake server ran");
}

#[tokio::test(start_paused = true)]
async fn a_server_that_hangs_up_is_resumed_until_it_refuses_the_seat() {
    let _still = StillClock::hold();
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
    let reason = "the server hung up: the server is shutting down".to_owned();
    assert_eq!(next(&mut client).await, ClientEvent::Reconnecting { attempt: 1, after: ms(10), reason });
    let dropped = Instant::now();
    elapse(ms(10)).await;
    assert_eq!(next(&mut client).await, ClientEvent::Closed(Closed::Refused("that seat's room is gone".into())));
    assert_eq!(dropped.elapsed(), ms(10), "refused on the first try, after the backoff");
    server.await.expect("the fake server ran");
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_left_and_pings_go_out() {
    let _still = StillClock::hold();
    let (listener, mut config) = listen().await;
    config.ping_every = ms(20);
    config.silence = ms(150);
    let server = async {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        conn
    };
    let (client, mut conn) = tokio::join!(Client::connect(config), server);
    let mut client = client.expect("joins");
    // The session task starts its ping timer when it first runs, which may be after `connect`
    // returns: once it has served a chat line, its timers run from this instant (the clock moves
    // only below).
    still_serving(&mut client, &mut conn, "the start").await;
    let t0 = Instant::now();
    // A ping every 20 ms, none a millisecond early; the server answers none of them.
    for nonce in 1..=7 {
        elapse(ms(19)).await;
        still_serving(&mut client, &mut conn, &format!("{} ms", 20 * nonce - 1)).await;
        elapse(ms(1)).await;
        assert_eq!(recv(&mut conn).await, ClientMsg::Ping { nonce });
        assert_eq!(t0.elapsed(), ms(20 * nonce));
    }
    // Silence is looked for at each ping: the first at or after 150 ms of it is at 160 ms.
    elapse(ms(19)).await;
    still_serving(&mut client, &mut conn, "159 ms").await;
    elapse(ms(1)).await;
    match next(&mut client).await {
        ClientEvent::Reconnecting { attempt: 1, after, reason } => {
            assert_eq!(after, ms(10));
            assert!(reason.starts_with("nothing heard from the server"), "{reason}");
        }
        other => panic!("expected to reconnect, got {other:?}"),
    }
    assert_eq!(t0.elapsed(), ms(160), "left when the silence was noticed, not later");
    // It comes back after the backoff, not a millisecond before, and resumes the seat.
    elapse(ms(9)).await;
    nobody_waits(&listener, "its backoff passed").await;
    elapse(ms(1)).await;
    let mut again = accept(&listener).await;
    assert_eq!(handshake(&mut again, "t2").await, ClientMsg::Resume { token: "t1".into(), last_seq: 0 });
    assert_eq!(next(&mut client).await, ClientEvent::Resumed);
    // The silent connection is closed by now (the client keeps it until the new one is up).
    closed(&mut conn).await;
    assert_eq!(t0.elapsed(), ms(170));
}

#[tokio::test(start_paused = true)]
async fn reconnecting_gives_up_in_the_end() {
    let _still = StillClock::hold();
    let (listener, mut config) = listen().await;
    config.backoff.give_up_after = ms(200);
    let server = async {
        let mut conn = accept(&listener).await;
        handshake(&mut conn, "t1").await;
        conn
    };
    let (client, conn) = tokio::join!(Client::connect(config), server);
    let mut client = client.expect("joins");
    // The server hangs up, and from now on takes each connection only to drop it at once (the
    // listener is kept, so its port cannot pass to another program).
    drop(conn);
    let t0 = Instant::now();
    let mut reason = "the server closed the connection".to_owned();
    // The backoff doubles from 10 ms to its cap of 40 ms: tries at 10, 30, 70, 110, 150 and
    // 190 ms after the drop. The next would come at 230 ms, past 200: given up at 190 ms.
    let mut at = 0;
    for (attempt, after) in (1..).zip([10, 20, 40, 40, 40, 40]) {
        let event = next(&mut client).await;
        assert_eq!(event, ClientEvent::Reconnecting { attempt, after: ms(after), reason: reason.clone() });
        assert_eq!(t0.elapsed(), ms(at));
        elapse(ms(after - 1)).await;
        nobody_waits(&listener, &format!("attempt {attempt}'s backoff passed")).await;
        elapse(ms(1)).await;
        at += after;
        drop(accept(&listener).await);
        assert_eq!(t0.elapsed(), ms(at), "attempt {attempt} comes when its backoff passed");
        "the connection to the server is closed".clone_into(&mut reason);
    }
    assert_eq!(next(&mut client).await, ClientEvent::Closed(Closed::Lost(reason)));
    assert_eq!(t0.elapsed(), ms(190));
    assert_eq!(timeout(PATIENCE, client.next_event()).await.expect("ends"), None);
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
