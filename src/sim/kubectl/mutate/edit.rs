//! `kubectl scale` and `kubectl patch`: in-place edits of existing objects.

use super::target::{objects, require, resolve_one, scope, slash_name};
use super::{Plan, Step, execute};
use crate::sim::change::{Change, PatchType};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::manifest::to_manifest;

pub(crate) const SCALE_FLAGS: &[FlagSpec] = &[
    flag::REPLICAS,
    flag::CURRENT_REPLICAS,
    flag::RESOURCE_VERSION,
    flag::TIMEOUT,
    flag::SELECTOR,
    flag::ALL,
    flag::DRY_RUN,
    flag::OUTPUT,
];

pub(crate) const PATCH_FLAGS: &[FlagSpec] = &[
    flag::PATCH,
    flag::PATCH_FILE,
    flag::TYPE,
    flag::DRY_RUN,
    flag::OUTPUT,
    flag::LOCAL,
    flag::SUBRESOURCE,
    flag::RECORD,
];

pub fn scale(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, SCALE_FLAGS)?;
    let plan = plan_scale(cluster, &args)?;
    execute(cluster, plan)
}

pub fn plan_scale(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    let Some(replicas) = args.number::<i64>(flag::REPLICAS)? else {
        return Err(KubectlError::msg("error: required flag(s) \"replicas\" not set"));
    };
    let Ok(replicas) = u32::try_from(replicas) else {
        return Err(KubectlError::msg(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ));
    };
    if args.positional.is_empty() {
        return Err(super::no_resources_error());
    }
    let current = args.number::<i64>(flag::CURRENT_REPLICAS)?;
    let found = objects(cluster, args, &args.positional)?;
    if found.is_empty() {
        return Ok(Plan::nothing("No resources found"));
    }
    let mut plan = Plan::per_object();
    for (kind, meta) in found {
        let now = match kind {
            Kind::Deployment => cluster.deployments().get(&meta.key()).map(|d| d.replicas),
            Kind::ReplicaSet => cluster.replicasets().get(&meta.key()).map(|r| r.replicas),
            Kind::StatefulSet => cluster.statefulsets().get(&meta.key()).map(|s| s.replicas),
            _ => {
                return Err(KubectlError::msg(
                    "Error from server (NotFound): the server could not find the requested resource",
                ));
            }
        };
        if let (Some(want), Some(now)) = (current, now)
            && want != i64::from(now)
        {
            return Err(KubectlError::msg(format!("error: Expected replicas to be {want}, was {now}")));
        }
        plan.steps.push(Step::new(
            Change::Scale { kind, namespace: meta.namespace.clone(), name: meta.name.clone(), replicas },
            format!("{} scaled", slash_name(kind, &meta.name)),
        ));
    }
    Ok(plan)
}

pub fn patch(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, PATCH_FLAGS)?;
    let plan = plan_patch(cluster, &args)?;
    let Some(Change::Patch { kind, namespace, name, .. }) = plan.changes().into_iter().next() else {
        return execute(cluster, plan);
    };
    let before = comparable_manifest(cluster, kind, &namespace, &name);
    let done = execute(cluster, plan)?;
    let after = comparable_manifest(cluster, kind, &namespace, &name);
    Ok(patch_outcome(done, before == after))
}

