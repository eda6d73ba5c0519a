//! The audit log: every kind of change leaves an entry, and an edit made to the database
//! file with `sqlite3`, outside hudna, makes `hudna audit verify` fail and name it.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::common::server::{ingest_issg, send_json, TestServer};
use crate::common::world::site_body;
use crate::common::{run, stderr};

fn hudna_ok(args: &[&str], stdin: &[u8]) -> String {
    let o = run(args, stdin);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn log(db: &str) -> Vec<Value> {
    hudna_ok(&["audit", "log", "--json", "--db", db], b"")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sqlite3(db: &Path, sql: &str) {
    let o = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the sqlite3 command-line tool is installed (Debian: sqlite3)");
    assert!(
        o.status.success(),
        "sqlite3: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn verify(db: &str) -> (i32, Value) {
    let o = run(&["audit", "verify", "--json", "--db", db], b"");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v)
}

/// A database with an organisation, a humanitarian user, a token, and a notification filed
/// and changed through the API; returns its path and the humanitarian's token.
fn build(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("a.db");
    ingest_issg(&db);
    let d = db.to_str().unwrap();
    hudna_ok(&["org", "add", "SARC", "--kind", "ngo", "--db", d], b"");
    hudna_ok(
        &[
            "org",
            "add",
            "Delegation of State A",
            "--kind",
            "member_state",
            "--represents",
            "RUS",
            "--db",
            d,
        ],
        b"",
    );
    hudna_ok(
        &[
            "user",
            "add",
            "sami",
            "--org",
            "SARC",
            "--role",
            "humanitarian",
            "--password-stdin",
            "--db",
            d,
        ],
        b"a long enough pass phrase 42",
    );
    let token = hudna_ok(&["token", "create", "sami", "--db", d], b"")
        .trim()
        .to_string();
    let spare = hudna_ok(
        &["token", "create", "sami", "--label", "spare", "--db", d],
        b"",
    );
    let prefix = spare.trim().split('_').nth(1).unwrap().to_string();
    hudna_ok(&["token", "revoke", &prefix, "--db", d], b"");
    {
        let s = TestServer::start(&db);
        let r = send_json(
            "POST",
            &s.url("/api/v1/notifications"),
            Some(&token),
            &site_body("RUS"),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let r = send_json(
            "PATCH",
            &s.url(&format!("/api/v1/notifications/{id}")),
            Some(&token),
            &json!({ "status": "withdrawn" }),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    (db, token)
}

#[test]
fn every_kind_of_change_leaves_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = build(dir.path());
    let d = db.to_str().unwrap();
    let entries = log(d);
    let kinds: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["actor"]
                    .as_str()
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["record_kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("system", "create", "article"),
        ("cli", "create", "organisation"),
        ("cli", "create", "user"),
        ("cli", "create", "api_token"),
        ("cli", "revoke", "api_token"),
        ("user", "create", "notification"),
        ("user", "update", "notification"),
    ] {
        let want = (want.0.to_string(), want.1.to_string(), want.2.to_string());
        assert!(kinds.contains(&want), "no entry {want:?} in {kinds:?}");
    }
    // Entries chain: seq from 1, each naming the previous entry's hash.
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"], json!(i as i64 + 1));
        if i > 0 {
            assert_eq!(e["prev_hash"], entries[i - 1]["hash"]);
        }
    }
    // An update's before is the create's after.
    let notes: Vec<&Value> = entries
        .iter()
        .filter(|e| e["record_kind"] == "notification")
        .collect();
    assert_eq!(notes[1]["before_hash"], notes[0]["after_hash"]);
    // --since.
    let last_at = entries.last().unwrap()["at"].as_str().unwrap().to_string();
    let since = hudna_ok(
        &["audit", "log", "--json", "--since", &last_at, "--db", d],
        b"",
    );
    assert!(since.lines().count() >= 1 && since.lines().count() < entries.len());
    let (code, v) = verify(d);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], json!(entries.len()));
    // The log itself refuses to be rewritten through SQLite.
    let o = Command::new("sqlite3")
        .arg(&db)
        .arg("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 1")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("append-only"));
}

