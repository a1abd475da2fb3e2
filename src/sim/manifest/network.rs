//! Services, endpoints, ingresses and network policies as manifests, and back.

use serde_json::{Value, json};

use super::read::{self, Bad, R, field, index, join};
use super::{labels, meta, node_port, nonempty};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::{
    EndpointAddress, IngressBackend, IngressPath, IngressRule, IngressTls, IntOrString, IpBlock, LabelRequirement,
    Labels, PolicyPeer, PolicyPort, PolicyRule, PolicyType, ServicePort, ServiceType, cidr_strict_subset, parse_cidr,
};

pub fn emit(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Option<Value> {
    let id = key(ns, name);
    match kind {
        Kind::Service => {
            let s = cluster.services().get(&id)?;
            let with_node_port = s.kind != ServiceType::ClusterIP;
            let ports: Vec<Value> = s
                .ports
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let target = match &p.target_port {
                        IntOrString::Int(n) => json!(n),
                        IntOrString::Str(t) => json!(t),
                    };
                    json!({
                        "name": p.name, "port": p.port, "targetPort": target, "protocol": p.protocol,
                        "nodePort": with_node_port.then(|| node_port(s.meta.uid, i)),
                    })
                })
                .collect();
            Some(json!({
                "metadata": meta(cluster, kind, &s.meta),
                "spec": {
                    "type": s.kind.as_str(),
                    "selector": if s.selector.is_empty() { Value::Null } else { labels(&s.selector) },
                    "ports": ports,
                    "clusterIP": s.cluster_ip,
                    "clusterIPs": [s.cluster_ip],
                    "sessionAffinity": "None",
                    "ipFamilies": ["IPv4"],
                    "ipFamilyPolicy": "SingleStack",
                    "internalTrafficPolicy": "Cluster",
                },
                "status": {"loadBalancer": {}},
            }))
        }
        Kind::Endpoints => {
            let e = cluster.endpoints().get(&id)?;
            let address = |a: &EndpointAddress| json!({"ip": a.ip, "nodeName": a.node, "targetRef": {"kind": "Pod", "name": a.pod, "namespace": ns}});
            let subsets = if e.ready.is_empty() && e.not_ready.is_empty() {
                Value::Null
            } else {
                json!([{
                    "addresses": nonempty(e.ready.iter().map(address).collect()),
                    "notReadyAddresses": nonempty(e.not_ready.iter().map(address).collect()),
                    "ports": nonempty(e.ports.iter().map(|(n, p)| json!({"name": n, "port": p, "protocol": "TCP"})).collect()),
                }])
            };
            Some(json!({"metadata": meta(cluster, kind, &e.meta), "subsets": subsets}))
        }
        Kind::EndpointSlice => {
            let slice = crate::sim::endpoint_slice::find(cluster, ns, name)?;
            let endpoints: Vec<Value> = slice
                .addresses()
                .map(|(a, ready)| {
                    let pod_uid = cluster.pods().get(&key(ns, &a.pod)).map(|p| super::uid(p.meta.uid));
                    json!({
                        "addresses": [a.ip],
                        "conditions": {"ready": ready, "serving": ready, "terminating": false},
                        "nodeName": (!a.node.is_empty()).then_some(&a.node),
                        "targetRef": (!a.pod.is_empty()).then(|| json!({"kind": "Pod", "name": a.pod, "namespace": ns, "uid": pod_uid})),
                    })
                })
                .collect();
            let ports: Vec<Value> = slice
                .ports()
                .iter()
                .map(|(n, p)| json!({"name": n.clone().unwrap_or_default(), "port": p, "protocol": "TCP"}))
                .collect();
            let mut metadata = meta(cluster, kind, &slice.meta);
            if slice.controller_managed()
                && let Value::Object(m) = &mut metadata
            {
                let svc_uid = cluster.services().get(&key(ns, slice.service())).map_or(0, |s| s.meta.uid);
                m.insert("generateName".into(), format!("{}-", slice.service()).into());
                m.insert("generation".into(), 1.into());
                m.insert(
                    "ownerReferences".into(),
                    json!([{"apiVersion": "v1", "blockOwnerDeletion": true, "controller": true, "kind": "Service", "name": slice.service(), "uid": super::uid(svc_uid)}]),
                );
            }
            Some(json!({
                "addressType": "IPv4",
                "endpoints": if endpoints.is_empty() { Value::Null } else { Value::Array(endpoints) },
                "metadata": metadata,
                "ports": if ports.is_empty() { Value::Null } else { Value::Array(ports) },
            }))
        }
        Kind::Ingress => {
            let i = cluster.ingresses().get(&id)?;
            let rules: Vec<Value> = i
                .rules
                .iter()
                .map(|r| {
                    json!({
                        "host": if r.host.is_empty() || r.host == "*" { None } else { Some(&r.host) },
                        "http": {"paths": r.paths.iter().map(|p| json!({
                            "path": p.path,
                            "pathType": p.path_type,
                            "backend": {"service": {"name": p.backend.service, "port": {"number": p.backend.port}}},
                        })).collect::<Vec<_>>()},
                    })
                })
                .collect();
            let address = crate::sim::network::ingress_address(cluster).map(|ip| json!({"ingress": [{"ip": ip}]}));
            Some(json!({
                "metadata": meta(cluster, kind, &i.meta),
                "spec": {
                    "ingressClassName": i.class,
                    "rules": rules,
                    "tls": nonempty(i.tls.iter().map(|t| json!({"hosts": t.hosts, "secretName": t.secret_name})).collect()),
                },
                "status": {"loadBalancer": address.unwrap_or_else(|| json!({}))},
            }))
        }
        Kind::NetworkPolicy => {
            let p = cluster.netpols().get(&id)?;
            let rules = |rs: &[PolicyRule], peer_key: &str| -> Value {
                nonempty(
                    rs.iter()
                        .map(|r| {
                            let peers: Vec<Value> = r.peers.iter().map(peer).collect();
                            let mut o = json!({"ports": nonempty(r.ports.iter().map(policy_port).collect())});
                            o[peer_key] = nonempty(peers);
                            o
                        })
                        .collect(),
                )
            };
            let types: Vec<&str> = p
                .policy_types
                .iter()
                .map(|t| match t {
                    PolicyType::Ingress => "Ingress",
                    PolicyType::Egress => "Egress",
                })
                .collect();
            Some(json!({
                "metadata": meta(cluster, kind, &p.meta),
                "spec": {
                    "podSelector": selector(&p.pod_selector, &p.pod_selector_expressions),
                    "policyTypes": types,
                    "ingress": rules(&p.ingress, "from"),
                    "egress": rules(&p.egress, "to"),
                },
            }))
        }
        _ => None,
    }
}

