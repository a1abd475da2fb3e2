//! Column layout as kubectl prints tables: left-aligned columns separated by three spaces, and
//! ages as `45s`, `5m12s`, `3h`, `12d`.

/// Formats rows under a header, padding every column but the last. With `no_headers` the
/// header neither prints nor widens the columns.
pub fn render(header: &[&str], rows: &[Vec<String>], no_headers: bool) -> String {
    let cols = header.len();
    let width = |cell: &str| if cell.is_ascii() { cell.len() } else { cell.chars().count() };
    let mut widths: Vec<usize> = header.iter().map(|h| if no_headers { 0 } else { h.len() }).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let line_len: usize = widths.iter().map(|w| w + 3).sum();
    let mut out = String::with_capacity(line_len * (rows.len() + 1));
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let start = out.len();
        for (i, cell) in cells.enumerate().take(cols) {
            out.push_str(cell);
            if i + 1 < cols {
                pad(&mut out, widths[i] - width(cell) + 3);
            }
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    };
    if !no_headers {
        line(&mut header.iter().copied());
    }
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out.pop();
    out
}

fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// kubectl's human-readable duration (`HumanDuration`).
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let rem = s % 60;
        return if rem == 0 { format!("{m}m") } else { format!("{m}m{rem}s") };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        let rem = m % 60;
        return if rem == 0 { format!("{h}h") } else { format!("{h}h{rem}m") };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if d < 8 {
        let rem = h % 24;
        return if rem == 0 { format!("{d}d") } else { format!("{d}d{rem}h") };
    }
    if d < 365 * 2 {
        return format!("{d}d");
    }
    format!("{}y", d / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        assert_eq!(age(45), "45s");
        assert_eq!(age(119), "119s");
        assert_eq!(age(312), "5m12s");
        assert_eq!(age(600), "10m");
        assert_eq!(age(3 * 3600 + 120), "3h2m");
        assert_eq!(age(30 * 24 * 3600), "30d");
    }

    #[test]
    fn columns_are_padded_by_three_spaces() {
        let t = render(&["NAME", "READY"], &[vec!["web-1".into(), "1/1".into()]], false);
        assert_eq!(t, "NAME    READY\nweb-1   1/1");
    }
}
