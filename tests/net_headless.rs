//! Multiplayer end to end on `127.0.0.1:0`: a server in this process hosts `first-deploy`; a
//! liaison and a troubleshooter join through the client library and play it to a win, each seeing
//! only its own view; then the real binary plays the troubleshooter in line mode
//! (`kombat join … --headless`) fed lines on stdin, and its stdout shows the console's output,
//! refusals, the team chat, the turns, the end and the grade. Everything waits on channels with
//! deadlines; nothing sleeps.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, IncidentState, Outcome, Phase, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::{LobbyView, RoleWish};
use kombat::net::server::{Server, ServerConfig};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, timeout_at};

const PATIENCE: Duration = Duration::from_secs(30);

const FIX: &str = "set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop";

/// A server on a free loopback port with one `first-deploy` room; stops when `stop` is sent or
/// dropped.
async fn host() -> (String, String, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("addr").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    (addr, code, stop, running)
}

/// A client and the newest of what it was sent.
struct Player {
    client: Client,
    view: Option<RoleView>,
    lobby: Option<LobbyView>,
    /// Every view received while the game went on, as JSON, to look for what this seat must not
    /// see (the debrief at the end tells everyone everything).
    seen: String,
}

impl Player {
    async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Player {
        let config = ClientConfig::new(addr, code, name, role);
        let client = Client::connect(config).await.expect("joins");
        Player { client, view: None, lobby: None, seen: String::new() }
    }

