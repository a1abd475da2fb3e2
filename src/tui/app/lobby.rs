//! The hosted game's part of the model before the game screen: the form to join a room (server,
//! code, name, role), the form to host one from the TUI (scenario, address, name, role), and the
//! lobby (who sits where, who is ready, the lobby chat, the code to share) with what the network
//! says meanwhile. Keys become lobby requests here; the shell carries them to the server.

use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::cards::CardTable;
use super::{App, Effect, GameScreen, Overlay, Screen};
use crate::game::tournament::{Leaderboard, TournamentView};
use crate::game::view::RoleView;
use crate::game::{Difficulty, Seat};
use crate::net::client::DEFAULT_PORT;
use crate::net::client::{LobbyView, RoleWish};
use crate::net::hosting::BreakPhase;
use crate::tui::action::Action;
use crate::tui::keymap::Key;

/// The roles the join form offers, in the order ←/→ cycles them.
pub const JOIN_ROLES: [RoleWish; 6] = [
    RoleWish::Any,
    RoleWish::Liaison,
    RoleWish::Troubleshooter,
    RoleWish::Customer,
    RoleWish::Spectator,
    RoleWish::GameMaster,
];

/// The roles the host form offers; the host usually runs the game.
pub const HOST_ROLES: [RoleWish; 5] =
    [RoleWish::GameMaster, RoleWish::Liaison, RoleWish::Troubleshooter, RoleWish::Customer, RoleWish::Spectator];

/// Where a hosted game's server listens unless the host says otherwise.
pub fn default_bind() -> String {
    format!("127.0.0.1:{DEFAULT_PORT}")
}

pub fn role_label(role: RoleWish) -> &'static str {
    match role {
        RoleWish::Any => "any free responder seat",
        RoleWish::Liaison => "liaison",
        RoleWish::Troubleshooter => "troubleshooter",
        RoleWish::Customer => "customer",
        RoleWish::GameMaster => "game master",
        RoleWish::Spectator => "spectator",
    }
}

/// A join request, as the shell needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    pub server: String,
    pub code: String,
    pub name: String,
    pub role: RoleWish,
}

/// A request to host a room on this machine and sit in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRequest {
    pub scenario: String,
    pub bind: String,
    pub name: String,
    pub role: RoleWish,
    /// Chosen on the scenario list (its difficulty key) or by `--difficulty`.
    pub difficulty: Difficulty,
    /// Seconds every turn of the room lasts at most (`kombat host --turn-timer`); none: no timer.
    pub turn_timer: Option<u32>,
    /// A break phase in the room's lobby (`kombat host --break [--baseline ID]`); none: the
    /// scenario is played as it is.
    pub break_phase: Option<BreakPhase>,
}

/// What the lobby asks of the server: the seat handle's own vocabulary.
pub use crate::net::seat::LobbyRequest;

/// "Join a game": one field has the focus; Enter on the last field (or anywhere once every
/// field is filled) joins.
#[derive(Clone, Debug)]
pub struct JoinForm {
    pub server: Input,
    pub code: Input,
    pub name: Input,
    pub role: usize,
    pub focus: usize,
}

impl JoinForm {
    pub const FIELDS: usize = 4;

    pub fn new(name: &str) -> JoinForm {
        JoinForm {
            server: Input::new(default_bind()),
            code: Input::default(),
            name: Input::new(name.to_owned()),
            role: 0,
            // The code is what a newcomer has to type first.
            focus: 1,
        }
    }

    /// The form filled from a request (to try again after a refusal).
    pub fn from_request(request: &JoinRequest) -> JoinForm {
        JoinForm {
            server: Input::new(request.server.clone()),
            code: Input::new(request.code.clone()),
            name: Input::new(request.name.clone()),
            role: JOIN_ROLES.iter().position(|r| *r == request.role).unwrap_or(0),
            focus: 1,
        }
    }

    pub fn role(&self) -> RoleWish {
        JOIN_ROLES.get(self.role).copied().unwrap_or(RoleWish::Any)
    }

