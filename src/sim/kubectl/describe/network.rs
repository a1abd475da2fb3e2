//! `describe service`, `endpoints`, `ingress` and `networkpolicy`.

use super::{W, clock, selector_text};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{IntOrString, PolicyRule, PolicyType, ServiceType};

/// Ready `ip:port` pairs behind a service port, as `formatEndpointSlices` prints them.
pub fn endpoints_text(cluster: &Cluster, ns: &str, service: &str, port_name: Option<&str>) -> String {
    let Some(ep) = cluster.endpoints().get(&key(ns, service)) else {
        return "<none>".to_owned();
    };
    let port = ep
        .ports
        .iter()
        .find(|(n, _)| n.as_deref() == port_name)
        .or_else(|| if ep.ports.len() == 1 { ep.ports.first() } else { None })
        .map(|(_, p)| *p);
    let Some(port) = port else {
        return "<none>".to_owned();
    };
    let all: Vec<String> = ep.ready.iter().map(|a| format!("{}:{port}", a.ip)).collect();
    if all.is_empty() {
        return "<none>".to_owned();
    }
    if all.len() > 3 {
        return format!("{} + {} more...", all[..3].join(","), all.len() - 3);
    }
    all.join(",")
}

pub fn service(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(svc) = cluster.services().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", svc.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &svc.meta.labels);
    w.annotations("Annotations", &svc.meta.annotations);
    w.line(0, &format!("Selector:\t{}", selector_text(&svc.selector)));
    w.line(0, &format!("Type:\t{}", svc.kind.as_str()));
    w.line(0, "IP Family Policy:\tSingleStack");
    w.line(0, "IP Families:\tIPv4");
    w.line(0, &format!("IP:\t{}", svc.cluster_ip));
    w.line(0, &format!("IPs:\t{}", svc.cluster_ip));
    for sp in &svc.ports {
        let name = sp.name.as_deref().unwrap_or("<unset>");
        w.line(0, &format!("Port:\t{name}\t{}/{}", sp.port, sp.protocol));
        match &sp.target_port {
            IntOrString::Int(p) => w.line(0, &format!("TargetPort:\t{p}/{}", sp.protocol)),
            IntOrString::Str(s) => w.line(0, &format!("TargetPort:\t{s}/{}", sp.protocol)),
        }
        w.line(0, &format!("Endpoints:\t{}", endpoints_text(cluster, ns, &svc.meta.name, sp.name.as_deref())));
    }
    w.line(0, "Session Affinity:\tNone");
    if svc.kind != ServiceType::ClusterIP {
        w.line(0, "External Traffic Policy:\tCluster");
    }
    w.line(0, "Internal Traffic Policy:\tCluster");
}

pub fn endpoints(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(ep) = cluster.endpoints().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", ep.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &ep.meta.labels);
    w.annotations("Annotations", &ep.meta.annotations);
    w.line(0, "Subsets:");
    if !ep.ready.is_empty() || !ep.not_ready.is_empty() {
        let join = |list: &[crate::sim::objects::EndpointAddress]| {
            if list.is_empty() {
                "<none>".to_owned()
            } else {
                list.iter().map(|a| a.ip.as_str()).collect::<Vec<_>>().join(",")
            }
        };
        w.line(1, &format!("Addresses:\t{}", join(&ep.ready)));
        w.line(1, &format!("NotReadyAddresses:\t{}", join(&ep.not_ready)));
        if !ep.ports.is_empty() {
            w.line(1, "Ports:");
            w.line(2, "Name\tPort\tProtocol");
            w.line(2, "----\t----\t--------");
            for (n, p) in &ep.ports {
                w.line(2, &format!("{}\t{p}\tTCP", n.as_deref().unwrap_or("<unset>")));
            }
        }
        w.line(0, "");
    }
}

/// `web:80 (10.244.1.5:8080)`, or the error kubectl shows when the service is missing.
pub fn backend_text(cluster: &Cluster, ns: &str, service: &str, port: u16) -> String {
    let Some(svc) = cluster.services().get(&key(ns, service)) else {
        return format!("{service}:{port} (<error: endpoints \"{service}\" not found>)");
    };
    let port_name = svc.ports.iter().find(|p| p.port == port).and_then(|p| p.name.as_deref());
    format!("{service}:{port} ({})", endpoints_text(cluster, ns, service, port_name))
}

pub fn ingress(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(ing) = cluster.ingresses().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", ing.meta.name));
    w.labels("Labels", &ing.meta.labels);
    w.line(0, &format!("Namespace:\t{ns}"));
    let address = if crate::sim::ingress_class::served(cluster, ing) {
        crate::sim::network::ingress_address(cluster).unwrap_or_default()
    } else {
        String::new()
    };
    w.line(0, &format!("Address:\t{address}"));
    w.line(0, &format!("Ingress Class:\t{}", if ing.class.is_empty() { "<none>" } else { ing.class.as_str() }));
    w.line(0, "Default backend:\t<default>");
    if !ing.tls.is_empty() {
        w.line(0, "TLS:");
        for t in &ing.tls {
            w.line(1, &format!("{} terminates {}", t.secret_name, t.hosts.join(",")));
        }
    }
    w.line(0, "Rules:");
    w.line(1, "Host\tPath\tBackends");
    w.line(1, "----\t----\t--------");
    for rule in &ing.rules {
        let host = if rule.host.is_empty() { "*" } else { rule.host.as_str() };
        w.line(1, &format!("{host}\t"));
        for p in &rule.paths {
            w.line(2, &format!("\t{} \t{}", p.path, backend_text(cluster, ns, &p.backend.service, p.backend.port)));
        }
    }
    if ing.rules.is_empty() {
        w.line(1, "*\t*\t<default>");
    }
    w.annotations("Annotations", &ing.meta.annotations);
}

