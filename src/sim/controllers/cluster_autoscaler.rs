//! The cluster autoscaler (`cluster-autoscaler` in kube-system): every scan it looks for pods the
//! scheduler found unschedulable and grows a node group whose template would fit them, within the
//! `--nodes=MIN:MAX:GROUP` flags its running pod was started with. A pod it cannot help gets
//! `NotTriggerScaleUp` with the reasons per group (the group is at its maximum, the template
//! fails a filter); a pod it helps gets `TriggeredScaleUp`. It acts only while its own pod is
//! Ready: scaled to zero or crash-looping, nothing happens and nobody says so. It keeps its
//! status config map (`cluster-autoscaler-status`) and logs what it does as the real one does.
//! With nothing pending it removes a node of a group above its minimum that has been
//! underutilised for ten minutes, if its pods can move: not for a kube-system pod, a pod with
//! local storage (unless `--skip-nodes-with-local-storage=false`), a pod with no controller, or
//! one its disruption budget would not let go.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rand::RngExt;

use super::{daemonset, scheduler};
use crate::sim::apps::AppRole;
use crate::sim::change::{Change, Object};
use crate::sim::cloud::{self, NodeTemplate};
use crate::sim::cluster::{Cluster, key, timestamp};
use crate::sim::drain;
use crate::sim::kind::Kind;
use crate::sim::objects::{ConfigMap, ContainerState, Meta, Node, OwnerKind, Pod, VolumeSource};

pub const NAMESPACE: &str = "kube-system";
pub const STATUS_CONFIG_MAP: &str = "cluster-autoscaler-status";
const SOURCE: &str = "cluster-autoscaler";
/// Log lines kept per container, as the kubelet keeps them.
const LOG_LINES: usize = 200;

/// One `--nodes=MIN:MAX:GROUP` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupLimits {
    pub name: String,
    pub min: u32,
    pub max: u32,
}

/// Parses the `--nodes` flags of the autoscaler's arguments; malformed ones are left out.
pub fn node_group_flags(args: &[String]) -> Vec<GroupLimits> {
    args.iter()
        .filter_map(|a| a.strip_prefix("--nodes="))
        .filter_map(|spec| {
            let mut parts = spec.splitn(3, ':');
            let min = parts.next()?.parse().ok()?;
            let max = parts.next()?.parse().ok()?;
            let name = parts.next()?.to_owned();
            (min <= max && !name.is_empty()).then_some(GroupLimits { name, min, max })
        })
        .collect()
}

/// The autoscaler's pod if it is Ready, and the arguments of its container.
fn running_autoscaler(cluster: &Cluster) -> Option<((String, String), Vec<String>)> {
    let is_autoscaler =
        |image: &str| cluster.app_for_image(image).is_some_and(|a| a.role == AppRole::ClusterAutoscaler);
    cluster.pods().iter().find_map(|(k, p)| {
        if !p.is_ready() {
            return None;
        }
        let c = p.spec.containers.iter().find(|c| is_autoscaler(&c.image))?;
        Some((k.clone(), c.command.iter().chain(&c.args).cloned().collect()))
    })
}

/// A scale-up: the group, its new size, and the pods (namespace, name) the new machines are for.
type ScaleUpPlan = (String, u32, Vec<(String, String)>);
/// A pod (namespace, name) and the new machine, by number from 0, packing put it on.
type PodOnMachine = ((String, String), u32);

/// A node group as one scan sees it.
struct Group {
    limits: GroupLimits,
    template: NodeTemplate,
    /// Registered nodes, and how many of them are Ready.
    nodes: u32,
    ready: u32,
    /// The next machine's number: one past the highest in use.
    next_index: u32,
}

