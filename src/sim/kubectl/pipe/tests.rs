//! Pipes against what bash and GNU coreutils print for the same input.

use proptest::prelude::*;

use super::{run, split};

/// `kubectl get pods -A` as a cluster might print it.
const PODS: &str = "\
NAMESPACE     NAME                    READY   STATUS             RESTARTS   AGE
default       web-6d4cf56db6-4xk2p    1/1     Running            0          5m
default       web-6d4cf56db6-x7k2p    0/1     CrashLoopBackOff   7          5m
kube-system   coredns-5d78c9869d-abcde 1/1    Running            0          30d
shop          db-0                    1/1     Running            2          3d
shop          cart-7f9c8d6b5-qq2zz    0/1     Pending            0          1m";

fn pipe(line: &str) -> Result<String, String> {
    let (_, stages) = split(&format!("get pods {line}"));
    run(PODS, &stages)
}

#[test]
fn split_keeps_pipes_inside_quotes() {
    let (command, stages) = split("get pods | grep -E 'web|db' | awk \"{print \\$2}\" | grep a\\|b");
    assert_eq!(command, "get pods ");
    assert_eq!(
        stages,
        [
            Some(vec!["grep".to_owned(), "-E".to_owned(), "web|db".to_owned()]),
            Some(vec!["awk".to_owned(), "{print $2}".to_owned()]),
            Some(vec!["grep".to_owned(), "a|b".to_owned()]),
        ]
    );
    assert_eq!(split("get pods"), ("get pods", Vec::new()));
}

#[test]
fn grep_filters_like_gnu_grep() {
    assert_eq!(
        pipe("| grep -v Running | grep -vi name"),
        Ok(PODS.lines().filter(|l| l.contains("Crash") || l.contains("Pending")).collect::<Vec<_>>().join("\n"))
    );
    // Basic regular expressions alternate with `\|`; extended ones with `|`.
    assert_eq!(pipe("| grep 'Crash\\|Pending' | wc -l"), Ok("2".to_owned()));
    assert_eq!(pipe("| grep -E 'Crash|Pending' -c"), Ok("2".to_owned()));
    assert_eq!(pipe("| egrep '(db|cart)-' | wc -l"), Ok("2".to_owned()));
    // In a basic expression `|` is a plain character.
    assert_eq!(pipe("| grep 'Crash|Pending' -c"), Ok("0".to_owned()));
    // -w matches whole words: `-` ends a word, a letter does not.
    assert_eq!(pipe("| grep -cw we"), Ok("0".to_owned()));
    assert_eq!(pipe("| grep -cw web"), Ok("2".to_owned()));
    assert_eq!(pipe("| grep -oE '[0-9]+/[0-9]+' | sort | uniq -c"), Ok("      2 0/1\n      3 1/1".to_owned()));
    assert_eq!(
        pipe("| grep -n db-"),
        Ok("5:shop          db-0                    1/1     Running            2          3d".to_owned())
    );
    assert_eq!(pipe("| grep -in PENDING | cut -d: -f1"), Ok("6".to_owned()));
}

#[test]
fn grep_context_groups_are_separated_like_gnu_grep() {
    let lines = "a\nb\nhit1\nc\nd\ne\nhit2\nf";
    let grep = |args: &str| run(lines, &split(&format!("x | grep {args}")).1);
    assert_eq!(grep("-A1 hit"), Ok("hit1\nc\n--\nhit2\nf".to_owned()));
    assert_eq!(grep("-B 1 hit"), Ok("b\nhit1\n--\ne\nhit2".to_owned()));
    assert_eq!(grep("-n -C2 hit"), Ok("1-a\n2-b\n3:hit1\n4-c\n5-d\n6-e\n7:hit2\n8-f".to_owned()));
    assert_eq!(grep("-nA1 hit2"), Ok("7:hit2\n8-f".to_owned()));
}

#[test]
fn grep_errors_are_grep_s() {
    assert_eq!(
        pipe("| grep"),
        Err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.".to_owned())
    );
    assert_eq!(pipe("| grep -A x web"), Err("grep: x: invalid context length argument".to_owned()));
    assert_eq!(pipe("| grep -E '('"), Err("grep: Invalid regular expression".to_owned()));
    assert_eq!(pipe("| grep web pods.txt"), Err("grep: pods.txt: No such file or directory".to_owned()));
    assert!(pipe("| grep -j web").is_err_and(|e| e.starts_with("grep: invalid option -- 'j'")));
}

#[test]
fn head_tail_and_wc_count_lines() {
    assert_eq!(pipe("| head -n 2 | tail -1 | awk '{print $2}'"), Ok("web-6d4cf56db6-4xk2p".to_owned()));
    assert_eq!(pipe("| head -3 | wc -l"), Ok("3".to_owned()));
    assert_eq!(pipe("| tail -n +2 | wc -l"), Ok("5".to_owned()));
    assert_eq!(pipe("| head -n -4"), Ok(PODS.lines().take(2).collect::<Vec<_>>().join("\n")));
    assert_eq!(pipe("| tail -n2 | cut -c1-4"), Ok("shop\nshop".to_owned()));
    assert_eq!(pipe("| head -n x"), Err("head: invalid number of lines: ‘x’".to_owned()));
    // Plain wc prints lines, words and bytes in columns seven wide.
    assert_eq!(run("a b\nc", &split("x | wc").1), Ok("      2       3       6".to_owned()));
    assert_eq!(run("a b\nc", &split("x | wc -w").1), Ok("3".to_owned()));
}