    /// The request, or what is missing.
    pub fn request(&self) -> Result<JoinRequest, String> {
        let server = self.server.value().trim().to_owned();
        let code = self.code.value().trim().to_owned();
        let name = self.name.value().trim().to_owned();
        if server.is_empty() {
            return Err("give the server's address, as the host printed it (HOST or HOST:PORT)".to_owned());
        }
        if code.is_empty() {
            return Err("give the room's join code (like ABCDE-FGHJK)".to_owned());
        }
        if name.is_empty() {
            return Err("give a name for the table".to_owned());
        }
        Ok(JoinRequest { server, code, name, role: self.role() })
    }
}

/// "Host a game": the scenario, where to listen, the host's own name and role, the turn timer
/// and the break phase.
#[derive(Clone, Debug)]
pub struct HostForm {
    /// Index into the catalog.
    pub scenario: usize,
    pub bind: Input,
    pub name: Input,
    pub role: usize,
    /// Seconds a turn, blank for no turn timer.
    pub turn_timer: Input,
    /// The break phase's choice: 0 off, 1 on a baseline the room's seed picks, then on each of
    /// [`HostForm::baselines`] in turn.
    pub break_choice: usize,
    /// The built-in baselines a break phase may compose on: (id, title).
    pub baselines: Vec<(String, String)>,
    pub focus: usize,
}

impl HostForm {
    pub const FIELDS: usize = 6;

    pub fn new(name: &str) -> HostForm {
        // The built-in baselines are embedded: they load, or the choice offers only the seed's.
        let baselines = crate::scenario::baselines()
            .map(|all| all.into_iter().map(|b| (b.id, b.title)).collect())
            .unwrap_or_default();
        HostForm {
            scenario: 0,
            bind: Input::new(default_bind()),
            name: Input::new(name.to_owned()),
            role: 0,
            turn_timer: Input::default(),
            break_choice: 0,
            baselines,
            focus: 0,
        }
    }

    /// How many break-phase choices ←/→ cycles through: off, on (the seed's baseline), and one
    /// for each baseline.
    pub fn break_choices(&self) -> usize {
        2 + self.baselines.len()
    }

    /// The break phase the form asks for, as `kombat host --break [--baseline ID]` gives one.
    pub fn break_phase(&self) -> Option<BreakPhase> {
        match self.break_choice {
            0 => None,
            1 => Some(BreakPhase { baseline: None }),
            n => Some(BreakPhase { baseline: self.baselines.get(n - 2).map(|(id, _)| id.clone()) }),
        }
    }

    /// The break phase's choice in words.
    pub fn break_label(&self) -> String {
        match self.break_choice {
            0 => "off".to_owned(),
            1 => "on, a baseline the room's seed picks".to_owned(),
            n => match self.baselines.get(n - 2) {
                Some((id, title)) => format!("on, baseline {id} ({title})"),
                None => "on".to_owned(),
            },
        }
    }

    pub fn role(&self) -> RoleWish {
        HOST_ROLES.get(self.role).copied().unwrap_or(RoleWish::GameMaster)
    }

    /// The turn timer the form asks for: blank (or `off`) for none, else seconds a turn in the
    /// range `kombat host --turn-timer` takes; what is wrong otherwise.
    pub fn turn_timer(&self) -> Result<Option<u32>, String> {
        let text = self.turn_timer.value().trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let range = crate::game::rules::TURN_TIMER_SECS;
        match text.trim_end_matches('s').trim().parse::<u32>() {
            Ok(seconds) if range.contains(&seconds) => Ok(Some(seconds)),
            _ => {
                Err(format!("the turn timer is {} to {} seconds a turn, or blank for none", range.start(), range.end()))
            }
        }
    }
}

/// How the connection to the server is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    Reconnecting { attempt: u32, reason: String },
}

/// Where the lobby was reached from, so a failed join goes back there with the fields kept.
#[derive(Clone, Debug)]
pub enum Origin {
    Join(JoinForm),
    Host(HostForm),
}

