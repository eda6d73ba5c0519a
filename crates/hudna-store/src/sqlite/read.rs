//! What the server reads: pages of incidents under a caller's [`ReadScope`], one incident
//! with its sources and their texts, one article with what was read from it, and counts per
//! day for the timeline.
//!
//! Visibility is applied in SQL ([`ReadScope::sql_condition`]), so a list never loads what
//! the caller may not see, and pagination is by cursor over the listing order (date, id;
//! undated last), so a page costs one index range scan however deep it is.

use chrono::NaiveDate;
use hudna_access::ReadScope;
use hudna_core::{Grade, IncidentType};
use rusqlite::types::Value as V;
use serde::Serialize;

use super::{incident_from_row, parse_date, SqliteStore, INCIDENT_COLS, INCIDENT_NCOLS};
use crate::{IncidentRecord, StoreError};

/// Where a page of the listing starts: after this incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The day of the last incident of the previous page (`None`: undated).
    pub date: Option<NaiveDate>,
    /// Its id.
    pub id: i64,
}

impl Cursor {
    /// The opaque text form used in `?cursor=`: `d20160919.123` or `u123`.
    pub fn encode(&self) -> String {
        match self.date {
            Some(d) => format!("d{}.{}", d.format("%Y%m%d"), self.id),
            None => format!("u{}", self.id),
        }
    }

    /// Reads [`Cursor::encode`]'s form; `None` if it is not one.
    pub fn decode(s: &str) -> Option<Cursor> {
        if let Some(rest) = s.strip_prefix('u') {
            return Some(Cursor {
                date: None,
                id: rest.parse().ok()?,
            });
        }
        let rest = s.strip_prefix('d')?;
        let (day, id) = rest.split_once('.')?;
        if day.len() != 8 {
            return None;
        }
        Some(Cursor {
            date: Some(NaiveDate::parse_from_str(day, "%Y%m%d").ok()?),
            id: id.parse().ok()?,
        })
    }
}

/// A filtered listing of incidents. Empty fields do not filter.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentQuery {
    /// What the caller may read.
    pub scope: ReadScope,
    /// From this day on.
    pub since: Option<NaiveDate>,
    /// Up to this day.
    pub until: Option<NaiveDate>,
    /// Governorate.
    pub admin1: Option<String>,
    /// Type.
    pub kind: Option<IncidentType>,
    /// Perpetrator.
    pub perpetrator: Option<String>,
    /// Grade.
    pub grade: Option<Grade>,
    /// Bounding box: west, south, east, north (degrees). Incidents without coordinates are
    /// left out when set.
    pub bbox: Option<[f64; 4]>,
    /// An SQL condition on the incident alias `i` added by the caller's own code (never
    /// request text), for filters on tables this module does not know (findings by rule).
    pub extra: Option<(String, Vec<V>)>,
    /// Start after this incident.
    pub after: Option<Cursor>,
    /// Page size.
    pub limit: usize,
}

