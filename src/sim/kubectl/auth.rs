//! `kubectl auth can-i` and `auth whoami`, over the cluster's Role/RoleBinding model. The
//! permission check itself, [`allowed`], is what apps calling the API with their service account
//! go through too, so `can-i` and the app's `forbidden` log line always agree.

use std::fmt::Write as _;

use super::args::{Args, FlagSpec};
use super::{Done, KubectlError, table};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;

use crate::sim::kubectl::flag;
pub use crate::sim::rbac::{ADMIN_USER, allowed};
use crate::sim::rbac::{groups, subject_matches};

pub(super) const FLAGS: &[FlagSpec] =
    &[flag::AS, flag::AS_GROUP, flag::LIST, flag::QUIET, flag::SUBRESOURCE, flag::NO_HEADERS];
pub(super) const WHOAMI_FLAGS: &[FlagSpec] = &[flag::AS, flag::AS_GROUP, flag::NO_HEADERS, flag::OUTPUT];

/// `kubectl auth` without a subcommand it knows (`can-i` and `whoami` are [`can_i`] and
/// [`whoami`]).
pub fn group(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    match args.positional.first().map(String::as_str) {
        None => Err(KubectlError::msg(
            "Inspect authorization.\n\nAvailable Commands:\n  can-i           Check whether an action is allowed\n  whoami          Experimental: Check self subject attributes\n\nUsage:\n  kubectl auth [flags] [options]",
        )),
        Some("reconcile") => {
            Err(KubectlError::msg("error: auth reconcile needs manifests, which this console does not take"))
        }
        Some(other) => Err(KubectlError::msg(format!("error: unknown command \"{other}\" for \"kubectl auth\""))),
    }
}

/// Runs `kubectl auth whoami`.
pub fn whoami(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, WHOAMI_FLAGS)?;
    let user = args.value(flag::AS).unwrap_or(ADMIN_USER);
    match args.value(flag::OUTPUT) {
        None => {}
        Some(format @ ("json" | "yaml")) => return Done::read(self_subject_review(user, format)),
        Some(other) => {
            return Err(KubectlError::msg(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml"
            )));
        }
    }
    let rows = vec![
        vec!["Username".to_owned(), user.to_owned()],
        vec!["Groups".to_owned(), format!("[{}]", groups(user).join(" "))],
    ];
    Done::read(table::render(&["ATTRIBUTE", "VALUE"], &rows, args.switch(flag::NO_HEADERS)))
}

/// The `SelfSubjectReview` the server answers `auth whoami -o json|yaml` with, in the order
/// kubectl prints it.
fn self_subject_review(user: &str, format: &str) -> String {
    let groups = groups(user);
    if format == "yaml" {
        let groups: String = groups.iter().fold(String::new(), |mut out, g| {
            let _ = writeln!(out, "    - {g}");
            out
        });
        return format!(
            "apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata:\n  creationTimestamp: null\nstatus:\n  userInfo:\n    groups:\n{groups}    username: {user}"
        );
    }
    let groups: Vec<String> = groups.iter().map(|g| format!("                \"{g}\"")).collect();
    format!(
        "{{\n    \"kind\": \"SelfSubjectReview\",\n    \"apiVersion\": \"authentication.k8s.io/v1\",\n    \"metadata\": {{\n        \"creationTimestamp\": null\n    }},\n    \"status\": {{\n        \"userInfo\": {{\n            \"username\": \"{user}\",\n            \"groups\": [\n{}\n            ]\n        }}\n    }}\n}}",
        groups.join(",\n")
    )
}

