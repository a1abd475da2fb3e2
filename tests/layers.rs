//! The crate's layers import only what they may. The simulation, the scenarios and the game are
//! pure (no async runtime, terminal, files, sockets, clock, threads, processes or standard
//! streams); the simulation knows nothing above it, scenarios know no game, the game no room;
//! the network knows no TUI or CLI, and the TUI reaches the network only through its client.
//!
//! Every `.rs` file under `src/` is read with its comments and string literals blanked out; its
//! `use` trees are expanded (`use crate::{a, b::c}` is two paths), and every path in the code is
//! resolved against the file's module (`super::super::game` from `src/scenario/x.rs` is
//! `crate::game`), its own imports (`net::protocol` after `use crate::net`) and the crate's
//! top-level modules. Violations that the code had when this test was written, and that are being
//! removed, are listed in [`KNOWN_VIOLATIONS`] by file and rule; any other fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The crate's top-level modules: a path that starts with one of them (and is not a child module
/// of the same name) starts at the crate root.
const TOP_LEVEL: [&str; 7] = ["sim", "scenario", "game", "room", "net", "tui", "cli"];

/// What a pure layer never touches: I/O, the clock, threads, processes, the environment, the
/// async runtime and the terminal. `std::io::Write` and `std::fmt::Write` stay allowed: they
/// format into buffers.
const IMPURE: &[Forbidden] = &[
    Forbidden::Crate("tokio"),
    Forbidden::Crate("ratatui"),
    Forbidden::Crate("crossterm"),
    Forbidden::Crate("directories"),
    Forbidden::Crate("tracing_appender"),
    Forbidden::Path("std::fs"),
    Forbidden::Path("std::net"),
    Forbidden::Path("std::thread"),
    Forbidden::Path("std::process"),
    Forbidden::Path("std::time::Instant"),
    Forbidden::Anywhere("SystemTime"),
    Forbidden::Path("std::io::stdin"),
    Forbidden::Path("std::io::stdout"),
    Forbidden::Path("std::io::stderr"),
    Forbidden::Path("std::io::Stdin"),
    Forbidden::Path("std::io::Stdout"),
    Forbidden::Path("std::io::Stderr"),
    Forbidden::Path("std::env"),
    Forbidden::Anywhere("print!"),
    Forbidden::Anywhere("println!"),
    Forbidden::Anywhere("eprint!"),
    Forbidden::Anywhere("eprintln!"),
    Forbidden::Anywhere("dbg!"),
];

/// One thing a layer must not mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Forbidden {
    /// An external crate: any path starting with it.
    Crate(&'static str),
    /// Any path starting with these segments (after resolving it).
    Path(&'static str),
    /// A name, wherever it appears in a path (a macro is `name!`).
    Anywhere(&'static str),
}

impl Forbidden {
    fn matches(self, path: &[String]) -> bool {
        match self {
            Forbidden::Crate(name) => path.first().is_some_and(|first| first == name),
            Forbidden::Path(prefix) => {
                let prefix: Vec<&str> = prefix.split("::").collect();
                path.len() >= prefix.len() && path.iter().zip(&prefix).all(|(a, b)| a == b)
            }
            Forbidden::Anywhere(name) => path.iter().any(|segment| segment == name),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Forbidden::Crate(name) | Forbidden::Path(name) | Forbidden::Anywhere(name) => name,
        }
    }
}

/// The rules: for each layer (the top-level module a file belongs to), what it must not mention.
fn rules() -> Vec<(&'static str, Vec<Forbidden>)> {
    let modules = |names: &[&'static str]| names.iter().copied().map(Forbidden::Path).collect::<Vec<_>>();
    let pure = |above: &[&'static str]| IMPURE.iter().copied().chain(modules(above)).collect::<Vec<_>>();
    vec![
        ("sim", pure(&["crate::scenario", "crate::game", "crate::room", "crate::net", "crate::tui", "crate::cli"])),
        ("scenario", pure(&["crate::game", "crate::room", "crate::net", "crate::tui", "crate::cli"])),
        ("game", pure(&["crate::room", "crate::net", "crate::tui", "crate::cli"])),
        ("room", modules(&["crate::net", "crate::tui", "crate::cli"])),
        ("net", modules(&["crate::tui", "crate::cli"])),
        ("tui", modules(&["crate::net::protocol", "crate::net::server", "crate::net::lan", "crate::net::codec"])),
    ]
}

/// The rule a violation breaks, as [`KNOWN_VIOLATIONS`] names it: `"<layer> must not use <path>"`.
fn rule_name(layer: &str, forbidden: Forbidden) -> String {
    format!("{layer} must not use {}", forbidden.name())
}

/// Violations allowed for now, each (file, rule). None: every layer keeps to its rules. Never add
/// one; the second test fails for an entry whose file no longer breaks its rule.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    file: String,
    line: usize,
    rule: String,
    /// The paths on that line that break the rule, resolved.
    paths: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {} (it mentions {})", self.file, self.line, self.rule, self.paths.join(", "))
    }
}

/// Every `.rs` file under `src/`, as (path relative to the crate, text), in a stable order.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src")];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let relative = path.strip_prefix(root).expect("under the crate").to_string_lossy().replace('\\', "/");
                files.push((relative, text));
            }
        }
    }
    files.sort();
    files
}

