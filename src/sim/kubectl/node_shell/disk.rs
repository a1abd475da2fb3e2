//! The node's root disk: `df`, `du`, `ls`, `rm` and `truncate` over the OS's own directories and
//! the files a scenario put there (`Node::files`), so freeing space is a real change.

use super::Shell;
use crate::sim::change::Change;
use crate::sim::objects::Node;

/// Directories the OS, runtime and kubelet fill, as shares (per mille) of the base usage.
const BASE: &[(&str, u64)] = &[
    ("/opt/cni", 50),
    ("/usr", 150),
    ("/var/lib/containerd", 600),
    ("/var/lib/kubelet", 100),
    ("/var/log/journal", 60),
    ("/var/log/pods", 30),
    ("/var/log/syslog", 10),
];

/// Every sized entry on the disk: (path, MiB, removable).
fn entries(node: &Node) -> Vec<(String, u64, bool)> {
    let base_mib = u64::from(node.disk_gib / 5) * 1024;
    let mut all: Vec<(String, u64, bool)> =
        BASE.iter().map(|(p, share)| ((*p).to_owned(), base_mib * share / 1000, false)).collect();
    all.extend(node.files.iter().map(|f| (f.path.clone(), u64::from(f.gib) * 1024, true)));
    all
}

fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// GNU's `-h` sizes, rounded up: `512M`, `1.5G`, `20G`.
pub fn human(mib: u64) -> String {
    if mib == 0 {
        return "0".to_owned();
    }
    let (value, unit) = if mib >= 1024 * 1024 {
        (mib as f64 / (1024.0 * 1024.0), 'T')
    } else if mib >= 1024 {
        (mib as f64 / 1024.0, 'G')
    } else {
        (mib as f64, 'M')
    };
    if value < 10.0 {
        let tenths = (value * 10.0).ceil() / 10.0;
        if tenths >= 10.0 { format!("10{unit}") } else { format!("{tenths:.1}{unit}") }
    } else {
        format!("{}{unit}", value.ceil() as u64)
    }
}

pub fn df(node: &Node, args: &[&str]) -> Shell {
    let human_sizes = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
    let size = u64::from(node.disk_gib) * 1024;
    let used = u64::from(node.disk_used_gib()).min(u64::from(node.disk_gib)) * 1024;
    let avail = size - used;
    let pct = if size == 0 { 0 } else { (used * 100).div_ceil(size) };
    let run = node.memory.0 / 10;
    let rows = [
        ("/dev/root", size, used, avail, pct, "/"),
        ("tmpfs", run, 2, run - 2, 1, "/run"),
        ("tmpfs", node.memory.0 / 2, 0, node.memory.0 / 2, 0, "/dev/shm"),
    ];
    let wanted: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let mut out = Vec::new();
    if human_sizes {
        out.push(format!(
            "{:<15}{:>5} {:>5} {:>5} {:>4} {}",
            "Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"
        ));
    } else {
        out.push(format!(
            "{:<15}{:>10} {:>9} {:>9} {:>4} {}",
            "Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on"
        ));
    }
    for (fs, size, used, avail, pct, mount) in rows {
        let shown = wanted.is_empty()
            || wanted.iter().any(|w| {
                if mount == "/" { !w.starts_with("/run") && !w.starts_with("/dev/shm") } else { under(w, mount) }
            });
        if !shown {
            continue;
        }
        if human_sizes {
            out.push(format!(
                "{fs:<15}{:>5} {:>5} {:>5} {:>4} {mount}",
                human(size),
                human(used),
                human(avail),
                format!("{pct}%")
            ));
        } else {
            out.push(format!(
                "{fs:<15}{:>10} {:>9} {:>9} {:>4} {mount}",
                size * 1024,
                used * 1024,
                avail * 1024,
                format!("{pct}%")
            ));
        }
    }
    Shell::Out(out.join("\n"))
}

/// Expands a trailing `/*` into the entries directly under the directory.
fn expand(node: &Node, path: &str) -> Vec<String> {
    let Some(dir) = path.strip_suffix("/*") else {
        return vec![path.to_owned()];
    };
    let mut children: Vec<String> = entries(node)
        .into_iter()
        .filter_map(|(p, _, _)| {
            let rest = p.strip_prefix(dir)?.strip_prefix('/')?;
            Some(format!("{dir}/{}", rest.split('/').next().unwrap_or(rest)))
        })
        .collect();
    children.sort();
    children.dedup();
    if children.is_empty() { vec![path.to_owned()] } else { children }
}

fn size_of(node: &Node, path: &str) -> Option<u64> {
    let hits: Vec<u64> = entries(node).into_iter().filter(|(p, _, _)| under(p, path)).map(|(_, m, _)| m).collect();
    if hits.is_empty() {
        let is_parent = ["/", "/var", "/var/lib", "/var/log", "/opt", "/tmp", "/home", "/root", "/etc"]
            .contains(&path.trim_end_matches('/'));
        return is_parent.then_some(0);
    }
    Some(hits.iter().sum())
}

