//! Each rule where it must fire and where it must not: just outside a zone or a radius,
//! just outside a window, an excluded group, a proposed term, a party that accepted later.

use hudna_core::{GeoPrecision, IncidentType as K, Target as T};
use hudna_truce::{DatePrecision, Effect, Engine, Rule, Severity};

use crate::common::{at, check, inc, of, truce};

// A point well inside the country, far from every zone and site.
const OPEN: (f64, f64) = (38.6, 34.6);
// Inside the demilitarised zone.
const DMZ: (f64, f64) = (37.15, 36.25);
// The notified hospital.
const HOSPITAL: (f64, f64) = (37.19, 36.20);
// On the convoy's route (its western end).
const ROUTE: (f64, f64) = (36.96, 36.152);

#[test]
fn party_attack_is_grave_on_civilians_serious_on_armed_targets() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    let pa = of(&f, Rule::PartyAttack);
    assert_eq!(pa.len(), 1, "{f:#?}");
    assert_eq!(pa[0].term, "p1");
    assert_eq!(pa[0].severity, Severity::Grave);
    assert_eq!(pa[0].confidence, 1.0);
    assert!(
        pa[0].explanation.contains("inside covered area country"),
        "{}",
        pa[0].explanation
    );
    assert!(
        pa[0]
            .explanation
            .contains("SYR_GOV is a party since 2016-09-10"),
        "{}",
        pa[0].explanation
    );

    let f = check(inc(
        "b",
        "SYR_GOV",
        K::ArmedClash,
        T::Armed,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    assert_eq!(of(&f, Rule::PartyAttack)[0].severity, Severity::Serious);
}

#[test]
fn party_attack_not_outside_the_period_and_partly_on_its_first_evening() {
    let after = check(inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 20),
        OPEN.0,
        OPEN.1,
    ));
    assert!(of(&after, Rule::PartyAttack).is_empty(), "{after:#?}");
    let before = check(at(
        inc(
            "b",
            "SYR_GOV",
            K::Shelling,
            T::Civilians,
            (2016, 9, 12),
            OPEN.0,
            OPEN.1,
        ),
        18,
        0,
    ));
    assert!(of(&before, Rule::PartyAttack).is_empty(), "{before:#?}");
    // A date without a time on the first day: in force from 19:00, 5 of 24 hours.
    let day = check(inc(
        "c",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 12),
        OPEN.0,
        OPEN.1,
    ));
    let pa = of(&day, Rule::PartyAttack);
    assert_eq!(pa.len(), 1);
    assert_eq!(pa[0].confidence, 0.21);
    assert!(
        pa[0]
            .explanation
            .contains("21% of the incident's time span"),
        "{}",
        pa[0].explanation
    );
}

