//! The real binary, piped: a scripted solo game of the default scenario through `kombat console`
//! wins with a grade, writes a journal and a postmortem whose timeline lists every command and
//! message; `kombat replay` of the journal prints the same transcript and writes a byte-identical
//! postmortem; the same input gives the same transcript; a corrupt journal's error names the line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const WINNING_SCRIPT: &str = "\
/tell Hi Dana, what changed?
/tell Which image tag did you set?
get pods -n shop
describe pod -n shop -l app=web
/update identified Every visitor to the storefront gets an error page; we found the cause and are fixing it.
/say the tag 1.4.2x does not exist, setting 1.4.2
/declare deployment/shop/web wrong-image by Dana (CI variables)
set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop
/wait 3
";

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-solo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn kombat(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(args)
        .env("KOMBAT_DATA_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("writes the script");
    child.wait_with_output().expect("kombat finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// The value of a `Label: path` line.
fn path_after(text: &str, label: &str) -> PathBuf {
    let line =
        text.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("no {label} line in:\n{text}"));
    PathBuf::from(line)
}

/// The transcript without the lines that differ by design (how it started, where files went).
fn events_only(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            !l.starts_with("You are the liaison")
                && !l.starts_with("Replaying ")
                && !l.starts_with("Postmortem: ")
                && !l.starts_with("Journal: ")
        })
        .collect()
}

