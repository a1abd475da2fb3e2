//! Tab completion at the console prompt, the way a shell completes kubectl: the last word of the
//! line becomes a verb, a subcommand, a resource type, an object name from the troubleshooter's
//! view, a flag or a flag's value, depending on the words before it. One match is taken with a
//! trailing space; several extend the word to what they share and are listed.
//!
//! Flags come from the console's own tables ([`kubectl::flags_for`]), so completion offers what
//! the console parses.

use crate::game::view::ObjectName;
use crate::sim::kind::Kind;
use crate::sim::kubectl::{self, FlagSpec};

/// The line after completing its last word, and the alternatives when it was ambiguous.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub candidates: Vec<String>,
}

/// More alternatives than this are not worth listing under a prompt.
const MAX_CANDIDATES: usize = 50;

/// The commands the console runs, as a player would type them first.
const VERBS: &[&str] = &[
    "annotate", "auth", "cordon", "create", "curl", "delete", "describe", "drain", "events", "exec", "get", "help",
    "label", "logs", "nslookup", "patch", "rollout", "scale", "set", "ssh", "taint", "top", "uncordon", "version",
    "wget",
];

const ROLLOUT_SUBS: &[&str] = &["status", "history", "undo", "restart", "pause", "resume"];
const SET_SUBS: &[&str] = &["image", "env", "resources"];
const TOP_SUBS: &[&str] = &["pods", "nodes"];
const AUTH_SUBS: &[&str] = &["can-i", "whoami"];
const CREATE_SUBS: &[&str] = &[
    "configmap",
    "secret",
    "namespace",
    "serviceaccount",
    "role",
    "clusterrole",
    "rolebinding",
    "clusterrolebinding",
    "deployment",
];
const SECRET_TYPES: &[&str] = &["generic", "docker-registry", "tls"];
const PIPE_COMMANDS: &[&str] = &["grep", "head", "tail", "wc", "sort"];
/// What `exec POD --` can run in a container.
const EXEC_COMMANDS: &[&str] =
    &["cat", "curl", "env", "hostname", "id", "ls", "nslookup", "printenv", "ps", "sh", "wget", "whoami"];
/// What `ssh NODE --` can run on a node.
const NODE_COMMANDS: &[&str] = &[
    "cat",
    "crictl",
    "df",
    "du",
    "free",
    "hostname",
    "journalctl",
    "ls",
    "ps",
    "rm",
    "systemctl",
    "truncate",
    "uptime",
];
const SYSTEMCTL: &[&str] = &["status", "start", "stop", "restart"];

/// Flags the console takes that are not worth offering: `--context` and `--request-timeout`
/// change nothing in a one-cluster console, and `--dry-run` and `--filename` (with its
/// `--recursive`) are refused.
const NOT_OFFERED: &[&str] = &["context", "request-timeout", "dry-run", "filename", "recursive"];

/// The flags of `verb` (and its subcommand, for command groups), the global ones first.
fn flags_of(verb: &str, sub: Option<&str>) -> Vec<FlagSpec> {
    let own = match sub {
        Some(sub) => kubectl::flags_for(&[verb, sub]),
        None => kubectl::flags_for(&[verb]),
    };
    // The debug-pod commands parse no flags but `-n`; a node shell parses none.
    let global = kubectl::GLOBAL.iter().filter(|spec| match verb {
        "curl" | "wget" | "nslookup" => spec.long == "namespace",
        "ssh" | "version" | "help" => false,
        _ => true,
    });
    global.chain(own.unwrap_or_default()).filter(|spec| !NOT_OFFERED.contains(&spec.long)).copied().collect()
}

/// Completes the last word of `line` (the cursor is taken to be at its end).
pub fn complete(line: &str, names: &[ObjectName]) -> Completion {
    let (head, word) = line.split_at(word_start(line));
    let options = match head.rfind('|') {
        Some(at) if head[at + 1..].trim().is_empty() => strings(PIPE_COMMANDS),
        Some(_) => Vec::new(),
        None => {
            let words: Vec<&str> = head.split_whitespace().collect();
            let words = match words.split_first() {
                Some((&("kubectl" | "k"), rest)) => rest,
                _ => &words[..],
            };
            Scope::new(names).options(words, word)
        }
    };
    finish(line, head, word, options)
}

