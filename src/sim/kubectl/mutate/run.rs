//! `kubectl run NAME --image=IMG`: a bare pod from flags (`pod/NAME created`). This console has
//! no terminal to attach, so an attached run (`-i`, `-it`, `--rm`) runs its command once, the
//! way `exec` does, from a throwaway pod in the namespace: `--rm` leaves nothing behind (kubectl
//! deletes the pod when the command ends), `-i` without `--rm` keeps the pod it created.

use std::collections::BTreeMap;

use super::create::admit;
use super::{Plan, execute};
use crate::sim::change::{Change, Object};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::exec::{Ctx, Exit, run_argv};
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError, flag};
use crate::sim::objects::{Container, EnvVar, Labels, Meta, Pod, PodSpec};

pub(crate) const FLAGS: &[FlagSpec] = &[
    flag::IMAGE,
    flag::RESTART,
    flag::LABELS,
    flag::ENV,
    flag::PORT,
    flag::COMMAND,
    flag::STDIN,
    flag::TTY,
    flag::RM,
    flag::ATTACH,
    flag::QUIET,
    flag::DRY_RUN,
    flag::OUTPUT,
    flag::IMAGE_PULL_POLICY,
    flag::ANNOTATIONS,
    flag::SERVICEACCOUNT,
    flag::POD_RUNNING_TIMEOUT,
];

/// `--labels=a=b,c=d` (kubectl's own error for a malformed one).
pub(crate) fn parse_labels(spec: &str) -> Result<Labels, KubectlError> {
    let mut labels = Labels::new();
    for pair in spec.split(',') {
        let Some((k, v)) = pair.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(KubectlError::msg(format!("error: invalid label spec: {pair}")));
        };
        labels.insert(k.to_owned(), v.to_owned());
    }
    Ok(labels)
}

/// Runs `kubectl run`.
pub fn run(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(tokens, FLAGS)?;
    let name = match args.positional.first() {
        Some(name) => name.clone(),
        None => {
            return Err(KubectlError::msg(
                "error: NAME is required for run\nSee 'kubectl run -h' for help and examples",
            ));
        }
    };
    if args.positional.len() > 1 {
        // kubectl takes words after NAME as the container's arguments only after `--`.
        return Err(KubectlError::msg(format!(
            "error: unexpected args: {:?}\nSee 'kubectl run -h' for help and examples",
            &args.positional[1..]
        )));
    }
    let Some(image) = args.value(flag::IMAGE).filter(|i| !i.is_empty()) else {
        return Err(KubectlError::msg("error: required flag(s) \"image\" not set"));
    };
    match args.value(flag::RESTART).unwrap_or("Always") {
        "Always" | "OnFailure" | "Never" => {}
        other => return Err(KubectlError::msg(format!("error: invalid restart policy: {other}"))),
    }
    let attach = args.switch(flag::STDIN) || args.switch(flag::ATTACH);
    let remove = args.switch(flag::RM);
    if remove && !attach {
        return Err(KubectlError::msg("error: --rm should only be used for attached containers"));
    }
    if args.switch(flag::TTY) && !args.switch(flag::STDIN) {
        return Err(KubectlError::msg("error: -i/--stdin is required for containers with -t/--tty=true"));
    }
    let ns = args.namespace().to_owned();
    admit(cluster, Kind::Pod, &ns, &name)?;
    let labels = match args.value(flag::LABELS) {
        Some(spec) => parse_labels(spec)?,
        None => BTreeMap::from([("run".to_owned(), name.clone())]),
    };
    let mut env = Vec::new();
    for pair in args.values(flag::ENV) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(KubectlError::msg(format!("error: invalid env: {pair}")));
        };
        env.push(EnvVar { name: k.to_owned(), value: Some(v.to_owned()), config_map_key: None, secret_key: None });
    }
    let port = args.number::<u16>(flag::PORT)?;
    let argv = args.after_dashdash.clone();
    let (command, container_args) =
        if args.switch(flag::COMMAND) { (argv.clone(), Vec::new()) } else { (Vec::new(), argv.clone()) };
    let container = Container {
        name: name.clone(),
        image: image.to_owned(),
        command,
        args: container_args,
        ports: port.into_iter().collect(),
        env,
        ..Container::default()
    };
    let mut meta = Meta::new(&name, &ns);
    meta.labels = labels;
    let service_account = args.value(flag::SERVICEACCOUNT).unwrap_or("default").to_owned();
    let pod = Pod {
        meta,
        spec: PodSpec { containers: vec![container], service_account, ..PodSpec::default() },
        status: crate::sim::objects::PodStatus::default(),
    };
    if !attach {
        return execute(cluster, Plan::single(Change::Create(Object::Pod(pod)), format!("pod/{name} created")));
    }
    // Attached: the command runs once, as `exec` runs one, from a pod in the namespace.
    let (mut output, failed) = attached_output(cluster, &ns, &argv);
    if remove {
        output.push(format!("pod \"{name}\" deleted"));
        return Ok(Done { output: output.join("\n"), changed: false, failed });
    }
    let done = execute(cluster, Plan::single(Change::Create(Object::Pod(pod)), String::new()))?;
    Ok(Done { output: output.join("\n"), changed: done.changed, failed: failed || done.failed })
}

