//! The JSON API under `/api/v1`.
//!
//! Reads filter by the caller's scope in SQL; writes ask hudna-access's [`can`] with the one
//! [`Action`] of the endpoint before touching the store, check the CSRF token when the
//! session cookie is what signs the request in, and go through the store's audited write.
//! Ids are 63-bit numbers derived from content, beyond what a JavaScript number holds
//! exactly, so the API writes them as strings.
//!
//! The endpoints, their parameters and bodies are listed in the OpenAPI document
//! ([`crate::openapi`]), which a test checks against this router.

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hudna_access::{
    can, can_read, notification_visibility, Action, RecordMeta, Resource, Visibility,
};
use hudna_store::{IncidentRecord, NotificationRecord, SourceView};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::{check_csrf, Who};
use crate::error::ApiError;
use crate::html::segments;
use crate::query::{limit, IncidentFilters, Params, FILTER_PARAMS};
use crate::App;

/// The API's routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .route("/api/v1/incidents", get(list_incidents))
        .route(
            "/api/v1/incidents/{id}",
            get(get_incident).patch(update_incident),
        )
        .route("/api/v1/articles/{id}", get(get_article))
        .route(
            "/api/v1/notifications",
            get(list_notifications).post(create_notification),
        )
        .route(
            "/api/v1/notifications/{id}",
            get(get_notification).patch(update_notification),
        )
        .route("/api/v1/tokens", axum::routing::post(create_token))
        .route("/api/v1/audit", get(audit_log))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint", None)
}

async fn openapi(RawQuery(q): RawQuery) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    Ok(Json(crate::openapi::document()))
}

// --- request bodies -------------------------------------------------------------------

/// A JSON request body whose errors are API errors naming the field: 415 without a JSON
/// content type (`Content-Type`), 413 over the size limit and 400 for malformed JSON (both
/// `body`), 422 for a field of the wrong type, unknown or missing (the path of the field,
/// `geometry.coordinates[1]`).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            })
            .unwrap_or(false);
        if !json_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON, sent with `Content-Type: application/json`",
                Some("Content-Type"),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the request body is larger than this server accepts",
                    Some("body"),
                )
            } else {
                ApiError::new(e.status(), e.body_text(), Some("body"))
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Deserialises a body, naming the field of the first error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the body is not valid JSON: {msg}"),
                Some("body"),
            );
        }
        // serde names an unknown or missing field only in its message.
        let named = |prefix: &str| {
            msg.strip_prefix(prefix)
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
        };
        let join = |name: String| {
            if path == "." || path.is_empty() {
                name
            } else {
                format!("{path}.{name}")
            }
        };
        let field = if let Some(name) = named("unknown field `") {
            // The path already ends with the unknown name.
            if path.ends_with(&name) {
                path
            } else {
                join(name)
            }
        } else if let Some(name) = named("missing field `") {
            join(name)
        } else if path == "." {
            "body".to_string()
        } else {
            path
        };
        ApiError::invalid(&field, format!("{field}: {msg}"))
    })
}

// --- who am I -------------------------------------------------------------------------

async fn me(
    State(app): State<App>,
    who: Who,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let Some(user) = who.user.clone() else {
        return Ok(Json(json!({ "signed_in": false })));
    };
    let org = user.org;
    let org = app.db.run(move |s| Ok(s.org(org)?)).await?;
    Ok(Json(json!({
        "signed_in": true,
        "user": { "id": user.id.0, "username": user.username, "display_name": user.display_name,
                   "role": user.role.as_str() },
        "organisation": org.map(|o| json!({ "id": o.id.0, "name": o.name, "kind": o.kind.as_str(),
                                             "represents": o.represents })),
    })))
}

// --- incidents ------------------------------------------------------------------------

/// An incident as the API writes it: its public id as a string, with its visibility and
/// its URL. Serialised field by field, straight into the response: the listing writes
/// thousands of these a second, and going through `serde_json::Value` maps cost a third of
/// its time.
pub struct IncidentOut<'a>(pub &'a IncidentRecord, pub &'a str);

