//! The cluster autoscaler as its upstream AWS example installs it in `kube-system`, for scenarios
//! that ask for one (`cluster_autoscaler` in the baseline): a deployment of one pod whose
//! `--nodes=MIN:MAX:GROUP` flags bound each node group, and its service account. The node
//! groups' templates go to the cloud (`sim::cloud`), which no kubectl verb reads. What it does
//! each scan is `sim::controllers::cluster_autoscaler`.

use std::collections::BTreeMap;

use crate::scenario::format::ClusterAutoscaler;
use crate::sim::apps::{AppProfile, AppRole, Image};
use crate::sim::change::Object;
use crate::sim::cloud::Cloud;
use crate::sim::objects::{Container, Meta, Probe, ServiceAccount};
use crate::sim::quantity::{Mebibytes, Millicores};

pub const IMAGE: &str = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0";
pub const NAME: &str = "cluster-autoscaler";

pub fn image() -> Image {
    Image {
        repository: "registry.k8s.io/autoscaling/cluster-autoscaler".to_owned(),
        tags: BTreeMap::from([("v1.31.0".to_owned(), NAME.to_owned())]),
        private: false,
    }
}

pub fn app() -> (String, AppProfile) {
    let profile = AppProfile {
        port: Some(8085),
        paths: vec!["/health-check".to_owned(), "/metrics".to_owned()],
        executables: vec!["./cluster-autoscaler".to_owned(), "/cluster-autoscaler".to_owned()],
        startup_seconds: 5,
        memory: Mebibytes(60),
        cpu: Millicores(10),
        cpu_per_rps: 0.0,
        start_logs: vec![
            "I1122 09:00:01.000000       1 flags.go:57] FLAG: --cloud-provider=\"aws\"".to_owned(),
            "I1122 09:00:01.000000       1 main.go:554] Cluster Autoscaler 1.31.0".to_owned(),
            "I1122 09:00:01.000000       1 leaderelection.go:254] attempting to acquire leader lease kube-system/cluster-autoscaler...".to_owned(),
            "I1122 09:00:01.000000       1 leaderelection.go:268] successfully acquired lease kube-system/cluster-autoscaler".to_owned(),
            "I1122 09:00:02.000000       1 static_autoscaler.go:291] Starting main loop".to_owned(),
        ],
        role: AppRole::ClusterAutoscaler,
        ..AppProfile::default()
    };
    (NAME.to_owned(), profile)
}

/// The cloud the scenario's node groups live in.
pub fn cloud(spec: &ClusterAutoscaler) -> Cloud {
    Cloud {
        templates: spec.node_groups.iter().map(|g| (g.name.clone(), g.template.clone())).collect(),
        ..Cloud::default()
    }
}

pub fn objects(spec: &ClusterAutoscaler) -> Vec<Object> {
    let labels = [("app", NAME)];
    let mut args: Vec<String> =
        ["--v=4", "--stderrthreshold=info", "--cloud-provider=aws", "--skip-nodes-with-local-storage=false"]
            .iter()
            .map(|a| (*a).to_owned())
            .collect();
    args.extend(spec.node_groups.iter().map(|g| format!("--nodes={}:{}:{}", g.min_size, g.max_size, g.name)));
    let mut container = Container {
        name: NAME.to_owned(),
        image: IMAGE.to_owned(),
        command: vec!["./cluster-autoscaler".to_owned()],
        args,
        ports: vec![8085],
        ..Container::default()
    };
    container.resources.requests.cpu = Some(Millicores(100));
    container.resources.requests.memory = Some(Mebibytes(300));
    container.resources.limits.cpu = Some(Millicores(100));
    container.resources.limits.memory = Some(Mebibytes(600));
    container.readiness = Some(Probe {
        path: Some("/health-check".to_owned()),
        port: 8085,
        initial_delay_seconds: 0,
        period_seconds: 10,
        failure_threshold: 3,
    });
    let deployment = super::deployment(NAME, NAME, "kube-system", 1, container, &labels);
    vec![
        Object::ServiceAccount(ServiceAccount { meta: Meta::new(NAME, "kube-system"), image_pull_secrets: Vec::new() }),
        Object::Deployment(deployment),
    ]
}
