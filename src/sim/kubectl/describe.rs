//! `kubectl describe` for every kind the simulation knows, and `kubectl events`. Each describer
//! writes kubectl's lines with tab-separated cells; [`tabwriter`] then aligns them exactly as
//! kubectl's Go tabwriter does, so section alignment quirks match the real thing.

mod batch;
mod classes;
pub(crate) mod clock;
mod config;
mod generic;
mod network;
mod node;
mod pod;
mod policy;
mod sets;
pub(crate) mod tabwriter;
mod workload;

use std::fmt::Write as _;

use super::args::{Args, FlagSpec};
use super::{Done, KubectlError, table};
use crate::sim::cluster::{Cluster, Event};
use crate::sim::kind::Kind;
use crate::sim::kubectl::flag;
use crate::sim::objects::{Labels, Selector};
use crate::sim::quantity::{Mebibytes, Millicores};

pub(super) const FLAGS: &[FlagSpec] = &[flag::SELECTOR, flag::SHOW_EVENTS, flag::CHUNK_SIZE];

/// Accumulates describe lines (cells separated by `\t`) at kubectl's indent levels.
#[derive(Default)]
pub(crate) struct W {
    buf: String,
}

impl W {
    /// Writes one line at `level` (two spaces per level), like kubectl's `PrefixWriter`.
    pub fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        self.buf.push_str(text);
        self.buf.push('\n');
    }

    /// `Title:\tk=v` then one `\tk=v` line per further label, or `<none>`.
    pub fn labels(&mut self, title: &str, labels: &Labels) {
        self.multiline(title, labels.iter().map(|(k, v)| format!("{k}={v}")));
    }

    /// `Title:\tk: v` per annotation.
    pub fn annotations(&mut self, title: &str, annotations: &Labels) {
        self.multiline(title, annotations.iter().map(|(k, v)| format!("{k}: {v}")));
    }

    /// `Title:\tfirst`, then `\tnext` lines; `<none>` when empty.
    pub fn multiline(&mut self, title: &str, items: impl IntoIterator<Item = String>) {
        let mut any = false;
        for (i, item) in items.into_iter().enumerate() {
            any = true;
            if i == 0 {
                self.line(0, &format!("{title}:\t{item}"));
            } else {
                self.line(0, &format!("\t{item}"));
            }
        }
        if !any {
            self.line(0, &format!("{title}:\t<none>"));
        }
    }

    /// The `Events:` section, as `DescribeEvents` prints it.
    pub fn events(&mut self, now: i64, events: &[&Event]) {
        if events.is_empty() {
            self.line(0, "Events:\t<none>");
            return;
        }
        let mut sorted: Vec<&Event> = events.to_vec();
        sorted.sort_by_key(|e| (e.last, e.first));
        self.line(0, "Events:");
        self.line(1, "Type\tReason\tAge\tFrom\tMessage");
        self.line(1, "----\t------\t----\t----\t-------");
        for e in sorted {
            self.line(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}",
                    if e.warning { "Warning" } else { "Normal" },
                    e.reason,
                    event_age(now, e),
                    e.source,
                    e.message.trim()
                ),
            );
        }
    }

    pub fn finish(self) -> String {
        tabwriter::align(self.buf.trim_end_matches('\n'), 0, 2)
    }
}

/// `45s`, or `2m (x5 over 4m)` for a repeated event.
pub(crate) fn event_age(now: i64, e: &Event) -> String {
    if e.count > 1 {
        format!("{} (x{} over {})", table::age(now - e.last), e.count, table::age(now - e.first))
    } else {
        table::age(now - e.first)
    }
}

/// CPU as a quantity string (`0`, `250m`, `2`).
pub(crate) fn cpu(q: Millicores) -> String {
    q.to_string()
}

/// Memory as a quantity string (`0`, `128Mi`, `1Gi`).
pub(crate) fn mem(q: Mebibytes) -> String {
    if q.0 == 0 { "0".to_owned() } else { q.to_string() }
}

