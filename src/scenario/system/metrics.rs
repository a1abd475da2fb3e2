//! metrics-server as its upstream manifest installs it in `kube-system`: a deployment of one
//! pod, its service account and the `metrics-server` service. It is what serves the resource
//! metrics API (`metrics.k8s.io`) that `kubectl top` and the HPA read (see `sim::metrics`), so
//! scaling it to zero or breaking its image blinds both.

use std::collections::BTreeMap;

use crate::sim::apps::{AppProfile, AppRole, Image};
use crate::sim::change::Object;
use crate::sim::objects::{Container, IntOrString, Meta, Probe, Service, ServiceAccount, ServicePort, ServiceType};
use crate::sim::quantity::{Mebibytes, Millicores};

pub const IMAGE: &str = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

pub fn image() -> Image {
    Image {
        repository: "registry.k8s.io/metrics-server/metrics-server".to_owned(),
        tags: BTreeMap::from([("v0.7.2".to_owned(), "metrics-server".to_owned())]),
        private: false,
    }
}

pub fn app() -> (String, AppProfile) {
    let profile = AppProfile {
        port: Some(10250),
        paths: vec!["/livez".to_owned(), "/readyz".to_owned()],
        executables: vec!["/metrics-server".to_owned()],
        startup_seconds: 10,
        memory: Mebibytes(30),
        cpu: Millicores(4),
        cpu_per_rps: 0.0,
        start_logs: vec![
            "I1122 09:00:01.000000       1 serving.go:374] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)".to_owned(),
            "I1122 09:00:01.000000       1 handler.go:275] Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager".to_owned(),
            "I1122 09:00:01.000000       1 secure_serving.go:213] Serving securely on [::]:10250".to_owned(),
        ],
        role: AppRole::MetricsServer,
        ..AppProfile::default()
    };
    ("metrics-server".to_owned(), profile)
}

pub fn objects() -> Vec<Object> {
    let labels = [("k8s-app", "metrics-server")];
    let mut container = Container {
        name: "metrics-server".to_owned(),
        image: IMAGE.to_owned(),
        args: [
            "--cert-dir=/tmp",
            "--secure-port=10250",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect(),
        ports: vec![10250],
        ..Container::default()
    };
    // Upstream also requests 200Mi of memory; left out because the scheduler here places by
    // free memory, and that request would move the workloads of every existing scenario.
    container.resources.requests.cpu = Some(Millicores(100));
    container.readiness = Some(Probe {
        path: Some("/readyz".to_owned()),
        port: 10250,
        initial_delay_seconds: 20,
        period_seconds: 10,
        failure_threshold: 3,
    });
    let deployment = super::deployment("metrics-server", "metrics-server", "kube-system", 1, container, &labels);
    let selector: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    vec![
        Object::ServiceAccount(ServiceAccount {
            meta: Meta::new("metrics-server", "kube-system"),
            image_pull_secrets: Vec::new(),
        }),
        Object::Deployment(deployment),
        Object::Service(Service {
            meta: Meta { labels: selector.clone(), ..Meta::new("metrics-server", "kube-system") },
            kind: ServiceType::ClusterIP,
            selector,
            ports: vec![ServicePort {
                name: Some("https".to_owned()),
                port: 443,
                target_port: IntOrString::Int(10250),
                protocol: "TCP".to_owned(),
            }],
            cluster_ip: String::new(),
        }),
    ]
}
