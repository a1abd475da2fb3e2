//! The 1,000-pod cluster the benchmarks share: the default scenario grown to 20 deployments of 50
//! replicas on 10 large nodes.

use kombat::scenario::{self, Scenario};
use kombat::sim::Object;

/// The default scenario grown to 20 deployments × 50 replicas on 10 large nodes.
pub fn large_scenario() -> Scenario {
    let mut s = scenario::builtin(scenario::DEFAULT_ID).expect("default exists").expect("parses");
    let template = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Deployment(d) = o { Some(d.clone()) } else { None })
        .expect("the default has a deployment");
    let service = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Service(x) = o { Some(x.clone()) } else { None })
        .expect("the default has a service");
    let node = s
        .cluster
        .objects
        .iter()
        .find_map(|o| if let Object::Node(n) = o { Some(n.clone()) } else { None })
        .expect("the default has a node");
    s.cluster.objects.retain(|o| !matches!(o, Object::Node(_)));
    for i in 0..10 {
        let mut n = node.clone();
        n.meta.name = format!("node-{i}");
        n.cpu = "64".parse().expect("quantity");
        n.memory = "256Gi".parse().expect("quantity");
        s.cluster.objects.push(Object::Node(n));
    }
    for i in 0..20 {
        let mut d = template.clone();
        d.meta.name = format!("svc-{i}");
        d.replicas = 50;
        d.template.labels.insert("app".to_owned(), format!("svc-{i}"));
        d.selector = d.template.labels.clone();
        s.cluster.objects.push(Object::Deployment(d));
        let mut svc = service.clone();
        svc.meta.name = format!("svc-{i}");
        svc.selector.insert("app".to_owned(), format!("svc-{i}"));
        s.cluster.objects.push(Object::Service(svc));
    }
    s
}
