//! The game layer of the scenario format: the customer (a brief for a human, a script for the
//! NPC that answers what the liaison asks by [`Intent`]), clues, the root cause
//! (`scenario::cause`) and the easy-mode options, alerts, injects, hints and postmortem material.
//! It sits beside the cluster part of a scenario and refers to it through console output patterns
//! and predicates, so clues and reveals follow what the cluster actually shows.

use std::collections::BTreeMap;

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
    /// A guided tutorial: prompts shown one at a time, each until the player has done what it
    /// asks (`game::tutorial`). Empty for an ordinary scenario.
    pub tutorial: Vec<TutorialStep>,
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
    /// Said when no update has reached them for `patience.idle_turns` turns while their users
    /// still see the outage.
    pub nags: Vec<String>,
    /// Said when no update has reached them while their users are fine again but nobody has
    /// posted a "resolved" update: they want the all-clear. Empty: the game's own words.
    pub recovered_nags: Vec<String>,
    /// What they say to a question they have no dialogue line for, per intent, instead of the
    /// game's own in-character reply for it.
    pub unknown: BTreeMap<Intent, String>,
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
            recovered_nags: Vec::new(),
            unknown: BTreeMap::new(),
            patience: Patience::default(),
            mishaps: Vec::new(),
            churn: "We can't keep waiting. We're escalating this.".to_owned(),
        }
    }
}

/// What a liaison asks the customer, as the game understands it (`game::intent` hears these in
/// free text, paraphrases included). The one vocabulary scenarios map their answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Intent {
    /// What changed recently: deploys, releases, edits, migrations, installs.
    WhatChanged,
    /// When it started, since when, how long it has been going on.
    WhenStarted,
    /// Who has access, who else works on it, which teams can change it.
    WhoHasAccess,
    /// Who or what is affected, how many users, what it costs them.
    Impact,
    /// Whether there is a workaround or another way for their users meanwhile.
    Workaround,
    /// Please hold off: change nothing, run nothing, until we say so.
    HoldOff,
    /// May we roll back, revert, undo, go back to the previous version.
    Rollback,
    /// Is it fixed, are they still seeing errors, does it work again.
    IsItFixed,
    /// What they and their users see: the symptoms, the error messages.
    Symptoms,
    /// Details of their setup: asking them to check a value (a tag, a version, a variable, a
    /// key, a setting).
    Details,
    /// Access, credentials, secrets, certificates: anything rotated or expired.
    Credentials,
    /// Traffic and scale: a sale, a campaign, more visitors than usual, load tests.
    Traffic,
    /// Hello, thanks: not a question.
    Greeting,
}

impl Intent {
    /// Every intent, in the order the customer answers them within one message.
    pub const ALL: [Intent; 13] = [
        Intent::HoldOff,
        Intent::WhatChanged,
        Intent::WhenStarted,
        Intent::WhoHasAccess,
        Intent::Credentials,
        Intent::Rollback,
        Intent::IsItFixed,
        Intent::Symptoms,
        Intent::Impact,
        Intent::Traffic,
        Intent::Details,
        Intent::Workaround,
        Intent::Greeting,
    ];

    /// The name a scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            Intent::WhatChanged => "WhatChanged",
            Intent::WhenStarted => "WhenStarted",
            Intent::WhoHasAccess => "WhoHasAccess",
            Intent::Impact => "Impact",
            Intent::Workaround => "Workaround",
            Intent::HoldOff => "HoldOff",
            Intent::Rollback => "Rollback",
            Intent::IsItFixed => "IsItFixed",
            Intent::Symptoms => "Symptoms",
            Intent::Details => "Details",
            Intent::Credentials => "Credentials",
            Intent::Traffic => "Traffic",
            Intent::Greeting => "Greeting",
        }
    }
}

/// One thing the NPC says when the liaison asks for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialogueLine {
    /// The questions this line answers.
    #[serde(default)]
    pub intents: Vec<Intent>,
    /// Topic words (matched on their stems, phrases word by word) that narrow the line to
    /// questions about that thing: a message must name one of them. A line with topics also
    /// answers a question the game hears no intent in but that names one of them.
    #[serde(default)]
    pub about: Vec<String>,
    /// Older scenarios: words or phrases (case-insensitive) that trigger the line when no line
    /// answers the message by its intents.
    #[serde(default)]
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

/// One step of a guided tutorial: a prompt that points at the next thing to try, shown until the
/// player has done it. It says what to do, never what the incident's answer is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TutorialStep {
    pub text: String,
    /// What the player does that completes the step, read from the game's events.
    pub done: StepDone,
}

/// What completes a tutorial step: something the player did, as the game's events tell it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum StepDone {
    /// A troubleshooter ran any console command.
    Command,
    /// A troubleshooter ran a console command with this word in it (a verb: `describe`, `logs`).
    CommandWith(String),
    /// A console command changed the cluster.
    Change,
    /// The liaison wrote to the customer.
    AskedCustomer,
    /// A status update was posted.
    StatusUpdate,
    /// The liaison asked the customer to hold off changes.
    AskedHoldOff,
    /// The team found one of the scenario's clues.
    FoundClue,
    /// A root cause was declared.
    Declared,
    /// A hint was given.
    Hint,
    /// A turn ended and incident time moved on.
    TurnEnded,
    /// The incident is resolved: its closing turn began.
    Resolved,
    /// The game is over (the debrief follows).
    Ended,
}
