//! Collateral damage judged on the cluster, not on command text: what the team's commands changed
//! (each `Event::Command` carries the changes the API accepted) beyond what the incident needed.
//!
//! The incident is about the objects its faults, the customer's mishaps and the injects change,
//! and those its win conditions name ([`Incident::of`]). Any change to those is part of the
//! response, however it is typed: `rollout undo`, `set image` and `edit` are all fixes when the
//! win conditions follow. Damage is what reaches beyond them: data deleted (claims, volumes,
//! secrets, config maps, namespaces), pods deleted or workloads restarted, scaled to zero or
//! deleted when they are healthy and unrelated, healthy nodes cordoned, drained or stopped, and
//! permissions widened (a binding to `cluster-admin`, a wildcard role). Stopping a rogue actor the
//! incident brought in (a workload its faults, mishaps or injects created) is containment and is
//! credited, never counted as damage.

use std::collections::BTreeSet;

use crate::scenario::Scenario;
use crate::scenario::layer::InjectWhat;
use crate::sim::change::{Change, Object};
use crate::sim::kind::Kind;

/// What the incident is about, worked out from the scenario.
#[derive(Clone, Debug, Default)]
pub struct Incident {
    /// Names of objects (and namespaces) the faults, mishaps, injects and win conditions touch.
    names: BTreeSet<String>,
    /// Workloads the incident created (`namespace`, `name`): rogue actors to contain.
    rogue: BTreeSet<(String, String)>,
    /// Objects the incident created (kind, namespace, name): deleting them deletes no data.
    created: BTreeSet<(Kind, String, String)>,
}

/// What one change did, judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deed {
    /// Beyond what the incident needed, in words (`deleted secret shop/db-password`).
    Harm(String),
    /// A rogue actor stopped (`scaled platform-tools/cleanup to zero`).
    Containment(String),
}

impl Incident {
    pub fn of(scenario: &Scenario) -> Incident {
        let mut incident = Incident::default();
        let layer = &scenario.game;
        let changes = scenario
            .faults
            .iter()
            .map(|f| &f.change)
            .chain(layer.customer.npc.mishaps.iter().flat_map(|m| m.changes.iter()))
            .chain(layer.injects.iter().flat_map(|i| match &i.what {
                InjectWhat::Fault(changes) => changes.as_slice(),
                _ => &[],
            }));
        for change in changes {
            let (kind, namespace, name) = target(change);
            incident.names.insert(name.to_owned());
            if !namespace.is_empty() {
                incident.names.insert(namespace.to_owned());
            }
            if let Change::Create(object) = change {
                incident.created.insert((kind, namespace.to_owned(), name.to_owned()));
                if matches!(object, Object::Deployment(_) | Object::Pod(_)) {
                    incident.rogue.insert((namespace.to_owned(), name.to_owned()));
                }
            }
        }
        // The win conditions name objects as quoted strings in their debug form; an entrypoint's
        // name there matches no object and does no harm.
        for predicate in scenario.win.all.iter().chain(&scenario.lose) {
            let text = format!("{predicate:?}");
            incident.names.extend(text.split('"').skip(1).step_by(2).map(str::to_owned));
        }
        incident
    }

    /// Whether an object is one the incident is about. Pods and replica sets belong to their
    /// deployment (`web-7c9b-x2k4d` to `web`).
    fn related(&self, kind: Kind, name: &str) -> bool {
        self.names.contains(name)
            || (matches!(kind, Kind::Pod | Kind::ReplicaSet)
                && self.names.iter().any(|n| name.strip_prefix(n.as_str()).is_some_and(|rest| rest.starts_with('-'))))
    }

    /// The rogue workload an object belongs to, if any.
    fn rogue_of(&self, kind: Kind, namespace: &str, name: &str) -> Option<String> {
        self.rogue
            .iter()
            .find(|(ns, workload)| {
                ns == namespace
                    && (workload == name
                        || (matches!(kind, Kind::Pod | Kind::ReplicaSet)
                            && name.strip_prefix(workload.as_str()).is_some_and(|rest| rest.starts_with('-'))))
            })
            .map(|(ns, workload)| format!("{ns}/{workload}"))
    }

    /// Whether a change is made to something the incident is about (its broken objects, what its
    /// win conditions name, or a rogue actor it brought in).
    pub fn concerns(&self, change: &Change) -> bool {
        let (kind, namespace, name) = target(change);
        self.related(kind, name) || self.rogue_of(kind, namespace, name).is_some()
    }

