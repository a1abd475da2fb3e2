//! The time flags of `kubectl logs`: `--since` is a Go duration (`90s`, `1h30m`, `1.5h`) with
//! Go's own parse errors, `--since-time` an RFC 3339 timestamp with Go's layout error. Both come
//! back as incident seconds so log lines can be compared with them.

use crate::sim::manifest::parse_timestamp;

/// Parses a Go duration (`time.ParseDuration`) into whole seconds, rounded as kubectl does
/// before it asks the server. The error is Go's (`time: invalid duration "abc"`).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{text}\"");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut nanos = 0.0_f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "" => return Err(format!("time: missing unit in duration \"{text}\"")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => return Err(format!("time: unknown unit \"{other}\" in duration \"{text}\"")),
        };
        nanos += value * scale;
    }
    // Go's durations stop at about 292 years.
    if nanos > 9.2e18 {
        return Err(invalid());
    }
    let seconds = (nanos / 1e9).round() as i64;
    Ok(if negative { -seconds } else { seconds })
}

/// Parses an RFC 3339 timestamp (`2026-11-22T09:05:00Z`, with fractions or an offset) into
/// incident seconds; the error is Go's for the layout it failed at.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let fail = |rest: &str, element: &str| {
        format!("parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{rest}\" as \"{element}\"")
    };
    let digits = |at: usize, n: usize| text.get(at..at + n).filter(|s| s.bytes().all(|b| b.is_ascii_digit()));
    let fields: [(usize, usize, &str, Option<u8>); 6] = [
        (0, 4, "2006", Some(b'-')),
        (5, 2, "01", Some(b'-')),
        (8, 2, "02", Some(b'T')),
        (11, 2, "15", Some(b':')),
        (14, 2, "04", Some(b':')),
        (17, 2, "05", None),
    ];
    for (at, n, element, after) in fields {
        if digits(at, n).is_none() {
            return Err(fail(text.get(at..).unwrap_or(""), element));
        }
        if let Some(sep) = after
            && text.as_bytes().get(at + n) != Some(&sep)
        {
            let layout = match sep {
                b'T' => "T",
                b':' => ":",
                _ => "-",
            };
            return Err(fail(text.get(at + n..).unwrap_or(""), layout));
        }
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[len..];
    }
    let offset = if rest == "Z" {
        0
    } else {
        let b = rest.as_bytes();
        let sign = match b.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(fail(rest, "Z07:00")),
        };
        let (h, m) =
            (rest.get(1..3).and_then(|s| s.parse::<i64>().ok()), rest.get(4..6).and_then(|s| s.parse::<i64>().ok()));
        match (h, m, b.get(3), rest.len()) {
            (Some(h), Some(m), Some(b':'), 6) => sign * (h * 3600 + m * 60),
            _ => return Err(fail(rest, "Z07:00")),
        }
    };
    let utc = format!("{}Z", &text[..19]);
    parse_timestamp(&utc).map(|t| t - offset).ok_or_else(|| fail(text, "2006"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any text is a duration or Go's error for it, never a panic; what parses prints back.
        #[test]
        fn time_flags_never_panic(text in "[-+0-9.a-zµ:TZ]{0,24}") {
            if let Ok(seconds) = parse_duration(&text) {
                prop_assert!(seconds.unsigned_abs() < 10_000_000_000);
            }
            if let Ok(t) = parse_rfc3339(&text) {
                prop_assert!(crate::sim::manifest::parse_timestamp(&crate::sim::cluster::timestamp(t)).is_some());
            }
        }
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1.5h"), Ok(5400));
        assert_eq!(parse_duration("1500ms"), Ok(2));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("-5m"), Ok(-300));
        assert_eq!(parse_duration("abc"), Err("time: invalid duration \"abc\"".to_owned()));
        assert_eq!(parse_duration("5"), Err("time: missing unit in duration \"5\"".to_owned()));
        assert_eq!(parse_duration("5x"), Err("time: unknown unit \"x\" in duration \"5x\"".to_owned()));
        assert_eq!(parse_duration(""), Err("time: invalid duration \"\"".to_owned()));
        assert_eq!(parse_duration("99999999999999h"), Err("time: invalid duration \"99999999999999h\"".to_owned()));
    }

    #[test]
    fn timestamps_parse_like_go_rfc3339() {
        assert_eq!(parse_rfc3339("2026-11-22T09:05:00Z"), Ok(300));
        assert_eq!(parse_rfc3339("2026-11-22T09:05:00.123Z"), Ok(300));
        assert_eq!(parse_rfc3339("2026-11-22T10:05:00+01:00"), Ok(300));
        assert_eq!(
            parse_rfc3339("abc"),
            Err("parsing time \"abc\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"abc\" as \"2006\"".to_owned())
        );
        assert_eq!(
            parse_rfc3339("2026-11-22 09:05:00Z"),
            Err("parsing time \"2026-11-22 09:05:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 09:05:00Z\" as \"T\"".to_owned())
        );
        assert_eq!(
            parse_rfc3339("2026-11-22T09:05:00"),
            Err("parsing time \"2026-11-22T09:05:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"".to_owned())
        );
    }
}
