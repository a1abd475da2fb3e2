//! The control plane as kubeadm runs it: etcd, the API server, the controller manager and the
//! scheduler are static pods, manifests in `/etc/kubernetes/manifests` on the control-plane
//! node that its kubelet runs (and mirrors into `kube-system`). Whether a component runs, which
//! controllers the controller manager starts and the version the API server reports are read
//! from those files, so moving or editing one has the effect it has on a real cluster.
//!
//! A cluster without a control-plane node (a bare test fixture, a scenario with `system: false`)
//! has every component running, as before there was a control plane to break.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::sim::cluster::Cluster;
use crate::sim::objects::{KUBERNETES_VERSION, KubeletState, Node};
use crate::sim::quantity::{Mebibytes, Millicores};

/// Where the kubelet looks for static pod manifests (`staticPodPath`).
pub const MANIFESTS_DIR: &str = "/etc/kubernetes/manifests";
/// The kubelet's configuration file.
pub const KUBELET_CONFIG: &str = "/var/lib/kubelet/config.yaml";
/// The API server's secure port on the control-plane node.
pub const API_SERVER_PORT: u16 = 6443;
/// The label that makes a node a control-plane node (and the taint kubeadm puts on it).
pub const CONTROL_PLANE_ROLE: &str = "node-role.kubernetes.io/control-plane";
/// etcd's image tag in kubeadm 1.31.
pub const ETCD_VERSION: &str = "3.5.15-0";
/// Kubernetes versions whose control-plane images the registry has (for upgrades).
pub const VERSIONS: &[&str] = &["v1.29.9", "v1.30.5", "v1.31.0", "v1.31.1", "v1.32.0"];

/// A control-plane component kubeadm runs as a static pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    Etcd,
    ApiServer,
    ControllerManager,
    Scheduler,
}

impl Component {
    pub const ALL: [Component; 4] =
        [Component::Etcd, Component::ApiServer, Component::ControllerManager, Component::Scheduler];

