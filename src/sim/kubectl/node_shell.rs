//! `ssh NODE -- CMD`: a root shell on a node, for what kubectl cannot reach: the kubelet service
//! and its journal, the disk, the container runtime and the kubelet's configuration. Starting
//! or stopping the kubelet and deleting files are changes applied through the cluster API.

mod apt;
mod config;
mod disk;
mod etcdctl;
mod kubelet;
mod swap;

use std::fmt::Write as _;

use super::KubectlError;
use super::describe::{hex_id, tabwriter};
use super::script::{self, Command};
use super::verbs::Planned;
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::objects::{ContainerState, KubeletState, Node, NodeInfo, PodPhase};

/// What a command on the node did.
#[derive(Debug, PartialEq)]
pub enum Shell {
    Out(String),
    /// Output and a non-zero exit code.
    Fail(String, i32),
    /// Changes to apply, then the output to show.
    Apply(Vec<Change>, String),
}

/// Runs `ssh NODE -- CMD` (or `ssh NODE CMD…`) on a shared cluster: what it prints, and the
/// changes the console is to apply (starting or stopping the kubelet, deleting files).
pub fn plan(cluster: &Cluster, args: &[String]) -> Result<Planned, KubectlError> {
    let Some((target, rest)) = args.split_first() else {
        return Err(KubectlError::msg("usage: ssh NODE -- COMMAND"));
    };
    let host = target.rsplit('@').next().unwrap_or(target);
    let Some(node) =
        cluster.nodes().values().find(|n| n.meta.name == host || (!n.internal_ip.is_empty() && n.internal_ip == host))
    else {
        return Err(KubectlError::msg(format!("ssh: Could not resolve hostname {host}: Name or service not known")));
    };
    let rest = match rest.first() {
        Some(d) if d == "--" => &rest[1..],
        _ => rest,
    };
    let mut commands = script::parse(rest).map_err(KubectlError::msg)?;
    // Every command runs as root already.
    for c in &mut commands {
        while c.words.first().is_some_and(|w| matches!(w.as_str(), "sudo" | "-i" | "-s" | "-E")) {
            c.words.remove(0);
        }
    }
    commands.retain(|c| !c.words.is_empty());
    if commands.is_empty() {
        return Err(KubectlError::msg(format!(
            "error: interactive sessions are not available in this console; run one command, e.g. ssh {host} -- systemctl status kubelet"
        )));
    }
    match commands.as_slice() {
        [one] if one.stages.is_empty() => match execute(cluster, node, &one.words) {
            Shell::Out(output) => Ok(Planned { changes: Vec::new(), output }),
            Shell::Fail(text, _) => Err(KubectlError::msg(text)),
            Shell::Apply(changes, output) => Ok(Planned { changes, output }),
        },
        _ => run_chain(cluster, &node.meta.name, &commands),
    }
}

/// Runs a chain as the shell does, each command seeing what the ones before it changed: on a
/// copy of the cluster, whose changes are then planned for the real one in the same order.
fn run_chain(cluster: &Cluster, host: &str, commands: &[Command]) -> Result<Planned, KubectlError> {
    let mut scratch = cluster.clone();
    let mut changes = Vec::new();
    let mut output = Vec::new();
    let mut ok = true;
    for command in commands {
        if !command.join.runs_after(ok) {
            continue;
        }
        let Some(node) = scratch.nodes().get(host).cloned() else { break };
        let (text, succeeded) = match execute(&scratch, &node, &command.words) {
            Shell::Out(text) => (text, true),
            Shell::Fail(text, _) => (text, false),
            Shell::Apply(planned, text) => {
                match planned.iter().try_for_each(|c| scratch.apply(c.clone(), "ssh").map_err(|e| e.to_string())) {
                    Ok(()) => {
                        changes.extend(planned);
                        (text, true)
                    }
                    Err(e) => (e, false),
                }
            }
        };
        let (text, succeeded) = command.piped(text, succeeded);
        if !text.is_empty() {
            output.push(text);
        }
        ok = succeeded;
    }
    let output = output.join("\n");
    if ok || !changes.is_empty() { Ok(Planned { changes, output }) } else { Err(KubectlError::msg(output)) }
}

