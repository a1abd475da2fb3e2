//! Player text made safe to store and draw: control and escape characters, bidirectional
//! overrides and zero-width characters removed, whitespace folded, length bounded.

use crate::sim::kubectl;

/// The longest chat message or status text kept, in characters.
pub const MAX_TEXT: usize = 500;

/// Strips what could move a cursor, recolour a terminal or hide text, and bounds the length.
pub fn sanitize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| !is_dangerous(*c))
        .collect();
    let folded = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.chars().take(MAX_TEXT).collect()
}

/// Multi-line text (command output, a briefing) made safe to draw: the same characters go as in
/// [`sanitize`], but line breaks stay and tabs become spaces; the length is not bounded.
pub fn sanitize_block(text: &str) -> String {
    text.chars().map(|c| if c == '\t' { ' ' } else { c }).filter(|c| *c == '\n' || !is_dangerous(*c)).collect()
}

/// The longest command line kept, in characters.
pub const MAX_COMMAND: usize = 1000;

/// The most a command's here-document may hold, in bytes: a manifest or an edited object, kept
/// well inside a network frame (`net::protocol::MAX_FRAME`) with the event that carries it.
pub const MAX_COMMAND_BODY: usize = 16 * 1024;

/// A console line as the game keeps it: one line, without what could hide or move text, at most
/// [`MAX_COMMAND`] characters. Every path to the game cleans lines this way, since the game
/// checks and runs what it keeps and they reach other screens and the postmortem.
///
/// A line that opens a here-document (`kubectl apply -f - <<EOF`) keeps its body's lines after
/// it, at most [`MAX_COMMAND_BODY`] bytes of them ([`kubectl::heredoc`]).
pub fn clean_command(line: &str) -> String {
    let clean = sanitize_block(line);
    let (first, body) = clean.split_once('\n').unwrap_or((&clean, ""));
    let first = first.chars().take(MAX_COMMAND).collect::<String>().trim().to_owned();
    if kubectl::heredoc::terminator(&first).is_none() || body.is_empty() {
        return clean.replace('\n', " ").chars().take(MAX_COMMAND).collect::<String>().trim().to_owned();
    }
    let mut end = body.len().min(MAX_COMMAND_BODY);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{first}\n{}", body[..end].trim_end())
}

/// Control characters (C0, DEL, C1) and every character that is invisible or reorders text: the
/// Unicode format characters (bidi controls and isolates, zero-width and joiner characters, soft
/// hyphen, invisible operators, interlinear annotation, tags), the Hangul and Mongolian fillers,
/// the combining grapheme joiner and variation selectors.
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_are_removed() {
        assert_eq!(sanitize("hi\u{1b}[2J there"), "hi[2J there");
        assert_eq!(sanitize("a\u{202e}b\u{200b}c"), "abc");
        assert_eq!(sanitize("  many   spaces\n\tand lines "), "many spaces and lines");
        assert_eq!(sanitize(&"x".repeat(2000)).chars().count(), MAX_TEXT);
        assert_eq!(sanitize("\u{9b}31m"), "31m");
        assert_eq!(sanitize_block("a\tb\n\u{1b}[31mred\r\n"), "a b\n[31mred\n");
        // Invisible and reordering format characters a peer could hide text with.
        for c in [
            '\u{061C}',
            '\u{00AD}',
            '\u{180E}',
            '\u{206A}',
            '\u{206F}',
            '\u{FFF9}',
            '\u{FFFB}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{2066}',
            '\u{200D}',
        ] {
            assert_eq!(sanitize(&format!("a{c}b")), "ab", "U+{:04X}", u32::from(c));
            assert_eq!(sanitize_block(&format!("a{c}b")), "ab", "U+{:04X}", u32::from(c));
        }
        assert_eq!(clean_command(" get pods\n-n shop\u{1b}[2J "), "get pods -n shop[2J");
        assert_eq!(clean_command(&"x".repeat(5000)).chars().count(), MAX_COMMAND);
    }

    #[test]
    fn a_heredoc_keeps_its_lines_within_a_bound() {
        let text = "kubectl apply -f - <<EOF\napiVersion: v1\n\tkind: ConfigMap\u{1b}[2J\nEOF\n\n";
        assert_eq!(clean_command(text), "kubectl apply -f - <<EOF\napiVersion: v1\n kind: ConfigMap[2J\nEOF");
        let big = format!("kubectl apply -f - <<EOF\n{}\nEOF", "é".repeat(MAX_COMMAND_BODY));
        let kept = clean_command(&big);
        assert!(kept.len() <= "kubectl apply -f - <<EOF\n".len() + MAX_COMMAND_BODY);
        // Without a here-document, lines still fold into one.
        assert_eq!(clean_command("get pods\n-n shop <<"), "get pods -n shop <<");
    }
}
