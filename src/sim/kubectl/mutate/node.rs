//! `kubectl cordon`, `uncordon` and `taint`: marking nodes unschedulable and tainting them.

use super::target::{Resources, no_name_error, resolve, select};
use super::{Plan, Step, execute};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::objects::{Node, Taint, TaintEffect};

pub(crate) const CORDON_FLAGS: &[FlagSpec] = &[flag::SELECTOR, flag::DRY_RUN];

pub(crate) const TAINT_FLAGS: &[FlagSpec] =
    &[flag::OVERWRITE, flag::ALL, flag::SELECTOR, flag::DRY_RUN, flag::OUTPUT, flag::TAINT_VALIDATE];

pub fn cordon(cluster: &mut Cluster, tokens: &[String], desired: bool) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, CORDON_FLAGS)?;
    let plan = plan_cordon(cluster, &args, desired)?;
    execute(cluster, plan)
}

/// The nodes `cordon`, `uncordon` and `drain` act on: names (or `node/NAME`), or `-l`.
pub fn nodes<'c>(cluster: &'c Cluster, args: &Args, verb: &str) -> Result<Vec<&'c Node>, KubectlError> {
    if args.positional.is_empty() {
        if args.value(flag::SELECTOR).is_some() {
            let mut found = Vec::new();
            for meta in select(cluster, Kind::Node, args)? {
                found.extend(cluster.nodes().get(&meta.name));
            }
            return Ok(found);
        }
        return Err(KubectlError::msg(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
        )));
    }
    let mut names = Vec::new();
    for word in &args.positional {
        if word.contains('/') {
            let Resources::Named(named) = resolve(std::slice::from_ref(word))? else {
                return Err(no_name_error());
            };
            for (kind, name) in named {
                if kind != Kind::Node {
                    return Err(KubectlError::msg(format!(
                        "error: expected resource of type node, got \"{}\"",
                        kind.plural()
                    )));
                }
                names.push(name);
            }
        } else {
            names.push(word.clone());
        }
    }
    names.iter().map(|n| cluster.nodes().get(n).ok_or_else(|| ApiError::not_found(Kind::Node, n).into())).collect()
}

/// Cordoning (or uncordoning) one node: a change, or `already cordoned`.
pub fn cordon_step(node: &Node, desired: bool) -> Step {
    let verb = if desired { "cordoned" } else { "uncordoned" };
    if node.unschedulable == desired {
        return Step::print(format!("node/{} already {verb}", node.meta.name));
    }
    Step::new(
        Change::Cordon { node: node.meta.name.clone(), unschedulable: desired },
        format!("node/{} {verb}", node.meta.name),
    )
}

pub fn plan_cordon(cluster: &Cluster, args: &Args, desired: bool) -> Result<Plan, KubectlError> {
    let verb = if desired { "cordon" } else { "uncordon" };
    let steps = nodes(cluster, args, verb)?.into_iter().map(|n| cordon_step(n, desired)).collect();
    Ok(Plan { steps, ..Plan::per_object() })
}

pub fn taint(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, TAINT_FLAGS)?;
    let plan = plan_taint(cluster, &args)?;
    execute(cluster, plan)
}

fn usage_error(text: &str) -> KubectlError {
    KubectlError::msg(format!("error: {text}\nSee 'kubectl taint -h' for help and examples"))
}

