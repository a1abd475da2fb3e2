//! Role-based access control: whether a user or service account may perform a verb on a
//! resource in a namespace, from roles, cluster roles and their bindings.

use super::cluster::Cluster;
use super::kind::Kind;
use super::objects::{PolicyRuleSpec, RoleBinding, Subject};

/// The verbs RBAC rules may name.
pub const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
    "*",
];

/// The console's own identity, bound to `cluster-admin`.
pub const ADMIN_USER: &str = "kubernetes-admin";

/// The groups a user is in, as the authenticator reports them.
pub fn groups(user: &str) -> Vec<String> {
    if user == ADMIN_USER {
        return vec!["kubeadm:cluster-admins".to_owned(), "system:authenticated".to_owned()];
    }
    let mut g = Vec::new();
    if let Some(rest) = user.strip_prefix("system:serviceaccount:") {
        g.push("system:serviceaccounts".to_owned());
        if let Some((ns, _)) = rest.split_once(':') {
            g.push(format!("system:serviceaccounts:{ns}"));
        }
    }
    g.push("system:authenticated".to_owned());
    g
}

pub fn subject_matches(s: &Subject, binding: &RoleBinding, user: &str, groups: &[String]) -> bool {
    match s.kind.as_str() {
        "ServiceAccount" => {
            let ns = s.namespace.as_deref().unwrap_or(&binding.meta.namespace);
            user == format!("system:serviceaccount:{ns}:{}", s.name)
        }
        "User" => s.name == user,
        "Group" => groups.contains(&s.name),
        _ => false,
    }
}

/// Splits `deployments.apps` / `pods/log` into (resource, subresource, group), resolving short
/// names (`deploy`, `po`) the way discovery does.
fn normalize(resource: &str) -> (String, Option<String>, String) {
    let (res, sub) = resource.split_once('/').map_or((resource, None), |(r, s)| (r, Some(s.to_owned())));
    if res == "*" {
        return ("*".to_owned(), sub, "*".to_owned());
    }
    if let Some(k) = Kind::parse(res) {
        (k.plural().to_owned(), sub, k.group().to_owned())
    } else {
        let (r, g) = res.split_once('.').unwrap_or((res, ""));
        (r.to_owned(), sub, g.to_owned())
    }
}

/// `po` → `pods`, `deploy/scale` → `deployments/scale`.
pub fn full_name(resource: &str) -> String {
    match normalize(resource) {
        (r, Some(s), _) => format!("{r}/{s}"),
        (r, None, _) => r,
    }
}

pub fn rule_allows(rule: &PolicyRuleSpec, verb: &str, resource: &str, group: &str) -> bool {
    let verb_ok = rule.verbs.iter().any(|v| v == "*" || v == verb);
    let res_ok = rule.resources.iter().any(|r| r == "*" || full_name(r) == resource);
    // Scenario authors often omit apiGroups; treat that as any group.
    let group_ok = rule.api_groups.is_empty() || group == "*" || rule.api_groups.iter().any(|g| g == "*" || g == group);
    verb_ok && res_ok && group_ok
}

/// Whether `user` (`kubernetes-admin`, `system:serviceaccount:NS:SA`, or a user name) may `verb`
/// `resource` (`pods`, `deployments.apps`, `pods/log`) in `namespace` (`""` for cluster-wide).
pub fn allowed(cluster: &Cluster, user: &str, verb: &str, resource: &str, namespace: &str) -> bool {
    if user == ADMIN_USER {
        return true;
    }
    let groups = groups(user);
    if groups.iter().any(|g| g == "system:masters") {
        return true;
    }
    let (res, sub, group) = normalize(resource);
    let full = match &sub {
        Some(s) => format!("{res}/{s}"),
        None => res,
    };
    cluster.rolebindings().values().any(|b| {
        let applies = b.cluster || (!namespace.is_empty() && b.meta.namespace == namespace);
        if !applies || !b.subjects.iter().any(|s| subject_matches(s, b, user, &groups)) {
            return false;
        }
        let role = if b.role.kind == "ClusterRole" {
            cluster.roles().values().find(|r| r.cluster && r.meta.name == b.role.name)
        } else {
            cluster
                .roles()
                .values()
                .find(|r| !r.cluster && r.meta.name == b.role.name && r.meta.namespace == b.meta.namespace)
        };
        role.is_some_and(|r| r.rules.iter().any(|rule| rule_allows(rule, verb, &full, &group)))
    })
}

/// The API server's refusal, as an app logs it.
pub fn forbidden_message(user: &str, verb: &str, resource: &str, namespace: &str) -> String {
    format!(
        "{resource} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"\" in the namespace \"{namespace}\""
    )
}
