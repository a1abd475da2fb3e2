//! `kombat host` killed with SIGKILL and started again on the same port and data directory: its
//! rooms come back under the same codes, the players' clients (the library's, with a short
//! backoff) reconnect and resume their seats, no accepted action is lost and none is applied twice
//! (an act the dead server accepted and a client sends again is answered, not redone), and the
//! game plays on to a win. A room still in its lobby comes back in its lobby; a record that cannot
//! be read is reported and left alone; a room whose game ended is not resumed. The first host
//! binds port 0 and the test reads the address it prints; a restarted host binds that address
//! again, tried anew while something else holds it. Waits are reads with deadlines, never sleeps.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kombat::game::journal::{Entry, Journal};
use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, IncidentState, Outcome, Phase, Seat};
use kombat::net::client::{Backoff, Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::codec;
use kombat::net::protocol::{ClientMsg, LobbyView, PROTOCOL_VERSION, RoleWish, ServerMsg, Update};
use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

const PATIENCE: Duration = Duration::from_secs(30);

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-restart-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a data directory");
    dir
}

/// The real binary, `kombat host`, and its stdout line by line.
struct Host {
    child: Child,
    /// Where it listens, as it printed it.
    addr: String,
    lines: mpsc::UnboundedReceiver<String>,
    /// Every line so far.
    out: Vec<String>,
    /// Everything it wrote to stderr so far (read on a thread, so a full pipe never blocks it).
    err: Arc<Mutex<String>>,
    err_reader: Option<std::thread::JoinHandle<()>>,
}

/// Why a `kombat host` did not come up.
enum Refused {
    /// Its address was taken: the port of a killed host, caught by someone else for a moment.
    AddressInUse(String),
}

impl Host {
    /// A host on a port the kernel picks (`--bind 127.0.0.1:0`); the address is the one it prints,
    /// so no port is found, let go and bound again.
    async fn start(data: &Path) -> Host {
        match Host::spawn("127.0.0.1:0", data).await {
            Ok(host) => host,
            Err(Refused::AddressInUse(err)) => panic!("port 0 is never in use: {err}"),
        }
    }

    /// A host on the address of one that was killed, so its players' clients find it again. The
    /// port is free once the killed process is reaped; should anything else hold it a moment, the
    /// bind is tried again (until `PATIENCE`) rather than raced.
    async fn restart(addr: &str, data: &Path) -> Host {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match Host::spawn(addr, data).await {
                Ok(host) => return host,
                Err(Refused::AddressInUse(err)) => {
                    assert!(Instant::now() < deadline, "{addr} stayed taken for {PATIENCE:?}: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    async fn spawn(bind: &str, data: &Path) -> Result<Host, Refused> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kombat"));
        command
            .args(["host", "--bind", bind])
            .env("KOMBAT_DATA_DIR", data)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("kombat host starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let err = Arc::new(Mutex::new(String::new()));
        let err_in = Arc::clone(&err);
        let err_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                err_in.lock().expect("stderr").push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut host = Host { child, addr: String::new(), lines, out: Vec::new(), err, err_reader: Some(err_reader) };
        let prefix = "kombat host: listening on ";
        if let Some(line) = host.next_line("the listening line", |l| l.starts_with(prefix)).await {
            line[prefix.len()..].clone_into(&mut host.addr);
            return Ok(host);
        }
        let status = host.child.wait().expect("reaps");
        // It has exited: its stderr is at its end, or nearly.
        if let Some(reader) = host.err_reader.take() {
            reader.join().expect("stderr read");
        }
        let err = host.stderr();
        assert!(
            err.contains("cannot listen on") && err.contains("in use"),
            "kombat host ended ({status}) before listening:\n{}\n{err}",
            host.out.join("\n")
        );
        Err(Refused::AddressInUse(err))
    }

    /// What it wrote to stderr, once it has ended.
    fn stderr(&self) -> String {
        self.err.lock().expect("stderr").clone()
    }

    /// Waits for a line `wanted` says yes to.
    async fn line(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        match self.next_line(what, wanted).await {
            Some(line) => line,
            None => panic!("kombat host ended before {what}:\n{}", self.out.join("\n")),
        }
    }

    /// Waits for a line `wanted` says yes to; none if stdout ends first.
    async fn next_line(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    self.out.push(line.clone());
                    if wanted(&line) {
                        return Some(line);
                    }
                }
                Ok(None) => return None,
                Err(tokio::time::error::Elapsed { .. }) => {
                    panic!("kombat host never printed {what}:\n{}", self.out.join("\n"))
                }
            }
        }
    }

    /// The code of the next room printed, and whether it says it was resumed.
    async fn room(&mut self) -> (String, bool) {
        let line = self.line("a room", |l| l.starts_with("room ") && l.contains(" join with: ")).await;
        let code = line["room ".len()..].split(':').next().expect("a code").to_owned();
        (code, line.contains(" — resumed — join with: "))
    }

    /// SIGKILL: no goodbye to anyone, nothing flushed that was not written already. Returns
    /// everything it printed.
    async fn kill(mut self) -> Vec<String> {
        self.child.kill().expect("kills");
        self.child.wait().expect("reaps");
        while let Ok(Some(line)) = timeout_at(Instant::now() + PATIENCE, self.lines.recv()).await {
            self.out.push(line);
        }
        std::mem::take(&mut self.out)
    }
}

