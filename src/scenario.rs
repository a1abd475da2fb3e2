//! Scenarios: the RON format (a healthy baseline cluster plus the faults that broke it, win and
//! lose conditions, a reference solution and wrong fixes), loading with `file:line:col` errors,
//! semantic validation with field paths, the built-in library, building the incident's cluster,
//! and proving a scenario solvable.

mod build;
mod builtin;
mod format;
mod load;
mod prove;
mod session;
mod system;
mod validate;

pub use build::{BuildError, build_cluster};
pub use builtin::{BUILTIN, DEFAULT_ID, builtin, builtin_sources};
pub use format::{Baseline, Difficulty, Fault, Scenario, Slo, Win, WrongFix};
pub use load::{LoadError, Source, parse, resolve, source, source_text};
pub use prove::{Proof, ProofStep, prove};
pub use session::{Ending, LineResult, Session, TurnReport, clock, ending_text};
pub use validate::{Problem, validate};
