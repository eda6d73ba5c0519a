//! Access over every endpoint: hudna-access's specification rows sent to the server as real
//! requests, and a table of role × endpoint × status for every route of the API.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use hudna_access::spec::{self, Does, Expect, Fixture, On, Who, RULES};
use hudna_access::{Action, Role};
use serde_json::json;

use crate::common::server::{get, request, send_json};
use crate::common::world::{site_body, small_truce, World};

/// The token of a row's caller (`None` for anonymous).
fn token(w: &World, who: Who) -> Option<&str> {
    match who {
        Who::Anonymous => None,
        Who::As(role, org) => Some(w.token(role, org)),
    }
}

/// A number not used before in this process.
fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The request that performs a row of the specification, or `None` where the API has no
/// endpoint for that action (listed and checked in the test).
fn perform(w: &World, rule: &spec::Rule) -> Option<u16> {
    let tok = token(w, rule.who);
    let s = &w.server;
    let notification = |f: Fixture| {
        matches!(
            f,
            Fixture::ReliefNotification | Fixture::AidNotification | Fixture::JointNotification
        )
    };
    let r = match (rule.does, rule.on) {
        (Does::Read, On::Existing(f)) if notification(f) => {
            get(&s.url(&format!("/api/v1/notifications/{}", w.rec(f))), tok)
        }
        (Does::Read, On::Existing(f)) => {
            get(&s.url(&format!("/api/v1/incidents/{}", w.rec(f))), tok)
        }
        (Does::Act(Action::FileNotification), On::New(f)) => {
            let mut body = site_body("RUS");
            body["visibility"] = json!(f.visibility().to_string());
            body["org_id"] = json!(f.owner().map(|o| o.0));
            send_json("POST", &s.url("/api/v1/notifications"), tok, &body)
        }
        (Does::Act(Action::EditNotification), On::Existing(f)) => send_json(
            "PATCH",
            &s.url(&format!("/api/v1/notifications/{}", w.rec(f))),
            tok,
            &json!({ "name": "Field hospital (moved)" }),
        ),
        (Does::Act(Action::CreateToken), On::OwnAccount) => send_json(
            "POST",
            &s.url("/api/v1/tokens"),
            tok,
            &json!({ "label": "t" }),
        ),
        (Does::Act(Action::EditIncident), On::Existing(f)) => send_json(
            "PATCH",
            &s.url(&format!("/api/v1/incidents/{}", w.rec(f))),
            tok,
            &json!({ "visibility": f.visibility().to_string() }),
        ),
        (Does::Act(Action::Regrade), On::Existing(f)) => send_json(
            "PATCH",
            &s.url(&format!("/api/v1/incidents/{}", w.rec(f))),
            tok,
            &json!({ "investigation": "INV-2016-17" }),
        ),
        (Does::Act(Action::CreateTruce), On::New(_)) => send_json(
            "POST",
            &s.url("/api/v1/truces"),
            tok,
            &json!({ "toml": small_truce(&format!("t{}", unique())) }),
        ),
        (Does::Act(Action::EditZone), On::Existing(_)) => send_json(
            "PATCH",
            &s.url("/api/v1/truces/issg-2016/zones/castello-dmz"),
            tok,
            &json!({ "note": format!("checked on the ground {}", unique()) }),
        ),
        (Does::Act(Action::CreateDesignation), On::New(_)) => send_json(
            "POST",
            &s.url("/api/v1/truces/issg-2016/designations"),
            tok,
            &json!({ "id": format!("d{}", unique()), "actor": "HTS",
                     "listed_by": "UN Security Council", "listed_from": "2014-08-15",
                     "status": "proposed" }),
        ),
        _ => return None,
    };
    Some(r.status)
}

