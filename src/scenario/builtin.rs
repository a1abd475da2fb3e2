//! The scenarios shipped in `scenarios/`, embedded in the binary so kombat runs from anywhere.

use super::format::Scenario;
use super::load::{LoadError, parse};

/// The first incident a newcomer gets.
pub const DEFAULT_ID: &str = "first-deploy";

/// (id, RON text) of every built-in scenario, in the order the list shows them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("first-deploy", include_str!("../../scenarios/first-deploy.ron")),
    ("config-drift", include_str!("../../scenarios/config-drift.ron")),
    ("memory-leak-friday", include_str!("../../scenarios/memory-leak-friday.ron")),
    ("two-problems", include_str!("../../scenarios/two-problems.ron")),
    ("dns-cleanup-job", include_str!("../../scenarios/dns-cleanup-job.ron")),
    ("black-friday-scale", include_str!("../../scenarios/black-friday-scale.ron")),
];

/// The raw sources, for `scenario validate` of the built-ins and tests.
pub fn builtin_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// A built-in scenario by id, parsed.
pub fn builtin(id: &str) -> Option<Result<Scenario, LoadError>> {
    BUILTIN.iter().find(|(i, _)| *i == id).map(|(i, text)| parse(&format!("scenarios/{i}.ron"), text))
}
