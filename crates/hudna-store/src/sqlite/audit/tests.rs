//! The audit log in SQLite: what the records cover, what the triggers note, paging, and the
//! step that carried old hashes over. Changes "outside hudna" are made through a second
//! connection, as `sqlite3` would make them: it has none of hudna's triggers.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;

use chrono::NaiveDate;
use hudna_core::{Grade, IncidentType, Target};

use super::*;
use crate::model::{IncidentRecord, NewArticle, NewMention, Spot};
use crate::{Store, TruceStore};

fn article(id: i64, text: &str) -> NewArticle<'_> {
    let mut hash = [0u8; 32];
    hash[..8].copy_from_slice(&id.to_le_bytes());
    NewArticle {
        id,
        content_hash: hash,
        external_id: None,
        url: None,
        title: None,
        published: NaiveDate::from_ymd_opt(2016, 9, 19),
        outlet: None,
        text,
        source_file: "test",
        source_format: "jsonl",
        source_locator: None,
        ingested_at: "2026-01-01T00:00:00Z",
        minhash: &[1, 2, 3],
        group: id,
    }
}

fn report() -> hudna_core::Incident {
    hudna_core::Incident {
        article_id: String::new(),
        kind: IncidentType::Shelling,
        date: NaiveDate::from_ymd_opt(2016, 9, 18),
        place: Some("Kafr Nabl".into()),
        admin1: Some("Idlib".into()),
        lat: Some(35.61),
        lon: Some(36.56),
        perpetrator: "SYR_GOV".into(),
        target: Target::Civilians,
        target_actor: None,
        killed: Some(2),
        injured: None,
        claimed: false,
        geo_precision: None,
        evidence: vec![[0, 4]],
    }
}

fn incident(id: i64, public_id: i64, reports: u32) -> IncidentRecord {
    IncidentRecord {
        public_id,
        id,
        kind: IncidentType::Shelling,
        date: NaiveDate::from_ymd_opt(2016, 9, 18),
        date_precision: None,
        reported: None,
        place: Some("Kafr Nabl".into()),
        admin1: Some("Idlib".into()),
        lat: Some(35.61),
        lon: Some(36.56),
        geo_precision: None,
        perpetrator: "SYR_GOV".into(),
        contested: false,
        grade: Grade::Weak,
        killed: Some(2),
        injured: None,
        target: Target::Civilians,
        target_actor: None,
        claimed: false,
        investigation: None,
        sources: 1,
        reports,
        block: 100,
        place_mention: id,
    }
}

/// Two articles, the second a copy of the first, each with one mention; one incident (row
/// and public id 11) made of both mentions.
fn record(path: &Path) -> SqliteStore {
    let mut s = SqliteStore::open(path).unwrap();
    s.begin().unwrap();
    s.insert_spot(&Spot {
        id: 1,
        kind: IncidentType::Shelling,
        date: NaiveDate::from_ymd_opt(2016, 9, 18),
        place_key: "kafr nabl".into(),
        admin1: Some("Idlib".into()),
        lat: Some(35.61),
        lon: Some(36.56),
        precision: None,
        perpetrator: "SYR_GOV".into(),
        block: 100,
        reported: None,
    })
    .unwrap();
    let r = report();
    for (a, m) in [(1, 11), (2, 21)] {
        s.insert_article(&article(a, "Shelling of Kafr Nabl"))
            .unwrap();
        s.insert_mention(&NewMention {
            id: m,
            article: Some(a),
            ordinal: 0,
            source_ref: None,
            source_note: None,
            source_group: None,
            incident: &r,
            spot: 1,
        })
        .unwrap();
    }
    s.set_canonical(2, Some(1)).unwrap();
    s.put_incident(&incident(11, 11, 2)).unwrap();
    s.link(11, 11, "SYR_GOV").unwrap();
    s.link(21, 11, "SYR_GOV").unwrap();
    s.commit().unwrap();
    s
}

/// A change made with another connection, as `sqlite3` makes it.
fn outside(path: &Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(sql).unwrap();
}

fn problem(s: &SqliteStore) -> Option<String> {
    s.audit_verify().unwrap().problem
}

#[test]
fn links_syndication_and_settings_are_part_of_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    drop(record(&path));
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(problem(&s), None);
    drop(s);

    for (name, sql, named) in [
        (
            "a source unlinked",
            "DELETE FROM incident_sources WHERE mention_id = 21",
            "incident 11 was changed outside hudna",
        ),
        (
            "a source moved",
            "UPDATE incident_sources SET attribution = 'RUS' WHERE mention_id = 11",
            "incident 11 was changed outside hudna",
        ),
        (
            "a copy unlinked",
            "DELETE FROM syndication WHERE article_id = 2",
            "article 2 was changed outside hudna",
        ),
        (
            "a canonical article made a copy",
            "INSERT INTO syndication (article_id, canonical_id) VALUES (1, 2)",
            "article 1 was changed outside hudna",
        ),
        (
            "a visibility set aside the incident",
            "INSERT INTO incident_settings (public_id, visibility) VALUES (11, 'public')",
            "incident 11 was changed outside hudna",
        ),
    ] {
        let copy = dir.path().join("copy.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
        }
        std::fs::copy(&path, &copy).unwrap();
        outside(&copy, sql);
        let s = SqliteStore::open(&copy).unwrap();
        let p = problem(&s).unwrap_or_else(|| panic!("{name}: not found"));
        assert!(p.contains(named), "{name}: {p}");
    }
}

