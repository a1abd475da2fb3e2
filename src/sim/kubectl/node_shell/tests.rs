//! Tests for the node shell.

use super::{Shell, execute};
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::describe::fixture::{cluster, not_ready_node};
use crate::sim::objects::DiskFile;

fn full_disk() -> Cluster {
    let mut c = cluster();
    if let Some(n) = c.nodes_mut().get_mut("node-1") {
        n.files = vec![DiskFile { path: "/var/log/app/debug.log".to_owned(), gib: 60 }];
    }
    c
}

fn sh(c: &Cluster, line: &str) -> Shell {
    let argv: Vec<String> = shlex::split(line).unwrap_or_default();
    match c.nodes().get("node-1") {
        Some(n) => execute(c, n, &argv),
        None => Shell::Fail("no node".to_owned(), 1),
    }
}

fn out(c: &Cluster, line: &str) -> String {
    match sh(c, line) {
        Shell::Out(s) | Shell::Fail(s, _) | Shell::Apply(_, s) => s,
    }
}

#[test]
fn df_reports_the_root_disk() {
    let c = full_disk();
    assert_eq!(
        out(&c, "df -h"),
        "Filesystem      Size  Used Avail Use% Mounted on\n/dev/root       100G   80G   20G  80% /\ntmpfs           819M  2.0M  817M   1% /run\ntmpfs           4.0G     0  4.0G   0% /dev/shm"
    );
    assert_eq!(
        out(&c, "df -h /var/log"),
        "Filesystem      Size  Used Avail Use% Mounted on\n/dev/root       100G   80G   20G  80% /"
    );
    assert_eq!(
        out(&c, "du -sh /var/log/*"),
        "60G     /var/log/app\n1.2G    /var/log/journal\n614M    /var/log/pods\n204M    /var/log/syslog"
    );
    assert_eq!(
        sh(&c, "du -sh /nope"),
        Shell::Fail("du: cannot access '/nope': No such file or directory".to_owned(), 1)
    );
}

#[test]
fn systemctl_status_follows_the_kubelet() {
    let mut c = full_disk();
    let running = out(&c, "systemctl status kubelet");
    assert!(running.starts_with("● kubelet.service - kubelet: The Kubernetes Node Agent\n"));
    assert!(
        running.contains("\n     Active: active (running) since Fri 2026-10-23 09:00:00 UTC; 4 weeks 2 days ago\n")
    );
    not_ready_node(&mut c);
    assert_eq!(
        out(&c, "systemctl status kubelet"),
        "○ kubelet.service - kubelet: The Kubernetes Node Agent
     Loaded: loaded (/usr/lib/systemd/system/kubelet.service; enabled; preset: enabled)
    Drop-In: /usr/lib/systemd/system/kubelet.service.d
             └─10-kubeadm.conf
     Active: inactive (dead) since Sun 2026-11-22 09:07:00 UTC; 3min 0s ago
   Duration: 30d 2h 14min 9.120s
       Docs: https://kubernetes.io/docs/
    Process: 1321 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS (code=killed, signal=TERM)
   Main PID: 1321 (code=killed, signal=TERM)
        CPU: 3min 12.406s

Nov 22 09:07:00 node-1 systemd[1]: Stopping kubelet.service - kubelet: The Kubernetes Node Agent...
Nov 22 09:07:00 node-1 systemd[1]: kubelet.service: Deactivated successfully.
Nov 22 09:07:00 node-1 systemd[1]: Stopped kubelet.service - kubelet: The Kubernetes Node Agent."
    );
    assert_eq!(
        out(&c, "journalctl -u kubelet --no-pager -n 2"),
        "Nov 22 09:07:00 node-1 systemd[1]: kubelet.service: Deactivated successfully.\nNov 22 09:07:00 node-1 systemd[1]: Stopped kubelet.service - kubelet: The Kubernetes Node Agent."
    );
}

