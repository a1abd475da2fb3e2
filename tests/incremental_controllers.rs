//! The controllers' narrow passes change nothing: a cluster stepped with them ends exactly where
//! the same cluster stepped with every controller's full pass does (`Cluster::set_full_passes`),
//! turn by turn, over every shipped scenario and the 1,000-pod bench cluster with its cron job,
//! with console changes made on the way (ARCHITECTURE.md, "Invariants", the change counter).

use kombat::scenario;
use kombat::sim::{Cluster, kubectl};
use rand::RngExt;

#[path = "../benches/support/large.rs"]
#[allow(dead_code, reason = "shared with the benches, which use more of it")]
mod large;

/// Everything a controller or the console can tell apart, as text.
fn state(c: &Cluster) -> Vec<(&'static str, String)> {
    let mut rng = c.rng.clone();
    let mut names = c.names.clone();
    vec![
        ("now", c.now.to_string()),
        ("world", c.world().to_string()),
        ("rng", format!("{} {}", rng.random::<u64>(), names.random::<u64>())),
        ("pods", format!("{:?}", pods_as_read(c))),
        ("deployments", format!("{:?}", c.deployments())),
        ("replicasets", format!("{:?}", c.replicasets())),
        ("daemonsets", format!("{:?}", c.daemonsets())),
        ("statefulsets", format!("{:?}", c.statefulsets())),
        ("jobs", format!("{:?}", c.jobs())),
        ("cronjobs", format!("{:?}", c.cronjobs())),
        ("endpoints", format!("{:?}", c.endpoints())),
        ("services", format!("{:?}", c.services())),
        ("pvcs", format!("{:?}", c.pvcs())),
        ("pvs", format!("{:?}", c.pvs())),
        ("nodes", format!("{:?}", c.nodes())),
        ("hpas", format!("{:?}", c.hpas())),
        ("configmaps", format!("{:?}", c.configmaps())),
        ("traffic", format!("{:?}", c.traffic())),
        ("events", format!("{:?}", c.events)),
    ]
}

/// The pods, each with the world its kubelet reads it as synced at: a pod whose verdict held
/// in the narrow passes keeps the `synced_world` it had (`Cluster::kubelet_synced_world`).
fn pods_as_read(c: &Cluster) -> Vec<kombat::sim::objects::Pod> {
    c.pods()
        .values()
        .map(|p| {
            let mut p = p.clone();
            p.status.synced_world = c.kubelet_synced_world(&p);
            p
        })
        .collect()
}

/// The first store that differs, with both versions' text around the first difference.
fn first_difference(narrow: &Cluster, full: &Cluster) -> Option<String> {
    state(narrow).into_iter().zip(state(full)).find(|((_, a), (_, b))| a != b).map(|((name, a), (_, b))| {
        let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(300);
        let window = |s: &str| s.get(from..(at + 300).min(s.len())).unwrap_or_default().to_owned();
        format!("{name} differs at byte {at}:\n narrow: …{}…\n full:   …{}…", window(&a), window(&b))
    })
}

/// Steps `cluster` both ways for `turns` two-minute turns, running `console` lines on both
/// before the turns they are keyed by, and compares them after every turn.
fn compare(label: &str, cluster: Cluster, turns: u32, console: &[(u32, &str)]) {
    let mut narrow = cluster.clone();
    let mut full = cluster;
    full.set_full_passes(true);
    for turn in 0..turns {
        for (_, line) in console.iter().filter(|(t, _)| *t == turn) {
            let a = kubectl::run(&mut narrow, line);
            let b = kubectl::run(&mut full, line);
            assert_eq!((a.ok, &a.output), (b.ok, &b.output), "{label}: `{line}` answered differently");
        }
        narrow.advance_seconds(120);
        full.advance_seconds(120);
        if let Some(diff) = first_difference(&narrow, &full) {
            panic!("{label}, after turn {turn}: {diff}");
        }
    }
}

#[test]
fn every_shipped_scenario_steps_the_same_with_narrow_passes() {
    for (id, text) in scenario::BUILTIN {
        let s = scenario::parse(id, text).expect("a shipped scenario parses");
        let cluster = scenario::build_cluster(&s, 7).expect("a shipped scenario builds");
        // Some churn on top of the incident: a pod deleted, a rollout, a scale.
        let deployment = cluster.deployments().keys().find(|(ns, _)| ns != "kube-system").cloned();
        let pod = cluster.pods().keys().find(|(ns, _)| ns != "kube-system").cloned();
        let mut lines = Vec::new();
        if let Some((ns, name)) = &pod {
            lines.push((3, format!("delete pod {name} -n {ns}")));
        }
        if let Some((ns, name)) = &deployment {
            lines.push((6, format!("rollout restart deployment/{name} -n {ns}")));
            lines.push((10, format!("scale deployment/{name} -n {ns} --replicas=4")));
        }
        let lines: Vec<(u32, &str)> = lines.iter().map(|(t, l)| (*t, l.as_str())).collect();
        compare(id, cluster, 20, &lines);
    }
}

#[test]
fn the_bench_cluster_with_its_cron_job_steps_the_same_with_narrow_passes() {
    let mut cluster = scenario::build_cluster(&large::large_scenario(), 1).expect("builds");
    cluster.advance_seconds(240);
    let lines = [
        (4, "delete pod -n shop -l app=svc-2"),
        (5, "rollout restart deployment/svc-3 -n shop"),
        (8, "scale deployment/svc-4 -n shop --replicas=10"),
    ];
    compare("bench cluster", cluster, 12, &lines);
}
