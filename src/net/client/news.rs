//! What is new: the server sends whole snapshots (the lobby, a seat's view), and line mode prints
//! only what changed since the one before, in the words of the solo console's transcript
//! (`$ kubectl …`, `[customer] Dana: …`, `[status page] …`). Pure: snapshots in, lines out. Every
//! piece of text from the server is sanitized here, since it is printed as it is.

use std::fmt::Write as _;

use crate::cli::transcript::outcome_text;
use crate::game::clock;
use crate::game::state::{ChatLine, ConsoleEntry, StatusEntry};
use crate::game::text::{sanitize, sanitize_block};
use crate::game::view::{Board, Findings, Panel, Public, RoleView};
use crate::game::{HoldOff, Phase, Seat, Severity};
use crate::net::protocol::{LobbyPlayer, LobbyView, RoleWish};

/// The last snapshots printed.
#[derive(Debug, Default)]
pub struct News {
    lobby: Option<LobbyView>,
    view: Option<RoleView>,
}

impl News {
    pub fn view_now(&self) -> Option<&RoleView> {
        self.view.as_ref()
    }

    pub fn lobby_now(&self) -> Option<&LobbyView> {
        self.lobby.as_ref()
    }

    /// Whether the game is over.
    pub fn ended(&self) -> bool {
        self.view.as_ref().is_some_and(|v| matches!(v.phase, Phase::Ended(_)))
    }

    /// The lines a new lobby snapshot brings.
    pub fn lobby(&mut self, lobby: LobbyView) -> Vec<String> {
        let mut out = Vec::new();
        let before = self.lobby.as_ref();
        if before.is_none() {
            out.push(format!("== lobby {}: {} ==", sanitize(&lobby.code), sanitize(&lobby.title)));
            out.push(sanitize_block(lobby.summary.trim_end()));
            out.push(format!("[lobby] seats: {}", limits(&lobby.limits, lobby.npc_customer)));
        }
        if before.is_none_or(|b| b.players != lobby.players) {
            out.push(format!("[lobby] players: {}", players(&lobby.players)));
        }
        for line in fresh(before.map_or(&[][..], |b| &b.chat), &lobby.chat) {
            out.push(format!("[lobby] {}: {}", sanitize(&line.from), sanitize(&line.text)));
        }
        self.lobby = Some(lobby);
        out
    }

    /// The lines a new view of the seat brings: everything, the first time.
    pub fn view(&mut self, view: RoleView) -> Vec<String> {
        let mut out = Vec::new();
        let before = self.view.as_ref();
        if before.is_none() {
            out.push(format!("== {} ==", sanitize(&view.title)));
            out.push(sanitize_block(view.summary.trim_end()));
            out.push(format!("You are {}, the {}.", sanitize(&view.name), view.seat.label()));
        }
        let was = before.map_or(&Phase::Playing, |b| &b.phase);
        match (was, &view.phase) {
            (Phase::Playing, Phase::Paused) => out.push("[game] paused".to_owned()),
            (Phase::Paused, Phase::Playing) => out.push("[game] resumed".to_owned()),
            _ => {}
        }
        if view.turn > before.map_or(0, |b| b.turn) {
            out.push(format!("-- turn {}, incident time {} --", view.turn, clock_of(view.second)));
        }
        let old = before.map(|b| &b.panel);
        for entry in fresh(console(old), console(Some(&view.panel))) {
            out.push(command(entry, view.seat));
        }
        for line in fresh(team_chat(old), team_chat(Some(&view.panel))) {
            out.push(chat("team", line));
        }
        for line in fresh(customer_chat(old), customer_chat(Some(&view.panel))) {
            out.push(chat("customer", line));
        }
        status_page(&mut out, status(old), status(Some(&view.panel)));
        board_news(&mut out, old.and_then(board), board(&view.panel));
        if let Some(now) = hold_off(&view.panel)
            && hold_off_text(now).is_some()
            && old.and_then(hold_off) != Some(now)
        {
            out.extend(hold_off_text(now).map(str::to_owned));
        }
        findings_news(&mut out, old.and_then(findings), findings(&view.panel));
        if let (Some(was), Some(now)) = (old.and_then(mood), mood(&view.panel))
            && was != now
        {
            out.push(format!("[mood] the customer's patience: {now}/100"));
        }
        customer_news(&mut out, old, &view.panel);
        if let Phase::Ended(outcome) = &view.phase
            && !matches!(was, Phase::Ended(_))
        {
            out.push(format!("== {} ==", sanitize(&outcome_text(outcome))));
        }
        if let Some(debrief) = &view.debrief
            && before.is_none_or(|b| b.debrief.is_none())
        {
            out.push(String::new());
            out.push(format!("Outcome: {}", sanitize(&outcome_text(&debrief.outcome))));
            out.push(sanitize_block(&debrief.score.render_text()));
        }
        self.view = Some(view);
        out
    }
}

