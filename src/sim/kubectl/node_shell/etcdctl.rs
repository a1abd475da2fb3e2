//! `etcdctl` on the control-plane node, talking to the etcd static pod at 127.0.0.1:2379: the
//! status, alarms and maintenance (compact, defrag, alarm disarm) of the API server's store. Like
//! the real one on a kubeadm node it needs the client certificate (`--cacert`, `--cert`, `--key`
//! or their `ETCDCTL_*` variables), since etcd takes only clients it can verify.

use std::fmt::Write as _;

use super::Shell;
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;
use crate::sim::control_plane::{self, Component, ETCD_VERSION};
use crate::sim::etcd::{ENDPOINT, EtcdOp, MEMBER_ID, human_bytes};
use crate::sim::kubectl::describe::clock;
use crate::sim::objects::Node;

/// The cluster ID of kubeadm's single-member etcd.
const CLUSTER_ID: u64 = 14_841_639_068_965_178_418;
const RAFT_TERM: u64 = 2;

/// etcd's version without kubeadm's image suffix (`3.5.15`).
fn version() -> &'static str {
    ETCD_VERSION.split('-').next().unwrap_or(ETCD_VERSION)
}

/// What a client that cannot reach etcd (or is refused by it) prints after its timeout.
fn unreachable(cluster: &Cluster, cause: &str) -> Shell {
    Shell::Fail(
        format!(
            "{{\"level\":\"warn\",\"ts\":\"{}\",\"logger\":\"etcd-client\",\"caller\":\"v3@v{}/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"etcd-endpoints://0xc0003a8000/127.0.0.1:2379\",\"attempt\":0,\"error\":\"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\\"{cause}\\\"\"}}\nError: context deadline exceeded",
            clock::rfc3339_nano(cluster.now + 5),
            version()
        ),
        1,
    )
}

/// `etcdctl …` on `node`, with `env` the `NAME=value` words before it on the line.
pub fn etcdctl(cluster: &Cluster, node: &Node, args: &[&str], env: &[&str]) -> Shell {
    if !control_plane::node_is_control_plane(node) {
        return Shell::Fail("bash: etcdctl: command not found".to_owned(), 127);
    }
    let mut words = Vec::new();
    let mut output = "simple";
    let mut certs = 0;
    let mut it = args.iter().copied();
    while let Some(word) = it.next() {
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v)),
            _ => (word, None),
        };
        let mut value = || inline.or_else(|| it.next());
        match name {
            "-w" | "--write-out" => output = value().unwrap_or("simple"),
            "--cacert" | "--cert" | "--key" => {
                if value().is_some_and(|v| v.starts_with("/etc/kubernetes/pki/")) {
                    certs += 1;
                }
            }
            "--endpoints" | "--command-timeout" | "--dial-timeout" | "--user" | "--password" => {
                value();
            }
            n if n.starts_with('-') => {}
            _ => words.push(word),
        }
    }
    certs += env
        .iter()
        .filter(|e| {
            ["ETCDCTL_CACERT=", "ETCDCTL_CERT=", "ETCDCTL_KEY="]
                .iter()
                .any(|p| e.strip_prefix(p).is_some_and(|v| v.starts_with("/etc/kubernetes/pki/")))
        })
        .count();
    if words.first() == Some(&"version") {
        return Shell::Out(format!("etcdctl version: {}\nAPI version: 3.5", version()));
    }
    if words.is_empty() {
        return Shell::Fail(
            "NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]".to_owned(),
            1,
        );
    }
    if !control_plane::runs(cluster, Component::Etcd) {
        return unreachable(
            cluster,
            "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused",
        );
    }
    if certs < 3 {
        return unreachable(cluster, "error reading server preface: EOF");
    }
    let etcd = cluster.etcd();
    let alarm = format!("memberID:{MEMBER_ID} alarm:NOSPACE ");
    match words.as_slice() {
        ["endpoint", "status", ..] => endpoint_status(cluster, output),
        ["endpoint", "health", ..] => {
            Shell::Out(format!("{ENDPOINT} is healthy: successfully committed proposal: took = 9.482121ms"))
        }
        ["member", "list", ..] => Shell::Out(format!(
            "{MEMBER_ID:x}, started, {}, https://{ip}:2380, https://{ip}:2379, false",
            node.meta.name,
            ip = node.internal_ip
        )),
        ["alarm", "list"] => Shell::Out(if etcd.alarm { alarm } else { String::new() }),
        ["alarm", "disarm"] if etcd.alarm => Shell::Apply(vec![Change::Etcd { op: EtcdOp::Disarm }], alarm),
        ["alarm", "disarm"] => Shell::Out(String::new()),
        ["compact", revision] => match revision.parse::<u64>() {
            Ok(r) if r <= etcd.compacted => {
                Shell::Fail("Error: etcdserver: mvcc: required revision has been compacted".to_owned(), 1)
            }
            Ok(r) if r > etcd.revision => {
                Shell::Fail("Error: etcdserver: mvcc: required revision is a future revision".to_owned(), 1)
            }
            Ok(r) => Shell::Apply(vec![Change::Etcd { op: EtcdOp::Compact(r) }], format!("compacted revision {r}")),
            Err(_) => Shell::Fail(
                format!("Error: bad compaction revision (strconv.ParseInt: parsing \"{revision}\": invalid syntax)"),
                1,
            ),
        },
        ["compact"] => Shell::Fail("Error: compact command needs 1 argument".to_owned(), 1),
        ["defrag", ..] => Shell::Apply(
            vec![Change::Etcd { op: EtcdOp::Defrag }],
            format!("Finished defragmenting etcd member[{ENDPOINT}]"),
        ),
        [other, ..] => Shell::Fail(format!("Error: unknown command \"{other}\" for \"etcdctl\""), 1),
        [] => Shell::Out(String::new()),
    }
}

