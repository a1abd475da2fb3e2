//! The game master's view: everything, including what the players must find out for themselves
//! (the customer's secrets, the right root cause, hints and injects still to come, the NPC's
//! script) and the full event log.

use serde::{Deserialize, Serialize};

use super::Board;
use crate::game::event::{Event, Stamped};
use crate::game::format::{InjectWhat, InjectWhen, MishapWhen, Patience, PostmortemMaterial};
use crate::game::seat::Seat;
use crate::game::state::{ChatLine, ConsoleEntry, Game, HoldOff};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameMasterPanel {
    pub board: Board,
    pub team_chat: Vec<ChatLine>,
    pub customer_chat: Vec<ChatLine>,
    /// Every console command, the game master's own included.
    pub console: Vec<ConsoleEntry>,
    pub customer: MasterCustomer,
    /// The scripted customer's dialogue lines and whether each was said.
    pub dialogue: Vec<MasterLine>,
    pub mishaps: Vec<MasterMishap>,
    pub clues: Vec<MasterClue>,
    pub root_causes: Vec<MasterOption>,
    pub declared: Option<Declaration>,
    pub hints: Vec<MasterHint>,
    pub injects: Vec<MasterInject>,
    pub postmortem: PostmortemMaterial,
    pub points: Vec<SeatPoints>,
    /// Each win condition and whether it holds now.
    pub win_conditions: Vec<(String, bool)>,
    pub log: Vec<Stamped>,
}

/// The customer as the script has them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MasterCustomer {
    pub name: String,
    pub brief: String,
    pub secrets: Vec<String>,
    /// Whether the scripted customer plays (no human customer seated).
    pub npc: bool,
    pub mood: u32,
    pub patience: Patience,
    pub hold_off: HoldOff,
    pub opening: String,
    pub nags: Vec<String>,
    pub churn: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MasterLine {
    pub when: Vec<String>,
    pub say: String,
    pub reveals: Option<String>,
    pub from_turn: Option<u32>,
    pub only_if: Option<String>,
    pub said: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MasterMishap {
    pub id: String,
    pub say: String,
    pub when: MishapWhen,
    pub happened: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterClue {
    pub id: String,
    pub text: String,
    pub output_contains: Option<String>,
    pub found: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterOption {
    pub id: String,
    pub text: String,
    pub correct: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    pub option: String,
    pub correct: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterHint {
    pub tier: u8,
    pub text: String,
    pub given: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MasterInject {
    pub id: String,
    pub when: InjectWhen,
    pub what: InjectWhat,
    pub fired: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatPoints {
    pub seat: Seat,
    pub points: u32,
}

pub(super) fn panel(game: &Game, board: Board, limits: super::Limits) -> GameMasterPanel {
    let layer = &game.scenario().game;
    let npc = &layer.customer.npc;
    let mut hints = layer.hints.clone();
    hints.sort_by_key(|h| h.tier);
    GameMasterPanel {
        board,
        team_chat: limits.tail(&game.team_chat),
        customer_chat: limits.tail(&game.customer_chat),
        console: limits.console(&game.console, |_| true),
        customer: MasterCustomer {
            name: game.customer_name(),
            brief: layer.customer.brief.clone(),
            secrets: layer.customer.secrets.clone(),
            npc: game.npc,
            mood: game.mood,
            patience: npc.patience.clone(),
            hold_off: game.hold_off,
            opening: npc.opening.clone(),
            nags: npc.nags.clone(),
            churn: npc.churn.clone(),
        },
        dialogue: npc
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| MasterLine {
                when: crate::game::npc::triggers(l),
                say: l.say.clone(),
                reveals: l.reveals.clone(),
                from_turn: l.from_turn,
                only_if: l.only_if.as_ref().map(crate::sim::predicate::Predicate::describe),
                said: game.said.contains(&i),
            })
            .collect(),
        mishaps: npc
            .mishaps
            .iter()
            .map(|m| MasterMishap {
                id: m.id.clone(),
                say: m.say.clone(),
                when: m.when.clone(),
                happened: game.mishaps.contains(&m.id),
            })
            .collect(),
        clues: layer
            .clues
            .iter()
            .map(|c| MasterClue {
                id: c.id.clone(),
                text: c.text.clone(),
                output_contains: c.output_contains.clone(),
                found: game.clues.contains(&c.id),
            })
            .collect(),
        root_causes: layer
            .root_causes
            .iter()
            .map(|o| MasterOption { id: o.id.clone(), text: o.text.clone(), correct: o.correct })
            .collect(),
        declared: game
            .declared
            .as_ref()
            .map(|(option, correct)| Declaration { option: option.clone(), correct: *correct }),
        hints: hints
            .into_iter()
            .map(|h| MasterHint { given: game.hint_given(h.tier), tier: h.tier, text: h.text })
            .collect(),
        injects: layer
            .injects
            .iter()
            .map(|i| MasterInject {
                id: i.id.clone(),
                when: i.when.clone(),
                what: i.what.clone(),
                fired: game.injects.contains(&i.id),
            })
            .collect(),
        postmortem: layer.postmortem.clone(),
        points: game.points.iter().map(|(s, p)| SeatPoints { seat: *s, points: *p }).collect(),
        win_conditions: game.world.win_conditions(),
        log: log(game, limits),
    }
}

/// The newest events of the log. A command's output is left out here: the console beside the
/// log shows it, and one copy of each output is enough for a view.
fn log(game: &Game, limits: super::Limits) -> Vec<Stamped> {
    let mut log = limits.tail(&game.log);
    for stamped in &mut log {
        if let Event::Command { output, .. } = &mut stamped.event {
            output.clear();
        }
    }
    log
}
