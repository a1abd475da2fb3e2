//! The vocabulary of a root cause, shared by every scenario and every declaration: the broken
//! objects (kind, namespace, name), one class from a fixed failure taxonomy, and optionally who
//! or what made the change. A scenario states its answer in these terms (`game.causes`); a team
//! declares in the same terms, and `game::cause::judge` compares the two. It lives in `scenario`
//! because the format needs it; the judging is the game's.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::kind::Kind;

/// The failure taxonomy: one list for every scenario, so the class of a cause says nothing about
/// which scenario is being played. Grouped as in docs/failure-catalog.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FailureClass {
    WrongImage,
    BadConfig,
    MissingSecret,
    SelectorMismatch,
    NetworkPolicy,
    ProbeMisconfigured,
    ResourceLimits,
    QuotaOrLimitRange,
    Rbac,
    Scheduling,
    Dns,
    Storage,
    AdmissionWebhook,
    RogueAutomation,
    BadRollout,
    Scaling,
    Certificate,
    Routing,
}

impl FailureClass {
    /// Every class, in the order the pickers list them.
    pub const ALL: [FailureClass; 18] = [
        FailureClass::WrongImage,
        FailureClass::BadConfig,
        FailureClass::MissingSecret,
        FailureClass::SelectorMismatch,
        FailureClass::NetworkPolicy,
        FailureClass::ProbeMisconfigured,
        FailureClass::ResourceLimits,
        FailureClass::QuotaOrLimitRange,
        FailureClass::Rbac,
        FailureClass::Scheduling,
        FailureClass::Dns,
        FailureClass::Storage,
        FailureClass::AdmissionWebhook,
        FailureClass::RogueAutomation,
        FailureClass::BadRollout,
        FailureClass::Scaling,
        FailureClass::Certificate,
        FailureClass::Routing,
    ];

    /// The stable name on the command line (`/declare … wrong-image`).
    pub fn cli_name(self) -> &'static str {
        match self {
            FailureClass::WrongImage => "wrong-image",
            FailureClass::BadConfig => "bad-config",
            FailureClass::MissingSecret => "missing-secret",
            FailureClass::SelectorMismatch => "selector-mismatch",
            FailureClass::NetworkPolicy => "network-policy",
            FailureClass::ProbeMisconfigured => "probe",
            FailureClass::ResourceLimits => "resource-limits",
            FailureClass::QuotaOrLimitRange => "quota",
            FailureClass::Rbac => "rbac",
            FailureClass::Scheduling => "scheduling",
            FailureClass::Dns => "dns",
            FailureClass::Storage => "storage",
            FailureClass::AdmissionWebhook => "admission-webhook",
            FailureClass::RogueAutomation => "rogue-automation",
            FailureClass::BadRollout => "bad-rollout",
            FailureClass::Scaling => "scaling",
            FailureClass::Certificate => "certificate",
            FailureClass::Routing => "routing",
        }
    }

    /// A short label for players.
    pub fn label(self) -> &'static str {
        match self {
            FailureClass::WrongImage => "wrong image or tag",
            FailureClass::BadConfig => "bad config value or missing config key",
            FailureClass::MissingSecret => "missing secret or credential",
            FailureClass::SelectorMismatch => "selector or label mismatch",
            FailureClass::NetworkPolicy => "network policy blocks traffic",
            FailureClass::ProbeMisconfigured => "probe misconfigured",
            FailureClass::ResourceLimits => "resource limits, out of memory",
            FailureClass::QuotaOrLimitRange => "resource quota or limit range",
            FailureClass::Rbac => "RBAC, permissions",
            FailureClass::Scheduling => "scheduling or node (taints, affinity, not ready, capacity)",
            FailureClass::Dns => "DNS",
            FailureClass::Storage => "storage or volume",
            FailureClass::AdmissionWebhook => "admission webhook",
            FailureClass::RogueAutomation => "rogue automation re-applying a bad change",
            FailureClass::BadRollout => "bad rollout or application bug",
            FailureClass::Scaling => "scaling or autoscaling",
            FailureClass::Certificate => "certificate or TLS",
            FailureClass::Routing => "ingress or service routing",
        }
    }

    /// What a player typed: the CLI name, or the RON name in any case (`WrongImage`,
    /// `wrongimage`).
    pub fn parse(text: &str) -> Option<FailureClass> {
        let wanted: String = text.trim().chars().filter(char::is_ascii_alphanumeric).collect::<String>();
        let wanted = wanted.to_ascii_lowercase();
        if wanted.is_empty() {
            return None;
        }
        FailureClass::ALL.into_iter().find(|c| {
            let cli: String = c.cli_name().chars().filter(char::is_ascii_alphanumeric).collect();
            cli == wanted || format!("{c:?}").to_ascii_lowercase() == wanted
        })
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One object by kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    pub kind: Kind,
    #[serde(default)]
    pub namespace: String,
    pub name: String,
}

