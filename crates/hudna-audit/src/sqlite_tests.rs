//! The shipped SQL in a real SQLite, and the store's way of logging a change as the crate
//! documentation describes it, end to end: log, tamper with the file's tables directly,
//! verify.

use chrono::{TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value};

use crate::*;

fn open() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(AUDIT_LOG_SQL).unwrap();
    conn.execute_batch(
        "CREATE TABLE incident (id INTEGER PRIMARY KEY, place TEXT NOT NULL, killed INTEGER, \
         lat REAL, grade TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active')",
    )
    .unwrap();
    conn
}

fn incident_row(conn: &Connection, id: i64) -> Option<Value> {
    conn.query_row(
        "SELECT id, place, killed, lat, grade, status FROM incident WHERE id = ?1",
        [id],
        |r| {
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "place": r.get::<_, String>(1)?,
                "killed": r.get::<_, Option<i64>>(2)?,
                "lat": r.get::<_, Option<f64>>(3)?,
                "grade": r.get::<_, String>(4)?,
                "status": r.get::<_, String>(5)?,
            }))
        },
    )
    .optional()
    .unwrap()
}

#[derive(Debug)]
enum StoreError {
    Sql(rusqlite::Error),
    Tampered(OutOfBandChange),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// The store's write path: one immediate transaction holding the change and its entry.
fn change_incident(
    conn: &mut Connection,
    actor: Actor,
    action: &str,
    id: i64,
    sql: &str,
    minute: u32,
) -> Result<Entry, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = incident_row(&tx, id).map(|r| record_hash(&r).unwrap());
    let last_logged: Option<String> = tx
        .query_row(
            "SELECT after_hash FROM audit_log WHERE record_kind = 'incident' AND record_id = ?1 \
             ORDER BY seq DESC LIMIT 1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let new = NewEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 29, 9, minute, 0).unwrap(),
        actor,
        action: action.into(),
        record_kind: "incident".into(),
        record_id: id.to_string(),
        before,
        // Filled in after the change.
        after: Hash::ZERO,
    };
    new.check_follows(last_logged.map(|h| h.parse().unwrap()))
        .map_err(StoreError::Tampered)?;
    tx.execute(sql, [])?;
    let after =
        record_hash(&incident_row(&tx, id).expect("the row exists after the change")).unwrap();
    let head = tx
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?
        .map(|(seq, hash)| Head::parse(seq, &hash).unwrap());
    let entry = Entry::next(head, NewEntry { after, ..new }).unwrap();
    insert(&tx, &AuditRow::from(&entry))?;
    tx.commit()?;
    Ok(entry)
}

fn insert(conn: &Connection, row: &AuditRow) -> rusqlite::Result<usize> {
    conn.execute(
        AuditRow::INSERT_SQL,
        params![
            row.seq,
            row.at,
            row.actor,
            row.action,
            row.record_kind,
            row.record_id,
            row.before_hash,
            row.after_hash,
            row.prev_hash,
            row.hash
        ],
    )
}

/// `hudna audit verify`, in miniature.
fn verify(conn: &Connection) -> Result<ChainSummary, String> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {} FROM audit_log ORDER BY seq",
            AuditRow::COLUMNS
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                record_kind: r.get(4)?,
                record_id: r.get(5)?,
                before_hash: r.get(6)?,
                after_hash: r.get(7)?,
                prev_hash: r.get(8)?,
                hash: r.get(9)?,
            })
        })
        .unwrap();
    let mut verifier = ChainVerifier::new();
    for row in rows {
        let entry = row.unwrap().parse().map_err(|e| e.to_string())?;
        verifier.push(&entry).map_err(|e| e.to_string())?;
    }
    let summary = verifier.finish().map_err(|e| e.to_string())?;
    let mut stmt = conn.prepare("SELECT id FROM incident ORDER BY id").unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let current = ids.iter().map(|id| {
        let row = incident_row(conn, *id).unwrap();
        ("incident", id.to_string(), record_hash(&row).unwrap())
    });
    verify_rows(summary.latest.clone(), current).map_err(|e| e.to_string())?;
    Ok(summary)
}

