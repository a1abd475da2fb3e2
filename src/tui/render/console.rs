//! Scrollback panes (the console and the chats), newest at the bottom. Only the newest items
//! that fill the pane (plus what is scrolled back) are turned into lines each frame, so a long
//! game costs no more to draw than a short one. Console output keeps kubectl's layout: wide
//! lines break at the pane's edge as in a terminal, and only status words get colour.

use ratatui::text::{Line, Span};

use super::text;
use crate::game::state::{ChatLine, ConsoleEntry};
use crate::game::text::{sanitize, sanitize_block};
use crate::tui::theme::Theme;

/// The rows a scrollback pane shows.
pub struct Tail<'a> {
    /// Top to bottom.
    pub rows: Vec<Line<'a>>,
    /// The scroll actually applied (the model's, clamped to what there is).
    pub scroll: usize,
    /// Whether older rows exist above the first shown.
    pub more_above: bool,
}

/// The last rows of one item in a scrollback pane.
pub struct Chunk<'a> {
    /// Top to bottom.
    pub rows: Vec<Line<'a>>,
    /// Whether the item has rows above these that were not built.
    pub cut: bool,
}

impl<'a> Chunk<'a> {
    /// The last `need` of `rows`.
    pub fn last(mut rows: Vec<Line<'a>>, need: usize) -> Chunk<'a> {
        let cut = rows.len() > need;
        if cut {
            rows.drain(..rows.len() - need);
        }
        Chunk { rows, cut }
    }
}

/// The rows of the newest items that fill `height` rows when `scroll` rows at the bottom are
/// skipped. `items` come newest first; each is asked for at most the rows still needed, so a
/// huge entry (`get pods -A` on a big cluster) costs only the rows that show.
pub fn tail<'a, F>(items: impl Iterator<Item = F>, height: usize, scroll: usize) -> Tail<'a>
where
    F: FnOnce(usize) -> Chunk<'a>,
{
    let mut items = items.peekable();
    let mut chunks = Vec::new();
    let mut count = 0;
    let mut cut = false;
    while count < height + scroll {
        let Some(make) = items.next() else { break };
        let chunk = make(height + scroll - count);
        count += chunk.rows.len();
        chunks.push(chunk.rows);
        if chunk.cut {
            cut = true;
            break;
        }
    }
    let exhausted = !cut && items.peek().is_none();
    let scroll = if exhausted { scroll.min(count.saturating_sub(height)) } else { scroll };
    let mut rows: Vec<Line<'a>> = chunks.into_iter().rev().flatten().collect();
    let end = rows.len().saturating_sub(scroll);
    let start = end.saturating_sub(height);
    rows.truncate(end);
    rows.drain(..start);
    Tail { rows, scroll, more_above: start > 0 || !exhausted }
}

/// The last `need` rows of one console entry at `width` columns: the command line, then its
/// output, built from the bottom up.
pub fn entry_rows(entry: &ConsoleEntry, width: usize, theme: &Theme, need: usize) -> Chunk<'static> {
    let mut rows: Vec<Line<'static>> = Vec::new();
    // The YAML `kubectl edit X` fetched for the editor pane is in the pane, not the scrollback.
    let output = if crate::tui::app::fetched_for_editor(entry) { "" } else { entry.output.as_str() };
    let mut lines = output.lines().rev();
    let mut cut = false;
    'output: while let Some(line) = lines.next() {
        // Sanitizing line by line is the same as sanitizing the block (it keeps line breaks).
        let clean = sanitize_block(line);
        let pieces = text::hard_wrap(&clean, width);
        for (i, piece) in pieces.iter().enumerate().rev() {
            if rows.len() == need {
                cut = true;
                break 'output;
            }
            rows.push(if entry.ok { coloured(piece, theme) } else { Line::styled((*piece).to_owned(), theme.bad) });
            if rows.len() == need && (i > 0 || lines.clone().next().is_some()) {
                // More output above, and the command line above that.
                cut = true;
                break 'output;
            }
        }
    }
    if !cut {
        // A here-document shows as its command and how many lines it carried.
        let (first, body) = entry.line.split_once('\n').unwrap_or((&entry.line, ""));
        let command = match body.lines().count() {
            0 => format!("$ {}", sanitize(first)),
            n => format!("$ {}  (+{n} lines)", sanitize(first)),
        };
        for piece in text::hard_wrap(&command, width).into_iter().rev() {
            if rows.len() == need {
                cut = true;
                break;
            }
            rows.push(Line::styled(piece.to_owned(), theme.accent));
        }
    }
    rows.reverse();
    Chunk { rows, cut }
}

