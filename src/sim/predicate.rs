//! Predicates over the cluster, for win and lose conditions. They test the world, never the
//! commands typed: a root-cause predicate (a memory limit that fits the app, a service that
//! selects its pods) is kept apart from symptom relief (pods that happen to be up right now).

use serde::{Deserialize, Serialize};

use super::cluster::{Cluster, key};
use super::controllers::container_usage;
use super::kind::Kind;
use super::objects::{ContainerState, Labels, PvcPhase, Selector};
use super::quantity::Mebibytes;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Predicate {
    /// Every desired replica runs the current template, is ready, and no old pods remain.
    DeploymentHealthy {
        namespace: String,
        name: String,
    },
    DeploymentReplicasAtLeast {
        namespace: String,
        name: String,
        replicas: u32,
    },
    ServiceHasEndpoints {
        namespace: String,
        name: String,
    },
    /// A user-facing entrypoint serves at least this fraction of requests (default 0.99).
    EntrypointHealthy {
        name: String,
        #[serde(default)]
        min_success: Option<f64>,
    },
    AllEntrypointsHealthy,
    ContainerImage {
        namespace: String,
        deployment: String,
        container: String,
        image: String,
    },
    /// The container's memory limit covers what the app actually uses under load.
    MemoryLimitFits {
        namespace: String,
        deployment: String,
        container: String,
    },
    MemoryLimitAtLeast {
        namespace: String,
        deployment: String,
        container: String,
        memory: Mebibytes,
    },
    /// No container of pods matching the labels restarted in the last N minutes.
    NoRecentRestarts {
        namespace: String,
        selector: Labels,
        minutes: u32,
    },
    ObjectExists {
        kind: Kind,
        namespace: String,
        name: String,
    },
    ObjectAbsent {
        kind: Kind,
        namespace: String,
        name: String,
    },
    NodeReady {
        name: String,
    },
    NodeSchedulable {
        name: String,
    },
    /// No pods other than daemon set pods and system pods run on the node (what
    /// `kubectl drain --ignore-daemonsets` leaves).
    NodeDrained {
        name: String,
    },
    NoDiskPressure {
        name: String,
    },
    /// The node's kubelet runs this version (`v1.31.0`): an upgrade finished.
    NodeVersion {
        name: String,
        version: String,
    },
    PvcBound {
        namespace: String,
        name: String,
    },
    /// No persistent data was destroyed.
    NoDataLost,
    HpaMaxAtLeast {
        namespace: String,
        name: String,
        replicas: u32,
    },
    HpaHasMetrics {
        namespace: String,
        name: String,
    },
    /// RBAC lets this user (e.g. `system:serviceaccount:shop:app`) do this.
    Allowed {
        user: String,
        verb: String,
        resource: String,
        namespace: String,
    },
    BudgetRemaining {
        at_least: f64,
    },
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
}

