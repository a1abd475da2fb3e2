//! Role-based access control: whether a user or service account may perform a verb on a
//! resource in a namespace, from roles, cluster roles and their bindings.

use super::cluster::Cluster;
use super::objects::{Role, RoleBinding};

/// Users the console acts as that are cluster administrators.
const ADMINS: &[&str] = &["kubernetes-admin", "system:admin"];

/// Whether `user` (`system:serviceaccount:NS:NAME` or a user name) may `verb` `resource`.
pub fn allowed(cluster: &Cluster, user: &str, verb: &str, resource: &str, namespace: &str) -> bool {
    if ADMINS.contains(&user) {
        return true;
    }
    let resource = resource.split('.').next().unwrap_or(resource);
    cluster.rolebindings.values().any(|b| {
        let scope_ok = b.cluster || b.meta.namespace == namespace;
        scope_ok && binds(b, user) && role_for(cluster, b).is_some_and(|r| grants(r, verb, resource))
    })
}

fn binds(binding: &RoleBinding, user: &str) -> bool {
    binding.subjects.iter().any(|s| match s.kind.as_str() {
        "ServiceAccount" => {
            let ns = s.namespace.as_deref().unwrap_or(&binding.meta.namespace);
            user == format!("system:serviceaccount:{ns}:{}", s.name)
        }
        "Group" => s.name == "system:authenticated" || (s.name == "system:serviceaccounts" && user.starts_with("system:serviceaccount:")),
        _ => s.name == user,
    })
}

fn role_for<'a>(cluster: &'a Cluster, binding: &RoleBinding) -> Option<&'a Role> {
    if binding.role.kind == "ClusterRole" {
        cluster.roles.get(&(String::new(), binding.role.name.clone()))
    } else {
        cluster.roles.get(&(binding.meta.namespace.clone(), binding.role.name.clone()))
    }
}

fn grants(role: &Role, verb: &str, resource: &str) -> bool {
    role.rules.iter().any(|r| {
        let verb_ok = r.verbs.iter().any(|v| v == "*" || v == verb);
        let res_ok = r.resources.iter().any(|x| x == "*" || x == resource || x.split('/').next() == Some(resource));
        verb_ok && res_ok
    })
}

/// The API server's refusal, as an app logs it.
pub fn forbidden_message(user: &str, verb: &str, resource: &str, namespace: &str) -> String {
    format!("{resource} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"\" in the namespace \"{namespace}\"")
}
