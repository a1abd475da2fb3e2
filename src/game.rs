//! The game around the cluster: seats and roles, turns and action points, the customer (human or
//! scripted), hidden information, clues, alerts, injects and hints. Pure and deterministic like
//! `sim`: an action goes through `rules::check`, `rules::execute` turns it into events, and state
//! changes only by `Game::apply`.

pub mod action;
pub mod breaking;
pub mod cause;
pub mod debrief;
pub mod difficulty;
pub mod draw;
pub mod event;
pub mod findings;
pub mod intent;
pub mod journal;
pub mod npc;
pub mod postmortem;
pub mod prove;
pub mod replay;
pub mod rules;
pub mod score;
pub mod seat;
pub mod state;
pub mod text;
pub mod tournament;
pub mod tutorial;
pub mod view;
pub mod words;
pub mod world;

/// The game layer's format is scenario data; its behaviour is here.
pub use crate::scenario::layer as format;

pub use action::{Action, IncidentState, Severity};
pub use cause::{Declaration, FailureClass, ObjectRef, Verdict};
pub use difficulty::Difficulty;
pub use event::{Channel, Event, Outcome, Stamped, TurnSample};
pub use format::GameLayer;
pub use prove::{Proof, ProofStep, prove};
pub use rules::RuleError;
pub use seat::{Role, Seat};
pub use state::{Game, HoldOff, Phase, Step};
pub use words::{clock, outcome_text};
pub use world::{LineResult, TurnReport, World};