/// Every violation in one file, `file` being its path relative to the crate (`src/…`).
fn violations(file: &str, source: &str) -> Vec<Violation> {
    let module = module_of(file);
    let Some(layer) = module.first() else { return Vec::new() };
    let rules = rules();
    let Some((layer, forbidden)) = rules.iter().find(|(l, _)| l == layer) else { return Vec::new() };
    let mut found: BTreeMap<(usize, String), BTreeSet<String>> = BTreeMap::new();
    for (line, path) in paths(&module, source) {
        for &f in forbidden {
            if f.matches(&path) {
                found.entry((line, rule_name(layer, f))).or_default().insert(path.join("::"));
            }
        }
    }
    found
        .into_iter()
        .map(|((line, rule), paths)| Violation {
            file: file.to_owned(),
            line,
            rule,
            paths: paths.into_iter().collect(),
        })
        .collect()
}

/// The module a file is: `src/sim/kubectl.rs` is `sim::kubectl`; `src/lib.rs` and `src/main.rs`
/// belong to no layer.
fn module_of(file: &str) -> Vec<String> {
    let Some(inner) = file.strip_prefix("src/").and_then(|f| f.strip_suffix(".rs")) else { return Vec::new() };
    if inner == "lib" || inner == "main" {
        return Vec::new();
    }
    let mut module: Vec<String> = inner.split('/').map(str::to_owned).collect();
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    module
}

/// The source with comments (line, doc and block) and the insides of string and character
/// literals replaced by spaces; line breaks stay where they were.
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let before = if i > 0 { Some(chars[i - 1]) } else { None };
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !before.is_some_and(|b| ident(b) && b != 'b') {
            // A raw string: r"…", r#"…"#, br"…".
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            out.push('r');
            out.extend(std::iter::repeat_n(' ', hashes));
            out.push('"');
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.push('"');
                    out.extend(std::iter::repeat_n(' ', hashes));
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => {
                        out.push(' ');
                        if let Some(&escaped) = chars.get(i + 1) {
                            out.push(blank(escaped));
                        }
                        i += 2;
                    }
                    '"' => {
                        out.push('"');
                        i += 1;
                        break;
                    }
                    other => {
                        out.push(blank(other));
                        i += 1;
                    }
                }
            }
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{1b}', '"'); a lifetime has no closing quote.
            out.push('\'');
            i += 1;
            if chars.get(i) == Some(&'\\') {
                out.push_str("  ");
                i += 2;
            }
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Identifiers, `::` and single punctuation, each with its line (from 1).
fn tokens(stripped: &str) -> Vec<(usize, Token)> {
    let mut out = Vec::new();
    for (n, line) in stripped.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphabetic() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let word = word.strip_prefix("r#").map_or(word.clone(), str::to_owned);
                out.push((n + 1, Token::Ident(word)));
            } else if c.is_ascii_digit() {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                    i += 1;
                }
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                out.push((n + 1, Token::PathSep));
                i += 2;
            } else {
                if !c.is_whitespace() {
                    out.push((n + 1, Token::Punct(c)));
                }
                i += 1;
            }
        }
    }
    out
}

/// What a file's names stand for while resolving its paths.
struct Scope<'a> {
    /// The file's module.
    file: &'a [String],
    /// Inline `mod name { … }` blocks open here, with the brace depth inside each.
    inline: Vec<(String, usize)>,
    /// `mod name;` declared in the file: a path starting with `name` is relative.
    children: BTreeSet<String>,
    /// Names brought in by `use`, with the path each stands for.
    imported: BTreeMap<String, Vec<String>>,
}

