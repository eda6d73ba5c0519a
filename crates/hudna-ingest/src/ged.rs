//! UCDP Georeferenced Event Dataset rows (CSV with the GED codebook's column names).
//!
//! GED events are already structured: a day, a point, the two sides and death counts, with
//! the reporting source noted. Each row becomes one incident that enters consolidation as a
//! source of its own, so an event that both a news article and GED report is one incident
//! with two sources.

use std::collections::HashMap;

use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Incident, IncidentType, Target};

use crate::{Entry, Event, Format, Origin, Rejection};

/// Prefix of the source reference of GED rows (`ucdp-ged:<id>`).
pub const GED_SOURCE: &str = "ucdp-ged";

/// How GED's actor names map to the theatre's actor codes (read from the theatre's
/// `ged_actors.tsv`). Names are matched without regard to case; a side listing several
/// groups ("Ahrar al-Sham, HTS, Southern Front") takes the code most of them map to.
#[derive(Debug, Clone, Default)]
pub struct GedActors {
    names: HashMap<String, String>,
}

impl GedActors {
    /// Parses `name<TAB>code` lines; `#` starts a comment, a `name code` header is skipped.
    pub fn from_tsv(text: &str) -> Result<GedActors, String> {
        let mut names = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t');
            let (Some(name), Some(code)) = (cells.next(), cells.next()) else {
                return Err(format!("line {}: expected `name<TAB>code`", i + 1));
            };
            if name == "name" && code == "code" {
                continue;
            }
            names.insert(name.trim().to_lowercase(), code.trim().to_string());
        }
        Ok(GedActors { names })
    }

    /// The code of a GED side, `UNKNOWN` when none of its groups is known.
    pub fn code(&self, side: &str) -> String {
        if let Some(c) = self.names.get(&side.trim().to_lowercase()) {
            return c.clone();
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for part in side.split(',') {
            if let Some(c) = self.names.get(&part.trim().to_lowercase()) {
                match counts.iter_mut().find(|(k, _)| k == c) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((c.clone(), 1)),
                }
            }
        }
        // Most frequent; ties go to the group listed first.
        let mut best: Option<(String, usize)> = None;
        for (c, n) in counts {
            if best.as_ref().is_none_or(|(_, b)| n > *b) {
                best = Some((c, n));
            }
        }
        best.map_or_else(|| "UNKNOWN".to_string(), |(c, _)| c)
    }
}

/// Columns a GED file must have.
const REQUIRED: &[&str] = &[
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "best",
];

struct Columns {
    at: HashMap<&'static str, usize>,
    admin1_pip: Option<usize>,
    adm_1: Option<usize>,
    source_office: Option<usize>,
    source_headline: Option<usize>,
}

pub(crate) fn read<E>(
    name: &str,
    input: impl std::io::Read,
    actors: &GedActors,
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return sink(Err(Rejection::new(
                name,
                Some("line 1".into()),
                format!("cannot read the header: {e}"),
            )))
        }
    };
    let find = |col: &str| {
        headers.iter().position(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                == col
        })
    };
    let mut at = HashMap::new();
    for col in REQUIRED {
        match find(col) {
            Some(i) => {
                at.insert(*col, i);
            }
            None => {
                return sink(Err(Rejection::new(
                    name,
                    Some("line 1".into()),
                    format!("not a UCDP GED file: no column `{col}`"),
                )))
            }
        }
    }
    let cols = Columns {
        at,
        admin1_pip: find("admin1_pip"),
        adm_1: find("adm_1"),
        source_office: find("source_office"),
        source_headline: find("source_headline"),
    };
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + u64::from(reader.position().line() == 0);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                let locator = Some(format!("line {line}"));
                let row = match csv::StringRecord::from_byte_record(record.clone()) {
                    Ok(r) => r,
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let col = headers
                            .get(field)
                            .map(|h| String::from_utf8_lossy(h).to_string())
                            .unwrap_or_default();
                        sink(Err(Rejection::new(
                            name,
                            locator,
                            format!("field `{col}`: not UTF-8"),
                        )))?;
                        continue;
                    }
                };
                let entry = event(&row, &cols, actors)
                    .map(|event| Entry::Event {
                        origin: Origin {
                            file: name.to_string(),
                            format: Format::Ged,
                            locator: locator.clone(),
                        },
                        event,
                    })
                    .map_err(|reason| Rejection::new(name, locator, reason));
                sink(entry)?;
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                sink(Err(Rejection::new(
                    name,
                    Some(format!("line {line}")),
                    format!("malformed CSV: {e}"),
                )))?;
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    Ok(())
}

