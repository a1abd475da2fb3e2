//! The break phase end to end (issue 14, "Done when"): a server in this process hosts a room with
//! a break phase (`kombat host --break`); a headless customer composes two fault cards on the
//! baseline, is refused an unknown card and a start before the proof, proves the composition and
//! starts; a headless troubleshooter fixes the composed incident with its own reference solution
//! and the game is won. Nothing of the composition reaches the troubleshooter before the debrief.
//! The room kept the composed scenario beside its journal, and the journal replays, in the library
//! and through `kombat replay`, to the same debrief and the same postmortem.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use kombat::game::breaking::{BreakRequest, BreakView, NotYet};
use kombat::game::draw::{Request, draw};
use kombat::game::journal::{Journal, replay_with};
use kombat::game::view::RoleView;
use kombat::game::{Action, Difficulty, Outcome, Phase, Seat, debrief};
use kombat::net::client::{Client, ClientCommand, ClientConfig, ClientEvent};
use kombat::net::protocol::RoleWish;
use kombat::net::server::{NewRoom, Resumption, Server, ServerConfig};
use tokio::time::{Instant, timeout_at};

#[path = "support/breaks.rs"]
mod breaks;
#[path = "support/resuming.rs"]
mod resuming;

const PATIENCE: Duration = Duration::from_secs(60);
const BASELINE: &str = "shop";

/// A client and everything it was sent, as JSON (to look for what it must not see).
struct Player {
    client: Client,
    view: Option<RoleView>,
    table: Option<BreakView>,
    notices: Vec<String>,
    seen: String,
}

impl Player {
    async fn join(addr: &str, code: &str, name: &str, role: RoleWish) -> Player {
        let client = Client::connect(ClientConfig::new(addr, code, name, role)).await.expect("joins");
        Player { client, view: None, table: None, notices: Vec::new(), seen: String::new() }
    }

    async fn until(&mut self, what: &str, mut done: impl FnMut(&ClientEvent, &Player) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let event = timeout_at(deadline, self.client.next_event())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "{:?} waited in vain for {what} (notices: {:?}, phase {:?})",
                        self.client.seat(),
                        self.notices,
                        self.view.as_ref().map(|v| &v.phase)
                    )
                })
                .unwrap_or_else(|| panic!("the session ended while waiting for {what}"));
            let ended = self.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_)));
            match &event {
                ClientEvent::View(view) => self.view = Some((**view).clone()),
                ClientEvent::Break(table) => self.table = Some((**table).clone()),
                ClientEvent::Notice(text) => self.notices.push(text.clone()),
                ClientEvent::Closed(closed) => panic!("closed while waiting for {what}: {closed:?}"),
                _ => {}
            }
            // Everything before the debrief; the debrief tells everyone everything.
            let now_ended = self.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_)));
            if !ended && !now_ended {
                let _ = write!(self.seen, "{event:?}");
            }
            if done(&event, self) {
                return;
            }
        }
    }

    async fn ask(&mut self, request: BreakRequest) {
        self.client.send(ClientCommand::Break(request)).await.expect("sent");
    }

    /// Runs a console command, ending turns while the turn has too few action points for it.
    async fn command(&mut self, line: &str) {
        for _ in 0..5 {
            let id = self.client.act(Action::Command(line.to_owned())).await.expect("sent");
            let mut answer = None;
            self.until(line, |e, _| match e {
                ClientEvent::Done { id: got, result } if *got == id => {
                    answer = Some(result.clone());
                    true
                }
                _ => false,
            })
            .await;
            match answer {
                Some(Ok(())) => return,
                Some(Err(why)) if why.contains("action points") => {
                    self.next_turn().await;
                    if self.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_))) {
                        return;
                    }
                }
                other => panic!("{line}: {other:?}"),
            }
        }
        panic!("{line}: never enough action points");
    }

    /// Ends the turn and waits for the next one (or the end).
    async fn next_turn(&mut self) {
        let turn = self.view.as_ref().map_or(0, |v| v.turn);
        self.act(Action::EndTurn).await;
        self.until("the next turn", |_, p| {
            p.view.as_ref().is_some_and(|v| v.turn > turn || matches!(v.phase, Phase::Ended(_)))
        })
        .await;
    }

    async fn act(&mut self, action: Action) {
        let what = format!("{action:?}");
        let id = self.client.act(action).await.expect("sent");
        let mut answer = None;
        self.until(&what, |e, _| match e {
            ClientEvent::Done { id: got, result } if *got == id => {
                answer = Some(result.clone());
                true
            }
            _ => false,
        })
        .await;
        assert_eq!(answer, Some(Ok(())), "{what}");
    }
}

