//! The embedded SQLite backend: one file, WAL, schema migrations applied on open.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Grade, IncidentType, Target};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use crate::model::{
    ArticleId, ClusterMention, DatePrecision, DayWindow, Dump, IncidentFilter, IncidentRecord,
    IncidentWithSources, MentionId, NewArticle, NewMention, SourceRecord, Spot,
};
use crate::{Store, StoreError};

mod truce;
pub use truce::peek_meta;

/// The schema, one step per release that changed it, applied in order on open. A later
/// issue adds its tables (truces, findings, organisations, the audit log) as new steps;
/// released steps are never edited.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "record", include_str!("../migrations/0001_record.sql")),
    (2, "truces", include_str!("../migrations/0002_truces.sql")),
    (
        3,
        "access_audit",
        include_str!("../migrations/0003_access_audit.sql"),
    ),
    (4, "audit_log", hudna_audit::AUDIT_LOG_SQL),
    (
        5,
        "spot_reported",
        include_str!("../migrations/0005_spot_reported.sql"),
    ),
    (
        6,
        "audit_links",
        include_str!("../migrations/0006_audit_links.sql"),
    ),
    (
        7,
        "finding_explanation_ar",
        include_str!("../migrations/0007_finding_explanation_ar.sql"),
    ),
];

pub mod access;
pub mod audit;
pub mod notifications;
pub mod read;

/// The record in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: String,
    /// Records changed by the batch in progress, logged in the audit log when it commits
    /// (see [`audit`]).
    pending_audit: Vec<audit::Pending>,
    /// Who the batch's changes are logged as (`None`: `system`).
    batch_actor: Option<hudna_audit::Actor>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, OpenFlags::default())
    }

    /// Opens the database at `path` and brings its schema up to date, refusing
    /// ([`StoreError::NoDatabase`]) when there is no file there: for commands that read the
    /// record, where a mistyped `--db` must be an error rather than a new, empty record that
    /// says everything is fine.
    pub fn open_existing(path: &Path) -> Result<SqliteStore, StoreError> {
        if !path.is_file() {
            return Err(StoreError::NoDatabase {
                path: path.display().to_string(),
            });
        }
        // Without CREATE, so that a file removed since the check is not made again.
        SqliteStore::open_with(path, OpenFlags::default() - OpenFlags::SQLITE_OPEN_CREATE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<SqliteStore, StoreError> {
        let name = path.display().to_string();
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| StoreError::Sqlite {
                path: name.clone(),
                source,
            })?;
        let mut store = SqliteStore {
            conn,
            path: name,
            pending_audit: Vec::new(),
            batch_actor: None,
        };
        store.setup()?;
        Ok(store)
    }

    /// An in-memory database (tests).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            source,
        })?;
        let mut store = SqliteStore {
            conn,
            path: ":memory:".into(),
            pending_audit: Vec::new(),
            batch_actor: None,
        };
        store.setup()?;
        Ok(store)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what,
        }
    }

    fn setup(&mut self) -> Result<(), StoreError> {
        // WAL: readers do not block the writer, and a killed writer leaves the last
        // committed batch intact. NORMAL sync is durable across process crashes (the case
        // we guard against); a power cut may lose the last batches, never corrupt the file.
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| self.err(e))?;
        self.conn
            .execute_batch(
                "PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 10000;
                 PRAGMA cache_size = -262144;
                 PRAGMA mmap_size = 1073741824;
                 PRAGMA wal_autocheckpoint = 16384;
                 PRAGMA temp_store = MEMORY;
                 CREATE TABLE IF NOT EXISTS schema_version (
                     version    INTEGER PRIMARY KEY,
                     name       TEXT NOT NULL,
                     applied_at TEXT NOT NULL
                 );",
            )
            .map_err(|e| self.err(e))?;
        self.conn.set_prepared_statement_cache_capacity(64);
        let current = self.schema_version()?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (version, name, sql) in MIGRATIONS {
            if *version <= current {
                continue;
            }
            let now = chrono::Utc::now().to_rfc3339();
            let tx = self.conn.transaction().map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
            let step = tx.execute_batch(sql).and_then(|_| {
                tx.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![version, name, now],
                )
            });
            if let Err(e) = step {
                return Err(StoreError::Sqlite {
                    path: format!("{} (migration {version:04} {name})", self.path),
                    source: e,
                });
            }
            // A step that changes what an audited kind covers logs the new hashes with it.
            if *version == 6 {
                audit::rehash_after_step_6(&tx).map_err(|e| {
                    StoreError::Audit(format!(
                        "{} (migration {version:04} {name}): {e}",
                        self.path
                    ))
                })?;
            }
            tx.commit().map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        }
        audit::install_change_notes(&self.conn).map_err(|e| self.err(e))?;
        Ok(())
    }

    fn one_i64(&self, sql: &str, p: impl rusqlite::Params) -> Result<Option<i64>, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        st.query_row(p, |r| r.get::<_, i64>(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<usize, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        st.execute(p).map_err(|e| self.err(e))
    }
}

// --- value encoding -----------------------------------------------------------------------

