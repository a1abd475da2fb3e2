//! Tests of `kubectl create`: the objects built and kubectl's texts.

use super::super::fixture;
use super::*;
use crate::sim::objects::{OwnerKind, PolicyRuleSpec, Role, RoleBinding, RoleRef, Subject};

fn words(line: &str) -> Vec<String> {
    shlex::split(line).expect("quotes")
}

fn plan(c: &Cluster, line: &str) -> Result<Creation, KubectlError> {
    let toks = words(line);
    let pos = subcommand_position(&toks).expect("subcommand");
    plan_create(c, &toks[pos], &without(&toks, pos))
}

fn object(c: &Cluster, line: &str) -> (Object, String) {
    let creation = plan(c, line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let step = creation.plan.steps.into_iter().next().expect("one step");
    match step.change {
        Some(Change::Create(o)) => (o, step.line.unwrap_or_default()),
        other => panic!("not a create: {other:?}"),
    }
}

fn err(c: &Cluster, line: &str) -> String {
    plan(c, line).err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn configmaps_and_generic_secrets_from_literals() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "configmap app-env --from-literal=A=1 --from-literal=B=x=y -n shop");
    let mut want = ConfigMap { meta: Meta::new("app-env", "shop"), data: BTreeMap::new() };
    want.data.insert("A".into(), "1".into());
    want.data.insert("B".into(), "x=y".into());
    assert_eq!(o, Object::ConfigMap(want));
    assert_eq!(line, "configmap/app-env created");
    let (o, line) = object(&c, "-n shop secret generic db-creds --from-literal=password=hunter2");
    let Object::Secret(s) = o else { panic!("not a secret") };
    assert_eq!((s.kind.as_str(), s.data.get("password").map(String::as_str)), ("Opaque", Some("hunter2")));
    assert_eq!(line, "secret/db-creds created");
}

#[test]
fn docker_registry_secrets_hold_a_dockerconfigjson() {
    let c = fixture::cluster();
    let (o, _) = object(
        &c,
        "secret docker-registry regcred --docker-server=registry.example.com --docker-username=bot --docker-password=s3cret -n shop",
    );
    let Object::Secret(s) = o else { panic!("not a secret") };
    assert_eq!(s.kind, "kubernetes.io/dockerconfigjson");
    assert_eq!(
        s.data.get(".dockerconfigjson").map(String::as_str),
        Some(r#"{"auths":{"registry.example.com":{"auth":"Ym90OnMzY3JldA==","password":"s3cret","username":"bot"}}}"#)
    );
    assert_eq!(base64(b"a"), "YQ==");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"abc"), "YWJj");
}

#[test]
fn existing_objects_and_missing_namespaces_are_refused() {
    let c = fixture::cluster();
    assert_eq!(
        err(&c, "configmap app-config -n shop"),
        "error: failed to create configmap: configmaps \"app-config\" already exists"
    );
    assert_eq!(
        err(&c, "deployment web --image=nginx -n shop"),
        "Error from server (AlreadyExists): deployments.apps \"web\" already exists"
    );
    assert_eq!(err(&c, "namespace shop"), "Error from server (AlreadyExists): namespaces \"shop\" already exists");
    assert_eq!(err(&c, "configmap x -n nope"), "error: failed to create configmap: namespaces \"nope\" not found");
    assert_eq!(
        err(&c, "configmap"),
        "error: exactly one NAME is required, got 0\nSee 'kubectl create configmap -h' for help and examples"
    );
    assert_eq!(
        err(&c, "configmap x --from-literal=novalue -n shop"),
        "error: invalid literal source novalue, expected key=value"
    );
    assert!(
        err(&c, "configmap Bad_Name -n shop")
            .starts_with("error: failed to create configmap: ConfigMap \"Bad_Name\" is invalid: metadata.name")
    );
}

