//! Flag parsing as cobra does it for kubectl: `--flag=value`, `--flag value`, `-n value`,
//! `-nvalue`, `-ojson`, bundled boolean shorthands, and `--` ending flags. Each command declares
//! the flags it takes; anything else is `error: unknown flag`.

use std::collections::BTreeMap;

use super::{KubectlError, flag};

/// One flag a command accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

impl FlagSpec {
    pub const fn value(long: &'static str, short: Option<char>) -> Self {
        FlagSpec { long, short, takes_value: true }
    }
    pub const fn switch(long: &'static str, short: Option<char>) -> Self {
        FlagSpec { long, short, takes_value: false }
    }
}

/// Flags every command accepts and lists in its help (kubectl's other options,
/// [`super::global::OPTIONS`], are accepted too).
pub const GLOBAL: &[FlagSpec] = &[flag::NAMESPACE, flag::ALL_NAMESPACES, flag::CONTEXT, flag::REQUEST_TIMEOUT];

/// A parsed command line: positional words, flags (by long name), and words after `--`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: BTreeMap<&'static str, Vec<String>>,
    pub after_dashdash: Vec<String>,
}

impl Args {
    /// Parses `tokens` against the command's flags plus the global ones.
    pub fn parse(tokens: &[String], specs: &[FlagSpec]) -> Result<Args, KubectlError> {
        let all = || GLOBAL.iter().chain(super::global::OPTIONS).chain(specs.iter());
        let mut args = Args::default();
        let mut i = 0;
        while i < tokens.len() {
            let tok = &tokens[i];
            i += 1;
            if tok == "--" {
                args.after_dashdash = tokens[i..].to_vec();
                break;
            }
            if let Some(long) = tok.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (long, None),
                };
                let spec = all().find(|s| s.long == name).ok_or_else(|| {
                    KubectlError::msg(format!("error: unknown flag: --{name}\nSee 'kubectl --help' for usage."))
                })?;
                let value = if spec.takes_value {
                    if let Some(v) = inline {
                        v
                    } else {
                        let v = tokens
                            .get(i)
                            .ok_or_else(|| KubectlError::msg(format!("error: flag needs an argument: --{name}")))?;
                        i += 1;
                        v.clone()
                    }
                } else {
                    match inline.as_deref() {
                        None | Some("true") => "true".to_owned(),
                        Some("false") => "false".to_owned(),
                        Some(v) => {
                            return Err(KubectlError::msg(format!(
                                "error: invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
                            )));
                        }
                    }
                };
                args.flags.entry(spec.long).or_default().push(value);
            } else if tok.len() > 1 && tok.starts_with('-') && !is_negative_number(tok) {
                let body = &tok[1..];
                let chars = body.char_indices();
                for (pos, c) in chars {
                    let spec = all().find(|s| s.short == Some(c)).ok_or_else(|| {
                        KubectlError::msg(format!(
                            "error: unknown shorthand flag: '{c}' in -{body}\nSee 'kubectl --help' for usage."
                        ))
                    })?;
                    if spec.takes_value {
                        let rest = &body[pos + c.len_utf8()..];
                        let rest = rest.strip_prefix('=').unwrap_or(rest);
                        let value = if rest.is_empty() {
                            let v = tokens.get(i).ok_or_else(|| {
                                KubectlError::msg(format!("error: flag needs an argument: '{c}' in -{c}"))
                            })?;
                            i += 1;
                            v.clone()
                        } else {
                            rest.to_owned()
                        };
                        args.flags.entry(spec.long).or_default().push(value);
                        break;
                    }
                    // `-w=false`: a switch's shorthand with its value.
                    if let Some(value) = body[pos + c.len_utf8()..].strip_prefix('=') {
                        let value = match value {
                            "true" | "false" => value.to_owned(),
                            v => {
                                return Err(KubectlError::msg(format!(
                                    "error: invalid argument \"{v}\" for \"-{c}, --{}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax",
                                    spec.long
                                )));
                            }
                        };
                        args.flags.entry(spec.long).or_default().push(value);
                        break;
                    }
                    args.flags.entry(spec.long).or_default().push("true".to_owned());
                }
            } else {
                args.positional.push(tok.clone());
            }
        }
        Ok(args)
    }

    /// The last value given for a flag.
    pub fn value(&self, flag: FlagSpec) -> Option<&str> {
        self.flags.get(flag.long).and_then(|v| v.last()).map(String::as_str)
    }

    /// Every value given for a repeatable flag.
    pub fn values(&self, flag: FlagSpec) -> &[String] {
        self.flags.get(flag.long).map_or(&[], Vec::as_slice)
    }

    pub fn switch(&self, flag: FlagSpec) -> bool {
        self.value(flag).is_some_and(|v| v == "true")
    }

    /// The namespace to use: `-n`, else `default`.
    pub fn namespace(&self) -> &str {
        self.value(flag::NAMESPACE).unwrap_or("default")
    }

    pub fn all_namespaces(&self) -> bool {
        self.switch(flag::ALL_NAMESPACES)
    }

    /// A numeric flag, with kubectl's error for a bad number.
    pub fn number<T: std::str::FromStr>(&self, flag: FlagSpec) -> Result<Option<T>, KubectlError> {
        match self.value(flag) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                KubectlError::msg(format!(
                    "error: invalid argument \"{v}\" for \"--{}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax",
                    flag.long
                ))
            }),
        }
    }
}

fn is_negative_number(tok: &str) -> bool {
    tok[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    const SPECS: &[FlagSpec] = &[flag::OUTPUT, flag::WATCH, flag::SELECTOR];

    #[test]
    fn parses_the_forms_cobra_accepts() {
        let a = Args::parse(&toks("pods -n shop -owide --selector=app=web -Aw x -- cat /etc/hosts"), SPECS)
            .expect("parses");
        assert_eq!(a.positional, ["pods", "x"]);
        assert_eq!(a.namespace(), "shop");
        assert_eq!(a.value(flag::OUTPUT), Some("wide"));
        assert_eq!(a.value(flag::SELECTOR), Some("app=web"));
        assert!(a.all_namespaces() && a.switch(flag::WATCH));
        assert_eq!(a.after_dashdash, ["cat", "/etc/hosts"]);
    }

    #[test]
    fn unknown_and_incomplete_flags_get_kubectls_errors() {
        assert_eq!(
            Args::parse(&toks("pods --foo"), SPECS),
            Err(KubectlError::msg("error: unknown flag: --foo\nSee 'kubectl --help' for usage."))
        );
        assert_eq!(
            Args::parse(&toks("pods -z"), SPECS),
            Err(KubectlError::msg("error: unknown shorthand flag: 'z' in -z\nSee 'kubectl --help' for usage."))
        );
        assert_eq!(
            Args::parse(&toks("pods -n"), SPECS),
            Err(KubectlError::msg("error: flag needs an argument: 'n' in -n"))
        );
    }
}