/// The lobby of a hosted room (also shown while connecting).
#[derive(Clone, Debug)]
pub struct LobbyScreen {
    pub request: JoinRequest,
    pub origin: Origin,
    /// Set once the server gave a seat.
    pub seat: Option<Seat>,
    /// The room's code as the server spells it, once joined.
    pub code: Option<String>,
    pub lobby: Option<LobbyView>,
    /// The line to tell the other players, when this TUI hosts the room.
    pub share: Option<String>,
    pub link: Link,
    pub input: Input,
    /// The player selected in the list (for the game master's kick).
    pub selected: usize,
    /// The break phase's card table (a customer seat in a room with a break phase).
    pub break_table: Option<CardTable>,
    /// Where the keys go while there is a card table: the table, or the chat prompt.
    pub focus: LobbyFocus,
}

/// Where a customer seat's keys go in a lobby with a card table (Tab switches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LobbyFocus {
    /// ↑/↓ choose a card, ←/→ its target, Enter picks or drops it.
    #[default]
    Cards,
    /// Keys type at the lobby chat's prompt.
    Chat,
}

impl LobbyScreen {
    pub fn new(request: JoinRequest, origin: Origin) -> LobbyScreen {
        LobbyScreen {
            request,
            origin,
            seat: None,
            code: None,
            lobby: None,
            share: None,
            link: Link::Connecting,
            input: Input::default(),
            selected: 0,
            break_table: None,
            focus: LobbyFocus::default(),
        }
    }

    /// Whether the keys go to the card table (a customer seat composing the break).
    pub fn cards_focused(&self) -> bool {
        self.break_table.is_some() && self.focus == LobbyFocus::Cards
    }

    /// Whether this player is ready, as the server last said.
    pub fn ready(&self) -> bool {
        let (Some(lobby), Some(seat)) = (&self.lobby, self.seat) else { return false };
        lobby.players.iter().any(|p| p.seat == seat && p.ready)
    }

    /// The selected player's seat.
    pub fn selected_seat(&self) -> Option<Seat> {
        self.lobby.as_ref()?.players.get(self.selected).map(|p| p.seat)
    }
}

/// Opens the lobby of the room `request` names (`kombat join` starts here); the returned effect
/// asks the shell to connect.
pub fn open_lobby(app: &mut App, request: JoinRequest) -> Effect {
    let origin = Origin::Join(JoinForm::from_request(&request));
    app.screen = Screen::Lobby(Box::new(LobbyScreen::new(request.clone(), origin)));
    app.overlay = None;
    Effect::Join(request)
}

/// What the network said, for the model.
#[derive(Clone, Debug, PartialEq)]
pub enum NetMsg {
    /// This TUI now hosts the room; others join with this line.
    Hosting {
        share: String,
    },
    Joined {
        seat: Seat,
        code: String,
    },
    Lobby(LobbyView),
    Notice(String),
    /// The game may not start yet: worded here, in the screen's own terms.
    NotYet(crate::game::breaking::NotYet),
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    Resumed,
    /// Joining did not work (refused, unreachable): back to the form.
    Failed(String),
    /// The session ended (kicked, room closed, server gone) with why.
    Closed(String),
    /// The game master moved this player to another seat; its lobby or view follows.
    Moved(Seat),
    /// The room is a team in a tournament: the leaderboard as it is now.
    Leaderboard(Box<Leaderboard>),
    /// This is a projector on a tournament's code: every team's board and the leaderboard.
    Tournament(Box<TournamentView>),
    /// The break phase's card table (customer seats only).
    Break(Box<crate::game::breaking::BreakView>),
}

/// Everything a hosted session knows once joined: what the game screen and debrief need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosted {
    pub code: String,
    pub seat: Seat,
    /// How this player joined: the lobby is rebuilt from it when the room plays again.
    pub request: JoinRequest,
    /// The room's seats by role, as its lobby last listed them (empty until it did): where the
    /// game master may move a player during the game.
    pub limits: Vec<(RoleWish, u8)>,
}

