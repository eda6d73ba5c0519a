//! Every finding's Arabic explanation states the facts its English one states: the term, the
//! distance, the dates and times, the shares of time, the actors and names — checked fact by
//! fact, rule by rule, for the proposal openings too, and for each way a date can be known.

use hudna_core::{IncidentType as K, Target as T};
use hudna_truce::{DatePrecision, Effect, Finding, Rule};

use crate::common::{at, check, inc, of};

const OPEN: (f64, f64) = (38.6, 34.6);
const DMZ: (f64, f64) = (37.15, 36.25);
const HOSPITAL: (f64, f64) = (37.19, 36.20);
const ROUTE: (f64, f64) = (36.96, 36.152);
const NOFLY: (f64, f64) = (38.1, 35.1);
const ASKED: (f64, f64) = (36.4, 35.8);

/// The checkable facts of an English explanation: ISO dates, times of day, distances (the
/// number before ` km`), percentages.
fn facts(english: &str) -> Vec<String> {
    let b = english.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !digit(i) || (i > 0 && (digit(i - 1) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (digit(j) || b[j] == b'.' || b[j] == b'-' || b[j] == b':') {
            j += 1;
        }
        let token = english[i..j].trim_end_matches(['.', '-', ':']);
        let rest = &english[i + token.len()..];
        let date = token.len() == 10 && token.as_bytes()[4] == b'-' && token.as_bytes()[7] == b'-';
        let time = token.len() == 5 && token.as_bytes()[2] == b':';
        if date || time || rest.starts_with(" km") || rest.starts_with('%') {
            out.push(token.to_string());
        }
        i = j.max(i + 1);
    }
    out
}

/// Asserts that `f`'s Arabic explanation carries every fact of its English one, the term,
/// and `names`; and that it is Arabic, not English left in place.
fn same_facts(f: &Finding, names: &[&str]) {
    let (en, ar) = (&f.explanation, &f.explanation_ar);
    if std::env::var_os("HUDNA_SHOW_ARABIC").is_some() {
        eprintln!("{en}\n{ar}\n");
    }
    assert!(!ar.is_empty(), "no Arabic for {en}");
    let found = facts(en);
    assert!(!found.is_empty(), "no facts read from {en}");
    for fact in &found {
        assert!(
            ar.contains(fact.as_str()),
            "`{fact}` of «{en}» missing in «{ar}»"
        );
    }
    // Designations are named by their group or actor, other terms by their id.
    if en.contains(&f.term) {
        assert!(ar.contains(&f.term), "term {} missing in «{ar}»", f.term);
    }
    for fact in &found {
        // A distance keeps its unit.
        if en.contains(&format!("{fact} km")) {
            assert!(
                ar.contains(&format!("{fact} كم")),
                "{fact} km missing in «{ar}»"
            );
        }
    }
    for n in names {
        assert!(en.contains(n), "test expects {n} in «{en}»");
        assert!(ar.contains(n), "`{n}` missing in «{ar}»");
    }
    assert!(
        ar.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "not Arabic: {ar}"
    );
    for english in [
        " inside ",
        " during ",
        " period ",
        " party ",
        " notified",
        "unknown",
    ] {
        assert!(!ar.contains(english), "English `{english}` left in «{ar}»");
    }
}

/// The finding a proposed term would make with `effect`.
fn proposed(f: &[Finding], effect: Effect) -> &Finding {
    f.iter()
        .find(|x| x.proposal.as_ref().is_some_and(|p| p.effect == effect))
        .unwrap_or_else(|| panic!("no finding that a proposal would {effect:?}: {f:#?}"))
}

fn one(f: &[Finding], rule: Rule) -> &Finding {
    let v = of(f, rule);
    assert_eq!(v.len(), 1, "{rule}: {f:#?}");
    v[0]
}

#[test]
fn facts_are_read_from_english() {
    assert_eq!(
        facts("x on 2016-09-14 19:00, 12.5 km inside y, 21% of; 0.40 km, 1 site"),
        ["2016-09-14", "19:00", "12.5", "21", "0.40"]
    );
}

#[test]
fn party_attack_and_its_partial_first_evening() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    let pa = one(&f, Rule::PartyAttack);
    same_facts(pa, &["SYR_GOV", "country", "p1", "2016-09-10"]);
    assert!(pa.explanation_ar.contains("المنطقة المشمولة country"));

    // Part of the day inside the period: the share is said in both.
    let f = check(inc(
        "b",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 12),
        OPEN.0,
        OPEN.1,
    ));
    let pa = one(&f, Rule::PartyAttack);
    same_facts(pa, &["21%"]);
}

#[test]
fn excluded_perpetrator_and_target() {
    let f = check(inc(
        "a",
        "ISIS",
        K::Explosion,
        T::Civilians,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    ));
    let ex = one(&f, Rule::ExcludedPerpetrator);
    same_facts(
        ex,
        &["ISIS", "UN Security Council", "2004-10-06", "country"],
    );
    assert!(ex.explanation_ar.contains("لا يُعدّ خرقًا"));

    let mut i = inc(
        "b",
        "SYR_GOV",
        K::AirStrike,
        T::Armed,
        (2016, 9, 14),
        OPEN.0,
        OPEN.1,
    );
    i.target_actor = Some("ISIS".into());
    let f = check(i);
    let ex = one(&f, Rule::ExcludedTarget);
    same_facts(
        ex,
        &["ISIS", "SYR_GOV", "UN Security Council", "2004-10-06"],
    );
    // An air strike is feminine in Arabic: the verbs that refer back to it agree.
    assert!(
        ex.explanation_ar
            .contains("غارة جوية منسوبة إلى SYR_GOV استهدفت"),
        "{}",
        ex.explanation_ar
    );
}

