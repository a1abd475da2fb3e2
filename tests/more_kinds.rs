//! The kinds added after the workload and network kinds, and workload-template changes on every
//! workload kind: `kubectl set image|env|resources` and the scenario's `Set*` changes reach daemon
//! sets, stateful sets and cron jobs as they reach deployments, and a job's template is refused
//! as immutable.

#[path = "support/workload_cluster.rs"]
#[allow(dead_code)]
mod workload_cluster;

use kombat::sim::kind::Kind;
use kombat::sim::objects::{Meta, RestartPolicy};
use kombat::sim::quantity::Millicores;
use kombat::sim::{Change, Cluster, Object, kubectl};
use workload_cluster::*;

fn failing(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line);
    assert!(!out.ok, "`{line}` should fail:\n{}", out.output);
    out.output
}

#[test]
fn kubectl_set_reaches_every_workload_kind() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "set env ds/fluentd LOG_LEVEL=debug"), "daemonset.apps/fluentd env updated");
    assert_eq!(run(&mut c, "set env ds/fluentd --list"), "# DaemonSet fluentd, container fluentd\nLOG_LEVEL=debug");
    assert_eq!(
        run(&mut c, "set resources sts/web -c nginx --limits=memory=256Mi"),
        "statefulset.apps/web resource requirements updated"
    );
    assert_eq!(
        run(&mut c, "get sts web -o jsonpath={.spec.template.spec.containers[0].resources.limits.memory}"),
        "256Mi"
    );
    assert_eq!(run(&mut c, "set image cronjob/hello hello=busybox:1.37"), "cronjob.batch/hello image updated");
    assert_eq!(
        run(&mut c, "get cj hello -o jsonpath={.spec.jobTemplate.spec.template.spec.containers[0].image}"),
        "busybox:1.37"
    );
    assert_eq!(run(&mut c, "set env cj/hello GREETING=hi"), "cronjob.batch/hello env updated");
    // A job's template is immutable once the job exists, as the API server holds it.
    let refused = failing(&mut c, "set image job/pi pi=perl:5.36");
    assert!(refused.contains("Job.batch \"pi\" is invalid: spec.template: Invalid value:"), "{refused}");
    assert!(refused.ends_with("field is immutable"), "{refused}");
    assert_eq!(
        failing(&mut c, "set env ds/fluentd -c nope A=1"),
        "warning: daemonsets/fluentd does not have any containers matching \"nope\""
    );
    assert_eq!(
        failing(&mut c, "set image sts/nope nginx=nginx:1.28"),
        "Error from server (NotFound): statefulsets.apps \"nope\" not found"
    );
}

#[test]
fn a_daemon_set_rolls_out_a_template_change_made_as_a_scenario_change() {
    let mut c = cluster();
    let before = run(&mut c, "get ds fluentd -o jsonpath={.metadata.generation}");
    c.apply(
        Change::SetImage {
            namespace: "default".to_owned(),
            deployment: "fluentd".to_owned(),
            container: None,
            image: "fluentd:v1.17-debug".to_owned(),
            kind: Kind::DaemonSet,
        },
        "scenario",
    )
    .expect("the API takes a daemon set's new image");
    assert_ne!(run(&mut c, "get ds fluentd -o jsonpath={.metadata.generation}"), before);
    c.advance_seconds(60);
    // The image does not exist, so the rolling update is stuck on its first node.
    let pods = run(&mut c, "get pods -l app=fluentd");
    assert!(pods.contains("ErrImagePull") || pods.contains("ImagePullBackOff"), "{pods}");
    // A scenario change that names no kind edits a deployment, as it always has.
    let ron = r#"SetImage(namespace: "default", deployment: "web", container: None, image: "x:1")"#;
    let parsed: Change = ron::from_str(ron).expect("parses");
    assert!(matches!(parsed, Change::SetImage { kind: Kind::Deployment, .. }));
    let ron = r#"SetEnv(namespace: "default", deployment: "hello", container: None, name: "A", value: Some("1"), kind: CronJob)"#;
    let parsed: Change = ron::from_str(ron).expect("parses");
    c.apply(parsed, "scenario").expect("the API takes a cron job's new env");
    assert!(run(&mut c, "get cj hello -o yaml").contains("name: A"));
    let job = Change::SetCommand {
        namespace: "default".to_owned(),
        deployment: "pi".to_owned(),
        container: "pi".to_owned(),
        command: vec!["false".to_owned()],
        kind: Kind::Job,
    };
    assert!(c.apply(job, "scenario").is_err(), "a job's template is immutable");
}

fn incident() -> Cluster {
    let s = kombat::scenario::builtin(kombat::scenario::DEFAULT_ID).expect("exists").expect("parses");
    kombat::scenario::build_cluster(&s, 1).expect("builds")
}

