//! The command table agrees with what the console does: every command runs, help lists it,
//! costs follow from it, and reads run on a shared cluster with the same answer.

use super::super::mutate::fixture;
use super::*;
use crate::sim::kubectl::{cost_of, effect_of, run, run_read};

fn line_of(command: &Command) -> String {
    command.name()
}

#[test]
fn every_command_is_dispatched_by_run() {
    for command in COMMANDS {
        let mut c = fixture::cluster();
        let line = line_of(command);
        let out = run(&mut c, &line).output;
        assert!(!out.contains("unknown command"), "{line}: {out}");
        for alias in command.aliases {
            let mut words = command.words.to_vec();
            words.pop();
            words.push(alias);
            let tokens: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            let found = resolve(&tokens).map(|(c, _)| c.name());
            assert_eq!(found, Some(command.name()), "{}", words.join(" "));
        }
        let tokens: Vec<String> = command.words.iter().map(|w| (*w).to_owned()).collect();
        assert_eq!(resolve(&tokens).map(|(c, rest)| (c.name(), rest)), Some((command.name(), Vec::new())));
    }
}

#[test]
fn subcommands_are_found_past_flags() {
    let tokens: Vec<String> = "create -n shop cm x --from-literal=a=b".split(' ').map(str::to_owned).collect();
    let (command, rest) = resolve(&tokens).expect("resolves");
    assert_eq!(command.words, ["create", "configmap"]);
    assert_eq!(rest, ["-n", "shop", "x", "--from-literal=a=b"]);
    let tokens: Vec<String> = "rollout frob".split(' ').map(str::to_owned).collect();
    assert_eq!(resolve(&tokens).map(|(c, _)| c.words), Some(&["rollout"][..]));
    assert!(resolve(&["frob".to_owned()]).is_none());
}

#[test]
fn help_lists_every_command() {
    let mut c = fixture::cluster();
    let text = run(&mut c, "kubectl --help").output;
    assert_eq!(text, help());
    for verb in verbs() {
        let subs: Vec<&str> = subcommands(verb).filter_map(|s| s.words.last().copied()).collect();
        let line = text
            .lines()
            .find(|l| l.contains(verb.help) && l.trim_start().starts_with(&format!("{} ", verb.words[0])))
            .unwrap_or_else(|| panic!("{} not in help", verb.name()));
        if !subs.is_empty() {
            assert!(line.ends_with(&format!("({})", subs.join(", "))), "{line}");
        }
    }
    assert!(text.starts_with("kubectl controls the (simulated) Kubernetes cluster.\n\nBasic Commands:\n  get           Display one or many resources\n"));
}

#[test]
fn costs_and_effects_follow_the_table() {
    for command in COMMANDS {
        let line = line_of(command);
        let effect = if command.may_change() { Effect::Change } else { Effect::Read };
        if matches!(command.handler, Handler::Input(_)) {
            // Without text to apply a manifest command reads (edit shows the object); with a
            // here-document it changes, and with --dry-run it reads again.
            assert_eq!(effect_of(&line), Effect::Read, "{line}");
            let with_body = format!("{line} <<EOF\nkind: x\nEOF");
            assert_eq!(effect_of(&with_body), Effect::Change, "{line}");
            let dry = format!("{line} --dry-run=client <<EOF\nkind: x\nEOF");
            assert_eq!(effect_of(&dry), Effect::Read, "{line}");
        } else if !matches!(command.handler, Handler::Plan(_)) && command.words != ["help"] {
            assert_eq!(effect_of(&line), effect, "{line}");
            assert_eq!(cost_of(&line), effect.cost(), "{line}");
            assert_eq!(cost_of(&format!("kubectl {line} | grep x")), effect.cost(), "{line}");
        }
    }
    assert_eq!(cost_of(""), 0);
    assert_eq!(cost_of("kubectl"), 0);
    assert_eq!(cost_of("help"), 0);
    assert_eq!(cost_of("frob"), 0);
    assert_eq!(cost_of("get 'pods"), 0);
    assert_eq!(cost_of("rollout status deploy/web"), READ_COST);
    assert_eq!(cost_of("rollout -n shop undo deploy/web"), CHANGE_COST);
    // A dry run costs a read wherever kubectl takes the flag.
    assert_eq!(cost_of("rollout -n shop undo deploy/web --dry-run=server"), READ_COST);
    assert_eq!(cost_of("scale deploy/web --replicas=2 --dry-run"), READ_COST);
    assert_eq!(cost_of("create cm x --dry-run=client -o yaml"), READ_COST);
    assert_eq!(cost_of("scale deploy/web --replicas=2 --dry-run=none"), CHANGE_COST);
    assert_eq!(cost_of("ssh node-1 -- df -h"), READ_COST);
    assert_eq!(cost_of("ssh node-1 -- systemctl stop kubelet"), CHANGE_COST);
    assert_eq!(cost_of("ssh node-1 -- rm -rf /var/log/app"), CHANGE_COST);
    // `edit` alone shows the object; with the edited text it changes it.
    assert_eq!(effect_of("edit deploy/web"), Effect::Read);
    assert_eq!(effect_of("edit deploy/web <<EOF\nkind: Deployment\nEOF"), Effect::Change);
}

