//! Truces, findings and checks in SQLite (tables of migration 0002).

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use super::SqliteStore;
use crate::truce::{
    CheckRun, CheckState, FindingChange, FindingFilter, NewTruceVersion, StoredFinding,
    StoredProposal, TermRow, TruceStore, TruceSummary, TruceVersion,
};
use crate::StoreError;

/// Reads one fact of `record_meta` without creating, migrating or writing anything: what
/// `hudna demo` asks before it agrees to replace a file. `Ok(None)` when the file is a
/// database without that fact (or without the table); an error when it is not a database.
pub fn peek_meta(path: &Path, key: &str) -> Result<Option<String>, StoreError> {
    let name = path.display().to_string();
    let err = |source| StoreError::Sqlite {
        path: name.clone(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    let has_table: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_meta'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(err)?;
    if has_table.is_none() {
        return Ok(None);
    }
    conn.query_row("SELECT value FROM record_meta WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .map_err(err)
}

/// Columns of `findings` in the order [`finding_from_row`] reads them.
pub(crate) const FINDING_COLS: &str =
    "incident_id, truce_id, truce_version, term, rule, severity, \
     confidence, distance_km, explanation, proposal_term, proposal_effect, first_run, run, \
     explanation_ar";

pub(crate) fn finding_from_row(r: &Row<'_>) -> rusqlite::Result<StoredFinding> {
    let proposal_term: String = r.get(9)?;
    let proposal_effect: String = r.get(10)?;
    Ok(StoredFinding {
        incident: r.get(0)?,
        truce: r.get(1)?,
        truce_version: r.get(2)?,
        term: r.get(3)?,
        rule: r.get(4)?,
        severity: r.get(5)?,
        confidence: r.get(6)?,
        distance_km: r.get(7)?,
        explanation: r.get(8)?,
        proposal: (!proposal_term.is_empty()).then_some(StoredProposal {
            term: proposal_term,
            effect: proposal_effect,
        }),
        first_run: r.get(11)?,
        run: r.get(12)?,
        explanation_ar: r.get(13)?,
    })
}

/// The proposal columns of a finding: empty strings under the terms in force, so that the
/// primary key holds (SQLite keys treat NULLs as distinct).
fn proposal_cols(f: &StoredFinding) -> (&str, &str) {
    f.proposal
        .as_ref()
        .map_or(("", ""), |p| (p.term.as_str(), p.effect.as_str()))
}

const RUN_COLS: &str = "id, truce_id, truce_version, previous_version, started_at, seconds, \
     incidents, evaluated, undated, unlocated, gone, findings, added, removed, changed, \
     term_changes";

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<CheckRun> {
    let n = |i: usize| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
    Ok(CheckRun {
        id: r.get(0)?,
        truce: r.get(1)?,
        truce_version: r.get(2)?,
        previous_version: r.get(3)?,
        started_at: r.get(4)?,
        seconds: r.get(5)?,
        incidents: n(6)?,
        evaluated: n(7)?,
        undated: n(8)?,
        unlocated: n(9)?,
        gone: n(10)?,
        findings: n(11)?,
        added: n(12)?,
        removed: n(13)?,
        changed: n(14)?,
        term_changes: r.get(15)?,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SqliteStore {
    fn rows<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = st.query_map(p, f).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

impl TruceStore for SqliteStore {
    fn truce_list(&mut self) -> Result<Vec<TruceSummary>, StoreError> {
        self.rows(
            "SELECT t.id, t.current_version, v.name_en, v.name_ar, v.loaded_at, v.source, \
             (SELECT COUNT(*) FROM truce_terms tt WHERE tt.truce_id = t.id \
              AND tt.version = t.current_version), \
             (SELECT COUNT(*) FROM findings f WHERE f.truce_id = t.id) \
             FROM truces t JOIN truce_versions v ON v.truce_id = t.id \
             AND v.version = t.current_version ORDER BY t.id",
            [],
            |r| {
                Ok(TruceSummary {
                    id: r.get(0)?,
                    current_version: r.get(1)?,
                    name_en: r.get(2)?,
                    name_ar: r.get(3)?,
                    loaded_at: r.get(4)?,
                    source: r.get(5)?,
                    terms: r.get(6)?,
                    findings: r.get::<_, i64>(7)?.max(0) as u64,
                })
            },
        )
    }

    fn truce_version(
        &mut self,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<TruceVersion>, StoreError> {
        let current: Option<u32> = self
            .one_i64("SELECT current_version FROM truces WHERE id = ?1", [id])?
            .map(|v| v as u32);
        let Some(current) = current else {
            return Ok(None);
        };
        let version = version.unwrap_or(current);
        let head = self
            .conn
            .prepare_cached(
                "SELECT content_hash, source, name_en, name_ar, loaded_at, changes, toml \
                 FROM truce_versions WHERE truce_id = ?1 AND version = ?2",
            )
            .map_err(|e| self.err(e))?
            .query_row(params![id, version], |r| {
                Ok((
                    hex(&r.get::<_, Vec<u8>>(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((content_hash, source, name_en, name_ar, loaded_at, changes, toml)) = head else {
            return Ok(None);
        };
        let files = self.rows(
            "SELECT path, content FROM truce_files WHERE truce_id = ?1 AND version = ?2 \
             ORDER BY path",
            params![id, version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let terms = self.rows(
            "SELECT term_id, kind, status, label FROM truce_terms \
             WHERE truce_id = ?1 AND version = ?2 ORDER BY ordinal",
            params![id, version],
            |r| {
                Ok(TermRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    status: r.get(2)?,
                    label: r.get(3)?,
                })
            },
        )?;
        Ok(Some(TruceVersion {
            truce_id: id.to_string(),
            version,
            current: version == current,
            content_hash,
            source,
            name_en,
            name_ar,
            loaded_at,
            changes,
            toml,
            files,
            terms,
        }))
    }

    fn truce_versions(&mut self, id: &str) -> Result<Vec<u32>, StoreError> {
        self.rows(
            "SELECT version FROM truce_versions WHERE truce_id = ?1 ORDER BY version",
            [id],
            |r| r.get(0),
        )
    }

    fn insert_truce_version(&mut self, v: &NewTruceVersion<'_>) -> Result<u32, StoreError> {
        // A new version says what changed since the current one: never build it on terms
        // edited outside hudna.
        self.expect_truce_unchanged(v.truce_id)?;
        let last = self
            .one_i64(
                "SELECT COALESCE(MAX(version), 0) FROM truce_versions WHERE truce_id = ?1",
                [v.truce_id],
            )?
            .unwrap_or(0);
        let version = (last + 1) as u32;
        self.exec(
            "INSERT INTO truces (id, current_version) VALUES (?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET current_version = excluded.current_version",
            params![v.truce_id, version],
        )?;
        self.exec(
            "INSERT INTO truce_versions (truce_id, version, content_hash, source, name_en, \
             name_ar, loaded_at, changes, toml) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                v.truce_id,
                version,
                &v.content_hash[..],
                v.source,
                v.name_en,
                v.name_ar,
                v.loaded_at,
                v.changes,
                v.toml
            ],
        )?;
        self.note_change("truce", v.truce_id, "update");
        self.note_change(
            "truce_version",
            format!("{}@{version}", v.truce_id),
            "create",
        );
        for (path, content) in v.files {
            self.exec(
                "INSERT INTO truce_files (truce_id, version, path, content) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![v.truce_id, version, path, content],
            )?;
        }
        for (ordinal, t) in v.terms.iter().enumerate() {
            self.exec(
                "INSERT INTO truce_terms (truce_id, version, ordinal, term_id, kind, status, \
                 label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    v.truce_id,
                    version,
                    ordinal as i64,
                    t.id,
                    t.kind,
                    t.status,
                    t.label
                ],
            )?;
        }
        Ok(version)
    }

    fn check_state(&mut self, truce: &str) -> Result<Vec<CheckState>, StoreError> {
        self.rows(
            "SELECT incident_id, incident_hash, truce_version FROM check_state \
             WHERE truce_id = ?1 ORDER BY incident_id",
            [truce],
            |r| {
                Ok(CheckState {
                    incident: r.get(0)?,
                    hash: r.get(1)?,
                    version: r.get(2)?,
                })
            },
        )
    }

    fn put_check_state(&mut self, truce: &str, rows: &[CheckState]) -> Result<(), StoreError> {
        for s in rows {
            self.exec(
                "INSERT INTO check_state (truce_id, incident_id, incident_hash, truce_version) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (truce_id, incident_id) DO UPDATE SET \
                 incident_hash = excluded.incident_hash, truce_version = excluded.truce_version",
                params![truce, s.incident, s.hash, s.version],
            )?;
        }
        Ok(())
    }

    fn forget_incidents(&mut self, truce: &str, incidents: &[i64]) -> Result<(), StoreError> {
        for id in incidents {
            self.note_change("findings", format!("{truce}|{id}"), "update");
            self.exec(
                "DELETE FROM check_state WHERE truce_id = ?1 AND incident_id = ?2",
                params![truce, id],
            )?;
            self.exec(
                "DELETE FROM findings WHERE truce_id = ?1 AND incident_id = ?2",
                params![truce, id],
            )?;
        }
        Ok(())
    }

    fn set_checked_version(&mut self, truce: &str, version: u32) -> Result<(), StoreError> {
        let touched: Vec<i64> = self.rows(
            "SELECT DISTINCT incident_id FROM findings WHERE truce_id = ?1 AND truce_version != ?2",
            params![truce, version],
            |r| r.get(0),
        )?;
        for id in touched {
            self.note_change("findings", format!("{truce}|{id}"), "update");
        }
        self.exec(
            "UPDATE check_state SET truce_version = ?2 WHERE truce_id = ?1 AND truce_version != ?2",
            params![truce, version],
        )?;
        self.exec(
            "UPDATE findings SET truce_version = ?2 WHERE truce_id = ?1 AND truce_version != ?2",
            params![truce, version],
        )?;
        Ok(())
    }

    fn truce_findings(&mut self, truce: &str) -> Result<Vec<StoredFinding>, StoreError> {
        self.rows(
            &format!(
                "SELECT {FINDING_COLS} FROM findings WHERE truce_id = ?1 \
                 ORDER BY incident_id, proposal_term, proposal_effect, rule, term"
            ),
            [truce],
            finding_from_row,
        )
    }

    fn replace_findings(
        &mut self,
        truce: &str,
        incident: i64,
        findings: &[StoredFinding],
    ) -> Result<(), StoreError> {
        self.note_change("findings", format!("{truce}|{incident}"), "update");
        self.exec(
            "DELETE FROM findings WHERE truce_id = ?1 AND incident_id = ?2",
            params![truce, incident],
        )?;
        for f in findings {
            let (pt, pe) = proposal_cols(f);
            self.exec(
                "INSERT INTO findings (truce_id, incident_id, proposal_term, proposal_effect, \
                 rule, term, truce_version, severity, confidence, distance_km, explanation, \
                 first_run, run, explanation_ar) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
                 ?10, ?11, ?12, ?13, ?14)",
                params![
                    truce,
                    incident,
                    pt,
                    pe,
                    f.rule,
                    f.term,
                    f.truce_version,
                    f.severity,
                    f.confidence,
                    f.distance_km,
                    f.explanation,
                    f.first_run,
                    f.run,
                    f.explanation_ar
                ],
            )?;
        }
        Ok(())
    }

    fn findings(
        &mut self,
        filter: &FindingFilter,
        visit: &mut dyn FnMut(&StoredFinding) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        use rusqlite::types::Value as V;
        let mut clauses: Vec<&str> = Vec::new();
        let mut values: Vec<V> = Vec::new();
        if let Some(t) = &filter.truce {
            clauses.push("truce_id = ?");
            values.push(V::Text(t.clone()));
        }
        if let Some(r) = &filter.rule {
            clauses.push("rule = ?");
            values.push(V::Text(r.clone()));
        }
        if let Some(i) = filter.incident {
            clauses.push("incident_id = ?");
            values.push(V::Integer(i));
        }
        let wher = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {FINDING_COLS} FROM findings {wher} \
             ORDER BY incident_id, truce_id, proposal_term, proposal_effect, rule, term"
        );
        let path = self.path.clone();
        let sql_err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut st = self.conn.prepare(&sql).map_err(sql_err)?;
        let mut rows = st
            .query(rusqlite::params_from_iter(values))
            .map_err(sql_err)?;
        let mut count = 0u64;
        while let Some(r) = rows.next().map_err(sql_err)? {
            let f = finding_from_row(r).map_err(sql_err)?;
            visit(&f)?;
            count += 1;
        }
        Ok(count)
    }

    fn insert_check_run(&mut self, run: &CheckRun) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO check_runs (truce_id, truce_version, previous_version, started_at, \
             seconds, incidents, evaluated, undated, unlocated, gone, findings, added, removed, \
             changed, term_changes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                run.truce,
                run.truce_version,
                run.previous_version,
                run.started_at,
                run.seconds,
                run.incidents as i64,
                run.evaluated as i64,
                run.undated as i64,
                run.unlocated as i64,
                run.gone as i64,
                run.findings as i64,
                run.added as i64,
                run.removed as i64,
                run.changed as i64,
                run.term_changes
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        self.note_change("check_run", id, "create");
        Ok(id)
    }

    fn log_finding_changes(
        &mut self,
        run: i64,
        changes: &[FindingChange],
    ) -> Result<(), StoreError> {
        for (seq, c) in changes.iter().enumerate() {
            let Some(f) = c.after.as_ref().or(c.before.as_ref()) else {
                continue;
            };
            let (pt, pe) = proposal_cols(f);
            let json = |f: &Option<StoredFinding>| {
                f.as_ref()
                    .map(|f| serde_json::to_string(f).unwrap_or_default())
            };
            self.exec(
                "INSERT INTO finding_changes (run_id, seq, change, truce_id, incident_id, \
                 proposal_term, proposal_effect, rule, term, before, after, reason) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    run,
                    seq as i64,
                    c.change,
                    f.truce,
                    f.incident,
                    pt,
                    pe,
                    f.rule,
                    f.term,
                    json(&c.before),
                    json(&c.after),
                    c.reason
                ],
            )?;
        }
        Ok(())
    }

    fn check_runs(
        &mut self,
        truce: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CheckRun>, StoreError> {
        let limit = limit.min(i64::MAX as usize) as i64;
        match truce {
            Some(t) => self.rows(
                &format!(
                    "SELECT {RUN_COLS} FROM check_runs WHERE truce_id = ?1 \
                     ORDER BY id DESC LIMIT ?2"
                ),
                params![t, limit],
                run_from_row,
            ),
            None => self.rows(
                &format!("SELECT {RUN_COLS} FROM check_runs ORDER BY id DESC LIMIT ?1"),
                [limit],
                run_from_row,
            ),
        }
    }

    fn finding_changes(&mut self, run: i64) -> Result<Vec<FindingChange>, StoreError> {
        let raw = self.rows(
            "SELECT change, before, after, reason FROM finding_changes WHERE run_id = ?1 \
             ORDER BY seq",
            [run],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )?;
        let parse = |s: Option<String>| -> Result<Option<StoredFinding>, StoreError> {
            s.map(|s| {
                serde_json::from_str(&s).map_err(|e| {
                    self.corrupt(format!(
                        "check run {run}: a logged finding is not JSON: {e}"
                    ))
                })
            })
            .transpose()
        };
        let mut out = Vec::with_capacity(raw.len());
        for (change, before, after, reason) in raw {
            out.push(FindingChange {
                change,
                before: parse(before)?,
                after: parse(after)?,
                reason,
            });
        }
        Ok(out)
    }

    fn filed_notifications(
        &mut self,
        truce: &str,
    ) -> Result<Vec<(crate::NotificationRecord, String)>, StoreError> {
        if !self.has_table("notifications")? {
            return Ok(Vec::new());
        }
        let orgs = self.organisations()?;
        Ok(self
            .notifications(hudna_access::ReadScope::All)?
            .into_iter()
            .filter(|n| n.status == "active")
            .filter(|n| n.truce_id.as_deref().is_none_or(|t| t == truce))
            .map(|n| {
                let org = orgs
                    .iter()
                    .find(|o| o.id.0 == n.org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| format!("organisation {}", n.org_id));
                (n, org)
            })
            .collect())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT value FROM record_meta WHERE key = ?1")
            .map_err(|e| self.err(e))?;
        st.query_row([key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO record_meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
