//! The line-mode vocabulary: what a typed line asks for, given the seat it is typed at. A line is
//! a kubectl command for a troubleshooter (or the game master), team chat for the liaison and a
//! reply to the liaison for the customer, unless it starts with `/`. Pure.

use std::fmt::Write as _;

use crate::game::breaking::BreakRequest;
use crate::game::text::sanitize;
use crate::game::{Action, Declaration, FailureClass, IncidentState, ObjectRef, Seat, Severity};
use crate::net::seat::LobbyRequest;

pub const HELP: &str =
    "A line is a kubectl command (troubleshooter, game master), team chat (liaison) or a reply to the
liaison (customer), unless it starts with /:
  /say TEXT                    write to the team chat
  /tell TEXT                   write to the customer (liaison, game master)
  /reply TEXT                  write to the liaison (customer)
  /update STATE TEXT           post a status update: investigating|identified|monitoring|resolved
  /hold                        ask the customer to hold off changes
  /severity 1-4                set the incident's severity
  /declare KIND/NS/NAME[,...] CLASS [by WHO]
                               declare the root cause: the broken object(s), the failure class
                               and who changed it; /declare alone lists the classes
  /hint                        ask for a hint (it costs points in the score)
  /findings                    what your side of the team found, numbered, with where from
  /share N                     pass finding N to the rest of the team (liaison, troubleshooters)
  /end                         end your turn
  /ready [no]                  in the lobby: ready to start (or not)
  /start                       start the game (the game master, or the room's creator)
  /lobby TEXT                  write to the lobby chat
  /cards                       break phase: the cards the budget affords, their cost and
                               targets on this baseline (customer, `kombat host --break`)
  /pick CARD [TARGET]          break phase: play a card on a target (default: its first valid one)
  /drop CARD                   break phase: take a card back
  /budget                      break phase: the budget left, the picks and the proof's verdict
  /prove                       break phase: compose the picks and prove the incident fair; the
                               game starts only on a proven break
  /rate N STARS                rate status update N with 1-5 stars (customer)
  /accept, /refuse             answer a request to hold off changes (customer)
  /mishap ID                   cause a mishap from your cards (customer)
  /pause, /resume              pause or resume the game (game master)
  /inject ID                   fire an inject (game master)
  /inject-text TEXT            send every seat an inject of your own words (game master)
  /grant [TIER]                give the team the next hint, or the hint of tier 1-3 (game master)
  /skip                        end the current turn now, for everyone (game master)
  /timer +SECS|SECS|off        the turn timer: give this turn SECS more, set it to SECS a
                               turn (5-3600, starting now) or turn it off (game master)
  /as-customer TEXT            speak as the customer (game master)
  /kick SEAT                   remove a player, e.g. /kick troubleshooter 2 (game master)
  /move SEAT to SEAT           move a player, or swap two, e.g. /move liaison to troubleshooter 2
                               (game master; in the lobby or during the game)
  /again [next]                after the game: play again in this room, the same scenario or the
                               next one, with everyone in their seats (game master)
  /endgame                     end the game (game master)
  /status                      turn, clock, budget, alerts, points, what was found
  /help                        this text
  /quit                        leave";

/// The solo player's vocabulary: two seats, one line.
pub const SOLO_HELP: &str =
    "A line is a kubectl command, run as the troubleshooter (the `kubectl` prefix is optional), or:
  /as liaison|troubleshooter   who speaks in /say, /declare and /hint (default: liaison)
  /say TEXT                    write to the team chat
  /tell TEXT                   write to the customer (as the liaison)
  /update STATE TEXT           post a status update: investigating|identified|monitoring|resolved
  /hold                        ask the customer to hold off changes
  /severity 1-4                set the incident's severity
  /declare KIND/NS/NAME[,...] CLASS [by WHO]
                               declare the root cause: the broken object(s), the failure class
                               and who changed it; /declare alone lists the classes
  /hint                        ask for a hint (it costs points in the score)
  /findings                    what was found, numbered, with where from
  /end                         end the turn for both seats
  /wait [N]                    end N turns (default 1)
  /status                      turn, clock, budget, alerts, the customer, points, what was found
  /score                       the score, once the incident is over
  /help                        this text
  /quit                        leave";

/// What a line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    Act(Action),
    Send(LobbyRequest),
    Help,
    Status,
    Score,
    /// Who speaks in `/say`, `/declare` and `/hint`, by role name (a solo player holds two).
    As(String),
    /// End this many turns.
    Wait(u32),
    /// How to declare: the usage, the failure classes (and the options at easy difficulty).
    Options,
    /// The seat's findings, numbered as `/share N` names them.
    Findings,
    /// The break phase's card table: with the hand (`/cards`) or without (`/budget`).
    BreakTable {
        hand: bool,
    },
    Quit,
    /// The line is wrong; this says how it should be.
    Usage(String),
}

