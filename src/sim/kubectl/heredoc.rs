//! A command that carries its standard input as a shell here-document, the way a responder pastes
//! a manifest: `kubectl apply -f - <<EOF`, the body's lines, then `EOF`. The console has no files
//! and no pipes from programs, so this is how `apply -f -`, `create -f -`, `replace -f -`,
//! `diff -f -` and `edit` get their text. `<<'EOF'`, `<<"EOF"` and `<<-EOF` (leading tabs
//! stripped) read as in a shell; nothing in the body is expanded.

/// A command line split from its here-document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The first line without the `<<WORD` marker.
    pub command: String,
    /// The body, each line ending in `\n`; `None` when the line has no here-document.
    pub body: Option<String>,
}

/// Splits `text` into its command and here-document. Without a `<<WORD` marker on the first line
/// the whole text is the command. A body that never reaches its terminator ends at the end of the
/// text, as a shell reads it (with a warning there).
pub fn split(text: &str) -> Split {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let Some(marker) = marker(first) else {
        return Split { command: text.to_owned(), body: None };
    };
    let mut body = String::new();
    for line in rest.lines() {
        let line = if marker.strip_tabs { line.trim_start_matches('\t') } else { line };
        if line == marker.word {
            break;
        }
        body.push_str(line);
        body.push('\n');
    }
    let command = format!("{}{}", &first[..marker.start], &first[marker.end..]);
    Split { command: command.trim_end().to_owned(), body: Some(body) }
}

/// Whether the first line of `text` opens a here-document, and the word that ends it.
pub fn terminator(line: &str) -> Option<(String, bool)> {
    marker(line).map(|m| (m.word, m.strip_tabs))
}

/// `command` with `body` as its here-document, ended by a word that no line of the body is
/// (`EOF`, else `EOF1`, …), so any text travels intact.
pub fn wrap(command: &str, body: &str) -> String {
    let mut word = "EOF".to_owned();
    let mut n = 0;
    while body.lines().any(|l| l == word) {
        n += 1;
        word = format!("EOF{n}");
    }
    let newline = if body.is_empty() || body.ends_with('\n') { "" } else { "\n" };
    format!("{command} <<'{word}'\n{body}{newline}{word}")
}

struct Marker {
    start: usize,
    end: usize,
    word: String,
    strip_tabs: bool,
}

/// The `<<WORD` on a line, outside quotes (`<<<` is a here-string, not a here-document).
fn marker(line: &str) -> Option<Marker> {
    let bytes = line.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match (quote, c) {
            (None, b'\'' | b'"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'<') if line[i..].starts_with("<<<") => {
                i += line[i..].len() - line[i..].trim_start_matches('<').len();
                continue;
            }
            (None, b'<') if bytes.get(i + 1) == Some(&b'<') => return word_after(line, i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn word_after(line: &str, start: usize) -> Option<Marker> {
    let mut at = start + 2;
    let strip_tabs = line[at..].starts_with('-');
    if strip_tabs {
        at += 1;
    }
    at += line[at..].len() - line[at..].trim_start_matches([' ', '\t']).len();
    let rest = &line[at..];
    let first = rest.chars().next()?;
    let (word, len) = if matches!(first, '\'' | '"') {
        let close = rest[1..].find(first)?;
        (rest[1..=close].to_owned(), close + 2)
    } else {
        let len =
            rest.find(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '<' | '>')).unwrap_or(rest.len());
        (rest[..len].to_owned(), len)
    };
    if word.is_empty() {
        return None;
    }
    Some(Marker { start, end: at + len, word, strip_tabs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heredoc_is_split_from_its_command_as_a_shell_reads_it() {
        let s = split("kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nEOF");
        assert_eq!(s.command, "kubectl apply -f -");
        assert_eq!(s.body.as_deref(), Some("apiVersion: v1\nkind: ConfigMap\n"));
        let s = split("kubectl apply -f - <<'END'\na: $HOME\n\tEND\nEND\nafter");
        assert_eq!(s.body.as_deref(), Some("a: $HOME\n\tEND\n"));
        let s = split("kubectl apply -f - <<-EOF\n\ta: 1\n\tEOF\n");
        assert_eq!(s.body.as_deref(), Some("a: 1\n"));
        let s = split("cat <<\"X\" -n shop\nbody");
        assert_eq!((s.command.as_str(), s.body.as_deref()), ("cat  -n shop", Some("body\n")));
    }

    #[test]
    fn lines_without_a_heredoc_stay_whole() {
        for line in ["kubectl get pods", "echo 'a <<b'", "cat <<<word", "x <<"] {
            assert_eq!(split(line), Split { command: line.to_owned(), body: None }, "{line}");
        }
    }

    #[test]
    fn wrapping_picks_a_terminator_the_body_does_not_use() {
        let text = wrap("kubectl apply -f -", "a: 1\nEOF\n");
        assert_eq!(text, "kubectl apply -f - <<'EOF1'\na: 1\nEOF\nEOF1");
        assert_eq!(split(&text).body.as_deref(), Some("a: 1\nEOF\n"));
        assert_eq!(terminator("kubectl apply -f - <<-'EOF'"), Some(("EOF".to_owned(), true)));
    }
}
