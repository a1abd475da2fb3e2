//! `apply -f -` and `create -f -` of daemon sets, stateful sets, jobs and cron jobs: what kubectl
//! prints, the object as the manifest describes it, and the API's refusals; and the same commands
//! without a manifest, which only read.

use crate::sim::cluster::{Cluster, key};
use crate::sim::kubectl::heredoc::wrap;
use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::{Outcome, run};
use crate::sim::objects::{ConcurrencyPolicy, DaemonSetStrategy, PodManagement, RestartPolicy};

fn with(cluster: &mut Cluster, command: &str, body: &str) -> Outcome {
    run(cluster, &wrap(command, body))
}

const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: shop
spec:
  selector:
    matchLabels:
      app: node-agent
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 2
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      tolerations:
      - operator: Exists
      containers:
      - name: agent
        image: busybox:1.36
";

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  serviceName: db
  replicas: 2
  podManagementPolicy: Parallel
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: busybox:1.36
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: standard
      resources:
        requests:
          storage: 1Gi
";

const JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: migrate
        image: busybox:1.36
        command: [sh, -c, 'echo migrated']
";

const CJ: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: shop
spec:
  schedule: '*/15 * * * *'
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  jobTemplate:
    metadata:
      labels:
        team: reports
    spec:
      completions: 2
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: report
            image: busybox:1.36
";

/// `kubectl apply -f ds.yaml` prints `daemonset.apps/NAME created`; the update strategy and the
/// template are the manifest's.
#[test]
fn apply_creates_a_daemonset_then_leaves_it_unchanged() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl apply -f -", DS);
    assert_eq!((out.output.as_str(), out.ok), ("daemonset.apps/node-agent created", true));
    let ds = &c.daemonsets()[&key("shop", "node-agent")];
    assert_eq!(ds.update_strategy, DaemonSetStrategy::RollingUpdate { max_unavailable: "2".to_owned() });
    assert_eq!(ds.template.spec.containers[0].image, "busybox:1.36");
    assert_eq!(ds.selector.get("app").map(String::as_str), Some("node-agent"));
    let out = with(&mut c, "kubectl apply -f -", DS);
    assert_eq!(out.output, "daemonset.apps/node-agent unchanged");
}

/// `kubectl create -f sts.yaml`: `statefulset.apps/NAME created`, with the claim templates,
/// service and pod management policy the manifest gives.
#[test]
fn create_makes_a_statefulset_with_its_claim_templates() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl create -f -", STS);
    assert_eq!((out.output.as_str(), out.ok), ("statefulset.apps/db created", true));
    let sts = &c.statefulsets()[&key("shop", "db")];
    assert_eq!((sts.replicas, sts.service_name.as_str()), (2, "db"));
    assert_eq!(sts.pod_management_policy, PodManagement::Parallel);
    let claim = &sts.volume_claim_templates[0];
    assert_eq!(
        (claim.meta.name.as_str(), claim.storage_class.as_deref(), claim.access_mode.as_str(), claim.size.to_string()),
        ("data", Some("standard"), "ReadWriteOnce", "1Gi".to_owned())
    );
    let out = with(&mut c, "kubectl create -f -", STS);
    assert_eq!(
        out.output,
        "Error from server (AlreadyExists): error when creating \"STDIN\": statefulsets.apps \"db\" already exists"
    );
}

/// A job from a manifest keeps its completions, parallelism, back-off limit and template.
#[test]
fn apply_creates_a_job_as_the_manifest_describes() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl apply -f -", JOB);
    assert_eq!((out.output.as_str(), out.ok), ("job.batch/migrate created", true));
    let job = &c.jobs()[&key("shop", "migrate")];
    assert_eq!((job.spec.completions, job.spec.parallelism, job.spec.backoff_limit), (3, 2, 2));
    assert_eq!(job.spec.template.spec.restart_policy, RestartPolicy::OnFailure);
    assert_eq!(job.spec.template.spec.containers[0].command, ["sh", "-c", "echo migrated"]);
}

/// The API refuses a job whose pods would restart forever: kubectl prints
/// `The Job "x" is invalid: spec.template.spec.restartPolicy: Required value: …`.
#[test]
fn a_job_without_a_restart_policy_is_refused() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl apply -f -", &JOB.replace("      restartPolicy: OnFailure\n", ""));
    assert!(!out.ok);
    assert!(out.output.contains("spec.template.spec.restartPolicy: Required value"), "{}", out.output);
    assert!(!c.jobs().contains_key(&key("shop", "migrate")));
}

/// A cron job from a manifest: schedule, time zone, concurrency policy, the job template's
/// labels and completions; a schedule that does not parse is refused by the API.
#[test]
fn apply_creates_a_cronjob_and_refuses_a_bad_schedule() {
    let mut c = fixture::cluster();
    let out = with(&mut c, "kubectl apply -f -", CJ);
    assert_eq!((out.output.as_str(), out.ok), ("cronjob.batch/report created", true));
    let cj = &c.cronjobs()[&key("shop", "report")];
    assert_eq!((cj.schedule.as_str(), cj.time_zone.as_deref()), ("*/15 * * * *", Some("Etc/UTC")));
    assert_eq!(cj.concurrency_policy, ConcurrencyPolicy::Forbid);
    assert_eq!(cj.job_labels.get("team").map(String::as_str), Some("reports"));
    assert_eq!(cj.job_template.completions, 2);
    assert_eq!(cj.job_template.template.spec.restart_policy, RestartPolicy::Never);
    let bad = CJ.replace("name: report", "name: broken").replace("'*/15 * * * *'", "'*/15 * * *'");
    let out = with(&mut c, "kubectl apply -f -", &bad);
    assert!(!out.ok);
    assert!(out.output.contains("spec.schedule: Invalid value"), "{}", out.output);
    assert!(!c.cronjobs().contains_key(&key("shop", "broken")));
}

/// Without a here-document, `apply`/`create -f -` are reads that fail (kubectl: `error: must
/// specify one of -f and -k`), and a bad `--dry-run` value fails first: the shared-cluster read
/// path answers exactly as a full run does (what the console fuzz test holds it to).
#[test]
fn manifest_commands_without_text_read_the_same_on_a_shared_cluster() {
    use crate::sim::kubectl::run_read;
    let mut c = fixture::cluster();
    for line in ["apply", "create -f -", "apply --dry-run=svc", "delete pod web --dry-run=bogus"] {
        let read = run_read(&c, line);
        assert_eq!(read.as_ref(), Some(&run(&mut c, line)), "{line}");
        assert!(read.is_some_and(|o| !o.ok && !o.changed), "{line}");
    }
    assert_eq!(run(&mut c, "apply").output, "error: must specify one of -f and -k");
}
