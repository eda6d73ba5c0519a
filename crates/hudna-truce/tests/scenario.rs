//! The bundled ISSG 2016 scenario: the truce file validates, and the events the demo is
//! about give the findings they should.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use hudna_core::{GeoPrecision, Incident, IncidentType as K, Target as T};
use hudna_truce::{
    load_truce, Basis, CheckedIncident, Checker, DatePrecision, Effect, Engine, Finding, Rule,
    Severity, Status, Truce,
};

use crate::common::actors;

fn scenario() -> Truce {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/scenarios/issg-2016/truce.toml"
    );
    load_truce(path, &actors()).unwrap_or_else(|e| panic!("{e}"))
}

fn plus3() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("+03:00")
}

/// An incident as the extractor writes it, turned into one to check.
#[allow(clippy::too_many_arguments)]
fn incident(
    id: &str,
    kind: K,
    day: (i32, u32, u32),
    (lat, lon): (f64, f64),
    precision: GeoPrecision,
    perpetrator: &str,
    target: T,
    target_actor: Option<&str>,
) -> CheckedIncident {
    let inc = Incident {
        article_id: id.into(),
        kind,
        date: NaiveDate::from_ymd_opt(day.0, day.1, day.2),
        place: None,
        admin1: None,
        lat: Some(lat),
        lon: Some(lon),
        perpetrator: perpetrator.into(),
        target,
        target_actor: target_actor.map(str::to_string),
        killed: None,
        injured: None,
        claimed: false,
        geo_precision: Some(precision),
        evidence: vec![],
    };
    CheckedIncident::from_incident(id, &inc, plus3())
}

fn rule(f: &[Finding], r: Rule) -> Vec<&Finding> {
    f.iter()
        .filter(|x| x.rule == r && x.proposal.is_none())
        .collect()
}

// Gazetteer points (data/theatres/syria).
const URUM_AL_KUBRA: (f64, f64) = (36.14819, 36.94776);
const JABAL_THARDA: (f64, f64) = (35.2570, 40.1150);
const AL_SAKHOUR: (f64, f64) = (36.2170, 37.1920);
const IDLIB: (f64, f64) = (35.93062, 36.63393);

#[test]
fn the_issg_truce_validates() {
    let t = scenario();
    assert_eq!(t.id, "issg-2016");
    let periods: Vec<&str> = t.periods.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(periods, ["coh-2016-02", "renewal-2016-09"]);
    assert_eq!(
        t.periods[0].window.from.map(|d| d.to_rfc3339()).as_deref(),
        Some("2016-02-27T00:00:00+02:00")
    );
    assert_eq!(
        t.periods[1].window.from.map(|d| d.to_rfc3339()).as_deref(),
        Some("2016-09-12T19:00:00+03:00")
    );
    for code in ["SYR_GOV", "RUS", "USA", "COAL", "OPP", "IRN_MIL", "HZB"] {
        assert!(t.parties.iter().any(|p| p.actor == code), "{code}");
    }
    let ahrar = t
        .designations
        .iter()
        .find(|d| d.id == "ahrar-al-sham")
        .unwrap();
    assert_eq!(
        (ahrar.actor.as_str(), ahrar.status),
        ("OPP", Status::Proposed)
    );
    assert!(t
        .zones
        .iter()
        .any(|z| z.id == "castello-dmz" && z.status == Status::InForce));
    assert!(t
        .zones
        .iter()
        .any(|z| z.id == "nw-grounding" && z.status == Status::Proposed));
    let convoy = t
        .notifications
        .iter()
        .find(|n| n.id == "convoy-urum-al-kubra")
        .unwrap();
    assert_eq!(convoy.basis, Basis::Documented);
    assert_eq!(convoy.notified.len(), 4);
}

