//! A remote player's screen: a ratatui backend that renders with `CrosstermBackend` into memory
//! and hands each flushed frame to the SSH channel the session is attached to. Its size is the
//! pty's (clamped), never the host terminal's: it never asks the host terminal anything. The
//! frames wait in a queue bounded both in frames and in bytes; a client that cannot keep up (its
//! SSH window stays shut while the queue fills) is detached, never buffered without bound.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;

/// Frames queued for one client before it is dropped as too slow. A frame is one flush, and one
/// redraw flushes more than once; keys typed or pasted in a burst (`kubectl get pods -n shop`
/// arriving at once from a fast client) redraw once per key, so 32 dropped a player who typed
/// quickly. A client that stops reading is still dropped by the write timeout.
pub const QUEUE: usize = 4096;
/// The most one frame may hold (a full 400×200 redraw with colours is well under this).
const MAX_FRAME: usize = 4 << 20;
/// The bytes queued for one client before it is dropped as too slow: a few hundred ordinary
/// frames, and what keeps 200 stalled sessions from holding gigabytes (4096 full redraws would).
pub const QUEUE_BYTES: usize = 2 << 20;

/// The columns and rows a pty may claim, whatever the client asks.
pub const COLS: std::ops::RangeInclusive<u16> = 20..=400;
pub const ROWS: std::ops::RangeInclusive<u16> = 10..=200;

/// A requested pty size within [`COLS`] and [`ROWS`].
pub fn clamp(cols: u32, rows: u32) -> Size {
    let fit = |n: u32, range: &std::ops::RangeInclusive<u16>| {
        u16::try_from(n).unwrap_or(u16::MAX).clamp(*range.start(), *range.end())
    };
    Size { width: fit(cols, &COLS), height: fit(rows, &ROWS) }
}

/// What the session's screen is attached to right now; shared by the backend and the session.
#[derive(Clone)]
pub struct Attachment {
    inner: Arc<Mutex<Attached>>,
}

struct Attached {
    size: Size,
    out: Option<mpsc::Sender<Bytes>>,
    /// The bytes the current client's queue holds, and the most it may.
    queued: Arc<AtomicUsize>,
    budget: usize,
    /// Set when the current client falls behind: its pump stops writing the backlog.
    behind: Arc<AtomicBool>,
    /// The game ended with this exit status.
    ended: Option<u32>,
}

/// One client's side of the queue: the frames, and what the pump tells the queue back.
pub struct Queue {
    frames: mpsc::Receiver<Bytes>,
    queued: Arc<AtomicUsize>,
    behind: Arc<AtomicBool>,
}

impl Queue {
    /// The next frame, or None once the screen ended, the client was replaced or it fell behind
    /// (then the backlog is never written: the client is dropped).
    pub async fn recv(&mut self) -> Option<Bytes> {
        if self.fell_behind() {
            return None;
        }
        let frame = self.frames.recv().await?;
        if self.fell_behind() { None } else { Some(frame) }
    }

    /// A frame was written to the client (or given up on): its bytes leave the queue.
    pub fn written(&self, frame: &Bytes) {
        self.queued.fetch_sub(frame.len(), Ordering::Relaxed);
    }

    /// Whether this client was dropped for falling behind.
    pub fn fell_behind(&self) -> bool {
        self.behind.load(Ordering::Relaxed)
    }

    /// The bytes waiting for the client now.
    #[cfg(test)]
    fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }
}

impl Attachment {
    /// A screen of `size` whose clients may have `budget` bytes of frames waiting.
    pub fn new(size: Size, budget: usize) -> Attachment {
        let attached =
            Attached { size, out: None, queued: Arc::default(), budget, behind: Arc::default(), ended: None };
        Attachment { inner: Arc::new(Mutex::new(attached)) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Attached) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Sends the frames from now on to a new client; returns what it reads them from.
    pub fn attach(&self, size: Size) -> Queue {
        let (tx, frames) = mpsc::channel(QUEUE);
        let (queued, behind) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        self.with(|a| {
            a.size = size;
            a.out = Some(tx);
            a.queued = Arc::clone(&queued);
            a.behind = Arc::clone(&behind);
        });
        Queue { frames, queued, behind }
    }

    /// Frames are dropped until the next `attach`, if `queue` is still the client's one (a newer
    /// client stays attached).
    pub fn let_go(&self, queue: &Queue) {
        self.with(|a| {
            if Arc::ptr_eq(&a.behind, &queue.behind) {
                a.out = None;
            }
        });
    }

    /// Frames are dropped until the next `attach`.
    pub fn detach(&self) {
        self.with(|a| a.out = None);
    }

    /// The game is over: the last bytes (the terminal given back) go out, then the channel
    /// closes with `status`.
    pub fn finish(&self, last: Bytes, status: u32) {
        self.with(|a| {
            if let Some(out) = a.out.take() {
                let _ = out.try_send(last);
            }
            a.ended = Some(status);
        });
    }

    /// The exit status, once the game ended.
    pub fn ended(&self) -> Option<u32> {
        self.with(|a| a.ended)
    }

    pub fn resize(&self, size: Size) {
        self.with(|a| a.size = size);
    }

    pub fn size(&self) -> Size {
        self.with(|a| a.size)
    }

    /// Queues bytes for the attached client, detaching one whose queue is full (in frames, or
    /// in bytes: one frame alone always fits).
    pub fn send(&self, bytes: Bytes) {
        self.with(|a| {
            let Some(out) = &a.out else { return };
            let len = bytes.len();
            // Counted before it is queued, so the pump's count down never passes zero.
            let before = a.queued.fetch_add(len, Ordering::Relaxed);
            let over = before > 0 && before + len > a.budget;
            let full = over || matches!(out.try_send(bytes), Err(mpsc::error::TrySendError::Full(_)));
            if full {
                a.queued.fetch_sub(len, Ordering::Relaxed);
                tracing::info!(queued = before, "an SSH client fell behind its frames; dropping it");
                a.out = None;
                a.behind.store(true, Ordering::Relaxed);
            }
        });
    }
}

/// The in-memory writer under `CrosstermBackend`: a frame is what lies between two flushes.
pub struct Frames {
    pending: Vec<u8>,
    attachment: Attachment,
}

impl Write for Frames {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.len() + buf.len() > MAX_FRAME {
            return Err(io::Error::other("a frame larger than any screen"));
        }
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.attachment.send(Bytes::from(std::mem::take(&mut self.pending)));
        }
        Ok(())
    }
}

