//! Tests for `exec` and the debug pod, against the shared fixture plus `CoreDNS`.

use crate::sim::apps::{AppProfile, AppRole, Image};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::describe::fixture::{cluster, running_status};
use crate::sim::objects::{
    Container, EndpointAddress, Endpoints, IntOrString, Meta, Namespace, NetworkPolicy, Pod, PodPhase, PodSpec,
    PodStatus, PolicyType, Service, ServicePort, ServiceType, Volume, VolumeMount, VolumeSource,
};

const POD: &str = "web-6d4cf56db6-4xk2p";

/// The fixture with images resolved to apps and a working `CoreDNS`.
fn world() -> Cluster {
    let mut c = cluster();
    c.registry_mut().images.push(Image {
        repository: "shop/web".into(),
        tags: [("1.4.2".into(), "web".into())].into(),
        private: false,
    });
    c.registry_mut().images.push(Image {
        repository: "coredns/coredns".into(),
        tags: [("1.11.1".into(), "coredns".into())].into(),
        private: false,
    });
    c.apps_mut().insert(
        "web".into(),
        AppProfile { paths: vec!["/checkout".into(), "/healthz".into()], ..AppProfile::default() },
    );
    c.apps_mut().insert("coredns".into(), AppProfile { port: Some(53), role: AppRole::Dns, ..AppProfile::default() });
    c.namespaces_mut().insert("kube-system".into(), Namespace { meta: Meta::new("kube-system", "") });
    let dns = Pod {
        meta: Meta::new("coredns-7db6d8ff4d-abcde", "kube-system"),
        spec: PodSpec {
            containers: vec![Container {
                name: "coredns".into(),
                image: "coredns/coredns:1.11.1".into(),
                ..Container::default()
            }],
            ..PodSpec::default()
        },
        status: PodStatus {
            phase: PodPhase::Running,
            node: Some("node-1".into()),
            pod_ip: Some("10.244.0.3".into()),
            containers: vec![running_status("coredns", "coredns/coredns:1.11.1", 0)],
            ..PodStatus::default()
        },
    };
    c.pods_mut().insert(key("kube-system", &dns.meta.name), dns);
    c.services_mut().insert(
        key("kube-system", "kube-dns"),
        Service {
            meta: Meta::new("kube-dns", "kube-system"),
            kind: ServiceType::ClusterIP,
            selector: [("k8s-app".to_owned(), "kube-dns".to_owned())].into(),
            ports: vec![ServicePort {
                name: Some("dns".into()),
                port: 53,
                target_port: IntOrString::Int(53),
                protocol: "UDP".into(),
            }],
            cluster_ip: "10.96.0.10".into(),
        },
    );
    c.endpoints_mut().insert(
        key("kube-system", "kube-dns"),
        Endpoints {
            meta: Meta::new("kube-dns", "kube-system"),
            ready: vec![EndpointAddress {
                ip: "10.244.0.3".into(),
                pod: "coredns-7db6d8ff4d-abcde".into(),
                node: "node-1".into(),
            }],
            not_ready: Vec::new(),
            ports: vec![(Some("dns".into()), 53)],
        },
    );
    // Mount the config map as files.
    if let Some(p) = c.pods_mut().get_mut(&key("default", POD)) {
        p.spec.volumes.push(Volume { name: "config".into(), source: VolumeSource::ConfigMap("app-config".into()) });
        p.spec.containers[0].volume_mounts.push(VolumeMount { name: "config".into(), mount_path: "/etc/app".into() });
    }
    c
}

fn exec(c: &mut Cluster, line: &str) -> Result<String, String> {
    let args: Vec<String> = shlex::split(line).unwrap_or_default();
    super::run(c, &args).map(|d| d.output).map_err(|e| e.to_string())
}

fn debug(c: &mut Cluster, line: &str) -> Result<String, String> {
    let args: Vec<String> = shlex::split(line).unwrap_or_default();
    let Some((exe, rest)) = args.split_first() else { return Err(String::new()) };
    super::debug_pod(c, exe, rest).map(|d| d.output).map_err(|e| e.to_string())
}

#[test]
fn resolv_conf_hosts_and_mounted_files() {
    let mut c = world();
    assert_eq!(
        exec(&mut c, &format!("-it {POD} -- cat /etc/resolv.conf")),
        Ok("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5"
            .to_owned())
    );
    assert_eq!(exec(&mut c, &format!("{POD} -- cat /etc/app/DB_URL")), Ok("postgres://db:5432/shop".to_owned()));
    assert_eq!(exec(&mut c, &format!("{POD} -- ls /etc/app")), Ok("DB_URL".to_owned()));
    assert_eq!(
        exec(&mut c, &format!("{POD} -- cat /etc/app/DATABASE_URL")),
        Err("cat: can't open '/etc/app/DATABASE_URL': No such file or directory\ncommand terminated with exit code 1"
            .to_owned())
    );
    let hosts = exec(&mut c, &format!("{POD} -- cat /etc/hosts")).unwrap_or_default();
    assert!(hosts.starts_with("# Kubernetes-managed hosts file.\n127.0.0.1       localhost\n"));
    assert!(hosts.ends_with("\n10.244.1.5      web-6d4cf56db6-4xk2p"));
}

