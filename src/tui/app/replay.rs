//! The replay screen's part of the model (the debrief on the projector): a finished game's
//! [`Replay`], the step it stands at and the seat whose view shows, as it was then. Stepping,
//! jumping turn by turn or moment by moment and switching seats move a `game::replay::Cursor`
//! and take the seat's view of its game (`view::for_seat`), which the game screen's renderers
//! draw as the game showed it. The list of journals "Replay a game" opens is here too; reading
//! them is the shell's (`tui::journals`).

use std::path::PathBuf;
use std::sync::Arc;

use super::{App, Effect, GameScreen, Overlay, Screen};
use crate::game::Seat;
use crate::game::replay::{Cursor, Replay, StepInfo};
use crate::game::view;
use crate::tui::action::Action;
use crate::tui::keymap::Key;

/// What the replay screen's help lists, in order.
pub const HELP: [Action; 12] = [
    Action::StepBack,
    Action::StepForward,
    Action::PrevTurn,
    Action::NextTurn,
    Action::PrevMoment,
    Action::NextMoment,
    Action::NextSeat,
    Action::PageUp,
    Action::PageDown,
    Action::Theme,
    Action::Help,
    Action::Back,
];

/// The replay screen's footer.
pub const FOOTER: [Action; 8] = [
    Action::StepBack,
    Action::StepForward,
    Action::NextTurn,
    Action::NextMoment,
    Action::NextSeat,
    Action::PageUp,
    Action::Back,
    Action::Help,
];

/// A journal in the data directory, as "Replay a game" lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalFile {
    pub path: PathBuf,
    /// The file's name, for the list.
    pub name: String,
}

/// "Replay a game": the journals to choose from, newest first.
#[derive(Clone, Debug, Default)]
pub struct JournalList {
    pub files: Vec<JournalFile>,
    pub selected: usize,
    /// Still being listed by the shell.
    pub loading: bool,
    /// The one being opened, while the shell plays it.
    pub opening: Option<PathBuf>,
}

/// A finished game being stepped through.
#[derive(Clone, Debug)]
pub struct ReplayScreen {
    pub replay: Arc<Replay>,
    pub cursor: Cursor,
    /// Which of `replay.seats()` shows.
    pub seat: usize,
    /// The game screen as the chosen seat saw it at the cursor's step: one seat, watching.
    pub shown: GameScreen,
    /// Opened by `kombat replay --screen`: leaving it quits rather than going to the menu.
    pub standalone: bool,
}

impl ReplayScreen {
    pub fn new(replay: Arc<Replay>, standalone: bool) -> ReplayScreen {
        let cursor = replay.start();
        let mut shown = GameScreen::hosted(replay.scenario().to_owned(), Seat::Liaison);
        shown.watching = true;
        let mut screen = ReplayScreen { replay, cursor, seat: 0, shown, standalone };
        screen.refresh();
        screen
    }

    /// The seat whose view shows.
    pub fn seat(&self) -> Seat {
        self.replay.seats().get(self.seat).copied().unwrap_or(Seat::Spectator(0))
    }

    pub fn step(&self) -> usize {
        self.cursor.step()
    }

    /// What the current step did.
    pub fn info(&self) -> Option<&StepInfo> {
        self.replay.steps().get(self.step())
    }

    /// Moves to `step` (clamped to the game) and shows the seat's view there.
    pub fn go(&mut self, step: usize) {
        if step == self.step() {
            return;
        }
        self.replay.seek(&mut self.cursor, step);
        self.shown.scroll = 0;
        self.refresh();
    }

    /// Shows the next seat's view at the same step.
    pub fn next_seat(&mut self) {
        self.seat = (self.seat + 1) % self.replay.seats().len().max(1);
        self.shown.scroll = 0;
        self.refresh();
    }

    /// Shows `seat`'s view, when the replay offers it.
    pub fn show_seat(&mut self, seat: Seat) -> bool {
        let Some(at) = self.replay.seats().iter().position(|s| *s == seat) else { return false };
        self.seat = at;
        self.shown.scroll = 0;
        self.refresh();
        true
    }

