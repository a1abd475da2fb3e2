//! The daemon set controller: one pod on every node the template may run on (node selector,
//! taints against tolerations; a cordon does not stop it, as in a real cluster), bound to its
//! node directly, and a rolling update that replaces at most `maxUnavailable` pods at a time.

use std::collections::{BTreeMap, BTreeSet};

use super::revisions::{self, Owned};
use crate::sim::cluster::Cluster;
use crate::sim::objects::{
    DaemonSet, DaemonSetStrategy, Node, OwnerKind, PodTemplate, REVISION_HASH_LABEL, TaintEffect, Toleration,
};

pub fn step(cluster: &mut Cluster) {
    if cluster.daemonsets().is_empty() {
        return;
    }
    let mut owned = revisions::owned_pods(cluster, OwnerKind::DaemonSet);
    let keys: Vec<(String, String)> = cluster.daemonsets().keys().cloned().collect();
    for k in keys {
        let pods = owned.remove(&k).unwrap_or_default();
        reconcile(cluster, &k, &pods);
    }
}

/// The tolerations the daemon set controller adds to every pod it makes, so node trouble
/// and cordons do not keep or drive its pods away.
pub fn default_tolerations() -> Vec<Toleration> {
    let t =
        |key: &str, effect| Toleration { key: Some(key.to_owned()), value: None, effect: Some(effect), seconds: None };
    vec![
        t("node.kubernetes.io/not-ready", TaintEffect::NoExecute),
        t("node.kubernetes.io/unreachable", TaintEffect::NoExecute),
        t("node.kubernetes.io/disk-pressure", TaintEffect::NoSchedule),
        t("node.kubernetes.io/memory-pressure", TaintEffect::NoSchedule),
        t("node.kubernetes.io/pid-pressure", TaintEffect::NoSchedule),
        t("node.kubernetes.io/unschedulable", TaintEffect::NoSchedule),
    ]
}

/// Whether the daemon set's pods belong on `node`.
pub fn eligible(template: &PodTemplate, node: &Node) -> bool {
    let spec = &template.spec;
    let selected = spec.node_selector.iter().all(|(k, v)| node.meta.labels.get(k) == Some(v));
    let tolerated = node.taints.iter().filter(|t| t.effect != TaintEffect::PreferNoSchedule).all(|taint| {
        spec.tolerations.iter().chain(default_tolerations().iter()).any(|t| {
            t.key.as_ref().is_none_or(|k| k == &taint.key)
                && (t.value.is_none() || t.value == taint.value)
                && t.effect.is_none_or(|e| e == taint.effect)
        })
    });
    selected && tolerated
}