    /// The static pod's (and its container's and binary's) name.
    pub const fn name(self) -> &'static str {
        match self {
            Component::Etcd => "etcd",
            Component::ApiServer => "kube-apiserver",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
        }
    }

    pub fn manifest_path(self) -> String {
        format!("{MANIFESTS_DIR}/{}.yaml", self.name())
    }

    /// The image repository (`registry.k8s.io/kube-apiserver`).
    pub fn repository(self) -> String {
        format!("registry.k8s.io/{}", self.name())
    }

    fn image(self, version: &str) -> String {
        match self {
            Component::Etcd => format!("{}:{ETCD_VERSION}", self.repository()),
            _ => format!("{}:{version}", self.repository()),
        }
    }

    /// The port its health endpoint listens on.
    pub const fn port(self) -> u16 {
        match self {
            Component::Etcd => 2381,
            Component::ApiServer => API_SERVER_PORT,
            Component::ControllerManager => 10257,
            Component::Scheduler => 10259,
        }
    }

    fn flags(self, ip: &str) -> Vec<String> {
        let flags: &[&str] = match self {
            Component::Etcd => &[
                "--advertise-client-urls=https://{ip}:2379",
                "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                "--client-cert-auth=true",
                "--data-dir=/var/lib/etcd",
                "--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
                "--listen-metrics-urls=http://127.0.0.1:2381",
                "--name={node}",
                "--snapshot-count=10000",
                "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
            ],
            Component::ApiServer => &[
                "--advertise-address={ip}",
                "--allow-privileged=true",
                "--authorization-mode=Node,RBAC",
                "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                "--enable-admission-plugins=NodeRestriction",
                "--enable-bootstrap-token-auth=true",
                "--etcd-servers=https://127.0.0.1:2379",
                "--secure-port=6443",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
                "--service-cluster-ip-range=10.96.0.0/12",
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
                "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
            ],
            Component::ControllerManager => &[
                "--allocate-node-cidrs=true",
                "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--bind-address=127.0.0.1",
                "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                "--cluster-cidr=10.244.0.0/16",
                "--cluster-name=kubernetes",
                "--controllers=*,bootstrapsigner,tokencleaner",
                "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--leader-elect=true",
                "--root-ca-file=/etc/kubernetes/pki/ca.crt",
                "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
                "--service-cluster-ip-range=10.96.0.0/12",
                "--use-service-account-credentials=true",
            ],
            Component::Scheduler => &[
                "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--bind-address=127.0.0.1",
                "--kubeconfig=/etc/kubernetes/scheduler.conf",
                "--leader-elect=true",
            ],
        };
        flags.iter().map(|f| f.replace("{ip}", ip)).collect()
    }

    fn requests(self) -> (&'static str, Option<&'static str>) {
        match self {
            Component::Etcd => ("100m", Some("100Mi")),
            Component::ApiServer => ("250m", None),
            Component::ControllerManager => ("200m", None),
            Component::Scheduler => ("100m", None),
        }
    }

    /// The manifest kubeadm writes for this component on a node with this address.
    pub fn manifest(self, node: &str, ip: &str, version: &str) -> String {
        let name = self.name();
        let mut out = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n");
        if self == Component::ApiServer {
            let _ = writeln!(
                out,
                "  annotations:\n    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: {ip}:{API_SERVER_PORT}"
            );
        }
        let _ = writeln!(
            out,
            "  labels:\n    component: {name}\n    tier: control-plane\n  name: {name}\n  namespace: kube-system\nspec:\n  containers:\n  - command:\n    - {name}"
        );
        for flag in self.flags(ip) {
            let _ = writeln!(out, "    - {}", flag.replace("{node}", node));
        }
        let (cpu, memory) = self.requests();
        let _ = writeln!(
            out,
            "    image: {}\n    imagePullPolicy: IfNotPresent\n    name: {name}\n    resources:\n      requests:\n        cpu: {cpu}",
            self.image(version)
        );
        if let Some(m) = memory {
            let _ = writeln!(out, "        memory: {m}");
        }
        out.push_str("  hostNetwork: true\n  priority: 2000001000\n  priorityClassName: system-node-critical\n");
        out
    }
}

/// A static pod manifest as the kubelet reads it: enough to run and mirror it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticPod {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub container: String,
    pub image: String,
    pub command: Vec<String>,
    pub cpu: Option<Millicores>,
    pub memory: Option<Mebibytes>,
}

impl StaticPod {
    /// A stable 32-hex-digit hash of what the kubelet runs, like the kubelet's config hash.
    pub fn config_hash(&self) -> String {
        let text = format!("{}|{}|{}|{:?}|{:?}", self.name, self.image, self.command.join(" "), self.cpu, self.memory);
        let mut a: u64 = 0xcbf2_9ce4_8422_2325;
        let mut b: u64 = 0x8422_2325_cbf2_9ce4;
        for byte in text.bytes() {
            a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3 | 0x10);
        }
        format!("{a:016x}{b:016x}")
    }

    /// Reads the manifest kubeadm's shape of YAML (two-space indents, one container); `None`
    /// when it is not a pod the kubelet could run (it logs and skips such a file).
    pub fn parse(text: &str) -> Option<StaticPod> {
        let mut name = None;
        let mut container = None;
        let mut image = None;
        let mut command = Vec::new();
        let mut labels = Vec::new();
        let mut cpu = None;
        let mut memory = None;
        let mut section = "";
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent == 0 {
                section = "";
            }
            match (indent, trimmed) {
                (2, "labels:") => section = "labels",
                (2, _) if trimmed.starts_with("name: ") => {
                    name = trimmed.strip_prefix("name: ").map(str::to_owned);
                    section = "";
                }
                (2, "- command:") | (4, "command:") => section = "command",
                (4, _) if section == "command" && trimmed.starts_with("- ") => {
                    command.push(trimmed[2..].trim_matches('"').to_owned());
                }
                (4, _) if section == "labels" => {
                    if let Some((k, v)) = trimmed.split_once(": ") {
                        labels.push((k.to_owned(), v.to_owned()));
                    }
                }
                (4, _) if trimmed.starts_with("image: ") => image = trimmed.strip_prefix("image: ").map(str::to_owned),
                (4, _) if trimmed.starts_with("name: ") => {
                    container = trimmed.strip_prefix("name: ").map(str::to_owned);
                }
                (8, _) if trimmed.starts_with("cpu: ") => cpu = trimmed[5..].trim().parse().ok(),
                (8, _) if trimmed.starts_with("memory: ") => memory = trimmed[8..].trim().parse().ok(),
                (2 | 4, _) => section = if indent == 4 && section == "command" { "" } else { section },
                _ => {}
            }
        }
        let name = name?;
        Some(StaticPod {
            container: container.unwrap_or_else(|| name.clone()),
            name,
            labels,
            image: image?,
            command,
            cpu,
            memory,
        })
    }

    /// The value of `--flag=value` on its command line.
    pub fn flag(&self, flag: &str) -> Option<&str> {
        let prefix = format!("--{flag}=");
        self.command.iter().find_map(|w| w.strip_prefix(&prefix))
    }
}

