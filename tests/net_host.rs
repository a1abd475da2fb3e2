//! The host's side of a game night, over the network: a hosted game played to its end by headless
//! clients. Each player receives the postmortem and keeps it in their own data directory; the
//! host's console prints the end, `rooms` shows where each room stands, the night's results file
//! has the game and the host's own solo results do not; `broadcast` reaches every player, and
//! `quit` tells the clients the host stopped, so they end without reconnecting. The built binary's
//! console is typed at through its stdin, and a host started again after `quit` brings back only
//! the rooms whose game had not ended.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use kombat::game::{Action, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent, Closed};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{Farewell, HostConsole, NewRoom, Server, ServerConfig};

const WAIT: Duration = Duration::from_secs(10);

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-net-host-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn join(addr: &str, code: &str, name: &str, role: RoleWish, data: &Path) -> Client {
    let mut config = ClientConfig::new(addr, code, name, role);
    config.data_dir = Some(data.to_path_buf());
    let client = Client::connect(config).await.expect("joins");
    assert!(!matches!(client.seat(), Seat::Spectator(_)), "{name} got a seat");
    client
}

/// Events until one matches, within `WAIT`; every event before it too.
async fn until(
    client: &mut Client,
    what: &str,
    mut matches: impl FnMut(&ClientEvent) -> bool,
) -> (ClientEvent, Vec<ClientEvent>) {
    let wait = async {
        let mut before = Vec::new();
        loop {
            match client.next_event().await {
                Some(event) if matches(&event) => return (event, before),
                Some(event) => before.push(event),
                None => panic!("the session ended while waiting for {what}"),
            }
        }
    };
    tokio::time::timeout(WAIT, wait).await.unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
}