pub(super) fn on_net(app: &mut App, msg: NetMsg) -> Vec<Effect> {
    match msg {
        NetMsg::Hosting { share } => {
            if let Screen::Lobby(lobby) = &mut app.screen {
                lobby.share = Some(share);
            }
        }
        NetMsg::Joined { seat, code } => {
            let request = match &app.screen {
                Screen::Lobby(lobby) => lobby.request.clone(),
                _ => app.hosted.as_ref().map_or_else(
                    || JoinRequest {
                        server: String::new(),
                        code: code.clone(),
                        name: app.player_name.clone(),
                        role: RoleWish::of_seat(seat),
                    },
                    |h| h.request.clone(),
                ),
            };
            let limits = app.hosted.as_ref().map(|h| h.limits.clone()).unwrap_or_default();
            app.hosted = Some(Hosted { code: code.clone(), seat, request, limits });
            if let Screen::Lobby(lobby) = &mut app.screen {
                lobby.seat = Some(seat);
                lobby.code = Some(code);
                lobby.link = Link::Connected;
            }
            app.show(format!("you sit in the {} seat", seat.label()), false);
        }
        NetMsg::Lobby(view) if !matches!(app.screen, Screen::Lobby(_)) => {
            // After a game: the room plays again, and everyone is back in its lobby.
            let Some(hosted) = app.hosted.clone() else { return Vec::new() };
            let origin = Origin::Join(JoinForm::from_request(&hosted.request));
            let mut lobby = LobbyScreen::new(hosted.request, origin);
            lobby.seat = Some(hosted.seat);
            lobby.code = Some(hosted.code);
            lobby.link = Link::Connected;
            lobby.lobby = Some(view);
            app.screen = Screen::Lobby(Box::new(lobby));
            app.overlay = None;
            app.show("the room plays again: a new game, everyone in their seats", false);
        }
        NetMsg::Lobby(view) => {
            if let Some(hosted) = &mut app.hosted {
                hosted.limits.clone_from(&view.limits);
            }
            if let Screen::Lobby(lobby) = &mut app.screen {
                lobby.selected = lobby.selected.min(view.players.len().saturating_sub(1));
                lobby.lobby = Some(view);
            }
        }
        // A refusal of the card table's request (the server answers those with a notice): no
        // verdict is coming.
        NetMsg::Notice(text) if proving(app) => {
            if let Screen::Lobby(lobby) = &mut app.screen
                && let Some(table) = &mut lobby.break_table
            {
                table.proving = false;
            }
            return on_net(app, NetMsg::Notice(text));
        }
        NetMsg::NotYet(reason) => {
            let holds_table = matches!(&app.screen, Screen::Lobby(lobby) if lobby.break_table.is_some());
            let words = super::cards::not_yet_words(reason, holds_table);
            return on_net(app, NetMsg::Notice(words.to_owned()));
        }
        // A notice never hides an error the player has not read yet (why they left a room).
        NetMsg::Notice(text) if app.notice.as_ref().is_some_and(|n| n.error) => {
            tracing::info!("notice while an error shows: {text}");
        }
        NetMsg::Notice(text) => app.show(text, false),
        NetMsg::Reconnecting { attempt, reason } => {
            if let Screen::Lobby(lobby) = &mut app.screen {
                lobby.link = Link::Reconnecting { attempt, reason: reason.clone() };
            }
            app.show(format!("connection lost ({reason}); reconnecting, attempt {attempt}…"), true);
        }
        NetMsg::Resumed => {
            if let Screen::Lobby(lobby) = &mut app.screen {
                lobby.link = Link::Connected;
            }
            app.show("reconnected: your seat is back", false);
        }
        NetMsg::Failed(reason) => {
            app.hosted = None;
            if let Screen::Lobby(lobby) = &app.screen {
                app.screen = match lobby.origin.clone() {
                    Origin::Join(form) => Screen::Join(Box::new(form)),
                    Origin::Host(form) => Screen::HostSetup(Box::new(form)),
                };
            }
            app.show(format!("cannot join: {reason}"), true);
        }
        NetMsg::Moved(seat) => {
            if let Some(hosted) = &mut app.hosted {
                hosted.seat = seat;
            }
            match &mut app.screen {
                Screen::Lobby(lobby) => {
                    lobby.seat = Some(seat);
                    // The card table is the customer team's alone.
                    if !matches!(seat, Seat::Customer(_)) {
                        lobby.break_table = None;
                    }
                }
                Screen::Game(game) => game.moved(seat),
                _ => {}
            }
            app.show(format!("the game master moved you: you are the {} now", seat.label()), false);
        }
        NetMsg::Leaderboard(board) => app.leaderboard = Some(board),
        NetMsg::Break(view) => {
            if let Screen::Lobby(lobby) = &mut app.screen {
                match &mut lobby.break_table {
                    Some(table) => table.update(*view),
                    None => lobby.break_table = Some(CardTable::new(*view)),
                }
            }
        }
        NetMsg::Tournament(view) => match &mut app.screen {
            Screen::Tournament(shown) => *shown = view,
            Screen::Lobby(_) => {
                app.screen = Screen::Tournament(view);
                app.show("you watch the tournament: every team's board and the leaderboard", false);
            }
            _ => {}
        },
        NetMsg::Closed(reason) => {
            app.hosted = None;
            app.leaderboard = None;
            // The debrief stays up: the game it shows is over anyway.
            if !matches!(app.screen, Screen::Debrief(_)) {
                app.screen = Screen::Title { selected: 0 };
                app.overlay = None;
            }
            app.show(format!("left the room: {reason}"), true);
            return vec![Effect::LeaveGame];
        }
    }
    Vec::new()
}

