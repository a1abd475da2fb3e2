//! Random incidents from the shell: `kombat scenario generate` (the RON of a proven incident on
//! stdout, what was drawn on stderr), `kombat scenario cards` and `baselines` (the deck and the
//! baselines), `validate` of card and baseline files, and the source `kombat console --random`
//! plays. The drawing and proving are pure (`game::draw`); this reads files and prints.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::safe::{eprint_safe, print_safe};
use crate::game::Difficulty;
use crate::game::draw::{Drawn, Request, draw_with, fair_with};
use crate::scenario::card::targets;
use crate::scenario::{self, Business, CardTemplate, Pick, Source, compose, to_ron};

/// Draws and proves an incident from the built-in deck and baselines.
pub fn generate(
    baseline: Option<&str>,
    difficulty: Difficulty,
    cards: &[String],
    seed: u64,
) -> anyhow::Result<(Drawn, String)> {
    let deck = scenario::cards()?;
    let baselines = scenario::baselines()?;
    let request = Request { deck: &deck, baselines: &baselines, baseline, cards, difficulty, seed };
    let drawn = draw_with(&request, &crate::room::proof::SideBySide)?;
    let text = to_ron(&drawn.scenario).map_err(|e| anyhow::anyhow!("cannot print the scenario: {e}"))?;
    let header = format!(
        "// A random incident: kombat scenario generate --difficulty {difficulty} --seed {seed}\n// (baseline {}; its answer is below: do not read on if you want to play it).\n",
        drawn.baseline
    );
    Ok((drawn, header + &text))
}

/// A seed from the clock, for a random incident nobody asked a seed for (the shell's: the draw
/// itself only takes seeds).
pub fn fresh_seed() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    // Small enough to read out to a friend.
    (now.as_secs() ^ u64::from(now.subsec_nanos())) % 1_000_000
}

/// The source `kombat console --random` and the game screen play.
pub fn source(difficulty: Difficulty, seed: u64) -> anyhow::Result<Source> {
    let (drawn, text) = generate(None, difficulty, &[], seed)?;
    Ok(Source { scenario: drawn.scenario, text: text.into() })
}

/// `kombat scenario generate`.
pub fn run_generate(
    baseline: Option<&str>,
    difficulty: Difficulty,
    cards: &[String],
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let (drawn, text) = generate(baseline, difficulty, cards, seed)?;
    let picks: Vec<String> = drawn.picks.iter().map(|(card, target)| format!("{card} on {target}")).collect();
    eprint_safe(&format!(
        "kombat: baseline {}, {} (proven on draw {})",
        drawn.baseline,
        picks.join(", "),
        drawn.attempts
    ));
    print!("{}", scenario_text_safe(&text));
    Ok(ExitCode::SUCCESS)
}