async fn done(client: &mut Client, action: Action) {
    let id = client.act(action.clone()).await.expect("sends");
    let (answer, _) =
        until(client, "an answer", |e| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
    assert_eq!(answer, ClientEvent::Done { id, result: Ok(()) }, "{action:?}");
}

async fn postmortem(client: &mut Client) -> PathBuf {
    match until(client, "the postmortem", |e| matches!(e, ClientEvent::Postmortem(_))).await.0 {
        ClientEvent::Postmortem(Ok(path)) => path,
        other => panic!("the postmortem was not kept: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosted_game_night_from_the_hosts_console() {
    let host_dir = temp("host");
    let (gil_dir, lee_dir) = (temp("gil"), temp("lee"));
    let config = ServerConfig { data_dir: Some(host_dir.clone()), ..ServerConfig::default() };
    let mut server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let mut ends = server.game_ends();
    let addr = server.local_addr().expect("bound").to_string();
    let rooms = server.rooms();
    let first = rooms.create("first-deploy").await.expect("a room");
    let second = rooms.create("first-deploy").await.expect("another room");
    let code = first.code.clone();
    let night = host_dir.join("nights").join("2026-12-03-1900.jsonl");
    let opened: Vec<NewRoom> = vec![first.clone(), second.clone()];
    let mut console = HostConsole::new(rooms, addr.clone(), "first-deploy".into(), opened, Some(night.clone()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));
    // Codes are random: the pinned text says CODE1 and CODE2.
    let pinned = |text: String| text.replace(&first.code, "CODE1").replace(&second.code, "CODE2");

    let mut gil = join(&addr, &code, "Gil", RoleWish::GameMaster, &gil_dir).await;
    let mut lee = join(&addr, &code, "Lee", RoleWish::Liaison, &lee_dir).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    until(&mut lee, "the first view", |e| matches!(e, ClientEvent::View(_))).await;
    done(&mut lee, Action::EndTurn).await;
    until(&mut lee, "turn 2", |e| matches!(e, ClientEvent::View(v) if v.turn == 1)).await;

    assert_eq!(
        pinned(console.answer("rooms").await),
        "room CODE1 (first-deploy): playing, turn 2\n  players: Lee (liaison), Gil (game master)\n\
         room CODE2 (first-deploy): lobby\n  players: nobody"
    );

    // A message from the host reaches every player.
    assert_eq!(console.answer("broadcast  pizza is here ").await, "sent to the players of 2 rooms");
    for client in [&mut gil, &mut lee] {
        let (notice, _) = until(client, "the host's message", |e| matches!(e, ClientEvent::Notice(_))).await;
        assert_eq!(notice, ClientEvent::Notice("from the host: pizza is here".into()));
    }
    assert_eq!(console.answer("broadcast").await, "usage: broadcast TEXT (sent to every player in every room)");

    // The game master ends the game: each player receives the postmortem and keeps it.
    done(&mut gil, Action::EndGame).await;
    let gil_has = postmortem(&mut gil).await;
    let lee_has = postmortem(&mut lee).await;
    assert!(gil_has.starts_with(gil_dir.join("postmortems")), "{}", gil_has.display());
    assert!(lee_has.starts_with(lee_dir.join("postmortems")), "{}", lee_has.display());
    let gil_text = std::fs::read_to_string(&gil_has).expect("Gil's copy");
    assert_eq!(std::fs::read_to_string(&lee_has).expect("Lee's copy"), gil_text);

    // The host hears of the end: its line names the room, the result and the postmortem, which
    // is the text the players got.
    let end = tokio::time::timeout(WAIT, ends.recv()).await.expect("in time").expect("the end");
    assert_eq!(end.room, code);
    let host_copy = end.postmortem.clone().expect("the host wrote the postmortem");
    assert!(host_copy.starts_with(host_dir.join("postmortems")), "{}", host_copy.display());
    assert_eq!(std::fs::read_to_string(&host_copy).expect("the host's copy"), gil_text);
    assert_eq!(
        gil_has.file_name().and_then(|n| n.to_str()),
        host_copy.file_name().and_then(|n| n.to_str()).map(|n| format!("hosted-{n}")).as_deref()
    );
    let said = console.game_ended(end.clone());
    let expected = format!(
        "room CODE1 (first-deploy) is over: grade {} ({}/{}), stopped by the game master at turn 2 \
         (incident time {}:{:02}); postmortem: {}",
        end.grade.as_str(),
        end.total,
        end.max,
        end.incident_seconds / 60,
        end.incident_seconds % 60,
        host_copy.display()
    );
    assert_eq!(pinned(said), expected);

    // The night's file has the game; the host's solo results do not.
    let lines = std::fs::read_to_string(&night).expect("the night's file");
    assert_eq!(lines.lines().count(), 1, "{lines}");
    let line: serde_json::Value = serde_json::from_str(lines.trim()).expect("one JSON line");
    assert_eq!(line["room"], code.as_str());
    assert_eq!(line["scenario"], "first-deploy");
    assert_eq!(line["outcome"], "stopped by the game master");
    assert_eq!(line["turn"], 2);
    assert_eq!(line["players"][0]["name"], "Lee");
    assert_eq!(line["players"][1]["seat"], "game master");
    assert_eq!(line["postmortem"], host_copy.display().to_string().as_str());
    assert!(line["ended_at"].as_u64().is_some_and(|t| t > 0), "{line}");
    assert!(!host_dir.join("results.jsonl").exists(), "a hosted game went into the host's solo results");

    // `rooms` shows the ended room with its result.
    let result = end.result();
    assert_eq!(
        pinned(console.answer("rooms").await),
        format!(
            "room CODE1 (first-deploy): ended, turn 2: {result}\n  players: Lee (liaison), Gil (game master)\n\
             room CODE2 (first-deploy): lobby\n  players: nobody"
        )
    );

    // `quit`: the players are told the host stopped, and nobody reconnects.
    assert!(console.answer("help").await.contains("broadcast TEXT"));
    assert_eq!(console.answer("quit").await, "kombat host: stopping (players are told the host stopped)");
    assert!(console.quitting());
    let _ = stop.send(Farewell::Stopped);
    for client in [&mut gil, &mut lee] {
        let (closed, before) = until(client, "the end of the session", |e| matches!(e, ClientEvent::Closed(_))).await;
        assert_eq!(closed, ClientEvent::Closed(Closed::HostStopped("the host ended the game night".into())));
        assert!(!before.iter().any(|e| matches!(e, ClientEvent::Reconnecting { .. })), "{before:?}");
    }
    tokio::time::timeout(WAIT, serving).await.expect("stops").expect("cleanly");
    for dir in [host_dir, gil_dir, lee_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopped_for_a_restart_still_lets_clients_resume() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let dir = temp("restart");
    let mut lee = join(&addr, &code, "Lee", RoleWish::Liaison, &dir).await;
    until(&mut lee, "the lobby", |e| matches!(e, ClientEvent::Lobby(_))).await;
    let _ = stop.send(());
    // Not the host stopping for good: the client tries to come back.
    until(&mut lee, "a reconnect", |e| matches!(e, ClientEvent::Reconnecting { .. })).await;
    tokio::time::timeout(WAIT, serving).await.expect("stops").expect("cleanly");
    let _ = std::fs::remove_dir_all(dir);
}

/// Reads the binary's stdout on a thread, so a test waits for what it says with a deadline.
fn stdout_of(child: &mut std::process::Child) -> tokio::sync::mpsc::Receiver<String> {
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, chunks) = tokio::sync::mpsc::channel(64);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.blocking_send(String::from_utf8_lossy(&buf[..n]).into_owned()).is_err() {
                break;
            }
        }
    });
    chunks
}

