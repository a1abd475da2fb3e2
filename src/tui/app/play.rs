//! The game screen's part of the model: the seats the player holds and their views, the prompt
//! with its history and completion, where the prompt sends, and the scrollback. Keys become
//! game actions for the active seat here; the hosted seats' own keys and windows are in `seats`.

use ratatui::crossterm::event::{Event as TermEvent, KeyEvent};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::manifest::{self, ManifestEditor, Opens, Saved};
use super::seats::{self, MasterTab};
use super::{App, Effect, IncidentItem, Overlay, Screen};
use crate::game::view::{Panel, RoleView};
use crate::game::{Action as GameAction, IncidentState, Phase, Seat};
use crate::tui::action::Action;
use crate::tui::complete;
use crate::tui::history::History;
use crate::tui::keymap::Key;

/// Where the prompt sends a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A kubectl command (troubleshooter).
    Console,
    TeamChat,
    /// A message to the customer (liaison).
    CustomerChat,
    /// A status update in this state (liaison); the line is its text.
    Status(IncidentState),
    /// The customer's answer to the liaison.
    Reply,
    /// The game master writes in the customer chat as the customer.
    AsCustomer,
    /// The game master's own inject, to every seat.
    Inject,
}

impl Target {
    pub fn label(self) -> String {
        match self {
            Target::Console => "console".to_owned(),
            Target::TeamChat => "team chat".to_owned(),
            Target::CustomerChat => "customer".to_owned(),
            Target::Status(state) => format!("status update ({})", state.as_str()),
            Target::Reply => "liaison".to_owned(),
            Target::AsCustomer => "as the customer".to_owned(),
            Target::Inject => "inject".to_owned(),
        }
    }
}

/// The cadence a template promises before the liaison's view has arrived.
const DEFAULT_UPDATE_MINUTES: u32 = 15;

/// A ready-made status update a liaison can edit before sending: it states the impact in the
/// customer's terms and promises the next update, never a fix time. The next update is promised
/// in `every_minutes`, the cadence the score expects (the liaison's view carries it,
/// `game::score::update_interval_minutes`).
pub fn status_template(state: IncidentState, every_minutes: u32) -> String {
    let next = format!("Next update in {every_minutes} minutes.");
    match state {
        IncidentState::Investigating => {
            format!("We are aware that some of your users are seeing errors and we are investigating. {next}")
        }
        IncidentState::Identified => {
            format!("We have found the cause of the errors your users are seeing and are working on a fix. {next}")
        }
        IncidentState::Monitoring => {
            format!("A fix is in place and your users' requests are succeeding again; we are watching closely. {next}")
        }
        IncidentState::Resolved => "Resolved: your users can use the site normally again. A postmortem with what \
                                    happened and what we will change follows."
            .to_owned(),
    }
}

/// A line sent from the prompt, kept until the room takes it: a refused one goes back on the
/// prompt, for the player to fix rather than type again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The held seat it was sent from (an index into `GameScreen::seats`).
    pub active: usize,
    pub target: Target,
    pub line: String,
}

/// The status-update editor: several lines, Enter starts a new one, and a key of its own posts
/// it (`Action::PostUpdate`), so a long update can be written and read over before it goes.
#[derive(Clone, Debug)]
pub struct StatusEditor {
    pub state: IncidentState,
    pub text: TextArea<'static>,
}

impl StatusEditor {
    pub fn new(state: IncidentState, text: &str) -> StatusEditor {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let mut text = TextArea::new(lines);
        text.set_wrap_mode(WrapMode::WordOrGlyph);
        text.move_cursor(CursorMove::Bottom);
        text.move_cursor(CursorMove::End);
        StatusEditor { state, text }
    }

    /// What was written, its lines joined.
    pub fn value(&self) -> String {
        self.text.lines().join("\n")
    }
}

