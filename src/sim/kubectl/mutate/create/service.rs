//! `kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=PORT:TARGET`,
//! `create ingress NAME --rule=HOST/PATH=SERVICE:PORT`, `create poddisruptionbudget` and
//! `create quota`: the objects kubectl builds from flags, as it names and validates them.

use std::collections::BTreeMap;

use super::{Creation, admit, admit_as, created, one_name, subcommand_position, without};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::mutate::run::parse_labels;
use crate::sim::kubectl::{Args, FlagSpec, KubectlError, flag};
use crate::sim::objects::{
    IngressBackend, IngressPath, IngressRule, IngressTls, IntOrString, Meta, Pdb, ResourceQuota, Service, ServicePort,
    ServiceType,
};

use super::create_flags;

pub(crate) const SERVICE_FLAGS: &[FlagSpec] =
    create_flags![flag::TCP, flag::CLUSTERIP, flag::NODE_PORT, flag::EXTERNAL_NAME];
pub(crate) const INGRESS_FLAGS: &[FlagSpec] =
    create_flags![flag::RULE, flag::CLASS, flag::DEFAULT_BACKEND, flag::ANNOTATION];
pub(crate) const PDB_FLAGS: &[FlagSpec] =
    create_flags![flag::SELECTOR_LONG, flag::MIN_AVAILABLE, flag::MAX_UNAVAILABLE];
pub(crate) const QUOTA_FLAGS: &[FlagSpec] = create_flags![flag::HARD, flag::SCOPES];

const SERVICE_HELP: &str = "Create a service using a specified subcommand.\n\nAvailable Commands:\n  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n\nUsage:\n  kubectl create service [flags] [options]";

/// `kubectl create service TYPE NAME --tcp=…`.
pub fn service(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let Some(pos) = subcommand_position(rest) else {
        return Err(KubectlError::msg(SERVICE_HELP));
    };
    let sub = &rest[pos];
    let kind = match sub.as_str() {
        "clusterip" => ServiceType::ClusterIP,
        "nodeport" => ServiceType::NodePort,
        "loadbalancer" => ServiceType::LoadBalancer,
        "externalname" => {
            return Err(KubectlError::msg("error: this console's services have no ExternalName type"));
        }
        other => {
            return Err(KubectlError::msg(format!(
                "error: unknown command \"{other}\"\nSee 'kubectl create service -h' for help and examples"
            )));
        }
    };
    let args = Args::parse(&without(rest, pos), SERVICE_FLAGS)?;
    let name = one_name(&args, &format!("service {sub}"))?;
    match args.value(flag::CLUSTERIP) {
        Some("None") if kind != ServiceType::ClusterIP => {
            return Err(KubectlError::msg("error: ClusterIP=None can only be used with ClusterIP service type"));
        }
        Some("None") => return Err(KubectlError::msg("error: this console has no headless services")),
        _ => {}
    }
    let mut ports = Vec::new();
    for spec in args.values(flag::TCP).iter().flat_map(|v| v.split(',')) {
        let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
        let number = |t: &str| t.parse::<u16>().ok().filter(|p| *p > 0);
        let Some(port) = number(port) else {
            return Err(KubectlError::msg(format!("error: invalid port: {spec}")));
        };
        let target_port = number(target).map_or_else(|| IntOrString::Str(target.to_owned()), IntOrString::Int);
        // kubectl names each port after its spec: `80-8080`.
        ports.push(ServicePort { name: Some(spec.replace(':', "-")), port, target_port, protocol: "TCP".to_owned() });
    }
    if ports.is_empty() {
        return Err(KubectlError::msg("error: at least one tcp port specifier must be provided"));
    }
    let ns = args.namespace();
    let prefix = Some("failed to create service");
    admit_as(cluster, Kind::Service, ns, &name, prefix)?;
    let labels = BTreeMap::from([("app".to_owned(), name.clone())]);
    let mut meta = Meta::new(&name, ns);
    meta.labels = labels.clone();
    let svc = Service { meta, kind, selector: labels, ports, cluster_ip: String::new() };
    Ok(created(Kind::Service, crate::sim::change::Object::Service(svc), &name, prefix))
}

fn bad_rule(rule: &str) -> KubectlError {
    KubectlError::msg(format!(
        "error: rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
    ))
}

