//! `kubectl drain`: cordon, then evict every pod on the node through the eviction API (which
//! honours disruption budgets). The console does not block, so drain makes one pass: a pod a
//! budget protects gets kubectl's retry line once, and the drain ends with kubectl's error.

use super::node::{cordon_step, nodes};
use super::{ACTOR, api_message};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::Cluster;
use crate::sim::drain::{Options, pods_for_deletion};
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::objects::Selector;

pub(crate) const FLAGS: &[FlagSpec] = &[
    flag::IGNORE_DAEMONSETS,
    flag::DELETE_EMPTYDIR_DATA,
    flag::DELETE_LOCAL_DATA,
    flag::FORCE,
    flag::TIMEOUT,
    flag::GRACE_PERIOD,
    flag::DISABLE_EVICTION,
    flag::POD_SELECTOR,
    flag::SELECTOR,
    flag::DRY_RUN,
    flag::SKIP_WAIT_FOR_DELETE_TIMEOUT,
    flag::CHUNK_SIZE,
];

impl Options {
    fn from_args(args: &Args) -> Result<Options, KubectlError> {
        let pod_selector = match args.value(flag::POD_SELECTOR) {
            Some(s) => Some(Selector::parse(s).map_err(|_| {
                KubectlError::msg("error: --pod-selector=<pod_selector> must be a valid label selector")
            })?),
            None => None,
        };
        let timeout = match args.value(flag::TIMEOUT) {
            Some(t) => Some(parse_duration(t).ok_or_else(|| {
                KubectlError::msg(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""
                ))
            })?),
            None => None,
        };
        Ok(Options {
            ignore_daemonsets: args.switch(flag::IGNORE_DAEMONSETS),
            delete_emptydir_data: args.switch(flag::DELETE_EMPTYDIR_DATA) || args.switch(flag::DELETE_LOCAL_DATA),
            force: args.switch(flag::FORCE),
            disable_eviction: args.switch(flag::DISABLE_EVICTION),
            pod_selector,
            timeout,
        })
    }
}

/// Go's `time.ParseDuration` for whole hours, minutes and seconds (`90s`, `5m`, `1h30m`, `0`).
fn parse_duration(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    let mut total = 0u64;
    let mut digits = String::new();
    let mut seen = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: u64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        })?)?;
        seen = true;
    }
    (digits.is_empty() && seen).then_some(total)
}

/// Go's `time.Duration` formatting: `30s`, `1m0s`, `1h0m0s`.
fn format_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// Go's `utilerrors.Aggregate` text: one error as is, several in brackets.
fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// Evicts (or deletes) the listed pods once. Returns the output lines, the pods still pending
/// with the errors that kept them, and whether anything changed.
fn evict_pass(
    cluster: &mut Cluster,
    pods: &[(String, String)],
    opts: &Options,
) -> (Vec<String>, Vec<String>, Vec<String>, bool) {
    let mut started = Vec::new();
    let mut retries = Vec::new();
    let mut finished = Vec::new();
    let mut pending = Vec::new();
    let mut errors = Vec::new();
    let mut changed = false;
    for (ns, name) in pods {
        let change = if opts.disable_eviction {
            Change::Delete {
                kind: crate::sim::kind::Kind::Pod,
                namespace: ns.clone(),
                name: name.clone(),
                force: false,
            }
        } else {
            started.push(format!("evicting pod {ns}/{name}"));
            Change::Evict { namespace: ns.clone(), pod: name.clone() }
        };
        match cluster.apply(change, ACTOR) {
            Ok(()) => {
                changed = true;
                let verb = if opts.disable_eviction { "deleted" } else { "evicted" };
                finished.push(format!("pod/{name} {verb}"));
            }
            Err(ApiError::NotFound { .. }) => {}
            Err(ApiError::TooManyRequests(m)) => {
                retries.push(format!("error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {m}"));
                errors.push(match opts.timeout {
                    Some(t) if t > 0 => format!(
                        "error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {}",
                        format_duration(t)
                    ),
                    _ => format!("error when evicting pods/\"{name}\" -n \"{ns}\": {m}"),
                });
                pending.push(format!("pod/{name}"));
            }
            Err(e) => {
                errors.push(format!("error when evicting pods/\"{name}\" -n \"{ns}\": {}", api_message(&e)));
                pending.push(format!("pod/{name}"));
            }
        }
    }
    let mut out = started;
    out.extend(retries);
    out.extend(finished);
    (out, pending, errors, changed)
}

