//! Tests for describe and events.

use super::fixture::*;
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{Hpa, HpaStatus, Meta};
use crate::sim::quantity::{Mebibytes, Millicores};

fn run(c: &mut Cluster, line: &str) -> String {
    let args: Vec<String> = shlex::split(line).unwrap_or_default();
    match super::run(c, &args) {
        Ok(d) => d.output,
        Err(e) => e.to_string(),
    }
}

fn hpa_cluster() -> Cluster {
    let mut c = cluster();
    c.hpas_mut().insert(
        key("default", "web"),
        Hpa {
            meta: Meta { created: -3600, ..Meta::new("web", "default") },
            target: "web".to_owned(),
            min_replicas: 1,
            max_replicas: 3,
            target_cpu_percent: 50,
            status: HpaStatus {
                current_cpu_percent: Some(250),
                current_replicas: 3,
                desired_replicas: 3,
                conditions: vec![
                    ("AbleToScale".into(), "True".into(), "ReadyForNewScale".into(), "recommended size matches current size".into()),
                    ("ScalingActive".into(), "True".into(), "ValidMetricFound".into(), "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)".into()),
                    ("ScalingLimited".into(), "True".into(), "TooManyReplicas".into(), "the desired replica count is more than the maximum replica count".into()),
                ],
                last_scale: None,
            },
        },
    );
    c
}

const POD: &str = r#"Name:             web-6d4cf56db6-x7k2p
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/10.0.0.11
Start Time:       Sun, 22 Nov 2026 09:05:00 +0000
Labels:           app=web
                  pod-template-hash=6d4cf56db6
Annotations:      <none>
Status:           Running
IP:               10.244.1.7
IPs:
  IP:           10.244.1.7
Controlled By:  ReplicaSet/web-6d4cf56db6
Containers:
  web:
    Image:          shop/web:1.4.2
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Sun, 22 Nov 2026 09:09:00 +0000
      Finished:     Sun, 22 Nov 2026 09:09:12 +0000
    Ready:          False
    Restart Count:  5
    Limits:
      memory:  128Mi
    Requests:
      cpu:     100m
      memory:  128Mi
    Liveness:  http-get http://:8081/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:
      DB_URL:  <set to the key 'DB_URL' of config map 'app-config'>  Optional: false
    Mounts:    <none>
Conditions:
  Type                        Status
  PodReadyToStartContainers   True
  Initialized                 True
  Ready                       False
  ContainersReady             False
  PodScheduled                True
Volumes:                      <none>
QoS Class:                    Burstable
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Scheduled  5m                   default-scheduler  Successfully assigned default/web-6d4cf56db6-x7k2p to node-1
  Normal   Pulled     60s (x6 over 4m58s)  kubelet            Container image "shop/web:1.4.2" already present on machine
  Warning  BackOff    10s (x9 over 4m)     kubelet            Back-off restarting failed container web in pod web-6d4cf56db6-x7k2p_default(3)"#;

const DEPLOY: &str = r"Name:                   web
Namespace:              default
CreationTimestamp:      Sat, 21 Nov 2026 09:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   web:
    Image:      shop/web:1.4.2
    Port:       8080/TCP
    Host Port:  0/TCP
    Limits:
      memory:  128Mi
    Requests:
      cpu:     100m
      memory:  128Mi
    Liveness:  http-get http://:8081/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:
      DB_URL:      <set to the key 'DB_URL' of config map 'app-config'>  Optional: false
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    False   ProgressDeadlineExceeded
OldReplicaSets:  <none>
NewReplicaSet:   web-6d4cf56db6 (3/3 replicas created)
Events:
  Type    Reason             Age    From                   Message
  ----    ------             ----   ----                   -------
  Normal  ScalingReplicaSet  5m10s  deployment-controller  Scaled up replica set web-6d4cf56db6 to 3";

const SVC: &str = r"Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.12.4
IPs:                      10.96.12.4
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                <none>
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>";

const NODE: &str = r"Name:               node-1
Roles:              <none>
Labels:             <none>
Annotations:        <none>
CreationTimestamp:  Fri, 23 Oct 2026 09:00:00 +0000
Taints:             node.kubernetes.io/unreachable:NoExecute
                    dedicated=gpu:NoSchedule
                    node.kubernetes.io/unreachable:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  node-1
  AcquireTime:     <unset>
  RenewTime:       Sun, 22 Nov 2026 09:07:00 +0000
