//! Baselines for composed incidents: a healthy cluster with a business around it (the customer
//! persona, the entrypoints, the SLO, the pace), read from `scenarios/baselines/ID.ron`. The
//! cluster is either written out or taken from a built-in scenario, so the shipped scenarios'
//! clusters serve as baselines without copies. The composer (`scenario::compose`) puts fault
//! cards on one; docs/cards.md describes the format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::format::{Baseline, Players, Slo};
use super::layer::{Alert, DialogueLine, Intent, Patience};
use super::load::LoadError;

/// A baseline file (`Business` in code, since `Baseline` is a scenario's cluster part).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Business {
    /// Unique, lower-case with dashes (`payments`); the file is `scenarios/baselines/ID.ron`.
    pub id: String,
    /// The incident's title: the setting, never the fault ("Payments on a Tuesday").
    pub title: String,
    /// The briefing: who calls and about what; says nothing of the cause.
    pub summary: String,
    /// The setting, for pickers (never the twist).
    #[serde(default)]
    pub tags: Vec<String>,
    pub cluster: ClusterSource,
    pub slo: Slo,
    #[serde(default = "two")]
    pub minutes_per_turn: u32,
    /// Turns for a one-card incident; each further card adds five.
    pub turn_limit: u32,
    #[serde(default)]
    pub action_points: Option<u32>,
    pub customer: Persona,
    /// Alerts over the traffic; when empty, one per entrypoint (success below 95 %) and one on
    /// the error budget.
    #[serde(default)]
    pub alerts: Vec<Alert>,
    #[serde(default)]
    pub players: Players,
}

fn two() -> u32 {
    2
}

/// Where a baseline's cluster comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClusterSource {
    /// The healthy cluster of a built-in scenario, by id (its faults are not applied).
    Scenario(String),
    /// Written out in full, as a scenario's `cluster:`.
    Inline(Baseline),
}

/// The customer around the business: who they are and the lines that do not depend on what
/// broke. The cards add what they did and what they will reveal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// "Priya (Payments platform)".
    pub name: String,
    /// Who they are, for a human customer; the cards' `did` follows it.
    pub brief: String,
    /// Their first message: the users' side only, never the cause.
    pub opening: String,
    /// Lines any incident shares (who has access, rollbacks, workarounds).
    #[serde(default)]
    pub lines: Vec<DialogueLine>,
    pub nags: Vec<String>,
    #[serde(default)]
    pub recovered_nags: Vec<String>,
    #[serde(default)]
    pub unknown: BTreeMap<Intent, String>,
    #[serde(default)]
    pub patience: Patience,
    pub churn: String,
}

impl Business {
    /// Parses a baseline file; `file` is for errors.
    pub fn parse(file: &str, text: &str) -> Result<Business, LoadError> {
        let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        options.from_str::<Business>(text).map_err(|e| LoadError::Parse {
            file: file.to_owned(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })
    }

    /// The healthy cluster: written out, or the named built-in scenario's.
    pub fn cluster(&self) -> Result<Baseline, LoadError> {
        match &self.cluster {
            ClusterSource::Inline(b) => Ok(b.clone()),
            ClusterSource::Scenario(id) => match super::builtin(id) {
                Some(scenario) => Ok(scenario?.cluster),
                None => Err(LoadError::Unknown(id.clone())),
            },
        }
    }
}