impl Scope<'_> {
    fn module(&self) -> Vec<String> {
        self.file.iter().cloned().chain(self.inline.iter().map(|(m, _)| m.clone())).collect()
    }

    /// The path as the crate sees it: `crate::…` for the crate's own items, else as written.
    fn resolve(&self, path: &[String]) -> Vec<String> {
        let Some(first) = path.first() else { return Vec::new() };
        match first.as_str() {
            "crate" => path.to_vec(),
            "self" | "super" => {
                let mut module = self.module();
                let mut rest = path;
                while let Some(head) = rest.first() {
                    match head.as_str() {
                        "self" => {}
                        "super" => {
                            module.pop();
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                ["crate".to_owned()].into_iter().chain(module).chain(rest.iter().cloned()).collect()
            }
            name => {
                if let Some(target) = self.imported.get(name) {
                    target.iter().chain(&path[1..]).cloned().collect()
                } else if path.len() > 1 && TOP_LEVEL.contains(&name) && !self.children.contains(name) {
                    // `game::Seat`, not a variable called `game`.
                    ["crate".to_owned()].into_iter().chain(path.iter().cloned()).collect()
                } else {
                    path.to_vec()
                }
            }
        }
    }
}

/// Every path a file mentions, resolved, with its line: each leaf of each `use` tree, each path
/// in the code (`a::b::c`, a lone name, a macro as `name!`).
fn paths(module: &[String], source: &str) -> Vec<(usize, Vec<String>)> {
    let tokens = tokens(&strip(source));
    let mut scope = Scope { file: module, inline: Vec::new(), children: BTreeSet::new(), imported: BTreeMap::new() };
    for window in tokens.windows(3) {
        if let [(_, Token::Ident(m)), (_, Token::Ident(name)), (_, Token::Punct(';'))] = window
            && m == "mod"
        {
            scope.children.insert(name.clone());
        }
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let (line, token) = &tokens[i];
        match token {
            Token::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Token::Punct('}') => {
                if scope.inline.last().is_some_and(|(_, d)| *d == depth) {
                    scope.inline.pop();
                }
                depth -= 1;
                i += 1;
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some((_, Token::Ident(name))), Some((_, Token::Punct('{')))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    scope.inline.push((name.clone(), depth + 1));
                }
                i += 1;
            }
            Token::Ident(word) if word == "use" => {
                i += 1;
                let mut leaves = Vec::new();
                use_tree(&tokens, &mut i, &[], &mut leaves);
                for (line, path, alias) in leaves {
                    let resolved = scope.resolve(&path);
                    if let Some(alias) = alias.filter(|a| a != "_" && a != "*") {
                        scope.imported.insert(alias, resolved.clone());
                    }
                    out.push((line, resolved));
                }
            }
            Token::Ident(_) => {
                let mut path = Vec::new();
                while let Some((_, Token::Ident(segment))) = tokens.get(i) {
                    path.push(segment.clone());
                    if tokens.get(i + 1).is_some_and(|(_, t)| *t == Token::PathSep)
                        && matches!(tokens.get(i + 2), Some((_, Token::Ident(_))))
                    {
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                }
                if tokens.get(i).is_some_and(|(_, t)| *t == Token::Punct('!'))
                    && let Some(last) = path.last_mut()
                {
                    last.push('!');
                }
                out.push((*line, scope.resolve(&path)));
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads one use tree at `*i` (after `use`, or inside braces), appending each leaf as (line,
/// full path, the name it brings in). Stops after the tree, at a `,`, `}` or `;`; a `;` is
/// consumed.
fn use_tree(
    tokens: &[(usize, Token)],
    i: &mut usize,
    prefix: &[String],
    leaves: &mut Vec<(usize, Vec<String>, Option<String>)>,
) {
    let mut path = prefix.to_vec();
    loop {
        let Some((line, token)) = tokens.get(*i) else { return };
        match token {
            Token::PathSep => *i += 1,
            Token::Ident(word) if word == "as" => {
                let alias = match tokens.get(*i + 1) {
                    Some((_, Token::Ident(alias))) => alias.clone(),
                    _ => "_".to_owned(),
                };
                *i += 2;
                if let Some(leaf) = leaves.last_mut() {
                    leaf.2 = Some(alias);
                }
            }
            Token::Ident(word) => {
                path.push(word.clone());
                *i += 1;
                if !tokens.get(*i).is_some_and(|(_, t)| *t == Token::PathSep) {
                    // A leaf; `self` in a group stands for the group's own path.
                    if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
                        path.pop();
                    }
                    let name = path.last().cloned();
                    leaves.push((*line, path.clone(), name));
                }
            }
            Token::Punct('*') => {
                leaves.push((*line, path.clone(), None));
                *i += 1;
            }
            Token::Punct('{') => {
                *i += 1;
                loop {
                    use_tree(tokens, i, &path, leaves);
                    match tokens.get(*i) {
                        Some((_, Token::Punct(','))) => *i += 1,
                        Some((_, Token::Punct('}'))) => {
                            *i += 1;
                            break;
                        }
                        _ => return,
                    }
                    if tokens.get(*i).is_some_and(|(_, t)| *t == Token::Punct('}')) {
                        *i += 1;
                        break;
                    }
                }
            }
            Token::Punct(';') => {
                *i += 1;
                return;
            }
            Token::Punct(_) => return,
        }
    }
}

#[test]
fn each_layer_imports_only_what_it_may() {
    let files = sources();
    assert!(files.len() > 50, "src/ has only {} files: is this the crate's directory?", files.len());
    let known: BTreeSet<(&str, &str)> = KNOWN_VIOLATIONS.iter().copied().collect();
    let mut new = Vec::new();
    for (file, text) in &files {
        for v in violations(file, text) {
            if !known.contains(&(v.file.as_str(), v.rule.as_str())) {
                new.push(v.to_string());
            }
        }
    }
    assert!(new.is_empty(), "{} layer violation(s):\n{}", new.len(), new.join("\n"));
}

#[test]
fn every_known_violation_is_still_there() {
    let files = sources();
    let mut broken: BTreeSet<(String, String)> = BTreeSet::new();
    for (file, text) in &files {
        broken.extend(violations(file, text).into_iter().map(|v| (v.file, v.rule)));
    }
    let fixed: Vec<String> = KNOWN_VIOLATIONS
        .iter()
        .filter(|(file, rule)| !broken.contains(&((*file).to_owned(), (*rule).to_owned())))
        .map(|(file, rule)| format!("{file}: {rule}"))
        .collect();
    assert!(fixed.is_empty(), "fixed, so remove from KNOWN_VIOLATIONS:\n{}", fixed.join("\n"));
}

#[cfg(test)]
mod checker {
    use super::*;

    fn found(file: &str, source: &str) -> Vec<(usize, String)> {
        violations(file, source).into_iter().map(|v| (v.line, v.rule)).collect()
    }

    #[test]
    fn a_scenario_that_reaches_for_the_game_the_runtime_and_the_terminal_is_caught() {
        let source = r##"//! A scenario module that breaks every rule it can.
use std::fmt::Write as _;
use std::io::Write;
use crate::{sim::Cluster, game::{Seat, Game}};
use super::super::room;
// use tokio::spawn; is only a comment
/* and so is use ratatui::Frame; */
fn f(out: &mut String) {
    let _ = "tokio::spawn and std::fs::read in a string";
    let _ = '"';
    let _ = r#"crossterm"#;
    std::fs::read_to_string("x");
    let now = std::time::SystemTime::now();
    tokio::spawn(async {});
    println!("{now:?}");
}
use std::io;
fn g() { io::stdout(); }
use crate::net;
fn h() -> net::protocol::Thing { todo!() }
"##;
        assert_eq!(
            found("src/scenario/fake.rs", source),
            vec![
                (4, "scenario must not use crate::game".to_owned()),
                (5, "scenario must not use crate::room".to_owned()),
                (12, "scenario must not use std::fs".to_owned()),
                (13, "scenario must not use SystemTime".to_owned()),
                (14, "scenario must not use tokio".to_owned()),
                (15, "scenario must not use println!".to_owned()),
                (18, "scenario must not use std::io::stdout".to_owned()),
                (19, "scenario must not use crate::net".to_owned()),
                (20, "scenario must not use crate::net".to_owned()),
            ]
        );
    }

    #[test]
    fn the_tui_may_use_the_client_but_not_the_wire() {
        let source = "use crate::net::client::{Client, ClientEvent};\nuse crate::net::{self, protocol::LobbyView};\n\
                      fn f() { net::server::Server::bind(); super::super::super::net::codec::encode(); }\n";
        assert_eq!(
            found("src/tui/app/fake.rs", source),
            vec![
                (2, "tui must not use crate::net::protocol".to_owned()),
                (3, "tui must not use crate::net::codec".to_owned()),
                (3, "tui must not use crate::net::server".to_owned()),
            ]
        );
    }

    #[test]
    fn inline_modules_and_child_modules_resolve_where_they_are() {
        // `super::super::game` from a test module inside src/scenario/x.rs is crate::scenario::game.
        let inline = "mod tests {\n    use super::super::game::Thing;\n}\nuse super::super::game::Other;\n";
        assert_eq!(found("src/scenario/x.rs", inline), vec![(4, "scenario must not use crate::game".to_owned())]);
        // A child module named like a layer is not that layer.
        assert_eq!(found("src/net/loadtest.rs", "mod tui;\nfn f() { tui::run(); }\n"), Vec::new());
        assert_eq!(
            found("src/net/loadtest.rs", "fn f() { tui::run(); }\n"),
            vec![(1, "net must not use crate::tui".to_owned())]
        );
    }

    #[test]
    fn files_outside_the_layers_are_not_checked() {
        assert_eq!(found("src/main.rs", "use tokio::runtime;\nuse kombat::tui;\n"), Vec::new());
        assert_eq!(found("src/lib.rs", "pub mod tui;\n"), Vec::new());
    }
}
