//! `describe node`: conditions, capacity, the pods it runs and what they have reserved.

use super::{W, clock, cpu, hex_id, mem, pod::effective_requests};
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::table;
use crate::sim::objects::{Node, NodeInfo, Pod, PodPhase};
use crate::sim::quantity::{Mebibytes, Millicores};

const CONDITION_ORDER: [&str; 4] = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

/// Pods bound to the node that have not terminated.
pub fn pods_on<'a>(cluster: &'a Cluster, node: &str) -> Vec<&'a Pod> {
    cluster
        .pods()
        .values()
        .filter(|p| {
            p.status.node.as_deref().or(p.spec.node_name.as_deref()) == Some(node)
                && !matches!(p.status.phase, PodPhase::Succeeded | PodPhase::Failed)
        })
        .collect()
}

/// Requests (defaulted from limits) and limits of a pod, as the node's tables count them.
pub fn pod_requests_limits(p: &Pod) -> (Millicores, Mebibytes, Millicores, Mebibytes) {
    let (mut rc, mut rm, mut lc, mut lm) = (0, 0, 0, 0);
    for c in &p.spec.containers {
        let r = effective_requests(c);
        rc += r.cpu.unwrap_or_default().0;
        rm += r.memory.unwrap_or_default().0;
        lc += c.resources.limits.cpu.unwrap_or_default().0;
        lm += c.resources.limits.memory.unwrap_or_default().0;
    }
    (Millicores(rc), Mebibytes(rm), Millicores(lc), Mebibytes(lm))
}

fn pct(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// Role names from `node-role.kubernetes.io/*` labels.
pub fn roles(node: &Node) -> String {
    let roles: Vec<&str> = node
        .meta
        .labels
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .filter(|r| !r.is_empty())
        .collect();
    if roles.is_empty() { "<none>".to_owned() } else { roles.join(",") }
}

pub fn describe(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(node) = cluster.nodes().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Roles:\t{}", roles(node)));
    w.labels("Labels", &node.meta.labels);
    w.annotations("Annotations", &node.meta.annotations);
    w.line(0, &format!("CreationTimestamp:\t{}", clock::rfc1123z(node.meta.created)));
    let mut taints = node.taints.clone();
    taints.sort_by(|a, b| (a.effect.as_str(), &a.key).cmp(&(b.effect.as_str(), &b.key)));
    w.multiline("Taints", taints.iter().map(crate::sim::objects::Taint::to_display));
    w.line(0, &format!("Unschedulable:\t{}", node.unschedulable));
    w.line(0, "Lease:");
    w.line(1, &format!("HolderIdentity:\t{name}"));
    w.line(1, "AcquireTime:\t<unset>");
    w.line(1, &format!("RenewTime:\t{}", clock::rfc1123z(node.last_heartbeat)));
    if !node.conditions.is_empty() {
        let mut conds: Vec<_> = node.conditions.iter().collect();
        conds.sort_by_key(|c| CONDITION_ORDER.iter().position(|k| *k == c.kind).unwrap_or(CONDITION_ORDER.len()));
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
        w.line(1, "----\t------\t-----------------\t------------------\t------\t-------");
        for c in conds {
            w.line(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    c.kind,
                    c.status,
                    clock::rfc1123z(node.last_heartbeat),
                    clock::rfc1123z(c.since),
                    c.reason,
                    c.message
                ),
            );
        }
    }
    w.line(0, "Addresses:");
    w.line(1, &format!("InternalIP:\t{}", node.internal_ip));
    w.line(1, &format!("Hostname:\t{name}"));
    for (title, node_cpu, memory) in
        [("Capacity", node.cpu, node.memory), ("Allocatable", node.allocatable_cpu(), node.allocatable_memory())]
    {
        w.line(0, &format!("{title}:"));
        w.line(1, &format!("cpu:\t{}", cpu(node_cpu)));
        w.line(1, &format!("ephemeral-storage:\t{}Ki", u64::from(node.disk_gib) * 1024 * 1024));
        w.line(1, "hugepages-1Gi:\t0");
        w.line(1, "hugepages-2Mi:\t0");
        w.line(1, &format!("memory:\t{}Ki", memory.0 * 1024));
        w.line(1, &format!("pods:\t{}", node.max_pods));
    }
    w.line(0, "System Info:");
    w.line(1, &format!("Machine ID:\t{}", hex_id(&format!("machine/{name}"), 32)));
    let uuid = hex_id(&format!("uuid/{name}"), 32);
    w.line(
        1,
        &format!("System UUID:\t{}-{}-{}-{}-{}", &uuid[..8], &uuid[8..12], &uuid[12..16], &uuid[16..20], &uuid[20..]),
    );
    let boot = hex_id(&format!("boot/{name}"), 32);
    w.line(
        1,
        &format!("Boot ID:\t{}-{}-{}-{}-{}", &boot[..8], &boot[8..12], &boot[12..16], &boot[16..20], &boot[20..]),
    );
    w.line(1, &format!("Kernel Version:\t{}", NodeInfo::KERNEL_VERSION));
    w.line(1, &format!("OS Image:\t{}", NodeInfo::OS_IMAGE));
    w.line(1, &format!("Operating System:\t{}", NodeInfo::OPERATING_SYSTEM));
    w.line(1, &format!("Architecture:\t{}", NodeInfo::ARCHITECTURE));
    w.line(1, &format!("Container Runtime Version:\t{}", NodeInfo::CONTAINER_RUNTIME));
    w.line(1, &format!("Kubelet Version:\t{}", node.kubelet_version));
    // Kubelets stopped reporting it in 1.31 (the DisableNodeKubeProxyVersion feature gate).
    w.line(1, "Kube-Proxy Version:\t");
    w.line(0, &format!("PodCIDR:\t10.244.{}.0/24", node.index));
    w.line(0, &format!("PodCIDRs:\t10.244.{}.0/24", node.index));
    let pods = pods_on(cluster, name);
    let (alloc_cpu, alloc_mem) = (node.allocatable_cpu().0, node.allocatable_memory().0);
    w.line(0, &format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
    let (mut trc, mut trm, mut tlc, mut tlm) = (0, 0, 0, 0);
    for p in &pods {
        let (rc, rm, lc, lm) = pod_requests_limits(p);
        trc += rc.0;
        trm += rm.0;
        tlc += lc.0;
        tlm += lm.0;
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}",
                p.meta.namespace,
                p.meta.name,
                cpu(rc),
                pct(rc.0, alloc_cpu),
                cpu(lc),
                pct(lc.0, alloc_cpu),
                mem(rm),
                pct(rm.0, alloc_mem),
                mem(lm),
                pct(lm.0, alloc_mem),
                table::age(cluster.now - p.meta.created)
            ),
        );
    }
    w.line(0, "Allocated resources:");
    w.line(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)",
            cpu(Millicores(trc)),
            pct(trc, alloc_cpu),
            cpu(Millicores(tlc)),
            pct(tlc, alloc_cpu)
        ),
    );
    w.line(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)",
            mem(Mebibytes(trm)),
            pct(trm, alloc_mem),
            mem(Mebibytes(tlm)),
            pct(tlm, alloc_mem)
        ),
    );
    w.line(1, "ephemeral-storage\t0 (0%)\t0 (0%)");
    w.line(1, "hugepages-1Gi\t0 (0%)\t0 (0%)");
    w.line(1, "hugepages-2Mi\t0 (0%)\t0 (0%)");
}
