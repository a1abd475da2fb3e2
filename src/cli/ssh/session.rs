//! One SSH connection: authentication (the join code is the gate, so every method but the
//! `none` probe is let in), one session channel with its pty size, `TERM` and `NO_COLOR`, and the
//! game screen running in its own task behind it. A player who authenticated with a public key
//! and drops off is parked for a while: the screen (and so the seat) keeps running detached, and
//! the same key coming back reattaches to it, as a `kombat join` player's client resumes its
//! seat. One key may be behind several screens at once (one person's two terminals, a shared lab
//! machine): a live screen is never taken over, each one that drops off is parked on its own, and
//! a connection with that key takes back the one parked last. The terminal is given back (main screen, cursor, no mouse reports, plain attributes)
//! and the channel closed with an exit status on every way the game ends.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use ratatui::Terminal;
use ratatui::crossterm::event::Event;
use ratatui::layout::Size;
use russh::keys::HashAlg;
use russh::server::{Auth, ChannelOpenHandle, Handle, Handler, Msg, Session};
use russh::{Channel, ChannelId, ChannelWriteHalf, MethodKind, MethodSet};
use tokio::sync::{mpsc, watch};

use super::input::Keys;
use super::screen::{self, Attachment, Queue, SshBackend};
use crate::net::client::RoleWish;
use crate::tui::app::{App, JoinForm, JoinRequest, Screen};
use crate::tui::catalog;
use crate::tui::driver::{self, Settings};
use crate::tui::keymap::Keymap;
use crate::tui::terminal;
use crate::tui::theme::Theme;

/// Keystrokes waiting for the game screen; a client typing faster waits (SSH flow control).
const INPUT_QUEUE: usize = 64;
/// How long a write to a client may take before it is given up on.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection of one front door shares.
pub struct Shared {
    /// The game server the screens join through, like `kombat join`.
    pub game: SocketAddr,
    /// Screens whose player dropped off, by key fingerprint (oldest first: one key may have
    /// parked several), waiting to be reattached. Only detached screens are ever in here.
    parked: Mutex<HashMap<String, Vec<Parked>>>,
    /// How long a parked screen waits.
    pub grace: Duration,
    /// True once the host is stopping: every screen ends and gives its terminal back.
    pub stopping: watch::Receiver<bool>,
    /// The bytes of frames one client may have waiting before it is dropped as too slow.
    pub frame_budget: usize,
}

impl Shared {
    pub fn new(game: SocketAddr, grace: Duration, stopping: watch::Receiver<bool>) -> Shared {
        Shared { game, parked: Mutex::new(HashMap::new()), grace, stopping, frame_budget: screen::QUEUE_BYTES }
    }

    fn parked(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Parked>>> {
        self.parked.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes back the screen this key parked last, if one is still running.
    fn unpark(&self, identity: &str) -> Option<Running> {
        let mut parked = self.parked();
        let screens = parked.get_mut(identity)?;
        let mut found = None;
        while let Some(p) = screens.pop() {
            // A screen that ended while parked has nothing to go back to.
            if !p.running.input.is_closed() {
                found = Some(p.running);
                break;
            }
        }
        if screens.is_empty() {
            parked.remove(identity);
        }
        found
    }
}

/// A running game screen, attached to a channel or not.
#[derive(Clone)]
struct Running {
    input: mpsc::Sender<Event>,
    attachment: Attachment,
}

struct Parked {
    running: Running,
    /// Which parking this is, so an old expiry timer leaves a newer one alone.
    generation: u64,
}

/// One connection's state, as russh calls back into it.
pub struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    user: String,
    /// The fingerprint of the key the player authenticated with, if any: who may resume.
    identity: Option<String>,
    channel: Option<ChannelState>,
}

struct ChannelState {
    id: ChannelId,
    write: Option<ChannelWriteHalf<Msg>>,
    size: Size,
    no_color: bool,
    keys: Keys,
    running: Option<Running>,
}

impl Connection {
    pub fn new(shared: Arc<Shared>, peer: SocketAddr) -> Connection {
        Connection { shared, peer, user: String::new(), identity: None, channel: None }
    }

