//! `kubectl explain TYPE[.FIELD...]`: a kind's or field's documentation in kubectl's layout
//! (GROUP/KIND/VERSION, FIELD, DESCRIPTION, FIELDS with their types, `--recursive`). The
//! documentation is data, [`docs::DOCS`]: a kind the simulation gains adds its entries there,
//! and a kind without entries still explains its standard fields.

mod docs;

use std::fmt::Write as _;

use super::args::{Args, FlagSpec};
use super::{Done, KubectlError, flag};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;

pub(super) const FLAGS: &[FlagSpec] = &[flag::RECURSIVE_EXPLAIN, flag::API_VERSION, flag::OUTPUT];

/// How wide explain wraps descriptions.
const WIDTH: usize = 80;
/// How deep `--recursive` goes before it stops (the documented types hold no cycles; this
/// keeps a mistake in the data from looping).
const MAX_DEPTH: usize = 12;

/// One documented field.
#[derive(Clone, Debug, PartialEq)]
struct Field<'a> {
    name: &'a str,
    /// As explain prints it: `string`, `[]Container`, `map[string]string`, `ObjectMeta`.
    ty: &'a str,
    required: bool,
    enums: &'a str,
    doc: &'a str,
}

/// One documented type: its description and fields.
#[derive(Clone, Debug, PartialEq)]
struct Type<'a> {
    name: &'a str,
    doc: &'a str,
    fields: Vec<Field<'a>>,
}

/// The fields every object has, spelt out by `@object` in the data.
const OBJECT_FIELDS: &str = "\
apiVersion <string>: APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.
kind <string>: Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.
metadata <ObjectMeta>: Standard object's metadata.";

/// Parses the documentation: a type starts with `= Name: description`; each field is a line
/// `name <type> [-required-] [enum(A, B)]: description`; `@object` stands for the fields every
/// object has. Lines that do not parse are skipped (the data's test catches them).
fn parse_docs(text: &str) -> Vec<Type<'_>> {
    let mut types: Vec<Type> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(head) = line.strip_prefix("= ") {
            let (name, doc) = head.split_once(": ").unwrap_or((head, ""));
            types.push(Type { name: name.trim(), doc, fields: Vec::new() });
        } else if let Some(current) = types.last_mut() {
            if line == "@object" {
                current.fields.extend(OBJECT_FIELDS.lines().filter_map(parse_field));
            } else if let Some(field) = parse_field(line) {
                current.fields.push(field);
            }
        }
    }
    // kubectl lists fields by name.
    for t in &mut types {
        t.fields.sort_by(|a, b| a.name.cmp(b.name));
    }
    types
}

fn parse_field(line: &str) -> Option<Field<'_>> {
    let (head, doc) = line.split_once(": ")?;
    let (name, rest) = head.split_once(" <")?;
    let (ty, flags) = rest.split_once('>')?;
    let enums = flags.split_once("enum(").and_then(|(_, e)| e.split_once(')')).map_or("", |(e, _)| e);
    Some(Field { name: name.trim(), ty, required: flags.contains("-required-"), enums, doc })
}

/// The type a field's type names, if it is an object: `[]Container` → `Container`.
fn object_type(ty: &str) -> &str {
    ty.trim_start_matches("[]").trim_start_matches("map[string]")
}

fn msg(text: impl Into<String>) -> KubectlError {
    KubectlError::msg(text)
}

/// A kind without its own entries: the standard fields, with untyped spec and status.
fn fallback(kind: Kind) -> Type<'static> {
    let mut fields: Vec<Field> = OBJECT_FIELDS.lines().filter_map(parse_field).collect();
    for (name, doc) in [
        ("spec", "Spec defines the desired state of the object."),
        ("status", "Status is the most recently observed state of the object."),
    ] {
        fields.push(Field { name, ty: "Object", required: false, enums: "", doc });
    }
    fields.sort_by(|a, b| a.name.cmp(b.name));
    Type { name: kind.api_kind(), doc: "", fields }
}

