//! `kombat loadtest` end to end, tiny: two rooms of six clients against a child server for two
//! seconds. The counts must add up; latency is not judged (machines vary).

use std::process::Command;

#[test]
fn a_tiny_load_runs_clean_and_its_counts_add_up() {
    // The load test's own logs go here.
    let data = std::env::temp_dir().join(format!("kombat-loadtest-test-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["loadtest", "--rooms", "2", "--clients-per-room", "6", "--seconds", "2", "--json"])
        .env("KOMBAT_DATA_DIR", &data)
        .output()
        .expect("kombat runs");
    let _ = std::fs::remove_dir_all(&data);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{stderr}", out.status);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let count = |key: &str| report["counts"][key].as_u64().unwrap_or_else(|| panic!("counts.{key} in {report}"));

    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    assert_eq!(count("disconnects"), 0);
    assert_eq!(count("clients_with_views"), 12, "every client got its view");
    // Two rooms at one act a second for two seconds.
    assert_eq!(count("sent"), 4, "{report}");
    assert!(count("accepted") > 0);
    assert_eq!(count("sent"), count("accepted") + count("refused") + count("unanswered"));
    assert_eq!(count("refused"), 0, "the rotation only takes acts the rules allow: {report}");
    assert_eq!(count("without_view"), 0, "every accepted act changes some view");
    assert_eq!(report["act_to_views"]["count"].as_u64(), Some(count("accepted")));
    assert!(count("views_after_acts") >= count("accepted"));
    assert!(count("updates") >= count("views_after_acts"));
    assert!(count("bytes") > 0);
    assert_eq!(count("gaps"), 0);
    assert_eq!(count("notices"), 0, "nothing was rate limited or out of place: {report}");
    let names: Vec<&str> =
        report["targets"].as_array().expect("targets").iter().map(|t| t["name"].as_str().expect("a name")).collect();
    assert_eq!(names, ["p99 act to all views", "server CPU", "server peak RSS"]);
}
