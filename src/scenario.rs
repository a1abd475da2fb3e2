//! Scenarios: the RON format (a healthy baseline cluster plus the faults that broke it, win and
//! lose conditions, a reference solution and wrong fixes), loading with `file:line:col` errors,
//! semantic validation with field paths, the built-in library, and building the incident's
//! cluster. It knows nothing of the game that is played on it (ARCHITECTURE.md, "Layers"): the
//! game layer's format lives here as data, its behaviour in `game`.

mod build;
mod builtin;
pub mod business;
pub mod card;
pub mod cause;
pub mod compose;
mod effect;
mod format;
pub mod layer;
mod load;
mod system;
mod validate;

pub use build::{BuildError, build_cluster};
pub use builtin::{
    BASELINES, BUILTIN, CARDS, DEFAULT_ID, TUTORIAL_ID, baselines, builtin, builtin_sources, cards, library_order,
};
pub use business::Business;
pub use card::{Card, CardTemplate};
pub use compose::{ComposeError, Pick, compose};
pub use format::{Baseline, Difficulty, Fault, Scenario, Slo, Win, WrongFix};
pub use load::{LoadError, Source, builtin_source, parse, to_ron};
pub use validate::{Problem, SPOILER_TAGS, validate};