#[test]
fn the_convoy_attack_is_a_notified_movement_hit_naming_who_was_told() {
    let mut i = incident(
        "convoy",
        K::AirStrike,
        (2016, 9, 19),
        URUM_AL_KUBRA,
        GeoPrecision::Locality,
        "UNKNOWN",
        T::Humanitarian,
        None,
    );
    // In the evening: around 19:15.
    i.time = NaiveTime::from_hms_opt(19, 15, 0);
    i.date_precision = DatePrecision::Time;
    let f = Engine::new(vec![scenario()]).check(&[i.clone()]);
    let hit = rule(&f, Rule::NotifiedMovementHit);
    assert_eq!(hit.len(), 1, "{f:#?}");
    assert_eq!(hit[0].term, "convoy-urum-al-kubra");
    assert_eq!(hit[0].severity, Severity::Grave);
    assert!(hit[0].confidence >= 0.8, "{}", hit[0].confidence);
    let e = &hit[0].explanation;
    for told in [
        "SYR_GOV on 2016-09-19",
        "RUS on 2016-09-19",
        "USA on 2016-09-19",
        "OPP on 2016-09-19",
    ] {
        assert!(e.contains(told), "{told} missing: {e}");
    }
    assert!(
        e.contains("United Nations and Syrian Arab Red Crescent"),
        "{e}"
    );
    // The General Command declared the truce over at 19:00: an attack around 19:15 lies
    // mostly after the period, so "unattributed" is only a quarter sure.
    let u = rule(&f, Rule::Unattributed);
    assert_eq!(u[0].confidence, 0.25, "{u:#?}");
    // Dated only by the day, as the extractor gives it.
    i.date_precision = DatePrecision::Day;
    let f = Engine::new(vec![scenario()]).check(&[i]);
    assert_eq!(rule(&f, Rule::NotifiedMovementHit).len(), 1);
}

#[test]
fn the_deir_ez_zor_strike_is_a_party_attack_by_the_coalition() {
    let i = incident(
        "tharda",
        K::AirStrike,
        (2016, 9, 17),
        JABAL_THARDA,
        GeoPrecision::Locality,
        "COAL",
        T::Armed,
        Some("SYR_GOV"),
    );
    let f = Engine::new(vec![scenario()]).check(&[i]);
    let pa = rule(&f, Rule::PartyAttack);
    assert_eq!(pa.len(), 1, "{f:#?}");
    assert_eq!(pa[0].term, "renewal-2016-09");
    assert_eq!(pa[0].severity, Severity::Serious);
    assert_eq!(pa[0].confidence, 1.0);
    assert!(
        pa[0]
            .explanation
            .starts_with("COAL air_strike on armed (SYR_GOV) on 2016-09-17"),
        "{}",
        pa[0].explanation
    );
    assert!(pa[0]
        .explanation
        .contains("COAL is a party since 2016-02-22"));
    // The same coalition strikes on ISIS are outside the truce.
    let i = incident(
        "isis",
        K::AirStrike,
        (2016, 9, 17),
        JABAL_THARDA,
        GeoPrecision::Locality,
        "COAL",
        T::Armed,
        Some("ISIS"),
    );
    let f = Engine::new(vec![scenario()]).check(&[i]);
    assert!(rule(&f, Rule::PartyAttack).is_empty());
    assert_eq!(rule(&f, Rule::ExcludedTarget).len(), 1);
}

#[test]
fn a_day_spanning_the_renewal_is_fully_inside_the_truce() {
    // 12 Sep: the February period until 19:00, the renewal after. A party is bound all day.
    let i = incident(
        "d",
        K::Shelling,
        (2016, 9, 12),
        IDLIB,
        GeoPrecision::Locality,
        "SYR_GOV",
        T::Civilians,
        None,
    );
    let f = Engine::new(vec![scenario()]).check(&[i]);
    let pa = rule(&f, Rule::PartyAttack);
    assert_eq!(pa.len(), 1);
    assert_eq!(pa[0].term, "coh-2016-02");
    assert_eq!(pa[0].confidence, 1.0);
}

