//! Colour themes: dark (the default), light and high contrast, shipped in `assets/themes.ron`.
//! With `NO_COLOR` set every colour is the terminal's own and emphasis comes from bold, reverse
//! and underline alone, so nothing depends on colour to be read.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub const THEMES: &str = include_str!("../../assets/themes.ron");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    text: String,
    muted: String,
    accent: String,
    title: String,
    ok: String,
    warn: String,
    bad: String,
    selected_fg: String,
    selected_bg: String,
    border: String,
    focus: String,
}

/// The styles every screen draws with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub title: Style,
    pub ok: Style,
    pub warn: Style,
    pub bad: Style,
    pub selected: Style,
    pub border: Style,
    pub focus: Style,
}

impl Theme {
    /// Every shipped theme, in order (dark first).
    pub fn all() -> Vec<Theme> {
        let files: Vec<ThemeFile> = ron::from_str(THEMES).unwrap_or_default();
        let themes: Vec<Theme> = files.iter().map(Theme::from_file).collect();
        if themes.is_empty() { vec![Theme::monochrome()] } else { themes }
    }

    /// The theme called `name`, if there is one.
    pub fn named(name: &str) -> Option<Theme> {
        Theme::all().into_iter().find(|t| t.name == name)
    }

    /// The names of the shipped themes.
    pub fn names() -> Vec<String> {
        Theme::all().into_iter().map(|t| t.name).collect()
    }

    /// The theme after this one (wrapping), keeping monochrome when colour is off.
    #[must_use]
    pub fn next(&self) -> Theme {
        if self.name == MONOCHROME {
            return self.clone();
        }
        let all = Theme::all();
        let at = all.iter().position(|t| t.name == self.name).map_or(0, |i| i + 1);
        all.get(at % all.len().max(1)).cloned().unwrap_or_else(Theme::monochrome)
    }

    /// No colours at all, for `NO_COLOR`.
    pub fn monochrome() -> Theme {
        let plain = Style::default();
        Theme {
            name: MONOCHROME.to_owned(),
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            title: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            bad: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            border: plain,
            focus: plain.add_modifier(Modifier::BOLD),
        }
    }

    /// The theme to start with: `NO_COLOR` wins, then the name asked for, then dark.
    pub fn choose(asked: Option<&str>, no_color: bool) -> Theme {
        if no_color {
            return Theme::monochrome();
        }
        asked
            .and_then(Theme::named)
            .unwrap_or_else(|| Theme::all().into_iter().next().unwrap_or_else(Theme::monochrome))
    }

    fn from_file(f: &ThemeFile) -> Theme {
        let fg = |name: &str| Style::default().fg(color(name));
        Theme {
            name: f.name.clone(),
            text: fg(&f.text),
            muted: fg(&f.muted),
            accent: fg(&f.accent),
            title: fg(&f.title).add_modifier(Modifier::BOLD),
            ok: fg(&f.ok),
            warn: fg(&f.warn),
            bad: fg(&f.bad).add_modifier(Modifier::BOLD),
            selected: Style::default().fg(color(&f.selected_fg)).bg(color(&f.selected_bg)),
            border: fg(&f.border),
            focus: fg(&f.focus).add_modifier(Modifier::BOLD),
        }
    }
}

const MONOCHROME: &str = "monochrome";

fn color(name: &str) -> Color {
    Color::from_str(name).unwrap_or(Color::Reset)
}

/// Whether the environment asks for no colour (`NO_COLOR` set and not empty, per no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_themes_parse_with_every_colour_known() {
        let files: Vec<ThemeFile> = ron::from_str(THEMES).expect("themes.ron parses");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["dark", "light", "high-contrast"]);
        for f in &files {
            for c in [
                &f.text,
                &f.muted,
                &f.accent,
                &f.title,
                &f.ok,
                &f.warn,
                &f.bad,
                &f.selected_fg,
                &f.selected_bg,
                &f.border,
                &f.focus,
            ] {
                assert!(Color::from_str(c).is_ok(), "{}: {c}", f.name);
            }
        }
    }

    #[test]
    fn no_color_wins_and_themes_cycle() {
        assert_eq!(Theme::choose(Some("light"), true).name, "monochrome");
        assert_eq!(Theme::choose(Some("light"), false).name, "light");
        assert_eq!(Theme::choose(Some("nope"), false).name, "dark");
        assert_eq!(Theme::choose(None, false).next().name, "light");
        assert_eq!(Theme::named("high-contrast").expect("theme").next().name, "dark");
        assert_eq!(Theme::monochrome().next().name, "monochrome");
        let mono = Theme::monochrome();
        for style in [mono.text, mono.bad, mono.selected] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
    }
}