pub fn step(cluster: &mut Cluster) {
    if cluster.cloud().templates.is_empty() {
        return;
    }
    let Some((pod, args)) = running_autoscaler(cluster) else { return };
    let now = cluster.now;
    let mut groups: Vec<Group> = Vec::new();
    let mut log: Vec<String> = Vec::new();
    for limits in node_group_flags(&args) {
        let Some(template) = cluster.cloud().templates.get(&limits.name).cloned() else {
            log.push(klog(
                now,
                'W',
                "auto_scaling_groups.go:412",
                &format!("Node group {} not found in cloud provider, skipping", limits.name),
            ));
            continue;
        };
        let members: Vec<&Node> =
            cluster.nodes().values().filter(|n| cloud::is_member(&limits.name, &n.meta.name)).collect();
        let next_index = members
            .iter()
            .filter_map(|n| n.meta.name.rsplit('-').next().and_then(|i| i.parse::<u32>().ok()))
            .max()
            .unwrap_or(0)
            + 1;
        let ready = members.iter().filter(|n| n.is_ready()).count() as u32;
        groups.push(Group { nodes: members.len() as u32, ready, next_index, limits, template });
    }
    let upcoming: u32 = groups.iter().map(|g| g.nodes - g.ready).sum();
    let pending = unschedulable_pods(cluster);
    let mut scale_up_status = if upcoming > 0 { "InProgress" } else { "NoActivity" };
    let mut targets: BTreeMap<String, u32> = groups.iter().map(|g| (g.limits.name.clone(), g.nodes)).collect();
    if !pending.is_empty() {
        for (ns, name) in &pending {
            log.push(klog(now, 'I', "klogx.go:87", &format!("Pod {ns}/{name} is unschedulable")));
        }
        log.push(klog(now, 'I', "orchestrator.go:108", &format!("Upcoming {upcoming} nodes")));
        // Pods the nodes still joining will take are not a reason to buy more.
        if upcoming == 0 {
            let plan = plan_scale_up(cluster, &groups, &pending, &mut log);
            if let Some((group, new_size, helped)) = plan {
                scale_up_status = "InProgress";
                targets.insert(group.clone(), new_size);
                scale_up(cluster, &groups, &group, new_size, &helped, &mut log);
            }
        }
    }
    let scale_down_status = if pending.is_empty() && upcoming == 0 && scale_up_status == "NoActivity" {
        scale_down(cluster, &groups, &args, &mut log)
    } else {
        if !cluster.cloud().unneeded.is_empty() {
            cluster.cloud_mut().unneeded.clear();
        }
        "NoCandidates"
    };
    if scale_up_status == "InProgress" && upcoming == 0 {
        cluster.cloud_mut().last_scale_up = Some(now);
    }
    write_logs(cluster, &pod, log);
    write_status(cluster, &groups, &targets, scale_up_status, scale_down_status);
}

/// Pending pods the scheduler said it could not place (a `FailedScheduling` event).
fn unschedulable_pods(cluster: &Cluster) -> Vec<(String, String)> {
    let waiting: BTreeSet<&(String, String)> =
        cluster.pods().iter().filter(|(_, p)| p.status.node.is_none() && p.is_active()).map(|(k, _)| k).collect();
    if waiting.is_empty() {
        return Vec::new();
    }
    let failed: BTreeSet<(String, String)> = cluster
        .events
        .iter()
        .filter(|e| e.kind == "Pod" && e.reason == "FailedScheduling")
        .map(|e| key(&e.namespace, &e.name))
        .collect();
    waiting.into_iter().filter(|k| failed.contains(*k)).cloned().collect()
}

/// What the daemon sets would run on a new node from the template: (cpu, memory, pods).
fn daemon_overhead(cluster: &Cluster, node: &Node) -> (u64, u64, u32) {
    cluster.daemonsets().values().filter(|ds| daemonset::eligible(&ds.template, node)).fold(
        (0, 0, 0),
        |(cpu, mem, pods), ds| {
            let (c, m) = ds.template.spec.requests();
            (cpu + c.0, mem + m.0, pods + 1)
        },
    )
}

