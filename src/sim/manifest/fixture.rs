//! A small hand-built cluster for the manifest and `get` tests.

use crate::sim::cluster::Cluster;
use crate::sim::cluster::key;
use crate::sim::objects::WaitingReason;
use crate::sim::objects::{
    Container, ContainerState, ContainerStatus, Deployment, DeploymentStatus, EndpointAddress, Endpoints, EnvVar,
    FailurePolicy, Hpa, HpaStatus, IntOrString, KeyRef, Namespace, Node, NodeCondition, Pod, PodPhase, PodSpec,
    PodStatus, PodTemplate, Probe, ReplicaSet, ResourceList, Resources, Secret, Service, ServicePort, ServiceType,
    Strategy, Webhook, WebhookConfiguration, WebhookKind,
};
use crate::sim::objects::{Labels, Meta};
use crate::sim::quantity::{Mebibytes, Millicores};

fn meta_at(name: &str, ns: &str, uid_n: u64, created: i64, labels: &[(&str, &str)]) -> Meta {
    let mut m = Meta::new(name, ns);
    m.uid = uid_n;
    m.created = created;
    m.labels = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    m
}

fn web_container(name: &str, image: &str) -> Container {
    Container {
        name: name.to_owned(),
        image: image.to_owned(),
        ports: vec![8080],
        env: vec![EnvVar {
            name: "DB_HOST".to_owned(),
            value: None,
            config_map_key: Some(KeyRef { name: "app-config".to_owned(), key: "db_host".to_owned(), optional: false }),
            secret_key: None,
        }],
        resources: Resources {
            requests: ResourceList { cpu: Some(Millicores(100)), memory: None },
            limits: ResourceList { cpu: None, memory: Some(Mebibytes(256)) },
        },
        readiness: Some(Probe {
            path: Some("/healthz".to_owned()),
            port: 8080,
            initial_delay_seconds: 0,
            period_seconds: 10,
            failure_threshold: 3,
        }),
        ..Container::default()
    }
}

fn node(name: &str, uid_n: u64, ready: bool, ip: &str) -> Node {
    Node {
        meta: meta_at(name, "", uid_n, -30 * 86_400, &[]),
        cpu: Millicores(4000),
        memory: Mebibytes(8192),
        max_pods: 110,
        taints: Vec::new(),
        unschedulable: !ready,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: crate::sim::objects::KubeletState::Running,
        kubelet_version: crate::sim::objects::KUBERNETES_VERSION.to_owned(),
        packages: crate::sim::objects::Packages::default(),
        config_files: std::collections::BTreeMap::new(),
        swap: false,
        kubelet_process: crate::sim::objects::KubeletProcess::default(),
        draining: None,
        internal_ip: ip.to_owned(),
        index: uid_n as u32,
        last_heartbeat: 590,
        conditions: vec![NodeCondition {
            kind: "Ready".to_owned(),
            status: if ready { "True" } else { "Unknown" }.to_owned(),
            reason: if ready { "KubeletReady" } else { "NodeStatusUnknown" }.to_owned(),
            message: String::new(),
            since: -30 * 86_400,
        }],
    }
}

#[allow(clippy::too_many_arguments)]
fn pod(
    name: &str,
    uid_n: u64,
    created: i64,
    app: &str,
    node: &str,
    ip: &str,
    state: ContainerState,
    restarts: u32,
) -> Pod {
    let ready = matches!(state, ContainerState::Running { .. });
    let mut status = ContainerStatus::new("web", "registry.example.com/shop/web:1.4.2");
    status.state = state;
    status.ready = ready;
    status.restart_count = restarts;
    if restarts > 0 {
        status.last_state = Some(ContainerState::Terminated {
            reason: "Error".to_owned(),
            exit_code: 1,
            message: String::new(),
            started_at: 540,
            finished_at: 555,
        });
    }
    let mut meta = meta_at(name, "shop", uid_n, created, &[("app", app)]);
    if app == "web" {
        meta.owner = Some(crate::sim::objects::OwnerRef {
            kind: crate::sim::objects::OwnerKind::ReplicaSet,
            name: "web-7d4b9c8f6b".to_owned(),
        });
    }
    Pod {
        meta,
        spec: PodSpec {
            containers: vec![web_container("web", "registry.example.com/shop/web:1.4.2")],
            service_account: "default".to_owned(),
            ..PodSpec::default()
        },
        status: PodStatus {
            phase: PodPhase::Running,
            node: Some(node.to_owned()),
            pod_ip: Some(ip.to_owned()),
            host_ip: Some("192.168.49.2".to_owned()),
            scheduled_at: Some(created),
            started_at: Some(created + 5),
            containers: vec![status],
            ..PodStatus::default()
        },
    }
}

