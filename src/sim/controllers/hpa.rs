//! The horizontal pod autoscaler: average CPU utilisation over requests decides the replica
//! count within min/max; a container without a CPU request, or a resource metrics API that
//! metrics-server does not serve (`sim::metrics`), leaves the metric `<unknown>`.

use crate::sim::change::Change;
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::Pod;

/// Scale-down waits this long after the last scale (the default stabilisation window).
const DOWNSCALE_WINDOW: i64 = 300;

pub fn step(cluster: &mut Cluster) {
    let keys: Vec<(String, String)> = cluster.hpas().keys().cloned().collect();
    for k in keys {
        reconcile(cluster, &k);
    }
}

fn reconcile(cluster: &mut Cluster, k: &(String, String)) {
    let Some(hpa) = cluster.hpas().get(k).cloned() else { return };
    let ns = &k.0;
    let Some(deploy) = cluster.deployments().get(&key(ns, &hpa.target)).cloned() else {
        set(
            cluster,
            k,
            None,
            0,
            0,
            vec![cond(
                "AbleToScale",
                "False",
                "FailedGetScale",
                &format!(
                    "the HPA controller was unable to get the target's current scale: deployments/scale.apps \"{}\" not found",
                    hpa.target
                ),
            )],
        );
        return;
    };
    let selector = crate::sim::objects::Selector::from_labels(&deploy.selector);
    let pods: Vec<&Pod> = cluster
        .pods()
        .values()
        .filter(|p| &p.meta.namespace == ns && p.is_active() && selector.matches(&p.meta.labels))
        .collect();
    let current = deploy.replicas;
    // The controller fetches the pods' metrics before it looks at their requests.
    if !crate::sim::metrics::api_available(cluster) {
        let message = format!("failed to get cpu utilization: {}", crate::sim::metrics::UNAVAILABLE);
        warn_failed_metric(cluster, k, &message);
        metrics_failed(cluster, k, current, &message);
        return;
    }
    // Every container needs a CPU request for utilisation to mean anything.
    let missing = pods.iter().find_map(|p| {
        p.spec
            .containers
            .iter()
            .find(|c| c.resources.requests.cpu.or(c.resources.limits.cpu).is_none())
            .map(|c| (c.name.clone(), p.meta.name.clone()))
    });
    if let Some((container, pod)) = missing {
        let message =
            format!("failed to get cpu utilization: missing request for cpu in container {container} of Pod {pod}");
        warn_failed_metric(cluster, k, &message);
        metrics_failed(cluster, k, current, &message);
        return;
    }
    let running: Vec<&&Pod> = pods.iter().filter(|p| p.is_ready()).collect();
    if running.is_empty() {
        let message =
            "failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)";
        metrics_failed(cluster, k, current, message);
        return;
    }
    let mut total_pct = 0u64;
    for p in &running {
        let mut used = 0u64;
        let mut requested = 0u64;
        for c in &p.spec.containers {
            used += super::kubelet::container_usage(cluster, p, &c.name).0.0;
            requested += c.resources.requests.cpu.or(c.resources.limits.cpu).map_or(1, |q| q.0.max(1));
        }
        total_pct += used * 100 / requested.max(1);
    }
    let utilization = (total_pct / running.len() as u64) as u32;
    let ratio = f64::from(utilization) / f64::from(hpa.target_cpu_percent.max(1));
    let mut desired =
        if (ratio - 1.0).abs() <= 0.1 { current } else { (f64::from(running.len() as u32) * ratio).ceil() as u32 };
    let mut conditions = vec![
        cond("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
        cond(
            "ScalingActive",
            "True",
            "ValidMetricFound",
            "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
        ),
    ];
    if desired > hpa.max_replicas {
        conditions.push(cond(
            "ScalingLimited",
            "True",
            "TooManyReplicas",
            "the desired replica count is more than the maximum replica count",
        ));
        desired = hpa.max_replicas;
    } else if desired < hpa.min_replicas {
        conditions.push(cond(
            "ScalingLimited",
            "True",
            "TooFewReplicas",
            "the desired replica count is less than the minimum replica count",
        ));
        desired = hpa.min_replicas;
    } else {
        conditions.push(cond(
            "ScalingLimited",
            "False",
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
        ));
    }
    let now = cluster.now;
    let recently = hpa.status.last_scale.is_some_and(|t| now - t < DOWNSCALE_WINDOW);
    if desired < current && recently {
        desired = current;
    }
    let mut last_scale = hpa.status.last_scale;
    if desired != current {
        // The reasons the HPA controller gives (horizontal.go).
        let reason = if current > hpa.max_replicas {
            "Current number of replicas above Spec.MaxReplicas"
        } else if current < hpa.min_replicas {
            "Current number of replicas below Spec.MinReplicas"
        } else if desired > current {
            "cpu resource utilization (percentage of request) above target"
        } else {
            "All metrics below target"
        };
        let ok = cluster
            .apply(
                Change::Scale {
                    kind: Kind::Deployment,
                    namespace: ns.clone(),
                    name: hpa.target.clone(),
                    replicas: desired,
                },
                "system:serviceaccount:kube-system:horizontal-pod-autoscaler",
            )
            .is_ok();
        if ok {
            last_scale = Some(now);
            cluster.record(
                ns,
                "HorizontalPodAutoscaler",
                &k.1,
                false,
                "SuccessfulRescale",
                &format!("New size: {desired}; reason: {reason}"),
                "horizontal-pod-autoscaler",
            );
        }
    }
    set(cluster, k, Some(utilization), current, desired, conditions);
    if let Some(h) = cluster.hpas_mut_status_only().get_mut(k) {
        h.status.last_scale = last_scale;
    }
}

/// The `FailedGetResourceMetric` warning the controller records when it cannot read a metric.
fn warn_failed_metric(cluster: &mut Cluster, k: &(String, String), message: &str) {
    cluster.record(
        &k.0,
        "HorizontalPodAutoscaler",
        &k.1,
        true,
        "FailedGetResourceMetric",
        message,
        "horizontal-pod-autoscaler",
    );
}

/// The HPA can scale its target but cannot compute a replica count: it keeps the current one.
fn metrics_failed(cluster: &mut Cluster, k: &(String, String), current: u32, why: &str) {
    let message = format!("the HPA was unable to compute the replica count: {why}");
    let conditions = vec![
        cond(
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        ),
        cond("ScalingActive", "False", "FailedGetResourceMetric", &message),
    ];
    set(cluster, k, None, current, current, conditions);
}

fn cond(kind: &str, status: &str, reason: &str, message: &str) -> (String, String, String, String) {
    (kind.to_owned(), status.to_owned(), reason.to_owned(), message.to_owned())
}

fn set(
    cluster: &mut Cluster,
    k: &(String, String),
    cpu: Option<u32>,
    current: u32,
    desired: u32,
    conditions: Vec<(String, String, String, String)>,
) {
    if let Some(h) = cluster.hpas_mut_status_only().get_mut(k) {
        h.status.current_cpu_percent = cpu;
        h.status.current_replicas = current;
        h.status.desired_replicas = desired;
        h.status.conditions = conditions;
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::apps::{AppProfile, AppRole};
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::{Cluster, key};
    use crate::sim::controllers::test_support::{
        apply, cluster_with, deployment, get_deployment, messages, node, pods,
    };
    use crate::sim::objects::{Hpa, HpaStatus, Meta};
    use crate::sim::quantity::Millicores;

    /// Deployment `web` of 2 pods, each using 150m CPU of a `request` (none when `None`), ready
    /// for 30 s, then an autoscaler targeting 50 % with this maximum, run for one step.
    fn autoscaled(request: Option<u64>, max: u32) -> Cluster {
        let app = AppProfile { cpu: Millicores(150), ..AppProfile::default() };
        let mut d = deployment("default", "web", "web:v1", 2);
        d.template.spec.containers[0].resources.requests.cpu = request.map(Millicores);
        let mut c = cluster_with(vec![node("node-1")], &[("web:v1", app)], vec![Object::Deployment(d)]);
        c.advance_seconds(30);
        let hpa = Hpa {
            meta: Meta::new("web", "default"),
            target: "web".to_owned(),
            min_replicas: 1,
            max_replicas: max,
            target_cpu_percent: 50,
            status: HpaStatus::default(),
        };
        apply(&mut c, Change::Create(Object::Hpa(hpa)));
        c.step();
        c
    }

    fn status(c: &Cluster) -> &HpaStatus {
        &c.hpas().get(&key("default", "web")).expect("hpa web").status
    }

    /// A condition's (status, reason, message); all empty when it is missing.
    fn condition(c: &Cluster, kind: &str) -> (String, String, String) {
        status(c)
            .conditions
            .iter()
            .find(|x| x.0 == kind)
            .map(|x| (x.1.clone(), x.2.clone(), x.3.clone()))
            .unwrap_or_default()
    }

    fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.to_owned(), b.to_owned(), c.to_owned())
    }

    const ABOVE: &str = "cpu resource utilization (percentage of request) above target";

    #[test]
    fn scales_up_to_ceil_of_current_times_utilisation_over_target() {
        let c = autoscaled(Some(100), 10);
        // 2 pods at 150 % of their request, target 50 %: ceil(2 × 150 / 50) = 6.
        assert_eq!(status(&c).current_cpu_percent, Some(150));
        assert_eq!((status(&c).current_replicas, status(&c).desired_replicas), (2, 6));
        assert_eq!(get_deployment(&c, "default", "web").replicas, 6);
        assert_eq!(
            messages(&c, "HorizontalPodAutoscaler", "web", "SuccessfulRescale"),
            [format!("New size: 6; reason: {ABOVE}")]
        );
        assert_eq!(
            condition(&c, "ScalingLimited"),
            triple("False", "DesiredWithinRange", "the desired count is within the acceptable range")
        );
    }

    #[test]
    fn caps_at_max_replicas_with_scaling_limited() {
        let mut c = autoscaled(Some(100), 4);
        assert_eq!((status(&c).current_replicas, status(&c).desired_replicas), (2, 4));
        assert_eq!(
            condition(&c, "ScalingLimited"),
            triple("True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")
        );
        c.advance_seconds(60);
        assert_eq!(get_deployment(&c, "default", "web").replicas, 4);
        assert_eq!(get_deployment(&c, "default", "web").status.available, 4);
        assert_eq!((status(&c).current_replicas, status(&c).desired_replicas), (4, 4));
        assert_eq!(
            condition(&c, "ScalingLimited"),
            triple("True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")
        );
        assert_eq!(
            messages(&c, "HorizontalPodAutoscaler", "web", "SuccessfulRescale"),
            [format!("New size: 4; reason: {ABOVE}")]
        );
    }

    /// `autoscaled` (requests 100m, max 10) in a cluster whose metrics-server deployment has
    /// `metrics_replicas` pods.
    fn autoscaled_with_metrics_server(metrics_replicas: u32) -> Cluster {
        let app = AppProfile { cpu: Millicores(150), ..AppProfile::default() };
        let metrics = AppProfile { role: AppRole::MetricsServer, cpu_per_rps: 0.0, ..AppProfile::default() };
        let mut d = deployment("default", "web", "web:v1", 2);
        d.template.spec.containers[0].resources.requests.cpu = Some(Millicores(100));
        let server = deployment("kube-system", "metrics-server", "metrics:v1", metrics_replicas);
        let mut c = cluster_with(
            vec![node("node-1")],
            &[("web:v1", app), ("metrics:v1", metrics)],
            vec![Object::Deployment(d), Object::Deployment(server)],
        );
        c.advance_seconds(30);
        let hpa = Hpa {
            meta: Meta::new("web", "default"),
            target: "web".to_owned(),
            min_replicas: 1,
            max_replicas: 10,
            target_cpu_percent: 50,
            status: HpaStatus::default(),
        };
        apply(&mut c, Change::Create(Object::Hpa(hpa)));
        c.step();
        c
    }

    #[test]
    fn without_a_ready_metrics_server_the_hpa_is_blind_and_keeps_its_size() {
        // kube-controller-manager's wording when the aggregated metrics.k8s.io API answers 404.
        let why = "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";
        let mut c = autoscaled_with_metrics_server(0);
        assert_eq!(status(&c).current_cpu_percent, None);
        assert_eq!(
            condition(&c, "AbleToScale"),
            triple("True", "SucceededGetScale", "the HPA controller was able to get the target's current scale")
        );
        assert_eq!(
            condition(&c, "ScalingActive"),
            triple(
                "False",
                "FailedGetResourceMetric",
                &format!("the HPA was unable to compute the replica count: {why}")
            )
        );
        assert_eq!(messages(&c, "HorizontalPodAutoscaler", "web", "FailedGetResourceMetric"), [why]);
        assert!(c.events.iter().filter(|e| e.reason == "FailedGetResourceMetric").all(|e| e.warning));
        assert_eq!(get_deployment(&c, "default", "web").replicas, 2);

        // Restored, metrics-server needs to become Ready and scrape once before the HPA sees.
        apply(
            &mut c,
            Change::Scale {
                kind: crate::sim::kind::Kind::Deployment,
                namespace: "kube-system".to_owned(),
                name: "metrics-server".to_owned(),
                replicas: 1,
            },
        );
        c.advance_seconds(30);
        assert_eq!(get_deployment(&c, "default", "web").replicas, 2, "metrics came back before a scrape");
        c.advance_seconds(60);
        assert!(status(&c).current_cpu_percent.is_some(), "{:?}", status(&c));
        assert_eq!(
            messages(&c, "HorizontalPodAutoscaler", "web", "SuccessfulRescale").first(),
            Some(&format!("New size: 6; reason: {ABOVE}"))
        );
        assert!(get_deployment(&c, "default", "web").replicas >= 6);
    }

    #[test]
    fn a_running_metrics_server_serves_the_hpa() {
        let mut c = autoscaled_with_metrics_server(1);
        c.advance_seconds(60);
        assert!(status(&c).current_cpu_percent.is_some(), "{:?}", status(&c));
        assert_eq!(
            messages(&c, "HorizontalPodAutoscaler", "web", "SuccessfulRescale").first(),
            Some(&format!("New size: 6; reason: {ABOVE}"))
        );
        assert!(get_deployment(&c, "default", "web").replicas >= 6);
    }

    #[test]
    fn a_container_without_a_cpu_request_leaves_the_metric_unknown() {
        let c = autoscaled(None, 10);
        let first = pods(&c, "default", "web-")[0].meta.name.clone();
        let why = format!("failed to get cpu utilization: missing request for cpu in container web of Pod {first}");
        assert_eq!(status(&c).current_cpu_percent, None);
        assert_eq!(
            messages(&c, "HorizontalPodAutoscaler", "web", "FailedGetResourceMetric"),
            std::slice::from_ref(&why)
        );
        assert!(c.events.iter().filter(|e| e.reason == "FailedGetResourceMetric").all(|e| e.warning));
        assert_eq!(
            condition(&c, "ScalingActive"),
            triple(
                "False",
                "FailedGetResourceMetric",
                &format!("the HPA was unable to compute the replica count: {why}")
            )
        );
        assert_eq!(get_deployment(&c, "default", "web").replicas, 2);
    }
}
