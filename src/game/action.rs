//! Everything a player can do, as one vocabulary: the TUI, the console and the network all send
//! these. Which seat may send which is decided by the rules (`rules::check`).

use serde::{Deserialize, Serialize};

use super::cause::Declaration;

/// An incident's public status, as on a status page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IncidentState {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl IncidentState {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentState::Investigating => "investigating",
            IncidentState::Identified => "identified",
            IncidentState::Monitoring => "monitoring",
            IncidentState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "investigating" => Some(IncidentState::Investigating),
            "identified" => Some(IncidentState::Identified),
            "monitoring" => Some(IncidentState::Monitoring),
            "resolved" => Some(IncidentState::Resolved),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    // Responders.
    /// Team chat (liaison and troubleshooters).
    TeamChat(String),
    /// The liaison (or game master) writes to the customer.
    CustomerChat(String),
    /// A troubleshooter runs a console command.
    Command(String),
    StatusUpdate {
        state: IncidentState,
        text: String,
    },
    SetSeverity(Severity),
    /// Ask the customer to hold off making changes.
    AskHoldOff,
    /// Declare the root cause by one of the scenario's multiple-choice options (easy difficulty,
    /// and journals from before the structured declaration).
    DeclareRootCause(String),
    RequestHint,
    EndTurn,
    // Customer.
    /// The customer writes to the liaison.
    Reply(String),
    /// Rates a status update (index into the status page) from 1 to 5.
    RateUpdate {
        update: usize,
        stars: u8,
    },
    CauseMishap(String),
    AnswerHoldOff {
        accept: bool,
    },
    // Game master.
    Pause,
    Resume,
    FireInject(String),
    GrantHint,
    SpeakAsCustomer(String),
    EndGame,
    // Responders, again (kept last so the wire's earlier indices stay).
    /// Pass finding `N` of one's own Findings (0-based, in the order the seat's view lists them)
    /// to the rest of the team: the liaison shares what the customer said, a troubleshooter what
    /// the console showed.
    ShareFinding(usize),
    /// Declare the root cause in the taxonomy's terms: objects, failure class, who changed it.
    DeclareCause(Declaration),
    // Game master, again (kept last so the wire's earlier indices stay). The turn timer runs on
    // the room's clock, not the game's: these record the game master's decision as events, and
    // the room moves its deadline when it applies them (ARCHITECTURE.md, "`room`").
    /// End the current turn now for everyone, as the turn timer does when it runs out.
    SkipTurn,
    /// Give the current turn this many more seconds on the turn timer.
    ExtendTurn(u32),
    /// Set the turn timer to this many seconds a turn (the current turn gets them from now), or
    /// turn it off.
    SetTurnTimer(Option<u32>),
    /// Grant the team the scenario's hint of this tier (1 to 3), whichever were given before.
    GrantHintTier(u8),
    /// A message of the game master's own that reaches every seat as an inject.
    InjectMessage(String),
}
