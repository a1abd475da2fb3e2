//! `kubectl set serviceaccount TYPE NAME SA` (what a deployment's pods run as) and `kubectl set
//! selector service NAME k=v,…` (which pods a service sends traffic to), as patches of the
//! object's manifest.

use super::super::run::parse_labels;
use super::super::target::{resolve_one, slash_name};
use super::super::{Plan, execute};
use super::target;
use crate::sim::change::{ApiError, Change, PatchType};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError, flag};

pub(crate) const SERVICEACCOUNT_FLAGS: &[FlagSpec] =
    &[flag::ALL, flag::LOCAL, flag::DRY_RUN, flag::OUTPUT, flag::RECORD, flag::FILENAME];
pub(crate) const SELECTOR_FLAGS: &[FlagSpec] =
    &[flag::ALL, flag::LOCAL, flag::DRY_RUN, flag::OUTPUT, flag::RESOURCE_VERSION, flag::FILENAME, flag::RECURSIVE];

/// Runs `kubectl set serviceaccount`.
pub fn serviceaccount(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, SERVICEACCOUNT_FLAGS)?;
    let Some((account, words)) = args.positional.split_last().filter(|(_, words)| !words.is_empty()) else {
        return Err(KubectlError::msg(
            "error: serviceaccount is required\nSee 'kubectl set serviceaccount -h' for help and examples",
        ));
    };
    let d = target(cluster, &args, words)?;
    let patch = serde_json::json!({ "spec": { "template": { "spec": { "serviceAccountName": account } } } });
    let change = Change::Patch {
        kind: Kind::Deployment,
        namespace: d.meta.namespace.clone(),
        name: d.meta.name.clone(),
        patch_type: PatchType::Merge,
        patch: patch.to_string(),
    };
    let line = format!("{} serviceaccount updated", slash_name(Kind::Deployment, &d.meta.name));
    execute(cluster, Plan::single(change, line))
}

/// Runs `kubectl set selector` (on services; a deployment's selector cannot change).
pub fn selector(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, SELECTOR_FLAGS)?;
    let Some((expressions, words)) = args.positional.split_last().filter(|(_, words)| !words.is_empty()) else {
        return Err(KubectlError::msg(
            "error: one selector is required\nSee 'kubectl set selector -h' for help and examples",
        ));
    };
    let selector = parse_labels(expressions)?;
    let (kind, name) = resolve_one(words)?;
    let ns = args.namespace();
    match kind {
        Kind::Service => {
            if !cluster.services().contains_key(&key(ns, &name)) {
                return Err(ApiError::not_found(kind, &name).into());
            }
        }
        Kind::Deployment | Kind::ReplicaSet => {
            return Err(ApiError::Invalid(format!(
                "{} \"{name}\" is invalid: spec.selector: Invalid value: {{\"matchLabels\":{}}}: field is immutable",
                kind.qualified().replace(kind.singular(), kind.api_kind()),
                serde_json::to_string(&selector).unwrap_or_default()
            ))
            .into());
        }
        other => {
            return Err(KubectlError::msg(format!(
                "error: the {} \"{name}\" has no selector to set",
                other.singular()
            )));
        }
    }
    // The selector is replaced, not merged: a JSON patch of the whole map.
    let patch = serde_json::json!([{ "op": "replace", "path": "/spec/selector", "value": selector }]);
    let change = Change::Patch {
        kind,
        namespace: ns.to_owned(),
        name: name.clone(),
        patch_type: PatchType::Json,
        patch: patch.to_string(),
    };
    execute(cluster, Plan::single(change, format!("{} selector updated", slash_name(kind, &name))))
}

#[cfg(test)]
mod tests {
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::kubectl;
    use crate::sim::kubectl::mutate::fixture;

    fn run(c: &mut Cluster, line: &str) -> String {
        kubectl::run(c, line).output
    }

    #[test]
    fn set_serviceaccount_changes_what_the_pods_run_as() {
        let mut c = fixture::cluster();
        assert_eq!(
            run(&mut c, "set serviceaccount deployment web reporter -n shop"),
            "deployment.apps/web serviceaccount updated"
        );
        let d = c.deployments().get(&key("shop", "web")).cloned().expect("deployment");
        assert_eq!(d.template.spec.service_account, "reporter");
        assert_eq!(
            run(&mut c, "set sa deploy/web -n shop"),
            "error: serviceaccount is required\nSee 'kubectl set serviceaccount -h' for help and examples"
        );
    }

    #[test]
    fn set_selector_replaces_a_services_selector() {
        let mut c = fixture::cluster();
        assert_eq!(run(&mut c, "create service clusterip api -n shop --tcp=80:8080"), "service/api created");
        let (ns, name) = ("shop", "api");
        assert_eq!(
            run(&mut c, &format!("set selector svc {name} app=api,tier=back -n {ns}")),
            format!("service/{name} selector updated")
        );
        let svc = c.services().get(&key(ns, name)).cloned().expect("service");
        assert_eq!(svc.selector.len(), 2);
        assert_eq!(svc.selector.get("app").map(String::as_str), Some("api"));
        assert!(run(&mut c, "set selector deploy web app=x -n shop").contains("field is immutable"));
    }
}
