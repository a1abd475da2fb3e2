//! The TUI's model and its update function (The Elm Architecture). [`App`] is everything a
//! screen shows; [`update`] takes one [`Msg`] (a key, a mouse wheel, new role views from the
//! room) and changes the model, returning the [`Effect`]s the shell must carry out (start a
//! game, send a seat's action to the room, remember a command line). It does no I/O, so every
//! screen can be driven by synthetic keys in tests; drawing lives in `render`.

mod cards;
mod declare;
mod lobby;
mod manifest;
mod play;
mod replay;
mod seats;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use tui_input::Input;

pub use cards::{CardRow, CardTable};
pub use lobby::{
    HOST_ROLES, HostForm, HostRequest, Hosted, JOIN_ROLES, JoinForm, JoinRequest, Link, LobbyFocus, LobbyRequest,
    LobbyScreen, NetMsg, Origin, default_bind, next_seat, open_lobby, role_label,
};
pub use manifest::{ManifestEditor, Saved, fetched_for_editor};
pub use play::{CLEAR_HISTORY, GameScreen, Sent, StatusEditor, Target, status_template, targets_of};
pub use replay::{JournalFile, JournalList, ReplayScreen};
pub use seats::{
    MasterControl, MasterTab, TIMER_TYPING, TimerChoice, actions_for, customer_panel, has_prompt, help_actions,
    master_panel, move_destinations, removable,
};

pub use self::declare::{DeclareField, DeclareForm, fields as declare_fields, options as declare_options};
use super::action::Action;
use super::catalog::CatalogEntry;
use super::keymap::{Key, Keymap};
use super::theme::Theme;
use crate::game::tournament::{Leaderboard, TournamentView};
use crate::game::view::RoleView;
use crate::game::{Difficulty, IncidentState, Phase, Seat, Severity};

/// The title menu, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuItem {
    Solo,
    Host,
    Join,
    Scenarios,
    Replay,
    Help,
    Quit,
}

impl MenuItem {
    pub const ALL: [MenuItem; 7] = [
        MenuItem::Solo,
        MenuItem::Host,
        MenuItem::Join,
        MenuItem::Scenarios,
        MenuItem::Replay,
        MenuItem::Help,
        MenuItem::Quit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MenuItem::Solo => "Solo practice",
            MenuItem::Host => "Host a game",
            MenuItem::Join => "Join a game",
            MenuItem::Scenarios => "Scenarios",
            MenuItem::Replay => "Replay a game",
            MenuItem::Help => "Help",
            MenuItem::Quit => "Quit",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MenuItem::Solo => "Play a scenario alone against the scripted customer",
            MenuItem::Host => "Run a game night from here: a room on this machine, with a code to share",
            MenuItem::Join => "Join a hosted game with the address and code the host gave you",
            MenuItem::Scenarios => "Browse the scenarios: difficulty, tags, what to expect",
            MenuItem::Replay => "Step through a finished game: what each seat saw, turn by turn",
            MenuItem::Help => "Keys and how to play",
            MenuItem::Quit => "Leave kombat",
        }
    }
}

/// The buttons under the debrief, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebriefButton {
    PlayAgain,
    NextScenario,
    Menu,
}

impl DebriefButton {
    pub const ALL: [DebriefButton; 3] = [DebriefButton::PlayAgain, DebriefButton::NextScenario, DebriefButton::Menu];

    pub fn label(self) -> &'static str {
        match self {
            DebriefButton::PlayAgain => "Play again",
            DebriefButton::NextScenario => "Next scenario",
            DebriefButton::Menu => "Menu",
        }
    }
}

