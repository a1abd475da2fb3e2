//! The cluster state: every object, the registry and app profiles, events, incident time and the
//! seeded randomness. Controllers and the console read and change it; nothing here does I/O.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::apps::{AppProfile, Registry};
use super::objects::{
    ConfigMap, CronJob, DaemonSet, Deployment, Endpoints, Hpa, Ingress, Job, LimitRange, Meta, Namespace,
    NetworkPolicy, Node, Pdb, PersistentVolume, Pod, Pvc, ReplicaSet, ResourceQuota, Role, RoleBinding, Secret,
    Service, ServiceAccount, StatefulSet, StorageClass, WebhookConfiguration,
};
use super::traffic::{Entrypoint, TrafficState};

/// A hash map for the simulation's own short-lived indexes (images to app profiles, labels to
/// pods), hashed by [`SampleHasher`].
pub(in crate::sim) type IndexMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<SampleHasher>>;

/// Hashes a string by its length and three 8-byte samples (head, middle, tail) instead of every
/// byte: the simulation's indexes are keyed by names like `registry.example.com/shop/web:1.4.1`
/// that share long prefixes, and rehashing them whole on every lookup was a large part of a
/// controller pass. Not collision-resistant: keys with equal samples only cost the map an
/// equality check, and the keys are the cluster's own names, not an attacker's.
#[derive(Clone, Copy, Debug, Default)]
pub(in crate::sim) struct SampleHasher(u64);

impl SampleHasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(Self::K);
    }

    fn sample(bytes: &[u8], at: usize) -> u64 {
        let mut word = [0u8; 8];
        let part = bytes.get(at..).unwrap_or_default();
        let n = part.len().min(8);
        word[..n].copy_from_slice(&part[..n]);
        u64::from_le_bytes(word)
    }
}

impl std::hash::Hasher for SampleHasher {
    fn finish(&self) -> u64 {
        let h = self.0;
        (h ^ (h >> 31)).wrapping_mul(Self::K) ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        self.mix(len as u64);
        self.mix(Self::sample(bytes, 0));
        if len > 8 {
            self.mix(Self::sample(bytes, len / 2 - 4));
            self.mix(Self::sample(bytes, len - 8));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    /// A number (a pod's uid) is one word: mixed as it is, not copied out as bytes.
    fn write_u64(&mut self, word: u64) {
        self.mix(word);
    }
}

/// Objects of one kind by `(namespace, name)`; cluster-scoped kinds use an empty namespace.
pub type Store<T> = BTreeMap<(String, String), T>;

pub fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_owned(), name.to_owned())
}

