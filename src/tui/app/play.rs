//! The game screen's part of the model: the seats the player holds and their views, the prompt
//! with its history and completion, where the prompt sends, and the scrollback. Keys become
//! game actions for the active seat here; the hosted seats' own keys and windows are in `seats`.

use ratatui::crossterm::event::{Event as TermEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

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

    pub fn seat(&self) -> Seat {
        self.seats.get(self.active).copied().unwrap_or(Seat::Liaison)
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
fn targets_of(seat: Seat) -> &'static [Target] {
    match seat {
        Seat::Troubleshooter(_) => &[Target::Console, Target::TeamChat],
        Seat::Liaison => &[Target::CustomerChat, Target::TeamChat],
        Seat::Customer(_) => &[Target::Reply],
        Seat::GameMaster => &[Target::Console, Target::TeamChat, Target::CustomerChat, Target::AsCustomer],
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
    let (input_empty, typing) = match &app.screen {
        Screen::Game(game) => (game.input.value().is_empty(), seats::has_prompt(game.seat())),
        _ => return Vec::new(),
    };
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

fn type_key(app: &mut App, event: &KeyEvent) {
    if let Some(game) = game_mut(app) {
        game.input.handle_event(&TermEvent::Key(*event));
        game.candidates.clear();
    }
}

/// One action on the game screen; None when it does not apply here, so the next binding of the
/// same key gets its turn (Tab completes while typing a command and switches seats otherwise).
fn on_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
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
            if let Some(line) = game.history.older(game.input.value()) {
                game.input = Input::new(line);
            }
        }
        Action::HistoryNext => {
            if let Some(line) = game.history.newer() {
                game.input = Input::new(line);
            }
        }
        Action::SwitchTarget => {
            let options = targets_of(seat);
            let at = options.iter().position(|t| *t == game.target()).map_or(0, |i| i + 1);
            let next = options.get(at % options.len()).copied().unwrap_or(Target::TeamChat);
            game.set_target(next);
        }
        Action::PageUp => game.scroll_by(10),
        Action::PageDown => game.scroll_by(-10),
        Action::Select => return Some(submit(app)),
        Action::Back => {
            if !game.candidates.is_empty() {
                game.candidates.clear();
            } else if let Target::Status(_) = game.target() {
                game.set_target(default_target(seat));
                game.input = Input::default();
            } else if game.target() == Target::AsCustomer {
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
        | Action::Kick => return None,
        Action::Rate | Action::Mishap | Action::AnswerHoldOff | Action::Master | Action::NextPane => {
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

fn submit(app: &mut App) -> Vec<Effect> {
    let Some(game) = game_mut(app) else { return Vec::new() };
    let line = game.input.value().trim().to_owned();
    if line.is_empty() {
        return Vec::new();
    }
    let seat = game.seat();
    let target = game.target();
    game.input = Input::default();
    game.candidates.clear();
    game.scroll = 0;
    match target {
        Target::Console => {
            game.history.push(&line);
            let scenario = game.scenario.clone();
            vec![Effect::Act { seat, action: GameAction::Command(line.clone()) }, Effect::Remember { scenario, line }]
        }
        Target::TeamChat => vec![Effect::Act { seat, action: GameAction::TeamChat(line) }],
        Target::CustomerChat => vec![Effect::Act { seat, action: GameAction::CustomerChat(line) }],
        Target::Reply => vec![Effect::Act { seat, action: GameAction::Reply(line) }],
        Target::AsCustomer => vec![Effect::Act { seat, action: GameAction::SpeakAsCustomer(line) }],
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
            game.input = Input::new(status_template(state, every.unwrap_or(DEFAULT_UPDATE_MINUTES)));
            Vec::new()
        }
        IncidentItem::Severity(severity) => {
            vec![Effect::Act { seat: speaker, action: GameAction::SetSeverity(severity) }]
        }
        IncidentItem::HoldOff => vec![Effect::Act { seat: speaker, action: GameAction::AskHoldOff }],
    }
}