/// Where the last word begins: after the last blank, or after a pipe (`get pods|gr`).
fn word_start(line: &str) -> usize {
    line.char_indices().rfind(|(_, c)| c.is_whitespace() || *c == '|').map_or(0, |(at, c)| at + c.len_utf8())
}

/// Keeps the options that extend `word` and applies them to the line.
fn finish(line: &str, head: &str, word: &str, mut options: Vec<String>) -> Completion {
    options.retain(|o| o.starts_with(word));
    options.sort();
    options.dedup();
    let line = match options.as_slice() {
        [] => line.to_owned(),
        [only] => {
            // `deploy/` and `--namespace=` want their value next, not a space.
            let space = if only.ends_with(['/', '=']) { "" } else { " " };
            return Completion { line: format!("{head}{only}{space}"), candidates: Vec::new() };
        }
        [first, rest @ ..] => {
            let shared = rest.iter().fold(first.len(), |end, o| end.min(common_len(first, o)));
            format!("{head}{}", first.get(..shared).unwrap_or(word))
        }
    };
    options.truncate(MAX_CANDIDATES);
    Completion { line, candidates: options }
}

/// How many bytes `a` and `b` share from the start, on a character boundary.
fn common_len(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The words of a command after its verb, read against the verb's flags.
#[derive(Default)]
struct Parsed<'a> {
    positional: Vec<&'a str>,
    namespace: Option<&'a str>,
    all_namespaces: bool,
    /// The flag whose value the next word is.
    pending: Option<FlagSpec>,
    /// Words after `--`: a command for a container or a node.
    command: Option<Vec<&'a str>>,
}

impl<'a> Parsed<'a> {
    fn set(&mut self, spec: FlagSpec, value: &'a str) {
        match spec.long {
            "namespace" => self.namespace = Some(value),
            "all-namespaces" => self.all_namespaces = value != "false",
            _ => {}
        }
    }
}

fn parse<'a>(rest: &[&'a str], specs: &[FlagSpec]) -> Parsed<'a> {
    let mut p = Parsed::default();
    for (i, &tok) in rest.iter().enumerate() {
        if let Some(spec) = p.pending.take() {
            p.set(spec, tok);
        } else if tok == "--" {
            p.command = Some(rest.get(i + 1..).unwrap_or_default().to_vec());
            return p;
        } else if let Some(long) = tok.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(spec) = specs.iter().find(|s| s.long == name).copied() {
                match (spec.takes_value, inline) {
                    (true, None) => p.pending = Some(spec),
                    (_, value) => p.set(spec, value.unwrap_or("true")),
                }
            }
        } else if let Some(body) = tok.strip_prefix('-').filter(|b| !b.is_empty()) {
            // Bundled shorthands: the first one that takes a value takes the rest of the word.
            for (at, c) in body.char_indices() {
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)).copied() else { continue };
                if !spec.takes_value {
                    p.set(spec, "true");
                    continue;
                }
                let value = body.get(at + c.len_utf8()..).unwrap_or_default();
                let value = value.strip_prefix('=').unwrap_or(value);
                if value.is_empty() {
                    p.pending = Some(spec);
                } else {
                    p.set(spec, value);
                }
                break;
            }
        } else {
            p.positional.push(tok);
        }
    }
    p
}

/// The objects the player could name, and which namespace the line is about.
struct Scope<'a> {
    names: &'a [ObjectName],
    namespace: String,
    all_namespaces: bool,
}

