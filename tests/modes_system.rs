//! The cluster's own machinery: kube-system as kubeadm sets it up (the control plane as static
//! pods, `CoreDNS` and its Corefile, the root CA config maps, built-in RBAC, `endpoints
//! kubernetes`), node facts that agree everywhere, and failure modes 19, 20, 28 (during an
//! upgrade), 37 (the scheduler gone, and a scheduler nobody runs) and 38 of
//! docs/failure-catalog.md reproduced from cause: each fixture breaks a file or object a real
//! cluster has, the test reads the symptoms through the console, applies the catalog's fix and
//! checks the symptoms clear.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};
use kombat::game::World;

const FIXTURES: &[&str] = &[
    "modes/m19-corefile-syntax.ron",
    "modes/m19-corefile-wrong-zone.ron",
    "modes/m20-kubelet-cluster-dns.ron",
    "modes/m28-upgrade-drain-blocked.ron",
    "modes/m37-scheduler-gone.ron",
    "modes/m38-replicaset-controller-off.ron",
];

#[test]
fn every_system_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

/// The first pod name `get pods -o name` lists for a label.
fn pod_named(s: &mut World, namespace: &str, label: &str) -> String {
    let out = ok(s, &format!("kubectl get pods -n {namespace} -l {label} -o name"));
    out.lines().next().and_then(|l| l.strip_prefix("pod/")).unwrap_or_default().to_owned()
}

/// Waits turns until the fix took hold, at most `max`.
fn settle(s: &mut World, max: u32) {
    for _ in 0..max {
        if s.held > 0 {
            return;
        }
        wait(s, 1);
    }
    assert!(s.held > 0, "the fix did not settle within {max} turns:\n{}", s.status());
}

/// `kubectl get pods -n kube-system` on a kubeadm cluster: `CoreDNS` and the four static pods,
/// named after the control-plane node, and kube-proxy on every node (the control plane's too), all
/// Running.
#[test]
fn kube_system_lists_the_control_plane() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    let out = ok(&mut s, "kubectl get pods -n kube-system");
    let names: Vec<&str> = out.lines().skip(1).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| !["coredns-", "kube-proxy-", "metrics-server-"].iter().any(|p| n.starts_with(p)))
            .copied()
            .collect::<Vec<_>>(),
        [
            "etcd-control-plane",
            "kube-apiserver-control-plane",
            "kube-controller-manager-control-plane",
            "kube-scheduler-control-plane"
        ],
        "{out}"
    );
    assert!(out.starts_with("NAME                                    READY   STATUS    RESTARTS   AGE\n"), "{out}");
    let nodes = ok(&mut s, "kubectl get nodes --no-headers").lines().count();
    assert_eq!(names.iter().filter(|n| n.starts_with("kube-proxy-")).count(), nodes, "{out}");
    assert_eq!(names.iter().filter(|n| n.starts_with("metrics-server-")).count(), 1, "{out}");
    assert!(out.contains("kube-apiserver-control-plane            1/1     Running   0          2d"), "{out}");
    insta::assert_snapshot!("kube_system_pods", out);
    // A mirror pod is the Node's, at the node's address (host network), system-node-critical.
    expect(
        &mut s,
        "kubectl describe pod kube-scheduler-control-plane -n kube-system",
        &[
            "Priority:             2000001000",
            "Priority Class Name:  system-node-critical",
            "Controlled By:  Node/control-plane",
            "kubernetes.io/config.source: file",
            "registry.k8s.io/kube-scheduler:v1.31.0",
        ],
    );
    // Deleting a mirror pod does nothing to the static pod: the kubelet puts it straight back.
    ok(&mut s, "kubectl delete pod kube-scheduler-control-plane -n kube-system");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-scheduler-control-plane"]);
    // The control plane's node: tainted, so workloads stay off it.
    expect(
        &mut s,
        "kubectl describe node control-plane",
        &["Roles:              control-plane", "Taints:             node-role.kubernetes.io/control-plane:NoSchedule"],
    );
    expect_not(&mut s, "kubectl get pods -n shop -o wide", &["control-plane"]);
}

