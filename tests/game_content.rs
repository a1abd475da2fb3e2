//! The game content of every shipped scenario holds together: every clue can be found (through the
//! console commands listed here or by asking the customer), every reveal names a defined clue,
//! exactly the real causes are marked correct, hints come in three tiers, and the story plays: a
//! team that talks to the customer and fixes the root cause wins without mishaps, while a customer
//! left alone makes things worse.

use std::collections::BTreeSet;

use kombat::game::{Action, Event, Game, IncidentState, Outcome, Phase, RuleError, Seat};
use kombat::scenario::{self, Scenario};

const SEED: u64 = 1;

/// What this test knows about each shipped scenario: console commands that show every clue with an
/// output pattern (`/wait N` lets N turns pass), and the root-cause options that are really true.
struct Known {
    id: &'static str,
    commands: &'static [&'static str],
    correct: &'static [&'static str],
}

const KNOWN: &[Known] = &[
    Known { id: "tutorial", commands: &["get deployments -n bakery"], correct: &["scaled-to-zero"] },
    Known {
        id: "first-deploy",
        commands: &["describe pod -n shop -l app=web", "rollout history deployment/web -n shop"],
        correct: &["image-tag-typo"],
    },
    Known {
        id: "config-drift",
        commands: &[
            "describe pod -n rentals -l app=booking-api",
            "get configmap booking-api-config -n rentals -o yaml",
        ],
        correct: &["renamed-key"],
    },
    Known {
        id: "memory-leak-friday",
        commands: &[
            "describe pod -n shop -l app=checkout",
            "logs deploy/checkout -n shop",
            "rollout history deployment/checkout -n shop",
            "logs deploy/report-generator -n shop",
        ],
        correct: &["unbounded-cache"],
    },
    Known {
        id: "two-problems",
        commands: &[
            "logs deploy/web -n lockers --tail=5",
            "describe svc locker-api -n lockers",
            "logs deploy/locker-api -n lockers --tail=5",
            "describe networkpolicy allow-ingress-nginx -n lockers",
            // Fixing the first cause lets the customer notice that the symptom changed.
            "patch svc locker-api -n lockers -p '{\"spec\":{\"selector\":{\"app.kubernetes.io/name\":\"locker-api\"}}}'",
            "/wait 1",
        ],
        correct: &["selector-typo", "netpol-deny"],
    },
    Known {
        id: "dns-cleanup-job",
        commands: &[
            "logs deploy/checkout -n tickets --tail=3",
            "get events -n kube-system",
            "logs deploy/cleanup -n platform-tools",
        ],
        correct: &["janitor-coredns"],
    },
    Known {
        id: "black-friday-scale",
        commands: &[
            "describe hpa web -n storefront",
            "get quota -n storefront",
            "patch hpa web -n storefront -p '{\"spec\":{\"maxReplicas\":16}}'",
            "/wait 1",
            "describe rs -n storefront -l app=web",
        ],
        correct: &["hpa-max", "pod-quota"],
    },
    Known {
        id: "library-loans",
        commands: &["describe pod -n lending -l app=loans-api", "get deployment loans-api -n lending -o yaml"],
        correct: &["missing-configmap"],
    },
    Known {
        id: "print-lab",
        commands: &[
            "rollout status deployment/orders -n pixelhaus",
            "describe pod -n pixelhaus -l app=orders",
            "get secrets -A",
        ],
        correct: &["secret-missing"],
    },
    Known {
        id: "broker-quotes",
        commands: &[
            "describe svc quote-engine -n quotes",
            "logs deploy/quote-engine -n quotes --tail=5",
            "describe pod -n quotes -l app=quote-engine",
            // Fixing the Service alone brings the quotes back while the rollout stays stuck.
            "patch svc quote-engine -n quotes -p '{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9000}]}}'",
            "/wait 1",
        ],
        correct: &["target-port"],
    },
    Known {
        id: "lorem-ipsum",
        commands: &[
            "get pods -n gazette --show-labels",
            "get endpoints gazette-web -n gazette",
            "logs deploy/frontpage-preview -n gazette",
        ],
        correct: &["stray-preview"],
    },
    Known {
        id: "course-rename",
        commands: &["describe ingress students -n registrar", "get svc -n registrar -o wide"],
        correct: &["stale-backends"],
    },
    Known {
        id: "prod-deleted",
        commands: &[
            "describe pod -n billing -l app=invoices-api",
            "get secret invoices-db-owner -n billing -o yaml",
            "describe pvc search-index -n billing",
            "describe storageclass standard",
        ],
        correct: &["secret-deleted", "no-default-sc"],
    },
    Known {
        id: "ferry-fares",
        commands: &[
            "logs deploy/booking-web -n booking --tail=3",
            "logs deploy/coredns -n kube-system",
            "get configmap coredns -n kube-system -o yaml",
        ],
        correct: &["corefile-brace"],
    },
    Known {
        id: "sticky-image",
        commands: &[
            "get pods -n clinic -l app=appointments -o jsonpath='{..image}'",
            "get mutatingwebhookconfigurations",
            "logs deploy/image-guard -n shieldwall",
            // With the guard stopped and its webhook still registered, no pod can be created.
            "scale deployment image-guard -n shieldwall --replicas=0",
            "/wait 1",
            "rollout restart deployment/appointments -n clinic",
            "/wait 1",
            "describe rs -n clinic -l app=appointments",
        ],
        correct: &["webhook-pins-image"],
    },
    Known {
        id: "appointments-portal",
        commands: &[
            "describe pod -n clinics -l app=appointments-api",
            "describe serviceaccount appointments-api -n clinics",
        ],
        correct: &["no-pull-secret"],
    },
    Known {
        id: "stop-the-presses",
        commands: &["get pods -n newsroom", "describe pod -n newsroom -l app=search"],
        correct: &["shell-wrapper"],
    },
    Known {
        id: "vanishing-trucks",
        commands: &["describe pod -n fleet -l app=tracking-api", "rollout history deployment/tracking-api -n fleet"],
        correct: &["liveness-port"],
    },
    Known {
        id: "empty-shelves",
        commands: &[
            "describe pod opac-0 -n catalogue",
            "describe svc opac -n catalogue",
            "exec opac-0 -n catalogue -- cat /opt/opac/README",
        ],
        correct: &["readiness-path"],
    },
    Known {
        id: "payday-on-hold",
        commands: &["get pods -n payroll", "describe pod -n payroll -l app=payroll-db", "get nodes"],
        correct: &["cordoned-node"],
    },
    Known {
        id: "exam-morning",
        commands: &[
            "get deploy exam-web -n exams",
            "describe rs -n exams -l app=exam-web",
            "describe quota exams-quota -n exams",
        ],
        correct: &["quota-limits"],
    },
    Known {
        id: "presale-autoscale",
        commands: &[
            "get hpa -n tickets",
            "describe hpa shop -n tickets",
            "get deploy -n kube-system",
            // Once the autoscaler can see, the presale wave runs it into the quota.
            "scale deployment metrics-server -n kube-system --replicas=1",
            "/wait 6",
            "describe rs -n tickets -l app=shop",
        ],
        correct: &["both"],
    },
    Known {
        id: "results-pending",
        commands: &[
            "describe rs -n lab -l app=portal",
            "get pods -n lab",
            "describe cronjob results-export -n lab",
            "logs -n lab job/results-export-29922250",
        ],
        correct: &["pileup"],
    },
    Known {
        id: "rack-maintenance",
        commands: &[
            "describe node worker-3",
            "describe pod -n booking -l app=booking-web",
            "ssh worker-3 -- systemctl status kubelet",
        ],
        correct: &["kubelets-stopped"],
    },
    Known {
        id: "silent-feeds",
        commands: &[
            "describe pod -n wavecast -l app=feed-server",
            "describe node pod-node-a",
            "ssh pod-node-a -- du -sh /var/log/*",
        ],
        correct: &["debug-log-filled-disks"],
    },
    Known {
        id: "new-node-pool",
        commands: &["describe pod -n spokes -l app=web", "describe node general-v2-a"],
        correct: &["batch-taint"],
    },
    Known {
        id: "exam-morning-nodes",
        commands: &[
            "describe node rsb-worker-3",
            "describe pod -n classbook -l app=portal",
            "ssh rsb-worker-3 -- ls /etc/cni/net.d",
        ],
        correct: &["cni-disabled"],
    },
    Known {
        id: "clinic-after-reboot",
        commands: &[
            "get nodes",
            "ssh clinic-node-2 -- journalctl -u kubelet",
            "ssh clinic-node-2 -- cat /etc/fstab",
            "describe pod -n clinic -l app=clinic-api",
        ],
        correct: &["swap-on", "oom"],
    },
    Known {
        id: "on-sale-frozen",
        commands: &[
            "get deploy -n tickets",
            "get pods -n kube-system",
            "ssh control-plane -- ls /etc/kubernetes/manifests-rotating",
        ],
        correct: &["manifests-parked"],
    },
    Known {
        id: "lunch-rush-rollout",
        commands: &[
            "rollout status deployment/orders-api -n forkful",
            "describe pod -n forkful -l app=orders-api",
            "logs -n forkful -l app=orders-api --tail=2",
            "get mutatingwebhookconfigurations",
        ],
        correct: &["bad-release"],
    },
    Known {
        id: "upgrade-day",
        commands: &[
            "get nodes",
            "ssh hcu-w3 -- journalctl -u kubelet",
            "describe pdb payments-api -n banking",
            "get pdb -n banking",
        ],
        correct: &["pdb", "skew"],
    },
];