/// The game screen.
#[derive(Clone, Debug)]
pub struct GameScreen {
    pub scenario: String,
    /// The seats the player holds; solo: liaison and troubleshooter.
    pub seats: Vec<Seat>,
    pub active: usize,
    /// The latest view of each held seat, in the order of `seats` (empty until the game starts).
    pub views: Vec<RoleView>,
    pub input: Input,
    /// Where the prompt sends, per held seat.
    pub targets: Vec<Target>,
    pub history: History,
    /// Lines scrolled back from the newest in the main pane.
    pub scroll: usize,
    /// What the last completion could not decide between.
    pub candidates: Vec<String>,
    pub postmortem: Option<std::path::PathBuf>,
    /// The game master's main pane shows this tab.
    pub tab: MasterTab,
    /// Whose command history this is: the name the player plays under.
    pub profile: String,
    /// The last line sent, until the room took it or refused it.
    pub refusable: Option<Sent>,
    /// Lines sent to each chat target, for ↑/↓ (the console's are `history`).
    pub chat_history: Vec<(Target, History)>,
    /// The status update being written, while the prompt is a status update.
    pub editor: Option<StatusEditor>,
    /// When the room's turn timer ends the current turn, on the shell's clock.
    pub deadline: Option<std::time::Instant>,
    /// The manifest editor pane, while `kubectl edit` or `apply -f -` is being written.
    pub manifest: Option<ManifestEditor>,
    /// A saved manifest, until its answer shows in the console.
    pub saved: Option<Saved>,
    /// A replayed game's screen: it shows what the seat saw and takes no input, so it has no
    /// prompt.
    pub watching: bool,
    /// A solo random incident: its difficulty and seed (the header shows the seed).
    pub random: Option<super::RandomIncident>,
}

impl GameScreen {
    pub fn new(scenario: String) -> GameScreen {
        let seats = vec![Seat::Liaison, Seat::Troubleshooter(0)];
        let targets = seats.iter().map(|s| default_target(*s)).collect();
        GameScreen {
            scenario,
            // A newcomer starts at the console, where the investigation begins.
            active: 1,
            seats,
            views: Vec::new(),
            input: Input::default(),
            targets,
            history: History::default(),
            scroll: 0,
            candidates: Vec::new(),
            postmortem: None,
            tab: MasterTab::default(),
            profile: String::new(),
            refusable: None,
            chat_history: Vec::new(),
            editor: None,
            deadline: None,
            manifest: None,
            saved: None,
            watching: false,
            random: None,
        }
    }

    /// A hosted game's screen: one seat, whichever the server gave.
    pub fn hosted(scenario: String, seat: Seat) -> GameScreen {
        let mut game = GameScreen::new(scenario);
        game.seats = vec![seat];
        game.targets = vec![default_target(seat)];
        game.active = 0;
        game
    }

    /// The name the command history is kept under: random incidents share one.
    pub fn history_key(&self) -> &str {
        if self.random.is_some() { "random" } else { &self.scenario }
    }

    pub fn seat(&self) -> Seat {
        self.seats.get(self.active).copied().unwrap_or(Seat::Liaison)
    }

    /// A hosted player moved to `seat`: the screen follows it (its view arrives next).
    pub fn moved(&mut self, seat: Seat) {
        self.seats = vec![seat];
        self.targets = vec![default_target(seat)];
        self.active = 0;
    }

    /// The active seat's view, once the game has started.
    pub fn view(&self) -> Option<&RoleView> {
        self.views.get(self.active)
    }

    pub fn target(&self) -> Target {
        self.targets.get(self.active).copied().unwrap_or(Target::TeamChat)
    }

    pub(super) fn set_target(&mut self, target: Target) {
        if let Some(t) = self.targets.get_mut(self.active) {
            *t = target;
        }
    }

    /// The history ↑/↓ walk for the prompt's target: console commands, or the lines sent to
    /// that chat.
    fn history_mut(&mut self) -> &mut History {
        let target = self.target();
        if target == Target::Console {
            return &mut self.history;
        }
        let at = self.chat_history.iter().position(|(t, _)| *t == target).unwrap_or_else(|| {
            self.chat_history.push((target, History::default()));
            self.chat_history.len() - 1
        });
        &mut self.chat_history[at].1
    }

