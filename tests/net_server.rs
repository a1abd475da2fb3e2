//! The game server over real sockets on 127.0.0.1:0, played by a minimal client written here
//! (frames and postcard, nothing from `net::client`): a whole game won by a liaison, a
//! troubleshooter and a human customer with each seat's secrets kept from the others on the
//! wire; hostile and broken connections dropped while the room plays on; a stalled client
//! dropped without slowing anyone; reconnects, duplicate acts, rate limits, refusals, kicks,
//! the heartbeat and a graceful shutdown. Deadlines are shrunk through `Limits`; waits are
//! reads with a deadline, never sleeps. Tests that assert on time run on tokio's paused clock,
//! held still (see [`StillClock`]) so that it moves only when the test advances it: a deadline
//! is then met to the millisecond, however slow the machine.

use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, IncidentState, Outcome, Phase, Seat, Severity};
use kombat::net::codec;
use kombat::net::protocol::{ClientMsg, LobbyView, PROTOCOL_VERSION, RoleWish, ServerMsg, Update};
use kombat::net::server::{Limits, Rate, Server, ServerConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::time::Instant;
#[path = "support/host.rs"]
mod support_host;
use support_host::{Host, host_with};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// How long any one expected message may take.
const WAIT: Duration = Duration::from_secs(10);

/// How long, in real time, a [`StillClock`] holds the clock at most.
const HOLD_AT_MOST: std::time::Duration = std::time::Duration::from_secs(120);

/// Keeps tokio's paused clock from advancing by itself while it lives, for tests that assert on
/// time over real sockets. A paused clock jumps to the next timer whenever the runtime waits,
/// also when it waits for bytes already on their way over loopback, which would fire deadlines
/// (the server's handshake and heartbeat, this file's read timeouts) that never passed; a
/// blocking task in flight stops those jumps (`tokio::time::pause`, "Preventing auto-advance"),
/// so time moves only by `tokio::time::advance`. After `HOLD_AT_MOST` of real time the hold
/// ends: a test stuck on a read then fails with that read's own timeout instead of hanging.
struct StillClock {
    _release: std::sync::mpsc::Sender<()>,
}

impl StillClock {
    /// Call it first in a `start_paused` test.
    fn hold() -> StillClock {
        let (release, released) = std::sync::mpsc::channel::<()>();
        tokio::task::spawn_blocking(move || {
            // Returns at once when the sender is dropped.
            let _ = released.recv_timeout(HOLD_AT_MOST);
        });
        StillClock { _release: release }
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn limits() -> Limits {
    Limits {
        handshake: Duration::from_secs(2),
        chat: Rate { burst: 100, per: Duration::from_secs(1) },
        acts: Rate { burst: 100, per: Duration::from_secs(1) },
        pings: Rate { burst: 1_000_000, per: Duration::from_secs(1) },
        ..Limits::default()
    }
}

async fn host(limits: &Limits) -> Host {
    host_with(ServerConfig { data_dir: None, turn_timer: None, limits: *limits, ..ServerConfig::default() }).await
}

/// A client that speaks the protocol by hand and checks every `seq` it gets.
struct Client {
    frames: Framed<TcpStream, LengthDelimitedCodec>,
    name: String,
    seat: Option<Seat>,
    token: String,
    seq: u64,
    next_id: u64,
    /// Every message received, in order.
    got: Vec<ServerMsg>,
}

impl Client {
    async fn connect(addr: SocketAddr, name: &str) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connects");
        Client::over(stream, name)
    }

    fn over(stream: TcpStream, name: &str) -> Client {
        Client {
            frames: Framed::new(stream, codec::framing()),
            name: name.to_owned(),
            seat: None,
            token: String::new(),
            seq: 0,
            next_id: 0,
            got: Vec::new(),
        }
    }

    async fn send(&mut self, message: &ClientMsg) {
        let frame = codec::encode(message).expect("encodes");
        self.frames.send(frame).await.expect("sends");
    }

    async fn send_raw(&mut self, bytes: &[u8]) {
        self.frames.get_mut().write_all(bytes).await.expect("writes");
    }

    fn note(&mut self, message: ServerMsg) -> ServerMsg {
        if let ServerMsg::Update { seq, .. } = &message {
            assert_eq!(*seq, self.seq + 1, "{}: updates come numbered with no gap and no repeat", self.name);
            self.seq = *seq;
        }
        self.got.push(message.clone());
        message
    }

    /// The next message; none when the server closed the connection.
    async fn recv(&mut self) -> Option<ServerMsg> {
        let next = tokio::time::timeout(WAIT, self.frames.next())
            .await
            .unwrap_or_else(|_| panic!("{}: nothing arrived within {WAIT:?}", self.name));
        match next {
            Some(Ok(frame)) => Some(self.note(codec::decode(&frame).expect("the server sends valid messages"))),
            Some(Err(_)) | None => None,
        }
    }

    /// Whether the server still holds the connection open, by what has already arrived (taken in
    /// as `recv` would), without waiting.
    fn is_open(&mut self) -> bool {
        loop {
            match self.frames.next().now_or_never() {
                Some(Some(Ok(frame))) => {
                    self.note(codec::decode(&frame).expect("the server sends valid messages"));
                }
                Some(Some(Err(_)) | None) => return false,
                None => return true,
            }
        }
    }

    /// Whatever has already arrived, without waiting.
    fn drain(&mut self) {
        while let Some(Some(Ok(frame))) = self.frames.next().now_or_never() {
            let message = codec::decode(&frame).expect("the server sends valid messages");
            self.note(message);
        }
    }

    async fn until(&mut self, what: &str, wanted: impl Fn(&ServerMsg) -> bool) -> ServerMsg {
        loop {
            match self.recv().await {
                Some(message) if wanted(&message) => return message,
                Some(_) => {}
                None => panic!("{}: the connection closed while waiting for {what}; got {:?}", self.name, self.got),
            }
        }
    }

    async fn until_view(&mut self, what: &str, wanted: impl Fn(&RoleView) -> bool) -> RoleView {
        let message =
            self.until(what, |m| matches!(m, ServerMsg::Update { update: Update::View(v), .. } if wanted(v))).await;
        let ServerMsg::Update { update: Update::View(view), .. } = message else { unreachable!() };
        *view
    }

    async fn until_lobby(&mut self, what: &str, wanted: impl Fn(&LobbyView) -> bool) -> LobbyView {
        let message =
            self.until(what, |m| matches!(m, ServerMsg::Update { update: Update::Lobby(l), .. } if wanted(l))).await;
        let ServerMsg::Update { update: Update::Lobby(lobby), .. } = message else { unreachable!() };
        lobby
    }

    /// Reads until the server hangs up; returns what came meanwhile.
    async fn until_closed(&mut self) -> Vec<ServerMsg> {
        let mut got = Vec::new();
        while let Some(message) = self.recv().await {
            got.push(message);
        }
        got
    }

    async fn hello(&mut self) {
        self.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
        let welcome = self.recv().await;
        assert_eq!(welcome, Some(ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION }));
    }

    /// Hello and Join; the answer to the join.
    async fn try_join(addr: SocketAddr, code: &str, name: &str, role: RoleWish) -> (Client, Option<ServerMsg>) {
        let mut client = Client::connect(addr, name).await;
        client.hello().await;
        client.send(&ClientMsg::Join { code: code.to_owned(), name: name.to_owned(), role }).await;
        let answer = client.recv().await;
        if let Some(ServerMsg::Joined { seat, token, .. }) = &answer {
            client.seat = Some(*seat);
            client.token.clone_from(token);
        }
        (client, answer)
    }

    async fn join(addr: SocketAddr, code: &str, name: &str, role: RoleWish) -> Client {
        let (client, answer) = Client::try_join(addr, code, name, role).await;
        assert!(matches!(answer, Some(ServerMsg::Joined { .. })), "{name}: {answer:?}");
        client
    }

    /// Acts and waits for the answer.
    async fn act(&mut self, action: Action) -> Result<(), String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&ClientMsg::Act { id, action }).await;
        let ServerMsg::Done { result, .. } =
            self.until("the act's answer", |m| matches!(m, ServerMsg::Done { id: i, .. } if *i == id)).await
        else {
            unreachable!()
        };
        result
    }

    fn views(&self) -> impl Iterator<Item = &RoleView> {
        self.got.iter().filter_map(|m| match m {
            ServerMsg::Update { update: Update::View(v), .. } => Some(&**v),
            _ => None,
        })
    }

    fn last_view(&self) -> &RoleView {
        self.views().last().expect("a view arrived")
    }
}