/// A label selector as the API returns it: `{}` when empty, else `matchLabels` and/or
/// `matchExpressions` (with `values` left out when it is empty, as Go's `omitempty` does).
fn selector(l: &Labels, expressions: &[LabelRequirement]) -> Value {
    let expressions: Vec<Value> = expressions
        .iter()
        .map(|e| {
            let values = (!e.values.is_empty()).then(|| json!(e.values));
            json!({"key": e.key, "operator": e.operator.as_str(), "values": values})
        })
        .collect();
    let match_labels = (!l.is_empty()).then(|| labels(l));
    json!({"matchLabels": match_labels, "matchExpressions": nonempty(expressions)})
}

fn peer(p: &PolicyPeer) -> Value {
    let present = |labels: &Option<Labels>, expressions: &[LabelRequirement]| {
        (labels.is_some() || !expressions.is_empty())
            .then(|| selector(labels.as_ref().unwrap_or(&Labels::new()), expressions))
    };
    json!({
        "podSelector": present(&p.pod_selector, &p.pod_selector_expressions),
        "namespaceSelector": present(&p.namespace_selector, &p.namespace_selector_expressions),
        "ipBlock": p.ip_block.as_ref().map(|b| json!({"cidr": b.cidr, "except": nonempty(b.except.iter().map(|e| json!(e)).collect())})),
    })
}