#[test]
fn changing_commands_build_changes() {
    let mut c = full_disk();
    let kubelet = |running| Change::Kubelet { node: "node-1".to_owned(), running };
    assert_eq!(sh(&c, "systemctl stop kubelet"), Shell::Apply(vec![kubelet(false)], String::new()));
    assert_eq!(
        sh(&c, "systemctl restart kubelet.service"),
        Shell::Apply(vec![Change::RestartKubelet { node: "node-1".to_owned() }], String::new())
    );
    assert_eq!(sh(&c, "systemctl start kubelet"), Shell::Out(String::new()));
    not_ready_node(&mut c);
    assert_eq!(sh(&c, "systemctl start kubelet"), Shell::Apply(vec![kubelet(true)], String::new()));
    let removed = Change::RemoveFile { node: "node-1".to_owned(), path: "/var/log/app/debug.log".to_owned() };
    assert_eq!(sh(&c, "rm -rf /var/log/app"), Shell::Apply(vec![removed.clone()], String::new()));
    assert_eq!(sh(&c, "rm /var/log/app/debug.log"), Shell::Apply(vec![removed.clone()], String::new()));
    assert_eq!(sh(&c, "truncate -s 0 /var/log/app/debug.log"), Shell::Apply(vec![removed], String::new()));
    assert_eq!(
        sh(&c, "rm /var/log/app"),
        Shell::Fail("rm: cannot remove '/var/log/app': Is a directory".to_owned(), 1)
    );
    assert_eq!(sh(&c, "rm /nope"), Shell::Fail("rm: cannot remove '/nope': No such file or directory".to_owned(), 1));
    assert_eq!(sh(&c, "rm -f /nope"), Shell::Apply(Vec::new(), String::new()));
}

#[test]
fn the_node_shell_answers_like_a_node() {
    let mut c = full_disk();
    assert_eq!(sh(&c, "foo --bar"), Shell::Fail("bash: foo: command not found".to_owned(), 127));
    assert!(out(&c, "cat /var/lib/kubelet/config.yaml").contains("\nclusterDNS:\n- 10.96.0.10\n"));
    assert!(out(&c, "crictl ps").starts_with("CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD\n"));
    let ssh = |c: &mut Cluster, line: &str| {
        let outcome = crate::sim::kubectl::run(c, &format!("ssh {line}"));
        if outcome.ok { Ok(outcome.output) } else { Err(outcome.output) }
    };
    assert_eq!(
        ssh(&mut c, "nope -- df -h"),
        Err("ssh: Could not resolve hostname nope: Name or service not known".to_owned())
    );
    assert_eq!(ssh(&mut c, "node-1 hostname"), Ok("node-1".to_owned()));
    assert_eq!(ssh(&mut c, "root@10.0.0.11 -- 'sudo systemctl is-active kubelet'"), Ok("active".to_owned()));
    // Through the API: the cluster changes.
    // Planned on a shared cluster, applied by the console.
    let planned = super::plan(&c, &["node-1", "--", "rm", "-rf", "/var/log/app"].map(str::to_owned));
    assert!(planned.is_ok_and(|p| !p.changes.is_empty()));
    assert_eq!(c.nodes().get("node-1").map(|n| n.files.len()), Some(1));
    let done = crate::sim::kubectl::run(&mut c, "ssh node-1 -- rm -rf /var/log/app");
    assert!(done.ok && done.changed && done.cost == crate::sim::kubectl::CHANGE_COST);
    assert_eq!(c.nodes().get("node-1").map(|n| n.files.len()), Some(0));
    let done = crate::sim::kubectl::run(&mut c, "ssh node-1 systemctl stop kubelet");
    assert!(done.ok && done.changed);
    assert_eq!(c.nodes().get("node-1").map(|n| n.kubelet), Some(crate::sim::objects::KubeletState::Stopped));
}