/// A window's bounds as the text the `date` and `reported` columns hold.
fn window_text(w: &DayWindow) -> [String; 4] {
    let t = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    [t(w.dated.0), t(w.dated.1), t(w.reported.0), t(w.reported.1)]
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse_date(s: Option<String>) -> Result<Option<NaiveDate>, String> {
    match s {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("bad date `{s}`")),
    }
}

fn parse_vocab<T: std::str::FromStr<Err = hudna_core::UnknownValue>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|e| e.to_string())
}

fn parse_opt_vocab<T: std::str::FromStr<Err = hudna_core::UnknownValue>>(
    s: Option<String>,
) -> Result<Option<T>, String> {
    s.map(|s| parse_vocab(&s)).transpose()
}

fn blob_u32(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn u32_blob(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn opt_u32(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

/// Columns of `spots` in the order [`spot_from_row`] reads them, from offset `at`.
const SPOT_COLS: &str = "s.id, s.type, s.date, s.place_key, s.admin1, s.lat, s.lon, s.precision, \
                         s.perpetrator, s.block, s.reported";
/// Number of [`SPOT_COLS`].
const SPOT_NCOLS: usize = 11;

fn spot_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Result<Spot, String>> {
    let kind: String = r.get(at + 1)?;
    let date: Option<String> = r.get(at + 2)?;
    let precision: Option<String> = r.get(at + 7)?;
    let id: i64 = r.get(at)?;
    let place_key: String = r.get(at + 3)?;
    let admin1: Option<String> = r.get(at + 4)?;
    let lat: Option<f64> = r.get(at + 5)?;
    let lon: Option<f64> = r.get(at + 6)?;
    let perpetrator: String = r.get(at + 8)?;
    let block: i64 = r.get(at + 9)?;
    let reported: Option<String> = r.get(at + 10)?;
    Ok((|| {
        Ok(Spot {
            id,
            kind: parse_vocab(&kind)?,
            date: parse_date(date)?,
            reported: parse_date(reported)?,
            place_key,
            admin1,
            lat,
            lon,
            precision: parse_opt_vocab::<GeoPrecision>(precision)?,
            perpetrator,
            block,
        })
    })())
}

/// Columns of `incidents` in the order [`incident_from_row`] reads them.
const INCIDENT_COLS: &str = "i.id, i.type, i.date, i.place, i.admin1, i.lat, i.lon, i.precision, \
     i.perpetrator, i.contested, i.grade, i.killed, i.injured, i.target, i.target_actor, \
     i.claimed, i.investigation, i.sources, i.reports, i.block, i.place_mention, i.public_id, \
     i.date_precision, i.reported";
const INCIDENT_NCOLS: usize = 24;

fn incident_from_row(r: &Row<'_>) -> rusqlite::Result<Result<IncidentRecord, String>> {
    let kind: String = r.get(1)?;
    let date: Option<String> = r.get(2)?;
    let precision: Option<String> = r.get(7)?;
    let grade: String = r.get(10)?;
    let target: String = r.get(13)?;
    let id: i64 = r.get(0)?;
    let place: Option<String> = r.get(3)?;
    let admin1: Option<String> = r.get(4)?;
    let lat: Option<f64> = r.get(5)?;
    let lon: Option<f64> = r.get(6)?;
    let perpetrator: String = r.get(8)?;
    let contested: bool = r.get(9)?;
    let killed: Option<i64> = r.get(11)?;
    let injured: Option<i64> = r.get(12)?;
    let target_actor: Option<String> = r.get(14)?;
    let claimed: bool = r.get(15)?;
    let investigation: Option<String> = r.get(16)?;
    let sources: u32 = r.get(17)?;
    let reports: u32 = r.get(18)?;
    let block: i64 = r.get(19)?;
    let place_mention: i64 = r.get(20)?;
    // Rows written before public ids existed were given theirs by migration 0002.
    let public_id: Option<i64> = r.get(21)?;
    let date_precision: Option<String> = r.get(22)?;
    let reported: Option<String> = r.get(23)?;
    Ok((|| {
        Ok(IncidentRecord {
            public_id: public_id.unwrap_or(id),
            id,
            kind: parse_vocab::<IncidentType>(&kind)?,
            date: parse_date(date)?,
            date_precision: date_precision
                .map(|p| {
                    DatePrecision::parse(&p).ok_or_else(|| format!("bad date precision `{p}`"))
                })
                .transpose()?,
            reported: parse_date(reported)?,
            place,
            admin1,
            lat,
            lon,
            geo_precision: parse_opt_vocab::<GeoPrecision>(precision)?,
            perpetrator,
            contested,
            grade: parse_vocab::<Grade>(&grade)?,
            killed: opt_u32(killed),
            injured: opt_u32(injured),
            target: parse_vocab::<Target>(&target)?,
            target_actor,
            claimed,
            investigation,
            sources,
            reports,
            block,
            place_mention,
        })
    })())
}

impl SqliteStore {
    fn write_incident(&self, sql: &str, i: &IncidentRecord) -> Result<(), StoreError> {
        self.exec(
            sql,
            params![
                i.id,
                i.kind.as_str(),
                date_text(i.date),
                i.place,
                i.admin1,
                i.lat,
                i.lon,
                i.geo_precision.map(GeoPrecision::as_str),
                i.perpetrator,
                i.contested,
                i.grade.as_str(),
                i.killed,
                i.injured,
                i.target.as_str(),
                i.target_actor,
                i.claimed,
                i.investigation,
                i.sources,
                i.reports,
                i.block,
                i.place_mention,
                i.public_id,
                i.date_precision.map(DatePrecision::as_str),
                date_text(i.reported),
            ],
        )?;
        Ok(())
    }
}

const PUT_INCIDENT: &str = "INSERT INTO incidents (id, type, date, place, admin1, lat, lon, \
     precision, perpetrator, contested, grade, killed, injured, target, target_actor, claimed, \
     investigation, sources, reports, block, place_mention, public_id, date_precision, reported) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, \
     ?20, ?21, ?22, ?23, ?24) ON CONFLICT (id) DO UPDATE SET type = excluded.type, date = excluded.date, \
     place = excluded.place, admin1 = excluded.admin1, lat = excluded.lat, lon = excluded.lon, \
     precision = excluded.precision, perpetrator = excluded.perpetrator, \
     contested = excluded.contested, grade = excluded.grade, killed = excluded.killed, \
     injured = excluded.injured, target = excluded.target, target_actor = excluded.target_actor, \
     claimed = excluded.claimed, investigation = excluded.investigation, \
     sources = excluded.sources, reports = excluded.reports, block = excluded.block, \
     place_mention = excluded.place_mention, public_id = excluded.public_id, \
     date_precision = excluded.date_precision, reported = excluded.reported";

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.flush_audit()?;
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    fn set_batch_actor(&mut self, actor: Option<hudna_audit::Actor>) {
        self.batch_actor = actor;
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.pending_audit.clear();
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK").map_err(|e| self.err(e))
    }

    fn article_by_hash(&mut self, hash: &[u8; 32]) -> Result<Option<ArticleId>, StoreError> {
        self.one_i64(
            "SELECT id FROM articles WHERE content_hash = ?1",
            params![&hash[..]],
        )
    }

    fn insert_article(&mut self, a: &NewArticle<'_>) -> Result<(), StoreError> {
        self.note_change("article", a.id, "create");
        if let Some(existing) = self.one_i64("SELECT 1 FROM articles WHERE id = ?1", [a.id])? {
            let _ = existing;
            return Err(StoreError::IdCollision { id: a.id });
        }
        self.exec(
            "INSERT INTO articles (id, content_hash, external_id, url, title, published, outlet, \
             text, source_file, source_format, source_locator, ingested_at, minhash, \
             syndication_group) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                a.id,
                &a.content_hash[..],
                a.external_id,
                a.url,
                a.title,
                date_text(a.published),
                a.outlet,
                a.text,
                a.source_file,
                a.source_format,
                a.source_locator,
                a.ingested_at,
                u32_blob(a.minhash),
                a.group,
            ],
        )?;
        Ok(())
    }

    fn article_count(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .one_i64("SELECT COUNT(*) FROM articles", [])?
            .unwrap_or(0) as u64)
    }

    fn minhash(&mut self, article: ArticleId) -> Result<Option<Vec<u32>>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT minhash FROM articles WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        st.query_row([article], |r| {
            r.get_ref(0).map(|v| v.as_blob().map(blob_u32))
        })
        .optional()
        .map_err(|e| self.err(e))?
        .transpose()
        .map_err(|e| self.corrupt(format!("article {article}: minhash: {e}")))
    }

    fn lsh_lookup(&mut self, keys: &[i64]) -> Result<Vec<(i64, i64, ArticleId)>, StoreError> {
        // One seek per bucket with one prepared statement: cheaper than an IN list, which
        // SQLite sorts through a temporary tree.
        let mut st = self
            .conn
            .prepare_cached("SELECT grp, article_id FROM lsh_bands WHERE band_key = ?1")
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for &key in keys {
            let mut rows = st.query([key]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let g: i64 = r.get(0).map_err(|e| self.err(e))?;
                let a: i64 = r.get(1).map_err(|e| self.err(e))?;
                out.push((key, g, a));
            }
        }
        out.sort_unstable_by_key(|&(k, g, a)| (g, a, k));
        Ok(out)
    }

    fn lsh_insert(&mut self, key: i64, group: i64, article: ArticleId) -> Result<(), StoreError> {
        self.exec(
            "INSERT OR IGNORE INTO lsh_bands (band_key, grp, article_id) VALUES (?1, ?2, ?3)",
            params![key, group, article],
        )?;
        Ok(())
    }

    fn group_members(&mut self, group: i64) -> Result<Vec<(ArticleId, Vec<u32>)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT id, minhash FROM articles WHERE syndication_group = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([group], |r| {
                Ok((r.get::<_, i64>(0)?, blob_u32(r.get_ref(1)?.as_blob()?)))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn group_size(&mut self, group: i64) -> Result<u64, StoreError> {
        Ok(self
            .one_i64(
                "SELECT COUNT(*) FROM articles WHERE syndication_group = ?1",
                [group],
            )?
            .unwrap_or(0) as u64)
    }

    fn regroup_article(
        &mut self,
        article: ArticleId,
        keys: &[i64],
        from: i64,
        to: i64,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE articles SET syndication_group = ?2 WHERE id = ?1",
            params![article, to],
        )?;
        for key in keys {
            self.exec(
                "DELETE FROM lsh_bands WHERE band_key = ?1 AND grp = ?2 AND article_id = ?3",
                params![key, from, article],
            )?;
            self.lsh_insert(*key, to, article)?;
        }
        Ok(())
    }

    fn group_canonical(&mut self, group: i64) -> Result<Option<ArticleId>, StoreError> {
        self.one_i64(
            "SELECT MIN(id) FROM articles WHERE syndication_group = ?1",
            [group],
        )
    }

    fn set_canonical(
        &mut self,
        article: ArticleId,
        canonical: Option<ArticleId>,
    ) -> Result<(), StoreError> {
        match canonical {
            Some(c) if c != article => self.exec(
                "INSERT INTO syndication (article_id, canonical_id) VALUES (?1, ?2) \
                 ON CONFLICT (article_id) DO UPDATE SET canonical_id = excluded.canonical_id",
                params![article, c],
            )?,
            _ => self.exec("DELETE FROM syndication WHERE article_id = ?1", [article])?,
        };
        Ok(())
    }

    fn repoint_canonical(&mut self, from: ArticleId, to: ArticleId) -> Result<(), StoreError> {
        self.exec(
            "UPDATE syndication SET canonical_id = ?2 WHERE canonical_id = ?1",
            params![from, to],
        )?;
        Ok(())
    }

    fn blocks_of_group(&mut self, group: i64) -> Result<Vec<i64>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT s.block FROM articles a JOIN mentions m ON m.article_id = a.id \
                 JOIN spots s ON s.id = m.spot WHERE a.syndication_group = ?1 ORDER BY s.block",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([group], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn mention_exists(&mut self, id: MentionId) -> Result<bool, StoreError> {
        Ok(self
            .one_i64("SELECT 1 FROM mentions WHERE id = ?1", [id])?
            .is_some())
    }

    fn spot_block(&mut self, id: i64) -> Result<Option<i64>, StoreError> {
        self.one_i64("SELECT block FROM spots WHERE id = ?1", [id])
    }

    fn insert_spot(&mut self, s: &Spot) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO spots (id, type, date, place_key, admin1, lat, lon, precision, \
             perpetrator, block, reported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.id,
                s.kind.as_str(),
                date_text(s.date),
                s.place_key,
                s.admin1,
                s.lat,
                s.lon,
                s.precision.map(GeoPrecision::as_str),
                s.perpetrator,
                s.block,
                date_text(s.reported),
            ],
        )?;
        Ok(())
    }

    fn spots_in_box(
        &mut self,
        kind: &str,
        days: Option<&DayWindow>,
        lat: (f64, f64),
        lon: (f64, f64),
    ) -> Result<Vec<Spot>, StoreError> {
        match days {
            Some(w) => {
                let [d0, d1, r0, r1] = window_text(w);
                let sql = format!(
                    "SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 AND s.date BETWEEN ?6 AND ?7 \
                     AND s.lat BETWEEN ?2 AND ?3 AND s.lon BETWEEN ?4 AND ?5 \
                     UNION ALL SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 \
                     AND s.date IS NULL AND s.lat BETWEEN ?2 AND ?3 AND s.lon BETWEEN ?4 AND ?5 \
                     AND (s.reported IS NULL OR s.reported BETWEEN ?8 AND ?9) ORDER BY 1"
                );
                self.spots_query(
                    &sql,
                    params![kind, lat.0, lat.1, lon.0, lon.1, d0, d1, r0, r1],
                )
            }
            None => {
                let sql = format!(
                    "SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 AND s.lat BETWEEN ?2 AND ?3 \
                     AND s.lon BETWEEN ?4 AND ?5 ORDER BY s.id"
                );
                self.spots_query(&sql, params![kind, lat.0, lat.1, lon.0, lon.1])
            }
        }
    }

    fn spots_named(
        &mut self,
        kind: &str,
        place_key: &str,
        days: Option<&DayWindow>,
    ) -> Result<Vec<Spot>, StoreError> {
        match days {
            Some(w) => {
                let [d0, d1, r0, r1] = window_text(w);
                let sql = format!(
                    "SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 AND s.place_key = ?2 \
                     AND s.date BETWEEN ?3 AND ?4 \
                     UNION ALL SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 \
                     AND s.place_key = ?2 AND s.date IS NULL \
                     AND (s.reported IS NULL OR s.reported BETWEEN ?5 AND ?6) ORDER BY 1"
                );
                self.spots_query(&sql, params![kind, place_key, d0, d1, r0, r1])
            }
            None => {
                let sql = format!(
                    "SELECT {SPOT_COLS} FROM spots s WHERE s.type = ?1 AND s.place_key = ?2 \
                     ORDER BY s.id"
                );
                self.spots_query(&sql, params![kind, place_key])
            }
        }
    }

    fn block_size(&mut self, block: i64) -> Result<u64, StoreError> {
        Ok(self
            .one_i64("SELECT COUNT(*) FROM spots WHERE block = ?1", [block])?
            .unwrap_or(0) as u64)
    }

    fn relabel_block(&mut self, from: i64, to: i64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE spots SET block = ?2 WHERE block = ?1",
            params![from, to],
        )?;
        self.exec(
            "UPDATE incidents SET block = ?2 WHERE block = ?1",
            params![from, to],
        )?;
        Ok(())
    }

    fn insert_mention(&mut self, m: &NewMention<'_>) -> Result<(), StoreError> {
        match m.article {
            Some(a) => self.note_change("article", a, "create"),
            None => self.note_change("mention", m.id, "create"),
        }
        let i = m.incident;
        let evidence = serde_json::to_string(&i.evidence).unwrap_or_else(|_| "[]".into());
        self.exec(
            "INSERT INTO mentions (id, article_id, ordinal, source_ref, source_note, type, date, \
             place, admin1, lat, lon, precision, perpetrator, target, target_actor, killed, \
             injured, claimed, evidence, spot, source_group) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
             ?18, ?19, ?20, ?21)",
            params![
                m.id,
                m.article,
                m.ordinal,
                m.source_ref,
                m.source_note,
                i.kind.as_str(),
                date_text(i.date),
                i.place,
                i.admin1,
                i.lat,
                i.lon,
                i.geo_precision.map(GeoPrecision::as_str),
                i.perpetrator,
                i.target.as_str(),
                i.target_actor,
                i.killed,
                i.injured,
                i.claimed,
                evidence,
                m.spot,
                m.source_group,
            ],
        )?;
        Ok(())
    }

    fn block_mentions(&mut self, block: i64) -> Result<Vec<ClusterMention>, StoreError> {
        let sql = format!(
            "SELECT {SPOT_COLS}, m.id, m.article_id, COALESCE(a.syndication_group, m.source_group), \
             m.place, m.target, \
             m.target_actor, m.killed, m.injured, m.claimed, l.incident_id, a.published \
             FROM spots s JOIN mentions m ON m.spot = s.id \
             LEFT JOIN articles a ON a.id = m.article_id \
             LEFT JOIN incident_sources l ON l.mention_id = m.id \
             WHERE s.block = ?1 ORDER BY m.id"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([block], |r| {
                let spot = spot_from_row(r, 0)?;
                // The mention's own columns follow the spot's.
                let c = SPOT_NCOLS;
                let target: String = r.get(c + 4)?;
                Ok((|| {
                    Ok::<_, String>(ClusterMention {
                        spot: spot?,
                        id: r.get(c).map_err(|e| e.to_string())?,
                        article: r.get(c + 1).map_err(|e| e.to_string())?,
                        group: r.get(c + 2).map_err(|e| e.to_string())?,
                        place: r.get(c + 3).map_err(|e| e.to_string())?,
                        target: parse_vocab(&target)?,
                        target_actor: r.get(c + 5).map_err(|e| e.to_string())?,
                        killed: opt_u32(r.get(c + 6).map_err(|e| e.to_string())?),
                        injured: opt_u32(r.get(c + 7).map_err(|e| e.to_string())?),
                        claimed: r.get(c + 8).map_err(|e| e.to_string())?,
                        incident: r.get(c + 9).map_err(|e| e.to_string())?,
                        published: parse_date(r.get(c + 10).map_err(|e| e.to_string())?)?,
                    })
                })())
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.err(e))?;
            out.push(row.map_err(|e| self.corrupt(format!("block {block}: {e}")))?);
        }
        Ok(out)
    }

    fn incident(&mut self, id: i64) -> Result<Option<IncidentRecord>, StoreError> {
        let sql = format!("SELECT {INCIDENT_COLS} FROM incidents i WHERE i.id = ?1");
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let got = st
            .query_row([id], incident_from_row)
            .optional()
            .map_err(|e| self.err(e))?;
        got.transpose()
            .map_err(|e| self.corrupt(format!("incident {id}: {e}")))
    }

    // Incidents, their links and their settings are noted for the audit log by the
    // connection's triggers (`sqlite::audit`), including a public id that moves to another
    // row or goes with a deleted one.
    fn put_incident(&mut self, incident: &IncidentRecord) -> Result<(), StoreError> {
        self.write_incident(PUT_INCIDENT, incident)
    }

    fn delete_incident(&mut self, id: i64) -> Result<(), StoreError> {
        self.exec("DELETE FROM incident_votes WHERE incident_id = ?1", [id])?;
        self.exec("DELETE FROM incidents WHERE id = ?1", [id])?;
        Ok(())
    }

    fn block_incidents(&mut self, block: i64) -> Result<Vec<(IncidentRecord, Spot)>, StoreError> {
        let sql = format!(
            "SELECT {INCIDENT_COLS}, {SPOT_COLS} FROM incidents i \
             JOIN mentions m ON m.id = i.id JOIN spots s ON s.id = m.spot \
             WHERE i.block = ?1 ORDER BY i.id"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([block], |r| {
                Ok((incident_from_row(r)?, spot_from_row(r, INCIDENT_NCOLS)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (i, s) = row.map_err(|e| self.err(e))?;
            let i = i.map_err(|e| self.corrupt(format!("block {block}: {e}")))?;
            let s = s.map_err(|e| self.corrupt(format!("block {block}: {e}")))?;
            out.push((i, s));
        }
        Ok(out)
    }

    fn votes(&mut self, incident: i64) -> Result<Vec<(u8, String, u32)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT field, value, COUNT(*) FROM incident_votes WHERE incident_id = ?1 \
                 GROUP BY field, value ORDER BY field, value",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([incident], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    fn rename_incident(&mut self, from: i64, to: i64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE incident_sources SET incident_id = ?2 WHERE incident_id = ?1",
            params![from, to],
        )?;
        self.exec(
            "INSERT OR IGNORE INTO incident_votes (incident_id, field, value, grp) \
             SELECT ?2, field, value, grp FROM incident_votes WHERE incident_id = ?1",
            params![from, to],
        )?;
        self.exec("DELETE FROM incident_votes WHERE incident_id = ?1", [from])?;
        Ok(())
    }

    fn clear_votes(&mut self, incident: i64) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM incident_votes WHERE incident_id = ?1",
            [incident],
        )?;
        Ok(())
    }

    fn add_votes(&mut self, incident: i64, votes: &[(u8, String, i64)]) -> Result<(), StoreError> {
        for (field, value, grp) in votes {
            self.exec(
                "INSERT OR IGNORE INTO incident_votes (incident_id, field, value, grp) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![incident, field, value, grp],
            )?;
        }
        Ok(())
    }

    fn link(
        &mut self,
        mention: MentionId,
        incident: i64,
        attribution: &str,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO incident_sources (mention_id, incident_id, attribution) \
             VALUES (?1, ?2, ?3) ON CONFLICT (mention_id) DO UPDATE SET \
             incident_id = excluded.incident_id, attribution = excluded.attribution",
            params![mention, incident, attribution],
        )?;
        Ok(())
    }

    fn incident_count(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .one_i64("SELECT COUNT(*) FROM incidents", [])?
            .unwrap_or(0) as u64)
    }

    fn public_id_taken(&mut self, public_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .one_i64(
                "SELECT 1 FROM incidents WHERE public_id = ?1 \
                 UNION ALL SELECT 1 FROM incident_aliases WHERE public_id = ?1 LIMIT 1",
                [public_id],
            )?
            .is_some())
    }

    fn retire_public_id(&mut self, public_id: i64, into: i64) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO incident_aliases (public_id, into_public_id) VALUES (?1, ?2) \
             ON CONFLICT (public_id) DO UPDATE SET into_public_id = excluded.into_public_id",
            params![public_id, into],
        )?;
        Ok(())
    }

    fn resolve_public_id(&mut self, public_id: i64) -> Result<Option<i64>, StoreError> {
        let mut at = public_id;
        // A chain of merges is short; the bound only guards against a hand-edited cycle.
        for _ in 0..64 {
            if self
                .one_i64("SELECT 1 FROM incidents WHERE public_id = ?1", [at])?
                .is_some()
            {
                return Ok(Some(at));
            }
            match self.one_i64(
                "SELECT into_public_id FROM incident_aliases WHERE public_id = ?1",
                [at],
            )? {
                Some(next) => at = next,
                None => return Ok(None),
            }
        }
        Err(self.corrupt(format!("incident id {public_id}: the merges form a cycle")))
    }

    fn incident_by_public_id(
        &mut self,
        public_id: i64,
    ) -> Result<Option<IncidentRecord>, StoreError> {
        let Some(id) = self.resolve_public_id(public_id)? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {INCIDENT_COLS} FROM incidents i WHERE i.public_id = ?1 ORDER BY i.id LIMIT 1"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let got = st
            .query_row([id], incident_from_row)
            .optional()
            .map_err(|e| self.err(e))?;
        got.transpose()
            .map_err(|e| self.corrupt(format!("incident {id}: {e}")))
    }

    fn incidents(
        &mut self,
        filter: &IncidentFilter,
        visit: &mut dyn FnMut(&IncidentRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut count = 0u64;
        for (wher, values) in filter_passes(filter) {
            let sql = format!(
                "SELECT {INCIDENT_COLS} FROM incidents i WHERE {wher} ORDER BY i.date, i.id"
            );
            let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
            let mut rows =
                st.query(rusqlite::params_from_iter(values))
                    .map_err(|e| StoreError::Sqlite {
                        path: self.path.clone(),
                        source: e,
                    })?;
            loop {
                let row = rows.next().map_err(|e| StoreError::Sqlite {
                    path: self.path.clone(),
                    source: e,
                })?;
                let Some(r) = row else { break };
                let id: i64 = r.get(0).map_err(|e| StoreError::Sqlite {
                    path: self.path.clone(),
                    source: e,
                })?;
                let incident = incident_from_row(r)
                    .map_err(|e| StoreError::Sqlite {
                        path: self.path.clone(),
                        source: e,
                    })?
                    .map_err(|e| StoreError::Corrupt {
                        path: self.path.clone(),
                        what: format!("incident {id}: {e}"),
                    })?;
                visit(&incident)?;
                count += 1;
            }
        }
        Ok(count)
    }

    fn export(
        &mut self,
        filter: &IncidentFilter,
        visit: &mut dyn FnMut(&IncidentWithSources) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let sql_err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let corrupt = |what: String| StoreError::Corrupt {
            path: path.clone(),
            what,
        };
        let mut count = 0u64;
        for (wher, values) in filter_passes(filter) {
            // The incidents come in index order (date, id); each one's links come sorted by
            // mention from `incident_sources_by_incident`, so nothing is sorted and rows
            // stream from the first.
            let sql = format!(
                "SELECT {INCIDENT_COLS}, m.id, m.article_id, a.external_id, a.url, a.title, \
                 a.outlet, a.published, sy.canonical_id, m.source_ref, m.source_note, \
                 m.perpetrator, m.date, m.place, m.killed, m.injured, m.evidence \
                 FROM incidents i \
                 JOIN incident_sources l ON l.incident_id = i.id \
                 JOIN mentions m ON m.id = l.mention_id \
                 LEFT JOIN articles a ON a.id = m.article_id \
                 LEFT JOIN syndication sy ON sy.article_id = m.article_id \
                 WHERE {wher} ORDER BY i.date, i.id, l.mention_id"
            );
            let mut st = self.conn.prepare(&sql).map_err(sql_err)?;
            let mut rows = st
                .query(rusqlite::params_from_iter(values))
                .map_err(sql_err)?;
            let mut current: Option<IncidentWithSources> = None;
            while let Some(r) = rows.next().map_err(sql_err)? {
                let id: i64 = r.get(0).map_err(sql_err)?;
                if current.as_ref().is_none_or(|c| c.incident.id != id) {
                    if let Some(done) = current.take() {
                        visit(&done)?;
                        count += 1;
                    }
                    let incident = incident_from_row(r)
                        .map_err(sql_err)?
                        .map_err(|e| corrupt(format!("incident {id}: {e}")))?;
                    current = Some(IncidentWithSources {
                        incident,
                        sources_list: Vec::new(),
                    });
                }
                let c = INCIDENT_NCOLS;
                let evidence: String = r.get(c + 15).map_err(sql_err)?;
                let published: Option<String> = r.get(c + 6).map_err(sql_err)?;
                let date: Option<String> = r.get(c + 11).map_err(sql_err)?;
                let source = SourceRecord {
                    mention_id: r.get(c).map_err(sql_err)?,
                    article_id: r.get(c + 1).map_err(sql_err)?,
                    external_id: r.get(c + 2).map_err(sql_err)?,
                    url: r.get(c + 3).map_err(sql_err)?,
                    title: r.get(c + 4).map_err(sql_err)?,
                    outlet: r.get(c + 5).map_err(sql_err)?,
                    published: parse_date(published).map_err(corrupt)?,
                    syndicated_from: r.get(c + 7).map_err(sql_err)?,
                    source_ref: r.get(c + 8).map_err(sql_err)?,
                    source_note: r.get(c + 9).map_err(sql_err)?,
                    perpetrator: r.get(c + 10).map_err(sql_err)?,
                    date: parse_date(date).map_err(corrupt)?,
                    place: r.get(c + 12).map_err(sql_err)?,
                    killed: opt_u32(r.get(c + 13).map_err(sql_err)?),
                    injured: opt_u32(r.get(c + 14).map_err(sql_err)?),
                    evidence: serde_json::from_str(&evidence)
                        .map_err(|e| corrupt(format!("mention evidence `{evidence}`: {e}")))?,
                };
                if let Some(cur) = current.as_mut() {
                    cur.sources_list.push(source);
                }
            }
            if let Some(done) = current.take() {
                visit(&done)?;
                count += 1;
            }
        }
        Ok(count)
    }

    fn insert_synthetic(&mut self, incidents: &[IncidentRecord]) -> Result<(), StoreError> {
        for i in incidents {
            let spot = Spot {
                id: i.id,
                kind: i.kind,
                date: i.date,
                reported: None,
                place_key: i.place.clone().unwrap_or_default(),
                admin1: i.admin1.clone(),
                lat: i.lat,
                lon: i.lon,
                precision: i.geo_precision,
                perpetrator: i.perpetrator.clone(),
                block: i.id,
            };
            self.insert_spot(&spot)?;
            let core = hudna_core::Incident {
                article_id: String::new(),
                kind: i.kind,
                date: i.date,
                place: i.place.clone(),
                admin1: i.admin1.clone(),
                lat: i.lat,
                lon: i.lon,
                perpetrator: i.perpetrator.clone(),
                target: i.target,
                target_actor: i.target_actor.clone(),
                killed: i.killed,
                injured: i.injured,
                claimed: i.claimed,
                geo_precision: i.geo_precision,
                evidence: Vec::new(),
            };
            let source_ref = format!("synthetic:{}", i.id);
            self.insert_mention(&NewMention {
                id: i.id,
                article: None,
                ordinal: 0,
                source_ref: Some(&source_ref),
                source_note: Some("generated for a benchmark"),
                source_group: None,
                incident: &core,
                spot: i.id,
            })?;
            self.write_incident(
                "INSERT INTO incidents (id, type, date, place, admin1, lat, lon, precision, \
                 perpetrator, contested, grade, killed, injured, target, target_actor, claimed, \
                 investigation, sources, reports, block, place_mention, public_id, date_precision, \
                 reported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
                 ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
                i,
            )?;
            self.link(i.id, i.id, &i.perpetrator)?;
        }
        // Generated benchmark data is not part of any record: it is not audited.
        self.pending_audit.clear();
        audit::forget_noted(&self.conn).map_err(|e| self.err(e))?;
        Ok(())
    }

    fn dump(&mut self, out: &mut dyn Write) -> Result<Dump, StoreError> {
        let mut counts = Dump::default();
        // Public ids come last, in sections of their own: they depend on the order reports
        // arrived in (an id once given is kept), everything above only on the set of reports.
        let mut public = 0u64;
        let mut aliases = 0u64;
        let tables: [(&str, &str, &mut u64); 7] = [
            (
                "articles",
                "SELECT id, hex(content_hash), external_id, url, title, published, outlet, \
                 source_file, source_format, source_locator, length(text) FROM articles ORDER BY id",
                &mut counts.articles,
            ),
            (
                "syndication",
                "SELECT article_id, canonical_id FROM syndication ORDER BY article_id",
                &mut counts.syndication,
            ),
            (
                "mentions",
                "SELECT id, article_id, ordinal, source_ref, source_note, type, date, place, \
                 admin1, lat, lon, precision, perpetrator, target, target_actor, killed, injured, \
                 claimed, evidence, spot FROM mentions ORDER BY id",
                &mut counts.mentions,
            ),
            (
                "incidents",
                "SELECT id, type, date, place, admin1, lat, lon, precision, perpetrator, \
                 contested, grade, killed, injured, target, target_actor, claimed, investigation, \
                 sources, reports, date_precision, reported FROM incidents ORDER BY id",
                &mut counts.incidents,
            ),
            (
                "links",
                "SELECT mention_id, incident_id, attribution FROM incident_sources \
                 ORDER BY mention_id",
                &mut counts.links,
            ),
            (
                "public ids",
                "SELECT id, public_id FROM incidents ORDER BY id",
                &mut public,
            ),
            (
                "incident aliases",
                "SELECT public_id, into_public_id FROM incident_aliases ORDER BY public_id",
                &mut aliases,
            ),
        ];
        let path = self.path.clone();
        let sql_err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        for (name, sql, count) in tables {
            writeln!(out, "## {name}")?;
            let mut st = self.conn.prepare(sql).map_err(sql_err)?;
            let n = st.column_count();
            let mut rows = st.query([]).map_err(sql_err)?;
            while let Some(r) = rows.next().map_err(sql_err)? {
                let mut line = String::new();
                for c in 0..n {
                    if c > 0 {
                        line.push('\t');
                    }
                    use rusqlite::types::ValueRef;
                    match r.get_ref(c).map_err(sql_err)? {
                        ValueRef::Null => line.push_str("NULL"),
                        ValueRef::Integer(i) => line.push_str(&i.to_string()),
                        ValueRef::Real(f) => line.push_str(&format!("{f:?}")),
                        ValueRef::Text(t) => {
                            for ch in String::from_utf8_lossy(t).chars() {
                                match ch {
                                    '\t' => line.push_str("\\t"),
                                    '\n' => line.push_str("\\n"),
                                    '\\' => line.push_str("\\\\"),
                                    c => line.push(c),
                                }
                            }
                        }
                        ValueRef::Blob(b) => {
                            for byte in b {
                                line.push_str(&format!("{byte:02x}"));
                            }
                        }
                    }
                }
                writeln!(out, "{line}")?;
                *count += 1;
            }
        }
        Ok(counts)
    }
}

