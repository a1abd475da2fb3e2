//! The node's package manager over the Kubernetes packages, as pkgs.k8s.io serves them:
//! `apt-get install|upgrade|update`, `apt-mark hold|unhold|showhold`, `apt-cache
//! madison|policy` and `dpkg -l`. kubeadm's install guide holds kubelet, kubeadm and kubectl, so
//! `apt-get install -y` refuses to move them until `apt-mark unhold` (or
//! `--allow-change-held-packages`), and a lower version needs `--allow-downgrades`, as real apt.
//! The repository carries every version the simulation knows ([`control_plane::VERSIONS`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Shell;
use crate::sim::change::Change;
use crate::sim::control_plane;
use crate::sim::objects::{KUBERNETES_PACKAGES, Node};

/// The Debian revision pkgs.k8s.io gives every build (`1.31.0-1.1`).
const REVISION: &str = "1.1";

/// `1.31.0-1.1` for `v1.31.0`.
fn deb_version(tag: &str) -> String {
    format!("{}-{REVISION}", tag.trim_start_matches('v'))
}

/// The repository a version comes from: pkgs.k8s.io has one per minor.
fn repository(tag: &str) -> String {
    let (major, minor) = control_plane::minor(tag).unwrap_or((1, 31));
    format!("https://pkgs.k8s.io/core:/stable:/v{major}.{minor}/deb")
}

/// Every version of a package in the repository, newest first.
fn available() -> impl Iterator<Item = &'static str> {
    control_plane::VERSIONS.iter().rev().copied()
}

fn description(package: &str) -> &'static str {
    match package {
        "kubeadm" => "Command-line utility for administering a Kubernetes cluster",
        "kubectl" => "Command-line utility for interacting with a Kubernetes cluster",
        _ => "Node agent for Kubernetes clusters",
    }
}

fn known(package: &str) -> bool {
    KUBERNETES_PACKAGES.contains(&package)
}

/// Whether `text` matches an apt version pattern with `*` and `?`: a table over prefixes, so a
/// pattern of many stars costs no more than its length times the version's.
fn glob_match(pattern: &str, text: &str) -> bool {
    let t = text.as_bytes();
    // `row[j]`: whether the pattern so far matches the first `j` bytes of the text.
    let mut row = vec![false; t.len() + 1];
    row[0] = true;
    for &p in pattern.as_bytes() {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            next[j] = match p {
                b'*' => row[j] || (j > 0 && next[j - 1]),
                b'?' => j > 0 && row[j - 1],
                c => j > 0 && row[j - 1] && t[j - 1] == c,
            };
        }
        row = next;
    }
    row[t.len()]
}

/// Short options may be bundled (`-qy`); long ones are spelled out.
fn has_flag(args: &[&str], short: char, long: &[&str]) -> bool {
    args.iter()
        .any(|a| long.contains(a) || (a.starts_with('-') && !a.starts_with("--") && a[1..].chars().any(|c| c == short)))
}

const READING: &str =
    "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done";

/// `apt-get` (and `apt`): `update`, `install PKG[=VERSION]…`, `upgrade`.
pub fn apt_get(node: &Node, args: &[&str]) -> Shell {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    match words.split_first() {
        Some((&"update", _)) => Shell::Out(format!(
            "Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease\nHit:2 {}  InRelease\nReading package lists... Done",
            repository(&node.kubelet_version)
        )),
        Some((&"install", [])) => {
            Shell::Out(format!("{READING}\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."))
        }
        Some((&"install", packages)) => install(node, args, packages),
        Some((&"upgrade" | &"dist-upgrade" | &"full-upgrade", _)) => upgrade(node, args),
        Some((other, _)) => Shell::Fail(format!("E: Invalid operation {other}"), 100),
        None => Shell::Fail(
            "apt 2.7.14 (amd64)\nUsage: apt-get [options] command\n       apt-get [options] install|remove pkg1 [pkg2 ...]\n\nMost used commands:\n  update - Retrieve new lists of packages\n  upgrade - Perform an upgrade\n  install - Install new packages (pkg is *.deb or name)".to_owned(),
            1,
        ),
    }
}

