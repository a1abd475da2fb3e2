//! The scenario picker's list: every built-in scenario with what a player wants to know before
//! choosing (difficulty, tags, the briefing, the expected time) and their best grade so far,
//! read from the results the room records in the data directory.

use std::path::Path;

use crate::game::score::Grade;
use crate::room::files;
use crate::scenario::{self, Scenario};

/// One scenario in the picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    pub id: String,
    pub title: String,
    pub difficulty: String,
    pub tags: Vec<String>,
    pub summary: String,
    /// How long a good team needs, in real minutes.
    pub minutes: Option<u32>,
    /// The best grade from this machine's earlier games.
    pub best: Option<Grade>,
}

impl CatalogEntry {
    pub fn of(scenario: &Scenario, best: Option<Grade>) -> CatalogEntry {
        CatalogEntry {
            id: scenario.id.clone(),
            title: scenario.title.clone(),
            difficulty: scenario.difficulty.as_str().to_owned(),
            tags: scenario.tags.clone(),
            summary: scenario.summary.clone(),
            minutes: scenario.expected_minutes,
            best,
        }
    }
}

/// The built-in scenarios, easiest first (the default scenario leads), with best grades from
/// the results in `data_dir`.
pub fn builtin(data_dir: Option<&Path>) -> Vec<CatalogEntry> {
    let results = data_dir.map(files::read_results).unwrap_or_default();
    let mut scenarios: Vec<Scenario> =
        scenario::builtin_sources().filter_map(|(id, _)| scenario::builtin(id).and_then(Result::ok)).collect();
    scenarios.sort_by_key(|s| (s.id != scenario::DEFAULT_ID, s.difficulty, s.id.clone()));
    scenarios
        .iter()
        .map(|s| {
            let best = results.iter().filter(|r| r.scenario == s.id).map(|r| r.grade).min();
            CatalogEntry::of(s, best)
        })
        .collect()
}
