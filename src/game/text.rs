//! Player text made safe to store and draw: control and escape characters, bidirectional
//! overrides and zero-width characters removed, whitespace folded, length bounded.

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

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
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
    }
}