fn policy_port(p: &PolicyPort) -> Value {
    let port = match (&p.port, &p.port_name) {
        (Some(n), _) => Some(json!(n)),
        (None, Some(name)) => Some(json!(name)),
        (None, None) => None,
    };
    json!({"port": port, "endPort": p.end_port, "protocol": p.protocol})
}

pub fn write(cluster: &mut Cluster, kind: Kind, ns: &str, name: &str, m: &Value) -> R<()> {
    let id = key(ns, name);
    let spec = read::obj(m, "spec", "")?;
    match kind {
        Kind::Service => {
            let Some(old) = cluster.services().get(&id) else {
                return Ok(());
            };
            let mut s = old.clone();
            s.meta = read::meta(m, &old.meta, &[])?;
            s.kind = match read::opt_str(spec, "type", "spec")?.as_deref() {
                None | Some("ClusterIP") => ServiceType::ClusterIP,
                Some("NodePort") => ServiceType::NodePort,
                Some("LoadBalancer") => ServiceType::LoadBalancer,
                Some(other) => {
                    return Err(Bad::unsupported(
                        "spec.type",
                        &json!(other),
                        &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
                    ));
                }
            };
            s.selector = read::string_map(spec, "selector", "spec")?;
            let ports = read::list(spec, "ports", "spec")?;
            s.ports = ports
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let pp = index("spec.ports", i);
                    let port = read::req_port(p, "port", &pp)?;
                    Ok(ServicePort {
                        name: read::opt_str(p, "name", &pp)?,
                        port,
                        target_port: read::int_or_string(p, "targetPort", &pp)?.unwrap_or(IntOrString::Int(port)),
                        protocol: read::opt_str(p, "protocol", &pp)?.unwrap_or_else(|| "TCP".to_owned()),
                    })
                })
                .collect::<R<Vec<_>>>()?;
            if s.ports.is_empty() {
                return Err(Bad::required("spec.ports"));
            }
            if let Some(ip) = read::opt_str(spec, "clusterIP", "spec")?
                && ip != old.cluster_ip
            {
                return Err(Bad::invalid("spec.clusterIPs[0]", &json!(ip), "may not change once set"));
            }
            cluster.services_mut().insert(id, s);
        }
        Kind::Endpoints => {
            let Some(old) = cluster.endpoints().get(&id) else {
                return Ok(());
            };
            let meta = read::meta(m, &old.meta, &[])?;
            if let Some(e) = cluster.endpoints_mut().get_mut(&id) {
                e.meta = meta;
            }
        }
        Kind::Ingress => {
            let Some(old) = cluster.ingresses().get(&id) else {
                return Ok(());
            };
            let mut i = old.clone();
            i.meta = read::meta(m, &old.meta, &[])?;
            i.class = read::opt_str(spec, "ingressClassName", "spec")?.unwrap_or_else(|| old.class.clone());
            i.rules = read::list(spec, "rules", "spec")?
                .into_iter()
                .enumerate()
                .map(|(n, r)| read_rule(r, &index("spec.rules", n)))
                .collect::<R<Vec<_>>>()?;
            i.tls = read::list(spec, "tls", "spec")?
                .into_iter()
                .enumerate()
                .map(|(n, t)| {
                    let p = index("spec.tls", n);
                    Ok(IngressTls {
                        hosts: read::str_list(t, "hosts", &p)?,
                        secret_name: read::opt_str(t, "secretName", &p)?.unwrap_or_default(),
                    })
                })
                .collect::<R<Vec<_>>>()?;
            cluster.ingresses_mut().insert(id, i);
        }
        Kind::NetworkPolicy => {
            let Some(old) = cluster.netpols().get(&id) else {
                return Ok(());
            };
            let mut p = old.clone();
            p.meta = read::meta(m, &old.meta, &[])?;
            (p.pod_selector, p.pod_selector_expressions) = read::label_selector(spec, "podSelector", "spec")?;
            p.policy_types = read::str_list(spec, "policyTypes", "spec")?
                .iter()
                .enumerate()
                .map(|(i, t)| match t.as_str() {
                    "Ingress" => Ok(PolicyType::Ingress),
                    "Egress" => Ok(PolicyType::Egress),
                    other => {
                        Err(Bad::unsupported(&index("spec.policyTypes", i), &json!(other), &["Ingress", "Egress"]))
                    }
                })
                .collect::<R<Vec<_>>>()?;
            p.ingress = read_policy_rules(spec, "ingress", "from")?;
            p.egress = read_policy_rules(spec, "egress", "to")?;
            if p.policy_types.is_empty() {
                p.policy_types.push(PolicyType::Ingress);
                if !p.egress.is_empty() {
                    p.policy_types.push(PolicyType::Egress);
                }
            }
            cluster.netpols_mut().insert(id, p);
        }
        _ => {}
    }
    Ok(())
}

