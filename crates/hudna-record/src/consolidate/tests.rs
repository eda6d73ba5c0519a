use chrono::NaiveDate;
use hudna_core::IncidentType;

use super::*;

fn sides() -> Sides {
    Sides::from_tsv("code\tside\nSYR_GOV\tgovernment\nRUS\tgovernment\nOPP\topposition\n").unwrap()
}

fn day(d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2016, 9, d)
}

/// A mention of shelling in Kafranbel (or `place` at `lat`), from `article` of `group`.
#[allow(clippy::too_many_arguments)]
fn mention(
    id: i64,
    article: i64,
    group: i64,
    date: Option<NaiveDate>,
    place: &str,
    lat: f64,
    perpetrator: &str,
    killed: Option<u32>,
) -> ClusterMention {
    let incident = Incident {
        article_id: String::new(),
        kind: IncidentType::Shelling,
        date,
        place: Some(place.into()),
        admin1: Some("Idlib".into()),
        lat: Some(lat),
        lon: Some(36.5645),
        perpetrator: perpetrator.into(),
        target: Target::Civilians,
        target_actor: None,
        killed,
        injured: None,
        claimed: false,
        geo_precision: Some(GeoPrecision::Locality),
        evidence: vec![],
    };
    ClusterMention {
        id,
        article: Some(article),
        group: Some(group),
        spot: spot_of(&incident, None),
        place: incident.place.clone(),
        target: Target::Civilians,
        target_actor: None,
        killed,
        injured: None,
        claimed: false,
        incident: None,
        published: None,
    }
}

const KAFRANBEL: f64 = 35.6138;

#[test]
fn one_event_needs_type_place_day_and_a_compatible_perpetrator() {
    let s = sides();
    let a = mention(1, 10, 10, day(18), "كفرنبل", KAFRANBEL, "SYR_GOV", None).spot;
    let same_day_other_name = mention(
        2,
        20,
        20,
        day(19),
        "Kafr Nabl",
        KAFRANBEL + 0.01,
        "RUS",
        None,
    )
    .spot;
    assert!(
        compatible(&a, &same_day_other_name, &s),
        "1 km, a day apart, allied actors"
    );
    let two_days = mention(3, 30, 30, day(20), "كفرنبل", KAFRANBEL, "SYR_GOV", None).spot;
    assert!(!compatible(&a, &two_days, &s));
    let undated = mention(4, 40, 40, None, "كفرنبل", KAFRANBEL, "UNKNOWN", None).spot;
    assert!(compatible(&a, &undated, &s));
    // Opposing sides: a day apart, two events; the same day at the same spot, one disputed
    // event (see `reports_blaming_opposing_sides_…`).
    let opposing = mention(5, 50, 50, day(19), "كفرنبل", KAFRANBEL, "OPP", None).spot;
    assert!(!compatible(&a, &opposing, &s));
    let disputed = mention(5, 50, 50, day(18), "كفرنبل", KAFRANBEL, "OPP", None).spot;
    assert!(compatible(&a, &disputed, &s));
    let far = mention(6, 60, 60, day(18), "حاس", KAFRANBEL + 0.08, "SYR_GOV", None).spot;
    assert!(!compatible(&a, &far, &s), "9 km away is another place");
    let mut air = a.clone();
    air.kind = IncidentType::AirStrike;
    assert!(!compatible(&a, &air, &s));
    let mut country = a.clone();
    country.precision = Some(GeoPrecision::Country);
    assert!(
        !compatible(&country, &country.clone(), &s),
        "a country is not a place"
    );
}

#[test]
fn a_coarse_place_named_in_two_languages_is_one_place() {
    let s = sides();
    let coarse = |id: i64, place: &str, lat: f64| {
        let mut m = mention(id, id * 10, id * 10, day(17), place, lat, "SYR_GOV", None).spot;
        m.precision = Some(GeoPrecision::District);
        m
    };
    let arabic = coarse(1, "جبل ثردة", 35.257);
    let english = coarse(2, "Jabal Tharda", 35.257);
    assert!(compatible(&arabic, &english, &s));
    assert!(search_box(&english).is_some(), "found by its point");
    // Another coarse place a few km off is not the same one (a ridge is not the airport it
    // overlooks); fine points that close would be.
    let nearby = coarse(3, "Deir ez-Zor airport", 35.257 + 0.03);
    assert!(!compatible(&arabic, &nearby, &s));
    // Two names in one script at one point are two places: villages the gazetteer lacks
    // take the point of the town they are near.
    let village = coarse(4, "تل الورد", 35.257);
    assert!(!compatible(&arabic, &village, &s));
    // A governorate's point says only the governorate.
    let mut governorate = english.clone();
    governorate.precision = Some(GeoPrecision::Admin1);
    let mut other = arabic.clone();
    other.precision = Some(GeoPrecision::Admin1);
    assert!(!compatible(&governorate, &other, &s));
}