/// Chooses the group to grow and by how much: the group whose template fits the most pending
/// pods (ties broken at random, the default `random` expander), sized by packing those pods onto
/// new machines and capped at its maximum. Pods no group can help get `NotTriggerScaleUp`.
fn plan_scale_up(
    cluster: &mut Cluster,
    groups: &[Group],
    pending: &[(String, String)],
    log: &mut Vec<String>,
) -> Option<ScaleUpPlan> {
    let now = cluster.now;
    let mut fitting: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
    let mut not_helped: Vec<((String, String), BTreeMap<String, u32>)> = Vec::new();
    let mut at_max_logged = BTreeSet::new();
    for k in pending {
        let Some(pod) = cluster.pods().get(k) else { continue };
        let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
        let mut helped = false;
        for g in groups {
            let node = g.template.node(&format!("template-node-for-{}", g.limits.name));
            let overhead = daemon_overhead(cluster, &node);
            let (cpu, mem) = pod.spec.requests();
            match scheduler::filter(&node, pod, (cpu.0, mem.0), overhead) {
                Err(why) => {
                    for w in why {
                        *reasons.entry(w).or_default() += 1;
                    }
                }
                Ok(()) if g.nodes >= g.limits.max => {
                    *reasons.entry("max node group size reached".to_owned()).or_default() += 1;
                    if at_max_logged.insert(g.limits.name.clone()) {
                        log.push(klog(
                            now,
                            'I',
                            "orchestrator.go:565",
                            &format!("Skipping node group {} - max size reached", g.limits.name),
                        ));
                    }
                }
                Ok(()) => {
                    fitting.entry(g.limits.name.clone()).or_default().push(pod.clone());
                    helped = true;
                }
            }
        }
        if !helped {
            not_helped.push((k.clone(), reasons));
        }
    }
    let mut events = Vec::new();
    for (k, reasons) in &not_helped {
        let mut listed: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        listed.sort();
        let message = if listed.is_empty() {
            "pod didn't trigger scale-up:".to_owned()
        } else {
            format!("pod didn't trigger scale-up: {}", listed.join(", "))
        };
        events.push((k.clone(), message));
    }
    let most = fitting.values().map(Vec::len).max();
    let plan = most.and_then(|most| {
        let best: Vec<&String> = fitting.iter().filter(|(_, pods)| pods.len() == most).map(|(g, _)| g).collect();
        let chosen = best[if best.len() > 1 { cluster.rng.random_range(0..best.len()) } else { 0 }].clone();
        let group = groups.iter().find(|g| g.limits.name == chosen)?;
        let pods: Vec<&Pod> = fitting.get(&chosen)?.iter().collect();
        let (needed, packed) = pack(cluster, group, &pods);
        let new_size = (group.nodes + needed).min(group.limits.max);
        let helped: Vec<(String, String)> =
            packed.into_iter().filter(|(_, n)| *n < new_size - group.nodes).map(|(k, _)| k).collect();
        Some((chosen, needed, new_size, helped))
    });
    if plan.is_none() {
        log.push(klog(now, 'I', "orchestrator.go:220", "No expansion options"));
    }
    for (k, message) in events {
        cluster.record(&k.0, "Pod", &k.1, false, "NotTriggerScaleUp", &message, SOURCE);
    }
    let (group, needed, new_size, helped) = plan?;
    log.push(klog(now, 'I', "orchestrator.go:250", &format!("Best option to resize: {group}")));
    log.push(klog(now, 'I', "orchestrator.go:254", &format!("Estimated {needed} nodes needed in {group}")));
    Some((group, new_size, helped))
}

