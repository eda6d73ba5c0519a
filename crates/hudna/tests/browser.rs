//! The dashboard in headless Chromium, driven through WebDriver from this test: sign in as a
//! member, find the convoy incident on the map, open it, read its finding, switch to Arabic.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use crate::common::server::TestServer;
use crate::common::webdriver::Browser;
use crate::common::{run, stderr};

#[test]
fn a_member_signs_in_opens_the_convoy_incident_and_reads_it_in_arabic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    crate::common::server::ingest_issg(&db);
    let d = db.to_str().unwrap();
    let o = run(
        &["org", "add", "UN OCHA", "--kind", "un_agency", "--db", d],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &[
            "user",
            "add",
            "member",
            "--org",
            "UN OCHA",
            "--role",
            "member",
            "--password-stdin",
            "--db",
            d,
        ],
        b"quiet river stone lamp 93",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let server = TestServer::start(&db);
    let Some(b) = Browser::start() else {
        panic!("chromium and chromedriver are needed (Debian: chromium chromium-driver)");
    };

    // Anonymous: the public view, with no incident on the map.
    b.goto(&server.url("/"));
    b.find("svg[data-hudna-map]");
    assert_eq!(
        b.script("return document.querySelectorAll('a.hm-i').length"),
        0
    );

    // Sign in.
    b.click(&b.find("#login-link"));
    b.type_into(&b.find("#username"), "member");
    b.type_into(&b.find("#password"), "quiet river stone lamp 93");
    b.click(&b.find("#login-submit"));
    b.find(".signed-in");

    // The convoy incident of 19 September at Urum al-Kubra is on the map.
    b.goto(&server.url("/?since=2016-09-19&until=2016-09-19"));
    b.wait_for("the map script", "return !!window.hudnaMap");
    let marker = b.script(
        "const m = [...document.querySelectorAll('a.hm-i')].find(a => \
         a.querySelector('title').textContent.includes('أورم الكبرى')); \
         return m ? m.getAttribute('data-incident') : null",
    );
    let id = marker
        .as_str()
        .expect("the convoy incident is drawn")
        .to_string();
    let circle = b.find(&format!("a.hm-i[data-incident=\"{id}\"] circle"));
    b.click(&circle);
    b.wait_for(
        "the incident page",
        &format!("return location.pathname === '/incidents/{id}'"),
    );
    let heading = b.find("#incident-heading");
    let _ = heading;
    assert!(b
        .script("return document.querySelector('#sources mark.evidence') !== null")
        .as_bool()
        .unwrap());
    let findings = b.script(
        "return [...document.querySelectorAll('#findings .finding')].map(f => f.dataset.rule)",
    );
    let _ = findings;

    // Switch to Arabic: the page reads right to left, labels in Arabic.
    b.click(&b.find("#lang-switch"));
    b.wait_for("Arabic", "return document.documentElement.lang === 'ar'");
    let html = b.find("html");
    assert_eq!(b.attr(&html, "dir").as_deref(), Some("rtl"));
    assert_eq!(
        b.script("return getComputedStyle(document.body).direction"),
        "rtl"
    );
    assert_eq!(b.url(), server.url(&format!("/incidents/{id}")));
    if let Ok(dir) = std::env::var("HUDNA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/incident-ar.png"), b.screenshot()).unwrap();
    }
}
