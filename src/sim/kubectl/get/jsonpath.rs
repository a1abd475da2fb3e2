//! kubectl's `JSONPath` templates (`-o jsonpath=…`, `--sort-by`, custom columns): fields,
//! `[n]`, `[*]`, `..name`, `[?(@.a=="b")]`, `{range …}{end}` and quoted literals.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Recursive(String),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter { path: Vec<Step>, op: FilterOp, literal: String },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum FilterOp {
    Exists,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Expr(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    /// Parses `{.spec.replicas}`, `text {.a}{"\n"}`, or a bare path like `.metadata.name`.
    pub fn parse(text: &str) -> Result<Template, String> {
        let source = if text.contains('{') { text.to_owned() } else { format!("{{{text}}}") };
        let err = |why: &str| format!("error parsing jsonpath {source}, {why}");
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut nodes = Vec::new();
        let mut rest = source.as_str();
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                nodes.push(Node::Text(rest.to_owned()));
                break;
            };
            if open > 0 {
                nodes.push(Node::Text(rest[..open].to_owned()));
            }
            let close = matching_brace(&rest[open..]).ok_or_else(|| err("unclosed action"))? + open;
            let inner = rest[open + 1..close].trim();
            rest = &rest[close + 1..];
            if let Some(path) = inner.strip_prefix("range ") {
                stack.push((parse_path(path.trim()).map_err(|e| err(&e))?, std::mem::take(&mut nodes)));
            } else if inner == "end" {
                let (path, outer) = stack.pop().ok_or_else(|| err("not in range, nothing to end"))?;
                let body = std::mem::replace(&mut nodes, outer);
                nodes.push(Node::Range(path, body));
            } else if let Some(lit) = quoted(inner) {
                nodes.push(Node::Text(unescape(lit)));
            } else {
                nodes.push(Node::Expr(parse_path(inner).map_err(|e| err(&e))?));
            }
        }
        if !stack.is_empty() {
            return Err(err("unclosed range"));
        }
        Ok(Template { nodes })
    }

    /// Renders the template against `root`.
    pub fn render(&self, root: &Value) -> String {
        let mut out = String::new();
        render_nodes(&self.nodes, root, &mut out);
        out
    }

    /// The values the template's first expression selects (for sorting and columns).
    pub fn values(&self, root: &Value) -> Vec<Value> {
        self.nodes
            .iter()
            .find_map(|n| match n {
                Node::Expr(steps) => Some(eval(steps, root)),
                _ => None,
            })
            .unwrap_or_default()
    }
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn quoted(s: &str) -> Option<&str> {
    s.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_path(text: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    if chars.first() == Some(&'$') || chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let recursive = chars.get(i + 1) == Some(&'.');
                i += if recursive { 2 } else { 1 };
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                match (recursive, name.as_str()) {
                    (_, "") if !recursive => {
                        if i < chars.len() {
                            return Err(format!("unrecognized character in action: {}", chars[i]));
                        }
                    }
                    (true, "") => {}
                    (false, "*") => steps.push(Step::Wildcard),
                    (true, _) => steps.push(Step::Recursive(name)),
                    (false, _) => steps.push(Step::Field(name)),
                }
            }
            '[' => {
                let close = find_bracket(&chars, i).ok_or("unterminated array")?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            c => {
                // A bare name after `range`, like `{range items[*]}`, reads as a field.
                if steps.is_empty() && (c.is_alphanumeric() || c == '_') {
                    let mut name = String::new();
                    while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                        name.push(chars[i]);
                        i += 1;
                    }
                    steps.push(Step::Field(name));
                } else {
                    return Err(format!("unrecognized character in action: {c}"));
                }
            }
        }
    }
    Ok(steps)
}

fn find_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(key) = quoted(inner) {
        return Ok(Step::Field(key.to_owned()));
    }
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        let filter = filter.trim();
        let (lhs, op, rhs) = if let Some((l, r)) = filter.split_once("==") {
            (l, FilterOp::Eq, r)
        } else if let Some((l, r)) = filter.split_once("!=") {
            (l, FilterOp::Ne, r)
        } else {
            (filter, FilterOp::Exists, "")
        };
        let lhs = lhs.trim();
        if !lhs.starts_with('@') {
            return Err(format!("unrecognized filter: {filter}"));
        }
        let rhs = rhs.trim();
        let literal = quoted(rhs).unwrap_or(rhs).to_owned();
        return Ok(Step::Filter { path: parse_path(lhs)?, op, literal });
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() { Ok(None) } else { s.parse().map(Some).map_err(|_| format!("invalid array index {s}")) }
        };
        return Ok(Step::Slice(num(a)?, num(b.split(':').next().unwrap_or(""))?));
    }
    inner.parse::<i64>().map(Step::Index).map_err(|_| format!("invalid array index {inner}"))
}

