//! `CoreDNS`'s Corefile, read as `CoreDNS` reads it: server blocks of plugin directives. A syntax
//! error stops `CoreDNS` at start with its own message; the `kubernetes` plugin's zones decide
//! which names it answers for the cluster, and `forward` sends the rest upstream. `CoreDNS`'s
//! `reload` plugin applies a changed Corefile to running pods, and keeps the last good one when
//! the new one does not parse.

use crate::sim::cluster::{Cluster, key};

/// Where kubeadm's `CoreDNS` reads its Corefile (`-conf`).
pub const PATH: &str = "/etc/coredns/Corefile";
/// The cluster domain the kubelets put in every pod's search path.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// The plugins `CoreDNS` 1.11 is built with that a Corefile commonly names.
const PLUGINS: &[&str] = &[
    "acl",
    "any",
    "auto",
    "autopath",
    "bind",
    "bufsize",
    "cache",
    "cancel",
    "chaos",
    "debug",
    "dns64",
    "dnssec",
    "errors",
    "file",
    "forward",
    "grpc",
    "header",
    "health",
    "hosts",
    "k8s_external",
    "kubernetes",
    "loadbalance",
    "local",
    "log",
    "loop",
    "metadata",
    "minimal",
    "nsid",
    "pprof",
    "prometheus",
    "ready",
    "reload",
    "rewrite",
    "root",
    "secondary",
    "template",
    "timeouts",
    "tls",
    "trace",
    "transfer",
    "tsig",
    "view",
    "whoami",
];

/// What a Corefile that parses configures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corefile {
    /// The zones the `kubernetes` plugin answers for (`cluster.local`, `in-addr.arpa`, …).
    pub kubernetes_zones: Vec<String>,
    /// Whether other names are forwarded upstream.
    pub forwards: bool,
}

impl Corefile {
    /// Whether cluster names (`web.shop.svc.cluster.local`) get answers.
    pub fn serves_cluster_names(&self) -> bool {
        self.kubernetes_zones.iter().any(|z| z.trim_end_matches('.') == CLUSTER_DOMAIN)
    }
}

/// Parses a Corefile; the error is `CoreDNS`'s own line (`/etc/coredns/Corefile:7 - Error during
/// parsing: Unknown directive 'kubernets'`).
pub fn parse(text: &str) -> Result<Corefile, String> {
    let fail = |line: usize, what: String| Err(format!("{PATH}:{line} - Error during parsing: {what}"));
    let mut out = Corefile::default();
    let mut depth = 0usize;
    let mut last_line = 1;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        last_line = n;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in &words {
            if *w == "}" || w.ends_with('}') && !w.starts_with('{') {
                if depth == 0 {
                    return fail(n, "Unexpected '}' because no matching opening brace".to_owned());
                }
                depth -= 1;
            }
        }
        let opens = words.iter().filter(|w| w.ends_with('{')).count();
        let first = words.first().copied().unwrap_or("");
        match depth {
            // A server block's keys: `.:53 {`.
            0 if first != "}" && opens == 0 => {
                return fail(n, format!("Unknown directive '{first}'"));
            }
            // A plugin directive inside a server block.
            1 if first != "}" && first != "{" => {
                if !PLUGINS.contains(&first) {
                    return fail(n, format!("Unknown directive '{first}'"));
                }
                match first {
                    "kubernetes" => {
                        out.kubernetes_zones =
                            words[1..].iter().filter(|w| **w != "{").map(|w| (*w).to_owned()).collect();
                    }
                    "forward" => out.forwards = true,
                    _ => {}
                }
            }
            _ => {}
        }
        depth += opens;
    }
    if depth > 0 {
        return fail(last_line, "Unexpected EOF".to_owned());
    }
    Ok(out)
}

/// The Corefile `CoreDNS` is serving with: the `coredns` config map's, or the default one when it
/// does not parse (the running pods keep their last good configuration). `None` in a cluster
/// without the config map, which resolves as it always has.
pub fn serving(cluster: &Cluster) -> Option<Corefile> {
    let text = cluster.configmaps().get(&key("kube-system", "coredns"))?.data.get("Corefile")?;
    Some(parse(text).unwrap_or_else(|_| Corefile {
        kubernetes_zones: vec![CLUSTER_DOMAIN.to_owned(), "in-addr.arpa".to_owned(), "ip6.arpa".to_owned()],
        forwards: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    reload\n}\n";

    #[test]
    fn kubeadms_corefile_serves_the_cluster_and_forwards() {
        let c = parse(GOOD).expect("parses");
        assert!(c.serves_cluster_names());
        assert!(c.forwards);
        assert_eq!(c.kubernetes_zones, ["cluster.local", "in-addr.arpa", "ip6.arpa"]);
    }

    /// `CoreDNS`'s messages for a misspelt plugin, a missing and a stray brace.
    #[test]
    fn syntax_errors_read_like_coredns() {
        assert_eq!(
            parse(&GOOD.replace("kubernetes cluster", "kubernets cluster")),
            Err("/etc/coredns/Corefile:6 - Error during parsing: Unknown directive 'kubernets'".to_owned())
        );
        assert_eq!(
            parse(GOOD.trim_end().trim_end_matches('}')),
            Err("/etc/coredns/Corefile:12 - Error during parsing: Unexpected EOF".to_owned())
        );
        assert_eq!(
            parse(&format!("{GOOD}}}\n")),
            Err("/etc/coredns/Corefile:14 - Error during parsing: Unexpected '}' because no matching opening brace"
                .to_owned())
        );
    }

    #[test]
    fn a_wrong_zone_parses_but_does_not_serve_the_cluster() {
        let c = parse(&GOOD.replace("kubernetes cluster.local", "kubernetes cluster.lcoal")).expect("parses");
        assert!(!c.serves_cluster_names());
        assert!(c.forwards);
    }
}
