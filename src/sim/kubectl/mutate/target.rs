//! Which objects a command line names: `TYPE NAME…`, `TYPE/NAME…`, `TYPE -l sel`, `TYPE --all`,
//! resolved against the cluster's stores with kubectl's wording when something is missing.

use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::{Args, KubectlError};
use crate::sim::objects::{Meta, Selector, WebhookKind};

/// Resource words as typed: named objects, or whole kinds (for `-l` and `--all`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resources {
    Named(Vec<(Kind, String)>),
    Kinds(Vec<Kind>),
}

pub fn unknown_type(word: &str) -> KubectlError {
    KubectlError::msg(format!("error: the server doesn't have a resource type \"{word}\""))
}

pub fn parse_kind(word: &str) -> Result<Kind, KubectlError> {
    Kind::parse(word).ok_or_else(|| unknown_type(word))
}

/// Resolves resource words. `words` must not be empty.
pub fn resolve(words: &[String]) -> Result<Resources, KubectlError> {
    let Some((first, rest)) = words.split_first() else {
        return Err(super::no_resources_error());
    };
    if first.contains('/') {
        let mut named = Vec::new();
        for w in words {
            let Some((ty, name)) = w.split_once('/') else {
                return Err(KubectlError::msg(
                    "error: arguments in resource/name form must have a single resource and name",
                ));
            };
            if name.is_empty() || name.contains('/') {
                return Err(KubectlError::msg(
                    "error: arguments in resource/name form must have a single resource and name",
                ));
            }
            named.push((parse_kind(ty)?, name.to_owned()));
        }
        return Ok(Resources::Named(named));
    }
    let kinds = first.split(',').filter(|s| !s.is_empty()).map(parse_kind).collect::<Result<Vec<_>, _>>()?;
    if kinds.is_empty() {
        return Err(unknown_type(first));
    }
    if rest.iter().any(|w| w.contains('/')) {
        return Err(KubectlError::msg(
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    if rest.is_empty() {
        return Ok(Resources::Kinds(kinds));
    }
    Ok(Resources::Named(kinds.iter().flat_map(|k| rest.iter().map(move |n| (*k, n.clone()))).collect()))
}

/// Exactly one named object, as `set`, `scale`, `rollout` and `patch` take.
pub fn resolve_one(words: &[String]) -> Result<(Kind, String), KubectlError> {
    match resolve(words)? {
        Resources::Named(mut v) if v.len() == 1 => v.pop().ok_or_else(super::no_resources_error),
        Resources::Named(_) => {
            Err(KubectlError::msg("error: only one resource may be specified at a time with this command"))
        }
        Resources::Kinds(_) => Err(no_name_error()),
    }
}

pub fn no_name_error() -> KubectlError {
    KubectlError::msg("error: resource(s) were provided, but no name was specified")
}

/// The namespace an object of `kind` lives in as the stores key it (empty if cluster-scoped).
pub fn scope(kind: Kind, namespace: &str) -> String {
    if kind.namespaced() { namespace.to_owned() } else { String::new() }
}

/// Every object of a kind (all namespaces), as metadata.
pub fn metas(cluster: &Cluster, kind: Kind) -> Vec<&Meta> {
    match kind {
        Kind::Pod => cluster.pods().values().map(|o| &o.meta).collect(),
        Kind::Deployment => cluster.deployments().values().map(|o| &o.meta).collect(),
        Kind::ReplicaSet => cluster.replicasets().values().map(|o| &o.meta).collect(),
        Kind::Service => cluster.services().values().map(|o| &o.meta).collect(),
        Kind::Endpoints => cluster.endpoints().values().map(|o| &o.meta).collect(),
        Kind::Node => cluster.nodes().values().map(|o| &o.meta).collect(),
        Kind::Namespace => cluster.namespaces().values().map(|o| &o.meta).collect(),
        Kind::ConfigMap => cluster.configmaps().values().map(|o| &o.meta).collect(),
        Kind::Secret => cluster.secrets().values().map(|o| &o.meta).collect(),
        Kind::Pvc => cluster.pvcs().values().map(|o| &o.meta).collect(),
        Kind::Pv => cluster.pvs().values().map(|o| &o.meta).collect(),
        Kind::StorageClass => cluster.storageclasses().values().map(|o| &o.meta).collect(),
        Kind::IngressClass => cluster.ingressclasses().values().map(|o| &o.meta).collect(),
        Kind::PriorityClass => cluster.priorityclasses().values().map(|o| &o.meta).collect(),
        Kind::CustomResourceDefinition => cluster.crds().values().map(|o| &o.meta).collect(),
        Kind::Ingress => cluster.ingresses().values().map(|o| &o.meta).collect(),
        Kind::NetworkPolicy => cluster.netpols().values().map(|o| &o.meta).collect(),
        Kind::Hpa => cluster.hpas().values().map(|o| &o.meta).collect(),
        Kind::ResourceQuota => cluster.quotas().values().map(|o| &o.meta).collect(),
        Kind::LimitRange => cluster.limitranges().values().map(|o| &o.meta).collect(),
        Kind::Pdb => cluster.pdbs().values().map(|o| &o.meta).collect(),
        Kind::DaemonSet => cluster.daemonsets().values().map(|o| &o.meta).collect(),
        Kind::StatefulSet => cluster.statefulsets().values().map(|o| &o.meta).collect(),
        Kind::Job => cluster.jobs().values().map(|o| &o.meta).collect(),
        Kind::CronJob => cluster.cronjobs().values().map(|o| &o.meta).collect(),
        Kind::ServiceAccount => cluster.serviceaccounts().values().map(|o| &o.meta).collect(),
        Kind::Role | Kind::ClusterRole => {
            let cluster_wide = kind == Kind::ClusterRole;
            cluster.roles().values().filter(|r| r.cluster == cluster_wide).map(|o| &o.meta).collect()
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let cluster_wide = kind == Kind::ClusterRoleBinding;
            cluster.rolebindings().values().filter(|r| r.cluster == cluster_wide).map(|o| &o.meta).collect()
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let want = if kind == Kind::ValidatingWebhook { WebhookKind::Validating } else { WebhookKind::Mutating };
            cluster.webhooks().values().filter(|w| w.kind == want).map(|o| &o.meta).collect()
        }
        // Views computed on read have no stored metadata to change.
        Kind::Event | Kind::EndpointSlice => Vec::new(),
    }
}

/// One object's metadata, if it exists (`namespace` is ignored for cluster-scoped kinds).
pub fn find<'c>(cluster: &'c Cluster, kind: Kind, namespace: &str, name: &str) -> Option<&'c Meta> {
    metas(cluster, kind).into_iter().find(|m| m.name == name && (!kind.namespaced() || m.namespace == namespace))
}

/// The object's metadata, or the API's `NotFound`.
pub fn require<'c>(cluster: &'c Cluster, kind: Kind, namespace: &str, name: &str) -> Result<&'c Meta, KubectlError> {
    find(cluster, kind, namespace, name).ok_or_else(|| ApiError::not_found(kind, name).into())
}

