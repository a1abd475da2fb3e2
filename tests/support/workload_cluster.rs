//! The small cluster the kind tests share: two nodes running a log agent on each, a three-replica
//! `web` stateful set with a claim per pod, a finished `pi` job and a `hello` cron job every
//! minute, ten minutes in; and `run`, a console line that must succeed.

use std::collections::BTreeMap;

use kombat::sim::apps::{AppProfile, Image};
use kombat::sim::objects::{
    ConcurrencyPolicy, Container, CronJob, CronJobStatus, DaemonSet, DaemonSetStrategy, Job, JobSpec, JobStatus,
    KubeletState, Meta, Namespace, Node, PodManagement, PodSpec, PodTemplate, Pvc, PvcPhase, RestartPolicy, SetStatus,
    StatefulSet, StatefulSetStrategy, StorageClass,
};
use kombat::sim::quantity::{Mebibytes, Millicores};
use kombat::sim::{Change, Cluster, Object, kubectl};

pub fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub fn template(app: &str, image: &str, restart: RestartPolicy) -> PodTemplate {
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

pub fn job_spec(app: &str, image: &str) -> JobSpec {
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

pub fn node(name: &str) -> Node {
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
        packages: kombat::sim::objects::Packages::default(),
        config_files: std::collections::BTreeMap::new(),
        swap: false,
        kubelet_process: kombat::sim::objects::KubeletProcess::default(),
        draining: None,
    }
}

/// Two nodes running a log agent on each, a three-replica `web` stateful set with a claim per
/// pod, a finished `pi` job and a `hello` cron job every minute, ten minutes in.
pub fn cluster() -> Cluster {
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

pub fn run(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line);
    assert!(out.ok, "`{line}` failed:\n{}", out.output);
    out.output
}
