//! `kubectl delete TYPE NAME… | TYPE/NAME… | TYPE -l SEL | TYPE --field-selector F | TYPE --all`,
//! with `--force --grace-period=0` and `--ignore-not-found`.

use super::target::{Resources, find, no_name_error, resolve, scope, select};
use super::{Plan, Step, execute};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::get::select as get_select;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};

pub(crate) const FLAGS: &[FlagSpec] = &[
    flag::ALL,
    flag::SELECTOR,
    flag::FIELD_SELECTOR,
    flag::GRACE_PERIOD,
    flag::FORCE,
    flag::NOW,
    flag::WAIT,
    flag::IGNORE_NOT_FOUND,
    flag::CASCADE,
    flag::TIMEOUT,
    flag::OUTPUT,
    flag::DRY_RUN,
    flag::FILENAME,
    flag::RECURSIVE,
];

pub const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.";

pub fn run(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, FLAGS)?;
    let plan = plan_delete(cluster, &args)?;
    execute(cluster, plan)
}

pub fn plan_delete(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    if args.value(flag::FILENAME).is_some() {
        return Err(KubectlError::msg("error: this console has no manifest files; name the resources to delete"));
    }
    if args.positional.is_empty() {
        return Err(super::no_resources_error());
    }
    let grace = args.number::<i64>(flag::GRACE_PERIOD)?;
    let force = args.switch(flag::FORCE) && grace.is_none_or(|g| g == 0);
    let as_name = args.value(flag::OUTPUT) == Some("name");
    let ns = args.namespace();
    let line = |kind: Kind, name: &str| {
        if as_name {
            format!("{}/{name}", kind.qualified())
        } else if force {
            format!("{} \"{name}\" force deleted", kind.qualified())
        } else {
            format!("{} \"{name}\" deleted", kind.qualified())
        }
    };
    let mut plan = Plan::per_object();
    if force {
        plan.preamble.push(FORCE_WARNING.to_owned());
    }
    match resolve(&args.positional)? {
        Resources::Named(named) => {
            if args.value(flag::SELECTOR).is_some() {
                return Err(KubectlError::msg("error: name cannot be provided when a selector is specified"));
            }
            for (kind, name) in named {
                match find(cluster, kind, ns, &name) {
                    Some(meta) => plan.steps.push(Step::new(
                        Change::Delete { kind, namespace: scope(kind, &meta.namespace), name: name.clone(), force },
                        line(kind, &name),
                    )),
                    None if args.switch(flag::IGNORE_NOT_FOUND) => {}
                    None => plan.errors.push(ApiError::not_found(kind, &name).to_string()),
                }
            }
        }
        Resources::Kinds(kinds) => {
            let field_text = args.value(flag::FIELD_SELECTOR);
            if !args.switch(flag::ALL) && args.value(flag::SELECTOR).is_none() && field_text.is_none() {
                return Err(no_name_error());
            }
            // `--field-selector` filters as `get` does (the same fields, the same refusals).
            let fields = field_text.map(get_select::parse_fields).transpose()?.unwrap_or_default();
            for kind in kinds {
                get_select::check_fields(
                    kind,
                    &fields,
                    args.value(flag::SELECTOR).unwrap_or(""),
                    field_text.unwrap_or(""),
                )?;
                let listed = get_select::list(cluster, kind, (!args.all_namespaces()).then_some(ns));
                let by_fields = |name: &str, namespace: &str| {
                    listed.iter().any(|i| {
                        i.name == name
                            && (!kind.namespaced() || i.namespace == namespace)
                            && get_select::fields_match(cluster, i, &fields)
                    })
                };
                for meta in select(cluster, kind, args)? {
                    if !fields.is_empty() && !by_fields(&meta.name, &meta.namespace) {
                        continue;
                    }
                    plan.steps.push(Step::new(
                        Change::Delete {
                            kind,
                            namespace: scope(kind, &meta.namespace),
                            name: meta.name.clone(),
                            force,
                        },
                        line(kind, &meta.name),
                    ));
                }
            }
            if plan.steps.is_empty() {
                return Ok(Plan::nothing("No resources found"));
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn args(line: &str) -> Args {
        let toks: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        Args::parse(&toks, FLAGS).expect("parses")
    }

    fn del(kind: Kind, ns: &str, name: &str) -> Change {
        Change::Delete { kind, namespace: ns.into(), name: name.into(), force: false }
    }

    fn lines(plan: &Plan) -> Vec<String> {
        plan.preamble.iter().cloned().chain(plan.steps.iter().filter_map(|s| s.line.clone())).collect()
    }

    #[test]
    fn delete_by_name_in_every_form() {
        let c = fixture::cluster();
        let plan = plan_delete(&c, &args("pod web-7c9b-aaaaa web-7c9b-bbbbb -n shop")).expect("plan");
        assert_eq!(
            plan.changes(),
            vec![del(Kind::Pod, "shop", "web-7c9b-aaaaa"), del(Kind::Pod, "shop", "web-7c9b-bbbbb")]
        );
        assert_eq!(lines(&plan), ["pod \"web-7c9b-aaaaa\" deleted", "pod \"web-7c9b-bbbbb\" deleted"]);
        let plan = plan_delete(&c, &args("deploy/web cm/app-config -n shop")).expect("slash");
        assert_eq!(lines(&plan), ["deployment.apps \"web\" deleted", "configmap \"app-config\" deleted"]);
        let plan = plan_delete(&c, &args("node n1")).expect("node");
        assert_eq!(plan.changes(), vec![del(Kind::Node, "", "n1")]);
    }

    #[test]
    fn force_deletion_warns_and_says_force_deleted() {
        let c = fixture::cluster();
        let plan = plan_delete(&c, &args("pod web-7c9b-aaaaa --grace-period=0 --force -n shop")).expect("plan");
        assert_eq!(lines(&plan), [FORCE_WARNING.to_owned(), "pod \"web-7c9b-aaaaa\" force deleted".to_owned()]);
    }

    #[test]
    fn delete_by_selector_and_all() {
        let c = fixture::cluster();
        let plan = plan_delete(&c, &args("pods -l app=web -n shop --wait=false")).expect("sel");
        assert_eq!(plan.changes().len(), 3);
        let plan = plan_delete(&c, &args("pods -l app=nope -n shop")).expect("none");
        assert_eq!(plan, Plan::nothing("No resources found"));
        let plan = plan_delete(&c, &args("cm --all -n shop")).expect("all");
        assert_eq!(plan.changes(), vec![del(Kind::ConfigMap, "shop", "app-config")]);
        assert_eq!(
            plan_delete(&c, &args("pods -n shop")).err().map(|e| e.to_string()).as_deref(),
            Some("error: resource(s) were provided, but no name was specified")
        );
    }

    #[test]
    fn delete_by_field_selector_like_get() {
        let mut c = fixture::cluster();
        if let Some(p) = c.pods_mut().get_mut(&crate::sim::cluster::key("shop", "web-7c9b-aaaaa")) {
            p.status.phase = crate::sim::objects::PodPhase::Failed;
        }
        // kubectl delete pods --field-selector=status.phase=Failed: no --all needed.
        let plan = plan_delete(&c, &args("pods --field-selector=status.phase=Failed -n shop")).expect("fields");
        assert_eq!(plan.changes(), vec![del(Kind::Pod, "shop", "web-7c9b-aaaaa")]);
        let plan =
            plan_delete(&c, &args("pods --field-selector status.phase!=Failed -l app=web -n shop")).expect("both");
        assert_eq!(plan.changes().len(), 2);
        assert_eq!(
            plan_delete(&c, &args("pods --field-selector=spec.color=blue -n shop"))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some(
                "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.color=blue\": field label not supported: spec.color"
            )
        );
    }

    #[test]
    fn missing_objects_are_reported_per_name() {
        let mut c = fixture::cluster();
        let plan = plan_delete(&c, &args("pod web-7c9b-aaaaa nope -n shop")).expect("plan");
        assert_eq!(lines(&plan), ["pod \"web-7c9b-aaaaa\" deleted"]);
        assert_eq!(plan.errors, ["Error from server (NotFound): pods \"nope\" not found"]);
        let plan = plan_delete(&c, &args("pod nope --ignore-not-found -n shop")).expect("plan");
        assert!(plan.steps.is_empty() && plan.errors.is_empty());
        let toks: Vec<String> = ["deploy", "nope", "-n", "shop"].map(str::to_owned).to_vec();
        let out = run(&mut c, &toks);
        assert_eq!(
            out.err().map(|e| e.to_string()).as_deref(),
            Some("Error from server (NotFound): deployments.apps \"nope\" not found")
        );
        assert_eq!(
            run(&mut c, &[]).err().map(|e| e.to_string()).map(|s| s.lines().next().map(str::to_owned)),
            Some(Some("error: You must provide one or more resources by argument or filename.".to_owned()))
        );
    }

    #[test]
    fn delete_continues_past_refusals_and_reports_them_last() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl delete pod nope web-7c9b-aaaaa -n shop");
        assert_eq!(out.output, "pod \"web-7c9b-aaaaa\" deleted\nError from server (NotFound): pods \"nope\" not found");
        assert!(out.changed);
        let out = crate::sim::kubectl::run(&mut c, "kubectl delete ns --all");
        assert!(out.output.contains("namespace \"shop\" deleted"), "{}", out.output);
        assert!(out.output.ends_with("this namespace may not be deleted"), "{}", out.output);
    }

    #[test]
    fn delete_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl delete cm app-config -n shop");
        assert_eq!(out.output, "configmap \"app-config\" deleted");
        assert!(out.changed);
        assert!(c.configmaps().is_empty());
    }
}
