//! Resource kinds as the console names them: plural, singular, short names and API group, so
//! `po`, `pods`, `pod` and `pods.v1` all mean the same thing.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Pod,
    Deployment,
    ReplicaSet,
    Service,
    Endpoints,
    Node,
    Namespace,
    ConfigMap,
    Secret,
    Pvc,
    Pv,
    StorageClass,
    Ingress,
    NetworkPolicy,
    Hpa,
    ResourceQuota,
    LimitRange,
    Pdb,
    Event,
    ServiceAccount,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    ValidatingWebhook,
    MutatingWebhook,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
    EndpointSlice,
    IngressClass,
    PriorityClass,
    CustomResourceDefinition,
}

/// (kind, plural, singular, short names, group, Kind as the API spells it, namespaced)
type Row = (Kind, &'static str, &'static str, &'static [&'static str], &'static str, &'static str, bool);

const TABLE: &[Row] = &[
    (Kind::Pod, "pods", "pod", &["po"], "", "Pod", true),
    (Kind::Deployment, "deployments", "deployment", &["deploy"], "apps", "Deployment", true),
    (Kind::ReplicaSet, "replicasets", "replicaset", &["rs"], "apps", "ReplicaSet", true),
    (Kind::Service, "services", "service", &["svc"], "", "Service", true),
    (Kind::Endpoints, "endpoints", "endpoints", &["ep"], "", "Endpoints", true),
    (Kind::Node, "nodes", "node", &["no"], "", "Node", false),
    (Kind::Namespace, "namespaces", "namespace", &["ns"], "", "Namespace", false),
    (Kind::ConfigMap, "configmaps", "configmap", &["cm"], "", "ConfigMap", true),
    (Kind::Secret, "secrets", "secret", &[], "", "Secret", true),
    (Kind::Pvc, "persistentvolumeclaims", "persistentvolumeclaim", &["pvc"], "", "PersistentVolumeClaim", true),
    (Kind::Pv, "persistentvolumes", "persistentvolume", &["pv"], "", "PersistentVolume", false),
    (Kind::StorageClass, "storageclasses", "storageclass", &["sc"], "storage.k8s.io", "StorageClass", false),
    (Kind::Ingress, "ingresses", "ingress", &["ing"], "networking.k8s.io", "Ingress", true),
    (Kind::NetworkPolicy, "networkpolicies", "networkpolicy", &["netpol"], "networking.k8s.io", "NetworkPolicy", true),
    (
        Kind::Hpa,
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        &["hpa"],
        "autoscaling",
        "HorizontalPodAutoscaler",
        true,
    ),
    (Kind::ResourceQuota, "resourcequotas", "resourcequota", &["quota"], "", "ResourceQuota", true),
    (Kind::LimitRange, "limitranges", "limitrange", &["limits"], "", "LimitRange", true),
    (Kind::Pdb, "poddisruptionbudgets", "poddisruptionbudget", &["pdb"], "policy", "PodDisruptionBudget", true),
    (Kind::Event, "events", "event", &["ev"], "", "Event", true),
    (Kind::ServiceAccount, "serviceaccounts", "serviceaccount", &["sa"], "", "ServiceAccount", true),
    (Kind::Role, "roles", "role", &[], "rbac.authorization.k8s.io", "Role", true),
    (Kind::ClusterRole, "clusterroles", "clusterrole", &[], "rbac.authorization.k8s.io", "ClusterRole", false),
    (Kind::RoleBinding, "rolebindings", "rolebinding", &[], "rbac.authorization.k8s.io", "RoleBinding", true),
    (
        Kind::ClusterRoleBinding,
        "clusterrolebindings",
        "clusterrolebinding",
        &[],
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        false,
    ),
    (
        Kind::ValidatingWebhook,
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        &[],
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
        false,
    ),
    (
        Kind::MutatingWebhook,
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        &[],
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
        false,
    ),
    (Kind::DaemonSet, "daemonsets", "daemonset", &["ds"], "apps", "DaemonSet", true),
    (Kind::StatefulSet, "statefulsets", "statefulset", &["sts"], "apps", "StatefulSet", true),
    (Kind::Job, "jobs", "job", &[], "batch", "Job", true),
    (Kind::CronJob, "cronjobs", "cronjob", &["cj"], "batch", "CronJob", true),
    (Kind::EndpointSlice, "endpointslices", "endpointslice", &[], "discovery.k8s.io", "EndpointSlice", true),
    (Kind::IngressClass, "ingressclasses", "ingressclass", &[], "networking.k8s.io", "IngressClass", false),
    (Kind::PriorityClass, "priorityclasses", "priorityclass", &["pc"], "scheduling.k8s.io", "PriorityClass", false),
    (
        Kind::CustomResourceDefinition,
        "customresourcedefinitions",
        "customresourcedefinition",
        &["crd", "crds"],
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        false,
    ),
];

