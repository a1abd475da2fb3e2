//! `kubectl wait` answers from the cluster as it stands, as kubectl would at its timeout.

use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::{READ_COST, run};

fn out(line: &str) -> (bool, String) {
    let mut c = fixture::cluster();
    let o = run(&mut c, line);
    (o.ok, o.output)
}

#[test]
fn a_condition_already_met_is_met_and_one_that_is_not_times_out() {
    assert_eq!(
        out("wait --for=condition=Progressing deployment/web -n shop"),
        (true, "deployment.apps/web condition met".to_owned())
    );
    assert_eq!(
        out("wait --for condition=available deploy web -n shop --timeout=60s"),
        (false, "error: timed out waiting for the condition on deployments/web".to_owned())
    );
    assert_eq!(
        out("wait --for=condition=Progressing=False deployment/web -n shop"),
        (false, "error: timed out waiting for the condition on deployments/web".to_owned())
    );
    let mut c = fixture::cluster();
    assert_eq!(run(&mut c, "wait --for=condition=Progressing deploy/web -n shop").cost, READ_COST);
}

#[test]
fn jsonpath_delete_and_selectors_answer_per_object() {
    assert_eq!(
        out("wait --for=jsonpath='{.status.phase}'=Running pod/web-7c9b-aaaaa -n shop"),
        (true, "pod/web-7c9b-aaaaa condition met".to_owned())
    );
    assert_eq!(
        out("wait --for=jsonpath={.status.phase}=Failed pods -l app=web -n shop").1,
        "error: timed out waiting for the condition on pods/web-7c9b-aaaaa\nerror: timed out waiting for the condition on pods/web-7c9b-bbbbb\nerror: timed out waiting for the condition on pods/web-7c9b-ccccc"
    );
    assert_eq!(
        out("wait --for=jsonpath={.status.phase}=Running pods --all -n shop").1,
        "pod/web-7c9b-aaaaa condition met\npod/web-7c9b-bbbbb condition met\npod/web-7c9b-ccccc condition met"
    );
    assert_eq!(out("wait --for=delete pod/gone -n shop"), (true, String::new()));
    assert_eq!(
        out("wait --for=delete pod/web-7c9b-aaaaa -n shop --timeout=10s"),
        (false, "error: timed out waiting for the condition on pods/web-7c9b-aaaaa".to_owned())
    );
    assert_eq!(
        out("wait --for=condition=Ready pod/gone -n shop"),
        (false, "Error from server (NotFound): pods \"gone\" not found".to_owned())
    );
    assert_eq!(
        out("wait --for=condition=Ready pods -l app=nope -n shop"),
        (false, "error: no matching resources found".to_owned())
    );
}

#[test]
fn bad_conditions_and_timeouts_get_kubectls_errors() {
    assert_eq!(out("wait --for=ready pod/x"), (false, "error: unrecognized condition: \"ready\"".to_owned()));
    assert_eq!(
        out("wait --for=delete pod/x --timeout=soon"),
        (false, "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"".to_owned())
    );
    assert!(out("wait --for=delete pod/x --timeout=1m30s").0);
}