#[test]
fn unattributed() {
    let f = check(inc(
        "a",
        "UNKNOWN",
        K::Shelling,
        T::Civilians,
        (2016, 9, 15),
        OPEN.0,
        OPEN.1,
    ));
    let u = one(&f, Rule::Unattributed);
    same_facts(u, &["p1"]);
    assert!(
        u.explanation_ar.contains("مجهول المنفِّذ"),
        "{}",
        u.explanation_ar
    );
    assert!(u.explanation_ar.contains("يستدعي التحقيق"));
}

#[test]
fn zone_and_no_fly_breaches() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 15),
        DMZ.0,
        DMZ.1,
    ));
    let z = one(&f, Rule::ZoneBreach);
    same_facts(z, &["dmz", "SYR_GOV"]);
    assert!(
        z.explanation_ar.contains("SYR_GOV، OPP"),
        "{}",
        z.explanation_ar
    );

    let f = check(inc(
        "b",
        "RUS",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 16),
        NOFLY.0,
        NOFLY.1,
    ));
    same_facts(one(&f, Rule::NoFlyBreach), &["nofly-now", "RUS"]);

    let f = check(inc(
        "c",
        "UNKNOWN",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 16),
        NOFLY.0,
        NOFLY.1,
    ));
    let n = one(&f, Rule::NoFlyBreach);
    same_facts(n, &["nofly-now"]);
    assert!(
        n.explanation_ar.contains("طائرة مجهولة"),
        "{}",
        n.explanation_ar
    );
    assert!(
        n.explanation_ar.contains("SYR_GOV، RUS"),
        "{}",
        n.explanation_ar
    );
}

#[test]
fn notified_site_and_movement_hits() {
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::AirStrike,
        T::Medical,
        (2016, 9, 15),
        HOSPITAL.0,
        HOSPITAL.1 + 0.002,
    ));
    let h = one(&f, Rule::NotifiedSiteHit);
    same_facts(h, &["hospital", "Test hospital", "SAMS", "SYR_GOV", "RUS"]);
    assert!(h.explanation_ar.contains("مستشفى Test hospital"));

    let f = check(at(
        inc(
            "b",
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
    let m = one(&f, Rule::NotifiedMovementHit);
    same_facts(m, &["convoy", "Test convoy", "UN / SARC", "SYR_GOV", "RUS"]);
    assert!(!m.explanation_ar.contains("USA"), "told after the attack");
}

#[test]
fn proposal_openings() {
    // Would add: the proposed no-fly zone.
    let f = check(inc(
        "a",
        "SYR_GOV",
        K::AirStrike,
        T::Civilians,
        (2016, 9, 22),
        ASKED.0,
        ASKED.1,
    ));
    let add = proposed(&f, Effect::WouldAdd);
    same_facts(add, &["nofly-asked", "USA"]);
    assert!(
        add.explanation_ar
            .starts_with("لو كان البند المقترح nofly-asked (باقتراح من USA) نافذًا: "),
        "{}",
        add.explanation_ar
    );

    // Would change (a caveat) and would no longer hold.
    let f = check(inc(
        "b",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    ));
    let changed = proposed(&f, Effect::WouldChange);
    same_facts(changed, &["ahrar", "Ahrar al-Sham", "RUS"]);
    assert!(changed
        .explanation_ar
        .starts_with("لو كان البند المقترح ahrar"));

    let mut named = inc(
        "c",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    );
    named.perpetrator_group = Some("Ahrar al-Sham".into());
    let f = check(named);
    let gone = proposed(&f, Effect::WouldRemove);
    same_facts(gone, &["ahrar", "Ahrar al-Sham"]);
    assert!(
        gone.explanation_ar
            .starts_with("يسقط هذا الاستنتاج لو أصبح البند المقترح ahrar"),
        "{}",
        gone.explanation_ar
    );
}

#[test]
fn dates_as_precisely_as_known() {
    let base = inc(
        "a",
        "SYR_GOV",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        OPEN.0,
        OPEN.1,
    );
    let ar = |i: hudna_truce::CheckedIncident| {
        let f = check(i);
        let pa = one(&f, Rule::PartyAttack);
        same_facts(pa, &[]);
        pa.explanation_ar.clone()
    };
    assert!(ar(at(base.clone(), 14, 30)).contains("في 2016-09-16 الساعة 14:30"));
    let mut week = base.clone();
    week.date_precision = DatePrecision::Week;
    assert!(ar(week).contains("الأسبوع المحيط بيوم 2016-09-16"));
    let mut month = base.clone();
    month.date_precision = DatePrecision::Month;
    let f = check(month);
    // A month overlaps the period in part; its name is said, as in English.
    let pa = one(&f, Rule::PartyAttack);
    assert!(
        pa.explanation.contains("September 2016"),
        "{}",
        pa.explanation
    );
    assert!(
        pa.explanation_ar.contains("أيلول/سبتمبر 2016"),
        "{}",
        pa.explanation_ar
    );
    let mut reported = base;
    reported.date_precision = DatePrecision::Reported;
    assert!(ar(reported).contains("بين 2016-09-13 و2016-09-16"));
}