/// One package's move: from the installed version to the chosen one.
struct Move {
    package: String,
    from: String,
    to: String,
}

fn install(node: &Node, args: &[&str], packages: &[&str]) -> Shell {
    let mut out = vec![READING.to_owned()];
    let mut moves = Vec::new();
    for word in packages {
        let (name, spec) = match word.split_once('=') {
            Some((name, spec)) => (name, Some(spec)),
            None => (*word, None),
        };
        let name = name.split(':').next().unwrap_or(name);
        if !known(name) {
            return Shell::Fail(format!("{}\nE: Unable to locate package {name}", out.join("\n")), 100);
        }
        let to = match spec {
            None => available().next().unwrap_or(crate::sim::objects::KUBERNETES_VERSION),
            Some(spec) if spec.contains(['*', '?']) => {
                let Some(tag) = available().find(|t| glob_match(spec, &deb_version(t))) else {
                    return Shell::Fail(
                        format!("{}\nE: Version '{spec}' for '{name}' was not found", out.join("\n")),
                        100,
                    );
                };
                out.push(format!(
                    "Selected version '{}' (isv:kubernetes:core:stable:v{}:pkgs.k8s.io [amd64]) for '{name}'",
                    deb_version(tag),
                    control_plane::minor(tag).map_or_else(String::new, |(a, b)| format!("{a}.{b}"))
                ));
                tag
            }
            Some(spec) => match available().find(|t| deb_version(t) == spec) {
                Some(tag) => tag,
                None => {
                    return Shell::Fail(
                        format!("{}\nE: Version '{spec}' for '{name}' was not found", out.join("\n")),
                        100,
                    );
                }
            },
        };
        let from = node.package_version(name);
        if from == to {
            out.push(format!("{name} is already the newest version ({}).", deb_version(to)));
        } else if !moves.iter().any(|m: &Move| m.package == name) {
            moves.push(Move { package: name.to_owned(), from: from.to_owned(), to: to.to_owned() });
        }
    }
    carry_out(node, args, moves, 0, out)
}

/// `apt-get upgrade`: every package not on hold to the newest version; held ones kept back.
fn upgrade(node: &Node, args: &[&str]) -> Shell {
    let newest = available().next().unwrap_or(crate::sim::objects::KUBERNETES_VERSION);
    let mut out = vec![READING.to_owned(), "Calculating upgrade... Done".to_owned()];
    let behind: Vec<&str> = KUBERNETES_PACKAGES
        .iter()
        .copied()
        .filter(|p| control_plane::release(node.package_version(p)) < control_plane::release(newest))
        .collect();
    let kept: Vec<&str> = behind.iter().copied().filter(|p| node.packages.held.contains(*p)).collect();
    if !kept.is_empty() {
        out.push(format!("The following packages have been kept back:\n  {}", kept.join(" ")));
    }
    let moves = behind
        .iter()
        .filter(|p| !kept.contains(p))
        .map(|p| Move { package: (*p).to_owned(), from: node.package_version(p).to_owned(), to: newest.to_owned() })
        .collect();
    carry_out(node, args, moves, kept.len(), out)
}