#[test]
fn a_party_that_accepted_later_is_not_bound_before() {
    let early = check(inc(
        "a",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    assert!(of(&early, Rule::PartyAttack).is_empty(), "{early:#?}");
    assert!(of(&early, Rule::Unattributed).is_empty());
    let late = check(inc(
        "b",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    ));
    assert_eq!(of(&late, Rule::PartyAttack).len(), 1);
}

#[test]
fn nothing_outside_the_covered_area() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 14),
        33.0,
        34.0,
    ));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn excluded_perpetrator_and_target_are_recorded_not_violations() {
    let f = check(inc(
        "a",
        "ISIS",
        K::Explosion,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    let ex = of(&f, Rule::ExcludedPerpetrator);
    assert_eq!(ex.len(), 1, "{f:#?}");
    assert_eq!(ex[0].term, "isis");
    assert_eq!(ex[0].severity, Severity::Info);
    assert!(ex[0].explanation.contains("not a violation"));
    assert!(of(&f, Rule::PartyAttack).is_empty());

    let mut i = inc(
        "b",
        "RUS",
        K::AirStrike,
        T::Armed,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    );
    i.target_actor = Some("ISIS".into());
    let f = check(i);
    assert_eq!(of(&f, Rule::ExcludedTarget).len(), 1, "{f:#?}");
    assert!(of(&f, Rule::PartyAttack).is_empty());
}

#[test]
fn unattributed_needs_investigation() {
    let f = check(inc(
        "a",
        "UNKNOWN",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    let u = of(&f, Rule::Unattributed);
    assert_eq!(u.len(), 1, "{f:#?}");
    assert_eq!(u[0].severity, Severity::Review);
    assert!(of(&f, Rule::PartyAttack).is_empty());
    // Not outside the period.
    let f = check(inc(
        "b",
        "UNKNOWN",
        K::Shelling,
        T::Civilians,
        (2016, 9, 25),
        OPEN.0,
        OPEN.1,
    ));
    assert!(of(&f, Rule::Unattributed).is_empty());
}

#[test]
fn zone_breach_inside_only_in_its_window_for_restricted_actors_and_forbidden_types() {
    let f = check(inc(
        "a",
        "OPP",
        K::Shelling,
        T::Armed,
        (2016, 9, 16),
        DMZ.0,
        DMZ.1,
    ));
    let z = of(&f, Rule::ZoneBreach);
    assert_eq!(z.len(), 1, "{f:#?}");
    assert_eq!(z[0].term, "dmz");
    assert_eq!(z[0].confidence, 1.0);
    // 1.1 km north of the zone (a point is ±0.5 km): outside.
    let f = check(inc(
        "b",
        "OPP",
        K::Shelling,
        T::Armed,
        (2016, 9, 16),
        DMZ.0,
        36.27,
    ));
    assert!(of(&f, Rule::ZoneBreach).is_empty(), "{f:#?}");
    // The day before the zone's window opens.
    let f = check(inc(
        "c",
        "SYR_GOV",
        K::Shelling,
        T::Armed,
        (2016, 9, 13),
        DMZ.0,
        DMZ.1,
    ));
    assert!(of(&f, Rule::ZoneBreach).is_empty(), "{f:#?}");
    // A type the zone does not forbid; an actor it does not restrict.
    let f = check(inc(
        "d",
        "OPP",
        K::ArmedClash,
        T::Armed,
        (2016, 9, 16),
        DMZ.0,
        DMZ.1,
    ));
    assert!(of(&f, Rule::ZoneBreach).is_empty());
    let f = check(inc(
        "e",
        "RUS",
        K::Shelling,
        T::Armed,
        (2016, 9, 16),
        DMZ.0,
        DMZ.1,
    ));
    assert!(of(&f, Rule::ZoneBreach).is_empty());
    // Unattributed: a weaker finding naming who is restricted there.
    let f = check(inc(
        "f",
        "UNKNOWN",
        K::Shelling,
        T::Armed,
        (2016, 9, 16),
        DMZ.0,
        DMZ.1,
    ));
    let z = of(&f, Rule::ZoneBreach);
    assert_eq!(z[0].confidence, 0.5);
    assert!(
        z[0].explanation.contains("SYR_GOV, OPP"),
        "{}",
        z[0].explanation
    );
}

#[test]
fn confidence_falls_near_a_boundary_with_the_place_precision() {
    // 0.5 km inside the zone's southern edge.
    let lat = 36.24 + 0.5 / 111.195;
    let mut i = inc("a", "OPP", K::Shelling, T::Armed, (2016, 9, 16), DMZ.0, lat);
    assert_eq!(of(&check(i.clone()), Rule::ZoneBreach)[0].confidence, 1.0);
    i.precision = GeoPrecision::Locality; // ±2 km
    let f = check(i.clone());
    let c = of(&f, Rule::ZoneBreach)[0].confidence;
    assert!(c > 0.6 && c < 0.7, "{c}");
    i.date_precision = DatePrecision::Week; // 13–19 Sep, the zone from the 14th
    let f = check(i);
    let c2 = of(&f, Rule::ZoneBreach)[0].confidence;
    assert!(c2 < c, "{c2} vs {c}");
}

#[test]
fn no_fly_breach_for_restricted_and_unknown_aircraft() {
    let f = check(inc(
        "a",
        "RUS",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 16),
        38.1,
        35.1,
    ));
    let n = of(&f, Rule::NoFlyBreach);
    assert_eq!(n.len(), 1, "{f:#?}");
    assert_eq!(n[0].severity, Severity::Grave);
    let f = check(inc(
        "b",
        "UNKNOWN",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 16),
        38.1,
        35.1,
    ));
    let n = of(&f, Rule::NoFlyBreach);
    assert_eq!(n[0].confidence, 0.5);
    assert!(
        n[0].explanation
            .contains("restricted actors that fly there: SYR_GOV, RUS"),
        "{}",
        n[0].explanation
    );
    // A zone without its own window applies during the truce's periods only.
    let f = check(inc(
        "e",
        "RUS",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 25),
        38.1,
        35.1,
    ));
    assert!(of(&f, Rule::NoFlyBreach).is_empty(), "{f:#?}");
    // Shelling is not flying; the coalition is not restricted there.
    assert!(of(
        &check(inc(
            "c",
            "RUS",
            K::Shelling,
            T::Civilians,
            (2016, 9, 16),
            38.1,
            35.1
        )),
        Rule::NoFlyBreach
    )
    .is_empty());
    assert!(of(
        &check(inc(
            "d",
            "COAL",
            K::AirStrike,
            T::Armed,
            (2016, 9, 16),
            38.1,
            35.1
        )),
        Rule::NoFlyBreach
    )
    .is_empty());
}

#[test]
fn a_proposed_zone_is_reported_as_what_it_would_change() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 22),
        36.4,
        35.8,
    ));
    assert!(of(&f, Rule::NoFlyBreach).is_empty(), "not in force: {f:#?}");
    let would: Vec<_> = f.iter().filter(|x| x.proposal.is_some()).collect();
    assert_eq!(would.len(), 1, "{f:#?}");
    let p = would[0].proposal.as_ref().unwrap();
    assert_eq!(
        (p.term.as_str(), p.effect),
        ("nofly-asked", Effect::WouldAdd)
    );
    assert_eq!(would[0].rule, Rule::NoFlyBreach);
    assert!(would[0]
        .explanation
        .starts_with("if proposed nofly-asked (USA's proposal) were in force"));
    // Before the date it was asked for, it would not have applied either.
    let f = check(inc(
        "b",
        "SYR_GOV",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 20),
        36.4,
        35.8,
    ));
    assert!(f.iter().all(|x| x.proposal.is_none()), "{f:#?}");
}

