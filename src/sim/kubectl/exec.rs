//! `kubectl exec POD -- CMD` and the top-level `curl`/`wget`/`nslookup` (run from a throwaway
//! debug pod). Commands run against the simulated container: its files come from mounted config
//! maps and secrets, its environment from the pod spec, and its network calls go through
//! `network`, so what they show is what the cluster would do.

mod files;
mod http;

use super::args::{Args, FlagSpec};
use super::describe::{hex_id, tabwriter::expand_tabs};
use super::logs::{default_container, resolve_pod};
use super::{Done, KubectlError};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::flag;
use crate::sim::network::Source;
use crate::sim::objects::{Container, ContainerState, Pod, PodPhase};

pub(super) const FLAGS: &[FlagSpec] =
    &[flag::STDIN, flag::TTY, flag::CONTAINER, flag::QUIET, flag::POD_RUNNING_TIMEOUT];

/// Where a command runs.
pub(crate) struct Ctx<'a> {
    pub cluster: &'a Cluster,
    pub namespace: &'a str,
    /// `None` for the debug pod.
    pub pod: Option<&'a Pod>,
    pub container: Option<&'a Container>,
}

impl Ctx<'_> {
    pub fn source(&self) -> Source<'_> {
        match self.pod {
            Some(p) => Source::Pod { namespace: &p.meta.namespace, name: &p.meta.name },
            None => Source::Debug { namespace: self.namespace },
        }
    }

    pub fn hostname(&self) -> &str {
        self.pod.map_or("debug", |p| p.meta.name.as_str())
    }

    pub fn pod_ip(&self) -> &str {
        self.pod.and_then(|p| p.status.pod_ip.as_deref()).unwrap_or("10.244.0.250")
    }
}

/// How a command in the container ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Ok(String),
    /// Output (possibly empty) and a non-zero exit code.
    Fail(String, i32),
    /// The executable is not in the image.
    NotFound(String),
}

/// Runs `kubectl exec`.
pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    let ns = args.namespace();
    let Some(target) = args.positional.first() else {
        return Err(KubectlError::msg("error: pod, type/name or --filename must be specified"));
    };
    if args.positional.len() > 1 {
        return Err(KubectlError::msg(
            "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples",
        ));
    }
    if args.after_dashdash.is_empty() {
        return Err(KubectlError::msg("error: you must specify at least one command for the container"));
    }
    let (pod, mut notes) = resolve_pod(cluster, ns, target)?;
    let container = if let Some(c) = args.value(flag::CONTAINER) {
        pod.spec
            .containers
            .iter()
            .find(|x| x.name == c)
            .ok_or_else(|| ApiError::BadRequest(format!("container {c} is not valid for pod {}", pod.meta.name)))?
    } else {
        let (first, note) = default_container(pod);
        if let (Some(n), false) = (note, args.switch(flag::QUIET)) {
            notes.push(n);
        }
        pod.spec
            .containers
            .iter()
            .find(|c| Some(c.name.as_str()) == first)
            .ok_or_else(|| KubectlError::msg(format!("error: pod {} has no containers", pod.meta.name)))?
    };
    if matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Err(KubectlError::msg(format!(
            "error: cannot exec into a container in a completed pod; current phase is {}",
            pod.status.phase.as_str()
        )));
    }
    let running = pod
        .status
        .containers
        .iter()
        .any(|s| s.name == container.name && matches!(s.state, ContainerState::Running { .. }));
    if !running {
        return Err(KubectlError::msg(format!(
            "error: unable to upgrade connection: container not found (\"{}\")",
            container.name
        )));
    }
    let ctx = Ctx { cluster, namespace: &pod.meta.namespace, pod: Some(pod), container: Some(container) };
    let exit = run_argv(&ctx, &args.after_dashdash);
    let prefix = if notes.is_empty() { String::new() } else { format!("{}\n", notes.join("\n")) };
    match exit {
        Exit::Ok(out) => Done::read(format!("{prefix}{out}")),
        Exit::Fail(out, code) => {
            let sep = if out.is_empty() { "" } else { "\n" };
            Err(KubectlError::msg(format!("{prefix}{out}{sep}command terminated with exit code {code}")))
        }
        Exit::NotFound(exe) => Err(KubectlError::msg(format!(
            "{prefix}error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{exe}\": executable file not found in $PATH: unknown",
            hex_id(&format!("{}/{}/{exe}", pod.meta.name, cluster.now), 64)
        ))),
    }
}

