//! `kubectl debug POD --image=IMG [--target=CONTAINER] [-- CMD]` and `kubectl debug node/NAME
//! --image=IMG [-- CMD]`, modelled as small as stays honest. A pod's debug container is an
//! ephemeral container: the kubelet's events for it (pulled, created, started) are its trace in
//! `describe pod` and `events`, and its command runs once in the pod (its network, the target's
//! processes and environment) the way `exec` runs one. A node's debug pod runs on the node with
//! the host's filesystem at `/host`: its command runs as the node shell (`ssh NODE -- CMD`) runs
//! it, `chroot /host` included; the pod itself is not kept, as the simulated registry has no
//! debug images to run it from. This console has no terminal, so `-it` without a command says so.

use super::exec::{Ctx, Exit, run_argv};
use super::logs::resolve_pod;
use super::{Args, Done, FlagSpec, KubectlError, flag, mutate, node_shell};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::objects::{ContainerState, PodPhase};

pub(super) const FLAGS: &[FlagSpec] = &[
    flag::IMAGE,
    flag::TARGET,
    flag::CONTAINER,
    flag::STDIN,
    flag::TTY,
    flag::ATTACH,
    flag::QUIET,
    flag::PROFILE,
    flag::IMAGE_PULL_POLICY,
    flag::ENV,
];

const NO_TERMINAL: &str = "error: this console has no terminal to attach; give the command to run after --, e.g. kubectl debug -it POD --image=busybox --target=CONTAINER -- ps";

/// Runs `kubectl debug`.
pub fn run(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, FLAGS)?;
    let Some(target) = args.positional.first().cloned() else {
        return Err(KubectlError::msg(
            "error: NAME is required for debug\nSee 'kubectl debug -h' for help and examples",
        ));
    };
    if let Some(profile) = args.value(flag::PROFILE)
        && !matches!(profile, "legacy" | "general" | "baseline" | "netadmin" | "restricted" | "sysadmin")
    {
        return Err(KubectlError::msg(format!("error: unknown profile: {profile}")));
    }
    let Some(image) = args.value(flag::IMAGE).filter(|i| !i.is_empty()).map(str::to_owned) else {
        return Err(KubectlError::msg("error: --image is required for ephemeral containers and node debugging"));
    };
    match target.split_once('/') {
        Some(("node" | "nodes" | "no", node)) => debug_node(cluster, node, &args),
        _ => debug_pod(cluster, &target, &image, &args),
    }
}

fn debug_pod(cluster: &mut Cluster, target: &str, image: &str, args: &Args) -> Result<Done, KubectlError> {
    let ns = args.namespace().to_owned();
    let (pod, _) = resolve_pod(cluster, &ns, target)?;
    let pod = pod.clone();
    if matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Err(KubectlError::msg(format!(
            "error: cannot debug a container in a completed pod; current phase is {}",
            pod.status.phase.as_str()
        )));
    }
    let target_container = match args.value(flag::TARGET) {
        None => None,
        Some(name) => Some(pod.spec.containers.iter().find(|c| c.name == name).cloned().ok_or_else(|| {
            KubectlError::Api(ApiError::Invalid(format!(
                "Pod \"{}\" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: \"{name}\"",
                pod.meta.name
            )))
        })?),
    };
    let mut out = Vec::new();
    if let Some(c) = &target_container {
        out.push(format!(
            "Targeting container \"{}\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.",
            c.name
        ));
    }
    let name = if let Some(name) = args.value(flag::CONTAINER) {
        name.to_owned()
    } else {
        let name = format!("debugger-{}", cluster.name_suffix(5));
        out.push(format!("Defaulting debug container name to {name}."));
        name
    };
    // The kubelet's account of the ephemeral container: its trace in describe and events.
    let source = format!("kubelet, {}", pod.status.node.as_deref().unwrap_or_default());
    for (reason, message) in [
        ("Pulled", format!("Container image \"{image}\" already present on machine")),
        ("Created", format!("Created container {name}")),
        ("Started", format!("Started container {name}")),
    ] {
        cluster.record(&ns, "Pod", &pod.meta.name, false, reason, &message, &source);
    }
    let attach = args.switch(flag::STDIN) || args.switch(flag::ATTACH);
    if args.after_dashdash.is_empty() {
        if attach {
            out.push(NO_TERMINAL.to_owned());
            return Ok(Done { output: out.join("\n"), changed: false, failed: true });
        }
        return Ok(Done { output: out.join("\n"), changed: false, failed: false });
    }
    let running = pod.status.containers.iter().any(|s| matches!(s.state, ContainerState::Running { .. }));
    let ctx = Ctx {
        cluster: &*cluster,
        namespace: &pod.meta.namespace,
        pod: Some(&pod),
        container: target_container.as_ref().filter(|_| running),
    };
    let failed = match run_argv(&ctx, &args.after_dashdash) {
        Exit::Ok(text) => {
            out.extend((!text.is_empty()).then_some(text));
            false
        }
        Exit::Fail(text, _) => {
            out.extend((!text.is_empty()).then_some(text));
            true
        }
        Exit::NotFound(exe) => {
            out.push(format!("exec: \"{exe}\": executable file not found in $PATH"));
            true
        }
    };
    Ok(Done { output: out.join("\n"), changed: false, failed })
}