impl serde::Serialize for IncidentOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let i = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &i.public_id.to_string())?;
        m.serialize_entry("type", &i.kind)?;
        m.serialize_entry("date", &i.date)?;
        m.serialize_entry("date_precision", &i.date_precision)?;
        if let Some(r) = &i.reported {
            m.serialize_entry("reported", r)?;
        }
        m.serialize_entry("place", &i.place)?;
        m.serialize_entry("admin1", &i.admin1)?;
        m.serialize_entry("lat", &i.lat)?;
        m.serialize_entry("lon", &i.lon)?;
        m.serialize_entry("geo_precision", &i.geo_precision)?;
        m.serialize_entry("perpetrator", &i.perpetrator)?;
        m.serialize_entry("contested", &i.contested)?;
        m.serialize_entry("grade", &i.grade)?;
        m.serialize_entry("killed", &i.killed)?;
        m.serialize_entry("injured", &i.injured)?;
        m.serialize_entry("target", &i.target)?;
        m.serialize_entry("target_actor", &i.target_actor)?;
        m.serialize_entry("claimed", &i.claimed)?;
        m.serialize_entry("investigation", &i.investigation)?;
        m.serialize_entry("independent_sources", &i.sources)?;
        m.serialize_entry("reports", &i.reports)?;
        m.serialize_entry("visibility", self.1)?;
        m.serialize_entry("url", &format!("/api/v1/incidents/{}", i.public_id))?;
        m.end()
    }
}

/// An incident as the API writes it (see [`IncidentOut`]), as a JSON value to add to.
pub fn incident_json(i: &IncidentRecord, visibility: &str) -> Value {
    serde_json::to_value(IncidentOut(i, visibility)).unwrap_or(Value::Null)
}

fn incident_feature(i: &IncidentRecord, visibility: &str) -> Value {
    let geometry = match (i.lon, i.lat) {
        (Some(lon), Some(lat)) => json!({ "type": "Point", "coordinates": [lon, lat] }),
        _ => Value::Null,
    };
    let mut props = incident_json(i, visibility);
    if let Value::Object(m) = &mut props {
        m.remove("lat");
        m.remove("lon");
    }
    json!({ "type": "Feature", "id": i.public_id.to_string(), "geometry": geometry, "properties": props })
}

const LIST_PARAMS: &[&str] = &[
    "since",
    "until",
    "admin1",
    "type",
    "perpetrator",
    "grade",
    "rule",
    "bbox",
    "cursor",
    "limit",
    "format",
];

async fn list_incidents(
    State(app): State<App>,
    creds: crate::auth::Credentials,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    debug_assert!(FILTER_PARAMS.iter().all(|p| LIST_PARAMS.contains(p)));
    let p = Params::parse(q.as_deref(), LIST_PARAMS)?;
    let filters = IncidentFilters::from_params(&p, app.basemap, &app.config.actors)?;
    let limit = limit(&p, 100, 1000)?;
    let geojson = match p.get("format") {
        None | Some("json") => false,
        Some("geojson") => true,
        Some(other) => {
            return Err(ApiError::bad_field(
                "format",
                format!("format `{other}` must be json or geojson"),
            ))
        }
    };
    let after = p
        .get("cursor")
        .map(|c| {
            hudna_store::Cursor::decode(c).ok_or_else(|| {
                ApiError::bad_field("cursor", "cursor is not one this server gave out")
            })
        })
        .transpose()?;
    let rule = filters.rule;
    let app2 = app.clone();
    // The caller is resolved in the same database task as the query: this is the API's
    // busiest endpoint.
    let page = app
        .db
        .run(move |s| {
            let who = creds.resolve(s)?;
            let mut query = filters.to_query(who.caller.read_scope(), limit);
            query.after = after;
            if let Some(rule) = rule {
                let hidden = crate::visible::hidden_terms(s, &app2, &who.caller)?;
                match crate::pages::rule_condition(s, rule, &hidden)? {
                    Some(extra) => query.extra = Some(extra),
                    // No findings stored: no incident has one.
                    None => {
                        return Ok(hudna_store::IncidentPage {
                            items: Vec::new(),
                            next: None,
                        })
                    }
                }
            }
            Ok(s.incident_page(&query)?)
        })
        .await?;
    let next = page.next.map(|c| c.encode());
    let mut res = if geojson {
        Json(json!({
            "type": "FeatureCollection",
            "features": page.items.iter().map(|(i, v)| incident_feature(i, v)).collect::<Vec<_>>(),
            "next_cursor": next,
        }))
        .into_response()
    } else {
        #[derive(serde::Serialize)]
        struct Page<'a> {
            items: Vec<IncidentOut<'a>>,
            next_cursor: Option<String>,
        }
        Json(Page {
            items: page.items.iter().map(|(i, v)| IncidentOut(i, v)).collect(),
            next_cursor: next,
        })
        .into_response()
    };
    if geojson {
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/geo+json"),
        );
    }
    Ok(res)
}

