//! `hudna serve`: the API's listings and pages, its answers to bad input, its OpenAPI
//! document, the dashboard's escaping, and signing in with sessions and CSRF tokens.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};

use crate::common::server::{get, ingest_issg, request, send_json, Reply, TestServer};
use crate::common::{run, stderr};

/// A database with the ISSG reports, an organisation, a member and a humanitarian user with
/// tokens; returns (member token, humanitarian token).
fn setup(db: &Path) -> (String, String) {
    ingest_issg(db);
    let db_s = db.to_str().unwrap();
    for (name, kind) in [("UN OCHA", "un_agency"), ("SARC", "ngo")] {
        let o = run(&["org", "add", name, "--kind", kind, "--db", db_s], b"");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut tokens = Vec::new();
    for (user, org, role) in [
        ("amal", "UN OCHA", "member"),
        ("sami", "SARC", "humanitarian"),
    ] {
        let o = run(
            &[
                "user",
                "add",
                user,
                "--org",
                org,
                "--role",
                role,
                "--password-stdin",
                "--db",
                db_s,
            ],
            b"a long enough pass phrase 42",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(&["token", "create", user, "--db", db_s], b"");
        assert!(o.status.success(), "{}", stderr(&o));
        tokens.push(String::from_utf8_lossy(&o.stdout).trim().to_string());
    }
    (tokens[0].clone(), tokens[1].clone())
}

fn all_pages(s: &TestServer, query: &str, token: Option<&str>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/incidents?{query}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let r = get(&s.url(&url), token);
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        out.extend(v["items"].as_array().unwrap().iter().cloned());
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

#[test]
fn incidents_filter_page_and_export_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (member, _) = setup(&db);
    let s = TestServer::start(&db);
    let tok = Some(member.as_str());

    let all = all_pages(&s, "limit=1000", tok);
    assert!(all.len() > 50, "{}", all.len());
    // Pages of 9 give the same incidents in the same order.
    let paged = all_pages(&s, "limit=9", tok);
    let ids = |v: &[Value]| {
        v.iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&paged), ids(&all));
    // (date, id) order with undated ones last.
    let dates: Vec<Option<&str>> = all.iter().map(|i| i["date"].as_str()).collect();
    let first_undated = dates
        .iter()
        .position(Option::is_none)
        .unwrap_or(dates.len());
    assert!(dates[first_undated..].iter().all(Option::is_none));
    assert!(dates[..first_undated].windows(2).all(|w| w[0] <= w[1]));

    // Each filter keeps exactly the incidents that match it.
    let aleppo = all_pages(&s, "admin1=Aleppo&limit=5", tok);
    assert_eq!(
        aleppo.len(),
        all.iter().filter(|i| i["admin1"] == "Aleppo").count()
    );
    assert!(!aleppo.is_empty());
    let window = all_pages(&s, "since=2016-09-19&until=2016-09-20", tok);
    assert!(!window.is_empty());
    assert!(window.iter().all(|i| {
        let d = i["date"].as_str().unwrap();
        ("2016-09-19"..="2016-09-20").contains(&d)
    }));
    let air = all_pages(&s, "type=air_strike&perpetrator=SYR_GOV", tok);
    assert!(air
        .iter()
        .all(|i| i["type"] == "air_strike" && i["perpetrator"] == "SYR_GOV"));
    assert_eq!(
        air.len(),
        all.iter()
            .filter(|i| i["type"] == "air_strike" && i["perpetrator"] == "SYR_GOV")
            .count()
    );
    let weak = all_pages(&s, "grade=weak", tok);
    assert!(weak.iter().all(|i| i["grade"] == "weak"));
    // A box around Aleppo city.
    let boxed = all_pages(&s, "bbox=37.0,36.1,37.3,36.3", tok);
    assert!(!boxed.is_empty());
    assert!(boxed.iter().all(|i| {
        let (lat, lon) = (i["lat"].as_f64().unwrap(), i["lon"].as_f64().unwrap());
        (36.1..=36.3).contains(&lat) && (37.0..=37.3).contains(&lon)
    }));
    assert_eq!(
        boxed.len(),
        all.iter()
            .filter(|i| match (i["lat"].as_f64(), i["lon"].as_f64()) {
                (Some(lat), Some(lon)) =>
                    (36.1..=36.3).contains(&lat) && (37.0..=37.3).contains(&lon),
                _ => false,
            })
            .count()
    );

    // GeoJSON: a FeatureCollection with points; the same incidents.
    let r = get(&s.url("/api/v1/incidents?format=geojson&limit=1000"), tok);
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/geo+json"));
    let g = r.json();
    assert_eq!(g["type"], "FeatureCollection");
    let feats = g["features"].as_array().unwrap();
    assert_eq!(feats.len(), all.len());
    let located = feats.iter().find(|f| !f["geometry"].is_null()).unwrap();
    assert_eq!(located["geometry"]["type"], "Point");
    assert_eq!(
        located["geometry"]["coordinates"].as_array().unwrap().len(),
        2
    );

    // One incident: its sources with evidence spans and their text.
    let id = aleppo[0]["id"].as_str().unwrap();
    let one = get(&s.url(&format!("/api/v1/incidents/{id}")), tok).json();
    assert_eq!(one["id"], id);
    let src = &one["sources"][0];
    assert!(!src["evidence"].as_array().unwrap().is_empty());
    assert!(!src["evidence_text"][0].as_str().unwrap().is_empty());
    assert!(one["findings"].is_array());
    // Its article, with the evidence marked.
    let art = src["article_id"].as_str().unwrap();
    let a = get(&s.url(&format!("/api/v1/articles/{art}")), tok).json();
    let marked: Vec<&str> = a["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["evidence"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(!marked.is_empty());
    let whole: String = a["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(whole, a["text"].as_str().unwrap());
}

fn assert_error(r: &Reply, status: u16, field: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert!(
        v["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        r.body
    );
    match field {
        Some(f) => assert_eq!(v["field"].as_str(), Some(f), "{}", r.body),
        None => assert!(v["field"].is_null(), "{}", r.body),
    }
}

#[test]
fn bad_input_gets_a_4xx_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (member, filer) = setup(&db);
    let s = TestServer::start(&db);
    let tok = Some(member.as_str());

    // Filters.
    for (q, field) in [
        ("since=2016-13-01", "since"),
        ("until=yesterday", "until"),
        ("since=2016-09-20&until=2016-09-10", "until"),
        ("admin1=Atlantis", "admin1"),
        ("type=bombing", "type"),
        ("grade=excellent", "grade"),
        ("perpetrator=syr%20gov", "perpetrator"),
        ("rule=jaywalking", "rule"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=40,30,35,37", "bbox"),
        ("bbox=0,0,200,10", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("cursor=garbage", "cursor"),
        ("format=xml", "format"),
        ("admin_1=Idlib", "admin_1"),
        ("limit=5&limit=6", "limit"),
        ("perpetrator=XYZ", "perpetrator"),
    ] {
        let r = get(&s.url(&format!("/api/v1/incidents?{q}")), tok);
        assert_error(&r, 400, Some(field));
    }
    // A perpetrator that is not an actor of the theatre can match nothing: say so, with the
    // codes that exist, as `hudna incidents --perpetrator` does.
    let r = get(&s.url("/api/v1/incidents?perpetrator=XYZ"), tok).json();
    assert!(r["error"].as_str().unwrap().contains("SYR_GOV"), "{r}");
    // Codes are matched as the CLI matches them, without regard to case.
    let upper = get(
        &s.url("/api/v1/incidents?perpetrator=SYR_GOV&limit=1000"),
        tok,
    )
    .json();
    let lower = get(
        &s.url("/api/v1/incidents?perpetrator=syr_gov&limit=1000"),
        tok,
    )
    .json();
    assert!(!upper["items"].as_array().unwrap().is_empty());
    assert_eq!(upper, lower);
    // The same check on the dashboard's filters.
    let page = get(&s.url("/?perpetrator=XYZ"), tok);
    assert_eq!(page.status, 400);
    // An unknown truce in the findings filter.
    assert_error(
        &get(&s.url("/api/v1/findings?truce=nope"), tok),
        400,
        Some("truce"),
    );
    assert_eq!(get(&s.url("/findings?truce=nope"), tok).status, 400);
    // An unknown parameter names what the endpoint takes, or that it takes none.
    let r = get(&s.url("/api/v1/audit?sinse=2016-09-01"), tok);
    assert_error(&r, 400, Some("sinse"));
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .ends_with("takes since, after, limit"),
        "{}",
        r.body
    );
    let r = get(&s.url("/api/v1/me?verbose=1"), tok);
    assert_error(&r, 400, Some("verbose"));
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .ends_with("takes no query parameters"),
        "{}",
        r.body
    );
    assert_error(&get(&s.url("/api/v1/incidents/abc"), tok), 400, Some("id"));
    assert_error(&get(&s.url("/api/v1/incidents/123"), tok), 404, None);
    assert_error(&get(&s.url("/api/v1/nowhere"), tok), 404, None);

    // Bodies.
    let url = s.url("/api/v1/notifications");
    let ftok = Some(filer.as_str());
    let post = |body: &[u8], ct: &str| request("POST", &url, ftok, &[], Some((ct, body)));
    assert_error(
        &post(b"{\"kind\": \"site\",", "application/json"),
        400,
        Some("body"),
    );
    assert_error(
        &post(b"kind=site", "application/x-www-form-urlencoded"),
        415,
        Some("Content-Type"),
    );
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(200 * 1024));
    assert_error(&post(big.as_bytes(), "application/json"), 413, Some("body"));

    let base = json!({
        "kind": "site", "name": "Clinic", "facility": "hospital",
        "geometry": { "type": "Point", "coordinates": [36.6, 35.9] },
        "radius_km": 1.0, "parties": [ { "party": "RUS", "at": "2016-09-01" } ]
    });
    let with = |path: &[&str], v: Value| {
        let mut b = base.clone();
        let mut cur = &mut b;
        for (i, p) in path.iter().enumerate() {
            if i + 1 == path.len() {
                cur[*p] = v.clone();
            } else {
                cur = &mut cur[*p];
            }
        }
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&["colour"], json!("red")), "colour"),
        (
            with(&["geometry", "coordinates"], json!([200.0, 35.0])),
            "geometry.coordinates",
        ),
        (
            with(&["geometry", "coordinates"], json!([36.0])),
            "geometry.coordinates",
        ),
        (
            with(&["geometry", "coordinates"], json!(["x", 35.0])),
            "geometry.coordinates",
        ),
        (
            with(&["geometry", "type"], json!("Polygon")),
            "geometry.type",
        ),
        (
            with(&["geometry", "crs"], json!("EPSG:4326")),
            "geometry.crs",
        ),
        (with(&["radius_km"], json!(-1)), "radius_km"),
        (with(&["radius_km"], json!("wide")), "radius_km"),
        (with(&["facility"], json!("castle")), "facility"),
        (with(&["kind"], json!("rumour")), "kind"),
        (
            with(
                &["parties"],
                json!([{ "party": "rus", "at": "2016-09-01" }]),
            ),
            "parties[0].party",
        ),
        (
            with(
                &["parties"],
                json!([{ "party": "ZZZ", "at": "2016-09-01" }]),
            ),
            "parties[0].party",
        ),
        (
            with(
                &["parties"],
                json!([{ "party": "RUS", "at": "2016-09-01" }, { "party": "NOBODY", "at": "2016-09-01" }]),
            ),
            "parties[1].party",
        ),
        (
            with(&["parties"], json!([{ "party": "RUS", "at": "soon" }])),
            "parties[0].at",
        ),
        (
            with(
                &["parties"],
                json!([{ "party": "RUS", "at": "2016-09-01", "via": "x" }]),
            ),
            "parties[0].via",
        ),
        (with(&["valid_from"], json!("2016-09-10")), "valid_from"),
        (with(&["visibility"], json!("everyone")), "visibility"),
        (with(&["name"], json!(7)), "name"),
    ];
    for (body, field) in &cases {
        let mut body = body.clone();
        if *field == "valid_from" {
            body["valid_until"] = json!("2016-09-01");
        }
        let r = send_json("POST", &url, ftok, &body);
        let want = if *field == "valid_from" {
            "valid_until"
        } else {
            field
        };
        assert_error(&r, 422, Some(want));
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("name");
    assert_error(&send_json("POST", &url, ftok, &missing), 422, Some("name"));
    // A movement's route.
    let route = json!({
        "kind": "movement", "name": "Convoy", "corridor_km": 2.0,
        "geometry": { "type": "LineString", "coordinates": [[36.9, 36.1]] },
        "parties": [ { "party": "RUS", "at": "2016-09-18" } ]
    });
    assert_error(
        &send_json("POST", &url, ftok, &route),
        422,
        Some("geometry.coordinates"),
    );
    let mut route2 = route.clone();
    route2["geometry"]["coordinates"] = json!([[36.9, 36.1], [36.9, 36.1]]);
    assert_error(
        &send_json("POST", &url, ftok, &route2),
        422,
        Some("geometry.coordinates[1]"),
    );
    // And the valid one is accepted, naming the parties nobody represents.
    let r = send_json("POST", &url, ftok, &base);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["unrepresented_parties"], json!(["RUS"]));
    // A bad token is refused, not taken for anonymous.
    assert_error(
        &get(&s.url("/api/v1/incidents"), Some("hudna_nope")),
        401,
        Some("Authorization"),
    );
}

