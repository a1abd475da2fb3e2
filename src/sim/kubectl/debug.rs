//! `kubectl debug POD --image=IMG [--target=CONTAINER] [--container=NAME] [-- CMD]` and `kubectl
//! debug node/NAME --image=IMG [-- CMD]`. A pod's debug container is a real ephemeral container
//! (`sim::debug_container`): named `debugger-xxxxx` from the cluster's seeded name source unless
//! `--container` names it, refused by the API when the name is taken, shown in `-o yaml`,
//! `describe pod` and `logs -c`. Its command runs once in the pod (its network, the target's
//! processes and environment) the way `exec` runs one, and the change carries what it printed
//! and how it ended. A node's debug pod is a real pod (`sim::node_debug_pod`),
//! `node-debugger-NODE-xxxxx` in the current namespace, with the host's filesystem at `/host`:
//! its command runs as the node shell (`ssh NODE -- CMD`) runs it, `chroot /host` included, and
//! ends the pod Succeeded or Failed with the output as its log; attached (`-i`), the output is
//! shown too. This console has no terminal, so `-it` without a command says so.

use super::exec::{Ctx, Exit, run_argv};
use super::logs::resolve_pod;
use super::{Args, Done, FlagSpec, KubectlError, flag, mutate, node_shell};
use crate::sim::change::{ApiError, Change};
use crate::sim::cluster::Cluster;
use crate::sim::debug_container;
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
        Some(("node" | "nodes" | "no", node)) => debug_node(cluster, node, &image, &args),
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
    let target_name = args.value(flag::TARGET);
    let mut out = Vec::new();
    let name = if let Some(name) = args.value(flag::CONTAINER) {
        name.to_owned()
    } else {
        let name = format!("debugger-{}", cluster.name_suffix(5));
        out.push(format!("Defaulting debug container name to {name}."));
        name
    };
    // The API's answer comes before anything runs: a taken name or a missing target is refused.
    if let Some(refused) = debug_container::refusal(cluster, &ns, &pod.meta.name, &name, target_name) {
        return Err(refused.into());
    }
    let target_container = target_name.and_then(|t| pod.spec.containers.iter().find(|c| c.name == t)).cloned();
    if let Some(c) = &target_container {
        out.insert(
            0,
            format!(
                "Targeting container \"{}\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.",
                c.name
            ),
        );
    }
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
    // What the container did: its command's output and exit code, or a shell still waiting for
    // the terminal this console does not have. The image's own shell exits at once without stdin.
    let (log, exit_code, failed) = if args.after_dashdash.is_empty() {
        if attach { (Vec::new(), None, true) } else { (Vec::new(), Some(0), false) }
    } else {
        let running = pod.status.containers.iter().any(|s| matches!(s.state, ContainerState::Running { .. }));
        let ctx = Ctx {
            cluster: &*cluster,
            namespace: &pod.meta.namespace,
            pod: Some(&pod),
            container: target_container.as_ref().filter(|_| running),
        };
        match run_argv(&ctx, &args.after_dashdash) {
            Exit::Ok(text) => (lines(&text), Some(0), false),
            Exit::Fail(text, code) => (lines(&text), Some(code), true),
            Exit::NotFound(exe) => {
                (vec![format!("exec: \"{exe}\": executable file not found in $PATH")], Some(128), true)
            }
        }
    };
    let change = Change::DebugContainer {
        namespace: ns.clone(),
        pod: pod.meta.name.clone(),
        name,
        image: image.to_owned(),
        target: target_container.map(|c| c.name),
        command: args.after_dashdash.clone(),
        log: log.clone(),
        exit_code,
    };
    cluster.apply(change, mutate::ACTOR)?;
    // Attached, the command's output is what the terminal shows.
    if attach || !args.after_dashdash.is_empty() {
        out.extend(log);
    }
    if attach && exit_code.is_none() {
        out.push(NO_TERMINAL.to_owned());
    }
    Ok(Done { output: out.join("\n"), changed: true, failed })
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn debug_node(cluster: &mut Cluster, node: &str, image: &str, args: &Args) -> Result<Done, KubectlError> {
    let Some(host) = cluster.nodes().get(node).cloned() else {
        return Err(ApiError::NotFound { kind: "nodes".to_owned(), name: node.to_owned() }.into());
    };
    let ns = args.namespace().to_owned();
    let pod = format!("node-debugger-{node}-{}", cluster.name_suffix(5));
    let mut out = vec![format!("Creating debugging pod {pod} with container debugger on node {node}.")];
    let attach = args.switch(flag::STDIN) || args.switch(flag::ATTACH);
    // The host's filesystem is at /host; `chroot /host` gives the node's own shell.
    let mut argv: Vec<String> = args.after_dashdash.clone();
    if argv.first().is_some_and(|w| w == "chroot") && argv.get(1).is_some_and(|w| w == "/host") {
        argv.drain(..2);
    }
    if argv.first().is_some_and(|w| w == "sudo") {
        argv.remove(0);
    }
    // What the debugger did: the command's run on the node, or a shell still waiting for the
    // terminal this console does not have (attached) or ended at once without stdin.
    let (shell_changes, log, exit_code) = if args.after_dashdash.is_empty() {
        (Vec::new(), Vec::new(), if attach { None } else { Some(0) })
    } else if argv.is_empty() {
        // `chroot /host` alone: a shell with no stdin exits at once.
        (Vec::new(), Vec::new(), Some(0))
    } else {
        match node_shell::execute(cluster, &host, &argv) {
            node_shell::Shell::Out(text) => (Vec::new(), lines(&text), Some(0)),
            node_shell::Shell::Fail(text, code) => (Vec::new(), lines(&text), Some(code)),
            node_shell::Shell::Apply(changes, text) => (changes, lines(&text), Some(0)),
        }
    };
    let change = Change::DebugNode {
        namespace: ns,
        node: node.to_owned(),
        pod,
        image: image.to_owned(),
        command: args.after_dashdash.clone(),
        log: log.clone(),
        exit_code,
    };
    cluster.apply(change, mutate::ACTOR)?;
    // The command's own effects on the node (restarting the kubelet, editing a file) follow.
    for change in shell_changes {
        cluster.apply(change, mutate::ACTOR)?;
    }
    if attach {
        out.extend(log);
        if exit_code.is_none() {
            out.push(NO_TERMINAL.replace(
                "POD --image=busybox --target=CONTAINER -- ps",
                "node/NODE --image=busybox -- chroot /host journalctl -u kubelet",
            ));
        }
    }
    Ok(Done { output: out.join("\n"), changed: true, failed: exit_code.is_none_or(|c| c != 0) })
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
    fn the_ephemeral_container_shows_in_yaml_describe_and_logs_and_its_name_is_taken_once() {
        let mut c = cluster();
        let out =
            run(&mut c, &format!("debug {HEALTHY} --image=busybox:1.36 --container=dbg --target=web -- hostname"));
        assert_eq!(
            out,
            format!(
                "Targeting container \"web\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n{HEALTHY}"
            )
        );
        let yaml = run(&mut c, &format!("get pod {HEALTHY} -o yaml"));
        let spec = "  ephemeralContainers:\n  - command:\n    - hostname\n    image: busybox:1.36\n    imagePullPolicy: IfNotPresent\n    name: dbg\n    resources: {}\n    targetContainerName: web\n    terminationMessagePath: /dev/termination-log\n    terminationMessagePolicy: File\n";
        assert!(yaml.contains(spec), "{yaml}");
        assert!(yaml.contains("  ephemeralContainerStatuses:\n  - image: busybox:1.36\n"), "{yaml}");
        assert!(yaml.contains("        reason: Completed\n"), "{yaml}");
        assert_eq!(run(&mut c, &format!("get pod {HEALTHY} -o jsonpath={{.spec.ephemeralContainers[*].name}}")), "dbg");
        let described = run(&mut c, &format!("describe pod {HEALTHY}"));
        let section = described.split("Ephemeral Containers:\n").nth(1).and_then(|s| s.split("Conditions:").next());
        assert_eq!(
            section,
            Some(
                // A Command block breaks the tab writer's columns, as in real kubectl.
                "  dbg:\n    Image:      busybox:1.36\n    Port:       <none>\n    Host Port:  <none>\n    Command:\n      hostname\n    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n      Started:      Sun, 22 Nov 2026 09:10:00 +0000\n      Finished:     Sun, 22 Nov 2026 09:10:00 +0000\n    Ready:          False\n    Restart Count:  0\n    Environment:    <none>\n    Mounts:         <none>\n"
            ),
            "{described}"
        );
        assert_eq!(run(&mut c, &format!("logs {HEALTHY} -c dbg")), HEALTHY);
        assert_eq!(
            run(&mut c, &format!("debug {HEALTHY} --image=busybox --container=dbg -- ps")),
            format!(
                "Error from server (Invalid): Pod \"{HEALTHY}\" is invalid: spec.ephemeralContainers[1].name: Duplicate value: \"dbg\""
            )
        );
        // Without a command or a terminal, busybox's shell exits at once.
        let quiet = run(&mut c, &format!("debug {HEALTHY} --image=busybox"));
        let name = quiet.trim_start_matches("Defaulting debug container name to ").trim_end_matches('.');
        assert!(name.starts_with("debugger-") && name.len() == "debugger-".len() + 5, "{quiet}");
        assert_eq!(
            run(&mut c, &format!("get pod {HEALTHY} -o jsonpath={{.spec.ephemeralContainers[1].imagePullPolicy}}")),
            "Always"
        );
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

    #[test]
    fn a_node_debug_pod_is_created_and_unattached_keeps_its_output_in_the_log() {
        let mut c = cluster();
        let node = c.nodes().keys().next().cloned().expect("a node");
        let out =
            run(&mut c, &format!("debug node/{node} --image=busybox -- chroot /host systemctl is-active kubelet"));
        let pod = out
            .strip_prefix("Creating debugging pod ")
            .and_then(|rest| rest.strip_suffix(&format!(" with container debugger on node {node}.")))
            .expect("one line naming the pod")
            .to_owned();
        assert!(pod.starts_with(&format!("node-debugger-{node}-")), "{out}");
        assert_eq!(run(&mut c, &format!("logs {pod}")), "active");
        assert_eq!(run(&mut c, &format!("get pod {pod} -o jsonpath={{.status.phase}}")), "Succeeded");
        let yaml = run(&mut c, &format!("get pod {pod} -o yaml"));
        for field in [
            "  hostIPC: true\n  hostNetwork: true\n  hostPID: true\n",
            "  restartPolicy: Never\n",
            "  tolerations:\n  - operator: Exists\n",
            "  - hostPath:\n      path: /\n      type: \"\"\n    name: host-root\n",
            format!("  nodeName: {node}\n").as_str(),
        ] {
            assert!(yaml.contains(field), "{field}\n--\n{yaml}");
        }
        assert_eq!(run(&mut c, &format!("get pod {pod} -o jsonpath={{.spec.hostNetwork}}")), "true");
    }

    #[test]
    fn a_failing_node_command_fails_the_pod_with_its_exit_code() {
        let mut c = cluster();
        let node = c.nodes().keys().next().cloned().expect("a node");
        let done = kubectl::run(&mut c, &format!("debug node/{node} -i --image=busybox -- ls /nope"));
        assert!(!done.ok);
        let pod = done.output.lines().next().and_then(|l| l.split(' ').nth(3)).expect("the pod's name").to_owned();
        assert_eq!(
            run(
                &mut c,
                &format!("get pod {pod} -o jsonpath={{.status.containerStatuses[0].state.terminated.exitCode}}")
            ),
            "2"
        );
        assert_eq!(run(&mut c, &format!("get pod {pod} -o jsonpath={{.status.phase}}")), "Failed");
    }
}