/// `a=b,c=d`, or `<none>`.
pub(crate) fn selector_text(labels: &Labels) -> String {
    if labels.is_empty() {
        return "<none>".to_owned();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// A deterministic lowercase hex id derived from `seed` (container ids, machine ids, exec ids).
pub(crate) fn hex_id(seed: &str, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    while out.len() < len {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 29;
        let _ = write!(out, "{h:016x}");
    }
    out.truncate(len);
    out
}

/// One object to describe.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    kind: Kind,
    namespace: String,
    name: String,
}

/// Every object of a kind as (namespace, name, labels); cluster-scoped kinds use `""`.
/// `slices` are the `EndpointSlices`, computed once by the caller since they are views.
fn list<'a>(
    cluster: &'a Cluster,
    slices: &'a [crate::sim::endpoint_slice::Slice<'a>],
    kind: Kind,
) -> Vec<(&'a str, &'a str, &'a Labels)> {
    macro_rules! rows {
        ($store:expr) => {
            $store.values().map(|o| (o.meta.namespace.as_str(), o.meta.name.as_str(), &o.meta.labels)).collect()
        };
        ($store:expr, cluster) => {
            $store.values().map(|o| ("", o.meta.name.as_str(), &o.meta.labels)).collect()
        };
    }
    match kind {
        Kind::Pod => rows!(cluster.pods()),
        Kind::Deployment => rows!(cluster.deployments()),
        Kind::ReplicaSet => rows!(cluster.replicasets()),
        Kind::Service => rows!(cluster.services()),
        Kind::Endpoints => rows!(cluster.endpoints()),
        Kind::EndpointSlice => {
            slices.iter().map(|s| (s.meta.namespace.as_str(), s.meta.name.as_str(), &s.meta.labels)).collect()
        }
        Kind::Node => rows!(cluster.nodes(), cluster),
        Kind::Namespace => rows!(cluster.namespaces(), cluster),
        Kind::ConfigMap => rows!(cluster.configmaps()),
        Kind::Secret => rows!(cluster.secrets()),
        Kind::Pvc => rows!(cluster.pvcs()),
        Kind::Pv => rows!(cluster.pvs(), cluster),
        Kind::StorageClass => rows!(cluster.storageclasses(), cluster),
        Kind::IngressClass => rows!(cluster.ingressclasses(), cluster),
        Kind::PriorityClass => rows!(cluster.priorityclasses(), cluster),
        Kind::CustomResourceDefinition => rows!(cluster.crds(), cluster),
        Kind::Ingress => rows!(cluster.ingresses()),
        Kind::NetworkPolicy => rows!(cluster.netpols()),
        Kind::Hpa => rows!(cluster.hpas()),
        Kind::ResourceQuota => rows!(cluster.quotas()),
        Kind::LimitRange => rows!(cluster.limitranges()),
        Kind::Pdb => rows!(cluster.pdbs()),
        Kind::DaemonSet => rows!(cluster.daemonsets()),
        Kind::StatefulSet => rows!(cluster.statefulsets()),
        Kind::Job => rows!(cluster.jobs()),
        Kind::CronJob => rows!(cluster.cronjobs()),
        Kind::ServiceAccount => rows!(cluster.serviceaccounts()),
        Kind::Role | Kind::ClusterRole => {
            let want = kind == Kind::ClusterRole;
            cluster
                .roles()
                .values()
                .filter(|r| r.cluster == want)
                .map(|r| (if want { "" } else { r.meta.namespace.as_str() }, r.meta.name.as_str(), &r.meta.labels))
                .collect()
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            let want = kind == Kind::ClusterRoleBinding;
            cluster
                .rolebindings()
                .values()
                .filter(|r| r.cluster == want)
                .map(|r| (if want { "" } else { r.meta.namespace.as_str() }, r.meta.name.as_str(), &r.meta.labels))
                .collect()
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => {
            let want = if kind == Kind::ValidatingWebhook {
                crate::sim::objects::WebhookKind::Validating
            } else {
                crate::sim::objects::WebhookKind::Mutating
            };
            cluster
                .webhooks()
                .values()
                .filter(|w| w.kind == want)
                .map(|w| ("", w.meta.name.as_str(), &w.meta.labels))
                .collect()
        }
        Kind::Event => Vec::new(),
    }
}

fn parse_kind(text: &str) -> Result<Kind, KubectlError> {
    Kind::parse(text)
        .ok_or_else(|| KubectlError::msg(format!("error: the server doesn't have a resource type \"{text}\"")))
}

/// Runs `kubectl describe`.
pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    let selector = match args.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| KubectlError::msg(format!("error: {e}")))?),
        None => None,
    };
    let show_events = args.value(flag::SHOW_EVENTS) != Some("false");
    let all_ns = args.all_namespaces();
    let ns = args.namespace().to_owned();
    let Some(first) = args.positional.first() else {
        return Err(KubectlError::msg(
            "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.",
        ));
    };
    if let Some(done) = custom_resource(cluster, &args.positional, &ns, all_ns) {
        return done;
    }
    // (kind, name or None for "all")
    let mut requests: Vec<(Kind, Option<String>)> = Vec::new();
    if first.contains('/') {
        for p in &args.positional {
            let Some((t, n)) = p.split_once('/') else {
                return Err(KubectlError::msg(format!(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl describe resource/<resource_name>' instead of 'kubectl describe resource resource/<resource_name>'\n(hint: {p})"
                )));
            };
            requests.push((parse_kind(t)?, Some(n.to_owned())));
        }
    } else {
        let kinds = first.split(',').map(parse_kind).collect::<Result<Vec<_>, _>>()?;
        for kind in kinds {
            if args.positional.len() == 1 {
                requests.push((kind, None));
            } else {
                for n in &args.positional[1..] {
                    requests.push((kind, Some(n.clone())));
                }
            }
        }
    }
    if all_ns && requests.iter().any(|r| r.1.is_some()) {
        return Err(KubectlError::msg("error: a resource cannot be retrieved by name across all namespaces"));
    }
    let mut outputs: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut any_all = false;
    let slices = crate::sim::endpoint_slice::all(cluster);
    for (kind, name) in requests {
        let in_scope = |o_ns: &str| !kind.namespaced() || all_ns || o_ns == ns;
        let objects: Vec<(&str, &str, &Labels)> = list(cluster, &slices, kind)
            .into_iter()
            .filter(|(o_ns, _, labels)| in_scope(o_ns) && selector.as_ref().is_none_or(|s| s.matches(labels)))
            .collect();
        let mut targets: Vec<Target> = Vec::new();
        let to_target = |(o_ns, o_name, _): &(&str, &str, &Labels)| Target {
            kind,
            namespace: (*o_ns).to_owned(),
            name: (*o_name).to_owned(),
        };
        match &name {
            None => {
                any_all = true;
                targets.extend(objects.iter().map(to_target));
            }
            Some(n) => {
                let exact: Vec<Target> = objects.iter().filter(|o| o.1 == n).map(to_target).collect();
                if exact.is_empty() {
                    targets.extend(objects.iter().filter(|o| o.1.starts_with(n.as_str())).map(to_target));
                } else {
                    targets.extend(exact);
                }
                if targets.is_empty() {
                    errors.push(format!("Error from server (NotFound): {} \"{n}\" not found", kind.qualified_plural()));
                }
            }
        }
        for t in targets {
            outputs.push(describe_one(cluster, &t, show_events));
        }
    }
    if outputs.is_empty() && errors.is_empty() && any_all {
        return Done::read(if all_ns {
            "No resources found".to_owned()
        } else {
            format!("No resources found in {ns} namespace.")
        });
    }
    if outputs.is_empty() {
        return Err(KubectlError::msg(errors.join("\n")));
    }
    let mut text = outputs.join("\n\n\n");
    for e in errors {
        let _ = write!(text, "\n{e}");
    }
    Done::read(text)
}

