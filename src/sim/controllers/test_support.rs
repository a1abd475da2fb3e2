//! Fixtures shared by the controller tests: small clusters built through the API (so admission
//! and stamping apply), the apps their images run, and short-hands for reading the results.

use crate::sim::apps::{AppProfile, Image, split_image};
use crate::sim::change::{Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{
    Container, ContainerState, Deployment, IntOrString, Labels, Meta, Namespace, Node, Pod, PodSpec, PodTemplate,
    Service, ServicePort,
};
use crate::sim::quantity::{Mebibytes, Millicores};

/// A settled cluster: one node and a two-replica deployment `web`, run for five minutes so
/// nothing is left to reconcile (the change-log and write-accessor tests start from it).
pub fn settled() -> Cluster {
    let objects = vec![Object::Deployment(deployment("default", "web", "web:v1", 2))];
    let mut c = cluster_with(vec![node("node-1")], &[("web:v1", web_app())], objects);
    c.advance_seconds(300);
    c
}

/// A cluster at incident time 0 with the `default` and `kube-system` namespaces, the given
/// nodes, apps (by image reference, like `web:v1`; each is its own registry tag) and objects.
pub fn cluster_with(nodes: Vec<Node>, apps: &[(&str, AppProfile)], objects: Vec<Object>) -> Cluster {
    let mut c = Cluster::new(7);
    for (image, profile) in apps {
        let (repo, tag) = split_image(image);
        c.apps_mut().insert((*image).to_owned(), profile.clone());
        match c.registry_mut().images.iter_mut().find(|i| i.repository == repo) {
            Some(i) => {
                i.tags.insert(tag.to_owned(), (*image).to_owned());
            }
            None => c.registry_mut().images.push(Image {
                repository: repo.to_owned(),
                tags: [(tag.to_owned(), (*image).to_owned())].into(),
                private: false,
            }),
        }
    }
    for ns in ["default", "kube-system"] {
        create(&mut c, Object::Namespace(Namespace { meta: Meta::new(ns, "") }));
    }
    for n in nodes {
        create(&mut c, Object::Node(n));
    }
    for o in objects {
        create(&mut c, o);
    }
    c
}

/// Creates an object through the API, failing the test if the API refuses it.
pub fn create(c: &mut Cluster, object: Object) {
    apply(c, Change::Create(object));
}

/// Applies a change as `kubectl` would, failing the test if the API refuses it.
pub fn apply(c: &mut Cluster, change: Change) {
    let what = format!("{change:?}");
    if let Err(e) = c.apply(change, "kubectl") {
        panic!("{what} was refused: {e}");
    }
}

pub fn namespace(name: &str) -> Object {
    Object::Namespace(Namespace { meta: Meta::new(name, "") })
}

/// A node with 4 CPUs and 8 GiB of memory.
pub fn node(name: &str) -> Node {
    sized_node(name, 4000, 8192)
}

pub fn sized_node(name: &str, cpu: u64, memory: u64) -> Node {
    let mut meta = Meta::new(name, "");
    meta.labels.insert("kubernetes.io/hostname".to_owned(), name.to_owned());
    Node {
        meta,
        cpu: Millicores(cpu),
        memory: Mebibytes(memory),
        max_pods: 110,
        taints: Vec::new(),
        unschedulable: false,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: crate::sim::objects::KubeletState::Running,
        kubelet_version: crate::sim::objects::KUBERNETES_VERSION.to_owned(),
        packages: crate::sim::objects::Packages::default(),
        config_files: std::collections::BTreeMap::new(),
        swap: false,
        kubelet_process: crate::sim::objects::KubeletProcess::default(),
        draining: None,
        internal_ip: String::new(),
        index: 0,
        last_heartbeat: 0,
        conditions: Vec::new(),
    }
}

/// An app listening on 8080 that is ready 5 s after it starts.
pub fn web_app() -> AppProfile {
    AppProfile::default()
}

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub fn container(name: &str, image: &str) -> Container {
    Container { name: name.to_owned(), image: image.to_owned(), ..Container::default() }
}

/// A deployment whose pods (labelled `app: NAME`) run one container named after it.
pub fn deployment(ns: &str, name: &str, image: &str, replicas: u32) -> Deployment {
    Deployment {
        meta: Meta::new(name, ns),
        replicas,
        selector: labels(&[("app", name)]),
        template: PodTemplate {
            labels: labels(&[("app", name)]),
            annotations: Labels::new(),
            spec: PodSpec {
                containers: vec![container(name, image)],
                service_account: "default".to_owned(),
                ..PodSpec::default()
            },
        },
        strategy: crate::sim::objects::Strategy::default(),
        progress_deadline_seconds: 600,
        paused: false,
        status: crate::sim::objects::DeploymentStatus::default(),
    }
}

/// A daemon set whose pods (labelled `app: NAME`) run one container named after it.
pub fn daemonset(ns: &str, name: &str, image: &str) -> crate::sim::objects::DaemonSet {
    let d = deployment(ns, name, image, 1);
    crate::sim::objects::DaemonSet {
        meta: d.meta,
        selector: d.selector,
        template: d.template,
        update_strategy: crate::sim::objects::DaemonSetStrategy::default(),
        status: crate::sim::objects::SetStatus::default(),
    }
}

/// A job running `image` once to completion, its pods never restarted.
pub fn job(ns: &str, name: &str, image: &str) -> crate::sim::objects::Job {
    crate::sim::objects::Job {
        meta: Meta::new(name, ns),
        spec: job_spec(name, image),
        status: crate::sim::objects::JobStatus::default(),
    }
}

/// A job spec whose pods run one container named `name` and are never restarted.
pub fn job_spec(name: &str, image: &str) -> crate::sim::objects::JobSpec {
    crate::sim::objects::JobSpec {
        template: PodTemplate {
            labels: Labels::new(),
            annotations: Labels::new(),
            spec: PodSpec {
                restart_policy: crate::sim::objects::RestartPolicy::Never,
                ..pod_spec(vec![container(name, image)])
            },
        },
        completions: 1,
        parallelism: 1,
        backoff_limit: 6,
        active_deadline_seconds: None,
        ttl_seconds_after_finished: None,
        suspend: false,
    }
}

/// A batch app that exits with `code` after `seconds`.
pub fn batch_app(seconds: u32, code: i32) -> AppProfile {
    AppProfile { port: None, exits_after: Some(seconds), exit_code: code, startup_seconds: 0, ..AppProfile::default() }
}

/// A bare pod (no owner) running one container.
pub fn pod(ns: &str, name: &str, spec: PodSpec) -> Pod {
    let mut meta = Meta::new(name, ns);
    meta.labels = labels(&[("app", name)]);
    Pod { meta, spec, status: crate::sim::objects::PodStatus::default() }
}

pub fn pod_spec(containers: Vec<Container>) -> PodSpec {
    PodSpec { containers, service_account: "default".to_owned(), ..PodSpec::default() }
}

/// A service selecting `app: NAME` on `port`, forwarding to `target`.
pub fn service(ns: &str, name: &str, port: u16, target: u16) -> Service {
    Service {
        meta: Meta::new(name, ns),
        kind: crate::sim::objects::ServiceType::ClusterIP,
        selector: labels(&[("app", name)]),
        ports: vec![ServicePort {
            name: None,
            port,
            target_port: IntOrString::Int(target),
            protocol: "TCP".to_owned(),
        }],
        cluster_ip: String::new(),
    }
}

/// Cluster DNS: a `coredns` deployment and the `kube-dns` service in `kube-system`. Add
/// [`DNS_IMAGE`] with [`dns_app`] to the apps.
pub fn dns_objects() -> Vec<Object> {
    let mut d = deployment("kube-system", "coredns", DNS_IMAGE, 1);
    d.template.labels = labels(&[("k8s-app", "kube-dns")]);
    d.selector = d.template.labels.clone();
    let mut svc = service("kube-system", "kube-dns", 53, 53);
    svc.selector = labels(&[("k8s-app", "kube-dns")]);
    vec![Object::Deployment(d), Object::Service(svc)]
}

pub const DNS_IMAGE: &str = "coredns:1.11";

pub fn dns_app() -> AppProfile {
    AppProfile { port: Some(53), role: crate::sim::apps::AppRole::Dns, ..AppProfile::default() }
}

/// Pods in a namespace whose name starts with `prefix`, in name order.
pub fn pods<'a>(c: &'a Cluster, ns: &str, prefix: &str) -> Vec<&'a Pod> {
    c.pods().values().filter(|p| p.meta.namespace == ns && p.meta.name.starts_with(prefix)).collect()
}