Conditions:
  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message
  ----             ------    -----------------                 ------------------                ------              -------
  MemoryPressure   Unknown   Sun, 22 Nov 2026 09:07:00 +0000   Sun, 22 Nov 2026 09:07:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
  DiskPressure     Unknown   Sun, 22 Nov 2026 09:07:00 +0000   Sun, 22 Nov 2026 09:07:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
  PIDPressure      Unknown   Sun, 22 Nov 2026 09:07:00 +0000   Sun, 22 Nov 2026 09:07:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
  Ready            Unknown   Sun, 22 Nov 2026 09:07:00 +0000   Sun, 22 Nov 2026 09:07:40 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
Addresses:
  InternalIP:  10.0.0.11
  Hostname:    node-1
Capacity:
  cpu:                4
  ephemeral-storage:  104857600Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             8388608Ki
  pods:               110
Allocatable:
  cpu:                4
  ephemeral-storage:  104857600Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             8388608Ki
  pods:               110
System Info:
  Machine ID:                 be09d3c75a03415640739adecfe2c217
  System UUID:                580dca54-6929-4446-913e-924381b3c144
  Boot ID:                    0fdc44c7-a187-6f74-dfc3-77814205f356
  Kernel Version:             6.8.0-45-generic
  OS Image:                   Ubuntu 24.04.1 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.22
  Kubelet Version:            v1.31.0
  Kube-Proxy Version:
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (3 in total)
  Namespace                   Name                    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                    ------------  ----------  ---------------  -------------  ---
  default                     web-6d4cf56db6-4xk2p    100m (2%)     0 (0%)      128Mi (1%)       128Mi (1%)     5m
  default                     web-6d4cf56db6-9zqtw    100m (2%)     0 (0%)      128Mi (1%)       128Mi (1%)     5m
  default                     web-6d4cf56db6-x7k2p    100m (2%)     0 (0%)      128Mi (1%)       128Mi (1%)     5m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                300m (7%)   0 (0%)
  memory             384Mi (4%)  384Mi (4%)
  ephemeral-storage  0 (0%)      0 (0%)
  hugepages-1Gi      0 (0%)      0 (0%)
  hugepages-2Mi      0 (0%)      0 (0%)
Events:              <none>";

const HPA: &str = r"Name:                                                  web
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Sun, 22 Nov 2026 08:00:00 +0000
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  250% (250m) / 50%
Min replicas:                                          1
Max replicas:                                          3
Deployment pods:                                       3 current / 3 desired
Conditions:
  Type            Status  Reason            Message
  ----            ------  ------            -------
  AbleToScale     True    ReadyForNewScale  recommended size matches current size
  ScalingActive   True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)
  ScalingLimited  True    TooManyReplicas   the desired replica count is more than the maximum replica count
Events:           <none>";

#[test]
fn describe_pod_shows_the_crash_loop_and_its_events() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "pod web-6d4cf56db6-x7k2p"), POD);
    assert_eq!(run(&mut c, "pods/web-6d4cf56db6-x7k2p"), POD);
    // A name that is not exact describes every object it prefixes.
    assert_eq!(run(&mut c, "po web-6d4cf56db6-x7").lines().next(), Some("Name:             web-6d4cf56db6-x7k2p"));
    assert_eq!(run(&mut c, "pods -l app=web").matches("\nName:  ").count() + 1, 3);
}

#[test]
fn describe_deployment_shows_replicas_conditions_and_replica_sets() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "deploy web"), DEPLOY);
    assert_eq!(run(&mut c, "deployments.apps/web"), DEPLOY);
}

#[test]
fn describe_service_without_endpoints() {
    let mut c = cluster();
    if let Some(e) = c.endpoints_mut().get_mut(&key("default", "web")) {
        e.ready.clear();
    }
    assert_eq!(run(&mut c, "svc/web"), SVC);
}

#[test]
fn describe_node_not_ready_with_taints() {
    let mut c = cluster();
    not_ready_node(&mut c);
    assert_eq!(run(&mut c, "node node-1"), NODE);
    assert_eq!(run(&mut c, "no"), NODE);
}

#[test]
fn describe_hpa_at_its_maximum() {
    let mut c = hpa_cluster();
    assert_eq!(run(&mut c, "hpa web"), HPA);
    if let Some(h) = c.hpas_mut().get_mut(&key("default", "web")) {
        h.status.current_cpu_percent = None;
    }
    assert!(
        run(&mut c, "hpa web").contains("  resource cpu on pods  (as a percentage of request):  <unknown> / 50%\n")
    );
}

