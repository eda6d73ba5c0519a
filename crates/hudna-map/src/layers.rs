//! What the caller draws over the basemap: truce zones, notified routes and sites, incidents.
//!
//! These are plain shapes with the few facts the drawing needs (a kind, whether proposed, a
//! name, an id to link). The record and the compliance engine keep the full objects; the
//! server (or the briefing) maps them into these, so the map does not depend on either.

use geo::{coord, BoundingRect, Geometry, LineString, MultiPolygon, Point, Rect};

use crate::geojson::{geometry_name, prop_str, read_features};
use crate::MapError;

/// What a zone is for (the truce format's `kind`); each kind has its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ZoneKind {
    /// Where the truce applies.
    CoveredArea,
    /// Where restricted parties may not carry out the forbidden incident types.
    Demilitarised,
    /// Where restricted parties may not fly.
    NoFly,
    /// An area held by some parties, which restricted parties may not attack.
    ControlArea,
}

impl ZoneKind {
    /// Every kind, in legend order.
    pub const ALL: [ZoneKind; 4] = [
        ZoneKind::CoveredArea,
        ZoneKind::Demilitarised,
        ZoneKind::NoFly,
        ZoneKind::ControlArea,
    ];

    /// The spelling of the truce format (`covered_area`, …): also the CSS class suffix and
    /// the label key suffix (`zone_kind.<spelling>`).
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::CoveredArea => "covered_area",
            ZoneKind::Demilitarised => "demilitarised",
            ZoneKind::NoFly => "no_fly",
            ZoneKind::ControlArea => "control_area",
        }
    }

    /// The kind spelled `s`.
    pub fn parse(s: &str) -> Option<ZoneKind> {
        ZoneKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An incident's most serious finding, which sets its colour. Ordered from least to most
/// serious, so `max()` over an incident's findings gives its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum FindingClass {
    /// No finding under any truce.
    #[default]
    None,
    /// Recorded, but outside the truce (a designated group attacked or attacking).
    OutsideTruce,
    /// Needs investigation (for example, no perpetrator named).
    NeedsInvestigation,
    /// A serious possible violation.
    Serious,
    /// A grave possible violation (civilians, medical, humanitarian, education, or a notified
    /// site or movement hit).
    Grave,
}

impl FindingClass {
    /// Every class, least serious first (the drawing order: the worst end up on top).
    pub const ALL: [FindingClass; 5] = [
        FindingClass::None,
        FindingClass::OutsideTruce,
        FindingClass::NeedsInvestigation,
        FindingClass::Serious,
        FindingClass::Grave,
    ];

    /// The spelling used in CSS classes (`hm-f-<spelling>`), `data-finding` and label keys
    /// (`finding_class.<spelling>`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingClass::None => "none",
            FindingClass::OutsideTruce => "outside_truce",
            FindingClass::NeedsInvestigation => "needs_investigation",
            FindingClass::Serious => "serious",
            FindingClass::Grave => "grave",
        }
    }

    /// The class spelled `s` (its own spelling), or of a compliance-engine severity
    /// (`grave`, `serious`, `review` → needs investigation, `info` → outside the truce).
    pub fn parse(s: &str) -> Option<FindingClass> {
        match s {
            "review" => Some(FindingClass::NeedsInvestigation),
            "info" => Some(FindingClass::OutsideTruce),
            _ => FindingClass::ALL.into_iter().find(|c| c.as_str() == s),
        }
    }
}

/// A truce zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The term id (written as `data-zone`).
    pub id: String,
    /// What it is for.
    pub kind: ZoneKind,
    /// A proposed term (drawn dashed), not one in force.
    pub proposed: bool,
    /// Its name in the page's language (the tooltip).
    pub name: String,
    /// Its area.
    pub area: MultiPolygon<f64>,
}

/// A notified movement: a route with its protected corridor.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The notification id (written as `data-route`).
    pub id: String,
    /// Its name in the page's language (the tooltip).
    pub name: String,
    /// The route.
    pub line: LineString<f64>,
    /// Full width of the corridor in km (half on each side of the route).
    pub corridor_km: f64,
}

/// A notified site: a point with its protected radius.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The notification id (written as `data-site`).
    pub id: String,
    /// Its name in the page's language (the tooltip).
    pub name: String,
    /// Where it is.
    pub at: Point<f64>,
    /// The protected radius in km.
    pub radius_km: f64,
}