fn parse_id(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .map_err(|_| ApiError::bad_field("id", format!("{what} id `{text}` is not a whole number")))
}

/// The texts of a source's evidence spans.
pub fn evidence_texts(text: &str, spans: &[[usize; 2]]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    spans
        .iter()
        .map(|[a, b]| {
            let (a, b) = ((*a).min(chars.len()), (*b).min(chars.len()));
            chars[a..b.max(a)].iter().collect()
        })
        .collect()
}

fn source_json(s: &SourceView) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("text");
        m.insert("mention_id".into(), Value::String(s.mention_id.to_string()));
        m.insert(
            "article_id".into(),
            s.article_id
                .map_or(Value::Null, |a| Value::String(a.to_string())),
        );
        m.insert(
            "syndicated_from".into(),
            s.syndicated_from
                .map_or(Value::Null, |a| Value::String(a.to_string())),
        );
        let texts = s
            .text
            .as_deref()
            .map(|t| evidence_texts(t, &s.evidence))
            .unwrap_or_default();
        m.insert("evidence_text".into(), json!(texts));
        if let Some(a) = s.article_id {
            m.insert(
                "article_url".into(),
                Value::String(format!("/api/v1/articles/{a}")),
            );
        }
    }
    v
}

async fn get_incident(
    State(app): State<App>,
    who: Who,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let id = parse_id(&id, "incident")?;
    let scope = who.caller.read_scope();
    let app2 = app.clone();
    let caller = who.caller;
    let (incident, vis, sources, findings) = app
        .db
        .run(move |s| {
            let Some((i, v)) = s.incident_visible(id, scope)? else {
                return Err(ApiError::not_found("incident"));
            };
            let sources = s.incident_sources(i.id, true)?;
            let hidden = crate::visible::hidden_terms(s, &app2, &caller)?;
            let findings = crate::pages::incident_findings(s, i.public_id, &hidden)?;
            Ok((i, v, sources, findings))
        })
        .await?;
    let mut body = incident_json(&incident, &vis);
    if let Value::Object(m) = &mut body {
        m.insert(
            "sources".into(),
            Value::Array(sources.iter().map(source_json).collect()),
        );
        m.insert("findings".into(), Value::Array(findings));
    }
    Ok(Json(body))
}

async fn get_article(
    State(app): State<App>,
    who: Who,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let id = parse_id(&id, "article")?;
    let scope = who.caller.read_scope();
    let article = app
        .db
        .run(move |s| {
            s.article_visible(id, scope)?
                .ok_or_else(|| ApiError::not_found("article"))
        })
        .await?;
    let spans: Vec<[usize; 2]> = article
        .mentions
        .iter()
        .flat_map(|m| m.evidence.iter().copied())
        .collect();
    let segs: Vec<Value> = segments(&article.text, &spans)
        .into_iter()
        .map(|(text, marked)| json!({ "text": text, "evidence": marked }))
        .collect();
    let mentions: Vec<Value> = article
        .mentions
        .iter()
        .map(|m| {
            json!({
                "mention_id": m.mention_id.to_string(),
                "incident_id": m.incident_id.map(|i| i.to_string()),
                "type": m.kind, "date": m.date, "place": m.place, "perpetrator": m.perpetrator,
                "evidence": m.evidence,
                "evidence_text": evidence_texts(&article.text, &m.evidence),
            })
        })
        .collect();
    Ok(Json(json!({
        "id": article.id.to_string(),
        "external_id": article.external_id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "syndicated_from": article.syndicated_from.map(|i| i.to_string()),
        "text": article.text,
        "segments": segs,
        "mentions": mentions,
    })))
}

/// The body of `PATCH /api/v1/incidents/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatch {
    /// Who may see it: `public`, `members` or `orgs:1,4`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// The reference of an investigation that established it: the incident becomes
    /// `confirmed` (a regrade), and stays so as reports come in.
    #[serde(default)]
    pub investigation: Option<String>,
}

