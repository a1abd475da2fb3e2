//! A small hand-built cluster for the tests of the changing commands: namespace `shop` with a
//! `web` deployment (two revisions), its pods on node `n2`, a bare pod, a pod with an emptyDir
//! and a config map; nodes `n1` and `n2`.

use serde::de::DeserializeOwned;

use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{
    ConfigMap, ContainerState, ContainerStatus, Deployment, DeploymentCondition, Namespace, Node, OwnerKind, OwnerRef,
    Pod, PodPhase, ReplicaSet,
};

pub fn ron<T: DeserializeOwned>(text: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .unwrap_or_else(|e| panic!("fixture does not parse: {e}\n{text}"))
}

fn template(image: &str) -> String {
    format!(
        r#"(labels: {{"app": "web"}}, spec: (containers: [(name: "web", image: "{image}", ports: [8080],
            env: [(name: "LOG_LEVEL", value: "info"),
                  (name: "DB_URL", config_map_key: (name: "app-config", key: "DB_URL"))])]))"#
    )
}

pub fn pod(name: &str, owner: Option<(OwnerKind, &str)>, node: &str, extra_spec: &str) -> Pod {
    let mut p: Pod = ron(&format!(
        r#"(meta: (name: "{name}", namespace: "shop", labels: {{"app": "web"}}),
            spec: (containers: [(name: "web", image: "repo/web:1.4.1")]{extra_spec}))"#
    ));
    p.meta.owner = owner.map(|(kind, name)| OwnerRef { kind, name: name.to_owned() });
    p.status.node = Some(node.to_owned());
    p.status.phase = PodPhase::Running;
    let mut ready = ContainerStatus::new("web", "repo/web:1.4.1");
    ready.state = ContainerState::Running { started_at: 0 };
    ready.ready = true;
    p.status.containers = vec![ready];
    p
}

pub fn cluster() -> Cluster {
    let mut c = Cluster::new(7);
    c.now = 600;
    for ns in ["default", "shop", "kube-system"] {
        let n: Namespace = ron(&format!(r#"(meta: (name: "{ns}"))"#));
        c.namespaces_mut().insert(ns.to_owned(), n);
    }
    for name in ["n1", "n2"] {
        let mut n: Node = ron(&format!(r#"(meta: (name: "{name}", namespace: ""), cpu: "4", memory: "8Gi")"#));
        n.meta.labels.insert("kubernetes.io/hostname".into(), name.into());
        c.nodes_mut().insert(name.to_owned(), n);
    }
    let mut d: Deployment = ron(&format!(
        r#"(meta: (name: "web", namespace: "shop", labels: {{"app": "web"}}), replicas: 3,
            selector: {{"app": "web"}}, template: {})"#,
        template("repo/web:1.4.1")
    ));
    d.status.revision = 2;
    d.status.replicas = 3;
    d.status.updated = 3;
    d.status.ready = 3;
    d.status.available = 3;
    d.status.generation = 4;
    d.status.observed_generation = 4;
    d.status.conditions.push(DeploymentCondition {
        kind: "Progressing".into(),
        status: "True".into(),
        reason: "NewReplicaSetAvailable".into(),
        message: "ReplicaSet \"web-7c9b\" has successfully progressed.".into(),
        since: 0,
    });
    c.deployments_mut().insert(key("shop", "web"), d);
    for (name, revision, image, cause) in [
        ("web-5d8f", 1, "repo/web:1.4.0", None),
        ("web-7c9b", 2, "repo/web:1.4.1", Some("kubectl set image deploy/web web=repo/web:1.4.1")),
    ] {
        let mut rs: ReplicaSet = ron(&format!(
            r#"(meta: (name: "{name}", namespace: "shop"), replicas: {}, selector: {{"app": "web"}},
                template: {}, revision: {revision})"#,
            if revision == 2 { 3 } else { 0 },
            template(image)
        ));
        rs.template.labels.insert("pod-template-hash".into(), name.trim_start_matches("web-").into());
        rs.meta.owner = Some(OwnerRef { kind: OwnerKind::Deployment, name: "web".into() });
        if let Some(cause) = cause {
            rs.meta.annotations.insert("kubernetes.io/change-cause".into(), cause.into());
        }
        c.replicasets_mut().insert(key("shop", name), rs);
    }
    for p in [
        pod("web-7c9b-aaaaa", Some((OwnerKind::ReplicaSet, "web-7c9b")), "n2", ""),
        pod("web-7c9b-bbbbb", Some((OwnerKind::ReplicaSet, "web-7c9b")), "n2", ""),
        pod("web-7c9b-ccccc", Some((OwnerKind::ReplicaSet, "web-7c9b")), "n1", ""),
    ] {
        c.pods_mut().insert(p.meta.key(), p);
    }
    let cm: ConfigMap =
        ron(r#"(meta: (name: "app-config", namespace: "shop"), data: {"DB_URL": "postgres://db:5432/shop"})"#);
    c.configmaps_mut().insert(cm.meta.key(), cm);
    c
}