/// An incident on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentMarker {
    /// The incident id: written as `data-incident` and into its link.
    pub id: String,
    /// Where it happened (longitude x, latitude y).
    pub at: Point<f64>,
    /// Its most serious finding.
    pub finding: FindingClass,
    /// The tooltip (date, type, place …), in the page's language. Escaped when drawn.
    pub title: String,
}

/// Everything drawn over the basemap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layers {
    /// Truce zones, drawn in order (later ones on top).
    pub zones: Vec<Zone>,
    /// Notified movements.
    pub routes: Vec<Route>,
    /// Notified sites.
    pub sites: Vec<Site>,
    /// Incidents; drawn by class, the most serious on top.
    pub incidents: Vec<IncidentMarker>,
}

impl Layers {
    /// The area all layers cover (longitude x, latitude y), or `None` when empty: for a view
    /// fitted to what was asked for (one incident, one truce's zones).
    pub fn bounds(&self) -> Option<Rect<f64>> {
        let mut acc: Option<(f64, f64, f64, f64)> = None;
        let mut add = |r: Rect<f64>| {
            let (a, b) = (r.min(), r.max());
            if ![a.x, a.y, b.x, b.y].iter().all(|v| v.is_finite()) {
                return;
            }
            acc = Some(match acc {
                None => (a.x, a.y, b.x, b.y),
                Some((w, s, e, n)) => (w.min(a.x), s.min(a.y), e.max(b.x), n.max(b.y)),
            });
        };
        for z in &self.zones {
            if let Some(r) = z.area.bounding_rect() {
                add(r);
            }
        }
        for r in &self.routes {
            if let Some(b) = r.line.bounding_rect() {
                add(b);
            }
        }
        for s in &self.sites {
            add(Rect::new(s.at.0, s.at.0));
        }
        for i in &self.incidents {
            add(Rect::new(i.at.0, i.at.0));
        }
        acc.map(|(w, s, e, n)| Rect::new(coord! { x: w, y: s }, coord! { x: e, y: n }))
    }