/// How many of the items at the end of `before` are the items at the start of `now`. The server
/// may drop the oldest items of a long list to fit a view in a frame, so `now` is not always
/// `before` plus more; the largest overlap is taken (a repeated item is not printed twice).
fn overlap<T>(before: &[T], now: &[T], same: impl Fn(&T, &T) -> bool) -> usize {
    let agree = |k: usize| before[before.len() - k..].iter().zip(&now[..k]).all(|(a, b)| same(a, b));
    (0..=before.len().min(now.len())).rev().find(|k| agree(*k)).unwrap_or(0)
}

/// The items of `now` that `before` did not have.
fn fresh<'a, T: PartialEq>(before: &[T], now: &'a [T]) -> &'a [T] {
    if now.len() >= before.len() && now[..before.len()] == *before {
        return &now[before.len()..];
    }
    &now[overlap(before, now, PartialEq::eq)..]
}

/// Incident time as the console shows it; any number a server sends is shown without a panic.
pub(super) fn clock_of(second: i64) -> String {
    clock(second.max(-i64::MAX))
}

fn players(players: &[LobbyPlayer]) -> String {
    if players.is_empty() {
        return "nobody yet".to_owned();
    }
    let each = players.iter().map(|p| {
        let mut text = format!("{} ({}", sanitize(&p.name), p.seat.label());
        if p.ready {
            text.push_str(", ready");
        }
        if !p.connected {
            text.push_str(", away");
        }
        text.push(')');
        text
    });
    each.collect::<Vec<_>>().join(", ")
}

