//! Completion cases, one kind of word at a time, and a property test over arbitrary lines.

use proptest::prelude::*;

use super::*;

fn obj(kind: Kind, namespace: &str, name: &str) -> ObjectName {
    ObjectName { kind, namespace: namespace.to_owned(), name: name.to_owned() }
}

fn names() -> Vec<ObjectName> {
    vec![
        obj(Kind::Pod, "shop", "web-6d4cf56db6-4xk2p"),
        obj(Kind::Pod, "shop", "web-6d4cf56db6-9zqtw"),
        obj(Kind::Pod, "shop", "db-0"),
        obj(Kind::Pod, "default", "debug"),
        obj(Kind::Deployment, "shop", "web"),
        obj(Kind::Deployment, "shop", "worker"),
        obj(Kind::Deployment, "default", "hello"),
        obj(Kind::Service, "shop", "web"),
        obj(Kind::Node, "", "node-1"),
        obj(Kind::Node, "", "node-2"),
        obj(Kind::Namespace, "", "default"),
        obj(Kind::Namespace, "", "shop"),
        obj(Kind::Namespace, "", "kube-system"),
    ]
}

fn line(input: &str) -> String {
    complete(input, &names()).line
}

fn candidates(input: &str) -> Vec<String> {
    complete(input, &names()).candidates
}

#[test]
fn the_first_word_completes_to_a_verb() {
    assert_eq!(line("desc"), "describe ");
    assert_eq!(line("kubectl rol"), "kubectl rollout ");
    assert_eq!(line("k unc"), "k uncordon ");
    // `c` is shared by several verbs: the line stays, the verbs are listed.
    assert_eq!(line("c"), "c");
    assert_eq!(candidates("c"), ["cluster-info", "config", "cordon", "create", "curl"]);
    assert_eq!(candidates("").len(), verb_words().len());
    assert_eq!(line("frob"), "frob");
    assert!(candidates("frob").is_empty());
}

#[test]
fn group_commands_complete_their_subcommands() {
    assert_eq!(line("rollout und"), "rollout undo ");
    assert_eq!(candidates("rollout res"), ["restart", "resume"]);
    assert_eq!(line("rollout res"), "rollout res");
    assert_eq!(line("set im"), "set image ");
    assert_eq!(candidates("set "), ["env", "image", "resources", "selector", "serviceaccount"]);
    assert_eq!(line("top n"), "top nodes ");
    assert_eq!(line("auth c"), "auth can-i ");
    assert_eq!(line("auth can-i pat"), "auth can-i patch ");
    assert_eq!(line("create configm"), "create configmap ");
    assert_eq!(line("create secret gen"), "create secret generic ");
    assert_eq!(candidates("create role"), ["role", "rolebinding"]);
    assert_eq!(line("create service nodep"), "create service nodeport ");
    assert_eq!(line("port-f"), "port-forward ");
}

#[test]
fn resource_types_complete_from_every_spelling() {
    assert_eq!(line("get po"), "get po");
    assert!(candidates("get po").contains(&"pods".to_owned()));
    assert!(candidates("get po").contains(&"poddisruptionbudgets".to_owned()));
    assert_eq!(candidates("describe deploy"), ["deploy", "deployment", "deployments"]);
    assert_eq!(line("delete netp"), "delete netpol ");
    assert_eq!(line("get persistentvolumec"), "get persistentvolumeclaim");
    assert_eq!(line("get pods,sv"), "get pods,svc ");
    assert_eq!(line("label no"), "label no");
    assert_eq!(line("scale deployments"), "scale deployments ");
}

