//! Humanitarian notifications filed through the API: sites and movements an organisation
//! told parties about, each with its own visibility. Every change is audited.

use hudna_access::ReadScope;
use hudna_audit::Actor;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::SqliteStore;
use crate::StoreError;

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotificationRecord {
    /// Its id.
    pub id: i64,
    /// The organisation that filed it.
    pub org_id: i64,
    /// `site` or `movement`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Sites: what the place is (`hospital`, `school`, …).
    pub facility: Option<String>,
    /// GeoJSON geometry: a Point for a site, a LineString for a movement.
    pub geometry: serde_json::Value,
    /// Sites: the protected radius in km.
    pub radius_km: Option<f64>,
    /// Movements: the corridor's full width in km.
    pub corridor_km: Option<f64>,
    /// Start of its window (RFC 3339), if any.
    pub valid_from: Option<String>,
    /// End of its window (RFC 3339, exclusive), if any.
    pub valid_until: Option<String>,
    /// The parties notified: `[{"party": "RUS", "at": "…"}]`.
    pub parties: serde_json::Value,
    /// The truce it is filed under.
    pub truce_id: Option<String>,
    /// `active` or `withdrawn`.
    pub status: String,
    /// Who may read it.
    pub visibility: String,
    /// The user who filed it.
    pub created_by: i64,
    /// When it was filed.
    pub created_at: String,
}

const COLS: &str = "id, org_id, kind, name, facility, geometry, radius_km, corridor_km, \
    valid_from, valid_until, parties, truce_id, status, visibility, created_by, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(NotificationRecord, String, String)> {
    Ok((
        NotificationRecord {
            id: r.get(0)?,
            org_id: r.get(1)?,
            kind: r.get(2)?,
            name: r.get(3)?,
            facility: r.get(4)?,
            geometry: serde_json::Value::Null,
            radius_km: r.get(6)?,
            corridor_km: r.get(7)?,
            valid_from: r.get(8)?,
            valid_until: r.get(9)?,
            parties: serde_json::Value::Null,
            truce_id: r.get(11)?,
            status: r.get(12)?,
            visibility: r.get(13)?,
            created_by: r.get(14)?,
            created_at: r.get(15)?,
        },
        r.get(5)?,
        r.get(10)?,
    ))
}

impl SqliteStore {
    fn finish_notification(
        &self,
        (mut n, geometry, parties): (NotificationRecord, String, String),
    ) -> Result<NotificationRecord, StoreError> {
        n.geometry = serde_json::from_str(&geometry)
            .map_err(|e| self.corrupt(format!("notification {} geometry: {e}", n.id)))?;
        n.parties = serde_json::from_str(&parties)
            .map_err(|e| self.corrupt(format!("notification {} parties: {e}", n.id)))?;
        Ok(n)
    }

    /// Files a notification (its fields already checked by the caller); returns its id.
    pub fn create_notification(
        &mut self,
        actor: &Actor,
        n: &NotificationRecord,
    ) -> Result<i64, StoreError> {
        let geometry = n.geometry.to_string();
        let parties = n.parties.to_string();
        self.write(actor, |c| {
            c.conn()
                .execute(
                    "INSERT INTO notifications (org_id, kind, name, facility, geometry, \
                     radius_km, corridor_km, valid_from, valid_until, parties, truce_id, status, \
                     visibility, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                     ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    params![
                        n.org_id,
                        n.kind,
                        n.name,
                        n.facility,
                        geometry,
                        n.radius_km,
                        n.corridor_km,
                        n.valid_from,
                        n.valid_until,
                        parties,
                        n.truce_id,
                        n.status,
                        n.visibility,
                        n.created_by,
                        n.created_at
                    ],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            let id = c.conn().last_insert_rowid();
            c.touch("notification", id, "create")?;
            Ok(id)
        })
    }

    /// Replaces a notification's changeable fields (name, facility, geometry, radius,
    /// corridor, window, status) with those of `n`.
    pub fn update_notification(
        &mut self,
        actor: &Actor,
        n: &NotificationRecord,
    ) -> Result<(), StoreError> {
        let geometry = n.geometry.to_string();
        self.write(actor, |c| {
            c.expect_unchanged("notification", n.id)?;
            c.conn()
                .execute(
                    "UPDATE notifications SET name = ?2, facility = ?3, geometry = ?4, \
                     radius_km = ?5, corridor_km = ?6, valid_from = ?7, valid_until = ?8, \
                     status = ?9 WHERE id = ?1",
                    params![
                        n.id,
                        n.name,
                        n.facility,
                        geometry,
                        n.radius_km,
                        n.corridor_km,
                        n.valid_from,
                        n.valid_until,
                        n.status
                    ],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            c.touch("notification", n.id, "update")
        })
    }

    /// A notification by id, whoever may read it (the caller applies the policy).
    pub fn notification(&self, id: i64) -> Result<Option<NotificationRecord>, StoreError> {
        let sql = format!("SELECT {COLS} FROM notifications WHERE id = ?1");
        let row = self
            .conn
            .query_row(&sql, [id], from_row)
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|r| self.finish_notification(r)).transpose()
    }

    /// The notifications the scope may read, by id.
    pub fn notifications(&self, scope: ReadScope) -> Result<Vec<NotificationRecord>, StoreError> {
        let cond = scope
            .sql_condition("visibility")
            .map_err(|e| StoreError::Invalid {
                field: "visibility".into(),
                reason: e.to_string(),
            })?;
        let sql = format!("SELECT {COLS} FROM notifications WHERE {cond} ORDER BY id");
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], from_row)
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|r| self.finish_notification(r))
            .collect()
    }
}