fn journals(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("journals")) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    found.sort();
    found
}

// At normal difficulty: at hard, a troubleshooter alone (no liaison keeping the customer
// informed) loses on the customer's patience at turn 8 before the win holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_composes_and_proves_a_break_and_a_troubleshooter_fixes_it() {
    let (seed, drawn) = breaks::two_card_break(BASELINE);
    let dir = std::env::temp_dir().join(format!("kombat-net-break-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = ServerConfig {
        data_dir: Some(dir.clone()),
        difficulty: Difficulty::Normal,
        break_phase: true,
        baseline: Some(BASELINE.to_owned()),
        ..ServerConfig::default()
    };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let room = server.rooms().create_seeded("first-deploy", seed).await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    // The customer joins first, so it leads the room and starts it.
    let mut cat = Player::join(&addr, &room.code, "Cat", RoleWish::Customer).await;
    let mut tam = Player::join(&addr, &room.code, "Tam", RoleWish::Troubleshooter).await;
    assert_eq!(cat.client.seat(), Seat::Customer(0));
    cat.ask(BreakRequest::Show).await;
    cat.until("the card table", |_, p| p.table.is_some()).await;
    let table = cat.table.clone().expect("a table");
    assert_eq!((table.baseline.as_str(), table.budget, table.left), (BASELINE, 4, 4));
    assert!(table.hand.iter().all(|c| c.cost <= 4 && !c.targets.is_empty()));

    // An unknown card is refused and changes nothing; a start before the proof is refused.
    cat.ask(BreakRequest::Pick { card: "no-such-card".into(), target: None }).await;
    cat.until("the refusal", |e, _| matches!(e, ClientEvent::Notice(t) if t.contains("no card named"))).await;
    cat.client.send(ClientCommand::Start).await.expect("sent");
    // Typed: each front end words it (line mode names /pick and /prove, the game screen its keys).
    cat.until("no start yet", |e, _| matches!(e, ClientEvent::NotYet(NotYet::Unproven))).await;

    // Two cards on their targets, then the proof.
    for (card, target) in &drawn.picks {
        cat.ask(BreakRequest::Pick { card: card.clone(), target: Some(target.to_string()) }).await;
        let n = cat.table.as_ref().map_or(0, |t| t.picks.len()) + 1;
        cat.until("the pick", |_, p| p.table.as_ref().is_some_and(|t| t.picks.len() == n)).await;
    }
    let spent: u32 = cat.table.as_ref().expect("a table").picks.iter().map(|p| p.cost).sum();
    assert_eq!(cat.table.as_ref().expect("a table").left, 4 - spent);
    cat.ask(BreakRequest::Prove).await;
    cat.until("the verdict", |_, p| p.table.as_ref().is_some_and(|t| t.fairness.is_some())).await;
    let verdict = cat.table.as_ref().and_then(|t| t.fairness.clone()).expect("a verdict");
    assert!(verdict.is_fair(), "{}", verdict.words());

    cat.client.send(ClientCommand::Start).await.expect("sent");
    cat.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;
    tam.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;
    // The customer plays its own composition: what it did is its brief.
    let brief = serde_json::to_string(cat.view.as_ref().expect("a view")).expect("serializes");
    assert!(brief.contains("What happened on your side"), "the customer's brief tells its story");

    // The troubleshooter runs the composed incident's reference solution, then ends turns.
    for line in &drawn.scenario.solution {
        match line.strip_prefix("/wait") {
            Some(n) => {
                for _ in 0..n.trim().parse::<u32>().unwrap_or(1) {
                    tam.next_turn().await;
                }
            }
            None => tam.command(line).await,
        }
        if tam.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_))) {
            break;
        }
    }
    for _ in 0..20 {
        if tam.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_))) {
            break;
        }
        tam.next_turn().await;
    }
    let end = tam.view.clone().expect("a view");
    assert!(matches!(end.phase, Phase::Ended(Outcome::Won { .. })), "won: {:?}", end.phase);

    // The responder saw nothing of the composition before the debrief.
    let table = cat.table.clone().expect("a table");
    for pick in &table.picks {
        for secret in [&pick.card, &pick.title, &pick.target] {
            assert!(!tam.seen.contains(secret.as_str()), "the troubleshooter saw {secret:?}");
        }
    }
    // (The lobby's public summary says a break is being composed and must be proven fair; the
    // verdict's own words, the table and the budget must never reach a responder.)
    for words in ["proven fair: the game may start", "Fairness", "BreakView", "budget 4"] {
        assert!(!tam.seen.contains(words), "the troubleshooter saw {words:?}");
    }

    // The journal, with the composed scenario beside it, replays to the same debrief.
    let deadline = Instant::now() + PATIENCE;
    let journal_path = loop {
        if let Some(path) = journals(&dir).into_iter().find(|p| p.extension().is_some_and(|e| e == "jsonl")) {
            break path;
        }
        assert!(Instant::now() < deadline, "no journal in {}", dir.display());
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let beside = journal_path.with_extension("ron");
    let text = std::fs::read_to_string(&beside).expect("the composed scenario is kept beside the journal");
    let journal = Journal::parse(&std::fs::read_to_string(&journal_path).expect("reads")).expect("parses");
    let replayed = replay_with(&journal, &text, |_, _| {}).expect("replays");
    let again = debrief::for_game(&replayed).expect("a debrief");
    let told = end.debrief.as_deref().expect("the debrief");
    assert_eq!(
        serde_json::to_string(&again).expect("serializes"),
        serde_json::to_string(told).expect("serializes"),
        "the replay's debrief is the game's"
    );

    let _ = stop.send(());
    let _ = serving.await;

    // `kombat replay` finds the composed scenario by itself and writes the same postmortem.
    let written = std::fs::read_dir(dir.join("postmortems"))
        .expect("postmortems")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("the room's postmortem");
    let replay_dir = dir.join("replay");
    let out = Command::new(env!("CARGO_BIN_EXE_kombat"))
        .arg("replay")
        .arg(&journal_path)
        .env("KOMBAT_DATA_DIR", &replay_dir)
        .output()
        .expect("runs");
    assert!(out.status.success(), "replay failed: {}", String::from_utf8_lossy(&out.stderr));
    let rewritten = std::fs::read_dir(replay_dir.join("postmortems"))
        .expect("postmortems")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .next()
        .expect("the replay's postmortem");
    assert_eq!(
        std::fs::read_to_string(&rewritten).expect("reads"),
        std::fs::read_to_string(&written).expect("reads"),
        "byte for byte the room's postmortem"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_human_customer_the_scripted_customer_draws_the_break() {
    let dir = std::env::temp_dir().join(format!("kombat-net-break-npc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = ServerConfig {
        data_dir: Some(dir.clone()),
        difficulty: Difficulty::Normal,
        break_phase: true,
        baseline: Some(BASELINE.to_owned()),
        ..ServerConfig::default()
    };
    let server = Server::bind("127.0.0.1:0".parse().expect("addr"), config).await.expect("binds");
    let addr = server.local_addr().expect("bound").to_string();
    let room = server.rooms().create_seeded("first-deploy", 11).await.expect("a room");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let mut tam = Player::join(&addr, &room.code, "Tam", RoleWish::Troubleshooter).await;
    // A responder may not compose.
    tam.ask(BreakRequest::Show).await;
    tam.until("the refusal", |e, _| matches!(e, ClientEvent::Notice(t) if t.contains("only the customer team"))).await;
    tam.client.send(ClientCommand::Start).await.expect("sent");
    tam.until("the game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;
    let view = tam.view.clone().expect("a view");
    let deck = kombat::scenario::cards().expect("cards");
    let baselines = kombat::scenario::baselines().expect("baselines");
    let drawn = draw(&Request {
        deck: &deck,
        baselines: &baselines,
        baseline: Some(BASELINE),
        cards: &[],
        difficulty: Difficulty::Normal,
        seed: 11,
    })
    .expect("draws");
    assert_eq!((view.title.as_str(), view.turn_limit), (drawn.scenario.title.as_str(), drawn.scenario.turn_limit));
    assert!(tam.table.is_none(), "a responder never gets the card table");
    // The room plays the drawn incident and keeps it beside its journal.
    let journal = journals(&dir).into_iter().find(|p| p.extension().is_some_and(|e| e == "jsonl")).expect("a journal");
    let kept = std::fs::read_to_string(journal.with_extension("ron")).expect("kept beside the journal");
    assert_eq!(kept, kombat::scenario::to_ron(&drawn.scenario).expect("prints"));
    let _ = stop.send(());
    let _ = serving.await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server on `dir` with a break phase on the baseline, resuming what an earlier one left there.
async fn serve_resuming(dir: &Path) -> (String, Vec<Resumption>, Server) {
    resuming::serve_resuming(dir, Some(BASELINE)).await
}

fn run(server: Server) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    (stop, serving)
}

/// Issue 14: a room hosted with `--break` survives a host restart. Restarted in its lobby, it is
/// in the same break phase with the customer team's picks and the proof's verdict; restarted
/// once its game started, it plays the composed incident on to a win, and the debrief is the
/// composed incident's (the same as its journal replays to).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_break_room_survives_a_host_restart_in_its_lobby_and_in_its_game() {
    let (seed, drawn) = breaks::two_card_break(BASELINE);
    let dir = std::env::temp_dir().join(format!("kombat-net-break-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    let (addr, outcomes, server) = serve_resuming(&dir).await;
    assert!(outcomes.is_empty());
    let room = server.rooms().create_seeded("first-deploy", seed).await.expect("a room");
    let (stop, serving) = run(server);
    let mut cat = Player::join(&addr, &room.code, "Cat", RoleWish::Customer).await;
    let tam = Player::join(&addr, &room.code, "Tam", RoleWish::Troubleshooter).await;
    for (card, target) in &drawn.picks {
        cat.ask(BreakRequest::Pick { card: card.clone(), target: Some(target.to_string()) }).await;
        let n = cat.table.as_ref().map_or(0, |t| t.picks.len()) + 1;
        cat.until("the pick", |_, p| p.table.as_ref().is_some_and(|t| t.picks.len() == n)).await;
    }
    cat.ask(BreakRequest::Prove).await;
    cat.until("the verdict", |_, p| p.table.as_ref().is_some_and(|t| t.fairness.is_some())).await;
    let before = cat.table.clone().expect("a table");
    assert!(before.fairness.as_ref().is_some_and(kombat::game::breaking::Fairness::is_fair));
    let record = std::fs::read_to_string(dir.join("rooms").join(format!("{}.json", room.code))).expect("a record");
    assert!(record.contains("\"version\": 2") && record.contains("\"breaking\""), "{record}");
    // The host stops first: a client dropped while connected leaves its seat.
    let _ = stop.send(());
    serving.await.expect("stops");
    drop((cat, tam));

    // Restarted in the lobby: the same break phase, picks and verdict.
    let (addr, outcomes, server) = serve_resuming(&dir).await;
    let baseline_title = kombat::scenario::baselines()
        .expect("baselines")
        .into_iter()
        .find(|b| b.id == BASELINE)
        .map(|b| b.title)
        .expect("the baseline");
    assert_eq!(
        outcomes,
        vec![Resumption::Resumed(NewRoom {
            code: room.code.clone(),
            scenario: "first-deploy".into(),
            title: baseline_title
        })]
    );
    let (stop, serving) = run(server);
    let mut cat = Player::join(&addr, &room.code, "Cat", RoleWish::Customer).await;
    assert_eq!(cat.client.seat(), Seat::Customer(0), "the customer's seat back by name");
    let mut tam = Player::join(&addr, &room.code, "Tam", RoleWish::Troubleshooter).await;
    cat.ask(BreakRequest::Show).await;
    cat.until("the card table", |_, p| p.table.is_some()).await;
    assert_eq!(cat.table.as_ref(), Some(&before), "the same picks and verdict");
    assert!(tam.table.is_none(), "a responder still gets no card table");
    cat.client.send(ClientCommand::Start).await.expect("sent");
    tam.until("the game after the lobby's restart", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing))
        .await;
    let view = tam.view.clone().expect("a view");
    assert_eq!((view.title.as_str(), view.turn_limit), (drawn.scenario.title.as_str(), drawn.scenario.turn_limit));
    let record = std::fs::read_to_string(dir.join("rooms").join(format!("{}.json", room.code))).expect("a record");
    assert!(record.contains("\"origin\": \"Composed\"") && !record.contains("\"breaking\""), "{record}");
    // The host stops first: a client dropped while connected leaves its seat.
    let _ = stop.send(());
    serving.await.expect("stops");
    drop((cat, tam));

    // Restarted in the game: it plays the composed incident on.
    let (addr, outcomes, server) = serve_resuming(&dir).await;
    assert!(matches!(outcomes.as_slice(), [Resumption::Resumed(r)] if r.title == drawn.scenario.title), "{outcomes:?}");
    let (stop, serving) = run(server);
    let mut tam = Player::join(&addr, &room.code, "Tam", RoleWish::Troubleshooter).await;
    assert_eq!(tam.client.seat(), Seat::Troubleshooter(0));
    tam.until("the resumed game", |_, p| p.view.as_ref().is_some_and(|v| v.phase == Phase::Playing)).await;
    assert_eq!(tam.view.as_ref().map(|v| v.title.clone()), Some(drawn.scenario.title.clone()));
    for line in &drawn.scenario.solution {
        match line.strip_prefix("/wait") {
            Some(n) => {
                for _ in 0..n.trim().parse::<u32>().unwrap_or(1) {
                    tam.next_turn().await;
                }
            }
            None => tam.command(line).await,
        }
        if tam.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_))) {
            break;
        }
    }
    for _ in 0..20 {
        if tam.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_))) {
            break;
        }
        tam.next_turn().await;
    }
    let end = tam.view.clone().expect("a view");
    assert!(matches!(end.phase, Phase::Ended(Outcome::Won { .. })), "won: {:?}", end.phase);
    let told = end.debrief.as_deref().expect("the debrief");
    let causes: Vec<String> = drawn.scenario.game.all_causes().iter().map(ToString::to_string).collect();
    assert_eq!(told.causes, causes, "the debrief is the composed incident's");
    let journal_path = journals(&dir).into_iter().find(|p| p.extension().is_some_and(|e| e == "jsonl")).expect("one");
    let text = std::fs::read_to_string(journal_path.with_extension("ron")).expect("the composed scenario");
    let journal = Journal::parse(&std::fs::read_to_string(&journal_path).expect("reads")).expect("parses");
    let replayed = replay_with(&journal, &text, |_, _| {}).expect("replays");
    assert_eq!(
        serde_json::to_string(&debrief::for_game(&replayed).expect("a debrief")).expect("serializes"),
        serde_json::to_string(told).expect("serializes"),
        "the journal across both restarts replays to the same debrief"
    );
    let _ = stop.send(());
    serving.await.expect("stops");
    drop(tam);
    let _ = std::fs::remove_dir_all(&dir);
}