/// The cluster: its objects, its clock, its randomness and the change counter the controllers
/// skip their work by.
///
/// # Invariants it guards
///
/// * **Every write others may depend on advances the change counter.** The level-triggered
///   controllers (deployments, replica sets, storage, the scheduler, endpoints) and settled pods
///   only look again when [`Cluster::world`] moved. The object stores are private: they are read
///   through `&` accessors (`pods()`) and written only through `_mut()` accessors (`pods_mut()`)
///   that advance the counter before handing out the store, so a write cannot forget to. The
///   few controller writes that must not advance it (status bookkeeping written every step, see
///   the `_status_only` accessors) are visible to the simulation alone and documented one by one.
/// * **Identities are never reused**: uids, service IPs and pod IPs come from private counters.
/// * **The counter only moves forward**, and only the step records what was reconciled.
/// * **Registry, app profiles and entrypoints change the world too**: they decide what a pod
///   runs and where traffic goes, so they are behind the same accessors.
///
/// The clock (`now`), the seed, the event log, the audit trail, lost data, the console's port
/// forwards and the randomness stay public plain data: the controllers read the clock each step rather than skipping on it, and
/// nothing skips its work by the others.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Incident time in seconds since the incident began.
    pub now: i64,
    pub seed: u64,
    /// Outcome randomness (timing jitter).
    pub rng: ChaCha8Rng,
    /// Cosmetic randomness (name suffixes), a separate stream so flavour cannot change outcomes.
    pub names: ChaCha8Rng,
    registry: Registry,
    apps: BTreeMap<String, AppProfile>,
    nodes: BTreeMap<String, Node>,
    namespaces: BTreeMap<String, Namespace>,
    deployments: Store<Deployment>,
    replicasets: Store<ReplicaSet>,
    pods: Store<Pod>,
    services: Store<Service>,
    endpoints: Store<Endpoints>,
    configmaps: Store<ConfigMap>,
    secrets: Store<Secret>,
    pvcs: Store<Pvc>,
    pvs: BTreeMap<String, PersistentVolume>,
    storageclasses: BTreeMap<String, StorageClass>,
    ingresses: Store<Ingress>,
    netpols: Store<NetworkPolicy>,
    hpas: Store<Hpa>,
    quotas: Store<ResourceQuota>,
    limitranges: Store<LimitRange>,
    pdbs: Store<Pdb>,
    serviceaccounts: Store<ServiceAccount>,
    roles: Store<Role>,
    rolebindings: Store<RoleBinding>,
    webhooks: BTreeMap<String, WebhookConfiguration>,
    daemonsets: Store<DaemonSet>,
    statefulsets: Store<StatefulSet>,
    jobs: Store<Job>,
    cronjobs: Store<CronJob>,
    /// The cloud provider's node groups and joining machines (`sim::cloud`), which the cluster
    /// autoscaler reads and grows.
    cloud: super::cloud::Cloud,
    ingressclasses: BTreeMap<String, super::objects::IngressClass>,
    priorityclasses: BTreeMap<String, super::objects::PriorityClass>,
    crds: BTreeMap<String, super::objects::CustomResourceDefinition>,
    /// Webhook configurations as the scenario wrote them, for apps that restore them.
    webhook_originals: BTreeMap<String, WebhookConfiguration>,
    pub events: Vec<Event>,
    entrypoints: Vec<Entrypoint>,
    traffic: TrafficState,
    /// Data volumes that were destroyed (by deleting a claim), as `namespace/claim`.
    pub data_lost: Vec<String>,
    /// Audit of changes made through the API, newest last: (time, who, what).
    pub audit: Vec<(i64, String, String)>,
    /// While set, every change the API accepts is also kept here as it was asked for, in order:
    /// the game turns it on around one console command so that command's event can carry what it
    /// changed (the score judges deeds, not command text). Off (`None`) otherwise, so nothing grows.
    pub recording: Option<Vec<super::change::Change>>,
    /// The `kubectl port-forward`s the console keeps running, by local port. Like kubectl's,
    /// they are client state that no API lists; one lasts until the game ends or its local port
    /// is forwarded again, and stops answering once its pod is gone.
    pub port_forwards: BTreeMap<u16, PortForward>,
    /// While a scenario's baseline is being created: how old its objects look (seconds).
    pub baseline_age: Option<i64>,
    /// Counter for pod IPs, so addresses are not reused while a pod might still hold one.
    next_pod_ip: u32,
    /// Bumped whenever something other pods or controllers depend on changes (an API write, a
    /// pod's readiness, endpoints, load). Controllers with nothing new to see skip their work.
    world: u64,
    /// The `world` the level-triggered controllers last reconciled.
    reconciled_world: u64,
    next_uid: u64,
    next_service_ip: u32,
    /// The API server's store: its size, quota alarm and history ([`crate::sim::etcd`]).
    etcd: crate::sim::etcd::Etcd,
    /// Which app profile each `repository:tag` the registry knows runs, for
    /// [`Cluster::app_for_image`], which every controller asks for every container. A copy derived
    /// from the registry and the app profiles, holding the profile itself (shared, `None` for a
    /// name no profile has) so an answer is one hash lookup and not a second search of the
    /// profiles by name; valid only while `image_index_stale` is false.
    image_index: IndexMap<String, Option<std::sync::Arc<AppProfile>>>,
    /// Set by every write to the registry or the app profiles; the next step rebuilds the index.
    image_index_stale: bool,
    /// Which pods were written since the controllers last looked, finer than `world`
    /// (`sim::changes`): lets them skip what a few pods' writes cannot reach.
    changes: super::changes::Changes,
    /// What each node's config files say to the readers that ask several times a step (its
    /// static pods, whether its CNI config loads), parsed at the start of a step and answered
    /// only while the node's files are still the ones parsed (`Cluster::node_files`).
    node_files: BTreeMap<String, NodeFiles>,
}