impl Predicate {
    pub fn holds(&self, cluster: &Cluster) -> bool {
        match self {
            Predicate::DeploymentHealthy { namespace, name } => deployment_healthy(cluster, namespace, name),
            Predicate::DeploymentReplicasAtLeast { namespace, name, replicas } => cluster
                .deployments()
                .get(&key(namespace, name))
                .is_some_and(|d| d.replicas >= *replicas && d.status.available >= *replicas),
            Predicate::ServiceHasEndpoints { namespace, name } => {
                cluster.endpoints().get(&key(namespace, name)).is_some_and(|e| !e.ready.is_empty())
            }
            Predicate::EntrypointHealthy { name, min_success } => cluster
                .traffic()
                .results
                .iter()
                .find(|r| &r.name == name)
                .is_some_and(|r| r.success >= min_success.unwrap_or(0.99)),
            Predicate::AllEntrypointsHealthy => cluster.traffic().results.iter().all(|r| r.success >= 0.99),
            Predicate::ContainerImage { namespace, deployment, container, image } => cluster
                .deployments()
                .get(&key(namespace, deployment))
                .and_then(|d| d.template.spec.containers.iter().find(|c| &c.name == container))
                .is_some_and(|c| &c.image == image),
            Predicate::MemoryLimitFits { namespace, deployment, container } => {
                memory_fits(cluster, namespace, deployment, container)
            }
            Predicate::MemoryLimitAtLeast { namespace, deployment, container, memory } => cluster
                .deployments()
                .get(&key(namespace, deployment))
                .and_then(|d| d.template.spec.containers.iter().find(|c| &c.name == container))
                .is_some_and(|c| c.resources.limits.memory.is_none_or(|m| m >= *memory)),
            Predicate::NoRecentRestarts { namespace, selector, minutes } => {
                let sel = Selector::from_labels(selector);
                let since = cluster.now - i64::from(*minutes) * 60;
                cluster
                    .pods()
                    .values()
                    .filter(|p| &p.meta.namespace == namespace && p.is_active() && sel.matches(&p.meta.labels))
                    .all(|p| {
                        p.status.containers.iter().all(|c| match (&c.state, &c.last_state) {
                            (ContainerState::Running { started_at }, Some(_)) => *started_at < since,
                            (ContainerState::Running { .. }, None) => true,
                            _ => false,
                        })
                    })
            }
            Predicate::ObjectExists { kind, namespace, name } => exists(cluster, *kind, namespace, name),
            Predicate::ObjectAbsent { kind, namespace, name } => !exists(cluster, *kind, namespace, name),
            Predicate::NodeReady { name } => cluster.nodes().get(name).is_some_and(super::objects::Node::is_ready),
            Predicate::NodeSchedulable { name } => cluster.nodes().get(name).is_some_and(|n| !n.unschedulable),
            Predicate::NodeDrained { name } => !cluster.pods().values().any(|p| {
                p.status.node.as_deref() == Some(name)
                    && p.is_active()
                    && p.meta.namespace != "kube-system"
                    && p.meta.owner.as_ref().is_none_or(|o| o.kind != super::objects::OwnerKind::DaemonSet)
            }),
            Predicate::NodeVersion { name, version } => {
                cluster.nodes().get(name).is_some_and(|n| n.kubelet_version == *version)
            }
            Predicate::NoDiskPressure { name } => cluster
                .nodes()
                .get(name)
                .is_some_and(|n| n.condition("DiskPressure").is_some_and(|c| c.status == "False")),
            Predicate::PvcBound { namespace, name } => {
                cluster.pvcs().get(&key(namespace, name)).is_some_and(|c| c.phase == PvcPhase::Bound)
            }
            Predicate::NoDataLost => cluster.data_lost.is_empty(),
            Predicate::HpaMaxAtLeast { namespace, name, replicas } => {
                cluster.hpas().get(&key(namespace, name)).is_some_and(|h| h.max_replicas >= *replicas)
            }
            Predicate::HpaHasMetrics { namespace, name } => {
                cluster.hpas().get(&key(namespace, name)).is_some_and(|h| h.status.current_cpu_percent.is_some())
            }
            Predicate::Allowed { user, verb, resource, namespace } => {
                super::rbac::allowed(cluster, user, verb, resource, namespace)
            }
            Predicate::BudgetRemaining { at_least } => cluster.traffic().budget_remaining() >= *at_least,
            Predicate::All(ps) => ps.iter().all(|p| p.holds(cluster)),
            Predicate::Any(ps) => ps.iter().any(|p| p.holds(cluster)),
            Predicate::Not(p) => !p.holds(cluster),
        }
    }

    /// A short human description, for `/status` and the debrief.
    pub fn describe(&self) -> String {
        match self {
            Predicate::DeploymentHealthy { namespace, name } => {
                format!("deployment {namespace}/{name} fully rolled out and available")
            }
            Predicate::DeploymentReplicasAtLeast { namespace, name, replicas } => {
                format!("deployment {namespace}/{name} has at least {replicas} available replicas")
            }
            Predicate::ServiceHasEndpoints { namespace, name } => {
                format!("service {namespace}/{name} has ready endpoints")
            }
            Predicate::EntrypointHealthy { name, min_success } => {
                format!("{name} serves at least {:.1}% of requests", min_success.unwrap_or(0.99) * 100.0)
            }
            Predicate::AllEntrypointsHealthy => "every user-facing endpoint serves at least 99% of requests".to_owned(),
            Predicate::ContainerImage { namespace, deployment, container, image } => {
                format!("deployment {namespace}/{deployment} container {container} runs {image}")
            }
            Predicate::MemoryLimitFits { namespace, deployment, container } => format!(
                "deployment {namespace}/{deployment} container {container} has a memory limit that fits its use"
            ),
            Predicate::MemoryLimitAtLeast { namespace, deployment, container, memory } => {
                format!("deployment {namespace}/{deployment} container {container} memory limit at least {memory}")
            }
            Predicate::NoRecentRestarts { namespace, minutes, .. } => {
                format!("no restarts in {namespace} in the last {minutes} minutes")
            }
            Predicate::ObjectExists { kind, namespace, name } => {
                format!("{} {} exists", kind.singular(), qualified(namespace, name))
            }
            Predicate::ObjectAbsent { kind, namespace, name } => {
                format!("{} {} is gone", kind.singular(), qualified(namespace, name))
            }
            Predicate::NodeReady { name } => format!("node {name} is Ready"),
            Predicate::NodeSchedulable { name } => format!("node {name} is schedulable"),
            Predicate::NodeDrained { name } => format!("node {name} is drained"),
            Predicate::NoDiskPressure { name } => format!("node {name} has no disk pressure"),
            Predicate::NodeVersion { name, version } => format!("node {name} runs kubelet {version}"),
            Predicate::PvcBound { namespace, name } => format!("claim {namespace}/{name} is bound"),
            Predicate::NoDataLost => "no data was lost".to_owned(),
            Predicate::HpaMaxAtLeast { namespace, name, replicas } => {
                format!("autoscaler {namespace}/{name} may scale to at least {replicas}")
            }
            Predicate::HpaHasMetrics { namespace, name } => format!("autoscaler {namespace}/{name} has CPU metrics"),
            Predicate::Allowed { user, verb, resource, namespace } => {
                format!("{user} may {verb} {resource} in {namespace}")
            }
            Predicate::BudgetRemaining { at_least } => {
                format!("at least {:.0}% of the error budget left", at_least * 100.0)
            }
            Predicate::All(ps) => ps.iter().map(Predicate::describe).collect::<Vec<_>>().join(" and "),
            Predicate::Any(ps) => {
                format!("any of: {}", ps.iter().map(Predicate::describe).collect::<Vec<_>>().join("; "))
            }
            Predicate::Not(p) => format!("not ({})", p.describe()),
        }
    }

