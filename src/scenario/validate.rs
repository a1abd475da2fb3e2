//! Semantic validation of a parsed scenario: every problem with the field path it sits at, e.g.
//! `faults[0].change: Error from server (NotFound): deployments.apps "web" not found`.

use std::collections::BTreeSet;

use crate::sim::apps::ImageLookup;
use crate::sim::change::Object;
use crate::sim::predicate::object_exists;

use super::build::{Inspection, inspect};
use super::format::{MAX_CUSTOMERS, MAX_SPECTATORS, MAX_TROUBLESHOOTERS, Players, Scenario};
use super::system;

mod baseline;
mod changes;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Tags that name an incident's twist rather than its setting: shown in the picker before play,
/// they would give the incident away. They belong in `lessons`, which the debrief reveals.
pub const SPOILER_TAGS: &[&str] = &[
    "red-herring",
    "rogue-actor",
    "rogue-automation",
    "multi-cause",
    "two-causes",
    "decoy",
    "twist",
    "sabotage",
    "misdirection",
    "root-cause",
];

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), message: message.into() }
}

/// Every problem found; empty means the scenario is valid.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    if s.id.is_empty() || !s.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        out.push(problem("id", format!("{:?} must be lowercase letters, digits and dashes", s.id)));
    }
    if s.title.trim().is_empty() {
        out.push(problem("title", "must not be empty"));
    }
    for (i, tag) in s.tags.iter().enumerate() {
        if SPOILER_TAGS.contains(&tag.trim().to_lowercase().as_str()) {
            out.push(problem(
                format!("tags[{i}]"),
                format!("{tag:?} gives the incident away before play; tags describe the setting, move it to lessons"),
            ));
        }
    }
    if !(1..=60).contains(&s.minutes_per_turn) {
        out.push(problem("minutes_per_turn", format!("{} is outside 1..=60", s.minutes_per_turn)));
    }
    if !(1..=500).contains(&s.turn_limit) {
        out.push(problem("turn_limit", format!("{} is outside 1..=500", s.turn_limit)));
    }
    if !(s.slo.objective > 0.0 && s.slo.objective < 100.0) {
        out.push(problem(
            "slo.objective",
            format!("{} must be a percentage between 0 and 100, like 99.9", s.slo.objective),
        ));
    }
    if !(0.0..=1.0).contains(&s.slo.budget_left) {
        out.push(problem("slo.budget_left", format!("{} must be a fraction between 0 and 1", s.slo.budget_left)));
    }
    for (i, img) in s.cluster.registry.images.iter().enumerate() {
        for (tag, app) in &img.tags {
            if !s.cluster.apps.contains_key(app) && !system::apps().contains_key(app) {
                out.push(problem(
                    format!("cluster.registry.images[{i}].tags[{tag:?}]"),
                    format!("app profile {app:?} is not defined in cluster.apps"),
                ));
            }
        }
    }
    let mut declared: BTreeSet<String> = BTreeSet::new();
    if s.cluster.system {
        declared.extend(system::NAMESPACES.iter().map(|n| (*n).to_owned()));
    }
    for o in &s.cluster.objects {
        if let Object::Namespace(n) = o {
            declared.insert(n.meta.name.clone());
        }
    }
    let mut seen = BTreeSet::new();
    let mut registry = s.cluster.registry.clone();
    if s.cluster.system {
        registry.images.extend(system::images());
    }
    for (i, o) in s.cluster.objects.iter().enumerate() {
        let path = format!("cluster.objects[{i}]");
        let meta = o.meta();
        let kind = o.kind();
        if kind.namespaced() && !declared.contains(&meta.namespace) {
            out.push(problem(
                format!("{path}.meta.namespace"),
                format!("namespace {:?} is not declared", meta.namespace),
            ));
        }
        if !seen.insert((kind, meta.namespace.clone(), meta.name.clone())) {
            out.push(problem(format!("{path}.meta.name"), format!("duplicate {} {:?}", kind.singular(), meta.name)));
        }
        let containers = match o {
            Object::Deployment(d) => {
                d.template.spec.containers.iter().chain(d.template.spec.init_containers.iter()).collect()
            }
            Object::Pod(p) => p.spec.containers.iter().chain(p.spec.init_containers.iter()).collect(),
            Object::DaemonSet(d) => d.template.spec.containers.iter().chain(&d.template.spec.init_containers).collect(),
            Object::StatefulSet(d) => {
                d.template.spec.containers.iter().chain(&d.template.spec.init_containers).collect()
            }
            Object::Job(j) => {
                j.spec.template.spec.containers.iter().chain(&j.spec.template.spec.init_containers).collect()
            }
            Object::CronJob(c) => {
                let spec = &c.job_template.template.spec;
                spec.containers.iter().chain(&spec.init_containers).collect()
            }
            _ => Vec::new(),
        };
        for (j, c) in containers.into_iter().enumerate() {
            if matches!(registry.resolve(&c.image), ImageLookup::NoRepository | ImageLookup::NoTag) {
                out.push(problem(
                    format!("{path}.containers[{j}].image"),
                    format!("{:?} is not in cluster.registry (the baseline must be healthy)", c.image),
                ));
            }
        }
    }
    for (i, ep) in s.cluster.entrypoints.iter().enumerate() {
        if crate::sim::network::parse_url(&ep.url).is_none() {
            out.push(problem(format!("cluster.entrypoints[{i}].url"), format!("{:?} is not a URL", ep.url)));
        }
        if !(ep.rps > 0.0 && ep.rps.is_finite()) {
            out.push(problem(format!("cluster.entrypoints[{i}].rps"), "must be a positive number"));
        }
        for (j, (hour, factor)) in ep.daily.iter().enumerate() {
            if *hour > 23 || !(*factor >= 0.0 && factor.is_finite()) {
                let path = format!("cluster.entrypoints[{i}].daily[{j}]");
                out.push(problem(path, "must be (hour 0–23, factor ≥ 0)"));
            }
        }
        for (j, (_, factor)) in ep.load.iter().enumerate() {
            if !(*factor >= 0.0 && factor.is_finite()) {
                out.push(problem(format!("cluster.entrypoints[{i}].load[{j}]"), "the factor must be a number ≥ 0"));
            }
        }
    }
    if s.cluster.entrypoints.is_empty() {
        out.push(problem("cluster.entrypoints", "needs at least one user-facing endpoint"));
    }
    if s.faults.is_empty() {
        out.push(problem("faults", "a scenario needs at least one fault"));
    }
    for (i, f) in s.faults.iter().enumerate() {
        if f.at_minute > 0 {
            out.push(problem(
                format!("faults[{i}].at_minute"),
                format!(
                    "{} is after the incident starts; a fault is what happened before (0 or less): something that breaks during play is an inject or a mishap",
                    f.at_minute
                ),
            ));
        }
    }
    if s.win.all.is_empty() {
        out.push(problem("win.all", "needs at least one condition"));
    }
    if s.solution.iter().all(|l| l.trim().is_empty() || l.trim().starts_with('#')) {
        out.push(problem("solution", "needs at least one command"));
    }
    for (i, line) in s.solution.iter().enumerate() {
        if shlex::split(line).is_none() {
            out.push(problem(format!("solution[{i}]"), "unterminated quote"));
        }
    }
    if s.wrong_fixes.is_empty() {
        out.push(problem("wrong_fixes", "needs at least one wrong fix that must not win"));
    }
    let names: BTreeSet<&str> = s.cluster.entrypoints.iter().map(|e| e.name.as_str()).collect();
    for (i, p) in s.win.all.iter().enumerate() {
        for name in p.entrypoints() {
            if !names.contains(name.as_str()) {
                out.push(problem(format!("win.all[{i}]"), format!("no entrypoint named {name:?}")));
            }
        }
    }
    out.extend(validate_game(s));
    out.extend(validate_players(&s.players));
    if !out.is_empty() {
        return out;
    }
    // Building the cluster checks every fault against the world it meets.
    match inspect(s, 1) {
        Err(e) => out.push(problem(e.path, e.message)),
        Ok(Inspection { baseline, incident: cluster, unchanged_faults }) => {
            out.extend(baseline::check(s, &baseline));
            for i in unchanged_faults {
                let (kind, namespace, name) = s.faults[i].change.target();
                let shown = if kind.namespaced() { format!("{namespace}/{name}") } else { name.to_owned() };
                out.push(problem(
                    format!("faults[{i}].change"),
                    format!("changes nothing: {} {shown} is already like this when the fault happens", kind.singular()),
                ));
            }
            out.extend(changes::check(s, &baseline, &cluster));
            for (i, p) in s.win.all.iter().enumerate() {
                for (kind, ns, name) in p.references() {
                    if !object_exists(&cluster, kind, &ns, &name) {
                        let shown = if ns.is_empty() { name } else { format!("{ns}/{name}") };
                        out.push(problem(
                            format!("win.all[{i}]"),
                            format!("{} {shown:?} does not exist", kind.singular()),
                        ));
                    }
                }
            }
            out.extend(validate_causes(s, &cluster));
        }
    }
    out
}