/// Runs one command on `node`, read-only: changes come back as [`Shell::Apply`].
pub fn execute(cluster: &Cluster, node: &Node, argv: &[String]) -> Shell {
    // `NAME=value` words before the command set its environment (`ETCDCTL_API=3 etcdctl …`).
    let env_words = argv.iter().take_while(|w| is_assignment(w)).count();
    let env: Vec<&str> = argv[..env_words].iter().map(String::as_str).collect();
    let Some((cmd, args)) = argv[env_words..].split_first() else {
        return Shell::Out(String::new());
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match cmd.as_str() {
        "systemctl" => kubelet::systemctl(cluster, node, &args),
        "journalctl" => kubelet::journalctl(cluster, node, &args),
        "service" => match args.as_slice() {
            ["kubelet", action] => kubelet::systemctl(cluster, node, &[action, "kubelet"]),
            _ => Shell::Fail(
                "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]".to_owned(),
                1,
            ),
        },
        "df" => disk::df(node, &args),
        "du" => disk::du(node, &args),
        "ls" => {
            let dir = args.iter().copied().find(|a| !a.starts_with('-')).unwrap_or("/root");
            config::ls(node, dir).unwrap_or_else(|| disk::ls(node, &args))
        }
        "rm" => {
            let paths: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
            match paths.as_slice() {
                [one] => config::rm(node, one).unwrap_or_else(|| disk::rm(node, &args)),
                _ => disk::rm(node, &args),
            }
        }
        "mv" => config::move_or_copy(node, &args, false),
        "cp" => config::move_or_copy(node, &args, true),
        "sed" => config::sed(node, &args),
        "apt-get" | "apt" => apt::apt_get(node, &args),
        "apt-mark" => apt::apt_mark(node, &args),
        "apt-cache" => apt::apt_cache(node, &args),
        "dpkg" => apt::dpkg(node, &args),
        "kubeadm" => config::kubeadm(node, &args),
        "truncate" => disk::truncate(node, &args),
        "crictl" => crictl(cluster, node, &args),
        "etcdctl" => etcdctl::etcdctl(cluster, node, &args, &env),
        "cat" => cat(node, &args),
        "hostname" => Shell::Out(node.meta.name.clone()),
        "uname" => Shell::Out(uname(node, &args)),
        "whoami" => Shell::Out("root".to_owned()),
        "uptime" => Shell::Out(" 09:00:00 up 30 days,  2:14,  1 user,  load average: 0.42, 0.37, 0.31".to_owned()),
        "free" => free(node, &args),
        "swapoff" => swap::swapoff(node, &args),
        "swapon" => swap::swapon(node, &args),
        "reboot" => swap::reboot(node),
        "sync" | "true" => Shell::Out(String::new()),
        "ps" => Shell::Out(ps(node)),
        "echo" => Shell::Out(args.join(" ")),
        other => Shell::Fail(format!("bash: {other}: command not found"), 127),
    }
}

/// Whether a word is a shell variable assignment (`ETCDCTL_API=3`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// `uname`, `uname -r`, `uname -a` with the kernel every view of the node reports.
fn uname(node: &Node, args: &[&str]) -> String {
    let kernel = NodeInfo::KERNEL_VERSION;
    match args.first().copied() {
        Some("-r") => kernel.to_owned(),
        Some("-a") => format!(
            "Linux {} {kernel} #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux",
            node.meta.name
        ),
        _ => "Linux".to_owned(),
    }
}

fn free(node: &Node, args: &[&str]) -> Shell {
    let total = node.memory.0;
    let used = 600 + total / 20;
    let (unit, scale) = if args.contains(&"-g") {
        ("", 1024)
    } else if args.contains(&"-h") {
        ("Mi", 1)
    } else {
        ("", 1)
    };
    let f = |v: u64| format!("{}{unit}", v / scale);
    let text = format!(
        "               total        used        free      shared  buff/cache   available\nMem:    {:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\nSwap:   {:>12}{:>12}{:>12}",
        f(total),
        f(used),
        f(total.saturating_sub(used) * 6 / 10),
        f(12),
        f(total.saturating_sub(used) * 4 / 10),
        f(total.saturating_sub(used)),
        f(swap::total_mib(node)),
        f(0),
        f(swap::total_mib(node))
    );
    Shell::Out(text)
}

fn ps(node: &Node) -> String {
    let mut lines = vec![
        "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND".to_owned(),
        "root           1  0.0  0.1 167744 13120 ?        Ss   Oct23   0:41 /sbin/init".to_owned(),
        "root         512  0.4  0.8 1876544 71232 ?       Ssl  Oct23 182:10 /usr/bin/containerd".to_owned(),
    ];
    if node.kubelet == KubeletState::Running {
        lines.push(format!(
            "root        {:>4}  1.9  1.2 2012340 98304 ?       Ssl  Oct23 801:33 /usr/bin/kubelet {}",
            kubelet::pid(node),
            kubelet::FLAGS
        ));
    }
    lines.join("\n")
}

fn cat(node: &Node, args: &[&str]) -> Shell {
    let mut out = Vec::new();
    for path in args.iter().filter(|a| !a.starts_with('-')) {
        match *path {
            "/etc/hostname" => out.push(node.meta.name.clone()),
            "/etc/os-release" => out.push(NodeInfo::os_release()),
            "/proc/swaps" => out.push(swap::proc_swaps(node)),
            p if config::read(node, p).is_some() => out.push(config::read(node, p).unwrap_or_default()),
            p => match node.files.iter().find(|f| f.path == p) {
                Some(f) => out.push(format!("[{} GiB of data; too large to print here — try: du -sh {p}]", f.gib)),
                None => return Shell::Fail(format!("cat: {p}: No such file or directory"), 1),
            },
        }
    }
    Shell::Out(out.join("\n"))
}

/// The value of `--flag VALUE` or `--flag=VALUE`.
fn flag_value<'a>(args: &[&'a str], flag: &str) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if *a == flag {
            return it.next().copied();
        }
        if let Some(v) = a.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
            return Some(v);
        }
    }
    None
}