fn sample(conn: &mut Connection) {
    let analyst = Actor::User(7);
    change_incident(conn, analyst.clone(), "create", 1,
        "INSERT INTO incident (id, place, killed, lat, grade) VALUES (1, 'كفرنبل', 2, 35.61376, 'reported')", 1).unwrap();
    change_incident(conn, Actor::System, "create", 2,
        "INSERT INTO incident (id, place, killed, lat, grade) VALUES (2, 'Saraqib', NULL, 35.86, 'reported')", 2).unwrap();
    change_incident(
        conn,
        analyst.clone(),
        "regrade",
        1,
        "UPDATE incident SET grade = 'corroborated' WHERE id = 1",
        3,
    )
    .unwrap();
    change_incident(
        conn,
        Actor::Cli("amal".into()),
        "withdraw",
        2,
        "UPDATE incident SET status = 'withdrawn' WHERE id = 2",
        4,
    )
    .unwrap();
}

#[test]
fn changes_logged_the_documented_way_verify() {
    let mut conn = open();
    sample(&mut conn);
    let summary = verify(&conn).unwrap();
    assert_eq!(summary.entries, 4);
    assert_eq!(summary.latest.get("incident", "1").unwrap().seq, 3);
}

#[test]
fn update_and_delete_on_the_log_are_refused() {
    let mut conn = open();
    sample(&mut conn);
    let err = conn
        .execute("UPDATE audit_log SET actor = 'user:1' WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only: UPDATE"), "{err}");
    let err = conn
        .execute("DELETE FROM audit_log WHERE seq = 4", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only: DELETE"), "{err}");
    let err = conn.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 4);
    verify(&conn).unwrap();
}

#[test]
fn replace_and_upsert_cannot_get_around_the_triggers() {
    let mut conn = open();
    sample(&mut conn);
    let mut row: AuditRow = conn
        .query_row(
            &format!("SELECT {} FROM audit_log WHERE seq = 2", AuditRow::COLUMNS),
            [],
            |r| {
                Ok(AuditRow {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    record_kind: r.get(4)?,
                    record_id: r.get(5)?,
                    before_hash: r.get(6)?,
                    after_hash: r.get(7)?,
                    prev_hash: r.get(8)?,
                    hash: r.get(9)?,
                })
            },
        )
        .unwrap();
    row.actor = "user:1".into();
    let replace = AuditRow::INSERT_SQL.replace("INSERT INTO", "INSERT OR REPLACE INTO");
    let err = conn
        .execute(
            &replace,
            params![
                row.seq,
                row.at,
                row.actor,
                row.action,
                row.record_kind,
                row.record_id,
                row.before_hash,
                row.after_hash,
                row.prev_hash,
                row.hash
            ],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("must follow the last one"),
        "{err}"
    );
    let err = conn
        .execute(
            &format!(
                "{} ON CONFLICT(seq) DO UPDATE SET actor = 'user:1'",
                AuditRow::INSERT_SQL
            ),
            params![
                row.seq,
                row.at,
                row.actor,
                row.action,
                row.record_kind,
                row.record_id,
                row.before_hash,
                row.after_hash,
                row.prev_hash,
                row.hash
            ],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("must follow the last one")
            || err.to_string().contains("append-only"),
        "{err}"
    );
    verify(&conn).unwrap();
}

#[test]
fn an_insert_must_continue_the_chain() {
    let mut conn = open();
    sample(&mut conn);
    let head = Head::parse(
        4,
        &conn
            .query_row("SELECT hash FROM audit_log WHERE seq = 4", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap(),
    )
    .unwrap();
    let new = NewEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 29, 9, 30, 0).unwrap(),
        actor: Actor::System,
        action: "create".into(),
        record_kind: "zone".into(),
        record_id: "z1".into(),
        before: None,
        after: Hash([1; 32]),
    };
    // Skipping a number.
    let skip = Entry::next(Some(Head { seq: 5, ..head }), new.clone()).unwrap();
    let err = insert(&conn, &AuditRow::from(&skip)).unwrap_err();
    assert!(
        err.to_string().contains("must follow the last one"),
        "{err}"
    );
    // Linking to the wrong entry.
    let wrong = Entry::next(
        Some(Head {
            hash: Hash([2; 32]),
            ..head
        }),
        new.clone(),
    )
    .unwrap();
    let err = insert(&conn, &AuditRow::from(&wrong)).unwrap_err();
    assert!(
        err.to_string().contains("must follow the last one"),
        "{err}"
    );
    // A first entry into a log that has entries.
    let first = Entry::next(None, new.clone()).unwrap();
    assert!(insert(&conn, &AuditRow::from(&first)).is_err());
    // A malformed hash is refused by the column's check.
    let mut bad = AuditRow::from(&Entry::next(Some(head), new.clone()).unwrap());
    bad.after_hash = "XYZ".into();
    assert!(insert(&conn, &bad).is_err());
    // The right one goes in.
    let right = Entry::next(Some(head), new).unwrap();
    insert(&conn, &AuditRow::from(&right)).unwrap();
}