    /// Puts the line the room refused back on the prompt it was sent from, unless the player
    /// has already started on another.
    pub(super) fn restore_refused(&mut self) {
        let Some(sent) = self.refusable.take() else { return };
        if sent.active != self.active {
            return;
        }
        if self.manifest.as_ref().is_some_and(|m| m.loading.is_some()) {
            // The read that would have filled the pane was refused: the prompt gets it back.
            self.manifest = None;
        }
        match sent.target {
            Target::Status(state) if self.editor.is_none() => {
                self.set_target(sent.target);
                self.editor = Some(StatusEditor::new(state, &sent.line));
            }
            Target::Status(_) => {}
            // A manifest the rules refused (no points left) goes back into its pane.
            Target::Console if sent.line.contains('\n') && self.manifest.is_none() => {
                let split = crate::sim::kubectl::heredoc::split(&sent.line);
                self.manifest = Some(ManifestEditor::new(&split.command, split.body.as_deref().unwrap_or_default()));
                self.saved = None;
            }
            target if self.input.value().is_empty() && self.editor.is_none() => {
                self.set_target(target);
                self.input = Input::new(sent.line);
            }
            _ => {}
        }
    }

    /// Scrolls the main pane, no further back than its text goes (counted generously: drawing
    /// wraps long lines, so the last screenful stops at the top whatever the width).
    pub fn scroll_by(&mut self, lines: isize) {
        // Text read from its top (the game master's overview and script) scrolls the other way.
        let lines = if self.seat() == Seat::GameMaster && self.tab.reads_down() { -lines } else { lines };
        let most = self.view().map_or(0, scrollable_rows);
        self.scroll = self.scroll.saturating_add_signed(lines).min(most);
    }

    fn switch_seat(&mut self) {
        self.active = (self.active + 1) % self.seats.len().max(1);
        self.scroll = 0;
        self.candidates.clear();
    }
}

/// An upper bound on the rows the active seat's main pane can hold: every line, plus one for
/// each 40 characters a narrow pane might wrap it into.
fn scrollable_rows(view: &RoleView) -> usize {
    let rows = |text: &str| text.lines().map(|l| 1 + l.chars().count() / 40).sum::<usize>().max(1);
    match &view.panel {
        Panel::Troubleshooter(t) => t.console.iter().map(|e| 1 + rows(&e.line) + rows(&e.output)).sum(),
        Panel::Liaison(l) => l.customer_chat.iter().map(|c| 1 + rows(&c.text)).sum(),
        Panel::Customer(c) => c.chat.iter().map(|l| 1 + rows(&l.text)).sum(),
        // Whichever tab shows, none holds more than the console and the log together.
        Panel::GameMaster(m) => {
            let console: usize = m.console.iter().map(|e| 1 + rows(&e.line) + rows(&e.output)).sum();
            let chats: usize = m.customer_chat.iter().chain(&m.team_chat).map(|l| 1 + rows(&l.text)).sum();
            console + chats + m.log.len() * 2 + 200
        }
        Panel::Spectator(b) => b.timeline.len() * 2,
    }
}

fn default_target(seat: Seat) -> Target {
    match seat {
        Seat::Troubleshooter(_) => Target::Console,
        Seat::Liaison => Target::CustomerChat,
        Seat::Customer(_) => Target::Reply,
        Seat::GameMaster => Target::Console,
        Seat::Spectator(_) => Target::TeamChat,
    }
}

/// The targets a seat can cycle through.
pub fn targets_of(seat: Seat) -> &'static [Target] {
    match seat {
        Seat::Troubleshooter(_) => &[Target::Console, Target::TeamChat],
        Seat::Liaison => &[Target::CustomerChat, Target::TeamChat],
        Seat::Customer(_) => &[Target::Reply],
        Seat::GameMaster => {
            &[Target::Console, Target::TeamChat, Target::CustomerChat, Target::AsCustomer, Target::Inject]
        }
        Seat::Spectator(_) => &[Target::TeamChat],
    }
}

fn game_mut(app: &mut App) -> Option<&mut GameScreen> {
    match &mut app.screen {
        Screen::Game(game) => Some(game),
        _ => None,
    }
}

