use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Grade, IncidentType, Target};
use hudna_store::{IncidentRecord, SqliteStore, Store, StoredFinding, TruceStore};

use super::*;
use crate::load::tests::{actors, ahrar_in_force, scenario_copy};
use crate::load::{load_truce_file, store_truce};

const NOW: &str = "2026-01-01T00:00:00Z";

fn incident(
    pid: i64,
    perpetrator: &str,
    kind: IncidentType,
    target: Target,
    day: Option<u32>,
    at: (f64, f64),
) -> IncidentRecord {
    let date = day.and_then(|d| NaiveDate::from_ymd_opt(2016, 9, d));
    IncidentRecord {
        public_id: pid,
        id: pid + 1000,
        kind,
        date,
        date_precision: date.map(|_| hudna_store::DatePrecision::Day),
        reported: None,
        place: None,
        admin1: None,
        lat: Some(at.0),
        lon: Some(at.1),
        geo_precision: Some(GeoPrecision::Point),
        perpetrator: perpetrator.into(),
        contested: false,
        grade: Grade::Weak,
        killed: None,
        injured: None,
        target,
        target_actor: None,
        claimed: false,
        investigation: None,
        sources: 1,
        reports: 1,
        block: pid,
        place_mention: pid,
    }
}

fn incidents() -> Vec<IncidentRecord> {
    let mut undated_reported = incident(
        5,
        "UNKNOWN",
        IncidentType::Shelling,
        Target::Civilians,
        None,
        (35.93, 36.63),
    );
    undated_reported.reported = NaiveDate::from_ymd_opt(2016, 9, 16);
    undated_reported.date_precision = Some(hudna_store::DatePrecision::Reported);
    vec![
        // An opposition shelling of western Aleppo during the renewal.
        incident(
            1,
            "OPP",
            IncidentType::Shelling,
            Target::Civilians,
            Some(16),
            (36.21, 37.13),
        ),
        // The convoy: on the route, on 19 Sep.
        incident(
            2,
            "SYR_GOV",
            IncidentType::AirStrike,
            Target::Humanitarian,
            Some(19),
            (36.171, 37.039),
        ),
        // The coalition strike at Deir ez-Zor.
        incident(
            3,
            "COAL",
            IncidentType::AirStrike,
            Target::Armed,
            Some(17),
            (35.30, 40.10),
        ),
        // No day at all: not judged.
        incident(
            4,
            "RUS",
            IncidentType::AirStrike,
            Target::Civilians,
            None,
            (35.93, 36.63),
        ),
        undated_reported,
    ]
}

fn put(store: &mut SqliteStore, list: &[IncidentRecord]) {
    store.begin().unwrap();
    for i in list {
        store.put_incident(i).unwrap();
    }
    store.commit().unwrap();
}

fn load(store: &mut SqliteStore, edit: impl Fn(String) -> String) -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_copy(dir.path(), edit);
    let actors = actors();
    let (t, s) = load_truce_file(&path, &actors).unwrap();
    store_truce(store, &t, &s, &actors, NOW).unwrap().version
}

fn run(store: &mut SqliteStore) -> TruceRun {
    let mut r = check(store, &actors(), None, NOW).unwrap();
    assert_eq!(r.runs.len(), 1);
    r.runs.remove(0)
}

/// Findings without the run stamps and version numbers, which differ between a history and
/// a single run over the same final record and terms.
fn findings(store: &mut SqliteStore) -> Vec<StoredFinding> {
    store
        .truce_findings("issg-2016")
        .unwrap()
        .into_iter()
        .map(|mut f| {
            f.first_run = 0;
            f.run = 0;
            f.truce_version = 0;
            f
        })
        .collect()
}

