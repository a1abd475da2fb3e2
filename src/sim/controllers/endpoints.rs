//! The endpoints controller: each service's endpoints are the IPs of the pods its selector
//! matches, split by readiness. A selector that matches nothing leaves `<none>`, silently.
//!
//! One pass over the pods indexes those that can be endpoints (active, with an IP) by namespace
//! and by the value of each label a selector starts with, so a service looks only at the pods
//! that carry its first label rather than at every pod; a service's endpoints are copied into the
//! store only when they changed.

use std::collections::BTreeMap;

use crate::sim::cluster::{Cluster, IndexMap};
use crate::sim::objects::{EndpointAddress, Endpoints, Meta, Pod, Selector};

/// A pod that can be an endpoint: active, with an IP, and whether its node still counts it.
struct Candidate<'a> {
    pod: &'a Pod,
    ip: &'a str,
    node_ready: bool,
}

/// An endpoint address as the pass sees it, borrowed from the pod.
#[derive(Clone, Copy)]
struct Address<'a> {
    ip: &'a str,
    pod: &'a str,
    node: &'a str,
}

impl Address<'_> {
    fn owned(self) -> EndpointAddress {
        EndpointAddress { ip: self.ip.to_owned(), pod: self.pod.to_owned(), node: self.node.to_owned() }
    }
}

fn same(stored: &[EndpointAddress], fresh: &[Address<'_>]) -> bool {
    stored.len() == fresh.len()
        && stored.iter().zip(fresh).all(|(s, f)| s.ip == f.ip && s.pod == f.pod && s.node == f.node)
}

pub fn step(cluster: &mut Cluster) {
    let api_server = crate::sim::control_plane::api_server_ip(cluster);
    // A node whose kubelet reports NotReady (its CNI config gone) still runs its pods; only a
    // node that stopped posting status loses them.
    let node_counts: BTreeMap<&str, bool> = cluster
        .nodes()
        .values()
        .map(|n| (n.meta.name.as_str(), n.is_ready() || n.condition("Ready").is_some_and(|c| c.status == "False")))
        .collect();
    let candidates: Vec<Candidate<'_>> = cluster
        .pods()
        .values()
        .filter(|pod| pod.is_active())
        .filter_map(|pod| {
            let ip = pod.status.pod_ip.as_deref()?;
            let node_ready = pod.status.node.as_deref().and_then(|n| node_counts.get(n)).copied().unwrap_or(false);
            Some(Candidate { pod, ip, node_ready })
        })
        .collect();
    // The label keys selectors start with (their first, in key order): the index's keys.
    let mut first_keys: Vec<&str> =
        cluster.services().values().filter_map(|s| s.selector.keys().next().map(String::as_str)).collect();
    first_keys.sort_unstable();
    first_keys.dedup();
    // (namespace, label key, label value) -> candidates carrying that label, in the pods' order.
    let mut by_label: IndexMap<(&str, &str, &str), Vec<usize>> = IndexMap::default();
    for (i, c) in candidates.iter().enumerate() {
        for key in &first_keys {
            if let Some(value) = c.pod.meta.labels.get(*key) {
                by_label.entry((c.pod.meta.namespace.as_str(), key, value.as_str())).or_default().push(i);
            }
        }
    }
    let now = cluster.now;
    let mut updates: Vec<((String, String), Endpoints)> = Vec::new();
    let mut changed = false;
    for (k, svc) in cluster.services() {
        let mut ready: Vec<Address<'_>> = Vec::new();
        let mut not_ready: Vec<Address<'_>> = Vec::new();
        if k.0 == "default" && k.1 == "kubernetes" && svc.selector.is_empty() {
            // The API server keeps this one itself: its own address, on its secure port.
            if let Some(ip) = &api_server {
                ready.push(Address { ip, pod: "", node: "" });
            }
        } else if let Some((first_key, first_value)) = svc.selector.iter().next() {
            let selector = Selector::from_labels(&svc.selector);
            let matching = by_label.get(&(svc.meta.namespace.as_str(), first_key.as_str(), first_value.as_str()));
            for c in matching.into_iter().flatten().filter_map(|i| candidates.get(*i)) {
                if !selector.matches(&c.pod.meta.labels) {
                    continue;
                }
                let addr = Address {
                    ip: c.ip,
                    pod: c.pod.meta.name.as_str(),
                    node: c.pod.status.node.as_deref().unwrap_or(""),
                };
                if c.pod.is_ready() && c.node_ready {
                    ready.push(addr);
                } else {
                    not_ready.push(addr);
                }
            }
        }
        let ports: Vec<(Option<String>, u16)> = svc.ports.iter().map(|p| (p.name.clone(), p.target())).collect();
        let stored = cluster.endpoints().get(k);
        let unchanged =
            stored.is_some_and(|e| same(&e.ready, &ready) && same(&e.not_ready, &not_ready) && e.ports == ports);
        if unchanged {
            continue;
        }
        // A new entry starts empty: it is news only if it has something in it.
        changed |= stored.is_some() || !ready.is_empty() || !not_ready.is_empty() || !ports.is_empty();
        let meta = stored.map_or_else(
            || {
                let mut meta = Meta::new(k.1.clone(), k.0.clone());
                meta.created = now;
                meta
            },
            |e| e.meta.clone(),
        );
        let ready = ready.into_iter().map(Address::owned).collect();
        let not_ready = not_ready.into_iter().map(Address::owned).collect();
        updates.push((k.clone(), Endpoints { meta, ready, not_ready, ports }));
    }
    let orphans: Vec<(String, String)> =
        cluster.endpoints().keys().filter(|k| !cluster.services().contains_key(*k)).cloned().collect();
    let endpoints = cluster.endpoints_mut_status_only();
    for (k, e) in updates {
        endpoints.insert(k, e);
    }
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
        cluster_with, container, get_pod, labels, namespace, node, pod, pod_spec, service,
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
    fn only_pods_of_the_service_namespace_matching_its_whole_selector_are_endpoints() {
        let web = |ns: &str, name: &str, pairs: &[(&str, &str)]| {
            let mut p = pod(ns, name, pod_spec(vec![container("web", "web:v1")]));
            p.meta.labels = labels(pairs);
            Object::Pod(p)
        };
        let mut front = service("default", "front", 80, 8080);
        front.selector = labels(&[("app", "web"), ("tier", "front")]);
        let objects = vec![
            namespace("other"),
            web("default", "web-a", &[("app", "web"), ("tier", "front")]),
            web("default", "web-b", &[("app", "web"), ("tier", "back")]),
            web("default", "web-c", &[("tier", "front")]),
            web("other", "web-d", &[("app", "web"), ("tier", "front")]),
            web("default", "web-e", &[("app", "web"), ("tier", "front"), ("extra", "yes")]),
            Object::Service(front),
        ];
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", AppProfile::default())], objects);
        c.advance_seconds(40);
        let eps = endpoints(&c, "front");
        assert_eq!(eps.ready, [address(&c, "web-a"), address(&c, "web-e")]);
        assert!(eps.not_ready.is_empty());
        // A pod that stops matching leaves, and its leaving is news to the controllers.
        let world = c.world();
        if let Some(p) = c.pods_mut().get_mut(&key("default", "web-a")) {
            p.meta.labels.insert("tier".to_owned(), "back".to_owned());
        }
        c.step();
        assert_eq!(endpoints(&c, "front").ready, [address(&c, "web-e")]);
        assert!(c.world() > world + 1, "the endpoints change advanced the counter too");
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
