//! `hudna extract`: the development-set ratchet and bad input.

use crate::common::{hudna, json_lines, repo, run, shared, stderr};

/// The best figures reached so far on the development set. A change that lowers one fails
/// this test; a change that raises one should raise it here too.
fn ratchet() -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(repo().join("crates/hudna/tests/ratchet.json"))
        .expect("ratchet.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("ratchet.json is JSON");
    v.as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_f64().expect("a number")))
        .collect()
}

#[test]
fn dev_set_scores_do_not_fall_below_the_ratchet() {
    let shared = shared();
    let dir = tempfile::tempdir().unwrap();
    let predicted = dir.path().join("predicted.jsonl");
    let articles = shared.join("eval/dev/articles.jsonl");
    let out = run(
        &[
            "extract",
            articles.to_str().unwrap(),
            "-o",
            predicted.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let score = std::process::Command::new("python3")
        .arg(shared.join("eval/score"))
        .arg(&articles)
        .arg(shared.join("eval/dev/gold.jsonl"))
        .arg(&predicted)
        .output()
        .expect("python3 runs the scorer");
    assert!(
        score.status.success(),
        "{}",
        String::from_utf8_lossy(&score.stderr)
    );
    let text = String::from_utf8_lossy(&score.stdout);
    let json = &text[..text.rfind('}').expect("a JSON summary") + 1];
    let figures: serde_json::Value = serde_json::from_str(json).unwrap();
    println!("dev set: {figures}");
    let mut below = Vec::new();
    for (name, floor) in ratchet() {
        let got = figures[&name]
            .as_f64()
            .unwrap_or_else(|| panic!("no figure {name}"));
        if got + 1e-9 < floor {
            below.push(format!("{name} = {got} < {floor}"));
        }
    }
    assert!(below.is_empty(), "below the ratchet: {}", below.join(", "));
}

const GOOD: &str = r#"{"id":"g1","published":"2016-09-19","text":"قصفت قوات النظام بلدة كفرنبل بريف إدلب، ما أدى إلى مقتل مدنيين اثنين."}"#;

#[test]
fn bad_lines_are_reported_with_their_number_and_skipped() {
    let mut input = Vec::new();
    input.extend_from_slice(GOOD.as_bytes());
    input.extend_from_slice(b"\nnot json at all\n");
    input.extend_from_slice(b"{\"text\":\"no id here\"}\n");
    input.extend_from_slice(b"{\"id\":\"x\"}\n");
    input.extend_from_slice(b"{\"id\":\"y\",\"text\":\"\xff\xfe broken\"}\n");
    input.extend_from_slice(b"{\"id\":\"z\",\"text\":\"  \\n  \"}\n");
    input.extend_from_slice(GOOD.replace("g1", "g2").as_bytes());
    input.push(b'\n');
    let out = run(&["extract", "-"], &input);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rejected line makes the run fail at the end"
    );
    let err = stderr(&out);
    assert!(err.contains("<stdin>:line 2: not JSON"), "{err}");
    assert!(err.contains("<stdin>:line 3: missing field `id`"), "{err}");
    assert!(
        err.contains("<stdin>:line 4: missing field `text`"),
        "{err}"
    );
    assert!(err.contains("<stdin>:line 5: not UTF-8"), "{err}");
    assert!(err.contains("<stdin>:line 6: field `text`: empty"), "{err}");
    let incidents = json_lines(&out);
    let ids: Vec<&str> = incidents
        .iter()
        .map(|i| i["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["g1", "g2"], "the lines around the bad ones are read");
    assert_eq!(incidents[0]["killed"], 2);
    assert_eq!(incidents[0]["perpetrator"], "SYR_GOV");
}

#[test]
fn strict_stops_at_the_first_bad_line() {
    let input = format!("{GOOD}\n{{broken\n{}\n", GOOD.replace("g1", "g2"));
    let out = run(&["extract", "--strict"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 2: not JSON"));
    let ids: Vec<String> = json_lines(&out)
        .iter()
        .map(|i| i["article_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["g1"], "what was read before the bad line is kept");
}

#[test]
fn files_in_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    std::fs::write(&input, format!("{GOOD}\n")).unwrap();
    let out = run(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(&output).unwrap();
    assert_eq!(written.lines().count(), 1, "{written}");
    let missing = run(&["extract", "/nonexistent/articles.jsonl"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("/nonexistent/articles.jsonl"));
}

#[test]
fn the_bundled_sample_reads_without_rejects() {
    let out = run(&["extract", "data/samples/articles.jsonl"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json_lines(&out).len() >= 8, "the sample reports incidents");
}

#[test]
fn bench_extract_finds_the_development_set_from_any_directory() {
    shared();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = hudna()
        .current_dir(elsewhere.path())
        .args(["bench", "extract", "--mb", "0.2"])
        .output()
        .expect("hudna runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().expect("a report line");
    let report: serde_json::Value = serde_json::from_str(last).expect("JSON on the last line");
    assert!(
        report["mb_per_s"].as_f64().is_some_and(|v| v > 0.0),
        "{last}"
    );
    // A missing file is named, with the flag that gives another.
    let out = hudna()
        .current_dir(elsewhere.path())
        .args([
            "bench",
            "extract",
            "--mb",
            "0.2",
            "--articles",
            "no/such.jsonl",
        ])
        .output()
        .expect("hudna runs");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no/such.jsonl"), "{}", stderr(&out));
}