pub(super) fn on_key(app: &mut App, key: Key, event: &KeyEvent) -> Vec<Effect> {
    let (input_empty, typing, editing, manifest) = match &app.screen {
        Screen::Game(game) => (
            game.input.value().is_empty(),
            seats::has_prompt(game.seat()),
            game.editor.is_some(),
            game.manifest.is_some(),
        ),
        _ => return Vec::new(),
    };
    if manifest {
        return manifest_key(app, key, event);
    }
    if editing {
        return edit_key(app, key, event);
    }
    if !typing {
        // No prompt: every key is a binding.
        for action in app.keymap.actions(key) {
            if let Some(effects) = on_action(app, action) {
                return effects;
            }
        }
        return Vec::new();
    }
    // While typing, printable keys type; only `?` on an empty prompt opens the help.
    if let Some(c) = key.printable() {
        let help = app.keymap.actions(key).contains(&Action::Help);
        if !(help && input_empty && c == '?') {
            type_key(app, event);
            return Vec::new();
        }
    }
    for action in app.keymap.actions(key) {
        if let Some(effects) = on_action(app, action) {
            return effects;
        }
    }
    type_key(app, event);
    Vec::new()
}

/// A key while the status update is written: printable keys and Enter write, the post key posts,
/// Esc puts the update away, the help key shows the help; other keys edit (arrows, Backspace).
fn edit_key(app: &mut App, key: Key, event: &KeyEvent) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    if key.printable().is_none() {
        if actions.contains(&Action::PostUpdate) {
            return submit(app);
        }
        if actions.contains(&Action::Back) {
            if let Some(game) = game_mut(app) {
                game.editor = None;
                let seat = game.seat();
                game.set_target(default_target(seat));
            }
            return Vec::new();
        }
        if actions.contains(&Action::Help) {
            app.overlay = Some(Overlay::Help);
            return Vec::new();
        }
    }
    if let Some(editor) = game_mut(app).and_then(|g| g.editor.as_mut()) {
        let kill_to_head = event.code == ratatui::crossterm::event::KeyCode::Char('u')
            && event.modifiers == ratatui::crossterm::event::KeyModifiers::CONTROL;
        if kill_to_head {
            // Ctrl-U clears back to the start of the line, as at a shell prompt (the editor's
            // own binding is undo, which nobody expects there).
            editor.text.delete_line_by_head();
        } else {
            editor.text.input(*event);
        }
    }
    Vec::new()
}

/// A key while the manifest pane is open: the save key sends the text with its command, Esc
/// closes the pane and sends nothing, the help key shows the help; every other key edits (Enter
/// starts a new line, so a paste types in as it is).
fn manifest_key(app: &mut App, key: Key, event: &KeyEvent) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    if key.printable().is_none() {
        if actions.contains(&Action::SaveManifest) {
            return save_manifest(app);
        }
        if actions.contains(&Action::Back) {
            if let Some(game) = game_mut(app) {
                game.manifest = None;
            }
            return Vec::new();
        }
        if actions.contains(&Action::Help) {
            app.overlay = Some(Overlay::Help);
            return Vec::new();
        }
    }
    if let Some(pane) = game_mut(app).and_then(|g| g.manifest.as_mut())
        && pane.loading.is_none()
    {
        pane.text.input(*event);
    }
    Vec::new()
}

/// Sends the pane's text with its command, as one console line with a here-document.
fn save_manifest(app: &mut App) -> Vec<Effect> {
    let Some(game) = game_mut(app) else { return Vec::new() };
    let Some(pane) = game.manifest.take_if(|p| p.loading.is_none()) else { return Vec::new() };
    let seat = game.seat();
    let line = pane.line();
    game.saved = Some(Saved { command: pane.command.clone(), text: pane.value(), since: manifest::mark(game) });
    game.refusable = Some(Sent { active: game.active, target: Target::Console, line: line.clone() });
    game.scroll = 0;
    vec![Effect::Act { seat, action: GameAction::Command(line) }]
}

fn type_key(app: &mut App, event: &KeyEvent) {
    if let Some(game) = game_mut(app) {
        game.input.handle_event(&TermEvent::Key(*event));
        game.candidates.clear();
    }
}

