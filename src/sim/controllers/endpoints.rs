//! The endpoints controller: each service's endpoints are the IPs of the pods its selector
//! matches, split by readiness. A selector that matches nothing leaves `<none>`, silently.

use crate::sim::cluster::Cluster;
use crate::sim::objects::{EndpointAddress, Endpoints, Meta, Selector};

pub fn step(cluster: &mut Cluster) {
    let mut fresh = Vec::new();
    let api_server = crate::sim::control_plane::api_server_ip(cluster);
    for (k, svc) in cluster.services() {
        let selector = Selector::from_labels(&svc.selector);
        let mut ready = Vec::new();
        let mut not_ready = Vec::new();
        if k.0 == "default" && k.1 == "kubernetes" && svc.selector.is_empty() {
            // The API server keeps this one itself: its own address, on its secure port.
            if let Some(ip) = &api_server {
                ready.push(EndpointAddress { ip: ip.clone(), pod: String::new(), node: String::new() });
            }
        } else if !svc.selector.is_empty() {
            for pod in cluster.pods().values() {
                if pod.meta.namespace != svc.meta.namespace || !pod.is_active() || !selector.matches(&pod.meta.labels) {
                    continue;
                }
                let Some(ip) = &pod.status.pod_ip else { continue };
                let node_ready = pod
                    .status
                    .node
                    .as_ref()
                    .and_then(|n| cluster.nodes().get(n))
                    // A node whose kubelet reports NotReady (its CNI config gone) still runs
                    // its pods; only a node that stopped posting status loses them.
                    .is_some_and(|n| n.is_ready() || n.condition("Ready").is_some_and(|c| c.status == "False"));
                let addr = EndpointAddress {
                    ip: ip.clone(),
                    pod: pod.meta.name.clone(),
                    node: pod.status.node.clone().unwrap_or_default(),
                };
                if pod.is_ready() && node_ready {
                    ready.push(addr);
                } else {
                    not_ready.push(addr);
                }
            }
        }
        let ports = svc.ports.iter().map(|p| (p.name.clone(), p.target())).collect();
        fresh.push((k.clone(), ready, not_ready, ports));
    }
    let now = cluster.now;
    let mut changed = false;
    for (k, ready, not_ready, ports) in fresh {
        let entry = cluster.endpoints_mut_status_only().entry(k.clone()).or_insert_with(|| {
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
    let orphans: Vec<(String, String)> =
        cluster.endpoints().keys().filter(|k| !cluster.services().contains_key(*k)).cloned().collect();
    let endpoints = cluster.endpoints_mut_status_only();
    for k in &orphans {
        endpoints.remove(k);
    }
    if changed || !orphans.is_empty() {
        cluster.touch();
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::apps::AppProfile;
    use crate::sim::change::Object;
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{
        cluster_with, container, get_pod, labels, node, pod, pod_spec, service,
    };
    use crate::sim::objects::{EndpointAddress, Endpoints, Probe};

    /// Service `web` over pods `web-a` (ready) and `web-b` (its readiness probe gets a 404), and
    /// service `api` whose selector matches nothing.
    fn two_pods() -> Cluster {
        let mut a = pod("default", "web-a", pod_spec(vec![container("web", "web:v1")]));
        let mut probed = container("web", "web:v1");
        probed.readiness = Some(Probe {
            path: Some("/missing".to_owned()),
            port: 8080,
            initial_delay_seconds: 0,
            period_seconds: 10,
            failure_threshold: 3,
        });
        let mut b = pod("default", "web-b", pod_spec(vec![probed]));
        a.meta.labels = labels(&[("app", "web")]);
        b.meta.labels = labels(&[("app", "web")]);
        let objects = vec![
            Object::Pod(a),
            Object::Pod(b),
            Object::Service(service("default", "web", 80, 8080)),
            Object::Service(service("default", "api", 80, 8080)),
        ];
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", AppProfile::default())], objects);
        c.advance_seconds(40);
        c
    }

    fn address(c: &Cluster, pod: &str) -> EndpointAddress {
        let p = get_pod(c, "default", pod);
        EndpointAddress {
            ip: p.status.pod_ip.clone().unwrap_or_default(),
            pod: pod.to_owned(),
            node: "node-1".to_owned(),
        }
    }

    fn endpoints<'a>(c: &'a Cluster, name: &str) -> &'a Endpoints {
        c.endpoints().get(&key("default", name)).unwrap_or_else(|| panic!("endpoints {name}"))
    }

    #[test]
    fn addresses_are_split_by_readiness() {
        let c = two_pods();
        let eps = endpoints(&c, "web");
        assert_eq!(eps.ready, [address(&c, "web-a")]);
        assert_eq!(eps.not_ready, [address(&c, "web-b")]);
        assert_eq!(eps.ports, [(None, 8080)]);
        assert!(eps.ready[0].ip.starts_with("10.244.0."));
    }

    #[test]
    fn a_selector_matching_nothing_has_no_addresses() {
        let c = two_pods();
        let eps = endpoints(&c, "api");
        assert!(eps.ready.is_empty() && eps.not_ready.is_empty());
        assert_eq!(eps.ports, [(None, 8080)]);
    }

    #[test]
    fn the_world_moves_only_when_endpoints_change() {
        let mut c = two_pods();
        let world = c.world();
        super::step(&mut c);
        assert_eq!(c.world(), world);
        if let Some(p) = c.pods_mut().get_mut(&key("default", "web-a")) {
            p.status.containers[0].ready = false;
        }
        // The write itself moved the world; the endpoints that follow from it move it again.
        let written = c.world();
        assert_eq!(written, world + 1);
        super::step(&mut c);
        assert_eq!(c.world(), written + 1);
        let eps = endpoints(&c, "web");
        assert!(eps.ready.is_empty());
        assert_eq!(eps.not_ready, [address(&c, "web-a"), address(&c, "web-b")]);
        super::step(&mut c);
        assert_eq!(c.world(), written + 1);
    }
}