/// A node's config files as they were parsed, and what they said.
#[derive(Clone, Debug)]
pub(in crate::sim) struct NodeFiles {
    files: BTreeMap<String, String>,
    /// Shared: the readers (the API server's health, the control plane's status, etcd's quota,
    /// the static pod controller) ask every step and keep what they read.
    pub static_pods: Vec<(String, std::sync::Arc<super::control_plane::StaticPod>)>,
    /// Each static pod's config hash, in the same order: the static pod controller compares it
    /// with its mirror pod's every step.
    pub static_pod_hashes: Vec<String>,
    pub network_ready: bool,
    /// The API server's version, as its manifest on this node says (`None` if none runs it).
    pub api_server_version: Option<String>,
}

/// Where a `kubectl port-forward` sends a local port: a pod (picked once, when it started, as
/// kubectl picks one behind a service or deployment) and the pod's port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    pub namespace: String,
    pub pod: String,
    pub port: u16,
}

/// Read and write accessors for the stores; every write accessor advances the change counter.
macro_rules! stores {
    ($($field:ident, $field_mut:ident: $ty:ty;)*) => {
        impl Cluster {
            $(
                #[doc = concat!("The `", stringify!($field), "`, to read.")]
                pub fn $field(&self) -> &$ty {
                    &self.$field
                }

                #[doc = concat!("The `", stringify!($field), "`, to change: notes that the world changed first, so every controller looks again.")]
                pub fn $field_mut(&mut self) -> &mut $ty {
                    // Only the job and cron job controllers read these two, and they run on
                    // every change: the other controllers may still take their narrow passes.
                    if matches!(stringify!($field).as_bytes(), b"jobs" | b"cronjobs") {
                        self.world += 1;
                    } else {
                        self.touch();
                    }
                    // The image index is derived from these two (compared at compile time).
                    if matches!(stringify!($field).as_bytes(), b"registry" | b"apps") {
                        self.image_index_stale = true;
                    }
                    &mut self.$field
                }
            )*
        }

        /// Every write accessor by name, so a test holds each one to its promise.
        #[cfg(test)]
        const WRITE_ACCESSORS: &[(&str, fn(&mut Cluster))] = &[
            $((stringify!($field_mut), |c: &mut Cluster| {
                let _ = c.$field_mut();
            }),)*
        ];
    };
}

stores! {
    registry, registry_mut: Registry;
    apps, apps_mut: BTreeMap<String, AppProfile>;
    nodes, nodes_mut: BTreeMap<String, Node>;
    namespaces, namespaces_mut: BTreeMap<String, Namespace>;
    deployments, deployments_mut: Store<Deployment>;
    replicasets, replicasets_mut: Store<ReplicaSet>;
    pods, pods_mut: Store<Pod>;
    services, services_mut: Store<Service>;
    endpoints, endpoints_mut: Store<Endpoints>;
    configmaps, configmaps_mut: Store<ConfigMap>;
    secrets, secrets_mut: Store<Secret>;
    pvcs, pvcs_mut: Store<Pvc>;
    pvs, pvs_mut: BTreeMap<String, PersistentVolume>;
    storageclasses, storageclasses_mut: BTreeMap<String, StorageClass>;
    ingresses, ingresses_mut: Store<Ingress>;
    netpols, netpols_mut: Store<NetworkPolicy>;
    hpas, hpas_mut: Store<Hpa>;
    quotas, quotas_mut: Store<ResourceQuota>;
    limitranges, limitranges_mut: Store<LimitRange>;
    pdbs, pdbs_mut: Store<Pdb>;
    serviceaccounts, serviceaccounts_mut: Store<ServiceAccount>;
    roles, roles_mut: Store<Role>;
    rolebindings, rolebindings_mut: Store<RoleBinding>;
    webhooks, webhooks_mut: BTreeMap<String, WebhookConfiguration>;
    webhook_originals, webhook_originals_mut: BTreeMap<String, WebhookConfiguration>;
    entrypoints, entrypoints_mut: Vec<Entrypoint>;
    daemonsets, daemonsets_mut: Store<DaemonSet>;
    statefulsets, statefulsets_mut: Store<StatefulSet>;
    jobs, jobs_mut: Store<Job>;
    cronjobs, cronjobs_mut: Store<CronJob>;
    cloud, cloud_mut: super::cloud::Cloud;
    ingressclasses, ingressclasses_mut: BTreeMap<String, super::objects::IngressClass>;
    priorityclasses, priorityclasses_mut: BTreeMap<String, super::objects::PriorityClass>;
    crds, crds_mut: BTreeMap<String, super::objects::CustomResourceDefinition>;
}

