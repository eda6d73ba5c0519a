//! Reading gazetteer TSV files, with errors that name file, line and field.

use crate::{Gazetteer, Place, PlaceKind, Source};

/// A malformed gazetteer file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct TsvError {
    /// File name.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

struct Table<'a> {
    file: &'a str,
    header: Vec<&'a str>,
    rows: Vec<(usize, Vec<&'a str>)>,
}

impl<'a> Table<'a> {
    fn parse(src: Source<'a>) -> Result<Table<'a>, TsvError> {
        let mut header = None;
        let mut rows = Vec::new();
        for (i, line) in src.text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            match header {
                None => header = Some(cells),
                Some(ref h) => {
                    if cells.len() > h.len() {
                        return Err(TsvError {
                            file: src.name.to_string(),
                            line: i + 1,
                            reason: format!("{} fields, the header has {}", cells.len(), h.len()),
                        });
                    }
                    rows.push((i + 1, cells));
                }
            }
        }
        Ok(Table {
            file: src.name,
            header: header.unwrap_or_default(),
            rows,
        })
    }

    fn column(&self, name: &str) -> Result<usize, TsvError> {
        self.header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| TsvError {
                file: self.file.to_string(),
                line: 1,
                reason: format!("no column `{name}` in the header"),
            })
    }

    fn err(&self, line: usize, field: &str, reason: String) -> TsvError {
        TsvError {
            file: self.file.to_string(),
            line,
            reason: format!("field `{field}`: {reason}"),
        }
    }
}

fn cell<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("").trim()
}

fn number(t: &Table<'_>, line: usize, field: &str, s: &str) -> Result<f64, TsvError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| t.err(line, field, format!("`{s}` is not a number")))
}

pub(crate) fn read_places(g: &mut Gazetteer, src: Source<'_>) -> Result<(), TsvError> {
    let t = Table::parse(src)?;
    let c_id = t.column("id")?;
    let c_en = t.column("name_en")?;
    let c_ar = t.column("name_ar")?;
    let c_alt = t.column("alt_names")?;
    let c_lat = t.column("lat")?;
    let c_lon = t.column("lon")?;
    let c_a1 = t.column("admin1")?;
    let c_a2 = t.column("admin2")?;
    let c_fc = t.column("feature_code")?;
    let c_pop = t.column("population")?;
    for (line, row) in &t.rows {
        let line = *line;
        let lat = number(&t, line, "lat", cell(row, c_lat))?;
        let lon = number(&t, line, "lon", cell(row, c_lon))?;
        if !(-90.0..=90.0).contains(&lat) {
            return Err(t.err(line, "lat", format!("{lat} is out of range")));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(t.err(line, "lon", format!("{lon} is out of range")));
        }
        let id = cell(row, c_id);
        if id.is_empty() {
            return Err(t.err(line, "id", "empty".into()));
        }
        let name_en = cell(row, c_en).to_string();
        let name_ar = cell(row, c_ar).to_string();
        if name_en.is_empty() && name_ar.is_empty() {
            return Err(t.err(line, "name_en", "the place has no name".into()));
        }
        let kind = PlaceKind::from_feature_code(cell(row, c_fc));
        let admin1 = match cell(row, c_a1) {
            "" => None,
            a => Some(g.admin1_id(a)),
        };
        if admin1.is_none() && kind != PlaceKind::Country {
            return Err(t.err(
                line,
                "admin1",
                "empty for a place that is not a country".into(),
            ));
        }
        let population = match cell(row, c_pop) {
            "" => None,
            p => Some(
                p.parse::<u32>()
                    .map_err(|_| t.err(line, "population", format!("`{p}` is not a count")))?,
            ),
        };
        let admin2 = Some(cell(row, c_a2).to_string()).filter(|s| !s.is_empty());
        let mut names = vec![name_ar.clone(), name_en.clone()];
        names.extend(cell(row, c_alt).split('|').map(|s| s.trim().to_string()));
        // "Al-Shaar (Aleppo)": the bracket says where, it is not part of the name.
        for n in names.iter_mut() {
            if let Some(i) = n.find(['(', '[']) {
                *n = n[..i].trim().to_string();
            }
        }
        names.sort();
        names.dedup();
        g.push_place(
            Place {
                id: id.to_string(),
                name_en,
                name_ar,
                lat,
                lon,
                admin1,
                admin2,
                kind,
                population,
            },
            names,
        );
    }
    Ok(())
}

