//! The shell around the model: it feeds [`Msg`]s to `update`, carries out the [`Effect`]s
//! (starting a solo room, sending seat actions, saving history) and draws after every change.
//! It reads terminal events from a channel and draws to any ratatui backend, so the local
//! terminal, a test's `TestBackend` or a remote front door can all drive the same app. Nothing
//! is drawn while nothing happens: there is no tick.

use std::future::Future;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, MouseEventKind};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::app::{self, App, Effect, Msg};
use super::{history, render};
use crate::game::view::RoleView;
use crate::game::{Game, Seat};
use crate::room::{RoomConfig, RoomError, RoomEvent, RoomHandle};
use crate::scenario;

/// What the shell needs besides the model.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where journals, postmortems, results and history go; none keeps nothing.
    pub data_dir: Option<PathBuf>,
    /// The cluster seed for every game; none picks a fresh one per game.
    pub seed: Option<u64>,
}

/// The solo game being played.
struct Solo {
    room: RoomHandle,
    forwarder: JoinHandle<()>,
}

/// Runs the app until it quits, its input ends or `shutdown` completes.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    mut app: App,
    mut input: mpsc::Receiver<TermEvent>,
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<App>
where
    B::Error: Send + Sync + 'static,
{
    let (to_app, mut from_room) = mpsc::channel::<Msg>(256);
    let mut solo: Option<Solo> = None;
    draw(terminal, &app)?;
    tracing::info!("first frame drawn");
    tokio::pin!(shutdown);
    loop {
        let msg = tokio::select! {
            event = input.recv() => match event {
                None => break,
                Some(event) => match to_msg(&event) {
                    Some(msg) => msg,
                    None => continue,
                },
            },
            Some(msg) = from_room.recv() => msg,
            () = &mut shutdown => {
                tracing::info!("shutting down on a signal");
                break;
            }
        };
        let mut pending = vec![msg];
        while let Some(msg) = pending.pop() {
            for effect in app::update(&mut app, msg) {
                if let Some(reply) = carry_out(effect, &mut solo, &settings, &to_app).await {
                    pending.push(reply);
                }
            }
        }
        if app.quit {
            break;
        }
        draw(terminal, &app)?;
    }
    if let Some(game) = solo.take() {
        close(game).await;
    }
    Ok(app)
}

fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &App) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    terminal.draw(|frame| {
        let area = frame.area();
        frame.render_widget(app, area);
        if let Some(at) = render::cursor(app, area) {
            frame.set_cursor_position(at);
        }
    })?;
    Ok(())
}

/// The messages worth waking the model for; mouse moves and focus changes are not.
fn to_msg(event: &TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) => Some(Msg::Key(*key)),
        TermEvent::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Msg::Wheel { up: true }),
            MouseEventKind::ScrollDown => Some(Msg::Wheel { up: false }),
            _ => None,
        },
        TermEvent::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// Does one effect; a message for the model comes back when it has something to say at once.
async fn carry_out(
    effect: Effect,
    solo: &mut Option<Solo>,
    settings: &Settings,
    to_app: &mpsc::Sender<Msg>,
) -> Option<Msg> {
    match effect {
        Effect::Quit => None,
        Effect::LeaveGame => {
            if let Some(game) = solo.take() {
                close(game).await;
            }
            None
        }
        Effect::StartSolo { scenario } => {
            if let Some(game) = solo.take() {
                close(game).await;
            }
            match start_solo(&scenario, settings, to_app.clone()).await {
                Ok(game) => {
                    *solo = Some(game);
                    let lines = settings.data_dir.as_deref().map(|d| history::load(d, &scenario)).unwrap_or_default();
                    Some(Msg::History(lines))
                }
                Err(e) => {
                    tracing::warn!("cannot start {scenario}: {e:#}");
                    Some(Msg::StartFailed(format!("{e:#}")))
                }
            }
        }
        Effect::Act { seat, action } => {
            let game = solo.as_ref()?;
            match game.room.act(seat, action).await {
                Ok(_) => None,
                Err(RoomError::Rule(e)) => Some(Msg::Rejected(e.to_string())),
                Err(e) => Some(Msg::Warning(e.to_string())),
            }
        }
        Effect::Remember { scenario, line } => {
            let dir = settings.data_dir.as_deref()?;
            match history::append(dir, &scenario, &line) {
                Ok(()) => None,
                Err(e) => Some(Msg::Warning(format!("cannot save the command history: {e}"))),
            }
        }
    }
}

const SOLO_SEATS: [Seat; 2] = [Seat::Liaison, Seat::Troubleshooter(0)];
const PLAYER: &str = "you";

async fn start_solo(id: &str, settings: &Settings, to_app: mpsc::Sender<Msg>) -> anyhow::Result<Solo> {
    let source = scenario::source(id)?;
    if let Some(problem) = scenario::validate(&source.scenario).first() {
        anyhow::bail!("scenario {id} is invalid: {problem}");
    }
    let seed = settings.seed.unwrap_or_else(fresh_seed);
    let game = Game::new(source.scenario, seed).map_err(|e| anyhow::anyhow!("cannot build the cluster: {e}"))?;
    let config = RoomConfig { seed, scenario_text: source.text, data_dir: settings.data_dir.clone(), turn_timer: None };
    let room = RoomHandle::spawn(game, config);
    for seat in SOLO_SEATS {
        room.join(seat, PLAYER).await?;
    }
    let events = room.subscribe().await?;
    room.start().await?;
    tracing::info!(scenario = id, seed, "solo game started");
    let forwarder = tokio::spawn(forward(room.clone(), events, to_app));
    Ok(Solo { room, forwarder })
}

/// A seed from the clock, so each solo game's cluster differs a little (pod names, timing).
fn fresh_seed() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64 % 1_000_000 + 1)
}

/// Turns the room's broadcasts into messages: fresh views after every applied batch.
async fn forward(room: RoomHandle, mut events: broadcast::Receiver<RoomEvent>, to_app: mpsc::Sender<Msg>) {
    // The opening events were broadcast before this task listened; start from a view.
    let mut stale = true;
    loop {
        let mut others = Vec::new();
        if !stale {
            match events.recv().await {
                Ok(RoomEvent::Applied(_)) | Err(broadcast::error::RecvError::Lagged(_)) => stale = true,
                Ok(other) => others.push(other),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
        // Several batches may be waiting; one fresh view covers them all.
        loop {
            match events.try_recv() {
                Ok(RoomEvent::Applied(_)) | Err(broadcast::error::TryRecvError::Lagged(_)) => stale = true,
                Ok(other) => others.push(other),
                Err(_) => break,
            }
        }
        let mut msgs = Vec::new();
        if stale {
            let Some(views) = views(&room).await else { return };
            msgs.push(Msg::Views(views));
            stale = false;
        }
        msgs.extend(others.into_iter().filter_map(|event| match event {
            RoomEvent::Warning(text) => Some(Msg::Warning(text)),
            RoomEvent::Postmortem(path) => Some(Msg::Postmortem(path)),
            RoomEvent::Applied(_) => None,
        }));
        for msg in msgs {
            if to_app.send(msg).await.is_err() {
                return;
            }
        }
    }
}

async fn views(room: &RoomHandle) -> Option<Vec<RoleView>> {
    room.inspect(|game| SOLO_SEATS.iter().map(|s| crate::game::view::for_seat(game, *s)).collect()).await.ok()
}

async fn close(game: Solo) {
    game.forwarder.abort();
    let _ = game.room.end().await;
}