/// Which screen is up.
#[derive(Clone, Debug)]
pub enum Screen {
    Title {
        selected: usize,
    },
    /// The scenario list; `browse` when it was opened from "Scenarios" rather than "Solo practice".
    Picker {
        selected: usize,
        browse: bool,
    },
    Game(Box<GameScreen>),
    Debrief(Box<DebriefScreen>),
    /// "Join a game": address, code, name, role.
    Join(Box<JoinForm>),
    /// "Host a game": scenario, address, name, role.
    HostSetup(Box<HostForm>),
    /// A hosted room before its game starts (and while connecting to it).
    Lobby(Box<LobbyScreen>),
    /// "Replay a game": the journals kept in the data directory.
    Journals(Box<JournalList>),
    /// A finished game, stepped through seat by seat (`kombat replay --screen`).
    Replay(Box<ReplayScreen>),
    /// A projector on a tournament's code: every team's public board and the leaderboard.
    Tournament(Box<TournamentView>),
}

/// After the game: the ended game's view (with its debrief).
#[derive(Clone, Debug)]
pub struct DebriefScreen {
    pub scenario: String,
    pub view: RoleView,
    pub postmortem: Option<PathBuf>,
    /// Lines scrolled down the timeline.
    pub scroll: usize,
    pub selected: usize,
    /// A hosted game's debrief: playing again asks the room (`LobbyRequest::PlayAgain`), which
    /// takes everyone back to its lobby; only whoever may lead the table is offered it.
    pub hosted: bool,
    /// This player may lead the hosted table: the game master, or anyone at a table without one
    /// (the room's creator may then; the server decides and says so to anyone else).
    pub leads: bool,
    /// A solo random incident: "Play again" draws the same one again.
    pub random: Option<RandomIncident>,
}

impl DebriefScreen {
    /// The buttons under this debrief.
    pub fn buttons(&self) -> &'static [DebriefButton] {
        if self.hosted && !self.leads { &[DebriefButton::Menu] } else { &DebriefButton::ALL }
    }
}

/// A window over the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// The root-cause declaration form.
    Declare(Box<DeclareForm>),
    /// Status update, severity, hold-off.
    Incident {
        selected: usize,
    },
    /// "Leave the game?"
    ConfirmLeave,
    /// The customer's status page, to rate the selected update (1–5).
    Rate {
        selected: usize,
    },
    /// The customer's mishap cards.
    Mishaps {
        selected: usize,
    },
    /// "Play this mishap?": it changes the cluster.
    ConfirmMishap {
        id: String,
    },
    /// The team asked the customer to hold off changes: accept or refuse.
    HoldOff,
    /// The game master's controls.
    Master {
        selected: usize,
    },
    /// The players at the table, for the game master to remove one.
    Remove {
        selected: usize,
    },
    /// The scenario's injects, for the game master to fire one.
    Injects {
        selected: usize,
    },
    /// "End the game for everyone?"
    ConfirmEnd,
    /// The turn timer's choices, for the game master, and a value they may type instead.
    Timer {
        selected: usize,
        typed: String,
    },
    /// The scenario's hints by tier, for the game master to grant one.
    Hints {
        selected: usize,
    },
    /// The players at the table, for the game master to move one during a game.
    MovePlayer {
        selected: usize,
    },
    /// The seats the player in `from` may be moved to.
    MoveTo {
        from: Seat,
        selected: usize,
    },
}

/// One entry of the incident window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentItem {
    Update(IncidentState),
    Severity(Severity),
    HoldOff,
}

impl IncidentItem {
    pub const ALL: [IncidentItem; 9] = [
        IncidentItem::Update(IncidentState::Investigating),
        IncidentItem::Update(IncidentState::Identified),
        IncidentItem::Update(IncidentState::Monitoring),
        IncidentItem::Update(IncidentState::Resolved),
        IncidentItem::Severity(Severity::Sev1),
        IncidentItem::Severity(Severity::Sev2),
        IncidentItem::Severity(Severity::Sev3),
        IncidentItem::Severity(Severity::Sev4),
        IncidentItem::HoldOff,
    ];

    pub fn label(self) -> String {
        match self {
            IncidentItem::Update(state) => format!("Status update: {}", state.as_str()),
            IncidentItem::Severity(s) => format!("Severity: {}", crate::game::words::severity(s)),
            IncidentItem::HoldOff => "Ask the customer to hold off changes".to_owned(),
        }
    }
}

