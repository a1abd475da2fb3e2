//! The `kubectl`-like console: tokenizes a command line with shell quoting, parses flags the way
//! kubectl (cobra) does, runs the command against the cluster and returns its text, whether it
//! changed the cluster and what it cost. Unknown or malformed input gets kubectl's own wording.
//! Only a command that runs costs action points: `--help`, an unknown command or flag, and a
//! command that fails (not found, forbidden, a refused change) are free, so a typo or a question
//! never spends the team's turn.

mod args;
mod auth;
mod config;
mod debug;
pub(crate) mod describe;
mod discovery;
mod dry_run;
mod exec;
mod explain;
pub mod flag;
mod get;
mod global;
pub mod heredoc;
mod logs;
mod manifests;
mod mutate;
mod node_shell;
pub mod pipe;
mod port_forward;
mod rollout;
mod script;
pub mod table;
pub mod verbs;
mod wait;

pub use args::{Args, FlagSpec, GLOBAL};
pub use verbs::{Command, Effect, Handler};

use super::change::ApiError;
use super::cluster::Cluster;

/// What running one command line produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub output: String,
    /// Whether the command changed the cluster.
    pub changed: bool,
    /// Action points: reads are cheap, changes dearer, a command that failed without changing
    /// anything free.
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

/// The tokens of a line's command part (before any pipe), without a leading `kubectl` or `k`;
/// `None` for an unterminated quote.
fn command_tokens(command: &str) -> Option<Vec<String>> {
    let mut tokens = shlex::split(command)?;
    if tokens.first().is_some_and(|t| t == "kubectl" || t == "k") {
        tokens.remove(0);
    }
    Some(tokens)
}

/// A console line parsed once: the command it names with its arguments, and its pipes. Its cost
/// and effect are known before it runs; running it does not parse it again.
#[derive(Clone)]
pub struct Line {
    parsed: Parsed,
    filters: Vec<Option<Vec<String>>>,
    /// The line's here-document: a manifest for `apply -f -` and the like ([`heredoc`]).
    input: Option<String>,
}