#[test]
fn a_proposed_designation_would_exclude_the_named_group_and_weaken_the_rest() {
    let mut named = inc(
        "a",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    );
    named.perpetrator_group = Some("أحرار الشام".into());
    let f = check(named);
    assert_eq!(
        of(&f, Rule::PartyAttack).len(),
        1,
        "in force: still a party's attack"
    );
    let effects: Vec<(Rule, Effect)> = f
        .iter()
        .filter_map(|x| x.proposal.as_ref().map(|p| (x.rule, p.effect)))
        .collect();
    assert!(
        effects.contains(&(Rule::ExcludedPerpetrator, Effect::WouldAdd)),
        "{f:#?}"
    );
    assert!(
        effects.contains(&(Rule::PartyAttack, Effect::WouldRemove)),
        "{f:#?}"
    );

    let f = check(inc(
        "b",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    ));
    let changed: Vec<_> = f
        .iter()
        .filter(|x| {
            x.proposal
                .as_ref()
                .is_some_and(|p| p.effect == Effect::WouldChange)
        })
        .collect();
    assert_eq!(changed.len(), 1, "{f:#?}");
    assert_eq!(changed[0].confidence, 0.5);
    assert!(
        changed[0].explanation.contains("may be Ahrar al-Sham"),
        "{}",
        changed[0].explanation
    );
}

