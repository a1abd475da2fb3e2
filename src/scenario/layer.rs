//! The game layer of the scenario format: the customer (a brief for a human, a script for the
//! NPC), clues, the root cause (`scenario::cause`) and the easy-mode options, alerts, injects, hints and postmortem material. It sits beside
//! the cluster part of a scenario and refers to it through console output patterns and
//! predicates, so clues and reveals follow what the cluster actually shows.

use serde::{Deserialize, Serialize};

use super::cause::Declaration;
use crate::sim::change::Change;
use crate::sim::predicate::Predicate;

/// Everything a scenario says about people rather than the cluster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GameLayer {
    pub customer: Customer,
    pub clues: Vec<Clue>,
    /// The root cause in the taxonomy's terms, what every declaration is judged against.
    pub cause: Option<Declaration>,
    /// More causes, for an incident with several independent ones (each is judged on its own).
    pub causes: Vec<Declaration>,
    /// The old multiple choice: offered only at easy difficulty, as an aid.
    pub root_causes: Vec<RootCause>,
    pub alerts: Vec<Alert>,
    pub injects: Vec<Inject>,
    /// Three tiers: a nudge, a pointer, the answer.
    pub hints: Vec<Hint>,
    pub postmortem: PostmortemMaterial,
    /// Action points each troubleshooter gets per turn.
    pub action_points: Option<u32>,
}

impl GameLayer {
    /// Every cause the scenario states: `cause`, then `causes`.
    pub fn all_causes(&self) -> Vec<Declaration> {
        self.cause.iter().chain(&self.causes).cloned().collect()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Customer {
    /// Who they are ("Dana, the shop's lead developer").
    pub name: String,
    /// For a human customer: what they see and what they did.
    pub brief: String,
    /// What they know but only say when asked about it.
    pub secrets: Vec<String>,
    pub npc: Npc,
}

/// The scripted customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Npc {
    /// The first message, when the incident starts.
    pub opening: String,
    pub lines: Vec<DialogueLine>,
    /// Said when no update has reached them for `patience.idle_turns` turns.
    pub nags: Vec<String>,
    pub patience: Patience,
    pub mishaps: Vec<Mishap>,
    /// Said when they run out of patience entirely.
    pub churn: String,
}

impl Default for Npc {
    fn default() -> Self {
        Npc {
            opening: String::new(),
            lines: Vec::new(),
            nags: vec!["Any news? Our users are still affected.".to_owned()],
            patience: Patience::default(),
            mishaps: Vec::new(),
            churn: "We can't keep waiting. We're escalating this.".to_owned(),
        }
    }
}

/// One thing the NPC says when a message from the liaison matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialogueLine {
    /// Any of these words or phrases (case-insensitive) in a liaison message triggers it.
    pub when: Vec<String>,
    pub say: String,
    /// A clue this answer reveals.
    #[serde(default)]
    pub reveals: Option<String>,
    /// Only from this turn on.
    #[serde(default)]
    pub from_turn: Option<u32>,
    /// Only while this holds on the cluster.
    #[serde(default)]
    pub only_if: Option<Predicate>,
    /// Said once only (default) or every time.
    #[serde(default = "yes")]
    pub once: bool,
}

fn yes() -> bool {
    true
}

/// Mood in points out of 100.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Patience {
    pub start: u32,
    /// Turns without an update before the mood starts to drop.
    pub idle_turns: u32,
    /// Points lost per idle turn.
    pub decay: u32,
    /// Points regained by an honest status update.
    pub recovery: u32,
}

impl Default for Patience {
    fn default() -> Self {
        Patience { start: 70, idle_turns: 2, decay: 8, recovery: 10 }
    }
}

/// Something the customer may do to their own cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mishap {
    pub id: String,
    /// What they say when they do it ("I'll just re-run the deploy").
    pub say: String,
    pub changes: Vec<Change>,
    pub when: MishapWhen,
}

/// When the NPC causes a mishap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MishapWhen {
    /// At this turn unless asked to hold off before it.
    NotHeldOffBy(u32),
    /// When the mood drops below this.
    PatienceBelow(u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clue {
    pub id: String,
    pub text: String,
    /// Found when a console command's output contains this text.
    #[serde(default)]
    pub output_contains: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub correct: bool,
}

/// An alert over the traffic figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    pub id: String,
    pub title: String,
    pub rule: AlertRule,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AlertRule {
    /// An entrypoint's success rate below this fraction.
    SuccessBelow { entrypoint: String, fraction: f64 },
    /// An entrypoint's latency above this many milliseconds.
    LatencyAbove { entrypoint: String, ms: u32 },
    /// Less than this fraction of the error budget left.
    BudgetBelow(f64),
    /// A cluster predicate holds.
    Cluster(Predicate),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub id: String,
    pub when: InjectWhen,
    pub what: InjectWhat,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum InjectWhen {
    AtTurn(u32),
    OnCondition(Predicate),
    /// Only when a game master fires it.
    Manual,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum InjectWhat {
    /// The customer says this.
    Message(String),
    /// Something else breaks.
    Fault(Vec<Change>),
    /// Someone joins the customer chat (the customer's manager) and says this.
    Visitor { name: String, say: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// 1 (a nudge) to 3 (the answer).
    pub tier: u8,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostmortemMaterial {
    pub summary: String,
    pub root_cause: String,
    pub contributing_factors: Vec<String>,
    pub action_items: Vec<String>,
}
