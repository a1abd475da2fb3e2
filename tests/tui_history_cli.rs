//! `kombat history`: says where a player's command history is kept, and `--clear` forgets that
//! player's lines (every scenario's) and nobody else's.

use std::path::Path;
use std::process::Command;

fn kombat(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(args)
        .env("KOMBAT_DATA_DIR", data)
        .env("USER", "ana")
        .output()
        .expect("kombat runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn history_clear_forgets_one_players_lines() {
    let data = std::env::temp_dir().join(format!("kombat-history-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    kombat::tui::history::append(&data, "ana", "first-deploy", "rollout undo deployment/web -n shop").expect("kept");
    kombat::tui::history::append(&data, "ana", "hosted", "get pods -A").expect("kept");
    kombat::tui::history::append(&data, "bo", "first-deploy", "get nodes").expect("kept");

    let said = kombat(&data, &["history"]);
    assert!(said.contains("history of ana is kept in") && said.contains("--clear"), "{said}");
    assert_eq!(kombat::tui::history::load(&data, "ana", "first-deploy").len(), 1, "only asked where");

    let said = kombat(&data, &["history", "--clear"]);
    assert!(said.contains("history of ana is cleared"), "{said}");
    assert!(kombat::tui::history::load(&data, "ana", "first-deploy").is_empty());
    assert!(kombat::tui::history::load(&data, "ana", "hosted").is_empty());
    assert_eq!(kombat::tui::history::load(&data, "bo", "first-deploy"), ["get nodes"]);

    let said = kombat(&data, &["history", "--clear", "--name", "bo"]);
    assert!(said.contains("history of bo is cleared"), "{said}");
    assert!(kombat::tui::history::load(&data, "bo", "first-deploy").is_empty());
    let _ = std::fs::remove_dir_all(&data);
}