/// First-fit packing of the pods onto new machines from the group's template: how many machines,
/// and which machine (by number from 0) each pod landed on.
fn pack(cluster: &Cluster, group: &Group, pods: &[&Pod]) -> (u32, Vec<PodOnMachine>) {
    let node = group.template.node("template");
    let overhead = daemon_overhead(cluster, &node);
    let mut machines: Vec<(u64, u64, u32)> = Vec::new();
    let mut placed = Vec::new();
    for pod in pods {
        let (cpu, mem) = pod.spec.requests();
        let k = key(&pod.meta.namespace, &pod.meta.name);
        let slot = machines.iter().position(|used| scheduler::filter(&node, pod, (cpu.0, mem.0), *used).is_ok());
        let index = slot.unwrap_or_else(|| {
            machines.push(overhead);
            machines.len() - 1
        });
        let used = &mut machines[index];
        used.0 += cpu.0;
        used.1 += mem.0;
        used.2 += 1;
        placed.push((k, index as u32));
    }
    (machines.len() as u32, placed)
}

/// Asks the cloud for `new_size` machines in the group: each registers as a node that is
/// `NotReady` until its network plugin starts. Every pod it is for hears why.
fn scale_up(
    cluster: &mut Cluster,
    groups: &[Group],
    group: &str,
    new_size: u32,
    helped: &[(String, String)],
    log: &mut Vec<String>,
) {
    let Some(g) = groups.iter().find(|g| g.limits.name == group) else { return };
    let now = cluster.now;
    let plan = format!("[{{{group} {}->{new_size} (max: {})}}]", g.nodes, g.limits.max);
    log.push(klog(now, 'I', "orchestrator.go:306", &format!("Final scale-up plan: {plan}")));
    log.push(klog(now, 'I', "executor.go:147", &format!("Scale-up: setting group {group} size to {new_size}")));
    cluster.record(
        NAMESPACE,
        "ConfigMap",
        STATUS_CONFIG_MAP,
        false,
        "ScaledUpGroup",
        &format!("Scale-up: setting group {group} size to {new_size} instead of {} (max: {})", g.nodes, g.limits.max),
        SOURCE,
    );
    for k in helped {
        cluster.record(
            &k.0,
            "Pod",
            &k.1,
            false,
            "TriggeredScaleUp",
            &format!("pod triggered scale-up: {plan}"),
            SOURCE,
        );
    }
    for i in 0..new_size.saturating_sub(g.nodes) {
        let name = format!("{group}-{}", g.next_index + i);
        // Machines take a little while to boot; how long is the cloud's business.
        let join = cloud::JOIN_SECONDS + cluster.rng.random_range(0..=2) * super::STEP_SECONDS;
        let node = g.template.node(&name);
        if cluster.apply(Change::Create(Object::Node(node)), &format!("system:node:{name}")).is_ok() {
            cluster.cloud_mut().joining.insert(name.clone(), now + join);
            cluster.record("", "Node", &name, false, "Starting", "Starting kubelet.", "kubelet");
            cluster.record(
                "",
                "Node",
                &name,
                false,
                "RegisteredNode",
                &format!("Node {name} event: Registered Node {name} in Controller"),
                "node-controller",
            );
        }
    }
}

/// How long a node must stay unneeded before it is removed (`--scale-down-unneeded-time`), and
/// how long scale-down waits after a scale-up (`--scale-down-delay-after-add`).
const SCALE_DOWN_UNNEEDED_SECONDS: i64 = 600;
const SCALE_DOWN_DELAY_AFTER_ADD: i64 = 600;
/// Below this share of its allocatable CPU and memory requested, a node is underutilised.
const UTILIZATION_THRESHOLD: f64 = 0.5;

/// A node's requested share of its CPU and memory, counting the pods scale-down would move (not
/// daemon set or mirror pods).
fn utilization(cluster: &Cluster, node: &Node) -> (f64, f64) {
    let (cpu, mem) = cluster
        .pods()
        .values()
        .filter(|p| p.is_active() && p.status.node.as_deref() == Some(node.meta.name.as_str()))
        .filter(|p| !matches!(drain::owner_kind(p), Some(OwnerKind::DaemonSet | OwnerKind::Node)))
        .fold((0u64, 0u64), |(c, m), p| {
            let (pc, pm) = p.spec.requests();
            (c + pc.0, m + pm.0)
        });
    (cpu as f64 / node.cpu.0.max(1) as f64, mem as f64 / node.memory.0.max(1) as f64)
}

