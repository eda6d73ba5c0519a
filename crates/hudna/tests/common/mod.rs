//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared reference data (`../shared` beside the repository, or `HUDNA_SHARED`).
pub fn shared() -> PathBuf {
    let p = std::env::var_os("HUDNA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    assert!(
        p.join("eval/dev/articles.jsonl").exists(),
        "the shared evaluation data is missing at {} (set HUDNA_SHARED)",
        p.display()
    );
    p
}

/// A `hudna` command.
pub fn hudna() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hudna"));
    c.current_dir(repo());
    c
}

/// Runs `hudna` with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = hudna()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hudna starts");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("hudna runs");
    writer.join().expect("stdin writer");
    out
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output parsed as JSON lines.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

pub mod server;
pub mod webdriver;
pub mod world;
