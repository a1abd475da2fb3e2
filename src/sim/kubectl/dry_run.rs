//! `--dry-run=client|server` for every command that takes it: the command runs on a copy of the
//! cluster, through the same admission as a real change, and the copy is thrown away. It prints
//! what kubectl prints for a dry run (`configmap/x created (dry run)`, `(server dry run)`, or the
//! object with `-o yaml|json|name`) and costs a read.

use super::{Done, KubectlError};
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::manifest::{to_json, to_manifest, to_yaml};

/// How a command was asked to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    Client,
    Server,
}

impl DryRun {
    fn suffix(self) -> &'static str {
        match self {
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// Whether `--dry-run` is the word at hand (`--dry-run`, `--dry-run=…`).
fn is_dry_run_word(word: &str) -> bool {
    word == "--dry-run" || word.starts_with("--dry-run=")
}

/// The dry run a command's words ask for, as kubectl reads the flag: `client`, `server`, `none`,
/// a boolean (deprecated), and bare `--dry-run` as `client`. The last one given wins. Words after
/// `--` belong to the command run in a container, not to kubectl.
pub fn requested(words: &[String]) -> Result<Option<DryRun>, KubectlError> {
    let mut mode = None;
    for word in words.iter().take_while(|w| *w != "--").filter(|w| is_dry_run_word(w)) {
        mode = match word.strip_prefix("--dry-run=") {
            None | Some("client" | "true") => Some(DryRun::Client),
            Some("server") => Some(DryRun::Server),
            Some("none" | "false") => None,
            Some(other) => {
                return Err(KubectlError::msg(format!(
                    "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
                )));
            }
        };
    }
    Ok(mode)
}

/// The words without `--dry-run` (bare `--dry-run` takes no value, as pflag's optional value).
pub fn without_flag(words: &[String]) -> Vec<String> {
    let end = words.iter().position(|w| w == "--").unwrap_or(words.len());
    words.iter().enumerate().filter(|(i, w)| *i >= end || !is_dry_run_word(w)).map(|(_, w)| w.clone()).collect()
}

/// Runs `run` on a copy of the cluster and words its result as a dry run: each line kubectl
/// printed gets the dry-run suffix, or with `-o yaml|json|name` the objects as they would be.
pub fn run(
    cluster: &Cluster,
    mode: DryRun,
    words: &[String],
    run: impl FnOnce(&mut Cluster) -> Result<Done, KubectlError>,
) -> Result<Done, KubectlError> {
    let mut scratch = cluster.clone();
    scratch.recording = Some(Vec::new());
    let done = run(&mut scratch)?;
    let changes = scratch.recording.take().unwrap_or_default();
    let output = match output_format(words) {
        Some(format @ ("yaml" | "json" | "name")) if !changes.is_empty() => {
            objects(cluster, &scratch, &changes, format)
        }
        _ => done
            .output
            .lines()
            .map(
                |l| if l.is_empty() || l.starts_with("error") { l.to_owned() } else { format!("{l}{}", mode.suffix()) },
            )
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Ok(Done { output, changed: false, failed: done.failed })
}

/// The `-o` a command was given, if any (parsed leniently: only this flag matters here).
fn output_format(words: &[String]) -> Option<&str> {
    let mut it = words.iter().take_while(|w| *w != "--");
    while let Some(w) = it.next() {
        if w == "-o" || w == "--output" {
            return it.next().map(String::as_str);
        }
        if let Some(v) = w.strip_prefix("--output=").or_else(|| w.strip_prefix("-o")) {
            return Some(v.trim_start_matches('='));
        }
    }
    None
}

/// Each object the changes touched, once, as it would be after them (or as it was, for a delete).
fn objects(before: &Cluster, after: &Cluster, changes: &[Change], format: &str) -> String {
    let mut seen: Vec<(Kind, String, String)> = Vec::new();
    for target in changes.iter().filter_map(target) {
        if !seen.contains(&target) {
            seen.push(target);
        }
    }
    let manifests: Vec<serde_json::Value> = seen
        .iter()
        .filter_map(|(k, ns, n)| to_manifest(after, *k, ns, n).or_else(|| to_manifest(before, *k, ns, n)))
        .collect();
    match format {
        "name" => seen.iter().map(|(k, _, n)| super::mutate::target::slash_name(*k, n)).collect::<Vec<_>>().join("\n"),
        "json" if manifests.len() == 1 => to_json(&manifests[0]),
        "json" => to_json(&serde_json::json!({"apiVersion": "v1", "kind": "List", "items": manifests})),
        _ => manifests.iter().map(to_yaml).collect::<Vec<_>>().join("---\n"),
    }
}

/// The object a change is about.
fn target(change: &Change) -> Option<(Kind, String, String)> {
    let deployment = |ns: &str, name: &str| Some((Kind::Deployment, ns.to_owned(), name.to_owned()));
    match change {
        Change::Create(object) => {
            let meta = object.meta();
            Some((object.kind(), meta.namespace.clone(), meta.name.clone()))
        }
        Change::Delete { kind, namespace, name, .. }
        | Change::Scale { kind, namespace, name, .. }
        | Change::Patch { kind, namespace, name, .. }
        | Change::Label { kind, namespace, name, .. }
        | Change::Annotate { kind, namespace, name, .. } => Some((*kind, namespace.clone(), name.clone())),
        Change::SetImage { namespace, deployment: d, kind, .. }
        | Change::SetEnv { namespace, deployment: d, kind, .. }
        | Change::SetResources { namespace, deployment: d, kind, .. }
        | Change::SetCommand { namespace, deployment: d, kind, .. }
        | Change::SetProbe { namespace, deployment: d, kind, .. } => Some((*kind, namespace.clone(), d.clone())),
        Change::RolloutRestart { namespace, deployment: d }
        | Change::RolloutUndo { namespace, deployment: d, .. }
        | Change::RolloutPause { namespace, deployment: d, .. } => deployment(namespace, d),
        Change::Cordon { node, .. } => Some((Kind::Node, String::new(), node.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        shlex::split(line).unwrap_or_default()
    }

    #[test]
    fn the_flag_reads_as_kubectl_reads_it() {
        assert_eq!(requested(&words("cm x --dry-run=client")), Ok(Some(DryRun::Client)));
        assert_eq!(requested(&words("cm x --dry-run=server")), Ok(Some(DryRun::Server)));
        // A bare --dry-run is kubectl's deprecated spelling of client, and takes no value.
        assert_eq!(requested(&words("--dry-run cm x")), Ok(Some(DryRun::Client)));
        assert_eq!(without_flag(&words("--dry-run cm x")), words("cm x"));
        assert_eq!(requested(&words("cm x --dry-run=none")), Ok(None));
        assert_eq!(requested(&words("cm x --dry-run=true")), Ok(Some(DryRun::Client)));
        assert_eq!(requested(&words("pod x -- --dry-run=server")), Ok(None));
        assert_eq!(
            requested(&words("cm x --dry-run=maybe")).map_err(|e| e.to_string()),
            Err("error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".".to_owned())
        );
    }
}
