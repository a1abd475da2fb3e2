//! `kubectl wait`: in a turn-based game a command cannot block, so `wait` answers from the
//! cluster as it stands, as kubectl would at the end of its timeout: `condition met` for each
//! object that already meets the condition, else `timed out waiting for the condition`. It
//! only reads; waiting is what ending the turn does.

use serde_json::Value;

use super::args::{Args, FlagSpec};
use super::get::{Template, manifests};
use super::{Done, KubectlError, flag};
use crate::sim::change::ApiError;
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::objects::{Labels, Selector};

pub(super) const FLAGS: &[FlagSpec] =
    &[flag::FOR, flag::TIMEOUT, flag::SELECTOR, flag::ALL, flag::FIELD_SELECTOR, flag::OUTPUT, flag::FILENAME];

/// What `--for` waits for.
enum Condition {
    Delete,
    Create,
    /// `condition=Available`, `condition=Ready=false`: a status condition's type and status.
    Status(String, String),
    /// `jsonpath={.status.phase}=Running`, or only that the path exists.
    Path(Template, Option<String>),
}

fn msg(text: impl Into<String>) -> KubectlError {
    KubectlError::msg(text)
}

fn parse_condition(text: &str) -> Result<Condition, KubectlError> {
    let unrecognized = || msg(format!("error: unrecognized condition: \"{text}\""));
    if text.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if text.eq_ignore_ascii_case("create") {
        return Ok(Condition::Create);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        if name.is_empty() {
            return Err(unrecognized());
        }
        return Ok(Condition::Status(name.to_owned(), value.to_owned()));
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        // The expression is the braces' content; what follows `}=` is the value.
        let (expr, value) = match rest.rfind("}=") {
            Some(at) => (&rest[..=at], Some(rest[at + 2..].to_owned())),
            None => (rest, None),
        };
        if expr.is_empty() || value.as_deref() == Some("") {
            return Err(msg("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"));
        }
        let template = Template::parse(expr).map_err(|e| msg(format!("error: {e}")))?;
        return Ok(Condition::Path(template, value));
    }
    Err(unrecognized())
}

/// Checks a `--timeout` the way Go parses a duration, so a typo gets kubectl's error.
fn check_timeout(text: &str) -> Result<(), KubectlError> {
    let body = text.trim_start_matches('-');
    let valid = body == "0" || {
        let mut rest = body;
        let mut any = false;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
            let unit_len = rest[digits..].find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len() - digits);
            let unit = &rest[digits..digits + unit_len];
            if digits == 0 || !["ns", "us", "µs", "ms", "s", "m", "h"].contains(&unit) {
                return Err(msg(format!(
                    "error: invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\""
                )));
            }
            any = true;
            rest = &rest[digits + unit_len..];
        }
        any
    };
    if valid {
        Ok(())
    } else {
        Err(msg(format!(
            "error: invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\""
        )))
    }
}

/// Whether an object's manifest meets the condition.
fn met(condition: &Condition, manifest: &Value) -> bool {
    match condition {
        Condition::Delete => false,
        Condition::Create => true,
        Condition::Status(name, value) => {
            manifest.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().any(|c| {
                c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(name))
                    && c["status"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(value))
            })
        }
        Condition::Path(template, value) => {
            let found = template.values(manifest);
            match value {
                None => !found.is_empty(),
                Some(v) => !found.is_empty() && template.render(manifest) == *v,
            }
        }
    }
}

fn labels_of(manifest: &Value) -> Labels {
    manifest
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default()
}

fn unknown_type(t: &str) -> KubectlError {
    msg(format!("error: the server doesn't have a resource type \"{t}\""))
}

/// The objects the line names: `TYPE/NAME ...`, `TYPE NAME ...`, or `TYPE` with `-l` or `--all`.
/// Each is its kind, name, and manifest if it exists.
fn targets(cluster: &Cluster, args: &Args) -> Result<Vec<(Kind, String, Option<Value>)>, KubectlError> {
    let ns = args.namespace();
    let scope = if args.all_namespaces() { None } else { Some(ns) };
    let find = |kind: Kind, name: &str| {
        manifests(cluster, kind, Some(if kind.namespaced() { ns } else { "" }))
            .into_iter()
            .find(|m| m.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
    };
    let Some(first) = args.positional.first() else {
        return Err(msg("error: resource(s) were provided, but no name was specified"));
    };
    let mut out = Vec::new();
    if first.contains('/') {
        for word in &args.positional {
            let (t, name) = word.split_once('/').ok_or_else(|| {
                msg("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form")
            })?;
            let kind = Kind::parse(t).ok_or_else(|| unknown_type(t))?;
            out.push((kind, name.to_owned(), find(kind, name)));
        }
        return Ok(out);
    }
    let kind = Kind::parse(first).ok_or_else(|| unknown_type(first))?;
    let names = &args.positional[1..];
    if !names.is_empty() {
        return Ok(names.iter().map(|n| (kind, n.clone(), find(kind, n))).collect());
    }
    let selector = match args.value(flag::SELECTOR) {
        Some(s) => Some(Selector::parse(s).map_err(|e| msg(format!("error: {e}")))?),
        None if args.switch(flag::ALL) => None,
        None => return Err(msg("error: resource(s) were provided, but no name was specified")),
    };
    for m in manifests(cluster, kind, scope) {
        if selector.as_ref().is_none_or(|s| s.matches(&labels_of(&m))) {
            let name = m.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_owned();
            out.push((kind, name, Some(m)));
        }
    }
    if out.is_empty() {
        return Err(msg("error: no matching resources found"));
    }
    Ok(out)
}

/// `kubectl wait --for=… TARGET [--timeout=…]`.
pub fn run(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, FLAGS)?;
    if args.value(flag::FILENAME).is_some() {
        return Err(msg("error: wait -f needs manifest files, which this console does not have; name the objects"));
    }
    let condition = parse_condition(args.value(flag::FOR).unwrap_or(""))?;
    if let Some(timeout) = args.value(flag::TIMEOUT) {
        check_timeout(timeout)?;
    }
    let mut lines = Vec::new();
    // kubectl visits every object and reports each failure, one line each.
    let mut failed: Vec<KubectlError> = Vec::new();
    for (kind, name, manifest) in targets(cluster, &args)? {
        let object = format!("{}/{name}", kind.qualified());
        let deleting = matches!(condition, Condition::Delete);
        match manifest {
            // Already gone: nothing to wait for.
            None if deleting => {}
            None if matches!(condition, Condition::Create) => failed.push(timed_out(kind, &name)),
            None => failed.push(KubectlError::from(ApiError::not_found(kind, &name))),
            Some(m) if !deleting && met(&condition, &m) => lines.push(format!("{object} condition met")),
            Some(_) => failed.push(timed_out(kind, &name)),
        }
    }
    if failed.is_empty() {
        return Done::read(lines.join("\n"));
    }
    lines.extend(failed.iter().map(ToString::to_string));
    Err(msg(lines.join("\n")))
}

fn timed_out(kind: Kind, name: &str) -> KubectlError {
    msg(format!("error: timed out waiting for the condition on {}/{name}", kind.plural()))
}

#[cfg(test)]
mod tests;
