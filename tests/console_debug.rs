//! The real binary, piped: `kubectl debug node/NODE` in `kombat console` creates a real
//! debugging pod on the node, as kubectl does: it runs its command there, ends Completed or
//! Error with the command's output as its log, or keeps running as a shell; it lists with the
//! node's address, describes with the host's filesystem at `/host`, and can be deleted.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

// `/wait 1` between debug pods: each costs the turn's action points.
const SCRIPT: &str = "\
kubectl debug node/node-1 --image=busybox -- chroot /host systemctl is-active kubelet
/wait 1
kubectl debug node/node-2 -it --image=busybox:1.36 -- ls /nope
/wait 1
kubectl debug node/node-2 -it --image=busybox
/wait 1
kubectl get pods -o wide
kubectl logs -l app.kubernetes.io/managed-by=kubectl-debug
/wait 1
kubectl describe pods -l app.kubernetes.io/managed-by=kubectl-debug
/wait 1
kubectl delete pods -l app.kubernetes.io/managed-by=kubectl-debug
/wait 1
kubectl get pods
";

fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-console-debug-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The transcript of the script played in `kombat console`.
fn transcript() -> String {
    let dir = data_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .arg("console")
        .env("KOMBAT_DATA_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    child.stdin.take().expect("stdin").write_all(SCRIPT.as_bytes()).expect("writes the script");
    let output = child.wait_with_output().expect("kombat finishes");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// What the console printed for the command `line` (up to the next prompt or turn marker).
fn answer<'a>(transcript: &'a str, line: &str) -> &'a str {
    let start = transcript.find(&format!("$ {line}\n")).map(|i| i + line.len() + 3).expect("the command ran");
    let rest = &transcript[start..];
    let end = ["\n$ ", "\n-- turn", "\n\nOutcome:"].iter().filter_map(|m| rest.find(m)).min().unwrap_or(rest.len());
    &rest[..end]
}

/// The `node-debugger-NODE-xxxxx` name announced by a debug command's answer.
fn pod_name(answer: &str, node: &str) -> String {
    let prefix = format!("Creating debugging pod node-debugger-{node}-");
    let first = answer.lines().next().expect("a line");
    assert!(first.starts_with(&prefix), "{answer}");
    assert!(first.ends_with(&format!(" with container debugger on node {node}.")), "{answer}");
    first.trim_start_matches("Creating debugging pod ").split(' ').next().expect("a name").to_owned()
}

#[test]
fn a_node_debug_pod_runs_on_the_node_and_is_an_ordinary_pod_afterwards() {
    let t = transcript();
    // Not attached, the command's output goes to the pod's log only.
    let quiet = answer(&t, "kubectl debug node/node-1 --image=busybox -- chroot /host systemctl is-active kubelet");
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    let completed = pod_name(quiet, "node-1");
    assert_eq!(completed.len(), "node-debugger-node-1-".len() + 5);
    let attached = answer(&t, "kubectl debug node/node-2 -it --image=busybox:1.36 -- ls /nope");
    let failed = pod_name(attached, "node-2");
    assert_eq!(attached.lines().nth(1), Some("ls: cannot access '/nope': No such file or directory"), "{attached}");
    let shell = answer(&t, "kubectl debug node/node-2 -it --image=busybox");
    let running = pod_name(shell, "node-2");
    assert!(shell.lines().nth(1).is_some_and(|l| l.starts_with("error: this console has no terminal")), "{shell}");

    let wide = answer(&t, "kubectl get pods -o wide");
    let row = |name: &str| wide.lines().find(|l| l.starts_with(name)).map(|l| l.split_whitespace().collect::<Vec<_>>());
    // READY STATUS RESTARTS AGE IP NODE: host network, so the node's own address.
    let completed_row = row(&completed).expect("listed");
    assert_eq!(&completed_row[1..4], ["0/1", "Completed", "0"], "{wide}");
    assert_eq!(&completed_row[5..7], ["192.168.49.2", "node-1"], "{wide}");
    let failed_row = row(&failed).expect("listed");
    assert_eq!(&failed_row[1..4], ["0/1", "Error", "0"], "{wide}");
    let running_row = row(&running).expect("listed");
    assert_eq!(&running_row[1..4], ["1/1", "Running", "0"], "{wide}");
    assert_eq!(&running_row[5..7], ["192.168.49.3", "node-2"], "{wide}");

    assert_eq!(
        answer(&t, "kubectl logs -l app.kubernetes.io/managed-by=kubectl-debug"),
        "active\nls: cannot access '/nope': No such file or directory"
    );

    let described = answer(&t, "kubectl describe pods -l app.kubernetes.io/managed-by=kubectl-debug");
    let first = described.split("\n\n\n").next().expect("the first pod");
    for expected in [
        format!("Name:             {completed}"),
        "Node:             node-1/192.168.49.2".to_owned(),
        "Status:           Succeeded".to_owned(),
        "    Mounts:\n      /host from host-root (rw)".to_owned(),
        "  host-root:\n    Type:          HostPath (bare host directory volume)\n    Path:          /\n".to_owned(),
        "Tolerations:       op=Exists\nEvents:".to_owned(),
        "Started container debugger".to_owned(),
    ] {
        assert!(first.contains(&expected), "{expected}\n--\n{first}");
    }
    // The running shell is neither restarted nor moved as turns pass.
    assert!(described.contains(&format!("Name:             {running}")), "{described}");
    assert!(described.contains("Status:           Running"), "{described}");

    let deleted = answer(&t, "kubectl delete pods -l app.kubernetes.io/managed-by=kubectl-debug");
    for name in [&completed, &failed, &running] {
        assert!(deleted.contains(&format!("pod \"{name}\" deleted")), "{deleted}");
    }
    assert_eq!(answer(&t, "kubectl get pods"), "No resources found in default namespace.");
}