#[test]
fn an_ingress_of_a_class_no_controller_owns_is_not_served() {
    let mut c = incident();
    // kubectl get ingressclass: NAME CONTROLLER PARAMETERS AGE.
    let classes = run(&mut c, "get ingressclass");
    assert!(
        classes.starts_with("NAME    CONTROLLER             PARAMETERS   AGE\nnginx   k8s.io/ingress-nginx   <none>"),
        "{classes}"
    );
    let described = run(&mut c, "describe ingressclass nginx");
    assert!(described.contains("Annotations:  ingressclass.kubernetes.io/is-default-class: true"), "{described}");
    assert!(described.contains("Controller:   k8s.io/ingress-nginx"), "{described}");
    let yaml = run(&mut c, "get ingressclass nginx -o yaml");
    assert!(yaml.contains("apiVersion: networking.k8s.io/v1") && yaml.contains("controller: k8s.io/ingress-nginx"));
    let ing = kombat::sim::kubectl::run(&mut c, "get ingress -A -o jsonpath={.items[0].metadata.name}").output;
    let ns = kombat::sim::kubectl::run(&mut c, "get ingress -A -o jsonpath={.items[0].metadata.namespace}").output;
    let served = run(&mut c, &format!("get ingress {ing} -n {ns}"));
    assert!(served.contains("nginx"), "{served}");
    c.apply(
        Change::SetIngressClass { namespace: ns.clone(), ingress: ing.clone(), class: Some("ngnix".to_owned()) },
        "scenario",
    )
    .expect("the API takes any class name");
    let unserved = run(&mut c, &format!("get ingress {ing} -n {ns}"));
    let row = unserved.lines().nth(1).unwrap_or_default();
    assert!(row.contains("ngnix") && !row.contains("192.168."), "no ADDRESS:\n{unserved}");
    // No class at all: the default class serves it.
    c.apply(Change::SetIngressClass { namespace: ns.clone(), ingress: ing.clone(), class: None }, "scenario")
        .expect("removes the class");
    let defaulted = run(&mut c, &format!("get ingress {ing} -n {ns}"));
    assert!(defaulted.contains("<none>") && defaulted.contains("192.168."), "{defaulted}");
}

#[test]
fn a_high_priority_pod_preempts_and_the_low_priority_workload_starves() {
    use kombat::sim::objects::{Deployment, PreemptionPolicy, PriorityClass};
    let mut c = cluster();
    let class = |name: &str, value: i32, policy: PreemptionPolicy| {
        Object::PriorityClass(PriorityClass {
            meta: Meta::new(name, ""),
            value,
            global_default: false,
            preemption_policy: policy,
            description: String::new(),
        })
    };
    c.apply(Change::Create(class("high", 1000, PreemptionPolicy::PreemptLowerPriority)), "t").expect("creates");
    c.apply(Change::Create(class("polite", 1000, PreemptionPolicy::Never)), "t").expect("creates");
    let deploy = |name: &str, replicas: u32, class: Option<&str>| {
        let mut t = template(name, "nginx:1.27", RestartPolicy::Always);
        t.spec.containers[0].resources.requests.cpu = Some(Millicores(3000));
        t.spec.priority_class_name = class.map(str::to_owned);
        Object::Deployment(Deployment {
            meta: Meta::new(name, "default"),
            replicas,
            selector: labels(&[("app", name)]),
            template: t,
            strategy: kombat::sim::objects::Strategy::default(),
            progress_deadline_seconds: 600,
            paused: false,
            status: kombat::sim::objects::DeploymentStatus::default(),
        })
    };
    c.apply(Change::Create(deploy("batch", 2, None)), "t").expect("creates");
    c.advance_seconds(60);
    c.apply(Change::Create(deploy("polite", 1, Some("polite"))), "t").expect("creates");
    c.advance_seconds(30);
    let events = run(&mut c, "get events");
    assert!(
        events.contains("preemption: not eligible due to preemptionPolicy=Never."),
        "a Never class waits:\n{events}"
    );
    c.apply(Change::Create(deploy("urgent", 1, Some("high"))), "t").expect("creates");
    c.advance_seconds(60);
    let events = run(&mut c, "get events");
    assert!(events.contains("Preempted by pod"), "{events}");
    let urgent = run(&mut c, "get pods -l app=urgent");
    assert!(urgent.contains("Running"), "{urgent}");
    let batch = run(&mut c, "get pods -l app=batch");
    assert!(batch.contains("Pending"), "the low-priority workload is starved:\n{batch}");
    assert_eq!(run(&mut c, "get pods -l app=urgent -o jsonpath={.items[0].spec.priority}"), "1000");
    // kubectl get pc: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.
    let pcs = run(&mut c, "get pc");
    assert!(pcs.starts_with("NAME     VALUE   GLOBAL-DEFAULT   AGE"), "{pcs}");
    assert!(pcs.contains("PreemptLowerPriority") && pcs.contains("Never"), "{pcs}");
    let described = run(&mut c, "describe pc high");
    assert!(described.starts_with("Name:              high\nValue:             1000\nGlobalDefault:     false\nPreemptionPolicy:  PreemptLowerPriority"), "{described}");
    c.apply(Change::Create(deploy("typo", 1, Some("hihg"))), "t").expect("creates");
    c.advance_seconds(10);
    let events = run(&mut c, "get events");
    assert!(events.contains("no PriorityClass with name hihg was found"), "{events}");
}
