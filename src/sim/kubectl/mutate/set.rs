//! `kubectl set image|resources|env` on every workload with a pod template (deployments, daemon
//! sets, stateful sets, jobs, cron jobs), `set serviceaccount` on deployments, the read-only
//! `set env --list`, and `set selector` on services.

pub(crate) mod account;

use super::target::{resolve_one, slash_name};
use super::{Plan, execute, unknown_subcommand};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::objects::{Container, Deployment, Meta, PodTemplate, ResourceList};
use crate::sim::quantity::{Mebibytes, Millicores};

pub(crate) const IMAGE_FLAGS: &[FlagSpec] =
    &[flag::ALL, flag::SELECTOR, flag::LOCAL, flag::DRY_RUN, flag::OUTPUT, flag::RECORD];

pub(crate) const RESOURCES_FLAGS: &[FlagSpec] =
    &[flag::CONTAINERS, flag::LIMITS, flag::REQUESTS, flag::ALL, flag::SELECTOR, flag::DRY_RUN, flag::OUTPUT];

pub(crate) const ENV_FLAGS: &[FlagSpec] = &[
    flag::CONTAINERS,
    flag::ENV,
    flag::LIST,
    flag::RESOLVE,
    flag::OVERWRITE,
    flag::FROM,
    flag::ENV_PREFIX,
    flag::KEYS,
    flag::ALL,
    flag::SELECTOR,
    flag::DRY_RUN,
    flag::OUTPUT,
];

const HELP: &str = "Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env           Update environment variables on a pod template
  image         Update the image of a pod template
  resources     Update resource requests/limits on objects with pod templates
  selector      Set the selector on a resource
  serviceaccount Update the service account of a resource

Usage:
  kubectl set SUBCOMMAND [options]";

/// `kubectl set` without a subcommand it knows: its help, or cobra's error.
pub fn group(_: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    match tokens.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => Done::read(HELP),
        Some(other) => Err(unknown_subcommand("set", other)),
    }
}

/// Runs `kubectl set image`.
pub fn image(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, IMAGE_FLAGS)?;
    let plan = plan_image(cluster, &args)?;
    execute(cluster, plan)
}

/// Runs `kubectl set resources`.
pub fn resources(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, RESOURCES_FLAGS)?;
    let plan = plan_resources(cluster, &args)?;
    execute(cluster, plan)
}

/// Runs `kubectl set env` (`--list` only reads).
pub fn env(cluster: &mut Cluster, rest: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(rest, ENV_FLAGS)?;
    if args.switch(flag::LIST) {
        return Done::read(list_env(cluster, &args)?);
    }
    let plan = plan_env(cluster, &args)?;
    execute(cluster, plan)
}

/// The one deployment `set serviceaccount` names, from its non-pair words.
pub(crate) fn target<'c>(cluster: &'c Cluster, args: &Args, words: &[String]) -> Result<&'c Deployment, KubectlError> {
    if words.is_empty() {
        return Err(super::no_resources_error());
    }
    let (kind, name) = resolve_one(words)?;
    if kind != Kind::Deployment {
        return Err(KubectlError::msg(format!(
            "error: this console sets service accounts on deployments only, not {}",
            kind.plural()
        )));
    }
    cluster
        .deployments()
        .get(&key(args.namespace(), &name))
        .ok_or_else(|| ApiError::not_found(Kind::Deployment, &name).into())
}

/// A workload whose pod template a `set` command edits.
struct Workload<'c> {
    kind: Kind,
    meta: &'c Meta,
    template: &'c PodTemplate,
}

/// The one workload with a pod template that a `set image|env|resources` command names.
fn workload<'c>(cluster: &'c Cluster, args: &Args, words: &[String]) -> Result<Workload<'c>, KubectlError> {
    if words.is_empty() {
        return Err(super::no_resources_error());
    }
    let (kind, name) = resolve_one(words)?;
    if !crate::sim::apply::TEMPLATE_KINDS.contains(&kind) {
        return Err(KubectlError::msg(format!(
            "error: this console sets images, resources and env on workloads with a pod template only, not {}",
            kind.plural()
        )));
    }
    let (meta, template) =
        cluster.pod_template(kind, args.namespace(), &name).ok_or_else(|| ApiError::not_found(kind, &name))?;
    Ok(Workload { kind, meta, template })
}

fn container_not_found(name: &str) -> KubectlError {
    KubectlError::msg(format!("error: unable to find container named \"{name}\""))
}

fn containers(template: &PodTemplate) -> impl Iterator<Item = &Container> {
    template.spec.init_containers.iter().chain(template.spec.containers.iter())
}

/// `-c NAME`: checks the container exists; `None` means every container.
fn chosen_container(w: &Workload, args: &Args) -> Result<Option<String>, KubectlError> {
    match args.value(flag::CONTAINERS) {
        None | Some("*") => Ok(None),
        Some(c) if containers(w.template).any(|x| x.name == c) => Ok(Some(c.to_owned())),
        Some(c) => Err(KubectlError::msg(format!(
            "warning: {}/{} does not have any containers matching \"{c}\"",
            w.kind.plural(),
            w.meta.name
        ))),
    }
}

