//! The `EndpointSlice` as the console shows it: `get endpointslices`, `describe` and `-o yaml`,
//! pinned as insta snapshots against kubectl 1.31's layout. kubectl prints ADDRESSTYPE, PORTS
//! (port numbers) and ENDPOINTS (every address, ready or not, at most three then `+ N more...`);
//! a service with no endpoints has a placeholder slice whose PORTS and ENDPOINTS are `<unset>`;
//! `describe` writes `Ports: <unset>` and `Endpoints: <none>` with a space, unaligned.

use std::collections::BTreeMap;

use kombat::sim::apps::{AppProfile, Image};
use kombat::sim::objects::{KubeletState, Meta, Namespace, Node};
use kombat::sim::quantity::{Mebibytes, Millicores};
use kombat::sim::{Change, Cluster, Object, kubectl};

fn node(name: &str) -> Node {
    Node {
        meta: Meta::new(name, ""),
        cpu: Millicores(4000),
        memory: Mebibytes(8192),
        max_pods: 110,
        taints: Vec::new(),
        unschedulable: false,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: KubeletState::default(),
        internal_ip: String::new(),
        index: 0,
        last_heartbeat: 0,
        conditions: Vec::new(),
        kubelet_version: kombat::sim::objects::KUBERNETES_VERSION.to_owned(),
        packages: kombat::sim::objects::Packages::default(),
        config_files: BTreeMap::new(),
        swap: false,
        kubelet_process: kombat::sim::objects::KubeletProcess::default(),
        draining: None,
    }
}

fn run(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line);
    assert!(out.ok, "`{line}` failed:\n{}", out.output);
    out.output
}

/// One node, a two-replica `web` deployment exposed on port 80 as `http`, and a `db` service
/// whose selector matches nothing, five minutes in.
fn cluster() -> Cluster {
    let mut c = Cluster::new(7);
    c.apps_mut().insert("nginx".to_owned(), AppProfile { port: Some(80), ..AppProfile::default() });
    c.registry_mut().images.push(Image {
        repository: "nginx".to_owned(),
        tags: BTreeMap::from([("1.27".to_owned(), "nginx".to_owned())]),
        private: false,
    });
    for o in [Object::Namespace(Namespace { meta: Meta::new("default", "") }), Object::Node(node("node-1"))] {
        c.apply(Change::Create(o), "test").unwrap_or_else(|e| panic!("{e}"));
    }
    run(&mut c, "create deployment web --image=nginx:1.27 --replicas=2 --port=80");
    run(&mut c, "expose deployment web --port=80 --name=web");
    run(&mut c, "create service clusterip db --tcp=5432:5432");
    c.advance_seconds(300);
    c
}

#[test]
fn get_endpointslices_as_kubectl_prints_them() {
    let mut c = cluster();
    let table = run(&mut c, "get endpointslices");
    insta::assert_snapshot!("get_endpointslices", table);
    // One slice per service, named `<service>-<5 chars>` and labelled with the service.
    let by_label = run(&mut c, "get endpointslices.discovery.k8s.io -l kubernetes.io/service-name=web -o name");
    assert!(by_label.starts_with("endpointslice.discovery.k8s.io/web-"), "{by_label}");
    assert_eq!(by_label.trim().len(), "endpointslice.discovery.k8s.io/web-".len() + 5, "{by_label}");
}

#[test]
fn describe_and_yaml_of_a_slice() {
    let mut c = cluster();
    let name = run(&mut c, "get endpointslices -l kubernetes.io/service-name=web -o name");
    let name = name.trim().trim_start_matches("endpointslice.discovery.k8s.io/").to_owned();
    insta::assert_snapshot!("describe_endpointslice", run(&mut c, &format!("describe endpointslice {name}")));
    insta::assert_snapshot!("yaml_endpointslice", run(&mut c, &format!("get endpointslice {name} -o yaml")));
    let placeholder = run(&mut c, "get endpointslices -l kubernetes.io/service-name=db -o name");
    let placeholder = placeholder.trim().trim_start_matches("endpointslice.discovery.k8s.io/").to_owned();
    insta::assert_snapshot!(
        "describe_placeholder_endpointslice",
        run(&mut c, &format!("describe endpointslice {placeholder}"))
    );
}

#[test]
fn a_slice_follows_its_service() {
    let mut c = cluster();
    run(&mut c, "scale deployment web --replicas=4");
    c.advance_seconds(120);
    // Four addresses: kubectl shows three and counts the rest.
    let table = run(&mut c, "get endpointslices -l kubernetes.io/service-name=web");
    assert!(table.contains(" + 1 more..."), "{table}");
    run(&mut c, "delete service web");
    let out = kubectl::run(&mut c, "get endpointslices -l kubernetes.io/service-name=web");
    assert_eq!(out.output, "No resources found in default namespace.");
}

#[test]
fn a_missing_slice_is_not_found_like_kubectl_says() {
    let mut c = cluster();
    let out = kubectl::run(&mut c, "get endpointslice nope");
    assert!(!out.ok);
    assert_eq!(out.output, "Error from server (NotFound): endpointslices.discovery.k8s.io \"nope\" not found");
}
