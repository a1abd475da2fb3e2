//! `kubectl rollout history`: the revisions of a deployment from its replica sets, and one
//! revision's pod template with `--revision=N`.

use std::fmt::Write as _;

use super::{deployment, group_kind, owned};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::describe::tabwriter;
use crate::sim::kubectl::flag;
use crate::sim::kubectl::mutate::target::slash_name;
use crate::sim::kubectl::{Args, Done, KubectlError};
use crate::sim::objects::{Deployment, ReplicaSet};

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

pub fn run(cluster: &Cluster, args: &Args) -> Result<Done, KubectlError> {
    let revision = args.number::<i64>(flag::REVISION)?.unwrap_or(0);
    if revision == 0
        && let Some((kind, name)) = super::set_target(args)?
    {
        return Done::read(super::sets::history(cluster, kind, args.namespace(), &name)?);
    }
    let d = deployment(cluster, args, |k, _| {
        format!("error: no history viewer has been implemented for \"{}\"", group_kind(k))
    })?
    .clone();
    if revision == 0 {
        return Done::read(table(cluster, &d));
    }
    let Some(rs) = owned(cluster, &d).into_iter().find(|rs| i64::from(rs.revision) == revision).cloned() else {
        return Err(KubectlError::msg("error: unable to find the specified revision"));
    };
    let template = pod_template(cluster, &rs);
    Done::read(format!("{} with revision #{revision}\n{template}", slash_name(Kind::Deployment, &d.meta.name)))
}

/// The revision list, as kubectl prints it through a tabwriter with two spaces of padding.
pub fn table(cluster: &Cluster, d: &Deployment) -> String {
    let revisions: Vec<&ReplicaSet> = owned(cluster, d).into_iter().filter(|rs| rs.revision > 0).collect();
    let title = slash_name(Kind::Deployment, &d.meta.name);
    if revisions.is_empty() {
        return format!("{title}\nNo rollout history found.");
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE");
    for rs in revisions {
        let cause = rs.meta.annotations.get(CHANGE_CAUSE).map_or("<none>", String::as_str);
        let _ = write!(text, "\n{}\t{cause}", rs.revision);
    }
    format!("{title}\n{}", tabwriter::align(&text, 0, 2))
}

/// The `Pod Template:` section of a replica set, exactly as `describe` prints it (kubectl's
/// history viewer runs the same `DescribePodTemplate` through its own tabwriter, and the
/// section's alignment depends only on its own lines).
pub fn pod_template(cluster: &Cluster, rs: &ReplicaSet) -> String {
    let words: Vec<String> = ["rs", rs.meta.name.as_str(), "-n", rs.meta.namespace.as_str(), "--show-events=false"]
        .map(str::to_owned)
        .to_vec();
    if let Ok(done) = crate::sim::kubectl::describe::run(cluster, &words) {
        let section: Vec<&str> = done
            .output
            .lines()
            .skip_while(|l| *l != "Pod Template:")
            .enumerate()
            .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
            .map(|(_, l)| l)
            .collect();
        if !section.is_empty() {
            return section.join("\n");
        }
    }
    fallback_template(rs)
}

/// A plain rendering for when `describe` has nothing to offer.
fn fallback_template(rs: &ReplicaSet) -> String {
    let t = &rs.template;
    let mut text = String::from("Pod Template:\n");
    let labels: Vec<String> = t.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let labels = if labels.is_empty() { "<none>".to_owned() } else { labels.join("\n\t") };
    let _ = writeln!(text, "  Labels:\t{labels}");
    text.push_str("  Containers:\n");
    for c in &t.spec.containers {
        let _ = write!(text, "   {}:\n    Image:\t{}\n", c.name, c.image);
    }
    tabwriter::align(text.trim_end(), 0, 2)
}