/// Whether kubeadm made this node a control-plane node (its role label).
pub fn node_is_control_plane(node: &Node) -> bool {
    node.meta.labels.contains_key(CONTROL_PLANE_ROLE)
}

/// The control-plane node: the one labelled for it that has static pod manifests.
pub fn node(cluster: &Cluster) -> Option<&Node> {
    let dir = format!("{MANIFESTS_DIR}/");
    cluster
        .nodes()
        .values()
        .find(|n| n.meta.labels.contains_key(CONTROL_PLANE_ROLE) && n.config_files.keys().any(|p| p.starts_with(&dir)))
}

/// The static pods a node's kubelet runs: every manifest under the directory that parses
/// (whatever the file is called, as the kubelet reads every file there but dotfiles), by path.
pub fn static_pods(node: &Node) -> Vec<(&str, StaticPod)> {
    let dir = format!("{MANIFESTS_DIR}/");
    node.config_files
        .iter()
        .filter(|(p, _)| p.strip_prefix(&dir).is_some_and(|f| !f.contains('/') && !f.starts_with('.')))
        .filter_map(|(p, text)| StaticPod::parse(text).map(|pod| (p.as_str(), pod)))
        .collect()
}

/// The static pods `node`'s kubelet runs, as [`static_pods`] reads them, from the step's parse
/// while the node's files are unchanged since (the step's readers ask several times a step).
pub fn static_pods_of<'a>(cluster: &'a Cluster, node: &'a Node) -> Vec<(&'a str, Arc<StaticPod>)> {
    match cluster.node_files(node) {
        Some(parsed) => parsed.static_pods.iter().map(|(path, pod)| (path.as_str(), Arc::clone(pod))).collect(),
        None => static_pods(node).into_iter().map(|(path, pod)| (path, Arc::new(pod))).collect(),
    }
}

/// What the control plane runs, read from the manifests once: the controllers ask every step the
/// world changed, so they share one reading.
#[derive(Clone, Debug, Default)]
pub struct Status {
    /// Whether the cluster has a control-plane node at all (else everything runs).
    modelled: bool,
    /// The static pods its kubelet runs with an image the registry has (shared with the step's
    /// parse of the node's files, `Cluster::node_files`: read every step, not copied).
    running: Vec<Arc<StaticPod>>,
}

impl Status {
    pub fn read(cluster: &Cluster) -> Status {
        let Some(node) = node(cluster) else {
            return Status::default();
        };
        let running = if node.kubelet == KubeletState::Running {
            static_pods_of(cluster, node)
                .into_iter()
                .map(|(_, pod)| pod)
                .filter(|pod| cluster.app_for_image(&pod.image).is_some())
                .collect()
        } else {
            Vec::new()
        };
        Status { modelled: true, running }
    }

    /// Whether a component runs: always, in a cluster without a modelled control plane.
    pub fn runs(&self, component: Component) -> bool {
        !self.modelled || self.running.iter().any(|p| p.name == component.name())
    }

