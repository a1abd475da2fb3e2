//! Benchmarks of the console paths issue 13 added, on the 1,000-pod bench cluster: a server-side
//! dry run of `kubectl apply -f -` and of `kubectl scale` (each works on a clone of the whole
//! cluster, so the clone is the cost to watch), and reading manifest text
//! (`sim::manifest::parse::documents`) for a realistic three-document manifest and for hostile
//! input at the 64 KiB limit, which must be refused quickly. Target: a console command stays well
//! under one frame (16 ms). Figures go in docs/performance.md.

// Measure with the allocator the binary ships with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kombat::scenario;
use kombat::sim::manifest::parse::{self, MAX_MANIFEST_BYTES};
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
    c
}

/// A deployment a responder might paste: two containers, probes, resources, env from a config
/// map, a volume.
const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels:
    app: checkout
    tier: backend
spec:
  replicas: 3
  selector:
    matchLabels:
      app: checkout
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: checkout
        tier: backend
    spec:
      containers:
      - name: checkout
        image: web:v1
        ports:
        - containerPort: 8080
        env:
        - name: MODE
          value: fast
        - name: FLAGS
          valueFrom:
            configMapKeyRef:
              name: checkout-config
              key: flags
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: 500m
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: 8080
          initialDelaySeconds: 5
          periodSeconds: 10
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
          initialDelaySeconds: 15
          periodSeconds: 20
        volumeMounts:
        - name: config
          mountPath: /etc/checkout
      - name: sidecar
        image: web:v1
        resources:
          requests:
            cpu: 10m
            memory: 16Mi
      volumes:
      - name: config
        configMap:
          name: checkout-config
";

/// The service in front of it.
const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: checkout
  namespace: shop
  labels:
    app: checkout
spec:
  type: ClusterIP
  selector:
    app: checkout
  ports:
  - name: http
    port: 80
    targetPort: 8080
    protocol: TCP
";

/// A config map with a configuration file of some length, making the manifest about 200 lines.
fn config_map() -> String {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout-config\n  namespace: shop\ndata:\n  flags: fast,cache\n  checkout.conf: |\n",
    );
    for i in 0..88 {
        let _ = write!(
            text,
            "    # upstream {i}
    upstream_{i} = http://svc-{}.shop.svc.cluster.local:80
",
            i % 20
        );
    }
    text
}

fn realistic_manifest() -> String {
    let text = format!("{DEPLOYMENT}---\n{SERVICE}---\n{}", config_map());
    let lines = text.lines().count();
    assert!((190..=290).contains(&lines), "the manifest has {lines} lines");
    text
}

/// An alias bomb (each level ten aliases of the one before) padded with comments to just under
/// the size limit: refused by the reader's alias budget, not by its size.
fn alias_bomb() -> String {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let prev = level - 1;
        let refs = vec![format!("*l{prev}"); 10].join(", ");
        let _ = writeln!(text, "l{level}: &l{level} [{refs}]");
    }
    let pad = "# padding padding padding padding padding padding padding padding padding\n";
    while text.len() + pad.len() < MAX_MANIFEST_BYTES {
        text.push_str(pad);
    }
    text
}

/// Nesting as deep as 64 KiB allows: refused by the reader's depth budget.
fn deep_nesting() -> String {
    "[".repeat(MAX_MANIFEST_BYTES)
}

fn heredoc(command: &str, body: &str) -> String {
    format!("{command} <<'EOF'\n{body}EOF")
}

fn benches(c: &mut Criterion) {
    let cluster = large_cluster();
    let apply = heredoc("kubectl apply --dry-run=server -f -", DEPLOYMENT);
    {
        let mut probe = cluster.clone();
        let out = kubectl::run(&mut probe, &apply);
        assert_eq!(out.output, "deployment.apps/checkout created (server dry run)");
        assert!(!probe.deployments().keys().any(|(_, name)| name == "checkout"));
    }
    c.bench_function("apply --dry-run=server -f - (deployment), 1000 pods", |b| {
        b.iter_batched_ref(|| cluster.clone(), |cl| kubectl::run(cl, &apply), BatchSize::LargeInput);
    });
    let scale = "kubectl scale deployment/svc-3 -n shop --replicas=60 --dry-run=server";
    {
        let mut probe = cluster.clone();
        let out = kubectl::run(&mut probe, scale);
        assert_eq!(out.output, "deployment.apps/svc-3 scaled (server dry run)");
    }
    c.bench_function("scale --dry-run=server, 1000 pods", |b| {
        b.iter_batched_ref(|| cluster.clone(), |cl| kubectl::run(cl, scale), BatchSize::LargeInput);
    });
    // What the dry run pays for: one clone of the whole cluster.
    c.bench_function("clone the 1000-pod cluster", |b| b.iter(|| cluster.clone()));

    let manifest = realistic_manifest();
    assert_eq!(parse::documents(&manifest).expect("parses").len(), 3);
    c.bench_function("manifest parse, 3 documents ~200 lines", |b| b.iter(|| parse::documents(&manifest)));
    let bomb = alias_bomb();
    assert!(bomb.len() <= MAX_MANIFEST_BYTES && parse::documents(&bomb).is_err());
    c.bench_function("manifest parse, 64 KiB alias bomb (refused)", |b| b.iter(|| parse::documents(&bomb)));
    let deep = deep_nesting();
    assert!(parse::documents(&deep).is_err());
    c.bench_function("manifest parse, 64 KiB of nesting (refused)", |b| b.iter(|| parse::documents(&deep)));
    let over = "a".repeat(MAX_MANIFEST_BYTES + 1);
    assert_eq!(parse::documents(&over), Err(parse::ParseError::TooLarge));
}

criterion_group!(console, benches);
criterion_main!(console);
