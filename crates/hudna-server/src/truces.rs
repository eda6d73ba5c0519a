//! Truces and their terms, and the findings of checks: the API and the dashboard's pages.
//!
//! A truce is an agreement the contact group publishes, so its terms are readable by
//! everyone; only co-chairs change them. A change through the API — a new truce, a zone or
//! a designation added or changed — is made the way `hudna truce load` makes one: the TOML of
//! the current version is edited, validated in full by hudna-truce (so the API refuses what
//! the file format refuses, naming the field), and stored as a new version with the terms
//! that changed; the audit log names the co-chair. Findings are listed only for incidents the
//! caller may read.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use hudna_access::{can, Action, RecordMeta, Resource, Visibility};
use hudna_store::{SqliteStore, Store, StoredFinding, TruceStore};
use hudna_truce::{NotificationKind, Truce};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{csrf_header, JsonBody};
use crate::auth::{check_csrf, Who};
use crate::error::ApiError;
use crate::query::{limit, Params};
use crate::App;

/// The routes of truces and findings (API and pages).
pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/findings", get(list_findings))
        .route("/api/v1/truces", get(list_truces).post(create_truce))
        .route("/api/v1/truces/{id}", get(get_truce))
        .route("/api/v1/truces/{id}/zones", axum::routing::post(add_zone))
        .route(
            "/api/v1/truces/{id}/zones/{term}",
            axum::routing::patch(change_zone),
        )
        .route(
            "/api/v1/truces/{id}/designations",
            axum::routing::post(add_designation),
        )
        .route(
            "/api/v1/truces/{id}/designations/{term}",
            axum::routing::patch(change_designation),
        )
        .route("/truces", get(crate::pages::truces_page))
        .route("/truces/{id}", get(crate::pages::truce_page))
        .route("/findings", get(crate::pages::findings_page))
}

/// A finding as the API writes it.
pub fn finding_json(f: &StoredFinding) -> Value {
    json!({
        "incident_id": f.incident.to_string(),
        "truce_id": f.truce,
        "truce_version": f.truce_version,
        "term_id": f.term,
        "rule": f.rule,
        "severity": f.severity,
        "confidence": f.confidence,
        "distance_km": f.distance_km,
        "explanation": f.explanation,
        "explanation_ar": f.explanation_ar,
        "proposal": f.proposal.as_ref().map(|p| json!({ "term": p.term, "effect": p.effect })),
        "incident_url": format!("/api/v1/incidents/{}", f.incident),
    })
}

const SEVERITIES: &[&str] = &["grave", "serious", "review", "info"];

/// The findings a listing asks for, checked.
pub struct FindingQuery {
    /// `truce`.
    pub truce: Option<String>,
    /// `rule`.
    pub rule: Option<String>,
    /// `severity`.
    pub severity: Option<String>,
    /// `incident` (a public id).
    pub incident: Option<i64>,
    /// `proposals=true` includes what proposed terms would change.
    pub proposals: bool,
}

impl FindingQuery {
    /// Reads and checks the parameters.
    pub fn from_params(p: &Params) -> Result<FindingQuery, ApiError> {
        let rule = p
            .get("rule")
            .map(|v| {
                hudna_truce::Rule::parse(v)
                    .map(|r| r.as_str().to_string())
                    .ok_or_else(|| {
                        let all: Vec<&str> =
                            hudna_truce::Rule::ALL.iter().map(|r| r.as_str()).collect();
                        ApiError::bad_field(
                            "rule",
                            format!(
                                "rule `{v}` is not a rule; expected one of {}",
                                all.join(", ")
                            ),
                        )
                    })
            })
            .transpose()?;
        let severity = p
            .get("severity")
            .map(|v| {
                if SEVERITIES.contains(&v) {
                    Ok(v.to_string())
                } else {
                    Err(ApiError::bad_field(
                        "severity",
                        format!("severity `{v}` must be one of {}", SEVERITIES.join(", ")),
                    ))
                }
            })
            .transpose()?;
        let incident = p
            .get("incident")
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_field("incident", format!("incident `{v}` is not an id"))
                })
            })
            .transpose()?;
        let proposals = match p.get("proposals") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(ApiError::bad_field(
                    "proposals",
                    format!("proposals `{v}` must be true or false"),
                ))
            }
        };
        let truce = p
            .get("truce")
            .map(|v| {
                if v.len() <= 64
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                {
                    Ok(v.to_string())
                } else {
                    Err(ApiError::bad_field(
                        "truce",
                        format!("truce `{v}` is not a truce id"),
                    ))
                }
            })
            .transpose()?;
        Ok(FindingQuery {
            truce,
            rule,
            severity,
            incident,
            proposals,
        })
    }
}

