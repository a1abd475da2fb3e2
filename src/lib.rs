//! kombat: a terminal game for practising Kubernetes incident response as a team.
//!
//! # Layout
//!
//! * [`sim`]: the simulated cluster (objects, controllers, traffic) and its `kubectl` console;
//!   pure and deterministic.
//! * [`scenario`]: the RON scenario format, its validation, and the built-in scenarios.
//! * [`game`]: roles, turns, the customer, hidden information; pure like `sim`.
//! * [`room`]: the actor that owns a running game: seats, the turn timer, the journal file, the
//!   postmortem; solo and multiplayer play both go through it.
//! * [`net`]: multiplayer over TCP: the wire protocol, the server and the client.
//! * [`tui`]: the terminal UI: title, picker, the game screen per seat, the debrief.
//! * [`cli`]: the command-line shell around them (`kombat scenario …`, `kombat console`).

pub mod cli;
pub mod game;
pub mod net;
pub mod room;
pub mod scenario;
pub mod sim;
pub mod tui;
