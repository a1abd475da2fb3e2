//! The deployment controller: finds or creates the replica set for the current pod template
//! (a new revision), scales new and old replica sets within `maxSurge`/`maxUnavailable`, and
//! keeps the status and the `Available`/`Progressing`/`ReplicaFailure` conditions.

use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{
    Deployment, DeploymentCondition, Meta, OwnerKind, OwnerRef, PodTemplate, ReplicaSet, Strategy,
};

pub fn step(cluster: &mut Cluster) {
    let keys: Vec<(String, String)> = cluster.deployments().keys().cloned().collect();
    for k in keys {
        reconcile(cluster, &k);
    }
}

/// A stable hash of a pod template, spelled like `pod-template-hash` (`6d4cf56db6`).
pub fn template_hash(template: &PodTemplate) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    // The controller's own label is not part of the template's identity: a rollback copies an
    // old replica set's template, label included, and must find that same replica set again.
    let mut template = template.clone();
    template.labels.remove("pod-template-hash");
    let mut text = serde_json::to_string(&template).unwrap_or_default();
    // Pod spec fields added since hashes were first pinned count only when set, so a template
    // that does not use them keeps its hash (and its pods their names). Their defaults serialize
    // to exactly these texts; map values (labels, env) are strings and cannot spell them.
    for unset in [
        r#","restart_policy":"Always""#,
        r#","priority_class_name":null"#,
        r#","priority":null"#,
        r#","host_network":false"#,
        r#","host_pid":false"#,
        r#","host_ipc":false"#,
        r#","port_names":{}"#,
    ] {
        text = text.replace(unset, "");
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..10)
        .map(|i| {
            let idx = ((h >> (i * 6)) % ALPHABET.len() as u64) as usize;
            char::from(ALPHABET[idx])
        })
        .collect()
}

fn owned_sets(cluster: &Cluster, d: &Deployment) -> Vec<(String, String)> {
    cluster
        .replicasets()
        .values()
        .filter(|rs| {
            rs.meta.namespace == d.meta.namespace
                && rs.meta.owner.as_ref().is_some_and(|o| o.kind == OwnerKind::Deployment && o.name == d.meta.name)
        })
        .map(|rs| rs.meta.key())
        .collect()
}

pub(super) fn parse_bound(spec: &str, total: u32, round_up: bool) -> u32 {
    if let Some(pct) = spec.strip_suffix('%') {
        let pct: u32 = pct.trim().parse().unwrap_or(25);
        let scaled = u64::from(total) * u64::from(pct);
        (if round_up { scaled.div_ceil(100) } else { scaled / 100 }) as u32
    } else {
        spec.trim().parse().unwrap_or(1)
    }
}

