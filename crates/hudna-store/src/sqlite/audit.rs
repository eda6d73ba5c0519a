//! The audit log in SQLite: writing every change with its entry in one transaction, listing
//! entries, and verifying the log and the audited tables against each other.
//!
//! hudna-audit defines the entries, the hashes and the checks; this module decides which
//! tables are audited ([`AUDITED`]), reads their rows into the canonical JSON objects the
//! hashes are taken over, and follows the crate's recipe for logging a change:
//!
//! 1. [`SqliteStore::write`] begins an `IMMEDIATE` transaction (or joins the one a batch
//!    opened with [`crate::Store::begin`]);
//! 2. the caller's closure makes its changes through [`Changes`], calling
//!    [`Changes::expect_unchanged`] before it edits an existing record (so a row edited
//!    outside hudna is refused rather than silently logged over) and [`Changes::touch`] for
//!    every record it created or changed;
//! 3. for every touched record, the row as SQLite now holds it is hashed and, if it differs
//!    from its last logged version, an entry is appended to the chain;
//! 4. commit, or roll back everything if any step failed.
//!
//! A record whose row is gone after a change (consolidation retires an incident whose reports
//! moved to another) is logged with the hash of JSON `null` as its `after`: a tombstone, which
//! `hudna audit verify` accepts as the record's absence.
//!
//! # Parts of a record kept in other tables
//!
//! A record is more than its row: an incident is also the reports linked to it and what
//! analysts set on it, an article also its mentions and its syndication link. Their columns
//! read those tables (correlated subqueries), so an edit of a link is an edit of the record.
//! Writers need not know which records a link touches: temporary triggers on the link
//! tables, and on incidents whose public id moves to another row or goes with a deleted one,
//! note the records concerned, and step 3 logs them with the rest (see `NOTE_CHANGES_SQL`).

use chrono::{DateTime, Utc};
use hudna_audit::{
    all_row_faults, record_hash, Actor, AuditRow, ChainVerifier, Entry, Hash, Head, NewEntry,
};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::SqliteStore;
use crate::StoreError;

/// A table whose rows are audited: every change to it is logged, and its rows are checked
/// against the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditedKind {
    /// The record kind written in the log (`incident`, `user`).
    pub kind: &'static str,
    /// The table.
    pub table: &'static str,
    /// Which rows of the table are records of this kind (an SQL condition).
    pub filter: &'static str,
    /// The query reading one record's fields by its id (`?1`, text), when the generic
    /// `SELECT … FROM table WHERE id = ?1` would not use an index.
    pub one: Option<&'static str>,
    /// The SQL expression of its id (a column, or an expression of several for a composite
    /// key), compared as text with the log's `record_id`.
    pub id_column: &'static str,
    /// The audited fields: the key they have in the hashed JSON object and the SQL
    /// expression that reads them (usually the column of the same name). Internal bookkeeping
    /// columns (labels that consolidation rewrites, ingest times) are left out so that the
    /// hash covers what the record says, not how it was computed.
    pub columns: &'static [(&'static str, &'static str)],
}

/// The findings of incident `g.i` under truce `g.t`, as one JSON array: the audited version
/// of a `findings` record, in `one` and in `columns` alike. A finding's Arabic explanation
/// is appended only where it has one, so rows written before schema step 7 hash as before.
macro_rules! findings_of_g {
    () => {
        "(SELECT json_group_array(json(x.f)) FROM (SELECT CASE WHEN f.explanation_ar = '' \
         THEN json_array(f.proposal_term, f.proposal_effect, f.rule, f.term, f.truce_version, \
         f.severity, f.confidence, f.distance_km, f.explanation) ELSE json_array(\
         f.proposal_term, f.proposal_effect, f.rule, f.term, f.truce_version, f.severity, \
         f.confidence, f.distance_km, f.explanation, f.explanation_ar) END AS f FROM findings f \
         WHERE f.truce_id = g.t AND f.incident_id = g.i ORDER BY f.proposal_term, \
         f.proposal_effect, f.rule, f.term) x)"
    };
}