#[test]
fn namespaces_service_accounts_and_deployments() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "namespace staging");
    assert_eq!(o, Object::Namespace(Namespace { meta: Meta::new("staging", "") }));
    assert_eq!(line, "namespace/staging created");
    let (o, line) = object(&c, "sa builder -n shop");
    assert_eq!(
        o,
        Object::ServiceAccount(ServiceAccount { meta: Meta::new("builder", "shop"), image_pull_secrets: vec![] })
    );
    assert_eq!(line, "serviceaccount/builder created");
    let (o, line) =
        object(&c, "deployment api --image=registry.example.com/shop/api:2.0 --replicas=2 --port=8080 -n shop");
    let Object::Deployment(d) = o else { panic!("not a deployment") };
    assert_eq!(line, "deployment.apps/api created");
    assert_eq!((d.replicas, d.selector.get("app").map(String::as_str)), (2, Some("api")));
    assert_eq!(d.template.labels, d.selector);
    let c0 = &d.template.spec.containers[0];
    assert_eq!(
        (c0.name.as_str(), c0.image.as_str(), c0.ports.as_slice()),
        ("api", "registry.example.com/shop/api:2.0", &[8080][..])
    );
    assert_eq!(err(&c, "deployment api -n shop"), "error: required flag(s) \"image\" not set");
}

#[test]
fn roles_get_one_rule_per_api_group() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "role reader --verb=get,list --verb=watch --resource=pods,deployments -n shop");
    assert_eq!(line, "role.rbac.authorization.k8s.io/reader created");
    let verbs: Vec<String> = ["get", "list", "watch"].map(str::to_owned).to_vec();
    assert_eq!(
        o,
        Object::Role(Role {
            meta: Meta::new("reader", "shop"),
            cluster: false,
            rules: vec![
                PolicyRuleSpec {
                    verbs: verbs.clone(),
                    resources: vec!["pods".into()],
                    api_groups: vec![String::new()]
                },
                PolicyRuleSpec { verbs, resources: vec!["deployments".into()], api_groups: vec!["apps".into()] },
            ],
        })
    );
    assert_eq!(err(&c, "role r --resource=pods -n shop"), "error: at least one verb must be specified");
    assert_eq!(err(&c, "role r --verb=peek --resource=pods -n shop"), "error: invalid verb: 'peek'");
    assert_eq!(
        err(&c, "role r --verb=get --resource=foos -n shop"),
        "error: the server doesn't have a resource type \"foos\""
    );
    let (_, line) = object(&c, "clusterrole node-reader --verb=get --resource=nodes");
    assert_eq!(line, "clusterrole.rbac.authorization.k8s.io/node-reader created");
}

#[test]
fn bindings_name_a_role_and_subjects() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "rolebinding web-read --role=reader --serviceaccount=shop:web --user=ana -n shop");
    assert_eq!(line, "rolebinding.rbac.authorization.k8s.io/web-read created");
    assert_eq!(
        o,
        Object::RoleBinding(RoleBinding {
            meta: Meta::new("web-read", "shop"),
            cluster: false,
            role: RoleRef { kind: "Role".into(), name: "reader".into() },
            subjects: vec![
                Subject { kind: "User".into(), name: "ana".into(), namespace: None },
                Subject { kind: "ServiceAccount".into(), name: "web".into(), namespace: Some("shop".into()) },
            ],
        })
    );
    assert_eq!(err(&c, "rolebinding b -n shop"), "error: exactly one of clusterrole or role must be specified");
    assert_eq!(
        err(&c, "rolebinding b --role=r --serviceaccount=web -n shop"),
        "error: serviceaccount must be <namespace>:<name>"
    );
    assert_eq!(err(&c, "clusterrolebinding b --user=ana"), "error: required flag(s) \"clusterrole\" not set");
    let (_, line) = object(&c, "clusterrolebinding b --clusterrole=view --user=ana");
    assert_eq!(line, "clusterrolebinding.rbac.authorization.k8s.io/b created");
}

#[test]
fn create_without_a_subcommand() {
    let mut c = fixture::cluster();
    let e = |c: &mut Cluster, line: &str| group(c, &words(line)).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(e(&mut c, "-f web.yaml"), format!("error: no manifests to apply here; use create {SUBCOMMANDS}"));
    assert_eq!(e(&mut c, ""), "error: must specify one of -f and -k");
    assert_eq!(e(&mut c, "frob x"), "error: Unexpected args: [frob]\nSee 'kubectl create -h' for help and examples");
}