/// Waits until `needle` is in what was read so far.
async fn wait_for(chunks: &mut tokio::sync::mpsc::Receiver<String>, text: &mut String, needle: &str) {
    let wait = async {
        while !text.contains(needle) {
            match chunks.recv().await {
                Some(chunk) => text.push_str(&chunk),
                None => return false,
            }
        }
        true
    };
    let found = tokio::time::timeout(WAIT * 3, wait).await.unwrap_or(false);
    assert!(found, "{needle:?} never showed up:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_mode_keeps_the_postmortem_and_says_the_host_stopped() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<Farewell>();
    let serving = tokio::spawn(server.run_until(async { stopped.await.unwrap_or(Farewell::Restart) }));
    let (lee_dir, gil_dir) = (temp("line-lee"), temp("line-gil"));
    // The first to join may take the game master's seat.
    let mut gil = join(&addr, &code, "Gil", RoleWish::GameMaster, &gil_dir).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["join", &addr, "--code", &code, "--headless", "--role", "liaison", "--name", "Lee"])
        .env("KOMBAT_DATA_DIR", &lee_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    let mut chunks = stdout_of(&mut child);
    let mut out = String::new();
    wait_for(&mut chunks, &mut out, &format!("Joined room {code} as liaison.")).await;
    until(&mut gil, "Lee in the lobby", |e| matches!(e, ClientEvent::Lobby(l) if l.players.len() == 2)).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    until(&mut gil, "the first view", |e| matches!(e, ClientEvent::View(_))).await;
    done(&mut gil, Action::EndGame).await;
    postmortem(&mut gil).await;

    let kept = lee_dir.join("postmortems").join("hosted-first-deploy-");
    wait_for(&mut chunks, &mut out, &format!("[postmortem] the host sent the postmortem; kept in {}", kept.display()))
        .await;
    let _ = stop.send(Farewell::Stopped);
    wait_for(&mut chunks, &mut out, "[host] the host stopped: the host ended the game night").await;
    let status = tokio::task::spawn_blocking(move || {
        let status = child.wait().expect("kombat exits");
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
        (status, stderr)
    });
    let (status, stderr) = tokio::time::timeout(WAIT, status).await.expect("exits in time").expect("waits");
    assert!(status.success(), "exit {status:?}\n{out}\n{stderr}");
    assert!(!stderr.contains("reconnecting"), "{stderr}");
    let kept: Vec<_> = std::fs::read_dir(lee_dir.join("postmortems")).expect("kept").flatten().collect();
    assert_eq!(kept.len(), 1);
    assert!(std::fs::read_to_string(kept[0].path()).expect("reads").starts_with('#'));
    tokio::time::timeout(WAIT, serving).await.expect("stops").expect("cleanly");
    for dir in [lee_dir, gil_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `kombat host`, the built binary, with its console on a pipe and its data in `data`.
fn spawn_host(data: &Path, rooms: &str, stdin: Stdio) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["host", "--bind", "127.0.0.1:0", "--rooms", rooms])
        .env("KOMBAT_DATA_DIR", data)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kombat host starts")
}

/// The text after `prefix` on the first line of `text` that starts with it.
fn after<'a>(text: &'a str, prefix: &str) -> &'a str {
    let line = text.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix:?} in:\n{text}"));
    line[prefix.len()..].trim()
}

/// The join codes of the rooms the host printed, in order.
fn room_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("room ") && l.contains(" join with: "))
        .map(|l| l["room ".len()..].split(':').next().expect("a code").to_owned())
        .collect()
}