    /// The objects a predicate names, for validation: (kind, namespace, name).
    pub fn references(&self) -> Vec<(Kind, String, String)> {
        match self {
            Predicate::DeploymentHealthy { namespace, name }
            | Predicate::DeploymentReplicasAtLeast { namespace, name, .. } => {
                vec![(Kind::Deployment, namespace.clone(), name.clone())]
            }
            Predicate::ContainerImage { namespace, deployment, .. }
            | Predicate::MemoryLimitFits { namespace, deployment, .. }
            | Predicate::MemoryLimitAtLeast { namespace, deployment, .. } => {
                vec![(Kind::Deployment, namespace.clone(), deployment.clone())]
            }
            Predicate::ServiceHasEndpoints { namespace, name } => {
                vec![(Kind::Service, namespace.clone(), name.clone())]
            }
            Predicate::NodeReady { name }
            | Predicate::NodeSchedulable { name }
            | Predicate::NodeDrained { name }
            | Predicate::NodeVersion { name, .. }
            | Predicate::NoDiskPressure { name } => {
                vec![(Kind::Node, String::new(), name.clone())]
            }
            Predicate::PvcBound { namespace, name } => vec![(Kind::Pvc, namespace.clone(), name.clone())],
            Predicate::HpaMaxAtLeast { namespace, name, .. } | Predicate::HpaHasMetrics { namespace, name } => {
                vec![(Kind::Hpa, namespace.clone(), name.clone())]
            }
            Predicate::All(ps) | Predicate::Any(ps) => ps.iter().flat_map(Predicate::references).collect(),
            Predicate::Not(p) => p.references(),
            _ => Vec::new(),
        }
    }

    /// The entrypoints a predicate names, for validation.
    pub fn entrypoints(&self) -> Vec<String> {
        match self {
            Predicate::EntrypointHealthy { name, .. } => vec![name.clone()],
            Predicate::All(ps) | Predicate::Any(ps) => ps.iter().flat_map(Predicate::entrypoints).collect(),
            Predicate::Not(p) => p.entrypoints(),
            _ => Vec::new(),
        }
    }
}

/// `namespace/name`, or just `name` for cluster-scoped objects.
fn qualified(namespace: &str, name: &str) -> String {
    if namespace.is_empty() { name.to_owned() } else { format!("{namespace}/{name}") }
}

fn deployment_healthy(cluster: &Cluster, namespace: &str, name: &str) -> bool {
    let Some(d) = cluster.deployments().get(&key(namespace, name)) else { return false };
    d.replicas > 0
        && d.status.updated == d.replicas
        && d.status.available == d.replicas
        && d.status.replicas == d.replicas
}

