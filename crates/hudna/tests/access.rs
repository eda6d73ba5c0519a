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
        // Analysts change who may see an incident (here: public stays public).
        (
            "PATCH",
            format!("/api/v1/incidents/{public}"),
            Some(json!({ "visibility": "public" })),
            [401, 403, 403, 403, 200, 403, 403],
        ),
        // The members-only one: hidden from anonymous callers before anything else.
        (
            "PATCH",
            format!("/api/v1/incidents/{members}"),
            Some(json!({ "visibility": "members" })),
            [401, 403, 403, 403, 200, 403, 403],
        ),
        ("GET", "/api/v1/findings".into(), None, [200; 7]),
        ("GET", "/api/v1/truces".into(), None, [200; 7]),
        ("GET", "/api/v1/truces/issg-2016".into(), None, [200; 7]),
        ("GET", "/api/v1/truces/no-such-truce".into(), None, [404; 7]),
        // Truces and their terms: co-chairs only.
        (
            "POST",
            "/api/v1/truces".into(),
            Some(json!({ "toml": small_truce("by-role") })),
            [401, 201, 403, 403, 403, 403, 403],
        ),
        (
            "POST",
            "/api/v1/truces/issg-2016/zones".into(),
            Some(
                json!({ "id": "by-role-zone", "kind": "no_fly", "status": "proposed",
                "geometry": { "type": "Polygon", "coordinates":
                    [[[37.0, 36.0], [37.1, 36.0], [37.1, 36.1], [37.0, 36.1], [37.0, 36.0]]] } }),
            ),
            [401, 201, 403, 403, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/v1/truces/issg-2016/zones/castello-dmz".into(),
            Some(json!({ "note": "checked by role" })),
            [401, 200, 403, 403, 403, 403, 403],
        ),
        (
            "POST",
            "/api/v1/truces/issg-2016/designations".into(),
            Some(json!({ "id": "by-role-designation", "actor": "HTS",
                "listed_by": "UN Security Council", "listed_from": "2014-08-15",
                "status": "proposed" })),
            [401, 201, 403, 403, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/v1/truces/issg-2016/designations/ahrar-al-sham".into(),
            Some(json!({ "note": "checked by role" })),
            [401, 200, 403, 403, 403, 403, 403],
        ),
    ];
    // Every operation of the OpenAPI document has a row, and every row is one of them.
    let doc = get(&s.url("/api/v1/openapi.json"), None).json();
    let matches = |template: &str, path: &str| {
        let (t, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        t.len() == p.len()
            && t.iter()
                .zip(&p)
                .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')))
    };
    let mut uncovered = Vec::new();
    let mut operations = 0;
    for (template, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            operations += 1;
            let m = method.to_uppercase();
            if !rows
                .iter()
                .any(|(rm, path, _, _)| *rm == m && matches(template, path))
            {
                uncovered.push(format!("{m} {template}"));
            }
        }
    }
    assert!(
        uncovered.is_empty(),
        "operations of the OpenAPI document without a row: {uncovered:?}"
    );
    assert_eq!(operations, 20);
    for (m, path, _, _) in &rows {
        assert!(
            doc["paths"]
                .as_object()
                .unwrap()
                .iter()
                .any(|(t, ops)| { matches(t, path) && ops.get(m.to_lowercase()).is_some() }),
            "{m} {path} is not in the OpenAPI document"
        );
    }
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

/// The notified sites of the truce file are for the parties notified (and whoever speaks for
/// them) and the co-chairs: others see neither the sites, nor their place in the truce's
/// terms and maps, nor the findings that name them (which would place them). The convoy,
/// published by the UN itself, is public.
#[test]
fn notified_sites_and_their_findings_are_for_the_notified() {
    use crate::serve::{demo_db, token_for};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo_db(&db);
    let member = token_for(&db, "member"); // Germany's delegation: notified of nothing
    let russia = token_for(&db, "ru.member"); // Russia's: notified of the hospitals
    let chair = token_for(&db, "us.cochair");
    let s = crate::common::server::TestServer::start(&db);
    let hospitals = [
        "hospital-m10-aleppo",
        "hospital-al-quds-aleppo",
        "hospital-omar-abdulaziz-aleppo",
        "hospital-bayan-aleppo",
        "hospital-kafr-nabl",
    ];
    let notes = |tok: Option<&str>| -> (Vec<String>, Vec<String>) {
        let t = get(&s.url("/api/v1/truces/issg-2016"), tok).json();
        let ids = t["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect();
        let terms = t["terms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["kind"] == "site" || x["kind"] == "movement")
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect();
        (ids, terms)
    };
    let convoy_only = vec!["convoy-urum-al-kubra".to_string()];
    assert_eq!(notes(None), (convoy_only.clone(), convoy_only.clone()));
    assert_eq!(
        notes(Some(&member)),
        (convoy_only.clone(), convoy_only.clone())
    );
    for tok in [&russia, &chair] {
        let (ids, terms) = notes(Some(tok));
        assert_eq!(ids.len(), 6, "{ids:?}");
        assert_eq!(terms, ids);
    }
    let t = get(&s.url("/api/v1/truces/issg-2016"), None).json();
    assert_eq!(t["notifications"][0]["visibility"], "public");
    // The listing counts what each may see: the public only the findings on the incidents
    // the demo published, fewer terms and findings for a member than for the co-chairs.
    let listed = |tok: Option<&str>| {
        let l = get(&s.url("/api/v1/truces"), tok).json();
        (
            l["items"][0]["terms"].as_u64().unwrap(),
            l["items"][0]["findings"].as_u64().unwrap(),
        )
    };
    let (chair_terms, chair_findings) = listed(Some(&chair));
    assert!(listed(None).1 > 0);
    assert!(listed(None).1 < listed(Some(&member)).1);
    assert_eq!(listed(Some(&member)).0, chair_terms - 5);
    assert_eq!(listed(Some(&russia)), (chair_terms, chair_findings));
    assert!(listed(Some(&member)).1 < chair_findings);

    // The truce page and the overview map.
    for (tok, sees) in [(None, false), (Some(&member), false), (Some(&russia), true)] {
        for path in ["/truces/issg-2016", "/"] {
            let page = get(&s.url(path), tok.map(String::as_str));
            assert_eq!(page.status, 200);
            assert!(page.body.contains("convoy-urum-al-kubra"), "{path}");
            for h in hospitals {
                assert_eq!(
                    page.body.contains(h),
                    sees,
                    "{path} as {tok:?}: {h} shown = {}",
                    !sees
                );
            }
        }
    }

    // The findings that name a hospital.
    let site_findings = |tok: &str| -> Vec<serde_json::Value> {
        get(
            &s.url("/api/v1/findings?rule=notified_site_hit&limit=1000"),
            Some(tok),
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .clone()
    };
    let all = site_findings(&chair);
    assert!(all.len() >= 5, "{all:?}");
    assert_eq!(site_findings(&russia).len(), all.len());
    assert!(site_findings(&member).is_empty());
    // Neither in the incident's own findings, nor through the rule filter, nor on the findings
    // page; the member still sees the incident itself and the convoy's finding.
    let hit = all[0]["incident_id"].as_str().unwrap();
    let rules = |tok: &str| -> Vec<String> {
        get(&s.url(&format!("/api/v1/incidents/{hit}")), Some(tok)).json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules(&russia).contains(&"notified_site_hit".to_string()));
    assert!(!rules(&member).contains(&"notified_site_hit".to_string()));
    let listed = |tok: &str| {
        get(
            &s.url("/api/v1/incidents?rule=notified_site_hit&limit=1000"),
            Some(tok),
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(listed(&russia) > 0);
    assert_eq!(listed(&member), 0);
    let page = get(&s.url("/findings?rule=notified_site_hit"), Some(&member));
    assert!(!page.body.contains("data-rule=\"notified_site_hit\""));
    let page = get(&s.url(&format!("/incidents/{hit}")), Some(&member));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("notified_site_hit"));
    assert!(!get(
        &s.url("/api/v1/findings?rule=notified_movement_hit"),
        Some(&member)
    )
    .json()["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Nor in the colour of its marker: a hospital hit is its only grave finding.
    let class = |tok: &str| -> String {
        let body = get(&s.url("/"), Some(tok)).body;
        let at = body
            .find(&format!("data-incident=\"{hit}\""))
            .expect("the incident is on the map");
        let open = body[..at].rfind("<g class=\"hm-f-").unwrap();
        body[open + 15..].split('"').next().unwrap().to_string()
    };
    assert_eq!(class(&russia), "grave");
    assert_ne!(class(&member), "grave");
}

/// An article the public may read lists only what was read from it about incidents the
/// reader may see: the type, day, place and perpetrator of a members-only incident are not
/// shown through a public one's article, nor is its evidence marked.
#[test]
fn an_article_shows_only_the_mentions_of_incidents_the_reader_may_see() {
    let w = World::build();
    let s = &w.server;
    let chair = w.token(Role::CoChair, spec::SECRETARIAT);
    let analyst = w.token(Role::Analyst, spec::STATE_B);
    // An article two incidents were read from, both for members only.
    let article: i64 = {
        let conn = rusqlite::Connection::open(w.db()).unwrap();
        conn.query_row(
            "SELECT m.article_id FROM mentions m JOIN incident_sources l ON l.mention_id = m.id \
             JOIN incidents i ON i.id = l.incident_id WHERE i.visibility = 'members' \
             GROUP BY m.article_id HAVING count(DISTINCT l.incident_id) >= 2 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let url = s.url(&format!("/api/v1/articles/{article}"));
    assert_eq!(get(&url, None).status, 404, "nothing in it is public yet");
    let full = get(&url, Some(chair)).json();
    let mentions = full["mentions"].as_array().unwrap().clone();
    let public = mentions[0]["incident_id"].as_str().unwrap().to_string();
    assert!(mentions
        .iter()
        .any(|m| m["incident_id"].as_str().is_some_and(|i| i != public)));
    let r = send_json(
        "PATCH",
        &s.url(&format!("/api/v1/incidents/{public}")),
        Some(analyst),
        &json!({ "visibility": "public" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let anon = get(&url, None).json();
    let shown = anon["mentions"].as_array().unwrap();
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|m| m["incident_id"] == public.as_str()),
        "{anon}"
    );
    let hidden: Vec<&serde_json::Value> = mentions
        .iter()
        .filter(|m| m["incident_id"] != public.as_str())
        .collect();
    assert!(!hidden.is_empty());
    for m in &hidden {
        assert!(
            !shown.iter().any(|x| x["mention_id"] == m["mention_id"]),
            "{m}"
        );
    }
    // Only the public incident's evidence is marked.
    let marked: Vec<&str> = anon["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["evidence"] == true)
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    let public_text: Vec<String> = shown
        .iter()
        .flat_map(|m| m["evidence_text"].as_array().unwrap().iter())
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    for m in marked {
        assert!(public_text.iter().any(|t| t.contains(m)), "{m}");
    }
    // The page as well: links to the public incident only.
    let page = get(&s.url(&format!("/articles/{article}")), None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("/incidents/{public}")));
    for m in &hidden {
        let id = m["incident_id"].as_str().unwrap();
        assert!(!page.body.contains(&format!("/incidents/{id}")));
    }
}

/// The audit log shows each account the entries about records it may see: not the changes
/// to another organisation's restricted incident or notification, not other people's
/// accounts and tokens (except to administrators and co-chairs).
#[test]
fn audit_entries_are_shown_only_about_what_the_reader_may_see() {
    let w = World::build();
    let s = &w.server;
    let entries = |tok: &str| -> Vec<(String, String)> {
        let r = get(&s.url("/api/v1/audit?limit=1000"), Some(tok));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["record_kind"].as_str().unwrap().to_string(),
                    e["record_id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let has = |list: &[(String, String)], kind: &str, id: i64| {
        list.iter().any(|(k, i)| k == kind && *i == id.to_string())
    };
    let chair = entries(w.token(Role::CoChair, spec::SECRETARIAT));
    assert!(chair.len() < 1000, "the whole log fits in one page");
    let state_b = w.rec(Fixture::StateBRecord);
    let relief = w.rec(Fixture::ReliefNotification);
    let aid = w.rec(Fixture::AidNotification);
    assert!(has(&chair, "incident", state_b));
    assert!(has(&chair, "notification", relief));
    assert!(has(&chair, "notification", aid));
    assert!(chair.iter().any(|(k, _)| k == "user"));

    // A member of State A: not State B's incident, not the notifications it was not told of.
    let a = entries(w.token(Role::Member, spec::STATE_A));
    assert!(!has(&a, "incident", state_b));
    assert!(has(&a, "incident", w.rec(Fixture::MembersRecord)));
    assert!(
        !has(&a, "notification", aid),
        "AID notified USA, not State A"
    );
    let count =
        |list: &[(String, String)], kind: &str| list.iter().filter(|(k, _)| k == kind).count();
    assert_eq!(
        count(&chair, "api_token"),
        Role::ALL.len() * 5,
        "every account's token"
    );
    assert_eq!(count(&a, "api_token"), 1, "only its own token");
    assert_eq!(count(&a, "user"), 1, "itself");
    assert!(
        a.iter().any(|(k, _)| k == "organisation"),
        "the shared set-up"
    );
    // State B sees its own restricted incident.
    let b = entries(w.token(Role::Member, spec::STATE_B));
    assert!(has(&b, "incident", state_b));
    // The humanitarian organisations see their own notifications.
    let r = entries(w.token(Role::Humanitarian, spec::RELIEF));
    assert!(has(&r, "notification", relief));
    assert!(!has(&r, "notification", aid));
    // Administrators see the accounts.
    let admin = entries(w.token(Role::Admin, spec::SECRETARIAT));
    assert_eq!(count(&admin, "user"), count(&chair, "user"));
    assert_eq!(count(&admin, "api_token"), count(&chair, "api_token"));
    // The dashboard's audit page filters the same way.
    let page = get(&s.url("/audit"), Some(w.token(Role::Member, spec::STATE_A)));
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains(&state_b.to_string()),
        "State B's incident"
    );
    let page = get(&s.url("/audit"), Some(w.token(Role::Member, spec::STATE_B)));
    assert!(page.body.contains(&state_b.to_string()));
}
