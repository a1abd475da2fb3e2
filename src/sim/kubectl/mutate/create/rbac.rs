//! `kubectl create role|clusterrole|rolebinding|clusterrolebinding`.

use super::{Creation, admit, create_flags, created, one_name};
use crate::sim::change::Object;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::mutate::target::parse_kind;
use crate::sim::kubectl::{Args, FlagSpec, KubectlError};
use crate::sim::objects::{Meta, PolicyRuleSpec, Role, RoleBinding, RoleRef, Subject};
use crate::sim::rbac::VERBS;

pub(crate) const ROLE_FLAGS: &[FlagSpec] =
    create_flags![flag::VERB, flag::RESOURCE, flag::RESOURCE_NAME, flag::NON_RESOURCE_URL, flag::AGGREGATION_RULE,];
pub(crate) const BINDING_FLAGS: &[FlagSpec] =
    create_flags![flag::ROLE, flag::CLUSTERROLE, flag::SERVICEACCOUNT, flag::USER, flag::GROUP,];

/// Values of a flag given repeatedly or comma-separated (`--verb=get,list --verb=watch`).
fn split_values(args: &Args, spec: FlagSpec) -> Vec<String> {
    args.values(spec).iter().flat_map(|v| v.split(',')).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// The rules `create role` builds: one per API group, in the order the resources were given.
pub fn rules(verbs: &[String], resources: &[String]) -> Result<Vec<PolicyRuleSpec>, KubectlError> {
    let mut rules: Vec<PolicyRuleSpec> = Vec::new();
    for r in resources {
        let (base, sub) = match r.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (r.as_str(), None),
        };
        let (group, plural) = if base == "*" {
            ("*".to_owned(), "*".to_owned())
        } else {
            let kind = parse_kind(base)?;
            (kind.group().to_owned(), kind.plural().to_owned())
        };
        let resource = match sub {
            Some(s) => format!("{plural}/{s}"),
            None => plural,
        };
        match rules.iter_mut().find(|rule| rule.api_groups == [group.clone()]) {
            Some(rule) => rule.resources.push(resource),
            None => {
                rules.push(PolicyRuleSpec {
                    verbs: verbs.to_vec(),
                    resources: vec![resource],
                    api_groups: vec![group],
                });
            }
        }
    }
    Ok(rules)
}

pub fn role(cluster: &Cluster, rest: &[String], cluster_wide: bool) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, ROLE_FLAGS)?;
    let sub = if cluster_wide { "clusterrole" } else { "role" };
    let name = one_name(&args, sub)?;
    let verbs = split_values(&args, flag::VERB);
    if verbs.is_empty() {
        return Err(KubectlError::msg("error: at least one verb must be specified"));
    }
    if let Some(bad) = verbs.iter().find(|v| !VERBS.contains(&v.as_str())) {
        return Err(KubectlError::msg(format!("error: invalid verb: '{bad}'")));
    }
    let resources = split_values(&args, flag::RESOURCE);
    if resources.is_empty() {
        return Err(KubectlError::msg("error: at least one resource must be specified"));
    }
    let rules = rules(&verbs, &resources)?;
    let (kind, ns) = if cluster_wide { (Kind::ClusterRole, "") } else { (Kind::Role, args.namespace()) };
    admit(cluster, kind, ns, &name)?;
    let role = Role { meta: Meta::new(&name, ns), cluster: cluster_wide, rules };
    Ok(created(kind, Object::Role(role), &name, None))
}

pub fn binding(cluster: &Cluster, rest: &[String], cluster_wide: bool) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, BINDING_FLAGS)?;
    let sub = if cluster_wide { "clusterrolebinding" } else { "rolebinding" };
    let name = one_name(&args, sub)?;
    let role = match (args.value(flag::ROLE), args.value(flag::CLUSTERROLE), cluster_wide) {
        (Some(_), _, true) => {
            return Err(KubectlError::msg("error: unknown flag: --role\nSee 'kubectl --help' for usage."));
        }
        (None, None, true) => {
            return Err(KubectlError::msg("error: required flag(s) \"clusterrole\" not set"));
        }
        (Some(r), None, false) => RoleRef { kind: "Role".to_owned(), name: r.to_owned() },
        (None, Some(r), _) => RoleRef { kind: "ClusterRole".to_owned(), name: r.to_owned() },
        _ => {
            return Err(KubectlError::msg("error: exactly one of clusterrole or role must be specified"));
        }
    };
    let mut subjects = Vec::new();
    for user in split_values(&args, flag::USER) {
        subjects.push(Subject { kind: "User".to_owned(), name: user, namespace: None });
    }
    for group in split_values(&args, flag::GROUP) {
        subjects.push(Subject { kind: "Group".to_owned(), name: group, namespace: None });
    }
    for sa in split_values(&args, flag::SERVICEACCOUNT) {
        let Some((ns, n)) = sa.split_once(':').filter(|(ns, n)| !ns.is_empty() && !n.is_empty()) else {
            return Err(KubectlError::msg("error: serviceaccount must be <namespace>:<name>"));
        };
        subjects.push(Subject {
            kind: "ServiceAccount".to_owned(),
            name: n.to_owned(),
            namespace: Some(ns.to_owned()),
        });
    }
    let (kind, ns) = if cluster_wide { (Kind::ClusterRoleBinding, "") } else { (Kind::RoleBinding, args.namespace()) };
    admit(cluster, kind, ns, &name)?;
    let binding = RoleBinding { meta: Meta::new(&name, ns), cluster: cluster_wide, role, subjects };
    Ok(created(kind, Object::RoleBinding(binding), &name, None))
}
