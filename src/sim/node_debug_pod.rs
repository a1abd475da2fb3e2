//! The pod `kubectl debug node/NODE` creates, the API side of it: `node-debugger-NODE-xxxxx`,
//! pinned to the node (`spec.nodeName`, so the scheduler never places it), in the node's
//! network, PID and IPC namespaces, with the host's filesystem mounted at `/host`, tolerating
//! every taint and never restarted. A pod given a command has run it by the time the console
//! shows anything (the console runs it as the node's shell would), so it arrives finished, with
//! its output as the container's log; without one it is a shell waiting for its terminal.

use super::change::{ApiError, Object};
use super::cluster::{Cluster, key};
use super::kind::Kind;
use super::objects::{
    Container, ContainerState, Meta, Pod, PodPhase, PodSpec, PodStatus, RestartPolicy, Toleration, Volume, VolumeMount,
    VolumeSource,
};

/// The container kubectl names in every node debugging pod.
pub const CONTAINER: &str = "debugger";
/// The host's root filesystem volume and where the container sees it.
pub const HOST_ROOT: &str = "host-root";
pub const HOST_MOUNT: &str = "/host";

/// What the debugger container did: its command, output and exit code (`None` while it runs).
pub struct Run {
    pub command: Vec<String>,
    pub log: Vec<String>,
    pub exit_code: Option<i32>,
}

/// The pod kubectl sends for debugging `node` (`generateNodeDebugPod`).
pub fn manifest(namespace: &str, node: &str, name: &str, image: &str, command: &[String]) -> Pod {
    let mut meta = Meta::new(name, namespace);
    meta.labels.insert("app.kubernetes.io/managed-by".to_owned(), "kubectl-debug".to_owned());
    let container = Container {
        name: CONTAINER.to_owned(),
        image: image.to_owned(),
        command: command.to_vec(),
        volume_mounts: vec![VolumeMount { name: HOST_ROOT.to_owned(), mount_path: HOST_MOUNT.to_owned() }],
        ..Container::default()
    };
    let everything = Toleration { key: None, value: None, effect: None, seconds: None };
    Pod {
        meta,
        spec: PodSpec {
            containers: vec![container],
            node_name: Some(node.to_owned()),
            tolerations: vec![everything],
            volumes: vec![Volume { name: HOST_ROOT.to_owned(), source: VolumeSource::HostPath("/".to_owned()) }],
            restart_policy: RestartPolicy::Never,
            service_account: "default".to_owned(),
            host_network: true,
            host_pid: true,
            host_ipc: true,
            ..PodSpec::default()
        },
        status: PodStatus::default(),
    }
}

