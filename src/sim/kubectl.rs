//! The `kubectl`-like console: tokenizes a command line with shell quoting, parses flags the way
//! kubectl (cobra) does, runs the command against the cluster and returns its text, whether it
//! changed the cluster and what it cost. Unknown or malformed input gets kubectl's own wording.

mod args;
mod auth;
mod describe;
mod exec;
pub mod flag;
mod get;
mod logs;
mod mutate;
mod node_shell;
mod rollout;
pub mod table;

pub use args::{Args, FlagSpec, GLOBAL};

use super::change::ApiError;
use super::cluster::Cluster;

/// What running one command line produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub output: String,
    /// Whether the command changed the cluster.
    pub changed: bool,
    /// Action points: reads are cheap, changes dearer.
    pub cost: u32,
    /// False when the command failed (its output is then the error text).
    pub ok: bool,
}

pub const READ_COST: u32 = 1;
pub const CHANGE_COST: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KubectlError {
    /// Printed as is (kubectl's client-side errors all start with `error:`).
    #[error("{0}")]
    Message(String),
    #[error("{0}")]
    Api(#[from] ApiError),
}

impl KubectlError {
    pub fn msg(text: impl Into<String>) -> Self {
        KubectlError::Message(text.into())
    }
}

/// A command's successful result.
pub struct Done {
    pub output: String,
    pub changed: bool,
    /// Part of the command failed after other parts changed the cluster (a drain that cordoned
    /// but could not evict): the exit status is an error, and the change still costs.
    pub failed: bool,
}

impl Done {
    pub fn read(output: impl Into<String>) -> Result<Done, KubectlError> {
        Ok(Done { output: output.into(), changed: false, failed: false })
    }
    pub fn changed(output: impl Into<String>) -> Result<Done, KubectlError> {
        Ok(Done { output: output.into(), changed: true, failed: false })
    }
}

/// Commands whose success changes the cluster, for costing a command before it runs.
const CHANGING: &[&str] = &[
    "set",
    "scale",
    "patch",
    "label",
    "annotate",
    "delete",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "create",
    "autoscale",
    "edit",
    "apply",
    "replace",
];

fn verb_cost(verb: &str, rest: &[String]) -> u32 {
    let is_change_verb = CHANGING.contains(&verb)
        || (verb == "rollout" && rest.first().is_some_and(|s| s != "status" && s != "history"))
        || (verb == "ssh"
            && rest.iter().any(|w| matches!(w.as_str(), "start" | "stop" | "restart" | "rm" | "truncate")));
    if is_change_verb { CHANGE_COST } else { READ_COST }
}

/// What a line will cost before it runs: reads are cheap, changes dearer.
pub fn cost_of(line: &str) -> u32 {
    let (command, _) = split_pipes(line);
    let Some(tokens) = shlex::split(command) else { return READ_COST };
    let tokens: &[String] =
        if tokens.first().is_some_and(|t| t == "kubectl" || t == "k") { &tokens[1..] } else { &tokens };
    match tokens.split_first() {
        Some((verb, rest)) => verb_cost(verb, rest),
        None => 0,
    }
}

/// The flags the console parses a command with, besides [`GLOBAL`]. `path` is the command's
/// words as typed (`["get"]`, `["rollout", "status"]`, `["create", "secret", "generic"]`); words
/// past those that choose the table are ignored. `None` when the command parses no flags of its
/// own, or is a group (`rollout`, `set`) without a subcommand it knows; `create` alone has the
/// flags all its subcommands share.
pub fn flags_for(path: &[&str]) -> Option<&'static [FlagSpec]> {
    let (&verb, rest) = path.split_first()?;
    match verb {
        "get" => Some(get::FLAGS),
        "describe" => Some(describe::FLAGS),
        "events" => Some(describe::EVENT_FLAGS),
        "logs" | "log" => Some(logs::FLAGS),
        "top" => Some(logs::top::FLAGS),
        "auth" => Some(auth::FLAGS),
        "exec" => Some(exec::FLAGS),
        "rollout" => match *rest.first()? {
            "status" => Some(rollout::STATUS_FLAGS),
            "history" => Some(rollout::HISTORY_FLAGS),
            "undo" => Some(rollout::UNDO_FLAGS),
            "restart" | "pause" | "resume" => Some(rollout::PLAIN_FLAGS),
            _ => None,
        },
        _ => mutate::flags_for(verb, rest),
    }
}

