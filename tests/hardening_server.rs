//! The attacks of issue 16 on the server, each written as the test that it no longer works: a
//! resume that claims `last_seq: u64::MAX`, one act id replayed past the rate limit, a storm of
//! readies that change nothing, a frame too long for a connection that has not joined, one
//! address filling the server's connections or opening them too fast, a host path in a notice,
//! and ten thousand connections guessing codes into the log. Over real sockets on 127.0.0.1:0,
//! with a minimal client written here; waits are reads with a deadline, never sleeps.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kombat::game::{Action, Phase};
use kombat::net::codec;
use kombat::net::protocol::{ClientMsg, PROTOCOL_VERSION, RoleWish, ServerMsg, Update};
use kombat::net::server::{Limits, Rate, ServerConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
#[path = "support/host.rs"]
mod support_host;
use support_host::{Host, host_with};
use tokio_util::codec::Framed;

const WAIT: Duration = Duration::from_secs(10);

fn limits() -> Limits {
    Limits {
        handshake: Duration::from_secs(5),
        chat: Rate { burst: 100, per: Duration::from_secs(1) },
        acts: Rate { burst: 100, per: Duration::from_secs(1) },
        ..Limits::default()
    }
}

async fn host(limits: &Limits) -> Host {
    host_with(ServerConfig { data_dir: None, turn_timer: None, limits: *limits, ..ServerConfig::default() }).await
}

struct Client {
    frames: Framed<TcpStream, tokio_util::codec::LengthDelimitedCodec>,
    token: String,
    seq: u64,
    got: Vec<ServerMsg>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        Client::over(TcpStream::connect(addr).await.expect("connects"))
    }

    /// Connects from another loopback address (Linux answers all of 127.0.0.0/8).
    async fn connect_from(from: &str, addr: SocketAddr) -> Client {
        let socket = TcpSocket::new_v4().expect("a socket");
        socket.bind(format!("{from}:0").parse().expect("an address")).expect("binds");
        Client::over(socket.connect(addr).await.expect("connects"))
    }

    fn over(stream: TcpStream) -> Client {
        Client { frames: Framed::new(stream, codec::framing()), token: String::new(), seq: 0, got: Vec::new() }
    }

    async fn send(&mut self, message: &ClientMsg) {
        let frame = codec::encode(message).expect("encodes");
        self.frames.send(frame).await.expect("sends");
    }

    async fn recv(&mut self) -> Option<ServerMsg> {
        let next = tokio::time::timeout(WAIT, self.frames.next()).await.expect("something arrives in time");
        let message: ServerMsg = match next {
            Some(Ok(frame)) => codec::decode(&frame).expect("the server sends valid messages"),
            Some(Err(_)) | None => return None,
        };
        if let ServerMsg::Update { seq, .. } = &message {
            assert_eq!(*seq, self.seq + 1, "updates come numbered with no gap and no repeat");
            self.seq = *seq;
        }
        self.got.push(message.clone());
        Some(message)
    }

    async fn until(&mut self, what: &str, wanted: impl Fn(&ServerMsg) -> bool) -> ServerMsg {
        loop {
            match self.recv().await {
                Some(message) if wanted(&message) => return message,
                Some(_) => {}
                None => panic!("the connection closed while waiting for {what}; got {:?}", self.got),
            }
        }
    }

    async fn hello(&mut self) {
        self.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
        assert_eq!(self.recv().await, Some(ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION }));
    }

    async fn join(addr: SocketAddr, code: &str, name: &str, role: RoleWish) -> Client {
        let mut client = Client::connect(addr).await;
        client.hello().await;
        client.send(&ClientMsg::Join { code: code.to_owned(), name: name.to_owned(), role }).await;
        match client.recv().await {
            Some(ServerMsg::Joined { token, .. }) => client.token = token,
            other => panic!("{name}: {other:?}"),
        }
        client
    }

    fn lobbies(&self) -> usize {
        self.got.iter().filter(|m| matches!(m, ServerMsg::Update { update: Update::Lobby(_), .. })).count()
    }
}

