//! The endpoints controller: each service's endpoints are the IPs of the pods its selector
//! matches, split by readiness. A selector that matches nothing leaves `<none>`, silently.

use crate::sim::cluster::Cluster;
use crate::sim::objects::{EndpointAddress, Endpoints, IntOrString, Meta, Selector};

pub fn step(cluster: &mut Cluster) {
    let mut fresh = Vec::new();
    for (k, svc) in &cluster.services {
        let selector = Selector::from_labels(&svc.selector);
        let mut ready = Vec::new();
        let mut not_ready = Vec::new();
        if !svc.selector.is_empty() {
            for pod in cluster.pods.values() {
                if pod.meta.namespace != svc.meta.namespace || !pod.is_active() || !selector.matches(&pod.meta.labels) {
                    continue;
                }
                let Some(ip) = &pod.status.pod_ip else { continue };
                let node_ready = pod.status.node.as_ref().and_then(|n| cluster.nodes.get(n)).is_some_and(crate::sim::objects::Node::is_ready);
                let addr = EndpointAddress { ip: ip.clone(), pod: pod.meta.name.clone(), node: pod.status.node.clone().unwrap_or_default() };
                if pod.is_ready() && node_ready {
                    ready.push(addr);
                } else {
                    not_ready.push(addr);
                }
            }
        }
        let ports = svc
            .ports
            .iter()
            .map(|p| {
                let target = match &p.target_port {
                    IntOrString::Int(n) => *n,
                    IntOrString::Str(s) => s.parse().unwrap_or(p.port),
                };
                (p.name.clone(), target)
            })
            .collect();
        fresh.push((k.clone(), ready, not_ready, ports));
    }
    let now = cluster.now;
    let mut changed = false;
    for (k, ready, not_ready, ports) in fresh {
        let entry = cluster.endpoints.entry(k.clone()).or_insert_with(|| {
            let mut meta = Meta::new(k.1.clone(), k.0.clone());
            meta.created = now;
            Endpoints { meta, ready: Vec::new(), not_ready: Vec::new(), ports: Vec::new() }
        });
        if entry.ready != ready || entry.not_ready != not_ready || entry.ports != ports {
            entry.ready = ready;
            entry.not_ready = not_ready;
            entry.ports = ports;
            changed = true;
        }
    }
    let services = &cluster.services;
    let before = cluster.endpoints.len();
    cluster.endpoints.retain(|k, _| services.contains_key(k));
    if changed || cluster.endpoints.len() != before {
        cluster.touch();
    }
}
