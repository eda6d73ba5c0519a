//! The dashboard in headless Chromium, driven through WebDriver from this test: sign in as a
//! member, find the convoy incident on the map, open it, read its finding, switch to Arabic.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use crate::common::server::{get, TestServer};
use crate::common::webdriver::Browser;

#[test]
fn a_member_signs_in_opens_the_convoy_incident_and_reads_it_in_arabic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    // The README's main job: build the demo and serve it.
    let (server, printed) = TestServer::start_with(&[
        "demo",
        "--json",
        "--addr",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ]);
    let summary: serde_json::Value = serde_json::from_str(&printed[0]).unwrap();
    let member = summary["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "member" && a["username"] == "member")
        .expect("a demo member");
    let password = member["password"].as_str().unwrap();
    let Some(b) = Browser::start() else {
        panic!("chromium and chromedriver are needed (Debian: chromium chromium-driver)");
    };

    // Anonymous: the public view, with the truce's terms and only the incidents the demo
    // published (those with two or more independent sources).
    let public = get(&server.url("/api/v1/incidents?limit=1000"), None).json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(public > 0, "the demo publishes its corroborated incidents");
    b.goto(&server.url("/"));
    b.find("svg[data-hudna-map]");
    assert_eq!(
        b.script("return document.querySelectorAll('a.hm-i').length"),
        public as u64
    );
    assert!(
        b.script("return document.querySelectorAll('[data-zone]').length")
            .as_u64()
            .unwrap()
            > 0
    );

    // Sign in.
    b.click(&b.find("#login-link"));
    b.type_into(&b.find("#username"), "member");
    b.type_into(&b.find("#password"), password);
    b.click(&b.find("#login-submit"));
    b.find(".signed-in");

    // The convoy incident of 19 September at Urum al-Kubra is on the map, drawn as a grave
    // finding.
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
    assert_eq!(
        b.script(&format!(
            "return document.querySelector('a.hm-i[data-incident=\"{id}\"]').closest('g').getAttribute('class')"
        )),
        "hm-f-grave"
    );
    let circle = b.find(&format!("a.hm-i[data-incident=\"{id}\"] circle"));
    b.click(&circle);
    b.wait_for(
        "the incident page",
        &format!("return location.pathname === '/incidents/{id}'"),
    );
    b.find("#incident-heading");
    assert!(b
        .script("return document.querySelector('#sources mark.evidence') !== null")
        .as_bool()
        .unwrap());
    let rules = b.script(
        "return [...document.querySelectorAll('#findings .finding')].map(f => f.dataset.rule)",
    );
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "notified_movement_hit"),
        "{rules}"
    );
    let text = b.script("return document.querySelector('#findings').textContent");
    assert!(
        text.as_str().unwrap().contains("Notified movement hit"),
        "{text}"
    );

    // Switch to Arabic: the page reads right to left, labels in Arabic.
    b.click(&b.find("#lang-switch"));
    b.wait_for("Arabic", "return document.documentElement.lang === 'ar'");
    let html = b.find("html");
    assert_eq!(b.attr(&html, "dir").as_deref(), Some("rtl"));
    assert_eq!(
        b.script("return getComputedStyle(document.body).direction"),
        "rtl"
    );
    let text = b.script("return document.querySelector('#findings').textContent");
    assert!(
        text.as_str().unwrap().contains("إصابة تحرّك جرى الإخطار به"),
        "{text}"
    );
    assert_eq!(b.url(), server.url(&format!("/incidents/{id}")));
    if let Ok(dir) = std::env::var("HUDNA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/incident-ar.png"), b.screenshot()).unwrap();
        b.goto(&server.url("/"));
        std::fs::write(format!("{dir}/overview-ar.png"), b.screenshot()).unwrap();
    }
}