/// Whether the lobby's card table waits for a proof's verdict.
fn proving(app: &App) -> bool {
    matches!(&app.screen, Screen::Lobby(lobby) if lobby.break_table.as_ref().is_some_and(|t| t.proving))
}

/// The name hosted games keep their console history under: one history for every game night,
/// since a room's code means nothing the next time. It is kept per player profile (the name
/// the player joined under), so two players of a game night on one machine do not share one.
pub const HOSTED_HISTORY: &str = "hosted";

/// The first views of a hosted game: the lobby gives way to the seat's game screen, and the
/// shell is asked for the console history.
pub(super) fn game_started(app: &mut App, views: &[RoleView]) -> Vec<Effect> {
    let Screen::Lobby(lobby) = &app.screen else { return Vec::new() };
    let Some(seat) = lobby.seat.or_else(|| views.first().map(|v| v.seat)) else { return Vec::new() };
    let profile = lobby.request.name.clone();
    let mut game = GameScreen::hosted(HOSTED_HISTORY.to_owned(), seat);
    game.profile.clone_from(&profile);
    app.screen = Screen::Game(Box::new(game));
    app.overlay = None;
    vec![Effect::LoadHistory { profile, scenario: HOSTED_HISTORY.to_owned() }]
}

pub(super) fn on_key(app: &mut App, key: Key, event: &KeyEvent) -> Vec<Effect> {
    let actions = app.keymap.actions(key);
    let printable = key.printable();
    // Printable keys always type, so a name or a chat line can hold `q`, `k` or `?`.
    if printable.is_none() {
        if actions.contains(&Action::Help) {
            app.overlay = Some(Overlay::Help);
            return Vec::new();
        }
        if actions.contains(&Action::Theme) {
            app.theme = app.theme.next();
            return Vec::new();
        }
    }
    let catalog = app.catalog.len();
    let step = match &mut app.screen {
        Screen::Join(form) => {
            let (choice, field) = match form.focus {
                0 => (None, Some(&mut form.server)),
                1 => (None, Some(&mut form.code)),
                2 => (None, Some(&mut form.name)),
                _ => (Some((&mut form.role, JOIN_ROLES.len())), None),
            };
            form_key(field, choice, &mut form.focus, JoinForm::FIELDS, event, printable, &actions)
        }
        Screen::HostSetup(form) => {
            let (choice, field) = match form.focus {
                0 => (Some((&mut form.scenario, catalog)), None),
                1 => (None, Some(&mut form.bind)),
                2 => (None, Some(&mut form.name)),
                3 => (Some((&mut form.role, HOST_ROLES.len())), None),
                4 => (None, Some(&mut form.turn_timer)),
                _ => {
                    let choices = form.break_choices();
                    (Some((&mut form.break_choice, choices)), None)
                }
            };
            form_key(field, choice, &mut form.focus, HostForm::FIELDS, event, printable, &actions)
        }
        Screen::Lobby(_) => return lobby_key(app, event, printable, &actions),
        _ => return Vec::new(),
    };
    match step {
        FormStep::Stay => Vec::new(),
        FormStep::Back => {
            app.screen = Screen::Title { selected: 0 };
            Vec::new()
        }
        FormStep::Submit => submit_form(app),
    }
}