fn reconcile(cluster: &mut Cluster, k: &(String, String), pods: &[Owned]) {
    let Some(ds) = cluster.daemonsets_mut_status_only().get_mut(k) else { return };
    revisions::track(&mut ds.status, &ds.template);
    let ds: DaemonSet = ds.clone();
    let hash = ds.status.current_hash.clone();
    let (ns, name) = (k.0.as_str(), k.1.as_str());
    let nodes: BTreeSet<String> =
        cluster.nodes().values().filter(|n| eligible(&ds.template, n)).map(|n| n.meta.name.clone()).collect();
    let mut on_node: BTreeMap<&str, Vec<&Owned>> = BTreeMap::new();
    for p in pods {
        if let Some(n) = &p.node {
            on_node.entry(n.as_str()).or_default().push(p);
        }
    }
    let mut doomed: Vec<String> = Vec::new();
    // Finished pods and pods on nodes they no longer belong on go.
    for p in pods.iter().filter(|p| !p.terminating) {
        let misplaced = p.node.as_ref().is_none_or(|n| !nodes.contains(n));
        if misplaced || !p.active {
            doomed.push(p.name.clone());
        }
    }
    let live = |n: &str| on_node.get(n).into_iter().flatten().filter(|p| p.active).collect::<Vec<_>>();
    let busy = |n: &str| on_node.get(n).into_iter().flatten().any(|p| p.terminating);
    let missing: Vec<String> = nodes.iter().filter(|n| live(n).is_empty() && !busy(n)).cloned().collect();
    // A rolling update takes down old pods while few enough are unavailable.
    if let DaemonSetStrategy::RollingUpdate { max_unavailable } = &ds.update_strategy {
        let budget = super::deployment::parse_bound(max_unavailable, nodes.len() as u32, false).max(1) as usize;
        let unavailable = nodes.iter().filter(|n| !live(n).iter().any(|p| p.ready)).count();
        let mut old: Vec<(bool, &str)> =
            nodes.iter().flat_map(|n| live(n)).filter(|p| p.hash != hash).map(|p| (p.ready, p.name.as_str())).collect();
        old.sort_unstable();
        // Unready old pods cost nothing to replace; ready ones spend the budget.
        let mut room = budget.saturating_sub(unavailable);
        for (ready, pod) in old {
            if ready {
                if room == 0 {
                    continue;
                }
                room -= 1;
            }
            doomed.push(pod.to_owned());
        }
    }
    let mut template = ds.template.clone();
    template.labels.insert(REVISION_HASH_LABEL.to_owned(), hash.clone());
    template.labels.insert("pod-template-generation".to_owned(), ds.status.generation.to_string());
    for t in default_tolerations() {
        if !template.spec.tolerations.contains(&t) {
            template.spec.tolerations.push(t);
        }
    }
    for node in missing {
        // Named from the set, node and time rather than the cosmetic stream, so adding a daemon
        // set to a cluster does not rename every other pod in it.
        let pod_name = format!("{name}-{}", hashed_suffix(&format!("{ns}/{name}/{node}/{}", cluster.now)));
        let host_ip = cluster.nodes().get(&node).map(|n| n.internal_ip.clone());
        let now = cluster.now;
        let placed = revisions::create_pod(cluster, OwnerKind::DaemonSet, (ns, name), &pod_name, &template, |pod| {
            pod.status.node = Some(node.clone());
            pod.status.host_ip = host_ip;
            pod.status.scheduled_at = Some(now);
        });
        match placed {
            Ok(()) => {
                let created = format!("Created pod: {pod_name}");
                cluster.record(ns, "DaemonSet", name, false, "SuccessfulCreate", &created, "daemonset-controller");
                let assigned = format!("Successfully assigned {ns}/{pod_name} to {node}");
                cluster.record(ns, "Pod", &pod_name, false, "Scheduled", &assigned, "default-scheduler");
            }
            Err(e) => {
                let message = format!("Error creating: {}", e.reason_text());
                cluster.record(ns, "DaemonSet", name, true, "FailedCreate", &message, "daemonset-controller");
                break;
            }
        }
    }
    for pod in doomed {
        cluster.terminate_pod(ns, &pod);
        let deleted = format!("Deleted pod: {pod}");
        cluster.record(ns, "DaemonSet", name, false, "SuccessfulDelete", &deleted, "daemonset-controller");
    }
    update_status(cluster, k, &nodes);
}

/// Five name characters from `seed`, in the alphabet pod name suffixes use.
fn hashed_suffix(seed: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..5)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize];
            h /= ALPHABET.len() as u64;
            char::from(c)
        })
        .collect()
}

