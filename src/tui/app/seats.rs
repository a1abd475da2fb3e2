//! The hosted seats' part of the game screen's model: what the customer, the game master and a
//! spectator may do with their keys, and the windows only they open (rating a status update,
//! playing a mishap card, answering the hold-off request; the game master's controls and
//! injects). Which UI actions a seat has is written once here and drives the key handling, the
//! help and the footer alike.

use tui_input::Input;

use super::{App, Effect, GameScreen, LobbyRequest, Overlay, Screen, Target};
use crate::game::view::{CustomerPanel, GameMasterPanel, Panel};
use crate::game::{Action as GameAction, HoldOff, Phase, Seat};
use crate::net::client::RoleWish;
use crate::tui::action::Action;
use crate::tui::keymap::Key;

/// The tabs of the game master's main pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MasterTab {
    /// The board, the customer, win conditions, declaration, clues, points.
    #[default]
    Overview,
    /// Every console command, the game master's own included.
    Console,
    /// The customer chat and the team chat.
    Chats,
    /// The customer's brief and script, mishaps, hints, injects, the postmortem material.
    Script,
    /// The full event log.
    Log,
}

impl MasterTab {
    pub const ALL: [MasterTab; 5] =
        [MasterTab::Overview, MasterTab::Console, MasterTab::Chats, MasterTab::Script, MasterTab::Log];

    pub fn label(self) -> &'static str {
        match self {
            MasterTab::Overview => "overview",
            MasterTab::Console => "console",
            MasterTab::Chats => "chats",
            MasterTab::Script => "script",
            MasterTab::Log => "event log",
        }
    }

    /// Whether the tab is read from its top (scrolling moves down from it) rather than a
    /// scrollback whose newest line is at the bottom.
    pub fn reads_down(self) -> bool {
        matches!(self, MasterTab::Overview | MasterTab::Script)
    }

    fn next(self) -> MasterTab {
        let at = MasterTab::ALL.iter().position(|t| *t == self).map_or(0, |i| i + 1);
        MasterTab::ALL.get(at % MasterTab::ALL.len()).copied().unwrap_or_default()
    }
}

/// One entry of the game master's controls window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MasterControl {
    Pause,
    Resume,
    /// Opens the list of injects.
    FireInject,
    GrantHint,
    /// Points the prompt at the customer chat, in the customer's voice.
    SpeakAsCustomer,
    /// Opens the list of players to remove one (a player who cannot come back).
    RemovePlayer,
    /// Opens the list of players, then of seats: moves one (swapping with whoever sits there).
    MovePlayer,
    /// Ends the current turn now, for everyone.
    SkipTurn,
    /// Opens the turn timer's choices: more time for this turn, another timer, none.
    TurnTimer,
    /// Opens the scenario's hints, to grant the one of a chosen tier.
    ChooseHint,
    /// Points the prompt at every seat: the line goes out as an inject of the game master's own.
    InjectMessage,
    /// Asks for a confirmation first.
    EndGame,
}

impl MasterControl {
    /// The controls in order; pause or resume, whichever applies now.
    pub fn all(paused: bool) -> [MasterControl; 11] {
        let pause = if paused { MasterControl::Resume } else { MasterControl::Pause };
        [
            pause,
            MasterControl::FireInject,
            MasterControl::GrantHint,
            MasterControl::SpeakAsCustomer,
            MasterControl::RemovePlayer,
            MasterControl::MovePlayer,
            MasterControl::SkipTurn,
            MasterControl::TurnTimer,
            MasterControl::ChooseHint,
            MasterControl::InjectMessage,
            MasterControl::EndGame,
        ]
    }