#[test]
fn changes_to_links_made_by_hudna_are_logged_by_the_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let mut s = record(&path);
    let entries = s.audit_entries(None, 1000).unwrap().len();
    // Only a link changes: no store method is told which incident that touches.
    s.begin().unwrap();
    s.link(21, 11, "RUS").unwrap();
    s.commit().unwrap();
    let log = s.audit_entries(None, 1000).unwrap();
    assert_eq!(log.len(), entries + 1);
    let last = log.last().unwrap();
    assert_eq!(
        (last.record_kind.as_str(), last.record_id.as_str()),
        ("incident", "11")
    );
    // A copy made canonical again.
    s.begin().unwrap();
    s.set_canonical(2, None).unwrap();
    s.commit().unwrap();
    let last = s.audit_entries(None, 1000).unwrap().pop().unwrap();
    assert_eq!(
        (last.record_kind.as_str(), last.record_id.as_str()),
        ("article", "2")
    );
    // A rolled-back change leaves no note behind for the next batch.
    s.begin().unwrap();
    s.link(21, 11, "HTS").unwrap();
    s.rollback().unwrap();
    let before = s.audit_entries(None, 1000).unwrap().len();
    s.begin().unwrap();
    s.set_meta("x", "y").unwrap();
    s.commit().unwrap();
    assert_eq!(s.audit_entries(None, 1000).unwrap().len(), before);
    assert_eq!(problem(&s), None);
}

#[test]
fn a_public_id_that_moves_to_another_row_or_goes_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let mut s = record(&path);
    // Consolidation gives the row another public id; 11 is retired into it.
    s.begin().unwrap();
    s.put_incident(&incident(11, 77, 2)).unwrap();
    s.retire_public_id(11, 77).unwrap();
    s.commit().unwrap();
    assert_eq!(problem(&s), None);
    let log = s.audit_history("incident", "11").unwrap();
    assert_eq!(log.last().unwrap().action, "retire");
    // The row goes, its reports moved to a new row with the same public id.
    s.begin().unwrap();
    s.put_incident(&incident(21, 77, 2)).unwrap();
    s.rename_incident(11, 21).unwrap();
    s.delete_incident(11).unwrap();
    s.commit().unwrap();
    assert_eq!(problem(&s), None);
    // And the row goes with nothing taking its public id.
    s.begin().unwrap();
    s.put_incident(&incident(11, 88, 0)).unwrap();
    s.commit().unwrap();
    s.begin().unwrap();
    s.delete_incident(11).unwrap();
    s.commit().unwrap();
    assert_eq!(problem(&s), None);
    assert_eq!(
        s.audit_history("incident", "88")
            .unwrap()
            .last()
            .unwrap()
            .action,
        "retire"
    );
}

#[test]
fn the_log_pages_by_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let s = record(&path);
    let all = s.audit_page(None, None, 1000).unwrap();
    assert!(all.len() >= 3);
    // One batch, one instant: `since` cannot split it, `after` can.
    assert!(all.iter().all(|e| e.at == all[0].at));
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s.audit_page(None, after, 2).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().map(|e| e.seq);
        seen.extend(page.into_iter().map(|e| e.seq));
    }
    assert_eq!(seen, all.iter().map(|e| e.seq).collect::<Vec<_>>());
    let since = hudna_audit::parse_timestamp(&all[0].at).unwrap();
    assert_eq!(
        s.audit_page(Some(since), Some(all[0].seq), 1000)
            .unwrap()
            .len(),
        all.len() - 1
    );
    let later = since + chrono::Duration::seconds(1);
    assert!(s.audit_page(Some(later), None, 1000).unwrap().is_empty());
}

#[test]
fn a_new_truce_version_is_not_built_on_terms_edited_outside_hudna() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let mut s = SqliteStore::open(&path).unwrap();
    let version = |toml: &'static str| crate::NewTruceVersion {
        truce_id: "t",
        content_hash: [toml.len() as u8; 32],
        source: "t.toml",
        name_en: "T",
        name_ar: "ت",
        loaded_at: "2026-01-01T00:00:00Z",
        changes: "[]",
        toml,
        files: &[],
        terms: &[],
    };
    s.begin().unwrap();
    s.insert_truce_version(&version("id = \"t\"")).unwrap();
    s.commit().unwrap();
    s.expect_unchanged("truce_version", "t@1").unwrap();
    outside(
        &path,
        "UPDATE truce_versions SET toml = 'id = \"u\"' WHERE version = 1",
    );
    assert!(matches!(
        s.expect_unchanged("truce_version", "t@1"),
        Err(StoreError::OutOfBand(_))
    ));
    s.begin().unwrap();
    let err = s
        .insert_truce_version(&version("id = \"t\"\n"))
        .unwrap_err();
    s.rollback().unwrap();
    assert!(
        matches!(&err, StoreError::OutOfBand(m) if m.contains("truce_version t@1")),
        "{err}"
    );
    assert_eq!(s.truce_versions("t").unwrap(), vec![1]);
}