/// `describe` of a resource a custom resource definition serves (`crontabs`, `ct/x`): no custom
/// objects are stored, so it answers as kubectl does for an empty list or a missing name. `None`
/// when the type words name a built-in kind (or nothing), left to the usual path.
fn custom_resource(
    cluster: &Cluster,
    positional: &[String],
    ns: &str,
    all_ns: bool,
) -> Option<Result<Done, KubectlError>> {
    let crd_of = |t: &str| {
        if Kind::parse(t).is_some() {
            return None;
        }
        cluster.crds().values().find(|c| c.answers_to(t))
    };
    let first = positional.first()?;
    let mut missing: Vec<String> = Vec::new();
    if first.contains('/') {
        for p in positional {
            let (t, n) = p.split_once('/')?;
            let crd = crd_of(t)?;
            missing.push(format!("Error from server (NotFound): {} \"{n}\" not found", crd.qualified_plural()));
        }
    } else {
        let crd = crd_of(first)?;
        if positional.len() == 1 {
            return Some(Done::read(if all_ns || !crd.namespaced() {
                "No resources found".to_owned()
            } else {
                format!("No resources found in {ns} namespace.")
            }));
        }
        for n in &positional[1..] {
            missing.push(format!("Error from server (NotFound): {} \"{n}\" not found", crd.qualified_plural()));
        }
    }
    Some(Err(KubectlError::msg(missing.join("\n"))))
}

