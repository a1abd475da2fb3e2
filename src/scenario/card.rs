//! Fault cards: one failure mode of docs/failure-catalog.md as a parameterised, typed break.
//! A card is RON text with placeholders (`{ns}`, `{name}`, `{container}`, …) that are bound from
//! the object it is aimed at: [`CardTemplate::load`] reads its head (id, cost, what it may
//! target) and checks the whole text parses; [`targets`] lists the objects of a baseline it can
//! be aimed at, each with its bindings; [`CardTemplate::instantiate`] substitutes them and parses
//! the result into a typed [`Card`], so a card is validated by instantiating it against real
//! targets. docs/cards.md is the reference of the format, every placeholder and target kind.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::cause::{Declaration, ObjectRef};
use super::format::{Baseline, WrongFix};
use super::layer::{Clue, DialogueLine, Hint, Mishap, PostmortemMaterial};
use super::load::LoadError;
use crate::sim::change::{Change, Object};
use crate::sim::kind::Kind;
use crate::sim::objects::{Deployment, Service};
use crate::sim::predicate::Predicate;

/// A card as its file says it, placeholders bound.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Unique, lower-case with dashes (`bad-image-tag`); the file is `scenarios/cards/ID.ron`.
    pub id: String,
    /// What the customer team sees in its hand ("Typo in the release tag"); never shown to
    /// responders before the debrief.
    pub title: String,
    /// Its row in docs/failure-catalog.md.
    pub mode: u32,
    /// What it costs from the break budget.
    pub cost: u32,
    /// How hard it is to find and fix, 1 (easy) to 3 (hard).
    pub difficulty: u32,
    /// What it may be aimed at.
    pub target: Target,
    /// The believable moments before the incident it happens at: incident minutes, inclusive
    /// (`(-20, -5)`); the composer draws one.
    pub at_minute: (i32, i32),
    /// Who made the change, as the audit trail shows.
    pub by: String,
    #[serde(default)]
    pub change_cause: Option<String>,
    /// The break: typed changes made at that moment.
    pub changes: Vec<Change>,
    /// What the customer's users see, in their words ("the checkout page times out"): the
    /// customer's answer to "what do you see".
    pub symptoms: Vec<String>,
    /// The canonical fix: console lines, `/wait N` to let turns pass.
    pub fix: Vec<String>,
    /// Plausible fixes that must not win.
    pub wrong_fixes: Vec<WrongFix>,
    /// The root cause is gone: predicates on the broken object (the composer adds the
    /// baseline's entrypoints).
    pub win: Vec<Predicate>,
    pub cause: Declaration,
    pub clues: Vec<Clue>,
    /// The customer's side: what they did, for a human customer's brief.
    pub did: String,
    /// What they know but only say when asked.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// What the scripted customer answers; the first line that reveals a clue is the one the
    /// proof asks for.
    pub lines: Vec<DialogueLine>,
    /// What the customer may do to make it worse.
    pub mishaps: Vec<Mishap>,
    /// Three tiers: a nudge, a pointer, the answer.
    pub hints: Vec<Hint>,
    pub postmortem: PostmortemMaterial,
    /// What the incident teaches, shown after play.
    #[serde(default)]
    pub lessons: Vec<String>,
}

/// What a card may be aimed at, matched against a baseline's objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Target {
    /// A Deployment (its first container) that has every listed feature.
    Deployment {
        #[serde(default)]
        with: Vec<Feature>,
    },
    /// A Service that selects a Deployment's pods (its first port), with every listed feature.
    Service {
        #[serde(default)]
        with: Vec<Feature>,
    },
    /// An Ingress with one rule and one path, whose backend is a Service that selects a
    /// Deployment and serves a baseline entrypoint (`SetIngressBackend` rewrites every path).
    Ingress,
    /// A namespace that holds a Deployment with every listed feature (the first one, by name).
    Namespace {
        #[serde(default)]
        with: Vec<Feature>,
    },
    /// A worker node (not the control plane).
    Node,
}

/// A property a target must have for the card to make sense on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feature {
    /// Its container has a readiness probe.
    ReadinessProbe,
    /// Its container has a liveness probe.
    LivenessProbe,
    /// Its container has a memory limit.
    MemoryLimit,
    /// A Service selects its pods.
    Service,
    /// Users reach it: a baseline entrypoint's host is routed by an Ingress to a Service that
    /// selects its pods.
    Entrypoint,
    /// It rolls out with `RollingUpdate` (old pods serve until new ones are ready).
    RollingUpdate,
    /// It rolls out with `Recreate` (every old pod stops first).
    Recreate,
    /// It runs more than one replica.
    Replicas,
    /// Its app profile lists the executables in its image, so a command naming another fails.
    Executables,
    /// Its app refuses to start without an environment variable that its first container sets
    /// (by value or from a config map or secret): `{required_env}` names it.
    RequiredEnv,
}