/// `crictl logs [--tail N] ID`: a container's log by (a prefix of) the id `crictl ps` shows; an
/// exited instance is the one before the container's current restart.
fn crictl_logs(pods: &[&crate::sim::objects::Pod], args: &[&str]) -> Shell {
    let tail = flag_value(args, "--tail").and_then(|n| n.parse::<usize>().ok());
    let mut words = args.iter().copied().filter(|a| !a.starts_with('-'));
    let id = match (words.next(), tail.is_some()) {
        (Some(n), true) if n.parse::<usize>().is_ok() => words.next(),
        (first, _) => first,
    };
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        return Shell::Fail("crictl logs: ID cannot be empty".to_owned(), 1);
    };
    for p in pods {
        for s in &p.status.containers {
            let ctr =
                |restarts: u32| hex_id(&format!("ctr/{}/{}/{}/{restarts}", p.meta.namespace, p.meta.name, s.name), 13);
            let log = if ctr(s.restart_count).starts_with(id) {
                match (&s.state, &s.last_state) {
                    (ContainerState::Waiting { .. }, Some(_)) => &s.previous_log,
                    _ => &s.log,
                }
            } else {
                continue;
            };
            let skip = tail.map_or(0, |n| log.len().saturating_sub(n));
            let lines: Vec<&str> = log[skip..].iter().map(String::as_str).collect();
            return Shell::Out(lines.join("\n"));
        }
    }
    Shell::Fail(
        format!(
            "E1203 09:00:00.000000    4242 remote_runtime.go:432] \"ContainerStatus from runtime service failed\" err=\"rpc error: code = NotFound desc = an error occurred when try to find container \\\"{id}\\\": not found\" containerID=\"{id}\"\nFATA[0000] rpc error: code = NotFound desc = an error occurred when try to find container \"{id}\": not found"
        ),
        1,
    )
}

