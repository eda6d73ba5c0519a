//! `hudna map`: draws the theatre map into a stand-alone HTML page (or an SVG file), from
//! layers in GeoJSON and incidents in JSON Lines: to look at a map and try its script
//! without the server.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geo::{coord, Point, Rect};
use hudna_core::IncidentType;
use hudna_i18n::{Labels, Lang};
use hudna_map::{
    Basemap, FindingClass, IncidentMarker, Layers, Projection, RenderOptions, Viewport,
};

use crate::Cli;

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the page (`.svg`: the SVG alone).
    #[arg(short, long, default_value = "map.html", value_name = "FILE")]
    out: PathBuf,
    /// Interface language: `en` or `ar`.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Zones, routes, sites and incidents as a GeoJSON FeatureCollection (each feature says
    /// which in its `layer` property; see `hudna_map::Layers::from_geojson`).
    #[arg(long, value_name = "FILE.geojson")]
    layers: Option<PathBuf>,
    /// Incidents, one JSON object a line, as `hudna extract` writes them (`lat`, `lon`,
    /// `type`, `date`, `place`), optionally with `id` and `finding`.
    #[arg(long, value_name = "FILE.jsonl")]
    incidents: Option<PathBuf>,
    /// The area to show, `west,south,east,north` in degrees (default: the theatre).
    #[arg(long, value_name = "W,S,E,N")]
    bbox: Option<String>,
    /// Width of the drawing in pixels.
    #[arg(long, default_value_t = 1200.0)]
    width: f64,
    /// Height of the drawing in pixels.
    #[arg(long, default_value_t = 900.0)]
    height: f64,
    /// `web-mercator` or `equirectangular`.
    #[arg(long, default_value = "web-mercator")]
    projection: String,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let lang: Lang = args.lang.parse()?;
    let projection = match args.projection.as_str() {
        "web-mercator" | "web_mercator" | "mercator" => Projection::WebMercator,
        "equirectangular" => Projection::Equirectangular,
        other => anyhow::bail!("--projection `{other}`: expected web-mercator or equirectangular"),
    };
    let labels = Labels::bundled()?;
    let owned;
    let basemap: &Basemap = match &cli.data {
        Some(dir) => {
            owned = Basemap::from_theatre_dir(&dir.join("theatres").join(&cli.theatre))?;
            &owned
        }
        None if cli.theatre == "syria" => Basemap::bundled()?,
        None => anyhow::bail!(
            "no bundled map for theatre `{}` (use --data DIR)",
            cli.theatre
        ),
    };

    let mut layers = match &args.layers {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Layers::from_geojson(&p.display().to_string(), &text)?
        }
        None => Layers::default(),
    };
    let mut bad_lines = 0usize;
    if let Some(p) = &args.incidents {
        bad_lines = read_incidents(p, labels, lang, &mut layers)?;
    }

    let bounds = match &args.bbox {
        Some(b) => parse_bbox(b)?,
        None => basemap.bounds(),
    };
    let view = Viewport::fit(bounds, args.width, args.height, projection)?;
    let map = hudna_map::render(
        basemap,
        labels,
        &layers,
        &view,
        lang,
        &RenderOptions::default(),
    );
    let svg_only = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let doc = if svg_only {
        map.svg.clone()
    } else {
        let title = format!(
            "{} — {}",
            labels.text("app.name", lang),
            labels.text("nav.map", lang)
        );
        hudna_map::html::standalone_page(&map.svg, lang, &title)
    };
    let mut f =
        File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    f.write_all(doc.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "hudna map: {} ({} bytes, SVG {} bytes): {} incidents drawn, {} without a place on the map",
        args.out.display(),
        doc.len(),
        map.svg.len(),
        map.incidents_drawn,
        map.incidents_skipped
    );
    Ok(if bad_lines > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `west,south,east,north` in degrees.
fn parse_bbox(s: &str) -> anyhow::Result<Rect<f64>> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            anyhow::anyhow!("--bbox `{s}`: expected four numbers west,south,east,north")
        })?;
    let [w, south, e, n] = v[..] else {
        anyhow::bail!("--bbox `{s}`: expected four numbers west,south,east,north");
    };
    anyhow::ensure!(
        w < e && south < n,
        "--bbox `{s}`: west must be less than east and south less than north"
    );
    Ok(Rect::new(coord! { x: w, y: south }, coord! { x: e, y: n }))
}

/// Reads incidents (JSON Lines) into markers. Lines that are not JSON objects are reported on
/// standard error with their number and skipped; lines without coordinates are counted.
/// Returns how many lines were bad.
fn read_incidents(
    path: &PathBuf,
    labels: &Labels,
    lang: Lang,
    layers: &mut Layers,
) -> anyhow::Result<usize> {
    let name = path.display().to_string();
    let f = File::open(path).with_context(|| format!("cannot open {name}"))?;
    let mut bad = 0usize;
    let mut unplaced = 0usize;
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let n = i + 1;
        let line = line.with_context(|| format!("{name}:{n}: cannot read"))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            Ok(_) => {
                eprintln!("{name}:{n}: not a JSON object");
                bad += 1;
                continue;
            }
            Err(e) => {
                eprintln!("{name}:{n}: not JSON: {e}");
                bad += 1;
                continue;
            }
        };
        let (Some(lat), Some(lon)) = (v["lat"].as_f64(), v["lon"].as_f64()) else {
            unplaced += 1;
            continue;
        };
        let finding = match v["finding"].as_str() {
            None => FindingClass::None,
            Some(f) => match FindingClass::parse(f) {
                Some(c) => c,
                None => {
                    eprintln!("{name}:{n}: field `finding`: unknown class `{f}`");
                    bad += 1;
                    continue;
                }
            },
        };
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(x) => x.to_string(),
            _ => format!("{}#{n}", v["article_id"].as_str().unwrap_or("line")),
        };
        let kind = v["type"]
            .as_str()
            .and_then(|t| t.parse::<IncidentType>().ok())
            .map(|t| labels.incident_type(t, lang).to_string());
        let title: Vec<String> = [
            v["date"].as_str().map(str::to_string),
            kind,
            v["place"].as_str().map(str::to_string),
        ]
        .into_iter()
        .flatten()
        .collect();
        layers.incidents.push(IncidentMarker {
            id,
            at: Point::new(lon, lat),
            finding,
            title: title.join(" · "),
        });
    }
    if unplaced > 0 {
        eprintln!("{name}: {unplaced} incidents have no coordinates and are not drawn");
    }
    Ok(bad)
}