/// What every kubeadm cluster has besides its pods: `endpoints kubernetes` at the API server's
/// address, `kube-root-ca.crt` in every namespace (new ones too), `CoreDNS`'s Corefile, the
/// built-in cluster roles and an account for every system pod.
#[test]
fn kube_system_objects_exist() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    let ip = kombat::sim::control_plane::api_server_ip(&s.cluster).expect("a control plane");
    expect(&mut s, "kubectl get endpoints kubernetes", &[&format!("kubernetes   {ip}:6443")]);
    // The API server keeps its own EndpointSlice, named after the service with no suffix.
    expect(&mut s, "kubectl get endpointslice kubernetes", &["kubernetes   IPv4", &format!("6443    {ip}")]);
    expect(
        &mut s,
        "kubectl get cm -A",
        &["default           kube-root-ca.crt   1", "shop              kube-root-ca.crt"],
    );
    ok(&mut s, "kubectl create namespace payments");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get cm -n payments", &["kube-root-ca.crt   1"]);
    expect(&mut s, "kubectl get sa -n payments", &["default"]);
    expect(
        &mut s,
        "kubectl get cm coredns -n kube-system -o yaml",
        &["Corefile: |", "kubernetes cluster.local in-addr.arpa ip6.arpa {", "forward . /etc/resolv.conf {"],
    );
    expect(&mut s, "kubectl get clusterrole cluster-admin", &["cluster-admin"]);
    expect(&mut s, "kubectl get clusterrole view", &["view"]);
    expect(&mut s, "kubectl get clusterrolebinding cluster-admin -o yaml", &["name: system:masters"]);
    for (ns, sa) in
        [("kube-system", "coredns"), ("kube-system", "replicaset-controller"), ("ingress-nginx", "ingress-nginx")]
    {
        ok(&mut s, &format!("kubectl get sa {sa} -n {ns}"));
    }
    expect(&mut s, "kubectl version", &["Server Version: v1.31.0"]);
}

/// Every pod of every built-in scenario runs under a service account that exists, as the
/// API server's service-account admission demands: the system pods' accounts included.
#[test]
fn every_pod_runs_under_an_account_that_exists() {
    for (id, _) in kombat::scenario::builtin_sources() {
        let scenario = kombat::scenario::builtin(id).expect("listed").unwrap_or_else(|e| panic!("{id}: {e}"));
        let world = World::new(scenario, common::SEED).unwrap_or_else(|e| panic!("{id}: {e}"));
        let accounts = world.cluster.serviceaccounts();
        // Static pods' mirrors name no account: the kubelet runs them without the API server.
        for pod in world.cluster.pods().values().filter(|p| !p.spec.service_account.is_empty()) {
            let key = (pod.meta.namespace.clone(), pod.spec.service_account.clone());
            assert!(
                accounts.contains_key(&key),
                "{id}: pod {}/{} runs as {}, which does not exist",
                pod.meta.namespace,
                pod.meta.name,
                pod.spec.service_account
            );
        }
    }
}

/// `get nodes -o wide`, `describe node`, `-o yaml` and the node itself report the same machine.
#[test]
fn node_facts_agree_everywhere() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    let wide = ok(&mut s, "kubectl get node node-2 -o wide");
    let row: Vec<&str> =
        wide.lines().nth(1).unwrap_or_default().split("   ").map(str::trim).filter(|c| !c.is_empty()).collect();
    let describe = ok(&mut s, "kubectl describe node node-2");
    let yaml = ok(&mut s, "kubectl get node node-2 -o yaml");
    for fact in ["Ubuntu 24.04.1 LTS", "6.8.0-45-generic", "containerd://1.7.22", "v1.30.5"] {
        assert!(row.contains(&fact), "{fact} in get -o wide: {wide}");
        assert!(describe.contains(fact), "{fact} in describe: {describe}");
        assert!(yaml.contains(fact), "{fact} in -o yaml: {yaml}");
    }
    expect(&mut s, "ssh node-2 -- cat /etc/os-release", &["PRETTY_NAME=\"Ubuntu 24.04.1 LTS\""]);
    expect(&mut s, "ssh node-2 -- uname -r", &["6.8.0-45-generic"]);
    // The ingress controller's address is the same in get, describe and DNS.
    let ingress = ok(&mut s, "kubectl get ingress web -n shop");
    let address = ingress.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).unwrap_or_default().to_owned();
    assert!(address.starts_with("192.168."), "{ingress}");
    expect(&mut s, "kubectl describe ingress web -n shop", &[&format!("Address:          {address}")]);
}