/// Types a line at the host's console.
fn type_at(child: &mut std::process::Child, line: &str) {
    use std::io::Write;
    let stdin = child.stdin.as_mut().expect("stdin");
    writeln!(stdin, "{line}").expect("the host reads its console");
    stdin.flush().expect("flushed");
}

/// The host's console as a facilitator types at it: `rooms`, `broadcast`, `help`, then `quit`,
/// which tells a connected client the host stopped (no reconnect) and exits 0. A `kombat host`
/// started again on the same data directory brings back the room whose game had not ended, and
/// not the one whose game had (docs/facilitator.md, "After quit").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_binarys_console_answers_quits_and_a_later_host_resumes_only_unfinished_rooms() {
    let host_dir = temp("console-host");
    let (gil_dir, lee_dir, tam_dir) = (temp("console-gil"), temp("console-lee"), temp("console-tam"));
    let mut host = spawn_host(&host_dir, "2", Stdio::piped());
    let mut chunks = stdout_of(&mut host);
    let mut out = String::new();
    wait_for(&mut chunks, &mut out, "type `help`").await;
    let addr = after(&out, "kombat host: listening on ").to_owned();
    let codes = room_codes(&out);
    let [finished, waiting] = [codes[0].clone(), codes[1].clone()];

    // One room plays its game to the end; the other waits in its lobby with a player.
    let mut gil = join(&addr, &finished, "Gil", RoleWish::GameMaster, &gil_dir).await;
    let lee = join(&addr, &finished, "Lee", RoleWish::Liaison, &lee_dir).await;
    until(&mut gil, "Lee in the lobby", |e| matches!(e, ClientEvent::Lobby(l) if l.players.len() == 2)).await;
    gil.send(ClientCommand::Start).await.expect("starts");
    until(&mut gil, "the first view", |e| matches!(e, ClientEvent::View(_))).await;
    done(&mut gil, Action::EndGame).await;
    wait_for(&mut chunks, &mut out, &format!("room {finished} (first-deploy) is over: ")).await;
    let mut tam = join(&addr, &waiting, "Tam", RoleWish::Liaison, &tam_dir).await;
    until(&mut tam, "the lobby", |e| matches!(e, ClientEvent::Lobby(_))).await;

    type_at(&mut host, "rooms");
    wait_for(&mut chunks, &mut out, &format!("room {waiting} (first-deploy): lobby\n  players: Tam (liaison)")).await;
    assert!(out.contains(&format!("room {finished} (first-deploy): ended")), "{out}");

    type_at(&mut host, "broadcast hello");
    wait_for(&mut chunks, &mut out, "sent to the players of 2 rooms").await;
    until(&mut tam, "the broadcast", |e| matches!(e, ClientEvent::Notice(t) if t == "from the host: hello")).await;

    type_at(&mut host, "help");
    wait_for(&mut chunks, &mut out, "broadcast TEXT   send a message to every player in every room").await;

    type_at(&mut host, "quit");
    let (closed, before) = until(&mut tam, "the host's goodbye", |e| matches!(e, ClientEvent::Closed(_))).await;
    assert!(matches!(closed, ClientEvent::Closed(Closed::HostStopped(_))), "{closed:?}");
    assert!(!before.iter().any(|e| matches!(e, ClientEvent::Reconnecting { .. })), "{before:?}");
    wait_for(&mut chunks, &mut out, "kombat host: stopped").await;
    let status = tokio::task::spawn_blocking(move || host.wait().expect("kombat host exits"));
    let status = tokio::time::timeout(WAIT, status).await.expect("exits in time").expect("waits");
    assert!(status.success(), "exit {status:?}\n{out}");
    drop((gil, lee));

    // Another night on the same data directory: the unfinished room is back, the finished one
    // is not (and so no fresh room is opened in its place).
    let mut again = spawn_host(&host_dir, "1", Stdio::null());
    let mut chunks = stdout_of(&mut again);
    let mut out = String::new();
    wait_for(&mut chunks, &mut out, "type `help`").await;
    let _ = again.kill();
    let _ = again.wait();
    let resumed: Vec<&str> = out.lines().filter(|l| l.starts_with("room ")).collect();
    assert_eq!(resumed.len(), 1, "{out}");
    assert!(resumed[0].starts_with(&format!("room {waiting}: ")) && resumed[0].contains(" — resumed — "), "{out}");
    for dir in [host_dir, gil_dir, lee_dir, tam_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