/// Why the game may not start yet, in line mode's terms (the server names no commands).
pub fn not_yet_words(reason: crate::game::breaking::NotYet) -> &'static str {
    match reason {
        crate::game::breaking::NotYet::Unproven => {
            "the customer team's break is not proven fair yet: /pick cards, then /prove"
        }
    }
}

/// What a line means for a player at `seat`; none for a blank line or a `#` comment.
pub fn parse(raw: &str, seat: Seat) -> Option<Intent> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    if !line.starts_with('/') {
        return Some(match seat {
            Seat::Troubleshooter(_) | Seat::GameMaster => Intent::Act(Action::Command(line.to_owned())),
            Seat::Liaison => Intent::Act(Action::TeamChat(line.to_owned())),
            Seat::Customer(_) => Intent::Act(Action::Reply(line.to_owned())),
            Seat::Spectator(_) => Intent::Usage("a spectator watches; /help lists the commands".to_owned()),
        });
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let text = |usage: &str, make: fn(String) -> Action| {
        if rest.is_empty() { Intent::Usage(format!("usage: {usage}")) } else { Intent::Act(make(rest.to_owned())) }
    };
    Some(match word {
        "/say" => text("/say TEXT", Action::TeamChat),
        "/tell" => text("/tell TEXT", Action::CustomerChat),
        "/reply" => text("/reply TEXT", Action::Reply),
        "/as-customer" => text("/as-customer TEXT", Action::SpeakAsCustomer),
        "/mishap" => text("/mishap ID", Action::CauseMishap),
        "/inject" => text("/inject ID", Action::FireInject),
        "/inject-text" => text("/inject-text TEXT", Action::InjectMessage),
        "/declare" if rest.is_empty() => Intent::Options,
        "/declare" => declare(rest),
        "/update" => {
            let (state, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            match IncidentState::parse(state) {
                Some(state) => Intent::Act(Action::StatusUpdate { state, text: text.trim().to_owned() }),
                None => Intent::Usage("usage: /update investigating|identified|monitoring|resolved TEXT".to_owned()),
            }
        }
        "/hold" => Intent::Act(Action::AskHoldOff),
        "/severity" | "/sev" => match rest.trim_start_matches(['s', 'S', 'e', 'E', 'v', 'V']) {
            "1" => Intent::Act(Action::SetSeverity(Severity::Sev1)),
            "2" => Intent::Act(Action::SetSeverity(Severity::Sev2)),
            "3" => Intent::Act(Action::SetSeverity(Severity::Sev3)),
            "4" => Intent::Act(Action::SetSeverity(Severity::Sev4)),
            _ => Intent::Usage("usage: /severity 1|2|3|4".to_owned()),
        },
        "/hint" => Intent::Act(Action::RequestHint),
        "/findings" => Intent::Findings,
        "/share" => match rest.parse::<usize>() {
            Ok(n) if n >= 1 => Intent::Act(Action::ShareFinding(n - 1)),
            _ => Intent::Usage("usage: /share N   (finding N of /findings)".to_owned()),
        },
        "/end" => Intent::Act(Action::EndTurn),
        "/rate" => {
            let mut words = rest.split_whitespace();
            let update = words.next().and_then(|n| n.parse::<usize>().ok()).filter(|n| *n >= 1);
            let stars = words.next().and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=5).contains(n));
            match (update, stars, words.next()) {
                (Some(update), Some(stars), None) => Intent::Act(Action::RateUpdate { update: update - 1, stars }),
                _ => Intent::Usage("usage: /rate N STARS   (status update N, 1 to 5 stars)".to_owned()),
            }
        }
        "/accept" => Intent::Act(Action::AnswerHoldOff { accept: true }),
        "/refuse" => Intent::Act(Action::AnswerHoldOff { accept: false }),
        "/pause" => Intent::Act(Action::Pause),
        "/resume" => Intent::Act(Action::Resume),
        "/grant" if rest.is_empty() => Intent::Act(Action::GrantHint),
        "/grant" => match rest.parse::<u8>() {
            Ok(tier) => Intent::Act(Action::GrantHintTier(tier)),
            Err(_) => Intent::Usage("usage: /grant [TIER]   (the next hint, or the hint of tier 1, 2 or 3)".to_owned()),
        },
        "/skip" => Intent::Act(Action::SkipTurn),
        "/timer" => timer(rest),
        "/endgame" => Intent::Act(Action::EndGame),
        "/ready" => match rest {
            "" | "yes" | "on" => Intent::Send(LobbyRequest::Ready(true)),
            "no" | "off" => Intent::Send(LobbyRequest::Ready(false)),
            _ => Intent::Usage("usage: /ready [no]".to_owned()),
        },
        "/start" => Intent::Send(LobbyRequest::Start),
        "/cards" => Intent::BreakTable { hand: true },
        "/budget" => Intent::BreakTable { hand: false },
        "/prove" => Intent::Send(LobbyRequest::Break(BreakRequest::Prove)),
        "/drop" => match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
            [card] => Intent::Send(LobbyRequest::Break(BreakRequest::Drop((*card).to_owned()))),
            _ => Intent::Usage("usage: /drop CARD".to_owned()),
        },
        "/pick" => match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
            [card] => Intent::Send(LobbyRequest::Break(BreakRequest::Pick { card: (*card).to_owned(), target: None })),
            [card, target] => Intent::Send(LobbyRequest::Break(BreakRequest::Pick {
                card: (*card).to_owned(),
                target: Some((*target).to_owned()),
            })),
            _ => Intent::Usage("usage: /pick CARD [KIND/NAMESPACE/NAME]   (/cards lists them)".to_owned()),
        },
        "/lobby" if rest.is_empty() => Intent::Usage("usage: /lobby TEXT".to_owned()),
        "/lobby" => Intent::Send(LobbyRequest::Chat(rest.to_owned())),
        "/kick" => match parse_seat(rest) {
            Some(seat) => Intent::Send(LobbyRequest::Kick(seat)),
            None => Intent::Usage(
                "usage: /kick SEAT   (liaison, troubleshooter N, customer N, game-master, spectator N)".to_owned(),
            ),
        },
        "/move" => match rest.split_once(" to ").map(|(a, b)| (parse_seat(a), parse_seat(b))) {
            Some((Some(from), Some(to))) => Intent::Send(LobbyRequest::Move { from, to }),
            _ => Intent::Usage("usage: /move SEAT to SEAT   (e.g. /move liaison to troubleshooter 2)".to_owned()),
        },
        "/again" => match rest {
            "" => Intent::Send(LobbyRequest::PlayAgain { next: false }),
            "next" => Intent::Send(LobbyRequest::PlayAgain { next: true }),
            _ => Intent::Usage("usage: /again [next]".to_owned()),
        },
        "/status" => Intent::Status,
        "/score" => Intent::Score,
        "/as" => Intent::As(rest.to_owned()),
        "/wait" => match rest.parse::<u32>() {
            _ if rest.is_empty() => Intent::Wait(1),
            Ok(n) if (1..=1000).contains(&n) => Intent::Wait(n),
            _ => Intent::Usage("usage: /wait [N]   (N turns, 1 to 1000)".to_owned()),
        },
        "/help" => Intent::Help,
        "/quit" | "/exit" => Intent::Quit,
        _ => Intent::Usage(format!("unknown command {}; try /help", sanitize(word))),
    })
}

