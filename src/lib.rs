//! kombat: a terminal game for practising Kubernetes incident response as a team.
//!
//! # Layout
//!
//! Each layer imports only those listed before it; ARCHITECTURE.md is the map and its invariants.
//!
//! * [`sim`]: the simulated cluster (objects, controllers, traffic) and its `kubectl` console;
//!   pure and deterministic.
//! * [`scenario`]: the RON scenario format, its validation, the built-in scenarios and building
//!   an incident's cluster; pure.
//! * [`game`]: roles, turns, the rules and the events they produce, the customer, hidden
//!   information, the words for events, score and postmortem; pure like `sim`.
//! * [`room`]: the actor that owns a running game: the turn timer, the journal file, the
//!   postmortem; solo and multiplayer play both go through it.
//! * [`net`]: the one seat path every front end plays through, and multiplayer over TCP: the wire
//!   protocol, the server and the client.
//! * [`tui`]: the terminal UI: title, picker, the game screen per seat, the debrief.
//! * [`cli`]: the command-line shell around them (`kombat scenario …`, `kombat console`, line
//!   mode, `kombat join`).

pub mod cli;
pub mod game;
pub mod net;
pub mod room;
pub mod scenario;
pub mod sim;
pub mod tui;