/// Mode 19, syntax: `CoreDNS` exits at start with its own parse error; nothing answers DNS.
#[test]
fn m19_corefile_syntax_error() {
    let mut s = session("modes/m19-corefile-syntax.ron");
    expect(&mut s, "/status", &["Checkout", "0.0% ok"]);
    expect(&mut s, "kubectl get pods -n kube-system", &["CrashLoopBackOff"]);
    let dns = pod_named(&mut s, "kube-system", "k8s-app=kube-dns");
    let logs = expect(
        &mut s,
        &format!("kubectl logs {dns} -n kube-system --previous"),
        &["/etc/coredns/Corefile:7 - Error during parsing: Unknown directive 'kubernets'"],
    );
    assert!(!logs.contains("CoreDNS-1.11.3"), "CoreDNS stops before its banner: {logs}");
    expect(&mut s, "kubectl logs deploy/web -n shop", &["lookup db on 10.96.0.10:53: read udp: i/o timeout"]);
    // The restart alone does not help: the Corefile is still broken.
    ok(&mut s, "kubectl rollout restart deployment/coredns -n kube-system");
    wait(&mut s, 2);
    expect(&mut s, "/status", &["0.0% ok"]);
    ok(
        &mut s,
        r#"kubectl patch configmap coredns -n kube-system --type merge -p '{"data":{"Corefile":".:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    reload\n}\n"}}'"#,
    );
    ok(&mut s, "kubectl rollout restart deployment/coredns -n kube-system");
    settle(&mut s, 4);
    expect_not(&mut s, "kubectl get pods -n kube-system", &["CrashLoopBackOff", "Error"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

/// Mode 19, zone: cluster names are NXDOMAIN while names on the internet still resolve.
#[test]
fn m19_corefile_wrong_zone() {
    let mut s = session("modes/m19-corefile-wrong-zone.ron");
    expect(&mut s, "kubectl logs deploy/web -n shop --tail=1", &["lookup db on 10.96.0.10:53: no such host"]);
    let web = pod_named(&mut s, "shop", "app=web");
    expect(&mut s, &format!("kubectl exec {web} -n shop -- nslookup db"), &["** server can't find db: NXDOMAIN"]);
    expect(
        &mut s,
        &format!("kubectl exec {web} -n shop -- nslookup example.com"),
        &["example.com", "Address: 203.0.113."],
    );
    expect(&mut s, "kubectl get configmap coredns -n kube-system -o yaml", &["kubernetes cluster.lcoal"]);
    ok(
        &mut s,
        "kubectl patch configmap coredns -n kube-system --type merge -p '{\"data\":{\"Corefile\":\".:53 {\\n    errors\\n    kubernetes cluster.local in-addr.arpa ip6.arpa\\n    forward . /etc/resolv.conf\\n    reload\\n}\\n\"}}'",
    );
    expect(&mut s, &format!("kubectl exec {web} -n shop -- nslookup db"), &["db.shop.svc.cluster.local"]);
    settle(&mut s, 3);
    assert_wins(&mut s);
}

/// Mode 20: a mistyped `clusterDNS` in node-2's kubelet config, read by a kubelet restart long
/// before the incident. The pods running then kept their resolv.conf; the release replaced them,
/// and the storefront pod placed on node-2 got the wrong nameserver: its lookups time out while
/// the one on node-1 is fine. Fixing the file needs a kubelet restart, and the pods made before
/// it keep the wrong nameserver until they are recreated.
#[test]
fn m20_kubelet_cluster_dns_wrong() {
    let mut s = session("modes/m20-kubelet-cluster-dns.ron");
    let status = expect(&mut s, "/status", &["Checkout", "500 Internal Server Error"]);
    assert!(!status.contains("100.0% ok"), "{status}");
    let pods = ok(&mut s, "kubectl get pods -n shop -l app=web -o wide");
    let on = |node: &str| {
        pods.lines().find(|l| l.contains(node)).and_then(|l| l.split_whitespace().next()).map(str::to_owned)
    };
    let (Some(broken), Some(fine)) = (on("node-2"), on("node-1")) else {
        panic!("the release should have a storefront pod on each node:\n{pods}");
    };
    // Nothing the API shows names the cause.
    expect_not(&mut s, &format!("kubectl describe pod {broken} -n shop"), &["10.96.0.100", "dns", "DNS"]);
    expect_not(&mut s, "kubectl get events -n shop", &["10.96.0.100", "dns", "DNS"]);
    expect(&mut s, &format!("kubectl exec {broken} -n shop -- cat /etc/resolv.conf"), &["nameserver 10.96.0.100"]);
    expect(&mut s, &format!("kubectl exec {fine} -n shop -- cat /etc/resolv.conf"), &["nameserver 10.96.0.10\n"]);
    expect(
        &mut s,
        &format!("kubectl exec {broken} -n shop -- nslookup db"),
        &[";; connection timed out; no servers could be reached"],
    );
    expect(&mut s, &format!("kubectl exec {fine} -n shop -- nslookup db"), &["db.shop.svc.cluster.local"]);
    expect(&mut s, &format!("kubectl logs {broken} -n shop"), &["lookup db on 10.96.0.100:53: read udp: i/o timeout"]);
    expect_not(&mut s, &format!("kubectl logs {fine} -n shop"), &["i/o timeout"]);
    expect(&mut s, "kubectl get svc kube-dns -n kube-system", &[" 10.96.0.10 "]);
    expect(&mut s, "ssh node-2 -- cat /var/lib/kubelet/config.yaml", &["clusterDNS:\n- 10.96.0.100\n"]);
    expect(&mut s, "ssh node-1 -- cat /var/lib/kubelet/config.yaml", &["clusterDNS:\n- 10.96.0.10\n"]);

    ok(&mut s, "ssh node-2 -- sed -i 's/10.96.0.100/10.96.0.10/' /var/lib/kubelet/config.yaml");
    expect(&mut s, "ssh node-2 -- cat /var/lib/kubelet/config.yaml", &["clusterDNS:\n- 10.96.0.10\n"]);
    // The kubelet reads its config when it starts; a running pod keeps the resolv.conf it got.
    ok(&mut s, "ssh node-2 -- systemctl restart kubelet");
    expect(&mut s, &format!("kubectl exec {broken} -n shop -- cat /etc/resolv.conf"), &["nameserver 10.96.0.100"]);
    ok(&mut s, "kubectl rollout restart deployment/web -n shop");
    settle(&mut s, 3);
    let pods = ok(&mut s, "kubectl get pods -n shop -l app=web -o wide");
    let Some(pod) = pods.lines().find(|l| l.contains("node-2")).and_then(|l| l.split_whitespace().next()) else {
        panic!("no storefront pod landed on node-2:\n{pods}");
    };
    assert_ne!(pod, broken, "{pods}");
    expect_not(&mut s, &format!("kubectl exec {pod} -n shop -- cat /etc/resolv.conf"), &["10.96.0.100"]);
    expect(&mut s, &format!("kubectl exec {pod} -n shop -- nslookup db"), &["db.shop.svc.cluster.local"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

/// Mode 37: the scheduler's manifest moved away. New pods stay Pending and nothing explains why.
#[test]
fn m37_scheduler_gone() {
    let mut s = session("modes/m37-scheduler-gone.ron");
    expect(&mut s, "kubectl get pods -n shop", &["Pending"]);
    expect_not(&mut s, "kubectl get pods -n kube-system", &["kube-scheduler"]);
    let pending = ok(&mut s, "kubectl get pods -n shop --field-selector=status.phase=Pending -o name");
    let pod = pending.lines().next().and_then(|l| l.strip_prefix("pod/")).unwrap_or_default().to_owned();
    let described = expect_not(&mut s, &format!("kubectl describe pod {pod} -n shop"), &["FailedScheduling"]);
    assert!(described.trim_end().ends_with("<none>"), "no events at all: {described}");
    expect_not(&mut s, "kubectl get events -n shop", &["FailedScheduling"]);
    let listing = ok(&mut s, "ssh control-plane -- ls /etc/kubernetes/manifests");
    assert_eq!(listing, "etcd.yaml\nkube-apiserver.yaml\nkube-controller-manager.yaml", "{listing}");
    ok(&mut s, "ssh control-plane -- mv /root/kube-scheduler.yaml /etc/kubernetes/manifests/");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-scheduler-control-plane"]);
    expect_not(&mut s, "kubectl get pods -n shop", &["Pending"]);
    assert_wins(&mut s);
}

/// Mode 37, its other cause: pods that name a scheduler nobody runs (`schedulerName`) stay
/// Pending with no events at all, while the default scheduler is up and binds everyone else.
#[test]
fn m37_pods_naming_a_scheduler_nobody_runs_stay_pending() {
    let mut s = session("modes/m19-corefile-wrong-zone.ron");
    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"schedulerName":"shop-scheduler"}}}}'"#,
    );
    wait(&mut s, 1);
    let pending = ok(&mut s, "kubectl get pods -n shop --field-selector=status.phase=Pending -o name");
    let pod = pending.lines().next().and_then(|l| l.strip_prefix("pod/")).unwrap_or_default().to_owned();
    assert!(!pod.is_empty(), "a new storefront pod waits: {pending}");
    expect(&mut s, &format!("kubectl get pod {pod} -n shop -o yaml"), &["schedulerName: shop-scheduler"]);
    let described = expect_not(
        &mut s,
        &format!("kubectl describe pod {pod} -n shop"),
        &["FailedScheduling", "Successfully assigned"],
    );
    assert!(described.trim_end().ends_with("<none>"), "no events at all: {described}");
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-scheduler-control-plane"]);
    // The old pods still run: the rollout waits for the new ones.
    expect(&mut s, "kubectl get pods -n shop -l app=web", &["Running", "Pending"]);
    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop --type json -p '[{"op":"remove","path":"/spec/template/spec/schedulerName"}]'"#,
    );
    wait(&mut s, 2);
    expect_not(&mut s, "kubectl get pods -n shop", &["Pending"]);
    expect_not(&mut s, "kubectl get deployment web -n shop -o yaml", &["shop-scheduler"]);
}

