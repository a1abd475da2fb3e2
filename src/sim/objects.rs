//! The Kubernetes objects the simulation knows. Each object keeps what a scenario author writes
//! (metadata and spec, deserialized from RON) apart from what the controllers compute (status,
//! never read from a scenario).

mod batch;
mod classes;
mod crd;
mod meta;
mod network;
mod node;
mod policy;
mod sets;
mod storage;
mod workload;

pub use batch::{ConcurrencyPolicy, CronJob, CronJobStatus, Job, JobOutcome, JobSpec, JobStatus};
pub use classes::{
    BUILTIN_PRIORITY_CLASSES, DEFAULT_INGRESS_CLASS, IngressClass, NGINX_CONTROLLER, PreemptionPolicy, PriorityClass,
};
pub use crd::{CrdScope, CustomResourceDefinition};
pub use meta::{Labels, Meta, Namespace, OwnerKind, OwnerRef, Selector, SelectorOp, SelectorTerm, same_name};
pub use network::{
    EndpointAddress, Endpoints, Ingress, IngressBackend, IngressPath, IngressRule, IngressTls, IpBlock, LabelOperator,
    LabelRequirement, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, PolicyType, Service, ServicePort, ServiceType,
    cidr_strict_subset, parse_cidr,
};
pub use node::{
    DiskFile, DrainRun, KUBERNETES_PACKAGES, KUBERNETES_VERSION, KubeletProcess, KubeletState, Node, NodeCondition,
    NodeInfo, Packages, Taint, TaintEffect,
};
pub use policy::{
    FailurePolicy, Hpa, HpaStatus, LimitRange, Pdb, PolicyRuleSpec, ResourceQuota, Role, RoleBinding, RoleRef,
    ServiceAccount, Subject, Webhook, WebhookConfiguration, WebhookKind, WebhookMutation,
};
pub use sets::{
    DaemonSet, DaemonSetStrategy, PodManagement, REVISION_HASH_LABEL, SetStatus, StatefulSet, StatefulSetStrategy,
};
pub use storage::{ConfigMap, PersistentVolume, Pvc, PvcPhase, Secret, StorageClass, VolumeBindingMode};
pub use workload::{
    Container, ContainerState, ContainerStatus, Deployment, DeploymentCondition, DeploymentStatus, EnvFrom, EnvVar,
    EphemeralContainer, IntOrString, KeyRef, Pod, PodPhase, PodSpec, PodStatus, PodTemplate, Probe, ReplicaSet,
    ResourceList, Resources, RestartPolicy, Strategy, Toleration, Volume, VolumeMount, VolumeSource, WaitingReason,
};