#[derive(Clone)]
enum Parsed {
    UnterminatedQuote,
    Empty,
    Unknown(String),
    /// A line kubectl refuses before it finds a command (an unknown flag before any verb).
    Invalid(String),
    /// `kubectl --help` (none) or `kubectl VERB --help` / `kubectl help VERB` (that command).
    Help(Option<&'static verbs::Command>),
    Command(&'static verbs::Command, Vec<String>),
}

/// Parses a console line (with or without a leading `kubectl` or `k`, pipes allowed, and a
/// here-document after its first line).
pub fn parse(line: &str) -> Line {
    let heredoc::Split { command: first, body: input } = heredoc::split(line);
    let (command, filters) = pipe::split(&first);
    let parsed = match command_tokens(command) {
        None => Parsed::UnterminatedQuote,
        Some(tokens) if tokens.is_empty() => Parsed::Empty,
        Some(tokens) => match global::hoist_verb(tokens) {
            Err(e) => Parsed::Invalid(e.to_string()),
            Ok(tokens) => resolved(&tokens),
        },
    };
    Line { parsed, filters, input }
}

/// What a line's tokens (verb first) name.
fn resolved(tokens: &[String]) -> Parsed {
    match verbs::resolve(tokens) {
        Some((command, rest)) if command.words == ["help"] => {
            let path: Vec<&str> = rest.iter().map(String::as_str).collect();
            Parsed::Help(verbs::find(&path).filter(|c| c.words != ["help"]))
        }
        Some((command, rest)) if asks_for_help(command, &rest) => Parsed::Help(Some(command)),
        Some((command, rest)) => Parsed::Command(command, rest),
        None => Parsed::Unknown(tokens.first().cloned().unwrap_or_default()),
    }
}

impl Line {
    /// Whether the line reads or may change the cluster. Lines that cannot run (unknown verbs,
    /// bad quoting, nothing at all) read.
    pub fn effect(&self) -> Effect {
        match &self.parsed {
            // Without text to apply, `edit` shows the object and the others fail: reads.
            Parsed::Command(command, _) if matches!(command.handler, Handler::Input(_)) && self.input.is_none() => {
                Effect::Read
            }
            Parsed::Command(command, rest) => command.effect(rest),
            _ => Effect::Read,
        }
    }

    /// What the line will cost before it runs: reads are cheap, changes dearer; a line that
    /// cannot run (nothing at all, `--help`, an unknown command, bad quoting, a flag the command
    /// does not take) is free. A command that runs and fails turns out free too
    /// ([`Outcome::cost`]), which only running it can tell.
    pub fn cost(&self) -> u32 {
        match &self.parsed {
            Parsed::Command(command, rest) if !refuses_flags(command, rest) => self.effect().cost(),
            _ => 0,
        }
    }

    /// Runs the line against the cluster.
    pub fn run(&self, cluster: &mut Cluster) -> Outcome {
        let (command, rest) = match &self.parsed {
            Parsed::Command(command, rest) => (*command, rest),
            other => return not_run(other),
        };
        if let Err(e) = check_options(cluster, command, rest) {
            return failure(e.to_string());
        }
        // etcd with its NOSPACE alarm raised takes reads only; a dry run writes nothing.
        if command.global == GLOBAL
            && self.effect() == Effect::Change
            && cluster.etcd().refuses_writes()
            && matches!(command.dry_run(rest), Ok(None))
        {
            return failure("Error from server: etcdserver: mvcc: database space exceeded".to_owned());
        }
        let result = match command.dry_run(rest) {
            Ok(Some(mode)) => self.run_dry(command, rest, mode, cluster),
            Ok(None) => invoke(command, cluster, rest, self.input.as_deref()),
            Err(e) => Err(e),
        };
        finish(result, self.effect().cost(), &self.filters)
    }

    /// Runs the line if it only reads, against a shared cluster: `None` when it changes (or may
    /// change) the cluster, which [`Line::run`] then has to run. What this returns is what
    /// [`Line::run`] would return.
    pub fn run_read(&self, cluster: &Cluster) -> Option<Outcome> {
        let (command, rest) = match &self.parsed {
            Parsed::Command(command, rest) => (*command, rest),
            other => return Some(not_run(other)),
        };
        if let Err(e) = check_options(cluster, command, rest) {
            return Some(failure(e.to_string()));
        }
        match command.dry_run(rest) {
            Ok(Some(mode)) => {
                return Some(finish(self.run_dry(command, rest, mode, cluster), READ_COST, &self.filters));
            }
            // A `--dry-run` kubectl cannot read fails before anything runs.
            Err(e) => return Some(finish(Err(e), READ_COST, &self.filters)),
            Ok(None) => {}
        }
        if self.effect() == Effect::Change {
            return None;
        }
        let result = match command.handler {
            Handler::Read(f) => f(cluster, rest).map(|done| Done { changed: false, ..done }),
            Handler::ReadInput(f) => {
                f(cluster, rest, self.input.as_deref()).map(|done| Done { changed: false, ..done })
            }
            // Without input a manifest command only reads (edit shows the object); it runs on a
            // copy, as its handler takes the cluster to change.
            Handler::Input(f) if self.input.is_none() => {
                let mut scratch = cluster.clone();
                scratch.recording = None;
                f(&mut scratch, rest, None).map(|done| Done { changed: false, ..done })
            }
            Handler::Change(_) | Handler::Input(_) => return None,
            Handler::Plan(f) => match f(cluster, rest) {
                Ok(planned) if !planned.changes.is_empty() => return None,
                Ok(planned) => Done::read(planned.output),
                Err(e) => Err(e),
            },
        };
        Some(finish(result, READ_COST, &self.filters))
    }

    /// A dry run: the command on a copy of the cluster, without its `--dry-run` flag.
    fn run_dry(
        &self,
        command: &verbs::Command,
        rest: &[String],
        mode: dry_run::DryRun,
        cluster: &Cluster,
    ) -> Result<Done, KubectlError> {
        let words = dry_run::without_flag(rest);
        dry_run::run(cluster, mode, rest, |scratch| invoke(command, scratch, &words, self.input.as_deref()))
    }
}

/// Runs a command's handler with its words and input, applying what a node shell planned.
fn invoke(
    command: &verbs::Command,
    cluster: &mut Cluster,
    rest: &[String],
    input: Option<&str>,
) -> Result<Done, KubectlError> {
    match command.handler {
        Handler::Read(f) => f(cluster, rest).map(|done| Done { changed: false, ..done }),
        Handler::ReadInput(f) => f(cluster, rest, input).map(|done| Done { changed: false, ..done }),
        Handler::Change(f) => f(cluster, rest),
        Handler::Input(f) => f(cluster, rest, input),
        Handler::Plan(f) => f(cluster, rest).and_then(|planned| {
            let changed = !planned.changes.is_empty();
            for change in planned.changes {
                cluster.apply(change, mutate::ACTOR)?;
            }
            Ok(Done { output: planned.output, changed, failed: false })
        }),
    }
}

/// What a line that names no command answers.
fn not_run(parsed: &Parsed) -> Outcome {
    match parsed {
        Parsed::UnterminatedQuote => failure("error: unterminated quote in command line".to_owned()),
        Parsed::Empty => Outcome { output: String::new(), changed: false, cost: 0, ok: true },
        Parsed::Unknown(verb) => unknown_command(verb),
        Parsed::Invalid(error) => failure(error.clone()),
        Parsed::Help(None) => Outcome { output: verbs::help(), changed: false, cost: 0, ok: true },
        Parsed::Help(Some(command)) => Outcome { output: verbs::usage(command), changed: false, cost: 0, ok: true },
        Parsed::Command(..) => failure(String::new()),
    }
}

/// Whether the words before any `--` ask for the command's usage (`--help`, `-h`). A node
/// shell's words are the node's command line (`ssh node df -h`), never a question to kubectl.
fn asks_for_help(command: &verbs::Command, rest: &[String]) -> bool {
    if matches!(command.handler, Handler::Plan(_)) || command.all_flags().any(|f| f.short == Some('h')) {
        return false;
    }
    rest.iter().take_while(|w| *w != "--").any(|w| w == "--help" || w == "-h")
}

/// Whether a plain command's flags are refused before it runs (`get pods --frobnicate`): the
/// command parses its words against exactly its global and own flags first, so an error here is
/// the error it would give. Groups and the shell tools parse their words their own way and are
/// left to fail when they run (which is free as well).
fn refuses_flags(command: &verbs::Command, rest: &[String]) -> bool {
    let plain = command.global == GLOBAL
        && !matches!(command.handler, Handler::Plan(_))
        && verbs::subcommands(command).next().is_none();
    plain && Args::parse(rest, command.flags).is_err_and(|e| e.to_string().starts_with("error: unknown"))
}

/// kubectl's options that name the kubeconfig's entries, checked before a kubectl command runs
/// (the shell tools and node shells take no kubectl options).
fn check_options(cluster: &Cluster, command: &verbs::Command, rest: &[String]) -> Result<(), KubectlError> {
    if command.global != GLOBAL {
        return Ok(());
    }
    config::check_options(cluster, command.flags, rest)?;
    if !needs_server(command, rest) || crate::sim::api_server::answers(cluster) {
        return Ok(());
    }
    let server = config::api_server(cluster);
    let address = server.trim_start_matches("https://");
    let refused =
        format!("The connection to the server {address} was refused - did you specify the right host or port?");
    // `version` prints what it knows of the client before it fails to reach the server.
    if command.words == ["version"] && !rest.iter().any(|w| w.starts_with("-o") || w.starts_with("--output")) {
        return Err(KubectlError::msg(format!(
            "Client Version: {}\nKustomize Version: {}\n{refused}",
            super::objects::KUBERNETES_VERSION,
            discovery::KUSTOMIZE_VERSION
        )));
    }
    Err(KubectlError::msg(refused))
}

/// Whether a kubectl command talks to the API server: all do but the ones that read or print the
/// kubeconfig, the client's own version and help.
fn needs_server(command: &verbs::Command, rest: &[String]) -> bool {
    match command.words.first().copied() {
        Some("config" | "options" | "help" | "completion") | None => false,
        Some("version") => !rest.iter().any(|w| w == "--client" || w == "--client=true"),
        Some(_) => true,
    }
}

/// Whether a line reads or may change the cluster, before it runs.
pub fn effect_of(line: &str) -> Effect {
    parse(line).effect()
}

/// What a line will cost before it runs: reads are cheap, changes dearer, an empty line free.
pub fn cost_of(line: &str) -> u32 {
    parse(line).cost()
}

/// The flags the console parses a command with, besides its global ones ([`Command::global`]).
/// `path` is the command's words as typed (`["get"]`, `["rollout", "status"]`, `["create",
/// "secret", "generic"]`); words past those that choose the command are ignored, and a group
/// without a subcommand it knows has the flags it parses before its subcommand. `None` when
/// there is no such command.
pub fn flags_for(path: &[&str]) -> Option<&'static [FlagSpec]> {
    verbs::find(path).map(|c| c.flags)
}

fn unknown_command(verb: &str) -> Outcome {
    failure(format!("error: unknown command \"{verb}\" for \"kubectl\"\nRun 'kubectl --help' for usage."))
}

/// Runs one console line against the cluster.
pub fn run(cluster: &mut Cluster, line: &str) -> Outcome {
    parse(line).run(cluster)
}

/// Runs a line that only reads, against a shared cluster (see [`Line::run_read`]).
pub fn run_read(cluster: &Cluster, line: &str) -> Option<Outcome> {
    parse(line).run_read(cluster)
}

/// The outcome of a command's result: pipes applied, a change costing a change whatever verb
/// made it (`ssh … systemctl stop kubelet`).
fn finish(result: Result<Done, KubectlError>, cost: u32, filters: &[Option<Vec<String>>]) -> Outcome {
    match result {
        Ok(done) => {
            // The pipe's text replaces the command's; a stage the shell refuses fails the line
            // (its status is the last stage's) though the command ran and costs what it costs.
            let (output, piped_ok) = if filters.is_empty() {
                let mut out = done.output;
                out.truncate(out.trim_end_matches('\n').len());
                (out, true)
            } else {
                match pipe::run(&done.output, filters) {
                    Ok(out) => (out, true),
                    Err(shell_error) => (shell_error, false),
                }
            };
            // A change costs a change whatever verb made it; a command that failed without
            // changing anything is free.
            let cost = match (done.changed, done.failed) {
                (true, _) => CHANGE_COST,
                (false, true) => 0,
                (false, false) => cost,
            };
            Outcome { output, changed: done.changed, cost, ok: !done.failed && piped_ok }
        }
        Err(e) => failure(e.to_string()),
    }
}

/// A command that did not run, or ran and failed without changing anything: free.
fn failure(output: String) -> Outcome {
    Outcome { output, changed: false, cost: 0, ok: false }
}