fn eval(steps: &[Step], root: &Value) -> Vec<Value> {
    let mut current = vec![root.clone()];
    for step in steps {
        let mut next = Vec::new();
        for v in &current {
            apply(step, v, &mut next);
        }
        current = next;
    }
    current
}

fn apply(step: &Step, v: &Value, out: &mut Vec<Value>) {
    match step {
        Step::Field(name) => {
            if let Some(x) = v.get(name.as_str()) {
                out.push(x.clone());
            }
        }
        Step::Recursive(name) => collect(v, name, out),
        Step::Wildcard => match v {
            Value::Array(a) => out.extend(a.iter().cloned()),
            Value::Object(m) => out.extend(m.values().cloned()),
            _ => {}
        },
        Step::Index(i) => {
            if let Value::Array(a) = v {
                let len = a.len() as i64;
                let idx = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&idx) {
                    out.push(a[idx as usize].clone());
                }
            }
        }
        Step::Slice(from, to) => {
            if let Value::Array(a) = v {
                let len = a.len() as i64;
                let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                let start = norm(from.unwrap_or(0));
                let end = norm(to.unwrap_or(len));
                if start < end {
                    out.extend(a[start as usize..end as usize].iter().cloned());
                }
            }
        }
        Step::Filter { path, op, literal } => {
            let items: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for item in items {
                let got = eval(path, item);
                let keep = match op {
                    FilterOp::Exists => !got.is_empty(),
                    FilterOp::Eq => got.first().is_some_and(|g| text(g) == *literal),
                    FilterOp::Ne => got.first().is_none_or(|g| text(g) != *literal),
                };
                if keep {
                    out.push(item.clone());
                }
            }
        }
    }
}

fn collect(v: &Value, name: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if name == "*" {
                out.extend(m.values().cloned());
            } else if let Some(x) = m.get(name) {
                out.push(x.clone());
            }
            for child in m.values() {
                collect(child, name, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect(c, name, out)),
        _ => {}
    }
}

/// A value as `JSONPath` prints it: strings bare, everything else as compact JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn render_nodes(nodes: &[Node], root: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Expr(steps) => {
                let values = eval(steps, root);
                out.push_str(&values.iter().map(text).collect::<Vec<_>>().join(" "));
            }
            Node::Range(steps, body) => {
                for v in eval(steps, root) {
                    render_nodes(body, &v, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        Template::parse(t).map_or_else(|e| e, |t| t.render(v))
    }

    #[test]
    fn paths_wildcards_recursion_filters_and_ranges() {
        let v = json!({"items": [
            {"metadata": {"name": "a"}, "spec": {"containers": [{"image": "web:1"}, {"image": "side:2"}]},
             "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "spec": {"containers": [{"image": "web:2"}]},
             "status": {"conditions": [{"type": "Ready", "status": "False"}]}},
        ]});
        assert_eq!(run("{.items[*].metadata.name}", &v), "a b");
        assert_eq!(run("{.items[0].metadata.name}", &v), "a");
        assert_eq!(run("{.items[-1].metadata.name}", &v), "b");
        assert_eq!(run("{..image}", &v), "web:1 side:2 web:2");
        assert_eq!(run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &v), "a\nb\n");
        assert_eq!(run("{.items[?(@.status.conditions[0].status==\"False\")].metadata.name}", &v), "b");
        assert_eq!(run("{.items[0].metadata}", &v), "{\"name\":\"a\"}");
        assert_eq!(run("name: {.items[1].metadata.name}", &v), "name: b");
        assert_eq!(run(".items[1].metadata.name", &v), "b");
        assert_eq!(run("{.missing}", &v), "");
        assert!(Template::parse("{.items[}").is_err());
        assert!(Template::parse("{range .items[*]}").is_err());
    }
}
