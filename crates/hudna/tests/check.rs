//! Truces and findings in the record: `hudna truce load/list/show`, `hudna check`,
//! `hudna findings` and `hudna demo`, driven as a user would.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{hudna, json_lines, repo, run, stderr};

const SCENARIO: &str = "data/scenarios/issg-2016";

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(o).trim()).expect("one JSON object")
}

/// A copy of the scenario's truce and geometry files in `dir`, with `edit` applied to the
/// TOML.
fn truce_copy(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let from = repo().join(SCENARIO);
    for f in [
        "syria.geojson",
        "castello-dmz.geojson",
        "nw-grounding.geojson",
    ] {
        std::fs::copy(from.join(f), dir.join(f)).expect("copy a geometry file");
    }
    let toml = std::fs::read_to_string(from.join("truce.toml")).expect("the truce");
    let path = dir.join("truce.toml");
    std::fs::write(&path, edit(toml)).expect("write the copy");
    path
}

/// The proposed designation of Ahrar al-Sham, in force.
fn ahrar_in_force(toml: String) -> String {
    let at = toml.find("id = \"ahrar-al-sham\"").expect("ahrar-al-sham");
    let (head, tail) = toml.split_at(at);
    format!(
        "{head}{}",
        tail.replacen("status = \"proposed\"", "status = \"in_force\"", 1)
    )
}

fn truce_file() -> PathBuf {
    repo().join(SCENARIO).join("truce.toml")
}

#[test]
fn truces_load_as_versions_and_list_and_show_from_the_record_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let files = tempfile::tempdir().unwrap();
    let original = truce_file();

    let out = ok(run(&["truce", "load", s(&original), "--db", s(&db)], b""));
    assert!(
        stdout(&out)
            .starts_with("issg-2016: stored as version 1 (a new truce): 2 periods, 7 parties"),
        "{}",
        stdout(&out)
    );
    let out = ok(run(&["truce", "load", s(&original), "--db", s(&db)], b""));
    assert!(stdout(&out).contains("unchanged"), "{}", stdout(&out));

    let flipped = truce_copy(files.path(), ahrar_in_force);
    let out = ok(run(
        &["truce", "load", s(&flipped), "--db", s(&db), "--json"],
        b"",
    ));
    let loaded = json(&out);
    assert_eq!(loaded["version"], 2);
    assert_eq!(loaded["previous"], 1);
    assert_eq!(loaded["outcome"], "changed");
    assert_eq!(
        loaded["changes"],
        serde_json::json!([{"kind": "designation", "id": "ahrar-al-sham", "change": "changed"}])
    );

    // The files are gone; the record still has both versions whole.
    drop(files);
    let list = json_lines(&ok(run(&["truce", "list", "--db", s(&db), "--json"], b"")));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], "issg-2016");
    assert_eq!(list[0]["current_version"], 2);

    let show = stdout(&ok(run(
        &[
            "truce",
            "show",
            "issg-2016",
            "--version",
            "1",
            "--db",
            s(&db),
        ],
        b"",
    )));
    assert!(show.starts_with("issg-2016 version 1 of 2\n"), "{show}");
    assert!(
        show.contains("file syria.geojson (19000 bytes, stored)"),
        "{show}"
    );
    assert!(show.contains("designation  ahrar-al-sham"), "{show}");
    let current = stdout(&ok(run(
        &["truce", "show", "issg-2016", "--db", s(&db)],
        b"",
    )));
    assert!(
        current.starts_with("issg-2016 version 2 of 2 (current)"),
        "{current}"
    );
    assert!(
        current.contains("changed from version 1: designation ahrar-al-sham changed"),
        "{current}"
    );
    let raw = stdout(&ok(run(
        &[
            "truce",
            "show",
            "issg-2016",
            "--version",
            "1",
            "--raw",
            "--db",
            s(&db),
        ],
        b"",
    )));
    assert_eq!(raw, std::fs::read_to_string(&original).unwrap());

    let missing = run(&["truce", "show", "issg-2017", "--db", s(&db)], b"");
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no truce `issg-2017` in the record (stored: issg-2016)"),
        "{}",
        stderr(&missing)
    );
    let no_version = run(
        &[
            "truce",
            "show",
            "issg-2016",
            "--version",
            "9",
            "--db",
            s(&db),
        ],
        b"",
    );
    assert!(stderr(&no_version).contains("has no version 9 (versions: 1, 2)"));
}