/// One action on the game screen; None when it does not apply here, so the next binding of the
/// same key gets its turn (Tab completes while typing a command and switches seats otherwise).
fn on_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let page = crate::tui::render::page_rows(app);
    let game = game_mut(app)?;
    let seat = game.seat();
    if !seats::actions_for(seat).contains(&action) {
        return None;
    }
    match action {
        Action::Complete => {
            if game.target() != Target::Console || game.input.value().is_empty() {
                return None;
            }
            let names = match game.view().map(|v| &v.panel) {
                Some(Panel::Troubleshooter(t)) => t.names.as_slice(),
                _ => &[],
            };
            let done = complete::complete(game.input.value(), names);
            game.input = Input::new(done.line);
            game.candidates = done.candidates;
        }
        Action::NextSeat => game.switch_seat(),
        Action::HistoryPrev => {
            let current = game.input.value().to_owned();
            if let Some(line) = game.history_mut().older(&current) {
                game.input = Input::new(line);
            }
        }
        Action::HistoryNext => {
            if let Some(line) = game.history_mut().newer() {
                game.input = Input::new(line);
            }
        }
        Action::SwitchTarget => {
            let options = targets_of(seat);
            let at = options.iter().position(|t| *t == game.target()).map_or(0, |i| i + 1);
            let next = options.get(at % options.len()).copied().unwrap_or(Target::TeamChat);
            game.set_target(next);
        }
        Action::PageUp | Action::PageDown => {
            // A page is the height of the pane that scrolls, as drawn at the terminal's size.
            let page = isize::try_from(page).unwrap_or(isize::MAX);
            game.scroll_by(if action == Action::PageUp { page } else { -page });
        }
        Action::Select => return Some(submit(app)),
        Action::Back => {
            if !game.candidates.is_empty() {
                game.candidates.clear();
            } else if let Target::Status(_) = game.target() {
                game.set_target(default_target(seat));
                game.editor = None;
            } else if matches!(game.target(), Target::AsCustomer | Target::Inject) {
                game.set_target(default_target(seat));
            } else {
                app.overlay = Some(Overlay::ConfirmLeave);
            }
        }
        Action::Quit => app.overlay = Some(Overlay::ConfirmLeave),
        // Chosen on the scenario list, not during a game.
        Action::Difficulty => return None,
        Action::Help => app.overlay = Some(Overlay::Help),
        Action::Theme => app.theme = app.theme.next(),
        Action::EndTurn => return Some(end_turn(game)),
        Action::Hint => return Some(vec![Effect::Act { seat, action: GameAction::RequestHint }]),
        Action::Declare => app.overlay = Some(Overlay::Declare(Box::default())),
        Action::Incident => app.overlay = Some(Overlay::Incident { selected: 0 }),
        Action::Up
        | Action::Down
        | Action::PlayAgain
        | Action::NextScenario
        | Action::Ready
        | Action::StartGame
        | Action::Kick
        | Action::PostUpdate
        | Action::SaveManifest
        | Action::StepBack
        | Action::StepForward
        | Action::PrevTurn
        | Action::NextTurn
        | Action::PrevMoment
        | Action::NextMoment
        | Action::PickCard
        | Action::Prove => return None,
        Action::Rate
        | Action::Mishap
        | Action::AnswerHoldOff
        | Action::Master
        | Action::NextPane
        | Action::MoveSeat => {
            return seats::on_action(app, action);
        }
    }
    Some(Vec::new())
}

/// Ends the turn for every held responder seat that has not ended it yet.
fn end_turn(game: &GameScreen) -> Vec<Effect> {
    game.seats
        .iter()
        .zip(&game.views)
        .filter(|(seat, view)| {
            seat.is_responder() && !view.ended_turn && matches!(view.phase, Phase::Playing | Phase::Closing)
        })
        .map(|(seat, _)| Effect::Act { seat: *seat, action: GameAction::EndTurn })
        .collect()
}

/// What `/history clear` at the console asks.
pub const CLEAR_HISTORY: &str = "/history clear";

/// `/share N` at any prompt passes finding N of the seat's Findings to the rest of the team.
pub const SHARE: &str = "/share";

