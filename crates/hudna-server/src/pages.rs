//! The dashboard: server-rendered pages in English or Arabic.
//!
//! - `/`: the filters (the API's, by the same names), the map (hudna-map's SVG with its
//!   script: pan, zoom, click an incident to open it), the timeline of incidents per day, and
//!   the first page of the list;
//! - `/incidents/{id}`: the incident's facts, its findings with their explanations, and each
//!   source's text with the evidence highlighted;
//! - `/articles/{id}`: one report with every passage an incident was read from highlighted;
//! - `/notifications`: the notifications the caller may see, and for humanitarian accounts a
//!   form to file a site (with its CSRF token);
//! - `/login`, `/logout`, `/lang?to=ar&back=/…` (the language switch, kept in a cookie),
//!   `/audit` (the latest audit entries, for signed-in accounts).
//!
//! Every label comes from hudna-i18n; every text from the record goes through
//! [`crate::html::esc`].

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hudna_access::{Caller, Role};
use hudna_i18n::{Labels, Lang};
use hudna_map::{FindingClass, IncidentMarker, Layers, Projection, RenderOptions, Viewport};
use hudna_store::{IncidentRecord, NotificationRecord, SqliteStore};
use serde_json::Value;

use crate::auth::{check_csrf, cookie, Who};
use crate::error::ApiError;
use crate::html::{esc, highlighted, page, push_esc, url_value, ShellUser, DASHBOARD_CSS};
use crate::query::{IncidentFilters, Params};
use crate::App;

/// The dashboard's routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(overview))
        .route("/incidents/{id}", get(incident_page))
        .route("/articles/{id}", get(article_page))
        .route(
            "/notifications",
            get(notifications_page).post(notifications_form),
        )
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/lang", get(switch_lang))
        .route("/audit", get(audit_page))
        .route("/static/map.js", get(map_js))
        .route("/static/map.css", get(map_css))
        .route("/static/hudna.css", get(hudna_css))
}

const LANG_COOKIE: &str = "hudna_lang";

/// The page's language: `?lang=`, else the language cookie, else the browser's first choice
/// if it is Arabic, else English.
pub fn page_lang(headers: &HeaderMap, params: &Params) -> Lang {
    if let Some(l) = params.get("lang").and_then(|v| v.parse().ok()) {
        return l;
    }
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(|v| v.parse().ok()) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("ar") {
        Lang::Ar
    } else {
        Lang::En
    }
}

fn secure_headers(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

fn html(status: StatusCode, body: String) -> Response {
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    secure_headers(&mut res);
    res
}

/// A page-rendering context: the app, the caller, the language and the path.
struct Ctx {
    app: App,
    who: Who,
    lang: Lang,
    path: String,
    shell: Option<ShellUser>,
}

impl Ctx {
    /// The context of a page and its query, checked against the parameters the page takes:
    /// a bad parameter is answered with an error page, in the reader's language.
    async fn for_page(
        app: App,
        who: Who,
        headers: &HeaderMap,
        q: Option<&str>,
        allowed: &[&str],
        path: String,
    ) -> Result<(Ctx, Params), Response> {
        let p = Params::parse(q, allowed);
        let params = p.clone().unwrap_or_default();
        let ctx = Ctx::new(app, who, headers, &params, path).await;
        match p {
            Ok(p) => Ok((ctx, p)),
            Err(e) => Err(ctx.error(&e)),
        }
    }

    async fn new(app: App, who: Who, headers: &HeaderMap, params: &Params, path: String) -> Ctx {
        let lang = page_lang(headers, params);
        let shell = match &who.user {
            Some(u) => {
                let org = u.org;
                let org_name = app
                    .db
                    .run(move |s| Ok(s.org(org)?))
                    .await
                    .ok()
                    .flatten()
                    .map(|o| o.name)
                    .unwrap_or_default();
                Some(ShellUser {
                    name: u.display_name.clone(),
                    org: org_name,
                    csrf: who.csrf_token(&app),
                    humanitarian: u.role == Role::Humanitarian,
                })
            }
            None => None,
        };
        Ctx {
            app,
            who,
            lang,
            path,
            shell,
        }
    }

    fn labels(&self) -> &'static Labels {
        self.app.labels
    }

    fn t(&self, key: &str) -> String {
        self.app.labels.text(key, self.lang).to_string()
    }

    fn render(&self, status: StatusCode, title: &str, body: &str) -> Response {
        html(
            status,
            page(
                self.labels(),
                self.lang,
                title,
                &self.path,
                self.shell.as_ref(),
                body,
            ),
        )
    }

    fn error(&self, e: &ApiError) -> Response {
        let mut body = String::from("<div class=\"error\" role=\"alert\">");
        body.push_str(&self.problem_html(e));
        body.push_str("</div>");
        self.render(e.status, &self.error_title(e), &body)
    }

    /// The page title of an error: what kind of refusal it is, in the page's language.
    fn error_title(&self, e: &ApiError) -> String {
        let key = match e.status.as_u16() {
            404 => "error.not_found",
            401 => "error.unauthorized",
            403 if e.field.as_deref() == Some("csrf") => "error.csrf",
            403 => "error.forbidden",
            409 => "error.conflict",
            413 => "error.body_too_large",
            500..=599 => "error.internal",
            _ => "error.bad_request",
        };
        self.t(key)
    }

    /// An error in words of the page's language, naming the field at fault, and then the
    /// server's own message (written in English, as the API gives it, with what is accepted):
    /// as it is on English pages, folded away and marked as English on Arabic ones.
    fn problem_html(&self, e: &ApiError) -> String {
        let l = self.labels();
        let field = e.field.as_deref();
        let headline = match (e.status.as_u16(), field) {
            (400 | 422, Some(f)) if e.error.starts_with("unknown query parameter") => {
                l.format("error.unknown_field", self.lang, &[("field", f)])
            }
            (400 | 422, Some(f @ ("since" | "until"))) => {
                l.format("error.invalid_date", self.lang, &[("field", f)])
            }
            (400 | 422, Some("bbox")) => self.t("error.invalid_bbox"),
            (400 | 422, Some("body")) => self.t("error.malformed_json"),
            (400 | 422, Some(f)) if e.error.contains("is required") => {
                l.format("error.missing_field", self.lang, &[("field", f)])
            }
            (400 | 422, Some(f)) => l.format("error.invalid_field", self.lang, &[("field", f)]),
            _ => self.error_title(e),
        };
        let mut b = String::from("<p class=\"problem\">");
        push_esc(&mut b, &headline);
        b.push_str("</p>");
        if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND {
            if self.lang == Lang::En {
                b.push_str("<p class=\"muted\">");
                push_esc(&mut b, &e.error);
                b.push_str("</p>");
            } else {
                b.push_str("<details class=\"muted\"><summary>");
                push_esc(&mut b, &self.t("error.detail"));
                b.push_str("</summary><p lang=\"en\" dir=\"ltr\">");
                push_esc(&mut b, &e.error);
                b.push_str("</p></details>");
            }
        }
        b
    }
}

/// A record's visibility in the page's words: public, members, or the organisations it is
/// restricted to, by name (names are the organisations' own, in any language).
fn visibility_text(ctx: &Ctx, visibility: &str, orgs: &[hudna_access::Organisation]) -> String {
    use hudna_access::Visibility;
    match visibility.parse::<Visibility>() {
        Ok(Visibility::Public) => ctx.t("visibility.public"),
        Ok(Visibility::Members) => ctx.t("visibility.members"),
        Ok(Visibility::Restricted(set)) => {
            let names: Vec<String> = set
                .iter()
                .map(|id| {
                    orgs.iter()
                        .find(|o| o.id == id)
                        .map(|o| o.name.clone())
                        .unwrap_or_else(|| id.to_string())
                })
                .collect();
            let sep = if ctx.lang == Lang::Ar { "، " } else { ", " };
            ctx.labels().format(
                "visibility.restricted_to",
                ctx.lang,
                &[("orgs", &names.join(sep))],
            )
        }
        Err(_) => ctx.t("visibility.restricted"),
    }
}

// --- findings (stored by the compliance engine, when present) --------------------------