pub fn du(node: &Node, args: &[&str]) -> Shell {
    let human_sizes = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
    let paths: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let paths = if paths.is_empty() { vec!["."] } else { paths };
    let mut out = Vec::new();
    let mut failed = false;
    for p in paths {
        for path in expand(node, if p == "." { "/root" } else { p }) {
            if let Some(mib) = size_of(node, &path) {
                out.push(format!("{}\t{path}", if human_sizes { human(mib) } else { (mib * 1024).to_string() }));
            } else {
                out.push(format!("du: cannot access '{path}': No such file or directory"));
                failed = true;
            }
        }
    }
    let text = crate::sim::kubectl::describe::tabwriter::expand_tabs(&out.join("\n"));
    if failed { Shell::Fail(text, 1) } else { Shell::Out(text) }
}

pub fn ls(node: &Node, args: &[&str]) -> Shell {
    let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let dirs: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let dir = dirs.first().copied().unwrap_or("/root").trim_end_matches('/');
    let mut names: Vec<(String, u64, bool)> = entries(node)
        .into_iter()
        .filter_map(|(p, mib, file)| {
            if p == dir {
                return Some((p.rsplit('/').next().unwrap_or(&p).to_owned(), mib, file));
            }
            let rest = p.strip_prefix(dir)?.strip_prefix('/')?;
            let first = rest.split('/').next().unwrap_or(rest);
            Some((first.to_owned(), mib, (file || p.ends_with("syslog")) && !rest.contains('/')))
        })
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|a, b| a.0 == b.0);
    if names.is_empty() && size_of(node, dir).is_none() {
        return Shell::Fail(format!("ls: cannot access '{dir}': No such file or directory"), 2);
    }
    if !long {
        return Shell::Out(names.into_iter().map(|n| n.0).collect::<Vec<_>>().join("\n"));
    }
    let mut out = vec![format!("total {}", names.iter().map(|n| n.1).sum::<u64>() * 1024)];
    for (name, mib, file) in names {
        let (mode, size) = if file { ("-rw-r--r--", mib * 1024 * 1024) } else { ("drwxr-xr-x", 4096) };
        out.push(format!("{mode} 1 root root {size:>12} Nov 22 08:59 {name}"));
    }
    Shell::Out(out.join("\n"))
}

/// The changes `rm` makes, or its complaint.
pub fn rm(node: &Node, args: &[&str]) -> Shell {
    let flags: String = args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for p in args.iter().copied().filter(|a| !a.starts_with('-')) {
        if p.trim_end_matches('/').is_empty() {
            errors.push("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe".to_owned());
            continue;
        }
        for path in expand(node, p) {
            let files: Vec<&str> =
                node.files.iter().filter(|f| under(&f.path, &path)).map(|f| f.path.as_str()).collect();
            let exact = node.files.iter().any(|f| f.path == path);
            if exact || (!files.is_empty() && recursive) {
                changes.extend(
                    files.iter().map(|f| Change::RemoveFile { node: node.meta.name.clone(), path: (*f).to_owned() }),
                );
            } else if !files.is_empty() || size_of(node, &path).is_some() {
                if recursive {
                    errors.push(format!("rm: cannot remove '{path}': Device or resource busy"));
                } else {
                    errors.push(format!("rm: cannot remove '{path}': Is a directory"));
                }
            } else if !force {
                errors.push(format!("rm: cannot remove '{path}': No such file or directory"));
            }
        }
    }
    if !errors.is_empty() && changes.is_empty() {
        return Shell::Fail(errors.join("\n"), 1);
    }
    Shell::Apply(changes, errors.join("\n"))
}

pub fn truncate(node: &Node, args: &[&str]) -> Shell {
    let mut size = None;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if *a == "-s" || *a == "--size" {
            size = it.next().copied();
        } else if let Some(v) = a.strip_prefix("--size=").or_else(|| a.strip_prefix("-s")) {
            size = Some(v);
        } else {
            paths.push(*a);
        }
    }
    match size {
        None => Shell::Fail("truncate: you must specify either '--size' or '--reference'".to_owned(), 1),
        Some("0") => Shell::Apply(
            paths
                .iter()
                .filter(|p| node.files.iter().any(|f| f.path == **p))
                .map(|p| Change::RemoveFile { node: node.meta.name.clone(), path: (*p).to_owned() })
                .collect(),
            String::new(),
        ),
        Some(_) => Shell::Fail("truncate: this console can only empty files (truncate -s 0 FILE)".to_owned(), 1),
    }
}
