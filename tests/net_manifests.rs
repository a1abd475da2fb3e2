//! The manifest paths over the wire: with a server in this process hosting `first-deploy`, a
//! troubleshooter on a remote seat sends `kubectl apply -f - <<EOF … EOF` (a config map) and a
//! `kubectl edit` with an edited body, as the TUI's editor pane sends them; the other
//! troubleshooter's view then shows both answers and a read of the result. Everything waits on
//! channels with deadlines; nothing sleeps.

use std::time::Duration;

use kombat::game::view::{Panel, RoleView};
use kombat::game::{Action, Phase, Seat};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::{LobbyView, RoleWish};
use kombat::net::server::{Server, ServerConfig};
use tokio::sync::oneshot;
use tokio::time::{Instant, timeout_at};

const PATIENCE: Duration = Duration::from_secs(30);

const APPLY: &str = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: shop\ndata:\n  CHECKOUT: \"on\"\nEOF";

const EDIT: &str = "kubectl edit configmap flags -n shop <<'EOF'\n# Please edit the object below. Lines beginning with a '#' will be ignored,\n#\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: shop\ndata:\n  CHECKOUT: \"off\"\n  SEARCH: \"on\"\nEOF";

struct Player {
    client: Client,
    view: Option<RoleView>,
    lobby: Option<LobbyView>,
}

impl Player {
    async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Player {
        let client = Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins");
        Player { client, view: None, lobby: None }
    }

    async fn until(&mut self, what: &str, mut done: impl FnMut(&ClientEvent, &Player) -> bool) -> ClientEvent {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let event = timeout_at(deadline, self.client.next_event())
                .await
                .unwrap_or_else(|_| panic!("{:?} waited in vain for {what}", self.client.seat()))
                .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
            match &event {
                ClientEvent::View(view) => self.view = Some((**view).clone()),
                ClientEvent::Lobby(lobby) => self.lobby = Some(lobby.clone()),
                ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
                _ => {}
            }
            if done(&event, self) {
                return event;
            }
        }
    }

    async fn act(&mut self, action: Action) {
        let what = format!("{action:?}");
        let id = self.client.act(action).await.expect("sent");
        let done = self.until(&what, |e, _| matches!(e, ClientEvent::Done { id: got, .. } if *got == id)).await;
        assert_eq!(done, ClientEvent::Done { id, result: Ok(()) }, "{what}");
    }

    /// The console this troubleshooter sees: (line, output, ok).
    fn console(&self) -> Vec<(String, String, bool)> {
        match self.view.as_ref().map(|v| &v.panel) {
            Some(Panel::Troubleshooter(t)) => {
                t.console.iter().map(|e| (e.line.clone(), e.output.clone(), e.ok)).collect()
            }
            _ => Vec::new(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_and_edit_with_a_body_work_from_a_remote_seat_and_another_seat_sees_the_result() {
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), ServerConfig::default()).await.expect("binds");
    let addr = server.local_addr().expect("addr").to_string();
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let mut lee = Player::join(&addr, &code, "Lee", RoleWish::Liaison).await;
    let mut tam = Player::join(&addr, &code, "Tam", RoleWish::Troubleshooter).await;
    let mut kit = Player::join(&addr, &code, "Kit", RoleWish::Troubleshooter).await;
    assert_eq!(kit.client.seat(), Seat::Troubleshooter(1));
    lee.until("everyone in the lobby", |_, p| p.lobby.as_ref().is_some_and(|l| l.players.len() == 3)).await;
    lee.client.send(ClientCommand::Start).await.expect("sent");
    tam.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;

    tam.act(Action::Command(APPLY.into())).await;
    tam.act(Action::Command(EDIT.into())).await;
    kit.until("Tam's two answers", |_, p| p.console().len() >= 2).await;
    let console = kit.console();
    assert_eq!(console[0].0, APPLY, "the here-document travels whole");
    assert_eq!((console[0].1.trim_end(), console[0].2), ("configmap/flags created", true));
    assert_eq!((console[1].1.trim_end(), console[1].2), ("configmap/flags edited", true));

    kit.act(Action::Command("get configmap flags -n shop -o jsonpath={.data}".into())).await;
    kit.until("the read", |_, p| p.console().len() >= 3).await;
    let read = &kit.console()[2];
    assert!(read.2, "{read:?}");
    assert_eq!(read.1.trim_end(), r#"{"CHECKOUT":"off","SEARCH":"on"}"#);

    for p in [&lee, &tam, &kit] {
        p.client.send(ClientCommand::Leave).await.expect("sent");
    }
    drop(stop);
    running.await.expect("the server stops");
}
