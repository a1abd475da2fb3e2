//! Failure modes 1–8 and 10–17 of docs/failure-catalog.md, reproduced from cause: each fixture breaks a
//! healthy cluster with a typed change, the test reads the symptoms a player would see through
//! the console, types the catalog's canonical fix and checks that the symptoms clear and the
//! scenario is won.

mod common;

use common::{assert_proven, assert_wins, expect, expect_not, ok, run, session, wait};

/// Every fixture this file owns, by file name under `tests/fixtures/`.
const FIXTURES: &[&str] = &[
    "modes/m01-bad-image-tag.ron",
    "modes/m02-private-image-no-pull-secret.ron",
    "modes/m03-missing-env.ron",
    "modes/m04-wrong-command.ron",
    "modes/m05-memory-limit-too-low.ron",
    "modes/m06-liveness-wrong-port.ron",
    "modes/m07-readiness-wrong-path.ron",
    "modes/m08-init-container-failing.ron",
    "modes/m10-configmap-missing.ron",
    "modes/m11-secret-key-missing.ron",
    "modes/m12-config-volume-missing.ron",
    "modes/m13-secret-missing.ron",
    "modes/m14-service-selector-mismatch.ron",
    "modes/m15-service-target-port.ron",
    "modes/m16-stray-pod.ron",
    "modes/m17-default-deny-netpol.ron",
];

/// Lets turns pass until every win condition holds at a turn end (the session is not over yet
/// because the conditions must hold for `hold_turns`), so the symptoms can be read again.
fn settle(s: &mut kombat::game::World, max_turns: u32) {
    for _ in 0..max_turns {
        if s.held > 0 {
            break;
        }
        wait(s, 1);
    }
    assert!(s.held > 0 && s.ending.is_none(), "the fix did not settle within {max_turns} turns:\n{}", s.status());
}

/// The rows of docs/failure-catalog.md this file covers (row 9, the stuck finalizer, lives elsewhere).
const MODES: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17];

/// `kombat scenario test` passes for every fixture: not won at start or by waiting, won by the
/// reference solution, not won by any wrong fix.
#[test]
fn every_mode_fixture_is_proven() {
    for f in FIXTURES {
        assert_proven(f);
    }
}

