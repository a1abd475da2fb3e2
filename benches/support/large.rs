//! The 1,000-pod cluster the benchmarks share: the default scenario grown to 20 deployments of 50
//! replicas on 10 large nodes, with what a real cluster of that size also runs: kube-proxy (a
//! daemon set, from the system components) and a log agent daemon set on every node, a stateful
//! database with a claim per replica from a `WaitForFirstConsumer` class, finished migration
//! jobs and a cron job making a job every five minutes, besides the control plane's static pods.

use kombat::scenario::{self, Scenario};
use kombat::sim::Object;

/// The default scenario grown to 20 deployments × 50 replicas on 10 large nodes.
pub fn large_scenario() -> Scenario {
    let mut s = scenario::builtin(scenario::DEFAULT_ID).expect("default exists").expect("parses");
    let template = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Deployment(d) = o { Some(d.clone()) } else { None })
        .expect("the default has a deployment");
    let service = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Service(x) = o { Some(x.clone()) } else { None })
        .expect("the default has a service");
    let node = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Node(n) = o { Some(n.clone()) } else { None })
        .expect("the default has a node");
    s.cluster.objects.retain(|o| !matches!(o, Object::Node(_)));
    for i in 0..10 {
        let mut n = node.clone();
        n.meta.name = format!("node-{i}");
        n.cpu = "64".parse().expect("quantity");
        n.memory = "256Gi".parse().expect("quantity");
        s.cluster.objects.push(Object::Node(n));
    }
    for i in 0..20 {
        let mut d = template.clone();
        d.meta.name = format!("svc-{i}");
        d.replicas = 50;
        d.template.labels.insert("app".to_owned(), format!("svc-{i}"));
        d.selector = d.template.labels.clone();
        s.cluster.objects.push(Object::Deployment(d));
        let mut svc = service.clone();
        svc.meta.name = format!("svc-{i}");
        svc.selector.insert("app".to_owned(), format!("svc-{i}"));
        s.cluster.objects.push(Object::Service(svc));
    }
    let extra = kombat::scenario::parse("bench-kinds.ron", WORKLOAD_KINDS).expect("the extra kinds parse");
    s.cluster.registry.images.extend(extra.cluster.registry.images);
    s.cluster.apps.extend(extra.cluster.apps);
    s.cluster.objects.extend(extra.cluster.objects);
    s
}

/// The daemon set, stateful set, jobs and cron job of the large cluster, as a scenario's objects.
const WORKLOAD_KINDS: &str = r#"(
    id: "bench-kinds",
    title: "-",
    summary: "-",
    difficulty: Easy,
    turn_limit: 1,
    slo: (objective: 99.9),
    cluster: (
        registry: (images: [
            (repository: "registry.example.com/platform/fluent-bit", tags: {"3.1.9": "log-agent"}),
            (repository: "registry.example.com/shop/db", tags: {"16.4": "db"}),
            (repository: "registry.example.com/shop/batch", tags: {"2.0.1": "batch"}),
        ]),
        apps: {
            "log-agent": (port: 2020, paths: ["/api/v1/health"], start_logs: ["Fluent Bit v3.1.9", "[ info] [engine] started"]),
            "db": (port: 5432, data_dir: "/var/lib/postgresql/data", start_logs: ["database system is ready to accept connections"]),
            "batch": (port: None, startup_seconds: 0, exits_after: 20, start_logs: ["batch starting", "batch done"]),
        },
        objects: [
            StorageClass((meta: (name: "fast"), provisioner: "rancher.io/local-path", volume_binding_mode: WaitForFirstConsumer)),
            DaemonSet((
                meta: (name: "log-agent", namespace: "shop", labels: {"app": "log-agent"}),
                template: (
                    labels: {"app": "log-agent"},
                    spec: (tolerations: [(key: "node-role.kubernetes.io/control-plane", effect: NoSchedule)], containers: [(
                        name: "fluent-bit",
                        image: "registry.example.com/platform/fluent-bit:3.1.9",
                        resources: (requests: (cpu: "50m", memory: "64Mi")),
                    )]),
                ),
            )),
            Service((meta: (name: "db", namespace: "shop"), selector: {"app": "db"}, ports: [(port: 5432, target_port: 5432)])),
            StatefulSet((
                meta: (name: "db", namespace: "shop", labels: {"app": "db"}),
                replicas: 3,
                service_name: "db",
                template: (
                    labels: {"app": "db"},
                    spec: (
                        containers: [(
                            name: "db",
                            image: "registry.example.com/shop/db:16.4",
                            ports: [5432],
                            resources: (requests: (cpu: "500m", memory: "1Gi")),
                            volume_mounts: [(name: "data", mount_path: "/var/lib/postgresql/data")],
                        )],
                    ),
                ),
                volume_claim_templates: [(meta: (name: "data", namespace: "shop"), storage_class: "fast", size: "10Gi")],
            )),
            Job((meta: (name: "migrate-41", namespace: "shop"), spec: (template: (labels: {"job": "migrate-41"}, spec: (restart_policy: Never, containers: [(name: "migrate", image: "registry.example.com/shop/batch:2.0.1")]))))),
            Job((meta: (name: "migrate-42", namespace: "shop"), spec: (template: (labels: {"job": "migrate-42"}, spec: (restart_policy: Never, containers: [(name: "migrate", image: "registry.example.com/shop/batch:2.0.1")]))))),
            CronJob((
                meta: (name: "report", namespace: "shop", labels: {"app": "report"}),
                schedule: "*/5 * * * *",
                job_labels: {"app": "report"},
                job_template: (template: (labels: {"app": "report"}, spec: (restart_policy: Never, containers: [(name: "report", image: "registry.example.com/shop/batch:2.0.1", resources: (requests: (cpu: "100m", memory: "128Mi")))]))),
            )),
        ],
        entrypoints: [],
    ),
    faults: [],
    win: (all: []),
    solution: [],
    wrong_fixes: [],
)"#;