fn load(id: &str) -> Scenario {
    scenario::builtin(id).expect("shipped").unwrap_or_else(|e| panic!("{e}"))
}

/// A started game with a liaison, one troubleshooter and a game master (who runs the listed
/// commands without spending action points).
fn game(s: &Scenario) -> Game {
    let mut g = Game::new(s.clone(), SEED).expect("builds");
    g.seat(Seat::Liaison, "Lee");
    g.seat(Seat::Troubleshooter(0), "Tam");
    g.seat(Seat::GameMaster, "Gil");
    g.start();
    g
}

/// Runs console lines as the game master; `/wait N` lets N turns pass.
fn run_commands(g: &mut Game, lines: &[&str]) {
    for line in lines {
        if let Some(n) = line.strip_prefix("/wait ") {
            for _ in 0..n.parse::<u32>().expect("a number") {
                g.force_turn();
            }
        } else {
            let events =
                g.act(Seat::GameMaster, &Action::Command((*line).to_owned())).expect("a game master may run commands");
            assert!(matches!(&events[0].event, Event::Command { .. }), "{line}: {events:?}");
            let out = g.console.last().expect("ran");
            assert!(out.ok, "`{line}` failed:\n{}", out.output);
        }
    }
}

fn found(events: &[kombat::game::Stamped], clue: &str) -> bool {
    events.iter().any(|s| matches!(&s.event, Event::ClueFound { id, .. } if id == clue))
}