    fn refresh(&mut self) {
        let seat = self.seat();
        self.shown.seats = vec![seat];
        self.shown.active = 0;
        self.shown.views = vec![view::for_seat(self.cursor.game(), seat)];
    }

    /// The start of the turn the cursor is in, or of the one before when it stands at one.
    fn previous_turn(&self) -> usize {
        let step = self.step();
        self.replay.turn_starts().take_while(|&s| s < step).last().unwrap_or(0)
    }

    fn next_turn(&self) -> usize {
        let step = self.step();
        self.replay.turn_starts().find(|&s| s > step).unwrap_or(self.replay.last())
    }
}

/// Keys on the replay screen.
pub(super) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    let page = isize::try_from(super::super::render::page_rows(app)).unwrap_or(isize::MAX);
    let Screen::Replay(screen) = &mut app.screen else { return Vec::new() };
    for action in actions {
        match action {
            Action::StepBack => screen.go(screen.step().saturating_sub(1)),
            Action::StepForward => screen.go(screen.step() + 1),
            Action::PrevTurn => screen.go(screen.previous_turn()),
            Action::NextTurn => screen.go(screen.next_turn()),
            Action::PrevMoment => screen.go(screen.replay.previous_moment(screen.step()).unwrap_or(0)),
            Action::NextMoment => {
                let last = screen.replay.last();
                screen.go(screen.replay.next_moment(screen.step()).unwrap_or(last));
            }
            Action::NextSeat => screen.next_seat(),
            Action::PageUp => screen.shown.scroll_by(page),
            Action::PageDown => screen.shown.scroll_by(-page),
            Action::Theme => app.theme = app.theme.next(),
            Action::Help => app.overlay = Some(Overlay::Help),
            Action::Back | Action::Quit => return leave(app),
            _ => continue,
        }
        return Vec::new();
    }
    Vec::new()
}

/// Leaves the replay: back to the menu, or out of kombat when the command line opened it.
fn leave(app: &mut App) -> Vec<Effect> {
    let Screen::Replay(screen) = &app.screen else { return Vec::new() };
    if screen.standalone {
        app.quit = true;
        return vec![Effect::Quit];
    }
    app.screen = Screen::Title { selected: 0 };
    Vec::new()
}

/// Keys on the list of journals.
pub(super) fn on_list_key(app: &mut App, key: Key) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    let Screen::Journals(list) = &mut app.screen else { return Vec::new() };
    let count = list.files.len();
    for action in actions {
        match action {
            Action::Up if count > 0 => list.selected = list.selected.checked_sub(1).unwrap_or(count - 1),
            Action::Down if count > 0 => list.selected = (list.selected + 1) % count,
            Action::Select => {
                let Some(file) = list.files.get(list.selected) else { return Vec::new() };
                list.opening = Some(file.path.clone());
                return vec![Effect::OpenReplay(file.path.clone())];
            }
            Action::Back | Action::Quit => app.screen = Screen::Title { selected: 0 },
            Action::Help => app.overlay = Some(Overlay::Help),
            Action::Theme => app.theme = app.theme.next(),
            _ => continue,
        }
        return Vec::new();
    }
    Vec::new()
}

/// The journals the shell found.
pub(super) fn on_journals(app: &mut App, found: Result<Vec<JournalFile>, String>) {
    let Screen::Journals(list) = &mut app.screen else { return };
    list.loading = false;
    match found {
        Ok(files) => {
            list.files = files;
            list.selected = 0;
        }
        Err(e) => app.show(e, true),
    }
}

/// A journal the shell played, or why it could not.
pub(super) fn on_replay(app: &mut App, opened: Result<Arc<Replay>, String>) {
    match opened {
        Ok(replay) => {
            app.screen = Screen::Replay(Box::new(ReplayScreen::new(replay, false)));
            app.overlay = None;
        }
        Err(e) => {
            if let Screen::Journals(list) = &mut app.screen {
                list.opening = None;
            }
            app.show(e, true);
        }
    }
}