#[test]
fn a_bad_truce_file_is_refused_by_file_line_and_field_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(run(
        &["truce", "load", s(&truce_file()), "--db", s(&db)],
        b"",
    ));
    let files = tempfile::tempdir().unwrap();
    let bad = truce_copy(files.path(), |t| {
        ahrar_in_force(t).replacen("actor = \"COAL\"", "actor = \"NOBODY\"", 1)
    });
    let line = std::fs::read_to_string(&bad)
        .unwrap()
        .lines()
        .position(|l| l.contains("NOBODY"))
        .unwrap()
        + 1;
    let out = run(&["truce", "load", s(&bad), "--db", s(&db)], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let expected = format!(
        "{}:{line}:9: party[6].actor: unknown actor code `NOBODY`",
        s(&bad)
    );
    assert!(err.contains(&expected), "{err}\nexpected {expected}");
    assert!(err.contains("nothing stored"), "{err}");
    // A geometry file that cannot be read is named too.
    std::fs::remove_file(files.path().join("castello-dmz.geojson")).unwrap();
    let good_but_missing = truce_copy(files.path(), |t| t);
    std::fs::remove_file(files.path().join("castello-dmz.geojson")).unwrap();
    let out = run(
        &["truce", "load", s(&good_but_missing), "--db", s(&db)],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("zone[1].geometry: cannot read"),
        "{}",
        stderr(&out)
    );
    // Nothing of either attempt reached the record; the first version is intact.
    let list = json_lines(&ok(run(&["truce", "list", "--db", s(&db), "--json"], b"")));
    assert_eq!(list[0]["current_version"], 1);
}

#[test]
fn every_problem_of_a_truce_file_is_reported_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let files = tempfile::tempdir().unwrap();
    // The audit's case: `untill` on two lines and a misspelt incident type, plus an unknown
    // actor code: four problems, all reported, with their lines, in one run.
    let bad = truce_copy(files.path(), |t| {
        t.replace(
            "until = 2016-09-19T19:00:00\n",
            "untill = 2016-09-19T19:00:00\n",
        )
        .replacen(
            "\"air_strike\", \"armed_clash\"",
            "\"airstrike\", \"armed_clash\"",
            1,
        )
        .replacen("actor = \"COAL\"", "actor = \"NOBODY\"", 1)
    });
    let text = std::fs::read_to_string(&bad).unwrap();
    let lines_of = |needle: &str| -> Vec<usize> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
            .collect()
    };
    let untill = lines_of("untill = ");
    assert_eq!(untill.len(), 2, "the scenario changed: {untill:?}");
    let out = run(&["truce", "load", s(&bad), "--db", s(&db)], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for (line, field) in [
        (untill[0], "period[1].untill"),
        (untill[1], "zone[1].untill"),
        (lines_of("\"airstrike\"")[0], "zone[1].forbidden[0]"),
        (lines_of("NOBODY")[0], "party[6].actor"),
    ] {
        let at = format!("{}:{line}:", s(&bad));
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains(&format!(": {field}: "))),
            "no {field} at line {line}:\n{err}"
        );
    }
    assert!(err.contains("4 problem(s); nothing stored"), "{err}");
    // Not even the record was made.
    assert!(!db.exists());
}

/// A record of the scenario's reports with its truce loaded (the environment variable names
/// the database, as `--db` would).
fn scenario_record(dir: &Path) -> PathBuf {
    let db = dir.join("r.db");
    let out = hudna()
        .args(["ingest", &format!("{SCENARIO}/reports.jsonl")])
        .env("HUDNA_DB", &db)
        .output()
        .expect("hudna runs");
    ok(out);
    ok(run(
        &["truce", "load", s(&truce_file()), "--db", s(&db)],
        b"",
    ));
    db
}