/// A line under the screen: what just happened, or what went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// For a refusal: the game's phase and turn when it was shown. It is about that moment (the
    /// game was paused, the turn was over), so it goes when they change, not only on a key.
    pub during: Option<(Phase, u32)>,
}

/// The whole model.
#[derive(Clone, Debug)]
pub struct App {
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    pub theme: Theme,
    pub catalog: Vec<CatalogEntry>,
    pub notice: Option<Notice>,
    pub quit: bool,
    /// The name the join and host forms start with.
    pub player_name: String,
    /// The hosted room this player sits in, once the server gave a seat.
    pub hosted: Option<Hosted>,
    /// The difficulty the next game is started or hosted at (`--difficulty`, then the
    /// picker's key).
    pub difficulty: Difficulty,
    /// The terminal's size, as last heard: a page of scrolling is a pane's height in it.
    pub area: Rect,
    /// The shell's clock as last heard (the model reads no clock itself).
    pub now: Option<Instant>,
    /// The hosted room is a team in a tournament: its leaderboard as last heard (the debrief
    /// shows it).
    pub leaderboard: Option<Box<Leaderboard>>,
    /// The seed typed on the solo picker's "Random incident" row (digits; empty: a fresh one).
    pub random_seed: String,
}

/// A solo game of a random incident: what it was drawn with, so it can be played again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomIncident {
    pub difficulty: Difficulty,
    /// Known once the shell drew it (`Msg::Drawn`); asked for, or none for a fresh one before.
    pub seed: Option<u64>,
}

/// The most digits the seed field takes (a `u64` has at most 20).
pub const SEED_DIGITS: usize = 19;

/// Something that happened.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// The mouse wheel: up is true.
    Wheel {
        up: bool,
    },
    /// The terminal has this size (at the start, and whenever it changes).
    Resize {
        width: u16,
        height: u16,
    },
    /// Fresh views of the seats the player holds, in the order of `GameScreen::seats`.
    Views(Vec<RoleView>),
    /// The room's turn timer leaves the current turn `left` from `now` (none: no turn runs).
    TurnTimer {
        left: Option<Duration>,
        now: Instant,
    },
    /// A second passed on the shell's clock, while a countdown shows.
    Tick(Instant),
    /// The command history of the scenario being played, oldest first.
    History(Vec<String>),
    /// The room wrote the postmortem here.
    Postmortem(PathBuf),
    /// The room refused an action: the rule's reason.
    Rejected(String),
    /// The room could not do something (write a file); the game goes on.
    Warning(String),
    /// The shell could not start a game.
    StartFailed(String),
    /// The shell drew the random incident being started: its scenario id and seed.
    Drawn {
        scenario: String,
        seed: u64,
    },
    /// News from the server of a hosted game.
    Net(NetMsg),
    /// The journals in the data directory, newest first, or why they could not be listed.
    Journals(Result<Vec<JournalFile>, String>),
    /// A journal played for the replay screen, or why it could not be.
    Replay(Result<std::sync::Arc<crate::game::replay::Replay>, String>),
}

/// What the shell must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Start a solo game of this scenario; the shell answers with `Msg::Views`, and with the
    /// command history `profile` keeps for it.
    StartSolo {
        scenario: String,
        difficulty: Difficulty,
        profile: String,
    },
    /// Draw a random incident at `difficulty` with `seed` (none: the shell picks a fresh one),
    /// prove it and start a solo game of it; the shell answers with `Msg::Drawn`, then as for
    /// `StartSolo`.
    StartRandom {
        difficulty: Difficulty,
        seed: Option<u64>,
        profile: String,
    },
    /// Send an action to the room as `seat`.
    Act {
        seat: Seat,
        action: crate::game::Action,
    },
    /// Keep a console line in the history file of this player profile and scenario.
    Remember {
        profile: String,
        scenario: String,
        line: String,
    },
    /// Read the command history `profile` keeps under this name; the shell answers with
    /// `Msg::History`.
    LoadHistory {
        profile: String,
        scenario: String,
    },
    /// Forget every command line `profile` kept.
    ClearHistory {
        profile: String,
    },
    /// Close the current game's room, or leave the hosted one.
    LeaveGame,
    /// Connect to a hosted room and take a seat; the shell answers with `Msg::Net`.
    Join(JoinRequest),
    /// Host a room on this machine (starting the server if needed), then join it.
    Host(HostRequest),
    /// A request in the hosted room's lobby.
    Lobby(LobbyRequest),
    /// List the journals in the data directory; the shell answers with `Msg::Journals`.
    ListJournals,
    /// Read and play this journal; the shell answers with `Msg::Replay`.
    OpenReplay(PathBuf),
    Quit,
}

