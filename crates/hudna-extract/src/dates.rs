//! The day of an event, from what the text says and when it was published.
//!
//! News rarely writes a full date: "اليوم", "أمس", "يوم الثلاثاء الماضي", "29 شباط". A
//! [`DayKey`] keeps what was said, so that two mentions of "Tuesday" in one article fall
//! on the same day even when the publication date is unknown, and [`DayKey::resolve`]
//! turns it into a calendar day when the publication date allows.

use chrono::{Datelike, Duration, NaiveDate};

/// What the text says of an event's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DayKey {
    /// A full date.
    Date(NaiveDate),
    /// Days relative to publication.
    Rel(i8),
    /// A weekday (0 = Sunday); `past` when "last" was said.
    Weekday { day: u8, past: bool },
    /// A day and month without a year.
    DayMonth { day: u8, month: u8 },
}

impl DayKey {
    /// The calendar day, if the publication date (or the key itself) fixes it.
    pub fn resolve(self, published: Option<NaiveDate>) -> Option<NaiveDate> {
        match self {
            DayKey::Date(d) => Some(d),
            DayKey::Rel(n) => published.map(|p| p + Duration::days(n as i64)),
            DayKey::Weekday { day, past } => {
                let p = published?;
                let today = p.weekday().num_days_from_sunday() as i64;
                let mut back = (today - day as i64).rem_euclid(7);
                if back == 0 && past {
                    back = 7;
                }
                Some(p - Duration::days(back))
            }
            DayKey::DayMonth { day, month } => {
                // Only with a publication date: the latest such day up to it.
                let p = published?;
                let this = NaiveDate::from_ymd_opt(p.year(), month as u32, day as u32)?;
                if this <= p {
                    Some(this)
                } else {
                    NaiveDate::from_ymd_opt(p.year() - 1, month as u32, day as u32)
                }
            }
        }
    }

    /// The key used to merge mentions: the calendar day when known, else what was said.
    pub fn canonical(self, published: Option<NaiveDate>) -> DayKey {
        match self.resolve(published) {
            Some(d) => DayKey::Date(d),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn relative_days_and_weekdays_resolve_against_publication() {
        // 19 Sep 2016 was a Monday.
        let p = Some(d(2016, 9, 19));
        assert_eq!(DayKey::Rel(0).resolve(p), Some(d(2016, 9, 19)));
        assert_eq!(DayKey::Rel(-1).resolve(p), Some(d(2016, 9, 18)));
        let monday = DayKey::Weekday {
            day: 1,
            past: false,
        };
        assert_eq!(monday.resolve(p), Some(d(2016, 9, 19)));
        let last_monday = DayKey::Weekday { day: 1, past: true };
        assert_eq!(last_monday.resolve(p), Some(d(2016, 9, 12)));
        let saturday = DayKey::Weekday {
            day: 6,
            past: false,
        };
        assert_eq!(saturday.resolve(p), Some(d(2016, 9, 17)));
    }

    #[test]
    fn day_and_month_take_the_year_of_publication() {
        let p = Some(d(2016, 3, 10));
        let feb29 = DayKey::DayMonth { day: 29, month: 2 };
        assert_eq!(feb29.resolve(p), Some(d(2016, 2, 29)));
        let dec = DayKey::DayMonth { day: 4, month: 12 };
        assert_eq!(dec.resolve(p), Some(d(2015, 12, 4)));
        assert_eq!(feb29.resolve(None), None);
        assert_eq!(feb29.canonical(None), feb29);
    }
}
