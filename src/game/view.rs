//! What each seat may see, as data for a screen to draw: `for_seat` copies out of the game only
//! the parts that seat's role is allowed (ARCHITECTURE.md, "Hidden information"). A view never carries a flag over shared data;
//! what a seat may not see is simply not in its view, so sending the view cannot leak it.

mod master;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use master::{
    Declaration, GameMasterPanel, MasterClue, MasterCustomer, MasterHint, MasterInject, MasterLine, MasterMishap,
    MasterOption, SeatPoints,
};

use super::action::{IncidentState, Severity};
use super::debrief::{self, Debrief};
use super::difficulty::Difficulty;
use super::event::{Channel, Event, Outcome, Stamped, TurnSample};
use super::findings;
use super::seat::{Role, Seat};
use super::state::{ChatLine, ConsoleEntry, Game, HoldOff, Phase, StatusEntry};
use crate::sim::cluster::{Cluster, Store};
use crate::sim::kind::Kind;

/// One seat's view of the game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub seat: Seat,
    /// The seat's display name (its label when nobody sits there).
    pub name: String,
    pub title: String,
    /// The scenario's public briefing.
    pub summary: String,
    /// Turns completed.
    pub turn: u32,
    pub turn_limit: u32,
    /// Incident time in seconds.
    pub second: i64,
    pub minutes_per_turn: u32,
    pub phase: Phase,
    /// Action points left this turn (troubleshooters only).
    pub points_left: Option<u32>,
    /// Whether this seat has ended the current turn.
    pub ended_turn: bool,
    /// Who sits at the table.
    pub table: Vec<Seated>,
    pub panel: Panel,
    /// The debrief, once the game is over.
    pub debrief: Option<Box<Debrief>>,
    /// The responders at the table who have not ended the current turn: whom the turn still
    /// waits for (empty unless the game is being played).
    pub waiting: Vec<Seat>,
    /// A tutorial's next step, for a responder (`game::tutorial`). Not on the wire: the
    /// tutorial is played solo, through a seat handle in this process, and skipped both ways it
    /// leaves the protocol's bytes as they were (a hosted seat hears none).
    #[serde(skip)]
    pub tutorial: Option<super::tutorial::TutorialPrompt>,
}

/// A player at the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seated {
    pub seat: Seat,
    pub name: String,
}

/// The part of a view that depends on the role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Panel {
    Customer(CustomerPanel),
    Liaison(LiaisonPanel),
    Troubleshooter(TroubleshooterPanel),
    Spectator(Board),
    GameMaster(Box<GameMasterPanel>),
}

/// The public board: what a big screen at a game night shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// Fraction of the error budget left (0–1).
    pub budget_left: f64,
    /// The SLO's target success rate in percent.
    pub slo_objective: f64,
    pub alerts: Vec<AlertView>,
    pub status_page: Vec<StatusEntry>,
    /// The latest state on the status page.
    pub incident_state: Option<IncidentState>,
    pub severity: Option<Severity>,
    pub timeline: Vec<PublicEvent>,
    /// Error rate and budget at the start and at every turn since.
    pub history: Vec<TurnSample>,
}

/// A firing alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertView {
    pub id: String,
    pub title: String,
}

/// Something anyone may know happened, with when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicEvent {
    pub turn: u32,
    pub second: i64,
    pub what: Public,
}

