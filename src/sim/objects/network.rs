//! Services, endpoints, ingresses and network policies.

use serde::{Deserialize, Serialize};

use super::{IntOrString, Labels, Meta, Selector, SelectorOp, SelectorTerm};

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

/// A `networking.k8s.io/v1` `NetworkPolicy`. The `*_expressions` fields are the `matchExpressions`
/// of the selector beside them (kept apart so a scenario's `pod_selector: {"app": "db"}` still
/// reads as `matchLabels`); see ARCHITECTURE.md, "The simulation".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicy {
    pub meta: Meta,
    /// `podSelector.matchLabels`; an empty selector selects every pod in the namespace.
    #[serde(default)]
    pub pod_selector: Labels,
    pub policy_types: Vec<PolicyType>,
    #[serde(default)]
    pub ingress: Vec<PolicyRule>,
    #[serde(default)]
    pub egress: Vec<PolicyRule>,
    /// `podSelector.matchExpressions`, `AND`ed with `pod_selector`.
    #[serde(default)]
    pub pod_selector_expressions: Vec<LabelRequirement>,
}

impl NetworkPolicy {
    /// The pods this policy applies to, as one selector.
    pub fn pod_selector(&self) -> Selector {
        selector(&self.pod_selector, &self.pod_selector_expressions)
    }
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

/// One `from`/`to` entry: pod and namespace selectors, or an `ipBlock` (never both).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPeer {
    /// `podSelector.matchLabels`; `None` (and no expressions) with a namespace selector means
    /// every pod there.
    #[serde(default)]
    pub pod_selector: Option<Labels>,
    /// `namespaceSelector.matchLabels` over namespace labels; `None` (and no expressions) means
    /// the policy's own namespace.
    #[serde(default)]
    pub namespace_selector: Option<Labels>,
    /// `podSelector.matchExpressions`; any makes the pod selector present.
    #[serde(default)]
    pub pod_selector_expressions: Vec<LabelRequirement>,
    /// `namespaceSelector.matchExpressions`; any makes the namespace selector present.
    #[serde(default)]
    pub namespace_selector_expressions: Vec<LabelRequirement>,
    /// `ipBlock`: addresses in `cidr` and in none of `except`.
    #[serde(default)]
    pub ip_block: Option<IpBlock>,
}

impl PolicyPeer {
    /// The peer's pod selector, if it has one (`podSelector: {}` is present and selects all).
    pub fn pod_selector(&self) -> Option<Selector> {
        (self.pod_selector.is_some() || !self.pod_selector_expressions.is_empty())
            .then(|| selector(self.pod_selector.as_ref().unwrap_or(&Labels::new()), &self.pod_selector_expressions))
    }

    /// The peer's namespace selector, if it has one.
    pub fn namespace_selector(&self) -> Option<Selector> {
        (self.namespace_selector.is_some() || !self.namespace_selector_expressions.is_empty()).then(|| {
            selector(self.namespace_selector.as_ref().unwrap_or(&Labels::new()), &self.namespace_selector_expressions)
        })
    }
}

/// One `matchExpressions` entry of a label selector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRequirement {
    pub key: String,
    pub operator: LabelOperator,
    /// Required for `In`/`NotIn`, empty for `Exists`/`DoesNotExist`.
    #[serde(default)]
    pub values: Vec<String>,
}

/// The operators `matchExpressions` allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabelOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl LabelOperator {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelOperator::In => "In",
            LabelOperator::NotIn => "NotIn",
            LabelOperator::Exists => "Exists",
            LabelOperator::DoesNotExist => "DoesNotExist",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "In" => Some(LabelOperator::In),
            "NotIn" => Some(LabelOperator::NotIn),
            "Exists" => Some(LabelOperator::Exists),
            "DoesNotExist" => Some(LabelOperator::DoesNotExist),
            _ => None,
        }
    }
}

impl LabelRequirement {
    fn term(&self) -> SelectorTerm {
        let op = match self.operator {
            LabelOperator::In => SelectorOp::In(self.values.clone()),
            LabelOperator::NotIn => SelectorOp::NotIn(self.values.clone()),
            LabelOperator::Exists => SelectorOp::Exists,
            LabelOperator::DoesNotExist => SelectorOp::DoesNotExist,
        };
        SelectorTerm { key: self.key.clone(), op }
    }
}

/// `matchLabels` and `matchExpressions` `AND`ed into one selector, terms sorted by key as
/// apimachinery sorts them (so it prints as `kubectl` prints it).
pub fn selector(labels: &Labels, expressions: &[LabelRequirement]) -> Selector {
    let mut sel = Selector::from_labels(labels);
    sel.terms.extend(expressions.iter().map(LabelRequirement::term));
    sel.terms.sort_by(|a, b| a.key.cmp(&b.key));
    sel
}

