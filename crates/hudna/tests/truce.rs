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

#[test]
fn check_judges_extracted_incidents_against_a_truce_file() {
    let convoy = r#"{"article_id":"r18","type":"air_strike","date":"2016-09-19","place":"أورم الكبرى","admin1":"Aleppo","lat":36.14819,"lon":36.94776,"perpetrator":"UNKNOWN","target":"humanitarian","killed":20,"injured":null,"geo_precision":"locality","evidence":[[0,10]]}
{"article_id":"r14","type":"air_strike","date":"2016-09-17","place":"جبل الثردة","admin1":"Deir-ez-Zor","lat":35.257,"lon":40.115,"perpetrator":"COAL","target":"armed","target_actor":"SYR_GOV","killed":62,"injured":null,"geo_precision":"point","evidence":[[0,10]]}
"#;
    let out = run(
        &["check", "--truce-file", TRUCE, "--json"],
        convoy.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let findings = json_lines(&out);
    assert!(findings.iter().any(|f| f["incident"] == "r18#0"
        && f["rule"] == "notified_movement_hit"
        && f["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("OPP on 2016-09-19"))));
    assert!(findings.iter().any(|f| f["incident"] == "r14#0"
        && f["rule"] == "party_attack"
        && f["term"] == "renewal-2016-09"));
    let only = run(
        &["check", "--truce-file", TRUCE, "--rule", "party_attack"],
        convoy.as_bytes(),
    );
    let text = String::from_utf8_lossy(&only.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("r14#0 issg-2016/renewal-2016-09 party_attack serious 1.00: COAL"));
}