/// `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] --class=nginx`.
pub fn ingress(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, INGRESS_FLAGS)?;
    let name = one_name(&args, "ingress")?;
    if args.value(flag::DEFAULT_BACKEND).is_some() {
        return Err(KubectlError::msg(
            "error: this console's ingresses route by rules; give --rule instead of --default-backend",
        ));
    }
    let rules_given = args.values(flag::RULE);
    if rules_given.is_empty() {
        return Err(KubectlError::msg(
            "error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)",
        ));
    }
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut tls: Vec<IngressTls> = Vec::new();
    for rule in rules_given {
        let (route, tls_part) = match rule.split_once(',') {
            Some((r, t)) => (r, Some(t)),
            None => (rule.as_str(), None),
        };
        let (host_path, backend) = route.split_once('=').ok_or_else(|| bad_rule(rule))?;
        let slash = host_path.find('/').ok_or_else(|| bad_rule(rule))?;
        let (host, path) = host_path.split_at(slash);
        let (service, port) = backend.split_once(':').ok_or_else(|| bad_rule(rule))?;
        if service.is_empty() || port.is_empty() {
            return Err(bad_rule(rule));
        }
        let port: u16 = port
            .parse()
            .map_err(|_| KubectlError::msg("error: this console's ingress backends name service ports by number"))?;
        // A path ending in `*` is a prefix; any other is matched exactly.
        let (path, path_type) = match path.strip_suffix('*') {
            Some(p) => (if p.len() > 1 { p.trim_end_matches('/') } else { p }, "Prefix"),
            None => (path, "Exact"),
        };
        let entry = IngressPath {
            path: path.to_owned(),
            path_type: path_type.to_owned(),
            backend: IngressBackend { service: service.to_owned(), port },
        };
        match rules.iter_mut().find(|r| r.host == host) {
            Some(r) => r.paths.push(entry),
            None => rules.push(IngressRule { host: host.to_owned(), paths: vec![entry] }),
        }
        match tls_part {
            None => {}
            Some("tls") => tls.push(IngressTls { hosts: vec![host.to_owned()], secret_name: String::new() }),
            Some(t) => match t.strip_prefix("tls=") {
                Some(secret) => tls.push(IngressTls { hosts: vec![host.to_owned()], secret_name: secret.to_owned() }),
                None => return Err(bad_rule(rule)),
            },
        }
    }
    let ns = args.namespace();
    let prefix = Some("failed to create ingress");
    admit_as(cluster, Kind::Ingress, ns, &name, prefix)?;
    let mut meta = Meta::new(&name, ns);
    for a in args.values(flag::ANNOTATION) {
        let (k, v) = a.split_once('=').ok_or_else(|| {
            KubectlError::msg(format!("error: annotation {a} is invalid and should be in format key=[value]"))
        })?;
        meta.annotations.insert(k.to_owned(), v.to_owned());
    }
    let class = args.value(flag::CLASS).unwrap_or("nginx").to_owned();
    let ingress = crate::sim::objects::Ingress { meta, class, rules, tls };
    Ok(created(Kind::Ingress, crate::sim::change::Object::Ingress(ingress), &name, prefix))
}

/// `kubectl create poddisruptionbudget NAME --selector=app=web --min-available=1`.
pub fn pdb(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, PDB_FLAGS)?;
    let name = one_name(&args, "poddisruptionbudget")?;
    let (min, max) = (args.value(flag::MIN_AVAILABLE), args.value(flag::MAX_UNAVAILABLE));
    let count = |text: &str, which: &str| -> Result<u32, KubectlError> {
        if text.strip_suffix('%').is_some_and(|n| n.parse::<u32>().is_ok()) {
            return Err(KubectlError::msg(
                "error: this console's disruption budgets count pods; give a number, not a percentage",
            ));
        }
        text.parse().map_err(|_| KubectlError::msg(format!("error: invalid format specified for {which}")))
    };
    let (min_available, max_unavailable) = match (min, max) {
        (None, None) => {
            return Err(KubectlError::msg("error: one of min-available or max-unavailable must be specified"));
        }
        (Some(_), Some(_)) => {
            return Err(KubectlError::msg("error: min-available and max-unavailable cannot be both specified"));
        }
        (Some(m), None) => (Some(count(m, "min-available")?), None),
        (None, Some(m)) => (None, Some(count(m, "max-unavailable")?)),
    };
    let Some(selector) = args.value(flag::SELECTOR_LONG) else {
        return Err(KubectlError::msg("error: a selector must be specified"));
    };
    let selector = parse_labels(selector)?;
    let ns = args.namespace();
    let prefix = Some("failed to create poddisruptionbudgets");
    admit_as(cluster, Kind::Pdb, ns, &name, prefix)?;
    let pdb = Pdb { meta: Meta::new(&name, ns), selector, min_available, max_unavailable };
    Ok(created(Kind::Pdb, crate::sim::change::Object::Pdb(pdb), &name, prefix))
}