pub fn plan_image(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    let (pairs, words): (Vec<String>, Vec<String>) = args.positional.iter().cloned().partition(|w| w.contains('='));
    let w = workload(cluster, args, &words)?;
    if pairs.is_empty() {
        return Err(KubectlError::msg("error: at least one image update is required"));
    }
    let mut changes = Vec::new();
    for pair in &pairs {
        let (container, image) = pair.split_once('=').unwrap_or((pair, ""));
        if image.is_empty() {
            return Err(KubectlError::msg(format!("error: invalid image update: {pair}")));
        }
        let container = if container == "*" {
            None
        } else if containers(w.template).any(|c| c.name == container) {
            Some(container.to_owned())
        } else {
            return Err(container_not_found(container));
        };
        changes.push(Change::SetImage {
            namespace: w.meta.namespace.clone(),
            deployment: w.meta.name.clone(),
            container,
            image: image.to_owned(),
            kind: w.kind,
        });
    }
    Ok(Plan::batch(changes, format!("{} image updated", slash_name(w.kind, &w.meta.name))))
}

fn parse_resource_list(text: &str) -> Result<ResourceList, KubectlError> {
    let mut list = ResourceList::default();
    for item in text.split(',').filter(|s| !s.is_empty()) {
        let Some((name, value)) = item.split_once('=') else {
            return Err(KubectlError::msg(format!(
                "error: invalid argument syntax {item}, expected <resource>=<value>"
            )));
        };
        let bad = |_| {
            KubectlError::msg(
                "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            )
        };
        match name {
            "cpu" => list.cpu = Some(value.parse::<Millicores>().map_err(bad)?),
            "memory" => list.memory = Some(value.parse::<Mebibytes>().map_err(bad)?),
            other => {
                return Err(KubectlError::msg(format!(
                    "error: this console models the cpu and memory resources only, not \"{other}\""
                )));
            }
        }
    }
    Ok(list)
}

pub fn plan_resources(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    let w = workload(cluster, args, &args.positional)?;
    let (limits, requests) = (args.value(flag::LIMITS), args.value(flag::REQUESTS));
    if limits.is_none() && requests.is_none() {
        return Err(KubectlError::msg(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)",
        ));
    }
    let limits = parse_resource_list(limits.unwrap_or(""))?;
    let requests = parse_resource_list(requests.unwrap_or(""))?;
    let container = chosen_container(&w, args)?;
    let change = Change::SetResources {
        namespace: w.meta.namespace.clone(),
        deployment: w.meta.name.clone(),
        container,
        requests,
        limits,
        kind: w.kind,
    };
    Ok(Plan::single(change, format!("{} resource requirements updated", slash_name(w.kind, &w.meta.name))))
}

fn is_env_word(w: &str) -> bool {
    w.contains('=') || (w.ends_with('-') && w.len() > 1)
}

pub fn plan_env(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    if args.value(flag::FROM).is_some() {
        return Err(KubectlError::msg("error: --from is not supported in this console; set variables as KEY=VALUE"));
    }
    let (mut vars, words): (Vec<String>, Vec<String>) = args.positional.iter().cloned().partition(|w| is_env_word(w));
    vars.extend(args.values(flag::ENV).iter().cloned());
    let w = workload(cluster, args, &words)?;
    if vars.is_empty() {
        return Err(KubectlError::msg("error: at least one environment variable must be provided"));
    }
    let container = chosen_container(&w, args)?;
    let mut changes = Vec::new();
    for var in &vars {
        let (name, value) = match var.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (var.strip_suffix('-').unwrap_or(var), None),
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(KubectlError::msg(format!("error: invalid env: {var}")));
        }
        changes.push(Change::SetEnv {
            namespace: w.meta.namespace.clone(),
            deployment: w.meta.name.clone(),
            container: container.clone(),
            name: name.to_owned(),
            value,
            kind: w.kind,
        });
    }
    Ok(Plan::batch(changes, format!("{} env updated", slash_name(w.kind, &w.meta.name))))
}

