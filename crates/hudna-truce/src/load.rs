//! Reading a truce file: TOML with spans, GeoJSON inline or by relative path, and every
//! check that has to pass before the terms are used.
//!
//! Problems are collected rather than stopping at the first, so that one run shows
//! everything to fix; each names the file, line, column and field. For that the file is not
//! deserialised in one go (serde stops at the first bad field) but parsed into a tree of
//! spanned TOML values and read table by table, field by field: an unknown field, a value of
//! the wrong type, an incident type or zone kind outside the vocabulary, an unknown actor
//! code, a bad date or an invalid geometry is each reported, and reading goes on. Only a
//! TOML syntax error ends it.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Offset};
use hudna_core::IncidentType;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use crate::error::{Lines, LoadError, Problem};
use crate::geometry::{area_from_geojson, line_from_geojson};
use crate::model::*;
use crate::time::{from_toml, parse_offset};

/// The actor codes of a theatre (the first column of its `actors.tsv`). Passed in by the
/// caller so that this crate holds no theatre's knowledge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorCodes(BTreeSet<String>);

impl ActorCodes {
    /// From any list of codes.
    pub fn new<I, S>(codes: I) -> ActorCodes
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ActorCodes(codes.into_iter().map(Into::into).collect())
    }

    /// Reads the code column of an `actors.tsv` text: lines starting with `#` and the
    /// header row (`code`) are skipped.
    pub fn from_tsv(text: &str) -> ActorCodes {
        ActorCodes::new(
            text.lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .filter_map(|l| l.split('\t').next())
                .map(str::trim)
                .filter(|c| !c.is_empty() && *c != "code")
                .map(str::to_string),
        )
    }

    /// `true` when `code` is known.
    pub fn contains(&self, code: &str) -> bool {
        self.0.contains(code)
    }

    /// The codes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// Reads and validates a truce file. Geometry files named in it are read relative to its
/// folder.
pub fn load_truce(path: impl AsRef<Path>, actors: &ActorCodes) -> Result<Truce, LoadError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let base = path.parent().map(Path::to_path_buf);
    parse_truce(&text, &path.display().to_string(), base.as_deref(), actors)
}

/// Reads and validates a truce from text. `file` names it in messages; `base_dir` is where
/// geometry files named by relative path are looked for (`None`: only inline geometries).
pub fn parse_truce(
    text: &str,
    file: &str,
    base_dir: Option<&Path>,
    actors: &ActorCodes,
) -> Result<Truce, LoadError> {
    match base_dir {
        Some(base) => {
            let mut read = |rel: &str| {
                let full: PathBuf = base.join(rel);
                std::fs::read_to_string(&full)
                    .map_err(|e| format!("cannot read `{}`: {e}", full.display()))
            };
            parse_truce_with(text, file, &mut read, actors)
        }
        None => {
            let mut read = |rel: &str| {
                Err(format!(
                    "geometry file `{rel}` cannot be read: the truce was not read from a file"
                ))
            };
            parse_truce_with(text, file, &mut read, actors)
        }
    }
}

/// Reads and validates a truce from text, asking `read` for the geometry files it names by
/// relative path (as written in the file). The record keeps a truce's TOML and its files, so
/// a stored version is read again through this without the files still being on disk; the
/// loader records through it which files a truce uses. `read` returns the file's text, or why
/// it cannot.
///
/// Every problem the file holds is collected before returning: unknown fields, values of the
/// wrong type or outside a vocabulary, unknown actor codes, bad dates and invalid geometries,
/// each with its line, column and field. Only a TOML syntax error stops the reading, since
/// past it the parser cannot tell what the file means; the syntax errors the parser can
/// recover from are all reported together.
pub fn parse_truce_with(
    text: &str,
    file: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    actors: &ActorCodes,
) -> Result<Truce, LoadError> {
    let lines = Lines::new(text);
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut problems: Vec<Problem> = errors
            .iter()
            .map(|e| {
                let offset = e.span().map_or(0, |s| s.start);
                let (line, column) = lines.locate(offset);
                Problem {
                    file: file.to_string(),
                    line,
                    column,
                    field: lines.field_at(offset),
                    reason: format!("TOML syntax: {}", e.message().trim()),
                }
            })
            .collect();
        // After an error the parser resumes at the next token, which on the same line is
        // usually the rest of the broken value: only the first error of a line is news.
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup_by_key(|p| p.line);
        return Err(LoadError::Invalid(problems));
    }
    let mut cx = Cx {
        file,
        lines: &lines,
        read,
        actors,
        problems: Vec::new(),
        ids: HashSet::new(),
    };
    let top = Rec {
        table: root.get_ref(),
        at: 0..0,
        path: String::new(),
    };
    let truce = cx.truce(&top);
    if cx.problems.is_empty() {
        Ok(truce)
    } else {
        cx.problems.sort_by(|a, b| {
            (a.line, a.column, &a.field, &a.reason).cmp(&(b.line, b.column, &b.field, &b.reason))
        });
        cx.problems.dedup();
        Err(LoadError::Invalid(cx.problems))
    }
}