#[test]
fn clusters_do_not_depend_on_input_order() {
    let s = sides();
    let ms = vec![
        mention(11, 1, 1, day(18), "كفرنبل", KAFRANBEL, "SYR_GOV", Some(2)),
        mention(7, 2, 2, day(19), "كفرنبل", KAFRANBEL, "RUS", Some(3)),
        mention(30, 3, 3, None, "كفرنبل", KAFRANBEL, "UNKNOWN", None),
        mention(5, 4, 4, day(25), "كفرنبل", KAFRANBEL, "SYR_GOV", None),
        mention(19, 1, 1, day(18), "كفرنبل", KAFRANBEL, "SYR_GOV", Some(1)),
    ];
    let ids = |ms: &[ClusterMention]| {
        let mut out: Vec<Vec<i64>> = cluster(ms, &s)
            .into_iter()
            .map(|c| {
                let mut ids: Vec<i64> = c.iter().map(|&i| ms[i].id).collect();
                ids[1..].sort_unstable();
                ids
            })
            .collect();
        out.sort();
        out
    };
    let forward = ids(&ms);
    let mut reversed = ms.clone();
    reversed.reverse();
    assert_eq!(ids(&reversed), forward);
    let mut rotated = ms.clone();
    rotated.rotate_left(2);
    assert_eq!(ids(&rotated), forward);
    // Seeds are dated first, earliest first, then by id: 11 (day 18) seeds; 19 is from the
    // same article, so it seeds its own; 7 (day 19, another article) joins 11; 5 (day 25)
    // is too late for either and seeds; the undated report joins the first seed it matches.
    assert_eq!(forward, vec![vec![5], vec![11, 7, 30], vec![19]]);
}

#[test]
fn daily_shelling_of_one_town_does_not_chain_into_one_incident() {
    let s = sides();
    let ms: Vec<ClusterMention> = (1..=6)
        .map(|d| {
            mention(
                d as i64,
                d as i64,
                d as i64,
                day(d),
                "كفرنبل",
                KAFRANBEL,
                "SYR_GOV",
                None,
            )
        })
        .collect();
    let clusters = cluster(&ms, &s);
    assert!(clusters.len() >= 2, "{clusters:?}");
    for c in &clusters {
        let days: Vec<i64> = c.iter().map(|&i| ms[i].id).collect();
        let span = days.iter().max().unwrap() - days.iter().min().unwrap();
        assert!(
            span <= 2,
            "an incident spans at most seed ± 1 day: {days:?}"
        );
    }
}

#[test]
fn grades_follow_independent_sources_claims_and_disputes() {
    // Two copies of one agency story (group 1) and nothing else: one source, weak.
    let ms = vec![
        mention(1, 100, 1, day(18), "كفرنبل", KAFRANBEL, "SYR_GOV", Some(2)),
        mention(2, 101, 1, day(18), "كفرنبل", KAFRANBEL, "SYR_GOV", Some(2)),
    ];
    let i = aggregate(&ms, &[0, 1], None);
    assert_eq!((i.grade, i.sources, i.reports), (Grade::Weak, 1, 2));

    // A second, independent outlet: fair; the highest toll stands.
    let mut ms2 = ms.clone();
    ms2.push(mention(
        3,
        200,
        2,
        day(18),
        "كفرنبل",
        KAFRANBEL,
        "SYR_GOV",
        Some(4),
    ));
    let i = aggregate(&ms2, &[0, 1, 2], None);
    assert_eq!((i.grade, i.sources, i.killed), (Grade::Fair, 2, Some(4)));

    // The second outlet blames Russia: contested; the thousand copies of the first story
    // do not outvote it, and the tie goes to the smaller code.
    let mut ms3 = ms.clone();
    ms3.push(mention(
        3,
        200,
        2,
        day(18),
        "كفرنبل",
        KAFRANBEL,
        "RUS",
        None,
    ));
    let i = aggregate(&ms3, &[0, 1, 2], None);
    assert!(i.contested);
    assert_eq!(i.grade, Grade::Contested);
    assert_eq!(i.perpetrator, "RUS");

    // Claimed by the perpetrator, or established by an investigation: confirmed.
    let mut ms4 = ms.clone();
    ms4[0].claimed = true;
    assert_eq!(aggregate(&ms4, &[0, 1], None).grade, Grade::Confirmed);
    assert_eq!(
        aggregate(&ms, &[0, 1], Some("OPCW-FFM 2018/1".into())).grade,
        Grade::Confirmed
    );
}

