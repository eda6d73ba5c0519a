//! `hudna incidents`: the consolidated record out, as JSON Lines, CSV (ACLED's column names)
//! or GeoJSON; and `hudna dump`, the canonical listing used to compare two databases.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Grade, IncidentType};
use hudna_store::{IncidentFilter, IncidentWithSources, Store, StoreError};

use crate::{Cli, DbArg};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArg,
    /// Incidents on or after this day (YYYY-MM-DD); one no source gives a day counts on the
    /// publication day it is dated by (`reported`).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Incidents on or before this day (YYYY-MM-DD); one no source gives a day counts on the
    /// publication day it is dated by (`reported`).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Governorate (first-level unit), as the record spells it (e.g. Idlib, Rural Damascus).
    #[arg(long, value_name = "NAME")]
    admin1: Option<String>,
    /// Incident type (air_strike, shelling, armed_clash, explosion, attack, abduction).
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Perpetrator's actor code (SYR_GOV, RUS, ISIS, …, UNKNOWN).
    #[arg(long, value_name = "CODE")]
    perpetrator: Option<String>,
    /// Grade: confirmed, fair, weak or contested.
    #[arg(long)]
    grade: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: OutFormat,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// One incident a line, with its sources.
    Jsonl,
    /// ACLED-style columns, one incident a row.
    Csv,
    /// A FeatureCollection of points (incidents without coordinates are left out).
    Geojson,
}

#[derive(clap::Args)]
pub struct DumpArgs {
    #[command(flatten)]
    db: DbArg,
}

pub fn dump(args: &DumpArgs) -> anyhow::Result<ExitCode> {
    let mut store = args.db.open_existing()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let counts = store.dump(&mut out)?;
    out.flush()?;
    eprintln!("hudna dump: {}", serde_json::to_string(&counts)?);
    Ok(ExitCode::SUCCESS)
}

fn parse_day(flag: &str, v: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{flag}: `{v}` is not a date (expected YYYY-MM-DD)"))
}

/// Checks every filter value and builds the filter; a bad value is an error naming the flag
/// and what it accepts.
pub fn filter(cli: &Cli, args: &Args) -> anyhow::Result<IncidentFilter> {
    let since = args
        .since
        .as_deref()
        .map(|v| parse_day("since", v))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|v| parse_day("until", v))
        .transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            bail!("--since {s} is after --until {u}");
        }
    }
    let kind = args
        .kind
        .as_deref()
        .map(|t| {
            t.parse::<IncidentType>()
                .map_err(|e| anyhow::anyhow!("--type: {e}"))
        })
        .transpose()?;
    let grade = args
        .grade
        .as_deref()
        .map(|g| {
            g.parse::<Grade>()
                .map_err(|e| anyhow::anyhow!("--grade: {e}"))
        })
        .transpose()?;
    let needs_theatre = args.perpetrator.is_some() || args.admin1.is_some();
    let (perpetrator, admin1) = if needs_theatre {
        let extractor = crate::extractor(cli)?;
        let lex = extractor.lexicon();
        let perpetrator = match &args.perpetrator {
            None => None,
            Some(p) => {
                let codes: Vec<&str> = lex.actors.iter().map(|a| a.code.as_str()).collect();
                match codes.iter().find(|c| c.eq_ignore_ascii_case(p.trim())) {
                    Some(c) => Some(c.to_string()),
                    None => bail!(
                        "--perpetrator: unknown actor code `{p}` (expected one of: {})",
                        codes.join(" ")
                    ),
                }
            }
        };
        let admin1 = match &args.admin1 {
            None => None,
            Some(a) => {
                let names = admin1_names(lex);
                let want = a.trim().to_lowercase();
                match names.iter().find(|n| n.to_lowercase() == want) {
                    Some(n) => Some(n.clone()),
                    None => bail!(
                        "--admin1: unknown governorate `{a}` (expected one of: {})",
                        names.join(", ")
                    ),
                }
            }
        };
        (perpetrator, admin1)
    } else {
        (None, None)
    };
    Ok(IncidentFilter {
        since,
        until,
        admin1,
        kind,
        perpetrator,
        grade,
    })
}

/// First-level units the theatre's gazetteer knows (its own and those abroad).
fn admin1_names(lex: &hudna_extract::Lexicon) -> Vec<String> {
    lex.gazetteer.admin1_names().map(str::to_string).collect()
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let filter = filter(cli, args)?;
    let mut store = args.db.open_existing()?;
    let out: Box<dyn Write> = match &args.output {
        None => Box::new(io::stdout().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdout().lock()),
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
    };
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let n = export(store.as_mut(), &filter, args.format, &mut out)?;
    out.flush()?;
    eprintln!("hudna: {} incidents exported", n.0);
    if n.1 > 0 {
        eprintln!(
            "hudna: {} incidents without coordinates left out of the GeoJSON",
            n.1
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the incidents that pass `filter`; returns (exported, left out for lack of a point).
pub fn export(
    store: &mut dyn Store,
    filter: &IncidentFilter,
    format: OutFormat,
    out: &mut dyn Write,
) -> anyhow::Result<(u64, u64)> {
    let mut skipped = 0u64;
    let mut written = 0u64;
    match format {
        OutFormat::Jsonl => {
            store.export(filter, &mut |i| {
                serde_json::to_writer(&mut *out, i).map_err(|e| StoreError::Io(e.into()))?;
                out.write_all(b"\n")?;
                written += 1;
                Ok(())
            })?;
        }
        OutFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_HEADER)?;
            store.export(filter, &mut |i| {
                w.write_record(csv_row(i))
                    .map_err(|e| StoreError::Io(io::Error::other(e)))?;
                written += 1;
                Ok(())
            })?;
            w.flush()?;
        }
        OutFormat::Geojson => {
            out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
            let mut first = true;
            store.export(filter, &mut |i| {
                let r = &i.incident;
                let (Some(lat), Some(lon)) = (r.lat, r.lon) else {
                    skipped += 1;
                    return Ok(());
                };
                if !first {
                    out.write_all(b",\n")?;
                }
                first = false;
                let feature = serde_json::json!({
                    "type": "Feature",
                    "id": r.public_id,
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": properties(i),
                });
                serde_json::to_writer(&mut *out, &feature).map_err(|e| StoreError::Io(e.into()))?;
                written += 1;
                Ok(())
            })?;
            out.write_all(b"\n]}\n")?;
        }
    }
    Ok((written, skipped))
}

/// ACLED's export names where they exist, then hudna's own columns.
const CSV_HEADER: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "source",
    "notes",
    "hudna_type",
    "target",
    "injured",
    "grade",
    "contested",
    "independent_sources",
    "reports",
    "date_precision",
    "reported",
];