#[test]
fn reading_commands_do_not_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let err = SqliteStore::open_existing(&path).unwrap_err();
    assert!(matches!(err, StoreError::NoDatabase { .. }), "{err}");
    assert!(err.to_string().contains("typo.db does not exist"), "{err}");
    assert!(!path.exists());
    assert!(crate::open_existing(path.to_str().unwrap()).is_err());
    assert!(!path.exists());
    drop(record(&path));
    let s = SqliteStore::open_existing(&path).unwrap();
    assert_eq!(problem(&s), None);
}

/// A database written before step 6 logged its articles and incidents without links: the
/// step logs their new hashes, except for a record already changed outside hudna.
#[test]
fn step_6_carries_the_old_hashes_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    drop(record(&path));
    // Make it look like schema 5: the last entries of the articles and the incident carry
    // the old definitions' hashes.
    {
        let conn = Connection::open(&path).unwrap();
        // (and before the later steps, undone here).
        conn.execute_batch(
            "DELETE FROM schema_version WHERE version >= 6;
             ALTER TABLE findings DROP COLUMN explanation_ar;",
        )
        .unwrap();
        let at = Utc::now();
        for (old, id) in [(&ARTICLE_V5, "1"), (&ARTICLE_V5, "2"), (&INCIDENT_V5, "11")] {
            let h = current_hash(&conn, old, id).unwrap().unwrap();
            let before = last_logged(&conn, old.kind, id).unwrap();
            append_after(
                &conn,
                head(&conn).unwrap(),
                NewEntry {
                    at,
                    actor: Actor::System,
                    action: "update".into(),
                    record_kind: old.kind.into(),
                    record_id: id.into(),
                    before,
                    after: h,
                },
            )
            .unwrap();
        }
        // Article 2 was edited by hand before the upgrade.
        conn.execute("UPDATE articles SET title = 'edited' WHERE id = 2", [])
            .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        crate::MIGRATIONS.last().unwrap().0
    );
    let rehashed: Vec<String> = s
        .audit_entries(None, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "rehash")
        .map(|e| format!("{} {}", e.record_kind, e.record_id))
        .collect();
    assert_eq!(rehashed, vec!["article 1", "incident 11"]);
    let report = s.audit_verify().unwrap();
    assert_eq!(report.bad_rows, 1);
    assert!(report
        .problem
        .unwrap()
        .contains("article 2 was changed outside hudna"),);
}

/// A database written before step 7 has findings without Arabic explanations: the step adds
/// the column (empty for them), and an empty Arabic line hashes as before, so the entries
/// logged before the step still verify. Once a finding has its Arabic, the audited hash
/// covers it: the rewrite is logged, and an Arabic line edited outside hudna is found.
#[test]
fn step_7_keeps_old_hashes_and_audits_arabic_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let finding = |ar: &str| crate::StoredFinding {
        incident: 11,
        truce: "t".into(),
        truce_version: 1,
        term: "p1".into(),
        rule: "party_attack".into(),
        severity: "grave".into(),
        confidence: 1.0,
        distance_km: Some(2.5),
        explanation: "SYR_GOV shelling on civilians on 2016-09-18".into(),
        explanation_ar: ar.into(),
        proposal: None,
        first_run: 1,
        run: 1,
    };
    {
        let mut s = record(&path);
        s.begin().unwrap();
        s.replace_findings("t", 11, &[finding("")]).unwrap();
        s.commit().unwrap();
    }
    // Make it look like schema 6: no column, no step 7.
    outside(
        &path,
        "ALTER TABLE findings DROP COLUMN explanation_ar;
         DELETE FROM schema_version WHERE version = 7;",
    );
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 7);
    assert_eq!(problem(&s), None);
    assert_eq!(s.truce_findings("t").unwrap(), vec![finding("")]);

    // Judged again: the Arabic is stored, and the new version is logged.
    let kind = audited_kind("findings").unwrap();
    let before = current_hash(&s.conn, kind, "t|11").unwrap();
    s.begin().unwrap();
    s.replace_findings("t", 11, &[finding("قصف مدفعي")])
        .unwrap();
    s.commit().unwrap();
    assert_eq!(s.truce_findings("t").unwrap(), vec![finding("قصف مدفعي")]);
    assert_ne!(current_hash(&s.conn, kind, "t|11").unwrap(), before);
    assert_eq!(problem(&s), None);
    drop(s);

    // An Arabic line rewritten outside hudna is found.
    outside(&path, "UPDATE findings SET explanation_ar = 'نص آخر';");
    let s = SqliteStore::open(&path).unwrap();
    assert!(
        problem(&s).is_some_and(|p| p.contains("findings")),
        "{:?}",
        problem(&s)
    );
}