#[test]
fn sort_orders_like_gnu_sort() {
    assert_eq!(
        pipe("| tail -n +2 | sort -k5 -n -r | head -1 | awk '{print $2, $5}'"),
        Ok("web-6d4cf56db6-x7k2p 7".to_owned())
    );
    assert_eq!(pipe("| awk 'NR>1 {print $1}' | sort -u"), Ok("default\nkube-system\nshop".to_owned()));
    // Equal counts fall back to the whole line, reversed too under -r.
    assert_eq!(
        pipe("| awk 'NR>1 {print $1}' | sort | uniq -c | sort -rn"),
        Ok("      2 shop\n      2 default\n      1 kube-system".to_owned())
    );
    assert_eq!(run("b 10\na 9\nc 100", &split("x | sort -k2n").1), Ok("a 9\nb 10\nc 100".to_owned()));
    assert_eq!(run("b 10\na 9\nc 100", &split("x | sort -k 2").1), Ok("b 10\nc 100\na 9".to_owned()));
    assert_eq!(run("x 120Mi\ny 2Gi\nz 900Ki", &split("x | sort -k2 -h").1), Ok("z 900Ki\nx 120Mi\ny 2Gi".to_owned()));
    assert_eq!(run("a:3\nb:1", &split("x | sort -t: -k2").1), Ok("b:1\na:3".to_owned()));
    assert_eq!(run("b\na\nb", &split("x | sort -r").1), Ok("b\nb\na".to_owned()));
}

#[test]
fn uniq_and_cut_work_on_adjacent_lines_and_fields() {
    assert_eq!(run("a\na\nb\na", &split("x | uniq").1), Ok("a\nb\na".to_owned()));
    assert_eq!(run("a\na\nb", &split("x | uniq -c").1), Ok("      2 a\n      1 b".to_owned()));
    assert_eq!(run("a\na\nb", &split("x | uniq -d").1), Ok("a".to_owned()));
    assert_eq!(run("a,b,c\nnone", &split("x | cut -d, -f2,3").1), Ok("b,c\nnone".to_owned()));
    assert_eq!(run("a,b,c\nnone", &split("x | cut -d ',' -f 2- -s").1), Ok("b,c".to_owned()));
    assert_eq!(run("a b", &split("x | cut -d ' ' -f1").1), Ok("a".to_owned()));
    assert_eq!(run("a", &split("x | cut -f").1), Err("cut: option requires an argument -- 'f'".to_owned()));
    assert_eq!(
        run("a", &split("x | cut -f 0").1),
        Err("cut: fields and positions are numbered from 1\nTry 'cut --help' for more information.".to_owned())
    );
}

#[test]
fn awk_prints_fields_by_pattern() {
    assert_eq!(pipe("| awk '{print $NF}' | head -2"), Ok("AGE\n5m".to_owned()));
    assert_eq!(pipe("| awk '/Crash/ {print $2}'"), Ok("web-6d4cf56db6-x7k2p".to_owned()));
    assert!(pipe("| awk '$4 != \"Running\" && 1'").is_err());
    assert_eq!(pipe("| awk '$4 == \"Pending\" {print $1 \"/\" $2}'"), Ok("shop/cart-7f9c8d6b5-qq2zz".to_owned()));
    assert_eq!(
        pipe("| awk '$5 > 1 {print $2,$(NF-1)}'"),
        Ok("NAME RESTARTS\nweb-6d4cf56db6-x7k2p 7\ndb-0 2".to_owned())
    );
    assert_eq!(pipe("| awk '$2 ~ /^web/' | wc -l"), Ok("2".to_owned()));
    assert_eq!(
        pipe("| awk '!/Running/ {print NR\": \"$2}'"),
        Ok("1: NAME\n3: web-6d4cf56db6-x7k2p\n6: cart-7f9c8d6b5-qq2zz".to_owned())
    );
    assert_eq!(run("a:b:c", &split("x | awk -F: '{print $2}'").1), Ok("b".to_owned()));
    assert_eq!(run("a:b:c", &split("x | awk -F ':' '{print $1, NF}'").1), Ok("a 3".to_owned()));
    assert!(pipe("| awk '{x=1}'").is_err_and(|e| e.starts_with("awk: cmd. line:1: {x=1}")));
}

#[test]
fn tools_the_console_lacks_answer_as_bash_does() {
    assert_eq!(pipe("| xargs kubectl delete pod"), Err("bash: xargs: command not found".to_owned()));
    assert_eq!(pipe("| grep web |"), Err("bash: syntax error near unexpected token `|'".to_owned()));
    assert_eq!(pipe(&"| cat ".repeat(17)), Err("bash: too many pipes: this console runs at most 16".to_owned()));
}

#[test]
fn the_console_runs_pipes_after_a_command() {
    let mut c = crate::sim::kubectl::describe::fixture::cluster();
    let out = crate::sim::kubectl::run(&mut c, "kubectl get pods | grep -c Running");
    assert!(out.ok);
    assert!(out.output.parse::<usize>().is_ok(), "{}", out.output);
    let out = crate::sim::kubectl::run(&mut c, "kubectl get pods | jq .");
    assert!(!out.ok);
    assert_eq!(out.output, "bash: jq: command not found");
    assert_eq!(out.cost, crate::sim::kubectl::READ_COST);
}

proptest! {
    /// No stage line panics, and no pipe makes more text than it was given plus the short
    /// counts and prefixes its tools add.
    #[test]
    fn pipes_never_panic_or_grow_without_bound(stage in "[ -~]{0,40}", input in "[ -~\n]{0,200}") {
        let (_, stages) = split(&format!("get pods | {stage} | {stage}"));
        if let Ok(out) = run(&input, &stages) {
            prop_assert!(out.len() <= 4 * (input.len() + 1) * (stage.len() + 8) + 64);
        }
    }
}