/// Runs one console line against the cluster.
pub fn run(cluster: &mut Cluster, line: &str) -> Outcome {
    let (command, filters) = split_pipes(line);
    let Some(tokens) = shlex::split(command) else {
        return failure("error: unterminated quote in command line".to_owned(), READ_COST);
    };
    let mut tokens: &[String] = &tokens;
    if tokens.first().is_some_and(|t| t == "kubectl" || t == "k") {
        tokens = &tokens[1..];
    }
    let Some(verb) = tokens.first() else {
        return Outcome { output: String::new(), changed: false, cost: 0, ok: true };
    };
    let rest = &tokens[1..];
    let cost = verb_cost(verb, rest);
    let result = match verb.as_str() {
        "get" => get::run(cluster, rest),
        "describe" => describe::run(cluster, rest),
        "logs" | "log" => logs::run(cluster, rest),
        "events" => describe::events(cluster, rest),
        "top" => logs::top(cluster, rest),
        "auth" => auth::run(cluster, rest),
        "exec" => exec::run(cluster, rest),
        "curl" | "wget" | "nslookup" => exec::debug_pod(cluster, tokens),
        "ssh" => node_shell::run(cluster, rest),
        "rollout" => rollout::run(cluster, rest),
        "set" | "scale" | "patch" | "label" | "annotate" | "delete" | "cordon" | "uncordon" | "drain" | "taint"
        | "create" => mutate::run(cluster, verb, rest),
        "edit" => Err(KubectlError::msg(
            "error: edit needs an editor, which this console does not have; use patch, set or scale",
        )),
        "apply" | "replace" => {
            Err(KubectlError::msg("error: no manifests to apply here; use create, patch, set or scale"))
        }
        "version" => Done::read("Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0"),
        "help" | "--help" | "-h" => Done::read(HELP),
        other => Err(KubectlError::msg(format!(
            "error: unknown command \"{other}\" for \"kubectl\"\nRun 'kubectl --help' for usage."
        ))),
    };
    match result {
        Ok(done) => {
            let output = if filters.is_empty() {
                let mut out = done.output;
                out.truncate(out.trim_end_matches('\n').len());
                out
            } else {
                apply_filters(&done.output, &filters)
            };
            // A change costs a change whatever verb made it (`ssh … systemctl stop kubelet`).
            let cost = if done.changed { CHANGE_COST } else { cost };
            Outcome { output, changed: done.changed, cost, ok: !done.failed }
        }
        Err(e) => failure(e.to_string(), cost),
    }
}

fn failure(output: String, cost: u32) -> Outcome {
    Outcome { output, changed: false, cost, ok: false }
}

/// Splits off `| grep …`, `| head`, `| tail`, `| wc -l` outside quotes.
fn split_pipes(line: &str) -> (&str, Vec<Vec<String>>) {
    let mut quote = None;
    let mut cut = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '|') => {
                cut = Some(i);
                break;
            }
            _ => {}
        }
    }
    match cut {
        None => (line, Vec::new()),
        Some(i) => {
            let filters = line[i + 1..].split('|').map(|f| shlex::split(f).unwrap_or_default()).collect();
            (&line[..i], filters)
        }
    }
}

fn apply_filters(output: &str, filters: &[Vec<String>]) -> String {
    let mut lines: Vec<String> = output.lines().map(str::to_owned).collect();
    for f in filters {
        let Some((cmd, args)) = f.split_first() else { continue };
        match cmd.as_str() {
            "grep" | "egrep" => {
                let invert = args.iter().any(|a| a == "-v");
                let insensitive = args.iter().any(|a| a == "-i");
                let Some(pattern) = args.iter().find(|a| !a.starts_with('-')) else {
                    return "usage: grep [-iv] PATTERN".to_owned();
                };
                let pat = if insensitive { pattern.to_lowercase() } else { pattern.clone() };
                lines.retain(|l| {
                    let hay = if insensitive { l.to_lowercase() } else { l.clone() };
                    let alternatives = pat.split("\\|");
                    let hit = alternatives.into_iter().any(|p| hay.contains(p));
                    hit != invert
                });
            }
            "head" | "tail" => {
                let n = count_arg(args).unwrap_or(10);
                if cmd == "head" {
                    lines.truncate(n);
                } else {
                    let skip = lines.len().saturating_sub(n);
                    lines.drain(..skip);
                }
            }
            "wc" => lines = vec![lines.len().to_string()],
            "sort" => lines.sort(),
            other => return format!("{other}: command not found (pipes support grep, head, tail, wc -l, sort)"),
        }
    }
    lines.join("\n")
}

fn count_arg(args: &[String]) -> Option<usize> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-n" {
            return it.next()?.parse().ok();
        }
        if let Some(n) = a.strip_prefix("-n").or_else(|| a.strip_prefix('-')) {
            return n.parse().ok();
        }
    }
    None
}

const HELP: &str = "kubectl controls the (simulated) Kubernetes cluster.

Basic Commands:
  get           Display one or many resources
  describe      Show details of a specific resource or group of resources
  logs          Print the logs for a container in a pod
  events        List events
  top           Display resource (CPU/memory) usage
  exec          Execute a command in a container (cat, env, nslookup, curl, wget)
  auth can-i    Check whether an action is allowed

Changes:
  rollout       Manage the rollout of a resource (status, history, undo, restart, pause, resume)
  set           Set image, resources or env on a deployment
  scale         Set a new size for a deployment or replica set
  patch         Update fields of a resource (strategic, merge or --type=json)
  label, annotate, delete, create (configmap, secret, role, rolebinding)
  cordon, uncordon, drain, taint

Outside kubectl:
  curl URL      Request a URL from a debug pod in the cluster
  ssh NODE -- systemctl status|start|restart kubelet, journalctl -u kubelet, df -h, du, rm

Pipes: | grep [-i] [-v] PATTERN, | head -n N, | tail -n N, | wc -l";