impl PublicEvent {
    /// The game's event this public one stands for, so that it is put into words as every event
    /// is (`game::words`); what the public board leaves out (figures, points) is empty.
    pub fn as_stamped(&self) -> Stamped {
        let event = match &self.what {
            Public::Status { state, text } => Event::StatusUpdate { state: *state, text: text.clone() },
            Public::Severity(s) => Event::Severity(*s),
            Public::Alert { title, firing } => {
                Event::Alert { id: String::new(), title: title.clone(), firing: *firing }
            }
            Public::Turn(turn) => Event::TurnAdvanced {
                turn: *turn,
                sample: TurnSample { turn: *turn, second: self.second, error_rate: 0.0, budget_left: 0.0 },
                points: 0,
                entrypoints: Vec::new(),
            },
            Public::Paused => Event::Paused,
            Public::Resumed => Event::Resumed,
            Public::Ended(outcome) => Event::Ended(outcome.clone()),
            Public::Closing(turn) => Event::ClosingTurn { turn: *turn },
            Public::Injected(text) => Event::MessageInjected { text: text.clone() },
        };
        Stamped { turn: self.turn, second: self.second, seat: None, event }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Public {
    Status {
        state: IncidentState,
        text: String,
    },
    Severity(Severity),
    Alert {
        title: String,
        firing: bool,
    },
    Turn(u32),
    Paused,
    Resumed,
    Ended(Outcome),
    /// The closing turn began.
    Closing(u32),
    /// The game master's own inject message.
    Injected(String),
}

/// The customer: their own site as users experience it, their brief, and their side of the talk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerPanel {
    /// Who they play.
    pub character: String,
    pub brief: String,
    pub secrets: Vec<String>,
    pub portal: Vec<PortalEndpoint>,
    pub chat: Vec<ChatLine>,
    pub status_page: Vec<StatusEntry>,
    /// Mishaps they may still cause.
    pub mishaps: Vec<MishapCard>,
    pub hold_off: HoldOff,
}

/// One of the customer's user-facing endpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalEndpoint {
    pub name: String,
    pub url: String,
    /// Percent of requests that succeed (none before the first figures).
    pub success_percent: Option<f64>,
    pub latency_ms: Option<u32>,
    /// What a user sees when a request fails.
    pub failure: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MishapCard {
    pub id: String,
    /// What they say when they do it.
    pub say: String,
}

/// The liaison: both chats, the board, the customer's mood; no console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiaisonPanel {
    pub board: Board,
    pub customer: String,
    /// The customer's mood out of 100.
    pub mood: u32,
    pub hold_off: HoldOff,
    pub team_chat: Vec<ChatLine>,
    pub customer_chat: Vec<ChatLine>,
    pub findings: Findings,
    /// How often the customer expects news, in minutes (`score::update_interval_minutes`): the
    /// ready-made status updates promise the next one in this many minutes.
    pub update_every_minutes: u32,
}

/// A troubleshooter: the console, team chat and the board; never the customer chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TroubleshooterPanel {
    pub board: Board,
    pub console: Vec<ConsoleEntry>,
    pub team_chat: Vec<ChatLine>,
    pub findings: Findings,
    /// What Tab completion may offer at the prompt: every namespace, and the objects whose
    /// names the team's console has already shown or been typed; never an object nobody looked
    /// at.
    pub names: Vec<ObjectName>,
}

/// The player in `seat`'s share of `stamped`: none when they may not see it ([`sees`]), and
/// without what only the debrief may tell (a declaration's verdict) unless they are the game
/// master. What the server sends a seat, and what a local seat handle passes on.
pub fn share(seat: Seat, stamped: &Stamped) -> Option<Stamped> {
    if !sees(seat, stamped) {
        return None;
    }
    match &stamped.event {
        Event::CauseDeclared { declaration, verdict: Some(_) } if seat.role() != Role::GameMaster => Some(Stamped {
            event: Event::CauseDeclared { declaration: declaration.clone(), verdict: None },
            ..stamped.clone()
        }),
        _ => Some(stamped.clone()),
    }
}

/// An object the console could name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectName {
    pub kind: Kind,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

/// What a responder knows: the facts its side of the team found or was passed (never the
/// scenario's conclusions), the root-cause choices, the hints the team got.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// The seat's findings in the order found; `Action::ShareFinding(i)` names the `i`-th.
    pub clues: Vec<ClueView>,
    /// The options to choose from, at easy difficulty only; which one is right is not here.
    pub root_causes: Vec<OptionView>,
    /// The team's latest declaration in words, if any; whether it is right is not here.
    pub declared: Option<String>,
    /// How much help the team gets.
    pub difficulty: Difficulty,
    pub hints: Vec<HintView>,
    pub hints_left: usize,
}

