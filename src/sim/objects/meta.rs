//! Object metadata and label selectors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub type Labels = BTreeMap<String, String>;

/// `a == b` for object names, which mostly differ at their end (`node-1`, `node-2`, a pod's
/// random suffix): compared from the last byte, inline, where `==` calls `memcmp`. For the
/// passes that compare one name with every pod's.
pub fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().rev().zip(b.bytes().rev()).all(|(x, y)| x == y)
}

fn default_namespace() -> String {
    "default".to_owned()
}

/// Metadata shared by every object. `created` is incident time in seconds: negative for what
/// existed before the incident began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub annotations: Labels,
    /// Age at the start of the incident, in minutes (defaults to 30 days).
    #[serde(default)]
    pub age_minutes: Option<u32>,
    /// `metadata.finalizers`: while any is listed, a deleted object stays (`Terminating`) until
    /// whoever owns the finalizer removes it.
    #[serde(default)]
    pub finalizers: Vec<String>,
    #[serde(skip)]
    pub created: i64,
    #[serde(skip)]
    pub uid: u64,
    #[serde(skip)]
    pub owner: Option<OwnerRef>,
    #[serde(skip)]
    pub deleted: Option<i64>,
}

impl Meta {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>) -> Self {
        Meta {
            name: name.into(),
            namespace: namespace.into(),
            labels: Labels::new(),
            annotations: Labels::new(),
            age_minutes: None,
            finalizers: Vec::new(),
            created: 0,
            uid: 0,
            owner: None,
            deleted: None,
        }
    }

    /// The `namespace/name` key objects are stored under.
    pub fn key(&self) -> (String, String) {
        (self.namespace.clone(), self.name.clone())
    }
}

/// The controller that owns an object (`metadata.ownerReferences[0]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    pub kind: OwnerKind,
    pub name: String,
}

/// The kinds of object that own others here: replica sets own pods, deployments own replica
/// sets, a node owns its mirror pods, daemon sets, stateful sets and jobs their pods, cron jobs
/// their jobs. Serialized as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OwnerKind {
    ReplicaSet,
    Deployment,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
    Node,
}

impl OwnerKind {
    /// The kind as the API spells it (`ReplicaSet`).
    pub const fn as_str(self) -> &'static str {
        match self {
            OwnerKind::ReplicaSet => "ReplicaSet",
            OwnerKind::Deployment => "Deployment",
            OwnerKind::DaemonSet => "DaemonSet",
            OwnerKind::StatefulSet => "StatefulSet",
            OwnerKind::Job => "Job",
            OwnerKind::CronJob => "CronJob",
            OwnerKind::Node => "Node",
        }
    }

    /// The owner's `apiVersion`.
    pub const fn api_version(self) -> &'static str {
        match self {
            OwnerKind::ReplicaSet | OwnerKind::Deployment | OwnerKind::DaemonSet | OwnerKind::StatefulSet => "apps/v1",
            OwnerKind::Job | OwnerKind::CronJob => "batch/v1",
            OwnerKind::Node => "v1",
        }
    }
}

impl std::fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A label selector as `kubectl -l` and `matchLabels`/`matchExpressions` express it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    pub terms: Vec<SelectorTerm>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectorTerm {
    pub key: String,
    pub op: SelectorOp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelectorOp {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
}

impl Selector {
    pub fn from_labels(labels: &Labels) -> Self {
        Selector {
            terms: labels.iter().map(|(k, v)| SelectorTerm { key: k.clone(), op: SelectorOp::Eq(v.clone()) }).collect(),
        }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.terms.iter().all(|t| {
            let value = labels.get(&t.key);
            match &t.op {
                SelectorOp::Eq(v) => value == Some(v),
                SelectorOp::NotEq(v) => value != Some(v),
                SelectorOp::In(vs) => value.is_some_and(|x| vs.contains(x)),
                SelectorOp::NotIn(vs) => value.is_none_or(|x| !vs.contains(x)),
                SelectorOp::Exists => value.is_some(),
                SelectorOp::DoesNotExist => value.is_none(),
            }
        })
    }

    /// Parses `kubectl -l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() {
            // Split on the next comma that is not inside parentheses.
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let part = rest[..end].trim();
            rest = rest.get(end + 1..).unwrap_or("").trim();
            terms.push(parse_term(part).ok_or_else(|| format!("unable to parse requirement: {part:?}"))?);
        }
        Ok(Selector { terms })
    }

    /// The selector as apimachinery prints it (`metav1.FormatLabelSelector`): requirements by
    /// key, `in`/`notin` values sorted, `<none>` when it has no requirement.
    pub fn format_label_selector(&self) -> String {
        let mut terms = self.terms.clone();
        terms.sort_by(|a, b| a.key.cmp(&b.key));
        for t in &mut terms {
            if let SelectorOp::In(vs) | SelectorOp::NotIn(vs) = &mut t.op {
                vs.sort();
            }
        }
        let text = Selector { terms }.to_display();
        if text.is_empty() { "<none>".to_owned() } else { text }
    }

    /// Labels that an equality-only selector implies, for display.
    pub fn to_display(&self) -> String {
        self.terms
            .iter()
            .map(|t| match &t.op {
                SelectorOp::Eq(v) => format!("{}={v}", t.key),
                SelectorOp::NotEq(v) => format!("{}!={v}", t.key),
                SelectorOp::In(vs) => format!("{} in ({})", t.key, vs.join(",")),
                SelectorOp::NotIn(vs) => format!("{} notin ({})", t.key, vs.join(",")),
                SelectorOp::Exists => t.key.clone(),
                SelectorOp::DoesNotExist => format!("!{}", t.key),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn parse_term(part: &str) -> Option<SelectorTerm> {
    let term = |key: &str, op| {
        let key = key.trim();
        valid_key(key).then(|| SelectorTerm { key: key.to_owned(), op })
    };
    if let Some((k, v)) = part.split_once("!=") {
        return term(k, SelectorOp::NotEq(v.trim().to_owned()));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return term(k, SelectorOp::Eq(v.trim().to_owned()));
    }
    for (word, notin) in [(" notin ", true), (" in ", false)] {
        if let Some((k, v)) = part.split_once(word) {
            let v = v.trim().strip_prefix('(')?.strip_suffix(')')?;
            let values = v.split(',').map(|s| s.trim().to_owned()).collect();
            return term(k, if notin { SelectorOp::NotIn(values) } else { SelectorOp::In(values) });
        }
    }
    if let Some(k) = part.strip_prefix('!') {
        return term(k, SelectorOp::DoesNotExist);
    }
    term(part, SelectorOp::Exists)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn names_are_the_same_only_byte_for_byte() {
        assert!(same_name("node-1", "node-1") && same_name("", ""));
        assert!(!same_name("node-1", "node-2") && !same_name("node-1", "node-11") && !same_name("xode-1", "node-1"));
    }

    #[test]
    fn selector_syntax_matches_kubectl() {
        let l = labels(&[("app", "web"), ("tier", "frontend")]);
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app in (web,api)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("app=web,tier=backend", false),
            ("missing!=x", true),
        ] {
            assert_eq!(Selector::parse(sel).map(|s| s.matches(&l)), Ok(want), "{sel}");
        }
        assert!(Selector::parse("a b c").is_err());
        assert!(Selector::parse("app in web").is_err());
    }
}

/// A namespace; its labels are what network policy `namespaceSelector`s match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Namespace {
    pub meta: Meta,
}