fn refusal(answer: Option<ServerMsg>) -> String {
    match answer {
        Some(ServerMsg::Refused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A liaison (the room's creator) and a troubleshooter, in a started game.
async fn started(host: &Host) -> (Client, Client) {
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    let mut tam = Client::join(host.addr, &host.code, "Tam", RoleWish::Troubleshooter).await;
    lee.send(&ClientMsg::Start).await;
    lee.until_view("the game", |v| v.phase == Phase::Playing).await;
    tam.until_view("the game", |v| v.phase == Phase::Playing).await;
    (lee, tam)
}

/// The troubleshooter can still act and gets the view that follows.
async fn still_playing(tam: &mut Client, text: &str) {
    assert_eq!(tam.act(Action::TeamChat(text.to_owned())).await, Ok(()));
    tam.until_view("the chat line", |v| team_chat(v).iter().any(|l| l == text)).await;
}

fn team_chat(view: &RoleView) -> Vec<String> {
    match &view.panel {
        Panel::Troubleshooter(p) => p.team_chat.iter().map(|l| l.text.clone()).collect(),
        Panel::Liaison(p) => p.team_chat.iter().map(|l| l.text.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Both responders end the turn; returns once both see the next one.
async fn end_turn(lee: &mut Client, tam: &mut Client) {
    let turn = tam.last_view().turn;
    for c in [&mut *lee, &mut *tam] {
        let result = c.act(Action::EndTurn).await;
        assert!(result.is_ok() || c.last_view().phase != Phase::Playing, "{}: {result:?}", c.name);
    }
    for c in [lee, tam] {
        c.until_view("the next turn", |v| v.turn > turn || matches!(v.phase, Phase::Ended(_))).await;
    }
}

const TEAM_CANARY: &str = "canary-team-7d1f";
const LIAISON_CANARY: &str = "canary-liaison-to-customer-2b9c";
const CUSTOMER_CANARY: &str = "canary-customer-reply-5e0a";
const CONSOLE_CANARY: &str = "canary-console-c3d8";
const SECRET: &str = "The image tag was typed by hand";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_liaison_a_troubleshooter_and_a_human_customer_win_first_deploy() {
    let host = host(&limits()).await;
    let (addr, code) = (host.addr, host.code.to_lowercase().replace('-', ""));
    let mut lee = Client::join(addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = Client::join(addr, &code, "Tam", RoleWish::Troubleshooter).await;
    let mut dana = Client::join(addr, &code, "Dana", RoleWish::Customer).await;
    let mut sam = Client::join(addr, &code, "Sam", RoleWish::Any).await;
    assert_eq!(
        [lee.seat, tam.seat, dana.seat, sam.seat],
        [Some(Seat::Liaison), Some(Seat::Troubleshooter(0)), Some(Seat::Customer(0)), Some(Seat::Troubleshooter(1))]
    );
    sam.send(&ClientMsg::Leave).await;
    sam.until_closed().await;
    let mut sam = Client::join(addr, &code, "Sam", RoleWish::Spectator).await;
    assert_eq!(sam.seat, Some(Seat::Spectator(0)));

    // The lobby: readiness, chat (sanitized), the human customer in place of the NPC.
    for c in [&mut lee, &mut tam, &mut dana] {
        c.send(&ClientMsg::Ready(true)).await;
    }
    lee.send(&ClientMsg::LobbyChat("hello \u{1b}[2J all".into())).await;
    let lobby = sam
        .until_lobby("everyone ready and the chat", |l| {
            l.chat.len() == 1 && l.players.iter().filter(|p| p.ready).count() == 3
        })
        .await;
    assert_eq!(lobby.chat[0].text, "hello [2J all");
    assert_eq!(lobby.chat[0].from, "Lee");
    assert!(!lobby.npc_customer);
    assert_eq!(lobby.code, host.code);
    assert_eq!(lobby.players.len(), 4, "{:?}", lobby.players);
    assert!(lobby.players.iter().all(|p| p.connected));
    tam.send(&ClientMsg::Start).await;
    let notice = tam.until("a notice", |m| matches!(m, ServerMsg::Notice { .. })).await;
    assert!(matches!(notice, ServerMsg::Notice { text } if text.starts_with("only the game master starts")));
    lee.send(&ClientMsg::Start).await;
    for c in [&mut lee, &mut tam, &mut dana, &mut sam] {
        let view = c.until_view("the game", |v| v.phase == Phase::Playing).await;
        assert_eq!(view.seat, c.seat.expect("seated"));
    }

    // Words and commands that some seats must never see.
    assert_eq!(lee.act(Action::TeamChat(format!("{TEAM_CANARY}: I'll talk to Dana"))).await, Ok(()));
    assert_eq!(lee.act(Action::CustomerChat(format!("{LIAISON_CANARY}: what changed?"))).await, Ok(()));
    dana.until_view("the liaison's message", |v| format!("{v:?}").contains(LIAISON_CANARY)).await;
    assert_eq!(dana.act(Action::Reply(format!("{CUSTOMER_CANARY}: we released 1.4.2"))).await, Ok(()));
    let update = Action::StatusUpdate { state: IncidentState::Investigating, text: "Looking into the errors.".into() };
    assert_eq!(lee.act(update).await, Ok(()));
    dana.until_view("the status update", |v| matches!(&v.panel, Panel::Customer(p) if !p.status_page.is_empty())).await;
    assert_eq!(dana.act(Action::RateUpdate { update: 0, stars: 4 }).await, Ok(()));
    assert_eq!(dana.act(Action::Command("get pods".into())).await, Err("the customer cannot do that".into()));
    assert_eq!(tam.act(Action::Command(format!("get configmap {CONSOLE_CANARY} -n shop"))).await, Ok(()));

    // The reference solution, as `kombat scenario show first-deploy --solution` prints it.
    let solution = kombat::scenario::builtin("first-deploy").expect("exists").expect("parses").solution;
    for line in solution {
        if let Some(n) = line.strip_prefix("/wait ") {
            for _ in 0..n.trim().parse::<u32>().expect("a number") {
                end_turn(&mut lee, &mut tam).await;
                dana.drain();
                sam.drain();
            }
            continue;
        }
        let mut result = tam.act(Action::Command(line.clone())).await;
        if result.as_ref().is_err_and(|e| e.starts_with("not enough action points")) {
            end_turn(&mut lee, &mut tam).await;
            result = tam.act(Action::Command(line.clone())).await;
        }
        assert_eq!(result, Ok(()), "{line}");
        dana.drain();
        sam.drain();
    }
    // The win gives the responders a closing turn; ending it ends the game.
    assert_eq!(tam.last_view().phase, Phase::Closing, "won, in the closing turn");
    end_turn(&mut lee, &mut tam).await;
    for c in [&mut lee, &mut tam, &mut dana, &mut sam] {
        let end = match c.views().last() {
            Some(v) if matches!(v.phase, Phase::Ended(_)) => v.clone(),
            _ => c.until_view("the end", |v| matches!(v.phase, Phase::Ended(_))).await,
        };
        assert!(matches!(end.phase, Phase::Ended(Outcome::Won { .. })), "{}: {:?}", c.name, end.phase);
        assert!(end.debrief.is_some(), "the debrief is public");
    }

    // Before the end (the debrief is public), each seat saw only what its role may see.
    let seen = |c: &Client| -> String {
        let mut text = String::new();
        for view in c.views().filter(|v| !matches!(v.phase, Phase::Ended(_))) {
            let _ = write!(text, "{view:?}");
            text.push_str(&serde_json::to_string(view).expect("a view is JSON"));
        }
        text
    };
    let must = |c: &Client, yes: &[&str], no: &[&str]| {
        let text = seen(c);
        for canary in yes {
            assert!(text.contains(canary), "{} should see {canary}", c.name);
        }
        for canary in no {
            assert!(!text.contains(canary), "{} must never receive {canary}", c.name);
        }
    };
    must(&lee, &[TEAM_CANARY, LIAISON_CANARY, CUSTOMER_CANARY], &[SECRET, CONSOLE_CANARY]);
    must(&tam, &[TEAM_CANARY, CONSOLE_CANARY], &[LIAISON_CANARY, CUSTOMER_CANARY, SECRET]);
    must(&dana, &[LIAISON_CANARY, CUSTOMER_CANARY, SECRET], &[TEAM_CANARY, CONSOLE_CANARY]);
    must(&sam, &[], &[TEAM_CANARY, LIAISON_CANARY, CUSTOMER_CANARY, CONSOLE_CANARY, SECRET]);
    for c in [&lee, &tam, &dana, &sam] {
        // Debug shows an escape character as `\u{1b}`.
        assert!(c.got.iter().all(|m| !format!("{m:?}").contains(r"\u{1b}")), "{}: no escape character arrives", c.name);
    }
    host.shut_down().await;
}

#[tokio::test(start_paused = true)]
async fn oversized_malformed_old_and_slow_connections_are_dropped_while_the_room_plays() {
    let _still = StillClock::hold();
    let handshake = ms(300);
    let host = host(&Limits { handshake, ..limits() }).await;
    let just_before = ms(299);
    let (_lee, mut tam) = started(&host).await;

    // A header announcing a 1 MiB frame.
    let mut big = Client::connect(host.addr, "big").await;
    big.hello().await;
    big.send_raw(&[0x00, 0x10, 0x00, 0x00, 1, 2, 3]).await;
    let got = big.until_closed().await;
    assert!(matches!(&got[..], [ServerMsg::Refused { reason }] if reason.contains("frame")), "{got:?}");
    still_playing(&mut tam, "after the oversized frame").await;

    // A frame that is not a message, before and after the handshake.
    for hello_first in [false, true] {
        let mut bad = Client::connect(host.addr, "bad").await;
        if hello_first {
            bad.hello().await;
        }
        bad.send_raw(&[0, 0, 0, 3, 0xff, 0xff, 0xff]).await;
        let got = bad.until_closed().await;
        assert!(matches!(&got[..], [ServerMsg::Refused { reason }] if reason.contains("not a message")), "{got:?}");
    }
    still_playing(&mut tam, "after the malformed frames").await;

    // A client of another protocol version.
    let mut old = Client::connect(host.addr, "old").await;
    old.send(&ClientMsg::Hello { protocol_version: 999 }).await;
    let got = old.until_closed().await;
    let [ServerMsg::Refused { reason }] = &got[..] else { panic!("one refusal: {got:?}") };
    assert!(reason.contains(&format!("version {PROTOCOL_VERSION}")) && reason.contains("version 999"), "{reason}");
    still_playing(&mut tam, "after the old client").await;

    // Slow loris: half a header, then nothing; before and after Hello. Dropped when the
    // handshake deadline has passed, not a millisecond before.
    for hello_first in [false, true] {
        let mut slow = Client::connect(host.addr, "slow").await;
        if hello_first {
            slow.hello().await;
        }
        slow.send_raw(&[0, 0]).await;
        // Connections are accepted in order: once one that came after is welcomed, the slow one's
        // handler is reading, its deadline `handshake` from now (the clock has not moved).
        let mut later = Client::connect(host.addr, "later").await;
        later.hello().await;
        drop(later);
        tokio::time::advance(just_before).await;
        still_playing(&mut tam, &format!("a millisecond before the deadline, hello first: {hello_first}")).await;
        assert!(slow.is_open(), "dropped before the handshake deadline (hello first: {hello_first})");
        tokio::time::advance(ms(2)).await;
        assert_eq!(slow.until_closed().await, Vec::new(), "dropped without a word");
    }
    still_playing(&mut tam, "after the slow clients").await;

    // A second handshake on a seated connection ends that connection only.
    let mut twice = Client::join(host.addr, &host.code, "Twice", RoleWish::Spectator).await;
    twice.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
    let got = twice.until_closed().await;
    assert!(got.iter().any(|m| matches!(m, ServerMsg::Refused { .. })), "{got:?}");
    still_playing(&mut tam, "after the second handshake").await;
    host.shut_down().await;
}

#[tokio::test(start_paused = true)]
async fn a_stalled_client_is_dropped_and_does_not_slow_the_others() {
    let _still = StillClock::hold();
    let limits = Limits { queue: 4, send_buffer: Some(4096), write_timeout: Duration::from_secs(3), ..limits() };
    let host = host(&limits).await;
    let (mut lee, mut tam) = started(&host).await;

    // A spectator with a tiny receive buffer that reads its welcome and then nothing more.
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(1024).expect("a small buffer");
    let stream = socket.connect(host.addr).await.expect("connects");
    let mut stuck = Client::over(stream, "stuck");
    stuck.hello().await;
    stuck.send(&ClientMsg::Join { code: host.code.clone(), name: "Stuck".into(), role: RoleWish::Spectator }).await;
    assert!(matches!(stuck.recv().await, Some(ServerMsg::Joined { .. })));

    let rounds = 100;
    let mut slowest = Duration::ZERO;
    for i in 0..rounds {
        // Only what changes a seat's view is sent to it: the severity is on the spectator's board.
        let severity = if i % 2 == 0 { Severity::Sev1 } else { Severity::Sev2 };
        assert_eq!(lee.act(Action::SetSeverity(severity)).await, Ok(()));
        let t0 = Instant::now();
        still_playing(&mut tam, &format!("round {i} {}", "x".repeat(300))).await;
        slowest = slowest.max(t0.elapsed());
        lee.drain();
        // Time passes between rounds only, as much as the rate limits need to refill.
        tokio::time::advance(ms(20)).await;
    }
    // On the held clock a round takes no time at all unless it waits for a timer to fire, such
    // as the stalled client's write timeout.
    assert_eq!(slowest, Duration::ZERO, "a round waited {slowest:?} for a timer");

    // Reading now, once its write timeout has passed too: what fit in its buffers and queue,
    // then the end; far from every update.
    tokio::time::advance(limits.write_timeout).await;
    let got = stuck.until_closed().await;
    let views = got.iter().filter(|m| matches!(m, ServerMsg::Update { .. })).count();
    assert!(views < rounds / 2, "the stalled client was dropped early: it got {views} of {rounds} updates");
    still_playing(&mut tam, "after the stalled client").await;
    host.shut_down().await;
}

/// Hello and `Resume`, expecting the numbering to go on after `last_seq`; act ids go on from
/// `last_id` (the server remembers them per seat).
async fn resume(addr: SocketAddr, token: &str, last_seq: u64, last_id: u64) -> Client {
    let mut tam = Client::connect(addr, "Tam again").await;
    tam.hello().await;
    tam.send(&ClientMsg::Resume { token: token.to_owned(), last_seq }).await;
    tam.seq = last_seq;
    tam.next_id = last_id;
    tam
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_with_the_next_seq() {
    let host = host(&limits()).await;
    let (mut lee, mut tam) = started(&host).await;
    still_playing(&mut tam, "before the drop").await;
    let (token, last_seq, last_id) = (tam.token.clone(), tam.seq, tam.next_id);
    drop(tam);
    assert_eq!(lee.act(Action::TeamChat("while you were away".into())).await, Ok(()));
    lee.until_view("the chat", |v| team_chat(v).contains(&"while you were away".to_owned())).await;

    let mut again = resume(host.addr, &token, last_seq, last_id).await;
    let joined = again.recv().await;
    assert!(matches!(&joined, Some(ServerMsg::Joined { seat: Seat::Troubleshooter(0), .. })), "{joined:?}");
    // The next update is numbered right after the last one received, and is the whole view.
    let view = again.until_view("the snapshot", |_| true).await;
    assert_eq!(again.seq, last_seq + 1);
    assert!(team_chat(&view).contains(&"while you were away".to_owned()));
    still_playing(&mut again, "back again").await;
    // The act brings the events its seat may see, then the view they lead to.
    assert_eq!(again.seq, last_seq + 3);

    // Resuming on a second connection takes the seat from the first.
    let mut third = resume(host.addr, &token, again.seq, again.next_id).await;
    assert!(matches!(third.recv().await, Some(ServerMsg::Joined { .. })));
    let got = again.until_closed().await;
    assert!(got.iter().any(|m| matches!(m, ServerMsg::Refused { reason } if reason.contains("another connection"))));
    still_playing(&mut third, "third time").await;

    // A made-up token or one of a seat given up is refused.
    let mut stranger = Client::connect(host.addr, "stranger").await;
    stranger.hello().await;
    stranger.send(&ClientMsg::Resume { token: format!("{}.{}", host.code, "0".repeat(32)), last_seq: 0 }).await;
    assert!(refusal(stranger.recv().await).starts_with("that seat cannot be resumed"));
    third.send(&ClientMsg::Leave).await;
    third.until_closed().await;
    let mut late = Client::connect(host.addr, "late").await;
    late.hello().await;
    late.send(&ClientMsg::Resume { token, last_seq: 0 }).await;
    assert!(refusal(late.recv().await).starts_with("that seat cannot be resumed"), "a seat left is not taken back");
    host.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_act_id_is_answered_without_acting_twice() {
    let host = host(&limits()).await;
    let (_lee, mut tam) = started(&host).await;
    let get = || ClientMsg::Act { id: 7, action: Action::Command("get pods -n shop".into()) };
    tam.send(&get()).await;
    tam.until("the answer", |m| *m == ServerMsg::Done { id: 7, result: Ok(()) }).await;
    tam.send(&get()).await;
    tam.until("the same answer", |m| *m == ServerMsg::Done { id: 7, result: Ok(()) }).await;
    tam.send(&ClientMsg::Act { id: 8, action: Action::TeamChat("after".into()) }).await;
    tam.until("the next answer", |m| *m == ServerMsg::Done { id: 8, result: Ok(()) }).await;
    let view = tam.until_view("the chat", |v| team_chat(v).contains(&"after".to_owned())).await;
    let Panel::Troubleshooter(panel) = &view.panel else { panic!("a troubleshooter's view") };
    assert_eq!(panel.console.len(), 1, "the command ran once");
    assert_eq!(view.points_left, Some(3));
    host.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_too_fast_gets_a_notice_and_nothing_done() {
    let limits = Limits { chat: Rate { burst: 2, per: Duration::from_secs(600) }, ..limits() };
    let host = host(&limits).await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    for i in 0..3 {
        lee.send(&ClientMsg::LobbyChat(format!("line {i}"))).await;
    }
    let notice = lee.until("a notice", |m| matches!(m, ServerMsg::Notice { .. })).await;
    assert!(matches!(notice, ServerMsg::Notice { text } if text.starts_with("slow down")));
    let lobby = lee.got.iter().rev().find_map(|m| match m {
        ServerMsg::Update { update: Update::Lobby(l), .. } => Some(l.clone()),
        _ => None,
    });
    let chat: Vec<String> = lobby.expect("lobbies arrived").chat.into_iter().map(|c| c.text).collect();
    assert_eq!(chat, ["line 0", "line 1"]);
    lee.send(&ClientMsg::Start).await;
    lee.until_view("the game", |v| v.phase == Phase::Playing).await;
    let refused = lee.act(Action::TeamChat("one more".into())).await.expect_err("rate limited");
    assert!(refused.starts_with("slow down"), "{refused}");
    assert!(team_chat(lee.last_view()).is_empty());
    host.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_bad_names_and_taken_seats_are_refused() {
    let host = host(&limits()).await;
    let (addr, code) = (host.addr, host.code.as_str());
    let refused = |code: &str, name: &str, role| {
        let (code, name) = (code.to_owned(), name.to_owned());
        async move { refusal(Client::try_join(addr, &code, &name, role).await.1) }
    };
    assert_eq!(refused("ZZZZZ-ZZZZZ", "Ana", RoleWish::Any).await, "no room has the code ZZZZZ-ZZZZZ");
    assert_eq!(refused("not a code!", "Ana", RoleWish::Any).await, "no room has the code notacode");
    for name in ["", "Zoë", "a\u{1b}[31mred", &"n".repeat(25)] {
        assert!(refused(code, name, RoleWish::Any).await.starts_with("a name is 1 to 24"), "{name:?}");
    }
    let mut lee = Client::join(addr, code, "Lee", RoleWish::Liaison).await;
    assert_eq!(refused(code, "Two", RoleWish::Liaison).await, "the liaison's seat is taken");
    assert!(refused(code, "Boss", RoleWish::GameMaster).await.starts_with("only the room's creator"));
    let mut keep = Vec::new();
    for name in ["T1", "T2", "T3"] {
        keep.push(Client::join(addr, code, name, RoleWish::Troubleshooter).await);
    }
    assert_eq!(refused(code, "T4", RoleWish::Troubleshooter).await, "all 3 troubleshooter seats are taken");
    lee.send(&ClientMsg::Start).await;
    lee.until_view("the game", |v| v.phase == Phase::Playing).await;
    assert!(refused(code, "Late", RoleWish::Customer).await.starts_with("the game has already started"));
    // Spectators join at any time and see the board at once.
    let mut late = Client::join(addr, code, "Watcher", RoleWish::Spectator).await;
    let view = late.until_view("the board", |_| true).await;
    assert!(matches!(view.panel, Panel::Spectator(_)));
    assert_eq!(late.act(Action::EndTurn).await, Err("spectators watch the game; they cannot act".into()));
    host.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_game_master_kicks_and_nobody_else_can() {
    let host = host(&limits()).await;
    let mut gm = Client::join(host.addr, &host.code, "Gail", RoleWish::GameMaster).await;
    let mut tam = Client::join(host.addr, &host.code, "Tam", RoleWish::Troubleshooter).await;
    let mut lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    lee.send(&ClientMsg::Kick { seat: Seat::Troubleshooter(0) }).await;
    let notice = lee.until("a notice", |m| matches!(m, ServerMsg::Notice { .. })).await;
    assert_eq!(notice, ServerMsg::Notice { text: "only the game master can remove players".into() });

    // In the lobby, a kicked player's seat is freed.
    gm.send(&ClientMsg::Kick { seat: Seat::Troubleshooter(0) }).await;
    let got = tam.until_closed().await;
    assert!(
        got.iter().any(|m| matches!(m, ServerMsg::Update { update: Update::Removed { reason }, .. } if reason == "kicked by the game master")),
        "{got:?}"
    );
    gm.until_lobby("the seat freed", |l| l.players.iter().all(|p| p.seat != Seat::Troubleshooter(0))).await;
    let mut tess = Client::join(host.addr, &host.code, "Tess", RoleWish::Troubleshooter).await;
    assert_eq!(tess.seat, Some(Seat::Troubleshooter(0)));

    // In a game, the seat stays in the game, empty (nobody is listed in it at the table), until a
    // latecomer takes it.
    gm.send(&ClientMsg::Start).await;
    gm.until_view("the game", |v| v.phase == Phase::Playing).await;
    gm.send(&ClientMsg::Kick { seat: Seat::Troubleshooter(0) }).await;
    tess.until_closed().await;
    still_playing(&mut lee, "without Tess").await;
    let view = lee.last_view().clone();
    assert!(view.table.iter().all(|s| s.seat != Seat::Troubleshooter(0)), "{:?}", view.table);
    let (_, answer) = Client::try_join(host.addr, &host.code, "Uma", RoleWish::Troubleshooter).await;
    assert!(
        matches!(answer, Some(ServerMsg::Joined { seat: Seat::Troubleshooter(0), .. })),
        "a latecomer takes the emptied seat: {answer:?}"
    );
    host.shut_down().await;
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_dropped_and_a_pinging_one_stays() {
    let _still = StillClock::hold();
    let heartbeat = ms(400);
    let host = host(&Limits { heartbeat, ..limits() }).await;
    let mut quiet = Client::join(host.addr, &host.code, "Quiet", RoleWish::Liaison).await;
    let mut chatty = Client::join(host.addr, &host.code, "Chatty", RoleWish::Troubleshooter).await;
    // Both joined at this instant (the clock moves only below): the quiet one, which sends
    // nothing more, is due to be dropped at t0 + 400 ms.
    let t0 = Instant::now();
    let mut nonce = 0;
    let quiet_away = |l: &LobbyView| l.players.iter().any(|p| p.seat == Seat::Liaison && !p.connected);
    let shown_away = |c: &Client| {
        c.got.iter().any(|m| matches!(m, ServerMsg::Update { update: Update::Lobby(l), .. } if quiet_away(l)))
    };
    // Chatty pings now and then up to a millisecond before the quiet one's deadline.
    for step in [100, 100, 100, 99] {
        tokio::time::advance(ms(step)).await;
        nonce += 1;
        chatty.send(&ClientMsg::Ping { nonce }).await;
        chatty.until("the pong", |m| *m == ServerMsg::Pong { nonce }).await;
    }
    assert_eq!(t0.elapsed(), ms(399));
    assert!(quiet.is_open() && !shown_away(&chatty), "the silent client was dropped before the heartbeat deadline");
    // Past it: the quiet one is dropped, and shows as away.
    tokio::time::advance(ms(2)).await;
    chatty.until_lobby("the silent client away", quiet_away).await;
    quiet.until_closed().await;
    // Chatty, who pinged 2 ms ago, stays: another ping well within its own heartbeat is answered.
    tokio::time::advance(ms(300)).await;
    nonce += 1;
    chatty.send(&ClientMsg::Ping { nonce }).await;
    chatty.until("the last pong", |m| *m == ServerMsg::Pong { nonce }).await;
    assert!(chatty.got.iter().any(|m| matches!(m, ServerMsg::Pong { nonce: 1 })));
    host.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_tells_every_client_and_closes() {
    let host = host(&limits()).await;
    let (mut lee, mut tam) = started(&host).await;
    let mut waiting = Client::connect(host.addr, "waiting").await;
    waiting.hello().await;
    host.shut_down().await;
    for c in [&mut lee, &mut tam, &mut waiting] {
        let got = c.until_closed().await;
        assert_eq!(
            got.last(),
            Some(&ServerMsg::Refused { reason: "the server is shutting down".into() }),
            "{}: {got:?}",
            c.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seat_limits_come_from_the_scenario() {
    let text = kombat::scenario::builtin_sources()
        .find(|(id, _)| *id == "first-deploy")
        .map(|(_, text)| text)
        .expect("a built-in");
    let body = text.trim_end().strip_suffix(')').expect("a RON struct");
    let path = std::env::temp_dir().join(format!("kombat-net-limits-{}.ron", std::process::id()));
    std::fs::write(&path, format!("{body}    players: (troubleshooters: 1, customers: 0, spectators: 1),\n)"))
        .expect("writes");
    let config = ServerConfig { limits: limits(), ..ServerConfig::default() };
    let server = Server::bind("127.0.0.1:0".parse().expect("an address"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound");
    let code = server.create_room(path.to_str().expect("a UTF-8 path")).await.expect("a room");
    let _ = std::fs::remove_file(&path);
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));

    let mut tam = Client::join(addr, &code, "Tam", RoleWish::Troubleshooter).await;
    let refused = |name: &str, role| {
        let (code, name) = (code.clone(), name.to_owned());
        async move { refusal(Client::try_join(addr, &code, &name, role).await.1) }
    };
    assert_eq!(refused("Two", RoleWish::Troubleshooter).await, "all 1 troubleshooter seats are taken");
    assert_eq!(
        refused("Cus", RoleWish::Customer).await,
        "this scenario has no customer seats: the scripted customer plays"
    );
    let lobby = tam.until_lobby("the lobby", |_| true).await;
    assert!(lobby.npc_customer);
    assert_eq!(
        lobby.limits,
        [
            (RoleWish::Liaison, 1),
            (RoleWish::Troubleshooter, 1),
            (RoleWish::Customer, 0),
            (RoleWish::GameMaster, 1),
            (RoleWish::Spectator, 1)
        ]
    );
    let first = Client::join(addr, &code, "Watcher", RoleWish::Spectator).await;
    assert_eq!(refused("Second", RoleWish::Spectator).await, "the room has no spectator seats left (at most 1)");
    // A spectator who drops makes room for the next one.
    drop(first);
    tam.until_lobby("the watcher gone", |l| l.players.iter().any(|p| p.seat == Seat::Spectator(0) && !p.connected))
        .await;
    let second = Client::join(addr, &code, "Second", RoleWish::Spectator).await;
    assert_eq!(second.seat, Some(Seat::Spectator(0)));
    let _ = stop.send(());
    tokio::time::timeout(WAIT, running).await.expect("stops").expect("cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_turns_connections_away_with_a_reason() {
    let host = host(&Limits { max_connections: 1, ..limits() }).await;
    let _lee = Client::join(host.addr, &host.code, "Lee", RoleWish::Liaison).await;
    let mut extra = Client::connect(host.addr, "extra").await;
    let got = extra.until_closed().await;
    assert_eq!(got, [ServerMsg::Refused { reason: "the server is full; try again later".into() }]);
    host.shut_down().await;
}
