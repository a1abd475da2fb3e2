//! Rogue in-cluster actors: running apps whose profile makes them change the cluster, like a
//! "cleanup" job that keeps scaling a deployment to zero or a controller that restores a webhook.

use crate::sim::apps::AppAction;
use crate::sim::change::{Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::ContainerState;

pub fn step(cluster: &mut Cluster) {
    if cluster.apps.values().all(|a| a.actions.is_empty()) {
        return;
    }
    let mut todo = Vec::new();
    for pod in cluster.pods.values().filter(|p| p.is_active()) {
        for status in &pod.status.containers {
            if !matches!(status.state, ContainerState::Running { .. }) {
                continue;
            }
            if let Some(app) = cluster.app_for_image(&status.image) {
                for action in &app.actions {
                    let actor = format!("system:serviceaccount:{}:{}", pod.meta.namespace, pod.spec.service_account);
                    todo.push((actor, action.clone()));
                }
            }
        }
    }
    for (actor, action) in todo {
        match action {
            AppAction::ScaleDeployment { namespace, name, replicas } => {
                let differs = cluster.deployments.get(&key(&namespace, &name)).is_some_and(|d| d.replicas != replicas);
                if differs {
                    // Refusals (a webhook down) are what the actor's own logs would show; ignore.
                    let _ = cluster.apply(Change::Scale { kind: Kind::Deployment, namespace, name, replicas }, &actor);
                }
            }
            AppAction::RestoreWebhook { name } => {
                if !cluster.webhooks.contains_key(&name)
                    && let Some(original) = cluster.webhook_originals.get(&name).cloned()
                {
                    let _ = cluster.apply(Change::Create(Object::Webhook(original)), &actor);
                }
            }
        }
    }
}