// ---------------------------------------------------------------------------------------
// The file as written: a tree of spanned TOML values, read field by field so that one bad
// value does not hide the others.

type Dt = Spanned<toml::value::Datetime>;
type Node<'i> = Spanned<DeValue<'i>>;

/// The fields each table may hold. Anything else is reported as unknown (a misspelt
/// `untill` would otherwise be silently ignored).
const TOP_FIELDS: &[&str] = &[
    "id",
    "name",
    "utc_offset",
    "source",
    "period",
    "party",
    "designation",
    "zone",
    "site",
    "movement",
];
const NAME_FIELDS: &[&str] = &["ar", "en"];
const SOURCE_FIELDS: &[&str] = &["title", "text", "url", "date", "signatories", "guarantors"];
const PERIOD_FIELDS: &[&str] = &["id", "from", "until", "utc_offset", "note", "source"];
const PARTY_FIELDS: &[&str] = &[
    "actor",
    "accepted",
    "withdrawn",
    "period",
    "role",
    "note",
    "source",
];
const DESIGNATION_FIELDS: &[&str] = &[
    "id",
    "actor",
    "group",
    "aliases",
    "listed_by",
    "listed_from",
    "delisted_at",
    "status",
    "proposed_by",
    "note",
    "source",
];
const ZONE_FIELDS: &[&str] = &[
    "id",
    "kind",
    "name",
    "geometry",
    "restricted",
    "forbidden",
    "controlled_by",
    "from",
    "until",
    "status",
    "proposed_by",
    "note",
    "source",
];
const NOTICE_FIELDS: &[&str] = &["party", "at", "via", "source"];
const SITE_FIELDS: &[&str] = &[
    "id",
    "facility",
    "name",
    "organisation",
    "lat",
    "lon",
    "radius_km",
    "from",
    "until",
    "notified",
    "basis",
    "visibility",
    "note",
    "source",
];
const MOVEMENT_FIELDS: &[&str] = &[
    "id",
    "name",
    "organisation",
    "route",
    "corridor_km",
    "from",
    "until",
    "notified",
    "basis",
    "visibility",
    "note",
    "source",
];
const GEOMETRY_FILE_FIELDS: &[&str] = &["file", "feature"];

/// One table of the file, with where it starts (for missing fields) and its field path.
struct Rec<'a, 'i> {
    table: &'a DeTable<'i>,
    at: Range<usize>,
    path: String,
}

impl<'a, 'i> Rec<'a, 'i> {
    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn raw(&self, key: &str) -> Option<&'a Node<'i>> {
        self.table.get(key)
    }
}

/// The closest of `known` to a misspelt `word`, when it is close enough to be a typo.
fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let here = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb))
                    .min(row[j] + 1)
                    .min(here + 1);
                prev = here;
            }
        }
        row[b.len()]
    }
    known
        .iter()
        .map(|k| (distance(word, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.chars().count())
        .min()
        .map(|(_, k)| k)
}

// ---------------------------------------------------------------------------------------
// Validation.

struct Cx<'a> {
    file: &'a str,
    lines: &'a Lines<'a>,
    read: &'a mut dyn FnMut(&str) -> Result<String, String>,
    actors: &'a ActorCodes,
    problems: Vec<Problem>,
    ids: HashSet<String>,
}

