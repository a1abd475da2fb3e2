//! A small hand-built cluster the console tests share: the `web` deployment in `default`
//! (one pod crash-looping from OOM kills), its service, endpoints and events, and one node.

use crate::sim::cluster::{Cluster, Event, key};
use crate::sim::objects::WaitingReason;
use crate::sim::objects::{
    ConfigMap, Container, ContainerState, ContainerStatus, Deployment, DeploymentCondition, EndpointAddress, Endpoints,
    EnvVar, IntOrString, KeyRef, KubeletState, Meta, Namespace, Node, NodeCondition, OwnerKind, OwnerRef, Pod,
    PodPhase, PodSpec, PodStatus, PodTemplate, Probe, ReplicaSet, ResourceList, Resources, Service, ServicePort,
    ServiceType, Strategy, Taint, TaintEffect,
};
use crate::sim::quantity::{Mebibytes, Millicores};

pub(crate) fn node(name: &str, index: u32) -> Node {
    Node {
        meta: Meta { created: -30 * 86_400, ..Meta::new(name, "") },
        cpu: Millicores(4000),
        memory: Mebibytes(8192),
        max_pods: 110,
        taints: Vec::new(),
        unschedulable: false,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: KubeletState::Running,
        kubelet_version: crate::sim::objects::KUBERNETES_VERSION.to_owned(),
        packages: crate::sim::objects::Packages::default(),
        config_files: std::collections::BTreeMap::new(),
        swap: false,
        kubelet_process: crate::sim::objects::KubeletProcess::default(),
        draining: None,
        internal_ip: format!("10.0.0.{}", 10 + index),
        index,
        last_heartbeat: 590,
        conditions: vec![
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
    }
}

pub(crate) fn cond(kind: &str, status: &str, reason: &str, message: &str) -> NodeCondition {
    NodeCondition {
        kind: kind.to_owned(),
        status: status.to_owned(),
        reason: reason.to_owned(),
        message: message.to_owned(),
        since: -30 * 86_400,
    }
}

pub(crate) fn web_container() -> Container {
    Container {
        name: "web".to_owned(),
        image: "shop/web:1.4.2".to_owned(),
        ports: vec![8080],
        env: vec![EnvVar {
            name: "DB_URL".to_owned(),
            value: None,
            config_map_key: Some(KeyRef { name: "app-config".to_owned(), key: "DB_URL".to_owned(), optional: false }),
            secret_key: None,
        }],
        resources: Resources {
            requests: ResourceList { cpu: Some(Millicores(100)), memory: Some(Mebibytes(128)) },
            limits: ResourceList { cpu: None, memory: Some(Mebibytes(128)) },
        },
        liveness: Some(Probe {
            path: Some("/healthz".to_owned()),
            port: 8081,
            initial_delay_seconds: 0,
            period_seconds: 10,
            failure_threshold: 3,
        }),
        ..Container::default()
    }
}

pub(crate) fn labels(pairs: &[(&str, &str)]) -> crate::sim::objects::Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub(crate) fn running_status(name: &str, image: &str, started: i64) -> ContainerStatus {
    ContainerStatus {
        state: ContainerState::Running { started_at: started },
        ready: true,
        ..ContainerStatus::new(name, image)
    }
}

/// A pod of the `web` deployment on `node-1`.
pub(crate) fn web_pod(name: &str, ip: &str) -> Pod {
    Pod {
        meta: Meta {
            labels: labels(&[("app", "web"), ("pod-template-hash", "6d4cf56db6")]),
            owner: Some(OwnerRef { kind: OwnerKind::ReplicaSet, name: "web-6d4cf56db6".to_owned() }),
            created: 300,
            ..Meta::new(name, "default")
        },
        spec: PodSpec {
            containers: vec![web_container()],
            service_account: "default".to_owned(),
            ..PodSpec::default()
        },
        status: PodStatus {
            phase: PodPhase::Running,
            node: Some("node-1".to_owned()),
            pod_ip: Some(ip.to_owned()),
            host_ip: Some("10.0.0.11".to_owned()),
            scheduled_at: Some(300),
            started_at: Some(302),
            containers: vec![running_status("web", "shop/web:1.4.2", 305)],
            ..PodStatus::default()
        },
    }
}

/// An event in `default`; `times` is (first, last, count).
fn event(object: (&str, &str), warning: bool, what: (&str, &str, &str), times: (i64, i64, u32)) -> Event {
    Event {
        namespace: "default".to_owned(),
        kind: object.0.to_owned(),
        name: object.1.to_owned(),
        warning,
        reason: what.0.to_owned(),
        message: what.1.to_owned(),
        source: what.2.to_owned(),
        first: times.0,
        last: times.1,
        count: times.2,
    }
}

/// `default/web`: a deployment of three pods (one crash-looping from OOM kills), its service
/// (`web`, port 80 → 8080) and one node.
pub(crate) fn cluster() -> Cluster {
    let mut c = Cluster::new(7);
    c.now = 600;
    c.namespaces_mut().insert("default".to_owned(), Namespace { meta: Meta::new("default", "") });
    c.nodes_mut().insert("node-1".to_owned(), node("node-1", 1));
    c.configmaps_mut().insert(
        key("default", "app-config"),
        ConfigMap {
            meta: Meta::new("app-config", "default"),
            data: [("DB_URL".to_owned(), "postgres://db:5432/shop".to_owned())].into(),
        },
    );
    let template = PodTemplate {
        labels: labels(&[("app", "web")]),
        annotations: crate::sim::objects::Labels::default(),
        spec: PodSpec {
            containers: vec![web_container()],
            service_account: "default".to_owned(),
            ..PodSpec::default()
        },
    };
    let mut d = Deployment {
        meta: Meta { labels: labels(&[("app", "web")]), created: -86_400, ..Meta::new("web", "default") },
        replicas: 3,
        selector: labels(&[("app", "web")]),
        template: template.clone(),
        strategy: Strategy::default(),
        progress_deadline_seconds: 600,
        paused: false,
        status: crate::sim::objects::DeploymentStatus::default(),
    };
    d.status.revision = 2;
    d.status.replicas = 3;
    d.status.updated = 3;
    d.status.ready = 2;
    d.status.available = 2;
    d.status.conditions = vec![
        DeploymentCondition {
            kind: "Available".into(),
            status: "True".into(),
            reason: "MinimumReplicasAvailable".into(),
            message: "Deployment has minimum availability.".into(),
            since: 0,
        },
        DeploymentCondition {
            kind: "Progressing".into(),
            status: "False".into(),
            reason: "ProgressDeadlineExceeded".into(),
            message: "ReplicaSet \"web-6d4cf56db6\" has timed out progressing.".into(),
            since: 0,
        },
    ];
    c.deployments_mut().insert(key("default", "web"), d);
    let rs = ReplicaSet {
        meta: Meta {
            labels: labels(&[("app", "web"), ("pod-template-hash", "6d4cf56db6")]),
            owner: Some(OwnerRef { kind: OwnerKind::Deployment, name: "web".to_owned() }),
            ..Meta::new("web-6d4cf56db6", "default")
        },
        replicas: 3,
        selector: labels(&[("app", "web"), ("pod-template-hash", "6d4cf56db6")]),
        template,
        revision: 2,
        ready: 2,
        available: 2,
        current: 3,
        create_error: None,
    };
    c.replicasets_mut().insert(key("default", "web-6d4cf56db6"), rs);
    for (name, ip) in [("web-6d4cf56db6-4xk2p", "10.244.1.5"), ("web-6d4cf56db6-9zqtw", "10.244.1.6")] {
        c.pods_mut().insert(key("default", name), web_pod(name, ip));
    }
    let mut crashing = web_pod("web-6d4cf56db6-x7k2p", "10.244.1.7");
    crashing.status.containers[0] = ContainerStatus {
        state: ContainerState::Waiting {
            reason: WaitingReason::CrashLoopBackOff,
            message: "back-off 2m40s restarting failed container=web".to_owned(),
        },
        last_state: Some(ContainerState::Terminated {
            reason: "OOMKilled".to_owned(),
            exit_code: 137,
            message: String::new(),
            started_at: 540,
            finished_at: 552,
        }),
        ready: false,
        restart_count: 5,
        log: vec!["listening on :8080".to_owned()],
        previous_log: vec![
            "starting web 1.4.2".to_owned(),
            "listening on :8080".to_owned(),
            "loading catalog into memory".to_owned(),
        ],
        ..ContainerStatus::new("web", "shop/web:1.4.2")
    };
    c.pods_mut().insert(key("default", "web-6d4cf56db6-x7k2p"), crashing);
    c.services_mut().insert(
        key("default", "web"),
        Service {
            meta: Meta::new("web", "default"),
            kind: ServiceType::ClusterIP,
            selector: labels(&[("app", "web")]),
            ports: vec![ServicePort {
                name: None,
                port: 80,
                target_port: IntOrString::Int(8080),
                protocol: "TCP".to_owned(),
            }],
            cluster_ip: "10.96.12.4".to_owned(),
        },
    );
    c.endpoints_mut().insert(
        key("default", "web"),
        Endpoints {
            meta: Meta::new("web", "default"),
            ready: [("10.244.1.5", "web-6d4cf56db6-4xk2p"), ("10.244.1.6", "web-6d4cf56db6-9zqtw")]
                .iter()
                .map(|(ip, pod)| EndpointAddress {
                    ip: (*ip).to_owned(),
                    pod: (*pod).to_owned(),
                    node: "node-1".to_owned(),
                })
                .collect(),
            not_ready: Vec::new(),
            ports: vec![(None, 8080)],
        },
    );
    let pod = "web-6d4cf56db6-x7k2p";
    let scheduled = format!("Successfully assigned default/{pod} to node-1");
    let backoff = format!("Back-off restarting failed container web in pod {pod}_default(3)");
    let pulled = "Container image \"shop/web:1.4.2\" already present on machine";
    c.events.push(event(("Pod", pod), false, ("Scheduled", &scheduled, "default-scheduler"), (300, 300, 1)));
    c.events.push(event(("Pod", pod), false, ("Pulled", pulled, "kubelet"), (302, 540, 6)));
    c.events.push(event(("Pod", pod), true, ("BackOff", &backoff, "kubelet"), (360, 590, 9)));
    c.events.push(event(
        ("Deployment", "web"),
        false,
        ("ScalingReplicaSet", "Scaled up replica set web-6d4cf56db6 to 3", "deployment-controller"),
        (290, 290, 1),
    ));
    c
}

/// Takes `node-1` down: kubelet stopped, conditions `Unknown`, unreachable taints (and a
/// `dedicated=gpu` taint to show sorting).
pub(crate) fn not_ready_node(c: &mut Cluster) {
    if let Some(n) = c.nodes_mut().get_mut("node-1") {
        n.kubelet = KubeletState::Stopped;
        n.last_heartbeat = 420;
        n.taints = vec![
            Taint { key: "node.kubernetes.io/unreachable".to_owned(), value: None, effect: TaintEffect::NoSchedule },
            Taint { key: "node.kubernetes.io/unreachable".to_owned(), value: None, effect: TaintEffect::NoExecute },
            Taint { key: "dedicated".to_owned(), value: Some("gpu".to_owned()), effect: TaintEffect::NoSchedule },
        ];
        for cond in &mut n.conditions {
            cond.status = "Unknown".to_owned();
            cond.reason = "NodeStatusUnknown".to_owned();
            cond.message = "Kubelet stopped posting node status.".to_owned();
            cond.since = 460;
        }
    }
}
