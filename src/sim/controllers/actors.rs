//! Rogue in-cluster actors: running apps whose profile makes them change the cluster, like a
//! "cleanup" job that keeps scaling a deployment to zero or a controller that restores a webhook.

use crate::sim::apps::AppAction;
use crate::sim::change::{Change, Object};
use crate::sim::cluster::{Cluster, key};
use crate::sim::kind::Kind;
use crate::sim::objects::ContainerState;

pub fn step(cluster: &mut Cluster) {
    if cluster.apps().values().all(|a| a.actions.is_empty()) {
        return;
    }
    let mut todo = Vec::new();
    for pod in cluster.pods().values().filter(|p| p.is_active()) {
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
                let differs =
                    cluster.deployments().get(&key(&namespace, &name)).is_some_and(|d| d.replicas != replicas);
                if differs {
                    // Refusals (a webhook down) are what the actor's own logs would show; ignore.
                    let _ = cluster.apply(Change::Scale { kind: Kind::Deployment, namespace, name, replicas }, &actor);
                }
            }
            AppAction::RestoreWebhook { name } => {
                if !cluster.webhooks().contains_key(&name)
                    && let Some(original) = cluster.webhook_originals().get(&name).cloned()
                {
                    let _ = cluster.apply(Change::Create(Object::Webhook(original)), &actor);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::apps::{AppAction, AppProfile};
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{
        apply, cluster_with, container, deployment, get_deployment, node, pod, pod_spec, web_app,
    };
    use crate::sim::kind::Kind;
    use crate::sim::objects::{FailurePolicy, Meta, Webhook, WebhookConfiguration, WebhookKind};

    const ACTOR: &str = "system:serviceaccount:default:default";

    /// A cluster with deployment `web` (3 replicas) and a bare pod `rogue` whose app does `action`.
    fn with_actor(action: AppAction, extra: Vec<Object>) -> Cluster {
        let rogue = AppProfile { port: None, actions: vec![action], ..AppProfile::default() };
        let mut objects = extra;
        objects.push(Object::Deployment(deployment("default", "web", "web:v1", 3)));
        objects.push(Object::Pod(pod("default", "rogue", pod_spec(vec![container("rogue", "rogue:v1")]))));
        cluster_with(vec![node("node-1")], &[("web:v1", web_app()), ("rogue:v1", rogue)], objects)
    }

    fn scale_web(c: &mut Cluster, replicas: u32) {
        let (namespace, name) = ("default".to_owned(), "web".to_owned());
        apply(c, Change::Scale { kind: Kind::Deployment, namespace, name, replicas });
    }

    fn by_actor(c: &Cluster) -> Vec<(i64, String)> {
        c.audit.iter().filter(|a| a.1 == ACTOR).map(|a| (a.0, a.2.clone())).collect()
    }

    #[test]
    fn a_running_app_keeps_a_deployment_at_its_count() {
        let action =
            AppAction::ScaleDeployment { namespace: "default".to_owned(), name: "web".to_owned(), replicas: 1 };
        let mut c = with_actor(action, Vec::new());
        // The rogue container starts at 10 and acts from the next step.
        c.step();
        assert_eq!(get_deployment(&c, "default", "web").replicas, 3);
        c.step();
        assert_eq!(get_deployment(&c, "default", "web").replicas, 1);
        assert_eq!(by_actor(&c), [(20, "scale deployment/web -n default to 1".to_owned())]);
        scale_web(&mut c, 3);
        c.step();
        assert_eq!(get_deployment(&c, "default", "web").replicas, 1);
        c.advance_seconds(30);
        assert_eq!(c.pods().values().filter(|p| p.is_active() && p.meta.name.starts_with("web-")).count(), 1);
        assert_eq!(by_actor(&c).len(), 2);
        // With the rogue pod gone, a scale sticks.
        let (namespace, name) = ("default".to_owned(), "rogue".to_owned());
        apply(&mut c, Change::Delete { kind: Kind::Pod, namespace, name, force: false });
        scale_web(&mut c, 3);
        c.advance_seconds(60);
        assert_eq!(get_deployment(&c, "default", "web").replicas, 3);
        assert_eq!(get_deployment(&c, "default", "web").status.available, 3);
        assert_eq!(by_actor(&c).len(), 2);
    }

    #[test]
    fn a_running_app_restores_a_deleted_webhook() {
        let webhook = WebhookConfiguration {
            meta: Meta::new("policy", ""),
            kind: WebhookKind::Validating,
            webhooks: vec![Webhook {
                name: "validate.policy.example.com".to_owned(),
                service: "default/policy".to_owned(),
                port: 443,
                failure_policy: FailurePolicy::Ignore,
                resources: vec!["pods".to_owned()],
                namespaces: Vec::new(),
                mutation: None,
            }],
        };
        let action = AppAction::RestoreWebhook { name: "policy".to_owned() };
        let mut c = with_actor(action, vec![Object::Webhook(webhook.clone())]);
        c.advance_seconds(30);
        assert!(by_actor(&c).is_empty());
        let name = "policy".to_owned();
        apply(&mut c, Change::Delete { kind: Kind::ValidatingWebhook, namespace: String::new(), name, force: false });
        assert!(c.webhooks().is_empty());
        c.step();
        let restored = c.webhooks().get("policy").expect("webhook restored");
        assert_eq!((restored.kind, &restored.webhooks), (webhook.kind, &webhook.webhooks));
        assert_eq!(restored.meta.created, 40);
        assert_eq!(by_actor(&c).len(), 1);
        assert!(
            by_actor(&c)[0].1.starts_with("create ") && by_actor(&c)[0].1.contains("/policy"),
            "{:?}",
            by_actor(&c)
        );
    }
}