pub fn get_pod<'a>(c: &'a Cluster, ns: &str, name: &str) -> &'a Pod {
    c.pods().get(&key(ns, name)).unwrap_or_else(|| panic!("pod {ns}/{name} exists"))
}

pub fn get_deployment<'a>(c: &'a Cluster, ns: &str, name: &str) -> &'a Deployment {
    c.deployments().get(&key(ns, name)).unwrap_or_else(|| panic!("deployment {ns}/{name} exists"))
}

/// Messages of the events with this reason about one object, oldest first.
pub fn messages(c: &Cluster, kind: &str, name: &str, reason: &str) -> Vec<String> {
    c.events
        .iter()
        .filter(|e| e.kind == kind && e.name == name && e.reason == reason)
        .map(|e| e.message.clone())
        .collect()
}

/// The waiting reason (or `Running`/terminated reason) of a pod's first container.
pub fn state_of(pod: &Pod) -> String {
    match pod.status.containers.first().map(|s| &s.state) {
        Some(ContainerState::Waiting { reason, .. }) => reason.to_string(),
        Some(ContainerState::Terminated { reason, .. }) => reason.clone(),
        Some(ContainerState::Running { .. }) => "Running".to_owned(),
        None => "none".to_owned(),
    }
}

/// A small shop: an ingress controller, cluster DNS, `web` (2 pods on 8080 behind service `web`
/// port 80, calling `db:5432`) and `db` (1 pod behind service `db` port 5432) in namespace
/// `shop`, an ingress for `shop.example.com` and an entrypoint `Shop` at 10 requests per second,
/// settled for a minute.
pub fn shop() -> Cluster {
    let web = AppProfile { dependencies: vec!["db:5432".to_owned()], ..AppProfile::default() };
    let db = AppProfile { port: Some(5432), ..AppProfile::default() };
    shop_with(web, db, 10.0)
}