    /// What one change the team made did.
    pub fn judge(&self, change: &Change) -> Option<Deed> {
        let (kind, namespace, name) = target(change);
        let at = if namespace.is_empty() { name.to_owned() } else { format!("{namespace}/{name}") };
        let rogue = self.rogue_of(kind, namespace, name);
        let unrelated = !self.related(kind, name) && rogue.is_none();
        let harm = |what: String| Some(Deed::Harm(what));
        match change {
            Change::Delete { kind: data, .. }
                if matches!(data, Kind::Pvc | Kind::Pv | Kind::Secret | Kind::ConfigMap | Kind::Namespace)
                    && !self.created.contains(&(*data, namespace.to_owned(), name.to_owned())) =>
            {
                harm(format!("deleted {} {at} and the data in it", data.singular()))
            }
            Change::Delete { kind: Kind::Deployment | Kind::ReplicaSet | Kind::Pod, .. }
            | Change::Evict { .. }
            | Change::Scale { replicas: 0, .. } => match (rogue, unrelated) {
                (Some(rogue), _) => Some(Deed::Containment(format!("stopped the rogue {rogue}"))),
                (None, true) if matches!(change, Change::Scale { .. }) => {
                    harm(format!("scaled {} {at} to zero, which the incident is not about", kind.singular()))
                }
                (None, true) => harm(format!("deleted {} {at}, which the incident is not about", kind.singular())),
                (None, false) => None,
            },
            Change::Patch { patch, .. } if rogue.is_some() && stops(patch) => {
                Some(Deed::Containment(format!("stopped the rogue {}", rogue.unwrap_or_default())))
            }
            Change::RolloutRestart { .. } if unrelated => {
                harm(format!("restarted deployment {at}, which the incident is not about"))
            }
            Change::Cordon { unschedulable: true, .. } | Change::Drain { .. } if unrelated => {
                harm(format!("cordoned node {at}, which the incident is not about"))
            }
            Change::Taint { .. } if unrelated => harm(format!("tainted node {at}, which the incident is not about")),
            Change::Kubelet { running: false, .. } if unrelated => {
                harm(format!("stopped the kubelet on node {at}, which the incident is not about"))
            }
            Change::Create(Object::RoleBinding(binding)) if binding.role.name == "cluster-admin" => {
                harm(format!("widened permissions: bound {at} to cluster-admin"))
            }
            Change::Create(Object::Role(role))
                if role.rules.iter().any(|r| r.verbs.iter().chain(&r.resources).any(|w| w == "*")) =>
            {
                harm(format!("widened permissions: {} {at} allows everything (`*`)", kind.singular()))
            }
            Change::Patch {
                kind: Kind::Role | Kind::ClusterRole | Kind::RoleBinding | Kind::ClusterRoleBinding,
                patch,
                ..
            } if patch.contains("\"*\"") || patch.contains("cluster-admin") => {
                harm(format!("widened permissions on {} {at}", kind.singular()))
            }
            _ => None,
        }
    }
}

/// Whether a patch stops a workload: suspends it or sets its replicas to zero.
fn stops(patch: &str) -> bool {
    let compact: String = patch.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("\"suspend\":true") || compact.contains("\"replicas\":0")
}