/// A level-1 unit read from the units file, waiting for the places to be known.
pub(crate) struct Admin1Row {
    admin1: String,
    name_en: String,
    name_ar: String,
    aliases: Vec<String>,
    lat: f64,
    lon: f64,
}

pub(crate) fn read_admin1_names(
    g: &mut Gazetteer,
    src: Source<'_>,
) -> Result<Vec<Admin1Row>, TsvError> {
    let t = Table::parse(src)?;
    let c_level = t.column("level")?;
    let c_en = t.column("name_en")?;
    let c_ar = t.column("name_ar")?;
    let c_a1 = t.column("admin1")?;
    let c_lat = t.column("lat")?;
    let c_lon = t.column("lon")?;
    let c_alias = t.column("aliases")?;
    let mut out = Vec::new();
    for (line, row) in &t.rows {
        let line = *line;
        if cell(row, c_level) != "1" {
            continue;
        }
        let a1 = cell(row, c_a1);
        if a1.is_empty() {
            return Err(t.err(line, "admin1", "empty".into()));
        }
        g.admin1_id(a1);
        out.push(Admin1Row {
            admin1: a1.to_string(),
            name_en: cell(row, c_en).to_string(),
            name_ar: cell(row, c_ar).to_string(),
            aliases: cell(row, c_alias)
                .split('|')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            lat: number(&t, line, "lat", cell(row, c_lat))?,
            lon: number(&t, line, "lon", cell(row, c_lon))?,
        });
    }
    Ok(out)
}

pub(crate) fn add_admin1_places(g: &mut Gazetteer, rows: Vec<Admin1Row>) {
    let existing: std::collections::HashSet<String> =
        g.names.iter().map(|(n, _)| n.clone()).collect();
    for row in rows {
        let admin1 = g.admin1_id(&row.admin1);
        // A governorate named like its seat city ("حلب") is the city when named alone;
        // only its own spellings ("محافظة حلب", "ريف دمشق") name the governorate.
        let mut names: Vec<String> = row
            .aliases
            .into_iter()
            .filter(|s| !existing.contains(s))
            .collect();
        for n in [&row.name_ar, &row.name_en] {
            if !n.is_empty() && !existing.contains(n.as_str()) {
                names.push(n.clone());
            }
        }
        let id = g.push_place(
            Place {
                id: format!("admin1:{}", row.admin1),
                name_en: row.name_en,
                name_ar: row.name_ar,
                lat: row.lat,
                lon: row.lon,
                admin1: Some(admin1),
                admin2: None,
                kind: PlaceKind::Admin1,
                population: None,
            },
            names,
        );
        g.admin1_place.entry(admin1).or_insert(id);
    }
}

pub(crate) fn read_aliases(g: &mut Gazetteer, src: Source<'_>) -> Result<(), TsvError> {
    let t = Table::parse(src)?;
    let c_id = t.column("id")?;
    let c_alias = t.column("alias")?;
    let index: std::collections::HashMap<&str, crate::PlaceId> = g
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as crate::PlaceId))
        .collect();
    let mut new = Vec::new();
    for (line, row) in &t.rows {
        let id = cell(row, c_id);
        let alias = cell(row, c_alias);
        let Some(&pid) = index.get(id) else {
            return Err(t.err(*line, "id", format!("no place `{id}`")));
        };
        if alias.is_empty() {
            return Err(t.err(*line, "alias", "empty".into()));
        }
        new.push((alias.to_string(), pid));
    }
    g.names.extend(new);
    Ok(())
}