async fn update_incident(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<IncidentPatch>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id, "incident")?;
    if who.caller.principal().is_none() {
        return Err(ApiError::denied(hudna_access::Denied::SignInRequired {
            action: Action::EditIncident,
        }));
    }
    check_csrf(&app, &who, csrf_header(&headers))?;
    let visibility = patch
        .visibility
        .as_deref()
        .map(|v| {
            v.parse::<Visibility>()
                .map_err(|e| ApiError::invalid("visibility", format!("visibility: {e}")))
        })
        .transpose()?;
    if let Some(inv) = &patch.investigation {
        if inv.trim().is_empty() || inv.chars().count() > 200 || inv.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "investigation",
                "investigation must be a reference of 1 to 200 characters",
            ));
        }
    }
    if visibility.is_none() && patch.investigation.is_none() {
        return Err(ApiError::invalid(
            "body",
            "nothing to change: give visibility or investigation",
        ));
    }
    // The incident as it is, for the policy (a hidden one is a 404 before any role check).
    let everything = hudna_access::ReadScope::All;
    let (current, vis) = app
        .db
        .run(move |s| {
            s.incident_visible(id, everything)?
                .ok_or_else(|| ApiError::not_found("incident"))
        })
        .await?;
    let vis: Visibility = vis
        .parse()
        .map_err(|e| ApiError::internal(format!("incident {id}: {e}")))?;
    let meta = RecordMeta {
        visibility: &vis,
        owner: None,
    };
    if visibility.is_some() {
        can(&who.caller, Action::EditIncident, Resource::Existing(meta))
            .map_err(ApiError::denied)?;
    }
    if patch.investigation.is_some() {
        can(&who.caller, Action::Regrade, Resource::Existing(meta)).map_err(ApiError::denied)?;
    }
    if let Some(v) = &visibility {
        // The analyst must still see what they publish or restrict.
        if !can_read(&who.caller, v) {
            return Err(ApiError::denied(hudna_access::Denied::HiddenFromAuthor));
        }
    }
    let actor = who
        .actor()
        .ok_or_else(|| ApiError::internal("no actor for a signed-in caller"))?;
    let public_id = current.public_id;
    let scope = who.caller.read_scope();
    let (i, v) = app
        .db
        .run(move |s| {
            s.edit_incident(
                &actor,
                public_id,
                visibility.as_ref().map(|v| v.to_string()).as_deref(),
                patch.investigation.as_deref(),
            )?;
            s.incident_visible(public_id, scope)?
                .ok_or_else(|| ApiError::internal("the incident vanished"))
        })
        .await?;
    Ok(Json(incident_json(&i, &v)))
}

// --- notifications --------------------------------------------------------------------

fn notification_json(n: &NotificationRecord) -> Value {
    let mut v = serde_json::to_value(n).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), Value::String(n.id.to_string()));
    }
    v
}

async fn list_notifications(
    State(app): State<App>,
    who: Who,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let scope = who.caller.read_scope();
    let list = app.db.run(move |s| Ok(s.notifications(scope)?)).await?;
    Ok(Json(json!({
        "items": list.iter().map(notification_json).collect::<Vec<_>>(),
    })))
}

fn readable_notification(who: &Who, n: &NotificationRecord) -> Result<Visibility, ApiError> {
    let vis: Visibility = n
        .visibility
        .parse()
        .map_err(|e| ApiError::internal(format!("notification {}: {e}", n.id)))?;
    if !can_read(&who.caller, &vis) {
        return Err(ApiError::not_found("notification"));
    }
    Ok(vis)
}

async fn get_notification(
    State(app): State<App>,
    who: Who,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    Params::parse(q.as_deref(), &[])?;
    let id = parse_id(&id, "notification")?;
    let n = app
        .db
        .run(move |s| {
            s.notification(id)?
                .ok_or_else(|| ApiError::not_found("notification"))
        })
        .await?;
    readable_notification(&who, &n)?;
    Ok(Json(notification_json(&n)))
}

/// A notified party and when it was told.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyBody {
    /// Actor code.
    pub party: String,
    /// When (RFC 3339 date-time or YYYY-MM-DD).
    pub at: String,
}

