//! The node's configuration files, as root edits them: static pod manifests in
//! `/etc/kubernetes/manifests` and the kubelet's `/var/lib/kubelet/config.yaml` (`ls`, `cat`,
//! `mv`, `cp`, `rm`, `sed -i`), and `kubeadm upgrade` (packages are `apt`'s).
//! Every edit is a change applied through the cluster API, so a scenario's fault can make it too.

use super::Shell;
use crate::sim::change::Change;
use crate::sim::control_plane::{self, Component, KUBELET_CONFIG, MANIFESTS_DIR};
use crate::sim::objects::Node;

/// The text of a configuration file on the node, if it is one.
pub fn read(node: &Node, path: &str) -> Option<String> {
    if path == KUBELET_CONFIG {
        return Some(control_plane::kubelet_config_text(node));
    }
    if path == crate::sim::kubelet_config::FSTAB && !node.config_files.contains_key(path) {
        return Some(DEFAULT_FSTAB.to_owned());
    }
    node.config_files.get(path).cloned()
}

/// `/etc/fstab` as Ubuntu's cloud image ships it: the root file system and no swap.
const DEFAULT_FSTAB: &str = "LABEL=cloudimg-rootfs	/	 ext4	discard,commit=30,errors=remount-ro	0 1
LABEL=UEFI	/boot/efi	vfat	umask=0077	0 1";

/// `ls` of a directory that holds configuration files; `None` for any other directory.
pub fn ls(node: &Node, dir: &str) -> Option<Shell> {
    let dir = dir.trim_end_matches('/');
    let mut names: Vec<String> = node
        .config_files
        .keys()
        .filter_map(|p| p.strip_prefix(dir).and_then(|r| r.strip_prefix('/')))
        .map(|r| r.split('/').next().unwrap_or(r).to_owned())
        .collect();
    if dir == "/etc/kubernetes" {
        names.extend(["kubelet.conf", "pki"].map(str::to_owned));
        if control_plane::node_is_control_plane(node) {
            names.extend(
                ["admin.conf", "controller-manager.conf", "scheduler.conf", "super-admin.conf"].map(str::to_owned),
            );
        }
        names.push("manifests".to_owned());
    } else if dir == crate::sim::cni::CONFIG_DIR && names.is_empty() {
        // containerd's config directory stays when its last config is gone.
        return Some(Shell::Out(String::new()));
    } else if dir == "/opt/cni/bin" {
        names.extend(crate::sim::cni::PLUGIN_BINARIES.iter().map(|b| (*b).to_owned()));
    } else if dir == MANIFESTS_DIR && names.is_empty() {
        // The directory is there on every node kubeadm joined, empty on workers.
        return Some(Shell::Out(String::new()));
    } else if dir == "/var/lib/kubelet" {
        names.extend(["config.yaml", "kubeadm-flags.env", "pki", "pods", "plugins"].map(str::to_owned));
    }
    if names.is_empty() {
        return None;
    }
    names.sort();
    names.dedup();
    Some(Shell::Out(names.join("\n")))
}

fn file_change(node: &Node, path: &str, content: Option<String>) -> Change {
    Change::NodeFile { node: node.meta.name.clone(), path: path.to_owned(), content }
}

/// The destination of `mv`/`cp SRC DEST`: a directory keeps the source's file name.
fn destination(src: &str, dest: &str) -> String {
    let is_dir = dest.ends_with('/')
        || matches!(dest, "/tmp" | "/root" | "/etc/kubernetes" | MANIFESTS_DIR | crate::sim::cni::CONFIG_DIR);
    if is_dir {
        format!("{}/{}", dest.trim_end_matches('/'), src.rsplit('/').next().unwrap_or(src))
    } else {
        dest.to_owned()
    }
}