/// Why `ObjectRef::parse` refused a text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ObjectRefError {
    #[error("{0:?} is not KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped kind)")]
    Shape(String),
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    #[error("{0:?} is not a valid Kubernetes name")]
    BadName(String),
}

/// Whether `name` is a well-formed Kubernetes object name (DNS subdomain: lower-case letters,
/// digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters).
pub fn well_formed_name(name: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    !name.is_empty()
        && name.len() <= 253
        && name.chars().all(ok_char)
        && edge(name.chars().next())
        && edge(name.chars().last())
}

impl ObjectRef {
    /// Parses `KIND/NAMESPACE/NAME`, or `KIND/NAME` for a cluster-scoped kind. The kind may be
    /// written as kubectl accepts it (`deploy`, `deployments`, `Deployment`). Only the shape is
    /// checked: an object that does not exist is simply a wrong answer.
    pub fn parse(text: &str) -> Result<ObjectRef, ObjectRefError> {
        let parts: Vec<&str> = text.trim().split('/').collect();
        let (kind_text, namespace, name) = match parts.as_slice() {
            [kind, namespace, name] => (*kind, *namespace, *name),
            [kind, name] => (*kind, "", *name),
            _ => return Err(ObjectRefError::Shape(text.trim().to_owned())),
        };
        let kind = Kind::parse(kind_text).ok_or_else(|| ObjectRefError::UnknownKind(kind_text.to_owned()))?;
        if kind.namespaced() == namespace.is_empty() {
            return Err(ObjectRefError::Shape(text.trim().to_owned()));
        }
        let named = if namespace.is_empty() { vec![name] } else { vec![namespace, name] };
        for part in named {
            if !well_formed_name(part) {
                return Err(ObjectRefError::BadName(part.to_owned()));
            }
        }
        Ok(ObjectRef { kind, namespace: namespace.to_owned(), name: name.to_owned() })
    }
}

impl fmt::Display for ObjectRef {
    /// `deployment/shop/web`, the form `parse` reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind.singular(), self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind.singular(), self.namespace, self.name)
        }
    }
}

/// A root cause in the taxonomy's terms: what a scenario states as its answer, and what a team
/// declares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// The broken object(s).
    pub objects: Vec<ObjectRef>,
    pub class: FailureClass,
    /// Who or what made the breaking change (a person, a pipeline, a job).
    #[serde(default)]
    pub changed_by: Option<String>,
}

impl fmt::Display for Declaration {
    /// `deployment/shop/web: wrong image or tag, changed by dana`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let objects: Vec<String> = self.objects.iter().map(ToString::to_string).collect();
        write!(f, "{}: {}", objects.join(", "), self.class.label())?;
        if let Some(by) = &self.changed_by {
            write!(f, ", changed by {by}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_parses_from_its_cli_name_and_its_ron_name() {
        for class in FailureClass::ALL {
            assert_eq!(FailureClass::parse(class.cli_name()), Some(class));
            assert_eq!(FailureClass::parse(&format!("{class:?}")), Some(class));
        }
        assert_eq!(FailureClass::parse("aliens"), None);
        assert_eq!(FailureClass::parse(""), None);
    }

    #[test]
    fn object_refs_parse_with_kubectl_kind_names() {
        let web = ObjectRef { kind: Kind::Deployment, namespace: "shop".into(), name: "web".into() };
        assert_eq!(ObjectRef::parse("deploy/shop/web"), Ok(web.clone()));
        assert_eq!(ObjectRef::parse("Deployment/shop/web"), Ok(web.clone()));
        assert_eq!(ObjectRef::parse(&web.to_string()), Ok(web));
        let node = ObjectRef::parse("node/worker-1").expect("cluster-scoped");
        assert_eq!((node.kind, node.namespace.as_str()), (Kind::Node, ""));
    }

    #[test]
    fn malformed_object_refs_are_refused() {
        assert!(matches!(ObjectRef::parse("web"), Err(ObjectRefError::Shape(_))));
        assert!(matches!(ObjectRef::parse("deploy/web"), Err(ObjectRefError::Shape(_))));
        assert!(matches!(ObjectRef::parse("node/ns/worker"), Err(ObjectRefError::Shape(_))));
        assert!(matches!(ObjectRef::parse("gizmo/shop/web"), Err(ObjectRefError::UnknownKind(_))));
        assert!(matches!(ObjectRef::parse("deploy/shop/Web!"), Err(ObjectRefError::BadName(_))));
        assert!(matches!(ObjectRef::parse("deploy/shop/"), Err(ObjectRefError::BadName(_))));
        assert!(matches!(ObjectRef::parse("a/b/c/d"), Err(ObjectRefError::Shape(_))));
    }
}
