//! Reachability inside the cluster: DNS through `CoreDNS`, services to ready endpoints, pod ports,
//! and network policy. The traffic model, `exec … curl`, `nslookup` and app logs all ask here,
//! so a fix that changes the world changes every one of them.

use super::apps::AppRole;
use super::cluster::{Cluster, key};
use super::objects::{Labels, NetworkPolicy, Pod, PolicyPeer, PolicyRule, PolicyType};

/// Where a request starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    /// A pod, by namespace and name (its labels decide network policy).
    Pod { namespace: &'a str, name: &'a str },
    /// A throwaway debug pod in a namespace, with no labels.
    Debug { namespace: &'a str },
    /// The ingress controller, for user traffic.
    Ingress,
    /// The pod's own network namespace: `localhost` inside it, or a `kubectl port-forward`
    /// (which the kubelet connects inside the pod). Network policy does not filter it.
    Local { namespace: &'a str, name: &'a str },
}

/// What a request got.
#[derive(Clone, Debug, PartialEq)]
pub enum HttpOutcome {
    /// An answer: status code, body, and the pod that answered.
    Response { status: u16, body: String, pod: Option<String> },
    /// `connect: connection refused` (nothing listening, or no endpoints behind a cluster IP).
    Refused { addr: String },
    /// `i/o timeout` / `context deadline exceeded` (dropped by network policy).
    Timeout { addr: String },
    /// `lookup HOST on 10.96.0.10:53: no such host` or a DNS timeout.
    DnsError { host: String, message: String },
}

/// Result of a name lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The name resolved to this address (a service's cluster IP, or a pod IP).
    Address { fqdn: String, ip: String },
    /// NXDOMAIN.
    NoSuchHost,
    /// The DNS server did not answer (`CoreDNS` down or unreachable).
    Timeout,
}

pub const DNS_IP: &str = "10.96.0.10";

/// The address the ingress controller publishes in every Ingress's status (and that ingress
/// hosts resolve to): the `InternalIP` of the node its first ready pod runs on, as ingress-nginx
/// reports when its `LoadBalancer` has no address. A cluster without a controller (a bare test
/// fixture) falls back to its first worker node, so `get ingress`, `describe ingress`, `-o yaml`
/// and lookups agree either way.
pub fn ingress_address(cluster: &Cluster) -> Option<String> {
    let is_controller = |p: &&Pod| {
        p.spec
            .containers
            .iter()
            .any(|c| cluster.app_for_image(&c.image).is_some_and(|a| a.role == AppRole::IngressController))
    };
    let controllers: Vec<&Pod> = cluster.pods().values().filter(is_controller).collect();
    let node = if controllers.is_empty() {
        cluster.nodes().values().find(|n| n.role() != "control-plane").or_else(|| cluster.nodes().values().next())
    } else {
        let running = controllers.iter().find(|p| p.is_ready())?;
        cluster.nodes().get(running.status.node.as_deref()?)
    };
    node.map(|n| n.internal_ip.clone()).filter(|ip| !ip.is_empty())
}

/// Whether text is a dotted-quad IPv4 address.
pub fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// Where a name or address points inside the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Service {
        namespace: String,
        name: String,
    },
    Pod {
        namespace: String,
        name: String,
    },
    /// The ingress controller, by an ingress host name.
    IngressHost(String),
}

impl<'a> Source<'a> {
    fn namespace(self) -> &'a str {
        match self {
            Source::Pod { namespace, .. } | Source::Local { namespace, .. } | Source::Debug { namespace } => namespace,
            Source::Ingress => "ingress-nginx",
        }
    }
}

/// Whether cluster DNS answers queries from `source`.
fn dns_answers(cluster: &Cluster, source: Source<'_>) -> bool {
    let Some(eps) = cluster.endpoints().get(&key("kube-system", "kube-dns")) else {
        return false;
    };
    eps.ready.iter().any(|addr| {
        let Some(dns_pod) = cluster.pods().get(&key("kube-system", &addr.pod)) else {
            return false;
        };
        let serves_dns = dns_pod
            .spec
            .containers
            .iter()
            .any(|c| cluster.app_for_image(&c.image).is_some_and(|a| a.role == AppRole::Dns));
        serves_dns && policy_allows_protocol(cluster, source, dns_pod, 53, "UDP")
    })
}

