//! From longitude and latitude to pixels: the projection and the viewport fitted to an area.

use geo::{coord, Rect};

use crate::MapError;

const EARTH_RADIUS_KM: f64 = 6371.0088;
const MAX_LAT: f64 = 85.0;

/// How the sphere is flattened.
///
/// For a theatre the size of Syria both look alike; Web Mercator keeps shapes true (what
/// readers know from web maps), the equirectangular projection keeps north–south distances
/// even (scaled by the cosine of the middle latitude, so shapes are right near it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Projection {
    /// Spherical (Web) Mercator.
    #[default]
    WebMercator,
    /// Plate carrée with longitudes scaled by the cosine of the viewport's middle latitude.
    Equirectangular,
}

impl Projection {
    /// The name written into the SVG (`data-projection`), which the map script reads to turn
    /// the visible area back into longitudes and latitudes.
    pub fn as_str(self) -> &'static str {
        match self {
            Projection::WebMercator => "web_mercator",
            Projection::Equirectangular => "equirectangular",
        }
    }

    /// Projected coordinates, in radians of the unit sphere (y grows northwards).
    fn forward(self, lon: f64, lat: f64, lat0: f64) -> (f64, f64) {
        let lat = lat.clamp(-MAX_LAT, MAX_LAT);
        match self {
            Projection::WebMercator => {
                let phi = lat.to_radians();
                (
                    lon.to_radians(),
                    (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan().ln(),
                )
            }
            Projection::Equirectangular => {
                (lon.to_radians() * lat0.to_radians().cos(), lat.to_radians())
            }
        }
    }

    fn inverse(self, x: f64, y: f64, lat0: f64) -> (f64, f64) {
        match self {
            Projection::WebMercator => (
                x.to_degrees(),
                (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
            ),
            Projection::Equirectangular => {
                ((x / lat0.to_radians().cos()).to_degrees(), y.to_degrees())
            }
        }
    }
}

/// A drawing area of `width` × `height` pixels showing a given area of the earth: the one
/// thing every layer is projected through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    projection: Projection,
    width: f64,
    height: f64,
    /// Pixels per projected unit.
    scale: f64,
    /// Projected coordinates of the top-left corner.
    x0: f64,
    y0: f64,
    /// The middle latitude (equirectangular scaling).
    lat0: f64,
}

impl Viewport {
    /// The viewport of `width` × `height` pixels that shows all of `bounds` (longitude x,
    /// latitude y, degrees), centred, with a small margin. The side that has room to spare
    /// shows more of the surroundings, so nothing is stretched.
    pub fn fit(
        bounds: Rect<f64>,
        width: f64,
        height: f64,
        projection: Projection,
    ) -> Result<Viewport, MapError> {
        let bad = |reason: String| Err(MapError::Viewport(reason));
        if !(16.0..=20_000.0).contains(&width) || !(16.0..=20_000.0).contains(&height) {
            return bad(format!(
                "size {width}×{height} px: each side must be 16 to 20000"
            ));
        }
        let (min, max) = (bounds.min(), bounds.max());
        for (what, v, lim) in [
            ("west", min.x, 180.0),
            ("east", max.x, 180.0),
            ("south", min.y, MAX_LAT),
            ("north", max.y, MAX_LAT),
        ] {
            if !v.is_finite() || v.abs() > lim {
                return bad(format!("{what} edge {v} is outside ±{lim}°"));
            }
        }
        // A single point (one incident) still gets a readable area around it.
        let min_span = 0.05;
        let (mut w, mut e, mut s, mut n) = (min.x, max.x, min.y, max.y);
        if e - w < min_span {
            let c = (w + e) / 2.0;
            (w, e) = (c - min_span / 2.0, c + min_span / 2.0);
        }
        if n - s < min_span {
            let c = (s + n) / 2.0;
            (s, n) = (c - min_span / 2.0, c + min_span / 2.0);
        }
        let lat0 = (s + n) / 2.0;
        let (xa, ya) = projection.forward(w, s, lat0);
        let (xb, yb) = projection.forward(e, n, lat0);
        let margin = 0.04 * width.min(height);
        let scale = ((width - 2.0 * margin) / (xb - xa)).min((height - 2.0 * margin) / (yb - ya));
        let (cx, cy) = ((xa + xb) / 2.0, (ya + yb) / 2.0);
        Ok(Viewport {
            projection,
            width,
            height,
            scale,
            x0: cx - width / 2.0 / scale,
            y0: cy + height / 2.0 / scale,
            lat0,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// The projection in use.
    pub fn projection(&self) -> Projection {
        self.projection
    }

    /// Pixel position (x right, y down) of a longitude and latitude.
    #[inline]
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.projection.forward(lon, lat, self.lat0);
        ((x - self.x0) * self.scale, (self.y0 - y) * self.scale)
    }

    /// Longitude and latitude at a pixel position: how a click or the visible part of a
    /// zoomed map becomes a place or a bounding-box filter.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        self.projection.inverse(
            x / self.scale + self.x0,
            self.y0 - y / self.scale,
            self.lat0,
        )
    }