#[test]
fn an_edit_outside_hudna_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = build(dir.path());
    let d = db.to_str().unwrap();
    assert_eq!(verify(d).0, 0);

    // A row changed with sqlite3: a user made co-chair behind the log's back.
    let copy = dir.path().join("row.db");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(
        &copy,
        "UPDATE users SET role = 'co_chair' WHERE username = 'sami'",
    );
    let c = copy.to_str().unwrap();
    let (code, v) = verify(c);
    assert_eq!(code, 1, "{v}");
    let problem = v["problem"].as_str().unwrap();
    assert!(
        problem.contains("user 1 was changed outside hudna"),
        "{problem}"
    );
    // The text form names it on standard error and exits non-zero.
    let o = run(&["audit", "verify", "--db", c], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("FAILED: user 1 was changed outside hudna"),
        "{}",
        stderr(&o)
    );
    // And hudna refuses to build on the altered row.
    let o = run(&["token", "create", "sami", "--db", c], b"");
    assert!(
        o.status.success(),
        "a new token is a new record: {}",
        stderr(&o)
    );

    // What a report says, changed: the evidence of one of its mentions.
    let copy1 = dir.path().join("mention.db");
    std::fs::copy(&db, &copy1).unwrap();
    sqlite3(
        &copy1,
        "UPDATE mentions SET evidence = '[[0,3]]' WHERE id = (SELECT MIN(id) FROM mentions)",
    );
    let (code, v) = verify(copy1.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(
        v["problem"].as_str().unwrap().starts_with("article "),
        "{v}"
    );
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("was changed outside hudna"),
        "{v}"
    );

    // A row added outside hudna.
    let copy2 = dir.path().join("add.db");
    std::fs::copy(&db, &copy2).unwrap();
    sqlite3(&copy2, "INSERT INTO organisations (name, kind, represents, created_at) VALUES ('Ghost', 'ngo', '', 'x')");
    let (code, v) = verify(copy2.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("organisation 3 exists but the audit log never recorded it"),
        "{v}"
    );

    // A row deleted outside hudna.
    let copy3 = dir.path().join("del.db");
    std::fs::copy(&db, &copy3).unwrap();
    sqlite3(
        &copy3,
        "PRAGMA foreign_keys = OFF; DELETE FROM api_tokens WHERE id = 2",
    );
    let (code, v) = verify(copy3.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("api_token 2 is missing"),
        "{v}"
    );

    // An entry rewritten after dropping the trigger that forbids it.
    let copy4 = dir.path().join("log.db");
    std::fs::copy(&db, &copy4).unwrap();
    sqlite3(
        &copy4,
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2",
    );
    let (code, v) = verify(copy4.to_str().unwrap());
    assert_eq!(code, 1);
    let p = v["problem"].as_str().unwrap();
    assert!(
        p.contains("audit log entry 2") && p.contains("altered"),
        "{p}"
    );

    // An entry removed from the end, with the row it logged put back as it was before.
    let copy5 = dir.path().join("trunc.db");
    std::fs::copy(&db, &copy5).unwrap();
    sqlite3(
        &copy5,
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    );
    let (code, v) = verify(copy5.to_str().unwrap());
    assert_eq!(code, 1, "{v}");
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("notification 1 was changed outside hudna"),
        "{v}"
    );

    // The API refuses to change a record that was altered outside hudna.
    let copy6 = dir.path().join("api.db");
    std::fs::copy(&db, &copy6).unwrap();
    sqlite3(
        &copy6,
        "UPDATE notifications SET name = 'Moved' WHERE id = 1",
    );
    let s = TestServer::start(&copy6);
    let token = run(
        &["token", "create", "sami", "--db", copy6.to_str().unwrap()],
        b"",
    );
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    let r = send_json(
        "PATCH",
        &s.url("/api/v1/notifications/1"),
        Some(&token),
        &json!({ "status": "active" }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("changed outside hudna"));
}

/// Ingest, truce load and check are logged too, and an edit of an incident, a truce version
/// or a finding with sqlite3 is named by `hudna audit verify`.
#[test]
fn the_record_truces_and_findings_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = run(
        &["demo", "--no-serve", "--json", "--db", db.to_str().unwrap()],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let d = db.to_str().unwrap();
    let kinds: Vec<String> = log(d)
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["record_kind"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "create article",
        "create incident",
        "create truce",
        "create truce_version",
        "create findings",
        "create check_run",
        "create organisation",
        "create user",
        "create notification",
    ] {
        assert!(kinds.iter().any(|k| k == want), "no `{want}` entry");
    }
    assert_eq!(verify(d).0, 0);
    // A second check that changes nothing leaves its run in the log all the same.
    let before = log(d).len();
    let o = run(&["check", "--db", d], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let after = log(d);
    assert!(after.len() > before);
    assert_eq!(after.last().unwrap()["record_kind"], "check_run");

    for (name, sql, want) in [
        (
            "incident",
            "UPDATE incidents SET killed = 3 WHERE public_id = (SELECT MIN(public_id) FROM incidents)",
            "incident ",
        ),
        (
            "truce",
            "UPDATE truce_versions SET toml = replace(toml, 'in_force', 'proposed') WHERE version = 1",
            "truce_version issg-2016@1 was changed outside hudna",
        ),
        (
            "finding",
            "UPDATE findings SET severity = 'info' WHERE rowid = (SELECT MIN(rowid) FROM findings)",
            "findings issg-2016|",
        ),
        (
            "file",
            "UPDATE truce_files SET content = '{}' WHERE path = 'castello-dmz.geojson'",
            "truce_version issg-2016@1 was changed outside hudna",
        ),
    ] {
        let copy = dir.path().join(format!("{name}.db"));
        std::fs::copy(&db, &copy).unwrap();
        sqlite3(&copy, sql);
        let (code, v) = verify(copy.to_str().unwrap());
        assert_eq!(code, 1, "{name}: {v}");
        let p = v["problem"].as_str().unwrap();
        assert!(p.contains(want), "{name}: {p}");
    }
}
