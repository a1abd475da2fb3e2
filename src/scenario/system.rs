//! The components every cluster has: default namespaces, a control plane (`control_plane`),
//! `CoreDNS` behind the `kube-dns` service with its Corefile (`dns`), `kube-proxy` on every node
//! (a daemon set), the built-in RBAC objects and system service accounts (`rbac`), an ingress
//! controller and metrics-server (`metrics`). Scenarios get them unless they set `system: false`, and may break them
//! like anything else. The cluster autoscaler (`cluster_autoscaler`) is added only when a scenario asks for it.

pub mod classes;
pub mod cluster_autoscaler;
pub mod control_plane;
pub mod dns;
pub mod metrics;
mod rbac;

use std::collections::BTreeMap;

use crate::sim::apps::{AppProfile, AppRole, Image};
use crate::sim::change::Object;
use crate::sim::objects::{
    Container, DaemonSet, DaemonSetStrategy, Deployment, IntOrString, Meta, Namespace, PodSpec, PodTemplate, Probe,
    Service, ServicePort, ServiceType, Strategy, Toleration, Volume, VolumeMount, VolumeSource,
};
use crate::sim::quantity::{Mebibytes, Millicores};

pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.11.3";
pub const INGRESS_IMAGE: &str = "registry.k8s.io/ingress-nginx/controller:v1.11.2";
pub const KUBE_PROXY_IMAGE: &str = "registry.k8s.io/kube-proxy:v1.31.0";

/// The head of the configuration ingress-nginx renders into its image's `/etc/nginx/nginx.conf`.
const NGINX_CONF: &str = "
# Configuration checksum: 15483729340987341069

# setup custom paths that do not require root access
pid /tmp/nginx/nginx.pid;

daemon off;

worker_processes 2;

worker_rlimit_nofile 1047552;

worker_shutdown_timeout 240s ;

events {
	multi_accept        on;
	worker_connections  16384;
	use                 epoll;
}

