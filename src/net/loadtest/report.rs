//! What a load test found: the counts every room adds up, latency percentiles from an HDR
//! histogram, the server's CPU and memory, and whether each target was met; as a table for a
//! person and as one JSON object for a script.

use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde::Serialize;

/// The targets of the issue, on the project's 2-core machine.
pub const TARGET_P99_MS: f64 = 10.0;
pub const TARGET_SERVER_CORES: f64 = 1.0;
pub const TARGET_RSS_MIB: f64 = 300.0;

/// What the rooms counted, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Acts sent in the measured window.
    pub sent: u64,
    pub accepted: u64,
    pub refused: u64,
    /// Acts with no `Done` before the room's next act (or the end).
    pub unanswered: u64,
    /// Accepted acts after which no client of the room got a view.
    pub without_view: u64,
    /// Views (`Update`s) received in the window, by every client.
    pub updates: u64,
    /// Clients that got a view after an accepted act, summed over those acts.
    pub views_after_acts: u64,
    /// Bytes of frames received in the window (headers included).
    pub bytes: u64,
    /// `Notice`s received (rate limits and warnings).
    pub notices: u64,
    /// Updates whose `seq` skipped numbers.
    pub gaps: u64,
    /// Connections the server closed or refused.
    pub disconnects: u64,
    /// Clients that received at least one view (from the start of the game on).
    pub clients_with_views: u64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.sent += other.sent;
        self.accepted += other.accepted;
        self.refused += other.refused;
        self.unanswered += other.unanswered;
        self.without_view += other.without_view;
        self.updates += other.updates;
        self.views_after_acts += other.views_after_acts;
        self.bytes += other.bytes;
        self.notices += other.notices;
        self.gaps += other.gaps;
        self.disconnects += other.disconnects;
        self.clients_with_views += other.clients_with_views;
    }
}

/// A latency distribution, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    /// From a histogram of microseconds.
    pub fn of(histogram: &Histogram<u64>) -> Percentiles {
        let ms = |us: u64| us as f64 / 1000.0;
        Percentiles {
            count: histogram.len(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            p999_ms: ms(histogram.value_at_quantile(0.999)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// A histogram for latencies from 1 µs to 10 minutes, at 3 significant figures.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("constant bounds that hdrhistogram accepts")
}

/// One target and whether it was met (none when it could not be measured here).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub name: &'static str,
    pub limit: f64,
    pub unit: &'static str,
    pub measured: Option<f64>,
    pub met: Option<bool>,
}

impl Target {
    pub(super) fn new(name: &'static str, limit: f64, unit: &'static str, measured: Option<f64>) -> Target {
        Target { name, limit, unit, measured, met: measured.map(|m| m <= limit) }
    }
}

/// How the run was set up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setup {
    pub rooms: usize,
    pub clients_per_room: usize,
    pub seconds: f64,
    pub rate: f64,
    pub scenario: String,
    /// `child` (started by the load test) or the address of a server already running.
    pub server: String,
    pub cores: usize,
    pub fd_limit: Option<u64>,
    /// Whether the open-file limit reaches twice the connections.
    pub fd_enough: bool,
}

/// Everything measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub setup: Setup,
    /// Seconds to connect, seat, ready and start every room.
    pub setup_seconds: f64,
    /// The measured window, in seconds of wall time.
    pub window_seconds: f64,
    pub counts: Counts,
    /// From sending an act until the last client of its room got the view it caused.
    pub act_to_views: Percentiles,
    /// From sending an act until its `Done`.
    pub act_to_done: Percentiles,
    /// Server CPU over the window, in cores (1.0 = one core busy all the time).
    pub server_cpu_cores: Option<f64>,
    pub server_peak_rss_mib: Option<f64>,
    /// The load test's own CPU over the window, in cores.
    pub client_cpu_cores: Option<f64>,
    /// The 1-minute load average before setup and at the end of the window.
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    /// One of the notices received, as an example of what they said.
    pub notice: Option<String>,
    pub targets: Vec<Target>,
    /// Protocol errors and dropped clients; any makes the run fail.
    pub errors: Vec<String>,
}