impl Cx<'_> {
    fn problem(&mut self, span: Range<usize>, field: impl Into<String>, reason: impl Into<String>) {
        let (line, column) = self.lines.locate(span.start);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            field: field.into(),
            reason: reason.into(),
        });
    }

    // -- Reading values ------------------------------------------------------------------

    /// Reports every field of `r` not in `fields`.
    fn known(&mut self, r: &Rec<'_, '_>, fields: &[&str]) {
        for (k, _) in r.table.iter() {
            let key: &str = k.get_ref();
            if fields.contains(&key) {
                continue;
            }
            let reason = match nearest(key, fields) {
                Some(n) => format!("unknown field `{key}`; did you mean `{n}`?"),
                None => format!("unknown field `{key}` (fields here: {})", fields.join(", ")),
            };
            self.problem(k.span(), r.field(key), reason);
        }
    }

    /// A table value, its fields checked against `fields`.
    fn rec<'a, 'i>(
        &mut self,
        node: &'a Node<'i>,
        path: String,
        fields: &[&str],
    ) -> Option<Rec<'a, 'i>> {
        let DeValue::Table(table) = node.get_ref() else {
            self.problem(
                node.span(),
                path,
                format!("expected a table, found {}", node.get_ref().type_str()),
            );
            return None;
        };
        let r = Rec {
            table,
            at: node.span(),
            path,
        };
        self.known(&r, fields);
        Some(r)
    }

    /// The sub-table `key` of `r`; missing is a problem when `required`.
    fn table<'a, 'i>(
        &mut self,
        r: &Rec<'a, 'i>,
        key: &str,
        fields: &[&str],
        required: bool,
    ) -> Option<Rec<'a, 'i>> {
        match r.raw(key) {
            Some(node) => self.rec(node, r.field(key), fields),
            None => {
                if required {
                    self.problem(
                        r.at.clone(),
                        r.field(key),
                        format!("missing table [{}]", r.field(key)),
                    );
                }
                None
            }
        }
    }

    /// The tables of an array of tables (`[[zone]]`) or of an array of inline tables.
    fn tables<'a, 'i>(&mut self, r: &Rec<'a, 'i>, key: &str, fields: &[&str]) -> Vec<Rec<'a, 'i>> {
        let Some(node) = r.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = node.get_ref() else {
            self.problem(
                node.span(),
                r.field(key),
                format!(
                    "expected an array of tables ([[{key}]]), found {}",
                    node.get_ref().type_str()
                ),
            );
            return Vec::new();
        };
        let base = r.field(key);
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.rec(item, format!("{base}[{i}]"), fields))
            .collect()
    }

    /// A value read as `T`; a value of the wrong type or outside `T`'s vocabulary is a
    /// problem at the value.
    fn value<T: DeserializeOwned>(&mut self, node: &Node<'_>, field: String) -> Option<Spanned<T>> {
        match Spanned::<T>::deserialize(ValueDeserializer::from(node.clone())) {
            Ok(v) => Some(v),
            Err(e) => {
                let span = e.span().unwrap_or_else(|| node.span());
                self.problem(span, field, e.message().trim().to_string());
                None
            }
        }
    }

    /// An optional field.
    fn opt<T: DeserializeOwned>(&mut self, r: &Rec<'_, '_>, key: &str) -> Option<Spanned<T>> {
        let node = r.raw(key)?;
        self.value(node, r.field(key))
    }

    /// An optional text field, as written.
    fn text(&mut self, r: &Rec<'_, '_>, key: &str) -> Option<String> {
        self.opt::<String>(r, key).map(Spanned::into_inner)
    }

    /// A required field: missing is a problem at the start of its table.
    fn req<T: DeserializeOwned>(&mut self, r: &Rec<'_, '_>, key: &str) -> Option<Spanned<T>> {
        if r.raw(key).is_none() {
            self.problem(r.at.clone(), r.field(key), format!("missing field `{key}`"));
            return None;
        }
        self.opt(r, key)
    }

    /// A list field, element by element: a bad element is reported by its index and the
    /// others are kept.
    fn list<T: DeserializeOwned>(&mut self, r: &Rec<'_, '_>, key: &str) -> Vec<Spanned<T>> {
        let Some(node) = r.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = node.get_ref() else {
            self.problem(
                node.span(),
                r.field(key),
                format!("expected an array, found {}", node.get_ref().type_str()),
            );
            return Vec::new();
        };
        let base = r.field(key);
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.value(item, format!("{base}[{i}]")))
            .collect()
    }

    // -- Checking values -----------------------------------------------------------------

    fn actor(&mut self, code: &Spanned<String>, field: &str) -> String {
        let c = code.get_ref().trim();
        if !self.actors.contains(c) {
            let known: Vec<&str> = self.actors.iter().collect();
            self.problem(
                code.span(),
                field,
                format!("unknown actor code `{c}` (known: {})", known.join(", ")),
            );
        }
        c.to_string()
    }

    /// Every actor code of a list field.
    fn actors(&mut self, r: &Rec<'_, '_>, key: &str) -> Vec<String> {
        let base = r.field(key);
        self.list::<String>(r, key)
            .iter()
            .enumerate()
            .map(|(j, a)| self.actor(a, &format!("{base}[{j}]")))
            .collect()
    }

    /// An optional actor-code field.
    fn actor_field(&mut self, r: &Rec<'_, '_>, key: &str) -> Option<String> {
        self.opt::<String>(r, key)
            .map(|a| self.actor(&a, &r.field(key)))
    }

    /// The term id of `r`, checked for being present, not empty and unique in the truce.
    fn term_id(&mut self, r: &Rec<'_, '_>) -> String {
        let Some(id) = self.req::<String>(r, "id") else {
            return String::new();
        };
        let s = id.get_ref().trim().to_string();
        let field = r.field("id");
        if s.is_empty() {
            self.problem(id.span(), field, "an id cannot be empty");
        } else if s.starts_with(FILED_TERM_PREFIX) {
            self.problem(
                id.span(),
                field,
                format!(
                    "id `{s}`: ids starting with `{FILED_TERM_PREFIX}` are kept for \
                     notifications filed through hudna"
                ),
            );
        } else if !self.ids.insert(s.clone()) {
            self.problem(
                id.span(),
                field,
                format!("id `{s}` is used twice; term ids must be unique in a truce"),
            );
        }
        s
    }

    fn instant(
        &mut self,
        v: &Dt,
        offset: FixedOffset,
        end_of_day: bool,
        field: &str,
    ) -> Option<DateTime<FixedOffset>> {
        match from_toml(v.get_ref(), offset, end_of_day) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(v.span(), field, e);
                None
            }
        }
    }

    /// A date field read as an instant.
    fn date_field(
        &mut self,
        r: &Rec<'_, '_>,
        key: &str,
        offset: FixedOffset,
        end_of_day: bool,
        required: bool,
    ) -> Option<DateTime<FixedOffset>> {
        let v: Dt = if required {
            self.req(r, key)?
        } else {
            self.opt(r, key)?
        };
        self.instant(&v, offset, end_of_day, &r.field(key))
    }

    /// The `from`/`until` window of `r`.
    fn window(&mut self, r: &Rec<'_, '_>, offset: FixedOffset) -> Window {
        let from = self.date_field(r, "from", offset, false, false);
        let until = self.date_field(r, "until", offset, true, false);
        if let (Some(a), Some(b)) = (from, until) {
            if b <= a {
                let span = r.raw("until").map_or(r.at.clone(), |u| u.span());
                self.problem(
                    span,
                    r.field("until"),
                    format!("`until` ({b}) is not after `from` ({a})"),
                );
            }
        }
        Window { from, until }
    }

    /// A UTC offset field.
    fn offset(&mut self, r: &Rec<'_, '_>, key: &str, required: bool) -> Option<FixedOffset> {
        let v: Spanned<String> = if required {
            self.req(r, key)?
        } else {
            self.opt(r, key)?
        };
        match parse_offset(v.get_ref()) {
            Ok(o) => Some(o),
            Err(e) => {
                self.problem(v.span(), r.field(key), e);
                None
            }
        }
    }

    /// A distance in km, above 0 and at most 100.
    fn km(&mut self, r: &Rec<'_, '_>, key: &str, what: &str) -> Option<f64> {
        let v = self.req::<f64>(r, key)?;
        let x = *v.get_ref();
        if x.is_finite() && x > 0.0 && x <= 100.0 {
            Some(x)
        } else {
            self.problem(
                v.span(),
                r.field(key),
                format!("{what} {x} km must be above 0 and at most 100"),
            );
            None
        }
    }

    /// A latitude or longitude in range.
    fn degrees(&mut self, r: &Rec<'_, '_>, key: &str, what: &str, limit: f64) -> Option<f64> {
        let v = self.req::<f64>(r, key)?;
        let x = *v.get_ref();
        if x.is_finite() && (-limit..=limit).contains(&x) {
            Some(x)
        } else {
            self.problem(
                v.span(),
                r.field(key),
                format!("{what} {x} is out of range (−{limit}…{limit})"),
            );
            None
        }
    }

    /// Reads a geometry value: an inline GeoJSON table, or a path (string, or a table with
    /// `file` and optionally `feature`) relative to the truce file.
    fn geojson(
        &mut self,
        r: &Rec<'_, '_>,
        key: &str,
    ) -> Option<(geojson::Geometry, String, Range<usize>)> {
        let field = r.field(key);
        let Some(v) = r.raw(key) else {
            self.problem(r.at.clone(), field, format!("missing field `{key}`"));
            return None;
        };
        let span = v.span();
        let (path, feature) = match v.get_ref() {
            DeValue::String(p) => (Some(p.to_string()), None),
            DeValue::Table(t) if t.contains_key("file") => {
                let sub = self.rec(v, field.clone(), GEOMETRY_FILE_FIELDS)?;
                let p = self.req::<String>(&sub, "file")?.into_inner();
                let f = self.text(&sub, "feature");
                (Some(p), f)
            }
            DeValue::Table(_) => (None, None),
            _ => {
                self.problem(
                    span,
                    field,
                    "a geometry is a GeoJSON table ({ type = ..., coordinates = ... }), a path, or { file = ..., feature = ... }",
                );
                return None;
            }
        };
        match path {
            None => {
                let json = match serde_json::Value::deserialize(ValueDeserializer::from(v.clone()))
                {
                    Ok(j) => j,
                    Err(e) => {
                        self.problem(span, field, format!("not GeoJSON: {}", e.message().trim()));
                        return None;
                    }
                };
                match serde_json::from_value::<geojson::Geometry>(json) {
                    Ok(g) => Some((g, "inline".to_string(), span)),
                    Err(e) => {
                        self.problem(span, field, format!("not a GeoJSON geometry: {e}"));
                        None
                    }
                }
            }
            Some(rel) => {
                let text = match (self.read)(&rel) {
                    Ok(t) => t,
                    Err(reason) => {
                        self.problem(span, field, reason);
                        return None;
                    }
                };
                match pick_geometry(&text, feature.as_deref()) {
                    Ok((g, label)) => Some((g, format!("{rel}{label}"), span)),
                    Err(e) => {
                        self.problem(span, field, format!("{rel}: {e}"));
                        None
                    }
                }
            }
        }
    }

    fn notices(&mut self, r: &Rec<'_, '_>, offset: FixedOffset) -> Vec<Notice> {
        self.tables(r, "notified", NOTICE_FIELDS)
            .iter()
            .filter_map(|n| {
                let party = self
                    .req::<String>(n, "party")
                    .map(|p| self.actor(&p, &n.field("party")));
                let at = self.date_field(n, "at", offset, false, true);
                let via = self.text(n, "via");
                let source = self.text(n, "source");
                Some(Notice {
                    party: party?,
                    at: at?,
                    via,
                    source,
                })
            })
            .collect()
    }

    // -- The truce -----------------------------------------------------------------------

    fn truce(&mut self, r: &Rec<'_, '_>) -> Truce {
        self.known(r, TOP_FIELDS);
        let id = match self.req::<String>(r, "id") {
            Some(v) => {
                let id = v.get_ref().trim().to_string();
                if id.is_empty() {
                    self.problem(v.span(), "id", "the truce id cannot be empty");
                }
                id
            }
            None => String::new(),
        };
        let name = match self.table(r, "name", NAME_FIELDS, true) {
            Some(n) => {
                let text = |cx: &mut Self, key: &str| -> String {
                    match cx.req::<String>(&n, key) {
                        Some(v) => {
                            if v.get_ref().trim().is_empty() {
                                cx.problem(v.span(), n.field(key), "a name cannot be empty");
                            }
                            v.into_inner()
                        }
                        None => String::new(),
                    }
                };
                let ar = text(self, "ar");
                let en = text(self, "en");
                Names { ar, en }
            }
            None => Names::default(),
        };
        let utc_offset = self
            .offset(r, "utc_offset", true)
            .unwrap_or_else(|| chrono::Utc.fix());
        let source = self.source(r);
        let periods = self.periods(r, utc_offset);
        let period_ids: HashSet<String> = periods.iter().map(|p| p.id.clone()).collect();
        let parties = self.parties(r, utc_offset, &period_ids);
        let designations = self.designations(r, utc_offset);
        let zones = self.zones(r, utc_offset);
        let mut notifications = self.sites(r, utc_offset);
        notifications.extend(self.movements(r, utc_offset));
        Truce {
            id,
            name,
            utc_offset,
            source,
            periods,
            parties,
            designations,
            zones,
            notifications,
            file: self.file.to_string(),
        }
    }

    fn source(&mut self, r: &Rec<'_, '_>) -> Source {
        let Some(s) = self.table(r, "source", SOURCE_FIELDS, true) else {
            return Source {
                title: String::new(),
                text: None,
                url: None,
                date: NaiveDate::MIN,
                signatories: Vec::new(),
                guarantors: Vec::new(),
            };
        };
        let title = self
            .req::<String>(&s, "title")
            .map(Spanned::into_inner)
            .unwrap_or_default();
        let text = self.text(&s, "text");
        let url = self.text(&s, "url");
        let date = match self.req::<toml::value::Datetime>(&s, "date") {
            Some(v) => match v.get_ref().date.and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }) {
                Some(d) => d,
                None => {
                    self.problem(v.span(), s.field("date"), "expected a date");
                    NaiveDate::MIN
                }
            },
            None => NaiveDate::MIN,
        };
        let signatories = self
            .list::<String>(&s, "signatories")
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        let guarantors = self.actors(&s, "guarantors");
        Source {
            title,
            text,
            url,
            date,
            signatories,
            guarantors,
        }
    }

    fn periods(&mut self, r: &Rec<'_, '_>, utc_offset: FixedOffset) -> Vec<Period> {
        let recs = self.tables(r, "period", PERIOD_FIELDS);
        if r.raw("period").is_none() {
            self.problem(
                r.raw("id").map_or(0..0, |v| v.span()),
                "period",
                "a truce needs at least one [[period]]",
            );
        }
        recs.iter()
            .map(|p| {
                let id = self.term_id(p);
                let offset = self.offset(p, "utc_offset", false).unwrap_or(utc_offset);
                Period {
                    id,
                    window: self.window(p, offset),
                    note: self.text(p, "note"),
                    source: self.text(p, "source"),
                }
            })
            .collect()
    }

    fn parties(
        &mut self,
        r: &Rec<'_, '_>,
        utc_offset: FixedOffset,
        period_ids: &HashSet<String>,
    ) -> Vec<Party> {
        self.tables(r, "party", PARTY_FIELDS)
            .iter()
            .filter_map(|p| {
                let actor = self
                    .req::<String>(p, "actor")
                    .map(|a| self.actor(&a, &p.field("actor")));
                let accepted = self.date_field(p, "accepted", utc_offset, false, true);
                let withdrawn = self.date_field(p, "withdrawn", utc_offset, false, false);
                let period = self.opt::<String>(p, "period").map(|per| {
                    let id = per.get_ref().trim().to_string();
                    if !period_ids.contains(&id) {
                        self.problem(
                            per.span(),
                            p.field("period"),
                            format!("no period has id `{}`", per.get_ref()),
                        );
                    }
                    id
                });
                let role = self.opt::<PartyRole>(p, "role").map(Spanned::into_inner);
                let note = self.text(p, "note");
                let source = self.text(p, "source");
                Some(Party {
                    actor: actor?,
                    accepted: accepted?,
                    withdrawn,
                    period,
                    role: role.unwrap_or(PartyRole::Party),
                    note,
                    source,
                })
            })
            .collect()
    }

    fn designations(&mut self, r: &Rec<'_, '_>, utc_offset: FixedOffset) -> Vec<Designation> {
        self.tables(r, "designation", DESIGNATION_FIELDS)
            .iter()
            .filter_map(|d| {
                let id = self.term_id(d);
                let actor = self
                    .req::<String>(d, "actor")
                    .map(|a| self.actor(&a, &d.field("actor")));
                let group = self.text(d, "group").filter(|g| !g.trim().is_empty());
                let aliases = self
                    .list::<String>(d, "aliases")
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect();
                let listed_by = self.req::<String>(d, "listed_by").map(Spanned::into_inner);
                let listed_from = self.date_field(d, "listed_from", utc_offset, false, true);
                let delisted_at = self.date_field(d, "delisted_at", utc_offset, false, false);
                if let (Some(a), Some(b)) = (listed_from, delisted_at) {
                    if b <= a {
                        let span = d.raw("delisted_at").map_or(d.at.clone(), |v| v.span());
                        self.problem(
                            span,
                            d.field("delisted_at"),
                            format!("`delisted_at` ({b}) is not after `listed_from` ({a})"),
                        );
                    }
                }
                let status = self.req::<Status>(d, "status").map(Spanned::into_inner);
                let proposed_by = self.actor_field(d, "proposed_by");
                let note = self.text(d, "note");
                let source = self.text(d, "source");
                Some(Designation {
                    id,
                    actor: actor?,
                    group,
                    aliases,
                    listed_by: listed_by?,
                    listed_from: listed_from?,
                    delisted_at,
                    status: status?,
                    proposed_by,
                    note,
                    source,
                })
            })
            .collect()
    }

    fn zones(&mut self, r: &Rec<'_, '_>, utc_offset: FixedOffset) -> Vec<Zone> {
        self.tables(r, "zone", ZONE_FIELDS)
            .iter()
            .filter_map(|z| {
                let id = self.term_id(z);
                let kind = self.req::<ZoneKind>(z, "kind").map(Spanned::into_inner);
                let name = self.text(z, "name");
                let restricted = self.actors(z, "restricted");
                let forbidden = self
                    .list::<IncidentType>(z, "forbidden")
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect();
                let controlled_by = self.actors(z, "controlled_by");
                let window = self.window(z, utc_offset);
                let status = self.req::<Status>(z, "status").map(Spanned::into_inner);
                let proposed_by = self.actor_field(z, "proposed_by");
                let note = self.text(z, "note");
                let source = self.text(z, "source");
                let geometry =
                    self.geojson(z, "geometry").and_then(
                        |(g, label, span)| match area_from_geojson(&g) {
                            Ok(mp) => Some(mp),
                            Err(e) => {
                                self.problem(span, z.field("geometry"), format!("{label}: {e}"));
                                None
                            }
                        },
                    );
                Some(Zone {
                    id,
                    kind: kind?,
                    name,
                    geometry: geometry?,
                    restricted,
                    forbidden,
                    controlled_by,
                    window,
                    status: status?,
                    proposed_by,
                    note,
                    source,
                })
            })
            .collect()
    }

    fn sites(&mut self, r: &Rec<'_, '_>, utc_offset: FixedOffset) -> Vec<Notification> {
        self.tables(r, "site", SITE_FIELDS)
            .iter()
            .filter_map(|s| {
                let id = self.term_id(s);
                let facility = self.req::<Facility>(s, "facility").map(Spanned::into_inner);
                let name = self.req::<String>(s, "name").map(Spanned::into_inner);
                let organisation = self
                    .req::<String>(s, "organisation")
                    .map(Spanned::into_inner);
                let lat = self.degrees(s, "lat", "latitude", 90.0);
                let lon = self.degrees(s, "lon", "longitude", 180.0);
                let radius_km = self.km(s, "radius_km", "radius");
                let window = self.window(s, utc_offset);
                let notified = self.notices(s, utc_offset);
                let basis = self.opt::<Basis>(s, "basis").map(Spanned::into_inner);
                let visibility = self
                    .opt::<NotificationVisibility>(s, "visibility")
                    .map(Spanned::into_inner);
                let note = self.text(s, "note");
                let source = self.text(s, "source");
                Some(Notification {
                    id,
                    name: name?,
                    organisation: organisation?,
                    kind: NotificationKind::Site(Site {
                        facility: facility?,
                        lat: lat?,
                        lon: lon?,
                        radius_km: radius_km?,
                    }),
                    window,
                    notified,
                    basis: basis.unwrap_or_default(),
                    visibility: visibility.unwrap_or_default(),
                    note,
                    source,
                })
            })
            .collect()
    }

    fn movements(&mut self, r: &Rec<'_, '_>, utc_offset: FixedOffset) -> Vec<Notification> {
        self.tables(r, "movement", MOVEMENT_FIELDS)
            .iter()
            .filter_map(|m| {
                let id = self.term_id(m);
                let name = self.req::<String>(m, "name").map(Spanned::into_inner);
                let organisation = self
                    .req::<String>(m, "organisation")
                    .map(Spanned::into_inner);
                let corridor_km = self.km(m, "corridor_km", "corridor width");
                let window = self.window(m, utc_offset);
                let notified = self.notices(m, utc_offset);
                let basis = self.opt::<Basis>(m, "basis").map(Spanned::into_inner);
                let visibility = self
                    .opt::<NotificationVisibility>(m, "visibility")
                    .map(Spanned::into_inner);
                let note = self.text(m, "note");
                let source = self.text(m, "source");
                let route = self.geojson(m, "route").and_then(|(g, label, span)| {
                    match line_from_geojson(&g) {
                        Ok(l) => Some(l),
                        Err(e) => {
                            self.problem(span, m.field("route"), format!("{label}: {e}"));
                            None
                        }
                    }
                });
                Some(Notification {
                    id,
                    name: name?,
                    organisation: organisation?,
                    kind: NotificationKind::Movement(Movement {
                        route: route?,
                        corridor_km: corridor_km?,
                    }),
                    window,
                    notified,
                    basis: basis.unwrap_or_default(),
                    visibility: visibility.unwrap_or_default(),
                    note,
                    source,
                })
            })
            .collect()
    }
}

