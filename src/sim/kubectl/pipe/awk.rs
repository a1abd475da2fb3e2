//! The `awk` players pipe kubectl into: one rule `[PATTERN] [{ print ITEMS }]`, with `-F SEP`.
//! Items are fields (`$1`, `$NF`, `$(NF-1)`, `$0`), `NR`, `NF` and string literals, joined by a
//! space where a comma separates them; a pattern is `/regex/`, `!/regex/`, or a comparison
//! (`NR>1`, `$3=="Running"`, `$2 ~ /web/`). Anything else is refused with the program quoted.

use regex::{Regex, RegexBuilder};

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Field(FieldRef),
    Nr,
    Nf,
    Num(f64),
    Str(String),
    Regex(String),
    Op(&'static str),
    Not,
    Open,
    Close,
    Comma,
    Print,
}

/// Which field: `$3`, `$NF`, `$(NF-1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FieldRef {
    At(usize),
    FromEnd(usize),
}

/// A value in a print list or a comparison.
#[derive(Clone, Debug)]
enum Value {
    Field(FieldRef),
    Nr,
    Nf,
    Num(f64),
    Str(String),
}

enum Pattern {
    Always,
    Matches(Regex, bool),
    Compare(Value, &'static str, Value),
    FieldMatches(Value, Regex, bool),
}

struct Program {
    pattern: Pattern,
    /// `None` prints the whole line; items separated by a comma get a space between them.
    print: Option<Vec<(Value, bool)>>,
}

fn unsupported(program: &str) -> String {
    format!(
        "awk: cmd. line:1: {program}\nawk: cmd. line:1: ^ this console's awk runs one '[PATTERN] {{print ITEMS}}' rule (fields, NR, NF, strings, /regex/, comparisons)"
    )
}

fn field_ref(text: &str) -> Option<(FieldRef, usize)> {
    if let Some(rest) = text.strip_prefix("NF") {
        return Some((FieldRef::FromEnd(0), text.len() - rest.len()));
    }
    if let Some(inner) = text.strip_prefix('(') {
        let close = inner.find(')')?;
        let expr: String = inner[..close].chars().filter(|c| !c.is_whitespace()).collect();
        let back = expr.strip_prefix("NF-")?.parse().ok()?;
        return Some((FieldRef::FromEnd(back), close + 2));
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let n = text[..digits].parse().ok()?;
    Some((FieldRef::At(n), digits))
}

fn tokenize(program: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = program.trim();
    while let Some(c) = rest.chars().next() {
        let (token, used) = match c {
            ' ' | '\t' | ';' => {
                rest = &rest[1..];
                continue;
            }
            '$' => {
                let (field, used) = field_ref(&rest[1..])?;
                (Token::Field(field), used + 1)
            }
            '{' => (Token::Open, 1),
            '}' => (Token::Close, 1),
            ',' => (Token::Comma, 1),
            '"' => {
                let end = rest[1..].find('"')?;
                (Token::Str(rest[1..=end].replace("\\t", "\t")), end + 2)
            }
            '/' => {
                let end = rest[1..].find('/')?;
                (Token::Regex(rest[1..=end].to_owned()), end + 2)
            }
            '=' | '!' | '<' | '>' | '~' => {
                let two = rest.get(..2).unwrap_or("");
                match two {
                    "==" | "!=" | ">=" | "<=" | "!~" => {
                        (Token::Op(["==", "!=", ">=", "<=", "!~"].into_iter().find(|o| *o == two)?), 2)
                    }
                    _ => match c {
                        '!' => (Token::Not, 1),
                        '<' => (Token::Op("<"), 1),
                        '>' => (Token::Op(">"), 1),
                        '~' => (Token::Op("~"), 1),
                        _ => return None,
                    },
                }
            }
            c if c.is_ascii_digit() => {
                let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
                (Token::Num(rest[..len].parse().ok()?), len)
            }
            c if c.is_ascii_alphabetic() => {
                let len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
                let token = match &rest[..len] {
                    "print" => Token::Print,
                    "NR" | "FNR" => Token::Nr,
                    "NF" => Token::Nf,
                    _ => return None,
                };
                (token, len)
            }
            _ => return None,
        };
        tokens.push(token);
        rest = &rest[used..];
    }
    Some(tokens)
}

fn value(token: &Token) -> Option<Value> {
    match token {
        Token::Field(f) => Some(Value::Field(*f)),
        Token::Nr => Some(Value::Nr),
        Token::Nf => Some(Value::Nf),
        Token::Num(n) => Some(Value::Num(*n)),
        Token::Str(s) => Some(Value::Str(s.clone())),
        _ => None,
    }
}

fn regex(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).size_limit(1 << 20).dfa_size_limit(1 << 20).build().ok()
}

fn parse(program: &str) -> Option<Program> {
    let tokens = tokenize(program)?;
    let open = tokens.iter().position(|t| *t == Token::Open);
    let (pattern_tokens, action) = match open {
        Some(at) => {
            if tokens.last() != Some(&Token::Close) {
                return None;
            }
            (&tokens[..at], Some(&tokens[at + 1..tokens.len() - 1]))
        }
        None => (&tokens[..], None),
    };
    let pattern = match pattern_tokens {
        [] => Pattern::Always,
        [Token::Regex(r)] => Pattern::Matches(regex(r)?, true),
        [Token::Not, Token::Regex(r)] => Pattern::Matches(regex(r)?, false),
        [lhs, Token::Op(op @ ("~" | "!~")), Token::Regex(r)] => {
            Pattern::FieldMatches(value(lhs)?, regex(r)?, *op == "~")
        }
        [lhs, Token::Op(op), rhs] => Pattern::Compare(value(lhs)?, op, value(rhs)?),
        _ => return None,
    };
    let print = match action {
        None => None,
        Some([Token::Print]) => None,
        Some([Token::Print, items @ ..]) => {
            let mut list = Vec::new();
            let mut spaced = false;
            for t in items {
                if *t == Token::Comma {
                    spaced = true;
                    continue;
                }
                list.push((value(t)?, spaced && !list.is_empty()));
                spaced = false;
            }
            Some(list)
        }
        Some(_) => return None,
    };
    Some(Program { pattern, print })
}

fn text_of(v: &Value, line: &str, fields: &[&str], nr: usize) -> String {
    match v {
        Value::Field(FieldRef::At(0)) => line.to_owned(),
        Value::Field(FieldRef::At(n)) => fields.get(n - 1).copied().unwrap_or("").to_owned(),
        Value::Field(FieldRef::FromEnd(back)) => {
            fields.len().checked_sub(back + 1).and_then(|i| fields.get(i)).copied().unwrap_or("").to_owned()
        }
        Value::Nr => nr.to_string(),
        Value::Nf => fields.len().to_string(),
        Value::Num(n) => n.to_string(),
        Value::Str(s) => s.clone(),
    }
}

fn compare(a: &str, op: &str, b: &str) -> bool {
    let order = match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    };
    match op {
        "==" => order.is_eq(),
        "!=" => order.is_ne(),
        ">" => order.is_gt(),
        ">=" => order.is_ge(),
        "<" => order.is_lt(),
        _ => order.is_le(),
    }
}