#[test]
fn a_first_check_stores_findings_and_a_rerun_judges_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    assert!(matches!(
        check(&mut store, &actors(), None, NOW),
        Err(CheckError::NoTruce)
    ));
    load(&mut store, |t| t);
    put(&mut store, &incidents());
    let first = run(&mut store);
    assert_eq!(first.previous_version, None);
    assert_eq!((first.incidents, first.evaluated, first.undated), (5, 5, 1));
    assert_eq!(first.added, first.findings);
    assert!(first.findings >= 4, "{first:#?}");
    let stored = store.truce_findings("issg-2016").unwrap();
    assert_eq!(stored.len() as u64, first.findings);
    assert!(stored
        .iter()
        .all(|f| f.truce_version == 1 && f.first_run == first.run));
    // The convoy strike names the notified parties; the coalition's is a party's attack.
    let convoy = stored
        .iter()
        .find(|f| f.incident == 2 && f.rule == "notified_movement_hit")
        .expect("convoy finding");
    assert!(
        convoy.explanation.contains("notified: SYR_GOV"),
        "{}",
        convoy.explanation
    );
    assert!(stored
        .iter()
        .any(|f| f.incident == 3 && f.rule == "party_attack" && f.proposal.is_none()));
    // The undated report is judged over the days before its publication.
    let reported = stored
        .iter()
        .find(|f| f.incident == 5)
        .expect("reported-day finding");
    assert!(
        reported.explanation.contains("reported 2016-09-16"),
        "{}",
        reported.explanation
    );

    let again = run(&mut store);
    assert_eq!(
        (again.evaluated, again.added, again.removed, again.changed),
        (0, 0, 0, 0)
    );
    assert!(again.changes.is_empty());
    assert_eq!(again.previous_version, Some(1));
    assert_eq!(store.truce_findings("issg-2016").unwrap(), stored);
    assert_eq!(store.check_runs(None, 10).unwrap().len(), 2);
}

/// Findings stored before they were explained in Arabic (rows of schema step 6) get their
/// Arabic at the next check, which reports no change for them: the findings are the same.
#[test]
fn findings_stored_without_arabic_get_it_at_the_next_check_unreported() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    load(&mut store, |t| t);
    put(&mut store, &incidents());
    run(&mut store);
    let stored = store.truce_findings("issg-2016").unwrap();
    assert!(stored.iter().all(|f| !f.explanation_ar.is_empty()));

    // As a database migrated from step 6 has them.
    let mut by_incident: BTreeMap<i64, Vec<StoredFinding>> = BTreeMap::new();
    for f in &stored {
        let mut old = f.clone();
        old.explanation_ar.clear();
        by_incident.entry(f.incident).or_default().push(old);
    }
    store.begin().unwrap();
    for (pid, rows) in &by_incident {
        store.replace_findings("issg-2016", *pid, rows).unwrap();
    }
    store.commit().unwrap();

    let again = run(&mut store);
    assert_eq!(again.evaluated, by_incident.len() as u64);
    assert_eq!((again.added, again.removed, again.changed), (0, 0, 0));
    assert!(again.changes.is_empty(), "{:#?}", again.changes);
    assert_eq!(store.truce_findings("issg-2016").unwrap(), stored);
    assert_eq!(run(&mut store).evaluated, 0);
}

