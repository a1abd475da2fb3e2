//! Failure mode 46 of docs/failure-catalog.md, reproduced from cause: a cron job whose jobs never
//! finish piles them up under `concurrencyPolicy: Allow` until the namespace's pod quota is
//! gone. Nothing is faked: the cron job controller makes the jobs on the incident clock, the job
//! controller their pods, and the quota refuses the storefront's new pods.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

#[test]
fn the_cronjob_pileup_fixture_is_proven() {
    assert_proven("modes/m46-cronjob-pileup.ron");
}

#[test]
fn m46_cronjob_piles_up_jobs() {
    let mut s = session("modes/m46-cronjob-pileup.ron");
    expect(&mut s, "kubectl get deploy web -n shop", &["web    2/4"]);
    expect(
        &mut s,
        "kubectl describe rs -n shop -l app=web",
        &["FailedCreate", "exceeded quota: team-quota, requested: pods=1, used: pods=12, limited: pods=12"],
    );
    // Every five minutes since the image changed, another job; none of them finishes.
    let jobs = run(&mut s, "kubectl get jobs -n shop");
    let running = jobs.lines().filter(|l| l.contains("Running") && l.contains("0/1")).count();
    assert!(running >= 10, "the hung jobs pile up:\n{jobs}");
    // Every cluster runs kube-proxy as a daemon set, one pod per node.
    let all = expect(
        &mut s,
        "kubectl get ds,sts,jobs,cronjobs -A",
        &["kube-system", "daemonset.apps/kube-proxy", "kubernetes.io/os=linux"],
    );
    assert!(all.contains("cronjob.batch/sales-report") && all.contains("job.batch/sales-report-"), "{all}");
    expect(&mut s, "kubectl get cronjobs -n shop", &["sales-report   */5 * * * *   <none>     False     13       0s"]);
    expect(&mut s, "kubectl describe cronjob sales-report -n shop", &["Concurrency Policy:", "Allow", "Active Jobs:"]);
    let logs = run(&mut s, "kubectl logs -n shop -l app=sales-report --tail=1");
    assert!(logs.contains("waiting for lock on table orders"), "{logs}");

    ok(&mut s, "kubectl patch cronjob sales-report -n shop -p '{\"spec\":{\"suspend\":true}}'");
    expect(&mut s, "kubectl get cronjobs -n shop", &["True"]);
    ok(&mut s, "kubectl delete jobs -l app=sales-report -n shop");
    expect_not(&mut s, "kubectl get jobs -n shop", &["sales-report-"]);
    wait(&mut s, 1);
    expect(&mut s, "kubectl get deploy web -n shop", &["web    4/4"]);
    assert_wins(&mut s);
}
