//! `kubectl top pods|nodes`: metrics-server's view, computed from each running container's app
//! profile (base use plus a share per request per second it serves), capped at its limits.
//! Both fail as kubectl does while metrics-server does not serve the API (`sim::metrics`).

use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::args::{Args, FlagSpec};
use crate::sim::kubectl::describe::clock;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Done, KubectlError, table};
use crate::sim::objects::{ContainerState, KubeletState, Pod, Selector};
use crate::sim::quantity::{Mebibytes, Millicores};

pub(crate) const FLAGS: &[FlagSpec] = &[
    flag::SELECTOR,
    flag::TOP_CONTAINERS,
    flag::SORT_BY,
    flag::NO_HEADERS,
    flag::SUM,
    flag::USE_PROTOCOL_BUFFERS,
    flag::SHOW_CAPACITY,
];

/// Pods younger than this may simply not have been scraped yet.
const METRICS_DELAY: i64 = 120;

/// What a running container uses now: its app's base use plus a share per request per second
/// the pod serves, never more than its limits (the kernel throttles CPU and kills on memory).
pub fn container_usage(cluster: &Cluster, pod: &Pod, container: &str) -> (Millicores, Mebibytes) {
    let (mut cpu, mut mem) = crate::sim::controllers::container_usage(cluster, pod, container);
    let limits = pod
        .spec
        .containers
        .iter()
        .chain(&pod.spec.init_containers)
        .find(|c| c.name == container)
        .map(|c| &c.resources.limits);
    if let Some(limits) = limits {
        cpu = limits.cpu.map_or(cpu, |l| cpu.min(l));
        mem = limits.memory.map_or(mem, |l| mem.min(l));
    }
    // On an over-committed node every pod gets only its share of what it wants.
    if let Some(node) = pod.status.node.as_deref() {
        let share = cluster.traffic().node_cpu_share(node);
        if share < 1.0 {
            cpu = Millicores((cpu.0 as f64 * share).floor() as u64);
        }
    }
    (Millicores(cpu.0.max(1)), Mebibytes(mem.0.max(1)))
}

/// Per-container metrics of a pod, or `None` when metrics-server has none for it.
fn pod_metrics(cluster: &Cluster, pod: &Pod) -> Option<Vec<(String, Millicores, Mebibytes)>> {
    let node = cluster.nodes().get(pod.status.node.as_deref()?)?;
    if node.kubelet != KubeletState::Running || pod.status.terminating_until.is_some() {
        return None;
    }
    let running: Vec<(String, Millicores, Mebibytes)> = pod
        .status
        .containers
        .iter()
        .filter(|s| matches!(s.state, ContainerState::Running { .. }))
        .map(|s| {
            let (c, m) = container_usage(cluster, pod, &s.name);
            (s.name.clone(), c, m)
        })
        .collect();
    if running.is_empty() { None } else { Some(running) }
}

fn no_metrics(cluster: &Cluster, pods: &[&Pod]) -> KubectlError {
    match pods.iter().find(|p| cluster.now - p.meta.created > METRICS_DELAY) {
        Some(p) => KubectlError::msg(format!(
            "error: Metrics not available for pod {}/{}, age: {}",
            p.meta.namespace,
            p.meta.name,
            clock::go_duration(cluster.now - p.meta.created)
        )),
        None => KubectlError::msg("error: metrics not available yet"),
    }
}

/// `kubectl top` without a subcommand it knows (`top pods` and `top nodes` are
/// [`pods`] and [`nodes`]).
pub fn group(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    let Some(what) = args.positional.first() else {
        return Err(KubectlError::msg(
            "Display resource (CPU/memory) usage.\n\nAvailable Commands:\n  node          Display resource (CPU/memory) usage of nodes\n  pod           Display resource (CPU/memory) usage of pods\n\nUsage:\n  kubectl top [flags] [options]",
        ));
    };
    Err(KubectlError::msg(format!("error: unknown command \"{what}\" for \"kubectl top\"")))
}

/// Runs `kubectl top pods`.
pub fn pods(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    require_metrics_api(cluster)?;
    top_pods(cluster, &args)
}

/// Runs `kubectl top nodes`.
pub fn nodes(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    require_metrics_api(cluster)?;
    top_nodes(cluster, &args)
}

/// kubectl asks discovery for `metrics.k8s.io` before it reads anything, and stops there when
/// the group is not served.
fn require_metrics_api(cluster: &Cluster) -> Result<(), KubectlError> {
    if crate::sim::metrics::api_available(cluster) {
        Ok(())
    } else {
        Err(KubectlError::msg("error: Metrics API not available"))
    }
}

fn sort_rows(rows: &mut [(Vec<String>, u64, u64)], by: Option<&str>) -> Result<(), KubectlError> {
    match by {
        None => {}
        Some("cpu") => rows.sort_by_key(|r| std::cmp::Reverse(r.1)),
        Some("memory") => rows.sort_by_key(|r| std::cmp::Reverse(r.2)),
        Some(other) => {
            return Err(KubectlError::msg(format!("error: --sort-by accepts only cpu or memory, got \"{other}\"")));
        }
    }
    Ok(())
}