/// Picks the geometry from a GeoJSON text: a bare geometry, a feature, or the feature of a
/// collection whose `id` (or `properties.id`, or `properties.name`) is `feature`.
fn pick_geometry(text: &str, feature: Option<&str>) -> Result<(geojson::Geometry, String), String> {
    let gj: geojson::GeoJson = serde_json::from_str(text).map_err(|e| {
        format!(
            "not GeoJSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    let feature_name = |f: &geojson::Feature| -> Option<String> {
        if let Some(id) = &f.id {
            return Some(match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            });
        }
        let props = f.properties.as_ref()?;
        ["id", "name"]
            .iter()
            .find_map(|k| props.get(*k).and_then(|v| v.as_str()).map(str::to_string))
    };
    let from_feature = |f: geojson::Feature| -> Result<(geojson::Geometry, String), String> {
        let label = feature_name(&f)
            .map(|n| format!(" feature `{n}`"))
            .unwrap_or_default();
        f.geometry
            .map(|g| (g, label.clone()))
            .ok_or_else(|| format!("{label} has no geometry"))
    };
    match (gj, feature) {
        (geojson::GeoJson::Geometry(g), None) => Ok((g, String::new())),
        (geojson::GeoJson::Feature(f), None) => from_feature(f),
        (geojson::GeoJson::Feature(f), Some(want)) => {
            if feature_name(&f).as_deref() == Some(want) {
                from_feature(f)
            } else {
                Err(format!("no feature `{want}`"))
            }
        }
        (geojson::GeoJson::FeatureCollection(fc), Some(want)) => {
            let names: Vec<String> = fc.features.iter().filter_map(feature_name).collect();
            let f = fc
                .features
                .into_iter()
                .find(|f| feature_name(f).as_deref() == Some(want))
                .ok_or_else(|| format!("no feature `{want}` (features: {})", names.join(", ")))?;
            from_feature(f)
        }
        (geojson::GeoJson::FeatureCollection(mut fc), None) if fc.features.len() == 1 => {
            from_feature(fc.features.remove(0))
        }
        (geojson::GeoJson::FeatureCollection(_), None) => {
            Err("a collection of several features needs `feature = \"...\"` to pick one".into())
        }
        (geojson::GeoJson::Geometry(_), Some(want)) => {
            Err(format!("a bare geometry has no feature `{want}`"))
        }
    }
}
