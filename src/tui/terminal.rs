//! Taking over the local terminal and giving it back exactly once: on a normal exit, on an
//! error, on a panic in any thread (through a panic hook) and on SIGINT, SIGQUIT, SIGTERM or
//! SIGHUP (`tui::launch` handles them: the driver stops and the guard drops). A [`Gate`] makes
//! the restore happen once however many of those paths run, so a panic during shutdown cannot
//! write the sequences twice or into a shell.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};

/// Lets one restore through.
#[derive(Debug, Default)]
pub struct Gate {
    entered: AtomicBool,
    restored: AtomicBool,
}

impl Gate {
    pub const fn new() -> Gate {
        Gate { entered: AtomicBool::new(false), restored: AtomicBool::new(false) }
    }

    pub fn mark_entered(&self) {
        self.entered.store(true, Ordering::SeqCst);
    }

    /// True for the first caller after the terminal was entered, false for everyone else.
    pub fn take(&self) -> bool {
        self.entered.load(Ordering::SeqCst) && !self.restored.swap(true, Ordering::SeqCst)
    }
}

static GATE: Gate = Gate::new();

/// What entering writes: the alternate screen, mouse reports, the cursor hidden until a prompt
/// places it.
pub fn write_enter(out: &mut impl Write) -> io::Result<()> {
    execute!(out, EnterAlternateScreen, EnableMouseCapture, cursor::Hide)
}

/// What restoring writes: mouse reports off, the main screen back, the cursor shown.
pub fn write_restore(out: &mut impl Write) -> io::Result<()> {
    execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show)
}

/// Restores `out` if `gate` lets this caller through; returns whether it did.
pub fn restore_with(gate: &Gate, out: &mut impl Write, raw_mode: bool) -> bool {
    if !gate.take() {
        return false;
    }
    if raw_mode {
        let _ = disable_raw_mode();
    }
    let _ = write_restore(out);
    let _ = out.flush();
    true
}

/// The local terminal, taken over for as long as this lives.
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Raw mode, the alternate screen and mouse capture on stdout, and a panic hook that
    /// restores the terminal before the panic message is printed.
    pub fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        GATE.mark_entered();
        if let Err(e) = write_enter(&mut io::stdout()) {
            restore();
            return Err(e);
        }
        Ok(TerminalGuard { _private: () })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back (once; later calls do nothing).
pub fn restore() {
    restore_with(&GATE, &mut io::stdout(), true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack.windows(needle.len()).filter(|w| *w == needle).count()
    }

    #[test]
    fn the_terminal_is_restored_exactly_once_whoever_asks() {
        let gate = Gate::new();
        let mut out = Vec::new();
        assert!(!restore_with(&gate, &mut out, false), "nothing to restore before entering");
        write_enter(&mut out).expect("writes");
        gate.mark_entered();
        // The normal exit, a panic hook and a signal handler all try.
        let restored = (0..3).filter(|_| restore_with(&gate, &mut out, false)).count();
        assert_eq!(restored, 1);
        assert_eq!(count(&out, b"\x1b[?1049h"), 1, "entered the alternate screen once");
        assert_eq!(count(&out, b"\x1b[?1049l"), 1, "left it once");
        assert_eq!(count(&out, b"\x1b[?25h"), 1, "showed the cursor once");
    }
}
