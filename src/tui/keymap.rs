//! Key bindings: the defaults ship in `assets/keymap.ron` (embedded), and a user's `keymap.ron`
//! in the config directory is a patch over them: each action it names gets exactly the keys it
//! lists. Keys are written as people say them (`ctrl-e`, `f5`, `shift-tab`, `?`), and printed
//! the same way in the footer and the help overlay.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// The default bindings, as shipped.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.ron");

/// One key with its modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// The keys a binding can name (a comparable subset of crossterm's `KeyCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("{file}:{line}:{column}: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    #[error("{file}: {action:?}: `{key}` is not a key (try `ctrl-e`, `f5`, `shift-tab`, `enter`, `?`)")]
    BadKey { file: String, action: Action, key: String },
    #[error("{file}: {action:?} has no keys; every action needs at least one")]
    Unbound { file: String, action: Action },
}

impl Key {
    pub const fn plain(code: KeyCodeKey) -> Key {
        Key { code, ctrl: false, alt: false }
    }

    /// The key of a terminal key event, if it is one a binding can name.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeKey::BackTab,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Insert => KeyCodeKey::Insert,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    /// Whether this key types a character (no ctrl or alt).
    pub fn printable(self) -> Option<char> {
        match self.code {
            KeyCodeKey::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Reads `ctrl-e`, `alt-x`, `f5`, `shift-tab`, `pgup`, `?`.
    pub fn parse(text: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(tail) = lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
                ctrl = true;
                rest = &rest[rest.len() - tail.len()..];
            } else if let Some(tail) = lower.strip_prefix("alt-").or_else(|| lower.strip_prefix("m-")) {
                alt = true;
                rest = &rest[rest.len() - tail.len()..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCodeKey::Enter,
            "esc" | "escape" => KeyCodeKey::Esc,
            "tab" => KeyCodeKey::Tab,
            "shift-tab" | "backtab" => KeyCodeKey::BackTab,
            "backspace" => KeyCodeKey::Backspace,
            "delete" | "del" => KeyCodeKey::Delete,
            "insert" | "ins" => KeyCodeKey::Insert,
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            "pgup" | "pageup" => KeyCodeKey::PageUp,
            "pgdn" | "pagedown" => KeyCodeKey::PageDown,
            "space" => KeyCodeKey::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].chars().all(|c| c.is_ascii_digit()) => {
                let n: u8 = f[1..].parse().ok()?;
                if !(1..=12).contains(&n) {
                    return None;
                }
                KeyCodeKey::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() || c.is_control() {
                    return None;
                }
                KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "F{n}"),
            KeyCodeKey::Enter => f.write_str("enter"),
            KeyCodeKey::Esc => f.write_str("esc"),
            KeyCodeKey::Tab => f.write_str("tab"),
            KeyCodeKey::BackTab => f.write_str("shift-tab"),
            KeyCodeKey::Backspace => f.write_str("backspace"),
            KeyCodeKey::Delete => f.write_str("delete"),
            KeyCodeKey::Insert => f.write_str("insert"),
            KeyCodeKey::Up => f.write_str("↑"),
            KeyCodeKey::Down => f.write_str("↓"),
            KeyCodeKey::Left => f.write_str("←"),
            KeyCodeKey::Right => f.write_str("→"),
            KeyCodeKey::Home => f.write_str("home"),
            KeyCodeKey::End => f.write_str("end"),
            KeyCodeKey::PageUp => f.write_str("pgup"),
            KeyCodeKey::PageDown => f.write_str("pgdn"),
        }
    }
}

/// Which keys do what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The shipped file is tested to parse; a broken build of it still leaves a usable
        // (if unbound) map rather than a panic.
        Keymap::parse_patch("assets/keymap.ron", DEFAULT_KEYMAP, &Keymap { bindings: BTreeMap::new() })
            .unwrap_or(Keymap { bindings: BTreeMap::new() })
    }
}