/// The answer's objects must be in the incident's cluster (the baseline, or made by the faults),
/// or no declaration could ever name them.
fn validate_causes(s: &Scenario, cluster: &crate::sim::cluster::Cluster) -> Vec<Problem> {
    let single = s.game.cause.iter().map(|c| ("game.cause".to_owned(), c));
    let several = s.game.causes.iter().enumerate().map(|(i, c)| (format!("game.causes[{i}]"), c));
    let mut out = Vec::new();
    for (path, cause) in single.chain(several) {
        if cause.objects.is_empty() {
            out.push(problem(format!("{path}.objects"), "names no object"));
        }
        for (j, o) in cause.objects.iter().enumerate() {
            if o.kind.namespaced() == o.namespace.is_empty() {
                let why = if o.namespace.is_empty() { "needs a namespace" } else { "is cluster-scoped: no namespace" };
                out.push(problem(format!("{path}.objects[{j}]"), format!("a {} {why}", o.kind.singular())));
            } else if !object_exists(cluster, o.kind, &o.namespace, &o.name) {
                out.push(problem(
                    format!("{path}.objects[{j}]"),
                    format!("{o} does not exist in the incident's cluster"),
                ));
            }
        }
        if cause.changed_by.as_deref().is_some_and(|by| by.trim().is_empty()) {
            out.push(problem(format!("{path}.changed_by"), "is empty; leave it out instead"));
        }
    }
    out
}