    /// Reads layers from a GeoJSON FeatureCollection whose features say what they are in a
    /// `layer` property: `zone` (Polygon/MultiPolygon; `kind`, `status` = `in_force` |
    /// `proposed`), `route` (LineString; `corridor_km`), `site` (Point; `radius_km`) or
    /// `incident` (Point; `finding`, `title`). Every feature may have `id` and `name`.
    ///
    /// This is how a map is drawn outside the server (`hudna map --layers`) and in tests.
    pub fn from_geojson(file: &str, text: &str) -> Result<Layers, MapError> {
        let mut layers = Layers::default();
        for (i, (props, geom)) in read_features(file, text)?.into_iter().enumerate() {
            let bad = |reason: String| MapError::Data {
                file: file.to_string(),
                reason: format!("feature {i}: {reason}"),
            };
            let id = match props.get("id") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => i.to_string(),
            };
            let name = prop_str(&props, "name").unwrap_or(&id).to_string();
            let km = |key: &str| -> Result<f64, MapError> {
                match props.get(key).and_then(|v| v.as_f64()) {
                    Some(v) if v.is_finite() && v > 0.0 && v <= 1000.0 => Ok(v),
                    _ => Err(bad(format!("`{key}` must be a number of km, 0 to 1000"))),
                }
            };
            let wrong = |want: &str, g: &Geometry<f64>| {
                bad(format!("a {} where a {want} is needed", geometry_name(g)))
            };
            match prop_str(&props, "layer") {
                Some("zone") => {
                    let kind_s = prop_str(&props, "kind").unwrap_or_default();
                    let kind = ZoneKind::parse(kind_s).ok_or_else(|| {
                        bad(format!(
                            "zone `kind` `{kind_s}`: expected covered_area, demilitarised, no_fly or control_area"
                        ))
                    })?;
                    let proposed = match prop_str(&props, "status") {
                        None | Some("in_force") => false,
                        Some("proposed") => true,
                        Some(s) => {
                            return Err(bad(format!(
                                "`status` `{s}`: expected in_force or proposed"
                            )))
                        }
                    };
                    let area = match geom {
                        Geometry::Polygon(p) => MultiPolygon(vec![p]),
                        Geometry::MultiPolygon(mp) => mp,
                        g => return Err(wrong("Polygon or MultiPolygon", &g)),
                    };
                    layers.zones.push(Zone {
                        id,
                        kind,
                        proposed,
                        name,
                        area,
                    });
                }
                Some("route") => {
                    let Geometry::LineString(line) = geom else {
                        return Err(wrong("LineString", &geom));
                    };
                    let corridor_km = km("corridor_km")?;
                    layers.routes.push(Route {
                        id,
                        name,
                        line,
                        corridor_km,
                    });
                }
                Some("site") => {
                    let Geometry::Point(at) = geom else {
                        return Err(wrong("Point", &geom));
                    };
                    let radius_km = km("radius_km")?;
                    layers.sites.push(Site {
                        id,
                        name,
                        at,
                        radius_km,
                    });
                }
                Some("incident") => {
                    let Geometry::Point(at) = geom else {
                        return Err(wrong("Point", &geom));
                    };
                    let f = prop_str(&props, "finding").unwrap_or("none");
                    let finding = FindingClass::parse(f).ok_or_else(|| {
                        bad(format!(
                            "`finding` `{f}`: expected grave, serious, needs_investigation, outside_truce or none"
                        ))
                    })?;
                    let title = prop_str(&props, "title").unwrap_or(&name).to_string();
                    layers.incidents.push(IncidentMarker {
                        id,
                        at,
                        finding,
                        title,
                    });
                }
                other => {
                    return Err(bad(format!(
                        "`layer` {other:?}: expected zone, route, site or incident"
                    )))
                }
            }
        }
        Ok(layers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_classes_order_by_seriousness() {
        let worst = [
            FindingClass::OutsideTruce,
            FindingClass::Grave,
            FindingClass::None,
        ]
        .into_iter()
        .max();
        assert_eq!(worst, Some(FindingClass::Grave));
        assert_eq!(
            FindingClass::parse("review"),
            Some(FindingClass::NeedsInvestigation)
        );
        assert_eq!(
            FindingClass::parse("info"),
            Some(FindingClass::OutsideTruce)
        );
        for c in FindingClass::ALL {
            assert_eq!(FindingClass::parse(c.as_str()), Some(c));
        }
        assert_eq!(FindingClass::parse("bad"), None);
    }

    #[test]
    fn layers_read_from_geojson() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"layer":"zone","kind":"no_fly","status":"proposed","id":"nfz","name":"No-fly"},
           "geometry":{"type":"Polygon","coordinates":[[[36,35],[37,35],[37,36],[36,35]]]}},
          {"type":"Feature","properties":{"layer":"route","corridor_km":2,"id":"r1"},
           "geometry":{"type":"LineString","coordinates":[[37.1,36.2],[36.95,36.15]]}},
          {"type":"Feature","properties":{"layer":"site","radius_km":0.5,"id":"h1"},
           "geometry":{"type":"Point","coordinates":[37.15,36.21]}},
          {"type":"Feature","properties":{"layer":"incident","finding":"grave","id":7,"title":"t"},
           "geometry":{"type":"Point","coordinates":[36.95,36.15]}}]}"#;
        let l = Layers::from_geojson("l.geojson", text).unwrap();
        assert_eq!(l.zones[0].kind, ZoneKind::NoFly);
        assert!(l.zones[0].proposed);
        assert_eq!(l.routes[0].corridor_km, 2.0);
        assert_eq!(l.incidents[0].id, "7");
        let b = l.bounds().unwrap();
        assert_eq!((b.min().x, b.max().y), (36.0, 36.21));
    }

    #[test]
    fn bad_layers_name_the_feature() {
        let wrap = |f: &str| format!(r#"{{"type":"FeatureCollection","features":[{f}]}}"#);
        for (feature, reason) in [
            (
                r#"{"type":"Feature","properties":{"layer":"zone","kind":"safe"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                "zone `kind` `safe`",
            ),
            (
                r#"{"type":"Feature","properties":{"layer":"route","corridor_km":-1},"geometry":{"type":"LineString","coordinates":[[1,2],[2,3]]}}"#,
                "corridor_km",
            ),
            (
                r#"{"type":"Feature","properties":{"layer":"site","radius_km":1},"geometry":{"type":"LineString","coordinates":[[1,2],[2,3]]}}"#,
                "a LineString where a Point",
            ),
            (
                r#"{"type":"Feature","properties":{"layer":"incident","finding":"awful"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                "`finding` `awful`",
            ),
            (
                r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                "`layer` None",
            ),
        ] {
            let e = Layers::from_geojson("l.geojson", &wrap(feature)).unwrap_err();
            let s = e.to_string();
            assert!(s.starts_with("l.geojson: feature 0: "), "{s}");
            assert!(s.contains(reason), "{s}");
        }
        let e = Layers::from_geojson("l.geojson", "{").unwrap_err();
        assert!(e.to_string().contains("not a GeoJSON"), "{e}");
    }
}