fn debug_node(cluster: &mut Cluster, node: &str, args: &Args) -> Result<Done, KubectlError> {
    if !cluster.nodes().contains_key(node) {
        return Err(ApiError::NotFound { kind: "nodes".to_owned(), name: node.to_owned() }.into());
    }
    let pod = format!("node-debugger-{node}-{}", cluster.name_suffix(5));
    let mut out = vec![format!("Creating debugging pod {pod} with container debugger on node {node}.")];
    let mut argv: Vec<String> = args.after_dashdash.clone();
    // The host's filesystem is at /host; `chroot /host` gives the node's own shell.
    if argv.first().is_some_and(|w| w == "chroot") && argv.get(1).is_some_and(|w| w == "/host") {
        argv.drain(..2);
    }
    if argv.is_empty() {
        out.push(NO_TERMINAL.replace(
            "POD --image=busybox --target=CONTAINER -- ps",
            "node/NODE --image=busybox -- chroot /host journalctl -u kubelet",
        ));
        return Ok(Done { output: out.join("\n"), changed: false, failed: true });
    }
    let mut words = vec![node.to_owned(), "--".to_owned()];
    words.extend(argv);
    let planned = match node_shell::plan(cluster, &words) {
        Ok(planned) => planned,
        Err(e) => {
            out.push(e.to_string());
            return Ok(Done { output: out.join("\n"), changed: false, failed: true });
        }
    };
    let changed = !planned.changes.is_empty();
    for change in planned.changes {
        cluster.apply(change, mutate::ACTOR)?;
    }
    out.extend((!planned.output.is_empty()).then_some(planned.output));
    Ok(Done { output: out.join("\n"), changed, failed: false })
}

#[cfg(test)]
mod tests {
    use crate::sim::cluster::Cluster;
    use crate::sim::kubectl;
    use crate::sim::kubectl::describe::fixture::cluster;

    const HEALTHY: &str = "web-6d4cf56db6-4xk2p";

    fn run(c: &mut Cluster, line: &str) -> String {
        kubectl::run(c, line).output
    }

    #[test]
    fn debugging_a_pod_adds_an_ephemeral_container_and_runs_its_command() {
        let mut c = cluster();
        let out = run(&mut c, &format!("kubectl debug -it {HEALTHY} --image=busybox --target=web -- hostname"));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "Targeting container \"web\". If you don't see processes from this container it may be because the container runtime doesn't support this feature."
        );
        assert!(lines[1].starts_with("Defaulting debug container name to debugger-"), "{out}");
        // The debug container shares the pod's network and so its hostname.
        assert_eq!(lines[2], HEALTHY);
        let name = lines[1].trim_start_matches("Defaulting debug container name to ").trim_end_matches('.');
        let events = c.events_for("default", "Pod", HEALTHY);
        assert!(events.iter().any(|e| e.reason == "Started" && e.message == format!("Started container {name}")));
        // The trace shows where players look for it.
        assert!(run(&mut c, &format!("describe pod {HEALTHY}")).contains(&format!("Started container {name}")));
    }

    #[test]
    fn debug_refusals_are_kubectls_or_say_what_is_missing() {
        let mut c = cluster();
        assert_eq!(
            run(&mut c, &format!("debug {HEALTHY} --image=busybox --target=nope -- ps")),
            format!(
                "Error from server (Invalid): Pod \"{HEALTHY}\" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\""
            )
        );
        assert_eq!(
            run(&mut c, "debug nope --image=busybox -- ps"),
            "Error from server (NotFound): pods \"nope\" not found"
        );
        assert!(run(&mut c, &format!("debug -it {HEALTHY} --image=busybox")).ends_with(super::NO_TERMINAL));
        assert_eq!(
            run(&mut c, "debug node/nowhere --image=busybox -- df -h"),
            "Error from server (NotFound): nodes \"nowhere\" not found"
        );
    }

    #[test]
    fn debugging_a_node_runs_the_command_as_the_node_shell() {
        let mut c = cluster();
        let node = c.nodes().keys().next().cloned().expect("a node");
        let out =
            run(&mut c, &format!("debug node/{node} -it --image=busybox -- chroot /host systemctl status kubelet"));
        let shell = kubectl::run(&mut c, &format!("ssh {node} -- systemctl status kubelet")).output;
        let mut lines = out.lines();
        assert!(lines.next().is_some_and(|l| l.starts_with(&format!("Creating debugging pod node-debugger-{node}-"))));
        assert_eq!(lines.collect::<Vec<_>>().join("\n"), shell);
    }
}