#[test]
fn describe_errors_read_like_kubectl() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "pod nope"), "Error from server (NotFound): pods \"nope\" not found");
    assert_eq!(run(&mut c, "deploy/nope"), "Error from server (NotFound): deployments.apps \"nope\" not found");
    assert_eq!(run(&mut c, "foos x"), "error: the server doesn't have a resource type \"foos\"");
    assert_eq!(run(&mut c, "pods -n shop"), "No resources found in shop namespace.");
    assert_eq!(run(&mut c, "pod x -A"), "error: a resource cannot be retrieved by name across all namespaces");
    assert!(run(&mut c, "").starts_with("error: You must specify the type of resource to describe."));
    assert_eq!(run(&mut c, "pods --bogus"), "error: unknown flag: --bogus\nSee 'kubectl --help' for usage.");
}

#[test]
fn describe_covers_every_kind() {
    use crate::sim::kind::Kind;
    let mut c = cluster();
    for kind in Kind::ALL {
        // Nothing panics, and kinds without objects say so.
        let out = run(&mut c, &format!("{} -A", kind.plural()));
        assert!(!out.is_empty(), "{kind:?}");
    }
    let cm = run(&mut c, "cm app-config");
    assert_eq!(
        cm,
        "Name:         app-config\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nDB_URL:\n----\npostgres://db:5432/shop\n\n\nBinaryData\n====\n\nEvents:  <none>"
    );
}

#[test]
fn secrets_show_sizes_not_values() {
    let mut c = cluster();
    c.secrets_mut().insert(
        key("default", "db"),
        crate::sim::objects::Secret {
            meta: Meta::new("db", "default"),
            kind: "Opaque".to_owned(),
            data: [("password".to_owned(), "hunter22".to_owned()), ("user".to_owned(), "shop".to_owned())].into(),
        },
    );
    assert_eq!(
        run(&mut c, "secret db"),
        "Name:         db\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  8 bytes\nuser:      4 bytes"
    );
}

#[test]
fn events_lists_and_filters() {
    let mut c = cluster();
    let ev = |c: &mut Cluster, line: &str| {
        let args: Vec<String> = shlex::split(line).unwrap_or_default();
        super::events(c, &args).map_or_else(|e| e.to_string(), |d| d.output)
    };
    assert_eq!(
        ev(&mut c, "--for=pod/web-6d4cf56db6-x7k2p --types=Warning"),
        "LAST SEEN          TYPE      REASON    OBJECT                     MESSAGE\n10s (x9 over 4m)   Warning   BackOff   Pod/web-6d4cf56db6-x7k2p   Back-off restarting failed container web in pod web-6d4cf56db6-x7k2p_default(3)"
    );
    let all = ev(&mut c, "-A");
    assert!(all.starts_with("NAMESPACE   LAST SEEN             TYPE      REASON              OBJECT                     MESSAGE\ndefault     5m10s                 Normal    ScalingReplicaSet   Deployment/web"));
    assert_eq!(all.lines().count(), 5);
    assert_eq!(ev(&mut c, "-n shop"), "No events found in shop namespace.");
    assert_eq!(ev(&mut c, "--types=Bad"), "error: valid --types are Normal or Warning, got \"Bad\"");
}