impl App {
    pub fn new(keymap: Keymap, theme: Theme, catalog: Vec<CatalogEntry>) -> App {
        App {
            screen: Screen::Title { selected: 0 },
            overlay: None,
            keymap,
            theme,
            catalog,
            notice: None,
            quit: false,
            player_name: "player".to_owned(),
            hosted: None,
            difficulty: Difficulty::Normal,
            area: Rect::new(0, 0, super::render::MIN_WIDTH, super::render::MIN_HEIGHT),
            now: None,
            leaderboard: None,
            random_seed: String::new(),
        }
    }

    /// The rows of the picker: the scenarios, then (for solo play) "Random incident".
    pub fn picker_rows(&self, browse: bool) -> usize {
        self.catalog.len() + usize::from(!browse)
    }

    /// The seed typed for a random incident, if any.
    pub fn typed_seed(&self) -> Option<u64> {
        self.random_seed.parse().ok()
    }

    /// The actions worth showing in the footer now, in order.
    pub fn footer_actions(&self) -> Vec<Action> {
        match (&self.overlay, &self.screen) {
            (Some(Overlay::Help), _) => vec![Action::Back],
            (Some(Overlay::ConfirmLeave), _) => vec![Action::Select, Action::Back],
            (Some(overlay), _) if seats::overlay_footer(overlay).is_some() => {
                seats::overlay_footer(overlay).unwrap_or_default()
            }
            (Some(_), _) => vec![Action::Up, Action::Down, Action::Select, Action::Back],
            (None, Screen::Title { .. }) => vec![Action::Up, Action::Down, Action::Select, Action::Help, Action::Quit],
            (None, Screen::Picker { .. }) => {
                vec![Action::Up, Action::Down, Action::Select, Action::Difficulty, Action::Back]
            }
            (None, Screen::Game(game)) => seats::footer(game),
            (None, Screen::Debrief(d)) if d.buttons().len() == 1 => {
                vec![Action::PageDown, Action::PageUp, Action::Back]
            }
            (None, Screen::Debrief(_)) => {
                vec![Action::PlayAgain, Action::NextScenario, Action::PageDown, Action::PageUp, Action::Back]
            }
            (None, Screen::Join(_) | Screen::HostSetup(_)) => {
                vec![Action::Select, Action::Down, Action::Up, Action::Back, Action::Help]
            }
            (None, Screen::Lobby(lobby)) if lobby.break_table.is_some() => {
                let first = if lobby.cards_focused() { Action::PickCard } else { Action::Select };
                vec![first, Action::Prove, Action::Ready, Action::StartGame, Action::Back, Action::Help]
            }
            (None, Screen::Lobby(_)) => {
                vec![
                    Action::Select,
                    Action::Ready,
                    Action::StartGame,
                    Action::Kick,
                    Action::MoveSeat,
                    Action::Back,
                    Action::Help,
                ]
            }
            (None, Screen::Journals(_)) => vec![Action::Up, Action::Down, Action::Select, Action::Back, Action::Help],
            (None, Screen::Replay(_)) => replay::FOOTER.to_vec(),
            (None, Screen::Tournament(_)) => vec![Action::Back, Action::Help, Action::Theme],
        }
    }

