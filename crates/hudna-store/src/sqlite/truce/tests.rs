use super::*;
use crate::Store;

fn version<'a>(
    id: &'a str,
    hash: u8,
    files: &'a [(String, String)],
    terms: &'a [TermRow],
) -> NewTruceVersion<'a> {
    NewTruceVersion {
        truce_id: id,
        content_hash: [hash; 32],
        source: "truce.toml",
        name_en: "A truce",
        name_ar: "هدنة",
        loaded_at: "2026-01-01T00:00:00Z",
        changes: "[]",
        toml: "id = \"t\"",
        files,
        terms,
    }
}

fn finding(incident: i64, rule: &str, proposal: Option<&str>) -> StoredFinding {
    StoredFinding {
        incident,
        truce: "t".into(),
        truce_version: 1,
        term: "period-1".into(),
        rule: rule.into(),
        severity: "grave".into(),
        confidence: 0.5,
        distance_km: Some(1.25),
        explanation: "why".into(),
        explanation_ar: "السبب".into(),
        proposal: proposal.map(|p| StoredProposal {
            term: p.into(),
            effect: "would_change".into(),
        }),
        first_run: 1,
        run: 1,
    }
}

#[test]
fn versions_keep_their_text_files_and_terms() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let files = vec![("area.geojson".to_string(), "{}".to_string())];
    let terms = vec![TermRow {
        id: "z1".into(),
        kind: "zone".into(),
        status: Some("proposed".into()),
        label: "a zone".into(),
    }];
    s.begin().unwrap();
    assert_eq!(
        s.insert_truce_version(&version("t", 1, &files, &terms))
            .unwrap(),
        1
    );
    assert_eq!(
        s.insert_truce_version(&version("t", 2, &[], &[])).unwrap(),
        2
    );
    s.commit().unwrap();
    assert_eq!(s.truce_versions("t").unwrap(), vec![1, 2]);
    let v1 = s.truce_version("t", Some(1)).unwrap().unwrap();
    assert!(!v1.current);
    assert_eq!(v1.files, files);
    assert_eq!(v1.terms, terms);
    assert_eq!(v1.content_hash, "01".repeat(32));
    let cur = s.truce_version("t", None).unwrap().unwrap();
    assert_eq!((cur.version, cur.current), (2, true));
    assert!(s.truce_version("t", Some(3)).unwrap().is_none());
    assert!(s.truce_version("other", None).unwrap().is_none());
    let list = s.truce_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].current_version, list[0].terms), (2, 0));
}

#[test]
fn findings_round_trip_filter_and_follow_the_checked_version() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.begin().unwrap();
    s.replace_findings(
        "t",
        7,
        &[
            finding(7, "party_attack", None),
            finding(7, "party_attack", Some("ahrar")),
        ],
    )
    .unwrap();
    s.replace_findings("t", 3, &[finding(3, "unattributed", None)])
        .unwrap();
    s.put_check_state(
        "t",
        &[
            CheckState {
                incident: 3,
                hash: -5,
                version: 1,
            },
            CheckState {
                incident: 7,
                hash: 9,
                version: 1,
            },
        ],
    )
    .unwrap();
    s.commit().unwrap();

    let all = s.truce_findings("t").unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], finding(3, "unattributed", None));
    assert_eq!(all[2], finding(7, "party_attack", Some("ahrar")));

    let mut seen = Vec::new();
    let n = s
        .findings(
            &FindingFilter {
                rule: Some("party_attack".into()),
                ..FindingFilter::default()
            },
            &mut |f| {
                seen.push(f.incident);
                Ok(())
            },
        )
        .unwrap();
    assert_eq!((n, seen), (2, vec![7, 7]));

    s.set_checked_version("t", 2).unwrap();
    assert!(s
        .truce_findings("t")
        .unwrap()
        .iter()
        .all(|f| f.truce_version == 2));
    assert!(s.check_state("t").unwrap().iter().all(|c| c.version == 2));

    s.forget_incidents("t", &[7]).unwrap();
    assert_eq!(s.truce_findings("t").unwrap().len(), 1);
    assert_eq!(s.check_state("t").unwrap().len(), 1);
}