    /// Where `control` is in the window (to go back to it from one of its lists).
    fn position(control: MasterControl) -> usize {
        MasterControl::all(false).iter().position(|c| *c == control).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        match self {
            MasterControl::Pause => "Pause the game",
            MasterControl::Resume => "Resume the game",
            MasterControl::FireInject => "Fire an inject…",
            MasterControl::GrantHint => "Grant the team a hint",
            MasterControl::SpeakAsCustomer => "Speak as the customer",
            MasterControl::RemovePlayer => "Remove a player…",
            MasterControl::MovePlayer => "Move a player to another seat…",
            MasterControl::SkipTurn => "Skip to the next turn",
            MasterControl::TurnTimer => "Turn timer: extend, change, off…",
            MasterControl::ChooseHint => "Grant the hint of a tier…",
            MasterControl::InjectMessage => "Send an inject of your own",
            MasterControl::EndGame => "End the game for everyone…",
        }
    }
}

/// One choice in the game master's turn timer window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerChoice {
    /// This many more seconds for the current turn.
    Extend(u32),
    /// This many seconds a turn, the current one from now.
    Set(u32),
    Off,
}

impl TimerChoice {
    /// The choices in the window's order. Any other figure is `/timer` in line mode.
    pub const ALL: [TimerChoice; 9] = [
        TimerChoice::Extend(30),
        TimerChoice::Extend(60),
        TimerChoice::Extend(120),
        TimerChoice::Set(60),
        TimerChoice::Set(90),
        TimerChoice::Set(120),
        TimerChoice::Set(180),
        TimerChoice::Set(300),
        TimerChoice::Off,
    ];

    pub fn label(self) -> String {
        match self {
            TimerChoice::Extend(s) => format!("Give this turn {s} s more"),
            TimerChoice::Set(s) => format!("Set the timer to {s} s a turn"),
            TimerChoice::Off => "Turn the timer off".to_owned(),
        }
    }

    pub fn action(self) -> GameAction {
        match self {
            TimerChoice::Extend(s) => GameAction::ExtendTurn(s),
            TimerChoice::Set(s) => GameAction::SetTurnTimer(Some(s)),
            TimerChoice::Off => GameAction::SetTurnTimer(None),
        }
    }

    /// What the game master typed in the timer window: `90`, `90s`, `2m`, `1m30s` set the timer
    /// to that a turn, `+45` or `+1m` give this turn that much more, `off` turns it off. What the
    /// rules would refuse is refused here, with the range, so nothing is sent.
    pub fn parse(text: &str) -> Result<TimerChoice, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(TimerChoice::Off);
        }
        let (extend, figure) = match text.strip_prefix('+') {
            Some(rest) => (true, rest.trim()),
            None => (false, text),
        };
        let Some(seconds) = duration_seconds(figure) else {
            return Err(format!("{TIMER_TYPING}: not {:?}", crate::game::text::sanitize(text)));
        };
        let (range, choice) = if extend {
            (crate::game::rules::EXTEND_SECS, TimerChoice::Extend(seconds))
        } else {
            (crate::game::rules::TURN_TIMER_SECS, TimerChoice::Set(seconds))
        };
        if range.contains(&seconds) {
            Ok(choice)
        } else if extend {
            Err(format!("a turn may get {} to {} s more", range.start(), range.end()))
        } else {
            Err(format!("a turn timer runs {} to {} s a turn", range.start(), range.end()))
        }
    }
}

/// How the timer window's typed value reads, for its prompt and its error.
pub const TIMER_TYPING: &str = "type 90, 2m or 1m30s a turn, +45 for more now, or off";

/// `90`, `90s`, `2m`, `1m30s`, `1h` in seconds; None for anything else (or too large).
fn duration_seconds(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let mut total: u32 = 0;
    let mut digits = String::new();
    let mut last_unit = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        // Units from the largest down, each once: `1h30m`, `2m5s`.
        let (rank, unit) = match c.to_ascii_lowercase() {
            'h' => (3, 3600),
            'm' => (2, 60),
            's' => (1, 1),
            _ => return None,
        };
        if digits.is_empty() || (last_unit != 0 && rank >= last_unit) {
            return None;
        }
        last_unit = rank;
        let figure: u32 = std::mem::take(&mut digits).parse().ok()?;
        total = total.checked_add(figure.checked_mul(unit)?)?;
    }
    digits.is_empty().then_some(total)
}