    fn accept(&mut self, user: &str) -> Auth {
        user.clone_into(&mut self.user);
        Auth::Accept
    }

    fn channel(&mut self, id: ChannelId) -> Option<&mut ChannelState> {
        self.channel.as_mut().filter(|c| c.id == id)
    }

    /// The player left (or the connection dropped): park a screen that can be resumed, end
    /// any other.
    fn leave(&mut self) {
        let Some(running) = self.channel.as_mut().and_then(|c| c.running.take()) else { return };
        running.attachment.detach();
        let ended = running.input.is_closed() || *self.shared.stopping.borrow();
        match self.identity.clone() {
            Some(identity) if !ended => park(&self.shared, identity, running),
            _ => drop(running),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.leave();
    }
}

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Keeps a detached screen for `grace`; ends it then unless it was taken back.
fn park(shared: &Arc<Shared>, identity: String, running: Running) {
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tracing::info!(%identity, "an SSH player dropped off; their screen waits for them");
    // Beside any other screen this key parked: each is its own player's seat.
    shared.parked().entry(identity.clone()).or_default().push(Parked { running, generation });
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        tokio::select! {
            () = tokio::time::sleep(shared.grace) => {}
            () = stopped(shared.stopping.clone()) => {}
        }
        let mut parked = shared.parked();
        if let Some(screens) = parked.get_mut(&identity) {
            // Dropping the input ends the screen, which leaves its seat.
            screens.retain(|p| p.generation != generation);
            if screens.is_empty() {
                parked.remove(&identity);
            }
        }
    });
}

impl Handler for Connection {
    type Error = russh::Error;

    /// `none` is the probe a client starts with: answering it with the methods makes OpenSSH
    /// offer its key, which is what lets a dropped player resume.
    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        user.clone_into(&mut self.user);
        let mut methods = MethodSet::empty();
        methods.push(MethodKind::PublicKey);
        methods.push(MethodKind::KeyboardInteractive);
        methods.push(MethodKind::Password);
        Ok(Auth::Reject { proceed_with_methods: Some(methods), partial_success: false })
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        Ok(self.accept(user))
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        self.identity = Some(key.public_key.fingerprint(HashAlg::Sha256).to_string());
        Ok(self.accept(user))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.accept(user))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel.is_some() {
            // One screen per connection; dropping the reply refuses the channel.
            return Ok(());
        }
        let id = channel.id();
        // What the client sends arrives through the callbacks; the read half is not needed.
        let (_read, write) = channel.split();
        self.channel = Some(ChannelState {
            id,
            write: Some(write),
            size: screen::clamp(80, 24),
            no_color: false,
            keys: Keys::default(),
            running: None,
        });
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(state) = self.channel(channel) {
            state.size = screen::clamp(cols, rows);
            // OpenSSH sends the client's TERM here, not as an environment variable.
            state.no_color |= asks_no_colour(term);
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(state) = self.channel(channel) else { return Ok(()) };
        match name {
            "NO_COLOR" => state.no_color = !value.is_empty(),
            "TERM" => state.no_color |= asks_no_colour(value),
            _ => return session.channel_failure(channel),
        }
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        let shared = Arc::clone(&self.shared);
        let identity = self.identity.clone();
        let user = self.user.clone();
        let peer = self.peer;
        let Some(state) = self.channel(channel) else { return session.channel_failure(channel) };
        let (Some(write), None) = (state.write.take(), state.running.as_ref()) else {
            return session.channel_failure(channel);
        };
        session.channel_success(channel)?;
        let hang_up = session.handle();
        // Only a parked (detached) screen is taken back, never one another connection shows.
        let resumed = identity.and_then(|id| shared.unpark(&id));
        let running = match resumed {
            Some(running) => {
                tracing::info!(%peer, "an SSH player came back to their screen");
                let frames = running.attachment.attach(state.size);
                tokio::spawn(pump(frames, write, running.attachment.clone(), hang_up));
                // A resize makes the screen redraw whole on the new terminal.
                let (w, h) = (state.size.width, state.size.height);
                let _ = running.input.send(Event::Resize(w, h)).await;
                running
            }
            None => start(&shared, &user, state.size, state.no_color, (write, hang_up)),
        };
        state.running = Some(running);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(state) = self.channel(channel) else { return Ok(()) };
        state.size = screen::clamp(cols, rows);
        if let Some(running) = &state.running {
            running.attachment.resize(state.size);
            let _ = running.input.send(Event::Resize(state.size.width, state.size.height)).await;
        }
        Ok(())
    }

    async fn data(&mut self, channel: ChannelId, data: &[u8], _session: &mut Session) -> Result<(), Self::Error> {
        let Some(state) = self.channel(channel) else { return Ok(()) };
        let events = state.keys.feed(data);
        if let Some(running) = &state.running {
            for event in events {
                if running.input.send(event).await.is_err() {
                    break;
                }
            }
        }
        Ok(())
    }

    async fn channel_eof(&mut self, _channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        self.leave();
        Ok(())
    }

    async fn channel_close(&mut self, _channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        self.leave();
        Ok(())
    }
}