/// The SQL condition "has a finding of this rule under terms in force" (leaving out the
/// notification findings on `hidden` terms, see [`crate::visible`]), or `None` when no
/// findings are stored in this database (then no incident has one).
pub fn rule_condition(
    s: &SqliteStore,
    rule: hudna_truce::Rule,
    hidden: &[(String, String)],
) -> Result<Option<(String, Vec<rusqlite::types::Value>)>, ApiError> {
    use rusqlite::types::Value as V;
    if !s.has_table("findings")? {
        return Ok(None);
    }
    let mut sql = String::from(
        "EXISTS (SELECT 1 FROM findings f WHERE f.incident_id = i.public_id AND f.rule = ? \
         AND f.proposal_term = ''",
    );
    let mut values = vec![V::Text(rule.as_str().into())];
    let notified = hudna_store::NOTIFICATION_RULES.contains(&rule.as_str());
    if notified && !hidden.is_empty() {
        sql.push_str(" AND NOT (");
        for (k, (truce, term)) in hidden.iter().enumerate() {
            if k > 0 {
                sql.push_str(" OR ");
            }
            sql.push_str("(f.truce_id = ? AND f.term = ?)");
            values.push(V::Text(truce.clone()));
            values.push(V::Text(term.clone()));
        }
        sql.push(')');
    }
    sql.push(')');
    Ok(Some((sql, values)))
}

/// The findings of an incident (by public id) as JSON objects: those under terms in force
/// first, then what proposed terms would change; without the notification findings on
/// `hidden` terms.
pub fn incident_findings(
    s: &SqliteStore,
    public_id: i64,
    hidden: &[(String, String)],
) -> Result<Vec<Value>, ApiError> {
    if !s.has_table("findings")? {
        return Ok(Vec::new());
    }
    let found = s.findings_visible(
        hudna_access::ReadScope::All,
        None,
        None,
        None,
        Some(public_id),
        false,
        hidden,
        10_000,
        0,
    )?;
    Ok(found.iter().map(crate::truces::finding_json).collect())
}

/// Each incident's most serious finding class, by public id (the notification findings on
/// `hidden` terms left out).
pub fn finding_classes(
    s: &SqliteStore,
    ids: &[i64],
    hidden: &[(String, String)],
) -> Result<HashMap<i64, FindingClass>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let worst = s.worst_severities(hidden)?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            let sev = worst.get(id)?;
            Some((*id, FindingClass::parse(sev).unwrap_or_default()))
        })
        .collect())
}

/// The truces' zones and notified sites and movements, as map layers.
pub fn truce_layers(truces: &[hudna_truce::Truce], lang: Lang, layers: &mut Layers) {
    for t in truces {
        for z in &t.zones {
            let Some(kind) = hudna_map::ZoneKind::parse(z.kind.as_str()) else {
                continue;
            };
            layers.zones.push(hudna_map::Zone {
                id: z.id.clone(),
                kind,
                proposed: z.status == hudna_truce::Status::Proposed,
                name: z.name.clone().unwrap_or_else(|| z.id.clone()),
                area: z.geometry.clone(),
            });
        }
        for n in &t.notifications {
            match &n.kind {
                hudna_truce::NotificationKind::Site(site) => layers.sites.push(hudna_map::Site {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    at: geo::Point::new(site.lon, site.lat),
                    radius_km: site.radius_km,
                }),
                hudna_truce::NotificationKind::Movement(m) => {
                    layers.routes.push(hudna_map::Route {
                        id: n.id.clone(),
                        name: n.name.clone(),
                        line: m.route.clone(),
                        corridor_km: m.corridor_km,
                    })
                }
            }
        }
        let _ = lang;
    }
}

// --- the overview --------------------------------------------------------------------

const OVERVIEW_PARAMS: &[&str] = &[
    "since",
    "until",
    "admin1",
    "type",
    "perpetrator",
    "grade",
    "rule",
    "bbox",
    "lang",
    "cursor",
];

fn marker_title(labels: &Labels, lang: Lang, i: &IncidentRecord) -> String {
    let date = i
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| labels.text("incident.date_unknown", lang).to_string());
    let mut t = format!("{date} · {}", labels.incident_type(i.kind, lang));
    if let Some(p) = &i.place {
        t.push_str(" · ");
        t.push_str(p);
    }
    t
}

fn site_layers(notifications: &[NotificationRecord], layers: &mut Layers) {
    for n in notifications.iter().filter(|n| n.status == "active") {
        let coords = &n.geometry["coordinates"];
        if n.kind == "site" {
            if let (Some(lon), Some(lat)) = (coords[0].as_f64(), coords[1].as_f64()) {
                layers.sites.push(hudna_map::Site {
                    id: format!("n{}", n.id),
                    name: n.name.clone(),
                    at: geo::Point::new(lon, lat),
                    radius_km: n.radius_km.unwrap_or(0.5),
                });
            }
        } else if let Some(line) = coords.as_array() {
            let pts: Vec<geo::Coord<f64>> = line
                .iter()
                .filter_map(|p| Some(geo::coord! { x: p[0].as_f64()?, y: p[1].as_f64()? }))
                .collect();
            if pts.len() >= 2 {
                layers.routes.push(hudna_map::Route {
                    id: format!("n{}", n.id),
                    name: n.name.clone(),
                    line: geo::LineString::new(pts),
                    corridor_km: n.corridor_km.unwrap_or(1.0),
                });
            }
        }
    }
}

fn timeline_svg(ctx: &Ctx, days: &[(chrono::NaiveDate, u64)], base: &str) -> String {
    let mut s = String::new();
    s.push_str("<section class=\"card timeline\" id=\"timeline\"><h2>");
    push_esc(&mut s, &ctx.t("timeline.heading"));
    s.push_str("</h2>");
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        s.push_str("<p class=\"muted\">");
        push_esc(&mut s, &ctx.t("common.none"));
        s.push_str("</p></section>");
        return s;
    };
    let span = (last.0 - first.0).num_days().max(0) as usize + 1;
    let max = days.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let w = 1000.0;
    let h = 120.0;
    let bw = (w / span as f64).max(1.0);
    s.push_str(&format!(
        "<svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"",
        h + 20.0
    ));
    push_esc(&mut s, &ctx.t("timeline.heading"));
    s.push_str("\">");
    for (d, n) in days {
        let i = (*d - first.0).num_days().max(0) as f64;
        let bh = (*n as f64 / max * h).max(1.0);
        let day = d.format("%Y-%m-%d").to_string();
        s.push_str(&format!(
            "<a href=\"/?{base}since={day}&amp;until={day}\"><rect class=\"bar\" data-day=\"{day}\" data-count=\"{n}\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"><title>",
            i * bw,
            h - bh,
            (bw * 0.85).max(0.8),
            bh
        ));
        push_esc(&mut s, &format!("{day}: {n}"));
        s.push_str("</title></rect></a>");
    }
    s.push_str(&format!(
        "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><text x=\"{w}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
        h + 16.0,
        first.0.format("%Y-%m-%d"),
        h + 16.0,
        last.0.format("%Y-%m-%d")
    ));
    s.push_str("</svg><table class=\"sr-table\" hidden><thead><tr><th>");
    push_esc(&mut s, &ctx.t("timeline.day"));
    s.push_str("</th><th>");
    push_esc(&mut s, &ctx.t("timeline.count"));
    s.push_str("</th></tr></thead><tbody>");
    for (d, n) in days {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{n}</td></tr>",
            d.format("%Y-%m-%d")
        ));
    }
    s.push_str("</tbody></table></section>");
    s
}

fn select(
    ctx: &Ctx,
    name: &str,
    label_key: &str,
    options: &[(String, String)],
    current: Option<&str>,
) -> String {
    let mut s = format!(
        "<label>{}<select name=\"{name}\"><option value=\"\">",
        esc(&ctx.t(label_key))
    );
    push_esc(&mut s, &ctx.t("filter.any"));
    s.push_str("</option>");
    for (value, text) in options {
        s.push_str("<option value=\"");
        push_esc(&mut s, value);
        s.push('"');
        if current == Some(value.as_str()) {
            s.push_str(" selected");
        }
        s.push('>');
        push_esc(&mut s, text);
        s.push_str("</option>");
    }
    s.push_str("</select></label>");
    s
}

fn input(ctx: &Ctx, name: &str, label_key: &str, kind: &str, value: Option<&str>) -> String {
    let mut s = format!(
        "<label>{}<input type=\"{kind}\" name=\"{name}\" value=\"",
        esc(&ctx.t(label_key))
    );
    push_esc(&mut s, value.unwrap_or(""));
    s.push_str("\"></label>");
    s
}