/// What an attached run prints (its command's output, or why this console cannot attach) and
/// whether the command failed.
fn attached_output(cluster: &Cluster, ns: &str, argv: &[String]) -> (Vec<String>, bool) {
    if argv.is_empty() {
        return (
            vec!["error: this console has no terminal to attach; give the command to run after --, e.g. kubectl run -it --rm tmp --image=busybox -- wget -qO- http://web".to_owned()],
            true,
        );
    }
    let ctx = Ctx { cluster, namespace: ns, pod: None, container: None };
    let (text, failed) = match run_argv(&ctx, argv) {
        Exit::Ok(out) => (out, false),
        Exit::Fail(out, _) => (out, true),
        Exit::NotFound(exe) => (format!("exec: \"{exe}\": executable file not found in $PATH"), true),
    };
    (if text.is_empty() { Vec::new() } else { vec![text] }, failed)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use crate::sim::cluster::key;
    use crate::sim::kubectl;

    #[test]
    fn run_creates_a_bare_pod_labelled_run_name() {
        let mut c = fixture::cluster();
        let out = kubectl::run(&mut c, "kubectl run nginx --image=nginx:1.27 --port=80 --env=MODE=debug -n shop");
        assert_eq!((out.output.as_str(), out.changed, out.ok), ("pod/nginx created", true, true));
        let pod = c.pods().get(&key("shop", "nginx")).cloned().expect("created");
        assert_eq!(pod.meta.labels.get("run").map(String::as_str), Some("nginx"));
        assert_eq!(pod.spec.containers[0].ports, [80]);
        assert_eq!(pod.spec.containers[0].env[0].value.as_deref(), Some("debug"));
        let out = kubectl::run(
            &mut c,
            "run web2 --image=busybox --labels=app=web,tier=front --restart=Never --command -- sleep 3600",
        );
        assert_eq!(out.output, "pod/web2 created");
        let pod = c.pods().get(&key("default", "web2")).cloned().expect("created");
        assert_eq!(pod.meta.labels.len(), 2);
        assert_eq!(pod.spec.containers[0].command, ["sleep", "3600"]);
    }

    #[test]
    fn run_refuses_what_kubectl_refuses() {
        let mut c = fixture::cluster();
        let run = |c: &mut crate::sim::cluster::Cluster, line: &str| kubectl::run(c, line).output;
        assert_eq!(run(&mut c, "run x"), "error: required flag(s) \"image\" not set");
        assert_eq!(
            run(&mut c, "run --image=nginx"),
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
        );
        assert_eq!(run(&mut c, "run x --image=nginx --restart=Sometimes"), "error: invalid restart policy: Sometimes");
        assert_eq!(run(&mut c, "run x --image=nginx --rm"), "error: --rm should only be used for attached containers");
        assert_eq!(run(&mut c, "run x --image=nginx --labels=oops"), "error: invalid label spec: oops");
        assert_eq!(
            run(&mut c, "run x --image=nginx -n nowhere"),
            "Error from server (NotFound): namespaces \"nowhere\" not found"
        );
        let out = kubectl::run(&mut c, "run x --image=nginx --frobnicate");
        assert_eq!(out.output, "error: unknown flag: --frobnicate\nSee 'kubectl --help' for usage.");
        assert_eq!(out.cost, 0);
    }

    #[test]
    fn an_attached_run_runs_its_command_once() {
        let mut c = fixture::cluster();
        // kubectl run -it --rm: the command's output, then kubectl's deletion line; no pod stays.
        let out = kubectl::run(&mut c, "run -it --rm tmp --image=busybox -n shop -- echo hello");
        assert_eq!(out.output, "hello\npod \"tmp\" deleted");
        assert!(c.pods().get(&key("shop", "tmp")).is_none());
        assert!(!out.changed);
        // Without --rm the pod stays.
        let out = kubectl::run(&mut c, "run -i keep --image=busybox -n shop -- echo hi");
        assert_eq!((out.output.as_str(), out.changed), ("hi", true));
        assert!(c.pods().get(&key("shop", "keep")).is_some());
        // An interactive shell has no terminal here.
        let out = kubectl::run(&mut c, "run -it --rm sh --image=busybox -- sh");
        assert!(out.output.starts_with("interactive shells are not available"), "{}", out.output);
    }
}
