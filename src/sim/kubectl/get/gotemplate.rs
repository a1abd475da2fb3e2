//! `-o go-template=…`: the part of Go's text/template that kubectl users write: fields
//! (`{{.metadata.name}}`), `{{range .items}}…{{end}}` (with `{{else}}`), `{{if …}}…{{else}}…{{end}}`,
//! `{{index .metadata.labels "app"}}`, `{{printf "%s\n" .x}}`, `{{len .items}}` and quoted literals
//! (`{{"\n"}}`). A value prints as Go prints it: a missing one as `<no value>`, a map as
//! `map[k:v]`.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Action(Vec<Arg>),
    Range(Vec<Arg>, Vec<Node>, Vec<Node>),
    If(Vec<Arg>, Vec<Node>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Arg {
    /// `.a.b` (`.` alone is the dot itself).
    Path(Vec<String>),
    Literal(String),
    Function(String),
}

/// A parsed go-template.
#[derive(Clone, Debug, PartialEq)]
pub struct GoTemplate {
    nodes: Vec<Node>,
}

/// Where the parser is: the nodes of the open block, and what closes it.
struct Frame {
    open: Option<(bool, Vec<Arg>)>,
    body: Vec<Node>,
    otherwise: Option<Vec<Node>>,
}

impl GoTemplate {
    pub fn parse(text: &str) -> Result<GoTemplate, String> {
        let err = |why: &str| format!("template: output:1: {why}");
        let mut stack = vec![Frame { open: None, body: Vec::new(), otherwise: None }];
        let mut rest = text;
        while !rest.is_empty() {
            let Some(open) = rest.find("{{") else {
                push(&mut stack, Node::Text(rest.to_owned()));
                break;
            };
            if open > 0 {
                push(&mut stack, Node::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| err("unclosed action"))?;
            let inner = after[..close].trim().trim_start_matches('-').trim_end_matches('-').trim();
            rest = &after[close + 2..];
            let words = split_words(inner).map_err(|e| err(&e))?;
            match words.first().map(String::as_str) {
                Some("end") => {
                    let frame = stack.pop().filter(|_| !stack.is_empty()).ok_or_else(|| err("unexpected {{end}}"))?;
                    let Some((is_range, args)) = frame.open else { return Err(err("unexpected {{end}}")) };
                    let (body, otherwise) = match frame.otherwise {
                        Some(o) => (o, frame.body),
                        None => (frame.body, Vec::new()),
                    };
                    let node =
                        if is_range { Node::Range(args, body, otherwise) } else { Node::If(args, body, otherwise) };
                    push(&mut stack, node);
                }
                Some("else") => {
                    let frame = stack.last_mut().filter(|f| f.open.is_some() && f.otherwise.is_none());
                    let frame = frame.ok_or_else(|| err("unexpected {{else}}"))?;
                    frame.otherwise = Some(std::mem::take(&mut frame.body));
                }
                Some(word @ ("range" | "if")) => {
                    let args = words[1..].iter().map(|w| arg(w)).collect::<Result<Vec<_>, _>>().map_err(|e| err(&e))?;
                    if args.is_empty() {
                        return Err(err(&format!("missing value for {word}")));
                    }
                    stack.push(Frame { open: Some((word == "range", args)), body: Vec::new(), otherwise: None });
                }
                Some(_) => {
                    let args = words.iter().map(|w| arg(w)).collect::<Result<Vec<_>, _>>().map_err(|e| err(&e))?;
                    push(&mut stack, Node::Action(args));
                }
                None => return Err(err("missing value for command")),
            }
        }
        if stack.len() != 1 {
            return Err(err("unexpected EOF"));
        }
        let nodes = stack.pop().map(|f| f.body).unwrap_or_default();
        Ok(GoTemplate { nodes })
    }

    pub fn render(&self, root: &Value) -> String {
        let mut out = String::new();
        render(&self.nodes, root, &mut out);
        out
    }
}

fn push(stack: &mut [Frame], node: Node) {
    if let Some(frame) = stack.last_mut() {
        frame.body.push(node);
    }
}

/// Splits an action into words, keeping quoted strings whole.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            let mut word = String::from(c);
            let mut closed = false;
            while let Some(d) = chars.next() {
                word.push(d);
                if d == '\\' && c == '"' {
                    if let Some(e) = chars.next() {
                        word.push(e);
                    }
                } else if d == c {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err("unterminated quoted string".to_owned());
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                word.push(d);
                chars.next();
            }
            words.push(word);
        }
    }
    Ok(words)
}

