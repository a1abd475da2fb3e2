//! docs/scenario-format.md documents every type a scenario file is made of, every field with
//! whether it must be written, and every variant, and nothing the types do not have: the types
//! are traced from `Scenario` down (`support/schema.rs`) and compared with the document's
//! "Field reference". A field, variant or type added to the code without its line in the docs,
//! or removed from the code and left in the docs, fails here with what to add or remove.

#[path = "support/schema.rs"]
mod schema;

use std::collections::{BTreeMap, BTreeSet};

use kombat::scenario::Scenario;
use schema::Shape;

const DOC: &str = "docs/scenario-format.md";
const REFERENCE: &str = "## Field reference";

/// One row of a reference table: its name (the first cell's first `code`), and its cells.
struct Row {
    name: String,
    cells: Vec<String>,
}

/// The reference sections: a heading of one code span (the type name) and the rows of the table
/// under it.
fn sections(doc: &str) -> BTreeMap<String, Vec<Row>> {
    let mut out: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let Some(start) = doc.find(REFERENCE) else { return out };
    let body = &doc[start + REFERENCE.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    let mut current: Option<String> = None;
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            current = heading.trim().strip_prefix('`').and_then(|h| h.strip_suffix('`')).map(str::to_owned);
            if let Some(name) = &current {
                out.entry(name.clone()).or_default();
            }
            continue;
        }
        let Some(name) = &current else { continue };
        if !line.starts_with('|') || line.starts_with("| ---") || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<String> = line.trim().trim_matches('|').split(" | ").map(|c| c.trim().to_owned()).collect();
        let Some(first) = cells.first().and_then(|c| first_code(c)) else { continue };
        if matches!(first.as_str(), "field" | "variant") {
            continue;
        }
        out.entry(name.clone()).or_default().push(Row { name: first, cells });
    }
    out
}

