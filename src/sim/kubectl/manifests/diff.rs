//! `kubectl diff -f -`: what `apply` would change, as the unified diff kubectl prints (it runs
//! `diff -u -N` over a directory of live objects and one of merged ones). The apply runs on a
//! copy of the cluster; nothing changes, and it costs a read.

use std::fmt::Write as _;

use similar::TextDiff;

use super::{DIFF_FLAGS, Doc, apply, exists, live, read_docs};
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::{Args, Done, KubectlError, flag};
use crate::sim::manifest::to_yaml;

/// The directories kubectl's diff names (it makes them with random suffixes; these are fixed so
/// a game replays to the same transcript).
const LIVE_DIR: &str = "/tmp/LIVE-2026112209";
const MERGED_DIR: &str = "/tmp/MERGED-2026112209";
const STAMP: &str = "2026-11-22 09:00:00.000000000 +0000";

pub(in crate::sim::kubectl) fn diff(
    cluster: &Cluster,
    words: &[String],
    input: Option<&str>,
) -> Result<Done, KubectlError> {
    let args = Args::parse(words, DIFF_FLAGS)?;
    let docs = read_docs(&args, input, "diff")?;
    let mut merged = cluster.clone();
    merged.recording = None;
    let mut apply_words: Vec<String> = vec!["-f".into(), "-".into()];
    if let Some(ns) = args.value(flag::NAMESPACE) {
        apply_words.extend(["-n".to_owned(), ns.to_owned()]);
    }
    let applied = apply(&mut merged, &apply_words, input)?;
    let mut out = String::new();
    for d in &docs {
        let before =
            if exists(cluster, d) { live(cluster, d).map(|m| to_yaml(&m)).unwrap_or_default() } else { String::new() };
        let after = live(&merged, d).map(|m| to_yaml(&m)).unwrap_or_default();
        out.push_str(&unified(d, &before, &after));
    }
    if applied.failed {
        let errors: Vec<&str> =
            applied.output.lines().filter(|l| l.starts_with("error") || l.starts_with("Error")).collect();
        out.push_str(&errors.join("\n"));
    }
    Ok(Done { output: out, changed: false, failed: applied.failed })
}

/// One object's diff, with `diff -u -N`'s headers; nothing when it would not change.
fn unified(d: &Doc, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let group = d.kind.group();
    let version = d.kind.api_version();
    let version = version.rsplit('/').next().unwrap_or_default();
    let prefix = if group.is_empty() { String::new() } else { format!("{group}.") };
    let file = format!("{prefix}{version}.{}.{}.{}", d.kind.api_kind(), d.namespace, d.name);
    let (old, new) = (format!("{LIVE_DIR}/{file}"), format!("{MERGED_DIR}/{file}"));
    let mut text = format!("diff -u -N {old} {new}\n");
    let body = TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{old}\t{STAMP}"), &format!("{new}\t{STAMP}"))
        .to_string();
    let _ = write!(text, "{body}");
    text
}
