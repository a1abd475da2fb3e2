//! CPU contention: a container wants its app's base CPU plus a share per request it serves; a CPU
//! limit caps what it gets (CFS throttling), and a node whose pods together want more than it
//! has gives each of them only a share. A pod that gets less CPU than it wants serves less and
//! slower — a noisy neighbour (a batch job without limits) slows everyone on its node.
//! One pass over the pods: O(pods).

use std::collections::BTreeMap;

use crate::sim::cluster::Cluster;
use crate::sim::objects::{ContainerState, Node, Pod, same_name};

use super::Load;

/// What the OS, kubelet and container runtime use of a node (what `top node` adds to its pods').
pub fn node_overhead_millicores(node: &Node) -> u64 {
    60 + node.cpu.0 / 100
}

/// Who gets less CPU than they want.
#[derive(Debug, Default, PartialEq)]
pub struct CpuShares {
    /// The fraction of their (limit-capped) demand the pods on an over-committed node get.
    pub nodes: BTreeMap<String, f64>,
    /// How fast a pod runs compared with uncontended (throttled by its limit and/or its node's
    /// share), for pods that run slower than they want.
    pub pods: BTreeMap<(String, String), f64>,
}

/// Works out the CPU each pod gets under its limits and its node's capacity, from the load each
/// pod serves.
pub fn shares(cluster: &Cluster, load: &Load) -> CpuShares {
    // Per pod: (its key, node, speed under limits alone), borrowed: most pods run at full speed,
    // and only those that do not are copied into the result.
    let mut pods: Vec<(&(String, String), &str, f64)> = Vec::new();
    let mut wanted_on: BTreeMap<&str, f64> = BTreeMap::new();
    for (key, pod) in cluster.pods() {
        let Some((node, wanted, granted)) = demand(cluster, key, pod, load) else { continue };
        *wanted_on.entry(node).or_default() += granted;
        pods.push((key, node, granted / wanted));
    }
    let mut out = CpuShares { nodes: over_committed(cluster, wanted_on), pods: BTreeMap::new() };
    for (pod, node, throttled) in pods {
        let speed = throttled * out.nodes.get(node).copied().unwrap_or(1.0);
        if speed < 1.0 {
            out.pods.insert(pod.clone(), speed);
        }
    }
    out
}

/// What a pod on a node wants of its CPU and what its limits grant it (millicores), from the load
/// it serves: `None` for a pod on no node, terminating, or wanting nothing.
fn demand<'a>(cluster: &Cluster, key: &(String, String), pod: &'a Pod, load: &Load) -> Option<(&'a str, f64, f64)> {
    let node = pod.status.node.as_deref()?;
    if pod.status.terminating_until.is_some() {
        return None;
    }
    let mut rps = None;
    let (mut wanted, mut granted) = (0.0, 0.0);
    for (spec, status) in pod.spec.containers.iter().zip(&pod.status.containers) {
        if !matches!(status.state, ContainerState::Running { .. }) {
            continue;
        }
        let Some(app) = cluster.app_for_image(&status.image) else { continue };
        // Pods are stored by (namespace, name), the key the load is kept by.
        let rps = *rps.get_or_insert_with(|| load.get(key).copied().unwrap_or(0.0));
        let want = app.cpu.0 as f64 + app.cpu_per_rps * rps;
        wanted += want;
        granted += spec.resources.limits.cpu.map_or(want, |l| want.min(l.0 as f64));
    }
    (wanted > 0.0).then_some((node, wanted, granted))
}

/// The share each over-committed node gives its pods, from what they want of it in total.
fn over_committed(cluster: &Cluster, wanted_on: BTreeMap<&str, f64>) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (name, wanted) in wanted_on {
        let Some(node) = cluster.nodes().get(name) else { continue };
        let capacity = node.cpu.0.saturating_sub(node_overhead_millicores(node)) as f64;
        if wanted > capacity {
            out.insert(name.to_owned(), (capacity / wanted).clamp(0.0, 1.0));
        }
    }
    out
}

/// The shares of `nodes` alone, as [`shares`] works them out (the same sums in the same order),
/// reading only the demand of pods on those nodes.
pub fn node_shares(cluster: &Cluster, load: &Load, nodes: &std::collections::BTreeSet<&str>) -> BTreeMap<String, f64> {
    let mut wanted_on: BTreeMap<&str, f64> = BTreeMap::new();
    // Usually one or two nodes: compared in a list, cheaper per pod than a search of the set.
    let nodes: Vec<&str> = nodes.iter().copied().collect();
    for (key, pod) in cluster.pods() {
        if !pod.status.node.as_deref().is_some_and(|n| nodes.iter().any(|m| same_name(m, n))) {
            continue;
        }
        if let Some((node, _, granted)) = demand(cluster, key, pod, load) {
            *wanted_on.entry(node).or_default() += granted;
        }
    }
    over_committed(cluster, wanted_on)
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the figures compared are computed exactly (copies, or short sums of the inputs)")]
mod tests {
    use super::*;
    use crate::sim::change::{Change, Object};
    use crate::sim::controllers::test_support::{apply, container, pod, pod_spec, pods, shop};
    use crate::sim::quantity::Millicores;

    fn batch(c: &mut Cluster, node: &str, limit: Option<u64>) {
        let app = crate::sim::apps::AppProfile { port: None, cpu: Millicores(6000), ..Default::default() };
        c.apps_mut().insert("crunch".to_owned(), app);
        c.registry_mut().images.push(crate::sim::apps::Image {
            repository: "crunch".to_owned(),
            tags: [("v1".to_owned(), "crunch".to_owned())].into(),
            private: false,
        });
        let mut crunch = container("crunch", "crunch:v1");
        crunch.resources.limits.cpu = limit.map(Millicores);
        let mut spec = pod_spec(vec![crunch]);
        spec.node_name = Some(node.to_owned());
        apply(c, Change::Create(Object::Pod(pod("shop", "crunch", spec))));
        c.advance_seconds(30);
    }

    #[test]
    fn a_greedy_neighbour_without_limits_starves_its_node_and_a_limit_frees_it() {
        let mut c = shop();
        let web = pods(&c, "shop", "web-")[0].clone();
        let node = web.status.node.clone().expect("scheduled");
        assert_eq!(shares(&c, &c.traffic().pod_load), CpuShares::default());
        batch(&mut c, &node, None);
        let starved = shares(&c, &c.traffic().pod_load);
        let share = starved.nodes.get(&node).copied().expect("the node is over-committed");
        assert!(share < 1.0);
        assert_eq!(starved.pods.get(&web.meta.key()).copied(), Some(share));
        let (namespace, name) = ("shop".to_owned(), "crunch".to_owned());
        apply(&mut c, Change::Delete { kind: crate::sim::kind::Kind::Pod, namespace, name, force: true });
        c.advance_seconds(60);
        batch(&mut c, &node, Some(500));
        let limited = shares(&c, &c.traffic().pod_load);
        assert!(!limited.nodes.contains_key(&node), "{limited:?}");
        // The job itself is throttled to its limit: 500m of the 6000m it wants.
        assert!(
            (limited.pods.get(&("shop".to_owned(), "crunch".to_owned())).copied().unwrap_or(1.0) - 500.0 / 6000.0)
                .abs()
                < 1e-9
        );
    }
}