#[test]
fn a_row_changed_with_sqlite_outside_hudna_is_named() {
    let mut conn = open();
    sample(&mut conn);
    // What `sqlite3 hudna.db "UPDATE incident SET killed = 20 WHERE id = 1"` does.
    conn.execute("UPDATE incident SET killed = 20 WHERE id = 1", [])
        .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(
        err.starts_with("incident 1 was changed outside hudna"),
        "{err}"
    );
    assert!(err.contains("audit entry 3"), "{err}");
    // And hudna refuses to build on it.
    let refused = change_incident(
        &mut conn,
        Actor::User(7),
        "regrade",
        1,
        "UPDATE incident SET grade = 'confirmed' WHERE id = 1",
        9,
    )
    .unwrap_err();
    match refused {
        StoreError::Tampered(t) => assert_eq!(
            (t.record_kind.as_str(), t.record_id.as_str()),
            ("incident", "1")
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let grade: String = conn
        .query_row("SELECT grade FROM incident WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(grade, "corroborated", "the refused change was rolled back");
}

#[test]
fn rows_deleted_or_inserted_outside_hudna_are_named() {
    let mut conn = open();
    sample(&mut conn);
    conn.execute("DELETE FROM incident WHERE id = 2", [])
        .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(err.starts_with("incident 2 is missing"), "{err}");

    let mut conn = open();
    sample(&mut conn);
    conn.execute(
        "INSERT INTO incident (id, place, grade) VALUES (3, 'Ariha', 'confirmed')",
        [],
    )
    .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(
        err.starts_with("incident 3 exists but the audit log never recorded it"),
        "{err}"
    );
}

#[test]
fn an_entry_edited_with_the_triggers_dropped_is_named() {
    let mut conn = open();
    sample(&mut conn);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; \
         UPDATE audit_log SET actor = 'user:1' WHERE seq = 2;",
    )
    .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(
        err.starts_with("audit log entry 2 (incident 2): the entry was altered"),
        "{err}"
    );
}

#[test]
fn an_entry_deleted_with_the_triggers_dropped_is_named() {
    let mut conn = open();
    sample(&mut conn);
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;")
        .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(err.starts_with("audit log entry 3"), "{err}");
    assert!(err.contains("entries from 2 to 2 are missing"), "{err}");
}

#[test]
fn an_unreadable_entry_is_named_by_its_seq() {
    let mut conn = open();
    sample(&mut conn);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; \
         UPDATE audit_log SET actor = 'cli:' || 'x y' WHERE seq = 3;",
    )
    .unwrap();
    let err = verify(&conn).unwrap_err();
    assert!(
        err.starts_with("audit log row seq 3: audit entry field actor"),
        "{err}"
    );
}

#[test]
fn a_failed_change_leaves_neither_the_change_nor_an_entry() {
    let mut conn = open();
    sample(&mut conn);
    // Violates NOT NULL on grade: the transaction rolls back.
    let err = change_incident(
        &mut conn,
        Actor::User(7),
        "update",
        1,
        "UPDATE incident SET grade = NULL WHERE id = 1",
        10,
    )
    .unwrap_err();
    match err {
        StoreError::Sql(e) => assert!(e.to_string().contains("NOT NULL"), "{e}"),
        other => panic!("expected an SQL error, got {other:?}"),
    }
    let count: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 4);
    verify(&conn).unwrap();
}

#[test]
fn hashing_what_sqlite_holds_survives_type_affinity() {
    let mut conn = open();
    // 2.0 into an INTEGER column is stored as 2; the hash of the row read back is what the
    // verifier will compute, whichever way the value was written.
    change_incident(&mut conn, Actor::User(7), "create", 5,
        "INSERT INTO incident (id, place, killed, lat, grade) VALUES (5, 'Maarat', 2.0, 36, 'reported')", 1).unwrap();
    let killed: rusqlite::types::Value = conn
        .query_row("SELECT killed FROM incident WHERE id = 5", [], |r| r.get(0))
        .unwrap();
    assert_eq!(killed, rusqlite::types::Value::Integer(2));
    verify(&conn).unwrap();
}