/// The identifier at the start of the first `code` span of a cell: `` `Create(Object)` `` → `Create`.
fn first_code(cell: &str) -> Option<String> {
    let code = cell.split('`').nth(1)?;
    let name: String = code.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Every way the document and the types disagree, worded as what to do about it.
fn disagreements(doc: &str) -> Vec<String> {
    let traced = schema::trace::<Scenario>();
    let documented = sections(doc);
    let mut out = Vec::new();
    for (ty, shape) in &traced.shapes {
        let Some(rows) = documented.get(*ty) else {
            let what = match shape {
                Shape::Struct(fields) => format!("a struct; one row per field: {}", fields.join(", ")),
                Shape::Enum(variants) => format!(
                    "an enum; one row per variant: {}",
                    variants.iter().map(|v| v.name).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(format!("type `{ty}` has no section: add \"### `{ty}`\" under \"{REFERENCE}\" ({what})"));
            continue;
        };
        let names: BTreeSet<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        match shape {
            Shape::Struct(fields) => {
                for field in fields {
                    let Some(row) = rows.iter().find(|r| r.name == *field) else {
                        out.push(format!(
                            "`{ty}.{field}` is not documented: add a row \"| `{field}` | type | default | meaning |\" under \"### `{ty}`\""
                        ));
                        continue;
                    };
                    let required = traced.required.get(&(*ty, *field)).copied();
                    let says_required = row.cells.get(2).is_some_and(|c| c.trim() == "required");
                    match required {
                        Some(true) if !says_required => out.push(format!(
                            "`{ty}.{field}` must be written in a scenario: its default cell should say \"required\""
                        )),
                        Some(false) if says_required => out.push(format!(
                            "`{ty}.{field}` may be left out: its default cell should give the default, not \"required\""
                        )),
                        _ => {}
                    }
                }
                let fields: BTreeSet<&str> = fields.iter().copied().collect();
                for stale in names.difference(&fields) {
                    out.push(format!("`{ty}` has no field `{stale}`: remove its row from \"### `{ty}`\""));
                }
            }
            Shape::Enum(variants) => {
                for variant in variants {
                    let Some(row) = rows.iter().find(|r| r.name == variant.name) else {
                        out.push(format!(
                            "`{ty}::{}` is not documented: add a row \"| `{}` | fields | meaning |\" under \"### `{ty}`\"",
                            variant.name, variant.name
                        ));
                        continue;
                    };
                    let listed = row.cells.get(1).map_or("", String::as_str);
                    for field in &variant.fields {
                        if !listed.contains(&format!("`{field}`")) {
                            out.push(format!(
                                "`{ty}::{}` has a field `{field}` its row does not name: add `{field}` to its fields cell",
                                variant.name
                            ));
                        }
                    }
                }
                let variants: BTreeSet<&str> = variants.iter().map(|v| v.name).collect();
                for stale in names.difference(&variants) {
                    out.push(format!("`{ty}` has no variant `{stale}`: remove its row from \"### `{ty}`\""));
                }
            }
        }
    }
    for ty in documented.keys() {
        if !traced.shapes.contains_key(ty.as_str()) {
            out.push(format!("\"### `{ty}`\" documents a type no scenario is made of: remove it or rename it"));
        }
    }
    out
}

#[test]
fn the_field_reference_documents_every_field_and_variant_of_the_scenario_types() {
    let path = format!("{}/{DOC}", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).expect("the scenario format document");
    let problems = disagreements(&doc);
    assert!(problems.is_empty(), "{DOC} does not match the scenario types:\n  - {}", problems.join("\n  - "));
}

#[test]
fn the_trace_sees_every_variant_and_which_fields_are_required() {
    let traced = schema::trace::<Scenario>();
    let Some(Shape::Enum(changes)) = traced.shapes.get("Change") else { panic!("Change is traced as an enum") };
    let set_image = changes.iter().find(|v| v.name == "SetImage").expect("SetImage");
    assert_eq!(set_image.fields, ["namespace", "deployment", "container", "image", "kind"]);
    // Reached only through Object::Deployment and a pod template: nested variants are walked.
    assert!(matches!(traced.shapes.get("Probe"), Some(Shape::Struct(f)) if f.contains(&"initial_delay_seconds")));
    assert_eq!(traced.required.get(&("Scenario", "id")), Some(&true));
    assert_eq!(traced.required.get(&("Scenario", "minutes_per_turn")), Some(&false));
    assert_eq!(traced.required.get(&("Meta", "namespace")), Some(&false));
}

#[test]
fn a_missing_field_and_a_stale_row_are_named_with_what_to_do() {
    let doc = "## Field reference\n\n### `Win`\n\n| field | type | default | meaning |\n| --- | --- | --- | --- |\n| `all` | list | required | … |\n| `hold` | number | 2 | … |\n";
    let problems = disagreements(doc);
    assert!(
        problems.contains(
            &"`Win.hold_turns` is not documented: add a row \"| `hold_turns` | type | default | meaning |\" under \"### `Win`\""
                .to_owned()
        ),
        "{problems:?}"
    );
    assert!(problems.contains(&"`Win` has no field `hold`: remove its row from \"### `Win`\"".to_owned()));
    assert!(problems.iter().any(|p| p.starts_with("type `Scenario` has no section")));
}

/// Every built-in scenario has facilitator notes, `docs/scenarios/ID.md`, with the three
/// sections in this order, each with something under it, and docs/facilitator.md links them.
#[test]
fn every_builtin_scenario_has_facilitator_notes() {
    const SECTIONS: [&str; 3] = ["## Play time", "## What to watch for", "## Debrief questions"];
    let facilitator = std::fs::read_to_string("docs/facilitator.md").expect("docs/facilitator.md");
    let mut problems = Vec::new();
    for (id, _) in kombat::scenario::builtin_sources() {
        let path = format!("docs/scenarios/{id}.md");
        let Ok(notes) = std::fs::read_to_string(&path) else {
            problems.push(format!("{path} is missing"));
            continue;
        };
        let lines: Vec<&str> = notes.lines().collect();
        let mut after = 0;
        for section in SECTIONS {
            match lines.iter().position(|l| l.trim_end() == section) {
                None => problems.push(format!("{path} has no `{section}` heading")),
                Some(at) if at < after => problems.push(format!("{path}: `{section}` is out of order")),
                Some(at) => {
                    let body = lines[at + 1..].iter().take_while(|l| !l.starts_with("## "));
                    if body.filter(|l| !l.trim().is_empty()).count() == 0 {
                        problems.push(format!("{path}: `{section}` is empty"));
                    }
                    after = at;
                }
            }
        }
        if !facilitator.contains(&format!("(scenarios/{id}.md)")) {
            problems.push(format!("docs/facilitator.md does not link scenarios/{id}.md"));
        }
    }
    assert!(problems.is_empty(), "facilitator notes: {problems:#?}");
}
