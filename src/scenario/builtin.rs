//! The scenarios shipped in `scenarios/`, embedded in the binary so kombat runs from anywhere.

use super::business::Business;
use super::card::CardTemplate;
use super::format::Scenario;
use super::load::{LoadError, parse};

/// The first incident a newcomer gets.
pub const DEFAULT_ID: &str = "first-deploy";

/// The guided tutorial: first in every list, and where a player with no results starts.
pub const TUTORIAL_ID: &str = "tutorial";

/// (id, RON text) of every built-in scenario, in the order the list shows them (the tutorial
/// first). A new scenario is a file and a line at the end here.
pub const BUILTIN: &[(&str, &str)] = &[
    ("tutorial", include_str!("../../scenarios/tutorial.ron")),
    ("first-deploy", include_str!("../../scenarios/first-deploy.ron")),
    ("config-drift", include_str!("../../scenarios/config-drift.ron")),
    ("memory-leak-friday", include_str!("../../scenarios/memory-leak-friday.ron")),
    ("two-problems", include_str!("../../scenarios/two-problems.ron")),
    ("dns-cleanup-job", include_str!("../../scenarios/dns-cleanup-job.ron")),
    ("black-friday-scale", include_str!("../../scenarios/black-friday-scale.ron")),
    ("library-loans", include_str!("../../scenarios/library-loans.ron")),
    ("print-lab", include_str!("../../scenarios/print-lab.ron")),
    ("broker-quotes", include_str!("../../scenarios/broker-quotes.ron")),
    ("lorem-ipsum", include_str!("../../scenarios/lorem-ipsum.ron")),
    ("course-rename", include_str!("../../scenarios/course-rename.ron")),
    ("prod-deleted", include_str!("../../scenarios/prod-deleted.ron")),
    ("ferry-fares", include_str!("../../scenarios/ferry-fares.ron")),
    ("sticky-image", include_str!("../../scenarios/sticky-image.ron")),
    ("appointments-portal", include_str!("../../scenarios/appointments-portal.ron")),
    ("stop-the-presses", include_str!("../../scenarios/stop-the-presses.ron")),
    ("vanishing-trucks", include_str!("../../scenarios/vanishing-trucks.ron")),
    ("empty-shelves", include_str!("../../scenarios/empty-shelves.ron")),
    ("payday-on-hold", include_str!("../../scenarios/payday-on-hold.ron")),
    ("exam-morning", include_str!("../../scenarios/exam-morning.ron")),
    ("presale-autoscale", include_str!("../../scenarios/presale-autoscale.ron")),
    ("results-pending", include_str!("../../scenarios/results-pending.ron")),
    ("rack-maintenance", include_str!("../../scenarios/rack-maintenance.ron")),
    ("silent-feeds", include_str!("../../scenarios/silent-feeds.ron")),
    ("new-node-pool", include_str!("../../scenarios/new-node-pool.ron")),
    ("exam-morning-nodes", include_str!("../../scenarios/exam-morning-nodes.ron")),
    ("clinic-after-reboot", include_str!("../../scenarios/clinic-after-reboot.ron")),
    ("on-sale-frozen", include_str!("../../scenarios/on-sale-frozen.ron")),
    ("lunch-rush-rollout", include_str!("../../scenarios/lunch-rush-rollout.ron")),
    ("upgrade-day", include_str!("../../scenarios/upgrade-day.ron")),
];

/// The order every list of scenarios shows: the tutorial first, then easy, medium and hard, each
/// in the order of [`BUILTIN`] (a sort that keeps equal keys in place).
pub fn library_order(scenarios: &mut [Scenario]) {
    scenarios.sort_by_key(|s| (s.id != TUTORIAL_ID, s.difficulty));
}

/// The raw sources, for `scenario validate` of the built-ins and tests.
pub fn builtin_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// A built-in scenario by id, parsed.
pub fn builtin(id: &str) -> Option<Result<Scenario, LoadError>> {
    BUILTIN.iter().find(|(i, _)| *i == id).map(|(i, text)| parse(&format!("scenarios/{i}.ron"), text))
}

