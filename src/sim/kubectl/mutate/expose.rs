//! `kubectl expose` (a service for a deployment, replica set, pod or service, its selector and
//! ports found by introspection as kubectl finds them) and `kubectl autoscale` (a horizontal pod
//! autoscaler for a deployment).

use super::create::admit;
use super::run::parse_labels;
use super::target::resolve_one;
use super::{Plan, execute};
use crate::sim::change::{ApiError, Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError, flag};
use crate::sim::objects::{Container, Hpa, IntOrString, Labels, Meta, Service, ServicePort, ServiceType};

pub(crate) const EXPOSE_FLAGS: &[FlagSpec] = &[
    flag::PORT,
    flag::TARGET_PORT,
    flag::TYPE,
    flag::NAME,
    flag::SELECTOR_LONG,
    flag::LABELS,
    flag::PROTOCOL,
    flag::CLUSTERIP,
    flag::DRY_RUN,
    flag::OUTPUT,
    flag::FILENAME,
];

pub(crate) const AUTOSCALE_FLAGS: &[FlagSpec] =
    &[flag::MIN, flag::MAX, flag::CPU_PERCENT, flag::NAME, flag::DRY_RUN, flag::OUTPUT, flag::FILENAME];

fn usage_error(verb: &str, text: &str) -> KubectlError {
    KubectlError::msg(format!("error: {text}\nSee 'kubectl {verb} -h' for help and examples"))
}

/// What an object offers a service: its labels, the selector for its pods, and its ports.
fn introspect(cluster: &Cluster, kind: Kind, ns: &str, name: &str) -> Result<(Labels, Labels, Vec<u16>), KubectlError> {
    let ports = |containers: &[Container]| containers.iter().flat_map(|c| c.ports.iter().copied()).collect::<Vec<_>>();
    let missing = || KubectlError::from(ApiError::not_found(kind, name));
    match kind {
        Kind::Deployment => {
            let d = cluster.deployments().get(&key(ns, name)).ok_or_else(missing)?;
            let selector = if d.selector.is_empty() { d.template.labels.clone() } else { d.selector.clone() };
            Ok((d.meta.labels.clone(), selector, ports(&d.template.spec.containers)))
        }
        Kind::ReplicaSet => {
            let rs = cluster.replicasets().get(&key(ns, name)).ok_or_else(missing)?;
            Ok((rs.meta.labels.clone(), rs.selector.clone(), ports(&rs.template.spec.containers)))
        }
        Kind::Pod => {
            let pod = cluster.pods().get(&key(ns, name)).ok_or_else(missing)?;
            if pod.meta.labels.is_empty() {
                return Err(usage_error(
                    "expose",
                    "couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed",
                ));
            }
            Ok((pod.meta.labels.clone(), pod.meta.labels.clone(), ports(&pod.spec.containers)))
        }
        Kind::Service => {
            let svc = cluster.services().get(&key(ns, name)).ok_or_else(missing)?;
            Ok((svc.meta.labels.clone(), svc.selector.clone(), svc.ports.iter().map(|p| p.port).collect()))
        }
        other => Err(KubectlError::msg(format!("error: cannot expose a {}", other.api_kind()))),
    }
}

fn port_number(verb: &str, flag_name: &str, text: &str) -> Result<u16, KubectlError> {
    text.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
        KubectlError::msg(format!(
            "error: invalid argument \"{text}\" for \"--{flag_name}\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax\nSee 'kubectl {verb} -h' for help and examples"
        ))
    })
}