/// Why the node's pods cannot move elsewhere, in the autoscaler's words; `None` if they can.
fn blocked(cluster: &Cluster, node: &str, skip_local_storage: bool, removing: &BTreeSet<String>) -> Option<String> {
    let opts = drain::Options {
        ignore_daemonsets: true,
        delete_emptydir_data: !skip_local_storage,
        ..drain::Options::default()
    };
    let list = drain::pods_for_deletion(cluster, node, &opts);
    for p in cluster.pods().values().filter(|p| p.is_active() && p.status.node.as_deref() == Some(node)) {
        let id = format!("{}/{}", p.meta.namespace, p.meta.name);
        if matches!(drain::owner_kind(p), Some(OwnerKind::DaemonSet | OwnerKind::Node)) {
            continue;
        }
        if p.meta.namespace == "kube-system" {
            return Some(format!(
                "non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {}",
                p.meta.name
            ));
        }
        if p.meta.owner.is_none() {
            return Some(format!("{id} is not replicated"));
        }
        if skip_local_storage && p.spec.volumes.iter().any(|v| matches!(v.source, VolumeSource::EmptyDir)) {
            return Some(format!("pod with local storage present: {}", p.meta.name));
        }
    }
    if !list.errors.is_empty() {
        return Some(list.errors.join("; "));
    }
    // Would each budget let its pods go? Ask the eviction API, on a copy.
    let mut trial = cluster.clone();
    for (ns, name) in &list.evict {
        if trial.apply(Change::Evict { namespace: ns.clone(), pod: name.clone() }, SOURCE).is_err() {
            return Some(format!("not enough pod disruption budget to move {ns}/{name}"));
        }
    }
    // And is there room for them on the nodes that stay?
    let mut used: BTreeMap<String, (u64, u64, u32)> = BTreeMap::new();
    for p in cluster.pods().values().filter(|p| p.is_active()) {
        if let Some(n) = &p.status.node {
            let (c, m) = p.spec.requests();
            let e = used.entry(n.clone()).or_default();
            e.0 += c.0;
            e.1 += m.0;
            e.2 += 1;
        }
    }
    for (ns, name) in &list.evict {
        let Some(pod) = cluster.pods().get(&key(ns, name)) else { continue };
        let (c, m) = pod.spec.requests();
        let target = cluster
            .nodes()
            .values()
            .filter(|n| n.meta.name != node && !removing.contains(&n.meta.name) && n.is_ready())
            .find(|n| {
                scheduler::filter(n, pod, (c.0, m.0), used.get(&n.meta.name).copied().unwrap_or_default()).is_ok()
            })
            .map(|n| n.meta.name.clone());
        let Some(target) = target else {
            return Some(format!("no place to move pod {ns}/{name}"));
        };
        let e = used.entry(target).or_default();
        e.0 += c.0;
        e.1 += m.0;
        e.2 += 1;
    }
    None
}

