//! The control plane's own failures reproduced from cause: etcd past its quota (row 40 of
//! docs/failure-catalog.md), etcd's and the API server's static pods broken (row 47). Each fixture breaks a file a real kubeadm node has; the test
//! reads the symptoms through the console (kubectl refused, the node shell still answering),
//! applies the catalog's fix through the node shell and checks the cluster comes back.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

const FIXTURES: &[&str] = &["modes/m40-etcd-nospace.ron", "modes/m47-apiserver-bad-flag.ron"];

#[test]
fn every_control_plane_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

/// Mode 47: kube-apiserver exits on a flag it does not have. kubectl is refused at the server's
/// real address, the node shell shows the crash, the storefront keeps serving, and nothing the
/// API server would have to carry happens until the manifest is fixed.
#[test]
fn m47_apiserver_bad_flag() {
    let mut s = session("modes/m47-apiserver-bad-flag.ron");
    let ip = kombat::sim::control_plane::api_server_ip(&s.cluster).expect("a control plane");
    let refused =
        format!("The connection to the server {ip}:6443 was refused - did you specify the right host or port?");
    for line in ["kubectl get pods -n shop", "kubectl get nodes", "kubectl scale deployment web -n shop --replicas=4"] {
        let out = run(&mut s, line);
        assert_eq!(out, refused, "{line}");
    }
    let version = run(&mut s, "kubectl version");
    assert!(version.starts_with("Client Version: v1.31.0\nKustomize Version: "), "{version}");
    assert!(version.ends_with(&refused), "{version}");
    // The client-side commands still work: the kubeconfig points where it always did.
    expect(&mut s, "kubectl config view", &[&format!("server: https://{ip}:6443")]);
    expect(&mut s, "kubectl version --client", &["Client Version: v1.31.0"]);
    // The running pods keep serving.
    expect(&mut s, "/status", &["Checkout", "100.0% ok"]);
    // The node shell answers: the container exits at start with the binary's own complaint.
    let ps = ok(&mut s, "ssh control-plane -- crictl ps -a --name kube-apiserver");
    let row = ps.lines().nth(1).unwrap_or_default().to_owned();
    assert!(row.contains("Exited") && row.contains("kube-apiserver"), "{ps}");
    assert_eq!(ps.lines().count(), 2, "{ps}");
    let id = row.split_whitespace().next().unwrap_or_default();
    expect(&mut s, &format!("ssh control-plane -- crictl logs {id}"), &["Error: unknown flag: --insecure-port"]);
    expect(
        &mut s,
        "ssh control-plane -- journalctl -u kubelet",
        &[&format!("dial tcp {ip}:6443: connect: connection refused"), "\"Failed to ensure lease exists, will retry\""],
    );
    expect(
        &mut s,
        "ssh control-plane -- cat /etc/kubernetes/manifests/kube-apiserver.yaml",
        &["    - --insecure-port=0"],
    );
    // Restarting the kubelet runs the same manifest again.
    ok(&mut s, "ssh control-plane -- systemctl restart kubelet");
    wait(&mut s, 2);
    assert_eq!(run(&mut s, "kubectl get pods -n shop"), refused);
    ok(&mut s, "ssh control-plane -- sed -i '/--insecure-port/d' /etc/kubernetes/manifests/kube-apiserver.yaml");
    expect_not(&mut s, "ssh control-plane -- cat /etc/kubernetes/manifests/kube-apiserver.yaml", &["insecure-port"]);
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-apiserver-control-plane", "Running"]);
    expect_not(&mut s, "ssh control-plane -- journalctl -u kubelet -n 3", &["connection refused"]);
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=4");
    assert_wins(&mut s);
}

/// While the API server is down nothing reconciles: a replica deleted by hand on the node is
/// not replaced until it answers again.
#[test]
fn controllers_wait_for_the_api_server() {
    let mut s = session("modes/m47-apiserver-bad-flag.ron");
    let pods_before = s.cluster.pods().values().filter(|p| p.meta.namespace == "shop").count();
    // Someone scales by writing straight to the store (as a fault would): no controller acts.
    let change = kombat::sim::Change::Scale {
        kind: kombat::sim::Kind::Deployment,
        namespace: "shop".to_owned(),
        name: "web".to_owned(),
        replicas: 4,
    };
    s.cluster.apply(change, "test").expect("the change applies");
    wait(&mut s, 3);
    assert_eq!(s.cluster.pods().values().filter(|p| p.meta.namespace == "shop").count(), pods_before);
    ok(&mut s, "ssh control-plane -- sed -i '/--insecure-port/d' /etc/kubernetes/manifests/kube-apiserver.yaml");
    wait(&mut s, 1);
    assert!(s.cluster.pods().values().filter(|p| p.meta.namespace == "shop").count() > pods_before);
    assert_wins(&mut s);
}