fn refusal(answer: Option<ServerMsg>) -> String {
    match answer {
        Some(ServerMsg::Refused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn is_lobby_with_chat(message: &ServerMsg, text: &str) -> bool {
    matches!(message, ServerMsg::Update { update: Update::Lobby(l), .. } if l.chat.iter().any(|c| c.text == text))
}

/// Finding 14: a client that claims to have seen update `u64::MAX` would make the next number
/// wrap to 0 (and a build with overflow checks panic, taking the room down).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_claiming_updates_never_sent_is_refused_and_the_room_goes_on() {
    let host = host(&limits()).await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    lee.until("the lobby", |m| matches!(m, ServerMsg::Update { .. })).await;
    for last_seq in [u64::MAX, 2] {
        let mut thief = Client::connect(host.addr).await;
        thief.hello().await;
        thief.send(&ClientMsg::Resume { token: lee.token.clone(), last_seq }).await;
        let reason = refusal(thief.recv().await);
        assert!(reason.contains(&format!("cannot be resumed from update {last_seq}")), "{reason}");
    }
    // Lee's own connection was left alone, and the room still answers.
    lee.send(&ClientMsg::LobbyChat("still here".into())).await;
    lee.until("the chat", |m| is_lobby_with_chat(m, "still here")).await;
    // A resume with what was really sent works.
    let mut back = Client::connect(host.addr).await;
    back.hello().await;
    back.send(&ClientMsg::Resume { token: lee.token.clone(), last_seq: lee.seq }).await;
    assert!(matches!(back.recv().await, Some(ServerMsg::Joined { .. })));
    back.seq = lee.seq;
    back.until("the lobby again", |m| matches!(m, ServerMsg::Update { update: Update::Lobby(_), .. })).await;
    host.shut_down().await;
}

/// Finding 6: one act id resent over and over was answered from memory without spending from
/// the rate limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_act_id_still_spends_from_the_rate_limit() {
    let limits = Limits { acts: Rate { burst: 5, per: Duration::from_secs(3600) }, flood: 1000, ..limits() };
    let host = host(&limits).await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    let mut tam = Client::join(host.addr, &host.code, "Tam", RoleWish::Troubleshooter).await;
    lee.send(&ClientMsg::Start).await;
    tam.until(
        "the game",
        |m| matches!(m, ServerMsg::Update { update: Update::View(v), .. } if v.phase == Phase::Playing),
    )
    .await;
    let replays = 20;
    for _ in 0..=replays {
        tam.send(&ClientMsg::Act { id: 1, action: Action::TeamChat("once".into()) }).await;
    }
    let mut answered = 0;
    let mut slowed = 0;
    while answered + slowed < replays + 1 {
        if let ServerMsg::Done { result, .. } =
            tam.until("an answer", |m| matches!(m, ServerMsg::Done { id: 1, .. })).await
        {
            match result {
                Ok(()) => answered += 1,
                Err(reason) => {
                    assert!(reason.contains("slow down"), "{reason}");
                    slowed += 1;
                }
            }
        }
    }
    assert_eq!(answered, 5, "the first act and the burst left, and no more: {slowed} slowed");
    host.shut_down().await;
}

/// Finding 3: every ready, even one that changed nothing, sent the whole lobby to everyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_readies_sends_no_lobby_for_what_did_not_change() {
    let host = host(&limits()).await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    let mut wes = Client::join(host.addr, &host.code, "Wes", RoleWish::Spectator).await;
    lee.send(&ClientMsg::LobbyChat("before".into())).await;
    lee.until("the first marker", |m| is_lobby_with_chat(m, "before")).await;
    let before = lee.lobbies();
    // Readies that change nothing, then toggles past the lobby budget.
    for _ in 0..50 {
        wes.send(&ClientMsg::Ready(false)).await;
    }
    for i in 0..20 {
        wes.send(&ClientMsg::Ready(i % 2 == 0)).await;
    }
    wes.send(&ClientMsg::LobbyChat("after".into())).await;
    lee.until("the second marker", |m| is_lobby_with_chat(m, "after")).await;
    let storm = lee.lobbies() - before - 1;
    let budget = usize::try_from(Limits::default().lobby.burst).expect("small");
    assert!(storm <= budget, "{storm} lobbies for 70 readies (at most {budget} changes)");
    assert!(storm >= 1, "a real change still goes out");
    host.shut_down().await;
}

/// Finding 5: before joining, a connection could make the server hold a 64 KiB frame for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_frame_before_joining_is_refused_at_once() {
    let host = host(&Limits { handshake: Duration::from_secs(3600), ..limits() }).await;
    let mut client = Client::connect(host.addr).await;
    client.hello().await;
    // The header of a frame of 60,000 bytes, and a little of it.
    let mut bytes = 60_000u32.to_be_bytes().to_vec();
    bytes.extend_from_slice(&[0; 100]);
    client.frames.get_mut().write_all(&bytes).await.expect("writes");
    let reason = refusal(client.recv().await);
    assert!(reason.contains("frame"), "{reason}");
    // A joined client may still send frames of the protocol's full size.
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    lee.send(&ClientMsg::LobbyChat("x".repeat(8000))).await;
    lee.until(
        "the long line",
        |m| matches!(m, ServerMsg::Update { update: Update::Lobby(l), .. } if !l.chat.is_empty()),
    )
    .await;
    host.shut_down().await;
}