#[test]
fn every_shipped_scenario_is_known_here() {
    let shipped: Vec<&str> = scenario::builtin_sources().map(|(id, _)| id).collect();
    let known: Vec<&str> = KNOWN.iter().map(|k| k.id).collect();
    assert_eq!(shipped, known, "list the console commands and real causes of every shipped scenario");
}

#[test]
fn every_shipped_scenario_has_a_full_game_layer() {
    for k in KNOWN {
        let s = load(k.id);
        let g = &s.game;
        let npc = &g.customer.npc;
        assert!(
            !g.customer.name.is_empty() && !g.customer.brief.is_empty() && !g.customer.secrets.is_empty(),
            "{}: customer",
            k.id
        );
        assert!(!npc.opening.is_empty() && !npc.nags.is_empty(), "{}: opening and nags", k.id);
        assert!(npc.lines.len() >= 4, "{}: the canonical question plus at least three more lines", k.id);
        assert!(!npc.mishaps.is_empty(), "{}: at least one mishap", k.id);
        assert!(!g.alerts.is_empty(), "{}: alerts", k.id);
        let pm = &g.postmortem;
        assert!(!pm.summary.is_empty() && !pm.root_cause.is_empty(), "{}: postmortem summary and root cause", k.id);
        assert!(
            !pm.contributing_factors.is_empty() && !pm.action_items.is_empty(),
            "{}: factors and action items",
            k.id
        );
        let canonical = npc.lines.iter().find(|l| l.reveals.is_some()).expect("a line reveals a clue");
        assert_eq!(
            canonical.intents.first(),
            Some(&kombat::game::format::Intent::WhatChanged),
            "{}: the canonical question",
            k.id
        );
        assert!(
            canonical.from_turn.is_none() && canonical.only_if.is_none(),
            "{}: the canonical answer is never gated",
            k.id
        );
        let wrong = g.root_causes.iter().filter(|r| !r.correct).count();
        assert!((3..=4).contains(&wrong), "{}: {wrong} plausible wrong options", k.id);
    }
    let visitors = KNOWN
        .iter()
        .filter(|k| {
            load(k.id).game.injects.iter().any(|i| matches!(i.what, kombat::game::format::InjectWhat::Visitor { .. }))
        })
        .count();
    let messages = KNOWN
        .iter()
        .filter(|k| {
            load(k.id).game.injects.iter().any(|i| matches!(i.what, kombat::game::format::InjectWhat::Message(_)))
        })
        .count();
    assert!(visitors >= 1 && messages >= 1, "visitors in {visitors} scenarios, messages in {messages}");
}

