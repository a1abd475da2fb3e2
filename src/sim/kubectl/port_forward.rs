//! `kubectl port-forward pod/X|svc/X|deploy/X [LOCAL:]REMOTE…`: the console keeps the forward
//! (in [`Cluster::port_forwards`], client state no API lists) and `curl localhost:LOCAL` on the
//! console reaches the pod through it, past network policy as a real forward does. Like kubectl,
//! a forward to a service or deployment picks one running pod when it starts and stays with it;
//! it lasts until the game ends or the same local port is forwarded again, and answers nothing
//! once its pod is gone (kubectl's process would have exited: `lost connection to pod`).

use super::logs::resolve_pod;
use super::{Args, Done, FlagSpec, KubectlError, flag};
use crate::sim::cluster::{Cluster, PortForward, key};
use crate::sim::objects::PodPhase;

pub(super) const FLAGS: &[FlagSpec] = &[flag::ADDRESS, flag::POD_RUNNING_TIMEOUT];

/// Where a local port picked by the console (`:80`) starts, as the kernel's ephemeral range does.
const FIRST_EPHEMERAL: u16 = 49152;

fn usage(text: &str) -> KubectlError {
    KubectlError::msg(format!("error: {text}\nSee 'kubectl port-forward -h' for help and examples"))
}

/// `LOCAL:REMOTE`, `PORT` (both the same) or `:REMOTE` (the console picks the local port).
fn parse_ports(spec: &str) -> Result<(Option<u16>, u16), KubectlError> {
    let parse = |text: &str, which: &str| {
        text.parse::<u16>().map_err(|_| {
            KubectlError::msg(format!(
                "error: Error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": invalid syntax"
            ))
        })
    };
    match spec.split_once(':') {
        Some(("", remote)) => Ok((None, parse(remote, "remote")?)),
        Some((local, remote)) => Ok((Some(parse(local, "local")?), parse(remote, "remote")?)),
        None => {
            let port = parse(spec, "local")?;
            Ok((Some(port), port))
        }
    }
}

/// Runs `kubectl port-forward`.
pub fn run(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, FLAGS)?;
    let Some((target, specs)) = args.positional.split_first().filter(|(_, specs)| !specs.is_empty()) else {
        return Err(usage("TYPE/NAME and list of ports are required for port-forward"));
    };
    if let Some(address) = args.value(flag::ADDRESS)
        && address.split(',').any(|a| !matches!(a, "localhost" | "127.0.0.1"))
    {
        return Err(KubectlError::msg("error: this console forwards on localhost only"));
    }
    let ns = args.namespace().to_owned();
    let ports = specs.iter().map(|s| parse_ports(s)).collect::<Result<Vec<_>, _>>()?;
    let (pod_name, forwards) = {
        let (pod, _) = resolve_pod(cluster, &ns, target)?;
        if pod.status.phase != PodPhase::Running {
            return Err(KubectlError::msg(format!(
                "error: unable to forward port because pod is not running. Current status={}",
                pod.status.phase.as_str()
            )));
        }
        // A service's port is translated to the port its pods listen on, as kubectl does.
        let service = target
            .split_once('/')
            .filter(|(kind, _)| matches!(*kind, "svc" | "service" | "services"))
            .and_then(|(_, name)| cluster.services().get(&key(&ns, name)));
        let mut forwards = Vec::new();
        for (local, remote) in ports {
            let pod_port = match service {
                Some(svc) => svc
                    .ports
                    .iter()
                    .find(|p| p.port == remote)
                    .map(crate::sim::objects::ServicePort::target)
                    .ok_or_else(|| {
                        KubectlError::msg(format!(
                            "error: Service {} does not have a service port {remote}",
                            svc.meta.name
                        ))
                    })?,
                None => remote,
            };
            forwards.push((local, pod_port));
        }
        (pod.meta.name.clone(), forwards)
    };
    let mut out = Vec::new();
    for (local, pod_port) in forwards {
        let local = local.filter(|p| *p != 0).unwrap_or_else(|| {
            (FIRST_EPHEMERAL..=u16::MAX).find(|p| !cluster.port_forwards.contains_key(p)).unwrap_or(FIRST_EPHEMERAL)
        });
        cluster
            .port_forwards
            .insert(local, PortForward { namespace: ns.clone(), pod: pod_name.clone(), port: pod_port });
        out.push(format!("Forwarding from 127.0.0.1:{local} -> {pod_port}"));
        out.push(format!("Forwarding from [::1]:{local} -> {pod_port}"));
    }
    Ok(Done { output: out.join("\n"), changed: false, failed: false })
}