#[test]
fn hospital_hits_say_the_notification_is_illustrative() {
    let i = incident(
        "m10",
        K::AirStrike,
        (2016, 9, 28),
        AL_SAKHOUR,
        GeoPrecision::Point,
        "UNKNOWN",
        T::Medical,
        None,
    );
    let f = Engine::new(vec![scenario()]).check(&[i]);
    let hit = rule(&f, Rule::NotifiedSiteHit);
    assert_eq!(hit.len(), 1, "{f:#?}");
    assert_eq!(hit[0].term, "hospital-m10-aleppo");
    assert!(
        hit[0].explanation.contains("illustrative"),
        "{}",
        hit[0].explanation
    );
    // And the US demand to ground aircraft would have been breached.
    let would: Vec<_> = f
        .iter()
        .filter(|x| x.rule == Rule::NoFlyBreach)
        .filter_map(|x| x.proposal.as_ref())
        .collect();
    assert_eq!(would.len(), 1, "{f:#?}");
    assert_eq!(
        (would[0].term.as_str(), would[0].effect),
        ("nw-grounding", Effect::WouldAdd)
    );
}

#[test]
fn flipping_the_proposed_ahrar_al_sham_designation_reports_what_changed() {
    let mut named = incident(
        "ahrar",
        K::Shelling,
        (2016, 9, 16),
        (36.21, 37.13),
        GeoPrecision::Locality,
        "OPP",
        T::Civilians,
        None,
    );
    named.perpetrator_group = Some("حركة أحرار الشام الإسلامية".into());
    let plain = incident(
        "opp",
        K::Shelling,
        (2016, 9, 16),
        (36.21, 37.13),
        GeoPrecision::Locality,
        "OPP",
        T::Civilians,
        None,
    );
    let gov = incident(
        "gov",
        K::AirStrike,
        (2016, 9, 16),
        IDLIB,
        GeoPrecision::Locality,
        "SYR_GOV",
        T::Civilians,
        None,
    );

    let mut checker = Checker::new(vec![scenario()]);
    checker.upsert(vec![named, plain, gov]);
    let before: Vec<Finding> = checker.findings().cloned().collect();
    assert!(before
        .iter()
        .any(|f| f.incident == "ahrar" && f.rule == Rule::PartyAttack && f.proposal.is_none()));

    let mut t = scenario();
    t.designations
        .iter_mut()
        .find(|d| d.id == "ahrar-al-sham")
        .unwrap()
        .status = Status::InForce;
    let (terms, diff) = checker.replace_truce(t);
    assert_eq!(terms.len(), 1);
    assert_eq!(
        (terms[0].id.as_str(), terms[0].change),
        ("ahrar-al-sham", "changed")
    );
    // Ahrar al-Sham's shelling leaves the violations and is recorded as outside the truce.
    assert!(diff
        .removed
        .iter()
        .any(|f| f.incident == "ahrar" && f.rule == Rule::PartyAttack && f.proposal.is_none()));
    assert!(diff.added.iter().any(|f| f.incident == "ahrar"
        && f.rule == Rule::ExcludedPerpetrator
        && f.term == "ahrar-al-sham"));
    // An OPP act that names no group might now be theirs: still a party attack, half as sure.
    let changed: Vec<_> = diff
        .changed
        .iter()
        .filter(|(_, a)| a.incident == "opp" && a.rule == Rule::PartyAttack && a.proposal.is_none())
        .collect();
    assert_eq!(changed.len(), 1, "{diff:#?}");
    assert_eq!(changed[0].1.confidence, changed[0].0.confidence / 2.0);
    assert!(changed[0].1.explanation.contains("may be Ahrar al-Sham"));
    // The government's strike is untouched.
    assert!(diff
        .added
        .iter()
        .chain(&diff.removed)
        .chain(diff.changed.iter().map(|c| &c.1))
        .all(|f| f.incident != "gov"));
}
