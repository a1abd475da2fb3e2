//! What the controller manager puts in every namespace as it appears: the root CA publisher's
//! `kube-root-ca.crt` config map and the service account controller's `default` account. Only
//! in a cluster with a control plane to run them, and only while its `--controllers` flag
//! starts them; a namespace that already has both costs two lookups.

use std::collections::BTreeMap;

use crate::sim::cluster::{Cluster, key};
use crate::sim::control_plane;
use crate::sim::objects::{ConfigMap, Meta, ServiceAccount};

/// The config map the root CA publisher keeps in every namespace.
pub const ROOT_CA: &str = "kube-root-ca.crt";

const CA_BUNDLE: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKombatCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAxMK\na3ViZXJuZXRlczAeFw0yNjEwMjMwODU1MDBaFw0zNjEwMjEwOTAwMDBaMBUxEzAR\nBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB\n-----END CERTIFICATE-----\n";

const DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

pub fn step(cluster: &mut Cluster, control_plane: &control_plane::Status) {
    if control_plane::node(cluster).is_none() {
        return;
    }
    let publish = control_plane.controller_enabled("root-ca-cert-publisher");
    let accounts = control_plane.controller_enabled("serviceaccount");
    let namespaces: Vec<String> =
        cluster.namespaces().values().filter(|n| n.meta.deleted.is_none()).map(|n| n.meta.name.clone()).collect();
    for ns in namespaces {
        if publish && !cluster.configmaps().contains_key(&key(&ns, ROOT_CA)) {
            let mut meta = Meta::new(ROOT_CA, ns.as_str());
            meta.annotations.insert("kubernetes.io/description".to_owned(), DESCRIPTION.to_owned());
            cluster.stamp(&mut meta);
            let data = BTreeMap::from([("ca.crt".to_owned(), CA_BUNDLE.to_owned())]);
            cluster.configmaps_mut().insert(key(&ns, ROOT_CA), ConfigMap { meta, data });
        }
        if accounts && !cluster.serviceaccounts().contains_key(&key(&ns, "default")) {
            let mut meta = Meta::new("default", ns.as_str());
            cluster.stamp(&mut meta);
            cluster
                .serviceaccounts_mut()
                .insert(key(&ns, "default"), ServiceAccount { meta, image_pull_secrets: Vec::new() });
        }
    }
}
