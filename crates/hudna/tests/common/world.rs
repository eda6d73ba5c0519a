//! The world of hudna-access's specification tables (`hudna_access::spec`), built in a real
//! database behind a real server: the five organisations, an account with a token for every
//! role in each, incidents of each visibility, and the humanitarian notifications of the
//! tables, filed through the API.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::HashMap;

use hudna_access::spec::{self, Fixture};
use hudna_access::{OrgId, PasswordCost, Passwords, Role};
use hudna_audit::Actor;
use hudna_store::SqliteStore;
use serde_json::json;

use super::server::{ingest_issg, send_json, TestServer};

/// The password every account of the world has.
pub const PASSWORD: &str = "correct horse battery staple 7";

/// The built world.
pub struct World {
    /// The server.
    pub server: TestServer,
    /// A token per (role, organisation).
    pub tokens: HashMap<(Role, OrgId), String>,
    /// Record ids standing for each fixture (incidents for the shared ones, notifications for
    /// the notifications).
    pub records: Vec<(Fixture, i64)>,
    _dir: tempfile::TempDir,
}

impl World {
    /// The token of a role in an organisation.
    pub fn token(&self, role: Role, org: OrgId) -> &str {
        &self.tokens[&(role, org)]
    }

    /// The world's database file.
    pub fn db(&self) -> std::path::PathBuf {
        self._dir.path().join("world.db")
    }

    /// The record standing for a fixture.
    pub fn rec(&self, f: Fixture) -> i64 {
        self.records
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, id)| *id)
            .unwrap()
    }

    /// Builds the world.
    pub fn build() -> World {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("world.db");
        ingest_issg(&db);
        let mut store = SqliteStore::open(&db).unwrap();
        let actor = Actor::Cli("test".into());
        for org in spec::organisations() {
            let id = store
                .create_org(&actor, &org.name, org.kind, &org.represents)
                .unwrap();
            assert_eq!(id, org.id, "organisations get the specification's ids");
        }
        let hasher = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        let hash = hasher.hash(PASSWORD).unwrap();
        let mut tokens = HashMap::new();
        for org in spec::organisations() {
            for role in Role::ALL {
                let username = format!("{}-{}", role.as_str().replace('_', ""), org.id.0);
                let user = store
                    .create_user(
                        &actor,
                        &username,
                        &username,
                        org.id,
                        *role,
                        Some(hash.as_str()),
                    )
                    .unwrap();
                let token = store.create_token(&actor, user, "tests").unwrap();
                tokens.insert((*role, org.id), token.plaintext);
            }
        }
        drop(store);

        // Three incidents stand for the shared fixtures: one public, one for members, one
        // kept to State B (set below through the API, by an analyst of State B).
        let conn = rusqlite::Connection::open(&db).unwrap();
        let ids: Vec<i64> = conn
            .prepare("SELECT public_id FROM incidents ORDER BY public_id LIMIT 3")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        drop(conn);
        let mut records = Vec::new();
        let mut visibilities = Vec::new();
        for (id, (fixture, vis)) in ids.iter().zip([
            (Fixture::PublicRecord, "public"),
            (Fixture::MembersRecord, "members"),
            (Fixture::StateBRecord, "orgs:2"),
        ]) {
            records.push((fixture, *id));
            visibilities.push((*id, vis));
        }

        // The ISSG truce, for the truce endpoints.
        let truce = super::repo().join("data/scenarios/issg-2016/truce.toml");
        let o = super::run(
            &[
                "truce",
                "load",
                truce.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ],
            b"",
        );
        assert!(o.status.success(), "{}", super::stderr(&o));
        let server = TestServer::start(&db);
        let mut world = World {
            server,
            tokens,
            records,
            _dir: dir,
        };
        for (id, vis) in visibilities {
            let r = send_json(
                "PATCH",
                &world.server.url(&format!("/api/v1/incidents/{id}")),
                Some(world.token(Role::Analyst, spec::STATE_B)),
                &json!({ "visibility": vis }),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        }
        // The notifications, filed by their organisations' humanitarian accounts.
        for (fixture, filer, party, vis) in [
            (Fixture::ReliefNotification, spec::RELIEF, "RUS", None),
            (Fixture::AidNotification, spec::AID, "USA", None),
            (
                Fixture::JointNotification,
                spec::AID,
                "USA",
                Some("orgs:3,4"),
            ),
        ] {
            let mut body = site_body(party);
            if let Some(v) = vis {
                body["visibility"] = json!(v);
            }
            let r = send_json(
                "POST",
                &world.server.url("/api/v1/notifications"),
                Some(world.token(Role::Humanitarian, filer)),
                &body,
            );
            assert_eq!(r.status, 201, "{}", r.body);
            let id: i64 = r.json()["id"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                r.json()["visibility"].as_str().unwrap(),
                fixture.visibility().to_string(),
                "{fixture:?}"
            );
            world.records.push((fixture, id));
        }
        world
    }
}

/// A valid notification of a hospital, notified to `party`.
pub fn site_body(party: &str) -> serde_json::Value {
    json!({
        "kind": "site",
        "name": "Field hospital",
        "facility": "hospital",
        "geometry": { "type": "Point", "coordinates": [36.63, 35.93] },
        "radius_km": 0.5,
        "valid_from": "2016-09-01",
        "parties": [ { "party": party, "at": "2016-09-01T09:00:00+03:00" } ]
    })
}

/// A small valid truce file (the worked example of docs/truce-format.md, with its geometry
/// inline), under the id `id`.
pub fn small_truce(id: &str) -> String {
    format!(
        r#"id = "{id}"
utc_offset = "+03:00"

[name]
en = "Example town truce"
ar = "هدنة البلدة"

[source]
title = "Local agreement"
date = 2020-03-05

[[period]]
id = "first-week"
from = 2020-03-06T00:00:00
until = 2020-03-12

[[party]]
actor = "SYR_GOV"
accepted = 2020-03-05

[[zone]]
id = "town"
kind = "covered_area"
geometry = {{ type = "Polygon", coordinates = [[[36.60, 35.90], [36.70, 35.90], [36.70, 36.00], [36.60, 36.00], [36.60, 35.90]]] }}
status = "in_force"
"#
    )
}