/// Objects of a kind in scope of the command (`-n` or `-A`), filtered by `-l` if given, sorted
/// by namespace then name.
pub fn select<'c>(cluster: &'c Cluster, kind: Kind, args: &Args) -> Result<Vec<&'c Meta>, KubectlError> {
    let selector = match args.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| KubectlError::msg(format!("error: {e}")))?),
        None => None,
    };
    let ns = args.namespace();
    let mut found: Vec<&Meta> = metas(cluster, kind)
        .into_iter()
        .filter(|m| !kind.namespaced() || args.all_namespaces() || m.namespace == ns)
        .filter(|m| selector.as_ref().is_none_or(|s| s.matches(&m.labels)))
        .collect();
    found.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(found)
}

/// The objects a command names: every named one must exist; a bare kind needs `-l` or `--all`.
pub fn objects(cluster: &Cluster, args: &Args, words: &[String]) -> Result<Vec<(Kind, Meta)>, KubectlError> {
    match resolve(words)? {
        Resources::Named(named) => named
            .into_iter()
            .map(|(kind, name)| Ok((kind, require(cluster, kind, args.namespace(), &name)?.clone())))
            .collect(),
        Resources::Kinds(kinds) => {
            if !args.switch(flag::ALL) && args.value(flag::SELECTOR).is_none() {
                return Err(no_name_error());
            }
            let mut all = Vec::new();
            for kind in kinds {
                all.extend(select(cluster, kind, args)?.into_iter().map(|m| (kind, m.clone())));
            }
            Ok(all)
        }
    }
}

/// `deployment.apps/web`, as kubectl names an object in its success lines.
pub fn slash_name(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.qualified())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_resource_form_resolves() {
        let web = Ok((Kind::Deployment, "web".to_owned()));
        assert_eq!(resolve_one(&words("deploy/web")), web);
        assert_eq!(resolve_one(&words("deployment/web")), web);
        assert_eq!(resolve_one(&words("deployments.apps/web")), web);
        assert_eq!(resolve_one(&words("deploy web")), web);
        assert_eq!(resolve(&words("pods,svc")), Ok(Resources::Kinds(vec![Kind::Pod, Kind::Service])));
        assert_eq!(
            resolve(&words("po a b")),
            Ok(Resources::Named(vec![(Kind::Pod, "a".into()), (Kind::Pod, "b".into())]))
        );
    }

    #[test]
    fn bad_resource_words_get_kubectls_errors() {
        assert_eq!(
            resolve(&words("foos/x")),
            Err(KubectlError::msg("error: the server doesn't have a resource type \"foos\""))
        );
        assert_eq!(resolve_one(&words("deploy")), Err(no_name_error()));
        assert!(resolve(&words("deploy deploy/web")).is_err());
        assert!(resolve(&words("deploy/web web")).is_err());
    }

    #[test]
    fn lookups_use_the_stores_and_scope() {
        let c = super::super::fixture::cluster();
        assert!(find(&c, Kind::Deployment, "shop", "web").is_some());
        assert!(find(&c, Kind::Deployment, "default", "web").is_none());
        assert!(find(&c, Kind::Node, "shop", "n1").is_some());
        assert_eq!(
            require(&c, Kind::Deployment, "shop", "x").err().map(|e| e.to_string()),
            Some("Error from server (NotFound): deployments.apps \"x\" not found".to_owned())
        );
    }
}