/// The WHERE clauses of a filtered listing, one per pass: dated incidents first, then the
/// undated ones. Two passes let each follow an index's order instead of sorting NULLs last.
///
/// Day bounds apply to an incident's day, or for one no source gives a day, to the
/// publication day it is dated by (`reported`); an incident with neither is left out by a
/// bound. The server's listing applies the same rule (`read::IncidentQuery`).
fn filter_passes(filter: &IncidentFilter) -> Vec<(String, Vec<rusqlite::types::Value>)> {
    use rusqlite::types::Value as V;
    let mut clauses: Vec<&str> = Vec::new();
    let mut values: Vec<V> = Vec::new();
    if let Some(a) = &filter.admin1 {
        clauses.push("i.admin1 = ?");
        values.push(V::Text(a.clone()));
    }
    if let Some(k) = filter.kind {
        clauses.push("i.type = ?");
        values.push(V::Text(k.as_str().into()));
    }
    if let Some(p) = &filter.perpetrator {
        clauses.push("i.perpetrator = ?");
        values.push(V::Text(p.clone()));
    }
    if let Some(g) = filter.grade {
        clauses.push("i.grade = ?");
        values.push(V::Text(g.as_str().into()));
    }
    [
        ("i.date IS NOT NULL", "i.date"),
        ("i.date IS NULL", "i.reported"),
    ]
    .into_iter()
    .map(|(pass, day)| {
        let mut all: Vec<String> = clauses.iter().map(|c| c.to_string()).collect();
        let mut vals = values.clone();
        all.push(pass.to_string());
        for (bound, op) in [(filter.since, ">="), (filter.until, "<=")] {
            if let Some(d) = bound {
                all.push(format!("{day} {op} ?"));
                vals.push(V::Text(d.format("%Y-%m-%d").to_string()));
            }
        }
        (all.join(" AND "), vals)
    })
    .collect()
}

impl SqliteStore {
    fn spots_query(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<Spot>, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(p, |r| spot_from_row(r, 0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.err(e))?;
            out.push(row.map_err(|e| self.corrupt(format!("spot: {e}")))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
