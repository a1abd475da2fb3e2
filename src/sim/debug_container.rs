//! Ephemeral containers, the API side of `kubectl debug POD`: the ephemeralcontainers
//! subresource adds one to a running pod, refusing what the API server refuses (a name the pod
//! already uses, a `--target` it does not have, a pod that has completed), and the kubelet starts
//! it at once. A debug container that was given a command has run it by the time the console
//! shows anything, so it arrives with its output and exit code ([`Added::exit_code`]); the
//! command's run is worked out by the console, which has the pod's view of the world.

use super::change::ApiError;
use super::cluster::{Cluster, key};
use super::kind::Kind;
use super::objects::{Container, ContainerState, ContainerStatus, EphemeralContainer, PodPhase};

/// The container `kubectl debug` adds and, if it has run its command, how that went.
pub struct Added {
    pub name: String,
    pub image: String,
    pub target: Option<String>,
    pub command: Vec<String>,
    pub log: Vec<String>,
    /// `None` while it runs (a shell waiting for a terminal).
    pub exit_code: Option<i32>,
}

/// Why the API refuses to add `name` to the pod, if it does: in the API server's words.
pub fn refusal(cluster: &Cluster, namespace: &str, pod: &str, name: &str, target: Option<&str>) -> Option<ApiError> {
    let Some(p) = cluster.pods().get(&key(namespace, pod)) else {
        return Some(ApiError::not_found(Kind::Pod, pod));
    };
    if matches!(p.status.phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Some(ApiError::Invalid(format!(
            "Pod \"{pod}\" is invalid: spec.ephemeralContainers: Forbidden: cannot add an ephemeral container to a pod that has completed"
        )));
    }
    let index = p.spec.ephemeral_containers.len();
    let taken = p
        .spec
        .containers
        .iter()
        .chain(&p.spec.init_containers)
        .chain(p.spec.ephemeral_containers.iter().map(|e| &e.container))
        .any(|c| c.name == name);
    if taken {
        return Some(ApiError::Invalid(format!(
            "Pod \"{pod}\" is invalid: spec.ephemeralContainers[{index}].name: Duplicate value: \"{name}\""
        )));
    }
    if let Some(t) = target
        && !p.spec.containers.iter().any(|c| c.name == t)
    {
        return Some(ApiError::Invalid(format!(
            "Pod \"{pod}\" is invalid: spec.ephemeralContainers[{index}].targetContainerName: Not found: \"{t}\""
        )));
    }
    None
}

/// Adds the container to the pod, with the status the kubelet gives it once started.
pub fn add(cluster: &mut Cluster, namespace: &str, pod: &str, added: Added) -> Result<(), ApiError> {
    if let Some(refused) = refusal(cluster, namespace, pod, &added.name, added.target.as_deref()) {
        return Err(refused);
    }
    let now = cluster.now;
    let state = match added.exit_code {
        None => ContainerState::Running { started_at: now },
        Some(code) => ContainerState::Terminated {
            reason: if code == 0 { "Completed" } else { "Error" }.to_owned(),
            exit_code: code,
            message: String::new(),
            started_at: now,
            finished_at: now,
        },
    };
    let status = ContainerStatus { state, log: added.log, ..ContainerStatus::new(&added.name, &added.image) };
    let container = Container { name: added.name, image: added.image, command: added.command, ..Container::default() };
    let Some(p) = cluster.pods_mut().get_mut(&key(namespace, pod)) else {
        return Err(ApiError::not_found(Kind::Pod, pod));
    };
    p.spec.ephemeral_containers.push(EphemeralContainer { container, target: added.target });
    p.status.ephemeral_statuses.push(status);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::change::Change;

    /// A cluster and one of its running pods in the shop namespace.
    fn cluster() -> (Cluster, String) {
        use crate::sim::change::Object;
        use crate::sim::controllers::test_support::{cluster_with, deployment, namespace, node, web_app};
        let mut c = cluster_with(
            vec![node("node-1")],
            &[("web:v1", web_app())],
            vec![namespace("shop"), Object::Deployment(deployment("shop", "web", "web:v1", 1))],
        );
        c.advance_seconds(60);
        let pod = c.pods().values().find(|p| p.meta.namespace == "shop").expect("a shop pod").meta.name.clone();
        (c, pod)
    }

    fn debug(pod: &str, name: &str, exit_code: Option<i32>) -> Change {
        Change::DebugContainer {
            namespace: "shop".into(),
            pod: pod.into(),
            name: name.into(),
            image: "busybox".into(),
            target: Some("web".into()),
            command: vec!["hostname".into()],
            log: vec![pod.into()],
            exit_code,
        }
    }

    #[test]
    fn a_debug_container_joins_the_pod_and_a_second_of_the_same_name_is_refused() {
        let (mut c, name) = cluster();
        c.apply(debug(&name, "debugger", Some(0)), "t").expect("added");
        let pod = &c.pods()[&key("shop", &name)];
        assert_eq!(pod.spec.ephemeral_containers[0].container.name, "debugger");
        assert_eq!(pod.spec.ephemeral_containers[0].target.as_deref(), Some("web"));
        let status = &pod.status.ephemeral_statuses[0];
        assert!(
            matches!(&status.state, ContainerState::Terminated { reason, exit_code: 0, .. } if reason == "Completed")
        );
        assert_eq!(status.log, std::slice::from_ref(&name));
        let again = c.apply(debug(&name, "debugger", None), "t").expect_err("a duplicate");
        assert_eq!(
            again.to_string(),
            format!(
                "Error from server (Invalid): Pod \"{name}\" is invalid: spec.ephemeralContainers[1].name: Duplicate value: \"debugger\""
            )
        );
        let named_like_the_app = c.apply(debug(&name, "web", None), "t").expect_err("the app's own name");
        assert!(named_like_the_app.to_string().contains("Duplicate value: \"web\""));
    }
}
