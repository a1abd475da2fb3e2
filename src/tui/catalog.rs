//! The scenario picker's list: every built-in scenario with what a player wants to know before
//! choosing (difficulty, tags, the briefing, the expected time) and their best grade so far,
//! read from the results the room records in the data directory; what a scenario teaches, told
//! only once it has been played; and the one to play next.

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
    /// What the incident teaches; shown only once it has been played (`best` is some), since
    /// before that it would give the twist away.
    pub teaches: Option<String>,
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
            teaches: scenario.teaches.clone(),
        }
    }

    /// Whether this machine has a result of it.
    pub fn played(&self) -> bool {
        self.best.is_some()
    }

    /// What it teaches, once played; none before.
    pub fn teaches_now(&self) -> Option<&str> {
        self.teaches.as_deref().filter(|_| self.played())
    }
}

/// The built-in scenarios in the library's order (the tutorial first, then easy, medium and
/// hard: `scenario::library_order`), with best grades from the results in `data_dir`.
pub fn builtin(data_dir: Option<&Path>) -> Vec<CatalogEntry> {
    let results = data_dir.map(files::read_results).unwrap_or_default();
    let mut scenarios: Vec<Scenario> =
        scenario::builtin_sources().filter_map(|(id, _)| scenario::builtin(id).and_then(Result::ok)).collect();
    scenario::library_order(&mut scenarios);
    scenarios
        .iter()
        .map(|s| {
            let best = results.iter().filter(|r| r.scenario == s.id).map(|r| r.grade).min();
            CatalogEntry::of(s, best)
        })
        .collect()
}

/// The scenario to play next: the first one not played yet in the library's order, which is the
/// first unplayed scenario of the lowest difficulty not yet cleared (the tutorial for a new
/// player). None once every one has been played.
pub fn suggested(catalog: &[CatalogEntry]) -> Option<usize> {
    catalog.iter().position(|e| !e.played())
}

/// Where the list's difficulty groups begin: (index of the group's first entry, its level), in
/// order. The tutorial, first, leads its own group.
pub fn groups(catalog: &[CatalogEntry]) -> Vec<(usize, &str)> {
    let mut out: Vec<(usize, &str)> = Vec::new();
    for (i, entry) in catalog.iter().enumerate() {
        let level = if entry.id == scenario::TUTORIAL_ID { "tutorial" } else { entry.difficulty.as_str() };
        if out.last().is_none_or(|(_, last)| *last != level) {
            out.push((i, level));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_leads_then_easy_medium_hard() {
        let catalog = builtin(None);
        assert_eq!(catalog.first().map(|e| e.id.as_str()), Some(scenario::TUTORIAL_ID));
        let levels: Vec<&str> = groups(&catalog).into_iter().map(|(_, level)| level).collect();
        assert_eq!(levels, ["tutorial", "easy", "medium", "hard"]);
    }

    #[test]
    fn the_next_is_the_first_unplayed_and_teaches_waits_for_a_result() {
        let mut catalog = builtin(None);
        assert_eq!(suggested(&catalog), Some(0), "a new player starts with the tutorial");
        assert_eq!(catalog[0].teaches_now(), None, "nothing told before it is played");
        catalog[0].best = Some(Grade::B);
        assert!(catalog[0].teaches_now().is_some());
        assert_eq!(suggested(&catalog), Some(1));
        for entry in &mut catalog {
            entry.best = Some(Grade::C);
        }
        assert_eq!(suggested(&catalog), None);
    }
}
