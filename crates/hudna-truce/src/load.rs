//! Reading a truce file: TOML with spans, GeoJSON inline or by relative path, and every
//! check that has to pass before the terms are used.
//!
//! Problems are collected rather than stopping at the first, so that one run shows
//! everything to fix; each names the file, line, column and field.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Offset};
use hudna_core::IncidentType;
use serde::Deserialize;
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
pub fn parse_truce_with(
    text: &str,
    file: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    actors: &ActorCodes,
) -> Result<Truce, LoadError> {
    let lines = Lines::new(text);
    let raw: RawTruce = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = lines.locate(offset);
            return Err(LoadError::Invalid(vec![Problem {
                file: file.to_string(),
                line,
                column,
                field: lines.field_at(offset),
                reason: e.message().trim().to_string(),
            }]));
        }
    };
    let mut cx = Cx {
        file,
        lines: &lines,
        read,
        actors,
        problems: Vec::new(),
        ids: HashSet::new(),
    };
    let truce = cx.truce(raw);
    if cx.problems.is_empty() {
        Ok(truce)
    } else {
        cx.problems.sort_by_key(|p| (p.line, p.column));
        Err(LoadError::Invalid(cx.problems))
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

type Dt = Spanned<toml::value::Datetime>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTruce {
    id: Spanned<String>,
    name: RawNames,
    utc_offset: Spanned<String>,
    source: RawSource,
    #[serde(default)]
    period: Vec<RawPeriod>,
    #[serde(default)]
    party: Vec<RawParty>,
    #[serde(default)]
    designation: Vec<RawDesignation>,
    #[serde(default)]
    zone: Vec<RawZone>,
    #[serde(default)]
    site: Vec<RawSite>,
    #[serde(default)]
    movement: Vec<RawMovement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNames {
    ar: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    url: Option<String>,
    date: Dt,
    #[serde(default)]
    signatories: Vec<String>,
    #[serde(default)]
    guarantors: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    id: Spanned<String>,
    #[serde(default)]
    from: Option<Dt>,
    #[serde(default)]
    until: Option<Dt>,
    #[serde(default)]
    utc_offset: Option<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParty {
    actor: Spanned<String>,
    accepted: Dt,
    #[serde(default)]
    withdrawn: Option<Dt>,
    #[serde(default)]
    period: Option<Spanned<String>>,
    #[serde(default)]
    role: Option<PartyRole>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesignation {
    id: Spanned<String>,
    actor: Spanned<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    listed_by: String,
    listed_from: Dt,
    #[serde(default)]
    delisted_at: Option<Dt>,
    status: Status,
    #[serde(default)]
    proposed_by: Option<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    id: Spanned<String>,
    kind: ZoneKind,
    #[serde(default)]
    name: Option<String>,
    geometry: Spanned<toml::Value>,
    #[serde(default)]
    restricted: Vec<Spanned<String>>,
    #[serde(default)]
    forbidden: Vec<IncidentType>,
    #[serde(default)]
    controlled_by: Vec<Spanned<String>>,
    #[serde(default)]
    from: Option<Dt>,
    #[serde(default)]
    until: Option<Dt>,
    status: Status,
    #[serde(default)]
    proposed_by: Option<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    party: Spanned<String>,
    at: Dt,
    #[serde(default)]
    via: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    id: Spanned<String>,
    facility: Facility,
    name: String,
    organisation: String,
    lat: Spanned<f64>,
    lon: Spanned<f64>,
    radius_km: Spanned<f64>,
    #[serde(default)]
    from: Option<Dt>,
    #[serde(default)]
    until: Option<Dt>,
    #[serde(default)]
    notified: Vec<RawNotice>,
    #[serde(default)]
    basis: Basis,
    #[serde(default)]
    visibility: NotificationVisibility,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMovement {
    id: Spanned<String>,
    name: String,
    organisation: String,
    route: Spanned<toml::Value>,
    corridor_km: Spanned<f64>,
    #[serde(default)]
    from: Option<Dt>,
    #[serde(default)]
    until: Option<Dt>,
    #[serde(default)]
    notified: Vec<RawNotice>,
    #[serde(default)]
    basis: Basis,
    #[serde(default)]
    visibility: NotificationVisibility,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
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

    fn term_id(&mut self, id: &Spanned<String>, field: &str) -> String {
        let s = id.get_ref().trim().to_string();
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

    fn window(
        &mut self,
        from: &Option<Dt>,
        until: &Option<Dt>,
        offset: FixedOffset,
        field: &str,
    ) -> Window {
        let f = from
            .as_ref()
            .and_then(|v| self.instant(v, offset, false, &format!("{field}.from")));
        let u = until
            .as_ref()
            .and_then(|v| self.instant(v, offset, true, &format!("{field}.until")));
        if let (Some(a), Some(b), Some(span)) = (f, u, until.as_ref().map(|u| u.span())) {
            if b <= a {
                self.problem(
                    span,
                    format!("{field}.until"),
                    format!("`until` ({b}) is not after `from` ({a})"),
                );
            }
        }
        Window { from: f, until: u }
    }

    /// Reads a geometry value: an inline GeoJSON table, or a path (string, or a table with
    /// `file` and optionally `feature`) relative to the truce file.
    fn geojson(
        &mut self,
        v: &Spanned<toml::Value>,
        field: &str,
    ) -> Option<(geojson::Geometry, String)> {
        let span = v.span();
        let (path, feature) = match v.get_ref() {
            toml::Value::String(p) => (Some(p.clone()), None),
            toml::Value::Table(t) if t.contains_key("file") => {
                let p = t.get("file").and_then(|f| f.as_str()).map(str::to_string);
                let f = t
                    .get("feature")
                    .and_then(|f| f.as_str())
                    .map(str::to_string);
                if p.is_none() {
                    self.problem(span, field, "`file` must be a path string");
                    return None;
                }
                (p, f)
            }
            toml::Value::Table(_) => (None, None),
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
                let json = match serde_json::to_value(v.get_ref()) {
                    Ok(j) => j,
                    Err(e) => {
                        self.problem(span, field, format!("not GeoJSON: {e}"));
                        return None;
                    }
                };
                match serde_json::from_value::<geojson::Geometry>(json) {
                    Ok(g) => Some((g, "inline".to_string())),
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
                    Ok((g, label)) => Some((g, format!("{rel}{label}"))),
                    Err(e) => {
                        self.problem(span, field, format!("{rel}: {e}"));
                        None
                    }
                }
            }
        }
    }

    fn notices(&mut self, raw: &[RawNotice], offset: FixedOffset, field: &str) -> Vec<Notice> {
        raw.iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let f = format!("{field}.notified[{i}]");
                let party = self.actor(&n.party, &format!("{f}.party"));
                let at = self.instant(&n.at, offset, false, &format!("{f}.at"))?;
                Some(Notice {
                    party,
                    at,
                    via: n.via.clone(),
                    source: n.source.clone(),
                })
            })
            .collect()
    }

    fn truce(&mut self, raw: RawTruce) -> Truce {
        let id = raw.id.get_ref().trim().to_string();
        if id.is_empty() {
            self.problem(raw.id.span(), "id", "the truce id cannot be empty");
        }
        for (v, f) in [(&raw.name.ar, "name.ar"), (&raw.name.en, "name.en")] {
            if v.get_ref().trim().is_empty() {
                self.problem(v.span(), f, "a name cannot be empty");
            }
        }
        let utc_offset = match parse_offset(raw.utc_offset.get_ref()) {
            Ok(o) => o,
            Err(e) => {
                self.problem(raw.utc_offset.span(), "utc_offset", e);
                chrono::Utc.fix()
            }
        };
        let date = raw.source.date.get_ref();
        let source_date = match date.date.and_then(|d| {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }) {
            Some(d) => d,
            None => {
                self.problem(raw.source.date.span(), "source.date", "expected a date");
                NaiveDate::MIN
            }
        };
        let guarantors = raw
            .source
            .guarantors
            .iter()
            .enumerate()
            .map(|(i, g)| self.actor(g, &format!("source.guarantors[{i}]")))
            .collect();
        let source = Source {
            title: raw.source.title.clone(),
            text: raw.source.text.clone(),
            url: raw.source.url.clone(),
            date: source_date,
            signatories: raw.source.signatories.clone(),
            guarantors,
        };

        if raw.period.is_empty() {
            self.problem(
                raw.id.span(),
                "period",
                "a truce needs at least one [[period]]",
            );
        }
        let periods: Vec<Period> = raw
            .period
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let f = format!("period[{i}]");
                let pid = self.term_id(&p.id, &format!("{f}.id"));
                let offset = match &p.utc_offset {
                    Some(o) => match parse_offset(o.get_ref()) {
                        Ok(x) => x,
                        Err(e) => {
                            self.problem(o.span(), format!("{f}.utc_offset"), e);
                            utc_offset
                        }
                    },
                    None => utc_offset,
                };
                Period {
                    id: pid,
                    window: self.window(&p.from, &p.until, offset, &f),
                    note: p.note.clone(),
                    source: p.source.clone(),
                }
            })
            .collect();
        let period_ids: HashSet<String> = periods.iter().map(|p| p.id.clone()).collect();

        let parties =
            raw.party
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let f = format!("party[{i}]");
                    let actor = self.actor(&p.actor, &format!("{f}.actor"));
                    if let Some(per) = &p.period {
                        if !period_ids.contains(per.get_ref().trim()) {
                            self.problem(
                                per.span(),
                                format!("{f}.period"),
                                format!("no period has id `{}`", per.get_ref()),
                            );
                        }
                    }
                    let accepted =
                        self.instant(&p.accepted, utc_offset, false, &format!("{f}.accepted"));
                    let withdrawn = p.withdrawn.as_ref().and_then(|w| {
                        self.instant(w, utc_offset, false, &format!("{f}.withdrawn"))
                    });
                    Some(Party {
                        actor,
                        accepted: accepted?,
                        withdrawn,
                        period: p.period.as_ref().map(|s| s.get_ref().trim().to_string()),
                        role: p.role.unwrap_or(PartyRole::Party),
                        note: p.note.clone(),
                        source: p.source.clone(),
                    })
                })
                .collect();

        let designations =
            raw.designation
                .iter()
                .enumerate()
                .filter_map(|(i, d)| {
                    let f = format!("designation[{i}]");
                    let did = self.term_id(&d.id, &format!("{f}.id"));
                    let actor = self.actor(&d.actor, &format!("{f}.actor"));
                    let proposed_by = d
                        .proposed_by
                        .as_ref()
                        .map(|p| self.actor(p, &format!("{f}.proposed_by")));
                    let from = self.instant(
                        &d.listed_from,
                        utc_offset,
                        false,
                        &format!("{f}.listed_from"),
                    );
                    let until = d.delisted_at.as_ref().and_then(|u| {
                        self.instant(u, utc_offset, false, &format!("{f}.delisted_at"))
                    });
                    Some(Designation {
                        id: did,
                        actor,
                        group: d.group.clone().filter(|g| !g.trim().is_empty()),
                        aliases: d.aliases.clone(),
                        listed_by: d.listed_by.clone(),
                        listed_from: from?,
                        delisted_at: until,
                        status: d.status,
                        proposed_by,
                        note: d.note.clone(),
                        source: d.source.clone(),
                    })
                })
                .collect();

        let zones = raw
            .zone
            .iter()
            .enumerate()
            .filter_map(|(i, z)| {
                let f = format!("zone[{i}]");
                let zid = self.term_id(&z.id, &format!("{f}.id"));
                let restricted = z
                    .restricted
                    .iter()
                    .enumerate()
                    .map(|(j, a)| self.actor(a, &format!("{f}.restricted[{j}]")))
                    .collect();
                let controlled_by = z
                    .controlled_by
                    .iter()
                    .enumerate()
                    .map(|(j, a)| self.actor(a, &format!("{f}.controlled_by[{j}]")))
                    .collect();
                let proposed_by = z
                    .proposed_by
                    .as_ref()
                    .map(|p| self.actor(p, &format!("{f}.proposed_by")));
                let window = self.window(&z.from, &z.until, utc_offset, &f);
                let field = format!("{f}.geometry");
                let (g, label) = self.geojson(&z.geometry, &field)?;
                let geometry = match area_from_geojson(&g) {
                    Ok(mp) => mp,
                    Err(e) => {
                        self.problem(z.geometry.span(), field, format!("{label}: {e}"));
                        return None;
                    }
                };
                Some(Zone {
                    id: zid,
                    kind: z.kind,
                    name: z.name.clone(),
                    geometry,
                    restricted,
                    forbidden: z.forbidden.clone(),
                    controlled_by,
                    window,
                    status: z.status,
                    proposed_by,
                    note: z.note.clone(),
                    source: z.source.clone(),
                })
            })
            .collect();

        let mut notifications: Vec<Notification> = Vec::new();
        for (i, s) in raw.site.iter().enumerate() {
            let f = format!("site[{i}]");
            let sid = self.term_id(&s.id, &format!("{f}.id"));
            let (lat, lon, r) = (*s.lat.get_ref(), *s.lon.get_ref(), *s.radius_km.get_ref());
            let mut ok = true;
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                self.problem(
                    s.lat.span(),
                    format!("{f}.lat"),
                    format!("latitude {lat} is out of range (−90…90)"),
                );
                ok = false;
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                self.problem(
                    s.lon.span(),
                    format!("{f}.lon"),
                    format!("longitude {lon} is out of range (−180…180)"),
                );
                ok = false;
            }
            if !(r.is_finite() && r > 0.0 && r <= 100.0) {
                self.problem(
                    s.radius_km.span(),
                    format!("{f}.radius_km"),
                    format!("radius {r} km must be above 0 and at most 100"),
                );
                ok = false;
            }
            let window = self.window(&s.from, &s.until, utc_offset, &f);
            let notified = self.notices(&s.notified, utc_offset, &f);
            if ok {
                notifications.push(Notification {
                    id: sid,
                    name: s.name.clone(),
                    organisation: s.organisation.clone(),
                    kind: NotificationKind::Site(Site {
                        facility: s.facility,
                        lat,
                        lon,
                        radius_km: r,
                    }),
                    window,
                    notified,
                    basis: s.basis,
                    visibility: s.visibility,
                    note: s.note.clone(),
                    source: s.source.clone(),
                });
            }
        }
        for (i, m) in raw.movement.iter().enumerate() {
            let f = format!("movement[{i}]");
            let mid = self.term_id(&m.id, &format!("{f}.id"));
            let w = *m.corridor_km.get_ref();
            let width_ok = w.is_finite() && w > 0.0 && w <= 100.0;
            if !width_ok {
                self.problem(
                    m.corridor_km.span(),
                    format!("{f}.corridor_km"),
                    format!("corridor width {w} km must be above 0 and at most 100"),
                );
            }
            let window = self.window(&m.from, &m.until, utc_offset, &f);
            let notified = self.notices(&m.notified, utc_offset, &f);
            let field = format!("{f}.route");
            let Some((g, label)) = self.geojson(&m.route, &field) else {
                continue;
            };
            let route = match line_from_geojson(&g) {
                Ok(l) => l,
                Err(e) => {
                    self.problem(m.route.span(), field, format!("{label}: {e}"));
                    continue;
                }
            };
            if width_ok {
                notifications.push(Notification {
                    id: mid,
                    name: m.name.clone(),
                    organisation: m.organisation.clone(),
                    kind: NotificationKind::Movement(Movement {
                        route,
                        corridor_km: w,
                    }),
                    window,
                    notified,
                    basis: m.basis,
                    visibility: m.visibility,
                    note: m.note.clone(),
                    source: m.source.clone(),
                });
            }
        }

        Truce {
            id,
            name: Names {
                ar: raw.name.ar.into_inner(),
                en: raw.name.en.into_inner(),
            },
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
