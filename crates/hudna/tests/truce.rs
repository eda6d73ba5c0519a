//! `hudna truce validate` and `hudna check --truce-file`, driven as a user would.

use crate::common::{json_lines, run, stderr};

const TRUCE: &str = "data/scenarios/issg-2016/truce.toml";

#[test]
fn the_bundled_truce_validates() {
    let out = run(&["truce", "validate", TRUCE], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("issg-2016: valid"), "{text}");
}

#[test]
fn a_broken_truce_is_reported_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "id = \"t\"\nutc_offset = \"+03:00\"\n[name]\nar = \"ت\"\nen = \"t\"\n[source]\ntitle = \"t\"\ndate = 2016-01-01\n[[period]]\nid = \"p\"\n[[party]]\nactor = \"NOBODY\"\naccepted = 2016-01-01\n",
    )
    .unwrap();
    let out = run(&["truce", "validate", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("t.toml:12:9: party[0].actor: unknown actor code `NOBODY`"),
        "{err}"
    );
}

const REPORTS: &str = r#"{"article_id":"r18","type":"air_strike","date":"2016-09-19","place":"أورم الكبرى","admin1":"Aleppo","lat":36.14819,"lon":36.94776,"perpetrator":"UNKNOWN","target":"humanitarian","killed":20,"injured":null,"geo_precision":"locality","evidence":[[0,10]]}
{"article_id":"r14","type":"air_strike","date":"2016-09-17","place":"جبل الثردة","admin1":"Deir-ez-Zor","lat":35.257,"lon":40.115,"perpetrator":"COAL","target":"armed","target_actor":"SYR_GOV","killed":62,"injured":null,"geo_precision":"point","evidence":[[0,10]]}
{"article_id":"r14","type":"shelling","date":"2016-09-18","place":"دير الزور","admin1":"Deir-ez-Zor","lat":35.336,"lon":40.14,"perpetrator":"ISIS","target":"armed","target_actor":"SYR_GOV","killed":null,"injured":null,"geo_precision":"locality","evidence":[[20,40]]}
"#;

#[test]
fn check_judges_extracted_incidents_against_a_truce_file() {
    let out = run(
        &["check", "--truce-file", TRUCE, "--json"],
        REPORTS.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = json_lines(&out);
    let of_article = |f: &serde_json::Value, article: &str| {
        f["incident"]
            .as_str()
            .is_some_and(|id| id.starts_with(&format!("{article}#")))
    };
    assert!(findings.iter().any(|f| of_article(f, "r18")
        && f["rule"] == "notified_movement_hit"
        && f["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("OPP on 2016-09-19"))));
    assert!(findings.iter().any(|f| of_article(f, "r14")
        && f["rule"] == "party_attack"
        && f["term"] == "renewal-2016-09"));
    // Every finding says how far: inside the covered area, or from the route.
    assert!(
        findings.iter().all(|f| f["distance_km"].is_f64()),
        "{findings:#?}"
    );
    let only = run(
        &["check", "--truce-file", TRUCE, "--rule", "party_attack"],
        REPORTS.as_bytes(),
    );
    let text = String::from_utf8_lossy(&only.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("r14#"), "{text}");
    assert!(
        text.contains(" issg-2016/renewal-2016-09 party_attack serious 1.00: COAL"),
        "{text}"
    );
}

#[test]
fn extracted_incidents_keep_their_ids_whatever_the_order_of_the_lines() {
    let judge = |input: &str| -> Vec<serde_json::Value> {
        let out = run(
            &["check", "--truce-file", TRUCE, "--json"],
            input.as_bytes(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        json_lines(&out)
    };
    let lines: Vec<&str> = REPORTS.lines().collect();
    let forward = judge(REPORTS);
    assert!(forward.len() >= 3, "{forward:#?}");
    // Reversed (the two incidents of r14 swap places), and with a line dropped: the findings
    // of each incident are the same, under the same id.
    let reversed: String = lines.iter().rev().map(|l| format!("{l}\n")).collect();
    assert_eq!(judge(&reversed), forward);
    let without_first: String = lines[1..].iter().map(|l| format!("{l}\n")).collect();
    let kept: Vec<serde_json::Value> = forward
        .iter()
        .filter(|f| !f["incident"].as_str().unwrap().starts_with("r18#"))
        .cloned()
        .collect();
    assert_eq!(judge(&without_first), kept);
    // The ids are strings, distinct for the two incidents of one article.
    let r14: std::collections::BTreeSet<&str> = forward
        .iter()
        .filter_map(|f| f["incident"].as_str())
        .filter(|id| id.starts_with("r14#"))
        .collect();
    assert_eq!(r14.len(), 2, "{r14:?}");
}