/// Resolves `host` as a pod in `namespace` would (search path `ns.svc.cluster.local`, …).
pub fn lookup(cluster: &Cluster, namespace: &str, host: &str) -> Lookup {
    lookup_from(cluster, Source::Debug { namespace }, host)
}

/// Resolves `host` as `source` would, through the nameserver in its `/etc/resolv.conf`.
pub fn lookup_as(cluster: &Cluster, source: Source<'_>, host: &str) -> Lookup {
    lookup_from(cluster, source, host)
}

/// The nameserver in the source's `/etc/resolv.conf`.
pub fn nameserver(cluster: &Cluster, source: Source<'_>) -> String {
    match source {
        Source::Pod { namespace, name } => cluster
            .pods()
            .get(&key(namespace, name))
            .and_then(|p| p.status.dns_server.clone())
            .unwrap_or_else(|| DNS_IP.to_owned()),
        _ => DNS_IP.to_owned(),
    }
}

fn lookup_from(cluster: &Cluster, source: Source<'_>, host: &str) -> Lookup {
    if is_ipv4(host) {
        return Lookup::Address { fqdn: host.to_owned(), ip: host.to_owned() };
    }
    // Only the kube-dns service's address answers DNS; a wrong clusterDNS asks nobody.
    if !dns_answers(cluster, source) || nameserver(cluster, source) != DNS_IP {
        return Lookup::Timeout;
    }
    let corefile = super::corefile::serving(cluster);
    let cluster_names = corefile.as_ref().is_none_or(super::corefile::Corefile::serves_cluster_names);
    match resolve_name(cluster, source.namespace(), host) {
        // CoreDNS answers cluster names only for the zones its `kubernetes` plugin serves.
        Some((_, Target::Service { .. } | Target::Pod { .. })) if !cluster_names => Lookup::NoSuchHost,
        None if corefile.as_ref().is_some_and(|c| c.forwards) && is_public_name(host) => {
            Lookup::Address { fqdn: host.trim_end_matches('.').to_owned(), ip: public_address(host) }
        }
        Some((fqdn, Target::Service { namespace, name })) => {
            let ip = cluster.services().get(&key(&namespace, &name)).map(|s| s.cluster_ip.clone()).unwrap_or_default();
            Lookup::Address { fqdn, ip }
        }
        Some((fqdn, Target::IngressHost(_))) => match ingress_address(cluster) {
            Some(ip) => Lookup::Address { fqdn, ip },
            None => Lookup::NoSuchHost,
        },
        Some((fqdn, Target::Pod { namespace, name })) => {
            let ip =
                cluster.pods().get(&key(&namespace, &name)).and_then(|p| p.status.pod_ip.clone()).unwrap_or_default();
            Lookup::Address { fqdn, ip }
        }
        None => Lookup::NoSuchHost,
    }
}

/// Whether a name is one the upstream resolvers answer (`example.com`), not a cluster name.
fn is_public_name(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let tld = host.rsplit('.').next().unwrap_or("");
    host.contains('.') && matches!(tld, "com" | "org" | "net" | "io" | "dev" | "de" | "uk")
}

