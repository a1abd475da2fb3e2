//! Whether the API server answers. On a kubeadm cluster the API server is the kube-apiserver
//! static pod: it answers while its container runs on the control-plane node, which needs its
//! manifest in place, the node's kubelet running and a command line the binary accepts. While it
//! does not answer, every kubectl command is refused at the client, the controllers (which all
//! talk to it) stand still, and the kubelets keep running what they run.
//!
//! A cluster without a modelled control plane has an API server that always answers.

use crate::sim::cluster::{Cluster, key};
use crate::sim::control_plane::{self, Component};
use crate::sim::objects::ContainerState;

/// Whether the API server answers requests.
pub fn answers(cluster: &Cluster) -> bool {
    let Some(node) = control_plane::node(cluster) else {
        return true;
    };
    // Without etcd the API server has nowhere to read or write: it fails its health checks and
    // exits at start.
    let status = control_plane::Status::read(cluster);
    if !status.runs(Component::ApiServer) || !status.runs(Component::Etcd) {
        return false;
    }
    // The kubelet's own view of the static pod (its mirror): the container has to be up.
    let mirror = key("kube-system", &format!("{}-{}", Component::ApiServer.name(), node.meta.name));
    // (A binary that refuses its flags never serves, not even between restarts.) Before the
    // kubelet has mirrored the pod at all (a cluster just built) its manifest alone decides.
    match cluster.pods().get(&mirror) {
        Some(pod) => {
            pod.spec.containers.iter().all(|c| command_error(&c.command).is_none())
                && pod.status.containers.iter().any(|c| matches!(c.state, ContainerState::Running { .. }))
        }
        None => control_plane::static_pods_of(cluster, node)
            .iter()
            .any(|(_, p)| p.name == Component::ApiServer.name() && command_error(&p.command).is_none()),
    }
}

/// The flags each control-plane binary accepts (a subset of the real ones: those kubeadm writes
/// and those people commonly add or remember from older releases that still exist).
fn known_flags(component: Component) -> &'static [&'static str] {
    match component {
        Component::ApiServer => &[
            "admission-control-config-file",
            "advertise-address",
            "allow-privileged",
            "anonymous-auth",
            "api-audiences",
            "audit-log-maxage",
            "audit-log-maxbackup",
            "audit-log-maxsize",
            "audit-log-path",
            "audit-policy-file",
            "authentication-config",
            "authorization-config",
            "authorization-mode",
            "bind-address",
            "client-ca-file",
            "disable-admission-plugins",
            "enable-admission-plugins",
            "enable-aggregator-routing",
            "enable-bootstrap-token-auth",
            "encryption-provider-config",
            "endpoint-reconciler-type",
            "etcd-cafile",
            "etcd-certfile",
            "etcd-keyfile",
            "etcd-servers",
            "event-ttl",
            "feature-gates",
            "kubelet-client-certificate",
            "kubelet-client-key",
            "kubelet-preferred-address-types",
            "max-mutating-requests-inflight",
            "max-requests-inflight",
            "oidc-client-id",
            "oidc-groups-claim",
            "oidc-issuer-url",
            "oidc-username-claim",
            "profiling",
            "proxy-client-cert-file",
            "proxy-client-key-file",
            "request-timeout",
            "requestheader-allowed-names",
            "requestheader-client-ca-file",
            "requestheader-extra-headers-prefix",
            "requestheader-group-headers",
            "requestheader-username-headers",
            "runtime-config",
            "secure-port",
            "service-account-issuer",
            "service-account-key-file",
            "service-account-signing-key-file",
            "service-cluster-ip-range",
            "service-node-port-range",
            "tls-cert-file",
            "tls-cipher-suites",
            "tls-min-version",
            "tls-private-key-file",
            "token-auth-file",
            "v",
        ],
        Component::Etcd => &[
            "advertise-client-urls",
            "auto-compaction-mode",
            "auto-compaction-retention",
            "cert-file",
            "client-cert-auth",
            "data-dir",
            "experimental-initial-corrupt-check",
            "experimental-watch-progress-notify-interval",
            "initial-advertise-peer-urls",
            "initial-cluster",
            "initial-cluster-state",
            "key-file",
            "listen-client-urls",
            "listen-metrics-urls",
            "listen-peer-urls",
            "name",
            "peer-cert-file",
            "peer-client-cert-auth",
            "peer-key-file",
            "peer-trusted-ca-file",
            "quota-backend-bytes",
            "snapshot-count",
            "trusted-ca-file",
        ],
        Component::ControllerManager | Component::Scheduler => &[],
    }
}

/// What a control-plane binary prints when its command line names a flag it does not have, the
/// last line before it exits 1; `None` when it accepts the line (or is not one this knows).
pub fn command_error(command: &[String]) -> Option<String> {
    let component = Component::ALL.into_iter().find(|c| command.first().is_some_and(|w| w == c.name()))?;
    let known = known_flags(component);
    if known.is_empty() {
        return None;
    }
    let unknown = command.iter().skip(1).find_map(|word| {
        let name = word.strip_prefix("--")?.split('=').next().unwrap_or_default();
        (!known.contains(&name)).then(|| name.to_owned())
    })?;
    Some(match component {
        // etcd parses its flags with Go's flag package.
        Component::Etcd => format!("flag provided but not defined: -{unknown}"),
        _ => format!("Error: unknown flag: --{unknown}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn kubeadms_own_command_lines_are_accepted() {
        for c in Component::ALL {
            let pod = control_plane::StaticPod::parse(&c.manifest("cp", "10.0.0.10", "v1.31.0")).expect("parses");
            assert_eq!(command_error(&pod.command), None, "{}", c.name());
        }
    }

    #[test]
    fn a_flag_removed_long_ago_is_refused() {
        assert_eq!(
            command_error(&words("kube-apiserver --secure-port=6443 --insecure-port=0")),
            Some("Error: unknown flag: --insecure-port".to_owned())
        );
        assert_eq!(
            command_error(&words("etcd --data-dir=/var/lib/etcd --quota-bytes=8")),
            Some("flag provided but not defined: -quota-bytes".to_owned())
        );
        assert_eq!(command_error(&words("web --anything")), None);
    }
}