/// One finding as a seat sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClueView {
    /// What was seen: the output line(s) that matched, or the customer's own words.
    pub fact: String,
    /// Where it came from, in words: `from Tam (troubleshooter 1): $ kubectl get pods -n shop`,
    /// `from Dana (customer chat)`.
    pub source: String,
    /// Whether the whole team holds it (a seat shared it).
    pub shared: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintView {
    pub tier: u8,
    pub text: String,
}

/// How much of each growing list a view carries: the newest chat lines, status updates, public
/// events and log entries, and the newest console entries up to a size. A view is made after
/// every action for every seat; bounded, its cost stays flat however long the game goes on (the
/// debrief carries the whole story).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Items per list.
    pub lines: usize,
    /// Bytes of console output (the newest entry is always kept whole).
    pub console_bytes: usize,
}

impl Limits {
    /// A screen in this process: a long scrollback.
    pub const LOCAL: Limits = Limits { lines: 500, console_bytes: 1024 * 1024 };
    /// A hosted seat: what fits a frame of the protocol, and stays cheap for a server of rooms.
    pub const HOSTED: Limits = Limits { lines: 40, console_bytes: 24 * 1024 };

    /// The newest `lines` items of a list, oldest first.
    pub fn tail<T: Clone>(self, items: &[T]) -> Vec<T> {
        items[items.len().saturating_sub(self.lines)..].to_vec()
    }

    /// The newest console entries that `keep` admits, up to `lines` of them and `console_bytes`
    /// of output, oldest first.
    fn console(self, console: &[ConsoleEntry], keep: impl Fn(&ConsoleEntry) -> bool) -> Vec<ConsoleEntry> {
        let mut bytes = 0;
        let mut newest: Vec<ConsoleEntry> = Vec::new();
        for entry in console.iter().rev().filter(|e| keep(e)) {
            bytes += entry.output.len() + entry.line.len();
            if newest.len() >= self.lines || (!newest.is_empty() && bytes > self.console_bytes) {
                break;
            }
            newest.push(entry.clone());
        }
        newest.reverse();
        newest
    }
}

/// The view of `seat`: only what its role may see, with the long scrollback of a local screen.
pub fn for_seat(game: &Game, seat: Seat) -> RoleView {
    for_seat_within(game, seat, Limits::LOCAL)
}

/// The view of `seat` with its lists bounded by `limits`.
pub fn for_seat_within(game: &Game, seat: Seat, limits: Limits) -> RoleView {
    let scenario = game.scenario();
    let panel = match seat {
        Seat::Customer(_) => Panel::Customer(customer(game, limits)),
        Seat::Liaison => Panel::Liaison(LiaisonPanel {
            board: board_within(game, limits),
            customer: game.customer_name(),
            mood: game.mood,
            hold_off: game.hold_off,
            team_chat: limits.tail(&game.team_chat),
            customer_chat: limits.tail(&game.customer_chat),
            findings: findings(game, seat),
            update_every_minutes: super::score::update_interval_minutes(scenario),
        }),
        Seat::Troubleshooter(_) => Panel::Troubleshooter(TroubleshooterPanel {
            board: board_within(game, limits),
            console: limits.console(&game.console, |e| e.seat != Seat::GameMaster),
            team_chat: limits.tail(&game.team_chat),
            findings: findings(game, seat),
            names: names(&game.world.cluster, &game.seen_words),
        }),
        Seat::Spectator(_) => Panel::Spectator(board_within(game, limits)),
        Seat::GameMaster => Panel::GameMaster(Box::new(master::panel(game, board_within(game, limits), limits))),
    };
    RoleView {
        seat,
        name: game.seats.get(&seat).cloned().unwrap_or_else(|| seat.label()),
        title: scenario.title.clone(),
        summary: scenario.summary.clone(),
        turn: game.turn(),
        turn_limit: scenario.turn_limit,
        second: game.second(),
        minutes_per_turn: scenario.minutes_per_turn,
        phase: game.phase.clone(),
        points_left: matches!(seat, Seat::Troubleshooter(_)).then(|| game.points.get(&seat).copied().unwrap_or(0)),
        ended_turn: game.ended.contains(&seat),
        // Who sits at the table now: a player who left (or was moved to another seat) is not.
        table: game
            .seats
            .iter()
            .filter(|(s, _)| !game.absent.contains(s))
            .map(|(s, n)| Seated { seat: *s, name: n.clone() })
            .collect(),
        panel,
        debrief: debrief::for_game(game).map(Box::new),
        waiting: waiting(game),
        tutorial: super::tutorial::prompt(game, seat),
    }
}