/// Counts what `kubectl get ds` shows, from the pods as they stand.
fn update_status(cluster: &mut Cluster, k: &(String, String), nodes: &BTreeSet<String>) {
    let Some(ds) = cluster.daemonsets().get(k) else { return };
    let hash = ds.status.current_hash.clone();
    let (mut current, mut ready, mut updated, mut misscheduled) = (0, 0, 0, 0);
    for p in cluster.pods().values().filter(|p| {
        p.meta.namespace == k.0
            && p.is_active()
            && p.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::DaemonSet && o.name == k.1)
    }) {
        let Some(node) = &p.status.node else { continue };
        if !nodes.contains(node) {
            misscheduled += 1;
            continue;
        }
        current += 1;
        if p.is_ready() {
            ready += 1;
        }
        if p.meta.labels.get(REVISION_HASH_LABEL) == Some(&hash) {
            updated += 1;
        }
    }
    if let Some(ds) = cluster.daemonsets_mut_status_only().get_mut(k) {
        let s = &mut ds.status;
        s.desired = nodes.len() as u32;
        s.current = current;
        s.ready = ready;
        s.updated = updated;
        s.available = ready;
        s.misscheduled = misscheduled;
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object, PatchType};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{apply, cluster_with, daemonset, messages, node, pods, web_app};
    use crate::sim::kind::Kind;
    use crate::sim::objects::{OwnerKind, Taint, TaintEffect};

    fn agent(nodes: usize) -> Cluster {
        let nodes = (1..=nodes).map(|i| node(&format!("node-{i}"))).collect();
        cluster_with(
            nodes,
            &[("agent:v1", web_app()), ("agent:v2", web_app())],
            vec![Object::DaemonSet(daemonset("default", "agent", "agent:v1"))],
        )
    }

    fn placement(c: &Cluster) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = pods(c, "default", "agent-")
            .iter()
            .filter(|p| p.is_active())
            .map(|p| (p.status.node.clone().unwrap_or_default(), p.spec.containers[0].image.clone()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn runs_one_pod_on_every_node_even_a_cordoned_one() {
        let mut c = agent(2);
        apply(&mut c, Change::Cordon { node: "node-2".into(), unschedulable: true });
        let mut tainted = node("gpu-1");
        tainted.taints.push(Taint { key: "gpu".into(), value: None, effect: TaintEffect::NoSchedule });
        apply(&mut c, Change::Create(Object::Node(tainted)));
        c.advance_seconds(60);
        let expected = vec![("node-1".into(), "agent:v1".into()), ("node-2".into(), "agent:v1".into())];
        assert_eq!(placement(&c), expected, "not on the node whose taint it does not tolerate");
        let ds = &c.daemonsets()[&("default".into(), "agent".into())];
        assert_eq!((ds.status.desired, ds.status.current, ds.status.ready, ds.status.updated), (2, 2, 2, 2));
        let created = messages(&c, "DaemonSet", "agent", "SuccessfulCreate");
        assert_eq!(created.len(), 2);
        assert!(
            pods(&c, "default", "agent-")
                .iter()
                .all(|p| p.meta.owner.as_ref().map(|o| o.kind) == Some(OwnerKind::DaemonSet))
        );
    }

    #[test]
    fn a_new_node_gets_its_pod_and_a_removed_one_loses_it() {
        let mut c = agent(1);
        c.advance_seconds(30);
        apply(&mut c, Change::Create(Object::Node(node("node-9"))));
        c.advance_seconds(30);
        assert_eq!(placement(&c).len(), 2);
        apply(
            &mut c,
            Change::Delete { kind: Kind::Node, namespace: String::new(), name: "node-9".into(), force: false },
        );
        c.advance_seconds(30);
        assert_eq!(placement(&c), vec![("node-1".into(), "agent:v1".into())]);
    }

    #[test]
    fn a_rolling_update_replaces_one_node_at_a_time() {
        let mut c = agent(3);
        c.advance_seconds(60);
        let patch = r#"{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"agent:v2"}]}}}}"#;
        apply(
            &mut c,
            Change::Patch {
                kind: Kind::DaemonSet,
                namespace: "default".into(),
                name: "agent".into(),
                patch_type: PatchType::Strategic,
                patch: patch.into(),
            },
        );
        let mut most_down = 0;
        for _ in 0..30 {
            c.step();
            let ready = pods(&c, "default", "agent-").iter().filter(|p| p.is_ready()).count();
            most_down = most_down.max(3 - ready.min(3));
        }
        assert_eq!(most_down, 1, "maxUnavailable 1: never more than one node without a ready pod");
        let placed = placement(&c);
        assert_eq!(placed.len(), 3);
        assert!(placed.iter().all(|(_, image)| image == "agent:v2"), "{placed:?}");
        let ds = &c.daemonsets()[&("default".into(), "agent".into())];
        assert_eq!(ds.status.revision(), 2);
        assert_eq!(ds.status.updated, 3);
    }

    #[test]
    fn deleting_the_daemon_set_deletes_its_pods() {
        let mut c = agent(2);
        c.advance_seconds(30);
        apply(
            &mut c,
            Change::Delete { kind: Kind::DaemonSet, namespace: "default".into(), name: "agent".into(), force: false },
        );
        c.advance_seconds(30);
        assert!(pods(&c, "default", "agent-").is_empty());
    }
}
