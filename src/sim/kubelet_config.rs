//! The kubelet's start: it reads `/var/lib/kubelet/config.yaml` once, when it starts, and runs on
//! what it read (`maxPods`, `systemReserved` and `kubeReserved`, which shape the node's
//! Allocatable, `clusterDNS`), so an edit to the file takes effect only on `systemctl restart
//! kubelet` or a reboot. A file it cannot decode, or swap on while `failSwapOn` holds, makes it
//! exit with the error the real kubelet logs; systemd then restarts it every ten seconds.

use serde_json::Value;

use super::cluster::Cluster;
use super::control_plane::{self, KUBELET_CONFIG};
use super::objects::{KubeletState, Node};
use super::quantity::{Mebibytes, Millicores};

/// How often systemd restarts a kubelet that exited (`RestartSec=10` in kubeadm's unit).
pub const RESTART_SECONDS: i64 = 10;

/// What a running kubelet took from its configuration file when it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeletSettings {
    pub max_pods: u32,
    /// `systemReserved` plus `kubeReserved`: taken off Capacity to make Allocatable.
    pub reserved_cpu: Millicores,
    pub reserved_memory: Mebibytes,
    /// The nameserver it writes into pods' `/etc/resolv.conf` (first of `clusterDNS`).
    pub cluster_dns: String,
    pub fail_swap_on: bool,
}

/// The kubelet's words for a configuration file it could not load.
fn load_error(detail: &str) -> String {
    format!(
        "failed to load kubelet config file, path: {KUBELET_CONFIG}, error: failed to load Kubelet config file {KUBELET_CONFIG}, error failed to decode: {detail}"
    )
}

fn unmarshal_error(found: &Value, field: &str, go_type: &str) -> String {
    let json_type = match found {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    };
    load_error(&format!(
        "json: cannot unmarshal {json_type} into Go struct field KubeletConfiguration.{field} of type {go_type}"
    ))
}

const QUANTITY_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// `systemReserved`/`kubeReserved`: a map of quantities; `(cpu, memory)`.
fn reserved(config: &Value, field: &str) -> Result<(Millicores, Mebibytes), String> {
    let Some(map) = config.get(field).filter(|v| !v.is_null()) else {
        return Ok((Millicores(0), Mebibytes(0)));
    };
    let Some(map) = map.as_object() else {
        return Err(unmarshal_error(map, field, "map[string]string"));
    };
    let text = |key: &str| -> Option<String> {
        map.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let cpu = match text("cpu") {
        Some(t) => t.parse().map_err(|_| load_error(QUANTITY_ERROR))?,
        None => Millicores(0),
    };
    let memory = match text("memory") {
        Some(t) => t.parse().map_err(|_| load_error(QUANTITY_ERROR))?,
        None => Mebibytes(0),
    };
    Ok((cpu, memory))
}

/// Decodes the configuration text as the kubelet does at start, or the error it exits with.
pub fn decode(text: &str, default_max_pods: u32) -> Result<KubeletSettings, String> {
    let docs = crate::sim::manifest::parse::documents(text).map_err(|e| load_error(&e.to_string()))?;
    let config = docs.into_iter().next().unwrap_or(Value::Null);
    if !config.is_object() {
        return Err(load_error(
            "json: cannot unmarshal string into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }",
        ));
    }
    let max_pods = match config.get("maxPods") {
        None | Some(Value::Null) => default_max_pods,
        Some(v) => match v.as_i64() {
            Some(n) if n < 0 => {
                return Err(format!("invalid configuration: maxPods (--max-pods) {n} must not be a negative number"));
            }
            Some(n) => u32::try_from(n).map_err(|_| unmarshal_error(v, "maxPods", "int32"))?,
            None => return Err(unmarshal_error(v, "maxPods", "int32")),
        },
    };
    let (sys_cpu, sys_mem) = reserved(&config, "systemReserved")?;
    let (kube_cpu, kube_mem) = reserved(&config, "kubeReserved")?;
    let cluster_dns = match config.get("clusterDNS") {
        None | Some(Value::Null) => String::new(),
        Some(Value::Array(list)) => list.first().and_then(Value::as_str).unwrap_or_default().to_owned(),
        Some(other) => return Err(unmarshal_error(other, "clusterDNS", "[]string")),
    };
    let fail_swap_on = match config.get("failSwapOn") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(unmarshal_error(other, "failSwapOn", "bool")),
    };
    Ok(KubeletSettings {
        max_pods,
        reserved_cpu: Millicores(sys_cpu.0 + kube_cpu.0),
        reserved_memory: Mebibytes(sys_mem.0 + kube_mem.0),
        cluster_dns,
        fail_swap_on,
    })
}

