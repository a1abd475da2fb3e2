//! Reading a patched manifest back: typed field access that reports the field path and value the
//! way the API server's validation does (`spec.replicas: Invalid value: "x": …`).

use serde_json::Value;

use crate::sim::change::ApiError;
use crate::sim::kind::Kind;
use crate::sim::objects::{IntOrString, LabelOperator, LabelRequirement, Labels, Meta};
use crate::sim::quantity::{Mebibytes, Millicores};

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub path: String,
    pub detail: String,
}

impl Bad {
    pub fn required(path: &str) -> Bad {
        Bad { path: path.to_owned(), detail: "Required value".to_owned() }
    }

    pub fn invalid(path: &str, value: &Value, why: &str) -> Bad {
        Bad { path: path.to_owned(), detail: format!("Invalid value: {value}: {why}") }
    }

    pub fn unsupported(path: &str, value: &Value, supported: &[&str]) -> Bad {
        let list = supported.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
        Bad { path: path.to_owned(), detail: format!("Unsupported value: {value}: supported values: {list}") }
    }

    pub fn forbidden(path: &str, why: &str) -> Bad {
        Bad { path: path.to_owned(), detail: format!("Forbidden: {why}") }
    }

    fn wrong_type(path: &str, value: &Value, ty: &str) -> Bad {
        Bad::invalid(path, value, &format!("must be of type {ty}"))
    }

    /// `Deployment.apps "web" is invalid: spec.replicas: Invalid value: …`.
    pub fn into_api(self, kind: Kind, name: &str) -> ApiError {
        let what = if kind.group().is_empty() {
            kind.api_kind().to_owned()
        } else {
            format!("{}.{}", kind.api_kind(), kind.group())
        };
        ApiError::Invalid(format!("{what} \"{name}\" is invalid: {}: {}", self.path, self.detail))
    }
}

pub type R<T> = Result<T, Bad>;

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A member that is present and not null.
pub fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// An object member (missing → `Null`, which every reader treats as absent).
pub fn obj<'a>(v: &'a Value, key: &str, path: &str) -> R<&'a Value> {
    match field(v, key) {
        None => Ok(&Value::Null),
        Some(x @ Value::Object(_)) => Ok(x),
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "object")),
    }
}

pub fn opt_str(v: &Value, key: &str, path: &str) -> R<Option<String>> {
    match field(v, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "string")),
    }
}

pub fn req_str(v: &Value, key: &str, path: &str) -> R<String> {
    match opt_str(v, key, path)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Bad::required(&join(path, key))),
    }
}

pub fn opt_bool(v: &Value, key: &str, path: &str) -> R<Option<bool>> {
    match field(v, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "boolean")),
    }
}

pub fn opt_u32(v: &Value, key: &str, path: &str) -> R<Option<u32>> {
    match field(v, key) {
        None => Ok(None),
        Some(x @ Value::Number(n)) => {
            if let Some(u) = n.as_u64() {
                u32::try_from(u)
                    .map(Some)
                    .map_err(|_| Bad::invalid(&join(path, key), x, "must be no more than 2147483647"))
            } else if n.as_i64().is_some() || n.as_f64().is_some_and(|f| f < 0.0) {
                Err(Bad::invalid(&join(path, key), x, "must be greater than or equal to 0"))
            } else {
                Err(Bad::wrong_type(&join(path, key), x, "integer"))
            }
        }
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "integer")),
    }
}

/// A port number, 1–65535 (strings of digits accepted as the API accepts int-or-string).
pub fn opt_port(v: &Value, key: &str, path: &str) -> R<Option<u16>> {
    let p = join(path, key);
    let range = |x: &Value| Bad::invalid(&p, x, "must be between 1 and 65535, inclusive");
    match field(v, key) {
        None => Ok(None),
        Some(x @ Value::Number(n)) => match n.as_u64() {
            Some(u) if (1..=65535).contains(&u) => Ok(Some(u as u16)),
            Some(_) => Err(range(x)),
            None => Err(if n.as_i64().is_some() { range(x) } else { Bad::wrong_type(&p, x, "integer") }),
        },
        Some(x @ Value::String(s)) => match s.parse::<u16>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(Bad::invalid(&p, x, "named ports are not supported in this cluster; use the port number")),
        },
        Some(x) => Err(Bad::wrong_type(&p, x, "integer")),
    }
}

pub fn req_port(v: &Value, key: &str, path: &str) -> R<u16> {
    opt_port(v, key, path)?.ok_or_else(|| Bad::required(&join(path, key)))
}

pub fn int_or_string(v: &Value, key: &str, path: &str) -> R<Option<IntOrString>> {
    match field(v, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(match s.parse::<u16>() {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::Str(s.clone()),
        })),
        Some(_) => Ok(opt_port(v, key, path)?.map(IntOrString::Int)),
    }
}

/// A map of strings (labels, annotations, data, selectors); absent is empty.
pub fn string_map(v: &Value, key: &str, path: &str) -> R<Labels> {
    match field(v, key) {
        None => Ok(Labels::new()),
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| match x {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(Bad::wrong_type(&join(&join(path, key), k), other, "string")),
            })
            .collect(),
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "object")),
    }
}