/// What a key did on a form.
enum FormStep {
    Back,
    Submit,
    Stay,
}

/// One key on a form: the focused text field types, a choice field cycles with ←/→ or space,
/// ↑/↓/Tab move between fields, Enter submits, Esc leaves.
fn form_key(
    field: Option<&mut Input>,
    choice: Option<(&mut usize, usize)>,
    focus: &mut usize,
    fields: usize,
    event: &KeyEvent,
    printable: Option<char>,
    actions: &[Action],
) -> FormStep {
    let has = |a: Action| actions.contains(&a);
    if printable.is_none() {
        if has(Action::Back) || has(Action::Quit) {
            return FormStep::Back;
        }
        if has(Action::Select) {
            return FormStep::Submit;
        }
        if has(Action::Up) || has(Action::HistoryPrev) {
            *focus = focus.checked_sub(1).unwrap_or(fields - 1);
            return FormStep::Stay;
        }
        if has(Action::Down) || has(Action::HistoryNext) || has(Action::NextSeat) || has(Action::Complete) {
            *focus = (*focus + 1) % fields;
            return FormStep::Stay;
        }
    }
    if let Some((index, count)) = choice {
        let forward = match (arrow(event), printable) {
            (Some(right), _) => Some(right),
            (None, Some(' ')) => Some(true),
            _ => None,
        };
        if let Some(forward) = forward
            && count > 0
        {
            *index = if forward { (*index + 1) % count } else { index.checked_sub(1).unwrap_or(count - 1) };
        }
        return FormStep::Stay;
    }
    if let Some(input) = field {
        type_into(input, event);
    }
    FormStep::Stay
}

fn submit_form(app: &mut App) -> Vec<Effect> {
    match &app.screen {
        Screen::Join(form) => match form.request() {
            Ok(request) => {
                let origin = Origin::Join((**form).clone());
                app.screen = Screen::Lobby(Box::new(LobbyScreen::new(request.clone(), origin)));
                vec![Effect::Join(request)]
            }
            Err(problem) => {
                app.show(problem, true);
                Vec::new()
            }
        },
        Screen::HostSetup(form) => {
            let Some(scenario) = app.catalog.get(form.scenario).map(|e| e.id.clone()) else {
                app.show("there is no scenario to host", true);
                return Vec::new();
            };
            let bind = form.bind.value().trim().to_owned();
            let name = form.name.value().trim().to_owned();
            if bind.parse::<std::net::SocketAddr>().is_err() {
                app.show(
                    format!("{bind:?} is not an address to listen on; give IP:PORT like {}", default_bind()),
                    true,
                );
                return Vec::new();
            }
            if name.is_empty() {
                app.show("give a name for the table", true);
                return Vec::new();
            }
            let turn_timer = match form.turn_timer() {
                Ok(timer) => timer,
                Err(problem) => {
                    app.show(problem, true);
                    return Vec::new();
                }
            };
            let role = form.role();
            let break_phase = form.break_phase();
            let join = JoinRequest { server: bind.clone(), code: String::new(), name: name.clone(), role };
            let origin = Origin::Host((**form).clone());
            app.screen = Screen::Lobby(Box::new(LobbyScreen::new(join, origin)));
            let difficulty = app.difficulty;
            vec![Effect::Host(HostRequest { scenario, bind, name, role, difficulty, turn_timer, break_phase })]
        }
        _ => Vec::new(),
    }
}