/// A new game screen on its own task, on the join form (the code filled in when the user name
/// is one), joining through the game server like `kombat join`.
fn start(
    shared: &Arc<Shared>,
    user: &str,
    size: Size,
    no_color: bool,
    (write, hang_up): (ChannelWriteHalf<Msg>, Handle),
) -> Running {
    let attachment = Attachment::new(size, shared.frame_budget);
    let frames = attachment.attach(size);
    let (input, events) = mpsc::channel(INPUT_QUEUE);
    let mut app = App::new(Keymap::default(), Theme::choose(None, no_color), catalog::builtin(None));
    let server = shared.game.to_string();
    app.screen = Screen::Join(Box::new(join_form(&server, user)));
    let settings = Settings { join_only: Some(server), ..Settings::default() };
    let stopping = shared.stopping.clone();
    let screen = attachment.clone();
    let running = Running { input, attachment: attachment.clone() };
    tokio::spawn(pump(frames, write, attachment.clone(), hang_up));
    tokio::spawn(async move {
        // The screen runs in a task of its own, so a panic in it still gives the terminal back.
        let game = tokio::spawn(async move {
            let mut terminal = Terminal::new(SshBackend::new(screen))?;
            driver::run(&mut terminal, app, events, settings, stopped(stopping)).await.map(|_| ())
        });
        let status = match game.await {
            Ok(Ok(())) => 0,
            Ok(Err(e)) => {
                tracing::warn!("an SSH game screen failed: {e:#}");
                1
            }
            Err(e) => {
                tracing::error!("an SSH game screen panicked: {e}");
                2
            }
        };
        attachment.finish(restore_bytes(), status);
    });
    running
}

/// Whether a client's `TERM` asks for no colour. The game draws with what every terminal since
/// xterm understands; `dumb` is the one that has no colour at all.
fn asks_no_colour(term: &str) -> bool {
    term.eq_ignore_ascii_case("dumb")
}

/// Completes once the host is stopping.
pub async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|s| *s).await;
}

/// The join form, with the code filled in when the SSH user name looks like one.
fn join_form(server: &str, user: &str) -> JoinForm {
    let code = crate::net::server::normalize_code(user).unwrap_or_default();
    let request =
        JoinRequest { server: server.to_owned(), code: code.clone(), name: String::new(), role: RoleWish::Any };
    let mut form = JoinForm::from_request(&request);
    if !code.is_empty() {
        // The code is in; the name is what is left to type.
        form.focus = 2;
    }
    form
}

/// What gives a player's terminal back: mouse reports off, the main screen, the cursor shown,
/// plain attributes.
pub fn restore_bytes() -> Bytes {
    let mut out = Vec::new();
    let _ = terminal::write_restore(&mut out);
    out.extend_from_slice(b"\x1b[0m");
    Bytes::from(out)
}

fn enter_bytes() -> Bytes {
    let mut out = Vec::new();
    let _ = terminal::write_enter(&mut out);
    Bytes::from(out)
}