/// The object a change is made to: kind, namespace (empty when cluster-scoped) and name.
pub fn target(change: &Change) -> (Kind, &str, &str) {
    match change {
        Change::Create(object) => {
            let meta = object.meta();
            (object.kind(), meta.namespace.as_str(), meta.name.as_str())
        }
        Change::Delete { kind, namespace, name, .. }
        | Change::Scale { kind, namespace, name, .. }
        | Change::Patch { kind, namespace, name, .. }
        | Change::Label { kind, namespace, name, .. }
        | Change::Annotate { kind, namespace, name, .. } => (*kind, namespace, name),
        Change::SetImage { namespace, deployment, .. }
        | Change::SetEnv { namespace, deployment, .. }
        | Change::SetResources { namespace, deployment, .. }
        | Change::SetCommand { namespace, deployment, .. }
        | Change::SetProbe { namespace, deployment, .. }
        | Change::RolloutRestart { namespace, deployment }
        | Change::RolloutUndo { namespace, deployment, .. }
        | Change::RolloutPause { namespace, deployment, .. } => (Kind::Deployment, namespace, deployment),
        Change::Cordon { node, .. }
        | Change::Taint { node, .. }
        | Change::Untaint { node, .. }
        | Change::Kubelet { node, .. }
        | Change::WriteFile { node, .. }
        | Change::RemoveFile { node, .. }
        | Change::NodeFile { node, .. }
        | Change::MoveNodeFile { node, .. }
        | Change::EditNodeFile { node, .. }
        | Change::KubeletVersion { node, .. }
        | Change::Drain { node, .. } => (Kind::Node, "", node),
        Change::EvictMatching { namespace, selector } => (Kind::Pod, namespace, selector),
        Change::Evict { namespace, pod } => (Kind::Pod, namespace, pod),
        Change::SetServiceSelector { namespace, service, .. }
        | Change::SetServiceTargetPort { namespace, service, .. } => (Kind::Service, namespace, service),
        Change::SetIngressBackend { namespace, ingress, .. } => (Kind::Ingress, namespace, ingress),
        Change::SetHpaLimits { namespace, hpa, .. } => (Kind::Hpa, namespace, hpa),
        Change::SetConfigData { namespace, config_map, .. } => (Kind::ConfigMap, namespace, config_map),
        Change::SetSecretData { namespace, secret, .. } => (Kind::Secret, namespace, secret),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::objects::{Meta, PolicyRuleSpec, Role, RoleBinding, RoleRef};

    fn scenario(id: &str) -> Scenario {
        let Some(Ok(s)) = crate::scenario::builtin(id) else { panic!("scenario {id}") };
        s
    }

    fn delete(kind: Kind, namespace: &str, name: &str) -> Change {
        Change::Delete { kind, namespace: namespace.into(), name: name.into(), force: false }
    }

    fn scale(namespace: &str, name: &str, replicas: u32) -> Change {
        Change::Scale { kind: Kind::Deployment, namespace: namespace.into(), name: name.into(), replicas }
    }

    fn harm(deed: Option<Deed>) -> bool {
        deed.is_some_and(|d| matches!(d, Deed::Harm(_)))
    }

    #[test]
    fn fixes_to_the_incidents_objects_are_no_damage_however_they_are_typed() {
        let incident = Incident::of(&scenario("first-deploy"));
        let undo = Change::RolloutUndo { namespace: "shop".into(), deployment: "web".into(), to_revision: None };
        assert_eq!(incident.judge(&undo), None);
        let restart = Change::RolloutRestart { namespace: "shop".into(), deployment: "web".into() };
        assert_eq!(incident.judge(&restart), None);
        assert_eq!(incident.judge(&delete(Kind::Pod, "shop", "web-7c9b-x2k4d")), None, "a pod of the broken web");
        assert_eq!(incident.judge(&scale("shop", "web", 6)), None);
    }

    #[test]
    fn damage_beyond_the_incident_is_named() {
        let incident = Incident::of(&scenario("first-deploy"));
        assert!(harm(incident.judge(&delete(Kind::Secret, "shop", "db-password"))));
        assert!(harm(incident.judge(&delete(Kind::Pvc, "shop", "data"))));
        assert!(harm(incident.judge(&delete(Kind::Namespace, "", "shop"))), "a namespace holds data");
        assert!(harm(incident.judge(&delete(Kind::Pod, "kube-system", "coredns-5d8f-abcde"))));
        assert!(harm(incident.judge(&scale("kube-system", "coredns", 0))));
        assert!(harm(
            incident.judge(&Change::RolloutRestart { namespace: "kube-system".into(), deployment: "coredns".into() })
        ));
        assert!(harm(incident.judge(&Change::Cordon { node: "node-1".into(), unschedulable: true })));
        assert!(harm(incident.judge(&Change::Kubelet { node: "node-2".into(), running: false })));
        assert_eq!(incident.judge(&Change::Cordon { node: "node-1".into(), unschedulable: false }), None);
        let admin = RoleBinding {
            meta: Meta::new("oops", ""),
            cluster: true,
            role: RoleRef { kind: "ClusterRole".into(), name: "cluster-admin".into() },
            subjects: Vec::new(),
        };
        assert!(harm(incident.judge(&Change::Create(Object::RoleBinding(admin)))));
        let wildcard = Role {
            meta: Meta::new("all", "shop"),
            cluster: false,
            rules: vec![PolicyRuleSpec { verbs: vec!["*".into()], resources: vec!["pods".into()], api_groups: vec![] }],
        };
        assert!(harm(incident.judge(&Change::Create(Object::Role(wildcard)))));
    }

    #[test]
    fn stopping_the_rogue_actor_is_containment() {
        let incident = Incident::of(&scenario("dns-cleanup-job"));
        let stopped = Some(Deed::Containment("stopped the rogue platform-tools/cleanup".into()));
        assert_eq!(incident.judge(&scale("platform-tools", "cleanup", 0)), stopped);
        assert_eq!(incident.judge(&delete(Kind::Deployment, "platform-tools", "cleanup")), stopped);
        assert_eq!(incident.judge(&delete(Kind::Pod, "platform-tools", "cleanup-6f7d-abcde")), stopped);
        let patch = Change::Patch {
            kind: Kind::Deployment,
            namespace: "platform-tools".into(),
            name: "cleanup".into(),
            patch_type: crate::sim::change::PatchType::Merge,
            patch: r#"{"spec": {"replicas": 0}}"#.into(),
        };
        assert_eq!(incident.judge(&patch), stopped);
        assert_eq!(incident.judge(&scale("kube-system", "coredns", 2)), None, "the fix");
        assert!(!harm(incident.judge(&delete(Kind::ServiceAccount, "platform-tools", "env-janitor"))));
    }
}
