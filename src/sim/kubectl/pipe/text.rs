//! `head`, `tail`, `wc`, `sort`, `uniq` and `cut` as GNU coreutils print them, on lines held in
//! memory.

use std::cmp::Ordering;

/// A short or long option's value: `-n5`, `-n 5`, `--lines=5`, `--lines 5`. Moves `i` past it.
fn value_of(args: &[String], i: &mut usize, inline: &str) -> Option<String> {
    if inline.is_empty() {
        let v = args.get(*i).cloned();
        *i += 1;
        v
    } else {
        Some(inline.trim_start_matches('=').to_owned())
    }
}

fn no_file(tool: &str, file: &str) -> String {
    match tool {
        "head" | "tail" => format!("{tool}: cannot open '{file}' for reading: No such file or directory"),
        _ => format!("{tool}: {file}: No such file or directory"),
    }
}

/// `head`/`tail`'s line count: `-n N`, `-nN`, `-N`, `--lines=N`, with a sign kept (`-n -2`,
/// `-n +2`).
fn line_count(tool: &str, args: &[String]) -> Result<(Option<char>, usize), String> {
    let mut count = (None, 10);
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let raw = if let Some(v) = arg.strip_prefix("--lines") {
            value_of(args, &mut i, v)
        } else if let Some(v) = arg.strip_prefix("-n") {
            value_of(args, &mut i, v)
        } else if arg.len() > 1 && arg.starts_with('-') && arg[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(arg[1..].to_owned())
        } else if arg == "-q" || arg == "-v" {
            continue;
        } else if arg.starts_with('-') {
            return Err(format!(
                "{tool}: invalid option -- '{}'\nTry '{tool} --help' for more information.",
                arg.chars().nth(1).unwrap_or('-')
            ));
        } else {
            return Err(no_file(tool, arg));
        };
        let raw = raw.ok_or_else(|| format!("{tool}: option requires an argument -- 'n'"))?;
        let (sign, digits) = match raw.chars().next() {
            Some(s @ ('+' | '-')) => (Some(s), &raw[1..]),
            _ => (None, raw.as_str()),
        };
        count = (
            sign,
            super::count(tool, "n", Some(digits)).map_err(|_| format!("{tool}: invalid number of lines: ‘{raw}’"))?,
        );
    }
    Ok(count)
}

pub fn head(mut lines: Vec<String>, args: &[String]) -> Result<Vec<String>, String> {
    match line_count("head", args)? {
        // `head -n -N`: all but the last N.
        (Some('-'), n) => lines.truncate(lines.len().saturating_sub(n)),
        (_, n) => lines.truncate(n),
    }
    Ok(lines)
}

pub fn tail(mut lines: Vec<String>, args: &[String]) -> Result<Vec<String>, String> {
    let skip = match line_count("tail", args)? {
        // `tail -n +N`: from line N on.
        (Some('+'), n) => n.saturating_sub(1).min(lines.len()),
        (_, n) => lines.len().saturating_sub(n),
    };
    lines.drain(..skip);
    Ok(lines)
}

pub fn wc(lines: &[String], args: &[String]) -> Result<Vec<String>, String> {
    let (mut l, mut w, mut c) = (false, false, false);
    for arg in args {
        match arg.as_str() {
            "--lines" => l = true,
            "--words" => w = true,
            "--bytes" | "--chars" => c = true,
            a if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") => {
                for ch in a[1..].chars() {
                    match ch {
                        'l' => l = true,
                        'w' => w = true,
                        'c' | 'm' => c = true,
                        other => {
                            return Err(format!(
                                "wc: invalid option -- '{other}'\nTry 'wc --help' for more information."
                            ));
                        }
                    }
                }
            }
            a if a.starts_with("--") => {
                return Err(format!("wc: unrecognized option '{a}'\nTry 'wc --help' for more information."));
            }
            file => return Err(no_file("wc", file)),
        }
    }
    if !(l || w || c) {
        (l, w, c) = (true, true, true);
    }
    let counts: Vec<usize> = [
        l.then_some(lines.len()),
        w.then(|| lines.iter().map(|x| x.split_whitespace().count()).sum()),
        c.then(|| lines.iter().map(|x| x.len() + 1).sum()),
    ]
    .into_iter()
    .flatten()
    .collect();
    // One count prints bare; several line up in columns seven wide.
    let text = if counts.len() == 1 {
        counts[0].to_string()
    } else {
        counts.iter().map(|n| format!("{n:>7}")).collect::<Vec<_>>().join(" ")
    };
    Ok(vec![text])
}