/// Mode 38: `-replicaset` in the controller manager's `--controllers`. The deployment asks for
/// four, its replica set says four, nobody makes the pods, and there are no events.
#[test]
fn m38_replicaset_controller_disabled() {
    let mut s = session("modes/m38-replicaset-controller-off.ron");
    let rs = ok(&mut s, "kubectl get rs -n shop -l app=web");
    assert!(rs.lines().nth(1).is_some_and(|l| l.split_whitespace().nth(1) == Some("4")), "{rs}");
    expect(&mut s, "kubectl get deploy web -n shop", &["2/4"]);
    expect_not(&mut s, "kubectl get events -n shop", &["SuccessfulCreate"]);
    expect(
        &mut s,
        "kubectl describe pod kube-controller-manager-control-plane -n kube-system",
        &["--controllers=*,bootstrapsigner,tokencleaner,-replicaset"],
    );
    ok(&mut s, "ssh control-plane -- sed -i 's/,-replicaset//' /etc/kubernetes/manifests/kube-controller-manager.yaml");
    settle(&mut s, 3);
    expect(&mut s, "kubectl get deploy web -n shop", &["4/4"]);
    assert_wins(&mut s);
}

/// Mode 28 during an upgrade: the drain left running stalls on a budget; relaxing it lets the
/// same drain finish by itself, then the kubelet is upgraded and the node uncordoned.
#[test]
fn m28_drain_blocked_by_a_budget_during_an_upgrade() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    let nodes = ok(&mut s, "kubectl get nodes");
    assert!(nodes.contains("node-1          Ready                      <none>          30d   v1.31.0"), "{nodes}");
    assert!(nodes.contains("node-2          Ready,SchedulingDisabled   <none>          30d   v1.30.5"), "{nodes}");
    // The drain keeps failing: the storefront's pod is still on node-2.
    wait(&mut s, 1);
    expect(&mut s, "kubectl get pods -n shop -o wide", &["node-2"]);
    let refusals: Vec<&(i64, String, String)> =
        s.cluster.audit.iter().filter(|(_, who, _)| who == "kubectl-drain").collect();
    assert!(
        refusals.iter().any(|(_, _, what)| what
            .contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.")),
        "{refusals:?}"
    );
    // kubectl's own drain says the same.
    expect(
        &mut s,
        "kubectl drain node-2 --ignore-daemonsets",
        &["Cannot evict pod as it would violate the pod's disruption budget."],
    );
    ok(&mut s, r#"kubectl patch pdb web -n shop -p '{"spec":{"minAvailable":1}}'"#);
    wait(&mut s, 2);
    expect_not(&mut s, "kubectl get pods -n shop -o wide", &["node-2"]);
    // kubeadm's install guide holds the packages: apt refuses to move them until released.
    expect(
        &mut s,
        "ssh node-2 -- apt-get install -y kubelet=1.31.0-1.1",
        &["E: Held packages were changed and -y was used without --allow-change-held-packages."],
    );
    expect(&mut s, "ssh node-2 -- apt-mark unhold kubelet", &["Canceled hold on kubelet."]);
    expect(&mut s, "ssh node-2 -- apt-get install -y kubelet=1.31.0-1.1", &["Setting up kubelet (1.31.0-1.1) ..."]);
    ok(&mut s, "kubectl uncordon node-2");
    expect(&mut s, "kubectl get node node-2", &["node-2   Ready    <none>   30d   v1.31.0"]);
    expect(&mut s, "kubectl describe node node-2", &["Kubelet Version:            v1.31.0"]);
    settle(&mut s, 3);
    assert_wins(&mut s);
}

/// kubeadm upgrades the control plane one minor at a time; the API server then reports it.
#[test]
fn kubeadm_upgrade_apply_moves_the_control_plane() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    expect(
        &mut s,
        "ssh control-plane -- kubeadm upgrade apply v1.33.0",
        &["kubeadm can upgrade only 1 minor version at a time"],
    );
    // The kubeadm binary must be the new release first, and it asks before it acts.
    expect(
        &mut s,
        "ssh control-plane -- kubeadm upgrade apply v1.32.0 -y",
        &["is higher than the kubeadm version \"v1.31.0\". Upgrade kubeadm first"],
    );
    expect(
        &mut s,
        "ssh control-plane -- 'apt-mark unhold kubeadm && apt-get update && apt-get install -y kubeadm=1.32.0-* && apt-mark hold kubeadm'",
        &["Selected version '1.32.0-1.1'", "Setting up kubeadm (1.32.0-1.1) ...", "kubeadm set on hold."],
    );
    expect(&mut s, "ssh control-plane -- kubeadm version", &["GitVersion:\"v1.32.0\""]);
    expect(&mut s, "ssh control-plane -- kubeadm upgrade apply v1.32.0", &["won't proceed"]);
    expect(
        &mut s,
        "ssh control-plane -- kubeadm upgrade apply v1.32.0 -y",
        &["SUCCESS! Your cluster was upgraded to \"v1.32.0\""],
    );
    expect(
        &mut s,
        "ssh control-plane -- dpkg -l kubeadm kubelet",
        &["hi  kubeadm        1.32.0-1.1", "hi  kubelet        1.31.0-1.1"],
    );
    wait(&mut s, 1);
    expect(&mut s, "kubectl version", &["Server Version: v1.32.0"]);
    expect(&mut s, "kubectl get pods -n kube-system", &["kube-apiserver-control-plane            1/1     Running   0"]);
    expect(
        &mut s,
        "kubectl describe pod kube-apiserver-control-plane -n kube-system",
        &["registry.k8s.io/kube-apiserver:v1.32.0"],
    );
    let _ = run(&mut s, "kubectl get nodes");
}

