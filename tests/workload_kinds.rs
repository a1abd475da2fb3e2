//! The daemon set, stateful set, job and cron job as the console shows them: `get` tables (plain
//! and `-o wide`), `describe` and `-o yaml`, pinned as insta snapshots. The expected layouts are
//! kubectl 1.31's: `get ds` has NODE SELECTOR, `get jobs` has STATUS (kubectl ≥ 1.28), `get
//! cronjobs` has TIMEZONE; `describe ds` prints its five node counts without aligning them.

use std::collections::BTreeMap;

use kombat::sim::apps::{AppProfile, Image};
use kombat::sim::objects::{
    ConcurrencyPolicy, Container, CronJob, CronJobStatus, DaemonSet, DaemonSetStrategy, Job, JobSpec, JobStatus,
    KubeletState, Meta, Namespace, Node, PodManagement, PodSpec, PodTemplate, Pvc, PvcPhase, RestartPolicy, SetStatus,
    StatefulSet, StatefulSetStrategy, StorageClass,
};
use kombat::sim::quantity::{Mebibytes, Millicores};
use kombat::sim::{Change, Cluster, Object, kubectl};

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn template(app: &str, image: &str, restart: RestartPolicy) -> PodTemplate {
    PodTemplate {
        labels: labels(&[("app", app)]),
        annotations: BTreeMap::new(),
        spec: PodSpec {
            containers: vec![Container { name: app.to_owned(), image: image.to_owned(), ..Container::default() }],
            service_account: "default".to_owned(),
            restart_policy: restart,
            ..PodSpec::default()
        },
    }
}

fn job_spec(app: &str, image: &str) -> JobSpec {
    JobSpec {
        template: template(app, image, RestartPolicy::Never),
        completions: 1,
        parallelism: 1,
        backoff_limit: 4,
        active_deadline_seconds: None,
        ttl_seconds_after_finished: None,
        suspend: false,
    }
}

fn node(name: &str) -> Node {
    Node {
        meta: Meta::new(name, ""),
        cpu: Millicores(4000),
        memory: Mebibytes(8192),
        max_pods: 110,
        taints: Vec::new(),
        unschedulable: false,
        disk_gib: 100,
        files: Vec::new(),
        kubelet: KubeletState::default(),
        internal_ip: String::new(),
        index: 0,
        last_heartbeat: 0,
        conditions: Vec::new(),
        kubelet_version: kombat::sim::objects::KUBERNETES_VERSION.to_owned(),
        config_files: std::collections::BTreeMap::new(),
        swap: false,
        kubelet_process: kombat::sim::objects::KubeletProcess::default(),
        draining: None,
    }
}