fn valid_effect(text: &str) -> Result<TaintEffect, KubectlError> {
    TaintEffect::parse(text)
        .ok_or_else(|| usage_error(&format!("invalid taint effect: {text}, unsupported taint effect")))
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A taint to add: `key=value:Effect` or `key:Effect`.
pub fn parse_taint(spec: &str) -> Result<Taint, KubectlError> {
    let invalid = || usage_error(&format!("invalid taint spec: {spec}"));
    let parts: Vec<&str> = spec.split(':').collect();
    let [kv, effect] = parts.as_slice() else {
        return Err(invalid());
    };
    let effect = valid_effect(effect)?;
    let (key, value) = match kv.split_once('=') {
        Some((_, v)) if v.contains('=') => return Err(invalid()),
        Some((k, v)) => (k, Some(v.to_owned())),
        None => (*kv, None),
    };
    if !valid_key(key) {
        return Err(invalid());
    }
    Ok(Taint { key: key.to_owned(), value, effect })
}

/// A taint to remove: `key-` or `key:Effect-`.
pub fn parse_untaint(spec: &str) -> Result<(String, Option<TaintEffect>), KubectlError> {
    let body = spec.strip_suffix('-').unwrap_or(spec);
    let (key, effect) = match body.split_once(':') {
        Some((key, effect)) => (key, Some(valid_effect(effect)?)),
        None => (body, None),
    };
    if !valid_key(key) {
        return Err(usage_error(&format!("invalid taint spec: {spec}")));
    }
    Ok((key.to_owned(), effect))
}

fn untaint_display(key: &str, effect: Option<TaintEffect>) -> String {
    match effect {
        Some(e) => format!("{key}:{}", e.as_str()),
        None => key.to_owned(),
    }
}

pub fn plan_taint(cluster: &Cluster, args: &Args) -> Result<Plan, KubectlError> {
    let mut resources = Vec::new();
    let mut specs = Vec::new();
    for w in &args.positional {
        let is_taint = w.contains('=') || w.contains(':') || w.ends_with('-');
        if is_taint {
            specs.push(w.clone());
        } else if specs.is_empty() {
            resources.push(w.clone());
        } else {
            return Err(usage_error(&format!("all resources must be specified before taint changes: {w}")));
        }
    }
    if resources.is_empty() {
        return Err(usage_error("one or more resources must be specified as <resource> <name>"));
    }
    if specs.is_empty() {
        return Err(usage_error("at least one taint update is required"));
    }
    let mut adds = Vec::new();
    let mut removes = Vec::new();
    for s in &specs {
        if s.ends_with('-') {
            removes.push(parse_untaint(s)?);
        } else {
            let t = parse_taint(s)?;
            if adds.iter().any(|a: &Taint| a.key == t.key && a.effect == t.effect) {
                return Err(usage_error(&format!(
                    "duplicated taints with the same key and effect: {}",
                    t.to_display()
                )));
            }
            adds.push(t);
        }
    }
    let node_list: Vec<&Node> = match resolve(&resources)? {
        Resources::Named(named) => {
            let mut v = Vec::new();
            for (kind, name) in named {
                if kind != Kind::Node {
                    return Err(KubectlError::msg(format!(
                        "error: invalid resource type {}, only \"nodes\" are supported",
                        kind.plural()
                    )));
                }
                v.push(cluster.nodes().get(&name).ok_or_else(|| ApiError::not_found(Kind::Node, &name))?);
            }
            v
        }
        Resources::Kinds(kinds) => {
            if kinds != [Kind::Node] {
                return Err(KubectlError::msg("error: invalid resource type, only \"nodes\" are supported"));
            }
            if !args.switch(flag::ALL) && args.value(flag::SELECTOR).is_none() {
                return Err(no_name_error());
            }
            select(cluster, Kind::Node, args)?.into_iter().filter_map(|m| cluster.nodes().get(&m.name)).collect()
        }
    };
    let overwrite = args.switch(flag::OVERWRITE);
    let operation = match (adds.is_empty(), removes.is_empty()) {
        (false, true) => "tainted",
        (true, false) => "untainted",
        _ => "modified",
    };
    let mut plan = Plan::default();
    for node in node_list {
        let name = &node.meta.name;
        let mut changes = Vec::new();
        for (key, effect) in &removes {
            let present = node.taints.iter().any(|t| t.key == *key && effect.is_none_or(|e| e == t.effect));
            if !present {
                return Err(KubectlError::msg(format!("error: taint \"{}\" not found", untaint_display(key, *effect))));
            }
            changes.push(Change::Untaint { node: name.clone(), key: key.clone(), effect: *effect });
        }
        for t in &adds {
            let clash = node.taints.iter().any(|x| x.key == t.key && x.effect == t.effect);
            if clash && !overwrite {
                return Err(KubectlError::msg(format!(
                    "error: Node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                    t.key
                )));
            }
            changes.push(Change::Taint { node: name.clone(), taint: t.clone() });
        }
        let line = format!("node/{name} {operation}");
        let n = changes.len();
        for (i, change) in changes.into_iter().enumerate() {
            plan.steps.push(Step { change: Some(change), line: (i + 1 == n).then(|| line.clone()) });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn args(line: &str, specs: &[FlagSpec]) -> Args {
        let toks: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        Args::parse(&toks, specs).expect("parses")
    }

    fn lines(plan: &Plan) -> Vec<String> {
        plan.steps.iter().filter_map(|s| s.line.clone()).collect()
    }

    #[test]
    fn cordon_and_uncordon() {
        let mut c = fixture::cluster();
        let plan = plan_cordon(&c, &args("n1", CORDON_FLAGS), true).expect("plan");
        assert_eq!(plan.changes(), vec![Change::Cordon { node: "n1".into(), unschedulable: true }]);
        assert_eq!(lines(&plan), ["node/n1 cordoned"]);
        let plan = plan_cordon(&c, &args("node/n1", CORDON_FLAGS), false).expect("plan");
        assert!(plan.changes().is_empty());
        assert_eq!(lines(&plan), ["node/n1 already uncordoned"]);
        if let Some(n) = c.nodes_mut().get_mut("n1") {
            n.unschedulable = true;
        }
        let plan = plan_cordon(&c, &args("n1", CORDON_FLAGS), true).expect("plan");
        assert_eq!(lines(&plan), ["node/n1 already cordoned"]);
        let plan = plan_cordon(&c, &args("n1", CORDON_FLAGS), false).expect("plan");
        assert_eq!(lines(&plan), ["node/n1 uncordoned"]);
        assert_eq!(
            plan_cordon(&c, &args("n9", CORDON_FLAGS), true).err().map(|e| e.to_string()).as_deref(),
            Some("Error from server (NotFound): nodes \"n9\" not found")
        );
        // Already cordoned changes nothing and succeeds.
        let done = cordon(&mut c, &["n1".to_owned()], true).ok().map(|d| (d.output, d.changed));
        assert_eq!(done, Some(("node/n1 already cordoned".to_owned(), false)));
    }

    #[test]
    fn taint_specs_parse_like_kubectl() {
        assert_eq!(
            parse_taint("dedicated=gpu:NoSchedule").ok(),
            Some(Taint { key: "dedicated".into(), value: Some("gpu".into()), effect: TaintEffect::NoSchedule })
        );
        assert_eq!(
            parse_taint("maint:NoExecute").ok(),
            Some(Taint { key: "maint".into(), value: None, effect: TaintEffect::NoExecute })
        );
        assert_eq!(parse_untaint("dedicated-").ok(), Some(("dedicated".into(), None)));
        assert_eq!(
            parse_untaint("dedicated:NoSchedule-").ok(),
            Some(("dedicated".into(), Some(TaintEffect::NoSchedule)))
        );
        assert_eq!(
            parse_taint("x").err().map(|e| e.to_string()).as_deref(),
            Some("error: invalid taint spec: x\nSee 'kubectl taint -h' for help and examples")
        );
        assert_eq!(
            parse_taint("a=b:Sometimes").err().map(|e| e.to_string()).as_deref(),
            Some(
                "error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples"
            )
        );
    }

    #[test]
    fn taint_and_untaint_nodes() {
        let mut c = fixture::cluster();
        let plan = plan_taint(&c, &args("nodes n1 dedicated=gpu:NoSchedule", TAINT_FLAGS)).expect("plan");
        let gpu = Taint { key: "dedicated".into(), value: Some("gpu".into()), effect: TaintEffect::NoSchedule };
        assert_eq!(plan.changes(), vec![Change::Taint { node: "n1".into(), taint: gpu.clone() }]);
        assert_eq!(lines(&plan), ["node/n1 tainted"]);
        assert_eq!(
            plan_taint(&c, &args("node n1 dedicated-", TAINT_FLAGS)).err().map(|e| e.to_string()).as_deref(),
            Some("error: taint \"dedicated\" not found")
        );
        if let Some(n) = c.nodes_mut().get_mut("n1") {
            n.taints.push(gpu);
        }
        let plan = plan_taint(&c, &args("node/n1 dedicated-", TAINT_FLAGS)).expect("plan");
        assert_eq!(plan.changes(), vec![Change::Untaint { node: "n1".into(), key: "dedicated".into(), effect: None }]);
        assert_eq!(lines(&plan), ["node/n1 untainted"]);
        assert_eq!(
            plan_taint(&c, &args("no n1 dedicated=cpu:NoSchedule", TAINT_FLAGS))
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("error: Node n1 already has dedicated taint(s) with same effect(s) and --overwrite is false")
        );
        let plan = plan_taint(&c, &args("nodes n1 dedicated:NoSchedule- maint:NoExecute", TAINT_FLAGS)).expect("both");
        assert_eq!(lines(&plan), ["node/n1 modified"]);
        assert_eq!(plan.changes().len(), 2);
    }

    #[test]
    fn cordon_end_to_end() {
        let mut c = fixture::cluster();
        let out = crate::sim::kubectl::run(&mut c, "kubectl cordon n1");
        assert_eq!(out.output, "node/n1 cordoned");
        assert!(c.nodes()["n1"].unschedulable);
    }
}