/// Whom the turn still waits for: the responders present who have not ended it.
fn waiting(game: &Game) -> Vec<Seat> {
    if game.phase != Phase::Playing {
        return Vec::new();
    }
    game.present_responders().filter(|s| !game.ended.contains(s)).collect()
}

/// The public board.
pub fn board(game: &Game) -> Board {
    board_within(game, Limits::LOCAL)
}

fn board_within(game: &Game, limits: Limits) -> Board {
    let traffic = game.world.cluster.traffic();
    let alerts = game
        .scenario()
        .game
        .alerts
        .iter()
        .filter(|a| game.alerts.contains(&a.id))
        .map(|a| AlertView { id: a.id.clone(), title: a.title.clone() })
        .collect();
    Board {
        budget_left: traffic.budget_remaining(),
        slo_objective: game.scenario().slo.objective,
        alerts,
        status_page: limits.tail(&game.status_page),
        incident_state: game.status_page.last().map(|s| s.state),
        severity: game.severity,
        timeline: timeline(game, limits),
        history: game.samples.clone(),
    }
}

/// The newest public events of the log, oldest first.
fn timeline(game: &Game, limits: Limits) -> Vec<PublicEvent> {
    let newest = &game.public[game.public.len().saturating_sub(limits.lines)..];
    newest
        .iter()
        .filter_map(|i| game.log.get(*i))
        .filter_map(|s| {
            let what = match &s.event {
                Event::StatusUpdate { state, text } => Public::Status { state: *state, text: text.clone() },
                Event::Severity(sev) => Public::Severity(*sev),
                Event::Alert { title, firing, .. } => Public::Alert { title: title.clone(), firing: *firing },
                Event::TurnAdvanced { turn, .. } => Public::Turn(*turn),
                Event::Paused => Public::Paused,
                Event::Resumed => Public::Resumed,
                Event::Ended(outcome) => Public::Ended(outcome.clone()),
                Event::ClosingTurn { turn } => Public::Closing(*turn),
                Event::MessageInjected { text } => Public::Injected(text.clone()),
                _ => return None,
            };
            // A new turn is listed when it begins, as the postmortem lists it.
            let (turn, second) = match &s.event {
                Event::TurnAdvanced { turn, sample, .. } => (*turn, sample.second),
                _ => (s.turn, s.second),
            };
            Some(PublicEvent { turn, second, what })
        })
        .collect()
}

/// Whether an event is on the public board's timeline.
pub fn is_public(event: &Event) -> bool {
    matches!(
        event,
        Event::StatusUpdate { .. }
            | Event::Severity(_)
            | Event::Alert { .. }
            | Event::TurnAdvanced { .. }
            | Event::Paused
            | Event::Resumed
            | Event::Ended(_)
            | Event::ClosingTurn { .. }
            | Event::MessageInjected { .. }
    )
}