#[test]
fn names_complete_in_the_lines_namespace() {
    // Nothing named web in `default`; `-n`, `--namespace NS` and `--namespace=NS` all move there.
    assert_eq!(line("get pods "), "get pods debug ");
    assert_eq!(line("get pods d"), "get pods debug ");
    assert_eq!(line("get pods -n shop w"), "get pods -n shop web-6d4cf56db6-");
    assert_eq!(candidates("get pods -n shop w"), ["web-6d4cf56db6-4xk2p", "web-6d4cf56db6-9zqtw"]);
    assert_eq!(line("describe deploy --namespace shop wo"), "describe deploy --namespace shop worker ");
    assert_eq!(line("describe deploy --namespace=shop wo"), "describe deploy --namespace=shop worker ");
    assert_eq!(line("get deploy -nshop wo"), "get deploy -nshop worker ");
    assert_eq!(candidates("get deploy -A "), ["hello", "web", "worker"]);
    assert_eq!(candidates("get deployments --all-namespaces "), ["hello", "web", "worker"]);
    // Names already on the line are not offered again.
    assert_eq!(line("get -n shop deploy web "), "get -n shop deploy web worker ");
    assert_eq!(line("get -n shop deploy web w"), "get -n shop deploy web worker ");
    // Cluster-scoped objects ignore the namespace.
    assert_eq!(candidates("get nodes -n shop "), ["node-1", "node-2"]);
    assert_eq!(line("get foos "), "get foos ");
}

#[test]
fn type_slash_name_completes_names_without_a_space_before_them() {
    assert_eq!(line("describe deploy/"), "describe deploy/hello ");
    assert_eq!(line("describe -n shop deploy/w"), "describe -n shop deploy/w");
    assert_eq!(candidates("describe -n shop deploy/w"), ["deploy/web", "deploy/worker"]);
    assert_eq!(line("rollout restart -n shop deployment/wor"), "rollout restart -n shop deployment/worker ");
    assert_eq!(line("rollout status -n shop deployment wor"), "rollout status -n shop deployment worker ");
    assert_eq!(line("set image -n shop deploy/we"), "set image -n shop deploy/web ");
    assert_eq!(line("scale -n shop deploy/wo"), "scale -n shop deploy/worker ");
    assert_eq!(line("get foo/"), "get foo/");
}

#[test]
fn logs_and_exec_complete_pods_and_node_verbs_complete_nodes() {
    assert_eq!(line("logs -n shop d"), "logs -n shop d");
    assert_eq!(candidates("logs -n shop d"), ["db-0", "deploy/"]);
    assert_eq!(line("logs -n shop db"), "logs -n shop db-0 ");
    assert_eq!(line("logs -n shop dep"), "logs -n shop deploy/");
    assert_eq!(line("logs -n shop deploy/wo"), "logs -n shop deploy/worker ");
    assert_eq!(line("log -p -n shop db"), "log -p -n shop db-0 ");
    assert_eq!(line("exec -n shop -it db"), "exec -n shop -it db-0 ");
    assert_eq!(line("exec -n shop db-0 -- ca"), "exec -n shop db-0 -- cat ");
    assert_eq!(line("cordon node-"), "cordon node-");
    assert_eq!(candidates("drain "), ["node-1", "node-2"]);
    assert_eq!(line("uncordon node-1 node-"), "uncordon node-1 node-2 ");
    assert_eq!(line("ssh node-2"), "ssh node-2 ");
    assert_eq!(line("ssh node-2 -- syst"), "ssh node-2 -- systemctl ");
    assert_eq!(line("ssh node-2 -- systemctl rest"), "ssh node-2 -- systemctl restart ");
    assert_eq!(line("ssh node-2 -- systemctl status k"), "ssh node-2 -- systemctl status kubelet ");
    assert_eq!(line("ssh node-2 -- sudo apt-mark unh"), "ssh node-2 -- sudo apt-mark unhold ");
    assert_eq!(line("ssh node-2 -- apt-mark unhold kubel"), "ssh node-2 -- apt-mark unhold kubelet ");
    assert_eq!(line("taint nodes node-1"), "taint nodes node-1 ");
    assert_eq!(line("top pods -n shop d"), "top pods -n shop db-0 ");
    assert_eq!(line("curl -n shop h"), "curl -n shop http://web ");
    assert_eq!(line("nslookup -n shop w"), "nslookup -n shop web ");
}