/// A stable address in a documentation range (TEST-NET-3) for a public name.
fn public_address(host: &str) -> String {
    let h = host.bytes().fold(17u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("203.0.113.{}", 1 + h % 254)
}

/// Applies the resolv.conf search path: `web`, `web.shop`, `web.shop.svc`,
/// `web.shop.svc.cluster.local`; ingress hosts resolve to the ingress controller.
fn resolve_name(cluster: &Cluster, namespace: &str, host: &str) -> Option<(String, Target)> {
    let host = host.trim_end_matches('.');
    let trimmed = host.strip_suffix(".cluster.local").unwrap_or(host);
    let trimmed = trimmed.strip_suffix(".svc").unwrap_or(trimmed);
    let parts: Vec<&str> = trimmed.split('.').collect();
    let (svc, ns) = match parts.as_slice() {
        [svc] => (*svc, namespace),
        [svc, ns] => (*svc, *ns),
        _ => ("", ""),
    };
    if cluster.services().contains_key(&key(ns, svc)) {
        return Some((
            format!("{svc}.{ns}.svc.cluster.local"),
            Target::Service { namespace: ns.to_owned(), name: svc.to_owned() },
        ));
    }
    if cluster.ingresses().values().any(|i| i.rules.iter().any(|r| r.host == host)) {
        return Some((host.to_owned(), Target::IngressHost(host.to_owned())));
    }
    None
}

/// Finds what an IP address belongs to.
fn target_for_ip(cluster: &Cluster, ip: &str) -> Option<Target> {
    if let Some(s) = cluster.services().values().find(|s| s.cluster_ip == ip) {
        return Some(Target::Service { namespace: s.meta.namespace.clone(), name: s.meta.name.clone() });
    }
    cluster
        .pods()
        .values()
        .find(|p| p.status.pod_ip.as_deref() == Some(ip) && p.status.terminating_until.is_none())
        .map(|p| Target::Pod { namespace: p.meta.namespace.clone(), name: p.meta.name.clone() })
}

/// Sends one HTTP GET to `url` from `source`.
pub fn http_get(cluster: &Cluster, source: Source<'_>, url: &str) -> HttpOutcome {
    let Some((scheme, host, port, path)) = parse_url(url) else {
        return HttpOutcome::DnsError { host: url.to_owned(), message: format!("bad address '{url}'") };
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = port.unwrap_or(default_port);
    let target = if is_ipv4(&host) {
        match target_for_ip(cluster, &host) {
            Some(t) => t,
            None => return HttpOutcome::Timeout { addr: format!("{host}:{port}") },
        }
    } else {
        match lookup_from(cluster, source, &host) {
            Lookup::Timeout => {
                return HttpOutcome::DnsError {
                    host: host.clone(),
                    message: format!(
                        "dial tcp: lookup {host} on {}:53: read udp: i/o timeout",
                        nameserver(cluster, source)
                    ),
                };
            }
            Lookup::NoSuchHost => {
                return HttpOutcome::DnsError {
                    host: host.clone(),
                    message: format!("dial tcp: lookup {host} on {}:53: no such host", nameserver(cluster, source)),
                };
            }
            Lookup::Address { .. } => match resolve_name(cluster, source.namespace(), &host) {
                Some((_, t)) => t,
                None => return HttpOutcome::DnsError { host: host.clone(), message: format!("no such host {host}") },
            },
        }
    };
    match target {
        Target::Pod { namespace, name } => match cluster.pods().get(&key(&namespace, &name)) {
            Some(pod) => request_pod(cluster, source, pod, port, &path),
            None => HttpOutcome::Timeout { addr: format!("{host}:{port}") },
        },
        Target::Service { namespace, name } => request_service(cluster, source, &namespace, &name, port, &path),
        Target::IngressHost(h) => request_ingress(cluster, &h, &path),
    }
}

/// What kube-proxy knows of a service port: its address, the pod port it forwards to, and the
/// ready endpoints; or what a client gets when there is no such service or port.
fn backends(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    port: u16,
) -> Result<(String, u16, Vec<super::objects::EndpointAddress>), HttpOutcome> {
    let Some(svc) = cluster.services().get(&key(namespace, name)) else {
        return Err(HttpOutcome::Timeout { addr: format!("{name}:{port}") });
    };
    let addr = format!("{}:{port}", svc.cluster_ip);
    let Some(sp) = svc.ports.iter().find(|p| p.port == port) else {
        // No rule in kube-proxy for this port: the packet goes nowhere.
        return Err(HttpOutcome::Refused { addr });
    };
    let ready = cluster.endpoints().get(&key(namespace, name)).map(|e| e.ready.clone()).unwrap_or_default();
    Ok((addr, sp.target(), ready))
}

/// A request to a service's cluster IP: kube-proxy picks a ready endpoint. The model answers
/// with the first endpoint in a stable order that would answer, so repeated requests agree.
pub fn request_service(
    cluster: &Cluster,
    source: Source<'_>,
    namespace: &str,
    name: &str,
    port: u16,
    path: &str,
) -> HttpOutcome {
    let (addr, target_port, ready) = match backends(cluster, namespace, name, port) {
        Ok(b) => b,
        Err(outcome) => return outcome,
    };
    if ready.is_empty() {
        return HttpOutcome::Refused { addr };
    }
    let mut last = HttpOutcome::Refused { addr: addr.clone() };
    for ep in &ready {
        let Some(pod) = cluster.pods().get(&key(namespace, &ep.pod)) else { continue };
        let outcome = request_pod(cluster, source, pod, target_port, path);
        match outcome {
            HttpOutcome::Response { status, .. } if status < 500 => return outcome,
            HttpOutcome::Refused { .. } => last = HttpOutcome::Refused { addr: addr.clone() },
            HttpOutcome::Timeout { .. } => last = HttpOutcome::Timeout { addr: addr.clone() },
            other => last = other,
        }
    }
    last
}

/// A request straight to a pod's port.
pub fn request_pod(cluster: &Cluster, source: Source<'_>, pod: &Pod, port: u16, path: &str) -> HttpOutcome {
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    let addr = format!("{ip}:{port}");
    if !policy_allows(cluster, source, pod, port) {
        return HttpOutcome::Timeout { addr };
    }
    let Some((container, app)) = pod.spec.containers.iter().zip(&pod.status.containers).find_map(|(spec, status)| {
        let app = cluster.app_for_image(&status.image)?;
        let running = matches!(status.state, super::objects::ContainerState::Running { .. });
        (running && app.port == Some(port)).then_some((spec, app))
    }) else {
        return HttpOutcome::Refused { addr };
    };
    let _ = container;
    if app.role == AppRole::IngressController {
        return HttpOutcome::Response {
            status: 404,
            body: "404 Not Found".to_owned(),
            pod: Some(pod.meta.name.clone()),
        };
    }
    if !path_served(&app.paths, path) {
        return HttpOutcome::Response {
            status: 404,
            body: "404 page not found".to_owned(),
            pod: Some(pod.meta.name.clone()),
        };
    }
    let from = Source::Pod { namespace: &pod.meta.namespace, name: &pod.meta.name };
    for dep in &app.dependencies {
        if let Some(error) = dependency_error(cluster, from, dep) {
            return HttpOutcome::Response {
                status: 500,
                body: format!("500 Internal Server Error: {error}"),
                pod: Some(pod.meta.name.clone()),
            };
        }
    }
    HttpOutcome::Response { status: 200, body: format!("200 OK ({})", pod.meta.name), pod: Some(pod.meta.name.clone()) }
}

/// A request to `localhost:PORT` from the console: through the `kubectl port-forward` on that
/// port to its pod, or refused when nothing forwards it (or its pod is gone, which ends a
/// forward as it ends kubectl's).
pub fn request_forwarded(cluster: &Cluster, local_port: u16, path: &str) -> HttpOutcome {
    let refused = HttpOutcome::Refused { addr: format!("127.0.0.1:{local_port}") };
    let Some(forward) = cluster.port_forwards.get(&local_port) else { return refused };
    match cluster.pods().get(&key(&forward.namespace, &forward.pod)) {
        Some(pod) if pod.status.terminating_until.is_none() => {
            let source = Source::Local { namespace: &forward.namespace, name: &forward.pod };
            request_pod(cluster, source, pod, forward.port, path)
        }
        _ => refused,
    }
}

/// Why a pod cannot reach one of its dependencies (`host:port`), worded as a Go app logs it.
pub fn dependency_error(cluster: &Cluster, from: Source<'_>, dependency: &str) -> Option<String> {
    let (host, port) = match dependency.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(80)),
        None => (dependency, 80),
    };
    match lookup_from(cluster, from, host) {
        Lookup::Timeout => {
            let server = nameserver(cluster, from);
            return Some(format!("dial tcp: lookup {host} on {server}:53: read udp: i/o timeout"));
        }
        Lookup::NoSuchHost => {
            let server = nameserver(cluster, from);
            return Some(format!("dial tcp: lookup {host} on {server}:53: no such host"));
        }
        Lookup::Address { .. } => {}
    }
    let Some((_, Target::Service { namespace, name })) = resolve_name(cluster, from.namespace(), host) else {
        return None;
    };
    match dependency_reach(cluster, from, &namespace, &name, port) {
        HttpOutcome::Refused { addr } => Some(format!("dial tcp {addr}: connect: connection refused")),
        HttpOutcome::Timeout { addr } => Some(format!("dial tcp {addr}: i/o timeout")),
        _ => None,
    }
}

