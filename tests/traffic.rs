//! Traffic that behaves: load that rises before the incident and follows the day, overload that
//! cascades from a backend to its callers, CPU contention on a node, and failures that take as
//! long as their cause does. Each fixture is validated, not won at start, won by its reference
//! solution, and its symptoms are read from the console.

mod common;

use common::{assert_proven, assert_wins, expect, ok, run, session};
use kombat::game::World;

const FIXTURES: &[&str] = &["traffic/db-bottleneck.ron", "traffic/noisy-neighbour.ron"];

#[test]
fn every_traffic_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

fn storefront(s: &World) -> (f64, u32, Option<String>) {
    let r = &s.cluster.traffic().results[0];
    (r.success, r.latency_ms, r.failure.clone())
}

/// The CPU (millicores) `kubectl top pods` shows for the first pod whose name starts with `prefix`.
fn top_cpu(out: &str, prefix: &str) -> u64 {
    out.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.trim_end_matches('m').parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} row in:\n{out}"))
}

#[test]
fn a_database_at_capacity_fails_the_storefront_whose_own_pods_are_idle() {
    let mut s = session("traffic/db-bottleneck.ron");
    // The load rose before the incident: at minute 0 the pods already serve 40 rps.
    assert_eq!(s.cluster.traffic().factors, vec![2.0]);
    let (success, latency, failure) = storefront(&s);
    // One db pod serves 30 of the 40 queries a second; the rest wait out web's 5 s timeout.
    assert!((success - 0.75).abs() < 0.01, "{success}");
    assert_eq!(failure.as_deref(), Some("500 Internal Server Error"));
    assert!(latency > 1_000, "{latency}");
    let top = ok(&mut s, "kubectl top pods -n shop");
    assert!(top_cpu(&top, "db-") > 800, "the database is the busy one:\n{top}");
    assert!(top_cpu(&top, "web-") < 100, "the storefront is not:\n{top}");
    let logs = expect(
        &mut s,
        "kubectl logs deployment/web -n shop --tail=3",
        &["ERROR request failed: read tcp 10.", ":5432: i/o timeout"],
    );
    assert!(!logs.contains("connection refused"), "{logs}");
    // Scaling the storefront does not help: every request still needs the database.
    ok(&mut s, "kubectl scale deployment/web --replicas=4 -n shop");
    common::wait(&mut s, 1);
    assert!(storefront(&s).0 < 0.8, "{:?}", storefront(&s));
    ok(&mut s, "kubectl scale deployment/db --replicas=3 -n shop");
    common::wait(&mut s, 1);
    assert_eq!(storefront(&s), (1.0, 40, None));
    assert_wins(&mut s);
}

#[test]
fn a_neighbour_without_cpu_limits_starves_the_storefront_on_its_node() {
    let mut s = session("traffic/noisy-neighbour.ron");
    let (success, latency, failure) = storefront(&s);
    assert!(success < 0.95, "{success}");
    assert!(latency > 1_000, "{latency}");
    assert_eq!(failure.as_deref(), Some("504 Gateway Time-out (overloaded)"));
    let nodes = ok(&mut s, "kubectl top nodes");
    let node_1 = nodes.lines().find(|l| l.starts_with("node-1")).unwrap_or_default();
    let percent: u32 = node_1.split_whitespace().nth(2).and_then(|p| p.trim_end_matches('%').parse().ok()).unwrap_or(0);
    assert!((97..=100).contains(&percent), "node-1 is at its limit:\n{nodes}");
    let top = ok(&mut s, "kubectl top pods -n shop --sort-by=cpu");
    assert!(top.lines().nth(1).is_some_and(|l| l.starts_with("reindex-")), "the job is on top:\n{top}");
    // It gets less than the 3 CPUs it wants: the node has 2.
    assert!(top_cpu(&top, "reindex-") < 2_000, "{top}");
    // Restarting the storefront changes nothing: the new pods share the same node.
    run(&mut s, "kubectl rollout restart deployment/web -n shop");
    common::wait(&mut s, 2);
    assert!(storefront(&s).0 < 0.95, "{:?}", storefront(&s));
    ok(&mut s, "kubectl delete job reindex -n shop");
    common::wait(&mut s, 1);
    assert_eq!(storefront(&s), (1.0, 40, None));
    let nodes = ok(&mut s, "kubectl top nodes");
    assert!(!nodes.contains(" 9") && !nodes.contains(" 100%"), "{nodes}");
    assert_wins(&mut s);
}

#[test]
fn a_daily_curve_with_a_25th_hour_is_refused_at_its_point() {
    let path = format!("{}/tests/fixtures/traffic/db-bottleneck.ron", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default().replace("(18, 1.0)", "(25, 1.0)");
    let scenario = kombat::scenario::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let problems = format!("{:?}", kombat::scenario::validate(&scenario));
    assert!(problems.contains("cluster.entrypoints[0].daily[2]") && problems.contains("hour 0–23"), "{problems}");
}
