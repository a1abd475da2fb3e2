//! Applying a [`Change`] the way the API server would: validation, admission (webhooks, quota,
//! limit ranges), then the write. Rollout bookkeeping follows from the write: the deployment
//! controller notices a changed pod template and starts a new revision.

use super::change::{ApiError, Change, Object, ProbeKind};
use super::cluster::{Cluster, key};
use super::kind::Kind;
use super::objects::{
    ContainerStatus, Deployment, EnvVar, FailurePolicy, KubeletState, Pod, PodPhase, PodStatus, WebhookKind,
    WebhookMutation,
};
use super::quantity::{Mebibytes, Millicores};

mod template;
mod workloads;

pub use template::TEMPLATE_KINDS;
pub use workloads::{job_labels, owned_by};

/// Seconds a deleted pod stays `Terminating` while its node is healthy.
pub const GRACE_SECONDS: i64 = 5;

impl Cluster {
    /// Applies one change on behalf of `actor` (`kubectl`, `customer`, `scenario`, …).
    pub fn apply(&mut self, change: Change, actor: &str) -> Result<(), ApiError> {
        let summary = summarize(&change);
        let kept = self.recording.is_some().then(|| change.clone());
        self.apply_inner(change)?;
        self.touch();
        let now = self.now;
        self.audit.push((now, actor.to_owned(), summary));
        if let (Some(record), Some(change)) = (&mut self.recording, kept) {
            record.push(change);
        }
        Ok(())
    }