/// Whether a TCP connection to a service reaches a listening pod (no HTTP, no recursion).
fn dependency_reach(cluster: &Cluster, from: Source<'_>, namespace: &str, name: &str, port: u16) -> HttpOutcome {
    let (addr, target_port, ready) = match backends(cluster, namespace, name, port) {
        Ok(b) => b,
        Err(outcome) => return outcome,
    };
    let mut outcome = HttpOutcome::Refused { addr: addr.clone() };
    for ep in &ready {
        let Some(pod) = cluster.pods().get(&key(namespace, &ep.pod)) else { continue };
        if !policy_allows(cluster, from, pod, target_port) {
            outcome = HttpOutcome::Timeout { addr: addr.clone() };
            continue;
        }
        let listening = pod.status.containers.iter().any(|s| {
            matches!(s.state, super::objects::ContainerState::Running { .. })
                && cluster.app_for_image(&s.image).is_some_and(|a| a.port == Some(target_port))
        });
        if listening {
            return HttpOutcome::Response { status: 200, body: String::new(), pod: Some(pod.meta.name.clone()) };
        }
    }
    outcome
}

/// User traffic: the ingress controller routes `host` + `path` by ingress rules.
pub fn request_ingress(cluster: &Cluster, host: &str, path: &str) -> HttpOutcome {
    let controller_up = cluster.pods().values().any(|p| {
        p.is_ready()
            && p.status
                .containers
                .iter()
                .any(|s| cluster.app_for_image(&s.image).is_some_and(|a| a.role == AppRole::IngressController))
    });
    if !controller_up {
        return HttpOutcome::Refused { addr: format!("{host}:443") };
    }
    let Some((ns, backend)) = route(cluster, host, path) else {
        return HttpOutcome::Response { status: 404, body: "404 Not Found (nginx)".to_owned(), pod: None };
    };
    if !cluster.services().contains_key(&key(&ns, &backend.0)) {
        return HttpOutcome::Response {
            status: 503,
            body: "503 Service Temporarily Unavailable (nginx)".to_owned(),
            pod: None,
        };
    }
    match request_service(cluster, Source::Ingress, &ns, &backend.0, backend.1, path) {
        HttpOutcome::Refused { .. } => {
            let has_endpoints = cluster.endpoints().get(&key(&ns, &backend.0)).is_some_and(|e| !e.ready.is_empty());
            if has_endpoints {
                HttpOutcome::Response { status: 502, body: "502 Bad Gateway (nginx)".to_owned(), pod: None }
            } else {
                HttpOutcome::Response {
                    status: 503,
                    body: "503 Service Temporarily Unavailable (nginx)".to_owned(),
                    pod: None,
                }
            }
        }
        HttpOutcome::Timeout { .. } => {
            HttpOutcome::Response { status: 504, body: "504 Gateway Time-out (nginx)".to_owned(), pod: None }
        }
        other => other,
    }
}