fn submit(app: &mut App) -> Vec<Effect> {
    let Some(game) = game_mut(app) else { return Vec::new() };
    let seat = game.seat();
    let target = game.target();
    if let (Target::Status(state), Some(editor)) = (target, &game.editor) {
        let text = editor.value();
        if text.trim().is_empty() {
            return Vec::new();
        }
        game.editor = None;
        game.set_target(default_target(seat));
        game.refusable = Some(Sent { active: game.active, target, line: text.clone() });
        return vec![Effect::Act { seat, action: GameAction::StatusUpdate { state, text } }];
    }
    let line = game.input.value().trim().to_owned();
    if line.is_empty() {
        return Vec::new();
    }
    game.input = Input::default();
    game.candidates.clear();
    game.scroll = 0;
    if target == Target::Console && line == CLEAR_HISTORY {
        game.history = History::default();
        let profile = game.profile.clone();
        app.show("your command history is cleared, for every scenario", false);
        return vec![Effect::ClearHistory { profile }];
    }
    if let Some(rest) = line.strip_prefix(SHARE).filter(|r| r.is_empty() || r.starts_with(' ')) {
        return match rest.trim().parse::<usize>() {
            Ok(n) if n >= 1 && seat.is_responder() => {
                game.refusable = Some(Sent { active: game.active, target, line: line.clone() });
                vec![Effect::Act { seat, action: GameAction::ShareFinding(n - 1) }]
            }
            _ => {
                game.input = Input::new(line);
                app.show("usage: /share N   (N: a finding's number in your Findings)", true);
                Vec::new()
            }
        };
    }
    game.refusable = Some(Sent { active: game.active, target, line: line.clone() });
    game.history_mut().push(&line);
    match target {
        Target::Console if manifest::opens(&line).is_some() => {
            let scenario = game.history_key().to_owned();
            let profile = game.profile.clone();
            let mut pane = ManifestEditor::new(&line, "");
            let mut effects = vec![Effect::Remember { profile, scenario, line: line.clone() }];
            if manifest::opens(&line) == Some(Opens::Edit) {
                // The object's YAML comes back as this read's output, through the seat path.
                pane.loading = Some(manifest::mark(game));
                effects.insert(0, Effect::Act { seat, action: GameAction::Command(line) });
            } else {
                game.refusable = None;
            }
            game.manifest = Some(pane);
            effects
        }
        Target::Console => {
            let scenario = game.history_key().to_owned();
            let profile = game.profile.clone();
            vec![
                Effect::Act { seat, action: GameAction::Command(line.clone()) },
                Effect::Remember { profile, scenario, line },
            ]
        }
        Target::TeamChat => vec![Effect::Act { seat, action: GameAction::TeamChat(line) }],
        Target::CustomerChat => vec![Effect::Act { seat, action: GameAction::CustomerChat(line) }],
        Target::Reply => vec![Effect::Act { seat, action: GameAction::Reply(line) }],
        Target::AsCustomer => vec![Effect::Act { seat, action: GameAction::SpeakAsCustomer(line) }],
        Target::Inject => vec![Effect::Act { seat, action: GameAction::InjectMessage(line) }],
        Target::Status(state) => {
            game.set_target(default_target(seat));
            vec![Effect::Act { seat, action: GameAction::StatusUpdate { state, text: line } }]
        }
    }
}

pub(super) fn incident(app: &mut App, selected: usize) -> Vec<Effect> {
    let Some(item) = IncidentItem::ALL.get(selected).copied() else { return Vec::new() };
    let Some(game) = game_mut(app) else { return Vec::new() };
    // Talking to the customer is the liaison's job: these go out from the liaison seat.
    let liaison = game.seats.iter().position(|s| *s == Seat::Liaison);
    let speaker = liaison.and_then(|at| game.seats.get(at)).copied().unwrap_or_else(|| game.seat());
    match item {
        IncidentItem::Update(state) => {
            if let Some(at) = liaison {
                game.active = at;
            }
            game.set_target(Target::Status(state));
            let every = liaison.and_then(|at| game.views.get(at)).and_then(|view| match &view.panel {
                crate::game::view::Panel::Liaison(panel) => Some(panel.update_every_minutes),
                _ => None,
            });
            game.editor =
                Some(StatusEditor::new(state, &status_template(state, every.unwrap_or(DEFAULT_UPDATE_MINUTES))));
            Vec::new()
        }
        IncidentItem::Severity(severity) => {
            vec![Effect::Act { seat: speaker, action: GameAction::SetSeverity(severity) }]
        }
        IncidentItem::HoldOff => vec![Effect::Act { seat: speaker, action: GameAction::AskHoldOff }],
    }
}
