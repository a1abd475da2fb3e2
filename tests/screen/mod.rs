//! Shared helpers for the TUI screen tests: draw the app into a `TestBackend` the way the driver
//! does (cursor included) and read the frame back as text; a backend that publishes each frame
//! the real driver draws, and a wait for the frame a test expects.

#![allow(dead_code)]

use std::convert::Infallible;
use std::time::Duration;

use kombat::tui::app::App;
use kombat::tui::render;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use tokio::sync::watch;

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

/// A `TestBackend` that publishes every frame it is flushed, as text, so that a test driving the
/// real driver waits for what the screen shows instead of sleeping.
pub struct Watched {
    inner: TestBackend,
    frames: watch::Sender<String>,
}

impl Watched {
    /// A backend of `width`×`height` and the frames it will show (an empty one until the first).
    pub fn new(width: u16, height: u16) -> (Watched, watch::Receiver<String>) {
        let (frames, shown) = watch::channel(String::new());
        (Watched { inner: TestBackend::new(width, height), frames }, shown)
    }

    pub fn buffer(&self) -> &Buffer {
        self.inner.buffer()
    }
}

impl Backend for Watched {
    type Error = Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Infallible> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Infallible> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Infallible> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Infallible> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Infallible> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Infallible> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Infallible> {
        self.inner.window_size()
    }

    /// A whole frame has been drawn: show it to whoever waits.
    fn flush(&mut self) -> Result<(), Infallible> {
        self.inner.flush()?;
        self.frames.send_replace(text_of(self.inner.buffer()));
        Ok(())
    }
}

/// Waits until a frame `wanted` says yes to is shown (at most `cap`); returns that frame. Fails
/// naming what was awaited, with the last frame, when the cap passes or the screen goes away.
pub async fn until_shown(
    frames: &mut watch::Receiver<String>,
    what: &str,
    cap: Duration,
    wanted: impl FnMut(&String) -> bool,
) -> String {
    let ended = match tokio::time::timeout(cap, frames.wait_for(wanted)).await {
        Ok(Ok(frame)) => return frame.clone(),
        Ok(Err(_)) => true,
        Err(_) => false,
    };
    let last = frames.borrow();
    let why = if ended { "the driver ended first".to_owned() } else { format!("not within {cap:?}") };
    panic!("the screen did not show {what} ({why}); it shows:\n{}", last.as_str());
}
