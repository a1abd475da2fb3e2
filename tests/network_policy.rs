//! `NetworkPolicy` as scenario authors need it (issue 12): `ipBlock` peers with `except`, label
//! selectors with `matchExpressions`, named and ranged ports, each applied with `kubectl apply -f -`
//! and proven end to end by what `curl` inside the pods gets; `describe` and `-o yaml` are pinned
//! as snapshots against kubectl's layout (`printNetworkPolicySpecIngressFrom`).

mod common;

use common::{expect, ok, run, session, wait};
use kombat::game::World;

/// Mode 17's shop (whose two web pods are the callers: the incident's policy isolates only their
/// ingress) and a namespace `backend` with one deployment, `api`, whose container names port 8080
/// `http`, behind a service `api`.
fn shop_with_api() -> World {
    let mut s = session("modes/m17-default-deny-netpol.ron");
    ok(&mut s, "kubectl create namespace backend");
    ok(
        &mut s,
        "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: backend\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n        tier: backend\n    spec:\n      containers:\n      - name: api\n        image: registry.example.com/shop/web:2.0.3\n        ports:\n        - containerPort: 8080\n          name: http\nEOF",
    );
    ok(
        &mut s,
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: backend\nspec:\n  selector:\n    app: api\n  ports:\n  - port: 80\n    targetPort: 8080\nEOF",
    );
    wait(&mut s, 2);
    expect(&mut s, "kubectl get pods -n backend -l app=api", &["1/1     Running"]);
    s
}

/// (name, IP) of the pods with a label in a namespace, from `get pods -o wide`.
fn pods(s: &mut World, namespace: &str, selector: &str) -> Vec<(String, String)> {
    let table = ok(s, &format!("kubectl get pods -n {namespace} -l {selector} -o wide"));
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            Some(((*cells.first()?).to_owned(), (*cells.get(5)?).to_owned()))
        })
        .collect()
}

fn apply(s: &mut World, manifest: &str) -> String {
    run(s, &format!("kubectl apply -f - <<EOF\n{manifest}EOF"))
}

/// What `curl` from a pod (`namespace/name`) to the api service gets.
fn curl_api(s: &mut World, pod: &str) -> String {
    let (namespace, name) = pod.split_once('/').unwrap_or(("shop", pod));
    run(s, &format!("kubectl exec -n {namespace} {name} -- curl -s -m 2 http://api.backend/"))
}

fn reaches(s: &mut World, pod: &str) -> bool {
    let out = curl_api(s, pod);
    // `curl -s` is silent on failure: a dropped connection shows as curl's timeout, exit code 28.
    assert!(out.contains("200 OK") || out.contains("exit code 28"), "curl from {pod}: {out}");
    out.contains("200 OK")
}

const EXPRESSIONS_AND_NAMED_PORT: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-web
  namespace: backend
spec:
  podSelector:
    matchExpressions:
    - key: tier
      operator: In
      values: [cache, backend]
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions:
        - key: kubernetes.io/metadata.name
          operator: In
          values: [shop]
      podSelector:
        matchExpressions:
        - key: app
          operator: In
          values: [web]
        - key: canary
          operator: DoesNotExist
    ports:
    - port: PORT
";

#[test]
fn match_expressions_and_a_named_port_let_web_in_and_nobody_else() {
    let mut s = shop_with_api();
    let web = pods(&mut s, "shop", "app=web");
    let api = pods(&mut s, "backend", "app=api");
    let api_pod = format!("backend/{}", api[0].0);
    assert_eq!((web.len(), api.len()), (2, 1), "{web:?} {api:?}");
    assert!(reaches(&mut s, &web[0].0) && reaches(&mut s, &api_pod), "no policy: everyone gets in");

    let out = apply(&mut s, &EXPRESSIONS_AND_NAMED_PORT.replace("PORT", "http"));
    assert!(out.contains("networkpolicy.networking.k8s.io/api-from-web created"), "{out}");
    expect(&mut s, "kubectl get netpol -n backend", &["api-from-web   tier in (backend,cache)"]);
    assert!(reaches(&mut s, &web[0].0), "web is selected and `http` is 8080 on the api pod");
    assert!(!reaches(&mut s, &api_pod), "app=api is not In (web): dropped");

    // A web pod labelled canary=true fails DoesNotExist.
    ok(&mut s, &format!("kubectl label pod {} -n shop canary=true", web[1].0));
    assert!(!reaches(&mut s, &web[1].0));
    assert!(reaches(&mut s, &web[0].0));

    // A port name no container of the api pod has allows nothing at all.
    let out = apply(&mut s, &EXPRESSIONS_AND_NAMED_PORT.replace("PORT", "metrics"));
    assert!(out.contains("configured"), "{out}");
    assert!(!reaches(&mut s, &web[0].0));
    assert!(curl_api(&mut s, &web[0].0).contains("exit code 28"));
}