#[test]
fn check_stores_findings_and_a_rerun_with_nothing_changed_judges_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = scenario_record(dir.path());
    let first = json(&ok(run(&["check", "--db", s(&db), "--json"], b"")));
    let r = &first["runs"][0];
    assert_eq!(r["truce"], "issg-2016");
    assert_eq!(r["previous_version"], serde_json::Value::Null);
    assert_eq!(r["evaluated"], r["incidents"]);
    let n = r["findings"].as_u64().unwrap();
    assert!(n > 40, "{r}");
    assert_eq!(r["added"], n);
    let stored = json_lines(&ok(run(&["findings", "--db", s(&db)], b"")));
    assert_eq!(stored.len() as u64, n);
    for f in &stored {
        assert_eq!(f["truce"], "issg-2016");
        assert_eq!(f["truce_version"], 1);
        // The incident id is a string, as in `check --truce-file` output and the API.
        assert!(f["incident"].is_string() && f["term"].is_string() && f["severity"].is_string());
        assert!(f["confidence"]
            .as_f64()
            .is_some_and(|c| (0.0..=1.0).contains(&c)));
        assert!(!f["explanation"].as_str().unwrap().is_empty());
    }
    // Every finding points at an incident of the record, by the id exports give it.
    let incidents: Vec<i64> = json_lines(&ok(run(&["incidents", "--db", s(&db)], b"")))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert!(stored
        .iter()
        .all(|f| incidents.contains(&f["incident"].as_str().unwrap().parse::<i64>().unwrap())));

    let again = ok(run(&["check", "--db", s(&db)], b""));
    let text = stdout(&again);
    assert!(text.contains("judged now 0 ·"), "{text}");
    assert!(
        text.contains("no finding changed since the last check"),
        "{text}"
    );
    let again = json(&ok(run(&["check", "--db", s(&db), "--json"], b"")));
    let r = &again["runs"][0];
    assert_eq!(
        (&r["evaluated"], &r["added"], &r["removed"], &r["changed"]),
        (&0.into(), &0.into(), &0.into(), &0.into())
    );
    assert_eq!(r["changes"], serde_json::json!([]));
    assert_eq!(
        json_lines(&ok(run(&["findings", "--db", s(&db)], b""))),
        stored
    );

    let unknown = run(&["check", "--db", s(&db), "--truce", "nope"], b"");
    assert!(stderr(&unknown).contains("no truce `nope` in the record (stored: issg-2016)"));
    // No record there: refused, and none is made.
    let empty = dir.path().join("empty.db");
    let none = run(&["check", "--db", s(&empty)], b"");
    assert!(stderr(&none).contains("empty.db does not exist"));
    assert!(!empty.exists());
    // A record without a truce: what to do.
    std::fs::File::create(&empty).unwrap();
    let none = run(&["check", "--db", s(&empty)], b"");
    assert!(stderr(&none).contains("load one with `hudna truce load FILE`"));
}

#[test]
fn flipping_the_ahrar_al_sham_designation_reports_which_findings_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = scenario_record(dir.path());
    let first = json(&ok(run(&["check", "--db", s(&db), "--json"], b"")));
    let incidents = first["runs"][0]["incidents"].as_u64().unwrap();
    let before = json_lines(&ok(run(&["findings", "--db", s(&db)], b"")));

    let files = tempfile::tempdir().unwrap();
    let flipped = truce_copy(files.path(), ahrar_in_force);
    let out = ok(run(&["truce", "load", s(&flipped), "--db", s(&db)], b""));
    assert!(stdout(&out).contains("changed: designation ahrar-al-sham changed"));

    let text = stdout(&ok(run(&["check", "--db", s(&db), "--limit", "1000"], b"")));
    assert!(
        text.contains("issg-2016 v2 — the last check used v1; changed since: designation ahrar-al-sham changed"),
        "{text}"
    );
    let changed_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  + ") || l.starts_with("  - ") || l.starts_with("  ~ "))
        .collect();
    assert!(!changed_lines.is_empty(), "{text}");
    assert!(changed_lines
        .iter()
        .all(|l| l.ends_with("truce issg-2016 v1 → v2: designation ahrar-al-sham changed")));

    // The same, as data: only OPP incidents were judged again; their party attacks lost
    // confidence (they may be Ahrar al-Sham's) and the "would change" findings are gone.
    let after = json_lines(&ok(run(&["findings", "--db", s(&db)], b"")));
    assert!(after.iter().all(|f| f["truce_version"] == 2));
    let check = run(&["check", "--db", s(&db), "--json"], b"");
    assert_eq!(
        json(&check)["runs"][0]["evaluated"],
        0,
        "a second run judges nothing"
    );
    let runs_before = before.len();
    let removed: Vec<&serde_json::Value> = before
        .iter()
        .filter(|b| {
            !after.iter().any(|a| {
                a["incident"] == b["incident"]
                    && a["rule"] == b["rule"]
                    && a["term"] == b["term"]
                    && a["proposal"] == b["proposal"]
            })
        })
        .collect();
    assert!(!removed.is_empty() && removed.len() < runs_before);
    assert!(removed
        .iter()
        .all(|f| f["proposal"]["term"] == "ahrar-al-sham"
            || f["proposal"]["term"] == "jaysh-al-islam"));
    let rescored: Vec<&serde_json::Value> = after
        .iter()
        .filter(|a| a["proposal"].is_null() && a["run"] != a["first_run"])
        .collect();
    assert!(!rescored.is_empty());
    for f in &rescored {
        assert_eq!(f["rule"], "party_attack");
        assert_eq!(f["confidence"], 0.5);
        assert!(f["explanation"]
            .as_str()
            .unwrap()
            .contains("Ahrar al-Sham (designated, in_force"));
    }
    let judged = text
        .lines()
        .find(|l| l.contains("judged now"))
        .and_then(|l| l.split("judged now ").nth(1))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap();
    assert!(
        judged > 0 && judged < incidents / 4,
        "judged {judged} of {incidents}"
    );
}