fn event(row: &csv::StringRecord, cols: &Columns, actors: &GedActors) -> Result<Event, String> {
    let get = |col: &'static str| -> &str {
        cols.at
            .get(col)
            .and_then(|i| row.get(*i))
            .map(str::trim)
            .unwrap_or("")
    };
    let opt = |i: Option<usize>| -> Option<String> {
        i.and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let id = get("id");
    let id: u64 = id
        .parse()
        .map_err(|_| format!("field `id`: `{id}` is not a whole number"))?;
    let date = |col: &'static str| -> Result<NaiveDate, String> {
        let v = get(col);
        hudna_core::article::parse_published(v)
            .ok_or_else(|| format!("field `{col}`: `{v}` is not a date (YYYY-MM-DD)"))
    };
    let start = date("date_start")?;
    let end = date("date_end")?;
    if end < start {
        return Err(format!(
            "field `date_end`: {end} is before date_start {start}"
        ));
    }
    let coord = |col: &'static str, limit: f64| -> Result<f64, String> {
        let v = get(col);
        let x: f64 = v
            .parse()
            .map_err(|_| format!("field `{col}`: `{v}` is not a number"))?;
        if !x.is_finite() || x.abs() > limit {
            return Err(format!("field `{col}`: {v} is out of range (±{limit})"));
        }
        Ok(x)
    };
    let lat = coord("latitude", 90.0)?;
    let lon = coord("longitude", 180.0)?;
    let tov = get("type_of_violence");
    let tov: u8 = match tov {
        "1" | "2" | "3" => tov.parse().unwrap_or(1),
        _ => {
            return Err(format!(
                "field `type_of_violence`: `{tov}` is not 1, 2 or 3"
            ))
        }
    };
    let best = get("best");
    let killed = if best.is_empty() {
        None
    } else {
        Some(
            best.parse::<u32>()
                .map_err(|_| format!("field `best`: `{best}` is not a count"))?,
        )
    };
    let prec = get("where_prec");
    let geo_precision = match prec {
        "1" => GeoPrecision::Locality,
        "2" | "3" => GeoPrecision::District,
        "4" | "5" => GeoPrecision::Admin1,
        "6" | "7" => GeoPrecision::Country,
        _ => return Err(format!("field `where_prec`: `{prec}` is not 1–7")),
    };
    let headline = opt(cols.source_headline).unwrap_or_default();
    let kind = kind_of(&headline, tov);
    let admin1 = opt(cols.admin1_pip).or_else(|| {
        opt(cols.adm_1).map(|a| {
            a.trim_end_matches(" Governorate")
                .trim_end_matches(" province")
                .to_string()
        })
    });
    let place = Some(get("where_coordinates").to_string()).filter(|p| !p.is_empty());
    let perpetrator = actors.code(get("side_a"));
    let side_b = get("side_b");
    let (target, target_actor) = if tov == 3 || side_b.eq_ignore_ascii_case("civilians") {
        (Target::Civilians, None)
    } else {
        let code = actors.code(side_b);
        (Target::Armed, Some(code).filter(|c| c != "UNKNOWN"))
    };
    let office = opt(cols.source_office).unwrap_or_default();
    let note = match (office.is_empty(), headline.is_empty()) {
        (false, false) => format!("UCDP GED event {id} ({office}: {headline})"),
        (false, true) => format!("UCDP GED event {id} ({office})"),
        (true, false) => format!("UCDP GED event {id} ({headline})"),
        (true, true) => format!("UCDP GED event {id}"),
    };
    Ok(Event {
        source_ref: format!("{GED_SOURCE}:{id}"),
        source_note: note,
        incident: Incident {
            article_id: format!("{GED_SOURCE}:{id}"),
            kind,
            date: Some(start),
            place,
            admin1,
            lat: Some(lat),
            lon: Some(lon),
            perpetrator,
            target,
            target_actor,
            killed,
            injured: None,
            claimed: false,
            geo_precision: Some(geo_precision),
            evidence: Vec::new(),
        },
    })
}

/// GED codes only who fought whom; the source headline usually says how. The words are those
/// of GED's English headlines (mostly SOHR's).
fn kind_of(headline: &str, type_of_violence: u8) -> IncidentType {
    let h = headline.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&[
        "air strike",
        "airstrike",
        "air raid",
        "airraid",
        "warplane",
        "helicopter",
        "barrel",
        "drone",
        "aircraft",
        "jets",
    ]) {
        IncidentType::AirStrike
    } else if has(&[
        "car bomb",
        "ied",
        "explosive",
        "explosion",
        "landmine",
        "mine ",
        "suicide",
        "blast",
        "booby",
    ]) {
        IncidentType::Explosion
    } else if has(&[
        "shell",
        "artillery",
        "rocket",
        "missile",
        "mortar",
        "cannon",
        "bombard",
    ]) {
        IncidentType::Shelling
    } else if has(&["kidnap", "abduct", "arrest", "detain"]) {
        IncidentType::Abduction
    } else if has(&[
        "sniper",
        "shot",
        "gunmen",
        "assassinat",
        "execut",
        "shooting",
        "gunfire",
        "stabbed",
    ]) || type_of_violence == 3
    {
        IncidentType::Attack
    } else {
        IncidentType::ArmedClash
    }
}