#[test]
fn notified_site_hit_names_the_organisation_and_who_was_told_when() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::AirStrike,
        T::Medical,
        (2016, 9, 28),
        HOSPITAL.0,
        HOSPITAL.1,
    ));
    let h = of(&f, Rule::NotifiedSiteHit);
    assert_eq!(h.len(), 1, "{f:#?}");
    assert_eq!(h[0].severity, Severity::Grave);
    let e = &h[0].explanation;
    assert!(
        e.contains("SAMS")
            && e.contains("SYR_GOV on 2016-09-01")
            && e.contains("RUS on 2016-09-02 10:00"),
        "{e}"
    );
    // 0.8 km away, radius 0.5 km.
    let f = check(inc(
        "b",
        "SYR_GOV",
        K::AirStrike,
        T::Medical,
        (2016, 9, 28),
        HOSPITAL.0,
        HOSPITAL.1 + 0.8 / 111.195,
    ));
    assert!(of(&f, Rule::NotifiedSiteHit).is_empty(), "{f:#?}");
    // Before anyone was told.
    let f = check(inc(
        "c",
        "SYR_GOV",
        K::AirStrike,
        T::Medical,
        (2016, 8, 30),
        HOSPITAL.0,
        HOSPITAL.1,
    ));
    assert!(of(&f, Rule::NotifiedSiteHit).is_empty());
}

#[test]
fn notified_movement_hit_in_the_corridor_during_the_window() {
    let f = check(at(
        inc(
            "a",
            "UNKNOWN",
            K::AirStrike,
            T::Humanitarian,
            (2016, 9, 19),
            ROUTE.0,
            ROUTE.1,
        ),
        19,
        15,
    ));
    let m = of(&f, Rule::NotifiedMovementHit);
    assert_eq!(m.len(), 1, "{f:#?}");
    let e = &m[0].explanation;
    assert!(
        e.contains("UN / SARC")
            && e.contains("SYR_GOV on 2016-09-18")
            && e.contains("RUS on 2016-09-18"),
        "{e}"
    );
    assert!(!e.contains("USA"), "told after the attack: {e}");
    // The next day: outside the window.
    let f = check(inc(
        "b",
        "UNKNOWN",
        K::AirStrike,
        T::Humanitarian,
        (2016, 9, 20),
        ROUTE.0,
        ROUTE.1,
    ));
    assert!(of(&f, Rule::NotifiedMovementHit).is_empty());
    // 3 km north of the route: outside the 2 km corridor.
    let f = check(inc(
        "c",
        "UNKNOWN",
        K::AirStrike,
        T::Humanitarian,
        (2016, 9, 19),
        ROUTE.0,
        ROUTE.1 + 3.0 / 111.195,
    ));
    assert!(of(&f, Rule::NotifiedMovementHit).is_empty(), "{f:#?}");
}

#[test]
fn output_is_sorted_and_does_not_depend_on_input_order() {
    let mut incidents = vec![
        inc(
            "z",
            "SYR_GOV",
            K::AirStrike,
            T::Medical,
            (2016, 9, 16),
            HOSPITAL.0,
            HOSPITAL.1,
        ),
        inc(
            "a",
            "OPP",
            K::Shelling,
            T::Armed,
            (2016, 9, 16),
            DMZ.0,
            DMZ.1,
        ),
        inc(
            "m",
            "UNKNOWN",
            K::AirStrike,
            T::Humanitarian,
            (2016, 9, 19),
            ROUTE.0,
            ROUTE.1,
        ),
    ];
    let engine = Engine::new(vec![truce()]);
    let a = engine.check(&incidents);
    incidents.reverse();
    let b = engine.check(&incidents);
    assert_eq!(a, b);
    let mut sorted = a.clone();
    sorted.sort_by(hudna_truce::Finding::order);
    assert_eq!(a, sorted);
    assert_eq!(a, engine.check_naive(&incidents));
}