/// What `/timer` says when it cannot read the line.
pub const TIMER_USAGE: &str =
    "usage: /timer +SECS | SECS | off   (give this turn SECS more; set SECS a turn, 5 to 3600; turn it off)";

/// `/timer +SECS` extends the current turn, `/timer SECS` sets the timer, `/timer off` stops
/// it. Only the shape is checked here; the rules check the range.
fn timer(rest: &str) -> Intent {
    if rest.eq_ignore_ascii_case("off") {
        return Intent::Act(Action::SetTurnTimer(None));
    }
    let seconds = |text: &str| text.trim().trim_end_matches('s').parse::<u32>().ok();
    match rest.strip_prefix('+') {
        Some(more) => {
            seconds(more).map_or_else(|| Intent::Usage(TIMER_USAGE.to_owned()), |s| Intent::Act(Action::ExtendTurn(s)))
        }
        None => seconds(rest)
            .map_or_else(|| Intent::Usage(TIMER_USAGE.to_owned()), |s| Intent::Act(Action::SetTurnTimer(Some(s)))),
    }
}

/// What `/declare` says when it cannot read the line.
pub const DECLARE_USAGE: &str = "usage: /declare KIND/NAMESPACE/NAME[,KIND/NAMESPACE/NAME] CLASS [by WHO]";

