//! Records the git revision the binary was built from, for `kombat --version`. A build outside a
//! git checkout (a crate tarball) says `unknown` rather than failing.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok().filter(|out| out.status.success())?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn main() {
    let revision = git(&["rev-parse", "--short=12", "HEAD"])
        .filter(|s| s.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=KOMBAT_GIT_REVISION={revision}");
    // Rebuild when HEAD moves. Only existing paths are named: cargo reruns a build script on
    // every build for a path that does not exist.
    let git_dir = git(&["rev-parse", "--git-dir"]).map(PathBuf::from);
    let common_dir = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from);
    let watched = [
        git_dir.as_ref().map(|d| d.join("HEAD")),
        common_dir.as_ref().map(|d| d.join("refs").join("heads")),
        common_dir.as_ref().map(|d| d.join("packed-refs")),
    ];
    for path in watched.into_iter().flatten().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    if git_dir.is_none() {
        println!("cargo:rerun-if-changed=build.rs");
    }
}
