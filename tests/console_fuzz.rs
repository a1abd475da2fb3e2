//! No console input panics: arbitrary lines, kubectl-shaped lines with random flags and values,
//! and control characters, against a live scenario, across every verb.

use kombat::game::World;
use kombat::scenario;
use proptest::prelude::*;

const VERBS: &[&str] = &[
    "get",
    "describe",
    "logs",
    "events",
    "top",
    "auth can-i",
    "exec",
    "curl",
    "wget",
    "nslookup",
    "ssh",
    "rollout",
    "rollout status",
    "rollout history",
    "rollout undo",
    "rollout restart",
    "set image",
    "set env",
    "set resources",
    "scale",
    "patch",
    "label",
    "annotate",
    "delete",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "create configmap",
    "create secret generic",
    "create role",
    "create rolebinding",
    "create deployment",
    "version",
    "edit",
    "apply",
];
const WORDS: &[&str] = &[
    "pods",
    "po/web",
    "deploy/web",
    "deployment",
    "web",
    "svc",
    "nodes",
    "node-1",
    "-n",
    "shop",
    "-A",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "jsonpath={.items[*].metadata.name}",
    "-l",
    "app=web",
    "--replicas=0",
    "--replicas=-1",
    "--",
    "cat",
    "/etc/resolv.conf",
    "env",
    "--previous",
    "-c",
    "--tail=3",
    "--type=json",
    "-p",
    "{\"spec\":{}}",
    "[{\"op\":\"remove\",\"path\":\"/spec\"}]",
    "web=x:1",
    "k=v",
    "k-",
    "dedicated=gpu:NoSchedule",
    "--force",
    "--grace-period=0",
    "--ignore-daemonsets",
    "--to-revision=99",
    "'",
    "\"",
    "|",
    "grep",
    "x",
    "--sort-by=.x",
    "--field-selector=status.phase=Running",
    "https://shop.example.com/",
    "\u{1b}[2J",
    "\u{202e}",
    "",
];

fn session() -> World {
    let s = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
    World::new(s, 3).expect("builds")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn kubectl_shaped_lines_never_panic(verb in 0..VERBS.len(), words in proptest::collection::vec(0..WORDS.len(), 0..8)) {
        let mut s = session();
        let line = std::iter::once(VERBS[verb]).chain(words.iter().map(|&i| WORDS[i])).collect::<Vec<_>>().join(" ");
        let _ = s.run_line(&line);
        let _ = s.run_line("get pods -A -o yaml");
    }

    #[test]
    fn arbitrary_text_never_panics(line in "\\PC{0,80}") {
        let mut s = session();
        let _ = s.run_line(&line);
        let _ = s.run_line(&format!("kubectl {line}"));
    }
}
