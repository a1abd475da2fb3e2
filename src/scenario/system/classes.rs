//! The classes a cluster has before anyone writes one: the API server's two built-in priority
//! classes, which every cluster has, and the `nginx` ingress class the ingress-nginx chart
//! installs (marked the default class), which system clusters have. A scenario that declares a
//! class of the same name keeps its own.
//!
//! They are written straight into the stores, as the API server writes its own, with uids from a
//! range the API's counter never reaches, so adding them shifts no other object's uid.

use std::collections::BTreeMap;

use crate::sim::Cluster;
use crate::sim::objects::{
    BUILTIN_PRIORITY_CLASSES, DEFAULT_INGRESS_CLASS, IngressClass, Meta, NGINX_CONTROLLER, PreemptionPolicy,
    PriorityClass,
};

/// Where the uids of built-in classes start.
const BUILTIN_UID: u64 = 1 << 40;

/// Installs the built-in classes the cluster lacks; `system` adds the ingress controller's class.
pub fn install(cluster: &mut Cluster, system: bool, created: i64) {
    let meta = |name: &str, uid: u64| Meta { created, uid, ..Meta::new(name, "") };
    for (i, (name, value, description)) in BUILTIN_PRIORITY_CLASSES.iter().enumerate() {
        if cluster.priorityclasses().contains_key(*name) {
            continue;
        }
        let class = PriorityClass {
            meta: meta(name, BUILTIN_UID + i as u64),
            value: *value,
            global_default: false,
            preemption_policy: PreemptionPolicy::PreemptLowerPriority,
            description: (*description).to_owned(),
        };
        cluster.priorityclasses_mut().insert((*name).to_owned(), class);
    }
    if system && !cluster.ingressclasses().contains_key("nginx") {
        let mut m = meta("nginx", BUILTIN_UID + 10);
        m.labels = BTreeMap::from(
            [
                ("app.kubernetes.io/component", "controller"),
                ("app.kubernetes.io/instance", "ingress-nginx"),
                ("app.kubernetes.io/name", "ingress-nginx"),
                ("app.kubernetes.io/part-of", "ingress-nginx"),
                ("app.kubernetes.io/version", "1.11.2"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        m.annotations = BTreeMap::from([(DEFAULT_INGRESS_CLASS.to_owned(), "true".to_owned())]);
        let class = IngressClass { meta: m, controller: NGINX_CONTROLLER.to_owned(), is_default: false };
        cluster.ingressclasses_mut().insert("nginx".to_owned(), class);
    }
}
