//! The RBAC objects and service accounts a kubeadm cluster starts with: the built-in cluster
//! roles (`cluster-admin`, `admin`, `edit`, `view` and the common `system:` ones), the bindings
//! that give them to the control plane, nodes and every authenticated user, and an account
//! for each system pod and each controller the controller manager runs under its own name.

use crate::sim::change::Object;
use crate::sim::objects::{Meta, PolicyRuleSpec, Role, RoleBinding, RoleRef, ServiceAccount, Subject};

/// Accounts in `kube-system`: the system pods' and the controller manager's controllers'
/// (`--use-service-account-credentials`).
const KUBE_SYSTEM_ACCOUNTS: &[&str] = &[
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "coredns",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "kube-proxy",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "service-account-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
];

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRuleSpec {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    PolicyRuleSpec { verbs: owned(verbs), resources: owned(resources), api_groups: owned(groups) }
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];

fn cluster_role(name: &str, rules: Vec<PolicyRuleSpec>) -> Object {
    let mut meta = Meta::new(name, "");
    meta.labels.insert("kubernetes.io/bootstrapping".to_owned(), "rbac-defaults".to_owned());
    meta.annotations.insert("rbac.authorization.kubernetes.io/autoupdate".to_owned(), "true".to_owned());
    Object::Role(Role { meta, cluster: true, rules })
}

fn binding(name: &str, role: &str, subjects: &[(&str, &str, Option<&str>)]) -> Object {
    let mut meta = Meta::new(name, "");
    if !name.starts_with("kubeadm:") {
        meta.labels.insert("kubernetes.io/bootstrapping".to_owned(), "rbac-defaults".to_owned());
        meta.annotations.insert("rbac.authorization.kubernetes.io/autoupdate".to_owned(), "true".to_owned());
    }
    Object::RoleBinding(RoleBinding {
        meta,
        cluster: true,
        role: RoleRef { kind: "ClusterRole".to_owned(), name: role.to_owned() },
        subjects: subjects
            .iter()
            .map(|(kind, name, ns)| Subject {
                kind: (*kind).to_owned(),
                name: (*name).to_owned(),
                namespace: ns.map(str::to_owned),
            })
            .collect(),
    })
}

pub fn objects() -> Vec<Object> {
    let workloads = &["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"];
    let config = &["configmaps", "services", "endpoints", "persistentvolumeclaims", "ingresses", "networkpolicies"];
    let view_resources: Vec<&str> = workloads
        .iter()
        .chain(config)
        .chain(&["pods/log", "events", "serviceaccounts", "horizontalpodautoscalers", "poddisruptionbudgets"])
        .copied()
        .collect();
    let mut edit_rules = vec![rule(&[], &view_resources, READ), rule(&[], &view_resources, WRITE)];
    edit_rules.push(rule(&[""], &["secrets"], &["get", "list", "watch", "create", "delete", "patch", "update"]));
    edit_rules.push(rule(&[""], &["pods/exec", "pods/portforward", "pods/eviction"], &["create", "get"]));
    let mut admin_rules = edit_rules.clone();
    admin_rules.push(rule(&["rbac.authorization.k8s.io"], &["roles", "rolebindings"], &["*"]));
    let mut out = vec![
        cluster_role("cluster-admin", vec![rule(&["*"], &["*"], &["*"])]),
        cluster_role("admin", admin_rules),
        cluster_role("edit", edit_rules),
        cluster_role("view", vec![rule(&[], &view_resources, READ)]),
        cluster_role(
            "system:basic-user",
            vec![rule(
                &["authorization.k8s.io"],
                &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                &["create"],
            )],
        ),
        cluster_role("system:discovery", Vec::new()),
        cluster_role("system:public-info-viewer", Vec::new()),
        cluster_role(
            "system:coredns",
            vec![
                rule(&[""], &["endpoints", "services", "pods", "namespaces"], &["list", "watch"]),
                rule(&["discovery.k8s.io"], &["endpointslices"], &["list", "watch"]),
            ],
        ),
        cluster_role("system:node", vec![rule(&[""], &["pods", "nodes", "configmaps", "secrets", "services"], READ)]),
        cluster_role("system:node-proxier", vec![rule(&[""], &["endpoints", "services", "nodes"], &["list", "watch"])]),
        cluster_role("system:kube-scheduler", vec![rule(&[""], &["pods", "nodes", "persistentvolumeclaims"], READ)]),
        cluster_role("system:kube-controller-manager", vec![rule(&["*"], &["*"], READ)]),
        cluster_role(
            "system:controller:replicaset-controller",
            vec![rule(&["", "apps"], &["pods", "replicasets"], &["*"])],
        ),
        cluster_role(
            "system:controller:deployment-controller",
            vec![rule(&["", "apps"], &["deployments", "replicasets", "pods"], &["*"])],
        ),
        cluster_role("system:monitoring", Vec::new()),
        binding("cluster-admin", "cluster-admin", &[("Group", "system:masters", None)]),
        binding("kubeadm:cluster-admins", "cluster-admin", &[("Group", "kubeadm:cluster-admins", None)]),
        binding("system:basic-user", "system:basic-user", &[("Group", "system:authenticated", None)]),
        binding("system:discovery", "system:discovery", &[("Group", "system:authenticated", None)]),
        binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            &[("Group", "system:authenticated", None), ("Group", "system:unauthenticated", None)],
        ),
        binding("system:coredns", "system:coredns", &[("ServiceAccount", "coredns", Some("kube-system"))]),
        binding("system:kube-scheduler", "system:kube-scheduler", &[("User", "system:kube-scheduler", None)]),
        binding(
            "system:kube-controller-manager",
            "system:kube-controller-manager",
            &[("User", "system:kube-controller-manager", None)],
        ),
        binding(
            "system:controller:replicaset-controller",
            "system:controller:replicaset-controller",
            &[("ServiceAccount", "replicaset-controller", Some("kube-system"))],
        ),
        binding(
            "system:controller:deployment-controller",
            "system:controller:deployment-controller",
            &[("ServiceAccount", "deployment-controller", Some("kube-system"))],
        ),
        binding("system:monitoring", "system:monitoring", &[("Group", "system:monitoring", None)]),
        binding(
            "kubeadm:node-proxier",
            "system:node-proxier",
            &[("ServiceAccount", "kube-proxy", Some("kube-system"))],
        ),
    ];
    let account = |name: &str, ns: &str| {
        Object::ServiceAccount(ServiceAccount { meta: Meta::new(name, ns), image_pull_secrets: Vec::new() })
    };
    out.extend(KUBE_SYSTEM_ACCOUNTS.iter().map(|n| account(n, "kube-system")));
    out.push(account("ingress-nginx", "ingress-nginx"));
    out
}
