//! A server that resumes what an earlier one left in a data directory (the `kombat host` way),
//! for the restart tests; shared by `net_break` and `net_tournament_restart`.

use std::path::Path;
use std::time::Duration;

use kombat::game::Difficulty;
use kombat::net::server::{Resumption, Server, ServerConfig};
use tokio::time::Instant;

/// How long the stopped server's last table may keep the rooms directory.
const RELEASE: Duration = Duration::from_secs(60);

/// A server on `dir` at normal difficulty, with a break phase on `baseline` when one is given
/// (`kombat host --break --baseline`), resuming what an earlier one left there; with its address
/// and what became of each kept room and tournament.
pub async fn serve_resuming(dir: &Path, baseline: Option<&str>) -> (String, Vec<Resumption>, Server) {
    let config = ServerConfig {
        data_dir: Some(dir.to_path_buf()),
        difficulty: Difficulty::Normal,
        break_phase: baseline.is_some(),
        baseline: baseline.map(str::to_owned),
        ..ServerConfig::default()
    };
    let deadline = Instant::now() + RELEASE;
    loop {
        let mut server = Server::bind("127.0.0.1:0".parse().expect("addr"), config.clone()).await.expect("binds");
        match server.resume_rooms().await {
            Ok(outcomes) => {
                let addr = server.local_addr().expect("bound").to_string();
                return (addr, outcomes, server);
            }
            // The stopped server's last table may hold the rooms directory for a moment more.
            Err(e) if e.to_string().contains("in use by another") && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("cannot resume: {e:#}"),
        }
    }
}