/// The manifest as far as a patch can change it: without status and the bookkeeping fields the
/// write itself moves (`resourceVersion`, `generation`, `managedFields`).
fn comparable_manifest(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Option<serde_json::Value> {
    let mut m = to_manifest(cluster, kind, namespace, name)?;
    if let Some(obj) = m.as_object_mut() {
        obj.remove("status");
        if let Some(meta) = obj.get_mut("metadata").and_then(serde_json::Value::as_object_mut) {
            for field in ["resourceVersion", "generation", "managedFields"] {
                meta.remove(field);
            }
        }
    }
    Some(m)
}

/// kubectl says `patched (no change)` when the object came out of the patch as it went in.
fn patch_outcome(done: Done, unchanged: bool) -> Done {
    if unchanged {
        Done { output: format!("{} (no change)", done.output), changed: false, failed: false }
    } else {
        done
    }
}

pub fn plan_patch(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    if args.positional.is_empty() {
        return Err(super::no_resources_error());
    }
    let (kind, name) = resolve_one(&args.positional)?;
    let patch_type = match args.value(flag::TYPE).unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return Err(KubectlError::msg(format!(
                "error: --type must be one of [json merge strategic], not \"{other}\""
            )));
        }
    };
    if args.value(flag::PATCH_FILE).is_some() {
        return Err(KubectlError::msg("error: this console has no files; pass the patch with -p '<json>'"));
    }
    let Some(text) = args.value(flag::PATCH) else {
        return Err(KubectlError::msg(
            "error: must specify --patch or --patch-file containing the contents of the patch",
        ));
    };
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(KubectlError::msg(format!("error: unable to parse \"{text}\": {e}")));
    }
    let meta = require(cluster, kind, args.namespace(), &name)?;
    let change = Change::Patch {
        kind,
        namespace: scope(kind, &meta.namespace),
        name: name.clone(),
        patch_type,
        patch: text.to_owned(),
    };
    Ok(Plan::single(change, format!("{} patched", slash_name(kind, &name))))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::sim::cluster::key;

    fn args(line: &str, specs: &[FlagSpec]) -> Args {
        let toks: Vec<String> = shlex::split(line).expect("quotes");
        Args::parse(&toks, specs).expect("parses")
    }

    fn err(r: Result<Plan, KubectlError>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn scale_builds_scale_changes() {
        let c = fixture::cluster();
        for line in ["deploy/web --replicas=5 -n shop", "--replicas=5 deployment web -n shop"] {
            let plan = plan_scale(&c, &args(line, SCALE_FLAGS)).expect(line);
            assert_eq!(
                plan.changes(),
                vec![Change::Scale {
                    kind: Kind::Deployment,
                    namespace: "shop".into(),
                    name: "web".into(),
                    replicas: 5
                }]
            );
            assert_eq!(plan.steps[0].line.as_deref(), Some("deployment.apps/web scaled"));
        }
        let plan = plan_scale(&c, &args("rs web-7c9b --replicas 0 -n shop", SCALE_FLAGS)).expect("rs");
        assert_eq!(plan.steps[0].line.as_deref(), Some("replicaset.apps/web-7c9b scaled"));
    }

    #[test]
    fn scale_errors_read_like_kubectl() {
        let c = fixture::cluster();
        assert_eq!(
            err(plan_scale(&c, &args("deploy/web -n shop", SCALE_FLAGS))),
            "error: required flag(s) \"replicas\" not set"
        );
        assert_eq!(
            err(plan_scale(&c, &args("deploy/web --replicas=-1 -n shop", SCALE_FLAGS))),
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        );
        assert_eq!(
            err(plan_scale(&c, &args("deploy/api --replicas=1 -n shop", SCALE_FLAGS))),
            "Error from server (NotFound): deployments.apps \"api\" not found"
        );
        assert_eq!(
            err(plan_scale(&c, &args("deploy/web --replicas=1 --current-replicas=2 -n shop", SCALE_FLAGS))),
            "error: Expected replicas to be 2, was 3"
        );
    }

    #[test]
    fn patch_builds_a_patch_change() {
        let c = fixture::cluster();
        let plan =
            plan_patch(&c, &args(r#"deploy web -n shop -p '{"spec":{"replicas":2}}' --type=merge"#, PATCH_FLAGS))
                .expect("plan");
        assert_eq!(
            plan.changes(),
            vec![Change::Patch {
                kind: Kind::Deployment,
                namespace: "shop".into(),
                name: "web".into(),
                patch_type: PatchType::Merge,
                patch: r#"{"spec":{"replicas":2}}"#.into(),
            }]
        );
        assert_eq!(plan.steps[0].line.as_deref(), Some("deployment.apps/web patched"));
        let plan =
            plan_patch(&c, &args(r#"node/n1 --patch '{"spec":{"unschedulable":true}}'"#, PATCH_FLAGS)).expect("node");
        assert!(
            matches!(&plan.changes()[0], Change::Patch { namespace, patch_type: PatchType::Strategic, .. } if namespace.is_empty())
        );
        let done =
            patch_outcome(Done { output: "deployment.apps/web patched".into(), changed: true, failed: false }, true);
        assert_eq!(done.output, "deployment.apps/web patched (no change)");
        assert!(!done.changed);
    }

    #[test]
    fn patch_errors_read_like_kubectl() {
        let c = fixture::cluster();
        assert_eq!(
            err(plan_patch(&c, &args("deploy/web -n shop", PATCH_FLAGS))),
            "error: must specify --patch or --patch-file containing the contents of the patch"
        );
        assert_eq!(
            err(plan_patch(&c, &args("deploy/web -n shop -p {} --type=yaml", PATCH_FLAGS))),
            "error: --type must be one of [json merge strategic], not \"yaml\""
        );
        assert!(
            err(plan_patch(&c, &args("deploy/web -n shop -p '{bad'", PATCH_FLAGS)))
                .starts_with("error: unable to parse \"{bad\": ")
        );
        assert_eq!(
            err(plan_patch(&c, &args("svc/web -n shop -p {}", PATCH_FLAGS))),
            "Error from server (NotFound): services \"web\" not found"
        );
    }

    #[test]
    fn scale_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl scale deploy/web --replicas=5 -n shop");
        assert_eq!(out.output, "deployment.apps/web scaled");
        assert_eq!(c.deployments()[&key("shop", "web")].replicas, 5);
    }

    #[test]
    fn patch_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, r#"kubectl patch deploy web -n shop -p '{"spec":{"replicas":3}}'"#);
        assert_eq!((out.output.as_str(), out.changed), ("deployment.apps/web patched (no change)", false));
        let out = crate::sim::kubectl::run(
            &mut c,
            r#"kubectl patch deploy/web -n shop --type=merge -p '{"spec":{"replicas":4}}'"#,
        );
        assert_eq!((out.output.as_str(), out.changed), ("deployment.apps/web patched", true));
        assert_eq!(c.deployments()[&key("shop", "web")].replicas, 4);
    }
}
