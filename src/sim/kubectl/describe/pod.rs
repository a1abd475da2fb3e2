//! `describe pod`, and the container, volume and toleration sections that pod templates share.

use std::fmt::Write as _;

use super::{W, clock, cpu, mem};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::table;
use crate::sim::objects::{
    Container, ContainerState, ContainerStatus, Pod, PodPhase, PodTemplate, Probe, ResourceList, Toleration, Volume,
    VolumeSource,
};

pub fn describe(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(pod) = cluster.pods().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", pod.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    if pod.meta.owner.as_ref().is_some_and(|o| o.kind == crate::sim::objects::OwnerKind::Node) {
        // Static pods are kubeadm's `system-node-critical` ones.
        w.line(0, "Priority:\t2000001000");
        w.line(0, "Priority Class Name:\tsystem-node-critical");
    } else {
        w.line(0, "Priority:\t0");
    }
    w.line(0, &format!("Service Account:\t{}", pod.spec.service_account));
    match pod.spec.node_name.as_ref().or(pod.status.node.as_ref()) {
        None => w.line(0, "Node:\t<none>"),
        Some(n) => {
            let ip = pod
                .status
                .host_ip
                .clone()
                .or_else(|| cluster.nodes().get(n).map(|x| x.internal_ip.clone()))
                .unwrap_or_default();
            w.line(0, &format!("Node:\t{n}/{ip}"));
        }
    }
    if let Some(t) = pod.status.scheduled_at.or(pod.status.started_at) {
        w.line(0, &format!("Start Time:\t{}", clock::rfc1123z(t)));
    }
    w.labels("Labels", &pod.meta.labels);
    w.annotations("Annotations", &pod.meta.annotations);
    let terminal = matches!(pod.status.phase, PodPhase::Failed | PodPhase::Succeeded);
    if pod.status.terminating_until.is_some() && !terminal {
        let since = pod.meta.deleted.unwrap_or(cluster.now);
        w.line(0, &format!("Status:\tTerminating (lasts {})", table::age(cluster.now - since)));
        w.line(0, "Termination Grace Period:\t30s");
    } else {
        w.line(0, &format!("Status:\t{}", pod.status.phase.as_str()));
    }
    if let Some(r) = &pod.status.reason {
        w.line(0, &format!("Reason:\t{r}"));
    }
    if let Some(m) = &pod.status.message {
        w.line(0, &format!("Message:\t{m}"));
    }
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    w.line(0, &format!("IP:\t{ip}"));
    if ip.is_empty() {
        w.line(0, "IPs:\t<none>");
    } else {
        w.line(0, "IPs:");
        w.line(1, &format!("IP:\t{ip}"));
    }
    if let Some(owner) = &pod.meta.owner {
        w.line(0, &format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    let (statuses, init_statuses) = pod.reported_statuses();
    if !pod.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &pod.spec.init_containers, Some(init_statuses), "", true);
    }
    containers(w, "Containers", &pod.spec.containers, Some(statuses), "", true);
    if !pod.spec.ephemeral_containers.is_empty() {
        let ephemeral: Vec<Container> = pod.spec.ephemeral_containers.iter().map(|e| e.container.clone()).collect();
        containers(w, "Ephemeral Containers", &ephemeral, Some(&pod.status.ephemeral_statuses), "", false);
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus");
    for (kind, ok) in conditions(pod) {
        w.line(1, &format!("{kind} \t{} ", if ok { "True" } else { "False" }));
    }
    volumes(w, &pod.spec.volumes, "");
    w.line(0, &format!("QoS Class:\t{}", qos_class(pod)));
    w.labels("Node-Selectors", &pod.spec.node_selector);
    tolerations(w, "Tolerations", &pod.spec.tolerations, true);
}

/// The pod conditions kubelet reports, in kubectl's order.
pub fn conditions(pod: &Pod) -> Vec<(&'static str, bool)> {
    if pod.status.node.is_none() {
        return vec![("PodScheduled", false)];
    }
    let sandbox = pod.status.volume_error.is_none() && pod.status.phase != PodPhase::Failed;
    let initialized =
        pod.status.init_statuses.iter().all(|s| matches!(s.state, ContainerState::Terminated { exit_code: 0, .. }));
    let containers_ready = !pod.status.containers.is_empty() && pod.status.containers.iter().all(|c| c.ready);
    let ready = containers_ready && pod.status.terminating_until.is_none();
    vec![
        ("PodReadyToStartContainers", sandbox),
        ("Initialized", initialized),
        ("Ready", ready),
        ("ContainersReady", containers_ready),
        ("PodScheduled", true),
    ]
}

/// Requests as the API server stores them: a missing request defaults to the limit.
pub fn effective_requests(c: &Container) -> ResourceList {
    ResourceList {
        cpu: c.resources.requests.cpu.or(c.resources.limits.cpu),
        memory: c.resources.requests.memory.or(c.resources.limits.memory),
    }
}