    fn apply_inner(&mut self, change: Change) -> Result<(), ApiError> {
        match change {
            Change::Create(object) => self.create(object),
            Change::Delete { kind, namespace, name, force } => self.delete(kind, &namespace, &name, force),
            Change::SetImage { namespace, deployment, container, image, kind } => {
                self.edit_template_containers(kind, &namespace, &deployment, container.as_deref(), |c| {
                    c.image.clone_from(&image);
                })
            }
            Change::SetEnv { namespace, deployment, container, name, value, kind } => {
                self.edit_template_containers(kind, &namespace, &deployment, container.as_deref(), |c| {
                    c.env.retain(|e| e.name != name);
                    if let Some(v) = &value {
                        c.env.push(EnvVar {
                            name: name.clone(),
                            value: Some(v.clone()),
                            config_map_key: None,
                            secret_key: None,
                        });
                    }
                })
            }
            Change::SetResources { namespace, deployment, container, requests, limits, kind } => self
                .edit_template_containers(kind, &namespace, &deployment, container.as_deref(), |c| {
                    let r = &mut c.resources;
                    r.requests.cpu = requests.cpu.or(r.requests.cpu);
                    r.requests.memory = requests.memory.or(r.requests.memory);
                    r.limits.cpu = limits.cpu.or(r.limits.cpu);
                    r.limits.memory = limits.memory.or(r.limits.memory);
                }),
            Change::SetCommand { namespace, deployment, container, command, kind } => {
                self.edit_template_containers(kind, &namespace, &deployment, Some(&container), |c| {
                    c.command.clone_from(&command);
                })
            }
            Change::SetProbe { namespace, deployment, container, probe_kind, probe, kind } => self
                .edit_template_containers(kind, &namespace, &deployment, Some(&container), |c| match probe_kind {
                    ProbeKind::Liveness => c.liveness.clone_from(&probe),
                    ProbeKind::Readiness => c.readiness.clone_from(&probe),
                }),
            Change::Scale { kind, namespace, name, replicas } => self.scale(kind, &namespace, &name, replicas),
            Change::RolloutRestart { namespace, deployment } => {
                let now = self.now;
                self.edit_deployment(&namespace, &deployment, |d| {
                    d.template
                        .annotations
                        .insert("kubectl.kubernetes.io/restartedAt".to_owned(), super::cluster::timestamp(now));
                    Ok(())
                })
            }
            Change::RolloutUndo { namespace, deployment, to_revision } => {
                self.undo(&namespace, &deployment, to_revision)
            }
            Change::RolloutPause { namespace, deployment, paused } => {
                self.edit_deployment(&namespace, &deployment, |d| {
                    d.paused = paused;
                    Ok(())
                })
            }
            Change::Patch { kind, namespace, name, patch_type, patch } => {
                if kind == Kind::Deployment {
                    self.admit_write(&namespace, "deployments")?;
                }
                super::manifest::patch(self, kind, &namespace, &name, patch_type, &patch)?;
                if let Some(d) = self.deployments_mut().get_mut(&key(&namespace, &name)) {
                    d.status.generation += 1;
                }
                Ok(())
            }
            Change::Label { kind, namespace, name, labels, overwrite } => {
                self.edit_meta(kind, &namespace, &name, |meta| set_map(&mut meta.labels, &labels, overwrite))
            }
            Change::Annotate { kind, namespace, name, annotations, overwrite } => {
                if kind == Kind::StorageClass
                    && let Some(sc) = self.storageclasses_mut().get_mut(&name)
                {
                    // The default-class annotation is kept as `is_default`, as the manifest reads it.
                    const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
                    let mut map = sc.meta.annotations.clone();
                    if sc.is_default {
                        map.insert(DEFAULT_CLASS.to_owned(), "true".to_owned());
                    }
                    set_map(&mut map, &annotations, overwrite)?;
                    sc.is_default = map.remove(DEFAULT_CLASS).is_some_and(|v| v == "true");
                    sc.meta.annotations = map;
                    return Ok(());
                }
                self.edit_meta(kind, &namespace, &name, |meta| set_map(&mut meta.annotations, &annotations, overwrite))
            }
            Change::Cordon { node, unschedulable } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.unschedulable = unschedulable;
                if !unschedulable {
                    // Uncordoning means giving up on a drain still running against the node.
                    n.draining = None;
                }
                Ok(())
            }
            Change::Taint { node, taint } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.taints.retain(|t| !(t.key == taint.key && t.effect == taint.effect));
                n.taints.push(taint);
                Ok(())
            }
            Change::Untaint { node, key: taint_key, effect } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                let before = n.taints.len();
                n.taints.retain(|t| !(t.key == taint_key && effect.is_none_or(|e| e == t.effect)));
                if n.taints.len() == before {
                    return Err(ApiError::Client(format!("taint {taint_key:?} not found")));
                }
                Ok(())
            }
            Change::Evict { namespace, pod } => self.evict(&namespace, &pod),
            Change::SetServiceSelector { namespace, service, selector } => {
                self.service_mut(&namespace, &service)?.selector = selector;
                Ok(())
            }
            Change::SetServiceTargetPort { namespace, service, port, target_port } => {
                let svc = self.service_mut(&namespace, &service)?;
                let p = svc
                    .ports
                    .iter_mut()
                    .find(|p| p.port == port)
                    .ok_or_else(|| ApiError::Invalid(format!("Service \"{service}\" has no port {port}")))?;
                p.target_port = super::objects::IntOrString::Int(target_port);
                Ok(())
            }
            Change::SetIngressClass { namespace, ingress, class } => {
                let ing = self
                    .ingresses_mut()
                    .get_mut(&key(&namespace, &ingress))
                    .ok_or_else(|| ApiError::not_found(Kind::Ingress, &ingress))?;
                ing.class = class.unwrap_or_default();
                Ok(())
            }
            Change::SetIngressBackend { namespace, ingress, service, port } => {
                let ing = self
                    .ingresses_mut()
                    .get_mut(&key(&namespace, &ingress))
                    .ok_or_else(|| ApiError::not_found(Kind::Ingress, &ingress))?;
                for rule in &mut ing.rules {
                    for path in &mut rule.paths {
                        path.backend.service.clone_from(&service);
                        path.backend.port = port;
                    }
                }
                Ok(())
            }
            Change::SetHpaLimits { namespace, hpa, min, max } => {
                let h = self
                    .hpas_mut()
                    .get_mut(&key(&namespace, &hpa))
                    .ok_or_else(|| ApiError::not_found(Kind::Hpa, &hpa))?;
                h.min_replicas = min.unwrap_or(h.min_replicas);
                h.max_replicas = max.unwrap_or(h.max_replicas);
                Ok(())
            }
            Change::SetConfigData { namespace, config_map, key: data_key, value } => {
                let cm = self
                    .configmaps_mut()
                    .get_mut(&key(&namespace, &config_map))
                    .ok_or_else(|| ApiError::not_found(Kind::ConfigMap, &config_map))?;
                match value {
                    Some(v) => cm.data.insert(data_key, v),
                    None => cm.data.remove(&data_key),
                };
                Ok(())
            }
            Change::SetSecretData { namespace, secret, key: data_key, value } => {
                let s = self
                    .secrets_mut()
                    .get_mut(&key(&namespace, &secret))
                    .ok_or_else(|| ApiError::not_found(Kind::Secret, &secret))?;
                match value {
                    Some(v) => s.data.insert(data_key, v),
                    None => s.data.remove(&data_key),
                };
                Ok(())
            }
            Change::Kubelet { node, running } => {
                let now = self.now;
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                if running {
                    // Starting reads the configuration file again.
                    super::kubelet_config::start(n, now);
                } else {
                    n.kubelet = KubeletState::Stopped;
                }
                Ok(())
            }
            Change::WriteFile { node, path, gib } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.files.retain(|f| f.path != path);
                n.files.push(super::objects::DiskFile { path, gib });
                Ok(())
            }
            Change::NodeFile { node, path, content } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                match content {
                    Some(text) => drop(n.config_files.insert(path, text)),
                    None => {
                        if n.config_files.remove(&path).is_none() {
                            return Err(ApiError::Client(format!("cannot remove '{path}': No such file or directory")));
                        }
                    }
                }
                Ok(())
            }
            Change::MoveNodeFile { node, from, to } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                let text = n
                    .config_files
                    .remove(&from)
                    .ok_or_else(|| ApiError::Client(format!("mv: cannot stat '{from}': No such file or directory")))?;
                n.config_files.insert(to, text);
                Ok(())
            }
            Change::EditNodeFile { node, path, find, replace } => {
                let n = self.nodes().get(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                let text = if path == super::control_plane::KUBELET_CONFIG {
                    super::control_plane::kubelet_config_text(n)
                } else {
                    n.config_files
                        .get(&path)
                        .cloned()
                        .ok_or_else(|| ApiError::Client(format!("sed: can't read {path}: No such file or directory")))?
                };
                let edited = text.replace(&find, &replace);
                if let Some(n) = self.nodes_mut().get_mut(&node) {
                    n.config_files.insert(path, edited);
                }
                Ok(())
            }
            Change::Etcd { op } => {
                self.etcd_mut().apply(&op).map_err(|e| ApiError::Client(e.to_string()))?;
                Ok(())
            }
            Change::KubeletVersion { node, version } => {
                install_packages(self, &node, std::collections::BTreeMap::from([("kubelet".to_owned(), version)]))
            }
            Change::InstallPackages { node, versions } => install_packages(self, &node, versions),
            Change::HoldPackages { node, packages, hold } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                for package in packages {
                    if hold {
                        n.packages.held.insert(package);
                    } else {
                        n.packages.held.remove(&package);
                    }
                }
                Ok(())
            }
            Change::DebugContainer { namespace, pod, name, image, target, command, log, exit_code } => {
                let added = super::debug_container::Added { name, image, target, command, log, exit_code };
                super::debug_container::add(self, &namespace, &pod, added)
            }
            Change::DebugNode { namespace, node, pod, image, command, log, exit_code } => {
                let run = super::node_debug_pod::Run { command, log, exit_code };
                super::node_debug_pod::create(self, &namespace, &node, &pod, &image, run)
            }
            Change::Drain { node, ignore_daemonsets, delete_emptydir_data } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.unschedulable = true;
                let run = super::objects::DrainRun { ignore_daemonsets, delete_emptydir_data };
                n.draining = Some(run);
                self.continue_drain(&node, run);
                Ok(())
            }
            Change::EvictMatching { namespace, selector } => {
                let selector = super::objects::Selector::parse(&selector)
                    .map_err(|_| ApiError::BadRequest(format!("unable to parse requirement: {selector}")))?;
                self.require_namespace(&namespace)?;
                let matching: Vec<String> = self
                    .pods()
                    .values()
                    .filter(|p| p.meta.namespace == namespace && p.is_active() && selector.matches(&p.meta.labels))
                    .map(|p| p.meta.name.clone())
                    .collect();
                for pod in matching {
                    // A budget refuses some; the others go, as separate evictions would.
                    let _ = self.evict(&namespace, &pod);
                }
                Ok(())
            }
            Change::RemoveFile { node, path } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                let before = n.files.len();
                let prefix = path.trim_end_matches('*').trim_end_matches('/').to_owned();
                n.files.retain(|f| !(f.path == path || (path.ends_with('*') && f.path.starts_with(&prefix))));
                if n.files.len() == before {
                    return Err(ApiError::Client(format!("rm: cannot remove '{path}': No such file or directory")));
                }
                Ok(())
            }
            Change::RestartKubelet { node } => {
                let now = self.now;
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                super::kubelet_config::start(n, now);
                Ok(())
            }
            Change::Swap { node, on } => {
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.swap = on;
                Ok(())
            }
            Change::Reboot { node } => {
                let now = self.now;
                let n = self.nodes_mut().get_mut(&node).ok_or_else(|| ApiError::not_found(Kind::Node, &node))?;
                n.swap = super::kubelet_config::fstab_swap(n).is_some();
                super::kubelet_config::start(n, now);
                Ok(())
            }
        }
    }

    fn service_mut(&mut self, namespace: &str, name: &str) -> Result<&mut super::objects::Service, ApiError> {
        self.services_mut().get_mut(&key(namespace, name)).ok_or_else(|| ApiError::not_found(Kind::Service, name))
    }

    fn edit_deployment(
        &mut self,
        namespace: &str,
        name: &str,
        edit: impl FnOnce(&mut Deployment) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        if !self.deployments().contains_key(&key(namespace, name)) {
            return Err(ApiError::not_found(Kind::Deployment, name));
        }
        self.admit_write(namespace, "deployments")?;
        let d = self
            .deployments_mut()
            .get_mut(&key(namespace, name))
            .ok_or_else(|| ApiError::not_found(Kind::Deployment, name))?;
        let mut edited = d.clone();
        edit(&mut edited)?;
        edited.status.generation += 1;
        *d = edited;
        Ok(())
    }

    fn scale(&mut self, kind: Kind, namespace: &str, name: &str, replicas: u32) -> Result<(), ApiError> {
        match kind {
            Kind::Deployment => self.edit_deployment(namespace, name, |d| {
                d.replicas = replicas;
                Ok(())
            }),
            Kind::StatefulSet => {
                if !self.statefulsets().contains_key(&key(namespace, name)) {
                    return Err(ApiError::not_found(kind, name));
                }
                self.admit_write(namespace, "statefulsets")?;
                if let Some(sts) = self.statefulsets_mut().get_mut(&key(namespace, name)) {
                    sts.replicas = replicas;
                }
                Ok(())
            }
            Kind::ReplicaSet => {
                let rs = self
                    .replicasets_mut()
                    .get_mut(&key(namespace, name))
                    .ok_or_else(|| ApiError::not_found(Kind::ReplicaSet, name))?;
                rs.replicas = replicas;
                Ok(())
            }
            other => Err(ApiError::Client(format!(
                "cannot scale {}: the resource does not have a scale subresource",
                other.qualified_plural()
            ))),
        }
    }

    fn undo(&mut self, namespace: &str, deployment: &str, to_revision: Option<u32>) -> Result<(), ApiError> {
        let current = self
            .deployments()
            .get(&key(namespace, deployment))
            .ok_or_else(|| ApiError::not_found(Kind::Deployment, deployment))?
            .status
            .revision;
        let mut owned: Vec<_> = self
            .replicasets()
            .values()
            .filter(|rs| rs.meta.namespace == namespace && rs.meta.owner.as_ref().is_some_and(|o| o.name == deployment))
            .map(|rs| (rs.revision, rs.template.clone()))
            .collect();
        owned.sort_by_key(|(r, _)| *r);
        let target = match to_revision {
            Some(0) | None => owned.iter().rev().find(|(r, _)| *r != current),
            Some(n) => owned.iter().find(|(r, _)| *r == n),
        };
        let Some((_, template)) = target.cloned() else {
            return Err(match to_revision {
                Some(n) if n > 0 => ApiError::Client(format!("unable to find specified revision {n} in history")),
                _ => ApiError::Client("no rollout history found for deployment \"".to_owned() + deployment + "\""),
            });
        };
        self.edit_deployment(namespace, deployment, |d| {
            d.template = template;
            // As kubectl does on rollback: the replica set's hash label is not part of the template.
            d.template.labels.remove("pod-template-hash");
            Ok(())
        })
    }

    fn edit_meta(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        edit: impl FnOnce(&mut super::objects::Meta) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let k = key(namespace, name);
        let meta = match kind {
            Kind::Pod => self.pods_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Deployment => self.deployments_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::ReplicaSet => self.replicasets_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Service => self.services_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Node => self.nodes_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::Namespace => self.namespaces_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::ConfigMap => self.configmaps_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Secret => self.secrets_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Pvc => self.pvcs_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Pv => self.pvs_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::StorageClass => self.storageclasses_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::IngressClass => self.ingressclasses_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::PriorityClass => self.priorityclasses_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::CustomResourceDefinition => self.crds_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::Ingress => self.ingresses_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::NetworkPolicy => self.netpols_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Hpa => self.hpas_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::ResourceQuota => self.quotas_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::LimitRange => self.limitranges_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Pdb => self.pdbs_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::ServiceAccount => self.serviceaccounts_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Role | Kind::RoleBinding | Kind::ClusterRole | Kind::ClusterRoleBinding => {
                let ns = if kind.namespaced() { namespace } else { "" };
                if matches!(kind, Kind::Role | Kind::ClusterRole) {
                    self.roles_mut().get_mut(&key(ns, name)).map(|o| &mut o.meta)
                } else {
                    self.rolebindings_mut().get_mut(&key(ns, name)).map(|o| &mut o.meta)
                }
            }
            Kind::ValidatingWebhook | Kind::MutatingWebhook => self.webhooks_mut().get_mut(name).map(|o| &mut o.meta),
            Kind::Endpoints => self.endpoints_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::DaemonSet => self.daemonsets_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::StatefulSet => self.statefulsets_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::Job => self.jobs_mut().get_mut(&k).map(|o| &mut o.meta),
            Kind::CronJob => self.cronjobs_mut().get_mut(&k).map(|o| &mut o.meta),
            // EndpointSlices are views of Endpoints: nothing to label or annotate.
            Kind::Event | Kind::EndpointSlice => None,
        };
        edit(meta.ok_or_else(|| ApiError::not_found(kind, name))?)
    }

    /// Validating/mutating webhooks that intercept writes to `resource` in `namespace` and whose
    /// backend is down refuse the write when their failure policy is `Fail`.
    pub fn admit_write(&self, namespace: &str, resource: &str) -> Result<(), ApiError> {
        for config in self.webhooks().values() {
            for hook in &config.webhooks {
                let applies = hook.resources.iter().any(|r| r == resource || r == "*")
                    && (hook.namespaces.is_empty() || hook.namespaces.iter().any(|n| n == namespace));
                if !applies || hook.failure_policy == FailurePolicy::Ignore {
                    continue;
                }
                if let Err(reason) = self.webhook_reachable(&hook.service, hook.port) {
                    let (svc_ns, svc_name) = hook.service.split_once('/').unwrap_or(("default", &hook.service));
                    let verb = if config.kind == WebhookKind::Mutating { "mutate" } else { "validate" };
                    return Err(ApiError::Internal(format!(
                        "failed calling webhook \"{}\": failed to call webhook: Post \"https://{svc_name}.{svc_ns}.svc:{}/{verb}?timeout=10s\": {reason}",
                        hook.name, hook.port
                    )));
                }
            }
        }
        Ok(())
    }

    /// Whether a webhook's service answers, and if not, the dial error.
    fn webhook_reachable(&self, service: &str, port: u16) -> Result<(), String> {
        let (ns, name) = service.split_once('/').unwrap_or(("default", service));
        let Some(svc) = self.services().get(&key(ns, name)) else {
            return Err(format!("service \"{name}\" not found"));
        };
        let has_endpoints = self.endpoints().get(&key(ns, name)).is_some_and(|e| !e.ready.is_empty());
        if has_endpoints {
            Ok(())
        } else {
            Err(format!("dial tcp {}:{port}: connect: connection refused", svc.cluster_ip))
        }
    }

    /// Admission for a new pod: webhooks (which may refuse or mutate it), limit-range defaults
    /// and quota. Returns the pod as it will be stored.
    pub fn admit_pod(&self, mut pod: Pod) -> Result<Pod, ApiError> {
        let ns = pod.meta.namespace.clone();
        self.admit_write(&ns, "pods")?;
        for config in self.webhooks().values().filter(|c| c.kind == WebhookKind::Mutating) {
            for hook in &config.webhooks {
                let applies = hook.resources.iter().any(|r| r == "pods" || r == "*")
                    && (hook.namespaces.is_empty() || hook.namespaces.contains(&ns));
                if !applies || self.webhook_reachable(&hook.service, hook.port).is_err() {
                    continue;
                }
                match &hook.mutation {
                    Some(WebhookMutation::SetImage { container, image }) => {
                        for c in pod.spec.containers.iter_mut().filter(|c| &c.name == container) {
                            c.image.clone_from(image);
                        }
                    }
                    Some(WebhookMutation::AddLabels(labels)) => {
                        pod.meta.labels.extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    None => {}
                }
            }
        }
        for lr in self.limitranges().values().filter(|l| l.meta.namespace == ns) {
            for c in &mut pod.spec.containers {
                let r = &mut c.resources;
                r.limits.cpu = r.limits.cpu.or(lr.default_cpu);
                r.limits.memory = r.limits.memory.or(lr.default_memory);
                r.requests.cpu = r.requests.cpu.or(lr.default_request_cpu).or(r.limits.cpu);
                r.requests.memory = r.requests.memory.or(lr.default_request_memory).or(r.limits.memory);
                if let (Some(max), Some(lim)) = (lr.max_memory, r.limits.memory)
                    && lim > max
                {
                    return Err(ApiError::Forbidden(format!(
                        "pods \"{}\" is forbidden: maximum memory usage per Container is {max}, but limit is {lim}",
                        pod.meta.name
                    )));
                }
            }
        }
        super::priority::admit(self, &mut pod)?;
        self.check_quota(&pod)?;
        Ok(pod)
    }

    fn check_quota(&self, pod: &Pod) -> Result<(), ApiError> {
        let ns = &pod.meta.namespace;
        let (cpu, mem) = pod.spec.requests();
        let (lcpu, lmem) = pod.spec.limits();
        for q in self.quotas().values().filter(|q| &q.meta.namespace == ns) {
            let name = &q.meta.name;
            let active: Vec<&Pod> = self.pods().values().filter(|p| &p.meta.namespace == ns && p.is_active()).collect();
            let used_pods = active.len() as u32;
            let used_cpu: u64 = active.iter().map(|p| p.spec.requests().0.0).sum();
            let used_mem: u64 = active.iter().map(|p| p.spec.requests().1.0).sum();
            let used_lcpu: u64 = active.iter().map(|p| p.spec.limits().0.0).sum();
            let used_lmem: u64 = active.iter().map(|p| p.spec.limits().1.0).sum();
            // The pod evaluator's constraint: every container states what the quota counts,
            // reported per resource with the containers that lack it, resources sorted.
            let lacking = |has: &dyn Fn(&super::objects::Container) -> bool| -> Vec<String> {
                let mut names: Vec<String> =
                    pod.spec.containers.iter().filter(|c| !has(c)).map(|c| c.name.clone()).collect();
                names.sort();
                names
            };
            let mut missing = Vec::new();
            if q.limits_cpu.is_some() {
                missing.push(("limits.cpu", lacking(&|c| c.resources.limits.cpu.is_some())));
            }
            if q.limits_memory.is_some() {
                missing.push(("limits.memory", lacking(&|c| c.resources.limits.memory.is_some())));
            }
            if q.requests_cpu.is_some() {
                missing.push((
                    "requests.cpu",
                    lacking(&|c| c.resources.requests.cpu.is_some() || c.resources.limits.cpu.is_some()),
                ));
            }
            if q.requests_memory.is_some() {
                missing.push((
                    "requests.memory",
                    lacking(&|c| c.resources.requests.memory.is_some() || c.resources.limits.memory.is_some()),
                ));
            }
            let missing: Vec<String> = missing
                .into_iter()
                .filter(|(_, names)| !names.is_empty())
                .map(|(resource, names)| format!("{resource} for: {}", names.join(",")))
                .collect();
            if !missing.is_empty() {
                return Err(ApiError::Forbidden(format!(
                    "pods \"{}\" is forbidden: failed quota: {name}: must specify {}",
                    pod.meta.name,
                    missing.join("; ")
                )));
            }
            let mut over = Vec::new();
            if let Some(hard) = q.pods
                && used_pods + 1 > hard
            {
                over.push(("pods".to_owned(), "1".to_owned(), used_pods.to_string(), hard.to_string()));
            }
            let cpu_checks =
                [("requests.cpu", q.requests_cpu, used_cpu, cpu.0), ("limits.cpu", q.limits_cpu, used_lcpu, lcpu.0)];
            for (label, hard, used, want) in cpu_checks {
                if let Some(hard) = hard
                    && used + want > hard.0
                {
                    over.push((
                        label.to_owned(),
                        Millicores(want).to_string(),
                        Millicores(used).to_string(),
                        hard.to_string(),
                    ));
                }
            }
            let mem_checks = [
                ("requests.memory", q.requests_memory, used_mem, mem.0),
                ("limits.memory", q.limits_memory, used_lmem, lmem.0),
            ];
            for (label, hard, used, want) in mem_checks {
                if let Some(hard) = hard
                    && used + want > hard.0
                {
                    over.push((
                        label.to_owned(),
                        Mebibytes(want).to_string(),
                        Mebibytes(used).to_string(),
                        hard.to_string(),
                    ));
                }
            }
            if !over.is_empty() {
                let list = |i: usize| {
                    over.iter()
                        .map(|o| {
                            let v = match i {
                                1 => &o.1,
                                2 => &o.2,
                                _ => &o.3,
                            };
                            format!("{}={v}", o.0)
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                };
                return Err(ApiError::Forbidden(format!(
                    "pods \"{}\" is forbidden: exceeded quota: {name}, requested: {}, used: {}, limited: {}",
                    pod.meta.name,
                    list(1),
                    list(2),
                    list(3)
                )));
            }
        }
        Ok(())
    }

    fn evict(&mut self, namespace: &str, pod_name: &str) -> Result<(), ApiError> {
        let pod = self.pods().get(&key(namespace, pod_name)).ok_or_else(|| ApiError::not_found(Kind::Pod, pod_name))?;
        if pod.status.terminating_until.is_some() {
            return Ok(());
        }
        for pdb in self.pdbs().values().filter(|p| p.meta.namespace == namespace) {
            let selector = super::objects::Selector::from_labels(&pdb.selector);
            if !selector.matches(&pod.meta.labels) {
                continue;
            }
            let matching: Vec<&Pod> = self
                .pods()
                .values()
                .filter(|p| p.meta.namespace == namespace && selector.matches(&p.meta.labels) && p.is_active())
                .collect();
            let healthy = matching.iter().filter(|p| p.is_ready()).count() as i64;
            let expected = matching.len() as i64;
            let allowed = match (pdb.min_available, pdb.max_unavailable) {
                (Some(min), _) => healthy - i64::from(min),
                (None, Some(max)) => healthy - (expected - i64::from(max)),
                (None, None) => healthy,
            };
            if pod.is_ready() && allowed < 1 {
                return Err(ApiError::TooManyRequests(
                    "Cannot evict pod as it would violate the pod's disruption budget.".to_owned(),
                ));
            }
        }
        self.terminate_pod(namespace, pod_name);
        Ok(())
    }

    /// One pass of a drain left running on a node: evicts what budgets allow, notes refusals in
    /// the audit trail as kubectl prints them, and ends the drain once nothing is left (or a pod
    /// the drain's flags do not allow stops it).
    pub(in crate::sim) fn continue_drain(&mut self, node: &str, run: super::objects::DrainRun) {
        const ACTOR: &str = "kubectl-drain";
        let outcome = super::drain::pass(self, node, run, ACTOR);
        let now = self.now;
        let (done, lines) = match outcome {
            super::drain::Pass::Drained => (true, vec![format!("node/{node} drained")]),
            super::drain::Pass::Stopped(lines) => (true, lines),
            super::drain::Pass::Retrying(lines) => (false, lines),
        };
        for line in lines {
            self.audit.push((now, ACTOR.to_owned(), line));
        }
        if done && let Some(n) = self.nodes_mut().get_mut(node) {
            n.draining = None;
        }
    }

    /// Starts graceful deletion of a pod; it disappears once its kubelet confirms.
    pub fn terminate_pod(&mut self, namespace: &str, pod_name: &str) {
        let now = self.now;
        let k = key(namespace, pod_name);
        let running = self.pods().get(&k).is_some_and(|p| p.status.terminating_until.is_none());
        if running && let Some(pod) = self.pod_mut(&k) {
            pod.status.terminating_until = Some(now + GRACE_SECONDS);
            pod.meta.deleted = Some(now);
            for c in &mut pod.status.containers {
                c.ready = false;
            }
            let name = pod.meta.name.clone();
            let container_names: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
            for c in container_names {
                self.record(namespace, "Pod", &name, false, "Killing", &format!("Stopping container {c}"), "kubelet");
            }
        }
    }

    /// Creates an object as `Change::Create` does, for changes that create one among other work.
    pub(crate) fn apply_create(&mut self, object: Object) -> Result<(), ApiError> {
        self.create(object)
    }

    fn create(&mut self, object: Object) -> Result<(), ApiError> {
        macro_rules! insert_namespaced {
            ($store:ident, $store_mut:ident, $obj:ident, $kind:expr) => {{
                let mut o = $obj;
                self.require_namespace(&o.meta.namespace)?;
                if self.$store().contains_key(&o.meta.key()) {
                    return Err(ApiError::AlreadyExists { kind: $kind.qualified_plural(), name: o.meta.name });
                }
                self.stamp(&mut o.meta);
                self.$store_mut().insert(o.meta.key(), o);
                Ok(())
            }};
        }
        macro_rules! insert_cluster {
            ($store:ident, $store_mut:ident, $obj:ident, $kind:expr) => {{
                let mut o = $obj;
                if self.$store().contains_key(&o.meta.name) {
                    return Err(ApiError::AlreadyExists { kind: $kind.qualified_plural(), name: o.meta.name });
                }
                o.meta.namespace = String::new();
                self.stamp(&mut o.meta);
                self.$store_mut().insert(o.meta.name.clone(), o);
                Ok(())
            }};
        }
        match object {
            Object::Namespace(ns) => insert_cluster!(namespaces, namespaces_mut, ns, Kind::Namespace),
            Object::Node(mut node) => {
                // The labels every kubelet registers its node with.
                let name = node.meta.name.clone();
                for (k, v) in
                    [("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64"), ("kubernetes.io/hostname", &name)]
                {
                    node.meta.labels.entry(k.to_owned()).or_insert_with(|| v.to_owned());
                }
                node.index = self.nodes().len() as u32;
                node.internal_ip = format!("192.168.49.{}", node.index + 2);
                node.last_heartbeat = self.now;
                // Its kubelet started on the configuration file the node has now.
                node.kubelet_process.settings =
                    super::kubelet_config::decode(&super::control_plane::kubelet_config_text(&node), node.max_pods)
                        .ok();
                insert_cluster!(nodes, nodes_mut, node, Kind::Node)
            }
            Object::StorageClass(sc) => insert_cluster!(storageclasses, storageclasses_mut, sc, Kind::StorageClass),
            Object::IngressClass(mut ic) => {
                // The default flag lives on as the annotation, which `kubectl annotate` can change.
                if std::mem::take(&mut ic.is_default) {
                    ic.meta.annotations.insert(super::objects::DEFAULT_INGRESS_CLASS.to_owned(), "true".to_owned());
                }
                insert_cluster!(ingressclasses, ingressclasses_mut, ic, Kind::IngressClass)
            }
            Object::PriorityClass(pc) => {
                super::priority::check_new_class(self, &pc)?;
                insert_cluster!(priorityclasses, priorityclasses_mut, pc, Kind::PriorityClass)
            }
            Object::CustomResourceDefinition(crd) => {
                let problems = crd.problems();
                if !problems.is_empty() {
                    return Err(ApiError::Invalid(format!(
                        "CustomResourceDefinition.apiextensions.k8s.io \"{}\" is invalid: {}",
                        crd.meta.name,
                        problems.join(", ")
                    )));
                }
                insert_cluster!(crds, crds_mut, crd, Kind::CustomResourceDefinition)
            }
            Object::Pv(pv) => insert_cluster!(pvs, pvs_mut, pv, Kind::Pv),
            Object::Webhook(w) => {
                let kind =
                    if w.kind == WebhookKind::Mutating { Kind::MutatingWebhook } else { Kind::ValidatingWebhook };
                self.webhook_originals_mut().entry(w.meta.name.clone()).or_insert_with(|| w.clone());
                insert_cluster!(webhooks, webhooks_mut, w, kind)
            }
            Object::Deployment(mut d) => {
                if d.template.labels.is_empty() {
                    d.template.labels.insert("app".to_owned(), d.meta.name.clone());
                }
                if d.selector.is_empty() {
                    d.selector = d.template.labels.clone();
                }
                if !super::objects::Selector::from_labels(&d.selector).matches(&d.template.labels) {
                    return Err(ApiError::Invalid(format!(
                        "Deployment.apps \"{}\" is invalid: spec.template.metadata.labels: Invalid value: {:?}: `selector` does not match template `labels`",
                        d.meta.name, d.template.labels
                    )));
                }
                self.admit_write(&d.meta.namespace, "deployments")?;
                d.status.generation = 1;
                insert_namespaced!(deployments, deployments_mut, d, Kind::Deployment)
            }
            Object::Pod(pod) => {
                self.require_namespace(&pod.meta.namespace)?;
                if self.pods().contains_key(&pod.meta.key()) {
                    return Err(ApiError::AlreadyExists { kind: "pods".to_owned(), name: pod.meta.name });
                }
                let mut pod = self.admit_pod(pod)?;
                self.stamp(&mut pod.meta);
                pod.status = new_pod_status(&pod);
                if let Some(node) = pod.spec.node_name.clone() {
                    pod.status.node = Some(node);
                }
                self.pods_mut().insert(pod.meta.key(), pod);
                Ok(())
            }
            Object::Service(mut svc) => {
                svc.cluster_ip = if svc.meta.name == "kube-dns" && svc.meta.namespace == "kube-system" {
                    super::network::DNS_IP.to_owned()
                } else if svc.meta.name == "kubernetes" && svc.meta.namespace == "default" {
                    "10.96.0.1".to_owned()
                } else {
                    self.allocate_service_ip()
                };
                insert_namespaced!(services, services_mut, svc, Kind::Service)
            }
            Object::ConfigMap(o) => insert_namespaced!(configmaps, configmaps_mut, o, Kind::ConfigMap),
            Object::Secret(o) => insert_namespaced!(secrets, secrets_mut, o, Kind::Secret),
            Object::Pvc(o) => insert_namespaced!(pvcs, pvcs_mut, o, Kind::Pvc),
            Object::Ingress(o) => insert_namespaced!(ingresses, ingresses_mut, o, Kind::Ingress),
            Object::NetworkPolicy(o) => insert_namespaced!(netpols, netpols_mut, o, Kind::NetworkPolicy),
            Object::Hpa(o) => insert_namespaced!(hpas, hpas_mut, o, Kind::Hpa),
            Object::ResourceQuota(o) => insert_namespaced!(quotas, quotas_mut, o, Kind::ResourceQuota),
            Object::LimitRange(o) => insert_namespaced!(limitranges, limitranges_mut, o, Kind::LimitRange),
            Object::Pdb(o) => insert_namespaced!(pdbs, pdbs_mut, o, Kind::Pdb),
            Object::ServiceAccount(o) => {
                insert_namespaced!(serviceaccounts, serviceaccounts_mut, o, Kind::ServiceAccount)
            }
            Object::Role(mut o) => {
                if o.cluster {
                    o.meta.namespace = String::new();
                    let k = if o.cluster { Kind::ClusterRole } else { Kind::Role };
                    if self.roles().contains_key(&o.meta.key()) {
                        return Err(ApiError::AlreadyExists { kind: k.qualified_plural(), name: o.meta.name });
                    }
                    self.stamp(&mut o.meta);
                    self.roles_mut().insert(o.meta.key(), o);
                    Ok(())
                } else {
                    insert_namespaced!(roles, roles_mut, o, Kind::Role)
                }
            }
            Object::DaemonSet(o) => self.create_daemonset(o),
            Object::StatefulSet(o) => self.create_statefulset(o),
            Object::Job(o) => self.create_job(o),
            Object::CronJob(o) => self.create_cronjob(o),
            Object::RoleBinding(mut o) => {
                if o.cluster {
                    o.meta.namespace = String::new();
                    if self.rolebindings().contains_key(&o.meta.key()) {
                        return Err(ApiError::AlreadyExists {
                            kind: Kind::ClusterRoleBinding.qualified_plural(),
                            name: o.meta.name,
                        });
                    }
                    self.stamp(&mut o.meta);
                    self.rolebindings_mut().insert(o.meta.key(), o);
                    Ok(())
                } else {
                    insert_namespaced!(rolebindings, rolebindings_mut, o, Kind::RoleBinding)
                }
            }
        }
    }

    fn require_namespace(&self, namespace: &str) -> Result<(), ApiError> {
        if self.namespaces().contains_key(namespace) {
            Ok(())
        } else {
            Err(ApiError::NamespaceNotFound(namespace.to_owned()))
        }
    }

    fn delete(&mut self, kind: Kind, namespace: &str, name: &str, force: bool) -> Result<(), ApiError> {
        let k = key(namespace, name);
        let missing = || ApiError::not_found(kind, name);
        match kind {
            Kind::Pod => {
                if !self.pods().contains_key(&k) {
                    return Err(missing());
                }
                let finalized = self.pods().get(&k).is_some_and(|p| !p.meta.finalizers.is_empty());
                if force && finalized {
                    // `--grace-period=0 --force` skips the kubelet, never a finalizer: the pod
                    // stays, deleted, until its finalizers are removed.
                    self.terminate_pod(namespace, name);
                    let now = self.now;
                    if let Some(pod) = self.pods_mut().get_mut(&k) {
                        pod.status.terminating_until = Some(now);
                    }
                } else if force {
                    self.pods_mut().remove(&k);
                } else {
                    self.terminate_pod(namespace, name);
                }
            }
            Kind::Deployment => {
                self.deployments_mut().remove(&k).ok_or_else(missing)?;
                let owned: Vec<String> = self
                    .replicasets()
                    .values()
                    .filter(|rs| {
                        rs.meta.namespace == namespace && rs.meta.owner.as_ref().is_some_and(|o| o.name == name)
                    })
                    .map(|rs| rs.meta.name.clone())
                    .collect();
                for rs in owned {
                    self.delete(Kind::ReplicaSet, namespace, &rs, false)?;
                }
            }
            Kind::ReplicaSet => {
                self.replicasets_mut().remove(&k).ok_or_else(missing)?;
                let owned: Vec<String> = self
                    .pods()
                    .values()
                    .filter(|p| p.meta.namespace == namespace && p.meta.owner.as_ref().is_some_and(|o| o.name == name))
                    .map(|p| p.meta.name.clone())
                    .collect();
                for p in owned {
                    self.terminate_pod(namespace, &p);
                }
            }
            Kind::Service => {
                self.services_mut().remove(&k).ok_or_else(missing)?;
                self.endpoints_mut().remove(&k);
            }
            Kind::Endpoints => {
                self.endpoints_mut().remove(&k).ok_or_else(missing)?;
            }
            Kind::Node => {
                self.nodes_mut().remove(name).ok_or_else(missing)?;
                let on_node: Vec<(String, String)> = self
                    .pods()
                    .values()
                    .filter(|p| p.status.node.as_deref() == Some(name))
                    .map(|p| p.meta.key())
                    .collect();
                for k in on_node {
                    self.pods_mut().remove(&k);
                }
            }
            Kind::Namespace => {
                if matches!(name, "default" | "kube-system" | "kube-public") {
                    return Err(ApiError::Forbidden(format!(
                        "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                    )));
                }
                self.namespaces_mut().remove(name).ok_or_else(missing)?;
                self.delete_namespace_contents(name);
            }
            Kind::ConfigMap => drop(self.configmaps_mut().remove(&k).ok_or_else(missing)?),
            Kind::Secret => drop(self.secrets_mut().remove(&k).ok_or_else(missing)?),
            Kind::Pvc => {
                let pvc = self.pvcs_mut().remove(&k).ok_or_else(missing)?;
                if let Some(volume) = pvc.volume {
                    let delete = self.pvs().get(&volume).is_some_and(|pv| pv.reclaim_policy == "Delete");
                    if delete {
                        self.pvs_mut().remove(&volume);
                        self.data_lost.push(format!("{namespace}/{name}"));
                    } else if let Some(pv) = self.pvs_mut().get_mut(&volume) {
                        pv.released = true;
                    }
                }
            }
            Kind::Pv => drop(self.pvs_mut().remove(name).ok_or_else(missing)?),
            Kind::StorageClass => drop(self.storageclasses_mut().remove(name).ok_or_else(missing)?),
            Kind::IngressClass => drop(self.ingressclasses_mut().remove(name).ok_or_else(missing)?),
            Kind::PriorityClass => drop(self.priorityclasses_mut().remove(name).ok_or_else(missing)?),
            Kind::CustomResourceDefinition => drop(self.crds_mut().remove(name).ok_or_else(missing)?),
            Kind::Ingress => drop(self.ingresses_mut().remove(&k).ok_or_else(missing)?),
            Kind::NetworkPolicy => drop(self.netpols_mut().remove(&k).ok_or_else(missing)?),
            Kind::Hpa => drop(self.hpas_mut().remove(&k).ok_or_else(missing)?),
            Kind::ResourceQuota => drop(self.quotas_mut().remove(&k).ok_or_else(missing)?),
            Kind::LimitRange => drop(self.limitranges_mut().remove(&k).ok_or_else(missing)?),
            Kind::Pdb => drop(self.pdbs_mut().remove(&k).ok_or_else(missing)?),
            Kind::ServiceAccount => drop(self.serviceaccounts_mut().remove(&k).ok_or_else(missing)?),
            Kind::Role => drop(self.roles_mut().remove(&k).ok_or_else(missing)?),
            Kind::RoleBinding => drop(self.rolebindings_mut().remove(&k).ok_or_else(missing)?),
            Kind::ClusterRole => drop(self.roles_mut().remove(&key("", name)).ok_or_else(missing)?),
            Kind::ClusterRoleBinding => drop(self.rolebindings_mut().remove(&key("", name)).ok_or_else(missing)?),
            Kind::ValidatingWebhook | Kind::MutatingWebhook => {
                let want = if kind == Kind::MutatingWebhook { WebhookKind::Mutating } else { WebhookKind::Validating };
                if self.webhooks().get(name).is_none_or(|w| w.kind != want) {
                    return Err(missing());
                }
                self.webhooks_mut().remove(name);
            }
            Kind::DaemonSet | Kind::StatefulSet | Kind::Job | Kind::CronJob => {
                self.delete_workload(kind, namespace, name)?;
            }
            // The endpointslice controller would put it straight back, under the same name.
            Kind::EndpointSlice => {
                if crate::sim::endpoint_slice::find(self, namespace, name).is_none() {
                    return Err(missing());
                }
            }
            Kind::Event => {
                let before = self.events.len();
                self.events.retain(|e| !(e.namespace == namespace && e.name == name));
                if self.events.len() == before {
                    return Err(missing());
                }
            }
        }
        Ok(())
    }

    fn delete_namespace_contents(&mut self, ns: &str) {
        let in_ns = |k: &(String, String)| k.0 != ns;
        self.deployments_mut().retain(|k, _| in_ns(k));
        self.replicasets_mut().retain(|k, _| in_ns(k));
        self.pods_mut().retain(|k, _| in_ns(k));
        self.services_mut().retain(|k, _| in_ns(k));
        self.endpoints_mut().retain(|k, _| in_ns(k));
        self.configmaps_mut().retain(|k, _| in_ns(k));
        self.secrets_mut().retain(|k, _| in_ns(k));
        let lost: Vec<String> = self.pvcs().keys().filter(|k| k.0 == ns).map(|k| format!("{}/{}", k.0, k.1)).collect();
        self.data_lost.extend(lost);
        self.pvcs_mut().retain(|k, _| in_ns(k));
        self.ingresses_mut().retain(|k, _| in_ns(k));
        self.netpols_mut().retain(|k, _| in_ns(k));
        self.hpas_mut().retain(|k, _| in_ns(k));
        self.quotas_mut().retain(|k, _| in_ns(k));
        self.limitranges_mut().retain(|k, _| in_ns(k));
        self.pdbs_mut().retain(|k, _| in_ns(k));
        self.serviceaccounts_mut().retain(|k, _| in_ns(k));
        self.roles_mut().retain(|k, _| in_ns(k));
        self.rolebindings_mut().retain(|k, _| in_ns(k));
        self.daemonsets_mut().retain(|k, _| in_ns(k));
        self.statefulsets_mut().retain(|k, _| in_ns(k));
        self.jobs_mut().retain(|k, _| in_ns(k));
        self.cronjobs_mut().retain(|k, _| in_ns(k));
    }
}

/// The status a pod starts with, before scheduling.
pub fn new_pod_status(pod: &Pod) -> PodStatus {
    PodStatus {
        phase: PodPhase::Pending,
        init_statuses: pod.spec.init_containers.iter().map(|c| ContainerStatus::new(&c.name, &c.image)).collect(),
        containers: pod.spec.containers.iter().map(|c| ContainerStatus::new(&c.name, &c.image)).collect(),
        ..PodStatus::default()
    }
}

fn set_map(
    map: &mut std::collections::BTreeMap<String, String>,
    changes: &[(String, Option<String>)],
    overwrite: bool,
) -> Result<(), ApiError> {
    for (k, v) in changes {
        if let (Some(new), Some(old)) = (v, map.get(k))
            && !overwrite
            && new != old
        {
            return Err(ApiError::Client(format!("'{k}' already has a value ({old}), and --overwrite is false")));
        }
    }
    for (k, v) in changes {
        match v {
            Some(v) => map.insert(k.clone(), v.clone()),
            None => map.remove(k),
        };
    }
    Ok(())
}

/// One line describing a change, for the audit trail and the postmortem timeline.
pub fn summarize(change: &Change) -> String {
    match change {
        Change::Create(o) => format!("create {}", object_label(o)),
        Change::Delete { kind, namespace, name, .. } => format!("delete {}/{name} -n {namespace}", kind.singular()),
        Change::SetImage { namespace, deployment, image, kind, .. } => {
            format!("set image {}/{deployment} -n {namespace} to {image}", kind.singular())
        }
        Change::SetEnv { namespace, deployment, name, value, kind, .. } => match value {
            Some(_) => format!("set env {name} on {}/{deployment} -n {namespace}", kind.singular()),
            None => format!("remove env {name} from {}/{deployment} -n {namespace}", kind.singular()),
        },
        Change::Scale { kind, namespace, name, replicas } => {
            format!("scale {}/{name} -n {namespace} to {replicas}", kind.singular())
        }
        Change::NodeFile { node, path, content: Some(_) } => format!("write {path} on node/{node}"),
        Change::NodeFile { node, path, content: None } => format!("remove {path} on node/{node}"),
        Change::MoveNodeFile { node, from, to } => format!("move {from} to {to} on node/{node}"),
        Change::EditNodeFile { node, path, find, replace } => {
            format!("edit {path} on node/{node}: {find} -> {replace}").chars().take(200).collect()
        }
        Change::KubeletVersion { node, version } => format!("install kubelet {version} on node/{node}"),
        Change::InstallPackages { node, versions } => {
            let list: Vec<String> = versions.iter().map(|(p, v)| format!("{p} {v}")).collect();
            format!("install {} on node/{node}", list.join(", "))
        }
        Change::HoldPackages { node, packages, hold } => {
            format!("{} {} on node/{node}", if *hold { "hold" } else { "unhold" }, packages.join(" "))
        }
        Change::Etcd { op } => format!("etcd {op:?}").to_lowercase(),
        Change::Drain { node, .. } => format!("drain node/{node}"),
        Change::DebugContainer { namespace, pod, name, .. } => {
            format!("debug pod/{pod} -n {namespace} with ephemeral container {name}")
        }
        Change::DebugNode { namespace, node, pod, .. } => format!("debug node/{node} with pod/{pod} -n {namespace}"),
        Change::EvictMatching { namespace, selector } => format!("evict pods -l {selector} -n {namespace}"),
        Change::RestartKubelet { node } => format!("restart the kubelet on node/{node}"),
        Change::Swap { node, on } => format!("swap {} on node/{node}", if *on { "on" } else { "off" }),
        Change::Reboot { node } => format!("reboot node/{node}"),
        other => format!("{other:?}").chars().take(160).collect(),
    }
}

/// Installs packages on a node at their versions (`v1.31.0` or `1.31.0`), as apt does: the
/// packages the kubelet does not carry keep the versions they had.
fn install_packages(
    cluster: &mut Cluster,
    node: &str,
    versions: std::collections::BTreeMap<String, String>,
) -> Result<(), ApiError> {
    if let Some((package, version)) = versions.iter().find(|(_, v)| super::control_plane::minor(v).is_none()) {
        return Err(ApiError::Client(format!("E: Version '{version}' for '{package}' was not found")));
    }
    let n = cluster.nodes_mut().get_mut(node).ok_or_else(|| ApiError::not_found(Kind::Node, node))?;
    n.pin_packages_besides_the_kubelet();
    for (package, version) in versions {
        let version = if version.starts_with('v') { version } else { format!("v{version}") };
        if package == "kubelet" {
            n.kubelet_version = version;
        } else {
            n.packages.versions.insert(package, version);
        }
    }
    Ok(())
}

fn object_label(o: &Object) -> String {
    let meta = o.meta();
    format!("{}/{} -n {}", o.kind().singular(), meta.name, meta.namespace)
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::Deployment(_) => Kind::Deployment,
            Object::Pod(_) => Kind::Pod,
            Object::Service(_) => Kind::Service,
            Object::ConfigMap(_) => Kind::ConfigMap,
            Object::Secret(_) => Kind::Secret,
            Object::Pvc(_) => Kind::Pvc,
            Object::Pv(_) => Kind::Pv,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::Ingress(_) => Kind::Ingress,
            Object::NetworkPolicy(_) => Kind::NetworkPolicy,
            Object::Hpa(_) => Kind::Hpa,
            Object::ResourceQuota(_) => Kind::ResourceQuota,
            Object::LimitRange(_) => Kind::LimitRange,
            Object::Pdb(_) => Kind::Pdb,
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::Role(r) if r.cluster => Kind::ClusterRole,
            Object::Role(_) => Kind::Role,
            Object::RoleBinding(b) if b.cluster => Kind::ClusterRoleBinding,
            Object::RoleBinding(_) => Kind::RoleBinding,
            Object::Webhook(w) if w.kind == WebhookKind::Mutating => Kind::MutatingWebhook,
            Object::Webhook(_) => Kind::ValidatingWebhook,
            Object::DaemonSet(_) => Kind::DaemonSet,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::Job(_) => Kind::Job,
            Object::CronJob(_) => Kind::CronJob,
            Object::IngressClass(_) => Kind::IngressClass,
            Object::PriorityClass(_) => Kind::PriorityClass,
            Object::CustomResourceDefinition(_) => Kind::CustomResourceDefinition,
        }
    }

    /// The object's metadata.
    pub fn meta(&self) -> &super::objects::Meta {
        match self {
            Object::Namespace(x) => &x.meta,
            Object::Node(x) => &x.meta,
            Object::Deployment(x) => &x.meta,
            Object::Pod(x) => &x.meta,
            Object::Service(x) => &x.meta,
            Object::ConfigMap(x) => &x.meta,
            Object::Secret(x) => &x.meta,
            Object::Pvc(x) => &x.meta,
            Object::Pv(x) => &x.meta,
            Object::StorageClass(x) => &x.meta,
            Object::Ingress(x) => &x.meta,
            Object::NetworkPolicy(x) => &x.meta,
            Object::Hpa(x) => &x.meta,
            Object::ResourceQuota(x) => &x.meta,
            Object::LimitRange(x) => &x.meta,
            Object::Pdb(x) => &x.meta,
            Object::ServiceAccount(x) => &x.meta,
            Object::Role(x) => &x.meta,
            Object::RoleBinding(x) => &x.meta,
            Object::Webhook(x) => &x.meta,
            Object::DaemonSet(x) => &x.meta,
            Object::StatefulSet(x) => &x.meta,
            Object::Job(x) => &x.meta,
            Object::CronJob(x) => &x.meta,
            Object::IngressClass(x) => &x.meta,
            Object::PriorityClass(x) => &x.meta,
            Object::CustomResourceDefinition(x) => &x.meta,
        }
    }
}
