//! Building the incident's cluster from a scenario: the healthy baseline, settled as if it had
//! been running for days, then each fault applied at its moment by its author, then time run
//! forward to the moment the incident is noticed.

use crate::sim::change::{Change, Object};
use crate::sim::cluster::Cluster;
use crate::sim::objects::ContainerState;

use super::effect::{Effect, apply_and_compare};
use super::format::Scenario;
use super::system;

/// Seconds the baseline runs before the first fault, to reach its steady state.
const SETTLE_SECONDS: i64 = 180;
/// How old the baseline's objects look at the start of the incident, unless they say otherwise.
const BASELINE_AGE: i64 = 30 * 24 * 3600;
/// How old the baseline's pods look at the start of the incident.
const BASELINE_POD_AGE: i64 = 2 * 24 * 3600;

/// Why a scenario's cluster could not be built: a field path and the API's refusal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct BuildError {
    pub path: String,
    pub message: String,
}

fn creation_rank(o: &Object) -> u8 {
    match o {
        Object::Namespace(_) => 0,
        Object::Node(_)
        | Object::StorageClass(_)
        | Object::Pv(_)
        | Object::IngressClass(_)
        | Object::PriorityClass(_)
        | Object::CustomResourceDefinition(_) => 1,
        Object::ConfigMap(_)
        | Object::Secret(_)
        | Object::ServiceAccount(_)
        | Object::Role(_)
        | Object::RoleBinding(_) => 2,
        Object::Service(_) | Object::Pvc(_) | Object::ResourceQuota(_) | Object::LimitRange(_) => 3,
        _ => 4,
    }
}

/// Builds the cluster as it stands when the incident begins (incident time 0).
pub fn build_cluster(scenario: &Scenario, seed: u64) -> Result<Cluster, BuildError> {
    build(scenario, seed, None)
}

/// What validation needs besides the incident's cluster: the settled baseline, before any fault,
/// and which faults the API accepted but that changed nothing.
pub(super) struct Inspection {
    pub baseline: Cluster,
    pub incident: Cluster,
    /// Indexes into `faults` of the faults that left their object as it was.
    pub unchanged_faults: Vec<usize>,
}

/// Builds the incident's cluster as [`build_cluster`] does, keeping what validation checks.
pub(super) fn inspect(scenario: &Scenario, seed: u64) -> Result<Inspection, BuildError> {
    let mut seen = Seen { baseline: None, unchanged_faults: Vec::new() };
    let incident = build(scenario, seed, Some(&mut seen))?;
    let baseline = seen.baseline.unwrap_or_else(|| incident.clone());
    Ok(Inspection { baseline, incident, unchanged_faults: seen.unchanged_faults })
}

/// What a build observed, when asked to.
struct Seen {
    baseline: Option<Cluster>,
    unchanged_faults: Vec<usize>,
}