/// Why a client that fell behind was let go: the last thing its terminal shows, and the SSH
/// disconnect's reason.
pub const TOO_SLOW: &str = "kombat: your connection could not keep up with the game's screen, so it was closed; \
                            ssh in again to take your seat back";
/// Why a client that read nothing for the write timeout was let go.
const NOT_READING: &str = "kombat: your terminal read nothing for too long, so the connection was closed";

/// Writes one attachment's frames to its channel (waiting for the client's SSH window), then
/// closes the channel: with the game's exit status when the game ended. A client that fell
/// behind (its queue full) gets none of its backlog: its terminal is given back with the reason,
/// and the connection is hung up, so its screen is parked or ended as on any way out; so is one
/// that took no bytes for the write timeout.
async fn pump(mut frames: Queue, write: ChannelWriteHalf<Msg>, attachment: Attachment, hang_up: Handle) {
    let send = |bytes: Bytes| {
        let write = &write;
        async move { matches!(tokio::time::timeout(WRITE_TIMEOUT, write.data_bytes(bytes)).await, Ok(Ok(()))) }
    };
    let reason = 'written: {
        if !send(enter_bytes()).await {
            break 'written NOT_READING;
        }
        while let Some(frame) = frames.recv().await {
            let sent = send(frame.clone()).await;
            frames.written(&frame);
            if !sent {
                break 'written NOT_READING;
            }
        }
        match attachment.ended() {
            Some(status) => {
                let _ = write.exit_status(status).await;
                let _ = write.eof().await;
                let _ = write.close().await;
                return;
            }
            None if frames.fell_behind() => TOO_SLOW,
            // Replaced by a newer attachment (the player came back on another connection).
            None => return,
        }
    };
    tracing::info!(reason, "an SSH client is let go");
    attachment.let_go(&frames);
    let mut last = restore_bytes().to_vec();
    last.extend_from_slice(format!("\r\n{reason}\r\n").as_bytes());
    let _ = tokio::time::timeout(Duration::from_secs(1), write.data_bytes(last)).await;
    let _ = write.eof().await;
    let _ = write.close().await;
    let _ = hang_up.disconnect(russh::Disconnect::ByApplication, reason.to_owned(), String::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> (Arc<Shared>, watch::Sender<bool>) {
        let (stop, stopping) = watch::channel(false);
        let game = SocketAddr::from(([127, 0, 0, 1], 1));
        (Arc::new(Shared::new(game, Duration::from_secs(300), stopping)), stop)
    }

    /// A running screen, and the receiving end that keeps it running.
    fn screen() -> (Running, mpsc::Receiver<Event>) {
        let (input, events) = mpsc::channel(1);
        (Running { input, attachment: Attachment::new(screen::clamp(80, 24), screen::QUEUE_BYTES) }, events)
    }

    #[tokio::test]
    async fn two_screens_parked_with_one_key_are_both_kept_and_each_taken_back_once() {
        let (shared, _stop) = shared();
        let (first, _first_events) = screen();
        let (second, _second_events) = screen();
        park(&shared, "SHA256:same".into(), first.clone());
        park(&shared, "SHA256:same".into(), second.clone());
        let back = shared.unpark("SHA256:same").expect("the last parked screen");
        assert!(back.input.same_channel(&second.input), "the screen parked last comes back first");
        let back = shared.unpark("SHA256:same").expect("the other screen is still parked");
        assert!(back.input.same_channel(&first.input));
        assert!(shared.unpark("SHA256:same").is_none(), "each screen is taken back once");
        assert!(shared.unpark("SHA256:other").is_none(), "another key finds nothing");
    }

    #[tokio::test]
    async fn a_screen_that_ended_while_parked_is_not_taken_back() {
        let (shared, _stop) = shared();
        let (alive, _alive_events) = screen();
        let (ended, ended_events) = screen();
        park(&shared, "SHA256:k".into(), alive.clone());
        park(&shared, "SHA256:k".into(), ended);
        drop(ended_events);
        let back = shared.unpark("SHA256:k").expect("the live one");
        assert!(back.input.same_channel(&alive.input));
        assert!(shared.parked().is_empty());
    }
}