#[test]
fn create_configmap_end_to_end() {
    let mut c = fixture::cluster();
    let out = crate::sim::kubectl::run(&mut c, "kubectl create configmap app-env --from-literal=A=1 -n shop");
    assert_eq!(out.output, "configmap/app-env created");
    assert!(c.configmaps().contains_key(&crate::sim::cluster::key("shop", "app-env")));
}

/// kubectl's `create job --image`: one container named after the job, the words after `--` as
/// its command, `restartPolicy: Never`.
#[test]
fn create_job_runs_an_image_once_like_kubectl() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "job migrate --image=busybox:1.36 -n shop -- sh -c 'echo done'");
    assert_eq!(line, "job.batch/migrate created");
    let Object::Job(job) = o else { panic!("not a job") };
    assert_eq!(job.meta, Meta::new("migrate", "shop"));
    let spec = &job.spec.template.spec;
    assert_eq!(spec.restart_policy, crate::sim::objects::RestartPolicy::Never);
    let c0 = &spec.containers[0];
    assert_eq!((c0.name.as_str(), c0.image.as_str()), ("migrate", "busybox:1.36"));
    assert_eq!(c0.command, ["sh", "-c", "echo done"]);
    assert_eq!((job.spec.completions, job.spec.parallelism, job.spec.backoff_limit), (1, 1, 6));
}

/// kubectl's Validate for `create job`: exactly one of --image and --from, no command with --from.
#[test]
fn create_job_errors_are_kubectls() {
    let c = fixture::cluster();
    assert_eq!(err(&c, "job migrate -n shop"), "error: either --image or --from must be specified");
    assert_eq!(
        err(&c, "job migrate --image=busybox --from=cronjob/nightly -n shop"),
        "error: either --image or --from must be specified"
    );
    assert_eq!(
        err(&c, "job"),
        "error: exactly one NAME is required, got 0\nSee 'kubectl create job -h' for help and examples"
    );
    assert_eq!(
        err(&c, "job manual --from=cronjob/nightly -n shop"),
        "Error from server (NotFound): cronjobs.batch \"nightly\" not found"
    );
    assert_eq!(
        err(&c, "job manual --from=cronjob/nightly -n shop -- echo hi"),
        "error: cannot specify --from and command"
    );
    assert!(
        err(&c, "job manual --from=deployment/web -n shop")
            .starts_with("error: from must be an existing cronjob: no kind \"Deployment\" is registered")
    );
    assert_eq!(err(&c, "job manual --from=nightly -n shop"), "error: from must be an existing cronjob");
    assert_eq!(err(&c, "job x --image=busybox -n nope"), "Error from server (NotFound): namespaces \"nope\" not found");
}