/// Runs `kubectl auth can-i`.
pub fn can_i(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    let user = args.value(flag::AS).unwrap_or(ADMIN_USER);
    let args = &args;
    let ns = if args.all_namespaces() { "" } else { args.namespace() };
    if args.switch(flag::LIST) {
        return Done::read(list(cluster, user, ns));
    }
    let (Some(verb), Some(target)) = (args.positional.first(), args.positional.get(1)) else {
        return Err(KubectlError::msg(
            "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples",
        ));
    };
    let mut warnings = Vec::new();
    if !crate::sim::rbac::VERBS.contains(&verb.as_str()) {
        warnings.push(format!("Warning: verb '{verb}' is not a known verb"));
    }
    let (resource, _name) = match target.split_once('/') {
        Some((r, n))
            if Kind::parse(r).is_some()
                && !n.is_empty()
                && !["log", "exec", "status", "scale", "eviction", "portforward"].contains(&n) =>
        {
            (r.to_owned(), Some(n))
        }
        _ => (target.clone(), None),
    };
    let resource = match args.value(flag::SUBRESOURCE) {
        Some(s) => format!("{resource}/{s}"),
        None => resource,
    };
    let base = resource.split('/').next().unwrap_or("");
    let kind = Kind::parse(base);
    if kind.is_none() && base != "*" {
        warnings.push(format!("Warning: the server doesn't have a resource type '{base}'"));
    }
    let ns = if kind.is_some_and(|k| !k.namespaced()) { "" } else { ns };
    let yes = allowed(cluster, user, verb, &resource, ns);
    if args.switch(flag::QUIET) {
        return Done::read(warnings.join("\n"));
    }
    warnings.push(if yes { "yes" } else { "no" }.to_owned());
    Done::read(warnings.join("\n"))
}