/// Reads `cursor` as an offset (`o120`).
pub fn offset(p: &Params) -> Result<usize, ApiError> {
    match p.get("cursor") {
        None => Ok(0),
        Some(c) => c
            .strip_prefix('o')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ApiError::bad_field("cursor", "cursor is not one this server gave out")),
    }
}

async fn list_findings(
    State(app): State<App>,
    who: Who,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(
        q.as_deref(),
        &[
            "truce",
            "rule",
            "severity",
            "incident",
            "proposals",
            "limit",
            "cursor",
        ],
    )?;
    let fq = FindingQuery::from_params(&p)?;
    let limit = limit(&p, 100, 1000)?;
    let offset = offset(&p)?;
    let scope = who.caller.read_scope();
    let app2 = app.clone();
    let found = app
        .db
        .run(move |s| {
            crate::visible::known_truce(s, fq.truce.as_deref())?;
            if !s.has_table("findings")? {
                return Ok(Vec::new());
            }
            let hidden = crate::visible::hidden_terms(s, &app2, &who.caller)?;
            Ok(s.findings_visible(
                scope,
                fq.truce.as_deref(),
                fq.rule.as_deref(),
                fq.severity.as_deref(),
                fq.incident,
                !fq.proposals,
                &hidden,
                limit + 1,
                offset,
            )?)
        })
        .await?;
    let more = found.len() > limit;
    let items: Vec<Value> = found.iter().take(limit).map(finding_json).collect();
    Ok(Json(json!({
        "items": items,
        "next_cursor": more.then(|| format!("o{}", offset + limit)),
    })))
}

// --- reading truces --------------------------------------------------------------------

fn window_json(w: &hudna_truce::Window) -> Value {
    json!({ "from": w.from.map(|t| t.to_rfc3339()), "until": w.until.map(|t| t.to_rfc3339()) })
}

fn multipolygon_json(m: &geo::MultiPolygon<f64>) -> Value {
    let g = geojson::Geometry::from(m);
    serde_json::to_value(&g).unwrap_or(Value::Null)
}

