//! What the daemon set and stateful set controllers share: the template history their rollouts
//! move through (a real cluster keeps it as `ControllerRevision`s), the pods each set owns,
//! and making a pod from a set's template.

use std::collections::HashMap;

use super::deployment::template_hash;
use crate::sim::apply::new_pod_status;
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::objects::{Meta, OwnerKind, OwnerRef, Pod, PodStatus, PodTemplate, REVISION_HASH_LABEL, SetStatus};

/// Records `template` as the set's current revision: a new template gets the next revision
/// number, a template seen before (a rollback) becomes the newest revision again.
pub fn track(status: &mut SetStatus, template: &PodTemplate) {
    if status.observed_generation == status.generation && !status.current_hash.is_empty() {
        return;
    }
    let hash = template_hash(template);
    status.observed_generation = status.generation;
    if hash == status.current_hash {
        return;
    }
    let next = status.history.iter().map(|(r, _, _)| *r).max().unwrap_or(0) + 1;
    status.history.retain(|(_, h, _)| *h != hash);
    status.history.push((next, hash.clone(), template.clone()));
    // Ten revisions are kept, as `revisionHistoryLimit` defaults to.
    if status.history.len() > 10 {
        status.history.remove(0);
    }
    status.previous_hash = std::mem::replace(&mut status.current_hash, hash);
}

/// One pod a set owns, as its controller needs it.
#[derive(Clone, Debug)]
pub struct Owned {
    pub name: String,
    pub node: Option<String>,
    pub hash: String,
    pub ready: bool,
    /// Neither finished nor being deleted.
    pub active: bool,
    pub terminating: bool,
}

/// The pods each set of `kind` owns, by (namespace, set name), in one pass over the pods.
pub fn owned_pods(cluster: &Cluster, kind: OwnerKind) -> HashMap<(String, String), Vec<Owned>> {
    let mut out: HashMap<(String, String), Vec<Owned>> = HashMap::new();
    for p in cluster.pods().values() {
        let Some(owner) = p.meta.owner.as_ref().filter(|o| o.kind == kind) else { continue };
        out.entry((p.meta.namespace.clone(), owner.name.clone())).or_default().push(Owned {
            name: p.meta.name.clone(),
            node: p.status.node.clone(),
            hash: p.meta.labels.get(REVISION_HASH_LABEL).cloned().unwrap_or_default(),
            ready: p.is_ready(),
            active: p.is_active(),
            terminating: p.status.terminating_until.is_some(),
        });
    }
    out
}

/// A pod made from `template` for `owner/name`, through admission, stored and stamped. The
/// caller sets where it runs (`place`) before it is stored.
pub fn create_pod(
    cluster: &mut Cluster,
    owner: OwnerKind,
    (ns, set): (&str, &str),
    pod_name: &str,
    template: &PodTemplate,
    place: impl FnOnce(&mut Pod),
) -> Result<(), ApiError> {
    let mut meta = Meta::new(pod_name, ns);
    meta.labels = template.labels.clone();
    meta.annotations = template.annotations.clone();
    meta.owner = Some(OwnerRef { kind: owner, name: set.to_owned() });
    let pod = Pod { meta, spec: template.spec.clone(), status: PodStatus::default() };
    let mut pod = cluster.admit_pod(pod)?;
    cluster.stamp(&mut pod.meta);
    pod.meta.created = cluster.now;
    pod.status = new_pod_status(&pod);
    place(&mut pod);
    cluster.insert_pod(pod);
    Ok(())
}
