//! Time: spans of incidents, windows of terms, and how much of one lies in the other.
//!
//! An incident is rarely known to the minute: a report says "on Monday" or "last week". It
//! is therefore a span of time, and the share of that span inside a term's window is the
//! probability (under a uniform prior) that the event happened while the term applied.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone};

/// A half-open span of Unix seconds, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    /// Fraction of the span inside `[from, until)`, in `[0, 1]`.
    pub(crate) fn fraction_in(self, from: i64, until: i64) -> f64 {
        let s = self.start.max(from);
        let e = self.end.min(until);
        if e <= s {
            0.0
        } else {
            (e - s) as f64 / (self.end - self.start) as f64
        }
    }

    /// Fraction of the span inside the union of some windows (sorted in place).
    pub(crate) fn fraction_in_union(self, windows: &mut [(i64, i64)]) -> f64 {
        windows.sort_unstable();
        let mut covered = 0i64;
        let mut reach = self.start;
        for &(from, until) in windows.iter() {
            let s = from.max(reach);
            let e = until.min(self.end);
            if e > s {
                covered += e - s;
                reach = e;
            }
        }
        covered as f64 / (self.end - self.start) as f64
    }

    /// The middle instant.
    pub(crate) fn mid(self) -> i64 {
        self.start + (self.end - self.start) / 2
    }
}

/// Midnight at the start of `date` in `offset`.
pub(crate) fn start_of_day(date: NaiveDate, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    offset
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
}

/// Reads a TOML date-time into an instant. Values without an offset take `default`; a date
/// alone means the start of that day, or its end when `end_of_day` (so that `until =
/// 2016-09-19` includes the 19th).
pub(crate) fn from_toml(
    value: &toml::value::Datetime,
    default: FixedOffset,
    end_of_day: bool,
) -> Result<DateTime<FixedOffset>, String> {
    let d = value
        .date
        .ok_or_else(|| "a time of day needs a date".to_string())?;
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(|| format!("{value} is not a calendar date"))?;
    let offset = match value.offset {
        None => default,
        Some(toml::value::Offset::Z) => chrono::Utc.fix(),
        Some(toml::value::Offset::Custom { minutes }) => {
            FixedOffset::east_opt(i32::from(minutes) * 60)
                .ok_or_else(|| format!("offset of {minutes} minutes is out of range"))?
        }
    };
    let local = match value.time {
        Some(t) => {
            let time = NaiveTime::from_hms_nano_opt(
                u32::from(t.hour),
                u32::from(t.minute),
                u32::from(t.second.unwrap_or(0)),
                t.nanosecond.unwrap_or(0),
            )
            .ok_or_else(|| format!("{value} is not a time of day"))?;
            date.and_time(time)
        }
        None if end_of_day => date
            .succ_opt()
            .ok_or_else(|| format!("{value} is out of range"))?
            .and_time(NaiveTime::MIN),
        None => date.and_time(NaiveTime::MIN),
    };
    offset
        .from_local_datetime(&local)
        .single()
        .ok_or_else(|| format!("{value} is out of range"))
}

/// Parses a fixed UTC offset: `+03:00`, `-05:30`, `Z` or `UTC` (the form `utc_offset`
/// takes in a truce file).
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Ok(chrono::Utc.fix());
    }
    let bad = || format!("`{s}` is not a UTC offset like +03:00");
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// An instant as findings print it: `2016-09-12 19:00 +03:00`, or the bare date at
/// midnight.
pub(crate) fn show(t: DateTime<FixedOffset>) -> String {
    if t.time() == NaiveTime::MIN {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M %:z").to_string()
    }
}

/// The end of a window: midnight reads as the end of the day before (`until =
/// 2016-09-19` in a file reads back as "end of 2016-09-19").
fn show_until(t: DateTime<FixedOffset>) -> String {
    if t.time() == NaiveTime::MIN {
        format!("end of {}", (t - days(1)).format("%Y-%m-%d"))
    } else {
        show(t)
    }
}

/// A window as findings print it.
pub(crate) fn show_window(
    from: Option<DateTime<FixedOffset>>,
    until: Option<DateTime<FixedOffset>>,
) -> String {
    match (from, until) {
        (Some(f), Some(u)) => format!("{} – {}", show(f), show_until(u)),
        (Some(f), None) => format!("from {}", show(f)),
        (None, Some(u)) => format!("until {}", show_until(u)),
        (None, None) => "always".to_string(),
    }
}

/// `days` whole days.
pub(crate) fn days(n: i64) -> Duration {
    Duration::days(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_fractions() {
        let s = Span { start: 0, end: 100 };
        assert_eq!(s.fraction_in(50, 200), 0.5);
        assert_eq!(s.fraction_in(100, 200), 0.0);
        assert_eq!(s.fraction_in(i64::MIN, i64::MAX), 1.0);
        assert_eq!(s.fraction_in_union(&mut [(50, 80), (0, 30), (20, 60)]), 0.8);
        assert_eq!(s.fraction_in_union(&mut [(-10, 10), (90, 200)]), 0.2);
    }

    #[test]
    fn toml_dates_become_instants() {
        let plus3 = parse_offset("+03:00").unwrap();
        let d: toml::value::Datetime = "2016-09-19".parse().unwrap();
        assert_eq!(
            from_toml(&d, plus3, true).unwrap().to_rfc3339(),
            "2016-09-20T00:00:00+03:00"
        );
        let d: toml::value::Datetime = "2016-02-27T00:00:00+02:00".parse().unwrap();
        assert_eq!(
            from_toml(&d, plus3, false).unwrap().to_rfc3339(),
            "2016-02-27T00:00:00+02:00"
        );
        assert!(parse_offset("3").is_err());
        assert_eq!(parse_offset("-05:30").unwrap().local_minus_utc(), -19800);
    }
}
