//! Seats at the table and the roles they play. A seat decides what a player may do and see.

use serde::{Deserialize, Serialize};

/// One place at the table. Troubleshooters, customers and spectators are numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Seat {
    Liaison,
    Troubleshooter(u8),
    Customer(u8),
    GameMaster,
    Spectator(u16),
}

impl Seat {
    pub fn role(self) -> Role {
        match self {
            Seat::Liaison => Role::Liaison,
            Seat::Troubleshooter(_) => Role::Troubleshooter,
            Seat::Customer(_) => Role::Customer,
            Seat::GameMaster => Role::GameMaster,
            Seat::Spectator(_) => Role::Spectator,
        }
    }

    /// Responders end turns and are scored; the customer and game master are not.
    pub fn is_responder(self) -> bool {
        matches!(self, Seat::Liaison | Seat::Troubleshooter(_))
    }

    pub fn label(self) -> String {
        match self {
            Seat::Liaison => "liaison".to_owned(),
            Seat::Troubleshooter(n) => format!("troubleshooter {}", n + 1),
            Seat::Customer(0) => "customer".to_owned(),
            Seat::Customer(n) => format!("customer {}", n + 1),
            Seat::GameMaster => "game master".to_owned(),
            Seat::Spectator(n) => format!("spectator {}", n + 1),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Liaison,
    Troubleshooter,
    Customer,
    GameMaster,
    Spectator,
}
