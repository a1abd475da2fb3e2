//! Go's `text/tabwriter` as kubectl's describe (and crictl) use it: tab-terminated cells are
//! aligned per column block of consecutive lines, which is why a describe section without a tab
//! restarts the alignment. Reproducing the algorithm gives kubectl's spacing for free.

/// Aligns `text` (cells separated by `\t`) with Go's rules: `minwidth`, then `padding` spaces
/// after the widest cell of each column block. Trailing spaces are trimmed from every line.
pub fn align(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut widths = Vec::new();
    let cfg = (minwidth, padding);
    format(&lines, 0, lines.len(), &mut widths, cfg, &mut out);
    out.join("\n")
}

fn width(cell: &str) -> usize {
    cell.chars().count()
}

fn format(
    lines: &[Vec<&str>],
    line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    cfg: (usize, usize),
    out: &mut Vec<String>,
) {
    let column = widths.len();
    let mut start = line0;
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, start, this, widths, out);
        start = this;
        let mut w = cfg.0;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + cfg.1);
            this += 1;
        }
        widths.push(w);
        format(lines, start, this, widths, cfg, out);
        widths.pop();
        start = this;
    }
    write_lines(lines, start, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut Vec<String>) {
    for line in &lines[from..to] {
        let mut s = String::new();
        for (j, cell) in line.iter().enumerate() {
            s.push_str(cell);
            if j + 1 < line.len() {
                let w = widths.get(j).copied().unwrap_or(0);
                s.extend(std::iter::repeat_n(' ', w.saturating_sub(width(cell))));
            }
        }
        out.push(s.trim_end().to_owned());
    }
}

/// Expands tab characters to spaces at stops of 8, as a terminal shows them.
pub fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut col = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push('\n');
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_break_at_lines_without_tabs() {
        let text = "Name:\tweb\nNamespace:\tdefault\nLimits:\n  memory:\t1Gi\nRequests:\n  cpu:\t1\n  memory:\t1Gi\nEvents:\t<none>";
        assert_eq!(
            align(text, 0, 2),
            "Name:       web\nNamespace:  default\nLimits:\n  memory:  1Gi\nRequests:\n  cpu:     1\n  memory:  1Gi\nEvents:    <none>"
        );
    }

    #[test]
    fn later_columns_align_within_their_own_blocks() {
        let text = "  Host\tPath\tBackends\n  ----\t----\t--------\n  a.example.com\t\n    \t/ \tweb:80";
        assert_eq!(
            align(text, 0, 2),
            "  Host           Path  Backends\n  ----           ----  --------\n  a.example.com\n                 /   web:80"
        );
    }

    #[test]
    fn tabs_expand_to_stops_of_eight() {
        assert_eq!(expand_tabs("Server:\t\t10.96.0.10\nName:\tx"), "Server:         10.96.0.10\nName:   x");
    }
}