/// `ipBlock`: an IPv4 CIDR and the CIDRs inside it that are excluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpBlock {
    pub cidr: String,
    #[serde(default)]
    pub except: Vec<String>,
}

impl IpBlock {
    /// Whether an address is in `cidr` and in no `except` range. Text that is not an IPv4
    /// address or CIDR matches nothing (the API server refuses it before it gets here).
    pub fn contains(&self, ip: &str) -> bool {
        let Some(addr) = parse_ipv4(ip) else { return false };
        cidr_contains(&self.cidr, addr) && !self.except.iter().any(|e| cidr_contains(e, addr))
    }
}

/// Parses a dotted-quad IPv4 address (`core::net` holds the address types only: no sockets, no I/O).
pub fn parse_ipv4(text: &str) -> Option<u32> {
    text.parse::<core::net::Ipv4Addr>().ok().map(u32::from)
}

/// Parses `a.b.c.d/n` into (network address, prefix length).
pub fn parse_cidr(text: &str) -> Option<(u32, u32)> {
    let (addr, bits) = text.split_once('/')?;
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    if bits.to_string() != text.split_once('/')?.1 {
        return None;
    }
    Some((parse_ipv4(addr)?, bits))
}

fn mask(bits: u32) -> u32 {
    if bits == 0 { 0 } else { u32::MAX << (32 - bits) }
}

fn cidr_contains(cidr: &str, addr: u32) -> bool {
    parse_cidr(cidr).is_some_and(|(net, bits)| net & mask(bits) == addr & mask(bits))
}

/// Whether `inner` is a strict subset of `outer` (what the API requires of `except`).
pub fn cidr_strict_subset(inner: &str, outer: &str) -> bool {
    match (parse_cidr(inner), parse_cidr(outer)) {
        (Some((i, ib)), Some((o, ob))) => ib > ob && i & mask(ob) == o & mask(ob),
        _ => false,
    }
}

/// One `ports` entry: a number (with `end_port`, a range), a container port name, or neither
/// (every port of the protocol).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPort {
    /// `port` as a number.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default = "tcp")]
    pub protocol: String,
    /// `port` as a name: the destination pod's container port of that name and protocol.
    #[serde(default)]
    pub port_name: Option<String>,
    /// `endPort`: with a numeric `port`, the rule covers `port..=end_port`.
    #[serde(default)]
    pub end_port: Option<u16>,
}

impl PolicyPort {
    /// A single numbered TCP port.
    pub fn tcp(port: u16) -> Self {
        PolicyPort { port: Some(port), protocol: tcp(), port_name: None, end_port: None }
    }

    /// `port` as kubectl prints it: the number, the name, or `<nil>` when unset.
    pub fn port_text(&self) -> String {
        match (&self.port, &self.port_name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "<nil>".to_owned(),
        }
    }