/// The app's working set under its current load fits the limit with some headroom.
fn memory_fits(cluster: &Cluster, namespace: &str, deployment: &str, container: &str) -> bool {
    let Some(d) = cluster.deployments().get(&key(namespace, deployment)) else { return false };
    let Some(c) = d.template.spec.containers.iter().find(|c| c.name == container) else { return false };
    let Some(limit) = c.resources.limits.memory else { return true };
    let Some(app) = cluster.app_for_image(&c.image) else { return false };
    let selector = Selector::from_labels(&d.selector);
    let peak_rps = cluster
        .pods()
        .values()
        .filter(|p| p.meta.namespace == namespace && selector.matches(&p.meta.labels))
        .map(|p| cluster.traffic().pod_rps(namespace, &p.meta.name))
        .fold(0.0, f64::max)
        .max(expected_pod_rps(cluster, d));
    let _ = container_usage;
    let need = app.memory.0 as f64 + app.memory_per_rps * peak_rps;
    limit.0 as f64 >= need * 1.1
}

/// The user traffic each replica would serve with every replica ready: what ingress routes to
/// services selecting the deployment's pods, spread over its replicas. Pods that are down
/// (OOM-killed, crash-looping) serve nothing, so their observed load alone would say "fits".
fn expected_pod_rps(cluster: &Cluster, d: &super::objects::Deployment) -> f64 {
    let mut total = 0.0;
    for ep in cluster.entrypoints() {
        let Some((_, host, _, path)) = super::network::parse_url(&ep.url) else { continue };
        let Some((ns, (service, _))) = super::network::route(cluster, &host, &path) else { continue };
        let selects = ns == d.meta.namespace
            && cluster.services().get(&key(&ns, &service)).is_some_and(|s| {
                !s.selector.is_empty() && Selector::from_labels(&s.selector).matches(&d.template.labels)
            });
        if selects {
            total += cluster.traffic().results.iter().find(|r| r.name == ep.name).map_or(ep.rps, |r| r.rps);
        }
    }
    total / f64::from(d.replicas.max(1))
}

fn exists(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> bool {
    let k = key(namespace, name);
    match kind {
        Kind::Pod => cluster.pods().get(&k).is_some_and(|p| p.status.terminating_until.is_none()),
        Kind::Deployment => cluster.deployments().contains_key(&k),
        Kind::ReplicaSet => cluster.replicasets().contains_key(&k),
        Kind::Service => cluster.services().contains_key(&k),
        Kind::Endpoints => cluster.endpoints().contains_key(&k),
        Kind::Node => cluster.nodes().contains_key(name),
        Kind::Namespace => cluster.namespaces().contains_key(name),
        Kind::ConfigMap => cluster.configmaps().contains_key(&k),
        Kind::Secret => cluster.secrets().contains_key(&k),
        Kind::Pvc => cluster.pvcs().contains_key(&k),
        Kind::Pv => cluster.pvs().contains_key(name),
        Kind::StorageClass => cluster.storageclasses().contains_key(name),
        Kind::IngressClass => cluster.ingressclasses().contains_key(name),
        Kind::PriorityClass => cluster.priorityclasses().contains_key(name),
        Kind::CustomResourceDefinition => cluster.crds().contains_key(name),
        Kind::Ingress => cluster.ingresses().contains_key(&k),
        Kind::NetworkPolicy => cluster.netpols().contains_key(&k),
        Kind::Hpa => cluster.hpas().contains_key(&k),
        Kind::ResourceQuota => cluster.quotas().contains_key(&k),
        Kind::LimitRange => cluster.limitranges().contains_key(&k),
        Kind::Pdb => cluster.pdbs().contains_key(&k),
        Kind::DaemonSet => cluster.daemonsets().contains_key(&k),
        Kind::StatefulSet => cluster.statefulsets().contains_key(&k),
        Kind::Job => cluster.jobs().contains_key(&k),
        Kind::CronJob => cluster.cronjobs().contains_key(&k),
        Kind::ServiceAccount => cluster.serviceaccounts().contains_key(&k),
        Kind::Role | Kind::RoleBinding => {
            if kind == Kind::Role {
                cluster.roles().contains_key(&k)
            } else {
                cluster.rolebindings().contains_key(&k)
            }
        }
        Kind::ClusterRole => cluster.roles().contains_key(&key("", name)),
        Kind::ClusterRoleBinding => cluster.rolebindings().contains_key(&key("", name)),
        Kind::ValidatingWebhook | Kind::MutatingWebhook => cluster.webhooks().contains_key(name),
        Kind::EndpointSlice => crate::sim::endpoint_slice::find(cluster, namespace, name).is_some(),
        Kind::Event => cluster.events.iter().any(|e| e.namespace == namespace && e.name == name),
    }
}

/// Whether an object exists, for validation and tests.
pub fn object_exists(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> bool {
    exists(cluster, kind, namespace, name)
}