/// The UI actions that mean something on the game screen for `seat`, in the vocabulary's
/// order: the help lists these, and keys bound to anything else do nothing there.
pub fn actions_for(seat: Seat) -> Vec<Action> {
    use Action as A;
    let mine: &[Action] = match seat {
        Seat::Liaison | Seat::Troubleshooter(_) => &[
            A::Help,
            A::Quit,
            A::Back,
            A::Up,
            A::Down,
            A::Select,
            A::Complete,
            A::NextSeat,
            A::HistoryPrev,
            A::HistoryNext,
            A::SwitchTarget,
            A::PageUp,
            A::PageDown,
            A::EndTurn,
            A::Declare,
            A::Hint,
            A::Incident,
            A::Theme,
            A::PlayAgain,
            A::NextScenario,
            A::SaveManifest,
        ],
        Seat::Customer(_) => &[
            A::Help,
            A::Quit,
            A::Back,
            A::Up,
            A::Down,
            A::Select,
            A::PageUp,
            A::PageDown,
            A::Theme,
            A::Rate,
            A::Mishap,
            A::AnswerHoldOff,
        ],
        Seat::GameMaster => &[
            A::Help,
            A::Quit,
            A::Back,
            A::Up,
            A::Down,
            A::Select,
            A::Complete,
            A::HistoryPrev,
            A::HistoryNext,
            A::SwitchTarget,
            A::PageUp,
            A::PageDown,
            A::Theme,
            A::Master,
            A::NextPane,
            A::SaveManifest,
            A::MoveSeat,
        ],
        Seat::Spectator(_) => &[A::Help, A::Quit, A::Back, A::PageUp, A::PageDown, A::Theme],
    };
    Action::ALL.into_iter().filter(|a| mine.contains(a)).collect()
}

/// What the help lists on the current screen: the active seat's actions in a game, otherwise
/// the whole vocabulary but the hosted seats' own keys.
pub fn help_actions(app: &App) -> Vec<Action> {
    match &app.screen {
        Screen::Game(game) => actions_for(game.seat()),
        Screen::Replay(_) => super::replay::HELP.to_vec(),
        screen => {
            let composing = matches!(screen, Screen::Lobby(lobby) if lobby.break_table.is_some());
            Action::ALL
                .into_iter()
                .filter(|a| {
                    !matches!(
                        a,
                        Action::Rate | Action::Mishap | Action::AnswerHoldOff | Action::Master | Action::NextPane
                    ) && !Action::REPLAY.contains(a)
                        && (composing || !Action::BREAK.contains(a))
                })
                .collect()
        }
    }
}

/// The footer of the game screen for the active seat.
pub(super) fn footer(game: &GameScreen) -> Vec<Action> {
    match game.seat() {
        Seat::Liaison | Seat::Troubleshooter(_) => {
            let mut actions = vec![
                Action::NextSeat,
                Action::EndTurn,
                Action::Declare,
                Action::Hint,
                Action::Incident,
                Action::SwitchTarget,
                Action::Help,
            ];
            if game.seats.len() < 2 {
                actions.retain(|a| *a != Action::NextSeat);
            }
            actions
        }
        Seat::Customer(_) => {
            let asked = matches!(customer_of(game), Some(c) if c.hold_off == HoldOff::Asked);
            let mut actions = if asked { vec![Action::AnswerHoldOff] } else { Vec::new() };
            actions.extend([Action::Rate, Action::Mishap, Action::PageUp, Action::Help]);
            actions
        }
        Seat::GameMaster => vec![Action::Master, Action::NextPane, Action::SwitchTarget, Action::PageUp, Action::Help],
        Seat::Spectator(_) => vec![Action::Theme, Action::Quit, Action::Help],
    }
}

/// The footer under one of this module's windows; None for the others.
pub(super) fn overlay_footer(overlay: &Overlay) -> Option<Vec<Action>> {
    match overlay {
        Overlay::HoldOff => Some(vec![Action::Back]),
        Overlay::ConfirmMishap { .. } | Overlay::ConfirmEnd => Some(vec![Action::Select, Action::Back]),
        Overlay::Timer { .. } | Overlay::Hints { .. } | Overlay::MovePlayer { .. } | Overlay::MoveTo { .. } => {
            Some(vec![Action::Up, Action::Down, Action::Select, Action::Back])
        }
        Overlay::Rate { .. } => Some(vec![Action::Up, Action::Down, Action::Back]),
        _ => None,
    }
}