/// A row of kubectl output with its status words coloured.
pub fn coloured(row: &str, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    let mut rest = row;
    while !rest.is_empty() {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let spaces = after.len() - after.trim_start_matches(' ').len();
        let core = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '.' | '"' | '\''));
        match status_style(core, theme) {
            Some(style) if !core.is_empty() => {
                if !plain.is_empty() {
                    spans.push(Span::raw(std::mem::take(&mut plain)));
                }
                let at = word.find(core).unwrap_or(0);
                plain.push_str(&word[..at]);
                if !plain.is_empty() {
                    spans.push(Span::raw(std::mem::take(&mut plain)));
                }
                spans.push(Span::styled(core.to_owned(), style));
                plain.push_str(&word[at + core.len()..]);
            }
            _ => plain.push_str(word),
        }
        plain.push_str(&after[..spaces]);
        rest = &after[spaces..];
    }
    if !plain.is_empty() {
        spans.push(Span::raw(plain));
    }
    Line::from(spans)
}

/// The colour of a status word kubectl prints, if it is one.
fn status_style(word: &str, theme: &Theme) -> Option<ratatui::style::Style> {
    match word {
        "Running" | "Ready" | "Bound" | "Active" | "Completed" => Some(theme.ok),
        "Pending" | "ContainerCreating" | "Terminating" | "Unknown" | "Warning" => Some(theme.warn),
        "CrashLoopBackOff"
        | "Error"
        | "OOMKilled"
        | "ImagePullBackOff"
        | "ErrImagePull"
        | "CreateContainerConfigError"
        | "NotReady"
        | "Failed"
        | "Evicted"
        | "Init:Error"
        | "BackOff"
        | "Unhealthy"
        | "FailedScheduling" => Some(theme.bad),
        _ => None,
    }
}

/// Who said a chat line, for its colour.
pub struct Voices<'a> {
    /// The seat's own name.
    pub me: &'a str,
    /// The customer's name, in the customer chat (none in the team chat).
    pub customer: Option<&'a str>,
    /// Whether rows start with the incident clock.
    pub clock: bool,
}

/// The mark before every customer-chat message.
pub const CUSTOMER_MARK: &str = "◆ ";
/// The mark before every team-chat message.
pub const TEAM_MARK: &str = "# ";

