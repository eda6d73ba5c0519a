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

/// The id of an incident read from `hudna extract` output, where no record gives it a public
/// id: the article's id and a hash of what the incident says, as in `r18#3fa9c2d1`.
///
/// The hash covers the type, the day, the place and admin1, the coordinates and their
/// precision, the perpetrator, the target and the side attacked, the tolls and the claim —
/// everything that makes it this incident — and nothing about the input around it. So the
/// id survives shuffled or filtered input (a finding keeps naming the same incident), and a
/// re-extraction that reads an incident the same way gives it the same id. The evidence
/// spans are left out: they say where the text supports the incident, not what it is, and
/// move when the article's boilerplate is trimmed differently. Ids are strings, like every
/// finding's `incident` (the record writes its public ids as decimal strings).
///
/// Lines of one article that say exactly the same thing are told apart by
/// [`extracted_ids`], which appends `-2`, `-3`, …; being identical, which one gets which
/// suffix makes no difference to any finding.
pub fn extracted_id(inc: &Incident) -> String {
    // FNV-1a over the fields, each followed by a separator that no field contains, so the
    // id does not depend on Rust's hasher (which may change between releases).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut field = |text: &str| {
        for b in text.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    field(inc.kind.as_str());
    field(&opt(inc.date.map(|d| d.to_string())));
    field(inc.place.as_deref().unwrap_or("-"));
    field(inc.admin1.as_deref().unwrap_or("-"));
    field(&opt(inc.lat.map(|v| format!("{:016x}", v.to_bits()))));
    field(&opt(inc.lon.map(|v| format!("{:016x}", v.to_bits()))));
    field(inc.geo_precision.map_or("-", GeoPrecision::as_str));
    field(inc.perpetrator.trim());
    field(inc.target.as_str());
    field(inc.target_actor.as_deref().map_or("-", str::trim));
    field(&opt(inc.killed.map(|v| v.to_string())));
    field(&opt(inc.injured.map(|v| v.to_string())));
    field(if inc.claimed { "claimed" } else { "-" });
    format!("{}#{:08x}", inc.article_id, (h >> 32) ^ (h & 0xffff_ffff))
}

/// The ids of a batch of extracted incidents, in order: [`extracted_id`], with `-2`, `-3`, …
/// on the second and later of identical incidents of an article.
pub fn extracted_ids(incidents: &[Incident]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    incidents
        .iter()
        .map(|inc| {
            let id = extracted_id(inc);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                id
            } else {
                format!("{id}-{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extracted(article: &str, place: &str, killed: Option<u32>) -> Incident {
        Incident {
            article_id: article.into(),
            kind: IncidentType::Shelling,
            date: NaiveDate::from_ymd_opt(2016, 9, 20),
            place: Some(place.into()),
            admin1: Some("Aleppo".into()),
            lat: Some(36.2),
            lon: Some(37.1),
            perpetrator: "SYR_GOV".into(),
            target: Target::Civilians,
            target_actor: None,
            killed,
            injured: None,
            claimed: false,
            geo_precision: Some(GeoPrecision::Locality),
            evidence: vec![[0, 10]],
        }
    }

    #[test]
    fn extracted_ids_follow_the_content_not_the_order() {
        let a = extracted("r7", "الكلاسة", Some(3));
        let b = extracted("r7", "بستان القصر", Some(3));
        let c = extracted("r8", "الكلاسة", Some(3));
        let ids = extracted_ids(&[a.clone(), b.clone(), c.clone()]);
        assert!(
            ids[0].starts_with("r7#") && ids[0].len() == "r7#".len() + 8,
            "{ids:?}"
        );
        assert_ne!(ids[0], ids[1]);
        assert_eq!(
            ids[2],
            format!("r8#{}", &ids[0][3..]),
            "same content, other article"
        );
        // Shuffled, or with lines dropped, every incident keeps its id.
        let shuffled = extracted_ids(&[c.clone(), b.clone(), a.clone()]);
        assert_eq!(shuffled, [ids[2].clone(), ids[1].clone(), ids[0].clone()]);
        assert_eq!(extracted_ids(std::slice::from_ref(&b)), [ids[1].clone()]);
        // The evidence is not part of what the incident is; the toll is.
        let mut moved = a.clone();
        moved.evidence = vec![[40, 90]];
        assert_eq!(extracted_id(&moved), ids[0]);
        assert_ne!(extracted_id(&extracted("r7", "الكلاسة", Some(4))), ids[0]);
        // Identical lines of one article are told apart.
        let twice = extracted_ids(&[a.clone(), b, a]);
        assert_eq!(twice[2], format!("{}-2", ids[0]));
        // The hash is fixed by the text of the fields, not by the Rust release: this value
        // was worked out independently (FNV-1a 64 over the same fields, folded to 32 bits).
        assert_eq!(ids[0], "r7#719045b3");
    }

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