/// The backend the driver draws on for one SSH session.
pub struct SshBackend {
    inner: CrosstermBackend<Frames>,
    attachment: Attachment,
    cursor: Position,
}

impl SshBackend {
    pub fn new(attachment: Attachment) -> SshBackend {
        let frames = Frames { pending: Vec::new(), attachment: attachment.clone() };
        SshBackend { inner: CrosstermBackend::new(frames), attachment, cursor: Position::ORIGIN }
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    /// Where this backend last put the cursor: asking the terminal would read the host's.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.cursor = position;
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.attachment.size())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: self.attachment.size(), pixels: Size::default() })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_pty_sizes_are_clamped() {
        assert_eq!(clamp(65535, 65535), Size { width: 400, height: 200 });
        assert_eq!(clamp(u32::MAX, 0), Size { width: 400, height: 10 });
        assert_eq!(clamp(80, 24), Size { width: 80, height: 24 });
        assert_eq!(clamp(1, 1), Size { width: 20, height: 10 });
    }

    #[test]
    fn a_client_that_falls_behind_is_detached_not_buffered() {
        let attachment = Attachment::new(clamp(80, 24), usize::MAX);
        let mut queue = attachment.attach(clamp(80, 24));
        for _ in 0..QUEUE {
            attachment.send(Bytes::from_static(b"frame"));
        }
        assert!(!queue.fell_behind());
        attachment.send(Bytes::from_static(b"one too many"));
        assert!(queue.fell_behind());
        let mut got = 0;
        while let Ok(frame) = queue.frames.try_recv() {
            assert_eq!(&frame[..], b"frame");
            got += 1;
        }
        assert_eq!(got, QUEUE);
        assert!(queue.frames.try_recv().is_err(), "the queue is closed: the client is dropped");
        assert!(queue.frames.is_closed());
    }

    #[tokio::test]
    async fn the_queue_is_bounded_in_bytes_and_a_dropped_client_gets_no_backlog() {
        let frame = Bytes::from(vec![b'x'; 1000]);
        let attachment = Attachment::new(clamp(80, 24), 10_000);
        let mut queue = attachment.attach(clamp(80, 24));
        // A client that keeps up is never dropped, however many frames go by.
        for _ in 0..100 {
            attachment.send(frame.clone());
            let got = queue.recv().await.expect("a frame");
            queue.written(&got);
        }
        assert_eq!(queue.queued(), 0);
        // One that stops reading: ten frames fit the budget, the eleventh drops it.
        for _ in 0..10 {
            attachment.send(frame.clone());
        }
        assert!(!queue.fell_behind());
        assert_eq!(queue.queued(), 10_000);
        attachment.send(frame.clone());
        assert!(queue.fell_behind());
        assert_eq!(queue.queued(), 10_000, "the frame that did not fit is not counted");
        // Frames drawn after the drop go nowhere, and the pump writes none of the backlog.
        attachment.send(frame.clone());
        assert_eq!(queue.queued(), 10_000);
        assert!(queue.recv().await.is_none());
        // One frame larger than the budget still goes out to a client with nothing waiting.
        let attachment = Attachment::new(clamp(80, 24), 10);
        let mut queue = attachment.attach(clamp(80, 24));
        attachment.send(frame.clone());
        assert_eq!(queue.recv().await.map(|f| f.len()), Some(1000));
        // A client that comes back starts with an empty queue.
        let mut again = attachment.attach(clamp(80, 24));
        assert!(!again.fell_behind());
        attachment.send(frame);
        assert!(again.recv().await.is_some());
    }

    #[test]
    fn the_backend_reports_the_pty_size_not_the_hosts() {
        let attachment = Attachment::new(clamp(100, 30), QUEUE_BYTES);
        let backend = SshBackend::new(attachment.clone());
        assert_eq!(backend.size().expect("a size"), Size { width: 100, height: 30 });
        attachment.resize(clamp(65535, 5));
        assert_eq!(backend.size().expect("a size"), Size { width: 400, height: 10 });
    }
}