/// The shop of [`shop`] with its own web and db apps (web on 8080, db on 5432) and user load.
pub fn shop_with(web: AppProfile, db: AppProfile, rps: f64) -> Cluster {
    use crate::sim::apps::AppRole;
    use crate::sim::objects::{Ingress, IngressBackend, IngressPath, IngressRule};
    let nginx = AppProfile { port: Some(80), role: AppRole::IngressController, ..AppProfile::default() };
    let apps = [("web:v1", web), ("db:v1", db), ("ingress-nginx:v1", nginx), (DNS_IMAGE, dns_app())];
    let ingress = Ingress {
        meta: Meta::new("shop", "shop"),
        class: "nginx".to_owned(),
        rules: vec![IngressRule {
            host: "shop.example.com".to_owned(),
            paths: vec![IngressPath {
                path: "/".to_owned(),
                path_type: "Prefix".to_owned(),
                backend: IngressBackend { service: "web".to_owned(), port: 80 },
            }],
        }],
        tls: Vec::new(),
    };
    let mut objects = vec![namespace("shop"), namespace("ingress-nginx")];
    objects.extend(dns_objects());
    objects.extend([
        Object::Deployment(deployment("ingress-nginx", "ingress-nginx-controller", "ingress-nginx:v1", 1)),
        Object::Deployment(deployment("shop", "web", "web:v1", 2)),
        Object::Service(service("shop", "web", 80, 8080)),
        Object::Deployment(deployment("shop", "db", "db:v1", 1)),
        Object::Service(service("shop", "db", 5432, 5432)),
        Object::Ingress(ingress),
        Object::IngressClass(crate::sim::objects::IngressClass {
            meta: Meta::new("nginx", ""),
            controller: crate::sim::objects::NGINX_CONTROLLER.to_owned(),
            is_default: false,
        }),
    ]);
    let mut c = cluster_with(vec![node("node-1")], &apps, objects);
    c.entrypoints_mut().push(crate::sim::traffic::Entrypoint {
        name: "Shop".to_owned(),
        url: "https://shop.example.com/".to_owned(),
        rps,
        load: Vec::new(),
        daily: Vec::new(),
    });
    c.advance_seconds(60);
    c
}
