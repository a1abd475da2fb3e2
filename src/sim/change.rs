//! The vocabulary of changes to the cluster. Console commands, scenario faults and (later) the
//! customer's mishaps are all `Change`s, applied through one path with admission, so a fault
//! leaves the same traces (rollout history, events) as a person typing it would.

use serde::{Deserialize, Serialize};

use super::kind::Kind;
use super::objects::{
    ConfigMap, CronJob, DaemonSet, Deployment, Hpa, Ingress, Job, LimitRange, Namespace, NetworkPolicy, Node, Pdb,
    PersistentVolume, Pod, Probe, Pvc, ResourceList, ResourceQuota, Role, RoleBinding, Secret, Service, ServiceAccount,
    StatefulSet, StorageClass, Taint, TaintEffect, WebhookConfiguration,
};

/// Any object, for creating it (scenario baselines are lists of these).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Object {
    Namespace(Namespace),
    Node(Node),
    Deployment(Deployment),
    Pod(Pod),
    Service(Service),
    ConfigMap(ConfigMap),
    Secret(Secret),
    Pvc(Pvc),
    Pv(PersistentVolume),
    StorageClass(StorageClass),
    Ingress(Ingress),
    NetworkPolicy(NetworkPolicy),
    Hpa(Hpa),
    ResourceQuota(ResourceQuota),
    LimitRange(LimitRange),
    Pdb(Pdb),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    Webhook(WebhookConfiguration),
    DaemonSet(DaemonSet),
    StatefulSet(StatefulSet),
    Job(Job),
    CronJob(CronJob),
    IngressClass(super::objects::IngressClass),
    PriorityClass(super::objects::PriorityClass),
    CustomResourceDefinition(super::objects::CustomResourceDefinition),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProbeKind {
    Liveness,
    Readiness,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatchType {
    Strategic,
    Merge,
    Json,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(
    clippy::large_enum_variant,
    reason = "changes are short-lived values; boxing would only add noise to scenarios"
)]
#[serde(deny_unknown_fields)]
pub enum Change {
    Create(Object),
    /// `force` removes a pod at once, without waiting for its kubelet (`--force --grace-period=0`).
    Delete {
        kind: Kind,
        namespace: String,
        name: String,
        #[serde(default)]
        force: bool,
    },
    /// `container` of `None` means every container. This and the four `Set*` after it edit the
    /// pod template of the workload `kind` names (`deployment` is its name, whatever its kind).
    SetImage {
        namespace: String,
        deployment: String,
        container: Option<String>,
        image: String,
        /// The workload whose pod template this edits; `Deployment` when left out.
        #[serde(default = "Kind::template_default")]
        kind: Kind,
    },
    /// `value` of `None` removes the variable (`KEY-`).
    SetEnv {
        namespace: String,
        deployment: String,
        container: Option<String>,
        name: String,
        value: Option<String>,
        /// The workload whose pod template this edits; `Deployment` when left out.
        #[serde(default = "Kind::template_default")]
        kind: Kind,
    },
    SetResources {
        namespace: String,
        deployment: String,
        container: Option<String>,
        requests: ResourceList,
        limits: ResourceList,
        /// The workload whose pod template this edits; `Deployment` when left out.
        #[serde(default = "Kind::template_default")]
        kind: Kind,
    },
    SetCommand {
        namespace: String,
        deployment: String,
        container: String,
        command: Vec<String>,
        /// The workload whose pod template this edits; `Deployment` when left out.
        #[serde(default = "Kind::template_default")]
        kind: Kind,
    },
    SetProbe {
        namespace: String,
        deployment: String,
        container: String,
        probe_kind: ProbeKind,
        probe: Option<Probe>,
        /// The workload whose pod template this edits; `Deployment` when left out.
        #[serde(default = "Kind::template_default")]
        kind: Kind,
    },
    Scale {
        kind: Kind,
        namespace: String,
        name: String,
        replicas: u32,
    },
    RolloutRestart {
        namespace: String,
        deployment: String,
    },
    RolloutUndo {
        namespace: String,
        deployment: String,
        to_revision: Option<u32>,
    },
    RolloutPause {
        namespace: String,
        deployment: String,
        paused: bool,
    },
    /// A patch in JSON text, applied to the object's manifest.
    Patch {
        kind: Kind,
        namespace: String,
        name: String,
        patch_type: PatchType,
        patch: String,
    },
    /// Sets (`Some`) or removes (`None`) labels.
    Label {
        kind: Kind,
        namespace: String,
        name: String,
        labels: Vec<(String, Option<String>)>,
        overwrite: bool,
    },
    Annotate {
        kind: Kind,
        namespace: String,
        name: String,
        annotations: Vec<(String, Option<String>)>,
        overwrite: bool,
    },
    Cordon {
        node: String,
        unschedulable: bool,
    },
    Taint {
        node: String,
        taint: Taint,
    },
    Untaint {
        node: String,
        key: String,
        effect: Option<TaintEffect>,
    },
    /// Evicts a pod through the eviction API, which honours disruption budgets.
    Evict {
        namespace: String,
        pod: String,
    },
    SetServiceSelector {
        namespace: String,
        service: String,
        selector: std::collections::BTreeMap<String, String>,
    },
    SetServiceTargetPort {
        namespace: String,
        service: String,
        port: u16,
        target_port: u16,
    },
    SetIngressBackend {
        namespace: String,
        ingress: String,
        service: String,
        port: u16,
    },
    SetHpaLimits {
        namespace: String,
        hpa: String,
        min: Option<u32>,
        max: Option<u32>,
    },
    SetConfigData {
        namespace: String,
        config_map: String,
        key: String,
        value: Option<String>,
    },
    SetSecretData {
        namespace: String,
        secret: String,
        key: String,
        value: Option<String>,
    },
    /// Stops (`running: false`) or starts the kubelet on a node.
    Kubelet {
        node: String,
        running: bool,
    },
    /// Writes a file of this size on a node's disk (the disk-pressure fault).
    WriteFile {
        node: String,
        path: String,
        gib: u32,
    },
    RemoveFile {
        node: String,
        path: String,
    },
    /// Writes (`Some`) or removes (`None`) a small text file on a node: a static pod manifest
    /// under `/etc/kubernetes/manifests`, the kubelet's `/var/lib/kubelet/config.yaml`.
    NodeFile {
        node: String,
        path: String,
        content: Option<String>,
    },
    /// Moves a node's text file (`mv`), say a static pod manifest out of the manifests directory.
    MoveNodeFile {
        node: String,
        from: String,
        to: String,
    },
    /// Replaces every `find` with `replace` in a node's text file, as `sed -i 's/…/…/g'` does.
    EditNodeFile {
        node: String,
        path: String,
        find: String,
        replace: String,
    },
    /// Installs another kubelet version on a node (`apt-get install kubelet=…` and a restart).
    KubeletVersion {
        node: String,
        version: String,
    },
    /// Installs Kubernetes packages on a node at the given versions (`apt-get install
    /// kubelet=1.31.0-1.1 kubeadm=…`): a new kubelet restarts, as the package's upgrade does.
    InstallPackages {
        node: String,
        /// Package name to version (`v1.31.0`).
        versions: std::collections::BTreeMap<String, String>,
    },
    /// Puts packages on hold or takes them off (`apt-mark hold|unhold`).
    HoldPackages {
        node: String,
        packages: Vec<String>,
        hold: bool,
    },
    /// `kubectl drain NODE` left running: cordons the node, then evicts its pods through the
    /// eviction API, retrying every step while a disruption budget refuses, until none is left.
    /// Pods of a `DaemonSet`, or with `emptyDir` data, stop it at once unless the flag allows them.
    Drain {
        node: String,
        #[serde(default)]
        ignore_daemonsets: bool,
        #[serde(default)]
        delete_emptydir_data: bool,
    },
    /// Evicts every pod in `namespace` that matches a label selector (`app=web,tier!=db`),
    /// as far as disruption budgets allow, so a scenario need not know generated pod names.
    EvictMatching {
        namespace: String,
        selector: String,
    },
    /// `systemctl restart kubelet`: the kubelet reads its configuration file again and runs on
    /// it, or exits with its error (see `sim::kubelet_config`).
    RestartKubelet {
        node: String,
    },
    /// Turns swap on or off on a node (`swapon -a`, `swapoff -a`).
    Swap {
        node: String,
        on: bool,
    },
    /// Reboots a node: swap comes on if `/etc/fstab` has a swap line, and the kubelet starts.
    Reboot {
        node: String,
    },
    /// `kubectl debug POD --image=IMG`: adds an ephemeral container to a running pod, which runs
    /// `command` once (its output is `log`, how it ended `exit_code`) or, without a command or
    /// `exit_code`, keeps running (a shell waiting for its terminal).
    DebugContainer {
        namespace: String,
        pod: String,
        name: String,
        image: String,
        #[serde(default)]
        target: Option<String>,
        #[serde(default)]
        command: Vec<String>,
        #[serde(default)]
        log: Vec<String>,
        #[serde(default)]
        exit_code: Option<i32>,
    },
    /// Maintenance asked of etcd on the control-plane node (`etcdctl compact`, `defrag`, `alarm
    /// disarm`), or writes that grew its database (a fault: a runaway client).
    Etcd {
        op: crate::sim::etcd::EtcdOp,
    },
    /// Sets an ingress's `spec.ingressClassName`, or with `None` removes it.
    SetIngressClass {
        namespace: String,
        ingress: String,
        class: Option<String>,
    },
    /// `kubectl debug node/NODE --image=IMG`: creates the debugging pod `pod` in `namespace`,
    /// pinned to the node with its namespaces and its filesystem at `/host`. It ran `command` as
    /// the node's shell runs it (its output is `log`, how it ended `exit_code`) or, without
    /// `exit_code`, keeps running (a shell waiting for its terminal).
    DebugNode {
        namespace: String,
        node: String,
        pod: String,
        image: String,
        #[serde(default)]
        command: Vec<String>,
        #[serde(default)]
        log: Vec<String>,
        #[serde(default)]
        exit_code: Option<i32>,
    },
}

impl Change {
    /// The deployment whose pod template this change edits, if it does: a new image, env,
    /// resources, command or probe, a restart, or a patch of the deployment. A rollback restores
    /// an older template rather than editing this one, so it is not among them.
    pub fn edited_template(&self) -> Option<(&str, &str)> {
        match self {
            Change::SetImage { namespace, deployment, kind: Kind::Deployment, .. }
            | Change::SetEnv { namespace, deployment, kind: Kind::Deployment, .. }
            | Change::SetResources { namespace, deployment, kind: Kind::Deployment, .. }
            | Change::SetCommand { namespace, deployment, kind: Kind::Deployment, .. }
            | Change::SetProbe { namespace, deployment, kind: Kind::Deployment, .. }
            | Change::RolloutRestart { namespace, deployment } => Some((namespace, deployment)),
            Change::Patch { kind: Kind::Deployment, namespace, name, .. } => Some((namespace, name)),
            _ => None,
        }
    }

    /// The object a change is made to: kind, namespace (empty when cluster-scoped) and name.
    pub fn target(&self) -> (Kind, &str, &str) {
        match self {
            Change::Create(object) => {
                let meta = object.meta();
                (object.kind(), meta.namespace.as_str(), meta.name.as_str())
            }
            Change::Delete { kind, namespace, name, .. }
            | Change::Scale { kind, namespace, name, .. }
            | Change::Patch { kind, namespace, name, .. }
            | Change::Label { kind, namespace, name, .. }
            | Change::Annotate { kind, namespace, name, .. } => (*kind, namespace, name),
            Change::SetImage { namespace, deployment, kind, .. }
            | Change::SetEnv { namespace, deployment, kind, .. }
            | Change::SetResources { namespace, deployment, kind, .. }
            | Change::SetCommand { namespace, deployment, kind, .. }
            | Change::SetProbe { namespace, deployment, kind, .. } => (*kind, namespace, deployment),
            Change::RolloutRestart { namespace, deployment }
            | Change::RolloutUndo { namespace, deployment, .. }
            | Change::RolloutPause { namespace, deployment, .. } => (Kind::Deployment, namespace, deployment),
            Change::Cordon { node, .. }
            | Change::Taint { node, .. }
            | Change::Untaint { node, .. }
            | Change::Kubelet { node, .. }
            | Change::WriteFile { node, .. }
            | Change::RemoveFile { node, .. }
            | Change::NodeFile { node, .. }
            | Change::MoveNodeFile { node, .. }
            | Change::EditNodeFile { node, .. }
            | Change::KubeletVersion { node, .. }
            | Change::InstallPackages { node, .. }
            | Change::HoldPackages { node, .. }
            | Change::Drain { node, .. }
            | Change::RestartKubelet { node }
            | Change::Swap { node, .. }
            | Change::Reboot { node } => (Kind::Node, "", node),
            // A selector, not a name: the pods it picks are only known when it runs.
            Change::EvictMatching { namespace, selector } => (Kind::Pod, namespace, selector),
            Change::Etcd { .. } => (Kind::Pod, "kube-system", "etcd"),
            Change::Evict { namespace, pod } => (Kind::Pod, namespace, pod),
            Change::DebugContainer { namespace, pod, .. } => (Kind::Pod, namespace, pod),
            Change::DebugNode { namespace, pod, .. } => (Kind::Pod, namespace, pod),
            Change::SetServiceSelector { namespace, service, .. }
            | Change::SetServiceTargetPort { namespace, service, .. } => (Kind::Service, namespace, service),
            Change::SetIngressBackend { namespace, ingress, .. }
            | Change::SetIngressClass { namespace, ingress, .. } => (Kind::Ingress, namespace, ingress),
            Change::SetHpaLimits { namespace, hpa, .. } => (Kind::Hpa, namespace, hpa),
            Change::SetConfigData { namespace, config_map, .. } => (Kind::ConfigMap, namespace, config_map),
            Change::SetSecretData { namespace, secret, .. } => (Kind::Secret, namespace, secret),
        }
    }

    /// Whether the change is destructive enough to count as collateral damage when misused.
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Change::Delete { .. }
                | Change::Evict { .. }
                | Change::EvictMatching { .. }
                | Change::Drain { .. }
                | Change::RemoveFile { .. }
        )
    }
}

