//! Builds a country outline for a truce's covered area from a layer of provinces.
//!
//! ```sh
//! cargo run -p hudna-truce --example outline -- \
//!     ../shared/data/boundaries/syria_adm1.geojson 0.002 > data/scenarios/issg-2016/syria.geojson
//! ```
//!
//! The provinces are dissolved into one polygon (`geo`'s unary union), the slivers left
//! between neighbouring outlines are dropped (holes and parts under 1 km²), the outline is
//! simplified (Ramer–Douglas–Peucker, tolerance in degrees, so every kept vertex is one of
//! the source's), coordinates are rounded to 4 decimals (about 10 m) and the result is
//! checked the way a truce file is, so a bad outline is never written.

use std::process::ExitCode;

use geo::{Area, LineString, MultiPolygon, Polygon, Simplify};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("outline: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, tolerance] = args.as_slice() else {
        return Err("usage: outline PROVINCES.geojson TOLERANCE_DEGREES".into());
    };
    let tolerance: f64 = tolerance.parse().map_err(|e| format!("tolerance: {e}"))?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| format!("{path}: {e}"))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(format!("{path}: expected a FeatureCollection"));
    };
    let mut polygons: Vec<Polygon<f64>> = Vec::new();
    for f in fc.features {
        let Some(g) = f.geometry else { continue };
        let g: geo::Geometry<f64> = g.try_into().map_err(|e| format!("{path}: {e}"))?;
        match g {
            geo::Geometry::Polygon(p) => polygons.push(p),
            geo::Geometry::MultiPolygon(mp) => polygons.extend(mp.0),
            _ => {}
        }
    }
    let n_in = polygons.len();
    let union = geo::unary_union(&polygons);
    // About 1 km² in square degrees at 35° N.
    let min_area = 1.0 / (111.2 * 111.2 * 0.82);
    let kept: Vec<Polygon<f64>> = union
        .0
        .into_iter()
        .filter(|p| p.unsigned_area() >= min_area)
        .map(|p| {
            let (ext, holes) = p.into_inner();
            let holes = holes
                .into_iter()
                .filter(|h| Polygon::new(h.clone(), vec![]).unsigned_area() >= min_area)
                .collect();
            Polygon::new(ext, holes)
        })
        .collect();
    let simplified = MultiPolygon::new(kept).simplify(tolerance);
    let rounded = MultiPolygon::new(
        simplified
            .0
            .into_iter()
            .map(|p| {
                let (ext, holes) = p.into_inner();
                Polygon::new(round(ext), holes.into_iter().map(round).collect())
            })
            .collect(),
    );
    let vertices: usize = rounded
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    eprintln!(
        "outline: {n_in} polygons in, {} out, {vertices} vertices",
        rounded.0.len()
    );
    let geometry = geojson::Geometry::from(&rounded);
    let mut properties = serde_json::Map::new();
    let source = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
    properties.insert("dissolved_from".into(), source.into());
    properties.insert("tolerance_deg".into(), tolerance.into());
    let feature = geojson::Feature {
        bbox: None,
        geometry: Some(geometry),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    };
    let json = serde_json::to_string(&feature).map_err(|e| e.to_string())?;
    // Check it the way a truce file's geometry is checked.
    let wrapped = "id = \"x\"\nutc_offset = \"+00:00\"\n[name]\nar = \"x\"\nen = \"x\"\n[source]\ntitle = \"x\"\ndate = 2016-01-01\n[[period]]\nid = \"p\"\n[[zone]]\nid = \"z\"\nkind = \"covered_area\"\nstatus = \"in_force\"\ngeometry = \"outline.geojson\"\n";
    let dir = std::env::temp_dir().join(format!("hudna-outline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("outline.geojson"), &json).map_err(|e| e.to_string())?;
    let checked = hudna_truce::parse_truce(
        wrapped,
        "outline",
        Some(&dir),
        &hudna_truce::ActorCodes::default(),
    );
    let _ = std::fs::remove_dir_all(&dir);
    checked.map_err(|e| format!("the outline does not pass the truce checks: {e}"))?;
    println!("{json}");
    Ok(())
}

fn round(ring: LineString<f64>) -> LineString<f64> {
    let mut out: Vec<geo::Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in ring.0 {
        let r = geo::Coord {
            x: (c.x * 1e4).round() / 1e4,
            y: (c.y * 1e4).round() / 1e4,
        };
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    LineString::new(out)
}