#[test]
fn findings_of_several_truces_are_ordered_by_truce_id() {
    let mut b = truce();
    b.id = "b-truce".into();
    let mut a = truce();
    a.id = "a-truce".into();
    let engine = Engine::new(vec![b, a]);
    let f = engine.check(&[inc(
        "x",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    )]);
    let truces: Vec<&str> = f.iter().map(|x| x.truce.as_str()).collect();
    assert_eq!(truces, ["a-truce", "b-truce"]);
}

#[test]
fn undated_and_unlocated_incidents_are_counted_not_checked() {
    let mut a = inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    );
    a.date = None;
    let mut b = inc(
        "b",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    );
    b.lat = None;
    let (f, stats) = Engine::new(vec![truce()]).check_with_stats(&[a, b]);
    assert!(f.is_empty());
    assert_eq!((stats.undated, stats.unlocated), (1, 1));
}

/// The test truce with one replacement made in its text.
fn truce_with(from: &str, to: &str) -> hudna_truce::Truce {
    let text = crate::common::TRUCE;
    assert!(text.contains(from), "{from}");
    hudna_truce::parse_truce(
        &text.replacen(from, to, 1),
        "t.toml",
        None,
        &crate::common::actors(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// km per degree of latitude (a great circle on the mean Earth, as the engine measures).
const KM_PER_DEG: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

#[test]
fn every_finding_states_the_distance_that_triggered_it() {
    let mut on_isis = inc(
        "b",
        "RUS",
        K::AirStrike,
        T::Armed,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    );
    on_isis.target_actor = Some("ISIS".into());
    let incidents = vec![
        inc(
            "a",
            "SYR_GOV",
            K::Shelling,
            T::Civilians,
            (2016, 9, 14),
            OPEN.0,
            OPEN.1,
        ),
        on_isis,
        inc(
            "c",
            "ISIS",
            K::Explosion,
            T::Civilians,
            (2016, 9, 14),
            OPEN.0,
            OPEN.1,
        ),
        inc(
            "d",
            "UNKNOWN",
            K::Shelling,
            T::Civilians,
            (2016, 9, 14),
            OPEN.0,
            OPEN.1,
        ),
        inc(
            "e",
            "OPP",
            K::Shelling,
            T::Armed,
            (2016, 9, 16),
            DMZ.0,
            DMZ.1,
        ),
        inc(
            "f",
            "RUS",
            K::AirStrike,
            T::Civilians,
            (2016, 9, 16),
            38.1,
            35.1,
        ),
        inc(
            "g",
            "SYR_GOV",
            K::AirStrike,
            T::Medical,
            (2016, 9, 16),
            HOSPITAL.0,
            HOSPITAL.1,
        ),
        inc(
            "h",
            "UNKNOWN",
            K::AirStrike,
            T::Humanitarian,
            (2016, 9, 19),
            ROUTE.0,
            ROUTE.1,
        ),
    ];
    let engine = Engine::new(vec![truce()]);
    let f = engine.check(&incidents);
    for rule in Rule::ALL {
        assert!(f.iter().any(|x| x.rule == *rule), "no {rule:?} in {f:#?}");
    }
    for x in &f {
        let d = x
            .distance_km
            .unwrap_or_else(|| panic!("no distance: {x:#?}"));
        assert!(d >= 0.0 && d.is_finite(), "{x:#?}");
        assert!(
            !x.explanation.contains("more than") && x.explanation.contains(" km "),
            "{}",
            x.explanation
        );
    }
    // Deep inside the covered area the distance is measured in full, not capped: OPEN is
    // 2.6° of latitude north of the country box's southern edge, its nearest.
    let pa = of(&f, Rule::PartyAttack);
    let deep = pa.iter().find(|x| x.incident == "a").unwrap();
    let expected = 2.6 * KM_PER_DEG;
    assert!(
        (deep.distance_km.unwrap() - expected).abs() < 0.01,
        "{} vs {expected}",
        deep.distance_km.unwrap()
    );
    assert!(
        deep.explanation
            .contains("289.1 km inside covered area country"),
        "{}",
        deep.explanation
    );
    // The same with the naive scan.
    assert_eq!(f, engine.check_naive(&incidents));

    // Without a covered area the truce applies everywhere: the scope rules have no boundary
    // to measure from and say so; the others still state theirs.
    let everywhere = truce_with(
        "kind = \"covered_area\"",
        "kind = \"control_area\"\nrestricted = [\"TUR\"]",
    );
    let f = Engine::new(vec![everywhere]).check(&incidents);
    for x in &f {
        match x.rule {
            Rule::PartyAttack
            | Rule::Unattributed
            | Rule::ExcludedPerpetrator
            | Rule::ExcludedTarget => {
                assert_eq!(x.distance_km, None, "{x:#?}");
                assert!(
                    x.explanation.contains("no covered area set"),
                    "{}",
                    x.explanation
                );
            }
            _ => assert!(x.distance_km.is_some(), "{x:#?}"),
        }
    }
    assert!(f.iter().any(|x| x.rule == Rule::PartyAttack));
}

#[test]
fn designations_hold_only_between_listing_and_delisting() {
    // ISIS designated from 14 Sep to the start of 17 Sep only (invented dates, inside the
    // period of 12–19 Sep, so that both ends can be crossed).
    let t = truce_with(
        "listed_from = 2004-10-06",
        "listed_from = 2016-09-14\ndelisted_at = 2016-09-17",
    );
    let engine = Engine::new(vec![t]);
    let by_isis = |day: u32| {
        engine.check(&[inc(
            "a",
            "ISIS",
            K::Explosion,
            T::Civilians,
            (2016, 9, day),
            OPEN.0,
            OPEN.1,
        )])
    };
    let on_isis = |day: u32| {
        let mut i = inc(
            "b",
            "RUS",
            K::AirStrike,
            T::Armed,
            (2016, 9, day),
            OPEN.0,
            OPEN.1,
        );
        i.target_actor = Some("ISIS".into());
        engine.check(&[i])
    };
    // Before the listing: not excluded. ISIS is no party, so nothing is said of its act;
    // the strike on it by a party is a party attack.
    for day in [12, 13] {
        assert!(
            of(&by_isis(day), Rule::ExcludedPerpetrator).is_empty(),
            "{day}"
        );
        let f = on_isis(day);
        assert!(of(&f, Rule::ExcludedTarget).is_empty(), "{day}: {f:#?}");
        assert_eq!(of(&f, Rule::PartyAttack).len(), 1, "{day}: {f:#?}");
    }
    // While listed (the day of listing included, the day before delisting too): excluded.
    for day in [14, 15, 16] {
        let f = by_isis(day);
        let ex = of(&f, Rule::ExcludedPerpetrator);
        assert_eq!(ex.len(), 1, "{day}: {f:#?}");
        assert!(
            ex[0].explanation.contains("from 2016-09-14"),
            "{}",
            ex[0].explanation
        );
        let f = on_isis(day);
        assert_eq!(of(&f, Rule::ExcludedTarget).len(), 1, "{day}: {f:#?}");
        assert!(of(&f, Rule::PartyAttack).is_empty(), "{day}: {f:#?}");
    }
    // From the delisting on: not excluded any more.
    for day in [17, 18] {
        assert!(
            of(&by_isis(day), Rule::ExcludedPerpetrator).is_empty(),
            "{day}"
        );
        let f = on_isis(day);
        assert!(of(&f, Rule::ExcludedTarget).is_empty(), "{day}: {f:#?}");
        assert_eq!(of(&f, Rule::PartyAttack).len(), 1, "{day}: {f:#?}");
    }
}

/// Confidence of the party attack of a point `d_km` north of the covered area's southern
/// edge (latitude 32), at precision `p`, with the distance the finding states.
fn party_attack_at(p: GeoPrecision, d_km: f64) -> (f64, f64) {
    let mut i = inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        38.6,
        32.0 + d_km / KM_PER_DEG,
    );
    i.precision = p;
    let f = check(i);
    let pa = of(&f, Rule::PartyAttack);
    assert_eq!(pa.len(), 1, "{p:?} {d_km}: {f:#?}");
    (
        pa[0].confidence,
        pa[0]
            .distance_km
            .expect("a party attack states its distance"),
    )
}

#[test]
fn confidence_reflects_every_geographic_precision_level() {
    // Every level the extractor can give (whatever it adds later), finest first.
    let mut levels = GeoPrecision::ALL.to_vec();
    levels.sort_by(|a, b| a.radius_km().total_cmp(&b.radius_km()));
    let mut at_one_km = 1.0;
    for p in levels {
        let r = p.radius_km();
        // Beyond the level's radius the whole disc is inside: certain.
        assert_eq!(party_attack_at(p, r * 1.01).0, 1.0, "{p:?}");
        // Half a radius inside: the share of the disc inside (0.80), whatever the level.
        let (c, d) = party_attack_at(p, r / 2.0);
        assert_eq!(c, 0.8, "{p:?}");
        assert!((d - r / 2.0).abs() < 0.01, "{p:?}: {d}");
        // A tenth of a radius inside: barely more likely in than out.
        let near = party_attack_at(p, r / 10.0).0;
        assert!(near > 0.5 && near < 0.6, "{p:?}: {near}");
        // At one kilometre, a coarser place is never more certain than a finer one.
        let c = party_attack_at(p, 1.0).0;
        assert!(c <= at_one_km, "{p:?}: {c} > {at_one_km}");
        at_one_km = c;
    }
    // The levels as the documentation states them, one kilometre inside the boundary.
    assert_eq!(party_attack_at(GeoPrecision::Point, 1.0).0, 1.0);
    assert_eq!(party_attack_at(GeoPrecision::Locality, 1.0).0, 0.8);
    assert_eq!(party_attack_at(GeoPrecision::District, 1.0).0, 0.54);
    assert_eq!(party_attack_at(GeoPrecision::Admin1, 1.0).0, 0.51);
    assert_eq!(party_attack_at(GeoPrecision::Country, 1.0).0, 0.5);
}

#[test]
fn a_hit_near_a_radius_or_corridor_edge_is_less_certain_than_one_at_the_centre() {
    let site = |dy_km: f64, p: GeoPrecision| {
        let mut i = inc(
            "a",
            "SYR_GOV",
            K::AirStrike,
            T::Medical,
            (2016, 9, 16),
            HOSPITAL.0,
            HOSPITAL.1 + dy_km / KM_PER_DEG,
        );
        i.precision = p;
        of(&check(i), Rule::NotifiedSiteHit)
            .first()
            .map(|f| (f.confidence, f.distance_km.unwrap()))
    };
    // The hospital's radius is 0.5 km.
    let (centre, d0) = site(0.0, GeoPrecision::Point).unwrap();
    let (edge, d1) = site(0.4, GeoPrecision::Point).unwrap();
    assert_eq!(centre, 1.0);
    assert!(edge < 0.7, "{edge}");
    assert!(d0 < 0.01 && (d1 - 0.4).abs() < 0.01, "{d0} {d1}");
    // A village centroid on the hospital could be 2 km off: far from certain.
    let (village, _) = site(0.0, GeoPrecision::Locality).unwrap();
    assert!(village < centre && village > 0.5, "{village}");
    assert_eq!(site(0.6, GeoPrecision::Point), None);

    let convoy = |dy_km: f64| {
        let i = at(
            inc(
                "b",
                "UNKNOWN",
                K::AirStrike,
                T::Humanitarian,
                (2016, 9, 19),
                ROUTE.0,
                ROUTE.1 + dy_km / KM_PER_DEG,
            ),
            19,
            15,
        );
        of(&check(i), Rule::NotifiedMovementHit)
            .first()
            .map(|f| f.confidence)
    };
    // The corridor is 2 km wide: 1 km each side of the route.
    let on_route = convoy(0.0).unwrap();
    let near_edge = convoy(0.85).unwrap();
    assert_eq!(on_route, 1.0);
    assert!(near_edge < on_route, "{near_edge}");
    assert_eq!(convoy(1.2), None);
}