#[cfg(test)]
mod tests {
    use crate::sim::apps::{AppProfile, Image};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::kubectl;
    use crate::sim::kubectl::describe::fixture::cluster;

    const HEALTHY: &str = "web-6d4cf56db6-4xk2p";

    fn run(c: &mut Cluster, line: &str) -> String {
        kubectl::run(c, line).output
    }

    /// The fixture with its `shop/web:1.4.2` image serving HTTP on 8080.
    fn serving() -> Cluster {
        let mut c = cluster();
        c.registry_mut().images.push(Image {
            repository: "shop/web".to_owned(),
            tags: [("1.4.2".to_owned(), "web".to_owned())].into(),
            private: false,
        });
        c.apps_mut().insert(
            "web".to_owned(),
            AppProfile { port: Some(8080), paths: vec!["/".to_owned()], ..AppProfile::default() },
        );
        c
    }

    #[test]
    fn a_forward_lets_the_console_curl_localhost() {
        let mut c = serving();
        // Nothing forwards 8080 yet: curl's own refusal.
        assert_eq!(
            run(&mut c, "curl localhost:8080/healthz"),
            "curl: (7) Failed to connect to localhost port 8080 after 2 ms: Couldn't connect to server"
        );
        let out = kubectl::run(&mut c, &format!("kubectl port-forward pod/{HEALTHY} 8080:8080"));
        assert_eq!(out.output, "Forwarding from 127.0.0.1:8080 -> 8080\nForwarding from [::1]:8080 -> 8080");
        assert!(out.ok && !out.changed);
        // The forward is the console's state: the next command reaches the pod through it.
        assert_eq!(run(&mut c, "curl localhost:8080/"), format!("200 OK ({HEALTHY})"));
        assert_eq!(run(&mut c, "wget -qO- http://127.0.0.1:8080/"), format!("200 OK ({HEALTHY})"));
        // A service's port is translated to its pods' port (80 -> 8080), and the same local port
        // forwarded again replaces the old forward.
        assert_eq!(
            run(&mut c, "port-forward svc/web 8080:80"),
            "Forwarding from 127.0.0.1:8080 -> 8080\nForwarding from [::1]:8080 -> 8080"
        );
        assert_eq!(c.port_forwards.len(), 1);
        assert_eq!(run(&mut c, "port-forward svc/web 8080:81"), "error: Service web does not have a service port 81");
        // Its pod gone, the forward answers nothing.
        let pod = c.port_forwards.get(&8080).map(|f| f.pod.clone()).unwrap_or_default();
        c.pods_mut().remove(&key("default", &pod));
        assert!(run(&mut c, "curl localhost:8080/").starts_with("curl: (7) Failed to connect to localhost port 8080"));
    }

    #[test]
    fn localhost_inside_a_pod_is_the_pod_itself() {
        let mut c = serving();
        assert_eq!(run(&mut c, &format!("exec {HEALTHY} -- curl -s localhost:8080/")), format!("200 OK ({HEALTHY})"));
    }

    #[test]
    fn port_forward_errors_are_kubectls() {
        let mut c = cluster();
        assert_eq!(
            run(&mut c, "port-forward pod/x"),
            "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples"
        );
        assert_eq!(run(&mut c, "port-forward pod/nope 80"), "Error from server (NotFound): pods \"nope\" not found");
        assert_eq!(
            run(&mut c, &format!("port-forward {HEALTHY} abc:80")),
            "error: Error parsing local port 'abc': strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        // `:80` lets the console pick the local port.
        assert_eq!(
            run(&mut c, &format!("port-forward {HEALTHY} :80")),
            "Forwarding from 127.0.0.1:49152 -> 80\nForwarding from [::1]:49152 -> 80"
        );
    }
}