/// go-units' `HumanDuration`, as crictl prints `CREATED`.
fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (m, h) = (s / 60, (s + 1800) / 3600);
    match () {
        () if s < 1 => "Less than a second".to_owned(),
        () if s == 1 => "1 second".to_owned(),
        () if s < 60 => format!("{s} seconds"),
        () if m == 1 => "About a minute".to_owned(),
        () if m < 60 => format!("{m} minutes"),
        () if h == 1 => "About an hour".to_owned(),
        () if h < 48 => format!("{h} hours"),
        () if h < 24 * 7 * 2 => format!("{} days", h / 24),
        () if h < 24 * 30 * 2 => format!("{} weeks", h / 24 / 7),
        () if h < 24 * 365 * 2 => format!("{} months", h / 24 / 30),
        () => format!("{} years", h / 24 / 365),
    }
}

fn crictl(cluster: &Cluster, node: &Node, args: &[&str]) -> Shell {
    let pods: Vec<_> = cluster
        .pods()
        .values()
        .filter(|p| {
            p.status.node.as_deref() == Some(node.meta.name.as_str())
                && !matches!(p.status.phase, PodPhase::Succeeded | PodPhase::Failed)
        })
        .collect();
    let now = cluster.now;
    let mut text = String::new();
    match args.first().copied() {
        Some("logs") => return crictl_logs(&pods, &args[1..]),
        Some("ps") => {
            let all = args.contains(&"-a") || args.contains(&"--all");
            let name = flag_value(args, "--name");
            text.push_str("CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD");
            for p in &pods {
                let pod_id = hex_id(&format!("pod/{}/{}/{}", p.meta.namespace, p.meta.name, p.meta.uid), 13);
                for s in &p.status.containers {
                    let (state, started) = match &s.state {
                        ContainerState::Running { started_at } => ("Running", *started_at),
                        ContainerState::Terminated { started_at, .. } => ("Exited", *started_at),
                        ContainerState::Waiting { .. } => match &s.last_state {
                            Some(ContainerState::Terminated { started_at, .. }) if all => ("Exited", *started_at),
                            _ => continue,
                        },
                    };
                    if (state == "Exited" && !all) || name.is_some_and(|n| !s.name.contains(n)) {
                        continue;
                    }
                    let id =
                        hex_id(&format!("ctr/{}/{}/{}/{}", p.meta.namespace, p.meta.name, s.name, s.restart_count), 13);
                    let _ = write!(
                        text,
                        "\n{id}\t{}\t{} ago\t{state}\t{}\t{}\t{pod_id}\t{}",
                        hex_id(&s.image, 13),
                        human_duration(now - started),
                        s.name,
                        s.restart_count,
                        p.meta.name
                    );
                }
            }
        }
        Some("pods") => {
            text.push_str("POD ID\tCREATED\tSTATE\tNAME\tNAMESPACE\tATTEMPT\tRUNTIME");
            for p in &pods {
                let _ = write!(
                    text,
                    "\n{}\t{} ago\t{}\t{}\t{}\t0\t(default)",
                    hex_id(&format!("pod/{}/{}/{}", p.meta.namespace, p.meta.name, p.meta.uid), 13),
                    human_duration(now - p.status.scheduled_at.unwrap_or(p.meta.created)),
                    if p.status.pod_ip.is_some() { "Ready" } else { "NotReady" },
                    p.meta.name,
                    p.meta.namespace
                );
            }
        }
        Some("images") => {
            text.push_str("IMAGE\tTAG\tIMAGE ID\tSIZE");
            let mut images: Vec<&str> =
                pods.iter().flat_map(|p| p.status.containers.iter().map(|s| s.image.as_str())).collect();
            images.sort_unstable();
            images.dedup();
            for i in images {
                let (repo, tag) = crate::sim::apps::split_image(i);
                let _ = write!(text, "\n{repo}\t{tag}\t{}\t48.2MB", hex_id(i, 13));
            }
        }
        _ => {
            return Shell::Fail(
                "NAME:\n   crictl - client for CRI\n\nCOMMANDS:\n   images   List images\n   pods     List pods\n   ps       List containers".to_owned(),
                1,
            );
        }
    }
    Shell::Out(tabwriter::align(&text, 20, 3))
}

#[cfg(test)]
mod tests;