#[test]
fn the_specification_holds_over_http() {
    let w = World::build();
    let mut failures = Vec::new();
    let mut untested: Vec<String> = Vec::new();
    let mut tested = 0;
    for rule in RULES {
        let want = match rule.expect {
            Expect::Allowed => None,
            Expect::Refused(s) => Some(s),
        };
        match perform(&w, rule) {
            None => {
                let what = match rule.does {
                    Does::Act(a) => a.as_str().to_string(),
                    Does::Read => "read".into(),
                };
                if !untested.contains(&what) {
                    untested.push(what);
                }
            }
            Some(got) => {
                tested += 1;
                let ok = match want {
                    None => (200..300).contains(&got),
                    Some(s) => got == s,
                };
                if !ok {
                    failures.push(format!(
                        "{}: {:?} {:?} {:?}: expected {:?}, got {got}",
                        rule.why, rule.who, rule.does, rule.on, rule.expect
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(tested >= 25, "only {tested} rows were sent");
    // The actions the API has no endpoint for (yet): a new endpoint must be added here too.
    untested.sort();
    assert_eq!(
        untested,
        vec![
            "annotate_investigation",
            "change_password",
            "create_incident",
            "create_token",
            "edit_truce",
            "manage_orgs",
            "manage_users",
            "open_investigation",
            "revoke_token",
        ],
        "rows without an endpoint"
    );
}

/// Every route, every role: what each may do. `A` = anonymous; statuses as the API answers.
#[test]
fn every_endpoint_by_role() {
    let w = World::build();
    let s = &w.server;
    let public = w.rec(Fixture::PublicRecord);
    let members = w.rec(Fixture::MembersRecord);
    let state_b = w.rec(Fixture::StateBRecord);
    let relief = w.rec(Fixture::ReliefNotification);
    let article: i64 = {
        let r = get(
            &s.url(&format!("/api/v1/incidents/{public}")),
            Some(w.token(Role::Member, spec::STATE_A)),
        );
        r.json()["sources"][0]["article_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let roles: Vec<Option<(Role, hudna_access::OrgId)>> = std::iter::once(None)
        .chain(Role::ALL.iter().map(|r| {
            let org = match r {
                Role::Humanitarian => spec::RELIEF,
                Role::CoChair | Role::Admin => spec::SECRETARIAT,
                _ => spec::STATE_B,
            };
            Some((*r, org))
        }))
        .collect();
    // (method, path, body, expected status per caller: anonymous, co_chair, member, observer,
    // analyst, humanitarian (RELIEF), admin); the others sit in STATE_B or the secretariat.
    let notif = site_body("RUS");
    let rows: Vec<(&str, String, Option<serde_json::Value>, [u16; 7])> = vec![
        ("GET", "/api/v1/openapi.json".into(), None, [200; 7]),
        ("GET", "/api/v1/me".into(), None, [200; 7]),
        ("GET", "/api/v1/incidents".into(), None, [200; 7]),
        ("GET", format!("/api/v1/incidents/{public}"), None, [200; 7]),
        (
            "GET",
            format!("/api/v1/incidents/{members}"),
            None,
            [404, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/incidents/{state_b}"),
            None,
            [404, 200, 200, 200, 200, 404, 404],
        ),
        ("GET", format!("/api/v1/articles/{article}"), None, [200; 7]),
        ("GET", "/api/v1/notifications".into(), None, [200; 7]),
        (
            "GET",
            format!("/api/v1/notifications/{relief}"),
            None,
            [404, 200, 404, 404, 404, 200, 404],
        ),
        (
            "PATCH",
            format!("/api/v1/notifications/{relief}"),
            Some(json!({"name": "Renamed"})),
            [401, 403, 404, 404, 404, 200, 404],
        ),
        (
            "POST",
            "/api/v1/notifications".into(),
            Some(notif),
            [401, 403, 403, 403, 403, 201, 403],
        ),
        (
            "POST",
            "/api/v1/tokens".into(),
            Some(json!({})),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        (
            "GET",
            "/api/v1/audit".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, want) in &rows {
        for (i, who) in roles.iter().enumerate() {
            let tok = who.map(|(r, o)| w.token(r, o));
            let r = match body {
                Some(b) => send_json(method, &s.url(path), tok, b),
                None => request(method, &s.url(path), tok, &[], None),
            };
            if r.status != want[i] {
                failures.push(format!(
                    "{method} {path} as {who:?}: expected {}, got {} {}",
                    want[i], r.status, r.body
                ));
            }
            if r.status >= 400 {
                let e = r.json();
                assert!(e["error"].is_string(), "{method} {path}: {}", r.body);
                assert!(e.get("field").is_some(), "{method} {path}: {}", r.body);
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn lists_only_show_what_the_caller_may_read() {
    let w = World::build();
    let s = &w.server;
    let ids = |tok: Option<&str>| -> Vec<String> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => s.url(&format!("/api/v1/incidents?limit=7&cursor={c}")),
                None => s.url("/api/v1/incidents?limit=7"),
            };
            let r = get(&url, tok).json();
            for i in r["items"].as_array().unwrap() {
                out.push(i["id"].as_str().unwrap().to_string());
            }
            match r["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        out
    };
    let anon = ids(None);
    assert_eq!(anon, vec![w.rec(Fixture::PublicRecord).to_string()]);
    let member_a = ids(Some(w.token(Role::Member, spec::STATE_A)));
    let member_b = ids(Some(w.token(Role::Member, spec::STATE_B)));
    let chair = ids(Some(w.token(Role::CoChair, spec::SECRETARIAT)));
    let b_only = w.rec(Fixture::StateBRecord).to_string();
    assert!(!member_a.contains(&b_only));
    assert!(member_b.contains(&b_only));
    assert_eq!(member_b.len(), member_a.len() + 1);
    assert_eq!(chair.len(), member_b.len());
    let mut sorted = chair.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), chair.len(), "pages never repeat an incident");

    let notes = |role: Role, org| -> usize {
        get(&s.url("/api/v1/notifications"), Some(w.token(role, org))).json()["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(
        notes(Role::Humanitarian, spec::RELIEF),
        2,
        "its own and the joint one"
    );
    assert_eq!(
        notes(Role::Humanitarian, spec::AID),
        2,
        "its own and the joint one"
    );
    assert_eq!(
        notes(Role::Member, spec::STATE_A),
        1,
        "the one it was notified of"
    );
    assert_eq!(notes(Role::Member, spec::STATE_B), 1);
    assert_eq!(notes(Role::CoChair, spec::SECRETARIAT), 3);
    assert_eq!(notes(Role::Admin, spec::SECRETARIAT), 0);
    assert_eq!(
        get(&s.url("/api/v1/notifications"), None).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