impl IncidentQuery {
    /// Everything the scope allows, first page of `limit`.
    pub fn new(scope: ReadScope, limit: usize) -> IncidentQuery {
        IncidentQuery {
            scope,
            since: None,
            until: None,
            admin1: None,
            kind: None,
            perpetrator: None,
            grade: None,
            bbox: None,
            extra: None,
            after: None,
            limit,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct IncidentPage {
    /// The incidents with their visibility (text form).
    pub items: Vec<(IncidentRecord, String)>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// One source of an incident, with the text it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// The mention.
    pub mention_id: i64,
    /// The article, if any.
    pub article_id: Option<i64>,
    /// The caller's id of the article.
    pub external_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Publication day.
    pub published: Option<NaiveDate>,
    /// The canonical article of a syndicated copy.
    pub syndicated_from: Option<i64>,
    /// Structured source reference.
    pub source_ref: Option<String>,
    /// Structured source note.
    pub source_note: Option<String>,
    /// The perpetrator this source names.
    pub perpetrator: String,
    /// The day it gives.
    pub date: Option<NaiveDate>,
    /// The place as it writes it.
    pub place: Option<String>,
    /// Killed as it states.
    pub killed: Option<i64>,
    /// Injured as it states.
    pub injured: Option<i64>,
    /// Character spans of the text that support the incident.
    pub evidence: Vec<[usize; 2]>,
    /// The article's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One incident read from an article.
#[derive(Debug, Clone, Serialize)]
pub struct MentionView {
    /// The mention.
    pub mention_id: i64,
    /// The incident it is part of, if the caller may read it.
    pub incident_id: Option<i64>,
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Day.
    pub date: Option<NaiveDate>,
    /// Place.
    pub place: Option<String>,
    /// Perpetrator.
    pub perpetrator: String,
    /// Evidence spans (characters).
    pub evidence: Vec<[usize; 2]>,
}

/// An article with what was read from it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// Its id.
    pub id: i64,
    /// The caller's id.
    pub external_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Publication day.
    pub published: Option<NaiveDate>,
    /// The canonical article, when this one is a syndicated copy.
    pub syndicated_from: Option<i64>,
    /// The text.
    pub text: String,
    /// The incidents read from it, with their evidence spans.
    pub mentions: Vec<MentionView>,
}

fn evidence(text: &str) -> Result<Vec<[usize; 2]>, String> {
    serde_json::from_str(text).map_err(|e| format!("mention evidence `{text}`: {e}"))
}

/// The query's day bounds on the column `day` (an incident's `i.date`, or for an undated one
/// the publication day `i.reported` it is dated by).
fn day_bounds(q: &IncidentQuery, day: &str) -> (Vec<String>, Vec<V>) {
    let mut conds = Vec::new();
    let mut vals = Vec::new();
    for (bound, op) in [(q.since, ">="), (q.until, "<=")] {
        if let Some(d) = bound {
            conds.push(format!("{day} {op} ?"));
            vals.push(V::Text(d.format("%Y-%m-%d").to_string()));
        }
    }
    (conds, vals)
}

impl SqliteStore {
    /// The query's conditions but its day bounds (see [`day_bounds`]).
    fn base_clauses(&self, q: &IncidentQuery) -> Result<(Vec<String>, Vec<V>), StoreError> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<V> = Vec::new();
        clauses.push(
            q.scope
                .sql_condition("i.visibility")
                .map_err(|e| StoreError::Invalid {
                    field: "visibility".into(),
                    reason: e.to_string(),
                })?,
        );
        let mut push = |c: &str, v: V| {
            clauses.push(c.to_string());
            values.push(v);
        };
        if let Some(a) = &q.admin1 {
            push("i.admin1 = ?", V::Text(a.clone()));
        }
        if let Some(k) = q.kind {
            push("i.type = ?", V::Text(k.as_str().into()));
        }
        if let Some(p) = &q.perpetrator {
            push("i.perpetrator = ?", V::Text(p.clone()));
        }
        if let Some(g) = q.grade {
            push("i.grade = ?", V::Text(g.as_str().into()));
        }
        if let Some([w, s, e, n]) = q.bbox {
            clauses.push("i.lat BETWEEN ? AND ? AND i.lon BETWEEN ? AND ?".into());
            values.extend([V::Real(s), V::Real(n), V::Real(w), V::Real(e)]);
        }
        if let Some((cond, vals)) = &q.extra {
            clauses.push(format!("({cond})"));
            values.extend(vals.iter().cloned());
        }
        Ok((clauses, values))
    }

    /// One page of incidents that pass the query, in (date, id) order with undated ones last.
    /// Day bounds apply to an undated incident's publication day (`reported`), as in
    /// `hudna incidents`.
    pub fn incident_page(&self, q: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        let (clauses, values) = self.base_clauses(q)?;
        let want = q.limit + 1;
        let mut items: Vec<(IncidentRecord, String)> = Vec::new();
        let with_bounds = |cond: String, mut vals: Vec<V>, day: &str| {
            let (bounds, bound_vals) = day_bounds(q, day);
            let mut all = vec![cond];
            all.extend(bounds);
            vals.extend(bound_vals);
            (all.join(" AND "), vals)
        };
        let undated = || with_bounds("i.date IS NULL".into(), vec![], "i.reported");
        // Pass 1: dated incidents after the cursor; pass 2: undated ones.
        let mut passes: Vec<(String, Vec<V>)> = Vec::new();
        match q.after {
            None => {
                passes.push(with_bounds("i.date IS NOT NULL".into(), vec![], "i.date"));
                passes.push(undated());
            }
            Some(Cursor { date: Some(d), id }) => {
                let d = d.format("%Y-%m-%d").to_string();
                passes.push(with_bounds(
                    "i.date IS NOT NULL AND (i.date > ? OR (i.date = ? AND i.id > ?))".into(),
                    vec![V::Text(d.clone()), V::Text(d), V::Integer(id)],
                    "i.date",
                ));
                passes.push(undated());
            }
            Some(Cursor { date: None, id }) => {
                passes.push(with_bounds(
                    "i.date IS NULL AND i.id > ?".into(),
                    vec![V::Integer(id)],
                    "i.reported",
                ));
            }
        }
        for (cond, extra) in passes {
            if items.len() >= want {
                break;
            }
            let mut all = clauses.clone();
            all.push(cond);
            let mut vals = values.clone();
            vals.extend(extra);
            vals.push(V::Integer((want - items.len()) as i64));
            let sql = format!(
                "SELECT {INCIDENT_COLS}, i.visibility FROM incidents i WHERE {} \
                 ORDER BY i.date, i.id LIMIT ?",
                all.join(" AND ")
            );
            let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
            let mut rows = st
                .query(rusqlite::params_from_iter(vals))
                .map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let id: i64 = r.get(0).map_err(|e| self.err(e))?;
                let inc = incident_from_row(r)
                    .map_err(|e| self.err(e))?
                    .map_err(|e| self.corrupt(format!("incident {id}: {e}")))?;
                let vis: String = r.get(INCIDENT_NCOLS).map_err(|e| self.err(e))?;
                items.push((inc, vis));
            }
        }
        let next = if items.len() > q.limit {
            items.truncate(q.limit);
            items.last().map(|(i, _)| Cursor {
                date: i.date,
                id: i.id,
            })
        } else {
            None
        };
        Ok(IncidentPage { items, next })
    }

    /// How many incidents that pass the query fall on each day — an undated incident on the
    /// publication day it is dated by, so that a day's count is what a listing bounded to that
    /// day gives — in day order. Incidents with neither are not counted. The cursor and limit
    /// are ignored.
    pub fn incidents_per_day(
        &self,
        q: &IncidentQuery,
    ) -> Result<Vec<(NaiveDate, u64)>, StoreError> {
        let (mut clauses, mut values) = self.base_clauses(q)?;
        let day = "COALESCE(i.date, i.reported)";
        clauses.push(format!("{day} IS NOT NULL"));
        let (bounds, bound_vals) = day_bounds(q, day);
        clauses.extend(bounds);
        values.extend(bound_vals);
        let sql = format!(
            "SELECT {day} AS day, COUNT(*) FROM incidents i WHERE {} GROUP BY day ORDER BY day",
            clauses.join(" AND ")
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st
            .query(rusqlite::params_from_iter(values))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let d: Option<String> = r.get(0).map_err(|e| self.err(e))?;
            let n: i64 = r.get(1).map_err(|e| self.err(e))?;
            if let Some(d) = parse_date(d).map_err(|e| self.corrupt(e))? {
                out.push((d, n as u64));
            }
        }
        Ok(out)
    }

    /// The public id an old public id now leads to (an incident merged into another keeps
    /// leading to it), or `None` if no incident carries it.
    pub fn current_public_id(&self, public_id: i64) -> Result<Option<i64>, StoreError> {
        let mut at = public_id;
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

    /// One incident (by its public id, following merges) and its visibility, if the scope
    /// allows it.
    pub fn incident_visible(
        &self,
        public_id: i64,
        scope: ReadScope,
    ) -> Result<Option<(IncidentRecord, String)>, StoreError> {
        let Some(public_id) = self.current_public_id(public_id)? else {
            return Ok(None);
        };
        let cond = scope
            .sql_condition("i.visibility")
            .map_err(|e| StoreError::Invalid {
                field: "visibility".into(),
                reason: e.to_string(),
            })?;
        let sql = format!(
            "SELECT {INCIDENT_COLS}, i.visibility FROM incidents i WHERE i.public_id = ?1 \
             AND {cond} ORDER BY i.id LIMIT 1"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query([public_id]).map_err(|e| self.err(e))?;
        let Some(r) = rows.next().map_err(|e| self.err(e))? else {
            return Ok(None);
        };
        let inc = incident_from_row(r)
            .map_err(|e| self.err(e))?
            .map_err(|e| self.corrupt(format!("incident {public_id}: {e}")))?;
        let vis: String = r.get(INCIDENT_NCOLS).map_err(|e| self.err(e))?;
        Ok(Some((inc, vis)))
    }

    /// Changes what an analyst may change of an incident, with its audit entry: who may see
    /// it, and the investigation that established it (which makes it `confirmed`, and which
    /// consolidation keeps). An investigation once recorded is not removed.
    pub fn edit_incident(
        &mut self,
        actor: &hudna_audit::Actor,
        public_id: i64,
        visibility: Option<&str>,
        investigation: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(actor, |c| {
            c.expect_unchanged("incident", public_id)?;
            let conn = c.conn();
            let fail = |e: rusqlite::Error| StoreError::Audit(e.to_string());
            if let Some(v) = visibility {
                conn.execute(
                    "UPDATE incidents SET visibility = ?2 WHERE public_id = ?1",
                    rusqlite::params![public_id, v],
                )
                .map_err(fail)?;
                conn.execute(
                    "INSERT INTO incident_settings (public_id, visibility) VALUES (?1, ?2) \
                     ON CONFLICT (public_id) DO UPDATE SET visibility = excluded.visibility",
                    rusqlite::params![public_id, v],
                )
                .map_err(fail)?;
            }
            if let Some(inv) = investigation {
                conn.execute(
                    "UPDATE incidents SET investigation = ?2, grade = 'confirmed' \
                     WHERE public_id = ?1",
                    rusqlite::params![public_id, inv],
                )
                .map_err(fail)?;
            }
            c.touch("incident", public_id, "update")
        })
    }

    /// The sources of an incident by mention id, each with its article's text when
    /// `with_text`.
    pub fn incident_sources(
        &self,
        id: i64,
        with_text: bool,
    ) -> Result<Vec<SourceView>, StoreError> {
        let text_col = if with_text { "a.text" } else { "NULL" };
        let sql = format!(
            "SELECT m.id, m.article_id, a.external_id, a.title, a.url, a.outlet, a.published, \
             sy.canonical_id, m.source_ref, m.source_note, m.perpetrator, m.date, m.place, \
             m.killed, m.injured, m.evidence, {text_col} \
             FROM incident_sources l JOIN mentions m ON m.id = l.mention_id \
             LEFT JOIN articles a ON a.id = m.article_id \
             LEFT JOIN syndication sy ON sy.article_id = m.article_id \
             WHERE l.incident_id = ?1 ORDER BY l.mention_id"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query([id]).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let g = |e| self.err(e);
            let published: Option<String> = r.get(6).map_err(g)?;
            let date: Option<String> = r.get(11).map_err(g)?;
            let ev: String = r.get(15).map_err(g)?;
            out.push(SourceView {
                mention_id: r.get(0).map_err(g)?,
                article_id: r.get(1).map_err(g)?,
                external_id: r.get(2).map_err(g)?,
                title: r.get(3).map_err(g)?,
                url: r.get(4).map_err(g)?,
                outlet: r.get(5).map_err(g)?,
                published: parse_date(published).map_err(|e| self.corrupt(e))?,
                syndicated_from: r.get(7).map_err(g)?,
                source_ref: r.get(8).map_err(g)?,
                source_note: r.get(9).map_err(g)?,
                perpetrator: r.get(10).map_err(g)?,
                date: parse_date(date).map_err(|e| self.corrupt(e))?,
                place: r.get(12).map_err(g)?,
                killed: r.get(13).map_err(g)?,
                injured: r.get(14).map_err(g)?,
                evidence: evidence(&ev).map_err(|e| self.corrupt(e))?,
                text: r.get(16).map_err(g)?,
            });
        }
        Ok(out)
    }

    /// An article, if the scope may read at least one incident read from it (an article
    /// nobody may see an incident of is not shown either), with the mentions the scope may
    /// read: those of incidents it may read, and those linked to no incident. A mention of an
    /// incident the scope may not read is left out altogether — its type, day, place and
    /// perpetrator are what hudna read about that incident, and would tell it.
    pub fn article_visible(
        &self,
        id: i64,
        scope: ReadScope,
    ) -> Result<Option<ArticleView>, StoreError> {
        let cond = scope
            .sql_condition("i.visibility")
            .map_err(|e| StoreError::Invalid {
                field: "visibility".into(),
                reason: e.to_string(),
            })?;
        let head = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.external_id, a.title, a.url, a.outlet, a.published, \
                 sy.canonical_id, a.text FROM articles a \
                 LEFT JOIN syndication sy ON sy.article_id = a.id WHERE a.id = ?1",
            )
            .and_then(|mut st| {
                let mut rows = st.query([id])?;
                match rows.next()? {
                    None => Ok(None),
                    Some(r) => Ok(Some((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                        r.get::<_, String>(7)?,
                    ))),
                }
            })
            .map_err(|e| self.err(e))?;
        let Some((id, external_id, title, url, outlet, published, syndicated_from, text)) = head
        else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT m.id, i.id, m.type, m.date, m.place, m.perpetrator, m.evidence \
             FROM mentions m LEFT JOIN incident_sources l ON l.mention_id = m.id \
             LEFT JOIN incidents i ON i.id = l.incident_id \
             WHERE m.article_id = ?1 AND (l.incident_id IS NULL OR (i.id IS NOT NULL AND {cond})) \
             ORDER BY m.ordinal"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query([id]).map_err(|e| self.err(e))?;
        let mut mentions = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let g = |e| self.err(e);
            let date: Option<String> = r.get(3).map_err(g)?;
            let ev: String = r.get(6).map_err(g)?;
            mentions.push(MentionView {
                mention_id: r.get(0).map_err(g)?,
                incident_id: r.get(1).map_err(g)?,
                kind: r.get(2).map_err(g)?,
                date: parse_date(date).map_err(|e| self.corrupt(e))?,
                place: r.get(4).map_err(g)?,
                perpetrator: r.get(5).map_err(g)?,
                evidence: evidence(&ev).map_err(|e| self.corrupt(e))?,
            });
        }
        if !mentions.iter().any(|m| m.incident_id.is_some()) {
            return Ok(None);
        }
        Ok(Some(ArticleView {
            id,
            external_id,
            title,
            url,
            outlet,
            published: parse_date(published).map_err(|e| self.corrupt(e))?,
            syndicated_from,
            text,
            mentions,
        }))
    }

    /// Findings of incidents the scope may read, in (incident, truce, proposal, rule, term)
    /// order, `limit` from `offset`. Empty filters do not filter; `in_force_only` leaves out
    /// what proposed terms would change. Findings of the notification rules
    /// ([`NOTIFICATION_RULES`]) on a `hidden` (truce, term) pair are left out: they would
    /// place a notified site or route the caller may not read.
    #[allow(clippy::too_many_arguments)]
    pub fn findings_visible(
        &self,
        scope: ReadScope,
        truce: Option<&str>,
        rule: Option<&str>,
        severity: Option<&str>,
        incident: Option<i64>,
        in_force_only: bool,
        hidden: &[(String, String)],
        limit: usize,
        offset: usize,
    ) -> Result<Vec<crate::StoredFinding>, StoreError> {
        let mut clauses =
            vec![scope
                .sql_condition("i.visibility")
                .map_err(|e| StoreError::Invalid {
                    field: "visibility".into(),
                    reason: e.to_string(),
                })?];
        let mut values: Vec<V> = Vec::new();
        for (col, v) in [
            ("f.truce_id", truce),
            ("f.rule", rule),
            ("f.severity", severity),
        ] {
            if let Some(v) = v {
                clauses.push(format!("{col} = ?"));
                values.push(V::Text(v.to_string()));
            }
        }
        if let Some(i) = incident {
            clauses.push("f.incident_id = ?".into());
            values.push(V::Integer(i));
        }
        if in_force_only {
            clauses.push("f.proposal_term = ''".into());
        }
        if let Some((clause, vals)) = hidden_terms_clause(hidden) {
            clauses.push(clause);
            values.extend(vals);
        }
        values.push(V::Integer(limit as i64));
        values.push(V::Integer(offset as i64));
        let cols: Vec<String> = super::truce::FINDING_COLS
            .split(',')
            .map(|c| format!("f.{}", c.trim()))
            .collect();
        let sql = format!(
            "SELECT {} FROM findings f WHERE EXISTS (SELECT 1 FROM incidents i \
             WHERE i.public_id = f.incident_id AND {}) ORDER BY f.incident_id, f.truce_id, \
             f.proposal_term, f.proposal_effect, f.rule, f.term LIMIT ? OFFSET ?",
            cols.join(", "),
            clauses.join(" AND ")
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(
                rusqlite::params_from_iter(values),
                super::truce::finding_from_row,
            )
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// How many findings of `truce` (under terms in force and proposed alike) are of
    /// incidents the scope may read, the notification findings on `hidden` terms left out as
    /// [`SqliteStore::findings_visible`] does.
    pub fn findings_visible_count(
        &self,
        scope: ReadScope,
        truce: &str,
        hidden: &[(String, String)],
    ) -> Result<u64, StoreError> {
        let cond = scope
            .sql_condition("i.visibility")
            .map_err(|e| StoreError::Invalid {
                field: "visibility".into(),
                reason: e.to_string(),
            })?;
        let mut values = vec![V::Text(truce.to_string())];
        let extra = match hidden_terms_clause(hidden) {
            Some((c, v)) => {
                values.extend(v);
                format!(" AND {c}")
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT COUNT(*) FROM findings f WHERE f.truce_id = ?{extra} AND EXISTS (SELECT 1 \
             FROM incidents i WHERE i.public_id = f.incident_id AND {cond})"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let n: i64 = st
            .query_row(rusqlite::params_from_iter(values), |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(n.max(0) as u64)
    }

    /// The most serious severity of each incident's findings under terms in force, by public
    /// id (`grave`, `serious`, `review`, `info`), leaving out the notification findings on a
    /// `hidden` (truce, term) pair as [`SqliteStore::findings_visible`] does.
    pub fn worst_severities(
        &self,
        hidden: &[(String, String)],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let mut out: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        if !self.has_table("findings")? {
            return Ok(out);
        }
        let rank = |s: &str| match s {
            "grave" => 4,
            "serious" => 3,
            "review" => 2,
            "info" => 1,
            _ => 0,
        };
        let (extra, values) = match hidden_terms_clause(hidden) {
            Some((c, v)) => (format!(" AND {c}"), v),
            None => (String::new(), Vec::new()),
        };
        let sql = format!(
            "SELECT f.incident_id, f.severity FROM findings f WHERE f.proposal_term = ''{extra}"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st
            .query(rusqlite::params_from_iter(values))
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let sev: String = r.get(1).map_err(|e| self.err(e))?;
            let better = out.get(&id).is_none_or(|cur| rank(&sev) > rank(cur));
            if better {
                out.insert(id, sev);
            }
        }
        Ok(out)
    }

    /// Who may read an audited record (the `record_kind` and `record_id` of an audit entry),
    /// as far as the record says: whether `scope` may read a record that has a visibility or
    /// takes one from an incident (`incident`, `findings`, `article`, `mention`,
    /// `notification`); the account a `user` or `api_token` record belongs to; every
    /// signed-in account for the shared set-up (organisations, truces, check runs). A record
    /// no longer in the record (a merged incident leads to the one it merged into) is within
    /// an unrestricted scope only.
    pub fn audited_record_readers(
        &self,
        scope: ReadScope,
        kind: &str,
        id: &str,
    ) -> Result<RecordReaders, StoreError> {
        let cond = |col: &str| {
            scope.sql_condition(col).map_err(|e| StoreError::Invalid {
                field: "visibility".into(),
                reason: e.to_string(),
            })
        };
        let all = scope == ReadScope::All;
        let num = |t: &str| t.trim().parse::<i64>().ok();
        let incident = |public_id: Option<i64>| -> Result<RecordReaders, StoreError> {
            let Some(current) = public_id
                .map(|p| self.current_public_id(p))
                .transpose()?
                .flatten()
            else {
                return Ok(RecordReaders::Visible(all));
            };
            let sql = format!(
                "SELECT 1 FROM incidents i WHERE i.public_id = ?1 AND {}",
                cond("i.visibility")?
            );
            Ok(RecordReaders::Visible(
                self.one_i64(&sql, [current])?.is_some(),
            ))
        };
        let exists = |sql: String, id: Option<i64>| -> Result<RecordReaders, StoreError> {
            Ok(RecordReaders::Visible(match id {
                Some(id) => self.one_i64(&sql, [id])?.is_some(),
                None => all,
            }))
        };
        match kind {
            "incident" => incident(num(id)),
            "findings" => incident(id.rsplit_once('|').and_then(|(_, i)| num(i))),
            "notification" => exists(
                format!(
                    "SELECT 1 FROM notifications n WHERE n.id = ?1 AND {}",
                    cond("n.visibility")?
                ),
                num(id),
            ),
            "article" => exists(
                format!(
                    "SELECT 1 FROM mentions m JOIN incident_sources l ON l.mention_id = m.id \
                     JOIN incidents i ON i.id = l.incident_id WHERE m.article_id = ?1 AND {} \
                     LIMIT 1",
                    cond("i.visibility")?
                ),
                num(id),
            ),
            "mention" => exists(
                format!(
                    "SELECT 1 FROM incident_sources l JOIN incidents i ON i.id = l.incident_id \
                     WHERE l.mention_id = ?1 AND {} LIMIT 1",
                    cond("i.visibility")?
                ),
                num(id),
            ),
            "user" => Ok(match num(id) {
                Some(u) => RecordReaders::Account(u),
                None => RecordReaders::Visible(all),
            }),
            "api_token" => {
                let owner = match num(id) {
                    Some(t) => self.one_i64("SELECT user_id FROM api_tokens WHERE id = ?1", [t])?,
                    None => None,
                };
                Ok(match owner {
                    Some(u) => RecordReaders::Account(u),
                    None => RecordReaders::Visible(all),
                })
            }
            _ => Ok(RecordReaders::Members),
        }
    }

    /// Whether a table exists (for features that depend on a later migration).
    pub fn has_table(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .one_i64(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [name],
            )?
            .is_some())
    }
}

/// Who may read an audited record; see [`SqliteStore::audited_record_readers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordReaders {
    /// A record with a visibility, or one that takes it from an incident: whether the scope
    /// asked about may read it.
    Visible(bool),
    /// An account's own record (the account, its API tokens): the account's id.
    Account(i64),
    /// The contact group's shared set-up: every signed-in account.
    Members,
}

/// The rules whose findings name a humanitarian notification as their term.
pub const NOTIFICATION_RULES: [&str; 2] = ["notified_site_hit", "notified_movement_hit"];

/// The SQL condition (over findings `f`) that leaves out notification findings on the hidden
/// (truce, term) pairs, with its values; `None` when nothing is hidden.
fn hidden_terms_clause(hidden: &[(String, String)]) -> Option<(String, Vec<V>)> {
    if hidden.is_empty() {
        return None;
    }
    let pairs = vec!["(f.truce_id = ? AND f.term = ?)"; hidden.len()].join(" OR ");
    let clause = format!(
        "NOT (f.rule IN ('{}', '{}') AND ({pairs}))",
        NOTIFICATION_RULES[0], NOTIFICATION_RULES[1]
    );
    let mut values = Vec::with_capacity(hidden.len() * 2);
    for (truce, term) in hidden {
        values.push(V::Text(truce.clone()));
        values.push(V::Text(term.clone()));
    }
    Some((clause, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        for c in [
            Cursor {
                date: NaiveDate::from_ymd_opt(2016, 9, 19),
                id: 42,
            },
            Cursor { date: None, id: -7 },
            Cursor {
                date: NaiveDate::from_ymd_opt(1999, 1, 1),
                id: i64::MAX,
            },
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        for bad in ["", "x", "d2016.1", "d20161319.1", "u", "uabc", "d20160919"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
