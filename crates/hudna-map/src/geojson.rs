//! Reading GeoJSON feature collections into `geo` shapes, with errors naming the feature.

use geo::{Geometry, MultiPolygon};
use geojson::{FeatureCollection, JsonObject};

use crate::MapError;

/// One feature: its properties and its geometry.
pub(crate) type Feature = (JsonObject, Geometry<f64>);

/// Reads a FeatureCollection; every feature must have a geometry.
pub(crate) fn read_features(file: &str, text: &str) -> Result<Vec<Feature>, MapError> {
    let data = |reason: String| MapError::Data {
        file: file.to_string(),
        reason,
    };
    let fc: FeatureCollection = text
        .parse()
        .map_err(|e: geojson::Error| data(format!("not a GeoJSON FeatureCollection: {e}")))?;
    let mut out = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.into_iter().enumerate() {
        let Some(g) = f.geometry else {
            return Err(data(format!("feature {i}: no geometry")));
        };
        let geom = Geometry::<f64>::try_from(g)
            .map_err(|e| data(format!("feature {i}: unusable geometry: {e}")))?;
        out.push((f.properties.unwrap_or_default(), geom));
    }
    Ok(out)
}

/// Reads a FeatureCollection of Polygon / MultiPolygon features.
pub(crate) fn read_areas(
    file: &str,
    text: &str,
) -> Result<Vec<(JsonObject, MultiPolygon<f64>)>, MapError> {
    read_features(file, text)?
        .into_iter()
        .enumerate()
        .map(|(i, (props, g))| match g {
            Geometry::Polygon(p) => Ok((props, MultiPolygon(vec![p]))),
            Geometry::MultiPolygon(mp) => Ok((props, mp)),
            other => Err(MapError::Data {
                file: file.to_string(),
                reason: format!(
                    "feature {i}: a {} where a Polygon or MultiPolygon is needed",
                    geometry_name(&other)
                ),
            }),
        })
        .collect()
}

/// A string property, if present and a string.
pub(crate) fn prop_str<'a>(props: &'a JsonObject, key: &str) -> Option<&'a str> {
    props.get(key).and_then(|v| v.as_str())
}

/// The GeoJSON name of a geometry's type, for messages.
pub(crate) fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}