/// A card's head and text: what [`CardTemplate::load`] gives.
#[derive(Clone, Debug, PartialEq)]
pub struct CardTemplate {
    /// The card parsed with placeholder values: its id, cost and target are real.
    pub head: Card,
    /// Where it came from, for errors.
    pub file: String,
    text: String,
}

/// One object a card can be aimed at, and the values of its placeholders there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub target: ObjectRef,
    pub values: BTreeMap<&'static str, String>,
}

/// Every placeholder, the stand-in value a card is read with before it has a target (a number
/// for those written bare in RON, a quantity for memory sizes, else text), and what it is bound
/// to. docs/cards.md lists them for authors.
pub const PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("ns", "x", "the target's namespace"),
    ("name", "x", "the Deployment (for a Service or Ingress target: the one it reaches)"),
    ("container", "x", "the Deployment's first container"),
    ("image", "x", "that container's image, `repository:tag`"),
    ("image_repo", "x", "the image's repository"),
    ("tag", "x", "the image's tag"),
    ("app", "x", "the Deployment's pod label `app` (its name when it has none)"),
    ("port", "1", "the port the container listens on"),
    ("other_port", "1", "a port the container does not listen on (port + 1)"),
    ("replicas", "1", "the Deployment's replicas"),
    ("readiness_path", "x", "the readiness probe's HTTP path (`/` when it has none)"),
    ("liveness_path", "x", "the liveness probe's HTTP path (`/` when it has none)"),
    ("memory_limit", "1Mi", "the container's memory limit (`256Mi`), or `512Mi` when it has none"),
    ("low_memory", "1Mi", "a memory limit far below what the app uses"),
    ("service", "x", "a Service that selects the Deployment's pods (the target, for a Service)"),
    ("service_port", "1", "that Service's first port"),
    ("target_port", "1", "that port's target port"),
    ("selector_key", "x", "the key of that Service's first selector label"),
    ("selector_value", "x", "its value"),
    ("ingress", "x", "an Ingress that routes to the Service"),
    ("host", "x", "that Ingress's host"),
    ("entrypoint", "x", "the name of the baseline entrypoint served through it"),
    ("node", "x", "the target node"),
    ("required_env", "x", "an environment variable the app requires and its first container sets"),
    ("missing_env_log", "x", "what the app logs when it starts without `{required_env}`"),
];

impl CardTemplate {
    /// Reads a card: its text must parse with every placeholder given a stand-in value, and
    /// name only known placeholders. `file` is for errors.
    pub fn load(file: &str, text: &str) -> Result<CardTemplate, LoadError> {
        let stand_ins: BTreeMap<&'static str, String> =
            PLACEHOLDERS.iter().map(|(name, stand_in, _)| (*name, (*stand_in).to_owned())).collect();
        let head = parse_bound(file, text, &stand_ins)?;
        Ok(CardTemplate { head, file: file.to_owned(), text: text.to_owned() })
    }

    /// The card bound to a target.
    pub fn instantiate(&self, binding: &Binding) -> Result<Card, LoadError> {
        parse_bound(&self.file, &self.text, &binding.values)
    }
}