/// kubectl's `create cronjob`: the container named after it, `restartPolicy: OnFailure` unless
/// `--restart` says `Never`, both `--image` and `--schedule` required.
#[test]
fn create_cronjob_like_kubectl() {
    let c = fixture::cluster();
    let (o, line) = object(&c, "cronjob nightly --image=busybox --schedule='*/5 * * * *' -n shop -- date");
    assert_eq!(line, "cronjob.batch/nightly created");
    let Object::CronJob(cj) = o else { panic!("not a cron job") };
    assert_eq!((cj.meta.name.as_str(), cj.schedule.as_str()), ("nightly", "*/5 * * * *"));
    assert_eq!(cj.concurrency_policy, crate::sim::objects::ConcurrencyPolicy::Allow);
    let spec = &cj.job_template.template.spec;
    assert_eq!(spec.restart_policy, crate::sim::objects::RestartPolicy::OnFailure);
    assert_eq!(
        (spec.containers[0].name.as_str(), spec.containers[0].command.as_slice()),
        ("nightly", &["date".to_owned()][..])
    );
    let (o, _) = object(&c, "cj once --image=busybox --schedule=@hourly --restart=Never -n shop");
    let Object::CronJob(cj) = o else { panic!("not a cron job") };
    assert_eq!(cj.job_template.template.spec.restart_policy, crate::sim::objects::RestartPolicy::Never);
    assert_eq!(err(&c, "cronjob x -n shop"), "error: required flag(s) \"image\", \"schedule\" not set");
    assert_eq!(err(&c, "cronjob"), "error: required flag(s) \"image\", \"schedule\" not set");
    assert_eq!(
        err(&c, "cronjob --image=busybox --schedule=@daily"),
        "error: exactly one NAME is required, got 0\nSee 'kubectl create cronjob -h' for help and examples"
    );
    assert_eq!(err(&c, "cronjob x --image=busybox -n shop"), "error: required flag(s) \"schedule\" not set");
    assert_eq!(err(&c, "cronjob x --schedule=@daily -n shop"), "error: required flag(s) \"image\" not set");
    assert_eq!(
        err(&c, "cronjob x --image=busybox --schedule=@daily --restart=Always -n shop"),
        "Error from server (Invalid): CronJob.batch \"x\" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
    );
}

/// End to end through the console: the API refuses a bad schedule, `create job --from` names the
/// cron job as owner with kubectl's `instantiate: manual` annotation, and dry runs change nothing.
#[test]
fn create_job_from_a_cronjob_end_to_end() {
    use crate::sim::cluster::key;
    use crate::sim::kubectl::run;
    let mut c = fixture::cluster();
    let out = run(&mut c, "kubectl create cronjob nightly --image=busybox --schedule='61 * * * *' -n shop");
    assert!(
        out.output.starts_with("Error from server (Invalid): CronJob.batch \"nightly\" is invalid: spec.schedule: Invalid value: \"61 * * * *\""),
        "{}",
        out.output
    );
    let out = run(&mut c, "kubectl create cronjob nightly --image=busybox --schedule='0 3 * * *' -n shop");
    assert_eq!(out.output, "cronjob.batch/nightly created");
    let out = run(&mut c, "kubectl create job nightly-manual --from=cronjob/nightly -n shop --dry-run=client");
    assert_eq!(out.output, "job.batch/nightly-manual created (dry run)");
    assert!(!c.jobs().contains_key(&key("shop", "nightly-manual")));
    let out = run(&mut c, "kubectl create job nightly-manual --from=cj/nightly -n shop --dry-run=server -o yaml");
    assert!(out.output.contains("kind: Job"), "{}", out.output);
    assert!(out.output.contains("cronjob.kubernetes.io/instantiate: manual"), "{}", out.output);
    assert!(out.output.contains("ownerReferences:\n  - apiVersion: batch/v1"), "{}", out.output);
    assert!(out.output.contains("    kind: CronJob\n    name: nightly\n"), "{}", out.output);
    assert!(!c.jobs().contains_key(&key("shop", "nightly-manual")));
    let out = run(&mut c, "kubectl create job nightly-manual --from=cronjob/nightly -n shop");
    assert_eq!(out.output, "job.batch/nightly-manual created");
    let job = c.jobs().get(&key("shop", "nightly-manual")).expect("the job was created");
    assert_eq!(job.meta.annotations.get("cronjob.kubernetes.io/instantiate").map(String::as_str), Some("manual"));
    assert_eq!(job.meta.owner.as_ref().map(|o| (o.kind, o.name.as_str())), Some((OwnerKind::CronJob, "nightly")));
    assert_eq!(job.spec.template.spec.containers[0].name, "nightly");
    let out = run(&mut c, "kubectl create cronjob nightly --image=busybox --schedule=@daily -n shop");
    assert_eq!(out.output, "Error from server (AlreadyExists): cronjobs.batch \"nightly\" already exists");
    let out = run(&mut c, "kubectl create job nightly-manual --image=busybox -n shop");
    assert_eq!(out.output, "Error from server (AlreadyExists): jobs.batch \"nightly-manual\" already exists");
}