fn read_rule(r: &Value, path: &str) -> R<IngressRule> {
    let http = read::obj(r, "http", path)?;
    let hp = join(path, "http");
    let paths = read::list(http, "paths", &hp)?
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let pp = index(&join(&hp, "paths"), i);
            let svc = read::obj(read::obj(p, "backend", &pp)?, "service", &join(&pp, "backend"))?;
            let sp = join(&pp, "backend.service");
            let port = read::obj(svc, "port", &sp)?;
            Ok(IngressPath {
                path: read::opt_str(p, "path", &pp)?.unwrap_or_else(|| "/".to_owned()),
                path_type: read::opt_str(p, "pathType", &pp)?.unwrap_or_else(|| "Prefix".to_owned()),
                backend: IngressBackend {
                    service: read::req_str(svc, "name", &sp)?,
                    port: read::req_port(port, "number", &join(&sp, "port"))?,
                },
            })
        })
        .collect::<R<Vec<_>>>()?;
    Ok(IngressRule { host: read::opt_str(r, "host", path)?.unwrap_or_default(), paths })
}

fn read_policy_rules(spec: &Value, key: &str, peer_key: &str) -> R<Vec<PolicyRule>> {
    read::list(spec, key, "spec")?
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let rp = index(&join("spec", key), i);
            let peers = read::list(r, peer_key, &rp)?
                .into_iter()
                .enumerate()
                .map(|(j, p)| read_peer(p, &index(&join(&rp, peer_key), j)))
                .collect::<R<Vec<_>>>()?;
            let ports = read::list(r, "ports", &rp)?
                .into_iter()
                .enumerate()
                .map(|(j, p)| read_policy_port(p, &index(&join(&rp, "ports"), j)))
                .collect::<R<Vec<_>>>()?;
            Ok(PolicyRule { peers, ports })
        })
        .collect()
}

/// One `from`/`to` peer, validated as `ValidateNetworkPolicyPeer` does.
fn read_peer(p: &Value, path: &str) -> R<PolicyPeer> {
    let mut peer = PolicyPeer::default();
    if field(p, "podSelector").is_some() {
        let (labels, expressions) = read::label_selector(p, "podSelector", path)?;
        (peer.pod_selector, peer.pod_selector_expressions) = (Some(labels), expressions);
    }
    if field(p, "namespaceSelector").is_some() {
        let (labels, expressions) = read::label_selector(p, "namespaceSelector", path)?;
        (peer.namespace_selector, peer.namespace_selector_expressions) = (Some(labels), expressions);
    }
    if field(p, "ipBlock").is_some() {
        peer.ip_block = Some(read_ip_block(read::obj(p, "ipBlock", path)?, &join(path, "ipBlock"))?);
    }
    let selectors = usize::from(peer.pod_selector.is_some()) + usize::from(peer.namespace_selector.is_some());
    match (selectors, peer.ip_block.is_some()) {
        (0, false) => Err(Bad { path: path.to_owned(), detail: "Required value: must specify a peer".to_owned() }),
        (1.., true) => Err(Bad::forbidden(path, "may not specify both ipBlock and another peer")),
        _ => Ok(peer),
    }
}