/// Two nodes running a log agent on each, a three-replica `web` stateful set with a claim per
/// pod, a finished `pi` job and a `hello` cron job every minute, ten minutes in.
fn cluster() -> Cluster {
    let mut c = Cluster::new(11);
    let apps: [(&str, &str, AppProfile); 4] = [
        ("fluentd", "v1.17", AppProfile { port: None, ..AppProfile::default() }),
        ("nginx", "1.27", AppProfile::default()),
        ("perl", "5.34", AppProfile { port: None, exits_after: Some(15), startup_seconds: 0, ..AppProfile::default() }),
        (
            "busybox",
            "1.36",
            AppProfile { port: None, exits_after: Some(5), startup_seconds: 0, ..AppProfile::default() },
        ),
    ];
    for (repo, tag, profile) in apps {
        c.apps_mut().insert(repo.to_owned(), profile);
        c.registry_mut().images.push(Image {
            repository: repo.to_owned(),
            tags: BTreeMap::from([(tag.to_owned(), repo.to_owned())]),
            private: false,
        });
    }
    let create = |c: &mut Cluster, o: Object| {
        let what = format!("{o:?}");
        c.apply(Change::Create(o), "test").unwrap_or_else(|e| panic!("{what}: {e}"));
    };
    create(&mut c, Object::Namespace(Namespace { meta: Meta::new("default", "") }));
    create(&mut c, Object::Node(node("node-1")));
    create(&mut c, Object::Node(node("node-2")));
    create(
        &mut c,
        Object::StorageClass(StorageClass {
            meta: Meta::new("standard", ""),
            provisioner: "rancher.io/local-path".to_owned(),
            is_default: true,
            reclaim_policy: "Delete".to_owned(),
            volume_binding_mode: kombat::sim::objects::VolumeBindingMode::Immediate,
        }),
    );
    let mut agent = template("fluentd", "fluentd:v1.17", RestartPolicy::Always);
    agent.spec.node_selector = labels(&[("kubernetes.io/os", "linux")]);
    create(
        &mut c,
        Object::DaemonSet(DaemonSet {
            meta: Meta { labels: labels(&[("app", "fluentd")]), ..Meta::new("fluentd", "default") },
            selector: labels(&[("app", "fluentd")]),
            template: agent,
            update_strategy: DaemonSetStrategy::default(),
            status: SetStatus::default(),
        }),
    );
    create(
        &mut c,
        Object::StatefulSet(StatefulSet {
            meta: Meta::new("web", "default"),
            replicas: 3,
            selector: labels(&[("app", "nginx")]),
            service_name: "nginx".to_owned(),
            template: template("nginx", "nginx:1.27", RestartPolicy::Always),
            volume_claim_templates: vec![Pvc {
                meta: Meta::new("www", "default"),
                storage_class: Some("standard".to_owned()),
                size: Mebibytes(1024),
                access_mode: "ReadWriteOnce".to_owned(),
                phase: PvcPhase::Pending,
                volume: None,
            }],
            pod_management_policy: PodManagement::OrderedReady,
            update_strategy: StatefulSetStrategy::default(),
            status: SetStatus::default(),
        }),
    );
    create(
        &mut c,
        Object::Job(Job {
            meta: Meta::new("pi", "default"),
            spec: job_spec("pi", "perl:5.34"),
            status: JobStatus::default(),
        }),
    );
    create(
        &mut c,
        Object::CronJob(CronJob {
            meta: Meta::new("hello", "default"),
            schedule: "* * * * *".to_owned(),
            time_zone: None,
            concurrency_policy: ConcurrencyPolicy::Allow,
            suspend: false,
            successful_jobs_history_limit: 3,
            failed_jobs_history_limit: 1,
            starting_deadline_seconds: None,
            job_labels: BTreeMap::new(),
            job_template: job_spec("hello", "busybox:1.36"),
            status: CronJobStatus::default(),
        }),
    );
    c.advance_seconds(600);
    c
}

fn run(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line);
    assert!(out.ok, "`{line}` failed:\n{}", out.output);
    out.output
}

#[test]
fn get_tables_of_the_four_kinds() {
    let mut c = cluster();
    insta::assert_snapshot!("get_ds_sts_jobs_cronjobs", run(&mut c, "get ds,sts,jobs,cronjobs"));
    insta::assert_snapshot!("get_ds_sts_jobs_cronjobs_wide", run(&mut c, "get ds,sts,jobs,cj -o wide -A"));
    insta::assert_snapshot!("get_pods_with_completed", run(&mut c, "get pods"));
}

#[test]
fn describe_each_kind() {
    let mut c = cluster();
    insta::assert_snapshot!("describe_ds", run(&mut c, "describe ds fluentd"));
    insta::assert_snapshot!("describe_sts", run(&mut c, "describe sts web"));
    insta::assert_snapshot!("describe_job", run(&mut c, "describe job pi"));
    insta::assert_snapshot!("describe_cronjob", run(&mut c, "describe cronjob hello"));
}

#[test]
fn yaml_of_each_kind() {
    let mut c = cluster();
    insta::assert_snapshot!("yaml_ds", run(&mut c, "get ds fluentd -o yaml"));
    insta::assert_snapshot!("yaml_sts", run(&mut c, "get sts web -o yaml"));
    insta::assert_snapshot!("yaml_job", run(&mut c, "get job pi -o yaml"));
    insta::assert_snapshot!("yaml_cronjob", run(&mut c, "get cj hello -o yaml"));
}