fn filter_form(ctx: &Ctx, p: &Params) -> String {
    let l = ctx.labels();
    let lang = ctx.lang;
    let mut s = String::from("<section class=\"card\"><h2>");
    push_esc(&mut s, &ctx.t("filter.heading"));
    s.push_str("</h2><form class=\"filters\" method=\"get\" action=\"/\">");
    s.push_str(&input(ctx, "since", "filter.since", "date", p.get("since")));
    s.push_str(&input(ctx, "until", "filter.until", "date", p.get("until")));
    let admin1: Vec<(String, String)> = ctx
        .app
        .basemap
        .admin1_areas()
        .iter()
        .map(|a| {
            let name = if lang == Lang::Ar {
                a.name_ar.clone()
            } else {
                a.admin1.clone()
            };
            (a.admin1.clone(), name)
        })
        .collect();
    s.push_str(&select(
        ctx,
        "admin1",
        "filter.admin1",
        &admin1,
        p.get("admin1"),
    ));
    let types: Vec<(String, String)> = hudna_core::IncidentType::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                l.incident_type(*t, lang).to_string(),
            )
        })
        .collect();
    s.push_str(&select(ctx, "type", "filter.type", &types, p.get("type")));
    s.push_str(&input(
        ctx,
        "perpetrator",
        "filter.perpetrator",
        "text",
        p.get("perpetrator"),
    ));
    let grades: Vec<(String, String)> = hudna_core::Grade::ALL
        .iter()
        .map(|g| {
            (
                g.as_str().to_string(),
                l.vocabulary("grade", g.as_str(), lang).to_string(),
            )
        })
        .collect();
    s.push_str(&select(
        ctx,
        "grade",
        "filter.grade",
        &grades,
        p.get("grade"),
    ));
    let rules: Vec<(String, String)> = hudna_truce::Rule::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.vocabulary("rule", r.as_str(), lang).to_string(),
            )
        })
        .collect();
    s.push_str(&select(ctx, "rule", "filter.rule", &rules, p.get("rule")));
    s.push_str(&input(ctx, "bbox", "filter.bbox", "text", p.get("bbox")));
    s.push_str("<button type=\"submit\">");
    push_esc(&mut s, &ctx.t("filter.apply"));
    s.push_str("</button> <a href=\"/\">");
    push_esc(&mut s, &ctx.t("filter.reset"));
    s.push_str("</a></form></section>");
    s
}

fn incident_rows(ctx: &Ctx, items: &[(IncidentRecord, String)]) -> String {
    let l = ctx.labels();
    let lang = ctx.lang;
    let mut s = String::from("<table id=\"incident-list\"><thead><tr>");
    for k in [
        "field.date",
        "field.type",
        "field.place",
        "field.admin1",
        "field.perpetrator",
        "field.killed",
        "field.grade",
    ] {
        s.push_str("<th>");
        push_esc(&mut s, &ctx.t(k));
        s.push_str("</th>");
    }
    s.push_str("</tr></thead><tbody>");
    for (i, _) in items {
        s.push_str(&format!(
            "<tr data-incident=\"{}\"><td><a href=\"/incidents/{}\">",
            i.id, i.id
        ));
        match i.date {
            Some(d) => s.push_str(&d.format("%Y-%m-%d").to_string()),
            None => push_esc(&mut s, &ctx.t("incident.date_unknown")),
        }
        s.push_str("</a></td><td>");
        push_esc(&mut s, l.incident_type(i.kind, lang));
        s.push_str("</td><td>");
        push_esc(&mut s, i.place.as_deref().unwrap_or(""));
        s.push_str("</td><td>");
        let admin1 = i
            .admin1
            .as_deref()
            .map(|a| {
                ctx.app
                    .basemap
                    .admin1_name(a, lang)
                    .unwrap_or(a)
                    .to_string()
            })
            .unwrap_or_default();
        push_esc(&mut s, &admin1);
        s.push_str("</td><td>");
        push_esc(&mut s, &i.perpetrator);
        s.push_str("</td><td>");
        if let Some(k) = i.killed {
            s.push_str(&k.to_string());
        }
        s.push_str("</td><td>");
        push_esc(&mut s, l.vocabulary("grade", i.grade.as_str(), lang));
        s.push_str("</td></tr>");
    }
    s.push_str("</tbody></table>");
    s
}

const MAP_MARKERS: usize = 20_000;

async fn overview(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, p) = match Ctx::for_page(
        app.clone(),
        who,
        &headers,
        q.as_deref(),
        OVERVIEW_PARAMS,
        path_with_query("/", q.as_deref()),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    match overview_body(&ctx, &p).await {
        Ok(body) => ctx.render(StatusCode::OK, &ctx.t("nav.home"), &body),
        Err(e) => ctx.error(&e),
    }
}

fn path_with_query(path: &str, q: Option<&str>) -> String {
    match q {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

async fn overview_body(ctx: &Ctx, p: &Params) -> Result<String, ApiError> {
    let filters = IncidentFilters::from_params(p, ctx.app.basemap, &ctx.app.config.actors)?;
    let after = p
        .get("cursor")
        .map(|c| {
            hudna_store::Cursor::decode(c).ok_or_else(|| {
                ApiError::bad_field("cursor", "cursor is not one this server gave out")
            })
        })
        .transpose()?;
    let scope = ctx.who.caller.read_scope();
    let mut list_q = filters.to_query(scope, 100);
    list_q.after = after;
    let mut map_q = filters.to_query(scope, MAP_MARKERS);
    let rule = filters.rule;
    let app2 = ctx.app.clone();
    let caller = ctx.who.caller;
    let (page, markers, days, classes, notifications, truces) = ctx
        .app
        .db
        .run(move |s| {
            let truces = crate::visible::truces_for(s, &app2, &caller)?;
            let hidden = crate::visible::hidden_terms(s, &app2, &caller)?;
            let mut empty = false;
            if let Some(rule) = rule {
                match rule_condition(s, rule, &hidden)? {
                    Some(extra) => {
                        list_q.extra = Some(extra.clone());
                        map_q.extra = Some(extra);
                    }
                    None => empty = true,
                }
            }
            if empty {
                return Ok((
                    hudna_store::IncidentPage {
                        items: vec![],
                        next: None,
                    },
                    vec![],
                    vec![],
                    HashMap::new(),
                    s.notifications(scope)?,
                    truces,
                ));
            }
            let page = s.incident_page(&list_q)?;
            let mut located = map_q.clone();
            located.bbox = located.bbox.or(Some([-180.0, -90.0, 180.0, 90.0]));
            let markers = s.incident_page(&located)?.items;
            let days = s.incidents_per_day(&map_q)?;
            let ids: Vec<i64> = markers.iter().map(|(i, _)| i.public_id).collect();
            let classes = finding_classes(s, &ids, &hidden)?;
            Ok((
                page,
                markers,
                days,
                classes,
                s.notifications(scope)?,
                truces,
            ))
        })
        .await?;
    let l = ctx.labels();
    let lang = ctx.lang;
    let mut layers = Layers::default();
    truce_layers(&truces, lang, &mut layers);
    site_layers(&notifications, &mut layers);
    for (i, _) in &markers {
        if let (Some(lat), Some(lon)) = (i.lat, i.lon) {
            layers.incidents.push(IncidentMarker {
                id: i.public_id.to_string(),
                at: geo::Point::new(lon, lat),
                finding: classes.get(&i.public_id).copied().unwrap_or_default(),
                title: marker_title(l, lang, i),
            });
        }
    }
    let bounds = match filters.bbox {
        Some([w, s, e, n]) => {
            geo::Rect::new(geo::coord! { x: w, y: s }, geo::coord! { x: e, y: n })
        }
        None => ctx.app.basemap.bounds(),
    };
    let view = Viewport::fit(bounds, 1000.0, 760.0, Projection::WebMercator)
        .map_err(|e| ApiError::bad_field("bbox", e.to_string()))?;
    let opts = RenderOptions {
        embed_css: false,
        ..RenderOptions::default()
    };
    let map = hudna_map::render(ctx.app.basemap, l, &layers, &view, lang, &opts);

    // Links that keep the filters.
    let mut base = String::new();
    for (k, v) in p.pairs() {
        if k != "cursor" && k != "since" && k != "until" && !v.trim().is_empty() {
            base.push_str(&format!("{}={}&amp;", url_value(k), esc(&url_value(v))));
        }
    }
    let mut body = String::new();
    body.push_str("<h1>");
    push_esc(&mut body, &ctx.t("app.tagline"));
    body.push_str("</h1>");
    if ctx.who.caller == Caller::Anonymous {
        body.push_str("<p class=\"notice\">");
        push_esc(&mut body, &ctx.t("auth.public_view"));
        body.push_str("</p>");
    }
    body.push_str(&filter_form(ctx, p));
    body.push_str("<div class=\"grid\"><section class=\"card map-wrap\" id=\"map\"><h2>");
    push_esc(&mut body, &ctx.t("nav.map"));
    body.push_str("</h2>");
    body.push_str(&map.svg);
    body.push_str("<p class=\"muted\">");
    push_esc(
        &mut body,
        &l.format(
            "map.incidents_shown",
            lang,
            &[("count", &map.incidents_drawn.to_string())],
        ),
    );
    body.push_str("</p></section><div>");
    body.push_str(&timeline_svg(ctx, &days, &base));
    body.push_str("<section class=\"card\"><h2>");
    push_esc(&mut body, &ctx.t("nav.incidents"));
    body.push_str("</h2>");
    body.push_str(&incident_rows(ctx, &page.items));
    if let Some(next) = page.next {
        let mut link = String::from("/?");
        for (k, v) in p.pairs() {
            if k != "cursor" && !v.trim().is_empty() {
                link.push_str(&format!("{}={}&", url_value(k), url_value(v)));
            }
        }
        link.push_str(&format!("cursor={}", next.encode()));
        body.push_str("<p><a rel=\"next\" href=\"");
        push_esc(&mut body, &link);
        body.push_str("\">");
        push_esc(&mut body, &ctx.t("action.next"));
        body.push_str("</a></p>");
    }
    body.push_str("</section></div></div>");
    Ok(body)
}

// --- one incident --------------------------------------------------------------------

async fn incident_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, _) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang"],
        format!("/incidents/{}", url_value(&id)),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    match incident_body(&ctx, &id).await {
        Ok((title, body)) => ctx.render(StatusCode::OK, &title, &body),
        Err(e) => ctx.error(&e),
    }
}