fn customer(game: &Game, limits: Limits) -> CustomerPanel {
    let layer = &game.scenario().game;
    let cluster = &game.world.cluster;
    let portal = cluster
        .entrypoints()
        .iter()
        .map(|e| {
            let result = cluster.traffic().results.iter().find(|r| r.name == e.name);
            PortalEndpoint {
                name: e.name.clone(),
                url: e.url.clone(),
                success_percent: result.map(|r| r.success * 100.0),
                latency_ms: result.map(|r| r.latency_ms),
                failure: result.and_then(|r| r.failure.clone()),
            }
        })
        .collect();
    CustomerPanel {
        character: game.customer_name(),
        brief: layer.customer.brief.clone(),
        secrets: layer.customer.secrets.clone(),
        portal,
        chat: limits.tail(&game.customer_chat),
        status_page: limits.tail(&game.status_page),
        mishaps: layer
            .customer
            .npc
            .mishaps
            .iter()
            .filter(|m| !game.mishaps.contains(&m.id))
            .map(|m| MishapCard { id: m.id.clone(), say: m.say.clone() })
            .collect(),
        hold_off: game.hold_off,
    }
}

/// What `seat` found or was passed, and what the team was given, so far.
fn findings(game: &Game, seat: Seat) -> Findings {
    let layer = &game.scenario().game;
    let clues = game
        .findings
        .iter()
        .filter(|f| findings::visible_to(seat, &f.source, f.shared))
        .map(|f| ClueView { fact: f.fact.clone(), source: f.source.describe(), shared: f.shared })
        .collect();
    let hints = given_hints(game);
    // Authors tend to write the right answer first; in alphabetical order its place says nothing.
    let offered = if game.difficulty.multiple_choice() { layer.root_causes.as_slice() } else { &[] };
    let mut root_causes: Vec<OptionView> =
        offered.iter().map(|o| OptionView { id: o.id.clone(), text: o.text.clone() }).collect();
    root_causes.sort_by(|a, b| a.text.cmp(&b.text));
    Findings {
        clues,
        root_causes,
        declared: game.declared.as_ref().map(|(option, _)| option.clone()),
        difficulty: game.difficulty,
        hints_left: if game.difficulty.hints() { layer.hints.len().saturating_sub(hints.len()) } else { 0 },
        hints,
    }
}

/// The hints handed out, from the log.
fn given_hints(game: &Game) -> Vec<HintView> {
    game.hint_events
        .iter()
        .filter_map(|i| game.log.get(*i))
        .filter_map(|s| match &s.event {
            Event::Hint { tier, text } => Some(HintView { tier: *tier, text: text.clone() }),
            _ => None,
        })
        .collect()
}

/// The words of console text that could name an object: runs of the characters Kubernetes names
/// use (`deployment.apps/web` gives `deployment.apps` and `web`).
pub fn console_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
        .filter(|w| !w.is_empty() && w.len() <= 253)
}