#[test]
fn changed_incidents_and_terms_are_judged_again_and_the_result_matches_a_fresh_check() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    load(&mut store, |t| t);
    put(&mut store, &incidents());
    run(&mut store);

    // A new report turns the coalition strike's target into civilians.
    let mut edited = incidents();
    edited[2].target = Target::Civilians;
    put(&mut store, &edited[2..3]);
    let r = run(&mut store);
    assert_eq!(r.evaluated, 1);
    assert!(!r.changes.is_empty());
    for c in &r.changes {
        assert_eq!(c.after.as_ref().or(c.before.as_ref()).unwrap().incident, 3);
        assert!(c.reason.contains("changed in the record"), "{}", c.reason);
    }
    assert!(r
        .changes
        .iter()
        .any(|c| c.change == "changed" && c.after.as_ref().unwrap().severity == "grave"));

    // Ahrar al-Sham designated in force: only the OPP incident is judged again.
    assert_eq!(load(&mut store, ahrar_in_force), 2);
    let r = run(&mut store);
    assert_eq!(r.previous_version, Some(1));
    assert_eq!(r.evaluated, 1, "{r:#?}");
    assert!(r.term_changes.iter().any(|t| t.id == "ahrar-al-sham"));
    assert!(!r.changes.is_empty());
    for c in &r.changes {
        assert_eq!(c.after.as_ref().or(c.before.as_ref()).unwrap().incident, 1);
        assert!(
            c.reason.contains("designation ahrar-al-sham changed"),
            "{}",
            c.reason
        );
    }
    assert!(store
        .truce_findings("issg-2016")
        .unwrap()
        .iter()
        .all(|f| f.truce_version == 2));

    // The convoy strike is merged into another incident: its findings go, saying where.
    store.begin().unwrap();
    store.delete_incident(1002).unwrap();
    store.retire_public_id(2, 3).unwrap();
    store.commit().unwrap();
    let r = run(&mut store);
    assert_eq!((r.gone, r.evaluated), (1, 0));
    assert!(r
        .changes
        .iter()
        .all(|c| c.change == "removed" && c.reason.contains("merged into incident 3")));

    // The incremental history ends where one check of the final record does.
    let incremental = findings(&mut store);
    let mut fresh = SqliteStore::open_in_memory().unwrap();
    load(&mut fresh, ahrar_in_force);
    let mut last = edited.clone();
    last.remove(1);
    put(&mut fresh, &last);
    run(&mut fresh);
    assert_eq!(findings(&mut fresh), incremental);
}

#[test]
fn only_the_truce_asked_for_is_checked() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    load(&mut store, |t| t);
    load(&mut store, |t| {
        t.replacen("id = \"issg-2016\"", "id = \"issg-copy\"", 1)
    });
    put(&mut store, &incidents());
    let r = check(&mut store, &actors(), Some("issg-copy"), NOW).unwrap();
    assert_eq!(r.runs.len(), 1);
    assert_eq!(r.runs[0].truce, "issg-copy");
    assert!(store.truce_findings("issg-2016").unwrap().is_empty());
    let err = check(&mut store, &actors(), Some("nope"), NOW).unwrap_err();
    assert!(err.to_string().contains("issg-2016, issg-copy"), "{err}");
    let both = check(&mut store, &actors(), None, NOW).unwrap();
    assert_eq!(both.runs.len(), 2);
    assert_eq!(both.runs[1].evaluated, 0, "issg-copy was judged already");
}

