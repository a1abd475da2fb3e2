//! The control plane's own failures reproduced from cause: the API server's static pod broken
//! (docs/failure-catalog.md row 47). Each fixture breaks a file a real kubeadm node has; the test
//! reads the symptoms through the console (kubectl refused, the node shell still answering),
//! applies the catalog's fix through the node shell and checks the cluster comes back.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

const FIXTURES: &[&str] = &["modes/m47-apiserver-bad-flag.ron"];

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
    let refused = format!("The connection to the server {ip}:6443 was refused - did you specify the right host or port?");
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