/// The names a troubleshooter could type that the team has seen: namespaced objects with their
/// namespace, then nodes, namespaces (all of them: a namespace is no secret) and the other
/// cluster-scoped kinds. A set lookup per object, so a view stays cheap.
fn names(cluster: &Cluster, seen: &BTreeSet<String>) -> Vec<ObjectName> {
    fn of<T>(out: &mut Vec<ObjectName>, kind: Kind, store: &Store<T>, seen: &BTreeSet<String>) {
        out.extend(store.keys().filter(|(_, name)| seen.contains(name)).map(|(ns, name)| ObjectName {
            kind,
            namespace: ns.clone(),
            name: name.clone(),
        }));
    }
    fn global<'a>(out: &mut Vec<ObjectName>, kind: Kind, names: impl Iterator<Item = &'a String>) {
        out.extend(names.map(|name| ObjectName { kind, namespace: String::new(), name: name.clone() }));
    }
    let mut out = Vec::new();
    of(&mut out, Kind::Pod, cluster.pods(), seen);
    of(&mut out, Kind::Deployment, cluster.deployments(), seen);
    of(&mut out, Kind::ReplicaSet, cluster.replicasets(), seen);
    of(&mut out, Kind::Service, cluster.services(), seen);
    of(&mut out, Kind::ConfigMap, cluster.configmaps(), seen);
    of(&mut out, Kind::Secret, cluster.secrets(), seen);
    of(&mut out, Kind::Pvc, cluster.pvcs(), seen);
    of(&mut out, Kind::Ingress, cluster.ingresses(), seen);
    of(&mut out, Kind::NetworkPolicy, cluster.netpols(), seen);
    of(&mut out, Kind::Hpa, cluster.hpas(), seen);
    of(&mut out, Kind::ResourceQuota, cluster.quotas(), seen);
    of(&mut out, Kind::LimitRange, cluster.limitranges(), seen);
    of(&mut out, Kind::Pdb, cluster.pdbs(), seen);
    of(&mut out, Kind::DaemonSet, cluster.daemonsets(), seen);
    of(&mut out, Kind::StatefulSet, cluster.statefulsets(), seen);
    of(&mut out, Kind::Job, cluster.jobs(), seen);
    of(&mut out, Kind::CronJob, cluster.cronjobs(), seen);
    of(&mut out, Kind::ServiceAccount, cluster.serviceaccounts(), seen);
    of(&mut out, Kind::Role, cluster.roles(), seen);
    of(&mut out, Kind::RoleBinding, cluster.rolebindings(), seen);
    global(&mut out, Kind::Node, cluster.nodes().keys().filter(|n| seen.contains(*n)));
    global(&mut out, Kind::Namespace, cluster.namespaces().keys());
    global(&mut out, Kind::Pv, cluster.pvs().keys().filter(|n| seen.contains(*n)));
    global(&mut out, Kind::StorageClass, cluster.storageclasses().keys().filter(|n| seen.contains(*n)));
    out
}

/// Whether the player in `seat` may see `stamped`: the same share of the game its view shows.
/// The game master sees everything; a spectator only what the public board shows.
pub fn sees(seat: Seat, stamped: &Stamped) -> bool {
    let role = seat.role();
    let responder = seat.is_responder();
    let liaison = role == Role::Liaison;
    let customer = role == Role::Customer;
    match &stamped.event {
        _ if role == Role::GameMaster => true,
        Event::Seated { .. }
        | Event::Started { .. }
        | Event::StatusUpdate { .. }
        | Event::Rated { .. }
        | Event::TurnAdvanced { .. }
        | Event::Paused
        | Event::Resumed
        | Event::Left { .. }
        | Event::Reseated { .. }
        | Event::Ended(_)
        | Event::ClosingTurn { .. }
        | Event::TurnSkipped
        | Event::TurnTimerExtended { .. }
        | Event::TurnTimerSet { .. }
        | Event::MessageInjected { .. } => true,
        Event::Chat { channel: Channel::Team, .. } => responder,
        Event::Chat { channel: Channel::Customer, .. } => liaison || customer,
        // The game master's own commands are not the troubleshooters' console.
        Event::Command { .. } => role == Role::Troubleshooter && stamped.seat != Some(Seat::GameMaster),
        Event::Severity(_) | Event::Alert { .. } => responder || role == Role::Spectator,
        Event::HoldOffAsked | Event::HoldOffAnswered { .. } => liaison || customer,
        Event::RootCauseDeclared { .. }
        | Event::CauseDeclared { .. }
        | Event::Hint { .. }
        | Event::FindingShared { .. } => responder,
        // A finding is its finder's side of the team's until it is shared (`game::findings`).
        Event::ClueFound { source, .. } => findings::visible_to(seat, source, false),
        Event::Mood { .. } => liaison,
        Event::Mishap { .. } => customer,
        Event::TurnEnded | Event::DialogueSaid { .. } | Event::Inject { .. } => false,
    }
}
