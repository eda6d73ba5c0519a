//! The incident as the engine checks it: where, when and how precisely, who acted and who
//! was hit.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use hudna_core::{GeoPrecision, Incident, IncidentType, Target};

use crate::time::{days, start_of_day, Span};

/// The actor code of an unattributed act.
pub const UNKNOWN_ACTOR: &str = "UNKNOWN";

/// How precisely an incident's date is known. The engine turns it into a span of time: a
/// finding whose window covers only part of that span is less certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DatePrecision {
    /// A time of day is given; it stands for half an hour either side.
    Time,
    /// The day is known (the usual case): the whole local day.
    #[default]
    Day,
    /// "Last week", "in recent days": three days either side of the date.
    Week,
    /// Only the month: the whole calendar month of the date.
    Month,
    /// The text gives no day; the date is the day the report was published, and the event
    /// is taken to have happened in the three days before it or on that day.
    Reported,
}

/// One incident to check. Build it from a [`hudna_core::Incident`] with
/// [`CheckedIncident::from_incident`], or directly (tests, generated data, the record's
/// consolidated incidents).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedIncident {
    /// Stable id (the record's incident id); findings point at it.
    pub id: String,
    /// What happened.
    pub kind: IncidentType,
    /// The local day, when known. Undated incidents cannot be placed in a period and are
    /// not checked.
    pub date: Option<NaiveDate>,
    /// The local time of day, when known (used with [`DatePrecision::Time`]).
    pub time: Option<NaiveTime>,
    /// How precisely the date is known.
    pub date_precision: DatePrecision,
    /// The offset of the local date and time.
    pub utc_offset: FixedOffset,
    /// Latitude. Incidents without coordinates are not checked.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// What the coordinates stand for (a point, a village, a governorate).
    pub precision: GeoPrecision,
    /// Actor code of who acted ([`UNKNOWN_ACTOR`] when unattributed).
    pub perpetrator: String,
    /// The named group inside the perpetrator's actor code, when the text names one.
    pub perpetrator_group: Option<String>,
    /// What was hit.
    pub target: Target,
    /// Actor code of the side attacked, when named.
    pub target_actor: Option<String>,
    /// The named group inside the target's actor code.
    pub target_group: Option<String>,
}

impl CheckedIncident {
    /// From an extracted or consolidated incident. `utc_offset` is the local offset of the
    /// theatre on that date (the incident's date is a local day). A missing geographic
    /// precision is taken as a locality.
    pub fn from_incident(id: impl Into<String>, inc: &Incident, utc_offset: FixedOffset) -> Self {
        CheckedIncident {
            id: id.into(),
            kind: inc.kind,
            date: inc.date,
            time: None,
            date_precision: DatePrecision::Day,
            utc_offset,
            lat: inc.lat,
            lon: inc.lon,
            precision: inc.geo_precision.unwrap_or(GeoPrecision::Locality),
            perpetrator: if inc.perpetrator.trim().is_empty() {
                UNKNOWN_ACTOR.to_string()
            } else {
                inc.perpetrator.clone()
            },
            perpetrator_group: None,
            target: inc.target,
            target_actor: inc.target_actor.clone().filter(|a| !a.trim().is_empty()),
            target_group: None,
        }
    }

    /// `true` when nobody is named as the perpetrator.
    pub fn is_unattributed(&self) -> bool {
        self.perpetrator == UNKNOWN_ACTOR || self.perpetrator.is_empty()
    }

    /// The span of time the incident may have happened in.
    pub(crate) fn span(&self) -> Option<Span> {
        let date = self.date?;
        let o = self.utc_offset;
        let (start, end) = match self.date_precision {
            DatePrecision::Time => {
                let t = o
                    .from_local_datetime(&date.and_time(self.time.unwrap_or(NaiveTime::MIN)))
                    .single()?;
                if self.time.is_some() {
                    (
                        t - chrono::Duration::minutes(30),
                        t + chrono::Duration::minutes(30),
                    )
                } else {
                    (t, t + days(1))
                }
            }
            DatePrecision::Day => {
                let s = start_of_day(date, o)?;
                (s, s + days(1))
            }
            DatePrecision::Week => {
                let s = start_of_day(date, o)?;
                (s - days(3), s + days(4))
            }
            DatePrecision::Reported => {
                let s = start_of_day(date, o)?;
                (s - days(3), s + days(1))
            }
            DatePrecision::Month => {
                let first = date.with_day(1)?;
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
                };
                (start_of_day(first, o)?, start_of_day(next, o)?)
            }
        };
        Some(Span {
            start: start.timestamp(),
            end: end.timestamp(),
        })
    }

    /// Coordinates, when both are given and in range.
    pub(crate) fn location(&self) -> Option<(f64, f64)> {
        match (self.lon, self.lat) {
            (Some(lon), Some(lat))
                if lon.is_finite()
                    && lat.is_finite()
                    && (-180.0..=180.0).contains(&lon)
                    && (-90.0..=90.0).contains(&lat) =>
            {
                Some((lon, lat))
            }
            _ => None,
        }
    }

    /// How the date reads in explanations.
    pub(crate) fn when(&self) -> String {
        let Some(d) = self.date else {
            return "undated".into();
        };
        match (self.date_precision, self.time) {
            (DatePrecision::Time, Some(t)) => format!("{d} {}", t.format("%H:%M")),
            (DatePrecision::Week, _) => format!("the week around {d}"),
            (DatePrecision::Month, _) => d.format("%B %Y").to_string(),
            (DatePrecision::Reported, _) => match d.checked_sub_days(chrono::Days::new(3)) {
                Some(from) => format!("a day between {from} and {d} (undated, reported {d})"),
                None => format!("a day up to {d} (undated, reported {d})"),
            },
            _ => d.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_the_date_precision() {
        let o = FixedOffset::east_opt(3 * 3600).unwrap();
        let mut i = CheckedIncident {
            id: "x".into(),
            kind: IncidentType::AirStrike,
            date: NaiveDate::from_ymd_opt(2016, 9, 19),
            time: NaiveTime::from_hms_opt(19, 15, 0),
            date_precision: DatePrecision::Day,
            utc_offset: o,
            lat: Some(36.15),
            lon: Some(36.95),
            precision: GeoPrecision::Locality,
            perpetrator: UNKNOWN_ACTOR.into(),
            perpetrator_group: None,
            target: Target::Humanitarian,
            target_actor: None,
            target_group: None,
        };
        let day = i.span().unwrap();
        assert_eq!(day.end - day.start, 86_400);
        i.date_precision = DatePrecision::Time;
        let t = i.span().unwrap();
        assert_eq!(t.end - t.start, 3_600);
        i.date_precision = DatePrecision::Month;
        let m = i.span().unwrap();
        assert_eq!(m.end - m.start, 30 * 86_400);
        // Reported on the 19th without a day of its own: the 16th to the end of the 19th.
        i.date_precision = DatePrecision::Reported;
        let r = i.span().unwrap();
        assert_eq!(r.end - r.start, 4 * 86_400);
        assert_eq!(r.end, day.end);
        assert_eq!(
            i.when(),
            "a day between 2016-09-16 and 2016-09-19 (undated, reported 2016-09-19)"
        );
    }
}