/// Every audited kind. Adding a column to a kind changes every hash of that kind: such a
/// migration must log a new version of each record of the kind (see hudna-audit).
pub const AUDITED: &[AuditedKind] = &[
    // An article is one record with what was read from it: its mentions are written with it
    // in the same batch and never change afterwards, so one entry covers both. Its syndication
    // link (the canonical article of its near-duplicate group, `null` for a canonical one) is
    // part of it too: the link decides whether it counts as a source of its own.
    AuditedKind {
        kind: "article",
        table: "articles",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: ARTICLE_COLUMNS,
    },
    // Mentions of structured sources (dataset rows) have no article.
    AuditedKind {
        kind: "mention",
        table: "mentions",
        filter: "article_id IS NULL",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("source_ref", "source_ref"),
            ("source_note", "source_note"),
            ("mention", MENTION_FIELDS),
        ],
    },
    AuditedKind {
        kind: "organisation",
        table: "organisations",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("name", "name"),
            ("kind", "kind"),
            ("represents", "represents"),
        ],
    },
    AuditedKind {
        kind: "user",
        table: "users",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("username", "username"),
            ("display_name", "display_name"),
            ("org_id", "org_id"),
            ("role", "role"),
            ("password_hash", "password_hash"),
            ("disabled", "disabled"),
        ],
    },
    AuditedKind {
        kind: "api_token",
        table: "api_tokens",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("user_id", "user_id"),
            ("prefix", "prefix"),
            ("hash", "hash"),
            ("label", "label"),
            ("revoked_at", "revoked_at"),
        ],
    },
    AuditedKind {
        kind: "notification",
        table: "notifications",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("org_id", "org_id"),
            ("kind", "kind"),
            ("name", "name"),
            ("facility", "facility"),
            ("geometry", "geometry"),
            ("radius_km", "radius_km"),
            ("corridor_km", "corridor_km"),
            ("valid_from", "valid_from"),
            ("valid_until", "valid_until"),
            ("parties", "parties"),
            ("truce_id", "truce_id"),
            ("status", "status"),
            ("visibility", "visibility"),
            ("created_by", "created_by"),
        ],
    },
    // A consolidated incident, by its public id (which never changes); internal labels
    // (the seed mention's row id, the consolidation block) are left out. What makes it up is
    // part of it: the reports linked to it (`incident_sources`, by mention id, with the
    // perpetrator each names) and what analysts decided about it (`incident_settings`), so a
    // source removed or added behind hudna's back is found like a changed field.
    AuditedKind {
        kind: "incident",
        table: "incidents",
        filter: "1 = 1",
        one: None,
        id_column: "public_id",
        columns: INCIDENT_COLUMNS,
    },
    AuditedKind {
        kind: "truce",
        table: "truces",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[("id", "id"), ("current_version", "current_version")],
    },
    // A version of a truce with the geometry files it names.
    AuditedKind {
        kind: "truce_version",
        table: "truce_versions",
        filter: "1 = 1",
        one: Some(
            "SELECT truce_id, version, hex(content_hash), source, name_en, name_ar, changes, \
             toml, (SELECT json_group_array(json_array(f.path, f.content)) FROM (SELECT path, \
             content FROM truce_files f WHERE f.truce_id = v.truce_id AND f.version = v.version \
             ORDER BY path) f) FROM truce_versions v WHERE v.truce_id = \
             substr(?1, 1, instr(?1, '@') - 1) AND v.version = CAST(substr(?1, instr(?1, '@') + 1) \
             AS INTEGER)",
        ),
        id_column: "truce_id || '@' || version",
        columns: &[
            ("truce_id", "truce_id"),
            ("version", "version"),
            ("content_hash", "hex(content_hash)"),
            ("source", "source"),
            ("name_en", "name_en"),
            ("name_ar", "name_ar"),
            ("changes", "changes"),
            ("toml", "toml"),
            (
                "files",
                "(SELECT json_group_array(json_array(f.path, f.content)) FROM (SELECT path, \
                 content FROM truce_files f WHERE f.truce_id = truce_versions.truce_id AND \
                 f.version = truce_versions.version ORDER BY path) f)",
            ),
        ],
    },
    // The findings of one incident under one truce, as the compliance engine last wrote
    // them (run numbers left out: they are bookkeeping). The Arabic explanation of schema
    // step 7 is covered where a finding has one: rows written before it (empty) hash as
    // they always did, so entries already logged stay valid, and a hand-edited Arabic line
    // is found like an English one.
    AuditedKind {
        kind: "findings",
        table: "(SELECT DISTINCT truce_id AS t, incident_id AS i FROM findings) g",
        filter: "1 = 1",
        one: Some(concat!(
            "SELECT g.t, g.i, ",
            findings_of_g!(),
            " FROM (SELECT substr(?1, 1, instr(?1, '|') - 1) AS t, \
             CAST(substr(?1, instr(?1, '|') + 1) AS INTEGER) AS i) g WHERE EXISTS (SELECT 1 \
             FROM findings f WHERE f.truce_id = g.t AND f.incident_id = g.i)"
        )),
        id_column: "g.t || '|' || g.i",
        columns: &[
            ("truce_id", "g.t"),
            ("incident_id", "g.i"),
            ("findings", findings_of_g!()),
        ],
    },
    // One run of the compliance engine.
    AuditedKind {
        kind: "check_run",
        table: "check_runs",
        filter: "1 = 1",
        one: None,
        id_column: "id",
        columns: &[
            ("id", "id"),
            ("truce_id", "truce_id"),
            ("truce_version", "truce_version"),
            ("previous_version", "previous_version"),
            ("started_at", "started_at"),
            ("incidents", "incidents"),
            ("evaluated", "evaluated"),
            ("findings", "findings"),
            ("added", "added"),
            ("removed", "removed"),
            ("changed", "changed"),
            ("term_changes", "term_changes"),
        ],
    },
];

