//! A small truce written for the tests, and a way to make incidents.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use hudna_core::{GeoPrecision, IncidentType, Target};
use hudna_truce::{
    parse_truce, ActorCodes, CheckedIncident, DatePrecision, Engine, Finding, Rule, Truce,
};

/// The theatre's actor codes, from the repository's data.
pub fn actors() -> ActorCodes {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/theatres/syria/actors.tsv"
    );
    ActorCodes::from_tsv(&std::fs::read_to_string(path).expect("actors.tsv"))
}

/// A truce with one of each kind of term, around Aleppo, in September 2016.
pub const TRUCE: &str = r#"
id = "test"
utc_offset = "+03:00"

[name]
ar = "هدنة الاختبار"
en = "Test truce"

[source]
title = "A truce written for the tests"
date = 2016-09-09
signatories = ["United States", "Russian Federation"]
guarantors = ["USA", "RUS"]

[[period]]
id = "p1"
from = 2016-09-12T19:00:00
until = 2016-09-19T19:00:00

[[party]]
actor = "SYR_GOV"
accepted = 2016-09-10

[[party]]
actor = "RUS"
accepted = 2016-09-09

[[party]]
actor = "OPP"
accepted = 2016-09-15
note = "accepted three days into the period"

[[designation]]
id = "isis"
actor = "ISIS"
listed_by = "UN Security Council"
listed_from = 2004-10-06
status = "in_force"

[[designation]]
id = "ahrar"
actor = "OPP"
group = "Ahrar al-Sham"
aliases = ["Harakat Ahrar al-Sham al-Islamiyya", "أحرار الشام"]
listed_by = "UN Security Council"
listed_from = 2016-04-26
status = "proposed"
proposed_by = "RUS"

[[zone]]
id = "country"
kind = "covered_area"
status = "in_force"
geometry = { type = "Polygon", coordinates = [[[35.0, 32.0], [42.0, 32.0], [42.0, 37.5], [35.0, 37.5], [35.0, 32.0]]] }

[[zone]]
id = "dmz"
kind = "demilitarised"
status = "in_force"
restricted = ["SYR_GOV", "OPP"]
forbidden = ["shelling", "air_strike"]
from = 2016-09-14
until = 2016-09-19T19:00:00
geometry = { type = "Polygon", coordinates = [[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26], [37.10, 36.24]]] }

[[zone]]
id = "nofly-now"
kind = "no_fly"
status = "in_force"
restricted = ["SYR_GOV", "RUS"]
geometry = { type = "Polygon", coordinates = [[[38.0, 35.0], [38.2, 35.0], [38.2, 35.2], [38.0, 35.2], [38.0, 35.0]]] }

[[zone]]
id = "nofly-asked"
kind = "no_fly"
status = "proposed"
proposed_by = "USA"
restricted = ["SYR_GOV", "RUS"]
from = 2016-09-21
geometry = { type = "Polygon", coordinates = [[[36.0, 35.5], [36.8, 35.5], [36.8, 36.1], [36.0, 36.1], [36.0, 35.5]]] }

[[site]]
id = "hospital"
facility = "hospital"
name = "Test hospital"
organisation = "SAMS"
lat = 36.20
lon = 37.19
radius_km = 0.5

[[site.notified]]
party = "SYR_GOV"
at = 2016-09-01

[[site.notified]]
party = "RUS"
at = 2016-09-02T10:00:00

[[movement]]
id = "convoy"
name = "Test convoy"
organisation = "UN / SARC"
corridor_km = 2.0
from = 2016-09-19
until = 2016-09-19
route = { type = "LineString", coordinates = [[37.10, 36.18], [36.95, 36.15]] }

[[movement.notified]]
party = "SYR_GOV"
at = 2016-09-18

[[movement.notified]]
party = "RUS"
at = 2016-09-18

[[movement.notified]]
party = "USA"
at = 2016-09-20
"#;

/// The test truce, parsed.
pub fn truce() -> Truce {
    parse_truce(TRUCE, "test.toml", None, &actors()).unwrap_or_else(|e| panic!("{e}"))
}

/// An incident: one day, a point.
pub fn inc(
    id: &str,
    perpetrator: &str,
    kind: IncidentType,
    target: Target,
    day: (i32, u32, u32),
    lon: f64,
    lat: f64,
) -> CheckedIncident {
    CheckedIncident {
        id: id.into(),
        kind,
        date: NaiveDate::from_ymd_opt(day.0, day.1, day.2),
        time: None,
        date_precision: DatePrecision::Day,
        utc_offset: FixedOffset::east_opt(3 * 3600).expect("+03:00"),
        lat: Some(lat),
        lon: Some(lon),
        precision: GeoPrecision::Point,
        perpetrator: perpetrator.into(),
        perpetrator_group: None,
        target,
        target_actor: None,
        target_group: None,
    }
}

/// At a time of day.
pub fn at(mut i: CheckedIncident, h: u32, m: u32) -> CheckedIncident {
    i.time = NaiveTime::from_hms_opt(h, m, 0);
    i.date_precision = DatePrecision::Time;
    i
}

/// Findings of one incident under the test truce.
pub fn check(i: CheckedIncident) -> Vec<Finding> {
    Engine::new(vec![truce()]).check(&[i])
}

/// The in-force findings of a rule.
pub fn of(findings: &[Finding], rule: Rule) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule && f.proposal.is_none())
        .collect()
}
