//! The one way text reaches the terminal from the shell: everything printed from a file, a
//! journal, a peer or a scenario (file names and error messages included) goes through
//! [`safe`], which is `game::text::sanitize_block` (ARCHITECTURE.md, "Untrusted text"). Also the
//! check that calls a scenario with control characters in its text invalid.

use std::io::{self, Write};

use crate::game::text::sanitize_block;
use crate::scenario::{self, Problem, Scenario};

/// `text` with control and escape characters, bidi and invisible format characters removed;
/// line breaks stay, tabs become spaces.
pub fn safe(text: &str) -> String {
    sanitize_block(text)
}

/// Writes `text` made safe, and a line break.
pub fn write_safe(out: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(out, "{}", safe(text))
}

/// Prints `text` made safe on stdout, and a line break.
pub fn print_safe(text: &str) {
    let _ = write_safe(&mut io::stdout().lock(), text);
}

/// Prints `text` made safe on stderr, and a line break.
pub fn eprint_safe(text: &str) {
    let _ = write_safe(&mut io::stderr().lock(), text);
}

/// Whether the sanitizer would take something out of `text` (tabs and line breaks are fine).
fn has_control(text: &str) -> bool {
    // The sanitizer only removes characters, but for the tab it replaces with a space.
    sanitize_block(text).chars().count() != text.chars().count()
}

/// Every problem `kombat scenario validate` reports: the scenario's own validation, and every
/// text field (map keys too) that holds control or escape characters, with its field path.
pub fn scenario_problems(s: &Scenario) -> Vec<Problem> {
    let mut problems = scenario::validate(s);
    match serde_json::to_value(s) {
        Ok(value) => find_controls(&value, "", &mut problems),
        Err(e) => problems.push(Problem { path: String::new(), message: format!("cannot inspect its text: {e}") }),
    }
    problems
}

fn find_controls(value: &serde_json::Value, path: &str, out: &mut Vec<Problem>) {
    let flag = |path: &str, out: &mut Vec<Problem>| {
        let path = if path.is_empty() { "(top)" } else { path };
        out.push(Problem { path: path.to_owned(), message: "contains control characters".to_owned() });
    };
    match value {
        serde_json::Value::String(text) if has_control(text) => flag(path, out),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_controls(item, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                if has_control(key) {
                    flag(&inner, out);
                }
                find_controls(item, &inner, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_the_sanitizer_would_change_is_flagged() {
        assert!(!has_control("plain\ttext\nover lines"));
        for evil in ["\u{1b}[2J", "\u{7}", "\u{9b}31m", "a\u{202e}b", "zero\u{200b}width", "\r"] {
            assert!(has_control(evil), "{evil:?}");
        }
        assert_eq!(safe("\u{1b}]52;c;aGk=\u{7}ok\u{202e}"), "]52;c;aGk=ok");
    }

    #[test]
    fn shipped_scenarios_have_no_control_characters() {
        for (id, _) in scenario::builtin_sources() {
            let s = scenario::builtin(id).expect("built in").expect("parses");
            assert_eq!(scenario_problems(&s), Vec::new(), "{id}");
        }
    }
}