/// `can-i --list`: the rules that apply to the user in the namespace.
fn list(cluster: &Cluster, user: &str, ns: &str) -> String {
    let header = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"];
    let mut rows: Vec<Vec<String>> = Vec::new();
    if user == ADMIN_USER {
        rows.push(vec!["*.*".to_owned(), "[]".to_owned(), "[]".to_owned(), "[*]".to_owned()]);
        rows.push(vec![String::new(), "[*]".to_owned(), "[]".to_owned(), "[*]".to_owned()]);
        return table::render(&header, &rows, false);
    }
    let groups = groups(user);
    for b in cluster.rolebindings().values() {
        let applies = b.cluster || (!ns.is_empty() && b.meta.namespace == ns);
        if !applies || !b.subjects.iter().any(|s| subject_matches(s, b, user, &groups)) {
            continue;
        }
        let role = if b.role.kind == "ClusterRole" {
            cluster.roles().values().find(|r| r.cluster && r.meta.name == b.role.name)
        } else {
            cluster
                .roles()
                .values()
                .find(|r| !r.cluster && r.meta.name == b.role.name && r.meta.namespace == b.meta.namespace)
        };
        for rule in role.map(|r| r.rules.as_slice()).unwrap_or_default() {
            let groups: Vec<&str> = if rule.api_groups.is_empty() {
                vec![""]
            } else {
                rule.api_groups.iter().map(String::as_str).collect()
            };
            for r in &rule.resources {
                for g in &groups {
                    let name = if g.is_empty() { r.clone() } else { format!("{r}.{g}") };
                    rows.push(vec![name, "[]".to_owned(), "[]".to_owned(), format!("[{}]", rule.verbs.join(" "))]);
                }
            }
        }
    }
    rows.push(vec![
        "selfsubjectreviews.authentication.k8s.io".to_owned(),
        "[]".to_owned(),
        "[]".to_owned(),
        "[create]".to_owned(),
    ]);
    rows.push(vec![
        "selfsubjectaccessreviews.authorization.k8s.io".to_owned(),
        "[]".to_owned(),
        "[]".to_owned(),
        "[create]".to_owned(),
    ]);
    rows.push(vec![
        "selfsubjectrulesreviews.authorization.k8s.io".to_owned(),
        "[]".to_owned(),
        "[]".to_owned(),
        "[create]".to_owned(),
    ]);
    rows.sort();
    rows.dedup();
    table::render(&header, &rows, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::key;
    use crate::sim::objects::{Meta, PolicyRuleSpec, Role, RoleBinding, RoleRef, Subject};

    fn rbac_cluster() -> Cluster {
        let mut c = Cluster::new(1);
        c.roles_mut().insert(
            key("shop", "pod-reader"),
            Role {
                meta: Meta::new("pod-reader", "shop"),
                cluster: false,
                rules: vec![PolicyRuleSpec {
                    verbs: vec!["get".into(), "list".into(), "watch".into()],
                    resources: vec!["pods".into()],
                    api_groups: vec![String::new()],
                }],
            },
        );
        c.roles_mut().insert(
            key("", "deploy-scaler"),
            Role {
                meta: Meta::new("deploy-scaler", ""),
                cluster: true,
                rules: vec![PolicyRuleSpec {
                    verbs: vec!["patch".into()],
                    resources: vec!["deployments".into(), "deployments/scale".into()],
                    api_groups: vec!["apps".into()],
                }],
            },
        );
        c.rolebindings_mut().insert(
            key("shop", "read-pods"),
            RoleBinding {
                meta: Meta::new("read-pods", "shop"),
                cluster: false,
                role: RoleRef { kind: "Role".into(), name: "pod-reader".into() },
                subjects: vec![Subject {
                    kind: "ServiceAccount".into(),
                    name: "shipper".into(),
                    namespace: Some("shop".into()),
                }],
            },
        );
        c.rolebindings_mut().insert(
            key("shop", "scale"),
            RoleBinding {
                meta: Meta::new("scale", "shop"),
                cluster: false,
                role: RoleRef { kind: "ClusterRole".into(), name: "deploy-scaler".into() },
                subjects: vec![Subject { kind: "ServiceAccount".into(), name: "shipper".into(), namespace: None }],
            },
        );
        c
    }

    fn run_line(c: &mut Cluster, line: &str) -> String {
        crate::sim::kubectl::run(c, &format!("auth {line}")).output
    }

    #[test]
    fn can_i_answers_for_a_service_account() {
        let mut c = rbac_cluster();
        let sa = "--as=system:serviceaccount:shop:shipper";
        assert_eq!(run_line(&mut c, &format!("can-i list pods -n shop {sa}")), "yes");
        assert_eq!(run_line(&mut c, &format!("can-i list po -n shop {sa}")), "yes");
        assert_eq!(run_line(&mut c, &format!("can-i get pods/web-1 -n shop {sa}")), "yes");
        assert_eq!(run_line(&mut c, &format!("can-i delete pods -n shop {sa}")), "no");
        assert_eq!(run_line(&mut c, &format!("can-i list pods -n default {sa}")), "no");
        assert_eq!(run_line(&mut c, &format!("can-i list pods -A {sa}")), "no");
        assert_eq!(run_line(&mut c, &format!("can-i patch deployments.apps -n shop {sa}")), "yes");
        assert_eq!(run_line(&mut c, &format!("can-i patch deploy -n default {sa}")), "no");
        assert_eq!(run_line(&mut c, &format!("can-i list nodes {sa}")), "no");
        assert_eq!(run_line(&mut c, "can-i delete nodes"), "yes");
        assert_eq!(run_line(&mut c, "can-i list pods --as=system:serviceaccount:shop:other -n shop"), "no");
        assert_eq!(
            run_line(&mut c, &format!("can-i frob foos -n shop {sa}")),
            "Warning: verb 'frob' is not a known verb\nWarning: the server doesn't have a resource type 'foos'\nno"
        );
    }

    #[test]
    fn allowed_is_the_shared_check() {
        let c = rbac_cluster();
        assert!(allowed(&c, "system:serviceaccount:shop:shipper", "watch", "pods", "shop"));
        assert!(!allowed(&c, "system:serviceaccount:shop:shipper", "create", "pods", "shop"));
        assert!(allowed(&c, "system:serviceaccount:shop:shipper", "patch", "deployments/scale", "shop"));
        assert!(allowed(&c, ADMIN_USER, "delete", "namespaces", ""));
    }

    #[test]
    fn whoami_prints_the_admin_identity() {
        let mut c = rbac_cluster();
        assert_eq!(
            run_line(&mut c, "whoami"),
            "ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [kubeadm:cluster-admins system:authenticated]"
        );
        assert_eq!(
            run_line(&mut c, "can-i"),
            "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples"
        );
    }
}