#[test]
fn findings_export_as_jsonl_and_csv_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = scenario_record(dir.path());
    ok(run(&["check", "--db", s(&db)], b""));
    let all = json_lines(&ok(run(&["findings", "--db", s(&db)], b"")));
    let hits = json_lines(&ok(run(
        &[
            "findings",
            "--db",
            s(&db),
            "--rule",
            "notified_site_hit",
            "--truce",
            "issg-2016",
        ],
        b"",
    )));
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|f| f["rule"] == "notified_site_hit"));
    assert_eq!(
        hits.len(),
        all.iter()
            .filter(|f| f["rule"] == "notified_site_hit")
            .count()
    );
    let out = dir.path().join("f.csv");
    ok(run(
        &["findings", "--db", s(&db), "--format", "csv", "-o", s(&out)],
        b"",
    ));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "incident",
            "truce",
            "truce_version",
            "term",
            "rule",
            "severity",
            "confidence",
            "distance_km",
            "proposal_term",
            "proposal_effect",
            "explanation",
            "first_run",
            "run",
            "explanation_ar"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), all.len());
    assert_eq!(&rows[0][0], all[0]["incident"].as_str().unwrap());
    // The Arabic explanation, last, as the JSON Lines give it.
    assert_eq!(&rows[0][13], all[0]["explanation_ar"].as_str().unwrap());
    assert!(rows
        .iter()
        .all(|r| r[13].chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c))));
    assert!(rows.iter().any(|r| &r[9] == "would_add"));
    let one = all[0]["incident"].as_str().unwrap().to_string();
    let of_one = json_lines(&ok(run(
        &["findings", "--db", s(&db), "--incident", &one],
        b"",
    )));
    assert!(!of_one.is_empty() && of_one.iter().all(|f| f["incident"] == all[0]["incident"]));

    let bad = run(&["findings", "--db", s(&db), "--rule", "shelling"], b"");
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("unknown rule `shelling` (rules: party_attack,"));
    let bad = run(&["findings", "--db", s(&db), "--format", "xml"], b"");
    assert!(!bad.status.success());
}

#[test]
fn the_demo_shows_the_convoy_and_the_deir_ez_zor_strike() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = ok(run(&["demo", "--db", s(&db), "--no-serve", "--json"], b""));
    let demo = json(&out);
    assert_eq!(demo["truce"]["version"], 1);
    assert!(demo["incidents"].as_u64().unwrap() > 30);
    let headlines = demo["headlines"].as_array().unwrap();
    assert_eq!(headlines.len(), 2);

    let convoy = headlines[0]["findings"].as_array().unwrap();
    assert!(!convoy.is_empty(), "{}", headlines[0]);
    for h in convoy {
        let f = &h["finding"];
        assert_eq!(f["rule"], "notified_movement_hit");
        assert_eq!(f["term"], "convoy-urum-al-kubra");
        assert_eq!(f["severity"], "grave");
        let e = f["explanation"].as_str().unwrap();
        assert!(
            e.contains("United Nations and Syrian Arab Red Crescent"),
            "{e}"
        );
        for party in ["SYR_GOV", "RUS", "USA", "OPP"] {
            assert!(
                e.contains(&format!("{party} on 2016-09-19")),
                "{party} missing: {e}"
            );
        }
        assert_eq!(h["incident"]["date"], "2016-09-19");
    }

    let coal = headlines[1]["findings"].as_array().unwrap();
    assert!(!coal.is_empty(), "{}", headlines[1]);
    for h in coal {
        assert_eq!(h["finding"]["rule"], "party_attack");
        assert_eq!(h["finding"]["proposal"], serde_json::Value::Null);
        assert_eq!(h["incident"]["perpetrator"], "COAL");
        assert_eq!(h["incident"]["date"], "2016-09-17");
        assert_eq!(h["incident"]["admin1"], "Deir-ez-Zor");
        assert!(h["finding"]["explanation"]
            .as_str()
            .unwrap()
            .starts_with("COAL air_strike"));
    }
    assert!(coal
        .iter()
        .any(|h| h["incident"]["target_actor"] == "SYR_GOV"));

    // The text names the same, and the database can be rebuilt in place.
    let text = stdout(&ok(run(&["demo", "--db", s(&db), "--no-serve"], b"")));
    assert!(text.contains(&format!("database: {}", s(&db))), "{text}");
    assert!(text.contains("notified_movement_hit grave"), "{text}");
    assert!(
        text.contains("notified: SYR_GOV on 2016-09-19, RUS on 2016-09-19"),
        "{text}"
    );
    assert!(
        text.contains("party_attack serious 1.00: COAL air_strike"),
        "{text}"
    );
    // The store the demo built answers the other commands.
    let findings = json_lines(&ok(run(
        &[
            "findings",
            "--db",
            s(&db),
            "--rule",
            "notified_movement_hit",
        ],
        b"",
    )));
    assert_eq!(findings.len(), convoy.len());
}