    /// Whether the controller manager runs and starts this controller (`replicaset`,
    /// `deployment`, `root-ca-cert-publisher`, …), from its `--controllers` flag: `*` is every
    /// default controller, `-name` turns one off, a list without `*` names the only ones started.
    pub fn controller_enabled(&self, controller: &str) -> bool {
        if !self.modelled {
            return true;
        }
        let Some(pod) = self.running.iter().find(|p| p.name == Component::ControllerManager.name()) else {
            return false;
        };
        let list = pod.flag("controllers").unwrap_or("*");
        let names: Vec<&str> = list.split(',').map(str::trim).collect();
        if names.contains(&format!("-{controller}").as_str()) {
            return false;
        }
        names.contains(&"*") || names.contains(&controller)
    }
}

/// Whether a component runs (see [`Status::runs`]).
pub fn runs(cluster: &Cluster, component: Component) -> bool {
    Status::read(cluster).runs(component)
}

/// Whether the controller manager starts a controller (see [`Status::controller_enabled`]).
pub fn controller_enabled(cluster: &Cluster, controller: &str) -> bool {
    Status::read(cluster).controller_enabled(controller)
}

/// The API server's address (its node's `InternalIP`), for `endpoints kubernetes`, kubeconfigs and
/// `cluster-info`; `None` without a control-plane node.
pub fn api_server_ip(cluster: &Cluster) -> Option<String> {
    node(cluster).map(|n| n.internal_ip.clone()).filter(|ip| !ip.is_empty())
}

/// `https://IP:6443`, the server URL a kubeconfig names.
pub fn api_server_url(cluster: &Cluster) -> Option<String> {
    api_server_ip(cluster).map(|ip| format!("https://{ip}:{API_SERVER_PORT}"))
}

/// The version the API server reports (`kubectl version`): its image's tag.
pub fn server_version(cluster: &Cluster) -> String {
    node(cluster)
        .and_then(|n| {
            // The node lifecycle asks every step: from the step's parse of the node's files while
            // they are unchanged.
            match cluster.node_files(n) {
                Some(parsed) => parsed.api_server_version.clone(),
                None => api_server_version(n),
            }
        })
        .unwrap_or_else(|| KUBERNETES_VERSION.to_owned())
}

/// The tag of the API server's image on a control-plane node, from its files: `None` when no
/// manifest there runs it.
pub(in crate::sim) fn api_server_version(n: &Node) -> Option<String> {
    // Kubeadm's file by its name first, cheaply.
    let fast = n.config_files.get(&Component::ApiServer.manifest_path()).and_then(|text| {
        let prefix = format!("image: {}:", Component::ApiServer.repository());
        text.lines().find_map(|l| l.trim().strip_prefix(prefix.as_str()).map(str::to_owned))
    });
    if fast.is_some() {
        return fast;
    }
    static_pods(n)
        .into_iter()
        .find(|(_, p)| p.name == Component::ApiServer.name())
        .and_then(|(_, p)| p.image.rsplit_once(':').map(|(_, tag)| tag.to_owned()))
}

/// `v1.31.0` as (1, 31); `None` if it is not a version.
pub fn minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A version as (major, minor, patch), to order `v1.30.5` before `v1.31.0`; what does not parse
/// counts as 0, and a package revision (`1.31.0-1.1`) is ignored.
pub fn release(version: &str) -> (u32, u32, u32) {
    let mut parts = version.trim_start_matches('v').split(['.', '-']).map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The version skew policy's verdict on a kubelet against the API server: a kubelet newer than
/// the API server is refused; one more than three minors older is unsupported.
pub fn kubelet_skew(kubelet: &str, api_server: &str) -> Skew {
    skew(minor(kubelet), minor(api_server))
}

/// [`kubelet_skew`] of versions already read with [`minor`] (the node lifecycle reads the API
/// server's once a step, not once per node).
pub fn skew(kubelet: Option<(u32, u32)>, api_server: Option<(u32, u32)>) -> Skew {
    match (kubelet, api_server) {
        (Some(k), Some(a)) if k.0 == a.0 && k.1 > a.1 => Skew::NewerThanApiServer,
        (Some(k), Some(a)) if k.0 == a.0 && a.1 > k.1 + 3 => Skew::TooOld,
        _ => Skew::Supported,
    }
}

/// How a kubelet's version stands against the API server's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skew {
    Supported,
    NewerThanApiServer,
    TooOld,
}