/// The lines kubectl prints when draining a node failed, ending with its final error.
fn drain_failure(out: &mut Vec<String>, node: &str, remaining: &[String], errors: &[String]) {
    out.push(format!(
        "error: unable to drain node \"{node}\" due to error: {}, continuing command...",
        aggregate(errors)
    ));
    out.push("There are pending nodes to be drained:".to_owned());
    out.extend(remaining.iter().map(|n| format!(" {n}")));
    out.extend(errors.iter().cloned());
}

pub fn run(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, FLAGS)?;
    let opts = Options::from_args(&args)?;
    let targets: Vec<(String, super::Step)> =
        nodes(cluster, &args, "drain")?.into_iter().map(|n| (n.meta.name.clone(), cordon_step(n, true))).collect();
    let mut out = Vec::new();
    let mut changed = false;
    for (node, step) in &targets {
        match &step.change {
            Some(change) => match cluster.apply(change.clone(), ACTOR) {
                Ok(()) => {
                    changed = true;
                    out.extend(step.line.clone());
                }
                Err(e) => out.push(format!("error: unable to cordon node \"{node}\": {}", api_message(&e))),
            },
            None => out.extend(step.line.clone()),
        }
    }
    let names: Vec<String> = targets.into_iter().map(|(n, _)| n).collect();
    let mut failed = false;
    for (i, node) in names.iter().enumerate() {
        let list = pods_for_deletion(cluster, node, &opts);
        if !list.errors.is_empty() {
            drain_failure(&mut out, node, &names[i..], &list.errors);
            failed = true;
            break;
        }
        if !list.warnings.is_empty() {
            out.push(format!("Warning: {}", list.warnings.join("; ")));
        }
        let (lines, pending, errors, evicted) = evict_pass(cluster, &list.evict, &opts);
        changed |= evicted;
        out.extend(lines);
        if !errors.is_empty() {
            out.push(format!(
                "There are pending pods in node \"{node}\" when an error occurred: {}",
                aggregate(&errors)
            ));
            out.extend(pending);
            drain_failure(&mut out, node, &names[i..], &errors);
            failed = true;
            break;
        }
        out.push(format!("node/{node} drained"));
    }
    let output = out.join("\n");
    if failed && !changed {
        return Err(KubectlError::msg(output));
    }
    Ok(Done { output, changed, failed })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::sim::objects::{OwnerKind, OwnerRef};

    fn opts() -> Options {
        Options::default()
    }

    fn with_extra_pods() -> Cluster {
        let mut c = fixture::cluster();
        for p in [
            fixture::pod("debug", None, "n2", ""),
            fixture::pod(
                "cache-1",
                Some((OwnerKind::ReplicaSet, "cache-1")),
                "n2",
                r#", volumes: [(name: "tmp", source: EmptyDir)]"#,
            ),
        ] {
            c.pods_mut().insert(p.meta.key(), p);
        }
        let mut proxy = fixture::pod("kube-proxy-x", Some((OwnerKind::DaemonSet, "kube-proxy")), "n2", "");
        proxy.meta.namespace = "kube-system".into();
        c.pods_mut().insert(proxy.meta.key(), proxy);
        c
    }

    #[test]
    fn pods_are_filtered_as_kubectl_does() {
        let c = with_extra_pods();
        let list = pods_for_deletion(&c, "n2", &opts());
        assert_eq!(
            list.errors,
            [
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kube-proxy-x",
                "cannot delete Pods with local storage (use --delete-emptydir-data to override): shop/cache-1",
                "cannot delete Pods that declare no controller (use --force to override): shop/debug",
            ]
        );
        let all = Options { ignore_daemonsets: true, delete_emptydir_data: true, force: true, ..opts() };
        let list = pods_for_deletion(&c, "n2", &all);
        assert!(list.errors.is_empty());
        assert_eq!(
            list.warnings,
            [
                "ignoring DaemonSet-managed Pods: kube-system/kube-proxy-x",
                "deleting Pods that declare no controller: shop/debug",
            ]
        );
        let names: Vec<&str> = list.evict.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["cache-1", "debug", "web-7c9b-aaaaa", "web-7c9b-bbbbb"]);
    }

    #[test]
    fn a_refused_drain_cordons_and_explains() {
        let mut c = with_extra_pods();
        c.pods_mut().retain(|k, _| k.1 != "debug" && k.1 != "kube-proxy-x");
        // The cordon goes through `apply`; until it works the node is left as it was.
        let out = run(&mut c, &["n2".to_owned()]).map_or_else(|e| e.to_string(), |d| d.output);
        let tail: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("error: unable to drain")).collect();
        assert_eq!(
            tail,
            [
                "error: unable to drain node \"n2\" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): shop/cache-1, continuing command...",
                "There are pending nodes to be drained:",
                " n2",
                "cannot delete Pods with local storage (use --delete-emptydir-data to override): shop/cache-1",
            ]
        );
    }

    #[test]
    fn evictions_that_a_budget_refuses_are_reported_like_kubectl() {
        let mut out = Vec::new();
        let errors = vec![
            "error when evicting pods/\"web-x\" -n \"shop\": Cannot evict pod as it would violate the pod's disruption budget."
                .to_owned(),
        ];
        drain_failure(&mut out, "n2", &["n2".to_owned()], &errors);
        assert_eq!(
            out,
            [
                "error: unable to drain node \"n2\" due to error: error when evicting pods/\"web-x\" -n \"shop\": Cannot evict pod as it would violate the pod's disruption budget., continuing command...",
                "There are pending nodes to be drained:",
                " n2",
                "error when evicting pods/\"web-x\" -n \"shop\": Cannot evict pod as it would violate the pod's disruption budget.",
            ]
        );
        assert_eq!(aggregate(&["a".to_owned(), "b".to_owned()]), "[a, b]");
    }

    #[test]
    fn durations_parse_and_print_like_go() {
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("60"), None);
        assert_eq!(format_duration(60), "1m0s");
        assert_eq!(format_duration(30), "30s");
        assert_eq!(format_duration(3600), "1h0m0s");
    }

    #[test]
    fn mirror_and_terminating_pods_are_left_alone() {
        let mut c = fixture::cluster();
        let mut mirror = fixture::pod("etcd-n2", None, "n2", "");
        mirror.meta.owner = Some(OwnerRef { kind: OwnerKind::Node, name: "n2".into() });
        c.pods_mut().insert(mirror.meta.key(), mirror);
        if let Some(p) = c.pods_mut().values_mut().find(|p| p.meta.name == "web-7c9b-aaaaa") {
            p.status.terminating_until = Some(900);
        }
        let list = pods_for_deletion(&c, "n2", &opts());
        assert!(list.errors.is_empty());
        assert_eq!(list.evict, [("shop".to_owned(), "web-7c9b-bbbbb".to_owned())]);
    }

    #[test]
    fn drain_blocked_by_a_budget_end_to_end() {
        let mut c = fixture::cluster();
        let pdb: crate::sim::objects::Pdb =
            fixture::ron(r#"(meta: (name: "web", namespace: "shop"), selector: {"app": "web"}, min_available: 3)"#);
        c.pdbs_mut().insert(pdb.meta.key(), pdb);
        c.pods_mut().retain(|k, _| k.1 != "web-7c9b-bbbbb");
        let out = crate::sim::kubectl::run(&mut c, "kubectl drain n2 --ignore-daemonsets");
        let refusal = "Cannot evict pod as it would violate the pod's disruption budget.";
        let err = format!("error when evicting pods/\"web-7c9b-aaaaa\" -n \"shop\": {refusal}");
        assert_eq!(
            out.output,
            [
                "node/n2 cordoned".to_owned(),
                "evicting pod shop/web-7c9b-aaaaa".to_owned(),
                format!("error when evicting pods/\"web-7c9b-aaaaa\" -n \"shop\" (will retry after 5s): {refusal}"),
                format!("There are pending pods in node \"n2\" when an error occurred: {err}"),
                "pod/web-7c9b-aaaaa".to_owned(),
                format!("error: unable to drain node \"n2\" due to error: {err}, continuing command..."),
                "There are pending nodes to be drained:".to_owned(),
                " n2".to_owned(),
                err.clone(),
            ]
            .join("\n")
        );
        assert!(out.changed, "the node was cordoned");
        assert!(c.nodes()["n2"].unschedulable);
    }

    #[test]
    fn drain_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl drain n2 --ignore-daemonsets");
        assert_eq!(
            out.output,
            "node/n2 cordoned\nevicting pod shop/web-7c9b-aaaaa\nevicting pod shop/web-7c9b-bbbbb\npod/web-7c9b-aaaaa evicted\npod/web-7c9b-bbbbb evicted\nnode/n2 drained"
        );
        assert!(out.changed);
    }
}