/// Events about one object, by the `Kind` the API spells (`Pod`, `Node`, …).
pub(crate) fn events_about<'a>(cluster: &'a Cluster, namespace: &str, kind: &str, name: &str) -> Vec<&'a Event> {
    if namespace.is_empty() {
        // Cluster-scoped objects: the recorder files them under `default` or no namespace.
        cluster.events.iter().filter(|e| e.kind == kind && e.name == name).collect()
    } else {
        cluster.events_for(namespace, kind, name)
    }
}

fn describe_one(cluster: &Cluster, t: &Target, show_events: bool) -> String {
    let mut w = W::default();
    let (ns, name) = (t.namespace.as_str(), t.name.as_str());
    match t.kind {
        Kind::Pod => pod::describe(cluster, ns, name, &mut w),
        Kind::Deployment => workload::deployment(cluster, ns, name, &mut w),
        Kind::ReplicaSet => workload::replicaset(cluster, ns, name, &mut w),
        Kind::Service => network::service(cluster, ns, name, &mut w),
        Kind::Endpoints => network::endpoints(cluster, ns, name, &mut w),
        Kind::EndpointSlice => network::endpoint_slice(cluster, ns, name, &mut w),
        Kind::Ingress => network::ingress(cluster, ns, name, &mut w),
        Kind::NetworkPolicy => network::netpol(cluster, ns, name, &mut w),
        Kind::Node => node::describe(cluster, name, &mut w),
        Kind::Namespace => config::namespace(cluster, name, &mut w),
        Kind::ConfigMap => config::configmap(cluster, ns, name, &mut w),
        Kind::Secret => config::secret(cluster, ns, name, &mut w),
        Kind::Pvc => config::pvc(cluster, ns, name, &mut w),
        Kind::Pv => config::pv(cluster, name, &mut w),
        Kind::StorageClass => config::storageclass(cluster, name, &mut w),
        Kind::IngressClass => classes::ingress_class(cluster, name, &mut w),
        Kind::PriorityClass => classes::priority_class(cluster, name, &mut w),
        Kind::CustomResourceDefinition => generic::describe(cluster, t.kind, ns, name, &mut w),
        Kind::ServiceAccount => config::serviceaccount(cluster, ns, name, &mut w),
        Kind::ResourceQuota => config::quota(cluster, ns, name, &mut w),
        Kind::LimitRange => config::limitrange(cluster, ns, name, &mut w),
        Kind::Hpa => policy::hpa(cluster, ns, name, &mut w),
        Kind::Pdb => policy::pdb(cluster, ns, name, &mut w),
        Kind::DaemonSet => sets::daemonset(cluster, ns, name, &mut w),
        Kind::StatefulSet => sets::statefulset(cluster, ns, name, &mut w),
        Kind::Job => batch::job(cluster, ns, name, &mut w),
        Kind::CronJob => batch::cronjob(cluster, ns, name, &mut w),
        Kind::Role | Kind::ClusterRole => policy::role(cluster, t.kind, ns, name, &mut w),
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            policy::rolebinding(cluster, t.kind, ns, name, &mut w);
        }
        Kind::ValidatingWebhook | Kind::MutatingWebhook => policy::webhook(cluster, name, &mut w),
        Kind::Event => {}
    }
    if show_events
        && !matches!(
            t.kind,
            Kind::Secret
                | Kind::NetworkPolicy
                | Kind::Role
                | Kind::ClusterRole
                | Kind::RoleBinding
                | Kind::ClusterRoleBinding
                | Kind::LimitRange
                | Kind::ResourceQuota
                | Kind::Namespace
        )
    {
        let events = events_about(cluster, ns, t.kind.api_kind(), name);
        w.events(cluster.now, &events);
    }
    w.finish()
}