/// Creates the debugging pod through the API's admission and has the node's kubelet start it
/// at once: it has the node's address, and it is running or already finished with `run`'s end.
pub fn create(
    cluster: &mut Cluster,
    namespace: &str,
    node: &str,
    name: &str,
    image: &str,
    run: Run,
) -> Result<(), ApiError> {
    let Some(node_ip) = cluster.nodes().get(node).map(|n| n.internal_ip.clone()) else {
        return Err(ApiError::not_found(Kind::Node, node));
    };
    cluster.apply_create(Object::Pod(manifest(namespace, node, name, image, &run.command)))?;
    let now = cluster.now;
    let Some(pod) = cluster.pods_mut().get_mut(&key(namespace, name)) else {
        return Err(ApiError::not_found(Kind::Pod, name));
    };
    pod.status.node = Some(node.to_owned());
    pod.status.pod_ip = Some(node_ip.clone());
    pod.status.host_ip = Some(node_ip);
    pod.status.scheduled_at = Some(now);
    pod.status.started_at = Some(now);
    let (phase, state) = match run.exit_code {
        None => (PodPhase::Running, ContainerState::Running { started_at: now }),
        Some(code) => (
            if code == 0 { PodPhase::Succeeded } else { PodPhase::Failed },
            ContainerState::Terminated {
                reason: if code == 0 { "Completed" } else { "Error" }.to_owned(),
                exit_code: code,
                message: String::new(),
                started_at: now,
                finished_at: now,
            },
        ),
    };
    pod.status.phase = phase;
    if let Some(status) = pod.status.containers.first_mut() {
        status.ready = run.exit_code.is_none();
        status.state = state;
        status.log = run.log;
    }
    let source = format!("kubelet, {node}");
    for (reason, message) in [
        ("Pulled", format!("Container image \"{image}\" already present on machine")),
        ("Created", format!("Created container {CONTAINER}")),
        ("Started", format!("Started container {CONTAINER}")),
    ] {
        cluster.record(namespace, "Pod", name, false, reason, &message, &source);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::change::Change;

    /// A one-node cluster (the sim layer builds its own; it may not use scenarios).
    fn cluster() -> (Cluster, String) {
        use crate::sim::controllers::test_support::{cluster_with, node};
        let mut c = cluster_with(vec![node("node-1")], &[], Vec::new());
        c.advance_seconds(20);
        let node = c.nodes().keys().next().cloned().expect("a node");
        (c, node)
    }

    fn debug(node: &str, pod: &str, exit_code: Option<i32>) -> Change {
        Change::DebugNode {
            namespace: "default".into(),
            node: node.into(),
            pod: pod.into(),
            image: "busybox".into(),
            command: if exit_code.is_some() { vec!["hostname".into()] } else { Vec::new() },
            log: if exit_code.is_some() { vec![node.into()] } else { Vec::new() },
            exit_code,
        }
    }

    #[test]
    fn the_debug_pod_is_pinned_to_the_node_in_its_namespaces_with_the_host_at_slash_host() {
        let (mut c, node) = cluster();
        c.apply(debug(&node, "node-debugger-x", Some(0)), "t").expect("created");
        let pod = &c.pods()[&key("default", "node-debugger-x")];
        assert_eq!(pod.spec.node_name.as_deref(), Some(node.as_str()));
        assert!(pod.spec.host_network && pod.spec.host_pid && pod.spec.host_ipc);
        assert_eq!(pod.spec.restart_policy, RestartPolicy::Never);
        assert_eq!(pod.spec.volumes[0].source, VolumeSource::HostPath("/".into()));
        assert_eq!(pod.spec.containers[0].volume_mounts[0].mount_path, "/host");
        assert_eq!(pod.status.phase, PodPhase::Succeeded);
        assert_eq!(pod.status.pod_ip, Some(c.nodes()[&node].internal_ip.clone()));
        assert_eq!(pod.status.containers[0].log, vec![node.clone()]);
        let again = c.apply(debug(&node, "node-debugger-x", None), "t").expect_err("the name is taken");
        assert_eq!(again.to_string(), "Error from server (AlreadyExists): pods \"node-debugger-x\" already exists");
    }

    #[test]
    fn a_failed_command_fails_the_pod_and_a_shell_keeps_running_through_the_controllers() {
        let (mut c, node) = cluster();
        let mut failing = debug(&node, "node-debugger-f", Some(2));
        if let Change::DebugNode { log, .. } = &mut failing {
            *log = vec!["ls: /nope: No such file or directory".into()];
        }
        c.apply(failing, "t").expect("created");
        c.apply(debug(&node, "node-debugger-r", None), "t").expect("created");
        c.advance_seconds(120);
        let failed = &c.pods()[&key("default", "node-debugger-f")];
        assert_eq!(failed.status.phase, PodPhase::Failed);
        assert!(matches!(failed.status.containers[0].state, ContainerState::Terminated { exit_code: 2, .. }));
        let shell = &c.pods()[&key("default", "node-debugger-r")];
        assert_eq!(shell.status.phase, PodPhase::Running);
        assert_eq!(shell.status.node.as_deref(), Some(node.as_str()));
        assert_eq!(shell.status.containers[0].restart_count, 0);
        let missing = c.apply(debug("nowhere", "node-debugger-n", None), "t").expect_err("no such node");
        assert_eq!(missing.to_string(), "Error from server (NotFound): nodes \"nowhere\" not found");
    }
}