/// The body of `POST /api/v1/notifications`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNotificationBody {
    /// `site` or `movement`.
    pub kind: String,
    /// A name.
    pub name: String,
    /// Sites: hospital, school, warehouse, camp or other.
    #[serde(default)]
    pub facility: Option<String>,
    /// A GeoJSON Point (site) or LineString (movement), longitude first.
    pub geometry: Value,
    /// Sites: protected radius, km.
    #[serde(default)]
    pub radius_km: Option<f64>,
    /// Movements: corridor width, km.
    #[serde(default)]
    pub corridor_km: Option<f64>,
    /// Window start.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// Window end (exclusive).
    #[serde(default)]
    pub valid_until: Option<String>,
    /// The parties notified.
    pub parties: Vec<PartyBody>,
    /// The truce it is filed under.
    #[serde(default)]
    pub truce_id: Option<String>,
    /// The organisation filing it (default: the caller's own).
    #[serde(default)]
    pub org_id: Option<i64>,
    /// Who may read it (default: the filer, the notified parties' organisations, and the
    /// co-chairs).
    #[serde(default)]
    pub visibility: Option<String>,
}

/// The body of `PATCH /api/v1/notifications/{id}`: the fields to change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationPatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New facility.
    #[serde(default)]
    pub facility: Option<String>,
    /// New geometry.
    #[serde(default)]
    pub geometry: Option<Value>,
    /// New radius.
    #[serde(default)]
    pub radius_km: Option<f64>,
    /// New corridor.
    #[serde(default)]
    pub corridor_km: Option<f64>,
    /// New window start.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// New window end.
    #[serde(default)]
    pub valid_until: Option<String>,
    /// `active` or `withdrawn`.
    #[serde(default)]
    pub status: Option<String>,
}

fn position(v: &Value, field: &str) -> Result<[f64; 2], ApiError> {
    let bad = |why: &str| ApiError::invalid(field, format!("{field}: {why}"));
    let arr = v
        .as_array()
        .ok_or_else(|| bad("a position must be [longitude, latitude]"))?;
    if arr.len() != 2 {
        return Err(bad("a position must be [longitude, latitude]"));
    }
    let lon = arr[0]
        .as_f64()
        .ok_or_else(|| bad("longitude is not a number"))?;
    let lat = arr[1]
        .as_f64()
        .ok_or_else(|| bad("latitude is not a number"))?;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(bad(&format!("longitude {lon} is outside ±180")));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(bad(&format!("latitude {lat} is outside ±90")));
    }
    Ok([lon, lat])
}