/// `kubectl explain`.
pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    if let Some(o) = args.value(flag::OUTPUT).filter(|o| !["plaintext", "plaintext-openapiv2"].contains(o)) {
        return Err(msg(format!("error: unrecognized format: {o}")));
    }
    let Some(target) = args.positional.first() else {
        return Err(msg(
            "error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.",
        ));
    };
    if args.positional.len() > 1 {
        return Err(msg("error: We accept only this format: explain RESOURCE"));
    }
    let mut path = target.split('.');
    let resource = path.next().unwrap_or_default();
    let types = parse_docs(docs::DOCS);
    let find = |name: &str| types.iter().find(|t| t.name == name);
    // (the kind as the API spells it, its group/version, its documentation)
    let (api_kind, api_version, root) = if let Some(kind) = Kind::parse(resource) {
        let root = find(kind.api_kind()).cloned().unwrap_or_else(|| fallback(kind));
        (kind.api_kind(), kind.api_version(), root)
    } else {
        // A custom resource: its schema keeps unknown fields, so the API server publishes only
        // the fields every object has, and no description.
        let crd = cluster
            .crds()
            .values()
            .find(|c| c.answers_to(resource))
            .ok_or_else(|| msg(format!("error: the server doesn't have a resource type \"{resource}\"")))?;
        let mut fields: Vec<Field> = OBJECT_FIELDS.lines().filter_map(parse_field).collect();
        fields.sort_by(|a, b| a.name.cmp(b.name));
        let root = Type { name: crd.kind.as_str(), doc: "", fields };
        (crd.kind.as_str(), format!("{}/{}", crd.group, crd.storage_version()), root)
    };
    if let Some(asked) = args.value(flag::API_VERSION)
        && asked != api_version
    {
        return Err(msg(format!("error: couldn't find resource for \"{asked}, Kind={api_kind}\"")));
    }
    let fields: Vec<&str> = path.collect();
    let recursive = args.switch(flag::RECURSIVE_EXPLAIN);

    let (version, group) = match api_version.split_once('/') {
        Some((g, v)) => (v.to_owned(), g.to_owned()),
        None => (api_version.clone(), String::new()),
    };
    let mut text = String::new();
    if !group.is_empty() {
        let _ = writeln!(text, "GROUP:      {group}");
    }
    let _ = writeln!(text, "KIND:       {api_kind}");
    let _ = writeln!(text, "VERSION:    {version}\n");

    let mut current = root;
    let mut field: Option<Field> = None;
    for name in fields {
        let found = current.fields.iter().find(|f| f.name == name).cloned();
        let Some(next) = found else {
            return Err(msg(format!("error: field \"{name}\" does not exist")));
        };
        current = find(object_type(next.ty)).cloned().unwrap_or(Type { name: next.ty, doc: "", fields: Vec::new() });
        field = Some(next);
    }
    if let Some(f) = &field {
        let _ = writeln!(text, "FIELD: {} <{}>", f.name, f.ty);
        if !f.enums.is_empty() {
            let _ = writeln!(text, "ENUM:\n    {}", f.enums.replace(", ", "\n    "));
        }
        text.push('\n');
    }
    let description: Vec<&str> =
        field.as_ref().map(|f| f.doc).into_iter().chain([current.doc]).filter(|d| !d.is_empty()).collect();
    text.push_str("DESCRIPTION:\n");
    if description.is_empty() {
        text.push_str("    <empty>\n");
    }
    for d in description {
        wrap(&mut text, d, 4);
    }
    if !current.fields.is_empty() {
        text.push_str("\nFIELDS:\n");
        if recursive {
            recurse(&mut text, &types, &current, 2, 0);
        } else {
            for f in &current.fields {
                field_head(&mut text, f, 2);
                wrap(&mut text, f.doc, 4);
                text.push('\n');
            }
        }
    }
    Done::read(expand_tabs(&text))
}

/// A field's first line: `  name\t<type> -required-`, its enum values on the next.
fn field_head(text: &mut String, f: &Field, indent: usize) {
    let required = if f.required { " -required-" } else { "" };
    let _ = writeln!(text, "{:indent$}{}\t<{}>{required}", "", f.name, f.ty);
    if !f.enums.is_empty() {
        let _ = writeln!(text, "{:indent$}enum: {}", "", f.enums);
    }
}

/// `--recursive`: every field's name and type, nested types indented under their field.
fn recurse(text: &mut String, types: &[Type], current: &Type, indent: usize, depth: usize) {
    for f in &current.fields {
        let required = if f.required { " -required-" } else { "" };
        let _ = writeln!(text, "{:indent$}{}\t<{}>{required}", "", f.name, f.ty);
        if depth < MAX_DEPTH
            && let Some(inner) = types.iter().find(|t| t.name == object_type(f.ty))
        {
            recurse(text, types, inner, indent + 2, depth + 1);
        }
    }
}

/// Wraps a description to [`WIDTH`] at `indent`.
fn wrap(text: &mut String, doc: &str, indent: usize) {
    let mut line = String::new();
    for word in doc.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(text, "{:indent$}{line}", "");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(text, "{:indent$}{line}", "");
    }
}

/// Tabs as a terminal shows them, at every eighth column, so the console needs no tab stops.
fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut column = 0;
        for c in line.chars() {
            if c == '\t' {
                let next = (column / 8 + 1) * 8;
                out.extend(std::iter::repeat_n(' ', next - column));
                column = next;
            } else {
                out.push(c);
                column += 1;
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
