//! Swap on a node, as root sees and changes it: `swapon --show`, `/proc/swaps`, `swapoff -a`,
//! `swapon -a` (what `/etc/fstab` lists) and `reboot`, which brings up what `/etc/fstab` says.

use std::fmt::Write as _;

use super::Shell;
use crate::sim::change::Change;
use crate::sim::kubelet_config::fstab_swap;
use crate::sim::objects::Node;

/// The size of the swap file a scenario's node has, in KiB (4 GiB, as Ubuntu's installer makes).
const SWAP_KIB: u64 = 4 * 1024 * 1024 - 4;

/// The swap device: what `/etc/fstab` names, else Ubuntu's default swap file.
fn device(node: &Node) -> String {
    fstab_swap(node).unwrap_or_else(|| "/swap.img".to_owned())
}

/// Swap in MiB as `free` reports its total (0 when off).
pub fn total_mib(node: &Node) -> u64 {
    if node.swap { SWAP_KIB / 1024 } else { 0 }
}

/// `/proc/swaps`.
pub fn proc_swaps(node: &Node) -> String {
    let mut out = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority".to_owned();
    if node.swap {
        let _ = write!(out, "\n{:<40}file\t\t{SWAP_KIB}\t\t0\t\t-2", device(node));
    }
    out
}

/// `swapon --show` (and plain `swapon`), or `swapon -a`.
pub fn swapon(node: &Node, args: &[&str]) -> Shell {
    if args.contains(&"-a") || args.contains(&"--all") {
        if node.swap || fstab_swap(node).is_none() {
            return Shell::Out(String::new());
        }
        return Shell::Apply(vec![Change::Swap { node: node.meta.name.clone(), on: true }], String::new());
    }
    if !node.swap {
        return Shell::Out(String::new());
    }
    Shell::Out(format!("NAME      TYPE SIZE USED PRIO\n{:<9} file   4G   0B   -2", device(node)))
}

/// `swapoff -a` or `swapoff DEVICE`.
pub fn swapoff(node: &Node, args: &[&str]) -> Shell {
    let named: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    if let [one] = named.as_slice()
        && (!node.swap || *one != device(node))
    {
        return Shell::Fail(format!("swapoff: {one}: swapoff failed: Invalid argument"), 255);
    }
    if !node.swap {
        return Shell::Out(String::new());
    }
    Shell::Apply(vec![Change::Swap { node: node.meta.name.clone(), on: false }], String::new())
}

/// `reboot`: the node comes back with what `/etc/fstab` says and its kubelet started afresh.
pub fn reboot(node: &Node) -> Shell {
    Shell::Apply(
        vec![Change::Reboot { node: node.meta.name.clone() }],
        format!("Connection to {} closed by remote host.", node.meta.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(swap: bool) -> Node {
        let c = crate::sim::manifest::fixture::fixture();
        let mut n = c.nodes().values().next().expect("a node").clone();
        n.swap = swap;
        n.config_files.insert("/etc/fstab".to_owned(), "/swap.img\tnone\tswap\tsw\t0\t0".to_owned());
        n
    }

    #[test]
    fn swap_reads_like_util_linux() {
        let on = node(true);
        assert_eq!(
            swapon(&on, &["--show"]),
            Shell::Out("NAME      TYPE SIZE USED PRIO\n/swap.img file   4G   0B   -2".to_owned())
        );
        assert!(proc_swaps(&on).ends_with("/swap.img                               file\t\t4194300\t\t0\t\t-2"));
        assert_eq!(swapon(&node(false), &["--show"]), Shell::Out(String::new()));
        assert_eq!(proc_swaps(&node(false)).lines().count(), 1);
    }

    #[test]
    fn swapoff_and_swapon_change_it() {
        let name = node(true).meta.name;
        assert_eq!(
            swapoff(&node(true), &["-a"]),
            Shell::Apply(vec![Change::Swap { node: name.clone(), on: false }], String::new())
        );
        assert_eq!(swapoff(&node(false), &["-a"]), Shell::Out(String::new()));
        assert_eq!(
            swapon(&node(false), &["-a"]),
            Shell::Apply(vec![Change::Swap { node: name, on: true }], String::new())
        );
    }
}