/// Tracks underutilised nodes of groups above their minimum and removes one that has been
/// unneeded long enough, if its pods can move. Returns the scale-down status.
fn scale_down(cluster: &mut Cluster, groups: &[Group], args: &[String], log: &mut Vec<String>) -> &'static str {
    let now = cluster.now;
    let skip_local_storage = !args.iter().any(|a| a == "--skip-nodes-with-local-storage=false");
    let mut unneeded: BTreeMap<String, i64> = BTreeMap::new();
    let mut removable: Vec<(String, (f64, f64))> = Vec::new();
    for g in groups.iter().filter(|g| g.nodes > g.limits.min) {
        let members: Vec<Node> = cluster
            .nodes()
            .values()
            .filter(|n| cloud::is_member(&g.limits.name, &n.meta.name) && n.is_ready() && !n.unschedulable)
            .cloned()
            .collect();
        for n in members {
            let (cpu, mem) = utilization(cluster, &n);
            if cpu.max(mem) >= UTILIZATION_THRESHOLD {
                continue;
            }
            let since = cluster.cloud().unneeded.get(&n.meta.name).copied().unwrap_or(now);
            unneeded.insert(n.meta.name.clone(), since);
            if now - since >= SCALE_DOWN_UNNEEDED_SECONDS {
                removable.push((n.meta.name.clone(), (cpu, mem)));
            }
        }
    }
    if cluster.cloud().unneeded != unneeded {
        cluster.cloud_mut().unneeded.clone_from(&unneeded);
    }
    if unneeded.is_empty() {
        return "NoCandidates";
    }
    for name in unneeded.keys() {
        log.push(klog(now, 'I', "nodes.go:126", &format!("{name} was unneeded for {}s", now - unneeded[name])));
    }
    if cluster.cloud().last_scale_up.is_some_and(|t| now - t < SCALE_DOWN_DELAY_AFTER_ADD) {
        return "CandidatesPresent";
    }
    for (name, (cpu, mem)) in removable {
        if let Some(why) = blocked(cluster, &name, skip_local_storage, &BTreeSet::new()) {
            log.push(klog(now, 'I', "cluster.go:155", &format!("Node {name} cannot be removed: {why}")));
            continue;
        }
        remove_node(cluster, &name, (cpu, mem), log);
        break;
    }
    "CandidatesPresent"
}

/// Taints the node, evicts its pods and gives the machine back to the cloud.
fn remove_node(cluster: &mut Cluster, name: &str, (cpu, mem): (f64, f64), log: &mut Vec<String>) {
    let now = cluster.now;
    log.push(klog(
        now,
        'I',
        "actuator.go:161",
        &format!("Scale-down: removing node {name}, utilization: {{{cpu:.2} {mem:.2} 0 cpu {:.2}}}", cpu.max(mem)),
    ));
    let start = crate::sim::cluster::INCIDENT_START_UNIX + now;
    if let Some(n) = cluster.nodes_mut().get_mut(name) {
        n.taints.push(crate::sim::objects::Taint {
            key: "ToBeDeletedByClusterAutoscaler".to_owned(),
            value: Some(start.to_string()),
            effect: crate::sim::objects::TaintEffect::NoSchedule,
        });
    }
    cluster.record("", "Node", name, false, "ScaleDown", "marked the node as toBeDeleted/unschedulable", SOURCE);
    let moving: Vec<(String, String)> = cluster
        .pods()
        .iter()
        .filter(|(_, p)| p.is_active() && p.status.node.as_deref() == Some(name))
        .filter(|(_, p)| !matches!(drain::owner_kind(p), Some(OwnerKind::DaemonSet | OwnerKind::Node)))
        .map(|(k, _)| k.clone())
        .collect();
    for (ns, pod) in moving {
        cluster.record(&ns, "Pod", &pod, false, "ScaleDown", "deleting pod for node scale down", SOURCE);
        let _ = cluster.apply(Change::Evict { namespace: ns, pod }, SOURCE);
    }
    // The machine is terminated: its remaining pods (daemon sets') go with its node.
    let left: Vec<(String, String)> =
        cluster.pods().iter().filter(|(_, p)| p.status.node.as_deref() == Some(name)).map(|(k, _)| k.clone()).collect();
    for (ns, pod) in left {
        let _ = cluster.apply(Change::Delete { kind: Kind::Pod, namespace: ns, name: pod, force: true }, SOURCE);
    }
    let _ = cluster.apply(
        Change::Delete { kind: Kind::Node, namespace: String::new(), name: name.to_owned(), force: false },
        SOURCE,
    );
    cluster.record(
        NAMESPACE,
        "ConfigMap",
        STATUS_CONFIG_MAP,
        false,
        "ScaleDownEmpty",
        &format!("Scale-down: removing node {name}, utilization: {{{cpu:.2} {mem:.2} 0 cpu {:.2}}}", cpu.max(mem)),
        SOURCE,
    );
    let cloud = cluster.cloud_mut();
    cloud.unneeded.remove(name);
    cloud.joining.remove(name);
}