/// The ingress rule for a host and path: (namespace, (service, port)), longest prefix first.
pub fn route(cluster: &Cluster, host: &str, path: &str) -> Option<(String, (String, u16))> {
    let mut best: Option<(usize, String, (String, u16))> = None;
    for ing in cluster.ingresses().values().filter(|i| super::ingress_class::served(cluster, i)) {
        for rule in ing.rules.iter().filter(|r| r.host == host || r.host.is_empty()) {
            for p in &rule.paths {
                let matches = if p.path_type == "Exact" {
                    p.path == path
                } else {
                    path_served(std::slice::from_ref(&p.path), path)
                };
                if matches && best.as_ref().is_none_or(|b| p.path.len() > b.0) {
                    best =
                        Some((p.path.len(), ing.meta.namespace.clone(), (p.backend.service.clone(), p.backend.port)));
                }
            }
        }
    }
    best.map(|(_, ns, b)| (ns, b))
}

/// Prefix matching by path element, as `pathType: Prefix` does (`/` serves everything).
fn path_served(paths: &[String], path: &str) -> bool {
    paths.iter().any(|p| {
        let p = p.trim_end_matches('/');
        p.is_empty() || path == p || path.starts_with(&format!("{p}/"))
    })
}

/// Splits `scheme://host[:port]/path`; bare `host/path` is http.
pub fn parse_url(url: &str) -> Option<(String, String, Option<u16>, String)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_owned(), url),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_owned(), Some(p.parse().ok()?)),
        None => (authority.to_owned(), None),
    };
    if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return None;
    }
    Some((scheme, host, port, path))
}