const EXCEEDED: &str = "Error from server: etcdserver: mvcc: database space exceeded";

const CERTS: &str = "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";

fn etcdctl(s: &mut kombat::game::World, command: &str) -> String {
    run(s, &format!("ssh control-plane -- ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 {CERTS} {command}"))
}

/// Mode 40: etcd's database file is past its quota and its NOSPACE alarm is raised: reads work,
/// every write is refused, etcdctl shows the alarm, and only making room (defrag after the API
/// server's compaction) and then disarming lets writes through again.
#[test]
fn m40_etcd_database_space_exceeded() {
    let mut s = session("modes/m40-etcd-nospace.ron");
    expect(&mut s, "kubectl get pods -n shop", &["Running"]);
    assert_eq!(run(&mut s, "kubectl scale deployment web -n shop --replicas=4"), EXCEEDED);
    assert_eq!(run(&mut s, "kubectl create configmap probe -n shop --from-literal=a=b"), EXCEEDED);
    // A dry run writes nothing, so etcd does not see it.
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=4 --dry-run=client");
    let table = etcdctl(&mut s, "endpoint status --write-out=table");
    assert!(table.contains("| https://127.0.0.1:2379 | 8e9e05c52164694d |  3.5.15 |  2.2 GB |"), "{table}");
    assert!(table.contains("alarm:NOSPACE"), "{table}");
    assert_eq!(etcdctl(&mut s, "alarm list"), "memberID:10276657743932975437 alarm:NOSPACE ");
    // Without the client certificate etcd does not talk.
    expect(&mut s, "ssh control-plane -- etcdctl endpoint status", &["Error: context deadline exceeded"]);
    expect(&mut s, "ssh node-1 -- etcdctl alarm list", &["bash: etcdctl: command not found"]);
    // Disarming alone: the next write of the API server raises the alarm again.
    etcdctl(&mut s, "alarm disarm");
    wait(&mut s, 1);
    assert_eq!(run(&mut s, "kubectl scale deployment web -n shop --replicas=4"), EXCEEDED);
    // Compaction frees pages inside the file, but the file stays as big as it was.
    let json = etcdctl(&mut s, "endpoint status -w json");
    let revision: u64 = json
        .split("\"revision\":")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("a revision in {json}"));
    let compacted = etcdctl(&mut s, &format!("compact {revision}"));
    assert!(
        compacted == format!("compacted revision {revision}")
            || compacted == "Error: etcdserver: mvcc: required revision has been compacted",
        "{compacted}"
    );
    expect(&mut s, &format!("ssh control-plane -- etcdctl {CERTS} endpoint status"), &["2.2 GB"]);
    expect(
        &mut s,
        &format!("ssh control-plane -- etcdctl {CERTS} defrag"),
        &["Finished defragmenting etcd member[https://127.0.0.1:2379]"],
    );
    let status = etcdctl(&mut s, "endpoint status");
    assert!(status.contains(" MB, true") && status.contains("alarm:NOSPACE"), "{status}");
    assert_eq!(run(&mut s, "kubectl scale deployment web -n shop --replicas=4"), EXCEEDED);
    assert_eq!(etcdctl(&mut s, "alarm disarm"), "memberID:10276657743932975437 alarm:NOSPACE ");
    assert_eq!(etcdctl(&mut s, "alarm list"), "");
    ok(&mut s, "kubectl scale deployment web -n shop --replicas=4");
    wait(&mut s, 2);
    assert!(!s.cluster.etcd().refuses_writes(), "room was made: the alarm stays clear");
    assert_wins(&mut s);
}

/// etcd's static pod gone: the API server has no store, exits and refuses connections; etcdctl
/// cannot connect either. Putting the manifest back brings both back.
#[test]
fn etcd_static_pod_gone_takes_the_api_server_down() {
    let mut s = session("modes/m40-etcd-nospace.ron");
    let ip = kombat::sim::control_plane::api_server_ip(&s.cluster).expect("a control plane");
    ok(&mut s, "ssh control-plane -- mv /etc/kubernetes/manifests/etcd.yaml /root/");
    wait(&mut s, 1);
    assert_eq!(
        run(&mut s, "kubectl get pods -n shop"),
        format!("The connection to the server {ip}:6443 was refused - did you specify the right host or port?")
    );
    expect(&mut s, "/status", &["100.0% ok"]);
    expect(
        &mut s,
        &format!("ssh control-plane -- etcdctl {CERTS} endpoint status"),
        &["dial tcp 127.0.0.1:2379: connect: connection refused", "Error: context deadline exceeded"],
    );
    ok(&mut s, "ssh control-plane -- mv /root/etcd.yaml /etc/kubernetes/manifests/");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-apiserver-control-plane"]);
    expect(&mut s, &format!("ssh control-plane -- etcdctl {CERTS} alarm list"), &["alarm:NOSPACE"]);
}