#[test]
fn every_clue_is_discoverable() {
    for k in KNOWN {
        let s = load(k.id);
        // Through the console: every clue with an output pattern shows up in real output.
        let mut g = game(&s);
        run_commands(&mut g, k.commands);
        let by_console: BTreeSet<String> = g.clues.iter().cloned().collect();
        for clue in s.game.clues.iter().filter(|c| c.output_contains.is_some()) {
            assert!(
                by_console.contains(&clue.id),
                "{}: no listed command shows clue {:?} ({:?})",
                k.id,
                clue.id,
                clue.output_contains
            );
        }
        // Through the customer: asking a line's question in plain words (at its turn, once its
        // condition holds) reveals its clue, so no earlier line swallows the question.
        let mut by_npc = BTreeSet::new();
        for line in s.game.customer.npc.lines.iter().filter(|l| l.reveals.is_some()) {
            let clue = line.reveals.clone().expect("filtered");
            let mut g = game(&s);
            if line.only_if.is_some() {
                run_commands(&mut g, k.commands);
            }
            while g.turn() < line.from_turn.unwrap_or(0) {
                g.force_turn();
            }
            assert_eq!(g.phase, Phase::Playing, "{}: the game is still on", k.id);
            let question = kombat::game::npc::question_for(line).expect("every shipped line answers an intent");
            let events = g.act(Seat::Liaison, &Action::CustomerChat(question.clone())).expect("the liaison may talk");
            assert!(found(&events, &clue), "{}: asking {question:?} should reveal {clue}: {events:?}", k.id);
            by_npc.insert(clue);
        }
        for clue in &s.game.clues {
            assert!(
                by_console.contains(&clue.id) || by_npc.contains(&clue.id),
                "{}: clue {:?} cannot be found",
                k.id,
                clue.id
            );
        }
    }
}

#[test]
fn every_reveal_names_a_defined_clue() {
    for k in KNOWN {
        let s = load(k.id);
        let clues: BTreeSet<&str> = s.game.clues.iter().map(|c| c.id.as_str()).collect();
        for line in &s.game.customer.npc.lines {
            if let Some(id) = &line.reveals {
                assert!(clues.contains(id.as_str()), "{}: {:?} reveals unknown clue {id:?}", k.id, line.say);
            }
        }
    }
}

#[test]
fn exactly_the_real_causes_are_marked_correct() {
    for k in KNOWN {
        let s = load(k.id);
        let marked: BTreeSet<&str> = s.game.root_causes.iter().filter(|r| r.correct).map(|r| r.id.as_str()).collect();
        let real: BTreeSet<&str> = k.correct.iter().copied().collect();
        assert_eq!(marked, real, "{}", k.id);
    }
}

#[test]
fn hints_come_in_tiers_one_two_three() {
    for k in KNOWN {
        let s = load(k.id);
        let tiers: Vec<u8> = s.game.hints.iter().map(|h| h.tier).collect();
        assert_eq!(tiers, vec![1, 2, 3], "{}", k.id);
        assert!(s.game.hints.iter().all(|h| !h.text.trim().is_empty()), "{}", k.id);
    }
}

#[test]
fn the_red_herring_is_not_hinted_at() {
    let s = load("memory-leak-friday");
    for h in &s.game.hints {
        let text = h.text.to_lowercase();
        assert!(
            !text.contains("report") && !text.contains("reports_bucket"),
            "tier {} points at the red herring: {}",
            h.tier,
            h.text
        );
    }
    let herring = s.game.root_causes.iter().find(|r| r.id == "report-generator").expect("offered as a wrong option");
    assert!(!herring.correct);
}

/// Ends the turn for both responders; the liaison posts an honest update first.
fn next_turn(g: &mut Game) {
    if !matches!(g.phase, Phase::Playing | Phase::Closing) {
        return;
    }
    let update = Action::StatusUpdate {
        state: IncidentState::Investigating,
        text: "We are working on the problem and will update you again shortly.".into(),
    };
    g.act(Seat::Liaison, &update).expect("update");
    g.act(Seat::Liaison, &Action::EndTurn).expect("liaison ends");
    g.act(Seat::Troubleshooter(0), &Action::EndTurn).expect("troubleshooter ends");
}

