//! Shared helpers for the TUI screen tests: draw the app into a `TestBackend` the way the driver
//! does (cursor included) and read the frame back as text.

#![allow(dead_code)]

use kombat::tui::app::App;
use kombat::tui::render;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// One frame of `app` at `width`×`height`.
pub fn draw_buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            frame.render_widget(app, frame.area());
            if let Some(at) = render::cursor(app, frame.area()) {
                frame.set_cursor_position(at);
            }
        })
        .expect("draws");
    terminal.backend().buffer().clone()
}

/// The buffer as lines of text, trailing blanks trimmed (a wide character counts once).
pub fn text_of(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(symbol);
            skip = ratatui::text::Span::raw(symbol).width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One frame of `app` as text.
pub fn draw(app: &App, width: u16, height: u16) -> String {
    text_of(&draw_buffer(app, width, height))
}
