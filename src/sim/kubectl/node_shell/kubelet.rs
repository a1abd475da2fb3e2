//! The kubelet as systemd runs it: `systemctl`, `journalctl -u kubelet` and its config file.

use super::Shell;
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::describe::clock;
use crate::sim::objects::{ContainerState, KubeletState, Node, WaitingReason};

pub const FLAGS: &str = "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10";

/// The kubelet's process id on a node (stable per node).
pub fn pid(node: &Node) -> u32 {
    let h = node.meta.name.bytes().fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    700 + h % 800
}

/// When the kubelet last started: its latest `Starting` event, else the node's creation.
fn started_at(cluster: &Cluster, node: &Node) -> i64 {
    cluster
        .events
        .iter()
        .filter(|e| e.kind == "Node" && e.name == node.meta.name && e.reason == "Starting")
        .map(|e| e.last)
        .max()
        .unwrap_or(node.meta.created)
}

/// systemd's relative time: `4 weeks 2 days ago`, `2h 5min ago`, `3min 12s ago`.
pub fn ago(seconds: i64) -> String {
    let s = seconds.max(0);
    let (min, h, d) = (s / 60, s / 3600, s / 86_400);
    if s >= 2_629_744 {
        let months = s / 2_629_744;
        let days = (s - months * 2_629_744) / 86_400;
        return format!("{months} month{} {days} days ago", if months == 1 { "" } else { "s" });
    }
    if d >= 7 {
        let w = d / 7;
        let rem = d % 7;
        let weeks = format!("{w} week{}", if w == 1 { "" } else { "s" });
        return if rem == 0 {
            format!("{weeks} ago")
        } else {
            format!("{weeks} {rem} day{} ago", if rem == 1 { "" } else { "s" })
        };
    }
    if d >= 2 {
        return format!("{d} days ago");
    }
    if h >= 25 {
        return format!("1 day {}h ago", h - 24);
    }
    if h >= 6 {
        return format!("{h}h ago");
    }
    if h >= 1 {
        return format!("{h}h {}min ago", min % 60);
    }
    if min >= 5 {
        return format!("{min}min ago");
    }
    if min >= 1 {
        return format!("{min}min {}s ago", s % 60);
    }
    format!("{s}s ago")
}

/// When systemd last started a kubelet that keeps exiting (it retries every ten seconds).
fn last_attempt(node: &Node, now: i64) -> i64 {
    let first = node.kubelet_process.started.unwrap_or(now);
    now - (now - first).rem_euclid(crate::sim::kubelet_config::RESTART_SECONDS)
}

fn status(cluster: &Cluster, node: &Node) -> String {
    let pid = pid(node);
    let now = cluster.now;
    let head = "     Loaded: loaded (/usr/lib/systemd/system/kubelet.service; enabled; preset: enabled)\n    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf";
    match node.kubelet {
        KubeletState::Running => {
            let since = started_at(cluster, node);
            format!(
                "● kubelet.service - kubelet: The Kubernetes Node Agent\n{head}\n     Active: active (running) since {}; {}\n       Docs: https://kubernetes.io/docs/\n   Main PID: {pid} (kubelet)\n      Tasks: 14 (limit: 9387)\n     Memory: 61.4M (peak: 64.2M)\n        CPU: 3min 12.406s\n     CGroup: /system.slice/kubelet.service\n             └─{pid} /usr/bin/kubelet {FLAGS}",
                clock::systemd(since),
                ago(now - since)
            )
        }
        KubeletState::Failed => {
            let since = last_attempt(node, now);
            format!(
                "● kubelet.service - kubelet: The Kubernetes Node Agent\n{head}\n     Active: activating (auto-restart) (Result: exit-code) since {}; {}\n       Docs: https://kubernetes.io/docs/\n    Process: {pid} ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS (code=exited, status=1/FAILURE)\n   Main PID: {pid} (code=exited, status=1/FAILURE)\n        CPU: 84ms",
                clock::systemd(since),
                ago(now - since)
            )
        }
        KubeletState::Stopped => {
            let since = node.last_heartbeat;
            format!(
                "○ kubelet.service - kubelet: The Kubernetes Node Agent\n{head}\n     Active: inactive (dead) since {}; {}\n   Duration: 30d 2h 14min 9.120s\n       Docs: https://kubernetes.io/docs/\n    Process: {pid} ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS (code=killed, signal=TERM)\n   Main PID: {pid} (code=killed, signal=TERM)\n        CPU: 3min 12.406s\n\n{} {} systemd[1]: Stopping kubelet.service - kubelet: The Kubernetes Node Agent...\n{} {} systemd[1]: kubelet.service: Deactivated successfully.\n{} {} systemd[1]: Stopped kubelet.service - kubelet: The Kubernetes Node Agent.",
                clock::systemd(since),
                ago(now - since),
                clock::journal(since),
                node.meta.name,
                clock::journal(since),
                node.meta.name,
                clock::journal(since),
                node.meta.name,
            )
        }
    }
}