#[test]
fn an_actor_listed_on_two_sides_is_on_both() {
    let s = Sides::from_tsv(
        "code\tside\nOPP\topposition\nHTS\topposition\nOPP\tturkish_operations\nTUR\tturkish_operations\nSYR_GOV\tgovernment\n",
    )
    .unwrap();
    assert!(s.compatible("OPP", "HTS"), "OPP is opposition");
    assert!(
        s.compatible("OPP", "TUR"),
        "OPP is in the Turkish operations"
    );
    assert!(s.compatible("TUR", "OPP"));
    assert!(!s.compatible("TUR", "HTS"), "no side in common");
    assert!(!s.compatible("OPP", "SYR_GOV"));
    // The theatre's own file lists OPP twice, as its comment says an actor may be.
    let syria = Sides::from_tsv(include_str!("../../../../data/theatres/syria/sides.tsv")).unwrap();
    assert!(syria.compatible("OPP", "HTS") && syria.compatible("OPP", "TUR"));
    assert!(!syria.compatible("TUR", "HTS"));
}

#[test]
fn sides_files_are_checked() {
    assert!(Sides::from_tsv("SYR_GOV government\n").is_err());
    let s = Sides::from_tsv("# comment\ncode\tside\n").unwrap();
    assert!(
        s.compatible("SYR_GOV", "OPP"),
        "without sides, any attribution may be confused"
    );
}

#[test]
fn public_ids_pass_to_the_cluster_with_most_of_the_reports() {
    use std::collections::{HashMap, HashSet};
    let linked = |id: i64, to: i64| {
        let mut m = mention(
            id,
            id * 10,
            id * 10,
            day(18),
            "كفرنبل",
            KAFRANBEL,
            "SYR_GOV",
            None,
        );
        m.incident = Some(to);
        m
    };
    let never_taken = |seed: i64, reserved: &HashSet<i64>| {
        fresh_public_id(seed, |id| Ok::<_, ()>(reserved.contains(&id)))
    };
    // Incident 1 (public 100) had reports 1–3, incident 4 (public 200) report 4; a new
    // report bridges them and they become one: it keeps 100, 200 is retired into it.
    let mut ms: Vec<ClusterMention> = vec![linked(1, 1), linked(2, 1), linked(3, 1), linked(4, 4)];
    ms.push(mention(
        5,
        50,
        50,
        day(18),
        "كفرنبل",
        KAFRANBEL,
        "SYR_GOV",
        None,
    ));
    let old: HashMap<i64, i64> = [(1, 100), (4, 200)].into_iter().collect();
    let (ids, retired) =
        successor_public_ids(&ms, &[vec![4, 0, 1, 2, 3]], &old, never_taken).unwrap();
    assert_eq!(ids, vec![100]);
    assert_eq!(retired, vec![(200, 100)]);

    // Incident 1 splits: the part with two of its three reports keeps 100; the other
    // gets its seed's id, unless that id was ever given (then one derived from it).
    let ms = vec![linked(1, 1), linked(2, 1), linked(3, 1)];
    let old: HashMap<i64, i64> = [(1, 100)].into_iter().collect();
    let (ids, retired) =
        successor_public_ids(&ms, &[vec![0], vec![1, 2]], &old, never_taken).unwrap();
    assert_eq!(ids, vec![1, 100]);
    assert!(retired.is_empty());
    let old: HashMap<i64, i64> = [(1, 1)].into_iter().collect();
    let (ids, _) = successor_public_ids(&ms, &[vec![0], vec![1, 2]], &old, never_taken).unwrap();
    assert_eq!(ids[1], 1, "the larger part keeps the id");
    assert_ne!(ids[0], 1, "an id is never given twice");
    assert_eq!(
        ids[0],
        fresh_public_id(1, |id| Ok::<_, ()>(id == 1)).unwrap()
    );
}