#[test]
fn flags_complete_per_command() {
    assert_eq!(line("get pods --show-l"), "get pods --show-labels ");
    assert_eq!(line("get pods --sel"), "get pods --selector=");
    assert_eq!(line("get pods --all-"), "get pods --all-namespaces ");
    let get = candidates("get pods -");
    for flag in ["-n", "--namespace=", "-A", "--all-namespaces", "-o", "-l", "--selector=", "--show-labels", "-w"] {
        assert!(get.contains(&flag.to_owned()), "{flag} in {get:?}");
    }
    let logs = candidates("logs web --");
    for flag in ["--previous", "--container=", "--tail=", "--follow", "--since=", "--timestamps"] {
        assert!(logs.contains(&flag.to_owned()), "{flag} in {logs:?}");
    }
    assert!(candidates("logs web -").contains(&"-p".to_owned()));
    assert_eq!(line("drain node-1 --ignore-d"), "drain node-1 --ignore-daemonsets ");
    assert_eq!(line("scale deploy/web --rep"), "scale deploy/web --replicas=");
    assert_eq!(line("rollout undo deploy/web --to"), "rollout undo deploy/web --to-revision=");
    assert_eq!(line("create deployment x --ima"), "create deployment x --image=");
    assert_eq!(line("create cronjob x --sch"), "create cronjob x --schedule=");
    // A flag of another command is not offered.
    assert_eq!(line("describe pods --show-l"), "describe pods --show-l");
    // `--dry-run` and `--filename` are refused by the console and `--context` does nothing, so
    // they are never offered.
    let delete = candidates("delete pods --");
    for flag in ["--dry-run=", "--filename=", "--recursive", "--context=", "--request-timeout="] {
        assert!(!delete.contains(&flag.to_owned()), "{flag} in {delete:?}");
    }
}

#[test]
fn flag_values_complete() {
    assert_eq!(line("get pods -n sh"), "get pods -n shop ");
    assert_eq!(candidates("get pods -n "), ["default", "kube-system", "shop"]);
    assert_eq!(line("get pods --namespace k"), "get pods --namespace kube-system ");
    assert_eq!(line("get pods --namespace=k"), "get pods --namespace=kube-system ");
    assert_eq!(line("get pods -o wi"), "get pods -o wide ");
    assert_eq!(line("get pods -o js"), "get pods -o json");
    assert_eq!(line("get pods -o jsonp"), "get pods -o jsonpath=");
    assert_eq!(line("get pods --output=y"), "get pods --output=yaml ");
    assert_eq!(line("top pods --sort-by=m"), "top pods --sort-by=memory ");
    assert_eq!(line("patch deploy web --type m"), "patch deploy web --type merge ");
    assert_eq!(line("events --for deployment/"), "events --for deployment/hello ");
    assert_eq!(line("get pods --unknown=x"), "get pods --unknown=x");
}

#[test]
fn pipes_complete_their_commands() {
    assert_eq!(line("get pods | gr"), "get pods | grep ");
    assert_eq!(line("get pods|he"), "get pods|head ");
    assert_eq!(line("get pods | grep we"), "get pods | grep we");
}

#[test]
fn odd_input_leaves_the_line_alone() {
    for input in ["", "   ", "get \"po", "get 'pods' \u{fe0f}", "ñ", "get pods -n", "get --=", "-", "--", "|", "a|b|"]
    {
        let done = complete(input, &names());
        assert!(done.candidates.len() <= MAX_CANDIDATES);
        assert!(done.line.starts_with(input.trim_end_matches(|c: char| !c.is_whitespace() && c != '|')));
    }
    assert_eq!(line("get pods   "), "get pods   debug ");
    // Unicode words complete by characters, not bytes.
    let odd = vec![obj(Kind::Pod, "default", "wéb-1"), obj(Kind::Pod, "default", "wéb-2")];
    assert_eq!(complete("get pods w", &odd).line, "get pods wéb-");
    // Names that could not be typed as one word are never offered.
    let spaced = vec![obj(Kind::Pod, "default", "a b"), obj(Kind::Pod, "default", "a\u{1b}[2J")];
    assert_eq!(complete("get pods a", &spaced), Completion { line: "get pods a".to_owned(), candidates: vec![] });
}

#[test]
fn long_lists_are_capped() {
    let many: Vec<ObjectName> = (0..120).map(|i| obj(Kind::Pod, "default", &format!("p-{i:03}"))).collect();
    let done = complete("get pods p", &many);
    assert_eq!(done.line, "get pods p-");
    assert_eq!(done.candidates.len(), MAX_CANDIDATES);
    assert_eq!(done.candidates.first().map(String::as_str), Some("p-000"));
}