/// The current version of a truce as the API writes it.
pub fn truce_json(v: &hudna_store::TruceVersion, t: &Truce, versions: &[u32]) -> Value {
    json!({
        "id": t.id,
        "version": v.version,
        "versions": versions,
        "loaded_at": v.loaded_at,
        "name": { "en": t.name.en, "ar": t.name.ar },
        "source": { "title": t.source.title, "date": t.source.date, "text": t.source.text,
                    "url": t.source.url, "signatories": t.source.signatories,
                    "guarantors": t.source.guarantors },
        "periods": t.periods.iter().map(|p| json!({ "id": p.id, "window": window_json(&p.window), "note": p.note })).collect::<Vec<_>>(),
        "parties": t.parties.iter().map(|p| json!({ "actor": p.actor, "accepted": p.accepted.to_rfc3339(),
            "withdrawn": p.withdrawn.map(|w| w.to_rfc3339()), "period": p.period })).collect::<Vec<_>>(),
        "designations": t.designations.iter().map(|d| json!({ "id": d.id, "actor": d.actor, "group": d.group,
            "aliases": d.aliases, "listed_by": d.listed_by, "listed_from": d.listed_from.to_rfc3339(),
            "delisted_at": d.delisted_at.map(|x| x.to_rfc3339()), "status": d.status.as_str(),
            "proposed_by": d.proposed_by, "note": d.note })).collect::<Vec<_>>(),
        "zones": t.zones.iter().map(|z| json!({ "id": z.id, "kind": z.kind.as_str(), "name": z.name,
            "status": z.status.as_str(), "restricted": z.restricted,
            "forbidden": z.forbidden.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "controlled_by": z.controlled_by, "window": window_json(&z.window),
            "proposed_by": z.proposed_by, "geometry": multipolygon_json(&z.geometry) })).collect::<Vec<_>>(),
        "notifications": t.notifications.iter().map(|n| {
            let (kind, extra) = match &n.kind {
                NotificationKind::Site(s) => ("site", json!({ "facility": s.facility.as_str(),
                    "geometry": { "type": "Point", "coordinates": [s.lon, s.lat] }, "radius_km": s.radius_km })),
                NotificationKind::Movement(m) => ("movement", json!({
                    "geometry": serde_json::to_value(geojson::Geometry::from(&m.route)).unwrap_or(Value::Null),
                    "corridor_km": m.corridor_km })),
            };
            let mut o = json!({ "id": n.id, "name": n.name, "organisation": n.organisation, "kind": kind,
                "window": window_json(&n.window), "visibility": n.visibility.as_str(),
                "notified": n.notified.iter().map(|x| json!({ "party": x.party, "at": x.at.to_rfc3339(), "via": x.via })).collect::<Vec<_>>() });
            if let (Value::Object(a), Value::Object(b)) = (&mut o, extra) {
                a.extend(b);
            }
            o
        }).collect::<Vec<_>>(),
        "terms": v.terms,
    })
}

/// The current version of a truce, read back into its terms.
pub fn current_truce(
    s: &mut SqliteStore,
    app: &App,
    id: &str,
) -> Result<Option<(hudna_store::TruceVersion, Truce, Vec<u32>)>, ApiError> {
    if !s.has_table("truces")? {
        return Ok(None);
    }
    let Some(v) = s.truce_version(id, None)? else {
        return Ok(None);
    };
    let versions = s.truce_versions(id)?;
    let t = app.truces.parse(&v, &app.config.actors)?;
    Ok(Some((v, t, versions)))
}

/// Stored truces already parsed, keyed by a hash of exactly the text parsed (the TOML and
/// its files), so a new version, or a row changed under the server, is parsed afresh.
#[derive(Default, Debug)]
pub struct ParsedTruces {
    parsed: std::sync::Mutex<std::collections::HashMap<u64, Truce>>,
}

/// Parsed truces kept at most; past it the cache starts again (truces are few).
const PARSED_TRUCES_KEPT: usize = 64;