#[test]
fn an_undated_incident_is_dated_by_its_earliest_report() {
    let undated = |id: i64, published: u32| {
        dated_by_publication(
            mention(id, id, id, None, "كفرنبل", KAFRANBEL, "SYR_GOV", None),
            day(published),
        )
    };
    let ms = vec![undated(1, 20), undated(2, 19)];
    let i = aggregate(&ms, &[0, 1], None);
    assert_eq!(i.date, None);
    assert_eq!(i.reported, day(19));
    assert_eq!(i.date_precision, Some(hudna_store::DatePrecision::Reported));
    // One source giving the day is enough: the day is known.
    let mut ms = ms;
    ms.push(mention(
        3,
        3,
        3,
        day(17),
        "كفرنبل",
        KAFRANBEL,
        "SYR_GOV",
        None,
    ));
    let i = aggregate(&ms, &[2, 0, 1], None);
    assert_eq!((i.date, i.reported), (day(17), None));
    assert_eq!(i.date_precision, Some(hudna_store::DatePrecision::Day));
    // Nothing dates it at all.
    let mut bare = undated(4, 1);
    bare.published = None;
    let i = aggregate(&[bare], &[0], None);
    assert_eq!((i.date, i.reported, i.date_precision), (None, None, None));
}

/// `m` as read from an article published on `published`.
fn dated_by_publication(mut m: ClusterMention, published: Option<NaiveDate>) -> ClusterMention {
    m.published = published;
    if m.spot.date.is_none() {
        m.spot.reported = published;
    }
    m
}

#[test]
fn a_report_dated_by_publication_only_matches_the_days_around_it() {
    let s = sides();
    // Government artillery on the town, in a round-up published on the 14th that gives no day.
    let undated = |published: u32| {
        dated_by_publication(
            mention(1, 1, 1, None, "كفرنبل", KAFRANBEL, "SYR_GOV", None),
            day(published),
        )
        .spot
    };
    let on = |d: u32| mention(2, 2, 2, day(d), "كفرنبل", KAFRANBEL, "SYR_GOV", None).spot;
    let r = undated(14);
    // It happened on the 14th or in the three days before; a report's day may be one off.
    for d in 10..=15 {
        assert!(compatible(&r, &on(d), &s), "day {d}");
    }
    for d in [9, 16, 20, 30] {
        assert!(
            !compatible(&r, &on(d), &s),
            "day {d} is too far from the 14th"
        );
    }
    // Two such reports: publication days at most four apart.
    assert!(compatible(&r, &undated(18), &s));
    assert!(compatible(&r, &undated(10), &s));
    assert!(!compatible(&r, &undated(19), &s));
    // Nothing dates it: any day.
    let bare = mention(3, 3, 3, None, "كفرنبل", KAFRANBEL, "SYR_GOV", None).spot;
    assert!(compatible(&bare, &on(30), &s) && compatible(&bare, &r, &s));

    // The store's neighbour search covers exactly the compatible days.
    let window = day_window(&r).unwrap();
    let inside = |x: NaiveDate, (a, b): (NaiveDate, NaiveDate)| a <= x && x <= b;
    for d in 1..=30 {
        assert_eq!(
            inside(day(d).unwrap(), window.dated),
            compatible(&r, &on(d), &s),
            "dated {d}"
        );
        assert_eq!(
            inside(day(d).unwrap(), window.reported),
            compatible(&r, &undated(d), &s),
            "published {d}"
        );
    }
    let window = day_window(&on(14)).unwrap();
    for d in 1..=30 {
        assert_eq!(
            inside(day(d).unwrap(), window.dated),
            compatible(&on(14), &on(d), &s)
        );
        assert_eq!(
            inside(day(d).unwrap(), window.reported),
            compatible(&on(14), &undated(d), &s)
        );
    }
    assert_eq!(day_window(&bare), None);
}

/// A mention of `kind` at a point (`precision`), on `date`, blamed on `perpetrator`.
#[allow(clippy::too_many_arguments)]
fn report(
    id: i64,
    kind: IncidentType,
    date: Option<NaiveDate>,
    place: &str,
    (lat, lon): (f64, f64),
    precision: GeoPrecision,
    perpetrator: &str,
    target: Target,
) -> ClusterMention {
    let incident = Incident {
        article_id: String::new(),
        kind,
        date,
        place: Some(place.into()),
        admin1: Some("Aleppo".into()),
        lat: Some(lat),
        lon: Some(lon),
        perpetrator: perpetrator.into(),
        target,
        target_actor: None,
        killed: None,
        injured: None,
        claimed: false,
        geo_precision: Some(precision),
        evidence: vec![],
    };
    ClusterMention {
        id,
        article: Some(id * 10),
        group: Some(id * 10),
        spot: spot_of(&incident, day(20)),
        place: incident.place.clone(),
        target,
        target_actor: None,
        killed: None,
        injured: None,
        claimed: false,
        incident: None,
        published: day(20),
    }
}