/// Status bookkeeping the controllers write at every pass, without advancing the change counter.
///
/// Advancing it here would make every step look like news, so the level-triggered controllers
/// would never skip. These writes cannot break the skip logic because each writer either writes
/// only what no skipping controller reads (conditions, heartbeats, counts the next status pass
/// recomputes from the pods anyway, a settled pod's wake-up bookkeeping), or advances the counter
/// itself, with [`Cluster::touch`], exactly when it changed something others read (a pod's
/// readiness, an endpoint's addresses). Rust limits them to the simulation; `tests/quiet_writes.rs`
/// limits them to the controllers and the traffic step. The console, manifests, scenarios and the
/// game write through the `_mut()` accessors.
impl Cluster {
    /// Pod status for the kubelet and the node lifecycle; they touch when readiness changes.
    pub(in crate::sim) fn pods_mut_status_only(&mut self) -> &mut Store<Pod> {
        &mut self.pods
    }

    /// Deployment status (template hash, revision, progress, conditions, counts).
    pub(in crate::sim) fn deployments_mut_status_only(&mut self) -> &mut Store<Deployment> {
        &mut self.deployments
    }

    /// Replica set counts, revision and creation errors; scaling goes through `replicasets_mut`.
    pub(in crate::sim) fn replicasets_mut_status_only(&mut self) -> &mut Store<ReplicaSet> {
        &mut self.replicasets
    }

    /// Autoscaler status; its scaling goes through the API.
    pub(in crate::sim) fn hpas_mut_status_only(&mut self) -> &mut Store<Hpa> {
        &mut self.hpas
    }

    /// Node conditions and heartbeats; the node lifecycle touches when readiness changes.
    pub(in crate::sim) fn nodes_mut_status_only(&mut self) -> &mut BTreeMap<String, Node> {
        &mut self.nodes
    }

    /// Daemon set and stateful set counts and template history; their pods go through `pods_mut`.
    pub(in crate::sim) fn daemonsets_mut_status_only(&mut self) -> &mut Store<DaemonSet> {
        &mut self.daemonsets
    }

    /// Stateful set counts and template history; their pods go through `pods_mut`.
    pub(in crate::sim) fn statefulsets_mut_status_only(&mut self) -> &mut Store<StatefulSet> {
        &mut self.statefulsets
    }

    /// Job counts and outcome; the pods a job makes go through `pods_mut`.
    pub(in crate::sim) fn jobs_mut_status_only(&mut self) -> &mut Store<Job> {
        &mut self.jobs
    }

    /// Cron job schedule bookkeeping; the jobs it makes go through `jobs_mut`.
    pub(in crate::sim) fn cronjobs_mut_status_only(&mut self) -> &mut Store<CronJob> {
        &mut self.cronjobs
    }

    /// Endpoints for the endpoints controller, which touches when an address set changes.
    pub(in crate::sim) fn endpoints_mut_status_only(&mut self) -> &mut Store<Endpoints> {
        &mut self.endpoints
    }

    /// The traffic step's figures (results, factors, budget); load goes through
    /// [`Cluster::set_pod_load`], which touches.
    pub(in crate::sim) fn traffic_mut_status_only(&mut self) -> &mut TrafficState {
        &mut self.traffic
    }
}

/// A Kubernetes event, deduplicated by object, reason and message like the real event recorder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub namespace: String,
    /// `Pod`, `Deployment`, `ReplicaSet`, `Node`, …
    pub kind: String,
    pub name: String,
    pub warning: bool,
    pub reason: String,
    pub message: String,
    pub source: String,
    pub first: i64,
    pub last: i64,
    pub count: u32,
}