/// Writes one finding (a JSON object from [`incident_findings`]) as HTML.
fn finding_html(ctx: &Ctx, f: &Value) -> String {
    let l = ctx.labels();
    let lang = ctx.lang;
    let rule = f["rule"].as_str().unwrap_or("");
    let severity = f["severity"].as_str().unwrap_or("");
    let mut s = format!(
        "<div class=\"finding {}\" data-rule=\"{}\"><strong>",
        esc(severity),
        esc(rule)
    );
    push_esc(&mut s, l.vocabulary("rule", rule, lang));
    s.push_str("</strong> · ");
    push_esc(&mut s, l.vocabulary("severity", severity, lang));
    if let Some(c) = f["confidence"].as_f64() {
        s.push_str(" · ");
        push_esc(&mut s, &ctx.t("field.confidence"));
        s.push_str(&format!(" {:.0}%", c * 100.0));
    }
    s.push_str("<br><span class=\"muted\">");
    push_esc(&mut s, &ctx.t("field.truce"));
    s.push_str(": ");
    push_esc(&mut s, f["truce_id"].as_str().unwrap_or(""));
    s.push_str(" · ");
    push_esc(&mut s, &ctx.t("field.term"));
    s.push_str(": ");
    push_esc(&mut s, f["term_id"].as_str().unwrap_or(""));
    s.push_str("</span>");
    if let Some(term) = f["proposal"]["term"].as_str() {
        s.push_str("<br><em class=\"proposal\">");
        push_esc(
            &mut s,
            &l.format("finding.under_proposal", lang, &[("term", term)]),
        );
        if let Some(effect) = f["proposal"]["effect"].as_str() {
            s.push_str(" · ");
            push_esc(&mut s, l.vocabulary("effect", effect, lang));
        }
        s.push_str("</em>");
    }
    s.push_str(&explanation_html(
        ctx,
        f["explanation"].as_str().unwrap_or(""),
        f["explanation_ar"].as_str().unwrap_or(""),
    ));
    s.push_str("</div>");
    s
}

/// A finding's explanation in the page's language. The compliance engine writes it in
/// English and in Arabic from the same facts; findings stored before it wrote Arabic have only
/// the English, which an Arabic page shows marked as English, left to right.
fn explanation_html(ctx: &Ctx, english: &str, arabic: &str) -> String {
    let mut s = String::from("<p class=\"explanation\">");
    if ctx.lang == Lang::Ar && !arabic.is_empty() {
        s.push_str("<span lang=\"ar\" dir=\"rtl\">");
        push_esc(&mut s, arabic);
    } else {
        if ctx.lang != Lang::En {
            s.push_str("<span class=\"muted\">");
            push_esc(&mut s, &ctx.t("finding.explanation_english"));
            s.push_str("</span> ");
        }
        s.push_str("<span lang=\"en\" dir=\"ltr\">");
        push_esc(&mut s, english);
    }
    s.push_str("</span></p>");
    s
}

async fn incident_body(ctx: &Ctx, id_text: &str) -> Result<(String, String), ApiError> {
    let id: i64 = id_text
        .parse()
        .map_err(|_| ApiError::not_found("incident"))?;
    let scope = ctx.who.caller.read_scope();
    let app2 = ctx.app.clone();
    let caller = ctx.who.caller;
    let (incident, vis, sources, findings, orgs) = ctx
        .app
        .db
        .run(move |s| {
            let Some((i, v)) = s.incident_visible(id, scope)? else {
                return Err(ApiError::not_found("incident"));
            };
            let sources = s.incident_sources(i.id, true)?;
            let hidden = crate::visible::hidden_terms(s, &app2, &caller)?;
            let findings = incident_findings(s, i.public_id, &hidden)?;
            Ok((i, v, sources, findings, s.organisations()?))
        })
        .await?;
    let l = ctx.labels();
    let lang = ctx.lang;
    let title = l.format(
        "incident.heading",
        lang,
        &[("id", &incident.id.to_string())],
    );
    let mut b = String::new();
    b.push_str("<h1 id=\"incident-heading\">");
    push_esc(&mut b, &title);
    b.push_str("</h1><div class=\"grid\"><div><section class=\"card\"><dl class=\"facts\">");
    let mut fact = |key: &str, value: String| {
        b.push_str("<dt>");
        push_esc(&mut b, &ctx.t(key));
        b.push_str("</dt><dd>");
        push_esc(&mut b, &value);
        b.push_str("</dd>");
    };
    fact(
        "field.date",
        incident
            .date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| ctx.t("incident.date_unknown")),
    );
    fact(
        "field.type",
        l.incident_type(incident.kind, lang).to_string(),
    );
    fact("field.place", incident.place.clone().unwrap_or_default());
    if let Some(a) = &incident.admin1 {
        fact(
            "field.admin1",
            ctx.app
                .basemap
                .admin1_name(a, lang)
                .unwrap_or(a)
                .to_string(),
        );
    }
    if let (Some(lat), Some(lon)) = (incident.lat, incident.lon) {
        fact("field.coordinates", format!("{lat:.5}, {lon:.5}"));
    }
    if let Some(p) = incident.geo_precision {
        fact("field.geo_precision", l.geo_precision(p, lang).to_string());
    }
    fact("field.perpetrator", incident.perpetrator.clone());
    fact("field.target", l.target(incident.target, lang).to_string());
    if let Some(k) = incident.killed {
        fact("field.killed", k.to_string());
    }
    if let Some(k) = incident.injured {
        fact("field.injured", k.to_string());
    }
    fact(
        "field.grade",
        l.vocabulary("grade", incident.grade.as_str(), lang)
            .to_string(),
    );
    fact(
        "field.contested",
        ctx.t(if incident.contested {
            "common.yes"
        } else {
            "common.no"
        }),
    );
    fact("field.visibility", visibility_text(ctx, &vis, &orgs));
    b.push_str("</dl><p>");
    push_esc(
        &mut b,
        &l.format(
            "incident.sources_count",
            lang,
            &[("count", &incident.sources.to_string())],
        ),
    );
    b.push_str("</p></section><section class=\"card\" id=\"findings\"><h2>");
    push_esc(&mut b, &ctx.t("field.findings"));
    b.push_str("</h2>");
    if findings.is_empty() {
        b.push_str("<p>");
        push_esc(&mut b, &ctx.t("incident.no_findings"));
        b.push_str("</p>");
    }
    for f in &findings {
        b.push_str(&finding_html(ctx, f));
    }
    b.push_str("</section></div><section class=\"card map-wrap\">");
    if let (Some(lat), Some(lon)) = (incident.lat, incident.lon) {
        let layers = Layers {
            incidents: vec![IncidentMarker {
                id: incident.public_id.to_string(),
                at: geo::Point::new(lon, lat),
                finding: findings
                    .iter()
                    .filter(|f| f["proposal"].is_null())
                    .filter_map(|f| f["severity"].as_str().and_then(FindingClass::parse))
                    .max()
                    .unwrap_or_default(),
                title: marker_title(l, lang, &incident),
            }],
            ..Layers::default()
        };
        let r = 0.6;
        let bounds = geo::Rect::new(
            geo::coord! { x: lon - r, y: lat - r },
            geo::coord! { x: lon + r, y: lat + r },
        );
        if let Ok(view) = Viewport::fit(bounds, 600.0, 450.0, Projection::WebMercator) {
            let opts = RenderOptions {
                id: "incident-map".into(),
                embed_css: false,
                legend: false,
                ..RenderOptions::default()
            };
            b.push_str(&hudna_map::render(ctx.app.basemap, l, &layers, &view, lang, &opts).svg);
        }
    }
    b.push_str("</section></div><section class=\"card\" id=\"sources\"><h2>");
    push_esc(&mut b, &ctx.t("field.sources"));
    b.push_str("</h2><p class=\"muted\">");
    push_esc(&mut b, &ctx.t("incident.evidence_note"));
    b.push_str("</p>");
    for src in &sources {
        b.push_str(&format!(
            "<article class=\"source\" data-mention=\"{}\"><h3>",
            src.mention_id
        ));
        let heading = src
            .title
            .clone()
            .or_else(|| src.external_id.clone())
            .or_else(|| src.source_ref.clone())
            .unwrap_or_else(|| src.mention_id.to_string());
        match src.article_id {
            Some(a) => {
                b.push_str(&format!("<a href=\"/articles/{a}\">"));
                push_esc(&mut b, &heading);
                b.push_str("</a>");
            }
            None => push_esc(&mut b, &heading),
        }
        b.push_str("</h3><p class=\"muted\">");
        let mut meta: Vec<String> = Vec::new();
        if let Some(o) = &src.outlet {
            meta.push(format!("{}: {o}", ctx.t("field.outlet")));
        }
        if let Some(d) = src.published {
            meta.push(format!(
                "{}: {}",
                ctx.t("field.published"),
                d.format("%Y-%m-%d")
            ));
        }
        meta.push(format!(
            "{}: {}",
            ctx.t("field.perpetrator"),
            src.perpetrator
        ));
        if let Some(c) = src.syndicated_from {
            meta.push(l.format("incident.republished", lang, &[("article", &c.to_string())]));
        }
        if let Some(n) = &src.source_note {
            meta.push(n.clone());
        }
        push_esc(&mut b, &meta.join(" · "));
        if let Some(u) = &src.url {
            if u.starts_with("https://") || u.starts_with("http://") {
                b.push_str(" · <a rel=\"noopener noreferrer\" href=\"");
                push_esc(&mut b, u);
                b.push_str("\">");
                push_esc(&mut b, &ctx.t("field.url"));
                b.push_str("</a>");
            }
        }
        b.push_str("</p>");
        if let Some(text) = &src.text {
            b.push_str("<div class=\"source-text\" dir=\"auto\">");
            b.push_str(&highlighted(text, &src.evidence));
            b.push_str("</div>");
        }
        b.push_str("</article>");
    }
    b.push_str("</section><p><a href=\"/\">");
    push_esc(&mut b, &ctx.t("action.back"));
    b.push_str("</a></p>");
    Ok((title, b))
}