/// Finding 5: one address could hold every connection the server allows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_fill_the_server_and_is_told_why() {
    let limits = Limits { max_connections: 8, per_address: 4, ..limits() };
    let host = host(&limits).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut c = Client::connect_from("127.0.0.2", host.addr).await;
        c.hello().await;
        held.push(c);
    }
    let mut more = Client::connect_from("127.0.0.2", host.addr).await;
    let reason = refusal(more.recv().await);
    assert!(reason.contains("already has 4 connections open"), "{reason}");
    // Someone else still gets in.
    Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    // A connection closed frees its place (once the server has seen it close).
    drop(held.pop());
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mut again = Client::connect_from("127.0.0.2", host.addr).await;
        again.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
        match again.recv().await {
            Some(ServerMsg::Welcome { .. }) => break,
            other => {
                assert!(tokio::time::Instant::now() < deadline, "the place was never freed: {other:?}");
                tokio::task::yield_now().await;
            }
        }
    }
    host.shut_down().await;
}

/// Finding 5: one address opened thousands of connections a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_opening_connections_too_fast_is_told_to_slow_down() {
    let limits = Limits { connects: Rate { burst: 5, per: Duration::from_secs(3600) }, ..limits() };
    let host = host(&limits).await;
    for _ in 0..5 {
        let mut c = Client::connect_from("127.0.0.3", host.addr).await;
        c.hello().await;
    }
    let mut c = Client::connect_from("127.0.0.3", host.addr).await;
    let reason = refusal(c.recv().await);
    assert!(reason.contains("opening connections too fast"), "{reason}");
    Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    host.shut_down().await;
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-hardening-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a data directory");
    dir
}

/// Finding 13: "cannot start the journal in /home/…: File exists" reached the players.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_to_players_carry_no_host_path() {
    let data = temp_dir("paths");
    // The journals directory cannot be made: a file is in its place.
    std::fs::write(data.join("journals"), "not a directory").expect("writes");
    let host = host_with(ServerConfig {
        data_dir: Some(data.clone()),
        turn_timer: None,
        limits: limits(),
        ..ServerConfig::default()
    })
    .await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    lee.send(&ClientMsg::Start).await;
    let ServerMsg::Notice { text } = lee.until("the notice", |m| matches!(m, ServerMsg::Notice { .. })).await else {
        unreachable!()
    };
    let data_text = data.display().to_string();
    assert!(!text.contains(&data_text) && !text.contains('/'), "a host path reached a player: {text}");
    assert!(text.contains("cannot keep this game"), "{text}");
    host.shut_down().await;
    let _ = std::fs::remove_dir_all(&data);
}

/// Counts the bytes a log would have written.
#[derive(Clone, Default)]
struct Counted(Arc<AtomicU64>);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Finding 2: every connection wrote ~175 bytes of log, so guessing codes filled the disk.
/// Ten thousand connections guessing, with the server's default limits, log less than 1 MB.
#[tokio::test]
async fn ten_thousand_guessing_connections_grow_the_log_by_less_than_a_megabyte() {
    // As a host runs by default (most guesses turned away at the door), and with the door wide
    // open (every guess refused by the handler): the log's own limit holds in both.
    let open = Limits {
        per_address: 100_000,
        connects: Rate { burst: 1_000_000, per: Duration::from_secs(1) },
        ..Limits::default()
    };
    for limits in [Limits::default(), open] {
        guess_codes(&limits).await;
    }
}

async fn guess_codes(limits: &Limits) {
    let logged = Counted::default();
    let writer = logged.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // This test's runtime is its own thread: the server logs through this subscriber.
    let _log = tracing::subscriber::set_default(subscriber);
    let host = host(limits).await;
    let connections = 10_000;
    let mut tried = 0;
    let mut welcomed = 0;
    while tried < connections {
        let batch: Vec<_> = (0..64.min(connections - tried))
            .map(|i| {
                let addr = host.addr;
                tokio::spawn(async move {
                    let mut c = Client::connect(addr).await;
                    let guess = format!("{:05}-{:05}", tried + i, i);
                    let _ = c
                        .frames
                        .send(codec::encode(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).expect("encodes"))
                        .await;
                    let _ = c
                        .frames
                        .send(
                            codec::encode(&ClientMsg::Join { code: guess, name: "G".into(), role: RoleWish::Any })
                                .expect("encodes"),
                        )
                        .await;
                    let mut welcomed = false;
                    while let Some(Ok(frame)) =
                        tokio::time::timeout(WAIT, c.frames.next()).await.expect("answered in time")
                    {
                        welcomed |= matches!(codec::decode(&frame), Ok(ServerMsg::Welcome { .. }));
                    }
                    welcomed
                })
            })
            .collect();
        for task in batch {
            welcomed += usize::from(task.await.expect("the guesser ran"));
        }
        tried += 64.min(connections - tried);
    }
    host.shut_down().await;
    let bytes = logged.0.load(Ordering::Relaxed);
    let _ = writeln!(std::io::stderr(), "{connections} guessing connections ({welcomed} let in) logged {bytes} bytes");
    assert!(bytes < 1_000_000, "{bytes} bytes of log for {connections} connections");
}