#[test]
fn env_resolves_references_and_service_links() {
    let mut c = world();
    assert_eq!(
        exec(&mut c, &format!("{POD} -- env")),
        Ok([
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=web-6d4cf56db6-4xk2p",
            "DB_URL=postgres://db:5432/shop",
            "WEB_SERVICE_HOST=10.96.12.4",
            "WEB_SERVICE_PORT=80",
            "WEB_PORT=tcp://10.96.12.4:80",
            "KUBERNETES_SERVICE_HOST=10.96.0.1",
            "KUBERNETES_SERVICE_PORT=443",
            "KUBERNETES_SERVICE_PORT_HTTPS=443",
            "KUBERNETES_PORT=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP_PROTO=tcp",
            "KUBERNETES_PORT_443_TCP_PORT=443",
            "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
            "HOME=/root",
        ]
        .join("\n"))
    );
    assert_eq!(exec(&mut c, &format!("{POD} -- printenv DB_URL")), Ok("postgres://db:5432/shop".to_owned()));
    assert_eq!(exec(&mut c, &format!("{POD} -- printenv NOPE")), Err("command terminated with exit code 1".to_owned()));
    assert_eq!(
        exec(&mut c, &format!("{POD} -- sh -c 'env | grep DB_'")),
        Ok("DB_URL=postgres://db:5432/shop".to_owned())
    );
}

#[test]
fn exec_errors_read_like_kubectl() {
    let mut c = world();
    assert_eq!(exec(&mut c, "nope -- ls"), Err("Error from server (NotFound): pods \"nope\" not found".to_owned()));
    assert_eq!(
        exec(&mut c, "web-6d4cf56db6-x7k2p -- ls"),
        Err("error: unable to upgrade connection: container not found (\"web\")".to_owned())
    );
    assert_eq!(exec(&mut c, POD), Err("error: you must specify at least one command for the container".to_owned()));
    assert!(
        exec(&mut c, &format!("{POD} ls"))
            .is_err_and(|e| e.starts_with("error: exec [POD] [COMMAND] is not supported anymore."))
    );
    let oci = exec(&mut c, &format!("{POD} -- foo")).err().unwrap_or_default();
    assert!(oci.starts_with("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""));
    assert!(oci.ends_with("\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"foo\": executable file not found in $PATH: unknown"));
    if let Some(p) = c.pods_mut().get_mut(&key("default", POD)) {
        p.status.phase = PodPhase::Failed;
    }
    assert_eq!(
        exec(&mut c, &format!("{POD} -- ls")),
        Err("error: cannot exec into a container in a completed pod; current phase is Failed".to_owned())
    );
}

#[test]
fn nslookup_outcomes() {
    let mut c = world();
    assert_eq!(
        exec(&mut c, &format!("{POD} -- nslookup web")),
        Ok("Server:         10.96.0.10\nAddress:        10.96.0.10:53\n\nName:   web.default.svc.cluster.local\nAddress: 10.96.12.4".to_owned())
    );
    assert_eq!(
        exec(&mut c, &format!("{POD} -- nslookup nope")),
        Err("Server:         10.96.0.10\nAddress:        10.96.0.10:53\n\n** server can't find nope: NXDOMAIN\ncommand terminated with exit code 1".to_owned())
    );
    c.endpoints_mut().remove(&key("kube-system", "kube-dns"));
    assert_eq!(debug(&mut c, "nslookup web"), Err(";; connection timed out; no servers could be reached".to_owned()));
}

#[test]
fn curl_and_wget_outcomes() {
    let mut c = world();
    assert_eq!(
        exec(&mut c, &format!("{POD} -- curl -s http://web/checkout")),
        Ok("200 OK (web-6d4cf56db6-4xk2p)".to_owned())
    );
    assert_eq!(debug(&mut c, "curl -s -o /dev/null -w '%{http_code}' web/nope -n default"), Ok("404".to_owned()));
    assert_eq!(
        exec(&mut c, &format!("{POD} -- curl web:81")),
        Err("curl: (7) Failed to connect to web port 81 after 2 ms: Couldn't connect to server\ncommand terminated with exit code 7".to_owned())
    );
    assert_eq!(debug(&mut c, "curl http://nope"), Err("curl: (6) Could not resolve host: nope".to_owned()));
    assert_eq!(
        exec(&mut c, &format!("{POD} -- wget -qO- web/checkout")),
        Ok("200 OK (web-6d4cf56db6-4xk2p)".to_owned())
    );
    assert_eq!(
        exec(&mut c, &format!("{POD} -- wget -qO- web:81")),
        Err("wget: can't connect to remote host (10.96.12.4): Connection refused\ncommand terminated with exit code 1"
            .to_owned())
    );
    assert_eq!(debug(&mut c, "wget -qO- nope"), Err("wget: bad address 'nope'".to_owned()));
    // A default-deny policy drops the packets: a timeout, not a refusal.
    c.netpols_mut().insert(
        key("default", "deny"),
        NetworkPolicy {
            meta: Meta::new("deny", "default"),
            pod_selector: crate::sim::objects::Labels::default(),
            policy_types: vec![PolicyType::Ingress],
            ingress: Vec::new(),
            egress: Vec::new(),
            pod_selector_expressions: Vec::new(),
        },
    );
    assert_eq!(
        debug(&mut c, "curl -m 3 http://web/checkout"),
        Err("curl: (28) Connection timed out after 3001 milliseconds".to_owned())
    );
    assert_eq!(debug(&mut c, "wget -q -O- http://web/checkout"), Err("wget: download timed out".to_owned()));
    assert_eq!(
        debug(&mut c, "curl -n shop web"),
        Err("Error from server (NotFound): namespaces \"shop\" not found".to_owned())
    );
}
