//! Notifications filed through hudna, judged with a truce's terms.
//!
//! A humanitarian organisation tells the parties where its sites are and when its convoys
//! move; it can write that into a truce file (`[[site]]`, `[[movement]]`) or file it through
//! the API (`POST /api/v1/notifications`), which keeps it in the record's notifications
//! table. A check judges the record against both alike: every *active* filed notification
//! filed under the truce, or under no truce, joins the truce's notifications as the term
//! `filed:ID` ([`hudna_truce::FILED_TERM_PREFIX`]), named after the organisation that filed
//! it. A withdrawn one is not judged with (its findings go).
//!
//! Filed notifications change without the truce getting a new version, so the incremental
//! check cannot tell from the version alone what to judge again. It keeps instead a
//! fingerprint of the filed notifications it judged with, per truce, in the record's meta
//! ([`meta_key`]); when the set differs — one filed, changed or withdrawn — every incident is
//! judged again under that truce. Filing is rare next to ingesting, so this is simpler than
//! tracking which incidents a changed notification can reach, for a cost paid seldom (see
//! the README for the time of a full judgement).

use chrono::{DateTime, FixedOffset};
use hudna_store::{NotificationRecord, Store};
use hudna_truce::{
    Basis, Facility, Movement, Notice, Notification, NotificationKind, NotificationVisibility,
    Site, Window, FILED_TERM_PREFIX,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::CheckError;

/// The record-meta key of the fingerprint of the filed notifications a truce was last
/// judged with.
pub fn meta_key(truce: &str) -> String {
    format!("check.filed_notifications.{truce}")
}

/// The fingerprint of no filed notification at all (also what a record checked before
/// filed notifications were judged is taken to have).
pub const NONE: &str = "none";

/// The filed notifications a check of `truce` judges with, as the engine reads notifications,
/// and their fingerprint.
pub fn filed_for(
    store: &mut dyn Store,
    truce: &str,
) -> Result<(Vec<Notification>, String), CheckError> {
    let rows = store.filed_notifications(truce)?;
    if rows.is_empty() {
        return Ok((Vec::new(), NONE.to_string()));
    }
    let mut hash = Sha256::new();
    let mut out = Vec::with_capacity(rows.len());
    for (n, org) in &rows {
        let what = serde_json::json!([
            n.id,
            org,
            n.kind,
            n.name,
            n.facility,
            n.geometry,
            n.radius_km,
            n.corridor_km,
            n.valid_from,
            n.valid_until,
            n.parties,
        ]);
        hash.update(what.to_string().as_bytes());
        hash.update(b"\n");
        out.push(
            to_notification(n, org)
                .map_err(|what| CheckError::BadNotification { id: n.id, what })?,
        );
    }
    let print: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((out, print))
}

fn instant(field: &str, v: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(v).map_err(|e| format!("{field} `{v}`: {e}"))
}

fn position(v: &Value, field: &str) -> Result<(f64, f64), String> {
    match (
        v.get(0).and_then(Value::as_f64),
        v.get(1).and_then(Value::as_f64),
    ) {
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Ok((lon, lat))
        }
        _ => Err(format!("{field} is not a [longitude, latitude] position")),
    }
}

/// A stored notification as the engine reads one of a truce file. The API checked every
/// field when it was filed, so an error here means the row was changed behind hudna's back.
pub fn to_notification(n: &NotificationRecord, org: &str) -> Result<Notification, String> {
    let coords = &n.geometry["coordinates"];
    let kind = match n.kind.as_str() {
        "site" => {
            let (lon, lat) = position(coords, "geometry.coordinates")?;
            let facility: Facility = serde_json::from_value(Value::String(
                n.facility.clone().unwrap_or_else(|| "other".into()),
            ))
            .map_err(|e| format!("facility: {e}"))?;
            let radius_km = n
                .radius_km
                .filter(|r| r.is_finite() && *r > 0.0)
                .ok_or("radius_km is missing or not above 0")?;
            NotificationKind::Site(Site {
                facility,
                lat,
                lon,
                radius_km,
            })
        }
        "movement" => {
            let points = coords
                .as_array()
                .ok_or("geometry.coordinates is not a list of positions")?
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    position(p, &format!("geometry.coordinates[{i}]"))
                        .map(|(x, y)| geo::Coord { x, y })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if points.len() < 2 {
                return Err("a route needs two positions or more".into());
            }
            let corridor_km = n
                .corridor_km
                .filter(|r| r.is_finite() && *r > 0.0)
                .ok_or("corridor_km is missing or not above 0")?;
            NotificationKind::Movement(Movement {
                route: geo::LineString::new(points),
                corridor_km,
            })
        }
        other => return Err(format!("kind `{other}` is neither site nor movement")),
    };
    let window = Window {
        from: n
            .valid_from
            .as_deref()
            .map(|v| instant("valid_from", v))
            .transpose()?,
        until: n
            .valid_until
            .as_deref()
            .map(|v| instant("valid_until", v))
            .transpose()?,
    };
    let notified = n
        .parties
        .as_array()
        .ok_or("parties is not a list")?
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let party = p["party"]
                .as_str()
                .ok_or_else(|| format!("parties[{i}].party is missing"))?;
            let at = p["at"]
                .as_str()
                .ok_or_else(|| format!("parties[{i}].at is missing"))?;
            Ok(Notice {
                party: party.to_string(),
                at: instant(&format!("parties[{i}].at"), at)?,
                via: None,
                source: None,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Notification {
        id: format!("{FILED_TERM_PREFIX}{}", n.id),
        name: n.name.clone(),
        organisation: org.to_string(),
        kind,
        window,
        notified,
        // The filer's own notice, recorded in hudna when it was given.
        basis: Basis::Documented,
        // Who reads it is the stored row's own visibility; the server applies it.
        visibility: NotificationVisibility::Notified,
        note: None,
        source: None,
    })
}