/// One `sort` key: fields `start..=end` (1-based), and how to compare them.
#[derive(Clone, Copy, Default)]
struct Key {
    start: usize,
    end: Option<usize>,
    numeric: bool,
    human: bool,
    reverse: bool,
    fold: bool,
}

#[derive(Default)]
struct SortOptions {
    keys: Vec<Key>,
    global: Key,
    unique: bool,
    separator: Option<char>,
}

/// A key spec: `3`, `3,3`, `2n`, `3,3nr`.
fn parse_key(spec: &str) -> Option<Key> {
    let mut key = Key::default();
    let (start, end) = match spec.split_once(',') {
        Some((s, e)) => (s, Some(e)),
        None => (spec, None),
    };
    let field = |part: &str, key: &mut Key| -> Option<usize> {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let field = digits.split('.').next()?.parse::<usize>().ok().filter(|n| *n > 0)?;
        for m in part[digits.len()..].chars() {
            match m {
                'n' | 'g' => key.numeric = true,
                'h' => key.human = true,
                'r' => key.reverse = true,
                'f' => key.fold = true,
                'b' => {}
                _ => return None,
            }
        }
        Some(field)
    };
    key.start = field(start, &mut key)?;
    key.end = match end {
        Some(e) => Some(field(e, &mut key)?),
        None => None,
    };
    Some(key)
}

fn parse_sort(args: &[String]) -> Result<SortOptions, String> {
    let mut o = SortOptions::default();
    let bad_key = |spec: &str| format!("sort: invalid number at field start: invalid count at start of ‘{spec}’");
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = long.split_once('=').unwrap_or((long, ""));
            match name {
                "reverse" => o.global.reverse = true,
                "numeric-sort" | "general-numeric-sort" => o.global.numeric = true,
                "human-numeric-sort" => o.global.human = true,
                "unique" => o.unique = true,
                "ignore-case" => o.global.fold = true,
                "ignore-leading-blanks" | "stable" => {}
                "key" => {
                    let spec = value_of(args, &mut i, inline).ok_or("sort: option requires an argument -- 'k'")?;
                    o.keys.push(parse_key(&spec).ok_or_else(|| bad_key(&spec))?);
                }
                "field-separator" => {
                    let sep = value_of(args, &mut i, inline).ok_or("sort: option requires an argument -- 't'")?;
                    o.separator = sep.chars().next();
                }
                _ => return Err(format!("sort: unrecognized option '{arg}'\nTry 'sort --help' for more information.")),
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            let body = &arg[1..];
            for (at, c) in body.char_indices() {
                match c {
                    'r' => o.global.reverse = true,
                    'n' | 'g' => o.global.numeric = true,
                    'h' => o.global.human = true,
                    'u' => o.unique = true,
                    'f' => o.global.fold = true,
                    'b' | 's' | 'V' => {}
                    'k' | 't' => {
                        let spec = value_of(args, &mut i, &body[at + 1..])
                            .ok_or_else(|| format!("sort: option requires an argument -- '{c}'"))?;
                        if c == 'k' {
                            o.keys.push(parse_key(&spec).ok_or_else(|| bad_key(&spec))?);
                        } else {
                            o.separator = spec.chars().next();
                        }
                        break;
                    }
                    other => {
                        return Err(format!(
                            "sort: invalid option -- '{other}'\nTry 'sort --help' for more information."
                        ));
                    }
                }
            }
        } else {
            return Err(format!("sort: cannot read: {arg}: No such file or directory"));
        }
    }
    Ok(o)
}