/// Why the API refused a change, worded as the API server words it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("Error from server (NotFound): {kind} \"{name}\" not found")]
    NotFound { kind: String, name: String },
    #[error("Error from server (NotFound): namespaces \"{0}\" not found")]
    NamespaceNotFound(String),
    #[error("Error from server (AlreadyExists): {kind} \"{name}\" already exists")]
    AlreadyExists { kind: String, name: String },
    #[error("Error from server (Invalid): {0}")]
    Invalid(String),
    #[error("Error from server (BadRequest): {0}")]
    BadRequest(String),
    #[error("Error from server (Forbidden): {0}")]
    Forbidden(String),
    #[error("Error from server (InternalError): Internal error occurred: {0}")]
    Internal(String),
    #[error("Error from server (TooManyRequests): {0}")]
    TooManyRequests(String),
    #[error("error: {0}")]
    Client(String),
}

impl ApiError {
    pub fn not_found(kind: Kind, name: &str) -> Self {
        ApiError::NotFound { kind: kind.qualified_plural(), name: name.to_owned() }
    }
}

impl ApiError {
    /// The message without kubectl's `Error from server (Reason): ` prefix, as controllers put it
    /// in events (`Error creating: pods "x" is forbidden: …`).
    pub fn reason_text(&self) -> String {
        let full = self.to_string();
        match full.split_once("): ") {
            Some((head, rest)) if head.starts_with("Error from server (") => rest.to_owned(),
            _ => full.strip_prefix("error: ").unwrap_or(&full).to_owned(),
        }
    }
}
