//! Only the controllers write the cluster without advancing its change counter.
//!
//! `Cluster`'s `_status_only` accessors hand out a store without telling the controllers that the
//! world changed; Rust can only limit them to the simulation module. This test limits them to the
//! controllers and the traffic step, whose status bookkeeping they exist for: the console, the
//! manifests, the scenarios and the game must write through the `_mut()` accessors, which touch.

use std::path::Path;

/// Where a quiet write may appear: the accessors' definitions and the writers they exist for.
const ALLOWED: &[&str] =
    &["src/sim/cluster.rs", "src/sim/controllers.rs", "src/sim/controllers/", "src/sim/traffic.rs"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_controllers_write_without_touching() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "found the sources");
    let mut offenders = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if ALLOWED.iter().any(|a| relative == *a || (a.ends_with('/') && relative.starts_with(a))) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if line.contains("_status_only(") {
                offenders.push(format!("{relative}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "quiet writes outside the controllers:\n{}", offenders.join("\n"));
}
