//! The local tools under attack (issue 16, "Hardening"): a scenario and a journal full of terminal
//! escape sequences, file names that carry them, devices, FIFOs and oversized files in place of
//! scenarios and journals, and the permissions of what kombat writes. Each test is the attack:
//! it failed before the fix. Waits poll the child with a deadline, never sleep a fixed time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The hostile scenario: first-deploy with escape sequences, OSC 52, BEL, C1 and bidi controls
/// written raw into its title, summary, tags, customer, clues, hints, alerts and root causes.
fn hostile_scenario() -> String {
    format!("{}/tests/fixtures/hostile/escapes.ron", env!("CARGO_MANIFEST_DIR"))
}

/// Everything a terminal would act on: OSC 52 (clipboard), a title set, a screen clear, BEL.
const EVIL: &str = "\u{1b}[2J\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}\u{9b}31m\u{202e}\u{200b}";

/// How long a refusal may take on a loaded machine; reading /dev/zero never ends.
const DEADLINE: Duration = Duration::from_secs(10);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-hardening-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs kombat with `stdin`, its data directory `data`; kills it and fails past the deadline.
fn kombat(data: &Path, args: &[&str], stdin: &str) -> Output {
    kombat_in(data, &data.join("config"), args, stdin)
}

/// [`kombat`] with its config directory `config` (where the keymap is read).
fn kombat_in(data: &Path, config: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(args)
        .env("KOMBAT_DATA_DIR", data)
        .env("KOMBAT_CONFIG_DIR", config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    let mut input = child.stdin.take().expect("stdin");
    // A refused command may exit before reading its input.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let start = Instant::now();
    loop {
        if child.try_wait().expect("status").is_some() {
            break;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!("kombat {args:?} ran past {DEADLINE:?}: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

/// Fails if `text` holds anything a terminal would act on: C0 (but the line break), DEL, C1,
/// bidi overrides and isolates, zero-width and other invisible format characters.
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
}

fn both(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn path_after(text: &str, label: &str) -> PathBuf {
    let line =
        text.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("no {label} line in:\n{text}"));
    PathBuf::from(line)
}

#[test]
fn a_scenario_full_of_escapes_is_not_ok_and_nothing_it_holds_reaches_the_terminal() {
    let dir = temp_dir("validate");
    // The file name is an attack too.
    let named = dir.join(format!("evil{EVIL}.ron"));
    std::fs::copy(hostile_scenario(), &named).expect("copies");
    let named = named.to_str().expect("utf-8 name");
    let output = kombat(&dir.join("data"), &["scenario", "validate", named], "");
    let shown = both(&output);
    assert!(!output.status.success(), "{shown}");
    assert_clean("validate's report", &shown);
    assert!(!shown.contains(": ok"), "{shown}");
    for field in ["title", "summary", "tags[1]", "game.customer.name", "game.clues[2].text", "game.alerts[0].title"] {
        assert!(shown.contains(&format!("{field}: contains control characters")), "{field}:\n{shown}");
    }
    // A clean scenario is still ok.
    let clean = format!("{}/scenarios/first-deploy.ron", env!("CARGO_MANIFEST_DIR"));
    let output = kombat(&dir.join("data"), &["scenario", "validate", &clean], "");
    assert!(output.status.success(), "{}", both(&output));
    assert!(both(&output).ends_with(": ok\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scenario_show_and_console_print_a_hostile_scenario_safely() {
    let dir = temp_dir("show");
    let output = kombat(&dir.join("data"), &["scenario", "show", "--solution", &hostile_scenario()], "");
    let shown = both(&output);
    assert!(output.status.success(), "{shown}");
    assert_clean("scenario show", &shown);
    assert!(shown.contains("afternoon release (hostile-deploy)"), "{shown}");
    // The console shows the title, the summary, the options and the status (alerts, customer).
    let script = "kubectl get pods -n shop\n/declare\n/status\n/end\n/status\n/quit\n";
    let output = kombat(&dir.join("data"), &["console", &hostile_scenario(), "--seed", "2"], script);
    let shown = both(&output);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("ImagePullBackOff"), "{shown}");
    assert_clean("the console", &shown);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replaying_a_hostile_journal_prints_none_of_it_and_the_postmortem_holds_none() {
    let dir = temp_dir("replay");
    let data = dir.join("data");
    // Played through the console, the attacks are stored in the journal as they were typed.
    let script = format!(
        "kubectl get pods -n shop{EVIL}\n/say hi{EVIL}there\n/tell Dana{EVIL}, on it\n/update identified {EVIL}found\n\
         kubectl describe pod -n shop -l app=web\n\
         kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop\n/wait 3\n"
    );
    let output = kombat(&data, &["console", &hostile_scenario(), "--seed", "3"], &script);
    let played = both(&output);
    assert!(output.status.success(), "{played}");
    let journal = path_after(&played, "Journal: ");
    let text = std::fs::read_to_string(&journal).expect("journal");
    assert!(text.contains("\\u001b]52;c;"), "the journal keeps the raw attack:\n{text}");
    // A journal edited by hand carries more: an escape in a command's line.
    let escaped = serde_json::to_string(EVIL).expect("json");
    let escaped = escaped.trim_matches('"');
    let edited = text.replacen("\"kubectl describe pod", &format!("\"kubectl describe{escaped} pod"), 1);
    assert_ne!(edited, text);
    let hostile = dir.join(format!("journal{EVIL}.jsonl"));
    std::fs::write(&hostile, edited).expect("writes");
    let output = kombat(&data, &["replay", hostile.to_str().expect("utf-8"), "--scenario", &hostile_scenario()], "");
    let shown = both(&output);
    assert!(output.status.success(), "{shown}");
    assert_clean("the replay", &shown);
    assert!(shown.contains("RESOLVED"), "{shown}");
    let postmortem = std::fs::read_to_string(path_after(&shown, "Postmortem: ")).expect("postmortem");
    assert_clean("the postmortem", &postmortem);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIFO in a fresh directory (std cannot make one; the `mkfifo` tool can).
fn fifo(dir: &Path) -> String {
    let path = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo runs");
    assert!(made.success());
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn devices_and_fifos_are_refused_at_once_wherever_a_file_is_read() {
    let dir = temp_dir("devices");
    let data = dir.join("data");
    let fifo = fifo(&dir);
    for input in ["/dev/zero", fifo.as_str()] {
        let start = Instant::now();
        let output = kombat(&data, &["scenario", "validate", input], "");
        assert!(!output.status.success());
        assert_eq!(String::from_utf8_lossy(&output.stdout), format!("{input}: not a regular file\n"));
        assert!(start.elapsed() < DEADLINE);
        for args in [
            vec!["console", input],
            vec!["scenario", "show", input],
            vec!["replay", input],
            vec!["replay", input, "--scenario", input],
        ] {
            let output = kombat(&data, &args, "/quit\n");
            assert!(!output.status.success(), "{args:?}");
            let shown = both(&output);
            assert!(shown.contains("not a regular file"), "{args:?}: {shown}");
        }
    }
    // A keymap that is a FIFO is skipped, not waited on: the defaults apply.
    let config = dir.join("config");
    std::fs::create_dir_all(&config).expect("config dir");
    let made = Command::new("mkfifo").arg(config.join("keymap.ron")).status().expect("mkfifo runs");
    assert!(made.success());
    let output = kombat_in(&data, &config, &["keys"], "");
    assert!(output.status.success(), "{}", both(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_scenarios_and_journals_are_refused_before_they_are_read() {
    let dir = temp_dir("oversized");
    let data = dir.join("data");
    // Sparse files: large to stat, nothing on disk.
    let big_scenario = dir.join("big.ron");
    std::fs::File::create(&big_scenario).expect("creates").set_len(2 * 1024 * 1024).expect("grows");
    let big_journal = dir.join("big.jsonl");
    std::fs::File::create(&big_journal).expect("creates").set_len(65 * 1024 * 1024).expect("grows");
    let output = kombat(&data, &["scenario", "validate", big_scenario.to_str().expect("utf-8")], "");
    assert!(!output.status.success());
    assert!(both(&output).contains("larger than 1024 KiB"), "{}", both(&output));
    let output = kombat(&data, &["replay", big_journal.to_str().expect("utf-8")], "");
    assert!(!output.status.success());
    assert!(both(&output).contains("larger than 65536 KiB"), "{}", both(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_data_directory_is_private_and_so_is_every_file_in_it() {
    let dir = temp_dir("modes");
    let data = dir.join("nested").join("data");
    let script = "kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop\n/wait 3\n";
    let output = kombat(&data, &["console", "first-deploy", "--seed", "3"], script);
    let shown = both(&output);
    assert!(output.status.success(), "{shown}");
    let journal = path_after(&shown, "Journal: ");
    let postmortem = path_after(&shown, "Postmortem: ");
    let output = kombat(&data, &["replay", journal.to_str().expect("utf-8")], "");
    let replayed = path_after(&both(&output), "Postmortem: ");
    for folder in [dir.join("nested"), data.clone(), data.join("journals"), data.join("postmortems"), data.join("logs")]
    {
        assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    }
    let logs: Vec<std::path::PathBuf> = std::fs::read_dir(data.join("logs"))
        .expect("the logs folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("kombat")))
        .collect();
    assert!(!logs.is_empty(), "a log was written");
    for file in [journal, postmortem, replayed].into_iter().chain(logs.iter().cloned()) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    // The results file, and a log an older kombat left readable, are made private.
    let result = kombat::room::files::GameResult {
        scenario: "first-deploy".into(),
        seed: 3,
        grade: kombat::game::score::Grade::A,
        total: 10,
        max: 10,
    };
    kombat::room::files::record_result(&data, &result).expect("records");
    assert_eq!(mode(&kombat::room::files::results_path(&data)), 0o600);
    let log = logs[0].clone();
    std::fs::set_permissions(&log, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    let _ = kombat(&data, &["scenario", "list"], "");
    assert_eq!(mode(&log), 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}