#[test]
fn the_demo_never_replaces_a_database_it_did_not_build() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mine.db");
    ok(run(
        &["truce", "load", s(&truce_file()), "--db", s(&db)],
        b"",
    ));
    let out = run(&["demo", "--db", s(&db)], b"");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is not a database `hudna demo` built; not replacing it"),
        "{}",
        stderr(&out)
    );
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database at all, but somebody's notes").unwrap();
    let out = run(&["demo", "--db", s(&notes)], b"");
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "not a database at all, but somebody's notes"
    );
    ok(run(&["demo", "--db", s(&db), "--force", "--no-serve"], b""));
}

#[test]
fn an_incident_keeps_its_id_when_an_earlier_report_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    // A report of 20 Sep of "yesterday's" shelling of Kafranbel (the 19th), then one of
    // 18 Sep that dates the same shelling "today" (a day earlier, so the same event): the
    // second comes first in the consolidation order and becomes the incident's seed.
    let later = "{\"id\":\"later\",\"published\":\"2016-09-20\",\"text\":\"قصفت قوات النظام بالمدفعية الثقيلة بلدة كفرنبل في ريف إدلب الجنوبي أمس، ما أدى إلى مقتل مدنيين اثنين وإصابة خمسة آخرين، بحسب الدفاع المدني.\"}\n";
    let earlier = "{\"id\":\"earlier\",\"published\":\"2016-09-18\",\"text\":\"قصفت قوات النظام بالمدفعية بلدة كفرنبل في ريف إدلب الجنوبي اليوم، ما أدى إلى مقتل مدنيين اثنين، بحسب ناشطين من البلدة.\"}\n";
    ok(run(&["ingest", "-", "--db", s(&db)], later.as_bytes()));
    ok(run(
        &["truce", "load", s(&truce_file()), "--db", s(&db)],
        b"",
    ));
    ok(run(&["check", "--db", s(&db)], b""));
    let kafranbel = |db: &Path| -> serde_json::Value {
        let all = json_lines(&ok(run(
            &["incidents", "--db", s(db), "--type", "shelling"],
            b"",
        )));
        let mut of: Vec<serde_json::Value> =
            all.into_iter().filter(|i| i["place"] == "كفرنبل").collect();
        assert_eq!(of.len(), 1, "{of:#?}");
        of.remove(0)
    };
    let first = kafranbel(&db);
    let id = first["id"].as_i64().unwrap();
    let before = json_lines(&ok(run(
        &["findings", "--db", s(&db), "--incident", &id.to_string()],
        b"",
    )));
    assert!(!before.is_empty());

    ok(run(&["ingest", "-", "--db", s(&db)], earlier.as_bytes()));
    let second = kafranbel(&db);
    assert_eq!(second["sources"].as_array().unwrap().len(), 2, "{second}");
    assert_eq!(second["id"].as_i64().unwrap(), id, "the id changed");
    // The dump shows the row key moved to the new seed while the public id stayed.
    let dump = stdout(&ok(run(&["dump", "--db", s(&db)], b"")));
    let public = dump.split("## public ids\n").nth(1).unwrap();
    let row = public
        .lines()
        .find(|l| l.ends_with(&format!("\t{id}")))
        .unwrap();
    assert_ne!(row.split('\t').next().unwrap(), id.to_string(), "{row}");

    // The next check judges it again (its day changed) under the same id: its findings are
    // re-scored or kept, never removed and added again under another id.
    let check = json(&ok(run(&["check", "--db", s(&db), "--json"], b"")));
    let r = &check["runs"][0];
    assert_eq!(r["gone"], 0);
    for c in r["changes"].as_array().unwrap() {
        let f = if c["after"].is_null() {
            &c["before"]
        } else {
            &c["after"]
        };
        assert_eq!(f["incident"], id.to_string());
        assert_ne!(c["change"], "removed", "{c}");
    }
}