impl Drop for Host {
    /// A failed test leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A seat played through the client library.
struct Player {
    client: Client,
    view: Option<RoleView>,
    lobby: Option<LobbyView>,
    resumed: u32,
    /// Views and lobbies received since the last resume.
    since_resume: u32,
}

impl Player {
    async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Player {
        let mut config = ClientConfig::new(addr, code, name, role);
        config.backoff =
            Backoff { first: Duration::from_millis(50), max: Duration::from_millis(300), give_up_after: PATIENCE };
        let client = Client::connect(config).await.expect("joins");
        Player { client, view: None, lobby: None, resumed: 0, since_resume: 0 }
    }

    async fn until(&mut self, what: &str, mut done: impl FnMut(&ClientEvent, &Player) -> bool) -> ClientEvent {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let event = timeout_at(deadline, self.client.next_event())
                .await
                .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", self.client.seat()))
                .unwrap_or_else(|| panic!("{:?}: the session ended while waiting for {what}", self.client.seat()));
            match &event {
                ClientEvent::View(view) => {
                    self.view = Some((**view).clone());
                    self.since_resume += 1;
                }
                ClientEvent::Lobby(lobby) => {
                    self.lobby = Some(lobby.clone());
                    self.since_resume += 1;
                }
                ClientEvent::Resumed => {
                    self.resumed += 1;
                    self.since_resume = 0;
                }
                ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
                _ => {}
            }
            if done(&event, self) {
                return event;
            }
        }
    }

    /// Acts and waits for the answer.
    async fn try_act(&mut self, action: Action) -> Result<(), String> {
        let what = format!("{action:?}");
        let id = self.client.act(action).await.expect("sent");
        self.answer(id, &what).await
    }

    async fn answer(&mut self, id: u64, what: &str) -> Result<(), String> {
        match self.until(what, |e, _| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await {
            ClientEvent::Done { result, .. } => result,
            _ => unreachable!(),
        }
    }

    async fn act(&mut self, action: Action) {
        let what = format!("{action:?}");
        assert_eq!(self.try_act(action).await, Ok(()), "{what}");
    }

    fn phase(&self) -> Option<&Phase> {
        self.view.as_ref().map(|v| &v.phase)
    }
}

/// A seat played with hand-made frames, so that the test picks the act ids and sends one again.
struct Raw {
    frames: Framed<TcpStream, LengthDelimitedCodec>,
    seat: Seat,
    token: String,
    last_seq: u64,
}

impl Raw {
    async fn open(addr: &str, first: ClientMsg) -> Raw {
        let stream = TcpStream::connect(addr).await.expect("connects");
        let mut raw = Raw {
            frames: Framed::new(stream, codec::framing()),
            seat: Seat::GameMaster,
            token: String::new(),
            last_seq: 0,
        };
        raw.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
        assert_eq!(raw.recv().await, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION });
        raw.send(&first).await;
        let ServerMsg::Joined { seat, token, .. } = raw.recv().await else { panic!("not seated") };
        raw.seat = seat;
        raw.token = token;
        raw
    }