impl Report {
    /// Checks the figures against the targets.
    pub fn judge(&mut self) {
        let p99 = (self.act_to_views.count > 0).then_some(self.act_to_views.p99_ms);
        self.targets = vec![
            Target::new("p99 act to all views", TARGET_P99_MS, "ms", p99),
            Target::new("server CPU", TARGET_SERVER_CORES, "cores", self.server_cpu_cores),
            Target::new("server peak RSS", TARGET_RSS_MIB, "MiB", self.server_peak_rss_mib),
        ];
    }

    /// Whether the run counts as failed: errors, drops, or no act accepted at all.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.counts.disconnects > 0 || self.counts.accepted == 0
    }

    /// The report as a table for a terminal.
    pub fn table(&self) -> String {
        let s = &self.setup;
        let c = &self.counts;
        let mut out = String::new();
        let mut row = |label: &str, value: String| {
            let _ = writeln!(out, "{label:<28} {value}");
        };
        row(
            "run",
            format!(
                "{} rooms × {} clients, {:.0} s at {} act/s per room, scenario {}, server {}",
                s.rooms, s.clients_per_room, s.seconds, s.rate, s.scenario, s.server
            ),
        );
        row(
            "machine",
            format!(
                "{} cores, load {} before, {} after; open files {}{}",
                s.cores,
                or_na(self.load_before, 2),
                or_na(self.load_after, 2),
                s.fd_limit.map_or_else(|| "n/a".to_owned(), |l| l.to_string()),
                if s.fd_enough { "" } else { " (below 2× the connections)" }
            ),
        );
        row("setup", format!("{:.1} s to connect, seat and start every room", self.setup_seconds));
        row(
            "acts",
            format!(
                "{} sent, {} accepted, {} refused, {} unanswered, {} with no view",
                c.sent, c.accepted, c.refused, c.unanswered, c.without_view
            ),
        );
        let per_act = if c.accepted > 0 { c.views_after_acts as f64 / c.accepted as f64 } else { 0.0 };
        row(
            "received",
            format!(
                "{} views ({per_act:.2} clients per accepted act), {:.1} MiB, {} notices, {} gaps",
                c.updates,
                c.bytes as f64 / 1_048_576.0,
                c.notices,
                c.gaps
            ),
        );
        if let Some(notice) = &self.notice {
            row("a notice", crate::game::text::sanitize(notice));
        }
        row("clients", format!("{} of {} got views", c.clients_with_views, s.rooms as u64 * s.clients_per_room as u64));
        row("disconnects", c.disconnects.to_string());
        let latencies = [("act → all views (ms)", &self.act_to_views), ("act → done (ms)", &self.act_to_done)];
        let costs = Costs {
            server_cpu_cores: self.server_cpu_cores,
            server_peak_rss_mib: self.server_peak_rss_mib,
            client_cpu_cores: self.client_cpu_cores,
        };
        closing_rows(&mut row, &latencies, &costs, &self.targets, &self.errors, self.failed());
        out
    }
}

/// What a load run cost the machine, as every load test's table shows it.
pub struct Costs {
    pub server_cpu_cores: Option<f64>,
    pub server_peak_rss_mib: Option<f64>,
    pub client_cpu_cores: Option<f64>,
}

/// A measured value with `digits` decimals, or `n/a`.
pub fn or_na(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.digits$}"))
}