/// A demo database (`hudna demo --no-serve`) and the password of each demo account.
pub fn demo_db(db: &Path) -> std::collections::HashMap<String, String> {
    let o = run(
        &["demo", "--no-serve", "--json", "--db", db.to_str().unwrap()],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["username"].as_str().unwrap().to_string(),
                a["password"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// An API token for a user of a database.
pub fn token_for(db: &Path, user: &str) -> String {
    let o = run(
        &["token", "create", user, "--db", db.to_str().unwrap()],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The document lists exactly the routes the server answers, and the query parameters each
/// takes: documented ones are accepted, others refused; every answer's status is documented.
#[test]
fn the_openapi_document_matches_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo_db(&db);
    let member = token_for(&db, "member");
    let s = TestServer::start(&db);
    let tok = Some(member.as_str());
    let doc = get(&s.url("/api/v1/openapi.json"), None).json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let first = get(&s.url("/api/v1/incidents?limit=1"), tok).json();
    let id = first["items"][0]["id"].as_str().unwrap().to_string();
    let one = get(&s.url(&format!("/api/v1/incidents/{id}")), tok).json();
    let article = one["sources"][0]["article_id"]
        .as_str()
        .unwrap()
        .to_string();
    let fill = |path: &str| -> String {
        let id_for = if path.starts_with("/api/v1/truces") {
            "issg-2016".to_string()
        } else if path.starts_with("/api/v1/articles") {
            article.clone()
        } else {
            id.clone()
        };
        let term = if path.contains("/designations/") {
            "ahrar-al-sham"
        } else {
            "castello-dmz"
        };
        path.replace("{id}", &id_for).replace("{term}", term)
    };

    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let m = method.to_uppercase();
            documented.insert(format!("{m} {path}"));
            let url = s.url(&fill(path));
            let r = match m.as_str() {
                "GET" => get(&url, tok),
                _ => send_json(&m, &url, tok, &json!({})),
            };
            assert_ne!(r.status, 405, "{m} {path}");
            assert!(
                !(r.status == 404 && r.body.contains("no such endpoint")),
                "{m} {path} is documented but not served"
            );
            let declared: Vec<String> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            assert!(
                declared.contains(&r.status.to_string()),
                "{m} {path} answered {} which is not documented ({declared:?}): {}",
                r.status,
                r.body
            );
            if m == "GET" {
                let params: Vec<&Value> = op["parameters"]
                    .as_array()
                    .map(|a| a.iter().filter(|p| p["in"] == "query").collect())
                    .unwrap_or_default();
                let example = |p: &Value| -> String {
                    let sch = &p["schema"];
                    if let Some(e) = sch["enum"].as_array() {
                        return e[0].as_str().unwrap().to_string();
                    }
                    match (p["name"].as_str().unwrap(), sch["type"].as_str()) {
                        ("bbox", _) => "35.5,32.0,42.5,37.5".into(),
                        ("admin1", _) => "Idlib".into(),
                        ("perpetrator", _) => "SYR_GOV".into(),
                        ("since", _) | ("until", _) => "2016-09-19".into(),
                        ("incident", _) => id.clone(),
                        ("truce", _) => "issg-2016".into(),
                        ("cursor", _) if path.contains("findings") => "o0".into(),
                        ("cursor", _) => first["next_cursor"].as_str().unwrap_or("u1").to_string(),
                        (_, Some("integer")) => "5".into(),
                        _ => "x".into(),
                    }
                };
                for p in &params {
                    let name = p["name"].as_str().unwrap();
                    let r = get(&format!("{url}?{name}={}", example(p)), tok);
                    assert_eq!(r.status, 200, "{m} {path}?{name}: {}", r.body);
                }
                let r = get(&format!("{url}?undocumented=1"), tok);
                assert_eq!(
                    r.status, 400,
                    "{m} {path} accepts an undocumented parameter"
                );
            }
        }
    }
    let served: BTreeSet<String> = [
        "GET /api/v1/openapi.json",
        "GET /api/v1/me",
        "GET /api/v1/incidents",
        "GET /api/v1/incidents/{id}",
        "PATCH /api/v1/incidents/{id}",
        "GET /api/v1/articles/{id}",
        "GET /api/v1/findings",
        "GET /api/v1/truces",
        "POST /api/v1/truces",
        "GET /api/v1/truces/{id}",
        "POST /api/v1/truces/{id}/zones",
        "PATCH /api/v1/truces/{id}/zones/{term}",
        "POST /api/v1/truces/{id}/designations",
        "PATCH /api/v1/truces/{id}/designations/{term}",
        "GET /api/v1/notifications",
        "POST /api/v1/notifications",
        "GET /api/v1/notifications/{id}",
        "PATCH /api/v1/notifications/{id}",
        "POST /api/v1/tokens",
        "GET /api/v1/audit",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(documented, served);
}

#[test]
fn article_text_cannot_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (member, _) = setup(&db);
    // A report whose title and text carry markup and script.
    let article = json!({
        "id": "evil-1",
        "published": "2016-09-21",
        "title": "<b onmouseover=alert(1)>Shelling</b><script>alert('title')</script>",
        "text": "قصفت قوات النظام أمس بلدة كفرنبل بريف إدلب، ما أدى إلى مقتل مدنيين اثنين. <script>alert('x')</script> <img src=x onerror=alert(2)> \"quoted\" & more"
    });
    let o = run(
        &["ingest", "-", "--db", db.to_str().unwrap()],
        format!("{article}\n").as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = TestServer::start(&db);
    let tok = Some(member.as_str());
    let list = all_pages(&s, "since=2016-09-20&until=2016-09-20&admin1=Idlib", tok);
    let inc = list
        .iter()
        .find(|i| i["place"] == "كفرنبل")
        .expect("the incident read from the article");
    let id = inc["id"].as_str().unwrap();
    let page = get(&s.url(&format!("/incidents/{id}")), tok);
    assert_eq!(page.status, 200);
    let one = get(&s.url(&format!("/api/v1/incidents/{id}")), tok).json();
    let art = one["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["external_id"] == "evil-1")
        .unwrap()["article_id"]
        .as_str()
        .unwrap()
        .to_string();
    let article_page = get(&s.url(&format!("/articles/{art}")), tok);
    assert_eq!(article_page.status, 200);
    for p in [&page, &article_page] {
        let body = &p.body;
        assert!(!body.contains("<script>alert"), "{body}");
        assert!(!body.contains("<img src=x"), "{body}");
        assert!(!body.contains("<b onmouseover"), "{body}");
        assert!(
            body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            "{body}"
        );
        assert!(body.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(body.contains("<mark class=\"evidence\">"));
        // The only scripts are the server's own file.
        assert_eq!(body.matches("<script").count(), 1);
        assert!(body.contains("<script src=\"/static/map.js\"></script>"));
        let csp = p.header("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
    }
    assert!(page
        .body
        .contains("&lt;b onmouseover=alert(1)&gt;Shelling&lt;/b&gt;"));
}

#[test]
fn sign_in_sessions_and_csrf() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    setup(&db);
    let s = TestServer::start(&db);
    let form = |path: &str, cookie: Option<&str>, body: &str| {
        let mut h: Vec<(&str, &str)> = Vec::new();
        if let Some(c) = cookie {
            h.push(("Cookie", c));
        }
        request(
            "POST",
            &s.url(path),
            None,
            &h,
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    // The sign-in form comes with a token bound to a short-lived cookie of its own.
    let login_form = || {
        let page = request("GET", &s.url("/login"), None, &[], None);
        assert_eq!(page.status, 200);
        let set = page.header("set-cookie").unwrap().to_string();
        assert!(set.starts_with("hudna_login="), "{set}");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        (cookie, form_value(&page.body, "csrf"))
    };
    let sign_in = |fields: &str| {
        let (cookie, token) = login_form();
        form(
            "/login",
            Some(&cookie),
            &format!("{fields}&csrf={}", crate::common::server::urlencode(&token)),
        )
    };
    // A wrong password.
    let r = sign_in("username=sami&password=wrong");
    assert_eq!(r.status, 401);
    assert!(r.body.contains("Wrong user name or password."));
    assert!(!r.header("set-cookie").unwrap().contains("hudna_session"));
    // The right one: a session cookie that scripts cannot read and other sites do not send.
    let r = sign_in("username=sami&password=a+long+enough+pass+phrase+42&next=%2Fnotifications");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/notifications"));
    let set = r.header("set-cookie").unwrap().to_string();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Lax"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    // Signed in, the page shows the name and a form with a CSRF token.
    let page = request(
        "GET",
        &s.url("/notifications"),
        None,
        &[("Cookie", &cookie)],
        None,
    );
    assert!(
        page.body.contains("Signed in as sami (SARC)"),
        "{}",
        page.body
    );
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(csrf.contains('.'));
    let site = "name=Clinic&facility=hospital&lat=35.9&lon=36.6&radius_km=0.5&parties=RUS&notified_at=2016-09-01";
    // Without the token, or with a forged one: refused.
    let r = form("/notifications", Some(&cookie), site);
    assert_eq!(r.status, 403, "{}", r.body);
    let r = form(
        "/notifications",
        Some(&cookie),
        &format!("{site}&csrf=00.11"),
    );
    assert_eq!(r.status, 403);
    // The API with the cookie needs the header too.
    let api = request(
        "POST",
        &s.url("/api/v1/notifications"),
        None,
        &[("Cookie", &cookie)],
        Some((
            "application/json",
            crate::common::world::site_body("RUS")
                .to_string()
                .as_bytes(),
        )),
    );
    assert_error(&api, 403, Some("csrf"));
    // With it: filed.
    let r = form(
        "/notifications",
        Some(&cookie),
        &format!("{site}&csrf={}", crate::common::server::urlencode(&csrf)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let list = request(
        "GET",
        &s.url("/api/v1/notifications"),
        None,
        &[("Cookie", &cookie)],
        None,
    )
    .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // A token from another session does not work.
    let r2 = sign_in("username=amal&password=a+long+enough+pass+phrase+42");
    let other = r2
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let r = form(
        "/notifications",
        Some(&other),
        &format!("{site}&csrf={}", crate::common::server::urlencode(&csrf)),
    );
    assert_eq!(r.status, 403);
    // Signing out ends the session.
    let r = form(
        "/logout",
        Some(&cookie),
        &format!("csrf={}", crate::common::server::urlencode(&csrf)),
    );
    assert_eq!(r.status, 303);
    let me = request(
        "GET",
        &s.url("/api/v1/me"),
        None,
        &[("Cookie", &cookie)],
        None,
    )
    .json();
    assert_eq!(me["signed_in"], false);
}

/// The value of a form field (`name="…" value="…"`) in a page.
fn form_value(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no field {name}: {body}"))
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// Signing in is refused (403) unless the form came from this server, in this browser:
/// without the form's token, with a token of another form, or from another site's page.
#[test]
fn sign_in_forms_from_elsewhere_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    setup(&db);
    let s = TestServer::start(&db);
    let creds = "username=amal&password=a+long+enough+pass+phrase+42";
    let fresh = || {
        let page = request("GET", &s.url("/login"), None, &[], None);
        let cookie = page
            .header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        (cookie, form_value(&page.body, "csrf"))
    };
    let post = |cookie: Option<&str>, token: Option<&str>, extra: &[(&str, &str)]| {
        let mut h: Vec<(&str, &str)> = extra.to_vec();
        if let Some(c) = cookie {
            h.push(("Cookie", c));
        }
        let body = match token {
            Some(t) => format!("{creds}&csrf={}", crate::common::server::urlencode(t)),
            None => creds.to_string(),
        };
        request(
            "POST",
            &s.url("/login"),
            None,
            &h,
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    let signed_in = |r: &Reply| {
        r.headers.iter().any(|(k, v)| {
            k == "set-cookie" && v.starts_with("hudna_session=") && !v.contains("Max-Age=0")
        })
    };
    let (cookie, token) = fresh();
    let (other_cookie, other_token) = fresh();
    let origin = s.base.clone();
    let refer = format!("{}/login", s.base);
    for (why, r) in [
        ("no token, no cookie", post(None, None, &[])),
        ("a token without its cookie", post(None, Some(&token), &[])),
        ("a cookie without a token", post(Some(&cookie), None, &[])),
        (
            "another form's token",
            post(Some(&cookie), Some(&other_token), &[]),
        ),
        ("a forged token", post(Some(&cookie), Some("00.11"), &[])),
        (
            "another site's form",
            post(
                Some(&cookie),
                Some(&token),
                &[("Origin", "https://evil.example")],
            ),
        ),
        (
            "an opaque origin",
            post(Some(&cookie), Some(&token), &[("Origin", "null")]),
        ),
        (
            "another site's page, by its Referer",
            post(
                Some(&cookie),
                Some(&token),
                &[("Referer", "https://evil.example/login")],
            ),
        ),
    ] {
        assert_eq!(r.status, 403, "{why}: {}", r.body);
        assert!(!signed_in(&r), "{why}");
        assert!(r.body.contains("id=\"login-error\""), "{why}");
    }
    // The server's own form, sent from its own page, signs in.
    let r = post(
        Some(&other_cookie),
        Some(&other_token),
        &[("Origin", origin.as_str()), ("Referer", refer.as_str())],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(signed_in(&r));
    // And the form's cookie is spent.
    assert!(r.headers.iter().any(|(k, v)| k == "set-cookie"
        && v.starts_with("hudna_login=;")
        && v.contains("Max-Age=0")));
    // In Arabic, the refusal is in Arabic.
    let r = post(Some(&cookie), None, &[("Accept-Language", "ar")]);
    assert_eq!(r.status, 403);
    assert!(
        r.body.contains("انتهت صلاحية نموذج تسجيل الدخول"),
        "{}",
        r.body
    );
}

#[test]
fn dashboard_pages_switch_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (member, _) = setup(&db);
    let s = TestServer::start(&db);
    let tok = Some(member.as_str());
    let en = get(&s.url("/"), tok);
    assert_eq!(en.status, 200);
    assert!(en.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(en.body.contains("data-hudna-map=\"1\""));
    assert!(en.body.contains("class=\"hm-i\""), "incidents on the map");
    assert!(en.body.contains("id=\"timeline\""));
    assert!(en.body.contains("rect class=\"bar\""));
    let r = request("GET", &s.url("/lang?to=ar&back=%2F"), None, &[], None);
    assert_eq!(r.status, 303);
    let c = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let ar = request("GET", &s.url("/"), tok, &[("Cookie", c.as_str())], None);
    assert!(ar.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(ar.body.contains("التسلسل الزمني") || ar.body.contains("عدد الحوادث يومياً"));
    // Open redirects are refused.
    let r = request(
        "GET",
        &s.url("/lang?to=ar&back=https%3A%2F%2Fevil.example"),
        None,
        &[],
        None,
    );
    assert_eq!(r.header("location"), Some("/"));
    // Filters as the API's; a bad one is a page with the error.
    let r = get(&s.url("/?admin1=Atlantis"), tok);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("admin1"));
}

/// The demo served: findings by rule, the rule filter on incidents, the truce and its terms,
/// a co-chair putting a proposed designation in force (a new version, logged as theirs), a
/// bad zone refused with the field named, and an analyst publishing an incident.
#[test]
fn findings_truces_and_changes_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo_db(&db);
    let member = token_for(&db, "member");
    let chair = token_for(&db, "us.cochair");
    let analyst = token_for(&db, "analyst");
    let s = TestServer::start(&db);
    let m = Some(member.as_str());

    // The convoy finding, and the incidents that have one.
    let f = get(&s.url("/api/v1/findings?rule=notified_movement_hit"), m).json();
    let items = f["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|x| x["rule"] == "notified_movement_hit" && x["proposal"].is_null()));
    let convoy = items[0]["incident_id"].as_str().unwrap().to_string();
    assert!(items[0]["explanation"].as_str().unwrap().len() > 20);
    assert!(items[0]["explanation_ar"]
        .as_str()
        .unwrap()
        .starts_with("إخفاق في تجنّب الاستهداف رغم الإخطار: "));
    let with_rule = all_pages(&s, "rule=notified_movement_hit", m);
    let ids: Vec<&str> = with_rule
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&convoy.as_str()));
    for id in &ids {
        let one = get(&s.url(&format!("/api/v1/incidents/{id}")), m).json();
        assert!(one["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "notified_movement_hit" && f["proposal"].is_null()));
    }
    // What proposals would change only with proposals=true.
    let all = get(&s.url("/api/v1/findings?limit=1000"), m).json();
    let with = get(&s.url("/api/v1/findings?limit=1000&proposals=true"), m).json();
    assert!(with["items"].as_array().unwrap().len() > all["items"].as_array().unwrap().len());
    // Anonymous visitors see the findings of the incidents the demo published, and no
    // finding of an incident they may not see.
    let public = get(&s.url("/api/v1/findings?limit=1000"), None).json();
    let public = public["items"].as_array().unwrap();
    assert!(!public.is_empty());
    assert!(public.len() < all["items"].as_array().unwrap().len());
    for f in public {
        let id = f["incident_id"].as_str().unwrap();
        let one = get(&s.url(&format!("/api/v1/incidents/{id}")), None);
        assert_eq!(one.status, 200, "finding {f} of a hidden incident");
    }

    // The truce and its terms.
    let list = get(&s.url("/api/v1/truces"), None).json();
    assert_eq!(list["items"][0]["id"], "issg-2016");
    let t = get(&s.url("/api/v1/truces/issg-2016"), None).json();
    assert_eq!(t["version"], 1);
    let zone = t["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["id"] == "castello-dmz")
        .unwrap();
    assert_eq!(zone["geometry"]["type"], "MultiPolygon");
    assert!(t["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "movement"));
    let ahrar = t["designations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "ahrar-al-sham")
        .unwrap();
    assert_eq!(ahrar["status"], "proposed");

    // A co-chair adopts the proposed designation: a new version.
    let r = send_json(
        "PATCH",
        &s.url("/api/v1/truces/issg-2016/designations/ahrar-al-sham"),
        Some(&chair),
        &json!({ "status": "in_force" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let t2 = r.json();
    assert_eq!(t2["version"], 2);
    let ahrar = t2["designations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "ahrar-al-sham")
        .unwrap();
    assert_eq!(ahrar["status"], "in_force");
    assert!(!t2["changes"].as_array().unwrap().is_empty());
    // The record was judged again under the new terms, and the audit log says by whom.
    assert!(t2["check"][0]["evaluated"].as_u64().unwrap() > 0, "{t2}");
    // A zone whose ring crosses itself is refused, the field named.
    let r = send_json(
        "POST",
        &s.url("/api/v1/truces/issg-2016/zones"),
        Some(&chair),
        &json!({ "id": "bow-tie", "kind": "no_fly", "status": "proposed",
                 "geometry": { "type": "Polygon", "coordinates": [[[37.0, 36.0], [37.2, 36.2], [37.2, 36.0], [37.0, 36.2], [37.0, 36.0]]] } }),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["field"].as_str().unwrap().contains("geometry"),
        "{}",
        r.body
    );
    let r = send_json(
        "POST",
        &s.url("/api/v1/truces/issg-2016/zones"),
        Some(&chair),
        &json!({ "id": "castello-dmz", "kind": "no_fly", "status": "proposed",
                 "geometry": { "type": "Polygon", "coordinates": [[[37.0, 36.0], [37.1, 36.0], [37.1, 36.1], [37.0, 36.0]]] } }),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        get(&s.url("/api/v1/truces/issg-2016"), None).json()["version"],
        2
    );

    // An analyst publishes a single-source incident (the demo publishes only corroborated
    // ones): anonymous visitors now see it.
    let weak = get(&s.url("/api/v1/incidents?grade=weak&limit=1"), m).json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        get(&s.url(&format!("/api/v1/incidents/{weak}")), None).status,
        404
    );
    let r = send_json(
        "PATCH",
        &s.url(&format!("/api/v1/incidents/{weak}")),
        Some(&analyst),
        &json!({ "visibility": "public", "investigation": "UN Board of Inquiry, 2016" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["grade"], "confirmed");
    let public = get(&s.url(&format!("/api/v1/incidents/{weak}")), None);
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["visibility"], "public");

    // The changes are in the audit log, with who made them.
    let log = run(
        &["audit", "log", "--json", "--db", db.to_str().unwrap()],
        b"",
    );
    let entries: Vec<Value> = String::from_utf8_lossy(&log.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let has = |actor_prefix: &str, action: &str, kind: &str| {
        entries.iter().any(|e| {
            e["actor"].as_str().unwrap().starts_with(actor_prefix)
                && e["action"] == action
                && e["record_kind"] == kind
        })
    };
    assert!(has("user:", "create", "truce_version"));
    assert!(has("user:", "update", "truce"));
    assert!(has("user:", "update", "incident"));
    assert!(has("cli:", "create", "check_run"));
    assert!(has("user:", "create", "check_run"));
    assert!(has("cli:", "create", "findings"));
    let o = run(&["audit", "verify", "--db", db.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));

    // The pages.
    let page = get(&s.url("/truces/issg-2016"), None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-term=\"castello-dmz\""));
    assert!(page.body.contains("data-zone=\"castello-dmz\""));
    let page = get(&s.url("/findings?rule=notified_movement_hit"), m);
    assert!(page.body.contains("data-rule=\"notified_movement_hit\""));
}

/// Signs in through the dashboard's form (with its token and cookie) and returns the session
/// cookie (`hudna_session=…`).
fn sign_in(s: &TestServer, user: &str, password: &str) -> String {
    let page = request("GET", &s.url("/login"), None, &[], None);
    let login_cookie = page
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let body = format!(
        "username={}&password={}&csrf={}",
        crate::common::server::urlencode(user),
        crate::common::server::urlencode(password),
        crate::common::server::urlencode(&form_value(&page.body, "csrf"))
    );
    let r = request(
        "POST",
        &s.url("/login"),
        None,
        &[("Cookie", &login_cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    r.headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("hudna_session="))
        .unwrap()
        .1
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// On Arabic pages the interface's own words are Arabic: errors (with the field named),
/// notification statuses, who may see a record (organisations by name), the audit log's
/// actions, record kinds and actors, the rules and severities of findings, and the
/// explanations the compliance engine writes. What stays English is marked as such: the
/// server's technical detail of an error (and explanations stored before the engine wrote
/// Arabic ones, see `explanations_without_arabic_are_shown_in_english_marked`).
#[test]
fn arabic_pages_speak_arabic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let passwords = demo_db(&db);
    let russia = token_for(&db, "ru.member");
    let s = TestServer::start(&db);
    let ar = [("Accept-Language", "ar")];
    let page = |path: &str, tok: &str| {
        let r = request("GET", &s.url(path), Some(tok), &ar, None);
        assert!(r.body.contains("<html lang=\"ar\" dir=\"rtl\">"), "{path}");
        r
    };

    // SARC's warehouse, notified to Russia: its status and who may see it.
    let p = page("/notifications", &russia);
    assert!(p.body.contains("<td>ساري</td>"), "{}", p.body);
    assert!(!p.body.contains(">active<"));
    assert!(!p.body.contains("orgs:"));
    assert!(p.body.contains(
        "Delegation of the Russian Federation، Syrian Arab Red Crescent فقط، والرئيسان المشاركان"
    ));

    // The audit log: actions, kinds and actors in words.
    let p = page("/audit", &russia);
    assert!(p.body.contains("إنشاء · حادثة"), "{}", p.body);
    // The demo is built from the command line, by whoever ran it (`system` is left for
    // hudna's own schema steps).
    assert!(p.body.contains("سطر الأوامر ("));
    for english in ["create ", "update ", ">system<", ">user:"] {
        assert!(!p.body.contains(english), "{english}");
    }

    // A bad filter: the field named in Arabic, the server's detail folded away as English.
    let r = request("GET", &s.url("/?perpetrator=XYZ"), Some(&russia), &ar, None);
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("قيمة الحقل perpetrator غير صالحة."),
        "{}",
        r.body
    );
    assert!(r.body.contains("<details class=\"muted\"><summary>تفاصيل تقنية (بالإنجليزية)</summary><p lang=\"en\" dir=\"ltr\">perpetrator `XYZ`"));
    let r = request("GET", &s.url("/?since=yesterday"), Some(&russia), &ar, None);
    assert!(r.body.contains("قيمة since ليست تاريخاً"), "{}", r.body);

    // The convoy finding: rule, severity and explanation in Arabic.
    let convoy = get(
        &s.url("/api/v1/findings?rule=notified_movement_hit"),
        Some(&russia),
    )
    .json()["items"][0]["incident_id"]
        .as_str()
        .unwrap()
        .to_string();
    let p = page(&format!("/incidents/{convoy}"), &russia);
    assert!(p.body.contains("إصابة تحرّك جرى الإخطار به"));
    assert!(p.body.contains("</strong> · جسيم"));
    assert!(
        p.body.contains(
            "<p class=\"explanation\"><span lang=\"ar\" dir=\"rtl\">إخفاق في تجنّب الاستهداف رغم الإخطار: "
        ),
        "{}",
        p.body
    );
    // The convoy's facts, as the record names them, inside the Arabic sentence.
    let arabic = p
        .body
        .split("<span lang=\"ar\" dir=\"rtl\">")
        .nth(1)
        .unwrap();
    let arabic = arabic.split("</span>").next().unwrap();
    assert!(
        arabic.contains("2016-09-19") && arabic.contains(" كم"),
        "{arabic}"
    );
    assert!(!p.body.contains("deconfliction failure"));
    assert!(!p.body.contains("التعليل بالإنجليزية"));
    assert!(
        p.body.contains("متاح للعموم"),
        "its visibility (the demo publishes it)"
    );
    let p = page("/findings?rule=notified_movement_hit", &russia);
    assert!(p
        .body
        .contains("<td>إصابة تحرّك جرى الإخطار به</td><td>جسيم</td>"));
    assert!(p.body.contains(
        "<td><p class=\"explanation\"><span lang=\"ar\" dir=\"rtl\">إخفاق في تجنّب الاستهداف"
    ));
    assert!(!p.body.contains("deconfliction failure"));

    // Forms: a missing CSRF token and a bad value, in Arabic.
    let cookie = sign_in(&s, "sarc", &passwords["sarc"]);
    let form = |body: &str| {
        request(
            "POST",
            &s.url("/notifications"),
            None,
            &[("Cookie", &cookie), ("Accept-Language", "ar")],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    let site = "name=Clinic&facility=hospital&lat=x&lon=36.6&radius_km=0.5&parties=RUS&notified_at=2016-09-01";
    let r = form(site);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("انتهت صلاحية هذا النموذج"), "{}", r.body);
    assert!(!r.body.contains("Your role does not allow this"));
    let csrf = form_value(
        &request(
            "GET",
            &s.url("/notifications"),
            None,
            &[("Cookie", &cookie)],
            None,
        )
        .body,
        "csrf",
    );
    let r = form(&format!(
        "{site}&csrf={}",
        crate::common::server::urlencode(&csrf)
    ));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("قيمة الحقل lat غير صالحة."), "{}", r.body);
    let r = form(&format!(
        "{}&csrf={}",
        site.replace("lat=x", "lat=35.9")
            .replace("parties=RUS", "parties=ZZZ"),
        crate::common::server::urlencode(&csrf)
    ));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("قيمة الحقل parties[0].party غير صالحة."),
        "{}",
        r.body
    );
}

/// A humanitarian files a site through the API where an incident later struck; `hudna check`
/// judges the record against it as against the truce file's own sites: a
/// `notified_site_hit` on the term `filed:ID`, seen by the filer and the co-chairs, not by a
/// member whose organisation was not notified.
#[test]
fn a_notification_filed_through_the_api_is_judged_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo_db(&db);
    let sarc = token_for(&db, "sarc");
    let member = token_for(&db, "member");
    let chair = token_for(&db, "us.cochair");
    let s = TestServer::start(&db);
    // An incident of 16 September by a named party, with coordinates.
    let list = all_pages(&s, "since=2016-09-16&until=2016-09-16", Some(&chair));
    let target = list
        .iter()
        .find(|i| {
            i["lat"].is_number() && i["perpetrator"] != "UNKNOWN" && i["geo_precision"] == "point"
        })
        .or_else(|| {
            list.iter()
                .find(|i| i["lat"].is_number() && i["perpetrator"] != "UNKNOWN")
        })
        .expect("an incident to notify");
    let (id, lat, lon) = (
        target["id"].as_str().unwrap().to_string(),
        target["lat"].as_f64().unwrap(),
        target["lon"].as_f64().unwrap(),
    );
    let party = target["perpetrator"].as_str().unwrap();
    let r = send_json(
        "POST",
        &s.url("/api/v1/notifications"),
        Some(&sarc),
        &json!({
            "kind": "site", "name": "SARC first-aid point", "facility": "other",
            "geometry": { "type": "Point", "coordinates": [lon, lat] }, "radius_km": 0.5,
            "valid_from": "2016-09-10", "truce_id": "issg-2016",
            "parties": [ { "party": party, "at": "2016-09-12T09:00:00Z" } ]
        }),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let filed = format!("filed:{}", r.json()["id"].as_str().unwrap());
    let site_hits = |tok: &str| -> Vec<Value> {
        get(
            &s.url(&format!(
                "/api/v1/findings?incident={id}&rule=notified_site_hit"
            )),
            Some(tok),
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["term_id"] == filed.as_str())
            .cloned()
            .collect()
    };
    // Filing it judged the record again, as a truce change does: no `hudna check` needed.
    let found = site_hits(&sarc);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f["severity"], "grave");
    assert!(
        f["explanation"]
            .as_str()
            .unwrap()
            .contains("SARC first-aid point (Syrian Arab Red Crescent"),
        "{f}"
    );
    assert_eq!(site_hits(&chair).len(), 1);
    // Germany's delegation was not notified: it sees neither the site nor the finding.
    assert!(site_hits(&member).is_empty());
    let one = get(&s.url(&format!("/api/v1/incidents/{id}")), Some(&member)).json();
    assert!(!one["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["term_id"] == filed.as_str()));
    // A check from the command line finds nothing left to judge.
    let o = run(&["check", "--db", db.to_str().unwrap(), "--json"], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["runs"][0]["evaluated"], 0, "{v}");
    assert_eq!(v["runs"][0]["filed_changed"], false);
    // Withdrawn, its finding goes at once too.
    let n = filed.trim_start_matches("filed:");
    let r = send_json(
        "PATCH",
        &s.url(&format!("/api/v1/notifications/{n}")),
        Some(&sarc),
        &json!({ "status": "withdrawn" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(site_hits(&chair).is_empty());
}

/// A finding stored before the engine explained findings in Arabic has only the English: an
/// Arabic page shows it marked as English, left to right; an English page shows the English
/// line whatever the Arabic, and never the Arabic.
#[test]
fn explanations_without_arabic_are_shown_in_english_marked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    demo_db(&db);
    let russia = token_for(&db, "ru.member");
    // As a row migrated from schema step 6 has it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let convoy: i64 = conn
        .query_row(
            "SELECT incident_id FROM findings WHERE rule = 'notified_movement_hit' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE findings SET explanation_ar = '' WHERE incident_id = ?1",
        [convoy],
    )
    .unwrap();
    drop(conn);
    let s = TestServer::start(&db);
    let path = format!("/incidents/{convoy}");

    let ar = request(
        "GET",
        &s.url(&path),
        Some(&russia),
        &[("Accept-Language", "ar")],
        None,
    );
    assert!(ar.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        ar.body.contains(
            "<p class=\"explanation\"><span class=\"muted\">التعليل بالإنجليزية كما يولّده النظام:</span> <span lang=\"en\" dir=\"ltr\">deconfliction failure: "
        ),
        "{}",
        ar.body
    );
    assert!(!ar.body.contains("إخفاق في تجنّب الاستهداف"));

    let en = request(
        "GET",
        &s.url(&path),
        Some(&russia),
        &[("Accept-Language", "en")],
        None,
    );
    assert!(en.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(en.body.contains(
        "<p class=\"explanation\"><span lang=\"en\" dir=\"ltr\">deconfliction failure: "
    ));
    assert!(!en.body.contains("Generated in English"));

    // The API gives both fields, the Arabic one empty.
    let api = get(
        &s.url(&format!("/api/v1/findings?incident={convoy}")),
        Some(&russia),
    )
    .json();
    let items = api["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|f| f["explanation_ar"] == "" && !f["explanation"].as_str().unwrap().is_empty()));
}
