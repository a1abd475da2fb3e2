//! The control plane kubeadm sets up: a control-plane node (tainted so workloads stay off it)
//! whose kubelet runs etcd, the API server, the controller manager and the scheduler from
//! static pod manifests, and the images and app profiles those pods run.

use std::collections::BTreeMap;

use crate::sim::apps::{AppProfile, Image};
use crate::sim::cluster::Cluster;
use crate::sim::control_plane::{CONTROL_PLANE_ROLE, Component, ETCD_VERSION, VERSIONS};
use crate::sim::objects::{Meta, Node, Taint, TaintEffect};
use crate::sim::quantity::{Mebibytes, Millicores};

/// The name of the control-plane node a scenario gets when it declares none.
pub const NODE_NAME: &str = "control-plane";

/// The control-plane node kubeadm would have joined first: 2 CPUs, 4 GiB, tainted `NoSchedule`.
pub fn node() -> Node {
    let labels = BTreeMap::from([
        ("kubernetes.io/hostname".to_owned(), NODE_NAME.to_owned()),
        (CONTROL_PLANE_ROLE.to_owned(), String::new()),
        ("node.kubernetes.io/exclude-from-external-load-balancers".to_owned(), String::new()),
    ]);
    Node {
        meta: Meta { labels, ..Meta::new(NODE_NAME, "") },
        cpu: Millicores(2000),
        memory: Mebibytes(4096),
        max_pods: 110,
        taints: vec![Taint { key: CONTROL_PLANE_ROLE.to_owned(), value: None, effect: TaintEffect::NoSchedule }],
        unschedulable: false,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: crate::sim::objects::KubeletState::Running,
        kubelet_version: crate::sim::objects::KUBERNETES_VERSION.to_owned(),
        packages: crate::sim::objects::Packages::default(),
        config_files: BTreeMap::new(),
        swap: false,
        kubelet_process: crate::sim::objects::KubeletProcess::default(),
        draining: None,
        internal_ip: String::new(),
        index: 0,
        last_heartbeat: 0,
        conditions: Vec::new(),
    }
}

/// Writes kubeadm's static pod manifests onto the control-plane node, now that it has an
/// address. The control plane runs the version of the control-plane node's kubelet.
pub fn install(cluster: &mut Cluster, control_plane: &str) {
    let Some(node) = cluster.nodes_mut().get_mut(control_plane) else { return };
    let (ip, version) = (node.internal_ip.clone(), node.kubelet_version.clone());
    for c in Component::ALL {
        node.config_files.entry(c.manifest_path()).or_insert_with(|| c.manifest(control_plane, &ip, &version));
    }
}

pub fn images() -> Vec<Image> {
    Component::ALL
        .iter()
        .map(|c| {
            let tags: BTreeMap<String, String> = if *c == Component::Etcd {
                BTreeMap::from([(ETCD_VERSION.to_owned(), c.name().to_owned())])
            } else {
                VERSIONS.iter().map(|v| ((*v).to_owned(), c.name().to_owned())).collect()
            };
            Image { repository: c.repository(), tags, private: false }
        })
        .collect()
}

pub fn apps() -> Vec<(String, AppProfile)> {
    Component::ALL
        .iter()
        .map(|c| {
            let (memory, cpu, logs): (u64, u64, &[&str]) = match c {
                Component::Etcd => (
                    60,
                    20,
                    &[
                        r#"{"level":"info","ts":"2026-11-20T09:00:00.512Z","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd"]}"#,
                        r#"{"level":"info","ts":"2026-11-20T09:00:01.101Z","caller":"embed/serve.go:250","msg":"serving client traffic securely","traffic":"grpc+http","address":"127.0.0.1:2379"}"#,
                    ],
                ),
                Component::ApiServer => (
                    320,
                    40,
                    &[
                        "I1120 09:00:01.204511       1 options.go:228] external host was not specified, using the advertise address",
                        "I1120 09:00:03.512093       1 secure_serving.go:213] Serving securely on [::]:6443",
                        "I1120 09:00:04.001234       1 controller.go:615] quota admission added evaluator for: leases.coordination.k8s.io",
                    ],
                ),
                Component::ControllerManager => (
                    55,
                    15,
                    &[
                        "I1120 09:00:02.412034       1 serving.go:386] Generated self-signed cert in-memory",
                        "I1120 09:00:03.101238       1 secure_serving.go:213] Serving securely on 127.0.0.1:10257",
                        "I1120 09:00:03.102345       1 leaderelection.go:254] attempting to acquire leader lease kube-system/kube-controller-manager...",
                        "I1120 09:00:03.140021       1 leaderelection.go:268] successfully acquired lease kube-system/kube-controller-manager",
                    ],
                ),
                Component::Scheduler => (
                    22,
                    4,
                    &[
                        "I1120 09:00:02.120511       1 serving.go:386] Generated self-signed cert in-memory",
                        "I1120 09:00:02.801532       1 secure_serving.go:213] Serving securely on 127.0.0.1:10259",
                        "I1120 09:00:02.902214       1 leaderelection.go:254] attempting to acquire leader lease kube-system/kube-scheduler...",
                        "I1120 09:00:02.931877       1 leaderelection.go:268] successfully acquired lease kube-system/kube-scheduler",
                    ],
                ),
            };
            let profile = AppProfile {
                port: Some(c.port()),
                paths: vec!["/healthz".to_owned(), "/livez".to_owned(), "/readyz".to_owned()],
                executables: vec![c.name().to_owned()],
                startup_seconds: 1,
                memory: Mebibytes(memory),
                cpu: Millicores(cpu),
                cpu_per_rps: 0.0,
                start_logs: logs.iter().map(|l| (*l).to_owned()).collect(),
                ..AppProfile::default()
            };
            (c.name().to_owned(), profile)
        })
        .collect()
}