fn network_cluster() -> Cluster {
    use crate::sim::objects::{
        Ingress, IngressBackend, IngressPath, IngressRule, IngressTls, NetworkPolicy, PolicyPeer, PolicyPort,
        PolicyRule, PolicyType, ResourceQuota,
    };
    let mut c = cluster();
    c.ingressclasses_mut().insert(
        "nginx".to_owned(),
        crate::sim::objects::IngressClass {
            meta: Meta::new("nginx", ""),
            controller: crate::sim::objects::NGINX_CONTROLLER.to_owned(),
            is_default: false,
        },
    );
    let path = |service: &str| IngressPath {
        path: "/".to_owned(),
        path_type: "Prefix".to_owned(),
        backend: IngressBackend { service: service.to_owned(), port: 80 },
    };
    c.ingresses_mut().insert(
        key("default", "shop"),
        Ingress {
            meta: Meta::new("shop", "default"),
            class: "nginx".to_owned(),
            rules: vec![
                IngressRule { host: "shop.example.com".to_owned(), paths: vec![path("web")] },
                IngressRule { host: "api.example.com".to_owned(), paths: vec![path("api")] },
            ],
            tls: vec![IngressTls { hosts: vec!["shop.example.com".to_owned()], secret_name: "shop-tls".to_owned() }],
        },
    );
    c.netpols_mut().insert(
        key("default", "allow-all-ingress"),
        NetworkPolicy {
            meta: Meta::new("allow-all-ingress", "default"),
            pod_selector: crate::sim::objects::Labels::default(),
            policy_types: vec![PolicyType::Ingress],
            ingress: Vec::new(),
            egress: Vec::new(),
            pod_selector_expressions: Vec::new(),
        },
    );
    c.netpols_mut().insert(
        key("default", "db"),
        NetworkPolicy {
            meta: Meta::new("db", "default"),
            pod_selector: labels(&[("app", "db")]),
            policy_types: vec![PolicyType::Ingress, PolicyType::Egress],
            ingress: vec![PolicyRule {
                peers: vec![PolicyPeer { pod_selector: Some(labels(&[("app", "web")])), ..PolicyPeer::default() }],
                ports: vec![PolicyPort::tcp(5432)],
            }],
            egress: Vec::new(),
            pod_selector_expressions: Vec::new(),
        },
    );
    c.quotas_mut().insert(
        key("default", "team-quota"),
        ResourceQuota {
            meta: Meta::new("team-quota", "default"),
            pods: Some(3),
            requests_cpu: Some(Millicores(1000)),
            requests_memory: None,
            limits_cpu: None,
            limits_memory: Some(Mebibytes(1024)),
        },
    );
    c
}

#[test]
fn describe_ingress_shows_backends_and_missing_services() {
    let mut c = network_cluster();
    assert_eq!(
        run(&mut c, "ingress shop"),
        "Name:             shop
Labels:           <none>
Namespace:        default
Address:          10.0.0.11
Ingress Class:    nginx
Default backend:  <default>
TLS:
  shop-tls terminates shop.example.com
Rules:
  Host              Path  Backends
  ----              ----  --------
  shop.example.com
                    /   web:80 (10.244.1.5:8080,10.244.1.6:8080)
  api.example.com
                    /   api:80 (<error: endpoints \"api\" not found>)
Annotations:        <none>
Events:             <none>"
    );
}

#[test]
fn describe_network_policy_and_quota() {
    let mut c = network_cluster();
    assert_eq!(
        run(&mut c, "netpol allow-all-ingress"),
        "Name:         allow-all-ingress
Namespace:    default
Created on:   2026-11-22 09:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    <none> (Selected pods are isolated for ingress connectivity)
  Not affecting egress traffic
  Policy Types: Ingress"
    );
    assert_eq!(
        run(&mut c, "networkpolicy/db"),
        "Name:         db
Namespace:    default
Created on:   2026-11-22 09:00:00 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     app=db
  Allowing ingress traffic:
    To Port: 5432/TCP
    From:
      PodSelector: app=web
  Allowing egress traffic:
    <none> (Selected pods are isolated for egress connectivity)
  Policy Types: Ingress, Egress"
    );
    assert_eq!(
        run(&mut c, "quota"),
        "Name:          team-quota
Namespace:     default
Resource       Used   Hard
--------       ----   ----
limits.memory  384Mi  1Gi
pods           3      3
requests.cpu   300m   1"
    );
}

/// kubectl describes a pod no node has taken with no container state at all (only the kubelet
/// reports one), and `get pods` calls it `Pending`, not `ContainerCreating`.
#[test]
fn an_unscheduled_pod_has_no_container_state() {
    let mut c = cluster();
    let mut pod = web_pod("web-6d4cf56db6-pend1", "");
    pod.status.node = None;
    pod.status.pod_ip = None;
    pod.status.phase = crate::sim::objects::PodPhase::Pending;
    pod.status.containers = vec![crate::sim::objects::ContainerStatus::new("web", "shop/web:1.4.2")];
    c.pods_mut().insert(key("default", "web-6d4cf56db6-pend1"), pod);
    let out = run(&mut c, "pod web-6d4cf56db6-pend1");
    assert!(out.contains("Status:           Pending"), "{out}");
    assert!(!out.contains("ContainerCreating"), "{out}");
    assert!(!out.contains("State:"), "{out}");
    assert!(!out.contains("Restart Count:"), "{out}");
    assert!(out.contains("PodScheduled   False"), "{out}");
    let listed = crate::sim::kubectl::run(&mut c, "kubectl get pod web-6d4cf56db6-pend1").output;
    assert!(listed.contains("0/1     Pending"), "{listed}");
}
