//! Benchmarks of the simulation core on a 1,000-pod cluster (with daemon sets, a stateful set,
//! jobs and a cron job besides the deployments): advancing one turn, `kubectl get
//! pods -A`, and parsing plus validating a scenario. Targets (release): advance ≤ 1 ms, a command
//! ≤ 1 ms, parse + validate ≤ 5 ms. Figures go in docs/performance.md.

// Measure with the allocator the binary ships with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kombat::scenario;
use kombat::sim::{Cluster, kubectl};

#[path = "support/large.rs"]
mod large;
use large::large_scenario;

/// The large cluster, run for a few turns so it is in its steady state.
fn large_cluster() -> Cluster {
    let mut c = scenario::build_cluster(&large_scenario(), 1).expect("builds");
    c.advance_seconds(240);
    let pods = c.pods().len();
    assert!(pods >= 1000, "the large cluster has {pods} pods");
    // The kinds a real cluster also runs are there and doing their work.
    for node in c.nodes().keys() {
        let on_node = |prefix: &str| {
            c.pods()
                .values()
                .any(|p| p.meta.name.starts_with(prefix) && p.status.node.as_deref() == Some(node.as_str()))
        };
        assert!(on_node("kube-proxy-") && on_node("log-agent-"), "a daemon set pod is missing on {node}");
    }
    let db_ready = c.pods().values().filter(|p| p.meta.name.starts_with("db-") && p.is_ready()).count();
    assert_eq!(db_ready, 3, "the stateful set is up");
    assert!(c.pvcs().len() >= 3, "each database pod has its claim");
    assert!(c.jobs().len() >= 2 && !c.cronjobs().is_empty(), "jobs and a cron job");
    c
}

fn benches(c: &mut Criterion) {
    let cluster = large_cluster();
    let turn_seconds = 120;
    c.bench_function("advance one turn, 1000 pods", |b| {
        b.iter_batched_ref(|| cluster.clone(), |cl| cl.advance_seconds(turn_seconds), BatchSize::LargeInput);
    });
    // The heavier case: a 50-pod rollout in progress changes the world at every step.
    let mut rolling = cluster.clone();
    let restart = kubectl::run(&mut rolling, "rollout restart deployment/svc-3 -n shop");
    assert!(restart.ok, "{}", restart.output);
    c.bench_function("advance one turn during a rollout, 1000 pods", |b| {
        b.iter_batched_ref(|| rolling.clone(), |cl| cl.advance_seconds(turn_seconds), BatchSize::LargeInput);
    });
    c.bench_function("get pods -A, 1000 pods", |b| {
        b.iter_batched_ref(|| cluster.clone(), |cl| kubectl::run(cl, "get pods -A"), BatchSize::LargeInput);
    });
    c.bench_function("describe deployment, 1000 pods", |b| {
        b.iter_batched_ref(
            || cluster.clone(),
            |cl| kubectl::run(cl, "describe deployment svc-3 -n shop"),
            BatchSize::LargeInput,
        );
    });
    let text = scenario::BUILTIN[0].1;
    c.bench_function("parse + validate the default scenario", |b| {
        b.iter(|| {
            let s = scenario::parse("first-deploy.ron", text).expect("parses");
            scenario::validate(&s)
        });
    });
    // Validation runs on every load: it builds each incident, checks its settled baseline and
    // tries the mishaps and injects on copies.
    c.bench_function("parse + validate every shipped scenario", |b| {
        b.iter(|| {
            scenario::BUILTIN
                .iter()
                .map(|(id, text)| scenario::validate(&scenario::parse(id, text).expect("parses")).len())
                .sum::<usize>()
        });
    });
}

criterion_group!(sim, benches);
criterion_main!(sim);