impl ParsedTruces {
    /// The truce of a stored version, parsed once per content.
    pub fn parse(
        &self,
        v: &hudna_store::TruceVersion,
        actors: &hudna_truce::ActorCodes,
    ) -> Result<Truce, ApiError> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&v.truce_id, v.version, &v.toml, &v.files).hash(&mut h);
        let key = h.finish();
        if let Some(t) = self.lock().get(&key) {
            return Ok(t.clone());
        }
        let t = hudna_check::stored_truce(v, actors)
            .map_err(|e| ApiError::internal(format!("truce {}: {e}", v.truce_id)))?;
        let mut cache = self.lock();
        if cache.len() >= PARSED_TRUCES_KEPT {
            cache.clear();
        }
        cache.insert(key, t.clone());
        Ok(t)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<u64, Truce>> {
        // A panic while holding the lock leaves a map that is still whole: go on with it.
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every stored truce's current terms (for the map).
pub fn all_truces(s: &mut SqliteStore, app: &App) -> Result<Vec<Truce>, ApiError> {
    if !s.has_table("truces")? {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for summary in s.truce_list()? {
        if let Some((_, t, _)) = current_truce(s, app, &summary.id)? {
            out.push(t);
        }
    }
    Ok(out)
}

async fn list_truces(
    State(app): State<App>,
    who: Who,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let app2 = app.clone();
    let list = app
        .db
        .run(move |s| crate::visible::truce_list_for(s, &app2, &who.caller))
        .await?;
    Ok(Json(json!({ "items": list.iter().map(|t| {
        let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("url".into(), json!(format!("/api/v1/truces/{}", t.id)));
        }
        v
    }).collect::<Vec<_>>() })))
}

async fn get_truce(
    State(app): State<App>,
    who: Who,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let app2 = app.clone();
    let (v, t, versions) = app
        .db
        .run(move |s| {
            crate::visible::truce_for(s, &app2, &id, &who.caller)?
                .ok_or_else(|| ApiError::not_found("truce"))
        })
        .await?;
    Ok(Json(truce_json(&v, &t, &versions)))
}

// --- changing truces -------------------------------------------------------------------

/// The body of `POST /api/v1/truces`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTruceBody {
    /// The truce file (TOML).
    pub toml: String,
    /// The GeoJSON files it names, by the path it names them with.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

fn co_chair_may(who: &Who, action: Action, existing: bool) -> Result<(), ApiError> {
    let public = Visibility::Public;
    let meta = RecordMeta {
        visibility: &public,
        owner: None,
    };
    let resource = if existing {
        Resource::Existing(meta)
    } else {
        Resource::New(meta)
    };
    can(&who.caller, action, resource).map_err(ApiError::denied)
}

/// Refuses (409) when a stored truce or its current version no longer matches its last
/// audit entry: a change through the API is built on the current text, and must not be built
/// on terms edited in the database file behind the log's back. Nothing when the truce is not
/// stored.
fn expect_current_unchanged(
    s: &SqliteStore,
    id: &str,
    version: Option<u32>,
) -> Result<(), ApiError> {
    if let Some(version) = version {
        s.expect_unchanged("truce", id)?;
        s.expect_unchanged("truce_version", &format!("{id}@{version}"))?;
    }
    Ok(())
}

/// What storing a truce text did.
struct Stored {
    /// The current version as the API writes it, with the outcome, the changes and the check.
    body: Value,
    /// Whether a new version was stored (`false`: the text was the current version's).
    new_version: bool,
}

/// Validates and stores a truce text as a new version, logged as the caller's change, and
/// judges the record again under it. A text identical to the current version's stores
/// nothing and judges nothing.
async fn store_text(
    app: &App,
    who: &Who,
    name: String,
    toml: String,
    files: BTreeMap<String, String>,
    expect_id: Option<String>,
) -> Result<Stored, ApiError> {
    let actor = who.actor();
    let app2 = app.clone();
    app.db
        .run(move |s| {
            let mut read = |rel: &str| {
                files
                    .get(rel)
                    .cloned()
                    .ok_or_else(|| format!("`{rel}` is not among the files sent"))
            };
            let (truce, source) = match hudna_check::parse_truce_source(
                &name,
                toml,
                &mut read,
                &app2.config.actors,
            ) {
                Ok(v) => v,
                Err(hudna_check::CheckError::Invalid(problems)) => {
                    let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                    let field = problems
                        .first()
                        .map(|p| p.field.clone())
                        .filter(|f| !f.is_empty())
                        .unwrap_or_else(|| "toml".into());
                    return Err(ApiError::invalid(
                        &field,
                        format!("{} problem(s); the first: {first}", problems.len()),
                    ));
                }
                Err(e) => return Err(ApiError::internal(e)),
            };
            if let Some(id) = &expect_id {
                if &truce.id != id {
                    return Err(ApiError::invalid("id", "a truce's id cannot change"));
                }
            }
            let current = s.truce_version(&truce.id, None)?.map(|v| v.version);
            expect_current_unchanged(s, &truce.id, current)?;
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            // Stored, then the record judged again under the new terms (only what they
            // reach), both logged as the caller's change.
            s.set_batch_actor(actor);
            let stored = hudna_check::store_truce(s, &truce, &source, &app2.config.actors, &now)
                .and_then(|loaded| {
                    if loaded.outcome == hudna_check::LoadOutcome::Unchanged {
                        return Ok((loaded, None));
                    }
                    hudna_check::check(s, &app2.config.actors, Some(&truce.id), &now)
                        .map(|report| (loaded, Some(report)))
                });
            s.set_batch_actor(None);
            let (loaded, report) = stored.map_err(|e| match e {
                // A version edited outside hudna since (409), or another store refusal.
                hudna_check::CheckError::Store(e) => ApiError::from(e),
                other => ApiError::internal(other),
            })?;
            let new_version = loaded.outcome != hudna_check::LoadOutcome::Unchanged;
            let versions = s.truce_versions(&truce.id)?;
            let v = s
                .truce_version(&truce.id, None)?
                .ok_or_else(|| ApiError::internal("the stored truce vanished"))?;
            let mut out = truce_json(&v, &truce, &versions);
            if let Value::Object(m) = &mut out {
                m.insert(
                    "outcome".into(),
                    serde_json::to_value(loaded.outcome).unwrap_or(Value::Null),
                );
                m.insert(
                    "changes".into(),
                    serde_json::to_value(&loaded.changes).unwrap_or(Value::Null),
                );
                m.insert(
                    "check".into(),
                    json!(report
                        .iter()
                        .flat_map(|r| &r.runs)
                        .map(
                            |r| json!({ "evaluated": r.evaluated, "findings": r.findings,
                                         "added": r.added, "removed": r.removed,
                                         "changed": r.changed })
                        )
                        .collect::<Vec<_>>()),
                );
            }
            Ok(Stored {
                body: out,
                new_version,
            })
        })
        .await
}

async fn create_truce(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewTruceBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    co_chair_may(&who, Action::CreateTruce, false)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    let stored = store_text(
        &app,
        &who,
        "request body".into(),
        body.toml,
        body.files,
        None,
    )
    .await?;
    // The same text again stores nothing: the current version, 200.
    let status = if stored.new_version {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(stored.body)))
}