/// `/var/lib/kubelet/config.yaml` as kubeadm writes it.
pub fn kubelet_config(node: &Node) -> String {
    format!(
        "apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: \"\"
cpuManagerReconcilePeriod: 0s
evictionHard:
  imagefs.available: 15%
  memory.available: 100Mi
  nodefs.available: 10%
  nodefs.inodesFree: 5%
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
  verbosity: 0
maxPods: {}
memorySwap: {{}}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s",
        node.max_pods
    )
}

/// The kubelet's configuration file on a node: as written there, or as kubeadm wrote it.
pub fn kubelet_config_text(node: &Node) -> String {
    node.config_files.get(KUBELET_CONFIG).cloned().unwrap_or_else(|| kubelet_config(node))
}

/// The DNS server the node's kubelet writes into new pods' `/etc/resolv.conf` (`clusterDNS`).
pub fn cluster_dns(node: &Node) -> String {
    // The kubelet uses what it read when it started, not what the file says since.
    if let Some(settings) = &node.kubelet_process.settings {
        return settings.cluster_dns.clone();
    }
    let Some(text) = node.config_files.get(KUBELET_CONFIG) else {
        return crate::sim::network::DNS_IP.to_owned();
    };
    let mut lines = text.lines().skip_while(|l| l.trim() != "clusterDNS:");
    lines.next();
    lines
        .next()
        .and_then(|l| l.trim().strip_prefix("- "))
        .map_or_else(String::new, |ip| ip.trim().trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadm_manifests_parse_back() {
        for c in Component::ALL {
            let text = c.manifest("cp-1", "192.168.49.4", "v1.31.0");
            let pod = StaticPod::parse(&text).expect("kubeadm's manifest parses");
            assert_eq!(pod.name, c.name());
            assert_eq!(pod.container, c.name());
            assert_eq!(pod.command.first().map(String::as_str), Some(c.name()));
            assert!(pod.labels.contains(&("tier".to_owned(), "control-plane".to_owned())), "{pod:?}");
            assert!(pod.cpu.is_some());
        }
        let api = StaticPod::parse(&Component::ApiServer.manifest("cp-1", "10.0.0.2", "v1.30.5")).expect("parses");
        assert_eq!(api.image, "registry.k8s.io/kube-apiserver:v1.30.5");
        assert_eq!(api.flag("advertise-address"), Some("10.0.0.2"));
        let cm =
            StaticPod::parse(&Component::ControllerManager.manifest("cp-1", "10.0.0.2", "v1.31.0")).expect("parses");
        assert_eq!(cm.flag("controllers"), Some("*,bootstrapsigner,tokencleaner"));
    }

    #[test]
    fn a_file_that_is_not_a_pod_does_not_parse() {
        assert_eq!(StaticPod::parse("apiVersion: v1\nkind: Pod\n"), None);
        assert_eq!(StaticPod::parse(""), None);
    }

    /// The version skew policy: kubelets may be up to three minors older than the API server,
    /// never newer.
    #[test]
    fn skew_follows_the_version_skew_policy() {
        assert_eq!(kubelet_skew("v1.31.0", "v1.31.1"), Skew::Supported);
        assert_eq!(kubelet_skew("v1.28.0", "v1.31.0"), Skew::Supported);
        assert_eq!(kubelet_skew("v1.27.9", "v1.31.0"), Skew::TooOld);
        assert_eq!(kubelet_skew("v1.32.0", "v1.31.0"), Skew::NewerThanApiServer);
        assert_eq!(minor("v1.31.0"), Some((1, 31)));
        assert_eq!(minor("banana"), None);
    }
}