/// Urum al-Kubra, where the aid convoy was hit on 19 September 2016.
const URUM: (f64, f64) = (36.14819, 36.94776);

#[test]
fn reports_blaming_opposing_sides_are_one_contested_incident_only_when_clearly_one_event() {
    let s = sides();
    let convoy = |id: i64, perpetrator: &str| {
        report(
            id,
            IncidentType::AirStrike,
            day(19),
            "أورم الكبرى",
            URUM,
            GeoPrecision::Locality,
            perpetrator,
            Target::Humanitarian,
        )
    };
    // Opposition media blame Russian jets; another outlet spells the town in Latin letters
    // and blames the government; a third gives Moscow's version, blaming the rebels.
    let mut other_spelling = convoy(2, "SYR_GOV");
    other_spelling.place = Some("Urum al-Kubra".into());
    let ms = vec![convoy(1, "RUS"), other_spelling, convoy(3, "OPP")];
    assert!(compatible(&ms[0].spot, &ms[2].spot, &s));
    let clusters = cluster(&ms, &s);
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    let i = aggregate(&ms, &clusters[0], None);
    assert!(i.contested);
    assert_eq!((i.grade, i.sources, i.reports), (Grade::Contested, 3, 3));

    // Not when the type differs, for a clash (both sides fight in it), on another day, with
    // a day known only by publication, at a place 3 km off (close enough for reports that
    // agree), or at a vague place.
    let base = convoy(1, "RUS");
    let apart = |m: ClusterMention, why: &str| {
        assert!(!compatible(&base.spot, &m.spot, &s), "{why}");
        assert_eq!(cluster(&[base.clone(), m], &s).len(), 2, "{why}");
    };
    let mut shelling = convoy(3, "OPP");
    shelling.spot.kind = IncidentType::Shelling;
    apart(shelling, "another type");
    let clash = |id, perp| {
        report(
            id,
            IncidentType::ArmedClash,
            day(19),
            "أورم الكبرى",
            URUM,
            GeoPrecision::Locality,
            perp,
            Target::Armed,
        )
    };
    assert!(!compatible(
        &clash(1, "RUS").spot,
        &clash(3, "OPP").spot,
        &s
    ));
    let mut next_day = convoy(3, "OPP");
    next_day.spot.date = day(20);
    apart(next_day, "a day later");
    let mut by_publication = convoy(3, "OPP");
    by_publication.spot.date = None;
    by_publication.spot.reported = day(19);
    apart(by_publication, "dated only by publication");
    let near = report(
        3,
        IncidentType::AirStrike,
        day(19),
        "الجينة",
        (URUM.0 + 0.027, URUM.1),
        GeoPrecision::Locality,
        "OPP",
        Target::Humanitarian,
    );
    assert!(
        compatible(
            &base.spot,
            &{
                let mut n = near.spot.clone();
                n.perpetrator = "SYR_GOV".into();
                n
            },
            &s
        ),
        "3 km is one place for reports that agree"
    );
    apart(near, "3 km away");
    let mut district = convoy(3, "OPP");
    district.spot.precision = Some(GeoPrecision::District);
    apart(district, "a district is not a spot");
}

#[test]
fn an_unattributed_seed_does_not_gather_opposing_sides_from_around_it() {
    let s = sides();
    let at = |id: i64, dlat: f64, perpetrator: &str| {
        report(
            id,
            IncidentType::Shelling,
            day(19),
            &format!("p{id}"),
            (URUM.0 + dlat, URUM.1),
            GeoPrecision::Point,
            perpetrator,
            Target::Civilians,
        )
    };
    // The seed, unattributed; government shelling 2 km north, rebel shelling 2 km south:
    // each may be the seed's event, but they are 4 km apart, so not one another's.
    let ms = vec![
        at(1, 0.0, "UNKNOWN"),
        at(2, 0.018, "SYR_GOV"),
        at(3, -0.018, "OPP"),
    ];
    let clusters = cluster(&ms, &s);
    let ids: Vec<Vec<i64>> = clusters
        .iter()
        .map(|c| c.iter().map(|&i| ms[i].id).collect())
        .collect();
    assert_eq!(ids, vec![vec![1, 2], vec![3]]);
    // The rebel report at the seed's very spot may stand beside the government one only if
    // it is within a kilometre of it too.
    let ms = vec![
        at(1, 0.0, "UNKNOWN"),
        at(2, 0.005, "SYR_GOV"),
        at(3, -0.002, "OPP"),
    ];
    assert_eq!(cluster(&ms, &s).len(), 1);
}
