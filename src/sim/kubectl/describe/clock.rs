//! Wall-clock rendering of incident time. The simulation counts seconds from the start of the
//! incident; describe output, logs and node shells show dates, so incident time 0 is pinned to
//! [`INCIDENT_START_UNIX`] (as `cluster::timestamp` does) and every format derives from it.

use crate::sim::cluster::INCIDENT_START_UNIX as BASE_UNIX;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// A UTC calendar moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    weekday: usize,
}

/// The calendar moment of an incident time.
pub fn civil(t: i64) -> Civil {
    let unix = BASE_UNIX + t;
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: month as u32,
        day: day as u32,
        hour: (secs / 3600) as u32,
        minute: ((secs / 60) % 60) as u32,
        second: (secs % 60) as u32,
        weekday: days.rem_euclid(7) as usize,
    }
}

impl Civil {
    fn month_name(self) -> &'static str {
        MONTHS[(self.month as usize + 11) % 12]
    }
    fn weekday_name(self) -> &'static str {
        WEEKDAYS[self.weekday % 7]
    }
    fn hms(self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// Go's `time.RFC1123Z`, as describe prints times: `Tue, 04 Jun 2024 09:00:00 +0000`.
pub fn rfc1123z(t: i64) -> String {
    let c = civil(t);
    format!("{}, {:02} {} {} {} +0000", c.weekday_name(), c.day, c.month_name(), c.year, c.hms())
}

/// Go's `time.Time.String()` for UTC: `2024-06-04 09:00:00 +0000 UTC`.
pub fn go_string(t: i64) -> String {
    let c = civil(t);
    format!("{}-{:02}-{:02} {} +0000 UTC", c.year, c.month, c.day, c.hms())
}

/// RFC 3339 with nanoseconds, as `kubectl logs --timestamps` prints: `2024-06-04T09:00:00.000000000Z`.
pub fn rfc3339_nano(t: i64) -> String {
    let c = civil(t);
    format!("{}-{:02}-{:02}T{}.000000000Z", c.year, c.month, c.day, c.hms())
}

/// systemd's timestamp: `Tue 2024-06-04 09:00:00 UTC`.
pub fn systemd(t: i64) -> String {
    let c = civil(t);
    format!("{} {}-{:02}-{:02} {} UTC", c.weekday_name(), c.year, c.month, c.day, c.hms())
}

/// The journal's short prefix: `Jun 04 09:00:00`.
pub fn journal(t: i64) -> String {
    let c = civil(t);
    format!("{} {:02} {}", c.month_name(), c.day, c.hms())
}

/// klog's header: `I0604 09:00:00.000000`.
pub fn klog(level: char, t: i64) -> String {
    let c = civil(t);
    format!("{level}{:02}{:02} {}.000000", c.month, c.day, c.hms())
}

/// Go's `time.Duration.String()` for whole seconds: `45s`, `5m0s`, `1h2m3s`.
pub fn go_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_time_maps_to_a_fixed_calendar() {
        assert_eq!(rfc1123z(0), "Sun, 22 Nov 2026 09:00:00 +0000");
        assert_eq!(rfc1123z(-30 * 24 * 3600), "Fri, 23 Oct 2026 09:00:00 +0000");
        assert_eq!(rfc1123z(15 * 3600 + 61), "Mon, 23 Nov 2026 00:01:01 +0000");
        assert_eq!(go_string(0), "2026-11-22 09:00:00 +0000 UTC");
        assert_eq!(systemd(0), "Sun 2026-11-22 09:00:00 UTC");
        assert_eq!(journal(5), "Nov 22 09:00:05");
        assert_eq!(klog('I', 0), "I1122 09:00:00.000000");
        assert_eq!(go_duration(300), "5m0s");
        assert_eq!(go_duration(3723), "1h2m3s");
    }
}