fn top_pods(cluster: &Cluster, args: &Args) -> Result<Done, KubectlError> {
    let ns = args.namespace();
    let all = args.all_namespaces();
    let selector = match args.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| KubectlError::msg(format!("error: {e}")))?),
        None => None,
    };
    let name = args.positional.first();
    let pods: Vec<&Pod> = match name {
        Some(n) => vec![
            cluster
                .pods()
                .get(&key(ns, n))
                .ok_or_else(|| crate::sim::change::ApiError::not_found(crate::sim::kind::Kind::Pod, n))?,
        ],
        None => cluster
            .pods()
            .values()
            .filter(|p| (all || p.meta.namespace == ns) && selector.as_ref().is_none_or(|s| s.matches(&p.meta.labels)))
            .collect(),
    };
    let containers = args.switch(flag::TOP_CONTAINERS);
    let mut rows: Vec<(Vec<String>, u64, u64)> = Vec::new();
    for p in &pods {
        let Some(metrics) = pod_metrics(cluster, p) else {
            continue;
        };
        let lead = |mut v: Vec<String>| {
            if all {
                v.insert(0, p.meta.namespace.clone());
            }
            v
        };
        if containers {
            for (c, cpu, mem) in metrics {
                rows.push((
                    lead(vec![p.meta.name.clone(), c, format!("{}m", cpu.0), format!("{}Mi", mem.0)]),
                    cpu.0,
                    mem.0,
                ));
            }
        } else {
            let cpu: u64 = metrics.iter().map(|m| m.1.0).sum();
            let mem: u64 = metrics.iter().map(|m| m.2.0).sum();
            rows.push((lead(vec![p.meta.name.clone(), format!("{cpu}m"), format!("{mem}Mi")]), cpu, mem));
        }
    }
    if rows.is_empty() {
        if pods.is_empty() {
            return Done::read(if all {
                "No resources found".to_owned()
            } else {
                format!("No resources found in {ns} namespace.")
            });
        }
        return Err(no_metrics(cluster, &pods));
    }
    sort_rows(&mut rows, args.value(flag::SORT_BY))?;
    let mut header = if containers {
        vec!["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    } else {
        vec!["NAME", "CPU(cores)", "MEMORY(bytes)"]
    };
    if all {
        header.insert(0, "NAMESPACE");
    }
    let (cpu_sum, mem_sum): (u64, u64) = rows.iter().fold((0, 0), |(a, b), r| (a + r.1, b + r.2));
    let mut cells: Vec<Vec<String>> = rows.into_iter().map(|r| r.0).collect();
    if args.switch(flag::SUM) {
        let blanks = header.len() - 2;
        let mut bar: Vec<String> = vec![String::new(); blanks];
        bar.extend(["________".to_owned(), "________".to_owned()]);
        let mut total: Vec<String> = vec![String::new(); blanks];
        total.extend([format!("{cpu_sum}m"), format!("{mem_sum}Mi")]);
        cells.push(bar);
        cells.push(total);
    }
    Done::read(table::render(&header, &cells, args.switch(flag::NO_HEADERS)))
}

fn top_nodes(cluster: &Cluster, args: &Args) -> Result<Done, KubectlError> {
    let selector = match args.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| KubectlError::msg(format!("error: {e}")))?),
        None => None,
    };
    let nodes: Vec<_> = match args.positional.first() {
        Some(n) => vec![
            cluster
                .nodes()
                .get(n.as_str())
                .ok_or_else(|| crate::sim::change::ApiError::not_found(crate::sim::kind::Kind::Node, n))?,
        ],
        None => {
            cluster.nodes().values().filter(|n| selector.as_ref().is_none_or(|s| s.matches(&n.meta.labels))).collect()
        }
    };
    if nodes.is_empty() {
        return Done::read("No resources found");
    }
    let mut rows: Vec<(Vec<String>, u64, u64)> = Vec::new();
    let mut unknown: Vec<Vec<String>> = Vec::new();
    for n in nodes {
        if n.kubelet != KubeletState::Running || !n.is_ready() {
            let u = "<unknown>".to_owned();
            unknown.push(vec![n.meta.name.clone(), u.clone(), u.clone(), u.clone(), u]);
            continue;
        }
        // The OS, kubelet and container runtime use some of every node.
        let mut cpu = crate::sim::traffic::cpu::node_overhead_millicores(n);
        let mut mem = 600 + n.memory.0 / 20;
        for p in cluster.pods().values().filter(|p| p.status.node.as_deref() == Some(n.meta.name.as_str())) {
            for (_, c, m) in pod_metrics(cluster, p).unwrap_or_default() {
                cpu += c.0;
                mem += m.0;
            }
        }
        let pct = |part: u64, whole: u64| (part * 100).checked_div(whole).unwrap_or(0);
        rows.push((
            vec![
                n.meta.name.clone(),
                format!("{cpu}m"),
                format!("{}%", pct(cpu, n.allocatable_cpu().0)),
                format!("{mem}Mi"),
                format!("{}%", pct(mem, n.allocatable_memory().0)),
            ],
            cpu,
            mem,
        ));
    }
    sort_rows(&mut rows, args.value(flag::SORT_BY))?;
    let mut cells: Vec<Vec<String>> = rows.into_iter().map(|r| r.0).collect();
    cells.extend(unknown);
    Done::read(table::render(
        &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
        &cells,
        args.switch(flag::NO_HEADERS),
    ))
}