/// Checks a notification's geometry: a Point for a site, a LineString of two or more
/// distinct positions for a movement.
pub fn check_geometry(kind: &str, g: &Value) -> Result<(), ApiError> {
    let obj = g.as_object().ok_or_else(|| {
        ApiError::invalid("geometry", "geometry must be a GeoJSON geometry object")
    })?;
    for k in obj.keys() {
        if k != "type" && k != "coordinates" {
            return Err(ApiError::invalid(
                &format!("geometry.{k}"),
                format!("geometry.{k}: unknown member; a geometry has `type` and `coordinates`"),
            ));
        }
    }
    let want = if kind == "site" {
        "Point"
    } else {
        "LineString"
    };
    match obj.get("type").and_then(Value::as_str) {
        Some(t) if t == want => {}
        Some(t) => {
            return Err(ApiError::invalid(
                "geometry.type",
                format!("geometry.type: a {kind} needs a {want}, not a {t}"),
            ))
        }
        None => {
            return Err(ApiError::invalid(
                "geometry.type",
                "geometry.type is missing",
            ))
        }
    }
    let coords = obj.get("coordinates").ok_or_else(|| {
        ApiError::invalid("geometry.coordinates", "geometry.coordinates is missing")
    })?;
    if kind == "site" {
        position(coords, "geometry.coordinates")?;
        return Ok(());
    }
    let line = coords.as_array().ok_or_else(|| {
        ApiError::invalid(
            "geometry.coordinates",
            "geometry.coordinates must be a list of positions",
        )
    })?;
    let mut points = Vec::with_capacity(line.len());
    for (i, p) in line.iter().enumerate() {
        points.push(position(p, &format!("geometry.coordinates[{i}]"))?);
    }
    if points.len() < 2 {
        return Err(ApiError::invalid(
            "geometry.coordinates",
            "geometry.coordinates: a route needs at least two positions",
        ));
    }
    for (i, w) in points.windows(2).enumerate() {
        if w[0] == w[1] {
            return Err(ApiError::invalid(
                &format!("geometry.coordinates[{}]", i + 1),
                format!(
                    "geometry.coordinates[{}] repeats the position before it",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn instant(field: &str, v: &str, end: bool) -> Result<String, ApiError> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(t
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let d = if end { d.succ_opt().unwrap_or(d) } else { d };
        return Ok(format!("{}T00:00:00Z", d.format("%Y-%m-%d")));
    }
    Err(ApiError::invalid(
        field,
        format!("{field} `{v}` is not an RFC 3339 date-time or a YYYY-MM-DD date"),
    ))
}

const FACILITIES: &[&str] = &["hospital", "school", "warehouse", "camp", "other"];

fn check_fields(n: &NotificationRecord) -> Result<(), ApiError> {
    if n.name.trim().is_empty()
        || n.name.chars().count() > 200
        || n.name.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            "name",
            "name must be 1 to 200 characters without control characters",
        ));
    }
    check_geometry(&n.kind, &n.geometry)?;
    let km = |field: &str, v: Option<f64>, needed: bool| -> Result<(), ApiError> {
        match v {
            None if needed => Err(ApiError::invalid(field, format!("{field} is required"))),
            Some(x) if !(x.is_finite() && x > 0.0 && x <= 100.0) => Err(ApiError::invalid(
                field,
                format!("{field} {x} must be more than 0 and at most 100 km"),
            )),
            _ => Ok(()),
        }
    };
    if n.kind == "site" {
        km("radius_km", n.radius_km, true)?;
        if n.corridor_km.is_some() {
            return Err(ApiError::invalid(
                "corridor_km",
                "corridor_km is for movements; a site has radius_km",
            ));
        }
        match n.facility.as_deref() {
            Some(f) if FACILITIES.contains(&f) => {}
            Some(f) => {
                return Err(ApiError::invalid(
                    "facility",
                    format!("facility `{f}` must be one of {}", FACILITIES.join(", ")),
                ))
            }
            None => {
                return Err(ApiError::invalid(
                    "facility",
                    "facility is required for a site",
                ))
            }
        }
    } else {
        km("corridor_km", n.corridor_km, true)?;
        if n.radius_km.is_some() {
            return Err(ApiError::invalid(
                "radius_km",
                "radius_km is for sites; a movement has corridor_km",
            ));
        }
        if n.facility.is_some() {
            return Err(ApiError::invalid("facility", "facility is for sites"));
        }
    }
    if let (Some(a), Some(b)) = (&n.valid_from, &n.valid_until) {
        if b <= a {
            return Err(ApiError::invalid(
                "valid_until",
                format!("valid_until {b} is not after valid_from {a}"),
            ));
        }
    }
    if !matches!(n.status.as_str(), "active" | "withdrawn") {
        return Err(ApiError::invalid(
            "status",
            "status must be active or withdrawn",
        ));
    }
    Ok(())
}

async fn create_notification(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewNotificationBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if who.caller.principal().is_none() {
        return Err(ApiError::denied(hudna_access::Denied::SignInRequired {
            action: Action::FileNotification,
        }));
    }
    check_csrf(&app, &who, csrf_header(&headers))?;
    let (stored, unrepresented) = file_notification(&app, &who, body).await?;
    let mut out = notification_json(&stored);
    if let Value::Object(m) = &mut out {
        m.insert("unrepresented_parties".into(), json!(unrepresented));
    }
    Ok((StatusCode::CREATED, Json(out)))
}

/// Files a notification for the caller (the API's and the dashboard form's shared path,
/// after their CSRF checks): checks every field, computes the visibility from the notified
/// parties, asks the policy, and stores it with its audit entry. Returns it with the notified
/// parties that no organisation represents.
pub async fn file_notification(
    app: &App,
    who: &Who,
    body: NewNotificationBody,
) -> Result<(NotificationRecord, Vec<String>), ApiError> {
    let Some(me) = who.caller.principal().copied() else {
        return Err(ApiError::denied(hudna_access::Denied::SignInRequired {
            action: Action::FileNotification,
        }));
    };
    if !matches!(body.kind.as_str(), "site" | "movement") {
        return Err(ApiError::invalid("kind", "kind must be site or movement"));
    }
    let mut parties = Vec::new();
    for (i, p) in body.parties.iter().enumerate() {
        let field = format!("parties[{i}].party");
        hudna_access::validate_actor_code(&p.party)
            .map_err(|e| ApiError::invalid(&field, format!("{field}: {e}")))?;
        let actors = &app.config.actors;
        if actors.iter().next().is_some() && !actors.contains(&p.party) {
            let known: Vec<&str> = actors.iter().collect();
            return Err(ApiError::invalid(
                &field,
                format!(
                    "{field}: `{}` is not an actor code of the theatre; expected one of {}",
                    p.party,
                    known.join(", ")
                ),
            ));
        }
        let at = instant(&format!("parties[{i}].at"), &p.at, false)?;
        parties.push(json!({ "party": p.party, "at": at }));
    }
    if parties.is_empty() {
        return Err(ApiError::invalid(
            "parties",
            "parties: name at least one notified party",
        ));
    }
    let org = hudna_access::OrgId(body.org_id.unwrap_or(me.org.0));
    let codes: Vec<String> = body.parties.iter().map(|p| p.party.clone()).collect();
    let orgs = app.db.run(|s| Ok(s.organisations()?)).await?;
    if !orgs.iter().any(|o| o.id == org) {
        return Err(ApiError::invalid(
            "org_id",
            format!("there is no organisation {org}"),
        ));
    }
    let computed = notification_visibility(org, &codes, &orgs);
    let visibility = match &body.visibility {
        Some(v) => v
            .parse::<Visibility>()
            .map_err(|e| ApiError::invalid("visibility", format!("visibility: {e}")))?,
        None => computed.visibility.clone(),
    };
    let meta = RecordMeta {
        visibility: &visibility,
        owner: Some(org),
    };
    can(&who.caller, Action::FileNotification, Resource::New(meta)).map_err(ApiError::denied)?;
    let record = NotificationRecord {
        id: 0,
        org_id: org.0,
        kind: body.kind.clone(),
        name: body.name.trim().to_string(),
        facility: body.facility.clone(),
        geometry: body.geometry.clone(),
        radius_km: body.radius_km,
        corridor_km: body.corridor_km,
        valid_from: body
            .valid_from
            .as_deref()
            .map(|v| instant("valid_from", v, false))
            .transpose()?,
        valid_until: body
            .valid_until
            .as_deref()
            .map(|v| instant("valid_until", v, true))
            .transpose()?,
        parties: Value::Array(parties),
        truce_id: body.truce_id.clone(),
        status: "active".into(),
        visibility: visibility.to_string(),
        created_by: me.user.0,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    check_fields(&record)?;
    let actor = who
        .actor()
        .ok_or_else(|| ApiError::internal("no actor for a signed-in caller"))?;
    let actors = app.config.actors.clone();
    let stored = app
        .db
        .run(move |s| {
            let id = s.create_notification(&actor, &record)?;
            rejudge(s, &actors, actor, record.truce_id.as_deref())?;
            s.notification(id)?
                .ok_or_else(|| ApiError::internal("the new notification was not stored"))
        })
        .await?;
    Ok((stored, computed.unrepresented))
}

async fn update_notification(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<NotificationPatch>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id, "notification")?;
    if who.caller.principal().is_none() {
        return Err(ApiError::denied(hudna_access::Denied::SignInRequired {
            action: Action::EditNotification,
        }));
    }
    check_csrf(&app, &who, csrf_header(&headers))?;
    let current = app
        .db
        .run(move |s| {
            s.notification(id)?
                .ok_or_else(|| ApiError::not_found("notification"))
        })
        .await?;
    let vis: Visibility = current
        .visibility
        .parse()
        .map_err(|e| ApiError::internal(format!("notification {id}: {e}")))?;
    let meta = RecordMeta {
        visibility: &vis,
        owner: Some(hudna_access::OrgId(current.org_id)),
    };
    can(
        &who.caller,
        Action::EditNotification,
        Resource::Existing(meta),
    )
    .map_err(ApiError::denied)?;
    let mut n = current;
    if let Some(v) = patch.name {
        n.name = v.trim().to_string();
    }
    if let Some(v) = patch.facility {
        n.facility = Some(v);
    }
    if let Some(v) = patch.geometry {
        n.geometry = v;
    }
    if let Some(v) = patch.radius_km {
        n.radius_km = Some(v);
    }
    if let Some(v) = patch.corridor_km {
        n.corridor_km = Some(v);
    }
    if let Some(v) = patch.valid_from {
        n.valid_from = Some(instant("valid_from", &v, false)?);
    }
    if let Some(v) = patch.valid_until {
        n.valid_until = Some(instant("valid_until", &v, true)?);
    }
    if let Some(v) = patch.status {
        n.status = v;
    }
    check_fields(&n)?;
    let actor = who
        .actor()
        .ok_or_else(|| ApiError::internal("no actor for a signed-in caller"))?;
    let actors = app.config.actors.clone();
    let stored = app
        .db
        .run(move |s| {
            s.update_notification(&actor, &n)?;
            rejudge(s, &actors, actor, n.truce_id.as_deref())?;
            s.notification(n.id)?
                .ok_or_else(|| ApiError::internal("the notification vanished"))
        })
        .await?;
    Ok(Json(notification_json(&stored)))
}

/// Judges the record again after a notification was filed or changed, as a truce change
/// does, so that its findings appear (or go) at once instead of at the next `hudna check`;
/// logged as the caller's change. A notification naming no stored truce is judged with every
/// truce; a record with no truce has nothing to judge.
fn rejudge(
    s: &mut hudna_store::SqliteStore,
    actors: &hudna_truce::ActorCodes,
    actor: hudna_audit::Actor,
    truce: Option<&str>,
) -> Result<(), ApiError> {
    use hudna_store::{Store, TruceStore};
    let list = s.truce_list()?;
    if list.is_empty() {
        return Ok(());
    }
    let only = truce.filter(|t| list.iter().any(|l| l.id == *t));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    s.set_batch_actor(Some(actor));
    let judged = hudna_check::check(s, actors, only, &now);
    s.set_batch_actor(None);
    match judged {
        Ok(_) | Err(hudna_check::CheckError::NoTruce) => Ok(()),
        Err(hudna_check::CheckError::Store(e)) => Err(ApiError::from(e)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// The `X-CSRF-Token` header.
pub fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

// --- tokens ---------------------------------------------------------------------------

/// The body of `POST /api/v1/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What the token is for.
    #[serde(default)]
    pub label: Option<String>,
}

async fn create_token(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewTokenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let own = who
        .caller
        .principal()
        .map(|p| p.user)
        .unwrap_or(hudna_access::UserId(0));
    can(&who.caller, Action::CreateToken, Resource::Account(own)).map_err(ApiError::denied)?;
    check_csrf(&app, &who, csrf_header(&headers))?;
    let actor = who
        .actor()
        .ok_or_else(|| ApiError::internal("no actor for a signed-in caller"))?;
    let label = body.label.unwrap_or_default();
    let token = app
        .db
        .run(move |s| Ok(s.create_token(&actor, own, &label)?))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token.plaintext, "prefix": token.prefix })),
    ))
}