fn fields(line: &str, separator: Option<char>) -> Vec<&str> {
    match separator {
        Some(sep) => line.split(sep).collect(),
        None => line.split_whitespace().collect(),
    }
}

/// A number at the start of text, as `sort -n` reads it (nothing numeric is 0), with `-h`'s
/// SI suffixes (`120Mi`, `2G`).
fn leading_number(text: &str, human: bool) -> f64 {
    let text = text.trim_start();
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(text.len(), |(i, _)| i);
    let number = text[..end].parse::<f64>().unwrap_or(0.0);
    if !human {
        return number;
    }
    let power = match text[end..].chars().next() {
        Some('k' | 'K') => 1,
        Some('M') => 2,
        Some('G') => 3,
        Some('T') => 4,
        Some('P') => 5,
        _ => 0,
    };
    number * 1024_f64.powi(power)
}

fn compare(a: &str, b: &str, key: Key) -> Ordering {
    let order = if key.numeric || key.human {
        leading_number(a, key.human).total_cmp(&leading_number(b, key.human))
    } else if key.fold {
        a.to_lowercase().cmp(&b.to_lowercase())
    } else {
        a.cmp(b)
    };
    if key.reverse { order.reverse() } else { order }
}

fn key_text(line: &str, key: Key, separator: Option<char>) -> String {
    let fields = fields(line, separator);
    let start = key.start.saturating_sub(1).min(fields.len());
    let end = key.end.map_or(fields.len(), |e| e.min(fields.len())).max(start);
    fields[start..end].join(&separator.map_or(" ".to_owned(), String::from))
}