impl Cluster {
    pub fn new(seed: u64) -> Self {
        Cluster {
            now: 0,
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            names: ChaCha8Rng::seed_from_u64(seed ^ 0x6e61_6d65_735f_7631),
            registry: Registry::default(),
            apps: BTreeMap::new(),
            nodes: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            deployments: Store::new(),
            replicasets: Store::new(),
            pods: Store::new(),
            services: Store::new(),
            endpoints: Store::new(),
            configmaps: Store::new(),
            secrets: Store::new(),
            pvcs: Store::new(),
            pvs: BTreeMap::new(),
            storageclasses: BTreeMap::new(),
            ingresses: Store::new(),
            netpols: Store::new(),
            hpas: Store::new(),
            quotas: Store::new(),
            limitranges: Store::new(),
            pdbs: Store::new(),
            serviceaccounts: Store::new(),
            roles: Store::new(),
            rolebindings: Store::new(),
            webhooks: BTreeMap::new(),
            daemonsets: Store::new(),
            statefulsets: Store::new(),
            jobs: Store::new(),
            cronjobs: Store::new(),
            cloud: super::cloud::Cloud::default(),
            ingressclasses: BTreeMap::new(),
            priorityclasses: BTreeMap::new(),
            crds: BTreeMap::new(),
            webhook_originals: BTreeMap::new(),
            events: Vec::new(),
            entrypoints: Vec::new(),
            traffic: TrafficState::default(),
            data_lost: Vec::new(),
            audit: Vec::new(),
            recording: None,
            port_forwards: BTreeMap::new(),
            baseline_age: None,
            next_pod_ip: 0,
            world: 1,
            reconciled_world: 0,
            next_uid: 1,
            next_service_ip: 1,
            etcd: crate::sim::etcd::Etcd::default(),
            image_index: IndexMap::default(),
            image_index_stale: true,
            changes: super::changes::Changes::default(),
            node_files: BTreeMap::new(),
        }
    }

    /// Rebuilds the image index if the registry or the app profiles were written since it was
    /// built. Called at the start of every step; between a write and the next step,
    /// [`Cluster::app_for_image`] asks the registry itself.
    pub(in crate::sim) fn refresh_image_index(&mut self) {
        if !self.image_index_stale {
            return;
        }
        let mut index = IndexMap::default();
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for image in &self.registry.images {
            // The registry answers from the first entry of a repository.
            if !seen.insert(image.repository.as_str()) {
                continue;
            }
            for (tag, profile) in &image.tags {
                let text = format!("{}:{tag}", image.repository);
                // Only texts the registry splits back into this repository and tag.
                if super::apps::split_image(&text) == (image.repository.as_str(), tag.as_str()) {
                    index.insert(text, self.apps.get(profile).cloned().map(std::sync::Arc::new));
                }
            }
        }
        self.image_index = index;
        self.image_index_stale = false;
    }

    /// Parses each node's config files again if they changed since they were last parsed, for
    /// [`Cluster::node_files`]. Called at the start of every step.
    pub(in crate::sim) fn refresh_node_files(&mut self) {
        let stale = self.node_files.len() != self.nodes.len()
            || self.nodes.values().any(|n| self.node_files.get(&n.meta.name).is_none_or(|m| m.files != n.config_files));
        if !stale {
            return;
        }
        self.node_files = self
            .nodes
            .values()
            .map(|n| {
                let parsed = match self.node_files.get(&n.meta.name) {
                    Some(m) if m.files == n.config_files => m.clone(),
                    _ => {
                        let static_pods: Vec<_> = super::control_plane::static_pods(n)
                            .into_iter()
                            .map(|(path, pod)| (path.to_owned(), std::sync::Arc::new(pod)))
                            .collect();
                        let static_pod_hashes = static_pods.iter().map(|(_, pod)| pod.config_hash()).collect();
                        NodeFiles {
                            files: n.config_files.clone(),
                            static_pods,
                            static_pod_hashes,
                            network_ready: super::cni::network_ready(n),
                            api_server_version: super::control_plane::api_server_version(n),
                        }
                    }
                };
                (n.meta.name.clone(), parsed)
            })
            .collect();
    }

    /// What `node`'s config files say, parsed once a step: `None` when they changed since (then
    /// the caller parses them itself) or the node is not one of this cluster's.
    pub(in crate::sim) fn node_files(&self, node: &Node) -> Option<&NodeFiles> {
        self.node_files.get(&node.meta.name).filter(|m| m.files == node.config_files)
    }