    /// The time the turn timer leaves the game on screen, at the clock last heard; none without
    /// a timer.
    pub fn turn_left(&self) -> Option<Duration> {
        let Screen::Game(game) = &self.screen else { return None };
        let (deadline, now) = (game.deadline?, self.now?);
        Some(deadline.saturating_duration_since(now))
    }

    /// Whether a countdown shows, so the shell should tick.
    pub fn counting_down(&self) -> bool {
        self.turn_left().is_some_and(|left| !left.is_zero())
    }

    fn show(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice { text: text.into(), error, during: None });
    }
}

/// Applies one message to the model.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => on_key(app, &key),
        Msg::Wheel { up } => {
            match &mut app.screen {
                Screen::Game(game) => game.scroll_by(if up { 3 } else { -3 }),
                Screen::Debrief(d) => d.scroll = if up { d.scroll.saturating_sub(3) } else { d.scroll + 3 },
                Screen::Replay(r) => r.shown.scroll_by(if up { 3 } else { -3 }),
                _ => {}
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            app.area = Rect::new(0, 0, width, height);
            Vec::new()
        }
        Msg::Views(views) => {
            let effects = lobby::game_started(app, &views);
            on_views(app, views);
            effects
        }
        Msg::Net(msg) => lobby::on_net(app, msg),
        Msg::Journals(found) => {
            replay::on_journals(app, found);
            Vec::new()
        }
        Msg::Replay(opened) => {
            replay::on_replay(app, opened);
            Vec::new()
        }
        Msg::TurnTimer { left, now } => {
            app.now = Some(now);
            if let Screen::Game(game) = &mut app.screen {
                game.deadline = left.map(|left| now + left);
            }
            Vec::new()
        }
        Msg::Tick(now) => {
            app.now = Some(now);
            Vec::new()
        }
        Msg::History(lines) => {
            if let Screen::Game(game) = &mut app.screen {
                game.history = super::history::History::new(lines);
            }
            Vec::new()
        }
        Msg::Postmortem(path) => {
            match &mut app.screen {
                Screen::Game(game) => game.postmortem = Some(path),
                Screen::Debrief(d) => d.postmortem = Some(path),
                _ => {}
            }
            Vec::new()
        }
        Msg::Rejected(text) => {
            app.show(text, true);
            if let Screen::Game(game) = &mut app.screen {
                if let Some(notice) = &mut app.notice {
                    notice.during = game.view().map(|v| (v.phase.clone(), v.turn));
                }
                // The line the room refused goes back on the prompt, for the player to fix.
                game.restore_refused();
            }
            Vec::new()
        }
        Msg::Warning(text) => {
            app.show(format!("warning: {text}"), true);
            Vec::new()
        }
        Msg::Drawn { scenario, seed } => {
            if let Screen::Game(game) = &mut app.screen {
                game.scenario = scenario;
                if let Some(random) = &mut game.random {
                    random.seed = Some(seed);
                }
            }
            Vec::new()
        }
        Msg::StartFailed(text) => {
            app.screen = Screen::Picker { selected: 0, browse: false };
            app.show(format!("cannot start the game: {text}"), true);
            Vec::new()
        }
    }
}

/// New views: the game screen takes them; once the game has ended, the debrief takes over.
fn on_views(app: &mut App, views: Vec<RoleView>) {
    let Screen::Game(game) = &mut app.screen else { return };
    game.views = views;
    manifest::on_views(game);
    // The room answers an accepted action after the views it brought: what was sent is taken.
    game.refusable = None;
    let now = game.view().map(|v| (v.phase.clone(), v.turn));
    if app.notice.as_ref().is_some_and(|n| n.during.is_some() && n.during != now) {
        app.notice = None;
    }
    let ended = game.views.iter().find(|v| v.debrief.is_some()).cloned();
    if let Some(view) = ended {
        // The room records the result on disk; the picker learns it here without reading it back.
        let hosted = app.hosted.is_some();
        if !hosted
            && let Some(grade) = view.debrief.as_ref().map(|d| d.score.grade)
            && let Some(entry) = app.catalog.iter_mut().find(|e| e.id == game.scenario)
        {
            entry.best = Some(entry.best.map_or(grade, |best| best.min(grade)));
        }
        let leads = hosted && (view.seat == Seat::GameMaster || !view.table.iter().any(|s| s.seat == Seat::GameMaster));
        let debrief = DebriefScreen {
            scenario: game.scenario.clone(),
            view,
            postmortem: game.postmortem.take(),
            scroll: 0,
            selected: 0,
            hosted,
            leads,
            random: game.random,
        };
        app.screen = Screen::Debrief(Box::new(debrief));
        app.overlay = None;
    }
}

