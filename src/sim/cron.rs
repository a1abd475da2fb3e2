//! Cron schedules as a cron job states them (`*/5 * * * *`, `0 3 * * 1-5`, `@hourly`), matched
//! against the incident's wall clock in UTC, a minute at a time.

use super::cluster::INCIDENT_START_UNIX;

/// A parsed schedule: the allowed values of each of the five fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    /// Both day fields restricted: either may match, as in Vixie cron.
    day_or: bool,
}

/// The (low, high) bounds of each field.
const BOUNDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

impl Schedule {
    /// Parses five fields or a macro; the error is worded as the API server words it.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let expanded = match text.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!("expected exactly 5 fields, found {}: {text}", fields.len()));
        }
        let mut sets = [0u64; 5];
        for (i, field) in fields.iter().enumerate() {
            sets[i] = parse_field(field, BOUNDS[i])?;
        }
        // Sunday may be written 7.
        let weekdays = (sets[4] | (sets[4] >> 7)) & 0x7f;
        Ok(Schedule {
            minutes: sets[0],
            hours: sets[1] as u32,
            days: (sets[2] >> 1) as u32,
            months: (sets[3] >> 1) as u16,
            weekdays: weekdays as u8,
            day_or: !fields[2].starts_with('*') && !fields[4].starts_with('*'),
        })
    }

    /// Whether the schedule fires in the minute that starts at `unix` seconds (UTC).
    pub fn matches_unix(&self, unix: i64) -> bool {
        let minute = unix.div_euclid(60);
        let days = minute.div_euclid(1440);
        let in_day = minute.rem_euclid(1440);
        let (m, h) = ((in_day % 60) as u32, (in_day / 60) as u32);
        let (_, month, day) = crate::sim::cluster::civil(days);
        let weekday = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday.
        let day_ok = self.days & (1 << (day - 1)) != 0;
        let weekday_ok = self.weekdays & (1 << weekday) != 0;
        let day_match = if self.day_or { day_ok || weekday_ok } else { day_ok && weekday_ok };
        self.minutes & (1 << m) != 0 && self.hours & (1 << h) != 0 && self.months & (1 << (month - 1)) != 0 && day_match
    }

    /// The latest scheduled time in `(after, until]` (incident seconds, on minute boundaries),
    /// looking back at most a day of minutes.
    pub fn latest_in(&self, after: i64, until: i64) -> Option<i64> {
        let mut t = (INCIDENT_START_UNIX + until).div_euclid(60) * 60 - INCIDENT_START_UNIX;
        let floor = after.max(until - 86_400);
        while t > floor {
            if self.matches_unix(INCIDENT_START_UNIX + t) {
                return Some(t);
            }
            t -= 60;
        }
        None
    }
}

/// One field: `*`, `*/n`, `a`, `a-b`, `a-b/n`, and comma lists of those, as a bit set.
fn parse_field(field: &str, (low, high): (u32, u32)) -> Result<u64, String> {
    let high = if high == 6 { 7 } else { high };
    let mut set = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s.parse().map_err(|_| format!("failed to parse int from {s}"))?;
                if step == 0 {
                    return Err(format!("step of range should be a positive number: {part}"));
                }
                (r, step)
            }
            None => (part, 1),
        };
        let (from, to) = if range == "*" || range == "?" {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            (number(a)?, number(b)?)
        } else {
            let n = number(range)?;
            (n, if step > 1 { high } else { n })
        };
        if from < low || to > high || from > to {
            return Err(format!("end of range ({to}) above maximum ({high}): {part}"));
        }
        let mut v = from;
        while v <= to {
            set |= 1 << v;
            v += step;
        }
    }
    Ok(set)
}

fn number(text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| format!("failed to parse int from {text}"))
}

#[cfg(test)]
mod tests {
    use super::Schedule;
    use proptest::prelude::*;

    fn at(text: &str) -> Schedule {
        Schedule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_five_minutes_fires_on_multiples_of_five() {
        // The incident starts at 09:00 UTC: */5 fires at 09:00, 09:05, …
        let s = at("*/5 * * * *");
        assert_eq!(s.latest_in(-1, 0), Some(0));
        assert_eq!(s.latest_in(0, 299), None);
        assert_eq!(s.latest_in(0, 300), Some(300));
        assert_eq!(s.latest_in(0, 1000), Some(900));
    }

    #[test]
    fn fixed_hours_and_minutes_and_macros() {
        assert_eq!(at("30 9 * * *").latest_in(0, 3600), Some(1800));
        assert_eq!(at("@hourly").latest_in(0, 7200), Some(7200));
        assert_eq!(at("0 3 * * *").latest_in(0, 3600), None);
        // 2026-11-22 is a Sunday.
        assert_eq!(at("0 9 * * 0").latest_in(-1, 0), Some(0));
        assert_eq!(at("0 9 * * 7").latest_in(-1, 0), Some(0));
        assert_eq!(at("0 9 * * 1-5").latest_in(-1, 0), None);
        assert_eq!(at("0 9 22 11 *").latest_in(-1, 0), Some(0));
        assert_eq!(at("0,15 9 * * *").latest_in(0, 1000), Some(900));
    }

    #[test]
    fn bad_schedules_are_refused_as_the_api_server_does() {
        assert_eq!(Schedule::parse("* * * *"), Err("expected exactly 5 fields, found 4: * * * *".to_owned()));
        assert!(Schedule::parse("61 * * * *").is_err());
        assert!(Schedule::parse("*/0 * * * *").is_err());
        assert!(Schedule::parse("x * * * *").is_err());
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(text in "\\PC{0,40}") {
            let _ = Schedule::parse(&text);
        }

        #[test]
        fn every_n_minutes_fires_exactly_on_multiples(n in 1u32..60, minute in 0i64..100_000) {
            let s = at(&format!("*/{n} * * * *"));
            let unix = super::INCIDENT_START_UNIX + minute * 60;
            prop_assert_eq!(s.matches_unix(unix), ((unix / 60 % 60) as u32).is_multiple_of(n));
        }
    }
}
