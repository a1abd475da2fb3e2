//! Random incidents end to end (issue 14's "Done when"): `kombat scenario generate --seed 42`
//! prints the same RON twice, which `scenario validate` and `scenario test` accept like any file;
//! consecutive seeds at each difficulty all draw a proven incident; `console --random` plays one.

use std::process::{Command, Output};

use kombat::game::Difficulty;
use kombat::game::draw::{Request, draw};
use kombat::scenario::{baselines, cards, parse, to_ron};

fn kombat(args: &[&str]) -> Output {
    let data = std::env::temp_dir().join(format!("kombat-random-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_kombat")).args(args).env("KOMBAT_DATA_DIR", &data).output().expect("kombat runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn generate_twice_gives_the_same_ron_which_validates_and_proves() {
    let first = kombat(&["scenario", "generate", "--seed", "42"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let second = kombat(&["scenario", "generate", "--seed", "42"]);
    assert_eq!(first.stdout, second.stdout, "same seed, same bytes");
    let ron = text(&first.stdout);
    assert!(ron.starts_with("// A random incident"), "{ron}");
    let parsed = parse("generated.ron", &ron).expect("the printed RON parses");
    assert_eq!(parsed.id, "random-".to_owned() + parsed.id.trim_start_matches("random-"));
    let file = std::env::temp_dir().join(format!("kombat-generated-{}.ron", std::process::id()));
    std::fs::write(&file, &ron).expect("write");
    let path = file.to_str().expect("utf-8 path");
    let validated = kombat(&["scenario", "validate", path]);
    assert!(validated.status.success(), "{}{}", text(&validated.stdout), text(&validated.stderr));
    let tested = kombat(&["scenario", "test", path]);
    assert!(tested.status.success(), "{}", text(&tested.stdout));
    assert!(!text(&tested.stdout).contains("FAIL"));
    let other = kombat(&["scenario", "generate", "--seed", "43"]);
    assert_ne!(first.stdout, other.stdout, "another seed, another incident");
    let _ = std::fs::remove_file(file);
}

#[test]
fn generate_with_named_cards_and_baseline_uses_them() {
    let out = kombat(&[
        "scenario",
        "generate",
        "--baseline",
        "payments",
        "--cards",
        "scaled-to-zero,service-selector-typo",
        "--seed",
        "5",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let drawn = text(&out.stderr);
    assert!(drawn.contains("baseline payments") && drawn.contains("scaled-to-zero on deployment/payments/"), "{drawn}");
    let s = parse("g.ron", &text(&out.stdout)).expect("parses");
    assert_eq!(s.modes, vec![45, 14]);
    let bad = kombat(&["scenario", "generate", "--cards", "no-such-card", "--seed", "1"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("no card named \"no-such-card\""), "{}", text(&bad.stderr));
}

#[test]
fn cards_baselines_and_their_files_validate() {
    let listed = kombat(&["scenario", "cards"]);
    assert!(listed.status.success());
    assert!(text(&listed.stdout).contains("bad-image-tag"));
    let baselines = kombat(&["scenario", "baselines"]);
    assert!(text(&baselines.stdout).contains("payments"), "{}", text(&baselines.stdout));
    let root = env!("CARGO_MANIFEST_DIR");
    let card = format!("{root}/scenarios/cards/scaled-to-zero.ron");
    let baseline = format!("{root}/scenarios/baselines/platform.ron");
    let out = kombat(&["scenario", "validate", &card, &baseline]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout).matches(": ok").count(), 2, "{}", text(&out.stdout));
}

#[test]
fn a_broken_card_file_is_reported_with_its_position() {
    let dir = std::env::temp_dir().join(format!("kombat-cards-{}", std::process::id())).join("cards");
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("broken.ron");
    let good = include_str!("../scenarios/cards/scaled-to-zero.ron");
    std::fs::write(
        &file,
        good.replace("\"{ns}\", name: \"{name}\", replicas: 0", "\"{nss}\", name: \"{name}\", replicas: 0"),
    )
    .expect("write");
    let out = kombat(&["scenario", "validate", file.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("broken.ron:") && said.contains("unknown placeholder {nss}"), "{said}");
}

fn draws_prove(difficulty: Difficulty, seeds: std::ops::Range<u64>) {
    let deck = cards().expect("cards");
    let all = baselines().expect("baselines");
    for seed in seeds {
        let request = Request { deck: &deck, baselines: &all, baseline: None, cards: &[], difficulty, seed };
        let drawn = draw(&request).unwrap_or_else(|e| panic!("{difficulty} seed {seed}: {e}"));
        let (least, most) = kombat::game::draw::card_count(difficulty);
        assert!((least..=most).contains(&drawn.picks.len()), "{difficulty} seed {seed}: {:?}", drawn.picks);
        // Easy mode's multiple choice: one right option (every card's root cause) among wrong
        // ones from other cards, named after this baseline's objects.
        let options = &drawn.scenario.game.root_causes;
        assert_eq!(options.iter().filter(|o| o.correct).count(), 1, "{difficulty} seed {seed}: {options:?}");
        assert!(options.len() >= 3, "{difficulty} seed {seed}: {options:?}");
        let right = options.iter().find(|o| o.correct).map(|o| o.text.as_str()).unwrap_or_default();
        assert_eq!(right, drawn.scenario.game.postmortem.root_cause);
        let again = draw(&request).expect("draws again");
        assert_eq!(to_ron(&drawn.scenario), to_ron(&again.scenario), "{difficulty} seed {seed} is deterministic");
    }
}

#[test]
fn ten_consecutive_seeds_prove_at_each_difficulty() {
    for difficulty in [Difficulty::Easy, Difficulty::Normal, Difficulty::Hard] {
        draws_prove(difficulty, 1..11);
    }
}

/// The full set of the issue: 200 seeds per difficulty (run with `--ignored`, in release).
#[test]
#[ignore = "slow: 600 proven draws; run in release with --ignored"]
fn two_hundred_consecutive_seeds_prove_at_each_difficulty() {
    for difficulty in [Difficulty::Easy, Difficulty::Normal, Difficulty::Hard] {
        draws_prove(difficulty, 1..201);
    }
}

#[test]
fn console_random_plays_a_drawn_incident_and_shows_its_seed() {
    let data = std::env::temp_dir().join(format!("kombat-random-console-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(["console", "--random", "--difficulty", "easy", "--seed", "9"])
        .env("KOMBAT_DATA_DIR", &data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kombat runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"/quit\n").expect("write");
    }
    let out = child.wait_with_output().expect("ends");
    let said = text(&out.stdout);
    assert!(said.contains("seed 9"), "{said}");
    assert!(said.contains("(random-"), "{said}");
    assert!(text(&out.stderr).contains("--seed 9"), "{}", text(&out.stderr));
}