fn on_key(app: &mut App, event: &KeyEvent) -> Vec<Effect> {
    let Some(key) = Key::from_event(event) else { return Vec::new() };
    app.notice = None;
    if matches!(app.overlay, Some(Overlay::Declare(_))) {
        return declare::on_key(app, event);
    }
    if app.overlay.is_some() {
        return on_overlay_key(app, key);
    }
    if let Screen::Picker { selected, browse: false } = app.screen
        && selected == app.catalog.len()
        && edit_seed(app, event)
    {
        return Vec::new();
    }
    match app.screen {
        Screen::Game(_) => return play::on_key(app, key, event),
        Screen::Join(_) | Screen::HostSetup(_) | Screen::Lobby(_) => return lobby::on_key(app, key, event),
        Screen::Journals(_) => return replay::on_list_key(app, key),
        Screen::Replay(_) => return replay::on_key(app, key),
        // A projector only watches: leaving (asked first) is all it does.
        Screen::Tournament(_) if app.keymap.actions(key).iter().any(|a| matches!(a, Action::Back | Action::Quit)) => {
            app.overlay = Some(Overlay::ConfirmLeave);
            return Vec::new();
        }
        _ => {}
    }
    let actions = app.keymap.actions(key);
    for action in actions {
        if let Some(effects) = on_menu_action(app, action) {
            return effects;
        }
    }
    Vec::new()
}

/// Digits and Backspace on the "Random incident" row edit its seed; true when the key did.
fn edit_seed(app: &mut App, event: &KeyEvent) -> bool {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    if event.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return false;
    }
    match event.code {
        KeyCode::Char(c @ '0'..='9') => {
            if app.random_seed.len() < SEED_DIGITS && !(app.random_seed.is_empty() && c == '0') {
                app.random_seed.push(c);
            }
            true
        }
        KeyCode::Backspace if !app.random_seed.is_empty() => {
            app.random_seed.pop();
            true
        }
        _ => false,
    }
}