/// The kubelet's config is kubeadm's until someone edits it; `sed -i` edits it in place.
#[test]
fn config_files_read_and_edit_like_a_shell() {
    let c = cluster();
    assert!(out(&c, "cat /var/lib/kubelet/config.yaml").contains("clusterDNS:\n- 10.96.0.10"));
    assert_eq!(out(&c, "ls /etc/kubernetes/manifests"), "", "a worker's manifests directory is empty");
    assert!(out(&c, "sed 's/10.96.0.10/10.96.0.11/' /var/lib/kubelet/config.yaml").contains("- 10.96.0.11"));
    let Shell::Apply(changes, _) = sh(&c, "sed -i 's|- 10.96.0.10|- 10.96.0.11|g' /var/lib/kubelet/config.yaml") else {
        panic!("sed -i is a change");
    };
    assert_eq!(
        changes,
        [Change::EditNodeFile {
            node: "node-1".into(),
            path: "/var/lib/kubelet/config.yaml".into(),
            find: "- 10.96.0.10".into(),
            replace: "- 10.96.0.11".into(),
        }]
    );
    assert_eq!(
        sh(&c, "sed -i 'p' /var/lib/kubelet/config.yaml"),
        Shell::Fail("sed: -e expression #1, char 1: unknown command: `p'".into(), 1)
    );
    assert_eq!(
        sh(&c, "mv /etc/kubernetes/manifests/kube-scheduler.yaml /tmp/"),
        Shell::Fail(
            "mv: cannot stat '/etc/kubernetes/manifests/kube-scheduler.yaml': No such file or directory".into(),
            1
        )
    );
}

/// `apt-get install kubelet=VERSION-REVISION` installs that kubelet once its hold is lifted; a
/// version the repository lacks, a package it lacks or a missing `-y` stop as real apt stops.
#[test]
fn apt_get_installs_a_kubelet_version() {
    let mut c = cluster();
    assert!(
        out(&c, "apt-get install -y kubelet=1.32.0-1.1")
            .ends_with("E: Held packages were changed and -y was used without --allow-change-held-packages.")
    );
    let Shell::Apply(changes, _) = sh(&c, "apt-mark unhold kubelet kubectl") else { panic!("unhold is a change") };
    for change in changes {
        c.apply(change, "test").expect("unhold applies");
    }
    assert_eq!(out(&c, "apt-mark showhold"), "kubeadm");
    let Shell::Apply(changes, text) = sh(&c, "apt-get install -y kubelet=1.32.0-1.1 kubectl=1.32.0-1.1") else {
        panic!("an install is a change");
    };
    let versions = [("kubectl", "v1.32.0"), ("kubelet", "v1.32.0")].map(|(p, v)| (p.to_owned(), v.to_owned()));
    assert_eq!(changes, [Change::InstallPackages { node: "node-1".into(), versions: versions.into() }]);
    assert!(text.contains("Setting up kubelet (1.32.0-1.1) ..."), "{text}");
    assert!(text.contains("The following packages will be upgraded:\n  kubectl kubelet"), "{text}");
    assert!(out(&c, "apt-get install kubelet=1.32.0-1.1").ends_with("Do you want to continue? [Y/n] Abort."));
    assert!(out(&c, "apt-get install -y kubelet=latest").ends_with("E: Version 'latest' for 'kubelet' was not found"));
    assert!(out(&c, "apt-get install -y kubelet=1.31.0").ends_with("E: Version '1.31.0' for 'kubelet' was not found"));
    assert!(out(&c, "apt-get install -y kubernetes").ends_with("E: Unable to locate package kubernetes"));
    assert!(out(&c, "apt-get install -y kubelet=1.31.0-1.1").starts_with("Reading package lists... Done"));
    assert!(
        out(&c, "apt-get install -y kubelet=1.31.0-1.1")
            .contains("kubelet is already the newest version (1.31.0-1.1).")
    );
    assert_eq!(out(&c, "uname -r"), "6.8.0-45-generic");
}

/// `apt-get upgrade` moves what is not held to the newest version and keeps the rest back.
#[test]
fn apt_get_upgrade_keeps_held_packages_back() {
    let c = cluster();
    let text = out(&c, "apt-get upgrade -y");
    assert!(text.contains("The following packages have been kept back:\n  kubeadm kubectl kubelet"), "{text}");
    assert!(text.ends_with("0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded."), "{text}");
}