/// Every flag offered is one the console accepts: `flags_for` names the table each command parses with.
#[test]
fn every_offered_flag_is_accepted_by_the_console() {
    let commands = [
        "get pods",
        "describe pods",
        "events",
        "logs web",
        "top pods",
        "auth can-i get pods",
        "exec web --",
        "rollout status deploy/web",
        "rollout history deploy/web",
        "rollout undo deploy/web",
        "rollout restart deploy/web",
        "set image deploy/web",
        "set resources deploy/web",
        "set env deploy/web",
        "scale deploy/web",
        "patch deploy/web",
        "label pods web",
        "annotate pods web",
        "delete pods web",
        "cordon node-1",
        "drain node-1",
        "taint nodes node-1",
        "create configmap x",
        "create secret generic x",
        "create deployment x",
        "create job x",
        "create cronjob x",
        "create role x",
        "create clusterrole x",
        "create rolebinding x",
        "create namespace x",
    ];
    for command in commands {
        let (verb, rest) = command.split_once(' ').unwrap_or((command, ""));
        let words: Vec<&str> = rest.split_whitespace().collect();
        let sub = words.first().copied();
        for spec in flags_of(verb, sub) {
            let flag = if spec.takes_value { format!("--{}=1", spec.long) } else { format!("--{}", spec.long) };
            let line = match command.strip_suffix(" --") {
                Some(head) => format!("{head} {flag} -- true"),
                None => format!("{command} {flag}"),
            };
            let mut cluster = crate::sim::cluster::Cluster::new(1);
            let out = crate::sim::kubectl::run(&mut cluster, &line).output;
            assert!(!out.contains("unknown flag") && !out.contains("unknown shorthand"), "{line}: {out}");
            if let Some(c) = spec.short {
                let line = line.replace(&flag, &if spec.takes_value { format!("-{c} 1") } else { format!("-{c}") });
                let out = crate::sim::kubectl::run(&mut cluster, &line).output;
                assert!(!out.contains("unknown shorthand"), "{line}: {out}");
            }
        }
    }
}

fn object_name() -> impl Strategy<Value = ObjectName> {
    (0..Kind::ALL.len(), ".{0,8}", ".{0,12}").prop_map(|(k, namespace, name)| ObjectName {
        kind: Kind::ALL[k],
        namespace,
        name,
    })
}

proptest! {
    #[test]
    fn never_panics_and_keeps_the_line_before_the_last_word(
        input in ".{0,40}|(kubectl )?(get|logs|exec|rollout|set|ssh|top|auth|create) [a-z/ =-]{0,20}",
        names in prop::collection::vec(object_name(), 0..20),
    ) {
        let done = complete(&input, &names);
        let head = input.trim_end_matches(|c: char| !c.is_whitespace() && c != '|');
        prop_assert!(done.line.starts_with(head));
        prop_assert_eq!(head.len(), word_start(&input));
        prop_assert!(done.candidates.len() <= MAX_CANDIDATES);
        prop_assert!(done.candidates.windows(2).all(|w| w[0] < w[1]));
        if done.line != input {
            prop_assert!(done.line.starts_with(&input));
        }
    }
}

/// Completion reads the console's command table: every verb (but the refused ones) and every
/// subcommand is offered.
#[test]
fn every_table_command_is_offered() {
    use crate::sim::kubectl::verbs;
    let offered = candidates("");
    for verb in verbs::verbs().filter(|c| c.section != Section::Refused) {
        assert!(offered.contains(&verb.name()), "{}", verb.name());
        // A group with one subcommand completes it on the line instead of listing it.
        let done = complete(&format!("{} ", verb.name()), &names());
        let subs: Vec<String> = if done.candidates.is_empty() {
            done.line.split_whitespace().skip(1).map(str::to_owned).collect()
        } else {
            done.candidates
        };
        for sub in verbs::subcommands(verb) {
            let word = sub.words.last().copied().unwrap_or_default().to_owned();
            assert!(subs.contains(&word), "{}: {subs:?}", sub.name());
        }
    }
    assert_eq!(candidates("create secret "), ["docker-registry", "generic", "tls"]);
}