/// `kubectl create quota NAME --hard=pods=10,requests.cpu=2,limits.memory=4Gi`.
pub fn quota(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, QUOTA_FLAGS)?;
    let name = one_name(&args, "quota")?;
    if args.value(flag::SCOPES).is_some() {
        return Err(KubectlError::msg("error: this console's quotas have no scopes"));
    }
    let mut q = ResourceQuota {
        meta: Meta::new(&name, args.namespace()),
        pods: None,
        requests_cpu: None,
        requests_memory: None,
        limits_cpu: None,
        limits_memory: None,
    };
    for pair in args.value(flag::HARD).unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| KubectlError::msg(format!("error: invalid argument syntax {pair}")))?;
        let quantity = |what: &str| {
            KubectlError::msg(format!(
                "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {what}"
            ))
        };
        match key {
            "pods" => q.pods = Some(value.parse().map_err(|_| quantity(value))?),
            "cpu" | "requests.cpu" => q.requests_cpu = Some(value.parse().map_err(|_| quantity(value))?),
            "memory" | "requests.memory" => q.requests_memory = Some(value.parse().map_err(|_| quantity(value))?),
            "limits.cpu" => q.limits_cpu = Some(value.parse().map_err(|_| quantity(value))?),
            "limits.memory" => q.limits_memory = Some(value.parse().map_err(|_| quantity(value))?),
            other => {
                return Err(KubectlError::msg(format!(
                    "error: this console's quotas count pods, cpu and memory (requests and limits), not {other}"
                )));
            }
        }
    }
    let ns = q.meta.namespace.clone();
    admit(cluster, Kind::ResourceQuota, &ns, &name)?;
    Ok(created(Kind::ResourceQuota, crate::sim::change::Object::ResourceQuota(q), &name, None))
}

#[cfg(test)]
mod tests {
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::kubectl;
    use crate::sim::kubectl::mutate::fixture;
    use crate::sim::objects::{IntOrString, ServiceType};

    fn run(c: &mut Cluster, line: &str) -> String {
        kubectl::run(c, line).output
    }

    #[test]
    fn create_service_names_ports_after_their_specs() {
        let mut c = fixture::cluster();
        assert_eq!(run(&mut c, "create service nodeport api -n shop --tcp=80:8080"), "service/api created");
        let svc = c.services().get(&key("shop", "api")).cloned().expect("created");
        assert_eq!(svc.kind, ServiceType::NodePort);
        assert_eq!(svc.ports[0].name.as_deref(), Some("80-8080"));
        assert_eq!(svc.ports[0].target_port, IntOrString::Int(8080));
        assert_eq!(svc.selector.get("app").map(String::as_str), Some("api"));
        assert_eq!(run(&mut c, "create svc clusterip plain -n shop --tcp=5432"), "service/plain created");
        assert_eq!(
            run(&mut c, "create service clusterip none -n shop"),
            "error: at least one tcp port specifier must be provided"
        );
        assert_eq!(
            run(&mut c, "create service clusterip api -n shop --tcp=80"),
            "error: failed to create service: services \"api\" already exists"
        );
        assert!(run(&mut c, "create service").starts_with("Create a service using a specified subcommand."));
        assert_eq!(run(&mut c, "create service nodeport x --tcp=http"), "error: invalid port: http");
    }

    #[test]
    fn create_ingress_pdb_and_quota() {
        let mut c = fixture::cluster();
        assert_eq!(
            run(
                &mut c,
                "create ingress shop -n shop --class=nginx --rule=shop.example.com/api*=web:8080 --rule=shop.example.com/=web:8080,tls=shop-tls"
            ),
            "ingress.networking.k8s.io/shop created"
        );
        let ing = c.ingresses().get(&key("shop", "shop")).cloned().expect("created");
        assert_eq!(ing.rules.len(), 1);
        assert_eq!((ing.rules[0].paths[0].path.as_str(), ing.rules[0].paths[0].path_type.as_str()), ("/api", "Prefix"));
        assert_eq!(ing.rules[0].paths[1].path_type, "Exact");
        assert_eq!(ing.tls[0].secret_name, "shop-tls");
        assert_eq!(
            run(&mut c, "create ingress bad -n shop --rule=nopath"),
            "error: rule nopath is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
        );
        assert_eq!(
            run(&mut c, "create pdb web -n shop --selector=app=web --min-available=2"),
            "poddisruptionbudget.policy/web created"
        );
        assert_eq!(c.pdbs().get(&key("shop", "web")).and_then(|p| p.min_available), Some(2));
        assert_eq!(
            run(&mut c, "create pdb x -n shop --selector=app=web"),
            "error: one of min-available or max-unavailable must be specified"
        );
        assert_eq!(
            run(&mut c, "create pdb x -n shop --selector=app=web --min-available=1 --max-unavailable=1"),
            "error: min-available and max-unavailable cannot be both specified"
        );
        assert_eq!(
            run(&mut c, "create quota compute -n shop --hard=pods=10,requests.cpu=2,limits.memory=4Gi"),
            "resourcequota/compute created"
        );
        let q = c.quotas().get(&key("shop", "compute")).cloned().expect("created");
        assert_eq!(q.pods, Some(10));
        assert!(q.requests_cpu.is_some() && q.limits_memory.is_some());
        assert!(
            run(&mut c, "create quota q2 -n shop --hard=services=3")
                .starts_with("error: this console's quotas count pods")
        );
    }

    #[test]
    fn create_token_is_refused_without_a_token_issuer() {
        let mut c = fixture::cluster();
        let out = kubectl::run(&mut c, "create token default -n shop");
        assert!(!out.ok && out.cost == 0);
        assert_eq!(
            run(&mut c, "create token nobody -n shop"),
            "error: failed to create token: serviceaccounts \"nobody\" not found"
        );
    }
}