/// What network policy sees of one end of a connection: its namespace, its labels (none for a
/// throwaway debug pod) and its IP (for `ipBlock`).
struct PeerIdentity<'a> {
    namespace: &'a str,
    labels: Option<&'a Labels>,
    ip: Option<&'a str>,
}

/// Namespace, labels and IP of a traffic source, for policy matching.
fn source_identity<'a>(cluster: &'a Cluster, source: Source<'a>) -> PeerIdentity<'a> {
    let of_pod = |namespace: &'a str, pod: Option<&'a Pod>| PeerIdentity {
        namespace,
        labels: pod.map(|p| &p.meta.labels),
        ip: pod.and_then(|p| p.status.pod_ip.as_deref()),
    };
    match source {
        Source::Pod { namespace, name } | Source::Local { namespace, name } => {
            of_pod(namespace, cluster.pods().get(&key(namespace, name)))
        }
        Source::Debug { namespace } => PeerIdentity { namespace, labels: None, ip: None },
        Source::Ingress => {
            let pod = cluster.pods().values().find(|p| {
                p.status
                    .containers
                    .iter()
                    .any(|s| cluster.app_for_image(&s.image).is_some_and(|a| a.role == AppRole::IngressController))
            });
            match pod {
                Some(p) => of_pod(p.meta.namespace.as_str(), Some(p)),
                None => PeerIdentity { namespace: "ingress-nginx", labels: None, ip: None },
            }
        }
    }
}

/// The container port a destination pod names `name` (its `ports[].name`), if any.
fn named_port(pod: &Pod, name: &str) -> Option<u16> {
    pod.spec.containers.iter().find_map(|c| c.port_names.get(name).copied())
}

/// Whether network policy lets `source` reach `dest` on TCP `port` (egress at the source, then
/// ingress at the destination).
pub fn policy_allows(cluster: &Cluster, source: Source<'_>, dest: &Pod, port: u16) -> bool {
    policy_allows_protocol(cluster, source, dest, port, "TCP")
}

/// Whether network policy lets `source` reach `dest` on `port` over `protocol` (`TCP`, `UDP`).
pub fn policy_allows_protocol(cluster: &Cluster, source: Source<'_>, dest: &Pod, port: u16, protocol: &str) -> bool {
    if let Source::Local { .. } = source {
        return true;
    }
    let empty = Labels::new();
    let src = source_identity(cluster, source);
    let src_labels = src.labels.unwrap_or(&empty);
    let dst = PeerIdentity {
        namespace: dest.meta.namespace.as_str(),
        labels: Some(&dest.meta.labels),
        ip: dest.status.pod_ip.as_deref(),
    };
    let to = Destination { port, protocol, named: &|name| named_port(dest, name) };
    // Egress from the source pod.
    let egress: Vec<&NetworkPolicy> = cluster
        .netpols()
        .values()
        .filter(|p| {
            p.meta.namespace == src.namespace
                && p.policy_types.contains(&PolicyType::Egress)
                && p.pod_selector().matches(src_labels)
        })
        .collect();
    if !egress.is_empty()
        && !egress.iter().any(|p| p.egress.iter().any(|r| rule_allows(cluster, r, &p.meta.namespace, &dst, &to)))
    {
        return false;
    }
    let ingress: Vec<&NetworkPolicy> = cluster
        .netpols()
        .values()
        .filter(|p| {
            p.meta.namespace == dst.namespace
                && p.policy_types.contains(&PolicyType::Ingress)
                && p.pod_selector().matches(&dest.meta.labels)
        })
        .collect();
    ingress.is_empty()
        || ingress.iter().any(|p| p.ingress.iter().any(|r| rule_allows(cluster, r, &p.meta.namespace, &src, &to)))
}

/// The port a connection goes to, and how the destination pod names its ports.
struct Destination<'a> {
    port: u16,
    protocol: &'a str,
    named: &'a dyn Fn(&str) -> Option<u16>,
}

fn rule_allows(
    cluster: &Cluster,
    rule: &PolicyRule,
    policy_ns: &str,
    peer: &PeerIdentity<'_>,
    to: &Destination<'_>,
) -> bool {
    let port_ok = rule.ports.is_empty() || rule.ports.iter().any(|p| p.covers(to.port, to.protocol, to.named));
    let peer_ok = rule.peers.is_empty() || rule.peers.iter().any(|p| peer_matches(cluster, p, policy_ns, peer));
    port_ok && peer_ok
}

