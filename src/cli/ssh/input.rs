//! A remote player's keystrokes: the bytes of the SSH channel parsed by termwiz's `InputParser`
//! (escape sequences, CSI-u, bracketed paste, SGR mouse reports) and turned into the crossterm
//! events the driver reads. Only the mapping is ours; it is small and proptested for no panics.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use termwiz::input::{InputEvent, InputParser, KeyCode as WKey, Modifiers, MouseButtons};

/// Parses a channel's bytes; keeps a partial sequence until its next bytes arrive.
pub struct Keys {
    parser: InputParser,
}

impl Default for Keys {
    fn default() -> Self {
        Keys { parser: InputParser::new() }
    }
}

impl Keys {
    /// The events in `bytes`. A lone ESC is a key at once: over SSH a whole sequence arrives in
    /// one packet, so there is nothing to wait for.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        self.parser.parse(
            bytes,
            |event| {
                if let Some(event) = convert(event) {
                    events.push(event);
                }
            },
            false,
        );
        events
    }
}

/// One termwiz event as crossterm's, when the game has a use for it.
fn convert(event: InputEvent) -> Option<Event> {
    match event {
        InputEvent::Key(key) => {
            let (code, extra) = key_code(key.key)?;
            Some(Event::Key(KeyEvent::new(code, modifiers(key.modifiers) | extra)))
        }
        InputEvent::Mouse(mouse) if mouse.mouse_buttons.contains(MouseButtons::VERT_WHEEL) => {
            let kind = if mouse.mouse_buttons.contains(MouseButtons::WHEEL_POSITIVE) {
                MouseEventKind::ScrollUp
            } else {
                MouseEventKind::ScrollDown
            };
            Some(Event::Mouse(MouseEvent {
                kind,
                column: mouse.x.saturating_sub(1),
                row: mouse.y.saturating_sub(1),
                modifiers: modifiers(mouse.modifiers),
            }))
        }
        InputEvent::Paste(text) => Some(Event::Paste(text)),
        _ => None,
    }
}

fn modifiers(mods: Modifiers) -> KeyModifiers {
    let mut out = KeyModifiers::NONE;
    if mods.contains(Modifiers::SHIFT) {
        out |= KeyModifiers::SHIFT;
    }
    if mods.contains(Modifiers::CTRL) {
        out |= KeyModifiers::CONTROL;
    }
    if mods.contains(Modifiers::ALT) {
        out |= KeyModifiers::ALT;
    }
    out
}

/// A key, and a modifier it implies (a control character is Ctrl and its letter).
fn key_code(key: WKey) -> Option<(KeyCode, KeyModifiers)> {
    let plain = |code| Some((code, KeyModifiers::NONE));
    match key {
        WKey::Char('\r' | '\n') | WKey::Enter => plain(KeyCode::Enter),
        WKey::Char('\t') | WKey::Tab => plain(KeyCode::Tab),
        WKey::Char('\u{7f}' | '\u{8}') | WKey::Backspace => plain(KeyCode::Backspace),
        WKey::Char('\u{1b}') | WKey::Escape => plain(KeyCode::Esc),
        WKey::Char(c @ '\u{1}'..='\u{1a}') => {
            let letter = char::from(b'a' + (c as u8 - 1));
            Some((KeyCode::Char(letter), KeyModifiers::CONTROL))
        }
        WKey::Char(c) if c.is_control() => None,
        WKey::Char(c) => plain(KeyCode::Char(c)),
        WKey::LeftArrow | WKey::ApplicationLeftArrow => plain(KeyCode::Left),
        WKey::RightArrow | WKey::ApplicationRightArrow => plain(KeyCode::Right),
        WKey::UpArrow | WKey::ApplicationUpArrow => plain(KeyCode::Up),
        WKey::DownArrow | WKey::ApplicationDownArrow => plain(KeyCode::Down),
        WKey::Home | WKey::KeyPadHome => plain(KeyCode::Home),
        WKey::End | WKey::KeyPadEnd => plain(KeyCode::End),
        WKey::PageUp | WKey::KeyPadPageUp => plain(KeyCode::PageUp),
        WKey::PageDown | WKey::KeyPadPageDown => plain(KeyCode::PageDown),
        WKey::Insert => plain(KeyCode::Insert),
        WKey::Delete => plain(KeyCode::Delete),
        WKey::Function(n) => plain(KeyCode::F(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, mods))
    }

    #[test]
    fn typing_controls_arrows_and_the_wheel() {
        let mut keys = Keys::default();
        assert_eq!(
            keys.feed(b"get\r"),
            vec![
                key(KeyCode::Char('g'), KeyModifiers::NONE),
                key(KeyCode::Char('e'), KeyModifiers::NONE),
                key(KeyCode::Char('t'), KeyModifiers::NONE),
                key(KeyCode::Enter, KeyModifiers::NONE),
            ]
        );
        assert_eq!(keys.feed(b"\x03"), vec![key(KeyCode::Char('c'), KeyModifiers::CONTROL)]);
        assert_eq!(keys.feed(b"\x7f"), vec![key(KeyCode::Backspace, KeyModifiers::NONE)]);
        assert_eq!(
            keys.feed(b"\x1b[A\x1bOB"),
            vec![key(KeyCode::Up, KeyModifiers::NONE), key(KeyCode::Down, KeyModifiers::NONE)]
        );
        assert_eq!(keys.feed(b"\x1b"), vec![key(KeyCode::Esc, KeyModifiers::NONE)]);
        assert_eq!(keys.feed(b"\t"), vec![key(KeyCode::Tab, KeyModifiers::NONE)]);
        let wheel = keys.feed(b"\x1b[<64;10;5M");
        assert!(
            matches!(wheel.as_slice(), [Event::Mouse(MouseEvent { kind: MouseEventKind::ScrollUp, .. })]),
            "{wheel:?}"
        );
    }

    proptest! {
        #[test]
        fn no_bytes_make_it_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
            let mut keys = Keys::default();
            for chunk in &chunks {
                let _ = keys.feed(chunk);
            }
        }

        #[test]
        fn printable_text_comes_through_as_typed(text in "[ -~]{0,40}") {
            prop_assume!(!text.contains('\u{1b}'));
            let mut keys = Keys::default();
            let typed: String = keys.feed(text.as_bytes()).into_iter().filter_map(|e| match e {
                Event::Key(KeyEvent { code: KeyCode::Char(c), .. }) => Some(c),
                _ => None,
            }).collect();
            prop_assert_eq!(typed, text);
        }
    }
}
