//! The three patch flavours `kubectl patch` sends: JSON merge patch (RFC 7386), strategic merge
//! patch (merge patch whose lists of named things merge by key), and JSON patch (RFC 6902).

use serde_json::{Map, Value};

/// RFC 7386: objects merge member by member, `null` deletes, anything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// The key a list under `field` merges by in a strategic merge patch, if it merges at all.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "env" | "volumes" | "imagePullSecrets" | "webhooks" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                Some("containerPort")
            } else {
                Some("port")
            }
        }
        _ => None,
    }
}

/// Strategic merge patch: like [`merge_patch`], except lists of containers, env vars, ports,
/// volumes, pull secrets and webhooks merge item by item on their key, and `$patch: delete` in a
/// list item removes the matching item.
pub fn strategic_merge(target: &Value, patch: &Value) -> Value {
    strategic(target, patch)
}

fn strategic(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut m = p.clone();
        m.remove("$patch");
        return Value::Object(m);
    }
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            out.remove(k);
            continue;
        }
        let current = out.get(k).cloned().unwrap_or(Value::Null);
        let merged = match (v, &current) {
            (Value::Array(items), Value::Array(existing)) => match merge_key(k, items) {
                Some(key) => merge_list(existing, items, key),
                None => v.clone(),
            },
            (Value::Array(items), _) => Value::Array(
                items.iter().filter(|i| i.get("$patch").is_none()).map(|i| strategic(&Value::Null, i)).collect(),
            ),
            (Value::Object(_), _) => strategic(&current, v),
            _ => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    Value::Object(out)
}

fn merge_list(existing: &[Value], items: &[Value], key: &str) -> Value {
    let mut out: Vec<Value> = existing.to_vec();
    for item in items {
        let id = item.get(key);
        let pos = id.and_then(|id| out.iter().position(|e| e.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => out[i] = strategic(&out[i], item),
            (None, false) => out.push(strategic(&Value::Null, item)),
        }
    }
    Value::Array(out)
}

/// RFC 6902 JSON patch. Errors read like the API server's.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, String> {
    let Value::Array(ops) = ops else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".to_owned());
    };
    let mut doc = target.clone();
    for op in ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).ok_or_else(|| format!("{name} operation missing path"))?;
        let value = || op.get("value").cloned().ok_or_else(|| format!("{name} operation missing value"));
        let from = || op.get("from").and_then(Value::as_str).ok_or_else(|| format!("{name} operation missing from"));
        match name {
            "add" => add(&mut doc, path, value()?)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path).map_err(|_| {
                    format!("jsonpatch replace operation does not apply: doc is missing key: {path}: missing value")
                })?;
                add(&mut doc, path, value()?)?;
            }
            "move" => {
                let v = remove(&mut doc, from()?)?;
                add(&mut doc, path, v)?;
            }
            "copy" => {
                let v = doc.pointer(&pointer(from()?)?).cloned().ok_or_else(|| {
                    format!("jsonpatch copy operation does not apply: doc is missing from path: {path}")
                })?;
                add(&mut doc, path, v)?;
            }
            "test" => {
                let want = value()?;
                if doc.pointer(&pointer(path)?) != Some(&want) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

/// Validates a JSON pointer; `serde_json::Value::pointer` does the `~0`/`~1` unescaping.
fn pointer(path: &str) -> Result<String, String> {
    if path.is_empty() || path.starts_with('/') {
        Ok(path.to_owned())
    } else {
        Err(format!("JSON pointer must be empty or start with a \"/\": {path}"))
    }
}

fn split(path: &str) -> Result<(String, String), String> {
    let path = pointer(path)?;
    let Some((parent, last)) = path.rsplit_once('/') else {
        return Err("jsonpatch: cannot operate on the document root".to_owned());
    };
    Ok((parent.to_owned(), last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = split(path)?;
    let missing = || format!("jsonpatch add operation does not apply: doc is missing path: \"{path}\": missing value");
    let target = doc.pointer_mut(&parent).ok_or_else(missing)?;
    match target {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" { a.len() } else { last.parse::<usize>().map_err(|_| missing())? };
            if i > a.len() {
                return Err(format!(
                    "add operation does not apply: doc is missing path: \"{path}\": invalid index referenced: {i}"
                ));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    let missing =
        || format!("jsonpatch remove operation does not apply: doc is missing path: \"{path}\": missing value");
    let target = doc.pointer_mut(&parent).ok_or_else(missing)?;
    match target {
        Value::Object(m) => m.remove(&last).ok_or_else(missing),
        Value::Array(a) => {
            let i = last.parse::<usize>().map_err(|_| missing())?;
            if i >= a.len() {
                return Err(missing());
            }
            Ok(a.remove(i))
        }
        _ => Err(missing()),
    }
}