    /// etcd's state, to read.
    pub fn etcd(&self) -> &crate::sim::etcd::Etcd {
        &self.etcd
    }

    /// etcd's state, to change. Its size and history change nothing the controllers read, so
    /// this does not note a change of the world; whoever raises or clears the alarm does.
    pub(in crate::sim) fn etcd_mut(&mut self) -> &mut crate::sim::etcd::Etcd {
        &mut self.etcd
    }

    /// Gives the cosmetic name stream its own salt (a scenario's id), so two scenarios played with
    /// the same seed do not name their pods alike.
    pub fn salt_names(&mut self, salt: &str) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in salt.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.names = ChaCha8Rng::seed_from_u64(self.seed ^ 0x6e61_6d65_735f_7631 ^ h);
    }

    /// Notes that the world changed, so every controller looks again. The `_mut()` accessors do
    /// this themselves; controllers call it when a quiet status write changed what others read.
    pub(in crate::sim) fn touch(&mut self) {
        self.world += 1;
        self.changes.broad(self.world);
    }

    /// Notes that one pod changed in a way others may read (its readiness), after a quiet status
    /// write: news to the controllers, which may see that only this pod changed.
    pub(in crate::sim) fn touch_pod(&mut self, k: &(String, String)) {
        self.world += 1;
        self.changes.pod(self.world, k, self.pods.get(k));
    }

    /// One pod, to change: like [`Cluster::pods_mut`], but notes that only this pod changed.
    pub(in crate::sim) fn pod_mut(&mut self, k: &(String, String)) -> Option<&mut Pod> {
        self.touch_pod(k);
        self.pods.get_mut(k)
    }

    /// Stores a pod under its key (replacing one of the same name), noting only that pod changed.
    pub(in crate::sim) fn insert_pod(&mut self, pod: Pod) {
        let k = pod.meta.key();
        self.touch_pod(&k);
        self.pods.insert(k, pod);
    }

    /// Removes a pod, noting only that pod changed.
    pub(in crate::sim) fn remove_pod(&mut self, k: &(String, String)) -> Option<Pod> {
        self.touch_pod(k);
        self.pods.remove(k)
    }

    /// Makes every controller take its full pass, never the narrow one (`sim::changes`): the
    /// reference `tests/incremental_controllers.rs` compares the narrow passes with.
    pub fn set_full_passes(&mut self, on: bool) {
        self.changes.full_passes = on;
    }

    /// The pods written since the controllers last looked (`sim::changes`), to read.
    pub(in crate::sim) fn changes(&self) -> &super::changes::Changes {
        &self.changes
    }

    /// The change log's own bookkeeping (the kubelet's verdicts, the full-pass switch); writes
    /// nothing the controllers reconcile.
    pub(in crate::sim) fn changes_mut(&mut self) -> &mut super::changes::Changes {
        &mut self.changes
    }

    /// The change counter: it moves whenever something other pods or controllers depend on
    /// changes (an API write, a pod's readiness, endpoints, load).
    pub fn world(&self) -> u64 {
        self.world
    }

    /// The `world` the level-triggered controllers last reconciled.
    pub fn reconciled_world(&self) -> u64 {
        self.reconciled_world
    }

    /// Records that the level-triggered controllers have seen the world as of `world`.
    pub(in crate::sim) fn mark_reconciled(&mut self, world: u64) {
        self.reconciled_world = world;
        self.changes.reconciled(world);
    }

    /// User traffic: results per entrypoint, load per pod, the error budget.
    pub fn traffic(&self) -> &TrafficState {
        &self.traffic
    }

    /// Sets the error budget: its size and how much of it is already burned. No controller reads
    /// the budget, so this does not touch.
    pub fn set_error_budget(&mut self, total: f64, burned: f64) {
        self.traffic.budget_total = total;
        self.traffic.budget_burned = burned;
    }

    /// Sets the load each pod serves; a change is news to kubelets and autoscalers.
    pub(in crate::sim) fn set_pod_load(&mut self, load: BTreeMap<(String, String), f64>) {
        if self.traffic.pod_load != load {
            self.traffic.pod_load = load;
            self.touch();
        }
    }

    /// The next pod IP's sequence number; addresses are not reused while a pod might hold one.
    pub(in crate::sim) fn allocate_pod_ip(&mut self) -> u32 {
        let n = self.next_pod_ip;
        self.next_pod_ip += 1;
        n
    }

    /// Stamps a new object's metadata: uid and creation time.
    pub fn stamp(&mut self, meta: &mut Meta) {
        meta.uid = self.next_uid;
        self.next_uid += 1;
        meta.created = match (meta.age_minutes, self.baseline_age) {
            (Some(m), _) => self.now - i64::from(m) * 60,
            (None, Some(age)) => -age,
            (None, None) => self.now,
        };
    }

    pub fn allocate_service_ip(&mut self) -> String {
        let n = self.next_service_ip;
        self.next_service_ip += 1;
        format!("10.96.{}.{}", (n / 250) % 256, 10 + n % 240)
    }

    /// Records an event, folding repeats into a count as the event recorder does.
    #[allow(clippy::too_many_arguments, reason = "the fields of an event, as the event recorder takes them")]
    pub fn record(
        &mut self,
        namespace: &str,
        kind: &str,
        name: &str,
        warning: bool,
        reason: &str,
        message: &str,
        source: &str,
    ) {
        let now = self.now;
        if let Some(e) = self.events.iter_mut().rev().take(64).find(|e| {
            e.name == name && e.reason == reason && e.message == message && e.kind == kind && e.namespace == namespace
        }) {
            e.count += 1;
            e.last = now;
            return;
        }
        self.events.push(Event {
            namespace: namespace.to_owned(),
            kind: kind.to_owned(),
            name: name.to_owned(),
            warning,
            reason: reason.to_owned(),
            message: message.to_owned(),
            source: source.to_owned(),
            first: now,
            last: now,
            count: 1,
        });
        // Events expire after an hour in a real cluster; keep the store bounded the same way.
        if self.events.len() > 5000 {
            let cutoff = now - 3600;
            self.events.retain(|e| e.last >= cutoff);
        }
    }

    /// Events about one object, oldest first.
    pub fn events_for(&self, namespace: &str, kind: &str, name: &str) -> Vec<&Event> {
        self.events.iter().filter(|e| e.namespace == namespace && e.kind == kind && e.name == name).collect()
    }

    /// Five random lowercase alphanumerics, like a pod name suffix.
    pub fn name_suffix(&mut self, len: usize) -> String {
        use rand::RngExt;
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len).map(|_| char::from(ALPHABET[self.names.random_range(0..ALPHABET.len())])).collect()
    }

    pub fn app_for_image(&self, image: &str) -> Option<&AppProfile> {
        if !self.image_index_stale
            && let Some(profile) = self.image_index.get(image)
        {
            return profile.as_deref();
        }
        match self.registry.resolve(image) {
            super::apps::ImageLookup::Found { profile, .. } => self.apps.get(profile),
            _ => None,
        }
    }

    pub fn namespace_exists(&self, ns: &str) -> bool {
        self.namespaces.contains_key(ns)
    }
}