/// The current TOML of a truce as a table, with its files.
async fn current_text(
    app: &App,
    id: &str,
) -> Result<(toml::Table, BTreeMap<String, String>), ApiError> {
    let id = id.to_string();
    let v = app
        .db
        .run(move |s| {
            if !s.has_table("truces")? {
                return Err(ApiError::not_found("truce"));
            }
            let v = s
                .truce_version(&id, None)?
                .ok_or_else(|| ApiError::not_found("truce"))?;
            // The text about to be edited must be the one the audit log last recorded.
            expect_current_unchanged(s, &id, Some(v.version))?;
            Ok(v)
        })
        .await?;
    let table: toml::Table = v
        .toml
        .parse()
        .map_err(|e| ApiError::internal(format!("stored truce {}: {e}", v.truce_id)))?;
    Ok((table, v.files.into_iter().collect()))
}

fn toml_value(field: &str, v: &Value) -> Result<toml::Value, ApiError> {
    toml::Value::try_from(v).map_err(|e| ApiError::invalid(field, format!("{field}: {e}")))
}

/// A zone as the API takes it: the truce format's `[[zone]]` fields, the geometry inline as
/// GeoJSON.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneBody {
    /// Term id.
    pub id: String,
    /// covered_area, demilitarised, no_fly or control_area.
    pub kind: String,
    /// A GeoJSON Polygon or MultiPolygon.
    pub geometry: Value,
    /// in_force or proposed.
    pub status: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Actor codes bound.
    #[serde(default)]
    pub restricted: Option<Vec<String>>,
    /// Incident types forbidden.
    #[serde(default)]
    pub forbidden: Option<Vec<String>>,
    /// Holders of a control area.
    #[serde(default)]
    pub controlled_by: Option<Vec<String>>,
    /// Window start (RFC 3339 or date).
    #[serde(default)]
    pub from: Option<String>,
    /// Window end.
    #[serde(default)]
    pub until: Option<String>,
    /// Who proposed it.
    #[serde(default)]
    pub proposed_by: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Changes to a zone: any of [`ZoneBody`]'s fields but the id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonePatch {
    /// New kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// New geometry.
    #[serde(default)]
    pub geometry: Option<Value>,
    /// New status (e.g. a proposed zone adopted).
    #[serde(default)]
    pub status: Option<String>,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New restricted actors.
    #[serde(default)]
    pub restricted: Option<Vec<String>>,
    /// New forbidden types.
    #[serde(default)]
    pub forbidden: Option<Vec<String>>,
    /// New window start.
    #[serde(default)]
    pub from: Option<String>,
    /// New window end.
    #[serde(default)]
    pub until: Option<String>,
    /// New note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A designation as the API takes it (the truce format's `[[designation]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignationBody {
    /// Term id.
    pub id: String,
    /// Actor code.
    pub actor: String,
    /// Who listed it.
    pub listed_by: String,
    /// From when (RFC 3339 or date).
    pub listed_from: String,
    /// in_force or proposed.
    pub status: String,
    /// A group inside the actor code.
    #[serde(default)]
    pub group: Option<String>,
    /// Its other names.
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// Until when.
    #[serde(default)]
    pub delisted_at: Option<String>,
    /// Who proposed it.
    #[serde(default)]
    pub proposed_by: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Changes to a designation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignationPatch {
    /// New status (a proposed designation adopted, or back to proposed).
    #[serde(default)]
    pub status: Option<String>,
    /// Delisted from.
    #[serde(default)]
    pub delisted_at: Option<String>,
    /// New listing date.
    #[serde(default)]
    pub listed_from: Option<String>,
    /// New note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Writes a JSON object's fields into a TOML table, dates as TOML date-times where the
/// format wants them (the format reads strings for dates too, as RFC 3339).
fn set_fields(
    table: &mut toml::Table,
    fields: &serde_json::Map<String, Value>,
) -> Result<(), ApiError> {
    for (k, v) in fields {
        if v.is_null() {
            table.remove(k);
            continue;
        }
        let tv = match (k.as_str(), v) {
            ("from" | "until" | "listed_from" | "delisted_at", Value::String(s)) => {
                match s.parse::<toml::value::Datetime>() {
                    Ok(d) => toml::Value::Datetime(d),
                    Err(_) => {
                        return Err(ApiError::invalid(
                            k,
                            format!(
                                "{k} `{s}` is not a date (YYYY-MM-DD) or an RFC 3339 date-time"
                            ),
                        ))
                    }
                }
            }
            _ => toml_value(k, v)?,
        };
        table.insert(k.clone(), tv);
    }
    Ok(())
}

async fn edit_terms(
    app: &App,
    who: &Who,
    truce: String,
    array: &str,
    term: Option<String>,
    fields: serde_json::Map<String, Value>,
) -> Result<Value, ApiError> {
    let (mut doc, files) = current_text(app, &truce).await?;
    let list = doc
        .entry(array.to_string())
        .or_insert_with(|| toml::Value::Array(Vec::new()));
    let Some(items) = list.as_array_mut() else {
        return Err(ApiError::internal(format!(
            "truce {truce}: `{array}` is not a list"
        )));
    };
    match term {
        None => {
            let id = fields.get("id").and_then(Value::as_str).unwrap_or_default();
            if items
                .iter()
                .any(|t| t.get("id").and_then(toml::Value::as_str) == Some(id))
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("truce {truce} already has a term `{id}`"),
                    Some("id"),
                ));
            }
            let mut t = toml::Table::new();
            set_fields(&mut t, &fields)?;
            items.push(toml::Value::Table(t));
        }
        Some(term) => {
            let Some(t) = items
                .iter_mut()
                .find(|t| t.get("id").and_then(toml::Value::as_str) == Some(term.as_str()))
                .and_then(toml::Value::as_table_mut)
            else {
                return Err(ApiError::not_found("term"));
            };
            set_fields(t, &fields)?;
        }
    }
    let text = toml::to_string(&doc).map_err(ApiError::internal)?;
    Ok(store_text(
        app,
        who,
        format!("truce {truce} as changed"),
        text,
        files,
        Some(truce),
    )
    .await?
    .body)
}