pub fn systemctl(cluster: &Cluster, node: &Node, args: &[&str]) -> Shell {
    let words: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    let running = node.kubelet == KubeletState::Running;
    let change = |on: bool| Change::Kubelet { node: node.meta.name.clone(), running: on };
    match words.as_slice() {
        ["daemon-reload"] => Shell::Out(String::new()),
        [verb, unit] => {
            let unit = unit.trim_end_matches(".service");
            if unit == "containerd" {
                return match *verb {
                    "status" | "is-active" => Shell::Out(if *verb == "status" {
                        "● containerd.service - containerd container runtime\n     Active: active (running)".to_owned()
                    } else {
                        "active".to_owned()
                    }),
                    _ => Shell::Out(String::new()),
                };
            }
            if unit != "kubelet" {
                return Shell::Fail(format!("Unit {unit}.service could not be found."), 4);
            }
            match *verb {
                "status" => Shell::Out(status(cluster, node)),
                "is-active" => Shell::Out(
                    match node.kubelet {
                        KubeletState::Running => "active",
                        KubeletState::Stopped => "inactive",
                        KubeletState::Failed => "activating",
                    }
                    .to_owned(),
                ),
                "is-enabled" => Shell::Out("enabled".to_owned()),
                "start" if running => Shell::Out(String::new()),
                "start" => Shell::Apply(vec![change(true)], String::new()),
                "restart" => Shell::Apply(vec![Change::RestartKubelet { node: node.meta.name.clone() }], String::new()),
                "stop" if running => Shell::Apply(vec![change(false)], String::new()),
                "stop" | "enable" | "disable" | "reload" => Shell::Out(String::new()),
                other => Shell::Fail(format!("Unknown command verb '{other}'."), 1),
            }
        }
        _ => Shell::Fail("Too few arguments.".to_owned(), 1),
    }
}