pub fn run(lines: &[String], args: &[String]) -> Result<Vec<String>, String> {
    let mut separator: Option<String> = None;
    let mut program = None;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if let Some(sep) = arg.strip_prefix("-F") {
            let sep = if sep.is_empty() {
                i += 1;
                args.get(i - 1).cloned().ok_or("awk: option requires an argument -- F")?
            } else {
                sep.to_owned()
            };
            separator = Some(if sep == "\\t" { "\t".to_owned() } else { sep });
        } else if program.is_none() {
            program = Some(arg.clone());
        } else {
            return Err(format!("awk: fatal: cannot open file `{arg}' for reading: No such file or directory"));
        }
    }
    let Some(program) = program else {
        return Err("Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\nUsage: awk [POSIX or GNU style options] [--] 'program' file ...".to_owned());
    };
    let parsed = parse(&program).ok_or_else(|| unsupported(&program))?;
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let fields: Vec<&str> = match &separator {
            Some(sep) if sep != " " => line.split(sep.as_str()).collect(),
            _ => line.split_whitespace().collect(),
        };
        let nr = n + 1;
        let shown = match &parsed.pattern {
            Pattern::Always => true,
            Pattern::Matches(re, want) => re.is_match(line) == *want,
            Pattern::Compare(a, op, b) => compare(&text_of(a, line, &fields, nr), op, &text_of(b, line, &fields, nr)),
            Pattern::FieldMatches(v, re, want) => re.is_match(&text_of(v, line, &fields, nr)) == *want,
        };
        if !shown {
            continue;
        }
        out.push(match &parsed.print {
            None => line.clone(),
            Some(items) => {
                let mut text = String::new();
                for (v, spaced) in items {
                    if *spaced {
                        text.push(' ');
                    }
                    text.push_str(&text_of(v, line, &fields, nr));
                }
                text
            }
        });
    }
    Ok(out)
}