/// (id, RON text) of every fault card in `scenarios/cards/`, embedded; a new card is a file and
/// a line here (docs/cards.md).
pub const CARDS: &[(&str, &str)] = &[
    ("bad-image-tag", include_str!("../../scenarios/cards/bad-image-tag.ron")),
    ("default-deny-ingress", include_str!("../../scenarios/cards/default-deny-ingress.ron")),
    ("ingress-wrong-backend", include_str!("../../scenarios/cards/ingress-wrong-backend.ron")),
    ("kubelet-stopped", include_str!("../../scenarios/cards/kubelet-stopped.ron")),
    ("liveness-wrong-port", include_str!("../../scenarios/cards/liveness-wrong-port.ron")),
    ("memory-limit-too-low", include_str!("../../scenarios/cards/memory-limit-too-low.ron")),
    ("node-selector-mismatch", include_str!("../../scenarios/cards/node-selector-mismatch.ron")),
    ("readiness-wrong-path", include_str!("../../scenarios/cards/readiness-wrong-path.ron")),
    ("requests-exceed-capacity", include_str!("../../scenarios/cards/requests-exceed-capacity.ron")),
    ("scaled-to-zero", include_str!("../../scenarios/cards/scaled-to-zero.ron")),
    ("service-selector-typo", include_str!("../../scenarios/cards/service-selector-typo.ron")),
    ("service-target-port", include_str!("../../scenarios/cards/service-target-port.ron")),
    ("wrong-command", include_str!("../../scenarios/cards/wrong-command.ron")),
    ("configmap-ref-missing", include_str!("../../scenarios/cards/configmap-ref-missing.ron")),
    ("secret-ref-missing", include_str!("../../scenarios/cards/secret-ref-missing.ron")),
    ("secret-key-renamed", include_str!("../../scenarios/cards/secret-key-renamed.ron")),
    ("config-volume-missing", include_str!("../../scenarios/cards/config-volume-missing.ron")),
    ("swap-after-reboot", include_str!("../../scenarios/cards/swap-after-reboot.ron")),
    ("disk-filled-by-logs", include_str!("../../scenarios/cards/disk-filled-by-logs.ron")),
    ("cni-config-moved", include_str!("../../scenarios/cards/cni-config-moved.ron")),
    ("limitrange-caps-memory", include_str!("../../scenarios/cards/limitrange-caps-memory.ron")),
    ("replicaset-controller-off", include_str!("../../scenarios/cards/replicaset-controller-off.ron")),
    ("scheduler-manifest-moved", include_str!("../../scenarios/cards/scheduler-manifest-moved.ron")),
    ("corefile-typo", include_str!("../../scenarios/cards/corefile-typo.ron")),
    ("coredns-scaled-down", include_str!("../../scenarios/cards/coredns-scaled-down.ron")),
    ("quota-blocks-restart", include_str!("../../scenarios/cards/quota-blocks-restart.ron")),
    ("metrics-server-scaled-down", include_str!("../../scenarios/cards/metrics-server-scaled-down.ron")),
    ("env-var-dropped", include_str!("../../scenarios/cards/env-var-dropped.ron")),
    ("init-migrate-missing", include_str!("../../scenarios/cards/init-migrate-missing.ron")),
    ("claim-unknown-storage-class", include_str!("../../scenarios/cards/claim-unknown-storage-class.ron")),
];

/// (id, RON text) of every baseline in `scenarios/baselines/`, embedded.
pub const BASELINES: &[(&str, &str)] = &[
    ("bakery", include_str!("../../scenarios/baselines/bakery.ron")),
    ("lockers", include_str!("../../scenarios/baselines/lockers.ron")),
    ("payments", include_str!("../../scenarios/baselines/payments.ron")),
    ("platform", include_str!("../../scenarios/baselines/platform.ron")),
    ("rentals", include_str!("../../scenarios/baselines/rentals.ron")),
    ("shop", include_str!("../../scenarios/baselines/shop.ron")),
    ("tickets", include_str!("../../scenarios/baselines/tickets.ron")),
];

/// Every built-in card, read (each checked to parse with stand-in values).
pub fn cards() -> Result<Vec<CardTemplate>, LoadError> {
    CARDS.iter().map(|(id, text)| CardTemplate::load(&format!("scenarios/cards/{id}.ron"), text)).collect()
}

/// Every built-in baseline, read.
pub fn baselines() -> Result<Vec<Business>, LoadError> {
    BASELINES.iter().map(|(id, text)| Business::parse(&format!("scenarios/baselines/{id}.ron"), text)).collect()
}