fn object(v: impl serde::Serialize) -> serde_json::Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => serde_json::Map::new(),
    }
}

impl serde::Serialize for ZoneBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "id": self.id, "kind": self.kind, "geometry": self.geometry, "status": self.status,
                "name": self.name, "restricted": self.restricted, "forbidden": self.forbidden,
                "controlled_by": self.controlled_by, "from": self.from, "until": self.until,
                "proposed_by": self.proposed_by, "note": self.note })
        .serialize(s)
    }
}

impl serde::Serialize for ZonePatch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "kind": self.kind, "geometry": self.geometry, "status": self.status,
                "name": self.name, "restricted": self.restricted, "forbidden": self.forbidden,
                "from": self.from, "until": self.until, "note": self.note })
        .serialize(s)
    }
}

impl serde::Serialize for DesignationBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "id": self.id, "actor": self.actor, "listed_by": self.listed_by,
                "listed_from": self.listed_from, "status": self.status, "group": self.group,
                "aliases": self.aliases, "delisted_at": self.delisted_at,
                "proposed_by": self.proposed_by, "note": self.note })
        .serialize(s)
    }
}

impl serde::Serialize for DesignationPatch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "status": self.status, "delisted_at": self.delisted_at,
                "listed_from": self.listed_from, "note": self.note })
        .serialize(s)
    }
}