fn build(scenario: &Scenario, seed: u64, mut seen: Option<&mut Seen>) -> Result<Cluster, BuildError> {
    let mut cluster = Cluster::new(seed);
    cluster.salt_names(&scenario.id);
    let base = &scenario.cluster;
    *cluster.registry_mut() = base.registry.clone();
    *cluster.apps_mut() = base.apps.clone();
    cluster.entrypoints_mut().clone_from(&base.entrypoints);
    let mut objects: Vec<(String, Object)> = Vec::new();
    if base.system {
        cluster.registry_mut().images.extend(system::images());
        for (name, app) in system::apps() {
            cluster.apps_mut().entry(name).or_insert(app);
        }
        let declared: Vec<String> = base
            .objects
            .iter()
            .filter_map(|o| if let Object::Namespace(n) = o { Some(n.meta.name.clone()) } else { None })
            .collect();
        for o in system::objects() {
            if matches!(&o, Object::Namespace(n) if declared.contains(&n.meta.name)) {
                continue;
            }
            objects.push(("<system>".to_owned(), o));
        }
    }
    if let Some(autoscaler) = &base.cluster_autoscaler {
        add_cluster_autoscaler(&mut cluster, base.system, autoscaler, &mut objects)?;
    }
    let control_plane = if base.system { control_plane_node(scenario, &mut objects) } else { None };
    objects.extend(base.objects.iter().enumerate().map(|(i, o)| (format!("cluster.objects[{i}]"), o.clone())));
    // The control-plane node kubeadm adds joins after the scenario's own nodes, so theirs keep
    // the addresses they always had.
    objects.sort_by_key(|(path, o)| (creation_rank(o), path == CONTROL_PLANE_PATH));
    let first_fault = scenario.faults.iter().map(|f| i64::from(f.at_minute) * 60).min().unwrap_or(0).min(0);
    let start = first_fault - SETTLE_SECONDS;
    cluster.now = start;
    cluster.baseline_age = Some(BASELINE_AGE);
    let mut declared_classes = objects.clone();
    declared_classes.retain(|(_, o)| matches!(o, Object::IngressClass(_) | Object::PriorityClass(_)));
    for (path, object) in declared_classes {
        cluster
            .apply(Change::Create(object), "scenario")
            .map_err(|e| BuildError { path: path.clone(), message: e.to_string() })?;
    }
    objects.retain(|(_, o)| !matches!(o, Object::IngressClass(_) | Object::PriorityClass(_)));
    system::classes::install(&mut cluster, base.system, -BASELINE_AGE);
    for (path, object) in objects {
        let is_namespace = matches!(object, Object::Namespace(_));
        let ns_name = object.meta().name.clone();
        cluster
            .apply(Change::Create(object), "scenario")
            .map_err(|e| BuildError { path: path.clone(), message: e.to_string() })?;
        if is_namespace {
            ensure_default_account(&mut cluster, &ns_name);
        }
    }
    if let Some(node) = &control_plane {
        system::control_plane::install(&mut cluster, node);
        for n in cluster.nodes_mut().values_mut() {
            crate::sim::cni::install(n);
        }
        cluster.fill_namespaces();
    }
    cluster.baseline_age = None;
    cluster.advance_seconds(SETTLE_SECONDS);
    if let Some(seen) = seen.as_deref_mut() {
        // Before the events are cleared: they say why a pod is pending or not ready.
        seen.baseline = Some(cluster.clone());
    }
    backdate(&mut cluster, start);
    cluster.events.clear();
    cluster.audit.clear();
    let total_rps: f64 = cluster.entrypoints().iter().map(|e| e.rps).sum();
    let allowed =
        (1.0 - scenario.slo.objective / 100.0).max(0.0) * total_rps * f64::from(scenario.slo.window_days) * 86_400.0;
    cluster.set_error_budget(allowed, allowed * (1.0 - scenario.slo.budget_left.clamp(0.0, 1.0)));
    let mut faults: Vec<(usize, &super::format::Fault)> = scenario.faults.iter().enumerate().collect();
    faults.sort_by_key(|(_, f)| f.at_minute);
    for (i, fault) in faults {
        let at = i64::from(fault.at_minute) * 60;
        if at > cluster.now {
            cluster.advance_seconds(at - cluster.now);
        }
        if let (Some(cause), Some((ns, name))) = (&fault.change_cause, deployment_of(&fault.change))
            && let Some(d) = cluster.deployments_mut().get_mut(&(ns, name))
        {
            d.meta.annotations.insert("kubernetes.io/change-cause".to_owned(), cause.clone());
        }
        match apply_and_compare(&mut cluster, &fault.change, &fault.by) {
            Effect::Refused(e) => {
                return Err(BuildError { path: format!("faults[{i}].change"), message: e.to_string() });
            }
            Effect::Unchanged => {
                if let Some(seen) = seen.as_deref_mut() {
                    seen.unchanged_faults.push(i);
                }
            }
            Effect::Changed => {}
        }
    }
    if cluster.now < 0 {
        cluster.advance_seconds(-cluster.now);
    }
    cluster.now = 0;
    // The settling above grew these well past what is left in them; a server holds many clusters.
    cluster.events.shrink_to_fit();
    cluster.audit.shrink_to_fit();
    Ok(cluster)
}

const CONTROL_PLANE_PATH: &str = "<system: control plane>";

/// The cluster autoscaler's objects, its image and app, and the cloud's node groups.
fn add_cluster_autoscaler(
    cluster: &mut Cluster,
    system: bool,
    spec: &super::format::ClusterAutoscaler,
    objects: &mut Vec<(String, Object)>,
) -> Result<(), BuildError> {
    let path = "cluster.cluster_autoscaler";
    if !system {
        return Err(BuildError {
            path: path.to_owned(),
            message: "needs `system: true`: it runs in kube-system".to_owned(),
        });
    }
    for (i, g) in spec.node_groups.iter().enumerate() {
        if g.min_size > g.max_size {
            return Err(BuildError {
                path: format!("{path}.node_groups[{i}]"),
                message: format!("min_size {} is above max_size {}", g.min_size, g.max_size),
            });
        }
        if g.name.is_empty() || !g.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(BuildError {
                path: format!("{path}.node_groups[{i}].name"),
                message: format!("{:?} is not a valid node group name (lowercase letters, digits, dashes)", g.name),
            });
        }
    }
    cluster.registry_mut().images.push(system::cluster_autoscaler::image());
    let (name, app) = system::cluster_autoscaler::app();
    cluster.apps_mut().entry(name).or_insert(app);
    *cluster.cloud_mut() = system::cluster_autoscaler::cloud(spec);
    objects.extend(
        system::cluster_autoscaler::objects(spec).into_iter().map(|o| ("<system: cluster autoscaler>".to_owned(), o)),
    );
    Ok(())
}