/// What a mention says, as one JSON array (SQLite's `json_array`), for the article and
/// mention kinds.
const MENTION_FIELDS: &str = "json_array(ordinal, type, date, place, admin1, lat, lon, precision, \
    perpetrator, target, target_actor, killed, injured, claimed, evidence)";

/// An article's mentions in order, each as [`MENTION_FIELDS`] with its id first.
const MENTIONS_OF_ARTICLE: &str = "(SELECT json_group_array(json(x.m)) FROM (SELECT \
    json_array(m.id, m.ordinal, m.type, m.date, m.place, m.admin1, m.lat, m.lon, m.precision, \
    m.perpetrator, m.target, m.target_actor, m.killed, m.injured, m.claimed, m.evidence) AS m \
    FROM mentions m WHERE m.article_id = articles.id ORDER BY m.ordinal, m.id) x)";

/// An article's syndication link: the canonical article of its group, or `NULL`.
const CANONICAL_OF_ARTICLE: &str =
    "(SELECT s.canonical_id FROM syndication s WHERE s.article_id = articles.id)";

/// An incident's links to its reports, by mention id: `[[mention, attribution], …]`.
const LINKS_OF_INCIDENT: &str = "(SELECT json_group_array(json_array(l.mention_id, \
    l.attribution)) FROM (SELECT mention_id, attribution FROM incident_sources l WHERE \
    l.incident_id = incidents.id ORDER BY mention_id) l)";

/// What analysts set on an incident (kept by public id), or `NULL`. Every column of
/// `incident_settings` belongs here: a column left out could be changed unnoticed.
const SETTINGS_OF_INCIDENT: &str = "(SELECT json_object('visibility', s.visibility) FROM \
    incident_settings s WHERE s.public_id = incidents.public_id)";

/// A change noted during a batch, logged when the batch commits.
pub(crate) type Pending = (&'static AuditedKind, String, &'static str);

/// The audited kind called `kind`.
pub fn audited_kind(kind: &str) -> Option<&'static AuditedKind> {
    AUDITED.iter().find(|k| k.kind == kind)
}

/// The `after` hash that says "this record has no row any more".
pub fn tombstone() -> Hash {
    // The canonical form of `null` always has a hash; this cannot fail.
    record_hash(&Value::Null).unwrap_or(Hash::ZERO)
}