/// A small shop: two nodes, a `web` deployment with one healthy and one crash-looping pod, a
/// `db` pod, the `web` service and endpoints, an HPA, a secret, a webhook and a few events.
pub(crate) fn fixture() -> Cluster {
    let mut c = Cluster::new(7);
    c.now = 600;
    c.namespaces_mut().insert("shop".to_owned(), Namespace { meta: meta_at("shop", "", 1, -30 * 86_400, &[]) });
    c.namespaces_mut().insert("default".to_owned(), Namespace { meta: meta_at("default", "", 2, -30 * 86_400, &[]) });
    let mut n1 = node("node-1", 3, true, "192.168.49.2");
    n1.meta.labels.insert("node-role.kubernetes.io/control-plane".to_owned(), String::new());
    c.nodes_mut().insert("node-1".to_owned(), n1);
    c.nodes_mut().insert("node-2".to_owned(), node("node-2", 4, false, "192.168.49.3"));
    let labels: Labels = [("app".to_owned(), "web".to_owned())].into();
    let template = PodTemplate {
        labels: labels.clone(),
        annotations: Labels::new(),
        spec: PodSpec {
            containers: vec![
                web_container("web", "registry.example.com/shop/web:1.4.2"),
                Container { name: "proxy".to_owned(), image: "envoy:1.30".to_owned(), ..Container::default() },
            ],
            service_account: "default".to_owned(),
            ..PodSpec::default()
        },
    };
    c.deployments_mut().insert(
        key("shop", "web"),
        Deployment {
            meta: meta_at("web", "shop", 10, -30 * 86_400, &[("app", "web")]),
            replicas: 2,
            selector: labels.clone(),
            template: template.clone(),
            strategy: Strategy::default(),
            progress_deadline_seconds: 600,
            paused: false,
            status: DeploymentStatus {
                revision: 3,
                replicas: 2,
                updated: 2,
                ready: 1,
                available: 1,
                generation: 4,
                observed_generation: 4,
                ..DeploymentStatus::default()
            },
        },
    );
    c.replicasets_mut().insert(
        key("shop", "web-7d4b9c8f6b"),
        ReplicaSet {
            meta: meta_at("web-7d4b9c8f6b", "shop", 11, 300, &[("app", "web")]),
            replicas: 2,
            selector: labels.clone(),
            template,
            revision: 3,
            ready: 1,
            available: 1,
            current: 2,
            create_error: None,
        },
    );
    let running = ContainerState::Running { started_at: 305 };
    let crashing = ContainerState::Waiting {
        reason: WaitingReason::CrashLoopBackOff,
        message: "back-off 40s restarting failed container".to_owned(),
    };
    c.pods_mut().insert(
        key("shop", "web-7d4b9c8f6b-x2x4k"),
        pod("web-7d4b9c8f6b-x2x4k", 20, 300, "web", "node-1", "10.244.1.5", running.clone(), 0),
    );
    c.pods_mut().insert(
        key("shop", "web-7d4b9c8f6b-zq9pl"),
        pod("web-7d4b9c8f6b-zq9pl", 21, 300, "web", "node-2", "10.244.2.3", crashing, 3),
    );
    c.pods_mut().insert(key("shop", "db-0"), pod("db-0", 22, -2 * 86_400, "db", "node-1", "10.244.1.9", running, 0));
    c.services_mut().insert(
        key("shop", "web"),
        Service {
            meta: meta_at("web", "shop", 30, -30 * 86_400, &[]),
            kind: ServiceType::ClusterIP,
            selector: labels,
            ports: vec![ServicePort {
                name: None,
                port: 80,
                target_port: IntOrString::Int(8080),
                protocol: "TCP".to_owned(),
            }],
            cluster_ip: "10.96.0.20".to_owned(),
        },
    );
    let addr = |ip: &str, pod: &str, node: &str| EndpointAddress {
        ip: ip.to_owned(),
        pod: pod.to_owned(),
        node: node.to_owned(),
    };
    c.endpoints_mut().insert(
        key("shop", "web"),
        Endpoints {
            meta: meta_at("web", "shop", 31, -30 * 86_400, &[]),
            ready: vec![addr("10.244.1.5", "web-7d4b9c8f6b-x2x4k", "node-1")],
            not_ready: vec![addr("10.244.2.3", "web-7d4b9c8f6b-zq9pl", "node-2")],
            ports: vec![(None, 8080)],
        },
    );
    c.hpas_mut().insert(
        key("shop", "web"),
        Hpa {
            meta: meta_at("web", "shop", 40, -30 * 86_400, &[]),
            target: "web".to_owned(),
            min_replicas: 2,
            max_replicas: 2,
            target_cpu_percent: 50,
            status: HpaStatus {
                current_cpu_percent: Some(250),
                current_replicas: 2,
                desired_replicas: 2,
                ..HpaStatus::default()
            },
        },
    );
    c.secrets_mut().insert(
        key("shop", "db-creds"),
        Secret {
            meta: meta_at("db-creds", "shop", 50, -30 * 86_400, &[]),
            kind: "Opaque".to_owned(),
            data: [("password".to_owned(), "hunter2".to_owned())].into(),
        },
    );
    c.webhooks_mut().insert(
        "policy-check".to_owned(),
        WebhookConfiguration {
            meta: meta_at("policy-check", "", 60, -86_400, &[]),
            kind: WebhookKind::Validating,
            webhooks: vec![Webhook {
                name: "check.policy.example.com".to_owned(),
                service: "policy/checker".to_owned(),
                port: 443,
                failure_policy: FailurePolicy::Fail,
                resources: vec!["pods".to_owned()],
                namespaces: Vec::new(),
                mutation: None,
            }],
        },
    );
    c.now = 100;
    c.record(
        "shop",
        "Pod",
        "web-7d4b9c8f6b-zq9pl",
        false,
        "Scheduled",
        "Successfully assigned shop/web-7d4b9c8f6b-zq9pl to node-2",
        "default-scheduler",
    );
    c.now = 540;
    c.record(
        "shop",
        "Pod",
        "web-7d4b9c8f6b-zq9pl",
        true,
        "BackOff",
        "Back-off restarting failed container web in pod web-7d4b9c8f6b-zq9pl_shop",
        "kubelet",
    );
    c.now = 560;
    c.record(
        "shop",
        "Deployment",
        "web",
        false,
        "ScalingReplicaSet",
        "Scaled up replica set web-7d4b9c8f6b to 2",
        "deployment-controller",
    );
    c.now = 600;
    c
}