/// Lists what changes, stops where real apt stops (held packages, downgrades, no `-y`), then
/// unpacks and sets up each package.
fn carry_out(node: &Node, args: &[&str], mut moves: Vec<Move>, kept_back: usize, mut out: Vec<String>) -> Shell {
    // apt lists and fetches in name order, whatever order the command line gave.
    moves.sort_by(|a, b| a.package.cmp(&b.package));
    let list = |pick: &dyn Fn(&Move) -> bool| -> Vec<&str> {
        moves.iter().filter(|m| pick(m)).map(|m| m.package.as_str()).collect()
    };
    let held = list(&|m| node.packages.held.contains(&m.package));
    let upgraded = list(&|m| control_plane::release(&m.to) > control_plane::release(&m.from));
    let downgraded = list(&|m| control_plane::release(&m.to) < control_plane::release(&m.from));
    if !held.is_empty() {
        out.push(format!("The following held packages will be changed:\n  {}", held.join(" ")));
    }
    if !upgraded.is_empty() {
        out.push(format!("The following packages will be upgraded:\n  {}", upgraded.join(" ")));
    }
    if !downgraded.is_empty() {
        out.push(format!("The following packages will be DOWNGRADED:\n  {}", downgraded.join(" ")));
    }
    let mut summary = format!("{} upgraded, 0 newly installed, ", upgraded.len());
    if !downgraded.is_empty() {
        let _ = write!(summary, "{} downgraded, ", downgraded.len());
    }
    let _ = write!(summary, "0 to remove and {kept_back} not upgraded.");
    out.push(summary);
    if moves.is_empty() {
        return Shell::Out(out.join("\n"));
    }
    let assume_yes = has_flag(args, 'y', &["--yes", "--assume-yes"]);
    let refusal = if !assume_yes {
        Some(("Do you want to continue? [Y/n] Abort.", 1))
    } else if !held.is_empty() && !args.contains(&"--allow-change-held-packages") {
        Some(("E: Held packages were changed and -y was used without --allow-change-held-packages.", 100))
    } else if !downgraded.is_empty() && !args.contains(&"--allow-downgrades") {
        Some(("E: Packages were downgraded and -y was used without --allow-downgrades.", 100))
    } else {
        None
    };
    if let Some((line, code)) = refusal {
        out.push(line.to_owned());
        return Shell::Fail(out.join("\n"), code);
    }
    for (n, m) in moves.iter().enumerate() {
        out.push(format!("Get:{} {} {} {} [15.2 MB]", n + 1, repository(&m.to), m.package, deb_version(&m.to)));
    }
    for m in &moves {
        let (to, from) = (deb_version(&m.to), deb_version(&m.from));
        out.push(format!("Preparing to unpack .../{}_{to}_amd64.deb ...", m.package));
        out.push(format!("Unpacking {} ({to}) over ({from}) ...", m.package));
    }
    for m in &moves {
        out.push(format!("Setting up {} ({}) ...", m.package, deb_version(&m.to)));
    }
    let versions: BTreeMap<String, String> = moves.into_iter().map(|m| (m.package, m.to)).collect();
    Shell::Apply(vec![Change::InstallPackages { node: node.meta.name.clone(), versions }], out.join("\n"))
}

/// `apt-mark hold|unhold PKG…` and `apt-mark showhold`.
pub fn apt_mark(node: &Node, args: &[&str]) -> Shell {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let (hold, packages) = match words.split_first() {
        Some((&"showhold", _)) => {
            return Shell::Out(node.packages.held.iter().cloned().collect::<Vec<_>>().join("\n"));
        }
        Some((&"hold", packages)) => (true, packages),
        Some((&"unhold", packages)) => (false, packages),
        Some((other, _)) => return Shell::Fail(format!("E: Invalid operation {other}"), 100),
        None => {
            return Shell::Fail(
                "Usage: apt-mark [options] {auto|manual} pkg1 [pkg2 ...]\n       apt-mark [options] {hold|unhold} pkg1 [pkg2 ...]\n       apt-mark [options] showhold".to_owned(),
                1,
            );
        }
    };
    if packages.is_empty() {
        return Shell::Fail("E: No packages found".to_owned(), 100);
    }
    if let Some(unknown) = packages.iter().find(|p| !known(p)) {
        return Shell::Fail(format!("E: Unable to locate package {unknown}"), 100);
    }
    let mut out = Vec::new();
    let mut changed = Vec::new();
    for p in packages {
        match (hold, node.packages.held.contains(*p)) {
            (true, true) => out.push(format!("{p} was already set on hold.")),
            (true, false) => out.push(format!("{p} set on hold.")),
            (false, true) => out.push(format!("Canceled hold on {p}.")),
            (false, false) => out.push(format!("{p} was already not on hold.")),
        }
        if hold != node.packages.held.contains(*p) {
            changed.push((*p).to_owned());
        }
    }
    if changed.is_empty() {
        return Shell::Out(out.join("\n"));
    }
    let change = Change::HoldPackages { node: node.meta.name.clone(), packages: changed, hold };
    Shell::Apply(vec![change], out.join("\n"))
}