/// A site filed through hudna (not in the truce file) is judged like the file's own: an
/// incident in its radius after the parties were told is a `notified_site_hit` on the term
/// `filed:ID`, naming the organisation that filed it; every incident is judged again when the
/// filed set changes, nothing when it does not; a withdrawn site's findings go, and a site
/// filed under another truce is not judged with this one.
#[test]
fn notifications_filed_through_hudna_are_judged_with_the_truce() {
    use hudna_access::{OrgKind, Role};
    use hudna_audit::Actor;
    use hudna_store::NotificationRecord;

    let mut store = SqliteStore::open_in_memory().unwrap();
    load(&mut store, |t| t);
    let mut list = incidents();
    // A Russian air strike on a clinic north-west of Aleppo, on 16 Sep.
    list.push(incident(
        6,
        "RUS",
        IncidentType::AirStrike,
        Target::Medical,
        Some(16),
        (36.300, 37.000),
    ));
    put(&mut store, &list);
    let first = run(&mut store);
    let hit = |store: &mut SqliteStore| -> Vec<StoredFinding> {
        store
            .truce_findings("issg-2016")
            .unwrap()
            .into_iter()
            .filter(|f| f.rule == "notified_site_hit")
            .collect()
    };
    assert!(hit(&mut store).iter().all(|f| f.incident != 6));

    let actor = Actor::Cli("test".into());
    let org = store
        .create_org(&actor, "Relief Clinics", OrgKind::Ngo, &[])
        .unwrap();
    let filer = store
        .create_user(&actor, "filer", "Filer", org, Role::Humanitarian, None)
        .unwrap();
    let site = |truce: Option<&str>, lon: f64| NotificationRecord {
        id: 0,
        org_id: org.0,
        kind: "site".into(),
        name: "Clinic of Kafr Hamra".into(),
        facility: Some("hospital".into()),
        geometry: serde_json::json!({ "type": "Point", "coordinates": [lon, 36.300] }),
        radius_km: Some(1.0),
        corridor_km: None,
        valid_from: Some("2016-09-10T00:00:00Z".into()),
        valid_until: None,
        parties: serde_json::json!([{ "party": "RUS", "at": "2016-09-12T09:00:00Z" }]),
        truce_id: truce.map(str::to_string),
        status: "active".into(),
        visibility: format!("orgs:{}", org.0),
        created_by: filer.0,
        created_at: NOW.into(),
    };
    // Filed under another truce: not judged with this one, and nothing to judge again.
    store
        .create_notification(&actor, &site(Some("another-truce"), 37.0))
        .unwrap();
    let r = run(&mut store);
    assert_eq!((r.evaluated, r.added), (0, 0));

    // Filed under no truce: judged with every one.
    let id = store
        .create_notification(&actor, &site(None, 37.001))
        .unwrap();
    let r = run(&mut store);
    assert_eq!(
        r.evaluated, first.incidents,
        "the filed set changed: everything"
    );
    assert_eq!((r.filed_notifications, r.filed_changed), (1, true));
    let added: Vec<&StoredFinding> = r
        .changes
        .iter()
        .filter(|c| c.change == "added")
        .map(|c| c.after.as_ref().unwrap())
        .collect();
    assert_eq!(added.len(), 1, "{:#?}", r.changes);
    let f = added[0];
    assert_eq!(
        (f.incident, f.rule.as_str(), f.term.clone()),
        (6, "notified_site_hit", format!("filed:{id}"))
    );
    assert_eq!(f.severity, "grave");
    assert!(
        f.explanation.contains("Relief Clinics"),
        "{}",
        f.explanation
    );
    assert!(
        f.explanation.contains("RUS on 2016-09-12"),
        "{}",
        f.explanation
    );
    assert!(r.changes[0].reason.contains("filed through hudna"));
    assert_eq!(hit(&mut store).len(), 1);

    // Nothing changed: nothing judged.
    let r = run(&mut store);
    assert_eq!((r.evaluated, r.added, r.removed), (0, 0, 0));
    assert_eq!((r.filed_notifications, r.filed_changed), (1, false));

    // The incremental record equals one check of the same record from scratch.
    let incremental = findings(&mut store);
    let mut fresh = SqliteStore::open_in_memory().unwrap();
    load(&mut fresh, |t| t);
    put(&mut fresh, &list);
    let o = fresh
        .create_org(&actor, "Relief Clinics", OrgKind::Ngo, &[])
        .unwrap();
    let u = fresh
        .create_user(&actor, "filer", "Filer", o, Role::Humanitarian, None)
        .unwrap();
    let mut again = site(None, 37.001);
    again.org_id = o.0;
    again.created_by = u.0;
    fresh
        .create_notification(&actor, &site(Some("another-truce"), 37.0))
        .unwrap();
    let fid = fresh.create_notification(&actor, &again).unwrap();
    assert_eq!(fid, id);
    run(&mut fresh);
    assert_eq!(findings(&mut fresh), incremental);

    // Withdrawn: its finding goes.
    let mut n = store.notification(id).unwrap().unwrap();
    n.status = "withdrawn".into();
    store.update_notification(&actor, &n).unwrap();
    let r = run(&mut store);
    assert_eq!(r.removed, 1, "{:#?}", r.changes);
    assert!(hit(&mut store).iter().all(|f| f.incident != 6));
}
