//! The OpenAPI 3 document of the API, served at `/api/v1/openapi.json`.
//!
//! Written out by hand beside the handlers (the API is small, and a derive-based generator
//! would add a dependency tree for little gain). The integration tests keep it honest: every
//! path and method it lists is answered by the router, every query parameter it lists is
//! accepted and every other refused, and schemathesis (in `scripts/load-test.sh`) fuzzes the
//! server from it looking for 5xx answers.

use serde_json::{json, Value};

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn id_param(what: &str) -> Value {
    json!({ "name": "id", "in": "path", "required": true,
            "description": format!("The {what}'s id (a whole number, written as a string)."),
            "schema": { "type": "string", "pattern": "^-?[0-9]{1,19}$" } })
}

fn errors(codes: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        m.insert(
            (*c).to_string(),
            json!({ "description": "An error naming the field at fault.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    Value::Object(m)
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

/// The filter parameters of incident listings, as documented.
pub fn filter_parameters() -> Vec<Value> {
    let types: Vec<&str> = hudna_core::IncidentType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    let grades: Vec<&str> = hudna_core::Grade::ALL.iter().map(|t| t.as_str()).collect();
    let rules: Vec<&str> = hudna_truce::Rule::ALL.iter().map(|t| t.as_str()).collect();
    vec![
        param(
            "since",
            "From this day on (YYYY-MM-DD); an incident no source gives a day counts on its publication day (`reported`).",
            json!({ "type": "string", "format": "date" }),
        ),
        param(
            "until",
            "Up to this day (YYYY-MM-DD); an incident no source gives a day counts on its publication day (`reported`).",
            json!({ "type": "string", "format": "date" }),
        ),
        param(
            "admin1",
            "Governorate, as the basemap names it (e.g. Idlib, Aleppo).",
            json!({ "type": "string" }),
        ),
        param(
            "type",
            "Incident type.",
            json!({ "type": "string", "enum": types }),
        ),
        param(
            "perpetrator",
            "Actor code of the perpetrator, one of the theatre's (e.g. SYR_GOV; matched without regard to case).",
            json!({ "type": "string", "pattern": "^[A-Z][A-Z0-9_]{1,31}$" }),
        ),
        param(
            "grade",
            "Sourcing grade.",
            json!({ "type": "string", "enum": grades }),
        ),
        param(
            "rule",
            "Only incidents with a finding of this rule.",
            json!({ "type": "string", "enum": rules }),
        ),
        param(
            "bbox",
            "Bounding box west,south,east,north in degrees.",
            json!({ "type": "string", "pattern": "^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$" }),
        ),
    ]
}

/// The document.
pub fn document() -> Value {
    let mut list_params = filter_parameters();
    list_params.push(param(
        "cursor",
        "Where the page starts: `next_cursor` of the previous page.",
        json!({ "type": "string" }),
    ));
    list_params.push(param(
        "limit",
        "Page size, 1 to 1000 (default 100).",
        json!({ "type": "integer", "minimum": 1, "maximum": 1000 }),
    ));
    list_params.push(param(
        "format",
        "json (default) or geojson (a FeatureCollection).",
        json!({ "type": "string", "enum": ["json", "geojson"] }),
    ));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "hudna API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The shared record of a ceasefire: incidents, their sources and evidence, findings, truces and humanitarian notifications. Authenticate with `Authorization: Bearer <API token>` (from `hudna token create` or POST /api/v1/tokens); without it only public records are visible. Ids are strings."
        },
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": { "type": "object", "required": ["error", "field"], "properties": {
                    "error": { "type": "string" },
                    "field": { "type": "string", "nullable": true,
                               "description": "The request field at fault: a query parameter, a path in the body (`parties[0].party`), `body` for a body that is not JSON or too large, `Content-Type`, `Authorization`, `csrf`; null when no one field is." } } },
                "Incident": { "type": "object", "required": ["id", "type", "perpetrator", "grade", "visibility"], "properties": {
                    "id": { "type": "string" }, "type": { "type": "string" },
                    "date": { "type": "string", "format": "date", "nullable": true },
                    "place": { "type": "string", "nullable": true }, "admin1": { "type": "string", "nullable": true },
                    "lat": { "type": "number", "nullable": true }, "lon": { "type": "number", "nullable": true },
                    "geo_precision": { "type": "string", "nullable": true },
                    "perpetrator": { "type": "string" }, "contested": { "type": "boolean" },
                    "grade": { "type": "string" }, "killed": { "type": "integer", "nullable": true },
                    "injured": { "type": "integer", "nullable": true }, "target": { "type": "string" },
                    "target_actor": { "type": "string", "nullable": true }, "claimed": { "type": "boolean" },
                    "investigation": { "type": "string", "nullable": true },
                    "independent_sources": { "type": "integer" }, "reports": { "type": "integer" },
                    "visibility": { "type": "string" }, "url": { "type": "string" } } },
                "IncidentPage": { "type": "object", "required": ["items", "next_cursor"], "properties": {
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/Incident" } },
                    "next_cursor": { "type": "string", "nullable": true } } },
                "Position": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" } },
                "Geometry": { "type": "object", "required": ["type", "coordinates"], "additionalProperties": false, "properties": {
                    "type": { "type": "string", "enum": ["Point", "LineString"] },
                    "coordinates": { "oneOf": [ { "$ref": "#/components/schemas/Position" },
                        { "type": "array", "minItems": 2, "items": { "$ref": "#/components/schemas/Position" } } ] } } },
                "NewNotification": { "type": "object", "additionalProperties": false,
                    "required": ["kind", "name", "geometry", "parties"], "properties": {
                    "kind": { "type": "string", "enum": ["site", "movement"] },
                    "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "facility": { "type": "string", "enum": ["hospital", "school", "warehouse", "camp", "other"] },
                    "geometry": { "$ref": "#/components/schemas/Geometry" },
                    "radius_km": { "type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": 100 },
                    "corridor_km": { "type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": 100 },
                    "valid_from": { "type": "string" }, "valid_until": { "type": "string" },
                    "parties": { "type": "array", "minItems": 1, "items": { "type": "object", "additionalProperties": false,
                        "required": ["party", "at"], "properties": { "party": { "type": "string" }, "at": { "type": "string" } } } },
                    "truce_id": { "type": "string" }, "org_id": { "type": "integer" }, "visibility": { "type": "string" } } },
                "NotificationPatch": { "type": "object", "additionalProperties": false, "properties": {
                    "name": { "type": "string" }, "facility": { "type": "string" },
                    "geometry": { "$ref": "#/components/schemas/Geometry" },
                    "radius_km": { "type": "number" }, "corridor_km": { "type": "number" },
                    "valid_from": { "type": "string" }, "valid_until": { "type": "string" },
                    "status": { "type": "string", "enum": ["active", "withdrawn"] } } },
                "Notification": { "type": "object", "properties": {
                    "id": { "type": "string" }, "org_id": { "type": "integer" }, "kind": { "type": "string" },
                    "name": { "type": "string" }, "geometry": { "$ref": "#/components/schemas/Geometry" },
                    "visibility": { "type": "string" }, "status": { "type": "string" } } },
                "NewToken": { "type": "object", "additionalProperties": false, "properties": { "label": { "type": "string" } } },
                "IncidentPatch": { "type": "object", "additionalProperties": false, "properties": {
                    "visibility": { "type": "string", "description": "public, members or orgs:ID,ID" },
                    "investigation": { "type": "string", "minLength": 1, "maxLength": 200 } } },
                "Finding": { "type": "object", "properties": {
                    "incident_id": { "type": "string" }, "truce_id": { "type": "string" },
                    "truce_version": { "type": "integer" }, "term_id": { "type": "string" },
                    "rule": { "type": "string" }, "severity": { "type": "string" },
                    "confidence": { "type": "number" }, "distance_km": { "type": "number", "nullable": true },
                    "explanation": { "type": "string", "description": "Why, in English: the term, the distance and the time that triggered it." },
                    "explanation_ar": { "type": "string", "description": "The same, in Arabic, from the same facts; empty for findings stored before Arabic explanations existed and not judged since." },
                    "proposal": { "type": "object", "nullable": true } } },
                "AuditEntry": { "type": "object", "required": ["seq", "at", "actor", "action", "record_kind", "record_id", "before_hash", "after_hash", "prev_hash", "hash"], "properties": {
                    "seq": { "type": "integer" }, "at": { "type": "string", "format": "date-time" },
                    "actor": { "type": "string", "description": "user:<id>, cli:<operating-system user> or system" },
                    "action": { "type": "string" }, "record_kind": { "type": "string" }, "record_id": { "type": "string" },
                    "before_hash": { "type": "string", "nullable": true }, "after_hash": { "type": "string" },
                    "prev_hash": { "type": "string" }, "hash": { "type": "string" } } },
                "AuditPage": { "type": "object", "required": ["items", "next"], "properties": {
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEntry" } },
                    "next": { "type": "integer", "nullable": true, "description": "Pass as `after` for the next page; null on the last page." } } },
                "NewTruce": { "type": "object", "additionalProperties": false, "required": ["toml"], "properties": {
                    "toml": { "type": "string", "description": "The truce file (docs/truce-format.md)." },
                    "files": { "type": "object", "additionalProperties": { "type": "string" },
                               "description": "GeoJSON files the TOML names, by path." } } },
                "Zone": { "type": "object", "additionalProperties": false, "required": ["id", "kind", "geometry", "status"], "properties": {
                    "id": { "type": "string" }, "kind": { "type": "string", "enum": ["covered_area", "demilitarised", "no_fly", "control_area"] },
                    "geometry": { "type": "object", "description": "A GeoJSON Polygon or MultiPolygon." },
                    "status": { "type": "string", "enum": ["in_force", "proposed"] },
                    "name": { "type": "string" }, "restricted": { "type": "array", "items": { "type": "string" } },
                    "forbidden": { "type": "array", "items": { "type": "string" } },
                    "controlled_by": { "type": "array", "items": { "type": "string" } },
                    "from": { "type": "string" }, "until": { "type": "string" },
                    "proposed_by": { "type": "string" }, "note": { "type": "string" } } },
                "ZonePatch": { "type": "object", "additionalProperties": false, "properties": {
                    "kind": { "type": "string" }, "geometry": { "type": "object" }, "status": { "type": "string", "enum": ["in_force", "proposed"] },
                    "name": { "type": "string" }, "restricted": { "type": "array", "items": { "type": "string" } },
                    "forbidden": { "type": "array", "items": { "type": "string" } },
                    "from": { "type": "string" }, "until": { "type": "string" }, "note": { "type": "string" } } },
                "Designation": { "type": "object", "additionalProperties": false, "required": ["id", "actor", "listed_by", "listed_from", "status"], "properties": {
                    "id": { "type": "string" }, "actor": { "type": "string" }, "listed_by": { "type": "string" },
                    "listed_from": { "type": "string" }, "status": { "type": "string", "enum": ["in_force", "proposed"] },
                    "group": { "type": "string" }, "aliases": { "type": "array", "items": { "type": "string" } },
                    "delisted_at": { "type": "string" }, "proposed_by": { "type": "string" }, "note": { "type": "string" } } },
                "DesignationPatch": { "type": "object", "additionalProperties": false, "properties": {
                    "status": { "type": "string", "enum": ["in_force", "proposed"] }, "delisted_at": { "type": "string" },
                    "listed_from": { "type": "string" }, "note": { "type": "string" } } }
            }
        },
        "security": [ {}, { "token": [] } ],
        "paths": {
            "/api/v1/openapi.json": { "get": { "summary": "This document.", "responses": merge(json!({ "200": { "description": "The OpenAPI document." } }), errors(&["400"])) } },
            "/api/v1/me": { "get": { "summary": "Who the request is signed in as.",
                "responses": merge(json!({ "200": { "description": "The account and its organisation, or signed_in false." } }), errors(&["400", "401"])) } },
            "/api/v1/incidents": { "get": { "summary": "Incidents the caller may see, filtered, in (date, id) order, one page at a time.",
                "parameters": list_params,
                "responses": merge(json!({ "200": { "description": "A page of incidents (JSON) or a FeatureCollection (GeoJSON).",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IncidentPage" } },
                                 "application/geo+json": { "schema": { "type": "object" } } } } }), errors(&["400", "401"])) } },
            "/api/v1/incidents/{id}": {
                "get": { "summary": "One incident (by its public id; an id merged into another leads to it) with its sources (evidence spans and their text) and findings.",
                    "parameters": [ id_param("incident") ],
                    "responses": merge(json!({ "200": { "description": "The incident." } }), errors(&["400", "401", "404"])) },
                "patch": { "summary": "Analysts: change who may see an incident, or record the investigation that established it (it becomes confirmed).",
                    "parameters": [ id_param("incident") ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IncidentPatch" } } } },
                    "responses": merge(json!({ "200": { "description": "Changed." } }), errors(&["400", "401", "403", "404", "409", "413", "415", "422"])) } },
            "/api/v1/findings": { "get": { "summary": "Findings of the incidents the caller may see, under terms in force (and, with proposals=true, what proposed terms would change). A finding that names a humanitarian notification (notified_site_hit, notified_movement_hit) is listed only to callers who may read that notification.",
                "parameters": [
                    param("truce", "Truce id (a stored truce; another is refused with 400).", json!({ "type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$" })),
                    param("rule", "Rule.", json!({ "type": "string", "enum": hudna_truce::Rule::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() })),
                    param("severity", "Severity.", json!({ "type": "string", "enum": ["grave", "serious", "review", "info"] })),
                    param("incident", "An incident's id.", json!({ "type": "string", "pattern": "^-?[0-9]{1,18}$" })),
                    param("proposals", "Include what proposed terms would change.", json!({ "type": "string", "enum": ["false", "true"] })),
                    param("limit", "Page size, 1 to 1000 (default 100).", json!({ "type": "integer", "minimum": 1, "maximum": 1000 })),
                    param("cursor", "The previous page's next_cursor.", json!({ "type": "string" })) ],
                "responses": merge(json!({ "200": { "description": "A page of findings." } }), errors(&["400", "401"])) } },
            "/api/v1/truces": {
                "get": { "summary": "The stored truces, with the number of their terms and findings the caller may see.", "responses": merge(json!({ "200": { "description": "The truces." } }), errors(&["400", "401"])) },
                "post": { "summary": "Co-chairs: store a truce (a new version if it exists), validated as `hudna truce load` validates, and judge the record again under it.",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewTruce" } } } },
                    "responses": merge(json!({ "201": { "description": "Stored: a new truce, or a new version of a stored one (`outcome` new or changed)." },
                                               "200": { "description": "The text is the current version's: nothing stored or judged, the current version returned (`outcome` unchanged)." },
                                               "409": { "description": "The truce's current version was changed outside hudna since its last audit entry (run `hudna audit verify`); nothing stored.",
                                                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }),
                        errors(&["400", "401", "403", "413", "415", "422"])) } },
            "/api/v1/truces/{id}": { "get": { "summary": "A truce's current version: periods, parties, designations, zones (GeoJSON), and the notified sites and movements the caller may read (each with its visibility keyword: notified, members or public; see docs/truce-format.md).",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "responses": merge(json!({ "200": { "description": "The truce." } }), errors(&["400", "401", "404"])) } },
            "/api/v1/truces/{id}/zones": { "post": { "summary": "Co-chairs: add a zone (a new version of the truce).",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Zone" } } } },
                "responses": merge(json!({ "201": { "description": "The truce's new version." } }), errors(&["400", "401", "403", "404", "409", "413", "415", "422"])) } },
            "/api/v1/truces/{id}/zones/{term}": { "patch": { "summary": "Co-chairs: change a zone (e.g. a proposed zone adopted).",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                                { "name": "term", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ZonePatch" } } } },
                "responses": merge(json!({ "200": { "description": "The truce's new version." },
                    "409": { "description": "The truce's current version was changed outside hudna since its last audit entry (run `hudna audit verify`); nothing stored.",
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }),
                    errors(&["400", "401", "403", "404", "413", "415", "422"])) } },
            "/api/v1/truces/{id}/designations": { "post": { "summary": "Co-chairs: add a designation (a new version of the truce).",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Designation" } } } },
                "responses": merge(json!({ "201": { "description": "The truce's new version." } }), errors(&["400", "401", "403", "404", "409", "413", "415", "422"])) } },
            "/api/v1/truces/{id}/designations/{term}": { "patch": { "summary": "Co-chairs: change a designation (e.g. a proposed one put in force).",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                                { "name": "term", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DesignationPatch" } } } },
                "responses": merge(json!({ "200": { "description": "The truce's new version." },
                    "409": { "description": "The truce's current version was changed outside hudna since its last audit entry (run `hudna audit verify`); nothing stored.",
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }),
                    errors(&["400", "401", "403", "404", "413", "415", "422"])) } },
            "/api/v1/articles/{id}": { "get": { "summary": "One article, its text in segments with the evidence marked, and the incidents read from it.",
                "parameters": [ id_param("article") ],
                "responses": merge(json!({ "200": { "description": "The article." } }), errors(&["400", "401", "404"])) } },
            "/api/v1/notifications": {
                "get": { "summary": "Humanitarian notifications the caller may see.",
                    "responses": merge(json!({ "200": { "description": "The notifications." } }), errors(&["400", "401"])) },
                "post": { "summary": "File a notification (humanitarian accounts, for their own organisation). Notified parties are actor codes of the theatre. `hudna check` judges incidents against it (term `filed:ID`).",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewNotification" } } } },
                    "responses": merge(json!({ "201": { "description": "Filed.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Notification" } } } } }),
                        errors(&["400", "401", "403", "413", "415", "422"])) } },
            "/api/v1/notifications/{id}": {
                "get": { "summary": "One notification.", "parameters": [ id_param("notification") ],
                    "responses": merge(json!({ "200": { "description": "The notification." } }), errors(&["400", "401", "404"])) },
                "patch": { "summary": "Change one's organisation's notification.", "parameters": [ id_param("notification") ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotificationPatch" } } } },
                    "responses": merge(json!({ "200": { "description": "Changed." } }), errors(&["400", "401", "403", "404", "409", "413", "415", "422"])) } },
            "/api/v1/tokens": { "post": { "summary": "Create an API token for one's own account (shown once).",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewToken" } } } },
                "responses": merge(json!({ "201": { "description": "The token." } }), errors(&["400", "401", "403", "413", "415", "422"])) } },
            "/api/v1/audit": { "get": { "summary": "Audit log entries about records the caller may see (signed-in accounts): incidents, findings, articles and notifications by their visibility, accounts and their tokens to themselves, administrators and co-chairs, the shared set-up to all. Oldest first, one page at a time: a page scans `limit` entries of the log, so it may show fewer; follow `next` until it is null.",
                "parameters": [ param("since", "Entries at or after this time (RFC 3339 or YYYY-MM-DD).", json!({ "type": "string" })),
                                param("after", "Entries after this sequence number: `next` of the previous page (entries of one ingest batch share one time, so pages go by sequence number).", json!({ "type": "integer", "minimum": 0 })),
                                param("limit", "At most this many (1 to 1000, default 100).", json!({ "type": "integer", "minimum": 1, "maximum": 1000 })) ],
                "responses": merge(json!({ "200": { "description": "A page of entries, and `next`: the `after` of the next page, or null on the last page.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuditPage" } } } } }), errors(&["400", "401"])) } }
        }
    })
}