    /// Takes events until `done` says so of one of them.
    async fn until(&mut self, what: &str, mut done: impl FnMut(&ClientEvent, &Player) -> bool) -> ClientEvent {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let event = timeout_at(deadline, self.client.next_event())
                .await
                .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", self.client.seat()))
                .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
            match &event {
                ClientEvent::View(view) => {
                    if !matches!(view.phase, Phase::Ended(_)) {
                        self.seen.push_str(&serde_json::to_string(view).expect("a view serializes"));
                    }
                    self.view = Some((**view).clone());
                }
                ClientEvent::Lobby(lobby) => self.lobby = Some(lobby.clone()),
                ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
                _ => {}
            }
            if done(&event, self) {
                return event;
            }
        }
    }

    /// Acts and waits for the answer, which must be yes.
    async fn act(&mut self, action: Action) {
        let what = format!("{action:?}");
        let id = self.client.act(action).await.expect("sent");
        let done = self.until(&what, |e, _| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
        assert_eq!(done, ClientEvent::Done { id, result: Ok(()) }, "{what}");
    }

    fn phase(&self) -> Option<&Phase> {
        self.view.as_ref().map(|v| &v.phase)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_liaison_and_a_troubleshooter_win_first_deploy_over_the_network() {
    let (addr, code, stop, running) = host().await;
    let mut lee = Player::join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = Player::join(&addr, &code, "Tam", RoleWish::Troubleshooter).await;
    assert_eq!((lee.client.seat(), tam.client.seat()), (Seat::Liaison, Seat::Troubleshooter(0)));
    assert_eq!(lee.client.code(), code);
    lee.until("Tam in the lobby", |_, p| p.lobby.as_ref().is_some_and(|l| l.players.len() == 2)).await;

    // The room's creator starts it; the game begins for both.
    lee.client.send(ClientCommand::Start).await.expect("sent");
    lee.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;
    tam.until("the game", |_, p| p.phase() == Some(&Phase::Playing)).await;

    lee.act(Action::CustomerChat("Hi Dana, what changed?".into())).await;
    lee.act(Action::CustomerChat("Which image tag did you set?".into())).await;
    tam.act(Action::Command("get pods -n shop".into())).await;
    tam.act(Action::Command("describe pod -n shop -l app=web".into())).await;
    let text = "Every visitor to the storefront gets an error page; we found the cause and are fixing it.";
    lee.act(Action::StatusUpdate { state: IncidentState::Identified, text: text.into() }).await;
    lee.act(Action::TeamChat("the tag 1.4.2x does not exist, setting 1.4.2".into())).await;
    lee.act(Action::DeclareRootCause("image-tag-typo".into())).await;
    tam.act(Action::Command(FIX.into())).await;

    // Tam saw the console output and Lee's team chat; Lee saw the status page.
    tam.until("the fix's output", |_, p| {
        p.view.as_ref().is_some_and(|v| match &v.panel {
            Panel::Troubleshooter(t) => {
                t.console.len() == 3 && t.team_chat.iter().any(|l| l.text.starts_with("the tag 1.4.2x"))
            }
            _ => false,
        })
    })
    .await;
    let Some(Panel::Troubleshooter(console)) = tam.view.as_ref().map(|v| &v.panel) else { panic!("a console") };
    assert!(console.console[0].output.contains("ImagePullBackOff"), "{}", console.console[0].output);
    assert_eq!(console.console[2].output.trim_end(), "deployment.apps/web image updated");

    // Both end their turns until the incident is resolved.
    for _ in 0..4 {
        if matches!(tam.phase(), Some(Phase::Ended(_))) {
            break;
        }
        lee.act(Action::EndTurn).await;
        let turn = tam.view.as_ref().map_or(0, |v| v.turn);
        tam.act(Action::EndTurn).await;
        // The closing turn's end ends the game without a new turn.
        tam.until("the next turn", |_, p| {
            p.view.as_ref().is_some_and(|v| v.turn > turn || matches!(v.phase, Phase::Ended(_)))
        })
        .await;
    }
    let view = tam.view.as_ref().expect("a view");
    assert!(matches!(view.phase, Phase::Ended(Outcome::Won { .. })), "{:?}", view.phase);
    assert!(view.debrief.is_some(), "the debrief comes with the end");
    lee.until("the end", |_, p| matches!(p.phase(), Some(Phase::Ended(Outcome::Won { .. })))).await;

    // Over the wire, each seat got only its own: the troubleshooter never the customer chat
    // while the game went on.
    assert!(lee.seen.contains("Hi Dana, what changed?"));
    assert!(!tam.seen.contains("Hi Dana, what changed?"), "the customer chat reached the troubleshooter");
    assert!(!tam.seen.contains("Which image tag did you set?"));

    lee.client.send(ClientCommand::Leave).await.expect("sent");
    tam.client.send(ClientCommand::Leave).await.expect("sent");
    drop(stop);
    running.await.expect("the server stops");
}

/// The binary's stdout as it comes, and a way to wait for a piece of it.
struct Transcript {
    chunks: mpsc::Receiver<String>,
    text: String,
    /// Where the last wait's needle ended; the next wait looks after it.
    from: usize,
}

impl Transcript {
    fn of(child: &mut Child) -> Transcript {
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, chunks) = mpsc::channel(64);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.blocking_send(String::from_utf8_lossy(&buf[..n]).into_owned()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Transcript { chunks, text: String::new(), from: 0 }
    }

    /// Waits until `needle` shows up after what was waited for before.
    async fn wait(&mut self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(at) = self.text[self.from..].find(needle) {
                self.from += at + needle.len();
                return;
            }
            match timeout_at(deadline, self.chunks.recv()).await {
                Ok(Some(chunk)) => self.text.push_str(&chunk),
                Ok(None) => {
                    panic!("stdout closed before {needle:?} showed up after byte {}:\n{}", self.from, self.text)
                }
                Err(elapsed) => {
                    panic!("{needle:?} never showed up after byte {} ({elapsed}):\n{}", self.from, self.text)
                }
            }
        }
    }

    /// Everything until stdout closes.
    async fn rest(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        while let Some(chunk) = timeout_at(deadline, self.chunks.recv()).await.expect("stdout closes") {
            self.text.push_str(&chunk);
        }
    }
}

fn type_line(child: &mut Child, line: &str) {
    let stdin = child.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{line}").expect("the client reads stdin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_plays_a_troubleshooter_in_line_mode() {
    let (addr, code, stop, running) = host().await;
    let mut lee = Player::join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["join", &addr, "--code", &code, "--headless", "--role", "troubleshooter", "--name", "Tam"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    let mut out = Transcript::of(&mut child);
    out.wait(&format!("Joined room {code} as troubleshooter 1.")).await;
    out.wait(&format!("== lobby {code}: Friday afternoon release ==")).await;
    out.wait("[lobby] players: Lee (liaison), Tam (troubleshooter 1)").await;
    type_line(&mut child, "/lobby hello from a script");
    out.wait("[lobby] Tam: hello from a script").await;

    lee.until("Tam in the lobby", |_, p| p.lobby.as_ref().is_some_and(|l| l.players.len() == 2)).await;
    lee.client.send(ClientCommand::Start).await.expect("sent");
    out.wait("== Friday afternoon release ==").await;
    out.wait("You are Tam, the troubleshooter 1.").await;
    out.wait("[alert] FIRING: Storefront error rate above 5%").await;

    for line in ["get pods -n shop", "/hold", "/frobnicate", "/say the tag 1.4.2x does not exist", "/status"] {
        type_line(&mut child, line);
    }
    out.wait("$ kubectl get pods -n shop\nNAME ").await;
    out.wait("ImagePullBackOff").await;
    out.wait("error: the troubleshooter cannot do that").await;
    out.wait("> /frobnicate\nerror: unknown command /frobnicate; try /help").await;
    out.wait("[team] Tam: the tag 1.4.2x does not exist").await;
    out.wait("> /status\nTurn 1/").await;
    out.wait("Action points left: 3").await;

    lee.act(Action::TeamChat("go ahead".into())).await;
    out.wait("[team] Lee: go ahead").await;
    for line in ["describe pod -n shop -l app=web", "/declare image-tag-typo", FIX] {
        type_line(&mut child, line);
    }
    out.wait("$ kubectl describe pod -n shop -l app=web\nName:").await;
    out.wait("[root cause] declared image-tag-typo").await;
    out.wait(&format!("$ kubectl {FIX}\ndeployment.apps/web image updated")).await;

    // Turns go by as both end them, until the incident is resolved.
    for turn in 1..=4 {
        type_line(&mut child, "/end");
        lee.act(Action::EndTurn).await;
        // The closing turn's end ends the game without a new turn.
        lee.until("the next turn", |_, p| {
            p.view.as_ref().is_some_and(|v| v.turn >= turn || matches!(v.phase, Phase::Ended(_)))
        })
        .await;
        if matches!(lee.phase(), Some(Phase::Ended(_))) {
            break;
        }
        out.wait(&format!("-- turn {turn} ends, incident time")).await;
    }
    out.wait("== Service is restored. Closing turn: post a resolved update").await;
    out.wait("== RESOLVED at turn ").await;
    out.wait("Outcome: RESOLVED at turn ").await;
    out.wait("Grade ").await;

    // The game is over: closing stdin ends the client with success.
    drop(child.stdin.take());
    out.rest().await;
    let status = child.wait().expect("kombat exits");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert!(status.success(), "exit {status:?}\n{}\n{stderr}", out.text);
    assert!(!out.text.contains('\u{1b}'), "no escape sequences in line mode");

    drop(stop);
    running.await.expect("the server stops");
}

#[test]
fn without_a_terminal_join_says_to_add_headless() {
    let out = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["join", "127.0.0.1:9", "--code", "7K3QM-9XW2A"])
        .stdin(Stdio::null())
        .output()
        .expect("kombat runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs a terminal") && stderr.contains("--headless"), "{stderr}");
}

#[test]
fn a_wrong_code_is_a_clear_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
    let (addr, _code, stop, running) = runtime.block_on(host());
    let out = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["join", &addr, "--code", "00000-00000", "--headless"])
        .stdin(Stdio::null())
        .output()
        .expect("kombat runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the server refused: "), "{stderr}");
    drop(stop);
    runtime.block_on(running).expect("the server stops");
}