/// The `Evict` fault by label: every matching pod goes, as far as budgets allow.
#[test]
fn evict_matching_selects_by_label() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    let before = ok(&mut s, "kubectl get pods -n kube-system -l k8s-app=kube-dns -o name");
    let change = kombat::sim::change::Change::EvictMatching {
        namespace: "kube-system".to_owned(),
        selector: "k8s-app=kube-dns".to_owned(),
    };
    s.cluster.apply(change, "test").expect("evictions accepted");
    wait(&mut s, 2);
    let after = ok(&mut s, "kubectl get pods -n kube-system -l k8s-app=kube-dns -o name");
    for old in before.lines() {
        assert!(!after.contains(old), "{old} was evicted and replaced: {after}");
    }
    assert_eq!(after.lines().count(), 2, "{after}");
}

/// The version skew policy: a kubelet newer than the API server is refused, and its node goes
/// `NotReady`; installing the matching version brings it back.
#[test]
fn a_kubelet_newer_than_the_api_server_is_refused() {
    let mut s = session("modes/m28-upgrade-drain-blocked.ron");
    ok(&mut s, "ssh node-1 -- apt-get install -y --allow-change-held-packages kubelet=1.32.0-1.1");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get node node-1", &["node-1   NotReady   <none>   30d   v1.32.0"]);
    expect(&mut s, "ssh node-1 -- journalctl -u kubelet", &["is newer than the API server version v1.31.0"]);
    // Going back is a downgrade, which apt does only when told to.
    expect(
        &mut s,
        "ssh node-1 -- apt-get install -y --allow-change-held-packages kubelet=1.31.0-1.1",
        &["E: Packages were downgraded and -y was used without --allow-downgrades."],
    );
    ok(&mut s, "ssh node-1 -- apt-get install -y --allow-change-held-packages --allow-downgrades kubelet=1.31.0-1.1");
    wait(&mut s, 1);
    expect(&mut s, "kubectl get node node-1", &["node-1   Ready    <none>   30d   v1.31.0"]);
}