pub fn journalctl(cluster: &Cluster, node: &Node, args: &[&str]) -> Shell {
    if args.contains(&"-f") || args.contains(&"--follow") {
        return Shell::Fail(
            "journalctl: --follow is not supported in this console; run it again to see new lines".to_owned(),
            1,
        );
    }
    let mut unit = None;
    let mut lines_wanted: Option<usize> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-u" | "--unit" => unit = it.next().copied(),
            "-n" | "--lines" => lines_wanted = it.next().and_then(|n| n.parse().ok()),
            other => {
                if let Some(u) =
                    other.strip_prefix("--unit=").or_else(|| other.strip_prefix("-u")).filter(|u| !u.is_empty())
                {
                    unit = Some(u);
                } else if let Some(n) = other.strip_prefix("--lines=").or_else(|| other.strip_prefix("-n")) {
                    lines_wanted = n.parse().ok();
                }
            }
        }
    }
    let Some(unit) = unit.map(|u| u.trim_end_matches(".service")) else {
        return Shell::Fail(
            "journalctl: this console keeps the journal per unit; try: journalctl -u kubelet".to_owned(),
            1,
        );
    };
    if unit != "kubelet" {
        return Shell::Out("-- No entries --".to_owned());
    }
    let host = &node.meta.name;
    let pid = pid(node);
    let start = started_at(cluster, node);
    let k = |t: i64, level: char, src: &str, msg: &str| {
        format!("{} {host} kubelet[{pid}]: {} {pid:>7} {src}] {msg}", clock::journal(t), clock::klog(level, t))
    };
    let mut out = vec![
        format!(
            "{} {host} systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.",
            clock::journal(start)
        ),
        k(start, 'I', "server.go:486", &format!("\"Kubelet version\" kubeletVersion=\"{}\"", node.kubelet_version)),
        k(start + 1, 'I', "kubelet_node_status.go:72", &format!("\"Attempting to register node\" node=\"{host}\"")),
        k(start + 1, 'I', "kubelet_node_status.go:75", &format!("\"Successfully registered node\" node=\"{host}\"")),
    ];
    let api_server = crate::sim::control_plane::server_version(cluster);
    if crate::sim::control_plane::kubelet_skew(&node.kubelet_version, &api_server)
        == crate::sim::control_plane::Skew::NewerThanApiServer
    {
        out.push(k(
            cluster.now,
            'E',
            "kubelet_node_status.go:95",
            &format!(
                "\"Unable to register node with API server\" err=\"nodes \\\"{host}\\\" is forbidden: kubelet version {} is newer than the API server version {api_server}\" node=\"{host}\"",
                node.kubelet_version
            ),
        ));
    }
    let until = if node.kubelet == KubeletState::Running { cluster.now } else { node.last_heartbeat };
    let mut pods: Vec<_> =
        cluster.pods().values().filter(|p| p.status.node.as_deref() == Some(host.as_str())).collect();
    pods.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    for p in pods {
        for s in &p.status.containers {
            if let ContainerState::Waiting { reason, message } = &s.state
                && matches!(
                    reason,
                    WaitingReason::CrashLoopBackOff
                        | WaitingReason::ImagePullBackOff
                        | WaitingReason::ErrImagePull
                        | WaitingReason::CreateContainerConfigError
                )
            {
                {
                    let detail = if message.is_empty() { reason.to_string() } else { message.clone() };
                    out.push(k(
                        until,
                        'E',
                        "pod_workers.go:1301",
                        &format!(
                            "\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"{}\\\" with {reason}: \\\"{detail}\\\"\" pod=\"{}/{}\"",
                            s.name, p.meta.namespace, p.meta.name
                        ),
                    ));
                }
            }
        }
    }
    if node.condition("DiskPressure").is_some_and(|c| c.status == "True") {
        out.push(k(
            until,
            'W',
            "eviction_manager.go:366",
            "\"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"",
        ));
        out.push(k(
            until,
            'I',
            "eviction_manager.go:377",
            "\"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"ephemeral-storage\"",
        ));
    }
    if node.kubelet == KubeletState::Running && !crate::sim::api_server::answers(cluster) {
        // Every call the kubelet makes to the API server is refused.
        let server = crate::sim::kubectl::config::api_server(cluster);
        let address = server.trim_start_matches("https://");
        let refused = format!("dial tcp {address}: connect: connection refused");
        out.push(k(
            cluster.now - 3,
            'E',
            "controller.go:145",
            &format!(
                "\"Failed to ensure lease exists, will retry\" err=\"Get \\\"{server}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{host}?timeout=10s\\\": {refused}\" interval=\"7s\""
            ),
        ));
        out.push(k(
            cluster.now,
            'E',
            "kubelet_node_status.go:535",
            &format!(
                "\"Error updating node status, will retry\" err=\"error getting node \\\"{host}\\\": Get \\\"{server}/api/v1/nodes/{host}?timeout=10s\\\": {refused}\""
            ),
        ));
    }
    if node.kubelet == KubeletState::Stopped {
        let t = node.last_heartbeat;
        out.push(format!(
            "{} {host} systemd[1]: Stopping kubelet.service - kubelet: The Kubernetes Node Agent...",
            clock::journal(t)
        ));
        out.push(format!("{} {host} systemd[1]: kubelet.service: Deactivated successfully.", clock::journal(t)));
        out.push(format!(
            "{} {host} systemd[1]: Stopped kubelet.service - kubelet: The Kubernetes Node Agent.",
            clock::journal(t)
        ));
    }
    if node.kubelet == KubeletState::Failed {
        let first = node.kubelet_process.started.unwrap_or(cluster.now);
        let last = last_attempt(node, cluster.now);
        let step = crate::sim::kubelet_config::RESTART_SECONDS;
        let error = node.kubelet_process.error.as_deref().unwrap_or_default().replace('"', "\\\"");
        let mut t = first.max(last - 4 * step);
        while t <= last {
            let restarts = (t - first) / step;
            if restarts > 0 {
                out.push(format!(
                    "{} {host} systemd[1]: kubelet.service: Scheduled restart job, restart counter is at {restarts}.",
                    clock::journal(t)
                ));
            }
            out.push(format!(
                "{} {host} systemd[1]: Started kubelet.service - kubelet: The Kubernetes Node Agent.",
                clock::journal(t)
            ));
            out.push(k(t, 'E', "run.go:72", &format!("\"command failed\" err=\"{error}\"")));
            out.push(format!(
                "{} {host} systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE",
                clock::journal(t)
            ));
            out.push(format!(
                "{} {host} systemd[1]: kubelet.service: Failed with result 'exit-code'.",
                clock::journal(t)
            ));
            t += step;
        }
    }
    let keep = lines_wanted.unwrap_or(50);
    let skip = out.len().saturating_sub(keep);
    Shell::Out(out[skip..].join("\n"))
}