/// Where the node's file systems and swap are listed for boot.
pub const FSTAB: &str = "/etc/fstab";

/// The swap file `/etc/fstab` turns on at boot (an uncommented line of type `swap`), if any.
pub fn fstab_swap(node: &Node) -> Option<String> {
    node.config_files.get(FSTAB)?.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [device, _, "swap", ..] if !device.starts_with('#') => Some((*device).to_owned()),
            _ => None,
        }
    })
}

/// The kubelet's own message when swap is on and `failSwapOn` holds.
pub const SWAP_ERROR: &str = "failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false";

/// What the kubelet does when it starts on this node now: the settings it runs with, or the
/// error it exits with.
pub fn start_outcome(node: &Node) -> Result<KubeletSettings, String> {
    let text = control_plane::kubelet_config_text(node);
    let settings = decode(&text, node.max_pods)?;
    if node.swap && settings.fail_swap_on {
        return Err(SWAP_ERROR.to_owned());
    }
    Ok(settings)
}

/// Starts (or restarts) the kubelet on a node: it reads its configuration and runs on it, or
/// exits with its error and stays down, retried by systemd.
pub fn start(node: &mut Node, now: i64) {
    match start_outcome(node) {
        Ok(settings) => {
            node.max_pods = settings.max_pods;
            node.kubelet_process.settings = Some(settings);
            node.kubelet = KubeletState::Running;
            node.kubelet_process.error = None;
            node.kubelet_process.started = Some(now);
        }
        Err(error) => {
            if node.kubelet == KubeletState::Running {
                node.last_heartbeat = now;
            }
            node.kubelet = KubeletState::Failed;
            node.kubelet_process.error = Some(error);
            node.kubelet_process.started = Some(now);
        }
    }
}

/// systemd's restart of kubelets that exited: each tries again every [`RESTART_SECONDS`], and
/// comes up once its file (or swap) has been fixed.
pub fn restart_failed(cluster: &mut Cluster) {
    let now = cluster.now;
    let due: Vec<String> = cluster
        .nodes()
        .values()
        .filter(|n| {
            n.kubelet == KubeletState::Failed && n.kubelet_process.started.is_none_or(|t| now - t >= RESTART_SECONDS)
        })
        .map(|n| n.meta.name.clone())
        .collect();
    for name in due {
        // Still failing: systemd's restart counter goes up, nothing the API sees changes.
        let comes_up = cluster.nodes().get(&name).is_some_and(|n| start_outcome(n).is_ok());
        if comes_up && let Some(n) = cluster.nodes_mut().get_mut(&name) {
            start(n, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubeadm(edit: &str) -> String {
        let cluster = crate::sim::manifest::fixture::fixture();
        let node = cluster.nodes().values().next().expect("a node");
        control_plane::kubelet_config(node).replace("maxPods: 110", edit)
    }

    #[test]
    fn kubeadm_config_decodes_to_its_defaults() {
        let s = decode(&kubeadm("maxPods: 110"), 110).expect("kubeadm's file loads");
        assert_eq!(s.max_pods, 110);
        assert_eq!(s.reserved_cpu, Millicores(0));
        assert_eq!(s.cluster_dns, "10.96.0.10");
        assert!(s.fail_swap_on);
    }

    #[test]
    fn reservations_and_max_pods_are_read() {
        let text = kubeadm("maxPods: 4\nsystemReserved:\n  cpu: 3500m\n  memory: 14Gi\nkubeReserved:\n  cpu: 200m");
        let s = decode(&text, 110).expect("loads");
        assert_eq!(s.max_pods, 4);
        assert_eq!(s.reserved_cpu, Millicores(3700));
        assert_eq!(s.reserved_memory, Mebibytes(14 * 1024));
    }

    #[test]
    fn bad_files_fail_with_the_kubelets_words() {
        let err = decode(&kubeadm("maxPods: lots"), 110).expect_err("a string is no int32");
        assert!(
            err.ends_with(
                "json: cannot unmarshal string into Go struct field KubeletConfiguration.maxPods of type int32"
            ),
            "{err}"
        );
        assert!(err.starts_with("failed to load kubelet config file, path: /var/lib/kubelet/config.yaml"), "{err}");
        let err = decode(&kubeadm("maxPods: -1"), 110).expect_err("negative");
        assert_eq!(err, "invalid configuration: maxPods (--max-pods) -1 must not be a negative number");
        let err = decode("apiVersion: v1\n  kind: [", 110).expect_err("not yaml");
        assert!(err.contains("error failed to decode: yaml: line"), "{err}");
        let err = decode(&kubeadm("systemReserved:\n  cpu: lots"), 110).expect_err("quantity");
        assert!(err.ends_with(QUANTITY_ERROR), "{err}");
    }
}