impl Keymap {
    /// `base` with the bindings of the RON map in `text` replacing those of the actions it names.
    pub fn parse_patch(file: &str, text: &str, base: &Keymap) -> Result<Keymap, KeymapError> {
        let patch: BTreeMap<Action, Vec<String>> = ron::Options::default().from_str(text).map_err(|e| {
            let line = e.span.start.line;
            let column = e.span.start.col;
            KeymapError::Syntax { file: file.to_owned(), line, column, message: e.code.to_string() }
        })?;
        let mut bindings = base.bindings.clone();
        for (action, keys) in patch {
            if keys.is_empty() {
                return Err(KeymapError::Unbound { file: file.to_owned(), action });
            }
            let parsed = keys
                .iter()
                .map(|k| {
                    Key::parse(k).ok_or_else(|| KeymapError::BadKey { file: file.to_owned(), action, key: k.clone() })
                })
                .collect::<Result<Vec<_>, _>>()?;
            bindings.insert(action, parsed);
        }
        Ok(Keymap { bindings })
    }

    /// The defaults with the user's file (if any) over them.
    pub fn load(user_file: Option<&std::path::Path>) -> Result<Keymap, KeymapError> {
        let defaults = Keymap::default();
        let Some(path) = user_file else { return Ok(defaults) };
        // Bounded and regular files only: a FIFO or a device here must not hang the start.
        match crate::room::files::read_bounded(path, 1024 * 1024, "a keymap is a small text file") {
            Ok(text) => Keymap::parse_patch(&path.display().to_string(), &text, &defaults),
            Err(_) => Ok(defaults),
        }
    }

    /// The keys bound to `action`, first the one to show.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The actions `key` is bound to, in the vocabulary's order.
    pub fn actions(&self, key: Key) -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| self.keys(*a).contains(&key)).collect()
    }

    /// The first key of `action` as text, for hints (`F5`).
    pub fn label(&self, action: Action) -> String {
        self.keys(action).first().map_or_else(|| "unbound".to_owned(), ToString::to_string)
    }

    /// Every key of `action`, as text (`F5 / ctrl-e`).
    pub fn labels(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(ToString::to_string).collect();
        if keys.is_empty() { "unbound".to_owned() } else { keys.join(" / ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_keymap_parses_and_binds_every_action() {
        let map = Keymap::parse_patch("assets/keymap.ron", DEFAULT_KEYMAP, &Keymap { bindings: BTreeMap::new() })
            .expect("the default keymap parses");
        for action in Action::ALL {
            assert!(!map.keys(action).is_empty(), "{action:?} has no key");
        }
        assert_eq!(map.label(Action::EndTurn), "F5");
        assert_eq!(map.labels(Action::Quit), "ctrl-c / q");
    }

    #[test]
    fn keys_read_and_print_the_way_people_write_them() {
        for text in ["ctrl-e", "alt-x", "F5", "shift-tab", "enter", "esc", "pgup", "?", "q", "space", "ctrl-alt-k"] {
            let key = Key::parse(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(Key::parse(&key.to_string().replace(['↑', '↓'], "")).or(Some(key)), Some(key), "{text}");
        }
        assert_eq!(Key::parse("Ctrl-E"), Key::parse("ctrl-e"));
        for bad in ["", "ctrl-", "f13", "f0", "hello", "\u{1b}"] {
            assert_eq!(Key::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_user_file_patches_only_the_actions_it_names() {
        let base = Keymap::default();
        let map = Keymap::parse_patch("keymap.ron", "{ EndTurn: [\"ctrl-n\"] }", &base).expect("parses");
        assert_eq!(map.labels(Action::EndTurn), "ctrl-n");
        assert_eq!(map.keys(Action::Hint), base.keys(Action::Hint));
        let ctrl_n = Key::parse("ctrl-n").expect("key");
        assert_eq!(map.actions(ctrl_n), vec![Action::EndTurn]);
    }

    #[test]
    fn bad_user_files_say_where_and_what() {
        let base = Keymap::default();
        let err = Keymap::parse_patch("keymap.ron", "{\n  EndTurn: [\"ctrl-n\"],\n  Nope: [\"x\"],\n}", &base)
            .expect_err("unknown action");
        assert!(err.to_string().starts_with("keymap.ron:3:"), "{err}");
        let err = Keymap::parse_patch("keymap.ron", "{ Hint: [\"hyper-q\"] }", &base).expect_err("bad key");
        assert_eq!(
            err.to_string(),
            "keymap.ron: Hint: `hyper-q` is not a key (try `ctrl-e`, `f5`, `shift-tab`, `enter`, `?`)"
        );
        let err = Keymap::parse_patch("keymap.ron", "{ Hint: [] }", &base).expect_err("unbound");
        assert_eq!(err.to_string(), "keymap.ron: Hint has no keys; every action needs at least one");
    }
}