/// Whether the seat types at a prompt (a spectator only watches).
pub fn has_prompt(seat: Seat) -> bool {
    !matches!(seat, Seat::Spectator(_))
}

fn customer_of(game: &GameScreen) -> Option<&CustomerPanel> {
    match game.view().map(|v| &v.panel) {
        Some(Panel::Customer(c)) => Some(c),
        _ => None,
    }
}

fn master_of(game: &GameScreen) -> Option<&GameMasterPanel> {
    match game.view().map(|v| &v.panel) {
        Some(Panel::GameMaster(m)) => Some(m),
        _ => None,
    }
}

/// The customer's panel, when the active seat is a customer's.
pub fn customer_panel(app: &App) -> Option<&CustomerPanel> {
    match &app.screen {
        Screen::Game(game) => customer_of(game),
        _ => None,
    }
}

/// The game master's panel, when the active seat is the game master's.
pub fn master_panel(app: &App) -> Option<&GameMasterPanel> {
    match &app.screen {
        Screen::Game(game) => master_of(game),
        _ => None,
    }
}

/// Whether the game the screen shows is paused.
fn paused(app: &App) -> bool {
    match &app.screen {
        Screen::Game(game) => game.view().is_some_and(|v| v.phase == Phase::Paused),
        _ => false,
    }
}

fn game_mut(app: &mut App) -> Option<&mut GameScreen> {
    match &mut app.screen {
        Screen::Game(game) => Some(game),
        _ => None,
    }
}

/// The active seat, for an action the game screen turns into a game action.
fn seat(app: &App) -> Option<Seat> {
    match &app.screen {
        Screen::Game(game) => Some(game.seat()),
        _ => None,
    }
}

fn act(app: &App, action: GameAction) -> Vec<Effect> {
    seat(app).map(|seat| vec![Effect::Act { seat, action }]).unwrap_or_default()
}