http {
	lua_package_path \"/etc/nginx/lua/?.lua;;\";

	init_by_lua_block {
		collectgarbage(\"collect\")
	}

	access_log /var/log/nginx/access.log upstreaminfo  if=$loggable;
	error_log  /var/log/nginx/error.log notice;

	server_tokens off;
	keepalive_timeout  75s;
	client_max_body_size 1m;
	proxy_connect_timeout 5s;
	proxy_read_timeout 60s;
	proxy_send_timeout 60s;

	upstream upstream_balancer {
		server 0.0.0.1; # placeholder
		balancer_by_lua_block {
			balancer.balance()
		}
		keepalive 320;
	}

	## start server _
	server {
		server_name _ ;
		listen 80 default_server reuseport backlog=4096 ;
		listen 443 default_server reuseport backlog=4096 ssl http2 ;
		location / {
			set $proxy_upstream_name \"upstream-default-backend\";
			proxy_pass http://upstream_balancer;
		}
		location /healthz {
			access_log off;
			return 200;
		}
	}
	## end server _
}
";

pub fn images() -> Vec<Image> {
    let mut images = control_plane::images();
    images.extend([
        Image {
            repository: "registry.k8s.io/coredns/coredns".to_owned(),
            tags: BTreeMap::from([("v1.11.3".to_owned(), "coredns".to_owned())]),
            private: false,
        },
        Image {
            repository: "registry.k8s.io/ingress-nginx/controller".to_owned(),
            tags: BTreeMap::from([("v1.11.2".to_owned(), "ingress-nginx".to_owned())]),
            private: false,
        },
        Image {
            repository: "registry.k8s.io/kube-proxy".to_owned(),
            tags: BTreeMap::from([("v1.31.0".to_owned(), "kube-proxy".to_owned())]),
            private: false,
        },
        metrics::image(),
    ]);
    images
}

pub fn apps() -> BTreeMap<String, AppProfile> {
    let mut apps = BTreeMap::from([
        (
            "coredns".to_owned(),
            AppProfile {
                port: Some(53),
                paths: vec!["/health".to_owned(), "/ready".to_owned()],
                executables: vec!["/coredns".to_owned()],
                startup_seconds: 2,
                memory: Mebibytes(20),
                cpu: Millicores(3),
                cpu_per_rps: 0.0,
                capacity_rps: 10_000.0,
                start_logs: vec![
                    ".:53".to_owned(),
                    "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908".to_owned(),
                    "CoreDNS-1.11.3".to_owned(),
                    "linux/amd64, go1.21.11, a6338e9".to_owned(),
                ],
                role: AppRole::Dns,
                ..AppProfile::default()
            },
        ),
        (
            "ingress-nginx".to_owned(),
            AppProfile {
                port: Some(80),
                paths: vec!["/healthz".to_owned()],
                executables: vec!["/nginx-ingress-controller".to_owned()],
                startup_seconds: 3,
                memory: Mebibytes(90),
                cpu: Millicores(5),
                cpu_per_rps: 0.05,
                capacity_rps: 20_000.0,
                start_logs: vec![
                    "NGINX Ingress controller".to_owned(),
                    "  Release:       v1.11.2".to_owned(),
                    "I1122 09:00:01.000000       7 controller.go:213] \"Backend successfully reloaded\"".to_owned(),
                ],
                role: AppRole::IngressController,
                image_files: BTreeMap::from([("/etc/nginx/nginx.conf".to_owned(), NGINX_CONF.trim_start().to_owned())]),
                ..AppProfile::default()
            },
        ),
        (
            "kube-proxy".to_owned(),
            AppProfile {
                port: Some(10256),
                paths: vec!["/healthz".to_owned(), "/livez".to_owned()],
                executables: vec!["/usr/local/bin/kube-proxy".to_owned()],
                startup_seconds: 1,
                memory: Mebibytes(25),
                cpu: Millicores(2),
                cpu_per_rps: 0.0,
                start_logs: vec![
                    "I1122 09:00:01.000000       1 server_linux.go:66] \"Using iptables proxy\"".to_owned(),
                    "I1122 09:00:01.000000       1 server_linux.go:169] \"Using iptables Proxier\"".to_owned(),
                    "I1122 09:00:01.000000       1 config.go:199] \"Starting service config controller\"".to_owned(),
                    "I1122 09:00:01.000000       1 shared_informer.go:320] Caches are synced for service config".to_owned(),
                ],
                ..AppProfile::default()
            },
        ),
    ]);
    apps.extend(control_plane::apps());
    apps.extend([metrics::app()]);
    apps
}

fn deployment(
    name: &str,
    account: &str,
    ns: &str,
    replicas: u32,
    container: Container,
    labels: &[(&str, &str)],
) -> Deployment {
    let labels: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Deployment {
        meta: Meta { labels: labels.clone(), ..Meta::new(name, ns) },
        replicas,
        selector: labels.clone(),
        template: PodTemplate {
            labels,
            annotations: BTreeMap::new(),
            spec: PodSpec { containers: vec![container], service_account: account.to_owned(), ..PodSpec::default() },
        },
        strategy: Strategy::default(),
        progress_deadline_seconds: 600,
        paused: false,
        status: crate::sim::objects::DeploymentStatus::default(),
    }
}

/// kube-proxy as kubeadm installs it: one pod per Linux node, tolerating every taint.
fn kube_proxy() -> DaemonSet {
    let labels = BTreeMap::from([("k8s-app".to_owned(), "kube-proxy".to_owned())]);
    let container = Container {
        name: "kube-proxy".to_owned(),
        image: KUBE_PROXY_IMAGE.to_owned(),
        command: vec![
            "/usr/local/bin/kube-proxy".to_owned(),
            "--config=/var/lib/kube-proxy/config.conf".to_owned(),
            "--hostname-override=$(NODE_NAME)".to_owned(),
        ],
        ..Container::default()
    };
    DaemonSet {
        meta: Meta { labels: labels.clone(), ..Meta::new("kube-proxy", "kube-system") },
        selector: labels.clone(),
        template: PodTemplate {
            labels,
            annotations: BTreeMap::new(),
            spec: PodSpec {
                containers: vec![container],
                node_selector: BTreeMap::from([("kubernetes.io/os".to_owned(), "linux".to_owned())]),
                tolerations: vec![Toleration { key: None, value: None, effect: None, seconds: None }],
                service_account: "kube-proxy".to_owned(),
                ..PodSpec::default()
            },
        },
        update_strategy: DaemonSetStrategy::default(),
        status: crate::sim::objects::SetStatus::default(),
    }
}

/// The system namespaces a scenario may not have declared.
pub const NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease", "ingress-nginx"];

pub fn objects() -> Vec<Object> {
    let mut out: Vec<Object> =
        NAMESPACES.iter().map(|n| Object::Namespace(Namespace { meta: Meta::new(*n, "") })).collect();
    let mut dns_container = Container {
        name: "coredns".to_owned(),
        image: COREDNS_IMAGE.to_owned(),
        args: vec!["-conf".to_owned(), "/etc/coredns/Corefile".to_owned()],
        ports: vec![53],
        ..Container::default()
    };
    dns_container.resources.requests.cpu = Some(Millicores(100));
    dns_container.resources.requests.memory = Some(Mebibytes(70));
    dns_container.resources.limits.memory = Some(Mebibytes(170));
    dns_container.readiness =
        Some(Probe { path: None, port: 53, initial_delay_seconds: 0, period_seconds: 10, failure_threshold: 3 });
    dns_container.volume_mounts =
        vec![VolumeMount { name: "config-volume".to_owned(), mount_path: "/etc/coredns".to_owned() }];
    let mut coredns = deployment("coredns", "coredns", "kube-system", 2, dns_container, &[("k8s-app", "kube-dns")]);
    coredns.template.spec.volumes =
        vec![Volume { name: "config-volume".to_owned(), source: VolumeSource::ConfigMap("coredns".to_owned()) }];
    out.push(dns::config_map());
    out.push(Object::Deployment(coredns));
    out.extend(rbac::objects());
    out.push(Object::Service(Service {
        meta: Meta {
            labels: BTreeMap::from([("k8s-app".to_owned(), "kube-dns".to_owned())]),
            ..Meta::new("kube-dns", "kube-system")
        },
        kind: ServiceType::ClusterIP,
        selector: BTreeMap::from([("k8s-app".to_owned(), "kube-dns".to_owned())]),
        ports: vec![
            ServicePort {
                name: Some("dns".to_owned()),
                port: 53,
                target_port: IntOrString::Int(53),
                protocol: "UDP".to_owned(),
            },
            ServicePort {
                name: Some("dns-tcp".to_owned()),
                port: 53,
                target_port: IntOrString::Int(53),
                protocol: "TCP".to_owned(),
            },
        ],
        cluster_ip: String::new(),
    }));
    out.push(Object::Service(Service {
        meta: Meta::new("kubernetes", "default"),
        kind: ServiceType::ClusterIP,
        selector: BTreeMap::new(),
        ports: vec![ServicePort {
            name: Some("https".to_owned()),
            port: 443,
            target_port: IntOrString::Int(6443),
            protocol: "TCP".to_owned(),
        }],
        cluster_ip: String::new(),
    }));
    let mut ingress = Container {
        name: "controller".to_owned(),
        image: INGRESS_IMAGE.to_owned(),
        args: vec![
            "/nginx-ingress-controller".to_owned(),
            "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller".to_owned(),
        ],
        ports: vec![80, 443],
        ..Container::default()
    };
    out.push(Object::DaemonSet(kube_proxy()));
    ingress.resources.requests.cpu = Some(Millicores(100));
    ingress.resources.requests.memory = Some(Mebibytes(90));
    out.push(Object::Deployment(deployment(
        "ingress-nginx-controller",
        "ingress-nginx",
        "ingress-nginx",
        1,
        ingress,
        &[("app.kubernetes.io/name", "ingress-nginx"), ("app.kubernetes.io/component", "controller")],
    )));
    out.push(Object::Service(Service {
        meta: Meta::new("ingress-nginx-controller", "ingress-nginx"),
        kind: ServiceType::LoadBalancer,
        selector: BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), "ingress-nginx".to_owned()),
            ("app.kubernetes.io/component".to_owned(), "controller".to_owned()),
        ]),
        ports: vec![
            ServicePort {
                name: Some("http".to_owned()),
                port: 80,
                target_port: IntOrString::Int(80),
                protocol: "TCP".to_owned(),
            },
            ServicePort {
                name: Some("https".to_owned()),
                port: 443,
                target_port: IntOrString::Int(443),
                protocol: "TCP".to_owned(),
            },
        ],
        cluster_ip: String::new(),
    }));
    out.extend(metrics::objects());
    out
}