    /// The area the whole drawing shows (longitude x, latitude y).
    pub fn visible_bounds(&self) -> Rect<f64> {
        let (w, n) = self.unproject(0.0, 0.0);
        let (e, s) = self.unproject(self.width, self.height);
        Rect::new(coord! { x: w, y: s }, coord! { x: e, y: n })
    }

    /// Pixels per degree of longitude: sets how much detail the basemap needs.
    pub fn px_per_degree(&self) -> f64 {
        let (a, _) = self.project(0.0, self.lat0);
        let (b, _) = self.project(1.0, self.lat0);
        (b - a).abs()
    }

    /// Pixels per km on the ground at latitude `lat`: radii and corridor widths are given in
    /// km and drawn at this scale.
    pub fn px_per_km(&self, lat: f64) -> f64 {
        let dlat = (1.0 / EARTH_RADIUS_KM).to_degrees();
        let (_, y1) = self.project(0.0, lat - dlat / 2.0);
        let (_, y2) = self.project(0.0, lat + dlat / 2.0);
        (y1 - y2).abs()
    }

    /// Parameters the map script needs to turn pixels back into degrees (`scale`, `x0`,
    /// `y0`, `lat0`).
    pub(crate) fn params(&self) -> [f64; 4] {
        [self.scale, self.x0, self.y0, self.lat0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syria() -> Rect<f64> {
        Rect::new(coord! { x: 35.7, y: 32.3 }, coord! { x: 42.4, y: 37.3 })
    }

    #[test]
    fn fitted_bounds_are_inside_and_centred() {
        for proj in [Projection::WebMercator, Projection::Equirectangular] {
            let v = Viewport::fit(syria(), 1200.0, 900.0, proj).unwrap();
            let (x1, y1) = v.project(35.7, 37.3);
            let (x2, y2) = v.project(42.4, 32.3);
            for (x, y) in [(x1, y1), (x2, y2)] {
                assert!((0.0..=1200.0).contains(&x) && (0.0..=900.0).contains(&y));
            }
            assert!(x1 < x2 && y1 < y2, "north is up, east is right");
            // One side touches the margin, and the drawing is centred.
            let fits_w = (x1 - 36.0).abs() < 1.0 && (1200.0 - x2 - 36.0).abs() < 1.0;
            let fits_h = (y1 - 36.0).abs() < 1.0 && (900.0 - y2 - 36.0).abs() < 1.0;
            assert!(fits_w || fits_h, "{proj:?}: {x1} {y1} {x2} {y2}");
            assert!(((x1 + x2) / 2.0 - 600.0).abs() < 1e-6);
            let (lon, lat) = v.unproject(x1, y1);
            assert!((lon - 35.7).abs() < 1e-9 && (lat - 37.3).abs() < 1e-9);
        }
    }

    #[test]
    fn scale_in_km_matches_the_ground() {
        let v = Viewport::fit(syria(), 1200.0, 900.0, Projection::WebMercator).unwrap();
        // Aleppo to Damascus is about 310 km (great circle); the map agrees within 2 %.
        let (ax, ay) = v.project(37.16, 36.20);
        let (dx, dy) = v.project(36.28, 33.51);
        let px = ((ax - dx).powi(2) + (ay - dy).powi(2)).sqrt();
        let km = px / v.px_per_km((36.20 + 33.51) / 2.0);
        assert!((km - 310.0).abs() < 310.0 * 0.02, "{km}");
    }

    #[test]
    fn bad_viewports_are_refused() {
        let r = Viewport::fit(syria(), 0.0, 900.0, Projection::WebMercator);
        assert!(matches!(r, Err(MapError::Viewport(_))));
        let far = Rect::new(coord! { x: 35.0, y: 80.0 }, coord! { x: 36.0, y: 89.0 });
        let e = Viewport::fit(far, 100.0, 100.0, Projection::WebMercator).unwrap_err();
        assert!(e.to_string().contains("north"), "{e}");
        let nan = Rect::new(coord! { x: f64::NAN, y: 0.0 }, coord! { x: 1.0, y: 1.0 });
        assert!(Viewport::fit(nan, 100.0, 100.0, Projection::WebMercator).is_err());
    }

    #[test]
    fn a_point_gets_an_area() {
        let p = Rect::new(coord! { x: 37.0, y: 36.0 }, coord! { x: 37.0, y: 36.0 });
        let v = Viewport::fit(p, 400.0, 300.0, Projection::WebMercator).unwrap();
        let b = v.visible_bounds();
        assert!(b.width() > 0.04 && b.height() > 0.04);
    }
}
