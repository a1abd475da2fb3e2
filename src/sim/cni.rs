//! The container network (CNI) on each node: flannel's config in `/etc/cni/net.d`, which
//! containerd loads whenever it changes. A node whose runtime finds no loadable network config
//! reports `NetworkReady=false`, and its kubelet turns the node's `Ready` condition False.

use super::cluster::Cluster;
use super::objects::Node;

/// Where containerd looks for network configs (`conf_dir` of its CRI plugin).
pub const CONFIG_DIR: &str = "/etc/cni/net.d";

/// The config flannel's `install-cni` init container copies onto every node.
pub const FLANNEL_CONFLIST_PATH: &str = "/etc/cni/net.d/10-flannel.conflist";

/// `cni-conf.json` of the `kube-flannel-cfg` config map in flannel's release manifest.
pub const FLANNEL_CONFLIST: &str = r#"{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
"#;

/// `/opt/cni/bin`: the reference plugins kubeadm's `kubernetes-cni` package installs, and flannel's.
pub const PLUGIN_BINARIES: &[&str] = &[
    "bandwidth",
    "bridge",
    "dhcp",
    "dummy",
    "firewall",
    "flannel",
    "host-device",
    "host-local",
    "ipvlan",
    "loopback",
    "macvlan",
    "portmap",
    "ptp",
    "sbr",
    "static",
    "tap",
    "tuning",
    "vlan",
    "vrf",
];

/// The `Ready` message a kubelet posts while its runtime's network is not ready.
pub const NOT_READY_MESSAGE: &str = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

/// Writes flannel's config onto a node, as its daemon set pod did when the node joined.
pub fn install(node: &mut Node) {
    node.config_files.entry(FLANNEL_CONFLIST_PATH.to_owned()).or_insert_with(|| FLANNEL_CONFLIST.to_owned());
}

/// Whether the cluster runs a CNI at all: a kubeadm cluster (one with a control-plane node) does;
/// a bare scenario cluster has no network layer to break.
pub fn managed(cluster: &Cluster) -> bool {
    super::control_plane::node(cluster).is_some()
}

/// Whether containerd can load a network config from the node's `/etc/cni/net.d`: a file there
/// named `*.conf`, `*.conflist` or `*.json` that parses as a network config. Any other file (a
/// `.bak`, a garbled file) is skipped, as libcni skips it.
pub fn network_ready(node: &Node) -> bool {
    node.config_files.iter().any(|(path, text)| {
        let Some(name) = path.strip_prefix(CONFIG_DIR).and_then(|r| r.strip_prefix('/')) else {
            return false;
        };
        let loadable = !name.contains('/') && [".conf", ".conflist", ".json"].iter().any(|ext| name.ends_with(ext));
        loadable && parses(name, text)
    })
}

/// [`network_ready`], from the step's parse while the node's files are unchanged since.
pub fn network_ready_in(cluster: &Cluster, node: &Node) -> bool {
    cluster.node_files(node).map_or_else(|| network_ready(node), |parsed| parsed.network_ready)
}

/// Why the runtime cannot set up a new pod's sandbox network on its node, in the words of the
/// kubelet's `FailedCreatePodSandBox` event; `None` when it can (or the pod has one already).
pub fn sandbox_error(cluster: &Cluster, pod: &super::objects::Pod) -> Option<String> {
    if pod.status.pod_ip.is_some() || !managed(cluster) {
        return None;
    }
    let node = cluster.nodes().get(pod.status.node.as_deref()?)?;
    if network_ready_in(cluster, node) {
        return None;
    }
    let sandbox =
        crate::sim::kubectl::describe::hex_id(&format!("sandbox/{}/{}", pod.meta.namespace, pod.meta.name), 64);
    Some(format!(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"{sandbox}\": cni plugin not initialized"
    ))
}

/// libcni's checks: a conflist needs a `plugins` list whose every entry has a `type`; a single
/// config needs a `type`.
fn parses(name: &str, text: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let has_type =
        |v: &serde_json::Value| v.get("type").and_then(serde_json::Value::as_str).is_some_and(|t| !t.is_empty());
    if name.ends_with(".conflist") {
        value
            .get("plugins")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|plugins| !plugins.is_empty() && plugins.iter().all(has_type))
    } else {
        has_type(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_with(files: &[(&str, &str)]) -> Node {
        let mut node = crate::sim::controllers::test_support::node("node-1");
        node.config_files = files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        node
    }

    #[test]
    fn flannels_config_makes_the_network_ready() {
        assert!(network_ready(&node_with(&[(FLANNEL_CONFLIST_PATH, FLANNEL_CONFLIST)])));
        let mut node = node_with(&[]);
        install(&mut node);
        assert!(network_ready(&node));
    }

    #[test]
    fn a_missing_moved_or_garbled_config_is_not_loaded() {
        assert!(!network_ready(&node_with(&[])));
        assert!(!network_ready(&node_with(&[("/etc/cni/net.d/10-flannel.conflist.bak", FLANNEL_CONFLIST)])));
        assert!(!network_ready(&node_with(&[("/root/10-flannel.conflist", FLANNEL_CONFLIST)])));
        assert!(!network_ready(&node_with(&[(FLANNEL_CONFLIST_PATH, "{\n  \"name\": \"cbr0\",\n  \"plugins\": [\n")])));
        assert!(!network_ready(&node_with(&[(
            FLANNEL_CONFLIST_PATH,
            "{\"name\": \"cbr0\", \"plugins\": [{\"delegate\": {}}]}"
        )])));
    }
}
