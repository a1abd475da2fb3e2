//! kubectl's own options (`kubectl options`): the flags every command takes, before or after its
//! verb (`kubectl -n shop get pods`). Finding the verb past flags is cobra's: a flag kubectl's
//! root does not know is taken to swallow the word after it, so `kubectl -A get pods` names the
//! command `pods`, as real kubectl answers (`-A` belongs to `get`, not to kubectl).

use std::fmt::Write as _;

use super::args::{FlagSpec, GLOBAL};
use super::{Done, KubectlError, flag};
use crate::sim::cluster::Cluster;

/// The options kubectl takes on every command besides [`GLOBAL`]'s, as `kubectl options` lists
/// them. They are accepted everywhere and mostly change nothing in this console; the ones that
/// name the kubeconfig's entries are checked against it (`super::config::check_options`).
pub const OPTIONS: &[FlagSpec] = &[
    flag::AS,
    flag::AS_GROUP,
    flag::AS_UID,
    flag::CACHE_DIR,
    flag::CERTIFICATE_AUTHORITY,
    flag::CLIENT_CERTIFICATE,
    flag::CLIENT_KEY,
    flag::CLUSTER,
    flag::DISABLE_COMPRESSION,
    flag::INSECURE_SKIP_TLS_VERIFY,
    flag::KUBECONFIG,
    flag::LOG_FLUSH_FREQUENCY,
    flag::MATCH_SERVER_VERSION,
    flag::PASSWORD,
    flag::PROFILE,
    flag::PROFILE_OUTPUT,
    flag::SERVER,
    flag::TLS_SERVER_NAME,
    flag::TOKEN,
    flag::USER,
    flag::USERNAME,
    flag::VERBOSITY,
    flag::VMODULE,
    flag::WARNINGS_AS_ERRORS,
];

/// The flags kubectl's root command knows: the options and the global flags except `-A`, which
/// each listing command declares for itself.
fn root_flags() -> impl Iterator<Item = &'static FlagSpec> {
    GLOBAL.iter().filter(|f| **f != flag::ALL_NAMESPACES).chain(OPTIONS)
}

/// Whether the root knows `--long` as a switch (which takes no value after it).
fn root_switch_long(long: &str) -> bool {
    long == "help" || root_flags().any(|f| f.long == long && !f.takes_value)
}

fn root_switch_short(short: char) -> bool {
    short == 'h' || root_flags().any(|f| f.short == Some(short) && !f.takes_value)
}

/// Where the command's first word is, when flags come before it: cobra's `stripFlags` over the
/// root's flags. A `--flag` or two-letter `-f` without `=` that the root does not know as a
/// switch takes the next word as its value.
fn command_word(tokens: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < tokens.len() {
        let word = &tokens[i];
        i += 1;
        if word == "--" {
            return None;
        }
        if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') && !root_switch_long(long) {
                i += 1;
            }
        } else if let Some(short) = word.strip_prefix('-') {
            let mut chars = short.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && !root_switch_short(c)
            {
                i += 1;
            }
        } else if !word.is_empty() {
            return Some(i - 1);
        }
    }
    None
}

/// A line's tokens with the command's first word first, as cobra finds it past the flags
/// before it (`-n shop get pods` → `get -n shop pods`); the flags then parse with the command's
/// own. A line with flags and no command is kubectl's bare root: an unknown flag's error, or
/// the help (`kubectl -n shop`).
pub fn hoist_verb(tokens: Vec<String>) -> Result<Vec<String>, KubectlError> {
    let starts_with_flag = tokens.first().is_some_and(|t| t.starts_with('-') && t != "--help" && t != "-h");
    if !starts_with_flag {
        return Ok(tokens);
    }
    let Some(at) = command_word(&tokens) else {
        let specs: Vec<FlagSpec> = root_flags().copied().collect();
        super::Args::parse(&tokens, &specs)?;
        return Ok(vec!["help".to_owned()]);
    };
    let mut tokens = tokens;
    let verb = tokens.remove(at);
    tokens.insert(0, verb);
    Ok(tokens)
}

/// `kubectl options`: the flags every command takes.
pub fn options(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let parsed = super::Args::parse(args, &[])?;
    if let Some(word) = parsed.positional.first() {
        return Err(KubectlError::msg(format!("error: unknown command \"{word}\" for \"kubectl options\"")));
    }
    let mut text = String::from("The following options can be passed to any command:\n\n");
    let mut all: Vec<&FlagSpec> = root_flags().collect();
    all.sort_by_key(|f| f.long);
    for f in all {
        let short = f.short.map_or_else(|| "    ".to_owned(), |c| format!("-{c}, "));
        let default = if f.takes_value { "''" } else { "false" };
        let _ = writeln!(text, "    {short}--{}={default}", f.long);
    }
    Done::read(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_before_the_verb_move_behind_it_as_cobra_finds_the_command() {
        assert_eq!(hoist_verb(toks("-n shop get pods")), Ok(toks("get -n shop pods")));
        assert_eq!(hoist_verb(toks("--namespace=shop get pods")), Ok(toks("get --namespace=shop pods")));
        assert_eq!(hoist_verb(toks("-nshop get pods")), Ok(toks("get -nshop pods")));
        assert_eq!(
            hoist_verb(toks("--context kubernetes-admin@kubernetes -v 6 rollout status deploy/web")),
            Ok(toks("rollout --context kubernetes-admin@kubernetes -v 6 status deploy/web"))
        );
        assert_eq!(
            hoist_verb(toks("--insecure-skip-tls-verify get pods")),
            Ok(toks("get --insecure-skip-tls-verify pods"))
        );
        assert_eq!(hoist_verb(toks("get pods -n shop")), Ok(toks("get pods -n shop")));
        assert_eq!(hoist_verb(toks("--help")), Ok(toks("--help")));
    }

    #[test]
    fn a_flag_the_root_does_not_know_swallows_the_next_word_as_in_kubectl() {
        // `kubectl -A get pods`: -A is get's flag, so cobra takes `get` as its value and
        // looks for a command named `pods`.
        assert_eq!(hoist_verb(toks("-A get pods")), Ok(toks("pods -A get")));
        assert_eq!(hoist_verb(toks("--frob get pods")), Ok(toks("pods --frob get")));
    }

    #[test]
    fn flags_without_a_command_are_the_roots() {
        assert_eq!(hoist_verb(toks("-n shop")), Ok(toks("help")));
        assert_eq!(
            hoist_verb(toks("--frob=1")),
            Err(KubectlError::msg("error: unknown flag: --frob\nSee 'kubectl --help' for usage."))
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::hoist_verb;

    proptest! {
        /// Finding the verb past flags never panics and only reorders the words.
        #[test]
        fn hoisting_only_reorders_words(words in prop::collection::vec(
            prop_oneof![
                Just("-n".to_owned()), Just("-A".to_owned()), Just("--context".to_owned()),
                Just("-v=6".to_owned()), Just("--".to_owned()), Just("--help".to_owned()),
                "[a-z-]{0,6}", "-[a-zA-Z]{1,3}", "--[a-z-]{1,8}(=[a-z]{0,3})?",
            ],
            0..8,
        )) {
            if let Ok(hoisted) = hoist_verb(words.clone())
                && hoisted != ["help"]
            {
                let mut before = words.clone();
                let mut after = hoisted.clone();
                before.sort();
                after.sort();
                prop_assert_eq!(before, after);
            }
        }
    }
}
