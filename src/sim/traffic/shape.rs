//! The shape of user load over time: an entrypoint's `load` steps on the incident clock times
//! its `daily` curve on the wall clock, so users can already be rising before minute 0 (the
//! warm-up before the incident runs at the pre-incident load) and follow the day's rhythm.

use super::Entrypoint;
use crate::sim::cluster::INCIDENT_START_UNIX;

const DAY_SECONDS: i64 = 86_400;

/// The load multiplier of an entrypoint at an incident second (negative before the incident).
pub fn factor(ep: &Entrypoint, now: i64) -> f64 {
    step_factor(&ep.load, now.div_euclid(60)) * daily_factor(&ep.daily, now)
}

/// The last `load` step reached by `minute`. Before the first step, a first step at or before
/// minute 0 already holds (the load it describes was there when the warm-up began), so a
/// scenario whose steps start at minute 0 keeps that load through the warm-up, as it always did.
fn step_factor(steps: &[(i32, f64)], minute: i64) -> f64 {
    match steps.iter().rfind(|(m, _)| i64::from(*m) <= minute) {
        Some((_, f)) => *f,
        None => steps.first().filter(|(m, _)| *m <= 0).map_or(1.0, |(_, f)| *f),
    }
}

/// The daily curve at the wall-clock minute: points are (hour of day, UTC; factor), joined by
/// straight lines and wrapping around midnight. No points: a flat 1.0. The curve is read on whole
/// minutes so the figures change once a minute, not every step.
fn daily_factor(points: &[(u8, f64)], now: i64) -> f64 {
    if points.is_empty() {
        return 1.0;
    }
    let minute_of_day = (INCIDENT_START_UNIX + now).rem_euclid(DAY_SECONDS) / 60;
    let at = minute_of_day as f64 / 60.0;
    let mut sorted: Vec<(f64, f64)> = points.iter().map(|(h, f)| (f64::from(*h % 24), *f)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The point at or before now (wrapping to yesterday's last) and the one after (to tomorrow's first).
    let before = sorted.iter().rfind(|(h, _)| *h <= at).copied();
    let after = sorted.iter().find(|(h, _)| *h > at).copied();
    let first = sorted[0];
    let last = sorted[sorted.len() - 1];
    let (h0, f0) = before.unwrap_or((last.0 - 24.0, last.1));
    let (h1, f1) = after.unwrap_or((first.0 + 24.0, first.1));
    if h1 - h0 <= f64::EPSILON {
        return f0.max(0.0);
    }
    (f0 + (f1 - f0) * (at - h0) / (h1 - h0)).max(0.0)
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the figures compared are computed exactly (copies, or short sums of the inputs)")]
mod tests {
    use super::*;

    fn ep(load: Vec<(i32, f64)>, daily: Vec<(u8, f64)>) -> Entrypoint {
        Entrypoint { name: "Shop".into(), url: "https://shop.example.com/".into(), rps: 10.0, load, daily }
    }

    #[test]
    fn steps_apply_from_their_minute_and_a_minute_zero_step_holds_through_the_warm_up() {
        let e = ep(vec![(0, 2.0), (10, 3.0)], Vec::new());
        assert_eq!((factor(&e, -180), factor(&e, 0), factor(&e, 599), factor(&e, 600)), (2.0, 2.0, 2.0, 3.0));
        let later = ep(vec![(5, 2.0)], Vec::new());
        assert_eq!((factor(&later, -60), factor(&later, 299), factor(&later, 300)), (1.0, 1.0, 2.0));
    }

    #[test]
    fn load_can_rise_before_the_incident() {
        let e = ep(vec![(-3, 1.5), (-1, 2.5), (4, 1.0)], Vec::new());
        assert_eq!([-240, -180, -61, -60, 0, 240].map(|t| factor(&e, t)), [1.5, 1.5, 1.5, 2.5, 2.5, 1.0]);
    }

    #[test]
    fn the_daily_curve_follows_the_wall_clock_and_wraps_at_midnight() {
        // The incident starts at 09:00 UTC.
        let e = ep(Vec::new(), vec![(3, 0.2), (9, 1.0), (12, 2.5), (21, 0.5)]);
        assert_eq!(factor(&e, 0), 1.0);
        assert!((factor(&e, 90 * 60) - 1.75).abs() < 1e-9, "halfway from 09:00 to 12:00");
        assert_eq!(factor(&e, -6 * 3600), 0.2, "03:00");
        // 00:00 lies between 21:00 (0.5) and 03:00 (0.2): half way.
        assert!((factor(&e, 15 * 3600) - 0.35).abs() < 1e-9);
        // Steps multiply the curve.
        let both = ep(vec![(0, 2.0)], vec![(9, 1.0), (12, 2.5)]);
        assert!((factor(&both, 90 * 60) - 3.5).abs() < 1e-9);
    }

    #[test]
    fn one_point_is_flat_and_nonsense_hours_do_not_panic() {
        assert_eq!(factor(&ep(Vec::new(), vec![(7, 0.4)]), 12_345), 0.4);
        assert!(factor(&ep(Vec::new(), vec![(250, 1.0), (9, -3.0)]), 0) >= 0.0);
    }
}
