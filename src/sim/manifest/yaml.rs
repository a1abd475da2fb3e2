//! YAML as `kubectl -o yaml` prints it (go-yaml through sigs.k8s.io/yaml): keys sorted, two-space
//! indent, list dashes at the parent key's column, strings quoted only when a plain scalar would
//! read back as something else, and multi-line strings as literal blocks.

use std::fmt::Write as _;

use serde_json::{Map, Value};

pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

fn write_map(out: &mut String, m: &Map<String, Value>, indent: usize, inline_first: bool) {
    for (i, (k, v)) in sorted(m).into_iter().enumerate() {
        if !(i == 0 && inline_first) {
            pad(out, indent);
        }
        out.push_str(&string(k));
        out.push(':');
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, indent + 2, false);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_seq(out, a, indent);
            }
            _ => write_scalar_after(out, v, indent + 2),
        }
    }
}

fn write_seq(out: &mut String, a: &[Value], indent: usize) {
    for item in a {
        pad(out, indent);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                write_map(out, m, indent + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push(' ');
                // A nested list starts on the dash's line, like go-yaml's `- - a`.
                let mut nested = String::new();
                write_seq(&mut nested, inner, indent + 2);
                out.push_str(nested.trim_start());
            }
            _ => write_scalar_after(out, item, indent + 2),
        }
    }
}

/// A scalar after `key:` or `-`: ` value\n`, or a literal block for multi-line strings.
fn write_scalar_after(out: &mut String, v: &Value, block_indent: usize) {
    if let Value::String(s) = v
        && let Some(block) = literal_block(s, block_indent)
    {
        out.push_str(&block);
        return;
    }
    out.push(' ');
    let text = scalar(v);
    if let Value::String(_) = v
        && !text.starts_with('"')
    {
        // Plain and single-quoted scalars fold at a space once the line passes 80 columns.
        let column = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
        fold(out, &text, column, block_indent);
    } else {
        out.push_str(&text);
    }
    out.push('\n');
}

/// go-yaml's line breaking in plain and single-quoted scalars (`best_width` 80): a space is
/// written as a line break, and the text continues at `indent`, when the line has already passed
/// 80 columns and neither the character before nor the one after is a space. Lines may run
/// past 80: only a space can break them.
fn fold(out: &mut String, text: &str, start_column: usize, indent: usize) {
    const BEST_WIDTH: usize = 80;
    let chars: Vec<char> = text.chars().collect();
    let mut column = start_column;
    let mut after_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_is_space = chars.get(i + 1) == Some(&' ');
            let inside = i != 0 && i + 1 != chars.len();
            if !after_space && column > BEST_WIDTH && !next_is_space && inside {
                out.push('\n');
                pad(out, indent);
                column = indent;
            } else {
                out.push(c);
                column += 1;
            }
            after_space = true;
        } else {
            out.push(c);
            column += 1;
            after_space = false;
        }
    }
}

fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') || s.chars().any(|c| c.is_control() && c != '\n') {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    if body.starts_with(' ') || body.lines().any(|l| l.ends_with(' ')) {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!(" |{chomp}\n");
    let text = if trailing > 1 { s.strip_suffix('\n').unwrap_or(s) } else { body };
    for line in text.split('\n') {
        if !line.is_empty() {
            pad(&mut out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
    }
}

/// A string as go-yaml writes it: plain when it can be, `"double"` when plain would read back as
/// another type or needs escapes, `'single'` when it only has awkward characters.
fn string(s: &str) -> String {
    if s.is_empty() || resolves_to_non_string(s) {
        return format!("\"{s}\"");
    }
    if s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return double_quoted(s);
    }
    if plain_ok(s) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn plain_ok(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let second = s.chars().nth(1);
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if matches!(first, '?' | ':' | '-') && second.is_none_or(|c| c == ' ') {
        return false;
    }
    if matches!(first, ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`') {
        return false;
    }
    !(s.contains(": ") || s.contains(" #"))
}

/// Whether YAML 1.1 (as go-yaml v2 resolves it) would read the plain text as a non-string.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", ".inf", ".Inf", ".INF", "-.inf", "-.Inf",
        "-.INF", "+.inf", ".nan", ".NaN", ".NAN",
    ];
    if WORDS.contains(&s) || is_timestamp(s) {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return !bin.is_empty() && bin.chars().all(|c| c == '0' || c == '1' || c == '_');
    }
    // Sexagesimal like 1:30, which YAML 1.1 reads as a number.
    if body.contains(':') {
        let parts: Vec<&str> = body.split(':').collect();
        return parts[0].chars().next().is_some_and(|c| c.is_ascii_digit())
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_'));
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// `2026-11-22`, `2026-11-22T09:00:00Z`: go-yaml reads these as timestamps, so they are quoted.
fn is_timestamp(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    let (Some(y), Some(m), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let day_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let digits = |t: &str, lo: usize, hi: usize| (lo..=hi).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit());
    digits(y, 4, 4)
        && digits(m, 1, 2)
        && digits(&rest[..day_len], 1, 2)
        && (day_len == rest.len() || matches!(rest.as_bytes()[day_len], b'T' | b't' | b' '))
}

#[cfg(test)]
mod fold_tests {
    use serde_json::json;

    use super::to_yaml;

    #[test]
    fn long_plain_strings_fold_at_a_space_past_column_80_as_go_yaml_does() {
        let text = "Used for system critical pods that must not be moved from their current node.";
        assert_eq!(
            to_yaml(&json!({"description": text})),
            "description: Used for system critical pods that must not be moved from their current\n  node.\n"
        );
        // Nested values continue two columns in from their key; list items from their dash.
        let nested = to_yaml(&json!({"spec": {"items": [text]}}));
        assert_eq!(
            nested,
            "spec:\n  items:\n  - Used for system critical pods that must not be moved from their current node.\n"
        );
        let deeper = to_yaml(&json!({"a": {"b": {"message": format!("{text} {text}")}}}));
        assert!(deeper.contains("their current\n      node. Used"), "{deeper}");
        // Without a space past column 80 nothing breaks, and quoted strings are left whole.
        let word = "x".repeat(120);
        assert_eq!(to_yaml(&json!({"k": word})), format!("k: {word}\n"));
    }
}