impl<'a> Scope<'a> {
    fn new(names: &'a [ObjectName]) -> Scope<'a> {
        Scope { names, namespace: "default".to_owned(), all_namespaces: false }
    }

    /// Every option for the word after `words` (the verb first), before matching the word.
    fn options(mut self, words: &[&str], word: &str) -> Vec<String> {
        let Some((&verb, rest)) = words.split_first() else { return strings(VERBS) };
        let verb = if verb == "log" { "logs" } else { verb };
        // The subcommand of a group is its first positional word: find it, then read the line
        // again with that subcommand's flags.
        let sub = parse(rest, &flags_of(verb, None)).positional.first().copied();
        let specs = flags_of(verb, sub);
        let parsed = parse(rest, &specs);
        if let Some(ns) = parsed.namespace {
            ns.clone_into(&mut self.namespace);
        }
        self.all_namespaces = parsed.all_namespaces;
        if let Some(command) = &parsed.command {
            return command_options(verb, command);
        }
        if let Some(spec) = parsed.pending {
            return self.values(verb, spec);
        }
        if let Some(flag) = word.strip_prefix("--").and_then(|w| w.split_once('=')).map(|(name, _)| name) {
            let Some(spec) = specs.iter().find(|s| s.long == flag && s.takes_value) else { return Vec::new() };
            return self.values(verb, *spec).into_iter().map(|v| format!("--{flag}={v}")).collect();
        }
        if word.starts_with('-') {
            return flag_words(&specs);
        }
        self.positional(verb, &parsed.positional, word)
    }

    /// What the next positional word can be.
    fn positional(&self, verb: &str, before: &[&str], word: &str) -> Vec<String> {
        let at = before.len();
        let first = before.first().copied().unwrap_or_default();
        match verb {
            "get" | "describe" | "delete" | "edit" => {
                if at > 0 && !first.contains(['/', ',']) {
                    return match Kind::parse(first) {
                        Some(kind) => self.unnamed(kind, before),
                        None => Vec::new(),
                    };
                }
                self.resources(&Kind::ALL, word)
            }
            "label" | "annotate" | "patch" | "scale" => match at {
                0 => self.resources(&Kind::ALL, word),
                1 if !first.contains('/') => Kind::parse(first).map(|k| self.unnamed(k, before)).unwrap_or_default(),
                _ => Vec::new(),
            },
            "taint" => match at {
                0 => self.resources(&[Kind::Node], word),
                _ if Kind::parse(first) == Some(Kind::Node) && !first.contains('/') => self.unnamed(Kind::Node, before),
                _ => Vec::new(),
            },
            "cordon" | "uncordon" | "drain" => self.unnamed(Kind::Node, before),
            "ssh" if at == 0 => self.named(Kind::Node),
            "logs" | "exec" if at == 0 => {
                let mut out = if word.contains('/') { self.resources(&Kind::ALL, word) } else { Vec::new() };
                out.extend(self.named(Kind::Pod));
                out.push("deploy/".to_owned());
                out
            }
            "ssh" | "exec" if at == 1 => vec!["--".to_owned()],
            "top" => match (at, Kind::parse(first)) {
                (0, _) => strings(TOP_SUBS),
                (1, Some(kind @ (Kind::Pod | Kind::Node))) => self.named(kind),
                _ => Vec::new(),
            },
            "auth" => match (at, first) {
                (0, _) => strings(AUTH_SUBS),
                (1, "can-i") => strings(crate::sim::rbac::VERBS),
                (2, "can-i") => self.resources(&Kind::ALL, word),
                _ => Vec::new(),
            },
            "rollout" | "set" => {
                let subs = if verb == "rollout" { ROLLOUT_SUBS } else { SET_SUBS };
                match at {
                    0 => strings(subs),
                    1 => self.resources(&[Kind::Deployment], word),
                    2 if !before.get(1).is_some_and(|w| w.contains('/')) => {
                        before.get(1).copied().and_then(Kind::parse).map(|k| self.named(k)).unwrap_or_default()
                    }
                    _ => Vec::new(),
                }
            }
            "create" => match (at, first) {
                (0, _) => strings(CREATE_SUBS),
                (1, "secret") => strings(SECRET_TYPES),
                _ => Vec::new(),
            },
            "curl" | "wget" if at == 0 => {
                self.named(Kind::Service).into_iter().map(|s| format!("http://{s}")).collect()
            }
            "nslookup" if at == 0 => self.named(Kind::Service),
            _ => Vec::new(),
        }
    }

    /// What may follow a flag that takes a value.
    fn values(&self, verb: &str, spec: FlagSpec) -> Vec<String> {
        let items: &[&str] = match (verb, spec.long) {
            ("get", "output") => &["json", "yaml", "wide", "name", "jsonpath=", "custom-columns="],
            (_, "output") => &["json", "yaml", "name"],
            (_, "namespace") => return self.namespaces(),
            ("patch", "type") => &["strategic", "merge", "json"],
            ("delete", "cascade") => &["background", "foreground", "orphan"],
            ("top", "sort-by") => &["cpu", "memory"],
            ("events", "types") => &["Normal", "Warning"],
            ("events", "for") => return Kind::ALL.iter().flat_map(|k| self.as_resource(*k)).collect(),
            ("create", "verb") => crate::sim::rbac::VERBS,
            ("create", "resource") => return Kind::ALL.iter().map(|k| k.plural().to_owned()).collect(),
            ("create", "serviceaccount") => {
                return self
                    .visible(Kind::ServiceAccount)
                    .map(|o| {
                        format!("{}:{}", if o.namespace.is_empty() { &self.namespace } else { &o.namespace }, o.name)
                    })
                    .collect();
            }
            ("create", "role") => return self.named(Kind::Role),
            ("create", "clusterrole") => return self.named(Kind::ClusterRole),
            _ => &[],
        };
        strings(items)
    }

    /// Resource types (plural, singular, short) of `kinds`, or `type/name` once the word has a
    /// slash. A comma list (`pods,svc`) completes its last type.
    fn resources(&self, kinds: &[Kind], word: &str) -> Vec<String> {
        if let Some((ty, _)) = word.split_once('/') {
            return match Kind::parse(ty).filter(|k| kinds.contains(k)) {
                Some(kind) => self.named(kind).into_iter().map(|n| format!("{ty}/{n}")).collect(),
                None => Vec::new(),
            };
        }
        let before = word.rfind(',').map_or("", |at| &word[..=at]);
        kinds
            .iter()
            .flat_map(|k| [k.plural(), k.singular()].into_iter().chain(k.short_names().iter().copied()))
            .map(|t| format!("{before}{t}"))
            .collect()
    }

    /// `kind/name` for every visible object of `kind`, as `events --for` takes them.
    fn as_resource(&self, kind: Kind) -> Vec<String> {
        let ty = kind.singular();
        self.named(kind).into_iter().map(|n| format!("{ty}/{n}")).collect()
    }

    /// Names of `kind` not already on the line.
    fn unnamed(&self, kind: Kind, before: &[&str]) -> Vec<String> {
        self.named(kind).into_iter().filter(|n| !before.contains(&n.as_str())).collect()
    }

    /// The names of the objects of `kind` in the line's namespace (or every namespace).
    fn named(&self, kind: Kind) -> Vec<String> {
        self.visible(kind).map(|o| o.name.clone()).collect()
    }

    fn visible(&self, kind: Kind) -> impl Iterator<Item = &'a ObjectName> + '_ {
        self.names.iter().filter(move |o| {
            o.kind == kind
                && typable(&o.name)
                && (self.all_namespaces
                    || o.namespace.is_empty()
                    || !kind.namespaced()
                    || o.namespace == self.namespace)
        })
    }

    /// Namespaces, whether listed as objects or only seen on them.
    fn namespaces(&self) -> Vec<String> {
        let listed = self.names.iter().filter(|o| o.kind == Kind::Namespace).map(|o| o.name.as_str());
        let seen = self.names.iter().map(|o| o.namespace.as_str()).filter(|ns| !ns.is_empty());
        listed.chain(seen).filter(|n| typable(n)).map(str::to_owned).collect()
    }
}

/// After `--`: what a container or a node can run.
fn command_options(verb: &str, command: &[&str]) -> Vec<String> {
    match (verb, command) {
        ("exec", []) => strings(EXEC_COMMANDS),
        ("ssh", [] | ["sudo"]) => strings(NODE_COMMANDS),
        ("ssh", [.., "systemctl"]) => strings(SYSTEMCTL),
        ("ssh", [.., "systemctl", _] | [.., "journalctl", "-u"]) => vec!["kubelet".to_owned()],
        ("ssh", [.., "journalctl"]) => vec!["-u".to_owned()],
        _ => Vec::new(),
    }
}

/// A name can be completed when it is one word of printable characters.
fn typable(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control() || c == '|')
}

/// `--long` (with `=` when it takes a value) and `-s` for each flag.
fn flag_words(specs: &[FlagSpec]) -> Vec<String> {
    let mut out = Vec::new();
    for spec in specs {
        out.push(format!("--{}{}", spec.long, if spec.takes_value { "=" } else { "" }));
        if let Some(c) = spec.short {
            out.push(format!("-{c}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
