//! The daemon set, stateful set, job and cron job as the console shows them: `get` tables (plain
//! and `-o wide`), `describe` and `-o yaml`, pinned as insta snapshots. The expected layouts are
//! kubectl 1.31's: `get ds` has NODE SELECTOR, `get jobs` has STATUS (kubectl ≥ 1.28), `get
//! cronjobs` has TIMEZONE; `describe ds` prints its five node counts without aligning them.

#[path = "support/workload_cluster.rs"]
#[allow(dead_code)]
mod workload_cluster;

use workload_cluster::*;

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