impl Kind {
    pub const ALL: [Kind; 34] = [
        Kind::Pod,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::Service,
        Kind::Endpoints,
        Kind::Node,
        Kind::Namespace,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::Pvc,
        Kind::Pv,
        Kind::StorageClass,
        Kind::Ingress,
        Kind::NetworkPolicy,
        Kind::Hpa,
        Kind::ResourceQuota,
        Kind::LimitRange,
        Kind::Pdb,
        Kind::Event,
        Kind::ServiceAccount,
        Kind::Role,
        Kind::ClusterRole,
        Kind::RoleBinding,
        Kind::ClusterRoleBinding,
        Kind::ValidatingWebhook,
        Kind::MutatingWebhook,
        Kind::DaemonSet,
        Kind::StatefulSet,
        Kind::Job,
        Kind::CronJob,
        Kind::EndpointSlice,
        Kind::IngressClass,
        Kind::PriorityClass,
        Kind::CustomResourceDefinition,
    ];

    fn row(self) -> &'static Row {
        TABLE.iter().find(|r| r.0 == self).unwrap_or(&TABLE[0])
    }

    /// Resolves what a user typed: plural, singular, short name, or `plural.group`.
    pub fn parse(text: &str) -> Option<Kind> {
        let lower = text.to_ascii_lowercase();
        let base = lower.split('.').next().unwrap_or("");
        TABLE
            .iter()
            .find(|r| r.1 == base || r.2 == base || r.3.contains(&base) || r.5.eq_ignore_ascii_case(base))
            .map(|r| r.0)
    }

    pub fn plural(self) -> &'static str {
        self.row().1
    }
    pub fn singular(self) -> &'static str {
        self.row().2
    }
    pub fn short_names(self) -> &'static [&'static str] {
        self.row().3
    }
    pub fn group(self) -> &'static str {
        self.row().4
    }
    /// The `kind:` field, e.g. `PersistentVolumeClaim`.
    pub fn api_kind(self) -> &'static str {
        self.row().5
    }
    pub fn namespaced(self) -> bool {
        self.row().6
    }

    /// `deployment.apps`, `pod`, as kubectl prints before `/name`.
    pub fn qualified(self) -> String {
        if self.group().is_empty() {
            self.singular().to_owned()
        } else {
            format!("{}.{}", self.singular(), self.group())
        }
    }

    /// `deployments.apps`, `pods`, as kubectl prints in error messages.
    pub fn qualified_plural(self) -> String {
        if self.group().is_empty() { self.plural().to_owned() } else { format!("{}.{}", self.plural(), self.group()) }
    }

    pub fn api_version(self) -> String {
        let version = match self {
            Kind::Hpa => "v2",
            _ => "v1",
        };
        if self.group().is_empty() { version.to_owned() } else { format!("{}/{version}", self.group()) }
    }
}

impl Kind {
    /// The workload a scenario's `SetImage`, `SetEnv`, … edit when they name no `kind`.
    pub fn template_default() -> Kind {
        Kind::Deployment
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn every_spelling_resolves() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.plural()), Some(k));
            assert_eq!(Kind::parse(k.singular()), Some(k), "{k:?}");
            for s in k.short_names() {
                assert_eq!(Kind::parse(s), Some(k));
            }
        }
        assert_eq!(Kind::parse("deployments.apps"), Some(Kind::Deployment));
        assert_eq!(Kind::parse("foos"), None);
        // kubectl api-resources: daemonsets ds apps/v1, statefulsets sts apps/v1, jobs batch/v1,
        // cronjobs cj batch/v1.
        assert_eq!(Kind::parse("ds"), Some(Kind::DaemonSet));
        assert_eq!(Kind::parse("sts"), Some(Kind::StatefulSet));
        assert_eq!(Kind::parse("cj"), Some(Kind::CronJob));
        assert_eq!(Kind::parse("jobs.batch"), Some(Kind::Job));
        assert_eq!(Kind::DaemonSet.api_version(), "apps/v1");
        assert_eq!(Kind::CronJob.api_version(), "batch/v1");
        assert_eq!(Kind::Job.qualified(), "job.batch");
        // kubectl api-resources: endpointslices (no short name) discovery.k8s.io/v1.
        assert_eq!(Kind::parse("endpointslices.discovery.k8s.io"), Some(Kind::EndpointSlice));
        assert_eq!(Kind::EndpointSlice.api_version(), "discovery.k8s.io/v1");
        // kubectl api-resources: customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false.
        assert_eq!(Kind::parse("crd"), Some(Kind::CustomResourceDefinition));
        assert_eq!(Kind::parse("crds"), Some(Kind::CustomResourceDefinition));
        assert_eq!(Kind::CustomResourceDefinition.api_version(), "apiextensions.k8s.io/v1");
        assert!(!Kind::CustomResourceDefinition.namespaced());
    }
}