/// The RON text as printed: the scenario files are ours, but its text came from card and
/// baseline files, so it goes through the sanitizer like any file's text (line breaks stay).
fn scenario_text_safe(text: &str) -> String {
    let mut out = super::safe::safe(text);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `kombat scenario cards`: the deck, with the targets each card has in the baseline(s).
pub fn list_cards(baseline: Option<&str>) -> anyhow::Result<ExitCode> {
    let deck = scenario::cards()?;
    let baselines: Vec<Business> =
        scenario::baselines()?.into_iter().filter(|b| baseline.is_none_or(|id| b.id == id)).collect();
    if let Some(id) = baseline
        && baselines.is_empty()
    {
        anyhow::bail!("no baseline named {id:?} (try `kombat scenario baselines`)");
    }
    let mut rows = Vec::new();
    for card in &deck {
        let mut aimed = Vec::new();
        for b in &baselines {
            let n = targets(&card.head, &b.cluster()?).len();
            if n > 0 {
                aimed.push(format!("{}:{n}", b.id));
            }
        }
        rows.push(vec![
            card.head.id.clone(),
            card.head.mode.to_string(),
            card.head.cost.to_string(),
            card.head.difficulty.to_string(),
            card.head.title.clone(),
            if aimed.is_empty() { "-".to_owned() } else { aimed.join(" ") },
        ]);
    }
    print_safe(&crate::sim::kubectl::table::render(
        &["CARD", "MODE", "COST", "DIFFICULTY", "TITLE", "TARGETS"],
        &rows,
        false,
    ));
    if let [b] = baselines.as_slice() {
        let mut text = String::new();
        for card in &deck {
            for t in targets(&card.head, &b.cluster()?) {
                let _ = writeln!(text, "{}  {}", card.head.id, t.target);
            }
        }
        print_safe(&format!("\nTargets in {}:\n{}", b.id, text.trim_end()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `kombat scenario baselines`.
pub fn list_baselines() -> anyhow::Result<ExitCode> {
    let mut rows = Vec::new();
    for b in scenario::baselines()? {
        let cluster = b.cluster()?;
        let entrypoints: Vec<String> = cluster.entrypoints.iter().map(|e| e.name.clone()).collect();
        rows.push(vec![b.id.clone(), b.title.clone(), entrypoints.join(", ")]);
    }
    print_safe(&crate::sim::kubectl::table::render(&["BASELINE", "TITLE", "ENTRYPOINTS"], &rows, false));
    Ok(ExitCode::SUCCESS)
}

/// What kind of file `validate` was given: by the folder it is in.
pub enum FileKind {
    Scenario,
    Card,
    Baseline,
}

pub fn file_kind(file: &str) -> FileKind {
    let parent = std::path::Path::new(file).parent().and_then(|p| p.file_name()).and_then(|n| n.to_str());
    match parent {
        Some("cards") => FileKind::Card,
        Some("baselines") => FileKind::Baseline,
        _ => FileKind::Scenario,
    }
}

/// Validates a card: it reads, and composed alone on every target it has in every built-in
/// baseline it makes a valid scenario that proves fair. Problems as lines.
pub fn card_problems(file: &str, text: &str) -> anyhow::Result<Vec<String>> {
    let card = match CardTemplate::load(file, text) {
        Ok(c) => c,
        Err(e) => return Ok(vec![e.to_string()]),
    };
    let mut problems = Vec::new();
    let mut proven = 0;
    for b in scenario::baselines()? {
        let cluster = b.cluster()?;
        for binding in targets(&card.head, &cluster) {
            let name = format!("{file}: on {} in {}", binding.target, b.id);
            match compose(&b, &[Pick { card: &card, target: &binding.target }], 1, "card-check") {
                Err(e) => problems.push(format!("{name}: {e}")),
                Ok(s) => match fair_with(&s, 1, &crate::room::proof::SideBySide) {
                    Ok(()) => proven += 1,
                    Err(why) => problems.push(format!("{name}: {why}")),
                },
            }
        }
    }
    if proven == 0 && problems.is_empty() {
        problems.push(format!("{file}: no target in any built-in baseline"));
    }
    Ok(problems)
}

/// Validates a baseline: it reads, its cluster resolves, and the scenario of its first card
/// that fits is valid (a healthy settled baseline among its checks).
pub fn baseline_problems(file: &str, text: &str) -> anyhow::Result<Vec<String>> {
    let business = match Business::parse(file, text) {
        Ok(b) => b,
        Err(e) => return Ok(vec![e.to_string()]),
    };
    let cluster = match business.cluster() {
        Ok(c) => c,
        Err(e) => return Ok(vec![format!("{file}: cluster: {e}")]),
    };
    let deck = scenario::cards()?;
    let Some((card, binding)) = deck.iter().find_map(|c| targets(&c.head, &cluster).into_iter().next().map(|b| (c, b)))
    else {
        return Ok(vec![format!("{file}: no built-in card fits this baseline")]);
    };
    let s = compose(&business, &[Pick { card, target: &binding.target }], 1, "baseline-check")?;
    Ok(super::safe::scenario_problems(&s).into_iter().map(|p| format!("{file}: {p}")).collect())
}