fn reconcile(cluster: &mut Cluster, k: &(String, String)) {
    let Some(dep) = cluster.deployments_mut_status_only().get_mut(k) else { return };
    if dep.status.hashed_generation != dep.status.generation || dep.status.template_hash.is_empty() {
        dep.status.template_hash = template_hash(&dep.template);
        dep.status.hashed_generation = dep.status.generation;
    }
    let d = dep.clone();
    let sets = owned_sets(cluster, &d);
    let mut template = d.template.clone();
    let hash = d.status.template_hash.clone();
    template.labels.insert("pod-template-hash".to_owned(), hash.clone());
    let max_revision =
        sets.iter().filter_map(|s| cluster.replicasets().get(s)).map(|rs| rs.revision).max().unwrap_or(0);
    let rs_name = format!("{}-{hash}", d.meta.name);
    let new_key = key(&d.meta.namespace, &rs_name);
    if d.paused && !cluster.replicasets().contains_key(&new_key) && !sets.is_empty() {
        return;
    }
    let now = cluster.now;
    if let Some(revision) = cluster.replicasets().get(&new_key).map(|rs| rs.revision) {
        if revision != max_revision {
            // Rolling back to an old template makes its replica set the newest revision.
            if let Some(rs) = cluster.replicasets_mut_status_only().get_mut(&new_key) {
                rs.revision = max_revision + 1;
            }
            if let Some(dep) = cluster.deployments_mut_status_only().get_mut(k) {
                dep.status.last_progress = now;
            }
        }
    } else {
        let mut meta = Meta::new(rs_name.clone(), d.meta.namespace.clone());
        meta.labels = template.labels.clone();
        meta.owner = Some(OwnerRef { kind: OwnerKind::Deployment, name: d.meta.name.clone() });
        if let Some(cause) = d.meta.annotations.get("kubernetes.io/change-cause") {
            meta.annotations.insert("kubernetes.io/change-cause".to_owned(), cause.clone());
        }
        let mut selector = d.selector.clone();
        selector.insert("pod-template-hash".to_owned(), hash.clone());
        let mut rs = ReplicaSet {
            meta,
            replicas: 0,
            selector,
            template,
            revision: max_revision + 1,
            ready: 0,
            available: 0,
            current: 0,
            create_error: None,
        };
        rs.meta.age_minutes = None;
        cluster.stamp(&mut rs.meta);
        rs.meta.created = cluster.now;
        cluster.replicasets_mut().insert(new_key.clone(), rs);
        if let Some(dep) = cluster.deployments_mut_status_only().get_mut(k) {
            dep.status.last_progress = now;
        }
    }
    let revision = cluster.replicasets().get(&new_key).map_or(0, |rs| rs.revision);
    if let Some(dep) = cluster.deployments_mut_status_only().get_mut(k) {
        dep.status.revision = revision;
    }
    if d.paused {
        return;
    }
    let old: Vec<(String, String)> = sets.into_iter().filter(|s| *s != new_key).collect();
    let desired = d.replicas;
    let replicas_of = |c: &Cluster, s: &(String, String)| c.replicasets().get(s).map_or(0, |rs| rs.replicas);
    let available_of = |c: &Cluster, s: &(String, String)| c.replicasets().get(s).map_or(0, |rs| rs.available);
    let mut scale_events = Vec::new();
    match &d.strategy {
        Strategy::Recreate => {
            let old_pods: u32 = old.iter().map(|s| replicas_of(cluster, s) + current_pods(cluster, s)).sum();
            for s in &old {
                scale_to(cluster, s, 0, &mut scale_events);
            }
            if old_pods == 0 {
                scale_to(cluster, &new_key, desired, &mut scale_events);
            }
        }
        Strategy::RollingUpdate { max_surge, max_unavailable } => {
            let surge = parse_bound(max_surge, desired, true);
            let mut unavailable = parse_bound(max_unavailable, desired, false);
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            let new_replicas = replicas_of(cluster, &new_key);
            let old_total: u32 = old.iter().map(|s| replicas_of(cluster, s)).sum();
            if old_total == 0 {
                scale_to(cluster, &new_key, desired, &mut scale_events);
            } else {
                let total = new_replicas + old_total;
                let room = (desired + surge).saturating_sub(total);
                let target_new = desired.min(new_replicas + room);
                if target_new != new_replicas {
                    scale_to(cluster, &new_key, target_new, &mut scale_events);
                }
                // Scale old replica sets down: unavailable old pods go first, available ones only
                // while enough pods stay available.
                let total = target_new + old_total;
                let mut excess = total.saturating_sub(desired);
                let available: u32 =
                    available_of(cluster, &new_key) + old.iter().map(|s| available_of(cluster, s)).sum::<u32>();
                let mut can_remove_available = available.saturating_sub(desired.saturating_sub(unavailable));
                let mut ordered = old.clone();
                ordered.sort_by_key(|s| cluster.replicasets().get(s).map_or(0, |rs| rs.revision));
                for s in &ordered {
                    if excess == 0 {
                        break;
                    }
                    let r = replicas_of(cluster, s);
                    let unavailable_here = r.saturating_sub(available_of(cluster, s));
                    let remove_unavailable = unavailable_here.min(excess);
                    let remove_available =
                        (r - remove_unavailable).min(excess - remove_unavailable).min(can_remove_available);
                    let remove = remove_unavailable + remove_available;
                    if remove > 0 {
                        can_remove_available -= remove_available;
                        excess -= remove;
                        scale_to(cluster, s, r - remove, &mut scale_events);
                    }
                }
            }
        }
    }
    if !scale_events.is_empty()
        && let Some(dep) = cluster.deployments_mut_status_only().get_mut(k)
    {
        // Scaling is progress: the deadline counts from here.
        dep.status.last_progress = now;
    }
    for message in scale_events {
        cluster.record(
            &d.meta.namespace,
            "Deployment",
            &d.meta.name,
            false,
            "ScalingReplicaSet",
            &message,
            "deployment-controller",
        );
    }
}

