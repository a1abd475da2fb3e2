//! Reading manifests typed at the console (`kubectl apply -f -`, `kubectl edit`): YAML or JSON
//! text, one or more documents separated by `---`, into the JSON values the rest of the manifest
//! code reads. The text comes from players, so it is bounded in size and in the work its anchors
//! and nesting may ask for, and an error names its line the way kubectl's YAML reader does
//! (`yaml: line 3: …`).

use serde_json::Value;
use serde_saphyr::options::AliasLimits;
use serde_saphyr::{Budget, Options};

/// The most text one manifest input may hold, as `game::text` bounds a command's body.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;

/// Why manifest text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The YAML itself is malformed, or asks for more work than allowed (an alias bomb).
    #[error("yaml: line {line}: {message}")]
    Yaml { line: u64, message: String },
    /// More text than [`MAX_MANIFEST_BYTES`].
    #[error("the input is larger than {MAX_MANIFEST_BYTES} bytes")]
    TooLarge,
}

/// The documents in `text` (YAML 1.2, JSON included), empty ones (a stray `---`, comments only)
/// left out.
pub fn documents(text: &str) -> Result<Vec<Value>, ParseError> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(ParseError::TooLarge);
    }
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options()).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line().max(1));
        ParseError::Yaml { line, message: plain_message(&e.to_string()) }
    })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Limits far above any manifest a responder types and far below what would stall a turn.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_documents = 64;
    budget.max_nodes = 100_000;
    budget.max_total_scalar_bytes = MAX_MANIFEST_BYTES * 4;
    let mut aliases = AliasLimits::default();
    // A typed manifest replays few events through its aliases, if any; each replayed event costs
    // about as much as a parsed one, so this bounds a hostile one to a few milliseconds.
    aliases.max_total_replayed_events = 10_000;
    aliases.max_replay_stack_depth = 16;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits = aliases;
    options.with_snippet = false;
    options
}

/// The reader's message without the position it appends (the error names the line itself).
fn plain_message(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    let cut = first.find(" at line ").unwrap_or(first.len());
    first[..cut].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn reads_yaml_and_json_documents() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"1\"\n---\n# nothing\n---\n{\"kind\": \"Namespace\"}\n";
        let docs = documents(text).expect("parses");
        assert_eq!(
            docs,
            vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1"}}),
                json!({"kind": "Namespace"}),
            ]
        );
    }

    #[test]
    fn errors_name_their_line_like_kubectl_yaml_reader() {
        // kubectl: `error converting YAML to JSON: yaml: line 3: mapping values are not allowed
        // in this context` for a stray `key: value` on a scalar's line.
        let err = documents("apiVersion: v1\nkind: ConfigMap\nmetadata: name: a\n").expect_err("bad yaml");
        let ParseError::Yaml { line, message } = &err else { panic!("{err:?}") };
        assert_eq!(*line, 3, "{err}");
        assert!(!message.is_empty());
        assert!(err.to_string().starts_with("yaml: line 3: "), "{err}");
    }

    #[test]
    fn anchors_are_expanded_within_bounds() {
        let docs = documents("a: &x [1, 2]\nb: *x\n").expect("aliases");
        assert_eq!(docs, vec![json!({"a": [1, 2], "b": [1, 2]})]);
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let refs = [prev.as_str(); 10].join(", ");
            text += &["a", &i.to_string(), ": &a", &i.to_string(), " [", &refs, "]\n"].concat();
        }
        assert!(matches!(documents(&text), Err(ParseError::Yaml { .. })));
    }

    #[test]
    fn deep_nesting_and_huge_input_are_refused() {
        let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(documents(&deep), Err(ParseError::Yaml { .. })));
        let mut block = String::new();
        for depth in 0..200 {
            block.push_str(&" ".repeat(depth));
            block.push_str("a:\n");
        }
        assert!(matches!(documents(&block), Err(ParseError::Yaml { .. })));
        assert_eq!(documents(&"x".repeat(MAX_MANIFEST_BYTES + 1)), Err(ParseError::TooLarge));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever a player pastes, reading it returns (documents or an error); it never panics.
        #[test]
        fn any_text_reads_or_fails_without_panicking(text in "[-a-z:&*\\[\\]{}!|>'\" \n#,.0-9]{0,400}") {
            let _ = documents(&text);
        }
    }
}
