//! The scenario file format. Every struct denies unknown fields, so a typo in a scenario is an
//! error with its position rather than a silently ignored setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::apps::{AppProfile, Registry};
use crate::sim::change::{Change, Object};
use crate::sim::predicate::Predicate;
use crate::sim::traffic::Entrypoint;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short unique name, used on the command line (`first-deploy`).
    pub id: String,
    pub title: String,
    /// What happened, as the briefing tells the responders.
    pub summary: String,
    pub difficulty: Difficulty,
    /// The setting, for the picker and `kombat scenario list` ("deployments", "networking"):
    /// never the twist, which would give the incident away (`validate` refuses
    /// [`super::SPOILER_TAGS`]).
    #[serde(default)]
    pub tags: Vec<String>,
    /// What the incident turns out to be about ("red-herring", "rogue-actor", "network-policy"):
    /// revealed in the debrief and the closing block, after play.
    #[serde(default)]
    pub lessons: Vec<String>,
    /// Incident minutes one turn stands for.
    #[serde(default = "default_minutes_per_turn")]
    pub minutes_per_turn: u32,
    /// Turns before the incident is lost.
    pub turn_limit: u32,
    /// How long a good team needs, in real minutes.
    #[serde(default)]
    pub expected_minutes: Option<u32>,
    /// What the incident teaches, in a line the picker shows once the player has played it
    /// (before that it would give the twist away).
    #[serde(default)]
    pub teaches: Option<String>,
    /// Failure modes of docs/failure-catalog.md it exercises (row numbers).
    #[serde(default)]
    pub modes: Vec<u32>,
    pub slo: Slo,
    pub cluster: Baseline,
    pub faults: Vec<Fault>,
    pub win: Win,
    /// Extra lose conditions besides budget exhaustion, data loss and the turn limit.
    #[serde(default)]
    pub lose: Vec<Predicate>,
    /// The reference solution: console lines, with `/wait N` to let turns pass.
    pub solution: Vec<String>,
    /// Plausible fixes that must not win (symptom relief, the wrong cause).
    pub wrong_fixes: Vec<WrongFix>,
    /// The people side: customer, clues, root-cause options, alerts, injects, hints, debrief.
    #[serde(default)]
    pub game: super::layer::GameLayer,
    /// How many players each role seats in a hosted game.
    #[serde(default)]
    pub players: Players,
}

/// Seats per role in a hosted game. The liaison and the game master are one seat each; a role
/// left at zero customers leaves the customer to the scripted NPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Players {
    /// 1–8.
    #[serde(default = "default_troubleshooters")]
    pub troubleshooters: u32,
    /// Human customer seats, 0–4 (with none, the scripted customer always plays).
    #[serde(default = "default_customers")]
    pub customers: u32,
    /// 0–200; spectators watch the public board and may join at any time.
    #[serde(default = "default_spectators")]
    pub spectators: u32,
}

/// The largest seat counts `validate` accepts.
pub const MAX_TROUBLESHOOTERS: u32 = 8;
pub const MAX_CUSTOMERS: u32 = 4;
pub const MAX_SPECTATORS: u32 = 200;

impl Default for Players {
    fn default() -> Self {
        Players {
            troubleshooters: default_troubleshooters(),
            customers: default_customers(),
            spectators: default_spectators(),
        }
    }
}

fn default_troubleshooters() -> u32 {
    3
}
fn default_customers() -> u32 {
    1
}
fn default_spectators() -> u32 {
    50
}

fn default_minutes_per_turn() -> u32 {
    2
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// The service level objective the customer's users are promised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Target success rate in percent, e.g. 99.9.
    pub objective: f64,
    #[serde(default = "default_window")]
    pub window_days: u32,
    /// Fraction of the budget still left when the incident starts (0–1).
    #[serde(default = "one")]
    pub budget_left: f64,
}

fn default_window() -> u32 {
    30
}
fn one() -> f64 {
    1.0
}

/// The healthy cluster before anything broke.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Add the usual system components: `CoreDNS`, the ingress controller, default namespaces.
    #[serde(default = "yes")]
    pub system: bool,
    pub registry: Registry,
    pub apps: BTreeMap<String, AppProfile>,
    pub objects: Vec<Object>,
    pub entrypoints: Vec<Entrypoint>,
    /// Run the cluster autoscaler in kube-system, growing these node groups (needs `system`).
    #[serde(default)]
    pub cluster_autoscaler: Option<ClusterAutoscaler>,
}

/// The cluster autoscaler and the cloud's node groups it may grow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterAutoscaler {
    pub node_groups: Vec<NodeGroup>,
}

/// A node group: its machines are the nodes named `<name>-<n>`; the autoscaler's
/// `--nodes=<min_size>:<max_size>:<name>` flag bounds it, and new machines come from `template`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    pub name: String,
    pub min_size: u32,
    pub max_size: u32,
    pub template: crate::sim::cloud::NodeTemplate,
}

fn yes() -> bool {
    true
}

/// One change that broke things, made by someone at a moment before (or during) the incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Incident minute it happened (negative: before the incident was noticed).
    #[serde(default = "default_fault_minute")]
    pub at_minute: i32,
    /// Who did it, as the audit trail shows (`customer`, `ci-bot`, …).
    #[serde(default = "customer")]
    pub by: String,
    /// An annotation recorded as the change cause, as `kubectl … --record` once did.
    #[serde(default)]
    pub change_cause: Option<String>,
    pub change: Change,
}

fn default_fault_minute() -> i32 {
    -10
}
fn customer() -> String {
    "customer".to_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Win {
    /// All must hold at the end of a turn…
    pub all: Vec<Predicate>,
    /// …for this many consecutive turns, so relief that does not last does not win.
    #[serde(default = "default_hold")]
    pub hold_turns: u32,
}

fn default_hold() -> u32 {
    2
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongFix {
    pub name: String,
    pub commands: Vec<String>,
}