async fn add_zone(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ZoneBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    co_chair_may(&who, Action::CreateZone, false)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    let out = edit_terms(&app, &who, id, "zone", None, object(&body)).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

async fn change_zone(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path((id, term)): Path<(String, String)>,
    JsonBody(body): JsonBody<ZonePatch>,
) -> Result<Json<Value>, ApiError> {
    co_chair_may(&who, Action::EditZone, true)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    Ok(Json(
        edit_terms(&app, &who, id, "zone", Some(term), object(&body)).await?,
    ))
}

async fn add_designation(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DesignationBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    co_chair_may(&who, Action::CreateDesignation, false)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    let out = edit_terms(&app, &who, id, "designation", None, object(&body)).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

async fn change_designation(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path((id, term)): Path<(String, String)>,
    JsonBody(body): JsonBody<DesignationPatch>,
) -> Result<Json<Value>, ApiError> {
    co_chair_may(&who, Action::EditDesignation, true)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    Ok(Json(
        edit_terms(&app, &who, id, "designation", Some(term), object(&body)).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUCE: &str = r#"
id = "t"
utc_offset = "+03:00"
[name]
en = "T"
ar = "ت"
[source]
title = "T"
date = 2016-09-09
[[period]]
id = "p"
from = 2016-09-12
until = 2016-09-19
"#;

    fn version(n: u32, toml: &str) -> hudna_store::TruceVersion {
        hudna_store::TruceVersion {
            truce_id: "t".into(),
            version: n,
            current: true,
            content_hash: String::new(),
            source: "t.toml".into(),
            name_en: "T".into(),
            name_ar: "ت".into(),
            loaded_at: String::new(),
            changes: "[]".into(),
            toml: toml.into(),
            files: Vec::new(),
            terms: Vec::new(),
        }
    }

    #[test]
    fn a_truce_is_parsed_once_per_content() {
        let actors = hudna_truce::ActorCodes::new(["RUS"]);
        let cache = ParsedTruces::default();
        let first = cache.parse(&version(1, TRUCE), &actors).unwrap();
        assert_eq!(cache.lock().len(), 1);
        assert_eq!(cache.parse(&version(1, TRUCE), &actors).unwrap(), first);
        assert_eq!(
            cache.lock().len(),
            1,
            "the same content is not parsed again"
        );
        // A changed text (a new version, or a row edited under the server) is read afresh.
        let renewed = TRUCE.replace("2016-09-19", "2016-09-26");
        let second = cache.parse(&version(2, &renewed), &actors).unwrap();
        assert_ne!(second, first);
        assert_eq!(cache.lock().len(), 2);
        // Bad stored text is an error, not a cached truce.
        assert!(cache.parse(&version(3, "id = "), &actors).is_err());
        assert_eq!(cache.lock().len(), 2);
    }
}