/// `/declare OBJECTS CLASS [by WHO]`, or `/declare OPTION` for the multiple choice of easy
/// difficulty. Only the shape is checked here; the game judges the content and does not say.
fn declare(rest: &str) -> Intent {
    let mut words = rest.split_whitespace();
    let first = words.next().unwrap_or_default();
    let Some(class_word) = words.next() else {
        // One word: a multiple-choice option, unless it was meant as a declaration.
        if first.contains('/') || FailureClass::parse(first).is_some() {
            return Intent::Usage(format!(
                "{DECLARE_USAGE}   (name the objects and the class; /declare lists the classes)"
            ));
        }
        return Intent::Act(Action::DeclareRootCause(first.to_owned()));
    };
    let mut objects = Vec::new();
    for text in first.split(',').filter(|t| !t.trim().is_empty()) {
        match ObjectRef::parse(text) {
            Ok(object) => objects.push(object),
            Err(e) => return Intent::Usage(format!("{}; {DECLARE_USAGE}", sanitize(&e.to_string()))),
        }
    }
    let Some(class) = FailureClass::parse(class_word) else {
        return Intent::Usage(format!(
            "unknown failure class {}; /declare alone lists the classes",
            sanitize(class_word)
        ));
    };
    let changed_by = match words.next() {
        None => None,
        Some(by) if by.eq_ignore_ascii_case("by") => {
            let who = words.collect::<Vec<_>>().join(" ");
            if who.is_empty() {
                return Intent::Usage(format!("who changed it? {DECLARE_USAGE}"));
            }
            Some(who)
        }
        Some(_) => return Intent::Usage(DECLARE_USAGE.to_owned()),
    };
    Intent::Act(Action::DeclareCause(Declaration { objects, class, changed_by }))
}

/// `/declare` alone: how to declare and the failure classes.
pub fn declare_help() -> String {
    let mut out = format!("{DECLARE_USAGE}\nFailure classes:");
    let width = FailureClass::ALL.iter().map(|c| c.cli_name().len()).max().unwrap_or(0);
    for class in FailureClass::ALL {
        let _ = write!(out, "\n  {:<width$}  {}", class.cli_name(), class.label());
    }
    out.push_str("\nExample: /declare deployment/shop/web wrong-image by the CI pipeline");
    out
}