pub(crate) fn service_type(name: &str, text: &str) -> Result<ServiceType, KubectlError> {
    match text {
        "ClusterIP" | "clusterip" => Ok(ServiceType::ClusterIP),
        "NodePort" | "nodeport" => Ok(ServiceType::NodePort),
        "LoadBalancer" | "loadbalancer" => Ok(ServiceType::LoadBalancer),
        "ExternalName" => Err(KubectlError::msg("error: this console's services have no ExternalName type")),
        other => Err(ApiError::Invalid(format!(
            "Service \"{name}\" is invalid: spec.type: Unsupported value: \"{other}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        ))
        .into()),
    }
}

/// Runs `kubectl expose`.
pub fn expose(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, EXPOSE_FLAGS)?;
    if args.value(flag::FILENAME).is_some() {
        return Err(KubectlError::msg("error: this console has no files; name the resource: expose TYPE NAME"));
    }
    if args.positional.is_empty() {
        return Err(usage_error(
            "expose",
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    let (kind, name) = resolve_one(&args.positional)?;
    let ns = args.namespace().to_owned();
    let (labels, found_selector, found_ports) = introspect(cluster, kind, &ns, &name)?;
    let selector = match args.value(flag::SELECTOR_LONG) {
        Some(spec) => parse_labels(spec)?,
        None => found_selector,
    };
    if selector.is_empty() {
        return Err(usage_error("expose", "couldn't retrieve selectors via --selector flag or introspection"));
    }
    let service_name = args.value(flag::NAME).unwrap_or(&name).to_owned();
    let kind_of_service = service_type(&service_name, args.value(flag::TYPE).unwrap_or("ClusterIP"))?;
    let ports: Vec<u16> = match args.value(flag::PORT) {
        Some(p) => vec![port_number("expose", "port", p)?],
        None => found_ports,
    };
    if ports.is_empty() {
        return Err(usage_error("expose", "couldn't find port via --port flag or introspection"));
    }
    let target = args
        .value(flag::TARGET_PORT)
        .map(|t| t.parse::<u16>().map_or_else(|_| IntOrString::Str(t.to_owned()), IntOrString::Int));
    let protocol = args.value(flag::PROTOCOL).unwrap_or("TCP").to_owned();
    let many = ports.len() > 1;
    let ports = ports
        .iter()
        .enumerate()
        .map(|(i, port)| ServicePort {
            // kubectl names the ports of a multi-port service `port-1`, `port-2`, …
            name: many.then(|| format!("port-{}", i + 1)),
            port: *port,
            target_port: target.clone().unwrap_or(IntOrString::Int(*port)),
            protocol: protocol.clone(),
        })
        .collect();
    admit(cluster, Kind::Service, &ns, &service_name)?;
    let mut meta = Meta::new(&service_name, &ns);
    meta.labels = match args.value(flag::LABELS) {
        Some(spec) => parse_labels(spec)?,
        None => labels,
    };
    let service = Service { meta, kind: kind_of_service, selector, ports, cluster_ip: String::new() };
    execute(cluster, Plan::single(Change::Create(Object::Service(service)), format!("service/{service_name} exposed")))
}

/// Runs `kubectl autoscale`.
pub fn autoscale(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, AUTOSCALE_FLAGS)?;
    if args.positional.is_empty() {
        return Err(usage_error(
            "autoscale",
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    let max: i64 = args.number(flag::MAX)?.unwrap_or(-1);
    let min: i64 = args.number(flag::MIN)?.unwrap_or(-1);
    let cpu: i64 = args.number(flag::CPU_PERCENT)?.unwrap_or(-1);
    if max < 1 {
        return Err(KubectlError::msg(format!("error: --max=MAXPODS is required and must be at least 1, max: {max}")));
    }
    if max < min {
        return Err(KubectlError::msg(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        )));
    }
    let (kind, name) = resolve_one(&args.positional)?;
    let ns = args.namespace().to_owned();
    match kind {
        Kind::Deployment => {
            if !cluster.deployments().contains_key(&key(&ns, &name)) {
                return Err(ApiError::not_found(kind, &name).into());
            }
        }
        Kind::ReplicaSet => {
            return Err(KubectlError::msg(
                "error: this console's autoscaler scales deployments; autoscale the deployment that owns the replica set",
            ));
        }
        other => {
            return Err(KubectlError::msg(format!(
                "error: cannot autoscale a {}: the server could not find the scale subresource",
                other.api_kind()
            )));
        }
    }
    let hpa_name = args.value(flag::NAME).unwrap_or(&name).to_owned();
    admit(cluster, Kind::Hpa, &ns, &hpa_name)?;
    let hpa = Hpa {
        meta: Meta::new(&hpa_name, &ns),
        target: name,
        // The API server's defaults: one replica at least, 80% of the CPU requests.
        min_replicas: u32::try_from(min).ok().filter(|m| *m > 0).unwrap_or(1),
        max_replicas: u32::try_from(max).unwrap_or(u32::MAX),
        target_cpu_percent: u32::try_from(cpu).ok().unwrap_or(80),
        status: crate::sim::objects::HpaStatus::default(),
    };
    let line = format!("{}/{hpa_name} autoscaled", Kind::Hpa.qualified());
    execute(cluster, Plan::single(Change::Create(Object::Hpa(hpa)), line))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::kubectl;
    use crate::sim::objects::{IntOrString, ServiceType};

    fn run(c: &mut Cluster, line: &str) -> String {
        kubectl::run(c, line).output
    }

    #[test]
    fn expose_makes_a_service_from_the_objects_selector() {
        let mut c = fixture::cluster();
        assert_eq!(
            run(&mut c, "expose deployment web -n shop --port=80 --target-port=8080 --name=web-public --type=NodePort"),
            "service/web-public exposed"
        );
        let svc = c.services().get(&key("shop", "web-public")).cloned().expect("created");
        assert_eq!(svc.kind, ServiceType::NodePort);
        assert_eq!((svc.ports[0].port, svc.ports[0].target_port.clone()), (80, IntOrString::Int(8080)));
        let d = c.deployments().get(&key("shop", "web")).cloned().expect("deployment");
        let expected = if d.selector.is_empty() { d.template.labels } else { d.selector };
        assert_eq!(svc.selector, expected);
        // An existing name is the API's AlreadyExists.
        assert_eq!(
            run(&mut c, "expose deploy/web -n shop --port=80 --name=web-public"),
            "Error from server (AlreadyExists): services \"web-public\" already exists"
        );
        assert_eq!(
            run(&mut c, "expose deployment nope -n shop --port=80"),
            "Error from server (NotFound): deployments.apps \"nope\" not found"
        );
        assert_eq!(
            run(&mut c, "expose deployment web -n shop --port=80 --name=x --type=Weird"),
            "Error from server (Invalid): Service \"x\" is invalid: spec.type: Unsupported value: \"Weird\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        );
        assert_eq!(run(&mut c, "expose configmap app-config -n shop --port=80"), "error: cannot expose a ConfigMap");
    }

    #[test]
    fn expose_finds_ports_in_the_containers_when_not_given() {
        let mut c = fixture::cluster();
        // The deployment's container declares 8080: port and target port both.
        assert_eq!(
            run(&mut c, "expose deployment web -n shop --name=by-introspection"),
            "service/by-introspection exposed"
        );
        let svc = c.services().get(&key("shop", "by-introspection")).cloned().expect("created");
        assert_eq!((svc.ports[0].port, svc.ports[0].target_port.clone()), (8080, IntOrString::Int(8080)));
        // The fixture's bare pods declare none.
        let pod = c.pods().values().find(|p| p.meta.namespace == "shop").map(|p| p.meta.name.clone()).expect("a pod");
        assert_eq!(
            run(&mut c, &format!("expose pod {pod} -n shop")),
            "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples"
        );
        assert_eq!(
            run(&mut c, &format!("expose pod/{pod} -n shop --port=8080 --name=one-pod")),
            "service/one-pod exposed"
        );
    }

    #[test]
    fn autoscale_makes_an_hpa_for_a_deployment() {
        let mut c = fixture::cluster();
        assert_eq!(
            run(&mut c, "autoscale deployment web -n shop --min=2 --max=10 --cpu-percent=70"),
            "horizontalpodautoscaler.autoscaling/web autoscaled"
        );
        let hpa = c.hpas().get(&key("shop", "web")).cloned().expect("created");
        assert_eq!(
            (hpa.min_replicas, hpa.max_replicas, hpa.target_cpu_percent, hpa.target.as_str()),
            (2, 10, 70, "web")
        );
        assert_eq!(
            run(&mut c, "autoscale deploy/web -n shop --max=3"),
            "Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling \"web\" already exists"
        );
        assert_eq!(
            run(&mut c, "autoscale deploy/web -n shop"),
            "error: --max=MAXPODS is required and must be at least 1, max: -1"
        );
        assert_eq!(
            run(&mut c, "autoscale deploy/web -n shop --min=5 --max=2"),
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 5"
        );
        assert_eq!(
            run(&mut c, "autoscale deploy/nope -n shop --max=2"),
            "Error from server (NotFound): deployments.apps \"nope\" not found"
        );
        // Defaults: at least one replica, 80% CPU.
        assert_eq!(
            run(&mut c, "autoscale deploy/web -n shop --max=4 --name=web-b"),
            "horizontalpodautoscaler.autoscaling/web-b autoscaled"
        );
        let hpa = c.hpas().get(&key("shop", "web-b")).cloned().expect("created");
        assert_eq!((hpa.min_replicas, hpa.target_cpu_percent), (1, 80));
    }
}
