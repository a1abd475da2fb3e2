//! The real binary, piped: kubectl's read verbs in `kombat console` answer as kubectl does:
//! global flags before the verb (`kubectl -n shop get pods`), `api-resources`, `explain` of a
//! field, the kubeconfig, and `wait` answering from the cluster as it stands.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const SCRIPT: &str = "\
kubectl -n shop get pods
kubectl api-resources
kubectl explain deployment.spec.strategy
/wait 1
kubectl config current-context
kubectl --context nope get pods
kubectl -n shop wait --for=condition=Available deployment/web --timeout=30s
";

fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-console-reads-{}", std::process::id()));
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

/// What the console printed for the command `line`, up to the next prompt or turn line.
fn answer<'a>(text: &'a str, line: &str) -> Vec<&'a str> {
    let prompt = format!("$ {line}");
    let mut lines: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != prompt)
        .skip(1)
        .take_while(|l| !l.starts_with("$ ") && !l.starts_with("-- turn") && !l.starts_with("Outcome:"))
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn reads_answer_in_the_console_as_kubectl_does() {
    let text = transcript();

    // Flags before the verb move behind it, as cobra finds the command.
    let pods = answer(&text, "kubectl -n shop get pods");
    assert_eq!(
        pods.first().copied(),
        Some("NAME                   READY   STATUS             RESTARTS   AGE"),
        "{text}"
    );
    assert!(pods.iter().skip(1).all(|l| l.starts_with("web-")) && pods.len() > 1, "{pods:?}");

    let resources = answer(&text, "kubectl api-resources");
    assert!(resources[0].starts_with("NAME") && resources[0].ends_with("NAMESPACED   KIND"), "{resources:?}");
    let deployments = resources.iter().find(|l| l.starts_with("deployments ")).expect("deployments listed");
    assert_eq!(
        deployments.split_whitespace().collect::<Vec<_>>(),
        ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    );

    let explain = answer(&text, "kubectl explain deployment.spec.strategy");
    assert_eq!(
        explain[..8],
        [
            "GROUP:      apps",
            "KIND:       Deployment",
            "VERSION:    v1",
            "",
            "FIELD: strategy <DeploymentStrategy>",
            "",
            "DESCRIPTION:",
            "    The deployment strategy to use to replace existing pods with new ones.",
        ],
        "{text}"
    );
    assert!(explain.contains(&"  rollingUpdate <RollingUpdateDeployment>"), "{explain:?}");

    assert_eq!(answer(&text, "kubectl config current-context"), ["kubernetes-admin@kubernetes"]);
    assert_eq!(
        answer(&text, "kubectl --context nope get pods"),
        ["Error in configuration: context was not found for specified context: nope"]
    );
    // The storefront's pods cannot pull their image: the deployment is not available, and
    // wait says so at once instead of blocking the turn.
    assert_eq!(
        answer(&text, "kubectl -n shop wait --for=condition=Available deployment/web --timeout=30s"),
        ["error: timed out waiting for the condition on deployments/web"]
    );
}
