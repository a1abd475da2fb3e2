//! What a change does to the object it names, for validation: a scenario's fault, mishap or
//! inject that the API refuses, or that leaves its object as it was, is a mistake in the scenario
//! (a typo in a name, `SetResources` into the values already set), not a twist.
//!
//! An object is compared in its declared form, what a scenario could write (its serde form:
//! spec, labels, annotations), so bookkeeping the API does on every write (generation, resource
//! version, status) does not count as a change.

use serde_json::Value;

use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;

/// What applying a change did.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// The API accepted it and the object it names is different now (or made, or gone).
    Changed,
    /// The API accepted it but the object it names is exactly as it was.
    Unchanged,
    /// The API refused it (`Error from server (NotFound): …`).
    Refused(ApiError),
}

/// Applies `change` on behalf of `actor` and says what it did to the object it names.
pub fn apply_and_compare(cluster: &mut Cluster, change: &Change, actor: &str) -> Effect {
    let (kind, namespace, name) = change.target();
    let (kind, namespace, name) = (kind, namespace.to_owned(), name.to_owned());
    let before = declared(cluster, kind, &namespace, &name);
    if let Err(e) = cluster.apply(change.clone(), actor) {
        return Effect::Refused(e);
    }
    // Making, deleting and evicting always change something once accepted: the object's
    // lifecycle is not part of its declared form (a deleted pod stays, Terminating, for a while).
    if matches!(
        change,
        Change::Create(_)
            | Change::Delete { .. }
            | Change::Evict { .. }
            | Change::EvictMatching { .. }
            | Change::Drain { .. }
            | Change::RestartKubelet { .. }
            | Change::Reboot { .. }
            // etcd's state is no object's declared form.
            | Change::Etcd { .. }
    ) {
        return Effect::Changed;
    }
    if declared(cluster, kind, &namespace, &name) == before { Effect::Unchanged } else { Effect::Changed }
}

/// The declared form of one object, `None` if it does not exist (or has no declared form, like an
/// event). Cluster-scoped kinds ignore `namespace`.
pub fn declared(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Option<Value> {
    fn form<T: serde::Serialize>(object: Option<&T>) -> Option<Value> {
        object.and_then(|o| serde_json::to_value(o).ok())
    }
    let k = key(namespace, name);
    let cluster_scoped = key("", name);
    match kind {
        Kind::Pod => form(cluster.pods().get(&k)),
        Kind::Deployment => form(cluster.deployments().get(&k)),
        Kind::ReplicaSet => form(cluster.replicasets().get(&k)),
        Kind::DaemonSet => form(cluster.daemonsets().get(&k)),
        Kind::StatefulSet => form(cluster.statefulsets().get(&k)),
        Kind::Job => form(cluster.jobs().get(&k)),
        Kind::CronJob => form(cluster.cronjobs().get(&k)),
        Kind::Service => form(cluster.services().get(&k)),
        Kind::Endpoints => form(cluster.endpoints().get(&k)),
        Kind::Node => form(cluster.nodes().get(name)),
        Kind::Namespace => form(cluster.namespaces().get(name)),
        Kind::ConfigMap => form(cluster.configmaps().get(&k)),
        Kind::Secret => form(cluster.secrets().get(&k)),
        Kind::Pvc => form(cluster.pvcs().get(&k)),
        Kind::Pv => form(cluster.pvs().get(name)),
        Kind::StorageClass => form(cluster.storageclasses().get(name)),
        Kind::IngressClass => form(cluster.ingressclasses().get(name)),
        Kind::PriorityClass => form(cluster.priorityclasses().get(name)),
        Kind::CustomResourceDefinition => form(cluster.crds().get(name)),
        Kind::Ingress => form(cluster.ingresses().get(&k)),
        Kind::NetworkPolicy => form(cluster.netpols().get(&k)),
        Kind::Hpa => form(cluster.hpas().get(&k)),
        Kind::ResourceQuota => form(cluster.quotas().get(&k)),
        Kind::LimitRange => form(cluster.limitranges().get(&k)),
        Kind::Pdb => form(cluster.pdbs().get(&k)),
        Kind::ServiceAccount => form(cluster.serviceaccounts().get(&k)),
        Kind::Role => form(cluster.roles().get(&k)),
        Kind::ClusterRole => form(cluster.roles().get(&cluster_scoped)),
        Kind::RoleBinding => form(cluster.rolebindings().get(&k)),
        Kind::ClusterRoleBinding => form(cluster.rolebindings().get(&cluster_scoped)),
        Kind::ValidatingWebhook | Kind::MutatingWebhook => form(cluster.webhooks().get(name)),
        Kind::Event | Kind::EndpointSlice => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::objects::ResourceList;

    fn incident() -> Cluster {
        let s = crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses");
        crate::scenario::build_cluster(&s, 1).expect("builds")
    }

    fn resources(cpu: &str, memory: &str) -> Change {
        Change::SetResources {
            namespace: "shop".into(),
            deployment: "web".into(),
            container: Some("web".into()),
            requests: ResourceList { cpu: cpu.parse().ok(), memory: memory.parse().ok() },
            limits: ResourceList::default(),
            kind: crate::sim::kind::Kind::Deployment,
        }
    }

    #[test]
    fn setting_resources_to_the_values_already_set_changes_nothing() {
        let mut cluster = incident();
        // first-deploy's web container requests 100m and 128Mi.
        assert_eq!(apply_and_compare(&mut cluster, &resources("100m", "128Mi"), "t"), Effect::Unchanged);
        assert_eq!(apply_and_compare(&mut cluster, &resources("200m", "128Mi"), "t"), Effect::Changed);
    }

    #[test]
    fn a_change_to_a_missing_object_is_refused_as_the_api_refuses_it() {
        let mut cluster = incident();
        let delete = Change::Delete { kind: Kind::Pvc, namespace: "shop".into(), name: "data".into(), force: false };
        let Effect::Refused(e) = apply_and_compare(&mut cluster, &delete, "t") else { panic!("accepted") };
        assert_eq!(e.to_string(), "Error from server (NotFound): persistentvolumeclaims \"data\" not found");
    }
}