/// One chat message as rows of `width` columns: `+2m00s ◆ name: text`, continuation rows
/// indented. The mark says which chat it is (`◆` the customer's, `#` the team's), so the two
/// look different without colour too (`NO_COLOR`).
pub fn chat_rows(line: &ChatLine, width: usize, voices: &Voices<'_>, theme: &Theme) -> Vec<Line<'static>> {
    let from = sanitize(&line.from);
    let said = sanitize(&line.text);
    let stamp = if voices.clock { format!("{} ", crate::game::clock(line.second)) } else { String::new() };
    let (mark, mark_style) =
        if voices.customer.is_some() { (CUSTOMER_MARK, theme.warn) } else { (TEAM_MARK, theme.ok) };
    let lead = stamp.len() + text::width(mark);
    let indent = if voices.clock { lead } else { 2 };
    let from_style = if voices.customer == Some(line.from.as_str()) {
        theme.warn
    } else if from == voices.me {
        theme.accent
    } else {
        theme.ok
    };
    let first_width = width.saturating_sub(lead).max(1);
    let body = format!("{from}: {said}");
    // Continuation rows sit after the indent, so every row is wrapped to the narrower of the two
    // widths; wrapping them at the first row's width let the pane cut their last characters off.
    let wrapped = text::wrap(&body, first_width.min(width.saturating_sub(indent)).max(1));
    let mut rows = Vec::with_capacity(wrapped.len());
    for (i, row) in wrapped.into_iter().enumerate() {
        if i == 0 {
            let mut spans = Vec::with_capacity(4);
            if !stamp.is_empty() {
                spans.push(Span::styled(stamp.clone(), theme.muted));
            }
            spans.push(Span::styled(mark, mark_style));
            match row.strip_prefix(from.as_str()) {
                Some(rest) => {
                    spans.push(Span::styled(from.clone(), from_style));
                    spans.push(Span::raw(rest.to_owned()));
                }
                None => spans.push(Span::raw(row)),
            }
            rows.push(Line::from(spans));
        } else {
            rows.push(Line::from(vec![Span::raw(" ".repeat(indent)), Span::raw(row)]));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tail: &Tail<'_>) -> Vec<String> {
        tail.rows.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_tail_walks_back_only_as_far_as_it_shows() {
        let item = |i: usize| {
            move |need: usize| Chunk::last(vec![Line::from(format!("{i}a")), Line::from(format!("{i}b"))], need)
        };
        let shown = tail((0..100).rev().map(item), 3, 0);
        assert_eq!(texts(&shown), ["98b", "99a", "99b"]);
        assert!(shown.more_above);
        let shown = tail((0..2).rev().map(item), 3, 50);
        assert_eq!(texts(&shown), ["0a", "0b", "1a"]);
        assert_eq!(shown.scroll, 1);
        assert!(!shown.more_above);
    }

    #[test]
    fn a_console_entry_is_built_from_the_bottom_only_as_far_as_needed() {
        let theme = Theme::choose(None, false);
        let entry = ConsoleEntry {
            seat: crate::game::Seat::Troubleshooter(0),
            line: "get pods".to_owned(),
            output: "NAME\nweb-1\nweb-2\u{1b}[2J\n".to_owned(),
            ok: true,
        };
        let rows = |need| {
            let chunk = entry_rows(&entry, 80, &theme, need);
            (chunk.rows.iter().map(ToString::to_string).collect::<Vec<_>>(), chunk.cut)
        };
        assert_eq!(rows(2), (vec!["web-1".to_owned(), "web-2[2J".to_owned()], true));
        assert_eq!(rows(3), (vec!["NAME".to_owned(), "web-1".to_owned(), "web-2[2J".to_owned()], true));
        let all = vec!["$ get pods".to_owned(), "NAME".to_owned(), "web-1".to_owned(), "web-2[2J".to_owned()];
        assert_eq!(rows(4), (all.clone(), false));
        assert_eq!(rows(10), (all, false));
        let shown = tail(std::iter::once(|need| entry_rows(&entry, 80, &theme, need)), 2, 0);
        assert!(shown.more_above);
        let shown = tail(std::iter::once(|need| entry_rows(&entry, 80, &theme, need)), 2, 9);
        assert_eq!(shown.scroll, 2);
        assert!(!shown.more_above);
    }

    #[test]
    fn status_words_are_coloured_and_the_layout_is_kept() {
        let theme = Theme::choose(None, false);
        let line = coloured("web-1   0/1   CrashLoopBackOff   3 (Running)", &theme);
        assert_eq!(line.to_string(), "web-1   0/1   CrashLoopBackOff   3 (Running)");
        let bad: Vec<&str> = line.spans.iter().filter(|s| s.style == theme.bad).map(|s| s.content.as_ref()).collect();
        assert_eq!(bad, ["CrashLoopBackOff"]);
        let ok: Vec<&str> = line.spans.iter().filter(|s| s.style == theme.ok).map(|s| s.content.as_ref()).collect();
        assert_eq!(ok, ["Running"]);
    }

    #[test]
    fn a_chat_line_wraps_whole_in_a_narrow_pane_without_a_clock() {
        let theme = Theme::choose(None, false);
        let line = ChatLine {
            turn: 0,
            from: "you".to_owned(),
            text: "the janitor cronjob keeps scaling coredns to zero replicas every minute, check it".to_owned(),
            second: 0,
        };
        for (clock, customer) in [(false, None), (true, None), (true, Some("Dana"))] {
            let voices = Voices { me: "you", customer, clock };
            for width in [24, 27, 40] {
                let rows: Vec<String> =
                    chat_rows(&line, width, &voices, &theme).iter().map(ToString::to_string).collect();
                for row in &rows {
                    assert!(text::width(row) <= width, "{row:?} is wider than {width}: {rows:?}");
                }
                let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
                let said = words.join(" ");
                assert!(said.ends_with("minute, check it"), "{width}: {said}");
                assert!(said.contains("every"), "{width}: {said}");
                let mark = if customer.is_some() { CUSTOMER_MARK } else { TEAM_MARK };
                assert!(rows[0].contains(mark.trim()), "{rows:?}");
            }
        }
    }
}