/// Substitutes `{placeholder}`s and parses the card. Values never hold a newline, so an
/// error's line is the card file's own line.
fn parse_bound(file: &str, text: &str, values: &BTreeMap<&'static str, String>) -> Result<Card, LoadError> {
    let bound = substitute(file, text, values)?;
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options.from_str::<Card>(&bound).map_err(|e| LoadError::Parse {
        file: file.to_owned(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })
}

/// Replaces `{word}` (lower-case letters and `_`) by its value; a RON map (`{"app": …}`) or an
/// empty one is left alone. An unknown placeholder is an error at its position.
fn substitute(file: &str, text: &str, values: &BTreeMap<&'static str, String>) -> Result<String, LoadError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let (mut line, mut col) = (1, 1);
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        for c in before.chars() {
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        out.push_str(before);
        let word_len = after[1..].find(|c: char| !(c.is_ascii_lowercase() || c == '_')).unwrap_or(after.len() - 1);
        let is_placeholder = word_len > 0 && after[1 + word_len..].starts_with('}');
        if !is_placeholder {
            out.push('{');
            col += 1;
            rest = &after[1..];
            continue;
        }
        let word = &after[1..=word_len];
        let Some(value) = values.get(word) else {
            return Err(LoadError::Parse {
                file: file.to_owned(),
                line,
                col,
                message: format!(
                    "unknown placeholder {{{word}}} (known: {})",
                    PLACEHOLDERS.iter().map(|(n, _, _)| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
                ),
            });
        };
        // A value inside a string must not end it.
        out.push_str(&value.replace('\\', "\\\\").replace('"', "\\\""));
        col += word_len + 2;
        rest = &after[word_len + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Every object of `baseline` the card can be aimed at, in a stable order (by kind, namespace,
/// name), each with its bindings.
pub fn targets(card: &Card, baseline: &Baseline) -> Vec<Binding> {
    let world = Objects::of(baseline);
    let mut out = Vec::new();
    match &card.target {
        Target::Deployment { with } => {
            for d in &world.deployments {
                if let Some(values) = world.deployment_values(d)
                    && with.iter().all(|f| world.has(d, *f, &values))
                {
                    out.push(binding(Kind::Deployment, &d.meta.namespace, &d.meta.name, values));
                }
            }
        }
        Target::Service { with } => {
            for s in &world.services {
                let Some(d) = world.deployments.iter().find(|d| selects(s, d)) else { continue };
                let Some(mut values) = world.deployment_values(d) else { continue };
                service_values(&mut values, s);
                if with.iter().all(|f| world.has(d, *f, &values)) {
                    out.push(binding(Kind::Service, &s.meta.namespace, &s.meta.name, values));
                }
            }
        }
        Target::Ingress => {
            for ing in &world.ingresses {
                let [rule] = ing.rules.as_slice() else { continue };
                let [path] = rule.paths.as_slice() else { continue };
                let ns = &ing.meta.namespace;
                let Some(s) =
                    world.services.iter().find(|s| &s.meta.namespace == ns && s.meta.name == path.backend.service)
                else {
                    continue;
                };
                let Some(d) = world.deployments.iter().find(|d| selects(s, d)) else { continue };
                let Some(mut values) = world.deployment_values(d) else { continue };
                service_values(&mut values, s);
                values.insert("service_port", path.backend.port.to_string());
                match world.ingress_for(ns, &s.meta.name) {
                    Some((name, host, entrypoint)) if name == ing.meta.name => {
                        values.insert("ingress", name);
                        values.insert("host", host);
                        values.insert("entrypoint", entrypoint);
                        out.push(binding(Kind::Ingress, ns, &ing.meta.name, values));
                    }
                    _ => {}
                }
            }
        }
        Target::Namespace { with } => {
            let mut seen = Vec::new();
            for d in &world.deployments {
                if seen.contains(&d.meta.namespace) {
                    continue;
                }
                if let Some(values) = world.deployment_values(d)
                    && with.iter().all(|f| world.has(d, *f, &values))
                {
                    seen.push(d.meta.namespace.clone());
                    out.push(binding(Kind::Namespace, "", &d.meta.namespace, values));
                }
            }
        }
        Target::Node => {
            for node in &world.nodes {
                let mut values = BTreeMap::new();
                values.insert("node", node.clone());
                out.push(binding(Kind::Node, "", node, values));
            }
        }
    }
    out.sort_by(|a, b| a.target.cmp(&b.target));
    out
}

fn binding(kind: Kind, namespace: &str, name: &str, values: BTreeMap<&'static str, String>) -> Binding {
    Binding { target: ObjectRef { kind, namespace: namespace.to_owned(), name: name.to_owned() }, values }
}

fn selects(s: &Service, d: &Deployment) -> bool {
    s.meta.namespace == d.meta.namespace
        && !s.selector.is_empty()
        && s.selector.iter().all(|(k, v)| d.template.labels.get(k) == Some(v))
}

fn service_values(values: &mut BTreeMap<&'static str, String>, s: &Service) {
    values.insert("service", s.meta.name.clone());
    if let Some((k, v)) = s.selector.iter().next() {
        values.insert("selector_key", k.clone());
        values.insert("selector_value", v.clone());
    }
    if let Some(p) = s.ports.first() {
        values.insert("service_port", p.port.to_string());
        let target = match &p.target_port {
            crate::sim::objects::IntOrString::Int(n) => n.to_string(),
            crate::sim::objects::IntOrString::Str(_) => values.get("port").cloned().unwrap_or_default(),
        };
        values.insert("target_port", target);
    }
}

/// The baseline's objects a card can be aimed at, by kind.
struct Objects<'a> {
    baseline: &'a Baseline,
    deployments: Vec<&'a Deployment>,
    services: Vec<&'a Service>,
    ingresses: Vec<&'a crate::sim::objects::Ingress>,
    nodes: Vec<String>,
}

impl<'a> Objects<'a> {
    fn of(baseline: &'a Baseline) -> Objects<'a> {
        let mut o = Objects {
            baseline,
            deployments: Vec::new(),
            services: Vec::new(),
            ingresses: Vec::new(),
            nodes: Vec::new(),
        };
        for object in &baseline.objects {
            match object {
                Object::Deployment(d) => o.deployments.push(d),
                Object::Service(s) => o.services.push(s),
                Object::Ingress(i) => o.ingresses.push(i),
                Object::Node(n) if !n.meta.labels.contains_key("node-role.kubernetes.io/control-plane") => {
                    o.nodes.push(n.meta.name.clone());
                }
                _ => {}
            }
        }
        o
    }

    /// The placeholders a Deployment binds; `None` for one without containers.
    fn deployment_values(&self, d: &Deployment) -> Option<BTreeMap<&'static str, String>> {
        let c = d.template.spec.containers.first()?;
        let mut v = BTreeMap::new();
        let ns = d.meta.namespace.clone();
        v.insert("ns", ns.clone());
        v.insert("name", d.meta.name.clone());
        v.insert("container", c.name.clone());
        v.insert("image", c.image.clone());
        let (repo, tag) = crate::sim::apps::split_image(&c.image);
        v.insert("image_repo", repo.to_owned());
        v.insert("tag", tag.to_owned());
        v.insert("app", d.template.labels.get("app").cloned().unwrap_or_else(|| d.meta.name.clone()));
        let profile = self.profile(&c.image);
        let port = c.ports.first().copied().or_else(|| profile.and_then(|p| p.port)).unwrap_or(8080);
        v.insert("port", port.to_string());
        v.insert("other_port", if port == u16::MAX { port - 1 } else { port + 1 }.to_string());
        v.insert("replicas", d.replicas.to_string());
        let path = |p: &Option<crate::sim::objects::Probe>| {
            p.as_ref().and_then(|p| p.path.clone()).unwrap_or_else(|| "/".to_owned())
        };
        v.insert("readiness_path", path(&c.readiness));
        v.insert("liveness_path", path(&c.liveness));
        v.insert("memory_limit", c.resources.limits.memory.map_or_else(|| "512Mi".to_owned(), |m| m.to_string()));
        let uses = profile.map_or(64, |p| p.memory.0);
        v.insert("low_memory", format!("{}Mi", (uses / 4).max(4)));
        if let Some((var, log)) = profile.and_then(|p| required_env(p, c)) {
            v.insert("required_env", var);
            v.insert("missing_env_log", log);
        }
        if let Some(s) = self.services.iter().find(|s| selects(s, d)) {
            service_values(&mut v, s);
            if let Some((ing, host, entrypoint)) = self.ingress_for(&ns, &s.meta.name) {
                v.insert("ingress", ing);
                v.insert("host", host);
                v.insert("entrypoint", entrypoint);
            }
        }
        for (name, _, _) in PLACEHOLDERS {
            v.entry(name).or_default();
        }
        Some(v)
    }

    /// The app profile an image runs.
    fn profile(&self, image: &str) -> Option<&'a crate::sim::apps::AppProfile> {
        match self.baseline.registry.resolve(image) {
            crate::sim::apps::ImageLookup::Found { profile, .. } => self.baseline.apps.get(profile),
            _ => None,
        }
    }

    /// The Ingress that routes a baseline entrypoint to `service` in `ns`, as the ingress
    /// controller routes (the longest matching path of any Ingress on the host, by path
    /// element): its name, host and the entrypoint's name.
    fn ingress_for(&self, ns: &str, service: &str) -> Option<(String, String, String)> {
        self.baseline.entrypoints.iter().find_map(|e| {
            let (host, path) = url_parts(&e.url);
            let mut best: Option<(usize, &crate::sim::objects::Ingress)> = None;
            let mut best_service = "";
            for ing in &self.ingresses {
                for rule in ing.rules.iter().filter(|r| r.host == host || r.host.is_empty()) {
                    for p in rule.paths.iter().filter(|p| path_served(&p.path, path)) {
                        if best.is_none_or(|(len, _)| p.path.len() > len) {
                            best = Some((p.path.len(), ing));
                            best_service = &p.backend.service;
                        }
                    }
                }
            }
            let (_, ing) = best?;
            (ing.meta.namespace == ns && best_service == service)
                .then(|| (ing.meta.name.clone(), host.to_owned(), e.name.clone()))
        })
    }

    fn has(&self, d: &Deployment, feature: Feature, values: &BTreeMap<&'static str, String>) -> bool {
        let c = d.template.spec.containers.first();
        match feature {
            Feature::ReadinessProbe => c.is_some_and(|c| c.readiness.is_some()),
            Feature::LivenessProbe => c.is_some_and(|c| c.liveness.is_some()),
            Feature::MemoryLimit => c.is_some_and(|c| c.resources.limits.memory.is_some()),
            Feature::Service => !values["service"].is_empty(),
            Feature::Entrypoint => !values["entrypoint"].is_empty(),
            Feature::RollingUpdate => matches!(d.strategy, crate::sim::objects::Strategy::RollingUpdate { .. }),
            Feature::Recreate => d.strategy == crate::sim::objects::Strategy::Recreate,
            Feature::Replicas => d.replicas > 1,
            Feature::Executables => c.and_then(|c| self.profile(&c.image)).is_some_and(|p| !p.executables.is_empty()),
            Feature::RequiredEnv => !values["required_env"].is_empty(),
        }
    }
}

/// The first environment variable `profile` requires that `container` sets, and the line the app
/// logs when it starts without it (its `missing_env_log`, the variable's name put in).
fn required_env(
    profile: &crate::sim::apps::AppProfile,
    container: &crate::sim::objects::Container,
) -> Option<(String, String)> {
    let var = profile.required_env.iter().find(|r| container.env.iter().any(|e| &e.name == *r))?;
    Some((var.clone(), profile.missing_env_log.replace("{name}", var)))
}

/// Prefix matching by path element, as `pathType: Prefix` does (`/` serves everything).
fn path_served(prefix: &str, path: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    p.is_empty() || path == p || path.starts_with(&format!("{p}/"))
}

/// (`shop.example.com`, `/checkout`) of `https://shop.example.com/checkout`.
fn url_parts(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    (authority.split(':').next().unwrap_or(authority), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    #[test]
    fn placeholders_are_substituted_and_maps_are_left_alone() {
        let text = "(a: \"{ns}/{name}\", b: {port}, c: {\"app\": \"{name}\"}, d: {})";
        let out = substitute("f", text, &values(&[("ns", "shop"), ("name", "web"), ("port", "80")])).expect("binds");
        assert_eq!(out, "(a: \"shop/web\", b: 80, c: {\"app\": \"web\"}, d: {})");
    }

    #[test]
    fn an_unknown_placeholder_is_an_error_at_its_position() {
        let err = substitute("cards/x.ron", "(\n  a: \"{nope}\")", &values(&[])).expect_err("unknown");
        let LoadError::Parse { file, line, col, message } = err else { panic!("a parse error") };
        assert_eq!((file.as_str(), line, col), ("cards/x.ron", 2, 7));
        assert!(message.starts_with("unknown placeholder {nope}"), "{message}");
    }

    #[test]
    fn a_value_cannot_break_out_of_its_string() {
        let out = substitute("f", "\"{ns}\"", &values(&[("ns", "a\"b")])).expect("binds");
        assert_eq!(out, "\"a\\\"b\"");
    }

    #[test]
    fn the_required_env_is_the_first_one_the_container_sets() {
        use crate::sim::objects::{Container, EnvVar};
        let profile = crate::sim::apps::AppProfile {
            required_env: vec!["DB_HOST".to_owned(), "API_KEY".to_owned()],
            ..Default::default()
        };
        let set = |name: &str| EnvVar {
            name: name.to_owned(),
            value: Some("x".to_owned()),
            config_map_key: None,
            secret_key: None,
        };
        let mut container = Container { env: vec![set("OTHER")], ..Default::default() };
        assert_eq!(required_env(&profile, &container), None, "it sets none of them");
        container.env.push(set("API_KEY"));
        assert_eq!(
            required_env(&profile, &container),
            Some(("API_KEY".to_owned(), "FATAL: environment variable API_KEY is not set".to_owned()))
        );
    }

    #[test]
    fn hosts_come_out_of_urls() {
        assert_eq!(url_parts("https://shop.example.com/checkout"), ("shop.example.com", "/checkout"));
        assert_eq!(url_parts("http://api.example.com:8443"), ("api.example.com", "/"));
        assert_eq!(url_parts("shop.example.com/a/b"), ("shop.example.com", "/a/b"));
    }
}
