//! A game server for a test: bound on 127.0.0.1:0 with one room of the default scenario, run on
//! the test's runtime, and stopped with a deadline. The server tests share it.

use std::net::SocketAddr;
use std::time::Duration;

use kombat::net::server::{Server, ServerConfig};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long the server may take to stop.
const STOP_WAIT: Duration = Duration::from_secs(10);

pub struct Host {
    pub addr: SocketAddr,
    pub code: String,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
}

/// A server with `config` and one room of `first-deploy`.
pub async fn host_with(config: ServerConfig) -> Host {
    let server = Server::bind("127.0.0.1:0".parse().expect("an address"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound");
    let code = server.create_room("first-deploy").await.expect("a room");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    Host { addr, code, stop: Some(stop), server }
}

impl Host {
    /// Stops the server and waits for it to finish, cleanly and in time.
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(STOP_WAIT, &mut self.server).await.expect("the server stops in time").expect("cleanly");
    }
}
