//! The manifest editor pane: `kubectl edit X` at the console opens the object's YAML in an
//! editor (fetched as a read, the same `kubectl edit X` line without a body, which answers with
//! kubectl's editor header and the YAML); `apply -f -`, `create -f -`, `replace -f -` and
//! `diff -f -` open it empty for a manifest to be typed or pasted. Saving sends the command with
//! the text as its here-document; an edit the API rejects comes back into the pane with kubectl's
//! error as `# ` lines at the top, as real `kubectl edit` reopens the file; cancelling sends
//! nothing.

use ratatui_textarea::{CursorMove, TextArea};

use super::play::GameScreen;
use crate::game::text::clean_command;
use crate::game::view::Panel;
use crate::sim::kubectl::heredoc;

/// What a console line asks of the editor pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opens {
    /// `kubectl edit X`: the pane waits for the object's YAML, which the line itself fetches.
    Edit,
    /// `apply|create|replace|diff -f -` without a here-document: the pane opens empty.
    Empty,
}

/// Whether `line` opens the pane: a manifest command given no text of its own.
pub fn opens(line: &str) -> Option<Opens> {
    if heredoc::terminator(line).is_some() {
        return None;
    }
    let words = shlex::split(line)?;
    let words: Vec<&str> = words.iter().map(String::as_str).skip_while(|w| *w == "kubectl" || *w == "k").collect();
    let verb = *words.first()?;
    let from_stdin = words.windows(2).any(|w| matches!(w[0], "-f" | "--filename") && w[1] == "-")
        || words.iter().any(|w| *w == "--filename=-" || *w == "-f-");
    match verb {
        "edit" if words.len() > 1 && !words.iter().any(|w| matches!(*w, "--help" | "-h")) => Some(Opens::Edit),
        "apply" | "create" | "replace" | "diff" if from_stdin => Some(Opens::Empty),
        _ => None,
    }
}

/// Whether a console entry is the read that fetched an object for the pane: a bare `kubectl edit
/// X` that answered. Its YAML went into the editor, so the scrollback shows only its command, as
/// a terminal shows nothing of what `kubectl edit` hands its editor.
pub fn fetched_for_editor(entry: &crate::game::state::ConsoleEntry) -> bool {
    entry.ok && !entry.line.contains('\n') && opens(&entry.line) == Some(Opens::Edit)
}

/// The pane: the command its text goes with, and the text.
#[derive(Clone, Debug)]
pub struct ManifestEditor {
    /// The console line the text is sent with (`kubectl edit deploy/web -n shop`).
    pub command: String,
    pub text: TextArea<'static>,
    /// Waiting for the object's YAML, which comes after this console entry (the newest when the
    /// pane opened, if any).
    pub loading: Option<Mark>,
}

impl ManifestEditor {
    pub fn new(command: &str, text: &str) -> ManifestEditor {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut text = if lines.is_empty() { TextArea::default() } else { TextArea::new(lines) };
        text.move_cursor(CursorMove::Top);
        ManifestEditor { command: command.to_owned(), text, loading: None }
    }

    /// The text as it will be sent.
    pub fn value(&self) -> String {
        self.text.lines().join("\n")
    }

    /// The console line that sends it.
    pub fn line(&self) -> String {
        heredoc::wrap(&self.command, &self.value())
    }
}

/// Where the console stood when something was sent: its newest entry then. Views hold only the
/// newest entries, so a count would not do.
pub type Mark = Option<crate::game::state::ConsoleEntry>;

/// A saved edit, until its answer shows in the console.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub command: String,
    pub text: String,
    pub since: Mark,
}

/// The console entries the active seat sees.
fn console_of(game: &GameScreen) -> &[crate::game::state::ConsoleEntry] {
    match game.view().map(|v| &v.panel) {
        Some(Panel::Troubleshooter(t)) => &t.console,
        Some(Panel::GameMaster(m)) => &m.console,
        _ => &[],
    }
}

/// The console as it stands now, to find what comes after.
pub fn mark(game: &GameScreen) -> Mark {
    console_of(game).last().cloned()
}

/// The console entries newer than `mark` (all of them when it has scrolled out of the view).
fn newer<'a>(game: &'a GameScreen, mark: &Mark) -> &'a [crate::game::state::ConsoleEntry] {
    let console = console_of(game);
    match mark {
        Some(entry) => console.iter().rposition(|e| e == entry).map_or(console, |at| &console[at + 1..]),
        None => console,
    }
}

/// New views may carry what the pane waits for: the object's YAML fills a loading pane (a
/// failed read closes it: its error is in the console), and a saved edit the cluster refused
/// reopens with the error on top.
pub fn on_views(game: &mut GameScreen) {
    if let Some(since) = game.manifest.as_ref().and_then(|m| m.loading.clone()) {
        let command = game.manifest.as_ref().map(|m| clean_command(&m.command)).unwrap_or_default();
        let answer = newer(game, &since).iter().find(|e| e.line == command).cloned();
        if let Some(entry) = answer {
            game.manifest = entry.ok.then(|| ManifestEditor::new(&command, &entry.output));
        }
    }
    if let Some(saved) = game.saved.clone() {
        let first = clean_command(&saved.command);
        let answer = newer(game, &saved.since)
            .iter()
            .find(|e| e.line.split_once('\n').is_some_and(|(head, _)| head.starts_with(&first)))
            .cloned();
        if let Some(entry) = answer {
            game.saved = None;
            if !entry.ok && game.manifest.is_none() {
                game.manifest = Some(reopened(&saved.command, &entry.output, &saved.text));
            }
        }
    }
}

/// How kubectl's editor header starts (`sim::kubectl` prints it above an object to edit).
const HEADER_START: &str = "# Please edit the object below.";

/// The pane again after a refusal: kubectl's error as comment lines above the text.
pub fn reopened(command: &str, error: &str, text: &str) -> ManifestEditor {
    let mut body: String = error.lines().flat_map(|l| ["# ", l, "\n"]).collect();
    body.push_str("#\n");
    // An earlier refusal's lines above kubectl's header give way to this one's.
    let header = text.find(HEADER_START).filter(|at| text[..*at].lines().all(|l| l.starts_with('#')));
    body.push_str(header.map_or(text, |at| &text[at..]));
    ManifestEditor::new(command, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_commands_without_text_open_the_pane() {
        assert_eq!(opens("kubectl edit deploy/web -n shop"), Some(Opens::Edit));
        assert_eq!(opens("edit deployment web"), Some(Opens::Edit));
        assert_eq!(opens("kubectl apply -f -"), Some(Opens::Empty));
        assert_eq!(opens("k diff --filename=-"), Some(Opens::Empty));
        for line in ["kubectl apply -f - <<EOF", "kubectl edit", "kubectl edit --help", "kubectl apply -f web.yaml"] {
            assert_eq!(opens(line), None, "{line}");
        }
    }

    #[test]
    fn a_refusal_reopens_with_the_error_as_comments() {
        let pane = reopened("kubectl edit deploy/web", "error: x\n* y", "kind: Deployment");
        assert_eq!(pane.value(), "# error: x\n# * y\n#\nkind: Deployment");
        assert_eq!(pane.line(), "kubectl edit deploy/web <<'EOF'\n# error: x\n# * y\n#\nkind: Deployment\nEOF");
        let again =
            reopened("kubectl edit deploy/web", "error: z", "# error: x\n#\n# Please edit the object below.\nkind: D");
        assert_eq!(again.value(), "# error: z\n#\n# Please edit the object below.\nkind: D");
    }
}