// --- audit log ------------------------------------------------------------------------

async fn audit_log(
    State(app): State<App>,
    who: Who,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let p = Params::parse(q.as_deref(), &["since", "after", "limit"])?;
    if who.caller.principal().is_none() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in to read the audit log",
            None,
        ));
    }
    let since = p
        .get("since")
        .map(|v| {
            instant("since", v, false)
                .map_err(|e| ApiError::bad_field("since", e.error))
                .and_then(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .map_err(|e| ApiError::bad_field("since", e.to_string()))
                })
        })
        .transpose()?;
    // Pages go by sequence number: a whole ingest batch shares one `at`, so a page that
    // ends inside it could not be continued by time.
    let after = p
        .get("after")
        .map(|v| {
            v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::bad_field(
                    "after",
                    format!(
                        "after `{v}` is not an entry's sequence number (a whole number, 0 or more)"
                    ),
                )
            })
        })
        .transpose()?;
    let limit = limit(&p, 100, 1000)?;
    // A page is `limit` entries of the log in sequence order, of which those about records
    // the caller may not read are left out: `next` goes on from the last entry scanned,
    // shown or not.
    let caller = who.caller;
    let (rows, next) = app
        .db
        .run(move |s| {
            let mut rows = s.audit_page(since, after, limit + 1)?;
            let more = rows.len() > limit;
            rows.truncate(limit);
            let next = if more {
                rows.last().map(|r| r.seq)
            } else {
                None
            };
            Ok((crate::visible::audit_visible(s, &caller, rows)?, next))
        })
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("seq".into(), json!(r.seq));
            m.insert("at".into(), json!(r.at));
            m.insert("actor".into(), json!(r.actor));
            m.insert("action".into(), json!(r.action));
            m.insert("record_kind".into(), json!(r.record_kind));
            m.insert("record_id".into(), json!(r.record_id));
            m.insert("before_hash".into(), json!(r.before_hash));
            m.insert("after_hash".into(), json!(r.after_hash));
            m.insert("prev_hash".into(), json!(r.prev_hash));
            m.insert("hash".into(), json!(r.hash));
            Value::Object(m)
        })
        .collect();
    Ok(Json(json!({ "items": items, "next": next })))
}