#[test]
fn reads_run_on_a_shared_cluster_with_the_same_answer() {
    let lines = [
        "get pods -A",
        "get deploy web -n shop -o yaml",
        "describe deploy/web -n shop",
        "logs deploy/web -n shop",
        "events -n shop",
        "top pods -A",
        "auth can-i list pods",
        "auth whoami",
        "rollout status deploy/web -n shop",
        "rollout history deploy/web -n shop --revision=1",
        "version",
        "help",
        "frob",
        "",
        "get pods | wc -l",
        // Without a here-document, `edit` shows the object and `apply` fails: reads.
        "edit deploy/web -n shop",
        "edit x",
        "apply",
    ];
    for line in lines {
        let mut c = fixture::cluster();
        let read = run_read(&c, line);
        assert_eq!(read, Some(run(&mut c, line)), "{line}");
    }
    let c = fixture::cluster();
    for line in [
        "scale deploy/web --replicas=0 -n shop",
        "set image deploy/web web=x",
        "create ns x",
        "edit x <<EOF\nkind: x\nEOF",
    ] {
        assert_eq!(run_read(&c, line), None, "{line}");
    }
}

#[test]
fn every_command_has_a_usage_in_kubectls_style() {
    for command in COMMANDS {
        assert!(!command.synopsis.is_empty(), "{} has no synopsis", command.name());
        let text = usage(command);
        assert!(text.starts_with(&format!("{}.\n\nUsage:\n  ", command.help)), "{text}");
        for flag in command.flags {
            assert!(text.contains(&format!("--{}=", flag.long)), "{}: --{} missing", command.name(), flag.long);
        }
        for sub in subcommands(command) {
            assert!(text.contains(sub.help), "{}: {} missing", command.name(), sub.name());
        }
    }
}

#[test]
fn help_for_a_verb_prints_its_usage_and_costs_nothing() {
    let mut c = fixture::cluster();
    for line in ["kubectl get --help", "get pods -h", "help get", "kubectl get pods -n shop --help"] {
        let out = run(&mut c, line);
        assert_eq!((out.cost, out.ok, out.changed), (0, true, false), "{line}");
        assert!(
            out.output.starts_with("Display one or many resources.\n\nUsage:\n  kubectl get "),
            "{line}: {}",
            out.output
        );
        assert!(out.output.contains("-l, --selector=''"), "{}", out.output);
        assert_eq!(cost_of(line), 0, "{line}");
    }
    let out = run(&mut c, "rollout undo --help");
    assert!(out.output.starts_with("Undo a previous rollout.\n\nUsage:\n  kubectl rollout undo"), "{}", out.output);
    let out = run(&mut c, "rollout --help");
    assert!(out.output.contains("Available Commands:\n  status "), "{}", out.output);
    for line in ["--help", "help", "-h"] {
        let out = run(&mut c, line);
        assert_eq!((out.cost, out.output.as_str()), (0, help().as_str()), "{line}");
    }
    // A change asked about is not made.
    let before = c.world();
    let out = run(&mut c, "scale deploy/web -n shop --replicas=0 --help");
    assert_eq!(out.cost, 0);
    assert!(out.output.contains("kubectl scale --replicas=COUNT"), "{}", out.output);
    assert_eq!(c.world(), before);
    // A node's own `-h` is the node's.
    assert_eq!(cost_of("ssh node-1 -- df -h"), READ_COST);
}

#[test]
fn unknown_flags_and_failed_commands_cost_nothing() {
    let mut c = fixture::cluster();
    assert_eq!(cost_of("kubectl get pods --frobnicate"), 0);
    assert_eq!(cost_of("kubectl scale deploy/web --frobnicate"), 0);
    let out = run(&mut c, "kubectl get pods --frobnicate");
    assert_eq!(out.output, "error: unknown flag: --frobnicate\nSee 'kubectl --help' for usage.");
    assert_eq!((out.cost, out.ok), (0, false));
    for line in [
        "get pods nosuchpod -n shop",
        "frob",
        "delete deploy/nosuch -n shop",
        "rollout undo deploy/nosuch -n shop",
        "get 'pods",
    ] {
        let out = run(&mut c, line);
        assert_eq!((out.cost, out.ok, out.changed), (0, false, false), "{line}: {}", out.output);
    }
    // What runs still costs.
    assert_eq!(run(&mut c, "get pods -n shop").cost, READ_COST);
    assert_eq!(run(&mut c, "scale deploy/web -n shop --replicas=2").cost, CHANGE_COST);
}

#[test]
fn auth_whoami_and_events_print_json_and_yaml() {
    let mut c = fixture::cluster();
    assert_eq!(
        run(&mut c, "auth whoami -o yaml").output,
        "apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata:\n  creationTimestamp: null\nstatus:\n  userInfo:\n    groups:\n    - kubeadm:cluster-admins\n    - system:authenticated\n    username: kubernetes-admin"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&mut c, "auth whoami -o json").output).expect("json");
    assert_eq!(json["status"]["userInfo"]["username"], "kubernetes-admin");
    assert!(run(&mut c, "auth whoami -o json").output.starts_with("{\n    \"kind\": \"SelfSubjectReview\",\n"));
    let events = run(&mut c, "events -n shop -o yaml").output;
    assert!(
        events.starts_with("apiVersion: v1\nitems:") || events.starts_with("apiVersion: v1\nitems: []"),
        "{events}"
    );
    assert!(events.contains("kind: EventList"), "{events}");
    let json: serde_json::Value = serde_json::from_str(&run(&mut c, "events -A -o json").output).expect("json");
    assert_eq!(json["kind"], "EventList");
}

#[test]
fn new_read_verbs_are_reads_with_usage() {
    for line in [
        "api-resources",
        "api-versions",
        "explain pods",
        "cluster-info",
        "config view",
        "wait --for=delete pod/x",
        "options",
    ] {
        assert_eq!(effect_of(line), Effect::Read, "{line}");
        assert_eq!(cost_of(line), READ_COST, "{line}");
        let mut c = fixture::cluster();
        let help = run(&mut c, &format!("{line} --help")).output;
        assert!(help.contains("Usage:\n  kubectl "), "{line}: {help}");
    }
}
