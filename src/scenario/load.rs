//! Reading scenarios: RON with `IMPLICIT_SOME`, and parse errors as `FILE:LINE:COL: message`.
//! Reading a file is the shell's (`room::files::scenario_source`): this layer does no I/O.

use std::sync::Arc;

use ron::extensions::Extensions;

use super::format::Scenario;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    /// A syntax or type error, with its position.
    #[error("{file}:{line}:{col}: {message}")]
    Parse { file: String, line: usize, col: usize, message: String },
    #[error("{file}: {message}")]
    Io { file: String, message: String },
    #[error("no scenario named {0:?} (try `kombat scenario list`, or give a path to a .ron file)")]
    Unknown(String),
}

/// Parses scenario text; `file` is only used in error messages.
pub fn parse(file: &str, text: &str) -> Result<Scenario, LoadError> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    options.from_str::<Scenario>(text).map_err(|e| LoadError::Parse {
        file: file.to_owned(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })
}

/// A scenario with the text it was read from (a game's journal records a hash of the text).
#[derive(Clone, Debug)]
pub struct Source {
    pub scenario: Scenario,
    /// Shared, not copied, by whatever keeps it for the game's lifetime (a room, its record).
    pub text: Arc<str>,
}

/// A built-in scenario with its text, by id.
pub fn builtin_source(id: &str) -> Option<Result<Source, LoadError>> {
    let (id, text) = super::builtin_sources().find(|(known, _)| *known == id)?;
    Some(parse(&format!("scenarios/{id}.ron"), text).map(|scenario| Source { scenario, text: text.into() }))
}

/// A scenario as RON text that [`parse`] reads back to the same value (what `kombat scenario
/// generate` prints).
pub fn to_ron(scenario: &Scenario) -> Result<String, String> {
    let config = ron::ser::PrettyConfig::new().indentor("    ");
    ron::ser::to_string_pretty(scenario, config).map_err(|e| e.to_string())
}