#[test]
fn rollouts_scale_logs_and_delete_on_the_new_kinds() {
    let mut c = cluster();
    // kubectl rollout status prints the status viewer's line for each kind.
    assert_eq!(run(&mut c, "rollout status ds/fluentd"), "daemon set \"fluentd\" successfully rolled out");
    assert_eq!(run(&mut c, "rollout status sts/web"), "partitioned roll out complete: 3 new pods have been updated...");
    assert_eq!(run(&mut c, "rollout restart ds/fluentd"), "daemonset.apps/fluentd restarted");
    c.advance_seconds(300);
    assert_eq!(
        run(&mut c, "rollout history ds/fluentd"),
        "daemonset.apps/fluentd\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>"
    );
    assert_eq!(run(&mut c, "rollout undo ds/fluentd"), "daemonset.apps/fluentd rolled back");
    c.advance_seconds(300);
    assert_eq!(
        run(&mut c, "rollout history ds/fluentd"),
        "daemonset.apps/fluentd\nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>"
    );
    assert_eq!(run(&mut c, "scale sts web --replicas=1"), "statefulset.apps/web scaled");
    c.advance_seconds(120);
    let pods = run(&mut c, "get pods -l app=nginx");
    assert!(pods.contains("web-0") && !pods.contains("web-1") && !pods.contains("web-2"), "{pods}");
    let claims = run(&mut c, "get pvc");
    assert!(claims.contains("www-web-2"), "scaling down keeps the claims:\n{claims}");
    let logs = run(&mut c, "logs job/pi");
    assert!(logs.contains("done"), "{logs}");
    let first = run(&mut c, "logs ds/fluentd");
    assert!(first.starts_with("Found 2 pods, using pod/fluentd-"), "{first}");
    assert_eq!(run(&mut c, "delete cronjob hello"), "cronjob.batch \"hello\" deleted");
    c.advance_seconds(30);
    assert!(!run(&mut c, "get jobs").contains("hello-"), "its jobs went with it");
    assert_eq!(run(&mut c, "set image ds/fluentd fluentd=fluentd:v1.18"), "daemonset.apps/fluentd image updated");
    assert!(run(&mut c, "get ds fluentd -o wide").contains("fluentd:v1.18"));
}

#[test]
fn rollout_status_follows_a_daemon_set_update_and_undo_restores_a_stateful_set() {
    let mut c = cluster();
    c.registry_mut().images.iter_mut().filter(|i| i.repository == "nginx").for_each(|i| {
        i.tags.insert("1.28".to_owned(), "nginx".to_owned());
    });
    assert_eq!(run(&mut c, "set image ds/fluentd fluentd=fluentd:v1.17-debug"), "daemonset.apps/fluentd image updated");
    c.advance_seconds(60);
    // kubectl's daemon set status viewer while the new image cannot be pulled.
    assert_eq!(
        run(&mut c, "rollout status ds/fluentd"),
        "Waiting for daemon set \"fluentd\" rollout to finish: 1 out of 2 new pods have been updated..."
    );
    assert_eq!(run(&mut c, "set image sts/web nginx=nginx:1.28"), "statefulset.apps/web image updated");
    c.advance_seconds(300);
    assert_eq!(
        run(&mut c, "rollout history sts/web"),
        "statefulset.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>"
    );
    assert_eq!(run(&mut c, "rollout undo sts/web --to-revision=1"), "statefulset.apps/web rolled back");
    assert_eq!(
        run(&mut c, "rollout undo sts/web --to-revision=1"),
        "statefulset.apps/web skipped rollback (current template already matches revision 1)"
    );
    c.advance_seconds(300);
    let images = run(&mut c, "get pods -l app=nginx -o jsonpath={.items[*].spec.containers[0].image}");
    assert_eq!(images, "nginx:1.27 nginx:1.27 nginx:1.27");
    assert_eq!(run(&mut c, "rollout status sts/web"), "partitioned roll out complete: 3 new pods have been updated...");
}