/// A klog line as the autoscaler writes it: `I1203 00:10:20.000000       1 file.go:NN] message`.
fn klog(now: i64, severity: char, site: &str, message: &str) -> String {
    let ts = timestamp(now);
    let (month, day, time) =
        (ts.get(5..7).unwrap_or("01"), ts.get(8..10).unwrap_or("01"), ts.get(11..19).unwrap_or(""));
    format!("{severity}{month}{day} {time}.000000       1 {site}] {message}")
}

fn write_logs(cluster: &mut Cluster, pod: &(String, String), lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    let now = cluster.now;
    // Log lines are what `kubectl logs` reads; nothing else in the cluster depends on them.
    let Some(p) = cluster.pods_mut_status_only().get_mut(pod) else { return };
    let Some(status) = p.status.containers.first_mut() else { return };
    if !matches!(status.state, ContainerState::Running { .. }) {
        return;
    }
    status.log.extend(lines.into_iter().map(|l| format!("{} {l}", timestamp(now))));
    if status.log.len() > LOG_LINES {
        let extra = status.log.len() - LOG_LINES;
        status.log.drain(..extra);
    }
}

/// Go's `time.Time` string in UTC, as the status config map's `time:` line prints it.
fn go_time(now: i64) -> String {
    let ts = timestamp(now);
    format!("{} {} +0000 UTC", ts.get(0..10).unwrap_or(""), ts.get(11..19).unwrap_or(""))
}

/// The times the status config map prints: when the autoscaler last looked (`time:` and the
/// probe times) and when what it says last changed.
struct StatusTimes {
    time: String,
    probe: String,
    transition: String,
}

fn render_status(
    groups: &[Group],
    targets: &BTreeMap<String, u32>,
    (scale_up, scale_down): (&str, &str),
    at: &StatusTimes,
) -> String {
    let counts = |indent: &str, total: u32, ready: u32| {
        format!(
            "{indent}nodeCounts:\n{indent}  registered:\n{indent}    total: {total}\n{indent}    ready: {ready}\n{indent}    notStarted: {}\n{indent}  longUnregistered: 0\n{indent}  unregistered: 0\n",
            total - ready
        )
    };
    let times = |indent: &str| {
        format!("{indent}lastProbeTime: \"{}\"\n{indent}lastTransitionTime: \"{}\"\n", at.probe, at.transition)
    };
    let total: u32 = groups.iter().map(|g| g.nodes).sum();
    let ready: u32 = groups.iter().map(|g| g.ready).sum();
    let mut out =
        format!("time: {}\nautoscalerStatus: Running\nclusterWide:\n  health:\n    status: Healthy\n", at.time);
    out.push_str(&counts("    ", total, ready));
    out.push_str(&times("    "));
    let _ = write!(out, "  scaleUp:\n    status: {scale_up}\n");
    out.push_str(&times("    "));
    let _ = write!(out, "  scaleDown:\n    status: {scale_down}\n");
    out.push_str(&times("    "));
    out.push_str("nodeGroups:\n");
    for g in groups {
        let target = targets.get(&g.limits.name).copied().unwrap_or(g.nodes);
        let group_up = if target > g.ready { "InProgress" } else { "NoActivity" };
        let _ = write!(out, "- name: {}\n  health:\n    status: Healthy\n", g.limits.name);
        out.push_str(&counts("    ", g.nodes, g.ready));
        let _ = write!(
            out,
            "    cloudProviderTarget: {target}\n    minSize: {}\n    maxSize: {}\n",
            g.limits.min, g.limits.max
        );
        out.push_str(&times("    "));
        let _ = write!(out, "  scaleUp:\n    status: {group_up}\n");
        out.push_str(&times("    "));
        let _ = write!(out, "  scaleDown:\n    status: {scale_down}\n");
        out.push_str(&times("    "));
    }
    out
}