// --- one article ---------------------------------------------------------------------

async fn article_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, _) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang"],
        format!("/articles/{}", url_value(&id)),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let scope = ctx.who.caller.read_scope();
    let Ok(id) = id.parse::<i64>() else {
        return ctx.error(&ApiError::not_found("article"));
    };
    let article = match ctx
        .app
        .db
        .run(move |s| {
            s.article_visible(id, scope)?
                .ok_or_else(|| ApiError::not_found("article"))
        })
        .await
    {
        Ok(a) => a,
        Err(e) => return ctx.error(&e),
    };
    let spans: Vec<[usize; 2]> = article
        .mentions
        .iter()
        .flat_map(|m| m.evidence.iter().copied())
        .collect();
    let title = article
        .title
        .clone()
        .or_else(|| article.external_id.clone())
        .unwrap_or_else(|| ctx.t("field.article"));
    let mut b = String::from("<h1>");
    push_esc(&mut b, &title);
    b.push_str("</h1><p class=\"muted\">");
    let mut meta = Vec::new();
    if let Some(o) = &article.outlet {
        meta.push(format!("{}: {o}", ctx.t("field.outlet")));
    }
    if let Some(d) = article.published {
        meta.push(format!(
            "{}: {}",
            ctx.t("field.published"),
            d.format("%Y-%m-%d")
        ));
    }
    push_esc(&mut b, &meta.join(" · "));
    b.push_str("</p><p class=\"muted\">");
    push_esc(&mut b, &ctx.t("incident.evidence_note"));
    b.push_str("</p><div class=\"card source-text\" dir=\"auto\">");
    b.push_str(&highlighted(&article.text, &spans));
    b.push_str("</div><h2>");
    push_esc(&mut b, &ctx.t("nav.incidents"));
    b.push_str("</h2><ul>");
    for m in &article.mentions {
        b.push_str("<li>");
        let text = format!(
            "{} · {} · {}",
            m.date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            ctx.labels().vocabulary("incident_type", &m.kind, ctx.lang),
            m.place.clone().unwrap_or_default()
        );
        match m.incident_id {
            Some(i) => {
                b.push_str(&format!("<a href=\"/incidents/{i}\">"));
                push_esc(&mut b, &text);
                b.push_str("</a>");
            }
            None => push_esc(&mut b, &text),
        }
        b.push_str("</li>");
    }
    b.push_str("</ul>");
    ctx.render(StatusCode::OK, &title, &b)
}

// --- notifications -------------------------------------------------------------------

fn form_fields(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn notifications_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, params) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang", "filed"],
        "/notifications".into(),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let filed = params.get("filed").map(str::to_string);
    notifications_render(&ctx, StatusCode::OK, None, filed.as_deref()).await
}