pub fn sort(mut lines: Vec<String>, args: &[String]) -> Result<Vec<String>, String> {
    let o = parse_sort(args)?;
    let keys: Vec<Key> = o
        .keys
        .iter()
        .map(|k| {
            let own = k.numeric || k.human || k.reverse || k.fold;
            if own { *k } else { Key { start: k.start, end: k.end, ..o.global } }
        })
        .collect();
    let by_keys = |a: &String, b: &String| -> Ordering {
        if keys.is_empty() {
            return compare(a, b, o.global);
        }
        keys.iter()
            .map(|k| compare(&key_text(a, *k, o.separator), &key_text(b, *k, o.separator), *k))
            .find(|ord| ord.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    // GNU sort breaks ties by the whole line, unless asked for unique keys.
    lines.sort_by(|a, b| {
        by_keys(a, b).then_with(|| {
            if o.unique {
                Ordering::Equal
            } else if o.global.reverse {
                b.cmp(a)
            } else {
                a.cmp(b)
            }
        })
    });
    if o.unique {
        lines.dedup_by(|b, a| by_keys(a, b).is_eq());
    }
    Ok(lines)
}

pub fn uniq(lines: &[String], args: &[String]) -> Result<Vec<String>, String> {
    let (mut count, mut repeated, mut single, mut fold) = (false, false, false, false);
    for arg in args {
        match arg.as_str() {
            "--count" => count = true,
            "--repeated" => repeated = true,
            "--unique" => single = true,
            "--ignore-case" => fold = true,
            a if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") => {
                for c in a[1..].chars() {
                    match c {
                        'c' => count = true,
                        'd' => repeated = true,
                        'u' => single = true,
                        'i' => fold = true,
                        other => {
                            return Err(format!(
                                "uniq: invalid option -- '{other}'\nTry 'uniq --help' for more information."
                            ));
                        }
                    }
                }
            }
            a if a.starts_with("--") => {
                return Err(format!("uniq: unrecognized option '{a}'\nTry 'uniq --help' for more information."));
            }
            file => return Err(no_file("uniq", file)),
        }
    }
    let same = |a: &str, b: &str| if fold { a.eq_ignore_ascii_case(b) } else { a == b };
    let mut groups: Vec<(usize, &String)> = Vec::new();
    for line in lines {
        match groups.last_mut() {
            Some((n, first)) if same(first, line) => *n += 1,
            _ => groups.push((1, line)),
        }
    }
    Ok(groups
        .into_iter()
        .filter(|(n, _)| (!repeated || *n > 1) && (!single || *n == 1))
        .map(|(n, line)| if count { format!("{n:>7} {line}") } else { line.clone() })
        .collect())
}

/// A `cut` list (`1,3`, `2-4`, `-2`, `3-`) as 1-based inclusive ranges.
fn parse_list(list: &str) -> Option<Vec<(usize, usize)>> {
    list.split(',')
        .map(|part| {
            let number = |s: &str, default: usize| if s.is_empty() { Some(default) } else { s.parse().ok() };
            let (a, b) = if let Some((a, b)) = part.split_once('-') {
                (number(a, 1)?, number(b, usize::MAX)?)
            } else {
                let n = part.parse().ok()?;
                (n, n)
            };
            (a > 0 && a <= b).then_some((a, b))
        })
        .collect()
}

pub fn cut(lines: &[String], args: &[String]) -> Result<Vec<String>, String> {
    let mut delimiter = '\t';
    let mut fields: Option<Vec<(usize, usize)>> = None;
    let mut chars: Option<Vec<(usize, usize)>> = None;
    let mut only_delimited = false;
    let list = |spec: Option<String>, what: &str| -> Result<Vec<(usize, usize)>, String> {
        let spec = spec.ok_or_else(|| format!("cut: option requires an argument -- '{what}'"))?;
        if spec.split([',', '-']).any(|n| n == "0") {
            return Err(
                "cut: fields and positions are numbered from 1\nTry 'cut --help' for more information.".to_owned()
            );
        }
        parse_list(&spec).ok_or_else(|| format!("cut: invalid field value ‘{spec}’"))
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if let Some(v) = arg.strip_prefix("--delimiter").or_else(|| arg.strip_prefix("-d")) {
            let d = value_of(args, &mut i, v).ok_or("cut: option requires an argument -- 'd'")?;
            let mut it = d.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => delimiter = c,
                _ => return Err("cut: the delimiter must be a single character".to_owned()),
            }
        } else if let Some(v) = arg.strip_prefix("--fields").or_else(|| arg.strip_prefix("-f")) {
            fields = Some(list(value_of(args, &mut i, v), "f")?);
        } else if let Some(v) = arg
            .strip_prefix("--characters")
            .or_else(|| arg.strip_prefix("--bytes"))
            .or_else(|| arg.strip_prefix("-c"))
            .or_else(|| arg.strip_prefix("-b"))
        {
            chars = Some(list(value_of(args, &mut i, v), "c")?);
        } else if arg == "-s" || arg == "--only-delimited" {
            only_delimited = true;
        } else if arg.starts_with('-') {
            return Err(format!(
                "cut: invalid option -- '{}'\nTry 'cut --help' for more information.",
                arg.chars().nth(1).unwrap_or('-')
            ));
        } else {
            return Err(no_file("cut", arg));
        }
    }
    let picked = |n: usize, ranges: &[(usize, usize)]| ranges.iter().any(|&(a, b)| a <= n && n <= b);
    match (fields, chars) {
        (Some(ranges), None) => Ok(lines
            .iter()
            .filter(|l| !only_delimited || l.contains(delimiter))
            .map(|l| {
                if !l.contains(delimiter) {
                    return l.clone();
                }
                let kept: Vec<&str> =
                    l.split(delimiter).enumerate().filter(|(n, _)| picked(n + 1, &ranges)).map(|(_, f)| f).collect();
                kept.join(&delimiter.to_string())
            })
            .collect()),
        (None, Some(ranges)) => Ok(lines
            .iter()
            .map(|l| l.chars().enumerate().filter(|(n, _)| picked(n + 1, &ranges)).map(|(_, c)| c).collect())
            .collect()),
        (Some(_), Some(_)) => {
            Err("cut: only one type of list may be specified\nTry 'cut --help' for more information.".to_owned())
        }
        (None, None) => {
            Err("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information."
                .to_owned())
        }
    }
}
