//! `kombat host --ssh` end to end: a real game server and SSH front door on 127.0.0.1:0, and a
//! russh client playing as a person with an ssh client would. What the client receives is fed
//! into `vt100`, and the tests wait for what the player's screen shows, never a fixed time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kombat::cli::ssh::{DoorConfig, SshDoor, host_key};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent, RoleWish};
use kombat::net::server::{Server, ServerConfig};
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKey};
use russh::{ChannelMsg, client};

const PATIENCE: Duration = Duration::from_secs(30);

/// A game server with one room and an SSH door in front of it.
struct Hosted {
    code: String,
    door: SshDoor,
    game: std::net::SocketAddr,
}

async fn host(key: PrivateKey) -> Hosted {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let game = server.local_addr().expect("addr");
    let code = server.create_room("first-deploy").await.expect("room");
    tokio::spawn(server.run(std::future::pending()));
    let door = SshDoor::start("127.0.0.1:0".parse().expect("addr"), key, DoorConfig::new(game)).await.expect("ssh");
    Hosted { code, door, game }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("not zero")
}

fn key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

/// Remembers the host key the server showed.
struct Known(Arc<Mutex<Option<String>>>);

impl client::Handler for Known {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &russh::keys::PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let russh::keys::PublicKeyOrCertificate::PublicKey { key: public, .. } = key else { return Ok(false) };
        let public: &PublicKey = public;
        *self.0.lock().expect("lock") = Some(public.fingerprint(HashAlg::Sha256).to_string());
        Ok(true)
    }
}

/// One player's ssh session and the screen it shows.
struct Player {
    handle: client::Handle<Known>,
    channel: russh::ChannelWriteHalf<client::Msg>,
    screen: Arc<Mutex<vt100::Parser>>,
    host_key: Arc<Mutex<Option<String>>>,
    exit: Arc<Mutex<Option<u32>>>,
}

async fn connect(door: &SshDoor, user: &str, player_key: &PrivateKey, cols: u32, rows: u32) -> Player {
    let host_key = Arc::new(Mutex::new(None));
    let config = Arc::new(client::Config::default());
    let mut handle =
        client::connect(config, door.local_addr(), Known(Arc::clone(&host_key))).await.expect("ssh connects");
    let auth = handle
        .authenticate_publickey(user, PrivateKeyWithHashAlg::new(Arc::new(player_key.clone()), None))
        .await
        .expect("auth runs");
    assert!(auth.success(), "the join code is the gate: any key gets in");
    let channel = handle.channel_open_session().await.expect("a session");
    channel.request_pty(true, "xterm-256color", cols, rows, 0, 0, &[]).await.expect("pty");
    channel.request_shell(true).await.expect("shell");
    let (shown_rows, shown_cols) = (rows.clamp(10, 200) as u16, cols.clamp(20, 400) as u16);
    let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(shown_rows), nz(shown_cols), 0)));
    let exit = Arc::new(Mutex::new(None));
    let (mut read, write) = channel.split();
    let (into, status) = (Arc::clone(&screen), Arc::clone(&exit));
    tokio::spawn(async move {
        while let Some(msg) = read.wait().await {
            match msg {
                ChannelMsg::Data { data } => into.lock().expect("lock").process(&data),
                ChannelMsg::ExitStatus { exit_status } => *status.lock().expect("lock") = Some(exit_status),
                _ => {}
            }
        }
    });
    Player { handle, channel: write, screen, host_key, exit }
}

impl Player {
    fn contents(&self) -> String {
        self.screen.lock().expect("lock").screen().contents()
    }