/// `apt-cache madison PKG` and `apt-cache policy PKG`.
pub fn apt_cache(node: &Node, args: &[&str]) -> Shell {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let Some((verb, packages)) = words.split_first() else {
        return Shell::Fail(
            "Usage: apt-cache [options] command\n       apt-cache [options] show pkg1 [pkg2 ...]".to_owned(),
            1,
        );
    };
    let packages: Vec<&str> = packages.iter().copied().filter(|p| known(p)).collect();
    let mut out = String::new();
    match *verb {
        "madison" => {
            for p in &packages {
                for tag in available() {
                    let _ = writeln!(out, "{p:>10} | {:>10} | {}  Packages", deb_version(tag), repository(tag));
                }
            }
        }
        "policy" => {
            for p in &packages {
                let installed = node.package_version(p);
                let _ = writeln!(out, "{p}:\n  Installed: {}", deb_version(installed));
                let newest = available().next().unwrap_or(installed);
                let _ = writeln!(out, "  Candidate: {}", deb_version(newest));
                let _ = writeln!(out, "  Version table:");
                for tag in available() {
                    let mark = if tag == installed { " ***" } else { "    " };
                    let _ = writeln!(out, "{mark} {} 500\n        500 {}  Packages", deb_version(tag), repository(tag));
                    if tag == installed {
                        let _ = writeln!(out, "        100 /var/lib/dpkg/status");
                    }
                }
            }
        }
        other => return Shell::Fail(format!("E: Invalid operation {other}"), 100),
    }
    Shell::Out(out.trim_end().to_owned())
}

/// `dpkg -l [PKG…]`: the Kubernetes packages, `hi` when held.
pub fn dpkg(node: &Node, args: &[&str]) -> Shell {
    if !args.iter().any(|a| matches!(*a, "-l" | "--list")) {
        return Shell::Fail("dpkg: error: need an action option\n\nType dpkg --help for help.".to_owned(), 2);
    }
    let wanted: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let rows: Vec<&str> =
        KUBERNETES_PACKAGES.iter().copied().filter(|p| wanted.is_empty() || wanted.contains(p)).collect();
    if let Some(missing) = wanted.iter().find(|w| !known(w)) {
        return Shell::Fail(format!("dpkg-query: no packages found matching {missing}"), 1);
    }
    let mut out = String::from(
        "Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version      Architecture Description\n+++-==============-============-============-=================================================================\n",
    );
    for p in rows {
        let state = if node.packages.held.contains(p) { "hi" } else { "ii" };
        let _ = writeln!(
            out,
            "{state}  {p:<14} {:<12} amd64        {}",
            deb_version(node.package_version(p)),
            description(p)
        );
    }
    Shell::Out(out.trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn version_patterns_match_as_apt_globs() {
        assert!(glob_match("1.31.0-*", "1.31.0-1.1"));
        assert!(glob_match("1.31.*", "1.31.1-1.1"));
        assert!(glob_match("1.3?.0-1.1", "1.31.0-1.1"));
        assert!(!glob_match("1.31.0-*", "1.32.0-1.1"));
        assert!(!glob_match("1.31", "1.31.0-1.1"));
        assert!(glob_match("*", ""));
        assert!(!glob_match(&"*a".repeat(200), "1.31.0-1.1"));
    }
}