/// The node the control plane runs on: the scenario's own control-plane node if it declares one,
/// else the one kubeadm would have set up, added to the objects to create.
fn control_plane_node(scenario: &Scenario, objects: &mut Vec<(String, Object)>) -> Option<String> {
    let declared = scenario.cluster.objects.iter().find_map(|o| match o {
        Object::Node(n) if n.meta.labels.contains_key(crate::sim::control_plane::CONTROL_PLANE_ROLE) => {
            Some(n.meta.name.clone())
        }
        _ => None,
    });
    if declared.is_some() {
        return declared;
    }
    let node = system::control_plane::node();
    let name = node.meta.name.clone();
    if scenario.cluster.objects.iter().any(|o| matches!(o, Object::Node(n) if n.meta.name == name)) {
        return None;
    }
    objects.push((CONTROL_PLANE_PATH.to_owned(), Object::Node(node)));
    Some(name)
}

fn ensure_default_account(cluster: &mut Cluster, namespace: &str) {
    let sa = crate::sim::objects::ServiceAccount {
        meta: crate::sim::objects::Meta::new("default", namespace),
        image_pull_secrets: Vec::new(),
    };
    if !cluster.serviceaccounts().contains_key(&(namespace.to_owned(), "default".to_owned())) {
        let _ = cluster.apply(Change::Create(Object::ServiceAccount(sa)), "scenario");
    }
}

fn deployment_of(change: &Change) -> Option<(String, String)> {
    let (namespace, deployment) = match change {
        Change::RolloutUndo { namespace, deployment, .. } => (namespace.as_str(), deployment.as_str()),
        _ => change.edited_template()?,
    };
    Some((namespace.to_owned(), deployment.to_owned()))
}

/// Makes what the settling run created look as old as a cluster that has been up for days.
fn backdate(cluster: &mut Cluster, start: i64) {
    let shift = |t: i64| if t >= start { t - BASELINE_POD_AGE } else { t };
    // A job's pods keep their times: the cron job that made it runs on the incident clock.
    let batch = |pod: &crate::sim::objects::Pod| {
        pod.meta.owner.as_ref().is_some_and(|o| o.kind == crate::sim::objects::OwnerKind::Job)
    };
    for pod in cluster.pods_mut().values_mut().filter(|p| !batch(p)) {
        pod.meta.created = shift(pod.meta.created);
        pod.status.started_at = pod.status.started_at.map(shift);
        pod.status.scheduled_at = pod.status.scheduled_at.map(shift);
        for c in pod.status.containers.iter_mut().chain(pod.status.init_statuses.iter_mut()) {
            if let ContainerState::Running { started_at } = &mut c.state {
                *started_at = shift(*started_at);
            }
            if let ContainerState::Terminated { started_at, finished_at, .. } = &mut c.state {
                *started_at = shift(*started_at);
                *finished_at = shift(*finished_at);
            }
            c.log.clear();
        }
    }
    for rs in cluster.replicasets_mut().values_mut() {
        rs.meta.created = shift(rs.meta.created);
    }
    for pv in cluster.pvs_mut().values_mut() {
        pv.meta.created = shift(pv.meta.created);
    }
    for ep in cluster.endpoints_mut().values_mut() {
        ep.meta.created = shift(ep.meta.created);
    }
    // Re-log the start-up lines so current logs read as a healthy process's.
    let now = cluster.now;
    let mut relog = Vec::new();
    for (k, pod) in cluster.pods() {
        for (i, c) in pod.status.containers.iter().enumerate() {
            if let ContainerState::Running { started_at } = c.state
                && let Some(app) = cluster.app_for_image(&c.image)
            {
                let mut lines: Vec<String> = app
                    .start_logs
                    .iter()
                    .map(|l| format!("{} {l}", crate::sim::cluster::timestamp(started_at)))
                    .collect();
                if let Some(serve) = &app.serve_log {
                    lines.push(format!("{} {serve}", crate::sim::cluster::timestamp(now - 60)));
                }
                relog.push((k.clone(), i, lines));
            }
        }
    }
    for (k, i, lines) in relog {
        if let Some(c) = cluster.pods_mut().get_mut(&k).and_then(|p| p.status.containers.get_mut(i)) {
            c.log = lines;
        }
    }
}