fn read_ip_block(b: &Value, path: &str) -> R<IpBlock> {
    let cidr = read::opt_str(b, "cidr", path)?.unwrap_or_default();
    if cidr.is_empty() {
        return Err(Bad::required(&join(path, "cidr")));
    }
    let invalid_cidr = |p: &str, text: &str| {
        Bad::invalid(p, &json!(text), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")
    };
    if !valid_cidr(&cidr) {
        return Err(invalid_cidr(&join(path, "cidr"), &cidr));
    }
    let except = read::str_list(b, "except", path)?;
    for (i, e) in except.iter().enumerate() {
        let ep = index(&join(path, "except"), i);
        if !valid_cidr(e) {
            return Err(invalid_cidr(&ep, e));
        }
        let both_v6 = parse_cidr(e).is_none() && parse_cidr(&cidr).is_none();
        if !both_v6 && !cidr_strict_subset(e, &cidr) {
            return Err(Bad::invalid(&ep, &json!(e), "must be a strict subset of `cidr`"));
        }
    }
    Ok(IpBlock { cidr, except })
}

/// An IPv4 or IPv6 CIDR (`10.0.0.0/8`, `2001:db8::/64`). The model's addresses are IPv4, so an
/// IPv6 block is accepted and matches nothing, as on a single-stack IPv4 cluster.
fn valid_cidr(text: &str) -> bool {
    if parse_cidr(text).is_some() {
        return true;
    }
    text.split_once('/').is_some_and(|(addr, bits)| {
        addr.parse::<core::net::Ipv6Addr>().is_ok()
            && bits.parse::<u32>().is_ok_and(|b| b <= 128 && b.to_string() == bits)
    })
}

/// One `ports` entry, validated as `ValidateNetworkPolicyPort` does.
fn read_policy_port(p: &Value, path: &str) -> R<PolicyPort> {
    let protocol = read::opt_str(p, "protocol", path)?.unwrap_or_else(|| "TCP".to_owned());
    if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
        return Err(Bad::unsupported(&join(path, "protocol"), &json!(protocol), &["SCTP", "TCP", "UDP"]));
    }
    let end_port = match field(p, "endPort") {
        None => None,
        Some(x) => Some(
            x.as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| Bad::invalid(&join(path, "endPort"), x, "must be between 1 and 65535, inclusive"))?,
        ),
    };
    let mut port = PolicyPort { port: None, protocol, port_name: None, end_port };
    match field(p, "port") {
        None => {
            if let Some(end) = end_port {
                return Err(Bad::invalid(
                    &join(path, "endPort"),
                    &json!(end),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
        Some(Value::String(name)) => {
            if let Some(end) = end_port {
                return Err(Bad::invalid(
                    &join(path, "endPort"),
                    &json!(end),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            if let Some(why) = read::port_name_problem(name) {
                return Err(Bad::invalid(&join(path, "port"), &json!(name), why));
            }
            port.port_name = Some(name.clone());
        }
        Some(_) => {
            let number = read::req_port(p, "port", path)?;
            if end_port.is_some_and(|end| end < number) {
                return Err(Bad::invalid(
                    &join(path, "endPort"),
                    &json!(number),
                    "must be greater than or equal to `port`",
                ));
            }
            port.port = Some(number);
        }
    }
    Ok(port)
}
