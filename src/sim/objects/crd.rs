//! Custom resource definitions: an API another component added to the cluster (an operator's
//! `CronTab`, a certificate manager's `Certificate`). The simulation keeps what discovery and
//! `kubectl get crd` show; no custom objects are stored, so every custom resource answers as an
//! empty list.

use serde::{Deserialize, Serialize};

use super::meta::Meta;

/// `spec.scope`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CrdScope {
    #[default]
    Namespaced,
    Cluster,
}

impl CrdScope {
    pub fn as_str(self) -> &'static str {
        match self {
            CrdScope::Namespaced => "Namespaced",
            CrdScope::Cluster => "Cluster",
        }
    }
}

/// A `CustomResourceDefinition` (apiextensions.k8s.io/v1). Its name must be `<plural>.<group>`,
/// as the API server requires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomResourceDefinition {
    pub meta: Meta,
    /// `spec.group`, e.g. `stable.example.com`.
    pub group: String,
    /// `spec.names.kind`, e.g. `CronTab`.
    pub kind: String,
    /// `spec.names.plural`, e.g. `crontabs`.
    pub plural: String,
    /// `spec.names.singular`; empty means the kind in lower case, as the API server defaults it.
    #[serde(default)]
    pub singular: String,
    #[serde(default)]
    pub short_names: Vec<String>,
    #[serde(default)]
    pub scope: CrdScope,
    /// `spec.versions[].name`, all served; the first is the storage version.
    pub versions: Vec<String>,
}

impl CustomResourceDefinition {
    /// `spec.names.singular` as the API server defaults it.
    pub fn singular_name(&self) -> String {
        if self.singular.is_empty() { self.kind.to_ascii_lowercase() } else { self.singular.clone() }
    }

    /// `spec.names.listKind`, always `<kind>List` here.
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    /// The version objects are stored in (the first declared).
    pub fn storage_version(&self) -> &str {
        self.versions.first().map_or("v1", String::as_str)
    }

    pub fn namespaced(&self) -> bool {
        self.scope == CrdScope::Namespaced
    }

    /// `crontabs.stable.example.com`, the resource as kubectl names it in errors.
    pub fn qualified_plural(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    /// Whether what a user typed names this resource: its plural, singular, a short name, its
    /// kind, or any of those followed by `.group` (or `.version.group`), all case-insensitive
    /// as kubectl's REST mapper matches them.
    pub fn answers_to(&self, typed: &str) -> bool {
        let typed = typed.to_ascii_lowercase();
        let (base, rest) = typed.split_once('.').map_or((typed.as_str(), None), |(b, r)| (b, Some(r)));
        let group = self.group.to_ascii_lowercase();
        let group_matches = match rest {
            None => true,
            Some(r) => r == group || self.versions.iter().any(|v| r == format!("{}.{group}", v.to_ascii_lowercase())),
        };
        group_matches
            && (base == self.plural.to_ascii_lowercase()
                || base == self.singular_name().to_ascii_lowercase()
                || base == self.kind.to_ascii_lowercase()
                || self.short_names.iter().any(|s| s.eq_ignore_ascii_case(base)))
    }

    /// What the API server's validation refuses, as its message's field paths and reasons; empty
    /// when the definition is acceptable.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let dns_label = |s: &str| {
            !s.is_empty()
                && s.len() <= 63
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !s.starts_with('-')
                && !s.ends_with('-')
        };
        if self.group.is_empty() {
            out.push("spec.group: Required value".to_owned());
        } else if !self.group.contains('.') {
            out.push(format!(
                "spec.group: Invalid value: \"{}\": should be a domain with at least one dot",
                self.group
            ));
        }
        if !dns_label(&self.plural) {
            out.push(format!("spec.names.plural: Invalid value: \"{}\": a lowercase RFC 1123 label", self.plural));
        }
        if self.kind.is_empty() {
            out.push("spec.names.kind: Required value".to_owned());
        } else if !self.kind.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push(format!(
                "spec.names.kind: Invalid value: \"{}\": may have mixed case, but should otherwise match: ^[a-z]+$",
                self.kind
            ));
        }
        if !self.singular.is_empty() && !dns_label(&self.singular) {
            out.push(format!("spec.names.singular: Invalid value: \"{}\": a lowercase RFC 1123 label", self.singular));
        }
        for (i, s) in self.short_names.iter().enumerate() {
            if !dns_label(s) {
                out.push(format!("spec.names.shortNames[{i}]: Invalid value: \"{s}\": a lowercase RFC 1123 label"));
            }
        }
        if self.versions.is_empty() {
            out.push(
                "spec.versions: Invalid value: null: must have exactly one version marked as storage version"
                    .to_owned(),
            );
        }
        for (i, v) in self.versions.iter().enumerate() {
            if !dns_label(v) {
                out.push(format!("spec.versions[{i}].name: Invalid value: \"{v}\": a DNS-1035 label"));
            }
        }
        let expected = self.qualified_plural();
        if self.meta.name != expected {
            out.push(format!(
                "metadata.name: Invalid value: \"{}\": must be spec.names.plural+\".\"+spec.group",
                self.meta.name
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::change::{Change, Object};
    use crate::sim::cluster::Cluster;

    fn crontabs() -> CustomResourceDefinition {
        CustomResourceDefinition {
            meta: Meta::new("crontabs.stable.example.com", ""),
            group: "stable.example.com".to_owned(),
            kind: "CronTab".to_owned(),
            plural: "crontabs".to_owned(),
            singular: String::new(),
            short_names: vec!["ct".to_owned()],
            scope: CrdScope::Namespaced,
            versions: vec!["v1".to_owned()],
        }
    }

    #[test]
    fn it_answers_to_every_spelling_kubectl_accepts() {
        let c = crontabs();
        for typed in ["crontabs", "crontab", "ct", "CronTab", "crontabs.stable.example.com", "ct.v1.stable.example.com"]
        {
            assert!(c.answers_to(typed), "{typed}");
        }
        for typed in ["crons", "crontabs.example.com", "crontabs.v2.stable.example.com", ""] {
            assert!(!c.answers_to(typed), "{typed}");
        }
        assert_eq!(c.singular_name(), "crontab");
        assert_eq!(c.list_kind(), "CronTabList");
    }

    #[test]
    fn the_api_server_refuses_a_name_that_is_not_plural_dot_group() {
        let mut cluster = Cluster::new(1);
        let mut bad = crontabs();
        bad.meta.name = "crontab.stable.example.com".to_owned();
        let err = cluster.apply(Change::Create(Object::CustomResourceDefinition(bad)), "t").expect_err("refused");
        assert_eq!(
            err.to_string(),
            "Error from server (Invalid): CustomResourceDefinition.apiextensions.k8s.io \"crontab.stable.example.com\" is invalid: metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group"
        );
        assert!(cluster.crds().is_empty(), "nothing changes");
        cluster.apply(Change::Create(Object::CustomResourceDefinition(crontabs())), "t").expect("accepted");
        assert!(cluster.crds().contains_key("crontabs.stable.example.com"));
    }
}