fn limits(limits: &[(RoleWish, u8)], npc_customer: bool) -> String {
    let mut text = limits
        .iter()
        .map(|(role, n)| {
            let name = match role {
                RoleWish::Liaison => "liaison",
                RoleWish::Troubleshooter => "troubleshooter",
                RoleWish::Customer => "customer",
                RoleWish::GameMaster => "game master",
                RoleWish::Spectator => "spectator",
                RoleWish::Any => "any",
            };
            format!("{name} {n}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    if npc_customer {
        text.push_str("; the scripted customer plays unless someone takes the seat");
    }
    text
}

fn command(entry: &ConsoleEntry, mine: Seat) -> String {
    let line = sanitize(&entry.line);
    let shown = line.strip_prefix("kubectl ").unwrap_or(&line).trim_start();
    let mut text = if entry.seat == mine {
        format!("$ kubectl {shown}")
    } else {
        format!("[{}] $ kubectl {shown}", entry.seat.label())
    };
    let output = sanitize_block(&entry.output);
    let output = output.trim_end_matches('\n');
    if !output.is_empty() {
        text.push('\n');
        text.push_str(output);
    }
    text
}

fn chat(channel: &str, line: &ChatLine) -> String {
    format!("[{channel}] {}: {}", sanitize(&line.from), sanitize(&line.text))
}

fn status_page(out: &mut Vec<String>, before: &[StatusEntry], now: &[StatusEntry]) {
    let same =
        |a: &StatusEntry, b: &StatusEntry| (a.turn, a.second, a.state, &a.text) == (b.turn, b.second, b.state, &b.text);
    let k = overlap(before, now, same);
    for (i, (was, is)) in before[before.len() - k..].iter().zip(now).enumerate() {
        if let Some(stars) = is.rating
            && was.rating != is.rating
        {
            out.push(format!("[status page] update {} rated {stars}/5", i + 1));
        }
    }
    for (i, entry) in now.iter().enumerate().skip(k) {
        out.push(format!("[status page] {}: {}", capitalized(entry.state.as_str()), sanitize(&entry.text)));
        if let Some(stars) = entry.rating {
            out.push(format!("[status page] update {} rated {stars}/5", i + 1));
        }
    }
}

fn board_news(out: &mut Vec<String>, before: Option<&Board>, now: Option<&Board>) {
    let Some(now) = now else { return };
    if now.severity != before.and_then(|b| b.severity)
        && let Some(s) = now.severity
    {
        out.push(format!("[severity] set to {}", severity(s)));
    }
    for event in fresh(before.map_or(&[][..], |b| &b.timeline), &now.timeline) {
        if let Public::Alert { title, firing } = &event.what {
            let what = if *firing { "FIRING" } else { "resolved" };
            out.push(format!("[alert] {what}: {}", sanitize(title)));
        }
    }
}

fn findings_news(out: &mut Vec<String>, before: Option<&Findings>, now: Option<&Findings>) {
    let Some(now) = now else { return };
    for clue in fresh(before.map_or(&[][..], |b| &b.clues), &now.clues) {
        out.push(format!("[clue] {}", sanitize(&clue.text)));
    }
    for hint in fresh(before.map_or(&[][..], |b| &b.hints), &now.hints) {
        out.push(format!("[hint {}/3] {}", hint.tier, sanitize(&hint.text)));
    }
    if now.declared != before.and_then(|b| b.declared.clone())
        && let Some(option) = &now.declared
    {
        out.push(format!("[root cause] declared {}", sanitize(option)));
    }
}

/// The customer's own: their brief and mishap cards at first, their portal when it changes.
fn customer_news(out: &mut Vec<String>, before: Option<&Panel>, now: &Panel) {
    let Panel::Customer(now) = now else { return };
    let before = match before {
        Some(Panel::Customer(b)) => Some(b),
        _ => None,
    };
    if before.is_none() {
        out.push(format!("[brief] {}", sanitize_block(now.brief.trim_end())));
        for secret in &now.secrets {
            out.push(format!("[secret] {}", sanitize(secret)));
        }
        for card in &now.mishaps {
            out.push(format!("[mishap card] {}: {}", sanitize(&card.id), sanitize(&card.say)));
        }
    }
    for endpoint in &now.portal {
        let was = before.and_then(|b| b.portal.iter().find(|e| e.name == endpoint.name));
        let rounded = |e: &crate::game::view::PortalEndpoint| e.success_percent.map(|p| p.round() as i64);
        if was.is_some_and(|w| rounded(w) == rounded(endpoint) && w.failure == endpoint.failure) {
            continue;
        }
        let Some(percent) = endpoint.success_percent else { continue };
        let mut text = format!(
            "[portal] {} ({}): {percent:.0}% of requests work",
            sanitize(&endpoint.name),
            sanitize(&endpoint.url)
        );
        if let Some(ms) = endpoint.latency_ms {
            let _ = write!(text, ", {ms} ms");
        }
        if let Some(failure) = &endpoint.failure {
            let _ = write!(text, "; users see: {}", sanitize(failure));
        }
        out.push(text);
    }
}

fn console(panel: Option<&Panel>) -> &[ConsoleEntry] {
    match panel {
        Some(Panel::Troubleshooter(p)) => &p.console,
        Some(Panel::GameMaster(p)) => &p.console,
        _ => &[],
    }
}

fn team_chat(panel: Option<&Panel>) -> &[ChatLine] {
    match panel {
        Some(Panel::Troubleshooter(p)) => &p.team_chat,
        Some(Panel::Liaison(p)) => &p.team_chat,
        Some(Panel::GameMaster(p)) => &p.team_chat,
        _ => &[],
    }
}

fn customer_chat(panel: Option<&Panel>) -> &[ChatLine] {
    match panel {
        Some(Panel::Customer(p)) => &p.chat,
        Some(Panel::Liaison(p)) => &p.customer_chat,
        Some(Panel::GameMaster(p)) => &p.customer_chat,
        _ => &[],
    }
}

pub(super) fn board(panel: &Panel) -> Option<&Board> {
    match panel {
        Panel::Troubleshooter(p) => Some(&p.board),
        Panel::Liaison(p) => Some(&p.board),
        Panel::GameMaster(p) => Some(&p.board),
        Panel::Spectator(b) => Some(b),
        Panel::Customer(_) => None,
    }
}

fn status(panel: Option<&Panel>) -> &[StatusEntry] {
    match panel {
        Some(Panel::Customer(p)) => &p.status_page,
        Some(p) => board(p).map_or(&[], |b| &b.status_page),
        None => &[],
    }
}

pub(super) fn findings(panel: &Panel) -> Option<&Findings> {
    match panel {
        Panel::Troubleshooter(p) => Some(&p.findings),
        Panel::Liaison(p) => Some(&p.findings),
        _ => None,
    }
}

pub(super) fn hold_off(panel: &Panel) -> Option<HoldOff> {
    match panel {
        Panel::Liaison(p) => Some(p.hold_off),
        Panel::Customer(p) => Some(p.hold_off),
        Panel::GameMaster(p) => Some(p.customer.hold_off),
        _ => None,
    }
}

pub(super) fn mood(panel: &Panel) -> Option<u32> {
    match panel {
        Panel::Liaison(p) => Some(p.mood),
        Panel::GameMaster(p) => Some(p.customer.mood),
        _ => None,
    }
}

pub(super) fn hold_off_text(hold_off: HoldOff) -> Option<&'static str> {
    match hold_off {
        HoldOff::NotAsked => None,
        HoldOff::Asked => Some("[hold-off] asked the customer to hold off changes"),
        HoldOff::Accepted => Some("[hold-off] the customer agreed to hold off changes"),
        HoldOff::Refused => Some("[hold-off] the customer refused to hold off changes"),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub(super) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "SEV1",
        Severity::Sev2 => "SEV2",
        Severity::Sev3 => "SEV3",
        Severity::Sev4 => "SEV4",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::view::for_seat;
    use crate::game::{Action, Game, IncidentState};
    use crate::scenario;

    fn game() -> Game {
        let scenario = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
        let mut g = Game::new(scenario, 1).expect("builds");
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Troubleshooter(0), "Tam");
        g.seat(Seat::Troubleshooter(1), "Kim");
        g.seat(Seat::GameMaster, "Gia");
        g.start();
        g
    }

    const TAM: Seat = Seat::Troubleshooter(0);

    #[test]
    fn the_first_view_tells_everything_then_only_what_is_new() {
        let mut g = game();
        let mut news = News::default();
        let first = news.view(for_seat(&g, TAM)).join("\n");
        assert!(first.starts_with("== Friday afternoon release ==\n"), "{first}");
        assert!(first.contains("You are Tam, the troubleshooter 1."), "{first}");
        assert!(first.contains("[alert] FIRING: Storefront error rate above 5%"), "{first}");
        assert!(news.view(for_seat(&g, TAM)).is_empty(), "nothing new, nothing printed");

        g.act(TAM, &Action::Command("get pods -n shop".into())).expect("ok");
        g.act(Seat::Troubleshooter(1), &Action::Command("kubectl get ns".into())).expect("ok");
        g.act(Seat::Liaison, &Action::TeamChat("it broke at \u{1b}[2J08:52\nfake: line".into())).expect("ok");
        g.act(Seat::Liaison, &Action::StatusUpdate { state: IncidentState::Investigating, text: "Looking.".into() })
            .expect("ok");
        let lines = news.view(for_seat(&g, TAM));
        assert!(lines[0].starts_with("$ kubectl get pods -n shop\nNAME "), "{lines:?}");
        assert!(lines[1].starts_with("[troubleshooter 2] $ kubectl get ns\nNAME"), "{lines:?}");
        assert_eq!(lines[2], "[team] Lee: it broke at [2J08:52 fake: line");
        assert_eq!(lines[3], "[status page] Investigating: Looking.");
        assert_eq!(lines.len(), 4, "{lines:?}");
    }

    #[test]
    fn turns_the_end_and_the_grade_are_told() {
        let mut g = game();
        let mut news = News::default();
        news.view(for_seat(&g, Seat::Liaison));
        for seat in [Seat::Liaison, TAM, Seat::Troubleshooter(1)] {
            g.act(seat, &Action::EndTurn).expect("ok");
        }
        let lines = news.view(for_seat(&g, Seat::Liaison));
        assert_eq!(lines[0], "-- turn 1, incident time +2m00s --", "{lines:?}");
        g.act(Seat::GameMaster, &Action::EndGame).expect("ok");
        let text = news.view(for_seat(&g, Seat::Liaison)).join("\n");
        assert!(text.contains("== STOPPED at turn 1 by the game master. =="), "{text}");
        assert!(text.contains("\nOutcome: STOPPED at turn 1"), "{text}");
        assert!(text.contains("\nGrade "), "{text}");
        assert!(news.ended());
    }

    #[test]
    fn the_customer_sees_their_brief_portal_and_chat() {
        let scenario = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
        let mut g = Game::new(scenario, 1).expect("builds");
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Customer(0), "Cory");
        g.start();
        let mut news = News::default();
        let text = news.view(for_seat(&g, Seat::Customer(0))).join("\n");
        assert!(text.contains("[brief] "), "{text}");
        assert!(text.contains("[portal] "), "{text}");
        g.act(Seat::Liaison, &Action::CustomerChat("Hello Cory".into())).expect("ok");
        g.act(Seat::Liaison, &Action::AskHoldOff).expect("ok");
        let lines = news.view(for_seat(&g, Seat::Customer(0)));
        assert_eq!(lines, ["[customer] Lee: Hello Cory", "[hold-off] asked the customer to hold off changes"]);
    }

    #[test]
    fn lists_trimmed_at_the_front_still_show_only_what_is_new() {
        let line = |text: &str| ChatLine { turn: 0, second: 0, from: "Lee".into(), text: text.into() };
        let before = [line("a"), line("b"), line("c")];
        assert_eq!(fresh(&before, &[line("a"), line("b"), line("c"), line("d")]), [line("d")]);
        assert_eq!(fresh(&before, &[line("c"), line("d"), line("e")]), [line("d"), line("e")]);
        assert_eq!(fresh(&before, &[line("d")]), [line("d")], "nothing in common: all new");
        assert!(fresh(&before, &[line("b"), line("c")]).is_empty(), "only trimmed");
        assert_eq!(fresh(&[line("x"), line("x")], &[line("x"), line("x"), line("x")]), [line("x")]);
        assert_eq!(fresh(&[], &[line("a")]), [line("a")]);

        let entry = |text: &str, rating| StatusEntry {
            turn: 1,
            second: 60,
            state: crate::game::IncidentState::Identified,
            text: text.into(),
            rating,
        };
        let mut out = Vec::new();
        status_page(
            &mut out,
            &[entry("one", None), entry("two", None)],
            &[entry("two", Some(4)), entry("three", None)],
        );
        assert_eq!(out, ["[status page] update 1 rated 4/5", "[status page] Identified: three"]);
    }

    #[test]
    fn hostile_numbers_are_printed_without_a_panic() {
        let scenario = scenario::builtin(scenario::DEFAULT_ID).expect("exists").expect("parses");
        let mut g = Game::new(scenario, 1).expect("builds");
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Customer(0), "Cory");
        g.start();
        for seat in [Seat::Customer(0), Seat::Liaison] {
            let mut news = News::default();
            let mut view = for_seat(&g, seat);
            view.second = i64::MIN;
            view.turn = u32::MAX;
            match &mut view.panel {
                Panel::Customer(p) => {
                    for e in &mut p.portal {
                        e.success_percent = Some(f64::NAN);
                    }
                }
                Panel::Liaison(p) => p.board.budget_left = f64::INFINITY,
                _ => {}
            }
            let text = news.view(view).join("\n");
            assert!(text.contains("-- turn 4294967295, incident time -"), "{text}");
            let status = super::super::headless::status(news.view_now(), None);
            assert!(status.starts_with("Turn 4294967295/"), "{status}");
        }
    }

    #[test]
    fn lobby_changes_are_brief() {
        let player = |name: &str, seat, ready| LobbyPlayer { seat, name: name.into(), ready, connected: true };
        let mut lobby = LobbyView {
            code: "K7QF-M2XD".into(),
            title: "Release".into(),
            summary: "Errors.".into(),
            players: vec![player("Ana", Seat::Liaison, false)],
            limits: vec![(RoleWish::Liaison, 1), (RoleWish::Troubleshooter, 3)],
            chat: vec![],
            npc_customer: true,
        };
        let mut news = News::default();
        let first = news.lobby(lobby.clone());
        assert_eq!(first[0], "== lobby K7QF-M2XD: Release ==");
        assert_eq!(first[3], "[lobby] players: Ana (liaison)");
        lobby.players.push(player("Bo\u{202e}", TAM, true));
        lobby.chat.push(ChatLine { turn: 0, second: 0, from: "Bo".into(), text: "hi".into() });
        assert_eq!(
            news.lobby(lobby.clone()),
            ["[lobby] players: Ana (liaison), Bo (troubleshooter 1, ready)", "[lobby] Bo: hi"]
        );
        assert!(news.lobby(lobby).is_empty());
    }
}