/// Title, picker and debrief. None when the action means nothing here.
fn on_menu_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let rows = match app.screen {
        Screen::Picker { browse, .. } => app.picker_rows(browse),
        _ => app.catalog.len(),
    };
    let page = super::render::page_rows(app);
    match (&mut app.screen, action) {
        (_, Action::Help) => app.overlay = Some(Overlay::Help),
        (_, Action::Theme) => app.theme = app.theme.next(),
        (Screen::Title { selected }, Action::Up) => {
            *selected = selected.checked_sub(1).unwrap_or(MenuItem::ALL.len() - 1);
        }
        (Screen::Title { selected }, Action::Down) => *selected = (*selected + 1) % MenuItem::ALL.len(),
        (Screen::Title { .. }, Action::Quit) => {
            app.quit = true;
            return Some(vec![Effect::Quit]);
        }
        (Screen::Title { selected }, Action::Select) => {
            let item = MenuItem::ALL.get(*selected).copied().unwrap_or(MenuItem::Solo);
            return Some(choose(app, item));
        }
        (Screen::Picker { selected, .. }, Action::Up) if rows > 0 => {
            *selected = selected.checked_sub(1).unwrap_or(rows - 1);
        }
        (Screen::Picker { selected, .. }, Action::Down) if rows > 0 => *selected = (*selected + 1) % rows,
        (Screen::Picker { .. }, Action::Back | Action::Quit) => app.screen = Screen::Title { selected: 0 },
        (Screen::Picker { .. }, Action::Difficulty) => app.difficulty = app.difficulty.next(),
        (Screen::Picker { selected, browse: false }, Action::Select) if *selected == app.catalog.len() => {
            let random = RandomIncident { difficulty: app.difficulty, seed: app.typed_seed() };
            return Some(start_random(app, random));
        }
        (Screen::Picker { selected, .. }, Action::Select) => {
            let entry = app.catalog.get(*selected)?;
            return Some(start(app, entry.id.clone()));
        }
        (Screen::Debrief(d), Action::Up) => d.scroll = d.scroll.saturating_sub(1),
        (Screen::Debrief(d), Action::Down) => d.scroll += 1,
        (Screen::Debrief(d), Action::PageUp) => d.scroll = d.scroll.saturating_sub(page),
        (Screen::Debrief(d), Action::PageDown) => d.scroll += page,
        (Screen::Debrief(d), Action::NextSeat) => d.selected = (d.selected + 1) % d.buttons().len(),
        (Screen::Debrief(d), Action::Select) => {
            let button = d.buttons().get(d.selected).copied().unwrap_or(DebriefButton::Menu);
            return Some(after_debrief(app, button));
        }
        (Screen::Debrief(d), Action::PlayAgain) if d.buttons().contains(&DebriefButton::PlayAgain) => {
            return Some(after_debrief(app, DebriefButton::PlayAgain));
        }
        (Screen::Debrief(d), Action::NextScenario) if d.buttons().contains(&DebriefButton::NextScenario) => {
            return Some(after_debrief(app, DebriefButton::NextScenario));
        }
        (Screen::Debrief(_), Action::Back | Action::Quit) => return Some(after_debrief(app, DebriefButton::Menu)),
        _ => return None,
    }
    Some(Vec::new())
}

fn choose(app: &mut App, item: MenuItem) -> Vec<Effect> {
    match item {
        // The picker opens on the scenario to play next: the tutorial for a new player.
        MenuItem::Solo => {
            app.screen =
                Screen::Picker { selected: super::catalog::suggested(&app.catalog).unwrap_or(0), browse: false };
        }
        MenuItem::Scenarios => {
            app.screen =
                Screen::Picker { selected: super::catalog::suggested(&app.catalog).unwrap_or(0), browse: true };
        }
        MenuItem::Host => {
            if app.catalog.is_empty() {
                app.show("there is no scenario to host", true);
            } else {
                // A hosted game opens on the default first incident, not the solo tutorial (whose
                // guided steps are for one player at their own screen).
                let mut form = HostForm::new(&app.player_name);
                form.scenario = app.catalog.iter().position(|e| e.id == crate::scenario::DEFAULT_ID).unwrap_or(0);
                app.screen = Screen::HostSetup(Box::new(form));
            }
        }
        MenuItem::Join => app.screen = Screen::Join(Box::new(JoinForm::new(&app.player_name))),
        MenuItem::Replay => {
            app.screen = Screen::Journals(Box::new(JournalList { loading: true, ..JournalList::default() }));
            return vec![Effect::ListJournals];
        }
        MenuItem::Help => app.overlay = Some(Overlay::Help),
        MenuItem::Quit => {
            app.quit = true;
            return vec![Effect::Quit];
        }
    }
    Vec::new()
}

/// Opens the game screen for `scenario` and asks the shell to start it.
fn start(app: &mut App, scenario: String) -> Vec<Effect> {
    let mut game = GameScreen::new(scenario.clone());
    game.profile.clone_from(&app.player_name);
    app.screen = Screen::Game(Box::new(game));
    vec![Effect::StartSolo { scenario, difficulty: app.difficulty, profile: app.player_name.clone() }]
}