fn lobby_key(app: &mut App, event: &KeyEvent, printable: Option<char>, actions: &[Action]) -> Vec<Effect> {
    if let Some(effects) = super::cards::lobby_key(app, event, actions) {
        return effects;
    }
    let Screen::Lobby(lobby) = &mut app.screen else { return Vec::new() };
    if printable.is_some() {
        type_into(&mut lobby.input, event);
        return Vec::new();
    }
    let has = |a: Action| actions.contains(&a);
    let players = lobby.lobby.as_ref().map_or(0, |l| l.players.len());
    if has(Action::Select) {
        let line = lobby.input.value().trim().to_owned();
        lobby.input = Input::default();
        return if line.is_empty() { Vec::new() } else { vec![Effect::Lobby(LobbyRequest::Chat(line))] };
    }
    if has(Action::Ready) {
        if lobby.seat.is_none() {
            app.show("not seated yet: wait for the server", true);
            return Vec::new();
        }
        return vec![Effect::Lobby(LobbyRequest::Ready(!lobby.ready()))];
    }
    if has(Action::StartGame) {
        return vec![Effect::Lobby(LobbyRequest::Start)];
    }
    if has(Action::Kick) {
        let target = lobby.selected_seat();
        return match (lobby.seat, target) {
            (Some(Seat::GameMaster), Some(target)) if target != Seat::GameMaster => {
                vec![Effect::Lobby(LobbyRequest::Kick(target))]
            }
            (Some(Seat::GameMaster), _) => {
                app.show("select another player with ↑/↓ first", true);
                Vec::new()
            }
            _ => {
                app.show("only the game master can remove players", true);
                Vec::new()
            }
        };
    }
    if has(Action::MoveSeat) {
        let target = lobby.selected_seat();
        let next = target.and_then(|from| lobby.lobby.as_ref().and_then(|l| next_seat(l, from)));
        return match (lobby.seat, target, next) {
            (Some(Seat::GameMaster), Some(from), Some(to)) => vec![Effect::Lobby(LobbyRequest::Move { from, to })],
            (Some(Seat::GameMaster), _, _) => {
                app.show("select another player with ↑/↓ first", true);
                Vec::new()
            }
            _ => {
                app.show("only the game master moves players", true);
                Vec::new()
            }
        };
    }
    if has(Action::Up) || has(Action::HistoryPrev) {
        lobby.selected = lobby.selected.saturating_sub(1);
        return Vec::new();
    }
    if has(Action::Down) || has(Action::HistoryNext) {
        lobby.selected = (lobby.selected + 1).min(players.saturating_sub(1));
        return Vec::new();
    }
    if has(Action::Back) || has(Action::Quit) {
        app.overlay = Some(Overlay::ConfirmLeave);
        return Vec::new();
    }
    type_into(&mut lobby.input, event);
    Vec::new()
}

/// The seat after `from` among the room's liaison, troubleshooter and customer seats (round
/// again after the last): where the lobby's move key sends a player. The game master's seat is
/// never one; a spectator goes to the first.
pub fn next_seat(lobby: &LobbyView, from: Seat) -> Option<Seat> {
    if from == Seat::GameMaster {
        return None;
    }
    let limit = |role| lobby.limits.iter().find(|(r, _)| *r == role).map_or(0, |(_, n)| *n);
    let seats: Vec<Seat> = std::iter::once(Seat::Liaison)
        .chain((0..limit(RoleWish::Troubleshooter)).map(Seat::Troubleshooter))
        .chain((0..limit(RoleWish::Customer)).map(Seat::Customer))
        .collect();
    let at = seats.iter().position(|s| *s == from).map_or(0, |i| i + 1);
    seats.get(at % seats.len().max(1)).copied().filter(|s| *s != from)
}

/// Types the key into `input` (printable keys, Backspace, arrows within the line).
pub(super) fn type_into(input: &mut Input, event: &KeyEvent) {
    input.handle_event(&TermEvent::Key(*event));
}

/// Whether the key is the left or right arrow, and which: cycles a choice field.
pub(super) fn arrow(event: &KeyEvent) -> Option<bool> {
    match event.code {
        KeyCode::Left => Some(false),
        KeyCode::Right => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