/// `Guaranteed`, `Burstable` or `BestEffort`, by the rules the kubelet applies.
pub fn qos_class(pod: &Pod) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in pod.spec.containers.iter().chain(&pod.spec.init_containers) {
        let req = effective_requests(c);
        let lim = &c.resources.limits;
        if req.cpu.is_some() || req.memory.is_some() || lim.cpu.is_some() || lim.memory.is_some() {
            any = true;
        }
        if lim.cpu.is_none() || lim.memory.is_none() || req.cpu != lim.cpu || req.memory != lim.memory {
            guaranteed = false;
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `describeContainers`: `space` is `""` for pods and `"  "` inside a pod template.
pub fn containers(
    w: &mut W,
    label: &str,
    list: &[Container],
    statuses: Option<&[ContainerStatus]>,
    space: &str,
    default_requests: bool,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.line(0, &format!("{space}{label}:{none}"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in list {
        w.line(1, &format!("{name_indent}{}:", c.name));
        w.line(2, &format!("Image:\t{}", c.image));
        let ports: Vec<String> = c.ports.iter().map(|p| format!("{p}/TCP")).collect();
        let host_ports: Vec<&str> = c.ports.iter().map(|_| "0/TCP").collect();
        if ports.len() > 1 {
            w.line(2, &format!("Ports:\t{}", ports.join(", ")));
            w.line(2, &format!("Host Ports:\t{}", host_ports.join(", ")));
        } else {
            w.line(2, &format!("Port:\t{}", ports.first().map_or("<none>", String::as_str)));
            w.line(2, &format!("Host Port:\t{}", host_ports.first().copied().unwrap_or("<none>")));
        }
        for (title, words) in [("Command", &c.command), ("Args", &c.args)] {
            if !words.is_empty() {
                w.line(2, &format!("{title}:"));
                for word in words {
                    for part in word.split('\n') {
                        w.line(3, part);
                    }
                }
            }
        }
        if let Some(status) = statuses.and_then(|s| s.iter().find(|s| s.name == c.name)) {
            state(w, "State", &status.state);
            if let Some(last @ ContainerState::Terminated { .. }) = &status.last_state {
                state(w, "Last State", last);
            }
            w.line(2, &format!("Ready:\t{}", if status.ready { "True" } else { "False" }));
            w.line(2, &format!("Restart Count:\t{}", status.restart_count));
        }
        let requests = if default_requests { effective_requests(c) } else { c.resources.requests.clone() };
        for (title, list) in [("Limits", &c.resources.limits), ("Requests", &requests)] {
            if list.cpu.is_some() || list.memory.is_some() {
                w.line(2, &format!("{title}:"));
                if let Some(q) = list.cpu {
                    w.line(3, &format!("cpu:\t{}", cpu(q)));
                }
                if let Some(q) = list.memory {
                    w.line(3, &format!("memory:\t{}", mem(q)));
                }
            }
        }
        if let Some(p) = &c.liveness {
            w.line(2, &format!("Liveness:\t{}", probe(p)));
        }
        if let Some(p) = &c.readiness {
            w.line(2, &format!("Readiness:\t{}", probe(p)));
        }
        if !c.env_from.is_empty() {
            w.line(2, "Environment Variables from:");
            for e in &c.env_from {
                let (name, from) = match e {
                    crate::sim::objects::EnvFrom::ConfigMap(n) => (n, "ConfigMap"),
                    crate::sim::objects::EnvFrom::Secret(n) => (n, "Secret"),
                };
                w.line(3, &format!("{name}\t{from}\tOptional: false"));
            }
        }
        if c.env.is_empty() {
            w.line(2, "Environment:\t<none>");
        } else {
            w.line(2, "Environment:");
            for e in &c.env {
                if let Some(r) = &e.config_map_key {
                    w.line(
                        3,
                        &format!(
                            "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}",
                            e.name, r.key, r.name, r.optional
                        ),
                    );
                } else if let Some(r) = &e.secret_key {
                    w.line(
                        3,
                        &format!(
                            "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}",
                            e.name, r.key, r.name, r.optional
                        ),
                    );
                } else {
                    let value = e.value.clone().unwrap_or_default();
                    for (i, part) in value.split('\n').enumerate() {
                        if i == 0 {
                            w.line(3, &format!("{}:\t{part}", e.name));
                        } else {
                            w.line(3, &format!("\t{part}"));
                        }
                    }
                }
            }
        }
        if c.volume_mounts.is_empty() {
            w.line(2, "Mounts:\t<none>");
        } else {
            w.line(2, "Mounts:");
            let mut mounts: Vec<_> = c.volume_mounts.iter().collect();
            mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
            for m in mounts {
                w.line(3, &format!("{} from {} (rw)", m.mount_path, m.name));
            }
        }
    }
}

fn state(w: &mut W, title: &str, s: &ContainerState) {
    match s {
        ContainerState::Running { started_at } => {
            w.line(2, &format!("{title}:\tRunning"));
            w.line(3, &format!("Started:\t{}", clock::rfc1123z(*started_at)));
        }
        ContainerState::Waiting { reason, .. } => {
            w.line(2, &format!("{title}:\tWaiting"));
            w.line(3, &format!("Reason:\t{reason}"));
        }
        ContainerState::Terminated { reason, exit_code, message, started_at, finished_at } => {
            w.line(2, &format!("{title}:\tTerminated"));
            if !reason.is_empty() {
                w.line(3, &format!("Reason:\t{reason}"));
            }
            if !message.is_empty() {
                w.line(3, &format!("Message:\t{message}"));
            }
            w.line(3, &format!("Exit Code:\t{exit_code}"));
            w.line(3, &format!("Started:\t{}", clock::rfc1123z(*started_at)));
            w.line(3, &format!("Finished:\t{}", clock::rfc1123z(*finished_at)));
        }
    }
}

/// `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
pub fn probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout=1s period={}s #success=1 #failure={}",
        p.initial_delay_seconds, p.period_seconds, p.failure_threshold
    );
    match &p.path {
        Some(path) => format!("http-get http://:{}{path} {attrs}", p.port),
        None => format!("tcp-socket :{} {attrs}", p.port),
    }
}

/// `describeVolumes`.
pub fn volumes(w: &mut W, list: &[Volume], space: &str) {
    if list.is_empty() {
        w.line(0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(0, &format!("{space}Volumes:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        w.line(1, &format!("{name_indent}{}:", v.name));
        match &v.source {
            VolumeSource::ConfigMap(n) => {
                w.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)");
                w.line(2, &format!("Name:\t{n}"));
                w.line(2, "Optional:\tfalse");
            }
            VolumeSource::Secret(n) => {
                w.line(2, "Type:\tSecret (a volume populated by a Secret)");
                w.line(2, &format!("SecretName:\t{n}"));
                w.line(2, "Optional:\tfalse");
            }
            VolumeSource::Pvc(n) => {
                w.line(
                    2,
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
                );
                w.line(2, &format!("ClaimName:\t{n}"));
                w.line(2, "ReadOnly:\tfalse");
            }
            VolumeSource::EmptyDir => {
                w.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)");
                w.line(2, "Medium:\t");
                w.line(2, "SizeLimit:\t<unset>");
            }
            VolumeSource::HostPath(path) => {
                w.line(2, "Type:\tHostPath (bare host directory volume)");
                w.line(2, &format!("Path:\t{path}"));
                w.line(2, "HostPathType:\t");
            }
        }
    }
}

/// `printPodTolerationsMultiline`; pods also carry the two tolerations admission adds.
pub fn tolerations(w: &mut W, title: &str, list: &[Toleration], with_defaults: bool) {
    let mut all: Vec<Toleration> = list.to_vec();
    if with_defaults {
        for k in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            // Admission adds none where a toleration without a key already covers every taint.
            let covered = all.iter().any(|t| {
                t.key.as_deref().is_none_or(|key| key == k)
                    && t.effect.is_none_or(|e| e == crate::sim::objects::TaintEffect::NoExecute)
            });
            if !covered {
                all.push(Toleration {
                    key: Some(k.to_owned()),
                    value: None,
                    effect: Some(crate::sim::objects::TaintEffect::NoExecute),
                    seconds: Some(300),
                });
            }
        }
    }
    w.multiline(title, all.iter().map(toleration));
}

fn toleration(t: &Toleration) -> String {
    let mut s = t.key.clone().unwrap_or_default();
    if let Some(v) = &t.value {
        s.push('=');
        s.push_str(v);
    }
    if let Some(e) = t.effect {
        s.push(':');
        s.push_str(e.as_str());
    }
    if t.value.is_none() {
        s.push_str(if s.is_empty() { "op=Exists" } else { " op=Exists" });
    }
    if let Some(secs) = t.seconds {
        let _ = write!(s, " for {secs}s");
    }
    s
}

/// `DescribePodTemplate`, for deployments and replica sets.
pub fn template(w: &mut W, t: &PodTemplate) {
    w.line(0, "Pod Template:");
    w.labels("  Labels", &t.labels);
    if !t.annotations.is_empty() {
        w.annotations("  Annotations", &t.annotations);
    }
    if t.spec.service_account != "default" && !t.spec.service_account.is_empty() {
        w.line(1, &format!("Service Account:\t{}", t.spec.service_account));
    }
    if !t.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &t.spec.init_containers, None, "  ", false);
    }
    containers(w, "Containers", &t.spec.containers, None, "  ", false);
    volumes(w, &t.spec.volumes, "  ");
    w.labels("  Node-Selectors", &t.spec.node_selector);
    tolerations(w, "  Tolerations", &t.spec.tolerations, false);
}