/// One of the hosted seats' own actions on the game screen (the caller checked the seat has it).
pub(super) fn on_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Rate => {
            let updates = customer_panel(app).map_or(0, |c| c.status_page.len());
            if updates == 0 {
                app.show("the team has not posted a status update yet", true);
            } else {
                app.overlay = Some(Overlay::Rate { selected: updates - 1 });
            }
        }
        Action::Mishap => {
            let cards = customer_panel(app).map_or(0, |c| c.mishaps.len());
            if cards == 0 {
                app.show("you have no mishap cards left", true);
            } else {
                app.overlay = Some(Overlay::Mishaps { selected: 0 });
            }
        }
        Action::AnswerHoldOff => {
            if customer_panel(app).is_some_and(|c| c.hold_off == HoldOff::Asked) {
                app.overlay = Some(Overlay::HoldOff);
            } else {
                app.show("nobody asked you to hold off changes", true);
            }
        }
        Action::Master => app.overlay = Some(Overlay::Master { selected: 0 }),
        Action::MoveSeat => {
            control_chosen(app, MasterControl::MovePlayer);
        }
        Action::NextPane => {
            let game = game_mut(app)?;
            game.tab = game.tab.next();
            game.scroll = 0;
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// The selection after an Up or Down among `count` entries, wrapping; None for other actions.
fn moved(actions: &[Action], selected: usize, count: usize) -> Option<usize> {
    actions.iter().find_map(|a| match a {
        Action::Up | Action::HistoryPrev => Some(selected.checked_sub(1).unwrap_or(count.saturating_sub(1))),
        Action::Down | Action::HistoryNext => Some((selected + 1) % count.max(1)),
        _ => None,
    })
}

fn closes(actions: &[Action]) -> bool {
    actions.iter().any(|a| matches!(a, Action::Back | Action::Quit))
}

/// Keys in one of this module's windows.
pub(super) fn on_overlay_key(app: &mut App, key: Key, actions: &[Action], overlay: Overlay) -> Vec<Effect> {
    let yes = actions.contains(&Action::Select) || key.printable() == Some('y');
    let no = closes(actions) || key.printable() == Some('n');
    match overlay {
        Overlay::Rate { selected } => {
            let updates = customer_panel(app).map_or(0, |c| c.status_page.len());
            if let Some(stars) = key.printable().and_then(|c| c.to_digit(10)).filter(|d| (1..=5).contains(d)) {
                app.overlay = None;
                return act(app, GameAction::RateUpdate { update: selected, stars: stars as u8 });
            }
            if let Some(moved) = moved(actions, selected, updates) {
                app.overlay = Some(Overlay::Rate { selected: moved });
            } else if closes(actions) {
                app.overlay = None;
            } else if actions.contains(&Action::Select) {
                app.show("press 1 to 5 to rate the selected update", false);
            }
        }
        Overlay::Mishaps { selected } => {
            let cards: Vec<String> =
                customer_panel(app).map(|c| c.mishaps.iter().map(|m| m.id.clone()).collect()).unwrap_or_default();
            if let Some(moved) = moved(actions, selected, cards.len()) {
                app.overlay = Some(Overlay::Mishaps { selected: moved });
            } else if closes(actions) {
                app.overlay = None;
            } else if actions.contains(&Action::Select) {
                app.overlay = cards.get(selected).map(|id| Overlay::ConfirmMishap { id: id.clone() });
            }
        }
        Overlay::ConfirmMishap { id } => {
            if yes {
                app.overlay = None;
                return act(app, GameAction::CauseMishap(id));
            }
            if no {
                let at = customer_panel(app).and_then(|c| c.mishaps.iter().position(|m| m.id == id)).unwrap_or(0);
                app.overlay = Some(Overlay::Mishaps { selected: at });
            }
        }
        Overlay::HoldOff => match key.printable() {
            Some('y') => {
                app.overlay = None;
                return act(app, GameAction::AnswerHoldOff { accept: true });
            }
            Some('n') => {
                app.overlay = None;
                return act(app, GameAction::AnswerHoldOff { accept: false });
            }
            _ if closes(actions) => app.overlay = None,
            _ => {}
        },
        Overlay::Master { selected } => {
            let controls = MasterControl::all(paused(app));
            if let Some(moved) = moved(actions, selected, controls.len()) {
                app.overlay = Some(Overlay::Master { selected: moved });
            } else if closes(actions) {
                app.overlay = None;
            } else if actions.contains(&Action::Select) {
                app.overlay = None;
                let control = controls.get(selected).copied().unwrap_or(MasterControl::Pause);
                return control_chosen(app, control);
            }
        }
        Overlay::Injects { selected } => {
            let injects: Vec<(String, bool)> = master_panel(app)
                .map(|m| m.injects.iter().map(|i| (i.id.clone(), i.fired)).collect())
                .unwrap_or_default();
            if let Some(moved) = moved(actions, selected, injects.len()) {
                app.overlay = Some(Overlay::Injects { selected: moved });
            } else if closes(actions) {
                app.overlay = Some(Overlay::Master { selected: MasterControl::position(MasterControl::FireInject) });
            } else if actions.contains(&Action::Select) {
                match injects.get(selected) {
                    Some((id, false)) => {
                        app.overlay = None;
                        return act(app, GameAction::FireInject(id.clone()));
                    }
                    Some((_, true)) => app.show("that inject has fired already", true),
                    None => app.overlay = None,
                }
            }
        }
        Overlay::Remove { selected } => {
            let players = removable(app);
            if let Some(moved) = moved(actions, selected, players.len()) {
                app.overlay = Some(Overlay::Remove { selected: moved });
            } else if closes(actions) {
                app.overlay = Some(Overlay::Master { selected: MasterControl::position(MasterControl::RemovePlayer) });
            } else if actions.contains(&Action::Select) {
                app.overlay = None;
                if let Some((seat, _)) = players.get(selected) {
                    return vec![Effect::Lobby(LobbyRequest::Kick(*seat))];
                }
            }
        }
        Overlay::Timer { selected, mut typed } => {
            // Typed keys go to the value first: `q` or `k` are letters here, not keys.
            if let Some(c) = key.printable() {
                if typed.chars().count() < TIMER_TYPED_MAX {
                    typed.push(c);
                }
                app.overlay = Some(Overlay::Timer { selected, typed });
            } else if key.code == crate::tui::keymap::KeyCodeKey::Backspace {
                typed.pop();
                app.overlay = Some(Overlay::Timer { selected, typed });
            } else if let Some(moved) = moved(actions, selected, TimerChoice::ALL.len()) {
                app.overlay = Some(Overlay::Timer { selected: moved, typed });
            } else if closes(actions) {
                app.overlay = Some(Overlay::Master { selected: MasterControl::position(MasterControl::TurnTimer) });
            } else if actions.contains(&Action::Select) && !typed.trim().is_empty() {
                match TimerChoice::parse(&typed) {
                    Ok(choice) => {
                        app.overlay = None;
                        return act(app, choice.action());
                    }
                    // The window stays, with what was typed, so it can be mended.
                    Err(e) => app.show(e, true),
                }
            } else if actions.contains(&Action::Select) {
                app.overlay = None;
                if let Some(choice) = TimerChoice::ALL.get(selected) {
                    return act(app, choice.action());
                }
            }
        }
        Overlay::MovePlayer { selected } => {
            let players = removable(app);
            if let Some(moved) = moved(actions, selected, players.len()) {
                app.overlay = Some(Overlay::MovePlayer { selected: moved });
            } else if closes(actions) {
                app.overlay = Some(Overlay::Master { selected: MasterControl::position(MasterControl::MovePlayer) });
            } else if actions.contains(&Action::Select) {
                app.overlay = players.get(selected).map(|(from, _)| Overlay::MoveTo { from: *from, selected: 0 });
            }
        }
        Overlay::MoveTo { from, selected } => {
            let seats = move_destinations(app, from);
            if let Some(moved) = moved(actions, selected, seats.len()) {
                app.overlay = Some(Overlay::MoveTo { from, selected: moved });
            } else if closes(actions) {
                let at = removable(app).iter().position(|(seat, _)| *seat == from).unwrap_or(0);
                app.overlay = Some(Overlay::MovePlayer { selected: at });
            } else if actions.contains(&Action::Select) {
                app.overlay = None;
                if let Some((to, _)) = seats.get(selected) {
                    // The same request as `/move` and the lobby's move key: one seat path.
                    return vec![Effect::Lobby(LobbyRequest::Move { from, to: *to })];
                }
            }
        }
        Overlay::Hints { selected } => {
            let hints: Vec<(u8, bool)> =
                master_panel(app).map(|m| m.hints.iter().map(|h| (h.tier, h.given)).collect()).unwrap_or_default();
            if let Some(moved) = moved(actions, selected, hints.len()) {
                app.overlay = Some(Overlay::Hints { selected: moved });
            } else if closes(actions) {
                app.overlay = Some(Overlay::Master { selected: MasterControl::position(MasterControl::ChooseHint) });
            } else if actions.contains(&Action::Select) {
                match hints.get(selected) {
                    Some((tier, false)) => {
                        app.overlay = None;
                        return act(app, GameAction::GrantHintTier(*tier));
                    }
                    Some((_, true)) => app.show("the team has that hint already", true),
                    None => app.overlay = None,
                }
            }
        }
        Overlay::ConfirmEnd => {
            if yes {
                app.overlay = None;
                return act(app, GameAction::EndGame);
            }
            if no {
                app.overlay = None;
            }
        }
        Overlay::Help | Overlay::Declare { .. } | Overlay::Incident { .. } | Overlay::ConfirmLeave => {}
    }
    Vec::new()
}

/// A control chosen in the game master's window.
fn control_chosen(app: &mut App, control: MasterControl) -> Vec<Effect> {
    match control {
        MasterControl::Pause => return act(app, GameAction::Pause),
        MasterControl::Resume => return act(app, GameAction::Resume),
        MasterControl::GrantHint => return act(app, GameAction::GrantHint),
        MasterControl::FireInject => {
            if master_panel(app).is_none_or(|m| m.injects.is_empty()) {
                app.show("this scenario has no injects", true);
            } else {
                let first_unfired = master_panel(app).and_then(|m| m.injects.iter().position(|i| !i.fired));
                app.overlay = Some(Overlay::Injects { selected: first_unfired.unwrap_or(0) });
            }
        }
        MasterControl::SpeakAsCustomer => {
            if let Some(game) = game_mut(app) {
                game.set_target(Target::AsCustomer);
                game.input = Input::default();
                // On a narrow screen the chats are a tab: show the one being written in.
                game.tab = MasterTab::Chats;
                game.scroll = 0;
            }
        }
        MasterControl::RemovePlayer => {
            if removable(app).is_empty() {
                app.show("nobody else sits at the table", true);
            } else {
                app.overlay = Some(Overlay::Remove { selected: 0 });
            }
        }
        MasterControl::MovePlayer => {
            if removable(app).is_empty() {
                app.show("nobody else sits at the table", true);
            } else {
                app.overlay = Some(Overlay::MovePlayer { selected: 0 });
            }
        }
        MasterControl::SkipTurn => return act(app, GameAction::SkipTurn),
        MasterControl::TurnTimer => app.overlay = Some(Overlay::Timer { selected: 0, typed: String::new() }),
        MasterControl::ChooseHint => {
            if master_panel(app).is_none_or(|m| m.hints.is_empty()) {
                app.show("this scenario has no hints", true);
            } else {
                let first_not_given = master_panel(app).and_then(|m| m.hints.iter().position(|h| !h.given));
                app.overlay = Some(Overlay::Hints { selected: first_not_given.unwrap_or(0) });
            }
        }
        MasterControl::InjectMessage => {
            if let Some(game) = game_mut(app) {
                game.set_target(Target::Inject);
                game.input = Input::default();
            }
        }
        MasterControl::EndGame => app.overlay = Some(Overlay::ConfirmEnd),
    }
    Vec::new()
}

/// The most characters the timer window takes (`+1h59m59s` fits).
const TIMER_TYPED_MAX: usize = 12;

/// Where the game master may move the player in `from` during a game: the liaison's seat, the
/// troubleshooters' and the customers' seats the room has (as its lobby listed them; without
/// that, the seats someone holds), but `from`; each with who sits there now (a move there swaps
/// them), or None when it is free.
pub fn move_destinations(app: &App, from: Seat) -> Vec<(Seat, Option<String>)> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    let table = game.view().map(|v| v.table.clone()).unwrap_or_default();
    let limit = |role| app.hosted.as_ref().and_then(|h| h.limits.iter().find(|(r, _)| *r == role).map(|(_, n)| *n));
    let held = |pick: fn(Seat) -> Option<u8>| table.iter().filter_map(|s| pick(s.seat)).map(|n| n + 1).max();
    let troubleshooters = limit(RoleWish::Troubleshooter)
        .or_else(|| held(|s| if let Seat::Troubleshooter(n) = s { Some(n) } else { None }))
        .unwrap_or(1);
    let customers = limit(RoleWish::Customer)
        .or_else(|| held(|s| if let Seat::Customer(n) = s { Some(n) } else { None }))
        .unwrap_or(0);
    std::iter::once(Seat::Liaison)
        .chain((0..troubleshooters).map(Seat::Troubleshooter))
        .chain((0..customers).map(Seat::Customer))
        .filter(|seat| *seat != from)
        .map(|seat| (seat, table.iter().find(|s| s.seat == seat).map(|s| s.name.clone())))
        .collect()
}

/// The players the game master may remove: everyone at the table but the game master.
pub fn removable(app: &App) -> Vec<(Seat, String)> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    let Some(view) = game.view() else { return Vec::new() };
    view.table.iter().filter(|s| s.seat != Seat::GameMaster).map(|s| (s.seat, s.name.clone())).collect()
}

#[cfg(test)]
mod tests;