/// The wall-clock moment the incident starts, for timestamps in output.
pub const INCIDENT_START_UNIX: i64 = 1_795_338_000; // 2026-11-22T09:00:00Z

/// Incident time as an RFC 3339 UTC timestamp (`2026-11-22T09:05:00Z`).
pub fn timestamp(incident_seconds: i64) -> String {
    let t = INCIDENT_START_UNIX.saturating_add(incident_seconds.clamp(-1_000_000_000_000, 1_000_000_000_000));
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, (secs % 3600) / 60, secs % 60)
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil-from-days), for
/// timestamps and the cron jobs' calendar.
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::{Cluster, WRITE_ACCESSORS, key, timestamp};
    use crate::sim::change::Change;
    use crate::sim::controllers::test_support::{pods, settled, web_app};
    use crate::sim::kind::Kind;

    fn running(c: &Cluster) -> usize {
        pods(c, "default", "web-").iter().filter(|p| p.is_ready()).count()
    }

    #[test]
    fn every_write_accessor_advances_the_change_counter() {
        let mut c = Cluster::new(1);
        assert_eq!(WRITE_ACCESSORS.len(), 34, "one per store");
        for (name, write) in WRITE_ACCESSORS {
            let before = c.world();
            write(&mut c);
            assert!(c.world() > before, "{name} did not advance the change counter");
        }
    }

    #[test]
    fn a_settled_cluster_skips_its_controllers() {
        let mut c = settled();
        assert_eq!(running(&c), 2);
        let world = c.world();
        c.advance_seconds(60);
        assert_eq!(c.world(), world, "nothing changed, so nothing was news");
        assert_eq!(c.reconciled_world(), world);
    }

    #[test]
    fn a_write_through_a_store_is_seen_by_the_next_controller_pass() {
        // Not through the API: straight into the store, as a careless caller would.
        let mut c = settled();
        if let Some(d) = c.deployments_mut().get_mut(&key("default", "web")) {
            d.replicas = 4;
        }
        c.advance_seconds(60);
        assert_eq!(running(&c), 4);
    }

    #[test]
    fn a_scale_through_the_api_is_seen_by_the_next_controller_pass() {
        let mut c = settled();
        let change =
            Change::Scale { kind: Kind::Deployment, namespace: "default".into(), name: "web".into(), replicas: 3 };
        assert_eq!(c.apply(change, "kubectl"), Ok(()));
        c.step();
        assert_eq!(pods(&c, "default", "web-").len(), 3, "the replica set made its pod in the first pass");
        c.advance_seconds(60);
        assert_eq!(running(&c), 3);
    }

    #[test]
    fn status_only_writes_leave_the_counter_alone() {
        let mut c = settled();
        let world = c.world();
        let _ = c.pods_mut_status_only();
        let _ = c.traffic_mut_status_only();
        assert_eq!(c.world(), world);
        let _ = c.pods_mut();
        assert_eq!(c.world(), world + 1);
    }

    #[test]
    fn the_image_index_follows_registry_and_profile_writes_at_once() {
        let mut c = settled();
        let image = "web:v1";
        let app = |c: &Cluster| c.app_for_image(image).map(|a| a.port);
        assert_eq!(app(&c), Some(web_app().port), "answered from the index after a step");
        // A write to the profiles or the registry is seen before the next step rebuilds the index.
        if let Some(profile) = c.apps_mut().get_mut(image) {
            profile.port = Some(9999);
        }
        assert_eq!(app(&c), Some(Some(9999)));
        c.step();
        assert_eq!(app(&c), Some(Some(9999)));
        if let Some(entry) = c.registry_mut().images.iter_mut().find(|i| i.repository == "web") {
            entry.tags.clear();
        }
        assert_eq!(app(&c), None, "a tag the registry no longer has runs nothing");
        c.step();
        assert_eq!(app(&c), None);
        // Texts the registry splits differently are not confused with a tag.
        assert_eq!(c.app_for_image("web"), None);
    }

    #[test]
    fn keys_the_sample_hasher_cannot_tell_apart_are_still_kept_apart() {
        use std::hash::BuildHasher;
        // Equal length, head, middle and tail: only byte 10 differs, which no sample reads.
        let one = format!("{}x{}", "a".repeat(10), "a".repeat(29));
        let two = format!("{}y{}", "a".repeat(10), "a".repeat(29));
        let hasher = std::hash::BuildHasherDefault::<super::SampleHasher>::default();
        assert_eq!(hasher.hash_one(&one), hasher.hash_one(&two));
        assert_ne!(
            hasher.hash_one("registry.example.com/shop/web:1.4.1"),
            hasher.hash_one("registry.example.com/shop/web:1.4.2")
        );
        let mut index = super::IndexMap::default();
        index.insert(one.clone(), 1);
        index.insert(two.clone(), 2);
        assert_eq!((index.get(&one), index.get(&two), index.len()), (Some(&1), Some(&2), 2));
    }

    #[test]
    fn incident_time_maps_to_utc_timestamps() {
        assert_eq!(timestamp(0), "2026-11-22T09:00:00Z");
        assert_eq!(timestamp(-30 * 86_400), "2026-10-23T09:00:00Z");
        assert_eq!(timestamp(3_661), "2026-11-22T10:01:01Z");
    }
}
