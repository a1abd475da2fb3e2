//! `grep` as GNU grep prints: `-i -v -E -F -w -x -o -n -c -A -B -C -e`, bundled short flags,
//! basic regular expressions (`a\|b`, `\(x\)`) translated to the regex crate's syntax, and
//! context groups separated by `--`.

use regex::{Regex, RegexBuilder};

/// The regex size limit: a pattern may not compile to more than this, whatever is typed.
const REGEX_LIMIT: usize = 1 << 20;

const USAGE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.";

#[derive(Default)]
struct Options {
    insensitive: bool,
    invert: bool,
    extended: bool,
    fixed: bool,
    word: bool,
    line: bool,
    only: bool,
    numbers: bool,
    count: bool,
    quiet: bool,
    after: usize,
    before: usize,
    patterns: Vec<String>,
}

fn parse(args: &[String], extended: bool) -> Result<Options, String> {
    let mut o = Options { extended, ..Options::default() };
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            positional.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let value = |i: &mut usize| {
                inline.clone().or_else(|| {
                    let v = args.get(*i).cloned();
                    *i += 1;
                    v
                })
            };
            match name {
                "ignore-case" => o.insensitive = true,
                "invert-match" => o.invert = true,
                "extended-regexp" => o.extended = true,
                "fixed-strings" => o.fixed = true,
                "word-regexp" => o.word = true,
                "line-regexp" => o.line = true,
                "only-matching" => o.only = true,
                "line-number" => o.numbers = true,
                "count" => o.count = true,
                "quiet" | "silent" => o.quiet = true,
                "color" | "colour" => {}
                "after-context" => o.after = super::count("grep", "A", value(&mut i).as_deref())?,
                "before-context" => o.before = super::count("grep", "B", value(&mut i).as_deref())?,
                "context" => {
                    o.after = super::count("grep", "C", value(&mut i).as_deref())?;
                    o.before = o.after;
                }
                "regexp" => o.patterns.push(
                    value(&mut i).ok_or_else(|| format!("grep: option '--regexp' requires an argument\n{USAGE}"))?,
                ),
                _ => return Err(format!("grep: unrecognized option '{arg}'\n{USAGE}")),
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            let body = &arg[1..];
            // `-5` is `-C 5`.
            if body.chars().all(|c| c.is_ascii_digit()) {
                o.after = super::count("grep", "C", Some(body))?;
                o.before = o.after;
                continue;
            }
            for (at, c) in body.char_indices() {
                let rest = &body[at + c.len_utf8()..];
                match c {
                    'i' | 'y' => o.insensitive = true,
                    'v' => o.invert = true,
                    'E' => o.extended = true,
                    'F' => o.fixed = true,
                    'G' => o.extended = false,
                    'w' => o.word = true,
                    'x' => o.line = true,
                    'o' => o.only = true,
                    'n' => o.numbers = true,
                    'c' => o.count = true,
                    'q' | 's' => o.quiet |= c == 'q',
                    'h' | 'H' | 'a' | 'I' => {}
                    'A' | 'B' | 'C' | 'e' | 'm' => {
                        let value = if rest.is_empty() {
                            let v = args.get(i).cloned();
                            i += 1;
                            v
                        } else {
                            Some(rest.to_owned())
                        };
                        match c {
                            'A' => o.after = super::count("grep", "A", value.as_deref())?,
                            'B' => o.before = super::count("grep", "B", value.as_deref())?,
                            'C' => {
                                o.after = super::count("grep", "C", value.as_deref())?;
                                o.before = o.after;
                            }
                            'm' => {
                                super::count("grep", "m", value.as_deref())?;
                            }
                            _ => o.patterns.push(
                                value.ok_or_else(|| format!("grep: option requires an argument -- 'e'\n{USAGE}"))?,
                            ),
                        }
                        break;
                    }
                    other => return Err(format!("grep: invalid option -- '{other}'\n{USAGE}")),
                }
            }
        } else {
            positional.push(arg.clone());
        }
    }
    if o.patterns.is_empty() {
        if positional.is_empty() {
            return Err(USAGE.to_owned());
        }
        o.patterns.push(positional.remove(0));
    }
    if let Some(file) = positional.first() {
        return Err(format!("grep: {file}: No such file or directory"));
    }
    Ok(o)
}

/// A basic regular expression (`a\|b`, `\(x\)`, `x\{2\}`) in the regex crate's syntax, where
/// `| ( ) { } + ?` are literal unless escaped.
fn from_basic(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('|' | '(' | ')' | '{' | '}' | '+' | '?')) => out.push(e),
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push_str("\\\\"),
            },
            '|' | '(' | ')' | '{' | '}' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn compile(o: &Options) -> Result<Regex, String> {
    let alternatives: Vec<String> = o
        .patterns
        .iter()
        .flat_map(|p| p.split('\n'))
        .map(|p| {
            if o.fixed {
                regex::escape(p)
            } else if o.extended {
                p.to_owned()
            } else {
                from_basic(p)
            }
        })
        .map(|p| format!("(?:{p})"))
        .collect();
    let mut body = alternatives.join("|");
    if o.word {
        body = format!(r"(?:^|\b)(?:{body})(?:\b|$)");
    }
    if o.line {
        body = format!("^(?:{body})$");
    }
    RegexBuilder::new(&body)
        .case_insensitive(o.insensitive)
        .size_limit(REGEX_LIMIT)
        .dfa_size_limit(REGEX_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "grep: regular expression too big".to_owned(),
            _ => "grep: Invalid regular expression".to_owned(),
        })
}

/// Runs grep over the lines; `egrep` is `grep -E`.
pub fn run(lines: &[String], args: &[String], extended: bool) -> Result<Vec<String>, String> {
    let o = parse(args, extended)?;
    let re = compile(&o)?;
    let hits: Vec<bool> = lines.iter().map(|l| re.is_match(l) != o.invert).collect();
    if o.quiet {
        return Ok(Vec::new());
    }
    if o.count {
        return Ok(vec![hits.iter().filter(|h| **h).count().to_string()]);
    }
    if o.only {
        let mut out = Vec::new();
        for (n, line) in lines.iter().enumerate().filter(|(n, _)| hits[*n]) {
            if o.invert {
                continue;
            }
            for m in re.find_iter(line).filter(|m| !m.as_str().is_empty()) {
                out.push(if o.numbers { format!("{}:{}", n + 1, m.as_str()) } else { m.as_str().to_owned() });
            }
        }
        return Ok(out);
    }
    let context = o.after > 0 || o.before > 0;
    // The nearest hit at or after each line, for before-context.
    let mut next_hit = vec![None; lines.len() + 1];
    for n in (0..lines.len()).rev() {
        next_hit[n] = if hits[n] { Some(n) } else { next_hit[n + 1] };
    }
    let mut out = Vec::new();
    let mut last_printed: Option<usize> = None;
    let mut after_left = 0;
    for (n, line) in lines.iter().enumerate() {
        let shown = if hits[n] {
            after_left = o.after;
            Some(':')
        } else if after_left > 0 {
            after_left -= 1;
            Some('-')
        } else if next_hit[n].is_some_and(|m| m - n <= o.before) {
            Some('-')
        } else {
            None
        };
        let Some(sep) = shown else { continue };
        if context && last_printed.is_some_and(|p| p + 1 < n) {
            out.push("--".to_owned());
        }
        last_printed = Some(n);
        out.push(if o.numbers { format!("{}{sep}{line}", n + 1) } else { line.clone() });
    }
    Ok(out)
}