/// `set env deploy/web --list`: the variables of each container, references as comments.
pub fn list_env(cluster: &Cluster, args: &Args) -> Result<String, KubectlError> {
    let w = workload(cluster, args, &args.positional)?;
    let only = chosen_container(&w, args)?;
    let mut out = Vec::new();
    for c in containers(w.template).filter(|c| only.as_ref().is_none_or(|o| *o == c.name)) {
        out.push(format!("# {} {}, container {}", w.kind.api_kind(), w.meta.name, c.name));
        for e in &c.env {
            if let Some(r) = &e.config_map_key {
                out.push(format!("# {} from configmap {}, key {}", e.name, r.name, r.key));
            } else if let Some(r) = &e.secret_key {
                out.push(format!("# {} from secret {}, key {}", e.name, r.name, r.key));
            } else {
                out.push(format!("{}={}", e.name, e.value.as_deref().unwrap_or("")));
            }
        }
    }
    Ok(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn args(line: &str, specs: &[FlagSpec]) -> Args {
        let toks: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        Args::parse(&toks, specs).expect("parses")
    }

    #[test]
    fn set_image_builds_one_change_per_container() {
        let c = fixture::cluster();
        for line in [
            "deploy/web web=repo/web:1.4.2 -n shop",
            "deployment/web web=repo/web:1.4.2 -n shop",
            "-n shop deployment web web=repo/web:1.4.2",
        ] {
            let plan = plan_image(&c, &args(line, IMAGE_FLAGS)).expect(line);
            assert_eq!(
                plan.changes(),
                vec![Change::SetImage {
                    namespace: "shop".into(),
                    deployment: "web".into(),
                    container: Some("web".into()),
                    image: "repo/web:1.4.2".into(),
                    kind: Kind::Deployment,
                }]
            );
            assert_eq!(plan.steps[0].line.as_deref(), Some("deployment.apps/web image updated"));
        }
        let plan = plan_image(&c, &args("deploy/web *=repo/web:2 -n shop", IMAGE_FLAGS)).expect("star");
        assert!(matches!(&plan.changes()[0], Change::SetImage { container: None, .. }));
    }

    #[test]
    fn set_image_errors_read_like_kubectl() {
        let c = fixture::cluster();
        let err = |line: &str| plan_image(&c, &args(line, IMAGE_FLAGS)).err().map(|e| e.to_string());
        assert_eq!(err("deploy/web api=x:1 -n shop").as_deref(), Some("error: unable to find container named \"api\""));
        assert_eq!(
            err("deploy/nope web=x:1 -n shop").as_deref(),
            Some("Error from server (NotFound): deployments.apps \"nope\" not found")
        );
        assert_eq!(
            err("deploy/web web=x:1").as_deref(),
            Some("Error from server (NotFound): deployments.apps \"web\" not found")
        );
        assert_eq!(err("deploy/web -n shop").as_deref(), Some("error: at least one image update is required"));
        assert_eq!(
            err("foos/web web=x -n shop").as_deref(),
            Some("error: the server doesn't have a resource type \"foos\"")
        );
    }

    #[test]
    fn set_resources_parses_quantities() {
        let c = fixture::cluster();
        let plan = plan_resources(
            &c,
            &args("deploy/web -c web --limits=cpu=200m,memory=512Mi --requests=cpu=100m -n shop", RESOURCES_FLAGS),
        )
        .expect("plan");
        assert_eq!(
            plan.changes(),
            vec![Change::SetResources {
                namespace: "shop".into(),
                deployment: "web".into(),
                container: Some("web".into()),
                requests: ResourceList { cpu: Some(Millicores(100)), memory: None },
                limits: ResourceList { cpu: Some(Millicores(200)), memory: Some(Mebibytes(512)) },
                kind: Kind::Deployment,
            }]
        );
        assert_eq!(plan.steps[0].line.as_deref(), Some("deployment.apps/web resource requirements updated"));
        let e = plan_resources(&c, &args("deploy/web -n shop", RESOURCES_FLAGS)).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("error: you must specify an update to requests or limits (in the form of --requests/--limits)")
        );
        let e = plan_resources(&c, &args("deploy/web --limits=memory=lots -n shop", RESOURCES_FLAGS))
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_ref().is_some_and(|e| e.starts_with("error: quantities must match the regular expression")),
            "{e:?}"
        );
    }

    #[test]
    fn set_env_sets_and_removes_one_variable_per_change() {
        let c = fixture::cluster();
        let plan = plan_env(&c, &args("deploy/web LOG_LEVEL=debug DB_URL- -n shop", ENV_FLAGS)).expect("plan");
        let set = |name: &str, value: Option<&str>| Change::SetEnv {
            namespace: "shop".into(),
            deployment: "web".into(),
            container: None,
            name: name.into(),
            value: value.map(str::to_owned),
            kind: Kind::Deployment,
        };
        assert_eq!(plan.changes(), vec![set("LOG_LEVEL", Some("debug")), set("DB_URL", None)]);
        assert_eq!(plan.steps[1].line.as_deref(), Some("deployment.apps/web env updated"));
        let e = plan_env(&c, &args("deploy/web -n shop", ENV_FLAGS)).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("error: at least one environment variable must be provided"));
    }

    #[test]
    fn set_env_list_prints_values_and_references() {
        let c = fixture::cluster();
        let out = list_env(&c, &args("deploy/web --list -n shop", ENV_FLAGS)).expect("list");
        assert_eq!(
            out,
            "# Deployment web, container web\nLOG_LEVEL=info\n# DB_URL from configmap app-config, key DB_URL"
        );
    }

    #[test]
    fn unknown_set_subcommands_are_refused() {
        let mut c = fixture::cluster();
        let e = group(&mut c, &["frob".to_owned()]).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("error: unknown command \"frob\"\nSee 'kubectl set -h' for help and examples"));
    }

    #[test]
    fn set_image_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl set image deploy/web web=repo/web:1.4.2 -n shop");
        assert_eq!(out.output, "deployment.apps/web image updated");
        assert!(out.changed && out.ok);
        let d = &c.deployments()[&key("shop", "web")];
        assert_eq!(d.template.spec.containers[0].image, "repo/web:1.4.2");
    }
}