fn arg(word: &str) -> Result<Arg, String> {
    if let Some(path) = word.strip_prefix('.') {
        return Ok(Arg::Path(path.split('.').filter(|p| !p.is_empty()).map(str::to_owned).collect()));
    }
    if let Some(body) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        return Ok(Arg::Literal(unescape(body)));
    }
    if let Some(body) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return Ok(Arg::Literal(body.to_owned()));
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Arg::Literal(word.to_owned()));
    }
    match word {
        "index" | "printf" | "len" | "not" => Ok(Arg::Function(word.to_owned())),
        _ => Err(format!("function \"{word}\" not defined")),
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn lookup(dot: &Value, path: &[String]) -> Option<Value> {
    let mut v = dot;
    for p in path {
        v = v.get(p)?;
    }
    Some(v.clone())
}

/// An action's value: a path, a literal, or a function applied to the rest.
fn eval(args: &[Arg], dot: &Value) -> Option<Value> {
    let value = |a: &Arg| match a {
        Arg::Path(p) => lookup(dot, p),
        Arg::Literal(l) => Some(Value::String(l.clone())),
        Arg::Function(_) => None,
    };
    match args.split_first()? {
        (Arg::Function(function), rest) => match function.as_str() {
            "index" => {
                let (target, keys) = rest.split_first()?;
                let mut found = value(target)?;
                for key in keys {
                    let key = value(key)?;
                    found = match (&found, key.as_str().and_then(|s| s.parse::<usize>().ok())) {
                        (Value::Array(items), Some(at)) => items.get(at)?.clone(),
                        _ => found.get(key.as_str()?)?.clone(),
                    };
                }
                Some(found)
            }
            "len" => {
                let v = value(rest.first()?)?;
                let n = match &v {
                    Value::Array(a) => a.len(),
                    Value::Object(m) => m.len(),
                    Value::String(s) => s.len(),
                    _ => 0,
                };
                Some(Value::from(n))
            }
            "not" => Some(Value::Bool(!truthy(rest.first().and_then(value).as_ref()))),
            "printf" => {
                let (format, values) = rest.split_first()?;
                let format = value(format)?;
                let mut values = values.iter().map(|a| value(a).map_or_else(|| "<no value>".to_owned(), |v| show(&v)));
                let mut out = String::new();
                let mut chars = format.as_str()?.chars();
                while let Some(c) = chars.next() {
                    if c == '%' {
                        match chars.next() {
                            Some('%') => out.push('%'),
                            Some(_) => out.push_str(&values.next().unwrap_or_else(|| "%!v(MISSING)".to_owned())),
                            None => out.push('%'),
                        }
                    } else {
                        out.push(c);
                    }
                }
                Some(Value::String(out))
            }
            _ => None,
        },
        (first, []) => value(first),
        (first, _) => value(first),
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
    }
}

/// How Go prints a value: strings bare, maps `map[k:v]`, lists `[a b]`.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            format!("map[{}]", m.iter().map(|(k, v)| format!("{k}:{}", show(v))).collect::<Vec<_>>().join(" "))
        }
    }
}

fn render(nodes: &[Node], dot: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(args) => match eval(args, dot) {
                Some(v) => out.push_str(&show(&v)),
                None => out.push_str("<no value>"),
            },
            Node::Range(args, body, otherwise) => {
                let items: Vec<Value> = match eval(args, dot) {
                    Some(Value::Array(a)) => a,
                    Some(Value::Object(m)) => m.into_iter().map(|(_, v)| v).collect(),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    render(otherwise, dot, out);
                }
                for item in &items {
                    render(body, item, out);
                }
            }
            Node::If(args, body, otherwise) => {
                if truthy(eval(args, dot).as_ref()) {
                    render(body, dot, out);
                } else {
                    render(otherwise, dot, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render_with(template: &str, v: &Value) -> String {
        GoTemplate::parse(template).expect("parses").render(v)
    }

    #[test]
    fn the_forms_kubectl_users_write_render_as_go_does() {
        let list = json!({"items": [
            {"metadata": {"name": "web-1", "labels": {"app": "web"}}, "status": {"phase": "Running"}},
            {"metadata": {"name": "web-2", "labels": {"app": "web", "tier": "front"}}},
        ]});
        assert_eq!(render_with(r#"{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}"#, &list), "web-1\nweb-2\n");
        assert_eq!(render_with(r#"{{range .items}}{{index .metadata.labels "app"}} {{end}}"#, &list), "web web ");
        assert_eq!(render_with("{{range .items}}{{.status.phase}},{{end}}", &list), "Running,<no value>,");
        assert_eq!(render_with(r"{{range .items}}{{if .status}}up{{else}}down{{end}} {{end}}", &list), "up down ");
        assert_eq!(
            render_with(r#"{{range .items}}{{printf "%s/%s\n" "pod" .metadata.name}}{{end}}"#, &list),
            "pod/web-1\npod/web-2\n"
        );
        assert_eq!(render_with("{{len .items}}", &list), "2");
        assert_eq!(
            render_with("{{range .items}}{{.metadata.labels}}\n{{end}}", &list),
            "map[app:web]\nmap[app:web tier:front]\n"
        );
    }

    proptest::proptest! {
        /// No template text panics the parser or the renderer.
        #[test]
        fn any_text_parses_or_fails_without_panicking(text in "[{}. a-z\"|()\\n]{0,40}") {
            if let Ok(t) = GoTemplate::parse(&text) {
                let _ = t.render(&json!({"items": [{"a": 1}], "a": {"b": "c"}}));
            }
        }
    }

    #[test]
    fn broken_templates_get_go_errors() {
        assert_eq!(GoTemplate::parse("{{.a"), Err("template: output:1: unclosed action".to_owned()));
        assert_eq!(GoTemplate::parse("{{range .items}}x"), Err("template: output:1: unexpected EOF".to_owned()));
        assert_eq!(GoTemplate::parse("{{end}}"), Err("template: output:1: unexpected {{end}}".to_owned()));
        assert_eq!(
            GoTemplate::parse("{{frob .a}}"),
            Err("template: output:1: function \"frob\" not defined".to_owned())
        );
    }
}