/// Runs a top-level `curl`, `wget` or `nslookup` (`exe`) from a debug pod, with the words
/// after it (`-n NS`, default `default`).
pub fn debug_pod(cluster: &Cluster, exe: &str, args: &[String]) -> Result<Done, KubectlError> {
    let mut argv: Vec<String> = vec![exe.to_owned()];
    let mut ns = "default".to_owned();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-n" || a == "--namespace" {
            ns = it.next().cloned().ok_or_else(|| KubectlError::msg("error: flag needs an argument: 'n' in -n"))?;
        } else if let Some(v) = a.strip_prefix("--namespace=") {
            v.clone_into(&mut ns);
        } else {
            argv.push(a.clone());
        }
    }
    if !cluster.namespace_exists(&ns) {
        return Err(ApiError::NamespaceNotFound(ns).into());
    }
    let ctx = Ctx { cluster, namespace: &ns, pod: None, container: None };
    match run_argv(&ctx, &argv) {
        Exit::Ok(out) => Done::read(out),
        Exit::Fail(out, code) => Err(KubectlError::msg(if out.is_empty() {
            format!("command terminated with exit code {code}")
        } else {
            out
        })),
        Exit::NotFound(exe) => Err(KubectlError::msg(format!("{exe}: command not found"))),
    }
}

/// Runs one command line (argv) in the container, with `sh -c "a && b | grep x"` support.
pub(crate) fn run_argv(ctx: &Ctx<'_>, argv: &[String]) -> Exit {
    let Some(first) = argv.first() else {
        return Exit::Ok(String::new());
    };
    let exe = first.rsplit('/').next().unwrap_or(first);
    if matches!(exe, "sh" | "bash" | "ash") {
        return match (argv.get(1).map(String::as_str), argv.get(2)) {
            (Some("-c"), Some(script)) => run_script(ctx, script),
            (None, _) => Exit::Fail(
                "interactive shells are not available in this console; run one command, e.g. exec POD -- cat /etc/resolv.conf".to_owned(),
                1,
            ),
            (Some(other), _) => Exit::Fail(format!("{exe}: can't open '{other}': No such file or directory"), 2),
        };
    }
    let args = &argv[1..];
    let out = match exe {
        "cat" => files::cat(ctx, args),
        "ls" => files::ls(ctx, args),
        "env" if args.is_empty() => Exit::Ok(files::env_text(ctx)),
        "env" => run_argv(ctx, args),
        "printenv" => files::printenv(ctx, args),
        "hostname" => Exit::Ok(ctx.hostname().to_owned()),
        "id" => Exit::Ok("uid=0(root) gid=0(root) groups=0(root),10(wheel)".to_owned()),
        "whoami" => Exit::Ok("root".to_owned()),
        "echo" => Exit::Ok(args.join(" ")),
        "true" | "sleep" => Exit::Ok(String::new()),
        "false" => Exit::Fail(String::new(), 1),
        "ps" => Exit::Ok(files::ps(ctx)),
        "nslookup" => http::nslookup(ctx, args),
        "curl" => http::curl(ctx, args),
        "wget" => http::wget(ctx, args),
        _ => {
            let in_image = ctx
                .container
                .and_then(|c| ctx.cluster.app_for_image(&c.image))
                .is_some_and(|a| a.executables.iter().any(|e| e.rsplit('/').next() == Some(exe)));
            if in_image { Exit::Ok(String::new()) } else { Exit::NotFound(first.clone()) }
        }
    };
    match out {
        Exit::Ok(s) => Exit::Ok(expand_tabs(&s)),
        Exit::Fail(s, c) => Exit::Fail(expand_tabs(&s), c),
        Exit::NotFound(e) => Exit::NotFound(e),
    }
}

/// `sh -c SCRIPT`: commands joined by `&&`, `||` and `;`, each piped into the console's pipe
/// tools (`| grep -i X | wc -l`), parsed as the node shell parses them ([`super::script`]).
fn run_script(ctx: &Ctx<'_>, script: &str) -> Exit {
    let commands = match super::script::parse(&[script.to_owned()]) {
        Ok(commands) => commands,
        Err(e) => return Exit::Fail(as_sh(&e), 2),
    };
    let mut out: Vec<String> = Vec::new();
    let mut code = 0;
    for command in &commands {
        if !command.join.runs_after(code == 0) {
            continue;
        }
        let (text, exit) = match run_argv(ctx, &command.words) {
            Exit::Ok(text) => (text, 0),
            Exit::Fail(text, exit) => (text, exit),
            Exit::NotFound(exe) => (format!("sh: {exe}: not found"), 127),
        };
        let (text, ok) = command.piped(text, exit == 0);
        code = match (ok, exit) {
            (true, _) => 0,
            (false, 0) => 1,
            (false, exit) => exit,
        };
        if !text.is_empty() {
            out.push(if exit == 0 && !ok { as_sh(&text) } else { text });
        }
    }
    if code == 0 { Exit::Ok(out.join("\n")) } else { Exit::Fail(out.join("\n"), code) }
}

/// A pipe tool's complaint as `sh` words it (`sh: wc: …`, `sh: foo: not found`).
fn as_sh(error: &str) -> String {
    match error.strip_prefix("bash: ") {
        Some(rest) => match rest.strip_suffix(": command not found") {
            Some(tool) => format!("sh: {tool}: not found"),
            None => format!("sh: {rest}"),
        },
        None => error.to_owned(),
    }
}

#[cfg(test)]
mod tests;