#[test]
fn a_scripted_solo_game_wins_and_replays_to_the_same_postmortem() {
    let dir = data_dir("win");
    let played = kombat(&dir, &["console"], WINNING_SCRIPT);
    let transcript = stdout(&played);
    assert!(
        played.status.success(),
        "exit {:?}\n{transcript}\n{}",
        played.status,
        String::from_utf8_lossy(&played.stderr)
    );
    assert!(played.stderr.is_empty(), "{}", String::from_utf8_lossy(&played.stderr));

    // What the player saw, in order.
    let expected_in_order = [
        "== Friday afternoon release (first-deploy), seed 1 ==",
        "[customer] Dana (Shop team): Hi, this is Dana from the shop team.",
        "[alert] FIRING: Storefront error rate above 5%",
        "[customer] you: Hi Dana, what changed?",
        "[customer] Dana (Shop team): We shipped 1.4.2 at 08:52",
        // Findings are what was seen, with where from; never the scenario's conclusion.
        "[finding] We shipped 1.4.2 at 08:52 through the pipeline. The release job was broken so I put the tag in the pipeline variables by hand. (from Dana (Shop team) (customer chat))",
        "[finding] The tag should be 1.4.2. Let me look... the variable says 1.4.2x. Oh no. (from Dana (Shop team) (customer chat))",
        "$ kubectl get pods -n shop\nNAME ",
        "ImagePullBackOff",
        "$ kubectl describe pod -n shop -l app=web\nName:",
        "registry.example.com/shop/web:1.4.2x: not found (from you (troubleshooter 1): $ kubectl describe pod -n shop -l app=web)",
        "[status page] Identified: Every visitor to the storefront gets an error page;",
        "[team] you: the tag 1.4.2x does not exist, setting 1.4.2",
        "Declared: deployment/shop/web: wrong image or tag, changed by Dana (CI variables)",
        "$ kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop\ndeployment.apps/web image updated",
        "-- turn 1 ends, incident time +2m00s --",
        "[alert] resolved: Storefront error rate above 5%",
        "-- turn 2 ends, incident time +4m00s --",
        "== Service is restored. Closing turn: post a resolved update and answer the customer's open questions",
        "== RESOLVED at turn 2: the root cause is fixed and service is healthy. ==",
        "\nOutcome: RESOLVED at turn 2",
        "\nGrade A: ",
        "  Hints                             5/5  no hint asked for",
        "\nPostmortem: ",
        "\nJournal: ",
    ];
    let mut from = 0;
    for needle in expected_in_order {
        let Some(at) = transcript[from..].find(needle) else {
            panic!("{needle:?} missing after byte {from} in:\n{transcript}")
        };
        from += at + needle.len();
    }
    assert!(
        !transcript.contains("-- turn 3"),
        "the game ends after the closing turn of the win; no incident time passes in it"
    );
    assert!(!transcript.contains("error:"), "every line of the script was accepted:\n{transcript}");

    let postmortem_path = path_after(&transcript, "Postmortem: ");
    let journal_path = path_after(&transcript, "Journal: ");
    assert_eq!(postmortem_path, dir.join("postmortems").join("first-deploy-1-1.md"));
    assert_eq!(journal_path, dir.join("journals").join("first-deploy-1-1.jsonl"));
    let postmortem = std::fs::read(&postmortem_path).expect("the postmortem was written");
    let postmortem_text = String::from_utf8(postmortem.clone()).expect("utf-8");
    assert!(postmortem_text.starts_with("# Postmortem: Friday afternoon release"), "{postmortem_text}");
    // Its timeline lists every command and message.
    for entry in [
        "Command `get pods -n shop`",
        "Command `describe pod -n shop -l app=web`",
        "Command `set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop`",
        "Hi Dana, what changed?",
        "Which image tag did you set?",
        "the tag 1.4.2x does not exist, setting 1.4.2",
        "Every visitor to the storefront gets an error page; we found the cause and are fixing it.",
    ] {
        assert!(postmortem_text.contains(entry), "{entry:?} missing from the postmortem:\n{postmortem_text}");
    }

    // The journal: a header and one line per accepted action (two turn ends per /wait turn played,
    // the closing turn's included).
    let journal = std::fs::read_to_string(&journal_path).expect("the journal was written");
    assert_eq!(journal.lines().count(), 1 + 8 + 6, "{journal}");
    assert!(
        journal.starts_with(r#"{"format":"kombat-journal","version":1,"seed":1,"scenario":"first-deploy","hash":""#)
    );

    // Replay: the same transcript, a byte-identical postmortem.
    let replayed = kombat(&dir, &["replay", journal_path.to_str().expect("utf-8 path")], "");
    let replay_transcript = stdout(&replayed);
    assert!(replayed.status.success(), "{replay_transcript}\n{}", String::from_utf8_lossy(&replayed.stderr));
    assert_eq!(events_only(&replay_transcript), events_only(&transcript));
    let replay_postmortem = path_after(&replay_transcript, "Postmortem: ");
    assert_eq!(
        replay_postmortem,
        dir.join("postmortems").join("first-deploy-1-2.md"),
        "a new file, the first one kept"
    );
    assert_eq!(std::fs::read(&replay_postmortem).expect("written"), postmortem, "byte-identical postmortem");

    // The same input plays the same game.
    let again = kombat(&dir, &["console"], WINNING_SCRIPT);
    assert_eq!(events_only(&stdout(&again)), events_only(&transcript));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn console_commands_answer_locally_and_refusals_are_explained() {
    let dir = data_dir("local");
    let script = "/help\n/status\n/declare\n/declare nope\n/update soon text\n/as troubleshooter\n/frobnicate\n\
                  set image deployment/web web=x -n shop\nset image deployment/web web=y -n shop\nrollout restart deployment/web -n shop\n/score\n/quit\nget pods\n";
    let out = kombat(&dir, &["console", "--seed", "3"], script);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    for needle in [
        "> /help\nA line is a kubectl command",
        "> /status\nTurn 1/",
        "Alerts firing: Storefront error rate above 5%",
        "Customer: Dana (Shop team), patience 70/100, not asked to hold off changes",
        "Action points left (troubleshooter 1): 4",
        "> /declare\nusage: /declare KIND/NAMESPACE/NAME[,KIND/NAMESPACE/NAME] CLASS [by WHO]\nFailure classes:\n",
        "\n  wrong-image        wrong image or tag\n",
        "error: no multiple choice at normal difficulty: declare the objects and the failure class",
        "> /update soon text\nerror: usage: /update investigating|identified|monitoring|resolved TEXT",
        "> /as troubleshooter\nYou speak as the troubleshooter.",
        "> /frobnicate\nerror: unknown command /frobnicate; try /help",
        "error: not enough action points: this needs 2, 0 left this turn",
        "> /score\nThe score is worked out from what the team did, at the end of the incident",
        "\nOutcome: Left at turn 1 before the incident was resolved.",
        "\nJournal: ",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
    assert!(!text.contains("$ kubectl get pods\n"), "nothing after /quit runs");
    assert!(!text.contains("image-tag-typo"), "normal difficulty offers no multiple choice:\n{text}");
    assert!(!text.contains("Postmortem: "), "an unfinished game has no postmortem");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn easy_difficulty_offers_the_multiple_choice_and_hard_takes_a_point() {
    let dir = data_dir("easy");
    let out = kombat(&dir, &["console", "--difficulty", "easy"], "/declare\n/declare nope\n/status\n/quit\n");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    for needle in [
        "\nOr choose an option (/declare ID):\n",
        "\n  image-tag-typo  The release used an image tag",
        "error: no root-cause option \"nope\"; the options are: image-tag-typo, registry-down, bad-code, capacity",
        "Difficulty: easy",
        "Hints left: 3",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
    let out = kombat(&dir, &["console", "--difficulty", "hard"], "/status\n/hint\n/quit\n");
    let text = stdout(&out);
    for needle in [
        "Action points left (troubleshooter 1): 3",
        "Difficulty: hard",
        "Hints left: 0",
        "error: no hints at hard difficulty",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
    let refused = kombat(&dir, &["console", "--difficulty", "nightmare"], "");
    assert!(!refused.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_journal_is_refused_with_its_line() {
    let dir = data_dir("corrupt");
    std::fs::create_dir_all(&dir).expect("creates");
    let played = kombat(&dir, &["console"], "/tell what changed?\n/end\n/quit\n");
    let journal_path = path_after(&stdout(&played), "Journal: ");
    let journal = std::fs::read_to_string(&journal_path).expect("reads");
    let mut lines: Vec<&str> = journal.lines().collect();
    lines[2] = r#"{"turn":0,"seat":"Liaison","action":"Dance"}"#;
    let corrupt = dir.join("corrupt.jsonl");
    std::fs::write(&corrupt, lines.join("\n") + "\n").expect("writes");
    let out = kombat(&dir, &["replay", corrupt.to_str().expect("utf-8")], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "kombat: {}: line 3: expected an action: unknown variant `Dance`",
            corrupt.display()
        )),
        "{stderr}"
    );

    let truncated = dir.join("truncated.jsonl");
    std::fs::write(&truncated, &journal[..journal.len() - 5]).expect("writes");
    let out = kombat(&dir, &["replay", truncated.to_str().expect("utf-8")], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("kombat: {}: truncated: the last line is incomplete\n", truncated.display())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scenario_list_shows_the_setting_and_never_the_twist() {
    let dir = data_dir("list");
    let out = kombat(&dir, &["scenario", "list"], "");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("first-deploy") && text.contains("deployments"), "{text}");
    for spoiler in kombat::scenario::SPOILER_TAGS {
        assert!(!text.contains(spoiler), "{spoiler} in:\n{text}");
    }
    for twist in ["network-policy", "oom", "quota", "coredns"] {
        assert!(!text.contains(twist), "{twist} in:\n{text}");
    }
    let shown = stdout(&kombat(&dir, &["scenario", "show", "dns-cleanup-job"], ""));
    assert!(!shown.contains("rogue-actor") && !shown.contains("Lessons"), "{shown}");
    let solved = stdout(&kombat(&dir, &["scenario", "show", "dns-cleanup-job", "--solution"], ""));
    assert!(solved.contains("Lessons: dns, coredns, rogue-actor"), "{solved}");
    let _ = std::fs::remove_dir_all(&dir);
}
