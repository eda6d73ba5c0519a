//! `hudna bench audit`: the audit log benchmark runs and reports one JSON object.

use crate::common::run;

#[test]
fn bench_audit_prints_a_json_report_on_its_last_line() {
    let out = run(&["bench", "audit", "--entries", "4000"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().expect("a line of output");
    let report: serde_json::Value = serde_json::from_str(last).expect("JSON");
    assert_eq!(report["bench"], "audit");
    assert_eq!(report["entries"], 4000);
    assert_eq!(report["records"], 1000);
    assert!(report["entries_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_audit_refuses_zero_entries() {
    let out = run(&["bench", "audit", "--entries", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--entries must be at least 1"), "{stderr}");
}