fn peer_matches(cluster: &Cluster, peer: &PolicyPeer, policy_ns: &str, who: &PeerIdentity<'_>) -> bool {
    if let Some(block) = &peer.ip_block {
        return who.ip.is_some_and(|ip| block.contains(ip));
    }
    let (pod_selector, namespace_selector) = (peer.pod_selector(), peer.namespace_selector());
    let ns_ok = match namespace_selector {
        None => who.namespace == policy_ns,
        Some(sel) => {
            let empty = Labels::new();
            let mut ns_labels = cluster.namespaces().get(who.namespace).map_or(&empty, |n| &n.meta.labels).clone();
            ns_labels.insert("kubernetes.io/metadata.name".to_owned(), who.namespace.to_owned());
            sel.matches(&ns_labels)
        }
    };
    let empty = Labels::new();
    let pod_ok = pod_selector.is_none_or(|sel| sel.matches(who.labels.unwrap_or(&empty)));
    ns_ok && pod_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_parts() {
        assert_eq!(
            parse_url("https://shop.example.com/checkout"),
            Some(("https".into(), "shop.example.com".into(), None, "/checkout".into()))
        );
        assert_eq!(parse_url("web:8080"), Some(("http".into(), "web".into(), Some(8080), "/".into())));
        assert_eq!(parse_url("http://"), None);
        assert!(path_served(&["/".to_owned()], "/anything"));
        assert!(path_served(&["/api".to_owned()], "/api/v1"));
        assert!(!path_served(&["/api".to_owned()], "/apix"));
    }

    use crate::sim::change::{Change, Object};
    use crate::sim::controllers::test_support::{apply, labels, pods, shop};
    use crate::sim::objects::{PolicyPort, PolicyRule as Rule};

    fn policy(name: &str, rules: Vec<Rule>) -> Object {
        Object::NetworkPolicy(NetworkPolicy {
            meta: crate::sim::objects::Meta::new(name, "shop"),
            pod_selector: labels(&[("app", "db")]),
            policy_types: vec![PolicyType::Ingress],
            ingress: rules,
            egress: Vec::new(),
            pod_selector_expressions: Vec::new(),
        })
    }

    fn from_web() -> Rule {
        Rule {
            peers: vec![PolicyPeer { pod_selector: Some(labels(&[("app", "web")])), ..PolicyPeer::default() }],
            ports: vec![PolicyPort::tcp(5432)],
        }
    }

    #[test]
    fn default_deny_ingress_times_out_a_dependency_until_its_source_is_allowed() {
        let mut c = shop();
        let web = pods(&c, "shop", "web-")[0].meta.name.clone();
        let source = Source::Pod { namespace: "shop", name: &web };
        let db_ip = c.services().get(&key("shop", "db")).map(|s| s.cluster_ip.clone()).unwrap_or_default();
        assert_eq!(dependency_error(&c, source, "db:5432"), None);
        assert!(matches!(request_ingress(&c, "shop.example.com", "/"), HttpOutcome::Response { status: 200, .. }));
        apply(&mut c, Change::Create(policy("default-deny", Vec::new())));
        let source = Source::Pod { namespace: "shop", name: &web };
        let timeout = format!("dial tcp {db_ip}:5432: i/o timeout");
        assert_eq!(dependency_error(&c, source, "db:5432"), Some(timeout.clone()));
        let HttpOutcome::Response { status, body, .. } = request_ingress(&c, "shop.example.com", "/") else {
            panic!("the ingress answers");
        };
        assert_eq!((status, body), (500, format!("500 Internal Server Error: {timeout}")));
        // Allowing web on 5432 lets web in, and nobody else.
        apply(&mut c, Change::Create(policy("allow-web", vec![from_web()])));
        let source = Source::Pod { namespace: "shop", name: &web };
        assert_eq!(dependency_error(&c, source, "db:5432"), None);
        assert_eq!(dependency_error(&c, Source::Debug { namespace: "shop" }, "db:5432"), Some(timeout));
        assert!(matches!(request_ingress(&c, "shop.example.com", "/"), HttpOutcome::Response { status: 200, .. }));
    }
}