/// Opens the game screen for a random incident and asks the shell to draw and start it.
fn start_random(app: &mut App, random: RandomIncident) -> Vec<Effect> {
    let mut game = GameScreen::new("random".to_owned());
    game.profile.clone_from(&app.player_name);
    game.random = Some(random);
    app.screen = Screen::Game(Box::new(game));
    vec![Effect::StartRandom { difficulty: random.difficulty, seed: random.seed, profile: app.player_name.clone() }]
}

fn after_debrief(app: &mut App, button: DebriefButton) -> Vec<Effect> {
    let Screen::Debrief(d) = &app.screen else { return Vec::new() };
    let current = d.scenario.clone();
    if let Some(random) = d.random
        && !d.hosted
    {
        let mut effects = vec![Effect::LeaveGame];
        match button {
            // The same incident again; the next one is a fresh draw at the same difficulty.
            DebriefButton::PlayAgain => effects.extend(start_random(app, random)),
            DebriefButton::NextScenario => effects.extend(start_random(app, RandomIncident { seed: None, ..random })),
            DebriefButton::Menu => app.screen = Screen::Title { selected: 0 },
        }
        return effects;
    }
    if d.hosted && d.leads && button != DebriefButton::Menu {
        // The room plays again, with everyone in it: its lobby comes back (`NetMsg::Lobby`).
        let next = button == DebriefButton::NextScenario;
        app.show(if next { "asking the room for the next scenario…" } else { "asking the room to play again…" }, false);
        return vec![Effect::Lobby(LobbyRequest::PlayAgain { next })];
    }
    let button = if d.hosted { DebriefButton::Menu } else { button };
    app.hosted = None;
    let mut effects = vec![Effect::LeaveGame];
    match button {
        DebriefButton::PlayAgain => effects.extend(start(app, current)),
        DebriefButton::NextScenario => {
            let at = app.catalog.iter().position(|e| e.id == current).map_or(0, |i| i + 1);
            match app.catalog.get(at % app.catalog.len().max(1)).map(|e| e.id.clone()) {
                Some(next) => effects.extend(start(app, next)),
                None => app.screen = Screen::Title { selected: 0 },
            }
        }
        DebriefButton::Menu => app.screen = Screen::Title { selected: 0 },
    }
    effects
}

fn on_overlay_key(app: &mut App, key: Key) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    let Some(overlay) = app.overlay.clone() else { return Vec::new() };
    match overlay {
        Overlay::Help => {
            // Any of these closes the help; other keys are ignored so a stray key cannot act.
            if actions.iter().any(|a| matches!(a, Action::Help | Action::Back | Action::Quit | Action::Select)) {
                app.overlay = None;
            }
            Vec::new()
        }
        Overlay::ConfirmLeave => {
            if actions.contains(&Action::Select) || key.printable() == Some('y') {
                app.overlay = None;
                app.screen = Screen::Title { selected: 0 };
                app.hosted = None;
                return vec![Effect::LeaveGame];
            }
            if actions.iter().any(|a| matches!(a, Action::Back | Action::Quit)) || key.printable() == Some('n') {
                app.overlay = None;
            }
            Vec::new()
        }
        Overlay::Incident { selected } => {
            let count = IncidentItem::ALL.len();
            for action in actions {
                let moved = match action {
                    Action::Up | Action::HistoryPrev => {
                        Some(selected.checked_sub(1).unwrap_or(count.saturating_sub(1)))
                    }
                    Action::Down | Action::HistoryNext => Some((selected + 1) % count.max(1)),
                    _ => None,
                };
                if let Some(moved) = moved {
                    app.overlay = Some(Overlay::Incident { selected: moved });
                    return Vec::new();
                }
                match action {
                    Action::Back | Action::Quit => {
                        app.overlay = None;
                        return Vec::new();
                    }
                    Action::Select => {
                        app.overlay = None;
                        return play::incident(app, selected);
                    }
                    _ => {}
                }
            }
            Vec::new()
        }
        other => seats::on_overlay_key(app, key, &actions, other),
    }
}

/// A blank line editor, for tests and new screens.
pub fn empty_input() -> Input {
    Input::default()
}

#[cfg(test)]
mod tests;