async fn notifications_render(
    ctx: &Ctx,
    status: StatusCode,
    problem: Option<&ApiError>,
    filed: Option<&str>,
) -> Response {
    let scope = ctx.who.caller.read_scope();
    let (list, orgs) = match ctx
        .app
        .db
        .run(move |s| Ok((s.notifications(scope)?, s.organisations()?)))
        .await
    {
        Ok(l) => l,
        Err(e) => return ctx.error(&e),
    };
    let mut b = String::from("<h1>");
    push_esc(&mut b, &ctx.t("nav.notifications"));
    b.push_str("</h1>");
    if let Some(id) = filed {
        b.push_str("<p class=\"notice\" id=\"filed\">");
        push_esc(&mut b, &format!("{} {id}", ctx.t("notification.site")));
        b.push_str("</p>");
    }
    if let Some(e) = problem {
        b.push_str("<div class=\"error\" role=\"alert\">");
        b.push_str(&ctx.problem_html(e));
        b.push_str("</div>");
    }
    b.push_str("<table id=\"notification-list\"><thead><tr>");
    for k in [
        "field.id",
        "field.kind",
        "field.name",
        "field.notified_parties",
        "field.window",
        "field.status",
        "field.visibility",
    ] {
        b.push_str("<th>");
        push_esc(&mut b, &ctx.t(k));
        b.push_str("</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for n in &list {
        let kind_key = if n.kind == "site" {
            "notification.site"
        } else {
            "notification.movement"
        };
        let parties: Vec<String> = n
            .parties
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        format!(
                            "{} ({})",
                            p["party"].as_str().unwrap_or(""),
                            p["at"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        b.push_str(&format!(
            "<tr data-notification=\"{}\"><td>{}</td><td>",
            n.id, n.id
        ));
        push_esc(&mut b, &ctx.t(kind_key));
        b.push_str("</td><td>");
        push_esc(&mut b, &n.name);
        b.push_str("</td><td>");
        push_esc(&mut b, &parties.join(", "));
        b.push_str("</td><td>");
        push_esc(
            &mut b,
            &format!(
                "{} – {}",
                n.valid_from.as_deref().unwrap_or(""),
                n.valid_until.as_deref().unwrap_or("")
            ),
        );
        b.push_str("</td><td>");
        push_esc(
            &mut b,
            ctx.labels()
                .vocabulary("notification_status", &n.status, ctx.lang),
        );
        b.push_str("</td><td>");
        push_esc(&mut b, &visibility_text(ctx, &n.visibility, &orgs));
        b.push_str("</td></tr>");
    }
    b.push_str("</tbody></table>");
    if ctx.shell.as_ref().is_some_and(|u| u.humanitarian) {
        let csrf = ctx.who.csrf_token(&ctx.app);
        b.push_str("<section class=\"card\"><h2>");
        push_esc(&mut b, &ctx.t("notification.site"));
        b.push_str("</h2><form class=\"filters\" method=\"post\" action=\"/notifications\" id=\"file-site\"><input type=\"hidden\" name=\"csrf\" value=\"");
        push_esc(&mut b, &csrf);
        b.push_str("\">");
        b.push_str(&input(ctx, "name", "field.name", "text", None));
        let facilities: Vec<(String, String)> =
            ["hospital", "school", "warehouse", "camp", "other"]
                .iter()
                .map(|f| {
                    (
                        f.to_string(),
                        ctx.labels()
                            .vocabulary("site_kind", f, ctx.lang)
                            .to_string(),
                    )
                })
                .collect();
        b.push_str(&select(ctx, "facility", "field.kind", &facilities, None));
        b.push_str(&input(ctx, "lat", "field.coordinates", "text", None));
        b.push_str(&input(ctx, "lon", "field.coordinates", "text", None));
        b.push_str(&input(
            ctx,
            "radius_km",
            "field.radius_km",
            "text",
            Some("0.5"),
        ));
        b.push_str(&input(
            ctx,
            "parties",
            "field.notified_parties",
            "text",
            None,
        ));
        b.push_str(&input(
            ctx,
            "notified_at",
            "field.notified_at",
            "date",
            None,
        ));
        b.push_str("<button type=\"submit\">");
        push_esc(&mut b, &ctx.t("action.create"));
        b.push_str("</button></form></section>");
    }
    ctx.render(status, &ctx.t("nav.notifications"), &b)
}

async fn notifications_form(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::default();
    let ctx = Ctx::new(
        app.clone(),
        who.clone(),
        &headers,
        &params,
        "/notifications".into(),
    )
    .await;
    let f = form_fields(&body);
    if let Err(e) = check_csrf(&app, &who, f.get("csrf").map(String::as_str)) {
        return ctx.error(&e);
    }
    let num = |k: &str| -> Result<f64, ApiError> {
        f.get(k)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .ok_or_else(|| ApiError::invalid(k, format!("{k} must be a number")))
    };
    let built = (|| -> Result<crate::api::NewNotificationBody, ApiError> {
        let at = f.get("notified_at").cloned().unwrap_or_default();
        let parties = f
            .get("parties")
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| crate::api::PartyBody {
                        party: s.to_string(),
                        at: at.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(crate::api::NewNotificationBody {
            kind: "site".into(),
            name: f.get("name").cloned().unwrap_or_default(),
            facility: f.get("facility").cloned().filter(|s| !s.is_empty()),
            geometry: serde_json::json!({ "type": "Point", "coordinates": [num("lon")?, num("lat")?] }),
            radius_km: Some(num("radius_km")?),
            corridor_km: None,
            valid_from: None,
            valid_until: None,
            parties,
            truce_id: None,
            org_id: None,
            visibility: None,
        })
    })();
    let result = match built {
        Ok(body) => crate::api::file_notification(&app, &who, body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((n, _)) => {
            let mut res = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("/notifications?filed={}", n.id)) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        Err(e) => {
            if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::FORBIDDEN {
                return ctx.error(&e);
            }
            notifications_render(&ctx, e.status, Some(&e), None).await
        }
    }
}

// --- signing in and out --------------------------------------------------------------

/// The cookie that binds the sign-in form to the browser that asked for it.
const LOGIN_COOKIE: &str = "hudna_login";

/// A fresh pre-session for the sign-in form: the `Set-Cookie` value of its cookie and the
/// form's token bound to it.
///
/// Signing in is a state change too: a forged cross-site `POST /login` would sign the
/// victim's browser in as the attacker, and whatever the victim then files (a notified
/// site, a token) would land in the attacker's account. There is no session yet to bind a
/// token to, so the form gets a pre-session of its own: a random id in a short-lived,
/// `HttpOnly`, `SameSite=Strict` cookie scoped to `/login`, and a hidden token that is the
/// server's HMAC of that id (the same construction as the session's tokens). Another site can
/// neither read the cookie nor forge a token for it; on top of that, [`same_origin`] refuses a
/// `POST` whose `Origin` (or `Referer`) names another site.
fn login_binding(app: &App) -> Option<(String, String)> {
    let pre = hudna_access::NewSession::generate().ok()?;
    let token = app.csrf.token(&pre.id).ok()?;
    let mut cookie = format!(
        "{LOGIN_COOKIE}={}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600",
        pre.id.as_str()
    );
    if app.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    Some((cookie, token))
}

/// Whether the request's `Origin` (or, without one, its `Referer`) is this server, as the
/// `Host` header names it. A request with neither (not sent by a current browser's form) is
/// left to the token.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    let Some(source) = text(header::ORIGIN).or_else(|| text(header::REFERER)) else {
        return true;
    };
    let authority = source
        .strip_prefix("http://")
        .or_else(|| source.strip_prefix("https://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match (authority, text(header::HOST)) {
        (Some(a), Some(host)) => !a.is_empty() && a.eq_ignore_ascii_case(host.trim()),
        _ => false,
    }
}

/// Whether a sign-in `POST` comes from this server's own form, in the browser it was given
/// to.
fn login_request_ok(app: &App, headers: &HeaderMap, token: Option<&str>) -> bool {
    let bound = cookie(headers, LOGIN_COOKIE)
        .and_then(|c| hudna_access::SessionId::parse(c).ok())
        .zip(token)
        .is_some_and(|(pre, t)| app.csrf.verify(&pre, t));
    bound && same_origin(headers)
}

fn login_form(ctx: &Ctx, problem: Option<&str>, next: &str, token: &str) -> String {
    let mut b = String::from("<h1>");
    push_esc(&mut b, &ctx.t("nav.login"));
    b.push_str("</h1>");
    if let Some(p) = problem {
        b.push_str("<div class=\"error\" role=\"alert\" id=\"login-error\">");
        push_esc(&mut b, p);
        b.push_str("</div>");
    }
    b.push_str("<form class=\"card\" method=\"post\" action=\"/login\" id=\"login-form\"><input type=\"hidden\" name=\"csrf\" value=\"");
    push_esc(&mut b, token);
    b.push_str("\"><input type=\"hidden\" name=\"next\" value=\"");
    push_esc(&mut b, next);
    b.push_str("\"><p><label>");
    push_esc(&mut b, &ctx.t("auth.username"));
    b.push_str("<br><input name=\"username\" id=\"username\" autocomplete=\"username\" required></label></p><p><label>");
    push_esc(&mut b, &ctx.t("auth.password"));
    b.push_str("<br><input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p><p><button type=\"submit\" id=\"login-submit\">");
    push_esc(&mut b, &ctx.t("auth.submit"));
    b.push_str("</button></p></form>");
    b
}

/// The sign-in page with a fresh pre-session (see [`login_binding`]).
fn login_response(ctx: &Ctx, status: StatusCode, problem: Option<&str>, next: &str) -> Response {
    let Some((cookie, token)) = login_binding(&ctx.app) else {
        return ctx.error(&ApiError::internal("no randomness for the sign-in form"));
    };
    let mut res = ctx.render(
        status,
        &ctx.t("nav.login"),
        &login_form(ctx, problem, next, &token),
    );
    if let Ok(c) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

async fn login_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, params) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang", "next"],
        "/login".into(),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let next = local_path(params.get("next"));
    login_response(&ctx, StatusCode::OK, None, &next)
}

async fn login_submit(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let f = form_fields(&body);
    let params = Params::default();
    let ctx = Ctx::new(
        app.clone(),
        Who::anonymous(),
        &headers,
        &params,
        "/login".into(),
    )
    .await;
    let next = local_path(f.get("next").map(String::as_str));
    if !login_request_ok(&app, &headers, f.get("csrf").map(String::as_str)) {
        return login_response(
            &ctx,
            StatusCode::FORBIDDEN,
            Some(&ctx.t("error.login_csrf")),
            &next,
        );
    }
    let username = f.get("username").cloned().unwrap_or_default();
    let password = f.get("password").cloned().unwrap_or_default();
    let ttl = app.config.session_seconds;
    let app2 = app.clone();
    let result = app
        .db
        .run(move |s| {
            let found = s.user_by_username(username.trim())?;
            let stored = found.as_ref().and_then(|(_, h)| h.as_deref());
            let ok = app2
                .passwords
                .verify_login(&password, stored)
                .map_err(ApiError::internal)?;
            match found {
                Some((user, _)) if ok && !user.disabled => {
                    Ok(Some(s.create_session(user.id, ttl)?))
                }
                _ => Ok(None),
            }
        })
        .await;
    match result {
        Ok(Some(session)) => {
            let mut res = StatusCode::SEE_OTHER.into_response();
            let cookie = hudna_access::session_cookie(
                &session,
                ttl.max(0) as u64,
                app.config.secure_cookies,
            );
            let done =
                format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
            if let (Ok(c), Ok(d), Ok(l)) = (
                HeaderValue::from_str(&cookie),
                HeaderValue::from_str(&done),
                HeaderValue::from_str(&next),
            ) {
                res.headers_mut().append(header::SET_COOKIE, c);
                res.headers_mut().append(header::SET_COOKIE, d);
                res.headers_mut().insert(header::LOCATION, l);
            }
            res
        }
        Ok(None) => login_response(
            &ctx,
            StatusCode::UNAUTHORIZED,
            Some(&ctx.t("error.login_failed")),
            &next,
        ),
        Err(e) => ctx.error(&e),
    }
}

async fn logout(State(app): State<App>, who: Who, headers: HeaderMap, body: Bytes) -> Response {
    let f = form_fields(&body);
    if let Err(e) = check_csrf(&app, &who, f.get("csrf").map(String::as_str)) {
        let params = Params::default();
        let ctx = Ctx::new(app, who, &headers, &params, "/".into()).await;
        return ctx.error(&e);
    }
    if let Some(session) = who.session.clone() {
        let _ = app.db.run(move |s| Ok(s.end_session(&session)?)).await;
    }
    let mut res = StatusCode::SEE_OTHER.into_response();
    let clear = hudna_access::clear_session_cookie(app.config.secure_cookies);
    if let Ok(c) = HeaderValue::from_str(&clear) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    res.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static("/"));
    res
}

async fn switch_lang(RawQuery(q): RawQuery) -> Response {
    let p = match Params::parse(q.as_deref(), &["to", "back"]) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let lang: Lang = match p.get("to").map(str::parse) {
        Some(Ok(l)) => l,
        _ => return ApiError::bad_field("to", "to must be en or ar").into_response(),
    };
    let back = local_path(p.get("back"));
    let mut res = StatusCode::SEE_OTHER.into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let (Ok(c), Ok(l)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(&back)) {
        res.headers_mut().insert(header::SET_COOKIE, c);
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}

// --- the audit log -------------------------------------------------------------------

async fn audit_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, _) =
        match Ctx::for_page(app, who, &headers, q.as_deref(), &["lang"], "/audit".into()).await {
            Ok(page) => page,
            Err(refused) => return refused,
        };
    if ctx.who.user.is_none() {
        return ctx.error(&ApiError::new(StatusCode::UNAUTHORIZED, "sign in", None));
    }
    let caller = ctx.who.caller;
    let rows = match ctx
        .app
        .db
        .run(move |s| {
            // The newest 200 the caller may see, newest first.
            let total = s.audit_entries(None, usize::MAX)?;
            let mut newest = Vec::with_capacity(200);
            for chunk in total.rchunks(500) {
                let visible = crate::visible::audit_visible(s, &caller, chunk.to_vec())?;
                newest.extend(visible.into_iter().rev());
                if newest.len() >= 200 {
                    break;
                }
            }
            newest.truncate(200);
            Ok(newest)
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let mut b = String::from("<h1>");
    push_esc(&mut b, &ctx.t("nav.audit_log"));
    b.push_str("</h1><table id=\"audit\"><thead><tr><th>#</th>");
    for k in ["audit.when", "audit.who", "audit.what", "audit.hash"] {
        b.push_str("<th>");
        push_esc(&mut b, &ctx.t(k));
        b.push_str("</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for r in &rows {
        b.push_str(&format!(
            "<tr data-action=\"{}\" data-kind=\"{}\"><td>{}</td><td>",
            esc(&r.action),
            esc(&r.record_kind),
            r.seq
        ));
        push_esc(&mut b, &r.at);
        b.push_str("</td><td>");
        push_esc(&mut b, &audit_actor(&ctx, &r.actor));
        b.push_str("</td><td>");
        let l = ctx.labels();
        push_esc(
            &mut b,
            &format!(
                "{} · {} ",
                l.vocabulary("audit.action", &r.action, ctx.lang),
                l.vocabulary("audit.kind", &r.record_kind, ctx.lang)
            ),
        );
        b.push_str("<bdi>");
        push_esc(&mut b, &r.record_id);
        b.push_str("</bdi></td><td><code>");
        push_esc(&mut b, &r.hash[..16.min(r.hash.len())]);
        b.push_str("…</code></td></tr>");
    }
    b.push_str("</tbody></table>");
    ctx.render(StatusCode::OK, &ctx.t("nav.audit_log"), &b)
}

/// Who made a change, in the page's words: an account by its number, the command line with
/// the name it ran under, or hudna itself (ingestion, checks).
fn audit_actor(ctx: &Ctx, actor: &str) -> String {
    let l = ctx.labels();
    if let Some(id) = actor.strip_prefix("user:") {
        l.format("audit.actor.user", ctx.lang, &[("id", id)])
    } else if let Some(name) = actor.strip_prefix("cli:") {
        l.format("audit.actor.cli", ctx.lang, &[("name", name)])
    } else if actor == "system" {
        ctx.t("audit.actor.system")
    } else {
        actor.to_string()
    }
}

// --- static files --------------------------------------------------------------------

fn asset(kind: &'static str, body: &'static str) -> Response {
    let mut res = (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response();
    secure_headers(&mut res);
    res
}

async fn map_js() -> Response {
    asset("text/javascript; charset=utf-8", hudna_map::MAP_JS)
}

async fn map_css() -> Response {
    asset("text/css; charset=utf-8", hudna_map::MAP_CSS)
}

async fn hudna_css() -> Response {
    asset("text/css; charset=utf-8", DASHBOARD_CSS)
}

// --- truces and findings -------------------------------------------------------------

/// `/truces`: the stored truces.
pub async fn truces_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, _) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang"],
        "/truces".into(),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let app2 = ctx.app.clone();
    let caller = ctx.who.caller;
    let list = match ctx
        .app
        .db
        .run(move |s| crate::visible::truce_list_for(s, &app2, &caller))
        .await
    {
        Ok(l) => l,
        Err(e) => return ctx.error(&e),
    };
    let mut b = String::from("<h1>");
    push_esc(&mut b, &ctx.t("nav.truces"));
    b.push_str("</h1><table id=\"truce-list\"><thead><tr>");
    for k in ["field.name", "truce.version", "field.findings"] {
        b.push_str("<th>");
        push_esc(&mut b, &ctx.t(k));
        b.push_str("</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for t in &list {
        let name = if ctx.lang == Lang::Ar {
            &t.name_ar
        } else {
            &t.name_en
        };
        b.push_str(&format!(
            "<tr><td><a href=\"/truces/{}\">",
            url_value(&t.id)
        ));
        push_esc(&mut b, name);
        b.push_str(&format!(
            "</a></td><td>{}</td><td><a href=\"/findings?truce={}\">{}</a></td></tr>",
            t.current_version,
            url_value(&t.id),
            t.findings
        ));
    }
    b.push_str("</tbody></table>");
    ctx.render(StatusCode::OK, &ctx.t("nav.truces"), &b)
}

fn window_text(w: &hudna_truce::Window, ctx: &Ctx) -> String {
    let f = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string())
    };
    match (f(w.from), f(w.until)) {
        (None, None) => ctx.t("truce.open_ended"),
        (a, b) => format!(
            "{} – {}",
            a.unwrap_or_default(),
            b.unwrap_or_else(|| ctx.t("truce.open_ended"))
        ),
    }
}

/// `/truces/{id}`: a truce's terms and its map.
pub async fn truce_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, _) = match Ctx::for_page(
        app.clone(),
        who,
        &headers,
        q.as_deref(),
        &["lang"],
        format!("/truces/{}", url_value(&id)),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let app2 = app.clone();
    let caller = ctx.who.caller;
    let got = app
        .db
        .run(move |s| {
            crate::visible::truce_for(s, &app2, &id, &caller)?
                .ok_or_else(|| ApiError::not_found("truce"))
        })
        .await;
    let (v, t, _versions) = match got {
        Ok(x) => x,
        Err(e) => return ctx.error(&e),
    };
    let l = ctx.labels();
    let lang = ctx.lang;
    let title = if lang == Lang::Ar {
        t.name.ar.clone()
    } else {
        t.name.en.clone()
    };
    let mut b = String::from("<h1 id=\"truce-heading\">");
    push_esc(&mut b, &title);
    b.push_str("</h1><p class=\"muted\">");
    push_esc(
        &mut b,
        &format!(
            "{} {} · {}: {}",
            ctx.t("truce.version"),
            v.version,
            ctx.t("truce.source"),
            t.source.title
        ),
    );
    b.push_str("</p><div class=\"grid\"><div>");
    // Periods.
    b.push_str("<section class=\"card\"><h2>");
    push_esc(&mut b, &ctx.t("truce.period"));
    b.push_str("</h2><ul>");
    for p in &t.periods {
        b.push_str("<li>");
        push_esc(
            &mut b,
            &format!("{}: {}", p.id, window_text(&p.window, &ctx)),
        );
        b.push_str("</li>");
    }
    b.push_str("</ul><h2>");
    push_esc(&mut b, &ctx.t("truce.parties"));
    b.push_str("</h2><ul>");
    for p in &t.parties {
        b.push_str("<li>");
        push_esc(
            &mut b,
            &format!(
                "{} · {} {}",
                p.actor,
                ctx.t("truce.accepted_on"),
                p.accepted.format("%Y-%m-%d %H:%M %:z")
            ),
        );
        b.push_str("</li>");
    }
    b.push_str("</ul></section>");
    // Terms.
    b.push_str("<section class=\"card\" id=\"terms\"><h2>");
    push_esc(&mut b, &ctx.t("map.terms"));
    b.push_str("</h2><table><thead><tr>");
    for k in ["field.term", "field.kind", "field.status", "field.name"] {
        b.push_str("<th>");
        push_esc(&mut b, &ctx.t(k));
        b.push_str("</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for d in &t.designations {
        b.push_str(&format!("<tr data-term=\"{}\"><td>", esc(&d.id)));
        push_esc(&mut b, &d.id);
        b.push_str("</td><td>");
        push_esc(&mut b, &ctx.t("truce.designations"));
        b.push_str("</td><td>");
        push_esc(&mut b, l.vocabulary("status", d.status.as_str(), lang));
        b.push_str("</td><td>");
        push_esc(
            &mut b,
            &format!(
                "{}{} · {} {}",
                d.actor,
                d.group
                    .as_deref()
                    .map(|g| format!(" ({g})"))
                    .unwrap_or_default(),
                ctx.t("truce.listed_by"),
                d.listed_by
            ),
        );
        b.push_str("</td></tr>");
    }
    for z in &t.zones {
        b.push_str(&format!("<tr data-term=\"{}\"><td>", esc(&z.id)));
        push_esc(&mut b, &z.id);
        b.push_str("</td><td>");
        push_esc(&mut b, l.vocabulary("zone_kind", z.kind.as_str(), lang));
        b.push_str("</td><td>");
        push_esc(&mut b, l.vocabulary("status", z.status.as_str(), lang));
        b.push_str("</td><td>");
        push_esc(&mut b, z.name.as_deref().unwrap_or(""));
        b.push_str("</td></tr>");
    }
    for n in &t.notifications {
        let key = match n.kind {
            hudna_truce::NotificationKind::Site(_) => "notification.site",
            hudna_truce::NotificationKind::Movement(_) => "notification.movement",
        };
        b.push_str(&format!("<tr data-term=\"{}\"><td>", esc(&n.id)));
        push_esc(&mut b, &n.id);
        b.push_str("</td><td>");
        push_esc(&mut b, &ctx.t(key));
        b.push_str("</td><td>");
        push_esc(&mut b, &window_text(&n.window, &ctx));
        b.push_str("</td><td>");
        let parties: Vec<String> = n
            .notified
            .iter()
            .map(|x| format!("{} ({})", x.party, x.at.format("%Y-%m-%d")))
            .collect();
        push_esc(
            &mut b,
            &format!(
                "{} · {} · {}: {}",
                n.name,
                n.organisation,
                ctx.t("field.notified_parties"),
                parties.join(", ")
            ),
        );
        b.push_str("</td></tr>");
    }
    b.push_str("</tbody></table></section></div><section class=\"card map-wrap\"><h2>");
    push_esc(&mut b, &ctx.t("nav.map"));
    b.push_str("</h2>");
    let mut layers = Layers::default();
    truce_layers(std::slice::from_ref(&t), lang, &mut layers);
    let bounds = layers.bounds().unwrap_or_else(|| ctx.app.basemap.bounds());
    if let Ok(view) = Viewport::fit(bounds, 700.0, 600.0, Projection::WebMercator) {
        let opts = RenderOptions {
            id: "truce-map".into(),
            embed_css: false,
            ..RenderOptions::default()
        };
        b.push_str(&hudna_map::render(ctx.app.basemap, l, &layers, &view, lang, &opts).svg);
    }
    b.push_str("</section></div>");
    ctx.render(StatusCode::OK, &title, &b)
}

/// `/findings`: findings of the incidents the caller may read, filtered like the API.
pub async fn findings_page(
    State(app): State<App>,
    who: Who,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (ctx, p) = match Ctx::for_page(
        app,
        who,
        &headers,
        q.as_deref(),
        &["lang", "truce", "rule", "severity", "proposals", "cursor"],
        path_with_query("/findings", q.as_deref()),
    )
    .await
    {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let fq = match crate::truces::FindingQuery::from_params(&p) {
        Ok(f) => f,
        Err(e) => return ctx.error(&e),
    };
    let offset = match crate::truces::offset(&p) {
        Ok(o) => o,
        Err(e) => return ctx.error(&e),
    };
    let scope = ctx.who.caller.read_scope();
    let app2 = ctx.app.clone();
    let caller = ctx.who.caller;
    let found = match ctx
        .app
        .db
        .run(move |s| {
            crate::visible::known_truce(s, fq.truce.as_deref())?;
            if !s.has_table("findings")? {
                return Ok(Vec::new());
            }
            let hidden = crate::visible::hidden_terms(s, &app2, &caller)?;
            Ok(s.findings_visible(
                scope,
                fq.truce.as_deref(),
                fq.rule.as_deref(),
                fq.severity.as_deref(),
                fq.incident,
                !fq.proposals,
                &hidden,
                201,
                offset,
            )?)
        })
        .await
    {
        Ok(f) => f,
        Err(e) => return ctx.error(&e),
    };
    let l = ctx.labels();
    let lang = ctx.lang;
    let mut b = String::from("<h1>");
    push_esc(&mut b, &ctx.t("nav.findings"));
    b.push_str(
        "</h1><section class=\"card\"><form class=\"filters\" method=\"get\" action=\"/findings\">",
    );
    let rules: Vec<(String, String)> = hudna_truce::Rule::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.vocabulary("rule", r.as_str(), lang).to_string(),
            )
        })
        .collect();
    b.push_str(&select(&ctx, "rule", "filter.rule", &rules, p.get("rule")));
    let sev: Vec<(String, String)> = ["grave", "serious", "review", "info"]
        .iter()
        .map(|s| (s.to_string(), l.vocabulary("severity", s, lang).to_string()))
        .collect();
    b.push_str(&select(
        &ctx,
        "severity",
        "filter.severity",
        &sev,
        p.get("severity"),
    ));
    b.push_str("<button type=\"submit\">");
    push_esc(&mut b, &ctx.t("filter.apply"));
    b.push_str("</button></form></section><table id=\"finding-list\"><thead><tr>");
    for k in [
        "field.id",
        "field.rule",
        "field.severity",
        "field.confidence",
        "field.term",
        "field.explanation",
    ] {
        b.push_str("<th>");
        push_esc(&mut b, &ctx.t(k));
        b.push_str("</th>");
    }
    b.push_str("</tr></thead><tbody>");
    for f in found.iter().take(200) {
        b.push_str(&format!(
            "<tr data-rule=\"{}\"><td><a href=\"/incidents/{}\">{}</a></td><td>",
            esc(&f.rule),
            f.incident,
            f.incident
        ));
        push_esc(&mut b, l.vocabulary("rule", &f.rule, lang));
        b.push_str("</td><td>");
        push_esc(&mut b, l.vocabulary("severity", &f.severity, lang));
        b.push_str(&format!("</td><td>{:.0}%</td><td>", f.confidence * 100.0));
        push_esc(&mut b, &f.term);
        if let Some(pr) = &f.proposal {
            b.push_str(" <em>");
            push_esc(
                &mut b,
                &l.format("finding.under_proposal", lang, &[("term", &pr.term)]),
            );
            b.push_str("</em>");
        }
        b.push_str("</td><td>");
        b.push_str(&explanation_html(&ctx, &f.explanation, &f.explanation_ar));
        b.push_str("</td></tr>");
    }
    b.push_str("</tbody></table>");
    if found.len() > 200 {
        let mut link = String::from("/findings?");
        for (k, v) in p.pairs() {
            if k != "cursor" && !v.trim().is_empty() {
                link.push_str(&format!("{}={}&", url_value(k), url_value(v)));
            }
        }
        link.push_str(&format!("cursor=o{}", offset + 200));
        b.push_str("<p><a rel=\"next\" href=\"");
        push_esc(&mut b, &link);
        b.push_str("\">");
        push_esc(&mut b, &ctx.t("action.next"));
        b.push_str("</a></p>");
    }
    ctx.render(StatusCode::OK, &ctx.t("nav.findings"), &b)
}
