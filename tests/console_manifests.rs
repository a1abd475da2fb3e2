//! The real binary, piped: `kombat console` reads a here-document after `kubectl apply -f - <<EOF`
//! until `EOF` and sends it as one command, so a config map pasted as YAML is created and
//! `kubectl get cm` lists it; a dry run creates nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SCRIPT: &str = "\
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: feature-flags
  namespace: shop
data:
  checkout: \"on\"
EOF
kubectl get cm -n shop
kubectl create -f - --dry-run=client <<'END'
apiVersion: v1
kind: ConfigMap
metadata:
  name: only-a-dry-run
  namespace: shop
END
/end
kubectl get cm only-a-dry-run -n shop
/quit
";

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kombat-manifests-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn kombat(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .args(args)
        .env("KOMBAT_DATA_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kombat starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("writes the script");
    child.wait_with_output().expect("kombat finishes")
}

#[test]
fn a_heredoc_applied_in_the_console_creates_a_config_map_that_get_lists() {
    let dir = data_dir("apply");
    let played = kombat(&dir, &["console"], SCRIPT);
    let transcript = String::from_utf8_lossy(&played.stdout).into_owned();
    assert!(played.status.success(), "{transcript}\n{}", String::from_utf8_lossy(&played.stderr));
    let lines: Vec<&str> = transcript.lines().collect();
    let at = |want: &str| {
        lines.iter().position(|l| l.contains(want)).unwrap_or_else(|| panic!("no {want:?} in:\n{transcript}"))
    };
    // kubectl apply prints `configmap/NAME created`; kubectl get cm lists it with its key count.
    // The console shows the here-document below its command, as a terminal does.
    let shown = at("$ kubectl apply -f - <<'EOF'");
    assert_eq!(lines.get(shown + 1), Some(&"apiVersion: v1"), "{transcript}");
    let created = at("configmap/feature-flags created");
    let listed = lines.iter().position(|l| l.starts_with("feature-flags") && l.split_whitespace().nth(1) == Some("1"));
    let listed = listed.unwrap_or_else(|| panic!("get cm does not list it:\n{transcript}"));
    assert!(created < listed, "{transcript}");
    assert!(lines.iter().any(|l| l.starts_with("NAME") && l.contains("DATA") && l.contains("AGE")), "{transcript}");
    // The dry run prints kubectl's suffix and creates nothing.
    let dry = at("configmap/only-a-dry-run created (dry run)");
    let missing = at("Error from server (NotFound): configmaps \"only-a-dry-run\" not found");
    assert!(dry < missing, "{transcript}");
    let _ = std::fs::remove_dir_all(&dir);
}
