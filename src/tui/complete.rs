//! Tab completion at the console prompt, the way a shell completes kubectl: the last word of the
//! line becomes a verb, a subcommand, a resource type, an object name from the troubleshooter's
//! view, a flag or a flag's value, depending on the words before it. One match is taken with a
//! trailing space; several extend the word to what they share and are listed.
//!
//! Verbs, subcommands and flags come from the console's command table ([`verbs::COMMANDS`]), so
//! completion offers what the console runs and parses.

use crate::game::view::ObjectName;
use crate::sim::kind::Kind;
use crate::sim::kubectl::verbs::{self, Section};
use crate::sim::kubectl::{FlagSpec, flag};

/// The line after completing its last word, and the alternatives when it was ambiguous.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub candidates: Vec<String>,
}

/// More alternatives than this are not worth listing under a prompt.
const MAX_CANDIDATES: usize = 50;

/// The verbs a line can start with: every command of the table but those the console only
/// refuses (`edit`, `apply`, `replace`), which are not worth offering.
fn verb_words() -> Vec<String> {
    verbs::verbs().filter(|c| c.section != Section::Refused).map(verbs::Command::name).collect()
}

/// The subcommands of the group `verb` names (none for a plain command).
fn sub_words(verb: &str) -> Vec<String> {
    let Some(group) = verbs::find(&[verb]) else { return Vec::new() };
    verbs::subcommands(group).filter_map(|c| c.words.last()).map(|w| (*w).to_owned()).collect()
}
const PIPE_COMMANDS: &[&str] = &["grep", "head", "tail", "wc", "sort"];
/// What `exec POD --` can run in a container.
const EXEC_COMMANDS: &[&str] =
    &["cat", "curl", "env", "hostname", "id", "ls", "nslookup", "printenv", "ps", "sh", "wget", "whoami"];
/// What `ssh NODE --` can run on a node.
const NODE_COMMANDS: &[&str] = &[
    "apt-cache",
    "apt-get",
    "apt-mark",
    "cat",
    "cp",
    "crictl",
    "df",
    "dpkg",
    "du",
    "etcdctl",
    "free",
    "hostname",
    "journalctl",
    "kubeadm",
    "ls",
    "mv",
    "ps",
    "reboot",
    "rm",
    "sed",
    "swapoff",
    "swapon",
    "systemctl",
    "truncate",
    "uname",
    "uptime",
];
const SYSTEMCTL: &[&str] = &["status", "start", "stop", "restart"];

/// Flags the console takes that are not worth offering: `--context` and `--request-timeout`
/// change nothing in a one-cluster console, and `--dry-run` and `--filename` (with its
/// `--recursive`) are refused.
const NOT_OFFERED: &[FlagSpec] =
    &[flag::CONTEXT, flag::REQUEST_TIMEOUT, flag::DRY_RUN, flag::FILENAME, flag::RECURSIVE];

/// The flags of `verb` (and its subcommand, for command groups), the global ones first.
fn flags_of(verb: &str, sub: Option<&str>) -> Vec<FlagSpec> {
    let command = match sub {
        Some(sub) => verbs::find(&[verb, sub]),
        None => verbs::find(&[verb]),
    };
    let all = command.into_iter().flat_map(verbs::Command::all_flags);
    all.filter(|spec| !NOT_OFFERED.iter().any(|n| n.long == spec.long)).copied().collect()
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
        match spec {
            flag::NAMESPACE => self.namespace = Some(value),
            flag::ALL_NAMESPACES => self.all_namespaces = value != "false",
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
        let Some((&verb, rest)) = words.split_first() else { return verb_words() };
        // Aliases complete as the command they name (`log` as `logs`).
        let verb = verbs::find(&[verb]).and_then(|c| c.words.first().copied()).unwrap_or(verb);
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
        if at == 0 {
            let subs = sub_words(verb);
            if !subs.is_empty() {
                return subs;
            }
        }
        // A subcommand's first argument may be one of a few words (`create secret generic`).
        if at == 1
            && let Some(sub) = verbs::find(&[verb, first]).filter(|c| c.words.len() == 2 && !c.choices.is_empty())
        {
            return strings(sub.choices);
        }
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
                (1, Some(kind @ (Kind::Pod | Kind::Node))) => self.named(kind),
                _ => Vec::new(),
            },
            "auth" => match (at, first) {
                (1, "can-i") => strings(crate::sim::rbac::VERBS),
                (2, "can-i") => self.resources(&Kind::ALL, word),
                _ => Vec::new(),
            },
            "rollout" | "set" => match at {
                1 => self.resources(&[Kind::Deployment], word),
                2 if !before.get(1).is_some_and(|w| w.contains('/')) => {
                    before.get(1).copied().and_then(Kind::parse).map(|k| self.named(k)).unwrap_or_default()
                }
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
        let items: &[&str] = match (verb, spec) {
            ("get", flag::OUTPUT) => &["json", "yaml", "wide", "name", "jsonpath=", "custom-columns="],
            (_, flag::OUTPUT) => &["json", "yaml", "name"],
            (_, flag::NAMESPACE) => return self.namespaces(),
            ("patch", flag::TYPE) => &["strategic", "merge", "json"],
            ("delete", flag::CASCADE) => &["background", "foreground", "orphan"],
            ("top", flag::SORT_BY) => &["cpu", "memory"],
            ("events", flag::TYPES) => &["Normal", "Warning"],
            ("events", flag::FOR) => return Kind::ALL.iter().flat_map(|k| self.as_resource(*k)).collect(),
            ("create", flag::VERB) => crate::sim::rbac::VERBS,
            ("create", flag::RESOURCE) => return Kind::ALL.iter().map(|k| k.plural().to_owned()).collect(),
            ("create", flag::SERVICEACCOUNT) => {
                return self
                    .visible(Kind::ServiceAccount)
                    .map(|o| {
                        format!("{}:{}", if o.namespace.is_empty() { &self.namespace } else { &o.namespace }, o.name)
                    })
                    .collect();
            }
            ("create", flag::ROLE) => return self.named(Kind::Role),
            ("create", flag::CLUSTERROLE) => return self.named(Kind::ClusterRole),
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
        ("ssh", [.., "apt-get" | "apt"]) => strings(&["install", "update", "upgrade"]),
        ("ssh", [.., "apt-mark"]) => strings(&["hold", "showhold", "unhold"]),
        ("ssh", [.., "apt-cache"]) => strings(&["madison", "policy"]),
        ("ssh", words)
            if words
                .windows(2)
                .any(|w| matches!(w, ["apt-get" | "apt", "install"] | ["apt-mark", "hold" | "unhold"])) =>
        {
            strings(&crate::sim::objects::KUBERNETES_PACKAGES)
        }
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