/// ACLED's event and sub-event types for hudna's types.
fn acled_type(t: IncidentType) -> (&'static str, &'static str) {
    match t {
        IncidentType::AirStrike => ("Explosions/Remote violence", "Air/drone strike"),
        IncidentType::Shelling => (
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        IncidentType::Explosion => (
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        IncidentType::ArmedClash => ("Battles", "Armed clash"),
        IncidentType::Attack => ("Violence against civilians", "Attack"),
        IncidentType::Abduction => (
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
    }
}

/// ACLED's geo_precision: 1 a town, 2 near a town or a small area, 3 a larger region.
fn acled_precision(p: Option<GeoPrecision>) -> &'static str {
    match p {
        Some(GeoPrecision::Point | GeoPrecision::Locality) => "1",
        Some(GeoPrecision::District) => "2",
        Some(GeoPrecision::Admin1 | GeoPrecision::Country) => "3",
        None => "",
    }
}

fn source_names(i: &IncidentWithSources) -> String {
    let mut names: Vec<String> = Vec::new();
    for s in &i.sources_list {
        let name = s
            .outlet
            .clone()
            .or_else(|| s.url.clone())
            .or_else(|| s.source_ref.clone())
            .or_else(|| s.external_id.clone())
            .unwrap_or_default();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names.join("; ")
}

fn notes(i: &IncidentWithSources) -> String {
    let r = &i.incident;
    let mut n = format!(
        "{} by {} at {}",
        r.kind,
        r.perpetrator,
        r.place.as_deref().unwrap_or("an unnamed place")
    );
    if let Some(d) = r.date {
        n.push_str(&format!(" on {d}"));
    } else if let Some(d) = r.reported {
        n.push_str(&format!(" (no day given; reported {d})"));
    }
    n.push_str(&format!("; target {}", r.target));
    if let Some(k) = r.killed {
        n.push_str(&format!("; {k} killed"));
    }
    if let Some(k) = r.injured {
        n.push_str(&format!("; {k} injured"));
    }
    if r.contested {
        let mut names: Vec<&str> = i
            .sources_list
            .iter()
            .map(|s| s.perpetrator.as_str())
            .filter(|p| *p != "UNKNOWN")
            .collect();
        names.sort_unstable();
        names.dedup();
        n.push_str(&format!("; attribution contested: {}", names.join(" / ")));
    }
    n.push_str(&format!(
        "; grade {} ({} independent source{})",
        r.grade,
        r.sources,
        if r.sources == 1 { "" } else { "s" }
    ));
    n
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_row(i: &IncidentWithSources) -> Vec<String> {
    let r = &i.incident;
    let (event_type, sub) = acled_type(r.kind);
    vec![
        format!("HUDNA{}", r.public_id),
        opt(r.date),
        event_type.into(),
        sub.into(),
        r.perpetrator.clone(),
        opt(r.admin1.as_deref()),
        opt(r.place.as_deref()),
        opt(r.lat),
        opt(r.lon),
        acled_precision(r.geo_precision).into(),
        opt(r.killed),
        source_names(i),
        notes(i),
        r.kind.to_string(),
        r.target.to_string(),
        opt(r.injured),
        r.grade.to_string(),
        r.contested.to_string(),
        r.sources.to_string(),
        r.reports.to_string(),
        opt(r.date_precision.map(|p| p.as_str())),
        opt(r.reported),
    ]
}

/// Flat properties: QGIS shows scalars as attribute columns.
fn properties(i: &IncidentWithSources) -> serde_json::Value {
    let r = &i.incident;
    serde_json::json!({
        "id": r.public_id,
        "type": r.kind.as_str(),
        "date": r.date.map(|d| d.to_string()),
        "date_precision": r.date_precision.map(|p| p.as_str()),
        "reported": r.reported.map(|d| d.to_string()),
        "place": r.place,
        "admin1": r.admin1,
        "geo_precision": r.geo_precision.map(GeoPrecision::as_str),
        "perpetrator": r.perpetrator,
        "contested": r.contested,
        "grade": r.grade.as_str(),
        "killed": r.killed,
        "injured": r.injured,
        "target": r.target.as_str(),
        "target_actor": r.target_actor,
        "claimed": r.claimed,
        "sources": r.sources,
        "reports": r.reports,
        "source_names": source_names(i),
        "notes": notes(i),
    })
}
