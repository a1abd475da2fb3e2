//! The resource metrics API (`metrics.k8s.io`) that `kubectl top` and the HPA read: it is
//! served by metrics-server pods (apps with the `MetricsServer` role), so it is available only
//! while one of them is Ready and has had time to scrape the kubelets once.

use crate::sim::apps::AppRole;
use crate::sim::cluster::Cluster;
use crate::sim::objects::ContainerState;

/// metrics-server has no data to serve until it has scraped every kubelet once after it
/// started (its readiness delay plus a scrape, about a minute).
pub const FIRST_SCRAPE_SECONDS: i64 = 60;

/// What the HPA controller reports when the API is not served (the aggregator answers 404).
pub const UNAVAILABLE: &str = "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// Whether the resource metrics API answers. A cluster whose apps include no metrics-server
/// at all (one built without system components) does not model the pipeline: it always has
/// metrics.
pub fn api_available(cluster: &Cluster) -> bool {
    let serves = |image: &str| cluster.app_for_image(image).is_some_and(|a| a.role == AppRole::MetricsServer);
    if !cluster.apps().values().any(|a| a.role == AppRole::MetricsServer) {
        return true;
    }
    cluster.pods().values().any(|p| {
        p.is_ready()
            && p.status.containers.iter().any(|c| {
                serves(&c.image)
                    && matches!(c.state, ContainerState::Running { started_at }
                        if cluster.now - started_at >= FIRST_SCRAPE_SECONDS)
            })
    })
}