    async fn until_shown(&self, what: &str, shown: impl Fn(&str) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if shown(&self.contents()) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {what} in {PATIENCE:?} (exit status {:?}, alternate screen {}); the screen:\n{}",
                self.exit.lock().expect("lock"),
                self.screen.lock().expect("lock").screen().alternate_screen(),
                self.contents()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn type_bytes(&self, bytes: &[u8]) {
        self.channel.data_bytes(bytes.to_vec()).await.expect("typed");
        // One keystroke batch at a time, as a person types.
        tokio::time::sleep(Duration::from_millis(30)).await;
    }

    async fn resize(&self, cols: u32, rows: u32) {
        self.screen.lock().expect("lock").screen_mut().set_size(nz(rows as u16), nz(cols as u16));
        self.channel.window_change(cols, rows, 0, 0).await.expect("window-change");
    }
}

async fn until(client: &mut Client, what: &str, matches: impl Fn(&ClientEvent) -> bool) {
    let wait = async {
        loop {
            match client.next_event().await {
                Some(event) if matches(&event) => return,
                Some(_) => {}
                None => panic!("the session ended while waiting for {what}"),
            }
        }
    };
    tokio::time::timeout(PATIENCE, wait).await.unwrap_or_else(|_| panic!("no {what} in {PATIENCE:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_joins_with_only_ssh_plays_resizes_and_resumes() {
    let hosted = host(key(1)).await;
    let me = key(7);
    let carol = connect(&hosted.door, &hosted.code, &me, 100, 30).await;
    // The user name was the code: the join form has it, and asks for a name.
    carol.until_shown("the join form with the code", |s| s.contains(&hosted.code)).await;
    carol.type_bytes(b"carol").await;
    // Down to the role, one back (from "any" round to game master), Enter joins.
    carol.type_bytes(b"\x1b[B").await;
    carol.type_bytes(b"\x1b[D").await;
    carol.type_bytes(b"\r").await;
    carol.until_shown("carol in the lobby", |s| s.contains("carol (you)")).await;

    let config = ClientConfig::new(hosted.game.to_string(), hosted.code.clone(), "bob", RoleWish::Troubleshooter);
    let mut bob = Client::connect(config).await.expect("bob joins");
    bob.send(ClientCommand::Ready(true)).await.expect("ready");
    until(
        &mut bob,
        "bob's ready",
        |e| matches!(e, ClientEvent::Lobby(l) if l.players.iter().any(|p| p.name == "bob" && p.ready)),
    )
    .await;
    carol.until_shown("bob in carol's lobby", |s| s.contains("bob")).await;
    carol.type_bytes(b"\x1b[15~").await; // F5: ready
    carol.type_bytes(b"\x1b[17~").await; // F6: start
    carol.until_shown("the game master's console", |s| s.contains("console $")).await;

    // A wider window redraws at its new size.
    carol.resize(140, 40).await;
    carol.until_shown("the screen redrawn wider", |s| s.lines().any(|l| l.trim_end().len() > 100)).await;

    // Dropping off and coming back with the same key finds the same seat and screen.
    carol.handle.disconnect(russh::Disconnect::ByApplication, "", "").await.expect("disconnects");
    drop(carol);
    let back = connect(&hosted.door, &hosted.code, &me, 120, 35).await;
    back.until_shown("the game again, not the join form", |s| s.contains("console $")).await;
    hosted.door.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_code_lands_on_the_join_form_and_a_huge_pty_is_clamped() {
    let hosted = host(key(2)).await;
    let stranger = connect(&hosted.door, "root", &key(9), 65535, 65535).await;
    stranger.until_shown("the join form", |s| s.contains("Join")).await;
    {
        let parser = stranger.screen.lock().expect("lock");
        let (rows, cols) = parser.screen().size();
        assert_eq!((rows.get(), cols.get()), (200, 400), "the vt100 screen is the clamped size");
    }
    // The game screen is no wider than the clamp: nothing past column 400.
    assert!(stranger.contents().lines().all(|l| l.chars().count() <= 400));
    // Quitting gives the terminal back and closes with an exit status.
    stranger.type_bytes(b"\x1b").await;
    stranger.until_shown("the title", |s| s.contains("Quit")).await;
    stranger.type_bytes(b"q").await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while stranger.exit.lock().expect("lock").is_none() {
        assert!(tokio::time::Instant::now() < deadline, "no exit status; screen:\n{}", stranger.contents());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(*stranger.exit.lock().expect("lock"), Some(0));
    {
        let parser = stranger.screen.lock().expect("lock");
        assert!(!parser.screen().alternate_screen(), "the main screen is back");
        assert!(!parser.screen().hide_cursor(), "the cursor is shown");
        assert_eq!(parser.screen().mouse_protocol_mode(), vt100::MouseProtocolMode::None, "no mouse reports");
    }
    hosted.door.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_key_is_kept_across_two_starts() {
    let dir = std::env::temp_dir().join(format!("kombat-ssh-door-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (key, _) = host_key(&dir).expect("a host key");
        let hosted = host(key).await;
        let player = connect(&hosted.door, &hosted.code, &self::key(3), 80, 24).await;
        let shown = player.host_key.lock().expect("lock").clone().expect("the server showed its key");
        assert_eq!(shown, hosted.door.fingerprint());
        seen.push(shown);
        hosted.door.stop().await;
    }
    assert_eq!(seen[0], seen[1], "players' known_hosts stays valid across restarts");
    let _ = std::fs::remove_dir_all(&dir);
}
