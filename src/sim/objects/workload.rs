//! Deployments, replica sets and pods: the specs authors write and the statuses the controllers
//! and the kubelet compute.

use serde::{Deserialize, Serialize};

use super::{Labels, Meta};
use crate::sim::quantity::{Mebibytes, Millicores};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub meta: Meta,
    #[serde(default = "one")]
    pub replicas: u32,
    /// `matchLabels`; defaults to the template's labels.
    #[serde(default)]
    pub selector: Labels,
    pub template: PodTemplate,
    #[serde(default)]
    pub strategy: Strategy,
    #[serde(default = "default_deadline")]
    pub progress_deadline_seconds: u32,
    #[serde(default)]
    pub paused: bool,
    #[serde(skip)]
    pub status: DeploymentStatus,
}

fn one() -> u32 {
    1
}
fn default_deadline() -> u32 {
    600
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Strategy {
    /// `maxSurge` and `maxUnavailable` as percentages or counts, like `"25%"` or `"1"`.
    RollingUpdate {
        max_surge: String,
        max_unavailable: String,
    },
    Recreate,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::RollingUpdate { max_surge: "25%".to_owned(), max_unavailable: "25%".to_owned() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeploymentStatus {
    /// The revision the template currently corresponds to.
    pub revision: u32,
    pub replicas: u32,
    pub updated: u32,
    /// Updated pods that are available, to notice progress.
    pub updated_available: u32,
    pub ready: u32,
    pub available: u32,
    pub conditions: Vec<DeploymentCondition>,
    /// When the current rollout started or last made progress.
    pub last_progress: i64,
    pub observed_generation: u64,
    pub generation: u64,
    /// `pod-template-hash` of the template, cached for `hashed_generation`.
    pub template_hash: String,
    pub hashed_generation: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentCondition {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub since: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodTemplate {
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub annotations: Labels,
    pub spec: PodSpec,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaSet {
    pub meta: Meta,
    pub replicas: u32,
    pub selector: Labels,
    pub template: PodTemplate,
    pub revision: u32,
    #[serde(skip)]
    pub ready: u32,
    #[serde(skip)]
    pub available: u32,
    #[serde(skip)]
    pub current: u32,
    /// Why the last pod creation was refused (quota, webhook), for `ReplicaFailure`.
    #[serde(skip)]
    pub create_error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodSpec {
    pub containers: Vec<Container>,
    #[serde(default)]
    pub init_containers: Vec<Container>,
    #[serde(default)]
    pub node_selector: Labels,
    #[serde(default)]
    pub node_name: Option<String>,
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    #[serde(default = "default_sa")]
    pub service_account: String,
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub scheduler_name: Option<String>,
    /// Whether the kubelet restarts containers that exit (jobs say `Never` or `OnFailure`).
    /// `controllers::deployment::template_hash` leaves it out when `Always`, so templates hash as
    /// they did before it existed. (Never `skip_serializing_if`: the wire format, postcard, is not
    /// self-describing, and a skipped field makes every later field unreadable.)
    #[serde(default)]
    pub restart_policy: RestartPolicy,
    /// `priorityClassName`; left out of the template hash when unset, as `restart_policy` is.
    #[serde(default)]
    pub priority_class_name: Option<String>,
    /// `priority`, which admission resolves from the class; never written in a scenario's template.
    #[serde(default)]
    pub priority: Option<i32>,
    /// Containers `kubectl debug` added to the running pod (`spec.ephemeralContainers`). Only the
    /// API's ephemeralcontainers subresource adds them, so no scenario or template declares them.
    #[serde(skip)]
    pub ephemeral_containers: Vec<EphemeralContainer>,
    /// `hostNetwork`, `hostPID`, `hostIPC`: the pod shares the node's namespaces, as a node debug
    /// pod does. Left out of the template hash when false, so templates hash as they did before.
    #[serde(default)]
    pub host_network: bool,
    #[serde(default)]
    pub host_pid: bool,
    #[serde(default)]
    pub host_ipc: bool,
}

/// A container added to a running pod for debugging: its container and the container whose
/// process namespace it joins (`--target`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EphemeralContainer {
    pub container: Container,
    pub target: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RestartPolicy {
    #[default]
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    pub fn is_always(&self) -> bool {
        *self == RestartPolicy::Always
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            RestartPolicy::Always => "Always",
            RestartPolicy::OnFailure => "OnFailure",
            RestartPolicy::Never => "Never",
        }
    }

    /// Whether a container that exited with `exit_code` is started again.
    pub const fn restarts(self, exit_code: i32) -> bool {
        match self {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => exit_code != 0,
            RestartPolicy::Never => false,
        }
    }
}

fn default_sa() -> String {
    "default".to_owned()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub ports: Vec<u16>,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub env_from: Vec<EnvFrom>,
    #[serde(default)]
    pub resources: Resources,
    #[serde(default)]
    pub liveness: Option<Probe>,
    #[serde(default)]
    pub readiness: Option<Probe>,
    #[serde(default)]
    pub volume_mounts: Vec<VolumeMount>,
    /// Names of ports in `ports` (`ports[].name`), which a `NetworkPolicy`'s `port: http` resolves.
    #[serde(default)]
    pub port_names: std::collections::BTreeMap<String, u16>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub config_map_key: Option<KeyRef>,
    #[serde(default)]
    pub secret_key: Option<KeyRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    pub name: String,
    pub key: String,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EnvFrom {
    ConfigMap(String),
    Secret(String),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default)]
    pub requests: ResourceList,
    #[serde(default)]
    pub limits: ResourceList,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceList {
    #[serde(default)]
    pub cpu: Option<Millicores>,
    #[serde(default)]
    pub memory: Option<Mebibytes>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// HTTP GET path; `None` means a TCP socket probe.
    #[serde(default)]
    pub path: Option<String>,
    pub port: u16,
    #[serde(default)]
    pub initial_delay_seconds: u32,
    #[serde(default = "default_period")]
    pub period_seconds: u32,
    #[serde(default = "default_threshold")]
    pub failure_threshold: u32,
}

fn default_period() -> u32 {
    10
}
fn default_threshold() -> u32 {
    3
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub name: String,
    pub source: VolumeSource,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum VolumeSource {
    ConfigMap(String),
    Secret(String),
    Pvc(String),
    EmptyDir,
    /// A directory of the node's own filesystem (`hostPath.path`).
    HostPath(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub effect: Option<super::TaintEffect>,
    /// How long a `NoExecute` taint is tolerated, like the default 300 s for `unreachable`.
    #[serde(default)]
    pub seconds: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(u16),
    Str(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(n) => write!(f, "{n}"),
            IntOrString::Str(s) => f.write_str(s),
        }
    }
}

/// A pod. Bare pods (no owner) may be written in a scenario; the rest are made by controllers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pod {
    pub meta: Meta,
    pub spec: PodSpec,
    #[serde(skip)]
    pub status: PodStatus,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PodPhase {
    #[default]
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl PodPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PodStatus {
    pub phase: PodPhase,
    pub node: Option<String>,
    pub pod_ip: Option<String>,
    pub host_ip: Option<String>,
    /// Set for evicted pods: `Evicted` and why.
    pub reason: Option<String>,
    pub message: Option<String>,
    pub scheduled_at: Option<i64>,
    pub started_at: Option<i64>,
    /// Set while the pod is being deleted; it is gone at this time.
    pub terminating_until: Option<i64>,
    /// `nominatedNodeName`: where the scheduler made room for this pod by preemption.
    #[serde(default)]
    pub nominated_node: Option<String>,
    pub init_statuses: Vec<ContainerStatus>,
    pub containers: Vec<ContainerStatus>,
    /// Set while volumes cannot be mounted.
    pub volume_error: Option<String>,
    /// The nameserver its kubelet wrote into `/etc/resolv.conf` (`clusterDNS`), when it is not
    /// the cluster's DNS service.
    pub dns_server: Option<String>,
    /// The cluster `world` this pod was last synced against by its kubelet.
    pub synced_world: u64,
    /// The kubelet has nothing to do for this pod before this time unless the world changes.
    pub wake_at: i64,
    /// `status.ephemeralContainerStatuses`, in the order the containers were added.
    pub ephemeral_statuses: Vec<ContainerStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerStatus {
    pub name: String,
    pub image: String,
    pub state: ContainerState,
    pub last_state: Option<ContainerState>,
    pub ready: bool,
    pub restart_count: u32,
    /// The container may next be (re)started at this time (back-off).
    pub next_start: i64,
    pub backoff_seconds: u32,
    pub liveness_failures: u32,
    pub log: Vec<String>,
    pub previous_log: Vec<String>,
}

impl ContainerStatus {
    pub fn new(name: &str, image: &str) -> Self {
        ContainerStatus {
            name: name.to_owned(),
            image: image.to_owned(),
            state: ContainerState::Waiting { reason: WaitingReason::ContainerCreating, message: String::new() },
            last_state: None,
            ready: false,
            restart_count: 0,
            next_start: i64::MIN,
            backoff_seconds: 0,
            liveness_failures: 0,
            log: Vec::new(),
            previous_log: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ContainerState {
    Waiting { reason: WaitingReason, message: String },
    Running { started_at: i64 },
    Terminated { reason: String, exit_code: i32, message: String, started_at: i64, finished_at: i64 },
}

/// Why a container is not running yet, in kubectl's words (serialized as those words too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WaitingReason {
    ContainerCreating,
    PodInitializing,
    ErrImagePull,
    ImagePullBackOff,
    CrashLoopBackOff,
    CreateContainerConfigError,
}

impl WaitingReason {
    pub const ALL: [WaitingReason; 6] = [
        WaitingReason::ContainerCreating,
        WaitingReason::PodInitializing,
        WaitingReason::ErrImagePull,
        WaitingReason::ImagePullBackOff,
        WaitingReason::CrashLoopBackOff,
        WaitingReason::CreateContainerConfigError,
    ];

    /// The reason as kubectl prints it (`CrashLoopBackOff`).
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitingReason::ContainerCreating => "ContainerCreating",
            WaitingReason::PodInitializing => "PodInitializing",
            WaitingReason::ErrImagePull => "ErrImagePull",
            WaitingReason::ImagePullBackOff => "ImagePullBackOff",
            WaitingReason::CrashLoopBackOff => "CrashLoopBackOff",
            WaitingReason::CreateContainerConfigError => "CreateContainerConfigError",
        }
    }

    /// Whether the image could not be pulled (yet).
    pub const fn is_image_pull(self) -> bool {
        matches!(self, WaitingReason::ErrImagePull | WaitingReason::ImagePullBackOff)
    }
}

impl std::fmt::Display for WaitingReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Pod {
    /// The STATUS column of `kubectl get pods`.
    pub fn status_text(&self, now: i64) -> String {
        let _ = now;
        if self.status.terminating_until.is_some() {
            return "Terminating".to_owned();
        }
        if let Some(reason) = &self.status.reason {
            return reason.clone();
        }
        let (containers, inits) = self.reported_statuses();
        if self.status.node.is_none() {
            return "Pending".to_owned();
        }
        for (i, c) in inits.iter().enumerate() {
            match &c.state {
                ContainerState::Terminated { exit_code: 0, .. } => {}
                ContainerState::Waiting { reason, .. } if *reason != WaitingReason::PodInitializing => {
                    return if *reason == WaitingReason::ContainerCreating {
                        format!("Init:{i}/{}", inits.len())
                    } else {
                        format!("Init:{reason}")
                    };
                }
                ContainerState::Terminated { .. } => return "Init:Error".to_owned(),
                _ => return format!("Init:{i}/{}", inits.len()),
            }
        }
        for c in containers {
            match &c.state {
                ContainerState::Waiting { reason, .. } => return reason.to_string(),
                ContainerState::Terminated { reason, .. } => return reason.clone(),
                ContainerState::Running { .. } => {}
            }
        }
        self.status.phase.as_str().to_owned()
    }

    pub fn restarts(&self) -> u32 {
        self.status.containers.iter().map(|c| c.restart_count).sum()
    }

    pub fn ready_count(&self) -> usize {
        self.status.containers.iter().filter(|c| c.ready).count()
    }

    pub fn is_ready(&self) -> bool {
        self.status.terminating_until.is_none()
            && !self.status.containers.is_empty()
            && self.status.containers.iter().all(|c| c.ready)
    }

    /// The container statuses the API shows: none until a kubelet has the pod, since only the
    /// kubelet reports them (an unscheduled pod is not `ContainerCreating`, it has no state).
    pub fn reported_statuses(&self) -> (&[ContainerStatus], &[ContainerStatus]) {
        if self.status.node.is_none() {
            return (&[], &[]);
        }
        (&self.status.containers, &self.status.init_statuses)
    }

    pub fn is_active(&self) -> bool {
        !matches!(self.status.phase, PodPhase::Failed | PodPhase::Succeeded) && self.status.terminating_until.is_none()
    }

    /// Total requests of the pod's containers, as the scheduler and quota count them.
    pub fn requests(&self) -> (Millicores, Mebibytes) {
        self.spec.requests()
    }
}

impl PodSpec {
    pub fn requests(&self) -> (Millicores, Mebibytes) {
        let cpu = self
            .containers
            .iter()
            .map(|c| c.resources.requests.cpu.or(c.resources.limits.cpu).unwrap_or_default().0)
            .sum();
        let mem = self
            .containers
            .iter()
            .map(|c| c.resources.requests.memory.or(c.resources.limits.memory).unwrap_or_default().0)
            .sum();
        (Millicores(cpu), Mebibytes(mem))
    }

    pub fn limits(&self) -> (Millicores, Mebibytes) {
        let cpu = self.containers.iter().map(|c| c.resources.limits.cpu.unwrap_or_default().0).sum();
        let mem = self.containers.iter().map(|c| c.resources.limits.memory.unwrap_or_default().0).sum();
        (Millicores(cpu), Mebibytes(mem))
    }
}

impl Deployment {
    pub fn condition(&self, kind: &str) -> Option<&DeploymentCondition> {
        self.status.conditions.iter().find(|c| c.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_reasons_print_and_serialize_as_kubectl_words() {
        for reason in WaitingReason::ALL {
            let word = reason.as_str();
            assert_eq!(reason.to_string(), word);
            assert_eq!(serde_json::to_value(reason).ok(), Some(serde_json::Value::String(word.to_owned())));
            assert_eq!(ron::from_str::<WaitingReason>(word).ok(), Some(reason));
        }
    }
}