    async fn send(&mut self, message: &ClientMsg) {
        self.frames.send(codec::encode(message).expect("encodes")).await.expect("sends");
    }

    async fn recv(&mut self) -> ServerMsg {
        let frame = timeout_at(Instant::now() + PATIENCE, self.frames.next())
            .await
            .expect("a message in time")
            .expect("the connection is open")
            .expect("a frame");
        let message: ServerMsg = codec::decode(&frame).expect("decodes");
        if let ServerMsg::Update { seq, .. } = &message {
            self.last_seq = *seq;
        }
        message
    }

    async fn until_view(&mut self, wanted: impl Fn(&RoleView) -> bool) -> RoleView {
        loop {
            if let ServerMsg::Update { update: Update::View(view), .. } = self.recv().await
                && wanted(&view)
            {
                return *view;
            }
        }
    }

    async fn act(&mut self, id: u64, action: Action) -> Result<(), String> {
        self.send(&ClientMsg::Act { id, action }).await;
        loop {
            if let ServerMsg::Done { id: got, result } = self.recv().await
                && got == id
            {
                return result;
            }
        }
    }
}

fn team_chat(view: &RoleView) -> Vec<String> {
    match &view.panel {
        Panel::Troubleshooter(p) => p.team_chat.iter().map(|l| l.text.clone()).collect(),
        Panel::Liaison(p) => p.team_chat.iter().map(|l| l.text.clone()).collect(),
        _ => Vec::new(),
    }
}

fn times(lines: &[String], text: &str) -> usize {
    lines.iter().filter(|l| *l == text).count()
}

fn record_text(data: &Path, code: &str) -> String {
    std::fs::read_to_string(data.join("rooms").join(format!("{code}.json"))).expect("the room's record")
}

/// The one journal in the data directory.
fn journal(data: &Path) -> Journal {
    let dir = data.join("journals");
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("journals").map(|e| e.expect("an entry").path()).collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    Journal::parse(&std::fs::read_to_string(paths.remove(0)).expect("reads")).expect("parses")
}

