//! The container's view of itself: files (resolv.conf, hosts, mounted config maps and secrets),
//! environment variables and processes.

use super::{Ctx, Exit};
use crate::sim::cluster::key;
use crate::sim::network;
use crate::sim::objects::{EnvFrom, VolumeSource};

const SA_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
const ROOT_DIRS: &[&str] = &[
    "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp",
    "usr", "var",
];

/// `/etc/resolv.conf` as the kubelet writes it for a pod in `namespace`, naming `nameserver`.
pub fn resolv_conf(namespace: &str, nameserver: &str) -> String {
    format!(
        "search {namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver {nameserver}\noptions ndots:5"
    )
}

/// `/etc/hosts` as the kubelet writes it.
pub fn hosts(ip: &str, hostname: &str) -> String {
    format!(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\t{hostname}"
    )
}

/// What a path is in the container.
enum Node {
    File(String),
    Dir(Vec<String>),
}

/// Files of each mounted volume: (mount path, [(file name, content)]).
fn mounts(ctx: &Ctx<'_>) -> Vec<(String, Vec<(String, String)>)> {
    let (Some(pod), Some(c)) = (ctx.pod, ctx.container) else {
        return Vec::new();
    };
    let ns = &pod.meta.namespace;
    c.volume_mounts
        .iter()
        .map(|m| {
            let source = pod.spec.volumes.iter().find(|v| v.name == m.name).map(|v| &v.source);
            let files: Vec<(String, String)> = match source {
                Some(VolumeSource::ConfigMap(n)) => ctx
                    .cluster
                    .configmaps()
                    .get(&key(ns, n))
                    .map(|cm| cm.data.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                Some(VolumeSource::Secret(n)) => ctx
                    .cluster
                    .secrets()
                    .get(&key(ns, n))
                    .map(|s| s.data.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            (m.mount_path.trim_end_matches('/').to_owned(), files)
        })
        .collect()
}

fn lookup(ctx: &Ctx<'_>, path: &str) -> Option<Node> {
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    match path {
        "/etc/resolv.conf" => {
            let server = network::nameserver(ctx.cluster, ctx.source());
            return Some(Node::File(resolv_conf(ctx.namespace, &server)));
        }
        "/etc/hosts" => return Some(Node::File(hosts(ctx.pod_ip(), ctx.hostname()))),
        "/etc/hostname" => return Some(Node::File(ctx.hostname().to_owned())),
        "/" => {
            return Some(Node::Dir(ROOT_DIRS.iter().map(|s| (*s).to_owned()).collect()));
        }
        "/etc" => {
            return Some(Node::Dir(
                ["group", "hostname", "hosts", "os-release", "passwd", "resolv.conf", "ssl"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ));
        }
        _ => {}
    }
    if ctx.pod.is_some() {
        if path == SA_DIR {
            return Some(Node::Dir(vec!["ca.crt".to_owned(), "namespace".to_owned(), "token".to_owned()]));
        }
        if let Some(file) = path.strip_prefix(SA_DIR).and_then(|p| p.strip_prefix('/')) {
            return match file {
                "namespace" => Some(Node::File(ctx.namespace.to_owned())),
                "token" => Some(Node::File(format!("eyJhbGciOiJSUzI1NiIsImtpZCI6ImtvbWJhdCJ9.{}", super::hex_id(ctx.hostname(), 48)))),
                "ca.crt" => Some(Node::File("-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKombatCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAxMK\n-----END CERTIFICATE-----".to_owned())),
                _ => None,
            };
        }
    }
    if let Some(app) = ctx.container.and_then(|c| ctx.cluster.app_for_image(&c.image)) {
        if let Some(text) = app.image_files.get(path) {
            return Some(Node::File(text.clone()));
        }
        let dir = format!("{path}/");
        let mut names: Vec<String> = app
            .image_files
            .keys()
            .filter_map(|p| p.strip_prefix(&dir).map(|rest| rest.split('/').next().unwrap_or(rest).to_owned()))
            .collect();
        names.dedup();
        if !names.is_empty() {
            return Some(Node::Dir(names));
        }
    }
    for (mount, files) in mounts(ctx) {
        if path == mount {
            let mut names: Vec<String> = files.iter().map(|(k, _)| k.clone()).collect();
            names.sort();
            return Some(Node::Dir(names));
        }
        if let Some(name) = path.strip_prefix(mount.as_str()).and_then(|p| p.strip_prefix('/')) {
            return files.into_iter().find(|(k, _)| k == name).map(|(_, v)| Node::File(v));
        }
    }
    None
}

pub fn cat(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    let mut out = Vec::new();
    let mut failed = false;
    for path in args.iter().filter(|a| !a.starts_with('-')) {
        match lookup(ctx, path) {
            Some(Node::File(text)) => out.push(text.trim_end_matches('\n').to_owned()),
            Some(Node::Dir(_)) => {
                out.push(format!("cat: read error: Is a directory ({path})"));
                failed = true;
            }
            None => {
                out.push(format!("cat: can't open '{path}': No such file or directory"));
                failed = true;
            }
        }
    }
    if failed { Exit::Fail(out.join("\n"), 1) } else { Exit::Ok(out.join("\n")) }
}

pub fn ls(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let paths: Vec<&str> = if paths.is_empty() { vec!["/"] } else { paths.iter().map(|s| s.as_str()).collect() };
    let mut out = Vec::new();
    let mut failed = false;
    for path in &paths {
        match lookup(ctx, path) {
            Some(Node::Dir(names)) => {
                if paths.len() > 1 {
                    out.push(format!("{path}:"));
                }
                out.extend(names);
            }
            Some(Node::File(_)) => out.push((*path).to_owned()),
            None => {
                out.push(format!("ls: {path}: No such file or directory"));
                failed = true;
            }
        }
    }
    if failed { Exit::Fail(out.join("\n"), 1) } else { Exit::Ok(out.join("\n")) }
}

fn service_var(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-', '.'], "_")
}

/// The container's environment: the runtime's, then `envFrom`, `env` (later wins), service
/// links for the namespace's services and the API server, as the kubelet sets them.
pub fn env(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vec![
        ("PATH".to_owned(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned()),
        ("HOSTNAME".to_owned(), ctx.hostname().to_owned()),
    ];
    let set = |vars: &mut Vec<(String, String)>, k: String, v: String| match vars.iter_mut().find(|(n, _)| *n == k) {
        Some(slot) => slot.1 = v,
        None => vars.push((k, v)),
    };
    let cluster = ctx.cluster;
    let ns = ctx.namespace;
    if let Some(c) = ctx.container {
        for from in &c.env_from {
            let data = match from {
                EnvFrom::ConfigMap(n) => cluster.configmaps().get(&key(ns, n)).map(|x| &x.data),
                EnvFrom::Secret(n) => cluster.secrets().get(&key(ns, n)).map(|x| &x.data),
            };
            for (k, v) in data.into_iter().flatten() {
                set(&mut vars, k.clone(), v.clone());
            }
        }
        for e in &c.env {
            let value = if let Some(r) = &e.config_map_key {
                cluster.configmaps().get(&key(ns, &r.name)).and_then(|x| x.data.get(&r.key)).cloned()
            } else if let Some(r) = &e.secret_key {
                cluster.secrets().get(&key(ns, &r.name)).and_then(|x| x.data.get(&r.key)).cloned()
            } else {
                Some(e.value.clone().unwrap_or_default())
            };
            if let Some(v) = value {
                set(&mut vars, e.name.clone(), v);
            }
        }
    }
    for svc in cluster.services().values().filter(|s| s.meta.namespace == ns) {
        let Some(port) = svc.ports.first() else {
            continue;
        };
        let n = service_var(&svc.meta.name);
        let ip = &svc.cluster_ip;
        set(&mut vars, format!("{n}_SERVICE_HOST"), ip.clone());
        set(&mut vars, format!("{n}_SERVICE_PORT"), port.port.to_string());
        set(&mut vars, format!("{n}_PORT"), format!("tcp://{ip}:{}", port.port));
    }
    for (k, v) in [
        ("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
        ("KUBERNETES_SERVICE_PORT", "443"),
        ("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
        ("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
        ("KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443"),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
        ("KUBERNETES_PORT_443_TCP_PORT", "443"),
        ("KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1"),
        ("HOME", "/root"),
    ] {
        set(&mut vars, k.to_owned(), v.to_owned());
    }
    vars
}

pub fn env_text(ctx: &Ctx<'_>) -> String {
    env(ctx).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
}

pub fn printenv(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    if args.is_empty() {
        return Exit::Ok(env_text(ctx));
    }
    let vars = env(ctx);
    let found: Vec<String> =
        args.iter().filter_map(|a| vars.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone())).collect();
    if found.len() == args.len() { Exit::Ok(found.join("\n")) } else { Exit::Fail(found.join("\n"), 1) }
}

/// `BusyBox` `ps`: the container's main process and `ps` itself.
pub fn ps(ctx: &Ctx<'_>) -> String {
    let main = match ctx.container {
        None => "sleep 3600".to_owned(),
        Some(c) => {
            let mut words: Vec<String> = c.command.clone();
            if words.is_empty() {
                let entry = ctx.cluster.app_for_image(&c.image).and_then(|a| a.entrypoint().map(str::to_owned));
                let image_name =
                    crate::sim::apps::split_image(&c.image).0.rsplit('/').next().unwrap_or("app").to_owned();
                words.push(entry.unwrap_or_else(|| format!("/usr/local/bin/{image_name}")));
            }
            words.extend(c.args.iter().cloned());
            words.join(" ")
        }
    };
    format!("PID   USER     TIME  COMMAND\n    1 root      0:00 {main}\n   42 root      0:00 ps")
}