/// `mv SRC DEST` or `cp SRC DEST` of a configuration file.
pub fn move_or_copy(node: &Node, args: &[&str], keep: bool) -> Shell {
    let cmd = if keep { "cp" } else { "mv" };
    let paths: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let [src, dest] = paths.as_slice() else {
        return Shell::Fail(
            format!("{cmd}: missing destination file operand\nTry '{cmd} --help' for more information."),
            1,
        );
    };
    let Some(text) = read(node, src) else {
        return Shell::Fail(format!("{cmd}: cannot stat '{src}': No such file or directory"), 1);
    };
    let to = destination(src, dest);
    let change = if keep || !node.config_files.contains_key(*src) {
        file_change(node, &to, Some(text))
    } else {
        Change::MoveNodeFile { node: node.meta.name.clone(), from: (*src).to_owned(), to }
    };
    Shell::Apply(vec![change], String::new())
}

/// `rm FILE` of a configuration file; `None` when it is not one.
pub fn rm(node: &Node, path: &str) -> Option<Shell> {
    node.config_files.contains_key(path).then(|| Shell::Apply(vec![file_change(node, path, None)], String::new()))
}

/// `sed -i 's/FIND/REPLACE/[g]' FILE`: the one form of sed an operator uses to fix a flag.
pub fn sed(node: &Node, args: &[&str]) -> Shell {
    let in_place = args.iter().any(|a| a.starts_with("-i"));
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let [script, files @ ..] = words.as_slice() else {
        return Shell::Fail("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...".to_owned(), 1);
    };
    if let Some(pattern) = line_deletion(script) {
        return delete_lines(node, pattern, files, in_place);
    }
    let Some((find, replace)) = substitution(script) else {
        return Shell::Fail(
            format!(
                "sed: -e expression #1, char {}: unknown command: `{}'",
                script.len().min(1),
                script.chars().next().unwrap_or(' ')
            ),
            1,
        );
    };
    let mut changes = Vec::new();
    let mut out = Vec::new();
    for file in files {
        let Some(text) = read(node, file) else {
            return Shell::Fail(format!("sed: can't read {file}: No such file or directory"), 2);
        };
        if in_place {
            changes.push(Change::EditNodeFile {
                node: node.meta.name.clone(),
                path: (*file).to_owned(),
                find: find.clone(),
                replace: replace.clone(),
            });
        } else {
            out.push(text.replace(&find, &replace));
        }
    }
    if in_place { Shell::Apply(changes, String::new()) } else { Shell::Out(out.join("\n")) }
}

/// `/PATTERN/d`: the literal text whose lines to delete.
fn line_deletion(script: &str) -> Option<&str> {
    script.strip_prefix('/')?.strip_suffix("/d").filter(|p| !p.is_empty() && !p.contains('/'))
}

/// `sed [-i] '/PATTERN/d' FILE…`: every line containing the text goes.
fn delete_lines(node: &Node, pattern: &str, files: &[&str], in_place: bool) -> Shell {
    let mut changes = Vec::new();
    let mut out = Vec::new();
    for file in files {
        let Some(text) = read(node, file) else {
            return Shell::Fail(format!("sed: can't read {file}: No such file or directory"), 2);
        };
        let kept: Vec<&str> = text.lines().filter(|l| !l.contains(pattern)).collect();
        if in_place {
            let mut rewritten = kept.join("\n");
            if text.ends_with('\n') && !rewritten.is_empty() {
                rewritten.push('\n');
            }
            changes.push(Change::NodeFile {
                node: node.meta.name.clone(),
                path: (*file).to_owned(),
                content: Some(rewritten),
            });
        } else {
            out.push(kept.join("\n"));
        }
    }
    if in_place { Shell::Apply(changes, String::new()) } else { Shell::Out(out.join("\n")) }
}

/// `s/FIND/REPLACE/` or `s|FIND|REPLACE|g`, with any delimiter; literal text only.
fn substitution(script: &str) -> Option<(String, String)> {
    let rest = script.strip_prefix('s')?;
    let delim = rest.chars().next()?;
    let parts: Vec<&str> = rest[delim.len_utf8()..].split(delim).collect();
    match parts.as_slice() {
        [find, replace, flags] if !find.is_empty() && flags.chars().all(|c| c == 'g') => {
            Some(((*find).to_owned(), (*replace).to_owned()))
        }
        _ => None,
    }
}

