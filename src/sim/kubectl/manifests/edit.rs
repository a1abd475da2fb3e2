//! `kubectl edit TYPE/NAME`: without text it shows the object's YAML under kubectl's editor
//! header (a read: the game screen's editor pane fills itself from it); with the edited text as
//! the line's here-document it replaces the object, or says the edit changed nothing.

use super::{Doc, comparable, parse_input, replace_one};
use crate::sim::cluster::Cluster;
use crate::sim::kubectl::mutate::target::{require, resolve_one, scope, slash_name};
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError, flag};
use crate::sim::manifest::{to_manifest, to_yaml};

pub(crate) const EDIT_FLAGS: &[FlagSpec] =
    &[flag::FILENAME, flag::DRY_RUN, flag::OUTPUT, flag::VALIDATE, flag::FIELD_MANAGER];

/// The header real `kubectl edit` puts above the object in the editor.
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n\
# and an empty file will abort the edit. If an error occurs while saving this file will be\n\
# reopened with the relevant failures.\n#\n";

pub(in crate::sim::kubectl) fn edit(
    cluster: &mut Cluster,
    words: &[String],
    input: Option<&str>,
) -> Result<Done, KubectlError> {
    let args = Args::parse(words, EDIT_FLAGS)?;
    if args.value(flag::FILENAME).is_some() {
        return Err(KubectlError::msg("error: this console edits objects by name: kubectl edit TYPE/NAME"));
    }
    if args.positional.is_empty() {
        return Err(crate::sim::kubectl::mutate::no_resources_error());
    }
    let (kind, name) = resolve_one(&args.positional)?;
    let namespace = scope(kind, &require(cluster, kind, args.namespace(), &name)?.namespace.clone());
    let Some(manifest) = to_manifest(cluster, kind, &namespace, &name) else {
        return Err(crate::sim::change::ApiError::not_found(kind, &name).into());
    };
    let what = slash_name(kind, &name);
    let Some(text) = input else {
        return Done::read(format!("{HEADER}{}", to_yaml(&manifest)));
    };
    let kept: String = text.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(|l| [l, "\n"]).collect();
    if kept.trim().is_empty() {
        return Done::read("Edit cancelled, no changes made.");
    }
    let docs = parse_input(&kept)?;
    let [edited] = docs.as_slice() else {
        return Err(KubectlError::msg("error: the edited file must hold exactly one object"));
    };
    let same = |key: &str| edited.pointer(key) == manifest.pointer(key);
    if !(same("/apiVersion") && same("/kind") && same("/metadata/name")) {
        return Err(KubectlError::msg("error: At least one of apiVersion, kind and name was changed"));
    }
    if comparable(edited) == comparable(&manifest) {
        return Done::read("Edit cancelled, no changes made.");
    }
    let doc = Doc { kind, namespace, name, manifest: edited.clone() };
    match replace_one(cluster, &doc) {
        Ok(()) => Done::changed(format!("{what} edited")),
        Err(e) => Err(KubectlError::msg(format!(
            "error: {} \"{}\" was not valid:\n* {}",
            kind.qualified_plural(),
            doc.name,
            e.reason_text()
        ))),
    }
}