pub fn netpol(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(np) = cluster.netpols().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", np.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("Created on:\t{}", clock::go_string(np.meta.created)));
    w.labels("Labels", &np.meta.labels);
    w.annotations("Annotations", &np.meta.annotations);
    w.line(0, "Spec:");
    if np.pod_selector.is_empty() && np.pod_selector_expressions.is_empty() {
        w.line(1, "PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)");
    } else {
        w.line(1, &format!("PodSelector:     {}", np.pod_selector().format_label_selector()));
    }
    let ingress = np.policy_types.is_empty() || np.policy_types.contains(&PolicyType::Ingress);
    let egress = np.policy_types.contains(&PolicyType::Egress) || (np.policy_types.is_empty() && !np.egress.is_empty());
    if ingress {
        w.line(1, "Allowing ingress traffic:");
        rules(w, &np.ingress, "ingress", "From", "source");
    } else {
        w.line(1, "Not affecting ingress traffic");
    }
    if egress {
        w.line(1, "Allowing egress traffic:");
        rules(w, &np.egress, "egress", "To", "destination");
    } else {
        w.line(1, "Not affecting egress traffic");
    }
    let types: Vec<&str> = if np.policy_types.is_empty() {
        let mut t = vec!["Ingress"];
        if egress {
            t.push("Egress");
        }
        t
    } else {
        np.policy_types
            .iter()
            .map(|t| match t {
                PolicyType::Ingress => "Ingress",
                PolicyType::Egress => "Egress",
            })
            .collect()
    };
    w.line(1, &format!("Policy Types: {}", types.join(", ")));
}

fn rules(w: &mut W, list: &[PolicyRule], direction: &str, peer_word: &str, any_word: &str) {
    let indent = "    ";
    if list.is_empty() {
        w.line(0, &format!("{indent}<none> (Selected pods are isolated for {direction} connectivity)"));
        return;
    }
    for (i, rule) in list.iter().enumerate() {
        if rule.ports.is_empty() {
            w.line(0, &format!("{indent}To Port: <any> (traffic allowed to all ports)"));
        } else {
            for p in &rule.ports {
                w.line(0, &format!("{indent}To Port: {}/{}", p.port_text(), p.protocol));
            }
        }
        if rule.peers.is_empty() {
            w.line(0, &format!("{indent}{peer_word}: <any> (traffic not restricted by {any_word})"));
        } else {
            // kubectl's `printNetworkPolicySpecIngressFrom`: selectors first, an ipBlock only
            // when the peer has neither.
            for peer in &rule.peers {
                w.line(0, &format!("{indent}{peer_word}:"));
                match (peer.namespace_selector(), peer.pod_selector()) {
                    (Some(n), Some(p)) => {
                        w.line(1, &format!("{indent}NamespaceSelector: {}", n.format_label_selector()));
                        w.line(1, &format!("{indent}PodSelector: {}", p.format_label_selector()));
                    }
                    (None, Some(p)) => w.line(1, &format!("{indent}PodSelector: {}", p.format_label_selector())),
                    (Some(n), None) => {
                        w.line(1, &format!("{indent}NamespaceSelector: {}", n.format_label_selector()));
                    }
                    (None, None) => {
                        if let Some(block) = &peer.ip_block {
                            w.line(1, &format!("{indent}IPBlock:"));
                            w.line(2, &format!("{indent}CIDR: {}", block.cidr));
                            w.line(2, &format!("{indent}Except: {}", block.except.join(", ")));
                        }
                    }
                }
            }
        }
        if i + 1 != list.len() {
            w.line(0, &format!("{indent}----------"));
        }
    }
}

/// kubectl's `describeEndpointSliceV1`. Note `Ports: <unset>` and `Endpoints: <none>` are
/// written with a space, not a tab, so they do not align with the other fields.
pub fn endpoint_slice(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(slice) = crate::sim::endpoint_slice::find(cluster, ns, name) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", slice.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &slice.meta.labels);
    w.annotations("Annotations", &slice.meta.annotations);
    w.line(0, "AddressType:\tIPv4");
    if slice.ports().is_empty() {
        w.line(0, "Ports: <unset>");
    } else {
        w.line(0, "Ports:");
        w.line(1, "Name\tPort\tProtocol");
        w.line(1, "----\t----\t--------");
        for (port_name, port) in slice.ports() {
            w.line(1, &format!("{}\t{port}\tTCP", port_name.as_deref().filter(|n| !n.is_empty()).unwrap_or("<unset>")));
        }
    }
    if slice.addresses().next().is_none() {
        w.line(0, "Endpoints: <none>");
        return;
    }
    w.line(0, "Endpoints:");
    for (address, ready) in slice.addresses() {
        w.line(1, &format!("- Addresses:\t{}", address.ip));
        w.line(2, "Conditions:");
        w.line(3, &format!("Ready:\t{ready}"));
        w.line(2, "Hostname:\t<unset>");
        if !address.pod.is_empty() {
            w.line(2, &format!("TargetRef:\tPod/{}", address.pod));
        }
        w.line(2, &format!("NodeName:\t{}", if address.node.is_empty() { "<unset>" } else { address.node.as_str() }));
        w.line(2, "Zone:\t<unset>");
    }
}