pub(super) const EVENT_FLAGS: &[FlagSpec] = &[flag::FOR, flag::TYPES, flag::WATCH, flag::NO_HEADERS, flag::OUTPUT];

/// Runs `kubectl events`.
pub fn events(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, EVENT_FLAGS)?;
    if args.switch(flag::WATCH) {
        return Err(KubectlError::msg(
            "error: --watch is not supported in this console; run events again to see new ones",
        ));
    }
    let output = args.value(flag::OUTPUT);
    if let Some(o) = output.filter(|o| !["json", "yaml"].contains(o)) {
        return Err(KubectlError::msg(format!(
            "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: json,yaml"
        )));
    }
    if let Some(p) = args.positional.first() {
        return Err(KubectlError::msg(format!("error: unknown command \"{p}\" for \"kubectl events\"")));
    }
    let all_ns = args.all_namespaces();
    let ns = args.namespace();
    let target = match args.value(flag::FOR) {
        None => None,
        Some(f) => {
            let Some((t, n)) = f.split_once('/') else {
                return Err(KubectlError::msg(format!("error: --for must be in resource/name form, got \"{f}\"")));
            };
            Some((parse_kind(t)?.api_kind(), n.to_owned()))
        }
    };
    let mut types: Vec<bool> = Vec::new();
    if let Some(ts) = args.value(flag::TYPES) {
        for t in ts.split(',') {
            match t.trim().to_ascii_lowercase().as_str() {
                "warning" => types.push(true),
                "normal" => types.push(false),
                _ => {
                    return Err(KubectlError::msg(format!("error: valid --types are Normal or Warning, got \"{t}\"")));
                }
            }
        }
    }
    let keep = |e: &Event| {
        let e_ns = if e.namespace.is_empty() { "default" } else { e.namespace.as_str() };
        (all_ns || e_ns == ns)
            && target.as_ref().is_none_or(|(k, n)| e.kind == *k && e.name == *n)
            && (types.is_empty() || types.contains(&e.warning))
    };
    if let Some(format) = output {
        return Done::read(event_list(cluster, format, keep));
    }
    let mut selected: Vec<&Event> = cluster.events.iter().filter(|e| keep(e)).collect();
    if selected.is_empty() {
        return Done::read(if all_ns {
            "No events found.".to_owned()
        } else {
            format!("No events found in {ns} namespace.")
        });
    }
    selected.sort_by_key(|e| (e.last, e.first));
    let rows: Vec<Vec<String>> = selected
        .iter()
        .map(|e| {
            let mut row = Vec::new();
            if all_ns {
                row.push(if e.namespace.is_empty() { "default".to_owned() } else { e.namespace.clone() });
            }
            row.push(event_age(cluster.now, e));
            row.push(if e.warning { "Warning" } else { "Normal" }.to_owned());
            row.push(e.reason.clone());
            row.push(format!("{}/{}", e.kind, e.name));
            row.push(e.message.clone());
            row
        })
        .collect();
    let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if all_ns {
        header.insert(0, "NAMESPACE");
    }
    Done::read(table::render(&header, &rows, args.switch(flag::NO_HEADERS)))
}

/// `kubectl events -o json|yaml`: the events kept, oldest first, as an `EventList`.
fn event_list(cluster: &Cluster, format: &str, keep: impl Fn(&Event) -> bool) -> String {
    use crate::sim::manifest::{event_name, to_json, to_manifest, to_yaml};
    let mut kept: Vec<(usize, &Event)> = cluster.events.iter().enumerate().filter(|(_, e)| keep(e)).collect();
    kept.sort_by_key(|(_, e)| (e.last, e.first));
    let items: Vec<serde_json::Value> = kept
        .iter()
        .filter_map(|(i, e)| to_manifest(cluster, Kind::Event, &e.namespace, &event_name(cluster, *i)?))
        .map(|mut m| {
            if let Some(o) = m.as_object_mut() {
                o.insert("apiVersion".to_owned(), "v1".into());
                o.insert("kind".to_owned(), "Event".into());
            }
            m
        })
        .collect();
    let list = serde_json::json!({"apiVersion": "v1", "items": items, "kind": "EventList", "metadata": {}});
    if format == "json" { to_json(&list) } else { to_yaml(&list).trim_end().to_owned() }
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
