//! Text shaping for the panes: widths, word wrapping for chat and prose, hard wrapping for
//! console output (a terminal breaks kubectl's wide lines at the edge, it does not reflow them),
//! and truncation with an ellipsis. Everything here works on text that was already sanitized.

use ratatui::text::Span;

/// Columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { Span::raw(text).width() }
}

/// `text` cut to `max` columns, with `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

fn char_width(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        let mut tmp = [0u8; 4];
        Span::raw(&*c.encode_utf8(&mut tmp)).width()
    }
}

/// Splits one line into rows of at most `max` columns, breaking anywhere (like a terminal).
/// An empty line is one empty row.
pub fn hard_wrap(line: &str, max: usize) -> Vec<&str> {
    let max = max.max(1);
    if line.is_ascii() {
        if line.len() <= max {
            return vec![line];
        }
        return line.as_bytes().chunks(max).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    }
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (at, c) in line.char_indices() {
        let w = char_width(c);
        if used + w > max && at > start {
            rows.push(&line[start..at]);
            start = at;
            used = 0;
        }
        used += w;
    }
    rows.push(&line[start..]);
    rows
}

/// Word-wraps one paragraph (no newlines) into rows of at most `max` columns; a word longer than
/// a row is broken.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = width(word);
        if used > 0 && used + 1 + w > max {
            rows.push(std::mem::take(&mut row));
            used = 0;
        }
        if w > max {
            for piece in hard_wrap(word, max) {
                if used > 0 {
                    rows.push(std::mem::take(&mut row));
                }
                row.push_str(piece);
                used = width(piece);
            }
            continue;
        }
        if used > 0 {
            row.push(' ');
            used += 1;
        }
        row.push_str(word);
        used += w;
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// Word-wraps text that may hold several paragraphs (kept apart by its newlines).
pub fn wrap_block(text: &str, max: usize) -> Vec<String> {
    text.lines().flat_map(|l| wrap(l, max)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_breaks_long_ones() {
        assert_eq!(wrap("the quick brown fox", 9), ["the quick", "brown fox"]);
        assert_eq!(wrap("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(hard_wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(hard_wrap("", 3), [""]);
        assert_eq!(hard_wrap("ééééé", 2), ["éé", "éé", "é"]);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
