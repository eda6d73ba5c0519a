//! The audit log: every kind of change leaves an entry, and an edit made to the database
//! file with `sqlite3`, outside hudna, makes `hudna audit verify` fail and name it.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::common::server::{get, ingest_issg, send_json, TestServer};
use crate::common::world::{site_body, small_truce};
use crate::common::{hudna, repo, run, stderr};

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
        ("cli", "create", "article"),
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

/// What `sqlite3` prints for a query (one value).
fn sqlite3_value(db: &Path, sql: &str) -> String {
    let o = Command::new("sqlite3").arg(db).arg(sql).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// A copy of a database that is not in use (its write-ahead log too, if any).
fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal"] {
        let f = format!("{}{suffix}", from.display());
        if Path::new(&f).exists() {
            std::fs::copy(&f, format!("{}{suffix}", to.display())).unwrap();
        }
    }
}

/// Deleting an incident's source, linking an article as a copy of another, or setting an
/// incident's visibility beside it, all with sqlite3, are found and named: the links and
/// settings are part of the audited records they belong to.
#[test]
fn links_syndication_and_settings_edited_with_sqlite3_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = build(dir.path());
    let d = db.to_str().unwrap();
    assert_eq!(verify(d).0, 0);
    let incident = sqlite3_value(
        &db,
        "SELECT public_id FROM incidents WHERE reports >= 1 ORDER BY public_id LIMIT 1",
    );
    let row = sqlite3_value(
        &db,
        &format!("SELECT id FROM incidents WHERE public_id = {incident}"),
    );
    let article = sqlite3_value(
        &db,
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM syndication) \
         ORDER BY id DESC LIMIT 1",
    );
    let other = sqlite3_value(
        &db,
        &format!("SELECT MIN(id) FROM articles WHERE id <> {article}"),
    );
    for (name, sql, want) in [
        (
            "sources",
            format!("DELETE FROM incident_sources WHERE incident_id = {row}"),
            format!("incident {incident} was changed outside hudna"),
        ),
        (
            "syndication",
            format!("INSERT INTO syndication (article_id, canonical_id) VALUES ({article}, {other})"),
            format!("article {article} was changed outside hudna"),
        ),
        (
            "settings",
            format!(
                "INSERT INTO incident_settings (public_id, visibility) VALUES ({incident}, 'public')"
            ),
            format!("incident {incident} was changed outside hudna"),
        ),
    ] {
        let copy = dir.path().join(format!("{name}.db"));
        copy_db(&db, &copy);
        sqlite3(&copy, &sql);
        let (code, v) = verify(copy.to_str().unwrap());
        assert_eq!(code, 1, "{name}: {v}");
        let p = v["problem"].as_str().unwrap();
        assert!(p.contains(&want), "{name}: {p}");
    }

    // The API refuses to change an incident whose sources were removed behind its back.
    let copy = dir.path().join("api.db");
    copy_db(&db, &copy);
    sqlite3(
        &copy,
        &format!("DELETE FROM incident_sources WHERE incident_id = {row}"),
    );
    let c = copy.to_str().unwrap();
    hudna_ok(
        &[
            "user",
            "add",
            "ana",
            "--org",
            "SARC",
            "--role",
            "analyst",
            "--password-stdin",
            "--db",
            c,
        ],
        b"a long enough pass phrase 43",
    );
    let analyst = hudna_ok(&["token", "create", "ana", "--db", c], b"")
        .trim()
        .to_string();
    let s = TestServer::start(&copy);
    let r = send_json(
        "PATCH",
        &s.url(&format!("/api/v1/incidents/{incident}")),
        Some(&analyst),
        &json!({ "visibility": "public" }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    drop(s);
    let _ = token;
}

/// A co-chair's edit of a truce's terms is refused (409) when the stored current version was
/// changed with sqlite3, instead of building the next version on the altered text; the same
/// truce sent again is answered 200 with the version already stored.
#[test]
fn truce_terms_are_not_edited_on_top_of_a_tampered_version() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = build(dir.path());
    let d = db.to_str().unwrap();
    hudna_ok(
        &[
            "user",
            "add",
            "chair",
            "--org",
            "Delegation of State A",
            "--role",
            "co_chair",
            "--password-stdin",
            "--db",
            d,
        ],
        b"a long enough pass phrase 44",
    );
    let chair = hudna_ok(&["token", "create", "chair", "--db", d], b"")
        .trim()
        .to_string();
    let body = json!({ "toml": small_truce("town-truce") });
    {
        let s = TestServer::start(&db);
        let r = send_json("POST", &s.url("/api/v1/truces"), Some(&chair), &body);
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["outcome"], "new");
        let entries = log(d).len();
        // The same text again: nothing stored, nothing judged, nothing logged.
        let r = send_json("POST", &s.url("/api/v1/truces"), Some(&chair), &body);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["outcome"], "unchanged");
        assert_eq!(r.json()["version"], 1);
        assert_eq!(r.json()["versions"], json!([1]));
        assert_eq!(log(d).len(), entries);
    }
    assert_eq!(verify(d).0, 0);

    let copy = dir.path().join("tampered.db");
    copy_db(&db, &copy);
    sqlite3(
        &copy,
        "UPDATE truce_versions SET toml = replace(toml, 'Example town truce', 'Another truce') \
         WHERE truce_id = 'town-truce' AND version = 1",
    );
    let s = TestServer::start(&copy);
    let r = send_json(
        "PATCH",
        &s.url("/api/v1/truces/town-truce/zones/town"),
        Some(&chair),
        &json!({ "status": "proposed" }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let error = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("truce_version town-truce@1 was changed outside hudna"),
        "{error}"
    );
    // Nor through a new text, a new zone, or the same text again.
    let r = send_json("POST", &s.url("/api/v1/truces"), Some(&chair), &body);
    assert_eq!(r.status, 409, "{}", r.body);
    let r = send_json(
        "POST",
        &s.url("/api/v1/truces/town-truce/zones"),
        Some(&chair),
        &json!({ "id": "square", "kind": "no_fly", "status": "proposed",
                 "geometry": { "type": "Polygon", "coordinates": [[[36.61, 35.91], [36.62, 35.91], [36.62, 35.92], [36.61, 35.91]]] } }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let t = get(&s.url("/api/v1/truces/town-truce"), None).json();
    assert_eq!(t["versions"], json!([1]));
    // The document says so.
    let doc = get(&s.url("/api/v1/openapi.json"), None).json();
    for path in [
        "/api/v1/truces/{id}/zones/{term}",
        "/api/v1/truces/{id}/designations/{term}",
    ] {
        assert!(
            doc["paths"][path]["patch"]["responses"]["409"].is_object(),
            "{path}"
        );
    }
    let post = &doc["paths"]["/api/v1/truces"]["post"]["responses"];
    assert!(post["200"].is_object() && post["201"].is_object() && post["409"].is_object());
    drop(s);
    // `hudna truce load` refuses too, naming the version.
    let file = dir.path().join("town.toml");
    std::fs::write(
        &file,
        small_truce("town-truce").replace("Example town truce", "Town truce, amended"),
    )
    .unwrap();
    let o = run(
        &[
            "truce",
            "load",
            file.to_str().unwrap(),
            "--db",
            copy.to_str().unwrap(),
        ],
        b"",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("truce_version town-truce@1 was changed outside hudna"),
        "{}",
        stderr(&o)
    );

    // The untouched record takes the same change.
    let s = TestServer::start(&db);
    let r = send_json(
        "PATCH",
        &s.url("/api/v1/truces/town-truce/zones/town"),
        Some(&chair),
        &json!({ "status": "proposed" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
}

/// Commands that only read the record refuse a database file that does not exist, and
/// create nothing.
#[test]
fn reading_commands_refuse_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.db");
    let t = typo.to_str().unwrap();
    for args in [
        &["audit", "verify", "--db", t][..],
        &["audit", "verify", "--json", "--db", t],
        &["audit", "log", "--db", t],
        &["incidents", "--db", t],
        &["findings", "--db", t],
        &["dump", "--db", t],
        &["truce", "list", "--db", t],
        &["truce", "show", "issg-2016", "--db", t],
        &["check", "--db", t],
        &["serve", "--addr", "127.0.0.1:0", "--db", t],
        &["org", "list", "--db", t],
        &["user", "list", "--db", t],
        &["token", "create", "sami", "--db", t],
        &["token", "revoke", "0123456789ab", "--db", t],
    ] {
        let o = run(args, b"");
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&o).contains("typo.db does not exist"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(!typo.exists(), "{args:?} created the database");
    }
    // The environment's HUDNA_DB is checked the same way.
    let o = hudna()
        .args(["audit", "verify"])
        .env("HUDNA_DB", &typo)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!typo.exists());
    // Commands that write the record create it.
    hudna_ok(&["org", "add", "SARC", "--kind", "ngo", "--db", t], b"");
    assert!(typo.exists());
    assert_eq!(verify(t).0, 0);
}

/// More entries than a page share one instant (one ingest batch): the log pages by sequence
/// number, on the command line (`--after`) and in the API (`after`, `next`).
#[test]
fn the_log_pages_through_one_instant() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = build(dir.path());
    let d = db.to_str().unwrap();
    let all = log(d);
    let first_at = all[0]["at"].clone();
    let same = all.iter().filter(|e| e["at"] == first_at).count();
    assert!(same > 7, "the ingest batch shares one time: {same}");
    let seqs: Vec<i64> = all.iter().map(|e| e["seq"].as_i64().unwrap()).collect();

    // The command line.
    let mut got: Vec<i64> = Vec::new();
    let mut after: Option<i64> = None;
    loop {
        let mut args = vec!["audit", "log", "--json", "--limit", "7", "--db", d];
        let a = after.map(|a| a.to_string());
        if let Some(a) = &a {
            args.extend(["--after", a.as_str()]);
        }
        let o = run(&args, b"");
        assert!(o.status.success(), "{}", stderr(&o));
        let page: Vec<i64> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["seq"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        assert!(page.len() <= 7);
        got.extend(&page);
        if !stderr(&o).contains("continue with --after") {
            break;
        }
        let next = *page.last().unwrap();
        assert!(
            stderr(&o).contains(&format!("--after {next}")),
            "{}",
            stderr(&o)
        );
        after = Some(next);
    }
    assert_eq!(got, seqs);
    // --since still works, and combines with --after.
    let since = first_at.as_str().unwrap();
    let o = run(
        &[
            "audit", "log", "--json", "--since", since, "--after", "3", "--db", d,
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        all.len() - 3
    );
    let o = run(&["audit", "log", "--after", "-1", "--db", d], b"");
    assert!(!o.status.success());

    // The API, for an account that sees every entry (a co-chair) and for one that sees only
    // some (the humanitarian): pages of 7 give what one page of all gives, `next` going on
    // from the last entry scanned, shown or not.
    hudna_ok(
        &[
            "user",
            "add",
            "chair",
            "--org",
            "Delegation of State A",
            "--role",
            "co_chair",
            "--password-stdin",
            "--db",
            d,
        ],
        b"a long enough pass phrase 45",
    );
    let chair = hudna_ok(&["token", "create", "chair", "--db", d], b"")
        .trim()
        .to_string();
    let s = TestServer::start(&db);
    let seqs_of = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    let everything = log(d).len();
    for tok in [&chair, &token] {
        let whole = get(&s.url("/api/v1/audit?limit=1000"), Some(tok)).json();
        assert!(whole["next"].is_null());
        let mut got: Vec<i64> = Vec::new();
        let mut url = s.url("/api/v1/audit?limit=7");
        let mut pages = 0;
        loop {
            let r = get(&url, Some(tok));
            assert_eq!(r.status, 200, "{}", r.body);
            let v = r.json();
            let page = seqs_of(&v);
            assert!(page.len() <= 7);
            got.extend(&page);
            pages += 1;
            match v["next"].as_i64() {
                Some(next) => {
                    assert!(page.last().is_none_or(|l| *l <= next));
                    url = s.url(&format!("/api/v1/audit?limit=7&after={next}"));
                }
                None => break,
            }
        }
        assert_eq!(got, seqs_of(&whole));
        assert_eq!(pages, everything.div_ceil(7));
    }
    let whole = get(&s.url("/api/v1/audit?limit=1000"), Some(&chair)).json();
    assert_eq!(seqs_of(&whole)[..seqs.len()], seqs[..]);
    let some = get(&s.url("/api/v1/audit?limit=1000"), Some(&token)).json();
    assert!(seqs_of(&some).len() < seqs_of(&whole).len());
    let r = get(
        &s.url(&format!(
            "/api/v1/audit?since={}&after=3&limit=1000",
            urlenc(since)
        )),
        Some(&chair),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), everything - 3);
    let r = get(&s.url("/api/v1/audit?after=x"), Some(&token));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "after");
}

fn urlenc(v: &str) -> String {
    crate::common::server::urlencode(v)
}

/// Ingest, truce load and check name the operating-system user who ran them.
#[test]
fn commands_log_who_ran_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("who.db");
    let as_amal = |args: &[&str]| {
        let o = hudna()
            .args(args)
            .arg("--db")
            .arg(&db)
            .env("USER", "amal")
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    let reports = repo().join("data/scenarios/issg-2016/reports.jsonl");
    let truce = repo().join("data/scenarios/issg-2016/truce.toml");
    as_amal(&["ingest", reports.to_str().unwrap()]);
    as_amal(&["truce", "load", truce.to_str().unwrap()]);
    as_amal(&["check"]);
    let entries = log(db.to_str().unwrap());
    for kind in [
        "article",
        "incident",
        "truce",
        "truce_version",
        "check_run",
        "findings",
    ] {
        let of_kind: Vec<&Value> = entries
            .iter()
            .filter(|e| e["record_kind"] == kind)
            .collect();
        assert!(!of_kind.is_empty(), "no {kind} entry");
        assert!(
            of_kind.iter().all(|e| e["actor"] == "cli:amal"),
            "{kind}: {:?}",
            of_kind.iter().map(|e| &e["actor"]).collect::<Vec<_>>()
        );
    }
    assert!(entries.iter().all(|e| e["actor"] != "system"));
}

/// A batch logs the rows it touches as it finds them, so an ingest or a check run on top of
/// a row edited outside hudna would launder that edit into the log. Both refuse, write
/// nothing, and the edit stays visible to `hudna audit verify`.
#[test]
fn ingest_and_check_refuse_a_record_edited_outside_hudna() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = build(dir.path());
    let d = db.to_str().unwrap();
    let incident = sqlite3_value(
        &db,
        "SELECT public_id FROM incidents WHERE reports >= 1 ORDER BY public_id LIMIT 1",
    );
    let row = sqlite3_value(
        &db,
        &format!("SELECT id FROM incidents WHERE public_id = {incident}"),
    );
    sqlite3(
        &db,
        &format!("DELETE FROM incident_sources WHERE incident_id = {row}"),
    );
    let entries = log(d).len();
    // A new report (our own words): shelling of Kafr Hamra, 22 September 2016.
    let article = "{\"id\":\"late-1\",\"published\":\"2016-09-22\",\"text\":\"Government \
                   artillery shelled the town of Kafr Hamra north of Aleppo on Thursday, \
                   witnesses said.\"}\n";
    for args in [vec!["ingest", "-", "--db", d], vec!["check", "--db", d]] {
        let o = run(&args, article.as_bytes());
        assert!(!o.status.success(), "{args:?} wrote on a tampered record");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("incident {incident} was changed outside hudna")),
            "{args:?}: {err}"
        );
    }
    assert_eq!(log(d).len(), entries, "nothing was logged");
    let (code, v) = verify(d);
    assert_eq!(code, 1, "{v}");
}