#[test]
fn a_team_that_talks_to_the_customer_wins_without_mishaps() {
    for k in KNOWN {
        let s = load(k.id);
        let mut g = Game::new(s.clone(), SEED).expect("builds");
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Troubleshooter(0), "Tam");
        g.start();
        let events = g
            .act(Seat::Liaison, &Action::CustomerChat("Hello, we're on it. What changed recently?".into()))
            .expect("ok");
        assert!(events.iter().any(|e| matches!(e.event, Event::ClueFound { .. })), "{}: {events:?}", k.id);
        let events = g.act(Seat::Liaison, &Action::AskHoldOff).expect("ok");
        assert!(events.iter().any(|e| e.event == Event::HoldOffAnswered { accepted: true }), "{}: {events:?}", k.id);
        let events = g.act(Seat::Liaison, &Action::DeclareRootCause(k.correct[0].to_owned())).expect("ok");
        assert!(matches!(&events[0].event, Event::RootCauseDeclared { correct: true, .. }), "{}: {events:?}", k.id);
        for line in &s.solution {
            if g.phase != Phase::Playing {
                break;
            }
            if let Some(n) = line.strip_prefix("/wait ") {
                for _ in 0..n.parse::<u32>().expect("a number") {
                    next_turn(&mut g);
                }
                continue;
            }
            let action = Action::Command(line.clone());
            match g.act(Seat::Troubleshooter(0), &action) {
                Ok(_) => {}
                Err(RuleError::NoPoints { .. }) => {
                    next_turn(&mut g);
                    if g.phase == Phase::Playing {
                        g.act(Seat::Troubleshooter(0), &action).expect("points are back");
                    }
                }
                Err(e) => panic!("{}: `{line}` refused: {e}", k.id),
            }
        }
        // A won incident ends after its closing turn.
        while matches!(g.phase, Phase::Playing | Phase::Closing) {
            next_turn(&mut g);
        }
        assert!(matches!(g.phase, Phase::Ended(Outcome::Won { .. })), "{}: {:?}", k.id, g.phase);
        assert!(g.mishaps.is_empty(), "{}: {:?}", k.id, g.mishaps);
    }
}

#[test]
fn a_customer_left_alone_undoes_the_autoscaler_fix() {
    let s = load("black-friday-scale");
    let mut g = game(&s);
    run_commands(&mut g, &["patch hpa web -n storefront -p '{\"spec\":{\"maxReplicas\":16}}'"]);
    let mut said = Vec::new();
    while g.turn() < 4 && g.phase == Phase::Playing {
        said.extend(g.force_turn());
    }
    assert!(said.iter().any(|e| e.event == Event::Mishap { id: "reapply-hpa".into() }), "{said:?}");
    run_commands(&mut g, &["get hpa web -n storefront"]);
    let out = &g.console.last().expect("ran").output;
    let at = out.find("MAXPODS").expect("a MAXPODS column");
    let max = out.lines().nth(1).and_then(|l| l.get(at..)).and_then(|l| l.split_whitespace().next());
    assert_eq!(max, Some("6"), "maxReplicas is back at 6:\n{out}");
}

#[test]
fn a_customer_left_alone_breaks_a_second_key() {
    let s = load("config-drift");
    let mut g = game(&s);
    while g.turn() < 4 && g.phase == Phase::Playing {
        g.force_turn();
    }
    assert!(g.mishaps.contains("finish-rename"));
    // Putting DB_HOST back is no longer enough.
    run_commands(
        &mut g,
        &[
            "patch configmap booking-api-config -n rentals --type merge -p '{\"data\":{\"DB_HOST\":\"pgbouncer.rentals.svc:5432\"}}'",
            "/wait 1",
            "describe pod -n rentals -l app=booking-api",
        ],
    );
    let out = &g.console.last().expect("ran").output;
    assert!(out.contains("couldn't find key PAYMENT_GATEWAY_URL in ConfigMap rentals/booking-api-config"), "{out}");
}

#[test]
fn a_team_that_talks_but_cannot_fix_meets_every_inject_and_no_mishap() {
    for k in KNOWN {
        let s = load(k.id);
        let mut g = Game::new(s.clone(), SEED).expect("builds");
        g.seat(Seat::Liaison, "Lee");
        g.seat(Seat::Troubleshooter(0), "Tam");
        g.start();
        g.act(Seat::Liaison, &Action::AskHoldOff).expect("ok");
        while g.phase == Phase::Playing {
            next_turn(&mut g);
        }
        let expected: BTreeSet<String> = s
            .game
            .injects
            .iter()
            .filter(|i| !matches!(i.when, kombat::game::format::InjectWhen::Manual))
            .map(|i| i.id.clone())
            .collect();
        assert_eq!(g.injects, expected, "{}", k.id);
        assert!(g.mishaps.is_empty(), "{}: {:?}", k.id, g.mishaps);
        assert!(matches!(g.phase, Phase::Ended(Outcome::Lost { .. })), "{}: {:?}", k.id, g.phase);
    }
}
