use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A value that is not one of the closed vocabularies (type, target, precision).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct UnknownValue {
    /// Which vocabulary was asked for ("incident type", "target", ...).
    pub what: &'static str,
    /// The value that was given.
    pub value: String,
    /// The accepted spellings, comma separated, for the error message.
    pub expected: &'static str,
}

macro_rules! closed_vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in a stable order (used for listings and help texts).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in JSON, CSV and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }
    };
}

closed_vocabulary! {
    /// The kind of violent event, as ACLED and the evaluation schema distinguish them.
    ///
    /// The distinction matters for compliance: a no-fly zone forbids `air_strike`, a
    /// demilitarised corridor forbids heavy weapons (`shelling`), and so on.
    IncidentType, "incident type" {
        /// Aircraft, helicopter, barrel bomb or drone strike.
        AirStrike => "air_strike",
        /// Artillery, mortar, rocket or missile fired from the ground.
        Shelling => "shelling",
        /// Two armed sides fighting.
        ArmedClash => "armed_clash",
        /// IED, car bomb, landmine or suicide bombing.
        Explosion => "explosion",
        /// Shooting, sniping, assassination or raid on unarmed people.
        Attack => "attack",
        /// Kidnapping, detention or arrest campaign.
        Abduction => "abduction",
    }
}

closed_vocabulary! {
    /// What was hit. Compliance grades an attack on civilians, medical, humanitarian or
    /// education targets as grave.
    Target, "target" {
        /// Homes, villages, people.
        Civilians => "civilians",
        /// Aid convoys, aid workers, warehouses.
        Humanitarian => "humanitarian",
        /// Hospitals, ambulances, medics.
        Medical => "medical",
        /// Schools, kindergartens, universities.
        Education => "education",
        /// A fighting side's positions or people.
        Armed => "armed",
        /// Crossings, bridges, markets, power, water, airports.
        Infrastructure => "infrastructure",
        /// The text does not say.
        Unknown => "unknown",
    }
}

closed_vocabulary! {
    /// How precisely an incident's coordinates locate it. A finding near a zone boundary is
    /// only as certain as this allows.
    GeoPrecision, "geographic precision" {
        /// A named point: a neighbourhood, a site, a camp.
        Point => "point",
        /// A town or village centroid.
        Locality => "locality",
        /// A district or a stretch of countryside.
        District => "district",
        /// A governorate.
        Admin1 => "admin1",
        /// Only the country is known.
        Country => "country",
    }
}

closed_vocabulary! {
    /// How well an incident in the record is established. Monitors argue over every incident;
    /// the grade tells them at a glance how much weight it can bear.
    Grade, "grade" {
        /// Claimed by its perpetrator, or established by an investigation.
        Confirmed => "confirmed",
        /// Reported by two or more independent sources (syndicated copies count once).
        Fair => "fair",
        /// Reported by one source only.
        Weak => "weak",
        /// Sources disagree on who did it.
        Contested => "contested",
    }
}

impl GeoPrecision {
    /// A typical radius, in km, of the area the coordinates stand for. Used to turn a
    /// distance to a boundary into a confidence.
    pub fn radius_km(self) -> f64 {
        match self {
            GeoPrecision::Point => 0.5,
            GeoPrecision::Locality => 2.0,
            GeoPrecision::District => 15.0,
            GeoPrecision::Admin1 => 50.0,
            GeoPrecision::Country => 300.0,
        }
    }
}

/// One incident: one event of one type, at one place, on one day, by one perpetrator.
///
/// Field order and names follow the evaluation schema, so that a line of `hudna extract`
/// output can be scored as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// The article this incident was read from.
    pub article_id: String,
    /// What kind of event.
    #[serde(rename = "type")]
    pub kind: IncidentType,
    /// The day of the event, when the text fixes it.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The most precise place the text names, as written, clitics dropped.
    #[serde(default)]
    pub place: Option<String>,
    /// Governorate in English (SCHEMA spellings); null when only the country is known.
    #[serde(default)]
    pub admin1: Option<String>,
    /// Latitude (WGS84) of the place, when it was geocoded.
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude (WGS84) of the place, when it was geocoded.
    #[serde(default)]
    pub lon: Option<f64>,
    /// Actor code of who acted (`UNKNOWN` when the text does not say).
    pub perpetrator: String,
    /// What was hit.
    pub target: Target,
    /// Actor code of the side attacked, where the text names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_actor: Option<String>,
    /// Killed, as stated for this incident.
    #[serde(default)]
    pub killed: Option<u32>,
    /// Injured, as stated for this incident.
    #[serde(default)]
    pub injured: Option<u32>,
    /// The perpetrator itself said it carried the event out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claimed: bool,
    /// How precisely `lat`/`lon` locate the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_precision: Option<GeoPrecision>,
    /// Character spans `[start, end)` of the article text that support the incident.
    #[serde(default)]
    pub evidence: Vec<[usize; 2]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_through_their_spelling() {
        for t in IncidentType::ALL {
            assert_eq!(t.as_str().parse::<IncidentType>().unwrap(), *t);
        }
        for t in Target::ALL {
            assert_eq!(t.as_str().parse::<Target>().unwrap(), *t);
        }
        let err = "bombing".parse::<IncidentType>().unwrap_err();
        assert!(err.to_string().contains("air_strike"), "{err}");
    }

    #[test]
    fn incident_serialises_in_schema_shape() {
        let i = Incident {
            article_id: "a1".into(),
            kind: IncidentType::AirStrike,
            date: NaiveDate::from_ymd_opt(2016, 9, 19),
            place: Some("أورم الكبرى".into()),
            admin1: Some("Aleppo".into()),
            lat: Some(36.15),
            lon: Some(36.95),
            perpetrator: "UNKNOWN".into(),
            target: Target::Humanitarian,
            target_actor: None,
            killed: Some(20),
            injured: None,
            geo_precision: Some(GeoPrecision::Locality),
            claimed: false,
            evidence: vec![[0, 10]],
        };
        let s = serde_json::to_string(&i).unwrap();
        assert!(
            s.starts_with(r#"{"article_id":"a1","type":"air_strike","date":"2016-09-19""#),
            "{s}"
        );
        assert!(!s.contains("target_actor"));
        let back: Incident = serde_json::from_str(&s).unwrap();
        assert_eq!(back, i);
    }
}