#[test]
fn runs_and_their_changes_are_logged() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let run = CheckRun {
        id: 0,
        truce: "t".into(),
        truce_version: 2,
        previous_version: Some(1),
        started_at: "2026-01-01T00:00:00Z".into(),
        seconds: 0.5,
        incidents: 10,
        evaluated: 2,
        undated: 1,
        unlocated: 0,
        gone: 0,
        findings: 4,
        added: 1,
        removed: 0,
        changed: 1,
        term_changes: "[]".into(),
    };
    let id = s.insert_check_run(&run).unwrap();
    let changes = vec![
        FindingChange {
            change: "added".into(),
            before: None,
            after: Some(finding(3, "unattributed", None)),
            reason: "new incident".into(),
        },
        FindingChange {
            change: "changed".into(),
            before: Some(finding(7, "party_attack", None)),
            after: Some(finding(7, "party_attack", Some("x"))),
            reason: "designation x changed".into(),
        },
    ];
    s.log_finding_changes(id, &changes).unwrap();
    assert_eq!(s.finding_changes(id).unwrap(), changes);
    let runs = s.check_runs(Some("t"), 5).unwrap();
    assert_eq!(runs, vec![CheckRun { id, ..run }]);
}

#[test]
fn meta_is_read_without_migrating_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.meta("demo").unwrap(), None);
        s.set_meta("demo", "issg-2016").unwrap();
    }
    assert_eq!(
        peek_meta(&path, "demo").unwrap().as_deref(),
        Some("issg-2016")
    );
    // A database of something else: no fact, and left as it was.
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE x (a)")
        .unwrap();
    assert_eq!(peek_meta(&other, "demo").unwrap(), None);
    // Not a database at all.
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "these are notes, not a database, and long enough to be read",
    )
    .unwrap();
    assert!(peek_meta(&text, "demo").is_err());
}

#[test]
fn migration_0002_gives_old_incidents_their_ids_and_reported_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A record written before 0002: one article of 20 Sep with an undated mention.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
             applied_at TEXT NOT NULL);
             INSERT INTO schema_version VALUES (1, 'record', '2026-01-01');",
        )
        .unwrap();
        conn.execute_batch(super::super::MIGRATIONS[0].2).unwrap();
        conn.execute_batch(
            "INSERT INTO articles (id, content_hash, syndication_group, published, source_file, \
             source_format, ingested_at, minhash, text) \
             VALUES (10, x'01', 10, '2016-09-20', 'f', 'jsonl', 'now', x'', 'text');
             INSERT INTO spots VALUES (5, 'shelling', NULL, 'x', NULL, NULL, NULL, NULL, 'UNKNOWN', 5);
             INSERT INTO mentions (id, article_id, ordinal, type, perpetrator, target, claimed, \
             evidence, spot) VALUES (77, 10, 0, 'shelling', 'UNKNOWN', 'unknown', 0, '[]', 5);
             INSERT INTO incidents (id, type, perpetrator, contested, grade, target, claimed, \
             sources, reports, block, place_mention) \
             VALUES (77, 'shelling', 'UNKNOWN', 0, 'weak', 'unknown', 0, 1, 1, 5, 77);
             INSERT INTO incident_sources VALUES (77, 77, 'UNKNOWN');",
        )
        .unwrap();
    }
    let mut s = SqliteStore::open(&path).unwrap();
    let i = s.incident(77).unwrap().unwrap();
    assert_eq!(i.public_id, 77);
    assert_eq!(i.date, None);
    assert_eq!(i.date_precision, Some(crate::DatePrecision::Reported));
    assert_eq!(i.reported, chrono::NaiveDate::from_ymd_opt(2016, 9, 20));
    assert_eq!(s.resolve_public_id(77).unwrap(), Some(77));
    assert_eq!(s.resolve_public_id(78).unwrap(), None);
    s.retire_public_id(78, 77).unwrap();
    assert!(s.public_id_taken(78).unwrap());
    assert_eq!(s.incident_by_public_id(78).unwrap().map(|i| i.id), Some(77));
}
