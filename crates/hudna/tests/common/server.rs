//! A `hudna serve` process for tests, and a small HTTP client.
//!
//! Like meilisearch's test server: each test gets its own database and its own server on a
//! free port, started from the built binary and stopped when the handle is dropped.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{hudna, repo};

/// A running `hudna serve`.
pub struct TestServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl TestServer {
    /// Serves `db` on a free port and waits until it listens.
    pub fn start(db: &Path) -> TestServer {
        let db = db.to_str().unwrap().to_string();
        TestServer::start_with(&["serve", "--addr", "127.0.0.1:0", "--db", &db]).0
    }

    /// Runs `hudna ARGS` (a command that ends by serving, like `serve` or `demo`) and waits
    /// for the line naming its URL; returns the server and the lines printed before it.
    pub fn start_with(args: &[&str]) -> (TestServer, Vec<String>) {
        let child = hudna()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("hudna starts");
        // Owned by the handle from here on, so that it is stopped whatever happens below.
        let mut server = TestServer {
            child,
            base: String::new(),
        };
        let stdout = server.child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut before = Vec::new();
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect("hudna prints");
            assert!(n > 0, "hudna {args:?} ended before serving: {before:?}");
            if line.starts_with("hudna serving on http://") {
                let start = line.find("http://").unwrap();
                let url = line[start..].split_whitespace().next().unwrap();
                server.base = url.trim_end_matches('/').to_string();
                // Keep draining stdout so the server never blocks on a full pipe.
                std::thread::spawn(move || {
                    let mut sink = String::new();
                    while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                        sink.clear();
                    }
                });
                return (server, before);
            }
            before.push(line.trim_end().to_string());
        }
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns every status as a response and follows no redirects.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .new_agent()
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body as text.
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut res = res.expect("the request reaches the server");
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = res
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends a request: `method`, URL, optional bearer token, optional extra headers, optional
/// body with its content type.
pub fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Reply {
    let a = agent();
    let auth = token.map(|t| format!("Bearer {t}"));
    macro_rules! with_headers {
        ($req:expr) => {{
            let mut r = $req;
            if let Some(a) = &auth {
                r = r.header("Authorization", a.as_str());
            }
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r
        }};
    }
    match (method, body) {
        ("GET", _) => read(with_headers!(a.get(url)).call()),
        ("POST", Some((ct, b))) => read(
            with_headers!(a.post(url))
                .header("Content-Type", ct)
                .send(b),
        ),
        ("POST", None) => read(with_headers!(a.post(url)).send_empty()),
        ("PATCH", Some((ct, b))) => read(
            with_headers!(a.patch(url))
                .header("Content-Type", ct)
                .send(b),
        ),
        ("PATCH", None) => read(with_headers!(a.patch(url)).send_empty()),
        ("DELETE", _) => read(with_headers!(a.delete(url)).call()),
        ("PUT", Some((ct, b))) => {
            read(with_headers!(a.put(url)).header("Content-Type", ct).send(b))
        }
        _ => panic!("unsupported {method}"),
    }
}

/// GET with an optional token.
pub fn get(url: &str, token: Option<&str>) -> Reply {
    request("GET", url, token, &[], None)
}

/// POST (or PATCH) a JSON value with an optional token.
pub fn send_json(method: &str, url: &str, token: Option<&str>, body: &serde_json::Value) -> Reply {
    let text = body.to_string();
    request(
        method,
        url,
        token,
        &[],
        Some(("application/json", text.as_bytes())),
    )
}

/// The ISSG 2016 reports, ingested into a fresh database at `db`.
pub fn ingest_issg(db: &Path) {
    let reports = repo().join("data/scenarios/issg-2016/reports.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_hudna"))
        .current_dir(repo())
        .arg("ingest")
        .arg(&reports)
        .arg("--db")
        .arg(db)
        .output()
        .expect("hudna ingest runs");
    assert!(
        o.status.success(),
        "ingest failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Percent-encodes a form value.
pub fn urlencode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
