//! The least of a terminal that the SSH load test needs to see a frame's effect: a grid of
//! characters and a cursor, fed the bytes the game screen sends (parsed by termwiz's escape
//! parser). It follows printing, cursor positioning and clearing, which is all the crossterm
//! backend uses to draw; colours and modes are ignored.

use termwiz::escape::csi::{Cursor, Edit, EraseInDisplay, EraseInLine};
use termwiz::escape::parser::Parser;
use termwiz::escape::{Action, CSI, ControlCode};

/// A screen of `rows` × `cols` characters.
pub struct Term {
    parser: Parser,
    cells: Vec<Vec<char>>,
    row: usize,
    col: usize,
}

impl Term {
    pub fn new(cols: u16, rows: u16) -> Term {
        let (cols, rows) = (usize::from(cols.max(1)), usize::from(rows.max(1)));
        Term { parser: Parser::new(), cells: vec![vec![' '; cols]; rows], row: 0, col: 0 }
    }

    /// Takes bytes as a terminal would.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut actions = Vec::new();
        self.parser.parse(bytes, |action| actions.push(action));
        for action in actions {
            self.apply(action);
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Print(c) => self.put(c),
            Action::PrintString(s) => s.chars().for_each(|c| self.put(c)),
            Action::Control(ControlCode::CarriageReturn) => self.col = 0,
            Action::Control(ControlCode::LineFeed) => self.row = (self.row + 1).min(self.cells.len() - 1),
            Action::CSI(CSI::Cursor(Cursor::Position { line, col })) => {
                self.row = (line.as_zero_based() as usize).min(self.cells.len() - 1);
                self.col = col.as_zero_based() as usize;
            }
            Action::CSI(CSI::Edit(Edit::EraseInDisplay(EraseInDisplay::EraseDisplay))) => {
                self.cells.iter_mut().for_each(|row| row.fill(' '));
            }
            Action::CSI(CSI::Edit(Edit::EraseInLine(EraseInLine::EraseToEndOfLine))) => {
                let col = self.col;
                if let Some(row) = self.cells.get_mut(self.row) {
                    row.iter_mut().skip(col).for_each(|c| *c = ' ');
                }
            }
            _ => {}
        }
    }

    fn put(&mut self, c: char) {
        if let Some(cell) = self.cells.get_mut(self.row).and_then(|row| row.get_mut(self.col)) {
            *cell = c;
        }
        self.col += 1;
    }

    /// The text of one row, trailing blanks kept.
    pub fn row(&self, row: usize) -> String {
        self.cells.get(row).map(|r| r.iter().collect()).unwrap_or_default()
    }

    /// The row the cursor is on: where the game screen puts it, the prompt.
    pub fn cursor_row(&self) -> String {
        self.row(self.row)
    }

    /// Whether any row holds `text`.
    pub fn shows(&self, text: &str) -> bool {
        (0..self.cells.len()).any(|r| self.row(r).contains(text))
    }

    /// Whether the prompt under the cursor holds exactly `typed` after its sign (`$ ` or `> `),
    /// with the cursor just after it. The cursor is checked too because a typed space changes
    /// nothing else on the screen.
    pub fn prompt_is(&self, sign: &str, typed: &str) -> bool {
        let row = self.cursor_row();
        let Some((before, after)) = row.split_once(sign) else { return false };
        let text = after.trim_end().trim_end_matches('│').trim_end();
        let start = before.chars().count() + sign.chars().count();
        text == typed.trim_end() && self.col == start + typed.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_and_positioning_make_rows() {
        let mut term = Term::new(20, 3);
        term.feed(b"\x1b[2;3Hconsole $ ku");
        assert_eq!(term.row(1).trim_end(), "  console $ ku");
        assert!(term.prompt_is("$ ", "ku"));
        assert!(!term.prompt_is("$ ", "k"));
        term.feed(b"b");
        assert!(term.prompt_is("$ ", "kub"), "{:?}", term.cursor_row());
        // A typed space shows only as the cursor moving on.
        assert!(!term.prompt_is("$ ", "kub "));
        term.feed(b"\x1b[2;17H");
        assert!(term.prompt_is("$ ", "kub "));
        term.feed(b"\x1b[2J\x1b[1;1Hx");
        assert_eq!(term.row(1).trim_end(), "");
        assert!(term.shows("x"));
        assert!(!term.shows("console"));
    }

    #[test]
    fn a_bordered_prompt_is_read_inside_its_border() {
        let mut term = Term::new(30, 2);
        term.feed("\x1b[1;1H│console $ kubectl      │\x1b[1;19H".as_bytes());
        assert_eq!(term.col, 18);
        assert!(term.prompt_is("$ ", "kubectl"));
        // Off-screen writes and moves are dropped, not a panic.
        term.feed(b"\x1b[99;99Hzz\r\n\n\n");
        assert!(term.shows("kubectl"));
    }
}