/// How often the status config map is rewritten when nothing in it but its times changed: the
/// real autoscaler writes it every scan, but a write here makes every controller look again.
const STATUS_REFRESH_SECONDS: i64 = 60;

/// Writes the status config map when what it says changed, and otherwise once a minute to move
/// its probe times on.
fn write_status(
    cluster: &mut Cluster,
    groups: &[Group],
    targets: &BTreeMap<String, u32>,
    scale_up: &str,
    scale_down: &str,
) {
    let scale_up = (scale_up, scale_down);
    let now = cluster.now;
    let k = key(NAMESPACE, STATUS_CONFIG_MAP);
    let existing = cluster.configmaps().get(&k).and_then(|c| c.data.get("status")).cloned();
    let fresh = StatusTimes { time: go_time(now), probe: timestamp(now), transition: timestamp(now) };
    let status = match &existing {
        Some(old) => {
            let field = |name: &str| {
                old.lines()
                    .find_map(|l| l.trim().strip_prefix(name))
                    .map(|p| p.trim_matches('"').to_owned())
                    .unwrap_or_default()
            };
            let was = StatusTimes {
                time: old.lines().next().and_then(|l| l.strip_prefix("time: ")).unwrap_or("").to_owned(),
                probe: field("lastProbeTime: "),
                transition: field("lastTransitionTime: "),
            };
            let probed_at = crate::sim::manifest::parse_timestamp(&was.probe).unwrap_or(now);
            if render_status(groups, targets, scale_up, &was) != *old {
                render_status(groups, targets, scale_up, &fresh)
            } else if now - probed_at >= STATUS_REFRESH_SECONDS {
                render_status(groups, targets, scale_up, &StatusTimes { transition: was.transition, ..fresh })
            } else {
                return;
            }
        }
        None => render_status(groups, targets, scale_up, &fresh),
    };
    if existing.is_some() {
        if let Some(cm) = cluster.configmaps_mut().get_mut(&k) {
            cm.data.insert("status".to_owned(), status);
        }
    } else {
        let cm = ConfigMap {
            meta: Meta::new(STATUS_CONFIG_MAP, NAMESPACE),
            data: BTreeMap::from([("status".to_owned(), status)]),
        };
        let _ = cluster
            .apply(Change::Create(Object::ConfigMap(cm)), "system:serviceaccount:kube-system:cluster-autoscaler");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn node_group_flags_are_read_from_the_arguments() {
        let flags = node_group_flags(&args(&[
            "--v=4",
            "--nodes=1:5:pool-a",
            "--nodes=0:2:gpu",
            "--nodes=3:1:bad",
            "--nodes=x",
        ]));
        assert_eq!(
            flags,
            [
                GroupLimits { name: "pool-a".to_owned(), min: 1, max: 5 },
                GroupLimits { name: "gpu".to_owned(), min: 0, max: 2 }
            ]
        );
    }

    #[test]
    fn klog_lines_carry_the_incident_time() {
        let line = klog(0, 'I', "executor.go:147", "Scale-up: setting group pool-a size to 4");
        assert!(line.starts_with('I'), "{line}");
        assert!(line.ends_with(" executor.go:147] Scale-up: setting group pool-a size to 4"), "{line}");
        assert_eq!(line.split(' ').nth(1).map(str::len), Some(15), "{line}");
    }
}
