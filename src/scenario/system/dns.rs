//! Cluster DNS as kubeadm installs it: the `coredns` config map's Corefile, which the `CoreDNS`
//! pods mount at `/etc/coredns` and read at start.

use std::collections::BTreeMap;

use crate::sim::change::Object;
use crate::sim::objects::{ConfigMap, Meta};

/// kubeadm's Corefile for a cluster whose domain is `cluster.local`.
pub const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";

pub fn config_map() -> Object {
    Object::ConfigMap(ConfigMap {
        meta: Meta::new("coredns", "kube-system"),
        data: BTreeMap::from([("Corefile".to_owned(), COREFILE.to_owned())]),
    })
}
