//! What users saw during the incident, per entrypoint: the figures at the incident's start and
//! at the start of every turn, as each `TurnAdvanced` event carried them.

use std::fmt::Write as _;

use super::super::state::{Game, Sample};
use super::timeline::{cell, times};

/// The traffic figures at the incident's start and at the start of every turn since.
pub fn samples(game: &Game) -> &[Sample] {
    &game.figures
}

/// One entrypoint over the incident.
struct Seen {
    name: String,
    url: String,
    first_bad: Option<i64>,
    /// The first sample after the last bad one, if it came back within the SLO.
    recovered: Option<i64>,
    failing: bool,
    worst: f64,
    failures: Vec<String>,
    slowest: u32,
}

/// The table of what users saw: per entrypoint, when it fell short of the SLO, its worst success
/// rate, what a failing request looked like, and how it stood at the end.
pub fn render(game: &Game) -> String {
    let objective = game.scenario().slo.objective / 100.0;
    let samples = samples(game);
    let mut seen: Vec<Seen> = game
        .world
        .cluster
        .entrypoints()
        .iter()
        .map(|e| Seen {
            name: e.name.clone(),
            url: e.url.clone(),
            first_bad: None,
            recovered: None,
            failing: false,
            worst: 1.0,
            failures: Vec::new(),
            slowest: 0,
        })
        .collect();
    for sample in samples {
        for r in &sample.results {
            let Some(s) = seen.iter_mut().find(|s| s.name == r.name) else { continue };
            s.worst = s.worst.min(r.success);
            s.slowest = s.slowest.max(r.latency_ms);
            if r.success >= objective {
                if s.failing {
                    s.recovered = Some(sample.second);
                }
                s.failing = false;
            } else {
                s.first_bad.get_or_insert(sample.second);
                s.failing = true;
                s.recovered = None;
                if let Some(f) = &r.failure
                    && !s.failures.contains(f)
                {
                    s.failures.push(f.clone());
                }
            }
        }
    }
    let mut out = String::from(
        "| Entrypoint | Below the SLO | Worst success rate | Slowest | What users saw | At the end |\n|---|---|---|---|---|---|\n",
    );
    for s in &seen {
        let window = match (s.first_bad, s.recovered) {
            (None, _) => "never".to_owned(),
            (Some(a), Some(b)) if !s.failing => format!("from {}, back by {}", times(a).0, times(b).0),
            (Some(a), _) => format!("from {}, still at the end", times(a).0),
        };
        let saw = if s.failures.is_empty() { "no failures".to_owned() } else { s.failures.join("; ") };
        let end =
            game.world.cluster.traffic().results.iter().find(|r| r.name == s.name).map_or_else(
                || "no figures".to_owned(),
                |r| format!("{:.1}% ok, {} ms", r.success * 100.0, r.latency_ms),
            );
        let _ = writeln!(
            out,
            "| {} ({}) | {window} | {:.1}% | {} ms | {} | {end} |",
            cell(&s.name),
            cell(&s.url),
            s.worst * 100.0,
            s.slowest,
            cell(&saw)
        );
    }
    let _ = write!(
        out,
        "\nFigures taken at the start of the incident and of each of its {} turn(s).",
        samples.len().saturating_sub(1)
    );
    out
}