/// Seat limits stay within what a table (and a lobby screen) holds.
fn validate_players(p: &Players) -> Vec<Problem> {
    let mut out = Vec::new();
    let ranges = [
        ("players.troubleshooters", p.troubleshooters, 1, MAX_TROUBLESHOOTERS),
        ("players.customers", p.customers, 0, MAX_CUSTOMERS),
        ("players.spectators", p.spectators, 0, MAX_SPECTATORS),
    ];
    for (path, value, min, max) in ranges {
        if !(min..=max).contains(&value) {
            out.push(problem(path, format!("{value} is outside {min}..={max}")));
        }
    }
    out
}

/// The game layer: references between clues, dialogue, alerts and options hold together.
fn validate_game(s: &Scenario) -> Vec<Problem> {
    use super::layer::AlertRule;
    let g = &s.game;
    let mut out = Vec::new();
    let clue_ids: BTreeSet<&str> = g.clues.iter().map(|c| c.id.as_str()).collect();
    if clue_ids.len() != g.clues.len() {
        out.push(problem("game.clues", "clue ids must be unique"));
    }
    for (i, line) in g.customer.npc.lines.iter().enumerate() {
        let nonblank = |words: &[String]| words.iter().any(|w| !w.trim().is_empty());
        if line.intents.is_empty() && !nonblank(&line.about) && !nonblank(&line.when) {
            out.push(problem(
                format!("game.customer.npc.lines[{i}].intents"),
                "needs at least one intent (or `about` topic) it answers",
            ));
        }
        if let Some(j) = line.about.iter().position(|a| a.trim().is_empty()) {
            out.push(problem(format!("game.customer.npc.lines[{i}].about[{j}]"), "a topic needs a word"));
        }
        if let Some(id) = &line.reveals
            && !clue_ids.contains(id.as_str())
        {
            out.push(problem(format!("game.customer.npc.lines[{i}].reveals"), format!("no clue with id {id:?}")));
        }
    }
    if !g.root_causes.is_empty() && !g.root_causes.iter().any(|r| r.correct) {
        out.push(problem("game.root_causes", "at least one option must be marked correct"));
    }
    let mut tiers: Vec<u8> = g.hints.iter().map(|h| h.tier).collect();
    tiers.sort_unstable();
    if !g.hints.is_empty() && tiers != [1, 2, 3] {
        out.push(problem("game.hints", format!("hints come in three tiers 1, 2 and 3; found {tiers:?}")));
    }
    for (i, step) in g.tutorial.iter().enumerate() {
        if step.text.trim().is_empty() {
            out.push(problem(format!("game.tutorial[{i}].text"), "a step tells the player what to try"));
        }
        if let super::layer::StepDone::CommandWith(word) = &step.done
            && word.split_whitespace().count() != 1
        {
            out.push(problem(format!("game.tutorial[{i}].done"), "CommandWith takes one word, like \"describe\""));
        }
    }
    if let Some(teaches) = &s.teaches
        && teaches.trim().is_empty()
    {
        out.push(problem("teaches", "leave it out rather than empty"));
    }
    let entrypoints: BTreeSet<&str> = s.cluster.entrypoints.iter().map(|e| e.name.as_str()).collect();
    for (i, a) in g.alerts.iter().enumerate() {
        let named = match &a.rule {
            AlertRule::SuccessBelow { entrypoint, .. } | AlertRule::LatencyAbove { entrypoint, .. } => Some(entrypoint),
            _ => None,
        };
        if let Some(e) = named
            && !entrypoints.contains(e.as_str())
        {
            out.push(problem(format!("game.alerts[{i}].rule"), format!("no entrypoint named {e:?}")));
        }
    }
    let mut mishaps = BTreeSet::new();
    for (i, m) in g.customer.npc.mishaps.iter().enumerate() {
        if !mishaps.insert(m.id.as_str()) {
            out.push(problem(format!("game.customer.npc.mishaps[{i}].id"), format!("duplicate mishap {:?}", m.id)));
        }
    }
    let mut injects = BTreeSet::new();
    for (i, inj) in g.injects.iter().enumerate() {
        if !injects.insert(inj.id.as_str()) {
            out.push(problem(format!("game.injects[{i}].id"), format!("duplicate inject {:?}", inj.id)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_deploy() -> Scenario {
        crate::scenario::builtin(crate::scenario::DEFAULT_ID).expect("exists").expect("parses")
    }

    #[test]
    fn seat_limits_default_and_are_bounded() {
        let mut s = first_deploy();
        assert_eq!(s.players, Players { troubleshooters: 3, customers: 1, spectators: 50 });
        assert!(validate(&s).is_empty());
        s.players = Players { troubleshooters: 0, customers: 5, spectators: 201 };
        let got: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "players.troubleshooters: 0 is outside 1..=8",
                "players.customers: 5 is outside 0..=4",
                "players.spectators: 201 is outside 0..=200",
            ]
        );
    }

    #[test]
    fn tags_that_give_the_twist_away_are_refused() {
        let mut s = first_deploy();
        s.tags = vec!["deployments".into(), "Red-Herring".into()];
        s.lessons = vec!["red-herring".into()];
        let got: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "tags[1]: \"Red-Herring\" gives the incident away before play; tags describe the setting, move it to lessons"
            ]
        );
    }

    #[test]
    fn seat_limits_parse_with_defaults_and_refuse_unknown_fields() {
        let text = crate::scenario::builtin_sources()
            .find(|(id, _)| *id == crate::scenario::DEFAULT_ID)
            .map(|(_, t)| t)
            .expect("exists");
        let body = text.trim_end().strip_suffix(')').expect("a RON struct");
        let with = format!("{body}    players: (troubleshooters: 2),\n)");
        let s = crate::scenario::parse("with.ron", &with).expect("parses");
        assert_eq!(s.players, Players { troubleshooters: 2, customers: 1, spectators: 50 });
        let typo = format!("{body}    players: (troubleshooter: 2),\n)");
        let err = crate::scenario::parse("typo.ron", &typo).expect_err("unknown field");
        assert!(err.to_string().contains("troubleshooter"), "{err}");
    }

    #[test]
    fn a_dialogue_line_must_answer_something() {
        let mut s = first_deploy();
        let line = &mut s.game.customer.npc.lines[2];
        line.intents.clear();
        line.about = vec![" ".to_owned()];
        let got: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "game.customer.npc.lines[2].intents: needs at least one intent (or `about` topic) it answers",
                "game.customer.npc.lines[2].about[0]: a topic needs a word",
            ]
        );
        // Older files' trigger words still make a line answer something.
        let line = &mut s.game.customer.npc.lines[2];
        line.about.clear();
        line.when = vec!["impact".to_owned()];
        assert!(validate(&s).is_empty());
    }
}