#[test]
fn an_ip_block_admits_its_cidr_but_not_the_excepted_pod() {
    let mut s = shop_with_api();
    let web = pods(&mut s, "shop", "app=web");
    let (first, second) = (web[0].clone(), web[1].clone());
    let policy = format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api-by-ip\n  namespace: backend\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n        - {}/32\n    ports:\n    - port: 8000\n      endPort: 8100\n",
        first.1
    );
    let out = apply(&mut s, &policy);
    assert!(out.contains("created"), "{out}");
    assert!(!reaches(&mut s, &first.0), "{} is excepted", first.1);
    assert!(reaches(&mut s, &second.0), "{} is in 10.0.0.0/8", second.1);
    let described = ok(&mut s, "kubectl describe networkpolicy api-by-ip -n backend");
    assert!(
        described.contains(&format!(
            "    To Port: 8000/TCP\n    From:\n      IPBlock:\n        CIDR: 10.0.0.0/8\n        Except: {}/32\n",
            first.1
        )),
        "{described}"
    );
}

#[test]
fn egress_limited_to_an_ip_block_on_tcp_loses_dns_until_udp_53_is_allowed() {
    let mut s = shop_with_api();
    let web = pods(&mut s, "shop", "app=web");
    let egress = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web-egress\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.244.0.0/16\n    ports:\n    - port: 8080\n";
    assert!(apply(&mut s, egress).contains("created"));
    let out = curl_api(&mut s, &web[0].0);
    // curl's exit code 6: it could not resolve the host.
    assert!(out.contains("exit code 6"), "DNS is UDP 53: {out}");
    let with_dns =
        egress.replace("    - port: 8080\n", "    - port: 8080\n  - ports:\n    - port: 53\n      protocol: UDP\n");
    assert!(apply(&mut s, &with_dns).contains("configured"));
    assert!(reaches(&mut s, &web[0].0));
}

#[test]
fn the_api_server_refuses_peers_and_selectors_it_would_refuse() {
    let mut s = shop_with_api();
    let base = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: backend\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n";
    for (peer, error) in [
        (
            "    - ipBlock:\n        cidr: 10.0.0.0/8\n      podSelector: {}\n",
            "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer",
        ),
        (
            "    - ipBlock:\n        cidr: 10.0.0.0/8\n        except: [192.168.0.0/16]\n",
            "spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`",
        ),
        (
            "    - ipBlock:\n        cidr: 10.0.0/8\n",
            "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0/8\": must be a valid CIDR value",
        ),
        (
            "    - podSelector:\n        matchExpressions:\n        - key: app\n          operator: Equals\n          values: [web]\n",
            "spec.ingress[0].from[0].podSelector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
        ),
        (
            "    - podSelector:\n        matchExpressions:\n        - key: app\n          operator: In\n",
            "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ),
        (
            "    - podSelector: {}\n    ports:\n    - port: http\n      endPort: 9000\n",
            "spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is non-numeric",
        ),
    ] {
        let out = apply(&mut s, &format!("{base}{peer}"));
        assert!(out.contains(error), "{peer}\nshould fail with {error}; it printed:\n{out}");
        expect(&mut s, "kubectl get netpol -n backend", &["No resources found in backend namespace."]);
    }
}

const EVERYTHING: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-policy
  namespace: backend
spec:
  podSelector:
    matchLabels:
      app: api
    matchExpressions:
    - key: tier
      operator: NotIn
      values: [frontend]
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.244.9.0/24, 10.244.8.0/24]
    - namespaceSelector:
        matchLabels:
          team: shop
      podSelector:
        matchExpressions:
        - key: app
          operator: In
          values: [web, admin]
    ports:
    - port: http
    - port: 9000
      endPort: 9100
      protocol: TCP
  - from:
    - podSelector:
        matchExpressions:
        - key: role
          operator: Exists
  egress:
  - to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [169.254.169.254/32]
  - ports:
    - port: 53
      protocol: UDP
";

#[test]
fn describe_and_yaml_print_ip_blocks_expressions_and_named_ports_as_kubectl_does() {
    let mut s = shop_with_api();
    assert!(apply(&mut s, EVERYTHING).contains("created"));
    expect(&mut s, "kubectl get networkpolicy -n backend", &["api-policy   app=api,tier notin (frontend)"]);
    insta::assert_snapshot!("netpol_describe", ok(&mut s, "kubectl describe networkpolicy api-policy -n backend"));
    insta::assert_snapshot!("netpol_yaml", ok(&mut s, "kubectl get networkpolicy api-policy -n backend -o yaml"));
    let json = ok(&mut s, "kubectl get networkpolicy api-policy -n backend -o json");
    for needle in [r#""port": "http""#, r#""endPort": 9100"#, r#""cidr": "0.0.0.0/0""#, r#""operator": "Exists""#] {
        assert!(json.contains(needle), "{needle} in:\n{json}");
    }
    // The pod's own manifest keeps the port's name.
    let pod_yaml = ok(&mut s, "kubectl get pods -n backend -l app=api -o yaml");
    let fields: Vec<&str> = pod_yaml.lines().map(str::trim).collect();
    assert!(fields.windows(3).any(|w| w == ["- containerPort: 8080", "name: http", "protocol: TCP"]), "{pod_yaml}");
}
