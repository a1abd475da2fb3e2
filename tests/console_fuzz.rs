//! No console input panics: arbitrary lines, kubectl-shaped lines with random flags and values,
//! and control characters, against a live scenario, across every command of the console's
//! table (so a new verb is fuzzed as soon as it is declared), with that command's own flags.

use kombat::game::World;
use kombat::scenario;
use kombat::sim::kubectl::{
    self,
    verbs::{COMMANDS, Command},
};
use proptest::prelude::*;

/// A command's words, then (by index) either one of the fixed words or one of its flags, in
/// every form the parser takes (`--long`, `--long=x`, `-s`, `-sx`).
fn line(command: &Command, picks: &[(usize, usize)]) -> String {
    let flags: Vec<_> = command.all_flags().collect();
    let mut words: Vec<String> = command.words.iter().map(|w| (*w).to_owned()).collect();
    for &(kind, i) in picks {
        let word = match (kind % 4, flags.get(i % flags.len().max(1))) {
            (1, Some(f)) => format!("--{}", f.long),
            (2, Some(f)) => format!("--{}={}", f.long, WORDS[i % WORDS.len()]),
            (3, Some(f)) => {
                f.short.map_or_else(|| format!("--{}", f.long), |c| format!("-{c}{}", WORDS[i % WORDS.len()]))
            }
            _ => WORDS[i % WORDS.len()].to_owned(),
        };
        words.push(word);
    }
    words.join(" ")
}

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
    fn kubectl_shaped_lines_never_panic(
        command in 0..COMMANDS.len(),
        picks in proptest::collection::vec((0..4usize, 0..64usize), 0..8),
    ) {
        let mut s = session();
        let line = line(&COMMANDS[command], &picks);
        // A line the table calls a read runs the same on a shared cluster, and changes nothing.
        if let Some(read) = kubectl::run_read(&s.cluster, &line) {
            let before = kubectl::run_read(&s.cluster, "get pods,deploy,rs,svc,cm,secrets,nodes -A -o json");
            prop_assert_eq!(&read, &kubectl::run(&mut s.cluster, &line), "{}", line);
            prop_assert!(!read.changed);
            prop_assert_eq!(before, kubectl::run_read(&s.cluster, "get pods,deploy,rs,svc,cm,secrets,nodes -A -o json"), "{}", line);
        } else {
            prop_assert_eq!(kubectl::effect_of(&line), kubectl::Effect::Change, "{}", line);
        }
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
