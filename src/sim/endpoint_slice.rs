//! `EndpointSlices` (`discovery.k8s.io/v1`) as the endpointslice controller mirrors them: one slice
//! per service, computed from what the endpoints controller found, so the two never disagree.
//! They are read-only views: the controller owns them, nothing else writes them.

use crate::sim::cluster::Cluster;
use crate::sim::objects::{EndpointAddress, Endpoints, Labels, Meta};

/// The label every slice carries to name its service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// One slice: the service's endpoints under the slice's own name and labels.
pub struct Slice<'a> {
    pub meta: Meta,
    pub endpoints: &'a Endpoints,
}

impl Slice<'_> {
    /// The service the slice belongs to.
    pub fn service(&self) -> &str {
        &self.endpoints.meta.name
    }

    /// Every address with its readiness: ready ones first, as the controller sorts them.
    pub fn addresses(&self) -> impl Iterator<Item = (&EndpointAddress, bool)> {
        self.endpoints.ready.iter().map(|a| (a, true)).chain(self.endpoints.not_ready.iter().map(|a| (a, false)))
    }

    /// A service with no endpoints gets a placeholder slice that has no ports either.
    pub fn ports(&self) -> &[(Option<String>, u16)] {
        if self.endpoints.ready.is_empty() && self.endpoints.not_ready.is_empty() { &[] } else { &self.endpoints.ports }
    }

    /// Whether the endpointslice controller (rather than the API server) keeps this slice.
    pub fn controller_managed(&self) -> bool {
        self.meta.labels.contains_key(MANAGED_BY_LABEL)
    }
}

/// A number fixed for the life of the service: its namespace, name and uid hashed (FNV-1a), so
/// reading slices never draws from the RNG or changes the world.
fn stable_hash(cluster: &Cluster, e: &Endpoints) -> u64 {
    let service_uid = cluster.services().get(&e.meta.key()).map_or(0, |s| s.meta.uid);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in e.meta.namespace.bytes().chain([b'/']).chain(e.meta.name.bytes()).chain(service_uid.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `<service>-<5 chars>`, as the controller's `generateName` makes it. The API server's own
/// `default/kubernetes` slice is named after the service alone.
fn name(e: &Endpoints, hash: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    if is_api_server(e) {
        return e.meta.name.clone();
    }
    let base = ALPHABET.len() as u64;
    let suffix: String = (0..5u32).map(|i| char::from(ALPHABET[((hash / base.pow(i)) % base) as usize])).collect();
    format!("{}-{suffix}", e.meta.name)
}

fn is_api_server(e: &Endpoints) -> bool {
    e.meta.namespace == "default" && e.meta.name == "kubernetes"
}

fn slice_of<'a>(cluster: &Cluster, e: &'a Endpoints) -> Slice<'a> {
    let hash = stable_hash(cluster, e);
    let mut meta = e.meta.clone();
    meta.name = name(e, hash);
    // Its own uid, distinct from the Endpoints' (kept in the range the other uids use).
    meta.uid = 1_000_000 + hash % 1_000_000;
    let mut labels = Labels::new();
    // The controller copies the service's labels; the API server's own slice has only its name.
    if !is_api_server(e) {
        if let Some(svc) = cluster.services().get(&e.meta.key()) {
            labels.extend(svc.meta.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        labels.insert(MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned());
    }
    labels.insert(SERVICE_NAME_LABEL.to_owned(), e.meta.name.clone());
    meta.labels = labels;
    meta.annotations = Labels::new();
    Slice { meta, endpoints: e }
}

/// Every slice, in the endpoints' order (namespace, then service).
pub fn all(cluster: &Cluster) -> Vec<Slice<'_>> {
    cluster.endpoints().values().map(|e| slice_of(cluster, e)).collect()
}

/// The slice named `name` in `namespace`, if its service has one.
pub fn find<'a>(cluster: &'a Cluster, namespace: &str, name: &str) -> Option<Slice<'a>> {
    cluster
        .endpoints()
        .values()
        .filter(|e| e.meta.namespace == namespace && name.starts_with(e.meta.name.as_str()))
        .map(|e| slice_of(cluster, e))
        .find(|s| s.meta.name == name)
}