/// Every `mNN-*.ron` file for these modes is listed above (so it is proven), one per mode.
#[test]
fn every_mode_has_exactly_one_listed_fixture() {
    let dir = format!("{}/tests/fixtures/modes", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            let Some(number) = n.strip_prefix('m').and_then(|r| r.get(..2)).and_then(|d| d.parse::<u32>().ok()) else {
                return false;
            };
            std::path::Path::new(n).extension().is_some_and(|x| x == "ron") && MODES.contains(&number)
        })
        .map(|n| format!("modes/{n}"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|f| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for (mode, fixture) in MODES.iter().zip(FIXTURES) {
        assert!(fixture.starts_with(&format!("modes/m{mode:02}-")), "{fixture} is not mode {mode}");
        let s = common::load(fixture);
        assert_eq!(s.modes, vec![*mode], "{fixture}");
    }
}

#[test]
fn m01_bad_image_tag() {
    let mut s = session("modes/m01-bad-image-tag.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "ImagePullBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Reason:       ImagePullBackOff",
            "Failed to pull image \"registry.example.com/shop/web:1.4.2x\"",
            "registry.example.com/shop/web:1.4.2x: not found",
            "Back-off pulling image \"registry.example.com/shop/web:1.4.2x\"",
        ],
    );
    expect(&mut s, "kubectl get events -n shop", &["Error: ErrImagePull", "Error: ImagePullBackOff"]);
    expect(&mut s, "kubectl get deploy web -n shop -o jsonpath='{..image}'", &["registry.example.com/shop/web:1.4.2x"]);

    ok(&mut s, "kubectl set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("ImagePull"), "{pods}");
    expect(&mut s, "/status", &["100.0% ok"]);
    expect_not(&mut s, "/status", &["503"]);
    assert_wins(&mut s);
}

#[test]
fn m02_private_image_no_pull_secret() {
    let mut s = session("modes/m02-private-image-no-pull-secret.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "ImagePullBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Failed to pull image \"registry.example.com/private/web:1.5.0\"",
            "pull access denied, repository does not exist or may require authorization",
            "Back-off pulling image \"registry.example.com/private/web:1.5.0\"",
        ],
    );
    // The clues: the credentials exist, but only in another namespace, and nothing references them.
    expect(&mut s, "kubectl get secrets -n ci", &["regcred", "kubernetes.io/dockerconfigjson"]);
    expect_not(&mut s, "kubectl get secrets -n shop", &["regcred"]);
    expect_not(&mut s, "kubectl get serviceaccount default -n shop -o yaml", &["imagePullSecrets"]);

    ok(
        &mut s,
        "kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=ci --docker-password=s3cret -n shop",
    );
    ok(&mut s, r#"kubectl patch serviceaccount default -n shop -p '{"imagePullSecrets":[{"name":"regcred"}]}'"#);
    expect(&mut s, "kubectl get serviceaccount default -n shop -o yaml", &["imagePullSecrets", "regcred"]);
    // No pod is recreated: the kubelet's next pull attempt (after its back-off) succeeds.
    settle(&mut s, 4);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("ImagePull"), "{pods}");
    expect(
        &mut s,
        "kubectl get events -n shop",
        &["Successfully pulled image \"registry.example.com/private/web:1.5.0\""],
    );
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m03_missing_env() {
    let mut s = session("modes/m03-missing-env.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    let before = expect(&mut s, "kubectl get pods -n shop", &["0/1", "CrashLoopBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Reason:       CrashLoopBackOff",
            "Last State:     Terminated",
            "Reason:       Error",
            "Exit Code:    1",
            "Back-off restarting failed container web in pod web-",
        ],
    );
    expect(&mut s, "kubectl logs deployment/web -n shop --previous", &["FATAL: DATABASE_URL not set"]);
    // RESTARTS keep rising while nobody fixes it.
    wait(&mut s, 2);
    let after = run(&mut s, "kubectl get pods -n shop");
    assert!(restarts(&after) > restarts(&before), "restarts should rise:\n{before}\n{after}");
    // The clue: the last working replica set had the variable.
    expect(&mut s, "kubectl get replicasets -n shop -o yaml", &["DATABASE_URL"]);
    expect_not(&mut s, "kubectl get deployment web -n shop -o yaml", &["DATABASE_URL"]);

    ok(&mut s, "kubectl set env deployment/web DATABASE_URL=postgres://db.shop:5432/shop -n shop");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CrashLoopBackOff"), "{pods}");
    expect_not(&mut s, "kubectl logs deployment/web -n shop", &["FATAL"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m04_wrong_command() {
    let mut s = session("modes/m04-wrong-command.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "CrashLoopBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Last State:     Terminated",
            "Reason:       StartError",
            "exec: \"pythn\": executable file not found in $PATH",
            "Exit Code:    128",
            "Back-off restarting failed container web in pod web-",
        ],
    );
    expect(&mut s, "kubectl get events -n shop", &["Error: failed to create containerd task", "exec: \"pythn\""]);

    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","command":["python","app.py","--workers=4"]}]}}}}'"#,
    );
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CrashLoopBackOff"), "{pods}");
    expect(&mut s, "kubectl logs deployment/web -n shop", &["serving storefront on :8080"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m05_memory_limit_too_low() {
    let mut s = session("modes/m05-memory-limit-too-low.ron");
    expect(&mut s, "/status", &["Storefront", "503"]);
    expect_not(&mut s, "/status", &["100.0% ok"]);
    let before = expect(&mut s, "kubectl get pods -n shop", &["0/1", "CrashLoopBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Last State:     Terminated",
            "Reason:       OOMKilled",
            "Exit Code:    137",
            "memory:  128Mi",
            "Back-off restarting failed container web",
        ],
    );
    // Restarting is symptom relief at best: the new pods are killed the same way.
    ok(&mut s, "kubectl rollout restart deployment/web -n shop");
    wait(&mut s, 3);
    assert!(s.held == 0, "a restart must not satisfy the win conditions:\n{}", s.status());
    expect(&mut s, "kubectl describe pod -n shop -l app=web", &["Reason:       OOMKilled", "Exit Code:    137"]);
    let after = run(&mut s, "kubectl get pods -n shop");
    assert!(restarts(&after) > 0 && before != after, "{after}");

    ok(&mut s, "kubectl set resources deployment/web -c web --requests=memory=192Mi --limits=memory=256Mi -n shop");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CrashLoopBackOff") && !pods.contains("OOMKilled"), "{pods}");
    assert_eq!(restarts(&pods), 0, "{pods}");
    // Under full load the pods use 150Mi each, now well within the 256Mi limit.
    expect(&mut s, "kubectl top pod -n shop", &["150Mi"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m06_liveness_wrong_port() {
    let mut s = session("modes/m06-liveness-wrong-port.ron");
    expect(&mut s, "/status", &["Storefront", "503"]);
    let before = expect(&mut s, "kubectl get pods -n shop", &["CrashLoopBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Liveness:",
            "http-get http://:8081/healthz",
            "Liveness probe failed: Get \"http://10.244.",
            ":8081/healthz\": dial tcp 10.244.",
            ":8081: connect: connection refused",
            "Container web failed liveness probe, will be restarted",
        ],
    );
    // The app itself was fine until the kubelet killed it.
    expect(&mut s, "kubectl logs deployment/web -n shop --previous", &["listening on :8080", "Received SIGTERM"]);
    wait(&mut s, 3);
    let after = run(&mut s, "kubectl get pods -n shop");
    assert!(restarts(&after) > restarts(&before), "restarts should rise:\n{before}\n{after}");

    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","livenessProbe":{"httpGet":{"path":"/healthz","port":8080}}}]}}}}'"#,
    );
    settle(&mut s, 4);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CrashLoopBackOff"), "{pods}");
    assert_eq!(restarts(&pods), 0, "{pods}");
    expect(&mut s, "kubectl describe pod -n shop -l app=web", &["http-get http://:8080/healthz"]);
    expect_not(&mut s, "kubectl describe pod -n shop -l app=web", &["Liveness probe failed"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m07_readiness_wrong_path() {
    let mut s = session("modes/m07-readiness-wrong-path.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["0/1", "Running"]);
    assert_eq!(restarts(&pods), 0, "{pods}");
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &["http-get http://:8080/readyz", "Readiness probe failed: HTTP probe failed with statuscode: 404"],
    );
    expect_not(&mut s, "kubectl get endpoints web -n shop", &["10.244."]);
    expect(&mut s, "kubectl describe service web -n shop", &["Endpoints:                <none>"]);

    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","readinessProbe":{"httpGet":{"path":"/ready","port":8080}}}]}}}}'"#,
    );
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("0/1"), "{pods}");
    expect(&mut s, "kubectl get endpoints web -n shop", &["10.244.", ":8080"]);
    expect_not(&mut s, "kubectl describe pod -n shop -l app=web", &["Readiness probe failed"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m08_init_container_failing() {
    let mut s = session("modes/m08-init-container-failing.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop -l app=web", &["0/1", "Init:CrashLoopBackOff"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Init Containers:",
            "wait-for-db:",
            "Reason:       CrashLoopBackOff",
            "Exit Code:    1",
            "Reason:       PodInitializing",
            "Back-off restarting failed container wait-for-db in pod web-",
        ],
    );
    expect(
        &mut s,
        "kubectl logs deployment/web -n shop -c wait-for-db",
        &["waiting for db:5432", "ERROR: dial tcp 10.96.", ":5432: connect: connection refused"],
    );
    // The clue behind the log line: the database has no pods, so its service has no endpoints.
    expect(&mut s, "kubectl get deployment db -n shop", &["0/0"]);
    expect_not(&mut s, "kubectl get endpoints db -n shop", &["10.244."]);

    ok(&mut s, "kubectl scale deployment/db --replicas=1 -n shop");
    // The kubelet retries the init container after its back-off; nothing else needs restarting.
    settle(&mut s, 5);
    let pods = expect(&mut s, "kubectl get pods -n shop -l app=web", &["1/1", "Running"]);
    assert!(!pods.contains("Init:"), "{pods}");
    expect(&mut s, "kubectl logs deployment/web -n shop -c wait-for-db", &["done"]);
    expect(&mut s, "kubectl describe pod -n shop -l app=web", &["Reason:       Completed", "Exit Code:    0"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m10_configmap_missing() {
    let mut s = session("modes/m10-configmap-missing.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "CreateContainerConfigError"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Reason:       CreateContainerConfigError",
            "FEATURE_FLAGS:  <set to the key 'flags' of config map 'app-config'>",
            "Error: configmap \"app-config\" not found",
        ],
    );
    expect(&mut s, "kubectl get events -n shop", &["Error: configmap \"app-config\" not found"]);
    let cms = expect(&mut s, "kubectl get configmaps -n shop", &["web-config"]);
    assert!(!cms.contains("app-config"), "{cms}");

    ok(&mut s, "kubectl create configmap app-config --from-literal=flags=new-checkout -n shop");
    // The kubelet retries the container's configuration on its next sync.
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CreateContainerConfigError"), "{pods}");
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m11_secret_key_missing() {
    let mut s = session("modes/m11-secret-key-missing.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "CreateContainerConfigError"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "Reason:       CreateContainerConfigError",
            "DATABASE_URL:  <set to the key 'DB_URL' in secret 'app-secrets'>",
            "Error: couldn't find key DB_URL in Secret shop/app-secrets",
        ],
    );
    // The clue: the secret has the value under another name.
    let secret = expect(&mut s, "kubectl describe secret app-secrets -n shop", &["DATABASE_URL:"]);
    assert!(!secret.contains("DB_URL"), "{secret}");

    ok(
        &mut s,
        r#"kubectl patch deployment web -n shop -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"DATABASE_URL","valueFrom":{"secretKeyRef":{"name":"app-secrets","key":"DATABASE_URL"}}}]}]}}}}'"#,
    );
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CreateContainerConfigError"), "{pods}");
    expect_not(&mut s, "kubectl logs deployment/web -n shop", &["FATAL"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m12_config_volume_missing() {
    let mut s = session("modes/m12-config-volume-missing.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "ContainerCreating"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &[
            "/etc/web from config",
            "FailedMount",
            "MountVolume.SetUp failed for volume \"config\" : configmap \"web-config\" not found",
        ],
    );
    expect_not(&mut s, "kubectl get configmaps -n shop", &["web-config"]);

    ok(&mut s, "kubectl create configmap web-config --from-literal=app.yaml=listen=8080 -n shop");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("ContainerCreating"), "{pods}");
    expect(&mut s, "kubectl logs deployment/web -n shop", &["loaded /etc/web/app.yaml"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m13_secret_missing() {
    let mut s = session("modes/m13-secret-missing.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    expect(&mut s, "kubectl get pods -n shop", &["0/1", "CreateContainerConfigError"]);
    expect(
        &mut s,
        "kubectl describe pod -n shop -l app=web",
        &["DB_PASSWORD:  <set to the key 'password' in secret 'db-creds'>", "Error: secret \"db-creds\" not found"],
    );
    expect(&mut s, "kubectl get events -n shop", &["Error: secret \"db-creds\" not found"]);
    expect_not(&mut s, "kubectl get secrets -n shop", &["db-creds"]);

    ok(&mut s, "kubectl create secret generic db-creds --from-literal=password=n3w-s3cret -n shop");
    settle(&mut s, 3);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("CreateContainerConfigError"), "{pods}");
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m14_service_selector_mismatch() {
    let mut s = session("modes/m14-service-selector-mismatch.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "503"]);
    // Everything looks green…
    let pods = expect(&mut s, "kubectl get pods -n shop --show-labels", &["1/1", "Running", "app=web"]);
    assert!(!pods.contains("0/1"), "{pods}");
    assert_eq!(restarts(&pods), 0, "{pods}");
    // …but the service selects nothing, and nothing complains.
    expect(&mut s, "kubectl get endpoints web -n shop", &["<none>"]);
    expect(
        &mut s,
        "kubectl describe service web -n shop",
        &["Selector:                 app=storefront", "Endpoints:                <none>"],
    );
    expect(&mut s, "kubectl get events -n shop", &["No resources found in shop namespace."]);

    ok(&mut s, r#"kubectl patch service web -n shop -p '{"spec":{"selector":{"app":"web"}}}'"#);
    settle(&mut s, 2);
    expect(&mut s, "kubectl get endpoints web -n shop", &["10.244.", ":8080"]);
    expect(&mut s, "kubectl describe service web -n shop", &["Selector:                 app=web"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    assert_wins(&mut s);
}

#[test]
fn m15_service_target_port() {
    let mut s = session("modes/m15-service-target-port.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "502 Bad Gateway"]);
    let pods = expect(&mut s, "kubectl get pods -n shop -o wide", &["1/1", "Running", "10.244."]);
    assert!(!pods.contains("0/1"), "{pods}");
    // Endpoints exist, on the wrong port; the containers listen on 8080.
    let eps = expect(&mut s, "kubectl get endpoints web -n shop", &["10.244."]);
    assert!(eps.contains(":80,") || eps.contains(":80 "), "{eps}");
    assert!(!eps.contains(":8080"), "{eps}");
    expect(&mut s, "kubectl describe service web -n shop", &["TargetPort:               80/TCP"]);
    expect(&mut s, "kubectl describe pod -n shop -l app=web", &["Port:           8080/TCP"]);
    expect(&mut s, "kubectl get events -n shop", &["No resources found in shop namespace."]);

    ok(&mut s, r#"kubectl patch service web -n shop -p '{"spec":{"ports":[{"port":80,"targetPort":8080}]}}'"#);
    settle(&mut s, 2);
    expect(&mut s, "kubectl get endpoints web -n shop", &[":8080"]);
    expect(&mut s, "kubectl describe service web -n shop", &["TargetPort:               8080/TCP"]);
    expect(&mut s, "/status", &["100.0% ok"]);
    expect_not(&mut s, "/status", &["502"]);
    assert_wins(&mut s);
}

#[test]
fn m16_stray_pod() {
    let mut s = session("modes/m16-stray-pod.ron");
    // A third of the requests land on the stray pod's broken build.
    expect(&mut s, "/status", &["Storefront", "66.7% ok", "wrong or stale page"]);
    expect(&mut s, "kubectl get deployment web -n shop", &["2/2"]);
    let pods = expect(&mut s, "kubectl get pods -n shop -l app=web -o wide", &["web-debug", "1/1", "Running"]);
    assert_eq!(pods.lines().count(), 4, "two replicas and the stray pod:\n{pods}");
    let eps = run(&mut s, "kubectl get endpoints web -n shop");
    assert_eq!(eps.matches(":8080").count(), 3, "{eps}");
    // The clue: it has no owner and runs another image.
    let stray = expect(
        &mut s,
        "kubectl describe pod web-debug -n shop",
        &["Labels:           app=web", "registry.example.com/shop/web:1.9.0-debug"],
    );
    assert!(!stray.contains("Controlled By"), "{stray}");
    expect(&mut s, "kubectl describe pod -n shop -l pod-template-hash", &["Controlled By:  ReplicaSet/web-"]);

    ok(&mut s, "kubectl delete pod web-debug -n shop");
    settle(&mut s, 2);
    let pods = run(&mut s, "kubectl get pods -n shop -l app=web");
    assert!(!pods.contains("web-debug"), "{pods}");
    let eps = run(&mut s, "kubectl get endpoints web -n shop");
    assert_eq!(eps.matches(":8080").count(), 2, "{eps}");
    expect(&mut s, "/status", &["100.0% ok"]);
    expect_not(&mut s, "/status", &["stale"]);
    assert_wins(&mut s);
}

#[test]
fn m17_default_deny_netpol() {
    let mut s = session("modes/m17-default-deny-netpol.ron");
    expect(&mut s, "/status", &["Storefront", "0.0% ok", "504 Gateway Time-out"]);
    let pods = expect(&mut s, "kubectl get pods -n shop", &["1/1", "Running"]);
    assert!(!pods.contains("0/1"), "{pods}");
    expect(&mut s, "kubectl get endpoints web -n shop", &["10.244.", ":8080"]);
    expect(&mut s, "kubectl get events -n shop", &["No resources found in shop namespace."]);
    // The clue: a policy with an innocent name that isolates every pod in the namespace.
    expect(&mut s, "kubectl get networkpolicies -A", &["shop", "allow-all-ingress", "<none>"]);
    expect(
        &mut s,
        "kubectl describe networkpolicy allow-all-ingress -n shop",
        &[
            "PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)",
            "Policy Types: Ingress",
        ],
    );

    ok(&mut s, "kubectl delete networkpolicy allow-all-ingress -n shop");
    settle(&mut s, 2);
    expect(&mut s, "kubectl get networkpolicies -n shop", &["No resources found in shop namespace."]);
    expect(&mut s, "/status", &["100.0% ok"]);
    expect_not(&mut s, "/status", &["504"]);
    assert_wins(&mut s);
}

/// The RESTARTS column summed over the rows of `get pods`.
fn restarts(table: &str) -> u32 {
    table.lines().skip(1).filter_map(|l| l.split_whitespace().nth(3)?.parse::<u32>().ok()).sum()
}