/// `etcdctl endpoint status` in its simple, table and json forms.
fn endpoint_status(cluster: &Cluster, output: &str) -> Shell {
    let etcd = cluster.etcd();
    let id = format!("{MEMBER_ID:x}");
    let size = human_bytes(etcd.db_size);
    let error = etcd.alarm.then(|| format!("memberID:{MEMBER_ID} alarm:NOSPACE "));
    match output {
        "simple" => Shell::Out(format!(
            "{ENDPOINT}, {id}, {}, {size}, true, false, {RAFT_TERM}, {index}, {index}, {}",
            version(),
            error.as_deref().unwrap_or(""),
            index = etcd.raft_index
        )),
        "json" => Shell::Out(format!(
            "[{{\"Endpoint\":\"{ENDPOINT}\",\"Status\":{{\"header\":{{\"cluster_id\":{CLUSTER_ID},\"member_id\":{MEMBER_ID},\"revision\":{},\"raft_term\":{RAFT_TERM}}},\"version\":\"{}\",\"dbSize\":{},\"leader\":{MEMBER_ID},\"raftIndex\":{index},\"raftTerm\":{RAFT_TERM},\"raftAppliedIndex\":{index},{}\"dbSizeInUse\":{}}}}}]",
            etcd.revision,
            version(),
            etcd.db_size,
            error.as_ref().map_or_else(String::new, |e| format!("\"errors\":[\"{e}\"],")),
            etcd.in_use,
            index = etcd.raft_index
        )),
        "table" => Shell::Out(table(&id, &size, etcd.raft_index, error.is_some())),
        other => Shell::Fail(format!("Error: unknown output format \"{other}\""), 1),
    }
}

/// The table etcdctl draws (olekukonko/tablewriter: centred headers, right-aligned cells, long
/// cells wrapped at word boundaries).
fn table(id: &str, size: &str, index: u64, alarm: bool) -> String {
    let index = index.to_string();
    let errors: Vec<String> =
        if alarm { vec![format!("memberID:{MEMBER_ID}"), "alarm:NOSPACE ".to_owned()] } else { vec![String::new()] };
    let header = [
        "ENDPOINT",
        "ID",
        "VERSION",
        "DB SIZE",
        "IS LEADER",
        "IS LEARNER",
        "RAFT TERM",
        "RAFT INDEX",
        "RAFT APPLIED INDEX",
        "ERRORS",
    ];
    let first = [ENDPOINT, id, version(), size, "true", "false", "2", &index, &index];
    let error_width = if alarm { 30 } else { 0 };
    let mut widths: Vec<usize> = header.iter().zip(first.iter()).map(|(h, c)| h.len().max(c.len())).collect();
    widths.push(header[9].len().max(error_width));
    let rule = widths.iter().fold(String::from("+"), |mut s, w| {
        s.push_str(&"-".repeat(w + 2));
        s.push('+');
        s
    });
    let mut out = format!("{rule}\n|");
    for (h, w) in header.iter().zip(&widths) {
        let left = (w - h.len()) / 2;
        let _ = write!(out, " {}{h}{} |", " ".repeat(left), " ".repeat(w - h.len() - left));
    }
    let _ = write!(out, "\n{rule}\n");
    for (line, error) in errors.iter().enumerate() {
        out.push('|');
        for (column, w) in widths.iter().enumerate() {
            let cell = match column {
                9 => error.as_str(),
                c if line == 0 => first[c],
                _ => "",
            };
            let _ = write!(out, " {cell:>w$} |");
        }
        out.push('\n');
    }
    out.push_str(&rule);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_table_wraps_the_alarm_as_etcdctl_does() {
        let text = table("8e9e05c52164694d", "2.2 GB", 52913, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(lines[1].ends_with("|             ERRORS             |"), "{text}");
        assert!(lines[3].starts_with("| https://127.0.0.1:2379 | 8e9e05c52164694d |  3.5.15 |  2.2 GB |"), "{text}");
        assert!(lines[3].ends_with("|  memberID:10276657743932975437 |"), "{text}");
        assert!(lines[4].ends_with("|                 alarm:NOSPACE  |"), "{text}");
        assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{text}");
    }
}