fn current_pods(cluster: &Cluster, s: &(String, String)) -> u32 {
    cluster.replicasets().get(s).map_or(0, |rs| rs.current)
}

fn scale_to(cluster: &mut Cluster, s: &(String, String), replicas: u32, events: &mut Vec<String>) {
    // Only a real change goes through the write accessor, which tells every controller.
    if cluster.replicasets().get(s).is_none_or(|rs| rs.replicas == replicas) {
        return;
    }
    if let Some(rs) = cluster.replicasets_mut().get_mut(s) {
        let from = rs.replicas;
        rs.replicas = replicas;
        events.push(if replicas > from {
            format!("Scaled up replica set {} to {replicas} from {from}", rs.meta.name)
        } else {
            format!("Scaled down replica set {} to {replicas} from {from}", rs.meta.name)
        });
    }
}

/// Whether some rollout just ran past its progress deadline, which only time changes.
pub fn deadline_passing(cluster: &Cluster) -> bool {
    cluster.deployments().values().any(|d| {
        d.condition("Progressing").is_some_and(|c| c.reason == "ReplicaSetUpdated")
            && cluster.now - d.status.last_progress > i64::from(d.progress_deadline_seconds)
    })
}

/// Recomputes replica counts and conditions from the pods, after the kubelets ran.
pub fn update_status(cluster: &mut Cluster) {
    // Replica set counts first, from one pass over the pods.
    let mut counts: std::collections::HashMap<(&str, &str), (u32, u32)> = std::collections::HashMap::new();
    for p in cluster.pods().values().filter(|p| p.is_active()) {
        if let Some(owner) = p.meta.owner.as_ref().filter(|o| o.kind == OwnerKind::ReplicaSet) {
            let e = counts.entry((p.meta.namespace.as_str(), owner.name.as_str())).or_default();
            e.0 += 1;
            if p.is_ready() {
                e.1 += 1;
            }
        }
    }
    let per_set: Vec<(u32, u32)> = cluster
        .replicasets()
        .keys()
        .map(|k| counts.get(&(k.0.as_str(), k.1.as_str())).copied().unwrap_or_default())
        .collect();
    for (rs, (current, ready)) in cluster.replicasets_mut_status_only().values_mut().zip(per_set) {
        rs.current = current;
        rs.ready = ready;
        rs.available = ready;
    }
    update_deployments(cluster);
}

/// Recomputes each deployment's counts and conditions from its replica sets' counts as they
/// stand: all of [`update_status`] when no replica set's pods changed since it last ran.
///
/// Two passes in store order, one reading (each deployment reads only itself and its own replica
/// sets) and one writing, so no deployment or replica set is looked up by key: this runs on every
/// step the world changed, often for one batch pod.
pub fn update_deployments(cluster: &mut Cluster) {
    let now = cluster.now;
    // Written while the replica sets are read in place: the deployments are taken out of the
    // cluster for the pass and put back (status only, as through the accessor), so nothing read
    // from a set is copied.
    let mut deployments = std::mem::take(cluster.deployments_mut_status_only());
    {
        // The replica sets by the namespace and name of their owner, grouped once for the pass
        // (in store order, as a filter per deployment finds them).
        let mut sets_by_owner: std::collections::BTreeMap<(&str, &str), Vec<&ReplicaSet>> =
            std::collections::BTreeMap::new();
        for rs in cluster.replicasets().values() {
            if let Some(owner) = &rs.meta.owner {
                sets_by_owner.entry((rs.meta.namespace.as_str(), owner.name.as_str())).or_default().push(rs);
            }
        }
        for (k, d) in &mut deployments {
            // A deployment's key is its namespace and name, the owner's in its sets.
            let sets: &[&ReplicaSet] = sets_by_owner.get(&(k.0.as_str(), k.1.as_str())).map_or(&[], Vec::as_slice);
            update_deployment(d, sets, now);
        }
    }
    *cluster.deployments_mut_status_only() = deployments;
}