/// Every responder ends the turn; returns once the game moved on.
async fn end_turn(lee: &mut Player, tam: &mut Player, ray: &mut Raw, next_id: &mut u64) {
    let turn = tam.view.as_ref().map_or(0, |v| v.turn);
    for player in [&mut *lee, &mut *tam] {
        let result = player.try_act(Action::EndTurn).await;
        assert!(result.is_ok() || matches!(player.phase(), Some(Phase::Ended(_))), "{result:?}");
    }
    *next_id += 1;
    let _ = ray.act(*next_id, Action::EndTurn).await;
    tam.until("the next turn", |_, p| {
        p.view.as_ref().is_some_and(|v| v.turn > turn || matches!(v.phase, Phase::Ended(_)))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_and_restarted_resumes_its_rooms_with_no_accepted_action_lost() {
    let data = temp_dir("game");
    let mut host = Host::start(&data).await;
    let addr = host.addr.clone();
    let (code, resumed) = host.room().await;
    assert!(!resumed, "a fresh data directory has nothing to resume");

    let mut lee = Player::join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = Player::join(&addr, &code, "Tam", RoleWish::Troubleshooter).await;
    let join = ClientMsg::Join { code: code.clone(), name: "Ray".into(), role: RoleWish::Troubleshooter };
    let mut ray = Raw::open(&addr, join).await;
    assert_eq!(ray.seat, Seat::Troubleshooter(1));
    lee.until("everyone in the lobby", |_, p| p.lobby.as_ref().is_some_and(|l| l.players.len() == 3)).await;
    lee.client.send(ClientCommand::Start).await.expect("sent");
    lee.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;
    tam.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;
    ray.until_view(|v| v.phase == Phase::Playing).await;
    assert!(record_text(&data, &code).contains("\"Playing\""), "{}", record_text(&data, &code));

    // Accepted acts, each answered before the kill.
    lee.act(Action::CustomerChat("what changed?".into())).await;
    tam.act(Action::Command("get pods -n shop".into())).await;
    tam.act(Action::TeamChat("before-tam".into())).await;
    lee.act(Action::TeamChat("before-lee".into())).await;
    assert_eq!(ray.act(100, Action::TeamChat("ray-once".into())).await, Ok(()));
    // One more, and the server is killed before its answer can be read: whether the dead server
    // took it or not, it must be applied exactly once.
    let in_flight = tam.client.act(Action::TeamChat("in-flight".into())).await.expect("sent");
    let first_out = host.kill().await;
    assert_eq!(first_out.iter().filter(|l| l.starts_with("room ")).count(), 1, "{first_out:?}");

    let mut host = Host::restart(&addr, &data).await;
    let (again, resumed) = host.room().await;
    assert_eq!((again.as_str(), resumed), (code.as_str(), true), "{:?}", host.out);

    // The clients take their seats back by themselves; the act in flight is answered.
    assert_eq!(tam.answer(in_flight, "the act in flight").await, Ok(()));
    assert_eq!(tam.resumed, 1);
    tam.until("the line in flight after the resume", |_, p| {
        p.since_resume > 0 && p.view.as_ref().is_some_and(|v| team_chat(v).iter().any(|l| l == "in-flight"))
    })
    .await;
    let view = tam.view.clone().expect("a view");
    assert_eq!(view.seat, Seat::Troubleshooter(0));
    assert_eq!(view.phase, Phase::Playing);
    let chat = team_chat(&view);
    for line in ["before-tam", "before-lee", "ray-once", "in-flight"] {
        assert_eq!(times(&chat, line), 1, "{line}: {chat:?}");
    }
    let Panel::Troubleshooter(panel) = &view.panel else { panic!("a console") };
    assert_eq!(panel.console.iter().filter(|e| e.line.contains("get pods -n shop")).count(), 1, "{:?}", panel.console);
    lee.until("the resumed game", |_, p| p.resumed >= 1 && p.since_resume > 0).await;
    let Some(Panel::Liaison(liaison)) = lee.view.as_ref().map(|v| &v.panel) else { panic!("the liaison's view") };
    assert_eq!(liaison.customer_chat.iter().filter(|l| l.text == "what changed?").count(), 1);
    assert_eq!(lee.view.as_ref().map(|v| v.seat), Some(Seat::Liaison));

    // Ray resumes by hand and sends again the act the dead server had answered: answered, not redone.
    let mut ray = Raw::open(&addr, ClientMsg::Resume { token: ray.token.clone(), last_seq: ray.last_seq }).await;
    assert_eq!(ray.seat, Seat::Troubleshooter(1));
    assert_eq!(ray.act(100, Action::TeamChat("ray-once".into())).await, Ok(()));
    assert_eq!(ray.act(101, Action::TeamChat("ray-after".into())).await, Ok(()));
    tam.until("Ray's new line", |_, p| p.view.as_ref().is_some_and(|v| team_chat(v).iter().any(|l| l == "ray-after")))
        .await;
    let chat = tam.view.as_ref().map(team_chat).unwrap_or_default();
    assert_eq!(times(&chat, "ray-once"), 1, "{chat:?}");
    assert_eq!(times(&chat, "in-flight"), 1, "{chat:?}");
    // The journal, appended to across the restart, holds each act once, with its id.
    let recorded = journal(&data);
    let ray_ids: Vec<u64> = recorded.ids().filter(|(s, _)| *s == Seat::Troubleshooter(1)).map(|(_, id)| id).collect();
    assert_eq!(ray_ids, vec![100, 101]);
    let mut ids: Vec<(Seat, u64)> = recorded.ids().collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all, "no id is journaled twice");
    let in_flight_lines = recorded
        .entries
        .iter()
        .filter(|e| matches!(e, Entry::Act { action: Action::TeamChat(t), .. } if t == "in-flight"))
        .count();
    assert_eq!(in_flight_lines, 1);

    // And the game plays on to a win.
    let text = "Every visitor to the storefront gets an error page; we found the cause and are fixing it.";
    lee.act(Action::StatusUpdate { state: IncidentState::Identified, text: text.into() }).await;
    let mut next_id = 101;
    for line in ["describe pod -n shop -l app=web", FIX] {
        let mut result = tam.try_act(Action::Command(line.into())).await;
        if result.as_ref().is_err_and(|e| e.starts_with("not enough action points")) {
            end_turn(&mut lee, &mut tam, &mut ray, &mut next_id).await;
            result = tam.try_act(Action::Command(line.into())).await;
        }
        assert_eq!(result, Ok(()), "{line}");
    }
    lee.act(Action::DeclareRootCause("image-tag-typo".into())).await;
    for _ in 0..6 {
        if matches!(tam.phase(), Some(Phase::Ended(_))) {
            break;
        }
        end_turn(&mut lee, &mut tam, &mut ray, &mut next_id).await;
    }
    assert!(matches!(tam.phase(), Some(Phase::Ended(Outcome::Won { .. }))), "{:?}", tam.phase());
    lee.until("the win", |_, p| matches!(p.phase(), Some(Phase::Ended(Outcome::Won { .. })))).await;
    // The end is on disk at once.
    let record = record_text(&data, &code);
    assert!(record.contains("\"phase\": \"Ended\""), "{record}");
    let second_out = host.kill().await;
    assert_eq!(
        second_out.iter().filter(|l| l.starts_with("room ") && l.contains("resumed")).count(),
        1,
        "{second_out:?}"
    );

    // A room whose game ended is not resumed: a new one opens, and the old record is gone.
    let mut host = Host::restart(&addr, &data).await;
    let (fresh, resumed) = host.room().await;
    assert!(!resumed && fresh != code, "{:?}", host.out);
    assert!(!data.join("rooms").join(format!("{code}.json")).exists());
    host.kill().await;
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lobby_survives_a_restart_and_a_bad_record_is_reported_and_kept() {
    let data = temp_dir("lobby");
    let bad = data.join("rooms").join("ZZZZZ-ZZZZZ.json");
    std::fs::create_dir_all(data.join("rooms")).expect("creates");
    std::fs::write(&bad, "{ not a record").expect("writes");
    let mut host = Host::start(&data).await;
    let addr = host.addr.clone();
    let (code, resumed) = host.room().await;
    assert!(!resumed);
    let refused = host.out.iter().find(|l| l.starts_with("room ZZZZZ-ZZZZZ not resumed: ")).cloned();
    assert!(refused.as_deref().is_some_and(|l| l.contains("ZZZZZ-ZZZZZ.json: not a room record")), "{:?}", host.out);

    let mut lee = Player::join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = Player::join(&addr, &code, "Tam", RoleWish::Troubleshooter).await;
    tam.client.send(ClientCommand::Ready(true)).await.expect("sent");
    // A chat line after the ready: once it is seen, the table has kept the ready on disk.
    lee.client.send(ClientCommand::LobbyChat("see you after the restart".into())).await.expect("sent");
    lee.until("Tam ready and the chat", |_, p| {
        p.lobby.as_ref().is_some_and(|l| l.chat.len() == 1 && l.players.iter().any(|m| m.name == "Tam" && m.ready))
    })
    .await;
    host.kill().await;

    let mut host = Host::restart(&addr, &data).await;
    let (again, resumed) = host.room().await;
    assert_eq!((again.as_str(), resumed), (code.as_str(), true), "{:?}", host.out);
    host.line("the bad record again", |l| l.starts_with("room ZZZZZ-ZZZZZ not resumed: ")).await;
    assert!(bad.exists(), "a record that cannot be read stays on disk");

    lee.until("both back in the lobby", |_, p| {
        p.since_resume > 0
            && p.lobby.as_ref().is_some_and(|l| l.players.len() == 2 && l.players.iter().all(|m| m.connected))
    })
    .await;
    let lobby = lee.lobby.clone().expect("a lobby");
    assert_eq!(lobby.code, code);
    let seats: Vec<(Seat, &str, bool)> = lobby.players.iter().map(|p| (p.seat, p.name.as_str(), p.ready)).collect();
    assert_eq!(seats, vec![(Seat::Liaison, "Lee", false), (Seat::Troubleshooter(0), "Tam", true)]);
    if tam.resumed == 0 {
        tam.until("the resume", |e, _| *e == ClientEvent::Resumed).await;
    }

    // The creator is still the creator: the game starts.
    lee.client.send(ClientCommand::Start).await.expect("sent");
    lee.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;
    tam.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;
    tam.act(Action::Command("get pods -n shop".into())).await;
    host.kill().await;
    let _ = std::fs::remove_dir_all(&data);
}

/// The first answer to a connection that says hello and then `first`: the seat and token it was
/// given, or why it was refused.
async fn seat_or_refusal(addr: &str, first: ClientMsg) -> Result<(Seat, String), String> {
    let stream = TcpStream::connect(addr).await.expect("connects");
    let frames = Framed::new(stream, codec::framing());
    let mut raw = Raw { frames, seat: Seat::GameMaster, token: String::new(), last_seq: 0 };
    raw.send(&ClientMsg::Hello { protocol_version: PROTOCOL_VERSION }).await;
    assert_eq!(raw.recv().await, ServerMsg::Welcome { protocol_version: PROTOCOL_VERSION });
    raw.send(&first).await;
    match raw.recv().await {
        ServerMsg::Joined { seat, token, .. } => Ok((seat, token)),
        ServerMsg::Refused { reason } => Err(reason),
        other => panic!("neither seated nor refused: {other:?}"),
    }
}

/// After a restart the players' clients are gone with their tokens (the host's `quit` ends
/// them): a player joining with the same name takes their seat back (and only their own role's,
/// when they wish for one), the old token resumes nothing, a stranger does not get a held seat,
/// and once the seat's player is back it is theirs like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_rooms_seats_go_back_to_their_players_by_name() {
    let data = temp_dir("reclaim");
    let mut host = Host::start(&data).await;
    let addr = host.addr.clone();
    let (code, _) = host.room().await;
    let join = |name: &str, role| ClientMsg::Join { code: code.clone(), name: name.into(), role };
    let mut lee = Raw::open(&addr, join("Lee", RoleWish::Liaison)).await;
    let tam = Raw::open(&addr, join("Tam", RoleWish::Troubleshooter)).await;
    assert_eq!((lee.seat, tam.seat), (Seat::Liaison, Seat::Troubleshooter(0)));
    lee.send(&ClientMsg::Start).await;
    lee.until_view(|v| v.phase == Phase::Playing).await;
    assert_eq!(lee.act(1, Action::TeamChat("before the restart".into())).await, Ok(()));
    let old_lee_token = lee.token.clone();
    host.kill().await;
    drop((lee, tam));

    let mut host = Host::restart(&addr, &data).await;
    let (again, resumed) = host.room().await;
    assert_eq!((again.as_str(), resumed), (code.as_str(), true), "{:?}", host.out);

    // A stranger wishing for a held seat does not get it.
    let refused = seat_or_refusal(&addr, join("Zed", RoleWish::Liaison)).await;
    assert_eq!(refused, Err("the liaison's seat is taken".to_owned()));
    // Lee, with any case and any role, takes the liaison's seat back, with a new token.
    let (seat, token) = seat_or_refusal(&addr, join("lee", RoleWish::Any)).await.expect("Lee is seated");
    assert_eq!(seat, Seat::Liaison);
    assert_ne!(token, old_lee_token);
    // The old token resumes nothing now.
    let stale = seat_or_refusal(&addr, ClientMsg::Resume { token: old_lee_token, last_seq: 0 }).await;
    assert!(stale.is_err_and(|r| r.contains("cannot be resumed")), "the token the old client held is spent");
    // Tam wishing for another role than his seat's is not put back in it: he asked for something else.
    let tam_as_liaison = seat_or_refusal(&addr, join("Tam", RoleWish::Liaison)).await;
    assert_eq!(tam_as_liaison, Err("the liaison's seat is taken".to_owned()));
    // Tam asking for his role takes his own seat back and plays on in the game as it stood.
    let mut tam = Raw::open(&addr, join("Tam", RoleWish::Troubleshooter)).await;
    assert_eq!(tam.seat, Seat::Troubleshooter(0));
    let view = tam.until_view(|v| v.phase == Phase::Playing).await;
    assert!(team_chat(&view).iter().any(|l| l == "before the restart"), "{:?}", team_chat(&view));
    assert_eq!(tam.act(7, Action::TeamChat("after the restart".into())).await, Ok(()));
    // Once back, the seat is held like any other: a second "Tam" is a latecomer, not a takeover.
    let second = seat_or_refusal(&addr, join("Tam", RoleWish::Troubleshooter)).await.expect("a free seat");
    assert_eq!(second.0, Seat::Troubleshooter(1));
    host.kill().await;
    let _ = std::fs::remove_dir_all(&data);
}
