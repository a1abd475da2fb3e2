//! Reading scenarios: RON with `IMPLICIT_SOME`, parse errors as `FILE:LINE:COL: message`, and
//! resolving a command-line argument to a built-in id or a file.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use ron::extensions::Extensions;

use super::builtin;
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

/// Reads `ID|FILE` with its text: a built-in id first, else a path.
pub fn source(arg: &str) -> Result<Source, LoadError> {
    let (file, text) = source_text(arg)?;
    let scenario = parse(&file, &text)?;
    Ok(Source { scenario, text: text.into() })
}

/// The text of `ID|FILE` without parsing it, and the file name parse errors should give: for a
/// caller that may already hold the parse of the same text.
pub fn source_text(arg: &str) -> Result<(String, Cow<'static, str>), LoadError> {
    if let Some((id, text)) = super::builtin_sources().find(|(id, _)| *id == arg) {
        return Ok((format!("scenarios/{id}.ron"), Cow::Borrowed(text)));
    }
    if !Path::new(arg).exists() {
        return Err(LoadError::Unknown(arg.to_owned()));
    }
    let text =
        std::fs::read_to_string(arg).map_err(|e| LoadError::Io { file: arg.to_owned(), message: e.to_string() })?;
    Ok((arg.to_owned(), Cow::Owned(text)))
}

/// Resolves `ID|FILE`: a built-in id first, else a path.
pub fn resolve(arg: &str) -> Result<(String, Scenario), LoadError> {
    if let Some(s) = builtin(arg) {
        return Ok((format!("<built-in>/{arg}.ron"), s?));
    }
    let path = Path::new(arg);
    if !path.exists() {
        return Err(LoadError::Unknown(arg.to_owned()));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| LoadError::Io { file: arg.to_owned(), message: e.to_string() })?;
    Ok((arg.to_owned(), parse(arg, &text)?))
}