/// A seat as its label reads (`troubleshooter 2`, `customer`, `spectator 3`), numbered from 1.
pub fn parse_seat(text: &str) -> Option<Seat> {
    let text = text.trim().to_ascii_lowercase();
    let split = text.find(|c: char| c.is_ascii_digit()).unwrap_or(text.len());
    let (word, number) = text.split_at(split);
    let number = if number.is_empty() { 1 } else { number.trim().parse::<u16>().ok()? };
    let index = number.checked_sub(1)?;
    let small = || u8::try_from(index).ok();
    match word.trim().replace(['-', '_', ' '], "").as_str() {
        "liaison" if number == 1 => Some(Seat::Liaison),
        "gamemaster" | "gm" if number == 1 => Some(Seat::GameMaster),
        "troubleshooter" | "ts" => small().map(Seat::Troubleshooter),
        "customer" => small().map(Seat::Customer),
        "spectator" => Some(Seat::Spectator(index)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: Seat = Seat::Troubleshooter(0);

    #[test]
    fn lines_become_actions_for_the_seat() {
        assert_eq!(parse("  ", TS), None);
        assert_eq!(parse("# a comment", TS), None);
        assert_eq!(parse("get pods -n shop", TS), Some(Intent::Act(Action::Command("get pods -n shop".into()))));
        assert_eq!(parse("hello", Seat::Liaison), Some(Intent::Act(Action::TeamChat("hello".into()))));
        assert_eq!(parse("hello", Seat::Customer(0)), Some(Intent::Act(Action::Reply("hello".into()))));
        assert!(matches!(parse("hello", Seat::Spectator(0)), Some(Intent::Usage(_))));
        assert_eq!(parse("/tell Hi Dana", Seat::Liaison), Some(Intent::Act(Action::CustomerChat("Hi Dana".into()))));
        assert_eq!(
            parse("/update identified Found it.", Seat::Liaison),
            Some(Intent::Act(Action::StatusUpdate { state: IncidentState::Identified, text: "Found it.".into() }))
        );
        assert_eq!(parse("/severity sev2", TS), Some(Intent::Act(Action::SetSeverity(Severity::Sev2))));
        assert_eq!(parse("/declare", TS), Some(Intent::Options));
        assert_eq!(parse("/share 2", Seat::Liaison), Some(Intent::Act(Action::ShareFinding(1))));
        assert!(matches!(parse("/share 0", Seat::Liaison), Some(Intent::Usage(_))));
        assert!(matches!(parse("/share x", Seat::Liaison), Some(Intent::Usage(_))));
        assert_eq!(parse("/findings", TS), Some(Intent::Findings));
        assert_eq!(
            parse("/move liaison to troubleshooter 2", Seat::GameMaster),
            Some(Intent::Send(LobbyRequest::Move { from: Seat::Liaison, to: Seat::Troubleshooter(1) }))
        );
        assert!(matches!(parse("/move liaison", Seat::GameMaster), Some(Intent::Usage(_))));
        assert!(matches!(parse("/move nobody to liaison", Seat::GameMaster), Some(Intent::Usage(_))));
        assert_eq!(parse("/again", Seat::GameMaster), Some(Intent::Send(LobbyRequest::PlayAgain { next: false })));
        assert_eq!(parse("/again next", Seat::GameMaster), Some(Intent::Send(LobbyRequest::PlayAgain { next: true })));
        assert!(matches!(parse("/again later", Seat::GameMaster), Some(Intent::Usage(_))));
        assert_eq!(parse("/declare typo", TS), Some(Intent::Act(Action::DeclareRootCause("typo".into()))));
        assert_eq!(
            parse("/rate 1 4", Seat::Customer(0)),
            Some(Intent::Act(Action::RateUpdate { update: 0, stars: 4 }))
        );
        assert!(matches!(parse("/rate 0 4", Seat::Customer(0)), Some(Intent::Usage(_))));
        assert!(matches!(parse("/rate 1 6", Seat::Customer(0)), Some(Intent::Usage(_))));
        let pick = |card: &str, target: Option<&str>| {
            Some(Intent::Send(LobbyRequest::Break(BreakRequest::Pick {
                card: card.into(),
                target: target.map(Into::into),
            })))
        };
        let customer = Seat::Customer(0);
        assert_eq!(parse("/pick scaled-to-zero", customer), pick("scaled-to-zero", None));
        assert_eq!(parse("/pick a deployment/shop/web", customer), pick("a", Some("deployment/shop/web")));
        assert!(matches!(parse("/pick", customer), Some(Intent::Usage(_))));
        assert!(matches!(parse("/pick a b c", customer), Some(Intent::Usage(_))));
        assert_eq!(parse("/drop a", customer), Some(Intent::Send(LobbyRequest::Break(BreakRequest::Drop("a".into())))));
        assert_eq!(parse("/prove", customer), Some(Intent::Send(LobbyRequest::Break(BreakRequest::Prove))));
        assert_eq!(parse("/cards", customer), Some(Intent::BreakTable { hand: true }));
        assert_eq!(parse("/budget", customer), Some(Intent::BreakTable { hand: false }));
        assert_eq!(parse("/ready", TS), Some(Intent::Send(LobbyRequest::Ready(true))));
        assert_eq!(parse("/ready no", TS), Some(Intent::Send(LobbyRequest::Ready(false))));
        assert_eq!(parse("/lobby hi", TS), Some(Intent::Send(LobbyRequest::Chat("hi".into()))));
        assert_eq!(
            parse("/kick troubleshooter 2", Seat::GameMaster),
            Some(Intent::Send(LobbyRequest::Kick(Seat::Troubleshooter(1))))
        );
        assert_eq!(parse("/endgame", Seat::GameMaster), Some(Intent::Act(Action::EndGame)));
        assert_eq!(parse("/skip", Seat::GameMaster), Some(Intent::Act(Action::SkipTurn)));
        assert_eq!(parse("/grant", Seat::GameMaster), Some(Intent::Act(Action::GrantHint)));
        assert_eq!(parse("/grant 3", Seat::GameMaster), Some(Intent::Act(Action::GrantHintTier(3))));
        assert!(matches!(parse("/grant three", Seat::GameMaster), Some(Intent::Usage(_))));
        assert_eq!(
            parse("/inject-text The CEO is on the call now", Seat::GameMaster),
            Some(Intent::Act(Action::InjectMessage("The CEO is on the call now".into())))
        );
        assert!(matches!(parse("/inject-text", Seat::GameMaster), Some(Intent::Usage(_))));
        assert_eq!(parse("/accept", Seat::Customer(0)), Some(Intent::Act(Action::AnswerHoldOff { accept: true })));
        assert_eq!(parse("/quit", TS), Some(Intent::Quit));
        assert!(matches!(parse("/say", TS), Some(Intent::Usage(u)) if u == "usage: /say TEXT"));
        assert!(
            matches!(parse("/frob\u{1b}[2J", TS), Some(Intent::Usage(u)) if u == "unknown command /frob[2J; try /help")
        );
    }

    #[test]
    fn the_timer_extends_sets_or_stops() {
        let gm = Seat::GameMaster;
        assert_eq!(parse("/timer +30", gm), Some(Intent::Act(Action::ExtendTurn(30))));
        assert_eq!(parse("/timer +45s", gm), Some(Intent::Act(Action::ExtendTurn(45))));
        assert_eq!(parse("/timer 90", gm), Some(Intent::Act(Action::SetTurnTimer(Some(90)))));
        assert_eq!(parse("/timer OFF", gm), Some(Intent::Act(Action::SetTurnTimer(None))));
        for line in ["/timer", "/timer +", "/timer soon", "/timer -5", "/timer +x", "/timer 99999999999"] {
            assert_eq!(parse(line, gm), Some(Intent::Usage(TIMER_USAGE.to_owned())), "{line}");
        }
    }

    #[test]
    fn seats_read_as_their_labels() {
        assert_eq!(parse_seat("liaison"), Some(Seat::Liaison));
        assert_eq!(parse_seat("troubleshooter 2"), Some(Seat::Troubleshooter(1)));
        assert_eq!(parse_seat("ts1"), Some(Seat::Troubleshooter(0)));
        assert_eq!(parse_seat("troubleshooter"), Some(Seat::Troubleshooter(0)));
        assert_eq!(parse_seat("customer"), Some(Seat::Customer(0)));
        assert_eq!(parse_seat("game-master"), Some(Seat::GameMaster));
        assert_eq!(parse_seat("spectator 12"), Some(Seat::Spectator(11)));
        assert_eq!(parse_seat("troubleshooter 0"), None);
        assert_eq!(parse_seat("troubleshooter 300"), None);
        assert_eq!(parse_seat("liaison 2"), None);
        assert_eq!(parse_seat("nobody"), None);
    }

    #[test]
    fn declarations_read_objects_class_and_who() {
        let Some(Intent::Act(Action::DeclareCause(d))) =
            parse("/declare deploy/shop/web,svc/shop/web wrong-image by Dana from the CI", Seat::Liaison)
        else {
            panic!("a declaration")
        };
        assert_eq!(d.objects.len(), 2);
        assert_eq!(d.objects[0].to_string(), "deployment/shop/web");
        assert_eq!(d.class, FailureClass::WrongImage);
        assert_eq!(d.changed_by.as_deref(), Some("Dana from the CI"));
        let Some(Intent::Act(Action::DeclareCause(d))) = parse("/declare node/worker-2 Scheduling", TS) else {
            panic!("a declaration")
        };
        assert_eq!((d.class, d.changed_by), (FailureClass::Scheduling, None));
    }

    #[test]
    fn malformed_declarations_say_how() {
        for line in [
            "/declare deploy/shop/web",
            "/declare dns",
            "/declare deploy/shop/web aliens",
            "/declare gizmo/shop/web dns",
            "/declare deploy/shop/web dns by",
            "/declare deploy/shop/web dns because",
            "/declare web dns",
        ] {
            assert!(matches!(parse(line, TS), Some(Intent::Usage(_))), "{line}");
        }
        let help = declare_help();
        for class in FailureClass::ALL {
            assert!(help.contains(class.cli_name()), "{class:?}");
        }
    }
}
