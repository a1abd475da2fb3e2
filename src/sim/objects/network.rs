//! Services, endpoints, ingresses and network policies.

use serde::{Deserialize, Serialize};

use super::{IntOrString, Labels, Meta};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub meta: Meta,
    #[serde(default)]
    pub kind: ServiceType,
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    #[serde(skip)]
    pub cluster_ip: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePort {
    #[serde(default)]
    pub name: Option<String>,
    pub port: u16,
    pub target_port: IntOrString,
    #[serde(default = "tcp")]
    pub protocol: String,
}

fn tcp() -> String {
    "TCP".to_owned()
}

impl ServicePort {
    /// The pod port traffic goes to; a named target port the model cannot resolve means `port`.
    pub fn target(&self) -> u16 {
        match &self.target_port {
            IntOrString::Int(n) => *n,
            IntOrString::Str(s) => s.parse().unwrap_or(self.port),
        }
    }
}

/// Computed by the endpoints controller from the service selector and pod readiness.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoints {
    pub meta: Meta,
    pub ready: Vec<EndpointAddress>,
    pub not_ready: Vec<EndpointAddress>,
    /// (name, port) resolved from the service's target ports.
    pub ports: Vec<(Option<String>, u16)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointAddress {
    pub ip: String,
    pub pod: String,
    pub node: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    pub meta: Meta,
    #[serde(default = "nginx")]
    pub class: String,
    pub rules: Vec<IngressRule>,
    #[serde(default)]
    pub tls: Vec<IngressTls>,
}

fn nginx() -> String {
    "nginx".to_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressRule {
    pub host: String,
    pub paths: Vec<IngressPath>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressPath {
    #[serde(default = "slash")]
    pub path: String,
    #[serde(default = "prefix")]
    pub path_type: String,
    pub backend: IngressBackend,
}

fn slash() -> String {
    "/".to_owned()
}
fn prefix() -> String {
    "Prefix".to_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressBackend {
    pub service: String,
    pub port: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngressTls {
    pub hosts: Vec<String>,
    pub secret_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicy {
    pub meta: Meta,
    /// `podSelector`; empty selects every pod in the namespace.
    #[serde(default)]
    pub pod_selector: Labels,
    pub policy_types: Vec<PolicyType>,
    #[serde(default)]
    pub ingress: Vec<PolicyRule>,
    #[serde(default)]
    pub egress: Vec<PolicyRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyType {
    Ingress,
    Egress,
}

/// One `ingress`/`egress` rule. Empty `peers` means any peer; empty `ports` any port.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRule {
    #[serde(default)]
    pub peers: Vec<PolicyPeer>,
    #[serde(default)]
    pub ports: Vec<PolicyPort>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPeer {
    /// `podSelector`; `None` with a namespace selector means every pod there.
    #[serde(default)]
    pub pod_selector: Option<Labels>,
    /// `namespaceSelector` over namespace labels; `None` means the policy's own namespace.
    #[serde(default)]
    pub namespace_selector: Option<Labels>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPort {
    pub port: u16,
    #[serde(default = "tcp")]
    pub protocol: String,
}