/// `kubeadm upgrade plan|apply VERSION|node` and `kubeadm version`.
pub fn kubeadm(node: &Node, args: &[&str]) -> Shell {
    let current = control_plane::static_pods(node)
        .into_iter()
        .find(|(_, p)| p.name == Component::ApiServer.name())
        .and_then(|(_, p)| p.image.rsplit_once(':').map(|(_, t)| t.to_owned()));
    match args {
        ["version", ..] => Shell::Out(format!(
            "kubeadm version: &version.Info{{Major:\"1\", Minor:\"31\", GitVersion:\"{}\", GoVersion:\"go1.22.5\", Compiler:\"gc\", Platform:\"linux/amd64\"}}",
            node.package_version("kubeadm")
        )),
        ["upgrade", "node", ..] => Shell::Out(
            "[upgrade] Reading configuration from the cluster...\n[upgrade] Skipping phase. Not a control plane node.\n[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.".to_owned(),
        ),
        ["upgrade", "apply", target, ..] => {
            let Some(current) = current else {
                return Shell::Fail("[upgrade/init config] FATAL: this is not a control-plane node".to_owned(), 1);
            };
            let confirmed = args.iter().any(|a| matches!(*a, "-y" | "--yes" | "-f" | "--force"));
            upgrade_apply(node, &current, target, confirmed)
        }
        ["upgrade", "plan", ..] => match current {
            Some(v) => Shell::Out(format!(
                "[upgrade] Fetching available versions to upgrade to\n[upgrade/versions] Cluster version: {v}\n[upgrade/versions] kubeadm version: {}\n\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply {}",
                node.package_version("kubeadm"),
                control_plane::VERSIONS.last().copied().unwrap_or("v1.31.0")
            )),
            None => Shell::Fail("[upgrade/init config] FATAL: this is not a control-plane node".to_owned(), 1),
        },
        _ => Shell::Fail("Usage:\n  kubeadm [command]\n\nAvailable Commands:\n  upgrade     Upgrade your cluster smoothly to a newer version with this command\n  version     Print the version of kubeadm".to_owned(), 1),
    }
}

/// Rewrites the control plane's manifests to the target version, one minor at a time, as kubeadm
/// refuses to skip one.
fn upgrade_apply(node: &Node, current: &str, target: &str, confirmed: bool) -> Shell {
    let (Some(from), Some(to)) = (control_plane::minor(current), control_plane::minor(target)) else {
        return Shell::Fail(format!("[upgrade/version] FATAL: the --version argument is invalid: \"{target}\""), 1);
    };
    if to.1 > from.1 + 1 {
        return Shell::Fail(
            format!(
                "[upgrade/version] FATAL: the specified version to upgrade to \"{target}\" is too high; kubeadm can upgrade only 1 minor version at a time"
            ),
            1,
        );
    }
    // The binary carries the manifests it writes: it cannot write a newer release's.
    let kubeadm = node.package_version("kubeadm");
    if control_plane::release(kubeadm) < control_plane::release(target) {
        return Shell::Fail(
            format!(
                "[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to \"{target}\" is higher than the kubeadm version \"{kubeadm}\". Upgrade kubeadm first using the tool you used to install kubeadm"
            ),
            1,
        );
    }
    if !confirmed {
        return Shell::Fail(
            format!(
                "[upgrade/version] You have chosen to change the cluster version to \"{target}\"\n[upgrade/confirm] Are you sure you want to proceed? [y/N]: [upgrade/confirm] FATAL: won't proceed; the user didn't answer (Y|y) in order to continue"
            ),
            1,
        );
    }
    let mut changes = Vec::new();
    for (path, pod) in control_plane::static_pods(node) {
        if pod.name == Component::Etcd.name() {
            continue;
        }
        if let Some((repo, tag)) = pod.image.rsplit_once(':') {
            changes.push(Change::EditNodeFile {
                node: node.meta.name.clone(),
                path: path.to_owned(),
                find: format!("image: {repo}:{tag}"),
                replace: format!("image: {repo}:{target}"),
            });
        }
    }
    Shell::Apply(
        changes,
        format!(
            "[upgrade/version] You have chosen to change the cluster version to \"{target}\"\n[upgrade/staticpods] Writing new Static Pod manifests to \"{MANIFESTS_DIR}\"\n[upgrade/successful] SUCCESS! Your cluster was upgraded to \"{target}\". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so."
        ),
    )
}