/// The elements of a list member; absent is empty.
pub fn list<'a>(v: &'a Value, key: &str, path: &str) -> R<Vec<&'a Value>> {
    match field(v, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.iter().collect()),
        Some(x) => Err(Bad::wrong_type(&join(path, key), x, "array")),
    }
}

pub fn str_list(v: &Value, key: &str, path: &str) -> R<Vec<String>> {
    let p = join(path, key);
    list(v, key, path)?
        .into_iter()
        .enumerate()
        .map(|(i, x)| match x {
            Value::String(s) => Ok(s.clone()),
            other => Err(Bad::wrong_type(&index(&p, i), other, "string")),
        })
        .collect()
}

fn quantity_text(x: &Value) -> Option<String> {
    match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const QUANTITY: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

pub fn cpu(v: &Value, key: &str, path: &str) -> R<Option<Millicores>> {
    let Some(x) = field(v, key) else {
        return Ok(None);
    };
    quantity_text(x).and_then(|t| t.parse().ok()).map(Some).ok_or_else(|| Bad::invalid(&join(path, key), x, QUANTITY))
}

pub fn memory(v: &Value, key: &str, path: &str) -> R<Option<Mebibytes>> {
    let Some(x) = field(v, key) else {
        return Ok(None);
    };
    quantity_text(x).and_then(|t| t.parse().ok()).map(Some).ok_or_else(|| Bad::invalid(&join(path, key), x, QUANTITY))
}

/// Labels and annotations from `metadata` onto a copy of the old meta. `drop` lists annotation
/// keys the server computes (they are not stored in the model).
pub fn meta(manifest: &Value, old: &Meta, drop: &[&str]) -> R<Meta> {
    let m = obj(manifest, "metadata", "")?;
    let mut meta = old.clone();
    meta.labels = string_map(m, "labels", "metadata")?;
    meta.annotations = string_map(m, "annotations", "metadata")?;
    meta.finalizers = str_list(m, "finalizers", "metadata")?;
    // The API server lets a deleting object lose finalizers, never gain one.
    if old.deleted.is_some() {
        let added: Vec<String> =
            meta.finalizers.iter().filter(|f| !old.finalizers.contains(f)).map(|f| format!("{f:?}")).collect();
        if !added.is_empty() {
            return Err(Bad::forbidden(
                "metadata.finalizers",
                &format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
                    added.join(", ")
                ),
            ));
        }
    }
    for key in drop {
        if !old.annotations.contains_key(*key) {
            meta.annotations.remove(*key);
        }
    }
    Ok(meta)
}

/// Why `name` is not a valid port name (an IANA service name: at most 15 lowercase letters,
/// digits and single hyphens, with a letter), in the API server's words.
pub fn port_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        Some("must be no more than 15 characters")
    } else if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    } else if name.contains("--") {
        Some("must not contain consecutive hyphens")
    } else if !name.chars().any(|c| c.is_ascii_lowercase()) {
        Some("must contain at least one letter (a-z)")
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("must not begin or end with a hyphen")
    } else {
        None
    }
}

/// A label selector's `matchLabels` and `matchExpressions`, validated as the API server does.
pub fn label_selector(v: &Value, key: &str, path: &str) -> R<(Labels, Vec<LabelRequirement>)> {
    let sel = obj(v, key, path)?;
    let p = join(path, key);
    let labels = string_map(sel, "matchLabels", &p)?;
    let ep = join(&p, "matchExpressions");
    let mut expressions = Vec::new();
    for (i, e) in list(sel, "matchExpressions", &p)?.into_iter().enumerate() {
        let rp = index(&ep, i);
        let key = req_str(e, "key", &rp)?;
        let op_text = req_str(e, "operator", &rp)?;
        let values = str_list(e, "values", &rp)?;
        let operator = LabelOperator::parse(&op_text).ok_or_else(|| {
            Bad::invalid(&join(&rp, "operator"), &Value::from(op_text.clone()), "not a valid selector operator")
        })?;
        match operator {
            LabelOperator::In | LabelOperator::NotIn if values.is_empty() => {
                return Err(Bad {
                    path: join(&rp, "values"),
                    detail: "Required value: must be specified when `operator` is 'In' or 'NotIn'".to_owned(),
                });
            }
            LabelOperator::Exists | LabelOperator::DoesNotExist if !values.is_empty() => {
                return Err(Bad::forbidden(
                    &join(&rp, "values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
            _ => {}
        }
        expressions.push(LabelRequirement { key, operator, values });
    }
    Ok((labels, expressions))
}

/// `matchLabels` of a label selector (`matchExpressions` are not modelled and refused).
pub fn match_labels(v: &Value, key: &str, path: &str) -> R<Labels> {
    let sel = obj(v, key, path)?;
    let p = join(path, key);
    if let Some(x) = field(sel, "matchExpressions")
        && x.as_array().is_some_and(|a| !a.is_empty())
    {
        return Err(Bad::invalid(
            &join(&p, "matchExpressions"),
            x,
            "only matchLabels selectors are supported in this cluster",
        ));
    }
    string_map(sel, "matchLabels", &p)
}