    /// Whether a connection to `port` over `protocol` on a pod whose container ports are named
    /// by `port_names` is covered. A name no container port has covers nothing.
    pub fn covers(&self, port: u16, protocol: &str, port_names: &dyn Fn(&str) -> Option<u16>) -> bool {
        if self.protocol != protocol {
            return false;
        }
        match (self.port, &self.port_name) {
            (Some(start), _) => (start..=self.end_port.unwrap_or(start).max(start)).contains(&port),
            (None, Some(name)) => port_names(name) == Some(port),
            (None, None) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn req(key: &str, operator: LabelOperator, values: &[&str]) -> LabelRequirement {
        LabelRequirement { key: key.to_owned(), operator, values: values.iter().map(|v| (*v).to_owned()).collect() }
    }

    #[test]
    fn ip_block_matches_its_cidr_minus_the_excepted_ranges() {
        let block = IpBlock { cidr: "10.0.0.0/8".to_owned(), except: vec!["10.244.1.0/24".to_owned()] };
        assert!(block.contains("10.244.0.7"));
        assert!(block.contains("10.0.0.0"));
        assert!(block.contains("10.255.255.255"));
        assert!(!block.contains("10.244.1.7"), "an excepted address");
        assert!(!block.contains("11.0.0.1"), "outside the cidr");
        assert!(!block.contains("not-an-ip"));
        let everywhere = IpBlock { cidr: "0.0.0.0/0".to_owned(), except: vec!["169.254.169.254/32".to_owned()] };
        assert!(everywhere.contains("203.0.113.9"));
        assert!(!everywhere.contains("169.254.169.254"));
        let v6 = IpBlock { cidr: "2001:db8::/64".to_owned(), except: Vec::new() };
        assert!(!v6.contains("10.0.0.1"), "an IPv6 block holds no IPv4 address");
    }

    #[test]
    fn cidrs_parse_strictly_and_subsets_must_be_strict() {
        assert_eq!(parse_cidr("10.0.0.0/8"), Some((0x0a00_0000, 8)));
        for bad in ["10.0.0.0", "10.0.0/8", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1", "x/8"] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
        assert!(cidr_strict_subset("10.1.0.0/16", "10.0.0.0/8"));
        assert!(!cidr_strict_subset("10.0.0.0/8", "10.0.0.0/8"), "equal is not strict");
        assert!(!cidr_strict_subset("11.0.0.0/16", "10.0.0.0/8"));
        assert!(!cidr_strict_subset("10.0.0.0/4", "10.0.0.0/8"));
    }

    #[test]
    fn each_match_expression_operator_selects_as_the_api_defines() {
        let web = labels(&[("app", "web"), ("tier", "frontend")]);
        let bare = labels(&[("app", "db")]);
        let cases = [
            (req("app", LabelOperator::In, &["web", "api"]), true, false),
            (req("app", LabelOperator::NotIn, &["web"]), false, true),
            (req("tier", LabelOperator::NotIn, &["backend"]), true, true),
            (req("tier", LabelOperator::Exists, &[]), true, false),
            (req("tier", LabelOperator::DoesNotExist, &[]), false, true),
        ];
        for (r, on_web, on_bare) in cases {
            let sel = selector(&Labels::new(), std::slice::from_ref(&r));
            assert_eq!((sel.matches(&web), sel.matches(&bare)), (on_web, on_bare), "{r:?}");
        }
        // matchLabels and matchExpressions are ANDed.
        let both = selector(&labels(&[("app", "web")]), &[req("tier", LabelOperator::In, &["backend"])]);
        assert!(!both.matches(&web));
        assert_eq!(both.format_label_selector(), "app=web,tier in (backend)");
        let sorted = selector(
            &Labels::new(),
            &[req("b", LabelOperator::NotIn, &["z", "y"]), req("a", LabelOperator::Exists, &[])],
        );
        assert_eq!(sorted.format_label_selector(), "a,b notin (y,z)");
        assert_eq!(selector(&Labels::new(), &[]).format_label_selector(), "<none>");
    }

    #[test]
    fn peer_selectors_are_present_with_labels_or_expressions() {
        let mut peer = PolicyPeer::default();
        assert!(peer.pod_selector().is_none() && peer.namespace_selector().is_none());
        peer.namespace_selector_expressions = vec![req("team", LabelOperator::Exists, &[])];
        assert!(peer.namespace_selector().is_some_and(|s| !s.matches(&Labels::new())));
        peer.pod_selector = Some(Labels::new());
        assert!(peer.pod_selector().is_some_and(|s| s.matches(&labels(&[("any", "pod")]))));
    }

    #[test]
    fn ports_cover_numbers_ranges_and_names_of_their_protocol() {
        let names = |name: &str| (name == "http").then_some(8080_u16);
        let http =
            PolicyPort { port: None, protocol: "TCP".to_owned(), port_name: Some("http".to_owned()), end_port: None };
        assert!(http.covers(8080, "TCP", &names));
        assert!(!http.covers(80, "TCP", &names));
        assert!(!http.covers(8080, "UDP", &names), "the name resolves for its protocol only");
        let metrics = PolicyPort { port_name: Some("metrics".to_owned()), ..http.clone() };
        for port in [1, 80, 8080, 9090, 65535] {
            assert!(!metrics.covers(port, "TCP", &names), "a name no container port has allows nothing ({port})");
        }
        let range = PolicyPort { end_port: Some(32768), ..PolicyPort::tcp(32000) };
        assert!(range.covers(32000, "TCP", &names) && range.covers(32768, "TCP", &names));
        assert!(!range.covers(31999, "TCP", &names) && !range.covers(32769, "TCP", &names));
        let any_udp = PolicyPort { port: None, protocol: "UDP".to_owned(), port_name: None, end_port: None };
        assert!(any_udp.covers(53, "UDP", &names) && !any_udp.covers(53, "TCP", &names));
        assert_eq!(http.port_text(), "http");
        assert_eq!(any_udp.port_text(), "<nil>");
        assert_eq!(range.port_text(), "32000");
    }
}