/// One deployment's status from its replica sets as they stand.
fn update_deployment(d: &mut Deployment, sets: &[&ReplicaSet], now: i64) {
    let newest = sets.iter().find(|rs| rs.revision == d.status.revision);
    let replicas: u32 = sets.iter().map(|rs| rs.current).sum();
    let updated = newest.map_or(0, |rs| rs.current);
    let updated_ready = newest.map_or(0, |rs| rs.available);
    let unavailable_allowed = match &d.strategy {
        Strategy::RollingUpdate { max_unavailable, .. } => parse_bound(max_unavailable, d.replicas, false),
        Strategy::Recreate => 0,
    };
    let ready = sets.iter().map(|rs| rs.ready).sum();
    let available = sets.iter().map(|rs| rs.available).sum();
    let new_name = newest.map_or("", |rs| rs.meta.name.as_str());
    let failure = sets.iter().find_map(|rs| rs.create_error.as_deref());
    let complete = updated == d.replicas && updated_ready == d.replicas && replicas == d.replicas;
    let progressed = updated_ready > d.status.updated_available || updated > d.status.updated;
    let deadline = i64::from(d.progress_deadline_seconds);
    if progressed || complete {
        d.status.last_progress = now;
    }
    d.status.replicas = replicas;
    d.status.updated = updated;
    d.status.updated_available = updated_ready;
    d.status.ready = ready;
    d.status.available = available;
    d.status.observed_generation = d.status.generation;
    let min_available = d.replicas.saturating_sub(unavailable_allowed);
    let (status, reason, message) = if available >= min_available {
        ("True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    } else {
        ("False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
    };
    set_condition(&mut d.status.conditions, "Available", status, reason, &[message], now);
    let (status, reason, message) = if d.paused {
        ("Unknown", "DeploymentPaused", ["Deployment is paused", "", ""])
    } else if complete {
        ("True", "NewReplicaSetAvailable", ["ReplicaSet \"", new_name, "\" has successfully progressed."])
    } else if now - d.status.last_progress > deadline {
        ("False", "ProgressDeadlineExceeded", ["ReplicaSet \"", new_name, "\" has timed out progressing."])
    } else {
        ("True", "ReplicaSetUpdated", ["ReplicaSet \"", new_name, "\" is progressing."])
    };
    set_condition(&mut d.status.conditions, "Progressing", status, reason, &message, now);
    match failure {
        Some(message) => {
            set_condition(&mut d.status.conditions, "ReplicaFailure", "True", "FailedCreate", &[message], now);
        }
        None => d.status.conditions.retain(|c| c.kind != "ReplicaFailure"),
    }
}

/// Sets a condition; its message is the concatenation of `message`'s parts, written into the
/// condition's own string (no message is formatted anew for every deployment at every pass).
fn set_condition(
    conditions: &mut Vec<DeploymentCondition>,
    kind: &str,
    status: &str,
    reason: &str,
    message: &[&str],
    now: i64,
) {
    match conditions.iter_mut().find(|c| c.kind == kind) {
        Some(c) => {
            if c.status != status || c.reason != reason {
                c.since = now;
            }
            status.clone_into(&mut c.status);
            reason.clone_into(&mut c.reason);
            c.message.clear();
            for part in message {
                c.message.push_str(part);
            }
        }
        None => conditions.push(DeploymentCondition {
            kind: kind.to_owned(),
            status: status.to_owned(),
            reason: reason.to_owned(),
            message: message.concat(),
            since: now,
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;
    use crate::sim::controllers::test_support::{
        apply, cluster_with, deployment, get_deployment, messages, node, web_app,
    };
    use crate::sim::objects::{Pod, Strategy};

    /// A deployment `web` of `replicas` pods running `web:v1`, settled for a minute.
    fn web(replicas: u32, strategy: Strategy) -> Cluster {
        let mut d = deployment("default", "web", "web:v1", replicas);
        d.strategy = strategy;
        let apps = [("web:v1", web_app()), ("web:v2", web_app())];
        let mut c = cluster_with(vec![node("node-1")], &apps, vec![Object::Deployment(d)]);
        c.advance_seconds(60);
        c
    }

    fn set_image(c: &mut Cluster, image: &str) {
        apply(
            c,
            Change::SetImage {
                namespace: "default".to_owned(),
                deployment: "web".to_owned(),
                container: None,
                image: image.to_owned(),
                kind: crate::sim::kind::Kind::Deployment,
            },
        );
    }

    /// The replica sets of `web` as (revision, name, replicas), oldest revision first.
    fn sets(c: &Cluster) -> Vec<(u32, String, u32)> {
        let mut v: Vec<_> =
            c.replicasets().values().map(|rs| (rs.revision, rs.meta.name.clone(), rs.replicas)).collect();
        v.sort();
        v
    }

    fn hash_of(pod: &Pod) -> &str {
        pod.meta.labels.get("pod-template-hash").map_or("", String::as_str)
    }

    fn active(c: &Cluster) -> Vec<&Pod> {
        c.pods().values().filter(|p| p.is_active()).collect()
    }

    fn ready(c: &Cluster) -> usize {
        c.pods().values().filter(|p| p.is_ready()).count()
    }

    #[test]
    fn rolling_update_respects_max_surge_and_max_unavailable() {
        let mut c = web(4, Strategy::default());
        assert_eq!(get_deployment(&c, "default", "web").status.available, 4);
        let old = sets(&c)[0].1.clone();
        set_image(&mut c, "web:v2");
        for _ in 0..30 {
            c.step();
            let (pods, available) = (active(&c).len(), ready(&c));
            assert!(pods <= 5, "t={}: {pods} pods exceed 4 + maxSurge 1", c.now);
            assert!(available >= 3, "t={}: only {available} available, below 4 - maxUnavailable 1", c.now);
        }
        let new = sets(&c)[1].1.clone();
        assert_eq!(sets(&c), vec![(1, old.clone(), 0), (2, new.clone(), 4)]);
        let d = get_deployment(&c, "default", "web");
        assert_eq!((d.status.replicas, d.status.updated, d.status.ready, d.status.available), (4, 4, 4, 4));
        let progressing = d.condition("Progressing").expect("Progressing condition");
        assert_eq!(progressing.reason, "NewReplicaSetAvailable");
        assert_eq!(progressing.message, format!("ReplicaSet \"{new}\" has successfully progressed."));
        assert!(active(&c).iter().all(|p| format!("web-{}", hash_of(p)) == new));
        assert_eq!(
            messages(&c, "Deployment", "web", "ScalingReplicaSet"),
            vec![
                format!("Scaled up replica set {old} to 4 from 0"),
                format!("Scaled up replica set {new} to 1 from 0"),
                format!("Scaled down replica set {old} to 3 from 4"),
                format!("Scaled up replica set {new} to 2 from 1"),
                format!("Scaled down replica set {old} to 2 from 3"),
                format!("Scaled up replica set {new} to 3 from 2"),
                format!("Scaled down replica set {old} to 1 from 2"),
                format!("Scaled up replica set {new} to 4 from 3"),
                format!("Scaled down replica set {old} to 0 from 1"),
            ]
        );
    }

    #[test]
    fn bad_image_rollout_stalls_with_old_pods_serving_then_exceeds_its_deadline() {
        let mut c = web(4, Strategy::default());
        let old = sets(&c)[0].1.clone();
        set_image(&mut c, "web:v9");
        c.advance_seconds(540);
        // The new set surges to 2 (4 + maxSurge 1 with one old pod gone), the old keeps 3 (4 -
        // maxUnavailable 1): neither may move while the new pods never become available.
        let new = sets(&c)[1].1.clone();
        assert_eq!(sets(&c), vec![(1, old.clone(), 3), (2, new.clone(), 2)]);
        let serving: Vec<&Pod> = c.pods().values().filter(|p| p.is_ready()).collect();
        assert_eq!(serving.len(), 3);
        assert!(serving.iter().all(|p| format!("web-{}", hash_of(p)) == old));
        let d = get_deployment(&c, "default", "web");
        assert_eq!((d.status.replicas, d.status.updated, d.status.available), (5, 2, 3));
        let progressing = d.condition("Progressing").expect("Progressing condition");
        assert_eq!(
            (progressing.status.as_str(), progressing.reason.as_str(), progressing.message.clone()),
            ("True", "ReplicaSetUpdated", format!("ReplicaSet \"{new}\" is progressing."))
        );
        // The rollout's last progress was at t=70; the deadline is 600 s and checked each minute.
        c.advance_seconds(120);
        let d = get_deployment(&c, "default", "web");
        let progressing = d.condition("Progressing").expect("Progressing condition");
        assert_eq!(
            (progressing.status.as_str(), progressing.reason.as_str(), progressing.message.clone()),
            ("False", "ProgressDeadlineExceeded", format!("ReplicaSet \"{new}\" has timed out progressing."))
        );
        assert_eq!(d.condition("Available").map(|a| a.status.as_str()), Some("True"));
        assert_eq!(sets(&c), vec![(1, old, 3), (2, new, 2)]);
    }

    #[test]
    fn rollout_undo_makes_the_old_replica_set_the_newest_revision() {
        let mut c = web(4, Strategy::default());
        let old = sets(&c)[0].1.clone();
        set_image(&mut c, "web:v9");
        c.advance_seconds(60);
        let bad = sets(&c)[1].1.clone();
        apply(
            &mut c,
            Change::RolloutUndo { namespace: "default".to_owned(), deployment: "web".to_owned(), to_revision: None },
        );
        c.advance_seconds(60);
        assert_eq!(sets(&c), vec![(2, bad, 0), (3, old.clone(), 4)]);
        let d = get_deployment(&c, "default", "web");
        assert_eq!((d.status.revision, d.status.updated, d.status.available), (3, 4, 4));
        assert_eq!(d.template.spec.containers[0].image, "web:v1");
        assert_eq!(active(&c).len(), 4);
        assert!(active(&c).iter().all(|p| format!("web-{}", hash_of(p)) == old && p.is_ready()));
    }

    #[test]
    fn recreate_scales_the_old_replica_set_to_zero_before_new_pods_start() {
        let mut c = web(2, Strategy::Recreate);
        let old = sets(&c)[0].1.clone();
        set_image(&mut c, "web:v2");
        c.step();
        let new = sets(&c)[1].1.clone();
        assert_eq!(sets(&c), vec![(1, old.clone(), 0), (2, new.clone(), 0)]);
        assert!(c.pods().values().all(|p| format!("web-{}", hash_of(p)) == old && !p.is_active()));
        for _ in 0..6 {
            c.step();
            let old_left = c.pods().values().any(|p| format!("web-{}", hash_of(p)) == old);
            let new_started = c.pods().values().any(|p| format!("web-{}", hash_of(p)) == new);
            assert!(!(old_left && new_started), "t={}: old and new pods side by side", c.now);
        }
        assert_eq!(sets(&c), vec![(1, old.clone(), 0), (2, new.clone(), 2)]);
        assert_eq!(ready(&c), 2);
        assert_eq!(
            messages(&c, "Deployment", "web", "ScalingReplicaSet"),
            vec![
                format!("Scaled up replica set {old} to 2 from 0"),
                format!("Scaled down replica set {old} to 0 from 2"),
                format!("Scaled up replica set {new} to 2 from 0"),
            ]
        );
    }
}