/// The rows every load test's table ends with: its latencies, what the run cost, each target's
/// verdict, the errors and the result.
pub fn closing_rows(
    row: &mut impl FnMut(&str, String),
    latencies: &[(&str, &Percentiles)],
    costs: &Costs,
    targets: &[Target],
    errors: &[String],
    failed: bool,
) {
    for (label, p) in latencies {
        row(
            label,
            format!(
                "p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  (n={})",
                p.p50_ms, p.p99_ms, p.p999_ms, p.max_ms, p.count
            ),
        );
    }
    row("server CPU (cores)", or_na(costs.server_cpu_cores, 3));
    row("server peak RSS (MiB)", or_na(costs.server_peak_rss_mib, 1));
    row("load test CPU (cores)", or_na(costs.client_cpu_cores, 3));
    for t in targets {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "n/a",
        };
        row(&format!("target {}", t.name), format!("≤ {} {}: {} ({verdict})", t.limit, t.unit, or_na(t.measured, 2)));
    }
    for e in errors {
        row("ERROR", e.clone());
    }
    row("result", if failed { "FAILED".to_owned() } else { "ok".to_owned() });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut views = histogram();
        for us in 1..=1000 {
            views.record(us * 10).expect("in range");
        }
        let mut report = Report {
            setup: Setup {
                rooms: 2,
                clients_per_room: 6,
                seconds: 2.0,
                rate: 1.0,
                scenario: "first-deploy".into(),
                server: "child".into(),
                cores: 2,
                fd_limit: Some(20_000),
                fd_enough: true,
            },
            setup_seconds: 0.5,
            window_seconds: 2.0,
            counts: Counts { sent: 4, accepted: 4, updates: 16, views_after_acts: 16, ..Counts::default() },
            act_to_views: Percentiles::of(&views),
            act_to_done: Percentiles::default(),
            server_cpu_cores: Some(1.5),
            server_peak_rss_mib: None,
            client_cpu_cores: Some(0.2),
            load_before: Some(0.3),
            load_after: None,
            notice: None,
            targets: Vec::new(),
            errors: Vec::new(),
        };
        report.judge();
        report
    }

    #[test]
    fn percentiles_come_from_the_histogram_in_ms() {
        let p = report().act_to_views;
        assert_eq!(p.count, 1000);
        assert!((p.p50_ms - 5.0).abs() < 0.01, "{p:?}");
        assert!((p.p99_ms - 9.9).abs() < 0.01, "{p:?}");
        assert!((p.p999_ms - 9.99).abs() < 0.01, "{p:?}");
        assert!((p.max_ms - 10.0).abs() < 0.01, "{p:?}");
    }

    #[test]
    fn each_target_is_met_missed_or_not_measured() {
        let report = report();
        let met: Vec<Option<bool>> = report.targets.iter().map(|t| t.met).collect();
        assert_eq!(met, vec![Some(true), Some(false), None]);
        let table = report.table();
        assert!(table.contains("target p99 act to all views"), "{table}");
        assert!(table.contains("(MISSED)"), "{table}");
        assert!(table.contains("n/a (n/a)"), "{table}");
        assert!(table.contains("4 sent, 4 accepted"), "{table}");
        assert!(table.contains("4.00 clients per accepted act"), "{table}");
        assert!(table.trim_end().ends_with("ok"), "{table}");
    }

    #[test]
    fn errors_drops_or_nothing_accepted_fail_the_run() {
        let mut report = report();
        assert!(!report.failed());
        report.counts.disconnects = 1;
        assert!(report.failed());
        report.counts.disconnects = 0;
        report.counts.accepted = 0;
        assert!(report.failed());
        report.counts.accepted = 4;
        report.errors.push("room 1: closed".into());
        assert!(report.failed());
        assert!(report.table().contains("ERROR"));
    }

    #[test]
    fn the_json_has_every_figure() {
        let json: serde_json::Value = serde_json::to_value(report()).expect("serializes");
        assert_eq!(json["counts"]["accepted"], 4);
        assert_eq!(json["act_to_views"]["count"], 1000);
        assert_eq!(json["targets"][1]["met"], false);
        assert!(json["server_peak_rss_mib"].is_null());
        assert_eq!(json["setup"]["rooms"], 2);
    }

    #[test]
    fn counts_add_up() {
        let mut total = Counts::default();
        let one = Counts { sent: 3, accepted: 2, refused: 1, bytes: 10, disconnects: 1, ..Counts::default() };
        total.add(&one);
        total.add(&one);
        assert_eq!(total, Counts { sent: 6, accepted: 4, refused: 2, bytes: 20, disconnects: 2, ..Counts::default() });
    }
}