/// What a connection notes of the changes it makes to the tables that are parts of audited
/// records without being audited tables themselves (links, syndication, settings), and of
/// incidents whose public id moves or whose row goes: temporary triggers (they live in the
/// connection, not in the file) that write the records concerned into a temporary table,
/// drained when the change is logged ([`drain_noted`]). The store's writers need not remember
/// every record a link touches; a change made by another program fires nothing, which is
/// what `hudna audit verify` is there to find.
///
/// `kind` 0: an incident by its row id; 1: an article by its id; 2: an incident by its public
/// id. The temporary table is part of the transaction: a rolled-back change takes its notes
/// with it. It has no key, and the same record may be noted many times: a conflict clause
/// inside a trigger gives way to the outer statement's (an upsert's), so a unique key would
/// make hudna's own upserts fail; the drain removes the repeats.
const NOTE_CHANGES_SQL: &str = "
CREATE TEMP TABLE IF NOT EXISTS audit_noted (
    kind INTEGER NOT NULL,
    id   INTEGER NOT NULL
);
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_link_insert AFTER INSERT ON main.incident_sources
BEGIN INSERT INTO audit_noted VALUES (0, NEW.incident_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_link_update AFTER UPDATE ON main.incident_sources
BEGIN
    INSERT INTO audit_noted VALUES (0, OLD.incident_id);
    INSERT INTO audit_noted VALUES (0, NEW.incident_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_link_delete AFTER DELETE ON main.incident_sources
BEGIN INSERT INTO audit_noted VALUES (0, OLD.incident_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_copy_insert AFTER INSERT ON main.syndication
BEGIN INSERT INTO audit_noted VALUES (1, NEW.article_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_copy_update AFTER UPDATE ON main.syndication
BEGIN
    INSERT INTO audit_noted VALUES (1, OLD.article_id);
    INSERT INTO audit_noted VALUES (1, NEW.article_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_copy_delete AFTER DELETE ON main.syndication
BEGIN INSERT INTO audit_noted VALUES (1, OLD.article_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_setting_insert AFTER INSERT ON main.incident_settings
BEGIN INSERT INTO audit_noted VALUES (2, NEW.public_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_setting_update AFTER UPDATE ON main.incident_settings
BEGIN
    INSERT INTO audit_noted VALUES (2, OLD.public_id);
    INSERT INTO audit_noted VALUES (2, NEW.public_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_setting_delete AFTER DELETE ON main.incident_settings
BEGIN INSERT INTO audit_noted VALUES (2, OLD.public_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_incident_insert AFTER INSERT ON main.incidents
WHEN NEW.public_id IS NOT NULL
BEGIN INSERT INTO audit_noted VALUES (2, NEW.public_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_incident_moved AFTER UPDATE OF public_id ON main.incidents
WHEN OLD.public_id IS NOT NEW.public_id
BEGIN
    INSERT INTO audit_noted SELECT 2, OLD.public_id WHERE OLD.public_id IS NOT NULL;
    INSERT INTO audit_noted SELECT 2, NEW.public_id WHERE NEW.public_id IS NOT NULL;
END;
CREATE TEMP TRIGGER IF NOT EXISTS audit_note_incident_delete AFTER DELETE ON main.incidents
WHEN OLD.public_id IS NOT NULL
BEGIN INSERT INTO audit_noted VALUES (2, OLD.public_id); END;
";

/// Installs the triggers of [`NOTE_CHANGES_SQL`] on a connection whose schema is up to date.
pub(crate) fn install_change_notes(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(NOTE_CHANGES_SQL)
}

/// The records the triggers noted since the last drain, as (kind, id), and forgets them.
/// An incident noted by a row that no longer exists is left out: the row's removal noted its
/// public id.
fn drain_noted(conn: &Connection) -> Result<Vec<(&'static AuditedKind, String)>, String> {
    let (Some(incident), Some(article)) = (audited_kind("incident"), audited_kind("article"))
    else {
        return Err("the incident and article kinds are not audited".into());
    };
    let mut out = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT 2, i.public_id FROM (SELECT DISTINCT id FROM temp.audit_noted \
                 WHERE kind = 0) d JOIN main.incidents i ON i.id = d.id \
                 WHERE i.public_id IS NOT NULL \
                 UNION SELECT kind, id FROM temp.audit_noted WHERE kind IN (1, 2) \
                 ORDER BY 1, 2",
            )
            .map_err(|e| e.to_string())?;
        let mut rows = st.query([]).map_err(|e| e.to_string())?;
        while let Some(r) = rows.next().map_err(|e| e.to_string())? {
            let kind: i64 = r.get(0).map_err(|e| e.to_string())?;
            let id: i64 = r.get(1).map_err(|e| e.to_string())?;
            out.push((if kind == 1 { article } else { incident }, id.to_string()));
        }
    }
    forget_noted(conn).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Forgets what the triggers noted (changes that are not logged, such as generated benchmark
/// data).
pub(crate) fn forget_noted(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM temp.audit_noted")?
        .execute([])?;
    Ok(())
}

impl AuditedKind {
    fn exprs(&self) -> String {
        self.columns
            .iter()
            .map(|(_, e)| *e)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn select_one(&self) -> String {
        if let Some(one) = self.one {
            return one.to_string();
        }
        format!(
            "SELECT {} FROM {} WHERE {} = ?1",
            self.exprs(),
            self.table,
            self.id_column
        )
    }

    fn select_all(&self) -> String {
        format!(
            "SELECT CAST({} AS TEXT), {} FROM {} WHERE {}",
            self.id_column,
            self.exprs(),
            self.table,
            self.filter
        )
    }
}

/// A row's audited columns as the canonical JSON object (SQLite values mapped as hudna-audit
/// documents: integers, floats, text, `null`, blobs as lower-case hex).
fn row_object(
    kind: &AuditedKind,
    row: &rusqlite::Row<'_>,
    offset: usize,
) -> rusqlite::Result<Value> {
    let mut obj = Map::with_capacity(kind.columns.len());
    for (i, (name, _)) in kind.columns.iter().enumerate() {
        let v = match row.get_ref(offset + i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => {
                let mut s = String::with_capacity(b.len() * 2);
                for byte in b {
                    s.push_str(&format!("{byte:02x}"));
                }
                Value::String(s)
            }
        };
        obj.insert((*name).to_string(), v);
    }
    Ok(Value::Object(obj))
}

/// The current hash of a record's row, or `None` when it has no row.
fn current_hash(conn: &Connection, kind: &AuditedKind, id: &str) -> Result<Option<Hash>, String> {
    let mut st = conn
        .prepare_cached(&kind.select_one())
        .map_err(|e| e.to_string())?;
    let row = st
        .query_row([id], |r| row_object(kind, r, 0))
        .optional()
        .map_err(|e| e.to_string())?;
    row.map(|v| record_hash(&v).map_err(|e| e.to_string()))
        .transpose()
}

/// The `after` hash of a record's last entry.
fn last_logged(conn: &Connection, kind: &str, id: &str) -> Result<Option<Hash>, String> {
    let mut st = conn
        .prepare_cached(
            "SELECT after_hash FROM audit_log WHERE record_kind = ?1 AND record_id = ?2 \
             ORDER BY seq DESC LIMIT 1",
        )
        .map_err(|e| e.to_string())?;
    let text: Option<String> = st
        .query_row(params![kind, id], |r| r.get(0))
        .optional()
        .map_err(|e| e.to_string())?;
    text.map(|t| t.parse::<Hash>().map_err(|e| e.to_string()))
        .transpose()
}

fn head(conn: &Connection) -> Result<Option<Head>, String> {
    let mut st = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .map_err(|e| e.to_string())?;
    let row: Option<(i64, String)> = st
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(|e| e.to_string())?;
    row.map(|(seq, hash)| Head::parse(seq, &hash).map_err(|e| e.to_string()))
        .transpose()
}

/// Appends one entry after `prev`, which must be the head (a caller appending several
/// entries in one transaction keeps it instead of reading it back each time; the table's
/// trigger refuses an entry that does not follow the last one).
fn append_after(conn: &Connection, prev: Option<Head>, new: NewEntry) -> Result<Entry, String> {
    let entry = Entry::next(prev, new).map_err(|e| e.to_string())?;
    let row = AuditRow::from(&entry);
    conn.prepare_cached(AuditRow::INSERT_SQL)
        .and_then(|mut st| {
            st.execute(params![
                row.seq,
                row.at,
                row.actor,
                row.action,
                row.record_kind,
                row.record_id,
                row.before_hash,
                row.after_hash,
                row.prev_hash,
                row.hash
            ])
        })
        .map_err(|e| e.to_string())?;
    Ok(entry)
}

/// Refuses ([`StoreError::OutOfBand`]) when a record's row no longer matches its last logged
/// version.
fn expect_unchanged(conn: &Connection, kind: &str, id: &str) -> Result<(), StoreError> {
    let k = audited_kind(kind).ok_or_else(|| StoreError::Invalid {
        field: "record_kind".into(),
        reason: format!("`{kind}` is not an audited kind"),
    })?;
    let fail = |what: String| StoreError::Audit(what);
    let now = current_hash(conn, k, id).map_err(fail)?;
    let logged = last_logged(conn, kind, id).map_err(fail)?;
    let logged = logged.filter(|h| *h != tombstone());
    if now != logged {
        return Err(StoreError::OutOfBand(format!(
            "{kind} {id} was changed outside hudna since its last audit entry; run \
             `hudna audit verify` and resolve it before changing it again"
        )));
    }
    Ok(())
}

/// A write in progress: the open transaction and the records it touched.
pub struct Changes<'a> {
    conn: &'a Connection,
    touched: Vec<(&'static AuditedKind, String, String)>,
}

impl std::fmt::Debug for Changes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes")
            .field("touched", &self.touched.len())
            .finish()
    }
}

impl<'a> Changes<'a> {
    /// The connection, inside the transaction.
    pub fn conn(&self) -> &'a Connection {
        self.conn
    }

    /// Refuses to go on if the record's row no longer matches its last logged version (it was
    /// changed outside hudna): call it before editing an existing record.
    pub fn expect_unchanged(&self, kind: &str, id: impl ToString) -> Result<(), StoreError> {
        expect_unchanged(self.conn, kind, &id.to_string())
    }

    /// Notes that the record was created or changed (`action`: `create`, `update`, …); its
    /// entry is written when the closure returns.
    pub fn touch(&mut self, kind: &str, id: impl ToString, action: &str) -> Result<(), StoreError> {
        let k = audited_kind(kind).ok_or_else(|| StoreError::Invalid {
            field: "record_kind".into(),
            reason: format!("`{kind}` is not an audited kind"),
        })?;
        self.touched.push((k, id.to_string(), action.to_string()));
        Ok(())
    }
}

/// Writes the entries of the touched records: one per record whose row differs from its last
/// logged version. Returns how many entries were appended.
pub(crate) fn log_touched(
    conn: &Connection,
    actor: &Actor,
    touched: &[(&'static AuditedKind, String, String)],
) -> Result<u64, String> {
    let at = Utc::now();
    let mut seen = std::collections::HashSet::new();
    let mut n = 0;
    let mut prev: Option<Option<Head>> = None;
    for (kind, id, action) in touched {
        if !seen.insert((kind.kind, id.as_str())) {
            continue;
        }
        let id_text = id.clone();
        let before = last_logged(conn, kind.kind, &id_text)?;
        let after = current_hash(conn, kind, id)?.unwrap_or_else(tombstone);
        if before == Some(after) {
            continue;
        }
        if before.is_none() && after == tombstone() {
            continue;
        }
        let action = if after == tombstone() {
            "retire".to_string()
        } else if before.is_none() {
            "create".to_string()
        } else if action == "create" {
            "update".to_string()
        } else {
            action.clone()
        };
        let head_now = match prev {
            Some(h) => h,
            None => head(conn)?,
        };
        let entry = append_after(
            conn,
            head_now,
            NewEntry {
                at,
                actor: actor.clone(),
                action,
                record_kind: kind.kind.to_string(),
                record_id: id_text,
                before,
                after,
            },
        )?;
        prev = Some(Some(Head {
            seq: entry.seq,
            hash: entry.hash,
        }));
        n += 1;
    }
    Ok(n)
}

/// What `hudna audit verify` found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// Entries in the log.
    pub entries: u64,
    /// The last entry, to keep outside the database as an anchor.
    pub head: Option<Head>,
    /// Audited rows checked.
    pub rows: u64,
    /// The first thing wrong, in words naming the entry (`entry 12`) or the row
    /// (`user 3`); `None` when the log and the tables agree.
    pub problem: Option<String>,
    /// How many rows disagree with the log (0 when the chain itself is broken and the rows
    /// were not checked).
    pub bad_rows: u64,
}

/// One entry as `hudna audit log` lists it.
pub type LoggedEntry = AuditRow;

impl SqliteStore {
    /// Notes that a batch (between [`crate::Store::begin`] and [`crate::Store::commit`])
    /// created or changed a record; its entry is written, by the `system` actor, just before
    /// the batch commits. Ingestion and the compliance engine log this way.
    pub(crate) fn note_change(
        &mut self,
        kind: &'static str,
        id: impl ToString,
        action: &'static str,
    ) {
        if let Some(k) = audited_kind(kind) {
            self.pending_audit.push((k, id.to_string(), action));
        }
    }

    /// Writes the entries of the batch's changes (inside its transaction).
    pub(crate) fn flush_audit(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending_audit);
        let mut touched: Vec<(&'static AuditedKind, String, String)> = pending
            .into_iter()
            .map(|(k, id, action)| (k, id, action.to_string()))
            .collect();
        for (k, id) in drain_noted(&self.conn).map_err(StoreError::Audit)? {
            touched.push((k, id, "update".to_string()));
        }
        if touched.is_empty() {
            return Ok(());
        }
        let actor = self.batch_actor.clone().unwrap_or(Actor::System);
        log_touched(&self.conn, &actor, &touched).map_err(StoreError::Audit)?;
        Ok(())
    }

    /// Refuses ([`StoreError::OutOfBand`], which the API answers with 409) when a record's
    /// row no longer matches its last logged version: for a caller about to build a change on
    /// what it reads, outside a write (the check is repeated inside the write where the store
    /// can).
    pub fn expect_unchanged(&self, kind: &str, id: &str) -> Result<(), StoreError> {
        expect_unchanged(&self.conn, kind, id)
    }

    /// Inside a batch: refuses when a truce or its current version no longer matches its
    /// last logged version, so that no new version is built on terms edited outside hudna.
    /// A truce already changed in this batch was checked then, and its new state, not yet
    /// logged, is hudna's own.
    pub(crate) fn expect_truce_unchanged(&self, truce: &str) -> Result<(), StoreError> {
        let pending = self
            .pending_audit
            .iter()
            .any(|(k, id, _)| k.kind == "truce" && id == truce);
        if pending {
            return Ok(());
        }
        let current = self.one_i64("SELECT current_version FROM truces WHERE id = ?1", [truce])?;
        if let Some(version) = current {
            expect_unchanged(&self.conn, "truce", truce)?;
            expect_unchanged(&self.conn, "truce_version", &format!("{truce}@{version}"))?;
        }
        Ok(())
    }

    /// Makes a change with its audit entries, in one transaction (the recipe is in the
    /// `sqlite::audit` module's documentation). Inside a batch begun with [`crate::Store::begin`] the
    /// change joins that transaction and commits with it.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&mut Changes<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let own = self.conn.is_autocommit();
        if own {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.err(e))?;
        }
        let result = (|| {
            let mut changes = Changes {
                conn: &self.conn,
                touched: Vec::new(),
            };
            let out = f(&mut changes)?;
            for (k, id) in drain_noted(&self.conn).map_err(StoreError::Audit)? {
                changes.touched.push((k, id, "update".to_string()));
            }
            log_touched(&self.conn, actor, &changes.touched).map_err(StoreError::Audit)?;
            Ok(out)
        })();
        match result {
            Ok(out) => {
                if own {
                    self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
                }
                Ok(out)
            }
            Err(e) => {
                if own && !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Err(e)
            }
        }
    }

    /// Entries logged at or after `since` (all when `None`), oldest first, at most `limit`
    /// (the first page of [`SqliteStore::audit_page`]).
    pub fn audit_entries(
        &self,
        since: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<LoggedEntry>, StoreError> {
        self.audit_page(since, None, limit)
    }

    /// Entries logged at or after `since` (all when `None`) whose sequence number is above
    /// `after` (all when `None`), oldest first, at most `limit`. `after` is how a reader pages
    /// through the log: a whole ingest batch shares one timestamp, so `since` alone cannot
    /// say where a page ended; the `seq` of the last entry read can.
    pub fn audit_page(
        &self,
        since: Option<DateTime<Utc>>,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<LoggedEntry>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit_log WHERE seq > ?1 AND at >= ?2 ORDER BY seq LIMIT ?3",
            AuditRow::COLUMNS
        );
        let since = since
            .map(|t| hudna_audit::format_timestamp(&t))
            .unwrap_or_default();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![after.unwrap_or(0), since, limit], audit_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The entries about one record, oldest first.
    pub fn audit_history(&self, kind: &str, id: &str) -> Result<Vec<LoggedEntry>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit_log WHERE record_kind = ?1 AND record_id = ?2 ORDER BY seq",
            AuditRow::COLUMNS
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![kind, id], audit_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Recomputes the chain and checks every audited table's rows against their last logged
    /// versions. A database error is an `Err`; a mismatch is a report with a `problem`.
    pub fn audit_verify(&self) -> Result<VerifyReport, StoreError> {
        let sql = format!("SELECT {} FROM audit_log ORDER BY seq", AuditRow::COLUMNS);
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query([]).map_err(|e| self.err(e))?;
        let mut verifier = ChainVerifier::new();
        let mut read = 0u64;
        let fail = |problem: String, entries: u64| VerifyReport {
            entries,
            head: None,
            rows: 0,
            problem: Some(problem),
            bad_rows: 0,
        };
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let row = audit_row(r).map_err(|e| self.err(e))?;
            read += 1;
            let entry = match row.parse() {
                Ok(e) => e,
                Err(e) => return Ok(fail(e.to_string(), read)),
            };
            if let Err(e) = verifier.push(&entry) {
                return Ok(fail(e.to_string(), read));
            }
        }
        drop(rows);
        drop(st);
        let summary = match verifier.finish() {
            Ok(s) => s,
            Err(e) => return Ok(fail(e.to_string(), read)),
        };
        let mut current: Vec<(&'static str, String, Hash)> = Vec::new();
        for kind in AUDITED {
            let mut st = self
                .conn
                .prepare(&kind.select_all())
                .map_err(|e| self.err(e))?;
            let mut rows = st.query([]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let id: String = r.get(0).map_err(|e| self.err(e))?;
                let obj = row_object(kind, r, 1).map_err(|e| self.err(e))?;
                let hash = record_hash(&obj).map_err(|e| StoreError::Audit(e.to_string()))?;
                current.push((kind.kind, id, hash));
            }
        }
        let dead = tombstone();
        let (rows_summary, faults) = all_row_faults(summary.latest, current);
        let faults: Vec<_> = faults
            .into_iter()
            .filter(|f| {
                !matches!(f.fault.as_ref(), hudna_audit::RowFault::Missing { logged, .. } if *logged == dead)
            })
            .collect();
        Ok(VerifyReport {
            entries: summary.entries,
            head: summary.head,
            rows: rows_summary.rows,
            bad_rows: faults.len() as u64,
            problem: faults.first().map(|f| f.to_string()),
        })
    }
}

// --- changes of what a kind covers ------------------------------------------------------

/// An article's audited columns; the syndication link comes last (schema 6 added it, see
/// [`ARTICLE_V5`]).
const ARTICLE_COLUMNS: &[(&str, &str)] = &[
    ("id", "id"),
    ("external_id", "external_id"),
    ("url", "url"),
    ("title", "title"),
    ("published", "published"),
    ("outlet", "outlet"),
    ("text", "text"),
    ("mentions", MENTIONS_OF_ARTICLE),
    ("canonical", CANONICAL_OF_ARTICLE),
];

/// An incident's audited columns; its links and settings come last (schema 6 added them,
/// see [`INCIDENT_V5`]).
const INCIDENT_COLUMNS: &[(&str, &str)] = &[
    ("public_id", "public_id"),
    ("type", "type"),
    ("date", "date"),
    ("date_precision", "date_precision"),
    ("reported", "reported"),
    ("place", "place"),
    ("admin1", "admin1"),
    ("lat", "lat"),
    ("lon", "lon"),
    ("precision", "precision"),
    ("perpetrator", "perpetrator"),
    ("contested", "contested"),
    ("grade", "grade"),
    ("killed", "killed"),
    ("injured", "injured"),
    ("target", "target"),
    ("target_actor", "target_actor"),
    ("claimed", "claimed"),
    ("investigation", "investigation"),
    ("sources", "sources"),
    ("reports", "reports"),
    ("visibility", "visibility"),
    ("links", LINKS_OF_INCIDENT),
    ("settings", SETTINGS_OF_INCIDENT),
];

/// Articles as audited before their syndication link was part of them (schema 5).
const ARTICLE_V5: AuditedKind = AuditedKind {
    kind: "article",
    table: "articles",
    filter: "1 = 1",
    one: None,
    id_column: "id",
    // Everything but the syndication link, the last column.
    columns: ARTICLE_COLUMNS.split_at(ARTICLE_COLUMNS.len() - 1).0,
};

/// Incidents as audited before their links and settings were part of them (schema 5).
const INCIDENT_V5: AuditedKind = AuditedKind {
    kind: "incident",
    table: "incidents",
    filter: "1 = 1",
    one: None,
    id_column: "public_id",
    // Everything but the links and settings, the last two columns.
    columns: INCIDENT_COLUMNS.split_at(INCIDENT_COLUMNS.len() - 2).0,
};

/// Schema step 6 made articles cover their syndication link and incidents their links and
/// settings, which changes the hash of every such record. Logs, by `system` with the action
/// `rehash`, the new hash of each record whose row still matches its last logged version
/// under the old definition; a record that does not (it was changed outside hudna before the
/// upgrade) is left as it is, so that `hudna audit verify` still names it. Returns how many
/// entries were written. Runs inside the migration's transaction.
pub(crate) fn rehash_after_step_6(conn: &Connection) -> Result<u64, String> {
    let mut prev = head(conn)?;
    if prev.is_none() {
        return Ok(0);
    }
    let at = Utc::now();
    let mut n = 0;
    for old in [&ARTICLE_V5, &INCIDENT_V5] {
        let new = audited_kind(old.kind).ok_or_else(|| format!("{} is not audited", old.kind))?;
        let mut logged: std::collections::HashMap<String, Hash> = Default::default();
        {
            // SQLite takes the other columns from the row holding the MAX.
            let mut st = conn
                .prepare(
                    "SELECT record_id, after_hash, MAX(seq) FROM audit_log \
                     WHERE record_kind = ?1 GROUP BY record_id",
                )
                .map_err(|e| e.to_string())?;
            let mut rows = st.query([old.kind]).map_err(|e| e.to_string())?;
            while let Some(r) = rows.next().map_err(|e| e.to_string())? {
                let id: String = r.get(0).map_err(|e| e.to_string())?;
                let hash: String = r.get(1).map_err(|e| e.to_string())?;
                logged.insert(
                    id,
                    hash.parse()
                        .map_err(|e: hudna_audit::BadHash| e.to_string())?,
                );
            }
        }
        let mut changed: Vec<(String, Hash, Hash)> = Vec::new();
        {
            let sql = format!(
                "SELECT CAST({} AS TEXT), {}, {} FROM {} WHERE {}",
                new.id_column,
                old.exprs(),
                new.exprs(),
                new.table,
                new.filter
            );
            let mut st = conn.prepare(&sql).map_err(|e| e.to_string())?;
            let mut rows = st.query([]).map_err(|e| e.to_string())?;
            while let Some(r) = rows.next().map_err(|e| e.to_string())? {
                let id: String = r.get(0).map_err(|e| e.to_string())?;
                let Some(last) = logged.get(&id) else {
                    continue;
                };
                let before = row_object(old, r, 1)
                    .map_err(|e| e.to_string())
                    .and_then(|v| record_hash(&v).map_err(|e| e.to_string()))?;
                if before != *last {
                    continue;
                }
                let after = row_object(new, r, 1 + old.columns.len())
                    .map_err(|e| e.to_string())
                    .and_then(|v| record_hash(&v).map_err(|e| e.to_string()))?;
                if after != before {
                    changed.push((id, before, after));
                }
            }
        }
        for (id, before, after) in changed {
            let entry = append_after(
                conn,
                prev,
                NewEntry {
                    at,
                    actor: Actor::System,
                    action: "rehash".into(),
                    record_kind: old.kind.to_string(),
                    record_id: id,
                    before: Some(before),
                    after,
                },
            )?;
            prev = Some(Head {
                seq: entry.seq,
                hash: entry.hash,
            });
            n += 1;
        }
    }
    Ok(n)
}

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        record_kind: r.get(4)?,
        record_id: r.get(5)?,
        before_hash: r.get(6)?,
        after_hash: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

#[cfg(test)]
mod tests;
